/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AES-256-GCM: the mode around two halves, counter-mode encryption and
 * GHASH, each either portable here or on AES-NI and PCLMULQDQ (gcm_ni.c).
 * Field elements are in natural bit order (see crypto_gcm.h). */
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_gcm.h"

#include "gcm_ni.h"

/* ---- the field ------------------------------------------------------------ */

static uint8_t rev8(uint8_t b)
{
    b = (uint8_t)((b & 0xf0) >> 4 | (b & 0x0f) << 4);
    b = (uint8_t)((b & 0xcc) >> 2 | (b & 0x33) << 2);
    return (uint8_t)((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

static struct crypto_gf128 gf_load(const uint8_t b[16])
{
    struct crypto_gf128 v = { 0, 0 };

    for (int i = 7; i >= 0; i--) {
        v.lo = v.lo << 8 | rev8(b[i]);
        v.hi = v.hi << 8 | rev8(b[8 + i]);
    }
    return v;
}

static void gf_store(struct crypto_gf128 v, uint8_t b[16])
{
    for (int i = 0; i < 8; i++) {
        b[i] = rev8((uint8_t)(v.lo >> (8 * i)));
        b[8 + i] = rev8((uint8_t)(v.hi >> (8 * i)));
    }
}

/* a b mod x^128 + x^7 + x^2 + x + 1, bit by bit with masks rather than
 * branches, so the time does not depend on the values. */
static struct crypto_gf128 gf_mul(struct crypto_gf128 a, struct crypto_gf128 b)
{
    struct crypto_gf128 z = { 0, 0 };

    for (int i = 0; i < 128; i++) {
        uint64_t bit = (i < 64 ? a.lo >> i : a.hi >> (i - 64)) & 1, carry = b.hi >> 63;
        z.lo ^= b.lo & (0 - bit);
        z.hi ^= b.hi & (0 - bit);
        b.hi = b.hi << 1 | b.lo >> 63;
        b.lo = b.lo << 1 ^ (0x87 & (0 - carry));
    }
    return z;
}

/* ---- the portable halves ---------------------------------------------------- */

static void counter_block(const uint8_t nonce[12], uint32_t ctr, uint8_t block[16])
{
    memcpy(block, nonce, 12);
    block[12] = (uint8_t)(ctr >> 24);
    block[13] = (uint8_t)(ctr >> 16);
    block[14] = (uint8_t)(ctr >> 8);
    block[15] = (uint8_t)ctr;
}

static void port_ctr(const struct crypto_gcm *g, const uint8_t nonce[12], uint32_t ctr,
                     const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t block[16], ks[16];

    while (len) {
        size_t n = len < 16 ? len : 16;
        counter_block(nonce, ctr++, block);
        crypto_aes_encrypt_portable(&g->aes, block, ks);
        for (size_t i = 0; i < n; i++) out[i] = in[i] ^ ks[i];
        in += n;
        out += n;
        len -= n;
    }
    crypto_wipe(ks, sizeof(ks));
}

static struct crypto_gf128 ghash_update(const struct crypto_gcm *g, struct crypto_gf128 x,
                                        const uint8_t *p, size_t len)
{
    uint8_t block[16];

    while (len) {
        size_t n = len < 16 ? len : 16;
        struct crypto_gf128 m;
        memset(block, 0, sizeof(block));
        memcpy(block, p, n);
        m = gf_load(block);
        x.lo ^= m.lo;
        x.hi ^= m.hi;
        x = gf_mul(x, g->hpow[15]);
        p += n;
        len -= n;
    }
    return x;
}

static void lengths_block(size_t aad_len, size_t len, uint8_t block[16])
{
    uint64_t a = (uint64_t)aad_len * 8, c = (uint64_t)len * 8;

    for (int i = 0; i < 8; i++) {
        block[7 - i] = (uint8_t)(a >> (8 * i));
        block[15 - i] = (uint8_t)(c >> (8 * i));
    }
}

static void port_ghash(const struct crypto_gcm *g, const uint8_t *aad, size_t aad_len,
                       const uint8_t *ct, size_t len, uint8_t s[16])
{
    struct crypto_gf128 x = { 0, 0 };
    uint8_t lens[16];

    x = ghash_update(g, x, aad, aad_len);
    x = ghash_update(g, x, ct, len);
    lengths_block(aad_len, len, lens);
    x = ghash_update(g, x, lens, 16);
    gf_store(x, s);
}

static void port_seal(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *pt, size_t len, uint8_t *ct, uint8_t s[16])
{
    port_ctr(g, nonce, 2, pt, ct, len);
    port_ghash(g, aad, aad_len, ct, len, s);
}

static void port_open(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                      const uint8_t *ct, size_t len, uint8_t *pt, uint8_t s[16])
{
    port_ghash(g, aad, aad_len, ct, len, s);
    port_ctr(g, nonce, 2, ct, pt, len);
}

/* ---- the mode --------------------------------------------------------------- */

/* seal and open compute the text and S = GHASH(aad, ct) together; the tag
 * is S ^ AES_K(nonce || 1). */
struct gcm_ops {
    void (*ctr)(const struct crypto_gcm *, const uint8_t *, uint32_t, const uint8_t *, uint8_t *, size_t);
    void (*ghash)(const struct crypto_gcm *, const uint8_t *, size_t, const uint8_t *, size_t, uint8_t *);
    void (*seal)(const struct crypto_gcm *, const uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                 uint8_t *, uint8_t *);
    void (*open)(const struct crypto_gcm *, const uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                 uint8_t *, uint8_t *);
};

static const struct gcm_ops portable = { port_ctr, port_ghash, port_seal, port_open };
#ifdef GCM_NI
static const struct gcm_ops hardware = { gcm_ni_ctr, gcm_ni_ghash, gcm_ni_seal, gcm_ni_open };
#endif

int crypto_gcm_hardware(void)
{
#ifdef GCM_NI
    return __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul") &&
           __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3");
#else
    return 0;
#endif
}

static const struct gcm_ops *best(void)
{
#ifdef GCM_NI
    if (crypto_gcm_hardware()) return &hardware;
#endif
    return &portable;
}

void crypto_gcm_init(struct crypto_gcm *g, const uint8_t key[32])
{
    static const uint8_t zero[16];
    uint8_t h[16];

    crypto_aes_init(&g->aes, key, 32);
    crypto_aes_encrypt(&g->aes, zero, h);
    memset(g->hpow, 0, sizeof(g->hpow));
    g->hpow[15] = gf_load(h);
    for (int i = 14; i >= 0; i--) g->hpow[i] = gf_mul(g->hpow[i + 1], g->hpow[15]);
    crypto_wipe(h, sizeof(h));
}

/* In place: s becomes S ^ AES_K(nonce || 1). */
static void finish_tag(const struct gcm_ops *f, const struct crypto_gcm *g, const uint8_t nonce[12], uint8_t s[16])
{
    f->ctr(g, nonce, 1, s, s, 16);
}

static int tags_differ(const uint8_t a[16], const uint8_t b[16])
{
    unsigned d = 0;

    for (int i = 0; i < 16; i++) d |= (unsigned)(a[i] ^ b[i]);
    return d != 0;
}

static void seal(const struct gcm_ops *f, const struct crypto_gcm *g, const uint8_t nonce[12],
                 const void *aad, size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16])
{
    f->seal(g, nonce, aad, aad_len, pt, len, ct, tag);
    finish_tag(f, g, nonce, tag);
}

static int verify(const struct gcm_ops *f, const struct crypto_gcm *g, const uint8_t nonce[12],
                  const void *aad, size_t aad_len, const uint8_t *ct, size_t len, const uint8_t tag[16])
{
    uint8_t want[16];
    int bad;

    f->ghash(g, aad, aad_len, ct, len, want);
    finish_tag(f, g, nonce, want);
    bad = tags_differ(want, tag);
    crypto_wipe(want, sizeof(want));
    return bad ? -1 : 0;
}

/* Decrypts while it authenticates, then wipes the plaintext if the tag is
 * wrong: one pass instead of two, and still no plaintext out on failure. */
static int open_with(const struct gcm_ops *f, const struct crypto_gcm *g, const uint8_t nonce[12],
                     const void *aad, size_t aad_len, const uint8_t *ct, size_t len, const uint8_t tag[16],
                     uint8_t *pt)
{
    uint8_t want[16], given[16];
    int bad;

    memcpy(given, tag, 16);   /* tag may sit inside pt's buffer */
    f->open(g, nonce, aad, aad_len, ct, len, pt, want);
    finish_tag(f, g, nonce, want);
    bad = tags_differ(want, given);
    crypto_wipe(want, sizeof(want));
    if (bad) {
        if (len) crypto_wipe(pt, len);
        return -1;
    }
    return 0;
}

void crypto_gcm_seal(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad, size_t aad_len,
                     const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16])
{
    seal(best(), g, nonce, aad, aad_len, pt, len, ct, tag);
}

int crypto_gcm_open(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad, size_t aad_len,
                    const uint8_t *ct, size_t len, const uint8_t tag[16], uint8_t *pt)
{
    return open_with(best(), g, nonce, aad, aad_len, ct, len, tag, pt);
}

int crypto_gcm_verify(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad, size_t aad_len,
                      const uint8_t *ct, size_t len, const uint8_t tag[16])
{
    return verify(best(), g, nonce, aad, aad_len, ct, len, tag);
}

void crypto_gcm_seal_portable(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad,
                              size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16])
{
    seal(&portable, g, nonce, aad, aad_len, pt, len, ct, tag);
}

int crypto_gcm_open_portable(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad,
                             size_t aad_len, const uint8_t *ct, size_t len, const uint8_t tag[16], uint8_t *pt)
{
    return open_with(&portable, g, nonce, aad, aad_len, ct, len, tag, pt);
}
