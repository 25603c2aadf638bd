#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# The core's AS and TGS exchanges against a real MIT KDC: a throwaway realm
# SSPI.TEST under a temp folder, krb5kdc started here on 127.0.0.1 at a
# free port and stopped by its pid (also on failure), then
# build/native/tests/kdc_exchange drives the exchanges over UDP and TCP,
# and build/x86_64/tests/kdc_wine.exe does the same under Wine through the
# DLL's Winsock transport (skipped when Wine is not installed); at the end
# tests/kerberos/apache_krb.sh puts Apache with mod_auth_gssapi on the realm.
# The system's /etc/krb5.conf is never read: KRB5_CONFIG and
# KRB5_KDC_PROFILE point at this run's own files.
# Ends with "kerberos: N passed, N failed".
# KDC_EXCHANGE names another build of the program (ASan, valgrind wrapper),
# KDC_WINE another kdc_wine.exe.
# Usage: tests/kerberos/run.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
b=${1:-build}
prog=${KDC_EXCHANGE:-$b/native/tests/kdc_exchange}
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
finish() { echo "kerberos: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

# The realm's setup is shared with apache_krb.sh, bench/kerberos.sh and the demo.
. "$here/realm.sh"
if ! realm_tools || ! command -v kvno >/dev/null; then
    bad "MIT Kerberos is installed (${realm_missing:-kvno} is missing: apt-get install krb5-kdc krb5-admin-server krb5-user)"
    finish
fi
[ -x "$prog" ] || { bad "$prog is built (make -j1 $prog)"; finish; }

# Under the build folder, which the Wine 10 root sees at the same path
# (tools/wine-platforms bind-mounts this tree): the Windows program there
# reads the realm's files by their Unix paths, as it does on the host.
dir=$(mktemp -d "$(cd "$b" && pwd)/kerberos-run.XXXXXX")
small_pid=
peer_pid= listen_pid=
cleanup() {
    for pid in $peer_pid $listen_pid; do kill "$pid" 2>/dev/null; done
    [ -d "$dir/wineprefix" ] && WINEPREFIX=$dir/wineprefix wineserver -k >/dev/null 2>&1
    [ -d "$dir/wineprefix10" ] && "$here/../../tools/wine-platforms" wine10 env WINEPREFIX="$dir/wineprefix10" \
        wineserver -k >/dev/null 2>&1
    realm_stop
    for pid in $small_pid; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$dir"
}
trap cleanup EXIT

# The realm SSPI.TEST, its krb5kdc on a free loopback port (realm.sh),
# and a second free port for the KDC with small UDP replies below.
small_port=$(realm_free_port)
realm=SSPI.TEST
export KRB5CCNAME=FILE:$dir/ccache KRB5_KTNAME=$dir/service.keytab KRB5RCACHETYPE=none
admin() { realm_admin "$1"; }
if realm_init "$dir" "$realm" "aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal aes256-cts-hmac-sha384-192:normal aes128-cts-hmac-sha256-128:normal arcfour-hmac:normal" &&
    port=$realm_port pw=$realm_pw &&
    realm_addprinc alice &&
    realm_addprinc u17 -e aes128-cts-hmac-sha1-96:normal &&
    realm_addprinc u18 -e aes256-cts-hmac-sha1-96:normal &&
    realm_addprinc u19 -e aes128-cts-hmac-sha256-128:normal &&
    realm_addprinc u20 -e aes256-cts-hmac-sha384-192:normal &&
    realm_addprinc u23 -e arcfour-hmac:normal &&
    realm_addprinc nopreauth -requires_preauth -e aes256-cts-hmac-sha1-96:normal &&
    realm_addservice HTTP/localhost "$dir/service.keytab" -requires_preauth; then
    ok "throwaway realm $realm created (kdb5_util, kadmin.local)"
else
    bad "throwaway realm $realm created"; sed 's/^/    /' "$dir/setup.log"; finish
fi
# u23 exists only if the KDC takes rc4 keys.
rc4=0
kadmin.local -r "$realm" -q "getprinc u23" 2>/dev/null | grep -q "arcfour-hmac" && rc4=1

if realm_kdc_start alice; then
    ok "krb5kdc (pid $realm_kdc_pid) answers on 127.0.0.1:$port, MIT kinit works"
else
    bad "krb5kdc started"; sed 's/^/    /' "$dir/kdc.out" "$dir/kdc.log" 2>/dev/null; finish
fi
if kvno HTTP/localhost >/dev/null 2>&1; then ok "MIT kvno HTTP/localhost"; else bad "MIT kvno HTTP/localhost"; fi

# A second KDC on the same database, whose UDP replies may not exceed 256
# bytes: every AS-REP or TGS-REP over UDP becomes KRB_ERR_RESPONSE_TOO_BIG.
sed -e "s/127.0.0.1:$port/127.0.0.1:$small_port/" \
    -e "s/^\[kdcdefaults\]/[kdcdefaults]\n    kdc_max_dgram_reply_size = 256/" "$KRB5_KDC_PROFILE" >"$dir/kdc-small.conf"
sed -e "s/127.0.0.1:$port/127.0.0.1:$small_port/" "$KRB5_CONFIG" >"$dir/krb5-small.conf"
KRB5_KDC_PROFILE=$dir/kdc-small.conf krb5kdc -n -r "$realm" >"$dir/kdc-small.out" 2>&1 &
small_pid=$!
small=
for _ in $(seq 1 50); do
    if ! kill -0 "$small_pid" 2>/dev/null; then break; fi
    if echo "$pw" | KRB5_CONFIG=$dir/krb5-small.conf kinit -c "FILE:$dir/ccache-small" alice >/dev/null 2>&1; then
        small=$small_port; break
    fi
    sleep 0.1
done
if [ -n "$small" ]; then
    ok "second krb5kdc (pid $small_pid, UDP replies up to 256 bytes) answers on 127.0.0.1:$small_port"
else
    bad "second krb5kdc started"; sed 's/^/    /' "$dir/kdc-small.out" 2>/dev/null
fi

# The core's exchanges: one PASS/FAIL line per case.
out=$("$prog" "$port" "$realm" "$pw" "$dir/service.keytab" "$rc4" $small 2>&1)
prc=$?
echo "$out"
pass=$((pass + $(grep -c '^PASS ' <<<"$out")))
fail=$((fail + $(grep -c '^FAIL ' <<<"$out")))
if [ $prc -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then bad "kdc_exchange exited with $prc"; fi
# The GSS-API mechanism against MIT's libgssapi_krb5: one service per etype
# (gssNN/localhost, keys and session keys of that etype only, the keys
# from the password so our acceptor derives them with string-to-key;
# -norandkey keeps them in the keytab MIT's acceptor reads), then
# gss_interop both ways.
gss=${GSS_INTEROP:-$b/native/tests/gss_interop}
if [ -x "$gss" ]; then
    gss_ok=1
    gss_etypes="17:aes128-cts-hmac-sha1-96 18:aes256-cts-hmac-sha1-96 19:aes128-cts-hmac-sha256-128"
    gss_etypes="$gss_etypes 20:aes256-cts-hmac-sha384-192"
    [ $rc4 = 1 ] && gss_etypes="$gss_etypes 23:arcfour-hmac"
    for e in $gss_etypes; do
        n=${e%%:*}
        admin "addprinc -e ${e#*:}:normal -pw $pw gss$n/localhost" &&
            admin "setstr gss$n/localhost session_enctypes ${e#*:}" &&
            admin "ktadd -norandkey -k $KRB5_KTNAME gss$n/localhost" || gss_ok=0
    done
    if [ $gss_ok = 1 ]; then
        out=$("$gss" "$port" "$realm" "$pw" "$rc4" 2>&1)
        prc=$?
        echo "$out"
        pass=$((pass + $(grep -c '^PASS ' <<<"$out")))
        fail=$((fail + $(grep -c '^FAIL ' <<<"$out")))
        if [ $prc -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then bad "gss_interop exited with $prc"; fi
    else
        bad "gssNN/localhost principals for the GSS interop"; tail -n 5 "$dir/setup.log" | sed 's/^/    /'
    fi
else
    bad "$gss is built (make -j1 $gss)"
fi

# The DLL's Winsock transport under Wine, against the same KDCs, in a
# throwaway prefix (its wineserver is stopped on exit).
wine_prog=${KDC_WINE:-$b/x86_64/tests/kdc_wine.exe}
wine=$(command -v wine64 || command -v wine)
if [ -z "$wine" ]; then
    echo "SKIP the Winsock transport under Wine: Wine is not installed"
elif ! [ -f "$wine_prog" ]; then
    bad "$wine_prog is built (make -j1 $wine_prog)"
else
    wout=$(WINEPREFIX=$dir/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
        timeout 300 "$wine" "$(cd "$(dirname "$wine_prog")" && pwd)/$(basename "$wine_prog")" \
        "$port" "$realm" "$pw" $small 2>"$dir/wine.err" | tr -d '\r'; exit "${PIPESTATUS[0]}")
    wrc=$?
    echo "$wout"
    pass=$((pass + $(grep -c '^PASS ' <<<"$wout")))
    fail=$((fail + $(grep -c '^FAIL ' <<<"$wout")))
    if [ $wrc -ne 0 ] && ! grep -q '^FAIL ' <<<"$wout"; then
        bad "kdc_wine.exe exited with $wrc"; tail -n 20 "$dir/wine.err" | sed 's/^/    /'
    fi
fi

# The core's readers of MIT's own files (krb_files_dump): the keytab as
# klist -k -t -e -K shows it (with holes: ktremove blanks entries in place
# and a second ktadd adds a kvno), the ccache kinit wrote as klist -e shows
# it, this run's krb5.conf, and kinit's TGT taken through our TGS exchange
# (the ticket opened with the keytab's key, its PAC found and split).
dump=${KRB_FILES_DUMP:-$b/native/tests/krb_files_dump}
if [ -x "$dump" ]; then
    admin "addprinc -randkey host/localhost" && admin "ktadd -k $KRB5_KTNAME host/localhost" &&
        admin "ktadd -k $KRB5_KTNAME HTTP/localhost" && admin "ktremove -k $KRB5_KTNAME host/localhost all" ||
        bad "keytab with holes and two kvnos (kadmin.local ktadd, ktremove)"
    # klist: "KVNO DATE TIME PRINCIPAL (ETYPE)  (0xKEY)"; rc4 may be "DEPRECATED:arcfour-hmac".
    want=$(klist -k -t -e -K "$KRB5_KTNAME" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ { gsub(/[()]/, ""); sub(/^DEPRECATED:/, "", $5); print $1, $2, $3, $4, $5, $6 }')
    got=$("$dump" keytab 2>&1)
    if [ -n "$want" ] && [ "$got" = "$want" ]; then
        ok "keytab: $(wc -l <<<"$got") entries as klist -k -t -e -K reads them (kvno, principal, etype, key)"
    else
        bad "keytab as klist reads it"; diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
    fi
    # klist -e: "START END SERVER" then "renew until ..., Etype (skey, tkt): SKEY, TKT".
    kvno HTTP/localhost >/dev/null 2>&1
    want=$(klist -e 2>/dev/null | awk '
        /^Default principal:/ { print; next }
        $3 ~ /^[0-9]/ && NF == 5 { line = $1 " " $2 " " $3 " " $4 " " $5; next }
        /Etype \(skey, tkt\):/ && line != "" { e = $0; sub(/.*\): /, "", e); sub(/,.*/, "", e); sub(/^DEPRECATED:/, "", e); print line, e; line = "" }')
    got=$("$dump" ccache 2>&1)
    if [ -n "$want" ] && [ "$got" = "$want" ]; then
        ok "ccache: default principal and $(($(wc -l <<<"$got") - 1)) tickets as klist -e reads them (times, server, session etype)"
    else
        bad "ccache as klist reads it"; diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
    fi
    got=$("$dump" conf 2>&1)
    want=$(printf 'default_realm %s\nkdc 127.0.0.1:%s\nudp_preference_limit 1\ndns_lookup_kdc 0\ndns_lookup_realm 0' "$realm" "$port")
    if [ "$got" = "$want" ]; then ok "krb5.conf: default_realm $realm, kdc 127.0.0.1:$port, udp_preference_limit 1, no DNS"
    else bad "krb5.conf as written"; diff <(echo "$want") <(echo "$got") | sed 's/^/    /'; fi
    out=$("$dump" tgs "$port" 2>&1)
    echo "$out"
    pass=$((pass + $(grep -c '^PASS ' <<<"$out")))
    fail=$((fail + $(grep -c '^FAIL ' <<<"$out")))
    grep -q '^PASS the service ticket opens' <<<"$out" || grep -q '^FAIL ' <<<"$out" || bad "krb_files_dump tgs ran"
else
    bad "$dump is built (make -j1 $dump)"
fi


# The Kerberos package through its ops table (krb_package): a client with
# alice's password and one with kinit's cache, our server with the keytab,
# MIT's initiator and acceptor as peers, and the failures, among them a
# realm whose KDC is a port nobody listens on.
pkgprog=${KRB_PACKAGE:-$b/native/tests/krb_package}
if [ -x "$pkgprog" ]; then
    dead_port=$(realm_free_port)
    sed -e "s/127.0.0.1:$port/127.0.0.1:$dead_port/" "$KRB5_CONFIG" >"$dir/krb5-dead.conf"
    echo "$pw" | kinit alice >/dev/null 2>&1
    mkdir -p "$dir/inspect"
    out=$(KRB_PACKAGE_BLOB_DIR=$dir/inspect "$pkgprog" "$realm" "$pw" "$dir/krb5-dead.conf" 2>&1)
    prc=$?
    echo "$out"
    pass=$((pass + $(grep -c '^PASS ' <<<"$out")))
    fail=$((fail + $(grep -c '^FAIL ' <<<"$out")))
    if [ $prc -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then bad "krb_package exited with $prc"; fi
    # tools/sspishim-inspect on the server's Kerberos blob krb_package left:
    # it verifies, names the client, the service and the etypes, and prints
    # none of the context's keys (krb_package wrote them in hex beside it).
    insp=$b/native/sspishim-inspect
    if [ -x "$insp" ] && [ -s "$dir/inspect/kerberos.blob" ]; then
        iout=$("$insp" --key "$dir/inspect/machine.key" "$dir/inspect/kerberos.blob" 2>&1)
        echo "$iout" | sed 's/^/    inspect: /'
        if grep -q '^verdict *yes' <<<"$iout" && grep -q '^package *Kerberos' <<<"$iout" &&
            grep -q "^client *alice@$realm" <<<"$iout" && grep -q "^service *HTTP/localhost@$realm" <<<"$iout" &&
            grep -q '^session key *aes' <<<"$iout" && grep -q '^sequence .*RESET_NEW allowed' <<<"$iout"; then
            ok "inspect: a Kerberos blob verifies and its payload is described (names, etypes, sequence numbers)"
        else
            bad "inspect: a Kerberos blob described"
        fi
        leaked=0 nkeys=0
        flat=$(tr -d ' \n' <<<"$iout" | tr 'A-F' 'a-f')
        while read -r k; do
            [ -n "$k" ] || continue
            nkeys=$((nkeys + 1))
            for ((i = 0; i + 8 <= ${#k}; i += 8)); do
                grep -q "${k:i:8}" <<<"$flat" && leaked=$((leaked + 1))
            done
        done <"$dir/inspect/kerberos.keys"
        if [ $nkeys -ge 1 ] && [ $leaked -eq 0 ]; then
            ok "inspect: none of the context's $nkeys keys printed (no 4-byte run of any)"
        else
            bad "inspect: key bytes printed ($leaked runs of $nkeys keys)"
        fi
    else
        bad "inspect: $insp is built and krb_package wrote a Kerberos blob"
    fi
else
    bad "$pkgprog is built (make -j1 $pkgprog)"
fi


# Negotiate with Kerberos inside (krb_negotiate): Kerberos first, the
# fallbacks to NTLM (alice in an NTLM accounts file too), MIT's SPNEGO both ways.
negprog=${KRB_NEGOTIATE:-$b/native/tests/krb_negotiate}
if [ -x "$negprog" ]; then
    printf '%s:alice:%s\n' "$realm" "$pw" >"$dir/ntlm-users"
    echo "$pw" | kinit alice >/dev/null 2>&1
    out=$("$negprog" "$realm" "$pw" "$dir/ntlm-users" 2>&1)
    prc=$?
    echo "$out"
    pass=$((pass + $(grep -c '^PASS ' <<<"$out")))
    fail=$((fail + $(grep -c '^FAIL ' <<<"$out")))
    if [ $prc -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then bad "krb_negotiate exited with $prc"; fi
else
    bad "$negprog is built (make -j1 $negprog)"
fi

# The package through the DLL under Wine (tests/wine/kerberos.c), Wine 8 on
# the host and Wine 10 in its root (tools/wine-platforms), x86_64 and
# i686, the KDC reached over Winsock: alice's password and kinit's cache to
# our server with the keytab, Negotiate choosing Kerberos, then an MIT
# GSSAPI acceptor and an MIT GSSAPI initiator (mit_peer, on the host)
# talking to the Windows program over TCP.
peer=${MIT_PEER:-$b/native/tests/mit_peer}
wine=$(command -v wine || command -v wine64)
platforms="$here/../../tools/wine-platforms"
wine_kerberos() {   # WINE ARCH ARGS...: kerberos.exe with this DLL beside it
    local w=$1 arch=$2 at="$dir/$1-$2"; shift 2
    mkdir -p "$at"
    cp "$b/$arch/secur32.dll" "$b/$arch/tests/kerberos.exe" "$at/"
    if [ "$w" = wine ]; then
        (cd "$at" && WINEPREFIX=$dir/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="secur32=n,b;mscoree,mshtml=" \
            SSPISHIM_TEST_REALM=$realm SSPISHIM_TEST_PASSWORD=$pw timeout 300 "$wine" ./kerberos.exe "$@" \
            2>>"$dir/wine-krb.err" | tr -d '\r'; exit "${PIPESTATUS[0]}")
    else
        ("$platforms" wine10 env WINEPREFIX="$dir/wineprefix10" WINEDEBUG=-all WINEDLLOVERRIDES="secur32=n,b;mscoree,mshtml=" \
            SSPISHIM_TEST_REALM="$realm" SSPISHIM_TEST_PASSWORD="$pw" KRB5_CONFIG="$KRB5_CONFIG" KRB5CCNAME="$KRB5CCNAME" \
            KRB5_KTNAME="$KRB5_KTNAME" bash -c 'cd "$1" && shift && exec timeout 300 wine ./kerberos.exe "$@"' - "$at" "$@" \
            2>>"$dir/wine-krb.err" | tr -d '\r'; exit "${PIPESTATUS[0]}")
    fi
}
# wine_count LABEL OUTPUT: adds a Wine-style summary line to the tally.
wine_count() {
    local line n f t
    line=$(grep -E '^kerberos: [0-9]+ tests executed' <<<"$2" | tail -n 1)
    if [ -z "$line" ]; then bad "$1: no summary line (crashed or hung)"; tail -n 20 "$dir/wine-krb.err" | sed 's/^/    /'; return; fi
    n=$(sed -E 's/^[^:]+: ([0-9]+) tests executed.*/\1/' <<<"$line")
    f=$(sed -E 's/.*, ([0-9]+) failures\).*/\1/' <<<"$line")
    t=$(sed -E 's/.*\(([0-9]+) marked as todo.*/\1/' <<<"$line")
    echo "$1: $line"
    grep -E 'Test failed|Tests skipped' <<<"$2" | sed "s|^|    $1: |"
    pass=$((pass + n - f - t)) fail=$((fail + f))
}
# SSPISHIM_KRB_WINES: which Wines to run the Windows programs on.
wanted=" ${SSPISHIM_KRB_WINES:-wine wine10} "
wines=
if [[ "$wanted" != *" wine "* ]]; then :; elif [ -n "$wine" ]; then wines=wine; else echo "SKIP Wine 8: no wine"; fi
if [[ "$wanted" != *" wine10 "* ]]; then
    echo "SKIP Wine 10: not asked for (SSPISHIM_KRB_WINES)"
elif why=$("$platforms" has-wine10); then
    wines="$wines wine10"
elif [ "${SSPISHIM_REQUIRE_WINE10:-0}" = 1 ]; then
    bad "Wine 10 runs the Kerberos programs ($why)"
else
    echo "SKIP Wine 10: $why"
fi
cross=
for w in $wines; do
    for arch in x86_64 i686; do
        label="$w/$arch"
        if ! [ -f "$b/$arch/tests/kerberos.exe" ] || ! [ -x "$peer" ]; then
            bad "$label: kerberos.exe and mit_peer are built"; continue
        fi
        # i686 needs 32-bit Wine; where it cannot run, say so (a failure
        # under SSPISHIM_REQUIRE_32BIT, as in tests/wine/run.sh).
        if [ $arch = i686 ] && ! wine_kerberos "$w" i686 --probe 2>/dev/null | grep -q "probe ok"; then
            if [ "${SSPISHIM_REQUIRE_32BIT:-0}" = 1 ]; then bad "$label: 32-bit Wine runs"; else echo "SKIP $label: 32-bit Wine cannot run here"; fi
            continue
        fi
        echo "$pw" | kinit alice >/dev/null 2>&1
        wout=$(wine_kerberos "$w" $arch)
        wine_count "$label in-process" "$wout"
        rm -f "$dir/peer.port"
        "$peer" accept "$dir/peer.port" >"$dir/peer.out" 2>&1 &
        peer_pid=$!
        for _ in $(seq 1 50); do [ -s "$dir/peer.port" ] && break; sleep 0.1; done
        wout=$(wine_kerberos "$w" $arch connect "$(cat "$dir/peer.port" 2>/dev/null)")
        wine_count "$label to MIT" "$wout"
        wait $peer_pid
        sed "s|^|$label: |" "$dir/peer.out"
        pass=$((pass + $(grep -c '^PASS ' "$dir/peer.out"))) fail=$((fail + $(grep -c '^FAIL ' "$dir/peer.out")))
        rm -f "$dir/$w-$arch/port"
        wine_kerberos "$w" $arch listen port >"$dir/listen.out" &
        listen_pid=$!
        for _ in $(seq 1 600); do [ -s "$dir/$w-$arch/port" ] && break; sleep 0.1; done
        if [ -s "$dir/$w-$arch/port" ]; then
            "$peer" initiate "$(tr -d '\r' <"$dir/$w-$arch/port")" >"$dir/peer.out" 2>&1
            sed "s|^|$label: |" "$dir/peer.out"
            pass=$((pass + $(grep -c '^PASS ' "$dir/peer.out"))) fail=$((fail + $(grep -c '^FAIL ' "$dir/peer.out")))
        else
            bad "$label: kerberos.exe listen wrote its port"
        fi
        wait $listen_pid
        wine_count "$label from MIT" "$(cat "$dir/listen.out")"
        [ $arch = i686 ] && cross="${cross:-} $w"
    done
done
# A Kerberos server context handed across architectures: exported by one
# build, imported by the other's worker (same prefix, same machine key),
# which decrypts, replies and impersonates.  The worker is named by its
# Z: path (Z: is / in both Wines' prefixes).
for w in ${cross:-}; do
    for pair in "x86_64 i686" "i686 x86_64"; do
        from=${pair% *} to=${pair#* }
        [ -f "$dir/$w-$to/kerberos.exe" ] || { bad "$w: $to's kerberos.exe is there for the hand-off"; continue; }
        worker="Z:$dir/$w-$to/kerberos.exe"
        echo "$pw" | kinit alice >/dev/null 2>&1
        wout=$(wine_kerberos "$w" $from handoff "${worker//\//\\}")
        wine_count "$w/$from hands off to $to" "$wout"
    done
done
# A real HTTP server with Kerberos (tests/kerberos/apache_krb.sh): Apache
# with mod_auth_gssapi and HTTP/localhost's keys from this realm; curl,
# then Windows programs under Wine through the DLL: SSPI's Kerberos and
# Negotiate (Kerberos chosen, "!ntlm" too), Wine's winhttp and wininet.
out=$(SSPISHIM_KRB_REALM=$realm SSPISHIM_KRB_PASSWORD=$pw WINEPREFIX=$dir/wineprefix \
    "$(dirname "$0")/apache_krb.sh" "$b" 2>&1)
echo "$out"
pass=$((pass + $(grep -c '^PASS ' <<<"$out")))
fail=$((fail + $(grep -c '^FAIL ' <<<"$out")))
grep -q '^apache-krb: [0-9]* passed' <<<"$out" || bad "apache_krb.sh ran to its end"

if [ "$fail" -ne 0 ]; then echo "    (KDC log: $dir/kdc.log)"; tail -n 20 "$dir/kdc.log" | sed 's/^/    /'; fi
finish
