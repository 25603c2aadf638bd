/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Negotiate credentials: a Kerberos and an NTLM credential inside, each
 * acquired with the same arguments, so every rule of core/kerberos and
 * core/ntlm credentials holds here too.  Kerberos is there when the
 * Kerberos package is sspishim's (not handed to Wine's builtin with
 * SSPISHIM_KERBEROS=builtin) and its credential could be acquired; its KDC
 * exchanges wait at most SSPISHIM_NEGOTIATE_KDC_MS milliseconds (default
 * 1500), since Negotiate falls back to NTLM.
 *
 * SEC_WINNT_AUTH_IDENTITY_EX's PackageList is a comma-separated list of
 * package names, each possibly prefixed with '!' to exclude it: names
 * given choose among Kerberos and NTLM ("kerberos" alone, as MS-SPNG
 * clients write it), exclusions take out ("!ntlm", as curl passes it:
 * Kerberos only).  "Negotiate" stands for every package and is ignored, as
 * are names of packages sspishim does not have inside Negotiate.  A list
 * that leaves nothing is SEC_E_SECPKG_NOT_FOUND. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"

#include "negotiate_pkg.h"

static void cred_destroy(struct shim_object *obj)
{
    struct nego_cred *c = (struct nego_cred *)obj;

    shim_object_put(c->ntlm);
    shim_object_put(c->krb);
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

/* Which mechanisms the list allows. */
static shim_status check_package_list(const shim_wchar *list, size_t len, bool *ntlm, bool *krb)
{
    bool named_any = false, named_ntlm = false, named_krb = false, no_ntlm = false, no_krb = false;
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && list[i] != ',')
            continue;
        const shim_wchar *e = list + start;
        size_t n = i - start;
        bool neg = n && e[0] == '!';
        if (neg) { e++; n--; }
        if (entry_is(e, n, "NTLM")) {
            if (neg) no_ntlm = true; else named_ntlm = true;
        } else if (entry_is(e, n, "KERBEROS")) {
            if (neg) no_krb = true; else named_krb = true;
        } else if (n && !neg && !entry_is(e, n, "NEGOTIATE") && !entry_is(e, n, "")) {
            named_any = true;
        }
        start = i + 1;
    }
    bool chosen = named_ntlm || named_krb || named_any;
    *ntlm = (!chosen || named_ntlm) && !no_ntlm;
    *krb = (!chosen || named_krb) && !no_krb;
    if (!*ntlm && !*krb) {
        WARN("the package list leaves no mechanism: Negotiate has Kerberos and NTLM\n");
        return SHIM_E_SECPKG_NOT_FOUND;
    }
    TRACE("package list: Kerberos %s, NTLM %s\n", *krb ? "yes" : "no", *ntlm ? "yes" : "no");
    return SHIM_OK;
}

/* The PackageList of an _EX identity, in either character set. */
static shim_status package_list(const void *auth, bool *ntlm, bool *krb)
{
    const struct shim_auth_identity_exw *exw = auth;
    shim_wchar *tmp;
    shim_status st;

    *ntlm = *krb = true;
    if (!auth || exw->Version != SHIM_AUTH_IDENTITY_VERSION || exw->Length < sizeof(*exw) ||
        !exw->PackageList || !exw->PackageListLength)
        return SHIM_OK;
    if (exw->PackageListLength > 4096)
        return SHIM_E_UNKNOWN_CREDENTIALS;
    if (exw->Flags & SHIM_AUTH_IDENTITY_UNICODE)
        return check_package_list(exw->PackageList, exw->PackageListLength, ntlm, krb);
    /* ANSI: the bytes taken as Latin-1, as NTLM takes the other fields. */
    const struct shim_auth_identity_exa *exa = auth;
    if (!(tmp = malloc(exa->PackageListLength * sizeof(shim_wchar))))
        return SHIM_E_INSUFFICIENT_MEMORY;
    for (uint32_t i = 0; i < exa->PackageListLength; i++)
        tmp[i] = exa->PackageList[i];
    st = check_package_list(tmp, exa->PackageListLength, ntlm, krb);
    free(tmp);
    return st;
}

/* SSPISHIM_NEGOTIATE_KDC_MS: how long Negotiate's Kerberos waits for KDCs. */
static unsigned negotiate_kdc_ms(void)
{
    char v[16];
    long ms;

    if (sys_getenv_ascii("SSPISHIM_NEGOTIATE_KDC_MS", v, sizeof(v)) || (ms = strtol(v, NULL, 10)) <= 0 ||
        ms > 60000)
        return 1500;
    return (unsigned)ms;
}

shim_status nego_acquire_credentials(const struct shim_package *pkg, const shim_wchar *principal,
                                     uint32_t use, void *logon_id, void *auth_data,
                                     void *get_key_fn, void *get_key_arg,
                                     shim_cred **out, int64_t *expiry)
{
    const struct shim_package *kpkg = kerberos_package();
    struct nego_cred *c;
    shim_cred *ntlm = NULL, *krb = NULL;
    bool want_ntlm, want_krb;
    int64_t kexp;
    shim_status st;

    if ((st = package_list(auth_data, &want_ntlm, &want_krb)))
        return st;
    if (want_krb && kerberos_delegated())
        want_krb = false;
    if (!want_ntlm && !want_krb) {
        WARN("Kerberos is Wine's builtin's (SSPISHIM_KERBEROS), and the package list excludes NTLM\n");
        return SHIM_E_SECPKG_NOT_FOUND;
    }
    if (want_krb) {
        st = kpkg->ops->acquire_credentials(kpkg, principal, use, logon_id, auth_data, get_key_fn, get_key_arg,
                                            &krb, &kexp);
        if (st) {
            WARN("no Kerberos credential (%08x)%s\n", (unsigned)st, want_ntlm ? ": NTLM only" : "");
            if (!want_ntlm)
                return st;
            krb = NULL;
        } else {
            kerberos_cred_limit_kdc_wait(krb, negotiate_kdc_ms());
            *expiry = kexp;
        }
    }
    if (want_ntlm) {
        st = NTLM_OPS->acquire_credentials(ntlm_package(), principal, use, logon_id, auth_data, get_key_fn,
                                           get_key_arg, &ntlm, expiry);
        if (st) {
            shim_object_put(krb);
            return st;
        }
    }
    if (!(c = calloc(1, sizeof(*c)))) {
        shim_object_put(ntlm);
        shim_object_put(krb);
        return SHIM_E_INSUFFICIENT_MEMORY;
    }
    shim_object_init(&c->hdr, SHIM_KIND_CRED, pkg, cred_destroy);
    c->ntlm = ntlm;
    c->krb = krb;
    *out = &c->hdr;
    return SHIM_OK;
}

shim_status nego_free_credentials(shim_cred *obj)
{
    struct nego_cred *c = nego_cred_from(obj);

    if (!c)
        return SHIM_E_INVALID_HANDLE;
    return c->ntlm ? NTLM_OPS->free_credentials(c->ntlm) : SHIM_OK;
}

shim_status nego_query_credentials_attributes(shim_cred *obj, uint32_t attr, void *buf)
{
    struct nego_cred *c = nego_cred_from(obj);
    shim_cred *inner;

    if (!c)
        return SHIM_E_INVALID_HANDLE;
    inner = c->ntlm ? c->ntlm : c->krb;
    return inner->pkg->ops->query_credentials_attributes(inner, attr, buf);
}
