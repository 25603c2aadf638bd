/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* PrincipalName { name-type [0] Int32, name-string [1] SEQUENCE OF
 * KerberosString } and Realm (RFC 4120 5.2.2).  Names are copied into
 * fixed buffers: the exchange keeps them after the message is gone. */
#include <stdio.h>
#include <string.h>

#include "msg_util.h"

int krb_principal_parse(const char *text, int32_t type, struct krb_principal *out)
{
    const char *p = text;

    memset(out, 0, sizeof(*out));
    out->type = type;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (!n || n >= KRB_STR_MAX || out->count == KRB_NAME_MAX)
            return DER_ERR_VALUE;
        memcpy(out->comp[out->count++], p, n);
        if (!slash)
            return DER_OK;
        p = slash + 1;
    }
}

bool krb_principal_equal(const struct krb_principal *a, const struct krb_principal *b)
{
    /* The name type is a hint (RFC 4120 6.2), not part of the identity. */
    if (a->count != b->count)
        return false;
    for (unsigned i = 0; i < a->count; i++)
        if (strcmp(a->comp[i], b->comp[i]))
            return false;
    return true;
}

char *krb_principal_text(const struct krb_principal *p, char *out, size_t max)
{
    size_t used = 0;

    if (!max)
        return out;
    out[0] = 0;
    for (unsigned i = 0; i < p->count && used < max; i++) {
        int n = snprintf(out + used, max - used, "%s%s", i ? "/" : "", p->comp[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return out;
}

static int put_components(struct bytes_writer *w, const struct krb_principal *p)
{
    size_t m = der_begin(w);

    for (unsigned i = 0; i < p->count; i++)
        KRB_TRY(der_put_kstring(w, p->comp[i], strlen(p->comp[i])));
    return der_wrap(w, m, DER_SEQUENCE);
}

int krb_principal_encode(struct bytes_writer *w, const struct krb_principal *p)
{
    size_t m = der_begin(w);

    if (!p->count || p->count > KRB_NAME_MAX)
        return DER_ERR_VALUE;
    KRB_PUT_FIELD(w, 0, der_put_int64(w, p->type));
    KRB_PUT_FIELD(w, 1, put_components(w, p));
    return der_wrap(w, m, DER_SEQUENCE);
}

static int read_components(struct bytes_reader *f, struct krb_principal *out)
{
    struct bytes_reader list;

    KRB_TRY(der_expect(f, DER_SEQUENCE, &list, NULL));
    while (bytes_remaining(&list)) {
        if (out->count == KRB_NAME_MAX) {
            f->failed = 1;
            return DER_ERR_VALUE;
        }
        KRB_TRY(krb_read_string(&list, out->comp[out->count]));
        out->count++;
    }
    if (!out->count) {
        f->failed = 1;
        return DER_ERR_VALUE;
    }
    return der_end(&list);
}

int krb_principal_decode(struct bytes_reader *r, struct krb_principal *out)
{
    struct bytes_reader seq;

    memset(out, 0, sizeof(*out));
    KRB_TRY(der_expect(r, DER_SEQUENCE, &seq, NULL));
    KRB_FIELD(&seq, 0, der_read_int32(&f_, &out->type));
    KRB_FIELD(&seq, 1, read_components(&f_, out));
    return der_end(&seq);
}

int krb_realm_decode(struct bytes_reader *r, char out[KRB_STR_MAX])
{
    out[0] = 0;
    KRB_TRY(krb_read_string(r, out));
    if (!out[0]) {
        r->failed = 1;
        return DER_ERR_VALUE;
    }
    return DER_OK;
}

int krb_realm_encode(struct bytes_writer *w, const char *realm)
{
    size_t n = strlen(realm);

    if (!n || n >= KRB_STR_MAX)
        return DER_ERR_VALUE;
    return der_put_kstring(w, realm, n);
}
