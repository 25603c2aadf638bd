#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Interop with independent NTLM and SPNEGO peers (see run.py), in a throwaway prefix.
# Usage: tests/interop/run.sh BUILD_DIR
set -u
b=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-interop.XXXXXX")
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=;secur32=n,b"
# python3-ntlm-auth computes MD4 through OpenSSL 3, which needs the legacy provider.
cat > "$work/openssl.cnf" <<'CNF'
openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
CNF
export OPENSSL_CONF="$work/openssl.cnf"
if ! timeout 300 wineboot -i >"$work/wineboot.log" 2>&1; then
    cat "$work/wineboot.log"; echo "interop: 0 passed, 1 failed"; exit 1
fi
wineserver -w
mkdir -p "$work/bin"
cp "$b/x86_64/secur32.dll" "$b/x86_64/tests/sspi_peer.exe" "$work/bin/"
timeout 600 /usr/bin/python3 "$here/run.py" "$work/bin/sspi_peer.exe" "$b/native/tests/gss_peer" "$b/native/tests/core_peer" \
    | tee "$work/interop.log" | grep -v '^interop: [0-9]* passed'
# A real HTTP server: Apache with mod_auth_gssapi, Wine's wininet and winhttp (apache.sh).
timeout 900 "$here/apache.sh" "$b" 2>&1 | tee -a "$work/interop.log"
# One line for both, as tests/check.sh reads it.
read -r p f < <(sed -nE 's/^(interop|apache): ([0-9]+) passed, ([0-9]+) failed$/\2 \3/p' "$work/interop.log" |
                awk '{ p += $1; f += $2; n++ } END { print p + 0, (n == 2 ? f : f + 1) }')
echo "interop: $p passed, $f failed"
[ "$f" -eq 0 ]
