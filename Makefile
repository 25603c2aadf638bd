# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# sspishim: a secur32.dll for Windows programs under Wine.
#   make                 both DLLs (x86_64, i686), the native core and the tests' programs
#   make check           native Check suites (plain and ASan/UBSan), then the Wine suite
#   make install WINEPREFIX=...   / make uninstall WINEPREFIX=...
#   make clean

CROSS_x86_64 := x86_64-w64-mingw32-
CROSS_i686   := i686-w64-mingw32-
ARCHES       := x86_64 i686
CC_NATIVE    ?= cc
B            := build

WARN    := -Wall -Wextra -Werror
CSTD    := -std=c11
INC     := -Iinclude
CFLAGS_NATIVE := $(CSTD) $(WARN) -O2 -g -D_DEFAULT_SOURCE $(INC)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck) -lcrypto -lpthread

CFLAGS_WIN := $(CSTD) $(WARN) -O2 -gdwarf-4 $(INC) -D_WIN32_WINNT=0x0601 -DWINVER=0x0601 -municode
# GCC cannot align a Win64 stack beyond 16 bytes (bug 54412); with aligned
# vector moves assembled as unaligned ones, AVX code is safe (chacha20.c).
CFLAGS_WIN_x86_64 := -Wa,-muse-unaligned-vector-move -DSSPISHIM_UNALIGNED_VECTOR_MOVES
LDFLAGS_DLL := -shared -static-libgcc -Wl,--file-alignment=4096 -Wl,--no-insert-timestamp
LDFLAGS_DLL_i686 := -Wl,--enable-stdcall-fixup,--kill-at
DLLTOOL_FLAGS_i686 := -k
DLL_LIBS := -lbcrypt -ladvapi32 -lkernel32

CORE_SRCS     := $(sort $(shell find core -name '*.c' ! -path 'core/platform/*'))
NATIVE_SRCS   := $(CORE_SRCS) core/platform/posix.c
DLL_SRCS      := $(sort $(wildcard dlls/secur32/*.c))
UNIT_SRCS     := $(sort $(wildcard tests/unit/check_*.c))
UNIT_NAMES    := $(basename $(notdir $(UNIT_SRCS)))
WINE_SRCS     := $(sort $(wildcard tests/wine/*.c))
WINE_NAMES    := $(basename $(notdir $(WINE_SRCS)))
HEADERS       := $(wildcard include/sspishim/*.h) $(wildcard core/*.h core/*/*.h dlls/secur32/*.h tests/wine/*.h tests/unit/*.h)

TOOL_PROGS := sspishim-demo
DLLS       := $(foreach a,$(ARCHES),$(B)/$(a)/secur32.dll)
PROGS      := $(foreach a,$(ARCHES),$(foreach p,$(TOOL_PROGS),$(B)/$(a)/$(p).exe))
WINE_TESTS := $(foreach a,$(ARCHES),$(foreach t,$(WINE_NAMES) sspi_peer,$(B)/$(a)/tests/$(t).exe))
UNIT_BINS  := $(foreach t,$(UNIT_NAMES),$(B)/native/tests/$(t) $(B)/asan/tests/$(t))

.PHONY: all dlls progs unit wine-tests check check-unit check-wine check-interop install uninstall clean demo bench
all: dlls progs unit wine-tests layout inspect
dlls: $(DLLS)
progs: $(PROGS)
unit: $(UNIT_BINS)
wine-tests: $(WINE_TESTS)
# Before the rules below: it adds the version and reproducibility flags to theirs.
include mk/dist.mk

# ---- native core (plain and sanitized) -------------------------------------
$(B)/native/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS_NATIVE) -c $< -o $@
$(B)/asan/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS_NATIVE) $(SAN) -c $< -o $@

$(B)/native/libcore.a: $(NATIVE_SRCS:%.c=$(B)/native/obj/%.o)
	rm -f $@; ar rcs $@ $^
$(B)/asan/libcore.a: $(NATIVE_SRCS:%.c=$(B)/asan/obj/%.o)
	rm -f $@; ar rcs $@ $^

$(B)/native/tests/%: $(B)/native/obj/tests/unit/%.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ $(CHECK_LIBS)
$(B)/asan/tests/%: $(B)/asan/obj/tests/unit/%.o $(B)/asan/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(SAN) -o $@ $^ $(CHECK_LIBS)

# ---- Windows DLLs and test programs, one object folder per architecture ---
define WIN_ARCH
$(B)/$(1)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc $(CFLAGS_WIN) $(CFLAGS_WIN_$(1)) -c $$< -o $$@

$(B)/$(1)/secur32.dll: $(patsubst %.c,$(B)/$(1)/obj/%.o,$(CORE_SRCS) $(DLL_SRCS)) dlls/secur32/secur32.def
	$(CROSS_$(1))gcc $(LDFLAGS_DLL) $(LDFLAGS_DLL_$(1)) -o $$@ $$(filter %.o,$$^) dlls/secur32/secur32.def $(DLL_LIBS)

# The import library: names as callers link them (decorated on i686).
$(B)/$(1)/libsecur32.a: $(B)/$(1)/secur32.dll
	tools/build/decorate-def $(CROSS_$(1))nm dlls/secur32/secur32.def \
		$(patsubst %.c,$(B)/$(1)/obj/%.o,$(CORE_SRCS) $(DLL_SRCS)) > $(B)/$(1)/secur32.implib.def
	$(CROSS_$(1))dlltool $(DLLTOOL_FLAGS_$(1)) -d $(B)/$(1)/secur32.implib.def -D secur32.dll -l $$@

$(B)/$(1)/%.exe: $(B)/$(1)/obj/tools/demo/%.o $(B)/$(1)/libsecur32.a
	$(CROSS_$(1))gcc -static-libgcc -o $$@ $$< -L$(B)/$(1) -lsecur32

$(B)/$(1)/tests/%.exe: $(B)/$(1)/obj/tests/wine/%.o $(B)/$(1)/libsecur32.a
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc -static-libgcc -o $$@ $$< $$(WINE_LIBS_$$*) -L$(B)/$(1) -lsecur32 -ladvapi32

$(B)/$(1)/tests/%.exe: $(B)/$(1)/obj/tests/interop/%.o $(B)/$(1)/libsecur32.a
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc -static-libgcc -o $$@ $$< -L$(B)/$(1) -lsecur32
endef
$(foreach a,$(ARCHES),$(eval $(call WIN_ARCH,$(a))))

# Per-test link needs: a test that must reach this DLL through another one.
WINE_LIBS_sspicli := -lsspicli

# ---- running -------------------------------------------------------------
# make check runs the three suites and ends with one total line.
check: all
	@tests/check.sh $(B) "$(UNIT_NAMES)" "$(WINE_NAMES)"
check-unit: unit
	@tests/unit/run.sh $(B) $(UNIT_NAMES)
check-wine: dlls wine-tests
	@tests/wine/run.sh $(B) $(WINE_NAMES)
check-interop: dlls wine-tests
	@tests/interop/run.sh $(B)

demo: dlls progs
	@tools/demo.sh $(B)

# WINEPREFIX=... make install / make uninstall (default prefix: ~/.wine)
install: dlls
	@tools/sspishim-setup install --dlls $(B)
uninstall:
	@tools/sspishim-setup uninstall

clean:
	rm -rf $(B)

# Objects are kept between runs, not treated as intermediate files.
.SECONDARY:

include mk/layout.mk
include mk/inspect.mk
include mk/fuzz.mk
include mk/negotiate.mk
include mk/bench.mk
include mk/kerberos.mk
include mk/apache.mk
include mk/conformance.mk
