/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos etype table against RFC 3961 A.1 (n-fold), RFC 3962 B
 * (string-to-key), RFC 8009 A (string-to-key, key derivation, encryption
 * with the given confounders, checksums, PRF) and, where the RFCs give no
 * vectors, values from an independent Python model (hashlib, pyca
 * cryptography) of the same RFC text.  Round trips, tampering, truncation,
 * refusals and the OpenSSL rebuilds are in check_krb_crypto_limits.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_crypto.h"
#define TESTUTIL_RNG_SEED 0x4b5242354352594full
#include "testutil.h"

static void make_key(int32_t etype, const char *hex, struct krb_key *key)
{
    uint8_t seed[KRB_KEY_MAX];
    size_t n = unhex(hex, seed, sizeof(seed));

    ck_assert_int_eq(krb_crypto_random_to_key(etype, seed, n, key), KRB_CRYPTO_OK);
}

/* A random source that hands out a fixed confounder, as the RFCs' examples
 * were made. */
struct fixed_conf { uint8_t bytes[16]; size_t len; int calls; };

static int fixed_random(void *ctx, void *buf, size_t len)
{
    struct fixed_conf *c = ctx;

    ck_assert_uint_eq(len, c->len);
    memcpy(buf, c->bytes, len);
    c->calls++;
    return 0;
}



/* ---- RFC 3961 A.1: n-fold --------------------------------------------------- */

START_TEST(test_nfold_rfc3961)
{
    static const struct { unsigned bits; const char *in, *hex; } v[] = {
        { 64, "012345", "be072631276b1955" },
        { 56, "password", "78a07b6caf85fa" },
        { 64, "Rough Consensus, and Running Code", "bb6ed30870b7f0e0" },
        { 168, "password", "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e" },
        { 192, "MASSACHVSETTS INSTITVTE OF TECHNOLOGY", "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b" },
        { 168, "Q", "518a54a215a8452a518a54a215a8452a518a54a215" },
        { 168, "ba", "fb25d531ae8974499f52fd92ea9857c4ba24cf297e" },
        { 64, "kerberos", "6b65726265726f73" },
        { 128, "kerberos", "6b65726265726f737b9b5b2b93132b93" },
        { 168, "kerberos", "8372c236344e5f1550cd0747e15d62ca7a5a3bcea4" },
        { 256, "kerberos", "6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4" },
    };
    uint8_t out[32];

    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        krb_crypto_nfold((const uint8_t *)v[i].in, strlen(v[i].in), out, v[i].bits / 8);
        ck_assert_hex_eq(out, v[i].hex);
    }
}
END_TEST

/* ---- RFC 3962 B: string-to-key ----------------------------------------------- */

struct s2k_vector { uint32_t iter; const char *pass, *salt, *key128, *key256; };

/* The 128- and 256-bit AES keys of RFC 3962 appendix B (salt is hex when it
 * starts with '#').  The 65-'X' case's 128-bit key is from the Python model,
 * which reproduces every other key here. */
static const struct s2k_vector s2k_3962[] = {
    { 1, "password", "ATHENA.MIT.EDUraeburn", "42263c6e89f4fc28b8df68ee09799f15",
      "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161" },
    { 2, "password", "ATHENA.MIT.EDUraeburn", "c651bf29e2300ac27fa469d693bdda13",
      "a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff" },
    { 1200, "password", "ATHENA.MIT.EDUraeburn", "4c01cd46d632d01e6dbe230a01ed642a",
      "55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a" },
    { 5, "password", "#1234567878563412", "e9b23d52273747dd5c35cb55be619d8e",
      "97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31" },
    { 1200, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "pass phrase equals block size",
      "59d1bb789a828b1aa54ef9c2883f69ed",
      "89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34" },
    { 1200, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "pass phrase exceeds block size",
      "cb8005dc5f90179a7f02104c0018751d",
      "d78c5c9cb872a8c9dad4697f0bb5b2d21496c82beb2caeda2112fceea057401b" },
    { 50, "\xf0\x9d\x84\x9e", "EXAMPLE.COMpianist", "f149c1f2e154a73452d43e7fe62a56e5",
      "4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e" },
};

START_TEST(test_s2k_rfc3962)
{
    const struct s2k_vector *v = &s2k_3962[_i];
    uint8_t salt[64], params[4];
    size_t salt_len;
    struct krb_key key;

    if (v->salt[0] == '#') {
        salt_len = unhex(v->salt + 1, salt, sizeof(salt));
    } else {
        salt_len = strlen(v->salt);
        memcpy(salt, v->salt, salt_len);
    }
    params[0] = (uint8_t)(v->iter >> 24); params[1] = (uint8_t)(v->iter >> 16);
    params[2] = (uint8_t)(v->iter >> 8); params[3] = (uint8_t)v->iter;

    ck_assert_int_eq(krb_crypto_string_to_key(KRB_ETYPE_AES128_CTS_HMAC_SHA1_96, v->pass, strlen(v->pass), salt,
                                              salt_len, params, 4, &key), KRB_CRYPTO_OK);
    ck_assert_int_eq(key.etype, KRB_ETYPE_AES128_CTS_HMAC_SHA1_96);
    ck_assert_uint_eq(key.len, 16);
    ck_assert_hex_eq(key.bytes, v->key128);
    ck_assert_int_eq(krb_crypto_string_to_key(KRB_ETYPE_AES256_CTS_HMAC_SHA1_96, v->pass, strlen(v->pass), salt,
                                              salt_len, params, 4, &key), KRB_CRYPTO_OK);
    ck_assert_uint_eq(key.len, 32);
    ck_assert_hex_eq(key.bytes, v->key256);
}
END_TEST

/* Empty s2kparams is RFC 3962's default of 4096 iterations. */
START_TEST(test_s2k_default_iterations)
{
    static const uint8_t p4096[4] = { 0, 0, 0x10, 0 }, p32768[4] = { 0, 0, 0x80, 0 };
    struct krb_key a, b;

    ck_assert_int_eq(krb_crypto_string_to_key(17, "pw", 2, (const uint8_t *)"S", 1, NULL, 0, &a), 0);
    ck_assert_int_eq(krb_crypto_string_to_key(17, "pw", 2, (const uint8_t *)"S", 1, p4096, 4, &b), 0);
    ck_assert_mem_eq(a.bytes, b.bytes, 16);
    ck_assert_int_eq(krb_crypto_string_to_key(19, "pw", 2, (const uint8_t *)"S", 1, NULL, 0, &a), 0);
    ck_assert_int_eq(krb_crypto_string_to_key(19, "pw", 2, (const uint8_t *)"S", 1, p32768, 4, &b), 0);
    ck_assert_mem_eq(a.bytes, b.bytes, 16);
}
END_TEST

START_TEST(test_s2k_bad_params)
{
    static const uint8_t zero[4] = { 0 }, huge[4] = { 0x01, 0, 0, 1 }, three[3] = { 0, 0, 1 }, one[4] = { 0, 0, 0, 1 };
    struct krb_key key;

    memset(&key, 0x5a, sizeof(key));
    ck_assert_int_eq(krb_crypto_string_to_key(18, "pw", 2, NULL, 0, zero, 4, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert_int_eq(krb_crypto_string_to_key(18, "pw", 2, NULL, 0, huge, 4, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert_int_eq(krb_crypto_string_to_key(20, "pw", 2, NULL, 0, three, 3, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert_int_eq(krb_crypto_string_to_key(23, "pw", 2, NULL, 0, one, 4, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert_int_eq(krb_crypto_string_to_key(16, "pw", 2, NULL, 0, NULL, 0, &key), KRB_CRYPTO_BAD_ETYPE);
    ck_assert_int_eq(key.bytes[0], 0x5a);   /* refused before anything was written */
    ck_assert_int_eq(krb_crypto_string_to_key(18, "pw", 2, NULL, 0, one, 4, &key), KRB_CRYPTO_OK);
}
END_TEST

/* ---- RFC 8009 A ------------------------------------------------------------ */

#define BASE19 "3705d96080c17728a0e800eab6e0d23c"
#define BASE20 "6d404d37faf79f9df0d33568d320669800eb4836472ea8a026d16b7182460c52"

START_TEST(test_s2k_rfc8009)
{
    uint8_t salt[64];
    size_t n = unhex("10df9dd783e5bc8acea1730e74355f61", salt, sizeof(salt));
    static const uint8_t params[4] = { 0, 0, 0x80, 0 };   /* 32768 */
    struct krb_key key;

    memcpy(salt + n, "ATHENA.MIT.EDUraeburn", 21);
    n += 21;
    ck_assert_int_eq(krb_crypto_string_to_key(19, "password", 8, salt, n, params, 4, &key), 0);
    ck_assert_hex_eq(key.bytes, "089bca48b105ea6ea77ca5d2f39dc5e7");
    ck_assert_int_eq(krb_crypto_string_to_key(20, "password", 8, salt, n, params, 4, &key), 0);
    ck_assert_hex_eq(key.bytes, "45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467");
}
END_TEST

START_TEST(test_derive_rfc8009)
{
    static const struct { int32_t etype; const char *base; uint8_t purpose; const char *hex; } v[] = {
        { 19, BASE19, KRB_DERIVE_CHECKSUM, "b31a018a48f54776f403e9a396325dc3" },
        { 19, BASE19, KRB_DERIVE_ENCRYPT, "9b197dd1e8c5609d6e67c3e37c62c72e" },
        { 19, BASE19, KRB_DERIVE_INTEGRITY, "9fda0e56ab2d85e1569a688696c26a6c" },
        { 20, BASE20, KRB_DERIVE_CHECKSUM, "ef5718be86cc84963d8bbb5031e9f5c4ba41f28faf69e73d" },
        { 20, BASE20, KRB_DERIVE_ENCRYPT, "56ab22bee63d82d7bc5227f6773f8ea7a5eb1c825160c38312980c442e5c7e49" },
        { 20, BASE20, KRB_DERIVE_INTEGRITY, "69b16514e3cd8e56b82010d5c73012b622c4d00ffc23ed1f" },
    };
    uint8_t want[32], out[32];
    struct krb_key key;

    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        size_t n = unhex(v[i].hex, want, sizeof(want)), got = 0;
        make_key(v[i].etype, v[i].base, &key);
        ck_assert_int_eq(krb_crypto_derive_key(&key, 2, v[i].purpose, out, sizeof(out), &got), 0);
        ck_assert_uint_eq(got, n);
        ck_assert_mem_eq(out, want, n);
    }
}
END_TEST

struct enc_vector { int32_t etype; const char *key; uint32_t usage; size_t plain_len; const char *conf, *hex; };

/* RFC 8009 A "Sample encryptions": usage 2, plaintext 00 01 02 ... of the
 * given length.  The RFC 3962 and RFC 4757 rows have no published
 * encryption vectors; theirs come from the Python model (krbref.py: DK via
 * pyca AES and the RFC 3961 n-fold, which reproduces RFC 3961 A.1 and
 * RFC 3962 B; RC4-HMAC per RFC 4757 5). */
static const struct enc_vector enc_vectors[] = {
    { 19, BASE19, 2, 0, "7e5895eaf2672435bad817f545a37148",
      "ef85fb890bb8472f4dab20394dca781dad877eda39d50c870c0d5a0a8e48c718" },
    { 19, BASE19, 2, 6, "7bca285e2fd4130fb55b1a5c83bc5b24",
      "84d7f30754ed987bab0bf3506beb09cfb55402cef7e6877ce99e247e52d16ed4421dfdf8976c" },
    { 19, BASE19, 2, 16, "56ab21713ff62c0a1457200f6fa9948f",
      "3517d640f50ddc8ad3628722b3569d2ae07493fa8263254080ea65c1008e8fc295fb4852e7d83e1e7c48c37eebe6b0d3" },
    { 19, BASE19, 2, 21, "a7a4e29a4728ce10664fb64e49ad3fac",
      "720f73b18d9859cd6ccb4346115cd336c70f58edc0c4437c5573544c31c813bce1e6d072c186b39a413c2f92ca9b8334a287ffcbfc" },
    { 20, BASE20, 2, 0, "f764e9fa15c276478b2c7d0c4e5f58e4",
      "41f53fa5bfe7026d91faf9be959195a058707273a96a40f0a01960621ac612748b9bbfbe7eb4ce3c" },
    { 20, BASE20, 2, 6, "b80d3251c1f6471494256ffe712d0b9a",
      "4ed7b37c2bcac8f74f23c1cf07e62bc7b75fb3f637b9f559c7f664f69eab7b6092237526ea0d1f61cb20d69d10f2" },
    { 20, BASE20, 2, 16, "53bf8a0d105265d4e276428624ce5e63",
      "bc47ffec7998eb91e8115cf8d19dac4bbbe2e163e87dd37f49beca92027764f68cf51f14d798c2273f35df574d1f932e40c4ff255b36a266" },
    { 20, BASE20, 2, 21, "763e65367e864f02f55153c7e3b58af1",
      "40013e2df58e8751957d2878bcd2d6fe101ccfd556cb1eae79db3c3ee86429f2b2a602ac86fef6ecb647d6295fae077a1feb517508d2c16b4192e01f62" },
    /* Python model; keys are RFC 3962 B's iteration-1 "password" keys. */
    { 17, "42263c6e89f4fc28b8df68ee09799f15", 2, 0, "101112131415161718191a1b1c1d1e1f",
      "8c745c4355d2ee97115365cb136504505082f0a3082c76a5420730ac" },
    { 17, "42263c6e89f4fc28b8df68ee09799f15", 2, 5, "101112131415161718191a1b1c1d1e1f",
      "86e232b484ff1113c3d9a44641258d858c745c43553a8ce9be0522b26715c304fd" },
    { 17, "42263c6e89f4fc28b8df68ee09799f15", 2, 16, "101112131415161718191a1b1c1d1e1f",
      "abb6f7f7b0ec7d165aaf1cd40e269ea48c745c4355d2ee97115365cb13650450abe7ef708eedcbc4d4348175" },
    { 17, "42263c6e89f4fc28b8df68ee09799f15", 2, 21, "101112131415161718191a1b1c1d1e1f",
      "8c745c4355d2ee97115365cb13650450156002567ee2146e9669e3b601de6fbfabb6f7f7b024f35a88ed0a7a18917e49a2" },
    { 18, "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161", 2, 0,
      "101112131415161718191a1b1c1d1e1f", "1a9a0aa34d1e1f0ac3e19ed6bf9e2be5bb60c69f7d882323c373b4d8" },
    { 18, "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161", 2, 5,
      "101112131415161718191a1b1c1d1e1f", "ca4b18a3b42ed0bfc6aa837cd1aca7621a9a0aa34d0c87c84df0cc37b08e876214" },
    { 18, "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161", 2, 16,
      "101112131415161718191a1b1c1d1e1f",
      "56dbd150d047c39e776e3f28d6c3502d1a9a0aa34d1e1f0ac3e19ed6bf9e2be51e1eea9ed750482b0950fd0d" },
    { 18, "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161", 2, 21,
      "101112131415161718191a1b1c1d1e1f",
      "1a9a0aa34d1e1f0ac3e19ed6bf9e2be50134667eb7b51bd064187f5809ab649056dbd150d0df5f49a6627cf7991ac74f6a" },
    /* Python model; the key is the NT hash of "password".  Usage 3 is
     * message type 8 (RFC 4757 3). */
    { 23, "8846f7eaee8fb117ad06bdd830b7586c", 3, 8, "0102030405060708",
      "05161f1c3d6b3f3cfb47b3a8213b0dd2359e64b6997bec9e0686e820b1eefcbd" },
    { 23, "8846f7eaee8fb117ad06bdd830b7586c", 7, 21, "a0a1a2a3a4a5a6a7",
      "f22c2fa936fbc507d268a4114070b47e9796196a4e5ff30cd652d4a783d5ab90f653588f85d08a36621f4fcf1e" },
};

START_TEST(test_encrypt_vectors)
{
    const struct enc_vector *v = &enc_vectors[_i];
    uint8_t plain[64], want[128], out[128], back[64];
    size_t want_len = unhex(v->hex, want, sizeof(want)), len = 0;
    struct fixed_conf conf = { .calls = 0 };
    struct krb_key key;

    for (size_t i = 0; i < v->plain_len; i++) plain[i] = (uint8_t)i;
    /* RC4's example plaintext is text, to show the usage translation. */
    if (v->etype == 23 && v->plain_len == 8) memcpy(plain, "sspishim", 8);
    conf.len = unhex(v->conf, conf.bytes, sizeof(conf.bytes));
    make_key(v->etype, v->key, &key);
    ck_assert_uint_eq(krb_crypto_ciphertext_size(v->etype, v->plain_len), want_len);
    ck_assert_int_eq(krb_crypto_encrypt(&key, v->usage, plain, v->plain_len, fixed_random, &conf, out,
                                        sizeof(out), &len), KRB_CRYPTO_OK);
    ck_assert_int_eq(conf.calls, 1);
    ck_assert_uint_eq(len, want_len);
    ck_assert_mem_eq(out, want, want_len);

    memset(back, 0xee, sizeof(back));
    ck_assert_int_eq(krb_crypto_decrypt(&key, v->usage, want, want_len, back, sizeof(back), &len), KRB_CRYPTO_OK);
    ck_assert_uint_eq(len, v->plain_len);
    ck_assert_mem_eq(back, plain, v->plain_len);
    ck_assert_uint_eq(back[v->plain_len], 0xee);

    /* The same through a derived-key cache: first filled for another
     * usage and another key (refilled), then kept between calls. */
    struct krb_key_cache cache = { .valid = false };
    struct krb_key other = key;
    other.bytes[0] ^= 1;
    conf.calls = 0;
    ck_assert_int_eq(krb_crypto_encrypt_cached(&cache, &other, v->usage + 1, plain, v->plain_len, fixed_random,
                                               &conf, out, sizeof(out), &len), KRB_CRYPTO_OK);
    for (int round = 0; round < 2; round++) {
        conf.calls = 0;
        memset(out, 0, sizeof(out));
        ck_assert_int_eq(krb_crypto_encrypt_cached(&cache, &key, v->usage, plain, v->plain_len, fixed_random, &conf,
                                                   out, sizeof(out), &len), KRB_CRYPTO_OK);
        ck_assert_uint_eq(len, want_len);
        ck_assert_mem_eq(out, want, want_len);
        memset(back, 0xee, sizeof(back));
        ck_assert_int_eq(krb_crypto_decrypt_cached(&cache, &key, v->usage, want, want_len, back, sizeof(back), &len),
                         KRB_CRYPTO_OK);
        ck_assert_uint_eq(len, v->plain_len);
        ck_assert_mem_eq(back, plain, v->plain_len);
        ck_assert_uint_eq(back[v->plain_len], 0xee);
    }
    /* A tampered ciphertext is refused through the cache, as it is and
     * refilled for the other key. */
    want[want_len - 1] ^= 1;
    ck_assert_int_eq(krb_crypto_decrypt_cached(&cache, &key, v->usage, want, want_len, back, sizeof(back), &len),
                     KRB_CRYPTO_BAD_INTEGRITY);
    ck_assert_int_eq(krb_crypto_decrypt_cached(&cache, &other, v->usage, want, want_len, back, sizeof(back), &len),
                     KRB_CRYPTO_BAD_INTEGRITY);
}
END_TEST

struct cksum_vector { int32_t etype; const char *key; uint32_t usage; int32_t type; const char *hex; };

/* RFC 8009 A "Sample checksums": usage 2 over 00 01 ... 14 (21 bytes);
 * the others from the Python model over the same bytes. */
static const struct cksum_vector cksum_vectors[] = {
    { 19, BASE19, 2, 19, "d78367186643d67b411cba9139fc1dee" },
    { 20, BASE20, 2, 20, "45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a" },
    { 17, "42263c6e89f4fc28b8df68ee09799f15", 2, 15, "930b6a94a22cf6a56a9aa145" },
    { 18, "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161", 2, 16, "bf1081ebfa68fd00bbf01c42" },
    { 23, "8846f7eaee8fb117ad06bdd830b7586c", 23, -138, "d096e6618d6a0f3ddbe28882f9ea2b70" },
};

START_TEST(test_checksum_vectors)
{
    const struct cksum_vector *v = &cksum_vectors[_i];
    uint8_t data[21], want[32], out[32];
    size_t n = unhex(v->hex, want, sizeof(want)), len = 0;
    int32_t type = 0;
    struct krb_key key;

    for (size_t i = 0; i < sizeof(data); i++) data[i] = (uint8_t)i;
    make_key(v->etype, v->key, &key);
    ck_assert_int_eq(krb_crypto_checksum_type(v->etype), v->type);
    ck_assert_uint_eq(krb_crypto_checksum_size(v->etype), n);
    ck_assert_int_eq(krb_crypto_make_checksum(&key, v->usage, data, sizeof(data), &type, out, sizeof(out), &len), 0);
    ck_assert_int_eq(type, v->type);
    ck_assert_uint_eq(len, n);
    ck_assert_mem_eq(out, want, n);
    ck_assert_int_eq(krb_crypto_verify_checksum(&key, v->usage, v->type, data, sizeof(data), want, n), 0);

    want[n - 1] ^= 1;
    ck_assert_int_eq(krb_crypto_verify_checksum(&key, v->usage, v->type, data, sizeof(data), want, n),
                     KRB_CRYPTO_BAD_INTEGRITY);
    want[n - 1] ^= 1;
    data[0] ^= 0x80;
    ck_assert_int_eq(krb_crypto_verify_checksum(&key, v->usage, v->type, data, sizeof(data), want, n),
                     KRB_CRYPTO_BAD_INTEGRITY);
    data[0] ^= 0x80;
    ck_assert_int_eq(krb_crypto_verify_checksum(&key, v->usage + 1, v->type, data, sizeof(data), want, n),
                     KRB_CRYPTO_BAD_INTEGRITY);
    ck_assert_int_eq(krb_crypto_verify_checksum(&key, v->usage, v->type, data, sizeof(data), want, n - 1),
                     KRB_CRYPTO_BAD_LENGTH);
    ck_assert_int_eq(krb_crypto_verify_checksum(&key, v->usage, v->type == 19 ? 20 : 19, data, sizeof(data),
                                                want, n), KRB_CRYPTO_BAD_ETYPE);
}
END_TEST

/* RFC 8009 A "PRF" (input "test"); RFC 3962 and RC4 from the Python model. */
START_TEST(test_prf_vectors)
{
    static const struct { int32_t etype; const char *key, *hex; } v[] = {
        { 19, BASE19, "9d188616f63852fe86915bb840b4a886ff3e6bb0f819b49b893393d393854295" },
        { 20, BASE20, "9801f69a368c2bf675e59521e177d9a07f67efe1cfde8d3c8d6f6a0256e3b17d"
                      "b3c1b62ad1b8553360d17367eb1514d2" },
        { 17, "42263c6e89f4fc28b8df68ee09799f15", "e8d18d74e4c2a274e9b04253b081cd31" },
        { 18, "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161",
          "5fd2e98ec6df50c958ebfb02c102b87b" },
        { 23, "8846f7eaee8fb117ad06bdd830b7586c", "e21ee5a40e917e9d5940762bfc71d0f1b6186c25" },
    };
    uint8_t want[64], out[64];
    struct krb_key key;

    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        size_t n = unhex(v[i].hex, want, sizeof(want)), len = 0;
        make_key(v[i].etype, v[i].key, &key);
        ck_assert_uint_eq(krb_crypto_prf_size(v[i].etype), n);
        ck_assert_int_eq(krb_crypto_prf(&key, (const uint8_t *)"test", 4, out, sizeof(out), &len), 0);
        ck_assert_uint_eq(len, n);
        ck_assert_mem_eq(out, want, n);
        ck_assert_int_eq(krb_crypto_prf(&key, (const uint8_t *)"test", 4, out, n - 1, &len),
                         KRB_CRYPTO_BUFFER_TOO_SMALL);
    }
}
END_TEST

/* ---- RFC 4757: the NT hash ------------------------------------------------- */

START_TEST(test_rc4_string_to_key)
{
    struct krb_key key;
    uint8_t want[16];
    /* U+1D11E (the g-clef of RFC 3962 B) is a surrogate pair in UTF-16. */
    static const uint8_t utf16[] = { 'a', 0, 0x34, 0xd8, 0x1e, 0xdd, 0xe9, 0 };

    ck_assert_int_eq(krb_crypto_string_to_key(23, "password", 8, (const uint8_t *)"IGNORED", 7, NULL, 0, &key), 0);
    ck_assert_hex_eq(key.bytes, "8846f7eaee8fb117ad06bdd830b7586c");
    ck_assert_int_eq(krb_crypto_string_to_key(23, "", 0, NULL, 0, NULL, 0, &key), 0);
    ck_assert_hex_eq(key.bytes, "31d6cfe0d16ae931b73c59d7e0c089c0");   /* MD4 of nothing */
    ck_assert_int_eq(krb_crypto_string_to_key(23, "a\xf0\x9d\x84\x9e\xc3\xa9", 7, NULL, 0, NULL, 0, &key), 0);
    crypto_md4(utf16, sizeof(utf16), want);
    ck_assert_mem_eq(key.bytes, want, 16);

    /* Malformed UTF-8: a lone continuation byte, a truncated sequence, an
     * overlong '/', an encoded surrogate. */
    ck_assert_int_eq(krb_crypto_string_to_key(23, "a\x80", 2, NULL, 0, NULL, 0, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert_int_eq(krb_crypto_string_to_key(23, "\xe2\x82", 2, NULL, 0, NULL, 0, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert_int_eq(krb_crypto_string_to_key(23, "\xc0\xaf", 2, NULL, 0, NULL, 0, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert_int_eq(krb_crypto_string_to_key(23, "\xed\xa0\x80", 3, NULL, 0, NULL, 0, &key), KRB_CRYPTO_BAD_PARAMS);
    ck_assert(all_zero(&key, sizeof(key)));
}
END_TEST

static Suite *krb_crypto_suite(void)
{
    Suite *s = suite_create("krb_crypto");
    TCase *tc;

    tc = tcase_create("Vectors");
    tcase_set_timeout(tc, 120);   /* 32768-iteration PBKDF2 under ASan */
    tcase_add_test(tc, test_nfold_rfc3961);
    tcase_add_loop_test(tc, test_s2k_rfc3962, 0, sizeof(s2k_3962) / sizeof(*s2k_3962));
    tcase_add_test(tc, test_s2k_default_iterations);
    tcase_add_test(tc, test_s2k_bad_params);
    tcase_add_test(tc, test_s2k_rfc8009);
    tcase_add_test(tc, test_derive_rfc8009);
    tcase_add_loop_test(tc, test_encrypt_vectors, 0, sizeof(enc_vectors) / sizeof(*enc_vectors));
    tcase_add_loop_test(tc, test_checksum_vectors, 0, sizeof(cksum_vectors) / sizeof(*cksum_vectors));
    tcase_add_test(tc, test_prf_vectors);
    tcase_add_test(tc, test_rc4_string_to_key);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_crypto_suite());
}
