/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos package's view of the realm: krb5.conf, read afresh for
 * every call into the package (a few kilobytes, and a user who edits it
 * expects the next logon to see it) but once only within it, and the
 * KDCs it names, the only ones ever
 * contacted: a realm krb5.conf names no KDC for is unreachable, since we
 * make no DNS lookups (dns_lookup_kdc is not honoured; documented). */
#include <string.h>

#include "sspishim/debug.h"
#include "sspishim/krb_conf.h"
#include "sspishim/krb_kdc.h"

#include "krb_pkg.h"

#define KDCS_MAX 16

/* The call's krb5.conf, read at its first use; NULL when there is none
 * (or it is not one we read). */
static const struct krb_conf *conf_of(struct krb_realm_conf *rc)
{
    if (!rc->read) {
        rc->status = krb_conf_load(&rc->conf);
        rc->read = true;
    }
    return rc->status == KRB_FILE_OK ? &rc->conf : NULL;
}

void krb_realm_conf_free(struct krb_realm_conf *rc)
{
    krb_conf_free(&rc->conf);
    rc->read = false;
}

shim_status krb_realm_default(struct krb_realm_conf *rc, char out[KRB_STR_MAX])
{
    const struct krb_conf *conf = conf_of(rc);
    const char *realm;

    if (!conf || !(realm = krb_conf_default_realm(conf)) || strlen(realm) >= KRB_STR_MAX) {
        WARN("no default_realm in krb5.conf\n");
        return SHIM_E_NO_CREDENTIALS;
    }
    strcpy(out, realm);
    return SHIM_OK;
}

void krb_realm_for_host(struct krb_realm_conf *rc, const char *host, const char *fallback, char out[KRB_STR_MAX])
{
    const struct krb_conf *conf = conf_of(rc);

    if (!conf || krb_conf_realm_for_host(conf, host, out, KRB_STR_MAX) != 0) {
        /* Only [domain_realm] counts here: a guess from the host's domain
         * would send us to a realm nobody configured. */
        strncpy(out, fallback, KRB_STR_MAX - 1);
        out[KRB_STR_MAX - 1] = 0;
    }
}

static int run(struct krb_realm_conf *rc, const char *realm, unsigned budget_ms, krb_step_fn step, void *exchange)
{
    const struct krb_conf *conf = conf_of(rc);
    struct krb_conf_kdc kdcs[KDCS_MAX];
    struct krb_kdc_addr addrs[KDCS_MAX];
    struct krb_kdc_config cfg = { 0 };
    size_t n;
    int st;

    if (!conf) {
        WARN("no krb5.conf (KRB5_CONFIG or /etc/krb5.conf): no KDC to ask\n");
        return KRB_E_KDC_UNREACHABLE;
    }
    n = krb_conf_kdcs(conf, realm, kdcs, KDCS_MAX);
    if (!n) {
        WARN("krb5.conf names no KDC for %s\n", realm);
        return KRB_E_KDC_UNREACHABLE;
    }
    for (size_t i = 0; i < n; i++) {
        addrs[i].host = kdcs[i].host;
        addrs[i].port = kdcs[i].port;
    }
    cfg.kdcs = addrs;
    cfg.n_kdcs = n;
    cfg.tcp_only = krb_conf_udp_preference_limit(conf) == 1;
    cfg.budget_ms = budget_ms;
    st = krb_kdc_run(&cfg, step, exchange);
    TRACE("exchange with %s: %s\n", realm, krb_status_text(st));
    return st;
}

static int as_step(void *x, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    return krb_as_step(x, in, len, out);
}

static int tgs_step(void *x, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    return krb_tgs_step(x, in, len, out);
}

int krb_realm_run_as(struct krb_realm_conf *rc, const char *realm, unsigned budget_ms, struct krb_as *as)
{
    return run(rc, realm, budget_ms, as_step, as);
}

int krb_realm_run_tgs(struct krb_realm_conf *rc, const char *realm, unsigned budget_ms, struct krb_tgs *tgs)
{
    return run(rc, realm, budget_ms, tgs_step, tgs);
}

/* As Windows' Kerberos package answers (SEC_E_* from the KDC's and the
 * mechanism's errors). */
shim_status krb_sec_status(int s)
{
    switch (s) {
    case KRB_OK: return SHIM_OK;
    case KRB_CONTINUE: return SHIM_I_CONTINUE_NEEDED;
    case KRB_E_LOGON_DENIED:
    case KRB_E_EXPIRED:
    case KRB_E_REVOKED:
    case KRB_E_REPLAY:
    case KRB_E_BAD_INTEGRITY: return SHIM_E_LOGON_DENIED;
    case KRB_E_CLIENT_UNKNOWN:
    case KRB_E_NO_KEY: return SHIM_E_NO_CREDENTIALS;
    case KRB_E_SERVER_UNKNOWN: return SHIM_E_TARGET_UNKNOWN;
    case KRB_E_SKEW:
    case KRB_E_TKT_NYV: return SHIM_E_TIME_SKEW;
    case KRB_E_ETYPE: return SHIM_E_ALGORITHM_MISMATCH;
    case KRB_E_MALFORMED:
    case KRB_E_MODIFIED: return SHIM_E_INVALID_TOKEN;
    case KRB_E_NO_MEMORY: return SHIM_E_INSUFFICIENT_MEMORY;
    case KRB_E_STATE: return SHIM_E_INVALID_PARAMETER;
    case KRB_E_SEQ_OUT_OF_ORDER: return SHIM_E_OUT_OF_SEQUENCE;
    case KRB_E_TKT_EXPIRED: return SHIM_E_CONTEXT_EXPIRED;
    case KRB_E_BAD_BINDINGS: return SHIM_E_BAD_BINDINGS;
    case KRB_E_UNSUPPORTED: return SHIM_E_UNSUPPORTED_FUNCTION;
    case KRB_E_KDC_UNREACHABLE: return SHIM_E_NO_AUTHENTICATING_AUTHORITY;
    }
    return SHIM_E_INTERNAL_ERROR;
}
