/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/ntlm_msg.h"

/* MS-NLMP 4.2.4.3: the NTLMv2 example's CHALLENGE_MESSAGE and
 * AUTHENTICATE_MESSAGE (user "User", domain "Domain", workstation
 * "COMPUTER", server "Server", flags 33 82 8a e2 in the challenge). */
static const uint8_t spec_challenge[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00,
    0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
    0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t spec_authenticate[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x03, 0x00, 0x00, 0x00, 0x18, 0x00, 0x18, 0x00,
    0x6c, 0x00, 0x00, 0x00, 0x54, 0x00, 0x54, 0x00, 0x84, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00,
    0x48, 0x00, 0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x54, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00,
    0x5c, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0xd8, 0x00, 0x00, 0x00, 0x35, 0x82, 0x88, 0xe2,
    0x05, 0x01, 0x28, 0x0a, 0x00, 0x00, 0x00, 0x0f, 0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
    0x69, 0x00, 0x6e, 0x00, 0x55, 0x00, 0x73, 0x00, 0x65, 0x00, 0x72, 0x00, 0x43, 0x00, 0x4f, 0x00,
    0x4d, 0x00, 0x50, 0x00, 0x55, 0x00, 0x54, 0x00, 0x45, 0x00, 0x52, 0x00, 0x86, 0xc3, 0x50, 0x97,
    0xac, 0x9c, 0xec, 0x10, 0x25, 0x54, 0x76, 0x4a, 0x57, 0xcc, 0xcc, 0x19, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa, 0xaa, 0xaa, 0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96, 0xaa, 0xbc, 0x92, 0x7b,
    0xeb, 0xef, 0x6a, 0x1c, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x0c, 0x00, 0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00, 0x69, 0x00, 0x6e, 0x00,
    0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00, 0x65, 0x00, 0x72, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc5, 0xda, 0xd2, 0x54, 0x4f, 0xc9, 0x79, 0x90,
    0x94, 0xce, 0x1c, 0xe9, 0x0b, 0xc9, 0xd0, 0x3e,
};

static const uint8_t server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t client_challenge[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t nt_proof[16] = { 0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96,
                                      0xaa, 0xbc, 0x92, 0x7b, 0xeb, 0xef, 0x6a, 0x1c };
static const uint8_t enc_session_key[16] = { 0xc5, 0xda, 0xd2, 0x54, 0x4f, 0xc9, 0x79, 0x90,
                                             0x94, 0xce, 0x1c, 0xe9, 0x0b, 0xc9, 0xd0, 0x3e };

/* ASCII to UTF-16LE, into a static ring so several can be live at once. */
static struct bytes_span u16(const char *ascii)
{
    static uint8_t ring[8][128];
    static int next;
    uint8_t *out = ring[next++ % 8];
    size_t n = strlen(ascii);
    ck_assert_uint_le(2 * n, sizeof(ring[0]));
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = (uint8_t)ascii[i];
        out[2 * i + 1] = 0;
    }
    return (struct bytes_span){ out, 2 * n };
}

static struct bytes_span raw(const void *p, size_t len)
{
    return (struct bytes_span){ p, len };
}

static void assert_span_eq(struct bytes_span got, struct bytes_span want)
{
    ck_assert_uint_eq(got.len, want.len);
    if (want.len)
        ck_assert_mem_eq(got.p, want.p, want.len);
}

/* A heap copy of exactly len bytes, so ASan sees any read past the end. */
static uint8_t *exact_copy(const void *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    if (len) memcpy(p, src, len);
    return p;
}

/* ---- Messages ----------------------------------------------------------- */

START_TEST(negotiate_round_trip)
{
    uint32_t flags[2] = { NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM_DOMAIN_SUPPLIED |
                          NTLM_NEGOTIATE_OEM_WORKSTATION_SUPPLIED | NTLM_NEGOTIATE_VERSION,
                          NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_NTLM };
    size_t header[2] = { 40, 32 };

    for (int i = 0; i < 2; i++) {
        struct ntlm_negotiate m = { .flags = flags[i], .domain = raw("DOMAIN", 6),
                                    .workstation = raw("WS", 2),
                                    .version = { 10, 0, 19041, NTLM_REVISION_W2K3 } }, p;
        struct bytes_writer w;
        struct bytes_span out;

        bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
        ck_assert_int_eq(ntlm_build_negotiate(&w, &m), 0);
        out = bytes_writer_span(&w);
        ck_assert_uint_eq(out.len, header[i] + 8);
        ck_assert_int_eq(ntlm_message_type(out.p, out.len), NTLM_MSG_NEGOTIATE);
        ck_assert_int_eq(ntlm_parse_negotiate(out.p, out.len, &p), 0);
        ck_assert_uint_eq(p.flags, m.flags);
        assert_span_eq(p.domain, m.domain);
        assert_span_eq(p.workstation, m.workstation);
        ck_assert_ptr_eq(p.domain.p, out.p + header[i]);
        if (i == 0) {
            ck_assert_uint_eq(p.version.major, 10);
            ck_assert_uint_eq(p.version.build, 19041);
            ck_assert_uint_eq(p.version.revision, NTLM_REVISION_W2K3);
        } else {
            ck_assert_uint_eq(p.version.build, 0);
        }
        bytes_writer_free(&w);
    }
}
END_TEST

START_TEST(challenge_round_trip)
{
    struct bytes_writer w, ti;
    struct ntlm_challenge m = { .flags = NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_TARGET_INFO |
                                         NTLM_REQUEST_TARGET | NTLM_TARGET_TYPE_SERVER },
                          p;
    struct bytes_span out, v;

    bytes_writer_init_heap(&ti, BYTES_NO_LIMIT);
    ntlm_av_put(&ti, NTLM_AV_NB_DOMAIN_NAME, u16("WORKGROUP").p, 18);
    ntlm_av_put(&ti, NTLM_AV_DNS_COMPUTER_NAME, u16("host.example").p, 24);
    ntlm_av_put(&ti, NTLM_AV_TIMESTAMP, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    ck_assert_int_eq(ntlm_av_put_eol(&ti), 0);
    m.target_info = bytes_writer_span(&ti);
    m.target_name = u16("WORKGROUP");
    memcpy(m.server_challenge, server_challenge, 8);

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_build_challenge(&w, &m), 0);
    out = bytes_writer_span(&w);
    ck_assert_uint_eq(out.len, 48 + 18 + m.target_info.len);
    ck_assert_int_eq(ntlm_parse_challenge(out.p, out.len, &p), 0);
    ck_assert_uint_eq(p.flags, m.flags);
    ck_assert_mem_eq(p.server_challenge, server_challenge, 8);
    assert_span_eq(p.target_name, m.target_name);
    assert_span_eq(p.target_info, m.target_info);
    ck_assert_int_eq(ntlm_av_find(p.target_info, NTLM_AV_DNS_COMPUTER_NAME, &v), 0);
    assert_span_eq(v, u16("host.example"));
    uint64_t ts;
    ck_assert_int_eq(ntlm_av_get_timestamp(p.target_info, &ts), 0);
    ck_assert(ts == 0x0807060504030201ull);
    bytes_writer_free(&w);
    bytes_writer_free(&ti);
}
END_TEST

START_TEST(authenticate_round_trip)
{
    uint8_t lm[24] = { 0 }, nt[60], mic[16];
    struct ntlm_authenticate m = {
        .flags = NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_KEY_EXCH | NTLM_NEGOTIATE_VERSION,
        .lm_response = raw(lm, 24), .nt_response = raw(nt, sizeof(nt)),
        .domain = u16("Domain"), .user = u16("User"), .workstation = u16("COMPUTER"),
        .session_key = raw(enc_session_key, 16), .version = { 6, 1, 7601, 15 },
    }, p;
    struct bytes_writer w;
    struct bytes_span out;
    size_t mic_pos = 0;

    for (size_t i = 0; i < sizeof(nt); i++) nt[i] = (uint8_t)i;
    for (size_t i = 0; i < sizeof(mic); i++) mic[i] = (uint8_t)(0xf0 + i);

    /* a prefix in the writer: message offsets stay relative to the message */
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    bytes_put(&w, "junk", 4);
    ck_assert_int_eq(ntlm_build_authenticate(&w, &m, &mic_pos), 0);
    ck_assert_uint_eq(mic_pos, 4 + NTLM_MIC_OFFSET);
    ck_assert_int_eq(bytes_patch(&w, mic_pos, mic, 16), 0);
    out = bytes_writer_span(&w);
    out.p += 4;
    out.len -= 4;
    ck_assert_uint_eq(out.len, 88 + 12 + 8 + 16 + 24 + 60 + 16);
    ck_assert_int_eq(ntlm_parse_authenticate(out.p, out.len, &p), 0);
    ck_assert_uint_eq(p.flags, m.flags);
    assert_span_eq(p.lm_response, m.lm_response);
    assert_span_eq(p.nt_response, m.nt_response);
    assert_span_eq(p.domain, m.domain);
    assert_span_eq(p.user, m.user);
    assert_span_eq(p.workstation, m.workstation);
    assert_span_eq(p.session_key, m.session_key);
    ck_assert_uint_eq(p.version.minor, 1);
    ck_assert_uint_eq(p.version.build, 7601);
    ck_assert_uint_eq(p.mic_offset, NTLM_MIC_OFFSET);
    ck_assert_mem_eq(out.p + p.mic_offset, mic, 16);
    /* payload order: domain first, right after the MIC */
    ck_assert_ptr_eq(p.domain.p, out.p + 88);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(authenticate_anonymous)
{
    /* all fields empty and no VERSION: still the 88-byte layout */
    struct ntlm_authenticate m = { .flags = NTLM_NEGOTIATE_ANONYMOUS }, p;
    struct bytes_writer w;
    size_t mic_pos;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_build_authenticate(&w, &m, &mic_pos), 0);
    ck_assert_uint_eq(w.len, 88);
    ck_assert_uint_eq(mic_pos, 72);
    ck_assert_int_eq(ntlm_parse_authenticate(w.buf, w.len, &p), 0);
    ck_assert_uint_eq(p.mic_offset, 72);
    ck_assert_uint_eq(p.user.len, 0);
    ck_assert_ptr_nonnull(p.user.p);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(message_type_and_mixups)
{
    struct ntlm_negotiate n;
    struct ntlm_authenticate a;
    uint8_t msg[sizeof(spec_challenge)];

    ck_assert_int_eq(ntlm_message_type(spec_challenge, sizeof(spec_challenge)), NTLM_MSG_CHALLENGE);
    ck_assert_int_eq(ntlm_message_type(spec_authenticate, sizeof(spec_authenticate)), NTLM_MSG_AUTHENTICATE);
    ck_assert_int_eq(ntlm_parse_negotiate(spec_challenge, sizeof(spec_challenge), &n), NTLM_ERR_TYPE);
    ck_assert_int_eq(ntlm_parse_authenticate(spec_challenge, sizeof(spec_challenge), &a), NTLM_ERR_TYPE);
    ck_assert_uint_eq(a.flags, 0);                 /* cleared on failure */

    memcpy(msg, spec_challenge, sizeof(msg));
    msg[8] = 4;
    ck_assert_int_eq(ntlm_message_type(msg, sizeof(msg)), NTLM_ERR_TYPE);
    msg[8] = 0;
    ck_assert_int_eq(ntlm_message_type(msg, sizeof(msg)), NTLM_ERR_TYPE);
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[7] = ' ';
    ck_assert_int_eq(ntlm_message_type(msg, sizeof(msg)), NTLM_ERR_SIGNATURE);
    ck_assert_int_eq(ntlm_message_type(msg, 11), NTLM_ERR_TRUNCATED);
    ck_assert_int_eq(ntlm_message_type(NULL, 0), NTLM_ERR_TRUNCATED);
    ck_assert_str_eq(ntlm_strerror(NTLM_ERR_FIELD), "field outside the message");
}
END_TEST

START_TEST(field_errors)
{
    uint8_t msg[sizeof(spec_challenge)];
    struct ntlm_challenge c;

    /* target info one byte longer than what is left */
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[40] = 0x25;
    ck_assert_int_eq(ntlm_parse_challenge(msg, sizeof(msg), &c), NTLM_ERR_FIELD);
    /* offset past the end, and a huge offset */
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[16] = 0x68;
    ck_assert_int_eq(ntlm_parse_challenge(msg, sizeof(msg), &c), NTLM_ERR_FIELD);
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[19] = 0xff;
    ck_assert_int_eq(ntlm_parse_challenge(msg, sizeof(msg), &c), NTLM_ERR_FIELD);
    /* a field pointing into the header */
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[16] = 0x30;
    ck_assert_int_eq(ntlm_parse_challenge(msg, sizeof(msg), &c), NTLM_ERR_FIELD);
    /* an empty field's offset is not looked at */
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[12] = msg[14] = 0;
    msg[19] = 0xff;
    ck_assert_int_eq(ntlm_parse_challenge(msg, sizeof(msg), &c), 0);
    ck_assert_uint_eq(c.target_name.len, 0);
    /* MaxLen is ignored */
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[14] = 0xff;
    ck_assert_int_eq(ntlm_parse_challenge(msg, sizeof(msg), &c), 0);
    /* a target info list without EOL */
    memcpy(msg, spec_challenge, sizeof(msg));
    msg[40] = msg[42] = 0x20;
    ck_assert_int_eq(ntlm_parse_challenge(msg, sizeof(msg), &c), NTLM_ERR_AVPAIRS);
    /* VERSION flag set but no room for it: CHALLENGE header needs 56 */
    memcpy(msg, spec_challenge, sizeof(msg));
    ck_assert_int_eq(ntlm_parse_challenge(msg, 55, &c), NTLM_ERR_TRUNCATED);
}
END_TEST

START_TEST(builder_errors)
{
    static uint8_t big[65536];
    struct ntlm_authenticate a = { .user = raw(big, sizeof(big)) };
    struct ntlm_challenge c = { .target_info = raw(big, sizeof(big)) };
    struct ntlm_negotiate n = { .domain = raw(big, 65535) };
    struct bytes_writer w;
    uint8_t buf[256];
    size_t mic_pos = 12345;

    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(ntlm_build_authenticate(&w, &a, &mic_pos), NTLM_ERR_TOO_LONG);
    ck_assert_int_eq(ntlm_build_challenge(&w, &c), NTLM_ERR_TOO_LONG);
    ck_assert_uint_eq(w.len, 0);
    ck_assert_uint_eq(mic_pos, 12345);
    ck_assert_int_eq(ntlm_build_negotiate(&w, &n), NTLM_ERR_WRITER);

    /* every capacity short of the message fails; the exact size works */
    struct ntlm_authenticate ok = { .flags = NTLM_NEGOTIATE_VERSION, .user = u16("User"),
                                    .nt_response = raw(nt_proof, 16) };
    for (size_t cap = 0; cap < 88 + 8 + 16; cap++) {
        bytes_writer_init(&w, buf, cap);
        ck_assert_int_eq(ntlm_build_authenticate(&w, &ok, &mic_pos), NTLM_ERR_WRITER);
    }
    bytes_writer_init(&w, buf, 88 + 8 + 16);
    ck_assert_int_eq(ntlm_build_authenticate(&w, &ok, &mic_pos), 0);
}
END_TEST

/* ---- Spec (MS-NLMP 4.2.4) ----------------------------------------------- */

START_TEST(spec_challenge_parse)
{
    struct ntlm_challenge c;
    struct bytes_span v;
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;

    ck_assert_int_eq(ntlm_parse_challenge(spec_challenge, sizeof(spec_challenge), &c), 0);
    ck_assert_uint_eq(c.flags, 0xe28a8233u);
    ck_assert_uint_eq(c.flags, NTLM_NEGOTIATE_56 | NTLM_NEGOTIATE_KEY_EXCH | NTLM_NEGOTIATE_128 |
                               NTLM_NEGOTIATE_VERSION | NTLM_NEGOTIATE_TARGET_INFO |
                               NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLM_TARGET_TYPE_SERVER |
                               NTLM_NEGOTIATE_ALWAYS_SIGN | NTLM_NEGOTIATE_NTLM |
                               NTLM_NEGOTIATE_SEAL | NTLM_NEGOTIATE_SIGN | NTLM_NEGOTIATE_OEM |
                               NTLM_NEGOTIATE_UNICODE);
    ck_assert_mem_eq(c.server_challenge, server_challenge, 8);
    assert_span_eq(c.target_name, u16("Server"));
    ck_assert_uint_eq(c.target_info.len, 36);
    ck_assert_uint_eq(c.version.major, 6);
    ck_assert_uint_eq(c.version.minor, 0);
    ck_assert_uint_eq(c.version.build, 6000);
    ck_assert_uint_eq(c.version.revision, NTLM_REVISION_W2K3);

    ck_assert_int_eq(ntlm_av_find(c.target_info, NTLM_AV_NB_DOMAIN_NAME, &v), 0);
    assert_span_eq(v, u16("Domain"));
    ck_assert_int_eq(ntlm_av_find(c.target_info, NTLM_AV_NB_COMPUTER_NAME, &v), 0);
    assert_span_eq(v, u16("Server"));
    ck_assert_int_eq(ntlm_av_find(c.target_info, NTLM_AV_TIMESTAMP, &v), NTLM_ERR_NOT_FOUND);

    ntlm_av_iter_init(&it, c.target_info);
    ck_assert_int_eq(ntlm_av_next(&it, &pair), 1);
    ck_assert_uint_eq(pair.id, NTLM_AV_NB_DOMAIN_NAME);
    ck_assert_int_eq(ntlm_av_next(&it, &pair), 1);
    ck_assert_uint_eq(pair.id, NTLM_AV_NB_COMPUTER_NAME);
    ck_assert_int_eq(ntlm_av_next(&it, &pair), 0);
    ck_assert_int_eq(ntlm_av_next(&it, &pair), 0);
}
END_TEST

START_TEST(spec_challenge_build)
{
    struct ntlm_challenge c = { .flags = 0xe28a8233u, .target_name = u16("Server"),
                                .version = { 6, 0, 6000, NTLM_REVISION_W2K3 } };
    struct bytes_writer ti, w;

    bytes_writer_init_heap(&ti, BYTES_NO_LIMIT);
    ntlm_av_put(&ti, NTLM_AV_NB_DOMAIN_NAME, u16("Domain").p, 12);
    ntlm_av_put(&ti, NTLM_AV_NB_COMPUTER_NAME, u16("Server").p, 12);
    ck_assert_int_eq(ntlm_av_put_eol(&ti), 0);
    c.target_info = bytes_writer_span(&ti);
    memcpy(c.server_challenge, server_challenge, 8);

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_build_challenge(&w, &c), 0);
    ck_assert_uint_eq(w.len, sizeof(spec_challenge));
    ck_assert_mem_eq(w.buf, spec_challenge, sizeof(spec_challenge));
    bytes_writer_free(&w);
    bytes_writer_free(&ti);
}
END_TEST

START_TEST(spec_authenticate_parse)
{
    struct ntlm_authenticate a;
    struct ntlm_v2_response v2;
    struct ntlm_challenge c;
    struct bytes_span v;
    static const uint8_t lmv2[16] = { 0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10,
                                      0x25, 0x54, 0x76, 0x4a, 0x57, 0xcc, 0xcc, 0x19 };

    ck_assert_int_eq(ntlm_parse_authenticate(spec_authenticate, sizeof(spec_authenticate), &a), 0);
    ck_assert_uint_eq(a.flags, 0xe2888235u);
    assert_span_eq(a.domain, u16("Domain"));
    assert_span_eq(a.user, u16("User"));
    assert_span_eq(a.workstation, u16("COMPUTER"));
    assert_span_eq(a.session_key, raw(enc_session_key, 16));
    ck_assert_uint_eq(a.lm_response.len, 24);
    ck_assert_mem_eq(a.lm_response.p, lmv2, 16);
    ck_assert_mem_eq(a.lm_response.p + 16, client_challenge, 8);
    ck_assert_uint_eq(a.nt_response.len, 84);
    ck_assert_uint_eq(a.version.major, 5);
    ck_assert_uint_eq(a.version.minor, 1);
    ck_assert_uint_eq(a.version.build, 2600);
    /* this client starts its payload right after Version: no MIC */
    ck_assert_uint_eq(a.mic_offset, 0);

    ck_assert_int_eq(ntlm_parse_v2_response(a.nt_response, &v2), 0);
    assert_span_eq(v2.proof, raw(nt_proof, 16));
    ck_assert(v2.timestamp == 0);
    ck_assert_mem_eq(v2.client_challenge, client_challenge, 8);
    ck_assert_uint_eq(v2.blob.len, 84 - 16);
    ck_assert_ptr_eq(v2.blob.p, a.nt_response.p + 16);
    ck_assert_int_eq(ntlm_av_find(v2.av_pairs, NTLM_AV_NB_DOMAIN_NAME, &v), 0);
    assert_span_eq(v, u16("Domain"));

    /* the blob is exactly what the builder makes from the server's list */
    ck_assert_int_eq(ntlm_parse_challenge(spec_challenge, sizeof(spec_challenge), &c), 0);
    struct bytes_writer w;
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_build_v2_blob(&w, 0, client_challenge, c.target_info), 0);
    assert_span_eq(bytes_writer_span(&w), v2.blob);
    bytes_writer_free(&w);
}
END_TEST

START_TEST(spec_authenticate_rebuild)
{
    struct ntlm_authenticate a, b;
    struct bytes_writer w;
    size_t mic_pos;

    ck_assert_int_eq(ntlm_parse_authenticate(spec_authenticate, sizeof(spec_authenticate), &a), 0);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_build_authenticate(&w, &a, &mic_pos), 0);
    /* same payload order as the example, moved 16 bytes on by the MIC */
    ck_assert_uint_eq(w.len, sizeof(spec_authenticate) + 16);
    ck_assert_mem_eq(w.buf + 88, spec_authenticate + 72, sizeof(spec_authenticate) - 72);
    ck_assert_mem_eq(w.buf + 60, spec_authenticate + 60, 12);  /* flags, version */
    ck_assert_int_eq(ntlm_parse_authenticate(w.buf, w.len, &b), 0);
    assert_span_eq(b.nt_response, a.nt_response);
    assert_span_eq(b.lm_response, a.lm_response);
    assert_span_eq(b.session_key, a.session_key);
    ck_assert_uint_eq(b.mic_offset, 72);
    bytes_writer_free(&w);
}
END_TEST

/* ---- AV pairs ----------------------------------------------------------- */

START_TEST(av_malformed)
{
    static const uint8_t no_eol[] = { 0x02, 0x00, 0x02, 0x00, 'a', 0 };
    static const uint8_t overrun[] = { 0x02, 0x00, 0x08, 0x00, 'a', 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t eol_with_len[] = { 0x00, 0x00, 0x04, 0x00, 0, 0, 0, 0 };
    static const uint8_t half_header[] = { 0x02, 0x00, 0x00 };
    static const uint8_t padded[] = { 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0xff, 0xff, 0xff };
    static const uint8_t bad_flags[] = { 0x06, 0x00, 0x02, 0x00, 1, 0, 0, 0, 0, 0 };
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    struct bytes_span v;
    uint32_t flags;
    const struct { const uint8_t *p; size_t len; } bad[] = {
        { no_eol, sizeof(no_eol) }, { overrun, sizeof(overrun) },
        { eol_with_len, sizeof(eol_with_len) }, { half_header, sizeof(half_header) },
        { padded, 0 }, { padded, 3 }, { padded, 7 },
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t *copy = exact_copy(bad[i].p, bad[i].len);
        struct bytes_span s = raw(copy, bad[i].len);
        ck_assert_int_eq(ntlm_av_validate(s), NTLM_ERR_AVPAIRS);
        ck_assert_int_eq(ntlm_av_find(s, 2, &v), NTLM_ERR_AVPAIRS);
        free(copy);
    }
    /* an error sticks */
    ntlm_av_iter_init(&it, raw(no_eol, sizeof(no_eol)));
    ck_assert_int_eq(ntlm_av_next(&it, &pair), 1);
    ck_assert_int_eq(ntlm_av_next(&it, &pair), NTLM_ERR_AVPAIRS);
    ck_assert_int_eq(ntlm_av_next(&it, &pair), NTLM_ERR_AVPAIRS);
    /* bytes after EOL are not part of the list */
    ck_assert_int_eq(ntlm_av_validate(raw(padded, sizeof(padded))), 0);
    ck_assert_int_eq(ntlm_av_find(raw(padded, sizeof(padded)), 1, &v), 0);
    ck_assert_uint_eq(v.len, 0);
    /* a fixed-size value of the wrong size */
    ck_assert_int_eq(ntlm_av_get_flags(raw(bad_flags, sizeof(bad_flags)), &flags), NTLM_ERR_AVPAIRS);
    ck_assert_int_eq(ntlm_av_get_flags(raw(padded, sizeof(padded)), &flags), NTLM_ERR_NOT_FOUND);
}
END_TEST

/* Collects a list's ids, -1 terminated. */
static void list_ids(struct bytes_span list, int *ids, size_t max)
{
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    size_t n = 0;
    int rc;

    ntlm_av_iter_init(&it, list);
    while ((rc = ntlm_av_next(&it, &pair)) > 0 && n + 1 < max)
        ids[n++] = pair.id;
    ck_assert_int_eq(rc, 0);
    ids[n] = -1;
}

START_TEST(av_client_info)
{
    struct bytes_writer srv, cli;
    struct bytes_span v;
    uint8_t cb[16];
    uint32_t flags;
    uint64_t ts, now = 0x01d0000012345678ull;
    int ids[16];

    memset(cb, 0x5c, sizeof(cb));
    /* server list with flags (constrained) and a timestamp, and a duplicate */
    bytes_writer_init_heap(&srv, BYTES_NO_LIMIT);
    ntlm_av_put(&srv, NTLM_AV_NB_DOMAIN_NAME, u16("D").p, 2);
    ntlm_av_put(&srv, NTLM_AV_FLAGS, "\x01\x00\x00\x00", 4);
    ntlm_av_put(&srv, NTLM_AV_TIMESTAMP, "\x11\x11\x11\x11\x11\x11\x11\x11", 8);
    ntlm_av_put(&srv, NTLM_AV_NB_COMPUTER_NAME, u16("S").p, 2);
    ntlm_av_put(&srv, NTLM_AV_FLAGS, "\x04\x00\x00\x00", 4);
    ntlm_av_put_eol(&srv);
    ck_assert_int_eq(srv.failed, 0);

    bytes_writer_init_heap(&cli, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_av_client_info(&cli, bytes_writer_span(&srv), NTLM_AV_FLAG_MIC, &now,
                                         raw(cb, 16), u16("HTTP/server")), 0);
    list_ids(bytes_writer_span(&cli), ids, 16);
    const int want[] = { 2, 6, 7, 1, 10, 9, -1 };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        ck_assert_int_eq(ids[i], want[i]);
    ck_assert_int_eq(ntlm_av_get_flags(bytes_writer_span(&cli), &flags), 0);
    ck_assert_uint_eq(flags, NTLM_AV_FLAG_CONSTRAINED | NTLM_AV_FLAG_MIC);
    ck_assert_int_eq(ntlm_av_get_timestamp(bytes_writer_span(&cli), &ts), 0);
    ck_assert(ts == now);
    ck_assert_int_eq(ntlm_av_find(bytes_writer_span(&cli), NTLM_AV_TARGET_NAME, &v), 0);
    assert_span_eq(v, u16("HTTP/server"));
    bytes_writer_free(&cli);

    /* nothing to add: the list comes back byte for byte */
    bytes_writer_init_heap(&cli, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_av_client_info(&cli, bytes_writer_span(&srv), 0, NULL,
                                         raw(NULL, 0), raw(NULL, 0)), 0);
    assert_span_eq(bytes_writer_span(&cli), bytes_writer_span(&srv));
    bytes_writer_free(&cli);

    /* no server list at all */
    bytes_writer_init_heap(&cli, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_av_client_info(&cli, raw(NULL, 0), NTLM_AV_FLAG_MIC, &now,
                                         raw(NULL, 0), raw(NULL, 0)), 0);
    list_ids(bytes_writer_span(&cli), ids, 16);
    ck_assert_int_eq(ids[0], 6);
    ck_assert_int_eq(ids[1], 7);
    ck_assert_int_eq(ids[2], -1);
    ck_assert_uint_eq(cli.len, 8 + 12 + 4);
    bytes_writer_free(&cli);

    /* a bad server list writes nothing; a bad channel binding size fails */
    bytes_writer_init_heap(&cli, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_av_client_info(&cli, raw(srv.buf, srv.len - 1), NTLM_AV_FLAG_MIC, NULL,
                                         raw(NULL, 0), raw(NULL, 0)), NTLM_ERR_AVPAIRS);
    ck_assert_int_eq(ntlm_av_client_info(&cli, bytes_writer_span(&srv), 0, NULL,
                                         raw(cb, 15), raw(NULL, 0)), NTLM_ERR_AVPAIRS);
    ck_assert_uint_eq(cli.len, 0);
    bytes_writer_free(&cli);
    bytes_writer_free(&srv);
}
END_TEST

START_TEST(av_rebuild_limits)
{
    struct ntlm_av_pair set[33];
    struct bytes_writer w;
    uint8_t buf[64];

    memset(buf, 0, sizeof(buf));
    for (int i = 0; i < 33; i++)
        set[i] = (struct ntlm_av_pair){ (uint16_t)(100 + i), raw(NULL, 0) };
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ck_assert_int_eq(ntlm_av_rebuild(&w, raw(NULL, 0), set, 33), NTLM_ERR_TOO_LONG);
    ck_assert_int_eq(ntlm_av_rebuild(&w, raw(NULL, 0), set, 32), 0);
    ck_assert_uint_eq(w.len, 32 * 4 + 4);
    bytes_writer_free(&w);
    set[0].id = NTLM_AV_EOL;
    bytes_writer_init(&w, buf, sizeof(buf));
    ck_assert_int_eq(ntlm_av_rebuild(&w, raw(NULL, 0), set, 1), NTLM_ERR_AVPAIRS);
    ck_assert_int_eq(ntlm_av_put(&w, 1, buf, 65536), NTLM_ERR_TOO_LONG);
    ck_assert_int_eq(ntlm_av_put(&w, 1, buf, 61), NTLM_ERR_WRITER);
    ck_assert_int_eq(ntlm_build_v2_blob(&w, 0, client_challenge, raw(buf, 3)), NTLM_ERR_AVPAIRS);
}
END_TEST

/* ---- Limits ------------------------------------------------------------- */

/* Parses msg with every parser, touching every byte of every span so that
 * ASan reports any view reaching outside the buffer.  Returns how many
 * parsers accepted it. */
static unsigned sink;

static void touch(struct bytes_span s, const uint8_t *buf, size_t len)
{
    if (!s.len)
        return;
    ck_assert((uintptr_t)s.p >= (uintptr_t)buf);
    ck_assert_uint_le(s.len, len);
    ck_assert_uint_le((size_t)(s.p - buf), len - s.len);
    for (size_t i = 0; i < s.len; i++)
        sink += s.p[i];
}

static void touch_av(struct bytes_span list, const uint8_t *buf, size_t len)
{
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    struct bytes_writer w;
    uint32_t flags;

    ntlm_av_iter_init(&it, list);
    while (ntlm_av_next(&it, &pair) > 0)
        touch(pair.value, buf, len);
    ntlm_av_get_flags(list, &flags);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    ntlm_av_client_info(&w, list, NTLM_AV_FLAG_MIC, NULL, raw(NULL, 0), raw(NULL, 0));
    bytes_writer_free(&w);
}

static int parse_all(const uint8_t *buf, size_t len)
{
    struct ntlm_negotiate n;
    struct ntlm_challenge c;
    struct ntlm_authenticate a;
    struct ntlm_v2_response v2;
    int accepted = 0;

    ntlm_message_type(buf, len);
    if (ntlm_parse_negotiate(buf, len, &n) == 0) {
        accepted++;
        touch(n.domain, buf, len);
        touch(n.workstation, buf, len);
    }
    if (ntlm_parse_challenge(buf, len, &c) == 0) {
        accepted++;
        touch(c.target_name, buf, len);
        touch(c.target_info, buf, len);
        touch_av(c.target_info, buf, len);
    }
    if (ntlm_parse_authenticate(buf, len, &a) == 0) {
        accepted++;
        touch(a.lm_response, buf, len);
        touch(a.nt_response, buf, len);
        touch(a.domain, buf, len);
        touch(a.user, buf, len);
        touch(a.workstation, buf, len);
        touch(a.session_key, buf, len);
        if (a.mic_offset)
            ck_assert_uint_le(a.mic_offset + NTLM_MIC_LEN, len);
        if (ntlm_parse_v2_response(a.nt_response, &v2) == 0) {
            touch(v2.blob, buf, len);
            touch_av(v2.av_pairs, buf, len);
        }
    }
    return accepted;
}

/* The messages the Limits tests mutate. */
static struct bytes_span sample(int i, struct bytes_writer *w)
{
    struct ntlm_negotiate n = { .flags = NTLM_NEGOTIATE_VERSION | NTLM_NEGOTIATE_OEM_DOMAIN_SUPPLIED,
                                .domain = raw("DOMAIN", 6), .workstation = raw("HOST", 4) };
    struct ntlm_authenticate a;
    size_t mic_pos;

    bytes_writer_init_heap(w, BYTES_NO_LIMIT);
    switch (i) {
    case 0: ntlm_build_negotiate(w, &n); break;
    case 1: bytes_put(w, spec_challenge, sizeof(spec_challenge)); break;
    case 2: bytes_put(w, spec_authenticate, sizeof(spec_authenticate)); break;
    default:
        ntlm_parse_authenticate(spec_authenticate, sizeof(spec_authenticate), &a);
        ntlm_build_authenticate(w, &a, &mic_pos);
        break;
    }
    ck_assert_int_eq(w->failed, 0);
    return bytes_writer_span(w);
}
#define NSAMPLES 4

START_TEST(limits_truncations)
{
    for (int i = 0; i < NSAMPLES; i++) {
        struct bytes_writer w;
        struct bytes_span msg = sample(i, &w);

        ck_assert_int_eq(parse_all(msg.p, msg.len), 1);
        /* every sample ends with a payload field, so every prefix must fail */
        for (size_t n = 0; n < msg.len; n++) {
            uint8_t *copy = exact_copy(msg.p, n);
            ck_assert_int_eq(parse_all(copy, n), 0);
            free(copy);
        }
        bytes_writer_free(&w);
    }
}
END_TEST

START_TEST(limits_truncated_lists)
{
    struct ntlm_challenge c;
    struct ntlm_authenticate a;
    struct ntlm_v2_response v2;

    ntlm_parse_challenge(spec_challenge, sizeof(spec_challenge), &c);
    for (size_t n = 0; n < c.target_info.len; n++) {
        uint8_t *copy = exact_copy(c.target_info.p, n);
        ck_assert_int_eq(ntlm_av_validate(raw(copy, n)), NTLM_ERR_AVPAIRS);
        free(copy);
    }
    /* the NTLMv2 response ends in 4 bytes of padding after MsvAvEOL */
    ntlm_parse_authenticate(spec_authenticate, sizeof(spec_authenticate), &a);
    for (size_t n = 0; n <= a.nt_response.len; n++) {
        uint8_t *copy = exact_copy(a.nt_response.p, n);
        int rc = ntlm_parse_v2_response(raw(copy, n), &v2);
        if (n < 44)
            ck_assert_int_eq(rc, NTLM_ERR_TRUNCATED);
        else if (n < 80)
            ck_assert_int_eq(rc, NTLM_ERR_AVPAIRS);
        else
            ck_assert_int_eq(rc, 0);
        free(copy);
    }
}
END_TEST

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: fixed seed, same flips on every run and platform */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

START_TEST(limits_bit_flips)
{
    unsigned accepted = 0, rejected = 0;

    rng_state = 0x5eed5eed12345678ull;
    for (int i = 0; i < NSAMPLES; i++) {
        struct bytes_writer w;
        struct bytes_span msg = sample(i, &w);

        for (int iter = 0; iter < 3000; iter++) {
            uint8_t *copy = exact_copy(msg.p, msg.len);
            int flips = 1 + (int)(rng() % 4);
            for (int f = 0; f < flips; f++) {
                uint64_t r = rng();
                copy[(r >> 8) % msg.len] ^= (uint8_t)(1u << (r & 7));
            }
            if (parse_all(copy, msg.len))
                accepted++;
            else
                rejected++;
            free(copy);
        }
        bytes_writer_free(&w);
    }
    /* both outcomes happen: the flips reach the header and the payload */
    ck_assert_uint_gt(accepted, 1000);
    ck_assert_uint_gt(rejected, 1000);
}
END_TEST

START_TEST(limits_random_headers)
{
    uint8_t buf[160];

    rng_state = 0x0123456789abcdefull;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 12 + rng() % (sizeof(buf) - 11);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rng();
        /* small lengths and offsets, so fields often land near the edges */
        for (size_t i = 12; i + 8 <= len && i < 68; i += 8) {
            if (rng() & 1) {
                buf[i] = (uint8_t)(rng() % 64);
                buf[i + 1] = 0;
                buf[i + 4] = (uint8_t)(rng() % 180);
                buf[i + 5] = buf[i + 6] = buf[i + 7] = 0;
            }
        }
        memcpy(buf, "NTLMSSP", 8);
        buf[8] = (uint8_t)(1 + rng() % 3);
        buf[9] = buf[10] = buf[11] = 0;
        uint8_t *copy = exact_copy(buf, len);
        parse_all(copy, len);
        free(copy);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ntlm_msg");
    TCase *msg = tcase_create("Messages");
    tcase_add_test(msg, negotiate_round_trip);
    tcase_add_test(msg, challenge_round_trip);
    tcase_add_test(msg, authenticate_round_trip);
    tcase_add_test(msg, authenticate_anonymous);
    tcase_add_test(msg, message_type_and_mixups);
    tcase_add_test(msg, field_errors);
    tcase_add_test(msg, builder_errors);
    suite_add_tcase(s, msg);
    TCase *spec = tcase_create("Spec");
    tcase_add_test(spec, spec_challenge_parse);
    tcase_add_test(spec, spec_challenge_build);
    tcase_add_test(spec, spec_authenticate_parse);
    tcase_add_test(spec, spec_authenticate_rebuild);
    suite_add_tcase(s, spec);
    TCase *av = tcase_create("AV pairs");
    tcase_add_test(av, av_malformed);
    tcase_add_test(av, av_client_info);
    tcase_add_test(av, av_rebuild_limits);
    suite_add_tcase(s, av);
    TCase *lim = tcase_create("Limits");
    tcase_set_timeout(lim, 120);
    tcase_add_test(lim, limits_truncations);
    tcase_add_test(lim, limits_truncated_lists);
    tcase_add_test(lim, limits_bit_flips);
    tcase_add_test(lim, limits_random_headers);
    suite_add_tcase(s, lim);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}
