/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLM credentials: AcquireCredentialsHandle and what a credential knows.
 *
 * Choices where Windows leaves room or cannot be copied:
 * - fCredentialUse is INBOUND, OUTBOUND or BOTH (the reserved and policy
 *   bits are ignored); anything else is SEC_E_UNKNOWN_CREDENTIALS, as in
 *   Wine's msv1_0.
 * - An inbound credential needs nothing: acquiring one never fails for lack
 *   of accounts.  The server's AcceptSecurityContext reports a missing
 *   accounts file (SEC_E_NO_CREDENTIALS), when it is needed.
 * - The outbound part is resolved when the credential is acquired, but
 *   what cannot be resolved then does not fail the acquire: as on Windows,
 *   the credential is handed out and InitializeSecurityContext fails with
 *   SEC_E_NO_CREDENTIALS when it needs the password (the AUTHENTICATE).
 *   * no auth data: the current user's entry in the accounts file, or the
 *     file's first entry; neither (or no file): the current user's name,
 *     with nothing to log on with;
 *   * SEC_WINNT_AUTH_IDENTITY_W or _EXW (Version 0x200) with the UNICODE
 *     flag, or the ANSI flag (bytes taken as Latin-1; the DLL's A entry
 *     points convert with the ANSI code page before we see them);
 *   * a missing user (NULL or empty) takes user, and domain and password
 *     when those are missing too, from the default entry above; with no
 *     default entry the user is the current user (Windows takes it from
 *     the logon session), and a password given is used for it;
 *   * a NULL password looks the user up in the accounts file (as
 *     gss-ntlmssp does).  An empty but non-NULL password is the empty
 *     password.  A user name alone therefore needs no accounts file to be
 *     acquired;
 *   * a user written DOMAIN\user with no domain is split there;
 *   * user, domain and password all empty asks for an anonymous logon,
 *     which this package does not offer: SEC_E_NO_CREDENTIALS;
 *   * other identity versions or flags: SEC_E_UNKNOWN_CREDENTIALS.
 * - The principal names the server (inbound): "COMPUTER" or
 *   "DOMAIN\COMPUTER".  It is ignored for outbound use.
 * - Expiry is "never" (SHIM_TIME_NEVER). */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/ntlm_accounts.h"

#include "ntlm_pkg.h"

/* An identity in one shape, whatever shape it came in. */
struct identity {
    const void *user, *domain, *password;
    uint32_t user_len, domain_len, password_len;
    bool unicode;
};

static void cred_destroy(struct shim_object *obj)
{
    struct ntlm_cred *c = (struct ntlm_cred *)obj;

    ntlm_name_clear(&c->user);
    ntlm_name_clear(&c->domain);
    ntlm_name_clear(&c->computer);
    ntlm_name_clear(&c->server_domain);
    crypto_wipe(c, sizeof(*c));
    free(c);
}

struct ntlm_cred *ntlm_cred_from(shim_cred *obj)
{
    if (!obj || obj->kind != SHIM_KIND_CRED || obj->pkg != ntlm_package())
        return NULL;
    return (struct ntlm_cred *)obj;
}

/* Reads whichever identity structure auth points at. */
static shim_status identity_read(const void *auth, struct identity *id)
{
    const struct shim_auth_identity_exw *ex = auth;
    const struct shim_auth_identity_w *w = auth;
    uint32_t flags;

    memset(id, 0, sizeof(*id));
    /* Version sits where the plain structure has the low half of its User
     * pointer, which is never 0x200 or 0x201 for a real pointer. */
    if (ex->Version == SHIM_AUTH_IDENTITY_VERSION_2) {
        WARN("SEC_WINNT_AUTH_IDENTITY_EX2 is not supported\n");
        return SHIM_E_UNKNOWN_CREDENTIALS;
    }
    if (ex->Version == SHIM_AUTH_IDENTITY_VERSION) {
        if (ex->Length < sizeof(*ex)) {
            WARN("identity EX of length %u\n", ex->Length);
            return SHIM_E_UNKNOWN_CREDENTIALS;
        }
        id->user = ex->User;
        id->user_len = ex->UserLength;
        id->domain = ex->Domain;
        id->domain_len = ex->DomainLength;
        id->password = ex->Password;
        id->password_len = ex->PasswordLength;
        flags = ex->Flags;
    } else {
        id->user = w->User;
        id->user_len = w->UserLength;
        id->domain = w->Domain;
        id->domain_len = w->DomainLength;
        id->password = w->Password;
        id->password_len = w->PasswordLength;
        flags = w->Flags;
    }
    if (flags & SHIM_AUTH_IDENTITY_UNICODE)
        id->unicode = true;
    else if (!(flags & SHIM_AUTH_IDENTITY_ANSI)) {
        WARN("identity flags %#x name no character set\n", flags);
        return SHIM_E_UNKNOWN_CREDENTIALS;
    }
    if (id->user_len > NTLM_NAME_MAX || id->domain_len > NTLM_NAME_MAX || id->password_len > NTLM_NAME_MAX ||
        (id->user_len && !id->user) || (id->domain_len && !id->domain) ||
        (id->password_len && !id->password)) {
        WARN("identity with a bad length or pointer\n");
        return SHIM_E_UNKNOWN_CREDENTIALS;
    }
    return SHIM_OK;
}

static int identity_field(struct ntlm_name *n, const void *s, uint32_t len, bool unicode)
{
    return unicode ? ntlm_name_set(n, s, len) : ntlm_name_from_latin1(n, s, len);
}

static shim_status text_status(int rc)
{
    return rc == NTLM_TEXT_NO_MEMORY ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_E_UNKNOWN_CREDENTIALS;
}

/* Copies an account's names and hash into the credential. */
static shim_status take_account(struct ntlm_cred *c, const struct ntlm_account *a, bool user, bool domain,
                                bool hash)
{
    if ((user && ntlm_name_set(&c->user, a->user, a->user_len)) ||
        (domain && ntlm_name_set(&c->domain, a->domain, a->domain_len)))
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (hash)
        memcpy(c->nt_hash, a->nt_hash, sizeof(c->nt_hash));
    return SHIM_OK;
}

/* The current user's entry, or the file's first. */
static int default_account(struct ntlm_account *a)
{
    shim_wchar *me = sys_current_user();
    int rc = ntlm_accounts_default(me, me ? wstr_len(me) : 0, a);

    free(me);
    return rc;
}

/* The name the logon session would give: the user this process runs as. */
static shim_status current_user(struct ntlm_cred *c)
{
    shim_wchar *me = sys_current_user();
    int rc = me ? ntlm_name_set(&c->user, me, wstr_len(me)) : 0;

    free(me);
    return rc == NTLM_TEXT_NO_MEMORY ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
}

/* What the accounts file could not give is reported later; only a failure
 * to allocate fails the acquire. */
static shim_status defer(struct ntlm_cred *c, int rc)
{
    if (rc == NTLM_ACCOUNTS_NO_MEMORY)
        return SHIM_E_INSUFFICIENT_MEMORY;
    c->missing = SHIM_E_NO_CREDENTIALS;
    return SHIM_OK;
}

static shim_status outbound_default(struct ntlm_cred *c)
{
    struct ntlm_account a;
    shim_status st;
    int rc;

    if ((rc = default_account(&a))) {
        WARN("no default credentials (%s): InitializeSecurityContext will fail\n",
             rc == NTLM_ACCOUNTS_NO_FILE ? "no accounts file" : "no account");
        return (st = defer(c, rc)) ? st : current_user(c);
    }
    st = take_account(c, &a, true, true, true);
    TRACE("default credentials from accounts line %u\n", a.line);
    ntlm_account_clear(&a);
    return st;
}

/* "DOMAIN\user" in the user field with no domain given. */
static shim_status split_user(struct ntlm_cred *c)
{
    struct ntlm_name user = { 0 };
    size_t i;

    if (c->domain.len)
        return SHIM_OK;
    for (i = 0; i < c->user.len && c->user.s[i] != '\\'; i++)
        ;
    if (i == c->user.len)
        return SHIM_OK;
    if (ntlm_name_set(&user, c->user.s + i + 1, c->user.len - i - 1) ||
        ntlm_name_set(&c->domain, c->user.s, i)) {
        ntlm_name_clear(&user);
        return SHIM_E_INSUFFICIENT_MEMORY;
    }
    ntlm_name_clear(&c->user);
    c->user = user;
    return SHIM_OK;
}

static shim_status outbound_identity(struct ntlm_cred *c, const void *auth)
{
    struct identity id;
    struct ntlm_name password = { 0 };
    struct ntlm_account a;
    shim_status st;
    int rc;

    if ((st = identity_read(auth, &id)))
        return st;
    if (!id.user_len && !id.domain_len && !id.password_len && id.password) {
        WARN("anonymous credentials are not supported\n");
        return SHIM_E_NO_CREDENTIALS;
    }
    if ((rc = identity_field(&c->user, id.user, id.user_len, id.unicode)) ||
        (rc = identity_field(&c->domain, id.domain, id.domain_len, id.unicode)))
        return text_status(rc);
    if (!c->user.len) {
        /* Windows fills what the identity leaves out from the logon
         * session; ours is the default entry of the accounts file, or
         * failing that the current user with the password given. */
        if ((rc = default_account(&a))) {
            if ((st = current_user(c)))
                return st;
            if (!id.password) {
                WARN("no user, no password and no default account\n");
                return defer(c, rc);
            }
        } else {
            st = take_account(c, &a, true, !c->domain.len, !id.password);
            ntlm_account_clear(&a);
            if (st)
                return st;
        }
    } else {
        if ((st = split_user(c)))
            return st;
        if (!id.password) {
            if ((rc = ntlm_accounts_find(c->user.s, c->user.len, c->domain.s, c->domain.len, &a))) {
                WARN("no password given and %s not in the accounts file\n", dbg_wstr(c->user.s));
                return defer(c, rc);
            }
            memcpy(c->nt_hash, a.nt_hash, sizeof(c->nt_hash));
            ntlm_account_clear(&a);
        }
    }
    if (id.password) {
        if ((rc = identity_field(&password, id.password, id.password_len, id.unicode)))
            return text_status(rc);
        ntlm_nt_hash(password.s, password.len, c->nt_hash);
        ntlm_name_clear(&password);
    }
    return SHIM_OK;
}

/* "COMPUTER" or "DOMAIN\COMPUTER". */
static shim_status inbound_principal(struct ntlm_cred *c, const shim_wchar *principal)
{
    size_t len = wstr_len(principal), i;

    if (!len)
        return SHIM_OK;
    if (len > NTLM_NAME_MAX)
        return SHIM_E_UNKNOWN_CREDENTIALS;
    for (i = 0; i < len && principal[i] != '\\'; i++)
        ;
    if (i == len)
        return ntlm_name_set(&c->computer, principal, len) ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
    if (ntlm_name_set(&c->server_domain, principal, i) ||
        ntlm_name_set(&c->computer, principal + i + 1, len - i - 1))
        return SHIM_E_INSUFFICIENT_MEMORY;
    return SHIM_OK;
}

shim_status ntlm_acquire_credentials(const struct shim_package *pkg, const shim_wchar *principal,
                                     uint32_t use, void *logon_id, void *auth_data,
                                     void *get_key_fn, void *get_key_arg,
                                     shim_cred **out, int64_t *expiry)
{
    struct ntlm_cred *c;
    shim_status st = SHIM_OK;

    (void)logon_id;
    (void)get_key_fn;
    (void)get_key_arg;
    /* SECPKG_CRED_RESERVED, _AUTOLOGON_RESTRICTED and _PROCESS_POLICY_ONLY
     * change nothing for us. */
    use &= ~(0xf0000000u | 0x10u | 0x20u);
    if (use != SHIM_CRED_INBOUND && use != SHIM_CRED_OUTBOUND && use != SHIM_CRED_BOTH) {
        WARN("credential use %#x\n", use);
        return SHIM_E_UNKNOWN_CREDENTIALS;
    }
    if (!(c = calloc(1, sizeof(*c))))
        return SHIM_E_INSUFFICIENT_MEMORY;
    shim_object_init(&c->hdr, SHIM_KIND_CRED, pkg, cred_destroy);
    c->use = use;
    if (use & SHIM_CRED_OUTBOUND)
        st = auth_data ? outbound_identity(c, auth_data) : outbound_default(c);
    if (!st && (use & SHIM_CRED_INBOUND))
        st = inbound_principal(c, principal);
    if (st) {
        shim_object_put(&c->hdr);
        return st;
    }
    TRACE("credential for %s\\%s, use %u\n", dbg_wstr(c->domain.s), dbg_wstr(c->user.s), use);
    *out = &c->hdr;
    *expiry = SHIM_TIME_NEVER;
    return SHIM_OK;
}

/* The object goes with its last reference; the dispatcher drops it. */
shim_status ntlm_free_credentials(shim_cred *cred)
{
    (void)cred;
    return SHIM_OK;
}

/* SECPKG_CRED_ATTR_NAMES: "DOMAIN\user" of an outbound credential; an
 * inbound-only one is the process's user, as the server runs as that user. */
shim_status ntlm_query_credentials_attributes(shim_cred *obj, uint32_t attr, void *buf)
{
    struct ntlm_cred *c = ntlm_cred_from(obj);
    struct shim_cred_names *names = buf;
    shim_wchar *me;

    if (!c)
        return SHIM_E_INVALID_HANDLE;
    if (attr != SHIM_CRED_ATTR_NAMES) {
        TRACE("credential attribute %u not supported\n", attr);
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if (c->use & SHIM_CRED_OUTBOUND) {
        names->sUserName = ntlm_join_caller(&c->domain, &c->user);
    } else {
        if (!(me = sys_current_user()))
            return SHIM_E_NO_CREDENTIALS;
        names->sUserName = ntlm_wstr_caller(me, wstr_len(me));
        free(me);
    }
    return names->sUserName ? SHIM_OK : SHIM_E_INSUFFICIENT_MEMORY;
}
