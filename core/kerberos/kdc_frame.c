/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* See krb_kdc.h: the TCP framing both platform transports (posix.c,
 * dlls/secur32/kdc_winsock.c) put around a KDC message. */
#include "sspishim/krb_kdc.h"
#include "sspishim/sys.h"

bool krb_kdc_send_args_ok(const char *host, unsigned port, int tcp, const uint8_t *req, size_t len,
                          unsigned timeout_ms, uint8_t **reply, size_t *reply_len)
{
    return host && *host && port && port <= 65535 && req && len && len <= (tcp ? SYS_KDC_TCP_MAX : SYS_KDC_UDP_MAX) &&
           timeout_ms && timeout_ms <= SYS_KDC_TIMEOUT_MAX && reply && reply_len;
}

void krb_kdc_tcp_prefix(size_t len, uint8_t out[KRB_KDC_TCP_PREFIX])
{
    out[0] = (uint8_t)(len >> 24);
    out[1] = (uint8_t)(len >> 16);
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
}

size_t krb_kdc_tcp_length(const uint8_t in[KRB_KDC_TCP_PREFIX])
{
    uint32_t n = (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];

    return n && n <= SYS_KDC_TCP_MAX ? n : 0;    /* over the bound also when the reserved high bit is set */
}
