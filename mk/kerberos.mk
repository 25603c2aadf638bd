# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Kerberos (issue 16): the native program that drives the core's AS and TGS
# exchanges against a real MIT KDC, started by tests/kerberos/run.sh.
KRB_NATIVE := $(B)/native/tests/kdc_exchange
KRB_TEST_OBJS := $(B)/native/obj/tests/kerberos/kdc_exchange.o $(B)/native/obj/tests/kerberos/kdc_transport.o

all: $(KRB_NATIVE)

$(B)/native/obj/tests/kerberos/%.o: tests/kerberos/%.c tests/kerberos/kdc_transport.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS_NATIVE) -Itests/kerberos -c $< -o $@

$(KRB_NATIVE): $(KRB_TEST_OBJS) $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lpthread

.PHONY: check-kerberos
check-kerberos: $(KRB_NATIVE)
	@tests/kerberos/run.sh $(B)

# The same program under ASan/UBSan, for a run by hand:
#   KDC_EXCHANGE=build/asan/tests/kdc_exchange tests/kerberos/run.sh build
$(B)/asan/obj/tests/kerberos/%.o: tests/kerberos/%.c tests/kerberos/kdc_transport.h $(HEADERS)
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

# The core's readers of krb5.conf, keytab and ccache over the files MIT's
# tools wrote, compared with klist by tests/kerberos/run.sh.
KRB_FILES_DUMP := $(B)/native/tests/krb_files_dump
all: $(KRB_FILES_DUMP)
check-kerberos: $(KRB_FILES_DUMP)
$(KRB_FILES_DUMP): $(B)/native/obj/tests/kerberos/krb_files_dump.o $(B)/native/obj/tests/kerberos/kdc_transport.o \
		$(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lpthread
