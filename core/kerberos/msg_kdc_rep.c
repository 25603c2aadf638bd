/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* KDC-REP (AS-REP [11], TGS-REP [13]) and the EncKDCRepPart inside its
 * enc-part (RFC 4120 5.4.2).  The encoders are for tests and a fake KDC;
 * the client only decodes. */
#include <string.h>

#include "msg_util.h"
#include "sspishim/crypto.h"

int krb_kdc_rep_encode(struct bytes_writer *w, const struct krb_kdc_rep *rep)
{
    size_t app = der_begin(w), m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, 5));
    KRB_PUT_FIELD(w, 1, der_put_int64(w, rep->msg_type));
    if (rep->n_pa)
        KRB_PUT_FIELD(w, 2, krb_padata_encode(w, rep->pa, rep->n_pa));
    KRB_PUT_FIELD(w, 3, krb_realm_encode(w, rep->crealm));
    KRB_PUT_FIELD(w, 4, krb_principal_encode(w, &rep->cname));
    KRB_PUT_FIELD(w, 5, krb_ticket_encode(w, &rep->ticket));
    KRB_PUT_FIELD(w, 6, krb_enc_data_encode(w, &rep->enc));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, (uint8_t)DER_APPLICATION(rep->msg_type));
}

int krb_kdc_rep_decode(struct bytes_reader *r, struct krb_kdc_rep *out)
{
    struct bytes_reader outer, seq;
    uint8_t tag = 0;

    memset(out, 0, sizeof(*out));
    KRB_TRY(der_read(r, &tag, &outer, NULL));
    if (tag != DER_APPLICATION(KRB_TAG_AS_REP) && tag != DER_APPLICATION(KRB_TAG_TGS_REP)) {
        r->failed = 1;
        return DER_ERR_TAG;
    }
    out->msg_type = tag & 0x1f;
    KRB_TRY(der_expect(&outer, DER_SEQUENCE, &seq, NULL));
    KRB_TRY(der_end(&outer));
    KRB_FIELD(&seq, 0, krb_read_const(&f_, 5));
    KRB_FIELD(&seq, 1, krb_read_const(&f_, out->msg_type));
    if (der_has_field(&seq, 2))
        KRB_FIELD(&seq, 2, krb_padata_decode(&f_, out->pa, &out->n_pa));
    KRB_FIELD(&seq, 3, krb_realm_decode(&f_, out->crealm));
    KRB_FIELD(&seq, 4, krb_principal_decode(&f_, &out->cname));
    KRB_FIELD(&seq, 5, krb_ticket_decode(&f_, &out->ticket));
    KRB_FIELD(&seq, 6, krb_enc_data_decode(&f_, &out->enc));
    return der_end(&seq);
}

/* LastReq: one (lr-type, lr-value) pair, enough for a test's reply. */
static int put_last_req(struct bytes_writer *w, int64_t t)
{
    size_t m = der_begin(w), e = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, 0));
    KRB_PUT_FIELD(w, 1, der_put_time(w, t));
    KRB_TRY(der_wrap(w, e, DER_SEQUENCE));
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_enc_kdc_rep_encode(struct bytes_writer *w, int tag, const struct krb_enc_kdc_rep *e)
{
    size_t app = der_begin(w), m = der_begin(w);

    KRB_PUT_FIELD(w, 0, krb_key_encode(w, &e->key));
    KRB_PUT_FIELD(w, 1, put_last_req(w, e->authtime));
    KRB_PUT_FIELD(w, 2, der_put_int64(w, e->nonce));
    KRB_PUT_FIELD(w, 4, der_put_flags(w, e->flags));
    KRB_PUT_FIELD(w, 5, der_put_time(w, e->authtime));
    if (e->has_starttime)
        KRB_PUT_FIELD(w, 6, der_put_time(w, e->starttime));
    KRB_PUT_FIELD(w, 7, der_put_time(w, e->endtime));
    if (e->has_renew_till)
        KRB_PUT_FIELD(w, 8, der_put_time(w, e->renew_till));
    KRB_PUT_FIELD(w, 9, krb_realm_encode(w, e->srealm));
    KRB_PUT_FIELD(w, 10, krb_principal_encode(w, &e->sname));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, (uint8_t)DER_APPLICATION(tag));
}

static int read_enc_rep(struct bytes_reader *seq, struct krb_enc_kdc_rep *out)
{
    KRB_FIELD(seq, 0, krb_key_decode(&f_, &out->key));
    KRB_TRY(krb_skip_field(seq, 1));            /* last-req: for display only */
    KRB_FIELD(seq, 2, der_read_uint32(&f_, &out->nonce));
    KRB_TRY(krb_skip_field(seq, 3));
    KRB_FIELD(seq, 4, der_read_flags(&f_, &out->flags));
    KRB_FIELD(seq, 5, der_read_time(&f_, &out->authtime));
    if ((out->has_starttime = der_has_field(seq, 6)))
        KRB_FIELD(seq, 6, der_read_time(&f_, &out->starttime));
    KRB_FIELD(seq, 7, der_read_time(&f_, &out->endtime));
    if ((out->has_renew_till = der_has_field(seq, 8)))
        KRB_FIELD(seq, 8, der_read_time(&f_, &out->renew_till));
    KRB_FIELD(seq, 9, krb_realm_decode(&f_, out->srealm));
    KRB_FIELD(seq, 10, krb_principal_decode(&f_, &out->sname));
    KRB_TRY(krb_skip_field(seq, 11));
    KRB_TRY(krb_skip_field(seq, 12));
    return der_end(seq);
}

int krb_enc_kdc_rep_decode(struct bytes_reader *r, struct krb_enc_kdc_rep *out)
{
    struct bytes_reader outer, seq;
    uint8_t tag = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = der_read(r, &tag, &outer, NULL)))
        return rc;
    if (tag != DER_APPLICATION(KRB_TAG_ENC_AS_REP_PART) && tag != DER_APPLICATION(KRB_TAG_ENC_TGS_REP_PART)) {
        r->failed = 1;
        return DER_ERR_TAG;
    }
    if (!(rc = der_expect(&outer, DER_SEQUENCE, &seq, NULL)) && !(rc = der_end(&outer)))
        rc = read_enc_rep(&seq, out);
    if (rc) {
        crypto_wipe(&out->key, sizeof(out->key));
        r->failed = 1;
    }
    return rc;
}
