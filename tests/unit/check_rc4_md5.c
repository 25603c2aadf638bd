/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fast paths of NTLM sealing against OpenSSL: RC4 (eight bytes per
 * word), MD5 (reordered steps), HMAC-MD5 over them, and the stitched
 * RC4 + MD5 pass against the two primitives run one after the other; at
 * every length 0..300 and at random large ones, in place and out of
 * place. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_rc4_md5.h"
#define TESTUTIL_RNG_SEED 0x5243344d44352131ull
#include "testutil.h"
#include "openssl_ref.h"

/* Lengths 0..300 (every tail of the 8-byte RC4 words and of the 64-byte
 * blocks, around one and several blocks), then random ones up to 70,000. */
#define EDGE_RUNS 340
#define EDGE_MAX  70000

static size_t edge_len(int run)
{
    return run <= 300 ? (size_t)run : (size_t)(rng() % (EDGE_MAX + 1));
}

/* OpenSSL's RC4 over data[0..len) with a fresh 16-byte key. */
static void openssl_rc4(const uint8_t key[16], const uint8_t *data, uint8_t *out, size_t len)
{
    EVP_CIPHER *rc4 = EVP_CIPHER_fetch(NULL, "RC4", NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int olen = 0;

    ck_assert_ptr_nonnull(rc4);
    ck_assert_int_eq(EVP_EncryptInit_ex2(ctx, rc4, key, NULL, NULL), 1);
    ck_assert_int_eq(EVP_EncryptUpdate(ctx, out, &olen, data, (int)len), 1);
    ck_assert_int_eq(olen, (int)len);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(rc4);
}

/* RC4 after a random offset into the stream (so i starts anywhere against
 * the 8-byte words), in place and out of place, against OpenSSL. */
START_TEST(test_openssl_rc4_lengths)
{
    static uint8_t data[EDGE_MAX + 300], theirs[EDGE_MAX + 300], ours[EDGE_MAX + 300];
    uint8_t key[16];

    if (!have_legacy) {
        fprintf(stderr, "skipped: RC4 cross-check needs OpenSSL's legacy provider\n");
        return;
    }
    for (int run = 0; run < EDGE_RUNS; run++) {
        size_t len = edge_len(run), skip = (size_t)(rng() % 300);
        struct crypto_rc4 st;

        rng_fill(key, sizeof(key));
        rng_fill(data, skip + len);
        openssl_rc4(key, data, theirs, skip + len);
        for (int in_place = 0; in_place < 2; in_place++) {
            crypto_rc4_init(&st, key, sizeof(key));
            crypto_rc4_crypt(&st, data, ours, skip);
            if (in_place) {
                memcpy(ours + skip, data + skip, len);
                crypto_rc4_crypt(&st, ours + skip, ours + skip, len);
            } else {
                crypto_rc4_crypt(&st, data + skip, ours + skip, len);
            }
            ck_assert_msg(!memcmp(ours, theirs, skip + len), "run %d, skip %zu, length %zu, in place %d", run,
                          skip, len, in_place);
        }
    }
}
END_TEST

START_TEST(test_openssl_md5_lengths)
{
    static uint8_t data[EDGE_MAX];
    uint8_t ours[16], theirs[16];

    for (int run = 0; run < EDGE_RUNS; run++) {
        size_t len = edge_len(run);
        rng_fill(data, len);
        crypto_md5(data, len, ours);
        openssl_digest("MD5", data, len, theirs);
        ck_assert_msg(!memcmp(ours, theirs, 16), "run %d, length %zu", run, len);
    }
}
END_TEST

START_TEST(test_openssl_hmac_md5_lengths)
{
    static uint8_t data[EDGE_MAX];
    uint8_t key[16], ours[16], theirs[16];

    for (int run = 0; run < EDGE_RUNS; run++) {
        size_t len = edge_len(run), olen = 0;
        rng_fill(key, sizeof(key));
        rng_fill(data, len);
        crypto_hmac_md5(key, sizeof(key), data, len, ours);
        ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, key, sizeof(key), data, len, theirs,
                                        sizeof(theirs), &olen));
        ck_assert_msg(!memcmp(ours, theirs, 16), "run %d, length %zu", run, len);
    }
}
END_TEST

/* The stitched pass against the two primitives one after the other and
 * against OpenSSL, as NTLM uses it: the hash already holds a prefix (the
 * 4-byte SeqNum, here 0..70 bytes so every offset into a block is met),
 * the stream has already run (the message before), sealing then opening,
 * in place and out of place. */
START_TEST(test_rc4_md5_stitched)
{
    static uint8_t plain[EDGE_MAX + 300], sealed[EDGE_MAX + 300], opened[EDGE_MAX + 300];
    static uint8_t ref_ct[EDGE_MAX + 300], hashed[EDGE_MAX + 100];
    uint8_t key[16], prefix[70], d_seal[16], d_open[16], d_sep[16], d_ossl[16];

    for (int run = 0; run < EDGE_RUNS; run++) {
        size_t len = edge_len(run), pre = (size_t)(rng() % sizeof(prefix)), skip = (size_t)(rng() % 300);
        struct crypto_rc4 tx, rx, sep;
        struct crypto_md5 m_seal, m_open, m_sep;

        rng_fill(key, sizeof(key));
        rng_fill(prefix, pre);
        rng_fill(plain, len);
        for (int in_place = 0; in_place < 2; in_place++) {
            crypto_rc4_init(&tx, key, sizeof(key));
            crypto_rc4_init(&sep, key, sizeof(key));
            crypto_rc4_crypt(&tx, plain, sealed, skip);
            crypto_rc4_crypt(&sep, plain, ref_ct, skip);
            rx = tx;

            /* The separate primitives: the reference. */
            crypto_md5_init(&m_sep);
            crypto_md5_update(&m_sep, prefix, pre);
            crypto_md5_update(&m_sep, plain, len);
            crypto_md5_final(&m_sep, d_sep);
            crypto_rc4_crypt(&sep, plain, ref_ct, len);

            crypto_md5_init(&m_seal);
            crypto_md5_update(&m_seal, prefix, pre);
            if (in_place) {
                memcpy(sealed, plain, len);
                crypto_rc4_md5_seal(&tx, &m_seal, sealed, sealed, len);
            } else {
                crypto_rc4_md5_seal(&tx, &m_seal, plain, sealed, len);
            }
            crypto_md5_final(&m_seal, d_seal);
            ck_assert_msg(!memcmp(sealed, ref_ct, len), "seal ciphertext: run %d, prefix %zu, length %zu, in place %d",
                          run, pre, len, in_place);
            ck_assert_msg(!memcmp(d_seal, d_sep, 16), "seal digest: run %d, prefix %zu, length %zu, in place %d",
                          run, pre, len, in_place);
            ck_assert_mem_eq(&tx, &sep, sizeof(tx));

            crypto_md5_init(&m_open);
            crypto_md5_update(&m_open, prefix, pre);
            if (in_place) {
                memcpy(opened, sealed, len);
                crypto_rc4_md5_open(&rx, &m_open, opened, opened, len);
            } else {
                crypto_rc4_md5_open(&rx, &m_open, sealed, opened, len);
            }
            crypto_md5_final(&m_open, d_open);
            ck_assert_msg(!memcmp(opened, plain, len), "open plaintext: run %d, prefix %zu, length %zu, in place %d",
                          run, pre, len, in_place);
            ck_assert_msg(!memcmp(d_open, d_sep, 16), "open digest: run %d, prefix %zu, length %zu, in place %d",
                          run, pre, len, in_place);
            ck_assert_mem_eq(&rx, &sep, sizeof(rx));
        }
        /* And both against OpenSSL. */
        memcpy(hashed, prefix, pre);
        memcpy(hashed + pre, plain, len);
        openssl_digest("MD5", hashed, pre + len, d_ossl);
        ck_assert_msg(!memcmp(d_sep, d_ossl, 16), "run %d, length %zu", run, len);
        if (have_legacy) {
            static uint8_t stream[EDGE_MAX + 300];
            memcpy(stream, plain, skip);   /* any bytes: only the part after skip is compared */
            memcpy(stream + skip, plain, len);
            openssl_rc4(key, stream, opened, skip + len);
            ck_assert_msg(!memcmp(opened + skip, ref_ct, len), "run %d, length %zu", run, len);
        }
    }
}
END_TEST

static Suite *rc4_md5_suite(void)
{
    Suite *s = suite_create("rc4_md5");
    TCase *tc = tcase_create("OpenSSL");

    tcase_set_timeout(tc, 120);   /* megabytes of RC4 and MD5 under valgrind */
    tcase_add_test(tc, test_openssl_rc4_lengths);
    tcase_add_test(tc, test_openssl_md5_lengths);
    tcase_add_test(tc, test_openssl_hmac_md5_lengths);
    tcase_add_test(tc, test_rc4_md5_stitched);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite_openssl(rc4_md5_suite(), "the RC4 cross-checks");
}
