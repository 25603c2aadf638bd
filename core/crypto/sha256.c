/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-256 (FIPS 180-4 6.2), for RFC 8009's aes128-cts-hmac-sha256-128. */
#include <string.h>

#include "sspishim/crypto_sha.h"

#include "sha_frame.h"

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* The first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
    0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
    0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
    0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static void sha256_blocks(uint32_t *h, const uint8_t *p, size_t blocks)
{
    uint32_t w[16];

    for (; blocks; blocks--, p += 64) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];

        /* The 64-word schedule kept as a 16-word ring. */
        for (int t = 0; t < 64; t++) {
            uint32_t t1, t2;
            if (t < 16) {
                w[t] = load_be32(p + 4 * t);
            } else {
                uint32_t w15 = w[(t + 1) & 15], w2 = w[(t + 14) & 15];
                uint32_t s0 = ROTR(w15, 7) ^ ROTR(w15, 18) ^ (w15 >> 3);
                uint32_t s1 = ROTR(w2, 17) ^ ROTR(w2, 19) ^ (w2 >> 10);
                w[t & 15] += s0 + s1 + w[(t + 9) & 15];
            }
            t1 = hh + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t & 15];
            t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
        h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    crypto_wipe(w, sizeof(w));
}

void crypto_sha256_init(struct crypto_sha256 *ctx)
{
    static const uint32_t iv[8] = {
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
    };

    memcpy(ctx->h, iv, sizeof(iv));
    ctx->len = 0;
}

void crypto_sha256_update(struct crypto_sha256 *ctx, const void *data, size_t len)
{
    block64_update(ctx->h, &ctx->len, ctx->buf, data, len, sha256_blocks);
}

void crypto_sha256_final(struct crypto_sha256 *ctx, uint8_t out[CRYPTO_SHA256_SIZE])
{
    sha_frame_final(ctx->h, ctx->len, ctx->buf, out, 8, sha256_blocks);
    crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_SIZE])
{
    struct crypto_sha256 ctx;

    crypto_sha256_init(&ctx);
    crypto_sha256_update(&ctx, data, len);
    crypto_sha256_final(&ctx, out);
}
