/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM context as an exported payload, and back.  The envelope
 * (core/packed.c) authenticates and encrypts it; this is only its inside.
 *
 * Payload, version 1, little-endian:
 *   u16 version | u8 server | u32 req | u32 flags | u32 attrs
 *   | 16 exported session key
 *   | send direction | recv direction    each: 16 sign key, u8 rc4 i, u8 rc4 j,
 *                                       256 rc4 s, u8 key_exch
 *   | u32 send seq | u32 recv seq | u64 established (FILETIME)
 *   | user | domain | target | server name | computer | server domain
 *                                       each: u16 length in UTF-16 units, the units
 * Only an established context exports (anything else is
 * SEC_E_UNSUPPORTED_FUNCTION: there is nothing yet that another process
 * could carry on).  With reset, both directions are keyed afresh from the
 * session key and the sequence numbers are 0, as right after the handshake. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/packed.h"

#include "ntlm_pkg.h"

#define PAYLOAD_VERSION 1

static void put_dir(struct bytes_writer *w, const struct ntlm_seal_dir *d)
{
    bytes_put(w, d->sign_key, sizeof(d->sign_key));
    bytes_put_u8(w, d->rc4.i);
    bytes_put_u8(w, d->rc4.j);
    bytes_put(w, d->rc4.s, sizeof(d->rc4.s));
    bytes_put_u8(w, d->key_exch);
}

static void get_dir(struct bytes_reader *r, struct ntlm_seal_dir *d)
{
    bytes_get(r, d->sign_key, sizeof(d->sign_key));
    d->rc4.i = bytes_get_u8(r);
    d->rc4.j = bytes_get_u8(r);
    bytes_get(r, d->rc4.s, sizeof(d->rc4.s));
    d->key_exch = bytes_get_u8(r) != 0;
}

static void put_name(struct bytes_writer *w, const struct ntlm_name *n)
{
    bytes_put_u16le(w, (uint16_t)n->len);
    for (size_t i = 0; i < n->len; i++) bytes_put_u16le(w, n->s[i]);
}

static int get_name(struct bytes_reader *r, struct ntlm_name *n)
{
    size_t len = bytes_get_u16le(r);
    struct bytes_span units;
    if (bytes_get_span(r, len * 2, &units)) return -1;
    /* An empty name stays unset, as it was in the exporting context. */
    if (!len) return 0;
    /* From the payload's UTF-16LE straight into the name, no copy between. */
    return ntlm_name_from_wire(n, units, true) == NTLM_TEXT_OK ? 0 : -1;
}

/* The payload's size is known before it is written, so it is written into
 * one buffer of that size: a growing writer reallocated (and wiped) five
 * times per export. */
#define DIR_SIZE     (NTLM_KEY_SIZE + 2 + 256 + 1)
#define FIXED_SIZE   (2 + 1 + 4 + 4 + 4 + NTLM_KEY_SIZE + 2 * DIR_SIZE + 4 + 4 + 8)
#define PAYLOAD_MAX  (64 * 1024)

static size_t name_size(const struct ntlm_name *n)
{
    return 2 + 2 * n->len;
}

shim_status ntlm_export_context(shim_ctx *obj, int reset, uint8_t **payload, size_t *len, uint8_t *role)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);
    struct ntlm_seal_dir send, recv;
    struct bytes_writer w;
    shim_status st = SHIM_OK;
    uint8_t *buf = NULL;
    size_t need = 0;

    if (!ctx) return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    if (ctx->state != NTLM_ESTABLISHED) {
        st = SHIM_E_UNSUPPORTED_FUNCTION;
        goto done;
    }
    need = FIXED_SIZE + name_size(&ctx->user) + name_size(&ctx->domain) + name_size(&ctx->target)
         + name_size(&ctx->server_name) + name_size(&ctx->computer) + name_size(&ctx->server_domain);
    if (need > PAYLOAD_MAX || !(buf = malloc(need))) {
        st = SHIM_E_INSUFFICIENT_MEMORY;
        goto done;
    }
    bytes_writer_init(&w, buf, need);
    send = ctx->send;
    recv = ctx->recv;
    uint32_t send_seq = ctx->send_seq, recv_seq = ctx->recv_seq;
    if (reset) {
        bool key_exch = (ctx->flags & NTLM_NEGOTIATE_KEY_EXCH) != 0;
        ntlm_seal_dir_init(&send, ctx->session_key, ctx->server ? NTLM_SERVER_TO_CLIENT : NTLM_CLIENT_TO_SERVER, key_exch);
        ntlm_seal_dir_init(&recv, ctx->session_key, ctx->server ? NTLM_CLIENT_TO_SERVER : NTLM_SERVER_TO_CLIENT, key_exch);
        send_seq = recv_seq = 0;
    }
    bytes_put_u16le(&w, PAYLOAD_VERSION);
    bytes_put_u8(&w, ctx->server);
    bytes_put_u32le(&w, ctx->req);
    bytes_put_u32le(&w, ctx->flags);
    bytes_put_u32le(&w, ctx->attrs);
    bytes_put(&w, ctx->session_key, sizeof(ctx->session_key));
    put_dir(&w, &send);
    put_dir(&w, &recv);
    bytes_put_u32le(&w, send_seq);
    bytes_put_u32le(&w, recv_seq);
    bytes_put_u64le(&w, (uint64_t)ctx->established);
    put_name(&w, &ctx->user);
    put_name(&w, &ctx->domain);
    put_name(&w, &ctx->target);
    put_name(&w, &ctx->server_name);
    put_name(&w, &ctx->computer);
    put_name(&w, &ctx->server_domain);
    *role = ctx->server ? PACKED_ROLE_SERVER : PACKED_ROLE_CLIENT;
    ntlm_seal_dir_wipe(&send);
    ntlm_seal_dir_wipe(&recv);
    if (w.failed || w.len != need) st = SHIM_E_INTERNAL_ERROR;
done:
    sys_mutex_unlock(&ctx->lock);
    if (st != SHIM_OK) {
        if (buf) {
            crypto_wipe(buf, need);
            free(buf);
        }
        return st;
    }
    *payload = buf;
    *len = need;
    return SHIM_OK;
}

shim_status ntlm_import_context(const struct shim_package *pkg, uint8_t role, const uint8_t *payload,
                                size_t len, void *token, shim_ctx **out)
{
    struct bytes_reader r;
    bytes_reader_init(&r, payload, len);
    if (bytes_get_u16le(&r) != PAYLOAD_VERSION) return SHIM_E_UNSUPPORTED_FUNCTION;
    bool server = bytes_get_u8(&r) != 0;
    if (r.failed || server != (role == PACKED_ROLE_SERVER)) return SHIM_E_INVALID_TOKEN;

    struct ntlm_ctx *ctx = ntlm_ctx_new(pkg, server, false);   /* it arrives established */
    if (!ctx) return SHIM_E_INSUFFICIENT_MEMORY;
    ctx->req = bytes_get_u32le(&r);
    ctx->flags = bytes_get_u32le(&r);
    ctx->attrs = bytes_get_u32le(&r);
    bytes_get(&r, ctx->session_key, sizeof(ctx->session_key));
    get_dir(&r, &ctx->send);
    get_dir(&r, &ctx->recv);
    ctx->send_seq = bytes_get_u32le(&r);
    ctx->recv_seq = bytes_get_u32le(&r);
    ctx->established = (int64_t)bytes_get_u64le(&r);
    int bad = get_name(&r, &ctx->user) | get_name(&r, &ctx->domain) | get_name(&r, &ctx->target)
            | get_name(&r, &ctx->server_name) | get_name(&r, &ctx->computer) | get_name(&r, &ctx->server_domain);
    if (bad || r.failed || bytes_remaining(&r)) {
        shim_object_put(&ctx->hdr);   /* wipes what was read */
        return SHIM_E_INVALID_TOKEN;
    }
    ctx->state = NTLM_ESTABLISHED;
    ctx->token = token;
    *out = &ctx->hdr;
    return SHIM_OK;
}
