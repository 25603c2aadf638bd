#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# The packed contexts (NTLM, Kerberos, Negotiate over Kerberos) from a
# 64-bit and a 32-bit build of the core: the same bytes, and each build
# carries on the other's conversations.  The 32-bit
# program runs directly where the kernel allows, else under qemu-i386.
# Usage: tests/layout/run.sh BUILD_DIR.  Ends with "layout: N passed, N failed, N skipped".
set -u
b=$1
p64=$b/native/tests/packed_layout p32=$b/native32/tests/packed_layout
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-layout.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf 'Domain:User:Password\n' >"$work/accounts"
passed=0 failed=0 skipped=0

# run PROGRAM ARGS...: adds the program's own counts; a crash is a failure.
run() {
    local line
    line=$("$@" "$work/accounts" | tee /dev/stderr | sed -nE 's/^layout: .*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p')
    if [ -z "$line" ]; then echo "layout: no result from $*"; failed=$((failed + 1)); return; fi
    passed=$((passed + ${line% *})) failed=$((failed + ${line#* }))
}

run32=()
if "$p32" 2>/dev/null; [ $? -eq 2 ]; then run32=("$p32")
elif command -v qemu-i386 >/dev/null; then run32=(qemu-i386 "$p32")
fi

# The same bytes under each AEAD the envelope may be sealed with (which one
# is forced, since by default the 64-bit build picks AES-256-GCM on a CPU
# with AES-NI and the 32-bit one ChaCha20-Poly1305), then each build's
# default read by the other: every build opens both.
for cipher in chacha20-poly1305 aes-256-gcm default; do
    echo "layout: packed contexts sealed with $cipher"
    if [ "$cipher" = default ]; then unset SSPISHIM_EXPORT_CIPHER; else export SSPISHIM_EXPORT_CIPHER=$cipher; fi
    run "$p64" write "$work/64.bin"
    run "$p64" read "$work/64.bin"
    if [ ${#run32[@]} -eq 0 ]; then
        echo "layout: 32-bit: skipped: this kernel cannot run 32-bit programs and qemu-i386 is missing"
        skipped=$((skipped + 3))
        continue
    fi
    echo "layout: 32-bit programs run as: ${run32[*]}"
    run "${run32[@]}" write "$work/32.bin"
    if [ "$cipher" = default ]; then
        :
    elif cmp "$work/64.bin" "$work/32.bin"; then
        passed=$((passed + 1)); echo "layout: 32- and 64-bit blobs are the same $(stat -c %s "$work/64.bin") bytes"
    else
        failed=$((failed + 1)); echo "layout: failed: the 32- and 64-bit blobs differ"
    fi
    run "${run32[@]}" read "$work/64.bin"
    run "$p64" read "$work/32.bin"
done
echo "layout: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
