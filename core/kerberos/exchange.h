/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the AS and TGS exchanges share (exchange.c). */
#ifndef SSPISHIM_KERBEROS_EXCHANGE_H
#define SSPISHIM_KERBEROS_EXCHANGE_H

#include "sspishim/krb_exchange.h"

enum { KRB_ST_INIT, KRB_ST_SENT, KRB_ST_SENT_PREAUTH, KRB_ST_DONE, KRB_ST_FAILED };

/* The platform clock plus offset: seconds since 1970 and microseconds
 * (usec may be NULL). */
void krb_clock(int64_t offset, int64_t *secs, uint32_t *usec);
/* A fresh 31-bit nonce (MIT and Windows both keep nonces positive). */
int krb_nonce(uint32_t *out);
/* The reply's outer tag says which message it is. */
int krb_reply_tag(const uint8_t *in, size_t len);
/* A KRB-ERROR reply: its status, and *code its code. */
int krb_error_status(const uint8_t *in, size_t len, int32_t *code, struct krb_error *err);
/* Fills creds from a checked reply; copies the ticket.  KRB_E_NO_MEMORY. */
int krb_creds_fill(struct krb_creds *c, const struct krb_kdc_rep *rep, const struct krb_enc_kdc_rep *enc);
/* Opens a KDC-REP's enc-part and decodes it; *enc holds the session key
 * (wipe it).  LOGON_DENIED-style failures are the caller's to name:
 * this returns KRB_E_MODIFIED for a wrong key, KRB_E_MALFORMED otherwise. */
int krb_open_kdc_rep(const struct krb_key *key, uint32_t usage, const struct krb_kdc_rep *rep,
                     struct krb_enc_kdc_rep *enc);

#endif
