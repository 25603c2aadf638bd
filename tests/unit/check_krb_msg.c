/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 4120 messages: the DER value types they add, round trips of messages
 * built by hand, and bytes written by hand.
 * Real replies of an MIT KDC, their truncation and mutation:
 * check_krb_msg_captured.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/der.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_msg.h"

#include "testutil.h"

#define READER(r, arr) struct bytes_reader r; bytes_reader_init(&r, (arr), sizeof(arr))

/* ---- DER values ----------------------------------------------------------- */

static void int_round_trip(int64_t v, const char *hex)
{
    uint8_t buf[16];
    struct bytes_writer w;
    struct bytes_reader r;
    int64_t got;

    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(der_put_int64(&w, v), 0);
    ck_assert_hex_eq(buf, hex);
    bytes_reader_init(&r, buf, w.len);
    ck_assert_int_eq(der_read_int64(&r, &got), 0);
    ck_assert(got == v);
    ck_assert_uint_eq(bytes_remaining(&r), 0);
}

START_TEST(test_integers)
{
    static const uint8_t padded[] = { 0x02, 0x02, 0x00, 0x05 }, padded_neg[] = { 0x02, 0x02, 0xff, 0x80 };
    static const uint8_t empty[] = { 0x02, 0x00 }, big[] = { 0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00 };
    static const uint8_t neg[] = { 0x02, 0x04, 0x80, 0x00, 0x00, 0x00 };
    int64_t v;
    int32_t i32;
    uint32_t u32;

    int_round_trip(0, "020100");
    int_round_trip(127, "02017f");
    int_round_trip(128, "02020080");
    int_round_trip(-1, "0201ff");
    int_round_trip(-128, "020180");
    int_round_trip(-129, "0202ff7f");
    int_round_trip(INT32_MAX, "02047fffffff");
    int_round_trip(INT32_MIN, "020480000000");
    int_round_trip(UINT32_MAX, "020500ffffffff");
    { READER(r, padded); ck_assert_int_eq(der_read_int64(&r, &v), DER_ERR_VALUE); ck_assert(r.failed); }
    { READER(r, padded_neg); ck_assert_int_eq(der_read_int64(&r, &v), DER_ERR_VALUE); }
    { READER(r, empty); ck_assert_int_eq(der_read_int64(&r, &v), DER_ERR_VALUE); }
    { READER(r, big); ck_assert_int_eq(der_read_int32(&r, &i32), DER_ERR_VALUE); }
    { READER(r, big); ck_assert_int_eq(der_read_uint32(&r, &u32), DER_ERR_VALUE); }
    /* A negative nonce is taken as its bit pattern, as MIT does. */
    { READER(r, neg); ck_assert_int_eq(der_read_uint32(&r, &u32), 0); ck_assert_uint_eq(u32, 0x80000000u); }
    { READER(r, neg); ck_assert_int_eq(der_read_int32(&r, &i32), 0); ck_assert_int_eq(i32, INT32_MIN); }
}
END_TEST

static void time_round_trip(int64_t t, const char *text)
{
    uint8_t buf[32];
    struct bytes_writer w;
    struct bytes_reader r;
    int64_t got;

    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(der_put_time(&w, t), 0);
    ck_assert_uint_eq(w.len, 17);
    ck_assert_uint_eq(buf[0], DER_GENERALIZED_TIME);
    ck_assert_mem_eq(buf + 2, text, 15);
    bytes_reader_init(&r, buf, w.len);
    ck_assert_int_eq(der_read_time(&r, &got), 0);
    ck_assert(got == t);
}

static int read_time_text(const char *text)
{
    uint8_t buf[40];
    struct bytes_reader r;
    int64_t t;
    size_t n = strlen(text);

    buf[0] = DER_GENERALIZED_TIME;
    buf[1] = (uint8_t)n;
    memcpy(buf + 2, text, n);
    bytes_reader_init(&r, buf, n + 2);
    return der_read_time(&r, &t);
}

START_TEST(test_times)
{
    uint8_t buf[32];
    struct bytes_writer w;

    time_round_trip(0, "19700101000000Z");
    time_round_trip(951782400, "20000229000000Z");          /* a leap day of a /400 year */
    time_round_trip(1796310102, "20261203150142Z");
    time_round_trip(253402300799, "99991231235959Z");
    ck_assert_int_eq(read_time_text("20230229000000Z"), DER_ERR_VALUE);    /* not a leap year */
    ck_assert_int_eq(read_time_text("21000229000000Z"), DER_ERR_VALUE);
    ck_assert_int_eq(read_time_text("20261203150142"), DER_ERR_VALUE);
    ck_assert_int_eq(read_time_text("20261203150142.5Z"), DER_ERR_VALUE);
    ck_assert_int_eq(read_time_text("20261203240000Z"), DER_ERR_VALUE);
    ck_assert_int_eq(read_time_text("2026120315014-Z"), DER_ERR_VALUE);
    ck_assert_int_eq(read_time_text("19691231235959Z"), DER_ERR_VALUE);
    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(der_put_time(&w, -1), DER_ERR_VALUE);
    ck_assert_int_eq(der_put_time(&w, 253402300800), DER_ERR_VALUE);
}
END_TEST

START_TEST(test_strings_flags_nesting)
{
    static const uint8_t nul[] = { 0x1b, 0x03, 'a', 0, 'b' };
    static const uint8_t short_bits[] = { 0x03, 0x02, 0x00, 0x40 };
    static const uint8_t bad_unused[] = { 0x03, 0x05, 0x08, 0, 0, 0, 0 };
    static const uint8_t long_bits[] = { 0x03, 0x06, 0x00, 0x40, 0x81, 0x00, 0x01, 0xff };
    struct bytes_span s;
    struct bytes_writer w;
    struct bytes_reader r, f;
    uint32_t flags;
    uint8_t tag;

    { READER(r1, nul); ck_assert_int_eq(der_read_kstring(&r1, &s), DER_ERR_VALUE); }
    { READER(r1, short_bits); ck_assert_int_eq(der_read_flags(&r1, &flags), DER_ERR_VALUE); }
    { READER(r1, bad_unused); ck_assert_int_eq(der_read_flags(&r1, &flags), DER_ERR_VALUE); }
    { READER(r1, long_bits); ck_assert_int_eq(der_read_flags(&r1, &flags), 0); ck_assert_uint_eq(flags, 0x40810001u); }
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(der_put_flags(&w, KRB_FLAG(1) | KRB_FLAG(31)), 0);
    ck_assert_hex_eq(w.buf, "0305004000 0001");
    bytes_writer_free(&w);
    /* Nesting across the short/long length boundaries. */
    for (size_t n = 0; n < 300; n += 37) {
        size_t m;
        bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
        ck_assert_int_eq(bytes_put_u8(&w, 0xee), 0);
        m = der_begin(&w);
        ck_assert_int_eq(bytes_put_zeros(&w, n), 0);
        ck_assert_int_eq(der_wrap(&w, m, DER_CONTEXT(5)), 0);
        bytes_reader_init(&r, w.buf + 1, w.len - 1);
        ck_assert_int_eq(der_read(&r, &tag, &f, NULL), 0);
        ck_assert_uint_eq(tag, DER_CONTEXT(5));
        ck_assert_uint_eq(f.len, n);
        ck_assert_uint_eq(bytes_remaining(&r), 0);
        bytes_writer_free(&w);
    }
}
END_TEST

/* ---- messages built by hand --------------------------------------------- */

START_TEST(test_principal_bytes)
{
    struct krb_principal p, q;
    struct bytes_writer w;
    struct bytes_reader r;
    char text[64];

    ck_assert_int_eq(krb_principal_parse("krbtgt/SSPI.TEST", KRB_NT_SRV_INST, &p), 0);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_principal_encode(&w, &p), 0);
    /* Worked out by hand from RFC 4120 5.2.2. */
    ck_assert_uint_eq(w.len, 30);
    ck_assert_hex_eq(w.buf, "301c a003020102 a1153013 1b066b7262746774 1b09535350492e54455354");
    bytes_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(krb_principal_decode(&r, &q), 0);
    ck_assert(krb_principal_equal(&p, &q));
    ck_assert_str_eq(krb_principal_text(&q, text, sizeof(text)), "krbtgt/SSPI.TEST");
    bytes_writer_free(&w);
    ck_assert_int_ne(krb_principal_parse("a//b", 1, &p), 0);
    ck_assert_int_ne(krb_principal_parse("a/b/c/d/e", 1, &p), 0);
    ck_assert_int_ne(krb_principal_parse("", 1, &p), 0);
}
END_TEST

START_TEST(test_kdc_req_round_trip)
{
    static const int32_t etypes[] = { 18, 17, 23 };
    struct krb_principal c, s;
    struct bytes_writer body, w;
    struct bytes_reader r;
    struct krb_padata pa = { .type = KRB_PA_ENC_TIMESTAMP, .value = { (const uint8_t *)"\x30\x00", 2 } };
    struct krb_kdc_req *q = malloc(sizeof(*q));

    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &c);
    krb_principal_parse("krbtgt/SSPI.TEST", KRB_NT_SRV_INST, &s);
    struct krb_kdc_req_body b = { .options = KRB_KDC_OPT_FORWARDABLE, .cname = &c, .realm = "SSPI.TEST",
                                  .sname = &s, .till = 1796310102, .nonce = 0x7fffffff, .etypes = etypes,
                                  .n_etypes = 3 };
    bytes_writer_init_heap(&body, BYTES_NO_LIMIT);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_kdc_req_body_encode(&body, &b), 0);
    ck_assert_int_eq(krb_kdc_req_encode(&w, KRB_TAG_AS_REQ, &pa, 1, bytes_writer_span(&body)), 0);
    ck_assert_uint_eq(w.buf[0], 0x6a);
    bytes_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(krb_kdc_req_decode(&r, q), 0);
    ck_assert_int_eq(q->msg_type, KRB_TAG_AS_REQ);
    ck_assert_uint_eq(q->n_pa, 1);
    ck_assert_int_eq(q->pa[0].type, KRB_PA_ENC_TIMESTAMP);
    ck_assert_uint_eq(q->options, KRB_KDC_OPT_FORWARDABLE);
    ck_assert(q->has_cname && krb_principal_equal(&q->cname, &c));
    ck_assert(krb_principal_equal(&q->sname, &s));
    ck_assert_str_eq(q->realm, "SSPI.TEST");
    ck_assert(q->till == 1796310102);
    ck_assert_uint_eq(q->nonce, 0x7fffffff);
    ck_assert_uint_eq(q->n_etypes, 3);
    ck_assert_int_eq(q->etypes[2], 23);
    /* The body as received is the body as sent: what a TGS checksum covers. */
    ck_assert_uint_eq(q->body.len, body.len);
    ck_assert_mem_eq(q->body.p, body.buf, body.len);
    bytes_writer_free(&body);
    bytes_writer_free(&w);
    free(q);
}
END_TEST

/* An AS-REP made here the way a KDC makes one, and opened again. */
START_TEST(test_kdc_rep_round_trip)
{
    struct krb_key client = { 0 };
    struct krb_enc_kdc_rep e = { .nonce = 42, .flags = KRB_FLAG(1), .authtime = 1796310102,
                                 .endtime = 1796310102 + 36000, .has_renew_till = true, .renew_till = 1796400000 };
    struct krb_kdc_rep *rep = calloc(2, sizeof(*rep)), *got = rep + 1;
    struct krb_enc_kdc_rep out;
    struct bytes_writer plain, w;
    struct bytes_reader r;
    uint8_t *sealed, *opened;
    size_t sealed_len, opened_len;

    ck_assert_int_eq(krb_crypto_string_to_key(18, "pw", 2, (const uint8_t *)"SSPI.TESTalice", 14, NULL, 0, &client), 0);
    e.key.etype = 17;
    e.key.len = 16;
    memset(e.key.bytes, 0x5a, 16);
    strcpy(e.srealm, "SSPI.TEST");
    krb_principal_parse("krbtgt/SSPI.TEST", KRB_NT_SRV_INST, &e.sname);
    bytes_writer_init_heap(&plain, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_enc_kdc_rep_encode(&plain, KRB_TAG_ENC_AS_REP_PART, &e), 0);
    ck_assert_int_eq(krb_seal(&client, KRB_KU_AS_REP_ENC, bytes_writer_span(&plain), &sealed, &sealed_len), 0);
    rep->msg_type = KRB_TAG_AS_REP;
    strcpy(rep->crealm, "SSPI.TEST");
    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &rep->cname);
    strcpy(rep->ticket.realm, "SSPI.TEST");
    rep->ticket.sname = e.sname;
    rep->ticket.enc = (struct krb_enc_data){ .etype = 18, .has_kvno = true, .kvno = 1, .cipher = { sealed, 20 } };
    rep->enc = (struct krb_enc_data){ .etype = 18, .cipher = { sealed, sealed_len } };
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_kdc_rep_encode(&w, rep), 0);
    bytes_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(krb_kdc_rep_decode(&r, got), 0);
    ck_assert_uint_eq(got->ticket.enc.kvno, 1);
    ck_assert_int_eq(krb_open(&client, KRB_KU_TGS_REP_ENC, &got->enc, &opened, &opened_len), KRB_CRYPTO_BAD_INTEGRITY);
    ck_assert_int_eq(krb_open(&client, KRB_KU_AS_REP_ENC, &got->enc, &opened, &opened_len), 0);
    bytes_reader_init(&r, opened, opened_len);
    ck_assert_int_eq(krb_enc_kdc_rep_decode(&r, &out), 0);
    ck_assert_uint_eq(out.nonce, 42);
    ck_assert_mem_eq(out.key.bytes, e.key.bytes, 16);
    ck_assert(out.has_renew_till && out.renew_till == 1796400000 && !out.has_starttime);
    free(opened);
    free(sealed);
    bytes_writer_free(&w);
    bytes_writer_free(&plain);
    free(rep);
}
END_TEST

START_TEST(test_error_ap_req_round_trip)
{
    static const uint8_t salt[] = "SSPI.TESTalice";
    struct krb_etype_info2 info[2] = { { .etype = 18, .has_salt = true, .salt = { salt, 14 } },
                                       { .etype = 20, .s2kparams = { (const uint8_t *)"\0\0\x80\0", 4 } } }, gi[4];
    struct krb_padata pa = { .type = KRB_PA_ETYPE_INFO2 }, gpa[KRB_PADATA_MAX];
    struct krb_error e = { .stime = 1796310102, .susec = 999999, .code = KDC_ERR_PREAUTH_REQUIRED }, ge;
    struct krb_authenticator a = { .cusec = 5, .ctime = 1796310102, .has_cksum = true,
                                   .cksum = { 16, { salt, 12 } }, .has_seq = true, .seq = 0xffffffff }, ga;
    struct krb_enc_data enc = { .etype = 18, .cipher = { salt, 14 } };
    struct krb_ap_req ap;
    struct bytes_writer wi, wm, we, wt;
    struct bytes_reader r;
    size_t n;
    int32_t code;

    bytes_writer_init_heap(&wi, BYTES_NO_LIMIT);
    bytes_writer_init_heap(&wm, BYTES_NO_LIMIT);
    bytes_writer_init_heap(&we, BYTES_NO_LIMIT);
    bytes_writer_init_heap(&wt, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_etype_info2_encode(&wi, info, 2), 0);
    pa.value = bytes_writer_span(&wi);
    ck_assert_int_eq(krb_padata_encode(&wm, &pa, 1), 0);
    e.e_data = bytes_writer_span(&wm);
    strcpy(e.realm, "SSPI.TEST");
    krb_principal_parse("krbtgt/SSPI.TEST", KRB_NT_SRV_INST, &e.sname);
    ck_assert_int_eq(krb_error_encode(&we, &e), 0);
    bytes_reader_init(&r, we.buf, we.len);
    ck_assert_int_eq(krb_error_decode(&r, &ge), 0);
    code = ge.code;
    ck_assert_int_eq(code, KDC_ERR_PREAUTH_REQUIRED);
    ck_assert_int_eq(krb_status_from_kdc_error(code), KRB_E_KDC);    /* the AS code's to act on */
    ck_assert_str_eq(ge.sname.comp[0], "krbtgt");
    ck_assert_uint_eq(ge.susec, 999999);
    bytes_reader_init(&r, ge.e_data.p, ge.e_data.len);
    ck_assert_int_eq(krb_padata_decode(&r, gpa, &n), 0);
    ck_assert_uint_eq(n, 1);
    bytes_reader_init(&r, gpa[0].value.p, gpa[0].value.len);
    ck_assert_int_eq(krb_etype_info2_decode(&r, gi, 4, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert(gi[0].has_salt && gi[0].salt.len == 14 && !gi[1].has_salt && gi[1].s2kparams.len == 4);
    /* AP-REQ with an authenticator, both ways. */
    strcpy(a.crealm, "SSPI.TEST");
    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &a.cname);
    ck_assert_int_eq(krb_authenticator_encode(&wt, &a), 0);
    bytes_reader_init(&r, wt.buf, wt.len);
    ck_assert_int_eq(krb_authenticator_decode(&r, &ga), 0);
    ck_assert(ga.has_cksum && ga.cksum.type == 16 && ga.has_seq && ga.seq == 0xffffffff && ga.cusec == 5);
    bytes_writer_free(&wt);
    bytes_writer_init_heap(&wt, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_ap_req_encode(&wt, 0, (struct bytes_span){ NULL, 0 }, &enc), 0);
    bytes_reader_init(&r, wt.buf, wt.len);
    ck_assert_int_ne(krb_ap_req_decode(&r, &ap), 0);        /* an empty ticket is no ticket */
    bytes_writer_free(&wi);
    bytes_writer_free(&wm);
    bytes_writer_free(&we);
    bytes_writer_free(&wt);
}
END_TEST

Suite *krb_msg_suite(void);

Suite *krb_msg_suite(void)
{
    Suite *s = suite_create("krb_msg");
    TCase *tc = tcase_create("DER values");

    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_times);
    tcase_add_test(tc, test_strings_flags_nesting);
    suite_add_tcase(s, tc);
    tc = tcase_create("Messages");
    tcase_add_test(tc, test_principal_bytes);
    tcase_add_test(tc, test_kdc_req_round_trip);
    tcase_add_test(tc, test_kdc_rep_round_trip);
    tcase_add_test(tc, test_error_ap_req_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_msg_suite());
}
