/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 4120 messages: one encode and one decode per type, over the shared
 * DER codec (der.h).  Decoders read through the bounds-checked reader and
 * borrow spans of the input (the input must outlive the result), except
 * names and realms, which are copied into fixed buffers so the exchange
 * code can keep them.  Every decoder returns 0 or a negative DER_ERR_*;
 * a decoder that failed leaves nothing to free.
 *
 * Files: msg_name.c (PrincipalName, Realm), msg_encdata.c (EncryptedData,
 * EncryptionKey, Checksum, PA-DATA), msg_ticket.c, msg_kdc_req.c,
 * msg_kdc_rep.c (KDC-REP, EncKDCRepPart), msg_error.c (KRB-ERROR,
 * METHOD-DATA, ETYPE-INFO2), msg_preauth.c (PA-ENC-TS-ENC),
 * msg_ap_req.c (AP-REQ, Authenticator), msg_ap_rep.c (AP-REP,
 * EncAPRepPart), msg_enc_ticket.c (EncTicketPart). */
#ifndef SSPISHIM_KRB_MSG_H
#define SSPISHIM_KRB_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/bytes.h"
#include "sspishim/krb_crypto.h"

/* Application tags (RFC 4120 5.10). */
#define KRB_TAG_TICKET          1
#define KRB_TAG_AUTHENTICATOR   2
#define KRB_TAG_ENC_TICKET_PART 3
#define KRB_TAG_AS_REQ          10
#define KRB_TAG_AS_REP          11
#define KRB_TAG_TGS_REQ         12
#define KRB_TAG_TGS_REP         13
#define KRB_TAG_AP_REQ          14
#define KRB_TAG_AP_REP          15
#define KRB_TAG_ENC_AS_REP_PART 25
#define KRB_TAG_ENC_TGS_REP_PART 26
#define KRB_TAG_ENC_AP_REP_PART 27
#define KRB_TAG_ERROR           30

#define KRB_NT_PRINCIPAL    1
#define KRB_NT_SRV_INST     2
#define KRB_NT_SRV_HST      3

#define KRB_PA_TGS_REQ       1
#define KRB_PA_ENC_TIMESTAMP 2
#define KRB_PA_ETYPE_INFO2   19

/* Key usages (RFC 4120 7.5.1). */
#define KRB_KU_PA_ENC_TS         1
#define KRB_KU_TICKET            2
#define KRB_KU_AS_REP_ENC        3
#define KRB_KU_TGS_REQ_CKSUM     6
#define KRB_KU_TGS_REQ_AUTH      7
#define KRB_KU_TGS_REP_ENC       8
#define KRB_KU_AP_REQ_AUTH       11
#define KRB_KU_AP_REP_ENC        12

/* AP options (RFC 4120 5.5.1). */
#define KRB_AP_OPT_USE_SESSION_KEY  KRB_FLAG(1)
#define KRB_AP_OPT_MUTUAL_REQUIRED  KRB_FLAG(2)

/* KDC options (bit n counted from the most significant bit). */
#define KRB_FLAG(n)          (UINT32_C(0x80000000) >> (n))
#define KRB_KDC_OPT_FORWARDABLE  KRB_FLAG(1)
#define KRB_KDC_OPT_RENEWABLE_OK KRB_FLAG(27)
#define KRB_KDC_OPT_CANONICALIZE KRB_FLAG(15)

/* Longer names and realms are refused; no real one comes near. */
#define KRB_STR_MAX 256
#define KRB_NAME_MAX 4
#define KRB_PADATA_MAX 16
#define KRB_ETYPES_MAX 16

struct krb_principal {
    int32_t type;
    unsigned count;
    char comp[KRB_NAME_MAX][KRB_STR_MAX];   /* NUL-terminated */
};
/* "HTTP/localhost" style text, '/' between components. */
int krb_principal_parse(const char *text, int32_t type, struct krb_principal *out);
bool krb_principal_equal(const struct krb_principal *a, const struct krb_principal *b);
/* "a/b" into out (truncated to max); returns out. */
char *krb_principal_text(const struct krb_principal *p, char *out, size_t max);
int krb_principal_encode(struct bytes_writer *w, const struct krb_principal *p);
int krb_principal_decode(struct bytes_reader *r, struct krb_principal *out);
int krb_realm_decode(struct bytes_reader *r, char out[KRB_STR_MAX]);
int krb_realm_encode(struct bytes_writer *w, const char *realm);

struct krb_enc_data {
    int32_t etype;
    bool has_kvno;
    uint32_t kvno;
    struct bytes_span cipher;
};
int krb_enc_data_encode(struct bytes_writer *w, const struct krb_enc_data *e);
int krb_enc_data_decode(struct bytes_reader *r, struct krb_enc_data *out);

/* EncryptionKey: keytype and value, into a krb_key (wiped by the caller). */
int krb_key_encode(struct bytes_writer *w, const struct krb_key *k);
int krb_key_decode(struct bytes_reader *r, struct krb_key *out);

struct krb_checksum {
    int32_t type;
    struct bytes_span value;
};
int krb_checksum_encode(struct bytes_writer *w, const struct krb_checksum *c);
int krb_checksum_decode(struct bytes_reader *r, struct krb_checksum *out);

struct krb_padata {
    int32_t type;
    struct bytes_span value;
};
/* SEQUENCE OF PA-DATA (METHOD-DATA too): at most KRB_PADATA_MAX. */
int krb_padata_encode(struct bytes_writer *w, const struct krb_padata *pa, size_t n);
int krb_padata_decode(struct bytes_reader *r, struct krb_padata *out, size_t *n);
const struct krb_padata *krb_padata_find(const struct krb_padata *pa, size_t n, int32_t type);

struct krb_ticket {
    char realm[KRB_STR_MAX];
    struct krb_principal sname;
    struct krb_enc_data enc;
    struct bytes_span whole;        /* the Ticket as received, to send on */
};
int krb_ticket_encode(struct bytes_writer *w, const struct krb_ticket *t);
int krb_ticket_decode(struct bytes_reader *r, struct krb_ticket *out);

struct krb_kdc_req_body {
    uint32_t options;
    const struct krb_principal *cname;      /* AS only; NULL in TGS */
    const char *realm;
    const struct krb_principal *sname;
    int64_t till;
    uint32_t nonce;
    const int32_t *etypes;
    size_t n_etypes;
};
int krb_kdc_req_body_encode(struct bytes_writer *w, const struct krb_kdc_req_body *b);
/* KDC-REQ: msg_type 10 (AS) or 12 (TGS); body is an encoded req-body, so
 * the bytes a TGS checksum covers are exactly the bytes sent. */
int krb_kdc_req_encode(struct bytes_writer *w, int msg_type, const struct krb_padata *pa, size_t n_pa,
                       struct bytes_span body);

struct krb_kdc_req {
    int msg_type;
    struct krb_padata pa[KRB_PADATA_MAX];
    size_t n_pa;
    uint32_t options;
    bool has_cname;
    struct krb_principal cname;
    char realm[KRB_STR_MAX];
    struct krb_principal sname;
    int64_t till;
    uint32_t nonce;
    int32_t etypes[KRB_ETYPES_MAX];
    size_t n_etypes;
    struct bytes_span body;         /* req-body as received */
};
/* What a KDC reads: for tests, and a fake KDC. */
int krb_kdc_req_decode(struct bytes_reader *r, struct krb_kdc_req *out);

struct krb_kdc_rep {
    int msg_type;                   /* 11 AS-REP, 13 TGS-REP */
    struct krb_padata pa[KRB_PADATA_MAX];
    size_t n_pa;
    char crealm[KRB_STR_MAX];
    struct krb_principal cname;
    struct krb_ticket ticket;
    struct krb_enc_data enc;
};
int krb_kdc_rep_decode(struct bytes_reader *r, struct krb_kdc_rep *out);
int krb_kdc_rep_encode(struct bytes_writer *w, const struct krb_kdc_rep *rep);

struct krb_enc_kdc_rep {
    struct krb_key key;             /* wipe when done */
    uint32_t nonce;
    uint32_t flags;
    int64_t authtime, starttime, endtime, renew_till;
    bool has_starttime, has_renew_till;
    char srealm[KRB_STR_MAX];
    struct krb_principal sname;
};
/* EncASRepPart [25] or EncTGSRepPart [26]: both are accepted for either
 * reply, as RFC 4120 5.4.2 asks (MIT's KDC sends 25, others 26). */
int krb_enc_kdc_rep_decode(struct bytes_reader *r, struct krb_enc_kdc_rep *out);
int krb_enc_kdc_rep_encode(struct bytes_writer *w, int tag, const struct krb_enc_kdc_rep *e);

struct krb_error {
    int64_t stime;
    uint32_t susec;
    int32_t code;
    char realm[KRB_STR_MAX];
    struct krb_principal sname;
    struct bytes_span e_text, e_data;       /* empty when absent */
};
int krb_error_decode(struct bytes_reader *r, struct krb_error *out);
int krb_error_encode(struct bytes_writer *w, const struct krb_error *e);

struct krb_etype_info2 {
    int32_t etype;
    bool has_salt;
    struct bytes_span salt, s2kparams;
};
/* ETYPE-INFO2: entries in the KDC's order of preference, at most max. */
int krb_etype_info2_decode(struct bytes_reader *r, struct krb_etype_info2 *out, size_t max, size_t *n);
int krb_etype_info2_encode(struct bytes_writer *w, const struct krb_etype_info2 *e, size_t n);

/* PA-ENC-TS-ENC, plain. */
int krb_pa_enc_ts_encode(struct bytes_writer *w, int64_t time, uint32_t usec);
int krb_pa_enc_ts_decode(struct bytes_reader *r, int64_t *time, uint32_t *usec);

struct krb_authenticator {
    char crealm[KRB_STR_MAX];
    struct krb_principal cname;
    bool has_cksum;
    struct krb_checksum cksum;
    uint32_t cusec;
    int64_t ctime;
    bool has_subkey;
    struct krb_key subkey;          /* wipe when done */
    bool has_seq;
    uint32_t seq;
};
/* A decoded subkey must have the length its etype wants (krb_key_decode);
 * on failure nothing of it is left. */
int krb_authenticator_encode(struct bytes_writer *w, const struct krb_authenticator *a);
int krb_authenticator_decode(struct bytes_reader *r, struct krb_authenticator *out);

struct krb_ap_req {
    uint32_t options;
    struct krb_ticket ticket;
    struct krb_enc_data authenticator;
};
/* ticket is the Ticket's bytes as received from the KDC. */
int krb_ap_req_encode(struct bytes_writer *w, uint32_t options, struct bytes_span ticket,
                      const struct krb_enc_data *authenticator);
int krb_ap_req_decode(struct bytes_reader *r, struct krb_ap_req *out);

struct krb_enc_ticket {
    uint32_t flags;
    struct krb_key key;             /* wipe when done */
    char crealm[KRB_STR_MAX];
    struct krb_principal cname;
    int64_t authtime, starttime, endtime;
    bool has_starttime;
    /* authorization-data [10], the whole AuthorizationData SEQUENCE as
     * received (a PAC lives in it), borrowed from the input; empty when
     * absent.  Encoding writes it back as it is. */
    struct bytes_span authz;
};
int krb_enc_ticket_decode(struct bytes_reader *r, struct krb_enc_ticket *out);
/* What a KDC makes: for tests that need a ticket of their own (an empty
 * transited field, no renew-till, no addresses). */
int krb_enc_ticket_encode(struct bytes_writer *w, const struct krb_enc_ticket *e);
/* What a service does with a ticket: open its enc-part with the service's
 * long-term key (usage 2) and decode it.  0, or a KRB_CRYPTO_* code from
 * the decryption (BAD_ETYPE when the key is of another etype), or a
 * DER_ERR_* for a plaintext that does not decode.  The plaintext is gone
 * when this returns, so out->authz is left empty: the GSS acceptor, which
 * keeps it, opens the ticket itself. */
int krb_ticket_open(const struct krb_key *service_key, const struct krb_ticket *t, struct krb_enc_ticket *out);

/* AP-REP [15] and EncAPRepPart [27] (RFC 4120 5.5.2): the service's proof
 * for mutual authentication, sealed under the ticket's session key
 * (usage 12). */
struct krb_ap_rep_part {
    int64_t ctime;
    uint32_t cusec;
    bool has_subkey;
    struct krb_key subkey;          /* wipe when done */
    bool has_seq;
    uint32_t seq;
};
int krb_ap_rep_encode(struct bytes_writer *w, const struct krb_enc_data *enc);
int krb_ap_rep_decode(struct bytes_reader *r, struct krb_enc_data *enc);
int krb_ap_rep_part_encode(struct bytes_writer *w, const struct krb_ap_rep_part *p);
int krb_ap_rep_part_decode(struct bytes_reader *r, struct krb_ap_rep_part *out);

/* Seals plain under key/usage into a fresh heap buffer for an
 * EncryptedData, or opens one; both wipe what they should.  0 or a
 * KRB_CRYPTO_* code. */
int krb_seal(const struct krb_key *key, uint32_t usage, struct bytes_span plain, uint8_t **out, size_t *out_len);
int krb_open(const struct krb_key *key, uint32_t usage, const struct krb_enc_data *e, uint8_t **out,
             size_t *out_len);

#endif
