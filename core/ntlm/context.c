/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM context object: its lifetime, its token buffers, its attributes
 * and the impersonation calls.
 *
 * Choices where Windows leaves room:
 * - Output token: the first SECBUFFER_TOKEN of the output description.
 *   None (or no description) is SEC_E_BUFFER_TOO_SMALL, a buffer smaller
 *   than the message is SEC_E_BUFFER_TOO_SMALL with cbBuffer left alone, a
 *   NULL pvBuffer is SEC_E_INTERNAL_ERROR: what Windows answers in Wine's
 *   NTLM tests (the old NTLMSSP headers' SEC_E_INSUFFICIENT_MEMORY alias for
 *   BUFFER_TOO_SMALL is long gone).  With ISC/ASC_REQ_ALLOCATE_MEMORY the
 *   token comes from sys_caller_alloc instead.
 * - Input token: the first SECBUFFER_TOKEN; none, or an empty one, is
 *   SEC_E_INVALID_TOKEN.
 * - A context that is not established yet (or whose handshake failed) has
 *   no keys: message calls, and the attributes that describe the session
 *   (NAMES, NATIVE_NAMES, SESSION_KEY, KEY_INFO, ACCESS_TOKEN, LIFESPAN),
 *   answer SEC_E_INVALID_HANDLE, as Windows does, where such calls look for
 *   a user-mode context that only exists once the handshake is complete.
 *   SIZES, FLAGS, PACKAGE_INFO and NEGOTIATION_INFO (IN_PROGRESS) work
 *   throughout.  Unknown attributes: SEC_E_UNSUPPORTED_FUNCTION.
 * - SIZES: cbMaxToken 2888, cbMaxSignature 16, cbBlockSize 0,
 *   cbSecurityTrailer 16 (Windows' values).  KEY_INFO: "HMAC-MD5" (0xffffff76),
 *   or without extended session security "RSADSI RC4-CRC32" (0xffffff7c),
 *   as Windows and Wine's NTLM tests have it; "RSADSI RC4" (CALG_RC4), 128
 *   bits.  NAMES: the client, "DOMAIN\user",
 *   on both sides.  LIFESPAN: from establishment to "never".
 * - Tokens: only an established server context has one.  QuerySecurity-
 *   ContextToken, ImpersonateSecurityContext, RevertSecurityContext and
 *   ACCESS_TOKEN on a client context, or a server context without a token,
 *   are SEC_E_NO_IMPERSONATION.  ACCESS_TOKEN lends the context's own token
 *   (the caller must not close it); QuerySecurityContextToken duplicates it
 *   for the caller. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/ctx_token.h"
#include "sspishim/debug.h"
#include "sspishim/token_buffer.h"

#include "ntlm_pkg.h"

/* ---- randomness and the clock, and their test hook ------------------------- */

static sys_mutex hook_lock;
static struct {
    bool client_challenge, session_key, server_challenge, filetime;
    uint8_t cc[NTLM_CHALLENGE_SIZE], sk[NTLM_KEY_SIZE], sc[NTLM_CHALLENGE_SIZE];
    uint64_t now;
} hook;

void ntlm_set_test_inputs(const struct ntlm_test_inputs *in)
{
    sys_mutex_lock(&hook_lock);
    crypto_wipe(&hook, sizeof(hook));
    if (in) {
        if ((hook.client_challenge = in->client_challenge != NULL))
            memcpy(hook.cc, in->client_challenge, sizeof(hook.cc));
        if ((hook.session_key = in->session_key != NULL))
            memcpy(hook.sk, in->session_key, sizeof(hook.sk));
        if ((hook.server_challenge = in->server_challenge != NULL))
            memcpy(hook.sc, in->server_challenge, sizeof(hook.sc));
        if ((hook.filetime = in->filetime != NULL))
            hook.now = *in->filetime;
    }
    sys_mutex_unlock(&hook_lock);
}

int ntlm_random(enum ntlm_random what, uint8_t *out, size_t len)
{
    const uint8_t *fixed = NULL;
    size_t fixed_len = 0;
    bool hooked;

    sys_mutex_lock(&hook_lock);
    switch (what) {
    case NTLM_RANDOM_CLIENT_CHALLENGE:
        if (hook.client_challenge) { fixed = hook.cc; fixed_len = sizeof(hook.cc); }
        break;
    case NTLM_RANDOM_SESSION_KEY:
        if (hook.session_key) { fixed = hook.sk; fixed_len = sizeof(hook.sk); }
        break;
    case NTLM_RANDOM_SERVER_CHALLENGE:
        if (hook.server_challenge) { fixed = hook.sc; fixed_len = sizeof(hook.sc); }
        break;
    }
    if ((hooked = fixed && fixed_len == len))
        memcpy(out, fixed, len);
    sys_mutex_unlock(&hook_lock);
    /* The system RNG is a system call: not under a lock every handshake of
     * every thread takes. */
    return hooked ? 0 : sys_random(out, len);
}

uint64_t ntlm_now(void)
{
    uint64_t now;

    sys_mutex_lock(&hook_lock);
    now = hook.filetime ? hook.now : sys_filetime_now();
    sys_mutex_unlock(&hook_lock);
    return now;
}

/* ---- the object ------------------------------------------------------------- */

static void blob_clear(struct ntlm_blob *b)
{
    if (b->p) {
        crypto_wipe(b->p, b->len);
        free(b->p);
    }
    b->p = NULL;
    b->len = 0;
}

int ntlm_ctx_keep(struct ntlm_blob *slot, struct bytes_span msg)
{
    uint8_t *p = malloc(msg.len ? msg.len : 1);

    if (!p)
        return -1;
    if (msg.len)
        memcpy(p, msg.p, msg.len);
    blob_clear(slot);
    slot->p = p;
    slot->len = msg.len;
    return 0;
}

/* Frees and wipes what only the handshake needed (ctx->hs becomes NULL). */
static void drop_handshake(struct ntlm_ctx *ctx)
{
    if (!ctx->hs)
        return;
    blob_clear(&ctx->hs->negotiate);
    blob_clear(&ctx->hs->challenge);
    crypto_wipe(ctx->hs, sizeof(*ctx->hs));
    free(ctx->hs);
    ctx->hs = NULL;
}

static void ctx_destroy(struct shim_object *obj)
{
    struct ntlm_ctx *ctx = (struct ntlm_ctx *)obj;

    drop_handshake(ctx);
    ntlm_name_clear(&ctx->user);
    ntlm_name_clear(&ctx->domain);
    ntlm_name_clear(&ctx->target);
    ntlm_name_clear(&ctx->server_name);
    ntlm_name_clear(&ctx->computer);
    ntlm_name_clear(&ctx->server_domain);
    if (ctx->token)
        sys_token_close(ctx->token);
    /* Keys, RC4 states and hashes all go with the wipe. */
    crypto_wipe(ctx, sizeof(*ctx));
    free(ctx);
}

struct ntlm_ctx *ntlm_ctx_new(const struct shim_package *pkg, bool server, bool handshake)
{
    struct ntlm_ctx *ctx = calloc(1, sizeof(*ctx));

    if (!ctx)
        return NULL;
    if (handshake && !(ctx->hs = calloc(1, sizeof(*ctx->hs)))) {
        free(ctx);
        return NULL;
    }
    shim_object_init(&ctx->hdr, SHIM_KIND_CTXT, pkg, ctx_destroy);
    sys_mutex_init(&ctx->lock);
    ctx->server = server;
    ctx->state = server ? NTLM_CHALLENGE_SENT : NTLM_NEGOTIATE_SENT;
    return ctx;
}

struct ntlm_ctx *ntlm_ctx_from(shim_ctx *obj)
{
    if (!obj || obj->kind != SHIM_KIND_CTXT || obj->pkg != ntlm_package())
        return NULL;
    return (struct ntlm_ctx *)obj;
}

enum ntlm_key_strength ntlm_ctx_key_strength(uint32_t flags)
{
    /* Datagram counts only from NTLM revision W2K3 on, which is ours. */
    if (!(flags & (NTLM_NEGOTIATE_LM_KEY | NTLM_NEGOTIATE_DATAGRAM)))
        return NTLM_KEY_FULL;
    return (flags & NTLM_NEGOTIATE_56) ? NTLM_KEY_56 : NTLM_KEY_40;
}

void ntlm_ctx_establish(struct ntlm_ctx *ctx, const uint8_t session_key[NTLM_KEY_SIZE])
{
    bool key_exch = (ctx->flags & NTLM_NEGOTIATE_KEY_EXCH) != 0;

    memcpy(ctx->session_key, session_key, NTLM_KEY_SIZE);
    if (ctx->flags & NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
        ntlm_seal_dir_init(&ctx->send, session_key,
                           ctx->server ? NTLM_SERVER_TO_CLIENT : NTLM_CLIENT_TO_SERVER, key_exch);
        ntlm_seal_dir_init(&ctx->recv, session_key,
                           ctx->server ? NTLM_CLIENT_TO_SERVER : NTLM_SERVER_TO_CLIENT, key_exch);
    } else {
        /* Both ends key the one handle the same way, whatever their role. */
        ntlm_seal_dir_init_shared(&ctx->send, session_key, ntlm_ctx_key_strength(ctx->flags));
        ntlm_seal_dir_wipe(&ctx->recv);
    }
    ctx->send_seq = ctx->recv_seq = 0;
    ctx->established = (int64_t)ntlm_now();
    drop_handshake(ctx);
    ctx->state = NTLM_ESTABLISHED;
}

void ntlm_ctx_fail(struct ntlm_ctx *ctx)
{
    drop_handshake(ctx);
    ctx->state = NTLM_FAILED;
}

/* ---- calls on the context ---------------------------------------------------- */

/* Nothing to release early: the object goes with its last reference. */
shim_status ntlm_delete_context(shim_ctx *obj)
{
    return ntlm_ctx_from(obj) ? SHIM_OK : SHIM_E_INVALID_HANDLE;
}

/* NTLM never asks for CompleteAuthToken; calling it anyway is harmless. */
shim_status ntlm_complete_auth_token(shim_ctx *obj, struct shim_buffer_desc *token)
{
    (void)token;
    return ntlm_ctx_from(obj) ? SHIM_OK : SHIM_E_INVALID_HANDLE;
}

static const shim_wchar hmac_md5_w[] = { 'H', 'M', 'A', 'C', '-', 'M', 'D', '5', 0 };
static const shim_wchar rsadsi_rc4_w[] = { 'R', 'S', 'A', 'D', 'S', 'I', ' ', 'R', 'C', '4', 0 };

static const shim_wchar rc4_crc32_w[] = { 'R', 'S', 'A', 'D', 'S', 'I', ' ', 'R', 'C', '4', '-', 'C', 'R', 'C', '3', '2', 0 };

#define NTLM_SIGNATURE_ALG_HMAC_MD5  0xffffff76u
#define NTLM_SIGNATURE_ALG_RC4_CRC32 0xffffff7cu

static shim_status query_pkginfo(struct shim_pkginfo **out)
{
    const struct shim_package *pkg = ntlm_package();

    return registry_make_pkginfo(&pkg, 1, out);
}

/* Attributes of the established session; the context lock is held. */
static shim_status query_session(struct ntlm_ctx *ctx, uint32_t attr, void *buf)
{
    switch (attr) {
    case SHIM_ATTR_NAMES: {
        struct shim_ctx_names *n = buf;
        return (n->sUserName = ntlm_join_caller(&ctx->domain, &ctx->user)) ? SHIM_OK
                                                                           : SHIM_E_INSUFFICIENT_MEMORY;
    }
    case SHIM_ATTR_NATIVE_NAMES: {
        struct shim_ctx_native_names *n = buf;
        shim_wchar *client = ntlm_join_caller(&ctx->domain, &ctx->user);
        shim_wchar *server = ntlm_wstr_caller(ctx->server_name.s, ctx->server_name.len);
        if (!client || !server) {
            sys_caller_free(client);
            sys_caller_free(server);
            return SHIM_E_INSUFFICIENT_MEMORY;
        }
        n->sClientName = client;
        n->sServerName = server;
        return SHIM_OK;
    }
    case SHIM_ATTR_SESSION_KEY: {
        struct shim_ctx_session_key *k = buf;
        uint8_t *key = sys_caller_alloc(NTLM_KEY_SIZE);
        if (!key)
            return SHIM_E_INSUFFICIENT_MEMORY;
        memcpy(key, ctx->session_key, NTLM_KEY_SIZE);
        k->SessionKey = key;
        k->SessionKeyLength = NTLM_KEY_SIZE;
        return SHIM_OK;
    }
    case SHIM_ATTR_KEY_INFO: {
        struct shim_ctx_key_info *k = buf;
        bool crc = ntlm_ctx_shared(ctx);
        const shim_wchar *sig_name = crc ? rc4_crc32_w : hmac_md5_w;
        shim_wchar *sig = ntlm_wstr_caller(sig_name, wstr_len(sig_name));
        shim_wchar *enc = ntlm_wstr_caller(rsadsi_rc4_w, wstr_len(rsadsi_rc4_w));
        if (!sig || !enc) {
            sys_caller_free(sig);
            sys_caller_free(enc);
            return SHIM_E_INSUFFICIENT_MEMORY;
        }
        k->sSignatureAlgorithmName = sig;
        k->sEncryptAlgorithmName = enc;
        k->KeySize = NTLM_KEY_SIZE * 8;
        k->SignatureAlgorithm = crc ? NTLM_SIGNATURE_ALG_RC4_CRC32 : NTLM_SIGNATURE_ALG_HMAC_MD5;
        k->EncryptAlgorithm = SHIM_CALG_RC4;
        return SHIM_OK;
    }
    case SHIM_ATTR_ACCESS_TOKEN: {
        struct shim_ctx_access_token *t = buf;
        if (!ctx->token)
            return SHIM_E_NO_IMPERSONATION;
        t->AccessToken = ctx->token;
        return SHIM_OK;
    }
    case SHIM_ATTR_LIFESPAN: {
        struct shim_ctx_lifespan *l = buf;
        l->tsStart = ctx->established;
        l->tsExpiry = SHIM_TIME_NEVER;
        return SHIM_OK;
    }
    }
    return SHIM_E_UNSUPPORTED_FUNCTION;
}

static shim_status query_locked(struct ntlm_ctx *ctx, uint32_t attr, void *buf)
{
    switch (attr) {
    case SHIM_ATTR_SIZES: {
        struct shim_ctx_sizes *s = buf;
        s->cbMaxToken = NTLM_PKG_MAX_TOKEN;
        s->cbMaxSignature = NTLM_SIGNATURE_SIZE;
        s->cbBlockSize = 0;
        s->cbSecurityTrailer = NTLM_SIGNATURE_SIZE;
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
            n->NegotiationState = ctx->state == NTLM_ESTABLISHED ? SHIM_NEGOTIATION_COMPLETE
                                                                 : SHIM_NEGOTIATION_IN_PROGRESS;
        return st;
    }
    case SHIM_ATTR_NAMES:
    case SHIM_ATTR_NATIVE_NAMES:
    case SHIM_ATTR_SESSION_KEY:
    case SHIM_ATTR_KEY_INFO:
    case SHIM_ATTR_ACCESS_TOKEN:
    case SHIM_ATTR_LIFESPAN:
        if (ctx->state != NTLM_ESTABLISHED) {
            WARN("attribute %u of a context that is not established\n", attr);
            return SHIM_E_INVALID_HANDLE;
        }
        return query_session(ctx, attr, buf);
    }
    TRACE("attribute %u not supported\n", attr);
    return SHIM_E_UNSUPPORTED_FUNCTION;
}

shim_status ntlm_query_context_attributes(shim_ctx *obj, uint32_t attr, void *buf)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);
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

/* The token of an established server context, or NULL.  It lives as long
 * as the object, which the caller holds a reference to. */
static sys_token ctx_token(struct ntlm_ctx *ctx)
{
    sys_token t;

    sys_mutex_lock(&ctx->lock);
    t = ctx->state == NTLM_ESTABLISHED ? ctx->token : NULL;
    sys_mutex_unlock(&ctx->lock);
    return t;
}

shim_status ntlm_impersonate(shim_ctx *obj)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);

    return ctx ? ctx_token_impersonate(ctx_token(ctx)) : SHIM_E_INVALID_HANDLE;
}

shim_status ntlm_revert(shim_ctx *obj)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);

    return ctx ? ctx_token_revert(ctx->server) : SHIM_E_INVALID_HANDLE;
}

shim_status ntlm_query_token(shim_ctx *obj, void **token)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);

    return ctx ? ctx_token_for_caller(ctx_token(ctx), token) : SHIM_E_INVALID_HANDLE;
}
