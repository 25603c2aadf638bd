# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# A real HTTP server (issue 14, point 9): Wine's wininet and winhttp, through
# this DLL, against Apache with mod_auth_gssapi over gss-ntlmssp, started by
# tests/interop/apache.sh (run from tests/interop/run.sh).  The clients link
# the HTTP libraries, not secur32: those import it, as in any real program.
WEB_CLIENTS := web_wininet web_winhttp
WEB_LIBS_web_wininet := -lwininet
WEB_LIBS_web_winhttp := -lwinhttp
WEB_EXES := $(foreach a,$(ARCHES),$(foreach p,$(WEB_CLIENTS),$(B)/$(a)/tests/$(p).exe))

all: $(WEB_EXES)
check-interop: $(WEB_EXES)

define WEB_ARCH
$(B)/$(1)/tests/$(2).exe: $(B)/$(1)/obj/tests/interop/$(2).o
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc -static-libgcc -o $$@ $$< $(WEB_LIBS_$(2))
endef
$(foreach a,$(ARCHES),$(foreach p,$(WEB_CLIENTS),$(eval $(call WEB_ARCH,$(a),$(p)))))
