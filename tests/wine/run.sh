#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the Wine conformance programs in a throwaway WINEPREFIX, with this
# DLL as a per-program override, for each architecture Wine can run here.
# Usage: tests/wine/run.sh BUILD_DIR NAME...
# Ends with "wine: N passed, N failed, N skipped".
set -u
b=$(cd "$1" && pwd); shift
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-wine.XXXXXX")
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=;secur32=n,b"
passed=0 failed=0 skipped=0
runnable=""

echo "== creating a throwaway prefix"
if ! timeout 300 wineboot -i >"$work/wineboot.log" 2>&1; then
    cat "$work/wineboot.log"
    echo "wine: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
wineserver -w

# run_one ARCH DIR NAME [ARG...]: runs DIR/NAME.exe and adds its counts to the tally.
run_one() {
    local arch=$1 dir=$2 t=$3 out rc line n f s
    shift 3
    echo "== $arch/$t${*:+ $*}"
    out="$work/$arch-$t$(printf '%s' "$*" | tr -c 'a-zA-Z0-9' _).out"
    (cd "$dir" && SSPISHIM_TEST_DATA='..\data' timeout 300 wine "./$t.exe" "$@" 2>"$out.err" | tr -d '\r' >"$out"
     exit "${PIPESTATUS[0]}")
    rc=$?
    cat "$out"
    line=$(grep -E '^[a-z_0-9]+: [0-9]+ tests executed' "$out" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$arch/$t: no summary line (exit $rc): crashed or hung"
        tail -n 20 "$out.err"
        failed=$((failed + 1))
        return
    fi
    n=$(sed -E 's/^[^:]+: ([0-9]+) tests executed.*/\1/' <<<"$line")
    f=$(sed -E 's/.*, ([0-9]+) failures\).*/\1/' <<<"$line")
    s=$(sed -E 's/.*\), ([0-9]+) skipped\./\1/' <<<"$line")
    passed=$((passed + n - f)) failed=$((failed + f)) skipped=$((skipped + s))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$arch/$t: exit code $rc"
        failed=$((failed + 1))
    fi
}

# check NAME CONDITION...: one test of the runner's own
check() {
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else echo "runner: Test failed: $what"; failed=$((failed + 1)); fi
}

for arch in x86_64 i686; do
    dir="$work/$arch"
    mkdir -p "$dir"
    cp "$b/$arch/secur32.dll" "$b/$arch"/tests/*.exe "$dir/"
    cp "$b/$arch"/tests/*.dll "$dir/" 2>/dev/null || true   # the ssp test's provider DLLs
    # what some tests read: the export list and both DLLs
    mkdir -p "$work/data/x86_64" "$work/data/i686"
    cp "$src/tests/data/secur32-exports.txt" "$work/data/"
    cp "$b/x86_64/secur32.dll" "$work/data/x86_64/"
    cp "$b/i686/secur32.dll" "$work/data/i686/"
    if ! (cd "$dir" && timeout 60 wine "./$1.exe" --probe 2>/dev/null | grep -q "probe ok"); then
        n=$#
        if [ "$arch" = x86_64 ]; then
            echo "== $arch: Wine cannot run a 64-bit program here"
            failed=$((failed + n))
            continue
        fi
        echo "== $arch: skipped $n programs: this Wine cannot run $arch programs" \
             "(32-bit Wine, wine32:i386, is not installable here; see shared/DESIGN.md)"
        skipped=$((skipped + n))
        continue
    fi
    runnable="$runnable $arch"
    for t in "$@"; do
        run_one "$arch" "$dir" "$t"
    done
done

# A conversation exported by one architecture and carried on by the other
# (and by the same one, which proves the route itself).
if [ -f "$b/x86_64/tests/export.exe" ]; then
    for from in x86_64 i686; do
        for to in x86_64 i686; do
            if [[ " $runnable " != *" $from "* || " $runnable " != *" $to "* ]]; then
                echo "== export $from -> import $to: skipped: Wine cannot run $( [[ " $runnable " == *" $from "* ]] && echo "$to" || echo "$from") programs here"
                skipped=$((skipped + 1))
                continue
            fi
            run_one "$from" "$work/$from" export --write "..\\state-$from-$to.bin"
            run_one "$to" "$work/$to" export --read "..\\state-$from-$to.bin"
        done
    done
fi

# tools/sspishim-inspect on a blob this prefix made: it verifies, a damaged
# copy does not, another key is named as such, and no key byte is printed.
if [[ " $runnable " == *" x86_64 "* ]] && [ -x "$b/native/sspishim-inspect" ]; then
    echo "== tools/sspishim-inspect"
    run_one x86_64 "$work/x86_64" export --blob "..\\blob.bin"
    inspect() { "$src/tools/sspishim-inspect" "$@" >"$work/inspect.out" 2>&1; }
    keyhex=$(od -An -tx1 -j8 -N32 "$WINEPREFIX/drive_c/ProgramData/sspishim/machine.key" | tr -d ' \n')
    check "inspect: the prefix has a machine key" test ${#keyhex} -eq 64
    check "inspect: the blob verifies" inspect "$work/blob.bin"
    cat "$work/inspect.out"
    check "inspect: header printed" grep -q "^package *NTLM" "$work/inspect.out"
    check "inspect: role printed" grep -q "^role *server" "$work/inspect.out"
    check "inspect: no key material" bash -c "! tr -d ' \n' <'$work/inspect.out' | grep -qi '${keyhex:0:16}\|${keyhex:16:16}\|${keyhex:32:16}\|${keyhex:48:16}'"
    cp "$work/blob.bin" "$work/bad.bin"
    byte=$(od -An -tu1 -j100 -N1 "$work/blob.bin" | tr -d ' ')
    printf "\\x$(printf %02x $((byte ^ 1)))" | dd of="$work/bad.bin" bs=1 seek=100 conv=notrunc 2>/dev/null
    check "inspect: an altered blob is refused" bash -c "! '$src/tools/sspishim-inspect' '$work/bad.bin' >'$work/inspect.out'"
    check "inspect: ... and called altered" grep -q "altered" "$work/inspect.out"
    head -c 60 "$work/blob.bin" >"$work/bad.bin"
    check "inspect: a truncated blob is refused" bash -c "! '$src/tools/sspishim-inspect' '$work/bad.bin' >'$work/inspect.out'"
    check "inspect: another prefix's key is named as such" bash -c \
        "WINEPREFIX='$work/nowhere' '$src/tools/sspishim-inspect' --key '$src/tests/data/other-machine.key' '$work/blob.bin' | grep -q 'another machine key'"
fi

# Per program through tools/sspishim-run: no DLL next to the program and
# no override set beforehand; the DLL it placed is gone afterwards.
echo "== tools/sspishim-run"
mkdir -p "$work/run"
cp "$b/x86_64/tests/enum.exe" "$work/run/"
saved_overrides=$WINEDLLOVERRIDES
export WINEDLLOVERRIDES="mscoree,mshtml="
SSPISHIM_DLLS="$b" "$src/tools/sspishim-run" "$work/run/enum.exe" 2>/dev/null | tr -d '\r' >"$work/run.out"
check "sspishim-run: the program ran with sspishim" grep -q "^enum: [0-9]* tests executed (0 marked as todo, 0 failures)" "$work/run.out"
check "sspishim-run: the DLL it placed is removed" test ! -e "$work/run/secur32.dll"
export WINEDLLOVERRIDES=$saved_overrides

# Prefix-wide: tools/sspishim-setup installs into the prefix; programs run
# from a folder without the DLL and without a WINEDLLOVERRIDES entry.
echo "== prefix-wide install (tools/sspishim-setup)"
sys32=$(wine winepath -u 'C:\windows\system32' 2>/dev/null | tr -d '\r')
check "setup install" "$src/tools/sspishim-setup" install --dlls "$b"
check "system32 holds sspishim" grep -q SspiShimVersion "$sys32/secur32.dll"
check "the host copy is Wine's" grep -q "Wine builtin DLL" "$WINEPREFIX/drive_c/windows/sspishim/host64/secur32.dll"
check "a second install keeps Wine's original" "$src/tools/sspishim-setup" install --dlls "$b"
check "secur32.dll.old is still Wine's" grep -q "Wine builtin DLL" "$sys32/secur32.dll.old"
mkdir -p "$work/prefixwide"
cp "$b/x86_64/tests/"*.exe "$work/prefixwide/"
saved_overrides=$WINEDLLOVERRIDES
export WINEDLLOVERRIDES="mscoree,mshtml="
# http_auth: Wine's winhttp reaches system32\secur32.dll (ours) with no override set
for t in enum schannel badhandle http_auth; do
    [ -f "$work/prefixwide/$t.exe" ] && run_one prefix-wide "$work/prefixwide" "$t"
done
export WINEDLLOVERRIDES=$saved_overrides
check "setup uninstall" "$src/tools/sspishim-setup" uninstall
check "system32 holds Wine's secur32 again" grep -q "Wine builtin DLL" "$sys32/secur32.dll"
check "no leftovers" test ! -e "$WINEPREFIX/drive_c/windows/sspishim"
check "the override is gone" bash -c "! grep -qi '\"secur32\"' '$WINEPREFIX/user.reg'"

echo "wine: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
