/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* rc4-hmac (RFC 4757), the etype of Windows 2000 and of accounts whose
 * AES keys were never made: the key is the NT hash, so NTLM's MD4,
 * HMAC-MD5 and RC4 serve here too.  Usages are renumbered to the message
 * types Windows used before RFC 4120 (usage_to_type).  Ciphertext is
 * checksum(16) | RC4(K3, confounder(8) | plaintext), the checksum an
 * HMAC-MD5 over the plaintext side. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_sha.h"

#include "etype.h"

#define CKSUM CRYPTO_HMAC_MD5_SIZE

/* RFC 4757 3: the message types that differ from the key usage (as MIT
 * krb5 translates them too); every other usage is its own type. */
static uint32_t usage_to_type(uint32_t usage)
{
    static const struct { uint32_t usage, type; } table[] = {
        { 3, 8 },    /* AS-REP encrypted part: Windows seals it like a TGS-REP's */
        { 9, 8 },    /* TGS-REP encrypted part under the authenticator subkey */
        { 23, 13 },
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++)
        if (table[i].usage == usage) return table[i].type;
    return usage;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* K1 = HMAC-MD5(key, message type as little-endian int32). */
static void usage_key(const uint8_t *key, uint32_t usage, uint8_t k1[CKSUM])
{
    uint8_t t[4];

    put_le32(t, usage_to_type(usage));
    crypto_hmac_md5(key, 16, t, sizeof(t), k1);
}

/* Decodes one UTF-8 sequence at p[0..len): its code point and length, or
 * 0 for a malformed, overlong or surrogate sequence. */
static size_t utf8_next(const uint8_t *p, size_t len, uint32_t *cp)
{
    static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
    size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
             : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
    uint32_t v;

    if (!n || n > len) return 0;
    v = n == 1 ? p[0] : p[0] & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        v = v << 6 | (p[i] & 0x3f);
    }
    if (v < min[n - 1] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return n;
}

/* The NT hash: MD4 of the password in UTF-16LE, the salt unused. */
int krb_rc4_string_to_key(const struct krb_etype *e, const char *password, size_t password_len,
                          const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *key)
{
    const uint8_t *p = (const uint8_t *)password;
    struct crypto_md4 md4;
    uint8_t unit[4];
    uint32_t cp = 0;

    (void)e; (void)salt; (void)salt_len; (void)iterations;
    crypto_md4_init(&md4);
    while (password_len) {
        size_t n = utf8_next(p, password_len, &cp), u = 2;
        if (!n) {
            crypto_wipe(&md4, sizeof(md4));
            return KRB_CRYPTO_BAD_PARAMS;
        }
        if (cp >= 0x10000) {
            uint32_t hi = 0xd800 | ((cp - 0x10000) >> 10), lo = 0xdc00 | (cp & 0x3ff);
            unit[0] = (uint8_t)hi; unit[1] = (uint8_t)(hi >> 8);
            unit[2] = (uint8_t)lo; unit[3] = (uint8_t)(lo >> 8);
            u = 4;
        } else {
            unit[0] = (uint8_t)cp; unit[1] = (uint8_t)(cp >> 8);
        }
        crypto_md4_update(&md4, unit, u);
        p += n;
        password_len -= n;
    }
    crypto_md4_final(&md4, key);
    crypto_wipe(unit, sizeof(unit));
    crypto_wipe(&cp, sizeof(cp));
    return KRB_CRYPTO_OK;
}

int krb_rc4_encrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *conf,
                    const uint8_t *plain, size_t len, uint8_t *out)
{
    uint8_t k1[CKSUM], k3[CKSUM];
    uint8_t *data = out + CKSUM;
    size_t n = e->conf_size + len;
    struct crypto_rc4 rc4;

    usage_key(key, usage, k1);
    memcpy(data, conf, e->conf_size);
    if (len) memcpy(data + e->conf_size, plain, len);
    crypto_hmac_md5(k1, sizeof(k1), data, n, out);
    crypto_hmac_md5(k1, sizeof(k1), out, CKSUM, k3);
    crypto_rc4_init(&rc4, k3, sizeof(k3));
    crypto_rc4_crypt(&rc4, data, data, n);
    crypto_wipe(&rc4, sizeof(rc4));
    crypto_wipe(k1, sizeof(k1));
    crypto_wipe(k3, sizeof(k3));
    return KRB_CRYPTO_OK;
}

int krb_rc4_decrypt(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *cipher,
                    size_t len, uint8_t *out)
{
    uint8_t k1[CKSUM], k3[CKSUM], want[CKSUM];
    size_t n = len - CKSUM;
    struct crypto_rc4 rc4;
    uint8_t *tmp = malloc(n);
    int rc = KRB_CRYPTO_OK;

    if (!tmp) return KRB_CRYPTO_NO_MEMORY;
    usage_key(key, usage, k1);
    crypto_hmac_md5(k1, sizeof(k1), cipher, CKSUM, k3);
    crypto_rc4_init(&rc4, k3, sizeof(k3));
    crypto_rc4_crypt(&rc4, cipher + CKSUM, tmp, n);
    crypto_hmac_md5(k1, sizeof(k1), tmp, n, want);
    if (!krb_equal(want, cipher, CKSUM))
        rc = KRB_CRYPTO_BAD_INTEGRITY;
    else if (n > e->conf_size)
        memcpy(out, tmp + e->conf_size, n - e->conf_size);
    crypto_wipe(tmp, n);
    free(tmp);
    crypto_wipe(&rc4, sizeof(rc4));
    crypto_wipe(k1, sizeof(k1));
    crypto_wipe(k3, sizeof(k3));
    return rc;
}

/* KERB_CHECKSUM_HMAC_MD5 (-138, RFC 4757 4):
 * HMAC-MD5(Ksign, MD5(type | data)), Ksign = HMAC-MD5(key, "signaturekey\0"). */
int krb_rc4_checksum(const struct krb_etype *e, const uint8_t *key, uint32_t usage, const uint8_t *data,
                     size_t len, uint8_t *out)
{
    static const char sign[] = "signaturekey";
    uint8_t ksign[CKSUM], digest[CRYPTO_MD5_SIZE], t[4];
    struct crypto_md5 md5;

    (void)e;
    crypto_hmac_md5(key, 16, sign, sizeof(sign), ksign);   /* the NUL included */
    put_le32(t, usage_to_type(usage));
    crypto_md5_init(&md5);
    crypto_md5_update(&md5, t, sizeof(t));
    crypto_md5_update(&md5, data, len);
    crypto_md5_final(&md5, digest);
    crypto_hmac_md5(ksign, sizeof(ksign), digest, sizeof(digest), out);
    crypto_wipe(ksign, sizeof(ksign));
    crypto_wipe(digest, sizeof(digest));
    return KRB_CRYPTO_OK;
}

/* RFC 4757 defines no PRF; MIT and Windows use HMAC-SHA1(key, input). */
int krb_rc4_prf(const struct krb_etype *e, const uint8_t *key, const uint8_t *in, size_t len, uint8_t *out)
{
    (void)e;
    crypto_hmac(&crypto_hash_sha1, key, 16, in, len, out);
    return KRB_CRYPTO_OK;
}
