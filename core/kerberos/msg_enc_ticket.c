/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* EncTicketPart [3] (RFC 4120 5.3): what a service finds when it opens a
 * ticket with its own key (usage 2).  Only decoding: tickets are the KDC's
 * to make.  The server step (AcceptSecurityContext) builds on this. */
#include <stdlib.h>
#include <string.h>

#include "msg_util.h"
#include "sspishim/crypto.h"

static int read_enc_ticket(struct bytes_reader *seq, struct krb_enc_ticket *out)
{
    KRB_FIELD(seq, 0, der_read_flags(&f_, &out->flags));
    KRB_FIELD(seq, 1, krb_key_decode(&f_, &out->key));
    KRB_FIELD(seq, 2, krb_realm_decode(&f_, out->crealm));
    KRB_FIELD(seq, 3, krb_principal_decode(&f_, &out->cname));
    KRB_TRY(krb_skip_field(seq, 4));        /* transited: one SEQUENCE */
    KRB_FIELD(seq, 5, der_read_time(&f_, &out->authtime));
    KRB_TRY(krb_skip_field(seq, 6));
    KRB_FIELD(seq, 7, der_read_time(&f_, &out->endtime));
    for (unsigned n = 8; n <= 10; n++)
        KRB_TRY(krb_skip_field(seq, n));
    return der_end(seq);
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
    crypto_wipe(plain, len);
    free(plain);
    return rc;
}
