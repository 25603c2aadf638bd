#!/usr/bin/python3
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
"""Interop of this DLL's NTLM with peers nobody here wrote.

The Windows end is tests/interop/sspi_peer.exe under Wine (with this DLL as
its secur32); the other end is
  - python3-ntlm-auth's NtlmContext, as a client;
  - Samba's ntlm_auth --helper-protocol=ntlmssp-client-1, as a client;
  - Samba's ntlm_auth --helper-protocol=squid-2.5-ntlmssp, as a server;
  - for Negotiate, MIT GSSAPI's SPNEGO mechanism over gss-ntlmssp
    (tests/interop/gss_peer), as client and as server, against sspi_peer.exe
    with SSPI_PEER_PACKAGE=Negotiate and against the core natively
    (tests/interop/core_peer);
  - for NTLM without extended session security, python3-impacket's ntlm
    module, as a client that does not ask for it and as a server that does
    not offer it, against the core natively (core_peer, package NTLM): its
    messages, its NTLMv2 response and its MS-NLMP 3.4.4.1 signatures (its
    SEALKEY is not used: it weakens the key whenever ESS is off).
This script relays the tokens, then seals and unseals real messages both
ways (for ntlm_auth, with the session key and flags it reports, through
python3-ntlm-auth's SessionSecurity; for GSSAPI with gss_wrap/gss_unwrap).
Ends with "interop: N passed, N failed".

Usage: run.py PEER_EXE [GSS_PEER CORE_PEER]   (WINEPREFIX and WINEDLLOVERRIDES
set by the caller; OPENSSL_CONF must enable the legacy provider for MD4)."""
import base64
import os
import shutil
import subprocess
import sys
import tempfile

from ntlm_auth.ntlm import NtlmContext
from ntlm_auth.session_security import SessionSecurity

USER, DOMAIN, PASSWORD = "User", "Domain", "Password"
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("interop: Test failed: %s" % what, flush=True)
    return cond


def b64(data):
    return base64.b64encode(data).decode() if data else "-"


def unb64(text):
    return b"" if text in ("", "-") else base64.b64decode(text)


class Peer:
    """sspi_peer.exe under Wine, or a native peer speaking its protocol."""

    def __init__(self, exe, role, env):
        cmd = ["wine", exe, role] if exe.endswith(".exe") else [exe, role]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, env=env, cwd=os.path.dirname(exe))

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def step(self, token=None):
        r = self.ask("STEP " + b64(token) if token else "STEP").split()
        if r[0] != "TOKEN":
            return r[1], None
        return r[1], unb64(r[2])

    def close(self):
        try:
            self.ask("QUIT")
        except (BrokenPipeError, OSError):
            pass
        self.p.wait(timeout=30)


def exchange_messages(peer, wrap, unwrap, who):
    """Seal with the other side and unseal here, then the other way."""
    msg = ("hello from %s, sealed" % who).encode()
    r = peer.ask("UNSEAL " + b64(wrap(msg)))
    check(r == "DATA " + b64(msg), "%s: sspishim did not unseal the peer's message: %s" % (who, r))
    msg2 = b"second message, sequence 1"
    r = peer.ask("UNSEAL " + b64(wrap(msg2)))
    check(r == "DATA " + b64(msg2), "%s: second message: %s" % (who, r))
    tampered = bytearray(wrap(b"this one is altered in flight"))
    tampered[20] ^= 1
    r = peer.ask("UNSEAL " + b64(bytes(tampered)))
    check(r.startswith("ERR 8009030f"), "%s: tampered message not refused as SEC_E_MESSAGE_ALTERED: %s" % (who, r))
    reply = b"reply from sspishim"
    for i in range(3):
        r = peer.ask("SEAL " + b64(reply + bytes([i])))
        ok = r.startswith("DATA ")
        check(ok, "%s: sspishim SEAL failed: %s" % (who, r))
        if ok:
            try:
                out = unwrap(unb64(r.split()[1]))
            except Exception as e:  # the peer raises on a bad signature
                out = repr(e).encode()
            check(out == reply + bytes([i]), "%s: the peer unsealed %r" % (who, out))


def python_client(exe, env):
    print("== python3-ntlm-auth client -> sspishim server", flush=True)
    server = Peer(exe, "server", env)
    check(server.ask("SERVER") == "OK", "server credential")
    client = NtlmContext(USER, PASSWORD, DOMAIN, ntlm_compatibility=3)
    st, challenge = server.step(client.step())
    check(st == "00090312" and challenge, "CHALLENGE: %s" % st)
    st, _ = server.step(client.step(challenge))
    check(st == "00000000", "AUTHENTICATE accepted: %s" % st)
    r = server.ask("NAME")
    check(r.lower() == "name domain\\user", "server sees %s" % r)
    r = server.ask("KEY")
    check(r == "DATA " + b64(client.session_key), "session keys differ: %s" % r)
    exchange_messages(server, client.wrap, client.unwrap, "python client")
    server.close()

    server = Peer(exe, "server", env)
    server.ask("SERVER")
    bad = NtlmContext(USER, "wrong password", DOMAIN, ntlm_compatibility=3)
    st, challenge = server.step(bad.step())
    st, _ = server.step(bad.step(challenge))
    check(st == "8009030c", "wrong password not refused as SEC_E_LOGON_DENIED: %s" % st)
    server.close()


class NtlmAuthHelper:
    def __init__(self, args):
        self.p = subprocess.Popen(["ntlm_auth"] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def session(self, source):
        key = unb64(self.ask("GK").split()[1])
        flags = int(self.ask("GF").split()[1], 16)
        return SessionSecurity(flags, key, source=source), key

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def wrapper(sec):
    def wrap(data):
        sealed, sig = sec.wrap(data)
        return sig + sealed

    def unwrap(data):
        return sec.unwrap(data[16:], data[:16])
    return wrap, unwrap


def samba_client(exe, env):
    print("== Samba ntlm_auth client (ntlmssp-client-1) -> sspishim server", flush=True)
    helper = NtlmAuthHelper(["--helper-protocol=ntlmssp-client-1", "--username=" + USER,
                             "--password=" + PASSWORD, "--domain=" + DOMAIN])
    server = Peer(exe, "server", env)
    check(server.ask("SERVER") == "OK", "server credential")
    # ask the helper for signing and sealing, or it negotiates neither
    r = helper.ask("SF NTLMSSP_FEATURE_SESSION_KEY NTLMSSP_FEATURE_SIGN NTLMSSP_FEATURE_SEAL")
    check(r == "OK", "ntlm_auth SF: %s" % r)
    r = helper.ask("YR").split()
    check(r[0] == "YR", "ntlm_auth NEGOTIATE: %s" % r)
    st, challenge = server.step(unb64(r[1]))
    check(st == "00090312", "CHALLENGE: %s" % st)
    r = helper.ask("TT " + b64(challenge)).split()
    # the client helper answers its last token with AF (done) rather than KK
    check(r[0] in ("KK", "AF") and len(r) == 2, "ntlm_auth AUTHENTICATE: %s" % r)
    st, _ = server.step(unb64(r[1]))
    check(st == "00000000", "sspishim accepted ntlm_auth's AUTHENTICATE: %s" % st)
    sec, key = helper.session("client")
    check(server.ask("KEY") == "DATA " + b64(key), "session keys differ")
    wrap, unwrap = wrapper(sec)
    exchange_messages(server, wrap, unwrap, "ntlm_auth client")
    server.close()
    helper.close()


def samba_server(exe, env):
    print("== sspishim client -> Samba ntlm_auth server (squid-2.5-ntlmssp)", flush=True)
    helper = NtlmAuthHelper(["--helper-protocol=squid-2.5-ntlmssp", "--username=" + USER,
                             "--password=" + PASSWORD, "--domain=" + DOMAIN])
    client = Peer(exe, "client", env)
    check(client.ask("CLIENT %s %s %s" % (USER, DOMAIN, PASSWORD)) == "OK", "client credential")
    st, negotiate = client.step()
    check(st == "00090312", "NEGOTIATE: %s" % st)
    r = helper.ask("YR " + b64(negotiate)).split()
    check(r[0] == "TT", "ntlm_auth CHALLENGE: %s" % r)
    st, authenticate = client.step(unb64(r[1]))
    check(st == "00000000", "AUTHENTICATE: %s" % st)
    r = helper.ask("KK " + b64(authenticate))
    check(r.startswith("AF "), "ntlm_auth did not accept sspishim's AUTHENTICATE: %s" % r)
    sec, key = helper.session("server")
    check(client.ask("KEY") == "DATA " + b64(key), "session keys differ")
    wrap, unwrap = wrapper(sec)
    exchange_messages(client, wrap, unwrap, "ntlm_auth server")
    client.close()
    helper.close()

    helper = NtlmAuthHelper(["--helper-protocol=squid-2.5-ntlmssp", "--username=" + USER,
                             "--password=" + PASSWORD, "--domain=" + DOMAIN])
    client = Peer(exe, "client", env)
    client.ask("CLIENT %s %s %s" % (USER, DOMAIN, "wrong"))
    st, negotiate = client.step()
    r = helper.ask("YR " + b64(negotiate)).split()
    st, authenticate = client.step(unb64(r[1]))
    r = helper.ask("KK " + b64(authenticate))
    check(r.startswith("NA"), "ntlm_auth accepted a wrong password: %s" % r)
    client.close()
    helper.close()


def converse(client, server, who):
    """Relays tokens until both sides are done; True when they are."""
    token, side, done = None, client, {}
    for _ in range(8):
        st, token = side.step(token)
        if not check(st in ("00090312", "00000000"), "%s: %s step failed: %s" % (
                who, "client" if side is client else "server", st)):
            return False
        done[side] = st == "00000000"
        if done.get(client) and done.get(server):
            return True
        if not check(token, "%s: no token to pass on, yet not done" % who):
            return False
        side = server if side is client else client
    check(False, "%s: the handshake does not end" % who)
    return False


def gss_messages(ours, gss, who):
    def wrap(data):
        r = gss.ask("SEAL " + b64(data)).split()
        if r[0] != "DATA":
            raise RuntimeError("gss_wrap: %s" % r)
        return unb64(r[1])

    def unwrap(data):
        r = gss.ask("UNSEAL " + b64(data)).split()
        if r[0] != "DATA":
            raise RuntimeError("gss_unwrap: %s" % " ".join(r))
        return unb64(r[1])
    # signatures both ways (gss_get_mic / gss_verify_mic), before the
    # sealed messages, whose tampered one costs the sender a sequence number
    msg = b"signed by GSSAPI"
    r = gss.ask("SIGN " + b64(msg)).split()
    check(r[0] == "DATA" and ours.ask("VERIFY %s %s" % (b64(msg), r[1])) == "OK", "%s: gss_get_mic -> VerifySignature" % who)
    msg = b"signed by sspishim"
    r = ours.ask("SIGN " + b64(msg)).split()
    check(r[0] == "DATA" and gss.ask("VERIFY %s %s" % (b64(msg), r[1])) == "OK", "%s: MakeSignature -> gss_verify_mic" % who)
    exchange_messages(ours, wrap, unwrap, who)


def spnego(ours_exe, gss_exe, env, label):
    """sspishim's Negotiate against MIT SPNEGO with gss-ntlmssp, both ways."""
    env = dict(env, SSPI_PEER_PACKAGE="Negotiate")
    print("== %s Negotiate client -> MIT SPNEGO/gss-ntlmssp server" % label, flush=True)
    ours, gss = Peer(ours_exe, "client", env), Peer(gss_exe, "server", env)
    check(ours.ask("CLIENT %s %s %s" % (USER, DOMAIN, PASSWORD)) == "OK", "%s client credential" % label)
    check(gss.ask("SERVER") == "OK", "gss acceptor credential")
    if converse(ours, gss, "%s client" % label):
        check(gss.ask("MECH") == "MECH { 1 3 6 1 4 1 311 2 2 10 }", "gss negotiated NTLM")
        r = gss.ask("NAME")
        check(r.lower() == "name domain\\user", "the gss server sees %s" % r)
        gss_messages(ours, gss, "%s client, gss server" % label)
    ours.close()
    gss.close()

    print("== MIT SPNEGO/gss-ntlmssp client -> %s Negotiate server" % label, flush=True)
    ours, gss = Peer(ours_exe, "server", env), Peer(gss_exe, "client", env)
    check(ours.ask("SERVER") == "OK", "%s server credential" % label)
    check(gss.ask("CLIENT %s %s %s" % (USER, DOMAIN, PASSWORD)) == "OK", "gss initiator credential")
    if converse(gss, ours, "%s server" % label):
        check(gss.ask("MECH") == "MECH { 1 3 6 1 4 1 311 2 2 10 }", "gss negotiated NTLM")
        r = ours.ask("NAME")
        check(r.lower() == "name domain\\user", "the %s server sees %s" % (label, r))
        gss_messages(ours, gss, "gss client, %s server" % label)
    ours.close()
    gss.close()

    print("== wrong passwords refused, both ways (%s)" % label, flush=True)
    ours, gss = Peer(ours_exe, "server", env), Peer(gss_exe, "client", env)
    ours.ask("SERVER")
    gss.ask("CLIENT %s %s %s" % (USER, DOMAIN, "wrong"))
    st, t = gss.step()
    st, t = ours.step(t)
    st, t = gss.step(t)
    st, t = ours.step(t)
    check(st == "8009030c", "%s server: a wrong password gives %s" % (label, st))
    ours.close()
    gss.close()
    ours, gss = Peer(ours_exe, "client", env), Peer(gss_exe, "server", env)
    ours.ask("CLIENT %s %s %s" % (USER, DOMAIN, "wrong"))
    gss.ask("SERVER")
    st, t = ours.step()
    st, t = gss.step(t)
    st, t = ours.step(t)
    r = gss.ask("STEP " + b64(t))
    check(r.startswith("ERR"), "gss server accepted a wrong password: %s" % r)
    ours.close()
    gss.close()


# ---- NTLM without extended session security, against python3-impacket --------

def impacket_no_ess(core_exe, env):
    """impacket as the legacy end, the core (core_peer, NTLM) as the other:
    the CHALLENGE/AUTHENTICATE carry no ESS, the session key agrees, and
    sealed and signed messages take turns on one RC4 stream and one
    sequence number (client 0, server 1, client 2, ...)."""
    import hmac
    import struct
    from impacket import ntlm as im
    from Cryptodome.Cipher import ARC4

    ESS = im.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
    env = dict(env, SSPI_PEER_PACKAGE="NTLM")

    # impacket's own 3.4.4.1 code on MS-NLMP 4.2.2.4's inputs: it is a fit
    # reference only if it gives the spec's values with the whole key.
    text = "Plaintext".encode("utf-16le")
    sealed, sig = im.SEAL(0, None, None, text, text, 0, ARC4.new(b"\x55" * 16).encrypt)
    check(sealed.hex() == "56fe04d861f9319af0d7238a2e3b4d457fb8" and
          sig.getData().hex() == "010000000000000009dcd1df2e459d36",
          "impacket does not reproduce MS-NLMP 4.2.2.4: %s %s" % (sealed.hex(), sig.getData().hex()))

    def converse(peer, key, flags, first_is_ours, who):
        handle = ARC4.new(key).encrypt   # the one shared stream, whole key
        seq = 0
        for i in range(6):
            ours = (i % 2 == 0) == first_is_ours
            msg = ("%s message %d" % (who, i)).encode()
            signed_only = i % 3 == 2
            if ours:      # impacket writes, the core reads
                if signed_only:
                    sig = im.SIGN(flags, None, msg, seq, handle)
                    r = peer.ask("VERIFY %s %s" % (b64(msg), b64(sig.getData())))
                    check(r == "OK", "%s: the core refused impacket's signature %d: %s" % (who, i, r))
                else:
                    data, sig = im.SEAL(flags, None, None, msg, msg, seq, handle)
                    r = peer.ask("UNSEAL " + b64(sig.getData() + data))
                    check(r == "DATA " + b64(msg), "%s: the core did not unseal impacket's %d: %s" % (who, i, r))
            else:         # the core writes, impacket reads
                r = peer.ask(("SIGN " if signed_only else "SEAL ") + b64(msg)).split()
                if not check(r[0] == "DATA", "%s: the core could not write %d: %s" % (who, i, r)):
                    return
                blob = unb64(r[1])
                got = msg if signed_only else handle(blob[16:])
                want = im.MAC(flags, handle, None, seq, got).getData()
                check(got == msg and blob[:16] == want,
                      "%s: impacket does not accept the core's %d: %s vs %s" % (who, i, blob[:16].hex(), want.hex()))
            seq += 1
        # A replay of the first message is refused now.
        data, sig = im.SEAL(flags, None, None, b"late", b"late", 0, ARC4.new(key).encrypt)
        r = peer.ask("UNSEAL " + b64(sig.getData() + data))
        check(r.startswith("ERR"), "%s: a replayed sequence number 0 was accepted: %s" % (who, r))

    print("== impacket client without ESS -> core NTLM server", flush=True)
    server = Peer(core_exe, "server", env)
    check(server.ask("SERVER") == "OK", "server credential")
    type1 = im.getNTLMSSPType1("", "", signingRequired=True, use_ntlmv2=True)
    type1["flags"] &= ~ESS
    st, challenge = server.step(type1.getData())
    check(st == "00090312" and challenge, "CHALLENGE: %s" % st)
    chal_flags = im.NTLMAuthChallenge(challenge)["flags"]
    check(not chal_flags & ESS, "the core's CHALLENGE offers ESS the client did not ask for: %#x" % chal_flags)
    type3, key = im.getNTLMSSPType3(type1, challenge, USER, PASSWORD, DOMAIN, use_ntlmv2=True)
    check(not type3["flags"] & ESS, "impacket's AUTHENTICATE has ESS")
    st, _ = server.step(type3.getData())
    check(st == "00000000", "AUTHENTICATE accepted: %s" % st)
    r = server.ask("KEY")
    check(r == "DATA " + b64(key), "session keys differ: %s" % r)
    converse(server, key, type3["flags"], True, "impacket client")
    server.close()

    print("== core NTLM client -> impacket server without ESS", flush=True)
    client = Peer(core_exe, "client", env)
    check(client.ask("CLIENT %s %s %s" % (USER, DOMAIN, PASSWORD)) == "OK", "client credential")
    st, negotiate = client.step()
    neg_flags = struct.unpack("<I", negotiate[12:16])[0]
    check(neg_flags & ESS, "the core's NEGOTIATE does not ask for ESS")
    # A CHALLENGE that leaves ESS out, built with impacket's structure.
    flags = (neg_flags & ~ESS) | im.NTLMSSP_NEGOTIATE_TARGET_INFO | im.NTLMSSP_TARGET_TYPE_SERVER
    info = im.AV_PAIRS()
    info[im.NTLMSSP_AV_DOMAINNAME] = DOMAIN.encode("utf-16le")
    info[im.NTLMSSP_AV_HOSTNAME] = b"S\x00E\x00R\x00V\x00E\x00R\x00"
    ch = im.NTLMAuthChallenge()
    ch["flags"] = flags
    ch["challenge"] = os.urandom(8)
    ch["domain_name"] = DOMAIN.encode("utf-16le")
    ch["domain_len"] = ch["domain_max_len"] = len(ch["domain_name"])
    ch["domain_offset"] = 40 + 16
    ch["TargetInfoFields"] = info.getData()
    ch["TargetInfoFields_len"] = ch["TargetInfoFields_max_len"] = len(ch["TargetInfoFields"])
    ch["TargetInfoFields_offset"] = 40 + 16 + len(ch["domain_name"])
    ch["Version"] = b"\x0a\x00\x61\x4a\x00\x00\x00\x0f"
    ch["VersionLen"] = 8
    st, auth = client.step(ch.getData())
    check(st == "00000000" and auth, "the core answered the CHALLENGE with %s" % st)
    a = im.NTLMAuthChallengeResponse()
    a.fromString(auth)
    check(not a["flags"] & ESS, "the core's AUTHENTICATE keeps ESS: %#x" % a["flags"])
    # The NTLMv2 proof, checked here; the session key read by its own
    # offset (impacket's parser takes it by position).
    nt = a["ntlm"]
    check(len(nt) > 24, "the core sent no NTLMv2 response (%d bytes)" % len(nt))
    owf = im.NTOWFv2(USER, PASSWORD, DOMAIN)
    proof = hmac.new(owf, ch["challenge"] + nt[16:], "md5").digest()
    check(proof == nt[:16], "NTProofStr does not verify")
    base = hmac.new(owf, proof, "md5").digest()
    klen, _, koff = struct.unpack("<HHI", auth[52:60])
    key = ARC4.new(base).decrypt(auth[koff:koff + klen]) if klen == 16 else base
    r = client.ask("KEY")
    check(r == "DATA " + b64(key), "session keys differ: %s" % r)
    converse(client, key, a["flags"], False, "impacket server")
    client.close()


def main():
    exe = os.path.abspath(sys.argv[1])
    gss_exe = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    core_exe = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    tmp = tempfile.mkdtemp(prefix="sspishim-interop.")
    accounts = os.path.join(tmp, "ntlm-users.txt")
    with open(accounts, "w") as f:
        f.write("%s:%s:%s\n" % (DOMAIN, USER, PASSWORD))
    env = dict(os.environ, NTLM_USER_FILE=accounts)   # a Unix path, as gss-ntlmssp users write it
    scenarios = [(python_client, exe), (samba_client, exe), (samba_server, exe)]
    if gss_exe:
        scenarios.append((lambda e, env: spnego(e, gss_exe, env, "sspishim"), exe))
        if core_exe:
            scenarios.append((lambda e, env: spnego(e, gss_exe, env, "core"), core_exe))
    if core_exe:
        scenarios.append((impacket_no_ess, core_exe))
    for scenario, peer_exe in scenarios:
        try:
            scenario(peer_exe, env)
        except Exception as e:  # a broken pipe or a parse error is a failure, not a crash of the run
            check(False, "%s: %r" % (scenario.__name__, e))
    shutil.rmtree(tmp, ignore_errors=True)
    print("interop: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
