/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AES and AES-CBC-CTS against FIPS 197 and RFC 3962 appendix B, round
 * trips, in-place use, and OpenSSL (ECB blocks; CBC plus the RFC 3962
 * swap) on random keys and lengths. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_aes.h"
#define TESTUTIL_RNG_SEED 0x4145532d43545331ull
#include "testutil.h"

/* ---- FIPS 197 ------------------------------------------------------------- */

struct block_vector { const char *key, *pt, *ct; };

/* FIPS 197 appendix B (the cipher example) and C.1-C.3. */
static const struct block_vector block_vectors[] = {
    { "2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32" },
    { "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a" },
    { "000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff",
      "dda97ca4864cdfe06eaf70a0ec0d7191" },
    { "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "00112233445566778899aabbccddeeff",
      "8ea2b7ca516745bfeafc49904b496089" },
};

START_TEST(test_aes_fips197)
{
    const struct block_vector *v = &block_vectors[_i];
    uint8_t key[32], pt[16], out[16];
    size_t klen = unhex(v->key, key, sizeof(key));
    struct crypto_aes aes;

    unhex(v->pt, pt, sizeof(pt));
    ck_assert_int_eq(crypto_aes_init(&aes, key, klen), 0);
    crypto_aes_encrypt(&aes, pt, out);
    ck_assert_hex_eq(out, v->ct);
    crypto_aes_decrypt(&aes, out, out);   /* in place */
    ck_assert_mem_eq(out, pt, 16);

    /* The portable code too, whichever path the dispatcher took. */
    memset(out, 0, sizeof(out));
    crypto_aes_encrypt_portable(&aes, pt, out);
    ck_assert_hex_eq(out, v->ct);
    crypto_aes_decrypt_portable(&aes, out, out);
    ck_assert_mem_eq(out, pt, 16);
}
END_TEST

/* The dispatched path (AES-NI where the CPU has it) and the portable one
 * agree on random keys and blocks. */
START_TEST(test_aes_paths_agree)
{
    static const size_t key_lens[] = { 16, 24, 32 };
    uint8_t key[32], in[16], a[16], b[16];
    struct crypto_aes aes;

    if (_i == 0)
        fprintf(stderr, "aes: crypto_aes_encrypt runs on %s\n", crypto_aes_hardware() ? "AES-NI" : "portable C");
    for (int run = 0; run < 2000; run++) {
        rng_fill(key, sizeof(key));
        rng_fill(in, sizeof(in));
        crypto_aes_init(&aes, key, key_lens[_i]);
        crypto_aes_encrypt(&aes, in, a);
        crypto_aes_encrypt_portable(&aes, in, b);
        ck_assert_mem_eq(a, b, 16);
        crypto_aes_decrypt(&aes, in, a);
        crypto_aes_decrypt_portable(&aes, in, b);
        ck_assert_mem_eq(a, b, 16);
    }
}
END_TEST

START_TEST(test_aes_bad_key_length)
{
    static const size_t bad[] = { 0, 1, 15, 17, 20, 31, 33, 64 };
    uint8_t key[64] = { 0 };
    struct crypto_aes aes;

    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        ck_assert_int_eq(crypto_aes_init(&aes, key, bad[i]), -1);
}
END_TEST

/* ---- RFC 3962 appendix B -------------------------------------------------- */

/* Key "chicken teriyaki", IV zero, prefixes of one sentence. */
struct cts_vector { size_t len; const char *out, *next_iv; };

static const char cts_text[] = "I would like the General Gau's Chicken, please, and wonton soup.";

static const struct cts_vector cts_vectors[] = {
    { 17, "c6353568f2bf8cb4d8a580362da7ff7f 97", "c6353568f2bf8cb4d8a580362da7ff7f" },
    { 31, "fc00783e0efdb2c1d445d4c8eff7ed22 97687268d6ecccc0c07b25e25ecfe5", "fc00783e0efdb2c1d445d4c8eff7ed22" },
    { 32, "39312523a78662d5be7fcbcc98ebf5a8 97687268d6ecccc0c07b25e25ecfe584", "39312523a78662d5be7fcbcc98ebf5a8" },
    { 47, "97687268d6ecccc0c07b25e25ecfe584 b3fffd940c16a18c1b5549d2f838029e 39312523a78662d5be7fcbcc98ebf5",
      "b3fffd940c16a18c1b5549d2f838029e" },
    { 48, "97687268d6ecccc0c07b25e25ecfe584 9dad8bbb96c4cdc03bc103e1a194bbd8 39312523a78662d5be7fcbcc98ebf5a8",
      "9dad8bbb96c4cdc03bc103e1a194bbd8" },
    { 64, "97687268d6ecccc0c07b25e25ecfe584 39312523a78662d5be7fcbcc98ebf5a8"
          "4807efe836ee89a526730dbc2f7bc840 9dad8bbb96c4cdc03bc103e1a194bbd8",
      "4807efe836ee89a526730dbc2f7bc840" },
};

START_TEST(test_cts_rfc3962)
{
    const struct cts_vector *v = &cts_vectors[_i];
    uint8_t iv[16] = { 0 }, out[64], back[64];
    struct crypto_aes aes;

    ck_assert_int_eq(crypto_aes_init(&aes, (const uint8_t *)"chicken teriyaki", 16), 0);
    ck_assert_int_eq(crypto_aes_cts_encrypt(&aes, iv, (const uint8_t *)cts_text, out, v->len), 0);
    ck_assert_hex_eq(out, v->out);
    ck_assert_hex_eq(iv, v->next_iv);

    memset(iv, 0, sizeof(iv));
    ck_assert_int_eq(crypto_aes_cts_decrypt(&aes, iv, out, back, v->len), 0);
    ck_assert_mem_eq(back, cts_text, v->len);
    ck_assert_hex_eq(iv, v->next_iv);
}
END_TEST

START_TEST(test_cts_short)
{
    uint8_t iv[16] = { 0 }, in[16] = { 0 }, out[16];
    struct crypto_aes aes;

    crypto_aes_init(&aes, in, 16);
    memset(out, 0x5a, sizeof(out));
    for (size_t len = 0; len < 16; len++) {
        ck_assert_int_eq(crypto_aes_cts_encrypt(&aes, iv, in, out, len), -1);
        ck_assert_int_eq(crypto_aes_cts_decrypt(&aes, iv, in, out, len), -1);
    }
    ck_assert(all_zero(iv, sizeof(iv)));
    for (size_t i = 0; i < sizeof(out); i++) ck_assert_uint_eq(out[i], 0x5a);
}
END_TEST

/* Every length from one block to eight, apart and in place, any key size. */
START_TEST(test_cts_round_trip)
{
    static const size_t key_lens[] = { 16, 24, 32 };
    uint8_t key[32], msg[128], ct[128], buf[128], iv1[16], iv2[16], iv0[16];
    struct crypto_aes aes;

    rng_fill(key, sizeof(key));
    ck_assert_int_eq(crypto_aes_init(&aes, key, key_lens[_i]), 0);
    for (size_t len = 16; len <= sizeof(msg); len++) {
        rng_fill(msg, len);
        rng_fill(iv0, sizeof(iv0));
        memcpy(iv1, iv0, 16);
        ck_assert_int_eq(crypto_aes_cts_encrypt(&aes, iv1, msg, ct, len), 0);
        memcpy(buf, msg, len);
        memcpy(iv2, iv0, 16);
        ck_assert_int_eq(crypto_aes_cts_encrypt(&aes, iv2, buf, buf, len), 0);
        ck_assert_mem_eq(buf, ct, len);
        ck_assert_mem_eq(iv1, iv2, 16);

        memcpy(iv2, iv0, 16);
        ck_assert_int_eq(crypto_aes_cts_decrypt(&aes, iv2, buf, buf, len), 0);
        ck_assert_msg(!memcmp(buf, msg, len), "in-place round trip at %zu", len);
        ck_assert_mem_eq(iv1, iv2, 16);
    }
}
END_TEST

/* ---- OpenSSL --------------------------------------------------------------- */

static const EVP_CIPHER *openssl_cipher(size_t key_len, int cbc)
{
    if (key_len == 16) return cbc ? EVP_aes_128_cbc() : EVP_aes_128_ecb();
    if (key_len == 24) return cbc ? EVP_aes_192_cbc() : EVP_aes_192_ecb();
    return cbc ? EVP_aes_256_cbc() : EVP_aes_256_ecb();
}

static void openssl_run(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, const uint8_t *in,
                        uint8_t *out, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0;

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_EncryptInit_ex(ctx, c, NULL, key, iv), 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    ck_assert_int_eq(EVP_EncryptUpdate(ctx, out, &n, in, (int)len), 1);
    ck_assert_int_eq(n, (int)len);
    EVP_CIPHER_CTX_free(ctx);
}

START_TEST(test_openssl_blocks)
{
    static const size_t key_lens[] = { 16, 24, 32 };
    size_t klen = key_lens[_i];
    uint8_t key[32], in[16], ours[16], theirs[16];
    struct crypto_aes aes;

    for (int run = 0; run < 500; run++) {
        rng_fill(key, klen);
        rng_fill(in, sizeof(in));
        crypto_aes_init(&aes, key, klen);
        crypto_aes_encrypt(&aes, in, ours);
        openssl_run(openssl_cipher(klen, 0), key, NULL, in, theirs, 16);
        ck_assert_mem_eq(ours, theirs, 16);
        crypto_aes_decrypt(&aes, ours, ours);
        ck_assert_mem_eq(ours, in, 16);
    }
    crypto_wipe(&aes, sizeof(aes));
}
END_TEST

/* RFC 3962's definition, with OpenSSL doing the CBC part: zero-pad, CBC,
 * swap the last two blocks, cut to the input length. */
START_TEST(test_openssl_cts)
{
    static const size_t key_lens[] = { 16, 32 };
    size_t klen = key_lens[_i];
    uint8_t key[32], iv[16], iv_ours[16], in[400], padded[400], ours[400], theirs[400];
    struct crypto_aes aes;

    for (int run = 0; run < 300; run++) {
        size_t len = 16 + rng() % (sizeof(in) - 32), blocks = (len + 15) / 16;

        rng_fill(key, klen);
        rng_fill(iv, sizeof(iv));
        rng_fill(in, len);
        memset(padded, 0, sizeof(padded));
        memcpy(padded, in, len);
        openssl_run(openssl_cipher(klen, 1), key, iv, padded, theirs, blocks * 16);
        if (blocks > 1) {
            uint8_t t[16];
            memcpy(t, theirs + (blocks - 2) * 16, 16);
            memcpy(theirs + (blocks - 2) * 16, theirs + (blocks - 1) * 16, 16);
            memcpy(theirs + (blocks - 1) * 16, t, 16);
        }
        crypto_aes_init(&aes, key, klen);
        memcpy(iv_ours, iv, 16);
        ck_assert_int_eq(crypto_aes_cts_encrypt(&aes, iv_ours, in, ours, len), 0);
        ck_assert_msg(!memcmp(ours, theirs, len), "differs at length %zu", len);
    }
}
END_TEST

static Suite *aes_suite(void)
{
    Suite *s = suite_create("aes");
    TCase *tc;

    tc = tcase_create("Vectors");
    tcase_add_loop_test(tc, test_aes_fips197, 0, sizeof(block_vectors) / sizeof(*block_vectors));
    tcase_add_test(tc, test_aes_bad_key_length);
    tcase_add_loop_test(tc, test_aes_paths_agree, 0, 3);
    tcase_add_loop_test(tc, test_cts_rfc3962, 0, sizeof(cts_vectors) / sizeof(*cts_vectors));
    suite_add_tcase(s, tc);

    tc = tcase_create("Limits");
    tcase_add_test(tc, test_cts_short);
    tcase_add_loop_test(tc, test_cts_round_trip, 0, 3);
    suite_add_tcase(s, tc);

    tc = tcase_create("OpenSSL");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_openssl_blocks, 0, 3);
    tcase_add_loop_test(tc, test_openssl_cts, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(aes_suite());
}
