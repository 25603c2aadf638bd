/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MD4 (RFC 1320).  Broken as a hash, but NTLM's NT hash is defined by it,
 * and Windows-free systems cannot count on a library providing it any more
 * (OpenSSL 3 moved it to the legacy provider). */
#include <string.h>

#include "sspishim/crypto.h"

#include "le32.h"
#include "md_frame.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

#define F(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define G(x, y, z) (((x) & (y)) | ((x) & (z)) | ((y) & (z)))
#define H(x, y, z) ((x) ^ (y) ^ (z))

#define R1(a, b, c, d, k, s) a = ROTL(a + F(b, c, d) + x[k], s)
#define R2(a, b, c, d, k, s) a = ROTL(a + G(b, c, d) + x[k] + 0x5a827999u, s)
#define R3(a, b, c, d, k, s) a = ROTL(a + H(b, c, d) + x[k] + 0x6ed9eba1u, s)

static void md4_blocks(uint32_t h[4], const uint8_t *p, size_t blocks)
{
    uint32_t x[16];

    for (; blocks; blocks--, p += 64) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (int i = 0; i < 16; i++) x[i] = load_le32(p + 4 * i);

        R1(a, b, c, d,  0,  3); R1(d, a, b, c,  1,  7); R1(c, d, a, b,  2, 11); R1(b, c, d, a,  3, 19);
        R1(a, b, c, d,  4,  3); R1(d, a, b, c,  5,  7); R1(c, d, a, b,  6, 11); R1(b, c, d, a,  7, 19);
        R1(a, b, c, d,  8,  3); R1(d, a, b, c,  9,  7); R1(c, d, a, b, 10, 11); R1(b, c, d, a, 11, 19);
        R1(a, b, c, d, 12,  3); R1(d, a, b, c, 13,  7); R1(c, d, a, b, 14, 11); R1(b, c, d, a, 15, 19);

        R2(a, b, c, d,  0,  3); R2(d, a, b, c,  4,  5); R2(c, d, a, b,  8,  9); R2(b, c, d, a, 12, 13);
        R2(a, b, c, d,  1,  3); R2(d, a, b, c,  5,  5); R2(c, d, a, b,  9,  9); R2(b, c, d, a, 13, 13);
        R2(a, b, c, d,  2,  3); R2(d, a, b, c,  6,  5); R2(c, d, a, b, 10,  9); R2(b, c, d, a, 14, 13);
        R2(a, b, c, d,  3,  3); R2(d, a, b, c,  7,  5); R2(c, d, a, b, 11,  9); R2(b, c, d, a, 15, 13);

        R3(a, b, c, d,  0,  3); R3(d, a, b, c,  8,  9); R3(c, d, a, b,  4, 11); R3(b, c, d, a, 12, 15);
        R3(a, b, c, d,  2,  3); R3(d, a, b, c, 10,  9); R3(c, d, a, b,  6, 11); R3(b, c, d, a, 14, 15);
        R3(a, b, c, d,  1,  3); R3(d, a, b, c,  9,  9); R3(c, d, a, b,  5, 11); R3(b, c, d, a, 13, 15);
        R3(a, b, c, d,  3,  3); R3(d, a, b, c, 11,  9); R3(c, d, a, b,  7, 11); R3(b, c, d, a, 15, 15);

        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    }
    /* The schedule is a copy of the (possibly secret) input. */
    crypto_wipe(x, sizeof(x));
}

void crypto_md4_init(struct crypto_md4 *ctx)
{
    md_frame_init(ctx->h, &ctx->len);
}

void crypto_md4_update(struct crypto_md4 *ctx, const void *data, size_t len)
{
    block64_update(ctx->h, &ctx->len, ctx->buf, data, len, md4_blocks);
}

void crypto_md4_final(struct crypto_md4 *ctx, uint8_t out[CRYPTO_MD4_SIZE])
{
    md_frame_final(ctx->h, ctx->len, ctx->buf, out, md4_blocks);
    crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_md4(const void *data, size_t len, uint8_t out[CRYPTO_MD4_SIZE])
{
    struct crypto_md4 ctx;

    crypto_md4_init(&ctx);
    crypto_md4_update(&ctx, data, len);
    crypto_md4_final(&ctx, out);
}
