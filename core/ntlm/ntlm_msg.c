/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NEGOTIATE, CHALLENGE and AUTHENTICATE messages (MS-NLMP 2.2.1) and the
 * NTLMv2 response (2.2.2.7-8).
 *
 * Each parser makes two passes with two readers over the same bytes: the
 * fixed header is read in order (its failure means a truncated header), then
 * the payload fields are resolved by offset (their failure means a field
 * points outside the message).  Each reader's sticky flag is checked once. */
#include <string.h>

#include "sspishim/ntlm_msg.h"

static const uint8_t signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

#define NEGOTIATE_HEADER    32
#define CHALLENGE_HEADER    48
#define AUTHENTICATE_HEADER 64
#define VERSION_LEN         8
#define FIELD_MAX           0xffff

const char *ntlm_strerror(int err)
{
    switch (err) {
    case 0: return "success";
    case NTLM_ERR_TRUNCATED: return "truncated";
    case NTLM_ERR_SIGNATURE: return "bad signature";
    case NTLM_ERR_TYPE: return "wrong message type or version";
    case NTLM_ERR_FIELD: return "field outside the message";
    case NTLM_ERR_AVPAIRS: return "malformed AV_PAIR list";
    case NTLM_ERR_NOT_FOUND: return "not found";
    case NTLM_ERR_TOO_LONG: return "field too long";
    case NTLM_ERR_WRITER: return "out of buffer space";
    }
    return "unknown error";
}

/* ---- parsing ------------------------------------------------------------ */

/* Len, MaxLen, BufferOffset.  MaxLen MUST be ignored on receipt. */
struct field {
    uint16_t len;
    uint32_t off;
};

static struct field get_field(struct bytes_reader *r)
{
    struct field f;
    f.len = bytes_get_u16le(r);
    bytes_skip(r, 2);
    f.off = bytes_get_u32le(r);
    return f;
}

/* An empty field's offset means nothing (senders put anything there), so
 * only non-empty fields are checked; they must lie inside the message and
 * past the fixed header. */
static void resolve(struct bytes_reader *msg, const struct field *f, size_t header_end,
                    struct bytes_span *out)
{
    out->p = msg->p;
    out->len = 0;
    if (!f->len)
        return;
    if (f->off < header_end)
        msg->failed = 1;
    else
        bytes_get_span_at(msg, f->off, f->len, out);
}

static void get_version(struct bytes_reader *r, struct ntlm_version *v)
{
    v->major = bytes_get_u8(r);
    v->minor = bytes_get_u8(r);
    v->build = bytes_get_u16le(r);
    bytes_skip(r, 3);
    v->revision = bytes_get_u8(r);
}

/* Signature and MessageType: the type, or a negative error. */
static int get_preamble(struct bytes_reader *r)
{
    uint8_t sig[sizeof(signature)];
    uint32_t type;

    bytes_get(r, sig, sizeof(sig));
    type = bytes_get_u32le(r);
    if (r->failed)
        return NTLM_ERR_TRUNCATED;
    if (memcmp(sig, signature, sizeof(sig)))
        return NTLM_ERR_SIGNATURE;
    if (type < NTLM_MSG_NEGOTIATE || type > NTLM_MSG_AUTHENTICATE)
        return NTLM_ERR_TYPE;
    return (int)type;
}

static int expect_type(struct bytes_reader *r, int want)
{
    int type = get_preamble(r);
    if (type < 0)
        return type;
    return type == want ? 0 : NTLM_ERR_TYPE;
}

int ntlm_message_type(const void *msg, size_t len)
{
    struct bytes_reader r;
    bytes_reader_init(&r, msg, len);
    return get_preamble(&r);
}

int ntlm_parse_negotiate(const void *msg, size_t len, struct ntlm_negotiate *out)
{
    struct bytes_reader r, body;
    struct field domain, workstation;
    size_t header_end = NEGOTIATE_HEADER;
    int err;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, msg, len);
    if ((err = expect_type(&r, NTLM_MSG_NEGOTIATE)))
        goto fail;
    out->flags = bytes_get_u32le(&r);
    domain = get_field(&r);
    workstation = get_field(&r);
    if (out->flags & NTLM_NEGOTIATE_VERSION) {
        get_version(&r, &out->version);
        header_end += VERSION_LEN;
    }
    err = NTLM_ERR_TRUNCATED;
    if (r.failed)
        goto fail;

    bytes_reader_init(&body, msg, len);
    resolve(&body, &domain, header_end, &out->domain);
    resolve(&body, &workstation, header_end, &out->workstation);
    err = NTLM_ERR_FIELD;
    if (body.failed)
        goto fail;
    return 0;
fail:
    memset(out, 0, sizeof(*out));
    return err;
}

int ntlm_parse_challenge(const void *msg, size_t len, struct ntlm_challenge *out)
{
    struct bytes_reader r, body;
    struct field target_name, target_info;
    size_t header_end = CHALLENGE_HEADER;
    int err;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, msg, len);
    if ((err = expect_type(&r, NTLM_MSG_CHALLENGE)))
        goto fail;
    target_name = get_field(&r);
    out->flags = bytes_get_u32le(&r);
    bytes_get(&r, out->server_challenge, sizeof(out->server_challenge));
    bytes_skip(&r, 8);                  /* Reserved */
    target_info = get_field(&r);
    if (out->flags & NTLM_NEGOTIATE_VERSION) {
        get_version(&r, &out->version);
        header_end += VERSION_LEN;
    }
    err = NTLM_ERR_TRUNCATED;
    if (r.failed)
        goto fail;

    bytes_reader_init(&body, msg, len);
    resolve(&body, &target_name, header_end, &out->target_name);
    resolve(&body, &target_info, header_end, &out->target_info);
    err = NTLM_ERR_FIELD;
    if (body.failed)
        goto fail;
    /* The client copies this list into its response, so it is checked here,
     * once, rather than by every user. */
    if (out->target_info.len && (err = ntlm_av_validate(out->target_info)))
        goto fail;
    return 0;
fail:
    memset(out, 0, sizeof(*out));
    return err;
}

int ntlm_parse_authenticate(const void *msg, size_t len, struct ntlm_authenticate *out)
{
    struct bytes_reader r, body;
    struct field f[6];
    struct bytes_span *spans[6] = { &out->lm_response, &out->nt_response, &out->domain,
                                    &out->user, &out->workstation, &out->session_key };
    size_t header_end = AUTHENTICATE_HEADER, first = len;
    int err;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, msg, len);
    if ((err = expect_type(&r, NTLM_MSG_AUTHENTICATE)))
        goto fail;
    for (int i = 0; i < 6; i++)
        f[i] = get_field(&r);
    out->flags = bytes_get_u32le(&r);
    if (out->flags & NTLM_NEGOTIATE_VERSION) {
        get_version(&r, &out->version);
        header_end += VERSION_LEN;
    }
    err = NTLM_ERR_TRUNCATED;
    if (r.failed)
        goto fail;

    bytes_reader_init(&body, msg, len);
    for (int i = 0; i < 6; i++) {
        resolve(&body, &f[i], header_end, spans[i]);
        if (f[i].len && f[i].off < first)
            first = f[i].off;
    }
    err = NTLM_ERR_FIELD;
    if (body.failed)
        goto fail;
    /* The header says nothing about the MIC; older clients start the
     * payload right after Version (or NegotiateFlags). */
    if (len >= NTLM_MIC_OFFSET + NTLM_MIC_LEN && first >= NTLM_MIC_OFFSET + NTLM_MIC_LEN)
        out->mic_offset = NTLM_MIC_OFFSET;
    return 0;
fail:
    memset(out, 0, sizeof(*out));
    return err;
}

/* ---- building ----------------------------------------------------------- */

static void put_preamble(struct bytes_writer *w, uint32_t type)
{
    bytes_put(w, signature, sizeof(signature));
    bytes_put_u32le(w, type);
}

static void put_version(struct bytes_writer *w, const struct ntlm_version *v)
{
    bytes_put_u8(w, v->major);
    bytes_put_u8(w, v->minor);
    bytes_put_u16le(w, v->build);
    bytes_put_zeros(w, 3);
    bytes_put_u8(w, v->revision);
}

/* Appends a field's bytes and fills in its descriptor reserved at slot.  An
 * empty field points at where it would have been, as Windows does. */
static void put_payload(struct bytes_writer *w, size_t base, size_t slot, struct bytes_span s)
{
    uint32_t off = (uint32_t)(w->len - base);

    bytes_put(w, s.p, s.len);
    bytes_patch_u16le(w, slot, (uint16_t)s.len);
    bytes_patch_u16le(w, slot + 2, (uint16_t)s.len);
    bytes_patch_u32le(w, slot + 4, off);
}

static int too_long(const struct bytes_span *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i].len > FIELD_MAX)
            return 1;
    return 0;
}

int ntlm_build_negotiate(struct bytes_writer *w, const struct ntlm_negotiate *m)
{
    struct bytes_span s[2] = { m->domain, m->workstation };
    size_t base = w->len, slot[2];

    if (too_long(s, 2))
        return NTLM_ERR_TOO_LONG;
    put_preamble(w, NTLM_MSG_NEGOTIATE);
    bytes_put_u32le(w, m->flags);
    for (int i = 0; i < 2; i++)
        slot[i] = bytes_reserve(w, 8);
    if (m->flags & NTLM_NEGOTIATE_VERSION)
        put_version(w, &m->version);
    for (int i = 0; i < 2; i++)
        put_payload(w, base, slot[i], s[i]);
    return w->failed ? NTLM_ERR_WRITER : 0;
}

int ntlm_build_challenge(struct bytes_writer *w, const struct ntlm_challenge *m)
{
    struct bytes_span s[2] = { m->target_name, m->target_info };
    size_t base = w->len, slot[2];

    if (too_long(s, 2))
        return NTLM_ERR_TOO_LONG;
    put_preamble(w, NTLM_MSG_CHALLENGE);
    slot[0] = bytes_reserve(w, 8);
    bytes_put_u32le(w, m->flags);
    bytes_put(w, m->server_challenge, sizeof(m->server_challenge));
    bytes_put_zeros(w, 8);              /* Reserved */
    slot[1] = bytes_reserve(w, 8);
    if (m->flags & NTLM_NEGOTIATE_VERSION)
        put_version(w, &m->version);
    for (int i = 0; i < 2; i++)
        put_payload(w, base, slot[i], s[i]);
    return w->failed ? NTLM_ERR_WRITER : 0;
}

int ntlm_build_authenticate(struct bytes_writer *w, const struct ntlm_authenticate *m,
                            size_t *mic_pos)
{
    /* Descriptor order is fixed by the header; payload order follows
     * Windows: domain, user, workstation, LM, NT, session key. */
    struct bytes_span s[6] = { m->lm_response, m->nt_response, m->domain,
                               m->user, m->workstation, m->session_key };
    static const int payload_order[6] = { 2, 3, 4, 0, 1, 5 };
    size_t base = w->len, slot[6], mic;

    if (too_long(s, 6))
        return NTLM_ERR_TOO_LONG;
    put_preamble(w, NTLM_MSG_AUTHENTICATE);
    for (int i = 0; i < 6; i++)
        slot[i] = bytes_reserve(w, 8);
    bytes_put_u32le(w, m->flags);
    if (m->flags & NTLM_NEGOTIATE_VERSION)
        put_version(w, &m->version);
    else
        bytes_put_zeros(w, VERSION_LEN);
    mic = bytes_reserve(w, NTLM_MIC_LEN);
    for (int i = 0; i < 6; i++)
        put_payload(w, base, slot[payload_order[i]], s[payload_order[i]]);
    if (w->failed)
        return NTLM_ERR_WRITER;
    if (mic_pos)
        *mic_pos = mic;
    return 0;
}

/* ---- NTLMv2 response ---------------------------------------------------- */

int ntlm_parse_v2_response(struct bytes_span nt, struct ntlm_v2_response *out)
{
    struct bytes_reader r;
    uint8_t resp_type;
    int err;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, nt.p, nt.len);
    bytes_get_span(&r, NTLM_V2_PROOF_LEN, &out->proof);
    bytes_get_span_at(&r, NTLM_V2_PROOF_LEN, bytes_remaining(&r), &out->blob);
    resp_type = bytes_get_u8(&r);
    bytes_skip(&r, 1 + 2 + 4);          /* HiRespType, Reserved1, Reserved2 */
    out->timestamp = bytes_get_u64le(&r);
    bytes_get(&r, out->client_challenge, sizeof(out->client_challenge));
    bytes_skip(&r, 4);                  /* Reserved3 */
    bytes_get_span(&r, bytes_remaining(&r), &out->av_pairs);
    err = NTLM_ERR_TRUNCATED;
    if (r.failed)
        goto fail;
    /* RespType fixes the layout; HiRespType only advertises what the client
     * could do, so it is not checked. */
    err = NTLM_ERR_TYPE;
    if (resp_type != 1)
        goto fail;
    if ((err = ntlm_av_validate(out->av_pairs)))
        goto fail;
    return 0;
fail:
    memset(out, 0, sizeof(*out));
    return err;
}

int ntlm_build_v2_blob(struct bytes_writer *w, uint64_t filetime,
                       const uint8_t client_challenge[8], struct bytes_span av_pairs)
{
    int err;

    if ((err = ntlm_av_validate(av_pairs)))
        return err;
    bytes_put_u8(w, 1);                 /* RespType */
    bytes_put_u8(w, 1);                 /* HiRespType */
    bytes_put_zeros(w, 2 + 4);
    bytes_put_u64le(w, filetime);
    bytes_put(w, client_challenge, 8);
    bytes_put_zeros(w, 4);
    bytes_put(w, av_pairs.p, av_pairs.len);
    bytes_put_zeros(w, 4);
    return w->failed ? NTLM_ERR_WRITER : 0;
}
