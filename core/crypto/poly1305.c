/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Poly1305 (RFC 8439 2.5): the accumulator h runs h = (h + m) * r mod p,
 * p = 2^130 - 5, over 16-byte blocks m with a 1 bit appended; the tag is
 * (h + s) mod 2^128.
 *
 * Both representations keep h only partially reduced between blocks (a few
 * bits above 2^130 are allowed) and fold the bits at 2^130 and above back
 * in as multiples of 5, since 2^130 = 5 (mod p).  The last step reduces
 * fully, with a mask instead of a branch so that timing does not depend on
 * the value. */
#include <string.h>

#include "sspishim/aead.h"
#include "sspishim/crypto.h"

#include "le32.h"

#if defined(__SIZEOF_INT128__)
#define POLY1305_LIMB64 1
__extension__ typedef unsigned __int128 u128;   /* GCC and Clang, 64-bit targets */
#endif

/* r with the RFC's clamp: the top four bits of each 32-bit word and the
 * low two bits of words 1..3 cleared.  That is what keeps every product
 * below within its type. */
static void clamp_r(const uint8_t key[16], uint32_t t[4])
{
    t[0] = load_le32(key) & 0x0fffffffu;
    t[1] = load_le32(key + 4) & 0x0ffffffcu;
    t[2] = load_le32(key + 8) & 0x0ffffffcu;
    t[3] = load_le32(key + 12) & 0x0ffffffcu;
}

/* (h + s) mod 2^128, h given as four 32-bit words of its low 128 bits. */
static void add_s(const uint32_t h[4], const uint8_t s[16], uint8_t tag[16])
{
    uint64_t c = 0;

    for (int i = 0; i < 4; i++) {
        c += (uint64_t)h[i] + load_le32(s + 4 * i);
        store_le32(tag + 4 * i, (uint32_t)c);
        c >>= 32;
    }
}

/* ---- five 26-bit limbs: 32x32->64 products, for any C compiler -------- */

#define M26 0x3ffffffu

static void p26_init(struct crypto_poly1305 *ctx, const uint8_t key[32])
{
    uint32_t t[4], *r = ctx->u.l26.r;

    clamp_r(key, t);
    r[0] = t[0] & M26;
    r[1] = (t[0] >> 26 | t[1] << 6) & M26;
    r[2] = (t[1] >> 20 | t[2] << 12) & M26;
    r[3] = (t[2] >> 14 | t[3] << 18) & M26;
    r[4] = t[3] >> 8;
    memset(ctx->u.l26.h, 0, sizeof(ctx->u.l26.h));
    crypto_wipe(t, sizeof(t));
}

/* hibit is 2^128 expressed in the top limb (1 << 24), or 0 for the last,
 * already padded, partial block. */
static void p26_blocks(struct crypto_poly1305 *ctx, const uint8_t *m, size_t blocks, uint32_t hibit)
{
    const uint32_t r0 = ctx->u.l26.r[0], r1 = ctx->u.l26.r[1], r2 = ctx->u.l26.r[2];
    const uint32_t r3 = ctx->u.l26.r[3], r4 = ctx->u.l26.r[4];
    /* Limb i times limb j lands at 2^(26(i+j)); at 2^130 and above it wraps
     * to the bottom times 5.  The clamp keeps 5 r < 2^29. */
    const uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
    uint32_t h0 = ctx->u.l26.h[0], h1 = ctx->u.l26.h[1], h2 = ctx->u.l26.h[2];
    uint32_t h3 = ctx->u.l26.h[3], h4 = ctx->u.l26.h[4];

    for (; blocks; blocks--, m += 16) {
        uint32_t t0 = load_le32(m), t1 = load_le32(m + 4), t2 = load_le32(m + 8), t3 = load_le32(m + 12);
        uint64_t d0, d1, d2, d3, d4;

        h0 += t0 & M26;
        h1 += (t0 >> 26 | t1 << 6) & M26;
        h2 += (t1 >> 20 | t2 << 12) & M26;
        h3 += (t2 >> 14 | t3 << 18) & M26;
        h4 += t3 >> 8 | hibit;

        /* Limbs are < 2^27 and s < 2^29: five products stay below 2^59. */
        d0 = (uint64_t)h0 * r0 + (uint64_t)h1 * s4 + (uint64_t)h2 * s3 + (uint64_t)h3 * s2 + (uint64_t)h4 * s1;
        d1 = (uint64_t)h0 * r1 + (uint64_t)h1 * r0 + (uint64_t)h2 * s4 + (uint64_t)h3 * s3 + (uint64_t)h4 * s2;
        d2 = (uint64_t)h0 * r2 + (uint64_t)h1 * r1 + (uint64_t)h2 * r0 + (uint64_t)h3 * s4 + (uint64_t)h4 * s3;
        d3 = (uint64_t)h0 * r3 + (uint64_t)h1 * r2 + (uint64_t)h2 * r1 + (uint64_t)h3 * r0 + (uint64_t)h4 * s4;
        d4 = (uint64_t)h0 * r4 + (uint64_t)h1 * r3 + (uint64_t)h2 * r2 + (uint64_t)h3 * r1 + (uint64_t)h4 * r0;

        /* Carry up the chain in 64 bits (a carry can pass 2^32); what
         * leaves the top limb comes back times 5.  h1 may end a little
         * above 2^26, which the next block's products allow for. */
        d1 += d0 >> 26; h0 = (uint32_t)d0 & M26;
        d2 += d1 >> 26; h1 = (uint32_t)d1 & M26;
        d3 += d2 >> 26; h2 = (uint32_t)d2 & M26;
        d4 += d3 >> 26; h3 = (uint32_t)d3 & M26;
        d0 = (uint64_t)h0 + (d4 >> 26) * 5; h4 = (uint32_t)d4 & M26;
        h0 = (uint32_t)d0 & M26;
        h1 += (uint32_t)(d0 >> 26);
    }
    ctx->u.l26.h[0] = h0; ctx->u.l26.h[1] = h1; ctx->u.l26.h[2] = h2;
    ctx->u.l26.h[3] = h3; ctx->u.l26.h[4] = h4;
}

static void p26_finish(struct crypto_poly1305 *ctx, uint8_t tag[16])
{
    uint32_t h0 = ctx->u.l26.h[0], h1 = ctx->u.l26.h[1], h2 = ctx->u.l26.h[2];
    uint32_t h3 = ctx->u.l26.h[3], h4 = ctx->u.l26.h[4];
    uint32_t g0, g1, g2, g3, g4, c, mask, w[4];

    /* Full carry: every limb below 2^26, h below 2^130 + a little. */
    c = h1 >> 26; h1 &= M26; h2 += c;
    c = h2 >> 26; h2 &= M26; h3 += c;
    c = h3 >> 26; h3 &= M26; h4 += c;
    c = h4 >> 26; h4 &= M26; h0 += c * 5;
    c = h0 >> 26; h0 &= M26; h1 += c;
    /* That last carry can leave h1 at 2^26; a second pass makes every limb
     * canonical, which the packing into words below relies on. */
    c = h1 >> 26; h1 &= M26; h2 += c;
    c = h2 >> 26; h2 &= M26; h3 += c;
    c = h3 >> 26; h3 &= M26; h4 += c;

    /* g = h + 5 - 2^130; when that does not go negative, h >= p and the
     * answer is g.  The borrow shows in bit 31 of g4. */
    g0 = h0 + 5; c = g0 >> 26; g0 &= M26;
    g1 = h1 + c; c = g1 >> 26; g1 &= M26;
    g2 = h2 + c; c = g2 >> 26; g2 &= M26;
    g3 = h3 + c; c = g3 >> 26; g3 &= M26;
    g4 = h4 + c - (1u << 26);
    mask = (g4 >> 31) - 1;          /* all ones: take g */
    h0 = (h0 & ~mask) | (g0 & mask);
    h1 = (h1 & ~mask) | (g1 & mask);
    h2 = (h2 & ~mask) | (g2 & mask);
    h3 = (h3 & ~mask) | (g3 & mask);
    h4 = (h4 & ~mask) | (g4 & mask);

    w[0] = h0 | h1 << 26;
    w[1] = h1 >> 6 | h2 << 20;
    w[2] = h2 >> 12 | h3 << 14;
    w[3] = h3 >> 18 | h4 << 8;
    add_s(w, ctx->s, tag);
    crypto_wipe(w, sizeof(w));
}

/* ---- two 64-bit limbs: 64x64->128 products -------------------------- */

#ifdef POLY1305_LIMB64
static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

static void p64_init(struct crypto_poly1305 *ctx, const uint8_t key[32])
{
    uint32_t t[4];

    clamp_r(key, t);
    ctx->u.l64.r[0] = (uint64_t)t[0] | (uint64_t)t[1] << 32;
    ctx->u.l64.r[1] = (uint64_t)t[2] | (uint64_t)t[3] << 32;
    memset(ctx->u.l64.h, 0, sizeof(ctx->u.l64.h));
    crypto_wipe(t, sizeof(t));
}

/* h = h0 + h1 2^64 + h2 2^128, h2 a few bits.  hibit is 1 or 0 (as for
 * p26_blocks, 2^128 or nothing). */
static void p64_blocks(struct crypto_poly1305 *ctx, const uint8_t *m, size_t blocks, uint64_t hibit)
{
    const uint64_t r0 = ctx->u.l64.r[0], r1 = ctx->u.l64.r[1];
    /* r1 is a multiple of 4 (the clamp), so r1 2^128 = (r1/4) 2^130, which
     * is (r1/4) * 5 = r1 + r1/4 at 2^0. */
    const uint64_t s1 = r1 + (r1 >> 2);
    uint64_t h0 = ctx->u.l64.h[0], h1 = ctx->u.l64.h[1], h2 = ctx->u.l64.h[2];

    for (; blocks; blocks--, m += 16) {
        u128 d0, d1;
        uint64_t d2, c;

        d0 = (u128)h0 + load_le64(m);
        d1 = (u128)h1 + load_le64(m + 8) + (uint64_t)(d0 >> 64);
        h0 = (uint64_t)d0;
        h1 = (uint64_t)d1;
        h2 += (uint64_t)(d1 >> 64) + hibit;

        /* h r = h0 r0 + (h0 r1 + h1 r0) 2^64 + (h1 r1 + h2 r0) 2^128 + h2 r1 2^192,
         * with the r1 2^128 terms folded down through s1.  r0, r1 < 2^60
         * and s1 < 2^61, so no sum below overflows. */
        d0 = (u128)h0 * r0 + (u128)h1 * s1;
        d1 = (u128)h0 * r1 + (u128)h1 * r0 + (u128)(h2 * s1);
        d2 = h2 * r0;

        d1 += (uint64_t)(d0 >> 64);
        d2 += (uint64_t)(d1 >> 64);
        h0 = (uint64_t)d0;
        h1 = (uint64_t)d1;

        /* Bits at 2^130 and above, times 5, back to the bottom. */
        c = (d2 >> 2) + (d2 & ~(uint64_t)3);
        h2 = d2 & 3;
        d0 = (u128)h0 + c;
        h0 = (uint64_t)d0;
        d1 = (u128)h1 + (uint64_t)(d0 >> 64);
        h1 = (uint64_t)d1;
        h2 += (uint64_t)(d1 >> 64);
    }
    ctx->u.l64.h[0] = h0; ctx->u.l64.h[1] = h1; ctx->u.l64.h[2] = h2;
}

static void p64_finish(struct crypto_poly1305 *ctx, uint8_t tag[16])
{
    uint64_t h0 = ctx->u.l64.h[0], h1 = ctx->u.l64.h[1], h2 = ctx->u.l64.h[2];
    uint64_t g0, g1, g2, c, mask;
    uint32_t w[4];
    u128 t;

    /* Fold once more so h < 2^130 + 2^64: then one subtraction of p is
     * enough. */
    c = (h2 >> 2) + (h2 & ~(uint64_t)3);
    h2 &= 3;
    t = (u128)h0 + c;
    h0 = (uint64_t)t;
    t = (u128)h1 + (uint64_t)(t >> 64);
    h1 = (uint64_t)t;
    h2 += (uint64_t)(t >> 64);

    /* g = h + 5; if it reaches 2^130, h >= p and h - p is g's low 130 bits. */
    t = (u128)h0 + 5;
    g0 = (uint64_t)t;
    t = (u128)h1 + (uint64_t)(t >> 64);
    g1 = (uint64_t)t;
    g2 = h2 + (uint64_t)(t >> 64);
    mask = 0 - (g2 >> 2);           /* all ones: take g */
    h0 = (h0 & ~mask) | (g0 & mask);
    h1 = (h1 & ~mask) | (g1 & mask);

    w[0] = (uint32_t)h0;
    w[1] = (uint32_t)(h0 >> 32);
    w[2] = (uint32_t)h1;
    w[3] = (uint32_t)(h1 >> 32);
    add_s(w, ctx->s, tag);
    crypto_wipe(w, sizeof(w));
}
#endif

/* ---- buffering, shared ------------------------------------------------ */

typedef void (*blocks_fn)(struct crypto_poly1305 *ctx, const uint8_t *m, size_t blocks, int last);

static void p26_run(struct crypto_poly1305 *ctx, const uint8_t *m, size_t blocks, int last)
{
    p26_blocks(ctx, m, blocks, last ? 0 : 1u << 24);
}

#ifdef POLY1305_LIMB64
static void p64_run(struct crypto_poly1305 *ctx, const uint8_t *m, size_t blocks, int last)
{
    p64_blocks(ctx, m, blocks, last ? 0 : 1);
}
#endif

/* Static and called with a constant function, so the compiler inlines the
 * right block function and the indirection costs nothing. */
static inline void poly_start(struct crypto_poly1305 *ctx, const uint8_t key[32])
{
    memcpy(ctx->s, key + 16, 16);
    ctx->used = 0;
}

static inline void poly_update(struct crypto_poly1305 *ctx, const void *data, size_t len, blocks_fn run)
{
    const uint8_t *p = data;

    if (!len) return;   /* data may be NULL then, which memcpy does not allow */
    if (ctx->used) {
        size_t take = 16 - ctx->used < len ? 16 - ctx->used : len;
        memcpy(ctx->buf + ctx->used, p, take);
        ctx->used += take;
        p += take;
        len -= take;
        if (ctx->used < 16) return;
        run(ctx, ctx->buf, 1, 0);
        ctx->used = 0;
    }
    if (len >= 16) {
        run(ctx, p, len / 16, 0);
        p += len & ~(size_t)15;
        len &= 15;
    }
    if (len) {
        memcpy(ctx->buf, p, len);
        ctx->used = len;
    }
}

/* A final partial block carries its 1 bit inside the buffer, right after
 * the data, instead of at 2^128. */
static inline void poly_pad_last(struct crypto_poly1305 *ctx, blocks_fn run)
{
    if (!ctx->used) return;
    ctx->buf[ctx->used] = 1;
    if (ctx->used + 1 < 16) memset(ctx->buf + ctx->used + 1, 0, 16 - ctx->used - 1);
    run(ctx, ctx->buf, 1, 1);
}

void crypto_poly1305_portable_init(struct crypto_poly1305 *ctx, const uint8_t key[32])
{
    p26_init(ctx, key);
    poly_start(ctx, key);
}

void crypto_poly1305_portable_update(struct crypto_poly1305 *ctx, const void *data, size_t len)
{
    poly_update(ctx, data, len, p26_run);
}

void crypto_poly1305_portable_final(struct crypto_poly1305 *ctx, uint8_t tag[16])
{
    poly_pad_last(ctx, p26_run);
    p26_finish(ctx, tag);
    crypto_wipe(ctx, sizeof(*ctx));
}

#ifdef POLY1305_LIMB64
void crypto_poly1305_init(struct crypto_poly1305 *ctx, const uint8_t key[32])
{
    p64_init(ctx, key);
    poly_start(ctx, key);
}

void crypto_poly1305_update(struct crypto_poly1305 *ctx, const void *data, size_t len)
{
    poly_update(ctx, data, len, p64_run);
}

void crypto_poly1305_final(struct crypto_poly1305 *ctx, uint8_t tag[16])
{
    poly_pad_last(ctx, p64_run);
    p64_finish(ctx, tag);
    crypto_wipe(ctx, sizeof(*ctx));
}
#else
void crypto_poly1305_init(struct crypto_poly1305 *ctx, const uint8_t key[32])
{
    crypto_poly1305_portable_init(ctx, key);
}

void crypto_poly1305_update(struct crypto_poly1305 *ctx, const void *data, size_t len)
{
    crypto_poly1305_portable_update(ctx, data, len);
}

void crypto_poly1305_final(struct crypto_poly1305 *ctx, uint8_t tag[16])
{
    crypto_poly1305_portable_final(ctx, tag);
}
#endif

void crypto_poly1305(const uint8_t key[32], const void *data, size_t len, uint8_t tag[16])
{
    struct crypto_poly1305 ctx;

    crypto_poly1305_init(&ctx, key);
    crypto_poly1305_update(&ctx, data, len);
    crypto_poly1305_final(&ctx, tag);
}
