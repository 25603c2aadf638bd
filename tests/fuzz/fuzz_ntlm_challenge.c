/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* CHALLENGE_MESSAGE: the parser, the AV_PAIR functions the client applies
 * to its TargetInfo, the text of its names, and a rebuild that must parse
 * back to the same message. */
#include "fuzz.h"
#include "../../core/ntlm/ntlm_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(struct bytes_span s, const uint8_t *data, size_t size)
{
    return !s.len || (s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len);
}

static bool same(struct bytes_span a, struct bytes_span b)
{
    return a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len));
}

/* What the client does with the server's list (MS-NLMP 3.1.5.1.2). */
static void client_info(struct bytes_span info)
{
    static const uint8_t bindings[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    static const uint8_t spn[] = { 'H', 0, 'T', 0, 'T', 0, 'P', 0, '/', 0, 'x', 0 };
    struct bytes_writer w;
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    struct bytes_span out, v;
    uint64_t now = fz_time;
    uint32_t flags = 0;

    bytes_writer_init_heap(&w, 1u << 20);
    if (!ntlm_av_client_info(&w, info, NTLM_AV_FLAG_MIC, &now, (struct bytes_span){ bindings, sizeof(bindings) },
                             (struct bytes_span){ spn, sizeof(spn) })) {
        out = bytes_writer_span(&w);
        FZ_ASSERT(ntlm_av_validate(out) == 0);
        FZ_ASSERT(ntlm_av_get_flags(out, &flags) == 0 && (flags & NTLM_AV_FLAG_MIC));
        FZ_ASSERT(ntlm_av_find(out, NTLM_AV_TARGET_NAME, &v) == 0 && same(v, (struct bytes_span){ spn, sizeof(spn) }));
    }
    bytes_writer_free(&w);

    ntlm_av_iter_init(&it, info);
    while (ntlm_av_next(&it, &pair) > 0) {
        struct ntlm_name name = { 0 };
        ntlm_name_from_wire(&name, pair.value, true);
        ntlm_name_clear(&name);
    }
    ntlm_av_get_timestamp(info, &now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ntlm_challenge m, again;
    struct ntlm_name name = { 0 };
    struct bytes_writer w;
    struct bytes_span built;

    if (ntlm_parse_challenge(data, size, &m)) {
        FZ_ASSERT(m.flags == 0 && m.target_name.len == 0 && m.target_info.len == 0);
        return 0;
    }
    FZ_ASSERT(ntlm_message_type(data, size) == NTLM_MSG_CHALLENGE);
    FZ_ASSERT(inside(m.target_name, data, size) && inside(m.target_info, data, size));
    FZ_ASSERT(!m.target_info.len || ntlm_av_validate(m.target_info) == 0);
    ntlm_name_from_wire(&name, m.target_name, (m.flags & NTLM_NEGOTIATE_UNICODE) != 0);
    ntlm_name_clear(&name);
    client_info(m.target_info);

    bytes_writer_init_heap(&w, 1u << 20);
    FZ_ASSERT(ntlm_build_challenge(&w, &m) == 0);
    built = bytes_writer_span(&w);
    FZ_ASSERT(ntlm_parse_challenge(built.p, built.len, &again) == 0);
    FZ_ASSERT(again.flags == m.flags && same(again.target_name, m.target_name) &&
              same(again.target_info, m.target_info));
    FZ_ASSERT(!memcmp(again.server_challenge, m.server_challenge, sizeof(m.server_challenge)));
    FZ_ASSERT(!memcmp(&again.version, &m.version, sizeof(m.version)));
    bytes_writer_free(&w);
    return 0;
}
