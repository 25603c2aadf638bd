/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* MakeSignature, VerifySignature, EncryptMessage and DecryptMessage over
 * SecBuffer descriptions, with extended session security (MS-NLMP 3.4.4.2)
 * or without it (3.4.4.1).
 *
 * Choices where Windows leaves room:
 * - The signature goes in (and is read from) the first SECBUFFER_TOKEN:
 *   none is SEC_E_INVALID_TOKEN (as Windows in Wine's NTLM tests); one
 *   shorter than 16 bytes is SEC_E_BUFFER_TOO_SMALL when we write it and
 *   SEC_E_INVALID_TOKEN when we read it.  Its cbBuffer is set to 16.
 * - SECBUFFER_DATA buffers are covered in order.  Those flagged
 *   SECBUFFER_READONLY or SECBUFFER_READONLY_WITH_CHECKSUM are signed but
 *   never encrypted: Windows' RPC runtime passes PDU headers as READONLY
 *   and NTLM signs the whole PDU whether or not header signing was agreed
 *   (SecBuffer's documentation: READONLY is "for sending header information
 *   to the security package for computing the checksum").  Other buffer
 *   types are ignored.
 * - Sequence numbers are the context's, one counter per direction; the
 *   caller's MessageSeqNo is ignored, as Windows does with extended session
 *   security.  Without it one counter and one RC4 stream serve both
 *   directions (MS-NLMP 3.4.4.1): every message sent or received takes the
 *   next number and the next stretch of keystream, so the two ends must
 *   take turns in the same order; MessageSeqNo is ignored there too (it is
 *   for connectionless NTLM, which is not supported).  A message that fails verification (altered: SEC_E_MESSAGE_
 *   ALTERED; replayed or out of order: SEC_E_OUT_OF_SEQUENCE) leaves the
 *   receiving state as it was, so a forged message cannot desynchronise the
 *   session; the data of a failed DecryptMessage is restored too.
 * - When neither SIGN nor SEAL was negotiated, MakeSignature gives the
 *   dummy signature (version 1, zeros) and VerifySignature accepts only
 *   that, while EncryptMessage and DecryptMessage are SEC_E_UNSUPPORTED_
 *   FUNCTION: both as Windows since Vista in Wine's NTLM tests.
 * - EncryptMessage's fQOP: 0 seals; SECQOP_WRAP_NO_ENCRYPT only signs (the
 *   DATA stays clear); anything else is SEC_E_QOP_NOT_SUPPORTED, as is a
 *   non-zero fQOP for MakeSignature.  DecryptMessage recognises a message
 *   that was only signed and then sets *pfQOP to SECQOP_WRAP_NO_ENCRYPT;
 *   otherwise *pfQOP (and VerifySignature's) is left alone, as Windows.
 * - DecryptMessage also takes one SECBUFFER_STREAM holding
 *   signature(16) || ciphertext: the first SECBUFFER_DATA of the
 *   description then receives the plaintext's place inside the stream.
 * - A context that is not established: SEC_E_INVALID_HANDLE (context.c). */
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"

#include "ntlm_pkg.h"

static const uint8_t dummy_signature[NTLM_SIGNATURE_SIZE] = { 1 };

enum part { PART_NONE, PART_SIGNED, PART_SEALED };

static enum part part_of(const struct shim_buffer *b)
{
    if ((b->type & ~SHIM_BUFFER_ATTRMASK) != SHIM_BUFFER_DATA || !b->cb)
        return PART_NONE;
    if (b->type & (SHIM_BUFFER_READONLY | SHIM_BUFFER_READONLY_WITH_CHECKSUM))
        return PART_SIGNED;
    return PART_SEALED;
}

/* The buffers a call works on, found once. */
struct parts {
    struct shim_buffer *token, *stream, *data;
};

static shim_status scan(const struct shim_buffer_desc *m, struct parts *p)
{
    memset(p, 0, sizeof(*p));
    if (!m || (m->count && !m->buffers))
        return SHIM_E_INVALID_TOKEN;
    for (uint32_t i = 0; i < m->count; i++) {
        struct shim_buffer *b = &m->buffers[i];
        uint32_t type = b->type & ~SHIM_BUFFER_ATTRMASK;
        if (type != SHIM_BUFFER_DATA && type != SHIM_BUFFER_TOKEN && type != SHIM_BUFFER_STREAM)
            continue;
        if (b->cb && !b->pv) {
            WARN("buffer %u of type %#x has no memory\n", i, b->type);
            return SHIM_E_INVALID_TOKEN;
        }
        if (type == SHIM_BUFFER_TOKEN && !p->token)
            p->token = b;
        else if (type == SHIM_BUFFER_STREAM && !p->stream)
            p->stream = b;
        else if (type == SHIM_BUFFER_DATA && !p->data)
            p->data = b;
    }
    return SHIM_OK;
}

static void mac_parts(struct ntlm_mac *m, const struct shim_buffer_desc *msg)
{
    for (uint32_t i = 0; i < msg->count; i++)
        if (part_of(&msg->buffers[i]) != PART_NONE)
            ntlm_mac_update(m, msg->buffers[i].pv, msg->buffers[i].cb);
}

static void crypt_parts(struct crypto_rc4 *rc4, struct shim_buffer_desc *msg)
{
    for (uint32_t i = 0; i < msg->count; i++)
        if (part_of(&msg->buffers[i]) == PART_SEALED)
            crypto_rc4_crypt(rc4, msg->buffers[i].pv, msg->buffers[i].pv, msg->buffers[i].cb);
}

/* mac_parts and crypt_parts in one pass over each encrypted buffer
 * (ntlm_mac_seal, or ntlm_mac_unseal when opening): both keep their order
 * over the buffers, and with extended session security RC4 and the HMAC's
 * MD5 run stitched (core/crypto/rc4_md5.c). */
static void seal_parts(struct ntlm_mac *m, struct ntlm_seal_dir *d, struct shim_buffer_desc *msg, bool open)
{
    for (uint32_t i = 0; i < msg->count; i++) {
        struct shim_buffer *b = &msg->buffers[i];
        enum part part = part_of(b);
        if (part == PART_SEALED && open)
            ntlm_mac_unseal(m, d, b->pv, b->cb);
        else if (part == PART_SEALED)
            ntlm_mac_seal(m, d, b->pv, b->cb);
        else if (part == PART_SIGNED)
            ntlm_mac_update(m, b->pv, b->cb);
    }
}

static shim_status sig_status(enum ntlm_sig_status s)
{
    switch (s) {
    case NTLM_SIG_OK: return SHIM_OK;
    case NTLM_SIG_OUT_OF_SEQUENCE: return SHIM_E_OUT_OF_SEQUENCE;
    default: return SHIM_E_MESSAGE_ALTERED;
    }
}

/* Locks an established context; the caller unlocks. */
static shim_status enter(shim_ctx *obj, struct ntlm_ctx **out)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    if (ctx->state != NTLM_ESTABLISHED) {
        sys_mutex_unlock(&ctx->lock);
        WARN("context is not established\n");
        return SHIM_E_INVALID_HANDLE;
    }
    *out = ctx;
    return SHIM_OK;
}

static bool has_keys(const struct ntlm_ctx *ctx)
{
    return (ctx->flags & (NTLM_NEGOTIATE_SIGN | NTLM_NEGOTIATE_SEAL)) != 0;
}

/* A signature to write: the token must have room for it. */
static shim_status out_token(const struct parts *p)
{
    if (!p->token) {
        WARN("no token buffer for the signature\n");
        return SHIM_E_INVALID_TOKEN;
    }
    if (p->token->cb < NTLM_SIGNATURE_SIZE) {
        WARN("token buffer of %u bytes\n", p->token->cb);
        return SHIM_E_BUFFER_TOO_SMALL;
    }
    return SHIM_OK;
}

static void put_signature(struct shim_buffer *token, const uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    memcpy(token->pv, sig, NTLM_SIGNATURE_SIZE);
    token->cb = NTLM_SIGNATURE_SIZE;
}

/* A signature to read. */
static shim_status in_token(const struct parts *p, uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    if (!p->token || p->token->cb < NTLM_SIGNATURE_SIZE) {
        WARN("no signature in the message\n");
        return SHIM_E_INVALID_TOKEN;
    }
    memcpy(sig, p->token->pv, NTLM_SIGNATURE_SIZE);
    return SHIM_OK;
}

/* Signs (and, unless sign_only, seals) msg in the sending direction. */
static void protect(struct ntlm_ctx *ctx, struct shim_buffer_desc *msg, bool sign_only,
                    uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    struct ntlm_mac m;

    ntlm_mac_init(&m, &ctx->send, ctx->send_seq);
    if (sign_only)
        mac_parts(&m, msg);
    else
        seal_parts(&m, &ctx->send, msg, false);
    ntlm_mac_final(&m, &ctx->send, sig);
    ctx->send_seq++;
}

/* Checks msg (already clear) against sig in the receiving direction. */
static enum ntlm_sig_status check(struct ntlm_ctx *ctx, const struct shim_buffer_desc *msg,
                                  const uint8_t sig[NTLM_SIGNATURE_SIZE])
{
    struct ntlm_mac m;

    ntlm_mac_init(&m, ntlm_ctx_recv_dir(ctx), *ntlm_ctx_recv_seq(ctx));
    mac_parts(&m, msg);
    return ntlm_mac_check(&m, ntlm_ctx_recv_dir(ctx), sig);
}

/* ---- signatures --------------------------------------------------------------- */

static shim_status sign_locked(struct ntlm_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg)
{
    uint8_t sig[NTLM_SIGNATURE_SIZE];
    struct parts p;
    shim_status st;

    if (qop)
        return SHIM_E_QOP_NOT_SUPPORTED;
    if ((st = scan(msg, &p)) || (st = out_token(&p)))
        return st;
    if (!has_keys(ctx)) {
        put_signature(p.token, dummy_signature);
        return SHIM_OK;
    }
    protect(ctx, msg, true, sig);
    put_signature(p.token, sig);
    return SHIM_OK;
}

shim_status ntlm_make_signature(shim_ctx *obj, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq)
{
    struct ntlm_ctx *ctx;
    shim_status st;

    (void)seq;
    if ((st = enter(obj, &ctx)))
        return st;
    st = sign_locked(ctx, qop, msg);
    sys_mutex_unlock(&ctx->lock);
    return st;
}

static shim_status verify_locked(struct ntlm_ctx *ctx, struct shim_buffer_desc *msg)
{
    uint8_t sig[NTLM_SIGNATURE_SIZE];
    struct crypto_rc4 saved;
    enum ntlm_sig_status s;
    struct parts p;
    shim_status st;

    if ((st = scan(msg, &p)) || (st = in_token(&p, sig)))
        return st;
    if (!has_keys(ctx))
        return ntlm_equal(sig, dummy_signature, sizeof(sig)) ? SHIM_OK : SHIM_E_MESSAGE_ALTERED;
    saved = ntlm_ctx_recv_dir(ctx)->rc4;
    if ((s = check(ctx, msg, sig)) == NTLM_SIG_OK)
        (*ntlm_ctx_recv_seq(ctx))++;
    else
        ntlm_ctx_recv_dir(ctx)->rc4 = saved;
    crypto_wipe(&saved, sizeof(saved));
    if (s)
        WARN("signature check failed (%d), expected sequence number %u\n", s, *ntlm_ctx_recv_seq(ctx));
    return sig_status(s);
}

shim_status ntlm_verify_signature(shim_ctx *obj, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop)
{
    struct ntlm_ctx *ctx;
    shim_status st;

    (void)seq;
    (void)qop;
    if ((st = enter(obj, &ctx)))
        return st;
    st = verify_locked(ctx, msg);
    sys_mutex_unlock(&ctx->lock);
    return st;
}

/* ---- sealing ------------------------------------------------------------------ */

static shim_status encrypt_locked(struct ntlm_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg)
{
    uint8_t sig[NTLM_SIGNATURE_SIZE];
    struct parts p;
    shim_status st;

    if (qop && qop != SHIM_QOP_WRAP_NO_ENCRYPT)
        return SHIM_E_QOP_NOT_SUPPORTED;
    if (!has_keys(ctx)) {
        WARN("neither integrity nor confidentiality was negotiated\n");
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if ((st = scan(msg, &p)) || (st = out_token(&p)))
        return st;
    protect(ctx, msg, qop == SHIM_QOP_WRAP_NO_ENCRYPT, sig);
    put_signature(p.token, sig);
    return SHIM_OK;
}

shim_status ntlm_encrypt(shim_ctx *obj, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq)
{
    struct ntlm_ctx *ctx;
    shim_status st;

    (void)seq;
    if ((st = enter(obj, &ctx)))
        return st;
    st = encrypt_locked(ctx, qop, msg);
    sys_mutex_unlock(&ctx->lock);
    return st;
}

/* Unseals msg in place and checks it.  A message that fails as sealed is
 * tried as only signed (SECQOP_WRAP_NO_ENCRYPT): the ciphertext is put back
 * with the stream as it was, which RC4's symmetry allows. */
static shim_status unseal(struct ntlm_ctx *ctx, struct shim_buffer_desc *msg,
                          const uint8_t sig[NTLM_SIGNATURE_SIZE], uint32_t *qop)
{
    struct ntlm_seal_dir *rx = ntlm_ctx_recv_dir(ctx);
    struct crypto_rc4 saved = rx->rc4, undo;
    enum ntlm_sig_status s;
    struct ntlm_mac m;

    ntlm_mac_init(&m, rx, *ntlm_ctx_recv_seq(ctx));
    seal_parts(&m, rx, msg, true);
    if ((s = ntlm_mac_check(&m, rx, sig)) == NTLM_SIG_OK)
        goto done;
    undo = saved;
    crypt_parts(&undo, msg);
    crypto_wipe(&undo, sizeof(undo));
    rx->rc4 = saved;
    if (s == NTLM_SIG_ALTERED && (s = check(ctx, msg, sig)) == NTLM_SIG_OK) {
        if (qop)
            *qop = SHIM_QOP_WRAP_NO_ENCRYPT;
        goto done;
    }
    rx->rc4 = saved;
    WARN("sealed message check failed (%d), expected sequence number %u\n", s, *ntlm_ctx_recv_seq(ctx));
done:
    if (s == NTLM_SIG_OK)
        (*ntlm_ctx_recv_seq(ctx))++;
    crypto_wipe(&saved, sizeof(saved));
    return sig_status(s);
}

static shim_status decrypt_locked(struct ntlm_ctx *ctx, struct shim_buffer_desc *msg, uint32_t *qop)
{
    uint8_t sig[NTLM_SIGNATURE_SIZE];
    struct shim_buffer body;
    struct shim_buffer_desc single = { 0, 1, &body };
    struct parts p;
    shim_status st;

    if (!has_keys(ctx)) {
        WARN("neither integrity nor confidentiality was negotiated\n");
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if ((st = scan(msg, &p)))
        return st;
    if (!p.stream) {
        if ((st = in_token(&p, sig)))
            return st;
        return unseal(ctx, msg, sig, qop);
    }
    if (p.stream->cb < NTLM_SIGNATURE_SIZE || !p.data) {
        WARN("stream of %u bytes, %s output buffer\n", p.stream->cb, p.data ? "with an" : "without an");
        return SHIM_E_INVALID_TOKEN;
    }
    memcpy(sig, p.stream->pv, NTLM_SIGNATURE_SIZE);
    body.cb = p.stream->cb - NTLM_SIGNATURE_SIZE;
    body.type = SHIM_BUFFER_DATA;
    body.pv = (uint8_t *)p.stream->pv + NTLM_SIGNATURE_SIZE;
    if ((st = unseal(ctx, &single, sig, qop)))
        return st;
    p.data->pv = body.pv;
    p.data->cb = body.cb;
    return SHIM_OK;
}

shim_status ntlm_decrypt(shim_ctx *obj, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop)
{
    struct ntlm_ctx *ctx;
    shim_status st;

    (void)seq;
    if ((st = enter(obj, &ctx)))
        return st;
    st = decrypt_locked(ctx, msg, qop);
    sys_mutex_unlock(&ctx->lock);
    return st;
}
