/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-message tokens for rc4-hmac contexts (RFC 4757 7.2, 7.3): RFC 1964's
 * token layout with HMAC-MD5 signatures and RC4 sealing, inside the same
 * GSS frame as the context tokens.
 *
 *   MIC  01 01 | 11 00 | FF FF FF FF | SND_SEQ(8) | SGN_CKSUM(8)
 *   Wrap 02 01 | 11 00 | 10 00 or FF FF | FF FF | SND_SEQ(8) | SGN_CKSUM(8)
 *        | Confounder(8) | data | pad
 *
 * With K the context key:
 *   Ksign = HMAC-MD5(K, "signaturekey\0")
 *   SGN_CKSUM = HMAC-MD5(Ksign, MD5(T | first 8 header bytes | [confounder]
 *               | data))[0..8), T 15 for MIC and 13 for Wrap, 4 bytes
 *               little-endian
 *   SND_SEQ plain = sequence number (4 bytes big-endian) | direction (4
 *               bytes, 00 from the initiator, FF from the acceptor),
 *               RC4-encrypted under HMAC-MD5(HMAC-MD5(K, 0^4), SGN_CKSUM)
 *   sealing: RC4 under HMAC-MD5(HMAC-MD5(K ^ F0.., 0^4), first 4 plain
 *               SND_SEQ bytes), one stream over confounder then data.
 * The data is padded RFC 1964 style, to a multiple of the block size
 * (1 here, so one byte 01); receivers take pads of 1..8. */
#include <stdlib.h>
#include <string.h>

#include "gss.h"
#include "sspishim/crypto.h"
#include "sspishim/sys.h"

#define RC4_HDR 32          /* TOK_ID .. Confounder */
#define RC4_MIC 24          /* TOK_ID .. SGN_CKSUM */
#define RC4_MAX ((size_t)1 << 30)

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* SGN_CKSUM over T | hdr[0..8) | parts. */
static void rc4_cksum(const struct krb_key *key, uint32_t t, const uint8_t *hdr8, const uint8_t *conf,
                      const uint8_t *data, size_t len, uint8_t out[8])
{
    static const char label[] = "signaturekey";     /* with its NUL */
    uint8_t ksign[16], digest[16], tb[4];
    struct crypto_md5 md5;

    crypto_hmac_md5(key->bytes, key->len, label, sizeof(label), ksign);
    le32(tb, t);
    crypto_md5_init(&md5);
    crypto_md5_update(&md5, tb, 4);
    crypto_md5_update(&md5, hdr8, 8);
    if (conf)
        crypto_md5_update(&md5, conf, 8);
    if (len)
        crypto_md5_update(&md5, data, len);
    crypto_md5_final(&md5, digest);
    crypto_hmac_md5(ksign, sizeof(ksign), digest, sizeof(digest), digest);
    memcpy(out, digest, 8);
    crypto_wipe(ksign, sizeof(ksign));
    crypto_wipe(digest, sizeof(digest));
    crypto_wipe(&md5, sizeof(md5));
}

/* SND_SEQ encrypted (or decrypted: RC4 is its own inverse) in place. */
static void rc4_seq(const struct krb_key *key, const uint8_t cksum[8], uint8_t seq[8])
{
    static const uint8_t zero[4];
    uint8_t kseq[16];
    struct crypto_rc4 rc4;

    crypto_hmac_md5(key->bytes, key->len, zero, 4, kseq);
    crypto_hmac_md5(kseq, sizeof(kseq), cksum, 8, kseq);
    crypto_rc4_init(&rc4, kseq, sizeof(kseq));
    crypto_rc4_crypt(&rc4, seq, seq, 8);
    crypto_wipe(kseq, sizeof(kseq));
    crypto_wipe(&rc4, sizeof(rc4));
}

static void rc4_seal_key(const struct krb_key *key, const uint8_t seq_plain[4], struct crypto_rc4 *rc4)
{
    static const uint8_t zero[4];
    uint8_t klocal[KRB_KEY_MAX], kcrypt[16];

    for (size_t i = 0; i < key->len; i++)
        klocal[i] = key->bytes[i] ^ 0xf0;
    crypto_hmac_md5(klocal, key->len, zero, 4, kcrypt);
    crypto_hmac_md5(kcrypt, sizeof(kcrypt), seq_plain, 4, kcrypt);
    crypto_rc4_init(rc4, kcrypt, sizeof(kcrypt));
    crypto_wipe(klocal, sizeof(klocal));
    crypto_wipe(kcrypt, sizeof(kcrypt));
}

static void seq_plain(const struct krb_gss_ctx *ctx, uint8_t out[8])
{
    uint32_t s = (uint32_t)ctx->send_seq;

    out[0] = (uint8_t)(s >> 24);
    out[1] = (uint8_t)(s >> 16);
    out[2] = (uint8_t)(s >> 8);
    out[3] = (uint8_t)s;
    memset(out + 4, ctx->initiator ? 0x00 : 0xff, 4);
}

/* Opens SND_SEQ and checks it came from the peer: the number. */
static int open_seq(const struct krb_gss_ctx *ctx, const struct krb_key *key, const uint8_t *cksum,
                    const uint8_t *enc, uint8_t plain[8], uint64_t *seq)
{
    uint8_t di = ctx->initiator ? 0xff : 0x00;

    memcpy(plain, enc, 8);
    rc4_seq(key, cksum, plain);
    for (int i = 4; i < 8; i++)
        if (plain[i] != di)
            return KRB_E_BAD_INTEGRITY;
    *seq = (uint64_t)plain[0] << 24 | (uint64_t)plain[1] << 16 | (uint64_t)plain[2] << 8 | plain[3];
    return KRB_OK;
}

static int put_framed(struct bytes_writer *w, uint16_t tok_id, const uint8_t *inner, size_t len)
{
    return krb_gss_frame_encode(w, tok_id, (struct bytes_span){ inner, len }) ? KRB_E_NO_MEMORY : KRB_OK;
}

int gss_rc4_wrap(struct krb_gss_ctx *ctx, const struct krb_key *key, bool conf, const uint8_t *msg, size_t len,
                 struct bytes_writer *out)
{
    uint8_t *t, seq[8];
    size_t n = RC4_HDR - 2 + len + 1;
    int rc;

    if (len > RC4_MAX)
        return KRB_E_NO_MEMORY;
    if (!(t = malloc(n)))
        return KRB_E_NO_MEMORY;
    /* t holds the token after TOK_ID: header bytes 2..31, data, pad. */
    memcpy(t, conf ? "\x11\x00\x10\x00\xff\xff" : "\x11\x00\xff\xff\xff\xff", 6);
    if (sys_random(t + 22, 8)) {
        free(t);
        return KRB_E_STATE;
    }
    if (len)
        memcpy(t + 30, msg, len);
    t[30 + len] = 0x01;
    {
        uint8_t hdr8[8] = { 0x02, 0x01 };
        memcpy(hdr8 + 2, t, 6);
        rc4_cksum(key, 13, hdr8, t + 22, t + 30, len + 1, t + 14);
    }
    seq_plain(ctx, seq);
    if (conf) {
        struct crypto_rc4 rc4;
        rc4_seal_key(key, seq, &rc4);
        crypto_rc4_crypt(&rc4, t + 22, t + 22, 8 + len + 1);
        crypto_wipe(&rc4, sizeof(rc4));
    }
    rc4_seq(key, t + 14, seq);
    memcpy(t + 6, seq, 8);
    rc = put_framed(out, 0x0201, t, n);
    crypto_wipe(t, n);
    free(t);
    if (rc == KRB_OK)
        ctx->send_seq++;
    return rc;
}

int gss_rc4_unwrap(struct krb_gss_ctx *ctx, const struct krb_key *key, const uint8_t *tok, size_t len,
                   struct bytes_writer *out, bool *conf, unsigned *supp)
{
    struct bytes_span inner;
    uint8_t *t, seq[8], cksum[8], hdr8[8] = { 0x02, 0x01 };
    uint16_t tok_id;
    uint64_t number;
    bool sealed;
    size_t n, pad;
    int rc;

    if (krb_gss_frame_decode((struct bytes_span){ tok, len }, &tok_id, &inner) || tok_id != 0x0201 ||
        inner.len < RC4_HDR - 2 + 1)
        return KRB_E_MALFORMED;
    if (memcmp(inner.p, "\x11\x00", 2) || memcmp(inner.p + 4, "\xff\xff", 2))
        return KRB_E_MALFORMED;
    if (!memcmp(inner.p + 2, "\x10\x00", 2))
        sealed = true;
    else if (!memcmp(inner.p + 2, "\xff\xff", 2))
        sealed = false;
    else
        return KRB_E_MALFORMED;
    if ((rc = open_seq(ctx, key, inner.p + 14, inner.p + 6, seq, &number)))
        return rc;
    n = inner.len;
    if (!(t = malloc(n)))
        return KRB_E_NO_MEMORY;
    memcpy(t, inner.p, n);
    if (sealed) {
        struct crypto_rc4 rc4;
        rc4_seal_key(key, seq, &rc4);
        crypto_rc4_crypt(&rc4, t + 22, t + 22, n - 22);
        crypto_wipe(&rc4, sizeof(rc4));
    }
    memcpy(hdr8 + 2, t, 6);
    rc4_cksum(key, 13, hdr8, t + 22, t + 30, n - 30, cksum);
    /* Constant time: a difference anywhere is one bit in d. */
    {
        uint8_t d = 0;
        for (int i = 0; i < 8; i++)
            d |= (uint8_t)(cksum[i] ^ t[14 + i]);
        rc = d ? KRB_E_BAD_INTEGRITY : KRB_OK;
    }
    pad = t[n - 1];
    if (rc == KRB_OK && (pad < 1 || pad > 8 || pad > n - 30))
        rc = KRB_E_BAD_INTEGRITY;
    /* The message goes out only once the number is accepted too. */
    if (rc == KRB_OK)
        rc = gss_seq_accept(ctx, number, supp);
    if (rc == KRB_OK && bytes_put(out, t + 30, n - 30 - pad))
        rc = KRB_E_NO_MEMORY;
    crypto_wipe(t, n);
    free(t);
    if (rc == KRB_OK && conf)
        *conf = sealed;
    return rc;
}

int gss_rc4_get_mic(struct krb_gss_ctx *ctx, const struct krb_key *key, const uint8_t *msg, size_t len,
                    uint8_t *out, size_t out_cap, size_t *out_len)
{
    static const uint8_t hdr8[8] = { 0x01, 0x01, 0x11, 0x00, 0xff, 0xff, 0xff, 0xff };
    uint8_t inner[RC4_MIC - 2], seq[8];
    struct bytes_writer w;

    memcpy(inner, hdr8 + 2, 6);
    rc4_cksum(key, 15, hdr8, NULL, msg, len, inner + 14);
    seq_plain(ctx, seq);
    rc4_seq(key, inner + 14, seq);
    memcpy(inner + 6, seq, 8);
    bytes_writer_init(&w, out, out_cap);
    if (put_framed(&w, 0x0101, inner, sizeof(inner)))
        return KRB_E_STATE;         /* out too small */
    *out_len = w.len;
    ctx->send_seq++;
    return KRB_OK;
}

int gss_rc4_verify_mic(struct krb_gss_ctx *ctx, const struct krb_key *key, const uint8_t *msg, size_t len,
                       const uint8_t *tok, size_t tok_len, unsigned *supp)
{
    static const uint8_t hdr8[8] = { 0x01, 0x01, 0x11, 0x00, 0xff, 0xff, 0xff, 0xff };
    struct bytes_span inner;
    uint8_t seq[8], cksum[8], d = 0;
    uint16_t tok_id;
    uint64_t number;
    int rc;

    if (krb_gss_frame_decode((struct bytes_span){ tok, tok_len }, &tok_id, &inner) || tok_id != 0x0101 ||
        inner.len != RC4_MIC - 2 || memcmp(inner.p, hdr8 + 2, 6))
        return KRB_E_MALFORMED;
    rc4_cksum(key, 15, hdr8, NULL, msg, len, cksum);
    for (int i = 0; i < 8; i++)
        d |= (uint8_t)(cksum[i] ^ inner.p[14 + i]);
    if (d)
        return KRB_E_BAD_INTEGRITY;
    if ((rc = open_seq(ctx, key, inner.p + 14, inner.p + 6, seq, &number)))
        return rc;
    return gss_seq_accept(ctx, number, supp);
}

/* The frame around n inner bytes: 0x60, its length, the OID, TOK_ID. */
size_t gss_rc4_frame_size(size_t n)
{
    size_t content = 11 + 2 + n;

    return 1 + (content < 0x80 ? 1 : content < 0x100 ? 2 : content < 0x10000 ? 3 : 4) + 11 + 2;
}
