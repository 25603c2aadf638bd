/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MIT's keytab file (doc/formats/keytab_file_format in MIT's sources): the
 * bytes 5, 2, then records, each a signed 32-bit big-endian length and
 * that many bytes; a negative length is a hole (a deleted entry) of that
 * many bytes, skipped.  An entry is
 *
 *     count of components (16 bits), realm (16-bit length + bytes),
 *     components (each 16-bit length + bytes), name type (32 bits),
 *     timestamp (32 bits), kvno (8 bits), enctype (16 bits),
 *     key (16-bit length + bytes), [kvno (32 bits), when the record has
 *     room for it: it replaces the 8-bit one unless it is 0]
 *
 * Version 1 (5, 1) writes integers in the writer's byte order (little
 * endian here: every machine that wrote one was), counts the realm among
 * the components and has no name type.
 *
 * An entry we cannot hold (more than KRB_NAME_MAX components, a name or
 * key too long, a NUL inside a name) is skipped like a hole; a record
 * whose inside does not add up makes the file malformed. */
#ifndef SSPISHIM_KRB_KEYTAB_H
#define SSPISHIM_KRB_KEYTAB_H

#include <stdint.h>

#include "sspishim/bytes.h"
#include "sspishim/krb_conf.h"
#include "sspishim/krb_file.h"
#include "sspishim/krb_msg.h"

struct krb_keytab_entry {
    char realm[KRB_STR_MAX];
    struct krb_principal princ;
    uint32_t timestamp;             /* seconds since 1970 */
    uint32_t kvno;
    struct krb_key key;             /* wipe with crypto_wipe when done */
};

struct krb_keytab_iter {
    struct bytes_reader r;
    int version;                    /* 1 or 2 */
    int done;                       /* the end was reached: it stays there */
};
/* Checks the header.  0, KRB_FILE_E_MALFORMED (not a keytab) or
 * KRB_FILE_E_UNSUPPORTED (another version). */
int krb_keytab_begin(struct krb_keytab_iter *it, const uint8_t *data, size_t len);
/* The next entry: 0, KRB_FILE_END, or KRB_FILE_E_MALFORMED (and every
 * later call too). */
int krb_keytab_next(struct krb_keytab_iter *it, struct krb_keytab_entry *out);

/* The key of princ@realm (components compared exactly, the name type
 * ignored, as MIT does) with this etype (0: any) and kvno (0: the highest
 * there is).  0, KRB_FILE_E_NO_ENTRY, or the iterator's errors. */
int krb_keytab_find(const uint8_t *data, size_t len, const struct krb_principal *princ, const char *realm,
                    int32_t etype, uint32_t kvno, struct krb_keytab_entry *out);

/* KRB5_KTNAME, else krb5.conf's [libdefaults] default_keytab_name (conf
 * may be NULL), else /etc/krb5.keytab; as krb_file_name_to_path reads
 * it (FILE: and WRFILE: names, MIT's %{tokens}; another type, such as
 * MEMORY:, is KRB_FILE_E_UNSUPPORTED). */
int krb_keytab_path(const struct krb_conf *conf, char *out, size_t max);
int krb_keytab_load(const struct krb_conf *conf, struct krb_file *out);

#endif
