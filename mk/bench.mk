# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# make bench: builds and runs the benchmarks of bench/ and writes
# BENCHMARKS.md and bench/plots/*.png (bench/run.sh, bench/report.py).
#   make bench                       everything, 3 passes (a few minutes on 2 cores)
#   make bench BENCH_PASSES=1 BENCH_CONTEXTS=20000 BENCH_COLD_RUNS=4   a quicker look
# Not part of make check: no benchmark is a pass/fail test.  Needs
# gss-ntlmssp, libkrb5-dev, libssl-dev (core_bench times OpenSSL beside the
# core) and gnuplot (tools/dev installs them).

BENCH_SSPI_SRCS   := $(sort $(wildcard bench/sspi/*.c))
# The raw-limit and envelope loops run the core's own primitives inside the
# Windows program.
BENCH_CRYPTO      := md5 hmac_md5 rc4 wipe aead chacha20 poly1305 gcm gcm_ni aes aes_ni
BENCH_HEADERS     := $(wildcard bench/*.h bench/*/*.h)
BENCH_PROGS       := $(foreach a,$(ARCHES),$(B)/$(a)/bench/sspi_bench.exe) $(B)/native/bench/gss_bench \
                     $(B)/native/bench/core_bench

BENCH_PASSES    ?= 3
BENCH_CONTEXTS  ?= 100000
BENCH_COLD_RUNS ?= 10

$(B)/native/obj/bench/gss/gss_bench.o $(B)/native/obj/bench/core/core_bench.o: $(BENCH_HEADERS)

# sspi_bench.exe for each architecture: i686 figures come from 32-bit Wine.
define BENCH_ARCH
$(BENCH_SSPI_SRCS:%.c=$(B)/$(1)/obj/%.o): $(BENCH_HEADERS)
$(B)/$(1)/bench/sspi_bench.exe: $(BENCH_SSPI_SRCS:%.c=$(B)/$(1)/obj/%.o) $(patsubst %,$(B)/$(1)/obj/core/crypto/%.o,$(BENCH_CRYPTO))
	@mkdir -p $$(dir $$@)
	$(CROSS_$(1))gcc -static-libgcc -o $$@ $$^
endef
$(foreach a,$(ARCHES),$(eval $(call BENCH_ARCH,$(a))))

$(B)/native/bench/gss_bench: $(B)/native/obj/bench/gss/gss_bench.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lgssapi_krb5 -lpthread

$(B)/native/bench/core_bench: $(B)/native/obj/bench/core/core_bench.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lcrypto -lpthread

# Kerberos against MIT's GSSAPI, natively in one process, against a KDC
# bench/kerberos.sh starts (krb5-kdc, krb5-admin-server, libkrb5-dev).
#   make bench-kerberos          alone: writes $(B)/bench/kerberos.tsv and
#                                prints the ratios (MIT's time / ours)
KRB_BENCH := $(B)/native/bench/krb_bench
$(B)/native/obj/bench/kerberos/krb_bench.o: $(BENCH_HEADERS)
$(KRB_BENCH): $(B)/native/obj/bench/kerberos/krb_bench.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lgssapi_krb5 -lpthread
BENCH_PROGS += $(KRB_BENCH)

bench-progs: $(DLLS) $(BENCH_PROGS)

bench: bench-progs
	@BENCH_PASSES=$(BENCH_PASSES) BENCH_CONTEXTS=$(BENCH_CONTEXTS) BENCH_COLD_RUNS=$(BENCH_COLD_RUNS) \
		bench/run.sh $(B)

bench-kerberos: $(KRB_BENCH)
	@mkdir -p $(B)/bench
	@rm -f $(B)/bench/kerberos.tsv
	bench/kerberos.sh $(B) $(B)/bench/kerberos.tsv $(BENCH_PASSES)
	@awk -F'\t' '$$2 == "ratio" && $$3 ~ /mit/ { printf "pass %s  %-46s %6.2fx (%.2f-%.2f)\n", $$1, $$3, $$4, $$5, $$6 }' \
		$(B)/bench/kerberos.tsv

.PHONY: bench-progs bench-kerberos
