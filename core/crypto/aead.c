/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AEAD_CHACHA20_POLY1305 (RFC 8439 2.8): the one-time Poly1305 key is the
 * first half of keystream block 0, the data is encrypted from block 1, and
 * the tag covers aad, pad, ciphertext, pad and both lengths. */
#include <string.h>

#include "sspishim/aead.h"
#include "sspishim/crypto.h"

static const uint8_t zeros[16];

/* Where size_t has 32 bits no length can exceed the limit (and compilers
 * warn that the comparison is always false). */
static int too_long(size_t len)
{
#if SIZE_MAX > 0xffffffffu
    return (uint64_t)len > CRYPTO_AEAD_MAX_PT;
#else
    (void)len;
    return 0;
#endif
}

/* block0 is keystream block 0, whose first half is the Poly1305 key; it is
 * wiped here. */
static void aead_tag(uint8_t block0[64], const void *aad, size_t aad_len,
                     const void *ct, size_t ct_len, uint8_t tag[16])
{
    struct crypto_poly1305 mac;
    uint8_t lens[16];
    uint64_t a = aad_len, c = ct_len;

    crypto_poly1305_init(&mac, block0);
    crypto_wipe(block0, 64);

    crypto_poly1305_update(&mac, aad, aad_len);
    crypto_poly1305_update(&mac, zeros, (16 - aad_len % 16) % 16);
    crypto_poly1305_update(&mac, ct, ct_len);
    crypto_poly1305_update(&mac, zeros, (16 - ct_len % 16) % 16);
    for (int i = 0; i < 8; i++) {
        lens[i] = (uint8_t)(a >> (8 * i));
        lens[8 + i] = (uint8_t)(c >> (8 * i));
    }
    crypto_poly1305_update(&mac, lens, sizeof(lens));
    crypto_poly1305_final(&mac, tag);
}

/* 0 when equal, -1 otherwise, in time independent of where they differ. */
static int tag_compare(const uint8_t a[16], const uint8_t b[16])
{
    unsigned d = 0;

    for (int i = 0; i < 16; i++) d |= (unsigned)(a[i] ^ b[i]);
    /* d is 0..255: d - 1 borrows into bit 8 only when d == 0. */
    return (int)((d - 1) >> 8 & 1) - 1;
}

int crypto_aead_seal(const uint8_t key[32], const uint8_t nonce[12],
                     const void *aad, size_t aad_len, const void *pt, size_t pt_len,
                     void *ct, uint8_t tag[16])
{
    uint8_t block0[64];

    if (too_long(pt_len)) return -1;
    crypto_chacha20_block_xor(key, nonce, 0, block0, pt, ct, pt_len);
    aead_tag(block0, aad, aad_len, ct, pt_len, tag);
    return 0;
}

int crypto_aead_verify(const uint8_t key[32], const uint8_t nonce[12],
                       const void *aad, size_t aad_len, const void *ct, size_t ct_len,
                       const uint8_t tag[16])
{
    uint8_t block0[64], want[16];
    int ret;

    if (too_long(ct_len)) return -1;
    /* Nothing is decrypted: the key's block is all it needs. */
    crypto_chacha20_block(key, nonce, 0, block0);
    aead_tag(block0, aad, aad_len, ct, ct_len, want);
    ret = tag_compare(want, tag);
    crypto_wipe(want, sizeof(want));
    return ret;
}

int crypto_aead_open(const uint8_t key[32], const uint8_t nonce[12],
                     const void *aad, size_t aad_len, const void *ct, size_t ct_len,
                     const uint8_t tag[16], void *pt)
{
    uint8_t block0[64], want[16];
    int ret;

    if (too_long(ct_len)) return -1;
    if (pt == ct) {
        /* In place the tag must be computed before decryption destroys
         * the ciphertext. */
        if (crypto_aead_verify(key, nonce, aad, aad_len, ct, ct_len, tag)) {
            if (ct_len) memset(pt, 0, ct_len);
            return -1;
        }
        if (ct_len) crypto_chacha20_xor(key, nonce, 1, ct, pt, ct_len);
        return 0;
    }
    /* Otherwise the key's block and the plaintext come from one pass, and
     * the plaintext is withdrawn if the tag does not match. */
    crypto_chacha20_block_xor(key, nonce, 0, block0, ct, pt, ct_len);
    aead_tag(block0, aad, aad_len, ct, ct_len, want);
    ret = tag_compare(want, tag);
    crypto_wipe(want, sizeof(want));
    if (ret && ct_len) memset(pt, 0, ct_len);
    return ret;
}
