/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DER value types Kerberos needs beyond SPNEGO's: INTEGERs of any sign,
 * KerberosTime, KerberosString, KerberosFlags, and the inside-out writing
 * of nested elements.  Readers go through der_expect, so every length has
 * been checked against the bytes really there before a byte is looked at. */
#include <string.h>

#include "sspishim/der.h"

static int fail(struct bytes_reader *r, int rc)
{
    r->failed = 1;
    return rc;
}

/* ---- nesting ------------------------------------------------------------------ */

size_t der_begin(const struct bytes_writer *w)
{
    return w->len;
}

/* The header's size depends on the length, known only now: grow by that
 * many bytes, slide the contents up, write the header in the gap. */
int der_wrap(struct bytes_writer *w, size_t mark, uint8_t tag)
{
    size_t len, hdr;
    struct bytes_writer h;
    uint8_t buf[8];

    if (w->failed || mark > w->len)
        return DER_ERR_WRITER;
    len = w->len - mark;
    if (len > DER_MAX_LENGTH) {
        w->failed = 1;
        return DER_ERR_LENGTH;
    }
    hdr = der_header_size(len);
    if (bytes_put_zeros(w, hdr))
        return DER_ERR_WRITER;
    memmove(w->buf + mark + hdr, w->buf + mark, len);
    bytes_writer_init(&h, buf, sizeof(buf));
    der_put_header(&h, tag, len);
    memcpy(w->buf + mark, buf, hdr);
    return DER_OK;
}

int der_read_field(struct bytes_reader *seq, unsigned n, struct bytes_reader *inner)
{
    return der_expect(seq, (uint8_t)DER_CONTEXT(n), inner, NULL);
}

bool der_has_field(const struct bytes_reader *seq, unsigned n)
{
    return !seq->failed && der_peek_tag(seq) == (int)DER_CONTEXT(n);
}

/* ---- INTEGER ------------------------------------------------------------------ */

int der_read_int64(struct bytes_reader *r, int64_t *value)
{
    struct bytes_reader c;
    uint64_t v;
    int rc = der_expect(r, DER_INTEGER, &c, NULL);

    *value = 0;
    if (rc)
        return rc;
    /* Shortest form: the first nine bits are never all equal. */
    if (!c.len || c.len > 8 || (c.len > 1 && ((c.p[0] == 0 && !(c.p[1] & 0x80)) ||
                                              (c.p[0] == 0xff && (c.p[1] & 0x80)))))
        return fail(r, DER_ERR_VALUE);
    v = (c.p[0] & 0x80) ? UINT64_MAX : 0;       /* sign extension */
    for (size_t i = 0; i < c.len; i++)
        v = v << 8 | c.p[i];
    *value = (int64_t)v;
    return DER_OK;
}

int der_read_int32(struct bytes_reader *r, int32_t *value)
{
    int64_t v;
    int rc = der_read_int64(r, &v);

    *value = 0;
    if (rc)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX)
        return fail(r, DER_ERR_VALUE);
    *value = (int32_t)v;
    return DER_OK;
}

int der_read_uint32(struct bytes_reader *r, uint32_t *value)
{
    int64_t v;
    int rc = der_read_int64(r, &v);

    *value = 0;
    if (rc)
        return rc;
    if (v < INT32_MIN || v > (int64_t)UINT32_MAX)
        return fail(r, DER_ERR_VALUE);
    *value = (uint32_t)v;
    return DER_OK;
}

int der_put_int64(struct bytes_writer *w, int64_t value)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)value;
    size_t n = 8;

    for (int i = 7; i >= 0; i--, u >>= 8)
        b[i] = (uint8_t)u;
    /* Drop leading bytes that only repeat the sign of the next one. */
    while (n > 1 && ((b[8 - n] == 0 && !(b[9 - n] & 0x80)) || (b[8 - n] == 0xff && (b[9 - n] & 0x80))))
        n--;
    return der_put(w, DER_INTEGER, b + 8 - n, n);
}

/* ---- KerberosTime ------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar:
 * count from March, so the leap day ends a year. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = y / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = z / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned month_days(int64_t y, unsigned m)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return days[m - 1] + (m == 2 && leap);
}

static unsigned digits(const uint8_t *p, size_t n)
{
    unsigned v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(p[i] - '0');
    return v;
}

int der_read_time(struct bytes_reader *r, int64_t *unix_seconds)
{
    struct bytes_reader c;
    unsigned y, mo, d, h, mi, s;
    int rc = der_expect(r, DER_GENERALIZED_TIME, &c, NULL);

    *unix_seconds = 0;
    if (rc)
        return rc;
    if (c.len != 15 || c.p[14] != 'Z')
        return fail(r, DER_ERR_VALUE);
    for (size_t i = 0; i < 14; i++)
        if (c.p[i] < '0' || c.p[i] > '9')
            return fail(r, DER_ERR_VALUE);
    y = digits(c.p, 4), mo = digits(c.p + 4, 2), d = digits(c.p + 6, 2);
    h = digits(c.p + 8, 2), mi = digits(c.p + 10, 2), s = digits(c.p + 12, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 || s > 59)
        return fail(r, DER_ERR_VALUE);
    *unix_seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return DER_OK;
}

int der_put_time(struct bytes_writer *w, int64_t t)
{
    char text[16];
    int64_t y, days;
    unsigned m, d, sec;

    if (t < 0 || t > 253402300799)      /* 9999-12-31T23:59:59Z */
        return DER_ERR_VALUE;
    days = t / 86400;
    sec = (unsigned)(t % 86400);
    civil_from_days(days, &y, &m, &d);
    /* Each field is in range, so the text is exactly 15 characters. */
    text[0] = (char)('0' + y / 1000), text[1] = (char)('0' + y / 100 % 10);
    text[2] = (char)('0' + y / 10 % 10), text[3] = (char)('0' + y % 10);
    text[4] = (char)('0' + m / 10), text[5] = (char)('0' + m % 10);
    text[6] = (char)('0' + d / 10), text[7] = (char)('0' + d % 10);
    text[8] = (char)('0' + sec / 36000), text[9] = (char)('0' + sec / 3600 % 10);
    text[10] = (char)('0' + sec % 3600 / 600), text[11] = (char)('0' + sec % 3600 / 60 % 10);
    text[12] = (char)('0' + sec % 60 / 10), text[13] = (char)('0' + sec % 10);
    text[14] = 'Z';
    return der_put(w, DER_GENERALIZED_TIME, text, 15);
}

/* ---- strings, flags, octets ----------------------------------------------------- */

int der_read_kstring(struct bytes_reader *r, struct bytes_span *s)
{
    struct bytes_reader c;
    int rc = der_expect(r, DER_GENERAL_STRING, &c, NULL);

    *s = (struct bytes_span){ NULL, 0 };
    if (rc)
        return rc;
    if (c.len && memchr(c.p, 0, c.len))
        return fail(r, DER_ERR_VALUE);
    *s = (struct bytes_span){ c.p, c.len };
    return DER_OK;
}

int der_put_kstring(struct bytes_writer *w, const char *s, size_t len)
{
    return der_put(w, DER_GENERAL_STRING, s, len);
}

int der_read_flags(struct bytes_reader *r, uint32_t *flags)
{
    struct bytes_reader c;
    uint8_t unused, b[4] = { 0 };
    int rc = der_expect(r, DER_BIT_STRING, &c, NULL);

    *flags = 0;
    if (rc)
        return rc;
    unused = bytes_get_u8(&c);
    if (c.failed || unused > 7 || (unused && !bytes_remaining(&c)) || bytes_remaining(&c) < 4)
        return fail(r, DER_ERR_VALUE);
    bytes_get(&c, b, 4);
    *flags = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return DER_OK;
}

int der_put_flags(struct bytes_writer *w, uint32_t flags)
{
    uint8_t b[5] = { 0, (uint8_t)(flags >> 24), (uint8_t)(flags >> 16), (uint8_t)(flags >> 8), (uint8_t)flags };

    return der_put(w, DER_BIT_STRING, b, sizeof(b));
}

int der_put_octets(struct bytes_writer *w, const void *p, size_t len)
{
    return der_put(w, DER_OCTET_STRING, p, len);
}
