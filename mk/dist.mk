# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Shipping it:
#   make dist                      $(B)/sspishim-VERSION.tar.gz, reproducibly
#   make install-dev PREFIX=DIR    import libraries, header, pkg-config files, DLLs
#   make check-dist                the tests of both (also part of make check)
# plus the DLLs' version resource, the example programs and the test SSP DLLs.
# Included before the Windows rules are defined: it adds to their flags.

comma := ,
# One source of truth: the VERSION file (MAJOR.MINOR.PATCH).
VERSION     := $(shell cat VERSION)
VERSION_BIN := $(shell echo '$(VERSION)' | awk -F'[.-]' '{ printf "%d,%d,%d,0", $$1, $$2, $$3 }')

# Reproducible DLLs: no source folder in the debug information, and a fixed
# image base (ld otherwise derives one from the output path).  The link
# already stores no time stamp (--no-insert-timestamp).
CFLAGS_WIN += -DSSPISHIM_VERSION='"$(VERSION)"' -ffile-prefix-map=$(CURDIR)=.
CFLAGS_NATIVE += -ffile-prefix-map=$(CURDIR)=.
LDFLAGS_DLL_x86_64 += -Wl,--image-base=0x26e5c0000
LDFLAGS_DLL_i686   += -Wl,--image-base=0x6e5c0000

# Third-party SSP DLLs for tests/wine/ssp.c: one source, one variant each.
SSP_VARIANTS       := fakessp ssp_v1 ssp_null ssp_badver ssp_noenum ssp_noinit
SSP_DEF_fakessp    := -DFAKESSP_GOOD
SSP_DEF_ssp_v1     := -DFAKESSP_V1
SSP_DEF_ssp_null   := -DFAKESSP_NULL
SSP_DEF_ssp_badver := -DFAKESSP_BADVER
SSP_DEF_ssp_noenum := -DFAKESSP_NOENUM
SSP_DEF_ssp_noinit := -DFAKESSP_NOINIT
SSP_LDFLAGS_i686   := -Wl,--kill-at

EXAMPLE_SRCS  := $(sort $(wildcard examples/*.c))
EXAMPLE_NAMES := $(basename $(notdir $(EXAMPLE_SRCS)))
EXAMPLES      := $(foreach a,$(ARCHES),$(foreach e,$(EXAMPLE_NAMES),$(B)/$(a)/examples/$(e).exe))
CFLAGS_EXAMPLE := $(CSTD) $(WARN) -O2 $(INC)
IMPLIBS       := $(foreach a,$(ARCHES),$(B)/$(a)/libsecur32.a)

define SHIP_ARCH
$(B)/$(1)/obj/dlls/secur32/version.res.o: dlls/secur32/version.rc VERSION
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))windres -DSSPISHIM_VERSION_TEXT=$(VERSION) -DSSPISHIM_VERSION_BIN=$(VERSION_BIN) -i $$< -o $$@

# The link rule takes every .o prerequisite: the resource joins it here.
$(B)/$(1)/secur32.dll: $(B)/$(1)/obj/dlls/secur32/version.res.o
$(B)/$(1)/obj/dlls/secur32/main.o: VERSION

$(B)/$(1)/tests/%.dll: tests/wine/ssp/fakessp.c
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc $(CFLAGS_WIN) $$(SSP_DEF_$$*) -shared -static-libgcc $(SSP_LDFLAGS_$(1)) -o $$@ $$<

$(B)/$(1)/tests/ssp.exe: $(foreach v,$(SSP_VARIANTS),$(B)/$(1)/tests/$(v).dll)

# The examples build here against the build folder; tests/dist/run.sh builds
# them again the way a user does, with pkg-config after make install-dev.
$(B)/$(1)/examples/%.exe: examples/%.c include/sspishim/sspishim.h $(B)/$(1)/libsecur32.a
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc $(CFLAGS_EXAMPLE) -o $$@ $$< -L$(B)/$(1) -lsecur32
endef
$(foreach a,$(ARCHES),$(eval $(call SHIP_ARCH,$(a))))

.PHONY: dist install-dev check-dist examples implibs
all: implibs examples
implibs: $(IMPLIBS)
examples: $(EXAMPLES)

# ---- the release tarball ---------------------------------------------------
# Top-level tools of the tarball; another fragment may add to DIST_TOOLS (and
# make dist depend on what builds them).  Read when the recipe runs.
DIST_NAME  = sspishim-$(VERSION)
DISTDIR   ?= $(B)
DIST_TOOLS += tools/sspishim-setup tools/sspishim-run
# The inspector: its wrapper runs sspishim-inspect.bin beside it (mk/inspect.mk).
DIST_INSPECT := $(if $(wildcard tools/sspishim-inspect),$(B)/native/sspishim-inspect)
DIST_DOCS   = README.md LICENSE VERSION $(sort $(wildcard docs/*.md))
# Entries are dated by the last commit (or SOURCE_DATE_EPOCH when set).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

dist: $(DLLS) $(DIST_INSPECT)
	@tools/build/make-dist $(DISTDIR)/$(DIST_NAME).tar.gz $(DIST_NAME) $(SOURCE_DATE_EPOCH) \
		x64/secur32.dll=$(B)/x86_64/secur32.dll x32/secur32.dll=$(B)/i686/secur32.dll \
		$(foreach f,$(DIST_TOOLS),$(notdir $(f))=$(f)) $(foreach f,$(DIST_DOCS),$(f)=$(f)) \
		$(if $(DIST_INSPECT),sspishim-inspect=tools/sspishim-inspect sspishim-inspect.bin=$(DIST_INSPECT))

# ---- building against this DLL ----------------------------------------------
PREFIX ?= /usr/local
install-dev: $(IMPLIBS) $(DLLS)
	@tools/build/install-dev "$(PREFIX)" "$(VERSION)" "$(B)" "$(DESTDIR)"

check-dist: dlls implibs wine-tests
	@tests/dist/run.sh $(B)
