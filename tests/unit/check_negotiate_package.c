/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate package through its ops table only, called the way the
 * DLL's dispatcher calls it: the SPNEGO handshake over NTLM in loopback,
 * the tokens on the wire, the mechListMIC and its sequence numbers,
 * request-mic when NTLM is not the client's first choice, the bare NTLMSSP
 * shortcut both ways, malformed and tampered tokens at every leg,
 * attributes, tokens, export and import.  Every test ends with no live
 * object and no open token. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/der.h"
#include "sspishim/negotiate.h"
#include "sspishim/packed.h"
#include "sspishim/spnego.h"

#include "ntlm_session.h"

static const struct shim_package_ops *ntlm_ops;

static void nego_setup(void)
{
    setup();
    pkg = negotiate_package();
    ops = pkg->ops;
    ntlm_ops = ntlm_package()->ops;
}

/* The five legs: client, server, client, server (its verdict and MIC),
 * client (checks that MIC).  s->fin is the server's last token; *last the
 * client's answer to it. */
static shim_status nego_handshake_ex(struct session *s, tamper_fn tamper, void *arg, shim_status *last)
{
    struct tok none;

    *last = -1;
    s->cst = step_t(true, s->ccred, &s->cctx, s->target, s->creq, NULL, &s->neg, &s->cattrs);
    if (s->cst != SHIM_I_CONTINUE_NEEDED) return s->cst;
    if (tamper) tamper(1, &s->neg, arg);
    s->sst = step(false, s->scred, &s->sctx, s->sreq, &s->neg, &s->chal, &s->sattrs);
    if (s->sst != SHIM_I_CONTINUE_NEEDED) return s->sst;
    if (tamper) tamper(2, &s->chal, arg);
    /* done at the AUTHENTICATE, as Windows' client is (without extended
     * session security it waits for the server's last token) */
    s->cst = step_t(true, NULL, &s->cctx, s->target, s->creq, &s->chal, &s->auth, &s->cattrs);
    if (s->cst != SHIM_OK && s->cst != SHIM_I_CONTINUE_NEEDED) return s->cst;
    if (tamper) tamper(3, &s->auth, arg);
    s->sst = step(false, NULL, &s->sctx, s->sreq, &s->auth, &s->fin, &s->sattrs);
    if (s->sst != SHIM_OK) return s->sst;
    if (tamper) tamper(4, &s->fin, arg);
    /* the server's last token, which a client may still take */
    *last = s->cst = step_t(true, NULL, &s->cctx, s->target, s->creq, &s->fin, &none, &s->cattrs);
    if (s->cst == SHIM_OK) ck_assert_uint_eq(none.len, 0);
    return s->cst;
}

static shim_status nego_handshake(struct session *s)
{
    shim_status last;
    return nego_handshake_ex(s, NULL, NULL, &last);
}

static void nego_established(struct session *s)
{
    session_init(s, "alice", "DOMAIN", "Password1");
    ck_st(nego_handshake(s), SHIM_OK);
}

/* Seals text on one side, unseals it on the other. */
static void seal_across(shim_ctx *from, shim_ctx *to, const char *text, const struct shim_package_ops *from_ops,
                        const struct shim_package_ops *to_ops)
{
    struct msg m;
    uint32_t qop = 0;

    ck_st(from_ops->encrypt(from, 0, msg_init(&m, text), 0), SHIM_OK);
    ck_assert_mem_ne(m.data, text, strlen(text));
    ck_st(to_ops->decrypt(to, &m.d, 0, &qop), SHIM_OK);
    ck_assert_mem_eq(m.data, text, strlen(text));
}

static uint32_t sig_seq(const struct msg *m)
{
    return m->sig[12] | m->sig[13] << 8 | m->sig[14] << 16 | (uint32_t)m->sig[15] << 24;
}

/* ---- Package ---------------------------------------------------------------------- */

START_TEST(package_info)
{
    ck_assert(wstr_is(pkg->info.name, "Negotiate"));
    ck_assert(wstr_is(pkg->info.comment, "Microsoft Package Negotiator"));
    ck_assert_uint_eq(pkg->info.capabilities, 0x83bb3);
    ck_assert_uint_eq(pkg->info.version, 1);
    ck_assert_uint_eq(pkg->info.rpcid, 9);
    ck_assert_uint_eq(pkg->info.max_token, 48256);
    ck_assert_uint_eq(pkg->flags, SHIM_PKG_TAKES_IDENTITY);
    ck_assert_ptr_nonnull(ops->export_context);
    ck_assert_ptr_nonnull(ops->import_context);
    ck_st(registry_add(pkg), SHIM_OK);
    ck_assert_ptr_eq(registry_find(w("negotiate")), pkg);
}
END_TEST

/* ---- Credentials ------------------------------------------------------------------- */

static shim_status acquire_list(const char *list, shim_cred **c)
{
    struct shim_auth_identity_exw ex = { 0 };
    shim_wchar user[8], domain[8], password[16], packages[64];

    ex.Version = SHIM_AUTH_IDENTITY_VERSION;
    ex.Length = sizeof(ex);
    ex.User = user;
    ex.UserLength = (uint32_t)copy_w(user, "bob");
    ex.Domain = domain;
    ex.DomainLength = (uint32_t)copy_w(domain, "DOMAIN");
    ex.Password = password;
    ex.PasswordLength = (uint32_t)copy_w(password, "hunter2");
    ex.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    if (list) {
        ex.PackageList = packages;
        ex.PackageListLength = (uint32_t)copy_w(packages, list);
    }
    return acquire(SHIM_CRED_OUTBOUND, &ex, c);
}

START_TEST(credentials)
{
    /* Kerberos is inside Negotiate too: "!ntlm" (curl's) and "kerberos" leave it. */
    static const char *const good[] = { NULL, "", "NTLM", "ntlm", "Kerberos, NTLM", "Negotiate", "!Kerberos", " NTLM ,x",
                                        "!NTLM", "Kerberos", "Kerberos,!ntlm" };
    static const char *const bad[] = { "CredSSP", "!NTLM,!Kerberos", "ntlm,!ntlm" };
    struct ident id;
    shim_cred *c;

    ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, "alice", "DOMAIN", "Password1"), &c), SHIM_OK);
    ck_cred_name(c, "DOMAIN\\alice");
    ck_st(ops->query_credentials_attributes(c, 99, &id), SHIM_E_UNSUPPORTED_FUNCTION);
    cred_free(c);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(acquire_list(good[i], &c) == SHIM_OK, "list %s", good[i] ? good[i] : "(none)");
        cred_free(c);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(acquire_list(bad[i], &c) == SHIM_E_SECPKG_NOT_FOUND, "list %s", bad[i]);
    /* With Kerberos handed to Wine's builtin, Negotiate has NTLM only. */
    setenv("SSPISHIM_KERBEROS", "builtin", 1);
    ck_assert_msg(acquire_list("!NTLM", &c) == SHIM_E_SECPKG_NOT_FOUND, "!NTLM without our Kerberos");
    ck_assert_msg(acquire_list("Kerberos", &c) == SHIM_E_SECPKG_NOT_FOUND, "Kerberos without our Kerberos");
    unsetenv("SSPISHIM_KERBEROS");
    /* NTLM's own rules hold: a bad use */
    ck_st(acquire(0x40, NULL, &c), SHIM_E_UNKNOWN_CREDENTIALS);
    /* an NTLM credential is not a Negotiate one */
    shim_cred *n = NULL;
    int64_t exp;
    ck_st(ntlm_ops->acquire_credentials(ntlm_package(), NULL, SHIM_CRED_INBOUND, NULL, NULL, NULL, NULL, &n, &exp),
          SHIM_OK);
    ck_st(ops->free_credentials(n), SHIM_E_INVALID_HANDLE);
    ck_st(ops->query_credentials_attributes(n, SHIM_CRED_ATTR_NAMES, &id), SHIM_E_INVALID_HANDLE);
    shim_object_put(n);
}
END_TEST

/* ---- The handshake ------------------------------------------------------------------ */

START_TEST(loopback)
{
    struct session s;
    struct spnego_token t;

    session_init(&s, "alice", "DOMAIN", "Password1");
    s.target = w("HTTP/server.example");
    ck_st(nego_handshake(&s), SHIM_OK);
    ck_st(s.sst, SHIM_OK);

    /* leg 1: a framed NegTokenInit offering NTLM, with NTLM's NEGOTIATE */
    ck_assert_int_eq(spnego_decode(s.neg.buf, s.neg.len, &t), SPNEGO_OK);
    ck_assert(t.framed && t.kind == SPNEGO_INIT && t.has_token && !t.has_mic);
    ck_assert_uint_eq(t.n_mechs, 1);
    ck_assert_mem_eq(t.mechs[0].p, spnego_oid_ntlm, sizeof(spnego_oid_ntlm));
    ck_assert(spnego_is_ntlmssp(t.token.p, t.token.len));
    ck_assert_uint_eq(t.token.p[8], 1);
    /* leg 2: accept-incomplete, NTLM, the CHALLENGE */
    ck_assert_int_eq(spnego_decode(s.chal.buf, s.chal.len, &t), SPNEGO_OK);
    ck_assert(t.kind == SPNEGO_RESP && t.neg_state == SPNEGO_ACCEPT_INCOMPLETE && t.has_token && !t.has_mic);
    ck_assert_mem_eq(t.supported_mech.p, spnego_oid_ntlm, sizeof(spnego_oid_ntlm));
    ck_assert_uint_eq(t.token.p[8], 2);
    /* leg 3: the AUTHENTICATE and a 16-byte MIC with sequence number 0 */
    ck_assert_int_eq(spnego_decode(s.auth.buf, s.auth.len, &t), SPNEGO_OK);
    ck_assert(t.kind == SPNEGO_RESP && t.neg_state == SPNEGO_STATE_ABSENT && t.has_token && t.has_mic);
    ck_assert_uint_eq(t.token.p[8], 3);
    ck_assert_uint_eq(t.mic.len, 16);
    ck_assert_mem_eq(t.mic.p, "\x01\0\0\0", 4);
    ck_assert_mem_eq(t.mic.p + 12, "\0\0\0\0", 4);
    /* leg 4: accept-completed and the server's MIC */
    ck_assert_int_eq(spnego_decode(s.fin.buf, s.fin.len, &t), SPNEGO_OK);
    ck_assert(t.kind == SPNEGO_RESP && t.neg_state == SPNEGO_ACCEPT_COMPLETED && !t.has_token && t.has_mic);
    ck_assert_uint_eq(t.mic.len, 16);

    ck_assert(s.cattrs & SHIM_ISC_RET_CONFIDENTIALITY);
    ck_assert(s.sattrs & SHIM_ASC_RET_CONFIDENTIALITY);
    session_free(&s);
}
END_TEST

START_TEST(messages_after_mic)
{
    struct session s;
    struct msg m;

    nego_established(&s);
    /* The MICs took sequence number 0 each way: messages start at 1. */
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&m, "first from the client"), 0), SHIM_OK);
    ck_assert_uint_eq(sig_seq(&m), 1);
    ck_st(ops->verify_signature(s.sctx, &m.d, 0, NULL), SHIM_OK);
    ck_st(ops->make_signature(s.sctx, 0, msg_init(&m, "first from the server"), 0), SHIM_OK);
    ck_assert_uint_eq(sig_seq(&m), 1);
    ck_st(ops->verify_signature(s.cctx, &m.d, 0, NULL), SHIM_OK);
    for (int i = 0; i < 3; i++) {
        seal_across(s.cctx, s.sctx, "client to server, sealed", ops, ops);
        seal_across(s.sctx, s.cctx, "server to client, sealed", ops, ops);
    }
    /* altered in flight */
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m, "altered"), 0), SHIM_OK);
    m.data[0] ^= 1;
    ck_st(ops->decrypt(s.sctx, &m.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    session_free(&s);
}
END_TEST

START_TEST(attributes)
{
    struct session s;
    struct shim_ctx_negotiation_info ni;
    struct shim_ctx_package_info pi;
    struct shim_ctx_sizes sz;
    struct shim_ctx_names names;
    struct shim_ctx_session_key kc, ks;
    struct shim_ctx_flags fl;
    struct tok none;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, &s.cattrs), SHIM_I_CONTINUE_NEEDED);
    /* in progress: the mechanism is known, the session is not */
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_NEGOTIATION_INFO, &ni), SHIM_OK);
    ck_assert(wstr_is(ni.PackageInfo->name, "NTLM"));
    ck_assert_uint_eq(ni.NegotiationState, SHIM_NEGOTIATION_IN_PROGRESS);
    sys_caller_free(ni.PackageInfo);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_NAMES, &names), SHIM_E_INVALID_HANDLE);
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&(struct msg){ 0 }, "x"), 0), SHIM_E_INVALID_HANDLE);
    ck_st(ops->query_context_attributes(s.cctx, 12345, &fl), SHIM_E_UNSUPPORTED_FUNCTION);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_SIZES, NULL), SHIM_E_INVALID_PARAMETER);
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &s.neg, &s.chal, &s.sattrs), SHIM_I_CONTINUE_NEEDED);
    /* the client is done when it sends the AUTHENTICATE, as on Windows */
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.chal, &s.auth, &s.cattrs), SHIM_OK);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_NEGOTIATION_INFO, &ni), SHIM_OK);
    ck_assert_uint_eq(ni.NegotiationState, SHIM_NEGOTIATION_COMPLETE);
    sys_caller_free(ni.PackageInfo);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &s.fin, &s.sattrs), SHIM_OK);
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.fin, &none, &s.cattrs), SHIM_OK);

    for (int side = 0; side < 2; side++) {
        shim_ctx *c = side ? s.sctx : s.cctx;
        ck_st(ops->query_context_attributes(c, SHIM_ATTR_NEGOTIATION_INFO, &ni), SHIM_OK);
        ck_assert(wstr_is(ni.PackageInfo->name, "NTLM"));
        ck_assert_uint_eq(ni.PackageInfo->rpcid, 10);
        ck_assert_uint_eq(ni.NegotiationState, SHIM_NEGOTIATION_COMPLETE);
        sys_caller_free(ni.PackageInfo);
        ck_st(ops->query_context_attributes(c, SHIM_ATTR_PACKAGE_INFO, &pi), SHIM_OK);
        ck_assert(wstr_is(pi.PackageInfo->name, "Negotiate"));
        sys_caller_free(pi.PackageInfo);
        ck_st(ops->query_context_attributes(c, SHIM_ATTR_SIZES, &sz), SHIM_OK);
        ck_assert_uint_eq(sz.cbMaxToken, 2888);
        ck_assert_uint_eq(sz.cbMaxSignature, 16);
        ck_assert_uint_eq(sz.cbSecurityTrailer, 16);
        ck_st(ops->query_context_attributes(c, SHIM_ATTR_NAMES, &names), SHIM_OK);
        ck_assert(wstr_is(names.sUserName, "DOMAIN\\alice"));
        sys_caller_free(names.sUserName);
        ck_st(ops->query_context_attributes(c, SHIM_ATTR_FLAGS, &fl), SHIM_OK);
        ck_assert_uint_eq(fl.Flags, side ? s.sattrs : s.cattrs);
    }
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_SESSION_KEY, &kc), SHIM_OK);
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_SESSION_KEY, &ks), SHIM_OK);
    ck_assert_mem_eq(kc.SessionKey, ks.SessionKey, 16);
    sys_caller_free(kc.SessionKey);
    sys_caller_free(ks.SessionKey);
    session_free(&s);
}
END_TEST

START_TEST(tokens)
{
    struct session s;
    void *token = NULL;

    nego_established(&s);
    ck_st(ops->query_token(s.cctx, &token), SHIM_E_NO_IMPERSONATION);
    ck_st(ops->impersonate(s.cctx), SHIM_E_NO_IMPERSONATION);
    ck_assert_uint_eq(sys_tokens_live(), 1);
    /* Natively there are no handles to hand out. */
    ck_st(ops->query_token(s.sctx, &token), SHIM_E_INTERNAL_ERROR);
    ck_st(ops->impersonate(s.sctx), SHIM_OK);
    ck_st(ops->revert(s.sctx), SHIM_OK);
    ck_st(ops->complete_auth_token(s.sctx, NULL), SHIM_OK);
    session_free(&s);
}
END_TEST

START_TEST(wrong_password)
{
    struct session s;

    session_init(&s, "alice", "DOMAIN", "not the password");
    ck_st(nego_handshake(&s), SHIM_E_LOGON_DENIED);
    ck_st(s.sst, SHIM_E_LOGON_DENIED);
    /* the spent server context refuses more */
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &s.fin, NULL), SHIM_E_OUT_OF_SEQUENCE);
    session_free(&s);
}
END_TEST

START_TEST(finished_contexts)
{
    struct session s;
    struct tok out;

    nego_established(&s);
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.fin, &out, NULL), SHIM_E_OUT_OF_SEQUENCE);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &out, NULL), SHIM_E_OUT_OF_SEQUENCE);
    /* a client context given to accept, a server one to initialize */
    ck_st(step(false, NULL, &s.cctx, s.sreq, &s.auth, &out, NULL), SHIM_E_INVALID_HANDLE);
    ck_st(step(true, NULL, &s.sctx, s.creq, &s.fin, &out, NULL), SHIM_E_INVALID_HANDLE);
    /* NTLM's own context and credential are not Negotiate's */
    ck_st(ops->make_signature(s.scred, 0, NULL, 0), SHIM_E_INVALID_HANDLE);
    session_free(&s);
}
END_TEST

/* ---- The mechListMIC ---------------------------------------------------------------- */

/* Flips a byte of the mechListMIC carried by a token of leg `leg`. */
struct flip { int leg; };

static void flip_mic(int leg, struct tok *t, void *arg)
{
    struct flip *f = arg;
    struct spnego_token st;

    if (leg != f->leg) return;
    ck_assert_int_eq(spnego_decode(t->buf, t->len, &st), SPNEGO_OK);
    ck_assert(st.has_mic);
    t->buf[st.mic.p - t->buf + 5] ^= 0x40;
}

START_TEST(tampered_mics)
{
    struct session s;
    struct flip f;
    shim_status last;

    session_init(&s, "alice", "DOMAIN", "Password1");
    f.leg = 3;
    ck_st(nego_handshake_ex(&s, flip_mic, &f, &last), SHIM_E_LOGON_DENIED);
    ck_st(s.sst, SHIM_E_LOGON_DENIED);
    session_reset(&s);
    f.leg = 4;
    ck_st(nego_handshake_ex(&s, flip_mic, &f, &last), SHIM_E_LOGON_DENIED);
    ck_st(last, SHIM_E_LOGON_DENIED);
    session_free(&s);
}
END_TEST

/* Session attributes, impersonation and the token of a Negotiate context
 * that is not established: none is served (issue 15, finding 4). */
static void ck_no_session(shim_ctx *ctx)
{
    static const uint32_t session_attrs[] = { SHIM_ATTR_NAMES, SHIM_ATTR_NATIVE_NAMES, SHIM_ATTR_SESSION_KEY,
                                              SHIM_ATTR_KEY_INFO, SHIM_ATTR_ACCESS_TOKEN, SHIM_ATTR_LIFESPAN };
    void *buf[32] = { 0 }, *token = NULL;

    for (size_t i = 0; i < sizeof(session_attrs) / sizeof(session_attrs[0]); i++)
        ck_st(ops->query_context_attributes(ctx, session_attrs[i], buf), SHIM_E_INVALID_HANDLE);
    ck_st(ops->impersonate(ctx), SHIM_E_NO_IMPERSONATION);
    ck_st(ops->query_token(ctx, &token), SHIM_E_NO_IMPERSONATION);
    ck_assert_ptr_null(token);
    /* what does not describe the session still works */
    ck_st(ops->query_context_attributes(ctx, SHIM_ATTR_SIZES, buf), SHIM_OK);
}

/* At leg 3 the client is established: it sent its AUTHENTICATE. */
static void client_between(int leg, struct tok *t, void *arg)
{
    void *buf[32] = { 0 };
    (void)t;
    if (leg != 3) return;
    ck_st(ops->query_context_attributes(((struct session *)arg)->cctx, SHIM_ATTR_NAMES, buf), SHIM_OK);
    sys_caller_free(((struct shim_ctx_names *)buf)->sUserName);
}

/* The client never takes the server's last token (programs that stop at
 * SEC_E_OK): messages flow both ways all the same, and the token cannot be
 * handed to it afterwards out of turn. */
START_TEST(client_done_at_authenticate)
{
    struct session s;
    struct tok none;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, &s.cattrs), SHIM_I_CONTINUE_NEEDED);
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &s.neg, &s.chal, &s.sattrs), SHIM_I_CONTINUE_NEEDED);
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.chal, &s.auth, &s.cattrs), SHIM_OK);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &s.fin, &s.sattrs), SHIM_OK);
    for (int i = 0; i < 3; i++) {
        seal_across(s.cctx, s.sctx, "client to server", ops, ops);
        seal_across(s.sctx, s.cctx, "server to client", ops, ops);
    }
    /* the last token, late: its MIC still checks against where it was made */
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.fin, &none, &s.cattrs), SHIM_OK);
    ck_assert_uint_eq(none.len, 0);
    seal_across(s.sctx, s.cctx, "and after it", ops, ops);
    /* only once */
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.fin, &none, &s.cattrs), SHIM_E_OUT_OF_SEQUENCE);
    session_free(&s);
}
END_TEST

START_TEST(failed_mic_serves_no_session)
{
    struct session s;
    struct flip f;
    shim_status last;

    session_init(&s, "alice", "DOMAIN", "Password1");
    f.leg = 3;
    ck_st(nego_handshake_ex(&s, flip_mic, &f, &last), SHIM_E_LOGON_DENIED);
    ck_no_session(s.sctx);
    session_reset(&s);
    f.leg = 4;
    ck_st(nego_handshake_ex(&s, flip_mic, &f, &last), SHIM_E_LOGON_DENIED);
    ck_st(s.sst, SHIM_OK);
    ck_no_session(s.cctx);
    session_reset(&s);
    ck_st(nego_handshake_ex(&s, client_between, &s, &last), SHIM_OK);
    session_free(&s);
}
END_TEST

/* Rewrites the leg-3 and leg-4 tokens (or the one leg *arg) without their MIC. */
static void drop_mic(int leg, struct tok *t, void *arg)
{
    struct spnego_token st;
    struct bytes_writer w;

    int only = arg ? *(int *)arg : 0;   /* one leg, or both */
    if (only ? leg != only : leg != 3 && leg != 4) return;
    ck_assert_int_eq(spnego_decode(t->buf, t->len, &st), SPNEGO_OK);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(spnego_encode_resp(&w, st.neg_state, NULL, st.has_token ? &st.token : NULL, NULL), SPNEGO_OK);
    memcpy(t->buf, w.buf, w.len);
    t->len = (uint32_t)w.len;
    bytes_writer_free(&w);
}

START_TEST(missing_mics)
{
    struct session s;
    shim_status last;

    /* The client's mechListMIC stripped: its NTLM AUTHENTICATE has a MIC,
     * so the server insists on the mechListMIC (issue 15, finding 9) and
     * serves no session. */
    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(nego_handshake_ex(&s, drop_mic, NULL, &last), SHIM_E_LOGON_DENIED);
    ck_st(s.sst, SHIM_E_LOGON_DENIED);
    ck_no_session(s.sctx);
    /* The server's stripped: the client, which sent one, insists on it. */
    int leg4 = 4;
    session_reset(&s);
    ck_st(nego_handshake_ex(&s, drop_mic, &leg4, &last), SHIM_E_LOGON_DENIED);
    ck_st(s.sst, SHIM_OK);
    ck_st(last, SHIM_E_LOGON_DENIED);
    ck_no_session(s.cctx);
    session_free(&s);
}
END_TEST

/* A client of our own making: NTLM's ops, wrapped by hand, offering
 * Kerberos first and NTLM second. */
START_TEST(request_mic)
{
    struct session s;
    struct bytes_span mechs[] = { { spnego_oid_krb5, sizeof(spnego_oid_krb5) },
                                  { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) } };
    struct bytes_writer types, w;
    struct spnego_token t;
    struct tok in, out;
    struct ident id;
    shim_ctx *nc = NULL;
    shim_cred *ncred = NULL;
    int64_t exp;
    uint8_t mic[16];
    const struct shim_package *np = ntlm_package();

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(ntlm_ops->acquire_credentials(np, NULL, SHIM_CRED_OUTBOUND, NULL, ident(&id, "alice", "DOMAIN", "Password1"),
                                        NULL, NULL, &ncred, &exp), SHIM_OK);
    bytes_writer_init_heap(&types, BYTES_NO_LIMIT);
    ck_assert_int_eq(spnego_encode_mech_types(&types, mechs, 2), SPNEGO_OK);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    struct bytes_span krb_token = { (const uint8_t *)"\x60\x02\x05\x00", 4 };
    ck_assert_int_eq(spnego_encode_init(&w, bytes_writer_span(&types), &krb_token, NULL), SPNEGO_OK);
    memcpy(in.buf, w.buf, w.len);
    in.len = (uint32_t)w.len;
    bytes_writer_free(&w);

    /* request-mic, NTLM, no token */
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &in, &out, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_assert_int_eq(spnego_decode(out.buf, out.len, &t), SPNEGO_OK);
    ck_assert_int_eq(t.neg_state, SPNEGO_REQUEST_MIC);
    ck_assert_mem_eq(t.supported_mech.p, spnego_oid_ntlm, sizeof(spnego_oid_ntlm));
    ck_assert(!t.has_token);

    /* NTLM's NEGOTIATE in a NegTokenResp */
    struct tok ntok, chal, auth;
    pkg = np; ops = ntlm_ops;
    ck_st(step(true, ncred, &nc, CLIENT_REQ, NULL, &ntok, NULL), SHIM_I_CONTINUE_NEEDED);
    pkg = negotiate_package(); ops = pkg->ops;
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    struct bytes_span sp = { ntok.buf, ntok.len };
    ck_assert_int_eq(spnego_encode_resp(&w, SPNEGO_STATE_ABSENT, NULL, &sp, NULL), SPNEGO_OK);
    memcpy(in.buf, w.buf, w.len);
    in.len = (uint32_t)w.len;
    bytes_writer_free(&w);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &in, &out, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_assert_int_eq(spnego_decode(out.buf, out.len, &t), SPNEGO_OK);
    ck_assert(t.neg_state == SPNEGO_ACCEPT_INCOMPLETE && t.has_token);
    memcpy(chal.buf, t.token.p, t.token.len);
    chal.len = (uint32_t)t.token.len;

    pkg = np; ops = ntlm_ops;
    ck_st(step(true, NULL, &nc, CLIENT_REQ, &chal, &auth, NULL), SHIM_OK);
    pkg = negotiate_package(); ops = pkg->ops;

    /* without the MIC the request-mic server refuses */
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    sp = (struct bytes_span){ auth.buf, auth.len };
    ck_assert_int_eq(spnego_encode_resp(&w, SPNEGO_STATE_ABSENT, NULL, &sp, NULL), SPNEGO_OK);
    struct tok no_mic;
    memcpy(no_mic.buf, w.buf, w.len);
    no_mic.len = (uint32_t)w.len;
    bytes_writer_free(&w);
    {
        /* on a copy of the server's state: a second server in the same place */
        shim_ctx *sctx2 = NULL;
        struct tok first, o2;
        bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
        ck_assert_int_eq(spnego_encode_init(&w, bytes_writer_span(&types), &krb_token, NULL), SPNEGO_OK);
        memcpy(first.buf, w.buf, w.len);
        first.len = (uint32_t)w.len;
        bytes_writer_free(&w);
        ck_st(step(false, s.scred, &sctx2, s.sreq, &first, &o2, NULL), SHIM_I_CONTINUE_NEEDED);
        ck_st(step(false, NULL, &sctx2, s.sreq, &no_mic, &o2, NULL), SHIM_E_INVALID_TOKEN);   /* NEGOTIATE expected */
        ctx_delete(sctx2);
    }

    /* with it, over the mechTypes as the client sent them */
    ck_st(ntlm_spnego_make_mic(nc, types.buf, types.len, mic), SHIM_OK);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    struct bytes_span ms = { mic, 16 };
    ck_assert_int_eq(spnego_encode_resp(&w, SPNEGO_STATE_ABSENT, NULL, &sp, &ms), SPNEGO_OK);
    memcpy(in.buf, w.buf, w.len);
    in.len = (uint32_t)w.len;
    bytes_writer_free(&w);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &in, &out, NULL), SHIM_OK);
    ck_assert_int_eq(spnego_decode(out.buf, out.len, &t), SPNEGO_OK);
    ck_assert(t.neg_state == SPNEGO_ACCEPT_COMPLETED && t.has_mic);
    ck_st(ntlm_spnego_check_mic(nc, types.buf, types.len, t.mic.p, t.mic.len), SHIM_OK);
    /* and they talk */
    seal_across(nc, s.sctx, "hand-made client", ntlm_ops, ops);
    seal_across(s.sctx, nc, "and back", ops, ntlm_ops);

    bytes_writer_free(&types);
    ck_st(ntlm_ops->delete_context(nc), SHIM_OK);
    shim_object_put(nc);
    shim_object_put(ncred);
    session_free(&s);
}
END_TEST

START_TEST(no_ntlm_offered)
{
    struct session s;
    struct bytes_span krb = { spnego_oid_krb5, sizeof(spnego_oid_krb5) };
    struct bytes_writer types, w;
    struct tok in, out;

    session_init(&s, "alice", "DOMAIN", "Password1");
    bytes_writer_init_heap(&types, BYTES_NO_LIMIT);
    spnego_encode_mech_types(&types, &krb, 1);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    spnego_encode_init(&w, bytes_writer_span(&types), NULL, NULL);
    memcpy(in.buf, w.buf, w.len);
    in.len = (uint32_t)w.len;
    /* no token with Kerberos, and no NTLM: nothing the server can do */
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &in, &out, NULL), SHIM_E_INVALID_TOKEN);
    /* the client takes a hint naming Kerberos (it offers Kerberos) */
    ck_st(step(true, s.ccred, &s.cctx, s.creq, &in, &out, NULL), SHIM_I_CONTINUE_NEEDED);
    ctx_delete(s.cctx);
    s.cctx = NULL;
    bytes_writer_free(&types);
    bytes_writer_free(&w);
    struct bytes_span both[] = { krb, { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) } };
    bytes_writer_init_heap(&types, BYTES_NO_LIMIT);
    spnego_encode_mech_types(&types, both, 2);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    spnego_encode_init(&w, bytes_writer_span(&types), NULL, NULL);
    memcpy(in.buf, w.buf, w.len);
    in.len = (uint32_t)w.len;
    ck_st(step(true, s.ccred, &s.cctx, s.creq, &in, &out, NULL), SHIM_I_CONTINUE_NEEDED);
    bytes_writer_free(&types);
    bytes_writer_free(&w);
    session_free(&s);
}
END_TEST

/* ---- Bare NTLMSSP ------------------------------------------------------------------- */

START_TEST(raw_ntlm_client)
{
    /* An NTLM client (as Wine's builtin Negotiate is) against our server. */
    struct session s;
    struct ident id;
    shim_cred *ncred = NULL;
    shim_ctx *nc = NULL;
    struct tok neg, chal, auth, fin;
    struct shim_ctx_negotiation_info ni;
    int64_t exp;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(ntlm_ops->acquire_credentials(ntlm_package(), NULL, SHIM_CRED_OUTBOUND, NULL,
                                        ident(&id, "alice", "DOMAIN", "Password1"), NULL, NULL, &ncred, &exp), SHIM_OK);
    ops = ntlm_ops; pkg = ntlm_package();
    ck_st(step(true, ncred, &nc, CLIENT_REQ, NULL, &neg, NULL), SHIM_I_CONTINUE_NEEDED);
    pkg = negotiate_package(); ops = pkg->ops;
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &neg, &chal, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_assert(spnego_is_ntlmssp(chal.buf, chal.len));
    ops = ntlm_ops; pkg = ntlm_package();
    ck_st(step(true, NULL, &nc, CLIENT_REQ, &chal, &auth, NULL), SHIM_OK);
    pkg = negotiate_package(); ops = pkg->ops;
    ck_st(step(false, NULL, &s.sctx, s.sreq, &auth, &fin, NULL), SHIM_OK);
    ck_assert_uint_eq(fin.len, 0);
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_NEGOTIATION_INFO, &ni), SHIM_OK);
    ck_assert(wstr_is(ni.PackageInfo->name, "NTLM"));
    ck_assert_uint_eq(ni.NegotiationState, SHIM_NEGOTIATION_COMPLETE);
    sys_caller_free(ni.PackageInfo);
    seal_across(nc, s.sctx, "plain NTLM in", ntlm_ops, ops);
    seal_across(s.sctx, nc, "plain NTLM out", ops, ntlm_ops);
    ck_st(ntlm_ops->delete_context(nc), SHIM_OK);
    shim_object_put(nc);
    shim_object_put(ncred);
    session_free(&s);
}
END_TEST

START_TEST(raw_ntlm_server)
{
    /* A server answering our NegTokenInit with a bare CHALLENGE. */
    struct session s;
    shim_cred *ncred = NULL;
    shim_ctx *ns = NULL;
    struct tok neg, chal, auth, fin;
    struct spnego_token t;
    int64_t exp;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(ntlm_ops->acquire_credentials(ntlm_package(), NULL, SHIM_CRED_INBOUND, NULL, NULL, NULL, NULL, &ncred, &exp),
          SHIM_OK);
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_assert_int_eq(spnego_decode(neg.buf, neg.len, &t), SPNEGO_OK);
    memmove(neg.buf, t.token.p, t.token.len);
    neg.len = (uint32_t)t.token.len;
    ops = ntlm_ops; pkg = ntlm_package();
    ck_st(step(false, ncred, &ns, SERVER_REQ, &neg, &chal, NULL), SHIM_I_CONTINUE_NEEDED);
    pkg = negotiate_package(); ops = pkg->ops;
    ck_st(step(true, NULL, &s.cctx, s.creq, &chal, &auth, NULL), SHIM_OK);
    ck_assert(spnego_is_ntlmssp(auth.buf, auth.len));
    ops = ntlm_ops; pkg = ntlm_package();
    ck_st(step(false, NULL, &ns, SERVER_REQ, &auth, &fin, NULL), SHIM_OK);
    pkg = negotiate_package(); ops = pkg->ops;
    seal_across(s.cctx, ns, "to a plain NTLM server", ops, ntlm_ops);
    seal_across(ns, s.cctx, "from it", ntlm_ops, ops);
    ck_st(ntlm_ops->delete_context(ns), SHIM_OK);
    shim_object_put(ns);
    shim_object_put(ncred);
    session_free(&s);
}
END_TEST

/* ---- Malformed tokens ------------------------------------------------------------------- */

struct cut { int leg; size_t len; bool garbage; };

static void cut_token(int leg, struct tok *t, void *arg)
{
    struct cut *c = arg;

    if (leg != c->leg) return;
    if (c->garbage) {
        for (uint32_t i = 0; i < t->len; i++) t->buf[i] = (uint8_t)(i * 37 + 11);
    } else {
        t->len = (uint32_t)c->len;
    }
}

START_TEST(truncated_tokens)
{
    /* Every leg's token cut at every length short of its own (and replaced
     * by garbage): an error, never a crash, and nothing left behind. */
    struct session s;
    struct tok lens;
    size_t full[5];
    shim_status last, st;

    nego_established(&s);
    full[1] = s.neg.len; full[2] = s.chal.len; full[3] = s.auth.len; full[4] = s.fin.len;
    (void)lens;
    session_reset(&s);
    for (int leg = 1; leg <= 4; leg++) {
        for (size_t n = 0; n <= full[leg]; n += (n < 40 || n + 40 > full[leg]) ? 1 : 13) {
            struct cut c = { leg, n, n == full[leg] };
            st = nego_handshake_ex(&s, cut_token, &c, &last);
            ck_assert_msg(st < 0, "leg %d cut to %zu: %08x", leg, n, (unsigned)st);
            session_reset(&s);
        }
    }
    session_free(&s);
}
END_TEST

START_TEST(missing_input)
{
    struct session s;
    struct tok out;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(false, s.scred, &s.sctx, s.sreq, NULL, &out, NULL), SHIM_E_INVALID_TOKEN);
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(step(true, NULL, &s.cctx, s.creq, NULL, &out, NULL), SHIM_E_INVALID_TOKEN);
    /* the failed step spent the context */
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.neg, &out, NULL), SHIM_E_OUT_OF_SEQUENCE);
    session_free(&s);
}
END_TEST

START_TEST(output_too_small)
{
    struct session s;
    struct shim_buffer ob = { 10, SHIM_BUFFER_TOKEN, s.neg.buf };
    struct shim_buffer_desc od = { 0, 1, &ob };
    struct shim_ctx_call c;

    session_init(&s, "alice", "DOMAIN", "Password1");
    c = (struct shim_ctx_call){ .cred = s.ccred, .req = s.creq, .output = &od };
    ck_st(ops->initialize_context(&c), SHIM_E_BUFFER_TOO_SMALL);
    ck_assert_ptr_null(c.new_ctx);
    c = (struct shim_ctx_call){ .cred = s.ccred, .req = s.creq, .output = NULL };
    ck_st(ops->initialize_context(&c), SHIM_E_BUFFER_TOO_SMALL);
    session_free(&s);
}
END_TEST

START_TEST(allocate_memory)
{
    struct session s;
    struct shim_buffer ib, ob;
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ob = (struct shim_buffer){ 0, SHIM_BUFFER_TOKEN, NULL };
    c = (struct shim_ctx_call){ .cred = s.ccred, .req = s.creq | SHIM_ISC_REQ_ALLOCATE_MEMORY, .output = &od };
    ck_st(ops->initialize_context(&c), SHIM_I_CONTINUE_NEEDED);
    ck_assert_ptr_nonnull(ob.pv);
    ck_assert(c.attrs & SHIM_ISC_RET_ALLOCATED_MEMORY);
    s.cctx = c.new_ctx;
    ib = ob;
    ob = (struct shim_buffer){ 0, SHIM_BUFFER_TOKEN, NULL };
    c = (struct shim_ctx_call){ .cred = s.scred, .req = s.sreq | SHIM_ASC_REQ_ALLOCATE_MEMORY, .input = &id,
                                .output = &od };
    ck_st(ops->accept_context(&c), SHIM_I_CONTINUE_NEEDED);
    ck_assert_ptr_nonnull(ob.pv);
    ck_assert(c.attrs & SHIM_ASC_RET_ALLOCATED_MEMORY);
    s.sctx = c.new_ctx;
    sys_caller_free(ib.pv);
    sys_caller_free(ob.pv);
    session_free(&s);
}
END_TEST

/* ---- Export and import ---------------------------------------------------------------- */

static shim_ctx *round_trip(shim_ctx *ctx, int reset, uint8_t want_role, void *token)
{
    uint8_t *payload = NULL, role = 0;
    size_t len = 0;
    shim_ctx *out = NULL;

    ck_st(ops->export_context(ctx, reset, &payload, &len, &role), SHIM_OK);
    ck_assert_uint_eq(role, want_role);
    ck_st(ops->import_context(pkg, role, payload, len, token, &out), SHIM_OK);
    free(payload);
    return out;
}

START_TEST(export_import)
{
    struct session s;
    shim_ctx *c2, *s2;
    struct msg m;

    nego_established(&s);
    seal_across(s.cctx, s.sctx, "before the move", ops, ops);
    /* carry on where they were */
    c2 = round_trip(s.cctx, 0, PACKED_ROLE_CLIENT, NULL);
    s2 = round_trip(s.sctx, 0, PACKED_ROLE_SERVER, NULL);
    seal_across(c2, s2, "after the move", ops, ops);
    seal_across(s2, c2, "and back", ops, ops);
    struct shim_ctx_negotiation_info ni;
    ck_st(ops->query_context_attributes(s2, SHIM_ATTR_NEGOTIATION_INFO, &ni), SHIM_OK);
    ck_assert(wstr_is(ni.PackageInfo->name, "NTLM"));
    ck_assert_uint_eq(ni.NegotiationState, SHIM_NEGOTIATION_COMPLETE);
    sys_caller_free(ni.PackageInfo);
    ctx_delete(c2);
    ctx_delete(s2);

    /* after messages, a reset would reuse their keystream: refused */
    uint8_t *payload = NULL, role = 0;
    size_t len = 0;
    ck_st(ops->export_context(s.cctx, 1, &payload, &len, &role), SHIM_E_INVALID_PARAMETER);
    ck_st(ops->export_context(s.sctx, 1, &payload, &len, &role), SHIM_E_INVALID_PARAMETER);
    ck_assert_ptr_null(payload);
    (void)m;

    /* a server with its token */
    sys_token t2 = NULL;
    ck_assert_int_eq(sys_token_adopt(NULL, &t2), 0);
    s2 = round_trip(s.sctx, 0, PACKED_ROLE_SERVER, t2);
    ck_st(ops->impersonate(s2), SHIM_OK);
    ck_st(ops->revert(s2), SHIM_OK);
    ctx_delete(s2);
    session_free(&s);
}
END_TEST

/* RESET_NEW right after the handshake: the mechListMICs are part of it
 * (each took sequence 0 of its direction and rekeyed RC4), so the reset
 * copies start at sequence 1 and talk to each other; once one message has
 * passed either way, both roles refuse the reset (issue 15, finding 1). */
START_TEST(export_reset_new)
{
    struct session s;
    uint8_t *payload = NULL, role = 0;
    size_t len = 0;
    shim_ctx *c2, *s2;
    struct msg m;

    nego_established(&s);
    c2 = round_trip(s.cctx, 1, PACKED_ROLE_CLIENT, NULL);
    s2 = round_trip(s.sctx, 1, PACKED_ROLE_SERVER, NULL);
    ck_st(ops->encrypt(c2, 0, msg_init(&m, "first"), 0), SHIM_OK);
    ck_assert_uint_eq(sig_seq(&m), 1);
    ck_st(ops->decrypt(s2, &m.d, 0, NULL), SHIM_OK);
    seal_across(s2, c2, "reset both", ops, ops);
    ctx_delete(c2);
    ctx_delete(s2);
    for (int server = 0; server < 2; server++) {
        session_free(&s);
        nego_established(&s);
        if (server)
            seal_across(s.sctx, s.cctx, "one message", ops, ops);
        else
            seal_across(s.cctx, s.sctx, "one message", ops, ops);
        ck_st(ops->export_context(s.cctx, 1, &payload, &len, &role), SHIM_E_INVALID_PARAMETER);
        ck_st(ops->export_context(s.sctx, 1, &payload, &len, &role), SHIM_E_INVALID_PARAMETER);
        ck_assert_ptr_null(payload);
        /* without the flag: a snapshot that carries on */
        c2 = round_trip(s.cctx, 0, PACKED_ROLE_CLIENT, NULL);
        seal_across(c2, s.sctx, "carries on", ops, ops);
        ctx_delete(c2);
    }
    session_free(&s);
}
END_TEST

/* NTLM without extended session security under SPNEGO (either end leaving
 * it out, as a foreign peer would): both mechListMICs are CRC32 signatures
 * on the one shared stream, at sequence numbers 0 (client) and 1 (server),
 * each followed by a restart of that stream; messages then take 2, 3...
 * and a RESET_NEW copy made right after the handshake starts there too. */
START_TEST(no_ess_ntlm)
{
    static const char *const which[] = { "client", "server" };
    struct session s;
    struct msg m;
    shim_ctx *c2, *s2;

    setenv("SSPISHIM_NTLM_NO_ESS", which[_i], 1);
    nego_established(&s);
    unsetenv("SSPISHIM_NTLM_NO_ESS");
    c2 = round_trip(s.cctx, 1, PACKED_ROLE_CLIENT, NULL);
    s2 = round_trip(s.sctx, 1, PACKED_ROLE_SERVER, NULL);
    seal_across(c2, s2, "reset copies, 2", ops, ops);
    seal_across(s2, c2, "reset copies, 3", ops, ops);
    ctx_delete(c2);
    ctx_delete(s2);
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&m, "first from the client"), 0), SHIM_OK);
    ck_assert_mem_eq(m.sig, "\x01\0\0\0\0\0\0\0", 8);
    ck_st(ops->verify_signature(s.sctx, &m.d, 0, NULL), SHIM_OK);
    for (int i = 0; i < 3; i++) {
        seal_across(s.sctx, s.cctx, "server to client, sealed", ops, ops);
        seal_across(s.cctx, s.sctx, "client to server, sealed", ops, ops);
    }
    uint8_t *payload = NULL, role = 0;
    size_t len = 0;
    ck_st(ops->export_context(s.sctx, 1, &payload, &len, &role), SHIM_E_INVALID_PARAMETER);
    s2 = round_trip(s.sctx, 0, PACKED_ROLE_SERVER, NULL);
    seal_across(s2, s.cctx, "the copy carries on", ops, ops);
    ctx_delete(s2);
    session_free(&s);
}
END_TEST

/* A Negotiate client blob imported with a token ignores it (the token is
 * closed at once): the copy cannot impersonate (issue 15, finding 8). */
START_TEST(export_client_token_ignored)
{
    struct session s;
    sys_token t = NULL;
    void *q = NULL;

    nego_established(&s);
    long before = sys_tokens_live();
    ck_assert_int_eq(sys_token_adopt(NULL, &t), 0);
    shim_ctx *c2 = round_trip(s.cctx, 0, PACKED_ROLE_CLIENT, t);
    ck_assert_int_eq(sys_tokens_live(), before);
    ck_st(ops->impersonate(c2), SHIM_E_NO_IMPERSONATION);
    ck_st(ops->query_token(c2, &q), SHIM_E_NO_IMPERSONATION);
    seal_across(c2, s.sctx, "a client still", ops, ops);
    ctx_delete(c2);
    ck_assert_int_eq(sys_tokens_live(), before);
    session_free(&s);
}
END_TEST

START_TEST(export_refused)
{
    struct session s;
    uint8_t *payload = NULL, role = 0;
    size_t len = 0;
    shim_ctx *out = NULL;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(ops->export_context(s.cctx, 0, &payload, &len, &role), SHIM_E_UNSUPPORTED_FUNCTION);
    session_reset(&s);
    ck_st(nego_handshake(&s), SHIM_OK);
    ck_st(ops->export_context(s.cctx, 0, &payload, &len, &role), SHIM_OK);
    /* every truncation, a wrong version, unknown flags, a wrong role */
    for (size_t n = 0; n < len; n++)
        ck_assert_int_ne(ops->import_context(pkg, role, payload, n, NULL, &out), SHIM_OK);
    payload[0] = 3;   /* 2 is Negotiate over Kerberos */
    ck_st(ops->import_context(pkg, role, payload, len, NULL, &out), SHIM_E_UNSUPPORTED_FUNCTION);
    payload[0] = 1;
    payload[2] |= 0x80;
    ck_st(ops->import_context(pkg, role, payload, len, NULL, &out), SHIM_E_INVALID_TOKEN);
    payload[2] &= 0x7f;
    ck_st(ops->import_context(pkg, PACKED_ROLE_SERVER, payload, len, NULL, &out), SHIM_E_INVALID_TOKEN);
    ck_st(ops->import_context(pkg, role, payload, len, NULL, &out), SHIM_OK);
    ctx_delete(out);
    free(payload);
    session_free(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("negotiate_package");
    TCase *tc;

#define TC(name) tc = tcase_create(name); tcase_add_checked_fixture(tc, nego_setup, teardown); \
                 tcase_set_timeout(tc, 60); suite_add_tcase(s, tc)
    TC("Package");
    tcase_add_test(tc, package_info);
    tcase_add_test(tc, credentials);
    TC("Handshake");
    tcase_add_test(tc, loopback);
    tcase_add_test(tc, messages_after_mic);
    tcase_add_test(tc, attributes);
    tcase_add_test(tc, tokens);
    tcase_add_test(tc, wrong_password);
    tcase_add_test(tc, finished_contexts);
    TC("MechListMIC");
    tcase_add_test(tc, tampered_mics);
    tcase_add_test(tc, failed_mic_serves_no_session);
    tcase_add_test(tc, client_done_at_authenticate);
    tcase_add_test(tc, missing_mics);
    tcase_add_test(tc, request_mic);
    tcase_add_test(tc, no_ntlm_offered);
    TC("BareNTLMSSP");
    tcase_add_test(tc, raw_ntlm_client);
    tcase_add_test(tc, raw_ntlm_server);
    TC("Malformed");
    tcase_add_test(tc, truncated_tokens);
    tcase_add_test(tc, missing_input);
    tcase_add_test(tc, output_too_small);
    tcase_add_test(tc, allocate_memory);
    TC("Export");
    tcase_add_test(tc, export_import);
    tcase_add_test(tc, export_reset_new);
    tcase_add_loop_test(tc, no_ess_ntlm, 0, 2);
    tcase_add_test(tc, export_client_token_ignored);
    tcase_add_test(tc, export_refused);
    return run_suite(s);
}
