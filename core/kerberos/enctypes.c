/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The encryption types, one row each (RFC 3961 3), and the functions every
 * caller goes through.  Keys, lengths and output buffers are checked here,
 * once, so the rows compute and never validate; a new etype is a new row
 * and its vectors. */
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/sys.h"

#include "etype.h"

#define AES_SHA1(num, nm, ck, keylen) \
    { num, nm, ck, keylen, 16, 12, 12, 16, &crypto_hash_sha1, 4096, \
      krb_aes_sha1_string_to_key, krb_identity_random_to_key, krb_aes_sha1_derive, \
      krb_aes_sha1_encrypt, krb_aes_sha1_decrypt, krb_aes_sha1_checksum, krb_aes_sha1_prf, \
      krb_aes_sha1_encrypt_dk, krb_aes_sha1_decrypt_dk }

#define AES_SHA2(num, nm, ck, keylen, mac, prf, hash) \
    { num, nm, ck, keylen, 16, mac, mac, prf, hash, 32768, \
      krb_aes_sha2_string_to_key, krb_identity_random_to_key, krb_aes_sha2_derive, \
      krb_aes_sha2_encrypt, krb_aes_sha2_decrypt, krb_aes_sha2_checksum, krb_aes_sha2_prf, NULL, NULL }

static const struct krb_etype etypes[] = {
    AES_SHA1(KRB_ETYPE_AES128_CTS_HMAC_SHA1_96, "aes128-cts-hmac-sha1-96", KRB_CKSUM_HMAC_SHA1_96_AES128, 16),
    AES_SHA1(KRB_ETYPE_AES256_CTS_HMAC_SHA1_96, "aes256-cts-hmac-sha1-96", KRB_CKSUM_HMAC_SHA1_96_AES256, 32),
    AES_SHA2(KRB_ETYPE_AES128_CTS_HMAC_SHA256_128, "aes128-cts-hmac-sha256-128", KRB_CKSUM_HMAC_SHA256_128_AES128,
             16, 16, 32, &crypto_hash_sha256),
    AES_SHA2(KRB_ETYPE_AES256_CTS_HMAC_SHA384_192, "aes256-cts-hmac-sha384-192", KRB_CKSUM_HMAC_SHA384_192_AES256,
             32, 24, 48, &crypto_hash_sha384),
    { KRB_ETYPE_RC4_HMAC, "rc4-hmac", KRB_CKSUM_HMAC_MD5, 16, 8, 16, 16, 20, NULL, 0,
      krb_rc4_string_to_key, krb_identity_random_to_key,
      NULL,     /* no RFC 3961 derived keys: the usage is mixed in by HMAC-MD5 inside each operation */
      krb_rc4_encrypt, krb_rc4_decrypt, krb_rc4_checksum, krb_rc4_prf, NULL, NULL },
};

static const struct krb_etype *lookup(int32_t etype)
{
    for (size_t i = 0; i < sizeof(etypes) / sizeof(*etypes); i++)
        if (etypes[i].etype == etype) return &etypes[i];
    return NULL;
}

/* The row for a key, or NULL when the key does not fit one. */
static const struct krb_etype *key_row(const struct krb_key *key, int *rc)
{
    const struct krb_etype *e = key ? lookup(key->etype) : NULL;

    *rc = KRB_CRYPTO_BAD_ETYPE;
    if (!e) return NULL;
    *rc = KRB_CRYPTO_BAD_KEY;
    if (key->len != e->key_size) return NULL;
    *rc = KRB_CRYPTO_OK;
    return e;
}

void krb_identity_random_to_key(const struct krb_etype *e, const uint8_t *seed, uint8_t *key)
{
    memcpy(key, seed, e->key_size);
}

int krb_crypto_supported(int32_t etype)
{
    return lookup(etype) != NULL;
}

const char *krb_crypto_name(int32_t etype)
{
    const struct krb_etype *e = lookup(etype);
    return e ? e->name : NULL;
}

size_t krb_crypto_key_size(int32_t etype)
{
    const struct krb_etype *e = lookup(etype);
    return e ? e->key_size : 0;
}

size_t krb_crypto_ciphertext_size(int32_t etype, size_t plain_len)
{
    const struct krb_etype *e = lookup(etype);
    size_t overhead;

    if (!e) return 0;
    overhead = e->conf_size + e->mac_size;
    return plain_len > SIZE_MAX - overhead ? 0 : plain_len + overhead;
}

int32_t krb_crypto_checksum_type(int32_t etype)
{
    const struct krb_etype *e = lookup(etype);
    return e ? e->cksumtype : 0;
}

size_t krb_crypto_checksum_size(int32_t etype)
{
    const struct krb_etype *e = lookup(etype);
    return e ? e->cksum_size : 0;
}

size_t krb_crypto_prf_size(int32_t etype)
{
    const struct krb_etype *e = lookup(etype);
    return e ? e->prf_size : 0;
}

/* s2kparams: empty for the row's default, else a 4-byte big-endian
 * iteration count (RFC 3962 4, RFC 8009 4); rc4-hmac takes none. */
static int parse_params(const struct krb_etype *e, const uint8_t *params, size_t len, uint32_t *iterations)
{
    uint32_t n;

    *iterations = e->default_iterations;
    if (!len) return KRB_CRYPTO_OK;
    if (!e->default_iterations || len != 4 || !params) return KRB_CRYPTO_BAD_PARAMS;
    n = (uint32_t)params[0] << 24 | (uint32_t)params[1] << 16 | (uint32_t)params[2] << 8 | params[3];
    /* 0 stands for 2^32 (RFC 3962 4). */
    if (!n || n > KRB_S2K_MAX_ITERATIONS) return KRB_CRYPTO_BAD_PARAMS;
    *iterations = n;
    return KRB_CRYPTO_OK;
}

int krb_crypto_string_to_key(int32_t etype, const char *password, size_t password_len, const uint8_t *salt,
                             size_t salt_len, const uint8_t *params, size_t params_len, struct krb_key *key)
{
    const struct krb_etype *e = lookup(etype);
    uint32_t iterations;
    int rc;

    if (!e) return KRB_CRYPTO_BAD_ETYPE;
    if ((password_len && !password) || (salt_len && !salt) || !key) return KRB_CRYPTO_BAD_PARAMS;
    if ((rc = parse_params(e, params, params_len, &iterations))) return rc;
    memset(key, 0, sizeof(*key));
    rc = e->string_to_key(e, password, password_len, salt, salt_len, iterations, key->bytes);
    if (rc) {
        crypto_wipe(key, sizeof(*key));
        return rc;
    }
    key->etype = etype;
    key->len = e->key_size;
    return KRB_CRYPTO_OK;
}

int krb_crypto_random_to_key(int32_t etype, const uint8_t *seed, size_t seed_len, struct krb_key *key)
{
    const struct krb_etype *e = lookup(etype);

    if (!e) return KRB_CRYPTO_BAD_ETYPE;
    if (!seed || !key || seed_len != e->key_size) return KRB_CRYPTO_BAD_LENGTH;
    memset(key, 0, sizeof(*key));
    e->random_to_key(e, seed, key->bytes);
    key->etype = etype;
    key->len = e->key_size;
    return KRB_CRYPTO_OK;
}

int krb_crypto_derive_key(const struct krb_key *key, uint32_t usage, uint8_t purpose, uint8_t *out,
                          size_t out_cap, size_t *out_len)
{
    uint8_t tmp[KRB_KEY_MAX];
    size_t len = 0;
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    if (!e->derive) return KRB_CRYPTO_BAD_ETYPE;
    if ((rc = e->derive(e, key->bytes, usage, purpose, tmp, &len))) return rc;
    if (!out || out_cap < len) {
        rc = KRB_CRYPTO_BUFFER_TOO_SMALL;
    } else {
        memcpy(out, tmp, len);
        if (out_len) *out_len = len;
    }
    crypto_wipe(tmp, sizeof(tmp));
    return rc;
}

static int system_random(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    return sys_random(buf, len);
}

int krb_crypto_encrypt(const struct krb_key *key, uint32_t usage, const uint8_t *plain, size_t plain_len,
                       krb_random_fn rng, void *rng_ctx, uint8_t *out, size_t out_cap, size_t *out_len)
{
    uint8_t conf[16];
    size_t need;
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    if (plain_len && !plain) return KRB_CRYPTO_BAD_LENGTH;
    if (!(need = krb_crypto_ciphertext_size(e->etype, plain_len))) return KRB_CRYPTO_BAD_LENGTH;
    if (!out || out_cap < need) return KRB_CRYPTO_BUFFER_TOO_SMALL;
    if (!rng) rng = system_random;
    if (rng(rng_ctx, conf, e->conf_size)) return KRB_CRYPTO_NO_RANDOM;
    rc = e->encrypt(e, key->bytes, usage, conf, plain, plain_len, out);
    crypto_wipe(conf, sizeof(conf));
    if (!rc && out_len) *out_len = need;
    return rc;
}

int krb_crypto_decrypt(const struct krb_key *key, uint32_t usage, const uint8_t *cipher, size_t cipher_len,
                       uint8_t *out, size_t out_cap, size_t *out_len)
{
    size_t overhead, plain_len;
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    overhead = e->conf_size + e->mac_size;
    if (!cipher || cipher_len < overhead) return KRB_CRYPTO_BAD_LENGTH;
    plain_len = cipher_len - overhead;
    if (plain_len && (!out || out_cap < plain_len)) return KRB_CRYPTO_BUFFER_TOO_SMALL;
    rc = e->decrypt(e, key->bytes, usage, cipher, cipher_len, out);
    if (!rc && out_len) *out_len = plain_len;
    return rc;
}

/* The cache holding key's Ke and Ki for usage: as it is, or refilled. */
static int cache_fill(struct krb_key_cache *c, const struct krb_etype *e, const struct krb_key *key, uint32_t usage)
{
    size_t n;

    if (c->valid && c->etype == key->etype && c->usage == usage && c->len == key->len &&
        !memcmp(c->base, key->bytes, key->len))
        return KRB_CRYPTO_OK;
    crypto_wipe(c, sizeof(*c));
    if (e->derive(e, key->bytes, usage, KRB_DERIVE_ENCRYPT, c->ke, &n) ||
        e->derive(e, key->bytes, usage, KRB_DERIVE_INTEGRITY, c->ki, &n)) {
        crypto_wipe(c, sizeof(*c));
        return KRB_CRYPTO_BAD_KEY;
    }
    memcpy(c->base, key->bytes, key->len);
    c->len = key->len;
    c->etype = key->etype;
    c->usage = usage;
    c->valid = true;
    return KRB_CRYPTO_OK;
}

int krb_crypto_encrypt_cached(struct krb_key_cache *cache, const struct krb_key *key, uint32_t usage,
                              const uint8_t *plain, size_t plain_len, krb_random_fn rng, void *rng_ctx, uint8_t *out,
                              size_t out_cap, size_t *out_len)
{
    uint8_t conf[16];
    size_t need;
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    if (!cache || !e->derive || !e->encrypt_dk)
        return krb_crypto_encrypt(key, usage, plain, plain_len, rng, rng_ctx, out, out_cap, out_len);
    if (plain_len && !plain) return KRB_CRYPTO_BAD_LENGTH;
    if (!(need = krb_crypto_ciphertext_size(e->etype, plain_len))) return KRB_CRYPTO_BAD_LENGTH;
    if (!out || out_cap < need) return KRB_CRYPTO_BUFFER_TOO_SMALL;
    if ((rc = cache_fill(cache, e, key, usage))) return rc;
    if (!rng) rng = system_random;
    if (rng(rng_ctx, conf, e->conf_size)) return KRB_CRYPTO_NO_RANDOM;
    rc = e->encrypt_dk(e, cache->ke, cache->ki, conf, plain, plain_len, out);
    crypto_wipe(conf, sizeof(conf));
    if (!rc && out_len) *out_len = need;
    return rc;
}

int krb_crypto_decrypt_cached(struct krb_key_cache *cache, const struct krb_key *key, uint32_t usage,
                              const uint8_t *cipher, size_t cipher_len, uint8_t *out, size_t out_cap,
                              size_t *out_len)
{
    size_t overhead, plain_len;
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    if (!cache || !e->derive || !e->decrypt_dk)
        return krb_crypto_decrypt(key, usage, cipher, cipher_len, out, out_cap, out_len);
    overhead = e->conf_size + e->mac_size;
    if (!cipher || cipher_len < overhead) return KRB_CRYPTO_BAD_LENGTH;
    plain_len = cipher_len - overhead;
    if (plain_len && (!out || out_cap < plain_len)) return KRB_CRYPTO_BUFFER_TOO_SMALL;
    if ((rc = cache_fill(cache, e, key, usage))) return rc;
    rc = e->decrypt_dk(e, cache->ke, cache->ki, cipher, cipher_len, out);
    if (!rc && out_len) *out_len = plain_len;
    return rc;
}

int krb_crypto_make_checksum(const struct krb_key *key, uint32_t usage, const uint8_t *data, size_t len,
                             int32_t *cksumtype, uint8_t *out, size_t out_cap, size_t *out_len)
{
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    if (len && !data) return KRB_CRYPTO_BAD_LENGTH;
    if (!out || out_cap < e->cksum_size) return KRB_CRYPTO_BUFFER_TOO_SMALL;
    if ((rc = e->checksum(e, key->bytes, usage, data, len, out))) return rc;
    if (cksumtype) *cksumtype = e->cksumtype;
    if (out_len) *out_len = e->cksum_size;
    return KRB_CRYPTO_OK;
}

int krb_crypto_verify_checksum(const struct krb_key *key, uint32_t usage, int32_t cksumtype,
                               const uint8_t *data, size_t len, const uint8_t *cksum, size_t cksum_len)
{
    uint8_t want[CRYPTO_HASH_MAX_SIZE];
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    if (cksumtype != e->cksumtype) return KRB_CRYPTO_BAD_ETYPE;
    if ((len && !data) || !cksum || cksum_len != e->cksum_size) return KRB_CRYPTO_BAD_LENGTH;
    if ((rc = e->checksum(e, key->bytes, usage, data, len, want))) return rc;
    rc = krb_equal(want, cksum, e->cksum_size) ? KRB_CRYPTO_OK : KRB_CRYPTO_BAD_INTEGRITY;
    crypto_wipe(want, sizeof(want));
    return rc;
}

int krb_crypto_prf(const struct krb_key *key, const uint8_t *in, size_t len, uint8_t *out, size_t out_cap,
                   size_t *out_len)
{
    int rc;
    const struct krb_etype *e = key_row(key, &rc);

    if (!e) return rc;
    if (len && !in) return KRB_CRYPTO_BAD_LENGTH;
    if (!out || out_cap < e->prf_size) return KRB_CRYPTO_BUFFER_TOO_SMALL;
    if ((rc = e->prf(e, key->bytes, in, len, out))) return rc;
    if (out_len) *out_len = e->prf_size;
    return KRB_CRYPTO_OK;
}
