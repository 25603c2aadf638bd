/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* HMAC-MD5 (RFC 2104): MD5(K ^ opad || MD5(K ^ ipad || text)). */
#include <string.h>

#include "sspishim/crypto.h"

#define BLOCK 64

void crypto_hmac_md5_init(struct crypto_hmac_md5 *ctx, const void *key, size_t key_len)
{
    uint8_t pad[BLOCK];

    /* A key longer than a block is replaced by its hash, then zero-padded. */
    memset(pad, 0, sizeof(pad));
    if (key_len > BLOCK)
        crypto_md5(key, key_len, pad);
    else if (key_len)
        memcpy(pad, key, key_len);

    for (int i = 0; i < BLOCK; i++) pad[i] ^= 0x36;
    crypto_md5_init(&ctx->inner);
    crypto_md5_update(&ctx->inner, pad, BLOCK);

    /* 0x36 ^ 0x5c turns the ipad block into the opad block. */
    for (int i = 0; i < BLOCK; i++) pad[i] ^= 0x36 ^ 0x5c;
    crypto_md5_init(&ctx->outer);
    crypto_md5_update(&ctx->outer, pad, BLOCK);

    crypto_wipe(pad, sizeof(pad));
}

void crypto_hmac_md5_update(struct crypto_hmac_md5 *ctx, const void *data, size_t len)
{
    crypto_md5_update(&ctx->inner, data, len);
}

void crypto_hmac_md5_final(struct crypto_hmac_md5 *ctx, uint8_t out[CRYPTO_HMAC_MD5_SIZE])
{
    uint8_t inner[CRYPTO_MD5_SIZE];

    crypto_md5_final(&ctx->inner, inner);
    crypto_md5_update(&ctx->outer, inner, sizeof(inner));
    crypto_md5_final(&ctx->outer, out);
    crypto_wipe(inner, sizeof(inner));
}

void crypto_hmac_md5(const void *key, size_t key_len, const void *data, size_t data_len,
                     uint8_t out[CRYPTO_HMAC_MD5_SIZE])
{
    struct crypto_hmac_md5 ctx;

    crypto_hmac_md5_init(&ctx, key, key_len);
    crypto_hmac_md5_update(&ctx, data, data_len);
    crypto_hmac_md5_final(&ctx, out);
}
