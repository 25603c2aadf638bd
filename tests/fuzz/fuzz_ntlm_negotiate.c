/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NEGOTIATE_MESSAGE: the parser, its fields' text, and a rebuild that must
 * parse back to the same message. */
#include "fuzz.h"
#include "../../core/ntlm/ntlm_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parsed field is a view into the input. */
static bool inside(struct bytes_span s, const uint8_t *data, size_t size)
{
    return !s.len || (s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len);
}

static bool same(struct bytes_span a, struct bytes_span b)
{
    return a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ntlm_negotiate m, again;
    struct ntlm_name name = { 0 };
    struct bytes_writer w;
    struct bytes_span built;
    int type = ntlm_message_type(data, size);

    if (ntlm_parse_negotiate(data, size, &m)) {
        FZ_ASSERT(m.flags == 0 && m.domain.len == 0 && m.workstation.len == 0);
        return 0;
    }
    FZ_ASSERT(type == NTLM_MSG_NEGOTIATE);
    FZ_ASSERT(inside(m.domain, data, size) && inside(m.workstation, data, size));
    ntlm_name_from_wire(&name, m.domain, false);
    ntlm_name_from_wire(&name, m.workstation, false);
    ntlm_name_clear(&name);

    bytes_writer_init_heap(&w, 1u << 20);
    FZ_ASSERT(ntlm_build_negotiate(&w, &m) == 0);
    built = bytes_writer_span(&w);
    FZ_ASSERT(ntlm_parse_negotiate(built.p, built.len, &again) == 0);
    FZ_ASSERT(again.flags == m.flags && same(again.domain, m.domain) && same(again.workstation, m.workstation));
    FZ_ASSERT(!memcmp(&again.version, &m.version, sizeof(m.version)));
    bytes_writer_free(&w);
    return 0;
}
