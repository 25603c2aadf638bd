/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kerberos cryptography as RFC 3961 profiles it: every encryption type is
 * one row of a table (core/kerberos/enctypes.c) naming its key size,
 * string-to-key, random-to-key, key derivation, encrypt/decrypt, keyed
 * checksum and PRF.  Callers hold a key (which names its etype) and a key
 * usage number, and never learn which row does the work.
 *
 * Rows: aes128/256-cts-hmac-sha1-96 (17, 18; RFC 3962),
 * aes128-cts-hmac-sha256-128 and aes256-cts-hmac-sha384-192 (19, 20;
 * RFC 8009), rc4-hmac (23; RFC 4757). */
#ifndef SSPISHIM_KRB_CRYPTO_H
#define SSPISHIM_KRB_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KRB_ETYPE_AES128_CTS_HMAC_SHA1_96      17
#define KRB_ETYPE_AES256_CTS_HMAC_SHA1_96      18
#define KRB_ETYPE_AES128_CTS_HMAC_SHA256_128   19
#define KRB_ETYPE_AES256_CTS_HMAC_SHA384_192   20
#define KRB_ETYPE_RC4_HMAC                     23

#define KRB_CKSUM_HMAC_SHA1_96_AES128      15
#define KRB_CKSUM_HMAC_SHA1_96_AES256      16
#define KRB_CKSUM_HMAC_SHA256_128_AES128   19
#define KRB_CKSUM_HMAC_SHA384_192_AES256   20
#define KRB_CKSUM_HMAC_MD5               (-138)

/* Results: 0 or one of these. */
enum {
    KRB_CRYPTO_OK = 0,
    KRB_CRYPTO_BAD_ETYPE = -1,      /* no such encryption or checksum type here */
    KRB_CRYPTO_BAD_KEY = -2,        /* the key's length does not fit its etype */
    KRB_CRYPTO_BAD_PARAMS = -3,     /* string-to-key parameters malformed or out of bounds */
    KRB_CRYPTO_BAD_LENGTH = -4,     /* ciphertext or checksum of an impossible length */
    KRB_CRYPTO_BAD_INTEGRITY = -5,  /* the integrity check failed: altered or wrong key */
    KRB_CRYPTO_BUFFER_TOO_SMALL = -6,
    KRB_CRYPTO_NO_RANDOM = -7,      /* the random source failed */
    KRB_CRYPTO_NO_MEMORY = -8,
};

#define KRB_KEY_MAX 32

/* A protocol key.  Wipe with crypto_wipe when done. */
struct krb_key {
    int32_t etype;
    size_t len;
    uint8_t bytes[KRB_KEY_MAX];
};

/* Where confounders come from: fills buf, returns 0 on success.  NULL
 * means the platform's sys_random.  Tests pass one that hands out the
 * RFCs' confounders. */
typedef int (*krb_random_fn)(void *ctx, void *buf, size_t len);

/* What a row offers, for the caller to size buffers and pick types. */
int krb_crypto_supported(int32_t etype);
const char *krb_crypto_name(int32_t etype);             /* NULL when unknown */
size_t krb_crypto_key_size(int32_t etype);              /* 0 when unknown */
size_t krb_crypto_ciphertext_size(int32_t etype, size_t plain_len);   /* 0 when unknown */
int32_t krb_crypto_checksum_type(int32_t etype);         /* 0 when unknown */
size_t krb_crypto_checksum_size(int32_t etype);
size_t krb_crypto_prf_size(int32_t etype);

/* RFC 3961 string-to-key: password is UTF-8 (RFC 4757 hashes its UTF-16LE
 * form), salt is the principal's salt string, params the etype's
 * s2kparams (empty for the default: 4096 iterations for RFC 3962, 32768
 * for RFC 8009; at most 2^24 are accepted). */
int krb_crypto_string_to_key(int32_t etype, const char *password, size_t password_len, const uint8_t *salt,
                             size_t salt_len, const uint8_t *params, size_t params_len, struct krb_key *key);
/* random-to-key: seed_len must be the etype's key size. */
int krb_crypto_random_to_key(int32_t etype, const uint8_t *seed, size_t seed_len, struct krb_key *key);

/* The key derived for a usage and purpose (RFC 3961 5.3: 0x99 checksum,
 * 0xAA encryption, 0x55 integrity; RFC 8009 labels the same way).  Only
 * the derived-key rows have it (RFC 4757's key mixing is internal). */
#define KRB_DERIVE_CHECKSUM   0x99
#define KRB_DERIVE_ENCRYPT    0xaa
#define KRB_DERIVE_INTEGRITY  0x55
int krb_crypto_derive_key(const struct krb_key *key, uint32_t usage, uint8_t purpose, uint8_t *out,
                          size_t out_cap, size_t *out_len);

/* encrypt: confounder from rng, then the row's cipher and integrity check;
 * out gets krb_crypto_ciphertext_size() bytes.  decrypt: the plaintext,
 * or KRB_CRYPTO_BAD_INTEGRITY for any altered byte, or KRB_CRYPTO_BAD_LENGTH
 * for a ciphertext shorter than the etype's overhead.  out must not overlap
 * the input. */
int krb_crypto_encrypt(const struct krb_key *key, uint32_t usage, const uint8_t *plain, size_t plain_len,
                       krb_random_fn rng, void *rng_ctx, uint8_t *out, size_t out_cap, size_t *out_len);
int krb_crypto_decrypt(const struct krb_key *key, uint32_t usage, const uint8_t *cipher, size_t cipher_len,
                       uint8_t *out, size_t out_cap, size_t *out_len);

/* One key's derived keys for one usage (RFC 3961 DK: Ke and Ki), kept
 * between calls: deriving them for every message (n-fold, two AES key
 * schedules, four AES blocks) was most of a small message's cost.  A
 * zeroed cache is empty; it is refilled whenever the key or the usage
 * differs from what it holds.  It holds key material: its owner wipes it.
 * The _cached calls are krb_crypto_encrypt/decrypt with the cache; rows
 * without derived keys (rc4-hmac) or without a with-derived-keys form
 * take the plain path. */
struct krb_key_cache {
    bool valid;
    int32_t etype;
    uint32_t usage;
    size_t len;
    uint8_t base[KRB_KEY_MAX];
    uint8_t ke[KRB_KEY_MAX], ki[KRB_KEY_MAX];
};
int krb_crypto_encrypt_cached(struct krb_key_cache *cache, const struct krb_key *key, uint32_t usage,
                              const uint8_t *plain, size_t plain_len, krb_random_fn rng, void *rng_ctx, uint8_t *out,
                              size_t out_cap, size_t *out_len);
int krb_crypto_decrypt_cached(struct krb_key_cache *cache, const struct krb_key *key, uint32_t usage,
                              const uint8_t *cipher, size_t cipher_len, uint8_t *out, size_t out_cap,
                              size_t *out_len);

/* The etype's mandatory keyed checksum over data.  verify accepts only
 * that checksum type, compares in constant time, and says
 * KRB_CRYPTO_BAD_INTEGRITY on a mismatch. */
int krb_crypto_make_checksum(const struct krb_key *key, uint32_t usage, const uint8_t *data, size_t len,
                             int32_t *cksumtype, uint8_t *out, size_t out_cap, size_t *out_len);
int krb_crypto_verify_checksum(const struct krb_key *key, uint32_t usage, int32_t cksumtype,
                               const uint8_t *data, size_t len, const uint8_t *cksum, size_t cksum_len);

/* RFC 3961's pseudo-random function (RFC 3962 4, RFC 8009 5; HMAC-SHA1 for
 * rc4-hmac as MIT and Windows do it): krb_crypto_prf_size() bytes. */
int krb_crypto_prf(const struct krb_key *key, const uint8_t *in, size_t len, uint8_t *out, size_t out_cap,
                   size_t *out_len);

/* RFC 3961 5.1 n-fold: in stretched or folded to out_len bytes. */
void krb_crypto_nfold(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);

#endif
