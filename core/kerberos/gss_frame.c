/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The frame around the Kerberos mechanism's context tokens (RFC 2743 3.1,
 * RFC 1964 1.1, RFC 4121 4.1):
 *
 *   60 len  06 09 2a 86 48 86 f7 12 01 02 02  TOK_ID(2)  message
 *
 * The outer [APPLICATION 0] is DER-like but its contents are not one
 * element: the OID, then raw bytes.  So the contents are read by hand
 * after the header, and the whole token must be that one frame. */
#include <string.h>

#include "sspishim/der.h"
#include "sspishim/krb_gss.h"

const uint8_t krb_gss_mech_oid[9] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };

int krb_gss_frame_encode(struct bytes_writer *w, uint16_t tok_id, struct bytes_span inner)
{
    size_t oid_len = 2 + sizeof(krb_gss_mech_oid);
    size_t len = oid_len + 2 + inner.len;

    if (inner.len > DER_MAX_LENGTH)
        return DER_ERR_LENGTH;
    if (der_put_header(w, DER_APPLICATION(0), len) || der_put(w, DER_OID, krb_gss_mech_oid, sizeof(krb_gss_mech_oid)) ||
        bytes_put_u16be(w, tok_id) || bytes_put(w, inner.p, inner.len))
        return DER_ERR_WRITER;
    return DER_OK;
}

int krb_gss_frame_decode(struct bytes_span token, uint16_t *tok_id, struct bytes_span *inner)
{
    struct bytes_reader r, content;
    struct bytes_span oid;
    int rc;

    *tok_id = 0;
    *inner = (struct bytes_span){ NULL, 0 };
    bytes_reader_init(&r, token.p, token.len);
    if ((rc = der_expect(&r, DER_APPLICATION(0), &content, NULL)))
        return rc;
    if (bytes_remaining(&r))
        return DER_ERR_TRAILING;
    if ((rc = der_read_oid(&content, &oid)))
        return rc;
    if (!der_oid_equal(oid, krb_gss_mech_oid, sizeof(krb_gss_mech_oid)))
        return DER_ERR_VALUE;
    *tok_id = bytes_get_u16be(&content);
    if (content.failed)
        return DER_ERR_TRUNCATED;
    bytes_get_span(&content, bytes_remaining(&content), inner);
    return DER_OK;
}
