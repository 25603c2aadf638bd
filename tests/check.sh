#!/usr/bin/env bash
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# make check: the Check suites (native and ASan/UBSan), the Wine suite and
# the Kerberos, interop, conformance, layout, fuzz and dist suites, each run
# to the end; then one total line.
# Usage: tests/check.sh BUILD_DIR "UNIT NAMES" "WINE NAMES"
set -u
b=$1 unit=$2 wine=$3
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
# shellcheck disable=SC2086
"$here/unit/run.sh" "$b" $unit 2>&1 | tee -a "$log" || rc=1
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
# shellcheck disable=SC2086
SSPISHIM_WINE_LABEL=wine "$here/wine/run.sh" "$b" $wine 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
# The same Wine suite on Wine 10, in the Debian trixie root (tools/wine-platforms).
if why=$("$here/../tools/wine-platforms" has-wine10); then
    # shellcheck disable=SC2086
    SSPISHIM_WINE_LABEL=wine10 "$here/../tools/wine-platforms" wine10 tests/wine/run.sh "$b" $wine 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
elif [ "${SSPISHIM_REQUIRE_WINE10:-0}" = 1 ]; then
    echo "wine10: 0 passed, 1 failed, 0 skipped" | tee -a "$log"
    echo "wine10: cannot run the Wine 10 suite: $why"
    rc=1
else
    echo "wine10: 0 passed, 0 failed, 1 skipped" | tee -a "$log"
    echo "wine10: the Wine 10 suite is skipped: $why"
fi
"$here/kerberos/run.sh" "$b" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
"$here/interop/run.sh" "$b" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
# Wine's own secur32 conformance tests, builtin against sspishim, on Wine 8
# and Wine 10 (issue 14).
"$here/conformance/run.sh" "$b" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
"$here/layout/run.sh" "$b" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
"$here/fuzz/run.sh" --smoke "$b" "${FUZZ_SMOKE_SECONDS:-3}" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
"$here/dist/run.sh" "$b" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1

# Check prints "NN%: Checks: N, Failures: F, Errors: E" per suite.
read -r up uf < <(awk -F'[:,] *' '/^[0-9]+%: Checks:/ { n += $3; f += $5 + $7 } END { print n - f, f + 0 }' "$log")
read -r wp wf ws < <(sed -nE 's/^wine: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
read -r xp xf xs < <(sed -nE 's/^wine10: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
xp=${xp:-0} xf=${xf:-1} xs=${xs:-0}
read -r kp kf < <(sed -nE 's/^kerberos: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log" | tail -n 1)
kp=${kp:-0} kf=${kf:-1}
read -r ip if_ < <(sed -nE 's/^interop: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log" | tail -n 1)
read -r cp cf cs < <(sed -nE 's/^conformance: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
cp=${cp:-0} cf=${cf:-1} cs=${cs:-0}
read -r lp lf ls < <(sed -nE 's/^layout: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
lp=${lp:-0} lf=${lf:-1} ls=${ls:-0}
read -r fp ff < <(sed -nE 's/^fuzz: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log" | tail -n 1)
fp=${fp:-0} ff=${ff:-1}
read -r vp vf < <(sed -nE 's/^valgrind: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log" | tail -n 1)
vp=${vp:-0} vf=${vf:-1}
wp=${wp:-0} wf=${wf:-1} ws=${ws:-0} ip=${ip:-0} if_=${if_:-1}
read -r dp df ds < <(sed -nE 's/^dist: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
dp=${dp:-0} df=${df:-1} ds=${ds:-0}
echo
echo "unit (Check, native + ASan/UBSan + valgrind): $up passed, $uf failed"
echo "valgrind (suites without memcheck errors or leaks): $vp passed, $vf failed"
echo "wine: $wp passed, $wf failed, $ws skipped"
echo "wine10 (the Wine suite on Wine 10): $xp passed, $xf failed, $xs skipped"
echo "kerberos (the package, its core and MIT peers against a real MIT KDC, natively and under Wine): $kp passed, $kf failed"
echo "interop: $ip passed, $if_ failed"
echo "conformance (Wine's secur32 tests, builtin against sspishim, Wine 8 and 10): $cp passed, $cf failed, $cs skipped"
echo "layout (32/64-bit packed context): $lp passed, $lf failed, $ls skipped"
echo "fuzz (libFuzzer smoke run, regressions replayed): $fp passed, $ff failed"
echo "dist (release tarball, install-dev, setup from the tarball): $dp passed, $df failed, $ds skipped"
echo "total: $((up + vp + wp + xp + kp + ip + cp + lp + fp + dp)) passed, $((uf + vf + wf + xf + kf + if_ + cf + lf + ff + df)) failed, $((ws + xs + cs + ls + ds)) skipped"
exit $rc
