/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* aes128-cts-hmac-sha256-128 and aes256-cts-hmac-sha384-192 (RFC 8009).
 * Same cipher as RFC 3962, but keys come from the SP 800-108 counter-mode
 * KDF over HMAC-SHA2, the salt is prefixed with the enctype's name, and
 * the MAC covers the ciphertext (encrypt-then-MAC), so a forged message is
 * refused before anything is decrypted. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_aes.h"
#include "sspishim/crypto_sha.h"

#include "etype.h"

#define BLOCK CRYPTO_AES_BLOCK

/* KDF-HMAC-SHA2 (RFC 8009 3): the first bits / 8 bytes of
 * HMAC(key, 00000001 | label | 00 | context | bits), bits big-endian.
 * Every output here fits in one HMAC. */
static void kdf(const struct krb_etype *e, const uint8_t *key, const void *label, size_t label_len,
                const uint8_t *context, size_t context_len, size_t bits, uint8_t *out)
{
    static const uint8_t one[4] = { 0, 0, 0, 1 }, zero = 0;
    uint8_t full[CRYPTO_HASH_MAX_SIZE], k[4];
    struct crypto_hmac h;

    krb_put_be32(k, (uint32_t)bits);
    crypto_hmac_init(&h, e->hash, key, e->key_size);
    crypto_hmac_update(&h, one, sizeof(one));
    crypto_hmac_update(&h, label, label_len);
    crypto_hmac_update(&h, &zero, 1);
    crypto_hmac_update(&h, context, context_len);
    crypto_hmac_update(&h, k, sizeof(k));
    crypto_hmac_final(&h, full);
    memcpy(out, full, bits / 8);
    crypto_wipe(full, sizeof(full));
}

/* Ke is a protocol key; Kc and Ki are as long as the MAC. */
int krb_aes_sha2_derive(const struct krb_etype *e, const uint8_t *key, uint32_t usage, uint8_t purpose,
                        uint8_t out[KRB_KEY_MAX], size_t *out_len)
{
    uint8_t label[5];

    krb_put_be32(label, usage);
    label[4] = purpose;
    *out_len = purpose == KRB_DERIVE_ENCRYPT ? e->key_size : e->mac_size;
    kdf(e, key, label, sizeof(label), NULL, 0, 8 * *out_len, out);
    return KRB_CRYPTO_OK;
}

/* The salt is "enctype-name" 00 salt (RFC 8009 4). */
int krb_aes_sha2_string_to_key(const struct krb_etype *e, const char *password, size_t password_len,
                               const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *key)
{
    size_t name_len = strlen(e->name), saltp_len = name_len + 1 + salt_len;
    uint8_t tkey[KRB_KEY_MAX], *saltp = malloc(saltp_len);

    if (!saltp) return KRB_CRYPTO_NO_MEMORY;
    memcpy(saltp, e->name, name_len);
    saltp[name_len] = 0;
    if (salt_len) memcpy(saltp + name_len + 1, salt, salt_len);
    crypto_pbkdf2_hmac(e->hash, password, password_len, saltp, saltp_len, iterations, tkey, e->key_size);
    kdf(e, tkey, "kerberos", 8, NULL, 0, 8 * e->key_size, key);
    crypto_wipe(tkey, sizeof(tkey));
    free(saltp);
    return KRB_CRYPTO_OK;
}

/* HMAC(Ki, IV | C) with the all-zero IV Kerberos starts from. */
static void mac(const struct krb_etype *e, const uint8_t *ki, const uint8_t *c, size_t len, uint8_t *out)
{
    static const uint8_t iv[BLOCK];
    uint8_t full[CRYPTO_HASH_MAX_SIZE];
    struct crypto_hmac h;

    crypto_hmac_init(&h, e->hash, ki, e->mac_size);
    crypto_hmac_update(&h, iv, sizeof(iv));
    crypto_hmac_update(&h, c, len);
    crypto_hmac_final(&h, full);
    memcpy(out, full, e->mac_size);
    crypto_wipe(full, sizeof(full));
}

int krb_aes_sha2_encrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *conf,
                         const uint8_t *plain, size_t len, uint8_t *out)
{
    uint8_t ke[KRB_KEY_MAX], ki[KRB_KEY_MAX], iv[BLOCK] = { 0 };
    struct crypto_aes aes;
    size_t n = e->conf_size + len, klen;

    krb_aes_sha2_derive(e, key, usage, KRB_DERIVE_ENCRYPT, ke, &klen);
    krb_aes_sha2_derive(e, key, usage, KRB_DERIVE_INTEGRITY, ki, &klen);
    memcpy(out, conf, e->conf_size);
    if (len) memcpy(out + e->conf_size, plain, len);
    crypto_aes_init(&aes, ke, e->key_size);
    crypto_aes_cts_encrypt(&aes, iv, out, out, n);
    mac(e, ki, out, n, out + n);
    crypto_wipe(&aes, sizeof(aes));
    crypto_wipe(ke, sizeof(ke));
    crypto_wipe(ki, sizeof(ki));
    return KRB_CRYPTO_OK;
}

int krb_aes_sha2_decrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *cipher,
                         size_t len, uint8_t *out)
{
    uint8_t ke[KRB_KEY_MAX], ki[KRB_KEY_MAX], iv[BLOCK] = { 0 }, want[CRYPTO_HASH_MAX_SIZE];
    size_t n = len - e->mac_size, klen;
    struct crypto_aes aes;
    uint8_t *tmp;
    int ok;

    krb_aes_sha2_derive(e, key, usage, KRB_DERIVE_INTEGRITY, ki, &klen);
    mac(e, ki, cipher, n, want);
    ok = krb_equal(want, cipher + n, e->mac_size);
    crypto_wipe(ki, sizeof(ki));
    if (!ok) return KRB_CRYPTO_BAD_INTEGRITY;

    if (!(tmp = malloc(n))) return KRB_CRYPTO_NO_MEMORY;
    krb_aes_sha2_derive(e, key, usage, KRB_DERIVE_ENCRYPT, ke, &klen);
    crypto_aes_init(&aes, ke, e->key_size);
    crypto_aes_cts_decrypt(&aes, iv, cipher, tmp, n);
    if (n > e->conf_size) memcpy(out, tmp + e->conf_size, n - e->conf_size);
    crypto_wipe(tmp, n);
    free(tmp);
    crypto_wipe(&aes, sizeof(aes));
    crypto_wipe(ke, sizeof(ke));
    return KRB_CRYPTO_OK;
}

int krb_aes_sha2_checksum(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *data,
                          size_t len, uint8_t *out)
{
    uint8_t kc[KRB_KEY_MAX], full[CRYPTO_HASH_MAX_SIZE];
    size_t klen;

    krb_aes_sha2_derive(e, key, usage, KRB_DERIVE_CHECKSUM, kc, &klen);
    crypto_hmac(e->hash, kc, klen, data, len, full);
    memcpy(out, full, e->cksum_size);
    crypto_wipe(kc, sizeof(kc));
    crypto_wipe(full, sizeof(full));
    return KRB_CRYPTO_OK;
}

/* RFC 8009 5: KDF-HMAC-SHA2(key, "prf", input, 256 or 384). */
int krb_aes_sha2_prf(const struct krb_etype *e, const uint8_t *key, const uint8_t *in, size_t len, uint8_t *out)
{
    kdf(e, key, "prf", 3, in, len, 8 * e->prf_size, out);
    return KRB_CRYPTO_OK;
}
