/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM package through its ops table only, called the way the DLL's
 * dispatcher calls it: credentials, the handshake in loopback (client and
 * server in one process, accounts in a temporary file), tampering, message
 * protection, attributes, tokens and the MS-NLMP 4.2.4 example end to end.
 * Every test ends with no live object and no open token. */
#include <ctype.h>
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sspishim/handles.h"
#include "sspishim/ntlm.h"
#include "sspishim/ntlm_accounts.h"
#include "sspishim/ntlm_crypto.h"
#include "sspishim/ntlm_msg.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

#include "ntlm_session.h"


/* ---- Package ---------------------------------------------------------------------- */

START_TEST(package_info)
{
    ck_assert_ptr_eq(ntlm_package(), pkg);
    ck_assert(wstr_is(pkg->info.name, "NTLM"));
    ck_assert(wstr_is(pkg->info.comment, "NTLM Security Package"));
    ck_assert_uint_eq(pkg->info.capabilities, 0x82b37);
    ck_assert_uint_eq(pkg->info.version, 1);
    ck_assert_uint_eq(pkg->info.rpcid, 10);
    ck_assert_uint_eq(pkg->info.max_token, 2888);
    ck_assert_uint_eq(pkg->flags, SHIM_PKG_TAKES_IDENTITY);
    ck_assert_ptr_nonnull(ops->export_context);
    ck_assert_ptr_nonnull(ops->import_context);
    ck_st(registry_add(pkg), SHIM_OK);
    ck_assert_ptr_eq(registry_find(w("ntlm")), pkg);
}
END_TEST

/* ---- Credentials ---------------------------------------------------------------- */

START_TEST(identity_w)
{
    struct ident id;
    shim_cred *c;

    ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, "alice", "DOMAIN", "Password1"), &c), SHIM_OK);
    ck_cred_name(c, "DOMAIN\\alice");
    cred_free(c);
    /* No domain: the name is the user alone. */
    ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, "alice", NULL, "Password1"), &c), SHIM_OK);
    ck_cred_name(c, "alice");
    cred_free(c);
    /* DOMAIN\user in the user field. */
    ck_st(acquire(SHIM_CRED_BOTH, ident(&id, "CORP\\zed", NULL, "x"), &c), SHIM_OK);
    ck_cred_name(c, "CORP\\zed");
    cred_free(c);
}
END_TEST

START_TEST(identity_ex)
{
    struct shim_auth_identity_exw ex = { 0 };
    shim_wchar user[8], domain[8], password[16];
    struct session s = { 0 };

    ex.Version = SHIM_AUTH_IDENTITY_VERSION;
    ex.Length = sizeof(ex);
    ex.User = user;
    ex.UserLength = (uint32_t)copy_w(user, "bob");
    ex.Domain = domain;
    ex.DomainLength = (uint32_t)copy_w(domain, "DOMAIN");
    ex.Password = password;
    ex.PasswordLength = (uint32_t)copy_w(password, "hunter2");
    ex.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    ex.PackageList = (shim_wchar *)w("NTLM");
    ex.PackageListLength = 4;
    s.creq = CLIENT_REQ;
    s.sreq = SERVER_REQ;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &ex, &s.ccred), SHIM_OK);
    ck_cred_name(s.ccred, "DOMAIN\\bob");
    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &s.scred), SHIM_OK);
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);

    ex.Length = sizeof(ex) - 1;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &ex, &s.ccred), SHIM_E_UNKNOWN_CREDENTIALS);
    ex.Length = sizeof(ex);
    ex.Version = SHIM_AUTH_IDENTITY_VERSION_2;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &ex, &s.ccred), SHIM_E_UNKNOWN_CREDENTIALS);
}
END_TEST

/* An ANSI identity at the W entry point: bytes read as Latin-1. */
START_TEST(identity_ansi)
{
    struct shim_auth_identity_a a = { 0 };
    unsigned char user[] = "alice", domain[] = "DOMAIN", password[] = "Password1";
    struct shim_auth_identity_exa ex = { 0 };
    struct session s = { 0 };

    a.User = user;
    a.UserLength = 5;
    a.Domain = domain;
    a.DomainLength = 6;
    a.Password = password;
    a.PasswordLength = 9;
    a.Flags = SHIM_AUTH_IDENTITY_ANSI;
    s.creq = CLIENT_REQ;
    s.sreq = SERVER_REQ;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &a, &s.ccred), SHIM_OK);
    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &s.scred), SHIM_OK);
    ck_cred_name(s.ccred, "DOMAIN\\alice");
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);

    ex.Version = SHIM_AUTH_IDENTITY_VERSION;
    ex.Length = sizeof(ex);
    ex.User = user;
    ex.UserLength = 5;
    ex.Password = password;
    ex.PasswordLength = 9;
    ex.Flags = SHIM_AUTH_IDENTITY_ANSI;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &ex, &s.ccred), SHIM_OK);
    ck_cred_name(s.ccred, "alice");
    cred_free(s.ccred);
}
END_TEST

START_TEST(identity_bad)
{
    struct ident id;
    shim_cred *c;

    ident(&id, "alice", "DOMAIN", "x");
    id.id.Flags = 0;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &id.id, &c), SHIM_E_UNKNOWN_CREDENTIALS);
    ident(&id, "alice", "DOMAIN", "x");
    id.id.User = NULL;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &id.id, &c), SHIM_E_UNKNOWN_CREDENTIALS);
    ident(&id, "alice", "DOMAIN", "x");
    id.id.UserLength = 40000;
    ck_st(acquire(SHIM_CRED_OUTBOUND, &id.id, &c), SHIM_E_UNKNOWN_CREDENTIALS);
    /* All empty: anonymous, which we do not offer. */
    ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, "", "", ""), &c), SHIM_E_NO_CREDENTIALS);
    ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, NULL, NULL, ""), &c), SHIM_E_NO_CREDENTIALS);
}
END_TEST

START_TEST(credential_use)
{
    shim_cred *c;

    ck_st(acquire(0, NULL, &c), SHIM_E_UNKNOWN_CREDENTIALS);
    ck_st(acquire(4, NULL, &c), SHIM_E_UNKNOWN_CREDENTIALS);
    ck_st(acquire(SHIM_CRED_INBOUND | 0x80000000u, NULL, &c), SHIM_OK);
    cred_free(c);
    ck_st(acquire(SHIM_CRED_BOTH, NULL, &c), SHIM_OK);
    cred_free(c);
}
END_TEST

/* No auth data: the current user ($USER is bob here), else the first entry. */
START_TEST(default_credentials)
{
    shim_cred *c;
    struct session s = { 0 };

    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &c), SHIM_OK);
    ck_cred_name(c, "DOMAIN\\bob");
    s.ccred = c;
    s.creq = CLIENT_REQ;
    s.sreq = SERVER_REQ;
    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &s.scred), SHIM_OK);
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);

    setenv("USER", "STRANGER", 1);
    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &c), SHIM_OK);
    ck_cred_name(c, "DOMAIN\\alice");
    cred_free(c);
    setenv("USER", "CAROL", 1);
    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &c), SHIM_OK);
    ck_cred_name(c, "carol");
    cred_free(c);

    /* An empty file has nobody to be: as on Windows, the credential is
     * still acquired (named for the current user), and the client fails
     * when it needs the password, at the AUTHENTICATE. */
    write_accounts("# empty\n");
    memset(&s, 0, sizeof(s));
    s.creq = CLIENT_REQ;
    s.sreq = SERVER_REQ;
    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &s.ccred), SHIM_OK);
    ck_cred_name(s.ccred, "CAROL");
    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &s.scred), SHIM_OK);
    ck_st(handshake(&s), SHIM_E_NO_CREDENTIALS);
    ck_assert_uint_gt(s.neg.len, 0);
    /* The context is spent; the credential still serves a new one. */
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.chal, &s.auth, NULL), SHIM_E_OUT_OF_SEQUENCE);
    session_reset(&s);
    ck_st(handshake(&s), SHIM_E_NO_CREDENTIALS);
    session_free(&s);
}
END_TEST

START_TEST(no_accounts_file)
{
    shim_cred *c;
    struct session s;

    unlink(accounts);
    ntlm_accounts_reset();
    /* Acquired all the same (Windows always is); the first call still
     * sends a NEGOTIATE, the second has no password to answer with. */
    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &c), SHIM_OK);
    ck_cred_name(c, "bob");
    cred_free(c);
    ck_st(acquire(SHIM_CRED_BOTH, NULL, &c), SHIM_OK);
    cred_free(c);
    memset(&s, 0, sizeof(s));
    s.creq = CLIENT_REQ;
    s.sreq = SERVER_REQ;
    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &s.ccred), SHIM_OK);
    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &s.scred), SHIM_OK);
    ck_st(handshake(&s), SHIM_E_NO_CREDENTIALS);
    ck_st(s.sst, SHIM_I_CONTINUE_NEEDED);
    session_free(&s);
    /* A user name alone needs no accounts file to be acquired. */
    session_init(&s, "alice", "DOMAIN", NULL);
    ck_cred_name(s.ccred, "DOMAIN\\alice");
    ck_st(handshake(&s), SHIM_E_NO_CREDENTIALS);
    session_free(&s);
    /* A password without a user is the current user's. */
    session_init(&s, NULL, "DOMAIN", "hunter2");
    ck_cred_name(s.ccred, "DOMAIN\\bob");
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);     /* the server has nobody to check against */
    ck_assert_uint_gt(s.auth.len, 0);
    session_free(&s);
    /* A server without accounts answers all the same, as Windows' does:
     * a CHALLENGE, then nobody logs on. */
    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);
    ck_assert_uint_gt(s.chal.len, 0);
    session_free(&s);
    unsetenv("NTLM_USER_FILE");
    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &c), SHIM_OK);
    cred_free(c);
}
END_TEST

/* The file vanishes between the server's two calls. */
START_TEST(accounts_file_vanishes)
{
    struct session s;

    session_init(&s, "alice", "DOMAIN", "Password1");
    s.cst = step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, NULL);
    s.sst = step(false, s.scred, &s.sctx, s.sreq, &s.neg, &s.chal, NULL);
    ck_st(s.sst, SHIM_I_CONTINUE_NEEDED);
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.chal, &s.auth, NULL), SHIM_OK);
    unlink(accounts);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &s.fin, NULL), SHIM_E_LOGON_DENIED);
    session_free(&s);
}
END_TEST

/* A NULL password is looked up in the accounts file. */
START_TEST(password_from_file)
{
    struct session s;

    session_init(&s, "alice", "DOMAIN", NULL);
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);
    /* Not in the file: acquired, and refused when the password is needed. */
    session_init(&s, "nobody", "DOMAIN", NULL);
    ck_st(handshake(&s), SHIM_E_NO_CREDENTIALS);
    session_free(&s);
    /* A NULL user takes the default entry (bob), with the given password. */
    session_init(&s, NULL, NULL, "hunter2");
    ck_cred_name(s.ccred, "DOMAIN\\bob");
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);
}
END_TEST

START_TEST(credential_attributes)
{
    shim_cred *c;
    struct shim_cred_names n;

    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &c), SHIM_OK);
    ck_cred_name(c, "bob");                             /* the process's user */
    ck_st(ops->query_credentials_attributes(c, 99, &n), SHIM_E_UNSUPPORTED_FUNCTION);
    cred_free(c);
}
END_TEST

/* ---- Handshake -------------------------------------------------------------------- */

START_TEST(loopback)
{
    struct session s;
    struct ntlm_negotiate neg;
    struct ntlm_challenge ch;
    struct ntlm_authenticate au;
    struct ntlm_v2_response resp;
    struct bytes_span v;
    uint32_t avf = 0;
    uint64_t ts;
    uint8_t want[64];

    session_init(&s, "alice", "DOMAIN", "Password1");
    s.target = w("host/sspishim.test");
    ck_st(handshake(&s), SHIM_OK);
    ck_st(s.cst, SHIM_OK);
    ck_assert_uint_eq(s.fin.len, 0);

    ck_assert_int_eq(ntlm_parse_negotiate(s.neg.buf, s.neg.len, &neg), 0);
    ck_assert_uint_eq(neg.flags, 0xe2088237);
    ck_assert_uint_eq(neg.version.major, 10);

    ck_assert_int_eq(ntlm_parse_challenge(s.chal.buf, s.chal.len, &ch), 0);
    ck_assert_uint_eq(ch.flags, 0xe2898235);
    ck_assert_mem_eq(ch.target_name.p, want, utf16le("DOMAIN", want));
    ck_assert_int_eq(ntlm_av_find(ch.target_info, NTLM_AV_NB_DOMAIN_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le("DOMAIN", want));
    ck_assert_int_eq(ntlm_av_find(ch.target_info, NTLM_AV_NB_COMPUTER_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le("SSPISHIM", want));
    ck_assert_int_eq(ntlm_av_find(ch.target_info, NTLM_AV_DNS_DOMAIN_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le("domain", want));
    ck_assert_int_eq(ntlm_av_find(ch.target_info, NTLM_AV_DNS_COMPUTER_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le("sspishim", want));
    ck_assert_int_eq(ntlm_av_get_timestamp(ch.target_info, &ts), 0);

    ck_assert_int_eq(ntlm_parse_authenticate(s.auth.buf, s.auth.len, &au), 0);
    ck_assert_uint_eq(au.flags, 0xe2898235);
    ck_assert_uint_eq(au.mic_offset, NTLM_MIC_OFFSET);
    ck_assert_uint_eq(au.session_key.len, 16);
    ck_assert_uint_eq(au.lm_response.len, 24);
    ck_assert_mem_eq(au.lm_response.p, (uint8_t[24]){ 0 }, 24);      /* Z(24): the server sent a timestamp */
    ck_assert_mem_eq(au.user.p, want, utf16le("alice", want));
    ck_assert_mem_eq(au.workstation.p, want, utf16le("SSPISHIM", want));
    ck_assert_int_eq(ntlm_parse_v2_response(au.nt_response, &resp), 0);
    ck_assert_int_eq(ntlm_av_get_flags(resp.av_pairs, &avf), 0);
    ck_assert_uint_eq(avf, NTLM_AV_FLAG_MIC);
    ck_assert_int_eq(ntlm_av_find(resp.av_pairs, NTLM_AV_TARGET_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le("host/sspishim.test", want));
    ck_assert(resp.timestamp == ts);

    ck_assert_uint_eq(s.cattrs, SHIM_ISC_RET_CONFIDENTIALITY | SHIM_ISC_RET_INTEGRITY | SHIM_ISC_RET_REPLAY_DETECT |
                                SHIM_ISC_RET_SEQUENCE_DETECT | SHIM_ISC_RET_CONNECTION);
    ck_assert_uint_eq(s.sattrs, SHIM_ASC_RET_CONFIDENTIALITY | SHIM_ASC_RET_INTEGRITY | SHIM_ASC_RET_REPLAY_DETECT |
                                SHIM_ASC_RET_SEQUENCE_DETECT | SHIM_ASC_RET_CONNECTION);
    ck_assert_uint_eq(sys_tokens_live(), 1);
    session_free(&s);
}
END_TEST

/* What the NEGOTIATE asks for follows ISC_REQ_*, as on Windows. */
START_TEST(negotiate_flags)
{
    static const struct { uint32_t req, sign_seal, attrs; } cases[] = {
        { 0, 0, 0 },
        { SHIM_ISC_REQ_CONNECTION, 0, SHIM_ISC_RET_CONNECTION },
        { SHIM_ISC_REQ_MUTUAL_AUTH | SHIM_ISC_REQ_DELEGATE | SHIM_ISC_REQ_USE_DCE_STYLE, 0, 0 },
        { SHIM_ISC_REQ_INTEGRITY, NTLM_NEGOTIATE_SIGN, SHIM_ISC_RET_INTEGRITY },
        { SHIM_ISC_REQ_REPLAY_DETECT, NTLM_NEGOTIATE_SIGN, SHIM_ISC_RET_INTEGRITY | SHIM_ISC_RET_REPLAY_DETECT },
        { SHIM_ISC_REQ_SEQUENCE_DETECT, NTLM_NEGOTIATE_SIGN, SHIM_ISC_RET_INTEGRITY | SHIM_ISC_RET_SEQUENCE_DETECT },
        { SHIM_ISC_REQ_CONFIDENTIALITY, NTLM_NEGOTIATE_SIGN | NTLM_NEGOTIATE_SEAL,
          SHIM_ISC_RET_INTEGRITY | SHIM_ISC_RET_CONFIDENTIALITY },
    };
    struct session s;

    session_init(&s, "alice", "DOMAIN", "Password1");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ntlm_negotiate neg;
        struct ntlm_authenticate au;
        s.creq = cases[i].req;
        s.sreq = 0;
        ck_st(handshake(&s), SHIM_OK);
        ck_assert_int_eq(ntlm_parse_negotiate(s.neg.buf, s.neg.len, &neg), 0);
        ck_assert_msg((neg.flags & (NTLM_NEGOTIATE_SIGN | NTLM_NEGOTIATE_SEAL)) == cases[i].sign_seal,
                      "case %zu: flags %08x", i, neg.flags);
        ck_assert_uint_eq(neg.flags & 0xe2088207, 0xe2088207);
        ck_assert_int_eq(ntlm_parse_authenticate(s.auth.buf, s.auth.len, &au), 0);
        ck_assert_uint_eq(au.flags & (NTLM_NEGOTIATE_SIGN | NTLM_NEGOTIATE_SEAL), cases[i].sign_seal);
        ck_assert_msg(s.cattrs == cases[i].attrs, "case %zu: attrs %08x", i, s.cattrs);
        session_reset(&s);
    }
    session_free(&s);
}
END_TEST

START_TEST(wrong_password)
{
    struct session s;

    session_init(&s, "alice", "DOMAIN", "password1");
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);
    /* The spent context answers out of sequence, on both sides. */
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &s.fin, NULL), SHIM_E_OUT_OF_SEQUENCE);
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.chal, &s.auth, NULL), SHIM_E_OUT_OF_SEQUENCE);
    session_free(&s);
    ck_assert_uint_eq(sys_tokens_live(), 0);
}
END_TEST

START_TEST(unknown_user)
{
    struct session s;

    session_init(&s, "mallory", "DOMAIN", "Password1");
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);
    session_free(&s);
    /* alice exists only in DOMAIN. */
    session_init(&s, "alice", "ELSEWHERE", "Password1");
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);
    session_free(&s);
}
END_TEST

START_TEST(accounts_variants)
{
    struct session s;

    /* Names match whatever their case. */
    session_init(&s, "ALICE", "domain", "Password1");
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);
    /* carol has no domain: any domain the client names will do. */
    session_init(&s, "carol", "ANYWHERE", "pw3");
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);
    session_init(&s, "carol", "", "pw3");
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);
    /* dave is an NT-hash entry, DOMAIN\dave. */
    session_init(&s, "dave", "DOMAIN", "davepw");
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);
    session_init(&s, "dave", "DOMAIN", "davepx");
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);
    session_free(&s);
    /* An edit applies to the next logon. */
    write_accounts("DOMAIN:alice:changed\n");
    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);
    session_free(&s);
    session_init(&s, "alice", "DOMAIN", "changed");
    ck_st(handshake(&s), SHIM_OK);
    session_free(&s);
}
END_TEST

START_TEST(finished_contexts)
{
    struct session s;

    established(&s);
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.chal, &s.auth, NULL), SHIM_E_OUT_OF_SEQUENCE);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &s.fin, NULL), SHIM_E_OUT_OF_SEQUENCE);
    /* The wrong side's call on a context. */
    ck_st(step(true, NULL, &s.sctx, s.creq, &s.chal, &s.auth, NULL), SHIM_E_INVALID_HANDLE);
    ck_st(step(false, NULL, &s.cctx, s.sreq, &s.auth, &s.fin, NULL), SHIM_E_INVALID_HANDLE);
    /* The context still works. */
    ck_st(ops->complete_auth_token(s.cctx, NULL), SHIM_OK);
    session_free(&s);
}
END_TEST

START_TEST(credential_direction)
{
    struct session s = { 0 };
    shim_cred *out, *in;
    shim_ctx *ctx = NULL;

    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &in), SHIM_OK);
    ck_st(step(true, in, &ctx, 0, NULL, &s.neg, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    ck_st(acquire(SHIM_CRED_OUTBOUND, NULL, &out), SHIM_OK);
    ck_st(step(true, out, &ctx, 0, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(step(false, out, &s.sctx, 0, &s.neg, &s.chal, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    ck_assert_ptr_null(s.sctx);
    /* Connectionless NTLM is not offered. */
    ck_st(step(false, in, &s.sctx, SHIM_ASC_REQ_DATAGRAM, &s.neg, &s.chal, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    ctx_delete(ctx);
    ctx = NULL;
    ck_st(step(true, out, &ctx, SHIM_ISC_REQ_DATAGRAM, NULL, &s.neg, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    cred_free(in);
    cred_free(out);
}
END_TEST

START_TEST(missing_input)
{
    struct session s;
    struct tok empty = { .len = 0 };

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(false, s.scred, &s.sctx, 0, NULL, &s.chal, NULL), SHIM_E_INVALID_TOKEN);
    ck_st(step(false, s.scred, &s.sctx, 0, &empty, &s.chal, NULL), SHIM_E_INVALID_TOKEN);
    ck_assert_ptr_null(s.sctx);
    ck_st(step(true, s.ccred, &s.cctx, 0, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(step(true, NULL, &s.cctx, 0, NULL, &s.auth, NULL), SHIM_E_INVALID_TOKEN);
    ck_st(step(true, NULL, &s.cctx, 0, &s.neg, &s.auth, NULL), SHIM_E_OUT_OF_SEQUENCE);
    session_free(&s);
}
END_TEST

/* ---- Tampering ------------------------------------------------------------------ */

struct flip {
    int leg;
    size_t pos;
    uint8_t mask;
    bool done;
};

static void flip_byte(int leg, struct tok *t, void *arg)
{
    struct flip *f = arg;

    if (leg == f->leg && f->pos < t->len) {
        t->buf[f->pos] ^= f->mask;
        f->done = true;
    }
}

/* Whatever single byte of whichever message changes, nobody logs on. */
static void flip_every_byte(int leg)
{
    static const uint8_t masks[] = { 0x01, 0x20, 0x80 };
    struct session s;
    size_t len;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(handshake(&s), SHIM_OK);
    len = leg == 1 ? s.neg.len : leg == 2 ? s.chal.len : s.auth.len;
    session_reset(&s);
    for (size_t pos = 0; pos < len; pos++) {
        for (size_t m = 0; m < sizeof(masks); m++) {
            struct flip f = { leg, pos, masks[m], false };
            shim_status st = handshake_ex(&s, flip_byte, &f);
            ck_assert(f.done);
            ck_assert_msg(st == SHIM_E_LOGON_DENIED || st == SHIM_E_INVALID_TOKEN ||
                          st == SHIM_E_UNSUPPORTED_FUNCTION,
                          "leg %d, byte %zu ^ %02x: %08x", leg, pos, masks[m], (unsigned)st);
            session_reset(&s);
        }
    }
    session_free(&s);
    ck_assert_uint_eq(sys_tokens_live(), 0);
}

START_TEST(tampered_negotiate)
{
    flip_every_byte(1);
}
END_TEST

START_TEST(tampered_challenge)
{
    flip_every_byte(2);
}
END_TEST

START_TEST(tampered_authenticate)
{
    flip_every_byte(3);
}
END_TEST

static void truncate_to(int leg, struct tok *t, void *arg)
{
    const size_t *keep = arg;

    if (leg == (int)keep[0]) {
        ck_assert_uint_lt(keep[1], t->len);
        t->len = (uint32_t)keep[1];
    }
}

/* Every length short of the whole message. */
START_TEST(truncated_messages)
{
    struct session s;
    size_t len[4];

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(handshake(&s), SHIM_OK);
    len[1] = s.neg.len;
    len[2] = s.chal.len;
    len[3] = s.auth.len;
    session_reset(&s);
    for (size_t leg = 1; leg <= 3; leg++) {
        for (size_t n = 0; n < len[leg]; n++) {
            size_t keep[2] = { leg, n };
            shim_status st = handshake_ex(&s, truncate_to, keep);
            ck_assert_msg(st == SHIM_E_INVALID_TOKEN || st == SHIM_E_LOGON_DENIED,
                          "leg %zu cut to %zu: %08x", leg, n, (unsigned)st);
            session_reset(&s);
        }
    }
    session_free(&s);
}
END_TEST

/* A well-formed AUTHENTICATE the server must refuse before any check. */
static shim_status send_forged(struct session *s, uint32_t flags, const uint8_t *nt, size_t nt_len)
{
    struct ntlm_authenticate m = { 0 };
    struct bytes_writer bw;
    struct tok forged;
    uint8_t user[16];
    size_t mic;

    s->cst = step(true, s->ccred, &s->cctx, s->creq, NULL, &s->neg, NULL);
    ck_st(step(false, s->scred, &s->sctx, s->sreq, &s->neg, &s->chal, NULL), SHIM_I_CONTINUE_NEEDED);
    m.flags = flags;
    m.nt_response = (struct bytes_span){ nt, nt_len };
    m.lm_response = (struct bytes_span){ nt, nt_len < 24 ? nt_len : 24 };
    m.user = (struct bytes_span){ user, utf16le("alice", user) };
    bytes_writer_init(&bw, forged.buf, sizeof(forged.buf));
    ck_assert_int_eq(ntlm_build_authenticate(&bw, &m, &mic), 0);
    forged.len = (uint32_t)bw.len;
    return step(false, NULL, &s->sctx, s->sreq, &forged, &s->fin, NULL);
}

START_TEST(old_protocols_refused)
{
    struct session s;
    uint8_t nt[64];
    uint32_t ess = NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_NTLM | NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY;

    memset(nt, 0x5a, sizeof(nt));
    session_init(&s, "alice", "DOMAIN", "Password1");
    /* NTLMv1: a 24-byte response. */
    ck_st(send_forged(&s, ess, nt, 24), SHIM_E_LOGON_DENIED);
    session_reset(&s);
    /* Anonymous / LM only: no NT response. */
    ck_st(send_forged(&s, ess, nt, 0), SHIM_E_LOGON_DENIED);
    session_reset(&s);
    /* Extended session security asked for, offered, then dropped. */
    ck_st(send_forged(&s, ess & ~(uint32_t)NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY, nt, 64),
          SHIM_E_LOGON_DENIED);
    session_reset(&s);
    /* An NTLMv2 response that is no NTLMv2 response. */
    ck_st(send_forged(&s, ess, nt, 40), SHIM_E_INVALID_TOKEN);
    session_free(&s);
}
END_TEST

/* The genuine AUTHENTICATE with ESS cleared: refused as a downgrade. */
static void clear_ess(int leg, struct tok *t, void *arg)
{
    (void)arg;
    if (leg == 3)
        t->buf[62] &= (uint8_t)~(NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY >> 16);
    if (leg == 2 && arg)
        t->buf[22] &= (uint8_t)~(NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY >> 16);
}

START_TEST(downgrades_refused)
{
    struct session s;
    int challenge = 1;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(handshake_ex(&s, clear_ess, NULL), SHIM_E_LOGON_DENIED);
    session_reset(&s);
    /* A CHALLENGE that lost ESS on the way: the client goes on without it,
     * as Windows does, and the server, which offered it, refuses the
     * AUTHENTICATE that no longer has it (its MIC would fail too). */
    ck_st(handshake_ex(&s, clear_ess, &challenge), SHIM_E_LOGON_DENIED);
    ck_st(s.cst, SHIM_OK);
    session_free(&s);
}
END_TEST

/* ---- Without extended session security --------------------------------------------- */

static bool flag_in(const struct tok *t, size_t offset, uint32_t flag)
{
    uint32_t f = t->buf[offset] | t->buf[offset + 1] << 8 | (uint32_t)t->buf[offset + 2] << 16 |
                 (uint32_t)t->buf[offset + 3] << 24;
    return (f & flag) != 0;
}

static uint32_t sig_seq_of(const struct msg *m)
{
    return m->sig[12] | m->sig[13] << 8 | (uint32_t)m->sig[14] << 16 | (uint32_t)m->sig[15] << 24;
}

/* A session where SSPISHIM_NTLM_NO_ESS keeps one end (_i: 0 the client,
 * 1 the server, 2 both) from extended session security. */
static void no_ess_session(struct session *s, int which)
{
    static const char *const v[] = { "client", "server", "both" };

    setenv("SSPISHIM_NTLM_NO_ESS", v[which], 1);
    established(s);
    unsetenv("SSPISHIM_NTLM_NO_ESS");
}

START_TEST(no_ess_handshake)
{
    struct session s;
    struct shim_ctx_key_info k;

    no_ess_session(&s, _i);
    ck_assert(flag_in(&s.neg, 12, NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY) == (_i == 1));
    ck_assert(!flag_in(&s.chal, 20, NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY));
    ck_assert(!flag_in(&s.auth, 60, NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY));
    ck_assert(flag_in(&s.auth, 60, NTLM_NEGOTIATE_SEAL));
    /* Windows' names for this mode's algorithms, on both ends. */
    for (int side = 0; side < 2; side++) {
        ck_st(ops->query_context_attributes(side ? s.sctx : s.cctx, SHIM_ATTR_KEY_INFO, &k), SHIM_OK);
        ck_assert(wstr_is(k.sSignatureAlgorithmName, "RSADSI RC4-CRC32"));
        ck_assert(wstr_is(k.sEncryptAlgorithmName, "RSADSI RC4"));
        ck_assert_uint_eq(k.SignatureAlgorithm, 0xffffff7c);
        ck_assert_uint_eq(k.KeySize, 128);
        sys_caller_free(k.sSignatureAlgorithmName);
        sys_caller_free(k.sEncryptAlgorithmName);
    }
    session_free(&s);
    /* With ESS on both ends the names stay HMAC-MD5's. */
    established(&s);
    ck_assert(flag_in(&s.auth, 60, NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY));
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_KEY_INFO, &k), SHIM_OK);
    ck_assert(wstr_is(k.sSignatureAlgorithmName, "HMAC-MD5"));
    ck_assert_uint_eq(k.SignatureAlgorithm, 0xffffff76);
    sys_caller_free(k.sSignatureAlgorithmName);
    sys_caller_free(k.sEncryptAlgorithmName);
    session_free(&s);
}
END_TEST

/* One stream, one counter: client at sequence 0, server at 1, client at
 * 2, signed and sealed alike; each end's counter moves with every
 * message, sent or received. */
START_TEST(no_ess_alternating)
{
    struct session s;
    struct msg m;
    uint32_t qop = 0xdeadbeef;

    no_ess_session(&s, _i);
    for (uint32_t seq = 0; seq < 6; seq++) {
        shim_ctx *tx = seq % 2 ? s.sctx : s.cctx, *rx = seq % 2 ? s.cctx : s.sctx;
        if (seq % 3 == 2) {
            ck_st(ops->make_signature(tx, 0, msg_init(&m, "signed in turn"), 0), SHIM_OK);
            ck_assert_mem_eq(m.data, "signed in turn", 14);
            ck_st(ops->verify_signature(rx, &m.d, 0, &qop), SHIM_OK);
        } else {
            ck_st(ops->encrypt(tx, 0, msg_init(&m, "sealed in turn"), 0), SHIM_OK);
            ck_assert(memcmp(m.data, "sealed in turn", 14) != 0);
            ck_st(ops->decrypt(rx, &m.d, 0, &qop), SHIM_OK);
            ck_assert_mem_eq(m.data, "sealed in turn", 14);
        }
        ck_assert_uint_eq(qop, 0xdeadbeef);
        ck_assert_mem_eq(m.sig, "\x01\0\0\0\0\0\0\0", 8);   /* version 1, RandomPad 0 */
    }
    /* Wrapped without encryption, too. */
    ck_st(ops->encrypt(s.cctx, SHIM_QOP_WRAP_NO_ENCRYPT, msg_init(&m, "clear"), 0), SHIM_OK);
    ck_st(ops->decrypt(s.sctx, &m.d, 0, &qop), SHIM_OK);
    ck_assert_uint_eq(qop, SHIM_QOP_WRAP_NO_ENCRYPT);
    session_free(&s);
}
END_TEST

/* Replays, reordering and alterations fail and leave the stream where it
 * was; the one that is due still passes afterwards. */
START_TEST(no_ess_replay_and_order)
{
    struct session s;
    struct msg m0, m1, m2;

    no_ess_session(&s, 1);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m0, "zero"), 0), SHIM_OK);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m1, "one"), 0), SHIM_OK);
    ck_assert_uint_ne(sig_seq_of(&m0), 0);   /* the number is encrypted */
    ck_assert(ops->decrypt(s.sctx, &m1.d, 0, NULL) < 0);      /* out of order */
    ck_st(ops->decrypt(s.sctx, &m0.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m0.data, "zero", 4);
    ck_assert(ops->decrypt(s.sctx, &m0.d, 0, NULL) < 0);      /* replayed (now clear) */
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m0, "zero"), 0), SHIM_OK);
    m1.data[0] ^= 1;
    ck_st(ops->decrypt(s.sctx, &m1.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    m1.data[0] ^= 1;
    m1.sig[12] ^= 1;                                           /* the sequence number */
    ck_st(ops->decrypt(s.sctx, &m1.d, 0, NULL), SHIM_E_OUT_OF_SEQUENCE);
    m1.sig[12] ^= 1;
    m1.sig[5] ^= 0x5a;                                         /* RandomPad: not covered */
    ck_st(ops->decrypt(s.sctx, &m1.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m1.data, "one", 3);
    ck_st(ops->decrypt(s.sctx, &m0.d, 0, NULL), SHIM_OK);     /* the third, sent before */
    /* The server's turn: its message takes number 3 and the client agrees. */
    ck_st(ops->make_signature(s.sctx, 0, msg_init(&m2, "three"), 0), SHIM_OK);
    ck_st(ops->verify_signature(s.cctx, &m2.d, 0, NULL), SHIM_OK);
    ck_assert(ops->verify_signature(s.cctx, &m2.d, 0, NULL) < 0);
    session_free(&s);
}
END_TEST

/* Both ends sending at once desynchronise the shared stream: what
 * MS-NLMP 3.4.4.1 implies and the peers see as altered messages. */
START_TEST(no_ess_crossed_messages)
{
    struct session s;
    struct msg a, b;

    no_ess_session(&s, 0);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&a, "from the client"), 0), SHIM_OK);
    ck_st(ops->encrypt(s.sctx, 0, msg_init(&b, "from the server"), 0), SHIM_OK);
    ck_assert(ops->decrypt(s.sctx, &a.d, 0, NULL) < 0);
    ck_assert(ops->decrypt(s.cctx, &b.d, 0, NULL) < 0);
    session_free(&s);
}
END_TEST

/* LM and NTLMv1 responses stay refused without ESS as with it. */
START_TEST(no_ess_old_protocols_refused)
{
    struct session s;
    uint8_t nt[64];
    uint32_t plain = NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_NTLM;

    memset(nt, 0x5a, sizeof(nt));
    setenv("SSPISHIM_NTLM_NO_ESS", "client", 1);
    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(send_forged(&s, plain, nt, 24), SHIM_E_LOGON_DENIED);
    ck_assert(!flag_in(&s.chal, 20, NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY));
    session_reset(&s);
    ck_st(send_forged(&s, plain, nt, 0), SHIM_E_LOGON_DENIED);
    session_reset(&s);
    ck_st(send_forged(&s, plain, nt, 40), SHIM_E_INVALID_TOKEN);
    unsetenv("SSPISHIM_NTLM_NO_ESS");
    session_free(&s);
}
END_TEST

/* ---- Messages -------------------------------------------------------------------- */


START_TEST(sign_both_ways)
{
    struct session s;
    struct msg a, b;
    uint32_t qop = 0xdeadbeef;

    established(&s);
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&a, "hello server"), 0), SHIM_OK);
    ck_assert_uint_eq(a.b[0].cb, 16);
    ck_assert_mem_eq(a.sig, "\x01\x00\x00\x00", 4);
    ck_assert_mem_eq(a.sig + 12, "\x00\x00\x00\x00", 4);      /* sequence number 0 */
    /* Each direction has its own keys: not valid coming back. */
    ck_st(ops->verify_signature(s.cctx, &a.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, &qop), SHIM_OK);
    ck_assert_uint_eq(qop, 0xdeadbeef);
    ck_st(ops->make_signature(s.sctx, 0, msg_init(&b, "hello client"), 0), SHIM_OK);
    ck_st(ops->verify_signature(s.cctx, &b.d, 0, &qop), SHIM_OK);
    /* Counters are per direction; MessageSeqNo is ignored. */
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&a, "second"), 77), SHIM_OK);
    ck_assert_mem_eq(a.sig + 12, "\x01\x00\x00\x00", 4);
    ck_st(ops->verify_signature(s.sctx, &a.d, 5, NULL), SHIM_OK);
    session_free(&s);
}
END_TEST

START_TEST(seal_both_ways)
{
    struct session s;
    struct msg a;
    uint32_t qop = 0xdeadbeef;

    established(&s);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&a, "secret to server"), 0), SHIM_OK);
    ck_assert_uint_eq(a.b[0].cb, 16);
    ck_assert(memcmp(a.data, "secret to server", 16) != 0);
    ck_st(ops->decrypt(s.sctx, &a.d, 0, &qop), SHIM_OK);
    ck_assert_mem_eq(a.data, "secret to server", 16);
    ck_assert_uint_eq(qop, 0xdeadbeef);
    for (int i = 0; i < 5; i++) {
        ck_st(ops->encrypt(s.sctx, 0, msg_init(&a, "secret to client"), 0), SHIM_OK);
        ck_st(ops->decrypt(s.cctx, &a.d, 0, &qop), SHIM_OK);
        ck_assert_mem_eq(a.data, "secret to client", 16);
    }
    session_free(&s);
}
END_TEST

/* Altered data or signature; afterwards the stream goes on undisturbed. */
START_TEST(altered_messages)
{
    struct session s;
    struct msg a;

    established(&s);
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&a, "pay 10 to bob"), 0), SHIM_OK);
    a.data[4] = '9';
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    a.data[4] = '1';
    a.sig[5] ^= 1;
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    a.sig[5] ^= 1;
    a.sig[0] = 2;                                                /* version */
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    a.sig[0] = 1;
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_OK);

    ck_st(ops->encrypt(s.cctx, 0, msg_init(&a, "sealed words"), 0), SHIM_OK);
    a.data[3] ^= 0x40;
    ck_st(ops->decrypt(s.sctx, &a.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    a.data[3] ^= 0x40;                                           /* the ciphertext was put back */
    ck_st(ops->decrypt(s.sctx, &a.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(a.data, "sealed words", 12);
    session_free(&s);
}
END_TEST

START_TEST(replay_and_order)
{
    struct session s;
    struct msg m0, m1, m2;

    established(&s);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m0, "zero"), 0), SHIM_OK);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m1, "one"), 0), SHIM_OK);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m2, "two"), 0), SHIM_OK);
    /* Out of order. */
    ck_st(ops->decrypt(s.sctx, &m1.d, 0, NULL), SHIM_E_OUT_OF_SEQUENCE);
    ck_st(ops->decrypt(s.sctx, &m0.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m0.data, "zero", 4);
    ck_st(ops->decrypt(s.sctx, &m1.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m1.data, "one", 3);
    /* Replayed: m0 again, after m1. */
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m0, "zero"), 0), SHIM_OK);   /* a fresh m3, unused */
    ck_st(ops->decrypt(s.sctx, &m1.d, 0, NULL), SHIM_E_OUT_OF_SEQUENCE);
    ck_st(ops->decrypt(s.sctx, &m2.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m2.data, "two", 3);

    ck_st(ops->make_signature(s.sctx, 0, msg_init(&m0, "signed"), 0), SHIM_OK);
    ck_st(ops->verify_signature(s.cctx, &m0.d, 0, NULL), SHIM_OK);
    ck_st(ops->verify_signature(s.cctx, &m0.d, 0, NULL), SHIM_E_OUT_OF_SEQUENCE);
    session_free(&s);
}
END_TEST

/* Headers that are signed, never encrypted, both kinds of read-only. */
START_TEST(readonly_buffers)
{
    struct session s;
    uint8_t sig[16], hdr[] = "HEADER", body[] = "body text", trl[] = "TRAILER";
    struct shim_buffer b[4] = {
        { 6, SHIM_BUFFER_DATA | SHIM_BUFFER_READONLY_WITH_CHECKSUM, hdr },
        { 9, SHIM_BUFFER_DATA, body },
        { 7, SHIM_BUFFER_DATA | SHIM_BUFFER_READONLY, trl },
        { 16, SHIM_BUFFER_TOKEN, sig },
    };
    struct shim_buffer_desc d = { 0, 4, b };

    established(&s);
    ck_st(ops->encrypt(s.cctx, 0, &d, 0), SHIM_OK);
    ck_assert_mem_eq(hdr, "HEADER", 6);
    ck_assert_mem_eq(trl, "TRAILER", 7);
    ck_assert(memcmp(body, "body text", 9) != 0);
    ck_st(ops->decrypt(s.sctx, &d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(body, "body text", 9);

    /* Both read-only kinds are covered by the signature. */
    ck_st(ops->encrypt(s.cctx, 0, &d, 0), SHIM_OK);
    hdr[0] = 'h';
    ck_st(ops->decrypt(s.sctx, &d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    hdr[0] = 'H';
    trl[0] = 't';
    ck_st(ops->decrypt(s.sctx, &d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    trl[0] = 'T';
    ck_st(ops->decrypt(s.sctx, &d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(body, "body text", 9);

    ck_st(ops->make_signature(s.sctx, 0, &d, 0), SHIM_OK);
    ck_st(ops->verify_signature(s.cctx, &d, 0, NULL), SHIM_OK);
    session_free(&s);
}
END_TEST

START_TEST(wrap_no_encrypt)
{
    struct session s;
    struct msg a;
    uint32_t qop = 0;

    established(&s);
    ck_st(ops->encrypt(s.cctx, SHIM_QOP_WRAP_NO_ENCRYPT, msg_init(&a, "in the clear"), 0), SHIM_OK);
    ck_assert_mem_eq(a.data, "in the clear", 12);
    ck_st(ops->decrypt(s.sctx, &a.d, 0, &qop), SHIM_OK);
    ck_assert_uint_eq(qop, SHIM_QOP_WRAP_NO_ENCRYPT);
    ck_assert_mem_eq(a.data, "in the clear", 12);
    /* Then a sealed one: the stream is still in step. */
    qop = 0x1234;
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&a, "sealed"), 0), SHIM_OK);
    ck_st(ops->decrypt(s.sctx, &a.d, 0, &qop), SHIM_OK);
    ck_assert_uint_eq(qop, 0x1234);
    ck_assert_mem_eq(a.data, "sealed", 6);
    /* Altered sign-only data is still caught. */
    ck_st(ops->encrypt(s.sctx, SHIM_QOP_WRAP_NO_ENCRYPT, msg_init(&a, "clear"), 0), SHIM_OK);
    a.data[0] = 'C';
    ck_st(ops->decrypt(s.cctx, &a.d, 0, &qop), SHIM_E_MESSAGE_ALTERED);
    ck_assert_mem_eq(a.data, "Clear", 5);
    session_free(&s);
}
END_TEST

START_TEST(bad_message_buffers)
{
    struct session s;
    struct msg a;
    struct shim_buffer only_data[2];
    struct shim_buffer_desc d = { 0, 2, only_data };

    established(&s);
    ck_st(ops->make_signature(s.cctx, 1, msg_init(&a, "x"), 0), SHIM_E_QOP_NOT_SUPPORTED);
    ck_st(ops->encrypt(s.cctx, SHIM_QOP_WRAP_OOB_DATA, msg_init(&a, "x"), 0), SHIM_E_QOP_NOT_SUPPORTED);
    msg_init(&a, "x");
    a.b[0].cb = 15;
    ck_st(ops->make_signature(s.cctx, 0, &a.d, 0), SHIM_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(a.b[0].cb, 15);
    ck_st(ops->encrypt(s.cctx, 0, &a.d, 0), SHIM_E_BUFFER_TOO_SMALL);
    ck_assert_mem_eq(a.data, "x", 1);
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_E_INVALID_TOKEN);
    ck_st(ops->decrypt(s.sctx, &a.d, 0, NULL), SHIM_E_INVALID_TOKEN);
    /* No token at all. */
    only_data[0] = (struct shim_buffer){ 16, SHIM_BUFFER_DATA, a.sig };
    only_data[1] = (struct shim_buffer){ 1, SHIM_BUFFER_DATA, a.data };
    ck_st(ops->make_signature(s.cctx, 0, &d, 0), SHIM_E_INVALID_TOKEN);
    ck_st(ops->encrypt(s.cctx, 0, &d, 0), SHIM_E_INVALID_TOKEN);
    ck_st(ops->verify_signature(s.sctx, &d, 0, NULL), SHIM_E_INVALID_TOKEN);
    /* Memory missing behind a length. */
    only_data[0] = (struct shim_buffer){ 16, SHIM_BUFFER_TOKEN, NULL };
    ck_st(ops->make_signature(s.cctx, 0, &d, 0), SHIM_E_INVALID_TOKEN);
    d.buffers = NULL;
    ck_st(ops->make_signature(s.cctx, 0, &d, 0), SHIM_E_INVALID_TOKEN);
    /* The counters did not move: the next messages still pair up. */
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&a, "fine"), 0), SHIM_OK);
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_OK);
    session_free(&s);
}
END_TEST

START_TEST(stream_decrypt)
{
    struct session s;
    struct msg a;
    uint8_t stream[64];
    struct shim_buffer b[2] = { { 0, SHIM_BUFFER_STREAM, stream }, { 0, SHIM_BUFFER_DATA, NULL } };
    struct shim_buffer_desc d = { 0, 2, b };

    established(&s);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&a, "streamed text"), 0), SHIM_OK);
    memcpy(stream, a.sig, 16);
    memcpy(stream + 16, a.data, 13);
    b[0].cb = 29;
    ck_st(ops->decrypt(s.sctx, &d, 0, NULL), SHIM_OK);
    ck_assert_ptr_eq(b[1].pv, stream + 16);
    ck_assert_uint_eq(b[1].cb, 13);
    ck_assert_mem_eq(stream + 16, "streamed text", 13);
    /* Shorter than a signature, or nowhere to say where the data is. */
    b[0].cb = 15;
    ck_st(ops->decrypt(s.sctx, &d, 0, NULL), SHIM_E_INVALID_TOKEN);
    b[0].cb = 29;
    d.count = 1;
    ck_st(ops->decrypt(s.sctx, &d, 0, NULL), SHIM_E_INVALID_TOKEN);
    session_free(&s);
}
END_TEST

START_TEST(not_established)
{
    struct session s;
    struct msg a;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&a, "early"), 0), SHIM_E_INVALID_HANDLE);
    ck_st(ops->verify_signature(s.cctx, &a.d, 0, NULL), SHIM_E_INVALID_HANDLE);
    ck_st(ops->encrypt(s.cctx, 0, &a.d, 0), SHIM_E_INVALID_HANDLE);
    ck_st(ops->decrypt(s.cctx, &a.d, 0, NULL), SHIM_E_INVALID_HANDLE);
    /* A failed handshake never gets keys. */
    session_reset(&s);
    cred_free(s.ccred);
    s.ccred = NULL;
    {
        struct ident id;
        ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, "alice", "DOMAIN", "bad"), &s.ccred), SHIM_OK);
    }
    ck_st(handshake(&s), SHIM_E_LOGON_DENIED);
    ck_st(ops->make_signature(s.sctx, 0, msg_init(&a, "late"), 0), SHIM_E_INVALID_HANDLE);
    session_free(&s);
}
END_TEST

/* Neither SIGN nor SEAL: Windows' dummy signature, and no sealing. */
START_TEST(no_integrity_negotiated)
{
    struct session s;
    struct msg a;

    session_init(&s, "alice", "DOMAIN", "Password1");
    s.creq = SHIM_ISC_REQ_CONNECTION;
    s.sreq = 0;
    ck_st(handshake(&s), SHIM_OK);
    ck_st(ops->make_signature(s.cctx, 0, msg_init(&a, "anything"), 0), SHIM_OK);
    ck_assert_mem_eq(a.sig, "\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_OK);
    a.sig[9] = 1;
    ck_st(ops->verify_signature(s.sctx, &a.d, 0, NULL), SHIM_E_MESSAGE_ALTERED);
    ck_st(ops->encrypt(s.cctx, 0, &a.d, 0), SHIM_E_UNSUPPORTED_FUNCTION);
    ck_st(ops->decrypt(s.sctx, &a.d, 0, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    session_free(&s);
}
END_TEST

/* Several threads sign on one context; every sequence number is used once. */
#define THREADS 4
#define PER_THREAD 100

struct signed_msg {
    uint8_t sig[16];
    char text[32];
};

struct signer {
    shim_ctx *ctx;
    int id;
    struct signed_msg *out;
};

static void *sign_many(void *arg)
{
    struct signer *sg = arg;

    for (int i = 0; i < PER_THREAD; i++) {
        struct signed_msg *m = &sg->out[sg->id * PER_THREAD + i];
        struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, m->sig }, { 0, SHIM_BUFFER_DATA, m->text } };
        struct shim_buffer_desc d = { 0, 2, b };
        snprintf(m->text, sizeof(m->text), "thread %d message %d", sg->id, i);
        b[1].cb = (uint32_t)strlen(m->text);
        if (ops->make_signature(sg->ctx, 0, &d, 0) != SHIM_OK)
            return (void *)1;
    }
    return NULL;
}

static uint32_t seq_of(const struct signed_msg *m)
{
    return (uint32_t)m->sig[12] | (uint32_t)m->sig[13] << 8 | (uint32_t)m->sig[14] << 16 | (uint32_t)m->sig[15] << 24;
}

START_TEST(threads_share_a_context)
{
    static struct signed_msg msgs[THREADS * PER_THREAD], *by_seq[THREADS * PER_THREAD];
    struct signer sg[THREADS];
    pthread_t th[THREADS];
    struct session s;

    established(&s);
    for (int t = 0; t < THREADS; t++) {
        sg[t] = (struct signer){ s.cctx, t, msgs };
        ck_assert_int_eq(pthread_create(&th[t], NULL, sign_many, &sg[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        void *ret;
        pthread_join(th[t], &ret);
        ck_assert_ptr_null(ret);
    }
    memset(by_seq, 0, sizeof(by_seq));
    for (int i = 0; i < THREADS * PER_THREAD; i++) {
        uint32_t seq = seq_of(&msgs[i]);
        ck_assert_uint_lt(seq, THREADS * PER_THREAD);
        ck_assert_ptr_null(by_seq[seq]);
        by_seq[seq] = &msgs[i];
    }
    for (int i = 0; i < THREADS * PER_THREAD; i++) {
        struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, by_seq[i]->sig },
                                    { (uint32_t)strlen(by_seq[i]->text), SHIM_BUFFER_DATA, by_seq[i]->text } };
        struct shim_buffer_desc d = { 0, 2, b };
        ck_st(ops->verify_signature(s.sctx, &d, 0, NULL), SHIM_OK);
    }
    session_free(&s);
}
END_TEST

/* ---- Attributes --------------------------------------------------------------------- */

START_TEST(attributes)
{
    struct session s;
    struct shim_ctx_sizes sz;
    struct shim_ctx_names names;
    struct shim_ctx_native_names nn;
    struct shim_ctx_session_key ck, sk;
    struct shim_ctx_key_info ki;
    struct shim_ctx_package_info pi;
    struct shim_ctx_negotiation_info ni;
    struct shim_ctx_flags fl;
    struct shim_ctx_lifespan ls;
    struct shim_ctx_access_token at;
    shim_ctx *sides[2];

    session_init(&s, "alice", "DOMAIN", "Password1");
    s.target = w("HTTP/web.example");
    ck_st(handshake(&s), SHIM_OK);
    sides[0] = s.cctx;
    sides[1] = s.sctx;
    for (int i = 0; i < 2; i++) {
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_SIZES, &sz), SHIM_OK);
        ck_assert_uint_eq(sz.cbMaxToken, 2888);
        ck_assert_uint_eq(sz.cbMaxSignature, 16);
        ck_assert_uint_eq(sz.cbBlockSize, 0);
        ck_assert_uint_eq(sz.cbSecurityTrailer, 16);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_NAMES, &names), SHIM_OK);
        ck_assert(wstr_is(names.sUserName, "DOMAIN\\alice"));
        sys_caller_free(names.sUserName);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_NATIVE_NAMES, &nn), SHIM_OK);
        ck_assert(wstr_is(nn.sClientName, "DOMAIN\\alice"));
        ck_assert(wstr_is(nn.sServerName, i ? "SSPISHIM" : "HTTP/web.example"));
        sys_caller_free(nn.sClientName);
        sys_caller_free(nn.sServerName);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_KEY_INFO, &ki), SHIM_OK);
        ck_assert(wstr_is(ki.sSignatureAlgorithmName, "HMAC-MD5"));
        ck_assert(wstr_is(ki.sEncryptAlgorithmName, "RSADSI RC4"));
        ck_assert_uint_eq(ki.KeySize, 128);
        ck_assert_uint_eq(ki.SignatureAlgorithm, 0xffffff76);
        ck_assert_uint_eq(ki.EncryptAlgorithm, 0x6801);
        sys_caller_free(ki.sSignatureAlgorithmName);
        sys_caller_free(ki.sEncryptAlgorithmName);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_PACKAGE_INFO, &pi), SHIM_OK);
        ck_assert(wstr_is(pi.PackageInfo->name, "NTLM"));
        ck_assert(wstr_is(pi.PackageInfo->comment, "NTLM Security Package"));
        ck_assert_uint_eq(pi.PackageInfo->capabilities, 0x82b37);
        ck_assert_uint_eq(pi.PackageInfo->rpcid, 10);
        sys_caller_free(pi.PackageInfo);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_NEGOTIATION_INFO, &ni), SHIM_OK);
        ck_assert_uint_eq(ni.NegotiationState, SHIM_NEGOTIATION_COMPLETE);
        ck_assert(wstr_is(ni.PackageInfo->name, "NTLM"));
        sys_caller_free(ni.PackageInfo);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_FLAGS, &fl), SHIM_OK);
        ck_assert_uint_eq(fl.Flags, i ? s.sattrs : s.cattrs);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_LIFESPAN, &ls), SHIM_OK);
        ck_assert(ls.tsExpiry == SHIM_TIME_NEVER);
        ck_assert(ls.tsStart > 0 && ls.tsStart < ls.tsExpiry);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_STREAM_SIZES, &sz), SHIM_E_UNSUPPORTED_FUNCTION);
        ck_st(ops->query_context_attributes(sides[i], 12345, &sz), SHIM_E_UNSUPPORTED_FUNCTION);
        ck_st(ops->query_context_attributes(sides[i], SHIM_ATTR_SIZES, NULL), SHIM_E_INVALID_PARAMETER);
    }
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_SESSION_KEY, &ck), SHIM_OK);
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_SESSION_KEY, &sk), SHIM_OK);
    ck_assert_uint_eq(ck.SessionKeyLength, 16);
    ck_assert_uint_eq(sk.SessionKeyLength, 16);
    ck_assert_mem_eq(ck.SessionKey, sk.SessionKey, 16);
    sys_caller_free(ck.SessionKey);
    sys_caller_free(sk.SessionKey);
    at.AccessToken = NULL;
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_ACCESS_TOKEN, &at), SHIM_OK);
    ck_assert_ptr_nonnull(at.AccessToken);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_ACCESS_TOKEN, &at), SHIM_E_NO_IMPERSONATION);
    session_free(&s);
}
END_TEST

START_TEST(attributes_in_progress)
{
    struct session s;
    struct shim_ctx_sizes sz;
    struct shim_ctx_names names;
    struct shim_ctx_negotiation_info ni;
    struct shim_ctx_flags fl;
    struct shim_ctx_session_key sk;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, &s.cattrs), SHIM_I_CONTINUE_NEEDED);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_SIZES, &sz), SHIM_OK);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_FLAGS, &fl), SHIM_OK);
    ck_assert_uint_eq(fl.Flags, s.cattrs);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_NEGOTIATION_INFO, &ni), SHIM_OK);
    ck_assert_uint_eq(ni.NegotiationState, SHIM_NEGOTIATION_IN_PROGRESS);
    sys_caller_free(ni.PackageInfo);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_NAMES, &names), SHIM_E_INVALID_HANDLE);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_SESSION_KEY, &sk), SHIM_E_INVALID_HANDLE);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_STREAM_SIZES, &sz), SHIM_E_UNSUPPORTED_FUNCTION);
    session_free(&s);
}
END_TEST

/* NAMES on the server spells the account as the file does. */
START_TEST(server_names_from_file)
{
    struct session s;
    struct shim_ctx_names n;

    session_init(&s, "CAROL", "SOMEWHERE", "pw3");
    ck_st(handshake(&s), SHIM_OK);
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_NAMES, &n), SHIM_OK);
    ck_assert(wstr_is(n.sUserName, "SOMEWHERE\\carol"));
    sys_caller_free(n.sUserName);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_NAMES, &n), SHIM_OK);
    ck_assert(wstr_is(n.sUserName, "SOMEWHERE\\CAROL"));
    sys_caller_free(n.sUserName);
    session_free(&s);
}
END_TEST

/* The principal of the inbound credential names the server. */
START_TEST(server_principal)
{
    struct session s;
    struct ntlm_challenge ch;
    struct bytes_span v;
    uint8_t want[64];

    session_init(&s, "alice", "DOMAIN", "Password1");
    cred_free(s.scred);
    ck_st(acquire_p(w("REALM\\BOX"), SHIM_CRED_INBOUND, NULL, &s.scred), SHIM_OK);
    ck_st(handshake(&s), SHIM_OK);
    ck_assert_int_eq(ntlm_parse_challenge(s.chal.buf, s.chal.len, &ch), 0);
    ck_assert(ch.flags & NTLM_TARGET_TYPE_DOMAIN);
    ck_assert_int_eq(ntlm_av_find(ch.target_info, NTLM_AV_NB_COMPUTER_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le("BOX", want));
    ck_assert_int_eq(ntlm_av_find(ch.target_info, NTLM_AV_NB_DOMAIN_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le("REALM", want));
    session_free(&s);

    /* No domain in the file: the computer is its own domain. */
    write_accounts(":alice:Password1\n");
    session_init(&s, "alice", "", "Password1");
    ck_st(handshake(&s), SHIM_OK);
    ck_assert_int_eq(ntlm_parse_challenge(s.chal.buf, s.chal.len, &ch), 0);
    ck_assert(ch.flags & NTLM_TARGET_TYPE_SERVER);
    ck_assert_mem_eq(ch.target_name.p, want, utf16le("SSPISHIM", want));
    session_free(&s);
}
END_TEST

/* ---- Tokens ------------------------------------------------------------------------ */

START_TEST(tokens)
{
    struct session s;
    void *handle = NULL;

    established(&s);
    ck_assert_uint_eq(sys_tokens_live(), 1);
    ck_st(ops->impersonate(s.sctx), SHIM_OK);
    ck_st(ops->revert(s.sctx), SHIM_OK);
    /* Natively there are no handles to hand out. */
    ck_st(ops->query_token(s.sctx, &handle), SHIM_E_INTERNAL_ERROR);
    ck_st(ops->impersonate(s.cctx), SHIM_E_NO_IMPERSONATION);
    ck_st(ops->revert(s.cctx), SHIM_E_NO_IMPERSONATION);
    ck_st(ops->query_token(s.cctx, &handle), SHIM_E_NO_IMPERSONATION);
    /* The token lives as long as the object, not the handle. */
    shim_object_ref(s.sctx);
    ctx_delete(s.sctx);
    ck_assert_uint_eq(sys_tokens_live(), 1);
    shim_object_put(s.sctx);
    s.sctx = NULL;
    ck_assert_uint_eq(sys_tokens_live(), 0);
    session_free(&s);
}
END_TEST

START_TEST(no_token_before_logon)
{
    struct session s;
    void *handle;

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &s.neg, &s.chal, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(ops->impersonate(s.sctx), SHIM_E_NO_IMPERSONATION);
    ck_st(ops->query_token(s.sctx, &handle), SHIM_E_NO_IMPERSONATION);
    ck_assert_uint_eq(sys_tokens_live(), 0);
    session_free(&s);
}
END_TEST

/* ---- Token buffers ---------------------------------------------------------------- */

START_TEST(allocate_memory)
{
    struct session s;
    struct shim_buffer ob = { 0, SHIM_BUFFER_TOKEN, NULL }, ib;
    struct shim_buffer_desc od = { 0, 1, &ob }, id = { 0, 1, &ib };
    struct shim_ctx_call c;
    void *neg, *chal, *auth;

    session_init(&s, "alice", "DOMAIN", "Password1");
    c = (struct shim_ctx_call){ .cred = s.ccred, .req = SHIM_ISC_REQ_ALLOCATE_MEMORY | SHIM_ISC_REQ_INTEGRITY,
                                .output = &od };
    ck_st(ops->initialize_context(&c), SHIM_I_CONTINUE_NEEDED);
    s.cctx = c.new_ctx;
    ck_assert(c.attrs & SHIM_ISC_RET_ALLOCATED_MEMORY);
    ck_assert_ptr_nonnull(neg = ob.pv);
    ib = ob;
    ob = (struct shim_buffer){ 0, SHIM_BUFFER_TOKEN, NULL };
    c = (struct shim_ctx_call){ .cred = s.scred, .req = SHIM_ASC_REQ_ALLOCATE_MEMORY, .input = &id, .output = &od };
    ck_st(ops->accept_context(&c), SHIM_I_CONTINUE_NEEDED);
    s.sctx = c.new_ctx;
    ck_assert(c.attrs & SHIM_ASC_RET_ALLOCATED_MEMORY);
    ck_assert_ptr_nonnull(chal = ob.pv);
    ib = ob;
    ob = (struct shim_buffer){ 0, SHIM_BUFFER_TOKEN, NULL };
    c = (struct shim_ctx_call){ .ctx = s.cctx, .req = SHIM_ISC_REQ_ALLOCATE_MEMORY | SHIM_ISC_REQ_INTEGRITY,
                                .input = &id, .output = &od };
    ck_st(ops->initialize_context(&c), SHIM_OK);
    ck_assert_ptr_nonnull(auth = ob.pv);
    ck_assert_uint_gt(ob.cb, 100);
    ib = ob;
    ob = (struct shim_buffer){ 99, SHIM_BUFFER_TOKEN, (void *)1 };
    c = (struct shim_ctx_call){ .ctx = s.sctx, .req = SHIM_ASC_REQ_ALLOCATE_MEMORY, .input = &id, .output = &od };
    ck_st(ops->accept_context(&c), SHIM_OK);
    ck_assert_uint_eq(ob.cb, 0);
    ck_assert_ptr_null(ob.pv);
    sys_caller_free(neg);
    sys_caller_free(chal);
    sys_caller_free(auth);
    session_free(&s);
}
END_TEST

START_TEST(output_too_small)
{
    struct session s;
    struct shim_buffer ob;
    struct shim_buffer_desc od = { 0, 1, &ob };
    struct shim_ctx_call c;
    uint8_t buf[64];

    session_init(&s, "alice", "DOMAIN", "Password1");
    /* No output description, no token buffer, no room, no memory. */
    c = (struct shim_ctx_call){ .cred = s.ccred, .output = NULL };
    ck_st(ops->initialize_context(&c), SHIM_E_BUFFER_TOO_SMALL);
    ob = (struct shim_buffer){ sizeof(buf), SHIM_BUFFER_DATA, buf };
    c = (struct shim_ctx_call){ .cred = s.ccred, .output = &od };
    ck_st(ops->initialize_context(&c), SHIM_E_BUFFER_TOO_SMALL);
    ob = (struct shim_buffer){ 0, SHIM_BUFFER_TOKEN, buf };
    ck_st(ops->initialize_context(&c), SHIM_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(ob.cb, 0);
    ob = (struct shim_buffer){ 10, SHIM_BUFFER_TOKEN, buf };
    ck_st(ops->initialize_context(&c), SHIM_E_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(ob.cb, 10);
    ob = (struct shim_buffer){ sizeof(buf), SHIM_BUFFER_TOKEN, NULL };
    ck_st(ops->initialize_context(&c), SHIM_E_INTERNAL_ERROR);
    ck_assert_ptr_null(c.new_ctx);

    /* A second call may be repeated with a larger buffer. */
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &s.neg, &s.chal, NULL), SHIM_I_CONTINUE_NEEDED);
    {
        struct shim_buffer ib = { s.chal.len, SHIM_BUFFER_TOKEN, s.chal.buf };
        struct shim_buffer_desc id = { 0, 1, &ib };
        ob = (struct shim_buffer){ 100, SHIM_BUFFER_TOKEN, s.auth.buf };
        c = (struct shim_ctx_call){ .ctx = s.cctx, .req = s.creq, .input = &id, .output = &od };
        ck_st(ops->initialize_context(&c), SHIM_E_BUFFER_TOO_SMALL);
    }
    ck_st(step(true, NULL, &s.cctx, s.creq, &s.chal, &s.auth, NULL), SHIM_OK);
    ck_st(step(false, NULL, &s.sctx, s.sreq, &s.auth, &s.fin, NULL), SHIM_OK);
    session_free(&s);
}
END_TEST

/* ---- MS-NLMP 4.2.4, end to end ------------------------------------------------------- */

static const uint8_t v_server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t v_client_challenge[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t v_session_key[16] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                                           0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
static const uint64_t v_time = 0;

/* The CHALLENGE_MESSAGE of 4.2.4.2, with the given flags. */
static void vector_challenge_flags(struct tok *t, uint32_t flags)
{
    uint8_t name[16], info[64];
    struct bytes_writer iw, mw;
    struct ntlm_challenge m = { 0 };

    bytes_writer_init(&iw, info, sizeof(info));
    ntlm_av_put(&iw, NTLM_AV_NB_DOMAIN_NAME, name, utf16le("Domain", name));
    ntlm_av_put(&iw, NTLM_AV_NB_COMPUTER_NAME, name, utf16le("Server", name));
    ntlm_av_put_eol(&iw);
    m.flags = flags;
    memcpy(m.server_challenge, v_server_challenge, 8);
    m.target_name = (struct bytes_span){ name, utf16le("Server", name) };
    m.target_info = bytes_writer_span(&iw);
    m.version = (struct ntlm_version){ 6, 0, 6000, NTLM_REVISION_W2K3 };
    bytes_writer_init(&mw, t->buf, sizeof(t->buf));
    ck_assert_int_eq(ntlm_build_challenge(&mw, &m), 0);
    t->len = (uint32_t)mw.len;
}

static void vector_challenge(struct tok *t)
{
    vector_challenge_flags(t, 0xe28a8233);
}

static void vector_client_flags(struct session *s, uint32_t flags)
{
    struct ntlm_test_inputs in = { v_client_challenge, v_session_key, NULL, &v_time };
    struct ident id;

    memset(s, 0, sizeof(*s));
    ntlm_set_test_inputs(&in);
    s->creq = SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY;
    ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, "User", "Domain", "Password"), &s->ccred), SHIM_OK);
    ck_st(step(true, s->ccred, &s->cctx, s->creq, NULL, &s->neg, NULL), SHIM_I_CONTINUE_NEEDED);
    vector_challenge_flags(&s->chal, flags);
    ck_st(step(true, NULL, &s->cctx, s->creq, &s->chal, &s->auth, NULL), SHIM_OK);
}

static void vector_client(struct session *s)
{
    vector_client_flags(s, 0xe28a8233);
}

START_TEST(vector_authenticate)
{
    struct session s;
    struct ntlm_authenticate au;
    struct shim_ctx_session_key key;
    uint8_t want[64];

    vector_client(&s);
    ck_assert_int_eq(ntlm_parse_authenticate(s.auth.buf, s.auth.len, &au), 0);
    ck_assert_uint_eq(au.flags, 0xe28a8233);
    ck_assert_uint_eq(au.nt_response.len, 16 + 28 + 36 + 4);
    ck_assert_hex_eq(au.nt_response.p, "68 cd 0a b8 51 e5 1c 96 aa bc 92 7b eb ef 6a 1c");
    ck_assert_hex_eq(au.nt_response.p + 16,
                     "01 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 aa aa aa aa aa aa aa aa 00 00 00 00"
                     "02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00"
                     "01 00 0c 00 53 00 65 00 72 00 76 00 65 00 72 00 00 00 00 00 00 00 00 00");
    ck_assert_uint_eq(au.lm_response.len, 24);
    ck_assert_hex_eq(au.lm_response.p, "86 c3 50 97 ac 9c ec 10 25 54 76 4a 57 cc cc 19 aa aa aa aa aa aa aa aa");
    ck_assert_uint_eq(au.session_key.len, 16);
    ck_assert_hex_eq(au.session_key.p, "c5 da d2 54 4f c9 79 90 94 ce 1c e9 0b c9 d0 3e");
    ck_assert_mem_eq(au.domain.p, want, utf16le("Domain", want));
    ck_assert_mem_eq(au.user.p, want, utf16le("User", want));
    /* No MsvAvTimestamp from the server: no MIC, the field stays zero. */
    ck_assert_mem_eq(s.auth.buf + NTLM_MIC_OFFSET, (uint8_t[16]){ 0 }, 16);
    ck_st(ops->query_context_attributes(s.cctx, SHIM_ATTR_SESSION_KEY, &key), SHIM_OK);
    ck_assert_mem_eq(key.SessionKey, v_session_key, 16);
    sys_caller_free(key.SessionKey);
    session_free(&s);
}
END_TEST

START_TEST(vector_seal)
{
    struct session s;
    uint8_t data[18], sig[16];
    struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, sig }, { 18, SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, b };

    vector_client(&s);
    utf16le("Plaintext", data);
    ck_st(ops->encrypt(s.cctx, 0, &d, 0), SHIM_OK);
    ck_assert_hex_eq(data, "54 e5 01 65 bf 19 36 dc 99 60 20 c1 81 1b 0f 06 fb 5f");
    ck_assert_hex_eq(sig, "01 00 00 00 7f b3 8e c5 c5 5d 49 76 00 00 00 00");
    session_free(&s);
}
END_TEST

START_TEST(vector_sign)
{
    struct session s;
    uint8_t data[18], sig[16];
    struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, sig }, { 18, SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, b };

    vector_client(&s);
    utf16le("Plaintext", data);
    ck_st(ops->make_signature(s.cctx, 0, &d, 0), SHIM_OK);
    ck_assert_hex_eq(sig, "01 00 00 00 74 d0 45 34 2c 4f 1c d5 00 00 00 00");
    ck_assert_hex_eq(data, "50 00 6c 00 61 00 69 00 6e 00");
    session_free(&s);
}
END_TEST

/* MS-NLMP 4.2.2.4 through the package: a CHALLENGE with 4.2.2's flags
 * (e2 02 82 33: no ESS, key exchange) and the exported key 55 x16 give
 * the 4.2.2.4 sealed "Plaintext" and signature, the response being
 * NTLMv2 all the same; then a fresh handshake signs with the stream at
 * offset 0 (the sign-only value computed independently, as in
 * check_ntlm_crypto). */
START_TEST(vector_no_ess_seal)
{
    struct session s;
    struct ntlm_authenticate au;
    uint8_t data[18], sig[16];
    struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, sig }, { 18, SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, b };

    vector_client_flags(&s, 0xe2028233);
    ck_assert_int_eq(ntlm_parse_authenticate(s.auth.buf, s.auth.len, &au), 0);
    ck_assert_uint_eq(au.flags, 0xe2028233);
    ck_assert_hex_eq(au.nt_response.p, "68 cd 0a b8 51 e5 1c 96 aa bc 92 7b eb ef 6a 1c");
    ck_assert_hex_eq(au.session_key.p, "c5 da d2 54 4f c9 79 90 94 ce 1c e9 0b c9 d0 3e");
    utf16le("Plaintext", data);
    ck_st(ops->encrypt(s.cctx, 0, &d, 0), SHIM_OK);
    ck_assert_hex_eq(data, "56 fe 04 d8 61 f9 31 9a f0 d7 23 8a 2e 3b 4d 45 7f b8");
    ck_assert_hex_eq(sig, "01 00 00 00 00 00 00 00 09 dc d1 df 2e 45 9d 36");
    session_free(&s);

    vector_client_flags(&s, 0xe2028233);
    utf16le("Plaintext", data);
    ck_st(ops->make_signature(s.cctx, 0, &d, 0), SHIM_OK);
    ck_assert_hex_eq(sig, "01 00 00 00 00 00 00 00 7d 7d f2 09 9e d7 57 8a");
    session_free(&s);
}
END_TEST

/* The same fixed inputs through our own server: both ends agree. */
START_TEST(vector_inputs_loopback)
{
    struct ntlm_test_inputs in = { v_client_challenge, v_session_key, v_server_challenge, NULL };
    struct ntlm_challenge ch;
    struct shim_ctx_session_key key;
    struct session s;

    write_accounts("Domain:User:Password\n");
    ntlm_set_test_inputs(&in);
    session_init(&s, "User", "Domain", "Password");
    ck_st(handshake(&s), SHIM_OK);
    ck_assert_int_eq(ntlm_parse_challenge(s.chal.buf, s.chal.len, &ch), 0);
    ck_assert_mem_eq(ch.server_challenge, v_server_challenge, 8);
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_SESSION_KEY, &key), SHIM_OK);
    ck_assert_mem_eq(key.SessionKey, v_session_key, 16);
    sys_caller_free(key.SessionKey);
    session_free(&s);
}
END_TEST

/* Without SSPISHIM_WORKSTATION the AUTHENTICATE names the computer, as
 * Windows does, and the CHALLENGE the server's computer. */
START_TEST(workstation_is_computer_name)
{
    struct session s;
    struct ntlm_challenge ch;
    struct ntlm_authenticate au;
    struct bytes_span v;
    char host[256] = "", want_a[256];
    uint8_t want[600];

    unsetenv("SSPISHIM_WORKSTATION");
    ck_assert_int_eq(gethostname(host, sizeof(host) - 1), 0);
    size_t n = strcspn(host, ".");
    for (size_t i = 0; i < n; i++) want_a[i] = (char)toupper((unsigned char)host[i]);
    want_a[n] = 0;
    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(handshake(&s), SHIM_OK);
    ck_assert_int_eq(ntlm_parse_authenticate(s.auth.buf, s.auth.len, &au), 0);
    ck_assert_uint_eq(au.workstation.len, utf16le(want_a, want));
    ck_assert_mem_eq(au.workstation.p, want, au.workstation.len);
    ck_assert_int_eq(ntlm_parse_challenge(s.chal.buf, s.chal.len, &ch), 0);
    ck_assert_int_eq(ntlm_av_find(ch.target_info, NTLM_AV_NB_COMPUTER_NAME, &v), 0);
    ck_assert_mem_eq(v.p, want, utf16le(want_a, want));
    session_free(&s);
}
END_TEST

static Suite *package_suite(void)
{
    Suite *s = suite_create("ntlm_package");
    TCase *tc;

#define TC(name) tc = tcase_create(name); tcase_add_checked_fixture(tc, setup, teardown); \
                 tcase_set_timeout(tc, 120); suite_add_tcase(s, tc)

    TC("Package");
    tcase_add_test(tc, package_info);

    TC("Credentials");
    tcase_add_test(tc, identity_w);
    tcase_add_test(tc, identity_ex);
    tcase_add_test(tc, identity_ansi);
    tcase_add_test(tc, identity_bad);
    tcase_add_test(tc, credential_use);
    tcase_add_test(tc, default_credentials);
    tcase_add_test(tc, no_accounts_file);
    tcase_add_test(tc, accounts_file_vanishes);
    tcase_add_test(tc, password_from_file);
    tcase_add_test(tc, credential_attributes);

    TC("Handshake");
    tcase_add_test(tc, loopback);
    tcase_add_test(tc, workstation_is_computer_name);
    tcase_add_test(tc, negotiate_flags);
    tcase_add_test(tc, wrong_password);
    tcase_add_test(tc, unknown_user);
    tcase_add_test(tc, accounts_variants);
    tcase_add_test(tc, finished_contexts);
    tcase_add_test(tc, credential_direction);
    tcase_add_test(tc, missing_input);

    TC("Tampering");
    tcase_add_test(tc, tampered_negotiate);
    tcase_add_test(tc, tampered_challenge);
    tcase_add_test(tc, tampered_authenticate);
    tcase_add_test(tc, truncated_messages);
    tcase_add_test(tc, old_protocols_refused);
    tcase_add_test(tc, downgrades_refused);
    tcase_add_test(tc, no_ess_old_protocols_refused);

    TC("Messages");
    tcase_add_test(tc, sign_both_ways);
    tcase_add_test(tc, seal_both_ways);
    tcase_add_test(tc, altered_messages);
    tcase_add_test(tc, replay_and_order);
    tcase_add_test(tc, readonly_buffers);
    tcase_add_test(tc, wrap_no_encrypt);
    tcase_add_test(tc, bad_message_buffers);
    tcase_add_test(tc, stream_decrypt);
    tcase_add_test(tc, not_established);
    tcase_add_test(tc, no_integrity_negotiated);
    tcase_add_test(tc, threads_share_a_context);
    tcase_add_loop_test(tc, no_ess_handshake, 0, 3);
    tcase_add_loop_test(tc, no_ess_alternating, 0, 3);
    tcase_add_test(tc, no_ess_replay_and_order);
    tcase_add_test(tc, no_ess_crossed_messages);

    TC("Attributes");
    tcase_add_test(tc, attributes);
    tcase_add_test(tc, attributes_in_progress);
    tcase_add_test(tc, server_names_from_file);
    tcase_add_test(tc, server_principal);

    TC("Tokens");
    tcase_add_test(tc, tokens);
    tcase_add_test(tc, no_token_before_logon);

    TC("Buffers");
    tcase_add_test(tc, allocate_memory);
    tcase_add_test(tc, output_too_small);

    TC("Vectors");
    tcase_add_test(tc, vector_authenticate);
    tcase_add_test(tc, vector_seal);
    tcase_add_test(tc, vector_sign);
    tcase_add_test(tc, vector_no_ess_seal);
    tcase_add_test(tc, vector_inputs_loopback);
#undef TC
    return s;
}

int main(void)
{
    return run_suite(package_suite());
}
