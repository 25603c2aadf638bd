/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MD4, MD5, HMAC-MD5 and RC4 against their RFC vectors, against themselves
 * (incremental = one-shot) and against OpenSSL on random input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sspishim/crypto.h"
#define TESTUTIL_RNG_SEED 0x5350495348494d31ull
#include "testutil.h"
#include "openssl_ref.h"

/* ---- Vectors ------------------------------------------------------------ */

struct hash_vector { const char *msg, *hex; };

/* RFC 1320 appendix A.5 */
static const struct hash_vector md4_vectors[] = {
    { "", "31d6cfe0d16ae931b73c59d7e0c089c0" },
    { "a", "bde52cb31de33e46245e05fbdbd6fb24" },
    { "abc", "a448017aaf21d8525fc10ae87aa6729d" },
    { "message digest", "d9130a8164549fe818874806e1c7014b" },
    { "abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9" },
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "043f8582f241db351ce627e153e7f0e4" },
    { "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "e33b4ddc9c38f2199c3e7b164fcc0536" },
};

/* RFC 1321 appendix A.5 */
static const struct hash_vector md5_vectors[] = {
    { "", "d41d8cd98f00b204e9800998ecf8427e" },
    { "a", "0cc175b9c0f1b6a831c399e269772661" },
    { "abc", "900150983cd24fb0d6963f7d28e17f72" },
    { "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
    { "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
    { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "d174ab98d277d9f5a5611c2c9f419d9f" },
    { "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
      "57edf4a22be3c955ac49da2e2107b67a" },
};

START_TEST(test_md4_rfc1320)
{
    const struct hash_vector *v = &md4_vectors[_i];
    uint8_t out[16];

    crypto_md4(v->msg, strlen(v->msg), out);
    ck_assert_hex_eq(out, v->hex);
}
END_TEST

START_TEST(test_md5_rfc1321)
{
    const struct hash_vector *v = &md5_vectors[_i];
    uint8_t out[16];

    crypto_md5(v->msg, strlen(v->msg), out);
    ck_assert_hex_eq(out, v->hex);
}
END_TEST

/* Keys and data are hex, or text when they start with '"'. */
struct hmac_vector { const char *key, *data, *hex; };

static size_t vec_bytes(const char *s, uint8_t *out, size_t max)
{
    if (*s != '"') return unhex(s, out, max);
    size_t n = strlen(s + 1);
    ck_assert_uint_le(n, max);
    memcpy(out, s + 1, n);
    return n;
}

/* RFC 2104 section 2's three cases are RFC 2202's cases 1-3; 4-7 add a
 * 25-byte key, truncation and keys longer than a block. */
static const struct hmac_vector hmac_vectors[] = {
    { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "\"Hi There", "9294727a3638bb1c13f48ef8158bfc9d" },
    { "\"Jefe", "\"what do ya want for nothing?", "750c783e6ab0b503eaa86e310a5db738" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
      "dddddddddddddddddddd", "56be34521d144c88dbb8c733f0e8b3f6" },
    { "0102030405060708090a0b0c0d0e0f10111213141516171819",
      "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
      "cdcdcdcdcdcdcdcdcdcd", "697eaf0aca3a3aea3a75164746ffaa79" },
    { "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "\"Test With Truncation",
      "56461ef2342edc00f9bab995690efd4c" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "\"Test Using Larger Than Block-Size Key - Hash Key First",
      "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd" },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "\"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
      "6f630fad67cda0ee1fb1f562db3aa53e" },
};

START_TEST(test_hmac_md5_rfc2202)
{
    const struct hmac_vector *v = &hmac_vectors[_i];
    uint8_t key[128], data[128], out[16];
    size_t klen = vec_bytes(v->key, key, sizeof(key));
    size_t dlen = vec_bytes(v->data, data, sizeof(data));

    crypto_hmac_md5(key, klen, data, dlen, out);
    ck_assert_hex_eq(out, v->hex);
}
END_TEST

/* RFC 6229 section 2: keystream (RC4 of zeros) at chosen offsets. */
struct rc4_offset { unsigned offset; const char *hex; };

static void check_keystream(const char *key_hex, const struct rc4_offset *v, size_t n)
{
    uint8_t key[32], stream[4112];
    size_t klen = unhex(key_hex, key, sizeof(key));
    struct crypto_rc4 rc4;

    memset(stream, 0, sizeof(stream));
    crypto_rc4_init(&rc4, key, klen);
    crypto_rc4_crypt(&rc4, stream, stream, sizeof(stream));
    for (size_t i = 0; i < n; i++) {
        uint8_t want[16];
        unhex(v[i].hex, want, sizeof(want));
        ck_assert_msg(!memcmp(stream + v[i].offset, want, 16),
                      "key %s, offset %u differs", key_hex, v[i].offset);
    }
}

START_TEST(test_rc4_rfc6229_40bit)
{
    static const struct rc4_offset v1[] = {
        {    0, "b2 39 63 05 f0 3d c0 27 cc c3 52 4a 0a 11 18 a8" },
        {   16, "69 82 94 4f 18 fc 82 d5 89 c4 03 a4 7a 0d 09 19" },
        {  240, "28 cb 11 32 c9 6c e2 86 42 1d ca ad b8 b6 9e ae" },
        {  256, "1c fc f6 2b 03 ed db 64 1d 77 df cf 7f 8d 8c 93" },
        {  496, "42 b7 d0 cd d9 18 a8 a3 3d d5 17 81 c8 1f 40 41" },
        {  512, "64 59 84 44 32 a7 da 92 3c fb 3e b4 98 06 61 f6" },
        { 1520, "32 94 f7 44 d8 f9 79 05 07 e7 0f 62 e5 bb ce ea" },
        { 1536, "d8 72 9d b4 18 82 25 9b ee 4f 82 53 25 f5 a1 30" },
        { 4080, "06 83 26 a2 11 84 16 d2 1f 9d 04 b2 cd 1c a0 50" },
        { 4096, "ff 25 b5 89 95 99 67 07 e5 1f bd f0 8b 34 d8 75" },
    };
    static const struct rc4_offset v2[] = {
        {    0, "80 ad 97 bd c9 73 df 8a 2e 87 9e 92 a4 97 ef da" },
        {   16, "20 f0 60 c2 f2 e5 12 65 01 d3 d4 fe a1 0d 5f c0" },
        {  240, "fa a1 48 e9 90 46 18 1f ec 6b 20 85 f3 b2 0e d9" },
        {  256, "f0 da f5 ba b3 d5 96 83 98 57 84 6f 73 fb fe 5a" },
        { 4080, "63 49 d1 26 a3 7a fc ba 89 79 4f 98 04 91 4f dc" },
        { 4096, "bf 42 c3 01 8c 2f 7c 66 bf de 52 49 75 76 81 15" },
    };
    check_keystream("0102030405", v1, sizeof(v1) / sizeof(*v1));
    check_keystream("833222772a", v2, sizeof(v2) / sizeof(*v2));
}
END_TEST

START_TEST(test_rc4_rfc6229_128bit)
{
    static const struct rc4_offset v[] = {
        {    0, "9a c7 cc 9a 60 9d 1e f7 b2 93 28 99 cd e4 1b 97" },
        {   16, "52 48 c4 95 90 14 12 6a 6e 8a 84 f1 1d 1a 9e 1c" },
        {  240, "06 59 02 e4 b6 20 f6 cc 36 c8 58 9f 66 43 2f 2b" },
        {  256, "d3 9d 56 6b c6 bc e3 01 07 68 15 15 49 f3 87 3f" },
        {  496, "b6 d1 e6 c4 a5 e4 77 1c ad 79 53 8d f2 95 fb 11" },
        {  512, "c6 8c 1d 5c 55 9a 97 41 23 df 1d bc 52 a4 3b 89" },
        { 1520, "b4 01 10 c4 19 0b 56 22 a9 61 16 b0 01 7e d2 97" },
        { 1536, "ff a0 b5 14 64 7e c0 4f 63 06 b8 92 ae 66 11 81" },
        { 4080, "ff 38 26 5c 16 42 c1 ab e8 d3 c2 fe 5e 57 2b f8" },
        { 4096, "a3 6a 4c 30 1a e8 ac 13 61 0c cb c1 22 56 ca cc" },
    };
    check_keystream("0102030405060708090a0b0c0d0e0f10", v, sizeof(v) / sizeof(*v));
}
END_TEST

START_TEST(test_rc4_classic)
{
    static const struct { const char *key, *text, *hex; } v[] = {
        { "Key", "Plaintext", "bbf316e8d940af0ad3" },
        { "Wiki", "pedia", "1021bf0420" },
        { "Secret", "Attack at dawn", "45a01f645fc35b383552544b9bf5" },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        struct crypto_rc4 rc4;
        uint8_t out[32];
        crypto_rc4_init(&rc4, (const uint8_t *)v[i].key, strlen(v[i].key));
        crypto_rc4_crypt(&rc4, (const uint8_t *)v[i].text, out, strlen(v[i].text));
        ck_assert_hex_eq(out, v[i].hex);
    }
}
END_TEST

/* The documented edges of the key schedule. */
START_TEST(test_rc4_key_edges)
{
    uint8_t key[300], zero[4] = { 0 }, a[64], b[64];
    struct crypto_rc4 x, y;

    rng_fill(key, sizeof(key));
    crypto_rc4_init(&x, key, sizeof(key));
    crypto_rc4_init(&y, key, 256);
    memset(a, 0, sizeof(a));
    crypto_rc4_crypt(&x, a, a, sizeof(a));
    memset(b, 0, sizeof(b));
    crypto_rc4_crypt(&y, b, b, sizeof(b));
    ck_assert_mem_eq(a, b, sizeof(a));

    crypto_rc4_init(&x, NULL, 0);
    crypto_rc4_init(&y, zero, 1);
    ck_assert_mem_eq(&x, &y, sizeof(x));
}
END_TEST

/* ---- Incremental ---------------------------------------------------------- */

#define SPLIT_LEN 200

static uint8_t split_msg[SPLIT_LEN];

static void split_setup(void)
{
    for (size_t i = 0; i < SPLIT_LEN; i++) split_msg[i] = (uint8_t)(i * 31 + 7);
}

/* Feeds [0,a) [a,b) [b,len) as three updates; a == b is a two-way split. */
START_TEST(test_md4_split)
{
    uint8_t whole[16], part[16];

    crypto_md4(split_msg, SPLIT_LEN, whole);
    for (size_t a = 0; a <= SPLIT_LEN; a++) {
        for (size_t b = a; b <= SPLIT_LEN; b++) {
            struct crypto_md4 ctx;
            crypto_md4_init(&ctx);
            crypto_md4_update(&ctx, split_msg, a);
            crypto_md4_update(&ctx, split_msg + a, b - a);
            crypto_md4_update(&ctx, split_msg + b, SPLIT_LEN - b);
            crypto_md4_final(&ctx, part);
            ck_assert_msg(!memcmp(whole, part, 16), "split at %zu, %zu", a, b);
        }
    }
}
END_TEST

START_TEST(test_md5_split)
{
    uint8_t whole[16], part[16];

    crypto_md5(split_msg, SPLIT_LEN, whole);
    for (size_t a = 0; a <= SPLIT_LEN; a++) {
        for (size_t b = a; b <= SPLIT_LEN; b++) {
            struct crypto_md5 ctx;
            crypto_md5_init(&ctx);
            crypto_md5_update(&ctx, split_msg, a);
            crypto_md5_update(&ctx, split_msg + a, b - a);
            crypto_md5_update(&ctx, split_msg + b, SPLIT_LEN - b);
            crypto_md5_final(&ctx, part);
            ck_assert_msg(!memcmp(whole, part, 16), "split at %zu, %zu", a, b);
        }
    }
}
END_TEST

START_TEST(test_hmac_md5_split)
{
    static const uint8_t key[] = "split key";
    uint8_t whole[16], part[16];

    crypto_hmac_md5(key, sizeof(key), split_msg, SPLIT_LEN, whole);
    for (size_t a = 0; a <= SPLIT_LEN; a++) {
        for (size_t b = a; b <= SPLIT_LEN; b++) {
            struct crypto_hmac_md5 ctx;
            crypto_hmac_md5_init(&ctx, key, sizeof(key));
            crypto_hmac_md5_update(&ctx, split_msg, a);
            crypto_hmac_md5_update(&ctx, split_msg + a, b - a);
            crypto_hmac_md5_update(&ctx, split_msg + b, SPLIT_LEN - b);
            crypto_hmac_md5_final(&ctx, part);
            ck_assert_msg(!memcmp(whole, part, 16), "split at %zu, %zu", a, b);
        }
    }
}
END_TEST

START_TEST(test_rc4_split)
{
    static const uint8_t key[] = "stream key";
    uint8_t whole[SPLIT_LEN], part[SPLIT_LEN];
    struct crypto_rc4 rc4;

    crypto_rc4_init(&rc4, key, sizeof(key));
    crypto_rc4_crypt(&rc4, split_msg, whole, SPLIT_LEN);
    for (size_t a = 0; a <= SPLIT_LEN; a++) {
        for (size_t b = a; b <= SPLIT_LEN; b++) {
            crypto_rc4_init(&rc4, key, sizeof(key));
            crypto_rc4_crypt(&rc4, split_msg, part, a);
            crypto_rc4_crypt(&rc4, split_msg + a, part + a, b - a);
            crypto_rc4_crypt(&rc4, split_msg + b, part + b, SPLIT_LEN - b);
            ck_assert_msg(!memcmp(whole, part, SPLIT_LEN), "split at %zu, %zu", a, b);
        }
    }
}
END_TEST

START_TEST(test_rc4_in_place)
{
    static const uint8_t key[] = "stream key";
    uint8_t apart[SPLIT_LEN], inplace[SPLIT_LEN];
    struct crypto_rc4 rc4;

    crypto_rc4_init(&rc4, key, sizeof(key));
    crypto_rc4_crypt(&rc4, split_msg, apart, SPLIT_LEN);
    memcpy(inplace, split_msg, SPLIT_LEN);
    crypto_rc4_init(&rc4, key, sizeof(key));
    crypto_rc4_crypt(&rc4, inplace, inplace, SPLIT_LEN);
    ck_assert_mem_eq(apart, inplace, SPLIT_LEN);

    /* And decrypting is encrypting again from the same start. */
    crypto_rc4_init(&rc4, key, sizeof(key));
    crypto_rc4_crypt(&rc4, inplace, inplace, SPLIT_LEN);
    ck_assert_mem_eq(inplace, split_msg, SPLIT_LEN);
}
END_TEST

/* ---- CRC-32 ----------------------------------------------------------------- */

/* The catalogue's check value ("123456789"), the sum of the UTF-16LE
 * "Plaintext" that MS-NLMP 4.2.2.4 prints as 7d 84 aa 93, and a few more
 * checked with Python's zlib.crc32. */
START_TEST(test_crc32_vectors)
{
    static const struct { const char *msg; size_t len; uint32_t crc; } v[] = {
        { "", 0, 0 },
        { "a", 1, 0xe8b7be43 },
        { "123456789", 9, 0xcbf43926 },
        { "The quick brown fox jumps over the lazy dog", 43, 0x414fa339 },
        { "P\0l\0a\0i\0n\0t\0e\0x\0t\0", 18, 0x93aa847d },
        { "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20, 0x0fd59b8d },
    };

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        ck_assert_msg(crypto_crc32(0, v[i].msg, v[i].len) == v[i].crc, "vector %zu: %08x", i,
                      (unsigned)crypto_crc32(0, v[i].msg, v[i].len));
}
END_TEST

/* Bit at a time, straight from the definition: what the table must equal. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t len)
{
    uint32_t c = 0xffffffffu;

    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

START_TEST(test_crc32_split_and_random)
{
    uint8_t buf[300];

    rng_fill(buf, sizeof(buf));
    for (size_t a = 0; a <= sizeof(buf); a += 7)
        ck_assert_uint_eq(crypto_crc32(crypto_crc32(0, buf, a), buf + a, sizeof(buf) - a),
                          crypto_crc32(0, buf, sizeof(buf)));
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)(rng() % sizeof(buf));
        rng_fill(buf, len);
        ck_assert_uint_eq(crypto_crc32(0, buf, len), crc32_bitwise(buf, len));
    }
}
END_TEST

/* ---- Wipe ------------------------------------------------------------------ */

START_TEST(test_final_wipes)
{
    struct crypto_md4 md4;
    struct crypto_md5 md5;
    struct crypto_hmac_md5 hmac;
    uint8_t out[16];

    crypto_md4_init(&md4);
    crypto_md4_update(&md4, "secret", 6);
    crypto_md4_final(&md4, out);
    ck_assert(all_zero(&md4, sizeof(md4)));

    crypto_md5_init(&md5);
    crypto_md5_update(&md5, "secret", 6);
    crypto_md5_final(&md5, out);
    ck_assert(all_zero(&md5, sizeof(md5)));

    crypto_hmac_md5_init(&hmac, "key", 3);
    crypto_hmac_md5_update(&hmac, "secret", 6);
    crypto_hmac_md5_final(&hmac, out);
    ck_assert(all_zero(&hmac, sizeof(hmac)));
}
END_TEST

START_TEST(test_wipe)
{
    uint8_t buf[37];

    memset(buf, 0xa5, sizeof(buf));
    crypto_wipe(buf + 1, sizeof(buf) - 2);
    ck_assert_uint_eq(buf[0], 0xa5);
    ck_assert(all_zero(buf + 1, sizeof(buf) - 2));
    ck_assert_uint_eq(buf[sizeof(buf) - 1], 0xa5);
    crypto_wipe(NULL, 0);
}
END_TEST

/* ---- OpenSSL ---------------------------------------------------------------- */

#define RANDOM_RUNS 300
#define RANDOM_MAX  5000

/* Random lengths, plus every length around the padding edges (55/56/64). */
static size_t pick_len(int run)
{
    return run < 140 ? (size_t)run : (size_t)(rng() % (RANDOM_MAX + 1));
}

START_TEST(test_openssl_md4)
{
    static uint8_t data[RANDOM_MAX];
    uint8_t ours[16], theirs[16];

    if (!have_legacy) {
        fprintf(stderr, "skipped: MD4 cross-check needs OpenSSL's legacy provider\n");
        return;
    }
    for (int run = 0; run < RANDOM_RUNS; run++) {
        size_t len = pick_len(run);
        rng_fill(data, len);
        crypto_md4(data, len, ours);
        openssl_digest("MD4", data, len, theirs);
        ck_assert_msg(!memcmp(ours, theirs, 16), "run %d, length %zu", run, len);
    }
}
END_TEST

START_TEST(test_openssl_md5)
{
    static uint8_t data[RANDOM_MAX];
    uint8_t ours[16], theirs[16];

    for (int run = 0; run < RANDOM_RUNS; run++) {
        size_t len = pick_len(run);
        rng_fill(data, len);
        crypto_md5(data, len, ours);
        openssl_digest("MD5", data, len, theirs);
        ck_assert_msg(!memcmp(ours, theirs, 16), "run %d, length %zu", run, len);
    }
}
END_TEST

START_TEST(test_openssl_hmac_md5)
{
    static uint8_t data[RANDOM_MAX];
    uint8_t key[200], ours[16], theirs[16];

    for (int run = 0; run < RANDOM_RUNS; run++) {
        size_t len = pick_len(run);
        /* 0..200: empty, shorter than, equal to and longer than a block. */
        size_t klen = run <= (int)sizeof(key) ? (size_t)run * 7 % (sizeof(key) + 1)
                                              : (size_t)(rng() % (sizeof(key) + 1));
        size_t olen = 0;
        rng_fill(key, klen);
        rng_fill(data, len);
        crypto_hmac_md5(key, klen, data, len, ours);
        ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, key, klen,
                                        data, len, theirs, sizeof(theirs), &olen));
        ck_assert_uint_eq(olen, 16);
        ck_assert_msg(!memcmp(ours, theirs, 16), "run %d, key %zu, length %zu", run, klen, len);
    }
}
END_TEST

START_TEST(test_openssl_rc4)
{
    static uint8_t data[RANDOM_MAX], ours[RANDOM_MAX], theirs[RANDOM_MAX];
    EVP_CIPHER *rc4;
    uint8_t key[256];

    if (!have_legacy) {
        fprintf(stderr, "skipped: RC4 cross-check needs OpenSSL's legacy provider\n");
        return;
    }
    rc4 = EVP_CIPHER_fetch(NULL, "RC4", NULL);
    ck_assert_ptr_nonnull(rc4);
    for (int run = 0; run < RANDOM_RUNS; run++) {
        size_t len = pick_len(run), klen = 1 + (size_t)(rng() % sizeof(key)), done = 0;
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        struct crypto_rc4 st;
        int olen = 0;

        rng_fill(key, klen);
        rng_fill(data, len);
        ck_assert_int_eq(EVP_EncryptInit_ex(ctx, rc4, NULL, NULL, NULL), 1);
        ck_assert_int_eq(EVP_CIPHER_CTX_set_key_length(ctx, (int)klen), 1);
        ck_assert_int_eq(EVP_EncryptInit_ex(ctx, NULL, NULL, key, NULL), 1);
        ck_assert_int_eq(EVP_EncryptUpdate(ctx, theirs, &olen, data, (int)len), 1);
        ck_assert_int_eq(olen, (int)len);
        EVP_CIPHER_CTX_free(ctx);

        /* Ours in random chunks, so the state carries across calls. */
        crypto_rc4_init(&st, key, klen);
        while (done < len) {
            size_t chunk = 1 + (size_t)(rng() % 700);
            if (chunk > len - done) chunk = len - done;
            crypto_rc4_crypt(&st, data + done, ours + done, chunk);
            done += chunk;
        }
        ck_assert_msg(!memcmp(ours, theirs, len), "run %d, key %zu, length %zu", run, klen, len);
    }
    EVP_CIPHER_free(rc4);
}
END_TEST

static Suite *crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc;

    tc = tcase_create("Vectors");
    tcase_add_loop_test(tc, test_md4_rfc1320, 0, sizeof(md4_vectors) / sizeof(*md4_vectors));
    tcase_add_loop_test(tc, test_md5_rfc1321, 0, sizeof(md5_vectors) / sizeof(*md5_vectors));
    tcase_add_loop_test(tc, test_hmac_md5_rfc2202, 0, sizeof(hmac_vectors) / sizeof(*hmac_vectors));
    tcase_add_test(tc, test_rc4_rfc6229_40bit);
    tcase_add_test(tc, test_rc4_rfc6229_128bit);
    tcase_add_test(tc, test_rc4_classic);
    tcase_add_test(tc, test_rc4_key_edges);
    tcase_add_test(tc, test_crc32_vectors);
    tcase_add_test(tc, test_crc32_split_and_random);
    suite_add_tcase(s, tc);

    tc = tcase_create("Incremental");
    tcase_add_unchecked_fixture(tc, split_setup, NULL);
    tcase_set_timeout(tc, 60);   /* tens of thousands of hashes under ASan */
    tcase_add_test(tc, test_md4_split);
    tcase_add_test(tc, test_md5_split);
    tcase_add_test(tc, test_hmac_md5_split);
    tcase_add_test(tc, test_rc4_split);
    tcase_add_test(tc, test_rc4_in_place);
    suite_add_tcase(s, tc);

    tc = tcase_create("Wipe");
    tcase_add_test(tc, test_final_wipes);
    tcase_add_test(tc, test_wipe);
    suite_add_tcase(s, tc);

    tc = tcase_create("OpenSSL");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_openssl_md4);
    tcase_add_test(tc, test_openssl_md5);
    tcase_add_test(tc, test_openssl_hmac_md5);
    tcase_add_test(tc, test_openssl_rc4);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite_openssl(crypto_suite(), "MD4 and RC4 cross-checks");
}
