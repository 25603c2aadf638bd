/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Credential caches (issue 16): the input as an MIT FILE ccache, walked to
 * the end, searched for the TGT and a service ticket, and every usable
 * credential made into krb_creds.  Tickets handed out must lie inside the
 * input. */
#include "fuzz.h"
#include "sspishim/krb_ccache.h"

static bool inside(struct bytes_span s, const uint8_t *data, size_t size)
{
    return !s.len || (s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct krb_ccache cc;
    struct krb_ccache_cred cr;
    struct krb_creds creds;
    struct krb_principal p;
    size_t pos;
    int rc;

    if (krb_ccache_open(&cc, data, size))
        return 0;
    FZ_ASSERT(cc.creds_at <= size && cc.princ.count <= KRB_NAME_MAX);
    for (pos = cc.creds_at; !(rc = krb_ccache_next(&cc, &pos, &cr));) {
        FZ_ASSERT(pos <= size && inside(cr.ticket, data, size) && cr.key.len <= KRB_KEY_MAX);
        FZ_ASSERT(cr.client.count <= KRB_NAME_MAX && cr.server.count <= KRB_NAME_MAX);
        if (krb_ccache_to_creds(&cr, &creds) == 0) {
            FZ_ASSERT(cr.usable && creds.ticket_len == cr.ticket.len);
            krb_creds_free(&creds);
        }
    }
    FZ_ASSERT(rc == KRB_FILE_END || rc == KRB_FILE_E_MALFORMED);
    if (!krb_ccache_find_tgt(&cc, NULL, &cr))
        FZ_ASSERT(cr.usable && !strcmp(cr.server.comp[0], "krbtgt") && !strcmp(cr.srealm, cc.realm));
    krb_principal_parse("HTTP/localhost", KRB_NT_SRV_HST, &p);
    krb_ccache_find(&cc, &p, "SSPI.TEST", &cr);
    return 0;
}
