/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the fuzz targets and their seed generator (seeds.c) share: a fixed
 * world (accounts file, challenges, keys, clock) so that a handshake is the
 * same bytes every time, and the NTLM package driven through its ops table
 * as the DLL's dispatcher drives it.  Because the world is fixed, a seed
 * AUTHENTICATE written by the generator still proves its password when a
 * fuzz target replays it, and mutations start from deep inside the server.
 *
 * Header-only: each target and the generator is one program.  Nothing here
 * depends on libFuzzer, so the generator builds with the plain native core. */
#ifndef SSPISHIM_TESTS_FUZZ_H
#define SSPISHIM_TESTS_FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sspishim/handles.h"
#include "sspishim/krb_crypto.h"
#include "sspishim/krb_gss.h"
#include "sspishim/ntlm.h"
#include "sspishim/ntlm_crypto.h"
#include "sspishim/ntlm_msg.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

#pragma GCC diagnostic ignored "-Wunused-function"

/* A broken invariant: abort, so libFuzzer keeps the input as a crash. */
#define FZ_ASSERT(cond) do {                                                       \
        if (!(cond)) {                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                               \
        }                                                                          \
    } while (0)

/* ---- the fixed world ------------------------------------------------------- */

static const uint8_t fz_server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t fz_client_challenge[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t fz_session_key[16] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                                            0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
static const uint64_t fz_time = 0x01d9c0ffee000000ull;
/* The machine key the packed-context targets seal and open with. */
static const uint8_t fz_machine_key[32] = {
    0x73, 0x73, 0x70, 0x69, 0x73, 0x68, 0x69, 0x6d, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x6b, 0x65,
    0x79, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
};

/* dave's line carries the NT hash of "davepw" (%s): an smbpasswd entry. */
static const char fz_accounts_format[] =
    "# fuzzing users\n"
    "DOMAIN:alice:Password1\n"
    "DOMAIN:bob:hunter2\n"
    ":carol:pw3\n"
    "DOMAIN\\dave:1001:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:%s:[U          ]:LCT-00000000:\n";

/* The accounts file's text, into out. */
static void fz_accounts_text(char *out, size_t max)
{
    static const char pw[] = "davepw";
    shim_wchar w[sizeof(pw)];
    uint8_t hash[16];
    char hex[33];

    for (size_t i = 0; i < sizeof(pw); i++)
        w[i] = (unsigned char)pw[i];
    ntlm_nt_hash(w, sizeof(pw) - 1, hash);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02X", hash[i]);
    snprintf(out, max, fz_accounts_format, hex);
}

static char fz_dir[64], fz_accounts[96];

static void fz_cleanup(void)
{
    if (fz_accounts[0]) unlink(fz_accounts);
    if (fz_dir[0]) rmdir(fz_dir);
}

/* The accounts file, the fixed randomness and clock; once per process. */
static void fz_world(void)
{
    static const struct ntlm_test_inputs in = {
        .client_challenge = fz_client_challenge, .session_key = fz_session_key,
        .server_challenge = fz_server_challenge, .filetime = &fz_time,
    };
    char text[512];
    FILE *f;

    if (fz_dir[0])
        return;
    strcpy(fz_dir, "/tmp/sspishim-fuzz-XXXXXX");
    FZ_ASSERT(mkdtemp(fz_dir) != NULL);
    snprintf(fz_accounts, sizeof(fz_accounts), "%s/users", fz_dir);
    FZ_ASSERT((f = fopen(fz_accounts, "wb")) != NULL);
    fz_accounts_text(text, sizeof(text));
    fputs(text, f);
    fclose(f);
    setenv("NTLM_USER_FILE", fz_accounts, 1);
    setenv("USER", "bob", 1);
    atexit(fz_cleanup);
    ntlm_set_test_inputs(&in);
}

/* Nothing may outlive one input: objects, and the tokens the core opened. */
static void fz_check_clean(void)
{
    struct handles_stats hs;

    handles_stats(&hs);
    FZ_ASSERT(hs.live_objects == 0);
    FZ_ASSERT(sys_tokens_live() == 0);
}

/* ---- the package through its ops table ---------------------------------------- */

#define FZ_CLIENT_REQ (SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_REPLAY_DETECT | \
                       SHIM_ISC_REQ_SEQUENCE_DETECT | SHIM_ISC_REQ_CONNECTION)
#define FZ_SERVER_REQ (SHIM_ASC_REQ_CONFIDENTIALITY | SHIM_ASC_REQ_INTEGRITY | SHIM_ASC_REQ_REPLAY_DETECT | \
                       SHIM_ASC_REQ_SEQUENCE_DETECT | SHIM_ASC_REQ_CONNECTION)

/* The package the helpers below drive: NTLM unless a target picks another
 * (Negotiate) before its first input. */
static const struct shim_package *fz_current;

static const struct shim_package *fz_pkg(void)
{
    return fz_current ? fz_current : ntlm_package();
}

static const struct shim_package_ops *fz_ops(void)
{
    return fz_pkg()->ops;
}

/* A client, picked by one byte: bit 0 a target name, bit 1 ALLOCATE_MEMORY,
 * bit 2 integrity only, bit 3 IDENTIFY, bits 4-5 the identity (a password,
 * the accounts file's NT hash, an empty domain, another user). */
struct fz_client {
    const char *user, *domain, *password;
    const shim_wchar *target;
    uint32_t req;
};

static void fz_client_variant(uint8_t v, struct fz_client *c)
{
    static const shim_wchar spn[] = { 'H', 'T', 'T', 'P', '/', 's', 'e', 'r', 'v', 'e', 'r', 0 };
    static const char *const ids[4][3] = {
        { "alice", "DOMAIN", "Password1" }, { "dave", "DOMAIN", NULL },
        { "carol", "", "pw3" }, { "bob", "DOMAIN", "hunter2" },
    };

    c->req = (v & 4) ? SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_CONNECTION : FZ_CLIENT_REQ;
    if (v & 2)
        c->req |= SHIM_ISC_REQ_ALLOCATE_MEMORY;
    if (v & 8)
        c->req |= SHIM_ISC_REQ_IDENTIFY;
    c->target = (v & 1) ? spn : NULL;
    c->user = ids[(v >> 4) & 3][0];
    c->domain = ids[(v >> 4) & 3][1];
    c->password = ids[(v >> 4) & 3][2];
}

static size_t fz_wcopy(shim_wchar *dst, const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++)
        dst[i] = (unsigned char)s[i];
    dst[n] = 0;
    return n;
}

/* An outbound credential for user/domain/password (NULL password: the
 * accounts file's), or an inbound one when user is NULL. */
static shim_cred *fz_cred(const char *user, const char *domain, const char *password)
{
    shim_wchar u[64], d[64], p[64];
    struct shim_auth_identity_w id = { 0 };
    shim_cred *cred = NULL;
    int64_t expiry;

    if (user) {
        id.User = u;
        id.UserLength = (uint32_t)fz_wcopy(u, user);
        id.Domain = d;
        id.DomainLength = (uint32_t)fz_wcopy(d, domain ? domain : "");
        if (password) {
            id.Password = p;
            id.PasswordLength = (uint32_t)fz_wcopy(p, password);
        }
        id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    }
    if (fz_ops()->acquire_credentials(fz_pkg(), NULL, user ? SHIM_CRED_OUTBOUND : SHIM_CRED_INBOUND,
                                      NULL, user ? &id : NULL, NULL, NULL, &cred, &expiry))
        return NULL;
    return cred;
}

static void fz_cred_free(shim_cred *c)
{
    if (!c)
        return;
    fz_ops()->free_credentials(c);
    shim_object_put(c);
}

static void fz_ctx_delete(shim_ctx *c)
{
    if (!c)
        return;
    fz_ops()->delete_context(c);
    shim_object_put(c);
}

#define FZ_TOKEN_MAX 4096

struct fz_token {
    uint8_t buf[FZ_TOKEN_MAX];
    uint32_t len;
};

/* One InitializeSecurityContext (client) or AcceptSecurityContext call.  The
 * first call (*ctx NULL) uses cred and sets *ctx.  target may be NULL. */
static shim_status fz_step(bool client, shim_cred *cred, shim_ctx **ctx, const shim_wchar *target, uint32_t req,
                           const uint8_t *in, size_t in_len, struct fz_token *out)
{
    struct shim_buffer ib = { (uint32_t)in_len, SHIM_BUFFER_TOKEN, (void *)in };
    struct shim_buffer ob = { sizeof(out->buf), SHIM_BUFFER_TOKEN, out->buf };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c = { .cred = *ctx ? NULL : cred, .ctx = *ctx, .target = target, .req = req,
                               .datarep = SHIM_NATIVE_DREP, .input = in ? &id : NULL, .output = &od };
    shim_status st = client ? fz_ops()->initialize_context(&c) : fz_ops()->accept_context(&c);

    if (c.new_ctx) {
        FZ_ASSERT(st >= 0 && !*ctx);
        *ctx = c.new_ctx;
    }
    out->len = 0;
    if (st >= 0 && ob.cb) {
        FZ_ASSERT(ob.cb <= FZ_TOKEN_MAX);
        if (ob.pv != out->buf) {                  /* ALLOCATE_MEMORY */
            memcpy(out->buf, ob.pv, ob.cb);
            sys_caller_free(ob.pv);
        }
        out->len = ob.cb;
    } else if (st >= 0 && ob.pv != out->buf) {
        sys_caller_free(ob.pv);
    }
    return st;
}

/* One loopback handshake of client variant v against the default server:
 * the NEGOTIATE and AUTHENTICATE it took.  The server's last status. */
static shim_status fz_reference(uint8_t v, struct fz_token *neg, struct fz_token *auth)
{
    struct fz_client c;
    struct fz_token chal, fin;
    shim_cred *cc, *sc;
    shim_ctx *cx = NULL, *sx = NULL;
    shim_status st = SHIM_E_INTERNAL_ERROR;

    fz_client_variant(v, &c);
    cc = fz_cred(c.user, c.domain, c.password);
    sc = fz_cred(NULL, NULL, NULL);
    neg->len = auth->len = 0;
    if (cc && sc && fz_step(true, cc, &cx, c.target, c.req, NULL, 0, neg) == SHIM_I_CONTINUE_NEEDED &&
        fz_step(false, sc, &sx, NULL, FZ_SERVER_REQ, neg->buf, neg->len, &chal) == SHIM_I_CONTINUE_NEEDED &&
        fz_step(true, NULL, &cx, c.target, c.req, chal.buf, chal.len, auth) == SHIM_OK)
        st = fz_step(false, NULL, &sx, NULL, FZ_SERVER_REQ, auth->buf, auth->len, &fin);
    fz_ctx_delete(cx);
    fz_ctx_delete(sx);
    fz_cred_free(cc);
    fz_cred_free(sc);
    return st;
}

/* ---- what an established context can do ---------------------------------------- */

/* Asks every attribute and frees what comes back. */
static void fz_query_all(shim_ctx *ctx)
{
    for (uint32_t attr = 0; attr <= 20; attr++) {
        union {
            struct shim_ctx_sizes sizes;
            struct shim_ctx_names names;
            struct shim_ctx_lifespan life;
            struct shim_ctx_key_info key;
            struct shim_ctx_package_info pkg;
            struct shim_ctx_negotiation_info neg;
            struct shim_ctx_native_names native;
            struct shim_ctx_flags flags;
            struct shim_ctx_access_token token;
            struct shim_ctx_session_key session;
            uint8_t room[64];
        } u;
        memset(&u, 0, sizeof(u));
        if (fz_ops()->query_context_attributes(ctx, attr, &u) != SHIM_OK)
            continue;
        switch (attr) {
        case SHIM_ATTR_NAMES: sys_caller_free(u.names.sUserName); break;
        case SHIM_ATTR_NATIVE_NAMES:
            sys_caller_free(u.native.sClientName);
            sys_caller_free(u.native.sServerName);
            break;
        case SHIM_ATTR_KEY_INFO:
            sys_caller_free(u.key.sSignatureAlgorithmName);
            sys_caller_free(u.key.sEncryptAlgorithmName);
            break;
        case SHIM_ATTR_PACKAGE_INFO: sys_caller_free(u.pkg.PackageInfo); break;
        case SHIM_ATTR_NEGOTIATION_INFO: sys_caller_free(u.neg.PackageInfo); break;
        case SHIM_ATTR_SESSION_KEY: sys_caller_free(u.session.SessionKey); break;
        }
    }
}

/* Signs and seals a message, then tries to take a damaged one. */
static void fz_messages(shim_ctx *ctx)
{
    uint8_t sig[16], data[32] = "fuzzing the NTLM package";
    struct shim_buffer b[2] = { { sizeof(sig), SHIM_BUFFER_TOKEN, sig }, { sizeof(data), SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, b };
    uint32_t qop = 0;

    fz_ops()->make_signature(ctx, 0, &d, 0);
    b[0].cb = sizeof(sig);
    fz_ops()->encrypt(ctx, 0, &d, 0);
    b[0].cb = sizeof(sig);
    fz_ops()->verify_signature(ctx, &d, 0, &qop);
    fz_ops()->decrypt(ctx, &d, 0, &qop);
}

/* Export (as it stands and reset) and import back, as another process would. */
static void fz_export_import(shim_ctx *ctx)
{
    for (int reset = 0; reset < 2; reset++) {
        uint8_t *payload = NULL, role = 0;
        size_t len = 0;
        shim_ctx *copy = NULL;

        if (fz_ops()->export_context(ctx, reset, &payload, &len, &role) != SHIM_OK)
            continue;
        if (fz_ops()->import_context(fz_pkg(), role, payload, len, NULL, &copy) == SHIM_OK) {
            fz_messages(copy);
            fz_ctx_delete(copy);
        }
        memset(payload, 0, len);
        free(payload);
    }
}

static void fz_exercise(shim_ctx *ctx)
{
    fz_query_all(ctx);
    fz_export_import(ctx);
    fz_messages(ctx);
}

/* ---- input framing ------------------------------------------------------------ */

/* Two tokens in one input: a 16-bit little-endian length, that many bytes,
 * and the rest.  A length past the end makes the whole input the first. */
static void fz_split(const uint8_t *data, size_t size, const uint8_t **a, size_t *alen,
                     const uint8_t **b, size_t *blen)
{
    size_t n = size >= 2 ? (size_t)(data[0] | data[1] << 8) : 0;

    if (size < 2 || n > size - 2) {
        *a = data;
        *alen = size;
        *b = NULL;
        *blen = 0;
        return;
    }
    *a = data + 2;
    *alen = n;
    *b = data + 2 + n;
    *blen = size - 2 - n;
}

/* The libFuzzer entry points every target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The setup of a target that needs the fixed world and nothing more. */
#define FZ_INIT_WORLD_ONLY                                  \
    int LLVMFuzzerInitialize(int *argc, char ***argv)       \
    {                                                       \
        (void)argc;                                         \
        (void)argv;                                         \
        fz_world();                                         \
        return 0;                                           \
    }

/* ---- Kerberos GSS-API (fuzz_krb_gss) ----------------------------------------
 * Fixed keys: the service key (fill 0x42) opens seed AP-REQs; an
 * established context of either side with session key 0x11, initiator
 * subkey 0x22 and optionally acceptor subkey 0x33, so a seed token from
 * one side is accepted by the fuzz target's other side. */

static struct krb_key fz_krb_key(int32_t etype, uint8_t fill)
{
    struct krb_key k = { .etype = etype, .len = krb_crypto_key_size(etype) };

    memset(k.bytes, fill, k.len);
    return k;
}

static void fz_gss_ctx(struct krb_gss_ctx *ctx, bool initiator, bool acc_subkey, int32_t etype)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->state = KRB_GSS_ST_ESTABLISHED;
    ctx->initiator = initiator;
    ctx->flags = KRB_GSS_REPLAY | KRB_GSS_SEQUENCE | KRB_GSS_CONF | KRB_GSS_INTEG;
    ctx->session = fz_krb_key(etype, 0x11);
    ctx->init_subkey = fz_krb_key(etype, 0x22);
    ctx->has_init_subkey = true;
    if (acc_subkey) {
        ctx->acc_subkey = fz_krb_key(etype, 0x33);
        ctx->has_acc_subkey = true;
    }
}

/* The service's key for any ticket of the AES etypes. */
static int fz_find_service_key(void *arg, const char *realm, const struct krb_principal *sname, int32_t etype,
                               uint32_t kvno, struct krb_key *out)
{
    (void)arg, (void)realm, (void)sname, (void)kvno;
    if (etype < 17 || etype > 20)
        return -1;
    *out = fz_krb_key(etype, 0x42);
    return 0;
}

#endif
