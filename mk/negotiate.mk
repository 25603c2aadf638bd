# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
# Negotiate (issue 6): the native interop peers and the HTTP test's libraries.
#   gss_peer   MIT GSSAPI's SPNEGO with gss-ntlmssp under it (libkrb5-dev)
#   core_peer  the core's Negotiate/NTLM through its ops tables, no Wine
# tests/interop/run.sh relays tokens between them and sspi_peer.exe.

GSS_LIBS := $(shell pkg-config --libs krb5-gssapi 2>/dev/null || echo -lgssapi_krb5)
INTEROP_NATIVE := $(B)/native/tests/gss_peer $(B)/native/tests/core_peer

all: $(INTEROP_NATIVE)
check-interop: $(INTEROP_NATIVE)

$(B)/native/tests/gss_peer: tests/interop/gss_peer.c
	@mkdir -p $(dir $@)
	$(CC_NATIVE) $(CFLAGS_NATIVE) -o $@ $< $(GSS_LIBS)

$(B)/native/tests/core_peer: $(B)/native/obj/tests/interop/core_peer.o $(B)/native/libcore.a
	@mkdir -p $(dir $@)
	$(CC_NATIVE) -o $@ $^ -lpthread

# The HTTP test drives Wine's own winhttp against a Winsock server.
WINE_LIBS_http_auth := -lwinhttp -lws2_32
