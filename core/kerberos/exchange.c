/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pieces of the AS and TGS exchanges that are the same for both: statuses,
 * the clock and nonces from the platform hook, and turning a checked reply
 * into credentials. */
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "sspishim/crypto.h"
#include "sspishim/der.h"
#include "sspishim/sys.h"

const int32_t krb_default_etypes[] = {
    KRB_ETYPE_AES256_CTS_HMAC_SHA1_96, KRB_ETYPE_AES128_CTS_HMAC_SHA1_96,
    KRB_ETYPE_AES256_CTS_HMAC_SHA384_192, KRB_ETYPE_AES128_CTS_HMAC_SHA256_128,
    KRB_ETYPE_RC4_HMAC,
};
const size_t krb_default_etypes_count = sizeof(krb_default_etypes) / sizeof(krb_default_etypes[0]);

const char *krb_status_text(int status)
{
    switch (status) {
    case KRB_OK: return "ok";
    case KRB_CONTINUE: return "continue";
    case KRB_E_LOGON_DENIED: return "logon denied (wrong password)";
    case KRB_E_CLIENT_UNKNOWN: return "client principal unknown";
    case KRB_E_SERVER_UNKNOWN: return "server principal unknown";
    case KRB_E_SKEW: return "clock skew too great";
    case KRB_E_ETYPE: return "no common encryption type";
    case KRB_E_MALFORMED: return "malformed reply";
    case KRB_E_MODIFIED: return "reply does not match the request";
    case KRB_E_KDC: return "KDC error";
    case KRB_E_RESPONSE_TOO_BIG: return "response too big for UDP";
    case KRB_E_NO_MEMORY: return "out of memory";
    case KRB_E_STATE: return "bad argument or state";
    case KRB_E_EXPIRED: return "expired";
    case KRB_E_REVOKED: return "account revoked";
    case KRB_E_REPLAY: return "replayed";
    case KRB_E_BAD_INTEGRITY: return "message altered";
    case KRB_E_SEQ_OUT_OF_ORDER: return "out of sequence";
    case KRB_E_TKT_EXPIRED: return "ticket expired";
    case KRB_E_TKT_NYV: return "ticket not yet valid";
    case KRB_E_NO_KEY: return "no key for the ticket";
    case KRB_E_BAD_BINDINGS: return "channel bindings differ";
    case KRB_E_UNSUPPORTED: return "unsupported";
    case KRB_E_KDC_UNREACHABLE: return "no KDC answered";
    }
    return "unknown status";
}

int krb_status_from_kdc_error(int32_t code)
{
    switch (code) {
    case KDC_ERR_C_PRINCIPAL_UNKNOWN: return KRB_E_CLIENT_UNKNOWN;
    case KDC_ERR_S_PRINCIPAL_UNKNOWN: return KRB_E_SERVER_UNKNOWN;
    case KDC_ERR_ETYPE_NOSUPP: return KRB_E_ETYPE;
    case KDC_ERR_CLIENT_REVOKED: return KRB_E_REVOKED;
    case KDC_ERR_KEY_EXPIRED:
    case KRB_AP_ERR_TKT_EXPIRED: return KRB_E_EXPIRED;
    /* MIT answers a wrong encrypted timestamp with PREAUTH_FAILED, Windows
     * and older KDCs with BAD_INTEGRITY: both mean the password. */
    case KDC_ERR_PREAUTH_FAILED:
    case KRB_AP_ERR_BAD_INTEGRITY: return KRB_E_LOGON_DENIED;
    case KRB_AP_ERR_SKEW: return KRB_E_SKEW;
    case KRB_AP_ERR_REPEAT: return KRB_E_REPLAY;
    case KRB_AP_ERR_TKT_NYV: return KRB_E_TKT_NYV;
    case KRB_AP_ERR_MODIFIED: return KRB_E_MODIFIED;
    case KRB_AP_ERR_BADKEYVER:
    case KRB_AP_ERR_NOKEY: return KRB_E_NO_KEY;
    case KRB_ERR_RESPONSE_TOO_BIG: return KRB_E_RESPONSE_TOO_BIG;
    }
    return KRB_E_KDC;
}

void krb_creds_free(struct krb_creds *c)
{
    if (c->ticket) {
        crypto_wipe(c->ticket, c->ticket_len);
        free(c->ticket);
    }
    crypto_wipe(c, sizeof(*c));
}

/* FILETIME counts from 1601; 11644473600 seconds lie between 1601 and 1970. */
void krb_clock(int64_t offset, int64_t *secs, uint32_t *usec)
{
    uint64_t ft = sys_filetime_now();

    *secs = (int64_t)(ft / 10000000u) - INT64_C(11644473600) + offset;
    if (usec)
        *usec = (uint32_t)(ft / 10u % 1000000u);
}

int krb_nonce(uint32_t *out)
{
    uint32_t v;

    if (sys_random(&v, sizeof(v)))
        return KRB_E_STATE;
    *out = v & 0x7fffffffu;
    return KRB_OK;
}

int krb_reply_tag(const uint8_t *in, size_t len)
{
    if (!in || !len)
        return -1;
    return in[0];
}

int krb_error_status(const uint8_t *in, size_t len, int32_t *code, struct krb_error *err)
{
    struct bytes_reader r;

    bytes_reader_init(&r, in, len);
    *code = 0;
    if (krb_error_decode(&r, err) || bytes_remaining(&r))
        return KRB_E_MALFORMED;
    *code = err->code;
    return krb_status_from_kdc_error(err->code);
}

int krb_open_kdc_rep(const struct krb_key *key, uint32_t usage, const struct krb_kdc_rep *rep,
                     struct krb_enc_kdc_rep *enc)
{
    uint8_t *plain;
    size_t len;
    struct bytes_reader r;
    int rc;

    memset(enc, 0, sizeof(*enc));
    rc = krb_open(key, usage, &rep->enc, &plain, &len);
    if (rc == KRB_CRYPTO_NO_MEMORY)
        return KRB_E_NO_MEMORY;
    if (rc == KRB_CRYPTO_BAD_ETYPE)
        return KRB_E_ETYPE;
    if (rc)
        return KRB_E_MODIFIED;
    bytes_reader_init(&r, plain, len);
    /* Some encoders pad the plaintext to the block size (RFC 4120 5.4.2
     * lets a decoder ignore trailing bytes), so leftovers are allowed. */
    rc = krb_enc_kdc_rep_decode(&r, enc) ? KRB_E_MALFORMED : KRB_OK;
    crypto_wipe(plain, len);
    free(plain);
    return rc;
}

int krb_creds_fill(struct krb_creds *c, const struct krb_kdc_rep *rep, const struct krb_enc_kdc_rep *enc)
{
    memset(c, 0, sizeof(*c));
    if (!(c->ticket = malloc(rep->ticket.whole.len)))
        return KRB_E_NO_MEMORY;
    memcpy(c->ticket, rep->ticket.whole.p, rep->ticket.whole.len);
    c->ticket_len = rep->ticket.whole.len;
    memcpy(c->crealm, rep->crealm, sizeof(c->crealm));
    c->cname = rep->cname;
    memcpy(c->srealm, enc->srealm, sizeof(c->srealm));
    c->sname = enc->sname;
    c->key = enc->key;
    c->flags = enc->flags;
    c->authtime = enc->authtime;
    c->endtime = enc->endtime;
    return KRB_OK;
}
