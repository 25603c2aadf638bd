/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos GSS-API mechanism in one process: the test plays the KDC
 * (it seals a ticket with a service key of its own), then our initiator
 * and our acceptor talk, for every etype, with and without mutual
 * authentication; per-message tokens both ways in each layout; and every
 * way a token can be bad.  RFC 4121 has no test vectors: the
 * interoperability with MIT's library is tests/kerberos/gss_interop.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_gss.h"
#include "sspishim/krb_msg.h"
#include "sspishim/sys.h"

#include "testutil.h"

static const int32_t etypes[] = { 17, 18, 19, 20, 23 };
static const uint8_t authz_bytes[] = { 0x30, 0x0d, 0x30, 0x0b, 0xa0, 0x03, 0x02, 0x01, 0x01,
                                       0xa1, 0x04, 0x04, 0x02, 0xab, 0xcd };

static int64_t now_secs(void)
{
    return (int64_t)(sys_filetime_now() / 10000000u) - INT64_C(11644473600);
}

static void random_key(int32_t etype, struct krb_key *k)
{
    uint8_t seed[KRB_KEY_MAX];
    size_t n = krb_crypto_key_size(etype);

    rng_fill(seed, n);
    ck_assert_int_eq(krb_crypto_random_to_key(etype, seed, n, k), 0);
}

/* A KDC of our own: a ticket for HTTP/localhost@SSPI.TEST sealed under
 * service, for alice, valid from start to end. */
static void make_creds(int32_t etype, const struct krb_key *service, int64_t start, int64_t end,
                       struct krb_creds *c)
{
    struct krb_enc_ticket et;
    struct krb_ticket t;
    struct bytes_writer w, tw;
    uint8_t *sealed;
    size_t sealed_len;

    memset(c, 0, sizeof(*c));
    memset(&et, 0, sizeof(et));
    random_key(etype, &c->key);
    strcpy(c->crealm, "SSPI.TEST");
    strcpy(c->srealm, "SSPI.TEST");
    ck_assert_int_eq(krb_principal_parse("alice", KRB_NT_PRINCIPAL, &c->cname), 0);
    ck_assert_int_eq(krb_principal_parse("HTTP/localhost", KRB_NT_SRV_INST, &c->sname), 0);
    c->authtime = start;
    c->endtime = end;
    et.flags = KRB_FLAG(1);
    et.key = c->key;
    strcpy(et.crealm, c->crealm);
    et.cname = c->cname;
    et.authtime = start;
    et.endtime = end;
    et.authz = (struct bytes_span){ authz_bytes, sizeof(authz_bytes) };
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_enc_ticket_encode(&w, &et), 0);
    ck_assert_int_eq(krb_seal(service, 2, bytes_writer_span(&w), &sealed, &sealed_len), 0);
    bytes_writer_free(&w);
    memset(&t, 0, sizeof(t));
    strcpy(t.realm, c->srealm);
    t.sname = c->sname;
    t.enc = (struct krb_enc_data){ .etype = service->etype, .has_kvno = true, .kvno = 3,
                                   .cipher = { sealed, sealed_len } };
    bytes_writer_init_heap(&tw, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_ticket_encode(&tw, &t), 0);
    c->ticket = malloc(tw.len);
    memcpy(c->ticket, tw.buf, tw.len);
    c->ticket_len = tw.len;
    bytes_writer_free(&tw);
    free(sealed);
}

struct keytab {
    struct krb_key key;
    int calls;
};

static int find_key(void *arg, const char *realm, const struct krb_principal *sname, int32_t etype, uint32_t kvno,
                    struct krb_key *out)
{
    struct keytab *kt = arg;
    char text[64];

    kt->calls++;
    if (strcmp(realm, "SSPI.TEST") || strcmp(krb_principal_text(sname, text, sizeof(text)), "HTTP/localhost") ||
        etype != kt->key.etype || kvno != 3)
        return -1;
    *out = kt->key;
    return 0;
}

/* A handshake: the contexts of both sides, established. */
struct pair {
    struct keytab kt;
    struct krb_creds creds;
    struct krb_gss_ctx ini, acc;
    struct krb_gss_acceptor a;
    struct bytes_writer req, rep;
};

static void pair_free(struct pair *p)
{
    krb_gss_ctx_free(&p->ini);
    krb_gss_ctx_free(&p->acc);
    krb_creds_free(&p->creds);
    bytes_writer_free(&p->req);
    bytes_writer_free(&p->rep);
}

static void pair_setup(struct pair *p, int32_t etype)
{
    int64_t now = now_secs();

    memset(p, 0, sizeof(*p));
    random_key(etype, &p->kt.key);
    make_creds(etype, &p->kt.key, now - 60, now + 3600, &p->creds);
    p->a = (struct krb_gss_acceptor){ .find_key = find_key, .find_key_arg = &p->kt };
    bytes_writer_init_heap(&p->req, BYTES_NO_LIMIT);
    bytes_writer_init_heap(&p->rep, BYTES_NO_LIMIT);
}

static void handshake(struct pair *p, int32_t etype, uint32_t flags)
{
    int rc;

    pair_setup(p, etype);
    rc = krb_gss_init_start(&p->ini, &p->creds, flags, NULL, 0, &p->req);
    ck_assert_int_eq(rc, (flags & KRB_GSS_MUTUAL) ? KRB_CONTINUE : KRB_OK);
    ck_assert_int_eq(krb_gss_accept(&p->acc, &p->a, p->req.buf, p->req.len, &p->rep), KRB_OK);
    if (flags & KRB_GSS_MUTUAL) {
        ck_assert_uint_gt(p->rep.len, 0);
        ck_assert_int_eq(krb_gss_init_step(&p->ini, p->rep.buf, p->rep.len), KRB_OK);
        /* RFC 4757 contexts keep the initiator's subkey (as MIT). */
        ck_assert(etype == 23 ? !p->acc.has_acc_subkey && !p->ini.has_acc_subkey
                              : p->acc.has_acc_subkey && p->ini.has_acc_subkey);
        ck_assert_mem_eq(p->acc.acc_subkey.bytes, p->ini.acc_subkey.bytes, p->acc.acc_subkey.len);
    } else {
        ck_assert_uint_eq(p->rep.len, 0);
    }
    ck_assert_int_eq(p->ini.state, KRB_GSS_ST_ESTABLISHED);
    ck_assert_int_eq(p->acc.state, KRB_GSS_ST_ESTABLISHED);
    ck_assert_mem_eq(p->acc.init_subkey.bytes, p->ini.init_subkey.bytes, p->ini.init_subkey.len);
}

/* ---- framing -------------------------------------------------------------- */

START_TEST(test_frame)
{
    static const uint8_t inner[] = { 0x6e, 0x01, 0x00 };
    static const uint8_t want[] = { 0x60, 0x10, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02,
                                    0x02, 0x01, 0x00, 0x6e, 0x01, 0x00 };
    uint8_t buf[64], bad[64];
    struct bytes_writer w;
    struct bytes_span got;
    uint16_t tok;

    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(krb_gss_frame_encode(&w, KRB_GSS_TOK_AP_REQ, (struct bytes_span){ inner, 3 }), 0);
    ck_assert_uint_eq(w.len, sizeof(want));
    ck_assert_mem_eq(buf, want, sizeof(want));
    ck_assert_int_eq(krb_gss_frame_decode((struct bytes_span){ buf, w.len }, &tok, &got), 0);
    ck_assert_uint_eq(tok, 0x0100);
    ck_assert_uint_eq(got.len, 3);
    ck_assert_mem_eq(got.p, inner, 3);
    /* Every truncation, a trailing byte, another OID, another outer tag. */
    for (size_t i = 0; i < w.len; i++)
        ck_assert_int_ne(krb_gss_frame_decode((struct bytes_span){ buf, i }, &tok, &got), 0);
    memcpy(bad, buf, w.len);
    bad[w.len] = 0;
    ck_assert_int_ne(krb_gss_frame_decode((struct bytes_span){ bad, w.len + 1 }, &tok, &got), 0);
    bad[12] = 0x03;     /* 1.2.840.113554.1.2.3 */
    ck_assert_int_ne(krb_gss_frame_decode((struct bytes_span){ bad, w.len }, &tok, &got), 0);
    memcpy(bad, buf, w.len);
    bad[0] = 0x61;
    ck_assert_int_ne(krb_gss_frame_decode((struct bytes_span){ bad, w.len }, &tok, &got), 0);
    /* The OID alone, no TOK_ID. */
    static const uint8_t short_tok[] = { 0x60, 0x0c, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02,
                                         0x02, 0x01 };
    ck_assert_int_ne(krb_gss_frame_decode((struct bytes_span){ short_tok, sizeof(short_tok) }, &tok, &got), 0);
    ck_assert_int_ne(krb_gss_frame_decode((struct bytes_span){ NULL, 0 }, &tok, &got), 0);
}
END_TEST

START_TEST(test_ap_rep_round_trip)
{
    struct krb_ap_rep_part p = { .ctime = 1796310102, .cusec = 123456, .has_subkey = true, .has_seq = true,
                                 .seq = 0x3fffffff }, g;
    struct krb_enc_data e = { .etype = 18, .cipher = { authz_bytes, 5 } }, ge;
    struct bytes_writer w;
    struct bytes_reader r;

    random_key(18, &p.subkey);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_ap_rep_part_encode(&w, &p), 0);
    bytes_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(krb_ap_rep_part_decode(&r, &g), 0);
    ck_assert(g.ctime == p.ctime && g.cusec == p.cusec && g.has_subkey && g.has_seq && g.seq == p.seq);
    ck_assert_mem_eq(g.subkey.bytes, p.subkey.bytes, 32);
    for (size_t i = 0; i < w.len; i++) {
        bytes_reader_init(&r, w.buf, i);
        ck_assert_int_ne(krb_ap_rep_part_decode(&r, &g), 0);
        ck_assert(all_zero(&g, sizeof(g)));
    }
    w.len = 0;
    ck_assert_int_eq(krb_ap_rep_encode(&w, &e), 0);
    ck_assert_uint_eq(w.buf[0], 0x6f);
    bytes_reader_init(&r, w.buf, w.len);
    ck_assert_int_eq(krb_ap_rep_decode(&r, &ge), 0);
    ck_assert_int_eq(ge.etype, 18);
    ck_assert_uint_eq(ge.cipher.len, 5);
    for (size_t i = 0; i < w.len; i++) {
        bytes_reader_init(&r, w.buf, i);
        ck_assert_int_ne(krb_ap_rep_decode(&r, &ge), 0);
    }
    bytes_writer_free(&w);
}
END_TEST

/* ---- handshake ------------------------------------------------------------ */

START_TEST(test_handshake_each_etype)
{
    int32_t etype = etypes[_i / 2];
    uint32_t flags = KRB_GSS_REPLAY | KRB_GSS_SEQUENCE | KRB_GSS_CONF | KRB_GSS_INTEG |
                     (_i % 2 ? KRB_GSS_MUTUAL : 0);
    struct pair p;
    char text[64];

    handshake(&p, etype, flags);
    ck_assert_int_eq(p.kt.calls, 1);
    ck_assert_str_eq(p.acc.crealm, "SSPI.TEST");
    ck_assert_str_eq(krb_principal_text(&p.acc.cname, text, sizeof(text)), "alice");
    ck_assert_str_eq(krb_principal_text(&p.acc.sname, text, sizeof(text)), "HTTP/localhost");
    ck_assert_uint_eq(p.acc.authz_len, sizeof(authz_bytes));
    ck_assert_mem_eq(p.acc.authz, authz_bytes, sizeof(authz_bytes));
    ck_assert_uint_eq(p.acc.flags & 0x3f, flags);
    ck_assert_uint_eq(p.ini.flags & 0x3f, flags);
    ck_assert(p.acc.endtime == p.creds.endtime);
    /* Each side's first number is what the other expects. */
    ck_assert(p.acc.recv_next == p.ini.send_seq);
    ck_assert(p.ini.recv_next == p.acc.send_seq);
    pair_free(&p);
}
END_TEST

START_TEST(test_delegation_never)
{
    struct pair p;

    handshake(&p, 18, KRB_GSS_DELEG | KRB_GSS_MUTUAL);
    ck_assert_uint_eq(p.acc.flags & KRB_GSS_DELEG, 0);
    pair_free(&p);
}
END_TEST

START_TEST(test_replayed_ap_req)
{
    struct pair p;
    struct krb_gss_ctx again;
    struct bytes_writer out;

    pair_setup(&p, 18);
    p.a.rcache = krb_replay_cache_new(16, KRB_GSS_SKEW);
    ck_assert_ptr_nonnull(p.a.rcache);
    ck_assert_int_eq(krb_gss_init_start(&p.ini, &p.creds, KRB_GSS_MUTUAL, NULL, 0, &p.req), KRB_CONTINUE);
    ck_assert_int_eq(krb_gss_accept(&p.acc, &p.a, p.req.buf, p.req.len, &p.rep), KRB_OK);
    bytes_writer_init_heap(&out, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_gss_accept(&again, &p.a, p.req.buf, p.req.len, &out), KRB_E_REPLAY);
    ck_assert_int_eq(again.state, KRB_GSS_ST_FAILED);
    /* The error token reaches the initiator as the same status. */
    {
        struct krb_gss_ctx ini2;
        struct bytes_writer req2;
        bytes_writer_init_heap(&req2, BYTES_NO_LIMIT);
        ck_assert_int_eq(krb_gss_init_start(&ini2, &p.creds, KRB_GSS_MUTUAL, NULL, 0, &req2), KRB_CONTINUE);
        ck_assert_int_eq(krb_gss_init_step(&ini2, out.buf, out.len), KRB_E_REPLAY);
        ck_assert_int_eq(ini2.peer_error, 34);
        krb_gss_ctx_free(&ini2);
        bytes_writer_free(&req2);
    }
    bytes_writer_free(&out);
    krb_replay_cache_free(p.a.rcache);
    pair_free(&p);
}
END_TEST

START_TEST(test_replay_cache_bounds)
{
    struct krb_replay_cache *rc = krb_replay_cache_new(2, 300);
    struct krb_principal alice;
    struct bytes_span a = { authz_bytes, 4 }, b = { authz_bytes, 5 }, c = { authz_bytes, 6 };

    krb_principal_parse("alice", 1, &alice);
    ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1000, 1, a, 1000), KRB_OK);
    ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1000, 1, a, 1000), KRB_E_REPLAY);
    ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1000, 2, a, 1000), KRB_OK);
    /* Full of live entries: refused, not forgotten. */
    ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1000, 1, b, 1000), KRB_E_NO_MEMORY);
    /* After the window the old ones make room. */
    ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1400, 1, c, 1400), KRB_OK);
    ck_assert_int_eq(krb_replay_cache_check(rc, "S", &alice, 1400, 1, c, 1400), KRB_OK);
    krb_replay_cache_free(rc);
    ck_assert_ptr_null(krb_replay_cache_new(0, 300));
}
END_TEST

/* Many entries (chained by digest): each one a replay while live, the
 * cache full at max live ones, all of them room again after the window. */
START_TEST(test_replay_cache_many)
{
    struct krb_replay_cache *rc = krb_replay_cache_new(1000, 300);
    struct krb_principal alice;
    struct bytes_span a = { authz_bytes, 4 };

    krb_principal_parse("alice", 1, &alice);
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1000 + i % 7, i, a, 1000), KRB_OK);
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1000 + i % 7, i, a, 1000), KRB_E_REPLAY);
    ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 1000, 5000, a, 1000), KRB_E_NO_MEMORY);
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 2000, i, a, 2000), KRB_OK);
    ck_assert_int_eq(krb_replay_cache_check(rc, "R", &alice, 2000, 999, a, 2000), KRB_E_REPLAY);
    krb_replay_cache_free(rc);
}
END_TEST

START_TEST(test_skew_expired_wrong_key)
{
    struct pair p;
    struct krb_gss_ctx acc;
    struct bytes_writer out;
    int64_t now = now_secs();

    /* The client's clock 10 minutes ahead. */
    pair_setup(&p, 17);
    bytes_writer_init_heap(&out, BYTES_NO_LIMIT);
    ck_assert_int_eq(krb_gss_init_start(&p.ini, &p.creds, 0, NULL, 600, &p.req), KRB_OK);
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &out), KRB_E_SKEW);
    ck_assert_uint_gt(out.len, 0);
    /* 4 minutes is within the skew. */
    krb_gss_ctx_free(&p.ini);
    p.req.len = 0;
    ck_assert_int_eq(krb_gss_init_start(&p.ini, &p.creds, 0, NULL, -240, &p.req), KRB_OK);
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &out), KRB_OK);
    krb_gss_ctx_free(&acc);
    /* A wrong service key, then none. */
    random_key(17, &p.kt.key);
    out.len = 0;
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &out), KRB_E_MODIFIED);
    random_key(18, &p.kt.key);
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &out), KRB_E_NO_KEY);
    pair_free(&p);

    /* A ticket that ended an hour ago, one that starts in an hour. */
    pair_setup(&p, 19);
    krb_creds_free(&p.creds);
    make_creds(19, &p.kt.key, now - 7200, now - 3600, &p.creds);
    ck_assert_int_eq(krb_gss_init_start(&p.ini, &p.creds, 0, NULL, 0, &p.req), KRB_OK);
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &out), KRB_E_TKT_EXPIRED);
    krb_gss_ctx_free(&p.ini);
    krb_creds_free(&p.creds);
    make_creds(19, &p.kt.key, now + 3600, now + 7200, &p.creds);
    p.req.len = 0;
    ck_assert_int_eq(krb_gss_init_start(&p.ini, &p.creds, 0, NULL, 0, &p.req), KRB_OK);
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &out), KRB_E_TKT_NYV);
    bytes_writer_free(&out);
    pair_free(&p);
}
END_TEST

START_TEST(test_channel_bindings)
{
    uint8_t cb[16], other[16];
    struct pair p;
    struct krb_gss_ctx acc;

    rng_fill(cb, 16);
    memcpy(other, cb, 16);
    other[0] ^= 1;
    pair_setup(&p, 18);
    ck_assert_int_eq(krb_gss_init_start(&p.ini, &p.creds, 0, cb, 0, &p.req), KRB_OK);
    p.a.cb_hash = other;
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &p.rep), KRB_E_BAD_BINDINGS);
    p.a.cb_hash = cb;
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &p.rep), KRB_OK);
    krb_gss_ctx_free(&acc);
    p.a.cb_hash = NULL;
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, p.req.buf, p.req.len, &p.rep), KRB_OK);
    krb_gss_ctx_free(&acc);
    pair_free(&p);
}
END_TEST

START_TEST(test_truncated_and_altered_handshake)
{
    struct pair p;
    struct krb_gss_ctx acc, ini;
    struct bytes_writer out;
    uint8_t *copy;

    handshake(&p, 18, KRB_GSS_MUTUAL);
    bytes_writer_init_heap(&out, BYTES_NO_LIMIT);
    for (size_t i = 0; i < p.req.len; i++) {
        out.len = 0;
        ck_assert_int_ne(krb_gss_accept(&acc, &p.a, p.req.buf, i, &out), KRB_OK);
        ck_assert_int_eq(acc.state, KRB_GSS_ST_FAILED);
    }
    /* Any one byte flipped: no crash; what is protected is refused. */
    copy = malloc(p.req.len);
    for (size_t i = 0; i < p.req.len; i++) {
        memcpy(copy, p.req.buf, p.req.len);
        copy[i] ^= 0x5a;
        out.len = 0;
        if (krb_gss_accept(&acc, &p.a, copy, p.req.len, &out) == KRB_OK)
            krb_gss_ctx_free(&acc);
    }
    /* The last bytes are the Authenticator's checksum. */
    memcpy(copy, p.req.buf, p.req.len);
    copy[p.req.len - 1] ^= 1;
    ck_assert_int_eq(krb_gss_accept(&acc, &p.a, copy, p.req.len, &out), KRB_E_BAD_INTEGRITY);
    free(copy);
    /* The AP-REP: every truncation and a flipped last byte fail the
     * initiator, each on a fresh context waiting for it. */
    copy = malloc(p.rep.len);
    for (size_t i = 0; i <= p.rep.len; i++) {
        struct bytes_writer req;
        bytes_writer_init_heap(&req, BYTES_NO_LIMIT);
        memcpy(copy, p.rep.buf, p.rep.len);
        ck_assert_int_eq(krb_gss_init_start(&ini, &p.creds, KRB_GSS_MUTUAL, NULL, 0, &req), KRB_CONTINUE);
        if (i == p.rep.len) {
            copy[i - 1] ^= 1;
            ck_assert_int_eq(krb_gss_init_step(&ini, copy, i), KRB_E_BAD_INTEGRITY);
        } else {
            ck_assert_int_ne(krb_gss_init_step(&ini, copy, i), KRB_OK);
        }
        ck_assert_int_eq(ini.state, KRB_GSS_ST_FAILED);
        ck_assert_int_eq(krb_gss_init_step(&ini, p.rep.buf, p.rep.len), KRB_E_STATE);
        krb_gss_ctx_free(&ini);
        bytes_writer_free(&req);
    }
    /* An AP-REP for another context (its ctime/cusec or key differ). */
    {
        struct bytes_writer req;
        bytes_writer_init_heap(&req, BYTES_NO_LIMIT);
        ck_assert_int_eq(krb_gss_init_start(&ini, &p.creds, KRB_GSS_MUTUAL, NULL, 0, &req), KRB_CONTINUE);
        int rc = krb_gss_init_step(&ini, p.rep.buf, p.rep.len);
        ck_assert(rc == KRB_E_MODIFIED || rc == KRB_OK);  /* same second and microsecond is possible */
        krb_gss_ctx_free(&ini);
        bytes_writer_free(&req);
    }
    free(copy);
    bytes_writer_free(&out);
    pair_free(&p);
}
END_TEST

/* ---- per-message tokens ----------------------------------------------------- */

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (!memcmp(hay + i, needle, m))
            return true;
    return false;
}

static void wrap_both_ways(struct pair *p, bool conf, enum krb_gss_layout layout)
{
    struct krb_gss_ctx *sides[2] = { &p->ini, &p->acc };
    uint8_t msg[100];

    for (int dir = 0; dir < 2; dir++) {
        struct krb_gss_ctx *tx = sides[dir], *rx = sides[!dir];
        for (size_t len = 0; len <= sizeof(msg); len += 33) {
            struct bytes_writer tok, got;
            bool was_conf;
            unsigned supp;

            rng_fill(msg, len);
            bytes_writer_init_heap(&tok, BYTES_NO_LIMIT);
            bytes_writer_init_heap(&got, BYTES_NO_LIMIT);
            ck_assert_int_eq(krb_gss_wrap(tx, conf, layout, msg, len, &tok), KRB_OK);
            ck_assert_int_eq(krb_gss_unwrap(rx, tok.buf, tok.len, &got, &was_conf, &supp), KRB_OK);
            ck_assert_uint_eq(got.len, len);
            if (len)
                ck_assert_mem_eq(got.buf, msg, len);
            ck_assert(was_conf == conf);
            ck_assert_uint_eq(supp, 0);
            if (conf && len >= 8)
                ck_assert(!contains(tok.buf, tok.len, msg, len));
            bytes_writer_free(&tok);
            bytes_writer_free(&got);
        }
    }
}

static void split_both_ways(struct pair *p, bool conf)
{
    struct krb_gss_ctx *sides[2] = { &p->ini, &p->acc };
    struct krb_gss_sizes sz;
    uint8_t msg[77], data[77], hdr[128];
    size_t hdr_len, plain_len;

    ck_assert_int_eq(krb_gss_sizes(&p->ini, &sz), KRB_OK);
    /* A header buffer too small is refused before a number is spent. */
    {
        uint64_t seq = p->ini.send_seq;
        ck_assert_int_eq(krb_gss_wrap_split(&p->ini, conf, KRB_GSS_RRC_SSPI, data, sizeof(data), hdr,
                                            (conf ? sz.security_trailer : sz.max_signature) - 1, &hdr_len),
                         KRB_E_STATE);
        ck_assert(p->ini.send_seq == seq);
    }
    for (int dir = 0; dir < 2; dir++) {
        rng_fill(msg, sizeof(msg));
        memcpy(data, msg, sizeof(msg));
        ck_assert_int_eq(krb_gss_wrap_split(sides[dir], conf, KRB_GSS_RRC_SSPI, data, sizeof(data), hdr,
                                            sizeof(hdr), &hdr_len), KRB_OK);
        ck_assert_uint_eq(hdr_len, conf ? sz.security_trailer : sz.max_signature);
        if (conf)
            ck_assert(memcmp(data, msg, sizeof(msg)));
        else
            ck_assert_mem_eq(data, msg, sizeof(msg));       /* integrity only: the data stays in place */
        ck_assert_int_eq(krb_gss_unwrap_split(sides[!dir], hdr, hdr_len, data, sizeof(data), &plain_len, NULL,
                                              NULL), KRB_OK);
        ck_assert_uint_eq(plain_len, sizeof(msg));
        ck_assert_mem_eq(data, msg, sizeof(msg));
    }
}

START_TEST(test_wrap_each_etype)
{
    int32_t etype = etypes[_i / 2];
    struct pair p;
    struct krb_gss_sizes sz;

    handshake(&p, etype, KRB_GSS_REPLAY | KRB_GSS_SEQUENCE | (_i % 2 ? KRB_GSS_MUTUAL : 0));
    ck_assert_int_eq(krb_gss_sizes(&p.ini, &sz), KRB_OK);
    ck_assert_uint_eq(sz.max_signature, 16 + krb_crypto_checksum_size(etype));
    ck_assert_uint_eq(sz.security_trailer, 48 + krb_crypto_checksum_size(etype));
    if (etype <= 18)
        ck_assert_uint_eq(sz.security_trailer, 60);
    for (int conf = 0; conf < 2; conf++) {
        wrap_both_ways(&p, conf, KRB_GSS_RRC_ZERO);
        wrap_both_ways(&p, conf, KRB_GSS_RRC_SSPI);
        split_both_ways(&p, conf);
    }
    pair_free(&p);
}
END_TEST

/* What another sender may do and ours does not: filler (EC) before the
 * header copy, and any rotation, even beyond the body's length. */
START_TEST(test_unwrap_any_ec_rrc)
{
    static const uint16_t ecs[] = { 0, 1, 5, 16, 33 };
    static const uint16_t rrcs[] = { 0, 7, 28, 60, 1000 };
    struct pair p;
    uint8_t msg[21], plain[21 + 33 + 16], tok[16 + 16 + sizeof(plain) + 24];
    struct bytes_writer got;
    size_t n;

    handshake(&p, _i ? 19 : 18, KRB_GSS_MUTUAL);
    bytes_writer_init_heap(&got, BYTES_NO_LIMIT);
    rng_fill(msg, sizeof(msg));
    for (size_t e = 0; e < 5; e++) {
        for (size_t r = 0; r < 5; r++) {
            uint16_t ec = ecs[e], rrc = rrcs[r];
            uint64_t seq = p.ini.send_seq++;
            uint8_t hdr[16] = { 0x05, 0x04, 0x06, 0xff, (uint8_t)(ec >> 8), (uint8_t)ec, 0, 0 };
            size_t plen = sizeof(msg) + ec + 16, body;
            for (int i = 0; i < 8; i++)
                hdr[8 + i] = (uint8_t)(seq >> (56 - 8 * i));
            memcpy(plain, msg, sizeof(msg));
            memset(plain + sizeof(msg), 0xee, ec);
            memcpy(plain + sizeof(msg) + ec, hdr, 16);
            ck_assert_int_eq(krb_crypto_encrypt(&p.ini.acc_subkey, 24, plain, plen, NULL, NULL, tok + 16,
                                                sizeof(tok) - 16, &body), 0);
            /* Rotate right by rrc. */
            {
                uint8_t tmp[sizeof(tok)];
                size_t k = rrc % body;
                memcpy(tmp, tok + 16 + body - k, k);
                memcpy(tmp + k, tok + 16, body - k);
                memcpy(tok + 16, tmp, body);
            }
            hdr[6] = (uint8_t)(rrc >> 8);
            hdr[7] = (uint8_t)rrc;
            memcpy(tok, hdr, 16);
            n = 16 + body;
            got.len = 0;
            ck_assert_int_eq(krb_gss_unwrap(&p.acc, tok, n, &got, NULL, NULL), KRB_OK);
            ck_assert_uint_eq(got.len, sizeof(msg));
            ck_assert_mem_eq(got.buf, msg, sizeof(msg));
        }
    }
    bytes_writer_free(&got);
    pair_free(&p);
}
END_TEST

/* RFC 4757 tokens: stream wrap both ways, sealed and not, MIC both ways;
 * the split wrap is refused (no padding buffer), the split unwrap works. */
START_TEST(test_rc4_tokens)
{
    struct pair p;
    struct krb_gss_sizes sz;
    uint8_t msg[45], mic[64], data[45 + 1], hdr[64];
    size_t n, hl;

    handshake(&p, 23, _i ? KRB_GSS_MUTUAL | KRB_GSS_REPLAY | KRB_GSS_SEQUENCE : KRB_GSS_REPLAY);
    ck_assert(!p.acc.has_acc_subkey && !p.ini.has_acc_subkey);
    ck_assert_int_eq(krb_gss_sizes(&p.ini, &sz), KRB_OK);
    ck_assert_uint_eq(sz.max_signature, 37);
    rng_fill(msg, sizeof(msg));
    for (int conf = 0; conf < 2; conf++) {
        struct krb_gss_ctx *sides[2] = { &p.ini, &p.acc };
        for (int dir = 0; dir < 2; dir++) {
            struct bytes_writer tok, got;
            bool was_conf;
            bytes_writer_init_heap(&tok, BYTES_NO_LIMIT);
            bytes_writer_init_heap(&got, BYTES_NO_LIMIT);
            ck_assert_int_eq(krb_gss_wrap(sides[dir], conf, KRB_GSS_RRC_SSPI, msg, sizeof(msg), &tok), KRB_OK);
            ck_assert_uint_eq(tok.buf[0], 0x60);
            ck_assert(conf == !contains(tok.buf, tok.len, msg, sizeof(msg)));
            /* Altered anywhere, or cut anywhere: refused.  Except that
             * RFC 1964 does not sign SND_SEQ: without sealing (whose key
             * it feeds) a flipped number is only another number, which
             * sequence detection, not integrity, has to catch. */
            size_t seq_at = tok.len - (30 + sizeof(msg) + 1) + 6;
            uint64_t next = sides[!dir]->recv_next, window = sides[!dir]->recv_window;
            for (size_t i = 0; i < tok.len; i++) {
                tok.buf[i] ^= 0x10;
                if (krb_gss_unwrap(sides[!dir], tok.buf, tok.len, &got, NULL, NULL) == KRB_OK) {
                    ck_assert_msg(!conf && i >= seq_at && i < seq_at + 4, "byte %zu flipped taken", i);
                    got.len = 0;
                }
                tok.buf[i] ^= 0x10;
                ck_assert_int_ne(krb_gss_unwrap(sides[!dir], tok.buf, i, &got, NULL, NULL), KRB_OK);
            }
            ck_assert_uint_eq(got.len, 0);
            /* A number far ahead taken above makes the true one "old". */
            sides[!dir]->recv_next = next;
            sides[!dir]->recv_window = window;
            ck_assert_int_eq(krb_gss_unwrap(sides[!dir], tok.buf, tok.len, &got, &was_conf, NULL), KRB_OK);
            ck_assert_uint_eq(got.len, sizeof(msg));
            ck_assert_mem_eq(got.buf, msg, sizeof(msg));
            ck_assert(was_conf == conf);
            /* Again: a replay. */
            ck_assert_int_eq(krb_gss_unwrap(sides[!dir], tok.buf, tok.len, &got, NULL, NULL), KRB_E_REPLAY);
            /* The same token split as SSPI would: header, then data + pad. */
            if (dir == 0) {
                struct bytes_writer t2;
                size_t plain_len;
                bytes_writer_init_heap(&t2, BYTES_NO_LIMIT);
                ck_assert_int_eq(krb_gss_wrap(&p.ini, conf, KRB_GSS_RRC_ZERO, msg, sizeof(msg), &t2), KRB_OK);
                hl = t2.len - sizeof(data);
                memcpy(hdr, t2.buf, hl);
                memcpy(data, t2.buf + hl, sizeof(data));
                ck_assert_int_eq(krb_gss_unwrap_split(&p.acc, hdr, hl, data, sizeof(data), &plain_len, NULL, NULL),
                                 KRB_OK);
                ck_assert_uint_eq(plain_len, sizeof(msg));
                ck_assert_mem_eq(data, msg, sizeof(msg));
                bytes_writer_free(&t2);
            }
            bytes_writer_free(&tok);
            bytes_writer_free(&got);
        }
    }
    ck_assert_int_eq(krb_gss_wrap_split(&p.ini, true, KRB_GSS_RRC_SSPI, data, 8, hdr, sizeof(hdr), &hl),
                     KRB_E_UNSUPPORTED);
    for (int round = 0; round < 2; round++) {
        ck_assert_int_eq(krb_gss_get_mic(&p.acc, msg, sizeof(msg), mic, sizeof(mic), &n), KRB_OK);
        ck_assert_uint_eq(n, 37);
        ck_assert_int_eq(krb_gss_verify_mic(&p.acc, msg, sizeof(msg), mic, n, NULL), KRB_E_BAD_INTEGRITY);
        ck_assert_int_eq(krb_gss_verify_mic(&p.ini, msg, sizeof(msg) - 1, mic, n, NULL), KRB_E_BAD_INTEGRITY);
        for (size_t i = 0; i < n; i++)
            ck_assert_int_ne(krb_gss_verify_mic(&p.ini, msg, sizeof(msg), mic, i, NULL), KRB_OK);
        ck_assert_int_eq(krb_gss_verify_mic(&p.ini, msg, sizeof(msg), mic, n, NULL), KRB_OK);
        ck_assert_int_eq(krb_gss_get_mic(&p.ini, msg, 3, mic, sizeof(mic), &n), KRB_OK);
        ck_assert_int_eq(krb_gss_verify_mic(&p.acc, msg, 3, mic, n, NULL), KRB_OK);
    }
    pair_free(&p);
}
END_TEST

START_TEST(test_mic_each_etype)
{
    int32_t etype = etypes[_i];
    struct pair p;
    uint8_t msg[50], mic[64];
    size_t n;

    handshake(&p, etype, KRB_GSS_MUTUAL | KRB_GSS_REPLAY | KRB_GSS_SEQUENCE);
    rng_fill(msg, sizeof(msg));
    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(krb_gss_get_mic(&p.ini, msg, sizeof(msg), mic, sizeof(mic), &n), KRB_OK);
        ck_assert_uint_eq(n, 16 + krb_crypto_checksum_size(etype));
        ck_assert_int_eq(krb_gss_verify_mic(&p.acc, msg, sizeof(msg), mic, n, NULL), KRB_OK);
        /* The same token again is a replay. */
        ck_assert_int_eq(krb_gss_verify_mic(&p.acc, msg, sizeof(msg), mic, n, NULL), KRB_E_REPLAY);
        ck_assert_int_eq(krb_gss_get_mic(&p.acc, msg, 0, mic, sizeof(mic), &n), KRB_OK);
        ck_assert_int_eq(krb_gss_verify_mic(&p.ini, msg, 0, mic, n, NULL), KRB_OK);
        /* Our own token sent back is refused, and so is another message. */
        ck_assert_int_eq(krb_gss_verify_mic(&p.acc, msg, 0, mic, n, NULL), KRB_E_BAD_INTEGRITY);
        ck_assert_int_eq(krb_gss_get_mic(&p.acc, msg, sizeof(msg), mic, sizeof(mic), &n), KRB_OK);
        ck_assert_int_eq(krb_gss_verify_mic(&p.ini, msg, sizeof(msg) - 1, mic, n, NULL), KRB_E_BAD_INTEGRITY);
        for (size_t i = 0; i < n; i++)
            ck_assert_int_ne(krb_gss_verify_mic(&p.ini, msg, sizeof(msg), mic, i, NULL), KRB_OK);
        ck_assert_int_eq(krb_gss_verify_mic(&p.ini, msg, sizeof(msg), mic, n, NULL), KRB_OK);
    }
    ck_assert_int_eq(krb_gss_get_mic(&p.ini, msg, 1, mic, 20, &n), KRB_E_STATE);
    pair_free(&p);
}
END_TEST

START_TEST(test_wrap_tampered_truncated)
{
    struct pair p;
    struct bytes_writer tok, got;
    uint8_t msg[40], *copy;

    handshake(&p, _i ? 20 : 18, KRB_GSS_MUTUAL);
    rng_fill(msg, sizeof(msg));
    for (int conf = 0; conf < 2; conf++) {
        for (int layout = 0; layout < 2; layout++) {
            bytes_writer_init_heap(&tok, BYTES_NO_LIMIT);
            bytes_writer_init_heap(&got, BYTES_NO_LIMIT);
            ck_assert_int_eq(krb_gss_wrap(&p.acc, conf, layout, msg, sizeof(msg), &tok), KRB_OK);
            copy = malloc(tok.len);
            /* Every byte flipped: refused (the sequence number is in the
             * protected header too). */
            for (size_t i = 0; i < tok.len; i++) {
                memcpy(copy, tok.buf, tok.len);
                copy[i] ^= 0x01;
                int rc = krb_gss_unwrap(&p.ini, copy, tok.len, &got, NULL, NULL);
                /* RRC is not protected: a flip that rotates by a multiple
                 * of the body's length is the same token. */
                if (rc == KRB_OK) {
                    ck_assert_msg(i == 6, "byte %zu flipped taken", i);
                    ck_assert_mem_eq(got.buf, msg, sizeof(msg));
                    got.len = 0;
                }
                ck_assert_uint_eq(got.len, 0);
            }
            for (size_t i = 0; i < tok.len; i++)
                ck_assert_int_ne(krb_gss_unwrap(&p.ini, tok.buf, i, &got, NULL, NULL), KRB_OK);
            ck_assert_int_eq(krb_gss_unwrap(&p.ini, tok.buf, tok.len, &got, NULL, NULL), KRB_OK);
            ck_assert_mem_eq(got.buf, msg, sizeof(msg));
            free(copy);
            bytes_writer_free(&tok);
            bytes_writer_free(&got);
        }
    }
    pair_free(&p);
}
END_TEST

START_TEST(test_sequence_window)
{
    struct pair p;
    struct bytes_writer tok[4], got;
    uint8_t msg[8] = "sequence";
    unsigned supp;

    handshake(&p, 17, KRB_GSS_MUTUAL);     /* no REPLAY, no SEQUENCE: reported only */
    bytes_writer_init_heap(&got, BYTES_NO_LIMIT);
    for (int i = 0; i < 4; i++) {
        bytes_writer_init_heap(&tok[i], BYTES_NO_LIMIT);
        ck_assert_int_eq(krb_gss_wrap(&p.ini, true, KRB_GSS_RRC_SSPI, msg, sizeof(msg), &tok[i]), KRB_OK);
    }
    ck_assert_int_eq(krb_gss_unwrap(&p.acc, tok[0].buf, tok[0].len, &got, NULL, &supp), KRB_OK);
    ck_assert_uint_eq(supp, 0);
    ck_assert_int_eq(krb_gss_unwrap(&p.acc, tok[2].buf, tok[2].len, &got, NULL, &supp), KRB_OK);
    ck_assert_uint_eq(supp, KRB_GSS_SUPP_GAP);
    ck_assert_int_eq(krb_gss_unwrap(&p.acc, tok[1].buf, tok[1].len, &got, NULL, &supp), KRB_OK);
    ck_assert_uint_eq(supp, KRB_GSS_SUPP_UNSEQ);
    ck_assert_int_eq(krb_gss_unwrap(&p.acc, tok[1].buf, tok[1].len, &got, NULL, &supp), KRB_OK);
    ck_assert_uint_eq(supp, KRB_GSS_SUPP_DUPLICATE);
    /* With the flags on, the same events are errors. */
    p.acc.flags |= KRB_GSS_REPLAY | KRB_GSS_SEQUENCE;
    ck_assert_int_eq(krb_gss_unwrap(&p.acc, tok[0].buf, tok[0].len, &got, NULL, &supp), KRB_E_REPLAY);
    got.len = 0;
    ck_assert_int_eq(krb_gss_unwrap(&p.acc, tok[3].buf, tok[3].len, &got, NULL, &supp), KRB_OK);
    for (int i = 0; i < 4; i++)
        bytes_writer_free(&tok[i]);
    bytes_writer_free(&got);
    pair_free(&p);
}
END_TEST

START_TEST(test_not_established)
{
    struct krb_gss_ctx ctx;
    struct bytes_writer w;
    uint8_t buf[64];
    size_t n;

    memset(&ctx, 0, sizeof(ctx));
    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(krb_gss_wrap(&ctx, true, KRB_GSS_RRC_ZERO, buf, 1, &w), KRB_E_STATE);
    ck_assert_int_eq(krb_gss_unwrap(&ctx, buf, 1, &w, NULL, NULL), KRB_E_STATE);
    ck_assert_int_eq(krb_gss_get_mic(&ctx, buf, 1, buf, sizeof(buf), &n), KRB_E_STATE);
    ck_assert_int_eq(krb_gss_verify_mic(&ctx, buf, 1, buf, 28, NULL), KRB_E_STATE);
    ck_assert_int_eq(krb_gss_init_step(&ctx, buf, 1), KRB_E_STATE);
    ck_assert_int_eq(krb_gss_init_start(&ctx, NULL, 0, NULL, 0, &w), KRB_E_STATE);
}
END_TEST

static Suite *krb_gss_suite(void)
{
    Suite *s = suite_create("krb_gss");
    TCase *tc = tcase_create("Framing");

    tcase_add_test(tc, test_frame);
    tcase_add_test(tc, test_ap_rep_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("Handshake");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_handshake_each_etype, 0, 10);
    tcase_add_test(tc, test_delegation_never);
    tcase_add_test(tc, test_replayed_ap_req);
    tcase_add_test(tc, test_replay_cache_bounds);
    tcase_add_test(tc, test_replay_cache_many);
    tcase_add_test(tc, test_skew_expired_wrong_key);
    tcase_add_test(tc, test_channel_bindings);
    tcase_add_test(tc, test_truncated_and_altered_handshake);
    suite_add_tcase(s, tc);
    tc = tcase_create("Messages");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_wrap_each_etype, 0, 8);
    tcase_add_loop_test(tc, test_unwrap_any_ec_rrc, 0, 2);
    tcase_add_loop_test(tc, test_rc4_tokens, 0, 2);
    tcase_add_loop_test(tc, test_mic_each_etype, 0, 4);
    tcase_add_loop_test(tc, test_wrap_tampered_truncated, 0, 2);
    tcase_add_test(tc, test_sequence_window);
    tcase_add_test(tc, test_not_established);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_gss_suite());
}
