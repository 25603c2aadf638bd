/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* PA-ENC-TS-ENC { patimestamp [0] KerberosTime, pausec [1] Microseconds
 * OPTIONAL } (RFC 4120 5.2.7.2): the client's clock, encrypted under its
 * long-term key (usage 1), proves it knows the password. */
#include "msg_util.h"

int krb_pa_enc_ts_encode(struct bytes_writer *w, int64_t time, uint32_t usec)
{
    size_t m = der_begin(w);

    if (usec > 999999)
        return DER_ERR_VALUE;
    KRB_PUT_FIELD(w, 0, der_put_time(w, time));
    KRB_PUT_FIELD(w, 1, der_put_int64(w, usec));
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_pa_enc_ts_decode(struct bytes_reader *r, int64_t *time, uint32_t *usec)
{
    struct bytes_reader seq;

    *time = 0;
    *usec = 0;
    KRB_TRY(der_expect(r, DER_SEQUENCE, &seq, NULL));
    KRB_FIELD(&seq, 0, der_read_time(&f_, time));
    if (der_has_field(&seq, 1))
        KRB_FIELD(&seq, 1, der_read_uint32(&f_, usec));
    if (*usec > 999999) {
        r->failed = 1;
        return DER_ERR_VALUE;
    }
    return der_end(&seq);
}
