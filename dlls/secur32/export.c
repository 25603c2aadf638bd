/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ExportSecurityContext / ImportSecurityContextW: handle checks and the
 * handle's fate (DELETE_OLD); the rest is core/context_export.c. */
#include "secur32_private.h"
#include "sspishim/context_export.h"

#define RETURN(st) do { SECURITY_STATUS r_ = (st); TRACE("-> %08lx\n", (unsigned long)r_); return r_; } while (0)

SECURITY_STATUS WINAPI ExportSecurityContext(PCtxtHandle ctx, ULONG flags, PSecBuffer packed, HANDLE *token)
{
    TRACE("(%s, %#lx, %p, %p)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)flags, (void *)packed, (void *)token);
    struct shim_object *obj = ctx_get(ctx);
    if (!obj) RETURN(SEC_E_INVALID_HANDLE);
    SECURITY_STATUS st = packed ? context_export(obj, flags, (struct shim_buffer *)packed, token)
                                : SEC_E_INVALID_PARAMETER;
    shim_object_put(obj);
    if (st == SEC_E_OK && (flags & SHIM_EXPORT_DELETE_OLD)) {
        /* The exported context lives on in the blob; this process's copy
         * and its handle go, as if DeleteSecurityContext had been called. */
        struct shim_object *old;
        if (handles_remove(SHIM_H(ctx), SHIM_KIND_CTXT, &old) == SEC_E_OK) ctx_release(old);
    }
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
