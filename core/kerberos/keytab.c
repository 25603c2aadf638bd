/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MIT keytab files, versions 2 and 1 (krb_keytab.h). */
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_keytab.h"
#include "sspishim/sys.h"

static uint16_t get16(struct krb_keytab_iter *it, struct bytes_reader *r)
{
    return it->version == 1 ? bytes_get_u16le(r) : bytes_get_u16be(r);
}

static uint32_t get32(struct krb_keytab_iter *it, struct bytes_reader *r)
{
    return it->version == 1 ? bytes_get_u32le(r) : bytes_get_u32be(r);
}

/* A 16-bit counted string into out; false (the reader still moving on) if
 * it does not fit or holds a NUL. */
static bool get_string(struct krb_keytab_iter *it, struct bytes_reader *r, char out[KRB_STR_MAX])
{
    struct bytes_span s;

    bytes_get_span(r, get16(it, r), &s);
    if (r->failed || s.len >= KRB_STR_MAX || memchr(s.p, 0, s.len))
        return false;
    if (s.len)
        memcpy(out, s.p, s.len);
    out[s.len] = 0;
    return true;
}

int krb_keytab_begin(struct krb_keytab_iter *it, const uint8_t *data, size_t len)
{
    uint8_t head[2] = { 0 };

    memset(it, 0, sizeof(*it));
    bytes_reader_init(&it->r, data, len);
    bytes_get(&it->r, head, 2);
    if (it->r.failed || head[0] != 5)
        return KRB_FILE_E_MALFORMED;
    if (head[1] != 1 && head[1] != 2)
        return KRB_FILE_E_UNSUPPORTED;
    it->version = head[1];
    return KRB_FILE_OK;
}

/* One record's inside: 0 an entry, 1 one we skip, <0 malformed. */
static int parse_entry(struct krb_keytab_iter *it, struct bytes_reader *r, struct krb_keytab_entry *out)
{
    unsigned count = get16(it, r);
    bool fits = true;
    struct bytes_span key;

    if (it->version == 1) {
        if (!count)
            return KRB_FILE_E_MALFORMED;
        count--;                    /* the realm was counted */
    }
    fits &= get_string(it, r, out->realm);
    for (unsigned i = 0; i < count && !r->failed; i++)
        fits &= get_string(it, r, out->princ.comp[i < KRB_NAME_MAX ? i : KRB_NAME_MAX - 1]);
    fits &= count <= KRB_NAME_MAX;
    out->princ.count = count;
    out->princ.type = it->version == 1 ? KRB_NT_PRINCIPAL : (int32_t)get32(it, r);
    out->timestamp = get32(it, r);
    out->kvno = bytes_get_u8(r);
    out->key.etype = (int16_t)get16(it, r);
    bytes_get_span(r, get16(it, r), &key);
    if (r->failed)
        return KRB_FILE_E_MALFORMED;
    /* The 32-bit kvno is there when the record has room for it. */
    if (bytes_remaining(r) >= 4) {
        uint32_t kvno = get32(it, r);
        if (kvno)
            out->kvno = kvno;
    }
    if (!fits || key.len > KRB_KEY_MAX)
        return 1;
    memcpy(out->key.bytes, key.p, key.len);
    out->key.len = key.len;
    return 0;
}

int krb_keytab_next(struct krb_keytab_iter *it, struct krb_keytab_entry *out)
{
    for (;;) {
        struct bytes_reader rec;
        int32_t size;
        int rc;

        memset(out, 0, sizeof(*out));
        if (it->r.failed)
            return KRB_FILE_E_MALFORMED;
        if (it->done || !bytes_remaining(&it->r)) {
            it->done = 1;
            return KRB_FILE_END;
        }
        size = (int32_t)get32(it, &it->r);
        if (it->r.failed)
            return KRB_FILE_E_MALFORMED;
        if (size == 0) {            /* zero fill after the last record */
            it->done = 1;
            return KRB_FILE_END;
        }
        if (size < 0) {
            /* A hole: -size bytes (INT32_MIN's magnitude does not fit an
             * int32_t, so it goes through unsigned arithmetic). */
            if (bytes_skip(&it->r, (size_t)(0u - (uint32_t)size)))
                return KRB_FILE_E_MALFORMED;
            continue;
        }
        if (bytes_get_sub(&it->r, (size_t)size, &rec))
            return KRB_FILE_E_MALFORMED;
        rc = parse_entry(it, &rec, out);
        if (rc < 0) {
            crypto_wipe(out, sizeof(*out));
            it->r.failed = 1;
            return rc;
        }
        if (rc == 0)
            return KRB_FILE_OK;
        crypto_wipe(out, sizeof(*out));
    }
}

int krb_keytab_find(const uint8_t *data, size_t len, const struct krb_principal *princ, const char *realm,
                    int32_t etype, uint32_t kvno, struct krb_keytab_entry *out)
{
    struct krb_keytab_iter it;
    struct krb_keytab_entry e;
    bool found = false;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = krb_keytab_begin(&it, data, len)))
        return rc;
    while (!(rc = krb_keytab_next(&it, &e))) {
        if (strcmp(e.realm, realm) || !krb_principal_equal(&e.princ, princ) || (etype && e.key.etype != etype) ||
            (kvno && e.kvno != kvno) || (found && e.kvno <= out->kvno)) {
            crypto_wipe(&e, sizeof(e));
            continue;
        }
        *out = e;
        crypto_wipe(&e, sizeof(e));
        found = true;
        if (kvno)
            break;
    }
    if (rc < 0) {
        crypto_wipe(out, sizeof(*out));
        return rc;
    }
    return found ? KRB_FILE_OK : KRB_FILE_E_NO_ENTRY;
}

int krb_keytab_path(const struct krb_conf *conf, char *out, size_t max)
{
    char name[KRB_FILE_PATH_MAX];
    const char *v = conf ? krb_conf_get(conf, "libdefaults", NULL, "default_keytab_name") : NULL;

    if (sys_getenv_ascii("KRB5_KTNAME", name, sizeof(name)) || !name[0]) {
        if (v && strlen(v) >= sizeof(name))
            return KRB_FILE_E_NOT_FOUND;
        strcpy(name, v && *v ? v : "FILE:/etc/krb5.keytab");
    }
    return krb_file_name_to_path(name, out, max);
}

int krb_keytab_load(const struct krb_conf *conf, struct krb_file *out)
{
    char path[KRB_FILE_PATH_MAX];
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = krb_keytab_path(conf, path, sizeof(path))))
        return rc;
    return krb_file_read(path, KRB_FILE_MAX, out);
}
