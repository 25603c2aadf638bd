/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* EncTicketPart [3] (RFC 4120 5.3): what a service finds when it opens a
 * ticket with its own key (usage 2).  The GSS acceptor builds on the
 * decoder; the encoder is there for tests, which play the KDC. */
#include <stdlib.h>
#include <string.h>

#include "msg_util.h"
#include "sspishim/crypto.h"

/* AuthorizationData is kept whole, as a span, for a later PAC reader. */
static int read_authz(struct bytes_reader *f, struct bytes_span *out)
{
    struct bytes_reader inner;

    return der_expect(f, DER_SEQUENCE, &inner, out);
}

static int read_enc_ticket(struct bytes_reader *seq, struct krb_enc_ticket *out)
{
    KRB_FIELD(seq, 0, der_read_flags(&f_, &out->flags));
    KRB_FIELD(seq, 1, krb_key_decode(&f_, &out->key));
    KRB_FIELD(seq, 2, krb_realm_decode(&f_, out->crealm));
    KRB_FIELD(seq, 3, krb_principal_decode(&f_, &out->cname));
    KRB_TRY(krb_skip_field(seq, 4));        /* transited: one SEQUENCE */
    KRB_FIELD(seq, 5, der_read_time(&f_, &out->authtime));
    if ((out->has_starttime = der_has_field(seq, 6)))
        KRB_FIELD(seq, 6, der_read_time(&f_, &out->starttime));
    KRB_FIELD(seq, 7, der_read_time(&f_, &out->endtime));
    KRB_TRY(krb_skip_field(seq, 8));        /* renew-till */
    KRB_TRY(krb_skip_field(seq, 9));        /* caddr */
    if (der_has_field(seq, 10))
        KRB_FIELD(seq, 10, read_authz(&f_, &out->authz));
    return der_end(seq);
}

int krb_enc_ticket_encode(struct bytes_writer *w, const struct krb_enc_ticket *e)
{
    size_t app = der_begin(w), m = der_begin(w), tr;

    KRB_PUT_FIELD(w, 0, der_put_flags(w, e->flags));
    KRB_PUT_FIELD(w, 1, krb_key_encode(w, &e->key));
    KRB_PUT_FIELD(w, 2, krb_realm_encode(w, e->crealm));
    KRB_PUT_FIELD(w, 3, krb_principal_encode(w, &e->cname));
    /* TransitedEncoding { tr-type [0] 1 (DOMAIN-X500-COMPRESS), contents [1] "" } */
    tr = der_begin(w);
    KRB_PUT_FIELD(w, 0, der_put_int64(w, 1));
    KRB_PUT_FIELD(w, 1, der_put_octets(w, NULL, 0));
    KRB_TRY(der_wrap(w, tr, DER_SEQUENCE));
    KRB_TRY(der_wrap(w, tr, (uint8_t)DER_CONTEXT(4)));
    KRB_PUT_FIELD(w, 5, der_put_time(w, e->authtime));
    if (e->has_starttime)
        KRB_PUT_FIELD(w, 6, der_put_time(w, e->starttime));
    KRB_PUT_FIELD(w, 7, der_put_time(w, e->endtime));
    if (e->authz.len)
        KRB_PUT_FIELD(w, 10, bytes_put(w, e->authz.p, e->authz.len) ? DER_ERR_WRITER : DER_OK);
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, DER_APPLICATION(KRB_TAG_ENC_TICKET_PART));
}

int krb_enc_ticket_decode(struct bytes_reader *r, struct krb_enc_ticket *out)
{
    struct bytes_reader seq;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!(rc = krb_open_seq(r, KRB_TAG_ENC_TICKET_PART, &seq, NULL)))
        rc = read_enc_ticket(&seq, out);
    if (rc) {
        crypto_wipe(&out->key, sizeof(out->key));
        r->failed = 1;
    }
    return rc;
}

int krb_ticket_open(const struct krb_key *service_key, const struct krb_ticket *t, struct krb_enc_ticket *out)
{
    struct bytes_reader r;
    uint8_t *plain;
    size_t len;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = krb_open(service_key, KRB_KU_TICKET, &t->enc, &plain, &len)))
        return rc;
    bytes_reader_init(&r, plain, len);
    rc = krb_enc_ticket_decode(&r, out);
    out->authz = (struct bytes_span){ NULL, 0 };   /* it pointed into plain */
    crypto_wipe(plain, len);
    free(plain);
    return rc;
}
