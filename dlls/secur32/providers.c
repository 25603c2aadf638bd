/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Third-party security packages, registered the Windows way: DLL names in
 * the SecurityProviders value of HKLM\SYSTEM\CurrentControlSet\Control\
 * SecurityProviders (read when the registry first loads the packages it does
 * not serve itself), or added at run time with AddSecurityPackage.  Each
 * DLL's InitSecurityInterfaceW table goes through host.c's wrapper, so its
 * packages are enumerated and dispatched like the DLL's own.  A DLL that
 * does not load, or hands back a broken table, is skipped with a warning.
 *
 * A provider DLL stays loaded for the life of the process: handles opened
 * through one of its packages may outlive DeleteSecurityPackage, and keep
 * working until they are freed. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "secur32_private.h"

static const WCHAR providers_key[] = L"SYSTEM\\CurrentControlSet\\Control\\SecurityProviders";
static const WCHAR providers_value[] = L"SecurityProviders";

/* Wine's builtin secur32 (our host) reads the SecurityProviders value too,
 * and would offer the same packages again, broken ones included.  Names
 * offered by a DLL of that list are claimed here, before the host's packages
 * are registered, and the host's copies of them are left out. */
#define MAX_CLAIMED 32
static WCHAR *claimed[MAX_CLAIMED];
static size_t n_claimed;

static void claim_names(const SecurityFunctionTableW *t, const WCHAR *dll)
{
    ULONG count = 0;
    SecPkgInfoW *info = NULL;
    if (!t || !t->EnumerateSecurityPackagesW || !t->FreeContextBuffer) return;
    if (t->EnumerateSecurityPackagesW(&count, &info) != SEC_E_OK || !info) return;
    for (ULONG i = 0; i < count && n_claimed < MAX_CLAIMED; i++) {
        if (!info[i].Name || !info[i].Name[0]) continue;
        size_t len = (wcslen(info[i].Name) + 1) * sizeof(WCHAR);
        if ((claimed[n_claimed] = malloc(len))) {
            memcpy(claimed[n_claimed++], info[i].Name, len);
            TRACE("%s offers %s\n", dbg_wstr(WSTR(dll)), dbg_wstr(WSTR(info[i].Name)));
        }
    }
    t->FreeContextBuffer(info);
}

BOOL providers_claimed(const WCHAR *name)
{
    for (size_t i = 0; i < n_claimed; i++)
        if (!lstrcmpiW(claimed[i], name)) return TRUE;
    return FALSE;
}

/* Loads one provider DLL and registers its packages.  SEC_E_OK when at
 * least one of its packages is registered now (a package already registered
 * by that name counts: the first one wins).  claim: the DLL is one of the
 * SecurityProviders list, which the host loads as well. */
static SECURITY_STATUS provider_load(const WCHAR *dll, BOOL claim)
{
    HMODULE m = LoadLibraryW(dll);
    if (!m) {
        WARN("%s: cannot load (error %lu); skipped\n", dbg_wstr(WSTR(dll)), GetLastError());
        return SEC_E_SECPKG_NOT_FOUND;
    }
    if (m == secur32_module) {
        WARN("%s is this DLL; skipped\n", dbg_wstr(WSTR(dll)));
        FreeLibrary(m);
        return SEC_E_SECPKG_NOT_FOUND;
    }
    INIT_SECURITY_INTERFACE_W init = (INIT_SECURITY_INTERFACE_W)(void *)GetProcAddress(m, "InitSecurityInterfaceW");
    if (!init) {
        WARN("%s: no InitSecurityInterfaceW; skipped\n", dbg_wstr(WSTR(dll)));
        FreeLibrary(m);
        return SEC_E_SECPKG_NOT_FOUND;
    }
    const SecurityFunctionTableW *table = init();
    if (claim) claim_names(table, dll);
    struct foreign *f = foreign_new(table, m, dll);
    if (!f) {
        FreeLibrary(m);
        return SEC_E_SECPKG_NOT_FOUND;
    }
    size_t present = 0, added = foreign_register(f, SHIM_PKG_PROVIDER, &present);
    TRACE("%s: %u packages registered, %u already there\n", dbg_wstr(WSTR(dll)), (unsigned)added,
          (unsigned)present);
    if (!added) {
        /* Nothing refers to the table: the DLL can go again. */
        foreign_free(f);
        FreeLibrary(m);
        if (!present) WARN("%s: offers no package; skipped\n", dbg_wstr(WSTR(dll)));
    }
    return added || present ? SEC_E_OK : SEC_E_SECPKG_NOT_FOUND;
}

/* The value is a list of DLL names separated by commas (and spaces); a
 * REG_EXPAND_SZ comes back expanded (RRF_RT_REG_SZ without RRF_NOEXPAND). */
static WCHAR *providers_read(void)
{
    DWORD size = 0;
    LSTATUS r = RegGetValueW(HKEY_LOCAL_MACHINE, providers_key, providers_value,
                             RRF_RT_REG_SZ, NULL, NULL, &size);
    if (r != ERROR_SUCCESS || size < sizeof(WCHAR)) return NULL;
    WCHAR *list = malloc(size + sizeof(WCHAR));
    if (!list) return NULL;
    r = RegGetValueW(HKEY_LOCAL_MACHINE, providers_key, providers_value,
                     RRF_RT_REG_SZ, NULL, list, &size);
    if (r != ERROR_SUCCESS) {
        free(list);
        return NULL;
    }
    list[size / sizeof(WCHAR)] = 0;
    return list;
}

/* Calls fn for each name in a SecurityProviders list, trimmed; stops and
 * returns nonzero when fn does. */
static int providers_each(WCHAR *list, int (*fn)(const WCHAR *name, void *arg), void *arg)
{
    for (WCHAR *tok = list, *next; tok; tok = next) {
        if ((next = wcschr(tok, ','))) *next++ = 0;
        while (*tok == ' ' || *tok == '\t') tok++;
        size_t n = wcslen(tok);
        while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t')) tok[--n] = 0;
        if (n && fn(tok, arg)) return 1;
    }
    return 0;
}

static int load_one(const WCHAR *name, void *arg)
{
    (void)arg;
    provider_load(name, TRUE);
    return 0;
}

void providers_register_packages(void)
{
    WCHAR *list = providers_read();
    if (!list) return;
    TRACE("SecurityProviders = %s\n", dbg_wstr(WSTR(list)));
    providers_each(list, load_one, NULL);
    free(list);
}

/* The registry loader: packages served by someone else.  The providers come
 * first, so that the host's copies of their packages can be told apart. */
void secur32_load_foreign_packages(void)
{
    providers_register_packages();
    host_register_packages();
}

static int same_name(const WCHAR *name, void *arg)
{
    return !lstrcmpiW(name, arg);
}

/* SECPKG_OPTIONS_PERMANENT: the DLL joins the SecurityProviders list, so that
 * every process of the prefix loads it from now on. */
static SECURITY_STATUS providers_persist(const WCHAR *dll)
{
    WCHAR *list = providers_read();
    if (list) {
        size_t len = (wcslen(list) + 1) * sizeof(WCHAR);
        WCHAR *copy = malloc(len);
        if (copy) memcpy(copy, list, len);
        int there = copy && providers_each(copy, same_name, (void *)dll);
        free(copy);
        if (there) {
            free(list);
            return SEC_E_OK;
        }
    }
    size_t n = (list ? wcslen(list) + 2 : 0) + wcslen(dll) + 1;
    WCHAR *value = malloc(n * sizeof(WCHAR));
    SECURITY_STATUS st = SEC_E_INSUFFICIENT_MEMORY;
    if (value) {
        swprintf(value, n, L"%ls%ls%ls", list && list[0] ? list : L"", list && list[0] ? L", " : L"", dll);
        HKEY key;
        LSTATUS r = RegCreateKeyExW(HKEY_LOCAL_MACHINE, providers_key, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
        if (r == ERROR_SUCCESS) {
            r = RegSetValueExW(key, providers_value, 0, REG_SZ, (const BYTE *)value,
                               (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
            RegCloseKey(key);
        }
        if (r != ERROR_SUCCESS) WARN("cannot write SecurityProviders (error %ld)\n", (long)r);
        st = r == ERROR_SUCCESS ? SEC_E_OK : SEC_E_INTERNAL_ERROR;
        free(value);
    }
    free(list);
    return st;
}

SECURITY_STATUS WINAPI AddSecurityPackageW(LPWSTR name, PSECURITY_PACKAGE_OPTIONS options)
{
    TRACE("(%s, %p)\n", dbg_wstr(WSTR(name)), (void *)options);
    if (!name || !name[0]) return SEC_E_SECPKG_NOT_FOUND;
    if (options && options->Size < sizeof(*options)) return SEC_E_INVALID_PARAMETER;
    SECURITY_STATUS st = provider_load(name, FALSE);
    if (st == SEC_E_OK && options && (options->Flags & SECPKG_OPTIONS_PERMANENT)) st = providers_persist(name);
    TRACE("-> %08lx\n", (unsigned long)st);
    return st;
}

SECURITY_STATUS WINAPI AddSecurityPackageA(LPSTR name, PSECURITY_PACKAGE_OPTIONS options)
{
    TRACE("(%s, %p)\n", dbg_astr(name), (void *)options);
    WCHAR *w = str_a_to_w(name);   /* NULL (no name, or none convertible): not found */
    SECURITY_STATUS st = AddSecurityPackageW(w, options);
    str_free(w);
    return st;
}

/* By package name, as Windows documents it; a provider's DLL name (as it was
 * added) removes all of its packages.  The DLL's own packages and the host's
 * cannot be deleted. */
SECURITY_STATUS WINAPI DeleteSecurityPackageW(LPWSTR name)
{
    TRACE("(%s)\n", dbg_wstr(WSTR(name)));
    if (!name || !name[0]) return SEC_E_SECPKG_NOT_FOUND;
    SECURITY_STATUS st = SEC_E_SECPKG_NOT_FOUND;
    const struct shim_package *pkg = registry_find(WSTR(name));
    if (pkg) {
        if (!(pkg->flags & SHIM_PKG_PROVIDER)) {
            WARN("%s is not a third-party package; not deleted\n", dbg_wstr(WSTR(name)));
            st = SEC_E_UNSUPPORTED_FUNCTION;
        } else {
            st = registry_remove(pkg->info.name);
        }
    } else {
        const struct shim_package *all[64];
        size_t n = registry_list(all, 64);
        for (size_t i = 0; i < n && i < 64; i++) {
            const WCHAR *origin = foreign_origin(all[i]);
            if (!(all[i]->flags & SHIM_PKG_PROVIDER) || !origin || lstrcmpiW(origin, name)) continue;
            if (registry_remove(all[i]->info.name) == SHIM_OK) st = SEC_E_OK;
        }
    }
    TRACE("-> %08lx\n", (unsigned long)st);
    return st;
}

SECURITY_STATUS WINAPI DeleteSecurityPackageA(LPSTR name)
{
    TRACE("(%s)\n", dbg_astr(name));
    WCHAR *w = str_a_to_w(name);
    SECURITY_STATUS st = DeleteSecurityPackageW(w);
    str_free(w);
    return st;
}
