/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What Kerberos hashes with: SHA-1, SHA-256 and SHA-384 (FIPS 180-4), a
 * generic HMAC (RFC 2104) over a small hash descriptor, and PBKDF2
 * (RFC 8018) over that HMAC.  Same shape as crypto.h: init, update...,
 * final (which wipes the state), and a one-shot form. */
#ifndef SSPISHIM_CRYPTO_SHA_H
#define SSPISHIM_CRYPTO_SHA_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/crypto.h"

#define CRYPTO_SHA1_SIZE   20
#define CRYPTO_SHA256_SIZE 32
#define CRYPTO_SHA384_SIZE 48
#define CRYPTO_SHA512_SIZE 64
#define CRYPTO_HASH_MAX_SIZE  64
#define CRYPTO_HASH_MAX_BLOCK 128

struct crypto_sha1 {
    uint32_t h[5];
    uint64_t len;
    uint8_t buf[64];
};

struct crypto_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
};

/* SHA-384 is SHA-512 with its own initial state, cut to 48 bytes; both use
 * this state.  The byte count is 64 bits: the 128-bit length field's high
 * half is whatever len shifted out. */
struct crypto_sha512 {
    uint64_t h[8];
    uint64_t len;
    uint8_t buf[128];
};

void crypto_sha1_init(struct crypto_sha1 *ctx);
void crypto_sha1_update(struct crypto_sha1 *ctx, const void *data, size_t len);
void crypto_sha1_final(struct crypto_sha1 *ctx, uint8_t out[CRYPTO_SHA1_SIZE]);
void crypto_sha1(const void *data, size_t len, uint8_t out[CRYPTO_SHA1_SIZE]);

void crypto_sha256_init(struct crypto_sha256 *ctx);
void crypto_sha256_update(struct crypto_sha256 *ctx, const void *data, size_t len);
void crypto_sha256_final(struct crypto_sha256 *ctx, uint8_t out[CRYPTO_SHA256_SIZE]);
void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_SIZE]);

void crypto_sha384_init(struct crypto_sha512 *ctx);
void crypto_sha384_final(struct crypto_sha512 *ctx, uint8_t out[CRYPTO_SHA384_SIZE]);
void crypto_sha384(const void *data, size_t len, uint8_t out[CRYPTO_SHA384_SIZE]);
void crypto_sha512_init(struct crypto_sha512 *ctx);
void crypto_sha512_update(struct crypto_sha512 *ctx, const void *data, size_t len);
void crypto_sha512_final(struct crypto_sha512 *ctx, uint8_t out[CRYPTO_SHA512_SIZE]);
void crypto_sha512(const void *data, size_t len, uint8_t out[CRYPTO_SHA512_SIZE]);

/* A hash as HMAC and PBKDF2 see it.  The state lives in a union big enough
 * for any of them, so an HMAC needs no allocation. */
union crypto_hash_state {
    struct crypto_md5 md5;
    struct crypto_sha1 sha1;
    struct crypto_sha256 sha256;
    struct crypto_sha512 sha512;
};

struct crypto_hash {
    const char *name;
    size_t size;        /* digest bytes */
    size_t block;       /* input block bytes: HMAC pads its key to this */
    void (*init)(union crypto_hash_state *st);
    void (*update)(union crypto_hash_state *st, const void *data, size_t len);
    void (*final)(union crypto_hash_state *st, uint8_t *out);   /* wipes st */
};

extern const struct crypto_hash crypto_hash_md5;
extern const struct crypto_hash crypto_hash_sha1;
extern const struct crypto_hash crypto_hash_sha256;
extern const struct crypto_hash crypto_hash_sha384;
extern const struct crypto_hash crypto_hash_sha512;

/* The one-shot digest through a descriptor. */
void crypto_hash(const struct crypto_hash *h, const void *data, size_t len, uint8_t *out);

/* HMAC over any descriptor; final() writes h->size bytes and wipes ctx.
 * The key is absorbed at init (both pads hashed), not kept. */
struct crypto_hmac {
    const struct crypto_hash *hash;
    union crypto_hash_state inner, outer;
};

void crypto_hmac_init(struct crypto_hmac *ctx, const struct crypto_hash *h, const void *key, size_t key_len);
void crypto_hmac_update(struct crypto_hmac *ctx, const void *data, size_t len);
void crypto_hmac_final(struct crypto_hmac *ctx, uint8_t *out);
void crypto_hmac(const struct crypto_hash *h, const void *key, size_t key_len, const void *data,
                 size_t data_len, uint8_t *out);

/* PBKDF2 (RFC 8018 5.2) with HMAC over h: out_len bytes of key from the
 * password, salt and iteration count (at least 1; 0 is treated as 1). */
void crypto_pbkdf2_hmac(const struct crypto_hash *h, const void *password, size_t password_len,
                        const void *salt, size_t salt_len, uint32_t iterations, uint8_t *out,
                        size_t out_len);

#endif
