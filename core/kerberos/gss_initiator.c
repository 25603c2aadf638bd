/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The initiator's side of the Kerberos mechanism (RFC 4121 4.1): an AP-REQ
 * whose Authenticator (usage 11) carries the GSS checksum 0x8003 (the
 * channel-binding hash and the GSS flags), a fresh subkey and the first
 * sequence number; then, for mutual authentication, the AP-REP (usage 12)
 * must echo our ctime and cusec, and brings the acceptor's subkey and
 * sequence number.  Delegation is never done. */
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "gss.h"
#include "sspishim/crypto.h"

/* RFC 4121 4.1.1: Lgth (16, little-endian), Bnd, Flags (little-endian). */
static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static int build_authenticator(struct krb_gss_ctx *ctx, const struct krb_creds *creds, uint32_t flags,
                               const uint8_t *cb_hash, struct krb_enc_data *enc, uint8_t **sealed)
{
    uint8_t cksum[24];
    struct krb_authenticator a;
    struct bytes_writer plain;
    size_t sealed_len;
    int rc;

    memset(&a, 0, sizeof(a));
    put_le32(cksum, 16);
    if (cb_hash)
        memcpy(cksum + 4, cb_hash, 16);
    else
        memset(cksum + 4, 0, 16);
    put_le32(cksum + 20, flags);
    memcpy(a.crealm, creds->crealm, sizeof(a.crealm));
    a.cname = creds->cname;
    a.has_cksum = true;
    a.cksum = (struct krb_checksum){ KG_CKSUM_GSS, { cksum, sizeof(cksum) } };
    a.ctime = ctx->ctime;
    a.cusec = ctx->cusec;
    a.has_subkey = true;
    a.subkey = ctx->init_subkey;
    a.has_seq = true;
    a.seq = (uint32_t)ctx->send_seq;
    bytes_writer_init_heap(&plain, 1u << 14);
    if (krb_authenticator_encode(&plain, &a))
        rc = KRB_E_NO_MEMORY;
    else
        rc = gss_crypto_status(krb_seal(&creds->key, KRB_KU_AP_REQ_AUTH, bytes_writer_span(&plain), sealed,
                                        &sealed_len));
    bytes_writer_free(&plain);
    crypto_wipe(&a.subkey, sizeof(a.subkey));
    if (rc == KRB_OK) {
        enc->etype = creds->key.etype;
        enc->cipher = (struct bytes_span){ *sealed, sealed_len };
    }
    return rc;
}

int krb_gss_init_start(struct krb_gss_ctx *ctx, const struct krb_creds *creds, uint32_t flags,
                       const uint8_t *cb_hash, int64_t clock_offset, struct bytes_writer *out)
{
    struct krb_enc_data enc = { 0 };
    struct bytes_writer ap;
    uint8_t *sealed = NULL;
    uint32_t seq;
    int rc;

    if (!ctx)
        return KRB_E_STATE;
    memset(ctx, 0, sizeof(*ctx));
    ctx->state = KRB_GSS_ST_FAILED;
    if (!creds || !creds->ticket || !creds->ticket_len || !out || !krb_crypto_supported(creds->key.etype))
        return KRB_E_STATE;
    ctx->initiator = true;
    ctx->clock_offset = clock_offset;
    ctx->flags = (flags & ~(uint32_t)KRB_GSS_DELEG) | KRB_GSS_CONF | KRB_GSS_INTEG;
    ctx->session = creds->key;
    memcpy(ctx->crealm, creds->crealm, sizeof(ctx->crealm));
    ctx->cname = creds->cname;
    memcpy(ctx->srealm, creds->srealm, sizeof(ctx->srealm));
    ctx->sname = creds->sname;
    ctx->ticket_flags = creds->flags;
    ctx->authtime = creds->authtime;
    ctx->endtime = creds->endtime;
    krb_clock(clock_offset, &ctx->ctime, &ctx->cusec);
    if ((rc = gss_random_key(creds->key.etype, &ctx->init_subkey)) || (rc = gss_random_seq(&seq)))
        goto fail;
    ctx->has_init_subkey = true;
    ctx->send_seq = seq;
    if ((rc = build_authenticator(ctx, creds, ctx->flags, cb_hash, &enc, &sealed)))
        goto fail;
    bytes_writer_init_heap(&ap, 1u << 20);
    if (krb_ap_req_encode(&ap, (flags & KRB_GSS_MUTUAL) ? KRB_AP_OPT_MUTUAL_REQUIRED : 0,
                          (struct bytes_span){ creds->ticket, creds->ticket_len }, &enc) ||
        krb_gss_frame_encode(out, KRB_GSS_TOK_AP_REQ, bytes_writer_span(&ap)))
        rc = KRB_E_NO_MEMORY;
    bytes_writer_free(&ap);
    free(sealed);
    if (rc)
        goto fail;
    if (flags & KRB_GSS_MUTUAL) {
        ctx->state = KRB_GSS_ST_WAIT_AP_REP;
        return KRB_CONTINUE;
    }
    /* RFC 4121 4.1: without an AP-REP the acceptor starts its sequence
     * numbers where ours start. */
    ctx->recv_next = seq;
    ctx->state = KRB_GSS_ST_ESTABLISHED;
    return KRB_OK;
fail:
    krb_gss_ctx_free(ctx);
    ctx->state = KRB_GSS_ST_FAILED;
    return rc;
}

static int take_error(struct krb_gss_ctx *ctx, struct bytes_span inner)
{
    struct krb_error err;
    struct bytes_reader r;

    bytes_reader_init(&r, inner.p, inner.len);
    if (krb_error_decode(&r, &err) || bytes_remaining(&r))
        return KRB_E_MALFORMED;
    ctx->peer_error = err.code;
    return krb_status_from_kdc_error(err.code);
}

static int take_ap_rep(struct krb_gss_ctx *ctx, struct bytes_span inner)
{
    struct krb_enc_data enc;
    struct krb_ap_rep_part part;
    struct bytes_reader r;
    uint8_t *plain;
    size_t len;
    int rc;

    bytes_reader_init(&r, inner.p, inner.len);
    if (krb_ap_rep_decode(&r, &enc) || bytes_remaining(&r))
        return KRB_E_MALFORMED;
    if ((rc = krb_open(&ctx->session, KRB_KU_AP_REP_ENC, &enc, &plain, &len)))
        return rc == KRB_CRYPTO_NO_MEMORY ? KRB_E_NO_MEMORY : KRB_E_BAD_INTEGRITY;
    bytes_reader_init(&r, plain, len);
    rc = krb_ap_rep_part_decode(&r, &part) ? KRB_E_MALFORMED : KRB_OK;
    crypto_wipe(plain, len);
    free(plain);
    if (rc)
        return rc;
    if (part.ctime != ctx->ctime || part.cusec != ctx->cusec)
        rc = KRB_E_MODIFIED;
    else if (part.has_subkey && !krb_crypto_supported(part.subkey.etype))
        rc = KRB_E_ETYPE;
    if (rc == KRB_OK) {
        /* For RFC 1964/4757 tokens a subkey of our own etype is not taken,
         * as MIT does (RFC 1964 predates acceptor subkeys). */
        if (part.has_subkey && (gss_cfx_etype(part.subkey.etype) || part.subkey.etype != ctx->init_subkey.etype)) {
            ctx->acc_subkey = part.subkey;
            ctx->has_acc_subkey = true;
        }
        ctx->recv_next = part.has_seq ? part.seq : ctx->send_seq;
    }
    crypto_wipe(&part, sizeof(part));
    return rc;
}

int krb_gss_init_step(struct krb_gss_ctx *ctx, const uint8_t *in, size_t len)
{
    struct bytes_span inner;
    uint16_t tok;
    int rc;

    if (!ctx || ctx->state != KRB_GSS_ST_WAIT_AP_REP || (!in && len))
        return KRB_E_STATE;
    if (krb_gss_frame_decode((struct bytes_span){ in, len }, &tok, &inner))
        rc = KRB_E_MALFORMED;
    else if (tok == KRB_GSS_TOK_ERROR)
        rc = take_error(ctx, inner);
    else if (tok == KRB_GSS_TOK_AP_REP)
        rc = take_ap_rep(ctx, inner);
    else
        rc = KRB_E_MALFORMED;
    if (rc != KRB_OK) {
        int32_t code = ctx->peer_error;
        krb_gss_ctx_free(ctx);
        ctx->peer_error = code;
        ctx->state = KRB_GSS_ST_FAILED;
        return rc;
    }
    ctx->flags |= KRB_GSS_MUTUAL;
    ctx->state = KRB_GSS_ST_ESTABLISHED;
    return KRB_OK;
}
