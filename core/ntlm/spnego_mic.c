/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What SPNEGO needs of an NTLM context beyond SSPI's calls: the
 * mechListMIC, and moving the sequence numbers on after an import.
 *
 * The mechListMIC is an NTLM signature over the DER mechTypes, made and
 * checked like MakeSignature / VerifySignature: it takes the next sequence
 * number of its direction.  MS-SPNG 3.3.5.1 then has the RC4 handle of that
 * direction rekeyed from the sealing key, so the first message the
 * application signs starts from the same cipher state as the MIC did; the
 * sequence number is not reset (the application's first message is number
 * 1).  gss-ntlmssp and MIT's SPNEGO (its reset-crypto context option) do
 * the same, and so interoperate with Windows.
 *
 * Without extended session security the MIC is the CRC32 signature of
 * MS-NLMP 3.4.4.1 on the one shared stream and counter, and the "rekey"
 * restarts that one handle, whichever way the MIC went: what gss-ntlmssp's
 * ntlm_reset_rc4_state does there.  Our own Negotiate ends always agree on
 * extended session security; this mode only meets foreign peers. */
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"

#include "ntlm_pkg.h"

static shim_status enter(shim_ctx *obj, struct ntlm_ctx **out)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    if (ctx->state != NTLM_ESTABLISHED) {
        sys_mutex_unlock(&ctx->lock);
        return SHIM_E_INVALID_HANDLE;
    }
    if (!(ctx->flags & NTLM_NEGOTIATE_SIGN)) {
        sys_mutex_unlock(&ctx->lock);
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    *out = ctx;
    return SHIM_OK;
}

/* One direction's sealing state as the handshake keyed it (extended
 * session security: a handle each way). */
static void fresh_dir(const struct ntlm_ctx *ctx, bool send, struct ntlm_seal_dir *out)
{
    bool to_server = ctx->server != send;

    ntlm_seal_dir_init(out, ctx->session_key, to_server ? NTLM_CLIENT_TO_SERVER : NTLM_SERVER_TO_CLIENT,
                       (ctx->flags & NTLM_NEGOTIATE_KEY_EXCH) != 0);
}

/* Rekeys one direction's RC4 handle (or the shared one); its signing key
 * stays as it is. */
static void rekey(struct ntlm_ctx *ctx, bool send)
{
    struct ntlm_seal_dir fresh;

    if (ntlm_ctx_shared(ctx)) {
        ntlm_seal_dir_init_shared(&fresh, ctx->session_key, ntlm_ctx_key_strength(ctx->flags));
        ctx->send.rc4 = fresh.rc4;
        ntlm_seal_dir_wipe(&fresh);
        return;
    }
    fresh_dir(ctx, send, &fresh);
    if (send)
        ctx->send.rc4 = fresh.rc4;
    else
        ctx->recv.rc4 = fresh.rc4;
    ntlm_seal_dir_wipe(&fresh);
}

shim_status ntlm_spnego_make_mic(shim_ctx *obj, const uint8_t *data, size_t len, uint8_t sig[NTLM_SPNEGO_MIC_SIZE])
{
    struct ntlm_ctx *ctx;
    shim_status st;

    if ((st = enter(obj, &ctx)))
        return st;
    ntlm_sign(&ctx->send, ctx->send_seq, data, len, sig);
    ctx->send_seq++;
    rekey(ctx, true);
    sys_mutex_unlock(&ctx->lock);
    return SHIM_OK;
}

shim_status ntlm_spnego_check_mic(shim_ctx *obj, const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len)
{
    struct ntlm_ctx *ctx;
    struct crypto_rc4 saved;
    enum ntlm_sig_status s;
    shim_status st;

    if ((st = enter(obj, &ctx)))
        return st;
    if (sig_len != NTLM_SPNEGO_MIC_SIZE) {
        sys_mutex_unlock(&ctx->lock);
        WARN("mechListMIC of %lu bytes\n", (unsigned long)sig_len);
        return SHIM_E_MESSAGE_ALTERED;
    }
    saved = ntlm_ctx_recv_dir(ctx)->rc4;
    if ((s = ntlm_verify(ntlm_ctx_recv_dir(ctx), *ntlm_ctx_recv_seq(ctx), data, len, sig)) == NTLM_SIG_OK) {
        (*ntlm_ctx_recv_seq(ctx))++;
        rekey(ctx, false);
    } else {
        ntlm_ctx_recv_dir(ctx)->rc4 = saved;
        WARN("mechListMIC does not verify (%d)\n", s);
    }
    crypto_wipe(&saved, sizeof(saved));
    sys_mutex_unlock(&ctx->lock);
    return s == NTLM_SIG_OK ? SHIM_OK : s == NTLM_SIG_OUT_OF_SEQUENCE ? SHIM_E_OUT_OF_SEQUENCE
                                                                     : SHIM_E_MESSAGE_ALTERED;
}

shim_status ntlm_spnego_skip_mic(shim_ctx *obj, uint32_t *seq)
{
    struct ntlm_ctx *ctx;
    shim_status st;

    if ((st = enter(obj, &ctx)))
        return st;
    if (ntlm_ctx_shared(ctx)) {
        /* one stream both ways: where the peer's MIC leaves it depends on
         * the MIC itself */
        sys_mutex_unlock(&ctx->lock);
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    *seq = ctx->recv_seq++;
    rekey(ctx, false);
    sys_mutex_unlock(&ctx->lock);
    return SHIM_OK;
}

shim_status ntlm_spnego_check_skipped_mic(shim_ctx *obj, uint32_t seq, const uint8_t *data, size_t len,
                                          const uint8_t *sig, size_t sig_len)
{
    struct ntlm_ctx *ctx;
    struct ntlm_seal_dir fresh;
    enum ntlm_sig_status s;
    shim_status st;

    if ((st = enter(obj, &ctx)))
        return st;
    if (sig_len != NTLM_SPNEGO_MIC_SIZE || ntlm_ctx_shared(ctx)) {
        sys_mutex_unlock(&ctx->lock);
        return SHIM_E_MESSAGE_ALTERED;
    }
    /* The peer made it from its freshly keyed sending handle, which is
     * what a rekey of our receiving one gives; our own state stays. */
    fresh_dir(ctx, false, &fresh);
    s = ntlm_verify(&fresh, seq, data, len, sig);
    ntlm_seal_dir_wipe(&fresh);
    sys_mutex_unlock(&ctx->lock);
    if (s != NTLM_SIG_OK)
        WARN("the late mechListMIC does not verify (%d)\n", s);
    return s == NTLM_SIG_OK ? SHIM_OK : SHIM_E_MESSAGE_ALTERED;
}

shim_status ntlm_advance_sequence(shim_ctx *obj, uint32_t send, uint32_t recv)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    ctx->send_seq += send;
    *ntlm_ctx_recv_seq(ctx) += recv;
    sys_mutex_unlock(&ctx->lock);
    return SHIM_OK;
}

bool ntlm_spnego_peer_mic(shim_ctx *obj)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);
    bool mic;

    if (!ctx)
        return false;
    sys_mutex_lock(&ctx->lock);
    mic = ctx->server && ctx->auth_mic;
    sys_mutex_unlock(&ctx->lock);
    return mic;
}
