/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the GSS-API files share (gss_context.c): RFC 4121's key usages,
 * token flags, which key protects a token, fresh keys and sequence
 * numbers, and the receiver's sequence window. */
#ifndef SSPISHIM_KERBEROS_GSS_H
#define SSPISHIM_KERBEROS_GSS_H

#include "sspishim/krb_gss.h"

/* RFC 4121 2: key usages of the per-message tokens. */
#define KG_USAGE_ACCEPTOR_SEAL  22
#define KG_USAGE_ACCEPTOR_SIGN  23
#define KG_USAGE_INITIATOR_SEAL 24
#define KG_USAGE_INITIATOR_SIGN 25

/* RFC 4121 4.2.2: the Flags octet. */
#define KG_FLAG_SENT_BY_ACCEPTOR 0x01
#define KG_FLAG_SEALED           0x02
#define KG_FLAG_ACCEPTOR_SUBKEY  0x04

/* The 0x8003 checksum of the Authenticator (RFC 4121 4.1.1). */
#define KG_CKSUM_GSS 0x8003

/* RFC 4121 tokens exist for the derived-key etypes (17-20). */
bool gss_cfx_etype(int32_t etype);
/* The key a sender uses (RFC 4121 2: the acceptor's subkey if there is
 * one, else the initiator's, else the session key) and whether the token
 * says AcceptorSubkey. */
const struct krb_key *gss_send_key(const struct krb_gss_ctx *ctx, bool *acceptor_subkey);
/* The key a received token names by its AcceptorSubkey flag; NULL when
 * the context has no such key. */
const struct krb_key *gss_recv_key(const struct krb_gss_ctx *ctx, uint8_t token_flags);
/* A fresh random key of etype. */
int gss_random_key(int32_t etype, struct krb_key *out);
/* A fresh initial sequence number: 30 bits, as MIT and Windows keep it. */
int gss_random_seq(uint32_t *out);
/* Records a verified token's sequence number: KRB_OK, or the status the
 * context's REPLAY/SEQUENCE flags make of it; *supp gets the bits. */
int gss_seq_accept(struct krb_gss_ctx *ctx, uint64_t seq, unsigned *supp);
/* RFC 4757 tokens for rc4-hmac keys (gss_rc4.c): the stream forms and
 * MIC, under the context's key; same statuses as the RFC 4121 ones. */
int gss_rc4_wrap(struct krb_gss_ctx *ctx, const struct krb_key *key, bool conf, const uint8_t *msg, size_t len,
                 struct bytes_writer *out);
int gss_rc4_unwrap(struct krb_gss_ctx *ctx, const struct krb_key *key, const uint8_t *tok, size_t len,
                   struct bytes_writer *out, bool *conf, unsigned *supp);
int gss_rc4_get_mic(struct krb_gss_ctx *ctx, const struct krb_key *key, const uint8_t *msg, size_t len,
                    uint8_t *out, size_t out_cap, size_t *out_len);
int gss_rc4_verify_mic(struct krb_gss_ctx *ctx, const struct krb_key *key, const uint8_t *msg, size_t len,
                       const uint8_t *tok, size_t tok_len, unsigned *supp);
/* Bytes of the GSS frame header (0x60, length, OID, TOK_ID) around n. */
size_t gss_rc4_frame_size(size_t n);

/* Maps a krb_crypto failure to a status. */
int gss_crypto_status(int rc);

#endif
