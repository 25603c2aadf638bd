/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kerberos credentials: AcquireCredentialsHandle("Kerberos"), and the
 * tickets a credential collects.
 *
 * As on Windows, acquiring never contacts a KDC and never fails for lack
 * of a ticket: what is missing shows in InitializeSecurityContext.
 * - An explicit identity (SEC_WINNT_AUTH_IDENTITY_W/A, _EXW/_EXA): the
 *   user is "alice", "alice@REALM" or "REALM\alice"; the Domain field,
 *   when given, is the realm; the realm is upper-cased, as Windows does;
 *   with none, krb5.conf's default_realm.  The password is kept (wiped on
 *   free) for the AS exchange at the first InitializeSecurityContext; its
 *   TGT is then kept for the credential's life.  An identity without a
 *   password uses the credential cache, if it holds that user's tickets.
 * - No identity: the host's credential cache (KRB5CCNAME, else MIT's
 *   /tmp/krb5cc_<uid>: what kinit wrote), read at the first use.
 * - Inbound: nothing to acquire; AcceptSecurityContext reads the keytab.
 * Service tickets, once got, are kept in the credential (a few, the oldest
 * going first), as Windows keeps them per logon session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/krb_ccache.h"

#include "exchange.h"
#include "krb_pkg.h"

static void cred_destroy(struct shim_object *obj)
{
    struct krb_cred *c = (struct krb_cred *)obj;

    if (c->password) {
        crypto_wipe(c->password, c->password_len);
        free(c->password);
    }
    if (c->have_tgt)
        krb_creds_free(&c->tgt);
    for (unsigned i = 0; i < c->n_tickets; i++)
        krb_creds_free(&c->tickets[i]);
    crypto_wipe(c, sizeof(*c));
    free(c);
}

struct krb_cred *krb_cred_from(shim_cred *obj)
{
    if (!obj || obj->kind != SHIM_KIND_CRED || obj->pkg != kerberos_package())
        return NULL;
    return (struct krb_cred *)obj;
}

/* One field of an identity, in either character set, as UTF-8. */
static bool field(const void *s, uint32_t len, bool unicode, char *out, size_t max)
{
    if (!s || !len) {
        out[0] = 0;
        return true;
    }
    return unicode ? krb_utf16_to_utf8(s, len, out, max) : krb_latin1_to_utf8(s, len, out, max);
}

static void upcase(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static shim_status read_identity(struct krb_cred *c, const void *auth)
{
    const struct shim_auth_identity_exw *ex = auth;
    const struct shim_auth_identity_w *w = auth;
    const void *user, *domain, *password;
    uint32_t ul, dl, pl, flags;
    char domain8[KRB_STR_MAX], *pw;
    size_t pw_max;
    bool unicode;

    /* Version sits where the plain structure has the low half of its User
     * pointer, which is never 0x200 or 0x201 for a real pointer. */
    if (ex->Version == SHIM_AUTH_IDENTITY_VERSION_2)
        return SHIM_E_UNKNOWN_CREDENTIALS;
    if (ex->Version == SHIM_AUTH_IDENTITY_VERSION) {
        if (ex->Length < sizeof(*ex))
            return SHIM_E_UNKNOWN_CREDENTIALS;
        user = ex->User, ul = ex->UserLength, domain = ex->Domain, dl = ex->DomainLength;
        password = ex->Password, pl = ex->PasswordLength, flags = ex->Flags;
    } else {
        user = w->User, ul = w->UserLength, domain = w->Domain, dl = w->DomainLength;
        password = w->Password, pl = w->PasswordLength, flags = w->Flags;
    }
    if (!(flags & (SHIM_AUTH_IDENTITY_UNICODE | SHIM_AUTH_IDENTITY_ANSI)) || (ul && !user) || (dl && !domain) ||
        (pl && !password) || ul >= KRB_STR_MAX || dl >= KRB_STR_MAX || pl > 1024)
        return SHIM_E_UNKNOWN_CREDENTIALS;
    unicode = (flags & SHIM_AUTH_IDENTITY_UNICODE) != 0;
    if (!field(user, ul, unicode, c->user, sizeof(c->user)) || !field(domain, dl, unicode, domain8, sizeof(domain8)))
        return SHIM_E_UNKNOWN_CREDENTIALS;
    if (password) {
        pw_max = (size_t)pl * 3 + 1;
        if (!(pw = malloc(pw_max)))
            return SHIM_E_INSUFFICIENT_MEMORY;
        if (!field(password, pl, unicode, pw, pw_max)) {
            crypto_wipe(pw, pw_max);
            free(pw);
            return SHIM_E_UNKNOWN_CREDENTIALS;
        }
        c->password = pw;
        c->password_len = strlen(pw);
    }
    /* "alice@REALM" and "REALM\alice" carry their realm. */
    char *at = strrchr(c->user, '@'), *bs = strchr(c->user, '\\');
    if (at) {
        *at = 0;
        if (!domain8[0])
            strcpy(domain8, at + 1);
    } else if (bs) {
        if (!domain8[0]) {
            *bs = 0;
            strcpy(domain8, c->user);
        }
        memmove(c->user, bs + 1, strlen(bs + 1) + 1);
    }
    strcpy(c->realm, domain8);
    upcase(c->realm);
    c->explicit_identity = c->user[0] != 0;
    return SHIM_OK;
}

shim_status krb_acquire_credentials(const struct shim_package *pkg, const shim_wchar *principal, uint32_t use,
                                    void *logon_id, void *auth_data, void *get_key_fn, void *get_key_arg,
                                    shim_cred **out, int64_t *expiry)
{
    struct krb_cred *c;
    shim_status st = SHIM_OK;

    (void)principal;
    (void)logon_id;
    (void)get_key_fn;
    (void)get_key_arg;
    use &= ~(0xf0000000u | 0x10u | 0x20u);
    if (use != SHIM_CRED_INBOUND && use != SHIM_CRED_OUTBOUND && use != SHIM_CRED_BOTH)
        return SHIM_E_UNKNOWN_CREDENTIALS;
    if (!(c = calloc(1, sizeof(*c))))
        return SHIM_E_INSUFFICIENT_MEMORY;
    shim_object_init(&c->hdr, SHIM_KIND_CRED, pkg, cred_destroy);
    sys_mutex_init(&c->lock);
    c->use = use;
    if ((use & SHIM_CRED_OUTBOUND) && auth_data)
        st = read_identity(c, auth_data);
    if (st) {
        shim_object_put(&c->hdr);
        return st;
    }
    TRACE("credential for %s@%s (%s), use %u\n", c->user[0] ? c->user : "(the cache's)",
          c->realm[0] ? c->realm : "(default)", c->password ? "password" : "credential cache", use);
    *out = &c->hdr;
    *expiry = SHIM_TIME_NEVER;
    return SHIM_OK;
}

shim_status krb_free_credentials(shim_cred *cred)
{
    (void)cred;
    return SHIM_OK;
}

/* ---- tickets ------------------------------------------------------------------ */

/* The TGT from the host's credential cache, for the credential's user
 * (any, when it names none). */
static shim_status tgt_from_cache(struct krb_cred *c)
{
    struct krb_file f;
    struct krb_ccache cc;
    struct krb_ccache_cred e;
    char name[KRB_STR_MAX];
    int64_t now;
    int rc;

    if ((rc = krb_ccache_load(NULL, &f)) != KRB_FILE_OK) {
        WARN("no credential cache (%s): run kinit, or give a password\n", krb_file_status_text(rc));
        return SHIM_E_NO_CREDENTIALS;
    }
    shim_status st = SHIM_E_NO_CREDENTIALS;
    if (krb_ccache_open(&cc, f.data, f.len) != KRB_FILE_OK) {
        WARN("the credential cache %s is not one we read\n", f.path);
        goto done;
    }
    krb_principal_text(&cc.princ, name, sizeof(name));
    if ((c->user[0] && strcmp(name, c->user)) || (c->realm[0] && strcmp(cc.realm, c->realm))) {
        WARN("the credential cache is %s@%s, not %s@%s\n", name, cc.realm, c->user, c->realm);
        goto done;
    }
    if (krb_ccache_find_tgt(&cc, NULL, &e) != KRB_FILE_OK) {
        WARN("the credential cache %s holds no TGT\n", f.path);
        goto done;
    }
    c->clock_offset = cc.has_kdc_offset ? cc.kdc_offset_sec : 0;
    krb_clock(c->clock_offset, &now, NULL);
    if (e.endtime <= now) {
        WARN("the TGT in %s has expired: run kinit again\n", f.path);
        st = SHIM_E_NO_CREDENTIALS;
    } else if (krb_ccache_to_creds(&e, &c->tgt) == KRB_FILE_OK) {
        c->have_tgt = true;
        st = SHIM_OK;
        TRACE("TGT of %s@%s from %s\n", name, cc.realm, f.path);
    } else {
        st = SHIM_E_INSUFFICIENT_MEMORY;
    }
    crypto_wipe(&e, sizeof(e));
done:
    krb_file_free(&f);
    return st;
}

static shim_status tgt_from_password(struct krb_cred *c, struct krb_realm_conf *conf)
{
    struct krb_as as;
    int rc;

    if (!c->realm[0] && krb_realm_default(conf, c->realm))
        return SHIM_E_NO_CREDENTIALS;
    if ((rc = krb_as_init(&as, c->user, c->realm, c->password, c->password_len, NULL, 0)) != KRB_OK)
        return krb_sec_status(rc);
    rc = krb_realm_run_as(conf, c->realm, c->kdc_budget_ms, &as);
    if (rc == KRB_OK) {
        krb_as_take_tgt(&as, &c->tgt);
        c->have_tgt = true;
    } else {
        WARN("AS exchange for %s@%s: %s\n", c->user, c->realm, krb_status_text(rc));
    }
    krb_as_free(&as);
    return rc == KRB_OK ? SHIM_OK : krb_sec_status(rc);
}

static shim_status ensure_tgt(struct krb_cred *c, struct krb_realm_conf *conf)
{
    int64_t now;

    krb_clock(c->clock_offset, &now, NULL);
    if (c->have_tgt && c->tgt.endtime > now + KRB_PKG_TICKET_MARGIN)
        return SHIM_OK;
    if (c->have_tgt) {
        krb_creds_free(&c->tgt);
        c->have_tgt = false;
    }
    if (!(c->use & SHIM_CRED_OUTBOUND))
        return SHIM_E_NO_CREDENTIALS;
    return c->password ? tgt_from_password(c, conf) : tgt_from_cache(c);
}

/* "svc/host[:port]@REALM" into the principal and its realm (empty when the
 * name carries none). */
static shim_status parse_target(const char *target, struct krb_principal *p, char realm[KRB_STR_MAX])
{
    char name[KRB_STR_MAX];
    const char *at = strrchr(target, '@');
    size_t n = at ? (size_t)(at - target) : strlen(target);

    if (!n || n >= sizeof(name) || (at && strlen(at + 1) >= KRB_STR_MAX))
        return SHIM_E_TARGET_UNKNOWN;
    memcpy(name, target, n);
    name[n] = 0;
    strcpy(realm, at ? at + 1 : "");
    if (krb_principal_parse(name, KRB_NT_SRV_INST, p))
        return SHIM_E_TARGET_UNKNOWN;
    if (p->count == 1)
        p->type = KRB_NT_PRINCIPAL;
    return SHIM_OK;
}

static const struct krb_creds *cached_ticket(struct krb_cred *c, const struct krb_principal *p, const char *realm)
{
    int64_t now;

    krb_clock(c->clock_offset, &now, NULL);
    for (unsigned i = 0; i < c->n_tickets; i++) {
        const struct krb_creds *t = &c->tickets[i];
        if (krb_principal_equal(&t->sname, p) && !strcmp(t->srealm, realm) &&
            t->endtime > now + KRB_PKG_TICKET_MARGIN)
            return t;
    }
    return NULL;
}

static shim_status copy_creds(const struct krb_creds *in, struct krb_creds *out)
{
    *out = *in;
    if (!(out->ticket = malloc(in->ticket_len))) {
        crypto_wipe(out, sizeof(*out));
        return SHIM_E_INSUFFICIENT_MEMORY;
    }
    memcpy(out->ticket, in->ticket, in->ticket_len);
    return SHIM_OK;
}

static void keep_ticket(struct krb_cred *c, struct krb_creds *t)
{
    unsigned slot;

    if (c->n_tickets < KRB_PKG_TICKETS) {
        slot = c->n_tickets++;
    } else {
        slot = c->next_ticket++ % KRB_PKG_TICKETS;
        krb_creds_free(&c->tickets[slot]);
    }
    c->tickets[slot] = *t;
}

shim_status krb_cred_service_ticket(struct krb_cred *c, const char *target, struct krb_creds *out,
                                    int64_t *clock_offset)
{
    struct krb_principal sname;
    char realm[KRB_STR_MAX], text[KRB_STR_MAX];
    const struct krb_creds *have;
    struct krb_tgs tgs;
    struct krb_creds got;
    struct krb_realm_conf conf = { 0 };
    shim_status st;
    int rc;

    if ((st = parse_target(target, &sname, realm)))
        return st;
    sys_mutex_lock(&c->lock);
    if ((st = ensure_tgt(c, &conf)))
        goto done;
    if (!realm[0]) {
        if (sname.count >= 2) {
            /* The host without a port: "HTTP/www.example.com:8080". */
            char host[KRB_STR_MAX], *colon;
            strcpy(host, sname.comp[1]);
            if ((colon = strchr(host, ':')))
                *colon = 0;
            krb_realm_for_host(&conf, host, c->tgt.crealm, realm);
        } else {
            strcpy(realm, c->tgt.crealm);
        }
    }
    *clock_offset = c->clock_offset;
    if ((have = cached_ticket(c, &sname, realm))) {
        st = copy_creds(have, out);
        goto done;
    }
    krb_principal_text(&sname, text, sizeof(text));
    if ((rc = krb_tgs_init(&tgs, &c->tgt, text, realm)) != KRB_OK) {
        st = krb_sec_status(rc);
        goto done;
    }
    tgs.clock_offset = c->clock_offset;
    rc = krb_realm_run_tgs(&conf, c->tgt.crealm, c->kdc_budget_ms, &tgs);
    if (rc == KRB_OK) {
        krb_tgs_take_creds(&tgs, &got);
        if (!(st = copy_creds(&got, out)))
            keep_ticket(c, &got);
        else
            krb_creds_free(&got);
    } else {
        WARN("no ticket for %s@%s: %s\n", text, realm, krb_status_text(rc));
        st = rc == KRB_E_SERVER_UNKNOWN ? SHIM_E_TARGET_UNKNOWN : krb_sec_status(rc);
    }
    krb_tgs_free(&tgs);
done:
    sys_mutex_unlock(&c->lock);
    krb_realm_conf_free(&conf);
    return st;
}

/* SECPKG_CRED_ATTR_NAMES: "user@REALM" of an explicit identity, else the
 * cache's principal. */
shim_status krb_query_credentials_attributes(shim_cred *obj, uint32_t attr, void *buf)
{
    struct krb_cred *c = krb_cred_from(obj);
    struct shim_cred_names *names = buf;
    char text[2 * KRB_STR_MAX + 2];
    struct krb_realm_conf conf = { 0 };
    shim_status st = SHIM_OK;

    if (!c)
        return SHIM_E_INVALID_HANDLE;
    if (attr != SHIM_CRED_ATTR_NAMES)
        return SHIM_E_UNSUPPORTED_FUNCTION;
    sys_mutex_lock(&c->lock);
    if (c->explicit_identity) {
        snprintf(text, sizeof(text), "%s@%s", c->user, c->realm);
    } else if (c->have_tgt || !(st = ensure_tgt(c, &conf))) {
        krb_principal_full(&c->tgt.cname, c->tgt.crealm, text, sizeof(text));
    }
    sys_mutex_unlock(&c->lock);
    krb_realm_conf_free(&conf);
    if (st)
        return st;
    return (names->sUserName = krb_caller_wstr(text)) ? SHIM_OK : SHIM_E_INSUFFICIENT_MEMORY;
}

void kerberos_cred_limit_kdc_wait(shim_cred *obj, unsigned ms)
{
    struct krb_cred *c = krb_cred_from(obj);

    if (c)
        c->kdc_budget_ms = ms;
}
