/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the Kerberos package: its credential and context objects and what
 * its files share.  Private to core/kerberos/pkg_*.c and package.c. */
#ifndef SSPISHIM_KRB_PKG_H
#define SSPISHIM_KRB_PKG_H

#include <stdbool.h>
#include <stdint.h>

#include "sspishim/kerberos.h"
#include "sspishim/krb_conf.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_gss.h"
#include "sspishim/registry.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

/* Service tickets kept per credential (the oldest goes when full). */
#define KRB_PKG_TICKETS 8
/* A ticket this close to its end is not used for a new context. */
#define KRB_PKG_TICKET_MARGIN 300

struct krb_cred {
    struct shim_object hdr;            /* first: the handle table's view */
    uint32_t use;
    sys_mutex lock;                    /* guards everything below */
    /* Outbound: an explicit identity (user, realm, password: the AS
     * exchange at the first InitializeSecurityContext), or none: the
     * host's credential cache (kinit). */
    bool explicit_identity;
    char user[KRB_STR_MAX];            /* "alice" or "a/b"; empty: the cache's */
    char realm[KRB_STR_MAX];           /* empty: the cache's, or default_realm */
    char *password;                    /* heap, wiped; NULL: none given */
    size_t password_len;
    bool have_tgt;
    struct krb_creds tgt;
    int64_t clock_offset;              /* the KDC's clock minus ours, from the cache */
    unsigned kdc_budget_ms;            /* 0: the transport's default (krb_kdc.h) */
    struct krb_creds tickets[KRB_PKG_TICKETS];
    unsigned n_tickets, next_ticket;
};

struct krb_cred *krb_cred_from(shim_cred *obj);
shim_status krb_acquire_credentials(const struct shim_package *pkg, const shim_wchar *principal, uint32_t use,
                                    void *logon_id, void *auth_data, void *get_key_fn, void *get_key_arg,
                                    shim_cred **cred, int64_t *expiry);
shim_status krb_free_credentials(shim_cred *cred);
shim_status krb_query_credentials_attributes(shim_cred *cred, uint32_t attr, void *buf);
/* A service ticket for target ("HTTP/host", "HTTP/host@REALM"): from the
 * credential's own, or the TGS exchange (after the AS exchange or the
 * cache's TGT when the credential has no TGT yet).  The copy is the
 * caller's (krb_creds_free).  Takes the credential's lock. */
shim_status krb_cred_service_ticket(struct krb_cred *c, const char *target, struct krb_creds *out,
                                    int64_t *clock_offset);

/* ---- the realm (pkg_realm.c) ------------------------------------------------ */

/* krb5.conf as one call into the package sees it: read at the first of
 * the functions below that needs it, at most once, whichever of them the
 * call goes through.  Starts zeroed (not read yet); krb_realm_conf_free
 * at the end of the call. */
struct krb_realm_conf {
    struct krb_conf conf;
    int status;                        /* krb_conf_load's, once read */
    bool read;
};
void krb_realm_conf_free(struct krb_realm_conf *rc);
/* krb5.conf's default_realm into out; SHIM_E_NO_CREDENTIALS without one. */
shim_status krb_realm_default(struct krb_realm_conf *rc, char out[KRB_STR_MAX]);
/* The realm krb5.conf maps host to ([domain_realm], else its domain), or
 * fallback when it maps nothing. */
void krb_realm_for_host(struct krb_realm_conf *rc, const char *host, const char *fallback, char out[KRB_STR_MAX]);
/* Runs an AS or TGS exchange with realm's KDCs as krb5.conf names them. */
int krb_realm_run_as(struct krb_realm_conf *rc, const char *realm, unsigned budget_ms, struct krb_as *as);
int krb_realm_run_tgs(struct krb_realm_conf *rc, const char *realm, unsigned budget_ms, struct krb_tgs *tgs);
/* What a krb_status means to an SSPI caller. */
shim_status krb_sec_status(int krb_status);

/* ---- names (pkg_text.c) -------------------------------------------------- */

/* UTF-16 (len units) to NUL-terminated UTF-8 into out: false when it does
 * not fit or is not valid UTF-16. */
bool krb_utf16_to_utf8(const shim_wchar *s, size_t len, char *out, size_t max);
/* Latin-1 (an ANSI identity's bytes) to UTF-8, the same way. */
bool krb_latin1_to_utf8(const uint8_t *s, size_t len, char *out, size_t max);
/* UTF-8 text into a caller-allocated (sys_caller_alloc) UTF-16 string. */
shim_wchar *krb_caller_wstr(const char *utf8);
/* "comp/comp@REALM" of a principal into out. */
void krb_principal_full(const struct krb_principal *p, const char *realm, char *out, size_t max);

/* ---- contexts (pkg_context.c) --------------------------------------------- */

enum krb_pkg_state { KRB_PKG_WAIT_AP_REP, KRB_PKG_ESTABLISHED, KRB_PKG_FAILED };

struct krb_ctx {
    struct shim_object hdr;            /* first: the handle table's view */
    sys_mutex lock;                    /* guards everything below */
    bool server;
    uint8_t state;                     /* enum krb_pkg_state */
    uint32_t req, attrs;
    struct krb_gss_ctx gss;
    sys_token token;                   /* server: the client's, closed on destroy */
    char target[KRB_STR_MAX];          /* client: the SPN it was asked for */
    /* The sequence state as the handshake left it (krb_ctx_mark_start):
     * RESET_NEW is allowed only while gss is still there. */
    uint64_t start_send, start_recv;
};

/* Records the handshake's sequence state once the context is established. */
void krb_ctx_mark_start(struct krb_ctx *ctx);

struct krb_ctx *krb_ctx_from(shim_ctx *obj);
/* A new context object (one reference), not yet established. */
struct krb_ctx *krb_ctx_new(const struct shim_package *pkg, bool server, uint32_t req);
shim_status krb_initialize_context(struct shim_ctx_call *call);
shim_status krb_accept_context(struct shim_ctx_call *call);
shim_status krb_delete_context(shim_ctx *ctx);
shim_status krb_complete_auth_token(shim_ctx *ctx, struct shim_buffer_desc *token);
shim_status krb_query_context_attributes(shim_ctx *ctx, uint32_t attr, void *buf);
shim_status krb_impersonate(shim_ctx *ctx);
shim_status krb_revert(shim_ctx *ctx);
shim_status krb_query_token(shim_ctx *ctx, void **token);

/* ---- export and import (pkg_export.c) ---------------------------------------- */

shim_status krb_export_context(shim_ctx *ctx, int reset, uint8_t **payload, size_t *len, uint8_t *role);
shim_status krb_import_context(const struct shim_package *pkg, uint8_t role, const uint8_t *payload, size_t len,
                               void *token, shim_ctx **ctx);

/* ---- messages (pkg_messages.c) ---------------------------------------------- */

shim_status krb_make_signature(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
shim_status krb_verify_signature(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);
shim_status krb_encrypt(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
shim_status krb_decrypt(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);

/* FILETIME of a Unix time (seconds). */
static inline int64_t krb_filetime(int64_t unix_secs)
{
    return (unix_secs + 11644473600LL) * 10000000LL;
}

#endif
