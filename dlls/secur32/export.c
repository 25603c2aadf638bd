/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ExportSecurityContext / ImportSecurityContextW: handle checks and the
 * handle's fate (DELETE_OLD); the rest is core/context_export.c. */
#include "secur32_private.h"
#include "sspishim/context_export.h"

#define RETURN(st) do { SECURITY_STATUS r_ = (st); TRACE("-> %08lx\n", (unsigned long)r_); return r_; } while (0)

/* DELETE_OLD: the exported context lives on in the blob, so this process's
 * copy must not take one more message.  The handle is held first -- dead to
 * every other thread, and to a second DELETE_OLD export -- and the calls
 * already inside the context are let finish, so the blob is the context's
 * last state.  Then the handle goes, as if DeleteSecurityContext had been
 * called; or, when the export fails, it is live again, untouched. */
static SECURITY_STATUS export_delete_old(PCtxtHandle ctx, ULONG flags, PSecBuffer packed, HANDLE *token)
{
    struct shim_object *obj;
    if (handles_hold(SHIM_H(ctx), SHIM_KIND_CTXT, &obj) != SEC_E_OK) {
        WARN("bad context handle %s\n", dbg_handle(SHIM_H(ctx)));
        return SEC_E_INVALID_HANDLE;
    }
    /* the table's reference and ours; a package that cannot export is not
     * waited for (its calls may block on the network) */
    while (obj->pkg->ops->export_context && atomic_load(&obj->refs) > 2) SwitchToThread();
    SECURITY_STATUS st = context_export(obj, flags, (struct shim_buffer *)packed, token);
    shim_object_put(obj);
    struct shim_object *old = handles_unhold(SHIM_H(ctx), SHIM_KIND_CTXT, st == SEC_E_OK);
    if (old) ctx_release(old);
    return st;
}

SECURITY_STATUS WINAPI ExportSecurityContext(PCtxtHandle ctx, ULONG flags, PSecBuffer packed, HANDLE *token)
{
    TRACE("(%s, %#lx, %p, %p)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)flags, (void *)packed, (void *)token);
    if (packed && (flags & SHIM_EXPORT_DELETE_OLD)) RETURN(export_delete_old(ctx, flags, packed, token));
    struct shim_object *obj = ctx_get(ctx);
    if (!obj) RETURN(SEC_E_INVALID_HANDLE);
    SECURITY_STATUS st = packed ? context_export(obj, flags, (struct shim_buffer *)packed, token)
                                : SEC_E_INVALID_PARAMETER;
    shim_object_put(obj);
    RETURN(st);
}

SECURITY_STATUS WINAPI ImportSecurityContextW(SEC_WCHAR *package, PSecBuffer packed, void *token, PCtxtHandle ctx)
{
    TRACE("(%s, %p, %p, %p)\n", dbg_wstr(WSTR(package)), (void *)packed, token, (void *)ctx);
    if (!packed || !ctx) RETURN(SEC_E_INVALID_PARAMETER);
    if (!package) RETURN(SEC_E_SECPKG_NOT_FOUND);
    shim_ctx *obj = NULL;
    SECURITY_STATUS st = context_import(WSTR(package), (const struct shim_buffer *)packed, token, &obj);
    if (st == SEC_E_OK) st = ctx_insert(obj, ctx);
    RETURN(st);
}
