# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# The packed-context layout check: the core built natively for 64 and 32
# bits (gcc-multilib), run by tests/layout/run.sh from make check.
CFLAGS_NATIVE32 := $(CFLAGS_NATIVE) -m32
LAYOUT_BINS := $(B)/native/tests/packed_layout $(B)/native32/tests/packed_layout
# Kerberos takes its randomness and time from the platform: the program
# replaces both with fixed ones of its own (tests/layout/packed_layout.c).
LAYOUT_WRAP := -Wl,--wrap=sys_random,--wrap=sys_filetime_now

$(B)/native32/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS_NATIVE32) -c $< -o $@
$(B)/native32/libcore.a: $(NATIVE_SRCS:%.c=$(B)/native32/obj/%.o)
	rm -f $@; ar rcs $@ $^

$(B)/native/tests/packed_layout: $(B)/native/obj/tests/layout/packed_layout.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ $(LAYOUT_WRAP) -lpthread
$(B)/native32/tests/packed_layout: $(B)/native32/obj/tests/layout/packed_layout.o $(B)/native32/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -m32 -o $@ $^ $(LAYOUT_WRAP) -lpthread

.PHONY: layout check-layout
layout: $(LAYOUT_BINS)
check-layout: layout
	@tests/layout/run.sh $(B)
