/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 4121 4.2.6.1 MIC tokens:
 *
 *   04 04 Flags FF FF FF FF FF SND_SEQ(8) SGN_CKSUM
 *
 * The checksum (SIGN usage) covers the message, then the 16 header
 * octets.  SSPI's MakeSignature writes this token into SECBUFFER_TOKEN. */
#include <stdlib.h>
#include <string.h>

#include "gss.h"
#include "sspishim/crypto.h"

#define HDR 16
#define MIC_MAX ((size_t)1 << 30)

static void put_header(uint8_t *h, uint8_t flags, uint64_t seq)
{
    h[0] = 0x04;
    h[1] = 0x04;
    h[2] = flags;
    memset(h + 3, 0xff, 5);
    for (int i = 0; i < 8; i++)
        h[8 + i] = (uint8_t)(seq >> (56 - 8 * i));
}

/* msg | header into a fresh buffer: what the checksum covers. */
static uint8_t *signed_bytes(const uint8_t *msg, size_t len, const uint8_t *hdr)
{
    uint8_t *buf = malloc(len + HDR);

    if (buf) {
        if (len)
            memcpy(buf, msg, len);
        memcpy(buf + len, hdr, HDR);
    }
    return buf;
}

int krb_gss_get_mic(struct krb_gss_ctx *ctx, const uint8_t *msg, size_t len, uint8_t *out, size_t out_cap,
                    size_t *out_len)
{
    const struct krb_key *key;
    bool acc_subkey;
    uint8_t *buf;
    size_t h, n;
    int32_t type;
    int rc;

    if (out_len)
        *out_len = 0;
    if (!ctx || ctx->state != KRB_GSS_ST_ESTABLISHED || (!msg && len) || !out || !out_len)
        return KRB_E_STATE;
    if (len > MIC_MAX)
        return KRB_E_NO_MEMORY;
    key = gss_send_key(ctx, &acc_subkey);
    if (key->etype == KRB_ETYPE_RC4_HMAC)
        return gss_rc4_get_mic(ctx, key, msg, len, out, out_cap, out_len);
    if (!gss_cfx_etype(key->etype))
        return KRB_E_UNSUPPORTED;
    h = krb_crypto_checksum_size(key->etype);
    if (out_cap < HDR + h)
        return KRB_E_STATE;
    put_header(out, (uint8_t)((ctx->initiator ? 0 : KG_FLAG_SENT_BY_ACCEPTOR) |
                              (acc_subkey ? KG_FLAG_ACCEPTOR_SUBKEY : 0)), ctx->send_seq);
    if (!(buf = signed_bytes(msg, len, out)))
        return KRB_E_NO_MEMORY;
    rc = gss_crypto_status(krb_crypto_make_checksum(key, ctx->initiator ? KG_USAGE_INITIATOR_SIGN
                                                                        : KG_USAGE_ACCEPTOR_SIGN,
                                                    buf, len + HDR, &type, out + HDR, out_cap - HDR, &n));
    free(buf);
    if (rc)
        return rc;
    ctx->send_seq++;
    *out_len = HDR + n;
    return KRB_OK;
}

int krb_gss_verify_mic(struct krb_gss_ctx *ctx, const uint8_t *msg, size_t len, const uint8_t *tok,
                       size_t tok_len, unsigned *supp)
{
    const struct krb_key *key;
    uint8_t *buf;
    uint64_t seq = 0;
    int rc;

    if (supp)
        *supp = 0;
    if (!ctx || ctx->state != KRB_GSS_ST_ESTABLISHED || (!msg && len) || (!tok && tok_len))
        return KRB_E_STATE;
    {
        bool acc_subkey;
        key = gss_send_key(ctx, &acc_subkey);
        if (key->etype == KRB_ETYPE_RC4_HMAC)
            return len > MIC_MAX ? KRB_E_MALFORMED : gss_rc4_verify_mic(ctx, key, msg, len, tok, tok_len, supp);
    }
    if (len > MIC_MAX || tok_len < HDR || tok[0] != 0x04 || tok[1] != 0x04)
        return KRB_E_MALFORMED;
    for (int i = 3; i < 8; i++)
        if (tok[i] != 0xff)
            return KRB_E_MALFORMED;
    if (!(tok[2] & KG_FLAG_SENT_BY_ACCEPTOR) != !ctx->initiator)
        return KRB_E_BAD_INTEGRITY;
    if (!(key = gss_recv_key(ctx, tok[2])))
        return KRB_E_BAD_INTEGRITY;
    if (!gss_cfx_etype(key->etype))
        return KRB_E_UNSUPPORTED;
    if (!(buf = signed_bytes(msg, len, tok)))
        return KRB_E_NO_MEMORY;
    rc = gss_crypto_status(krb_crypto_verify_checksum(key, ctx->initiator ? KG_USAGE_ACCEPTOR_SIGN
                                                                          : KG_USAGE_INITIATOR_SIGN,
                                                      krb_crypto_checksum_type(key->etype), buf, len + HDR,
                                                      tok + HDR, tok_len - HDR));
    free(buf);
    if (rc)
        return rc;
    for (int i = 0; i < 8; i++)
        seq = seq << 8 | tok[8 + i];
    return gss_seq_accept(ctx, seq, supp);
}
