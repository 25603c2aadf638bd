# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Fuzzing (issue 7): libFuzzer targets for every parser, built with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, over the native core.
#   make fuzz                  each target for FUZZ_SECONDS (default 60), corpus kept
#                              in $(B)/fuzz/corpus, crashes in $(B)/fuzz/artifacts
#   make fuzz FUZZ_SECONDS=10 FUZZ_TARGETS="fuzz_packed fuzz_accounts"
#   make fuzz-smoke            what make check runs: the regressions and seeds
#                              replayed, then FUZZ_SMOKE_SECONDS (default 3) each
# Targets are tests/fuzz/fuzz_*.c; seeds come from tests/fuzz/seeds.c, a native
# program that runs real handshakes through the core; crashing inputs are kept
# in tests/fuzz/regressions/<target>/ and replayed by every run.

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 3
export FUZZ_SMOKE_SECONDS

FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := $(CSTD) $(WARN) -O1 -g -D_DEFAULT_SOURCE $(INC) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES  := $(basename $(notdir $(FUZZ_SRCS)))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_BINS   := $(FUZZ_NAMES:%=$(B)/fuzz/bin/%)
FUZZ_SEEDS  := $(B)/fuzz/seeds/.stamp

.PHONY: fuzz fuzz-build fuzz-smoke
fuzz-build: $(FUZZ_BINS) $(FUZZ_SEEDS)

$(B)/fuzz/obj/%.o: %.c $(HEADERS) tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(B)/fuzz/libcore.a: $(NATIVE_SRCS:%.c=$(B)/fuzz/obj/%.o)
	rm -f $@; ar rcs $@ $^

$(B)/fuzz/bin/%: $(B)/fuzz/obj/tests/fuzz/%.o $(B)/fuzz/libcore.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -lpthread

# The seed generator is an ordinary native program over the plain core.
$(B)/native/fuzz-seeds: $(B)/native/obj/tests/fuzz/seeds.o $(B)/native/libcore.a
	$(CC_NATIVE) -o $@ $^ -lpthread
$(B)/native/obj/tests/fuzz/seeds.o: tests/fuzz/fuzz.h

$(FUZZ_SEEDS): $(B)/native/fuzz-seeds
	rm -rf $(B)/fuzz/seeds
	$(B)/native/fuzz-seeds $(B)/fuzz/seeds
	@touch $@

fuzz: fuzz-build
	@tests/fuzz/run.sh $(B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-smoke: fuzz-build
	@tests/fuzz/run.sh --smoke $(B) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# make check runs the smoke run (tests/check.sh), so it needs the targets.
check: fuzz-build
