#!/usr/bin/env bash
# Runs every Check suite natively, then again under ASan/UBSan.
# Usage: tests/unit/run.sh BUILD_DIR NAME...
set -u
b=$1; shift
fail=0
for flavour in native asan; do
    for t in "$@"; do
        echo "== $flavour/$t"
        if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$b/$flavour/tests/$t"; then
            echo "FAILED: $flavour/$t"
            fail=1
        fi
    done
done
exit $fail
