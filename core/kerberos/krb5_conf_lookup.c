/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the client asks of krb5.conf (krb_conf.h): where a realm's KDCs
 * are, which realm a host is in, and which enctypes to use. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/krb_conf.h"
#include "sspishim/krb_crypto.h"
#include "sspishim/krb_exchange.h"

static int copy_host(char *out, const char *p, size_t n)
{
    if (!n || n >= KRB_CONF_HOST_MAX)
        return KRB_FILE_E_MALFORMED;
    memcpy(out, p, n);
    out[n] = 0;
    return strpbrk(out, " \t[]/") ? KRB_FILE_E_MALFORMED : KRB_FILE_OK;
}

static int parse_port(const char *p, uint16_t *port)
{
    unsigned long v = 0;

    if (!*p)
        return KRB_FILE_E_MALFORMED;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p) || (v = v * 10 + (unsigned long)(*p - '0')) > 65535)
            return KRB_FILE_E_MALFORMED;
    }
    if (!v)
        return KRB_FILE_E_MALFORMED;
    *port = (uint16_t)v;
    return KRB_FILE_OK;
}

int krb_conf_parse_kdc(const char *value, struct krb_conf_kdc *out)
{
    const char *p = value, *colon;

    memset(out, 0, sizeof(*out));
    out->port = KRB_DEFAULT_PORT;
    if (strstr(p, "://"))
        return KRB_FILE_E_UNSUPPORTED;
    if (!strncmp(p, "udp/", 4) || !strncmp(p, "tcp/", 4)) {
        out->transport = p[0] == 'u' ? KRB_CONF_UDP : KRB_CONF_TCP;
        p += 4;
    }
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close || copy_host(out->host, p + 1, (size_t)(close - p - 1)))
            return KRB_FILE_E_MALFORMED;
        if (!close[1])
            return KRB_FILE_OK;
        return close[1] == ':' ? parse_port(close + 2, &out->port) : KRB_FILE_E_MALFORMED;
    }
    colon = strchr(p, ':');
    if (colon && strchr(colon + 1, ':'))    /* a bare IPv6 address: no port */
        return copy_host(out->host, p, strlen(p));
    if (copy_host(out->host, p, colon ? (size_t)(colon - p) : strlen(p)))
        return KRB_FILE_E_MALFORMED;
    return colon ? parse_port(colon + 1, &out->port) : KRB_FILE_OK;
}

size_t krb_conf_kdcs(const struct krb_conf *c, const char *realm, struct krb_conf_kdc *out, size_t max)
{
    const char *v;
    size_t n = 0;

    for (size_t i = 0; n < max && (v = krb_conf_get_nth(c, "realms", realm, "kdc", i)); i++)
        if (!krb_conf_parse_kdc(v, &out[n]))
            n++;
    return n;
}

/* [domain_realm] tag for name, ignoring case (MIT lower-cases the host). */
static const char *domain_map(const struct krb_conf *c, const char *name)
{
    for (size_t k = 0; k < c->n; k++) {
        const struct krb_conf_relation *r = &c->rel[k];
        if (!r->sub && !strcmp(r->section, "domain_realm") && r->tag[0] && r->value[0]) {
            size_t i = 0;
            while (name[i] && tolower((unsigned char)name[i]) == tolower((unsigned char)r->tag[i]))
                i++;
            if (!name[i] && !r->tag[i])
                return r->value;
        }
    }
    return NULL;
}

static int put(char *out, size_t max, const char *realm, size_t n, int rc)
{
    if (!n || n >= max)
        return KRB_FILE_E_NO_ENTRY;
    memcpy(out, realm, n);
    out[n] = 0;
    return rc;
}

int krb_conf_realm_for_host(const struct krb_conf *c, const char *host, char *out, size_t max)
{
    const char *p = host, *dot, *realm;

    if (max)
        *out = 0;
    if (!*host)
        return KRB_FILE_E_NO_ENTRY;
    /* host, .parent, parent, .grandparent, ... : longest match first. */
    if ((realm = domain_map(c, host)))
        return put(out, max, realm, strlen(realm), 0);
    while ((dot = strchr(p, '.'))) {
        if ((realm = domain_map(c, dot)) || (dot[1] && (realm = domain_map(c, dot + 1))))
            return put(out, max, realm, strlen(realm), 0);
        p = dot + 1;
    }
    dot = strchr(host, '.');
    if (dot && dot[1]) {
        size_t n = strlen(dot + 1);
        int rc = put(out, max, dot + 1, n, 1);
        for (size_t i = 0; rc >= 0 && i < n; i++)
            out[i] = (char)toupper((unsigned char)out[i]);
        return rc;
    }
    realm = krb_conf_default_realm(c);
    return realm ? put(out, max, realm, strlen(realm), 2) : KRB_FILE_E_NO_ENTRY;
}

/* MIT's names and aliases of the types we have, and the families. */
static const struct etype_name {
    const char *name;
    int32_t types[4];
} etype_names[] = {
    { "aes256-cts-hmac-sha1-96", { 18 } }, { "aes256-cts", { 18 } }, { "aes256-sha1", { 18 } },
    { "aes128-cts-hmac-sha1-96", { 17 } }, { "aes128-cts", { 17 } }, { "aes128-sha1", { 17 } },
    { "aes256-cts-hmac-sha384-192", { 20 } }, { "aes256-sha2", { 20 } },
    { "aes128-cts-hmac-sha256-128", { 19 } }, { "aes128-sha2", { 19 } },
    { "arcfour-hmac", { 23 } }, { "rc4-hmac", { 23 } }, { "arcfour-hmac-md5", { 23 } },
    { "aes", { 18, 17, 20, 19 } }, { "aes-sha1", { 18, 17 } }, { "aes-sha2", { 20, 19 } },
    { "rc4", { 23 } },
};

/* word[0..n) equals name, ignoring case. */
static bool word_is(const char *word, size_t n, const char *name)
{
    size_t i = 0;

    while (i < n && name[i] && tolower((unsigned char)word[i]) == name[i])
        i++;
    return i == n && !name[i];
}

static size_t name_types(const char *word, size_t n, const int32_t **types)
{
    static int32_t defaults[KRB_ETYPES_MAX];
    size_t k;

    if (word_is(word, n, "default")) {
        size_t m = krb_default_etypes_count < KRB_ETYPES_MAX ? krb_default_etypes_count : KRB_ETYPES_MAX;
        memcpy(defaults, krb_default_etypes, m * sizeof(*defaults));
        *types = defaults;
        return m;
    }
    for (size_t i = 0; i < sizeof(etype_names) / sizeof(etype_names[0]); i++) {
        if (!word_is(word, n, etype_names[i].name))
            continue;
        *types = etype_names[i].types;
        for (k = 0; k < 4 && etype_names[i].types[k]; k++)
            ;
        return k;
    }
    return 0;
}

size_t krb_conf_parse_etypes(const char *value, int32_t *out, size_t max)
{
    size_t n = 0;

    while (*value) {
        size_t len = strcspn(value, " \t,");
        const char *word = value;
        bool remove = false;
        const int32_t *types;
        size_t m;

        value += len;
        value += strspn(value, " \t,");
        if (*word == '-' || *word == '+') {
            remove = *word == '-';
            word++;
            len--;
        }
        m = name_types(word, len, &types);
        for (size_t i = 0; i < m; i++) {
            size_t at = 0;
            while (at < n && out[at] != types[i])
                at++;
            if (remove && at < n) {
                memmove(out + at, out + at + 1, (n - at - 1) * sizeof(*out));
                n--;
            } else if (!remove && at == n && n < max) {
                out[n++] = types[i];
            }
        }
    }
    return n;
}

size_t krb_conf_etypes(const struct krb_conf *c, const char *tag, int32_t *out, size_t max)
{
    const char *v = krb_conf_get(c, "libdefaults", NULL, tag);
    return v ? krb_conf_parse_etypes(v, out, max) : 0;
}
