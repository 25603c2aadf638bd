/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Negotiate credentials: an NTLM credential inside, acquired with the same
 * arguments, so every rule of core/ntlm/credentials.c holds here too.
 *
 * The one addition is SEC_WINNT_AUTH_IDENTITY_EX's PackageList, a comma-
 * separated list of package names, each possibly prefixed with '!' to
 * exclude it.  NTLM is the only mechanism this package offers, so a list
 * that excludes NTLM, or names packages and not NTLM, leaves nothing to
 * negotiate: SEC_E_SECPKG_NOT_FOUND.  "Negotiate" in the list stands for
 * every package and is ignored. */
#include <stdlib.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"

#include "negotiate_pkg.h"

static void cred_destroy(struct shim_object *obj)
{
    struct nego_cred *c = (struct nego_cred *)obj;

    shim_object_put(c->ntlm);
    crypto_wipe(c, sizeof(*c));
    free(c);
}

struct nego_cred *nego_cred_from(shim_cred *obj)
{
    if (!obj || obj->kind != SHIM_KIND_CRED || obj->pkg != negotiate_package())
        return NULL;
    return (struct nego_cred *)obj;
}

static shim_wchar fold(shim_wchar c)
{
    return c >= 'a' && c <= 'z' ? (shim_wchar)(c - 0x20) : c;
}

/* Does units[0..n) name `name` (ASCII upper case), ignoring case and the
 * spaces around it? */
static bool entry_is(const shim_wchar *units, size_t n, const char *name)
{
    size_t i = 0, k = 0;

    while (n && units[n - 1] == ' ')
        n--;
    while (i < n && units[i] == ' ')
        i++;
    for (; i < n && name[k]; i++, k++)
        if (fold(units[i]) != (unsigned char)name[k])
            return false;
    return i == n && !name[k];
}

/* SEC_E_OK when NTLM may be used under the list. */
static shim_status check_package_list(const shim_wchar *list, size_t len)
{
    bool named_any = false, named_ntlm = false, excluded = false;
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && list[i] != ',')
            continue;
        const shim_wchar *e = list + start;
        size_t n = i - start;
        bool neg = n && e[0] == '!';
        if (neg) { e++; n--; }
        if (entry_is(e, n, "NTLM")) {
            if (neg) excluded = true; else named_ntlm = true;
        } else if (n && !neg && !entry_is(e, n, "NEGOTIATE") && !entry_is(e, n, "")) {
            named_any = true;
        }
        start = i + 1;
    }
    if (excluded || (named_any && !named_ntlm)) {
        WARN("the package list leaves no mechanism: NTLM is the only one offered\n");
        return SHIM_E_SECPKG_NOT_FOUND;
    }
    return SHIM_OK;
}

/* The PackageList of an _EX identity, in either character set. */
static shim_status package_list(const void *auth)
{
    const struct shim_auth_identity_exw *exw = auth;
    shim_wchar *tmp;
    shim_status st;

    if (!auth || exw->Version != SHIM_AUTH_IDENTITY_VERSION || exw->Length < sizeof(*exw) ||
        !exw->PackageList || !exw->PackageListLength)
        return SHIM_OK;
    if (exw->PackageListLength > 4096)
        return SHIM_E_UNKNOWN_CREDENTIALS;
    if (exw->Flags & SHIM_AUTH_IDENTITY_UNICODE)
        return check_package_list(exw->PackageList, exw->PackageListLength);
    /* ANSI: the bytes taken as Latin-1, as NTLM takes the other fields. */
    const struct shim_auth_identity_exa *exa = auth;
    if (!(tmp = malloc(exa->PackageListLength * sizeof(shim_wchar))))
        return SHIM_E_INSUFFICIENT_MEMORY;
    for (uint32_t i = 0; i < exa->PackageListLength; i++)
        tmp[i] = exa->PackageList[i];
    st = check_package_list(tmp, exa->PackageListLength);
    free(tmp);
    return st;
}

shim_status nego_acquire_credentials(const struct shim_package *pkg, const shim_wchar *principal,
                                     uint32_t use, void *logon_id, void *auth_data,
                                     void *get_key_fn, void *get_key_arg,
                                     shim_cred **out, int64_t *expiry)
{
    struct nego_cred *c;
    shim_cred *ntlm = NULL;
    shim_status st;

    if ((st = package_list(auth_data)))
        return st;
    st = NTLM_OPS->acquire_credentials(ntlm_package(), principal, use, logon_id, auth_data, get_key_fn,
                                       get_key_arg, &ntlm, expiry);
    if (st)
        return st;
    if (!(c = calloc(1, sizeof(*c)))) {
        NTLM_OPS->free_credentials(ntlm);
        shim_object_put(ntlm);
        return SHIM_E_INSUFFICIENT_MEMORY;
    }
    shim_object_init(&c->hdr, SHIM_KIND_CRED, pkg, cred_destroy);
    c->ntlm = ntlm;
    *out = &c->hdr;
    return SHIM_OK;
}

shim_status nego_free_credentials(shim_cred *obj)
{
    struct nego_cred *c = nego_cred_from(obj);

    if (!c)
        return SHIM_E_INVALID_HANDLE;
    return NTLM_OPS->free_credentials(c->ntlm);
}

shim_status nego_query_credentials_attributes(shim_cred *obj, uint32_t attr, void *buf)
{
    struct nego_cred *c = nego_cred_from(obj);

    if (!c)
        return SHIM_E_INVALID_HANDLE;
    return NTLM_OPS->query_credentials_attributes(c->ntlm, attr, buf);
}
