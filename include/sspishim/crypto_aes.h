/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AES (FIPS 197) and the CBC mode with ciphertext stealing that Kerberos
 * encrypts with (RFC 3962 section 5). */
#ifndef SSPISHIM_CRYPTO_AES_H
#define SSPISHIM_CRYPTO_AES_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_AES_BLOCK 16

/* The expanded key, for both directions (the decryption runs the inverse
 * cipher over the same round keys).  Wipe it with crypto_wipe when done. */
struct crypto_aes {
    uint32_t rk[60];
    int rounds;
};

/* key_len is 16, 24 or 32; anything else returns -1 and leaves ctx unset. */
int crypto_aes_init(struct crypto_aes *ctx, const uint8_t *key, size_t key_len);
/* One block; in == out is allowed.  AES-NI where the CPU has it (x86-64),
 * else the portable code; the _portable forms always take the latter, so
 * tests can hold one path against the other. */
void crypto_aes_encrypt(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16]);
void crypto_aes_decrypt(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16]);
void crypto_aes_encrypt_portable(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16]);
void crypto_aes_decrypt_portable(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16]);
/* 1 when crypto_aes_encrypt/decrypt run on AES instructions. */
int crypto_aes_hardware(void);

/* CBC with ciphertext stealing as RFC 3962 defines it: len >= 16; one block
 * is plain CBC; beyond that the input is zero-padded to whole blocks, CBC
 * encrypted, the last two ciphertext blocks are swapped and the output cut
 * to len.  iv (16 bytes) goes in as the initial vector and comes back as
 * the next one, the next-to-last output block (RFC 3962's cipher state);
 * Kerberos starts from zeros.  in == out is allowed, other overlaps are not.
 * Returns -1 (output untouched) when len < 16. */
int crypto_aes_cts_encrypt(const struct crypto_aes *ctx, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                           size_t len);
int crypto_aes_cts_decrypt(const struct crypto_aes *ctx, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                           size_t len);

#endif
