#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the demo program under Wine, in a throwaway prefix, with this DLL as
# a per-program override (tools/sspishim-run): first with NTLM, then, when
# MIT's KDC tools are installed, with Negotiate over Kerberos against a
# throwaway realm (tests/kerberos/realm.sh: alice with a password,
# HTTP/localhost with a keytab; its krb5kdc is stopped by its pid on exit).
# Usage: tools/demo.sh BUILD_DIR
set -euo pipefail
b=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/kerberos/realm.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-demo.XXXXXX")
trap 'realm_stop; wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml="
echo "(creating a throwaway Wine prefix)"
wineboot -i >/dev/null 2>&1
cp "$b/x86_64/sspishim-demo.exe" "$work/"
echo
echo "== NTLM"
SSPISHIM_DLLS="$b" "$here/sspishim-run" "$work/sspishim-demo.exe" | tr -d '\r'

echo
echo "== Negotiate over Kerberos"
if ! realm_tools; then
    echo "(the Kerberos half is skipped: MIT's $realm_missing is not installed; bash tools/dev installs krb5-kdc, krb5-admin-server and krb5-user)"
    exit 0
fi
realm=DEMO.TEST
export KRB5CCNAME=FILE:$work/realm/ccache KRB5_KTNAME=$work/realm/http.keytab KRB5RCACHETYPE=none
if ! { realm_init "$work/realm" "$realm" && realm_addprinc alice &&
    realm_addservice HTTP/localhost "$KRB5_KTNAME" && realm_kdc_start alice; }; then
    echo "(the Kerberos half failed: the throwaway realm $realm did not come up)"
    realm_logs
    exit 1
fi
rm -f "$work/realm/ccache"   # the client logs on with alice's password, not kinit's cache
echo "(throwaway realm $realm: MIT krb5kdc pid $realm_kdc_pid on 127.0.0.1:$realm_port;" \
    "alice has a password, HTTP/localhost a keytab)"
echo
SSPISHIM_DEMO_PASSWORD=$realm_pw SSPISHIM_DLLS="$b" "$here/sspishim-run" "$work/sspishim-demo.exe" kerberos "$realm" |
    tr -d '\r'
