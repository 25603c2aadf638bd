/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* DER (ITU-T X.690) as SPNEGO needs it: one-byte tags, definite lengths in
 * their shortest form, OIDs, small ENUMERATEDs.  Reading goes through the
 * bytes reader (bytes.h), so every length is checked against what is
 * really there before anything is touched; writing goes through the bytes
 * writer.
 *
 * What the reader refuses (each a DER_ERR_*, never a crash):
 * - a tag in the high-tag-number form (low five bits all set);
 * - the indefinite length (0x80), a long form of more than 4 length bytes,
 *   or one that is not the shortest (0x81 0x05, 0x82 0x00 0x90): DER allows
 *   one encoding only, and peers that matter (Windows, MIT, Heimdal) send it;
 * - a length beyond DER_MAX_LENGTH or beyond the bytes that follow;
 * - an OID that is empty, ends inside a sub-identifier or pads one with a
 *   leading 0x80 byte; an ENUMERATED that is empty, negative, padded or
 *   above 2^31 - 1.
 *
 * Functions returning int give DER_OK (0) or a negative DER_ERR_*. */
#ifndef SSPISHIM_DER_H
#define SSPISHIM_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/bytes.h"

#define DER_BOOLEAN         0x01
#define DER_INTEGER         0x02
#define DER_BIT_STRING      0x03
#define DER_OCTET_STRING    0x04
#define DER_NULL            0x05
#define DER_OID             0x06
#define DER_ENUMERATED      0x0a
#define DER_GENERAL_STRING  0x1b
#define DER_SEQUENCE        0x30
#define DER_CONSTRUCTED     0x20
#define DER_CONTEXT(n)      (0xa0 | (n))   /* [n], constructed (EXPLICIT) */
#define DER_APPLICATION(n)  (0x60 | (n))   /* [APPLICATION n], constructed */

/* No SPNEGO token comes near this; it keeps a hostile length harmless. */
#define DER_MAX_LENGTH      (1u << 24)

enum der_error {
    DER_OK = 0,
    DER_ERR_TRUNCATED = -1,   /* fewer bytes than the header announces */
    DER_ERR_TAG = -2,         /* not the tag expected, or a form we refuse */
    DER_ERR_LENGTH = -3,      /* indefinite, not minimal, or too large */
    DER_ERR_VALUE = -4,       /* contents that are not a valid value */
    DER_ERR_TRAILING = -5,    /* bytes left over where none may be */
    DER_ERR_WRITER = -6,      /* the writer failed (memory or its limit) */
};

const char *der_strerror(int rc);

/* ---- reading ------------------------------------------------------------- */

/* One TLV: *tag, and *content a reader over its contents; r moves past the
 * whole element.  whole (may be NULL) receives the element's bytes, header
 * included, as they were received: what a MIC is computed over.  On
 * failure r is left failed. */
int der_read(struct bytes_reader *r, uint8_t *tag, struct bytes_reader *content, struct bytes_span *whole);
/* der_read, and the tag must be `tag`. */
int der_expect(struct bytes_reader *r, uint8_t tag, struct bytes_reader *content, struct bytes_span *whole);
/* The next element's tag, without consuming anything; -1 at the end. */
int der_peek_tag(const struct bytes_reader *r);
/* Contents fully read: DER_ERR_TRAILING when bytes remain. */
int der_end(const struct bytes_reader *content);

/* An OBJECT IDENTIFIER (tag included): *oid gets its contents bytes. */
int der_read_oid(struct bytes_reader *r, struct bytes_span *oid);
/* An ENUMERATED (tag included), 0 .. 2^31 - 1. */
int der_read_enumerated(struct bytes_reader *r, uint32_t *value);
/* An OCTET STRING (tag included): *value borrows its contents. */
int der_read_octets(struct bytes_reader *r, struct bytes_span *value);
/* Contents of an OID are well formed (see above). */
bool der_oid_valid(struct bytes_span oid);
bool der_oid_equal(struct bytes_span oid, const uint8_t *want, size_t want_len);
/* Dotted text for traces ("1.3.6.1.4.1.311.2.2.10"); "?" when it does not
 * fit or is malformed.  Returns out. */
char *der_oid_text(struct bytes_span oid, char *out, size_t max);

/* ---- writing ------------------------------------------------------------- */

/* Bytes the header of an element with `len` content bytes takes. */
size_t der_header_size(size_t len);
int der_put_header(struct bytes_writer *w, uint8_t tag, size_t len);
/* A whole element: header, then len content bytes. */
int der_put(struct bytes_writer *w, uint8_t tag, const void *content, size_t len);
int der_put_enumerated(struct bytes_writer *w, uint32_t value);

/* ---- the value types RFC 4120 adds (core/spnego/der_values.c) ------------
 * Kerberos nests everything in [n] EXPLICIT context tags, so a message is
 * written inside out: der_begin marks where an element's contents start,
 * der_wrap puts the header in front of them once their length is known. */

#define DER_GENERALIZED_TIME 0x18

size_t der_begin(const struct bytes_writer *w);
int der_wrap(struct bytes_writer *w, size_t mark, uint8_t tag);

/* The next element is [n]: a reader over what it wraps.  der_has_field
 * asks without consuming (for OPTIONAL fields). */
int der_read_field(struct bytes_reader *seq, unsigned n, struct bytes_reader *inner);
bool der_has_field(const struct bytes_reader *seq, unsigned n);

/* INTEGER (tag included) in the shortest two's complement: refuses empty,
 * padded and out-of-range values.  int32 is Kerberos' Int32; uint32 takes
 * UInt32 (nonces, kvnos) and, like MIT, a negative Int32 read as its bit
 * pattern, which older Windows KDCs send for nonces. */
int der_read_int64(struct bytes_reader *r, int64_t *value);
int der_read_int32(struct bytes_reader *r, int32_t *value);
int der_read_uint32(struct bytes_reader *r, uint32_t *value);
int der_put_int64(struct bytes_writer *w, int64_t value);

/* KerberosTime: GeneralizedTime exactly "YYYYMMDDHHMMSSZ", as seconds since
 * 1970 (UTC).  Years 1970..9999 only; no fractions, no other zone. */
int der_read_time(struct bytes_reader *r, int64_t *unix_seconds);
int der_put_time(struct bytes_writer *w, int64_t unix_seconds);

/* KerberosString: a GeneralString, *s borrows its bytes.  No NUL inside
 * (a name with one would compare equal to a shorter one in C). */
int der_read_kstring(struct bytes_reader *r, struct bytes_span *s);
int der_put_kstring(struct bytes_writer *w, const char *s, size_t len);

/* KerberosFlags: a BIT STRING of at least 32 bits; bit 0 is the most
 * significant bit of the result.  Bits past 31 are ignored on reading;
 * writing always gives 32. */
int der_read_flags(struct bytes_reader *r, uint32_t *flags);
int der_put_flags(struct bytes_writer *w, uint32_t flags);

int der_put_octets(struct bytes_writer *w, const void *p, size_t len);

#endif
