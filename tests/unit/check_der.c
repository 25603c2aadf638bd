/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DER codec: lengths in every form, tags, OIDs, ENUMERATEDs, and every
 * malformed input the reader must refuse without reading out of range.
 * Inputs are copied into exactly-sized heap blocks, so ASan sees any read
 * past their end. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/der.h"

#include "testutil.h"

/* An exact-size heap copy. */
static uint8_t *dup_bytes(const void *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(d);
    if (n) memcpy(d, p, n);
    return d;
}

static int read_one(const uint8_t *bytes, size_t n, uint8_t *tag, size_t *content_len)
{
    uint8_t *d = dup_bytes(bytes, n);
    struct bytes_reader r, c;
    struct bytes_span whole;
    int rc;

    bytes_reader_init(&r, d, n);
    rc = der_read(&r, tag, &c, &whole);
    if (!rc) {
        *content_len = c.len;
        ck_assert_uint_eq(whole.len, r.pos);
        ck_assert_ptr_eq(whole.p, d);
    } else {
        ck_assert(r.failed);
        ck_assert_uint_eq(bytes_remaining(&c), 0);
    }
    free(d);
    return rc;
}

/* ---- Lengths --------------------------------------------------------------------- */

START_TEST(short_and_long_lengths)
{
    uint8_t buf[300], tag = 0;
    size_t len = 0;

    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x00", 2, &tag, &len), DER_OK);
    ck_assert_uint_eq(tag, 4);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x02hi", 4, &tag, &len), DER_OK);
    ck_assert_uint_eq(len, 2);
    memset(buf, 'x', sizeof(buf));
    buf[0] = 0x04; buf[1] = 0x81; buf[2] = 0x80;
    ck_assert_int_eq(read_one(buf, 3 + 0x80, &tag, &len), DER_OK);
    ck_assert_uint_eq(len, 0x80);
    buf[1] = 0x82; buf[2] = 0x01; buf[3] = 0x00;
    ck_assert_int_eq(read_one(buf, 4 + 0x100, &tag, &len), DER_OK);
    ck_assert_uint_eq(len, 0x100);
}
END_TEST

START_TEST(bad_lengths)
{
    uint8_t tag;
    size_t len;

    /* indefinite */
    ck_assert_int_eq(read_one((const uint8_t *)"\x30\x80\x00\x00", 4, &tag, &len), DER_ERR_LENGTH);
    /* not the shortest form */
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x81\x05hello", 8, &tag, &len), DER_ERR_LENGTH);
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x82\x00\x05hello", 9, &tag, &len), DER_ERR_LENGTH);
    /* five length bytes, and a length beyond the limit */
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x85\x01\x00\x00\x00\x00", 7, &tag, &len), DER_ERR_LENGTH);
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x84\x7f\xff\xff\xff", 6, &tag, &len), DER_ERR_LENGTH);
    /* longer than what follows */
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x05hell", 6, &tag, &len), DER_ERR_TRUNCATED);
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x82\x01", 3, &tag, &len), DER_ERR_TRUNCATED);
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x84\x00\x10\x00\x00", 6, &tag, &len), DER_ERR_LENGTH);
    ck_assert_int_eq(read_one((const uint8_t *)"\x04\x83\x01\x00\x00", 5, &tag, &len), DER_ERR_TRUNCATED);
    /* nothing, a tag alone */
    ck_assert_int_eq(read_one((const uint8_t *)"", 0, &tag, &len), DER_ERR_TRUNCATED);
    ck_assert_int_eq(read_one((const uint8_t *)"\x04", 1, &tag, &len), DER_ERR_TRUNCATED);
}
END_TEST

START_TEST(every_truncation)
{
    /* A nested element cut at every length: never an out-of-range read. */
    static const uint8_t t[] = { 0x30, 0x0b, 0xa0, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01 };
    for (size_t n = 0; n < sizeof(t); n++) {
        uint8_t *d = dup_bytes(t, n), tag = 0;
        struct bytes_reader r, c, c2;
        struct bytes_span oid;
        bytes_reader_init(&r, d, n);
        int rc = der_read(&r, &tag, &c, NULL);
        if (!rc) rc = der_expect(&c, DER_CONTEXT(0), &c2, NULL);
        if (!rc) rc = der_read_oid(&c2, &oid);
        ck_assert_int_ne(rc, DER_OK);
        free(d);
    }
}
END_TEST

/* ---- Tags ----------------------------------------------------------------------- */

START_TEST(tags)
{
    uint8_t tag;
    size_t len;
    struct bytes_reader r, c;

    /* high-tag-number form refused */
    ck_assert_int_eq(read_one((const uint8_t *)"\x1f\x81\x00\x00", 4, &tag, &len), DER_ERR_TAG);
    ck_assert_int_eq(read_one((const uint8_t *)"\xbf\x01\x00", 3, &tag, &len), DER_ERR_TAG);
    /* der_expect with the wrong tag */
    bytes_reader_init(&r, "\x04\x00", 2);
    ck_assert_int_eq(der_expect(&r, DER_SEQUENCE, &c, NULL), DER_ERR_TAG);
    ck_assert(r.failed);
    /* peek does not consume */
    bytes_reader_init(&r, "\xa1\x00", 2);
    ck_assert_int_eq(der_peek_tag(&r), 0xa1);
    ck_assert_uint_eq(r.pos, 0);
    ck_assert_int_eq(der_expect(&r, DER_CONTEXT(1), &c, NULL), DER_OK);
    ck_assert_int_eq(der_peek_tag(&r), -1);
    ck_assert_int_eq(der_end(&c), DER_OK);
    /* der_end reports leftovers */
    bytes_reader_init(&r, "\x30\x02\x05\x00", 4);
    ck_assert_int_eq(der_expect(&r, DER_SEQUENCE, &c, NULL), DER_OK);
    ck_assert_int_eq(der_end(&c), DER_ERR_TRAILING);
}
END_TEST

/* ---- OIDs ----------------------------------------------------------------------- */

START_TEST(oids)
{
    static const uint8_t ntlm[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };
    static const uint8_t krb5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
    struct bytes_reader r;
    struct bytes_span oid;
    char text[64];

    bytes_reader_init(&r, ntlm, sizeof(ntlm));
    ck_assert_int_eq(der_read_oid(&r, &oid), DER_OK);
    ck_assert_uint_eq(oid.len, 10);
    ck_assert_str_eq(der_oid_text(oid, text, sizeof(text)), "1.3.6.1.4.1.311.2.2.10");
    ck_assert(der_oid_equal(oid, ntlm + 2, 10));
    ck_assert(!der_oid_equal(oid, ntlm + 2, 9));
    oid = (struct bytes_span){ krb5, sizeof(krb5) };
    ck_assert_str_eq(der_oid_text(oid, text, sizeof(text)), "1.2.840.113554.1.2.2");
    ck_assert_str_eq(der_oid_text(oid, text, 8), "?");
    oid = (struct bytes_span){ (const uint8_t *)"\x81\x34\x03", 3 };   /* 2.100.3 */
    ck_assert_str_eq(der_oid_text(oid, text, sizeof(text)), "2.100.3");

    /* malformed: empty, cut inside a sub-identifier, padded with 0x80 */
    bytes_reader_init(&r, "\x06\x00", 2);
    ck_assert_int_eq(der_read_oid(&r, &oid), DER_ERR_VALUE);
    bytes_reader_init(&r, "\x06\x02\x2b\x86", 4);
    ck_assert_int_eq(der_read_oid(&r, &oid), DER_ERR_VALUE);
    bytes_reader_init(&r, "\x06\x03\x2b\x80\x01", 5);
    ck_assert_int_eq(der_read_oid(&r, &oid), DER_ERR_VALUE);
    ck_assert_ptr_null(oid.p);
    bytes_reader_init(&r, "\x04\x01\x2b", 3);
    ck_assert_int_eq(der_read_oid(&r, &oid), DER_ERR_TAG);
    /* a sub-identifier too large to print */
    oid = (struct bytes_span){ (const uint8_t *)"\x2b\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11 };
    ck_assert(der_oid_valid(oid));
    ck_assert_str_eq(der_oid_text(oid, text, sizeof(text)), "?");
}
END_TEST

/* ---- ENUMERATED and OCTET STRING ---------------------------------------------- */

START_TEST(enumerated)
{
    struct bytes_reader r;
    uint32_t v = 99;

    bytes_reader_init(&r, "\x0a\x01\x03", 3);
    ck_assert_int_eq(der_read_enumerated(&r, &v), DER_OK);
    ck_assert_uint_eq(v, 3);
    bytes_reader_init(&r, "\x0a\x02\x00\x80", 4);
    ck_assert_int_eq(der_read_enumerated(&r, &v), DER_OK);
    ck_assert_uint_eq(v, 128);
    bytes_reader_init(&r, "\x0a\x00", 2);
    ck_assert_int_eq(der_read_enumerated(&r, &v), DER_ERR_VALUE);
    bytes_reader_init(&r, "\x0a\x01\xff", 3);                 /* negative */
    ck_assert_int_eq(der_read_enumerated(&r, &v), DER_ERR_VALUE);
    bytes_reader_init(&r, "\x0a\x02\x00\x01", 4);             /* padded */
    ck_assert_int_eq(der_read_enumerated(&r, &v), DER_ERR_VALUE);
    bytes_reader_init(&r, "\x0a\x05\x00\x80\x00\x00\x00", 7); /* too wide */
    ck_assert_int_eq(der_read_enumerated(&r, &v), DER_ERR_VALUE);
    bytes_reader_init(&r, "\x02\x01\x01", 3);                 /* an INTEGER */
    ck_assert_int_eq(der_read_enumerated(&r, &v), DER_ERR_TAG);
}
END_TEST

START_TEST(octets)
{
    struct bytes_reader r;
    struct bytes_span s;

    bytes_reader_init(&r, "\x04\x03" "abc" "\x04\x00", 7);
    ck_assert_int_eq(der_read_octets(&r, &s), DER_OK);
    ck_assert_uint_eq(s.len, 3);
    ck_assert_mem_eq(s.p, "abc", 3);
    ck_assert_int_eq(der_read_octets(&r, &s), DER_OK);
    ck_assert_uint_eq(s.len, 0);
    ck_assert_int_eq(der_read_octets(&r, &s), DER_ERR_TRUNCATED);
}
END_TEST

/* ---- Writing -------------------------------------------------------------------- */

START_TEST(write_lengths)
{
    static const size_t lens[] = { 0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x123456 };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        struct bytes_writer w;
        struct bytes_reader r, c;
        uint8_t tag = 0;
        uint8_t *content = calloc(1, lens[i] + 1);
        ck_assert_ptr_nonnull(content);
        bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
        ck_assert_int_eq(der_put(&w, DER_OCTET_STRING, content, lens[i]), DER_OK);
        ck_assert_uint_eq(w.len, der_header_size(lens[i]) + lens[i]);
        bytes_reader_init(&r, w.buf, w.len);
        ck_assert_int_eq(der_read(&r, &tag, &c, NULL), DER_OK);
        ck_assert_uint_eq(c.len, lens[i]);
        ck_assert_uint_eq(bytes_remaining(&r), 0);
        bytes_writer_free(&w);
        free(content);
    }
    ck_assert_uint_eq(der_header_size(0x7f), 2);
    ck_assert_uint_eq(der_header_size(0x80), 3);
    ck_assert_uint_eq(der_header_size(0x100), 4);
}
END_TEST

START_TEST(write_enumerated)
{
    static const uint32_t vals[] = { 0, 1, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fffffff };
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        uint8_t buf[16];
        struct bytes_writer w;
        struct bytes_reader r;
        uint32_t v;
        bytes_writer_init(&w, buf, sizeof(buf));
        ck_assert_int_eq(der_put_enumerated(&w, vals[i]), DER_OK);
        bytes_reader_init(&r, buf, w.len);
        ck_assert_int_eq(der_read_enumerated(&r, &v), DER_OK);
        ck_assert_uint_eq(v, vals[i]);
    }
    uint8_t buf[4];
    struct bytes_writer w;
    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(der_put_enumerated(&w, 0x80000000u), DER_ERR_VALUE);
    ck_assert_int_eq(der_put_enumerated(&w, 3), DER_OK);
    ck_assert_mem_eq(buf, "\x0a\x01\x03", 3);
    /* a full fixed writer */
    ck_assert_int_eq(der_put(&w, DER_OCTET_STRING, "ab", 2), DER_ERR_WRITER);
    ck_assert_str_eq(der_strerror(DER_ERR_WRITER), "out of memory");
    ck_assert_str_eq(der_strerror(42), "unknown error");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("der");
    TCase *tc;

    tc = tcase_create("Lengths");
    tcase_add_test(tc, short_and_long_lengths);
    tcase_add_test(tc, bad_lengths);
    tcase_add_test(tc, every_truncation);
    suite_add_tcase(s, tc);
    tc = tcase_create("Values");
    tcase_add_test(tc, tags);
    tcase_add_test(tc, oids);
    tcase_add_test(tc, enumerated);
    tcase_add_test(tc, octets);
    suite_add_tcase(s, tc);
    tc = tcase_create("Writing");
    tcase_add_test(tc, write_lengths);
    tcase_add_test(tc, write_enumerated);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
