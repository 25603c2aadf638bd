/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The PAC ([MS-PAC]) a KDC puts in a ticket, read only: where it is, its
 * buffers, and the logon information (buffer type 1) a server turns into
 * names and groups.  The checksums are not verified here.
 *
 * Files: pac.c (AD-IF-RELEVANT / AD-WIN2K-PAC in the EncTicketPart's
 * authorization-data, PACTYPE and its buffers), pac_logon.c
 * (KERB_VALIDATION_INFO, NDR-serialized as [MS-RPCE] 2.2.6 says).
 * Everything borrows the input, which must outlive the result. */
#ifndef SSPISHIM_KRB_PAC_H
#define SSPISHIM_KRB_PAC_H

#include <stdint.h>

#include "sspishim/bytes.h"

#define KRB_AD_IF_RELEVANT   1
#define KRB_AD_WIN2K_PAC     128

#define KRB_PAC_LOGON_INFO       1
#define KRB_PAC_SERVER_CHECKSUM  6
#define KRB_PAC_PRIVSVR_CHECKSUM 7
#define KRB_PAC_CLIENT_INFO      10
#define KRB_PAC_UPN_DNS_INFO     12

/* Results: 0, or one of these. */
enum {
    KRB_PAC_E_MALFORMED = -1,
    KRB_PAC_E_NOT_FOUND = -2,
};

/* The PAC's bytes inside AuthorizationData (the DER of the EncTicketPart's
 * authorization-data field: SEQUENCE OF { ad-type [0], ad-data [1] }),
 * looked for at the top and one AD-IF-RELEVANT down, where KDCs put it. */
int krb_pac_find(const uint8_t *authz, size_t len, struct bytes_span *pac);

#define KRB_PAC_BUFFERS_MAX 32
struct krb_pac {
    uint32_t count;
    struct {
        uint32_t type;
        struct bytes_span data;
    } buf[KRB_PAC_BUFFERS_MAX];
};
/* PACTYPE: version 0, at most KRB_PAC_BUFFERS_MAX buffers, each inside
 * the PAC. */
int krb_pac_parse(const uint8_t *pac, size_t len, struct krb_pac *out);
/* The first buffer of a type; an empty span when there is none. */
struct bytes_span krb_pac_buffer(const struct krb_pac *pac, uint32_t type);

/* A SID as [MS-DTYP] 2.4.2 has it: at most 15 sub-authorities. */
#define KRB_SID_SUBAUTH_MAX 15
struct krb_sid {
    uint8_t revision, count;
    uint8_t authority[6];
    uint32_t sub[KRB_SID_SUBAUTH_MAX];
};

/* What a server needs of KERB_VALIDATION_INFO.  Names are UTF-16LE bytes
 * (an even length), borrowed.  Groups are (RID, attributes) pairs of the
 * logon domain: read them with krb_pac_group.  Extra SIDs and resource
 * groups are not read. */
struct krb_pac_logon {
    struct bytes_span effective_name, full_name, logon_server, logon_domain_name;
    uint32_t user_id, primary_group_id, user_flags;
    uint32_t group_count;
    struct bytes_span groups;       /* group_count * 8 bytes, little-endian */
    struct krb_sid logon_domain_id;
    int has_domain_id;
};
int krb_pac_logon_parse(struct bytes_span info, struct krb_pac_logon *out);
void krb_pac_group(const struct krb_pac_logon *l, uint32_t i, uint32_t *rid, uint32_t *attributes);

#endif
