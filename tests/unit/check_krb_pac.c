/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The PAC: a KERB_VALIDATION_INFO serialized by hand as NDR lays it out,
 * inside a PACTYPE, inside AD-IF-RELEVANT; then cut, corrupted and lied
 * about (group and sub-authority counts, string lengths, offsets). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/der.h"
#include "sspishim/krb_pac.h"

#include "testutil.h"

/* ---- an NDR writer: little endian, aligned from the object's start ------- */

static void nalign(struct bytes_writer *w, size_t a)
{
    while (w->len % a)
        bytes_put_u8(w, 0);
}

static void n32(struct bytes_writer *w, uint32_t v)
{
    nalign(w, 4);
    bytes_put_u32le(w, v);
}

static void ustr_head(struct bytes_writer *w, const char *s, uint32_t ptr)
{
    uint16_t len = s ? (uint16_t)(2 * strlen(s)) : 0;
    nalign(w, 4);
    bytes_put_u16le(w, len);
    bytes_put_u16le(w, len);
    bytes_put_u32le(w, s ? ptr : 0);
}

static void ustr_body(struct bytes_writer *w, const char *s)
{
    if (!s)
        return;
    n32(w, (uint32_t)strlen(s));
    n32(w, 0);
    n32(w, (uint32_t)strlen(s));
    for (const char *p = s; *p; p++)
        bytes_put_u16le(w, (uint8_t)*p);
}

/* KERB_VALIDATION_INFO for alice (RID 1105) in SSPI, S-1-5-21-1-2-3,
 * member of 513 and 1106; group_count and sid_count are written as
 * given (the data always holds 2 groups and 4 sub-authorities). */
static void logon_info(struct bytes_writer *out, uint32_t group_count, uint32_t sid_count)
{
    static const char *const names[6] = { "alice", "Alice A", NULL, NULL, "\\\\home", NULL };
    struct bytes_writer w;
    uint32_t ptr = 0x00020000;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    n32(&w, ptr);
    bytes_put_zeros(&w, 48);
    for (int i = 0; i < 6; i++)
        ustr_head(&w, names[i], ptr += 4);
    bytes_put_u16le(&w, 3);
    bytes_put_u16le(&w, 0);
    n32(&w, 1105);
    n32(&w, 513);
    n32(&w, group_count);
    n32(&w, ptr += 4);
    n32(&w, 0x20);
    bytes_put_zeros(&w, 16);
    ustr_head(&w, "DC1", ptr += 4);
    ustr_head(&w, "SSPI", ptr += 4);
    n32(&w, ptr += 4);
    bytes_put_zeros(&w, 4 * 4 + 2 * 8 + 7 * 4);
    for (int i = 0; i < 6; i++)
        ustr_body(&w, names[i]);
    n32(&w, group_count);
    n32(&w, 513), n32(&w, 7), n32(&w, 1106), n32(&w, 7);
    ustr_body(&w, "DC1");
    ustr_body(&w, "SSPI");
    n32(&w, sid_count);
    bytes_put_u8(&w, 1);
    bytes_put_u8(&w, (uint8_t)sid_count);
    bytes_put(&w, "\0\0\0\0\0\5", 6);
    n32(&w, 21), n32(&w, 1), n32(&w, 2), n32(&w, 3);
    nalign(&w, 8);

    bytes_writer_init_heap(out, BYTES_NO_LIMIT);
    bytes_put(out, "\x01\x10\x08\x00\xcc\xcc\xcc\xcc", 8);
    bytes_put_u32le(out, (uint32_t)w.len);
    bytes_put_u32le(out, 0);
    bytes_put(out, w.buf, w.len);
    bytes_writer_free(&w);
}

/* PACTYPE: the logon info and a 4-byte client info buffer. */
static void pac_build(struct bytes_writer *out, const struct bytes_writer *info)
{
    size_t second = 8 + 2 * 16 + ((info->len + 7) & ~(size_t)7);

    bytes_writer_init_heap(out, BYTES_NO_LIMIT);
    bytes_put_u32le(out, 2);
    bytes_put_u32le(out, 0);
    bytes_put_u32le(out, KRB_PAC_LOGON_INFO);
    bytes_put_u32le(out, (uint32_t)info->len);
    bytes_put_u64le(out, 40);
    bytes_put_u32le(out, KRB_PAC_CLIENT_INFO);
    bytes_put_u32le(out, 4);
    bytes_put_u64le(out, second);
    bytes_put(out, info->buf, info->len);
    nalign(out, 8);
    bytes_put(out, "CINF", 4);
}

static void ad_entry(struct bytes_writer *w, int32_t type, const uint8_t *data, size_t len)
{
    size_t seq = der_begin(w), f;

    f = der_begin(w);
    der_put_int64(w, type);
    der_wrap(w, f, DER_CONTEXT(0));
    f = der_begin(w);
    der_put_octets(w, data, len);
    der_wrap(w, f, DER_CONTEXT(1));
    der_wrap(w, seq, DER_SEQUENCE);
}

/* AuthorizationData { AD-IF-RELEVANT { AD-WIN2K-PAC pac } }, after an
 * unrelated entry. */
static void authz_build(struct bytes_writer *out, const struct bytes_writer *pac)
{
    struct bytes_writer inner;
    size_t m;

    bytes_writer_init_heap(&inner, BYTES_NO_LIMIT);
    m = der_begin(&inner);
    ad_entry(&inner, KRB_AD_WIN2K_PAC, pac->buf, pac->len);
    der_wrap(&inner, m, DER_SEQUENCE);
    bytes_writer_init_heap(out, BYTES_NO_LIMIT);
    m = der_begin(out);
    ad_entry(out, 141, (const uint8_t *)"x", 1);
    ad_entry(out, KRB_AD_IF_RELEVANT, inner.buf, inner.len);
    der_wrap(out, m, DER_SEQUENCE);
    bytes_writer_free(&inner);
}

static void utf16_is(struct bytes_span s, const char *want)
{
    ck_assert_uint_eq(s.len, 2 * strlen(want));
    for (size_t i = 0; i < strlen(want); i++)
        ck_assert(s.p[2 * i] == (uint8_t)want[i] && s.p[2 * i + 1] == 0);
}

START_TEST(test_pac_logon)
{
    struct bytes_writer info;
    struct krb_pac_logon l;
    uint32_t rid, attr;

    logon_info(&info, 2, 4);
    ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, info.len }, &l), 0);
    utf16_is(l.effective_name, "alice");
    utf16_is(l.full_name, "Alice A");
    utf16_is(l.logon_server, "DC1");
    utf16_is(l.logon_domain_name, "SSPI");
    ck_assert_uint_eq(l.user_id, 1105);
    ck_assert_uint_eq(l.primary_group_id, 513);
    ck_assert_uint_eq(l.user_flags, 0x20);
    ck_assert_uint_eq(l.group_count, 2);
    krb_pac_group(&l, 1, &rid, &attr);
    ck_assert_uint_eq(rid, 1106);
    ck_assert_uint_eq(attr, 7);
    ck_assert(l.has_domain_id);
    ck_assert_uint_eq(l.logon_domain_id.revision, 1);
    ck_assert_uint_eq(l.logon_domain_id.count, 4);
    ck_assert_uint_eq(l.logon_domain_id.authority[5], 5);
    ck_assert_uint_eq(l.logon_domain_id.sub[0], 21);
    ck_assert_uint_eq(l.logon_domain_id.sub[3], 3);
    bytes_writer_free(&info);
}
END_TEST

START_TEST(test_pac_find_parse)
{
    struct bytes_writer info, pac, authz;
    struct bytes_span found, b;
    struct krb_pac p;
    struct krb_pac_logon l;

    logon_info(&info, 2, 4);
    pac_build(&pac, &info);
    authz_build(&authz, &pac);
    ck_assert_int_eq(krb_pac_find(authz.buf, authz.len, &found), 0);
    ck_assert_uint_eq(found.len, pac.len);
    ck_assert_mem_eq(found.p, pac.buf, pac.len);
    ck_assert_int_eq(krb_pac_parse(found.p, found.len, &p), 0);
    ck_assert_uint_eq(p.count, 2);
    b = krb_pac_buffer(&p, KRB_PAC_CLIENT_INFO);
    ck_assert_uint_eq(b.len, 4);
    ck_assert_mem_eq(b.p, "CINF", 4);
    ck_assert_uint_eq(krb_pac_buffer(&p, KRB_PAC_UPN_DNS_INFO).len, 0);
    ck_assert_int_eq(krb_pac_logon_parse(krb_pac_buffer(&p, KRB_PAC_LOGON_INFO), &l), 0);
    ck_assert_uint_eq(l.user_id, 1105);
    /* The PAC at the top level is found too; nested deeper it is not. */
    {
        struct bytes_writer top, deep;
        size_t m;
        bytes_writer_init_heap(&top, BYTES_NO_LIMIT);
        m = der_begin(&top);
        ad_entry(&top, KRB_AD_WIN2K_PAC, pac.buf, pac.len);
        der_wrap(&top, m, DER_SEQUENCE);
        ck_assert_int_eq(krb_pac_find(top.buf, top.len, &found), 0);
        bytes_writer_init_heap(&deep, BYTES_NO_LIMIT);
        m = der_begin(&deep);
        ad_entry(&deep, KRB_AD_IF_RELEVANT, authz.buf, authz.len);
        der_wrap(&deep, m, DER_SEQUENCE);
        ck_assert_int_eq(krb_pac_find(deep.buf, deep.len, &found), KRB_PAC_E_NOT_FOUND);
        ck_assert_uint_eq(found.len, 0);
        bytes_writer_free(&top);
        bytes_writer_free(&deep);
    }
    bytes_writer_free(&info);
    bytes_writer_free(&pac);
    bytes_writer_free(&authz);
}
END_TEST

START_TEST(test_pac_lies)
{
    struct bytes_writer info, pac;
    struct krb_pac_logon l;
    struct krb_pac p;

    /* A group count past the data, a SID with 16 sub-authorities. */
    logon_info(&info, 0x20000000, 4);
    ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, info.len }, &l), KRB_PAC_E_MALFORMED);
    ck_assert(all_zero(&l, sizeof(l)));
    bytes_writer_free(&info);
    logon_info(&info, 2, 16);
    ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, info.len }, &l), KRB_PAC_E_MALFORMED);
    /* Big endian, an object length past the end, a string longer than its maximum. */
    info.buf[1] = 0x00;
    ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, info.len }, &l), KRB_PAC_E_MALFORMED);
    bytes_writer_free(&info);
    logon_info(&info, 2, 4);
    info.buf[8] = 0xff;
    ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, info.len }, &l), KRB_PAC_E_MALFORMED);
    info.buf[8] = (uint8_t)(info.len - 16);
    info.buf[16 + 4 + 48 + 2] = 2;                  /* EffectiveName's MaximumLength below its Length */
    ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, info.len }, &l), KRB_PAC_E_MALFORMED);
    info.buf[16 + 4 + 48 + 2] = 10;
    ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, info.len }, &l), 0);

    pac_build(&pac, &info);
    pac.buf[0] = 200;                               /* more buffers than there is room for */
    ck_assert_int_eq(krb_pac_parse(pac.buf, pac.len, &p), KRB_PAC_E_MALFORMED);
    pac.buf[0] = 2;
    pac.buf[4] = 1;                                 /* version 1 */
    ck_assert_int_eq(krb_pac_parse(pac.buf, pac.len, &p), KRB_PAC_E_MALFORMED);
    pac.buf[4] = 0;
    pac.buf[8 + 16 + 8 + 7] = 0x80;                 /* an offset of 2^63 */
    ck_assert_int_eq(krb_pac_parse(pac.buf, pac.len, &p), KRB_PAC_E_MALFORMED);
    ck_assert_uint_eq(p.count, 0);
    bytes_writer_free(&pac);
    bytes_writer_free(&info);
}
END_TEST

START_TEST(test_pac_truncated_and_damaged)
{
    struct bytes_writer info, pac, authz;
    struct bytes_span found;
    struct krb_pac p;
    struct krb_pac_logon l;
    uint8_t *copy;

    logon_info(&info, 2, 4);
    pac_build(&pac, &info);
    authz_build(&authz, &pac);
    for (size_t len = 0; len < info.len; len++) {
        /* Cut: the object length still claims the whole, so every cut fails. */
        ck_assert_int_eq(krb_pac_logon_parse((struct bytes_span){ info.buf, len }, &l), KRB_PAC_E_MALFORMED);
    }
    for (size_t len = 0; len < pac.len; len++)
        ck_assert_int_eq(krb_pac_parse(pac.buf, len, &p), KRB_PAC_E_MALFORMED);
    for (size_t len = 0; len < authz.len; len++)
        ck_assert_int_ne(krb_pac_find(authz.buf, len, &found), 0);
    copy = malloc(authz.len);
    for (int i = 0; i < 20000; i++) {
        memcpy(copy, authz.buf, authz.len);
        copy[rng() % authz.len] = (uint8_t)rng();
        if (i & 1)
            copy[rng() % authz.len] ^= (uint8_t)(1u << (rng() % 8));
        if (krb_pac_find(copy, authz.len, &found) || krb_pac_parse(found.p, found.len, &p))
            continue;
        for (uint32_t k = 0; k < p.count; k++)
            if (!krb_pac_logon_parse(p.buf[k].data, &l)) {
                uint32_t rid, attr;
                ck_assert_uint_le((size_t)l.group_count * 8, p.buf[k].data.len);
                for (uint32_t g = 0; g < l.group_count; g++)
                    krb_pac_group(&l, g, &rid, &attr);
                ck_assert_uint_le(l.logon_domain_id.count, KRB_SID_SUBAUTH_MAX);
            }
    }
    free(copy);
    bytes_writer_free(&info);
    bytes_writer_free(&pac);
    bytes_writer_free(&authz);
}
END_TEST

Suite *krb_pac_suite(void);

Suite *krb_pac_suite(void)
{
    Suite *s = suite_create("krb_pac");
    TCase *tc = tcase_create("PAC");

    tcase_add_test(tc, test_pac_logon);
    tcase_add_test(tc, test_pac_find_parse);
    tcase_add_test(tc, test_pac_lies);
    tcase_add_test(tc, test_pac_truncated_and_damaged);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(krb_pac_suite());
}
