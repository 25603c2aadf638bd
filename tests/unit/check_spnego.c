/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPNEGO tokens: what we write reads back, known encodings (Windows' final
 * accept-completed token, a hand-assembled NegTokenInit2), and malformed
 * input of every kind: truncations, corruptions, fields out of order or
 * repeated, unknown fields and states, trailing bytes.  Every input is an
 * exactly-sized heap copy, so ASan catches any read past it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/der.h"
#include "sspishim/spnego.h"

#include "testutil.h"

static const struct bytes_span ntlm = { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) };
static const struct bytes_span krb5 = { spnego_oid_krb5, sizeof(spnego_oid_krb5) };
static const struct bytes_span mskrb5 = { spnego_oid_mskrb5, sizeof(spnego_oid_mskrb5) };

static int decode_copy(const void *p, size_t n, struct spnego_token *t)
{
    uint8_t *d = malloc(n ? n : 1);
    int rc;

    ck_assert_ptr_nonnull(d);
    if (n) memcpy(d, p, n);
    rc = spnego_decode(d, n, t);
    free(d);
    return rc;
}

/* A framed NegTokenInit offering mechs, with an optional token and MIC. */
static void make_init(struct bytes_writer *w, const struct bytes_span *mechs, size_t n, const char *token,
                      const char *mic)
{
    struct bytes_writer types;
    struct bytes_span tok = { (const uint8_t *)token, token ? strlen(token) : 0 };
    struct bytes_span m = { (const uint8_t *)mic, mic ? strlen(mic) : 0 };

    bytes_writer_init_heap(&types, BYTES_NO_LIMIT);
    ck_assert_int_eq(spnego_encode_mech_types(&types, mechs, n), SPNEGO_OK);
    bytes_writer_init_heap(w, BYTES_NO_LIMIT);
    ck_assert_int_eq(spnego_encode_init(w, bytes_writer_span(&types), token ? &tok : NULL, mic ? &m : NULL),
                     SPNEGO_OK);
    bytes_writer_free(&types);
}

/* ---- Tokens we write ----------------------------------------------------------- */

START_TEST(init_round_trip)
{
    struct bytes_span mechs[] = { krb5, ntlm };
    struct bytes_writer w;
    struct spnego_token t;

    make_init(&w, mechs, 2, "NTLMSSP\0negotiate", "0123456789abcdef");
    ck_assert_int_eq(spnego_decode(w.buf, w.len, &t), SPNEGO_OK);   /* spans borrow w */
    ck_assert_int_eq(t.kind, SPNEGO_INIT);
    ck_assert(t.framed);
    ck_assert_uint_eq(t.n_mechs, 2);
    ck_assert_mem_eq(t.mechs[0].p, spnego_oid_krb5, sizeof(spnego_oid_krb5));
    ck_assert_mem_eq(t.mechs[1].p, spnego_oid_ntlm, sizeof(spnego_oid_ntlm));
    ck_assert(t.has_token && t.has_mic);
    ck_assert_uint_eq(t.token.len, 7);   /* strlen stops at the NUL */
    ck_assert_mem_eq(t.mic.p, "0123456789abcdef", 16);
    /* mech_types is the DER SEQUENCE OF, as the MIC covers it */
    ck_assert_uint_eq(t.mech_types.len, 2 + 2 + 9 + 2 + 10);
    ck_assert_uint_eq(t.mech_types.p[0], 0x30);
    ck_assert_int_eq(t.neg_state, SPNEGO_STATE_ABSENT);
    bytes_writer_free(&w);

    make_init(&w, &ntlm, 1, NULL, NULL);
    ck_assert_int_eq(decode_copy(w.buf, w.len, &t), SPNEGO_OK);
    ck_assert(!t.has_token && !t.has_mic);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(init_bytes)
{
    /* Assembled by hand from RFC 4178 4.2 and RFC 2743 3.1. */
    static const uint8_t want[] = {
        0x60, 0x1c, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,
        0xa0, 0x12, 0x30, 0x10,
        0xa0, 0x0e, 0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a,
    };
    struct bytes_writer w;

    make_init(&w, &ntlm, 1, NULL, NULL);
    ck_assert_uint_eq(w.len, sizeof(want));
    ck_assert_mem_eq(w.buf, want, sizeof(want));
    bytes_writer_free(&w);
}
END_TEST

START_TEST(resp_round_trip)
{
    struct bytes_writer w;
    struct spnego_token t;
    struct bytes_span tok = { (const uint8_t *)"challenge", 9 }, mic = { (const uint8_t *)"mic!", 4 };

    for (int state = SPNEGO_STATE_ABSENT; state <= SPNEGO_REQUEST_MIC; state++) {
        for (int mask = 0; mask < 8; mask++) {
            bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
            ck_assert_int_eq(spnego_encode_resp(&w, state, (mask & 1) ? &ntlm : NULL, (mask & 2) ? &tok : NULL,
                                                (mask & 4) ? &mic : NULL), SPNEGO_OK);
            ck_assert_int_eq(spnego_decode(w.buf, w.len, &t), SPNEGO_OK);   /* spans borrow w */
            ck_assert_int_eq(t.kind, SPNEGO_RESP);
            ck_assert(!t.framed);
            ck_assert_int_eq(t.neg_state, state);
            ck_assert_uint_eq(t.supported_mech.len, (mask & 1) ? sizeof(spnego_oid_ntlm) : 0);
            ck_assert(t.has_token == !!(mask & 2));
            ck_assert(t.has_mic == !!(mask & 4));
            if (mask & 2) ck_assert_mem_eq(t.token.p, "challenge", 9);
            if (mask & 4) ck_assert_mem_eq(t.mic.p, "mic!", 4);
            bytes_writer_free(&w);
        }
    }
}
END_TEST

START_TEST(accept_completed_bytes)
{
    /* "oQcwBaADCgEA": the final token Windows servers send in HTTP. */
    static const uint8_t want[] = { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
    struct bytes_writer w;
    struct spnego_token t;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(spnego_encode_resp(&w, SPNEGO_ACCEPT_COMPLETED, NULL, NULL, NULL), SPNEGO_OK);
    ck_assert_uint_eq(w.len, sizeof(want));
    ck_assert_mem_eq(w.buf, want, sizeof(want));
    bytes_writer_free(&w);
    ck_assert_int_eq(decode_copy(want, sizeof(want), &t), SPNEGO_OK);
    ck_assert_int_eq(t.neg_state, SPNEGO_ACCEPT_COMPLETED);
    ck_assert(!t.has_token && !t.has_mic && !t.supported_mech.len);
}
END_TEST

START_TEST(large_token)
{
    /* A token past 64 KiB needs a three-byte length everywhere. */
    size_t n = 70000;
    char *big = malloc(n + 1);
    struct bytes_writer w;
    struct spnego_token t;

    ck_assert_ptr_nonnull(big);
    memset(big, 'A', n);
    big[n] = 0;
    make_init(&w, &ntlm, 1, big, NULL);
    ck_assert_int_eq(decode_copy(w.buf, w.len, &t), SPNEGO_OK);
    ck_assert_uint_eq(t.token.len, n);
    bytes_writer_free(&w);
    free(big);
}
END_TEST

/* ---- Tokens others write --------------------------------------------------------- */

START_TEST(neg_token_init2)
{
    /* A server's hint (MS-SPNG 2.2.1): mechTypes, then negHints [3] with a
     * hintName, no token. */
    static const char hint[] = "not_defined_in_RFC4178@please_ignore";
    uint8_t buf[256];
    size_t n = 0, seq_at, ctx_at, app_at;

    buf[n++] = 0x60; app_at = n++;
    memcpy(buf + n, "\x06\x06\x2b\x06\x01\x05\x05\x02", 8); n += 8;
    buf[n++] = 0xa0; ctx_at = n++;
    buf[n++] = 0x30; seq_at = n++;
    memcpy(buf + n, "\xa0\x18\x30\x16\x06\x09\x2a\x86\x48\x82\xf7\x12\x01\x02\x02"
                    "\x06\x09\x2a\x86\x48\x86\xf7\x12\x01\x02\x02", 26); n += 26;
    buf[n++] = 0xa3; buf[n++] = (uint8_t)(sizeof(hint) - 1 + 6);
    buf[n++] = 0x30; buf[n++] = (uint8_t)(sizeof(hint) - 1 + 4);
    buf[n++] = 0xa0; buf[n++] = (uint8_t)(sizeof(hint) - 1 + 2);
    buf[n++] = 0x1b; buf[n++] = (uint8_t)(sizeof(hint) - 1);
    memcpy(buf + n, hint, sizeof(hint) - 1); n += sizeof(hint) - 1;
    buf[seq_at] = (uint8_t)(n - seq_at - 1);
    buf[ctx_at] = (uint8_t)(n - ctx_at - 1);
    buf[app_at] = (uint8_t)(n - app_at - 1);

    struct spnego_token t;
    ck_assert_int_eq(decode_copy(buf, n, &t), SPNEGO_OK);
    ck_assert_int_eq(spnego_decode(buf, n, &t), SPNEGO_OK);   /* spans borrow buf */
    ck_assert_int_eq(t.kind, SPNEGO_INIT);
    ck_assert_uint_eq(t.n_mechs, 2);
    ck_assert_mem_eq(t.mechs[0].p, mskrb5.p, mskrb5.len);
    ck_assert(!t.has_token && !t.has_mic);
}
END_TEST

START_TEST(bare_init)
{
    /* An unframed NegTokenInit is read too (some peers send one). */
    struct bytes_writer w;
    struct spnego_token t;

    make_init(&w, &ntlm, 1, "tok", NULL);
    ck_assert_int_eq(decode_copy(w.buf + 10, w.len - 10, &t), SPNEGO_OK);
    ck_assert(!t.framed);
    ck_assert_int_eq(t.kind, SPNEGO_INIT);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(ntlmssp_detection)
{
    ck_assert(spnego_is_ntlmssp("NTLMSSP\0\1\0\0\0", 12));
    ck_assert(spnego_is_ntlmssp("NTLMSSP", 8));
    ck_assert(!spnego_is_ntlmssp("NTLMSSP", 7));
    ck_assert(!spnego_is_ntlmssp("NTLMSSQ\0", 8));
    ck_assert(!spnego_is_ntlmssp(NULL, 8));
}
END_TEST

/* ---- Malformed ------------------------------------------------------------------- */

START_TEST(every_truncation)
{
    struct bytes_span mechs[] = { mskrb5, krb5, ntlm };
    struct bytes_writer w;
    struct spnego_token t;

    make_init(&w, mechs, 3, "NTLMSSP-negotiate", "mic-bytes-16....");
    for (size_t n = 0; n < w.len; n++)
        ck_assert_int_ne(decode_copy(w.buf, n, &t), SPNEGO_OK);
    /* and one byte too many */
    uint8_t *more = malloc(w.len + 1);
    memcpy(more, w.buf, w.len);
    more[w.len] = 0;
    ck_assert_int_ne(decode_copy(more, w.len + 1, &t), SPNEGO_OK);
    free(more);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(every_corruption)
{
    /* Each byte replaced by a few values: never a crash or an out-of-range
     * read, and whatever decodes has its spans inside the input. */
    static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0x81, 0x84, 0xff };
    struct bytes_span tok = { (const uint8_t *)"abc", 3 }, mic = { (const uint8_t *)"m", 1 };
    struct bytes_writer w;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(spnego_encode_resp(&w, SPNEGO_ACCEPT_INCOMPLETE, &ntlm, &tok, &mic), SPNEGO_OK);
    for (size_t i = 0; i < w.len; i++) {
        for (size_t v = 0; v < sizeof(values); v++) {
            uint8_t *d = malloc(w.len);
            struct spnego_token t;
            memcpy(d, w.buf, w.len);
            d[i] = values[v];
            if (spnego_decode(d, w.len, &t) == SPNEGO_OK && t.has_token)
                ck_assert(t.token.p >= d && t.token.p + t.token.len <= d + w.len);
            free(d);
        }
    }
    bytes_writer_free(&w);
}
END_TEST

static int decode_hex(const char *hex)
{
    uint8_t buf[256];
    size_t n = 0;
    struct spnego_token t;

    for (; *hex; hex += 2) {
        unsigned v;
        if (*hex == ' ') { hex--; continue; }
        ck_assert(sscanf(hex, "%2x", &v) == 1);
        buf[n++] = (uint8_t)v;
    }
    return decode_copy(buf, n, &t);
}

START_TEST(bad_structures)
{
    /* the good one these are made from: {accept-incomplete, token "a"} */
    ck_assert_int_eq(decode_hex("a1 0c 30 0a a0 03 0a 01 01 a2 03 04 01 61"), SPNEGO_OK);
    /* fields out of order, and repeated */
    ck_assert_int_eq(decode_hex("a1 0c 30 0a a2 03 04 01 61 a0 03 0a 01 01"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("a1 0c 30 0a a0 03 0a 01 01 a0 03 0a 01 01"), SPNEGO_ERR_STRUCTURE);
    /* an unknown field [4] and an unknown negState (4) */
    ck_assert_int_eq(decode_hex("a1 07 30 05 a4 03 04 01 61"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("a1 07 30 05 a0 03 0a 01 04"), SPNEGO_ERR_STRUCTURE);
    /* a primitive tag where a field must be, a field with two elements */
    ck_assert_int_eq(decode_hex("a1 05 30 03 80 01 00"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("a1 0a 30 08 a2 06 04 01 61 04 01 62"), SPNEGO_ERR_DER);
    /* the wrong type inside a field */
    ck_assert_int_eq(decode_hex("a1 07 30 05 a2 03 0a 01 01"), SPNEGO_ERR_STRUCTURE);
    /* not a SEQUENCE, another CHOICE, trailing bytes after the token */
    ck_assert_int_eq(decode_hex("a1 02 31 00"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("a2 02 30 00"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("a1 02 30 00 00"), SPNEGO_ERR_DER);
    ck_assert_int_eq(decode_hex("a1 04 30 00 05 00"), SPNEGO_ERR_DER);
    /* an empty NegTokenResp is allowed by the grammar */
    ck_assert_int_eq(decode_hex("a1 02 30 00"), SPNEGO_OK);
    /* NegTokenInit without mechTypes, with an empty list, with a bad OID */
    ck_assert_int_eq(decode_hex("a0 07 30 05 a2 03 04 01 61"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("a0 06 30 04 a0 02 30 00"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("a0 09 30 07 a0 05 30 03 06 01 80"), SPNEGO_ERR_DER);
    /* reqFlags: a good BIT STRING, then bad ones */
    ck_assert_int_eq(decode_hex("a0 11 30 0f a0 08 30 06 06 04 2b 06 01 05 a1 03 03 01 00"), SPNEGO_OK);
    ck_assert_int_eq(decode_hex("a0 12 30 10 a0 08 30 06 06 04 2b 06 01 05 a1 04 03 02 08 00"), SPNEGO_ERR_DER);
    ck_assert_int_eq(decode_hex("a0 10 30 0e a0 08 30 06 06 04 2b 06 01 05 a1 02 03 00"), SPNEGO_ERR_DER);
    /* [4] mechListMIC after a [3] mechListMIC */
    ck_assert_int_eq(decode_hex("a0 16 30 14 a0 08 30 06 06 04 2b 06 01 05 a3 03 04 01 61 a4 03 04 01 62"),
                     SPNEGO_ERR_STRUCTURE);
    /* framed: another mechanism's OID, a framed NegTokenResp, bytes after */
    ck_assert_int_eq(decode_hex("60 0d 06 06 2b 06 01 05 05 03 a0 03 30 01 00"), SPNEGO_ERR_NOT_SPNEGO);
    ck_assert_int_eq(decode_hex("60 0c 06 06 2b 06 01 05 05 02 a1 02 30 00"), SPNEGO_ERR_STRUCTURE);
    ck_assert_int_eq(decode_hex("60 0c 06 06 2b 06 01 05 05 02 a1 02 30 00 00"), SPNEGO_ERR_DER);
    ck_assert_int_eq(decode_hex("60 08 06 06 2b 06 01 05 05 02"), SPNEGO_ERR_DER);
    /* nothing at all */
    ck_assert_int_eq(decode_hex(""), SPNEGO_ERR_DER);
    struct spnego_token t;
    ck_assert_int_eq(spnego_decode(NULL, 5, &t), SPNEGO_ERR_DER);
}
END_TEST

START_TEST(too_many_mechs)
{
    struct bytes_span mechs[SPNEGO_MAX_MECHS + 1];
    struct bytes_writer w;
    struct spnego_token t;

    for (size_t i = 0; i <= SPNEGO_MAX_MECHS; i++)
        mechs[i] = ntlm;
    make_init(&w, mechs, SPNEGO_MAX_MECHS, NULL, NULL);
    ck_assert_int_eq(decode_copy(w.buf, w.len, &t), SPNEGO_OK);
    ck_assert_uint_eq(t.n_mechs, SPNEGO_MAX_MECHS);
    bytes_writer_free(&w);
    make_init(&w, mechs, SPNEGO_MAX_MECHS + 1, NULL, NULL);
    ck_assert_int_eq(decode_copy(w.buf, w.len, &t), SPNEGO_ERR_TOO_MANY);
    ck_assert_uint_eq(t.n_mechs, 0);
    bytes_writer_free(&w);
    ck_assert_str_eq(spnego_strerror(SPNEGO_ERR_TOO_MANY), "too many mechanisms");
}
END_TEST

START_TEST(writer_failures)
{
    uint8_t small[8];
    struct bytes_writer w;
    struct bytes_span tok = { (const uint8_t *)"0123456789", 10 };

    bytes_writer_init(&w, small, sizeof(small));
    ck_assert_int_eq(spnego_encode_resp(&w, SPNEGO_ACCEPT_INCOMPLETE, &ntlm, &tok, NULL), SPNEGO_ERR_WRITER);
    ck_assert(w.failed);
    bytes_writer_init(&w, small, sizeof(small));
    ck_assert_int_eq(spnego_encode_mech_types(&w, &ntlm, 1), SPNEGO_ERR_WRITER);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spnego");
    TCase *tc;

    tc = tcase_create("Ours");
    tcase_add_test(tc, init_round_trip);
    tcase_add_test(tc, init_bytes);
    tcase_add_test(tc, resp_round_trip);
    tcase_add_test(tc, accept_completed_bytes);
    tcase_add_test(tc, large_token);
    suite_add_tcase(s, tc);
    tc = tcase_create("Theirs");
    tcase_add_test(tc, neg_token_init2);
    tcase_add_test(tc, bare_init);
    tcase_add_test(tc, ntlmssp_detection);
    suite_add_tcase(s, tc);
    tc = tcase_create("Malformed");
    tcase_add_test(tc, every_truncation);
    tcase_add_test(tc, every_corruption);
    tcase_add_test(tc, bad_structures);
    tcase_add_test(tc, too_many_mechs);
    tcase_add_test(tc, writer_failures);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
