/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SHA-1, SHA-256, SHA-384/512, HMAC over them and PBKDF2 against the FIPS
 * and RFC vectors, against themselves (incremental = one-shot) and against
 * OpenSSL on random input of many lengths. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sspishim/crypto_sha.h"
#define TESTUTIL_RNG_SEED 0x5348413235363031ull
#include "testutil.h"

/* Keys, data and passwords are hex, or text when they start with '"';
 * "aa*80" is a byte repeated. */
static size_t vec_bytes(const char *s, uint8_t *out, size_t max)
{
    unsigned byte, count;

    if (*s == '"') {
        size_t n = strlen(s + 1);
        ck_assert_uint_le(n, max);
        memcpy(out, s + 1, n);
        return n;
    }
    if (strchr(s, '*') && sscanf(s, "%2x*%u", &byte, &count) == 2) {
        ck_assert_uint_le(count, max);
        memset(out, (int)byte, count);
        return count;
    }
    return unhex(s, out, max);
}

/* ---- FIPS 180 ------------------------------------------------------------- */

struct hash_vector { const struct crypto_hash *const *hash; const char *msg; unsigned repeat; const char *hex; };

static const struct crypto_hash *const sha1 = &crypto_hash_sha1;
static const struct crypto_hash *const sha256 = &crypto_hash_sha256;
static const struct crypto_hash *const sha384 = &crypto_hash_sha384;
static const struct crypto_hash *const sha512 = &crypto_hash_sha512;

#define M448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define M896 "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno" \
             "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

/* FIPS 180-2 appendices A-D and the NIST example values ("abc", the 448-
 * and 896-bit messages, a million 'a's), plus the empty message. */
static const struct hash_vector hash_vectors[] = {
    { &sha1, "", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
    { &sha1, "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
    { &sha1, M448, 1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
    { &sha1, "a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
    { &sha256, "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { &sha256, "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { &sha256, M448, 1, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { &sha256, "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
    { &sha384, "", 1, "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
                      "274edebfe76f65fbd51ad2f14898b95b" },
    { &sha384, "abc", 1, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                         "8086072ba1e7cc2358baeca134c825a7" },
    { &sha384, M896, 1, "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
                        "fcc7c71a557e2db966c3e9fa91746039" },
    { &sha384, "a", 1000000, "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b"
                             "07b8b3dc38ecc4ebae97ddd87f3d8985" },
    { &sha512, "abc", 1, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                         "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { &sha512, M896, 1, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
};

START_TEST(test_hash_fips180)
{
    const struct hash_vector *v = &hash_vectors[_i];
    const struct crypto_hash *h = *v->hash;
    union crypto_hash_state st;
    uint8_t out[CRYPTO_HASH_MAX_SIZE];
    size_t len = strlen(v->msg);

    /* final() wipes the member it used; the rest of the union is ours. */
    memset(&st, 0, sizeof(st));
    h->init(&st);
    for (unsigned i = 0; i < v->repeat; i++) h->update(&st, v->msg, len);
    h->final(&st, out);
    ck_assert_hex_eq(out, v->hex);
    ck_assert(all_zero(&st, sizeof(st)));
    if (v->repeat == 1) {
        memset(out, 0, sizeof(out));
        crypto_hash(h, v->msg, len, out);
        ck_assert_hex_eq(out, v->hex);
    }
}
END_TEST

/* The named one-shot functions are the descriptors' targets. */
START_TEST(test_hash_named)
{
    uint8_t a[64], b[64];

    crypto_sha1("abc", 3, a);
    crypto_hash(&crypto_hash_sha1, "abc", 3, b);
    ck_assert_mem_eq(a, b, 20);
    crypto_sha256("abc", 3, a);
    crypto_hash(&crypto_hash_sha256, "abc", 3, b);
    ck_assert_mem_eq(a, b, 32);
    crypto_sha384("abc", 3, a);
    crypto_hash(&crypto_hash_sha384, "abc", 3, b);
    ck_assert_mem_eq(a, b, 48);
    crypto_sha512("abc", 3, a);
    crypto_hash(&crypto_hash_sha512, "abc", 3, b);
    ck_assert_mem_eq(a, b, 64);
}
END_TEST

/* ---- HMAC ------------------------------------------------------------------ */

struct hmac_vector { const struct crypto_hash *const *hash; const char *key, *data, *hex; };

#define LONG_DATA "\"This is a test using a larger than block-size key and a larger than block-size data." \
    " The key needs to be hashed before being used by the HMAC algorithm."

/* RFC 2202 section 3 (HMAC-SHA1, test cases 1-7) and RFC 4231 section 4
 * (HMAC-SHA256/384, test cases 1-7; case 5 compares the first 128 bits). */
static const struct hmac_vector hmac_vectors[] = {
    { &sha1, "0b*20", "\"Hi There", "b617318655057264e28bc0b6fb378c8ef146be00" },
    { &sha1, "\"Jefe", "\"what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
    { &sha1, "aa*20", "dd*50", "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
    { &sha1, "0102030405060708090a0b0c0d0e0f10111213141516171819", "cd*50",
      "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
    { &sha1, "0c*20", "\"Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04" },
    { &sha1, "aa*80", "\"Test Using Larger Than Block-Size Key - Hash Key First",
      "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
    { &sha1, "aa*80", "\"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
      "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },

    { &sha256, "0b*20", "\"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
    { &sha256, "\"Jefe", "\"what do ya want for nothing?",
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
    { &sha256, "aa*20", "dd*50", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
    { &sha256, "0102030405060708090a0b0c0d0e0f10111213141516171819", "cd*50",
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
    { &sha256, "0c*20", "\"Test With Truncation", "a3b6167473100ee06e0c796c2955552b" },
    { &sha256, "aa*131", "\"Test Using Larger Than Block-Size Key - Hash Key First",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
    { &sha256, "aa*131", LONG_DATA, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },

    { &sha384, "0b*20", "\"Hi There", "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                                      "faea9ea9076ede7f4af152e8b2fa9cb6" },
    { &sha384, "\"Jefe", "\"what do ya want for nothing?",
      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649" },
    { &sha384, "aa*20", "dd*50",
      "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27" },
    { &sha384, "0102030405060708090a0b0c0d0e0f10111213141516171819", "cd*50",
      "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb" },
    { &sha384, "0c*20", "\"Test With Truncation", "3abf34c3503b2a23a46efc619baef897" },
    { &sha384, "aa*131", "\"Test Using Larger Than Block-Size Key - Hash Key First",
      "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952" },
    { &sha384, "aa*131", LONG_DATA,
      "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e" },
};

START_TEST(test_hmac_rfc2202_rfc4231)
{
    const struct hmac_vector *v = &hmac_vectors[_i];
    uint8_t key[200], data[200], out[CRYPTO_HASH_MAX_SIZE];
    size_t klen = vec_bytes(v->key, key, sizeof(key));
    size_t dlen = vec_bytes(v->data, data, sizeof(data));

    crypto_hmac(*v->hash, key, klen, data, dlen, out);
    ck_assert_hex_eq(out, v->hex);
}
END_TEST

/* ---- PBKDF2 ------------------------------------------------------------------ */

struct pbkdf2_vector { const char *pass; size_t pass_len; const char *salt; size_t salt_len; uint32_t iter;
                       const char *hex; };

/* RFC 6070 section 2 (PBKDF2-HMAC-SHA1), all but the 16777216-iteration
 * case, which takes minutes under the sanitizers.  The last two have NULs
 * inside, hence explicit lengths. */
static const struct pbkdf2_vector pbkdf2_vectors[] = {
    { "password", 8, "salt", 4, 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6" },
    { "password", 8, "salt", 4, 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957" },
    { "password", 8, "salt", 4, 4096, "4b007901b765489abead49d926f721d065a429c1" },
    { "passwordPASSWORDpassword", 24, "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096,
      "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038" },
    { "pass\0word", 9, "sa\0lt", 5, 4096, "56fa6aa75548099dcc37d7f03425e0c3" },
};

START_TEST(test_pbkdf2_rfc6070)
{
    const struct pbkdf2_vector *v = &pbkdf2_vectors[_i];
    uint8_t want[64], out[64];
    size_t n = unhex(v->hex, want, sizeof(want));

    crypto_pbkdf2_hmac(&crypto_hash_sha1, v->pass, v->pass_len, v->salt, v->salt_len, v->iter, out, n);
    ck_assert_mem_eq(out, want, n);
}
END_TEST

/* ---- Incremental --------------------------------------------------------------- */

#define SPLIT_LEN 300

START_TEST(test_split)
{
    static const struct crypto_hash *const *all[] = { &sha1, &sha256, &sha384, &sha512 };
    const struct crypto_hash *h = *all[_i];
    uint8_t msg[SPLIT_LEN], whole[64], part[64];

    for (size_t i = 0; i < SPLIT_LEN; i++) msg[i] = (uint8_t)(i * 37 + 11);
    crypto_hash(h, msg, SPLIT_LEN, whole);
    for (size_t a = 0; a <= SPLIT_LEN; a += 3) {
        for (size_t b = a; b <= SPLIT_LEN; b += 5) {
            union crypto_hash_state st;
            h->init(&st);
            h->update(&st, msg, a);
            h->update(&st, msg + a, b - a);
            h->update(&st, msg + b, SPLIT_LEN - b);
            h->final(&st, part);
            ck_assert_msg(!memcmp(whole, part, h->size), "%s split at %zu, %zu", h->name, a, b);
        }
    }

    /* HMAC the same way; final wipes its context. */
    crypto_hmac(h, "k", 1, msg, SPLIT_LEN, whole);
    for (size_t a = 0; a <= SPLIT_LEN; a += 7) {
        struct crypto_hmac ctx;
        crypto_hmac_init(&ctx, h, "k", 1);
        crypto_hmac_update(&ctx, msg, a);
        crypto_hmac_update(&ctx, msg + a, SPLIT_LEN - a);
        crypto_hmac_final(&ctx, part);
        ck_assert_msg(!memcmp(whole, part, h->size), "hmac-%s split at %zu", h->name, a);
        ck_assert(all_zero(&ctx, sizeof(ctx)));
    }
}
END_TEST

/* ---- OpenSSL ------------------------------------------------------------------ */

#define RANDOM_RUNS 400
#define RANDOM_MAX  3000

/* Every length around the padding edges (55/56/64, 111/112/128), then random. */
static size_t pick_len(int run)
{
    return run < 260 ? (size_t)run : (size_t)(rng() % (RANDOM_MAX + 1));
}

static const EVP_MD *openssl_md(const struct crypto_hash *h)
{
    if (h == &crypto_hash_sha1) return EVP_sha1();
    if (h == &crypto_hash_sha256) return EVP_sha256();
    if (h == &crypto_hash_sha384) return EVP_sha384();
    return EVP_sha512();
}

START_TEST(test_openssl_hash_hmac)
{
    static const struct crypto_hash *const *all[] = { &sha1, &sha256, &sha384, &sha512 };
    const struct crypto_hash *h = *all[_i];
    const EVP_MD *md = openssl_md(h);
    static uint8_t data[RANDOM_MAX];
    uint8_t key[300], ours[64], theirs[64];

    for (int run = 0; run < RANDOM_RUNS; run++) {
        size_t len = pick_len(run), klen = rng() % sizeof(key);
        unsigned int olen = 0;

        rng_fill(data, len);
        rng_fill(key, klen);
        crypto_hash(h, data, len, ours);
        ck_assert_int_eq(EVP_Digest(data, len, theirs, &olen, md, NULL), 1);
        ck_assert_uint_eq(olen, h->size);
        ck_assert_msg(!memcmp(ours, theirs, olen), "%s differs at length %zu", h->name, len);

        crypto_hmac(h, key, klen, data, len, ours);
        ck_assert_ptr_nonnull(HMAC(md, key, (int)klen, data, len, theirs, &olen));
        ck_assert_msg(!memcmp(ours, theirs, olen), "hmac-%s differs, key %zu, length %zu", h->name, klen, len);
    }
}
END_TEST

START_TEST(test_openssl_pbkdf2)
{
    static const struct crypto_hash *const *all[] = { &sha1, &sha256, &sha384, &sha512 };
    const struct crypto_hash *h = *all[_i];
    uint8_t pass[200], salt[80], ours[150], theirs[150];

    for (int run = 0; run < 40; run++) {
        size_t plen = rng() % sizeof(pass), slen = rng() % sizeof(salt), olen = 1 + rng() % sizeof(ours);
        uint32_t iter = 1 + (uint32_t)(rng() % 50);

        rng_fill(pass, plen);
        rng_fill(salt, slen);
        crypto_pbkdf2_hmac(h, pass, plen, salt, slen, iter, ours, olen);
        ck_assert_int_eq(PKCS5_PBKDF2_HMAC((const char *)pass, (int)plen, salt, (int)slen, (int)iter,
                                           openssl_md(h), (int)olen, theirs), 1);
        ck_assert_msg(!memcmp(ours, theirs, olen), "pbkdf2-%s differs: pass %zu, salt %zu, out %zu, iter %u",
                      h->name, plen, slen, olen, iter);
    }
}
END_TEST

static Suite *sha_suite(void)
{
    Suite *s = suite_create("sha");
    TCase *tc;

    tc = tcase_create("Vectors");
    tcase_set_timeout(tc, 60);   /* a million 'a's, 4096-iteration PBKDF2, under ASan */
    tcase_add_loop_test(tc, test_hash_fips180, 0, sizeof(hash_vectors) / sizeof(*hash_vectors));
    tcase_add_test(tc, test_hash_named);
    tcase_add_loop_test(tc, test_hmac_rfc2202_rfc4231, 0, sizeof(hmac_vectors) / sizeof(*hmac_vectors));
    tcase_add_loop_test(tc, test_pbkdf2_rfc6070, 0, sizeof(pbkdf2_vectors) / sizeof(*pbkdf2_vectors));
    suite_add_tcase(s, tc);

    tc = tcase_create("Incremental");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_split, 0, 4);
    suite_add_tcase(s, tc);

    tc = tcase_create("OpenSSL");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_openssl_hash_hmac, 0, 4);
    tcase_add_loop_test(tc, test_openssl_pbkdf2, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(sha_suite());
}
