/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MD5 (RFC 1321).  Every NTLMv2 signature runs HMAC-MD5 over the whole
 * message, so the 64 steps are unrolled and the block loop keeps the state
 * in locals across consecutive blocks. */
#include <string.h>

#include "sspishim/crypto.h"

#include "le32.h"
#include "md_frame.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

/* F and G in their select form: same values as RFC 1321's, one op fewer. */
#define F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define I(x, y, z) ((y) ^ ((x) | ~(z)))

#define STEP(f, a, b, c, d, xk, t, s) \
    a = b + ROTL(a + f(b, c, d) + (xk) + (uint32_t)(t), s)

static void md5_blocks(uint32_t h[4], const uint8_t *p, size_t blocks)
{
    uint32_t x[16];
    uint32_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];

    for (; blocks; blocks--, p += 64) {
        uint32_t a = h0, b = h1, c = h2, d = h3;
        for (int i = 0; i < 16; i++) x[i] = load_le32(p + 4 * i);

        /* The constants are floor(2^32 * |sin(i)|), i = 1..64. */
        STEP(F, a, b, c, d, x[ 0], 0xd76aa478,  7);
        STEP(F, d, a, b, c, x[ 1], 0xe8c7b756, 12);
        STEP(F, c, d, a, b, x[ 2], 0x242070db, 17);
        STEP(F, b, c, d, a, x[ 3], 0xc1bdceee, 22);
        STEP(F, a, b, c, d, x[ 4], 0xf57c0faf,  7);
        STEP(F, d, a, b, c, x[ 5], 0x4787c62a, 12);
        STEP(F, c, d, a, b, x[ 6], 0xa8304613, 17);
        STEP(F, b, c, d, a, x[ 7], 0xfd469501, 22);
        STEP(F, a, b, c, d, x[ 8], 0x698098d8,  7);
        STEP(F, d, a, b, c, x[ 9], 0x8b44f7af, 12);
        STEP(F, c, d, a, b, x[10], 0xffff5bb1, 17);
        STEP(F, b, c, d, a, x[11], 0x895cd7be, 22);
        STEP(F, a, b, c, d, x[12], 0x6b901122,  7);
        STEP(F, d, a, b, c, x[13], 0xfd987193, 12);
        STEP(F, c, d, a, b, x[14], 0xa679438e, 17);
        STEP(F, b, c, d, a, x[15], 0x49b40821, 22);

        STEP(G, a, b, c, d, x[ 1], 0xf61e2562,  5);
        STEP(G, d, a, b, c, x[ 6], 0xc040b340,  9);
        STEP(G, c, d, a, b, x[11], 0x265e5a51, 14);
        STEP(G, b, c, d, a, x[ 0], 0xe9b6c7aa, 20);
        STEP(G, a, b, c, d, x[ 5], 0xd62f105d,  5);
        STEP(G, d, a, b, c, x[10], 0x02441453,  9);
        STEP(G, c, d, a, b, x[15], 0xd8a1e681, 14);
        STEP(G, b, c, d, a, x[ 4], 0xe7d3fbc8, 20);
        STEP(G, a, b, c, d, x[ 9], 0x21e1cde6,  5);
        STEP(G, d, a, b, c, x[14], 0xc33707d6,  9);
        STEP(G, c, d, a, b, x[ 3], 0xf4d50d87, 14);
        STEP(G, b, c, d, a, x[ 8], 0x455a14ed, 20);
        STEP(G, a, b, c, d, x[13], 0xa9e3e905,  5);
        STEP(G, d, a, b, c, x[ 2], 0xfcefa3f8,  9);
        STEP(G, c, d, a, b, x[ 7], 0x676f02d9, 14);
        STEP(G, b, c, d, a, x[12], 0x8d2a4c8a, 20);

        STEP(H, a, b, c, d, x[ 5], 0xfffa3942,  4);
        STEP(H, d, a, b, c, x[ 8], 0x8771f681, 11);
        STEP(H, c, d, a, b, x[11], 0x6d9d6122, 16);
        STEP(H, b, c, d, a, x[14], 0xfde5380c, 23);
        STEP(H, a, b, c, d, x[ 1], 0xa4beea44,  4);
        STEP(H, d, a, b, c, x[ 4], 0x4bdecfa9, 11);
        STEP(H, c, d, a, b, x[ 7], 0xf6bb4b60, 16);
        STEP(H, b, c, d, a, x[10], 0xbebfbc70, 23);
        STEP(H, a, b, c, d, x[13], 0x289b7ec6,  4);
        STEP(H, d, a, b, c, x[ 0], 0xeaa127fa, 11);
        STEP(H, c, d, a, b, x[ 3], 0xd4ef3085, 16);
        STEP(H, b, c, d, a, x[ 6], 0x04881d05, 23);
        STEP(H, a, b, c, d, x[ 9], 0xd9d4d039,  4);
        STEP(H, d, a, b, c, x[12], 0xe6db99e5, 11);
        STEP(H, c, d, a, b, x[15], 0x1fa27cf8, 16);
        STEP(H, b, c, d, a, x[ 2], 0xc4ac5665, 23);

        STEP(I, a, b, c, d, x[ 0], 0xf4292244,  6);
        STEP(I, d, a, b, c, x[ 7], 0x432aff97, 10);
        STEP(I, c, d, a, b, x[14], 0xab9423a7, 15);
        STEP(I, b, c, d, a, x[ 5], 0xfc93a039, 21);
        STEP(I, a, b, c, d, x[12], 0x655b59c3,  6);
        STEP(I, d, a, b, c, x[ 3], 0x8f0ccc92, 10);
        STEP(I, c, d, a, b, x[10], 0xffeff47d, 15);
        STEP(I, b, c, d, a, x[ 1], 0x85845dd1, 21);
        STEP(I, a, b, c, d, x[ 8], 0x6fa87e4f,  6);
        STEP(I, d, a, b, c, x[15], 0xfe2ce6e0, 10);
        STEP(I, c, d, a, b, x[ 6], 0xa3014314, 15);
        STEP(I, b, c, d, a, x[13], 0x4e0811a1, 21);
        STEP(I, a, b, c, d, x[ 4], 0xf7537e82,  6);
        STEP(I, d, a, b, c, x[11], 0xbd3af235, 10);
        STEP(I, c, d, a, b, x[ 2], 0x2ad7d2bb, 15);
        STEP(I, b, c, d, a, x[ 9], 0xeb86d391, 21);

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
    md_frame_update(ctx->h, &ctx->len, ctx->buf, data, len, md5_blocks);
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
