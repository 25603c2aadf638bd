/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AP-REP [15] and the EncAPRepPart [27] it seals (RFC 4120 5.5.2): what a
 * service answers when the client asks for mutual authentication.  The
 * proof is that the service could open the ticket: it echoes the
 * Authenticator's ctime and cusec under the session key (usage 12), and
 * for GSS-API adds its own subkey and sequence number (RFC 4121 2). */
#include <string.h>

#include "msg_util.h"
#include "sspishim/crypto.h"

int krb_ap_rep_encode(struct bytes_writer *w, const struct krb_enc_data *enc)
{
    size_t app = der_begin(w), m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, 5));
    KRB_PUT_FIELD(w, 1, der_put_int64(w, KRB_TAG_AP_REP));
    KRB_PUT_FIELD(w, 2, krb_enc_data_encode(w, enc));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, DER_APPLICATION(KRB_TAG_AP_REP));
}

int krb_ap_rep_decode(struct bytes_reader *r, struct krb_enc_data *enc)
{
    struct bytes_reader seq;

    memset(enc, 0, sizeof(*enc));
    KRB_TRY(krb_open_seq(r, KRB_TAG_AP_REP, &seq, NULL));
    KRB_FIELD(&seq, 0, krb_read_const(&f_, 5));
    KRB_FIELD(&seq, 1, krb_read_const(&f_, KRB_TAG_AP_REP));
    KRB_FIELD(&seq, 2, krb_enc_data_decode(&f_, enc));
    return der_end(&seq);
}

int krb_ap_rep_part_encode(struct bytes_writer *w, const struct krb_ap_rep_part *p)
{
    size_t app = der_begin(w), m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_time(w, p->ctime));
    KRB_PUT_FIELD(w, 1, der_put_int64(w, p->cusec));
    if (p->has_subkey)
        KRB_PUT_FIELD(w, 2, krb_key_encode(w, &p->subkey));
    if (p->has_seq)
        KRB_PUT_FIELD(w, 3, der_put_int64(w, p->seq));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, DER_APPLICATION(KRB_TAG_ENC_AP_REP_PART));
}

static int read_part(struct bytes_reader *r, struct krb_ap_rep_part *out)
{
    struct bytes_reader seq;

    KRB_TRY(krb_open_seq(r, KRB_TAG_ENC_AP_REP_PART, &seq, NULL));
    KRB_FIELD(&seq, 0, der_read_time(&f_, &out->ctime));
    KRB_FIELD(&seq, 1, der_read_uint32(&f_, &out->cusec));
    if ((out->has_subkey = der_has_field(&seq, 2)))
        KRB_FIELD(&seq, 2, krb_key_decode(&f_, &out->subkey));
    if ((out->has_seq = der_has_field(&seq, 3)))
        KRB_FIELD(&seq, 3, der_read_uint32(&f_, &out->seq));
    return der_end(&seq);
}

int krb_ap_rep_part_decode(struct bytes_reader *r, struct krb_ap_rep_part *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = read_part(r, out))) {
        crypto_wipe(out, sizeof(*out));
        r->failed = 1;
    }
    return rc;
}
