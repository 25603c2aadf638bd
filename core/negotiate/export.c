/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate context as an exported payload, and back: a small header
 * around the NTLM context's own payload (core/ntlm/export.c).  The envelope
 * (core/context_export.c) protects it and names the package "Negotiate".
 *
 * Payload, version 1, little-endian:
 *   u16 version | u8 flags | u32 req | u32 attrs | u32 n | n bytes: NTLM's payload
 *   flags: 1 plain NTLM (no SPNEGO), 2 a mechListMIC was sent, 4 one was
 *          received, 8 (written by earlier releases only) RESET_NEW: the
 *          NTLM payload restarted at sequence 0 and the import moves each
 *          direction that carried a mechListMIC on by one
 * Version 2: the same, around the Kerberos context's payload
 *   (core/kerberos/pkg_export.c), for a Negotiate context that chose
 *   Kerberos; flag 1 then means a bare Kerberos AP-REQ (no SPNEGO).
 *   RESET_NEW is Kerberos' rule: the sequence numbers as its handshake
 *   left them, so a context whose mechListMICs took numbers is refused.
 * Only an established context exports (SEC_E_UNSUPPORTED_FUNCTION
 * otherwise, as NTLM).  RESET_NEW means "as right after the handshake",
 * which under SPNEGO is one sequence number further in each direction that
 * carried a mechListMIC, with that direction's RC4 handle rekeyed after the
 * MIC.  NTLM refuses the reset (SEC_E_INVALID_PARAMETER) once any message
 * has moved the context past that point, because the copy would reuse the
 * exporter's keystream and sequence numbers; before that the context is in
 * its reset state already and is exported as it is, so the MICs never
 * count as messages and a fresh Negotiate context can be reset. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/packed.h"

#include "negotiate_pkg.h"

#define PAYLOAD_VERSION 1
#define PAYLOAD_VERSION_KRB 2
#define FLAG_RAW        0x1
#define FLAG_MIC_SENT   0x2
#define FLAG_MIC_RCVD   0x4
#define FLAG_RESET      0x8
#define FLAGS_KNOWN     0xf

shim_status nego_export_context(shim_ctx *obj, int reset, uint8_t **payload, size_t *len, uint8_t *role)
{
    struct nego_ctx *ctx = nego_ctx_from(obj);
    uint8_t *inner = NULL, flags;
    size_t inner_len = 0;
    struct bytes_writer w;
    uint32_t req, attrs;
    shim_ctx *ntlm;
    shim_status st;

    if (!ctx)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    if (ctx->state != NEGO_ESTABLISHED || !ctx->inner) {
        sys_mutex_unlock(&ctx->lock);
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    bool krb = nego_inner_is_krb(ctx);
    flags = (uint8_t)((ctx->raw ? FLAG_RAW : 0) | (ctx->mic_sent ? FLAG_MIC_SENT : 0) |
                      (ctx->mic_rcvd ? FLAG_MIC_RCVD : 0));
    req = ctx->req;
    attrs = ctx->attrs;
    ntlm = ctx->inner;
    shim_object_ref(ntlm);
    sys_mutex_unlock(&ctx->lock);

    st = krb ? ntlm->pkg->ops->export_context(ntlm, reset, &inner, &inner_len, role)
             : ntlm_export_payload(ntlm, reset, (flags & FLAG_MIC_SENT) ? 1 : 0, (flags & FLAG_MIC_RCVD) ? 1 : 0,
                                   &inner, &inner_len, role);
    shim_object_put(ntlm);
    if (st)
        return st;
    bytes_writer_init_heap(&w, PACKED_PAYLOAD_MAX);
    bytes_put_u16le(&w, krb ? PAYLOAD_VERSION_KRB : PAYLOAD_VERSION);
    bytes_put_u8(&w, flags);
    bytes_put_u32le(&w, req);
    bytes_put_u32le(&w, attrs);
    bytes_put_u32le(&w, (uint32_t)inner_len);
    bytes_put(&w, inner, inner_len);
    crypto_wipe(inner, inner_len);
    free(inner);
    if (w.failed) {
        bytes_writer_free(&w);
        return SHIM_E_INSUFFICIENT_MEMORY;
    }
    *payload = w.buf;   /* the writer's heap buffer becomes the caller's */
    *len = w.len;
    return SHIM_OK;
}

shim_status nego_import_context(const struct shim_package *pkg, uint8_t role, const uint8_t *payload,
                                size_t len, void *token, shim_ctx **out)
{
    struct bytes_reader r;
    struct bytes_span inner;
    struct nego_ctx *ctx;
    shim_ctx *ntlm = NULL;
    uint8_t flags;
    uint32_t req, attrs, n;
    shim_status st;

    bytes_reader_init(&r, payload, len);
    uint16_t version = bytes_get_u16le(&r);
    if (version != PAYLOAD_VERSION && version != PAYLOAD_VERSION_KRB)
        return r.failed ? SHIM_E_INVALID_TOKEN : SHIM_E_UNSUPPORTED_FUNCTION;
    const struct shim_package *mech = version == PAYLOAD_VERSION_KRB ? kerberos_package() : ntlm_package();
    flags = bytes_get_u8(&r);
    req = bytes_get_u32le(&r);
    attrs = bytes_get_u32le(&r);
    n = bytes_get_u32le(&r);
    if (bytes_get_span(&r, n, &inner) || bytes_remaining(&r) || (flags & ~FLAGS_KNOWN) ||
        (mech != ntlm_package() && (flags & FLAG_RESET))) {
        WARN("malformed Negotiate payload\n");
        return SHIM_E_INVALID_TOKEN;
    }
    /* Everything that can fail comes before NTLM takes the token. */
    if (!(ctx = nego_ctx_new(pkg, role == PACKED_ROLE_SERVER)))
        return SHIM_E_INSUFFICIENT_MEMORY;
    if ((st = mech->ops->import_context(mech, role, inner.p, inner.len, token, &ntlm))) {
        shim_object_put(&ctx->hdr);
        return st;
    }
    if (flags & FLAG_RESET)
        ntlm_advance_sequence(ntlm, (flags & FLAG_MIC_SENT) ? 1 : 0, (flags & FLAG_MIC_RCVD) ? 1 : 0);
    ctx->inner = ntlm;
    ctx->raw = (flags & FLAG_RAW) != 0;
    ctx->mic_sent = (flags & FLAG_MIC_SENT) != 0;
    ctx->mic_rcvd = (flags & FLAG_MIC_RCVD) != 0;
    ctx->req = req;
    ctx->attrs = attrs;
    ctx->state = NEGO_ESTABLISHED;
    *out = &ctx->hdr;
    return SHIM_OK;
}
