/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-1 (FIPS 180-4 6.1).  Broken for signatures, still sound inside HMAC:
 * RFC 3962's aes*-cts-hmac-sha1-96 enctypes, the ones every KDC offers,
 * are built on HMAC-SHA1 and PBKDF2-HMAC-SHA1. */
#include <string.h>

#include "sspishim/crypto_sha.h"

#include "sha_frame.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1_blocks_c(uint32_t *h, const uint8_t *p, size_t blocks)
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

#if defined(__x86_64__) && defined(__GNUC__)
/* The SHA extensions (SHA-NI: AMD since Zen, Intel since Ice Lake and
 * Goldmont), four rounds per SHA1RNDS4, about four times the C loop: it
 * is what HMAC-SHA1 under Kerberos' AES-SHA1 enctypes spends most of a
 * message's time in.  x86-64 only, as AES-NI (aes_ni.h).  The state is
 * kept as the FIPS words ABCD in one register (A in the top lane) and E
 * in the top lane of another; message words are loaded big-endian. */
#include <cpuid.h>
#include <immintrin.h>
#include <stdbool.h>

#define SHA_TARGET __attribute__((target("sha,ssse3,sse4.1")))

/* Four rounds of group g (its function f, 0..3) with message words w[g & 3]. */
#define SHA1_GROUP(f)                                                                          \
    do {                                                                                       \
        if (g >= 4)                                                                            \
            w[g & 3] = _mm_sha1msg2_epu32(                                                     \
                _mm_xor_si128(_mm_sha1msg1_epu32(w[g & 3], w[(g + 1) & 3]), w[(g + 2) & 3]),   \
                w[(g + 3) & 3]);                                                               \
        e = _mm_sha1nexte_epu32(prev, w[g & 3]);                                               \
        prev = abcd;                                                                           \
        abcd = _mm_sha1rnds4_epu32(abcd, e, f);                                                \
        g++;                                                                                   \
    } while (0)

SHA_TARGET static void sha1_blocks_ni(uint32_t *h, const uint8_t *p, size_t blocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1b);
    __m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0);
    __m128i w[4], e, prev;

    for (; blocks; blocks--, p += 64) {
        __m128i abcd_save = abcd, e_save = e0;
        int g = 1;

        for (int i = 0; i < 4; i++)
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
        /* Rounds 0-3: E itself (not rotated) plus the first words. */
        e = _mm_add_epi32(e0, w[0]);
        prev = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e, 0);
        while (g < 5) SHA1_GROUP(0);
        while (g < 10) SHA1_GROUP(1);
        while (g < 15) SHA1_GROUP(2);
        while (g < 20) SHA1_GROUP(3);
        /* The last E is A of four rounds before, rotated: sha1nexte adds it. */
        e0 = _mm_sha1nexte_epu32(prev, e_save);
        abcd = _mm_add_epi32(abcd, abcd_save);
    }
    _mm_storeu_si128((__m128i *)(void *)h, _mm_shuffle_epi32(abcd, 0x1b));
    h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
    /* The schedule is a copy of the (possibly secret) input. */
    crypto_wipe(w, sizeof(w));
}

/* CPUID itself: clang's __builtin_cpu_supports has no "sha".  Asked once;
 * a race between two first callers only asks twice. */
static bool sha1_ni_usable(void)
{
    static int known;   /* 0 not asked yet, 1 no, 2 yes */
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);

    if (!k) {
        unsigned a, b, c, d;
        bool sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1);
        bool sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
        k = sse41 && sha ? 2 : 1;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k == 2;
}

static void sha1_blocks(uint32_t *h, const uint8_t *p, size_t blocks)
{
    if (sha1_ni_usable())
        sha1_blocks_ni(h, p, blocks);
    else
        sha1_blocks_c(h, p, blocks);
}
#else
#define sha1_blocks sha1_blocks_c
#endif

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
