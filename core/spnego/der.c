/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "sspishim/der.h"

const char *der_strerror(int rc)
{
    switch (rc) {
    case DER_OK: return "ok";
    case DER_ERR_TRUNCATED: return "truncated";
    case DER_ERR_TAG: return "unexpected tag";
    case DER_ERR_LENGTH: return "bad length";
    case DER_ERR_VALUE: return "bad value";
    case DER_ERR_TRAILING: return "trailing bytes";
    case DER_ERR_WRITER: return "out of memory";
    }
    return "unknown error";
}

/* ---- reading ------------------------------------------------------------------ */

/* A failed read leaves the reader failed, so a caller that ignores one
 * error still cannot read on from a bad position. */
static int fail(struct bytes_reader *r, int rc)
{
    r->failed = 1;
    return rc;
}

static int read_length(struct bytes_reader *r, size_t *len)
{
    uint8_t first = bytes_get_u8(r);
    size_t n, v = 0;

    if (r->failed)
        return DER_ERR_TRUNCATED;
    if (first < 0x80) {
        *len = first;
        return DER_OK;
    }
    n = first & 0x7f;
    if (n == 0 || n > 4)        /* indefinite, or longer than any token */
        return fail(r, DER_ERR_LENGTH);
    for (size_t i = 0; i < n; i++) {
        uint8_t b = bytes_get_u8(r);
        if (r->failed)
            return DER_ERR_TRUNCATED;
        if (i == 0 && b == 0)   /* a leading zero byte: not the shortest form */
            return fail(r, DER_ERR_LENGTH);
        v = v << 8 | b;
    }
    if (v < 0x80 || v > DER_MAX_LENGTH)
        return fail(r, DER_ERR_LENGTH);
    *len = v;
    return DER_OK;
}

int der_read(struct bytes_reader *r, uint8_t *tag, struct bytes_reader *content, struct bytes_span *whole)
{
    size_t start = r->pos, len = 0;
    uint8_t t;
    int rc;

    bytes_reader_init(content, NULL, 0);
    if (whole)
        *whole = (struct bytes_span){ NULL, 0 };
    t = bytes_get_u8(r);
    if (r->failed)
        return DER_ERR_TRUNCATED;
    if ((t & 0x1f) == 0x1f)
        return fail(r, DER_ERR_TAG);
    if ((rc = read_length(r, &len)))
        return rc;
    if (bytes_get_sub(r, len, content))
        return DER_ERR_TRUNCATED;
    *tag = t;
    if (whole)
        *whole = (struct bytes_span){ r->p + start, r->pos - start };
    return DER_OK;
}

int der_expect(struct bytes_reader *r, uint8_t tag, struct bytes_reader *content, struct bytes_span *whole)
{
    uint8_t got = 0;
    int rc = der_read(r, &got, content, whole);

    if (rc)
        return rc;
    if (got != tag) {
        bytes_reader_init(content, NULL, 0);
        return fail(r, DER_ERR_TAG);
    }
    return DER_OK;
}

int der_peek_tag(const struct bytes_reader *r)
{
    uint8_t t;

    return bytes_peek(r, &t, 1) ? -1 : t;
}

int der_end(const struct bytes_reader *content)
{
    if (content->failed)
        return DER_ERR_TRUNCATED;
    return bytes_remaining(content) ? DER_ERR_TRAILING : DER_OK;
}

bool der_oid_valid(struct bytes_span oid)
{
    bool start = true;

    if (!oid.len || (oid.p[oid.len - 1] & 0x80))
        return false;
    for (size_t i = 0; i < oid.len; i++) {
        if (start && oid.p[i] == 0x80)
            return false;
        start = !(oid.p[i] & 0x80);
    }
    return true;
}

bool der_oid_equal(struct bytes_span oid, const uint8_t *want, size_t want_len)
{
    return oid.len == want_len && !memcmp(oid.p, want, want_len);
}

int der_read_oid(struct bytes_reader *r, struct bytes_span *oid)
{
    struct bytes_reader c;
    int rc = der_expect(r, DER_OID, &c, NULL);

    *oid = (struct bytes_span){ NULL, 0 };
    if (rc)
        return rc;
    oid->p = c.p;
    oid->len = c.len;
    if (!der_oid_valid(*oid)) {
        *oid = (struct bytes_span){ NULL, 0 };
        return fail(r, DER_ERR_VALUE);
    }
    return DER_OK;
}

int der_read_enumerated(struct bytes_reader *r, uint32_t *value)
{
    struct bytes_reader c;
    uint32_t v = 0;
    int rc = der_expect(r, DER_ENUMERATED, &c, NULL);

    *value = 0;
    if (rc)
        return rc;
    /* Two's complement, shortest form: no sign bit set in the first byte,
     * no leading zero byte unless the next has its top bit set. */
    if (!c.len || c.len > 4 || (c.p[0] & 0x80) || (c.len > 1 && c.p[0] == 0 && !(c.p[1] & 0x80)))
        return fail(r, DER_ERR_VALUE);
    for (size_t i = 0; i < c.len; i++)
        v = v << 8 | c.p[i];
    *value = v;
    return DER_OK;
}

int der_read_octets(struct bytes_reader *r, struct bytes_span *value)
{
    struct bytes_reader c;
    int rc = der_expect(r, DER_OCTET_STRING, &c, NULL);

    *value = (struct bytes_span){ NULL, 0 };
    if (rc)
        return rc;
    value->p = c.p;
    value->len = c.len;
    return DER_OK;
}

char *der_oid_text(struct bytes_span oid, char *out, size_t max)
{
    size_t used = 0;
    uint64_t v = 0;
    bool first = true;

    if (!max)
        return out;
    if (!der_oid_valid(oid))
        goto bad;
    out[0] = 0;
    for (size_t i = 0; i < oid.len; i++) {
        int n;
        if (v >> 57)            /* the next shift would lose bits */
            goto bad;
        v = v << 7 | (oid.p[i] & 0x7f);
        if (oid.p[i] & 0x80)
            continue;
        if (first) {
            /* The first sub-identifier packs two arcs: 40 * X + Y. */
            unsigned x = v < 40 ? 0 : v < 80 ? 1 : 2;
            n = snprintf(out + used, max - used, "%u.%llu", x, (unsigned long long)(v - 40u * x));
            first = false;
        } else {
            n = snprintf(out + used, max - used, ".%llu", (unsigned long long)v);
        }
        if (n < 0 || (size_t)n >= max - used)
            goto bad;
        used += (size_t)n;
        v = 0;
    }
    return out;
bad:
    snprintf(out, max, "?");
    return out;
}

/* ---- writing ------------------------------------------------------------------ */

size_t der_header_size(size_t len)
{
    size_t n = 2;

    if (len < 0x80)
        return n;
    for (; len; len >>= 8)      /* the long form: one byte per length byte */
        n++;
    return n;
}

int der_put_header(struct bytes_writer *w, uint8_t tag, size_t len)
{
    uint8_t hdr[8];
    size_t n = der_header_size(len), i;

    if (len > DER_MAX_LENGTH)
        return DER_ERR_LENGTH;
    hdr[0] = tag;
    if (n == 2) {
        hdr[1] = (uint8_t)len;
    } else {
        hdr[1] = (uint8_t)(0x80 | (n - 2));
        for (i = n - 1; i >= 2; i--, len >>= 8)
            hdr[i] = (uint8_t)len;
    }
    return bytes_put(w, hdr, n) ? DER_ERR_WRITER : DER_OK;
}

int der_put(struct bytes_writer *w, uint8_t tag, const void *content, size_t len)
{
    int rc = der_put_header(w, tag, len);

    if (rc)
        return rc;
    return len && bytes_put(w, content, len) ? DER_ERR_WRITER : DER_OK;
}

int der_put_enumerated(struct bytes_writer *w, uint32_t value)
{
    uint8_t b[5];
    size_t n = 0;

    if (value > 0x7fffffffu)
        return DER_ERR_VALUE;
    /* Shortest two's complement: one more byte when the top bit is set. */
    do {
        b[4 - n++] = (uint8_t)value;
        value >>= 8;
    } while (value);
    if (b[5 - n] & 0x80)
        b[4 - n++] = 0;
    return der_put(w, DER_ENUMERATED, b + 5 - n, n);
}
