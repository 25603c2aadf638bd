/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hash descriptors HMAC and PBKDF2 take: each forwards to one concrete
 * hash through the state union, so the generic code never names one. */
#include "sspishim/crypto_sha.h"

#define DESCRIBE(NAME, FIELD, INIT, UPDATE, FINAL, SIZE, BLOCK) \
    static void NAME##_init(union crypto_hash_state *st) { INIT(&st->FIELD); } \
    static void NAME##_update(union crypto_hash_state *st, const void *data, size_t len) \
    { UPDATE(&st->FIELD, data, len); } \
    static void NAME##_final(union crypto_hash_state *st, uint8_t *out) { FINAL(&st->FIELD, out); } \
    const struct crypto_hash crypto_hash_##NAME = { \
        #NAME, SIZE, BLOCK, NAME##_init, NAME##_update, NAME##_final, \
    };

DESCRIBE(md5, md5, crypto_md5_init, crypto_md5_update, crypto_md5_final, CRYPTO_MD5_SIZE, 64)
DESCRIBE(sha1, sha1, crypto_sha1_init, crypto_sha1_update, crypto_sha1_final, CRYPTO_SHA1_SIZE, 64)
DESCRIBE(sha256, sha256, crypto_sha256_init, crypto_sha256_update, crypto_sha256_final, CRYPTO_SHA256_SIZE, 64)
DESCRIBE(sha384, sha512, crypto_sha384_init, crypto_sha512_update, crypto_sha384_final, CRYPTO_SHA384_SIZE, 128)
DESCRIBE(sha512, sha512, crypto_sha512_init, crypto_sha512_update, crypto_sha512_final, CRYPTO_SHA512_SIZE, 128)

void crypto_hash(const struct crypto_hash *h, const void *data, size_t len, uint8_t *out)
{
    union crypto_hash_state st;

    h->init(&st);
    h->update(&st, data, len);
    h->final(&st, out);
}
