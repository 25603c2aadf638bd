/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The A entry points: convert with the ANSI code page, call the W twin,
 * convert what comes back.  No logic of their own. */
#include <string.h>

#include "secur32_private.h"
#include "sspishim/sys.h"

#define RETURN(st) do { SECURITY_STATUS r_ = (st); TRACE("-> %08lx\n", (unsigned long)r_); return r_; } while (0)

/* ---- SEC_WINNT_AUTH_IDENTITY(_EX)A -> W ------------------------------ */

struct identity_w {
    SEC_WINNT_AUTH_IDENTITY_EXW ex;
    SEC_WINNT_AUTH_IDENTITY_W plain;
    WCHAR *strings[4];
};

/* Longest identity field: UNICODE_STRING's limit, as the W path has it. */
#define IDENTITY_FIELD_MAX 32767

enum conversion { CONVERTED, NO_MEMORY, BAD_FIELD };

/* A counted ANSI string (not necessarily terminated) to a terminated UTF-16
 * copy; *len receives its length in characters.  A length past the limit,
 * or one without a string, is refused before anything is read: the count
 * is the caller's word on how far the string goes. */
static WCHAR *counted_a_to_w(const unsigned char *s, ULONG n, ULONG *len, enum conversion *failed)
{
    *len = 0;
    if (n > IDENTITY_FIELD_MAX || (!s && n)) { *failed = BAD_FIELD; return NULL; }
    if (!s) return NULL;
    int wn = n ? MultiByteToWideChar(CP_ACP, 0, (const char *)s, (int)n, NULL, 0) : 0;
    if (n && wn <= 0) { *failed = NO_MEMORY; return NULL; }
    WCHAR *w = sys_caller_alloc((wn + 1) * sizeof(WCHAR));
    if (!w) { *failed = NO_MEMORY; return NULL; }
    if (wn) MultiByteToWideChar(CP_ACP, 0, (const char *)s, (int)n, w, wn);
    w[wn] = 0;
    *len = (ULONG)wn;
    return w;
}

static void identity_free(struct identity_w *id)
{
    for (int i = 0; i < 4; i++) {
        if (!id->strings[i]) continue;
        SecureZeroMemory(id->strings[i], wcslen(id->strings[i]) * sizeof(WCHAR));
        sys_caller_free(id->strings[i]);
    }
}

/* Returns the auth data to pass to the W function: the caller's own when it
 * needs no conversion (already Unicode, or not an identity at all). */
static SECURITY_STATUS identity_a_to_w(const struct shim_package *pkg, void *auth,
                                       struct identity_w *id, void **out)
{
    memset(id, 0, sizeof(*id));
    *out = auth;
    if (!auth || !pkg || !(pkg->flags & SHIM_PKG_TAKES_IDENTITY)) return SEC_E_OK;
    enum conversion failed = CONVERTED;
    SEC_WINNT_AUTH_IDENTITY_EXA *ex = auth;
    if (ex->Version == SEC_WINNT_AUTH_IDENTITY_VERSION && ex->Length >= sizeof(*ex)) {
        if (!(ex->Flags & SEC_WINNT_AUTH_IDENTITY_ANSI)) return SEC_E_OK;
        id->ex.Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
        id->ex.Length = sizeof(id->ex);
        id->ex.User = (unsigned short *)(id->strings[0] = counted_a_to_w(ex->User, ex->UserLength, &id->ex.UserLength, &failed));
        id->ex.Domain = (unsigned short *)(id->strings[1] = counted_a_to_w(ex->Domain, ex->DomainLength, &id->ex.DomainLength, &failed));
        id->ex.Password = (unsigned short *)(id->strings[2] = counted_a_to_w(ex->Password, ex->PasswordLength, &id->ex.PasswordLength, &failed));
        id->ex.PackageList = (unsigned short *)(id->strings[3] = counted_a_to_w(ex->PackageList, ex->PackageListLength, &id->ex.PackageListLength, &failed));
        id->ex.Flags = (ex->Flags & ~SEC_WINNT_AUTH_IDENTITY_ANSI) | SEC_WINNT_AUTH_IDENTITY_UNICODE;
        *out = &id->ex;
    } else {
        SEC_WINNT_AUTH_IDENTITY_A *a = auth;
        if (!(a->Flags & SEC_WINNT_AUTH_IDENTITY_ANSI)) return SEC_E_OK;
        id->plain.User = (unsigned short *)(id->strings[0] = counted_a_to_w(a->User, a->UserLength, &id->plain.UserLength, &failed));
        id->plain.Domain = (unsigned short *)(id->strings[1] = counted_a_to_w(a->Domain, a->DomainLength, &id->plain.DomainLength, &failed));
        id->plain.Password = (unsigned short *)(id->strings[2] = counted_a_to_w(a->Password, a->PasswordLength, &id->plain.PasswordLength, &failed));
        id->plain.Flags = (a->Flags & ~SEC_WINNT_AUTH_IDENTITY_ANSI) | SEC_WINNT_AUTH_IDENTITY_UNICODE;
        *out = &id->plain;
    }
    if (failed) {
        identity_free(id);
        WARN("identity with a bad length or pointer\n");
        return failed == BAD_FIELD ? SEC_E_UNKNOWN_CREDENTIALS : SEC_E_INSUFFICIENT_MEMORY;
    }
    return SEC_E_OK;
}

/* ---- package information --------------------------------------------- */

SECURITY_STATUS WINAPI EnumerateSecurityPackagesA(ULONG *count, PSecPkgInfoA *info)
{
    TRACE("(%p, %p)\n", (void *)count, (void *)info);
    PSecPkgInfoW w = NULL;
    if (!info) RETURN(SEC_E_INVALID_PARAMETER);
    SECURITY_STATUS st = EnumerateSecurityPackagesW(count, &w);
    if (st == SEC_E_OK) {
        st = pkginfo_w_to_a(w, *count, info);
        if (st != SEC_E_OK) *count = 0;
        FreeContextBuffer(w);
    }
    RETURN(st);
}

SECURITY_STATUS WINAPI QuerySecurityPackageInfoA(SEC_CHAR *name, PSecPkgInfoA *info)
{
    TRACE("(%s, %p)\n", dbg_astr(name), (void *)info);
    if (!info) RETURN(SEC_E_INVALID_PARAMETER);
    WCHAR *wname = str_a_to_w(name);
    PSecPkgInfoW w = NULL;
    SECURITY_STATUS st = name && !wname ? SEC_E_INSUFFICIENT_MEMORY : QuerySecurityPackageInfoW(wname, &w);
    if (st == SEC_E_OK) {
        st = pkginfo_w_to_a(w, 1, info);
        FreeContextBuffer(w);
    }
    str_free(wname);
    RETURN(st);
}

/* ---- credentials ------------------------------------------------------ */

SECURITY_STATUS WINAPI AcquireCredentialsHandleA(SEC_CHAR *principal, SEC_CHAR *package, ULONG use,
                                                 void *logon_id, void *auth, SEC_GET_KEY_FN get_key,
                                                 void *get_key_arg, PCredHandle cred, PTimeStamp expiry)
{
    TRACE("(%s, %s, %#lx, %p, %p, %p, %p, %p, %p)\n", dbg_astr(principal), dbg_astr(package),
          (unsigned long)use, logon_id, auth, (void *)get_key, get_key_arg, (void *)cred, (void *)expiry);
    WCHAR *wprincipal = str_a_to_w(principal), *wpackage = str_a_to_w(package);
    struct identity_w id;
    void *wauth;
    SECURITY_STATUS st = (principal && !wprincipal) || (package && !wpackage) ? SEC_E_INSUFFICIENT_MEMORY
                       : identity_a_to_w(wpackage ? registry_find(WSTR(wpackage)) : NULL, auth, &id, &wauth);
    if (st == SEC_E_OK) {
        st = AcquireCredentialsHandleW(wprincipal, wpackage, use, logon_id, wauth, get_key, get_key_arg, cred, expiry);
        identity_free(&id);
    }
    str_free(wprincipal);
    str_free(wpackage);
    RETURN(st);
}

SECURITY_STATUS WINAPI AddCredentialsA(PCredHandle cred, SEC_CHAR *principal, SEC_CHAR *package, ULONG use,
                                       void *auth, SEC_GET_KEY_FN get_key, void *get_key_arg, PTimeStamp expiry)
{
    TRACE("(%s, %s, %s, %#lx, %p, %p, %p, %p)\n", dbg_handle(SHIM_H(cred)), dbg_astr(principal),
          dbg_astr(package), (unsigned long)use, auth, (void *)get_key, get_key_arg, (void *)expiry);
    WCHAR *wprincipal = str_a_to_w(principal), *wpackage = str_a_to_w(package);
    struct identity_w id;
    void *wauth;
    SECURITY_STATUS st = (principal && !wprincipal) || (package && !wpackage) ? SEC_E_INSUFFICIENT_MEMORY
                       : identity_a_to_w(wpackage ? registry_find(WSTR(wpackage)) : NULL, auth, &id, &wauth);
    if (st == SEC_E_OK) {
        st = AddCredentialsW(cred, wprincipal, wpackage, use, wauth, get_key, get_key_arg, expiry);
        identity_free(&id);
    }
    str_free(wprincipal);
    str_free(wpackage);
    RETURN(st);
}

/* A W string field a package returned, replaced in place by its ANSI copy
 * (the A structures differ from the W ones only in the strings' type). */
static BOOL field_w_to_a(void *slot)
{
    WCHAR *w = *(WCHAR **)slot;
    if (!w) return TRUE;
    char *a = str_w_to_a(w);
    FreeContextBuffer(w);
    *(char **)slot = a;
    return a != NULL;
}

SECURITY_STATUS WINAPI QueryCredentialsAttributesA(PCredHandle cred, ULONG attr, void *buf)
{
    TRACE("(%s, %lu, %p)\n", dbg_handle(SHIM_H(cred)), (unsigned long)attr, buf);
    SECURITY_STATUS st;
    if (host_query_cred_a(cred, attr, buf, &st)) RETURN(st);
    st = QueryCredentialsAttributesW(cred, attr, buf);
    if (st == SEC_E_OK && attr == SECPKG_CRED_ATTR_NAMES &&
        !field_w_to_a(&((SecPkgCredentials_NamesW *)buf)->sUserName))
        st = SEC_E_INSUFFICIENT_MEMORY;
    RETURN(st);
}

SECURITY_STATUS WINAPI secur32_SetCredentialsAttributesA(PCredHandle cred, ULONG attr, void *buf, ULONG size)
{
    TRACE("(%s, %lu, %p, %lu)\n", dbg_handle(SHIM_H(cred)), (unsigned long)attr, buf, (unsigned long)size);
    RETURN(secur32_SetCredentialsAttributesW(cred, attr, buf, size));
}

/* ---- contexts --------------------------------------------------------- */

SECURITY_STATUS WINAPI InitializeSecurityContextA(PCredHandle cred, PCtxtHandle ctx, SEC_CHAR *target,
                                                  ULONG req, ULONG reserved1, ULONG datarep,
                                                  PSecBufferDesc input, ULONG reserved2, PCtxtHandle new_ctx,
                                                  PSecBufferDesc output, ULONG *attrs, PTimeStamp expiry)
{
    TRACE("(%s, %s, %s, %#lx, ...)\n", dbg_handle(SHIM_H(cred)), dbg_handle(SHIM_H(ctx)), dbg_astr(target),
          (unsigned long)req);
    WCHAR *wtarget = str_a_to_w(target);
    SECURITY_STATUS st = target && !wtarget ? SEC_E_INSUFFICIENT_MEMORY
                       : InitializeSecurityContextW(cred, ctx, wtarget, req, reserved1, datarep, input,
                                                    reserved2, new_ctx, output, attrs, expiry);
    str_free(wtarget);
    RETURN(st);
}

SECURITY_STATUS WINAPI QueryContextAttributesA(PCtxtHandle ctx, ULONG attr, void *buf)
{
    TRACE("(%s, %lu, %p)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)attr, buf);
    SECURITY_STATUS st = QueryContextAttributesW(ctx, attr, buf);
    if (st != SEC_E_OK) RETURN(st);
    BOOL ok = TRUE;
    switch (attr) {
    case SECPKG_ATTR_NAMES:
        ok = field_w_to_a(&((SecPkgContext_NamesW *)buf)->sUserName);
        break;
    case SECPKG_ATTR_AUTHORITY:
        ok = field_w_to_a(&((SecPkgContext_AuthorityW *)buf)->sAuthorityName);
        break;
    case SECPKG_ATTR_CREDENTIAL_NAME:
        ok = field_w_to_a(&((SecPkgContext_CredentialNameW *)buf)->sCredentialName);
        break;
    case SECPKG_ATTR_NATIVE_NAMES: {
        SecPkgContext_NativeNamesW *n = buf;
        ok = field_w_to_a(&n->sClientName);
        ok &= field_w_to_a(&n->sServerName);
        break;
    }
    case SECPKG_ATTR_KEY_INFO: {
        SecPkgContext_KeyInfoW *k = buf;
        ok = field_w_to_a(&k->sSignatureAlgorithmName);
        ok &= field_w_to_a(&k->sEncryptAlgorithmName);
        break;
    }
    case SECPKG_ATTR_PACKAGE_INFO:
    case SECPKG_ATTR_NEGOTIATION_INFO: {
        /* both structures begin with the PSecPkgInfoW */
        PSecPkgInfoW *slot = &((SecPkgContext_PackageInfoW *)buf)->PackageInfo;
        PSecPkgInfoA a = NULL;
        if (*slot) {
            ok = pkginfo_w_to_a(*slot, 1, &a) == SEC_E_OK;
            FreeContextBuffer(*slot);
        }
        *(PSecPkgInfoA *)slot = a;
        break;
    }
    default:
        break;   /* no strings inside: the W result is the A result */
    }
    RETURN(ok ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY);
}

SECURITY_STATUS WINAPI SetContextAttributesA(PCtxtHandle ctx, ULONG attr, void *buf, ULONG size)
{
    TRACE("(%s, %lu, %p, %lu)\n", dbg_handle(SHIM_H(ctx)), (unsigned long)attr, buf, (unsigned long)size);
    RETURN(SetContextAttributesW(ctx, attr, buf, size));
}

SECURITY_STATUS WINAPI ImportSecurityContextA(SEC_CHAR *package, PSecBuffer packed, void *token, PCtxtHandle ctx)
{
    TRACE("(%s, %p, %p, %p)\n", dbg_astr(package), (void *)packed, token, (void *)ctx);
    WCHAR *wpackage = str_a_to_w(package);
    SECURITY_STATUS st = package && !wpackage ? SEC_E_INSUFFICIENT_MEMORY
                       : ImportSecurityContextW(wpackage, packed, token, ctx);
    str_free(wpackage);
    RETURN(st);
}
