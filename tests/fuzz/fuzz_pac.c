/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The PAC (issue 16): the input as a ticket's authorization data, as a
 * PACTYPE and as a KERB_VALIDATION_INFO.  Every buffer and name handed out
 * must lie inside the input, and every group must be readable. */
#include "fuzz.h"
#include "sspishim/krb_pac.h"

static bool inside(struct bytes_span s, const uint8_t *data, size_t size)
{
    return !s.len || (s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len);
}

static void logon(struct bytes_span info, const uint8_t *data, size_t size)
{
    struct krb_pac_logon l;
    uint32_t rid, attr;

    if (krb_pac_logon_parse(info, &l))
        return;
    FZ_ASSERT(inside(l.effective_name, data, size) && inside(l.logon_domain_name, data, size));
    FZ_ASSERT(inside(l.groups, data, size) && l.groups.len == (size_t)l.group_count * 8);
    FZ_ASSERT(l.effective_name.len % 2 == 0 && l.logon_domain_id.count <= KRB_SID_SUBAUTH_MAX);
    for (uint32_t i = 0; i < l.group_count; i++)
        krb_pac_group(&l, i, &rid, &attr);
}

static void pac(struct bytes_span s, const uint8_t *data, size_t size)
{
    struct krb_pac p;

    if (krb_pac_parse(s.p, s.len, &p))
        return;
    FZ_ASSERT(p.count <= KRB_PAC_BUFFERS_MAX);
    for (uint32_t i = 0; i < p.count; i++) {
        FZ_ASSERT(inside(p.buf[i].data, data, size));
        if (p.buf[i].type == KRB_PAC_LOGON_INFO)
            logon(p.buf[i].data, data, size);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bytes_span found;

    if (!krb_pac_find(data, size, &found)) {
        FZ_ASSERT(inside(found, data, size));
        pac(found, data, size);
    }
    pac((struct bytes_span){ data, size }, data, size);
    logon((struct bytes_span){ data, size }, data, size);
    return 0;
}
