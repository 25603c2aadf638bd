/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AES-256-GCM (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag: the
 * packed-context envelope's AEAD where the CPU has AES and carry-less
 * multiply instructions, at about a third of ChaCha20-Poly1305's cost
 * there (include/sspishim/packed.h).
 *
 * A key is expanded once (the AES round keys and the GHASH key's first
 * four powers) and then serves any number of messages, each under its own
 * nonce: never seal two messages under one key and nonce.
 *
 * GHASH works in GF(2^128) with the field's coefficients in their natural
 * order: bit i of a 128-bit value is the coefficient of x^i, so a block's
 * bytes, read little-endian, only need the bits of each byte reversed
 * (GCM numbers a byte's bits from its most significant one).  Multiplying
 * is then a plain carry-less product reduced by x^128 = x^7 + x^2 + x + 1.
 *
 * Overlap: in == out is allowed; any other overlap is not. */
#ifndef SSPISHIM_CRYPTO_GCM_H
#define SSPISHIM_CRYPTO_GCM_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/crypto_aes.h"

#define CRYPTO_GCM_KEY_SIZE   32
#define CRYPTO_GCM_NONCE_SIZE 12
#define CRYPTO_GCM_TAG_SIZE   16

/* A field element: lo holds the coefficients of x^0..x^63, hi x^64..x^127.
 * On a little-endian host its memory is a 128-bit little-endian value. */
struct crypto_gf128 {
    uint64_t lo, hi;
};

/* The expanded key.  Wipe it with crypto_wipe when done. */
struct crypto_gcm {
    struct crypto_aes aes;
    /* Powers of H = AES_K(0^128), highest first: hpow[i] = H^(16 - i), so
     * hpow[15] is H and a run of n aggregated blocks takes hpow[16 - n..15]
     * in order; then 15 zeros, so that a run of sixteen starting anywhere
     * in the first sixteen can be read whole. */
    struct crypto_gf128 hpow[31];
};

void crypto_gcm_init(struct crypto_gcm *g, const uint8_t key[32]);

/* Largest len: the 32-bit block counter starts at 2, so 2^32 - 2 blocks;
 * callers here seal at most a megabyte. */
void crypto_gcm_seal(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad, size_t aad_len,
                     const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16]);
/* 0 and the plaintext, or -1 with pt zeroed: decryption and the tag's
 * computation run in one pass, and the tag is compared (in constant time)
 * before open returns, wiping pt when it differs.  In place (ct == pt), a
 * failed open therefore leaves zeros where the ciphertext was. */
int crypto_gcm_open(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad, size_t aad_len,
                    const uint8_t *ct, size_t len, const uint8_t tag[16], uint8_t *pt);
/* 0 when the tag verifies; nothing is decrypted. */
int crypto_gcm_verify(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad, size_t aad_len,
                      const uint8_t *ct, size_t len, const uint8_t tag[16]);

/* 1 when seal, open and verify run on AES-NI and PCLMULQDQ (x86-64). */
int crypto_gcm_hardware(void);
/* The same, always on the portable code: tests hold one against the other. */
void crypto_gcm_seal_portable(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad,
                              size_t aad_len, const uint8_t *pt, size_t len, uint8_t *ct, uint8_t tag[16]);
int crypto_gcm_open_portable(const struct crypto_gcm *g, const uint8_t nonce[12], const void *aad,
                             size_t aad_len, const uint8_t *ct, size_t len, const uint8_t tag[16], uint8_t *pt);

#endif
