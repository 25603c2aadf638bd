#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# A real HTTP server (issue 14, point 9): Apache 2.4 with mod_auth_gssapi over
# gss-ntlmssp, started here on 127.0.0.1 with its own configuration, and
# Wine's own wininet and winhttp, through this DLL, as its clients.
# Usage: tests/interop/apache.sh BUILD_DIR
# Run by tests/interop/run.sh, whose prefix, overrides and OPENSSL_CONF it
# uses (WINEPREFIX, WINEDLLOVERRIDES="...;secur32=n,b", WINEDEBUG).
# Ends with "apache: N passed, N failed", which run.sh folds into its line.
set -u
b=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
start=$(date +%s)
check() {
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else echo "apache: Test failed: $what"; failed=$((failed + 1)); fi
}
starts() { [[ $1 == "$2"* ]]; }
finish() {
    echo "apache: took $(($(date +%s) - start)) s"
    echo "apache: $passed passed, $failed failed"
    exit $((failed > 0))
}

httpd=/usr/sbin/apache2 mods=/usr/lib/apache2/modules
for f in "$httpd" "$mods/mod_auth_gssapi.so" "$mods/mod_cgid.so"; do
    if [ ! -e "$f" ]; then
        check "$f is missing (apache2, libapache2-mod-auth-gssapi, gss-ntlmssp: tools/dev)" false
        finish
    fi
done

# The server's children run as www-data when started as root: the folder
# and the accounts file must be readable by them (test passwords only).
ap=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-apache.XXXXXX")
chmod 755 "$ap"
stop_apache() {
    [ -s "$ap/run/httpd.pid" ] && kill "$(cat "$ap/run/httpd.pid")" 2>/dev/null
    for _ in $(seq 50); do [ -e "$ap/run/httpd.pid" ] || break; sleep 0.1; done
}
trap 'stop_apache; rm -rf "$ap"' EXIT
mkdir -p "$ap/run" "$ap/logs" "$ap/cgi"
chmod 755 "$ap/cgi"
# alice comes first: she is whom default credentials pick (the file's first
# entry, unless the Unix login has an entry of its own); bob is explicit.
users=$ap/ntlm-users.txt
printf 'WEB:alice:Alice-Secret-1\nWEB:bob:Bob-Secret-2\n' > "$users"
chmod 644 "$users"
cat > "$ap/cgi/whoami" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\nuser=%s\n' "$REMOTE_USER"
CGI
chmod 755 "$ap/cgi/whoami"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_as=
[ "$(id -u)" -eq 0 ] && run_as=$'User www-data\nGroup www-data'
# mod_auth_gssapi strips nothing from the log: the Authorization header as
# the client sent it is logged, to tell SPNEGO from bare NTLMSSP.
cat > "$ap/httpd.conf" <<CONF
ServerRoot "$ap"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$ap/run/httpd.pid"
Mutex file:$ap/run default
ScriptSock "$ap/run/cgid.sock"
ErrorLog "$ap/logs/error.log"
LogLevel info
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
ScriptAlias /whoami "$ap/cgi/whoami"
<Location /whoami>
    AuthType GSSAPI
    AuthName "sspishim"
    GssapiAllowedMech ntlmssp
    # NTLM needs the connection to keep its state between the legs
    GssapiConnectionBound On
    Require valid-user
</Location>
CONF
if ! NTLM_USER_FILE=$users "$httpd" -f "$ap/httpd.conf" -k start; then
    cat "$ap/logs/error.log" 2>/dev/null
    check "Apache did not start" false
    finish
fi
up=false
for _ in $(seq 100); do
    if [ -s "$ap/run/httpd.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=true; break; fi
    sleep 0.1
done
check "Apache is listening on 127.0.0.1:$port" $up
$up || { cat "$ap/logs/error.log"; finish; }

# The rig itself, with a native client (python3-ntlm-auth): a right and a wrong password.
native=$(/usr/bin/python3 "$here/apache_native.py" "$port" "/whoami?native-ok" WEB bob Bob-Secret-2 2>&1)
check "native NTLM client, right password: $native" [ "$native" = '200 user=WEB\bob' ]
native=$(/usr/bin/python3 "$here/apache_native.py" "$port" "/whoami?native-wrong" WEB bob wrong 2>&1)
check "native NTLM client, wrong password: ${native:0:40}" [ "${native%% *}" = 401 ]

# token CASE: the first Authorization the client sent in that case, decoded; prints its first bytes in hex
token() {
    /usr/bin/python3 - "$ap/logs/auth.log" "$1" <<'PY'
import base64, sys
for line in open(sys.argv[1], encoding="latin-1"):
    if "?%s " % sys.argv[2] in line and line.rstrip().endswith('"') and not line.rstrip().endswith('"-"'):
        scheme, _, b64 = line.rstrip().rsplit('"', 2)[1].partition(" ")
        print(scheme, base64.b64decode(b64)[:8].hex())
        break
PY
}

# client ARCH PROGRAM SCHEME CREDS WANT_STATUS WANT_USER: one request, one process
client() {
    local arch=$1 prog=$2 scheme=$3 creds=$4 want=$5 want_user=$6
    local id="$arch-$prog-$scheme-$creds" user=- password=- out rc
    case $creds in
        explicit) user='WEB\bob' password=Bob-Secret-2 ;;
        wrong) user='WEB\bob' password=wrong ;;
    esac
    out=$(cd "$ap/$arch" && NTLM_USER_FILE=$users timeout 120 wine "./$prog.exe" "$port" "/whoami?$id" "$scheme" \
          "$user" "$password" "$want" "$want_user" 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed "s/^/$arch: /"
    local summary
    summary=$(printf '%s\n' "$out" | grep -E "^$prog: [0-9]+ tests executed")
    check "$id: exit $rc, no summary line (a crash?)" [ -n "$summary" ]
    check "$id: exit $rc" [ "$rc" -eq 0 ]
    # What Apache saw: SPNEGO under Negotiate (Wine's builtin sends bare
    # NTLMSSP there), NTLMSSP under NTLM.
    local seen
    seen=$(token "$id")
    if [ -z "$seen" ]; then
        printf '%s\n' "$summary" | grep -q ', [1-9][0-9]* skipped' ||
            check "$id: Apache saw no Authorization header" false
        return
    fi
    echo "$arch: $id: Apache saw $seen"
    case $scheme in
        Negotiate) check "$id: not SPNEGO under Negotiate: $seen" starts "$seen" "Negotiate 60" ;;
        NTLM) check "$id: not NTLMSSP under NTLM: $seen" starts "$seen" "NTLM 4e544c4d53535000" ;;
    esac
}

for arch in x86_64 i686; do
    mkdir -p "$ap/$arch"
    cp "$b/$arch/secur32.dll" "$b/$arch/tests/web_wininet.exe" "$b/$arch/tests/web_winhttp.exe" "$ap/$arch/" || {
        check "$arch: the DLL or the web clients are not built" false; continue; }
    if ! (cd "$ap/$arch" && timeout 120 wine ./web_wininet.exe --probe 2>/dev/null | grep -q "probe ok"); then
        if [ "$arch" = x86_64 ] || [ "${SSPISHIM_REQUIRE_32BIT:-0}" = 1 ]; then
            check "$arch: Wine cannot run the web clients" false
        else
            echo "apache: $arch skipped: this Wine cannot run $arch programs"
        fi
        continue
    fi
    # wininet answers the first scheme Apache offers, Negotiate; Apache's
    # challenge cannot be narrowed to NTLM (mod_headers does not reach it).
    client "$arch" web_wininet Negotiate explicit 200 'WEB\bob'
    client "$arch" web_wininet Negotiate default 200 'WEB\alice'
    client "$arch" web_wininet Negotiate wrong 401 -
    for scheme in Negotiate NTLM; do
        client "$arch" web_winhttp "$scheme" explicit 200 'WEB\bob'
        client "$arch" web_winhttp "$scheme" default 200 'WEB\alice'
        client "$arch" web_winhttp "$scheme" wrong 401 -
    done
done
stop_apache
check "Apache stopped by its pid" [ ! -e "$ap/run/httpd.pid" ]
finish
