/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* krb5.conf's profile syntax into a flat list of relations (krb_conf.h).
 * The text is copied once and cut in place: every string a relation
 * points to lives in c->text, so a parsed file is two allocations. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/krb_conf.h"
#include "sspishim/sys.h"

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Trims s in place at both ends. */
static char *trim(char *s)
{
    size_t n;

    while (is_space(*s))
        s++;
    n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = 0;
    return s;
}

/* A quoted value, unescaped in place: s points after the opening quote.
 * No closing quote takes the rest of the line, as MIT's parser does. */
static char *unquote(char *s)
{
    char *out = s, *in = s;

    while (*in && *in != '"') {
        if (*in == '\\' && in[1]) {
            in++;
            *out++ = *in == 'n' ? '\n' : *in == 't' ? '\t' : *in == 'b' ? '\b' : *in;
            in++;
        } else {
            *out++ = *in++;
        }
    }
    *out = 0;
    return s;
}

static int add(struct krb_conf *c, size_t *cap, const char *section, const char *sub, const char *tag,
               const char *value)
{
    if (c->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct krb_conf_relation *r;
        if (c->n >= KRB_CONF_MAX_RELATIONS)
            return KRB_FILE_E_TOO_BIG;
        if (ncap > KRB_CONF_MAX_RELATIONS)
            ncap = KRB_CONF_MAX_RELATIONS;
        if (!(r = realloc(c->rel, ncap * sizeof(*r))))
            return KRB_FILE_E_NO_MEMORY;
        c->rel = r;
        *cap = ncap;
    }
    c->rel[c->n++] = (struct krb_conf_relation){ section, sub, tag, value };
    return KRB_FILE_OK;
}

/* "include" and "includedir" name other files; we read one file only. */
static bool is_directive(const char *line)
{
    return (!strncmp(line, "include", 7) && is_space(line[7])) ||
           (!strncmp(line, "includedir", 10) && is_space(line[10])) ||
           (!strncmp(line, "module", 6) && is_space(line[6]));
}

struct parse_state {
    const char *section, *sub;
    unsigned depth;
    size_t cap;
};

static int parse_line(struct krb_conf *c, struct parse_state *st, char *line)
{
    char *eq, *tag, *value;
    size_t n;

    line = trim(line);
    if (!*line || *line == '#' || *line == ';')
        return KRB_FILE_OK;
    if (*line == '[') {
        char *end = strchr(line, ']');
        if (st->depth || !end)
            return KRB_FILE_E_MALFORMED;
        *end = 0;                   /* what follows (a final '*') is ignored */
        st->section = trim(line + 1);
        return KRB_FILE_OK;
    }
    if (*line == '}') {
        if (!st->depth)
            return KRB_FILE_E_MALFORMED;
        if (--st->depth == 0)
            st->sub = NULL;
        return KRB_FILE_OK;
    }
    if (!st->depth && is_directive(line))
        return KRB_FILE_OK;
    if (!st->section || !(eq = strchr(line, '=')))
        return KRB_FILE_E_MALFORMED;
    *eq = 0;
    tag = trim(line);
    value = trim(eq + 1);
    n = strlen(tag);
    if (n && tag[n - 1] == '*')     /* final: nothing to merge, so ignored */
        tag[--n] = 0;
    tag = trim(tag);
    if (!*tag || strpbrk(tag, " \t"))
        return KRB_FILE_E_MALFORMED;
    if (!strcmp(value, "{")) {
        if (++st->depth > KRB_CONF_MAX_DEPTH)
            return KRB_FILE_E_MALFORMED;
        if (st->depth == 1)
            st->sub = tag;
        return KRB_FILE_OK;
    }
    if (*value == '"')
        value = unquote(value + 1);
    if (st->depth > 1)
        return KRB_FILE_OK;         /* deeper than REALM = { }: nothing we read */
    return add(c, &st->cap, st->section, st->depth ? st->sub : NULL, tag, value);
}

int krb_conf_parse(struct krb_conf *c, const uint8_t *text, size_t len)
{
    struct parse_state st = { 0 };
    char *line, *end;
    int rc;

    memset(c, 0, sizeof(*c));
    if (len > KRB_FILE_MAX)
        return KRB_FILE_E_TOO_BIG;
    if (len && memchr(text, 0, len))
        return KRB_FILE_E_MALFORMED;
    if (!(c->text = malloc(len + 1)))
        return KRB_FILE_E_NO_MEMORY;
    if (len)
        memcpy(c->text, text, len);
    c->text[len] = 0;
    for (line = c->text; line; line = end) {
        if ((end = strchr(line, '\n')))
            *end++ = 0;
        if ((rc = parse_line(c, &st, line)))
            return rc;
    }
    return st.depth ? KRB_FILE_E_MALFORMED : KRB_FILE_OK;
}

void krb_conf_free(struct krb_conf *c)
{
    free(c->text);
    free(c->rel);
    memset(c, 0, sizeof(*c));
}

/* The first element of KRB5_CONFIG's list that exists.  The list is split
 * at ':' as MIT does, except after a drive letter ("C:\..." under Wine). */
int krb_conf_load(struct krb_conf *c)
{
    char list[4096], *p, *next;
    struct krb_file f;
    int rc = KRB_FILE_E_NOT_FOUND;

    memset(c, 0, sizeof(*c));
    if (sys_getenv_ascii("KRB5_CONFIG", list, sizeof(list)))
        strcpy(list, "/etc/krb5.conf");
    for (p = list; p; p = next) {
        char *colon = strchr(isalpha((unsigned char)p[0]) && p[1] == ':' ? p + 2 : p, ':');
        next = colon ? colon + 1 : NULL;
        if (colon)
            *colon = 0;
        if (!*p)
            continue;
        rc = krb_file_read(p, KRB_FILE_MAX, &f);
        if (rc == KRB_FILE_E_NOT_FOUND)
            continue;
        if (rc)
            return rc;
        rc = krb_conf_parse(c, f.data, f.len);
        if (!rc)
            strcpy(c->path, f.path);
        krb_file_free(&f);
        return rc;
    }
    return rc;
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

const char *krb_conf_get_nth(const struct krb_conf *c, const char *section, const char *sub, const char *tag,
                             size_t i)
{
    for (size_t k = 0; k < c->n; k++) {
        const struct krb_conf_relation *r = &c->rel[k];
        if (!strcmp(r->section, section) && same(r->sub, sub) && !strcmp(r->tag, tag) && !i--)
            return r->value;
    }
    return NULL;
}

const char *krb_conf_get(const struct krb_conf *c, const char *section, const char *sub, const char *tag)
{
    return krb_conf_get_nth(c, section, sub, tag, 0);
}

static bool word_in(const char *v, const char *const *words)
{
    for (; *words; words++) {
        size_t i = 0;
        while (v[i] && tolower((unsigned char)v[i]) == (*words)[i])
            i++;
        if (!v[i] && !(*words)[i])
            return true;
    }
    return false;
}

bool krb_conf_bool(const struct krb_conf *c, const char *section, const char *sub, const char *tag, bool dflt)
{
    static const char *const yes[] = { "y", "yes", "true", "t", "1", "on", NULL };
    static const char *const no[] = { "n", "no", "false", "nil", "0", "off", NULL };
    const char *v = krb_conf_get(c, section, sub, tag);

    if (!v)
        return dflt;
    return word_in(v, yes) ? true : word_in(v, no) ? false : dflt;
}

long krb_conf_long(const struct krb_conf *c, const char *section, const char *sub, const char *tag, long dflt)
{
    const char *v = krb_conf_get(c, section, sub, tag);
    char *end;
    long n;

    if (!v || !*v)
        return dflt;
    n = strtol(v, &end, 10);
    return *end || n < 0 ? dflt : n;
}

const char *krb_conf_default_realm(const struct krb_conf *c)
{
    const char *v = krb_conf_get(c, "libdefaults", NULL, "default_realm");
    return v && *v ? v : NULL;
}

bool krb_conf_dns_lookup_kdc(const struct krb_conf *c)
{
    return krb_conf_bool(c, "libdefaults", NULL, "dns_lookup_kdc", false);
}

bool krb_conf_dns_lookup_realm(const struct krb_conf *c)
{
    return krb_conf_bool(c, "libdefaults", NULL, "dns_lookup_realm", false);
}

long krb_conf_udp_preference_limit(const struct krb_conf *c)
{
    return krb_conf_long(c, "libdefaults", NULL, "udp_preference_limit", 1465);
}
