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
    size_t n = strlen(path), len = 0;
    uint8_t *buf;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!n || n >= sizeof(out->path))
        return KRB_FILE_E_NOT_FOUND;
    /* One byte more than allowed tells a file of exactly max from a longer
     * one without asking for its size first (/proc files report 0). */
    if (max > KRB_FILE_MAX || !(buf = malloc(max + 1)))
        return KRB_FILE_E_NO_MEMORY;
    rc = sys_read_file(path, buf, max + 1, &len);
    if (rc || len > max) {
        crypto_wipe(buf, max + 1);
        free(buf);
        return rc == 1 ? KRB_FILE_E_NOT_FOUND : rc ? KRB_FILE_E_IO : KRB_FILE_E_TOO_BIG;
    }
    out->data = buf;
    out->len = len;
    memcpy(out->path, path, n + 1);
    return KRB_FILE_OK;
}

void krb_file_free(struct krb_file *f)
{
    if (f->data) {
        crypto_wipe(f->data, f->len);
        free(f->data);
    }
    memset(f, 0, sizeof(*f));
}
