/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 4121 4.2.6.2 Wrap tokens:
 *
 *   05 04 Flags FF EC(2) RRC(2) SND_SEQ(8) | rotated body
 *
 * Sealed: body = E(data | EC filler | header with RRC 0) under the SEAL
 * usage.  Not sealed: body = data | checksum, the checksum over data |
 * header with EC and RRC 0, and EC says the checksum's length.  Then the
 * body is rotated right by RRC octets (RFC 4121 4.2.5).
 *
 * Senders here use EC 0 when sealing (the ciphers are length preserving)
 * and RRC 0 or the SSPI layout, where the rotation brings everything but
 * the data in front of it: Windows' SECBUFFER_TOKEN is then the first
 * bytes and SECBUFFER_DATA the rest.  Receivers take any EC and RRC. */
#include <stdlib.h>
#include <string.h>

#include "gss.h"
#include "sspishim/crypto.h"

#define HDR 16
/* Keeps every length sum below overflow; no message comes near. */
#define WRAP_MAX ((size_t)1 << 30)

static void put_header(uint8_t *h, uint8_t flags, uint16_t ec, uint16_t rrc, uint64_t seq)
{
    h[0] = 0x05;
    h[1] = 0x04;
    h[2] = flags;
    h[3] = 0xff;
    h[4] = (uint8_t)(ec >> 8);
    h[5] = (uint8_t)ec;
    h[6] = (uint8_t)(rrc >> 8);
    h[7] = (uint8_t)rrc;
    for (int i = 0; i < 8; i++)
        h[8 + i] = (uint8_t)(seq >> (56 - 8 * i));
}

static void reverse(uint8_t *p, size_t n)
{
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        uint8_t t = p[i];
        p[i] = p[j - 1];
        p[j - 1] = t;
    }
}

/* Right by r: the last r octets come first.  Left undoes it. */
static void rotate_right(uint8_t *p, size_t n, size_t r)
{
    if (!n || !(r %= n))
        return;
    reverse(p, n);
    reverse(p, r);
    reverse(p + r, n - r);
}

static void rotate_left(uint8_t *p, size_t n, size_t r)
{
    if (!n || !(r %= n))
        return;
    reverse(p, r);
    reverse(p + r, n - r);
    reverse(p, n);
}

/* Checksum over data | header (EC, RRC zeroed), as both ends compute it. */
static int header_checksum(const struct krb_key *key, uint32_t usage, const uint8_t *data, size_t len,
                           const uint8_t *hdr, uint8_t *out, size_t cap, size_t *out_len, bool verify)
{
    uint8_t *buf = malloc(len + HDR);
    int32_t type;
    int rc;

    if (!buf)
        return KRB_E_NO_MEMORY;
    if (len)
        memcpy(buf, data, len);
    memcpy(buf + len, hdr, HDR);
    memset(buf + len + 4, 0, 4);
    if (verify)
        rc = krb_crypto_verify_checksum(key, usage, krb_crypto_checksum_type(key->etype), buf, len + HDR, out,
                                        cap);
    else
        rc = krb_crypto_make_checksum(key, usage, buf, len + HDR, &type, out, cap, out_len);
    crypto_wipe(buf, len + HDR);
    free(buf);
    return gss_crypto_status(rc);
}

/* The whole token, into a fresh heap buffer. */
static int wrap_token(struct krb_gss_ctx *ctx, bool conf, enum krb_gss_layout layout, const uint8_t *msg,
                      size_t len, uint8_t **tok, size_t *tok_len)
{
    const struct krb_key *key;
    bool acc_subkey;
    uint8_t flags, *t;
    size_t h, body, n;
    uint16_t ec, rrc;
    uint32_t usage;
    int rc;

    *tok = NULL;
    *tok_len = 0;
    if (!ctx || ctx->state != KRB_GSS_ST_ESTABLISHED || (!msg && len))
        return KRB_E_STATE;
    if (len > WRAP_MAX)
        return KRB_E_NO_MEMORY;
    key = gss_send_key(ctx, &acc_subkey);
    if (!gss_cfx_etype(key->etype))
        return KRB_E_UNSUPPORTED;
    h = krb_crypto_checksum_size(key->etype);
    usage = ctx->initiator ? KG_USAGE_INITIATOR_SEAL : KG_USAGE_ACCEPTOR_SEAL;
    flags = (uint8_t)((ctx->initiator ? 0 : KG_FLAG_SENT_BY_ACCEPTOR) | (conf ? KG_FLAG_SEALED : 0) |
                      (acc_subkey ? KG_FLAG_ACCEPTOR_SUBKEY : 0));
    if (conf) {
        ec = 0;
        rrc = layout == KRB_GSS_RRC_SSPI ? (uint16_t)(HDR + h) : 0;
        body = krb_crypto_ciphertext_size(key->etype, len + HDR);
    } else {
        ec = (uint16_t)h;
        rrc = layout == KRB_GSS_RRC_SSPI ? (uint16_t)h : 0;
        body = len + h;
    }
    if (!body || !(t = malloc(HDR + body)))
        return body ? KRB_E_NO_MEMORY : KRB_E_ETYPE;
    put_header(t, flags, ec, rrc, ctx->send_seq);
    if (conf) {
        uint8_t *plain = malloc(len + HDR);
        if (!plain) {
            free(t);
            return KRB_E_NO_MEMORY;
        }
        if (len)
            memcpy(plain, msg, len);
        memcpy(plain + len, t, HDR);
        memset(plain + len + 6, 0, 2);      /* the encrypted copy has RRC 0 */
        rc = gss_crypto_status(krb_crypto_encrypt_cached(&ctx->wrap_keys[0], key, usage, plain, len + HDR, NULL, NULL,
                                                         t + HDR, body, &n));
        crypto_wipe(plain, len + HDR);
        free(plain);
    } else {
        if (len)
            memcpy(t + HDR, msg, len);
        rc = header_checksum(key, usage, msg, len, t, t + HDR + len, h, &n, false);
    }
    if (rc) {
        free(t);
        return rc;
    }
    rotate_right(t + HDR, body, rrc);
    ctx->send_seq++;
    *tok = t;
    *tok_len = HDR + body;
    return KRB_OK;
}

/* Opens tok (which it may scramble); *plain points into *owned, which
 * the caller wipes and frees. */
static int unwrap_token(struct krb_gss_ctx *ctx, uint8_t *tok, size_t len, uint8_t **owned, size_t *owned_len,
                        struct bytes_span *plain, bool *conf, unsigned *supp)
{
    const struct krb_key *key;
    uint8_t flags, *body, *out;
    size_t n, h, plen;
    uint16_t ec, rrc;
    uint64_t seq = 0;
    uint32_t usage;
    int rc;

    *owned = NULL;
    *owned_len = 0;
    if (!ctx || ctx->state != KRB_GSS_ST_ESTABLISHED)
        return KRB_E_STATE;
    if (len < HDR || len > WRAP_MAX || tok[0] != 0x05 || tok[1] != 0x04 || tok[3] != 0xff)
        return KRB_E_MALFORMED;
    flags = tok[2];
    /* A token of our own sent back to us is not the peer's. */
    if (!(flags & KG_FLAG_SENT_BY_ACCEPTOR) != !ctx->initiator)
        return KRB_E_BAD_INTEGRITY;
    if (!(key = gss_recv_key(ctx, flags)))
        return KRB_E_BAD_INTEGRITY;
    if (!gss_cfx_etype(key->etype))
        return KRB_E_UNSUPPORTED;
    h = krb_crypto_checksum_size(key->etype);
    ec = (uint16_t)(tok[4] << 8 | tok[5]);
    rrc = (uint16_t)(tok[6] << 8 | tok[7]);
    for (int i = 0; i < 8; i++)
        seq = seq << 8 | tok[8 + i];
    usage = ctx->initiator ? KG_USAGE_ACCEPTOR_SEAL : KG_USAGE_INITIATOR_SEAL;
    body = tok + HDR;
    n = len - HDR;
    rotate_left(body, n, rrc);
    if (flags & KG_FLAG_SEALED) {
        if (!n || !(out = malloc(n)))
            return n ? KRB_E_NO_MEMORY : KRB_E_BAD_INTEGRITY;
        *owned = out;
        *owned_len = n;
        if ((rc = gss_crypto_status(krb_crypto_decrypt_cached(&ctx->wrap_keys[1], key, usage, body, n, out, n, &plen))))
            return rc;
        /* data | filler | header copy: the copy must match the header we
         * got in the clear (its RRC is not compared: senders differ). */
        if (plen < HDR || plen - HDR < ec || memcmp(out + plen - HDR, tok, 6) ||
            memcmp(out + plen - HDR + 8, tok + 8, 8))
            return KRB_E_BAD_INTEGRITY;
        *plain = (struct bytes_span){ out, plen - HDR - ec };
    } else {
        if (ec != h || n < h)
            return KRB_E_BAD_INTEGRITY;
        if ((rc = header_checksum(key, usage, body, n - h, tok, body + n - h, h, NULL, true)))
            return rc;
        if (!(out = malloc(n - h ? n - h : 1)))
            return KRB_E_NO_MEMORY;
        *owned = out;
        *owned_len = n - h;
        if (n - h)
            memcpy(out, body, n - h);
        *plain = (struct bytes_span){ out, n - h };
    }
    if (conf)
        *conf = (flags & KG_FLAG_SEALED) != 0;
    return gss_seq_accept(ctx, seq, supp);
}

static void release(uint8_t *p, size_t n)
{
    if (p) {
        crypto_wipe(p, n);
        free(p);
    }
}

int krb_gss_wrap(struct krb_gss_ctx *ctx, bool conf, enum krb_gss_layout layout, const uint8_t *msg, size_t len,
                 struct bytes_writer *out)
{
    uint8_t *tok;
    size_t tok_len;
    int rc;

    if (!out)
        return KRB_E_STATE;
    if (ctx && ctx->state == KRB_GSS_ST_ESTABLISHED && (msg || !len)) {
        bool acc_subkey;
        const struct krb_key *key = gss_send_key(ctx, &acc_subkey);
        if (key->etype == KRB_ETYPE_RC4_HMAC)
            return gss_rc4_wrap(ctx, key, conf, msg, len, out);
    }
    if ((rc = wrap_token(ctx, conf, layout, msg, len, &tok, &tok_len)))
        return rc;
    rc = bytes_put(out, tok, tok_len) ? KRB_E_NO_MEMORY : KRB_OK;
    release(tok, tok_len);
    return rc;
}

int krb_gss_unwrap(struct krb_gss_ctx *ctx, const uint8_t *tok, size_t len, struct bytes_writer *out, bool *conf,
                   unsigned *supp)
{
    uint8_t *copy, *owned;
    size_t owned_len;
    struct bytes_span plain;
    int rc;

    if (supp)
        *supp = 0;
    if (!out || (!tok && len))
        return KRB_E_STATE;
    if (ctx && ctx->state == KRB_GSS_ST_ESTABLISHED) {
        bool acc_subkey;
        const struct krb_key *key = gss_send_key(ctx, &acc_subkey);
        if (key->etype == KRB_ETYPE_RC4_HMAC)
            return gss_rc4_unwrap(ctx, key, tok, len, out, conf, supp);
    }
    if (len > WRAP_MAX || !(copy = malloc(len ? len : 1)))
        return len > WRAP_MAX ? KRB_E_MALFORMED : KRB_E_NO_MEMORY;
    if (len)
        memcpy(copy, tok, len);
    rc = unwrap_token(ctx, copy, len, &owned, &owned_len, &plain, conf, supp);
    if (rc == KRB_OK && bytes_put(out, plain.p, plain.len))
        rc = KRB_E_NO_MEMORY;
    release(owned, owned_len);
    release(copy, len);
    return rc;
}

int krb_gss_wrap_split(struct krb_gss_ctx *ctx, bool conf, enum krb_gss_layout layout, uint8_t *data, size_t len,
                       uint8_t *hdr, size_t hdr_cap, size_t *hdr_len)
{
    uint8_t *tok;
    size_t tok_len;
    int rc;

    if (!hdr_len || (!hdr && hdr_cap))
        return KRB_E_STATE;
    *hdr_len = 0;
    /* Checked before a sequence number is spent. */
    if (ctx && ctx->state == KRB_GSS_ST_ESTABLISHED && len <= WRAP_MAX) {
        bool acc_subkey;
        const struct krb_key *key = gss_send_key(ctx, &acc_subkey);
        size_t h = krb_crypto_checksum_size(key->etype);
        size_t need = conf ? HDR + krb_crypto_ciphertext_size(key->etype, len + HDR) - len : HDR + h;
        if (gss_cfx_etype(key->etype) && hdr_cap < need)
            return KRB_E_STATE;
        /* RFC 4757 pads after the data: SSPI puts that byte in a
         * SECBUFFER_PADDING this form has no room for. */
        if (key->etype == KRB_ETYPE_RC4_HMAC)
            return KRB_E_UNSUPPORTED;
    }
    if ((rc = wrap_token(ctx, conf, layout, data, len, &tok, &tok_len)))
        return rc;
    memcpy(hdr, tok, tok_len - len);
    if (len)
        memcpy(data, tok + tok_len - len, len);
    *hdr_len = tok_len - len;
    release(tok, tok_len);
    return KRB_OK;
}

int krb_gss_unwrap_split(struct krb_gss_ctx *ctx, const uint8_t *hdr, size_t hdr_len, uint8_t *data,
                         size_t data_len, size_t *plain_len, bool *conf, unsigned *supp)
{
    uint8_t *tok, *owned;
    size_t owned_len, len;
    struct bytes_span plain;
    int rc;

    if (supp)
        *supp = 0;
    if (!plain_len || (!hdr && hdr_len) || (!data && data_len))
        return KRB_E_STATE;
    *plain_len = 0;
    if (hdr_len > WRAP_MAX || data_len > WRAP_MAX)
        return KRB_E_MALFORMED;
    len = hdr_len + data_len;
    if (!(tok = malloc(len ? len : 1)))
        return KRB_E_NO_MEMORY;
    if (hdr_len)
        memcpy(tok, hdr, hdr_len);
    if (data_len)
        memcpy(tok + hdr_len, data, data_len);
    if (ctx && ctx->state == KRB_GSS_ST_ESTABLISHED &&
        gss_send_key(ctx, &(bool){ false })->etype == KRB_ETYPE_RC4_HMAC) {
        struct bytes_writer w;
        bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
        rc = krb_gss_unwrap(ctx, tok, len, &w, conf, supp);
        if (rc == KRB_OK && w.len > data_len)
            rc = KRB_E_MALFORMED;
        if (rc == KRB_OK) {
            if (w.len)
                memcpy(data, w.buf, w.len);
            *plain_len = w.len;
        }
        bytes_writer_free(&w);
        release(tok, len);
        return rc;
    }
    rc = unwrap_token(ctx, tok, len, &owned, &owned_len, &plain, conf, supp);
    if (rc == KRB_OK) {
        if (plain.len > data_len) {
            rc = KRB_E_MALFORMED;
        } else {
            if (plain.len)
                memcpy(data, plain.p, plain.len);
            *plain_len = plain.len;
        }
    }
    release(owned, owned_len);
    release(tok, len);
    return rc;
}
