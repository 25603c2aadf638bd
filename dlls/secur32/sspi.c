/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SSPI entry points (W and handle-only ones): trace the arguments,
 * validate every handle through the handle table, dispatch to the package
 * that owns it, trace the result. */
#include "secur32_private.h"

#define RETURN(st) do { SECURITY_STATUS r_ = (st); TRACE("-> %08lx\n", (unsigned long)r_); return r_; } while (0)

struct shim_object *cred_get(PCredHandle h)
{
    struct shim_object *o = handles_get(SHIM_H(h), SHIM_KIND_CRED);
    if (!o) WARN("bad credential handle %s\n", dbg_handle(SHIM_H(h)));
    return o;
}

struct shim_object *ctx_get(PCtxtHandle h)
{
    struct shim_object *o = handles_get(SHIM_H(h), SHIM_KIND_CTXT);
    if (!o) WARN("bad context handle %s\n", dbg_handle(SHIM_H(h)));
    return o;
}

#define OPS(obj) ((obj)->pkg->ops)

SECURITY_STATUS ctx_release(struct shim_object *ctx)
{
    return shim_object_retire(ctx, OPS(ctx)->delete_context);
}

SECURITY_STATUS ctx_insert(struct shim_object *ctx, PCtxtHandle h)
{
    SECURITY_STATUS st = handles_insert(ctx, (struct shim_handle *)h);
    if (st != SEC_E_OK) {
        ctx_release(ctx);
        return st;
    }
    TRACE("new context %s\n", dbg_handle(SHIM_H(h)));
    return SEC_E_OK;
}

/* ---- credentials ---------------------------------------------------- */

SECURITY_STATUS WINAPI AcquireCredentialsHandleW(SEC_WCHAR *principal, SEC_WCHAR *package, ULONG use,
                                                 void *logon_id, void *auth, SEC_GET_KEY_FN get_key,
                                                 void *get_key_arg, PCredHandle cred, PTimeStamp expiry)
{
    TRACE("(%s, %s, %#lx, %p, %p, %p, %p, %p, %p)\n", dbg_wstr(WSTR(principal)), dbg_wstr(WSTR(package)),
          (unsigned long)use, logon_id, auth, (void *)get_key, get_key_arg, (void *)cred, (void *)expiry);
    if (!package) RETURN(SEC_E_SECPKG_NOT_FOUND);
    const struct shim_package *pkg = registry_find(WSTR(package));
    if (!pkg) RETURN(SEC_E_SECPKG_NOT_FOUND);
    if (!pkg->ops->acquire_credentials) RETURN(SEC_E_UNSUPPORTED_FUNCTION);
    shim_cred *obj = NULL;
    int64_t exp = 0;
    SECURITY_STATUS st = pkg->ops->acquire_credentials(pkg, WSTR(principal), use, logon_id, auth,
                                                       (void *)get_key, get_key_arg, &obj, &exp);
    /* The package judges its arguments first (Windows' Schannel refuses a
     * bad SCHANNEL_CRED before it looks at phCredential); only a credential
     * with nowhere to go is refused for the handle. */
    if (st != SEC_E_OK) RETURN(st);
    st = cred ? handles_insert(obj, (struct shim_handle *)cred) : SEC_E_INVALID_HANDLE;
    if (st != SEC_E_OK) {
        shim_object_retire(obj, pkg->ops->free_credentials);   /* ours alone: freed now */
        RETURN(st);
    }
    if (expiry) expiry->QuadPart = exp;
    TRACE("new credential %s\n", dbg_handle(SHIM_H(cred)));
    RETURN(st);
}

SECURITY_STATUS WINAPI FreeCredentialsHandle(PCredHandle cred)
{
    TRACE("(%s)\n", dbg_handle(SHIM_H(cred)));
    struct shim_object *obj;
    SECURITY_STATUS st = handles_remove(SHIM_H(cred), SHIM_KIND_CRED, &obj);
    if (st != SEC_E_OK) {
        WARN("bad credential handle %s\n", dbg_handle(SHIM_H(cred)));
        RETURN(st);
    }
    /* The package frees it when no call on it is running any more. */
    RETURN(shim_object_retire(obj, OPS(obj)->free_credentials));
}

SECURITY_STATUS WINAPI QueryCredentialsAttributesW(PCredHandle cred, ULONG attr, void *buf)
{
    TRACE("(%s, %lu, %p)\n", dbg_handle(SHIM_H(cred)), (unsigned long)attr, buf);
    struct shim_object *obj = cred_get(cred);
    if (!obj) RETURN(SEC_E_INVALID_HANDLE);
    /* A NULL buffer is the package's to refuse: Wine's builtin answers it
     * without crashing (Schannel: SEC_E_INTERNAL_ERROR, as Windows), so its
     * packages get it; sspishim's own and third-party ones do not. */
    BOOL null_ok = (obj->pkg->flags & SHIM_PKG_DELEGATED) != 0;
    SECURITY_STATUS st = !buf && !null_ok ? SEC_E_INVALID_PARAMETER
                       : OPS(obj)->query_credentials_attributes ? OPS(obj)->query_credentials_attributes(obj, attr, buf)
                       : SEC_E_UNSUPPORTED_FUNCTION;
    shim_object_put(obj);
    RETURN(st);
}

SECURITY_STATUS WINAPI secur32_SetCredentialsAttributesW(PCredHandle cred, ULONG attr, void *buf, ULONG size)
{
    TRACE("(%s, %lu, %p, %lu)\n", dbg_handle(SHIM_H(cred)), (unsigned long)attr, buf, (unsigned long)size);
    struct shim_object *obj = cred_get(cred);
    if (!obj) RETURN(SEC_E_INVALID_HANDLE);
    SECURITY_STATUS st = OPS(obj)->set_credentials_attributes
                       ? OPS(obj)->set_credentials_attributes(obj, attr, buf, size)
                       : SEC_E_UNSUPPORTED_FUNCTION;
    shim_object_put(obj);
    RETURN(st);
}

SECURITY_STATUS WINAPI AddCredentialsW(PCredHandle cred, SEC_WCHAR *principal, SEC_WCHAR *package, ULONG use,
                                       void *auth, SEC_GET_KEY_FN get_key, void *get_key_arg, PTimeStamp expiry)
{
    TRACE("(%s, %s, %s, %#lx, %p, %p, %p, %p)\n", dbg_handle(SHIM_H(cred)), dbg_wstr(WSTR(principal)),
          dbg_wstr(WSTR(package)), (unsigned long)use, auth, (void *)get_key, get_key_arg, (void *)expiry);
    struct shim_object *obj = cred_get(cred);
    if (!obj) RETURN(SEC_E_INVALID_HANDLE);
    int64_t exp = 0;
    SECURITY_STATUS st = OPS(obj)->add_credentials
                       ? OPS(obj)->add_credentials(obj, WSTR(principal), WSTR(package), use, auth,
                                                   (void *)get_key, get_key_arg, &exp)
                       : SEC_E_UNSUPPORTED_FUNCTION;
    if (st == SEC_E_OK && expiry) expiry->QuadPart = exp;
    shim_object_put(obj);
    RETURN(st);
}

/* ---- establishing contexts ------------------------------------------ */

/* Shared by InitializeSecurityContextW and AcceptSecurityContext: on a first
 * call the credential names the package; later calls name the context, and a
 * credential passed along must belong to the same package. */
static SECURITY_STATUS context_call(PCredHandle cred, PCtxtHandle ctx, PCtxtHandle new_ctx,
                                    ULONG *attrs, PTimeStamp expiry, struct shim_ctx_call *call,
                                    int initiate)
{
    SECURITY_STATUS st = SEC_E_INVALID_HANDLE;
    call->cred = NULL;
    call->ctx = NULL;
    call->new_ctx = NULL;
    if (cred && !(call->cred = cred_get(cred))) goto done;
    if (ctx && !(call->ctx = ctx_get(ctx))) goto done;
    if (!call->cred && !call->ctx) goto done;
    if (call->cred && call->ctx && call->cred->pkg != call->ctx->pkg) {
        WARN("credential and context belong to different packages\n");
        goto done;
    }
    if (!call->ctx && !new_ctx) goto done;
    const struct shim_package *pkg = call->ctx ? call->ctx->pkg : call->cred->pkg;
    shim_status (*fn)(struct shim_ctx_call *) = initiate ? pkg->ops->initialize_context
                                                         : pkg->ops->accept_context;
    if (!fn) {
        st = SEC_E_UNSUPPORTED_FUNCTION;
        goto done;
    }
    call->expiry = SHIM_EXPIRY_UNSET;
    st = fn(call);
    if (st < 0 && expiry && call->expiry != SHIM_EXPIRY_UNSET) expiry->QuadPart = call->expiry;
    if (st >= 0 && call->new_ctx) {
        SECURITY_STATUS ins = ctx_insert(call->new_ctx, new_ctx);
        if (ins != SEC_E_OK) {
            st = ins;
            goto done;
        }
    } else if (st >= 0 && call->ctx && new_ctx && new_ctx != ctx) {
        *new_ctx = *ctx;
    }
    if (st >= 0) {
        if (attrs) *attrs = call->attrs;
        if (expiry) expiry->QuadPart = call->expiry;
    }
done:
    shim_object_put(call->cred);
    shim_object_put(call->ctx);
    return st;
}

SECURITY_STATUS WINAPI InitializeSecurityContextW(PCredHandle cred, PCtxtHandle ctx, SEC_WCHAR *target,
                                                  ULONG req, ULONG reserved1, ULONG datarep,
                                                  PSecBufferDesc input, ULONG reserved2, PCtxtHandle new_ctx,
                                                  PSecBufferDesc output, ULONG *attrs, PTimeStamp expiry)
{
    TRACE("(%s, %s, %s, %#lx, %lu, %lu, %p, %lu, %p, %p, %p, %p)\n", dbg_handle(SHIM_H(cred)),
          dbg_handle(SHIM_H(ctx)), dbg_wstr(WSTR(target)), (unsigned long)req, (unsigned long)reserved1,
          (unsigned long)datarep, (void *)input, (unsigned long)reserved2, (void *)new_ctx,
          (void *)output, (void *)attrs, (void *)expiry);
    struct shim_ctx_call call = { .target = WSTR(target), .req = req, .datarep = datarep,
                                  .input = (struct shim_buffer_desc *)input,
                                  .output = (struct shim_buffer_desc *)output };
    RETURN(context_call(cred, ctx, new_ctx, attrs, expiry, &call, 1));
}

SECURITY_STATUS WINAPI AcceptSecurityContext(PCredHandle cred, PCtxtHandle ctx, PSecBufferDesc input,
                                             ULONG req, ULONG datarep, PCtxtHandle new_ctx,
                                             PSecBufferDesc output, ULONG *attrs, PTimeStamp expiry)
{
    TRACE("(%s, %s, %p, %#lx, %lu, %p, %p, %p, %p)\n", dbg_handle(SHIM_H(cred)), dbg_handle(SHIM_H(ctx)),
          (void *)input, (unsigned long)req, (unsigned long)datarep, (void *)new_ctx, (void *)output,
          (void *)attrs, (void *)expiry);
    struct shim_ctx_call call = { .req = req, .datarep = datarep,
                                  .input = (struct shim_buffer_desc *)input,
                                  .output = (struct shim_buffer_desc *)output };
    RETURN(context_call(cred, ctx, new_ctx, attrs, expiry, &call, 0));
}

SECURITY_STATUS WINAPI DeleteSecurityContext(PCtxtHandle ctx)
{
    TRACE("(%s)\n", dbg_handle(SHIM_H(ctx)));
    struct shim_object *obj;
    SECURITY_STATUS st = handles_remove(SHIM_H(ctx), SHIM_KIND_CTXT, &obj);
    if (st != SEC_E_OK) {
        WARN("bad context handle %s\n", dbg_handle(SHIM_H(ctx)));
        RETURN(st);
    }
    RETURN(ctx_release(obj));
}

/* ---- calls on an established context --------------------------------
 * Each looks the handle up, refuses a missing required argument, and calls
 * the package's slot (SEC_E_UNSUPPORTED_FUNCTION when it has none). */
#define CTX_CALL(slot, required, missing, ...)                                         \
    do {                                                                               \
        struct shim_object *obj = ctx_get(ctx);                                        \
        if (!obj) RETURN(SEC_E_INVALID_HANDLE);                                        \
        SECURITY_STATUS st = !(required)      ? (missing)                              \
                           : OPS(obj)->slot   ? OPS(obj)->slot(obj, ##__VA_ARGS__)     \
                                              : SEC_E_UNSUPPORTED_FUNCTION;            \
        shim_object_put(obj);                                                          \
        RETURN(st);                                                                    \
    } while (0)

SECURITY_STATUS WINAPI CompleteAuthToken(PCtxtHandle ctx, PSecBufferDesc token)
{
    TRACE("(%s, %p)\n", dbg_handle(SHIM_H(ctx)), (void *)token);
    CTX_CALL(complete_auth_token, token != NULL, SEC_E_INVALID_PARAMETER, (struct shim_buffer_desc *)token);
}

SECURITY_STATUS WINAPI ApplyControlToken(PCtxtHandle ctx, PSecBufferDesc input)
{
    TRACE("(%s, %p)\n", dbg_handle(SHIM_H(ctx)), (void *)input);
    /* A NULL description is the package's to refuse when it is delegated:
     * Wine's builtin answers it (Schannel: SEC_E_INTERNAL_ERROR, as Windows). */
    CTX_CALL(apply_control_token, input != NULL || (obj->pkg->flags & SHIM_PKG_DELEGATED), SEC_E_INVALID_PARAMETER,
             (struct shim_buffer_desc *)input);
}

SECURITY_STATUS WINAPI QueryContextAttributesW(PCtxtHandle ctx, ULONG attr, void *buf)
{
    TRACE("(%s, %lu, %p)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)attr, buf);
    CTX_CALL(query_context_attributes, buf != NULL, SEC_E_INVALID_PARAMETER, attr, buf);
}

SECURITY_STATUS WINAPI SetContextAttributesW(PCtxtHandle ctx, ULONG attr, void *buf, ULONG size)
{
    TRACE("(%s, %lu, %p, %lu)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)attr, buf, (unsigned long)size);
    CTX_CALL(set_context_attributes, buf != NULL, SEC_E_INVALID_PARAMETER, attr, buf, size);
}

SECURITY_STATUS WINAPI ImpersonateSecurityContext(PCtxtHandle ctx)
{
    TRACE("(%s)\n", dbg_handle(SHIM_H(ctx)));
    CTX_CALL(impersonate, 1, 0);
}

SECURITY_STATUS WINAPI RevertSecurityContext(PCtxtHandle ctx)
{
    TRACE("(%s)\n", dbg_handle(SHIM_H(ctx)));
    CTX_CALL(revert, 1, 0);
}

SECURITY_STATUS WINAPI QuerySecurityContextToken(PCtxtHandle ctx, HANDLE *token)
{
    TRACE("(%s, %p)\n", dbg_handle(SHIM_H(ctx)), (void *)token);
    CTX_CALL(query_token, token != NULL, SEC_E_INVALID_PARAMETER, (void **)token);
}

/* A message call without a buffer description has no token to work on. */
SECURITY_STATUS WINAPI MakeSignature(PCtxtHandle ctx, ULONG qop, PSecBufferDesc msg, ULONG seq)
{
    TRACE("(%s, %#lx, %p, %lu)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)qop, (void *)msg, (unsigned long)seq);
    CTX_CALL(make_signature, msg != NULL, SEC_E_INVALID_TOKEN, qop, (struct shim_buffer_desc *)msg, seq);
}

SECURITY_STATUS WINAPI VerifySignature(PCtxtHandle ctx, PSecBufferDesc msg, ULONG seq, ULONG *qop)
{
    TRACE("(%s, %p, %lu, %p)\n", dbg_handle(SHIM_H(ctx)), (void *)msg, (unsigned long)seq, (void *)qop);
    CTX_CALL(verify_signature, msg != NULL, SEC_E_INVALID_TOKEN, (struct shim_buffer_desc *)msg, seq, (uint32_t *)qop);
}

SECURITY_STATUS WINAPI EncryptMessage(PCtxtHandle ctx, ULONG qop, PSecBufferDesc msg, ULONG seq)
{
    TRACE("(%s, %#lx, %p, %lu)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)qop, (void *)msg, (unsigned long)seq);
    CTX_CALL(encrypt, msg != NULL, SEC_E_INVALID_TOKEN, qop, (struct shim_buffer_desc *)msg, seq);
}

SECURITY_STATUS WINAPI DecryptMessage(PCtxtHandle ctx, PSecBufferDesc msg, ULONG seq, ULONG *qop)
{
    TRACE("(%s, %p, %lu, %p)\n", dbg_handle(SHIM_H(ctx)), (void *)msg, (unsigned long)seq, (void *)qop);
    CTX_CALL(decrypt, msg != NULL, SEC_E_INVALID_TOKEN, (struct shim_buffer_desc *)msg, seq, (uint32_t *)qop);
}
