#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the demo program under Wine, in a throwaway prefix, with this DLL as
# a per-program override (tools/sspishim-run).  Usage: tools/demo.sh BUILD_DIR
set -euo pipefail
b=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sspishim-demo.XXXXXX")
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml="
echo "(creating a throwaway Wine prefix)"
wineboot -i >/dev/null 2>&1
cp "$b/x86_64/sspishim-demo.exe" "$work/"
echo
SSPISHIM_DLLS="$b" "$here/sspishim-run" "$work/sspishim-demo.exe" | tr -d '\r'
