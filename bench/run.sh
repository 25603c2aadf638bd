#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# make bench: runs every benchmark, then bench/report.py writes BENCHMARKS.md
# and bench/plots/.  Usage: bench/run.sh BUILD_DIR
# BENCH_PASSES (3): how many times the compared programs run, in alternation;
# BENCH_CONTEXTS (100000): live contexts for the scale benchmark;
# BENCH_COLD_RUNS (10): fresh processes per secur32 for the cold start.
set -euo pipefail
b=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
passes=${BENCH_PASSES:-3} contexts=${BENCH_CONTEXTS:-100000} colds=${BENCH_COLD_RUNS:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-bench.XXXXXX")
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=;secur32=n,b"
# One accounts file for both peers (gss-ntlmssp's format); a Unix path
# reaches the DLL too.  Native programs keep their machine key here.
printf 'DOMAIN:alice:Password1\n' >"$work/users"
export NTLM_USER_FILE="$work/users" SSPISHIM_MACHINE_KEY="$work/machine.key"
mkdir -p "$b/bench"
results="$b/bench/results.tsv"
: >"$results"

env_line() { printf 'env\t%s\t%s\n' "$1" "$2" >>"$results"; }
env_line date "$(date -u '+%Y-%m-%d %H:%M UTC')"
env_line cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) x $(nproc)"
env_line kernel "$(uname -r)"
env_line wine "$(wine --version 2>/dev/null)"
env_line gcc "$(gcc -dumpfullversion) / $(x86_64-w64-mingw32-gcc -dumpfullversion)"
env_line gss-ntlmssp "$(dpkg-query -W -f='${Version}\n' gss-ntlmssp 2>/dev/null | head -n 1)"
# Multiarch (i386 for 32-bit Wine) lists a package once per architecture.
env_line krb5 "$(dpkg-query -W -f='${Version}\n' libgssapi-krb5-2 2>/dev/null | head -n 1)"
env_line passes "$passes"
env_line load-before "$(cut -d' ' -f1-3 /proc/loadavg)"

echo "== a throwaway prefix"
timeout 300 wineboot -i >"$work/wineboot.log" 2>&1 || { cat "$work/wineboot.log"; exit 1; }
wineserver -w
# A persistent wineserver: its helper processes (services, explorer, ...)
# start once, here, and are idle by the time anything is timed.
wineserver -p
mkdir -p "$work/bin" "$work/bin32"
cp "$b/x86_64/secur32.dll" "$b/x86_64/bench/sspi_bench.exe" "$work/bin/"
cp "$b/i686/secur32.dll" "$b/i686/bench/sspi_bench.exe" "$work/bin32/"
(cd "$work/bin" && wine ./sspi_bench.exe calib >/dev/null 2>&1) || true
# i686: the same program built 32-bit, where this Wine runs 32-bit programs
# (tools/wine-platforms prepare); its figures are tagged sspi32.
i686=0
if (cd "$work/bin32" && wine ./sspi_bench.exe calib >/dev/null 2>&1); then i686=1; fi
# Under QEMU when tools/wine-platforms registered its i386 emulator (the
# kernel runs no 32-bit code): then 32-bit figures measure QEMU.
qemu_i386() { grep -qs '^enabled' /proc/sys/fs/binfmt_misc/sspishim-i386; }
env_line i686 "$([ $i686 = 1 ] && echo "32-bit Wine$(qemu_i386 && echo ', under QEMU')" || echo none)"
sleep 3

# run PASS NAME COMMAND...: appends COMMAND's result lines, tagged.
run() {
    local pass=$1 name=$2; shift 2
    echo "== pass $pass: $name"
    if ! "$@" 2>"$work/err" | tr -d '\r' | sed "s/^/$pass\t/" >>"$results"; then
        cat "$work/err" >&2
        echo "bench: $name failed" >&2
        exit 1
    fi
}
sspi() { (cd "$work/bin" && wine ./sspi_bench.exe "$@"); }
sspi32() {
    (cd "$work/bin32" && wine ./sspi_bench.exe "$@") | sed -E 's/\.sspi(_raw)?\./.sspi32\1./g; s/^(time|ratio|sample)\tcalib\.wine\./\1\tcalib.wine32./'
}
gss() { "$b/native/bench/gss_bench" "$@"; }
core() { "$b/native/bench/core_bench" "$@"; }

for pass in $(seq 1 "$passes"); do
    # The Wine and native programs take turns, and swap who goes first.
    for mode in calib export seal handshake; do
        if [ $((pass % 2)) -eq 1 ]; then order="sspi gss core"; else order="gss sspi core"; fi
        [ $i686 = 1 ] && order="$order sspi32"
        for who in $order; do
            [ "$who" = core ] && [ "$mode" = calib ] && continue
            run "$pass" "$who $mode" "$who" "$mode"
        done
    done
done

# Kerberos: the core's package beside MIT's GSSAPI in one native process,
# against a KDC of its own (bench/kerberos.sh; its passes alternate the
# two implementations batch by batch).
krc=0
bash "$src/bench/kerberos.sh" "$b" "$results" "$passes" || krc=$?
case $krc in
0) ;;
2) env_line krb-skipped "no MIT KDC (krb5-kdc, krb5-admin-server, krb5-user)" ;;
*) echo "bench: the Kerberos benchmarks failed" >&2; exit 1 ;;
esac

# The sealing primitives against OpenSSL's, natively (core_bench prims).
for pass in $(seq 1 "$passes"); do run "$pass" "core prims" core prims; done

run 1 "sspi scale $contexts" sspi scale "$contexts"
run 1 "sspi reload" sspi reload
for i in $(seq 1 "$colds"); do
    run "$i" "sspi cold ours" sspi cold ours
    run "$i" "sspi cold builtin" sspi cold builtin
done
# The server handoff (sspi_bench handoff, issue 18 point 3) goes through
# wineserver, whose timings swing several-fold when the server and the two
# processes float over shared CPUs: this step restarts the prefix's server
# pinned to CPU 0 (taskset on this subshell, which everything started from
# it inherits) and runs there.  Then it counts the wineserver requests of
# each call: WINEDEBUG=+server makes the server it starts print every
# request, and handoff-count brackets the calls with named events.
handoff_bench() {
    (
        taskset -cp 0 $BASHPID >/dev/null
        wineserver -k >/dev/null 2>&1 || true; wineserver -w
        wineserver -p
        sspi calib >/dev/null 2>&1 || true
        env_line handoff-cpu "taskset -c 0 (wineserver, sspi_bench.exe and its worker)"
        # 32-bit programs may run through a binfmt emulator, which the
        # i686 line above cannot see (the program runs either way).
        env_line handoff-i686-via "$(sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/*i386* 2>/dev/null | head -n 1)"
        for pass in $(seq 1 "$passes"); do
            run "$pass" "sspi handoff, CPU 0" sspi handoff
            [ $i686 = 0 ] || run "$pass" "sspi32 handoff, CPU 0" sspi32 handoff
        done
        echo "== wineserver requests per call (WINEDEBUG=+server)"
        wineserver -k >/dev/null 2>&1 || true; wineserver -w
        (cd "$work/bin" && WINEDEBUG=+server wine ./sspi_bench.exe handoff-count) \
            2>"$work/server.trace" | tr -d '\r' >"$work/count.out" || { echo "bench: handoff-count failed" >&2; exit 1; }
        wineserver -w
        sed 's/^/1\t/' "$work/count.out" >>"$results"
        awk -v n="$(awk -F'\t' '$2 == "handoff.count.n" { print $3 }' "$work/count.out")" '
            /create_event\( .*sspishim-mark-[a-z]+-begin/ {
                match($0, /sspishim-mark-[a-z]+-begin/); what = substr($0, RSTART + 14, RLENGTH - 20)
                tid = $1; count = 0; on = 1; next }
            on && $1 == tid && /create_event\( .*sspishim-mark-[a-z]+-end/ {
                printf "1\tvalue\thandoff.sspi.requests.%s\t%g\trequests\n", what, count / n; on = 0; next }
            on && $1 == tid && /^[0-9a-f]+: [a-z_0-9]+\( / { count++ }' "$work/server.trace" >>"$results"
    ) || exit 1
    wineserver -p      # unpinned again, for whatever runs next
}
handoff_bench
env_line load-after "$(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$src/bench/report.py" "$results" "$src/BENCHMARKS.md" "$src/bench/plots"
echo "bench: wrote BENCHMARKS.md and bench/plots/ (raw results: $results)"
