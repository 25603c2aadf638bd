/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The packed-context envelope: round trips, every malformed variant of a
 * blob (truncated, padded, each bit flipped, other key, other version),
 * and its bytes pinned to a golden blob so every build must agree. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sspishim/aead.h"
#include "sspishim/packed.h"
#include "sspishim/sys.h"
#define TESTUTIL_RNG_SEED 0x7061636b65643031ull
#include "testutil.h"

/* Every test runs once per AEAD: the flags a seal carries. */
static uint16_t aead;

#define SENTINEL ((uint8_t *)(uintptr_t)0xdeadbeef)

static int contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(hay + i, needle, m)) return 1;
    return 0;
}

/* Opens with sentinels in the outputs and checks that a failure leaves
 * them NULL/0; returns the status. */
static shim_status open_expect_nothing(const uint8_t *key, const void *blob, size_t len)
{
    struct packed_header hdr;
    uint8_t *payload = SENTINEL;
    size_t plen = 12345;
    shim_status st = packed_open(key, blob, len, &hdr, &payload, &plen);

    if (st == SHIM_OK) {
        packed_free_payload(payload, plen);
        return st;
    }
    ck_assert_ptr_null(payload);
    ck_assert_uint_eq(plen, 0);
    return st;
}

static uint8_t key[32], other_key[32];

static void keys_setup(void)
{
    rng_fill(key, sizeof(key));
    rng_fill(other_key, sizeof(other_key));
}

/* A sealed blob of a fixed shape for the tests that damage it: package
 * "Negotiate", 241 bytes of payload, 300 bytes in all. */
static uint8_t *sample(size_t *len, uint8_t payload[241])
{
    uint8_t *blob;

    rng_fill(payload, 241);
    ck_assert_int_eq(packed_seal(key, "Negotiate", PACKED_ROLE_SERVER, payload, 241, &blob, len), SHIM_OK);
    ck_assert_uint_eq(*len, 300);
    return blob;
}

/* ---- Core --------------------------------------------------------------- */

START_TEST(test_round_trip)
{
    uint8_t payload[600], *blob, *out, id[8];
    size_t len, olen;
    struct packed_header hdr, peeked;

    rng_fill(payload, sizeof(payload));
    ck_assert_int_eq(packed_seal(key, "NTLM", PACKED_ROLE_CLIENT, payload, sizeof(payload), &blob, &len), SHIM_OK);
    ck_assert_uint_eq(len, PACKED_OVERHEAD + 4 + sizeof(payload));
    ck_assert_int_eq(packed_open(key, blob, len, &hdr, &out, &olen), SHIM_OK);
    ck_assert_uint_eq(olen, sizeof(payload));
    ck_assert_mem_eq(out, payload, sizeof(payload));

    ck_assert_uint_eq(hdr.version, 1);
    ck_assert_uint_eq(hdr.flags, aead);
    ck_assert_uint_eq(hdr.role, PACKED_ROLE_CLIENT);
    ck_assert_str_eq(hdr.package, "NTLM");
    ck_assert_uint_eq(hdr.package_len, 4);
    ck_assert_uint_eq(hdr.payload_len, sizeof(payload));
    ck_assert_uint_eq(hdr.header_len, 38);
    packed_key_id(key, id);
    ck_assert_mem_eq(hdr.key_id, id, 8);

    /* peek sees the same header without the key; verify agrees. */
    ck_assert_int_eq(packed_peek(blob, len, &peeked), SHIM_OK);
    ck_assert_mem_eq(&peeked, &hdr, sizeof(hdr));
    ck_assert_int_eq(packed_verify(key, blob, len), SHIM_OK);

    packed_free_payload(out, olen);
    sys_caller_free(blob);
}
END_TEST

START_TEST(test_role_and_package)
{
    static const char *const names[] = {
        "NTLM", "ntlm", "Negotiate", "Kerberos", "x", "Some Package 1.0",
        "abcdefghijklmnopqrstuvwxyz012345",   /* 32, the most */
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        for (uint8_t role = PACKED_ROLE_CLIENT; role <= PACKED_ROLE_SERVER; role++) {
            struct packed_header hdr;
            uint8_t *blob, *out;
            size_t len, olen;

            ck_assert_int_eq(packed_seal(key, names[i], role, "abc", 3, &blob, &len), SHIM_OK);
            ck_assert_int_eq(packed_open(key, blob, len, &hdr, &out, &olen), SHIM_OK);
            ck_assert_str_eq(hdr.package, names[i]);   /* as spelled, case kept */
            ck_assert_uint_eq(hdr.role, role);
            ck_assert_mem_eq(out, "abc", 3);
            packed_free_payload(out, olen);
            sys_caller_free(blob);
        }
    }
}
END_TEST

START_TEST(test_empty_payload)
{
    struct packed_header hdr;
    uint8_t *blob, *out;
    size_t len, olen = 99;

    ck_assert_int_eq(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, NULL, 0, &blob, &len), SHIM_OK);
    ck_assert_uint_eq(len, PACKED_OVERHEAD + 4);
    ck_assert_int_eq(packed_open(key, blob, len, &hdr, &out, &olen), SHIM_OK);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(olen, 0);
    ck_assert_uint_eq(hdr.payload_len, 0);
    packed_free_payload(out, olen);

    /* Even with nothing to encrypt, the header is authenticated. */
    blob[8] = PACKED_ROLE_CLIENT;
    ck_assert_int_eq(open_expect_nothing(key, blob, len), SHIM_E_MESSAGE_ALTERED);
    sys_caller_free(blob);
}
END_TEST

/* The key material must not be readable in the clear. */
START_TEST(test_no_plaintext)
{
    static const uint8_t marker[16] = "MARKER-012345678";
    uint8_t payload[500], *blob;
    size_t len;

    memset(payload, 0, sizeof(payload));
    memcpy(payload + 100, marker, sizeof(marker));
    memcpy(payload + 400, marker, sizeof(marker));
    ck_assert_int_eq(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, payload, sizeof(payload), &blob, &len), SHIM_OK);
    ck_assert(!contains(blob, len, marker, sizeof(marker)));
    ck_assert(!contains(blob, len, marker, 8));
    ck_assert(!contains(blob, len, key, 8));
    /* All-zero plaintext does not show through as a run of zeros either. */
    static const uint8_t zeros[16];
    ck_assert(!contains(blob + 38, len - 38, zeros, sizeof(zeros)));
    sys_caller_free(blob);
}
END_TEST

START_TEST(test_fresh_nonces)
{
    uint8_t *a, *b;
    size_t alen, blen;

    ck_assert_int_eq(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, "same", 4, &a, &alen), SHIM_OK);
    ck_assert_int_eq(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, "same", 4, &b, &blen), SHIM_OK);
    ck_assert_uint_eq(alen, blen);
    ck_assert_int_ne(memcmp(a + 22, b + 22, 12), 0);   /* the nonces */
    ck_assert_int_ne(memcmp(a + 38, b + 38, 4), 0);    /* hence the ciphertexts */
    sys_caller_free(a);
    sys_caller_free(b);
}
END_TEST

/* Nonces never repeat: a per-process prefix and a counter, and a forked
 * child, which inherits both, draws a prefix of its own. */
static void seal_nonce(uint8_t nonce[12])
{
    uint8_t *blob;
    size_t len;

    ck_assert_int_eq(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, "n", 1, &blob, &len), SHIM_OK);
    memcpy(nonce, blob + 22, 12);
    sys_caller_free(blob);
}

static int cmp_nonce(const void *a, const void *b)
{
    return memcmp(a, b, 12);
}

START_TEST(test_nonces)
{
    enum { SEALS = 2000 };
    static uint8_t seen[SEALS][12];
    uint8_t parent[12], child[12];
    int fds[2], status;
    pid_t pid;

    for (int i = 0; i < SEALS; i++) seal_nonce(seen[i]);
    ck_assert_mem_eq(seen[0], seen[SEALS - 1], 8);   /* one prefix per process */
    qsort(seen, SEALS, 12, cmp_nonce);
    for (int i = 1; i < SEALS; i++)
        ck_assert_msg(memcmp(seen[i - 1], seen[i], 12), "a nonce repeats");

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (!pid) {
        seal_nonce(child);
        _exit(write(fds[1], child, 12) == 12 ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(read(fds[0], child, 12), 12);
    close(fds[0]);
    close(fds[1]);
    seal_nonce(parent);
    ck_assert_mem_eq(parent, seen[0], 8);
    ck_assert_int_ne(memcmp(child, parent, 8), 0);
}
END_TEST

/* Sealing remembers the last key's id; a different key must not get it. */
START_TEST(test_key_id_cache)
{
    uint8_t id[8], oid[8];

    packed_key_id(key, id);
    packed_key_id(other_key, oid);
    ck_assert_int_ne(memcmp(id, oid, 8), 0);
    for (int i = 0; i < 6; i++) {
        const uint8_t *k = i % 3 == 1 ? other_key : key;
        struct packed_header hdr;
        uint8_t *blob;
        size_t len;

        if (i == 4) packed_forget();
        ck_assert_int_eq(packed_seal(k, "NTLM", PACKED_ROLE_SERVER, "x", 1, &blob, &len), SHIM_OK);
        ck_assert_int_eq(packed_peek(blob, len, &hdr), SHIM_OK);
        ck_assert_mem_eq(hdr.key_id, k == key ? id : oid, 8);
        ck_assert_int_eq(packed_verify(k, blob, len), SHIM_OK);
        sys_caller_free(blob);
    }
}
END_TEST

START_TEST(test_seal_arguments)
{
    uint8_t *blob = SENTINEL;
    size_t len = 77;

    ck_assert_int_eq(packed_seal(key, "NTLM", 0, "x", 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_ptr_null(blob);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(packed_seal(key, "NTLM", 3, "x", 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(key, "", 1, "x", 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(key, "abcdefghijklmnopqrstuvwxyz0123456", 1, "x", 1, &blob, &len),
                     SHIM_E_INVALID_PARAMETER);   /* 33 */
    ck_assert_int_eq(packed_seal(key, "NT\nLM", 1, "x", 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(key, "Caf\xc3\xa9", 1, "x", 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(key, NULL, 1, "x", 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(NULL, "NTLM", 1, "x", 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(key, "NTLM", 1, NULL, 1, &blob, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(key, "NTLM", 1, "x", 1, NULL, &len), SHIM_E_INVALID_PARAMETER);
    ck_assert_int_eq(packed_seal(key, "NTLM", 1, "x", 1, &blob, NULL), SHIM_E_INVALID_PARAMETER);
    ck_assert_ptr_null(blob);
}
END_TEST

START_TEST(test_package_equal)
{
    static const shim_wchar w_ntlm[] = { 'n', 'T', 'l', 'M', 0 };
    static const shim_wchar w_accent[] = { 'n', 't', 'l', 0xe9, 0 };
    static const shim_wchar w_long[] = { 'N', 'T', 'L', 'M', 'X', 0 };
    /* 'S' + 0x100 must not fold to 's' by truncation. */
    static const shim_wchar w_trunc[] = { 'N', 'T', 'L', 'M' + 0x100, 0 };

    ck_assert_int_eq(packed_package_equal("NTLM", "ntlm"), 1);
    ck_assert_int_eq(packed_package_equal("Negotiate", "NEGOTIATE"), 1);
    ck_assert_int_eq(packed_package_equal("NTLM", "NTLMX"), 0);
    ck_assert_int_eq(packed_package_equal("NTLMX", "NTLM"), 0);
    ck_assert_int_eq(packed_package_equal("NTLM", "Kerberos"), 0);
    ck_assert_int_eq(packed_package_equal("[", "{"), 0);   /* 0x5b vs 0x7b: not letters */
    ck_assert_int_eq(packed_package_equal("NTLM", NULL), 0);
    ck_assert_int_eq(packed_package_equal_w("NTLM", w_ntlm), 1);
    ck_assert_int_eq(packed_package_equal_w("ntlm", w_accent), 0);
    ck_assert_int_eq(packed_package_equal_w("NTLM", w_long), 0);
    ck_assert_int_eq(packed_package_equal_w("NTLM", w_trunc), 0);
    ck_assert_int_eq(packed_package_equal_w("NTLM", NULL), 0);
}
END_TEST

/* ---- Limits ------------------------------------------------------------- */

START_TEST(test_payload_limit)
{
    uint8_t *payload = malloc(PACKED_PAYLOAD_MAX + 1), *blob = SENTINEL, *out;
    size_t len = 5, olen;

    ck_assert_ptr_nonnull(payload);
    rng_fill(payload, 4096);
    memset(payload + 4096, 0x42, PACKED_PAYLOAD_MAX + 1 - 4096);
    ck_assert_int_eq(packed_seal(key, "NTLM", 1, payload, PACKED_PAYLOAD_MAX + 1, &blob, &len),
                     SHIM_E_CANNOT_PACK);
    ck_assert_ptr_null(blob);
    ck_assert_uint_eq(len, 0);

    ck_assert_int_eq(packed_seal(key, "NTLM", 1, payload, PACKED_PAYLOAD_MAX, &blob, &len), SHIM_OK);
    ck_assert_int_eq(packed_open(key, blob, len, NULL, &out, &olen), SHIM_OK);
    ck_assert_uint_eq(olen, PACKED_PAYLOAD_MAX);
    ck_assert_mem_eq(out, payload, PACKED_PAYLOAD_MAX);
    packed_free_payload(out, olen);

    /* A header claiming one byte more, with a blob of the matching length:
     * refused before any authentication or allocation. */
    uint8_t *big = malloc(len + 1);
    ck_assert_ptr_nonnull(big);
    memcpy(big, blob, len);
    big[len] = 0;
    big[34] = 0x01; big[35] = 0x00; big[36] = 0x10; big[37] = 0x00;   /* L = 2^20 + 1 */
    ck_assert_int_eq(packed_peek(big, len + 1, NULL), SHIM_E_INVALID_TOKEN);
    ck_assert_int_eq(open_expect_nothing(key, big, len + 1), SHIM_E_INVALID_TOKEN);
    free(big);
    sys_caller_free(blob);
    free(payload);
}
END_TEST

/* ---- Rejects ------------------------------------------------------------ */

START_TEST(test_truncated)
{
    uint8_t payload[241];
    size_t len;
    uint8_t *blob = sample(&len, payload);

    for (size_t cut = 0; cut < len; cut++) {
        /* A copy of exactly cut bytes, so ASan sees any read past it. */
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, blob, cut);
        ck_assert_msg(open_expect_nothing(key, copy, cut) == SHIM_E_INVALID_TOKEN, "cut to %zu", cut);
        ck_assert_int_eq(packed_peek(copy, cut, NULL), SHIM_E_INVALID_TOKEN);
        ck_assert_int_eq(packed_verify(key, copy, cut), SHIM_E_INVALID_TOKEN);
        free(copy);
    }
    ck_assert_int_eq(open_expect_nothing(key, NULL, 0), SHIM_E_INVALID_TOKEN);
    ck_assert_int_eq(open_expect_nothing(key, NULL, 300), SHIM_E_INVALID_TOKEN);
    sys_caller_free(blob);
}
END_TEST

START_TEST(test_padded)
{
    uint8_t payload[241], *padded = malloc(300 + 64);
    size_t len;
    uint8_t *blob = sample(&len, payload);

    for (size_t extra = 1; extra <= 64; extra++) {
        memcpy(padded, blob, len);
        if (extra % 2) memset(padded + len, 0, extra);
        else rng_fill(padded + len, extra);
        ck_assert_msg(open_expect_nothing(key, padded, len + extra) == SHIM_E_INVALID_TOKEN,
                      "padded by %zu", extra);
        ck_assert_int_eq(packed_peek(padded, len + extra, NULL), SHIM_E_INVALID_TOKEN);
    }
    free(padded);
    sys_caller_free(blob);
}
END_TEST

/* What a flipped bit at each offset of the sample must give (n = 9). */
static shim_status expected_for_offset(size_t off)
{
    if (off < 4) return SHIM_E_INVALID_TOKEN;              /* magic */
    if (off < 8) return SHIM_E_UNSUPPORTED_FUNCTION;       /* version, flags (but see below) */
    if (off < 10) return SHIM_E_INVALID_TOKEN;             /* role, n */
    if (off < 19) return -1;                               /* name: either */
    if (off < 27) return SHIM_E_DECRYPT_FAILURE;           /* key id */
    if (off < 39) return SHIM_E_MESSAGE_ALTERED;           /* nonce */
    if (off < 43) return SHIM_E_INVALID_TOKEN;             /* L */
    return SHIM_E_MESSAGE_ALTERED;                         /* ciphertext, tag */
}

START_TEST(test_bit_flips)
{
    uint8_t payload[241];
    size_t len;
    uint8_t *blob = sample(&len, payload);

    for (size_t bit = 0; bit < 8 * len; bit++) {
        size_t off = bit / 8;
        shim_status want = expected_for_offset(off), got;

        /* The flag bit that names the AEAD: the other AEAD's tag fails. */
        if (bit == 8 * 6) want = SHIM_E_MESSAGE_ALTERED;

        blob[off] ^= (uint8_t)(1u << bit % 8);
        got = open_expect_nothing(key, blob, len);
        ck_assert_msg(got != SHIM_OK, "bit %zu flipped was accepted", bit);
        if (want != -1)
            ck_assert_msg(got == want, "bit %zu (offset %zu): got %08x, want %08x",
                          bit, off, (unsigned)got, (unsigned)want);
        else
            /* A name byte stays printable (altered) or does not (invalid). */
            ck_assert_msg(got == SHIM_E_MESSAGE_ALTERED || got == SHIM_E_INVALID_TOKEN,
                          "bit %zu: got %08x", bit, (unsigned)got);
        ck_assert_int_eq(packed_verify(key, blob, len), got);
        blob[off] ^= (uint8_t)(1u << bit % 8);
    }
    ck_assert_int_eq(open_expect_nothing(key, blob, len), SHIM_OK);
    sys_caller_free(blob);
}
END_TEST

START_TEST(test_wrong_key)
{
    uint8_t payload[241];
    size_t len;
    uint8_t *blob = sample(&len, payload);
    struct packed_header hdr;
    uint8_t *out = SENTINEL;
    size_t olen = 1;

    ck_assert_int_eq(packed_open(other_key, blob, len, &hdr, &out, &olen), SHIM_E_DECRYPT_FAILURE);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(olen, 0);
    ck_assert_str_eq(hdr.package, "Negotiate");   /* the header still reads */
    ck_assert_int_eq(packed_verify(other_key, blob, len), SHIM_E_DECRYPT_FAILURE);
    sys_caller_free(blob);
}
END_TEST

/* A header field changed consistently (still well formed) is caught by the
 * tag, since the whole header is the AAD. */
START_TEST(test_relabelled)
{
    uint8_t payload[241];
    size_t len;
    uint8_t *blob = sample(&len, payload);

    blob[8] = PACKED_ROLE_CLIENT;
    ck_assert_int_eq(open_expect_nothing(key, blob, len), SHIM_E_MESSAGE_ALTERED);
    blob[8] = PACKED_ROLE_SERVER;
    memcpy(blob + 10, "NEGOTIATE", 9);
    ck_assert_int_eq(open_expect_nothing(key, blob, len), SHIM_E_MESSAGE_ALTERED);
    memcpy(blob + 10, "Negotiate", 9);
    ck_assert_int_eq(open_expect_nothing(key, blob, len), SHIM_OK);
    sys_caller_free(blob);
}
END_TEST

START_TEST(test_version_bump)
{
    uint8_t payload[241];
    size_t len;
    uint8_t *blob = sample(&len, payload);
    struct packed_header hdr;

    for (unsigned v = 0; v < 0x10000; v += v < 8 ? 1 : 0x1111) {
        if (v == PACKED_VERSION) continue;
        blob[4] = (uint8_t)v;
        blob[5] = (uint8_t)(v >> 8);
        ck_assert_int_eq(open_expect_nothing(key, blob, len), SHIM_E_UNSUPPORTED_FUNCTION);
        ck_assert_int_eq(packed_peek(blob, len, &hdr), SHIM_E_UNSUPPORTED_FUNCTION);
        ck_assert_uint_eq(hdr.version, v);   /* reported, for the message */
        /* A later version may be laid out differently: no other check may
         * pre-empt this one, however short the blob. */
        ck_assert_int_eq(packed_peek(blob, 6, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    }
    blob[4] = 1;
    blob[5] = 0;
    for (unsigned f = 2; f < 0x10000; f <<= 1) {   /* every flag but the AEAD's */
        blob[6] = (uint8_t)(f | aead);
        blob[7] = (uint8_t)(f >> 8);
        ck_assert_int_eq(open_expect_nothing(key, blob, len), SHIM_E_UNSUPPORTED_FUNCTION);
    }
    sys_caller_free(blob);
}
END_TEST

START_TEST(test_not_packed)
{
    uint8_t junk[300];
    static const uint8_t ntlm[] = "NTLMSSP\0\x03\0\0\0";

    for (int run = 0; run < 100; run++) {
        rng_fill(junk, sizeof(junk));
        if (!memcmp(junk, "SSPX", 4)) continue;
        ck_assert_int_eq(open_expect_nothing(key, junk, (size_t)(rng() % sizeof(junk))), SHIM_E_INVALID_TOKEN);
    }
    ck_assert_int_eq(open_expect_nothing(key, ntlm, sizeof(ntlm)), SHIM_E_INVALID_TOKEN);
    ck_assert_int_eq(open_expect_nothing(key, "SSP", 3), SHIM_E_INVALID_TOKEN);
    ck_assert_int_eq(open_expect_nothing(key, "sspx\1\0\0\0", 8), SHIM_E_INVALID_TOKEN);
}
END_TEST

/* ---- Layout ------------------------------------------------------------- */

/* Key 00..1f, nonce a0..ab, "NTLM", server, this payload: the bytes every
 * build must produce, 32- or 64-bit, Windows or not. */
static const char golden_payload[] = "sspishim golden payload, 39 bytes long!";
static const char golden_hex_gcm[] =
    "53535058 0100 0100 02 04 4e544c4d"   /* as below, flags 1: AES-256-GCM */
    "3a7463c6b2aa11ea"
    "a0a1a2a3a4a5a6a7a8a9aaab"
    "27000000"
    "956b0c4436a36bd24202e8bf631faefe00cd207cfdd62640bc3d1fa61dd20164"
    "a1562b90c14572"                      /* ciphertext (OpenSSL agrees) */
    "d5f6d82bab17db3678f9341363223124";   /* tag */
static const char golden_hex[] =
    "53535058 0100 0000 02 04 4e544c4d"   /* magic, version, flags, role, n, "NTLM" */
    "3a7463c6b2aa11ea"                    /* key id */
    "a0a1a2a3a4a5a6a7a8a9aaab"            /* nonce */
    "27000000"                            /* payload length, 39 */
    "7fd808363e8eabc080689c78989f93dbed3faad32c0b048f94ebe291131bb769"
    "1fa07ae5c0aede"                      /* ciphertext */
    "a97f22bb9647c9c49467fd8b9b311485";   /* tag */

START_TEST(test_golden)
{
    uint8_t k[32], nonce[12], *blob, want[256], *out;
    size_t len, wlen, olen;

    for (int i = 0; i < 32; i++) k[i] = (uint8_t)i;
    for (int i = 0; i < 12; i++) nonce[i] = (uint8_t)(0xa0 + i);
    ck_assert_int_eq(packed_seal_with_nonce(k, nonce, "NTLM", PACKED_ROLE_SERVER, golden_payload,
                                            sizeof(golden_payload) - 1, &blob, &len), SHIM_OK);
    wlen = unhex(aead ? golden_hex_gcm : golden_hex, want, sizeof(want));
    ck_assert_uint_eq(len, wlen);
    ck_assert_mem_eq(blob, want, len);
    ck_assert_int_eq(packed_open(k, want, wlen, NULL, &out, &olen), SHIM_OK);
    ck_assert_mem_eq(out, golden_payload, sizeof(golden_payload) - 1);
    packed_free_payload(out, olen);
    sys_caller_free(blob);
}
END_TEST

/* The fields sit where packed.h says, and the sealed part is plain RFC 8439
 * or SP 800-38D (checked with OpenSSL) over exactly the header bytes as AAD. */
START_TEST(test_layout)
{
    uint8_t payload[77], nonce[12], *blob, id[8], ct[77], tag[16];
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    size_t len;
    int olen;

    rng_fill(payload, sizeof(payload));
    rng_fill(nonce, sizeof(nonce));
    ck_assert_int_eq(packed_seal_with_nonce(key, nonce, "Kerberos", PACKED_ROLE_CLIENT, payload,
                                            sizeof(payload), &blob, &len), SHIM_OK);
    ck_assert_uint_eq(len, 50 + 8 + 77);
    ck_assert_mem_eq(blob, aead ? "SSPX\x01\x00\x01\x00\x01\x08" "Kerberos" : "SSPX\x01\x00\x00\x00\x01\x08" "Kerberos", 18);
    packed_key_id(key, id);
    ck_assert_mem_eq(blob + 18, id, 8);
    ck_assert_mem_eq(blob + 26, nonce, 12);
    ck_assert_mem_eq(blob + 38, "\x4d\x00\x00\x00", 4);

    /* The key id is the keystream where packed.h says it is. */
    uint8_t block[64], ff[12];
    memset(ff, 0xff, sizeof(ff));
    crypto_chacha20_block(key, ff, 0xffffffffu, block);
    ck_assert_mem_eq(id, block, 8);

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_EncryptInit_ex(ctx, aead ? EVP_aes_256_gcm() : EVP_chacha20_poly1305(), NULL, key, nonce), 1);
    ck_assert_int_eq(EVP_EncryptUpdate(ctx, NULL, &olen, blob, 42), 1);
    ck_assert_int_eq(EVP_EncryptUpdate(ctx, ct, &olen, payload, sizeof(payload)), 1);
    ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, ct, &olen), 1);
    ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag), 1);
    EVP_CIPHER_CTX_free(ctx);
    ck_assert_mem_eq(blob + 42, ct, sizeof(ct));
    ck_assert_mem_eq(blob + 42 + 77, tag, 16);
    sys_caller_free(blob);
}
END_TEST

static void use_chacha(void) { aead = 0; ck_assert_uint_eq(packed_use_aead(0), 0); }
static void use_gcm(void) { aead = PACKED_FLAG_AES_GCM; ck_assert_uint_eq(packed_use_aead(aead), aead); }

static Suite *packed_suite(const char *name, void (*use)(void))
{
    Suite *s = suite_create(name);
    TCase *tc;

    tc = tcase_create("Core");
    tcase_add_unchecked_fixture(tc, keys_setup, NULL);
    tcase_add_checked_fixture(tc, use, NULL);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_role_and_package);
    tcase_add_test(tc, test_empty_payload);
    tcase_add_test(tc, test_no_plaintext);
    tcase_add_test(tc, test_fresh_nonces);
    tcase_add_test(tc, test_nonces);
    tcase_add_test(tc, test_key_id_cache);
    tcase_add_test(tc, test_seal_arguments);
    tcase_add_test(tc, test_package_equal);
    suite_add_tcase(s, tc);

    tc = tcase_create("Limits");
    tcase_add_unchecked_fixture(tc, keys_setup, NULL);
    tcase_add_checked_fixture(tc, use, NULL);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_payload_limit);
    suite_add_tcase(s, tc);

    tc = tcase_create("Rejects");
    tcase_add_unchecked_fixture(tc, keys_setup, NULL);
    tcase_add_checked_fixture(tc, use, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_padded);
    tcase_add_test(tc, test_bit_flips);
    tcase_add_test(tc, test_wrong_key);
    tcase_add_test(tc, test_relabelled);
    tcase_add_test(tc, test_version_bump);
    tcase_add_test(tc, test_not_packed);
    suite_add_tcase(s, tc);

    tc = tcase_create("Layout");
    tcase_add_unchecked_fixture(tc, keys_setup, NULL);
    tcase_add_checked_fixture(tc, use, NULL);
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_layout);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite(packed_suite("packed, ChaCha20-Poly1305", use_chacha));

    return run_suite(packed_suite("packed, AES-256-GCM", use_gcm)) || failed;
}
