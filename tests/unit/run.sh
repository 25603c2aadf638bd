#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every Check suite natively, then again under ASan/UBSan, then the
# native build under valgrind (memcheck: invalid accesses, uninitialised
# reads, definite and indirect leaks).  Check forks a child per test and
# valgrind follows it, so an error inside a test fails that test ("Early
# exit with return value 99"); the suite as a whole must also exit clean.
# Ends with "valgrind: N passed, N failed", one per suite.
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
vp=0 vf=0
for t in "$@"; do
    echo "== valgrind/$t"
    if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --show-leak-kinds=definite,indirect "$b/native/tests/$t"; then
        vp=$((vp + 1))
    else
        echo "FAILED: valgrind/$t"
        vf=$((vf + 1))
        fail=1
    fi
done
echo "valgrind: $vp passed, $vf failed"
exit $fail
