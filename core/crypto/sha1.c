/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-1 (FIPS 180-4 6.1).  Broken for signatures, still sound inside HMAC:
 * RFC 3962's aes*-cts-hmac-sha1-96 enctypes, the ones every KDC offers,
 * are built on HMAC-SHA1 and PBKDF2-HMAC-SHA1. */
#include <string.h>

#include "sspishim/crypto_sha.h"

#include "sha_frame.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1_blocks(uint32_t *h, const uint8_t *p, size_t blocks)
{
    uint32_t w[16];

    for (; blocks; blocks--, p += 64) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

        /* The 80-word schedule kept as a 16-word ring. */
        for (int t = 0; t < 80; t++) {
            uint32_t f, k, tmp;
            if (t < 16) {
                w[t] = load_be32(p + 4 * t);
            } else {
                tmp = w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15];
                w[t & 15] = ROTL(tmp, 1);
            }
            if (t < 20)      { f = (b & c) | (~b & d);          k = 0x5a827999u; }
            else if (t < 40) { f = b ^ c ^ d;                   k = 0x6ed9eba1u; }
            else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdcu; }
            else             { f = b ^ c ^ d;                   k = 0xca62c1d6u; }
            tmp = ROTL(a, 5) + f + e + k + w[t & 15];
            e = d;
            d = c;
            c = ROTL(b, 30);
            b = a;
            a = tmp;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
    }
    /* The schedule is a copy of the (possibly secret) input. */
    crypto_wipe(w, sizeof(w));
}

void crypto_sha1_init(struct crypto_sha1 *ctx)
{
    ctx->h[0] = 0x67452301u;
    ctx->h[1] = 0xefcdab89u;
    ctx->h[2] = 0x98badcfeu;
    ctx->h[3] = 0x10325476u;
    ctx->h[4] = 0xc3d2e1f0u;
    ctx->len = 0;
}

void crypto_sha1_update(struct crypto_sha1 *ctx, const void *data, size_t len)
{
    block64_update(ctx->h, &ctx->len, ctx->buf, data, len, sha1_blocks);
}

void crypto_sha1_final(struct crypto_sha1 *ctx, uint8_t out[CRYPTO_SHA1_SIZE])
{
    sha_frame_final(ctx->h, ctx->len, ctx->buf, out, 5, sha1_blocks);
    crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_sha1(const void *data, size_t len, uint8_t out[CRYPTO_SHA1_SIZE])
{
    struct crypto_sha1 ctx;

    crypto_sha1_init(&ctx);
    crypto_sha1_update(&ctx, data, len);
    crypto_sha1_final(&ctx, out);
}
