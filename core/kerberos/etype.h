/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* One row of the encryption-type table (enctypes.c), as RFC 3961 section 3
 * profiles an etype.  The public functions in enctypes.c check keys,
 * lengths and buffers once, so the row functions below get keys of the
 * row's size and outputs of the sizes the row states. */
#ifndef SSPISHIM_KERBEROS_ETYPE_H
#define SSPISHIM_KERBEROS_ETYPE_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/crypto_sha.h"
#include "sspishim/krb_crypto.h"

/* RFC 3962 4: s2kparams of 00 00 00 00 means 2^32 iterations, minutes of
 * work; like MIT, refuse anything over 2^24. */
#define KRB_S2K_MAX_ITERATIONS 0x1000000u

struct krb_etype {
    int32_t etype;
    const char *name;
    int32_t cksumtype;
    size_t key_size;        /* protocol key bytes, also random-to-key's input */
    size_t conf_size;       /* confounder bytes ahead of the plaintext */
    size_t mac_size;        /* integrity bytes a ciphertext carries */
    size_t cksum_size;      /* the keyed checksum's bytes */
    size_t prf_size;
    const struct crypto_hash *hash;     /* the row's HMAC and PBKDF2 hash (NULL: RC4's fixed MD5) */
    uint32_t default_iterations;

    int (*string_to_key)(const struct krb_etype *e, const char *password, size_t password_len,
                         const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *key);
    void (*random_to_key)(const struct krb_etype *e, const uint8_t *seed, uint8_t *key);
    /* NULL where the etype has no RFC 3961 derived keys; out_len set. */
    int (*derive)(const struct krb_etype *e, const uint8_t *key, uint32_t usage, uint8_t purpose,
                  uint8_t out[KRB_KEY_MAX], size_t *out_len);
    /* out: conf_size + len + mac_size bytes. */
    int (*encrypt)(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *conf,
                   const uint8_t *plain, size_t len, uint8_t *out);
    /* len >= conf_size + mac_size; out: len - conf_size - mac_size bytes. */
    int (*decrypt)(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *cipher,
                   size_t len, uint8_t *out);
    /* out: cksum_size bytes. */
    int (*checksum)(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *data,
                    size_t len, uint8_t *out);
    /* out: prf_size bytes. */
    int (*prf)(const struct krb_etype *e, const uint8_t *key, const uint8_t *in, size_t len, uint8_t *out);
    /* encrypt and decrypt with Ke and Ki already derived (derive's
     * KRB_DERIVE_ENCRYPT and KRB_DERIVE_INTEGRITY outputs); NULL where the
     * row has no such form (krb_key_cache is then not used). */
    int (*encrypt_dk)(const struct krb_etype *e, const uint8_t *ke, const uint8_t *ki, const uint8_t *conf,
                      const uint8_t *plain, size_t len, uint8_t *out);
    int (*decrypt_dk)(const struct krb_etype *e, const uint8_t *ke, const uint8_t *ki, const uint8_t *cipher,
                      size_t len, uint8_t *out);
};

/* The row functions, one file per RFC. */
int krb_aes_sha1_string_to_key(const struct krb_etype *e, const char *password, size_t password_len,
                               const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *key);
int krb_aes_sha1_derive(const struct krb_etype *e, const uint8_t *key, uint32_t usage, uint8_t purpose,
                        uint8_t out[KRB_KEY_MAX], size_t *out_len);
int krb_aes_sha1_encrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *conf,
                         const uint8_t *plain, size_t len, uint8_t *out);
int krb_aes_sha1_decrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *cipher,
                         size_t len, uint8_t *out);
int krb_aes_sha1_encrypt_dk(const struct krb_etype *e, const uint8_t *ke, const uint8_t *ki, const uint8_t *conf,
                            const uint8_t *plain, size_t len, uint8_t *out);
int krb_aes_sha1_decrypt_dk(const struct krb_etype *e, const uint8_t *ke, const uint8_t *ki, const uint8_t *cipher,
                            size_t len, uint8_t *out);
int krb_aes_sha1_checksum(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *data,
                          size_t len, uint8_t *out);
int krb_aes_sha1_prf(const struct krb_etype *e, const uint8_t *key, const uint8_t *in, size_t len, uint8_t *out);

int krb_aes_sha2_string_to_key(const struct krb_etype *e, const char *password, size_t password_len,
                               const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *key);
int krb_aes_sha2_derive(const struct krb_etype *e, const uint8_t *key, uint32_t usage, uint8_t purpose,
                        uint8_t out[KRB_KEY_MAX], size_t *out_len);
int krb_aes_sha2_encrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *conf,
                         const uint8_t *plain, size_t len, uint8_t *out);
int krb_aes_sha2_decrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *cipher,
                         size_t len, uint8_t *out);
int krb_aes_sha2_checksum(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *data,
                          size_t len, uint8_t *out);
int krb_aes_sha2_prf(const struct krb_etype *e, const uint8_t *key, const uint8_t *in, size_t len, uint8_t *out);

int krb_rc4_string_to_key(const struct krb_etype *e, const char *password, size_t password_len,
                          const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *key);
int krb_rc4_encrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *conf,
                    const uint8_t *plain, size_t len, uint8_t *out);
int krb_rc4_decrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *cipher,
                    size_t len, uint8_t *out);
int krb_rc4_checksum(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *data,
                     size_t len, uint8_t *out);
int krb_rc4_prf(const struct krb_etype *e, const uint8_t *key, const uint8_t *in, size_t len, uint8_t *out);

/* random-to-key where it is the identity (every row here). */
void krb_identity_random_to_key(const struct krb_etype *e, const uint8_t *seed, uint8_t *key);

/* Equal or not, in time that depends on len only. */
static inline int krb_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
    uint8_t d = 0;

    for (size_t i = 0; i < len; i++) d |= a[i] ^ b[i];
    return d == 0;
}

/* A key usage as RFC 3961 puts it in a derivation constant: big-endian. */
static inline void krb_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
