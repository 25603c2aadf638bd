/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* KRB-ERROR [30] (RFC 4120 5.9.1) and what its e-data carries when the KDC
 * asks for pre-authentication: METHOD-DATA with PA-ETYPE-INFO2 (5.2.7.5),
 * the etypes it will accept with their salts and s2kparams. */
#include <string.h>

#include "msg_util.h"

int krb_error_encode(struct bytes_writer *w, const struct krb_error *e)
{
    size_t app = der_begin(w), m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, 5));
    KRB_PUT_FIELD(w, 1, der_put_int64(w, KRB_TAG_ERROR));
    KRB_PUT_FIELD(w, 4, der_put_time(w, e->stime));
    KRB_PUT_FIELD(w, 5, der_put_int64(w, e->susec));
    KRB_PUT_FIELD(w, 6, der_put_int64(w, e->code));
    KRB_PUT_FIELD(w, 9, krb_realm_encode(w, e->realm));
    KRB_PUT_FIELD(w, 10, krb_principal_encode(w, &e->sname));
    if (e->e_text.len)
        KRB_PUT_FIELD(w, 11, der_put_kstring(w, (const char *)e->e_text.p, e->e_text.len));
    if (e->e_data.len)
        KRB_PUT_FIELD(w, 12, der_put_octets(w, e->e_data.p, e->e_data.len));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, DER_APPLICATION(KRB_TAG_ERROR));
}

int krb_error_decode(struct bytes_reader *r, struct krb_error *out)
{
    struct bytes_reader seq;
    struct krb_principal ignored;
    char ignored_realm[KRB_STR_MAX];

    memset(out, 0, sizeof(*out));
    KRB_TRY(krb_open_seq(r, KRB_TAG_ERROR, &seq, NULL));
    KRB_FIELD(&seq, 0, krb_read_const(&f_, 5));
    KRB_FIELD(&seq, 1, krb_read_const(&f_, KRB_TAG_ERROR));
    KRB_TRY(krb_skip_field(&seq, 2));
    KRB_TRY(krb_skip_field(&seq, 3));
    KRB_FIELD(&seq, 4, der_read_time(&f_, &out->stime));
    KRB_FIELD(&seq, 5, der_read_uint32(&f_, &out->susec));
    KRB_FIELD(&seq, 6, der_read_int32(&f_, &out->code));
    if (der_has_field(&seq, 7))
        KRB_FIELD(&seq, 7, krb_realm_decode(&f_, ignored_realm));
    if (der_has_field(&seq, 8))
        KRB_FIELD(&seq, 8, krb_principal_decode(&f_, &ignored));
    KRB_FIELD(&seq, 9, krb_realm_decode(&f_, out->realm));
    KRB_FIELD(&seq, 10, krb_principal_decode(&f_, &out->sname));
    if (der_has_field(&seq, 11))
        KRB_FIELD(&seq, 11, der_read_kstring(&f_, &out->e_text));
    if (der_has_field(&seq, 12))
        KRB_FIELD(&seq, 12, der_read_octets(&f_, &out->e_data));
    return der_end(&seq);
}

int krb_etype_info2_encode(struct bytes_writer *w, const struct krb_etype_info2 *e, size_t n)
{
    size_t m = der_begin(w);

    for (size_t i = 0; i < n; i++) {
        size_t s = der_begin(w);
        KRB_PUT_FIELD(w, 0, der_put_int64(w, e[i].etype));
        if (e[i].has_salt)
            KRB_PUT_FIELD(w, 1, der_put_kstring(w, (const char *)e[i].salt.p, e[i].salt.len));
        if (e[i].s2kparams.len)
            KRB_PUT_FIELD(w, 2, der_put_octets(w, e[i].s2kparams.p, e[i].s2kparams.len));
        KRB_TRY(der_wrap(w, s, DER_SEQUENCE));
    }
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_etype_info2_decode(struct bytes_reader *r, struct krb_etype_info2 *out, size_t max, size_t *n)
{
    struct bytes_reader list;

    *n = 0;
    KRB_TRY(der_expect(r, DER_SEQUENCE, &list, NULL));
    while (bytes_remaining(&list)) {
        struct bytes_reader seq;
        struct krb_etype_info2 *e = &out[*n];
        if (*n == max) {
            r->failed = 1;
            return DER_ERR_VALUE;
        }
        memset(e, 0, sizeof(*e));
        KRB_TRY(der_expect(&list, DER_SEQUENCE, &seq, NULL));
        KRB_FIELD(&seq, 0, der_read_int32(&f_, &e->etype));
        if ((e->has_salt = der_has_field(&seq, 1)))
            KRB_FIELD(&seq, 1, der_read_kstring(&f_, &e->salt));
        if (der_has_field(&seq, 2))
            KRB_FIELD(&seq, 2, der_read_octets(&f_, &e->s2kparams));
        KRB_TRY(der_end(&seq));
        (*n)++;
    }
    if (!*n) {                      /* SIZE (1..MAX) */
        r->failed = 1;
        return DER_ERR_VALUE;
    }
    return der_end(&list);
}
