# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Wine's own secur32 conformance tests (issue 14): dlls/secur32/tests from
# the source of the Wine that runs them (Debian's source package, fetched
# and cached outside this tree), built unchanged with mingw-w64 and run
# with Wine's builtin secur32 and with this DLL, on the host's Wine and on
# Wine 10 (tools/wine-platforms).  A test file passes when sspishim fails
# no more checks than the builtin and executes at least as many.
#   make check-conformance
#   make check-conformance CONFORMANCE_ARCHES=x86_64
# Needs apt-get's network access the first time (about 55 MB of source
# packages; the cache keeps only the few files the tests need).
CONFORMANCE_ARCHES ?= x86_64 i686

.PHONY: check-conformance
check-conformance: dlls
	@SSPISHIM_CONFORMANCE_ARCHES="$(CONFORMANCE_ARCHES)" tests/conformance/run.sh $(B)
