/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ChaCha20, Poly1305 and the AEAD against every RFC 8439 vector, against
 * themselves (incremental = one-shot, wide = one block at a time, 64-bit
 * limbs = 26-bit limbs) and against OpenSSL on random input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "sspishim/aead.h"
#define TESTUTIL_RNG_SEED 0x6165616463686163ull
#include "testutil.h"
#include "openssl_aead.h"


/* Vector data is hex, or text when it starts with '"'. */
static size_t vec_bytes(const char *s, uint8_t *out, size_t max)
{
    if (*s != '"') return unhex(s, out, max);
    size_t n = strlen(s + 1);
    ck_assert_uint_le(n, max);
    memcpy(out, s + 1, n);
    return n;
}



/* The RFC's texts, quoted so vec_bytes takes them as text. */
#define SUNSCREEN "\"Ladies and Gentlemen of the class of '99: If I could offer you only one " \
    "tip for the future, sunscreen would be it."
#define IETF_TEXT "\"Any submission to the IETF intended by the Contributor for publication " \
    "as all or part of an IETF Internet-Draft or RFC and any statement made within the " \
    "context of an IETF activity is considered an \"IETF Contribution\". Such statements " \
    "include oral statements in IETF sessions, as well as written and electronic " \
    "communications made at any time or place, which are addressed to"
#define JABBERWOCKY "\"'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n" \
    "All mimsy were the borogoves,\nAnd the mome raths outgrabe."
#define KEY_00_1F "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_80_9F "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define KEY_ZERO  "0000000000000000000000000000000000000000000000000000000000000000"
#define KEY_ONE   "0000000000000000000000000000000000000000000000000000000000000001"
#define KEY_1C92  "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"

/* ---- Vectors: ChaCha20 -------------------------------------------------- */

struct block_vector { const char *key, *nonce; uint32_t counter; const char *out; };

/* RFC 8439 2.3.2, then A.1 #1-#5. */
static const struct block_vector block_vectors[] = {
    { KEY_00_1F, "000000090000004a00000000", 1,
      "10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4 c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e"
      "d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2 b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e" },
    { KEY_ZERO, "000000000000000000000000", 0,
      "76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28 bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7"
      "da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37 6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86" },
    { KEY_ZERO, "000000000000000000000000", 1,
      "9f 07 e7 be 55 51 38 7a 98 ba 97 7c 73 2d 08 0d cb 0f 29 a0 48 e3 65 69 12 c6 53 3e 32 ee 7a ed"
      "29 b7 21 76 9c e6 4e 43 d5 71 33 b0 74 d8 39 d5 31 ed 1f 28 51 0a fb 45 ac e1 0a 1f 4b 79 4d 6f" },
    { KEY_ONE, "000000000000000000000000", 1,
      "3a eb 52 24 ec f8 49 92 9b 9d 82 8d b1 ce d4 dd 83 20 25 e8 01 8b 81 60 b8 22 84 f3 c9 49 aa 5a"
      "8e ca 00 bb b4 a7 3b da d1 92 b5 c4 2f 73 f2 fd 4e 27 36 44 c8 b3 61 25 a6 4a dd eb 00 6c 13 a0" },
    { "00ff000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", 2,
      "72 d5 4d fb f1 2e c4 4b 36 26 92 df 94 13 7f 32 8f ea 8d a7 39 90 26 5e c1 bb be a1 ae 9a f0 ca"
      "13 b2 5a a2 6c b4 a6 48 cb 9b 9d 1b e6 5b 2c 09 24 a6 6c 54 d5 45 ec 1b 73 74 f4 87 2e 99 f0 96" },
    { KEY_ZERO, "000000000000000000000002", 0,
      "c2 c6 4d 37 8c d5 36 37 4a e2 04 b9 ef 93 3f cd 1a 8b 22 88 b3 df a4 96 72 ab 76 5b 54 ee 27 c7"
      "8a 97 0e 0e 95 5c 14 f3 a8 8e 74 1b 97 c2 86 f7 5f 8f c2 99 e8 14 83 62 fa 19 8a 39 53 1b ed 6d" },
};

START_TEST(test_chacha20_block)
{
    const struct block_vector *v = &block_vectors[_i];
    uint8_t key[32], nonce[12], out[64], xored[64];

    unhex(v->key, key, sizeof(key));
    unhex(v->nonce, nonce, sizeof(nonce));
    crypto_chacha20_block(key, nonce, v->counter, out);
    ck_assert_hex_eq(out, v->out);

    /* The keystream is what xor puts over zeros. */
    memset(xored, 0, sizeof(xored));
    crypto_chacha20_xor(key, nonce, v->counter, xored, xored, sizeof(xored));
    ck_assert_mem_eq(xored, out, sizeof(out));
}
END_TEST

struct cipher_vector { const char *key, *nonce; uint32_t counter; const char *pt, *ct; };

/* RFC 8439 2.4.2, then A.2 #1-#3. */
static const struct cipher_vector cipher_vectors[] = {
    { KEY_00_1F, "000000000000004a00000000", 1, SUNSCREEN,
      "6e 2e 35 9a 25 68 f9 80 41 ba 07 28 dd 0d 69 81 e9 7e 7a ec 1d 43 60 c2 0a 27 af cc fd 9f ae 0b"
      "f9 1b 65 c5 52 47 33 ab 8f 59 3d ab cd 62 b3 57 16 39 d6 24 e6 51 52 ab 8f 53 0c 35 9f 08 61 d8"
      "07 ca 0d bf 50 0d 6a 61 56 a3 8e 08 8a 22 b6 5e 52 bc 51 4d 16 cc f8 06 81 8c e9 1a b7 79 37 36"
      "5a f9 0b bf 74 a3 5b e6 b4 0b 8e ed f2 78 5e 42 87 4d" },
    { KEY_ZERO, "000000000000000000000000", 0,
      "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
      "76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28 bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7"
      "da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37 6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86" },
    { KEY_ONE, "000000000000000000000002", 1, IETF_TEXT,
      "a3 fb f0 7d f3 fa 2f de 4f 37 6c a2 3e 82 73 70 41 60 5d 9f 4f 4f 57 bd 8c ff 2c 1d 4b 79 55 ec"
      "2a 97 94 8b d3 72 29 15 c8 f3 d3 37 f7 d3 70 05 0e 9e 96 d6 47 b7 c3 9f 56 e0 31 ca 5e b6 25 0d"
      "40 42 e0 27 85 ec ec fa 4b 4b b5 e8 ea d0 44 0e 20 b6 e8 db 09 d8 81 a7 c6 13 2f 42 0e 52 79 50"
      "42 bd fa 77 73 d8 a9 05 14 47 b3 29 1c e1 41 1c 68 04 65 55 2a a6 c4 05 b7 76 4d 5e 87 be a8 5a"
      "d0 0f 84 49 ed 8f 72 d0 d6 62 ab 05 26 91 ca 66 42 4b c8 6d 2d f8 0e a4 1f 43 ab f9 37 d3 25 9d"
      "c4 b2 d0 df b4 8a 6c 91 39 dd d7 f7 69 66 e9 28 e6 35 55 3b a7 6c 5c 87 9d 7b 35 d4 9e b2 e6 2b"
      "08 71 cd ac 63 89 39 e2 5e 8a 1e 0e f9 d5 28 0f a8 ca 32 8b 35 1c 3c 76 59 89 cb cf 3d aa 8b 6c"
      "cc 3a af 9f 39 79 c9 2b 37 20 fc 88 dc 95 ed 84 a1 be 05 9c 64 99 b9 fd a2 36 e7 e8 18 b0 4b 0b"
      "c3 9c 1e 87 6b 19 3b fe 55 69 75 3f 88 12 8c c0 8a aa 9b 63 d1 a1 6f 80 ef 25 54 d7 18 9c 41 1f"
      "58 69 ca 52 c5 b8 3f a3 6f f2 16 b9 c1 d3 00 62 be bc fd 2d c5 bc e0 91 19 34 fd a7 9a 86 f6 e6"
      "98 ce d7 59 c3 ff 9b 64 77 33 8f 3d a4 f9 cd 85 14 ea 99 82 cc af b3 41 b2 38 4d d9 02 f3 d1 ab"
      "7a c6 1d d2 9c 6f 21 ba 5b 86 2f 37 30 e3 7c fd c4 fd 80 6c 22 f2 21" },
    { KEY_1C92, "000000000000000000000002", 42, JABBERWOCKY,
      "62 e6 34 7f 95 ed 87 a4 5f fa e7 42 6f 27 a1 df 5f b6 91 10 04 4c 0d 73 11 8e ff a9 5b 01 e5 cf"
      "16 6d 3d f2 d7 21 ca f9 b2 1e 5f b1 4c 61 68 71 fd 84 c5 4f 9d 65 b2 83 19 6c 7f e4 f6 05 53 eb"
      "f3 9c 64 02 c4 22 34 e3 2a 35 6b 3e 76 43 12 a6 1a 55 32 05 57 16 ea d6 96 25 68 f8 7d 3f 3f 77"
      "04 c6 a8 d1 bc d1 bf 4d 50 d6 15 4b 6d a7 31 b1 87 b5 8d fd 72 8a fa 36 75 7a 79 7a c1 88 d1" },
};

START_TEST(test_chacha20_encrypt)
{
    const struct cipher_vector *v = &cipher_vectors[_i];
    uint8_t key[32], nonce[12], pt[512], ct[512], want[512];
    size_t len, clen;

    unhex(v->key, key, sizeof(key));
    unhex(v->nonce, nonce, sizeof(nonce));
    len = vec_bytes(v->pt, pt, sizeof(pt));
    clen = unhex(v->ct, want, sizeof(want));
    ck_assert_uint_eq(len, clen);

    crypto_chacha20_xor(key, nonce, v->counter, pt, ct, len);
    ck_assert_mem_eq(ct, want, len);
    /* Decryption is the same operation, here in place. */
    crypto_chacha20_xor(key, nonce, v->counter, ct, ct, len);
    ck_assert_mem_eq(ct, pt, len);
}
END_TEST

/* ---- Vectors: Poly1305 -------------------------------------------------- */

struct mac_vector { const char *key, *msg, *tag; };

/* RFC 8439 2.5.2, then A.3 #1-#11 (#5-#11 written as r | s). */
static const struct mac_vector mac_vectors[] = {
    { "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b",
      "\"Cryptographic Forum Research Group", "a8061dc1305136c6c22b8baf0c0127a9" },
    { KEY_ZERO, "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
      "00000000000000000000000000000000" },
    { "0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e", IETF_TEXT,
      "36e5f6b5c5e06070f0efca96227a863e" },
    { "36e5f6b5c5e06070f0efca96227a863e00000000000000000000000000000000", IETF_TEXT,
      "f3477e7cd95417af89a6b8794c310cf0" },
    { KEY_1C92, JABBERWOCKY, "4541669a7eaaee61e708dc7cbcc5eb62" },
    { "02000000000000000000000000000000" "00000000000000000000000000000000",
      "ffffffffffffffffffffffffffffffff", "03000000000000000000000000000000" },
    { "02000000000000000000000000000000" "ffffffffffffffffffffffffffffffff",
      "02000000000000000000000000000000", "03000000000000000000000000000000" },
    { "01000000000000000000000000000000" "00000000000000000000000000000000",
      "ffffffffffffffffffffffffffffffff" "f0ffffffffffffffffffffffffffffff" "11000000000000000000000000000000",
      "05000000000000000000000000000000" },
    { "01000000000000000000000000000000" "00000000000000000000000000000000",
      "ffffffffffffffffffffffffffffffff" "fbfefefefefefefefefefefefefefefe" "01010101010101010101010101010101",
      "00000000000000000000000000000000" },
    { "02000000000000000000000000000000" "00000000000000000000000000000000",
      "fdffffffffffffffffffffffffffffff", "faffffffffffffffffffffffffffffff" },
    { "01000000000000000400000000000000" "00000000000000000000000000000000",
      "e33594d7505e43b90000000000000000" "3394d7505e4379cd0100000000000000"
      "00000000000000000000000000000000" "01000000000000000000000000000000",
      "14000000000000005500000000000000" },
    { "01000000000000000400000000000000" "00000000000000000000000000000000",
      "e33594d7505e43b90000000000000000" "3394d7505e4379cd0100000000000000"
      "00000000000000000000000000000000",
      "13000000000000000000000000000000" },
};

START_TEST(test_poly1305)
{
    const struct mac_vector *v = &mac_vectors[_i];
    uint8_t key[32], msg[512], tag[16];
    struct crypto_poly1305 ctx;
    size_t len;

    unhex(v->key, key, sizeof(key));
    len = vec_bytes(v->msg, msg, sizeof(msg));

    crypto_poly1305(key, msg, len, tag);
    ck_assert_hex_eq(tag, v->tag);

    memset(tag, 0, sizeof(tag));
    crypto_poly1305_portable_init(&ctx, key);
    crypto_poly1305_portable_update(&ctx, msg, len);
    crypto_poly1305_portable_final(&ctx, tag);
    ck_assert_hex_eq(tag, v->tag);
}
END_TEST

/* RFC 8439 2.6.2, then A.4 #1-#3: the one-time key is keystream block 0. */
static const struct block_vector keygen_vectors[] = {
    { KEY_80_9F, "000000000001020304050607", 0,
      "8a d5 a0 8b 90 5f 81 cc 81 50 40 27 4a b2 94 71 a8 33 b6 37 e3 fd 0d a5 08 db b8 e2 fd d1 a6 46" },
    { KEY_ZERO, "000000000000000000000000", 0,
      "76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28 bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7" },
    { KEY_ONE, "000000000000000000000002", 0,
      "ec fa 25 4f 84 5f 64 74 73 d3 cb 14 0d a9 e8 76 06 cb 33 06 6c 44 7b 87 bc 26 66 dd e3 fb b7 39" },
    { KEY_1C92, "000000000000000000000002", 0,
      "96 5e 3b c6 f9 ec 7e d9 56 08 08 f4 d2 29 f9 4b 13 7f f2 75 ca 9b 3f cb dd 59 de aa d2 33 10 ae" },
};

START_TEST(test_poly1305_keygen)
{
    const struct block_vector *v = &keygen_vectors[_i];
    uint8_t key[32], nonce[12], out[64];

    unhex(v->key, key, sizeof(key));
    unhex(v->nonce, nonce, sizeof(nonce));
    crypto_chacha20_block(key, nonce, v->counter, out);
    ck_assert_hex_eq(out, v->out);
}
END_TEST

/* ---- Vectors: AEAD ------------------------------------------------------ */

struct aead_vector { const char *key, *nonce, *aad, *pt, *ct, *tag; };

/* RFC 8439 2.8.2 (sealing) and A.5 (opening). */
static const struct aead_vector aead_vectors[] = {
    { KEY_80_9F, "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7", SUNSCREEN,
      "d3 1a 8d 34 64 8e 60 db 7b 86 af bc 53 ef 7e c2 a4 ad ed 51 29 6e 08 fe a9 e2 b5 a7 36 ee 62 d6"
      "3d be a4 5e 8c a9 67 12 82 fa fb 69 da 92 72 8b 1a 71 de 0a 9e 06 0b 29 05 d6 a5 b6 7e cd 3b 36"
      "92 dd bd 7f 2d 77 8b 8c 98 03 ae e3 28 09 1b 58 fa b3 24 e4 fa d6 75 94 55 85 80 8b 48 31 d7 bc"
      "3f f4 de f0 8e 4b 7a 9d e5 76 d2 65 86 ce c6 4b 61 16",
      "1ae10b594f09e26a7e902ecbd0600691" },
    { KEY_1C92, "000000000102030405060708", "f33388860000000000004e91",
      "\"Internet-Drafts are draft documents valid for a maximum of six months and may be "
      "updated, replaced, or obsoleted by other documents at any time. It is inappropriate "
      "to use Internet-Drafts as reference material or to cite them other than as "
      "/\xe2\x80\x9cwork in progress./\xe2\x80\x9d",
      "64 a0 86 15 75 86 1a f4 60 f0 62 c7 9b e6 43 bd 5e 80 5c fd 34 5c f3 89 f1 08 67 0a c7 6c 8c b2"
      "4c 6c fc 18 75 5d 43 ee a0 9e e9 4e 38 2d 26 b0 bd b7 b7 3c 32 1b 01 00 d4 f0 3b 7f 35 58 94 cf"
      "33 2f 83 0e 71 0b 97 ce 98 c8 a8 4a bd 0b 94 81 14 ad 17 6e 00 8d 33 bd 60 f9 82 b1 ff 37 c8 55"
      "97 97 a0 6e f4 f0 ef 61 c1 86 32 4e 2b 35 06 38 36 06 90 7b 6a 7c 02 b0 f9 f6 15 7b 53 c8 67 e4"
      "b9 16 6c 76 7b 80 4d 46 a5 9b 52 16 cd e7 a4 e9 90 40 c5 a4 04 33 22 5e e2 82 a1 b0 a0 6c 52 3e"
      "af 45 34 d7 f8 3f a1 15 5b 00 47 71 8c bc 54 6a 0d 07 2b 04 b3 56 4e ea 1b 42 22 73 f5 48 27 1a"
      "0b b2 31 60 53 fa 76 99 19 55 eb d6 31 59 43 4e ce bb 4e 46 6d ae 5a 10 73 a6 72 76 27 09 7a 10"
      "49 e6 17 d9 1d 36 10 94 fa 68 f0 ff 77 98 71 30 30 5b ea ba 2e da 04 df 99 7b 71 4d 6c 6f 2c 29"
      "a6 ad 5c b4 02 2b 02 70 9b",
      "eead9d67890cbb22392336fea1851f38" },
};

START_TEST(test_aead_vectors)
{
    const struct aead_vector *v = &aead_vectors[_i];
    uint8_t key[32], nonce[12], aad[32], pt[512], want[512], ct[512], back[512], tag[16], want_tag[16];
    size_t alen, len;

    unhex(v->key, key, sizeof(key));
    unhex(v->nonce, nonce, sizeof(nonce));
    alen = unhex(v->aad, aad, sizeof(aad));
    len = vec_bytes(v->pt, pt, sizeof(pt));
    ck_assert_uint_eq(unhex(v->ct, want, sizeof(want)), len);
    unhex(v->tag, want_tag, sizeof(want_tag));

    ck_assert_int_eq(crypto_aead_seal(key, nonce, aad, alen, pt, len, ct, tag), 0);
    ck_assert_mem_eq(ct, want, len);
    ck_assert_mem_eq(tag, want_tag, 16);

    ck_assert_int_eq(crypto_aead_verify(key, nonce, aad, alen, want, len, want_tag), 0);
    ck_assert_int_eq(crypto_aead_open(key, nonce, aad, alen, want, len, want_tag, back), 0);
    ck_assert_mem_eq(back, pt, len);
}
END_TEST

/* ---- Incremental and cross-implementation ------------------------------ */

/* Every split point of a message that spans several blocks, for both
 * representations. */
START_TEST(test_poly1305_split)
{
    uint8_t key[32], msg[300], whole[16], part[16];
    struct crypto_poly1305 ctx;

    rng_fill(key, sizeof(key));
    rng_fill(msg, sizeof(msg));
    crypto_poly1305(key, msg, sizeof(msg), whole);
    for (size_t cut = 0; cut <= sizeof(msg); cut++) {
        crypto_poly1305_init(&ctx, key);
        crypto_poly1305_update(&ctx, msg, cut);
        crypto_poly1305_update(&ctx, msg + cut, sizeof(msg) - cut);
        crypto_poly1305_final(&ctx, part);
        ck_assert_msg(!memcmp(part, whole, 16), "split at %zu", cut);

        crypto_poly1305_portable_init(&ctx, key);
        crypto_poly1305_portable_update(&ctx, msg, cut);
        crypto_poly1305_portable_update(&ctx, msg + cut, sizeof(msg) - cut);
        crypto_poly1305_portable_final(&ctx, part);
        ck_assert_msg(!memcmp(part, whole, 16), "portable, split at %zu", cut);
    }
    /* Three pieces, both cuts anywhere in the first 64 bytes. */
    for (size_t a = 0; a <= 64; a++) {
        for (size_t b = a; b <= 64; b++) {
            crypto_poly1305_init(&ctx, key);
            crypto_poly1305_update(&ctx, msg, a);
            crypto_poly1305_update(&ctx, msg + a, b - a);
            crypto_poly1305_update(&ctx, msg + b, sizeof(msg) - b);
            crypto_poly1305_final(&ctx, part);
            ck_assert_msg(!memcmp(part, whole, 16), "cuts at %zu, %zu", a, b);
        }
    }
    /* One byte at a time. */
    crypto_poly1305_portable_init(&ctx, key);
    for (size_t i = 0; i < sizeof(msg); i++) crypto_poly1305_portable_update(&ctx, msg + i, 1);
    crypto_poly1305_portable_final(&ctx, part);
    ck_assert_mem_eq(part, whole, 16);
}
END_TEST

/* Random keys and lengths, and the hardest values: all-ones messages and
 * keys, where every carry is taken. */
START_TEST(test_poly1305_representations)
{
    uint8_t key[32], msg[1100], a[16], b[16];
    struct crypto_poly1305 ctx;

    for (int run = 0; run < 2000; run++) {
        size_t len = (size_t)(rng() % sizeof(msg));
        int ones = run % 4 == 0;

        if (ones) {
            memset(key, 0xff, sizeof(key));
            memset(msg, 0xff, len);
        } else {
            rng_fill(key, sizeof(key));
            rng_fill(msg, len);
        }
        crypto_poly1305(key, msg, len, a);
        crypto_poly1305_portable_init(&ctx, key);
        crypto_poly1305_portable_update(&ctx, msg, len);
        crypto_poly1305_portable_final(&ctx, b);
        ck_assert_msg(!memcmp(a, b, 16), "run %d, length %zu", run, len);
    }
}
END_TEST

/* The wide (several blocks at once) path and the one-block path must give
 * the same keystream for every length and starting counter, including one
 * that wraps past 2^32 - 1. */
START_TEST(test_chacha20_lengths)
{
    static const uint32_t counters[] = { 0, 1, 7, 0xfffffffdu };
    uint8_t key[32], nonce[12], in[1100], out[1100], want[1100 + 64];

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    rng_fill(in, sizeof(in));
    for (size_t c = 0; c < sizeof(counters) / sizeof(*counters); c++) {
        for (size_t b = 0; b * 64 < sizeof(in); b++)
            crypto_chacha20_block(key, nonce, counters[c] + (uint32_t)b, want + 64 * b);
        for (size_t i = 0; i < sizeof(in); i++) want[i] ^= in[i];
        for (size_t len = 0; len <= sizeof(in); len += len < 600 ? 1 : 37) {
            memset(out, 0xaa, sizeof(out));
            crypto_chacha20_xor(key, nonce, counters[c], in, out, len);
            ck_assert_msg(!memcmp(out, want, len), "counter %u, length %zu", counters[c], len);
            ck_assert_msg(len == sizeof(out) || out[len] == 0xaa, "wrote past %zu", len);
        }
        /* In place, through the same paths. */
        memcpy(out, in, sizeof(in));
        crypto_chacha20_xor(key, nonce, counters[c], out, out, sizeof(out));
        ck_assert_mem_eq(out, want, sizeof(out));
    }
}
END_TEST

/* block_xor: keystream block `counter` apart, the data from counter + 1,
 * as if the block were one more 64 bytes at the front of the batch. */
START_TEST(test_chacha20_block_xor)
{
    uint8_t key[32], nonce[12], in[1100], out[1100], block[64], want_block[64], want[1100 + 64];

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    rng_fill(in, sizeof(in));
    crypto_chacha20_block(key, nonce, 5, want_block);
    for (size_t b = 0; b * 64 < sizeof(in); b++)
        crypto_chacha20_block(key, nonce, 6 + (uint32_t)b, want + 64 * b);
    for (size_t i = 0; i < sizeof(in); i++) want[i] ^= in[i];
    for (size_t len = 0; len <= sizeof(in); len += len < 300 ? 1 : 29) {
        memset(block, 0, sizeof(block));
        crypto_chacha20_block_xor(key, nonce, 5, block, in, out, len);
        ck_assert_msg(!memcmp(block, want_block, 64), "length %zu: block differs", len);
        ck_assert_msg(!memcmp(out, want, len), "length %zu: data differs", len);
    }
    crypto_chacha20_block_xor(key, nonce, 5, block, NULL, NULL, 0);
    ck_assert_mem_eq(block, want_block, 64);
}
END_TEST

/* Unaligned buffers: nothing may assume the caller's alignment. */
START_TEST(test_unaligned)
{
    uint8_t key[33], nonce[13], aad[40], pt[700], ct[701], tag[17], back[702];
    uint8_t ref_ct[700], ref_tag[16];

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    rng_fill(aad, sizeof(aad));
    rng_fill(pt, sizeof(pt));
    ck_assert_int_eq(crypto_aead_seal(key, nonce, aad, 39, pt, 699, ref_ct, ref_tag), 0);
    ck_assert_int_eq(crypto_aead_seal(key + 1, nonce + 1, aad + 1, 39, pt + 1, 699, ct + 1, tag + 1), 0);
    ck_assert_int_eq(crypto_aead_seal(key + 1, nonce + 1, aad + 1, 39, pt + 1, 699, ct, tag), 0);
    ck_assert_int_eq(crypto_aead_open(key + 1, nonce + 1, aad + 1, 39, ct, 699, tag, back + 3), 0);
    ck_assert_mem_eq(back + 3, pt + 1, 699);
    /* Differently keyed from the reference: key+1 is not key. */
    ck_assert_int_ne(memcmp(ct, ref_ct, 699), 0);
}
END_TEST

/* ---- AEAD behaviour ----------------------------------------------------- */

START_TEST(test_aead_tamper)
{
    uint8_t key[32], nonce[12], aad[21], pt[150], ct[150], tag[16], out[150];

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    rng_fill(aad, sizeof(aad));
    rng_fill(pt, sizeof(pt));
    ck_assert_int_eq(crypto_aead_seal(key, nonce, aad, sizeof(aad), pt, sizeof(pt), ct, tag), 0);

    for (size_t bit = 0; bit < 8 * sizeof(ct); bit++) {
        ct[bit / 8] ^= (uint8_t)(1u << bit % 8);
        memset(out, 0x5a, sizeof(out));
        ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, out), -1);
        ck_assert_msg(all_zero(out, sizeof(out)), "ct bit %zu: output not wiped", bit);
        ck_assert_int_eq(crypto_aead_verify(key, nonce, aad, sizeof(aad), ct, sizeof(ct), tag), -1);
        ct[bit / 8] ^= (uint8_t)(1u << bit % 8);
    }
    for (size_t bit = 0; bit < 8 * sizeof(tag); bit++) {
        tag[bit / 8] ^= (uint8_t)(1u << bit % 8);
        ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, out), -1);
        tag[bit / 8] ^= (uint8_t)(1u << bit % 8);
    }
    for (size_t bit = 0; bit < 8 * sizeof(aad); bit++) {
        aad[bit / 8] ^= (uint8_t)(1u << bit % 8);
        ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, out), -1);
        aad[bit / 8] ^= (uint8_t)(1u << bit % 8);
    }
    for (size_t bit = 0; bit < 8 * sizeof(nonce); bit++) {
        nonce[bit / 8] ^= (uint8_t)(1u << bit % 8);
        ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, out), -1);
        nonce[bit / 8] ^= (uint8_t)(1u << bit % 8);
    }
    /* A shorter ciphertext or aad is a different message, not a prefix. */
    ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad), ct, sizeof(ct) - 1, tag, out), -1);
    ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad) - 1, ct, sizeof(ct), tag, out), -1);
    /* Untouched, it opens. */
    ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad), ct, sizeof(ct), tag, out), 0);
    ck_assert_mem_eq(out, pt, sizeof(pt));
}
END_TEST

START_TEST(test_aead_in_place)
{
    uint8_t key[32], nonce[12], buf[333], pt[333], tag[16];

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    rng_fill(pt, sizeof(pt));
    memcpy(buf, pt, sizeof(buf));
    ck_assert_int_eq(crypto_aead_seal(key, nonce, NULL, 0, buf, sizeof(buf), buf, tag), 0);
    ck_assert_int_ne(memcmp(buf, pt, sizeof(pt)), 0);
    ck_assert_int_eq(crypto_aead_open(key, nonce, NULL, 0, buf, sizeof(buf), tag, buf), 0);
    ck_assert_mem_eq(buf, pt, sizeof(pt));

    /* A failed in-place open leaves zeros, not ciphertext or plaintext. */
    ck_assert_int_eq(crypto_aead_seal(key, nonce, NULL, 0, buf, sizeof(buf), buf, tag), 0);
    tag[0] ^= 1;
    ck_assert_int_eq(crypto_aead_open(key, nonce, NULL, 0, buf, sizeof(buf), tag, buf), -1);
    ck_assert(all_zero(buf, sizeof(buf)));
}
END_TEST

START_TEST(test_aead_empty)
{
    uint8_t key[32], nonce[12], tag[16], tag2[16], aad[5] = "hello";

    rng_fill(key, sizeof(key));
    rng_fill(nonce, sizeof(nonce));
    /* No data at all still gives a tag, over the two zero lengths. */
    ck_assert_int_eq(crypto_aead_seal(key, nonce, NULL, 0, NULL, 0, NULL, tag), 0);
    ck_assert_int_eq(crypto_aead_open(key, nonce, NULL, 0, NULL, 0, tag, NULL), 0);
    ck_assert_int_eq(crypto_aead_seal(key, nonce, aad, sizeof(aad), NULL, 0, NULL, tag2), 0);
    ck_assert_int_ne(memcmp(tag, tag2, 16), 0);
    ck_assert_int_eq(crypto_aead_open(key, nonce, NULL, 0, NULL, 0, tag2, NULL), -1);
    ck_assert_int_eq(crypto_aead_open(key, nonce, aad, sizeof(aad), NULL, 0, tag2, NULL), 0);
}
END_TEST

/* Limits are checked before anything is read, so a huge length with no
 * buffer behind it is safe to pass. */
START_TEST(test_aead_limit)
{
    uint8_t key[32] = { 0 }, nonce[12] = { 0 }, tag[16] = { 0 };

    if (sizeof(size_t) < 8) return;   /* no size_t can exceed it */
    size_t huge = (size_t)(CRYPTO_AEAD_MAX_PT + 1);
    ck_assert_int_eq(crypto_aead_seal(key, nonce, NULL, 0, NULL, huge, NULL, tag), -1);
    ck_assert_int_eq(crypto_aead_open(key, nonce, NULL, 0, NULL, huge, tag, NULL), -1);
    ck_assert_int_eq(crypto_aead_verify(key, nonce, NULL, 0, NULL, huge, tag), -1);
}
END_TEST

START_TEST(test_final_wipes)
{
    struct crypto_poly1305 ctx;
    uint8_t key[32], tag[16];

    rng_fill(key, sizeof(key));
    crypto_poly1305_init(&ctx, key);
    crypto_poly1305_update(&ctx, key, 7);
    crypto_poly1305_final(&ctx, tag);
    ck_assert(all_zero(&ctx, sizeof(ctx)));
    crypto_poly1305_portable_init(&ctx, key);
    crypto_poly1305_portable_update(&ctx, key, 7);
    crypto_poly1305_portable_final(&ctx, tag);
    ck_assert(all_zero(&ctx, sizeof(ctx)));
}
END_TEST

/* ---- OpenSSL ------------------------------------------------------------ */

#define RANDOM_RUNS 300

/* Mostly short, some long, the edges of blocks often. */
static size_t pick_len(int run, size_t max)
{
    if (run % 5 == 0) {
        size_t l = 64 * (size_t)(rng() % (max / 64)) + (size_t)(rng() % 3);
        return l ? l - 1 : 0;   /* 64k - 1, 64k or 64k + 1 */
    }
    return (size_t)(rng() % (max + 1));
}

START_TEST(test_openssl_aead)
{
    static uint8_t pt[3000], ct[3000], theirs[3000], back[3000];
    uint8_t key[32], nonce[12], aad[200], tag[16], their_tag[16];

    for (int run = 0; run < RANDOM_RUNS; run++) {
        size_t len = pick_len(run, 3000), alen = (size_t)(rng() % (run % 3 ? 40 : 200));

        rng_fill(key, sizeof(key));
        rng_fill(nonce, sizeof(nonce));
        rng_fill(aad, alen);
        rng_fill(pt, len);
        openssl_aead_seal(EVP_chacha20_poly1305(), key, nonce, aad, alen, pt, len, theirs, their_tag);
        ck_assert_int_eq(crypto_aead_seal(key, nonce, aad, alen, pt, len, ct, tag), 0);
        ck_assert_msg(!memcmp(ct, theirs, len), "run %d: ciphertext differs (pt %zu, aad %zu)", run, len, alen);
        ck_assert_msg(!memcmp(tag, their_tag, 16), "run %d: tag differs (pt %zu, aad %zu)", run, len, alen);

        ck_assert_int_eq(crypto_aead_open(key, nonce, aad, alen, theirs, len, their_tag, back), 0);
        ck_assert_mem_eq(back, pt, len);

        /* One flipped bit in a random place of ct, tag or aad. */
        size_t where = (size_t)(rng() % (len + 16 + alen));
        uint8_t mask = (uint8_t)(1u << rng() % 8);
        uint8_t *p = where < len ? &theirs[where] : where < len + 16 ? &their_tag[where - len] : &aad[where - len - 16];
        *p ^= mask;
        ck_assert_msg(crypto_aead_open(key, nonce, aad, alen, theirs, len, their_tag, back) == -1,
                      "run %d: a flipped bit at %zu was accepted", run, where);
        ck_assert(all_zero(back, len));
    }
}
END_TEST

START_TEST(test_openssl_chacha20)
{
    static uint8_t in[3000], ours[3000], theirs[3000];
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t key[32], iv[16];

    ck_assert_ptr_nonnull(ctx);
    for (int run = 0; run < RANDOM_RUNS; run++) {
        size_t len = pick_len(run, 3000);
        uint32_t counter = run % 7 ? (uint32_t)rng() % 1000 : 0xffffffffu - (uint32_t)(rng() % 8);
        int olen = 0;

        rng_fill(key, sizeof(key));
        /* OpenSSL's IV is the 32-bit counter, little-endian, then the nonce. */
        rng_fill(iv, sizeof(iv));
        for (int i = 0; i < 4; i++) iv[i] = (uint8_t)(counter >> (8 * i));
        rng_fill(in, len);
        ck_assert_int_eq(EVP_EncryptInit_ex(ctx, EVP_chacha20(), NULL, key, iv), 1);
        ck_assert_int_eq(EVP_EncryptUpdate(ctx, theirs, &olen, in, (int)len), 1);

        crypto_chacha20_xor(key, iv + 4, counter, in, ours, len);
        /* OpenSSL carries a counter overflow into the nonce; we wrap, as
         * the RFC's 32-bit counter does.  Compare up to the wrap. */
        size_t upto = len;
        if ((uint64_t)counter * 64 + len > 0x100000000ull * 64)
            upto = (size_t)((0x100000000ull - counter) * 64);
        ck_assert_msg(!memcmp(ours, theirs, upto), "run %d, counter %u, length %zu", run, counter, len);
    }
    EVP_CIPHER_CTX_free(ctx);
}
END_TEST

START_TEST(test_openssl_poly1305)
{
    static uint8_t msg[3000];
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "POLY1305", NULL);
    uint8_t key[32], ours[16], theirs[16];

    if (!mac) {
        fprintf(stderr, "OpenSSL has no POLY1305 MAC: cross-check skipped\n");
        return;
    }
    for (int run = 0; run < RANDOM_RUNS; run++) {
        EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
        size_t len = pick_len(run, 3000), olen = 0;
        struct crypto_poly1305 st;

        rng_fill(key, sizeof(key));
        rng_fill(msg, len);
        ck_assert_int_eq(EVP_MAC_init(ctx, key, sizeof(key), NULL), 1);
        ck_assert_int_eq(EVP_MAC_update(ctx, msg, len), 1);
        ck_assert_int_eq(EVP_MAC_final(ctx, theirs, &olen, sizeof(theirs)), 1);
        ck_assert_uint_eq(olen, 16);
        EVP_MAC_CTX_free(ctx);

        crypto_poly1305(key, msg, len, ours);
        ck_assert_msg(!memcmp(ours, theirs, 16), "run %d, length %zu", run, len);
        crypto_poly1305_portable_init(&st, key);
        crypto_poly1305_portable_update(&st, msg, len);
        crypto_poly1305_portable_final(&st, ours);
        ck_assert_msg(!memcmp(ours, theirs, 16), "portable, run %d, length %zu", run, len);
    }
    EVP_MAC_free(mac);
}
END_TEST

#define COUNT(a) (int)(sizeof(a) / sizeof(*(a)))

static Suite *aead_suite(void)
{
    Suite *s = suite_create("aead");
    TCase *tc;

    tc = tcase_create("Vectors");
    tcase_add_loop_test(tc, test_chacha20_block, 0, COUNT(block_vectors));
    tcase_add_loop_test(tc, test_chacha20_encrypt, 0, COUNT(cipher_vectors));
    tcase_add_loop_test(tc, test_poly1305, 0, COUNT(mac_vectors));
    tcase_add_loop_test(tc, test_poly1305_keygen, 0, COUNT(keygen_vectors));
    tcase_add_loop_test(tc, test_aead_vectors, 0, COUNT(aead_vectors));
    suite_add_tcase(s, tc);

    tc = tcase_create("Incremental");
    tcase_set_timeout(tc, 60);   /* tens of thousands of MACs under ASan */
    tcase_add_test(tc, test_poly1305_split);
    tcase_add_test(tc, test_poly1305_representations);
    tcase_add_test(tc, test_chacha20_lengths);
    tcase_add_test(tc, test_chacha20_block_xor);
    tcase_add_test(tc, test_unaligned);
    suite_add_tcase(s, tc);

    tc = tcase_create("AEAD");
    tcase_add_test(tc, test_aead_tamper);
    tcase_add_test(tc, test_aead_in_place);
    tcase_add_test(tc, test_aead_empty);
    tcase_add_test(tc, test_aead_limit);
    tcase_add_test(tc, test_final_wipes);
    suite_add_tcase(s, tc);

    tc = tcase_create("OpenSSL");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_openssl_aead);
    tcase_add_test(tc, test_openssl_chacha20);
    tcase_add_test(tc, test_openssl_poly1305);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(aead_suite());
}
