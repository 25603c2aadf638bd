/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kerberos contexts: InitializeSecurityContext and AcceptSecurityContext
 * over the GSS-API mechanism (krb_gss.h), and what a context tells.
 *
 * Tokens are GSS framed (RFC 4121 4.1), as Windows' Kerberos package sends
 * them outside DCE style (ISC_REQ_USE_DCE_STYLE is not offered:
 * SEC_E_UNSUPPORTED_FUNCTION).  The client is done after its AP-REQ unless
 * it asked for mutual authentication (ISC_REQ_MUTUAL_AUTH): then
 * SEC_I_CONTINUE_NEEDED, and the server's AP-REP finishes it.  The server
 * is done after one call (SEC_E_OK), with an AP-REP to send when the
 * client asked for one, else no token.
 *
 * Names: SECPKG_ATTR_NAMES is "REALM\user", the shape of Windows'
 * DOMAIN\user (a realm has no NetBIOS name here); NATIVE_NAMES gives the
 * Kerberos forms, "user@REALM" and "HTTP/host@REALM". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/ctx_token.h"
#include "sspishim/debug.h"
#include "sspishim/krb_keytab.h"
#include "sspishim/token_buffer.h"

#include "krb_pkg.h"

static void ctx_destroy(struct shim_object *obj)
{
    struct krb_ctx *ctx = (struct krb_ctx *)obj;

    krb_gss_ctx_free(&ctx->gss);
    if (ctx->token)
        sys_token_close(ctx->token);
    crypto_wipe(ctx, sizeof(*ctx));
    free(ctx);
}

struct krb_ctx *krb_ctx_from(shim_ctx *obj)
{
    if (!obj || obj->kind != SHIM_KIND_CTXT || obj->pkg != kerberos_package())
        return NULL;
    return (struct krb_ctx *)obj;
}

struct krb_ctx *krb_ctx_new(const struct shim_package *pkg, bool server, uint32_t req)
{
    struct krb_ctx *ctx = calloc(1, sizeof(*ctx));

    if (!ctx)
        return NULL;
    shim_object_init(&ctx->hdr, SHIM_KIND_CTXT, pkg, ctx_destroy);
    sys_mutex_init(&ctx->lock);
    ctx->server = server;
    ctx->req = req;
    return ctx;
}

void krb_ctx_mark_start(struct krb_ctx *ctx)
{
    ctx->start_send = ctx->gss.send_seq;
    ctx->start_recv = ctx->gss.recv_next;
}

static int64_t ctx_expiry(const struct krb_ctx *ctx)
{
    return krb_filetime(ctx->gss.endtime);
}

/* ---- the client ----------------------------------------------------------------- */

static uint32_t isc_gss_flags(uint32_t req)
{
    uint32_t f = KRB_GSS_INTEG | KRB_GSS_CONF;

    if (req & SHIM_ISC_REQ_MUTUAL_AUTH) f |= KRB_GSS_MUTUAL;
    if (req & SHIM_ISC_REQ_REPLAY_DETECT) f |= KRB_GSS_REPLAY;
    if (req & SHIM_ISC_REQ_SEQUENCE_DETECT) f |= KRB_GSS_SEQUENCE;
    return f;
}

static uint32_t isc_attrs(uint32_t req)
{
    uint32_t a = SHIM_ISC_RET_INTEGRITY;

    a |= req & (SHIM_ISC_REQ_MUTUAL_AUTH | SHIM_ISC_REQ_REPLAY_DETECT | SHIM_ISC_REQ_SEQUENCE_DETECT |
                SHIM_ISC_REQ_CONFIDENTIALITY);
    if (req & SHIM_ISC_REQ_ALLOCATE_MEMORY) a |= SHIM_ISC_RET_ALLOCATED_MEMORY;
    if (req & SHIM_ISC_REQ_CONNECTION) a |= SHIM_ISC_RET_CONNECTION;
    return a;
}

static shim_status client_first(struct shim_ctx_call *c)
{
    struct krb_cred *cred = krb_cred_from(c->cred);
    struct krb_creds ticket;
    struct bytes_writer w;
    struct krb_ctx *ctx;
    int64_t offset = 0;
    shim_status st;
    int rc;

    if (!cred)
        return SHIM_E_INVALID_HANDLE;
    if (!(cred->use & SHIM_CRED_OUTBOUND))
        return SHIM_E_NO_CREDENTIALS;
    if (c->req & (SHIM_ISC_REQ_USE_DCE_STYLE | SHIM_ISC_REQ_DATAGRAM)) {
        WARN("DCE style and datagram Kerberos are not supported (req %#x)\n", c->req);
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if (!c->target || !c->target[0]) {
        WARN("no target name: Kerberos needs the service's name\n");
        return SHIM_E_TARGET_UNKNOWN;
    }
    if (!(ctx = krb_ctx_new(cred->hdr.pkg, false, c->req)))
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (!krb_utf16_to_utf8(c->target, wstr_len(c->target), ctx->target, sizeof(ctx->target))) {
        shim_object_put(&ctx->hdr);
        return SHIM_E_TARGET_UNKNOWN;
    }
    if ((st = krb_cred_service_ticket(cred, ctx->target, &ticket, &offset))) {
        shim_object_put(&ctx->hdr);
        return st;
    }
    bytes_writer_init_heap(&w, KERBEROS_PKG_MAX_TOKEN);
    rc = krb_gss_init_start(&ctx->gss, &ticket, isc_gss_flags(c->req), NULL, offset, &w);
    krb_creds_free(&ticket);
    if (rc != KRB_OK && rc != KRB_CONTINUE) {
        st = krb_sec_status(rc);
    } else if (!(st = token_output(c->output, (c->req & SHIM_ISC_REQ_ALLOCATE_MEMORY) != 0,
                                   bytes_writer_span(&w)))) {
        ctx->state = rc == KRB_CONTINUE ? KRB_PKG_WAIT_AP_REP : KRB_PKG_ESTABLISHED;
        if (rc == KRB_OK)
            krb_ctx_mark_start(ctx);
        ctx->attrs = isc_attrs(c->req);
        c->attrs = ctx->attrs;
        c->expiry = ctx_expiry(ctx);
        c->new_ctx = &ctx->hdr;
        st = rc == KRB_CONTINUE ? SHIM_I_CONTINUE_NEEDED : SHIM_OK;
        TRACE("AP-REQ for %s sent%s\n", ctx->target, rc == KRB_CONTINUE ? ", waiting for the AP-REP" : "");
    }
    bytes_writer_free(&w);
    if (st < 0)
        shim_object_put(&ctx->hdr);
    return st;
}

static shim_status client_second(struct krb_ctx *ctx, struct shim_ctx_call *c)
{
    struct bytes_span in;
    shim_status st;
    int rc;

    if ((st = token_input(c->input, &in)))
        return st;
    if ((rc = krb_gss_init_step(&ctx->gss, in.p, in.len)) != KRB_OK) {
        WARN("AP-REP refused: %s\n", krb_status_text(rc));
        ctx->state = KRB_PKG_FAILED;
        return krb_sec_status(rc);
    }
    ctx->state = KRB_PKG_ESTABLISHED;
    krb_ctx_mark_start(ctx);
    token_output_empty(c->output, (ctx->req & SHIM_ISC_REQ_ALLOCATE_MEMORY) != 0);
    c->attrs = ctx->attrs;
    c->expiry = ctx_expiry(ctx);
    return SHIM_OK;
}

shim_status krb_initialize_context(struct shim_ctx_call *c)
{
    struct krb_ctx *ctx;
    shim_status st;

    if (!c->ctx)
        return client_first(c);
    if (!(ctx = krb_ctx_from(c->ctx)) || ctx->server)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    st = ctx->state == KRB_PKG_WAIT_AP_REP ? client_second(ctx, c) : SHIM_E_OUT_OF_SEQUENCE;
    sys_mutex_unlock(&ctx->lock);
    return st;
}

/* ---- the server ----------------------------------------------------------------- */

/* One replay cache for the process: every acceptor of every credential
 * shares the service keys, so they share what they have seen. */
static sys_mutex rcache_lock;
static struct krb_replay_cache *rcache;

static struct krb_replay_cache *replay_cache(void)
{
    sys_mutex_lock(&rcache_lock);
    if (!rcache)
        rcache = krb_replay_cache_new(65536, KRB_GSS_SKEW);
    struct krb_replay_cache *rc = rcache;
    sys_mutex_unlock(&rcache_lock);
    return rc;
}

static int keytab_key(void *arg, const char *realm, const struct krb_principal *sname, int32_t etype,
                      uint32_t kvno, struct krb_key *out)
{
    const struct krb_file *kt = arg;
    struct krb_keytab_entry e;
    int rc = krb_keytab_find(kt->data, kt->len, sname, realm, etype, kvno, &e);

    if (rc == KRB_FILE_E_NO_ENTRY && kvno)
        rc = krb_keytab_find(kt->data, kt->len, sname, realm, etype, 0, &e);   /* a rekeyed service */
    if (rc != KRB_FILE_OK)
        return -1;
    *out = e.key;
    crypto_wipe(&e, sizeof(e));
    return 0;
}

static uint32_t asc_attrs(uint32_t req, uint32_t gss_flags)
{
    uint32_t a = SHIM_ASC_RET_INTEGRITY;

    if (gss_flags & KRB_GSS_MUTUAL) a |= SHIM_ASC_RET_MUTUAL_AUTH;
    if (gss_flags & KRB_GSS_REPLAY) a |= SHIM_ASC_RET_REPLAY_DETECT;
    if (gss_flags & KRB_GSS_SEQUENCE) a |= SHIM_ASC_RET_SEQUENCE_DETECT;
    if (req & SHIM_ASC_REQ_CONFIDENTIALITY) a |= SHIM_ASC_RET_CONFIDENTIALITY;
    if (req & SHIM_ASC_REQ_ALLOCATE_MEMORY) a |= SHIM_ASC_RET_ALLOCATED_MEMORY;
    if (req & SHIM_ASC_REQ_CONNECTION) a |= SHIM_ASC_RET_CONNECTION;
    return a;
}

/* The client's token: its names in UTF-16 for the platform. */
static shim_status client_token(struct krb_ctx *ctx)
{
    char user[KRB_STR_MAX];
    shim_wchar *u, *r;
    int rc;

    krb_principal_text(&ctx->gss.cname, user, sizeof(user));
    u = krb_caller_wstr(user);
    r = krb_caller_wstr(ctx->gss.crealm);
    rc = u && r ? sys_token_for_client(u, r, &ctx->token) : -1;
    sys_caller_free(u);
    sys_caller_free(r);
    if (rc) {
        ctx->token = NULL;
        return SHIM_E_INTERNAL_ERROR;
    }
    return SHIM_OK;
}

shim_status krb_accept_context(struct shim_ctx_call *c)
{
    struct krb_cred *cred = krb_cred_from(c->cred);
    struct krb_gss_acceptor acc = { 0 };
    struct krb_file keytab;
    struct bytes_span in;
    struct bytes_writer w;
    struct krb_ctx *ctx;
    shim_status st;
    int rc;

    if (c->ctx)
        return krb_ctx_from(c->ctx) ? SHIM_E_OUT_OF_SEQUENCE : SHIM_E_INVALID_HANDLE;
    if (!cred)
        return SHIM_E_INVALID_HANDLE;
    if (!(cred->use & SHIM_CRED_INBOUND))
        return SHIM_E_NO_CREDENTIALS;
    if ((st = token_input(c->input, &in)))
        return st;
    if ((rc = krb_keytab_load(NULL, &keytab)) != KRB_FILE_OK) {
        WARN("no keytab (KRB5_KTNAME or /etc/krb5.keytab): %s\n", krb_file_status_text(rc));
        return SHIM_E_NO_CREDENTIALS;
    }
    if (!(ctx = krb_ctx_new(cred->hdr.pkg, true, c->req))) {
        krb_file_free(&keytab);
        return SHIM_E_INSUFFICIENT_MEMORY;
    }
    acc.find_key = keytab_key;
    acc.find_key_arg = &keytab;
    acc.rcache = replay_cache();
    bytes_writer_init_heap(&w, KERBEROS_PKG_MAX_TOKEN);
    rc = acc.rcache ? krb_gss_accept(&ctx->gss, &acc, in.p, in.len, &w) : KRB_E_NO_MEMORY;
    krb_file_free(&keytab);
    if (rc != KRB_OK) {
        WARN("AP-REQ refused: %s\n", krb_status_text(rc));
        st = krb_sec_status(rc);
    } else if (!(st = client_token(ctx))) {
        bool allocate = (c->req & SHIM_ASC_REQ_ALLOCATE_MEMORY) != 0;
        if (bytes_writer_span(&w).len)
            st = token_output(c->output, allocate, bytes_writer_span(&w));
        else
            token_output_empty(c->output, allocate);
    }
    bytes_writer_free(&w);
    if (st) {
        shim_object_put(&ctx->hdr);
        return st;
    }
    ctx->state = KRB_PKG_ESTABLISHED;
    krb_ctx_mark_start(ctx);
    ctx->attrs = asc_attrs(c->req, ctx->gss.flags);
    c->attrs = ctx->attrs;
    c->expiry = ctx_expiry(ctx);
    c->new_ctx = &ctx->hdr;
    TRACE("%s@%s logged on\n", ctx->gss.cname.comp[0], ctx->gss.crealm);
    return SHIM_OK;
}

shim_status krb_delete_context(shim_ctx *obj)
{
    return krb_ctx_from(obj) ? SHIM_OK : SHIM_E_INVALID_HANDLE;
}

shim_status krb_complete_auth_token(shim_ctx *obj, struct shim_buffer_desc *token)
{
    (void)token;
    return krb_ctx_from(obj) ? SHIM_OK : SHIM_E_INVALID_HANDLE;
}

/* ---- attributes ----------------------------------------------------------------- */

static const struct krb_key *message_key(const struct krb_gss_ctx *g)
{
    return g->has_acc_subkey ? &g->acc_subkey : g->has_init_subkey ? &g->init_subkey : &g->session;
}

static const char *etype_name(int32_t etype)
{
    switch (etype) {
    case KRB_ETYPE_AES128_CTS_HMAC_SHA1_96: return "AES-128-CTS-HMAC-SHA1-96";
    case KRB_ETYPE_AES256_CTS_HMAC_SHA1_96: return "AES-256-CTS-HMAC-SHA1-96";
    case KRB_ETYPE_AES128_CTS_HMAC_SHA256_128: return "AES-128-CTS-HMAC-SHA256-128";
    case KRB_ETYPE_AES256_CTS_HMAC_SHA384_192: return "AES-256-CTS-HMAC-SHA384-192";
    case KRB_ETYPE_RC4_HMAC: return "RSADSI RC4-HMAC";
    }
    return "unknown";
}

static int32_t etype_checksum(int32_t etype)
{
    switch (etype) {
    case KRB_ETYPE_AES128_CTS_HMAC_SHA1_96: return KRB_CKSUM_HMAC_SHA1_96_AES128;
    case KRB_ETYPE_AES256_CTS_HMAC_SHA1_96: return KRB_CKSUM_HMAC_SHA1_96_AES256;
    case KRB_ETYPE_AES128_CTS_HMAC_SHA256_128: return KRB_CKSUM_HMAC_SHA256_128_AES128;
    case KRB_ETYPE_AES256_CTS_HMAC_SHA384_192: return KRB_CKSUM_HMAC_SHA384_192_AES256;
    }
    return KRB_CKSUM_HMAC_MD5;
}

static shim_status two_names(const char *a, const char *b, shim_wchar **wa, shim_wchar **wb)
{
    *wa = krb_caller_wstr(a);
    *wb = krb_caller_wstr(b);
    if (*wa && *wb)
        return SHIM_OK;
    sys_caller_free(*wa);
    sys_caller_free(*wb);
    *wa = *wb = NULL;
    return SHIM_E_INSUFFICIENT_MEMORY;
}

static shim_status query_session(struct krb_ctx *ctx, uint32_t attr, void *buf)
{
    const struct krb_gss_ctx *g = &ctx->gss;
    char client[2 * KRB_STR_MAX + 2], server[2 * KRB_STR_MAX + 2];

    switch (attr) {
    case SHIM_ATTR_NAMES: {
        char user[KRB_STR_MAX];
        krb_principal_text(&g->cname, user, sizeof(user));
        snprintf(client, sizeof(client), "%s\\%s", g->crealm, user);
        struct shim_ctx_names *n = buf;
        return (n->sUserName = krb_caller_wstr(client)) ? SHIM_OK : SHIM_E_INSUFFICIENT_MEMORY;
    }
    case SHIM_ATTR_NATIVE_NAMES: {
        struct shim_ctx_native_names *n = buf;
        krb_principal_full(&g->cname, g->crealm, client, sizeof(client));
        krb_principal_full(&g->sname, g->srealm, server, sizeof(server));
        return two_names(client, server, &n->sClientName, &n->sServerName);
    }
    case SHIM_ATTR_SESSION_KEY: {
        struct shim_ctx_session_key *k = buf;
        const struct krb_key *key = message_key(g);
        uint8_t *copy = sys_caller_alloc(key->len);
        if (!copy)
            return SHIM_E_INSUFFICIENT_MEMORY;
        memcpy(copy, key->bytes, key->len);
        k->SessionKey = copy;
        k->SessionKeyLength = (uint32_t)key->len;
        return SHIM_OK;
    }
    case SHIM_ATTR_KEY_INFO: {
        struct shim_ctx_key_info *k = buf;
        const struct krb_key *key = message_key(g);
        shim_status st = two_names(etype_name(key->etype), etype_name(key->etype), &k->sSignatureAlgorithmName,
                                   &k->sEncryptAlgorithmName);
        if (st)
            return st;
        k->KeySize = (uint32_t)key->len * 8;
        k->SignatureAlgorithm = (uint32_t)etype_checksum(key->etype);
        k->EncryptAlgorithm = (uint32_t)key->etype;
        return SHIM_OK;
    }
    case SHIM_ATTR_LIFESPAN: {
        struct shim_ctx_lifespan *l = buf;
        l->tsStart = krb_filetime(g->starttime ? g->starttime : g->authtime);
        l->tsExpiry = krb_filetime(g->endtime);
        return SHIM_OK;
    }
    case SHIM_ATTR_ACCESS_TOKEN: {
        struct shim_ctx_access_token *t = buf;
        if (!ctx->token)
            return SHIM_E_NO_IMPERSONATION;
        t->AccessToken = ctx->token;
        return SHIM_OK;
    }
    }
    return SHIM_E_UNSUPPORTED_FUNCTION;
}

static shim_status query_pkginfo(struct shim_pkginfo **out)
{
    const struct shim_package *pkg = kerberos_package();

    return registry_make_pkginfo(&pkg, 1, out);
}

static shim_status query_locked(struct krb_ctx *ctx, uint32_t attr, void *buf)
{
    switch (attr) {
    case SHIM_ATTR_SIZES: {
        struct shim_ctx_sizes *s = buf;
        struct krb_gss_sizes z = { 28, 60, 1 };   /* AES-SHA1's, until a key says otherwise */
        if (ctx->state == KRB_PKG_ESTABLISHED && krb_gss_sizes(&ctx->gss, &z) != KRB_OK)
            return SHIM_E_UNSUPPORTED_FUNCTION;
        s->cbMaxToken = KERBEROS_PKG_MAX_TOKEN;
        s->cbMaxSignature = (uint32_t)z.max_signature;
        s->cbBlockSize = (uint32_t)z.block_size;
        s->cbSecurityTrailer = (uint32_t)z.security_trailer;
        return SHIM_OK;
    }
    case SHIM_ATTR_FLAGS:
        ((struct shim_ctx_flags *)buf)->Flags = ctx->attrs;
        return SHIM_OK;
    case SHIM_ATTR_PACKAGE_INFO:
        return query_pkginfo(&((struct shim_ctx_package_info *)buf)->PackageInfo);
    case SHIM_ATTR_NEGOTIATION_INFO: {
        struct shim_ctx_negotiation_info *n = buf;
        shim_status st = query_pkginfo(&n->PackageInfo);
        if (!st)
            n->NegotiationState = ctx->state == KRB_PKG_ESTABLISHED ? SHIM_NEGOTIATION_COMPLETE
                                                                    : SHIM_NEGOTIATION_IN_PROGRESS;
        return st;
    }
    case SHIM_ATTR_NAMES:
    case SHIM_ATTR_NATIVE_NAMES:
    case SHIM_ATTR_SESSION_KEY:
    case SHIM_ATTR_KEY_INFO:
    case SHIM_ATTR_LIFESPAN:
    case SHIM_ATTR_ACCESS_TOKEN:
        if (ctx->state != KRB_PKG_ESTABLISHED)
            return SHIM_E_INVALID_HANDLE;
        return query_session(ctx, attr, buf);
    }
    return SHIM_E_UNSUPPORTED_FUNCTION;
}

shim_status krb_query_context_attributes(shim_ctx *obj, uint32_t attr, void *buf)
{
    struct krb_ctx *ctx = krb_ctx_from(obj);
    shim_status st;

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    if (!buf)
        return SHIM_E_INVALID_PARAMETER;
    sys_mutex_lock(&ctx->lock);
    st = query_locked(ctx, attr, buf);
    sys_mutex_unlock(&ctx->lock);
    return st;
}

/* ---- the client's token ----------------------------------------------------------- */

static sys_token ctx_token(struct krb_ctx *ctx)
{
    sys_token t;

    sys_mutex_lock(&ctx->lock);
    t = ctx->state == KRB_PKG_ESTABLISHED ? ctx->token : NULL;
    sys_mutex_unlock(&ctx->lock);
    return t;
}

shim_status krb_impersonate(shim_ctx *obj)
{
    struct krb_ctx *ctx = krb_ctx_from(obj);

    return ctx ? ctx_token_impersonate(ctx_token(ctx)) : SHIM_E_INVALID_HANDLE;
}

shim_status krb_revert(shim_ctx *obj)
{
    struct krb_ctx *ctx = krb_ctx_from(obj);

    return ctx ? ctx_token_revert(ctx->server) : SHIM_E_INVALID_HANDLE;
}

shim_status krb_query_token(shim_ctx *obj, void **token)
{
    struct krb_ctx *ctx = krb_ctx_from(obj);

    return ctx ? ctx_token_for_caller(ctx_token(ctx), token) : SHIM_E_INVALID_HANDLE;
}
