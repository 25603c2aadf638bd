/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* GCM on AES-NI and PCLMULQDQ.
 *
 * Counter mode runs four blocks side by side, so four AESENC chains keep
 * the unit busy instead of waiting on one.  GHASH takes four blocks at a
 * time too: with X the running value and H^1..H^4 precomputed,
 *     X' = (X + B0) H^4 + B1 H^3 + B2 H^2 + B3 H
 * which is four carry-less products summed unreduced (the reduction is
 * linear) and reduced once.
 *
 * Elements are in natural bit order (crypto_gcm.h): a block loads
 * little-endian and has the bits of each byte reversed, a nibble table
 * lookup each way (PSHUFB).  Reduction of a 256-bit product P = Ph x^128 + Pl:
 * x^128 = x^7 + x^2 + x + 1 (0x87), so P = Pl + Ph 0x87.  Ph 0x87 reaches
 * x^133: the part above x^127 (at most 6 bits) is folded by 0x87 once
 * more. */
#include "gcm_ni.h"

#ifdef GCM_NI
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>
#include <string.h>

/* The 512-bit path spills 64-byte registers, which on Windows is safe only
 * with unaligned moves (see chacha20.c on SSPISHIM_UNALIGNED_VECTOR_MOVES). */
#if !defined(_WIN32) || defined(SSPISHIM_UNALIGNED_VECTOR_MOVES)
#define GCM_WIDE 1
#endif

#include "sspishim/crypto.h"

#define TARGET __attribute__((target("aes,pclmul,sse4.1,ssse3")))
#define INLINE TARGET static inline __attribute__((always_inline))

INLINE __m128i load(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
INLINE void store(void *p, __m128i v) { _mm_storeu_si128((__m128i *)p, v); }

/* The bits of every byte reversed: low nibble through one table into the
 * high half, high nibble through the other into the low half. */
INLINE __m128i rev_bits(__m128i x)
{
    const __m128i nib = _mm_set1_epi8(0x0f);
    const __m128i rev_lo = _mm_setr_epi8(0x0, 0x8, 0x4, 0xc, 0x2, 0xa, 0x6, 0xe,
                                         0x1, 0x9, 0x5, 0xd, 0x3, 0xb, 0x7, 0xf);
    const __m128i rev_hi = _mm_slli_epi16(rev_lo, 4);   /* each entry < 16: no spill between bytes */
    __m128i lo = _mm_and_si128(x, nib), hi = _mm_and_si128(_mm_srli_epi16(x, 4), nib);

    return _mm_or_si128(_mm_shuffle_epi8(rev_hi, lo), _mm_shuffle_epi8(rev_lo, hi));
}

/* a b as 256 bits, added into (*hi, *lo). */
INLINE void clmul_acc(__m128i a, __m128i b, __m128i *lo, __m128i *mid, __m128i *hi)
{
    *lo = _mm_xor_si128(*lo, _mm_clmulepi64_si128(a, b, 0x00));
    *hi = _mm_xor_si128(*hi, _mm_clmulepi64_si128(a, b, 0x11));
    *mid = _mm_xor_si128(*mid, _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01),
                                             _mm_clmulepi64_si128(a, b, 0x10)));
}

INLINE __m128i reduce(__m128i lo, __m128i mid, __m128i hi)
{
    const __m128i poly = _mm_set_epi64x(0, 0x87);
    __m128i pl = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
    __m128i ph = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
    __m128i a = _mm_clmulepi64_si128(ph, poly, 0x00);     /* Ph.lo 0x87, up to x^70 */
    __m128i b = _mm_clmulepi64_si128(ph, poly, 0x01);     /* Ph.hi 0x87, at x^64 */
    __m128i over = _mm_srli_si128(b, 8);                  /* what lands at x^128 and above */

    pl = _mm_xor_si128(pl, a);
    pl = _mm_xor_si128(pl, _mm_slli_si128(b, 8));
    return _mm_xor_si128(pl, _mm_clmulepi64_si128(over, poly, 0x00));
}

INLINE __m128i gf_mul(__m128i a, __m128i b)
{
    __m128i lo = _mm_setzero_si128(), mid = _mm_setzero_si128(), hi = _mm_setzero_si128();

    clmul_acc(a, b, &lo, &mid, &hi);
    return reduce(lo, mid, hi);
}

/* X' = (X + B0) H^4 + B1 H^3 + B2 H^2 + B3 H for four blocks already in
 * field order. */
INLINE __m128i ghash4(const struct crypto_gcm *g, __m128i x, __m128i b0, __m128i b1, __m128i b2, __m128i b3)
{
    __m128i lo = _mm_setzero_si128(), mid = _mm_setzero_si128(), hi = _mm_setzero_si128();

    clmul_acc(_mm_xor_si128(x, b0), load(&g->hpow[12]), &lo, &mid, &hi);
    clmul_acc(b1, load(&g->hpow[13]), &lo, &mid, &hi);
    clmul_acc(b2, load(&g->hpow[14]), &lo, &mid, &hi);
    clmul_acc(b3, load(&g->hpow[15]), &lo, &mid, &hi);
    return reduce(lo, mid, hi);
}

/* X over len bytes of p, the last block zero-padded. */
INLINE __m128i ghash_run(const struct crypto_gcm *g, __m128i x, const uint8_t *p, size_t len)
{
    const __m128i h1 = load(&g->hpow[15]);

    for (; len >= 64; p += 64, len -= 64)
        x = ghash4(g, x, rev_bits(load(p)), rev_bits(load(p + 16)), rev_bits(load(p + 32)),
                   rev_bits(load(p + 48)));
    for (; len >= 16; p += 16, len -= 16) x = gf_mul(_mm_xor_si128(x, rev_bits(load(p))), h1);
    if (len) {
        uint8_t block[16] = { 0 };
        memcpy(block, p, len);
        x = gf_mul(_mm_xor_si128(x, rev_bits(load(block))), h1);
    }
    return x;
}

/* The lengths block (both bit counts big-endian, as bytes), then S out. */
INLINE void ghash_finish(const struct crypto_gcm *g, __m128i x, size_t aad_len, size_t len, uint8_t s[16])
{
    const __m128i bswap = _mm_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    __m128i lens = _mm_shuffle_epi8(_mm_set_epi64x((long long)((uint64_t)len * 8),
                                                   (long long)((uint64_t)aad_len * 8)), bswap);

    x = gf_mul(_mm_xor_si128(x, rev_bits(lens)), load(&g->hpow[15]));
    store(s, rev_bits(x));
}

TARGET void gcm_ni_ghash(const struct crypto_gcm *g, const uint8_t *aad, size_t aad_len,
                         const uint8_t *ct, size_t len, uint8_t s[16])
{
    __m128i x = ghash_run(g, _mm_setzero_si128(), aad, aad_len);

    x = ghash_run(g, x, ct, len);
    ghash_finish(g, x, aad_len, len, s);
}

INLINE __m128i counter(__m128i base, uint32_t ctr)
{
    return _mm_insert_epi32(base, (int)__builtin_bswap32(ctr), 3);
}

TARGET void gcm_ni_ctr(const struct crypto_gcm *g, const uint8_t nonce[12], uint32_t ctr,
                       const uint8_t *in, uint8_t *out, size_t len)
{
    const int rounds = g->aes.rounds;
    const uint8_t *rk = (const uint8_t *)g->aes.rk;
    uint8_t nb[16] = { 0 };
    __m128i base;

    memcpy(nb, nonce, 12);
    base = load(nb);
    while (len) {
        size_t n = len < 16 ? len : 16;
        __m128i b = _mm_xor_si128(counter(base, ctr++), load(rk));
        uint8_t ks[16];
        for (int r = 1; r < rounds; r++) b = _mm_aesenc_si128(b, load(rk + 16 * r));
        store(ks, _mm_aesenclast_si128(b, load(rk + 16 * rounds)));
        for (size_t i = 0; i < n; i++) out[i] = in[i] ^ ks[i];
        crypto_wipe(ks, sizeof(ks));
        in += n;
        out += n;
        len -= n;
    }
}
/* Four keystream blocks from counter ctr on. */
INLINE void keystream4(const struct crypto_gcm *g, __m128i base, uint32_t ctr, __m128i ks[4])
{
    const uint8_t *rk = (const uint8_t *)g->aes.rk;
    __m128i k = load(rk);

    _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) ks[i] = _mm_xor_si128(counter(base, ctr + (uint32_t)i), k);
    for (int r = 1; r < g->aes.rounds; r++) {
        k = load(rk + 16 * r);
        _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) ks[i] = _mm_aesenc_si128(ks[i], k);
    }
    k = load(rk + 16 * g->aes.rounds);
    _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) ks[i] = _mm_aesenclast_si128(ks[i], k);
}

#ifdef GCM_WIDE
/* ---- 256 bytes at a time on VAES and VPCLMULQDQ (AVX-512) --------------
 * Each 512-bit register holds four blocks, so one VAESENC advances four and
 * four registers keep sixteen in flight; GHASH multiplies the sixteen
 * blocks by H^16..H^1 (hpow in order) and reduces once. */
#define TARGET512 __attribute__((target("avx512f,avx512bw,vaes,vpclmulqdq,aes,pclmul,sse4.1,ssse3")))
#define INLINE512 TARGET512 static inline __attribute__((always_inline))

INLINE512 __m512i rev_bits512(__m512i x)
{
    const __m512i nib = _mm512_set1_epi8(0x0f);
    const __m512i rev_lo = _mm512_broadcast_i32x4(_mm_setr_epi8(0x0, 0x8, 0x4, 0xc, 0x2, 0xa, 0x6, 0xe,
                                                                0x1, 0x9, 0x5, 0xd, 0x3, 0xb, 0x7, 0xf));
    const __m512i rev_hi = _mm512_slli_epi16(rev_lo, 4);
    __m512i lo = _mm512_and_si512(x, nib), hi = _mm512_and_si512(_mm512_srli_epi16(x, 4), nib);

    return _mm512_or_si512(_mm512_shuffle_epi8(rev_hi, lo), _mm512_shuffle_epi8(rev_lo, hi));
}

INLINE512 __m128i fold_lanes(__m512i v)
{
    __m256i y = _mm256_xor_si256(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    return _mm_xor_si128(_mm256_castsi256_si128(y), _mm256_extracti128_si256(y, 1));
}

/* All len bytes of in to out from counter *ctr on, GHASH into *x (16
 * bytes, field order), 256 bytes at a time.  A last, shorter chunk goes
 * through byte masks: loads give zeros past the end, stores stop there,
 * and its m blocks take the powers H^m..H^1 (hpow from 16 - m on; the
 * zero blocks after them meet hpow's zero padding, or any power: zero
 * times anything is zero). */
TARGET512 static void chunks512(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *in,
                                uint8_t *out, size_t len, int sealing, uint32_t *ctr, uint8_t x[16])
{
    const uint8_t *rk = (const uint8_t *)g->aes.rk;
    const int rounds = g->aes.rounds;
    /* Counter blocks: the nonce in every lane's first 12 bytes, the lane's
     * counter (kept as a number in dword 3) byte-swapped into the last 4. */
    const __m512i swap = _mm512_broadcast_i32x4(_mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1,
                                                              -1, -1, -1, -1, 15, 14, 13, 12));
    uint8_t nb[16] = { 0 };
    __m512i base, cnt, four = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4));
    __m128i acc = _mm_loadu_si128((const __m128i *)x);

    memcpy(nb, nonce, 12);
    base = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)nb));
    cnt = _mm512_add_epi32(_mm512_set_epi32(3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
                           _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, (int)*ctr)));
    for (size_t off = 0; off < len; off += 256) {
        size_t left = len - off, blocks = left >= 256 ? 16 : (left + 15) / 16;
        const struct crypto_gf128 *hp = &g->hpow[16 - blocks];
        __m512i b[4], c[4], k = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)rk));
        __mmask64 m[4];

        _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) {
            size_t n = left > 64 * (size_t)i ? left - 64 * (size_t)i : 0;
            m[i] = n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
            b[i] = _mm512_xor_si512(_mm512_or_si512(base, _mm512_shuffle_epi8(cnt, swap)), k);
            cnt = _mm512_add_epi32(cnt, four);
        }
        for (int r = 1; r < rounds; r++) {
            k = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(rk + 16 * r)));
            _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) b[i] = _mm512_aesenc_epi128(b[i], k);
        }
        k = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(rk + 16 * rounds)));
        _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) {
            __m512i v = _mm512_maskz_loadu_epi8(m[i], in + off + 64 * i);
            __m512i w = _mm512_maskz_mov_epi8(m[i], _mm512_xor_si512(v, _mm512_aesenclast_epi128(b[i], k)));
            c[i] = rev_bits512(sealing ? w : v);
            _mm512_mask_storeu_epi8(out + off + 64 * i, m[i], w);
        }
        c[0] = _mm512_xor_si512(c[0], _mm512_zextsi128_si512(acc));
        __m512i lo = _mm512_setzero_si512(), mid = _mm512_setzero_si512(), hi = _mm512_setzero_si512();
        _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) {
            __m512i h = _mm512_loadu_si512(hp + 4 * i);
            lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(c[i], h, 0x00));
            hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(c[i], h, 0x11));
            mid = _mm512_xor_si512(mid, _mm512_xor_si512(_mm512_clmulepi64_epi128(c[i], h, 0x01),
                                                         _mm512_clmulepi64_epi128(c[i], h, 0x10)));
        }
        acc = reduce(fold_lanes(lo), fold_lanes(mid), fold_lanes(hi));
    }
    *ctr += (uint32_t)((len + 15) / 16);
    _mm_storeu_si128((__m128i *)x, acc);
}

/* VAES and VPCLMULQDQ are in CPUID leaf 7 (ECX bits 9 and 10); the AVX-512
 * state is the compiler runtime's to check, with avx512f. */
static int wide_usable(void)
{
    static atomic_int known;   /* 0 not asked, 1 no, 2 yes */
    int k = atomic_load_explicit(&known, memory_order_relaxed);

    if (!k) {
        unsigned a, b, c, d;
        int ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                 __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 10));
        k = ok ? 2 : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}
#endif

/* Encryption and GHASH in one pass over each 64-byte group: the group's
 * GHASH does not hold up the next group's AES, so the two units overlap.
 * open is the same with the roles of in and out swapped for GHASH, which
 * always reads the ciphertext (read before the plaintext is stored, so
 * in == out works). */
INLINE void stitched(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                     const uint8_t *in, uint8_t *out, size_t len, int sealing, uint8_t s[16])
{
    uint8_t nb[16] = { 0 };
    size_t done = len & ~(size_t)63;
    uint32_t ctr = 2;
    __m128i base, x = ghash_run(g, _mm_setzero_si128(), aad, aad_len);

    memcpy(nb, nonce, 12);
    base = load(nb);
#ifdef GCM_WIDE
    if (len >= 64 && wide_usable()) {
        uint8_t xb[16];
        store(xb, x);
        chunks512(g, nonce, in, out, len, sealing, &ctr, xb);
        ghash_finish(g, load(xb), aad_len, len, s);
        return;
    }
#endif
    for (size_t off = 0; off < done; off += 64, ctr += 4) {
        __m128i ks[4], c[4];
        keystream4(g, base, ctr, ks);
        _Pragma("GCC unroll 4") for (int i = 0; i < 4; i++) {
            __m128i v = load(in + off + 16 * i), w = _mm_xor_si128(v, ks[i]);
            c[i] = rev_bits(sealing ? w : v);
            store(out + off + 16 * i, w);
        }
        x = ghash4(g, x, c[0], c[1], c[2], c[3]);
    }
    if (len > done) {
        if (sealing) {
            gcm_ni_ctr(g, nonce, ctr, in + done, out + done, len - done);
            x = ghash_run(g, x, out + done, len - done);
        } else {
            x = ghash_run(g, x, in + done, len - done);
            gcm_ni_ctr(g, nonce, ctr, in + done, out + done, len - done);
        }
    }
    ghash_finish(g, x, aad_len, len, s);
}

TARGET void gcm_ni_seal(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                        const uint8_t *pt, size_t len, uint8_t *ct, uint8_t s[16])
{
    stitched(g, nonce, aad, aad_len, pt, ct, len, 1, s);
}

TARGET void gcm_ni_open(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                        const uint8_t *ct, size_t len, uint8_t *pt, uint8_t s[16])
{
    stitched(g, nonce, aad, aad_len, ct, pt, len, 0, s);
}
#else
typedef int gcm_ni_unused;
#endif
