/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLMv2 key math against MS-NLMP 4.2.4 (the NTLMv2 example), session
 * security without extended session security against 4.2.2.4, and round
 * trips between the two ends of a session. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "sspishim/ntlm_crypto.h"
#include "testutil.h"

/* ---- The MS-NLMP 4.2 inputs ---------------------------------------------- */

static const uint8_t server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t client_challenge[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t random_session_key[16] = {
    0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55
};
/* MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server", MsvAvEOL */
static const uint8_t target_info[] = {
    0x02, 0x00, 0x0c, 0x00, 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0,
    0x01, 0x00, 0x0c, 0x00, 'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r', 0,
    0x00, 0x00, 0x00, 0x00,
};



/* ASCII to UTF-16 code units; returns the count. */
static size_t u16(const char *s, uint16_t *out)
{
    size_t n = 0;
    while (*s) out[n++] = (uint8_t)*s++;
    return n;
}

/* "Plaintext" as the UTF-16LE bytes MS-NLMP 4.2.4.4 seals. */
static size_t plaintext_bytes(uint8_t out[18])
{
    static const char text[] = "Plaintext";
    for (size_t i = 0; i < 9; i++) { out[2 * i] = (uint8_t)text[i]; out[2 * i + 1] = 0; }
    return 18;
}

static void response_key(uint8_t key[16])
{
    uint16_t pw[16], user[16], dom[16];
    size_t np = u16("Password", pw), nu = u16("User", user), nd = u16("Domain", dom);

    ntlm_ntowfv2(pw, np, user, nu, dom, nd, key);
}

static void session_base_key(uint8_t key[16])
{
    uint8_t rk[16], resp[NTLM_V2_RESPONSE_SIZE(sizeof(target_info))];

    response_key(rk);
    ck_assert_uint_eq(ntlm_v2_response(rk, server_challenge, client_challenge, 0, target_info,
                                       sizeof(target_info), resp, sizeof(resp)), sizeof(resp));
    ntlm_session_base_key(rk, resp, key);
}

/* ---- Hashes ------------------------------------------------------------------ */

START_TEST(test_nt_hash)
{
    uint16_t pw[16];
    uint8_t out[16];

    /* MS-NLMP 4.2.2.1.2 NTOWFv1("Password"): the plain NT hash. */
    ntlm_nt_hash(pw, u16("Password", pw), out);
    ck_assert_hex_eq(out, "a4 f4 9c 40 65 10 bd ca b6 82 4e e7 c3 0f d8 52");
    /* The empty password's NT hash is MD4 of nothing. */
    ntlm_nt_hash(NULL, 0, out);
    ck_assert_hex_eq(out, "31d6cfe0d16ae931b73c59d7e0c089c0");
}
END_TEST

START_TEST(test_ntowfv2_vector)
{
    uint8_t key[16];

    response_key(key);
    ck_assert_hex_eq(key, "0c 86 8a 40 3b fd 7a 93 a3 00 1e f2 2e f0 2e 3f");
}
END_TEST

START_TEST(test_ntowfv2_from_hash)
{
    uint16_t pw[16], user[16], dom[16];
    size_t nu = u16("User", user), nd = u16("Domain", dom);
    uint8_t hash[16], key[16];

    ntlm_nt_hash(pw, u16("Password", pw), hash);
    ntlm_ntowfv2_from_hash(hash, user, nu, dom, nd, key);
    ck_assert_hex_eq(key, "0c 86 8a 40 3b fd 7a 93 a3 00 1e f2 2e f0 2e 3f");
}
END_TEST

/* Only the user name is uppercased: "user" matches, "DOMAIN" does not. */
START_TEST(test_ntowfv2_case)
{
    uint16_t pw[16], user[16], dom[16];
    size_t np = u16("Password", pw);
    uint8_t ref[16], key[16];

    response_key(ref);
    ntlm_ntowfv2(pw, np, user, u16("user", user), dom, u16("Domain", dom), key);
    ck_assert_mem_eq(key, ref, 16);
    ntlm_ntowfv2(pw, np, user, u16("USER", user), dom, u16("Domain", dom), key);
    ck_assert_mem_eq(key, ref, 16);
    ntlm_ntowfv2(pw, np, user, u16("User", user), dom, u16("DOMAIN", dom), key);
    ck_assert(memcmp(key, ref, 16) != 0);
}
END_TEST

/* Names and passwords longer than the 32-unit chunks, with non-ASCII units,
 * against the formula spelt out on one buffer. */
START_TEST(test_ntowfv2_long)
{
    uint16_t pw[100], user[77], dom[45];
    uint8_t bytes[2 * (100 + 77 + 45)], hash[16], want[16], got[16];
    size_t n = 0;

    for (size_t i = 0; i < 100; i++) pw[i] = (uint16_t)(0x3b1 + i * 7);
    for (size_t i = 0; i < 77; i++) user[i] = (uint16_t)(i % 2 ? 'a' + i % 26 : 0xe0 + i % 31);
    for (size_t i = 0; i < 45; i++) dom[i] = (uint16_t)('a' + i % 26);

    for (size_t i = 0; i < 100; i++) { bytes[n++] = (uint8_t)pw[i]; bytes[n++] = (uint8_t)(pw[i] >> 8); }
    crypto_md4(bytes, n, hash);
    ntlm_nt_hash(pw, 100, got);
    ck_assert_mem_eq(got, hash, 16);

    n = 0;
    for (size_t i = 0; i < 77; i++) {
        uint16_t c = ntlm_upcase(user[i]);
        bytes[n++] = (uint8_t)c;
        bytes[n++] = (uint8_t)(c >> 8);
    }
    for (size_t i = 0; i < 45; i++) { bytes[n++] = (uint8_t)dom[i]; bytes[n++] = 0; }
    crypto_hmac_md5(hash, 16, bytes, n, want);
    ntlm_ntowfv2(pw, 100, user, 77, dom, 45, got);
    ck_assert_mem_eq(got, want, 16);
}
END_TEST

START_TEST(test_upcase)
{
    ck_assert_uint_eq(ntlm_upcase('a'), 'A');
    ck_assert_uint_eq(ntlm_upcase('z'), 'Z');
    ck_assert_uint_eq(ntlm_upcase('A'), 'A');
    ck_assert_uint_eq(ntlm_upcase('@'), '@');
    ck_assert_uint_eq(ntlm_upcase('{'), '{');
    ck_assert_uint_eq(ntlm_upcase(0xe9), 0xc9);    /* é */
    ck_assert_uint_eq(ntlm_upcase(0xe0), 0xc0);
    ck_assert_uint_eq(ntlm_upcase(0xfe), 0xde);    /* þ */
    ck_assert_uint_eq(ntlm_upcase(0xf7), 0xf7);    /* ÷ has no case */
    ck_assert_uint_eq(ntlm_upcase(0xdf), 0xdf);    /* ß has no one-unit capital */
    ck_assert_uint_eq(ntlm_upcase(0xff), 0x178);   /* ÿ */
    ck_assert_uint_eq(ntlm_upcase(0xb5), 0xb5);    /* documented limit */
    ck_assert_uint_eq(ntlm_upcase(0x3b1), 0x3b1);  /* documented limit */
}
END_TEST

START_TEST(test_equal)
{
    ck_assert(ntlm_equal("abcd", "abcd", 4));
    ck_assert(!ntlm_equal("abcd", "abce", 4));
    ck_assert(!ntlm_equal("xbcd", "abcd", 4));
    ck_assert(ntlm_equal("a", "b", 0));
}
END_TEST

/* ---- Responses ---------------------------------------------------------------- */

START_TEST(test_v2_response_vector)
{
    uint8_t key[16], resp[NTLM_V2_RESPONSE_SIZE(sizeof(target_info))];
    uint8_t blob[128];
    size_t blob_len = 0;

    response_key(key);
    ck_assert_uint_eq(ntlm_v2_response(key, server_challenge, client_challenge, 0, target_info,
                                       sizeof(target_info), resp, sizeof(resp)), 16 + 28 + 36 + 4);
    ck_assert_hex_eq(resp, "68 cd 0a b8 51 e5 1c 96 aa bc 92 7b eb ef 6a 1c");

    blob_len = unhex("01 01 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
                     "aa aa aa aa aa aa aa aa  00 00 00 00", blob, sizeof(blob));
    memcpy(blob + blob_len, target_info, sizeof(target_info));
    blob_len += sizeof(target_info);
    memset(blob + blob_len, 0, 4);
    blob_len += 4;
    ck_assert_uint_eq(blob_len, sizeof(resp) - 16);
    ck_assert_mem_eq(resp + 16, blob, blob_len);
}
END_TEST

START_TEST(test_v2_response_timestamp)
{
    uint8_t key[16], resp[NTLM_V2_RESPONSE_SIZE(4)], proof[16];
    static const uint8_t eol[4] = { 0 };

    response_key(key);
    ntlm_v2_response(key, server_challenge, client_challenge, 0x0123456789abcdefull, eol, 4,
                     resp, sizeof(resp));
    ck_assert_hex_eq(resp + 16 + 8, "ef cd ab 89 67 45 23 01");
    ntlm_nt_proof(key, server_challenge, resp + 16, sizeof(resp) - 16, proof);
    ck_assert_mem_eq(proof, resp, 16);
}
END_TEST

START_TEST(test_v2_response_too_small)
{
    uint8_t key[16], resp[NTLM_V2_RESPONSE_SIZE(sizeof(target_info))];

    response_key(key);
    memset(resp, 0xde, sizeof(resp));
    ck_assert_uint_eq(ntlm_v2_response(key, server_challenge, client_challenge, 0, target_info,
                                       sizeof(target_info), resp, sizeof(resp) - 1), 0);
    for (size_t i = 0; i < sizeof(resp); i++) ck_assert_uint_eq(resp[i], 0xde);
    ck_assert_uint_eq(ntlm_v2_response(key, server_challenge, client_challenge, 0, target_info,
                                       SIZE_MAX, NULL, 0), 0);
}
END_TEST

START_TEST(test_session_base_key)
{
    uint8_t key[16];

    session_base_key(key);
    ck_assert_hex_eq(key, "8d e4 0c ca db c1 4a 82 f1 5c b0 ad 0d e9 5c a3");
}
END_TEST

START_TEST(test_lmv2)
{
    uint8_t key[16], resp[24];

    response_key(key);
    ntlm_lmv2_response(key, server_challenge, client_challenge, resp);
    ck_assert_hex_eq(resp, "86 c3 50 97 ac 9c ec 10 25 54 76 4a 57 cc cc 19"
                           "aa aa aa aa aa aa aa aa");
}
END_TEST

START_TEST(test_v2_response_check)
{
    uint8_t key[16], other[16], resp[NTLM_V2_RESPONSE_SIZE(sizeof(target_info))];
    uint8_t sbk[16], want[16];

    response_key(key);
    ntlm_v2_response(key, server_challenge, client_challenge, 0, target_info, sizeof(target_info),
                     resp, sizeof(resp));
    memset(sbk, 0xde, sizeof(sbk));
    ck_assert(ntlm_v2_response_check(key, server_challenge, resp, sizeof(resp), sbk));
    session_base_key(want);
    ck_assert_mem_eq(sbk, want, 16);
    ck_assert(ntlm_v2_response_check(key, server_challenge, resp, sizeof(resp), NULL));

    /* A wrong key, a changed blob, a changed proof, a stub: refused, and the
     * session key out-parameter is left alone. */
    memcpy(other, key, 16);
    other[15] ^= 1;
    memset(sbk, 0xde, sizeof(sbk));
    ck_assert(!ntlm_v2_response_check(other, server_challenge, resp, sizeof(resp), sbk));
    for (size_t i = 0; i < 16; i++) ck_assert_uint_eq(sbk[i], 0xde);
    resp[30] ^= 0x80;
    ck_assert(!ntlm_v2_response_check(key, server_challenge, resp, sizeof(resp), NULL));
    resp[30] ^= 0x80;
    resp[3] ^= 0x01;
    ck_assert(!ntlm_v2_response_check(key, server_challenge, resp, sizeof(resp), NULL));
    resp[3] ^= 0x01;
    ck_assert(!ntlm_v2_response_check(key, server_challenge, resp, 24, NULL));
}
END_TEST

/* ---- Keys ------------------------------------------------------------------------ */

START_TEST(test_kxkey)
{
    uint8_t sbk[16], kx[16];

    session_base_key(sbk);
    ntlm_kxkey_v2(sbk, kx);
    ck_assert_mem_eq(kx, sbk, 16);
}
END_TEST

START_TEST(test_encrypted_session_key)
{
    uint8_t sbk[16], kx[16], enc[16], dec[16];

    session_base_key(sbk);
    ntlm_kxkey_v2(sbk, kx);
    ntlm_encrypt_session_key(kx, random_session_key, enc);
    ck_assert_hex_eq(enc, "c5 da d2 54 4f c9 79 90 94 ce 1c e9 0b c9 d0 3e");
    ntlm_decrypt_session_key(kx, enc, dec);
    ck_assert_mem_eq(dec, random_session_key, 16);
    ntlm_decrypt_session_key(kx, enc, enc);   /* in place */
    ck_assert_mem_eq(enc, random_session_key, 16);
}
END_TEST

START_TEST(test_client_keys)
{
    uint8_t key[16];

    ntlm_seal_key(random_session_key, NTLM_CLIENT_TO_SERVER, key);
    ck_assert_hex_eq(key, "59 f6 00 97 3c c4 96 0a 25 48 0a 7c 19 6e 4c 58");
    ntlm_sign_key(random_session_key, NTLM_CLIENT_TO_SERVER, key);
    ck_assert_hex_eq(key, "47 88 dc 86 1b 47 82 f3 5d 43 fd 98 fe 1a 2d 39");
}
END_TEST

/* No published vector for the server's keys: the formula, written out. */
START_TEST(test_server_keys)
{
    static const char sign_magic[] = "session key to server-to-client signing key magic constant";
    static const char seal_magic[] = "session key to server-to-client sealing key magic constant";
    uint8_t in[16 + sizeof(sign_magic)], want[16], key[16], client[16];

    memcpy(in, random_session_key, 16);
    memcpy(in + 16, sign_magic, sizeof(sign_magic));
    crypto_md5(in, sizeof(in), want);
    ntlm_sign_key(random_session_key, NTLM_SERVER_TO_CLIENT, key);
    ck_assert_mem_eq(key, want, 16);
    ntlm_sign_key(random_session_key, NTLM_CLIENT_TO_SERVER, client);
    ck_assert(memcmp(key, client, 16) != 0);

    memcpy(in + 16, seal_magic, sizeof(seal_magic));
    crypto_md5(in, sizeof(in), want);
    ntlm_seal_key(random_session_key, NTLM_SERVER_TO_CLIENT, key);
    ck_assert_mem_eq(key, want, 16);
}
END_TEST

/* ---- Sealing ------------------------------------------------------------------- */

START_TEST(test_seal_vector)
{
    struct ntlm_seal_dir out;
    uint8_t msg[18], sig[16];
    size_t len = plaintext_bytes(msg);

    ntlm_seal_dir_init(&out, random_session_key, NTLM_CLIENT_TO_SERVER, true);
    ntlm_seal(&out, 0, msg, len, sig);
    ck_assert_hex_eq(msg, "54 e5 01 65 bf 19 36 dc 99 60 20 c1 81 1b 0f 06 fb 5f");
    ck_assert_hex_eq(sig, "01 00 00 00 7f b3 8e c5 c5 5d 49 76 00 00 00 00");
    ntlm_seal_dir_wipe(&out);
}
END_TEST

START_TEST(test_sign_vector)
{
    struct ntlm_seal_dir out;
    uint8_t msg[18], sig[16];
    size_t len = plaintext_bytes(msg);

    ntlm_seal_dir_init(&out, random_session_key, NTLM_CLIENT_TO_SERVER, true);
    ntlm_sign(&out, 0, msg, len, sig);
    ck_assert_hex_eq(sig, "01 00 00 00 74 d0 45 34 2c 4f 1c d5 00 00 00 00");
    /* Signing leaves the message alone. */
    uint8_t orig[18];
    plaintext_bytes(orig);
    ck_assert_mem_eq(msg, orig, 18);
}
END_TEST

/* Both ends of one direction, as a client and a server would set them up. */
static void pair(struct ntlm_seal_dir *sender, struct ntlm_seal_dir *receiver,
                 enum ntlm_direction dir, bool key_exch)
{
    ntlm_seal_dir_init(sender, random_session_key, dir, key_exch);
    ntlm_seal_dir_init(receiver, random_session_key, dir, key_exch);
}

static void fill(uint8_t *p, size_t len, unsigned salt)
{
    for (size_t i = 0; i < len; i++) p[i] = (uint8_t)(i * 131 + salt * 17 + 5);
}

START_TEST(test_seal_round_trip)
{
    enum ntlm_direction dir = _i ? NTLM_SERVER_TO_CLIENT : NTLM_CLIENT_TO_SERVER;
    struct ntlm_seal_dir tx, rx;
    uint8_t msg[700], orig[700], sig[16];

    pair(&tx, &rx, dir, true);
    for (uint32_t seq = 0; seq < 20; seq++) {
        size_t len = seq * 37 % sizeof(msg);
        fill(orig, len, seq);
        memcpy(msg, orig, len);
        ntlm_seal(&tx, seq, msg, len, sig);
        if (len > 4) ck_assert(memcmp(msg, orig, len) != 0);
        ck_assert_uint_eq(sig[12], seq);
        ck_assert_int_eq(ntlm_unseal(&rx, seq, msg, len, sig), NTLM_SIG_OK);
        ck_assert_mem_eq(msg, orig, len);
    }
}
END_TEST

START_TEST(test_sign_round_trip)
{
    bool key_exch = _i != 0;
    struct ntlm_seal_dir tx, rx;
    uint8_t msg[300], sig[16];

    pair(&tx, &rx, NTLM_CLIENT_TO_SERVER, key_exch);
    for (uint32_t seq = 0; seq < 20; seq++) {
        size_t len = seq * 53 % sizeof(msg);
        fill(msg, len, seq);
        ntlm_sign(&tx, seq, msg, len, sig);
        ck_assert_int_eq(ntlm_verify(&rx, seq, msg, len, sig), NTLM_SIG_OK);
    }
}
END_TEST

/* Without key exchange the checksum is the bare truncated HMAC. */
START_TEST(test_sign_without_key_exch)
{
    struct ntlm_seal_dir tx;
    uint8_t msg[18], sig[16], in[4 + 18], mac[16];
    size_t len = plaintext_bytes(msg);

    ntlm_seal_dir_init(&tx, random_session_key, NTLM_CLIENT_TO_SERVER, false);
    ntlm_sign(&tx, 7, msg, len, sig);
    memcpy(in, "\x07\x00\x00\x00", 4);
    memcpy(in + 4, msg, len);
    crypto_hmac_md5(tx.sign_key, 16, in, sizeof(in), mac);
    ck_assert_hex_eq(sig, "01 00 00 00");
    ck_assert_mem_eq(sig + 4, mac, 8);
    ck_assert_hex_eq(sig + 12, "07 00 00 00");
}
END_TEST

START_TEST(test_seal_tampered)
{
    struct ntlm_seal_dir tx, rx;
    uint8_t msg[64], orig[64], sig[16];
    uint32_t seq = 0;

    pair(&tx, &rx, NTLM_CLIENT_TO_SERVER, true);
    fill(orig, sizeof(orig), 1);

    /* One flipped bit anywhere in the sealed message... */
    memcpy(msg, orig, sizeof(msg));
    ntlm_seal(&tx, seq, msg, sizeof(msg), sig);
    msg[33] ^= 0x04;
    ck_assert_int_eq(ntlm_unseal(&rx, seq, msg, sizeof(msg), sig), NTLM_SIG_ALTERED);
    seq++;

    /* ...in the checksum... */
    memcpy(msg, orig, sizeof(msg));
    ntlm_seal(&tx, seq, msg, sizeof(msg), sig);
    sig[9] ^= 0x80;
    ck_assert_int_eq(ntlm_unseal(&rx, seq, msg, sizeof(msg), sig), NTLM_SIG_ALTERED);
    seq++;

    /* ...or in the version. */
    memcpy(msg, orig, sizeof(msg));
    ntlm_seal(&tx, seq, msg, sizeof(msg), sig);
    sig[0] = 2;
    ck_assert_int_eq(ntlm_unseal(&rx, seq, msg, sizeof(msg), sig), NTLM_SIG_ALTERED);
    seq++;

    /* The streams stayed in step, so the next intact message still opens. */
    memcpy(msg, orig, sizeof(msg));
    ntlm_seal(&tx, seq, msg, sizeof(msg), sig);
    ck_assert_int_eq(ntlm_unseal(&rx, seq, msg, sizeof(msg), sig), NTLM_SIG_OK);
    ck_assert_mem_eq(msg, orig, sizeof(msg));
}
END_TEST

START_TEST(test_sign_tampered)
{
    struct ntlm_seal_dir tx, rx;
    uint8_t msg[40], sig[16];

    pair(&tx, &rx, NTLM_CLIENT_TO_SERVER, true);
    fill(msg, sizeof(msg), 2);
    ntlm_sign(&tx, 0, msg, sizeof(msg), sig);
    msg[0] ^= 1;
    ck_assert_int_eq(ntlm_verify(&rx, 0, msg, sizeof(msg), sig), NTLM_SIG_ALTERED);
    msg[0] ^= 1;
    ntlm_sign(&tx, 1, msg, sizeof(msg), sig);
    ck_assert_int_eq(ntlm_verify(&rx, 1, msg, sizeof(msg) - 1, sig), NTLM_SIG_ALTERED);
}
END_TEST

START_TEST(test_wrong_seq)
{
    struct ntlm_seal_dir tx, rx;
    uint8_t msg[40], sig[16];

    pair(&tx, &rx, NTLM_CLIENT_TO_SERVER, true);
    fill(msg, sizeof(msg), 3);
    ntlm_seal(&tx, 0, msg, sizeof(msg), sig);
    ck_assert_int_eq(ntlm_unseal(&rx, 1, msg, sizeof(msg), sig), NTLM_SIG_OUT_OF_SEQUENCE);

    ntlm_sign(&tx, 5, msg, sizeof(msg), sig);
    ck_assert_int_eq(ntlm_verify(&rx, 4, msg, sizeof(msg), sig), NTLM_SIG_OUT_OF_SEQUENCE);

    /* A SeqNum field rewritten to the expected value: the checksum, which
     * covers the real number, gives it away. */
    ntlm_sign(&tx, 9, msg, sizeof(msg), sig);
    sig[12] = 8;
    ck_assert_int_eq(ntlm_verify(&rx, 8, msg, sizeof(msg), sig), NTLM_SIG_ALTERED);
}
END_TEST

/* A message in three buffers, the middle one read-only (signed, not
 * encrypted), through the piecewise API, against a receiver doing the same. */
START_TEST(test_pieces)
{
    struct ntlm_seal_dir tx, rx, one;
    struct ntlm_mac m;
    uint8_t a[50], b[30], c[70], all[150], sig[16], skip[120], in[4 + 150], mac[16];

    pair(&tx, &rx, NTLM_CLIENT_TO_SERVER, true);
    fill(a, sizeof(a), 4);
    fill(b, sizeof(b), 5);
    fill(c, sizeof(c), 6);
    memcpy(all, a, 50);
    memcpy(all + 50, b, 30);
    memcpy(all + 80, c, 70);

    ntlm_mac_init(&m, &tx, 0);
    ntlm_mac_update(&m, a, sizeof(a));
    crypto_rc4_crypt(&tx.rc4, a, a, sizeof(a));
    ntlm_mac_update(&m, b, sizeof(b));
    ntlm_mac_update(&m, c, sizeof(c));
    crypto_rc4_crypt(&tx.rc4, c, c, sizeof(c));
    ntlm_mac_final(&m, &tx, sig);

    /* The checksum covers all the plaintext in order, and is encrypted with
     * the stream after the 120 bytes a and c used. */
    ntlm_seal_dir_init(&one, random_session_key, NTLM_CLIENT_TO_SERVER, true);
    memset(skip, 0, sizeof(skip));
    crypto_rc4_crypt(&one.rc4, skip, skip, sizeof(skip));
    memset(in, 0, 4);
    memcpy(in + 4, all, sizeof(all));
    crypto_hmac_md5(one.sign_key, 16, in, sizeof(in), mac);
    crypto_rc4_crypt(&one.rc4, mac, mac, 8);
    ck_assert_mem_eq(sig + 4, mac, 8);

    ntlm_mac_init(&m, &rx, 0);
    crypto_rc4_crypt(&rx.rc4, a, a, sizeof(a));
    ntlm_mac_update(&m, a, sizeof(a));
    ntlm_mac_update(&m, b, sizeof(b));
    crypto_rc4_crypt(&rx.rc4, c, c, sizeof(c));
    ntlm_mac_update(&m, c, sizeof(c));
    ck_assert_int_eq(ntlm_mac_check(&m, &rx, sig), NTLM_SIG_OK);
    ck_assert_mem_eq(a, all, 50);
    ck_assert_mem_eq(b, all + 50, 30);
    ck_assert_mem_eq(c, all + 80, 70);
}
END_TEST

/* ---- MIC ------------------------------------------------------------------------- */

START_TEST(test_mic)
{
    uint8_t neg[40], chal[120], auth[200], zeroed[200], all[360], want[16], got[16];

    fill(neg, sizeof(neg), 7);
    fill(chal, sizeof(chal), 8);
    fill(auth, sizeof(auth), 9);
    memcpy(zeroed, auth, sizeof(auth));
    memset(zeroed + 72, 0, 16);
    memcpy(all, neg, 40);
    memcpy(all + 40, chal, 120);
    memcpy(all + 160, zeroed, 200);
    crypto_hmac_md5(random_session_key, 16, all, sizeof(all), want);

    /* Whatever the MIC field holds, it counts as zeros. */
    ck_assert(ntlm_mic(random_session_key, neg, 40, chal, 120, auth, 200, 72, got));
    ck_assert_mem_eq(got, want, 16);
    ck_assert(ntlm_mic(random_session_key, neg, 40, chal, 120, zeroed, 200, 72, got));
    ck_assert_mem_eq(got, want, 16);

    /* The field at the very end fits; one byte further does not. */
    ck_assert(ntlm_mic(random_session_key, neg, 40, chal, 120, auth, 200, 184, got));
    memset(got, 0xde, sizeof(got));
    ck_assert(!ntlm_mic(random_session_key, neg, 40, chal, 120, auth, 200, 185, got));
    ck_assert(!ntlm_mic(random_session_key, neg, 40, chal, 120, auth, 200, SIZE_MAX, got));
    ck_assert(!ntlm_mic(random_session_key, neg, 40, chal, 120, auth, 10, 0, got));
    for (size_t i = 0; i < 16; i++) ck_assert_uint_eq(got[i], 0xde);
}
END_TEST

/* ---- Without extended session security (MS-NLMP 3.4.4.1) --------------------- */

/* MS-NLMP 4.2.2.4: "Plaintext" sealed with the whole random session key
 * 55 x16 as the RC4 key, sequence number 0.  The same values appear in
 * gss-ntlmssp's, go-ntlm's and libntlm's test suites. */
START_TEST(test_no_ess_seal_vector)
{
    struct ntlm_seal_dir h, peer;
    uint8_t msg[18], orig[18], sig[16];
    size_t len = plaintext_bytes(msg);

    plaintext_bytes(orig);
    ntlm_seal_dir_init_shared(&h, random_session_key, NTLM_KEY_FULL);
    ntlm_seal(&h, 0, msg, len, sig);
    ck_assert_hex_eq(msg, "56 fe 04 d8 61 f9 31 9a f0 d7 23 8a 2e 3b 4d 45 7f b8");
    ck_assert_hex_eq(sig, "01 00 00 00 00 00 00 00 09 dc d1 df 2e 45 9d 36");
    ntlm_seal_dir_init_shared(&peer, random_session_key, NTLM_KEY_FULL);
    ck_assert_int_eq(ntlm_unseal(&peer, 0, msg, len, sig), NTLM_SIG_OK);
    ck_assert_mem_eq(msg, orig, len);
    /* Both handles spent the same 30 bytes of keystream. */
    ck_assert_int_eq(memcmp(&h.rc4, &peer.rc4, sizeof(h.rc4)), 0);
    ntlm_seal_dir_wipe(&h);
    ntlm_seal_dir_wipe(&peer);
}
END_TEST

/* Computed with an independent RC4 and zlib.crc32 in Python, which also
 * reproduces the vector above: the sign-only signature of the same
 * message, whose 12 bytes take keystream 0..11. */
START_TEST(test_no_ess_sign_vector)
{
    struct ntlm_seal_dir h;
    uint8_t msg[18], orig[18], sig[16];
    size_t len = plaintext_bytes(msg);

    plaintext_bytes(orig);
    ntlm_seal_dir_init_shared(&h, random_session_key, NTLM_KEY_FULL);
    ntlm_sign(&h, 0, msg, len, sig);
    ck_assert_hex_eq(sig, "01 00 00 00 00 00 00 00 7d 7d f2 09 9e d7 57 8a");
    ck_assert_mem_eq(msg, orig, len);
    ntlm_seal_dir_init_shared(&h, random_session_key, NTLM_KEY_FULL);
    ck_assert_int_eq(ntlm_verify(&h, 0, msg, len, sig), NTLM_SIG_OK);
    ntlm_seal_dir_wipe(&h);
}
END_TEST

/* MS-NLMP 3.4.5.3's weakened keys, and "Plaintext" sealed with each
 * (computed as above). */
START_TEST(test_no_ess_weak_keys)
{
    static const struct {
        enum ntlm_key_strength strength;
        size_t len;
        const char *key, *sealed, *sig;
    } v[] = {
        { NTLM_KEY_56, 8, "55 55 55 55 55 55 55 a0", "1e a9 9f a4 4e 98 7c 38 cc e9 cf f0 8d 9b 86 2d 6d a7",
          "01 00 00 00 00 00 00 00 84 3d 6b 69 eb 49 39 07" },
        { NTLM_KEY_40, 8, "55 55 55 55 55 e5 38 b0", "9b 75 9e d7 58 bc e8 e8 5e 0b 7f fe bc 1f 12 61 e8 c1",
          "01 00 00 00 00 00 00 00 d8 10 db 67 71 25 d9 08" },
        { NTLM_KEY_FULL, 16, "55 55 55 55 55 55 55 55 55 55 55 55 55 55 55 55",
          "56 fe 04 d8 61 f9 31 9a f0 d7 23 8a 2e 3b 4d 45 7f b8",
          "01 00 00 00 00 00 00 00 09 dc d1 df 2e 45 9d 36" },
    };

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct ntlm_seal_dir h;
        uint8_t key[16], msg[18], sig[16];
        size_t len = plaintext_bytes(msg);

        memset(key, 0xee, sizeof(key));
        ck_assert_uint_eq(ntlm_seal_key_no_ess(random_session_key, v[i].strength, key), v[i].len);
        ck_assert_hex_eq(key, v[i].key);
        ntlm_seal_dir_init_shared(&h, random_session_key, v[i].strength);
        ntlm_seal(&h, 0, msg, len, sig);
        ck_assert_hex_eq(msg, v[i].sealed);
        ck_assert_hex_eq(sig, v[i].sig);
        ntlm_seal_dir_wipe(&h);
    }
}
END_TEST

/* One handle for both directions: the client seals at keystream offset 0
 * with sequence number 0, the server at 25 with 1, the client at 50 with 2
 * (13-byte messages).  Each end keeps one handle and one counter that
 * every message, sent or received, advances.  Values computed as above. */
START_TEST(test_no_ess_shared_stream)
{
    static const char *text[3] = { "client hello!", "server hello!", "client again!" };
    static const char *want_msg[3] = { "65 92 01 bd 6e 8d 78 f2 fb bb 3b e5 6a",
                                       "3f 4b 37 eb 53 df c1 5a a7 b9 7e eb aa",
                                       "0c 5d 61 90 20 8f d4 6c d5 86 b9 ec 14" };
    static const char *want_sig[3] = { "01 00 00 00 00 00 00 00 a9 67 c8 91 e5 74 58 7b",
                                       "01 00 00 00 00 00 00 00 43 ed 31 ee ea 0a 7a 1d",
                                       "01 00 00 00 00 00 00 00 b5 94 12 c8 ab 8a 09 46" };
    struct ntlm_seal_dir client, server;
    uint8_t msg[3][13], sig[3][16];

    ntlm_seal_dir_init_shared(&client, random_session_key, NTLM_KEY_FULL);
    ntlm_seal_dir_init_shared(&server, random_session_key, NTLM_KEY_FULL);
    for (uint32_t seq = 0; seq < 3; seq++) {
        struct ntlm_seal_dir *tx = seq == 1 ? &server : &client, *rx = seq == 1 ? &client : &server;
        memcpy(msg[seq], text[seq], 13);
        ntlm_seal(tx, seq, msg[seq], 13, sig[seq]);
        ck_assert_hex_eq(msg[seq], want_msg[seq]);
        ck_assert_hex_eq(sig[seq], want_sig[seq]);
        ck_assert_int_eq(ntlm_unseal(rx, seq, msg[seq], 13, sig[seq]), NTLM_SIG_OK);
        ck_assert_mem_eq(msg[seq], text[seq], 13);
    }
    ntlm_seal_dir_wipe(&client);
    ntlm_seal_dir_wipe(&server);
}
END_TEST

/* Replay, reordering, a changed checksum, version or message; the
 * RandomPad is not covered, so a different one passes. */
START_TEST(test_no_ess_tampered)
{
    struct ntlm_seal_dir tx, rx, saved;
    uint8_t msg[3][13], sig[3][16];

    ntlm_seal_dir_init_shared(&tx, random_session_key, NTLM_KEY_FULL);
    ntlm_seal_dir_init_shared(&rx, random_session_key, NTLM_KEY_FULL);
    for (uint32_t seq = 0; seq < 3; seq++) {
        memcpy(msg[seq], "0123456789abc", 13);
        ntlm_sign(&tx, seq, msg[seq], 13, sig[seq]);
    }
    /* Message 1 where 0 is due: a different keystream offset and number. */
    saved = rx;
    ck_assert_int_ne(ntlm_verify(&rx, 0, msg[1], 13, sig[1]), NTLM_SIG_OK);
    rx = saved;
    /* The right place but a claim to be number 1: out of sequence. */
    ck_assert_int_eq(ntlm_verify(&rx, 1, msg[0], 13, sig[0]), NTLM_SIG_OUT_OF_SEQUENCE);
    rx = saved;
    msg[0][3] ^= 1;
    ck_assert_int_eq(ntlm_verify(&rx, 0, msg[0], 13, sig[0]), NTLM_SIG_ALTERED);
    rx = saved;
    msg[0][3] ^= 1;
    sig[0][9] ^= 1;
    ck_assert_int_eq(ntlm_verify(&rx, 0, msg[0], 13, sig[0]), NTLM_SIG_ALTERED);
    rx = saved;
    sig[0][9] ^= 1;
    sig[0][0] = 2;
    ck_assert_int_eq(ntlm_verify(&rx, 0, msg[0], 13, sig[0]), NTLM_SIG_ALTERED);
    rx = saved;
    sig[0][0] = 1;
    sig[0][5] = 0x77;
    ck_assert_int_eq(ntlm_verify(&rx, 0, msg[0], 13, sig[0]), NTLM_SIG_OK);
    ck_assert_int_eq(ntlm_verify(&rx, 1, msg[1], 13, sig[1]), NTLM_SIG_OK);
    /* Replayed: message 1 again where 2 is due. */
    saved = rx;
    ck_assert_int_ne(ntlm_verify(&rx, 2, msg[1], 13, sig[1]), NTLM_SIG_OK);
    rx = saved;
    ck_assert_int_eq(ntlm_verify(&rx, 2, msg[2], 13, sig[2]), NTLM_SIG_OK);
    ntlm_seal_dir_wipe(&tx);
    ntlm_seal_dir_wipe(&rx);
    ntlm_seal_dir_wipe(&saved);
}
END_TEST

/* Pieces give what one call gives, without ESS too. */
START_TEST(test_no_ess_pieces)
{
    struct ntlm_seal_dir a, b;
    struct ntlm_mac m;
    uint8_t msg[40], whole[40], sig_a[16], sig_b[16];

    fill(msg, sizeof(msg), 3);
    memcpy(whole, msg, sizeof(msg));
    ntlm_seal_dir_init_shared(&a, random_session_key, NTLM_KEY_FULL);
    ntlm_seal_dir_init_shared(&b, random_session_key, NTLM_KEY_FULL);
    ntlm_seal(&a, 7, whole, sizeof(whole), sig_a);
    ntlm_mac_init(&m, &b, 7);
    ntlm_mac_update(&m, msg, 15);
    ntlm_mac_update(&m, msg + 15, 25);
    crypto_rc4_crypt(&b.rc4, msg, msg, 15);
    crypto_rc4_crypt(&b.rc4, msg + 15, msg + 15, 25);
    ntlm_mac_final(&m, &b, sig_b);
    ck_assert_mem_eq(msg, whole, sizeof(msg));
    ck_assert_mem_eq(sig_a, sig_b, 16);
    ntlm_seal_dir_wipe(&a);
    ntlm_seal_dir_wipe(&b);
}
END_TEST

static Suite *ntlm_crypto_suite(void)
{
    Suite *s = suite_create("ntlm_crypto");
    TCase *tc;

    tc = tcase_create("Hashes");
    tcase_add_test(tc, test_nt_hash);
    tcase_add_test(tc, test_ntowfv2_vector);
    tcase_add_test(tc, test_ntowfv2_from_hash);
    tcase_add_test(tc, test_ntowfv2_case);
    tcase_add_test(tc, test_ntowfv2_long);
    tcase_add_test(tc, test_upcase);
    tcase_add_test(tc, test_equal);
    suite_add_tcase(s, tc);

    tc = tcase_create("Responses");
    tcase_add_test(tc, test_v2_response_vector);
    tcase_add_test(tc, test_v2_response_timestamp);
    tcase_add_test(tc, test_v2_response_too_small);
    tcase_add_test(tc, test_session_base_key);
    tcase_add_test(tc, test_lmv2);
    tcase_add_test(tc, test_v2_response_check);
    suite_add_tcase(s, tc);

    tc = tcase_create("Keys");
    tcase_add_test(tc, test_kxkey);
    tcase_add_test(tc, test_encrypted_session_key);
    tcase_add_test(tc, test_client_keys);
    tcase_add_test(tc, test_server_keys);
    suite_add_tcase(s, tc);

    tc = tcase_create("Sealing");
    tcase_add_test(tc, test_seal_vector);
    tcase_add_test(tc, test_sign_vector);
    tcase_add_loop_test(tc, test_seal_round_trip, 0, 2);
    tcase_add_loop_test(tc, test_sign_round_trip, 0, 2);
    tcase_add_test(tc, test_sign_without_key_exch);
    tcase_add_test(tc, test_seal_tampered);
    tcase_add_test(tc, test_sign_tampered);
    tcase_add_test(tc, test_wrong_seq);
    tcase_add_test(tc, test_pieces);
    suite_add_tcase(s, tc);

    tc = tcase_create("Without ESS");
    tcase_add_test(tc, test_no_ess_seal_vector);
    tcase_add_test(tc, test_no_ess_sign_vector);
    tcase_add_test(tc, test_no_ess_weak_keys);
    tcase_add_test(tc, test_no_ess_shared_stream);
    tcase_add_test(tc, test_no_ess_tampered);
    tcase_add_test(tc, test_no_ess_pieces);
    suite_add_tcase(s, tc);

    tc = tcase_create("MIC");
    tcase_add_test(tc, test_mic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(ntlm_crypto_suite());
}
