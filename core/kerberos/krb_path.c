/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* From a credential cache or keytab name, as KRB5CCNAME, KRB5_KTNAME and
 * krb5.conf's default_ccache_name / default_keytab_name hold them, to a
 * file path (krb_file.h).  Debian's default is FILE:/tmp/krb5cc_%{uid}:
 * the uid must come from the platform, which under Wine is not Win32's. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sspishim/krb_file.h"
#include "sspishim/sys.h"

/* MIT's type prefix: letters and digits up to a ':' (two or more of them:
 * one is a drive letter). */
static size_t type_length(const char *name)
{
    size_t n = 0;

    while (isalnum((unsigned char)name[n]))
        n++;
    return name[n] == ':' && n > 1 ? n : 0;
}

int krb_file_name_to_path(const char *name, char *out, size_t max)
{
    size_t t = type_length(name), used = 0;
    const char *p = name + (t ? t + 1 : 0);

    if (t && strncmp(name, "FILE:", 5) && strncmp(name, "WRFILE:", 7))
        return KRB_FILE_E_UNSUPPORTED;
    if (!max)
        return KRB_FILE_E_NOT_FOUND;
    while (*p) {
        char token[32] = "";
        const char *end;
        size_t n;
        if (p[0] != '%' || p[1] != '{') {
            if (used + 1 >= max)
                return KRB_FILE_E_NOT_FOUND;
            out[used++] = *p++;
            continue;
        }
        if (!(end = strchr(p, '}')) || (size_t)(end - p - 2) >= sizeof(token))
            return KRB_FILE_E_UNSUPPORTED;
        memcpy(token, p + 2, (size_t)(end - p - 2));
        p = end + 1;
        if (!strcmp(token, "uid") || !strcmp(token, "euid") || !strcmp(token, "USERID")) {
            unsigned long uid;
            if (sys_unix_uid(&uid))
                return KRB_FILE_E_NOT_FOUND;
            snprintf(token, sizeof(token), "%lu", uid);
        } else if (!strcmp(token, "TEMP")) {
            strcpy(token, "/tmp");
        } else if (!strcmp(token, "null")) {
            token[0] = 0;
        } else {
            return KRB_FILE_E_UNSUPPORTED;
        }
        n = strlen(token);
        if (n >= max - used)
            return KRB_FILE_E_NOT_FOUND;
        memcpy(out + used, token, n);
        used += n;
    }
    out[used] = 0;
    return used ? KRB_FILE_OK : KRB_FILE_E_NOT_FOUND;
}
