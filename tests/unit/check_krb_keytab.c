/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MIT keytab files, built here byte by byte (both versions, holes, the
 * 32-bit kvno, entries we cannot hold), then cut and damaged.  MIT's own
 * keytab (kadmin ktadd, ktremove) is read by tests/kerberos/krb_files_dump.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_keytab.h"

#include "testutil.h"
#include "krb_tmpfile.h"

/* ---- keytab ------------------------------------------------------------------- */

static void put16(struct bytes_writer *w, int v1, uint16_t v)
{
    if (v1) bytes_put_u16le(w, v); else bytes_put_u16be(w, v);
}

static void put32(struct bytes_writer *w, int v1, uint32_t v)
{
    if (v1) bytes_put_u32le(w, v); else bytes_put_u32be(w, v);
}

static void put_str16(struct bytes_writer *w, int v1, const char *s)
{
    put16(w, v1, (uint16_t)strlen(s));
    bytes_put(w, s, strlen(s));
}

/* One keytab record; kvno32 < 0 leaves the 32-bit kvno out. */
static void kt_entry(struct bytes_writer *w, int v1, const char *realm, const char *const *comps, unsigned n,
                     uint32_t kvno8, int32_t etype, size_t keylen, int64_t kvno32)
{
    size_t at = bytes_reserve(w, 4), start = w->len;
    uint32_t size;
    uint8_t be[4];

    put16(w, v1, (uint16_t)(n + (v1 ? 1 : 0)));
    put_str16(w, v1, realm);
    for (unsigned i = 0; i < n; i++)
        put_str16(w, v1, comps[i]);
    if (!v1)
        put32(w, v1, KRB_NT_PRINCIPAL);
    put32(w, v1, 0x5f000000u);
    bytes_put_u8(w, (uint8_t)kvno8);
    put16(w, v1, (uint16_t)etype);
    put16(w, v1, (uint16_t)keylen);
    for (size_t i = 0; i < keylen; i++)
        bytes_put_u8(w, (uint8_t)(etype + i));
    if (kvno32 >= 0)
        put32(w, v1, (uint32_t)kvno32);
    size = (uint32_t)(w->len - start);
    if (v1) {
        bytes_patch_u32le(w, at, size);
    } else {
        for (int i = 0; i < 4; i++)
            be[i] = (uint8_t)(size >> (24 - 8 * i));
        bytes_patch(w, at, be, 4);
    }
}

static const char *const http[] = { "HTTP", "localhost" };
static const char *const alice[] = { "alice" };
static const char *const five[] = { "a", "b", "c", "d", "e" };

/* The keytab the tests read: 5 entries we keep, a hole, and 2 we skip. */
static void kt_build(struct bytes_writer *w)
{
    bytes_writer_init_heap(w, BYTES_NO_LIMIT);
    bytes_put_u8(w, 5);
    bytes_put_u8(w, 2);
    kt_entry(w, 0, "SSPI.TEST", http, 2, 2, 18, 32, -1);
    kt_entry(w, 0, "SSPI.TEST", http, 2, 2, 17, 16, 2);
    bytes_put_u32be(w, (uint32_t)-9);                    /* a hole of 9 bytes */
    bytes_put_zeros(w, 9);
    kt_entry(w, 0, "SSPI.TEST", http, 2, 3, 18, 32, 0);  /* a zero 32-bit kvno: the 8-bit one holds */
    kt_entry(w, 0, "SSPI.TEST", five, 5, 1, 18, 32, -1); /* too many components: skipped */
    kt_entry(w, 0, "SSPI.TEST", http, 2, 9, 99, 40, -1); /* a key longer than any we use: skipped */
    kt_entry(w, 0, "SSPI.TEST", http, 2, 300 & 0xff, 23, 16, 300);
    kt_entry(w, 0, "SSPI.TEST", alice, 1, 1, 18, 32, -1);
}

START_TEST(test_keytab_entries)
{
    static const uint32_t kvnos[] = { 2, 2, 3, 300, 1 };
    static const int32_t etypes[] = { 18, 17, 18, 23, 18 };
    struct bytes_writer w;
    struct krb_keytab_iter it;
    struct krb_keytab_entry e;
    size_t n = 0;
    int rc;

    kt_build(&w);
    ck_assert_int_eq(krb_keytab_begin(&it, w.buf, w.len), 0);
    while (!(rc = krb_keytab_next(&it, &e))) {
        ck_assert_uint_lt(n, 5);
        ck_assert_str_eq(e.realm, "SSPI.TEST");
        ck_assert_uint_eq(e.kvno, kvnos[n]);
        ck_assert_int_eq(e.key.etype, etypes[n]);
        ck_assert_uint_eq(e.key.len, etypes[n] == 17 || etypes[n] == 23 ? 16 : 32);
        ck_assert_uint_eq(e.key.bytes[1], (uint8_t)(etypes[n] + 1));
        ck_assert_uint_eq(e.timestamp, 0x5f000000u);
        ck_assert_int_eq(e.princ.type, KRB_NT_PRINCIPAL);
        ck_assert_uint_eq(e.princ.count, n == 4 ? 1 : 2);
        ck_assert_str_eq(e.princ.comp[0], n == 4 ? "alice" : "HTTP");
        n++;
    }
    ck_assert_int_eq(rc, KRB_FILE_END);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(krb_keytab_next(&it, &e), KRB_FILE_END);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(test_keytab_find)
{
    struct bytes_writer w;
    struct krb_keytab_entry e;
    struct krb_principal p;

    kt_build(&w);
    krb_principal_parse("HTTP/localhost", KRB_NT_SRV_HST, &p);
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "SSPI.TEST", 18, 0, &e), 0);
    ck_assert_uint_eq(e.kvno, 3);                            /* the highest */
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "SSPI.TEST", 18, 2, &e), 0);
    ck_assert_uint_eq(e.kvno, 2);
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "SSPI.TEST", 0, 0, &e), 0);
    ck_assert_uint_eq(e.kvno, 300);
    ck_assert_int_eq(e.key.etype, 23);
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "SSPI.TEST", 17, 3, &e), KRB_FILE_E_NO_ENTRY);
    ck_assert(all_zero(&e, sizeof(e)));
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "OTHER.TEST", 18, 0, &e), KRB_FILE_E_NO_ENTRY);
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "SSPI.TEST", 99, 0, &e), KRB_FILE_E_NO_ENTRY);
    krb_principal_parse("HTTP", KRB_NT_PRINCIPAL, &p);
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "SSPI.TEST", 0, 0, &e), KRB_FILE_E_NO_ENTRY);
    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &p);
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "SSPI.TEST", 18, 1, &e), 0);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(test_keytab_v1)
{
    struct bytes_writer w;
    struct krb_keytab_entry e;
    struct krb_principal p;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    bytes_put_u8(&w, 5);
    bytes_put_u8(&w, 1);
    kt_entry(&w, 1, "OLD.TEST", http, 2, 7, 23, 16, -1);
    krb_principal_parse("HTTP/localhost", KRB_NT_SRV_HST, &p);
    ck_assert_int_eq(krb_keytab_find(w.buf, w.len, &p, "OLD.TEST", 23, 7, &e), 0);
    ck_assert_uint_eq(e.key.len, 16);
    ck_assert_int_eq(e.princ.type, KRB_NT_PRINCIPAL);
    bytes_writer_free(&w);
}
END_TEST

/* Iterates to the end; returns the last result, counts entries. */
static int kt_walk(const uint8_t *data, size_t len, size_t *n)
{
    struct krb_keytab_iter it;
    struct krb_keytab_entry e;
    int rc = krb_keytab_begin(&it, data, len);

    *n = 0;
    if (rc)
        return rc;
    while (!(rc = krb_keytab_next(&it, &e)))
        ++*n;
    ck_assert_int_eq(krb_keytab_next(&it, &e), rc);          /* and stays there */
    return rc;
}

START_TEST(test_keytab_malformed)
{
    struct bytes_writer w;
    size_t n, boundaries = 0;
    uint8_t *copy;

    kt_build(&w);
    /* Every cut: the entries before it, then the end (at a record
     * boundary) or malformed (inside a record); never more. */
    for (size_t len = 0; len <= w.len; len++) {
        int rc;
        copy = malloc(len ? len : 1);
        memcpy(copy, w.buf, len);
        rc = kt_walk(copy, len, &n);
        ck_assert(rc == KRB_FILE_END || rc == KRB_FILE_E_MALFORMED);
        ck_assert_uint_le(n, 5);
        if (rc == KRB_FILE_END)
            boundaries++;
        free(copy);
    }
    ck_assert_uint_eq(boundaries, 9);                        /* after the header and each of 8 records */

    {
        static const uint8_t magic[] = { 4, 2 }, v3[] = { 5, 3 }, one[] = { 5 };
        static const uint8_t big[] = { 5, 2, 0x7f, 0xff, 0xff, 0xff, 0 };
        static const uint8_t hole[] = { 5, 2, 0xff, 0xff, 0xff, 0xf0, 0, 0 };
        static const uint8_t hole_min[] = { 5, 2, 0x80, 0, 0, 0, 0 };
        static const uint8_t zero[] = { 5, 2, 0, 0, 0, 0, 0xde, 0xad };
        /* A record whose component runs past its end. */
        static const uint8_t inner[] = { 5, 2, 0, 0, 0, 6, 0, 1, 0, 1, 'R', 0, 0xff, 0xff };
        /* A record with nothing after the key: a valid entry without the 32-bit kvno. */
        ck_assert_int_eq(kt_walk(magic, sizeof(magic), &n), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(kt_walk(v3, sizeof(v3), &n), KRB_FILE_E_UNSUPPORTED);
        ck_assert_int_eq(kt_walk(one, sizeof(one), &n), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(kt_walk(NULL, 0, &n), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(kt_walk(big, sizeof(big), &n), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(kt_walk(hole, sizeof(hole), &n), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(kt_walk(hole_min, sizeof(hole_min), &n), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(kt_walk(zero, sizeof(zero), &n), KRB_FILE_END);
        ck_assert_int_eq(kt_walk(inner, sizeof(inner), &n), KRB_FILE_E_MALFORMED);
    }
    /* Random damage to one byte anywhere never crashes the walk. */
    copy = malloc(w.len);
    for (int i = 0; i < 5000; i++) {
        memcpy(copy, w.buf, w.len);
        copy[rng() % w.len] = (uint8_t)rng();
        copy[rng() % w.len] ^= (uint8_t)(1u << (rng() % 8));
        kt_walk(copy, w.len, &n);
        ck_assert_uint_le(n, 8);
    }
    free(copy);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(test_keytab_path)
{
    char path[128];
    struct krb_file f;
    struct bytes_writer w;
    struct krb_keytab_iter it;

    unsetenv("KRB5_KTNAME");
    ck_assert_int_eq(krb_keytab_path(NULL, path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/etc/krb5.keytab");
    setenv("KRB5_KTNAME", "FILE:/srv/http.keytab", 1);
    ck_assert_int_eq(krb_keytab_path(NULL, path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/srv/http.keytab");
    setenv("KRB5_KTNAME", "WRFILE:/srv/w.keytab", 1);
    ck_assert_int_eq(krb_keytab_path(NULL, path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/srv/w.keytab");
    setenv("KRB5_KTNAME", "MEMORY:x", 1);
    ck_assert_int_eq(krb_keytab_path(NULL, path, sizeof(path)), KRB_FILE_E_UNSUPPORTED);
    setenv("KRB5_KTNAME", "C:\\keytabs\\http.keytab", 1);
    ck_assert_int_eq(krb_keytab_path(NULL, path, sizeof(path)), 0);
    setenv("KRB5_KTNAME", "FILE:", 1);
    ck_assert_int_eq(krb_keytab_path(NULL, path, sizeof(path)), KRB_FILE_E_NOT_FOUND);
    {
        static const char text[] = "[libdefaults]\ndefault_keytab_name = FILE:/srv/%{uid}.keytab\n";
        struct krb_conf conf;
        char want[64];

        unsetenv("KRB5_KTNAME");
        ck_assert_int_eq(krb_conf_parse(&conf, (const uint8_t *)text, strlen(text)), 0);
        ck_assert_int_eq(krb_keytab_path(&conf, path, sizeof(path)), 0);
        snprintf(want, sizeof(want), "/srv/%lu.keytab", (unsigned long)getuid());
        ck_assert_str_eq(path, want);
        krb_conf_free(&conf);
    }

    kt_build(&w);
    write_tmp(w.buf, w.len);
    snprintf(path, sizeof(path), "FILE:%s", tmp_path);
    setenv("KRB5_KTNAME", path, 1);
    ck_assert_int_eq(krb_keytab_load(NULL, &f), 0);
    ck_assert_uint_eq(f.len, w.len);
    ck_assert_int_eq(krb_keytab_begin(&it, f.data, f.len), 0);
    krb_file_free(&f);
    unlink(tmp_path);
    ck_assert_int_eq(krb_keytab_load(NULL, &f), KRB_FILE_E_NOT_FOUND);
    unsetenv("KRB5_KTNAME");
    bytes_writer_free(&w);
}
END_TEST

Suite *krb_keytab_suite(void);

Suite *krb_keytab_suite(void)
{
    Suite *s = suite_create("krb_keytab");
    TCase *tc;

    tc = tcase_create("Keytab");
    tcase_add_test(tc, test_keytab_entries);
    tcase_add_test(tc, test_keytab_find);
    tcase_add_test(tc, test_keytab_v1);
    tcase_add_test(tc, test_keytab_malformed);
    tcase_add_test(tc, test_keytab_path);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_keytab_suite());
}
