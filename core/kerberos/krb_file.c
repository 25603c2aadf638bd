/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole files into memory for the Kerberos file parsers (krb_file.h). */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_file.h"
#include "sspishim/sys.h"

const char *krb_file_status_text(int status)
{
    switch (status) {
    case KRB_FILE_OK: return "ok";
    case KRB_FILE_END: return "no more entries";
    case KRB_FILE_E_NOT_FOUND: return "no such file";
    case KRB_FILE_E_IO: return "read error";
    case KRB_FILE_E_MALFORMED: return "malformed";
    case KRB_FILE_E_UNSUPPORTED: return "unsupported";
    case KRB_FILE_E_TOO_BIG: return "too big";
    case KRB_FILE_E_NO_MEMORY: return "out of memory";
    case KRB_FILE_E_NO_ENTRY: return "no matching entry";
    default: return "unknown";
    }
}

int krb_file_read(const char *path, size_t max, struct krb_file *out)
{
    struct sys_file_stamp st;
    size_t n = strlen(path), cap;

    memset(out, 0, sizeof(*out));
    if (!n || n >= sizeof(out->path))
        return KRB_FILE_E_NOT_FOUND;
    if (max > KRB_FILE_MAX)
        return KRB_FILE_E_NO_MEMORY;
    /* Sized by the file's stamp, one byte more than it should need, so a
     * buffer filled to the brim means the file is larger (it grew, or it
     * is a /proc file that says 0): then again, twice as large, up to one
     * byte past max, which tells a file of exactly max from a longer one. */
    cap = sys_file_stamp(path, &st) == 0 && st.size < max ? (size_t)st.size + 1 : max + 1;
    if (cap < 4096)
        cap = max < 4096 ? max + 1 : 4096;
    for (;;) {
        uint8_t *buf = malloc(cap);
        size_t len = 0;
        int rc;

        if (!buf)
            return KRB_FILE_E_NO_MEMORY;
        rc = sys_read_file(path, buf, cap, &len);
        if (!rc && len < cap) {
            out->data = buf;
            out->len = len;
            memcpy(out->path, path, n + 1);
            return KRB_FILE_OK;
        }
        crypto_wipe(buf, cap);
        free(buf);
        if (rc)
            return rc == 1 ? KRB_FILE_E_NOT_FOUND : KRB_FILE_E_IO;
        if (cap > max)
            return KRB_FILE_E_TOO_BIG;
        cap = cap > max / 2 ? max + 1 : cap * 2;
    }
}

void krb_file_free(struct krb_file *f)
{
    if (f->data) {
        crypto_wipe(f->data, f->len);
        free(f->data);
    }
    memset(f, 0, sizeof(*f));
}
