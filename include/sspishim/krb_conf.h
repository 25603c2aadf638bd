/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* krb5.conf as MIT users write it (krb5.conf(5), the profile syntax):
 *
 *     # a comment; so is a line starting with ';'
 *     [libdefaults]
 *         default_realm = SSPI.TEST
 *     [realms]
 *         SSPI.TEST = {
 *             kdc = kdc.sspi.test:88
 *         }
 *     [domain_realm]
 *         .sspi.test = SSPI.TEST
 *
 * The parser (core/kerberos/krb5_conf.c) keeps every relation as
 * (section, subsection, tag, value); a relation nested deeper than one
 * subsection (as [appdefaults] allows) is skipped.  As in MIT: comments
 * are whole lines only (a '#' after a value is part of it), a value in
 * double quotes takes \n \t \b \\ escapes, a trailing '*' (final) on a
 * tag or section is accepted and ignored, a section named twice is one
 * section, and the first of several values is the one a single-valued
 * query gets.  "include" and "includedir" lines are ignored: we read one
 * file only.  A line in a section that is neither a relation nor a brace,
 * or an unbalanced brace, makes the file malformed, as it does for MIT.
 *
 * Queries (krb5_conf_lookup.c): KDCs of a realm, the realm of a host, and
 * enctype lists.  We never look anything up in DNS: dns_lookup_kdc and
 * dns_lookup_realm are reported (false unless the file says true) for the
 * caller to honour. */
#ifndef SSPISHIM_KRB_CONF_H
#define SSPISHIM_KRB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/krb_file.h"

/* More relations than this is not a configuration file. */
#define KRB_CONF_MAX_RELATIONS 8192
#define KRB_CONF_MAX_DEPTH 16

struct krb_conf_relation {
    const char *section, *sub, *tag, *value;   /* sub NULL at the section's top level */
};

struct krb_conf {
    char *text;                     /* a private copy, cut into the strings above */
    struct krb_conf_relation *rel;
    size_t n;
    char path[KRB_FILE_PATH_MAX];   /* where krb_conf_load found it, "" otherwise */
};

/* Parses text[0..len) into c (free with krb_conf_free, also after an
 * error).  0, KRB_FILE_E_MALFORMED, KRB_FILE_E_TOO_BIG or NO_MEMORY. */
int krb_conf_parse(struct krb_conf *c, const uint8_t *text, size_t len);
/* The first existing file of KRB5_CONFIG (a ':'-separated list), or
 * /etc/krb5.conf when it is not set.  KRB_FILE_E_NOT_FOUND when none. */
int krb_conf_load(struct krb_conf *c);
void krb_conf_free(struct krb_conf *c);

/* The first value of section/sub/tag (sub NULL: the section's top level),
 * or NULL.  Sections, subsections and tags compare exactly, as in MIT. */
const char *krb_conf_get(const struct krb_conf *c, const char *section, const char *sub, const char *tag);
/* The i-th value of the same, for multi-valued tags (kdc). */
const char *krb_conf_get_nth(const struct krb_conf *c, const char *section, const char *sub, const char *tag,
                             size_t i);
/* MIT's booleans: y yes true t 1 on / n no false nil 0 off, any case;
 * anything else (or nothing) is dflt. */
bool krb_conf_bool(const struct krb_conf *c, const char *section, const char *sub, const char *tag, bool dflt);
/* A decimal integer; dflt when absent or not a number. */
long krb_conf_long(const struct krb_conf *c, const char *section, const char *sub, const char *tag, long dflt);

/* [libdefaults], with our defaults. */
const char *krb_conf_default_realm(const struct krb_conf *c);   /* NULL when not set */
bool krb_conf_dns_lookup_kdc(const struct krb_conf *c);         /* default false */
bool krb_conf_dns_lookup_realm(const struct krb_conf *c);       /* default false */
/* Replies larger than this go over TCP; 1 means TCP always (MIT's
 * default, 1465, when not set). */
long krb_conf_udp_preference_limit(const struct krb_conf *c);

/* ---- krb5_conf_lookup.c ---------------------------------------------------- */

#define KRB_CONF_HOST_MAX 256
#define KRB_DEFAULT_PORT 88

enum krb_conf_transport { KRB_CONF_ANY = 0, KRB_CONF_UDP = 1, KRB_CONF_TCP = 2 };
struct krb_conf_kdc {
    char host[KRB_CONF_HOST_MAX];   /* a name or an address, IPv6 without brackets */
    uint16_t port;
    int transport;                  /* a "udp/" or "tcp/" prefix, else ANY */
};
/* Parses one "kdc =" value: host, host:port, [v6], [v6]:port, with an
 * optional udp/ or tcp/ prefix.  An IPv6 address without brackets is a
 * host without port, as in MIT.  0 or KRB_FILE_E_MALFORMED; a URL
 * (MS-KKDCP's https://) is KRB_FILE_E_UNSUPPORTED. */
int krb_conf_parse_kdc(const char *value, struct krb_conf_kdc *out);
/* The [realms] REALM kdc entries, in file order, those that parse; at most
 * max.  Returns how many (0: none, the caller must not guess one). */
size_t krb_conf_kdcs(const struct krb_conf *c, const char *realm, struct krb_conf_kdc *out, size_t max);

/* The realm of a host, into out.  [domain_realm] first: the host itself,
 * then for each parent domain, longest first, ".domain" and then
 * "domain" (so "example.com = R" also covers its subdomains, as in MIT);
 * host names compare without regard to case.  When nothing maps it, MIT's
 * fallback without DNS: the host's domain (all but its first label)
 * upper-cased, or, for a host without a dot, default_realm.
 * Returns 0 mapped by [domain_realm], 1 the fallback from the domain,
 * 2 default_realm, KRB_FILE_E_NO_ENTRY none (or it does not fit). */
int krb_conf_realm_for_host(const struct krb_conf *c, const char *host, char *out, size_t max);

/* An enctype list, as default_tkt_enctypes, default_tgs_enctypes and
 * permitted_enctypes are written: names separated by spaces or commas,
 * MIT's names and aliases (aes256-cts-hmac-sha1-96, aes256-cts,
 * aes128-cts-hmac-sha256-128, arcfour-hmac, rc4-hmac, ...), the families
 * aes, aes-sha1, aes-sha2, rc4, and DEFAULT (krb_default_etypes); "-name"
 * takes a type out, "+name" is "name".  Types we lack (des, camellia) are
 * dropped; each type appears once.
 * Parses value into out (at most max); returns the count. */
size_t krb_conf_parse_etypes(const char *value, int32_t *out, size_t max);
/* [libdefaults] tag parsed as above: the count, or 0 when the tag is
 * absent (the caller keeps its default list). */
size_t krb_conf_etypes(const struct krb_conf *c, const char *tag, int32_t *out, size_t max);

#endif
