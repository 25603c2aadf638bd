/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AcceptSecurityContext for Negotiate, as Windows' server runs it over
 * NTLM:
 *
 *   1. NegTokenInit { mechTypes, mechToken NEGOTIATE } in,
 *      NegTokenResp { accept-incomplete, NTLM, CHALLENGE } out  -> CONTINUE_NEEDED
 *   2. NegTokenResp { AUTHENTICATE, mechListMIC } in,
 *      NegTokenResp { accept-completed, mechListMIC } out      -> SEC_E_OK
 *
 * Choices where Windows leaves room:
 * - A bare NTLMSSP NEGOTIATE instead of a NegTokenInit is plain NTLM from
 *   then on, tokens unwrapped both ways, as Windows' Negotiate accepts it
 *   (and as Wine's builtin Negotiate clients send).
 * - Kerberos first: a NegTokenInit whose first mechanism is Kerberos
 *   (RFC 4121's OID or Microsoft's) with its AP-REQ is answered at once,
 *   when the server's credential has Kerberos (a keytab:
 *   core/kerberos/pkg_context.c): accept-completed, the client's OID,
 *   the AP-REP when mutual authentication was asked, no mechListMIC (the
 *   client's first choice, RFC 4178 5) -> SEC_E_OK.  A bare Kerberos
 *   AP-REQ (GSS framed, no SPNEGO) is taken as Windows takes it and
 *   answered with a bare AP-REP.  When Kerberos cannot accept the token
 *   (no keytab entry, a bad or replayed ticket), NTLM is chosen if the
 *   client lists it, as below; otherwise Kerberos' answer is the result.
 * - Otherwise NTLM.  When the client lists it but not first (Kerberos
 *   first, typically), the answer is request-mic with NTLM and no token
 *   (RFC 4178 5, MS-SPNG 3.2.5.2); the client's NTLM NEGOTIATE comes
 *   next, and its mechListMIC becomes mandatory.  A list without NTLM or a
 *   usable Kerberos is SEC_E_INVALID_TOKEN: there is nothing to negotiate.
 * - The client's mechListMIC is checked when sent, and must be sent when
 *   required: after request-mic, and whenever the client's NTLM
 *   AUTHENTICATE carried a MIC (such a client always sends a mechListMIC,
 *   so one missing was stripped on the way; Samba insists too).  Either
 *   way a failure is SEC_E_LOGON_DENIED.  Having received one, the server
 *   sends its own with accept-completed; otherwise (an older client whose
 *   AUTHENTICATE has no MIC) it sends accept-completed alone, as RFC 4178
 *   allows when the mechanism was the client's first choice.
 * - NTLM's answers pass through: SEC_E_LOGON_DENIED for a wrong password
 *   or when there is no accounts file, and so on.  A malformed
 *   token is SEC_E_INVALID_TOKEN.  Any failure after the first call spends
 *   the context; calling a finished or failed one is SEC_E_OUT_OF_SEQUENCE. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/krb_gss.h"

#include "negotiate_pkg.h"

#define TOKEN_LIMIT 0x20000

static const struct bytes_span ntlm_mech = { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) };

static bool is_ntlm(struct bytes_span oid)
{
    return oid.len == sizeof(spnego_oid_ntlm) && !memcmp(oid.p, spnego_oid_ntlm, oid.len);
}

/* A GSS-framed Kerberos AP-REQ, not wrapped in SPNEGO. */
static bool is_bare_ap_req(struct bytes_span in)
{
    struct bytes_span inner;
    uint16_t tok;

    return in.len && in.p[0] == 0x60 && !krb_gss_frame_decode(in, &tok, &inner) && tok == KRB_GSS_TOK_AP_REQ;
}

/* Our copy of the Kerberos OID the client named, to name it back. */
static struct bytes_span krb_oid_like(struct bytes_span oid)
{
    if (!memcmp(oid.p, spnego_oid_mskrb5, SPNEGO_OID_KRB5_LEN))
        return (struct bytes_span){ spnego_oid_mskrb5, SPNEGO_OID_KRB5_LEN };
    return (struct bytes_span){ spnego_oid_krb5, SPNEGO_OID_KRB5_LEN };
}

/* NTLM's first step; ctx->inner is created.  Its CHALLENGE goes to out. */
static shim_status challenge(struct nego_ctx *ctx, struct shim_ctx_call *c, shim_cred *ntlm_cred,
                             struct bytes_span negotiate, struct bytes_writer *out)
{
    uint32_t attrs = 0;
    shim_status st = nego_ntlm_step(ctx, ntlm_cred, NULL, nego_inner_req(ctx->req, true), c->datarep, &negotiate,
                                    out, &attrs, &c->expiry);

    if (st == SHIM_I_CONTINUE_NEEDED)
        ctx->attrs = nego_outer_attrs(ctx->req, attrs);
    else if (st >= 0)
        st = SHIM_E_INTERNAL_ERROR;
    return st;
}

static shim_status server_first(struct shim_ctx_call *c)
{
    struct nego_cred *cred = nego_cred_from(c->cred);
    struct bytes_writer mech, out;
    struct nego_ctx *ctx = NULL;
    struct spnego_token t;
    struct bytes_span in, tok;
    size_t pick;
    shim_status st;
    int rc;

    if (!cred)
        return SHIM_E_INVALID_HANDLE;
    if ((st = token_input(c->input, &in)))
        return st;
    bytes_writer_init_heap(&mech, TOKEN_LIMIT);
    bytes_writer_init_heap(&out, TOKEN_LIMIT);
    st = SHIM_E_INSUFFICIENT_MEMORY;
    if (!(ctx = nego_ctx_new(cred->hdr.pkg, true)))
        goto done;
    ctx->req = c->req;

    if (spnego_is_ntlmssp(in.p, in.len)) {
        TRACE("bare NTLMSSP NEGOTIATE: plain NTLM\n");
        ctx->raw = true;
        if ((st = challenge(ctx, c, cred->ntlm, in, &out)) != SHIM_I_CONTINUE_NEEDED)
            goto done;
        ctx->state = NEGO_SERVER_CHALLENGE_SENT;
        goto send;
    }
    if (is_bare_ap_req(in)) {
        TRACE("bare Kerberos AP-REQ: plain Kerberos\n");
        ctx->raw = true;
        if ((st = nego_krb_accept(ctx, cred, c, in, &out)))
            goto done;
        goto accepted;
    }
    if ((rc = spnego_decode(in.p, in.len, &t)) || t.kind != SPNEGO_INIT) {
        WARN("bad NegTokenInit: %s\n", rc ? spnego_strerror(rc) : "a NegTokenResp");
        st = SHIM_E_INVALID_TOKEN;
        goto done;
    }
    if (t.n_mechs && nego_is_krb(t.mechs[0]) && t.has_token && t.token.len && cred->krb) {
        if (nego_ctx_keep_mech_types(ctx, t.mech_types))
            goto done;
        if ((st = nego_krb_accept(ctx, cred, c, t.token, &mech)) == SHIM_OK) {
            struct bytes_span oid = krb_oid_like(t.mechs[0]);
            tok = bytes_writer_span(&mech);
            if (spnego_encode_resp(&out, SPNEGO_ACCEPT_COMPLETED, &oid, tok.len ? &tok : NULL, NULL)) {
                st = SHIM_E_INSUFFICIENT_MEMORY;
                goto done;
            }
            goto accepted;
        }
        WARN("Kerberos did not accept the client's token (%08x)%s\n", (unsigned)st,
             cred->ntlm ? ": choosing NTLM if the client offers it" : "");
        if (!cred->ntlm)
            goto done;
        bytes_writer_free(&mech);
        bytes_writer_init_heap(&mech, TOKEN_LIMIT);
        st = SHIM_E_INSUFFICIENT_MEMORY;
    }
    if (!cred->ntlm) {
        WARN("the server's credential has no NTLM, and Kerberos was not offered first with a token\n");
        st = SHIM_E_INVALID_TOKEN;
        goto done;
    }
    for (pick = 0; pick < t.n_mechs && !is_ntlm(t.mechs[pick]); pick++)
        ;
    if (pick == t.n_mechs) {
        WARN("the client offers %lu mechanisms, none of them NTLM\n", (unsigned long)t.n_mechs);
        st = SHIM_E_INVALID_TOKEN;
        goto done;
    }
    if (nego_ctx_keep_mech_types(ctx, t.mech_types))
        goto done;
    if (pick == 0 && t.has_token && t.token.len) {
        /* The client's optimistic token is NTLM's: answer it at once. */
        if ((st = challenge(ctx, c, cred->ntlm, t.token, &mech)) != SHIM_I_CONTINUE_NEEDED)
            goto done;
        tok = bytes_writer_span(&mech);
        if (spnego_encode_resp(&out, SPNEGO_ACCEPT_INCOMPLETE, &ntlm_mech, &tok, NULL)) {
            st = SHIM_E_INSUFFICIENT_MEMORY;
            goto done;
        }
        ctx->state = NEGO_SERVER_CHALLENGE_SENT;
    } else {
        /* NTLM was not the first choice, or came without its token: name
         * it and wait for its NEGOTIATE. */
        ctx->mic_required = pick > 0;
        TRACE("NTLM is choice %lu of %lu: %s\n", (unsigned long)pick + 1, (unsigned long)t.n_mechs,
              ctx->mic_required ? "request-mic" : "waiting for its token");
        shim_object_ref(cred->ntlm);
        ctx->ntlm_cred = cred->ntlm;
        if (spnego_encode_resp(&out, ctx->mic_required ? SPNEGO_REQUEST_MIC : SPNEGO_ACCEPT_INCOMPLETE, &ntlm_mech,
                               NULL, NULL)) {
            st = SHIM_E_INSUFFICIENT_MEMORY;
            goto done;
        }
        ctx->attrs = nego_outer_attrs(c->req, 0);
        c->expiry = SHIM_TIME_NEVER;
        ctx->state = NEGO_SERVER_WAIT_TOKEN;
    }
send:
    if ((st = token_output(c->output, (c->req & SHIM_ASC_REQ_ALLOCATE_MEMORY) != 0, bytes_writer_span(&out))))
        goto done;
    c->new_ctx = &ctx->hdr;
    c->attrs = ctx->attrs;
    ctx = NULL;
    st = SHIM_I_CONTINUE_NEEDED;
    goto done;
accepted:
    /* Kerberos: done in one call. */
    if (bytes_writer_span(&out).len)
        st = token_output(c->output, (c->req & SHIM_ASC_REQ_ALLOCATE_MEMORY) != 0, bytes_writer_span(&out));
    else
        token_output_empty(c->output, (c->req & SHIM_ASC_REQ_ALLOCATE_MEMORY) != 0), st = SHIM_OK;
    if (st)
        goto done;
    nego_ctx_establish(ctx);
    TRACE("established with Kerberos%s\n", ctx->raw ? " (plain)" : "");
    c->new_ctx = &ctx->hdr;
    c->attrs = ctx->attrs;
    ctx = NULL;
done:
    if (ctx)
        shim_object_put(&ctx->hdr);
    bytes_writer_free(&mech);
    bytes_writer_free(&out);
    return st;
}

/* NTLM's NEGOTIATE after request-mic. */
static shim_status server_negotiate(struct nego_ctx *ctx, struct shim_ctx_call *c, struct bytes_span in,
                                    struct bytes_writer *out)
{
    struct spnego_token t;
    struct bytes_writer mech;
    struct bytes_span tok;
    shim_status st;
    int rc;

    if ((rc = spnego_decode(in.p, in.len, &t)) || t.kind != SPNEGO_RESP || !t.has_token || !t.token.len ||
        (t.supported_mech.len && !is_ntlm(t.supported_mech))) {
        WARN("bad NegTokenResp: %s\n", rc ? spnego_strerror(rc) : "not NTLM's NEGOTIATE");
        return SHIM_E_INVALID_TOKEN;
    }
    bytes_writer_init_heap(&mech, TOKEN_LIMIT);
    if ((st = challenge(ctx, c, ctx->ntlm_cred, t.token, &mech)) == SHIM_I_CONTINUE_NEEDED) {
        tok = bytes_writer_span(&mech);
        if (spnego_encode_resp(out, SPNEGO_ACCEPT_INCOMPLETE, NULL, &tok, NULL))
            st = SHIM_E_INSUFFICIENT_MEMORY;
    }
    shim_object_put(ctx->ntlm_cred);
    ctx->ntlm_cred = NULL;
    bytes_writer_free(&mech);
    return st;
}

/* The AUTHENTICATE (and the client's MIC) in, the verdict (and ours) out. */
static shim_status server_authenticate(struct nego_ctx *ctx, struct shim_ctx_call *c, struct bytes_span in,
                                       struct bytes_writer *out)
{
    struct spnego_token t;
    struct bytes_writer none;
    struct bytes_span mic_span;
    uint8_t mic[NTLM_SPNEGO_MIC_SIZE];
    uint32_t attrs = 0;
    shim_status st;
    int rc;

    if (ctx->raw) {
        st = nego_ntlm_step(ctx, NULL, NULL, nego_inner_req(ctx->req, true), c->datarep, &in, out, &attrs, &c->expiry);
        if (st == SHIM_OK)
            ctx->attrs = nego_outer_attrs(ctx->req, attrs);
        return st < 0 ? st : st == SHIM_OK ? SHIM_OK : SHIM_E_INTERNAL_ERROR;
    }
    if ((rc = spnego_decode(in.p, in.len, &t)) || t.kind != SPNEGO_RESP || !t.has_token || !t.token.len ||
        (t.supported_mech.len && !is_ntlm(t.supported_mech))) {
        WARN("bad NegTokenResp: %s\n", rc ? spnego_strerror(rc) : "no AUTHENTICATE in it");
        return SHIM_E_INVALID_TOKEN;
    }
    if (t.neg_state == SPNEGO_REJECT) {
        WARN("the client gave up\n");
        return SHIM_E_LOGON_DENIED;
    }
    bytes_writer_init_heap(&none, TOKEN_LIMIT);
    st = nego_ntlm_step(ctx, NULL, NULL, nego_inner_req(ctx->req, true), c->datarep, &t.token, &none, &attrs,
                        &c->expiry);
    bytes_writer_free(&none);
    if (st != SHIM_OK)
        return st < 0 ? st : SHIM_E_INTERNAL_ERROR;
    ctx->attrs = nego_outer_attrs(ctx->req, attrs);
    if (t.has_mic) {
        if (ntlm_spnego_check_mic(ctx->inner, ctx->mech_types, ctx->mech_types_len, t.mic.p, t.mic.len)) {
            WARN("the client's mechListMIC does not verify\n");
            return SHIM_E_LOGON_DENIED;
        }
        ctx->mic_rcvd = true;
    } else if (ctx->mic_required) {
        WARN("no mechListMIC, and NTLM was not the client's first choice\n");
        return SHIM_E_LOGON_DENIED;
    } else if (ntlm_spnego_peer_mic(ctx->inner)) {
        /* A client whose AUTHENTICATE has a MIC always sends a mechListMIC
         * too (MS-SPNG 3.3.5.1): one missing was stripped on the way. */
        WARN("no mechListMIC, though the NTLM AUTHENTICATE had a MIC\n");
        return SHIM_E_LOGON_DENIED;
    }
    if (ctx->mic_rcvd) {
        if ((st = ntlm_spnego_make_mic(ctx->inner, ctx->mech_types, ctx->mech_types_len, mic)))
            return st;
        ctx->mic_sent = true;
    }
    mic_span = (struct bytes_span){ mic, sizeof(mic) };
    st = spnego_encode_resp(out, SPNEGO_ACCEPT_COMPLETED, NULL, NULL, ctx->mic_sent ? &mic_span : NULL)
       ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
    crypto_wipe(mic, sizeof(mic));
    return st;
}

shim_status nego_accept_context(struct shim_ctx_call *c)
{
    struct nego_ctx *ctx;
    struct bytes_writer out;
    struct bytes_span in;
    bool allocate;
    shim_status st;

    if (!c->ctx)
        return server_first(c);
    if (!(ctx = nego_ctx_from(c->ctx)) || !ctx->server)
        return SHIM_E_INVALID_HANDLE;
    c->expiry = SHIM_TIME_NEVER;
    bytes_writer_init_heap(&out, TOKEN_LIMIT);
    sys_mutex_lock(&ctx->lock);
    allocate = (ctx->req & SHIM_ASC_REQ_ALLOCATE_MEMORY) != 0;
    if (ctx->state != NEGO_SERVER_WAIT_TOKEN && ctx->state != NEGO_SERVER_CHALLENGE_SENT) {
        WARN("context already %s\n", ctx->state == NEGO_ESTABLISHED ? "established" : "failed");
        st = SHIM_E_OUT_OF_SEQUENCE;
        goto unlock;
    }
    if ((st = token_input(c->input, &in)))
        goto done;
    if (ctx->state == NEGO_SERVER_WAIT_TOKEN) {
        if ((st = server_negotiate(ctx, c, in, &out)) == SHIM_I_CONTINUE_NEEDED &&
            (st = token_output(c->output, allocate, bytes_writer_span(&out))) == SHIM_OK) {
            ctx->state = NEGO_SERVER_CHALLENGE_SENT;
            st = SHIM_I_CONTINUE_NEEDED;
        }
    } else {
        if ((st = server_authenticate(ctx, c, in, &out)) == SHIM_OK &&
            (st = token_output(c->output, allocate, bytes_writer_span(&out))) == SHIM_OK) {
            nego_ctx_establish(ctx);
            TRACE("established%s\n", ctx->raw ? " (plain NTLM)" : "");
        }
    }
done:
    if (st < 0)
        nego_ctx_fail(ctx);
    c->attrs = ctx->attrs;
unlock:
    sys_mutex_unlock(&ctx->lock);
    bytes_writer_free(&out);
    return st;
}
