/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The established context's shared parts: which key protects a token,
 * the receiver's sequence window, sizes for the SSPI layer, and freeing. */
#include <stdlib.h>
#include <string.h>

#include "gss.h"
#include "sspishim/crypto.h"
#include "sspishim/sys.h"

bool gss_cfx_etype(int32_t etype)
{
    switch (etype) {
    case KRB_ETYPE_AES128_CTS_HMAC_SHA1_96:
    case KRB_ETYPE_AES256_CTS_HMAC_SHA1_96:
    case KRB_ETYPE_AES128_CTS_HMAC_SHA256_128:
    case KRB_ETYPE_AES256_CTS_HMAC_SHA384_192:
        return true;
    }
    return false;
}

const struct krb_key *gss_send_key(const struct krb_gss_ctx *ctx, bool *acceptor_subkey)
{
    *acceptor_subkey = ctx->has_acc_subkey;
    if (ctx->has_acc_subkey)
        return &ctx->acc_subkey;
    return ctx->has_init_subkey ? &ctx->init_subkey : &ctx->session;
}

const struct krb_key *gss_recv_key(const struct krb_gss_ctx *ctx, uint8_t token_flags)
{
    if (token_flags & KG_FLAG_ACCEPTOR_SUBKEY)
        return ctx->has_acc_subkey ? &ctx->acc_subkey : NULL;
    return ctx->has_init_subkey ? &ctx->init_subkey : &ctx->session;
}

int gss_random_key(int32_t etype, struct krb_key *out)
{
    uint8_t seed[KRB_KEY_MAX];
    size_t n = krb_crypto_key_size(etype);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!n || n > sizeof(seed))
        return KRB_E_ETYPE;
    if (sys_random(seed, n))
        return KRB_E_STATE;
    rc = krb_crypto_random_to_key(etype, seed, n, out);
    crypto_wipe(seed, sizeof(seed));
    return rc ? KRB_E_ETYPE : KRB_OK;
}

int gss_random_seq(uint32_t *out)
{
    if (sys_random(out, sizeof(*out)))
        return KRB_E_STATE;
    *out &= 0x3fffffff;
    return KRB_OK;
}

int gss_crypto_status(int rc)
{
    switch (rc) {
    case KRB_CRYPTO_OK: return KRB_OK;
    case KRB_CRYPTO_BAD_INTEGRITY:
    case KRB_CRYPTO_BAD_LENGTH: return KRB_E_BAD_INTEGRITY;
    case KRB_CRYPTO_NO_MEMORY: return KRB_E_NO_MEMORY;
    case KRB_CRYPTO_BAD_ETYPE: return KRB_E_ETYPE;
    }
    return KRB_E_STATE;
}

/* RFC 2743 1.2.3: a window of the last 64 numbers below the next one
 * expected tells a duplicate from one merely late; older than the window
 * is "old".  Called only for tokens that verified, so a forgery never
 * moves the window. */
int gss_seq_accept(struct krb_gss_ctx *ctx, uint64_t seq, unsigned *supp)
{
    unsigned bits = 0;

    if (seq == ctx->recv_next) {
        ctx->recv_window = (ctx->recv_window << 1) | 1;
        ctx->recv_next++;
    } else if (seq > ctx->recv_next) {
        uint64_t shift = seq - ctx->recv_next + 1;
        ctx->recv_window = shift >= 64 ? 1 : (ctx->recv_window << shift) | 1;
        ctx->recv_next = seq + 1;
        bits = KRB_GSS_SUPP_GAP;
    } else {
        uint64_t d = ctx->recv_next - 1 - seq;
        if (d >= 64)
            bits = KRB_GSS_SUPP_OLD;
        else if (ctx->recv_window & ((uint64_t)1 << d))
            bits = KRB_GSS_SUPP_DUPLICATE;
        else {
            ctx->recv_window |= (uint64_t)1 << d;
            bits = KRB_GSS_SUPP_UNSEQ;
        }
    }
    if (supp)
        *supp = bits;
    if ((ctx->flags & KRB_GSS_REPLAY) && (bits & (KRB_GSS_SUPP_DUPLICATE | KRB_GSS_SUPP_OLD)))
        return KRB_E_REPLAY;
    if ((ctx->flags & KRB_GSS_SEQUENCE) && bits)
        return KRB_E_SEQ_OUT_OF_ORDER;
    return KRB_OK;
}

int krb_gss_sizes(const struct krb_gss_ctx *ctx, struct krb_gss_sizes *out)
{
    bool acc;
    const struct krb_key *key;
    size_t h;

    memset(out, 0, sizeof(*out));
    if (!ctx || ctx->state != KRB_GSS_ST_ESTABLISHED)
        return KRB_E_STATE;
    key = gss_send_key(ctx, &acc);
    if (key->etype == KRB_ETYPE_RC4_HMAC) {
        /* RFC 4757: the framed 24-byte MIC token; the Wrap token's frame
         * at its largest, 30 header bytes and the pad. */
        out->max_signature = gss_rc4_frame_size(22) + 22;
        out->security_trailer = gss_rc4_frame_size((size_t)1 << 30) + 30 + 1;
        out->block_size = 1;
        return KRB_OK;
    }
    if (!gss_cfx_etype(key->etype))
        return KRB_E_UNSUPPORTED;
    h = krb_crypto_checksum_size(key->etype);
    out->max_signature = 16 + h;
    out->security_trailer = 16 + 16 + h + 16;
    out->block_size = 1;
    return KRB_OK;
}

void krb_gss_ctx_free(struct krb_gss_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->authz) {
        crypto_wipe(ctx->authz, ctx->authz_len);
        free(ctx->authz);
    }
    crypto_wipe(ctx, sizeof(*ctx));
}
