/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Counted UTF-16 names and their conversions; see ntlm_text.h. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/ntlm_crypto.h"
#include "sspishim/sys.h"

#include "ntlm_text.h"

/* Allocates room for len units and the terminator; len is bounded by the
 * callers (NTLM_NAME_MAX or a byte count), so the product cannot wrap. */
static shim_wchar *alloc_units(size_t len)
{
    if (len > NTLM_NAME_MAX * 2 + 1)
        return NULL;
    return malloc((len + 1) * sizeof(shim_wchar));
}

void ntlm_name_clear(struct ntlm_name *n)
{
    if (n->s) {
        crypto_wipe(n->s, (n->len + 1) * sizeof(shim_wchar));
        free(n->s);
    }
    n->s = NULL;
    n->len = 0;
}

/* Takes ownership of buf (len units, room for a terminator). */
static void name_adopt(struct ntlm_name *n, shim_wchar *buf, size_t len)
{
    ntlm_name_clear(n);
    buf[len] = 0;
    n->s = buf;
    n->len = len;
}

int ntlm_name_set(struct ntlm_name *n, const shim_wchar *s, size_t len)
{
    shim_wchar *buf;

    if (len > NTLM_NAME_MAX || (len && !s))
        return NTLM_TEXT_INVALID;
    if (!(buf = alloc_units(len)))
        return NTLM_TEXT_NO_MEMORY;
    if (len)
        memcpy(buf, s, len * sizeof(shim_wchar));
    name_adopt(n, buf, len);
    return NTLM_TEXT_OK;
}

int ntlm_name_copy(struct ntlm_name *dst, const struct ntlm_name *src)
{
    return ntlm_name_set(dst, src->s, src->len);
}

int ntlm_name_from_latin1(struct ntlm_name *n, const unsigned char *s, size_t len)
{
    shim_wchar *buf;

    if (len > NTLM_NAME_MAX || (len && !s))
        return NTLM_TEXT_INVALID;
    if (!(buf = alloc_units(len)))
        return NTLM_TEXT_NO_MEMORY;
    for (size_t i = 0; i < len; i++)
        buf[i] = s[i];
    name_adopt(n, buf, len);
    return NTLM_TEXT_OK;
}

/* One code point from r; -1 for a malformed sequence.  The continuation
 * bytes' count and the lower bound per length reject overlong forms. */
static long utf8_next(struct bytes_reader *r)
{
    static const long min_for[4] = { 0, 0x80, 0x800, 0x10000 };
    uint8_t b = bytes_get_u8(r);
    int extra;
    long cp;

    if (b < 0x80)
        return b;
    if (b >= 0xc2 && b <= 0xdf) { extra = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { extra = 2; cp = b & 0x0f; }
    else if (b >= 0xf0 && b <= 0xf4) { extra = 3; cp = b & 0x07; }
    else return -1;
    for (int i = 0; i < extra; i++) {
        uint8_t c = bytes_get_u8(r);
        if (r->failed || (c & 0xc0) != 0x80)
            return -1;
        cp = cp << 6 | (c & 0x3f);
    }
    if (cp < min_for[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    return cp;
}

bool ntlm_utf8_valid(struct bytes_span in)
{
    struct bytes_reader r;

    bytes_reader_init(&r, in.p, in.len);
    while (bytes_remaining(&r))
        if (utf8_next(&r) < 0)
            return false;
    return true;
}

int ntlm_name_from_utf8(struct ntlm_name *n, struct bytes_span in)
{
    struct bytes_reader r;
    shim_wchar *buf;
    size_t len = 0;

    /* Every UTF-8 sequence yields no more UTF-16 units than it has bytes. */
    if (in.len > NTLM_NAME_MAX)
        return NTLM_TEXT_INVALID;
    if (!(buf = alloc_units(in.len)))
        return NTLM_TEXT_NO_MEMORY;
    bytes_reader_init(&r, in.p, in.len);
    while (bytes_remaining(&r)) {
        long cp = utf8_next(&r);
        if (cp < 0) {
            crypto_wipe(buf, (in.len + 1) * sizeof(shim_wchar));
            free(buf);
            return NTLM_TEXT_INVALID;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            buf[len++] = (shim_wchar)(0xd800 | (cp >> 10));
            buf[len++] = (shim_wchar)(0xdc00 | (cp & 0x3ff));
        } else {
            buf[len++] = (shim_wchar)cp;
        }
    }
    name_adopt(n, buf, len);
    return NTLM_TEXT_OK;
}

int ntlm_name_from_wire(struct ntlm_name *n, struct bytes_span in, bool unicode)
{
    shim_wchar *buf;
    size_t len;

    if (!unicode)
        return ntlm_name_from_latin1(n, in.p, in.len);
    if (in.len % 2)
        return NTLM_TEXT_INVALID;
    len = in.len / 2;
    if (len > NTLM_NAME_MAX)
        return NTLM_TEXT_INVALID;
    if (!(buf = alloc_units(len)))
        return NTLM_TEXT_NO_MEMORY;
    bytes_load_u16le_array(in.p, buf, len);
    name_adopt(n, buf, len);
    return NTLM_TEXT_OK;
}

int ntlm_name_to_wire(struct bytes_writer *w, const shim_wchar *s, size_t len, bool unicode)
{
    if (unicode)
        return bytes_put_u16le_array(w, s, len);
    for (size_t i = 0; i < len; i++)
        bytes_put_u8(w, s[i] < 0x100 ? (uint8_t)s[i] : '?');
    return w->failed ? -1 : 0;
}

bool ntlm_name_ieq(const shim_wchar *a, size_t alen, const shim_wchar *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (ntlm_upcase(a[i]) != ntlm_upcase(b[i]))
            return false;
    return true;
}

shim_wchar *ntlm_wstr_caller(const shim_wchar *s, size_t len)
{
    shim_wchar *out;

    if (len > NTLM_NAME_MAX || !(out = sys_caller_alloc((len + 1) * sizeof(shim_wchar))))
        return NULL;
    if (len)
        memcpy(out, s, len * sizeof(shim_wchar));
    out[len] = 0;
    return out;
}

shim_wchar *ntlm_join_caller(const struct ntlm_name *domain, const struct ntlm_name *user)
{
    size_t dlen = domain->len, ulen = user->len, total, pos = 0;
    shim_wchar *out;

    if (!dlen)
        return ntlm_wstr_caller(user->s, ulen);
    total = dlen + 1 + ulen;
    if (dlen > NTLM_NAME_MAX || ulen > NTLM_NAME_MAX ||
        !(out = sys_caller_alloc((total + 1) * sizeof(shim_wchar))))
        return NULL;
    memcpy(out, domain->s, dlen * sizeof(shim_wchar));
    pos = dlen;
    out[pos++] = '\\';
    if (ulen)
        memcpy(out + pos, user->s, ulen * sizeof(shim_wchar));
    out[total] = 0;
    return out;
}
