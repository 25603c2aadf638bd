/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names for the Kerberos package: SSPI speaks UTF-16, Kerberos names are
 * UTF-8 (RFC 4120 5.2.1 leaves it open; MIT, Heimdal and Windows all send
 * UTF-8). */
#include <string.h>

#include "krb_pkg.h"

static bool put_utf8(uint32_t cp, char *out, size_t max, size_t *n)
{
    uint8_t b[4];
    size_t k;

    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | cp >> 6);
        b[1] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xe0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        b[0] = (uint8_t)(0xf0 | cp >> 18);
        b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        b[3] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 4;
    }
    if (*n + k >= max)
        return false;
    memcpy(out + *n, b, k);
    *n += k;
    return true;
}

bool krb_utf16_to_utf8(const shim_wchar *s, size_t len, char *out, size_t max)
{
    size_t n = 0;

    if (!max)
        return false;
    for (size_t i = 0; i < len; i++) {
        uint32_t cp = s[i];
        if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < len && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (s[i + 1] - 0xdc00u);
            i++;
        } else if (cp >= 0xd800 && cp < 0xe000) {
            return false;   /* a lone surrogate */
        }
        if (!cp || !put_utf8(cp, out, max, &n))
            return false;
    }
    out[n] = 0;
    return true;
}

bool krb_latin1_to_utf8(const uint8_t *s, size_t len, char *out, size_t max)
{
    size_t n = 0;

    if (!max)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!s[i] || !put_utf8(s[i], out, max, &n))
            return false;
    out[n] = 0;
    return true;
}

shim_wchar *krb_caller_wstr(const char *utf8)
{
    const uint8_t *p = (const uint8_t *)utf8;
    size_t len = strlen(utf8), n = 0;
    shim_wchar *w = sys_caller_alloc((len + 1) * sizeof(shim_wchar));

    if (!w)
        return NULL;
    for (size_t i = 0; i < len;) {
        uint32_t cp = p[i];
        size_t k = cp < 0x80 ? 1 : cp >= 0xf0 ? 4 : cp >= 0xe0 ? 3 : cp >= 0xc0 ? 2 : 0;
        if (!k || i + k > len) {
            cp = 0xfffd;    /* not UTF-8: a byte of it stands for itself, replaced */
            k = 1;
        } else if (k > 1) {
            cp &= 0x3fu >> (k - 1);
            for (size_t j = 1; j < k; j++)
                cp = cp << 6 | (p[i + j] & 0x3fu);
        }
        i += k;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            w[n++] = (shim_wchar)(0xd800 + (cp >> 10));
            w[n++] = (shim_wchar)(0xdc00 + (cp & 0x3ff));
        } else {
            w[n++] = (shim_wchar)cp;
        }
    }
    w[n] = 0;
    return w;
}

void krb_principal_full(const struct krb_principal *p, const char *realm, char *out, size_t max)
{
    size_t n;

    krb_principal_text(p, out, max);
    n = strlen(out);
    if (realm[0] && n + 1 + strlen(realm) < max) {
        out[n] = '@';
        strcpy(out + n + 1, realm);
    }
}
