/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AES with the x86-64 AES instructions: about ten times the portable
 * code's speed, and no table lookups indexed by secret bytes.  The round
 * keys are aes.c's own: its columns are little-endian words, so in memory
 * they are the FIPS 197 round-key bytes, which is what AESENC takes.  The
 * decryption keys (InvMixColumns of the middle round keys, for AESDEC's
 * equivalent inverse cipher) are made on the fly with AESIMC rather than
 * stored: a context stays the same on every path, with nothing extra to
 * wipe. */
#include "aes_ni.h"

#ifdef AES_NI
#include <wmmintrin.h>

#define TARGET __attribute__((target("aes,sse2")))

TARGET static inline __m128i round_key(const struct crypto_aes *ctx, int r)
{
    return _mm_loadu_si128((const __m128i *)(const void *)(ctx->rk + 4 * r));
}

TARGET void aes_ni_encrypt(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16])
{
    __m128i s = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)in), round_key(ctx, 0));

    for (int r = 1; r < ctx->rounds; r++) s = _mm_aesenc_si128(s, round_key(ctx, r));
    s = _mm_aesenclast_si128(s, round_key(ctx, ctx->rounds));
    _mm_storeu_si128((__m128i *)(void *)out, s);
}

TARGET void aes_ni_decrypt(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16])
{
    __m128i s = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)in), round_key(ctx, ctx->rounds));

    for (int r = ctx->rounds - 1; r > 0; r--) s = _mm_aesdec_si128(s, _mm_aesimc_si128(round_key(ctx, r)));
    s = _mm_aesdeclast_si128(s, round_key(ctx, 0));
    _mm_storeu_si128((__m128i *)(void *)out, s);
}
#else
/* ISO C wants something in every translation unit. */
typedef int aes_ni_unused;
#endif
