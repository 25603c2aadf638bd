/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kerberos message calls in Windows' SSPI layout (RFC 4121 tokens):
 * - EncryptMessage: SECBUFFER_TOKEN (at least SIZES' cbSecurityTrailer, 60
 *   bytes for AES-SHA1) + SECBUFFER_DATA, encrypted in place (+ an optional
 *   SECBUFFER_PADDING, left empty: the cipher preserves lengths).  The
 *   token is the Wrap token's header and its rotated trailer (RRC = 16 +
 *   checksum, EC = 0), so token || data is the whole Wrap token, which a
 *   GSS-API peer unwraps as it is.  SECQOP_WRAP_NO_ENCRYPT signs only.
 * - DecryptMessage: the same pair, or SECBUFFER_STREAM (a whole Wrap token,
 *   any RRC and EC, as MIT sends it) + an empty SECBUFFER_DATA that comes
 *   back pointing at the plaintext inside the stream buffer.
 * - MakeSignature / VerifySignature: a MIC token in SECBUFFER_TOKEN over
 *   the DATA buffers, in order.
 * Several DATA buffers are one message, in order (copied together and
 * back); buffers marked READONLY are left out of Wrap tokens, which cannot
 * cover them outside DCE style.  The message sequence number argument is
 * ignored: Kerberos counts its own. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"

#include "krb_pkg.h"

#define MESSAGE_MAX (64u << 20)

struct parts {
    struct shim_buffer *token, *stream, *padding;
    struct shim_buffer *data[16];
    unsigned n_data;
    size_t data_len;
};

static shim_status scan(struct shim_buffer_desc *m, bool sign, struct parts *p)
{
    memset(p, 0, sizeof(*p));
    if (!m || !m->buffers)
        return SHIM_E_INVALID_PARAMETER;
    for (uint32_t i = 0; i < m->count; i++) {
        struct shim_buffer *b = &m->buffers[i];
        uint32_t type = b->type & ~SHIM_BUFFER_ATTRMASK;
        bool readonly = (b->type & (SHIM_BUFFER_READONLY | SHIM_BUFFER_READONLY_WITH_CHECKSUM)) != 0;
        if (type == SHIM_BUFFER_TOKEN && !p->token) {
            p->token = b;
        } else if (type == SHIM_BUFFER_STREAM && !p->stream) {
            p->stream = b;
        } else if (type == SHIM_BUFFER_PADDING && !p->padding) {
            p->padding = b;
        } else if (type == SHIM_BUFFER_DATA && (!readonly || sign)) {
            if (p->n_data == 16 || (b->cb && !b->pv))
                return SHIM_E_INVALID_PARAMETER;
            p->data[p->n_data++] = b;
            p->data_len += b->cb;
        }
    }
    return p->data_len > MESSAGE_MAX ? SHIM_E_INVALID_PARAMETER : SHIM_OK;
}

/* The DATA buffers as one span: the only one itself, or a heap copy. */
static uint8_t *gather(const struct parts *p)
{
    uint8_t *all;
    size_t at = 0;

    if (p->n_data == 1)
        return p->data[0]->pv;
    if (!(all = malloc(p->data_len ? p->data_len : 1)))
        return NULL;
    for (unsigned i = 0; i < p->n_data; i++) {
        memcpy(all + at, p->data[i]->pv, p->data[i]->cb);
        at += p->data[i]->cb;
    }
    return all;
}

static void scatter(const struct parts *p, uint8_t *all)
{
    size_t at = 0;

    if (p->n_data == 1)
        return;
    for (unsigned i = 0; i < p->n_data; i++) {
        memcpy(p->data[i]->pv, all + at, p->data[i]->cb);
        at += p->data[i]->cb;
    }
    crypto_wipe(all, p->data_len);
    free(all);
}

static shim_status message_status(int rc)
{
    switch (rc) {
    case KRB_OK: return SHIM_OK;
    case KRB_E_BAD_INTEGRITY: return SHIM_E_MESSAGE_ALTERED;
    case KRB_E_REPLAY:
    case KRB_E_SEQ_OUT_OF_ORDER: return SHIM_E_OUT_OF_SEQUENCE;
    case KRB_E_MALFORMED: return SHIM_E_INVALID_TOKEN;
    }
    return krb_sec_status(rc);
}

/* The established context behind obj, locked. */
static shim_status enter(shim_ctx *obj, struct krb_ctx **out)
{
    struct krb_ctx *ctx = krb_ctx_from(obj);

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    if (ctx->state != KRB_PKG_ESTABLISHED) {
        sys_mutex_unlock(&ctx->lock);
        return SHIM_E_INVALID_HANDLE;
    }
    *out = ctx;
    return SHIM_OK;
}

static shim_status encrypt_locked(struct krb_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg)
{
    struct krb_gss_sizes z;
    struct parts p;
    shim_status st;
    uint8_t *data;
    size_t hdr_len;
    int rc;

    if ((st = scan(msg, false, &p)))
        return st;
    if (qop & ~SHIM_QOP_WRAP_NO_ENCRYPT)
        return SHIM_E_QOP_NOT_SUPPORTED;
    if (!p.token || !p.n_data)
        return SHIM_E_INVALID_TOKEN;
    if ((rc = krb_gss_sizes(&ctx->gss, &z)))
        return message_status(rc);
    if (p.token->cb < z.security_trailer || !p.token->pv)
        return SHIM_E_BUFFER_TOO_SMALL;
    if (!(data = gather(&p)))
        return SHIM_E_INSUFFICIENT_MEMORY;
    rc = krb_gss_wrap_split(&ctx->gss, !(qop & SHIM_QOP_WRAP_NO_ENCRYPT), KRB_GSS_RRC_SSPI, data, p.data_len,
                            p.token->pv, p.token->cb, &hdr_len);
    scatter(&p, data);
    if (rc)
        return message_status(rc);
    p.token->cb = (uint32_t)hdr_len;
    if (p.padding)
        p.padding->cb = 0;
    return SHIM_OK;
}

shim_status krb_encrypt(shim_ctx *obj, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq)
{
    struct krb_ctx *ctx;
    shim_status st;

    (void)seq;
    if ((st = enter(obj, &ctx)))
        return st;
    st = encrypt_locked(ctx, qop, msg);
    sys_mutex_unlock(&ctx->lock);
    return st;
}

/* SECBUFFER_STREAM: the whole token in, the plaintext back inside it. */
static shim_status decrypt_stream(struct krb_ctx *ctx, struct parts *p, bool *conf)
{
    struct bytes_writer out;
    struct shim_buffer *data;
    shim_status st;
    int rc;

    if (p->n_data != 1 || !p->stream->pv)
        return SHIM_E_INVALID_TOKEN;
    data = p->data[0];
    bytes_writer_init_heap(&out, MESSAGE_MAX);
    rc = krb_gss_unwrap(&ctx->gss, p->stream->pv, p->stream->cb, &out, conf, NULL);
    if (!(st = message_status(rc))) {
        struct bytes_span plain = bytes_writer_span(&out);
        uint8_t *at = (uint8_t *)p->stream->pv + (p->stream->cb - plain.len);
        memcpy(at, plain.p, plain.len);
        data->pv = at;
        data->cb = (uint32_t)plain.len;
    }
    bytes_writer_free(&out);   /* wipes the plaintext copy */
    return st;
}

static shim_status decrypt_locked(struct krb_ctx *ctx, struct shim_buffer_desc *msg, uint32_t *qop)
{
    struct parts p;
    shim_status st;
    size_t plain_len = 0;
    bool conf = true;
    uint8_t *data;
    int rc;

    if ((st = scan(msg, false, &p)))
        return st;
    if (p.stream) {
        st = decrypt_stream(ctx, &p, &conf);
    } else {
        if (!p.token || !p.token->pv || !p.n_data)
            return SHIM_E_INVALID_TOKEN;
        if (!(data = gather(&p)))
            return SHIM_E_INSUFFICIENT_MEMORY;
        rc = krb_gss_unwrap_split(&ctx->gss, p.token->pv, p.token->cb, data, p.data_len, &plain_len, &conf, NULL);
        scatter(&p, data);
        if (!(st = message_status(rc)) && p.n_data == 1)
            p.data[0]->cb = (uint32_t)plain_len;
    }
    if (!st && qop)
        *qop = conf ? 0 : SHIM_QOP_WRAP_NO_ENCRYPT;
    return st;
}

shim_status krb_decrypt(shim_ctx *obj, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop)
{
    struct krb_ctx *ctx;
    shim_status st;

    (void)seq;
    if ((st = enter(obj, &ctx)))
        return st;
    st = decrypt_locked(ctx, msg, qop);
    sys_mutex_unlock(&ctx->lock);
    return st;
}

static shim_status sign_locked(struct krb_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg)
{
    struct krb_gss_sizes z;
    struct parts p;
    shim_status st;
    uint8_t *data;
    size_t len;
    int rc;

    if ((st = scan(msg, true, &p)))
        return st;
    if (qop)
        return SHIM_E_QOP_NOT_SUPPORTED;
    if (!p.token)
        return SHIM_E_INVALID_TOKEN;
    if ((rc = krb_gss_sizes(&ctx->gss, &z)))
        return message_status(rc);
    if (p.token->cb < z.max_signature || !p.token->pv)
        return SHIM_E_BUFFER_TOO_SMALL;
    if (!(data = gather(&p)))
        return SHIM_E_INSUFFICIENT_MEMORY;
    rc = krb_gss_get_mic(&ctx->gss, data, p.data_len, p.token->pv, p.token->cb, &len);
    if (p.n_data != 1)
        free(data);
    if (rc)
        return message_status(rc);
    p.token->cb = (uint32_t)len;
    return SHIM_OK;
}

shim_status krb_make_signature(shim_ctx *obj, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq)
{
    struct krb_ctx *ctx;
    shim_status st;

    (void)seq;
    if ((st = enter(obj, &ctx)))
        return st;
    st = sign_locked(ctx, qop, msg);
    sys_mutex_unlock(&ctx->lock);
    return st;
}

static shim_status verify_locked(struct krb_ctx *ctx, struct shim_buffer_desc *msg, uint32_t *qop)
{
    struct parts p;
    shim_status st;
    uint8_t *data;
    int rc;

    if ((st = scan(msg, true, &p)))
        return st;
    if (!p.token || !p.token->pv)
        return SHIM_E_INVALID_TOKEN;
    if (!(data = gather(&p)))
        return SHIM_E_INSUFFICIENT_MEMORY;
    rc = krb_gss_verify_mic(&ctx->gss, data, p.data_len, p.token->pv, p.token->cb, NULL);
    if (p.n_data != 1)
        free(data);
    if (!(st = message_status(rc)) && qop)
        *qop = 0;
    return st;
}

shim_status krb_verify_signature(shim_ctx *obj, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop)
{
    struct krb_ctx *ctx;
    shim_status st;

    (void)seq;
    if ((st = enter(obj, &ctx)))
        return st;
    st = verify_locked(ctx, msg, qop);
    sys_mutex_unlock(&ctx->lock);
    return st;
}
