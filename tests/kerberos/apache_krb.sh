#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# A real HTTP server with Kerberos (issue 17, point 3): Apache 2.4 with
# mod_auth_gssapi, its own configuration, on 127.0.0.1 at a free port,
# with a keytab holding HTTP/localhost from the test realm; stopped by its
# pid (also on failure).  Two locations, each a CGI that answers
# "user=REMOTE_USER":
#   /krb/whoami   GssapiAllowedMech krb5
#   /any/whoami   GssapiAllowedMech krb5 and ntlmssp (gss-ntlmssp)
# Its clients:
#   Linux's curl --negotiate with MIT GSSAPI: the rig is known good;
#   web_sspi.exe under Wine through this DLL: SSPI "Kerberos" with the
#     AP-REQ under "Authorization: Negotiate" (Apache takes a bare krb5
#     token as well as SPNEGO), explicit and default (kinit's cache)
#     credentials, and the answer token back into the context;
#   the SSPI "Negotiate" package (web_sspi.exe, also with the "!ntlm"
#     package list), Wine's own winhttp (web_winhttp.exe) and Wine's own
#     wininet (web_wininet.exe) with Negotiate: these need Negotiate to
#     offer Kerberos (issue 17, point 1).  SSPISHIM_KRB_NEGOTIATE=0 skips
#     them (default 1).
# One PASS, FAIL or SKIP line a case; ends with "apache-krb: N passed, N
# failed, N skipped".  SSPISHIM_KRB_ARCHES (default "x86_64 i686") picks
# the Windows architectures, SSPISHIM_KRB_KEEP_LOGS=DIR keeps Apache's logs
# (auth.log has each request's Authorization header) and Wine's stderr.
#
# Usage: tests/kerberos/apache_krb.sh BUILD_DIR
# Run by tests/kerberos/run.sh with its realm: SSPISHIM_KRB_REALM,
# SSPISHIM_KRB_PASSWORD (alice's), SSPISHIM_KRB_KDC_PORT, KRB5_CONFIG and
# KRB5_KDC_PROFILE (kadmin.local works on its database) and WINEPREFIX.
# Run alone (SSPISHIM_KRB_REALM unset) it creates a throwaway realm
# SSPI.TEST and starts its own krb5kdc, stopped by its pid on exit.
set -u
b=$(cd "${1:-build}" && pwd)
pass=0 fail=0 skipped=0
start=$(date +%s)
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
skip() { echo "SKIP $1"; skipped=$((skipped + 1)); }
finish() {
    echo "apache-krb: took $(($(date +%s) - start)) s"
    echo "apache-krb: $pass passed, $fail failed, $skipped skipped"
    [ "$fail" -eq 0 ]; exit
}
export PATH=$PATH:/usr/sbin
negotiate=${SSPISHIM_KRB_NEGOTIATE:-1}

httpd=/usr/sbin/apache2 mods=/usr/lib/apache2/modules
for f in "$httpd" "$mods/mod_auth_gssapi.so" "$mods/mod_cgid.so"; do
    if [ ! -e "$f" ]; then
        bad "$f is installed (apache2, libapache2-mod-auth-gssapi, gss-ntlmssp: tools/dev)"
        finish
    fi
done

# Everything of this run: readable by Apache's children (www-data when
# started as root), test passwords only.
ap=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-apache-krb.XXXXXX")
chmod 755 "$ap"
kdc_pid= own_prefix=
stop_apache() {
    [ -s "$ap/run/httpd.pid" ] && kill "$(cat "$ap/run/httpd.pid")" 2>/dev/null
    for _ in $(seq 50); do [ -e "$ap/run/httpd.pid" ] || break; sleep 0.1; done
}
cleanup() {
    stop_apache
    # SSPISHIM_KRB_KEEP_LOGS=DIR keeps Apache's logs and the KDC's
    [ -n "${SSPISHIM_KRB_KEEP_LOGS:-}" ] && mkdir -p "$SSPISHIM_KRB_KEEP_LOGS" &&
        cp -r "$ap/logs" "$ap"/wine-*.err "$SSPISHIM_KRB_KEEP_LOGS/" 2>/dev/null
    [ -n "$own_prefix" ] && WINEPREFIX=$own_prefix wineserver -k >/dev/null 2>&1
    [ -n "$kdc_pid" ] && realm_stop
    rm -rf "$ap"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- the realm: run.sh's, or one of our own -----------------------------------------
if [ -n "${SSPISHIM_KRB_REALM:-}" ]; then
    realm=$SSPISHIM_KRB_REALM pw=$SSPISHIM_KRB_PASSWORD
else
    . "$(dirname "$0")/realm.sh"
    realm_tools || { bad "MIT Kerberos is installed ($realm_missing is missing: tools/dev)"; finish; }
    realm=SSPI.TEST
    if ! { realm_init "$ap/kdc" "$realm" && realm_addprinc alice && realm_admin "addprinc -randkey HTTP/localhost"; }; then
        bad "throwaway realm $realm created"; sed 's/^/    /' "$ap/kdc/setup.log"; finish
    fi
    pw=$realm_pw kport=$realm_port
    KRB5CCNAME=FILE:$ap/kdc/probe.ccache realm_kdc_start alice
    up=$? kdc_pid=$realm_kdc_pid
    [ $up = 0 ] || { bad "krb5kdc started"; sed 's/^/    /' "$ap/kdc/kdc.out" "$ap/kdc/kdc.log" 2>/dev/null; finish; }
    echo "apache-krb: own realm $realm, krb5kdc (pid $kdc_pid) on 127.0.0.1:$kport"
fi
export KRB5RCACHETYPE=none

# Apache's copies of the realm's files: its children cannot read run.sh's
# private folder.  -norandkey leaves HTTP/localhost's keys as they are, so
# run.sh's own keytab stays good.
cp "$KRB5_CONFIG" "$ap/krb5.conf"
if ! kadmin.local -r "$realm" -q "ktadd -norandkey -k $ap/http.keytab HTTP/localhost" >"$ap/ktadd.log" 2>&1 ||
    [ ! -s "$ap/http.keytab" ]; then
    bad "a keytab for HTTP/localhost (kadmin.local ktadd -norandkey)"; sed 's/^/    /' "$ap/ktadd.log"; finish
fi
# gss-ntlmssp's accounts for /any: alice with her Kerberos password, domain the realm.
printf '%s:alice:%s\n' "$realm" "$pw" >"$ap/ntlm-users.txt"
chmod 644 "$ap/krb5.conf" "$ap/http.keytab" "$ap/ntlm-users.txt"

mkdir -p "$ap/run" "$ap/logs" "$ap/cgi"
chmod 755 "$ap/cgi"
# With a Content-Length: Apache then sends the body as it is, not chunked.
cat >"$ap/cgi/whoami" <<'CGI'
#!/bin/sh
body="user=$REMOTE_USER
"
printf 'Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s' "${#body}" "$body"
CGI
chmod 755 "$ap/cgi/whoami"
port=$(free_port)
listen_v6=
/usr/bin/python3 -c "import socket,sys; s=socket.socket(socket.AF_INET6); s.bind(('::1', $port))" 2>/dev/null &&
    listen_v6="Listen [::1]:$port"
run_as=
[ "$(id -u)" -eq 0 ] && run_as=$'User www-data\nGroup www-data'
cat >"$ap/httpd.conf" <<CONF
ServerRoot "$ap"
ServerName localhost
Listen 127.0.0.1:$port
$listen_v6
PidFile "$ap/run/httpd.pid"
Mutex file:$ap/run default
ScriptSock "$ap/run/cgid.sock"
ErrorLog "$ap/logs/error.log"
LogLevel info auth_gssapi:debug
LogFormat "%r %>s %u \"%{Authorization}i\"" auth
CustomLog "$ap/logs/auth.log" auth
$run_as
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule alias_module $mods/mod_alias.so
LoadModule cgid_module $mods/mod_cgid.so
LoadModule env_module $mods/mod_env.so
LoadModule auth_gssapi_module $mods/mod_auth_gssapi.so
KeepAlive On
ScriptAlias /krb/whoami "$ap/cgi/whoami"
ScriptAlias /any/whoami "$ap/cgi/whoami"
<Location /krb/whoami>
    AuthType GSSAPI
    AuthName "sspishim Kerberos"
    GssapiCredStore keytab:$ap/http.keytab
    GssapiAllowedMech krb5
    Require valid-user
</Location>
<Location /any/whoami>
    AuthType GSSAPI
    AuthName "sspishim Kerberos or NTLM"
    # The keytab from KRB5_KTNAME here: with "GssapiCredStore keytab:..."
    # beside ntlmssp, mod_auth_gssapi 1.6.4's child crashes (SIGSEGV) on
    # an NTLM token.
    GssapiAllowedMech krb5
    GssapiAllowedMech ntlmssp
    # NTLM needs the connection to keep its state between the legs
    GssapiConnectionBound On
    Require valid-user
</Location>
CONF
if ! KRB5_CONFIG=$ap/krb5.conf KRB5_KTNAME=$ap/http.keytab NTLM_USER_FILE=$ap/ntlm-users.txt \
    "$httpd" -f "$ap/httpd.conf" -k start; then
    cat "$ap/logs/error.log" 2>/dev/null
    bad "Apache started"
    finish
fi
up=false
for _ in $(seq 100); do
    if [ -s "$ap/run/httpd.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=true; break; fi
    sleep 0.1
done
if $up; then ok "Apache (pid $(cat "$ap/run/httpd.pid")) listens on 127.0.0.1:$port, keytab with HTTP/localhost@$realm"
else bad "Apache listens on 127.0.0.1:$port"; sed 's/^/    /' "$ap/logs/error.log"; finish; fi

# alice's ticket cache from MIT's kinit: curl's and the default-credential cases'.
export KRB5CCNAME=FILE:$ap/alice.ccache
echo "$pw" | kinit alice >/dev/null 2>&1 || bad "kinit alice"

# ---- the rig, with Linux's curl and MIT GSSAPI --------------------------------------
# curl_case NAME WANT_STATUS WANT_BODY URL [ENV...]
curl_case() {
    local name=$1 want=$2 want_body=$3 url=$4 got body
    shift 4
    got=$(env "$@" curl -s --max-time 20 --negotiate -u : -o "$ap/curl.body" -w '%{http_code}' "$url" 2>&1)
    body=$(cat "$ap/curl.body" 2>/dev/null)
    if [ "$got" = "$want" ] && { [ -z "$want_body" ] || [ "$body" = "$want_body" ]; }; then
        ok "curl --negotiate, $name: $got${want_body:+ $body}"
    else
        bad "curl --negotiate, $name: status $got, want $want; body ${body:0:60}${want_body:+, want $want_body}"
    fi
}
if command -v curl >/dev/null && curl -V | grep -q 'GSS-API'; then
    curl_case "alice's ticket, /krb" 200 "user=alice@$realm" "http://localhost:$port/krb/whoami?curl-ticket"
    curl_case "alice's ticket, /any (SPNEGO picks krb5)" 200 "user=alice@$realm" "http://localhost:$port/any/whoami?curl-any"
    curl_case "no ticket, /krb" 401 "" "http://localhost:$port/krb/whoami?curl-none" KRB5CCNAME=FILE:$ap/none.ccache
else
    bad "curl with GSS-API is installed (tools/dev: curl)"
fi

# ---- Windows programs under Wine through this DLL -----------------------------------
wine=$(command -v wine || command -v wine64)
if [ -z "$wine" ]; then
    skip "Windows clients: Wine is not installed"
    stop_apache; finish
fi
if [ -z "${WINEPREFIX:-}" ]; then
    own_prefix=$ap/wineprefix
    export WINEPREFIX=$own_prefix
fi
export WINEDEBUG=${WINEDEBUG:--all} WINEDLLOVERRIDES="secur32=n,b;mscoree,mshtml="

# wclient ARCH WHAT PROGRAM ARGS...: one request, one process; PASS when the
# program's summary line counts no failure.
wclient() {
    local arch=$1 what=$2 prog=$3 out rc line
    shift 3
    out=$(cd "$ap/$arch" && timeout 120 "$wine" "./$prog.exe" "$@" 2>>"$ap/wine-$arch.err" | tr -d '\r'
          exit "${PIPESTATUS[0]}")
    rc=$?
    line=$(grep -E "^$prog: [0-9]+ tests executed" <<<"$out" | tail -n 1)
    if [ $rc -eq 0 ] && [ -n "$line" ] && grep -q ', 0 failures)' <<<"$line"; then
        if grep -qE ', [1-9][0-9]* skipped' <<<"$line"; then
            skip "$arch $what: $(grep -m1 'Tests skipped: ' <<<"$out" | sed 's/.*Tests skipped: //')"
        else
            ok "$arch $what: $(grep -E "^$prog\.c:[0-9]+: " <<<"$out" | tail -n 1 | sed -E 's/^[^:]+:[0-9]+: //')"
        fi
    else
        bad "$arch $what (exit $rc)${why:-}"
        grep -vE "^$prog: [0-9]+ tests executed" <<<"$out" | sed 's/^/    /'
        [ -n "$line" ] || { echo "    no summary line (a crash?)"; tail -n 5 "$ap/wine-$arch.err" | sed 's/^/    /'; }
    fi
}
# negotiate_case ARCH WHAT PROGRAM ARGS...: a case that needs Negotiate to offer Kerberos
negotiate_case() {
    if [ "$negotiate" = 0 ]; then skip "$1 $2 (SSPISHIM_KRB_NEGOTIATE=0)"; return; fi
    why=" [needs Negotiate to offer Kerberos, issue 17; SSPISHIM_KRB_NEGOTIATE=0 skips]" wclient "$@"
}

url=http://localhost:$port
explicit=(alice "$pw" "$realm")
for arch in ${SSPISHIM_KRB_ARCHES:-x86_64 i686}; do
    mkdir -p "$ap/$arch"
    if ! cp "$b/$arch/secur32.dll" "$b/$arch/tests/web_sspi.exe" "$b/$arch/tests/web_winhttp.exe" \
        "$b/$arch/tests/web_wininet.exe" "$ap/$arch/" 2>/dev/null; then
        bad "$arch: the DLL, web_sspi, web_winhttp and web_wininet are built (make -j1 check-kerberos's programs)"
        continue
    fi
    if ! (cd "$ap/$arch" && timeout 120 "$wine" ./web_sspi.exe --probe >/dev/null 2>&1); then
        if [ "$arch" = x86_64 ] || [ "${SSPISHIM_REQUIRE_32BIT:-0}" = 1 ]; then
            bad "$arch: Wine runs $arch programs"
        else
            skip "$arch: this Wine cannot run $arch programs"
        fi
        continue
    fi
    # SSPI "Kerberos" itself: a bare AP-REQ under Negotiate, today.
    wclient $arch "web_sspi Kerberos, explicit credentials, /krb" web_sspi \
        "$port" "/krb/whoami?$arch-krb-explicit" Kerberos HTTP/localhost "${explicit[@]}" 200 "alice@$realm"
    wclient $arch "web_sspi Kerberos, default credentials (kinit's cache), /krb" web_sspi \
        "$port" "/krb/whoami?$arch-krb-default" Kerberos HTTP/localhost - - - 200 "alice@$realm"
    wclient $arch "web_sspi Kerberos, wrong password: refused" web_sspi \
        "$port" "/krb/whoami?$arch-krb-wrong" Kerberos HTTP/localhost alice wrong-password "$realm" 401 -
    wclient $arch "web_sspi Kerberos, explicit credentials, /any" web_sspi \
        "$port" "/any/whoami?$arch-krb-any" Kerberos HTTP/localhost "${explicit[@]}" 200 "alice@$realm"
    # Negotiate: SPNEGO with Kerberos first (issue 17, point 1).
    negotiate_case $arch "web_sspi Negotiate, explicit credentials, /krb" web_sspi \
        "$port" "/krb/whoami?$arch-nego-explicit" Negotiate HTTP/localhost "${explicit[@]}" 200 "alice@$realm"
    negotiate_case $arch "web_sspi Negotiate, default credentials, /krb" web_sspi \
        "$port" "/krb/whoami?$arch-nego-default" Negotiate HTTP/localhost - - - 200 "alice@$realm"
    negotiate_case $arch "web_sspi Negotiate with package list !ntlm, explicit credentials, /krb" web_sspi \
        "$port" "/krb/whoami?$arch-nego-notntlm" 'Negotiate:!ntlm' HTTP/localhost "${explicit[@]}" 200 "alice@$realm"
    negotiate_case $arch "web_sspi Negotiate, explicit credentials, /any: Kerberos before NTLM" web_sspi \
        "$port" "/any/whoami?$arch-nego-any" Negotiate HTTP/localhost "${explicit[@]}" 200 "alice@$realm"
    # Wine's own winhttp and wininet: Wine (8 and 10) passes the host alone
    # ("localhost") as the target to InitializeSecurityContext, not
    # "HTTP/localhost", so Negotiate must find HTTP/localhost from it.
    negotiate_case $arch "Wine's winhttp, Negotiate, explicit credentials, /krb" web_winhttp \
        "$port" "/krb/whoami?$arch-winhttp-explicit" Negotiate "$realm\\alice" "$pw" 200 "alice@$realm" localhost
    negotiate_case $arch "Wine's winhttp, Negotiate, default credentials, /krb" web_winhttp \
        "$port" "/krb/whoami?$arch-winhttp-default" Negotiate - - 200 "alice@$realm" localhost
    negotiate_case $arch "Wine's wininet, Negotiate, explicit credentials, /krb" web_wininet \
        "$port" "/krb/whoami?$arch-wininet-explicit" Negotiate "$realm\\alice" "$pw" 200 "alice@$realm" localhost
    negotiate_case $arch "Wine's wininet, Negotiate, default credentials, /krb" web_wininet \
        "$port" "/krb/whoami?$arch-wininet-default" Negotiate - - 200 "alice@$realm" localhost
done

# What Apache saw, for the record: each case's first token's scheme and first bytes.
if [ "$fail" -ne 0 ]; then
    echo "    Apache's log (request, status, user, first bytes of the token):"
    /usr/bin/python3 - "$ap/logs/auth.log" <<'PY' | sed 's/^/    /'
import base64, sys
for line in open(sys.argv[1], encoding="latin-1"):
    req, _, rest = line.rstrip().partition(" HTTP/1.1 ")
    status_user, _, auth = rest.partition(' "')
    auth = auth.rstrip('"')
    scheme, _, b64 = auth.partition(" ")
    try:
        tok = base64.b64decode(b64)[:12].hex() if b64 else ""
    except Exception:
        tok = "?"
    print(req.split(" ", 1)[-1], status_user, scheme, tok)
PY
    grep -E 'auth_gssapi|gss' "$ap/logs/error.log" | tail -n 15 | sed 's/^/    /'
fi
stop_apache
if [ ! -e "$ap/run/httpd.pid" ]; then ok "Apache stopped by its pid"; else bad "Apache stopped by its pid"; fi
finish
