/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the Kerberos file readers share (krb_conf.h, krb_keytab.h,
 * krb_ccache.h): one set of results and one way to bring a whole file into
 * memory.  The parsers work on byte buffers and never touch files; only
 * the load functions do, through sys_read_file, so the same parsers run
 * under Check, under the fuzzer and in the DLL (where a Unix path is read
 * through Wine's Z: drive). */
#ifndef SSPISHIM_KRB_FILE_H
#define SSPISHIM_KRB_FILE_H

#include <stddef.h>
#include <stdint.h>

enum krb_file_status {
    KRB_FILE_OK = 0,
    KRB_FILE_END = 1,               /* an iterator has no more entries */
    KRB_FILE_E_NOT_FOUND = -1,      /* no such file (or no path to look at) */
    KRB_FILE_E_IO = -2,             /* the file is there but could not be read */
    KRB_FILE_E_MALFORMED = -3,      /* not a well-formed file of its kind */
    KRB_FILE_E_UNSUPPORTED = -4,    /* a version or a cache type we do not read */
    KRB_FILE_E_TOO_BIG = -5,        /* larger than any real file of its kind */
    KRB_FILE_E_NO_MEMORY = -6,
    KRB_FILE_E_NO_ENTRY = -7,       /* well formed, but nothing matches */
};
const char *krb_file_status_text(int status);

/* Larger files are refused: real ones are a few kilobytes. */
#define KRB_FILE_MAX (4u << 20)
#define KRB_FILE_PATH_MAX 1024

/* A whole file in memory.  Free with krb_file_free, which wipes it (a
 * keytab or a ccache holds keys). */
struct krb_file {
    uint8_t *data;
    size_t len;
    char path[KRB_FILE_PATH_MAX];   /* the path it was read from */
};
/* Reads path (at most max bytes; a longer file is KRB_FILE_E_TOO_BIG). */
int krb_file_read(const char *path, size_t max, struct krb_file *out);
void krb_file_free(struct krb_file *f);

/* A cache or keytab name as MIT writes them ("TYPE:residual"): the path
 * of a FILE: or WRFILE: name, or of a bare path (a drive letter, or a
 * colon after a '/', is part of a path), copied into out with MIT's
 * tokens expanded: %{uid}, %{euid}, %{USERID} (the Unix uid, from
 * sys_unix_uid), %{TEMP} (/tmp), %{null}; any other token, or another
 * type (KEYRING:, KCM:, DIR:, MEMORY:, API:...), is
 * KRB_FILE_E_UNSUPPORTED; nothing left, or too long, KRB_FILE_E_NOT_FOUND. */
int krb_file_name_to_path(const char *name, char *out, size_t max);

#endif
