/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The small containers every message uses (RFC 4120 5.2.6-5.2.9):
 * EncryptedData, EncryptionKey, Checksum and PA-DATA, and the step from
 * an EncryptedData to its plaintext through the etype table. */
#include <stdlib.h>
#include <string.h>

#include "msg_util.h"
#include "sspishim/crypto.h"

int krb_enc_data_encode(struct bytes_writer *w, const struct krb_enc_data *e)
{
    size_t m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, e->etype));
    if (e->has_kvno)
        KRB_PUT_FIELD(w, 1, der_put_int64(w, e->kvno));
    KRB_PUT_FIELD(w, 2, der_put_octets(w, e->cipher.p, e->cipher.len));
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_enc_data_decode(struct bytes_reader *r, struct krb_enc_data *out)
{
    struct bytes_reader seq;

    memset(out, 0, sizeof(*out));
    KRB_TRY(der_expect(r, DER_SEQUENCE, &seq, NULL));
    KRB_FIELD(&seq, 0, der_read_int32(&f_, &out->etype));
    if ((out->has_kvno = der_has_field(&seq, 1)))
        KRB_FIELD(&seq, 1, der_read_uint32(&f_, &out->kvno));
    KRB_FIELD(&seq, 2, der_read_octets(&f_, &out->cipher));
    return der_end(&seq);
}

int krb_key_encode(struct bytes_writer *w, const struct krb_key *k)
{
    size_t m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, k->etype));
    KRB_PUT_FIELD(w, 1, der_put_octets(w, k->bytes, k->len));
    return der_wrap(w, m, DER_SEQUENCE);
}

static int read_key_value(struct bytes_reader *f, struct krb_key *out)
{
    struct bytes_span v;

    KRB_TRY(der_read_octets(f, &v));
    if (v.len > KRB_KEY_MAX) {
        f->failed = 1;
        return DER_ERR_VALUE;
    }
    memcpy(out->bytes, v.p, v.len);
    out->len = v.len;
    return DER_OK;
}

int krb_key_decode(struct bytes_reader *r, struct krb_key *out)
{
    struct bytes_reader seq;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = der_expect(r, DER_SEQUENCE, &seq, NULL)))
        return rc;
    {
        struct bytes_reader f_;
        if ((rc = der_read_field(&seq, 0, &f_)) || (rc = der_read_int32(&f_, &out->etype)) || (rc = der_end(&f_)))
            goto bad;
        if ((rc = der_read_field(&seq, 1, &f_)) || (rc = read_key_value(&f_, out)) || (rc = der_end(&f_)))
            goto bad;
    }
    /* The length must be the one the etype wants, or the key is unusable. */
    if ((rc = der_end(&seq)) || out->len != krb_crypto_key_size(out->etype)) {
        rc = rc ? rc : DER_ERR_VALUE;
        goto bad;
    }
    return DER_OK;
bad:
    crypto_wipe(out, sizeof(*out));
    r->failed = 1;
    return rc;
}

int krb_checksum_encode(struct bytes_writer *w, const struct krb_checksum *c)
{
    size_t m = der_begin(w);

    KRB_PUT_FIELD(w, 0, der_put_int64(w, c->type));
    KRB_PUT_FIELD(w, 1, der_put_octets(w, c->value.p, c->value.len));
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_checksum_decode(struct bytes_reader *r, struct krb_checksum *out)
{
    struct bytes_reader seq;

    memset(out, 0, sizeof(*out));
    KRB_TRY(der_expect(r, DER_SEQUENCE, &seq, NULL));
    KRB_FIELD(&seq, 0, der_read_int32(&f_, &out->type));
    KRB_FIELD(&seq, 1, der_read_octets(&f_, &out->value));
    return der_end(&seq);
}

/* PA-DATA numbers its fields from 1 (RFC 4120 5.2.7). */
int krb_padata_encode(struct bytes_writer *w, const struct krb_padata *pa, size_t n)
{
    size_t m = der_begin(w);

    for (size_t i = 0; i < n; i++) {
        size_t e = der_begin(w);
        KRB_PUT_FIELD(w, 1, der_put_int64(w, pa[i].type));
        KRB_PUT_FIELD(w, 2, der_put_octets(w, pa[i].value.p, pa[i].value.len));
        KRB_TRY(der_wrap(w, e, DER_SEQUENCE));
    }
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_padata_decode(struct bytes_reader *r, struct krb_padata *out, size_t *n)
{
    struct bytes_reader list;

    *n = 0;
    KRB_TRY(der_expect(r, DER_SEQUENCE, &list, NULL));
    while (bytes_remaining(&list)) {
        struct bytes_reader seq;
        if (*n == KRB_PADATA_MAX) {
            r->failed = 1;
            return DER_ERR_VALUE;
        }
        KRB_TRY(der_expect(&list, DER_SEQUENCE, &seq, NULL));
        KRB_FIELD(&seq, 1, der_read_int32(&f_, &out[*n].type));
        KRB_FIELD(&seq, 2, der_read_octets(&f_, &out[*n].value));
        KRB_TRY(der_end(&seq));
        (*n)++;
    }
    return der_end(&list);
}

const struct krb_padata *krb_padata_find(const struct krb_padata *pa, size_t n, int32_t type)
{
    for (size_t i = 0; i < n; i++)
        if (pa[i].type == type)
            return &pa[i];
    return NULL;
}

int krb_seal(const struct krb_key *key, uint32_t usage, struct bytes_span plain, uint8_t **out, size_t *out_len)
{
    size_t cap = krb_crypto_ciphertext_size(key->etype, plain.len);
    int rc;

    *out = NULL;
    *out_len = 0;
    if (!cap)
        return KRB_CRYPTO_BAD_ETYPE;
    if (!(*out = malloc(cap)))
        return KRB_CRYPTO_NO_MEMORY;
    rc = krb_crypto_encrypt(key, usage, plain.p, plain.len, NULL, NULL, *out, cap, out_len);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

int krb_open(const struct krb_key *key, uint32_t usage, const struct krb_enc_data *e, uint8_t **out,
             size_t *out_len)
{
    size_t cap = e->cipher.len ? e->cipher.len : 1;
    int rc;

    *out = NULL;
    *out_len = 0;
    if (e->etype != key->etype)
        return KRB_CRYPTO_BAD_ETYPE;
    if (!(*out = malloc(cap)))
        return KRB_CRYPTO_NO_MEMORY;
    rc = krb_crypto_decrypt(key, usage, e->cipher.p, e->cipher.len, *out, cap, out_len);
    if (rc) {
        crypto_wipe(*out, cap);
        free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return rc;
}
