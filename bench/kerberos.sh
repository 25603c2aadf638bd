#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# The Kerberos benchmarks (bench/kerberos/krb_bench.c) against a throwaway
# MIT KDC started here, as tests/kerberos/run.sh does: realm BENCH.TEST in
# a temp folder, krb5kdc on 127.0.0.1 at a free port, stopped by its pid on
# exit; KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME, KRB5_KTNAME and
# KRB5RCACHEDIR name this run's own files (the system's are never read).
# alice and HTTP/localhost have AES256-SHA1 keys only, so every session key
# is AES256-CTS-HMAC-SHA1-96.  Appends krb_bench's result lines, tagged
# with their pass, to RESULTS (bench/report.py's format).
# Usage: bench/kerberos.sh BUILD_DIR RESULTS [PASSES]
# KRB_BENCH_CMD: a command run instead of the passes, with $prog, $realm
# and $pw set and the KDC up (for perf: see BENCHMARKS.md).
set -euo pipefail
b=$(cd "$1" && pwd)
results=$2
passes=${3:-3}
prog=${KRB_BENCH:-$b/native/bench/krb_bench}
[ -x "$prog" ] || { echo "bench/kerberos.sh: $prog is not built" >&2; exit 1; }
export PATH=$PATH:/usr/sbin
# Exit status 2: no MIT KDC here, nothing measured.
for tool in krb5kdc kdb5_util kadmin.local kinit; do
    command -v "$tool" >/dev/null || { echo "bench/kerberos.sh: $tool is missing (krb5-kdc krb5-admin-server krb5-user)" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-krbbench.XXXXXX")
kdc_pid=
cleanup() {
    if [ -n "$kdc_pid" ]; then kill "$kdc_pid" 2>/dev/null || true; wait "$kdc_pid" 2>/dev/null || true; fi
    rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
realm=BENCH.TEST
pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf KRB5CCNAME=FILE:$dir/ccache
export KRB5_KTNAME=$dir/service.keytab KRB5RCACHEDIR=$dir/rcache KRB5RCACHETYPE=none
# Export and import seal under a machine key: a throwaway one unless
# make bench's own is set.
export SSPISHIM_MACHINE_KEY=${SSPISHIM_MACHINE_KEY:-$dir/machine.key}
mkdir -p "$KRB5RCACHEDIR"
cat >"$KRB5_CONFIG" <<CONF
[libdefaults]
    default_realm = $realm
    dns_lookup_kdc = false
    dns_lookup_realm = false
    rdns = false
    udp_preference_limit = 1
[realms]
    $realm = {
        kdc = 127.0.0.1:$port
    }
CONF
cat >"$KRB5_KDC_PROFILE" <<CONF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$port
    kdc_tcp_listen = 127.0.0.1:$port
[realms]
    $realm = {
        database_name = $dir/principal
        key_stash_file = $dir/stash
        acl_file = $dir/kadm5.acl
        kdc_listen = 127.0.0.1:$port
        kdc_tcp_listen = 127.0.0.1:$port
        default_principal_flags = +preauth
        supported_enctypes = aes256-cts-hmac-sha1-96:normal
    }
[logging]
    kdc = FILE:$dir/kdc.log
CONF
: >"$dir/kadm5.acl"
admin() { kadmin.local -r "$realm" -q "$1" >>"$dir/setup.log" 2>&1; }
if ! { kdb5_util create -s -r "$realm" -P "$(head -c 18 /dev/urandom | base64)" >"$dir/setup.log" 2>&1 &&
    admin "addprinc -e aes256-cts-hmac-sha1-96:normal -pw $pw alice" &&
    admin "addprinc -e aes256-cts-hmac-sha1-96:normal -randkey HTTP/localhost" &&
    admin "ktadd -e aes256-cts-hmac-sha1-96:normal -k $KRB5_KTNAME HTTP/localhost"; }; then
    cat "$dir/setup.log" >&2; echo "bench/kerberos.sh: realm setup failed" >&2; exit 1
fi
krb5kdc -n -r "$realm" >"$dir/kdc.out" 2>&1 &
kdc_pid=$!
up=0
for _ in $(seq 1 50); do
    kill -0 "$kdc_pid" 2>/dev/null || break
    if echo "$pw" | kinit alice >/dev/null 2>&1; then up=1; break; fi
    sleep 0.1
done
[ $up = 1 ] || { cat "$dir/kdc.out" "$dir/kdc.log" >&2 2>/dev/null; echo "bench/kerberos.sh: krb5kdc did not answer" >&2; exit 1; }
printf 'env\tkrb-kdc\tMIT krb5kdc %s on 127.0.0.1, realm %s, AES256-CTS-HMAC-SHA1-96 keys only\n' \
    "$(dpkg-query -W -f='${Version}\n' krb5-kdc 2>/dev/null | head -n 1)" "$realm" >>"$results"

if [ -n "${KRB_BENCH_CMD:-}" ]; then eval "$KRB_BENCH_CMD"; exit; fi
printf 'env\tkrb-passes\t%s\nenv\tkrb-date\t%s\n' "$passes" "$(date -u '+%Y-%m-%d %H:%M UTC')" >>"$results"
for pass in $(seq 1 "$passes"); do
    for mode in handshake seal export; do
        echo "== pass $pass: krb $mode"
        if ! "$prog" "$realm" "$pw" "$mode" 2>"$dir/err" | sed "s/^/$pass\t/" >>"$results"; then
            cat "$dir/err" >&2; echo "bench: krb $mode failed" >&2; exit 1
        fi
    done
done
