/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* NegTokenInit / NegTokenResp, read and written with the DER codec.
 *
 * Reading is strict where RFC 4178 and DER leave no room: the fields of a
 * SEQUENCE come in ascending tag order, each at most once; mechTypes is
 * present and not empty in a NegTokenInit; negState is 0..3; nothing
 * follows the token.  Unknown extension fields are refused as well: no
 * peer sends any, and accepting them would only widen what the parser
 * must get right.  reqFlags is checked as a BIT STRING and ignored, as
 * RFC 4178 asks (it is not covered by the MIC).  The NegTokenInit2 form
 * Windows servers send ([3] negHints, [4] mechListMIC) is read too, its
 * hints ignored. */
#include <string.h>

#include "sspishim/der.h"
#include "sspishim/spnego.h"

const uint8_t spnego_oid_spnego[SPNEGO_OID_SPNEGO_LEN] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
const uint8_t spnego_oid_ntlm[SPNEGO_OID_NTLM_LEN] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };
const uint8_t spnego_oid_krb5[SPNEGO_OID_KRB5_LEN] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
const uint8_t spnego_oid_mskrb5[SPNEGO_OID_KRB5_LEN] = { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02 };

static const uint8_t ntlmssp_signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

const char *spnego_strerror(int rc)
{
    switch (rc) {
    case SPNEGO_OK: return "ok";
    case SPNEGO_ERR_DER: return "not well-formed DER";
    case SPNEGO_ERR_NOT_SPNEGO: return "a token of another mechanism";
    case SPNEGO_ERR_STRUCTURE: return "not a NegotiationToken";
    case SPNEGO_ERR_TOO_MANY: return "too many mechanisms";
    case SPNEGO_ERR_WRITER: return "out of memory";
    }
    return "unknown error";
}

bool spnego_is_ntlmssp(const void *data, size_t len)
{
    return data && len >= sizeof(ntlmssp_signature) && !memcmp(data, ntlmssp_signature, sizeof(ntlmssp_signature));
}

/* DER errors in general are SPNEGO_ERR_DER; a wrong tag where a field must
 * be is a structure error. */
static int der_status(int rc)
{
    return rc == DER_OK ? SPNEGO_OK : rc == DER_ERR_TAG ? SPNEGO_ERR_STRUCTURE : SPNEGO_ERR_DER;
}

/* The fields of a SEQUENCE, in order: each call returns the next field's
 * context tag number (its contents in *field), or -1 at the end. */
struct fields {
    struct bytes_reader r;
    int last;
    int rc;
};

static int next_field(struct fields *f, struct bytes_reader *field)
{
    uint8_t tag = 0;
    int rc;

    if (!bytes_remaining(&f->r) && !f->r.failed)
        return -1;
    if ((rc = der_read(&f->r, &tag, field, NULL))) {
        f->rc = der_status(rc);
        return -1;
    }
    if ((tag & 0xe0) != 0xa0 || (int)(tag & 0x1f) <= f->last) {
        f->rc = SPNEGO_ERR_STRUCTURE;
        return -1;
    }
    f->last = tag & 0x1f;
    return f->last;
}

/* A field holding exactly one element of the given kind. */
static int one_octets(struct bytes_reader *field, struct bytes_span *out)
{
    int rc = der_read_octets(field, out);
    return rc ? der_status(rc) : der_status(der_end(field));
}

static int read_mech_types(struct bytes_reader *field, struct spnego_token *t)
{
    struct bytes_reader list;
    int rc = der_expect(field, DER_SEQUENCE, &list, &t->mech_types);

    if (rc || (rc = der_end(field)))
        return der_status(rc);
    while (bytes_remaining(&list)) {
        struct bytes_span oid;
        if ((rc = der_read_oid(&list, &oid)))
            return der_status(rc);
        if (t->n_mechs == SPNEGO_MAX_MECHS)
            return SPNEGO_ERR_TOO_MANY;
        t->mechs[t->n_mechs++] = oid;
    }
    if (list.failed)
        return SPNEGO_ERR_DER;
    return t->n_mechs ? SPNEGO_OK : SPNEGO_ERR_STRUCTURE;
}

static int read_init(struct bytes_reader *seq, struct spnego_token *t)
{
    struct fields f = { *seq, -1, SPNEGO_OK };
    struct bytes_reader field, inner;
    bool have_types = false;
    int n, rc = SPNEGO_OK;

    while (!rc && (n = next_field(&f, &field)) >= 0) {
        switch (n) {
        case 0:
            rc = read_mech_types(&field, t);
            have_types = true;
            break;
        case 1: {   /* reqFlags: a BIT STRING with at least its unused-bits count */
            struct bytes_reader bits;
            if ((rc = der_status(der_expect(&field, DER_BIT_STRING, &bits, NULL))) == SPNEGO_OK)
                rc = !bits.len || bits.p[0] > 7 || (bits.len == 1 && bits.p[0]) ? SPNEGO_ERR_DER
                                                                              : der_status(der_end(&field));
            break;
        }
        case 2:
            rc = one_octets(&field, &t->token);
            t->has_token = true;
            break;
        case 3:
            /* mechListMIC in NegTokenInit, negHints in NegTokenInit2. */
            if (der_peek_tag(&field) == DER_SEQUENCE) {
                rc = der_status(der_expect(&field, DER_SEQUENCE, &inner, NULL));
                if (!rc)
                    rc = der_status(der_end(&field));
            } else {
                rc = one_octets(&field, &t->mic);
                t->has_mic = true;
            }
            break;
        case 4:
            if (t->has_mic)     /* [4] only follows negHints */
                return SPNEGO_ERR_STRUCTURE;
            rc = one_octets(&field, &t->mic);
            t->has_mic = true;
            break;
        default:
            return SPNEGO_ERR_STRUCTURE;
        }
    }
    if (rc || (rc = f.rc))
        return rc;
    return have_types ? SPNEGO_OK : SPNEGO_ERR_STRUCTURE;
}

static int read_resp(struct bytes_reader *seq, struct spnego_token *t)
{
    struct fields f = { *seq, -1, SPNEGO_OK };
    struct bytes_reader field;
    uint32_t state;
    int n, rc = SPNEGO_OK;

    while (!rc && (n = next_field(&f, &field)) >= 0) {
        switch (n) {
        case 0:
            if ((rc = der_status(der_read_enumerated(&field, &state))) || (rc = der_status(der_end(&field))))
                break;
            if (state > SPNEGO_REQUEST_MIC)
                return SPNEGO_ERR_STRUCTURE;
            t->neg_state = (int)state;
            break;
        case 1:
            if (!(rc = der_status(der_read_oid(&field, &t->supported_mech))))
                rc = der_status(der_end(&field));
            break;
        case 2:
            rc = one_octets(&field, &t->token);
            t->has_token = true;
            break;
        case 3:
            rc = one_octets(&field, &t->mic);
            t->has_mic = true;
            break;
        default:
            return SPNEGO_ERR_STRUCTURE;
        }
    }
    return rc ? rc : f.rc;
}

int spnego_decode(const void *data, size_t len, struct spnego_token *t)
{
    struct bytes_reader r, body, choice, seq;
    struct bytes_span oid;
    uint8_t tag = 0;
    int rc;

    memset(t, 0, sizeof(*t));
    t->neg_state = SPNEGO_STATE_ABSENT;
    bytes_reader_init(&r, data, data ? len : 0);
    if (der_peek_tag(&r) == DER_APPLICATION(0)) {
        if ((rc = der_expect(&r, DER_APPLICATION(0), &body, NULL)) || (rc = der_end(&r)))
            return der_status(rc);
        if ((rc = der_read_oid(&body, &oid)))
            return der_status(rc);
        if (!der_oid_equal(oid, spnego_oid_spnego, sizeof(spnego_oid_spnego)))
            return SPNEGO_ERR_NOT_SPNEGO;
        t->framed = true;
    } else {
        body = r;
    }
    if ((rc = der_read(&body, &tag, &choice, NULL)))
        return der_status(rc);
    if ((rc = der_end(&body)))
        return der_status(rc);
    if (tag != DER_CONTEXT(0) && tag != DER_CONTEXT(1))
        return SPNEGO_ERR_STRUCTURE;
    if ((rc = der_expect(&choice, DER_SEQUENCE, &seq, NULL)) || (rc = der_end(&choice)))
        return der_status(rc);
    if (tag == DER_CONTEXT(0)) {
        t->kind = SPNEGO_INIT;
        rc = read_init(&seq, t);
    } else {
        /* Only the first token of a context is framed. */
        if (t->framed)
            return SPNEGO_ERR_STRUCTURE;
        t->kind = SPNEGO_RESP;
        rc = read_resp(&seq, t);
    }
    if (rc) {
        enum spnego_kind kind = t->kind;
        memset(t, 0, sizeof(*t));
        t->kind = kind;
        t->neg_state = SPNEGO_STATE_ABSENT;
    }
    return rc;
}

/* ---- encoding ----------------------------------------------------------------- */

/* Each constructed element is written into a scratch writer first, so its
 * length is known when its header is written.  Tokens are a few kilobytes,
 * so the copies cost nothing worth avoiding. */
#define SCRATCH_LIMIT (DER_MAX_LENGTH)

static int wrap(struct bytes_writer *w, uint8_t tag, struct bytes_writer *inner)
{
    struct bytes_span s = bytes_writer_span(inner);
    int rc = inner->failed ? DER_ERR_WRITER : der_put(w, tag, s.p, s.len);

    /* A failure anywhere inside fails the whole token. */
    if (rc)
        w->failed = 1;
    bytes_writer_free(inner);
    return rc;
}

/* [n] { OCTET STRING value } */
static int put_octets_field(struct bytes_writer *w, int n, const struct bytes_span *v)
{
    struct bytes_writer f;

    bytes_writer_init_heap(&f, SCRATCH_LIMIT);
    der_put(&f, DER_OCTET_STRING, v->p, v->len);
    return wrap(w, (uint8_t)DER_CONTEXT(n), &f);
}

int spnego_encode_mech_types(struct bytes_writer *w, const struct bytes_span *mechs, size_t n)
{
    struct bytes_writer list;

    bytes_writer_init_heap(&list, SCRATCH_LIMIT);
    for (size_t i = 0; i < n; i++)
        der_put(&list, DER_OID, mechs[i].p, mechs[i].len);
    return wrap(w, DER_SEQUENCE, &list) ? SPNEGO_ERR_WRITER : SPNEGO_OK;
}

int spnego_encode_init(struct bytes_writer *w, struct bytes_span mech_types, const struct bytes_span *token,
                       const struct bytes_span *mic)
{
    struct bytes_writer seq, choice, app;

    bytes_writer_init_heap(&seq, SCRATCH_LIMIT);
    der_put(&seq, DER_CONTEXT(0), mech_types.p, mech_types.len);
    if (token)
        put_octets_field(&seq, 2, token);
    if (mic)
        put_octets_field(&seq, 3, mic);
    bytes_writer_init_heap(&choice, SCRATCH_LIMIT);
    wrap(&choice, DER_SEQUENCE, &seq);
    bytes_writer_init_heap(&app, SCRATCH_LIMIT);
    der_put(&app, DER_OID, spnego_oid_spnego, sizeof(spnego_oid_spnego));
    wrap(&app, DER_CONTEXT(0), &choice);
    return wrap(w, DER_APPLICATION(0), &app) ? SPNEGO_ERR_WRITER : SPNEGO_OK;
}

int spnego_encode_resp(struct bytes_writer *w, int neg_state, const struct bytes_span *supported_mech,
                       const struct bytes_span *token, const struct bytes_span *mic)
{
    struct bytes_writer seq, f;

    bytes_writer_init_heap(&seq, SCRATCH_LIMIT);
    if (neg_state != SPNEGO_STATE_ABSENT) {
        bytes_writer_init_heap(&f, SCRATCH_LIMIT);
        der_put_enumerated(&f, (uint32_t)neg_state);
        wrap(&seq, DER_CONTEXT(0), &f);
    }
    if (supported_mech) {
        bytes_writer_init_heap(&f, SCRATCH_LIMIT);
        der_put(&f, DER_OID, supported_mech->p, supported_mech->len);
        wrap(&seq, DER_CONTEXT(1), &f);
    }
    if (token)
        put_octets_field(&seq, 2, token);
    if (mic)
        put_octets_field(&seq, 3, mic);
    struct bytes_writer choice;
    bytes_writer_init_heap(&choice, SCRATCH_LIMIT);
    wrap(&choice, DER_SEQUENCE, &seq);
    return wrap(w, DER_CONTEXT(1), &choice) ? SPNEGO_ERR_WRITER : SPNEGO_OK;
}
