# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Kerberos (issue 16): the native program that drives the core's AS and TGS
# exchanges against a real MIT KDC, started by tests/kerberos/run.sh, and
# its twin under Wine over the DLL's Winsock transport.
KRB_NATIVE := $(B)/native/tests/kdc_exchange
KRB_WINE := $(B)/x86_64/tests/kdc_wine.exe
KRB_TEST_OBJS := $(B)/native/obj/tests/kerberos/kdc_exchange.o

all: $(KRB_NATIVE)

$(B)/native/obj/tests/kerberos/%.o: tests/kerberos/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS_NATIVE) -Itests/kerberos -c $< -o $@

$(KRB_NATIVE): $(KRB_TEST_OBJS) $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lpthread

.PHONY: check-kerberos
check-kerberos: $(KRB_NATIVE) $(KRB_WINE)
	@tests/kerberos/run.sh $(B)

# The same program under ASan/UBSan, for a run by hand:
#   KDC_EXCHANGE=build/asan/tests/kdc_exchange tests/kerberos/run.sh build
$(B)/asan/obj/tests/kerberos/%.o: tests/kerberos/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS_NATIVE) $(SAN) -Itests/kerberos -c $< -o $@
$(B)/asan/tests/kdc_exchange: $(KRB_TEST_OBJS:$(B)/native/%=$(B)/asan/%) $(B)/asan/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(SAN) -o $@ $^ -lpthread

# The GSS-API mechanism against MIT's libgssapi_krb5 (libkrb5-dev), both
# ways, run by the same script after kdc_exchange.
GSS_INTEROP := $(B)/native/tests/gss_interop
$(GSS_INTEROP): $(B)/native/obj/tests/kerberos/gss_interop.o $(B)/native/obj/tests/kerberos/kdc_transport.o \
		$(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lgssapi_krb5 -lkrb5 -lpthread
check-kerberos: $(GSS_INTEROP)
# ... and under ASan/UBSan, for a run by hand:
#   GSS_INTEROP=build/asan/tests/gss_interop tests/kerberos/run.sh build
$(B)/asan/tests/gss_interop: $(B)/asan/obj/tests/kerberos/gss_interop.o $(B)/asan/obj/tests/kerberos/kdc_transport.o \
		$(B)/asan/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(SAN) -o $@ $^ -lgssapi_krb5 -lkrb5 -lpthread

# The DLL's Winsock transport under Wine against the same KDC (run.sh runs
# it when Wine is there): the core's Windows objects and the DLL's
# platform files, linked statically from an archive so that only what the
# exchanges need comes in.  x86_64 only.
KRB_WINE_LIB_OBJS := $(patsubst %.c,$(B)/x86_64/obj/%.o,$(CORE_SRCS) dlls/secur32/platform.c dlls/secur32/kdc_winsock.c)

all: $(KRB_WINE)

$(B)/x86_64/libkrbcore.a: $(KRB_WINE_LIB_OBJS)
	rm -f $@; $(CROSS_x86_64)ar rcs $@ $^

$(KRB_WINE): $(B)/x86_64/obj/tests/kerberos/kdc_wine.o $(B)/x86_64/libkrbcore.a
	@mkdir -p $(dir $@)
	$(CROSS_x86_64)gcc -static-libgcc -o $@ $^ -lbcrypt -ladvapi32

# The core's readers of krb5.conf, keytab and ccache over the files MIT's
# tools wrote, compared with klist by tests/kerberos/run.sh.
KRB_FILES_DUMP := $(B)/native/tests/krb_files_dump
all: $(KRB_FILES_DUMP)
check-kerberos: $(KRB_FILES_DUMP)
$(KRB_FILES_DUMP): $(B)/native/obj/tests/kerberos/krb_files_dump.o $(B)/native/obj/tests/kerberos/kdc_transport.o \
		$(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lpthread

# The Kerberos package through its ops table against the same KDC, with
# MIT's libgssapi_krb5 as the peer both ways.
KRB_PACKAGE := $(B)/native/tests/krb_package
all: $(KRB_PACKAGE)
check-kerberos: $(KRB_PACKAGE)
$(KRB_PACKAGE): $(B)/native/obj/tests/kerberos/krb_package.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lgssapi_krb5 -lkrb5 -lpthread

# An MIT GSSAPI peer over TCP for tests/wine/kerberos.c under Wine.
MIT_PEER := $(B)/native/tests/mit_peer
all: $(MIT_PEER)
check-kerberos: $(MIT_PEER) $(B)/x86_64/tests/kerberos.exe $(B)/i686/tests/kerberos.exe
$(MIT_PEER): $(B)/native/obj/tests/kerberos/mit_peer.o
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lgssapi_krb5
WINE_LIBS_kerberos := -lws2_32

# make check runs tests/kerberos/run.sh, which needs every program above.
check: $(GSS_INTEROP) $(KRB_PACKAGE) $(MIT_PEER) $(KRB_WINE) $(KRB_FILES_DUMP)

# Negotiate with Kerberos inside, against the same KDC and MIT's SPNEGO.
KRB_NEGOTIATE := $(B)/native/tests/krb_negotiate
all: $(KRB_NEGOTIATE)
check: $(KRB_NEGOTIATE)
$(KRB_NEGOTIATE): $(B)/native/obj/tests/kerberos/krb_negotiate.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lgssapi_krb5 -lkrb5 -lpthread

# A real HTTP server with Kerberos (issue 17, point 3): Apache with
# mod_auth_gssapi and a keytab from the test realm, started by
# tests/kerberos/apache_krb.sh (run by run.sh).  Its clients: web_sspi, an
# HTTP client of its own over Winsock that calls SSPI itself (Kerberos,
# Negotiate), and the WinHTTP and WinINet programs of mk/apache.mk.
WEB_SSPI := $(foreach a,$(ARCHES),$(B)/$(a)/tests/web_sspi.exe)
WEB_KRB_CLIENTS := $(WEB_SSPI) $(foreach a,$(ARCHES),$(foreach p,web_winhttp web_wininet,$(B)/$(a)/tests/$(p).exe))
all: $(WEB_SSPI)
check-kerberos: $(WEB_KRB_CLIENTS)
check: $(WEB_KRB_CLIENTS)
define WEB_SSPI_ARCH
$(B)/$(1)/tests/web_sspi.exe: $(B)/$(1)/obj/tests/kerberos/web_sspi.o
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc -static-libgcc -o $$@ $$< -lsecur32 -lws2_32
endef
$(foreach a,$(ARCHES),$(eval $(call WEB_SSPI_ARCH,$(a))))
# ... and under ASan/UBSan, for a run by hand (export and import included):
#   KRB_PACKAGE=build/asan/tests/krb_package tests/kerberos/run.sh build
$(B)/asan/tests/krb_package: $(B)/asan/obj/tests/kerberos/krb_package.o $(B)/asan/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(SAN) -o $@ $^ -lgssapi_krb5 -lkrb5 -lpthread
