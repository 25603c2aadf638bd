/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The few primitives NTLM is built from: MD4 (the NT hash), MD5, HMAC-MD5,
 * RC4 and CRC-32.  Each has an incremental form (init, update..., final) and a
 * one-shot form.  final() wipes the state, so a finished context holds no
 * key material; call init again to reuse it.  Plain C11 with no platform
 * headers: the same code runs in the DLL and in the native unit tests. */
#ifndef SSPISHIM_CRYPTO_H
#define SSPISHIM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_MD4_SIZE      16
#define CRYPTO_MD5_SIZE      16
#define CRYPTO_HMAC_MD5_SIZE 16

/* MD4 and MD5 share the Merkle-Damgard frame: 64-byte blocks, a 64-bit
 * byte count and a partial block waiting for more input. */
struct crypto_md4 {
    uint32_t h[4];
    uint64_t len;
    uint8_t buf[64];
};

struct crypto_md5 {
    uint32_t h[4];
    uint64_t len;
    uint8_t buf[64];
};

void crypto_md4_init(struct crypto_md4 *ctx);
void crypto_md4_update(struct crypto_md4 *ctx, const void *data, size_t len);
void crypto_md4_final(struct crypto_md4 *ctx, uint8_t out[CRYPTO_MD4_SIZE]);
void crypto_md4(const void *data, size_t len, uint8_t out[CRYPTO_MD4_SIZE]);

void crypto_md5_init(struct crypto_md5 *ctx);
void crypto_md5_update(struct crypto_md5 *ctx, const void *data, size_t len);
void crypto_md5_final(struct crypto_md5 *ctx, uint8_t out[CRYPTO_MD5_SIZE]);
void crypto_md5(const void *data, size_t len, uint8_t out[CRYPTO_MD5_SIZE]);

/* The outer hash is keyed at init time, so the key itself is not kept. */
struct crypto_hmac_md5 {
    struct crypto_md5 inner, outer;
};

void crypto_hmac_md5_init(struct crypto_hmac_md5 *ctx, const void *key, size_t key_len);
void crypto_hmac_md5_update(struct crypto_hmac_md5 *ctx, const void *data, size_t len);
void crypto_hmac_md5_final(struct crypto_hmac_md5 *ctx, uint8_t out[CRYPTO_HMAC_MD5_SIZE]);
void crypto_hmac_md5(const void *key, size_t key_len, const void *data, size_t data_len,
                     uint8_t out[CRYPTO_HMAC_MD5_SIZE]);

/* RC4 is a stream: crypt() continues where the previous call stopped, and
 * encrypting and decrypting are the same operation.  Keys longer than 256
 * bytes only use their first 256; an empty key acts as a key of one zero
 * byte.  in == out is allowed; other overlaps and pointing into the state
 * are not.  There is no final(): wipe the state with crypto_wipe. */
struct crypto_rc4 {
    uint8_t i, j, s[256];
};

void crypto_rc4_init(struct crypto_rc4 *ctx, const uint8_t *key, size_t len);
void crypto_rc4_crypt(struct crypto_rc4 *ctx, const uint8_t *in, uint8_t *out, size_t len);

/* CRC-32 as zlib's crc32() and IEEE 802.3: start with 0, pass each result
 * back in to continue over the next piece ("123456789" gives 0xcbf43926).
 * A checksum, not a MAC: NTLM without extended session security (MS-NLMP
 * 3.4.4.1) encrypts it. */
uint32_t crypto_crc32(uint32_t crc, const void *data, size_t len);

/* Zeroes memory in a way the compiler may not drop as a dead store. */
void crypto_wipe(void *p, size_t n);

#endif
