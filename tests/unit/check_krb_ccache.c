/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MIT FILE credential caches, versions 3 and 4, built here byte by byte
 * (header tags, a configuration entry, a name too long for us), then cut,
 * damaged and lied about.  The ccache kinit writes is read by
 * tests/kerberos/krb_files_dump.c and its TGT used for a real TGS exchange. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_ccache.h"

#include "testutil.h"
#include "krb_tmpfile.h"

static const char *const http[] = { "HTTP", "localhost" };
static const char *const alice[] = { "alice" };
static const char *const five[] = { "a", "b", "c", "d", "e" };

/* ---- ccache ------------------------------------------------------------------- */

static void put_str32(struct bytes_writer *w, const char *s)
{
    bytes_put_u32be(w, (uint32_t)strlen(s));
    bytes_put(w, s, strlen(s));
}

static void cc_principal(struct bytes_writer *w, const char *realm, const char *const *comps, unsigned n)
{
    bytes_put_u32be(w, KRB_NT_PRINCIPAL);
    bytes_put_u32be(w, n);
    put_str32(w, realm);
    for (unsigned i = 0; i < n; i++)
        put_str32(w, comps[i]);
}

static void cc_cred(struct bytes_writer *w, int version, const char *srealm, const char *const *server, unsigned n,
                    int32_t etype, const char *ticket)
{
    cc_principal(w, "SSPI.TEST", alice, 1);
    cc_principal(w, srealm, server, n);
    bytes_put_u16be(w, (uint16_t)etype);
    if (version == 3)
        bytes_put_u16be(w, (uint16_t)etype);
    bytes_put_u32be(w, etype ? 32 : 0);
    for (int i = 0; etype && i < 32; i++)
        bytes_put_u8(w, (uint8_t)(0xa0 + i));
    bytes_put_u32be(w, 1700000000u);            /* authtime */
    bytes_put_u32be(w, 1700000001u);            /* starttime */
    bytes_put_u32be(w, 0xfffffff0u);            /* endtime past 2038: unsigned */
    bytes_put_u32be(w, 1700086400u);            /* renew_till */
    bytes_put_u8(w, 0);
    bytes_put_u32be(w, 0x50e10000u);
    bytes_put_u32be(w, 2);                      /* two addresses */
    bytes_put_u16be(w, 2);
    put_str32(w, "\x7f\x00\x00\x01");
    bytes_put_u16be(w, 24);
    put_str32(w, "0123456789abcdef");
    bytes_put_u32be(w, 1);                      /* one authdata */
    bytes_put_u16be(w, 1);
    put_str32(w, "ad");
    put_str32(w, ticket);
    put_str32(w, "");                           /* no second ticket */
}

static const char *const krbtgt[] = { "krbtgt", "SSPI.TEST" };
static const char *const conf_name[] = { "krb5_ccache_conf_data", "pa_type", "krbtgt/SSPI.TEST@SSPI.TEST" };

static void cc_build(struct bytes_writer *w, int version)
{
    bytes_writer_init_heap(w, BYTES_NO_LIMIT);
    bytes_put_u8(w, 5);
    bytes_put_u8(w, (uint8_t)version);
    if (version == 4) {
        bytes_put_u16be(w, 12 + 6);
        bytes_put_u16be(w, 1);
        bytes_put_u16be(w, 8);
        bytes_put_u32be(w, (uint32_t)-5);
        bytes_put_u32be(w, 250000);
        bytes_put_u16be(w, 77);                 /* an unknown tag, skipped */
        bytes_put_u16be(w, 2);
        bytes_put_u16be(w, 0xbeef);
    }
    cc_principal(w, "SSPI.TEST", alice, 1);
    cc_cred(w, version, "X-CACHECONF:", conf_name, 3, 0, "2");
    cc_cred(w, version, "SSPI.TEST", krbtgt, 2, 18, "\x61\x03tgt");
    cc_cred(w, version, "SSPI.TEST", five, 5, 18, "skipped");
    cc_cred(w, version, "SSPI.TEST", http, 2, 17, "\x61\x04http");
}

START_TEST(test_ccache_read)
{
    for (int version = 3; version <= 4; version++) {
        struct bytes_writer w;
        struct krb_ccache cc;
        struct krb_ccache_cred cr;
        struct krb_principal p;
        struct krb_creds creds;
        size_t pos, n = 0;
        int rc;

        cc_build(&w, version);
        ck_assert_int_eq(krb_ccache_open(&cc, w.buf, w.len), 0);
        ck_assert_int_eq(cc.version, version);
        ck_assert_str_eq(cc.realm, "SSPI.TEST");
        ck_assert_uint_eq(cc.princ.count, 1);
        ck_assert_str_eq(cc.princ.comp[0], "alice");
        ck_assert(cc.has_kdc_offset == (version == 4));
        if (version == 4) {
            ck_assert_int_eq(cc.kdc_offset_sec, -5);
            ck_assert_int_eq(cc.kdc_offset_usec, 250000);
        }
        for (pos = cc.creds_at; !(rc = krb_ccache_next(&cc, &pos, &cr)); n++) {
            ck_assert(cr.is_config == (n == 0));
            ck_assert(cr.usable == (n == 1 || n == 3));
            ck_assert_str_eq(cr.crealm, "SSPI.TEST");
            ck_assert_int_eq(cr.authtime, 1700000000);
            ck_assert_int_eq(cr.endtime, 0xfffffff0ll);
            ck_assert_uint_eq(cr.flags, 0x50e10000u);
        }
        ck_assert_int_eq(rc, KRB_FILE_END);
        ck_assert_uint_eq(n, 4);

        ck_assert_int_eq(krb_ccache_find_tgt(&cc, NULL, &cr), 0);
        ck_assert_int_eq(cr.key.etype, 18);
        ck_assert_uint_eq(cr.key.len, 32);
        ck_assert_uint_eq(cr.key.bytes[31], 0xa0 + 31);
        ck_assert_int_eq(cr.starttime, 1700000001);
        ck_assert_int_eq(cr.renew_till, 1700086400);
        ck_assert_uint_eq(cr.ticket.len, 5);
        ck_assert_int_eq(krb_ccache_to_creds(&cr, &creds), 0);
        ck_assert_str_eq(creds.srealm, "SSPI.TEST");
        ck_assert_str_eq(creds.sname.comp[0], "krbtgt");
        ck_assert_str_eq(creds.cname.comp[0], "alice");
        ck_assert_uint_eq(creds.ticket_len, 5);
        ck_assert_mem_eq(creds.ticket, "\x61\x03tgt", 5);
        ck_assert_int_eq(creds.key.etype, 18);
        ck_assert_int_eq(creds.endtime, 0xfffffff0ll);
        krb_creds_free(&creds);
        ck_assert_int_eq(krb_ccache_find_tgt(&cc, "OTHER.TEST", &cr), KRB_FILE_E_NO_ENTRY);

        krb_principal_parse("HTTP/localhost", KRB_NT_SRV_HST, &p);
        ck_assert_int_eq(krb_ccache_find(&cc, &p, "SSPI.TEST", &cr), 0);
        ck_assert_int_eq(cr.key.etype, 17);
        ck_assert_mem_eq(cr.ticket.p, "\x61\x04http", 6);
        krb_principal_parse("krb5_ccache_conf_data/pa_type/krbtgt", KRB_NT_PRINCIPAL, &p);
        ck_assert_int_eq(krb_ccache_find(&cc, &p, "X-CACHECONF:", &cr), KRB_FILE_E_NO_ENTRY);
        /* The configuration entry, as the iterator gives it, is no credential. */
        pos = cc.creds_at;
        ck_assert_int_eq(krb_ccache_next(&cc, &pos, &cr), 0);
        ck_assert_int_eq(krb_ccache_to_creds(&cr, &creds), KRB_FILE_E_UNSUPPORTED);
        ck_assert_ptr_null(creds.ticket);
        bytes_writer_free(&w);
    }
}
END_TEST

/* Opens and walks; the number of credentials, or a negative result. */
static int cc_walk(const uint8_t *data, size_t len)
{
    struct krb_ccache cc;
    struct krb_ccache_cred cr;
    size_t pos;
    int rc = krb_ccache_open(&cc, data, len), n = 0;

    if (rc)
        return rc;
    for (pos = cc.creds_at; !(rc = krb_ccache_next(&cc, &pos, &cr)); n++) {
        ck_assert(cr.ticket.len <= len && cr.ticket.p >= data && (size_t)(cr.ticket.p - data) <= len - cr.ticket.len);
        ck_assert_uint_le(cr.key.len, KRB_KEY_MAX);
    }
    ck_assert(rc == KRB_FILE_END || rc == KRB_FILE_E_MALFORMED);
    krb_ccache_find_tgt(&cc, NULL, &cr);
    return rc == KRB_FILE_END ? n : rc;
}

START_TEST(test_ccache_malformed)
{
    struct bytes_writer w;
    uint8_t *copy;
    int whole;

    for (int version = 3; version <= 4; version++) {
        size_t ends = 0;
        cc_build(&w, version);
        whole = cc_walk(w.buf, w.len);
        ck_assert_int_eq(whole, 4);
        for (size_t len = 0; len < w.len; len++) {
            int rc;
            copy = malloc(len ? len : 1);
            memcpy(copy, w.buf, len);
            rc = cc_walk(copy, len);
            ck_assert(rc == KRB_FILE_E_MALFORMED || (rc >= 0 && rc < 4));
            ends += rc >= 0;
            free(copy);
        }
        ck_assert_uint_eq(ends, 4);       /* cut exactly after the principal or a credential */
        copy = malloc(w.len);
        for (int i = 0; i < 3000; i++) {
            memcpy(copy, w.buf, w.len);
            copy[rng() % w.len] = (uint8_t)rng();
            copy[rng() % w.len] ^= (uint8_t)(1u << (rng() % 8));
            cc_walk(copy, w.len);
        }
        free(copy);
        bytes_writer_free(&w);
    }
    {
        static const uint8_t v1[] = { 5, 1, 0, 0 }, v2[] = { 5, 2 }, magic[] = { 4, 4 };
        static const uint8_t head_long[] = { 5, 4, 0, 50, 0, 1, 0, 8 };
        static const uint8_t tag_long[] = { 5, 4, 0, 4, 0, 1, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
        /* A principal claiming 2^32-1 components, and one with a 4 GiB realm. */
        static const uint8_t comps[] = { 5, 3, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 };
        static const uint8_t realm[] = { 5, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'R' };
        /* Header, then a principal that is too long for us: unsupported. */
        uint8_t longname[2 + 12 + 300];
        ck_assert_int_eq(cc_walk(v1, sizeof(v1)), KRB_FILE_E_UNSUPPORTED);
        ck_assert_int_eq(cc_walk(v2, sizeof(v2)), KRB_FILE_E_UNSUPPORTED);
        ck_assert_int_eq(cc_walk(magic, sizeof(magic)), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(cc_walk(head_long, sizeof(head_long)), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(cc_walk(tag_long, sizeof(tag_long)), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(cc_walk(comps, sizeof(comps)), KRB_FILE_E_MALFORMED);
        ck_assert_int_eq(cc_walk(realm, sizeof(realm)), KRB_FILE_E_MALFORMED);
        memset(longname, 'x', sizeof(longname));
        memcpy(longname, "\x05\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01\x2c", 14);
        ck_assert_int_eq(cc_walk(longname, sizeof(longname)), KRB_FILE_E_UNSUPPORTED);
    }
    {
        /* A credential with an absurd address count after valid fields. */
        struct bytes_writer b;
        cc_build(&b, 4);
        b.len = 2 + 2 + 18;
        cc_principal(&b, "SSPI.TEST", alice, 1);
        cc_principal(&b, "SSPI.TEST", alice, 1);
        cc_principal(&b, "SSPI.TEST", krbtgt, 2);
        bytes_put_u16be(&b, 18);
        put_str32(&b, "k");
        bytes_put_zeros(&b, 16 + 1 + 4);
        bytes_put_u32be(&b, 0xffffffffu);
        ck_assert_int_eq(cc_walk(b.buf, b.len), KRB_FILE_E_MALFORMED);
        bytes_writer_free(&b);
    }
}
END_TEST

START_TEST(test_ccache_path)
{
    static const char *const other[] = { "KEYRING:persistent:0", "KCM:", "DIR:/run/user/0/krb5cc",
                                         "MEMORY:x", "API:", "KCM:1000" };
    char path[128], want[64];
    struct krb_file f;
    struct bytes_writer w;
    struct krb_ccache cc;

    unsetenv("KRB5CCNAME");
    ck_assert_int_eq(krb_ccache_path(NULL, path, sizeof(path)), 0);
    snprintf(want, sizeof(want), "/tmp/krb5cc_%lu", (unsigned long)getuid());
    ck_assert_str_eq(path, want);
    setenv("KRB5CCNAME", "FILE:/tmp/cc", 1);
    ck_assert_int_eq(krb_ccache_path(NULL, path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/tmp/cc");
    setenv("KRB5CCNAME", "/tmp/bare", 1);
    ck_assert_int_eq(krb_ccache_path(NULL, path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/tmp/bare");
    setenv("KRB5CCNAME", "/tmp/with:colon", 1);
    ck_assert_int_eq(krb_ccache_path(NULL, path, sizeof(path)), 0);
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        setenv("KRB5CCNAME", other[i], 1);
        ck_assert_msg(krb_ccache_path(NULL, path, sizeof(path)) == KRB_FILE_E_UNSUPPORTED, "%s", other[i]);
        ck_assert_int_eq(krb_ccache_load(NULL, &f), KRB_FILE_E_UNSUPPORTED);
    }
    setenv("KRB5CCNAME", "FILE:", 1);
    ck_assert_int_eq(krb_ccache_path(NULL, path, sizeof(path)), KRB_FILE_E_NOT_FOUND);

    /* krb5.conf's default_ccache_name when KRB5CCNAME is not set, with
     * MIT's tokens; Fedora's KEYRING default is out of reach. */
    {
        static const char text[] = "[libdefaults]\ndefault_ccache_name = FILE:%{TEMP}/cc_%{uid}%{null}_%{euid}\n";
        static const char keyring[] = "[libdefaults]\ndefault_ccache_name = KEYRING:persistent:%{uid}\n";
        static const char odd[] = "[libdefaults]\ndefault_ccache_name = /tmp/%{username}\n";
        struct krb_conf conf;
        unsigned long uid = (unsigned long)getuid();

        unsetenv("KRB5CCNAME");
        ck_assert_int_eq(krb_conf_parse(&conf, (const uint8_t *)text, strlen(text)), 0);
        ck_assert_int_eq(krb_ccache_path(&conf, path, sizeof(path)), 0);
        snprintf(want, sizeof(want), "/tmp/cc_%lu_%lu", uid, uid);
        ck_assert_str_eq(path, want);
        ck_assert_int_eq(krb_ccache_path(&conf, path, 8), KRB_FILE_E_NOT_FOUND);   /* does not fit */
        setenv("KRB5CCNAME", "FILE:/tmp/env", 1);                                 /* the variable wins */
        ck_assert_int_eq(krb_ccache_path(&conf, path, sizeof(path)), 0);
        ck_assert_str_eq(path, "/tmp/env");
        unsetenv("KRB5CCNAME");
        krb_conf_free(&conf);
        ck_assert_int_eq(krb_conf_parse(&conf, (const uint8_t *)keyring, strlen(keyring)), 0);
        ck_assert_int_eq(krb_ccache_path(&conf, path, sizeof(path)), KRB_FILE_E_UNSUPPORTED);
        krb_conf_free(&conf);
        ck_assert_int_eq(krb_conf_parse(&conf, (const uint8_t *)odd, strlen(odd)), 0);
        ck_assert_int_eq(krb_ccache_path(&conf, path, sizeof(path)), KRB_FILE_E_UNSUPPORTED);
        krb_conf_free(&conf);
        ck_assert_int_eq(krb_file_name_to_path("/tmp/%{uid", path, sizeof(path)), KRB_FILE_E_UNSUPPORTED);
        ck_assert_int_eq(krb_file_name_to_path("%{null}", path, sizeof(path)), KRB_FILE_E_NOT_FOUND);
        ck_assert_int_eq(krb_file_name_to_path("WRFILE:/x", path, sizeof(path)), 0);
        ck_assert_int_eq(krb_file_name_to_path("/x", path, 0), KRB_FILE_E_NOT_FOUND);
        ck_assert_int_eq(krb_file_name_to_path("/xy", path, 3), KRB_FILE_E_NOT_FOUND);
        ck_assert_int_eq(krb_file_name_to_path("/xy", path, 4), 0);
    }

    cc_build(&w, 4);
    write_tmp(w.buf, w.len);
    snprintf(path, sizeof(path), "FILE:%s", tmp_path);
    setenv("KRB5CCNAME", path, 1);
    ck_assert_int_eq(krb_ccache_load(NULL, &f), 0);
    ck_assert_int_eq(krb_ccache_open(&cc, f.data, f.len), 0);
    krb_file_free(&f);
    ck_assert_ptr_null(f.data);
    unlink(tmp_path);
    ck_assert_int_eq(krb_ccache_load(NULL, &f), KRB_FILE_E_NOT_FOUND);
    unsetenv("KRB5CCNAME");
    bytes_writer_free(&w);
}
END_TEST

Suite *krb_ccache_suite(void);

Suite *krb_ccache_suite(void)
{
    Suite *s = suite_create("krb_ccache");
    TCase *tc;

    tc = tcase_create("Ccache");
    tcase_add_test(tc, test_ccache_read);
    tcase_add_test(tc, test_ccache_malformed);
    tcase_add_test(tc, test_ccache_path);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_ccache_suite());
}
