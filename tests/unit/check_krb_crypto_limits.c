/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every row of the Kerberos etype table beyond its vectors
 * (check_krb_crypto.c): round trips at every length, a flipped bit or a
 * wrong key or usage refused, every truncation refused without a crash, the
 * API's refusals, and OpenSSL rebuilding the AES rows' ciphertexts from
 * their derived keys. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_crypto.h"
#define TESTUTIL_RNG_SEED 0x4b5242354c494d31ull
#include "testutil.h"

static const int32_t all_etypes[] = {
    KRB_ETYPE_AES128_CTS_HMAC_SHA1_96, KRB_ETYPE_AES256_CTS_HMAC_SHA1_96,
    KRB_ETYPE_AES128_CTS_HMAC_SHA256_128, KRB_ETYPE_AES256_CTS_HMAC_SHA384_192,
    KRB_ETYPE_RC4_HMAC,
};
#define N_ETYPES (sizeof(all_etypes) / sizeof(*all_etypes))

/* A random source that hands out a chosen confounder. */
struct fixed_conf { uint8_t bytes[16]; size_t len; int calls; };

static int fixed_random(void *ctx, void *buf, size_t len)
{
    struct fixed_conf *c = ctx;

    ck_assert_uint_eq(len, c->len);
    memcpy(buf, c->bytes, len);
    c->calls++;
    return 0;
}

static int failing_random(void *ctx, void *buf, size_t len)
{
    (void)ctx; (void)buf; (void)len;
    return -1;
}

static int test_random(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    rng_fill(buf, len);
    return 0;
}

/* ---- Every row: round trips, tampering, truncation ---------------------------- */

static void random_key(int32_t etype, struct krb_key *key)
{
    uint8_t seed[KRB_KEY_MAX];

    rng_fill(seed, sizeof(seed));
    ck_assert_int_eq(krb_crypto_random_to_key(etype, seed, krb_crypto_key_size(etype), key), 0);
}

START_TEST(test_round_trip)
{
    int32_t etype = all_etypes[_i];
    uint8_t plain[200], ct[300], back[200];
    struct krb_key key;

    random_key(etype, &key);
    for (size_t len = 0; len <= sizeof(plain); len++) {
        size_t clen = 0, plen = 0;
        uint32_t usage = (uint32_t)(rng() % 30);
        rng_fill(plain, len);
        ck_assert_int_eq(krb_crypto_encrypt(&key, usage, plain, len, test_random, NULL, ct, sizeof(ct), &clen), 0);
        ck_assert_uint_eq(clen, krb_crypto_ciphertext_size(etype, len));
        ck_assert_int_eq(krb_crypto_decrypt(&key, usage, ct, clen, back, sizeof(back), &plen), 0);
        ck_assert_uint_eq(plen, len);
        ck_assert_mem_eq(back, plain, len);
        /* Another usage is another key; except that rc4-hmac reads usages
         * 8 and 9 as the same message type (RFC 4757 3). */
        if (etype == KRB_ETYPE_RC4_HMAC && usage == 8) {
            ck_assert_int_eq(krb_crypto_decrypt(&key, 9, ct, clen, back, sizeof(back), &plen), 0);
            usage = 9;
        }
        ck_assert_int_eq(krb_crypto_decrypt(&key, usage + 1, ct, clen, back, sizeof(back), &plen),
                         KRB_CRYPTO_BAD_INTEGRITY);
    }
}
END_TEST

START_TEST(test_tamper)
{
    int32_t etype = all_etypes[_i];
    uint8_t plain[40], ct[100], back[40];
    size_t clen = 0, plen = 0;
    struct krb_key key, other;

    random_key(etype, &key);
    rng_fill(plain, sizeof(plain));
    ck_assert_int_eq(krb_crypto_encrypt(&key, 7, plain, sizeof(plain), NULL, NULL, ct, sizeof(ct), &clen), 0);
    for (size_t i = 0; i < clen; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            ct[i] ^= (uint8_t)(1 << bit);
            ck_assert_msg(krb_crypto_decrypt(&key, 7, ct, clen, back, sizeof(back), &plen) == KRB_CRYPTO_BAD_INTEGRITY,
                          "etype %d: flipped bit %d of byte %zu went unnoticed", etype, bit, i);
            ct[i] ^= (uint8_t)(1 << bit);
        }
    }
    random_key(etype, &other);
    ck_assert_int_eq(krb_crypto_decrypt(&other, 7, ct, clen, back, sizeof(back), &plen), KRB_CRYPTO_BAD_INTEGRITY);
    ck_assert_int_eq(krb_crypto_decrypt(&key, 7, ct, clen, back, sizeof(back), &plen), 0);
}
END_TEST

/* Every shorter length, down to nothing: an error, never a read past the
 * end (ASan and valgrind watch the heap copy). */
START_TEST(test_truncated)
{
    int32_t etype = all_etypes[_i];
    uint8_t plain[33], ct[100], back[64];
    size_t clen = 0, overhead = krb_crypto_ciphertext_size(etype, 0);
    struct krb_key key;

    random_key(etype, &key);
    rng_fill(plain, sizeof(plain));
    ck_assert_int_eq(krb_crypto_encrypt(&key, 1, plain, sizeof(plain), test_random, NULL, ct, sizeof(ct), &clen), 0);
    for (size_t len = 0; len < clen; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        size_t plen = 12345;
        int rc;
        memcpy(copy, ct, len);
        rc = krb_crypto_decrypt(&key, 1, copy, len, back, sizeof(back), &plen);
        if (len < overhead)
            ck_assert_int_eq(rc, KRB_CRYPTO_BAD_LENGTH);
        else
            ck_assert_int_eq(rc, KRB_CRYPTO_BAD_INTEGRITY);
        ck_assert_uint_eq(plen, 12345);
        free(copy);
    }
    ck_assert_int_eq(krb_crypto_decrypt(&key, 1, NULL, 0, back, sizeof(back), NULL), KRB_CRYPTO_BAD_LENGTH);
}
END_TEST

/* ---- The API's refusals ------------------------------------------------------- */

START_TEST(test_refusals)
{
    uint8_t buf[128], plain[10] = { 0 };
    size_t len = 0;
    struct krb_key key;

    ck_assert(!krb_crypto_supported(1));   /* des-cbc-crc: not here */
    ck_assert(!krb_crypto_supported(24));
    ck_assert_ptr_null(krb_crypto_name(3));
    ck_assert_str_eq(krb_crypto_name(18), "aes256-cts-hmac-sha1-96");
    ck_assert_uint_eq(krb_crypto_key_size(99), 0);
    ck_assert_uint_eq(krb_crypto_ciphertext_size(99, 10), 0);
    ck_assert_uint_eq(krb_crypto_ciphertext_size(17, SIZE_MAX - 5), 0);

    ck_assert_int_eq(krb_crypto_random_to_key(17, buf, 32, &key), KRB_CRYPTO_BAD_LENGTH);
    ck_assert_int_eq(krb_crypto_random_to_key(5, buf, 16, &key), KRB_CRYPTO_BAD_ETYPE);

    random_key(20, &key);
    ck_assert_int_eq(krb_crypto_encrypt(&key, 1, plain, sizeof(plain), failing_random, NULL, buf, sizeof(buf), &len),
                     KRB_CRYPTO_NO_RANDOM);
    ck_assert_int_eq(krb_crypto_encrypt(&key, 1, plain, sizeof(plain), test_random, NULL, buf,
                                        krb_crypto_ciphertext_size(20, 10) - 1, &len), KRB_CRYPTO_BUFFER_TOO_SMALL);
    ck_assert_int_eq(krb_crypto_encrypt(&key, 1, NULL, 5, test_random, NULL, buf, sizeof(buf), &len),
                     KRB_CRYPTO_BAD_LENGTH);
    ck_assert_int_eq(krb_crypto_make_checksum(&key, 1, plain, 1, NULL, buf, 23, &len), KRB_CRYPTO_BUFFER_TOO_SMALL);
    ck_assert_int_eq(krb_crypto_derive_key(&key, 1, KRB_DERIVE_ENCRYPT, buf, 31, &len), KRB_CRYPTO_BUFFER_TOO_SMALL);

    ck_assert_int_eq(krb_crypto_encrypt(&key, 1, plain, 10, test_random, NULL, buf, sizeof(buf), &len), 0);
    ck_assert_int_eq(krb_crypto_decrypt(&key, 1, buf, len, plain, 9, &len), KRB_CRYPTO_BUFFER_TOO_SMALL);

    /* A key whose length does not fit its etype, and one of no etype. */
    key.len = 16;
    ck_assert_int_eq(krb_crypto_decrypt(&key, 1, buf, 60, plain, 10, &len), KRB_CRYPTO_BAD_KEY);
    key.etype = 1;
    ck_assert_int_eq(krb_crypto_prf(&key, plain, 1, buf, sizeof(buf), &len), KRB_CRYPTO_BAD_ETYPE);
    ck_assert_int_eq(krb_crypto_decrypt(NULL, 1, buf, 60, plain, 10, &len), KRB_CRYPTO_BAD_ETYPE);

    /* RC4's usage mixing is not RFC 3961 key derivation. */
    random_key(23, &key);
    ck_assert_int_eq(krb_crypto_derive_key(&key, 1, KRB_DERIVE_ENCRYPT, buf, sizeof(buf), &len),
                     KRB_CRYPTO_BAD_ETYPE);
}
END_TEST

/* ---- OpenSSL rebuilds the AES rows' ciphertexts ----------------------------------- */

static void openssl_cts(const uint8_t *key, size_t klen, const uint8_t *in, size_t len, uint8_t *out)
{
    const EVP_CIPHER *c = klen == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    size_t blocks = (len + 15) / 16;
    uint8_t padded[512] = { 0 }, enc[512], iv[16] = { 0 };
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0;

    memcpy(padded, in, len);
    ck_assert_int_eq(EVP_EncryptInit_ex(ctx, c, NULL, key, iv), 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    ck_assert_int_eq(EVP_EncryptUpdate(ctx, enc, &n, padded, (int)(blocks * 16)), 1);
    EVP_CIPHER_CTX_free(ctx);
    if (blocks > 1) {
        memcpy(out + (blocks - 2) * 16, enc + (blocks - 1) * 16, 16);
        memcpy(out, enc, (blocks - 2) * 16);
        memcpy(out + (blocks - 1) * 16, enc + (blocks - 2) * 16, len - (blocks - 1) * 16);
    } else {
        memcpy(out, enc, 16);
    }
}

START_TEST(test_openssl_aes_rows)
{
    int32_t etype = all_etypes[_i];
    int sha2 = etype >= 19;
    const EVP_MD *md = etype == 20 ? EVP_sha384() : etype == 19 ? EVP_sha256() : EVP_sha1();
    size_t klen = krb_crypto_key_size(etype), mac = krb_crypto_ciphertext_size(etype, 0) - 16;
    uint8_t ke[32], ki[32], plain[300], ours[400], theirs[400], body[400], hm[64];

    for (int run = 0; run < 60; run++) {
        struct fixed_conf conf = { .len = 16 };
        size_t len = rng() % sizeof(plain), clen = 0, kelen = 0, kilen = 0;
        uint32_t usage = (uint32_t)(rng() % 1000);
        unsigned int hlen = 0;
        struct krb_key key;

        random_key(etype, &key);
        rng_fill(conf.bytes, 16);
        rng_fill(plain, len);
        ck_assert_int_eq(krb_crypto_encrypt(&key, usage, plain, len, fixed_random, &conf, ours, sizeof(ours), &clen), 0);
        ck_assert_int_eq(krb_crypto_derive_key(&key, usage, KRB_DERIVE_ENCRYPT, ke, sizeof(ke), &kelen), 0);
        ck_assert_int_eq(krb_crypto_derive_key(&key, usage, KRB_DERIVE_INTEGRITY, ki, sizeof(ki), &kilen), 0);
        ck_assert_uint_eq(kelen, klen);

        memcpy(body, conf.bytes, 16);
        memcpy(body + 16, plain, len);
        openssl_cts(ke, klen, body, 16 + len, theirs);
        if (sha2) {
            /* RFC 8009: HMAC over the zero IV and the ciphertext. */
            uint8_t ivc[416] = { 0 };
            memcpy(ivc + 16, theirs, 16 + len);
            HMAC(md, ki, (int)kilen, ivc, 32 + len, hm, &hlen);
        } else {
            HMAC(md, ki, (int)kilen, body, 16 + len, hm, &hlen);
        }
        memcpy(theirs + 16 + len, hm, mac);
        ck_assert_uint_eq(clen, 16 + len + mac);
        ck_assert_msg(!memcmp(ours, theirs, clen), "etype %d, length %zu", etype, len);
    }
}
END_TEST

static Suite *krb_crypto_limits_suite(void)
{
    Suite *s = suite_create("krb_crypto_limits");
    TCase *tc;

    tc = tcase_create("Limits");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_round_trip, 0, N_ETYPES);
    tcase_add_loop_test(tc, test_tamper, 0, N_ETYPES);
    tcase_add_loop_test(tc, test_truncated, 0, N_ETYPES);
    tcase_add_test(tc, test_refusals);
    suite_add_tcase(s, tc);

    tc = tcase_create("OpenSSL");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_openssl_aes_rows, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_crypto_limits_suite());
}
