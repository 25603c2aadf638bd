/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Finding the PAC in a ticket's authorization data and splitting it into
 * its buffers ([MS-PAC] 2.3, 2.4; krb_pac.h). */
#include <string.h>

#include "sspishim/der.h"
#include "sspishim/krb_pac.h"

/* AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type [0] Int32,
 * ad-data [1] OCTET STRING } (RFC 4120 5.2.6).  depth 1 may go one
 * AD-IF-RELEVANT down. */
static int find(const uint8_t *authz, size_t len, int depth, struct bytes_span *pac)
{
    struct bytes_reader r, seq;

    bytes_reader_init(&r, authz, len);
    if (der_expect(&r, DER_SEQUENCE, &seq, NULL) || der_end(&r))
        return KRB_PAC_E_MALFORMED;
    while (bytes_remaining(&seq)) {
        struct bytes_reader el, f;
        struct bytes_span data;
        int32_t type;
        if (der_expect(&seq, DER_SEQUENCE, &el, NULL) || der_read_field(&el, 0, &f) || der_read_int32(&f, &type) ||
            der_end(&f) || der_read_field(&el, 1, &f) || der_read_octets(&f, &data) || der_end(&f) || der_end(&el))
            return KRB_PAC_E_MALFORMED;
        if (type == KRB_AD_WIN2K_PAC) {
            *pac = data;
            return 0;
        }
        if (type == KRB_AD_IF_RELEVANT && depth && find(data.p, data.len, depth - 1, pac) == 0)
            return 0;
    }
    return KRB_PAC_E_NOT_FOUND;
}

int krb_pac_find(const uint8_t *authz, size_t len, struct bytes_span *pac)
{
    int rc;

    memset(pac, 0, sizeof(*pac));
    rc = find(authz, len, 1, pac);
    if (rc)
        memset(pac, 0, sizeof(*pac));
    return rc;
}

int krb_pac_parse(const uint8_t *pac, size_t len, struct krb_pac *out)
{
    struct bytes_reader r;
    uint32_t count, version;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, pac, len);
    count = bytes_get_u32le(&r);
    version = bytes_get_u32le(&r);
    if (r.failed || version != 0 || count > KRB_PAC_BUFFERS_MAX || count > bytes_remaining(&r) / 16)
        return KRB_PAC_E_MALFORMED;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t type = bytes_get_u32le(&r), size = bytes_get_u32le(&r);
        uint64_t offset = bytes_get_u64le(&r);
        /* Offsets point past the buffer array, into the PAC (8-aligned as
         * written, not required here: Windows does not insist either). */
        if (r.failed || offset > len || bytes_get_span_at(&r, (size_t)offset, size, &out->buf[i].data)) {
            memset(out, 0, sizeof(*out));
            return KRB_PAC_E_MALFORMED;
        }
        out->buf[i].type = type;
    }
    out->count = count;
    return 0;
}

struct bytes_span krb_pac_buffer(const struct krb_pac *pac, uint32_t type)
{
    for (uint32_t i = 0; i < pac->count; i++)
        if (pac->buf[i].type == type)
            return pac->buf[i].data;
    return (struct bytes_span){ NULL, 0 };
}
