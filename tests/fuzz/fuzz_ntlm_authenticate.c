/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AUTHENTICATE_MESSAGE: the parser, the NTLMv2 response inside it, the
 * text of its names, and a rebuild that must parse back to the same
 * message. */
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

static void names(const struct ntlm_authenticate *m)
{
    bool unicode = (m->flags & NTLM_NEGOTIATE_UNICODE) != 0;
    struct ntlm_name name = { 0 };

    ntlm_name_from_wire(&name, m->user, unicode);
    ntlm_name_from_wire(&name, m->domain, unicode);
    ntlm_name_from_wire(&name, m->workstation, unicode);
    ntlm_name_clear(&name);
}

static void v2_response(struct bytes_span nt)
{
    struct ntlm_v2_response r;
    uint32_t flags;
    uint64_t stamp;

    if (nt.len <= NTLM_LMV2_SIZE || ntlm_parse_v2_response(nt, &r))
        return;
    FZ_ASSERT(r.proof.len == NTLM_V2_PROOF_LEN && r.blob.len == nt.len - NTLM_V2_PROOF_LEN);
    FZ_ASSERT(ntlm_av_validate(r.av_pairs) == 0);
    ntlm_av_get_flags(r.av_pairs, &flags);
    ntlm_av_get_timestamp(r.av_pairs, &stamp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ntlm_authenticate m, again;
    struct bytes_writer w;
    struct bytes_span built;
    size_t mic_pos = 0;

    if (ntlm_parse_authenticate(data, size, &m)) {
        FZ_ASSERT(m.flags == 0 && m.nt_response.len == 0 && m.mic_offset == 0);
        return 0;
    }
    FZ_ASSERT(ntlm_message_type(data, size) == NTLM_MSG_AUTHENTICATE);
    FZ_ASSERT(inside(m.lm_response, data, size) && inside(m.nt_response, data, size) &&
              inside(m.domain, data, size) && inside(m.user, data, size) &&
              inside(m.workstation, data, size) && inside(m.session_key, data, size));
    FZ_ASSERT(!m.mic_offset || (m.mic_offset == NTLM_MIC_OFFSET && size >= NTLM_MIC_OFFSET + NTLM_MIC_LEN));
    names(&m);
    v2_response(m.nt_response);

    bytes_writer_init_heap(&w, 1u << 20);
    FZ_ASSERT(ntlm_build_authenticate(&w, &m, &mic_pos) == 0);
    FZ_ASSERT(mic_pos == NTLM_MIC_OFFSET);
    built = bytes_writer_span(&w);
    FZ_ASSERT(ntlm_parse_authenticate(built.p, built.len, &again) == 0);
    FZ_ASSERT(again.flags == m.flags && same(again.lm_response, m.lm_response) &&
              same(again.nt_response, m.nt_response) && same(again.domain, m.domain) &&
              same(again.user, m.user) && same(again.workstation, m.workstation) &&
              same(again.session_key, m.session_key) && again.mic_offset == NTLM_MIC_OFFSET);
    FZ_ASSERT(!(m.flags & NTLM_NEGOTIATE_VERSION) || !memcmp(&again.version, &m.version, sizeof(m.version)));
    bytes_writer_free(&w);
    return 0;
}
