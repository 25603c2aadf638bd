/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The files Kerberos users already have: krb5.conf, keytabs and credential
 * caches, built here by hand (text and bytes), then cut, stretched and
 * lied about.  MIT's own files (kadmin ktadd, kinit) are read by
 * tests/kerberos/krb_files_dump.c against a real KDC. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_ccache.h"
#include "sspishim/krb_conf.h"
#include "sspishim/krb_keytab.h"

#include "testutil.h"

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

static char tmp_path[64];

static void write_tmp(const void *data, size_t len)
{
    int fd;

    strcpy(tmp_path, "/tmp/check_krb_files-XXXXXX");
    fd = mkstemp(tmp_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

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
    ck_assert_int_eq(krb_keytab_path(path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/etc/krb5.keytab");
    setenv("KRB5_KTNAME", "FILE:/srv/http.keytab", 1);
    ck_assert_int_eq(krb_keytab_path(path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/srv/http.keytab");
    setenv("KRB5_KTNAME", "WRFILE:/srv/w.keytab", 1);
    ck_assert_int_eq(krb_keytab_path(path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/srv/w.keytab");
    setenv("KRB5_KTNAME", "MEMORY:x", 1);
    ck_assert_int_eq(krb_keytab_path(path, sizeof(path)), KRB_FILE_E_UNSUPPORTED);
    setenv("KRB5_KTNAME", "C:\\keytabs\\http.keytab", 1);
    ck_assert_int_eq(krb_keytab_path(path, sizeof(path)), 0);
    setenv("KRB5_KTNAME", "FILE:", 1);
    ck_assert_int_eq(krb_keytab_path(path, sizeof(path)), KRB_FILE_E_NOT_FOUND);

    kt_build(&w);
    write_tmp(w.buf, w.len);
    snprintf(path, sizeof(path), "FILE:%s", tmp_path);
    setenv("KRB5_KTNAME", path, 1);
    ck_assert_int_eq(krb_keytab_load(&f), 0);
    ck_assert_uint_eq(f.len, w.len);
    ck_assert_int_eq(krb_keytab_begin(&it, f.data, f.len), 0);
    krb_file_free(&f);
    unlink(tmp_path);
    ck_assert_int_eq(krb_keytab_load(&f), KRB_FILE_E_NOT_FOUND);
    unsetenv("KRB5_KTNAME");
    bytes_writer_free(&w);
}
END_TEST

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
    ck_assert_int_eq(krb_ccache_path(path, sizeof(path)), 0);
    snprintf(want, sizeof(want), "/tmp/krb5cc_%lu", (unsigned long)getuid());
    ck_assert_str_eq(path, want);
    setenv("KRB5CCNAME", "FILE:/tmp/cc", 1);
    ck_assert_int_eq(krb_ccache_path(path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/tmp/cc");
    setenv("KRB5CCNAME", "/tmp/bare", 1);
    ck_assert_int_eq(krb_ccache_path(path, sizeof(path)), 0);
    ck_assert_str_eq(path, "/tmp/bare");
    setenv("KRB5CCNAME", "/tmp/with:colon", 1);
    ck_assert_int_eq(krb_ccache_path(path, sizeof(path)), 0);
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        setenv("KRB5CCNAME", other[i], 1);
        ck_assert_msg(krb_ccache_path(path, sizeof(path)) == KRB_FILE_E_UNSUPPORTED, "%s", other[i]);
        ck_assert_int_eq(krb_ccache_load(&f), KRB_FILE_E_UNSUPPORTED);
    }
    setenv("KRB5CCNAME", "FILE:", 1);
    ck_assert_int_eq(krb_ccache_path(path, sizeof(path)), KRB_FILE_E_NOT_FOUND);

    cc_build(&w, 4);
    write_tmp(w.buf, w.len);
    snprintf(path, sizeof(path), "FILE:%s", tmp_path);
    setenv("KRB5CCNAME", path, 1);
    ck_assert_int_eq(krb_ccache_load(&f), 0);
    ck_assert_int_eq(krb_ccache_open(&cc, f.data, f.len), 0);
    krb_file_free(&f);
    ck_assert_ptr_null(f.data);
    unlink(tmp_path);
    ck_assert_int_eq(krb_ccache_load(&f), KRB_FILE_E_NOT_FOUND);
    unsetenv("KRB5CCNAME");
    bytes_writer_free(&w);
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
}
END_TEST

Suite *krb_files_suite(void);

Suite *krb_files_suite(void)
{
    Suite *s = suite_create("krb_files");
    TCase *tc = tcase_create("krb5.conf");

    tcase_add_test(tc, test_conf_libdefaults);
    tcase_add_test(tc, test_conf_kdcs);
    tcase_add_test(tc, test_conf_domain_realm);
    tcase_add_test(tc, test_conf_etypes);
    tcase_add_test(tc, test_conf_malformed);
    tcase_add_test(tc, test_conf_limits);
    tcase_add_test(tc, test_conf_load);
    suite_add_tcase(s, tc);
    tc = tcase_create("Keytab");
    tcase_add_test(tc, test_keytab_entries);
    tcase_add_test(tc, test_keytab_find);
    tcase_add_test(tc, test_keytab_v1);
    tcase_add_test(tc, test_keytab_malformed);
    tcase_add_test(tc, test_keytab_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("Ccache");
    tcase_add_test(tc, test_ccache_read);
    tcase_add_test(tc, test_ccache_malformed);
    tcase_add_test(tc, test_ccache_path);
    tcase_add_test(tc, test_file_read);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_files_suite());
}
