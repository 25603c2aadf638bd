/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MIT's FILE credential cache (doc/formats/ccache_file_format in MIT's
 * sources), versions 4 and 3, read only; what kinit leaves in
 * /tmp/krb5cc_<uid>.  Big-endian throughout:
 *
 *     5, version; [v4: header length (16 bits), tags (16-bit tag, 16-bit
 *     length, value); tag 1 = the KDC's clock offset, seconds and
 *     microseconds]; the default principal; credentials until the end.
 *     principal: name type, count, realm, components (each a 32-bit
 *     length + bytes).
 *     credential: client, server, enctype (16 bits; twice in v3), key,
 *     authtime, starttime, endtime, renew_till (32 bits each), is_skey
 *     (8 bits), ticket flags (32 bits), addresses and authdata (a count,
 *     then 16-bit type + data each: skipped), ticket, second ticket.
 *
 * Entries whose server realm is "X-CACHECONF:" are MIT's configuration
 * entries, not credentials: the iterator marks them and the finders skip
 * them.  Versions 1 and 2 (native byte order, last written in the 1990s)
 * are KRB_FILE_E_UNSUPPORTED. */
#ifndef SSPISHIM_KRB_CCACHE_H
#define SSPISHIM_KRB_CCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "sspishim/bytes.h"
#include "sspishim/krb_conf.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_file.h"
#include "sspishim/krb_msg.h"

/* A parsed cache: borrows data, which must outlive it. */
struct krb_ccache {
    const uint8_t *data;
    size_t len;
    int version;                    /* 3 or 4 */
    bool has_kdc_offset;
    int32_t kdc_offset_sec, kdc_offset_usec;   /* KDC time minus ours */
    char realm[KRB_STR_MAX];        /* the default principal's */
    struct krb_principal princ;
    size_t creds_at;                /* where the credentials start */
};

struct krb_ccache_cred {
    char crealm[KRB_STR_MAX];
    struct krb_principal client;
    char srealm[KRB_STR_MAX];
    struct krb_principal server;
    struct krb_key key;             /* wipe with crypto_wipe when done */
    int64_t authtime, starttime, endtime, renew_till;   /* seconds since 1970 */
    bool is_skey;
    uint32_t flags;                 /* TicketFlags, bit 0 the most significant */
    struct bytes_span ticket;       /* the Ticket's DER, borrowed from the cache */
    bool is_config;                 /* an X-CACHECONF: entry */
    bool usable;                    /* names and key fit our fixed buffers */
};

/* 0, KRB_FILE_E_MALFORMED, or KRB_FILE_E_UNSUPPORTED (version 1 or 2, or a
 * default principal that does not fit). */
int krb_ccache_open(struct krb_ccache *cc, const uint8_t *data, size_t len);
/* The credential at *pos (start with *pos = cc->creds_at), then moves
 * *pos past it.  0, KRB_FILE_END, or KRB_FILE_E_MALFORMED. */
int krb_ccache_next(const struct krb_ccache *cc, size_t *pos, struct krb_ccache_cred *out);
/* The first usable credential for server@srealm (components compared
 * exactly, as krb_principal_equal), configuration entries skipped.
 * 0, KRB_FILE_E_NO_ENTRY, or KRB_FILE_E_MALFORMED. */
int krb_ccache_find(const struct krb_ccache *cc, const struct krb_principal *server, const char *srealm,
                    struct krb_ccache_cred *out);
/* The TGT krbtgt/REALM@REALM, realm NULL for the default principal's. */
int krb_ccache_find_tgt(const struct krb_ccache *cc, const char *realm, struct krb_ccache_cred *out);
/* A credential as the exchanges take it: the ticket copied to the heap.
 * Free with krb_creds_free.  0, KRB_FILE_E_NO_MEMORY, or
 * KRB_FILE_E_UNSUPPORTED (a configuration entry, an unusable one). */
int krb_ccache_to_creds(const struct krb_ccache_cred *in, struct krb_creds *out);

/* Where the cache is: KRB5CCNAME, else krb5.conf's [libdefaults]
 * default_ccache_name (conf may be NULL), else MIT's default
 * FILE:/tmp/krb5cc_%{uid}; as krb_file_name_to_path reads it (the uid
 * from sys_unix_uid).  The other cache types (KEYRING:, KCM:, DIR:,
 * MEMORY:, API:...) live where a Windows program cannot reach them:
 * KRB_FILE_E_UNSUPPORTED.  KRB_FILE_E_NOT_FOUND when the uid is needed
 * and not known. */
int krb_ccache_path(const struct krb_conf *conf, char *out, size_t max);
int krb_ccache_load(const struct krb_conf *conf, struct krb_file *out);

#endif
