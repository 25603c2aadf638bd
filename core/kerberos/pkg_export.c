/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos context as an exported payload, and back.  The envelope
 * (core/packed.c) authenticates and encrypts it; this is only its inside.
 *
 * Payload, version 1, little-endian:
 *   u16 version | u8 server | u32 req | u32 attrs | u32 GSS flags (KRB_GSS_*)
 *   | u8 keys present: bit 0 the session key (always), bit 1 the
 *     initiator's subkey, bit 2 the acceptor's subkey
 *   | each present key in that order: i32 etype | u8 length | the bytes
 *   | u64 send_seq | u64 recv_next | u64 recv_window | u8 recv_any
 *   | u64 start send | u64 start recv      the sequence state the handshake
 *                                          left (for a later RESET_NEW)
 *   | i64 clock offset (seconds, the KDC's clock minus ours; within 100 years)
 *   | client realm | client principal | server realm | server principal
 *       realm: a string; principal: i32 name-type, u8 count (<= 4), count
 *       strings; string: u16 length (< 256), the UTF-8 bytes, no NUL
 *   | u32 ticket flags | i64 authtime | i64 starttime | i64 endtime (Unix
 *     seconds, 1970 to 9999)
 *   | u32 authorization-data length (<= 64 KiB), its DER bytes
 *   | target: a string (the client's SPN; empty for a server)
 *
 * Never in it: the credential's TGT, its service tickets or the password;
 * a context needs none of them once established (the ticket's session key
 * and the subkeys are all its messages use).  The initiator's
 * authenticator time (for the AP-REP check) belongs to the handshake and
 * is not carried either.
 *
 * Only an established context exports (anything else is
 * SEC_E_UNSUPPORTED_FUNCTION, as for NTLM).
 *
 * RESET_NEW: RFC 4121 tokens carry their sequence number and are keyed by
 * the same keys whatever the number, so a copy that started its numbers
 * again would send tokens the peer already saw (replays it refuses, or
 * worse, accepts as new when it was not told to detect them), and take
 * old tokens again.  So the reset is allowed only while the message state
 * is still where the handshake left it: send_seq and recv_next at their
 * start, nothing in the receive window.  Such a context is already in the
 * reset state and exports as it is; once one message has passed either
 * way, RESET_NEW is SEC_E_INVALID_PARAMETER and nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/krb_crypto.h"
#include "sspishim/packed.h"

#include "krb_pkg.h"

#define PAYLOAD_VERSION 1
#define PAYLOAD_MAX     (128 * 1024)
#define AUTHZ_MAX       (64 * 1024)

#define KEY_SESSION   0x1
#define KEY_INIT_SUB  0x2
#define KEY_ACC_SUB   0x4

#define GSS_FLAGS_KNOWN (KRB_GSS_DELEG | KRB_GSS_MUTUAL | KRB_GSS_REPLAY | KRB_GSS_SEQUENCE | KRB_GSS_CONF | \
                         KRB_GSS_INTEG)

static void put_key(struct bytes_writer *w, const struct krb_key *k)
{
    bytes_put_u32le(w, (uint32_t)k->etype);
    bytes_put_u8(w, (uint8_t)k->len);
    bytes_put(w, k->bytes, k->len);
}

/* A key of an etype this build has, of exactly that etype's length. */
static int get_key(struct bytes_reader *r, struct krb_key *k)
{
    k->etype = (int32_t)bytes_get_u32le(r);
    k->len = bytes_get_u8(r);
    if (r->failed || !krb_crypto_supported(k->etype) || k->len != krb_crypto_key_size(k->etype) ||
        k->len > sizeof(k->bytes))
        return -1;
    return bytes_get(r, k->bytes, k->len) ? -1 : 0;
}

static void put_str(struct bytes_writer *w, const char *s)
{
    size_t n = strnlen(s, KRB_STR_MAX - 1);

    bytes_put_u16le(w, (uint16_t)n);
    bytes_put(w, s, n);
}

static int get_str(struct bytes_reader *r, char out[KRB_STR_MAX])
{
    size_t n = bytes_get_u16le(r);

    if (r->failed || n >= KRB_STR_MAX || bytes_get(r, out, n))
        return -1;
    out[n] = 0;
    return memchr(out, 0, n) ? -1 : 0;
}

static void put_principal(struct bytes_writer *w, const struct krb_principal *p)
{
    unsigned count = p->count < KRB_NAME_MAX ? p->count : KRB_NAME_MAX;

    bytes_put_u32le(w, (uint32_t)p->type);
    bytes_put_u8(w, (uint8_t)count);
    for (unsigned i = 0; i < count; i++)
        put_str(w, p->comp[i]);
}

static int get_principal(struct bytes_reader *r, struct krb_principal *p)
{
    p->type = (int32_t)bytes_get_u32le(r);
    p->count = bytes_get_u8(r);
    if (r->failed || p->count > KRB_NAME_MAX)
        return -1;
    for (unsigned i = 0; i < p->count; i++)
        if (get_str(r, p->comp[i]))
            return -1;
    return 0;
}

/* Whether nothing has used the context's sequence numbers since its
 * handshake: neither sent nor received a message. */
static bool messages_unused(const struct krb_ctx *ctx)
{
    const struct krb_gss_ctx *g = &ctx->gss;

    return g->send_seq == ctx->start_send && g->recv_next == ctx->start_recv && !g->recv_window && !g->recv_any;
}

shim_status krb_export_context(shim_ctx *obj, int reset, uint8_t **payload, size_t *len, uint8_t *role)
{
    struct krb_ctx *ctx = krb_ctx_from(obj);
    const struct krb_gss_ctx *g;
    struct bytes_writer w;
    shim_status st = SHIM_OK;
    uint8_t keys;

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    g = &ctx->gss;
    bytes_writer_init_heap(&w, PAYLOAD_MAX);
    sys_mutex_lock(&ctx->lock);
    if (ctx->state != KRB_PKG_ESTABLISHED || g->state != KRB_GSS_ST_ESTABLISHED) {
        st = SHIM_E_UNSUPPORTED_FUNCTION;
        goto done;
    }
    /* Checked under the lock the message calls take, so no message can
     * slip in between the check and the copy. */
    if (reset && !messages_unused(ctx)) {
        WARN("RESET_NEW after messages (send %llu, recv %llu): the copy would reuse their sequence numbers\n",
             (unsigned long long)g->send_seq, (unsigned long long)g->recv_next);
        st = SHIM_E_INVALID_PARAMETER;
        goto done;
    }
    if (g->authz_len > AUTHZ_MAX) {
        WARN("authorization-data of %lu bytes is too large to export\n", (unsigned long)g->authz_len);
        st = SHIM_E_INSUFFICIENT_MEMORY;
        goto done;
    }
    keys = KEY_SESSION | (g->has_init_subkey ? KEY_INIT_SUB : 0) | (g->has_acc_subkey ? KEY_ACC_SUB : 0);
    bytes_put_u16le(&w, PAYLOAD_VERSION);
    bytes_put_u8(&w, ctx->server);
    bytes_put_u32le(&w, ctx->req);
    bytes_put_u32le(&w, ctx->attrs);
    bytes_put_u32le(&w, g->flags);
    bytes_put_u8(&w, keys);
    put_key(&w, &g->session);
    if (g->has_init_subkey)
        put_key(&w, &g->init_subkey);
    if (g->has_acc_subkey)
        put_key(&w, &g->acc_subkey);
    bytes_put_u64le(&w, g->send_seq);
    bytes_put_u64le(&w, g->recv_next);
    bytes_put_u64le(&w, g->recv_window);
    bytes_put_u8(&w, g->recv_any);
    bytes_put_u64le(&w, ctx->start_send);
    bytes_put_u64le(&w, ctx->start_recv);
    bytes_put_u64le(&w, (uint64_t)g->clock_offset);
    put_str(&w, g->crealm);
    put_principal(&w, &g->cname);
    put_str(&w, g->srealm);
    put_principal(&w, &g->sname);
    bytes_put_u32le(&w, g->ticket_flags);
    bytes_put_u64le(&w, (uint64_t)g->authtime);
    bytes_put_u64le(&w, (uint64_t)g->starttime);
    bytes_put_u64le(&w, (uint64_t)g->endtime);
    bytes_put_u32le(&w, (uint32_t)g->authz_len);
    if (g->authz_len)
        bytes_put(&w, g->authz, g->authz_len);
    put_str(&w, ctx->target);
    *role = ctx->server ? PACKED_ROLE_SERVER : PACKED_ROLE_CLIENT;
    if (w.failed)
        st = SHIM_E_INSUFFICIENT_MEMORY;
done:
    sys_mutex_unlock(&ctx->lock);
    if (st != SHIM_OK) {
        bytes_writer_free(&w);
        return st;
    }
    /* The heap writer's buffer is malloc'd: it becomes the payload. */
    *payload = w.buf;
    *len = w.len;
    return SHIM_OK;
}

/* KerberosTime is a GeneralizedTime: 1970 to 9999 as Unix seconds, so
 * that its FILETIME (krb_filetime) cannot overflow. */
#define TIME_MAX          253402300799LL
#define CLOCK_OFFSET_MAX  (100LL * 366 * 86400)

static bool time_ok(int64_t t)
{
    return t >= 0 && t <= TIME_MAX;
}

/* Everything after the version, into ctx; nonzero when anything is out of
 * bounds, unknown or left over. */
static int read_payload(struct bytes_reader *r, struct krb_ctx *ctx)
{
    struct krb_gss_ctx *g = &ctx->gss;
    uint8_t keys, any;
    size_t authz_len;

    ctx->req = bytes_get_u32le(r);
    ctx->attrs = bytes_get_u32le(r);
    g->flags = bytes_get_u32le(r);
    keys = bytes_get_u8(r);
    if (r->failed || (g->flags & ~(uint32_t)GSS_FLAGS_KNOWN) || !(keys & KEY_SESSION) ||
        (keys & ~(KEY_SESSION | KEY_INIT_SUB | KEY_ACC_SUB)))
        return -1;
    if (get_key(r, &g->session))
        return -1;
    g->has_init_subkey = (keys & KEY_INIT_SUB) != 0;
    g->has_acc_subkey = (keys & KEY_ACC_SUB) != 0;
    if ((g->has_init_subkey && get_key(r, &g->init_subkey)) || (g->has_acc_subkey && get_key(r, &g->acc_subkey)))
        return -1;
    g->send_seq = bytes_get_u64le(r);
    g->recv_next = bytes_get_u64le(r);
    g->recv_window = bytes_get_u64le(r);
    any = bytes_get_u8(r);
    ctx->start_send = bytes_get_u64le(r);
    ctx->start_recv = bytes_get_u64le(r);
    g->clock_offset = (int64_t)bytes_get_u64le(r);
    if (r->failed || any > 1 || g->clock_offset > CLOCK_OFFSET_MAX || g->clock_offset < -CLOCK_OFFSET_MAX)
        return -1;
    g->recv_any = any != 0;
    if (get_str(r, g->crealm) || get_principal(r, &g->cname) || get_str(r, g->srealm) ||
        get_principal(r, &g->sname))
        return -1;
    g->ticket_flags = bytes_get_u32le(r);
    g->authtime = (int64_t)bytes_get_u64le(r);
    g->starttime = (int64_t)bytes_get_u64le(r);
    g->endtime = (int64_t)bytes_get_u64le(r);
    authz_len = bytes_get_u32le(r);
    if (r->failed || !time_ok(g->authtime) || !time_ok(g->starttime) || !time_ok(g->endtime) ||
        authz_len > AUTHZ_MAX || authz_len > bytes_remaining(r))
        return -1;
    if (authz_len) {
        if (!(g->authz = malloc(authz_len)))
            return -1;
        g->authz_len = authz_len;
        if (bytes_get(r, g->authz, authz_len))
            return -1;
    }
    if (get_str(r, ctx->target))
        return -1;
    return r->failed || bytes_remaining(r) ? -1 : 0;
}

shim_status krb_import_context(const struct shim_package *pkg, uint8_t role, const uint8_t *payload, size_t len,
                               void *token, shim_ctx **out)
{
    struct bytes_reader r;
    struct krb_ctx *ctx;
    uint16_t version;
    uint8_t server;

    bytes_reader_init(&r, payload, len);
    version = bytes_get_u16le(&r);
    if (r.failed)
        return SHIM_E_INVALID_TOKEN;
    if (version != PAYLOAD_VERSION)
        return SHIM_E_UNSUPPORTED_FUNCTION;
    server = bytes_get_u8(&r);
    if (r.failed || server > 1 || (server != 0) != (role == PACKED_ROLE_SERVER) ||
        (role != PACKED_ROLE_SERVER && role != PACKED_ROLE_CLIENT))
        return SHIM_E_INVALID_TOKEN;
    if (!(ctx = krb_ctx_new(pkg, server != 0, 0)))
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (read_payload(&r, ctx)) {
        WARN("a Kerberos payload of %lu bytes that does not read\n", (unsigned long)len);
        shim_object_put(&ctx->hdr);   /* wipes what was read */
        return SHIM_E_INVALID_TOKEN;
    }
    ctx->gss.initiator = !server;
    ctx->gss.state = KRB_GSS_ST_ESTABLISHED;
    ctx->state = KRB_PKG_ESTABLISHED;
    /* A client context has no token: one handed in with a client blob is
     * closed (it is ours, a duplicate) and ignored, as NTLM does. */
    if (server)
        ctx->token = token;
    else if (token)
        sys_token_close(token);
    *out = &ctx->hdr;
    TRACE("%s context of %s@%s imported\n", server ? "server" : "client", ctx->gss.cname.count ?
          ctx->gss.cname.comp[0] : "", ctx->gss.crealm);
    return SHIM_OK;
}

shim_status kerberos_payload_describe(const uint8_t *payload, size_t len, struct kerberos_payload_info *out)
{
    struct krb_ctx *ctx;
    struct bytes_reader r;
    shim_status st = SHIM_OK;
    uint16_t version;
    uint8_t server;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, payload, len);
    version = bytes_get_u16le(&r);
    server = bytes_get_u8(&r);
    if (r.failed || server > 1)
        return SHIM_E_INVALID_TOKEN;
    if (version != PAYLOAD_VERSION)
        return SHIM_E_UNSUPPORTED_FUNCTION;
    /* Read into a scratch context outside the handle table, as import
     * would, then keep only what is not secret. */
    if (!(ctx = calloc(1, sizeof(*ctx))))
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (read_payload(&r, ctx)) {
        st = SHIM_E_INVALID_TOKEN;
    } else {
        const struct krb_gss_ctx *g = &ctx->gss;
        out->version = version;
        out->server = server != 0;
        out->req = ctx->req;
        out->attrs = ctx->attrs;
        out->gss_flags = g->flags;
        out->session_etype = g->session.etype;
        out->init_subkey_etype = g->has_init_subkey ? g->init_subkey.etype : 0;
        out->acc_subkey_etype = g->has_acc_subkey ? g->acc_subkey.etype : 0;
        out->send_seq = g->send_seq;
        out->recv_next = g->recv_next;
        out->recv_window = g->recv_window;
        out->recv_any = g->recv_any;
        out->start_send = ctx->start_send;
        out->start_recv = ctx->start_recv;
        out->clock_offset = g->clock_offset;
        krb_principal_full(&g->cname, g->crealm, out->client, sizeof(out->client));
        krb_principal_full(&g->sname, g->srealm, out->service, sizeof(out->service));
        snprintf(out->target, sizeof(out->target), "%s", ctx->target);
        out->ticket_flags = g->ticket_flags;
        out->authtime = g->authtime;
        out->starttime = g->starttime;
        out->endtime = g->endtime;
        out->authz_len = g->authz_len;
    }
    krb_gss_ctx_free(&ctx->gss);
    crypto_wipe(ctx, sizeof(*ctx));
    free(ctx);
    return st;
}
