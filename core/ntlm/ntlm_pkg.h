/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the NTLM package: its credential and context objects and the
 * functions its files share.  Private to core/ntlm. */
#ifndef SSPISHIM_NTLM_PKG_H
#define SSPISHIM_NTLM_PKG_H

#include <stdbool.h>
#include <stdint.h>

#include "sspishim/token_buffer.h"
#include "sspishim/bytes.h"
#include "sspishim/ntlm.h"
#include "sspishim/ntlm_crypto.h"
#include "sspishim/ntlm_msg.h"
#include "sspishim/registry.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

#include "ntlm_text.h"

/* This machine's name in NTLM messages (package.c): sys_computer_name,
 * read once. */
const shim_wchar *ntlm_computer_name(void);

/* SSPISHIM_NTLM_NO_ESS (no_ess.c): whether this end, a server or a client,
 * leaves extended session security out of its handshake. */
bool ntlm_no_ess(bool server);

/* ---- credentials (credentials.c) -------------------------------------------- */

struct ntlm_cred {
    struct shim_object hdr;            /* first: the handle table's view */
    uint32_t use;                      /* SHIM_CRED_INBOUND / OUTBOUND */
    /* Outbound: who we are.  The password is only kept as its NT hash. */
    struct ntlm_name user, domain;
    uint8_t nt_hash[NTLM_KEY_SIZE];
    /* Outbound: what the caller left out and the accounts file could not
     * supply (SHIM_E_NO_CREDENTIALS), or SHIM_OK.  Windows acquires such a
     * credential and fails in InitializeSecurityContext, when the password
     * is first needed: the AUTHENTICATE. */
    shim_status missing;
    /* Inbound: the names the server announces, from the principal; empty
     * means the defaults (NTLM_COMPUTER_NAME, the accounts file's domain). */
    struct ntlm_name computer, server_domain;
};

/* The credential behind an object of this package, or NULL. */
struct ntlm_cred *ntlm_cred_from(shim_cred *obj);

shim_status ntlm_acquire_credentials(const struct shim_package *pkg, const shim_wchar *principal,
                                     uint32_t use, void *logon_id, void *auth_data,
                                     void *get_key_fn, void *get_key_arg,
                                     shim_cred **cred, int64_t *expiry);
shim_status ntlm_free_credentials(shim_cred *cred);
shim_status ntlm_query_credentials_attributes(shim_cred *cred, uint32_t attr, void *buf);

/* ---- contexts (context.c) --------------------------------------------------- */

/* An owned byte string. */
struct ntlm_blob {
    uint8_t *p;
    size_t len;
};

enum ntlm_state {
    NTLM_NEGOTIATE_SENT,               /* client, after its first call */
    NTLM_CHALLENGE_SENT,               /* server, after its first call */
    NTLM_ESTABLISHED,
    NTLM_FAILED,                       /* a later call failed: the context is spent */
};

/* The handshake's own state: the messages kept for the MIC, the server's
 * challenge and the client's NT hash. */
struct ntlm_handshake {
    struct ntlm_blob negotiate, challenge;
    uint8_t server_challenge[NTLM_CHALLENGE_SIZE];
    uint8_t nt_hash[NTLM_KEY_SIZE];
    shim_status missing;               /* the credential's, at the first call */
};

struct ntlm_ctx {
    struct shim_object hdr;            /* first: the handle table's view */
    sys_mutex lock;                    /* guards everything below */
    bool server;
    uint8_t state;                     /* enum ntlm_state, in a byte: no padding after server */
    bool auth_mic;                     /* server: the AUTHENTICATE carried a MIC that verified */
    uint32_t req;                      /* ISC_REQ_* / ASC_REQ_* of the first call */
    uint32_t flags;                    /* NegotiateFlags: requested, offered, then agreed */
    uint32_t attrs;                    /* ISC_RET_* / ASC_RET_* */

    /* What only the handshake needs: freed (and wiped) once the context
     * is established or has failed, so live contexts do not carry it. */
    struct ntlm_handshake *hs;

    /* Client: our identity, copied from the credential, and the target.
     * Server: the authenticated client's names (no hash). */
    struct ntlm_name user, domain;
    struct ntlm_name target;           /* client: ISC's pszTargetName (the SPN) */
    struct ntlm_name server_name;      /* NATIVE_NAMES' sServerName */
    struct ntlm_name computer, server_domain;   /* server: names it announces */

    /* Established session.  Without extended session security one RC4
     * handle and one sequence number serve both directions (MS-NLMP
     * 3.4.4.1): they are send and send_seq, send.ess is false, and recv
     * and recv_seq stay zero; ntlm_ctx_recv_dir/_seq pick the right ones. */
    uint8_t session_key[NTLM_KEY_SIZE];          /* ExportedSessionKey */
    struct ntlm_seal_dir send, recv;
    uint32_t send_seq, recv_seq;
    sys_token token;                   /* server: the client's, closed on destroy */
    int64_t established;               /* FILETIME */
};

/* A new context; with handshake, the block only the handshake needs too
 * (an imported context arrives established and has none). */
struct ntlm_ctx *ntlm_ctx_new(const struct shim_package *pkg, bool server, bool handshake);
/* The context behind an object of this package, or NULL. */
struct ntlm_ctx *ntlm_ctx_from(shim_ctx *obj);
/* Keys and counters for both directions, from the exported session key.
 * Drops the copies of the handshake messages. */
void ntlm_ctx_establish(struct ntlm_ctx *ctx, const uint8_t session_key[NTLM_KEY_SIZE]);
/* Whether the session uses the one shared stream of NTLM without extended
 * session security. */
static inline bool ntlm_ctx_shared(const struct ntlm_ctx *ctx)
{
    return !ctx->send.ess;
}
/* The handle and counter received messages are checked with: the
 * receiving direction's, or the shared ones. */
static inline struct ntlm_seal_dir *ntlm_ctx_recv_dir(struct ntlm_ctx *ctx)
{
    return ntlm_ctx_shared(ctx) ? &ctx->send : &ctx->recv;
}
static inline uint32_t *ntlm_ctx_recv_seq(struct ntlm_ctx *ctx)
{
    return ntlm_ctx_shared(ctx) ? &ctx->send_seq : &ctx->recv_seq;
}
/* The SEALKEY strength of a session without extended session security
 * (MS-NLMP 3.4.5.3): weakened only with LM_KEY or datagram mode. */
enum ntlm_key_strength ntlm_ctx_key_strength(uint32_t flags);
/* A failed handshake step: frees what the handshake kept. */
void ntlm_ctx_fail(struct ntlm_ctx *ctx);
/* Keeps a copy of a handshake message (for the MIC); -1 out of memory. */
int ntlm_ctx_keep(struct ntlm_blob *slot, struct bytes_span msg);


/* Random bytes, or the test hook's value for that purpose; -1 on failure. */
enum ntlm_random { NTLM_RANDOM_CLIENT_CHALLENGE, NTLM_RANDOM_SESSION_KEY, NTLM_RANDOM_SERVER_CHALLENGE };
int ntlm_random(enum ntlm_random what, uint8_t *out, size_t len);
uint64_t ntlm_now(void);

shim_status ntlm_delete_context(shim_ctx *ctx);
shim_status ntlm_complete_auth_token(shim_ctx *ctx, struct shim_buffer_desc *token);
shim_status ntlm_query_context_attributes(shim_ctx *ctx, uint32_t attr, void *buf);
shim_status ntlm_impersonate(shim_ctx *ctx);
shim_status ntlm_revert(shim_ctx *ctx);
shim_status ntlm_query_token(shim_ctx *ctx, void **token);

/* ---- the handshake (client.c, server.c) -------------------------------------- */

shim_status ntlm_initialize_context(struct shim_ctx_call *call);
shim_status ntlm_accept_context(struct shim_ctx_call *call);

/* The Version field we send (MS-NLMP 2.2.2.10). */
extern const struct ntlm_version ntlm_our_version;

/* ---- messages (messages.c) ---------------------------------------------------- */

shim_status ntlm_make_signature(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
shim_status ntlm_verify_signature(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);
shim_status ntlm_encrypt(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
shim_status ntlm_decrypt(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);

/* ---- export and import (export.c) -------------------------------------------- */

shim_status ntlm_export_context(shim_ctx *ctx, int reset, uint8_t **payload, size_t *len, uint8_t *role);
shim_status ntlm_import_context(const struct shim_package *pkg, uint8_t role, const uint8_t *payload,
                                size_t len, void *token, shim_ctx **ctx);

#endif
