#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the libFuzzer targets.  Each target: every file of
# tests/fuzz/regressions/TARGET/ replayed (one test each: inputs that once
# crashed), its seed corpus replayed (one test), then SECONDS of fuzzing
# (one test).  Prints executions and coverage (libFuzzer's cov: and ft:)
# per target and ends with "fuzz: N passed, N failed".
# Usage: tests/fuzz/run.sh [--smoke] BUILD_DIR SECONDS [TARGET...]
#   --smoke  a throwaway corpus (make check); otherwise BUILD_DIR/fuzz/corpus/
#            TARGET keeps what each run finds for the next one
# A crash leaves its input in BUILD_DIR/fuzz/artifacts/TARGET/: once fixed,
# copy it to tests/fuzz/regressions/TARGET/ so every later run replays it.
set -u
smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi
b=$1 secs=$2
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -eq 0 ]; then
    set -- $(cd "$src/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Leaks count as findings; UBSan stops at the first report (-fno-sanitize-recover).
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
passed=0 failed=0
rows=()

fail() {
    echo "fuzz: Test failed: $1"
    [ -n "${2:-}" ] && tail -n 40 "$2" | sed 's/^/    /'
    failed=$((failed + 1))
}

for t in "$@"; do
    bin="$b/fuzz/bin/$t"
    echo "== fuzz/$t"
    if [ ! -x "$bin" ]; then
        fail "$t is not built ($bin)"
        continue
    fi
    log="$work/$t.log"

    nreg=0
    for f in "$src/tests/fuzz/regressions/$t"/*; do
        [ -f "$f" ] || continue
        nreg=$((nreg + 1))
        if "$bin" "$f" >"$log" 2>&1; then passed=$((passed + 1)); else fail "$t: regression ${f#"$src"/}" "$log"; fi
    done

    seeds="$b/fuzz/seeds/$t"
    nseeds=0
    mkdir -p "$seeds"
    nseeds=$(find "$seeds" -type f | wc -l)
    if "$bin" -runs=0 "$seeds" >"$log" 2>&1; then passed=$((passed + 1)); else fail "$t: replaying $nseeds seeds" "$log"; fi

    if [ "$smoke" -eq 1 ]; then corpus="$work/corpus/$t"; else corpus="$b/fuzz/corpus/$t"; fi
    artifacts="$b/fuzz/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    line=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$line")
    ft=$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$line")
    corp=$(sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p' <<<"$line")
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        result=ok
    else
        crash=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -n 1)
        fail "$t: fuzzing found a crash (exit $rc)${crash:+, input: $crash}" "$log"
        result=FAILED
    fi
    rows+=("$(printf '%-24s %6s %5s %10s %6s %6s %6s  %s' "$t" "$nseeds" "$nreg" "${execs:-?}" "${cov:-?}" \
        "${ft:-?}" "${corp:-?}" "$result")")
done

echo
echo "fuzzing, $secs s per target ($([ "$smoke" -eq 1 ] && echo "smoke run, throwaway corpus" || echo "corpus in $b/fuzz/corpus")):"
printf '%-24s %6s %5s %10s %6s %6s %6s  %s\n' target seeds regr execs cov ft corpus result
for r in "${rows[@]}"; do echo "$r"; done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
