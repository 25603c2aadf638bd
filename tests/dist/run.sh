#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# The release and the files for building against this DLL, as a user meets them:
#  1. reproducible: make dist from scratch in two build folders gives the
#     same bytes; the tarball holds what it should; both DLLs carry their
#     version resource (read with mingw's windres);
#  2. make install-dev PREFIX=...: a program and the examples build with
#     pkg-config for both mingw triplets, importing from this secur32.dll;
#  3. under Wine: the tarball unpacked away from the source tree; its setup
#     script installs into a throwaway prefix, where the program runs (and
#     reads the version resource through Wine's version.dll) and the handoff
#     example passes a context to a worker; its launcher runs them for one
#     program; uninstall restores Wine's secur32.
# Usage: tests/dist/run.sh BUILD_DIR.  Ends with "dist: N passed, N failed, N skipped".
set -u
b=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-dist.XXXXXX")
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0
version=$(cat "$src/VERSION")
name=sspishim-$version

check() {  # check WHAT COMMAND...
    local what=$1; shift
    if "$@" >"$work/check.out" 2>&1; then
        passed=$((passed + 1)); echo "ok: $what"
    else
        failed=$((failed + 1)); echo "dist: Test failed: $what"; tail -n 20 "$work/check.out"
    fi
}
skip() { skipped=$((skipped + 1)); echo "skipped: $*"; }

# make from inside make check: a make of its own, not the caller's job server.
submake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL nice make -s -C "$src" "$@"; }

# ---- 0. the license ------------------------------------------------------------
echo "== license"
check "LICENSE is the LGPL 2.1" grep -q "GNU LESSER GENERAL PUBLIC LICENSE" "$src/LICENSE"
check "  version 2.1" grep -q "Version 2.1, February 1999" "$src/LICENSE"
# Every source file (C, headers, scripts, make files, resources) says so in its first lines.
spdx_everywhere() {
    local f missing=0 list
    if git -C "$src" rev-parse >/dev/null 2>&1; then
        list=$(git -C "$src" ls-files)
    else
        list=$(cd "$src" && find . -path ./build -prune -o -type f -print | sed 's|^\./||')
    fi
    while read -r f; do
        [ -f "$src/$f" ] || continue
        case "$f" in
            *.c|*.h|*.sh|*.py|*.mk|*.rc|*.def|Makefile|.ci/run) ;;
            *) head -c 2 "$src/$f" | grep -q '^#!' || continue ;;
        esac
        head -n 3 "$src/$f" | grep -q "SPDX-License-Identifier: LGPL-2.1-or-later" || { echo "no SPDX line: $f"; missing=1; }
    done <<<"$list"
    return $missing
}
check "every source file carries the SPDX line" spdx_everywhere

# ---- 1. the tarball, twice from scratch --------------------------------------
# From one snapshot of the sources (others may be editing the tree while this
# runs), copied to two folders: neither the source nor the build folder's
# path may show in the result.
echo "== make dist, from scratch, in two source and build folders"
snapshot() {  # snapshot DEST: the tree's sources, without build folders
    mkdir -p "$1"
    if git -C "$src" rev-parse >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z -co --exclude-standard | grep -zv '^build' | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$1"
    else
        (cd "$src" && tar cf - --exclude='./build*' .) | tar xf - -C "$1"
    fi
}
epoch=$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)
check "a snapshot of the sources" snapshot "$work/src1"
cp -a "$work/src1" "$work/other-src2"
for n in 1 2; do
    tree=$work/src1
    [ "$n" = 2 ] && tree=$work/other-src2
    check "make dist ($n)" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL nice make -s -C "$tree" -j2 \
        B="$work/build$n" DISTDIR="$work/dist$n" SOURCE_DATE_EPOCH="$epoch" dist
done
tarball=$work/dist1/$name.tar.gz
check "the tarball is named for VERSION" test -f "$tarball"
check "the two builds give the same bytes" cmp "$work/dist1/$name.tar.gz" "$work/dist2/$name.tar.gz"
if ! cmp -s "$work/dist1/$name.tar.gz" "$work/dist2/$name.tar.gz"; then
    for n in 1 2; do mkdir -p "$work/x$n" && tar xzf "$work/dist$n/$name.tar.gz" -C "$work/x$n" 2>/dev/null; done
    diff -r "$work/x1" "$work/x2" | head -n 20
fi
tar tzf "$tarball" 2>/dev/null | sort >"$work/members"
members_ok() {
    local m
    for m in LICENSE README.md VERSION x64/secur32.dll x32/secur32.dll sspishim-setup sspishim-run \
             sspishim-inspect sspishim-inspect.bin docs/; do
        grep -qx "$name/$m" "$work/members" || { echo "missing: $m"; return 1; }
    done
}
check "the tarball holds the DLLs, the tools, the README, the guide and the license" members_ok
same_owner_and_date() {
    [ "$(tar tvzf "$tarball" | awk '{ print $2 }' | sort -u)" = 0/0 ] &&
    [ "$(tar tvzf "$tarball" | awk '{ print $4, $5 }' | sort -u | wc -l)" -eq 1 ]
}
check "entries are owned by 0:0 and dated alike" same_owner_and_date
check "gzip stores no name or time" bash -c "[ \"\$(od -An -tx1 -j4 -N4 '$tarball' | tr -d ' ')\" = 00000000 ]"
mkdir -p "$work/x"
tar xzf "$tarball" -C "$work/x"
rel=$work/x/$name
for pair in x64:x86_64 x32:i686; do
    d=${pair%%:*} cross=${pair#*:}-w64-mingw32-
    "${cross}windres" -i "$rel/$d/secur32.dll" -O rc >"$work/$d.rc" 2>/dev/null
    check "$d/secur32.dll: FileVersion $version" grep -q "VALUE \"FileVersion\", \"$version\"" "$work/$d.rc"
    check "$d/secur32.dll: ProductName sspishim" grep -q 'VALUE "ProductName", "sspishim"' "$work/$d.rc"
    check "$d/secur32.dll: no time stamp in the PE header" \
        bash -c "${cross}objdump -p '$rel/$d/secur32.dll' | grep -q '^Time/Date.*1970'"
done

# ---- 2. building against an installed sspishim -------------------------------
echo "== make install-dev and pkg-config"
dev=$work/dev
check "make install-dev PREFIX=..." submake B="$b" PREFIX="$dev" install-dev
for pair in x86_64:x86_64-w64-mingw32 i686:i686-w64-mingw32; do
    arch=${pair%%:*} triplet=${pair#*:}
    export PKG_CONFIG_PATH=$dev/$triplet/lib/pkgconfig
    check "$triplet: pkg-config --modversion sspishim is $version" \
        bash -c "[ \"\$(pkg-config --modversion sspishim)\" = '$version' ]"
    mkdir -p "$work/$arch"
    # shellcheck disable=SC2046
    check "$triplet: a program builds with \$(pkg-config --cflags --libs sspishim)" \
        "$triplet-gcc" -std=c11 -Wall -Wextra -Werror "$src/tests/dist/probe.c" \
        $(pkg-config --cflags --libs sspishim) -lversion -o "$work/$arch/probe.exe"
    check "$triplet: it imports SspiShimVersion from secur32.dll" \
        bash -c "$triplet-objdump -p '$work/$arch/probe.exe' | awk '/DLL Name:/ { dll = \$3 } /SspiShimVersion/ && dll == \"secur32.dll\" { found = 1 } END { exit !found }'"
    for ex in "$src"/examples/*.c; do
        e=$(basename "$ex" .c)
        # shellcheck disable=SC2046
        check "$triplet: examples/$e.c builds the same way" \
            "$triplet-gcc" -std=c11 -Wall -Wextra -Werror "$ex" $(pkg-config --cflags --libs sspishim) -o "$work/$arch/$e.exe"
    done
    unset PKG_CONFIG_PATH
done

# ---- 3. the unpacked tarball under Wine ---------------------------------------
echo "== the unpacked tarball, in a throwaway prefix"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
if ! timeout 300 wineboot -i >"$work/wineboot.log" 2>&1; then
    cat "$work/wineboot.log"
    echo "dist: Test failed: wineboot"
    failed=$((failed + 1))
else
    wineserver -w
    # the prefix's own folders: a 32-bit winepath would name syswow64
    sys32="$WINEPREFIX/drive_c/windows/system32" wow="$WINEPREFIX/drive_c/windows/syswow64"
    cp "$sys32/secur32.dll" "$work/wine-secur32-64.dll"
    [ -f "$wow/secur32.dll" ] && cp "$wow/secur32.dll" "$work/wine-secur32-32.dll"
    run_in() {  # run_in DIR PROGRAM...: runs it there, its output in $work/run.out
        (cd "$1" && shift && timeout 120 "$@" 2>&1 | tr -d '\r' >"$work/run.out"; exit "${PIPESTATUS[0]}")
    }
    # nothing from the source tree: the tools run from the unpacked folder, by their own path
    check "sspishim-setup install (from the tarball, no --dlls)" run_in "$work" "$rel/sspishim-setup" install
    check "system32 holds the release's DLL" cmp "$rel/x64/secur32.dll" "$sys32/secur32.dll"
    check "Wine's secur32 is kept as secur32.dll.old" grep -q "Wine builtin DLL" "$sys32/secur32.dll.old"
    if [ -f "$work/wine-secur32-32.dll" ]; then
        check "syswow64 holds the release's 32-bit DLL" cmp "$rel/x32/secur32.dll" "$wow/secur32.dll"
    fi
    check "a second install keeps Wine's original" run_in "$work" "$rel/sspishim-setup" install
    check "  secur32.dll.old is still Wine's, byte for byte" cmp "$sys32/secur32.dll.old" "$work/wine-secur32-64.dll"
    mkdir -p "$work/app"
    cp "$work/x86_64/probe.exe" "$work/x86_64/handoff.exe" "$work/app/"
    check "a program built with pkg-config runs in the prefix, and sees the version resource" \
        run_in "$work/app" wine ./probe.exe
    cat "$work/run.out"
    check "the program got sspishim $version from system32" \
        grep -qi "system32.secur32.dll: SspiShimVersion $version, FileVersion $version, ProductName sspishim" "$work/run.out"
    check "examples/handoff.exe hands a connection to a worker" run_in "$work/app" wine ./handoff.exe
    cat "$work/run.out"
    check "the worker read the client's request" grep -q 'got "please fetch report.txt" from EXAMPLE.alice' "$work/run.out"
    check "sspishim-inspect (from the tarball) runs its program" \
        bash -c "'$rel/sspishim-inspect' '$rel/VERSION' | grep -q '^verdict *no: not a packed context'"
    check "sspishim-setup uninstall" run_in "$work" "$rel/sspishim-setup" uninstall
    check "system32 holds Wine's secur32 again, byte for byte" cmp "$sys32/secur32.dll" "$work/wine-secur32-64.dll"
    if [ -f "$work/wine-secur32-32.dll" ]; then
        check "syswow64 holds Wine's secur32 again, byte for byte" cmp "$wow/secur32.dll" "$work/wine-secur32-32.dll"
    fi
    check "a second uninstall changes nothing" run_in "$work" "$rel/sspishim-setup" uninstall
    check "  system32 is still Wine's" cmp "$sys32/secur32.dll" "$work/wine-secur32-64.dll"
    check "the override is gone" bash -c "! grep -qi '\"secur32\"' '$WINEPREFIX/user.reg'"
    # one program only, through the tarball's launcher
    check "sspishim-run (from the tarball) runs one program with sspishim" \
        run_in "$work/app" "$rel/sspishim-run" ./handoff.exe
    check "  and the handoff works there too" grep -q '^handoff ok' "$work/run.out"
    check "  and takes its DLL away afterwards" test ! -e "$work/app/secur32.dll"
    # 32-bit: where Wine can run it at all
    cp "$work/i686/probe.exe" "$work/app/probe32.exe"
    run_in "$work/app" "$rel/sspishim-run" ./probe32.exe
    if grep -q "^probe:" "$work/run.out"; then
        check "i686: sspishim-run runs a 32-bit program with the x32 DLL" grep -q "SspiShimVersion $version" "$work/run.out"
    else
        if [ "${SSPISHIM_REQUIRE_32BIT:-0}" = 1 ]; then
            echo "dist: Test failed: this Wine cannot run 32-bit programs, and 32-bit Wine is required here"
            failed=$((failed + 1))
        else
            skip "i686 programs: this Wine cannot run 32-bit programs (install wine32:i386; see docs/install.md)"
        fi
    fi
fi

echo "dist: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
