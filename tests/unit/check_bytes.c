/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/bytes.h"

static const uint8_t sample[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };

/* A heap copy of exactly len bytes, so ASan sees any read past the end. */
static uint8_t *exact_copy(const void *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len) memcpy(p, src, len);
    return p;
}

/* ---- Reader ------------------------------------------------------------ */

START_TEST(reader_integers)
{
    struct bytes_reader r;
    bytes_reader_init(&r, sample, sizeof(sample));
    ck_assert_uint_eq(bytes_get_u8(&r), 0x01);
    ck_assert_uint_eq(bytes_get_u16le(&r), 0x0302);
    ck_assert_uint_eq(bytes_get_u32le(&r), 0x07060504u);
    ck_assert_uint_eq(bytes_get_u16be(&r), 0x0809);
    ck_assert_uint_eq(bytes_get_u32be(&r), 0x0a0b0c0du);
    ck_assert_uint_eq(bytes_remaining(&r), 3);
    ck_assert_int_eq(r.failed, 0);
    ck_assert_int_eq(bytes_seek(&r, 8), 0);
    ck_assert(bytes_get_u64le(&r) == 0x100f0e0d0c0b0a09ull);
    ck_assert_uint_eq(bytes_remaining(&r), 0);
    ck_assert_int_eq(r.failed, 0);
}
END_TEST

/* UTF-16LE arrays: little-endian bytes whatever the host, a full writer
 * refuses the lot, and loading gives the units back. */
START_TEST(u16le_arrays)
{
    static const uint16_t units[3] = { 0x0041, 0x20ac, 0xd83d };
    uint8_t buf[8], small[5];
    uint16_t back[3];
    struct bytes_writer w;

    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(bytes_put_u8(&w, 0x99), 0);
    ck_assert_int_eq(bytes_put_u16le_array(&w, units, 3), 0);
    ck_assert_int_eq(bytes_put_u16le_array(&w, units, 0), 0);
    ck_assert_uint_eq(w.len, 7);
    ck_assert_mem_eq(buf, "\x99\x41\x00\xac\x20\x3d\xd8", 7);
    bytes_load_u16le_array(buf + 1, back, 3);
    ck_assert_mem_eq(back, units, sizeof(units));

    bytes_writer_init(&w, small, sizeof(small));
    ck_assert_int_eq(bytes_put_u16le_array(&w, units, 3), -1);
    ck_assert_int_eq(w.failed, 1);
    ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(reader_bytes_and_views)
{
    struct bytes_reader r, sub;
    struct bytes_span s;
    uint8_t out[4];

    bytes_reader_init(&r, sample, sizeof(sample));
    ck_assert_int_eq(bytes_peek(&r, out, 2), 0);
    ck_assert_uint_eq(out[0], 1);
    ck_assert_uint_eq(r.pos, 0);
    ck_assert_int_eq(bytes_get(&r, out, 4), 0);
    ck_assert_mem_eq(out, sample, 4);
    ck_assert_int_eq(bytes_get_span(&r, 2, &s), 0);
    ck_assert_ptr_eq(s.p, sample + 4);
    ck_assert_uint_eq(s.len, 2);
    ck_assert_int_eq(bytes_skip(&r, 2), 0);
    ck_assert_int_eq(bytes_get_sub(&r, 3, &sub), 0);
    ck_assert_uint_eq(r.pos, 11);
    /* the sub-reader is bounded by its own length, not the parent's */
    ck_assert_uint_eq(bytes_get_u16le(&sub), 0x0a09);
    ck_assert_uint_eq(bytes_get_u8(&sub), 0x0b);
    ck_assert_uint_eq(bytes_get_u8(&sub), 0);
    ck_assert_int_eq(sub.failed, 1);
    ck_assert_int_eq(r.failed, 0);
    ck_assert_uint_eq(bytes_get_u8(&r), 0x0c);
    /* absolute views leave pos alone */
    ck_assert_int_eq(bytes_get_span_at(&r, 14, 2, &s), 0);
    ck_assert_ptr_eq(s.p, sample + 14);
    ck_assert_uint_eq(r.pos, 12);
    ck_assert_int_eq(bytes_seek(&r, 0), 0);
    ck_assert_uint_eq(bytes_get_u8(&r), 0x01);
}
END_TEST

START_TEST(reader_sticky_failure)
{
    struct bytes_reader r;
    uint8_t out[3] = { 0xff, 0xff, 0xff };
    struct bytes_span s;

    bytes_reader_init(&r, sample, 3);
    ck_assert_uint_eq(bytes_get_u16le(&r), 0x0201);
    ck_assert_uint_eq(bytes_get_u16le(&r), 0);     /* one byte short */
    ck_assert_int_eq(r.failed, 1);
    /* everything after fails and yields zeros, even reads that would fit */
    ck_assert_uint_eq(bytes_get_u8(&r), 0);
    ck_assert_int_eq(bytes_get(&r, out, 1), -1);
    ck_assert_uint_eq(out[0], 0);
    ck_assert_int_eq(bytes_get(&r, out, 0), -1);
    ck_assert_int_eq(bytes_skip(&r, 0), -1);
    ck_assert_int_eq(bytes_get_span(&r, 0, &s), -1);
    ck_assert_uint_eq(s.len, 0);
    ck_assert_int_eq(bytes_get_span_at(&r, 0, 1, &s), -1);
    ck_assert_uint_eq(bytes_remaining(&r), 0);
    /* seeking back does not clear it */
    ck_assert_int_eq(bytes_seek(&r, 0), -1);
    ck_assert_uint_eq(bytes_get_u8(&r), 0);
    ck_assert_int_eq(bytes_peek(&r, out, 1), -1);
    ck_assert_int_eq(r.failed, 1);
}
END_TEST

START_TEST(reader_peek_is_not_sticky)
{
    struct bytes_reader r;
    uint8_t out[4] = { 0xff, 0xff, 0xff, 0xff };

    bytes_reader_init(&r, sample, 2);
    ck_assert_int_eq(bytes_peek(&r, out, 4), -1);
    ck_assert_uint_eq(out[0], 0);                  /* zero-filled */
    ck_assert_int_eq(r.failed, 0);
    ck_assert_uint_eq(bytes_get_u16le(&r), 0x0201);
}
END_TEST

/* ---- Writer ------------------------------------------------------------ */

START_TEST(writer_fixed)
{
    uint8_t buf[16];
    struct bytes_writer w;
    struct bytes_span s;
    size_t slot;
    static const uint8_t want[16] = { 0xaa, 0x02, 0x01, 0x04, 0x03, 0x02, 0x01,
                                      0x34, 0x12, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12, 0x99 };

    memset(buf, 0xee, sizeof(buf));
    bytes_writer_init(&w, buf, sizeof(buf));
    bytes_put_u8(&w, 0xaa);
    bytes_put_u16le(&w, 0x0102);
    bytes_put_u32le(&w, 0x01020304);
    slot = bytes_reserve(&w, 4);
    ck_assert_uint_eq(slot, 7);
    ck_assert_int_eq(bytes_put_u32be(&w, 0x78563412), 0);
    ck_assert_int_eq(bytes_put(&w, "\x99", 1), 0);
    ck_assert_int_eq(bytes_patch_u16le(&w, slot, 0x1234), 0);
    ck_assert_int_eq(w.failed, 0);
    ck_assert_uint_eq(w.len, 16);
    ck_assert_mem_eq(buf, want, 16);
    s = bytes_writer_span(&w);
    ck_assert_ptr_eq(s.p, buf);
    ck_assert_uint_eq(s.len, 16);
    /* full: the next byte fails, stickily, and nothing moves */
    ck_assert_int_eq(bytes_put_u8(&w, 1), -1);
    ck_assert_int_eq(w.failed, 1);
    ck_assert_uint_eq(w.len, 16);
    ck_assert_int_eq(bytes_put(&w, NULL, 0), -1);
    ck_assert_int_eq(bytes_patch_u16le(&w, 0, 0), -1);
    ck_assert_uint_eq(buf[0], 0xaa);
    ck_assert_uint_eq(bytes_writer_span(&w).len, 0);
    bytes_writer_free(&w);
    ck_assert_uint_eq(buf[0], 0xaa);               /* the caller's buffer stays */
}
END_TEST

START_TEST(writer_fixed_overflow_writes_nothing)
{
    uint8_t buf[8];
    struct bytes_writer w;

    memset(buf, 0xee, sizeof(buf));
    bytes_writer_init(&w, buf, 6);
    bytes_put_u32le(&w, 0x11111111);
    ck_assert_int_eq(bytes_put_u32le(&w, 0x22222222), -1);
    ck_assert_uint_eq(w.len, 4);
    ck_assert_uint_eq(buf[4], 0xee);
    ck_assert_uint_eq(buf[6], 0xee);
}
END_TEST

START_TEST(writer_heap_growth)
{
    struct bytes_writer w;
    struct bytes_span s;
    uint8_t chunk[1000];

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_uint_eq(bytes_writer_span(&w).len, 0);
    for (uint32_t i = 0; i < 5000; i++)
        bytes_put_u32le(&w, i);
    for (size_t i = 0; i < sizeof(chunk); i++)
        chunk[i] = (uint8_t)(i * 7);
    for (int i = 0; i < 100; i++)
        bytes_put(&w, chunk, sizeof(chunk));
    bytes_put_u64le(&w, 0x0102030405060708ull);
    bytes_put_u16be(&w, 0xabcd);
    ck_assert_int_eq(w.failed, 0);
    ck_assert_uint_eq(w.len, 20000 + 100000 + 10);
    ck_assert_uint_ge(w.cap, w.len);

    struct bytes_reader r;
    s = bytes_writer_span(&w);
    bytes_reader_init(&r, s.p, s.len);
    for (uint32_t i = 0; i < 5000; i++)
        ck_assert_uint_eq(bytes_get_u32le(&r), i);
    for (int i = 0; i < 100; i++) {
        struct bytes_span c;
        ck_assert_int_eq(bytes_get_span(&r, sizeof(chunk), &c), 0);
        ck_assert_mem_eq(c.p, chunk, sizeof(chunk));
    }
    ck_assert(bytes_get_u64le(&r) == 0x0102030405060708ull);
    ck_assert_uint_eq(bytes_get_u16be(&r), 0xabcd);
    ck_assert_uint_eq(bytes_remaining(&r), 0);
    ck_assert_int_eq(r.failed, 0);
    bytes_writer_free(&w);
    ck_assert_ptr_null(w.buf);
    ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(writer_reserve_patch)
{
    struct bytes_writer w;
    size_t a, b;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    a = bytes_reserve(&w, 8);
    bytes_put_zeros(&w, 3);
    b = bytes_reserve(&w, 2);
    ck_assert_uint_eq(a, 0);
    ck_assert_uint_eq(b, 11);
    /* patches land in place even after the buffer has moved */
    for (int i = 0; i < 1000; i++)
        bytes_put_u8(&w, 0x5a);
    ck_assert_int_eq(bytes_patch_u32le(&w, a + 4, 0xdeadbeef), 0);
    ck_assert_int_eq(bytes_patch(&w, b, "xy", 2), 0);
    ck_assert_uint_eq(w.buf[4], 0xef);
    ck_assert_uint_eq(w.buf[7], 0xde);
    ck_assert_uint_eq(w.buf[0], 0);
    ck_assert_uint_eq(w.buf[11], 'x');
    ck_assert_uint_eq(w.buf[13], 0x5a);
    /* a patch may end exactly at the end, not past it */
    ck_assert_int_eq(bytes_patch(&w, w.len - 1, "z", 1), 0);
    ck_assert_int_eq(bytes_patch(&w, w.len, "", 0), 0);
    ck_assert_int_eq(bytes_patch(&w, w.len - 1, "zz", 2), -1);
    ck_assert_int_eq(w.failed, 1);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(writer_heap_limit)
{
    struct bytes_writer w;

    bytes_writer_init_heap(&w, 100);
    ck_assert_int_eq(bytes_put_zeros(&w, 99), 0);
    ck_assert_int_eq(bytes_put_u8(&w, 1), 0);
    ck_assert_uint_eq(w.len, 100);
    ck_assert_uint_le(w.cap, 100);
    ck_assert_int_eq(bytes_put_u8(&w, 2), -1);
    ck_assert_int_eq(w.failed, 1);
    bytes_writer_free(&w);

    bytes_writer_init_heap(&w, 0);
    ck_assert_int_eq(bytes_put(&w, NULL, 0), 0);
    ck_assert_int_eq(bytes_put_u8(&w, 1), -1);
    bytes_writer_free(&w);
}
END_TEST

/* ---- Limits ------------------------------------------------------------ */

START_TEST(limits_huge_lengths)
{
    struct bytes_reader r, sub;
    struct bytes_span s;
    size_t huge[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 3, SIZE_MAX / 2 + 1, (size_t)1 << 31, 17 };

    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        bytes_reader_init(&r, sample, sizeof(sample));
        bytes_get_u8(&r);
        ck_assert_int_eq(bytes_skip(&r, huge[i]), -1);
        ck_assert_uint_eq(r.pos, 1);

        bytes_reader_init(&r, sample, sizeof(sample));
        ck_assert_int_eq(bytes_get_span(&r, huge[i], &s), -1);
        ck_assert_uint_eq(s.len, 0);

        bytes_reader_init(&r, sample, sizeof(sample));
        ck_assert_int_eq(bytes_get_sub(&r, huge[i], &sub), -1);
        ck_assert_int_eq(sub.failed, 1);
        ck_assert_uint_eq(bytes_get_u8(&sub), 0);

        /* offsets and lengths whose sum wraps around to something small */
        bytes_reader_init(&r, sample, sizeof(sample));
        ck_assert_int_eq(bytes_get_span_at(&r, huge[i], 2, &s), -1);
        bytes_reader_init(&r, sample, sizeof(sample));
        ck_assert_int_eq(bytes_get_span_at(&r, 2, huge[i], &s), -1);
        bytes_reader_init(&r, sample, sizeof(sample));
        ck_assert_int_eq(bytes_get_span_at(&r, huge[i], huge[i], &s), -1);

        bytes_reader_init(&r, sample, sizeof(sample));
        ck_assert_int_eq(bytes_seek(&r, huge[i]), -1);
    }
    /* SIZE_MAX - 15 + 16 wraps to 0 */
    bytes_reader_init(&r, sample, sizeof(sample));
    ck_assert_int_eq(bytes_get_span_at(&r, SIZE_MAX - 15, 16, &s), -1);
    bytes_reader_init(&r, sample, sizeof(sample));
    ck_assert_int_eq(bytes_get_span_at(&r, 1, SIZE_MAX, &s), -1);
}
END_TEST

START_TEST(limits_edges)
{
    struct bytes_reader r;
    struct bytes_span s;
    uint8_t *buf = exact_copy(sample, sizeof(sample));
    uint8_t out[16];

    /* exactly to the end works, one past does not */
    bytes_reader_init(&r, buf, 16);
    ck_assert_int_eq(bytes_get_span_at(&r, 16, 0, &s), 0);
    ck_assert_int_eq(bytes_get_span_at(&r, 0, 16, &s), 0);
    ck_assert_int_eq(bytes_get_span_at(&r, 15, 1, &s), 0);
    ck_assert_int_eq(r.failed, 0);
    ck_assert_int_eq(bytes_get_span_at(&r, 17, 0, &s), -1);
    bytes_reader_init(&r, buf, 16);
    ck_assert_int_eq(bytes_get_span_at(&r, 15, 2, &s), -1);

    bytes_reader_init(&r, buf, 16);
    ck_assert_int_eq(bytes_seek(&r, 16), 0);
    ck_assert_int_eq(bytes_get(&r, out, 0), 0);    /* zero bytes at the end */
    ck_assert_int_eq(bytes_get_span(&r, 0, &s), 0);
    ck_assert_int_eq(bytes_skip(&r, 0), 0);
    ck_assert_int_eq(bytes_peek(&r, out, 0), 0);
    ck_assert_int_eq(r.failed, 0);
    ck_assert_int_eq(bytes_get(&r, out, 1), -1);
    bytes_reader_init(&r, buf, 16);
    ck_assert_int_eq(bytes_seek(&r, 17), -1);

    /* each width one byte short */
    for (size_t left = 0; left < 8; left++) {
        bytes_reader_init(&r, buf + 16 - left, left);
        bytes_get_u64le(&r);
        ck_assert_int_eq(r.failed, 1);
        bytes_reader_init(&r, buf + 16 - left, left);
        bytes_get_u32le(&r);
        ck_assert_int_eq(r.failed, left < 4);
        bytes_reader_init(&r, buf + 16 - left, left);
        bytes_get_u32be(&r);
        ck_assert_int_eq(r.failed, left < 4);
        bytes_reader_init(&r, buf + 16 - left, left);
        bytes_get_u16le(&r);
        ck_assert_int_eq(r.failed, left < 2);
        bytes_reader_init(&r, buf + 16 - left, left);
        bytes_get_u16be(&r);
        ck_assert_int_eq(r.failed, left < 2);
        bytes_reader_init(&r, buf + 16 - left, left);
        bytes_get_u8(&r);
        ck_assert_int_eq(r.failed, left < 1);
    }
    free(buf);
}
END_TEST

START_TEST(limits_null_and_empty)
{
    struct bytes_reader r;
    struct bytes_span s;
    uint8_t out[1];

    bytes_reader_init(&r, NULL, 0);
    ck_assert_int_eq(r.failed, 0);
    ck_assert_int_eq(bytes_get_span(&r, 0, &s), 0);
    ck_assert_ptr_nonnull(s.p);
    ck_assert_int_eq(bytes_get(&r, out, 0), 0);
    ck_assert_uint_eq(bytes_get_u8(&r), 0);
    ck_assert_int_eq(r.failed, 1);

    /* NULL with a length is a broken view: failed from the start */
    bytes_reader_init(&r, NULL, 10);
    ck_assert_int_eq(r.failed, 1);
    ck_assert_uint_eq(bytes_remaining(&r), 0);
    ck_assert_int_eq(bytes_skip(&r, 0), -1);

    struct bytes_writer w;
    bytes_writer_init(&w, NULL, 100);
    ck_assert_int_eq(bytes_put(&w, "", 0), 0);
    ck_assert_int_eq(bytes_put_u8(&w, 1), -1);
}
END_TEST

START_TEST(limits_writer_huge)
{
    struct bytes_writer w;
    uint8_t buf[8];

    /* the request is refused before any allocation is attempted */
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    bytes_put_zeros(&w, 10);
    ck_assert_int_eq(bytes_put_zeros(&w, SIZE_MAX), -1);
    ck_assert_int_eq(w.failed, 1);
    ck_assert_uint_eq(w.len, 10);
    bytes_writer_free(&w);

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    bytes_put_zeros(&w, 10);
    ck_assert_int_eq(bytes_put_zeros(&w, SIZE_MAX - 9), -1);
    bytes_writer_free(&w);

    bytes_writer_init_heap(&w, 1 << 20);
    ck_assert_uint_eq(bytes_reserve(&w, SIZE_MAX / 2), 0);
    ck_assert_int_eq(w.failed, 1);
    ck_assert_int_eq(bytes_patch(&w, 0, "", 0), -1);
    bytes_writer_free(&w);

    bytes_writer_init(&w, buf, sizeof(buf));
    bytes_put_zeros(&w, 4);
    ck_assert_int_eq(bytes_patch(&w, SIZE_MAX, "a", 1), -1);
    bytes_writer_init(&w, buf, sizeof(buf));
    bytes_put_zeros(&w, 4);
    ck_assert_int_eq(bytes_patch(&w, 2, buf, SIZE_MAX), -1);
    bytes_writer_init(&w, buf, sizeof(buf));
    bytes_put_zeros(&w, 4);
    ck_assert_int_eq(bytes_patch(&w, 5, "", 0), -1);
    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(bytes_put_zeros(&w, SIZE_MAX), -1);
    ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(limits_wipe)
{
    uint8_t buf[32];
    memset(buf, 0xa5, sizeof(buf));
    bytes_wipe(buf + 1, 30);
    ck_assert_uint_eq(buf[0], 0xa5);
    ck_assert_uint_eq(buf[1], 0);
    ck_assert_uint_eq(buf[30], 0);
    ck_assert_uint_eq(buf[31], 0xa5);
    bytes_wipe(NULL, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bytes");
    TCase *rd = tcase_create("Reader");
    tcase_add_test(rd, reader_integers);
    tcase_add_test(rd, reader_bytes_and_views);
    tcase_add_test(rd, reader_sticky_failure);
    tcase_add_test(rd, reader_peek_is_not_sticky);
    suite_add_tcase(s, rd);
    TCase *wr = tcase_create("Writer");
    tcase_add_test(wr, writer_fixed);
    tcase_add_test(wr, u16le_arrays);
    tcase_add_test(wr, writer_fixed_overflow_writes_nothing);
    tcase_add_test(wr, writer_heap_growth);
    tcase_add_test(wr, writer_reserve_patch);
    tcase_add_test(wr, writer_heap_limit);
    suite_add_tcase(s, wr);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, limits_huge_lengths);
    tcase_add_test(lim, limits_edges);
    tcase_add_test(lim, limits_null_and_empty);
    tcase_add_test(lim, limits_writer_huge);
    tcase_add_test(lim, limits_wipe);
    suite_add_tcase(s, lim);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}
