/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* KDC-REQ (AS-REQ [10], TGS-REQ [12]) and its KDC-REQ-BODY (RFC 4120
 * 5.4.1).  The body is encoded on its own first: a TGS-REQ's authenticator
 * carries a checksum over exactly those bytes. */
#include <string.h>

#include "msg_util.h"

static int put_etypes(struct bytes_writer *w, const int32_t *etypes, size_t n)
{
    size_t m = der_begin(w);

    for (size_t i = 0; i < n; i++)
        KRB_TRY(der_put_int64(w, etypes[i]));
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_kdc_req_body_encode(struct bytes_writer *w, const struct krb_kdc_req_body *b)
{
    size_t m = der_begin(w);

    if (!b->n_etypes || b->n_etypes > KRB_ETYPES_MAX)
        return DER_ERR_VALUE;
    KRB_PUT_FIELD(w, 0, der_put_flags(w, b->options));
    if (b->cname)
        KRB_PUT_FIELD(w, 1, krb_principal_encode(w, b->cname));
    KRB_PUT_FIELD(w, 2, krb_realm_encode(w, b->realm));
    if (b->sname)
        KRB_PUT_FIELD(w, 3, krb_principal_encode(w, b->sname));
    KRB_PUT_FIELD(w, 5, der_put_time(w, b->till));
    KRB_PUT_FIELD(w, 7, der_put_int64(w, b->nonce));
    KRB_PUT_FIELD(w, 8, put_etypes(w, b->etypes, b->n_etypes));
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_kdc_req_encode(struct bytes_writer *w, int msg_type, const struct krb_padata *pa, size_t n_pa,
                       struct bytes_span body)
{
    size_t app = der_begin(w), m;

    if (msg_type != KRB_TAG_AS_REQ && msg_type != KRB_TAG_TGS_REQ)
        return DER_ERR_VALUE;
    m = der_begin(w);
    KRB_PUT_FIELD(w, 1, der_put_int64(w, 5));
    KRB_PUT_FIELD(w, 2, der_put_int64(w, msg_type));
    if (n_pa)
        KRB_PUT_FIELD(w, 3, krb_padata_encode(w, pa, n_pa));
    KRB_PUT_FIELD(w, 4, bytes_put(w, body.p, body.len) ? DER_ERR_WRITER : DER_OK);
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, (uint8_t)DER_APPLICATION(msg_type));
}

static int read_etypes(struct bytes_reader *f, struct krb_kdc_req *out)
{
    struct bytes_reader list;

    KRB_TRY(der_expect(f, DER_SEQUENCE, &list, NULL));
    while (bytes_remaining(&list)) {
        if (out->n_etypes == KRB_ETYPES_MAX) {
            f->failed = 1;
            return DER_ERR_VALUE;
        }
        KRB_TRY(der_read_int32(&list, &out->etypes[out->n_etypes++]));
    }
    return der_end(&list);
}

static int read_body(struct bytes_reader *f, struct krb_kdc_req *out)
{
    struct bytes_reader seq;

    KRB_TRY(der_expect(f, DER_SEQUENCE, &seq, &out->body));
    KRB_FIELD(&seq, 0, der_read_flags(&f_, &out->options));
    if ((out->has_cname = der_has_field(&seq, 1)))
        KRB_FIELD(&seq, 1, krb_principal_decode(&f_, &out->cname));
    KRB_FIELD(&seq, 2, krb_realm_decode(&f_, out->realm));
    if (der_has_field(&seq, 3))
        KRB_FIELD(&seq, 3, krb_principal_decode(&f_, &out->sname));
    KRB_TRY(krb_skip_field(&seq, 4));
    KRB_FIELD(&seq, 5, der_read_time(&f_, &out->till));
    KRB_TRY(krb_skip_field(&seq, 6));
    KRB_FIELD(&seq, 7, der_read_uint32(&f_, &out->nonce));
    KRB_FIELD(&seq, 8, read_etypes(&f_, out));
    for (unsigned n = 9; n <= 11; n++)
        KRB_TRY(krb_skip_field(&seq, n));
    return der_end(&seq);
}

int krb_kdc_req_decode(struct bytes_reader *r, struct krb_kdc_req *out)
{
    struct bytes_reader outer, seq;
    uint8_t tag = 0;

    memset(out, 0, sizeof(*out));
    KRB_TRY(der_read(r, &tag, &outer, NULL));
    if (tag != DER_APPLICATION(KRB_TAG_AS_REQ) && tag != DER_APPLICATION(KRB_TAG_TGS_REQ)) {
        r->failed = 1;
        return DER_ERR_TAG;
    }
    out->msg_type = tag & 0x1f;
    KRB_TRY(der_expect(&outer, DER_SEQUENCE, &seq, NULL));
    KRB_TRY(der_end(&outer));
    KRB_FIELD(&seq, 1, krb_read_const(&f_, 5));
    KRB_FIELD(&seq, 2, krb_read_const(&f_, out->msg_type));
    if (der_has_field(&seq, 3))
        KRB_FIELD(&seq, 3, krb_padata_decode(&f_, out->pa, &out->n_pa));
    KRB_FIELD(&seq, 4, read_body(&f_, out));
    return der_end(&seq);
}
