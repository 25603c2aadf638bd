/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM context as an exported payload, and back.  The envelope
 * (core/packed.c) authenticates and encrypts it; this is only its inside.
 *
 * Payload, version 1, little-endian: a context with extended session
 * security (its flags say so)
 *   u16 version | u8 server | u32 req | u32 flags | u32 attrs
 *   | 16 exported session key
 *   | send direction | recv direction    each: 16 sign key, u8 rc4 i, u8 rc4 j,
 *                                       256 rc4 s, u8 key_exch
 *   | u32 send seq | u32 recv seq | u64 established (FILETIME)
 *   | user | domain | target | server name | computer | server domain
 *                                       each: u16 length in UTF-16 units, the units
 * Version 2: a context without extended session security (its flags say
 * so), whose one RC4 handle and one sequence number serve both directions
 * (MS-NLMP 3.4.4.1)
 *   u16 version | u8 server | u32 req | u32 flags | u32 attrs
 *   | 16 exported session key
 *   | shared handle                     u8 rc4 i, u8 rc4 j, 256 rc4 s
 *   | u32 seq | u64 established | the six names as in version 1
 * ESS contexts still write version 1, so their blobs stay readable by
 * earlier builds; a build that only knows version 1 refuses a version-2
 * blob (SEC_E_UNSUPPORTED_FUNCTION) rather than misreading it.  A flags
 * field that disagrees with the version is SEC_E_INVALID_TOKEN.
 * Only an established context exports (anything else is
 * SEC_E_UNSUPPORTED_FUNCTION: there is nothing yet that another process
 * could carry on).
 *
 * RESET_NEW restarts the copy's message state as the handshake left it.
 * Re-keying RC4 from the session key and restarting the sequence numbers
 * after messages have passed would hand the copy keystream and numbers the
 * exporter already used: a two-time pad, and the old messages replayable
 * into the copy.  So the reset is refused (SEC_E_INVALID_PARAMETER: the flag
 * does not fit this context; the same export without it works) once either
 * direction has moved: a sequence number past its start or an RC4 state
 * that is no longer the freshly keyed one.  A context nothing has used yet
 * is already in the reset state, and exports as it is.  Under SPNEGO the
 * mechListMICs belong to the handshake: each took sequence number 0 of its
 * direction and left the RC4 handle rekeyed (spnego_mic.c), so there the
 * start is 1 in each direction that carried one (ntlm_export_payload).
 * Without extended session security the one stream and counter must be
 * where the handshake left them: the counter at the sum of the two
 * starts, the handle freshly keyed (spnego_mic.c rekeys it after a MIC). */
#include <stdlib.h>
#include <string.h>

#include "sspishim/debug.h"
#include "sspishim/packed.h"

#include "ntlm_pkg.h"

#define PAYLOAD_VERSION        1   /* with extended session security */
#define PAYLOAD_VERSION_SHARED 2   /* without: one handle, one counter */

static void put_dir(struct bytes_writer *w, const struct ntlm_seal_dir *d)
{
    bytes_put(w, d->sign_key, sizeof(d->sign_key));
    bytes_put_u8(w, d->rc4.i);
    bytes_put_u8(w, d->rc4.j);
    bytes_put(w, d->rc4.s, sizeof(d->rc4.s));
    bytes_put_u8(w, d->key_exch);
}

static void put_rc4(struct bytes_writer *w, const struct crypto_rc4 *rc4)
{
    bytes_put_u8(w, rc4->i);
    bytes_put_u8(w, rc4->j);
    bytes_put(w, rc4->s, sizeof(rc4->s));
}

static void get_rc4(struct bytes_reader *r, struct crypto_rc4 *rc4)
{
    rc4->i = bytes_get_u8(r);
    rc4->j = bytes_get_u8(r);
    bytes_get(r, rc4->s, sizeof(rc4->s));
}

static void get_dir(struct bytes_reader *r, struct ntlm_seal_dir *d)
{
    bytes_get(r, d->sign_key, sizeof(d->sign_key));
    d->rc4.i = bytes_get_u8(r);
    d->rc4.j = bytes_get_u8(r);
    bytes_get(r, d->rc4.s, sizeof(d->rc4.s));
    d->key_exch = bytes_get_u8(r) != 0;
    d->ess = true;
}

static void put_name(struct bytes_writer *w, const struct ntlm_name *n)
{
    bytes_put_u16le(w, (uint16_t)n->len);
    bytes_put_u16le_array(w, n->s, n->len);
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
#define SHARED_FIXED_SIZE (2 + 1 + 4 + 4 + 4 + NTLM_KEY_SIZE + 2 + 256 + 4 + 8)
#define PAYLOAD_MAX  (64 * 1024)

static size_t name_size(const struct ntlm_name *n)
{
    return 2 + 2 * n->len;
}

/* Whether a direction's cipher state is still the freshly keyed one.  The
 * states are secret: compared without an early exit. */
static bool dir_unused(const struct ntlm_seal_dir *cur, const struct ntlm_seal_dir *fresh)
{
    unsigned diff = (unsigned)(cur->rc4.i ^ fresh->rc4.i) | (unsigned)(cur->rc4.j ^ fresh->rc4.j);
    for (size_t k = 0; k < sizeof(cur->rc4.s); k++)
        diff |= (unsigned)(cur->rc4.s[k] ^ fresh->rc4.s[k]);
    return !diff;
}

/* Whether the context's message state is where the handshake left it:
 * nothing has used its keystream or its sequence numbers. */
static bool messages_unused(const struct ntlm_ctx *ctx, uint32_t send_start, uint32_t recv_start)
{
    struct ntlm_seal_dir send, recv;
    bool key_exch = (ctx->flags & NTLM_NEGOTIATE_KEY_EXCH) != 0, unused;

    if (ntlm_ctx_shared(ctx)) {
        ntlm_seal_dir_init_shared(&send, ctx->session_key, ntlm_ctx_key_strength(ctx->flags));
        unused = ctx->send_seq == send_start + recv_start && dir_unused(&ctx->send, &send);
        ntlm_seal_dir_wipe(&send);
        return unused;
    }

    ntlm_seal_dir_init(&send, ctx->session_key, ctx->server ? NTLM_SERVER_TO_CLIENT : NTLM_CLIENT_TO_SERVER, key_exch);
    ntlm_seal_dir_init(&recv, ctx->session_key, ctx->server ? NTLM_CLIENT_TO_SERVER : NTLM_SERVER_TO_CLIENT, key_exch);
    /* both directions compared in full, whatever the first shows */
    bool send_unused = dir_unused(&ctx->send, &send), recv_unused = dir_unused(&ctx->recv, &recv);
    unused = ctx->send_seq == send_start && ctx->recv_seq == recv_start && send_unused && recv_unused;
    ntlm_seal_dir_wipe(&send);
    ntlm_seal_dir_wipe(&recv);
    return unused;
}

shim_status ntlm_export_context(shim_ctx *obj, int reset, uint8_t **payload, size_t *len, uint8_t *role)
{
    return ntlm_export_payload(obj, reset, 0, 0, payload, len, role);
}

shim_status ntlm_export_payload(shim_ctx *obj, int reset, uint32_t send_start, uint32_t recv_start,
                                uint8_t **payload, size_t *len, uint8_t *role)
{
    struct ntlm_ctx *ctx = ntlm_ctx_from(obj);
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
    /* Checked under the lock the message calls take, so no message can
     * slip in between the check and the copy. */
    if (reset && !messages_unused(ctx, send_start, recv_start)) {
        WARN("RESET_NEW after messages (sequence %u/%u): the copy would reuse their keystream\n",
             ctx->send_seq, ctx->recv_seq);
        st = SHIM_E_INVALID_PARAMETER;
        goto done;
    }
    need = (ntlm_ctx_shared(ctx) ? SHARED_FIXED_SIZE : FIXED_SIZE) + name_size(&ctx->user) + name_size(&ctx->domain) + name_size(&ctx->target)
         + name_size(&ctx->server_name) + name_size(&ctx->computer) + name_size(&ctx->server_domain);
    if (need > PAYLOAD_MAX || !(buf = malloc(need))) {
        st = SHIM_E_INSUFFICIENT_MEMORY;
        goto done;
    }
    /* A reset that was allowed changes nothing: the state is the reset one. */
    bytes_writer_init(&w, buf, need);
    bytes_put_u16le(&w, ntlm_ctx_shared(ctx) ? PAYLOAD_VERSION_SHARED : PAYLOAD_VERSION);
    bytes_put_u8(&w, ctx->server);
    bytes_put_u32le(&w, ctx->req);
    bytes_put_u32le(&w, ctx->flags);
    bytes_put_u32le(&w, ctx->attrs);
    bytes_put(&w, ctx->session_key, sizeof(ctx->session_key));
    if (ntlm_ctx_shared(ctx)) {
        put_rc4(&w, &ctx->send.rc4);
        bytes_put_u32le(&w, ctx->send_seq);
    } else {
        put_dir(&w, &ctx->send);
        put_dir(&w, &ctx->recv);
        bytes_put_u32le(&w, ctx->send_seq);
        bytes_put_u32le(&w, ctx->recv_seq);
    }
    bytes_put_u64le(&w, (uint64_t)ctx->established);
    put_name(&w, &ctx->user);
    put_name(&w, &ctx->domain);
    put_name(&w, &ctx->target);
    put_name(&w, &ctx->server_name);
    put_name(&w, &ctx->computer);
    put_name(&w, &ctx->server_domain);
    *role = ctx->server ? PACKED_ROLE_SERVER : PACKED_ROLE_CLIENT;
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
    uint16_t version = bytes_get_u16le(&r);
    if (version != PAYLOAD_VERSION && version != PAYLOAD_VERSION_SHARED) return SHIM_E_UNSUPPORTED_FUNCTION;
    bool shared = version == PAYLOAD_VERSION_SHARED;
    bool server = bytes_get_u8(&r) != 0;
    if (r.failed || server != (role == PACKED_ROLE_SERVER)) return SHIM_E_INVALID_TOKEN;

    struct ntlm_ctx *ctx = ntlm_ctx_new(pkg, server, false);   /* it arrives established */
    if (!ctx) return SHIM_E_INSUFFICIENT_MEMORY;
    ctx->req = bytes_get_u32le(&r);
    ctx->flags = bytes_get_u32le(&r);
    ctx->attrs = bytes_get_u32le(&r);
    bytes_get(&r, ctx->session_key, sizeof(ctx->session_key));
    if (shared) {
        /* The handle as ntlm_seal_dir_init_shared leaves it, then the
         * exporter's stream position. */
        ntlm_seal_dir_init_shared(&ctx->send, ctx->session_key, NTLM_KEY_FULL);
        get_rc4(&r, &ctx->send.rc4);
        ctx->send_seq = bytes_get_u32le(&r);
    } else {
        get_dir(&r, &ctx->send);
        get_dir(&r, &ctx->recv);
        ctx->send_seq = bytes_get_u32le(&r);
        ctx->recv_seq = bytes_get_u32le(&r);
    }
    ctx->established = (int64_t)bytes_get_u64le(&r);
    /* The flags name the mode the version laid out. */
    int bad = shared == ((ctx->flags & NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY) != 0);
    bad |= get_name(&r, &ctx->user) | get_name(&r, &ctx->domain) | get_name(&r, &ctx->target)
            | get_name(&r, &ctx->server_name) | get_name(&r, &ctx->computer) | get_name(&r, &ctx->server_domain);
    if (bad || r.failed || bytes_remaining(&r)) {
        shim_object_put(&ctx->hdr);   /* wipes what was read */
        return SHIM_E_INVALID_TOKEN;
    }
    ctx->state = NTLM_ESTABLISHED;
    /* A client context has no token to impersonate: the client is who it
     * is.  A token handed in with a client blob is closed (it is ours, a
     * duplicate) and ignored rather than refused, so a caller that passes
     * the same token to every import still succeeds; the copy then answers
     * SEC_E_NO_IMPERSONATION, as the exported client did. */
    if (server)
        ctx->token = token;
    else if (token)
        sys_token_close(token);
    *out = &ctx->hdr;
    return SHIM_OK;
}
