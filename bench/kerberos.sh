#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# The Kerberos benchmarks (bench/kerberos/krb_bench.c) against a throwaway
# MIT KDC started here with tests/kerberos/realm.sh: realm BENCH.TEST in
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
# The throwaway realm's setup is tests/kerberos/realm.sh's, shared with the tests.
. "$(dirname "$0")/../tests/kerberos/realm.sh"
# Exit status 2: no MIT KDC here, nothing measured.
realm_tools || { echo "bench/kerberos.sh: $realm_missing is missing (krb5-kdc krb5-admin-server krb5-user)" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-krbbench.XXXXXX")
cleanup() {
    realm_stop
    rm -rf "$dir"
}
trap cleanup EXIT

realm=BENCH.TEST
export KRB5CCNAME=FILE:$dir/ccache
export KRB5_KTNAME=$dir/service.keytab KRB5RCACHEDIR=$dir/rcache KRB5RCACHETYPE=none
# Export and import seal under a machine key: a throwaway one unless
# make bench's own is set.
export SSPISHIM_MACHINE_KEY=${SSPISHIM_MACHINE_KEY:-$dir/machine.key}
mkdir -p "$KRB5RCACHEDIR"
if ! { realm_init "$dir" "$realm" aes256-cts-hmac-sha1-96:normal &&
    realm_addprinc alice -e aes256-cts-hmac-sha1-96:normal &&
    realm_admin "addprinc -e aes256-cts-hmac-sha1-96:normal -randkey HTTP/localhost" &&
    realm_admin "ktadd -e aes256-cts-hmac-sha1-96:normal -k $KRB5_KTNAME HTTP/localhost"; }; then
    cat "$dir/setup.log" >&2; echo "bench/kerberos.sh: realm setup failed" >&2; exit 1
fi
pw=$realm_pw
if ! realm_kdc_start alice; then
    cat "$dir/kdc.out" "$dir/kdc.log" >&2 2>/dev/null; echo "bench/kerberos.sh: krb5kdc did not answer" >&2; exit 1
fi
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
