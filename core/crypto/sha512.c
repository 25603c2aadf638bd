/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-512 and SHA-384 (FIPS 180-4 6.4, 6.5), for RFC 8009's
 * aes256-cts-hmac-sha384-192.  SHA-384 is SHA-512 from another initial
 * state, cut to 48 bytes, so they share the state and the update. */
#include <string.h>

#include "sspishim/crypto_sha.h"

#include "be.h"

#define ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

/* The first 64 bits of the fractional parts of the cube roots of the first
 * 80 primes. */
static const uint64_t K[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull,
    0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
    0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull,
    0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull,
    0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
    0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull,
    0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull,
    0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
    0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull,
    0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull,
    0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
    0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull,
    0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull,
    0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
    0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull,
    0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull,
    0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull,
    0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull,
    0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull,
    0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
    0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static void sha512_blocks(uint64_t h[8], const uint8_t *p, size_t blocks)
{
    uint64_t w[16];

    for (; blocks; blocks--, p += 128) {
        uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];

        /* The 80-word schedule kept as a 16-word ring. */
        for (int t = 0; t < 80; t++) {
            uint64_t t1, t2;
            if (t < 16) {
                w[t] = load_be64(p + 8 * t);
            } else {
                uint64_t w15 = w[(t + 1) & 15], w2 = w[(t + 14) & 15];
                uint64_t s0 = ROTR(w15, 1) ^ ROTR(w15, 8) ^ (w15 >> 7);
                uint64_t s1 = ROTR(w2, 19) ^ ROTR(w2, 61) ^ (w2 >> 6);
                w[t & 15] += s0 + s1 + w[(t + 9) & 15];
            }
            t1 = hh + (ROTR(e, 14) ^ ROTR(e, 18) ^ ROTR(e, 41)) + ((e & f) ^ (~e & g)) + K[t] + w[t & 15];
            t2 = (ROTR(a, 28) ^ ROTR(a, 34) ^ ROTR(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
        h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    crypto_wipe(w, sizeof(w));
}

void crypto_sha512_init(struct crypto_sha512 *ctx)
{
    static const uint64_t iv[8] = {
        0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
        0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
    };

    memcpy(ctx->h, iv, sizeof(iv));
    ctx->len = 0;
}

void crypto_sha384_init(struct crypto_sha512 *ctx)
{
    static const uint64_t iv[8] = {
        0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull, 0x9159015a3070dd17ull, 0x152fecd8f70e5939ull,
        0x67332667ffc00b31ull, 0x8eb44a8768581511ull, 0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull,
    };

    memcpy(ctx->h, iv, sizeof(iv));
    ctx->len = 0;
}

void crypto_sha512_update(struct crypto_sha512 *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t used = (size_t)(ctx->len & 127);

    if (!len) return;   /* data may be NULL then, which memcpy does not allow */
    ctx->len += len;
    if (used) {
        size_t take = 128 - used < len ? 128 - used : len;
        memcpy(ctx->buf + used, p, take);
        p += take;
        len -= take;
        if (used + take < 128) return;
        sha512_blocks(ctx->h, ctx->buf, 1);
    }
    if (len >= 128) sha512_blocks(ctx->h, p, len / 128);
    p += len & ~(size_t)127;
    len &= 127;
    if (len) memcpy(ctx->buf, p, len);
}

/* Pads (0x80, zeros, the 128-bit length in bits) and writes words 64-bit
 * words of digest. */
static void sha512_finish(struct crypto_sha512 *ctx, uint8_t *out, int words)
{
    size_t used = (size_t)(ctx->len & 127);

    ctx->buf[used++] = 0x80;
    if (used > 112) {
        memset(ctx->buf + used, 0, 128 - used);
        sha512_blocks(ctx->h, ctx->buf, 1);
        used = 0;
    }
    memset(ctx->buf + used, 0, 112 - used);
    store_be64(ctx->buf + 112, ctx->len >> 61);
    store_be64(ctx->buf + 120, ctx->len << 3);
    sha512_blocks(ctx->h, ctx->buf, 1);
    for (int i = 0; i < words; i++) store_be64(out + 8 * i, ctx->h[i]);
    crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_sha512_final(struct crypto_sha512 *ctx, uint8_t out[CRYPTO_SHA512_SIZE])
{
    sha512_finish(ctx, out, 8);
}

void crypto_sha384_final(struct crypto_sha512 *ctx, uint8_t out[CRYPTO_SHA384_SIZE])
{
    sha512_finish(ctx, out, 6);
}

void crypto_sha512(const void *data, size_t len, uint8_t out[CRYPTO_SHA512_SIZE])
{
    struct crypto_sha512 ctx;

    crypto_sha512_init(&ctx);
    crypto_sha512_update(&ctx, data, len);
    crypto_sha512_final(&ctx, out);
}

void crypto_sha384(const void *data, size_t len, uint8_t out[CRYPTO_SHA384_SIZE])
{
    struct crypto_sha512 ctx;

    crypto_sha384_init(&ctx);
    crypto_sha512_update(&ctx, data, len);
    crypto_sha384_final(&ctx, out);
}
