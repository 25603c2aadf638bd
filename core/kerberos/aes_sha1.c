/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* aes128-cts-hmac-sha1-96 and aes256-cts-hmac-sha1-96 (RFC 3962): RFC
 * 3961's simplified profile over AES-CTS.  Keys for each usage come from
 * DK (RFC 3961 5.1): the n-folded constant encrypted with the base key
 * again and again; random-to-key is the identity, so DK is DR.  The MAC
 * covers the plaintext (MAC-then-encrypt), as the profile says. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_aes.h"
#include "sspishim/crypto_sha.h"

#include "etype.h"

#define BLOCK CRYPTO_AES_BLOCK

/* DR(key, constant), out_len bytes. */
static void derive_random(const uint8_t *key, size_t key_len, const uint8_t *constant, size_t constant_len,
                          uint8_t *out, size_t out_len)
{
    struct crypto_aes aes;
    uint8_t block[BLOCK];

    crypto_aes_init(&aes, key, key_len);
    krb_crypto_nfold(constant, constant_len, block, BLOCK);
    for (size_t done = 0; done < out_len; done += BLOCK) {
        size_t take = out_len - done < BLOCK ? out_len - done : BLOCK;
        crypto_aes_encrypt(&aes, block, block);
        memcpy(out + done, block, take);
    }
    crypto_wipe(&aes, sizeof(aes));
    crypto_wipe(block, sizeof(block));
}

int krb_aes_sha1_derive(const struct krb_etype *e, const uint8_t *key, uint32_t usage, uint8_t purpose,
                        uint8_t out[KRB_KEY_MAX], size_t *out_len)
{
    uint8_t constant[5];

    krb_put_be32(constant, usage);
    constant[4] = purpose;
    derive_random(key, e->key_size, constant, sizeof(constant), out, e->key_size);
    *out_len = e->key_size;
    return KRB_CRYPTO_OK;
}

int krb_aes_sha1_string_to_key(const struct krb_etype *e, const char *password, size_t password_len,
                               const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *key)
{
    uint8_t tkey[KRB_KEY_MAX];

    crypto_pbkdf2_hmac(e->hash, password, password_len, salt, salt_len, iterations, tkey, e->key_size);
    derive_random(tkey, e->key_size, (const uint8_t *)"kerberos", 8, key, e->key_size);
    crypto_wipe(tkey, sizeof(tkey));
    return KRB_CRYPTO_OK;
}

/* The HMAC over conf || plaintext, cut to the row's MAC size. */
static void mac(const struct krb_etype *e, const uint8_t *ki, const uint8_t *data, size_t len, uint8_t *out)
{
    uint8_t full[CRYPTO_HASH_MAX_SIZE];

    crypto_hmac(e->hash, ki, e->key_size, data, len, full);
    memcpy(out, full, e->mac_size);
    crypto_wipe(full, sizeof(full));
}

int krb_aes_sha1_encrypt_dk(const struct krb_etype *e, const uint8_t *ke, const uint8_t *ki, const uint8_t *conf,
                            const uint8_t *plain, size_t len, uint8_t *out)
{
    uint8_t iv[BLOCK] = { 0 };
    struct crypto_aes aes;
    size_t n = e->conf_size + len;

    memcpy(out, conf, e->conf_size);
    if (len) memcpy(out + e->conf_size, plain, len);
    mac(e, ki, out, n, out + n);
    crypto_aes_init(&aes, ke, e->key_size);
    crypto_aes_cts_encrypt(&aes, iv, out, out, n);
    crypto_wipe(&aes, sizeof(aes));
    return KRB_CRYPTO_OK;
}

int krb_aes_sha1_encrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *conf,
                         const uint8_t *plain, size_t len, uint8_t *out)
{
    uint8_t ke[KRB_KEY_MAX], ki[KRB_KEY_MAX];
    size_t klen;
    int rc;

    krb_aes_sha1_derive(e, key, usage, KRB_DERIVE_ENCRYPT, ke, &klen);
    krb_aes_sha1_derive(e, key, usage, KRB_DERIVE_INTEGRITY, ki, &klen);
    rc = krb_aes_sha1_encrypt_dk(e, ke, ki, conf, plain, len, out);
    crypto_wipe(ke, sizeof(ke));
    crypto_wipe(ki, sizeof(ki));
    return rc;
}

int krb_aes_sha1_decrypt_dk(const struct krb_etype *e, const uint8_t *ke, const uint8_t *ki, const uint8_t *cipher,
                            size_t len, uint8_t *out)
{
    uint8_t iv[BLOCK] = { 0 }, want[CRYPTO_HASH_MAX_SIZE];
    size_t n = len - e->mac_size;
    struct crypto_aes aes;
    uint8_t *tmp = malloc(n);
    int rc = KRB_CRYPTO_OK;

    if (!tmp) return KRB_CRYPTO_NO_MEMORY;
    crypto_aes_init(&aes, ke, e->key_size);
    crypto_aes_cts_decrypt(&aes, iv, cipher, tmp, n);
    mac(e, ki, tmp, n, want);
    if (!krb_equal(want, cipher + n, e->mac_size))
        rc = KRB_CRYPTO_BAD_INTEGRITY;
    else if (n > e->conf_size)
        memcpy(out, tmp + e->conf_size, n - e->conf_size);
    crypto_wipe(tmp, n);
    free(tmp);
    crypto_wipe(&aes, sizeof(aes));
    crypto_wipe(want, sizeof(want));
    return rc;
}

int krb_aes_sha1_decrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *cipher,
                         size_t len, uint8_t *out)
{
    uint8_t ke[KRB_KEY_MAX], ki[KRB_KEY_MAX];
    size_t klen;
    int rc;

    krb_aes_sha1_derive(e, key, usage, KRB_DERIVE_ENCRYPT, ke, &klen);
    krb_aes_sha1_derive(e, key, usage, KRB_DERIVE_INTEGRITY, ki, &klen);
    rc = krb_aes_sha1_decrypt_dk(e, ke, ki, cipher, len, out);
    crypto_wipe(ke, sizeof(ke));
    crypto_wipe(ki, sizeof(ki));
    return rc;
}

int krb_aes_sha1_checksum(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *data,
                          size_t len, uint8_t *out)
{
    uint8_t kc[KRB_KEY_MAX];
    size_t klen;

    krb_aes_sha1_derive(e, key, usage, KRB_DERIVE_CHECKSUM, kc, &klen);
    mac(e, kc, data, len, out);
    crypto_wipe(kc, sizeof(kc));
    return KRB_CRYPTO_OK;
}

/* RFC 3962 section 4: the SHA-1 of the input cut to one block, encrypted
 * (CTS of one block from a zero IV: plain AES) with DK(key, "prf"). */
int krb_aes_sha1_prf(const struct krb_etype *e, const uint8_t *key, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t kprf[KRB_KEY_MAX], digest[CRYPTO_SHA1_SIZE];
    struct crypto_aes aes;

    crypto_sha1(in, len, digest);
    derive_random(key, e->key_size, (const uint8_t *)"prf", 3, kprf, e->key_size);
    crypto_aes_init(&aes, kprf, e->key_size);
    crypto_aes_encrypt(&aes, digest, out);
    crypto_wipe(&aes, sizeof(aes));
    crypto_wipe(kprf, sizeof(kprf));
    crypto_wipe(digest, sizeof(digest));
    return KRB_CRYPTO_OK;
}
