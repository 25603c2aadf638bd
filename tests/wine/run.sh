#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the Wine conformance programs in a throwaway WINEPREFIX, with this
# DLL as a per-program override, for each architecture Wine can run here.
# Usage: tests/wine/run.sh BUILD_DIR NAME...
# Ends with "LABEL: N passed, N failed, N skipped", LABEL being
# $SSPISHIM_WINE_LABEL or "wine".  SSPISHIM_REQUIRE_32BIT=1 turns "this Wine
# cannot run 32-bit programs" from a skip into a failure (tools/dev sets it:
# it installs 32-bit Wine, so a skip there would hide a broken install).
set -u
label=${SSPISHIM_WINE_LABEL:-wine}
b=$(cd "$1" && pwd); shift
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-wine.XXXXXX")
trap 'wineserver -k >/dev/null 2>&1; WINEPREFIX="$work/prefix32" wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=;secur32=n,b"
passed=0 failed=0 skipped=0
runnable=""

echo "== creating a throwaway prefix"
if ! timeout 300 wineboot -i >"$work/wineboot.log" 2>&1; then
    cat "$work/wineboot.log"
    echo "$label: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
wineserver -w

# run_one ARCH DIR NAME [ARG...]: runs DIR/NAME.exe and adds its counts to the tally.
run_one() {
    local arch=$1 dir=$2 t=$3 out rc line n f s td
    shift 3
    echo "== $arch/$t${*:+ $*}"
    out="$work/${arch//\//_}-$t$(printf '%s' "$*" | tr -c 'a-zA-Z0-9' _).out"
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
    td=$(sed -E 's/.*\(([0-9]+) marked as todo.*/\1/' <<<"$line")
    # A todo is what Windows does and this Wine cannot: neither a pass nor
    # a failure; it is tallied with the skipped.
    passed=$((passed + n - f - td)) failed=$((failed + f)) skipped=$((skipped + s + td))
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
        if [ "${SSPISHIM_REQUIRE_32BIT:-0}" = 1 ]; then
            echo "== $arch: this Wine cannot run $arch programs, and 32-bit Wine is required here"
            failed=$((failed + n))
            continue
        fi
        echo "== $arch: skipped $n programs: this Wine cannot run $arch programs" \
             "(install wine32:i386; see docs/install.md)"
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
    # A live server context with the client's token, handed by a server of
    # one architecture to a worker of the other, which unseals, seals and
    # impersonates: with DELETE_OLD and with RESET_NEW.
    for pair in "x86_64 i686" "i686 x86_64"; do
        read -r from to <<<"$pair"
        [[ " $runnable " == *" $from "* && " $runnable " == *" $to "* ]] || continue
        for how in delete_old reset_new; do
            run_one "$from" "$work/$from" export --handoff "..\\$to\\export.exe" "$how"
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
# prefix_wide NAME ARCHES...: install, run ARCHES' programs, install again,
# uninstall, and Wine's own DLLs are back byte for byte.
prefix_wide() {
    local name=$1 arch sysdir t
    shift
    local windows="$WINEPREFIX/drive_c/windows" dirs=()
    # the prefix's own folders: a WoW64 prefix's 32-bit side is syswow64
    for arch in "$@"; do
        if [ "$arch" = i686 ] && [ -d "$windows/syswow64" ]; then dirs+=("$windows/syswow64")
        else dirs+=("$windows/system32"); fi
    done
    echo "== prefix-wide install, $name prefix (tools/sspishim-setup)"
    for sysdir in "${dirs[@]}"; do cp "$sysdir/secur32.dll" "$sysdir/secur32.dll.wine-orig"; done
    check "$name: setup install" "$src/tools/sspishim-setup" install --dlls "$b"
    for sysdir in "${dirs[@]}"; do
        check "$name: ${sysdir##*/} holds sspishim" grep -q SspiShimVersion "$sysdir/secur32.dll"
    done
    for arch in "$@"; do
        local want=64; [ "$arch" = i686 ] && want=32
        check "$name: the $want-bit host copy is Wine's" \
            grep -q "Wine builtin DLL" "$windows/sspishim/host$want/secur32.dll"
    done
    check "$name: a second install keeps Wine's original" "$src/tools/sspishim-setup" install --dlls "$b"
    for sysdir in "${dirs[@]}"; do
        check "$name: ${sysdir##*/}/secur32.dll.old is still Wine's" cmp -s "$sysdir/secur32.dll.old" "$sysdir/secur32.dll.wine-orig"
    done
    local saved_overrides=$WINEDLLOVERRIDES
    export WINEDLLOVERRIDES="mscoree,mshtml="
    for arch in "$@"; do
        [[ " $runnable " == *" $arch "* ]] || continue
        mkdir -p "$work/prefixwide-$name-$arch"
        cp "$b/$arch/tests/"*.exe "$work/prefixwide-$name-$arch/"
        # http_auth: Wine's winhttp reaches system32\secur32.dll (ours) with no override set
        for t in enum schannel badhandle http_auth; do
            [ -f "$work/prefixwide-$name-$arch/$t.exe" ] && run_one "prefix-wide-$name/$arch" "$work/prefixwide-$name-$arch" "$t"
        done
    done
    export WINEDLLOVERRIDES=$saved_overrides
    check "$name: setup uninstall" "$src/tools/sspishim-setup" uninstall
    check "$name: a second uninstall changes nothing" "$src/tools/sspishim-setup" uninstall
    for sysdir in "${dirs[@]}"; do
        check "$name: ${sysdir##*/}/secur32.dll is Wine's again, byte for byte" cmp -s "$sysdir/secur32.dll" "$sysdir/secur32.dll.wine-orig"
        check "$name: no ${sysdir##*/}/secur32.dll.old left" test ! -e "$sysdir/secur32.dll.old"
        rm -f "$sysdir/secur32.dll.wine-orig"
    done
    check "$name: no leftovers" test ! -e "$windows/sspishim"
    check "$name: the override is gone" bash -c "! grep -qi '\"secur32\"' '$WINEPREFIX/user.reg'"
}

if [[ " $runnable " == *" i686 "* ]]; then
    prefix_wide wow64 x86_64 i686
else
    prefix_wide win64 x86_64
fi

# A prefix whose 32-bit side has no secur32.dll (64-bit Wine alone made it):
# the installer replaces system32's and leaves syswow64 alone.
wow="$WINEPREFIX/drive_c/windows/syswow64"
if [ -f "$wow/secur32.dll" ]; then
    echo "== prefix-wide install, a 64-bit-only prefix"
    mv "$wow/secur32.dll" "$work/syswow64-secur32.dll"
    check "64-bit only: setup install" "$src/tools/sspishim-setup" install --dlls "$b"
    check "64-bit only: system32 holds sspishim" grep -q SspiShimVersion "$WINEPREFIX/drive_c/windows/system32/secur32.dll"
    check "64-bit only: syswow64 is left alone" test ! -e "$wow/secur32.dll"
    check "64-bit only: setup uninstall" "$src/tools/sspishim-setup" uninstall
    check "64-bit only: system32 is Wine's again" grep -q "Wine builtin DLL" "$WINEPREFIX/drive_c/windows/system32/secur32.dll"
    mv "$work/syswow64-secur32.dll" "$wow/secur32.dll"
fi

# Two prefixes, two wineservers, one key file (SSPISHIM_MACHINE_KEY): when
# both create it at once, one key wins and every blob made in either
# prefix opens with it.  Called with WINEPREFIX set to the second prefix.
shared_key_race() {
    local round i pids=() second=$WINEPREFIX
    [ -x "$b/native/sspishim-inspect" ] || return 0
    echo "== one key file, two prefixes racing to create it"
    for round in 1 2 3; do
        local key="$work/shared-$round.key"
        pids=()
        for i in 1 2 3 4; do
            (cd "$work/x86_64" && WINEPREFIX=$main_prefix WINEARCH=win64 SSPISHIM_MACHINE_KEY=$key \
                timeout 120 wine ./export.exe --blob "..\\race-$round-a$i.bin" >/dev/null 2>&1) & pids+=($!)
            (cd "$work/i686" && WINEPREFIX=$second SSPISHIM_MACHINE_KEY=$key \
                timeout 120 wine ./export.exe --blob "..\\race-$round-b$i.bin" >/dev/null 2>&1) & pids+=($!)
        done
        wait "${pids[@]}"
        check "shared key, round $round: the key file exists" test -s "$key"
        local opened=0 blob
        for blob in "$work"/race-$round-*.bin; do
            "$src/tools/sspishim-inspect" --key "$key" "$blob" >/dev/null 2>&1 && opened=$((opened + 1))
        done
        check "shared key, round $round: all 8 blobs open with the one key ($opened did)" test "$opened" -eq 8
    done
}

# A 32-bit prefix (WINEARCH=win32): system32 is the 32-bit folder, and the
# installer is given it without asking a Windows program.  Run straight
# after wineboot, before wineserver has written system.reg.
if [[ " $runnable " == *" i686 "* ]]; then
    wineserver -w
    main_prefix=$WINEPREFIX
    export WINEPREFIX="$work/prefix32" WINEARCH=win32
    echo "== creating a 32-bit prefix"
    if timeout 300 wineboot -i >"$work/wineboot32.log" 2>&1; then
        check "win32: setup waits for a new prefix's registry" "$src/tools/sspishim-setup" install --dlls "$b"
        "$src/tools/sspishim-setup" uninstall >/dev/null 2>&1
        prefix_wide win32 i686
        shared_key_race
    else
        cat "$work/wineboot32.log"
        check "win32: wineboot" false
    fi
    wineserver -k >/dev/null 2>&1
    export WINEPREFIX=$main_prefix WINEARCH=win64
fi

echo "$label: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
