/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ChaCha20 (RFC 8439 2.3, 2.4).
 *
 * The plain C block function works everywhere.  Where the compiler has GCC's
 * generic vectors and the target has 128-bit SIMD at its baseline (x86-64,
 * i686 built with -msse2, AArch64), several blocks run side by side, one
 * block per lane ("vertical" layout): the quarter round only adds, xors and
 * rotates, so each lane computes exactly what the scalar code computes, and
 * a 4x4 transpose at the end turns lanes back into consecutive blocks.
 *
 * On x86-64, 8- and 16-lane versions are compiled for AVX2 and AVX-512
 * and picked at run time from the CPU's features.  On Windows GCC cannot
 * align the stack beyond 16 bytes (GCC bug 54412), so a 32- or 64-byte
 * register spilled with an aligned move could fault: there the wide
 * versions are built only when the assembler turns aligned vector moves
 * into unaligned ones (-Wa,-muse-unaligned-vector-move, binutils 2.38+),
 * which the build says with SSPISHIM_UNALIGNED_VECTOR_MOVES.  Without them
 * the packed-context seal ran at half its native speed (BENCHMARKS.md). */
#include <string.h>

#include "sspishim/aead.h"
#include "sspishim/crypto.h"

#include "le32.h"

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ \
    && (defined(__SSE2__) || defined(__ARM_NEON)) && defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define CHACHA_VEC 1
#endif
#endif

#if defined(CHACHA_VEC) && defined(__x86_64__) && (!defined(_WIN32) || defined(SSPISHIM_UNALIGNED_VECTOR_MOVES))
#define CHACHA_WIDE 1
#endif

#define ROTL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

#define QR(a, b, c, d) do { \
        a += b; d ^= a; d = ROTL32(d, 16); \
        c += d; b ^= c; b = ROTL32(b, 12); \
        a += b; d ^= a; d = ROTL32(d, 8);  \
        c += d; b ^= c; b = ROTL32(b, 7);  \
    } while (0)

/* Ten double rounds: four column rounds, then four diagonal rounds.  A
 * macro, so the scalar and vector versions are the same text. */
#define CHACHA_ROUNDS(x) do { \
        for (int round_ = 0; round_ < 10; round_++) { \
            QR(x##0, x##4, x##8,  x##12); QR(x##1, x##5, x##9,  x##13); \
            QR(x##2, x##6, x##10, x##14); QR(x##3, x##7, x##11, x##15); \
            QR(x##0, x##5, x##10, x##15); QR(x##1, x##6, x##11, x##12); \
            QR(x##2, x##7, x##8,  x##13); QR(x##3, x##4, x##9,  x##14); \
        } \
    } while (0)

/* "expand 32-byte k", the key, the counter, the nonce. */
static void chacha20_setup(uint32_t st[16], const uint8_t key[32], const uint8_t nonce[12],
                           uint32_t counter)
{
    st[0] = 0x61707865u;
    st[1] = 0x3320646eu;
    st[2] = 0x79622d32u;
    st[3] = 0x6b206574u;
    for (int i = 0; i < 8; i++) st[4 + i] = load_le32(key + 4 * i);
    st[12] = counter;
    for (int i = 0; i < 3; i++) st[13 + i] = load_le32(nonce + 4 * i);
}

/* The block function: ks = rounds(st) + st.  Sixteen named locals rather
 * than an array, so the compiler keeps the state in registers. */
static void chacha20_core(const uint32_t st[16], uint32_t ks[16])
{
    uint32_t x0 = st[0], x1 = st[1], x2 = st[2], x3 = st[3];
    uint32_t x4 = st[4], x5 = st[5], x6 = st[6], x7 = st[7];
    uint32_t x8 = st[8], x9 = st[9], x10 = st[10], x11 = st[11];
    uint32_t x12 = st[12], x13 = st[13], x14 = st[14], x15 = st[15];

    CHACHA_ROUNDS(x);

    ks[0] = x0 + st[0];    ks[1] = x1 + st[1];    ks[2] = x2 + st[2];    ks[3] = x3 + st[3];
    ks[4] = x4 + st[4];    ks[5] = x5 + st[5];    ks[6] = x6 + st[6];    ks[7] = x7 + st[7];
    ks[8] = x8 + st[8];    ks[9] = x9 + st[9];    ks[10] = x10 + st[10]; ks[11] = x11 + st[11];
    ks[12] = x12 + st[12]; ks[13] = x13 + st[13]; ks[14] = x14 + st[14]; ks[15] = x15 + st[15];
}

/* Where keystream blocks go, in order: the first one, when `first` is set,
 * is kept as it is (the AEAD's Poly1305 key); every other one is xored over
 * the next 64 bytes of data, or fewer at the end. */
struct chacha_stream {
    uint8_t *first;
    const uint8_t *in;
    uint8_t *out;
    size_t len;
};

/* Word by word, loading before storing, so in == out works. */
static void emit_words(struct chacha_stream *s, const uint32_t ks[16])
{
    if (s->first) {
        for (int i = 0; i < 16; i++) store_le32(s->first + 4 * i, ks[i]);
        s->first = NULL;
    } else if (s->len >= 64) {
        for (int i = 0; i < 16; i++) store_le32(s->out + 4 * i, load_le32(s->in + 4 * i) ^ ks[i]);
        s->in += 64;
        s->out += 64;
        s->len -= 64;
    } else {
        uint8_t tail[64];
        for (int i = 0; i < 16; i++) store_le32(tail + 4 * i, ks[i]);
        for (size_t i = 0; i < s->len; i++) s->out[i] = s->in[i] ^ tail[i];
        s->len = 0;
        crypto_wipe(tail, sizeof(tail));
    }
}

static void chacha20_scalar(uint32_t st[16], struct chacha_stream *s, size_t blocks)
{
    uint32_t ks[16];

    for (; blocks; blocks--) {
        chacha20_core(st, ks);
        emit_words(s, ks);
        st[12]++;
    }
    crypto_wipe(ks, sizeof(ks));
}

#ifdef CHACHA_VEC
typedef uint32_t v4u __attribute__((vector_size(16)));

/* The same as emit_words for a block held in four vectors (words 0-3, 4-7,
 * 8-11, 12-15); on a little-endian host a vector's bytes in memory are its
 * words' little-endian bytes.  memcpy is how C spells an unaligned load. */
static inline void emit_vecs(struct chacha_stream *s, v4u w0, v4u w1, v4u w2, v4u w3)
{
    if (s->first) {
        memcpy(s->first, &w0, 16);
        memcpy(s->first + 16, &w1, 16);
        memcpy(s->first + 32, &w2, 16);
        memcpy(s->first + 48, &w3, 16);
        s->first = NULL;
    } else if (s->len >= 64) {
        v4u d0, d1, d2, d3;
        memcpy(&d0, s->in, 16);
        memcpy(&d1, s->in + 16, 16);
        memcpy(&d2, s->in + 32, 16);
        memcpy(&d3, s->in + 48, 16);
        d0 ^= w0; d1 ^= w1; d2 ^= w2; d3 ^= w3;
        memcpy(s->out, &d0, 16);
        memcpy(s->out + 16, &d1, 16);
        memcpy(s->out + 32, &d2, 16);
        memcpy(s->out + 48, &d3, 16);
        s->in += 64;
        s->out += 64;
        s->len -= 64;
    } else {
        uint8_t tail[64];
        memcpy(tail, &w0, 16);
        memcpy(tail + 16, &w1, 16);
        memcpy(tail + 32, &w2, 16);
        memcpy(tail + 48, &w3, 16);
        for (size_t i = 0; i < s->len; i++) s->out[i] = s->in[i] ^ tail[i];
        s->len = 0;
        crypto_wipe(tail, sizeof(tail));
    }
}

/* Four vectors hold words w..w+3 of four blocks (lane = block); afterwards
 * each holds four consecutive words of one block. */
#define TRANSPOSE4(a, b, c, d) do { \
        v4u t0_ = __builtin_shufflevector(a, b, 0, 4, 1, 5); \
        v4u t1_ = __builtin_shufflevector(a, b, 2, 6, 3, 7); \
        v4u t2_ = __builtin_shufflevector(c, d, 0, 4, 1, 5); \
        v4u t3_ = __builtin_shufflevector(c, d, 2, 6, 3, 7); \
        a = __builtin_shufflevector(t0_, t2_, 0, 1, 4, 5); \
        b = __builtin_shufflevector(t0_, t2_, 2, 3, 6, 7); \
        c = __builtin_shufflevector(t1_, t3_, 0, 1, 4, 5); \
        d = __builtin_shufflevector(t1_, t3_, 2, 3, 6, 7); \
    } while (0)

/* Lanes 4q..4q+3 of every word, i.e. blocks 4q..4q+3 of the batch, out to
 * the stream; n is how many blocks of the batch are wanted. */
#define EMIT_QUARTER(q, x, n, s) do { \
        if ((n) > 4 * (q)) { \
            v4u k0 = __builtin_shufflevector(x##0, x##0, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k1 = __builtin_shufflevector(x##1, x##1, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k2 = __builtin_shufflevector(x##2, x##2, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k3 = __builtin_shufflevector(x##3, x##3, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k4 = __builtin_shufflevector(x##4, x##4, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k5 = __builtin_shufflevector(x##5, x##5, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k6 = __builtin_shufflevector(x##6, x##6, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k7 = __builtin_shufflevector(x##7, x##7, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k8 = __builtin_shufflevector(x##8, x##8, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k9 = __builtin_shufflevector(x##9, x##9, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k10 = __builtin_shufflevector(x##10, x##10, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k11 = __builtin_shufflevector(x##11, x##11, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k12 = __builtin_shufflevector(x##12, x##12, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k13 = __builtin_shufflevector(x##13, x##13, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k14 = __builtin_shufflevector(x##14, x##14, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            v4u k15 = __builtin_shufflevector(x##15, x##15, 4*q, 4*q+1, 4*q+2, 4*q+3); \
            TRANSPOSE4(k0, k1, k2, k3); \
            TRANSPOSE4(k4, k5, k6, k7); \
            TRANSPOSE4(k8, k9, k10, k11); \
            TRANSPOSE4(k12, k13, k14, k15); \
            emit_vecs(s, k0, k4, k8, k12); \
            if ((n) > 4 * (q) + 1) emit_vecs(s, k1, k5, k9, k13); \
            if ((n) > 4 * (q) + 2) emit_vecs(s, k2, k6, k10, k14); \
            if ((n) > 4 * (q) + 3) emit_vecs(s, k3, k7, k11, k15); \
        } \
    } while (0)

#define QUARTERS_4(x, n, s)  EMIT_QUARTER(0, x, n, s)
#define QUARTERS_8(x, n, s)  EMIT_QUARTER(0, x, n, s); EMIT_QUARTER(1, x, n, s)
#define QUARTERS_16(x, n, s) EMIT_QUARTER(0, x, n, s); EMIT_QUARTER(1, x, n, s); \
                             EMIT_QUARTER(2, x, n, s); EMIT_QUARTER(3, x, n, s)

/* One batch of `lanes` blocks from counter st[12] on, of which the first n
 * (1..lanes) go to the stream.  Lane b's counter is st[12] + b, wrapping
 * modulo 2^32 as the scalar code's does. */
#define CHACHA_BATCH(name, vec, lanes, attr, ...) \
    attr static void name(const uint32_t st[16], struct chacha_stream *s, size_t n) \
    { \
        const vec lane = { __VA_ARGS__ }; \
        const vec s12 = lane + st[12]; \
        vec x0 = (vec){ 0 } + st[0], x1 = (vec){ 0 } + st[1]; \
        vec x2 = (vec){ 0 } + st[2], x3 = (vec){ 0 } + st[3]; \
        vec x4 = (vec){ 0 } + st[4], x5 = (vec){ 0 } + st[5]; \
        vec x6 = (vec){ 0 } + st[6], x7 = (vec){ 0 } + st[7]; \
        vec x8 = (vec){ 0 } + st[8], x9 = (vec){ 0 } + st[9]; \
        vec x10 = (vec){ 0 } + st[10], x11 = (vec){ 0 } + st[11]; \
        vec x12 = s12, x13 = (vec){ 0 } + st[13]; \
        vec x14 = (vec){ 0 } + st[14], x15 = (vec){ 0 } + st[15]; \
        CHACHA_ROUNDS(x); \
        x0 += st[0]; x1 += st[1]; x2 += st[2]; x3 += st[3]; \
        x4 += st[4]; x5 += st[5]; x6 += st[6]; x7 += st[7]; \
        x8 += st[8]; x9 += st[9]; x10 += st[10]; x11 += st[11]; \
        x12 += s12; x13 += st[13]; x14 += st[14]; x15 += st[15]; \
        QUARTERS_##lanes(x, n, s); \
    }

CHACHA_BATCH(chacha20_x4, v4u, 4, , 0, 1, 2, 3)

#ifdef CHACHA_WIDE
typedef uint32_t v8u __attribute__((vector_size(32)));
typedef uint32_t v16u __attribute__((vector_size(64)));

CHACHA_BATCH(chacha20_x8, v8u, 8, __attribute__((target("avx2"))), 0, 1, 2, 3, 4, 5, 6, 7)
CHACHA_BATCH(chacha20_x16, v16u, 16, __attribute__((target("avx512f"))),
             0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#endif

/* Runs the next batch and says how many blocks it took: the widest batch
 * that is more than half used.  A batch of any width costs about two
 * scalar blocks, so blocks is at least 3. */
static size_t chacha20_vec_batch(const uint32_t st[16], struct chacha_stream *s, size_t blocks)
{
#ifdef CHACHA_WIDE
    if (blocks > 8 && __builtin_cpu_supports("avx512f")) {
        size_t n = blocks < 16 ? blocks : 16;
        chacha20_x16(st, s, n);
        return n;
    }
    if (blocks > 4 && __builtin_cpu_supports("avx2")) {
        size_t n = blocks < 8 ? blocks : 8;
        chacha20_x8(st, s, n);
        return n;
    }
#endif
    size_t n = blocks < 4 ? blocks : 4;
    chacha20_x4(st, s, n);
    return n;
}
#endif

static void chacha20_run(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                         uint8_t *first, const uint8_t *in, uint8_t *out, size_t len)
{
    struct chacha_stream s = { first, in, out, len };
    size_t blocks = (first != NULL) + len / 64 + (len % 64 != 0);
    uint32_t st[16];

    chacha20_setup(st, key, nonce, counter);
#ifdef CHACHA_VEC
    while (blocks > 2) {
        size_t n = chacha20_vec_batch(st, &s, blocks);
        st[12] += (uint32_t)n;
        blocks -= n;
    }
#endif
    chacha20_scalar(st, &s, blocks);   /* what SIMD left, or everything */
    crypto_wipe(st, sizeof(st));   /* the key */
}

void crypto_chacha20_block(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                           uint8_t out[64])
{
    uint32_t st[16], ks[16];

    chacha20_setup(st, key, nonce, counter);
    chacha20_core(st, ks);
    for (int i = 0; i < 16; i++) store_le32(out + 4 * i, ks[i]);
    crypto_wipe(st, sizeof(st));
    crypto_wipe(ks, sizeof(ks));
}

void crypto_chacha20_xor(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                         const uint8_t *in, uint8_t *out, size_t len)
{
    if (len) chacha20_run(key, nonce, counter, NULL, in, out, len);
}

void crypto_chacha20_block_xor(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                               uint8_t block[64], const uint8_t *in, uint8_t *out, size_t len)
{
    chacha20_run(key, nonce, counter, block, in, out, len);
}
