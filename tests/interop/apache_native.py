# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
"""A native NTLM client (python3-ntlm-auth over http.client, one keep-alive
connection) against the test's Apache: proves the rig with a peer that is
not Wine and not this DLL.  Linux curl cannot serve here: its NTLM sends a
32-byte NEGOTIATE, which gss-ntlmssp 1.2.0 rejects.
Usage: apache_native.py PORT PATH DOMAIN USER PASSWORD -> prints "STATUS BODY-LINE"."""
import base64
import http.client
import sys

from ntlm_auth.ntlm import NtlmContext


def main():
    port, path, domain, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    ctx = NtlmContext(user, password, domain=domain, ntlm_compatibility=3)
    token = ctx.step()
    for _ in range(2):
        con.request("GET", path, headers={"Authorization": "NTLM " + base64.b64encode(token).decode()})
        r = con.getresponse()
        body = r.read().decode("latin-1")
        offered = r.getheader("WWW-Authenticate") or ""
        if r.status != 401 or not offered.startswith("NTLM ") or ctx.complete:
            break
        token = ctx.step(base64.b64decode(offered.split()[1]))
    print(r.status, body.splitlines()[0] if body else "")


if __name__ == "__main__":
    main()
