#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Wine's own secur32 conformance tests (dlls/secur32/tests in Wine's source
# tree), built unchanged with mingw-w64 and run under Wine twice: with Wine's
# builtin secur32 and with this DLL beside the program
# (WINEDLLOVERRIDES=secur32=n,b).  A test file passes when sspishim fails no
# more checks than the builtin and executes at least as many (issue 14).
#
# Usage: tests/conformance/run.sh BUILD_DIR
#   Host Wine (8.0 here) and, when tools/wine-platforms has its root, Wine 10.
#   Ends with "conformance: N passed, N failed, N skipped".
#
# No Wine code is kept in this tree: the Wine source matching each Wine that
# runs the tests is Debian's source package, fetched with apt-get source at
# test time and cached (only dlls/secur32/tests and include/wine/{test,debug}.h)
# in $SSPISHIM_WINE_SRC_CACHE (default /var/cache/sspishim/wine-src, or
# ~/.cache/sspishim/wine-src when that cannot be written).
#
# How the tests are built: each file compiles against mingw-w64's Windows
# headers; Wine's include/ is on the include path only for wine/test.h and
# wine/debug.h (Wine's Windows headers are not used).  What that needs:
#   -DDECLSPEC_EXPORT=   Wine 10's wine/debug.h uses Wine's winnt.h macro
#   -D__WINESRC__        as in Wine's own build: wine/debug.h's short names
#                        (debugstr_w, which Wine 10's negotiate.c uses)
#   -w                   Wine's sources are not ours to clean up
#   a generated testlist.c: STANDALONE wine/test.h (its main()) with the
#     START_TEST list from the sources, <windows.h> before it (test.h uses
#     wincon.h's console modes, which Wine's winbase.h pulls in and mingw's
#     does not), and __wine_dbg_strdup (Wine's winecrt0 provides it to Wine's
#     own test builds; wine/debug.h's debugstr_* need it)
#   -lsecur32 -lcrypt32 -ladvapi32 -lws2_32 (the Makefile.in's IMPORTS) and
#     -lntdll (secur32.c calls RtlInitAnsiString)
# Everything goes into one secur32_test.exe, run once per test file
# ("secur32_test.exe ntlm"), as Wine's own test build does.
#
# Environment:
#   SSPISHIM_REQUIRE_WINE10=1   a missing Wine 10 root is a failure, not a skip
#   SSPISHIM_CONFORMANCE_ARCHES architectures to run (default "x86_64 i686";
#                               one this Wine cannot run is skipped)
#   SSPISHIM_CONFORMANCE_WINES  which Wines (default "wine wine10")
#   SSPISHIM_CONFORMANCE_LOGS   keep every program's output in this folder
#   SSPISHIM_CONFORMANCE_TIMEOUT seconds per program run (default 300)
#
# Inner use (inside the Wine 10 root, through tools/wine-platforms):
#   tests/conformance/run.sh --run WORKDIR LABEL
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
timeout_s=${SSPISHIM_CONFORMANCE_TIMEOUT:-300}
arches=${SSPISHIM_CONFORMANCE_ARCHES:-x86_64 i686}
wines=" ${SSPISHIM_CONFORMANCE_WINES:-wine wine10} "

# ---- running (host or Wine 10 root) ---------------------------------------

# summary FILE NAME: "executed todo failures skipped" summed over every
# summary line of test NAME in FILE (a child process prints its own), or
# nothing when there is none.  Wine 8 and 10 both print
# "PID:NAME:ELAPSED N tests executed (N marked as todo, N as flaky, N failures), N skipped."
summary() {
    sed -nE "s/^([0-9a-f]+:)?$2:[0-9.]* ([0-9]+) tests executed \(([0-9]+) marked as todo, ([0-9]+ as flaky, )?([0-9]+) failures?\), ([0-9]+) skipped\.\$/\2 \3 \5 \6/p" "$1" |
        awk 'NF { n++; e += $1; t += $2; f += $3; s += $4 } END { if (n) print e, t, f, s }'
}

# failed_lines FILE: the failing checks, "file.c:line: message" (the elapsed
# time and the pid taken out, so two runs can be compared line by line)
failed_lines() {
    sed -nE 's/^([0-9a-f]+:)?([a-z0-9_]+\.c:[0-9]+):[0-9.]* (Test failed: |Test succeeded inside todo block: )(.*)$/\2: \3\4/p' "$1"
}

# Where sspishim does what Windows does and Wine's builtin does not, Wine's
# harness counts against it, and these two are taken out of the comparison:
# - "Test succeeded inside todo block": a check marked todo_wine (a known
#   Wine bug; on Windows it passes) that passes through sspishim.  Counted
#   and printed as "fixed todo", not as a failure.
# - a skip the test itself labels as Windows behaviour, which stops a test
#   early: the checks after it are Windows' too.  Listed here, each with
#   its reason; the executed count is compared only when sspishim has none.
windows_skip_re='Encrypt message returned SEC_E_UNSUPPORTED_FUNCTION. Expected on Vista'
#   (ntlm.c testSignSeal: a server that negotiated neither signing nor
#   sealing; Windows since Vista refuses EncryptMessage then, sspishim too,
#   while Wine's builtin seals as XP did)
fixed_todos() { grep -cE '^([0-9a-f]+:)?[a-z0-9_]+\.c:[0-9]+:[0-9.]* Test succeeded inside todo block: ' "$1"; }
windows_skip() { grep -qE "Tests skipped: .*($windows_skip_re)" "$1"; }

# run_mode WORKDIR ARCH MODE TEST: one run of one test file, output in
# WORKDIR/out/ARCH-MODE-TEST.log
run_mode() {
    local work=$1 arch=$2 mode=$3 t=$4 dir overrides rc
    dir="$work/$arch/$mode"
    overrides="mscoree,mshtml="
    [ "$mode" = sspishim ] && overrides="$overrides;secur32=n,b"
    (cd "$dir" && WINEPREFIX="$work/prefix-$mode" WINEDLLOVERRIDES="$overrides" \
        timeout -k 10 "$timeout_s" wine ./secur32_test.exe "$t" 2>"$work/out/$arch-$mode-$t.err" |
        tr -d '\r' >"$work/out/$arch-$mode-$t.log"
     exit "${PIPESTATUS[0]}")
    rc=$?
    echo "exit $rc" >>"$work/out/$arch-$mode-$t.err"
}

# run_all WORKDIR LABEL: every test file, builtin and sspishim, each arch
# that WORKDIR has a program for; prints PASS/FAIL lines and "LABEL: ..." last.
run_all() {
    local work=$1 label=$2 arch mode t passed=0 failed=0 skipped=0 b s be bt bf bs se st sf ss ntlm_auth fixed waived what
    export WINEDEBUG=-all WINEARCH=win64 WINETEST_INTERACTIVE=0 WINETEST_REPORT_SUCCESS=0 \
           WINETEST_COLOR=0 WINETEST_DEBUG=1 WINETEST_TIME=0
    unset WINETEST_PLATFORM DISPLAY WAYLAND_DISPLAY
    mkdir -p "$work/out"
    ntlm_auth=$(command -v ntlm_auth)
    for mode in builtin sspishim; do
        echo "== $label: creating the $mode prefix"
        rm -rf "$work/prefix-$mode"
        if ! WINEPREFIX="$work/prefix-$mode" timeout 300 wineboot -i >"$work/out/wineboot-$mode.log" 2>&1; then
            tail -n 20 "$work/out/wineboot-$mode.log"
            echo "conformance $label: 0 passed, 1 failed, 0 skipped"
            return 1
        fi
        WINEPREFIX="$work/prefix-$mode" wineserver -w
    done
    for arch in $arches; do
        [ -f "$work/$arch/builtin/secur32_test.exe" ] || continue
        if ! (cd "$work/$arch/builtin" && WINEPREFIX="$work/prefix-builtin" timeout 120 wine ./secur32_test.exe 2>/dev/null |
              grep -q "Valid test names"); then
            echo "== $label/$arch: skipped: this Wine cannot run $arch programs"
            skipped=$((skipped + $(wc -l <"$work/tests")))
            continue
        fi
        while read -r t; do
            for mode in builtin sspishim; do
                run_mode "$work" "$arch" "$mode" "$t"
            done
            b=$(summary "$work/out/$arch-builtin-$t.log" "$t")
            s=$(summary "$work/out/$arch-sspishim-$t.log" "$t")
            if [ -z "$b" ]; then
                echo "SKIP $label/$arch/$t: the builtin run printed no summary ($(tail -n 1 "$work/out/$arch-builtin-$t.err")): nothing to compare with"
                skipped=$((skipped + 1))
                continue
            fi
            read -r be bt bf bs <<<"$b"
            if [ -z "$s" ]; then
                echo "FAIL $label/$arch/$t: sspishim printed no summary ($(tail -n 1 "$work/out/$arch-sspishim-$t.err")): crashed or hung;" \
                     "builtin: $be executed, $bf failures, $bt todo, $bs skipped"
                tail -n 5 "$work/out/$arch-sspishim-$t.log"
                failed=$((failed + 1))
                continue
            fi
            read -r se st sf ss <<<"$s"
            fixed=$(fixed_todos "$work/out/$arch-sspishim-$t.log")
            sf=$((sf - fixed + $(fixed_todos "$work/out/$arch-builtin-$t.log")))
            waived=
            if [ "$se" -lt "$be" ] && windows_skip "$work/out/$arch-sspishim-$t.log" &&
               ! windows_skip "$work/out/$arch-builtin-$t.log"; then
                waived=" (fewer executed: the test's own skip for Windows behaviour)"
            fi
            what="executed $se (builtin $be)$waived, failures $sf (builtin $bf), fixed todo $fixed, todo $st ($bt), skipped $ss ($bs)"
            if [ "$sf" -le "$bf" ] && { [ "$se" -ge "$be" ] || [ -n "$waived" ]; }; then
                echo "PASS $label/$arch/$t: $what"
                passed=$((passed + 1))
            else
                echo "FAIL $label/$arch/$t: $what"
                failed=$((failed + 1))
            fi
            # the checks that fail through one and not the other
            diff <(failed_lines "$work/out/$arch-builtin-$t.log" | sort) \
                 <(failed_lines "$work/out/$arch-sspishim-$t.log" | sort) |
                sed -n -e 's/^> /    sspishim only: /p' -e 's/^< /    builtin only: /p'
            # Wine's builtin NTLM is Samba's ntlm_auth: without it the
            # builtin has no NTLM package, and its side of the comparison
            # is no measure of Windows
            if [ -z "$ntlm_auth" ] && [[ " main negotiate ntlm " == *" $t "* ]]; then
                echo "    note: the builtin has no NTLM here: no ntlm_auth (Debian package winbind) on this system"
            fi
        done <"$work/tests"
    done
    for mode in builtin sspishim; do
        WINEPREFIX="$work/prefix-$mode" wineserver -k >/dev/null 2>&1
        WINEPREFIX="$work/prefix-$mode" wineserver -w >/dev/null 2>&1
        rm -rf "${work:?}/prefix-$mode"
    done
    echo "conformance $label: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}

if [ "${1:-}" = --run ]; then
    run_all "$(cd "$2" && pwd)" "$3"
    exit $?
fi

# ---- fetching Wine's source -----------------------------------------------

b=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
cache=${SSPISHIM_WINE_SRC_CACHE:-/var/cache/sspishim/wine-src}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/sspishim/wine-src
    mkdir -p "$cache"
fi

# fetch_source DEBVERSION: prints the folder holding Wine's tree (the parts
# the tests need) for Debian's wine DEBVERSION, fetching it once.  Debian's
# patches are not applied: none touches dlls/secur32/tests.
fetch_source() {
    local ver=$1 dir="$cache/$1" tmp up suite list
    if [ -f "$dir/.complete" ]; then echo "$dir"; return 0; fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-winesrc.XXXXXX")
    list="$tmp/sources.list"
    for suite in bookworm trixie; do
        echo "deb-src http://deb.debian.org/debian $suite main" >>"$list"
    done
    mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/dl"
    local opts=(-q -o Dir::Etc::SourceList="$list" -o Dir::Etc::SourceParts=/dev/null
                -o Dir::State::Lists="$tmp/lists" -o Dir::Cache="$tmp/cache")
    echo "== fetching Wine's source, Debian wine $ver (apt-get source)" >&2
    if ! apt-get "${opts[@]}" update >"$tmp/apt.log" 2>&1 ||
       ! (cd "$tmp/dl" && apt-get "${opts[@]}" source --download-only "wine=$ver") >>"$tmp/apt.log" 2>&1; then
        tail -n 5 "$tmp/apt.log" >&2
        rm -rf "$tmp"
        return 1
    fi
    up=${ver%%-*}; up=${up#*:}
    local tarballs=("$tmp/dl/wine_$up.orig.tar."*) tarball
    tarball=${tarballs[0]}
    [ -f "$tarball" ] || { echo "no wine_$up.orig.tar.* in the source package" >&2; rm -rf "$tmp"; return 1; }
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
    # the top folder's name varies (wine-8.0, wine-10.0): strip it
    if ! tar -xf "$tarball" -C "$dir.tmp" --strip-components=1 --wildcards \
            '*/dlls/secur32/tests/*' '*/include/wine/test.h' '*/include/wine/debug.h'; then
        rm -rf "$tmp" "$dir.tmp"; return 1
    fi
    touch "$dir.tmp/.complete"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
    rm -rf "$tmp"
    echo "$dir"
}

# ---- building --------------------------------------------------------------

# build WINESRC WORKDIR: secur32_test.exe for each arch into
# WORKDIR/ARCH/{builtin,sspishim}/, sspishim's DLL beside the second;
# WORKDIR/tests lists the test files.
build() {
    local wsrc=$1 work=$2 arch cc obj f t srcs
    local tdir="$wsrc/dlls/secur32/tests"
    # the sources: the Makefile.in's C_SRCS (Wine 8) or SOURCES (Wine 10)
    srcs=$(sed -nE '/^(C_SRCS|SOURCES)[[:space:]]*=/,/^[[:space:]]*$/p' "$tdir/Makefile.in" |
           grep -oE '[A-Za-z0-9_]+\.c')
    [ -n "$srcs" ] || { echo "no sources in $tdir/Makefile.in" >&2; return 1; }
    mkdir -p "$work"
    # the test list: START_TEST(name) in each source, in Wine's testlist.c form
    : >"$work/tests"
    for f in $srcs; do
        sed -nE 's/^[[:space:]]*START_TEST[[:space:]]*\([[:space:]]*([A-Za-z0-9_]+)[[:space:]]*\).*/\1/p' "$tdir/$f" >>"$work/tests"
    done
    {
        echo "/* generated by tests/conformance/run.sh from $tdir */"
        echo "#define STANDALONE"
        echo "#include <stdarg.h>"
        echo "#include <stdlib.h>"
        echo "#include <string.h>"
        echo "#include <windows.h>"
        echo '#include "wine/test.h"'
        echo
        while read -r t; do echo "extern void func_$t(void);"; done <"$work/tests"
        echo
        echo "const struct test winetest_testlist[] ="
        echo "{"
        while read -r t; do echo "    { \"$t\", func_$t },"; done <"$work/tests"
        echo "    { 0, 0 }"
        echo "};"
        echo
        echo "/* What Wine's winecrt0 gives Wine's own test builds: a copy that lives"
        echo "   long enough for a trace (the last 32 are kept). */"
        echo "const char * __cdecl __wine_dbg_strdup( const char *str )"
        echo "{"
        echo "    static char *ring[32];"
        echo "    static LONG pos;"
        echo "    char *copy = strdup( str );"
        echo "    LONG i = InterlockedIncrement( &pos ) % 32;"
        echo "    free( InterlockedExchangePointer( (void **)&ring[i], copy ) );"
        echo "    return copy;"
        echo "}"
    } >"$work/testlist.c"
    for arch in $arches; do
        cc=$arch-w64-mingw32-gcc
        command -v "$cc" >/dev/null || { echo "no $cc" >&2; return 1; }
        obj="$work/$arch/obj"
        mkdir -p "$obj" "$work/$arch/builtin" "$work/$arch/sspishim"
        for f in $srcs testlist.c; do
            local in="$tdir/$f"; [ "$f" = testlist.c ] && in="$work/testlist.c"
            "$cc" -O2 -w -I"$wsrc/include" -DDECLSPEC_EXPORT= -D__WINESRC__ -c "$in" -o "$obj/${f%.c}.o" ||
                { echo "$arch: cannot compile $f" >&2; return 1; }
        done
        "$cc" -static-libgcc -o "$work/$arch/builtin/secur32_test.exe" "$obj"/*.o \
            -lsecur32 -lcrypt32 -ladvapi32 -lws2_32 -lntdll || { echo "$arch: cannot link" >&2; return 1; }
        cp "$work/$arch/builtin/secur32_test.exe" "$work/$arch/sspishim/"
        cp "$b/$arch/secur32.dll" "$work/$arch/sspishim/"
    done
}

# ---- the two Wines ---------------------------------------------------------

start=$(date +%s)
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# tally LABEL: adds "LABEL: N passed, N failed, N skipped" from $log
tally() {
    local p f s
    read -r p f s < <(sed -nE "s/^conformance $1: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped\$/\1 \2 \3/p" "$log" | tail -n 1)
    passed=$((passed + ${p:-0})) failed=$((failed + ${f:-1})) skipped=$((skipped + ${s:-0}))
}

for arch in $arches; do
    [ -f "$b/$arch/secur32.dll" ] || { echo "no $b/$arch/secur32.dll: run make dlls" >&2; exit 1; }
done

# Wine 8 (the host's)
work="$b/conformance/wine"
rm -rf "$work"
# shellcheck disable=SC2016
ver=$(dpkg-query -W -f='${Version}' wine 2>/dev/null)
if [[ "$wines" != *" wine "* ]]; then
    echo "conformance wine: 0 passed, 0 failed, 0 skipped" >>"$log"
elif [ -z "$ver" ] || ! command -v wine >/dev/null; then
    echo "conformance: no Debian wine package on this host" | tee -a "$log"
    echo "conformance wine: 0 passed, 1 failed, 0 skipped" >>"$log"
elif ! wsrc=$(fetch_source "$ver"); then
    echo "wine: cannot fetch Wine $ver's source" | tee -a "$log"
    echo "conformance wine: 0 passed, 1 failed, 0 skipped" >>"$log"
elif ! build "$wsrc" "$work"; then
    echo "wine: cannot build Wine $ver's tests" | tee -a "$log"
    echo "conformance wine: 0 passed, 1 failed, 0 skipped" >>"$log"
else
    echo "== wine: Wine $ver's dlls/secur32/tests, $(tr '\n' ' ' <"$work/tests")"
    run_all "$work" wine 2>&1 | tee -a "$log"
fi
tally wine

# Wine 10, in the Debian trixie root (tools/wine-platforms)
if [[ "$wines" != *" wine10 "* ]]; then
    :
elif why=$("$src/tools/wine-platforms" has-wine10); then
    root=${SSPISHIM_WINE10_ROOT:-/var/cache/sspishim/wine10-trixie}
    # shellcheck disable=SC2016
    ver=$(chroot "$root" dpkg-query -W -f='${Version}' wine 2>/dev/null)
    # the root sees this tree at the same path: the work folder must be in it
    case "$b/" in "$src"/*) rel=${b#"$src"/} ;; *) rel="" ;; esac
    work="$b/conformance/wine10"
    rm -rf "$work"
    if [ -z "$rel" ]; then
        echo "wine10: the build folder $b is outside $src, which the Wine 10 root cannot see" | tee -a "$log"
        echo "conformance wine10: 0 passed, 1 failed, 0 skipped" >>"$log"
    elif [ -z "$ver" ] || ! wsrc=$(fetch_source "$ver"); then
        echo "wine10: cannot fetch Wine ${ver:-?}'s source" | tee -a "$log"
        echo "conformance wine10: 0 passed, 1 failed, 0 skipped" >>"$log"
    elif ! build "$wsrc" "$work"; then
        echo "wine10: cannot build Wine $ver's tests" | tee -a "$log"
        echo "conformance wine10: 0 passed, 1 failed, 0 skipped" >>"$log"
    else
        echo "== wine10: Wine $ver's dlls/secur32/tests, $(tr '\n' ' ' <"$work/tests")"
        SSPISHIM_CONFORMANCE_ARCHES="$arches" SSPISHIM_CONFORMANCE_TIMEOUT="$timeout_s" \
            "$src/tools/wine-platforms" wine10 tests/conformance/run.sh --run "$rel/conformance/wine10" wine10 2>&1 | tee -a "$log"
    fi
    tally wine10
elif [ "${SSPISHIM_REQUIRE_WINE10:-0}" = 1 ]; then
    echo "wine10: cannot run the conformance tests on Wine 10: $why"
    failed=$((failed + 1))
else
    echo "wine10: the conformance tests on Wine 10 are skipped: $why"
    skipped=$((skipped + 1))
fi

if [ -n "${SSPISHIM_CONFORMANCE_LOGS:-}" ]; then
    mkdir -p "$SSPISHIM_CONFORMANCE_LOGS"
    for v in wine wine10; do
        [ -d "$b/conformance/$v/out" ] && { rm -rf "${SSPISHIM_CONFORMANCE_LOGS:?}/$v"; cp -r "$b/conformance/$v/out" "$SSPISHIM_CONFORMANCE_LOGS/$v"; }
    done
    cp "$log" "$SSPISHIM_CONFORMANCE_LOGS/summary.log"
fi
echo "conformance: took $(( $(date +%s) - start )) s"
echo "conformance: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
