/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MIT FILE credential caches, versions 3 and 4, read only (krb_ccache.h). */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_ccache.h"
#include "sspishim/sys.h"

#define CONF_REALM "X-CACHECONF:"

/* A 32-bit counted string into out; false if it does not fit (the reader
 * moves past it all the same). */
static bool get_string(struct bytes_reader *r, char out[KRB_STR_MAX])
{
    struct bytes_span s;

    bytes_get_span(r, bytes_get_u32be(r), &s);
    out[0] = 0;
    if (r->failed || s.len >= KRB_STR_MAX || memchr(s.p, 0, s.len))
        return false;
    if (s.len)
        memcpy(out, s.p, s.len);
    out[s.len] = 0;
    return true;
}

/* name type, count, realm, components.  false when it does not fit; the
 * reader fails when it is not there. */
static bool get_principal(struct bytes_reader *r, char realm[KRB_STR_MAX], struct krb_principal *p)
{
    uint32_t count;
    bool fits;

    memset(p, 0, sizeof(*p));
    p->type = (int32_t)bytes_get_u32be(r);
    count = bytes_get_u32be(r);
    fits = get_string(r, realm);
    /* Each component takes at least its 4-byte length: a count larger
     * than that allows is a lie, refused before looping over it. */
    if (count > bytes_remaining(r) / 4) {
        r->failed = 1;
        return false;
    }
    for (uint32_t i = 0; i < count && !r->failed; i++) {
        char comp[KRB_STR_MAX];
        fits &= get_string(r, comp);
        if (i < KRB_NAME_MAX)
            memcpy(p->comp[i], comp, sizeof(comp));
    }
    fits &= count <= KRB_NAME_MAX;
    p->count = fits ? count : 0;
    return fits;
}

/* addresses or authdata: a count of (16-bit type, counted data). */
static void skip_typed_list(struct bytes_reader *r)
{
    uint32_t count = bytes_get_u32be(r);

    if (count > bytes_remaining(r) / 6) {
        r->failed = 1;
        return;
    }
    for (uint32_t i = 0; i < count && !r->failed; i++) {
        bytes_get_u16be(r);
        bytes_skip(r, bytes_get_u32be(r));
    }
}

int krb_ccache_open(struct krb_ccache *cc, const uint8_t *data, size_t len)
{
    struct bytes_reader r, head;
    uint8_t magic[2] = { 0 };
    bool fits;

    memset(cc, 0, sizeof(*cc));
    bytes_reader_init(&r, data, len);
    bytes_get(&r, magic, 2);
    if (r.failed || magic[0] != 5)
        return KRB_FILE_E_MALFORMED;
    if (magic[1] != 3 && magic[1] != 4)
        return KRB_FILE_E_UNSUPPORTED;
    cc->version = magic[1];
    if (cc->version == 4) {
        bytes_get_sub(&r, bytes_get_u16be(&r), &head);
        while (!head.failed && bytes_remaining(&head)) {
            uint16_t tag = bytes_get_u16be(&head);
            struct bytes_reader v;
            bytes_get_sub(&head, bytes_get_u16be(&head), &v);
            if (tag == 1 && !v.failed) {
                cc->kdc_offset_sec = (int32_t)bytes_get_u32be(&v);
                cc->kdc_offset_usec = (int32_t)bytes_get_u32be(&v);
                cc->has_kdc_offset = !v.failed;
            }
        }
        if (r.failed || head.failed)
            return KRB_FILE_E_MALFORMED;
    }
    fits = get_principal(&r, cc->realm, &cc->princ);
    if (r.failed)
        return KRB_FILE_E_MALFORMED;
    if (!fits)
        return KRB_FILE_E_UNSUPPORTED;
    cc->data = data;
    cc->len = len;
    cc->creds_at = r.pos;
    return KRB_FILE_OK;
}

int krb_ccache_next(const struct krb_ccache *cc, size_t *pos, struct krb_ccache_cred *out)
{
    struct bytes_reader r;
    struct bytes_span key, second;
    bool fits;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, cc->data, cc->len);
    if (*pos > cc->len || bytes_seek(&r, *pos))
        return KRB_FILE_E_MALFORMED;
    if (!bytes_remaining(&r))
        return KRB_FILE_END;
    fits = get_principal(&r, out->crealm, &out->client);
    fits &= get_principal(&r, out->srealm, &out->server);
    out->key.etype = (int16_t)bytes_get_u16be(&r);
    if (cc->version == 3)
        bytes_get_u16be(&r);        /* the enctype again */
    bytes_get_span(&r, bytes_get_u32be(&r), &key);
    out->authtime = bytes_get_u32be(&r);
    out->starttime = bytes_get_u32be(&r);
    out->endtime = bytes_get_u32be(&r);
    out->renew_till = bytes_get_u32be(&r);
    out->is_skey = bytes_get_u8(&r) != 0;
    out->flags = bytes_get_u32be(&r);
    skip_typed_list(&r);            /* addresses */
    skip_typed_list(&r);            /* authdata */
    bytes_get_span(&r, bytes_get_u32be(&r), &out->ticket);
    bytes_get_span(&r, bytes_get_u32be(&r), &second);
    if (r.failed) {
        memset(out, 0, sizeof(*out));
        return KRB_FILE_E_MALFORMED;
    }
    out->is_config = !strcmp(out->srealm, CONF_REALM);
    if (key.len <= KRB_KEY_MAX) {
        memcpy(out->key.bytes, key.p, key.len);
        out->key.len = key.len;
    } else {
        fits = false;
    }
    out->usable = fits && !out->is_config;
    *pos = r.pos;
    return KRB_FILE_OK;
}

int krb_ccache_find(const struct krb_ccache *cc, const struct krb_principal *server, const char *srealm,
                    struct krb_ccache_cred *out)
{
    size_t pos = cc->creds_at;
    int rc;

    while (!(rc = krb_ccache_next(cc, &pos, out))) {
        if (out->usable && !strcmp(out->srealm, srealm) && krb_principal_equal(&out->server, server))
            return KRB_FILE_OK;
        crypto_wipe(out, sizeof(*out));
    }
    memset(out, 0, sizeof(*out));
    return rc == KRB_FILE_END ? KRB_FILE_E_NO_ENTRY : rc;
}

int krb_ccache_find_tgt(const struct krb_ccache *cc, const char *realm, struct krb_ccache_cred *out)
{
    struct krb_principal tgs = { .type = KRB_NT_SRV_INST, .count = 2 };

    if (!realm)
        realm = cc->realm;
    if (strlen(realm) >= KRB_STR_MAX) {
        memset(out, 0, sizeof(*out));
        return KRB_FILE_E_NO_ENTRY;
    }
    strcpy(tgs.comp[0], "krbtgt");
    strcpy(tgs.comp[1], realm);
    return krb_ccache_find(cc, &tgs, realm, out);
}

int krb_ccache_to_creds(const struct krb_ccache_cred *in, struct krb_creds *out)
{
    memset(out, 0, sizeof(*out));
    if (!in->usable || !in->ticket.len)
        return KRB_FILE_E_UNSUPPORTED;
    if (!(out->ticket = malloc(in->ticket.len)))
        return KRB_FILE_E_NO_MEMORY;
    memcpy(out->ticket, in->ticket.p, in->ticket.len);
    out->ticket_len = in->ticket.len;
    memcpy(out->crealm, in->crealm, sizeof(out->crealm));
    out->cname = in->client;
    memcpy(out->srealm, in->srealm, sizeof(out->srealm));
    out->sname = in->server;
    out->key = in->key;
    out->flags = in->flags;
    out->authtime = in->authtime;
    out->endtime = in->endtime;
    return KRB_FILE_OK;
}

int krb_ccache_path(const struct krb_conf *conf, char *out, size_t max)
{
    char name[KRB_FILE_PATH_MAX];
    const char *v = conf ? krb_conf_get(conf, "libdefaults", NULL, "default_ccache_name") : NULL;

    if (sys_getenv_ascii("KRB5CCNAME", name, sizeof(name)) || !name[0]) {
        if (v && strlen(v) >= sizeof(name))
            return KRB_FILE_E_NOT_FOUND;
        strcpy(name, v && *v ? v : "FILE:/tmp/krb5cc_%{uid}");
    }
    return krb_file_name_to_path(name, out, max);
}

int krb_ccache_load(const struct krb_conf *conf, struct krb_file *out)
{
    char path[KRB_FILE_PATH_MAX];
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = krb_ccache_path(conf, path, sizeof(path))))
        return rc;
    return krb_file_read(path, KRB_FILE_MAX, out);
}
