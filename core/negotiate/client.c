/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* InitializeSecurityContext for Negotiate, as Windows' client runs it over
 * NTLM:
 *
 *   1. NegTokenInit { mechTypes [NTLM], mechToken NEGOTIATE }  -> CONTINUE_NEEDED
 *   2. NegTokenResp { accept-incomplete, NTLM, CHALLENGE } in,
 *      NegTokenResp { AUTHENTICATE, mechListMIC } out          -> SEC_E_OK
 *   3. (optional) NegTokenResp { accept-completed, mechListMIC } in
 *                                                             -> SEC_E_OK
 *
 * Windows' client is done when it sends the AUTHENTICATE: programs stop at
 * SEC_E_OK and never hand it the server's last token (HTTP clients see it
 * in the 200's header, if at all).  So the receiving direction moves on as
 * if the server's MIC had been checked (ntlm_spnego_skip_mic), and a
 * program that does pass the last token on gets it checked all the same:
 * a reject or a MIC that does not verify is SEC_E_LOGON_DENIED and spends
 * the context.  Without extended session security (one RC4 stream both
 * ways) the client waits for the last token, as before.
 *
 * Kerberos first (RFC 4178's optimistic token, as Windows' client):
 *
 *   1. NegTokenInit { mechTypes [krb5, NTLM], mechToken AP-REQ }
 *          -> SEC_E_OK, or CONTINUE_NEEDED when mutual authentication
 *             was asked (ISC_REQ_MUTUAL_AUTH: the AP-REP is to come)
 *   2. NegTokenResp { accept-completed, krb5, AP-REP, [mechListMIC] }
 *          -> SEC_E_OK (with our mechListMIC out when the server asks
 *             for one: request-mic, or a MIC of its own)
 *   or NegTokenResp { NTLM chosen, no token }: the server has no
 *      Kerberos; NTLM's NEGOTIATE goes out, and NTLM's exchange follows
 *      with the mechListMIC required (NTLM was not our first choice).
 *
 * Kerberos is tried when the credential has it (core/negotiate/
 * credentials.c) and a target name was given; when it cannot get a
 * ticket (no credential cache, no KDC answering within
 * SSPISHIM_NEGOTIATE_KDC_MS, an unknown service), the client falls back
 * to NTLM alone, and says why on the debug channel (warn).
 *
 * Choices where Windows leaves room:
 * - The Kerberos OID offered is RFC 4121's (1.2.840.113554.1.2.2); a
 *   server choosing Microsoft's (1.2.840.48018.1.2.2) is taken as the same.
 * - The mechListMIC (RFC 4178 5) is always sent with the AUTHENTICATE: the
 *   NTLM context is always asked for integrity so that it has keys, as
 *   MIT's SPNEGO does.  The server's MIC must come back with its
 *   accept-completed (RFC 4178: who receives a MIC sends one); a missing or
 *   wrong one is SEC_E_LOGON_DENIED, as is a reject.
 * - A bare NTLMSSP CHALLENGE in answer to the NegTokenInit (a server that
 *   speaks NTLM under the Negotiate name, as Wine's builtin does) is taken:
 *   the context goes on as plain NTLM and ends with the AUTHENTICATE.
 * - An input token on the first call (a server's NegTokenInit2 hint, as
 *   SMB servers send) must list NTLM; it is otherwise ignored.
 * - A malformed token, a token where none belongs (or none where one must
 *   be), or a mechanism we did not offer: SEC_E_INVALID_TOKEN.  Any failure
 *   after the first call spends the context; calling a finished or failed
 *   context again is SEC_E_OUT_OF_SEQUENCE. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"

#include "negotiate_pkg.h"

#define TOKEN_LIMIT 0x20000

static const struct bytes_span ntlm_mech = { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) };
static const struct bytes_span krb5_mech = { spnego_oid_krb5, sizeof(spnego_oid_krb5) };

static bool is_ntlm(struct bytes_span oid)
{
    return oid.len == sizeof(spnego_oid_ntlm) && !memcmp(oid.p, spnego_oid_ntlm, oid.len);
}

/* A server's hint on the first call: it must offer NTLM. */
static shim_status check_hint(const struct shim_buffer_desc *in)
{
    struct spnego_token t;
    struct bytes_span token;
    int rc;

    if (token_input(in, &token))
        return SHIM_OK;         /* no token: nothing to check */
    if ((rc = spnego_decode(token.p, token.len, &t)) || t.kind != SPNEGO_INIT) {
        WARN("first input is not a NegTokenInit: %s\n", spnego_strerror(rc));
        return SHIM_E_INVALID_TOKEN;
    }
    for (size_t i = 0; i < t.n_mechs; i++)
        if (is_ntlm(t.mechs[i]) || nego_is_krb(t.mechs[i]))
            return SHIM_OK;
    WARN("the server offers neither Kerberos nor NTLM\n");
    return SHIM_E_INVALID_TOKEN;
}

static shim_status client_first(struct shim_ctx_call *c)
{
    struct nego_cred *cred = nego_cred_from(c->cred);
    struct bytes_writer types, mech, out;
    struct nego_ctx *ctx = NULL;
    struct bytes_span tok, mechs[2];
    size_t n_mechs = 0;
    uint32_t attrs = 0;
    shim_status st, krb = SHIM_E_NO_CREDENTIALS;

    if (!cred)
        return SHIM_E_INVALID_HANDLE;
    if (c->input && (st = check_hint(c->input)))
        return st;
    bytes_writer_init_heap(&types, TOKEN_LIMIT);
    bytes_writer_init_heap(&mech, TOKEN_LIMIT);
    bytes_writer_init_heap(&out, TOKEN_LIMIT);
    st = SHIM_E_INSUFFICIENT_MEMORY;
    if (!(ctx = nego_ctx_new(cred->hdr.pkg, false)))
        goto done;
    ctx->req = c->req;
    if (cred->krb) {
        krb = nego_krb_client_start(ctx, cred, c, &mech, &attrs);
        if (krb == SHIM_OK || krb == SHIM_I_CONTINUE_NEEDED) {
            mechs[n_mechs++] = krb5_mech;
            if (cred->ntlm) {
                mechs[n_mechs++] = ntlm_mech;
                shim_object_ref(cred->ntlm);
                ctx->ntlm_cred = cred->ntlm;   /* for a server without Kerberos */
            }
        } else if (cred->ntlm) {
            WARN("Kerberos cannot be used (%08x): falling back to NTLM\n", (unsigned)krb);
            bytes_writer_free(&mech);
            bytes_writer_init_heap(&mech, TOKEN_LIMIT);
        } else {
            st = krb;
            goto done;
        }
    }
    if (!n_mechs) {
        st = nego_ntlm_step(ctx, cred->ntlm, c->target, nego_inner_req(c->req, false), c->datarep, NULL, &mech,
                            &attrs, &c->expiry);
        if (st != SHIM_I_CONTINUE_NEEDED) {
            if (st >= 0)
                st = SHIM_E_INTERNAL_ERROR;
            goto done;
        }
        mechs[n_mechs++] = ntlm_mech;
    }
    st = SHIM_E_INSUFFICIENT_MEMORY;
    tok = bytes_writer_span(&mech);
    if (spnego_encode_mech_types(&types, mechs, n_mechs) ||
        nego_ctx_keep_mech_types(ctx, bytes_writer_span(&types)) ||
        spnego_encode_init(&out, bytes_writer_span(&types), &tok, NULL))
        goto done;
    if ((st = token_output(c->output, (c->req & SHIM_ISC_REQ_ALLOCATE_MEMORY) != 0, bytes_writer_span(&out))))
        goto done;
    ctx->attrs = nego_outer_attrs(c->req, attrs);
    TRACE("NegTokenInit sent with %s, %lu bytes\n", nego_inner_is_krb(ctx) ? "Kerberos" : "NTLM",
          (unsigned long)bytes_writer_span(&out).len);
    c->new_ctx = &ctx->hdr;
    c->attrs = ctx->attrs;
    st = SHIM_I_CONTINUE_NEEDED;
    if (nego_inner_is_krb(ctx)) {
        ctx->state = NEGO_CLIENT_KRB_SENT;
        ctx->krb_wait_ap_rep = krb == SHIM_I_CONTINUE_NEEDED;
        if (krb == SHIM_OK) {
            /* Done at the AP-REQ, as Windows' client: the server's verdict
             * may still come, and is then checked (client_late). */
            ctx->late_mechs = ctx->mech_types;
            ctx->late_mechs_len = ctx->mech_types_len;
            ctx->mech_types = NULL;
            nego_ctx_establish(ctx);
            st = SHIM_OK;
        }
    }
    ctx = NULL;
done:
    if (ctx)
        shim_object_put(&ctx->hdr);
    bytes_writer_free(&types);
    bytes_writer_free(&mech);
    bytes_writer_free(&out);
    return st;
}

/* A NegTokenResp from the server that is not a reject. */
static shim_status server_resp(struct bytes_span in, struct spnego_token *t)
{
    int rc;

    if ((rc = spnego_decode(in.p, in.len, t)) || t->kind != SPNEGO_RESP) {
        WARN("bad NegTokenResp: %s\n", rc ? spnego_strerror(rc) : "a NegTokenInit");
        return SHIM_E_INVALID_TOKEN;
    }
    if (t->neg_state == SPNEGO_REJECT) {
        WARN("the server rejected the negotiation\n");
        return SHIM_E_LOGON_DENIED;
    }
    return SHIM_OK;
}

/* The server chose plain NTLM: its CHALLENGE came bare. */
static shim_status client_raw(struct nego_ctx *ctx, struct shim_ctx_call *c, struct bytes_span in,
                              struct bytes_writer *out)
{
    uint32_t attrs = 0;
    shim_status st;

    TRACE("bare NTLMSSP answer: going on as plain NTLM\n");
    ctx->raw = true;
    st = nego_ntlm_step(ctx, NULL, c->target, nego_inner_req(ctx->req, false), c->datarep, &in, out, &attrs,
                        &c->expiry);
    if (st != SHIM_OK)
        return st < 0 ? st : SHIM_E_INTERNAL_ERROR;
    ctx->attrs = nego_outer_attrs(ctx->req, attrs);
    return SHIM_OK;
}

/* Leg 2: the server's choice and CHALLENGE in, AUTHENTICATE and our MIC out. */
static shim_status client_second(struct nego_ctx *ctx, struct shim_ctx_call *c, struct bytes_span in,
                                 struct bytes_writer *out)
{
    struct spnego_token t;
    struct bytes_writer mech;
    struct bytes_span auth, mic_span;
    uint8_t mic[NTLM_SPNEGO_MIC_SIZE];
    bool have_mic = false;
    uint32_t attrs = 0;
    shim_status st;

    if ((st = server_resp(in, &t)))
        return st;
    if (t.supported_mech.len && !is_ntlm(t.supported_mech)) {
        WARN("the server chose a mechanism we did not offer\n");
        return SHIM_E_INVALID_TOKEN;
    }
    if (t.neg_state == SPNEGO_ACCEPT_COMPLETED || !t.has_token || !t.token.len) {
        WARN("no CHALLENGE in the server's answer (negState %d)\n", t.neg_state);
        return SHIM_E_INVALID_TOKEN;
    }
    if (t.neg_state == SPNEGO_REQUEST_MIC)
        ctx->mic_required = true;
    bytes_writer_init_heap(&mech, TOKEN_LIMIT);
    st = nego_ntlm_step(ctx, NULL, c->target, nego_inner_req(ctx->req, false), c->datarep, &t.token, &mech,
                        &attrs, &c->expiry);
    if (st != SHIM_OK) {
        if (st >= 0)
            st = SHIM_E_INTERNAL_ERROR;
        goto done;
    }
    ctx->attrs = nego_outer_attrs(ctx->req, attrs);
    st = ntlm_spnego_make_mic(ctx->inner, ctx->mech_types, ctx->mech_types_len, mic);
    if (st == SHIM_OK) {
        have_mic = ctx->mic_sent = true;
    } else if (st == SHIM_E_UNSUPPORTED_FUNCTION && !ctx->mic_required) {
        WARN("NTLM agreed no signing: no mechListMIC\n");
    } else {
        goto done;
    }
    auth = bytes_writer_span(&mech);
    mic_span = (struct bytes_span){ mic, sizeof(mic) };
    st = spnego_encode_resp(out, SPNEGO_STATE_ABSENT, NULL, &auth, have_mic ? &mic_span : NULL)
       ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
done:
    bytes_writer_free(&mech);
    crypto_wipe(mic, sizeof(mic));
    return st;
}

/* The server's answer to our Kerberos NegTokenInit (mutual authentication
 * asked): its AP-REP, or its choice of NTLM.  *more: NTLM goes on. */
static shim_status client_krb_reply(struct nego_ctx *ctx, struct shim_ctx_call *c, struct bytes_span in,
                                    struct bytes_writer *out, bool *more)
{
    struct spnego_token t;
    struct bytes_writer mech;
    struct bytes_span tok;
    uint32_t attrs = 0;
    shim_status st;

    *more = false;
    if ((st = server_resp(in, &t)))
        return st;
    if (t.supported_mech.len && is_ntlm(t.supported_mech)) {
        if (!ctx->ntlm_cred || (t.has_token && t.token.len)) {
            WARN("the server chose NTLM %s\n", ctx->ntlm_cred ? "with a token" : "which we did not offer");
            return SHIM_E_INVALID_TOKEN;
        }
        WARN("the server has no Kerberos: falling back to NTLM\n");
        ctx->inner->pkg->ops->delete_context(ctx->inner);
        shim_object_put(ctx->inner);
        ctx->inner = NULL;
        ctx->mic_required = true;   /* NTLM was not our first choice */
        bytes_writer_init_heap(&mech, TOKEN_LIMIT);
        st = nego_ntlm_step(ctx, ctx->ntlm_cred, c->target, nego_inner_req(ctx->req, false), c->datarep, NULL, &mech,
                            &attrs, &c->expiry);
        if (st == SHIM_I_CONTINUE_NEEDED) {
            tok = bytes_writer_span(&mech);
            st = spnego_encode_resp(out, SPNEGO_STATE_ABSENT, NULL, &tok, NULL) ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
            ctx->attrs = nego_outer_attrs(ctx->req, attrs);
            *more = true;
        } else if (st >= 0) {
            st = SHIM_E_INTERNAL_ERROR;
        }
        bytes_writer_free(&mech);
        return st;
    }
    if (t.supported_mech.len && !nego_is_krb(t.supported_mech)) {
        WARN("the server chose a mechanism we did not offer\n");
        return SHIM_E_INVALID_TOKEN;
    }
    if ((st = nego_krb_client_finish(ctx, c, &t, &attrs)))
        return st;
    ctx->attrs = nego_outer_attrs(ctx->req, attrs);
    if (t.has_mic) {
        if (nego_krb_check_mic(ctx, t.mic)) {
            WARN("the server's mechListMIC does not verify\n");
            return SHIM_E_LOGON_DENIED;
        }
        ctx->mic_rcvd = true;
    }
    /* Who receives a MIC sends one (RFC 4178 5); so does a client asked. */
    if (t.has_mic || t.neg_state == SPNEGO_REQUEST_MIC || t.neg_state == SPNEGO_ACCEPT_INCOMPLETE) {
        struct bytes_writer mic;
        bytes_writer_init_heap(&mic, TOKEN_LIMIT);
        if (!(st = nego_krb_make_mic(ctx, &mic))) {
            tok = bytes_writer_span(&mic);
            st = spnego_encode_resp(out, SPNEGO_STATE_ABSENT, NULL, NULL, &tok) ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
            ctx->mic_sent = true;
        }
        bytes_writer_free(&mic);
    }
    return st;
}

/* The server's verdict after a client that was done at its AP-REQ. */
static shim_status client_krb_late(struct nego_ctx *ctx, struct bytes_span in)
{
    struct spnego_token t;
    shim_status st = SHIM_OK;

    if ((st = server_resp(in, &t)))
        return st;
    if (t.supported_mech.len && !nego_is_krb(t.supported_mech)) {
        WARN("unexpected final token\n");
        return SHIM_E_INVALID_TOKEN;
    }
    if (t.has_mic) {
        ctx->mech_types = ctx->late_mechs;
        ctx->mech_types_len = ctx->late_mechs_len;
        st = nego_krb_check_mic(ctx, t.mic);
        ctx->mech_types = NULL;
        ctx->mech_types_len = 0;
        if (st)
            WARN("the server's mechListMIC does not verify\n");
    }
    return st;
}

/* The server's last token: its verdict and MIC.  On leg 3 (late false)
 * checking the MIC moves the receiving direction on; taken late, by a
 * client that was done at its AUTHENTICATE, the direction has moved on
 * already and the MIC is checked against the state it was made from. */
static shim_status client_last(struct nego_ctx *ctx, struct bytes_span in, bool late)
{
    struct spnego_token t;
    shim_status st;

    if ((st = server_resp(in, &t)))
        return st;
    if (t.neg_state != SPNEGO_ACCEPT_COMPLETED || (t.has_token && t.token.len) ||
        (t.supported_mech.len && !is_ntlm(t.supported_mech))) {
        WARN("unexpected final token (negState %d)\n", t.neg_state);
        return SHIM_E_INVALID_TOKEN;
    }
    if (t.has_mic) {
        st = late ? ntlm_spnego_check_skipped_mic(ctx->inner, ctx->late_mic_seq, ctx->late_mechs,
                                                  ctx->late_mechs_len, t.mic.p, t.mic.len)
                  : ntlm_spnego_check_mic(ctx->inner, ctx->mech_types, ctx->mech_types_len, t.mic.p, t.mic.len);
        if (st) {
            WARN("the server's mechListMIC does not verify\n");
            return SHIM_E_LOGON_DENIED;
        }
        ctx->mic_rcvd = true;
    } else if (ctx->mic_sent || ctx->mic_required) {
        WARN("the server sent no mechListMIC back\n");
        return SHIM_E_LOGON_DENIED;
    }
    return SHIM_OK;
}

/* After the AUTHENTICATE: established at once, the server's MIC taken as
 * read.  false: this context waits for the last token instead. */
static bool establish_early(struct nego_ctx *ctx)
{
    uint32_t seq = 0;

    if (ctx->mic_sent) {
        if (ntlm_spnego_skip_mic(ctx->inner, &seq) != SHIM_OK)
            return false;
        ctx->mic_rcvd = true;    /* its sequence number is spent either way */
    }
    ctx->late_mechs = ctx->mech_types;
    ctx->late_mechs_len = ctx->mech_types_len;
    ctx->late_mic_seq = seq;
    ctx->mech_types = NULL;
    nego_ctx_establish(ctx);
    TRACE("established at the AUTHENTICATE\n");
    return true;
}

/* The server's last token, on a client already established: once. */
static shim_status client_late(struct nego_ctx *ctx, struct shim_ctx_call *c)
{
    struct bytes_span in;
    shim_status st;

    if ((st = token_input(c->input, &in)) == SHIM_OK &&
        (st = nego_inner_is_krb(ctx) ? client_krb_late(ctx, in) : client_last(ctx, in, true)) == SHIM_OK)
        token_output(c->output, (ctx->req & SHIM_ISC_REQ_ALLOCATE_MEMORY) != 0, (struct bytes_span){ NULL, 0 });
    free(ctx->late_mechs);
    ctx->late_mechs = NULL;
    return st;
}

shim_status nego_initialize_context(struct shim_ctx_call *c)
{
    struct nego_ctx *ctx;
    struct bytes_writer out;
    struct bytes_span in;
    bool allocate;
    shim_status st;

    if (!c->ctx)
        return client_first(c);
    if (!(ctx = nego_ctx_from(c->ctx)) || ctx->server)
        return SHIM_E_INVALID_HANDLE;
    c->expiry = SHIM_TIME_NEVER;
    bytes_writer_init_heap(&out, TOKEN_LIMIT);
    sys_mutex_lock(&ctx->lock);
    allocate = (ctx->req & SHIM_ISC_REQ_ALLOCATE_MEMORY) != 0;
    if (ctx->state == NEGO_ESTABLISHED && ctx->late_mechs) {
        st = client_late(ctx, c);
        goto done;
    }
    if (ctx->state != NEGO_CLIENT_INIT_SENT && ctx->state != NEGO_CLIENT_AUTH_SENT &&
        ctx->state != NEGO_CLIENT_KRB_SENT) {
        WARN("context already %s\n", ctx->state == NEGO_ESTABLISHED ? "established" : "failed");
        st = SHIM_E_OUT_OF_SEQUENCE;
        goto unlock;
    }
    if ((st = token_input(c->input, &in)))
        goto done;
    if (ctx->state == NEGO_CLIENT_KRB_SENT) {
        bool more;
        if ((st = client_krb_reply(ctx, c, in, &out, &more)) == SHIM_OK &&
            (st = token_output(c->output, allocate, bytes_writer_span(&out))) == SHIM_OK) {
            if (more) {
                ctx->state = NEGO_CLIENT_INIT_SENT;
                st = SHIM_I_CONTINUE_NEEDED;
            } else {
                nego_ctx_establish(ctx);
                TRACE("established with Kerberos\n");
            }
        }
    } else if (ctx->state == NEGO_CLIENT_INIT_SENT) {
        if (spnego_is_ntlmssp(in.p, in.len))
            st = client_raw(ctx, c, in, &out);
        else
            st = client_second(ctx, c, in, &out);
        if (st == SHIM_OK && (st = token_output(c->output, allocate, bytes_writer_span(&out))) == SHIM_OK) {
            if (ctx->raw) {
                nego_ctx_establish(ctx);
            } else if (!establish_early(ctx)) {
                ctx->state = NEGO_CLIENT_AUTH_SENT;
                st = SHIM_I_CONTINUE_NEEDED;
            }
        }
    } else {
        if ((st = client_last(ctx, in, false)) == SHIM_OK) {
            token_output(c->output, allocate, (struct bytes_span){ NULL, 0 });
            nego_ctx_establish(ctx);
            TRACE("established\n");
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
