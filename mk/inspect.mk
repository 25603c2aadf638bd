# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# tools/sspishim-inspect: a native program over the core's envelope code.
INSPECT := $(B)/native/sspishim-inspect
$(INSPECT): $(B)/native/obj/tools/inspect/sspishim-inspect.o $(B)/native/libcore.a
	$(CC_NATIVE) -o $@ $^ -lpthread
.PHONY: inspect
inspect: $(INSPECT)
