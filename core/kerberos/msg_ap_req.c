/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AP-REQ [14] and the Authenticator [2] it carries (RFC 4120 5.5.1).  It
 * rides in a TGS-REQ's PA-TGS-REQ, and in the GSS-API initial token to a
 * service, where the Authenticator also carries a subkey and a sequence
 * number (RFC 4121 2). */
#include <string.h>

#include "msg_util.h"
#include "sspishim/crypto.h"

int krb_authenticator_encode(struct bytes_writer *w, const struct krb_authenticator *a)
{
    size_t app = der_begin(w), m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, 5));
    KRB_PUT_FIELD(w, 1, krb_realm_encode(w, a->crealm));
    KRB_PUT_FIELD(w, 2, krb_principal_encode(w, &a->cname));
    if (a->has_cksum)
        KRB_PUT_FIELD(w, 3, krb_checksum_encode(w, &a->cksum));
    KRB_PUT_FIELD(w, 4, der_put_int64(w, a->cusec));
    KRB_PUT_FIELD(w, 5, der_put_time(w, a->ctime));
    if (a->has_subkey)
        KRB_PUT_FIELD(w, 6, krb_key_encode(w, &a->subkey));
    if (a->has_seq)
        KRB_PUT_FIELD(w, 7, der_put_int64(w, a->seq));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, DER_APPLICATION(KRB_TAG_AUTHENTICATOR));
}

static int read_authenticator(struct bytes_reader *r, struct krb_authenticator *out)
{
    struct bytes_reader seq;

    KRB_TRY(krb_open_seq(r, KRB_TAG_AUTHENTICATOR, &seq, NULL));
    KRB_FIELD(&seq, 0, krb_read_const(&f_, 5));
    KRB_FIELD(&seq, 1, krb_realm_decode(&f_, out->crealm));
    KRB_FIELD(&seq, 2, krb_principal_decode(&f_, &out->cname));
    if ((out->has_cksum = der_has_field(&seq, 3)))
        KRB_FIELD(&seq, 3, krb_checksum_decode(&f_, &out->cksum));
    KRB_FIELD(&seq, 4, der_read_uint32(&f_, &out->cusec));
    KRB_FIELD(&seq, 5, der_read_time(&f_, &out->ctime));
    if ((out->has_subkey = der_has_field(&seq, 6)))
        KRB_FIELD(&seq, 6, krb_key_decode(&f_, &out->subkey));
    if ((out->has_seq = der_has_field(&seq, 7)))
        KRB_FIELD(&seq, 7, der_read_uint32(&f_, &out->seq));
    KRB_TRY(krb_skip_field(&seq, 8));
    return der_end(&seq);
}

int krb_authenticator_decode(struct bytes_reader *r, struct krb_authenticator *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = read_authenticator(r, out))) {
        crypto_wipe(&out->subkey, sizeof(out->subkey));
        out->has_subkey = false;
        r->failed = 1;
    }
    return rc;
}

int krb_ap_req_encode(struct bytes_writer *w, uint32_t options, struct bytes_span ticket,
                      const struct krb_enc_data *authenticator)
{
    size_t app = der_begin(w), m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, 5));
    KRB_PUT_FIELD(w, 1, der_put_int64(w, KRB_TAG_AP_REQ));
    KRB_PUT_FIELD(w, 2, der_put_flags(w, options));
    KRB_PUT_FIELD(w, 3, bytes_put(w, ticket.p, ticket.len) ? DER_ERR_WRITER : DER_OK);
    KRB_PUT_FIELD(w, 4, krb_enc_data_encode(w, authenticator));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, DER_APPLICATION(KRB_TAG_AP_REQ));
}

int krb_ap_req_decode(struct bytes_reader *r, struct krb_ap_req *out)
{
    struct bytes_reader seq;

    memset(out, 0, sizeof(*out));
    KRB_TRY(krb_open_seq(r, KRB_TAG_AP_REQ, &seq, NULL));
    KRB_FIELD(&seq, 0, krb_read_const(&f_, 5));
    KRB_FIELD(&seq, 1, krb_read_const(&f_, KRB_TAG_AP_REQ));
    KRB_FIELD(&seq, 2, der_read_flags(&f_, &out->options));
    KRB_FIELD(&seq, 3, krb_ticket_decode(&f_, &out->ticket));
    KRB_FIELD(&seq, 4, krb_enc_data_decode(&f_, &out->authenticator));
    return der_end(&seq);
}
