/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate context object: its lifetime, its token buffers, and every
 * call that is NTLM's once the handshake is done.
 *
 * Choices where Windows leaves room:
 * - Token buffers follow NTLM's rules (core/ntlm/context.c): the first
 *   SECBUFFER_TOKEN of each description; a missing output buffer or one too
 *   small is SEC_E_BUFFER_TOO_SMALL, a NULL pvBuffer SEC_E_INTERNAL_ERROR,
 *   ISC/ASC_REQ_ALLOCATE_MEMORY allocates.  Unlike NTLM's, a later step
 *   that fails for want of room spends the context: the mechanism has
 *   already moved on by the time its token is wrapped.
 * - Messages (MakeSignature, VerifySignature, EncryptMessage,
 *   DecryptMessage) are NTLM's, on an established Negotiate context only;
 *   before that, SEC_E_INVALID_HANDLE, as NTLM answers.
 * - Attributes: SIZES is NTLM's with cbMaxToken 48256 (Negotiate's);
 *   FLAGS the ISC/ASC_RET_* the handshake gave; PACKAGE_INFO names
 *   Negotiate, the package of the handle; NEGOTIATION_INFO names the
 *   mechanism chosen, NTLM, with NegotiationState COMPLETE once established
 *   and IN_PROGRESS before (it is NTLM from the first call on, the only
 *   mechanism offered).  Every other attribute is the NTLM context's, with
 *   NTLM's answers, except that the attributes that describe the session
 *   (NAMES, NATIVE_NAMES, SESSION_KEY, KEY_INFO, ACCESS_TOKEN, LIFESPAN) are
 *   SEC_E_INVALID_HANDLE until the Negotiate context is established, and
 *   for good once its handshake failed: after the NTLM exchange but before
 *   (or without) a verified mechListMIC the session is not authenticated,
 *   on either side.
 * - Tokens and impersonation are the NTLM context's (a server's, once
 *   the Negotiate context is established); SEC_E_NO_IMPERSONATION before,
 *   and after a failed handshake. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/token_buffer.h"

#include "negotiate_pkg.h"

/* Room for any NTLM message: its own builders stop at 64 KiB. */
#define NTLM_MESSAGE_LIMIT 0x10000

static void ctx_destroy(struct shim_object *obj)
{
    struct nego_ctx *ctx = (struct nego_ctx *)obj;

    if (ctx->inner) {
        ctx->inner->pkg->ops->delete_context(ctx->inner);
        shim_object_put(ctx->inner);
    }
    shim_object_put(ctx->ntlm_cred);
    free(ctx->mech_types);
    free(ctx->late_mechs);
    crypto_wipe(ctx, sizeof(*ctx));
    free(ctx);
}

struct nego_ctx *nego_ctx_new(const struct shim_package *pkg, bool server)
{
    struct nego_ctx *ctx = calloc(1, sizeof(*ctx));

    if (!ctx)
        return NULL;
    shim_object_init(&ctx->hdr, SHIM_KIND_CTXT, pkg, ctx_destroy);
    sys_mutex_init(&ctx->lock);
    ctx->server = server;
    ctx->state = server ? NEGO_SERVER_WAIT_TOKEN : NEGO_CLIENT_INIT_SENT;
    return ctx;
}

struct nego_ctx *nego_ctx_from(shim_ctx *obj)
{
    if (!obj || obj->kind != SHIM_KIND_CTXT || obj->pkg != negotiate_package())
        return NULL;
    return (struct nego_ctx *)obj;
}

int nego_ctx_keep_mech_types(struct nego_ctx *ctx, struct bytes_span der)
{
    uint8_t *p = malloc(der.len ? der.len : 1);

    if (!p)
        return -1;
    if (der.len)
        memcpy(p, der.p, der.len);
    free(ctx->mech_types);
    ctx->mech_types = p;
    ctx->mech_types_len = der.len;
    return 0;
}

static void drop_handshake(struct nego_ctx *ctx)
{
    free(ctx->mech_types);
    ctx->mech_types = NULL;
    ctx->mech_types_len = 0;
    shim_object_put(ctx->ntlm_cred);
    ctx->ntlm_cred = NULL;
}

void nego_ctx_establish(struct nego_ctx *ctx)
{
    drop_handshake(ctx);
    ctx->state = NEGO_ESTABLISHED;
}

void nego_ctx_fail(struct nego_ctx *ctx)
{
    drop_handshake(ctx);
    ctx->state = NEGO_FAILED;
}

uint32_t nego_inner_req(uint32_t req, bool server)
{
    req &= ~(server ? SHIM_ASC_REQ_ALLOCATE_MEMORY : SHIM_ISC_REQ_ALLOCATE_MEMORY);
    if (!server)
        req |= SHIM_ISC_REQ_INTEGRITY;
    return req;
}

uint32_t nego_outer_attrs(uint32_t req, uint32_t inner_attrs)
{
    /* ISC and ASC share the ALLOCATE_MEMORY / ALLOCATED_MEMORY bit. */
    return inner_attrs | (req & SHIM_ISC_REQ_ALLOCATE_MEMORY);
}

/* ---- the mechanism ------------------------------------------------------------- */

shim_status nego_mech_step(struct nego_ctx *ctx, const struct shim_package *mech, shim_cred *cred,
                           const shim_wchar *target, uint32_t req, uint32_t datarep, const struct bytes_span *in,
                           struct bytes_writer *out, uint32_t *attrs, int64_t *expiry)
{
    uint8_t *scratch = malloc(NTLM_MESSAGE_LIMIT);
    struct shim_buffer ib = { 0, SHIM_BUFFER_TOKEN, NULL }, ob = { NTLM_MESSAGE_LIMIT, SHIM_BUFFER_TOKEN, scratch };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c = { .cred = ctx->inner ? NULL : cred, .ctx = ctx->inner, .target = target,
                               .req = req, .datarep = datarep, .input = in ? &id : NULL, .output = &od };
    shim_status st;

    if (!scratch)
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (in) {
        if (in->len > UINT32_MAX) {
            free(scratch);
            return SHIM_E_INVALID_TOKEN;
        }
        ib.cb = (uint32_t)in->len;
        ib.pv = (void *)in->p;
    }
    st = ctx->server ? mech->ops->accept_context(&c) : mech->ops->initialize_context(&c);
    if (st >= 0) {
        if (c.new_ctx)
            ctx->inner = c.new_ctx;
        if (ob.cb && bytes_put(out, scratch, ob.cb))
            st = SHIM_E_INSUFFICIENT_MEMORY;
        *attrs = c.attrs;
        *expiry = c.expiry;
    }
    crypto_wipe(scratch, NTLM_MESSAGE_LIMIT);
    free(scratch);
    return st;
}

/* ---- calls on the context -------------------------------------------------------- */

/* The NTLM context, with a reference, when the Negotiate context is in a
 * state that allows it (established, or any state with `any`). */
static shim_ctx *inner_of(shim_ctx *obj, bool any, shim_status *st)
{
    struct nego_ctx *ctx = nego_ctx_from(obj);
    shim_ctx *inner = NULL;

    *st = SHIM_OK;
    if (!ctx) {
        *st = SHIM_E_INVALID_HANDLE;
        return NULL;
    }
    sys_mutex_lock(&ctx->lock);
    if (ctx->inner && (any || ctx->state == NEGO_ESTABLISHED)) {
        inner = ctx->inner;
        shim_object_ref(inner);
    }
    sys_mutex_unlock(&ctx->lock);
    return inner;
}

/* Nothing to release early: the object goes with its last reference. */
shim_status nego_delete_context(shim_ctx *obj)
{
    return nego_ctx_from(obj) ? SHIM_OK : SHIM_E_INVALID_HANDLE;
}

/* Neither SPNEGO nor NTLM asks for CompleteAuthToken; calling it is harmless. */
shim_status nego_complete_auth_token(shim_ctx *obj, struct shim_buffer_desc *token)
{
    (void)token;
    return nego_ctx_from(obj) ? SHIM_OK : SHIM_E_INVALID_HANDLE;
}

static shim_status pkginfo(const struct shim_package *pkg, struct shim_pkginfo **out)
{
    return registry_make_pkginfo(&pkg, 1, out);
}

shim_status nego_query_context_attributes(shim_ctx *obj, uint32_t attr, void *buf)
{
    struct nego_ctx *ctx = nego_ctx_from(obj);
    shim_ctx *inner;
    shim_status st;
    bool done;

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    if (!buf)
        return SHIM_E_INVALID_PARAMETER;
    sys_mutex_lock(&ctx->lock);
    done = ctx->state == NEGO_ESTABLISHED;
    switch (attr) {
    case SHIM_ATTR_FLAGS:
        ((struct shim_ctx_flags *)buf)->Flags = ctx->attrs;
        sys_mutex_unlock(&ctx->lock);
        return SHIM_OK;
    case SHIM_ATTR_SIZES: {
        struct shim_ctx_sizes *s = buf;
        /* Once a mechanism is chosen and done, Windows answers with its
         * sizes (Wine's negotiate test checks NTLM's 2888). */
        if (done && ctx->inner) {
            shim_ctx *inner = ctx->inner;
            shim_object_ref(inner);
            sys_mutex_unlock(&ctx->lock);
            st = inner->pkg->ops->query_context_attributes(inner, attr, buf);
            shim_object_put(inner);
            return st;
        }
        s->cbMaxToken = NEGOTIATE_PKG_MAX_TOKEN;
        s->cbMaxSignature = 16;
        s->cbBlockSize = 0;
        s->cbSecurityTrailer = 16;
        sys_mutex_unlock(&ctx->lock);
        return SHIM_OK;
    }
    }
    sys_mutex_unlock(&ctx->lock);

    switch (attr) {
    case SHIM_ATTR_PACKAGE_INFO:
        return pkginfo(negotiate_package(), &((struct shim_ctx_package_info *)buf)->PackageInfo);
    case SHIM_ATTR_NEGOTIATION_INFO: {
        struct shim_ctx_negotiation_info *n = buf;
        sys_mutex_lock(&ctx->lock);
        const struct shim_package *chosen = ctx->inner ? ctx->inner->pkg : ntlm_package();
        sys_mutex_unlock(&ctx->lock);
        if ((st = pkginfo(chosen, &n->PackageInfo)) == SHIM_OK)
            n->NegotiationState = done ? SHIM_NEGOTIATION_COMPLETE : SHIM_NEGOTIATION_IN_PROGRESS;
        return st;
    }
    }
    switch (attr) {
    case SHIM_ATTR_NAMES:
    case SHIM_ATTR_NATIVE_NAMES:
    case SHIM_ATTR_SESSION_KEY:
    case SHIM_ATTR_KEY_INFO:
    case SHIM_ATTR_ACCESS_TOKEN:
    case SHIM_ATTR_LIFESPAN:
        /* The session is Negotiate's only once Negotiate is established:
         * NTLM may be done while the mechListMIC is still to come, or has
         * failed to verify, and then its names, key and token are not an
         * authenticated session's. */
        if (!(inner = inner_of(obj, false, &st))) {
            WARN("attribute %u on a context that is not established\n", attr);
            return st ? st : SHIM_E_INVALID_HANDLE;
        }
        break;
    default:
        if (!(inner = inner_of(obj, true, &st)))
            return st ? st : SHIM_E_UNSUPPORTED_FUNCTION;
    }
    st = inner->pkg->ops->query_context_attributes(inner, attr, buf);
    shim_object_put(inner);
    return st;
}

shim_status nego_impersonate(shim_ctx *obj)
{
    shim_status st;
    shim_ctx *inner = inner_of(obj, false, &st);

    if (!inner)
        return st ? st : SHIM_E_NO_IMPERSONATION;
    st = inner->pkg->ops->impersonate(inner);
    shim_object_put(inner);
    return st;
}

shim_status nego_revert(shim_ctx *obj)
{
    shim_status st;
    shim_ctx *inner = inner_of(obj, true, &st);

    if (!inner)
        return st ? st : SHIM_E_NO_IMPERSONATION;
    st = inner->pkg->ops->revert(inner);
    shim_object_put(inner);
    return st;
}

shim_status nego_query_token(shim_ctx *obj, void **token)
{
    shim_status st;
    shim_ctx *inner = inner_of(obj, false, &st);

    if (!inner)
        return st ? st : SHIM_E_NO_IMPERSONATION;
    st = inner->pkg->ops->query_token(inner, token);
    shim_object_put(inner);
    return st;
}

/* Messages need an established Negotiate context: before the final MIC
 * exchange the cipher states are not yet those of the session. */
static shim_ctx *established_inner(shim_ctx *obj, shim_status *st)
{
    shim_ctx *inner = inner_of(obj, false, st);

    if (!inner && !*st) {
        WARN("context is not established\n");
        *st = SHIM_E_INVALID_HANDLE;
    }
    return inner;
}

shim_status nego_make_signature(shim_ctx *obj, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq)
{
    shim_status st;
    shim_ctx *inner = established_inner(obj, &st);

    if (!inner)
        return st;
    st = inner->pkg->ops->make_signature(inner, qop, msg, seq);
    shim_object_put(inner);
    return st;
}

shim_status nego_verify_signature(shim_ctx *obj, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop)
{
    shim_status st;
    shim_ctx *inner = established_inner(obj, &st);

    if (!inner)
        return st;
    st = inner->pkg->ops->verify_signature(inner, msg, seq, qop);
    shim_object_put(inner);
    return st;
}

shim_status nego_encrypt(shim_ctx *obj, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq)
{
    shim_status st;
    shim_ctx *inner = established_inner(obj, &st);

    if (!inner)
        return st;
    st = inner->pkg->ops->encrypt(inner, qop, msg, seq);
    shim_object_put(inner);
    return st;
}

shim_status nego_decrypt(shim_ctx *obj, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop)
{
    shim_status st;
    shim_ctx *inner = established_inner(obj, &st);

    if (!inner)
        return st;
    st = inner->pkg->ops->decrypt(inner, msg, seq, qop);
    shim_object_put(inner);
    return st;
}
