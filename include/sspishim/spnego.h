/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPNEGO tokens (RFC 4178, and Windows' NegTokenInit2 from MS-SPNG 2.2.1):
 *
 *   InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *       thisMech OID 1.3.6.1.5.5.2, innerContextToken NegotiationToken }
 *   NegotiationToken ::= CHOICE { negTokenInit [0], negTokenResp [1] }
 *   NegTokenInit  ::= SEQUENCE { mechTypes [0] SEQUENCE OF OID,
 *       reqFlags [1] BIT STRING OPTIONAL, mechToken [2] OCTET STRING OPTIONAL,
 *       mechListMIC [3] OCTET STRING OPTIONAL }
 *   NegTokenInit2 ::= the same, but [3] negHints SEQUENCE OPTIONAL and
 *       mechListMIC [4]
 *   NegTokenResp  ::= SEQUENCE { negState [0] ENUMERATED OPTIONAL,
 *       supportedMech [1] OID OPTIONAL, responseToken [2] OCTET STRING
 *       OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL }
 *
 * spnego_decode is the one parser of these tokens: no allocation, every
 * span it returns borrows the input, and any malformed input (truncated,
 * padded, fields out of order or repeated, a bad OID, an unknown negState,
 * trailing bytes) is an SPNEGO_ERR_* without reading a byte out of range.
 * The fuzz targets call it directly. */
#ifndef SSPISHIM_SPNEGO_H
#define SSPISHIM_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/bytes.h"

/* Contents bytes of the OIDs (no tag, no length). */
#define SPNEGO_OID_SPNEGO_LEN 6
#define SPNEGO_OID_NTLM_LEN   10
#define SPNEGO_OID_KRB5_LEN   9
extern const uint8_t spnego_oid_spnego[SPNEGO_OID_SPNEGO_LEN];   /* 1.3.6.1.5.5.2 */
extern const uint8_t spnego_oid_ntlm[SPNEGO_OID_NTLM_LEN];       /* 1.3.6.1.4.1.311.2.2.10 */
extern const uint8_t spnego_oid_krb5[SPNEGO_OID_KRB5_LEN];       /* 1.2.840.113554.1.2.2 */
extern const uint8_t spnego_oid_mskrb5[SPNEGO_OID_KRB5_LEN];     /* 1.2.840.48018.1.2.2 */

/* negState */
#define SPNEGO_ACCEPT_COMPLETED   0
#define SPNEGO_ACCEPT_INCOMPLETE  1
#define SPNEGO_REJECT             2
#define SPNEGO_REQUEST_MIC        3
#define SPNEGO_STATE_ABSENT       (-1)

/* More mechanisms than anyone offers (Windows sends up to four). */
#define SPNEGO_MAX_MECHS 16

enum spnego_kind { SPNEGO_INIT = 1, SPNEGO_RESP = 2 };

enum spnego_error {
    SPNEGO_OK = 0,
    SPNEGO_ERR_DER = -1,          /* not well-formed DER */
    SPNEGO_ERR_NOT_SPNEGO = -2,   /* framed, but for another mechanism */
    SPNEGO_ERR_STRUCTURE = -3,    /* DER, but not a NegotiationToken */
    SPNEGO_ERR_TOO_MANY = -4,     /* more than SPNEGO_MAX_MECHS mechanisms */
    SPNEGO_ERR_WRITER = -5,       /* encoding: out of memory */
};

struct spnego_token {
    enum spnego_kind kind;
    bool framed;                       /* came inside an InitialContextToken */
    /* NegTokenInit(2) */
    struct bytes_span mech_types;      /* the DER SEQUENCE OF MechType, as sent: the MIC covers it */
    size_t n_mechs;
    struct bytes_span mechs[SPNEGO_MAX_MECHS];   /* OID contents, in the sender's order */
    /* NegTokenResp */
    int neg_state;                     /* SPNEGO_* or SPNEGO_STATE_ABSENT */
    struct bytes_span supported_mech;  /* OID contents; len 0 when absent */
    /* both: mechToken / responseToken, and mechListMIC */
    bool has_token, has_mic;
    struct bytes_span token, mic;
};

/* Parses a NegotiationToken, framed (as a first token is) or bare. */
int spnego_decode(const void *data, size_t len, struct spnego_token *out);
const char *spnego_strerror(int rc);

/* A raw NTLMSSP message ("NTLMSSP\0"), which Windows' Negotiate takes in
 * place of an SPNEGO token. */
bool spnego_is_ntlmssp(const void *data, size_t len);

/* ---- encoding ------------------------------------------------------------ */

/* MechTypeList ::= SEQUENCE OF MechType, from OID contents. */
int spnego_encode_mech_types(struct bytes_writer *w, const struct bytes_span *mechs, size_t n);
/* A framed NegTokenInit: mech_types is the DER of spnego_encode_mech_types;
 * token and mic are left out when NULL. */
int spnego_encode_init(struct bytes_writer *w, struct bytes_span mech_types, const struct bytes_span *token,
                       const struct bytes_span *mic);
/* A NegTokenResp; neg_state SPNEGO_STATE_ABSENT and NULL fields are left out. */
int spnego_encode_resp(struct bytes_writer *w, int neg_state, const struct bytes_span *supported_mech,
                       const struct bytes_span *token, const struct bytes_span *mic);

#endif
