/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* krb5.conf as MIT users write it, built here as text, then cut,
 * stretched and broken; and the whole-file reader behind every load.
 * MIT's own files are read by tests/kerberos/krb_files_dump.c against a
 * real KDC; keytabs: check_krb_keytab.c; ccaches: check_krb_ccache.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sspishim/krb_conf.h"
#include "sspishim/krb_exchange.h"

#include "testutil.h"
#include "krb_tmpfile.h"

/* ---- krb5.conf ------------------------------------------------------------- */

static const char conf_text[] =
    "include /etc/krb5.conf.d/extra\n"
    "includedir /etc/krb5.conf.d/\n"
    "# a comment\n"
    "; another comment\n"
    "[libdefaults]\n"
    "    default_realm = SSPI.TEST\n"
    "\tdns_lookup_kdc = Yes\r\n"
    "    udp_preference_limit = 1\n"
    "    default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts,rc4-hmac des-cbc-crc\n"
    "    permitted_enctypes* = DEFAULT -rc4\n"
    "    quoted = \"a\\tb \\\"c\\\" # not a comment\"\n"
    "    hash = value # part of the value\n"
    "\n"
    "[realms]*\n"
    "    SSPI.TEST = {\n"
    "        kdc = 127.0.0.1:8888\n"
    "        kdc = kdc2.sspi.test\n"
    "        kdc = [::1]:750\n"
    "        kdc = tcp/[fe80::2]\n"
    "        kdc = fe80::3\n"
    "        kdc = https://kdc.sspi.test/KdcProxy\n"
    "        kdc = bad:port\n"
    "        admin_server = 127.0.0.1:749\n"
    "        auth_to_local = {\n"
    "            kdc = nested.example\n"
    "        }\n"
    "    }\n"
    "    OTHER.TEST = {\n"
    "        kdc = other.test\n"
    "    }*\n"
    "[domain_realm]\n"
    "    .sspi.test = SSPI.TEST\n"
    "    host.sspi.test = OTHER.TEST\n"
    "    other.test = OTHER.TEST\n"
    "[libdefaults]\n"
    "    default_realm = SECOND.TEST\n"
    "    dns_lookup_realm = maybe\n";

static void conf_parse_text(struct krb_conf *c, const char *text)
{
    ck_assert_int_eq(krb_conf_parse(c, (const uint8_t *)text, strlen(text)), 0);
}

START_TEST(test_conf_libdefaults)
{
    struct krb_conf c;
    int32_t et[KRB_ETYPES_MAX];
    size_t n;

    conf_parse_text(&c, conf_text);
    /* A section named twice is one section; the first value wins. */
    ck_assert_str_eq(krb_conf_default_realm(&c), "SSPI.TEST");
    ck_assert_str_eq(krb_conf_get_nth(&c, "libdefaults", NULL, "default_realm", 1), "SECOND.TEST");
    ck_assert_ptr_null(krb_conf_get_nth(&c, "libdefaults", NULL, "default_realm", 2));
    ck_assert(krb_conf_dns_lookup_kdc(&c));
    ck_assert(!krb_conf_dns_lookup_realm(&c));          /* "maybe" is not a boolean */
    ck_assert_int_eq(krb_conf_udp_preference_limit(&c), 1);
    ck_assert_str_eq(krb_conf_get(&c, "libdefaults", NULL, "quoted"), "a\tb \"c\" # not a comment");
    ck_assert_str_eq(krb_conf_get(&c, "libdefaults", NULL, "hash"), "value # part of the value");
    ck_assert_str_eq(krb_conf_get(&c, "realms", "SSPI.TEST", "admin_server"), "127.0.0.1:749");
    ck_assert_ptr_null(krb_conf_get(&c, "realms", NULL, "kdc"));
    ck_assert_ptr_null(krb_conf_get(&c, "include", NULL, "x"));

    n = krb_conf_etypes(&c, "default_tkt_enctypes", et, KRB_ETYPES_MAX);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(et[0], 18);
    ck_assert_int_eq(et[1], 17);
    ck_assert_int_eq(et[2], 23);
    n = krb_conf_etypes(&c, "permitted_enctypes", et, KRB_ETYPES_MAX);
    ck_assert_uint_gt(n, 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_ne(et[i], 23);
    ck_assert_uint_eq(krb_conf_etypes(&c, "default_tgs_enctypes", et, KRB_ETYPES_MAX), 0);
    krb_conf_free(&c);

    /* Nothing set: our defaults. */
    conf_parse_text(&c, "");
    ck_assert_ptr_null(krb_conf_default_realm(&c));
    ck_assert(!krb_conf_dns_lookup_kdc(&c));
    ck_assert(!krb_conf_dns_lookup_realm(&c));
    ck_assert_int_eq(krb_conf_udp_preference_limit(&c), 1465);
    krb_conf_free(&c);
    conf_parse_text(&c, "[libdefaults]\ndns_lookup_kdc = off\ndns_lookup_realm = TRUE\n"
                        "udp_preference_limit = 12x\ndefault_realm =\n");
    ck_assert(!krb_conf_dns_lookup_kdc(&c));
    ck_assert(krb_conf_dns_lookup_realm(&c));
    ck_assert_int_eq(krb_conf_udp_preference_limit(&c), 1465);
    ck_assert_ptr_null(krb_conf_default_realm(&c));
    krb_conf_free(&c);
}
END_TEST

START_TEST(test_conf_kdcs)
{
    struct krb_conf c;
    struct krb_conf_kdc k[8];
    size_t n;

    conf_parse_text(&c, conf_text);
    n = krb_conf_kdcs(&c, "SSPI.TEST", k, 8);
    ck_assert_uint_eq(n, 5);            /* the URL and bad:port are left out, nested ones too */
    ck_assert_str_eq(k[0].host, "127.0.0.1");
    ck_assert_uint_eq(k[0].port, 8888);
    ck_assert_str_eq(k[1].host, "kdc2.sspi.test");
    ck_assert_uint_eq(k[1].port, 88);
    ck_assert_str_eq(k[2].host, "::1");
    ck_assert_uint_eq(k[2].port, 750);
    ck_assert_str_eq(k[3].host, "fe80::2");
    ck_assert_int_eq(k[3].transport, KRB_CONF_TCP);
    ck_assert_uint_eq(k[3].port, 88);
    ck_assert_str_eq(k[4].host, "fe80::3");
    ck_assert_uint_eq(k[4].port, 88);
    ck_assert_uint_eq(krb_conf_kdcs(&c, "SSPI.TEST", k, 2), 2);
    ck_assert_uint_eq(krb_conf_kdcs(&c, "OTHER.TEST", k, 8), 1);
    ck_assert_uint_eq(krb_conf_kdcs(&c, "sspi.test", k, 8), 0);   /* realms are case-sensitive */
    ck_assert_uint_eq(krb_conf_kdcs(&c, "NONE", k, 8), 0);
    krb_conf_free(&c);

    {
        static const char *const bad[] = { "", "host:", "host:0", "host:65536", "host:-1", "host:8a", "[::1",
                                           "[::1]x", "[::1]:", "[]", "[]:88", "a b", "udp/", ":88" };
        struct krb_conf_kdc one;
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            ck_assert_msg(krb_conf_parse_kdc(bad[i], &one) == KRB_FILE_E_MALFORMED, "%s", bad[i]);
        ck_assert_int_eq(krb_conf_parse_kdc("https://x/KdcProxy", &one), KRB_FILE_E_UNSUPPORTED);
        ck_assert_int_eq(krb_conf_parse_kdc("udp/h:65535", &one), 0);
        ck_assert_int_eq(one.transport, KRB_CONF_UDP);
        ck_assert_uint_eq(one.port, 65535);
    }
    {
        /* A host name as long as the buffer allows, and one byte longer. */
        char host[KRB_CONF_HOST_MAX + 8];
        struct krb_conf_kdc one;
        memset(host, 'h', sizeof(host));
        host[KRB_CONF_HOST_MAX - 1] = 0;
        ck_assert_int_eq(krb_conf_parse_kdc(host, &one), 0);
        host[KRB_CONF_HOST_MAX - 1] = 'h';
        host[KRB_CONF_HOST_MAX] = 0;
        ck_assert_int_eq(krb_conf_parse_kdc(host, &one), KRB_FILE_E_MALFORMED);
    }
}
END_TEST

static void realm_is(const struct krb_conf *c, const char *host, int want_rc, const char *want)
{
    char out[64];
    int rc = krb_conf_realm_for_host(c, host, out, sizeof(out));

    ck_assert_msg(rc == want_rc, "%s: rc %d", host, rc);
    if (want)
        ck_assert_msg(!strcmp(out, want), "%s: %s", host, out);
}

START_TEST(test_conf_domain_realm)
{
    struct krb_conf c;
    char tiny[4];

    conf_parse_text(&c, conf_text);
    realm_is(&c, "host.sspi.test", 0, "OTHER.TEST");          /* the exact host wins */
    realm_is(&c, "HOST.Sspi.Test", 0, "OTHER.TEST");          /* host names ignore case */
    realm_is(&c, "web.sspi.test", 0, "SSPI.TEST");            /* .suffix */
    realm_is(&c, "a.b.web.sspi.test", 0, "SSPI.TEST");
    realm_is(&c, "sspi.test", 1, "TEST");                     /* ".sspi.test" does not cover sspi.test */
    realm_is(&c, "other.test", 0, "OTHER.TEST");
    realm_is(&c, "x.other.test", 0, "OTHER.TEST");            /* a bare domain covers its subdomains */
    realm_is(&c, "www.example.org", 1, "EXAMPLE.ORG");        /* fallback: the domain, upper-cased */
    realm_is(&c, "localhost", 2, "SSPI.TEST");                /* no dot: default_realm */
    realm_is(&c, "trailing.", 2, "SSPI.TEST");
    realm_is(&c, "", KRB_FILE_E_NO_ENTRY, NULL);
    ck_assert_int_eq(krb_conf_realm_for_host(&c, "www.example.org", tiny, sizeof(tiny)), KRB_FILE_E_NO_ENTRY);
    krb_conf_free(&c);
    conf_parse_text(&c, "[libdefaults]\n");
    realm_is(&c, "localhost", KRB_FILE_E_NO_ENTRY, NULL);
    krb_conf_free(&c);
}
END_TEST

START_TEST(test_conf_etypes)
{
    int32_t et[KRB_ETYPES_MAX];
    size_t n;

    n = krb_conf_parse_etypes("aes256-cts-hmac-sha384-192 aes128-cts-hmac-sha256-128 AES256-CTS arcfour-hmac", et, 16);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(et[0], 20);
    ck_assert_int_eq(et[1], 19);
    ck_assert_int_eq(et[2], 18);
    ck_assert_int_eq(et[3], 23);
    n = krb_conf_parse_etypes("aes rc4 aes256-cts", et, 16);       /* families, each type once */
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(et[0], 18);
    ck_assert_int_eq(et[4], 23);
    n = krb_conf_parse_etypes("aes -aes-sha2 +rc4-hmac", et, 16);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(et[0], 18);
    ck_assert_int_eq(et[1], 17);
    ck_assert_int_eq(et[2], 23);
    ck_assert_uint_eq(krb_conf_parse_etypes("DEFAULT", et, 16), krb_default_etypes_count);
    ck_assert_int_eq(et[0], krb_default_etypes[0]);
    ck_assert_uint_eq(krb_conf_parse_etypes("des-cbc-crc camellia256-cts-cmac - + ,, ", et, 16), 0);
    ck_assert_uint_eq(krb_conf_parse_etypes("", et, 16), 0);
    ck_assert_uint_eq(krb_conf_parse_etypes("aes", et, 2), 2);     /* out is never overrun */
    ck_assert_uint_eq(krb_conf_parse_etypes("-aes aes128-sha1", et, 16), 1);
}
END_TEST

START_TEST(test_conf_malformed)
{
    static const char *const bad[] = {
        "[libdefaults]\nno equals sign\n",
        "[libdefaults]\n}\n",
        "[realms]\nR = {\nkdc = x\n",                    /* never closed */
        "default_realm = R\n",                           /* outside any section */
        "[libdefaults\nx = 1\n",
        "[realms]\nR = {\n[libdefaults]\n}\n",           /* a section inside braces */
        "[libdefaults]\n= value\n",
        "[libdefaults]\ntwo words = value\n",
        "[libdefaults]\nx = 1\n\0y = 2\n",
    };
    static const size_t bad_len[] = { 0, 0, 0, 0, 0, 0, 0, 0, 27 };
    struct krb_conf c;
    char deep[2048] = "[s]\n";

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t len = bad_len[i] ? bad_len[i] : strlen(bad[i]);
        ck_assert_msg(krb_conf_parse(&c, (const uint8_t *)bad[i], len) == KRB_FILE_E_MALFORMED, "case %zu", i);
        krb_conf_free(&c);
    }
    for (int i = 0; i <= KRB_CONF_MAX_DEPTH; i++)
        strcat(deep, "a = {\n");
    ck_assert_int_eq(krb_conf_parse(&c, (const uint8_t *)deep, strlen(deep)), KRB_FILE_E_MALFORMED);
    krb_conf_free(&c);
}
END_TEST

START_TEST(test_conf_limits)
{
    struct krb_conf c;
    size_t big = 200000, n;
    char *text = malloc(big + 64), *p;

    /* One very long line. */
    strcpy(text, "[libdefaults]\ndefault_realm = ");
    n = strlen(text);
    memset(text + n, 'R', big);
    strcpy(text + n + big, "\n");
    conf_parse_text(&c, text);
    ck_assert_uint_eq(strlen(krb_conf_default_realm(&c)), big);
    krb_conf_free(&c);

    /* More relations than any configuration has. */
    p = text;
    p += sprintf(p, "[s]\n");
    while ((size_t)(p - text) < big)
        p += sprintf(p, "a=1\n");
    ck_assert_int_eq(krb_conf_parse(&c, (const uint8_t *)text, strlen(text)), KRB_FILE_E_TOO_BIG);
    krb_conf_free(&c);
    free(text);

    /* Every cut of a valid file parses or is refused, and frees clean. */
    for (size_t len = 0; len <= sizeof(conf_text) - 1; len++) {
        int rc = krb_conf_parse(&c, (const uint8_t *)conf_text, len);
        ck_assert(rc == 0 || rc == KRB_FILE_E_MALFORMED);
        if (!rc) {
            struct krb_conf_kdc k[4];
            char realm[KRB_STR_MAX];
            int32_t et[KRB_ETYPES_MAX];
            krb_conf_kdcs(&c, "SSPI.TEST", k, 4);
            krb_conf_realm_for_host(&c, "a.host.sspi.test", realm, sizeof(realm));
            krb_conf_etypes(&c, "permitted_enctypes", et, KRB_ETYPES_MAX);
        }
        krb_conf_free(&c);
    }
    /* Random bytes never crash it. */
    for (int i = 0; i < 2000; i++) {
        uint8_t junk[256];
        size_t len = rng() % sizeof(junk);
        rng_fill(junk, len);
        for (size_t k = 0; k < len; k++)
            junk[k] = "[]{}= \n#;*\"\\ab:"[junk[k] & 15];
        krb_conf_parse(&c, junk, len);
        krb_conf_free(&c);
    }
}
END_TEST

START_TEST(test_conf_load)
{
    struct krb_conf c;
    char list[256];

    write_tmp(conf_text, sizeof(conf_text) - 1);
    snprintf(list, sizeof(list), "/nonexistent/krb5.conf::%s:/etc/krb5.conf", tmp_path);
    setenv("KRB5_CONFIG", list, 1);
    ck_assert_int_eq(krb_conf_load(&c), 0);
    ck_assert_str_eq(c.path, tmp_path);
    ck_assert_str_eq(krb_conf_default_realm(&c), "SSPI.TEST");
    krb_conf_free(&c);
    setenv("KRB5_CONFIG", "/nonexistent/a:/nonexistent/b", 1);
    ck_assert_int_eq(krb_conf_load(&c), KRB_FILE_E_NOT_FOUND);
    krb_conf_free(&c);
    unlink(tmp_path);
    write_tmp("[realms]\nR = {\n", 15);
    setenv("KRB5_CONFIG", tmp_path, 1);
    ck_assert_int_eq(krb_conf_load(&c), KRB_FILE_E_MALFORMED);
    krb_conf_free(&c);
    unlink(tmp_path);
    unsetenv("KRB5_CONFIG");
}
END_TEST

START_TEST(test_file_read)
{
    struct krb_file f;
    char long_path[KRB_FILE_PATH_MAX + 1];

    write_tmp("0123456789", 10);
    ck_assert_int_eq(krb_file_read(tmp_path, 10, &f), 0);
    ck_assert_uint_eq(f.len, 10);
    krb_file_free(&f);
    ck_assert_int_eq(krb_file_read(tmp_path, 9, &f), KRB_FILE_E_TOO_BIG);
    ck_assert_ptr_null(f.data);
    ck_assert_int_eq(krb_file_read(tmp_path, KRB_FILE_MAX + 1, &f), KRB_FILE_E_NO_MEMORY);
    unlink(tmp_path);
    ck_assert_int_eq(krb_file_read(tmp_path, 10, &f), KRB_FILE_E_NOT_FOUND);
    ck_assert_int_eq(krb_file_read("", 10, &f), KRB_FILE_E_NOT_FOUND);
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[sizeof(long_path) - 1] = 0;
    ck_assert_int_eq(krb_file_read(long_path, 10, &f), KRB_FILE_E_NOT_FOUND);
    ck_assert_int_eq(krb_file_read("/tmp", 10, &f), KRB_FILE_E_IO);   /* a folder */
    ck_assert_str_eq(krb_file_status_text(KRB_FILE_E_UNSUPPORTED), "unsupported");
    /* /proc files say they are empty: read by growing the buffer. */
    ck_assert_int_eq(krb_file_read("/proc/self/status", 1 << 20, &f), 0);
    ck_assert_uint_gt(f.len, 100);
    ck_assert(f.len > 4 && !memcmp(f.data, "Name:", 5));
    krb_file_free(&f);
    ck_assert_int_eq(krb_file_read("/proc/self/status", 64, &f), KRB_FILE_E_TOO_BIG);
    {
        /* Larger than the first guess, and exactly the limit. */
        static uint8_t big[20000];
        rng_fill(big, sizeof(big));
        write_tmp(big, sizeof(big));
        ck_assert_int_eq(krb_file_read(tmp_path, sizeof(big), &f), 0);
        ck_assert_uint_eq(f.len, sizeof(big));
        ck_assert_mem_eq(f.data, big, sizeof(big));
        krb_file_free(&f);
        ck_assert_int_eq(krb_file_read(tmp_path, sizeof(big) - 1, &f), KRB_FILE_E_TOO_BIG);
        unlink(tmp_path);
    }
}
END_TEST

Suite *krb_conf_suite(void);

Suite *krb_conf_suite(void)
{
    Suite *s = suite_create("krb_conf");
    TCase *tc;

    tc = tcase_create("krb5.conf");
    tcase_add_test(tc, test_conf_libdefaults);
    tcase_add_test(tc, test_conf_kdcs);
    tcase_add_test(tc, test_conf_domain_realm);
    tcase_add_test(tc, test_conf_etypes);
    tcase_add_test(tc, test_conf_malformed);
    tcase_add_test(tc, test_conf_limits);
    tcase_add_test(tc, test_conf_load);
    suite_add_tcase(s, tc);
    tc = tcase_create("Files");
    tcase_add_test(tc, test_file_read);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_conf_suite());
}
