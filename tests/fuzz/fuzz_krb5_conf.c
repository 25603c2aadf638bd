/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* krb5.conf (issue 16): the input as a configuration file, then every
 * question the client asks of one: default realm, booleans, the KDCs of
 * every realm named, the realm of a few hosts, enctype lists.  Every
 * string the parser hands out must lie inside its own copy of the text. */
#include "fuzz.h"
#include "sspishim/krb_conf.h"
#include "sspishim/krb_msg.h"

static bool in_text(const struct krb_conf *c, const char *s, size_t text_len)
{
    return s >= c->text && s <= c->text + text_len && strlen(s) <= text_len - (size_t)(s - c->text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hosts[] = { "localhost", "www.sspi.test", "a.b.c.d.e", ".", "x." };
    struct krb_conf c;
    struct krb_conf_kdc k[4];
    int32_t et[KRB_ETYPES_MAX];
    char realm[64];

    if (krb_conf_parse(&c, data, size)) {
        krb_conf_free(&c);
        return 0;
    }
    FZ_ASSERT(c.n <= KRB_CONF_MAX_RELATIONS);
    for (size_t i = 0; i < c.n; i++) {
        const struct krb_conf_relation *r = &c.rel[i];
        struct krb_conf_kdc one;
        FZ_ASSERT(in_text(&c, r->section, size) && in_text(&c, r->tag, size) && in_text(&c, r->value, size));
        FZ_ASSERT(!r->sub || in_text(&c, r->sub, size));
        if (!krb_conf_parse_kdc(r->value, &one))
            FZ_ASSERT(one.port && one.host[0] && strlen(one.host) < KRB_CONF_HOST_MAX);
        FZ_ASSERT(krb_conf_parse_etypes(r->value, et, KRB_ETYPES_MAX) <= KRB_ETYPES_MAX);
        if (r->sub)
            FZ_ASSERT(krb_conf_kdcs(&c, r->sub, k, 4) <= 4);
    }
    krb_conf_default_realm(&c);
    krb_conf_dns_lookup_kdc(&c);
    krb_conf_dns_lookup_realm(&c);
    krb_conf_udp_preference_limit(&c);
    FZ_ASSERT(krb_conf_etypes(&c, "permitted_enctypes", et, 3) <= 3);
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
        if (krb_conf_realm_for_host(&c, hosts[i], realm, sizeof(realm)) >= 0)
            FZ_ASSERT(realm[0] && strlen(realm) < sizeof(realm));
    krb_conf_free(&c);
    return 0;
}
