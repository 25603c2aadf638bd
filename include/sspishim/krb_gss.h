/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos V5 GSS-API mechanism (RFC 4121, framing from RFC 1964 1.1
 * and RFC 2743 3.1): the initial tokens (AP-REQ, AP-REP, KRB-ERROR in
 * their GSS frame), and once a context is established the per-message
 * tokens: MIC (04 04) and Wrap (05 04), with and without confidentiality.
 * No sockets, no files: the SSPI layer maps InitializeSecurityContext,
 * AcceptSecurityContext, EncryptMessage, DecryptMessage, MakeSignature and
 * VerifySignature onto these calls.
 *
 * Files: gss_frame.c (framing), replay_cache.c, gss_context.c (keys,
 * sequence state, sizes), gss_initiator.c, gss_acceptor.c, gss_wrap.c,
 * gss_mic.c (RFC 4121 tokens), gss_rc4.c (RFC 4757 tokens).
 *
 * Statuses are enum krb_status (krb_exchange.h).  A context whose key is
 * rc4-hmac uses RFC 4757's tokens (RFC 1964 layout, framed) for the
 * stream forms and MIC; the SSPI split wrap is KRB_E_UNSUPPORTED there
 * (its pad byte needs a SECBUFFER_PADDING), never a wrong token. */
#ifndef SSPISHIM_KRB_GSS_H
#define SSPISHIM_KRB_GSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/bytes.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_msg.h"

/* ---- framing (gss_frame.c) ------------------------------------------------ */

/* TOK_ID after the mechanism OID (RFC 4121 4.1). */
#define KRB_GSS_TOK_AP_REQ  0x0100
#define KRB_GSS_TOK_AP_REP  0x0200
#define KRB_GSS_TOK_ERROR   0x0300

/* The mechanism OID 1.2.840.113554.1.2.2, DER contents bytes. */
extern const uint8_t krb_gss_mech_oid[9];

/* 0x60 len, OID, TOK_ID (two bytes, big-endian), inner message. */
int krb_gss_frame_encode(struct bytes_writer *w, uint16_t tok_id, struct bytes_span inner);
/* The whole token must be one frame of this mechanism: 0 and *tok_id,
 * *inner (borrowed), or a DER_ERR_* (DER_ERR_VALUE for another OID). */
int krb_gss_frame_decode(struct bytes_span token, uint16_t *tok_id, struct bytes_span *inner);

/* ---- replay cache (replay_cache.c) ----------------------------------------- */

/* Authenticators seen in the last skew window: in memory, at most `max`
 * entries, thread-safe.  An entry is the SHA-256 of the client principal,
 * ctime, cusec and the authenticator's ciphertext; it expires when its
 * ctime is more than the window away from the clock.  When full of live
 * entries, a new authenticator is refused (KRB_E_NO_MEMORY): failing
 * closed beats forgetting one. */
struct krb_replay_cache;
struct krb_replay_cache *krb_replay_cache_new(size_t max, int64_t window_secs);
void krb_replay_cache_free(struct krb_replay_cache *rc);
/* KRB_OK (and remembered), KRB_E_REPLAY, KRB_E_NO_MEMORY. */
int krb_replay_cache_check(struct krb_replay_cache *rc, const char *crealm, const struct krb_principal *cname,
                           int64_t ctime, uint32_t cusec, struct bytes_span authenticator, int64_t now);

/* ---- the context (gss_context.c) ------------------------------------------ */

/* GSS flags (RFC 2744; the 0x8003 checksum's Flags, RFC 4121 4.1.1.1). */
#define KRB_GSS_DELEG     0x01
#define KRB_GSS_MUTUAL    0x02
#define KRB_GSS_REPLAY    0x04
#define KRB_GSS_SEQUENCE  0x08
#define KRB_GSS_CONF      0x10
#define KRB_GSS_INTEG     0x20

/* The clock skew allowed, as Windows and MIT default to. */
#define KRB_GSS_SKEW 300

/* Supplementary status of a received token (RFC 2743 1.2.1.1), bits. */
#define KRB_GSS_SUPP_DUPLICATE 0x1
#define KRB_GSS_SUPP_OLD       0x2
#define KRB_GSS_SUPP_UNSEQ     0x4   /* a later token arrived first */
#define KRB_GSS_SUPP_GAP       0x8   /* tokens are missing before this one */

enum { KRB_GSS_ST_NONE, KRB_GSS_ST_WAIT_AP_REP, KRB_GSS_ST_ESTABLISHED, KRB_GSS_ST_FAILED };

struct krb_gss_ctx {
    int state;
    bool initiator;
    uint32_t flags;                 /* KRB_GSS_* in force */
    struct krb_key session;         /* the ticket's session key */
    bool has_init_subkey, has_acc_subkey;
    struct krb_key init_subkey, acc_subkey;
    uint64_t send_seq;              /* the next token's SND_SEQ */
    uint64_t recv_next;             /* the next SND_SEQ expected from the peer */
    uint64_t recv_window;           /* bit i: recv_next - 1 - i was seen */
    bool recv_any;
    int64_t clock_offset;
    /* The initiator's Authenticator, for the AP-REP check. */
    int64_t ctime;
    uint32_t cusec;
    /* Who is who, and the ticket's times and flags. */
    char crealm[KRB_STR_MAX];
    struct krb_principal cname;
    char srealm[KRB_STR_MAX];
    struct krb_principal sname;
    uint32_t ticket_flags;
    int64_t authtime, starttime, endtime;
    /* The ticket's authorization-data (acceptor), heap; NULL if none. */
    uint8_t *authz;
    size_t authz_len;
    int32_t peer_error;             /* the KRB-ERROR code received, 0 if none */
    /* Wrap tokens' derived keys, sending [0] and receiving [1], kept
     * between messages (wiped with the context). */
    struct krb_key_cache wrap_keys[2];
};

/* Wipes the keys and frees authz; the context is then empty. */
void krb_gss_ctx_free(struct krb_gss_ctx *ctx);

/* What EncryptMessage/MakeSignature need, for the context's key:
 * max_signature the MIC token's length, security_trailer the bytes of a
 * Wrap token besides the data in the SSPI layout (header 16 + rotated
 * encrypted header 16 + checksum + confounder 16: 60 for AES-SHA1), and
 * block_size 1 (the cipher is length preserving).  rc4-hmac: the framed
 * MIC (37) and the largest framed Wrap header with its pad byte. */
struct krb_gss_sizes {
    size_t max_signature, security_trailer, block_size;
};
int krb_gss_sizes(const struct krb_gss_ctx *ctx, struct krb_gss_sizes *out);

/* ---- initiator (gss_initiator.c) ------------------------------------------ */

/* Writes the framed AP-REQ into out for creds' service, with a fresh
 * subkey and sequence number.  flags: KRB_GSS_* asked for (DELEG is never
 * done); cb_hash: the 16-byte MD5 of the channel bindings, or NULL.
 * KRB_CONTINUE with KRB_GSS_MUTUAL (feed the AP-REP to krb_gss_init_step),
 * KRB_OK without (established), or a failure. */
int krb_gss_init_start(struct krb_gss_ctx *ctx, const struct krb_creds *creds, uint32_t flags,
                       const uint8_t *cb_hash, int64_t clock_offset, struct bytes_writer *out);
/* The acceptor's framed AP-REP (KRB_OK: established), or its KRB-ERROR
 * (the status krb_status_from_kdc_error gives; ctx->peer_error has the
 * code). */
int krb_gss_init_step(struct krb_gss_ctx *ctx, const uint8_t *in, size_t len);

/* ---- acceptor (gss_acceptor.c) -------------------------------------------- */

/* The service's long-term key for a ticket: 0 and *out, or nonzero when
 * there is none (a keytab behind it in the package). */
typedef int (*krb_gss_find_key_fn)(void *arg, const char *realm, const struct krb_principal *sname,
                                   int32_t etype, uint32_t kvno, struct krb_key *out);

struct krb_gss_acceptor {
    krb_gss_find_key_fn find_key;
    void *find_key_arg;
    struct krb_replay_cache *rcache;    /* NULL: no replay detection (tests only) */
    int64_t clock_offset;
    const uint8_t *cb_hash;             /* 16 bytes expected, or NULL to take any */
};

/* Takes the framed AP-REQ; on KRB_OK the context is established, and
 * when the client asked for mutual authentication out holds the framed
 * AP-REP to send back.  On a failure after the frame was read, out holds a
 * framed KRB-ERROR the caller may send (or drop). */
int krb_gss_accept(struct krb_gss_ctx *ctx, const struct krb_gss_acceptor *acc, const uint8_t *in, size_t len,
                   struct bytes_writer *out);

/* ---- per-message tokens (gss_wrap.c, gss_mic.c) ---------------------------- */

/* Where the sender puts the rotation (RRC).  ZERO: no rotation, as MIT
 * sends by default.  SSPI: the trailer rotated to the front so the data
 * is the token's tail, as Windows lays out SECBUFFER_TOKEN + DATA: RRC =
 * 16 + checksum with confidentiality (EC 0), RRC = checksum without. */
enum krb_gss_layout { KRB_GSS_RRC_ZERO = 0, KRB_GSS_RRC_SSPI = 1 };

/* Whole-token (stream) forms: the token into out / the message into out. */
int krb_gss_wrap(struct krb_gss_ctx *ctx, bool conf, enum krb_gss_layout layout, const uint8_t *msg, size_t len,
                 struct bytes_writer *out);
/* *conf (may be NULL) says whether it was sealed; *supp (may be NULL)
 * the supplementary bits.  KRB_E_BAD_INTEGRITY for altered tokens,
 * KRB_E_REPLAY for a duplicate when replay detection is on,
 * KRB_E_SEQ_OUT_OF_ORDER for an out-of-order one when sequencing is on. */
int krb_gss_unwrap(struct krb_gss_ctx *ctx, const uint8_t *tok, size_t len, struct bytes_writer *out, bool *conf,
                   unsigned *supp);

/* SSPI forms: data[0..len) is encrypted (or signed) in place and the rest
 * of the token goes into hdr: a token is always hdr || data.  With
 * KRB_GSS_RRC_SSPI the data bytes stay where they are, the plaintext's
 * length. */
int krb_gss_wrap_split(struct krb_gss_ctx *ctx, bool conf, enum krb_gss_layout layout, uint8_t *data, size_t len,
                       uint8_t *hdr, size_t hdr_cap, size_t *hdr_len);
/* hdr || data is the token; the plaintext replaces data's first
 * *plain_len bytes. */
int krb_gss_unwrap_split(struct krb_gss_ctx *ctx, const uint8_t *hdr, size_t hdr_len, uint8_t *data,
                         size_t data_len, size_t *plain_len, bool *conf, unsigned *supp);

/* MIC token over msg into out (out_cap >= sizes.max_signature). */
int krb_gss_get_mic(struct krb_gss_ctx *ctx, const uint8_t *msg, size_t len, uint8_t *out, size_t out_cap,
                    size_t *out_len);
int krb_gss_verify_mic(struct krb_gss_ctx *ctx, const uint8_t *msg, size_t len, const uint8_t *tok,
                       size_t tok_len, unsigned *supp);

#endif
