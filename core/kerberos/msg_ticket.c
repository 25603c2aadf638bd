/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0] 5, realm [1],
 * sname [2], enc-part [3] EncryptedData } (RFC 4120 5.3).  A client never
 * opens a ticket; it keeps the bytes (`whole`) and sends them on. */
#include <string.h>

#include "msg_util.h"

int krb_ticket_encode(struct bytes_writer *w, const struct krb_ticket *t)
{
    size_t app = der_begin(w), m;

    m = der_begin(w);
    KRB_PUT_FIELD(w, 0, der_put_int64(w, 5));
    KRB_PUT_FIELD(w, 1, krb_realm_encode(w, t->realm));
    KRB_PUT_FIELD(w, 2, krb_principal_encode(w, &t->sname));
    KRB_PUT_FIELD(w, 3, krb_enc_data_encode(w, &t->enc));
    KRB_TRY(der_wrap(w, m, DER_SEQUENCE));
    return der_wrap(w, app, DER_APPLICATION(KRB_TAG_TICKET));
}

int krb_ticket_decode(struct bytes_reader *r, struct krb_ticket *out)
{
    struct bytes_reader seq;

    memset(out, 0, sizeof(*out));
    KRB_TRY(krb_open_seq(r, KRB_TAG_TICKET, &seq, &out->whole));
    KRB_FIELD(&seq, 0, krb_read_const(&f_, 5));
    KRB_FIELD(&seq, 1, krb_realm_decode(&f_, out->realm));
    KRB_FIELD(&seq, 2, krb_principal_decode(&f_, &out->sname));
    KRB_FIELD(&seq, 3, krb_enc_data_decode(&f_, &out->enc));
    return der_end(&seq);
}
