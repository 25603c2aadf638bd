/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The AS exchange with a password (RFC 4120 3.1, RFC 6113's usual first
 * round).  The first AS-REQ goes without pre-authentication: a KDC that
 * wants it answers PREAUTH_REQUIRED with ETYPE-INFO2, which names the etype,
 * salt and s2kparams to derive the key with; the second AS-REQ carries
 * PA-ENC-TIMESTAMP under that key.  A KDC that needs no pre-authentication
 * answers the first with an AS-REP whose own ETYPE-INFO2 (or the default
 * salt) gives the key. */
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "sspishim/crypto.h"
#include "sspishim/der.h"

#define AS_LIFETIME (10 * 3600)     /* asked for; the KDC caps it */

int krb_as_init(struct krb_as *as, const char *user, const char *realm, const char *password, size_t password_len,
                const int32_t *etypes, size_t n_etypes)
{
    memset(as, 0, sizeof(*as));
    if (!user || !realm || !password || !*realm || strlen(realm) >= KRB_STR_MAX)
        return KRB_E_STATE;
    if (krb_principal_parse(user, KRB_NT_PRINCIPAL, &as->cname))
        return KRB_E_STATE;
    memcpy(as->realm, realm, strlen(realm) + 1);
    if (!etypes) {
        etypes = krb_default_etypes;
        n_etypes = krb_default_etypes_count;
    }
    for (size_t i = 0; i < n_etypes && as->n_etypes < KRB_ETYPES_MAX; i++)
        if (krb_crypto_supported(etypes[i]))
            as->etypes[as->n_etypes++] = etypes[i];
    if (!as->n_etypes)
        return KRB_E_ETYPE;
    if (!(as->password = malloc(password_len + 1)))
        return KRB_E_NO_MEMORY;
    memcpy(as->password, password, password_len);
    as->password[password_len] = 0;
    as->password_len = password_len;
    return KRB_OK;
}

void krb_as_free(struct krb_as *as)
{
    if (as->password) {
        crypto_wipe(as->password, as->password_len);
        free(as->password);
    }
    krb_creds_free(&as->tgt);
    crypto_wipe(as, sizeof(*as));
}

void krb_as_take_tgt(struct krb_as *as, struct krb_creds *out)
{
    *out = as->tgt;
    memset(&as->tgt, 0, sizeof(as->tgt));
}

static bool offered(const struct krb_as *as, int32_t etype)
{
    for (size_t i = 0; i < as->n_etypes; i++)
        if (as->etypes[i] == etype)
            return true;
    return false;
}

/* RFC 4120 4: without a salt from the KDC, the realm and then each name
 * component, concatenated. */
static int derive_key(struct krb_as *as, int32_t etype, const struct krb_etype_info2 *info)
{
    uint8_t salt[KRB_STR_MAX * (KRB_NAME_MAX + 1)];
    size_t salt_len = 0;
    const uint8_t *params = NULL;
    size_t params_len = 0;
    int rc;

    if (info && info->has_salt) {
        if (info->salt.len > sizeof(salt))
            return KRB_E_MALFORMED;
        memcpy(salt, info->salt.p, info->salt.len);
        salt_len = info->salt.len;
    } else {
        size_t n = strlen(as->realm);
        memcpy(salt, as->realm, n);
        salt_len = n;
        for (unsigned i = 0; i < as->cname.count; i++) {
            n = strlen(as->cname.comp[i]);
            memcpy(salt + salt_len, as->cname.comp[i], n);
            salt_len += n;
        }
    }
    if (info) {
        params = info->s2kparams.p;
        params_len = info->s2kparams.len;
    }
    crypto_wipe(&as->key, sizeof(as->key));
    as->have_key = 0;
    rc = krb_crypto_string_to_key(etype, as->password, as->password_len, salt, salt_len, params, params_len,
                                  &as->key);
    if (rc == KRB_CRYPTO_BAD_ETYPE)
        return KRB_E_ETYPE;
    if (rc == KRB_CRYPTO_NO_MEMORY)
        return KRB_E_NO_MEMORY;
    if (rc)
        return KRB_E_MALFORMED;     /* s2kparams the KDC should not send */
    as->have_key = 1;
    return KRB_OK;
}

/* The first ETYPE-INFO2 entry (the KDC's preference) that we offered. */
static int pick_etype_info2(const struct krb_as *as, const struct krb_padata *pa, size_t n_pa,
                            struct krb_etype_info2 *out)
{
    const struct krb_padata *p = krb_padata_find(pa, n_pa, KRB_PA_ETYPE_INFO2);
    struct krb_etype_info2 list[KRB_ETYPES_MAX];
    struct bytes_reader r;
    size_t n;

    if (!p)
        return 1;
    bytes_reader_init(&r, p->value.p, p->value.len);
    if (krb_etype_info2_decode(&r, list, KRB_ETYPES_MAX, &n) || bytes_remaining(&r))
        return KRB_E_MALFORMED;
    for (size_t i = 0; i < n; i++)
        if (offered(as, list[i].etype)) {
            *out = list[i];
            return KRB_OK;
        }
    return KRB_E_ETYPE;
}

static int build_request(struct krb_as *as, struct bytes_writer *out)
{
    struct krb_principal krbtgt = { .type = KRB_NT_SRV_INST, .count = 2 };
    struct bytes_writer body, ts;
    struct krb_padata pa = { 0 };
    struct krb_enc_data enc = { 0 };
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    int64_t now;
    uint32_t usec;
    int rc = KRB_OK;

    memcpy(krbtgt.comp[0], "krbtgt", 7);
    memcpy(krbtgt.comp[1], as->realm, sizeof(as->realm));
    krb_clock(as->clock_offset, &now, &usec);
    if (krb_nonce(&as->nonce))
        return KRB_E_STATE;
    struct krb_kdc_req_body b = {
        .options = 0, .cname = &as->cname, .realm = as->realm, .sname = &krbtgt,
        .till = now + AS_LIFETIME, .nonce = as->nonce, .etypes = as->etypes, .n_etypes = as->n_etypes,
    };
    bytes_writer_init_heap(&body, 1u << 16);
    bytes_writer_init_heap(&ts, 256);
    if (krb_kdc_req_body_encode(&body, &b)) {
        rc = KRB_E_NO_MEMORY;
        goto out;
    }
    if (as->have_key) {
        if (krb_pa_enc_ts_encode(&ts, now, usec)) {
            rc = KRB_E_NO_MEMORY;
            goto out;
        }
        rc = krb_seal(&as->key, KRB_KU_PA_ENC_TS, bytes_writer_span(&ts), &sealed, &sealed_len);
        if (rc) {
            rc = rc == KRB_CRYPTO_NO_MEMORY ? KRB_E_NO_MEMORY : KRB_E_STATE;
            goto out;
        }
        enc.etype = as->key.etype;
        enc.cipher = (struct bytes_span){ sealed, sealed_len };
        /* The PA-DATA value is the EncryptedData's DER: built in ts, reused. */
        bytes_writer_free(&ts);
        bytes_writer_init_heap(&ts, 1024);
        if (krb_enc_data_encode(&ts, &enc)) {
            rc = KRB_E_NO_MEMORY;
            goto out;
        }
        pa.type = KRB_PA_ENC_TIMESTAMP;
        pa.value = bytes_writer_span(&ts);
    }
    if (krb_kdc_req_encode(out, KRB_TAG_AS_REQ, &pa, as->have_key ? 1 : 0, bytes_writer_span(&body)))
        rc = KRB_E_NO_MEMORY;
out:
    free(sealed);
    bytes_writer_free(&ts);
    bytes_writer_free(&body);
    return rc;
}

static int on_error(struct krb_as *as, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    struct krb_error err;
    struct krb_padata pa[KRB_PADATA_MAX];
    struct krb_etype_info2 info;
    struct bytes_reader r;
    size_t n_pa;
    int rc = krb_error_status(in, len, &as->kdc_error, &err);

    if (rc == KRB_E_RESPONSE_TOO_BIG)
        return rc;                  /* same state: the caller retries over TCP */
    if (err.code != KDC_ERR_PREAUTH_REQUIRED || rc == KRB_E_MALFORMED)
        goto fail;
    if (as->state != KRB_ST_SENT) {
        rc = KRB_E_LOGON_DENIED;    /* our timestamp was not accepted */
        goto fail;
    }
    bytes_reader_init(&r, err.e_data.p, err.e_data.len);
    if (krb_padata_decode(&r, pa, &n_pa) || bytes_remaining(&r)) {
        rc = KRB_E_MALFORMED;
        goto fail;
    }
    rc = pick_etype_info2(as, pa, n_pa, &info);
    if (rc == 1)
        rc = KRB_E_ETYPE;           /* no ETYPE-INFO2: no salt to derive with */
    if (rc || (rc = derive_key(as, info.etype, &info)) || (rc = build_request(as, out)))
        goto fail;
    as->state = KRB_ST_SENT_PREAUTH;
    return KRB_CONTINUE;
fail:
    as->state = KRB_ST_FAILED;
    return rc;
}

static int on_reply(struct krb_as *as, const uint8_t *in, size_t len)
{
    struct krb_kdc_rep rep;
    struct krb_enc_kdc_rep enc;
    struct krb_etype_info2 info;
    struct bytes_reader r;
    int rc;

    bytes_reader_init(&r, in, len);
    if (krb_kdc_rep_decode(&r, &rep) || bytes_remaining(&r) || rep.msg_type != KRB_TAG_AS_REP)
        return KRB_E_MALFORMED;
    if (!offered(as, rep.enc.etype))
        return KRB_E_MODIFIED;
    /* The key pre-authentication proved is the one the reply uses, unless
     * the KDC chose another etype; then the AS-REP's own ETYPE-INFO2 (or the
     * default salt) gives it.  Deriving again would cost a second PBKDF2. */
    if (!as->have_key || as->key.etype != rep.enc.etype) {
        rc = pick_etype_info2(as, rep.pa, rep.n_pa, &info);
        if (rc == KRB_OK && info.etype == rep.enc.etype)
            rc = derive_key(as, info.etype, &info);
        else
            rc = derive_key(as, rep.enc.etype, NULL);
        if (rc)
            return rc;
    }
    rc = krb_open_kdc_rep(&as->key, KRB_KU_AS_REP_ENC, &rep, &enc);
    if (rc == KRB_E_MODIFIED)
        return KRB_E_LOGON_DENIED;  /* no pre-auth: a wrong password shows here */
    if (rc)
        return rc;
    if (enc.nonce != as->nonce || strcmp(enc.srealm, as->realm) || enc.sname.count != 2 ||
        strcmp(enc.sname.comp[0], "krbtgt") || strcmp(enc.sname.comp[1], as->realm) ||
        strcmp(rep.crealm, as->realm) || !krb_principal_equal(&rep.cname, &as->cname))
        rc = KRB_E_MODIFIED;
    else
        rc = krb_creds_fill(&as->tgt, &rep, &enc);
    crypto_wipe(&enc, sizeof(enc));
    return rc;
}

int krb_as_step(struct krb_as *as, const uint8_t *in, size_t in_len, struct bytes_writer *out)
{
    int rc;

    switch (as->state) {
    case KRB_ST_INIT:
        if (in || !out)
            return KRB_E_STATE;
        if ((rc = build_request(as, out)))
            return rc;
        as->state = KRB_ST_SENT;
        return KRB_CONTINUE;
    case KRB_ST_SENT:
    case KRB_ST_SENT_PREAUTH:
        if (!in || !out)
            return KRB_E_STATE;
        if (krb_reply_tag(in, in_len) == DER_APPLICATION(KRB_TAG_ERROR))
            return on_error(as, in, in_len, out);
        rc = on_reply(as, in, in_len);
        as->state = rc ? KRB_ST_FAILED : KRB_ST_DONE;
        return rc;
    }
    return KRB_E_STATE;
}
