/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ChaCha20, Poly1305 and their AEAD construction, as RFC 8439 defines them.
 *
 * They protect packed security contexts: every export and every import runs
 * one seal or one open, so they live in-process rather than behind bcrypt.
 * Plain C11 with no platform headers and no alignment assumptions: every
 * multi-byte value is loaded and stored bytewise, little-endian, so buffers
 * may sit at any address and every host produces the same bytes.
 *
 * Overlap: in == out (and ct == pt) is allowed; any other overlap is not. */
#ifndef SSPISHIM_AEAD_H
#define SSPISHIM_AEAD_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_CHACHA20_KEY_SIZE   32
#define CRYPTO_CHACHA20_NONCE_SIZE 12
#define CRYPTO_CHACHA20_BLOCK_SIZE 64
#define CRYPTO_POLY1305_KEY_SIZE   32
#define CRYPTO_POLY1305_TAG_SIZE   16
#define CRYPTO_AEAD_KEY_SIZE       32
#define CRYPTO_AEAD_NONCE_SIZE     12
#define CRYPTO_AEAD_TAG_SIZE       16

/* The most the AEAD takes: the block counter is 32 bits and starts at 1. */
#define CRYPTO_AEAD_MAX_PT ((uint64_t)0xffffffffu * CRYPTO_CHACHA20_BLOCK_SIZE)

/* One 64-byte keystream block (RFC 8439 2.3). */
void crypto_chacha20_block(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                           uint8_t out[64]);

/* out = in ^ keystream, the keystream starting at block `counter`.  The
 * counter is 32 bits: the caller keeps len <= 64 * (2^32 - counter), as
 * the RFC requires; beyond that the keystream would repeat. */
void crypto_chacha20_xor(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                         const uint8_t *in, uint8_t *out, size_t len);

/* Keystream block `counter` into block, then out = in ^ keystream from
 * counter + 1 on: the AEAD's one-time Poly1305 key and its ciphertext in
 * one pass, so the key's block can share a SIMD batch with the data's. */
void crypto_chacha20_block_xor(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                               uint8_t block[64], const uint8_t *in, uint8_t *out, size_t len);

/* Poly1305 (RFC 8439 2.5), a one-time authenticator: never use one key for
 * two messages.  final() wipes the state.
 *
 * The limbs are in whichever representation poly1305.c picks for the
 * compiler: two 64-bit words multiplied through unsigned __int128 where
 * the compiler has it, five 26-bit limbs and 64-bit products elsewhere
 * (i686).  Treat the union as opaque. */
struct crypto_poly1305 {
    union {
        struct { uint64_t r[2], h[3]; } l64;
        struct { uint32_t r[5], h[5]; } l26;
    } u;
    uint8_t s[16];      /* the key's second half, added at the end */
    uint8_t buf[16];    /* a partial block waiting for more input */
    size_t used;
};

void crypto_poly1305_init(struct crypto_poly1305 *ctx, const uint8_t key[32]);
void crypto_poly1305_update(struct crypto_poly1305 *ctx, const void *data, size_t len);
void crypto_poly1305_final(struct crypto_poly1305 *ctx, uint8_t tag[16]);
void crypto_poly1305(const uint8_t key[32], const void *data, size_t len, uint8_t tag[16]);

/* The 26-bit implementation, whatever the host: the unit tests run it on
 * 64-bit hosts too, so the code i686 uses is checked on every build. */
void crypto_poly1305_portable_init(struct crypto_poly1305 *ctx, const uint8_t key[32]);
void crypto_poly1305_portable_update(struct crypto_poly1305 *ctx, const void *data, size_t len);
void crypto_poly1305_portable_final(struct crypto_poly1305 *ctx, uint8_t tag[16]);

/* AEAD_CHACHA20_POLY1305 (RFC 8439 2.8) with a detached tag.  A nonce must
 * never be used twice with one key.  aad and pt/ct may be NULL when their
 * length is 0.  All three return 0, or -1 when pt_len/ct_len exceeds
 * CRYPTO_AEAD_MAX_PT (only reachable with a 64-bit size_t).
 *
 * open() compares tags in constant time.  On failure (-1) pt is
 * zero-filled (even when pt == ct): no unauthenticated plaintext is left
 * for a caller that ignores the result.  verify() is open() without the
 * decryption. */
int crypto_aead_seal(const uint8_t key[32], const uint8_t nonce[12],
                     const void *aad, size_t aad_len, const void *pt, size_t pt_len,
                     void *ct, uint8_t tag[16]);
int crypto_aead_open(const uint8_t key[32], const uint8_t nonce[12],
                     const void *aad, size_t aad_len, const void *ct, size_t ct_len,
                     const uint8_t tag[16], void *pt);
int crypto_aead_verify(const uint8_t key[32], const uint8_t nonce[12],
                       const void *aad, size_t aad_len, const void *ct, size_t ct_len,
                       const uint8_t tag[16]);

#endif
