/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the message files share: reading and writing one [n] EXPLICIT field
 * of a SEQUENCE.  A field reader insists the field holds exactly one value;
 * the writers wrap whatever the put function wrote. */
#ifndef SSPISHIM_KERBEROS_MSG_UTIL_H
#define SSPISHIM_KERBEROS_MSG_UTIL_H

#include "sspishim/der.h"
#include "sspishim/krb_msg.h"

#define KRB_TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)

/* The [n] field's contents must be one value, read by `read`. */
#define KRB_FIELD(seq, n, read) do { \
        struct bytes_reader f_; \
        KRB_TRY(der_read_field((seq), (n), &f_)); \
        KRB_TRY(read); \
        KRB_TRY(der_end(&f_)); \
    } while (0)

/* [n] around what `put` writes. */
#define KRB_PUT_FIELD(w, n, put) do { \
        size_t m_ = der_begin(w); \
        KRB_TRY(put); \
        KRB_TRY(der_wrap((w), m_, (uint8_t)DER_CONTEXT(n))); \
    } while (0)

/* A SEQUENCE (or [APPLICATION n] SEQUENCE) around what follows. */
static inline int krb_open_seq(struct bytes_reader *r, int app, struct bytes_reader *seq, struct bytes_span *whole)
{
    struct bytes_reader outer;

    if (app < 0)
        return der_expect(r, DER_SEQUENCE, seq, whole);
    KRB_TRY(der_expect(r, (uint8_t)DER_APPLICATION(app), &outer, whole));
    KRB_TRY(der_expect(&outer, DER_SEQUENCE, seq, NULL));
    return der_end(&outer);
}

/* An INTEGER that must have one value (pvno 5, a msg-type). */
static inline int krb_read_const(struct bytes_reader *f, int32_t want)
{
    int32_t v;

    KRB_TRY(der_read_int32(f, &v));
    if (v != want) {
        f->failed = 1;
        return DER_ERR_VALUE;
    }
    return DER_OK;
}

/* An OPTIONAL field this code has no use for: checked as one element
 * and passed over. */
static inline int krb_skip_field(struct bytes_reader *seq, unsigned n)
{
    struct bytes_reader f, v;
    uint8_t tag;

    if (!der_has_field(seq, n))
        return DER_OK;
    KRB_TRY(der_read_field(seq, n, &f));
    KRB_TRY(der_read(&f, &tag, &v, NULL));
    return der_end(&f);
}

static inline int krb_copy_string(struct bytes_span s, char out[KRB_STR_MAX])
{
    if (s.len >= KRB_STR_MAX)
        return DER_ERR_VALUE;
    for (size_t i = 0; i < s.len; i++)
        out[i] = (char)s.p[i];
    out[s.len] = 0;
    return DER_OK;
}

static inline int krb_read_string(struct bytes_reader *r, char out[KRB_STR_MAX])
{
    struct bytes_span s;

    KRB_TRY(der_read_kstring(r, &s));
    if (krb_copy_string(s, out)) {
        r->failed = 1;
        return DER_ERR_VALUE;
    }
    return DER_OK;
}

#endif
