/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* KERB_VALIDATION_INFO ([MS-PAC] 2.5), as NDR type serialization version 1
 * ([MS-RPCE] 2.2.6) lays it out: a common header (version 1, little
 * endian, 8 bytes), a private header (the object's length), the top-level
 * pointer, the structure with 32-bit pointers in place, then what those
 * pointers point to, in the order the pointers appear (NDR's deferred
 * referents).  So to reach LogonDomainName every string before it is
 * walked; we stop after LogonDomainId, the last thing we read.
 * Every count is checked against what is left before it is used. */
#include <string.h>

#include "sspishim/krb_pac.h"

struct ndr {
    struct bytes_reader r;
    size_t base;                    /* NDR alignment counts from the object's start */
};

static void align(struct ndr *n, size_t a)
{
    size_t off = (n->r.pos - n->base) % a;
    if (off)
        bytes_skip(&n->r, a - off);
}

static uint32_t u32(struct ndr *n)
{
    align(n, 4);
    return bytes_get_u32le(&n->r);
}

/* RPC_UNICODE_STRING in place: lengths in bytes and a pointer. */
struct ustr {
    uint16_t length, max;
    uint32_t ptr;
};

static void ustr_head(struct ndr *n, struct ustr *s)
{
    align(n, 4);
    s->length = bytes_get_u16le(&n->r);
    s->max = bytes_get_u16le(&n->r);
    s->ptr = bytes_get_u32le(&n->r);
}

/* The deferred characters of a string: a conformant varying array of
 * UTF-16 units.  Nothing is there for a null pointer. */
static void ustr_body(struct ndr *n, const struct ustr *s, struct bytes_span *out)
{
    uint32_t max, offset, actual;

    *out = (struct bytes_span){ NULL, 0 };
    if (!s->ptr)
        return;
    max = u32(n);
    offset = u32(n);
    actual = u32(n);
    if (offset || actual > max || (size_t)actual * 2 != s->length || s->length > s->max) {
        n->r.failed = 1;
        return;
    }
    bytes_get_span(&n->r, (size_t)actual * 2, out);
}

/* RPC_SID behind a pointer: the conformance (sub-authority count) first. */
static void sid_body(struct ndr *n, struct krb_sid *out)
{
    uint32_t conformance = u32(n);

    memset(out, 0, sizeof(*out));
    out->revision = bytes_get_u8(&n->r);
    out->count = bytes_get_u8(&n->r);
    bytes_get(&n->r, out->authority, 6);
    if (out->count != conformance || out->count > KRB_SID_SUBAUTH_MAX) {
        n->r.failed = 1;
        return;
    }
    for (unsigned i = 0; i < out->count; i++)
        out->sub[i] = u32(n);
}

static int parse(struct bytes_span info, struct krb_pac_logon *out)
{
    struct ndr n;
    struct bytes_reader all;
    struct ustr names[6], server, domain;
    struct bytes_span ignored;
    uint32_t groups_ptr, domain_id_ptr, object_len;
    uint8_t head[4];

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&all, info.p, info.len);
    /* Common header: version 1, little endian (0x10), its length 8. */
    bytes_get(&all, head, 4);
    if (all.failed || head[0] != 1 || head[1] != 0x10 || head[2] != 8 || head[3] != 0)
        return KRB_PAC_E_MALFORMED;
    bytes_get_u32le(&all);                      /* filler */
    object_len = bytes_get_u32le(&all);
    bytes_get_u32le(&all);                      /* filler */
    /* The object alone, so nothing is read past its stated end. */
    if (bytes_get_sub(&all, object_len, &n.r))
        return KRB_PAC_E_MALFORMED;
    n.base = 0;
    if (!u32(&n))                               /* the top-level pointer */
        return KRB_PAC_E_MALFORMED;
    bytes_skip(&n.r, 6 * 8);                    /* six FILETIMEs */
    for (int i = 0; i < 6; i++)
        ustr_head(&n, &names[i]);
    bytes_get_u16le(&n.r);                      /* LogonCount */
    bytes_get_u16le(&n.r);                      /* BadPasswordCount */
    out->user_id = u32(&n);
    out->primary_group_id = u32(&n);
    out->group_count = u32(&n);
    groups_ptr = u32(&n);
    out->user_flags = u32(&n);
    bytes_skip(&n.r, 16);                       /* UserSessionKey */
    ustr_head(&n, &server);
    ustr_head(&n, &domain);
    domain_id_ptr = u32(&n);
    /* Reserved1[2], UserAccountControl, SubAuthStatus, two FILETIMEs,
     * FailedILogonCount, Reserved3, SidCount, ExtraSids,
     * ResourceGroupDomainSid, ResourceGroupCount, ResourceGroupIds. */
    bytes_skip(&n.r, 4 * 4 + 2 * 8 + 7 * 4);
    if (n.r.failed)
        return KRB_PAC_E_MALFORMED;

    /* The deferred referents, in pointer order. */
    ustr_body(&n, &names[0], &out->effective_name);
    ustr_body(&n, &names[1], &out->full_name);
    for (int i = 2; i < 6; i++)
        ustr_body(&n, &names[i], &ignored);
    if (groups_ptr) {
        uint32_t count = u32(&n);
        if (count != out->group_count || count > bytes_remaining(&n.r) / 8)
            return KRB_PAC_E_MALFORMED;
        bytes_get_span(&n.r, (size_t)count * 8, &out->groups);
    } else if (out->group_count) {
        return KRB_PAC_E_MALFORMED;
    }
    ustr_body(&n, &server, &out->logon_server);
    ustr_body(&n, &domain, &out->logon_domain_name);
    if (domain_id_ptr) {
        sid_body(&n, &out->logon_domain_id);
        out->has_domain_id = 1;
    }
    return n.r.failed ? KRB_PAC_E_MALFORMED : 0;
}

int krb_pac_logon_parse(struct bytes_span info, struct krb_pac_logon *out)
{
    int rc = parse(info, out);

    if (rc)
        memset(out, 0, sizeof(*out));       /* nothing half-read is left to use */
    return rc;
}

void krb_pac_group(const struct krb_pac_logon *l, uint32_t i, uint32_t *rid, uint32_t *attributes)
{
    struct bytes_reader r;

    bytes_reader_init(&r, l->groups.p, l->groups.len);
    bytes_skip(&r, (size_t)i * 8);
    *rid = bytes_get_u32le(&r);
    *attributes = bytes_get_u32le(&r);
}
