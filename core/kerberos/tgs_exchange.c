/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The TGS exchange (RFC 4120 3.3): a service ticket for a principal such
 * as HTTP/localhost, paid for with the TGT.  The TGS-REQ carries, as
 * PA-TGS-REQ, an AP-REQ with the TGT and an Authenticator sealed under
 * the TGT's session key (usage 7) whose checksum (usage 6) covers the
 * req-body as sent; the reply's enc-part is sealed under the same session
 * key (usage 8). */
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "sspishim/crypto.h"
#include "sspishim/der.h"

#define TGS_LIFETIME (10 * 3600)

int krb_tgs_init(struct krb_tgs *tgs, const struct krb_creds *tgt, const char *service, const char *realm)
{
    memset(tgs, 0, sizeof(*tgs));
    if (!tgt || !tgt->ticket || !service)
        return KRB_E_STATE;
    if (!realm)
        realm = tgt->crealm;
    if (!*realm || strlen(realm) >= KRB_STR_MAX || krb_principal_parse(service, KRB_NT_SRV_INST, &tgs->sname))
        return KRB_E_STATE;
    memcpy(tgs->srealm, realm, strlen(realm) + 1);
    tgs->tgt = tgt;
    return KRB_OK;
}

void krb_tgs_free(struct krb_tgs *tgs)
{
    krb_creds_free(&tgs->creds);
    crypto_wipe(tgs, sizeof(*tgs));
}

void krb_tgs_take_creds(struct krb_tgs *tgs, struct krb_creds *out)
{
    *out = tgs->creds;
    memset(&tgs->creds, 0, sizeof(tgs->creds));
}

/* The AP-REQ for PA-TGS-REQ, into ap. */
static int build_ap_req(struct krb_tgs *tgs, struct bytes_span body, int64_t now, uint32_t usec,
                        struct bytes_writer *ap)
{
    const struct krb_creds *tgt = tgs->tgt;
    uint8_t cksum[64], *sealed = NULL;
    size_t cksum_len, sealed_len;
    struct krb_authenticator a = { .cusec = usec, .ctime = now, .has_cksum = true };
    struct krb_enc_data enc = { .etype = tgt->key.etype };
    struct bytes_writer plain;
    int rc;

    if (krb_crypto_make_checksum(&tgt->key, KRB_KU_TGS_REQ_CKSUM, body.p, body.len, &a.cksum.type, cksum,
                                 sizeof(cksum), &cksum_len))
        return KRB_E_ETYPE;
    a.cksum.value = (struct bytes_span){ cksum, cksum_len };
    memcpy(a.crealm, tgt->crealm, sizeof(a.crealm));
    a.cname = tgt->cname;
    bytes_writer_init_heap(&plain, 1u << 14);
    rc = krb_authenticator_encode(&plain, &a) ? KRB_E_NO_MEMORY
         : krb_seal(&tgt->key, KRB_KU_TGS_REQ_AUTH, bytes_writer_span(&plain), &sealed, &sealed_len);
    bytes_writer_free(&plain);
    if (rc)
        return rc == KRB_CRYPTO_NO_MEMORY || rc == KRB_E_NO_MEMORY ? KRB_E_NO_MEMORY : KRB_E_STATE;
    enc.cipher = (struct bytes_span){ sealed, sealed_len };
    rc = krb_ap_req_encode(ap, 0, (struct bytes_span){ tgt->ticket, tgt->ticket_len }, &enc) ? KRB_E_NO_MEMORY
                                                                                               : KRB_OK;
    free(sealed);
    return rc;
}

static int build_request(struct krb_tgs *tgs, struct bytes_writer *out)
{
    struct bytes_writer body, ap;
    struct krb_padata pa = { .type = KRB_PA_TGS_REQ };
    int64_t now;
    uint32_t usec;
    int rc;

    krb_clock(tgs->clock_offset, &now, &usec);
    if (krb_nonce(&tgs->nonce))
        return KRB_E_STATE;
    struct krb_kdc_req_body b = {
        .options = 0, .realm = tgs->srealm, .sname = &tgs->sname, .till = now + TGS_LIFETIME,
        .nonce = tgs->nonce, .etypes = krb_default_etypes, .n_etypes = krb_default_etypes_count,
    };
    bytes_writer_init_heap(&body, 1u << 16);
    bytes_writer_init_heap(&ap, 1u << 16);
    rc = krb_kdc_req_body_encode(&body, &b) ? KRB_E_NO_MEMORY : KRB_OK;
    if (!rc)
        rc = build_ap_req(tgs, bytes_writer_span(&body), now, usec, &ap);
    if (!rc) {
        pa.value = bytes_writer_span(&ap);
        rc = krb_kdc_req_encode(out, KRB_TAG_TGS_REQ, &pa, 1, bytes_writer_span(&body)) ? KRB_E_NO_MEMORY : KRB_OK;
    }
    bytes_writer_free(&ap);
    bytes_writer_free(&body);
    return rc;
}

static int on_reply(struct krb_tgs *tgs, const uint8_t *in, size_t len)
{
    struct krb_kdc_rep rep;
    struct krb_enc_kdc_rep enc;
    struct bytes_reader r;
    int rc;

    bytes_reader_init(&r, in, len);
    if (krb_kdc_rep_decode(&r, &rep) || bytes_remaining(&r) || rep.msg_type != KRB_TAG_TGS_REP)
        return KRB_E_MALFORMED;
    rc = krb_open_kdc_rep(&tgs->tgt->key, KRB_KU_TGS_REP_ENC, &rep, &enc);
    if (rc)
        return rc;
    if (enc.nonce != tgs->nonce || strcmp(enc.srealm, tgs->srealm) || !krb_principal_equal(&enc.sname, &tgs->sname) ||
        strcmp(rep.crealm, tgs->tgt->crealm) || !krb_principal_equal(&rep.cname, &tgs->tgt->cname))
        rc = KRB_E_MODIFIED;
    else
        rc = krb_creds_fill(&tgs->creds, &rep, &enc);
    crypto_wipe(&enc, sizeof(enc));
    return rc;
}

int krb_tgs_step(struct krb_tgs *tgs, const uint8_t *in, size_t in_len, struct bytes_writer *out)
{
    struct krb_error err;
    int rc;

    switch (tgs->state) {
    case KRB_ST_INIT:
        if (in || !out)
            return KRB_E_STATE;
        if ((rc = build_request(tgs, out)))
            return rc;
        tgs->state = KRB_ST_SENT;
        return KRB_CONTINUE;
    case KRB_ST_SENT:
        if (!in)
            return KRB_E_STATE;
        if (krb_reply_tag(in, in_len) == DER_APPLICATION(KRB_TAG_ERROR)) {
            rc = krb_error_status(in, in_len, &tgs->kdc_error, &err);
            if (rc == KRB_E_RESPONSE_TOO_BIG)
                return rc;
            /* A TGS-REQ carries no password: an integrity error here is
             * a TGT the KDC no longer takes, not a logon failure. */
            if (rc == KRB_E_LOGON_DENIED)
                rc = KRB_E_MODIFIED;
        } else {
            rc = on_reply(tgs, in, in_len);
        }
        tgs->state = rc ? KRB_ST_FAILED : KRB_ST_DONE;
        return rc;
    }
    return KRB_E_STATE;
}
