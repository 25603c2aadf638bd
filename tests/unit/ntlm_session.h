/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM test fixture shared by the Check suites that drive the package
 * through its ops table: an accounts file in a temporary folder, the
 * credentials and the loopback handshake as the DLL's dispatcher drives
 * them, and a two-buffer message.  Header-only: each suite is one program. */
#ifndef SSPISHIM_TESTS_NTLM_SESSION_H
#define SSPISHIM_TESTS_NTLM_SESSION_H

#include <check.h>
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
#include "testutil.h"

/* Not every suite uses every helper. */
#pragma GCC diagnostic ignored "-Wunused-function"
static const struct shim_package *pkg;
static const struct shim_package_ops *ops;

#define ck_st(expr, want) do {                                                      \
        shim_status got_ = (expr), want_ = (want);                                  \
        ck_assert_msg(got_ == want_, "%s = %08x, want %08x", #expr,                 \
                      (unsigned)got_, (unsigned)want_);                             \
    } while (0)

/* ---- strings ------------------------------------------------------------------ */

static const shim_wchar *w(const char *s)
{
    static shim_wchar ring[8][256];
    static unsigned next;
    shim_wchar *out = ring[next++ % 8];
    size_t i;

    for (i = 0; s[i] && i < 255; i++)
        out[i] = (unsigned char)s[i];
    out[i] = 0;
    return out;
}

static bool wstr_is(const shim_wchar *got, const char *want)
{
    size_t i;

    for (i = 0; want[i]; i++)
        if (got[i] != (unsigned char)want[i])
            return false;
    return got[i] == 0;
}

/* UTF-16LE bytes of an ASCII string; returns the byte count. */
static size_t utf16le(const char *s, uint8_t *out)
{
    size_t n = 0;

    for (; *s; s++) {
        out[n++] = (uint8_t)*s;
        out[n++] = 0;
    }
    return n;
}



/* ---- the accounts file and the fixture --------------------------------------- */

static char dir[64], accounts[96];

static void write_accounts(const char *text)
{
    FILE *f = fopen(accounts, "wb");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    ntlm_accounts_reset();
}

static void standard_accounts(void)
{
    char text[512], hex[33];
    uint8_t hash[16];
    shim_wchar pw[6];

    for (int i = 0; i < 6; i++)
        pw[i] = (unsigned char)"davepw"[i];
    ntlm_nt_hash(pw, 6, hash);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02X", hash[i]);
    snprintf(text, sizeof(text),
             "# test users\n"
             "DOMAIN:alice:Password1\n"
             "DOMAIN:bob:hunter2\n"
             ":carol:pw3\n"
             "DOMAIN\\dave:1001:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:%s:[U          ]:LCT-00000000:\n",
             hex);
    write_accounts(text);
}

static void setup(void)
{
    struct handles_stats hs;

    pkg = ntlm_package();
    ops = pkg->ops;
    strcpy(dir, "/tmp/sspishim-ntlm-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(accounts, sizeof(accounts), "%s/users", dir);
    setenv("NTLM_USER_FILE", accounts, 1);
    setenv("USER", "bob", 1);
    setenv("SSPISHIM_WORKSTATION", "SSPISHIM", 1);   /* the computer name, fixed */
    standard_accounts();
    handles_stats(&hs);
    ck_assert_uint_eq(hs.live_objects, 0);
}

static void teardown(void)
{
    struct handles_stats hs;

    ntlm_set_test_inputs(NULL);
    ntlm_accounts_reset();
    unlink(accounts);
    rmdir(dir);
    handles_stats(&hs);
    ck_assert_msg(hs.live_objects == 0, "%zu objects left", hs.live_objects);
    ck_assert_msg(sys_tokens_live() == 0, "%ld tokens left", sys_tokens_live());
}

/* ---- credentials, as the dispatcher handles them -------------------------------- */

struct ident {
    struct shim_auth_identity_w id;
    shim_wchar user[64], domain[64], password[64];
};

static size_t copy_w(shim_wchar *dst, const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++)
        dst[i] = (unsigned char)s[i];
    dst[n] = 0xfffe;            /* not terminated: lengths rule */
    return n;
}

/* NULL leaves the field NULL. */
static struct shim_auth_identity_w *ident(struct ident *x, const char *user, const char *domain,
                                          const char *password)
{
    memset(x, 0, sizeof(*x));
    if (user) { x->id.User = x->user; x->id.UserLength = (uint32_t)copy_w(x->user, user); }
    if (domain) { x->id.Domain = x->domain; x->id.DomainLength = (uint32_t)copy_w(x->domain, domain); }
    if (password) { x->id.Password = x->password; x->id.PasswordLength = (uint32_t)copy_w(x->password, password); }
    x->id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    return &x->id;
}

static shim_status acquire_p(const shim_wchar *principal, uint32_t use, void *auth, shim_cred **out)
{
    int64_t expiry = 0;
    shim_status st;

    *out = NULL;
    st = ops->acquire_credentials(pkg, principal, use, NULL, auth, NULL, NULL, out, &expiry);
    if (st == SHIM_OK) {
        ck_assert_ptr_nonnull(*out);
        ck_assert(expiry == SHIM_TIME_NEVER);
    } else {
        ck_assert_ptr_null(*out);
    }
    return st;
}

static shim_status acquire(uint32_t use, void *auth, shim_cred **out)
{
    return acquire_p(NULL, use, auth, out);
}

static void cred_free(shim_cred *c)
{
    if (!c)
        return;
    ck_st(ops->free_credentials(c), SHIM_OK);
    shim_object_put(c);
}

static void ctx_delete(shim_ctx *c)
{
    if (!c)
        return;
    ck_st(ops->delete_context(c), SHIM_OK);
    shim_object_put(c);
}

/* SECPKG_CRED_ATTR_NAMES, checked and freed. */
static void ck_cred_name(shim_cred *c, const char *want)
{
    struct shim_cred_names n = { NULL };

    ck_st(ops->query_credentials_attributes(c, SHIM_CRED_ATTR_NAMES, &n), SHIM_OK);
    ck_assert_msg(wstr_is(n.sUserName, want), "name is not %s", want);
    sys_caller_free(n.sUserName);
}

/* ---- the handshake, as the dispatcher drives it --------------------------------- */

struct tok {
    uint8_t buf[4096];
    uint32_t len;
};

static shim_status step_t(bool client, shim_cred *cred, shim_ctx **ctx, const shim_wchar *target, uint32_t req,
                          const struct tok *in, struct tok *out, uint32_t *attrs)
{
    struct shim_buffer ib = { in ? in->len : 0, SHIM_BUFFER_TOKEN, in ? (void *)in->buf : NULL };
    struct shim_buffer ob = { sizeof(out->buf), SHIM_BUFFER_TOKEN, out->buf };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c = { .cred = *ctx ? NULL : cred, .ctx = *ctx, .target = target, .req = req,
                               .datarep = SHIM_NATIVE_DREP, .input = in ? &id : NULL, .output = &od };
    shim_status st = client ? ops->initialize_context(&c) : ops->accept_context(&c);

    if (st >= 0) {
        if (c.new_ctx) {
            ck_assert_ptr_null(*ctx);
            *ctx = c.new_ctx;
        }
        if (attrs)
            *attrs = c.attrs;
        ck_assert(c.expiry == SHIM_TIME_NEVER);
    } else {
        ck_assert_ptr_null(c.new_ctx);
    }
    out->len = ob.cb;
    return st;
}

static shim_status step(bool client, shim_cred *cred, shim_ctx **ctx, uint32_t req,
                        const struct tok *in, struct tok *out, uint32_t *attrs)
{
    return step_t(client, cred, ctx, NULL, req, in, out, attrs);
}

#define CLIENT_REQ (SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_REPLAY_DETECT | \
                    SHIM_ISC_REQ_SEQUENCE_DETECT | SHIM_ISC_REQ_CONNECTION)
#define SERVER_REQ (SHIM_ASC_REQ_CONFIDENTIALITY | SHIM_ASC_REQ_INTEGRITY | SHIM_ASC_REQ_REPLAY_DETECT | \
                    SHIM_ASC_REQ_SEQUENCE_DETECT | SHIM_ASC_REQ_CONNECTION)

struct session {
    shim_cred *ccred, *scred;
    shim_ctx *cctx, *sctx;
    uint32_t creq, sreq, cattrs, sattrs;
    const shim_wchar *target;
    struct tok neg, chal, auth, fin;
    shim_status cst, sst;
};

typedef void (*tamper_fn)(int leg, struct tok *t, void *arg);

/* NEGOTIATE, CHALLENGE, AUTHENTICATE; tamper sees each on the way.  Returns
 * the first failure, or the server's last answer. */
static shim_status handshake_ex(struct session *s, tamper_fn tamper, void *arg)
{
    s->cst = step_t(true, s->ccred, &s->cctx, s->target, s->creq, NULL, &s->neg, &s->cattrs);
    if (s->cst != SHIM_I_CONTINUE_NEEDED)
        return s->cst;
    if (tamper) tamper(1, &s->neg, arg);
    s->sst = step(false, s->scred, &s->sctx, s->sreq, &s->neg, &s->chal, &s->sattrs);
    if (s->sst != SHIM_I_CONTINUE_NEEDED)
        return s->sst;
    if (tamper) tamper(2, &s->chal, arg);
    s->cst = step_t(true, NULL, &s->cctx, s->target, s->creq, &s->chal, &s->auth, &s->cattrs);
    if (s->cst != SHIM_OK)
        return s->cst;
    if (tamper) tamper(3, &s->auth, arg);
    s->sst = step(false, NULL, &s->sctx, s->sreq, &s->auth, &s->fin, &s->sattrs);
    return s->sst;
}

static shim_status handshake(struct session *s)
{
    return handshake_ex(s, NULL, NULL);
}

/* A session for user/domain/password against the default inbound credential. */
static void session_init(struct session *s, const char *user, const char *domain, const char *password)
{
    struct ident id;

    memset(s, 0, sizeof(*s));
    s->creq = CLIENT_REQ;
    s->sreq = SERVER_REQ;
    ck_st(acquire(SHIM_CRED_OUTBOUND, ident(&id, user, domain, password), &s->ccred), SHIM_OK);
    ck_st(acquire(SHIM_CRED_INBOUND, NULL, &s->scred), SHIM_OK);
}

static void session_free(struct session *s)
{
    ctx_delete(s->cctx);
    ctx_delete(s->sctx);
    cred_free(s->ccred);
    cred_free(s->scred);
    memset(s, 0, sizeof(*s));
}

/* Contexts only; the credentials stay for another round. */
static void session_reset(struct session *s)
{
    ctx_delete(s->cctx);
    ctx_delete(s->sctx);
    s->cctx = s->sctx = NULL;
}

static void established(struct session *s)
{
    session_init(s, "alice", "DOMAIN", "Password1");
    ck_st(handshake(s), SHIM_OK);
}

/* ---- a signed or sealed message ---------------------------------------------- */

struct msg {
    uint8_t sig[32];
    uint8_t data[64];
    struct shim_buffer b[2];
    struct shim_buffer_desc d;
};

static struct shim_buffer_desc *msg_init(struct msg *m, const char *text)
{
    size_t n = strlen(text);

    memset(m, 0, sizeof(*m));
    memcpy(m->data, text, n);
    m->b[0] = (struct shim_buffer){ 16, SHIM_BUFFER_TOKEN, m->sig };
    m->b[1] = (struct shim_buffer){ (uint32_t)n, SHIM_BUFFER_DATA, m->data };
    m->d = (struct shim_buffer_desc){ 0, 2, m->b };
    return &m->d;
}

#endif
