/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPNEGO tokens (spnego_decode) and the DER reader under them.  Every
 * element of the input is walked with der_read, and OIDs, ENUMERATEDs and
 * OCTET STRINGs read where they could be.  A token that decodes must
 * re-encode to one that decodes to the same fields, and re-encoding that
 * gives the same bytes again. */
#include "fuzz.h"
#include "sspishim/der.h"
#include "sspishim/spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(struct bytes_span s, const uint8_t *data, size_t size)
{
    return !s.len || (s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len);
}

static bool same(struct bytes_span a, struct bytes_span b)
{
    return a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len));
}

/* Every TLV, recursively (constructed ones), depth-limited. */
static void walk(struct bytes_reader *r, int depth)
{
    while (bytes_remaining(r) && depth < 16) {
        struct bytes_reader content, probe;
        struct bytes_span whole, v;
        uint8_t tag;
        uint32_t e;
        char text[128];

        probe = *r;
        der_peek_tag(r);
        if (der_read(r, &tag, &content, &whole))
            return;
        FZ_ASSERT(whole.len >= 2 && whole.len - der_header_size(content.len) == content.len);
        switch (tag) {
        case DER_OID:
            if (der_read_oid(&probe, &v) == DER_OK) {
                FZ_ASSERT(der_oid_valid(v) && v.len == content.len);
                der_oid_text(v, text, sizeof(text));
            }
            break;
        case DER_ENUMERATED:
            der_read_enumerated(&probe, &e);
            break;
        case DER_OCTET_STRING:
            if (der_read_octets(&probe, &v) == DER_OK)
                FZ_ASSERT(v.len == content.len);
            break;
        }
        if (tag & DER_CONSTRUCTED)
            walk(&content, depth + 1);
        else
            der_end(&content);
    }
}

/* Encodes t again; true when it could be. */
static bool encode(const struct spnego_token *t, struct bytes_writer *w)
{
    if (t->kind == SPNEGO_INIT)
        return spnego_encode_init(w, t->mech_types, t->has_token ? &t->token : NULL, t->has_mic ? &t->mic : NULL) ==
               SPNEGO_OK;
    return spnego_encode_resp(w, t->neg_state, t->supported_mech.len ? &t->supported_mech : NULL,
                              t->has_token ? &t->token : NULL, t->has_mic ? &t->mic : NULL) == SPNEGO_OK;
}

static void same_fields(const struct spnego_token *a, const struct spnego_token *b)
{
    FZ_ASSERT(a->kind == b->kind && a->n_mechs == b->n_mechs && a->has_token == b->has_token &&
              a->has_mic == b->has_mic);
    for (size_t i = 0; i < a->n_mechs; i++)
        FZ_ASSERT(same(a->mechs[i], b->mechs[i]));
    FZ_ASSERT(!a->has_token || same(a->token, b->token));
    FZ_ASSERT(!a->has_mic || same(a->mic, b->mic));
    if (a->kind == SPNEGO_RESP)
        FZ_ASSERT(a->neg_state == b->neg_state && same(a->supported_mech, b->supported_mech));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spnego_token t, again, third;
    struct bytes_reader r;
    struct bytes_writer w1, w2;
    struct bytes_span e1, e2;

    bytes_reader_init(&r, data, size);
    walk(&r, 0);
    spnego_is_ntlmssp(data, size);
    if (spnego_decode(data, size, &t) != SPNEGO_OK)
        return 0;
    FZ_ASSERT(t.kind == SPNEGO_INIT || t.kind == SPNEGO_RESP);
    FZ_ASSERT(t.n_mechs <= SPNEGO_MAX_MECHS);
    FZ_ASSERT(inside(t.mech_types, data, size) && inside(t.token, data, size) && inside(t.mic, data, size) &&
              inside(t.supported_mech, data, size));
    for (size_t i = 0; i < t.n_mechs; i++)
        FZ_ASSERT(inside(t.mechs[i], data, size) && der_oid_valid(t.mechs[i]));
    FZ_ASSERT(t.kind == SPNEGO_INIT ? t.n_mechs > 0
                                    : t.neg_state == SPNEGO_STATE_ABSENT || (t.neg_state >= 0 && t.neg_state <= 3));

    bytes_writer_init_heap(&w1, 1u << 24);
    bytes_writer_init_heap(&w2, 1u << 24);
    FZ_ASSERT(encode(&t, &w1));
    e1 = bytes_writer_span(&w1);
    FZ_ASSERT(spnego_decode(e1.p, e1.len, &again) == SPNEGO_OK);
    same_fields(&t, &again);
    FZ_ASSERT(encode(&again, &w2));
    e2 = bytes_writer_span(&w2);
    FZ_ASSERT(e1.len == e2.len && !memcmp(e1.p, e2.p, e1.len));
    FZ_ASSERT(spnego_decode(e2.p, e2.len, &third) == SPNEGO_OK);
    same_fields(&t, &third);
    bytes_writer_free(&w1);
    bytes_writer_free(&w2);
    return 0;
}
