/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Exports Windows has and neither this DLL nor Wine implements.  Each says
 * so in the trace and fails the documented way; those that take a handle
 * check it first, so a bad handle is still SEC_E_INVALID_HANDLE. */
#include "secur32_private.h"
#include <ntsecapi.h>

#define UNSUPPORTED() do { FIXME("not supported\n"); return SEC_E_UNSUPPORTED_FUNCTION; } while (0)

static SECURITY_STATUS check_handles(PCredHandle cred, PCtxtHandle ctx)
{
    struct shim_object *c = cred ? cred_get(cred) : NULL, *x = ctx ? ctx_get(ctx) : NULL;
    SECURITY_STATUS st = (cred && !c) || (ctx && !x) || (!cred && !ctx) ? SEC_E_INVALID_HANDLE
                                                                         : SEC_E_UNSUPPORTED_FUNCTION;
    shim_object_put(c);
    shim_object_put(x);
    if (st == SEC_E_UNSUPPORTED_FUNCTION) FIXME("not supported\n");
    return st;
}

SECURITY_STATUS WINAPI SaslAcceptSecurityContext(PCredHandle cred, PCtxtHandle ctx, PSecBufferDesc in, ULONG req,
                                                 ULONG rep, PCtxtHandle new_ctx, PSecBufferDesc out,
                                                 ULONG *attrs, PTimeStamp expiry)
{
    TRACE("(%s, %s, %p, %#lx, %lu, %p, %p, %p, %p)\n", dbg_handle(SHIM_H(cred)), dbg_handle(SHIM_H(ctx)),
          (void *)in, (unsigned long)req, (unsigned long)rep, (void *)new_ctx, (void *)out, (void *)attrs,
          (void *)expiry);
    return check_handles(cred, ctx);
}

SECURITY_STATUS WINAPI SaslInitializeSecurityContextW(PCredHandle cred, PCtxtHandle ctx, LPWSTR target, ULONG req,
                                                      ULONG r1, ULONG rep, PSecBufferDesc in, ULONG r2,
                                                      PCtxtHandle new_ctx, PSecBufferDesc out, ULONG *attrs,
                                                      PTimeStamp expiry)
{
    TRACE("(%s, %s, %s, %#lx, %lu, %lu, %p, %lu, %p, %p, %p, %p)\n", dbg_handle(SHIM_H(cred)),
          dbg_handle(SHIM_H(ctx)), dbg_wstr(WSTR(target)), (unsigned long)req, (unsigned long)r1,
          (unsigned long)rep, (void *)in, (unsigned long)r2, (void *)new_ctx, (void *)out, (void *)attrs,
          (void *)expiry);
    return check_handles(cred, ctx);
}

SECURITY_STATUS WINAPI SaslInitializeSecurityContextA(PCredHandle cred, PCtxtHandle ctx, LPSTR target, ULONG req,
                                                      ULONG r1, ULONG rep, PSecBufferDesc in, ULONG r2,
                                                      PCtxtHandle new_ctx, PSecBufferDesc out, ULONG *attrs,
                                                      PTimeStamp expiry)
{
    TRACE("(%s, %s, %s, ...)\n", dbg_handle(SHIM_H(cred)), dbg_handle(SHIM_H(ctx)), dbg_astr(target));
    /* nothing to convert that the W twin would use: it only checks handles */
    return SaslInitializeSecurityContextW(cred, ctx, NULL, req, r1, rep, in, r2, new_ctx, out, attrs, expiry);
}

SECURITY_STATUS WINAPI SaslEnumerateProfilesW(LPWSTR *list, ULONG *count)
{
    TRACE("(%p, %p)\n", (void *)list, (void *)count);
    UNSUPPORTED();
}

SECURITY_STATUS WINAPI SaslEnumerateProfilesA(LPSTR *list, ULONG *count)
{
    TRACE("(%p, %p)\n", (void *)list, (void *)count);
    return SaslEnumerateProfilesW((LPWSTR *)list, count);
}

SECURITY_STATUS WINAPI SaslGetProfilePackageW(LPWSTR profile, PSecPkgInfoW *info)
{
    TRACE("(%s, %p)\n", dbg_wstr(WSTR(profile)), (void *)info);
    UNSUPPORTED();
}

SECURITY_STATUS WINAPI SaslGetProfilePackageA(LPSTR profile, PSecPkgInfoA *info)
{
    TRACE("(%s, %p)\n", dbg_astr(profile), (void *)info);
    return SaslGetProfilePackageW(NULL, (PSecPkgInfoW *)info);
}

SECURITY_STATUS WINAPI SaslIdentifyPackageW(PSecBufferDesc in, PSecPkgInfoW *info)
{
    TRACE("(%p, %p)\n", (void *)in, (void *)info);
    UNSUPPORTED();
}

SECURITY_STATUS WINAPI SaslIdentifyPackageA(PSecBufferDesc in, PSecPkgInfoA *info)
{
    TRACE("(%p, %p)\n", (void *)in, (void *)info);
    return SaslIdentifyPackageW(in, (PSecPkgInfoW *)info);
}

/* Kernel-mode context transfer: user mode has ExportSecurityContext. */
SECURITY_STATUS WINAPI SecInitUserModeContext(PSecBuffer packed, PCtxtHandle ctx)
{
    TRACE("(%p, %p)\n", (void *)packed, (void *)ctx);
    UNSUPPORTED();
}

SECURITY_STATUS WINAPI SecDeleteUserModeContext(PCtxtHandle ctx)
{
    TRACE("(%s)\n", dbg_handle(SHIM_H(ctx)));
    return check_handles(NULL, ctx);
}

SECURITY_STATUS WINAPI SecCacheSspiPackages(void)
{
    TRACE("()\n");
    UNSUPPORTED();
}

SECURITY_STATUS WINAPI SecGetLocaleSpecificEncryptionRules(BOOLEAN *permitted)
{
    TRACE("(%p)\n", (void *)permitted);
    UNSUPPORTED();
}

SECURITY_STATUS WINAPI GetSecurityUserInfo(PLUID logon_id, ULONG flags, void **info)
{
    TRACE("(%p, %#lx, %p)\n", (void *)logon_id, (unsigned long)flags, (void *)info);
    UNSUPPORTED();
}

/* Undocumented name-translation helpers behind TranslateName on Windows. */
BOOLEAN WINAPI SecpTranslateName(LPWSTR domain, LPCWSTR name, ULONG supplied, ULONG desired,
                                 LPWSTR out, PULONG size)
{
    TRACE("(%s, %s, %lu, %lu, %p, %p)\n", dbg_wstr(WSTR(domain)), dbg_wstr(WSTR(name)),
          (unsigned long)supplied, (unsigned long)desired, (void *)out, (void *)size);
    FIXME("not supported\n");
    SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
    return FALSE;
}

BOOLEAN WINAPI SecpTranslateNameEx(LPWSTR domain, LPCWSTR name, ULONG supplied, ULONG *desired,
                                   ULONG count, LPWSTR **out)
{
    TRACE("(%s, %s, %lu, %p, %lu, %p)\n", dbg_wstr(WSTR(domain)), dbg_wstr(WSTR(name)),
          (unsigned long)supplied, (void *)desired, (unsigned long)count, (void *)out);
    FIXME("not supported\n");
    SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
    return FALSE;
}

/* Frees what SecpTranslateNameEx returns; it never returns anything. */
void WINAPI SecpFreeMemory(void *p)
{
    TRACE("(%p)\n", p);
    if (p) WARN("nothing of ours to free at %p\n", p);
}

NTSTATUS WINAPI LsaRegisterPolicyChangeNotification(POLICY_NOTIFICATION_INFORMATION_CLASS cls, HANDLE event)
{
    TRACE("(%d, %p)\n", (int)cls, event);
    FIXME("not supported\n");
    return (NTSTATUS)0xC0000002;   /* STATUS_NOT_IMPLEMENTED */
}

NTSTATUS WINAPI LsaUnregisterPolicyChangeNotification(POLICY_NOTIFICATION_INFORMATION_CLASS cls, HANDLE event)
{
    TRACE("(%d, %p)\n", (int)cls, event);
    FIXME("not supported\n");
    return (NTSTATUS)0xC0000002;   /* STATUS_NOT_IMPLEMENTED */
}
