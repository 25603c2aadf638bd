/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* HMAC (RFC 2104) over any hash descriptor:
 * H(K ^ opad || H(K ^ ipad || text)).  hmac_md5.c is the MD5-only twin
 * NTLM uses, kept for its fixed-size context. */
#include <string.h>

#include "sspishim/crypto_sha.h"

void crypto_hmac_init(struct crypto_hmac *ctx, const struct crypto_hash *h, const void *key, size_t key_len)
{
    uint8_t pad[CRYPTO_HASH_MAX_BLOCK];
    size_t block = h->block;

    /* A key longer than a block is replaced by its hash, then zero-padded. */
    memset(pad, 0, block);
    if (key_len > block)
        crypto_hash(h, key, key_len, pad);
    else if (key_len)
        memcpy(pad, key, key_len);

    ctx->hash = h;
    for (size_t i = 0; i < block; i++) pad[i] ^= 0x36;
    h->init(&ctx->inner);
    h->update(&ctx->inner, pad, block);

    /* 0x36 ^ 0x5c turns the ipad block into the opad block. */
    for (size_t i = 0; i < block; i++) pad[i] ^= 0x36 ^ 0x5c;
    h->init(&ctx->outer);
    h->update(&ctx->outer, pad, block);

    crypto_wipe(pad, sizeof(pad));
}

void crypto_hmac_update(struct crypto_hmac *ctx, const void *data, size_t len)
{
    ctx->hash->update(&ctx->inner, data, len);
}

void crypto_hmac_final(struct crypto_hmac *ctx, uint8_t *out)
{
    const struct crypto_hash *h = ctx->hash;
    uint8_t inner[CRYPTO_HASH_MAX_SIZE];

    h->final(&ctx->inner, inner);
    h->update(&ctx->outer, inner, h->size);
    h->final(&ctx->outer, out);
    crypto_wipe(inner, sizeof(inner));
    crypto_wipe(ctx, sizeof(*ctx));
}

void crypto_hmac(const struct crypto_hash *h, const void *key, size_t key_len, const void *data,
                 size_t data_len, uint8_t *out)
{
    struct crypto_hmac ctx;

    crypto_hmac_init(&ctx, h, key, key_len);
    crypto_hmac_update(&ctx, data, data_len);
    crypto_hmac_final(&ctx, out);
}
