/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Keytab files (issue 16): the input as a keytab of its own version and,
 * with the version byte swapped, of the other one (1: little-endian, the
 * realm counted among the components), iterated to the end and searched.
 * Every entry handed out must fit its fixed buffers. */
#include "fuzz.h"
#include "sspishim/krb_keytab.h"

static void walk(const uint8_t *data, size_t size)
{
    struct krb_keytab_iter it;
    struct krb_keytab_entry e;
    struct krb_principal p;
    int rc;

    if (krb_keytab_begin(&it, data, size))
        return;
    while (!(rc = krb_keytab_next(&it, &e))) {
        FZ_ASSERT(e.key.len <= KRB_KEY_MAX && e.princ.count <= KRB_NAME_MAX && strlen(e.realm) < KRB_STR_MAX);
        for (unsigned i = 0; i < e.princ.count; i++)
            FZ_ASSERT(strlen(e.princ.comp[i]) < KRB_STR_MAX);
    }
    FZ_ASSERT(rc == KRB_FILE_END || rc == KRB_FILE_E_MALFORMED);
    FZ_ASSERT(krb_keytab_next(&it, &e) == rc);
    krb_principal_parse("HTTP/localhost", KRB_NT_SRV_HST, &p);
    rc = krb_keytab_find(data, size, &p, "SSPI.TEST", 0, 0, &e);
    FZ_ASSERT(rc == 0 || rc == KRB_FILE_E_NO_ENTRY || rc == KRB_FILE_E_MALFORMED);
    if (!rc)
        FZ_ASSERT(e.key.len <= KRB_KEY_MAX && !strcmp(e.realm, "SSPI.TEST"));
    krb_keytab_find(data, size, &p, "SSPI.TEST", 18, 2, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *other;

    walk(data, size);
    if (size >= 2 && (data[1] == 1 || data[1] == 2) && (other = malloc(size))) {
        memcpy(other, data, size);
        other[1] ^= 3;
        walk(other, size);
        free(other);
    }
    return 0;
}
