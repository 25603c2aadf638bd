/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Package information and the function tables: EnumerateSecurityPackagesW,
 * QuerySecurityPackageInfoW, InitSecurityInterfaceW/A, FreeContextBuffer. */
#include <stddef.h>
#include <string.h>
#include <wchar.h>

#include "secur32_private.h"
#include "sspishim/sys.h"

_Static_assert(sizeof(struct shim_pkginfo) == sizeof(SecPkgInfoW), "SecPkgInfoW");
_Static_assert(offsetof(struct shim_pkginfo, name) == offsetof(SecPkgInfoW, Name), "SecPkgInfoW");

SECURITY_STATUS WINAPI EnumerateSecurityPackagesW(ULONG *count, PSecPkgInfoW *info)
{
    TRACE("(%p, %p)\n", (void *)count, (void *)info);
    if (!count || !info) return SEC_E_INVALID_PARAMETER;
    const struct shim_package *pkgs[64];
    size_t n = registry_list(pkgs, 64);
    if (n > 64) n = 64;
    SECURITY_STATUS st = registry_make_pkginfo(pkgs, n, (struct shim_pkginfo **)info);
    *count = st == SEC_E_OK ? (ULONG)n : 0;
    TRACE("-> %08lx, %lu packages\n", (unsigned long)st, (unsigned long)*count);
    return st;
}

SECURITY_STATUS WINAPI QuerySecurityPackageInfoW(SEC_WCHAR *name, PSecPkgInfoW *info)
{
    TRACE("(%s, %p)\n", dbg_wstr(WSTR(name)), (void *)info);
    if (!info) return SEC_E_INVALID_PARAMETER;
    const struct shim_package *pkg = registry_find(WSTR(name));
    SECURITY_STATUS st = pkg ? registry_make_pkginfo(&pkg, 1, (struct shim_pkginfo **)info) : SEC_E_SECPKG_NOT_FOUND;
    TRACE("-> %08lx\n", (unsigned long)st);
    return st;
}

SECURITY_STATUS WINAPI FreeContextBuffer(void *p)
{
    TRACE("(%p)\n", p);
    sys_caller_free(p);
    return SEC_E_OK;
}

/* Reserved2 and Reserved8 stay NULL, as in Windows.  Windows' secur32 says
 * version 1 (SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION) and still fills
 * the slots after DecryptMessage (Wine's secur32 tests record both); callers
 * that test the version expect that, so the tables say 1 and keep them. */
static SecurityFunctionTableW table_w = {
    .dwVersion = SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION,
    .EnumerateSecurityPackagesW = EnumerateSecurityPackagesW,
    .QueryCredentialsAttributesW = QueryCredentialsAttributesW,
    .AcquireCredentialsHandleW = AcquireCredentialsHandleW,
    .FreeCredentialsHandle = FreeCredentialsHandle,
    .Reserved2 = NULL,
    .InitializeSecurityContextW = InitializeSecurityContextW,
    .AcceptSecurityContext = AcceptSecurityContext,
    .CompleteAuthToken = CompleteAuthToken,
    .DeleteSecurityContext = DeleteSecurityContext,
    .ApplyControlToken = ApplyControlToken,
    .QueryContextAttributesW = QueryContextAttributesW,
    .ImpersonateSecurityContext = ImpersonateSecurityContext,
    .RevertSecurityContext = RevertSecurityContext,
    .MakeSignature = MakeSignature,
    .VerifySignature = VerifySignature,
    .FreeContextBuffer = FreeContextBuffer,
    .QuerySecurityPackageInfoW = QuerySecurityPackageInfoW,
    /* The old SealMessage/UnsealMessage slots: Windows puts EncryptMessage
     * and DecryptMessage there (Wine's secur32 tests), and old callers
     * still call through them. */
    .Reserved3 = (void *)EncryptMessage,
    .Reserved4 = (void *)DecryptMessage,
    .ExportSecurityContext = ExportSecurityContext,
    .ImportSecurityContextW = ImportSecurityContextW,
    .AddCredentialsW = AddCredentialsW,
    .Reserved8 = NULL,
    .QuerySecurityContextToken = QuerySecurityContextToken,
    .EncryptMessage = EncryptMessage,
    .DecryptMessage = DecryptMessage,
    .SetContextAttributesW = SetContextAttributesW,
    .SetCredentialsAttributesW = secur32_SetCredentialsAttributesW,
};

static SecurityFunctionTableA table_a = {
    .dwVersion = SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION,
    .EnumerateSecurityPackagesA = EnumerateSecurityPackagesA,
    .QueryCredentialsAttributesA = QueryCredentialsAttributesA,
    .AcquireCredentialsHandleA = AcquireCredentialsHandleA,
    .FreeCredentialsHandle = FreeCredentialsHandle,
    .Reserved2 = NULL,
    .InitializeSecurityContextA = InitializeSecurityContextA,
    .AcceptSecurityContext = AcceptSecurityContext,
    .CompleteAuthToken = CompleteAuthToken,
    .DeleteSecurityContext = DeleteSecurityContext,
    .ApplyControlToken = ApplyControlToken,
    .QueryContextAttributesA = QueryContextAttributesA,
    .ImpersonateSecurityContext = ImpersonateSecurityContext,
    .RevertSecurityContext = RevertSecurityContext,
    .MakeSignature = MakeSignature,
    .VerifySignature = VerifySignature,
    .FreeContextBuffer = FreeContextBuffer,
    .QuerySecurityPackageInfoA = QuerySecurityPackageInfoA,
    .Reserved3 = (void *)EncryptMessage,   /* as in the W table */
    .Reserved4 = (void *)DecryptMessage,
    .ExportSecurityContext = ExportSecurityContext,
    .ImportSecurityContextA = ImportSecurityContextA,
    .AddCredentialsA = AddCredentialsA,
    .Reserved8 = NULL,
    .QuerySecurityContextToken = QuerySecurityContextToken,
    .EncryptMessage = EncryptMessage,
    .DecryptMessage = DecryptMessage,
    .SetContextAttributesA = SetContextAttributesA,
    .SetCredentialsAttributesA = secur32_SetCredentialsAttributesA,
};

/* Wine's builtin secur32 serves Schannel from its own code but, on first
 * use, loads schannel.dll and asks it for a function table.  schannel.dll
 * forwards InitSecurityInterface to "secur32", which the loader resolves to
 * the first module of that name: us.  Handed our table, the host would call
 * back into us for ever.  So a host secur32 asking gets its own table, which
 * it recognises as built-in and keeps its internal Schannel. */
static HMODULE host_caller(void *ret_addr)
{
    HMODULE m;
    WCHAR path[MAX_PATH];
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            ret_addr, &m) || m == secur32_module)
        return NULL;
    if (host_loaded() && m == host_module()) return m;
    DWORD n = GetModuleFileNameW(m, path, MAX_PATH);
    if (!n || n >= MAX_PATH) return NULL;
    const WCHAR *base = wcsrchr(path, '\\');
    return !lstrcmpiW(base ? base + 1 : path, L"secur32.dll") ? m : NULL;
}

PSecurityFunctionTableW WINAPI InitSecurityInterfaceW(void)
{
    HMODULE host = host_caller(__builtin_return_address(0));
    if (host) {
        INIT_SECURITY_INTERFACE_W own = (INIT_SECURITY_INTERFACE_W)(void *)GetProcAddress(host, "InitSecurityInterfaceW");
        if (own && own != InitSecurityInterfaceW) {
            TRACE("() from the host secur32: its own table\n");
            return own();
        }
    }
    TRACE("() -> %p\n", (void *)&table_w);
    return &table_w;
}

PSecurityFunctionTableA WINAPI InitSecurityInterfaceA(void)
{
    HMODULE host = host_caller(__builtin_return_address(0));
    if (host) {
        INIT_SECURITY_INTERFACE_A own = (INIT_SECURITY_INTERFACE_A)(void *)GetProcAddress(host, "InitSecurityInterfaceA");
        if (own && own != InitSecurityInterfaceA) {
            TRACE("() from the host secur32: its own table\n");
            return own();
        }
    }
    TRACE("() -> %p\n", (void *)&table_a);
    return &table_a;
}
