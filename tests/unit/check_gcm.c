/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AES-256-GCM: the GCM specification's AES-256 vectors (McGrew and Viega,
 * test cases 13 to 16), the hardware path against the portable one, both
 * against OpenSSL on random input, and tampering refused. */
#include <check.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_gcm.h"
#define TESTUTIL_RNG_SEED 0x67636d2d74657374ull
#include "testutil.h"
#include "openssl_aead.h"

struct gcm_vector { const char *key, *nonce, *aad, *pt, *ct, *tag; };

#define KEY_FEFFE9 "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
#define PT_D931 "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72" \
                "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define CT_522D "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa" \
                "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"

static const struct gcm_vector vectors[] = {
    /* 13: nothing at all */
    { "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
      "", "", "", "530f8afbc74536b9a963b4f1c4cb738b" },
    /* 14: one zero block */
    { "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
      "", "00000000000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18",
      "d0d1c8a799996bf0265b98b5d48ab919" },
    /* 15: four blocks, no AAD */
    { KEY_FEFFE9, "cafebabefacedbaddecaf888", "", PT_D931 "1aafd255", CT_522D "898015ad",
      "b094dac5d93471bdec1a502270e3cc6c" },
    /* 16: a partial last block and 20 bytes of AAD */
    { KEY_FEFFE9, "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2", PT_D931, CT_522D,
      "76fc6ece0f4e1768cddf8853bb2d551b" },
};

START_TEST(test_vectors)
{
    const struct gcm_vector *v = &vectors[_i];
    uint8_t key[32], nonce[12], aad[32], pt[64], want[64], ct[64], back[64], tag[16], want_tag[16];
    struct crypto_gcm g;
    size_t alen, len;

    unhex(v->key, key, sizeof(key));
    unhex(v->nonce, nonce, sizeof(nonce));
    alen = unhex(v->aad, aad, sizeof(aad));
    len = unhex(v->pt, pt, sizeof(pt));
    ck_assert_uint_eq(unhex(v->ct, want, sizeof(want)), len);
    unhex(v->tag, want_tag, sizeof(want_tag));
    crypto_gcm_init(&g, key);

    for (int portable = 0; portable < 2; portable++) {
        memset(ct, 0xaa, sizeof(ct));
        if (portable) crypto_gcm_seal_portable(&g, nonce, aad, alen, pt, len, ct, tag);
        else crypto_gcm_seal(&g, nonce, aad, alen, pt, len, ct, tag);
        ck_assert_msg(!memcmp(ct, want, len), "ciphertext, portable %d", portable);
        ck_assert_msg(!memcmp(tag, want_tag, 16), "tag, portable %d", portable);
        memset(back, 0, sizeof(back));
        ck_assert_int_eq(portable ? crypto_gcm_open_portable(&g, nonce, aad, alen, want, len, want_tag, back)
                                  : crypto_gcm_open(&g, nonce, aad, alen, want, len, want_tag, back), 0);
        ck_assert_mem_eq(back, pt, len);
    }
    ck_assert_int_eq(crypto_gcm_verify(&g, nonce, aad, alen, want, len, want_tag), 0);
    crypto_wipe(&g, sizeof(g));
}
END_TEST

/* Random keys, nonces and lengths (every tail, several four-block groups),
 * both paths against OpenSSL, and both opening each other's output. */
START_TEST(test_openssl)
{
    static uint8_t pt[1300], ct[1300], ref[1300], back[1300];
    uint8_t key[32], nonce[12], aad[100], tag[16], ref_tag[16];
    struct crypto_gcm g;

    for (int run = 0; run < 600; run++) {
        size_t len = run < 300 ? (size_t)run : (size_t)(rng() % sizeof(pt));
        size_t alen = (size_t)(rng() % sizeof(aad));
        rng_fill(key, sizeof(key));
        rng_fill(nonce, sizeof(nonce));
        rng_fill(aad, alen);
        rng_fill(pt, len);
        crypto_gcm_init(&g, key);
        openssl_aead_seal(EVP_aes_256_gcm(), key, nonce, aad, alen, pt, len, ref, ref_tag);

        crypto_gcm_seal(&g, nonce, aad, alen, pt, len, ct, tag);
        ck_assert_msg(!memcmp(ct, ref, len) && !memcmp(tag, ref_tag, 16), "run %d, %zu/%zu bytes", run, alen, len);
        crypto_gcm_seal_portable(&g, nonce, aad, alen, pt, len, ct, tag);
        ck_assert_msg(!memcmp(ct, ref, len) && !memcmp(tag, ref_tag, 16), "portable, run %d", run);
        ck_assert_int_eq(crypto_gcm_open(&g, nonce, aad, alen, ref, len, ref_tag, back), 0);
        ck_assert_mem_eq(back, pt, len);
        ck_assert_int_eq(crypto_gcm_open_portable(&g, nonce, aad, alen, ref, len, ref_tag, back), 0);
        ck_assert_mem_eq(back, pt, len);
    }
    crypto_wipe(&g, sizeof(g));
}
END_TEST

/* One bit flipped anywhere (AAD, ciphertext, tag, nonce) is refused, and
 * the plaintext buffer is left zeroed, on both paths. */
START_TEST(test_tamper)
{
    uint8_t key[32], nonce[12], aad[40], pt[300], ct[300], tag[16], back[300];
    struct crypto_gcm g;

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    rng_fill(aad, sizeof(aad));
    rng_fill(pt, sizeof(pt));
    crypto_gcm_init(&g, key);
    crypto_gcm_seal(&g, nonce, aad, sizeof(aad), pt, sizeof(pt), ct, tag);

    for (int what = 0; what < 4; what++) {
        for (int bit = 0; bit < 64; bit++) {
            uint8_t *p = what == 0 ? aad : what == 1 ? ct : what == 2 ? tag : nonce;
            size_t n = what == 0 ? sizeof(aad) : what == 1 ? sizeof(ct) : what == 2 ? sizeof(tag) : sizeof(nonce);
            size_t at = (size_t)(rng() % (n * 8));
            p[at / 8] ^= (uint8_t)(1u << (at % 8));
            memset(back, 0x55, sizeof(back));
            ck_assert_int_eq(crypto_gcm_open(&g, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, back), -1);
            for (size_t i = 0; i < sizeof(back); i++) ck_assert_uint_eq(back[i], 0);
            ck_assert_int_eq(crypto_gcm_open_portable(&g, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, back), -1);
            ck_assert_int_eq(crypto_gcm_verify(&g, nonce, aad, sizeof(aad), ct, sizeof(ct), tag), -1);
            p[at / 8] ^= (uint8_t)(1u << (at % 8));
        }
    }
    ck_assert_int_eq(crypto_gcm_open(&g, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, back), 0);
    ck_assert_mem_eq(back, pt, sizeof(pt));
    crypto_wipe(&g, sizeof(g));
}
END_TEST

/* in == out, at an odd address. */
START_TEST(test_in_place)
{
    static uint8_t buf[1 + 777], pt[777];
    uint8_t key[32], nonce[12], tag[16], ref_tag[16], ref[777];
    struct crypto_gcm g;

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    rng_fill(pt, sizeof(pt));
    crypto_gcm_init(&g, key);
    crypto_gcm_seal(&g, nonce, NULL, 0, pt, sizeof(pt), ref, ref_tag);
    memcpy(buf + 1, pt, sizeof(pt));
    crypto_gcm_seal(&g, nonce, NULL, 0, buf + 1, sizeof(pt), buf + 1, tag);
    ck_assert_mem_eq(buf + 1, ref, sizeof(ref));
    ck_assert_mem_eq(tag, ref_tag, 16);
    ck_assert_int_eq(crypto_gcm_open(&g, nonce, NULL, 0, buf + 1, sizeof(pt), tag, buf + 1), 0);
    ck_assert_mem_eq(buf + 1, pt, sizeof(pt));
    crypto_wipe(&g, sizeof(g));
}
END_TEST

static Suite *gcm_suite(void)
{
    Suite *s = suite_create("gcm");
    TCase *tc = tcase_create("AES-256-GCM");

    tcase_add_loop_test(tc, test_vectors, 0, (int)(sizeof(vectors) / sizeof(vectors[0])));
    tcase_add_test(tc, test_openssl);
    tcase_add_test(tc, test_tamper);
    tcase_add_test(tc, test_in_place);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    printf("gcm: the hardware path %s\n", crypto_gcm_hardware() ? "runs (AES-NI, PCLMULQDQ)" : "is not available here");
    return run_suite(gcm_suite());
}
