/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Real replies of an MIT KDC (krb_captured.h): decoded, opened with the
 * password they were made for, fed to the AS state machine; then cut at
 * every byte and mutated at random, where every decoder must refuse or
 * accept cleanly.  Inputs are exact-size heap copies, so ASan and valgrind
 * see any read past their end. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/der.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_msg.h"

#define TESTUTIL_RNG_SEED 0x6b72622d6d736731ull
#include "krb_captured.h"
#include "testutil.h"

#define PW KRB_CAP_PASSWORD
#define CAP(a) { a, sizeof(a) }
static const struct { const uint8_t *p; size_t len; } captured[] = {
    CAP(krb_cap_preauth_required), CAP(krb_cap_as_rep_aes256), CAP(krb_cap_as_rep_rc4),
    CAP(krb_cap_as_rep_nopreauth), CAP(krb_cap_tgs_rep), CAP(krb_cap_err_server_unknown),
    CAP(krb_cap_err_client_unknown), CAP(krb_cap_err_skew),
};
#define N_CAPTURED (sizeof(captured) / sizeof(captured[0]))

static uint8_t *dup_bytes(const void *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(d);
    if (n) memcpy(d, p, n);
    return d;
}

/* Every top-level decoder on the same bytes; how many accepted them. */
static int decode_all(const uint8_t *p, size_t n)
{
    struct krb_kdc_rep *rep = malloc(sizeof(*rep));
    struct krb_kdc_req *req = malloc(sizeof(*req));
    struct krb_error err;
    struct krb_ticket t;
    struct krb_enc_kdc_rep enc;
    struct krb_etype_info2 info[8];
    struct krb_padata pa[KRB_PADATA_MAX];
    struct bytes_reader r;
    size_t cnt;
    int ok = 0;

    bytes_reader_init(&r, p, n);
    ok += !krb_kdc_rep_decode(&r, rep) && !bytes_remaining(&r);
    bytes_reader_init(&r, p, n);
    ok += !krb_kdc_req_decode(&r, req) && !bytes_remaining(&r);
    bytes_reader_init(&r, p, n);
    if (!krb_error_decode(&r, &err) && !bytes_remaining(&r)) {
        ok++;
        bytes_reader_init(&r, err.e_data.p, err.e_data.len);
        if (!krb_padata_decode(&r, pa, &cnt))
            for (size_t i = 0; i < cnt; i++) {
                bytes_reader_init(&r, pa[i].value.p, pa[i].value.len);
                krb_etype_info2_decode(&r, info, 8, &cnt);
                break;
            }
    }
    bytes_reader_init(&r, p, n);
    ok += !krb_ticket_decode(&r, &t) && !bytes_remaining(&r);
    bytes_reader_init(&r, p, n);
    ok += !krb_enc_kdc_rep_decode(&r, &enc) && !bytes_remaining(&r);
    crypto_wipe(&enc, sizeof(enc));
    free(rep);
    free(req);
    return ok;
}

/* Opens an AS-REP with the password and the salt MIT uses (realm + name). */
static void open_as_rep(const uint8_t *msg, size_t len, const char *salt, uint32_t usage, const struct krb_key *k_in,
                        struct krb_kdc_rep *rep, struct krb_enc_kdc_rep *enc)
{
    struct krb_key k;
    struct bytes_reader r;
    uint8_t *plain;
    size_t plen;

    bytes_reader_init(&r, msg, len);
    ck_assert_int_eq(krb_kdc_rep_decode(&r, rep), 0);
    ck_assert_uint_eq(bytes_remaining(&r), 0);
    if (k_in)
        k = *k_in;
    else
        ck_assert_int_eq(krb_crypto_string_to_key(rep->enc.etype, PW, strlen(PW), (const uint8_t *)salt, strlen(salt),
                                                  NULL, 0, &k), 0);
    ck_assert_int_eq(krb_open(&k, usage, &rep->enc, &plain, &plen), 0);
    bytes_reader_init(&r, plain, plen);
    ck_assert_int_eq(krb_enc_kdc_rep_decode(&r, enc), 0);
    /* Cut short anywhere, the plaintext is refused. */
    for (size_t i = 0; i < r.pos; i++) {
        uint8_t *cut = dup_bytes(plain, i);
        struct krb_enc_kdc_rep e2;
        struct bytes_reader c;
        bytes_reader_init(&c, cut, i);
        ck_assert_int_ne(krb_enc_kdc_rep_decode(&c, &e2), 0);
        free(cut);
    }
    crypto_wipe(plain, plen);
    free(plain);
    crypto_wipe(&k, sizeof(k));
}

START_TEST(test_preauth_required)
{
    struct krb_error e;
    struct krb_padata pa[KRB_PADATA_MAX];
    const struct krb_padata *p;
    struct krb_etype_info2 info[8];
    struct bytes_reader r;
    size_t n;

    bytes_reader_init(&r, krb_cap_preauth_required, sizeof(krb_cap_preauth_required));
    ck_assert_int_eq(krb_error_decode(&r, &e), 0);
    ck_assert_int_eq(e.code, KDC_ERR_PREAUTH_REQUIRED);
    ck_assert_str_eq(e.realm, "SSPI.TEST");
    bytes_reader_init(&r, e.e_data.p, e.e_data.len);
    ck_assert_int_eq(krb_padata_decode(&r, pa, &n), 0);
    ck_assert_ptr_nonnull(p = krb_padata_find(pa, n, KRB_PA_ETYPE_INFO2));
    ck_assert_ptr_nonnull(krb_padata_find(pa, n, KRB_PA_ENC_TIMESTAMP));
    bytes_reader_init(&r, p->value.p, p->value.len);
    ck_assert_int_eq(krb_etype_info2_decode(&r, info, 8, &n), 0);
    ck_assert_int_eq(info[0].etype, 18);
    ck_assert(info[0].has_salt && info[0].salt.len == 12 && !memcmp(info[0].salt.p, "SSPI.TESTu18", 12));
}
END_TEST

START_TEST(test_as_and_tgs_replies)
{
    struct krb_kdc_rep *rep = malloc(sizeof(*rep));
    struct krb_enc_kdc_rep enc, enc2;
    char text[64];

    open_as_rep(krb_cap_as_rep_aes256, sizeof(krb_cap_as_rep_aes256), "SSPI.TESTu18", KRB_KU_AS_REP_ENC, NULL, rep, &enc);
    ck_assert_str_eq(krb_principal_text(&enc.sname, text, sizeof(text)), "krbtgt/SSPI.TEST");
    ck_assert_str_eq(krb_principal_text(&rep->cname, text, sizeof(text)), "u18");
    ck_assert_int_eq(enc.key.etype, 18);
    ck_assert(enc.endtime > enc.authtime);
    open_as_rep(krb_cap_as_rep_rc4, sizeof(krb_cap_as_rep_rc4), "", KRB_KU_AS_REP_ENC, NULL, rep, &enc);
    ck_assert_int_eq(rep->enc.etype, 23);
    ck_assert_int_eq(enc.key.etype, 23);
    /* The TGS-REP was sealed under the session key of this AS-REP. */
    open_as_rep(krb_cap_as_rep_nopreauth, sizeof(krb_cap_as_rep_nopreauth), "SSPI.TESTnopreauth", KRB_KU_AS_REP_ENC,
                NULL, rep, &enc);
    open_as_rep(krb_cap_tgs_rep, sizeof(krb_cap_tgs_rep), NULL, KRB_KU_TGS_REP_ENC, &enc.key, rep, &enc2);
    ck_assert_int_eq(rep->msg_type, KRB_TAG_TGS_REP);
    ck_assert_str_eq(krb_principal_text(&enc2.sname, text, sizeof(text)), "HTTP/localhost");
    ck_assert_str_eq(krb_principal_text(&rep->ticket.sname, text, sizeof(text)), "HTTP/localhost");
    ck_assert(rep->ticket.enc.has_kvno);
    crypto_wipe(&enc, sizeof(enc));
    crypto_wipe(&enc2, sizeof(enc2));
    free(rep);
}
END_TEST

START_TEST(test_errors)
{
    static const struct { const uint8_t *p; size_t len; int32_t code; int status; } cases[] = {
        { krb_cap_err_server_unknown, sizeof(krb_cap_err_server_unknown), 7, KRB_E_SERVER_UNKNOWN },
        { krb_cap_err_client_unknown, sizeof(krb_cap_err_client_unknown), 6, KRB_E_CLIENT_UNKNOWN },
        { krb_cap_err_skew, sizeof(krb_cap_err_skew), 37, KRB_E_SKEW },
    };
    struct krb_error e;
    struct bytes_reader r;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bytes_reader_init(&r, cases[i].p, cases[i].len);
        ck_assert_int_eq(krb_error_decode(&r, &e), 0);
        ck_assert_int_eq(e.code, cases[i].code);
        ck_assert_int_eq(krb_status_from_kdc_error(e.code), cases[i].status);
    }
    ck_assert_int_eq(krb_status_from_kdc_error(KDC_ERR_PREAUTH_FAILED), KRB_E_LOGON_DENIED);
    ck_assert_int_eq(krb_status_from_kdc_error(KRB_AP_ERR_BAD_INTEGRITY), KRB_E_LOGON_DENIED);
    ck_assert_int_eq(krb_status_from_kdc_error(KRB_ERR_RESPONSE_TOO_BIG), KRB_E_RESPONSE_TOO_BIG);
}
END_TEST

/* The AS state machine offline: PREAUTH_REQUIRED gives an AS-REQ with a
 * timestamp the captured salt's key opens; the captured AS-REP then opens
 * but answers another nonce. */
START_TEST(test_as_state_machine)
{
    static const int32_t aes256[] = { 18 };
    struct krb_as *as = malloc(sizeof(*as));
    struct krb_kdc_req *req = malloc(sizeof(*req));
    struct bytes_writer w;
    struct bytes_reader r;
    struct krb_enc_data ed;
    uint8_t *plain;
    size_t plen;
    int64_t t;
    uint32_t usec;

    ck_assert_int_eq(krb_as_init(as, "u18", "SSPI.TEST", PW, strlen(PW), aes256, 1), 0);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_as_step(as, NULL, 0, &w), KRB_CONTINUE);
    bytes_writer_free(&w);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_as_step(as, krb_cap_preauth_required, sizeof(krb_cap_preauth_required), &w), KRB_CONTINUE);
    bytes_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(krb_kdc_req_decode(&r, req), 0);
    ck_assert_uint_eq(req->nonce, as->nonce);
    ck_assert_uint_eq(req->n_pa, 1);
    bytes_reader_init(&r, req->pa[0].value.p, req->pa[0].value.len);
    ck_assert_int_eq(krb_enc_data_decode(&r, &ed), 0);
    ck_assert_int_eq(krb_open(&as->key, KRB_KU_PA_ENC_TS, &ed, &plain, &plen), 0);
    bytes_reader_init(&r, plain, plen);
    ck_assert_int_eq(krb_pa_enc_ts_decode(&r, &t, &usec), 0);
    ck_assert(t > 1796310102);
    free(plain);
    bytes_writer_free(&w);
    ck_assert_int_eq(krb_as_step(as, krb_cap_as_rep_aes256, sizeof(krb_cap_as_rep_aes256), &w), KRB_E_MODIFIED);
    ck_assert_int_eq(krb_as_step(as, krb_cap_as_rep_aes256, sizeof(krb_cap_as_rep_aes256), &w), KRB_E_STATE);
    krb_as_free(as);
    /* The wrong password shows when the AS-REP does not open. */
    ck_assert_int_eq(krb_as_init(as, "u18", "SSPI.TEST", "nope", 4, aes256, 1), 0);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_as_step(as, NULL, 0, &w), KRB_CONTINUE);
    ck_assert_int_eq(krb_as_step(as, krb_cap_as_rep_aes256, sizeof(krb_cap_as_rep_aes256), &w), KRB_E_LOGON_DENIED);
    krb_as_free(as);
    bytes_writer_free(&w);
    free(req);
    free(as);
}
END_TEST

/* A TGS-REQ made with the TGT of the captured AS-REP: its authenticator
 * opens under the session key (usage 7) and its checksum (usage 6) covers
 * the req-body exactly as sent. */
START_TEST(test_tgs_request)
{
    struct krb_kdc_rep *rep = malloc(sizeof(*rep));
    struct krb_kdc_req *req = malloc(sizeof(*req));
    struct krb_tgs *tgs = malloc(sizeof(*tgs));
    struct krb_enc_kdc_rep enc;
    struct krb_creds tgt = { 0 };
    struct krb_ap_req ap;
    struct krb_authenticator a;
    struct krb_error e = { .code = KRB_ERR_RESPONSE_TOO_BIG, .stime = 1796310102 };
    struct bytes_writer w, ew;
    struct bytes_reader r;
    uint8_t *plain;
    size_t plen;
    char text[64];

    open_as_rep(krb_cap_as_rep_nopreauth, sizeof(krb_cap_as_rep_nopreauth), "SSPI.TESTnopreauth", KRB_KU_AS_REP_ENC,
                NULL, rep, &enc);
    tgt.key = enc.key;
    strcpy(tgt.crealm, rep->crealm);
    tgt.cname = rep->cname;
    tgt.ticket = (uint8_t *)rep->ticket.whole.p;
    tgt.ticket_len = rep->ticket.whole.len;
    ck_assert_int_eq(krb_tgs_init(tgs, &tgt, "HTTP/localhost", NULL), 0);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_tgs_step(tgs, NULL, 0, &w), KRB_CONTINUE);
    bytes_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(krb_kdc_req_decode(&r, req), 0);
    ck_assert_int_eq(req->msg_type, KRB_TAG_TGS_REQ);
    ck_assert(!req->has_cname);
    ck_assert_str_eq(krb_principal_text(&req->sname, text, sizeof(text)), "HTTP/localhost");
    ck_assert_int_eq(req->pa[0].type, KRB_PA_TGS_REQ);
    bytes_reader_init(&r, req->pa[0].value.p, req->pa[0].value.len);
    ck_assert_int_eq(krb_ap_req_decode(&r, &ap), 0);
    ck_assert_uint_eq(ap.ticket.whole.len, tgt.ticket_len);
    ck_assert_mem_eq(ap.ticket.whole.p, tgt.ticket, tgt.ticket_len);
    ck_assert_int_eq(krb_open(&tgt.key, KRB_KU_TGS_REQ_AUTH, &ap.authenticator, &plain, &plen), 0);
    bytes_reader_init(&r, plain, plen);
    ck_assert_int_eq(krb_authenticator_decode(&r, &a), 0);
    ck_assert_str_eq(krb_principal_text(&a.cname, text, sizeof(text)), "nopreauth");
    ck_assert(a.has_cksum);
    ck_assert_int_eq(krb_crypto_verify_checksum(&tgt.key, KRB_KU_TGS_REQ_CKSUM, a.cksum.type, req->body.p,
                                                req->body.len, a.cksum.value.p, a.cksum.value.len), 0);
    free(plain);
    /* RESPONSE_TOO_BIG leaves the exchange where it was; the real reply,
     * made for another nonce, is then refused. */
    strcpy(e.realm, "SSPI.TEST");
    krb_principal_parse("krbtgt/SSPI.TEST", KRB_NT_SRV_INST, &e.sname);
    bytes_writer_init_heap(&ew, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_error_encode(&ew, &e), 0);
    ck_assert_int_eq(krb_tgs_step(tgs, ew.buf, ew.len, &w), KRB_E_RESPONSE_TOO_BIG);
    ck_assert_int_eq(krb_tgs_step(tgs, krb_cap_tgs_rep, sizeof(krb_cap_tgs_rep), &w), KRB_E_MODIFIED);
    krb_tgs_free(tgs);
    bytes_writer_free(&ew);
    bytes_writer_free(&w);
    crypto_wipe(&enc, sizeof(enc));
    crypto_wipe(&tgt, sizeof(tgt));
    free(rep);
    free(req);
    free(tgs);
}
END_TEST

START_TEST(test_truncation)
{
    for (size_t m = 0; m < N_CAPTURED; m++) {
        for (size_t n = 0; n < captured[m].len; n++) {
            uint8_t *cut = dup_bytes(captured[m].p, n);
            ck_assert_msg(decode_all(cut, n) == 0, "message %zu cut at %zu accepted", m, n);
            free(cut);
        }
        uint8_t *whole = dup_bytes(captured[m].p, captured[m].len);
        ck_assert_int_eq(decode_all(whole, captured[m].len), 1);
        free(whole);
    }
}
END_TEST

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
    for (unsigned k = 1 + rng() % 4; k; k--) {
        size_t at = len ? rng() % len : 0, n;
        switch (rng() % 4) {
        case 0: if (len) buf[at] ^= (uint8_t)(1u << (rng() % 8)); break;
        case 1: if (len) buf[at] = (uint8_t)rng(); break;
        case 2:                                     /* delete a run */
            n = 1 + rng() % 8;
            if (at + n <= len) { memmove(buf + at, buf + at + n, len - at - n); len -= n; }
            break;
        default:                                    /* insert a run */
            n = 1 + rng() % 8;
            if (len + n <= cap) { memmove(buf + at + n, buf + at, len - at); rng_fill(buf + at, n); len += n; }
        }
    }
    return len;
}

START_TEST(test_mutation)
{
    static const int32_t rc4[] = { 23 };
    uint8_t buf[1024];
    struct krb_as *as = malloc(sizeof(*as));
    struct bytes_writer w;
    int accepted = 0;

    for (int i = 0; i < 3000; i++) {
        size_t m = rng() % N_CAPTURED, len;
        uint8_t *copy;
        memcpy(buf, captured[m].p, captured[m].len);
        len = mutate(buf, captured[m].len, sizeof(buf));
        copy = dup_bytes(buf, len);
        accepted += decode_all(copy, len);
        /* Every few, the AS state machine (rc4: no PBKDF2 to wait for). */
        if (i % 10 == 0) {
            int rc;
            ck_assert_int_eq(krb_as_init(as, "u23", "SSPI.TEST", PW, strlen(PW), rc4, 1), 0);
            bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
            ck_assert_int_eq(krb_as_step(as, NULL, 0, &w), KRB_CONTINUE);
            rc = krb_as_step(as, copy, len, &w);
            ck_assert_msg(rc < 0 || rc == KRB_CONTINUE, "mutated reply %d gave %d", i, rc);
            bytes_writer_free(&w);
            krb_as_free(as);
        }
        free(copy);
    }
    /* Most mutations break the message; some (inside a ciphertext or a
     * string) leave it well formed.  Both kinds were seen. */
    ck_assert_int_gt(accepted, 0);
    ck_assert_int_lt(accepted, 3000);
    free(as);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("krb_msg_captured");
    TCase *tc = tcase_create("Captured");

    tcase_add_test(tc, test_preauth_required);
    tcase_add_test(tc, test_as_and_tgs_replies);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_as_state_machine);
    tcase_add_test(tc, test_tgs_request);
    suite_add_tcase(s, tc);
    tc = tcase_create("Limits");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_truncation);
    tcase_add_test(tc, test_mutation);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
