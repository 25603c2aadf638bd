/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the Negotiate package: its credential and context objects, which
 * wrap NTLM's, and the functions its files share.  Private to
 * core/negotiate. */
#ifndef SSPISHIM_NEGOTIATE_PKG_H
#define SSPISHIM_NEGOTIATE_PKG_H

#include <stdbool.h>
#include <stdint.h>

#include "sspishim/token_buffer.h"
#include "sspishim/bytes.h"
#include "sspishim/kerberos.h"
#include "sspishim/negotiate.h"
#include "sspishim/ntlm.h"
#include "sspishim/registry.h"
#include "sspishim/spnego.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

/* The mechanism's ops: every NTLM call goes through NTLM's own table. */
#define NTLM_OPS (ntlm_package()->ops)

/* ---- credentials (credentials.c) --------------------------------------------- */

struct nego_cred {
    struct shim_object hdr;            /* first: the handle table's view */
    shim_cred *ntlm;                   /* the NTLM credential (one reference), NULL when excluded */
    shim_cred *krb;                    /* the Kerberos credential, NULL when there is none */
};

struct nego_cred *nego_cred_from(shim_cred *obj);

shim_status nego_acquire_credentials(const struct shim_package *pkg, const shim_wchar *principal,
                                     uint32_t use, void *logon_id, void *auth_data,
                                     void *get_key_fn, void *get_key_arg,
                                     shim_cred **cred, int64_t *expiry);
shim_status nego_free_credentials(shim_cred *cred);
shim_status nego_query_credentials_attributes(shim_cred *cred, uint32_t attr, void *buf);

/* ---- contexts (context.c) ----------------------------------------------------- */

enum nego_state {
    NEGO_CLIENT_KRB_SENT,              /* NegTokenInit with Kerberos' AP-REQ sent */
    NEGO_CLIENT_INIT_SENT,             /* NegTokenInit with NTLM's NEGOTIATE sent */
    NEGO_CLIENT_AUTH_SENT,             /* AUTHENTICATE (and our MIC) sent: the verdict is next */
    NEGO_SERVER_WAIT_TOKEN,            /* NTLM chosen without its first token: NEGOTIATE next */
    NEGO_SERVER_CHALLENGE_SENT,        /* CHALLENGE sent: AUTHENTICATE next */
    NEGO_ESTABLISHED,
    NEGO_FAILED,                       /* a step failed: the context is spent */
};

struct nego_ctx {
    struct shim_object hdr;            /* first: the handle table's view */
    sys_mutex lock;                    /* guards everything below */
    bool server;
    bool raw;                          /* bare NTLMSSP, no SPNEGO around it */
    enum nego_state state;
    uint32_t req;                      /* ISC_REQ_* / ASC_REQ_* of the first call */
    uint32_t attrs;                    /* ISC_RET_* / ASC_RET_* */
    shim_ctx *inner;                   /* the NTLM context once there is one; one reference */
    shim_cred *ntlm_cred;              /* server waiting for NTLM's first token: its credential */
    uint8_t *mech_types;               /* DER mechTypes, for the MIC, until established */
    size_t mech_types_len;
    bool mic_required;                 /* the mechanism was not the initiator's first choice */
    bool mic_sent, mic_rcvd;
    bool krb_wait_ap_rep;              /* client: Kerberos asked for mutual authentication */
    struct bytes_span chosen_oid;      /* server: the Kerberos OID the client named (static) */
    /* Client established at its AUTHENTICATE: the server's last token may
     * still come, with a MIC over these mechTypes at this number. */
    uint8_t *late_mechs;
    size_t late_mechs_len;
    uint32_t late_mic_seq;
};

struct nego_ctx *nego_ctx_new(const struct shim_package *pkg, bool server);
struct nego_ctx *nego_ctx_from(shim_ctx *obj);
/* Keeps a copy of the DER mechTypes; -1 out of memory. */
int nego_ctx_keep_mech_types(struct nego_ctx *ctx, struct bytes_span der);
/* Handshake done: drops what only the handshake needed. */
void nego_ctx_establish(struct nego_ctx *ctx);
void nego_ctx_fail(struct nego_ctx *ctx);


/* One step of the NTLM context: in is its input message (NULL: none), its
 * output message is appended to out.  The first step, with cred, creates
 * ctx->inner.  *attrs and *expiry as NTLM reports them. */
shim_status nego_mech_step(struct nego_ctx *ctx, const struct shim_package *mech, shim_cred *cred,
                           const shim_wchar *target, uint32_t req, uint32_t datarep, const struct bytes_span *in,
                           struct bytes_writer *out, uint32_t *attrs, int64_t *expiry);
#define nego_ntlm_step(ctx, ...) nego_mech_step((ctx), ntlm_package(), __VA_ARGS__)

/* The request flags NTLM is given: the caller's, less ALLOCATE_MEMORY
 * (our buffers, not the caller's), and on the client INTEGRITY always, so
 * that there are keys for the mechListMIC, as MIT's SPNEGO does. */
uint32_t nego_inner_req(uint32_t req, bool server);
/* What the caller is told: NTLM's attributes, with ALLOCATED_MEMORY when it
 * asked for it. */
uint32_t nego_outer_attrs(uint32_t req, uint32_t inner_attrs);

shim_status nego_delete_context(shim_ctx *ctx);
shim_status nego_complete_auth_token(shim_ctx *ctx, struct shim_buffer_desc *token);
shim_status nego_query_context_attributes(shim_ctx *ctx, uint32_t attr, void *buf);
shim_status nego_impersonate(shim_ctx *ctx);
shim_status nego_revert(shim_ctx *ctx);
shim_status nego_query_token(shim_ctx *ctx, void **token);
shim_status nego_make_signature(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
shim_status nego_verify_signature(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);
shim_status nego_encrypt(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
shim_status nego_decrypt(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);

/* ---- Kerberos inside (kerberos.c) ---------------------------------------------- */

bool nego_is_krb(struct bytes_span oid);
bool nego_inner_is_krb(const struct nego_ctx *ctx);
shim_status nego_krb_client_start(struct nego_ctx *ctx, struct nego_cred *cred, struct shim_ctx_call *c,
                                  struct bytes_writer *token, uint32_t *attrs);
shim_status nego_krb_client_finish(struct nego_ctx *ctx, struct shim_ctx_call *c, const struct spnego_token *t,
                                   uint32_t *attrs);
shim_status nego_krb_make_mic(struct nego_ctx *ctx, struct bytes_writer *out);
shim_status nego_krb_check_mic(struct nego_ctx *ctx, struct bytes_span mic);
shim_status nego_krb_accept(struct nego_ctx *ctx, struct nego_cred *cred, struct shim_ctx_call *c,
                            struct bytes_span ap_req, struct bytes_writer *out);

/* ---- the handshake (client.c, server.c) ---------------------------------------- */

shim_status nego_initialize_context(struct shim_ctx_call *call);
shim_status nego_accept_context(struct shim_ctx_call *call);

/* ---- export and import (export.c) ---------------------------------------------- */

shim_status nego_export_context(shim_ctx *ctx, int reset, uint8_t **payload, size_t *len, uint8_t *role);
shim_status nego_import_context(const struct shim_package *pkg, uint8_t role, const uint8_t *payload,
                                size_t len, void *token, shim_ctx **ctx);

#endif
