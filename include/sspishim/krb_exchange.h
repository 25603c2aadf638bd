/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The AS and TGS exchanges (RFC 4120 3.1, 3.3) as state machines without
 * sockets: a step takes the KDC's reply (none the first time) and either
 * writes the next request for the caller to send (KRB_CONTINUE), or
 * finishes (KRB_OK: credentials ready), or fails with a krb_status.  The
 * caller owns the transport: UDP first, the same request again over TCP
 * when a step says KRB_E_RESPONSE_TOO_BIG (the state is left as it was).
 *
 * Time and randomness come from the platform hook (sys.h:
 * sys_filetime_now, sys_random); clock_offset (seconds, added to the
 * platform clock) lets a test pretend the clocks disagree. */
#ifndef SSPISHIM_KRB_EXCHANGE_H
#define SSPISHIM_KRB_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/bytes.h"
#include "sspishim/krb_msg.h"

/* What the SSPI layer maps to SEC_E_*, as Windows does: LOGON_DENIED to
 * SEC_E_LOGON_DENIED, CLIENT_UNKNOWN to SEC_E_NO_CREDENTIALS (explicit
 * credentials) or SEC_E_LOGON_DENIED, SERVER_UNKNOWN to SEC_E_TARGET_UNKNOWN,
 * SKEW to SEC_E_TIME_SKEW, ETYPE to SEC_E_ALGORITHM_MISMATCH,
 * KDC_UNREACHABLE to SEC_E_NO_AUTHENTICATING_AUTHORITY... */
enum krb_status {
    KRB_OK = 0,
    KRB_CONTINUE = 1,               /* send what was written, then step again */
    KRB_E_LOGON_DENIED = -1,        /* wrong password (PREAUTH_FAILED, a reply that does not decrypt) */
    KRB_E_CLIENT_UNKNOWN = -2,      /* KDC_ERR_C_PRINCIPAL_UNKNOWN */
    KRB_E_SERVER_UNKNOWN = -3,      /* KDC_ERR_S_PRINCIPAL_UNKNOWN */
    KRB_E_SKEW = -4,                /* KRB_AP_ERR_SKEW: our clock and the KDC's disagree */
    KRB_E_ETYPE = -5,               /* no encryption type both sides support */
    KRB_E_MALFORMED = -6,           /* a reply that is not a well-formed message */
    KRB_E_MODIFIED = -7,            /* well formed, but not an answer to our request */
    KRB_E_KDC = -8,                 /* another KDC error: see kdc_error */
    KRB_E_RESPONSE_TOO_BIG = -9,    /* send the same request again over TCP */
    KRB_E_NO_MEMORY = -10,
    KRB_E_STATE = -11,              /* a bad argument or a step out of order */
    KRB_E_EXPIRED = -12,            /* the TGT or the password has expired */
    KRB_E_REVOKED = -13,            /* the account is disabled or locked */
    /* The GSS-API mechanism's (krb_gss.h): */
    KRB_E_REPLAY = -14,             /* an AP-REQ or token seen before: SEC_E_REPLAY / SEC_E_OUT_OF_SEQUENCE */
    KRB_E_BAD_INTEGRITY = -15,      /* a token altered, or sealed with another key: SEC_E_MESSAGE_ALTERED */
    KRB_E_SEQ_OUT_OF_ORDER = -16,   /* a token early, late or missing ones: SEC_E_OUT_OF_SEQUENCE */
    KRB_E_TKT_EXPIRED = -17,        /* the ticket (or the context it made) is past its end: SEC_E_CONTEXT_EXPIRED */
    KRB_E_TKT_NYV = -18,            /* a ticket not yet valid: SEC_E_TIME_SKEW */
    KRB_E_NO_KEY = -19,             /* the service has no key for the ticket's etype/kvno: SEC_E_NO_CREDENTIALS */
    KRB_E_BAD_BINDINGS = -20,       /* the channel bindings differ: SEC_E_BAD_BINDINGS */
    KRB_E_UNSUPPORTED = -21,        /* a feature not implemented (rc4 tokens, user-to-user): SEC_E_UNSUPPORTED_FUNCTION */
    KRB_E_KDC_UNREACHABLE = -22,    /* no KDC of the realm answered (krb_kdc.h) */
};
const char *krb_status_text(int status);

/* KDC error codes (RFC 4120 7.5.9) this code acts on. */
#define KDC_ERR_C_PRINCIPAL_UNKNOWN  6
#define KDC_ERR_S_PRINCIPAL_UNKNOWN  7
#define KDC_ERR_ETYPE_NOSUPP         14
#define KDC_ERR_CLIENT_REVOKED       18
#define KDC_ERR_KEY_EXPIRED          23
#define KDC_ERR_PREAUTH_FAILED       24
#define KDC_ERR_PREAUTH_REQUIRED     25
#define KRB_AP_ERR_BAD_INTEGRITY     31
#define KRB_AP_ERR_TKT_EXPIRED       32
#define KRB_AP_ERR_REPEAT            34
#define KRB_AP_ERR_NOT_US            35
#define KRB_AP_ERR_SKEW              37
#define KRB_AP_ERR_BADMATCH          36
#define KRB_AP_ERR_MODIFIED          41
#define KRB_AP_ERR_BADKEYVER         44
#define KRB_AP_ERR_NOKEY             45
#define KRB_AP_ERR_TKT_NYV           33
#define KRB_ERR_RESPONSE_TOO_BIG     52
int krb_status_from_kdc_error(int32_t code);

/* A ticket and what goes with it.  Free with krb_creds_free (wipes the key). */
struct krb_creds {
    char crealm[KRB_STR_MAX];
    struct krb_principal cname;
    char srealm[KRB_STR_MAX];
    struct krb_principal sname;
    struct krb_key key;
    uint8_t *ticket;                /* the Ticket's DER, heap */
    size_t ticket_len;
    uint32_t flags;
    int64_t authtime, endtime;
};
void krb_creds_free(struct krb_creds *c);

/* The etypes asked for when the caller names none: strongest first. */
extern const int32_t krb_default_etypes[];
extern const size_t krb_default_etypes_count;

struct krb_as {
    int state;
    struct krb_principal cname;
    char realm[KRB_STR_MAX];
    char *password;                 /* heap, wiped on free */
    size_t password_len;
    int32_t etypes[KRB_ETYPES_MAX];
    size_t n_etypes;
    uint32_t nonce;
    struct krb_key key;             /* the client's long-term key, once derived */
    int have_key;
    int32_t kdc_error;              /* the last KRB-ERROR's code, 0 if none */
    int64_t clock_offset;
    struct krb_creds tgt;           /* valid after KRB_OK */
};
/* user: "alice" or "a/b"; etypes NULL for the default list. */
int krb_as_init(struct krb_as *as, const char *user, const char *realm, const char *password, size_t password_len,
                const int32_t *etypes, size_t n_etypes);
/* in NULL on the first step.  out: a heap or fixed writer, emptied by the
 * caller between steps. */
int krb_as_step(struct krb_as *as, const uint8_t *in, size_t in_len, struct bytes_writer *out);
/* Moves the TGT out (the caller frees it); as keeps nothing of it. */
void krb_as_take_tgt(struct krb_as *as, struct krb_creds *out);
void krb_as_free(struct krb_as *as);

struct krb_tgs {
    int state;
    const struct krb_creds *tgt;    /* borrowed; must outlive the exchange */
    struct krb_principal sname;
    char srealm[KRB_STR_MAX];
    uint32_t nonce;
    int32_t kdc_error;
    int64_t clock_offset;
    struct krb_creds creds;         /* the service ticket, after KRB_OK */
};
/* service: "HTTP/localhost"; realm NULL for the TGT's. */
int krb_tgs_init(struct krb_tgs *tgs, const struct krb_creds *tgt, const char *service, const char *realm);
int krb_tgs_step(struct krb_tgs *tgs, const uint8_t *in, size_t in_len, struct bytes_writer *out);
void krb_tgs_take_creds(struct krb_tgs *tgs, struct krb_creds *out);
void krb_tgs_free(struct krb_tgs *tgs);

#endif
