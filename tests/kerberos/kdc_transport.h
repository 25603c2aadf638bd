/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native tests' KDC transport: plain POSIX sockets to 127.0.0.1.  The
 * core has none; the DLL will do the same over Winsock. */
#ifndef SSPISHIM_TESTS_KDC_TRANSPORT_H
#define SSPISHIM_TESTS_KDC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#define KDC_REPLY_MAX 65536

/* One request, one reply: over UDP (one datagram each way) or TCP (each
 * message after a 4-byte big-endian length, RFC 4120 7.2.2).  Waits at
 * most timeout_ms.  0 on success, -1 on any failure. */
int kdc_transact(int tcp, int port, const uint8_t *req, size_t len, uint8_t *reply, size_t max, size_t *reply_len,
                 int timeout_ms);

#endif
