/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MD5 (RFC 1321).  Every NTLMv2 signature runs HMAC-MD5 over the whole
 * message, so the 64 steps are unrolled (md5_step.h, which also orders
 * each step for a short critical path) and the block loop keeps the state
 * in locals across consecutive blocks. */
#include <string.h>

#include "sspishim/crypto.h"

#include "le32.h"
#include "md5_step.h"
#include "md_frame.h"

#define MD5_NO_EXTRA(n) (void)0

static void md5_blocks(uint32_t h[4], const uint8_t *p, size_t blocks)
{
    uint32_t x[16];
    uint32_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];

    for (; blocks; blocks--, p += 64) {
        uint32_t a = h0, b = h1, c = h2, d = h3;
        for (int i = 0; i < 16; i++) x[i] = load_le32(p + 4 * i);
        MD5_STEPS(a, b, c, d, x, MD5_NO_EXTRA);
        h0 += a; h1 += b; h2 += c; h3 += d;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3;
    /* The schedule is a copy of the (possibly secret) input. */
    crypto_wipe(x, sizeof(x));
}

void crypto_md5_init(struct crypto_md5 *ctx)
{
    md_frame_init(ctx->h, &ctx->len);
}

void crypto_md5_update(struct crypto_md5 *ctx, const void *data, size_t len)
{
    block64_update(ctx->h, &ctx->len, ctx->buf, data, len, md5_blocks);
}

void crypto_md5_final(struct crypto_md5 *ctx, uint8_t out[CRYPTO_MD5_SIZE])
{
    md_frame_final(ctx->h, ctx->len, ctx->buf, out, md5_blocks);
    crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_md5(const void *data, size_t len, uint8_t out[CRYPTO_MD5_SIZE])
{
    struct crypto_md5 ctx;

    crypto_md5_init(&ctx);
    crypto_md5_update(&ctx, data, len);
    crypto_md5_final(&ctx, out);
}
