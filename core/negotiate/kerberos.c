/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kerberos inside Negotiate (RFC 4178 over RFC 4121, as Windows does it):
 * the client's optimistic AP-REQ in its NegTokenInit, the server's answer,
 * and the mechListMIC as the Kerberos context makes it (a MIC token over
 * the DER mechTypes, through the package's MakeSignature/VerifySignature,
 * so the sequence numbers stay the context's own).  client.c and server.c
 * decide when; this file does the Kerberos part. */
#include <string.h>

#include "sspishim/debug.h"

#include "negotiate_pkg.h"

bool nego_is_krb(struct bytes_span oid)
{
    return oid.len == SPNEGO_OID_KRB5_LEN &&
           (!memcmp(oid.p, spnego_oid_krb5, oid.len) || !memcmp(oid.p, spnego_oid_mskrb5, oid.len));
}

bool nego_inner_is_krb(const struct nego_ctx *ctx)
{
    return ctx->inner && ctx->inner->pkg == kerberos_package();
}

/* The client's first step: an AP-REQ for target into token.  SHIM_OK (the
 * Kerberos context is done: no mutual authentication asked) or
 * SHIM_I_CONTINUE_NEEDED (its AP-REP is to come), or why Kerberos cannot
 * be used: the caller falls back to NTLM when it may. */
shim_status nego_krb_client_start(struct nego_ctx *ctx, struct nego_cred *cred, struct shim_ctx_call *c,
                                  struct bytes_writer *token, uint32_t *attrs)
{
    shim_status st;

    static const shim_wchar http[] = { 'H', 'T', 'T', 'P', '/' };
    shim_wchar spn[512];
    const shim_wchar *target = c->target;
    size_t len;

    if (!cred->krb)
        return SHIM_E_NO_CREDENTIALS;
    if (!target || !target[0])
        return SHIM_E_TARGET_UNKNOWN;
    /* A bare host name ("www.example.com", as Wine's winhttp and wininet
     * pass it, where Windows' pass "HTTP/www.example.com") names the web
     * service on that host: the only callers known to send one are HTTP
     * clients.  Anything else falls back to NTLM when the KDC knows no
     * such service. */
    len = wstr_len(target);
    bool bare = len < sizeof(spn) / sizeof(spn[0]) - 6;
    for (size_t i = 0; i < len && bare; i++)
        bare = target[i] != '/' && target[i] != '@';
    if (bare) {
        memcpy(spn, http, sizeof(http));
        memcpy(spn + 5, target, (len + 1) * sizeof(shim_wchar));
        target = spn;
    }
    st = nego_mech_step(ctx, kerberos_package(), cred->krb, target, nego_inner_req(c->req, false), c->datarep,
                        NULL, token, attrs, &c->expiry);
    if (st < 0 && ctx->inner) {
        shim_object_put(ctx->inner);
        ctx->inner = NULL;
    }
    return st;
}

/* The server's AP-REP (or nothing) on a Kerberos context. */
shim_status nego_krb_client_finish(struct nego_ctx *ctx, struct shim_ctx_call *c, const struct spnego_token *t,
                                   uint32_t *attrs)
{
    struct bytes_writer none;
    shim_status st;

    if (ctx->state != NEGO_CLIENT_KRB_SENT || !ctx->krb_wait_ap_rep) {
        /* Our Kerberos context was done at its AP-REQ: nothing may follow
         * but the verdict. */
        return t->has_token && t->token.len ? SHIM_E_INVALID_TOKEN : SHIM_OK;
    }
    if (!t->has_token || !t->token.len) {
        WARN("no AP-REP from the server, though mutual authentication was asked\n");
        return SHIM_E_INVALID_TOKEN;
    }
    bytes_writer_init_heap(&none, 0x10000);
    st = nego_mech_step(ctx, kerberos_package(), NULL, c->target, nego_inner_req(ctx->req, false), c->datarep,
                        &t->token, &none, attrs, &c->expiry);
    bytes_writer_free(&none);
    if (st != SHIM_OK)
        return st < 0 ? st : SHIM_E_INVALID_TOKEN;
    ctx->krb_wait_ap_rep = false;
    return SHIM_OK;
}

/* mechListMIC over the context's mechTypes, made or checked by Kerberos. */
shim_status nego_krb_make_mic(struct nego_ctx *ctx, struct bytes_writer *out)
{
    uint8_t mic[128];
    struct shim_buffer b[2] = { { (uint32_t)ctx->mech_types_len, SHIM_BUFFER_DATA, ctx->mech_types },
                                { sizeof(mic), SHIM_BUFFER_TOKEN, mic } };
    struct shim_buffer_desc d = { 0, 2, b };
    shim_status st = ctx->inner->pkg->ops->make_signature(ctx->inner, 0, &d, 0);

    if (st)
        return st;
    return bytes_put(out, mic, b[1].cb) ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
}

shim_status nego_krb_check_mic(struct nego_ctx *ctx, struct bytes_span mic)
{
    struct shim_buffer b[2] = { { (uint32_t)ctx->mech_types_len, SHIM_BUFFER_DATA, ctx->mech_types },
                                { (uint32_t)mic.len, SHIM_BUFFER_TOKEN, (void *)mic.p } };
    struct shim_buffer_desc d = { 0, 2, b };

    if (mic.len > 1024)
        return SHIM_E_LOGON_DENIED;
    return ctx->inner->pkg->ops->verify_signature(ctx->inner, &d, 0, NULL) ? SHIM_E_LOGON_DENIED : SHIM_OK;
}

/* The server: the client's AP-REQ; its AP-REP (if mutual) goes to out. */
shim_status nego_krb_accept(struct nego_ctx *ctx, struct nego_cred *cred, struct shim_ctx_call *c,
                            struct bytes_span ap_req, struct bytes_writer *out)
{
    uint32_t attrs = 0;
    shim_status st;

    if (!cred->krb)
        return SHIM_E_NO_CREDENTIALS;
    st = nego_mech_step(ctx, kerberos_package(), cred->krb, NULL, nego_inner_req(ctx->req, true), c->datarep,
                        &ap_req, out, &attrs, &c->expiry);
    if (st != SHIM_OK) {
        if (ctx->inner) {
            shim_object_put(ctx->inner);
            ctx->inner = NULL;
        }
        return st < 0 ? st : SHIM_E_INTERNAL_ERROR;
    }
    ctx->attrs = nego_outer_attrs(ctx->req, attrs);
    return SHIM_OK;
}
