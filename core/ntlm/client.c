/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* InitializeSecurityContext for NTLM: NEGOTIATE out, CHALLENGE in,
 * AUTHENTICATE out (MS-NLMP 3.1.5).
 *
 * Choices where Windows leaves room:
 * - NEGOTIATE flags: UNICODE, OEM, REQUEST_TARGET, NTLM, ALWAYS_SIGN,
 *   EXTENDED_SESSIONSECURITY, VERSION, 128, KEY_EXCH, 56, as Windows sends
 *   them; SIGN only when asked for ISC_REQ_INTEGRITY, _REPLAY_DETECT,
 *   _SEQUENCE_DETECT or _CONFIDENTIALITY, SEAL (with SIGN) for
 *   _CONFIDENTIALITY, IDENTIFY for ISC_REQ_IDENTIFY (Wine's NTLM tests show
 *   Windows leaves SIGN and SEAL out of a plain request).  TARGET_INFO is
 *   the server's to set, as in Windows' NEGOTIATE.  The AUTHENTICATE names
 *   the computer (sys_computer_name) as the workstation, as Windows does.
 * - NTLMv2 responses only, always, and 128-bit keys, as Windows with
 *   NtlmMinClientSec requiring 128 bits: a CHALLENGE without NEGOTIATE_128
 *   is refused with SEC_E_UNSUPPORTED_FUNCTION (what the old NTLMSSP
 *   sources call SEC_E_NOT_SUPPORTED).  A CHALLENGE without extended
 *   session security is answered as Windows answers it: still NTLMv2 (the
 *   key exchange key is the session base key), then the session security
 *   of MS-NLMP 3.4.4.1, one RC4 stream and one sequence number for both
 *   directions, keyed with the whole exported session key (LM_KEY and
 *   datagram, which would weaken it, are never asked for).  LM and NTLMv1
 *   responses are never sent.  ISC_REQ_DATAGRAM (connectionless NTLM) is
 *   refused with SEC_E_UNSUPPORTED_FUNCTION, on the first call.
 * - The AUTHENTICATE flags are the CHALLENGE's, less what we did not ask
 *   for.  The response's AV pairs are the server's TargetInfo with, when
 *   the server sent an MsvAvTimestamp, MsvAvFlags announcing a MIC (and the
 *   LM response zeroed), as MS-NLMP 3.1.5.1.2 has it; MsvAvTargetName
 *   carries the target name given to InitializeSecurityContext.  Without a
 *   server timestamp the blob's time is ours and an LMv2 response is sent.
 * - The credential must allow outbound use, else SEC_E_UNSUPPORTED_FUNCTION
 *   (the old NTLMSSP sources' SEC_E_INVALID_CREDENTIAL_USE).
 * - Return codes: SEC_I_CONTINUE_NEEDED with the NEGOTIATE, then SEC_E_OK
 *   with the AUTHENTICATE.  Another call on a finished (or failed) context
 *   is SEC_E_OUT_OF_SEQUENCE.  A failing second call spends the context,
 *   except SEC_E_BUFFER_TOO_SMALL, after which the call may be repeated
 *   with a larger buffer.  A server context passed here is
 *   SEC_E_INVALID_HANDLE.  A target name longer than a UNICODE_STRING can
 *   hold (NTLM_NAME_MAX characters) is SEC_E_INVALID_PARAMETER. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/ntlm_msg.h"

#include "ntlm_pkg.h"

/* Windows 10, as MS-NLMP 2.2.2.10 lays the Version out. */
const struct ntlm_version ntlm_our_version = { 10, 0, 19041, NTLM_REVISION_W2K3 };

/* Room for any message we build; a caller's buffer may still be smaller. */
#define MESSAGE_LIMIT 0x10000

#define CLIENT_FLAGS (NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM | NTLM_REQUEST_TARGET |          \
                      NTLM_NEGOTIATE_NTLM | NTLM_NEGOTIATE_ALWAYS_SIGN |                          \
                      NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLM_NEGOTIATE_VERSION |          \
                      NTLM_NEGOTIATE_128 | NTLM_NEGOTIATE_KEY_EXCH | NTLM_NEGOTIATE_56)

static uint32_t client_flags(uint32_t req)
{
    uint32_t f = CLIENT_FLAGS;

    if (req & (SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_REPLAY_DETECT | SHIM_ISC_REQ_SEQUENCE_DETECT |
               SHIM_ISC_REQ_CONFIDENTIALITY))
        f |= NTLM_NEGOTIATE_SIGN;
    if (req & SHIM_ISC_REQ_CONFIDENTIALITY)
        f |= NTLM_NEGOTIATE_SEAL;
    if (req & SHIM_ISC_REQ_IDENTIFY)
        f |= NTLM_NEGOTIATE_IDENTIFY;
    return f;
}

/* ISC_RET_* for what was asked and what the flags give.  The request and
 * result bits asked for here have the same values. */
static uint32_t client_attrs(uint32_t req, uint32_t flags)
{
    uint32_t a = req & (SHIM_ISC_REQ_CONNECTION | SHIM_ISC_REQ_EXTENDED_ERROR | SHIM_ISC_REQ_ALLOCATE_MEMORY);

    if (flags & NTLM_NEGOTIATE_SIGN)
        a |= SHIM_ISC_RET_INTEGRITY | (req & (SHIM_ISC_REQ_REPLAY_DETECT | SHIM_ISC_REQ_SEQUENCE_DETECT));
    if (flags & NTLM_NEGOTIATE_SEAL)
        a |= SHIM_ISC_RET_CONFIDENTIALITY;
    if (flags & NTLM_NEGOTIATE_IDENTIFY)
        a |= SHIM_ISC_RET_IDENTIFY;
    return a;
}

/* ---- first call: NEGOTIATE ----------------------------------------------------- */

static shim_status client_first(struct shim_ctx_call *c)
{
    struct ntlm_cred *cred = ntlm_cred_from(c->cred);
    struct ntlm_negotiate m = { 0 };
    struct bytes_writer w;
    struct ntlm_ctx *ctx = NULL;
    bool allocate = (c->req & SHIM_ISC_REQ_ALLOCATE_MEMORY) != 0;
    shim_status st;

    if (!cred)
        return SHIM_E_INVALID_HANDLE;
    if (!(cred->use & SHIM_CRED_OUTBOUND)) {
        WARN("inbound-only credential used to initiate\n");
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if (c->req & SHIM_ISC_REQ_DATAGRAM) {
        WARN("connectionless NTLM is not supported\n");
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if (c->target && wstr_len(c->target) > NTLM_NAME_MAX) {
        WARN("target name longer than %d characters\n", NTLM_NAME_MAX);
        return SHIM_E_INVALID_PARAMETER;
    }
    m.flags = client_flags(c->req);
    if (ntlm_no_ess(false))
        m.flags &= ~(uint32_t)NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY;
    m.version = ntlm_our_version;
    bytes_writer_init_heap(&w, MESSAGE_LIMIT);
    st = SHIM_E_INSUFFICIENT_MEMORY;
    if (ntlm_build_negotiate(&w, &m) || !(ctx = ntlm_ctx_new(cred->hdr.pkg, false, true)))
        goto done;
    ctx->req = c->req;
    ctx->flags = m.flags;
    if (ntlm_name_copy(&ctx->user, &cred->user) || ntlm_name_copy(&ctx->domain, &cred->domain) ||
        (c->target && ntlm_name_set(&ctx->target, c->target, wstr_len(c->target))) ||
        ntlm_ctx_keep(&ctx->hs->negotiate, bytes_writer_span(&w)))
        goto done;
    memcpy(ctx->hs->nt_hash, cred->nt_hash, sizeof(ctx->hs->nt_hash));
    ctx->hs->missing = cred->missing;
    if ((st = token_output(c->output, allocate, bytes_writer_span(&w))))
        goto done;
    ctx->attrs = client_attrs(c->req, m.flags);
    TRACE("NEGOTIATE sent, flags %#x\n", m.flags);
    c->new_ctx = &ctx->hdr;
    c->attrs = ctx->attrs;
    c->expiry = SHIM_TIME_NEVER;
    ctx = NULL;
    st = SHIM_I_CONTINUE_NEEDED;
done:
    if (ctx)
        shim_object_put(&ctx->hdr);
    bytes_writer_free(&w);
    return st;
}

/* ---- second call: CHALLENGE in, AUTHENTICATE out ------------------------------- */

/* What the AUTHENTICATE is made of; everything here is wiped. */
struct auth_parts {
    uint8_t response_key[NTLM_KEY_SIZE];
    uint8_t session_base_key[NTLM_KEY_SIZE];
    uint8_t exported[NTLM_KEY_SIZE];
    uint8_t encrypted[NTLM_KEY_SIZE];
    uint8_t client_challenge[NTLM_CHALLENGE_SIZE];
    uint8_t lm[NTLM_LMV2_SIZE];
    uint8_t mic[NTLM_KEY_SIZE];
    struct bytes_writer av, nt, spn, user, domain, workstation;
};

static void parts_free(struct auth_parts *p)
{
    bytes_writer_free(&p->av);
    bytes_writer_free(&p->nt);
    bytes_writer_free(&p->spn);
    bytes_writer_free(&p->user);
    bytes_writer_free(&p->domain);
    bytes_writer_free(&p->workstation);
    crypto_wipe(p, sizeof(*p));
}

/* Builds the AUTHENTICATE into w and leaves the exported session key in
 * exported.  ch is the parsed CHALLENGE, chal its bytes. */
static shim_status build_authenticate(struct ntlm_ctx *ctx, const struct ntlm_challenge *ch,
                                      struct bytes_span chal, uint32_t flags, struct bytes_writer *w,
                                      uint8_t exported[NTLM_KEY_SIZE])
{
    struct auth_parts p;
    struct ntlm_authenticate m = { 0 };
    struct bytes_span nt;
    bool unicode = (flags & NTLM_NEGOTIATE_UNICODE) != 0, server_time;
    uint64_t now;
    size_t mic_pos = 0, nt_len;
    shim_status st = SHIM_E_INSUFFICIENT_MEMORY;
    int rc;

    memset(&p, 0, sizeof(p));
    bytes_writer_init_heap(&p.av, MESSAGE_LIMIT);
    bytes_writer_init_heap(&p.nt, MESSAGE_LIMIT);
    bytes_writer_init_heap(&p.spn, MESSAGE_LIMIT);
    bytes_writer_init_heap(&p.user, MESSAGE_LIMIT);
    bytes_writer_init_heap(&p.domain, MESSAGE_LIMIT);
    bytes_writer_init_heap(&p.workstation, MESSAGE_LIMIT);

    server_time = ch->target_info.len && !ntlm_av_get_timestamp(ch->target_info, &now);
    if (!server_time)
        now = ntlm_now();
    if (ntlm_name_to_wire(&p.spn, ctx->target.s, ctx->target.len, true))
        goto done;
    rc = ntlm_av_client_info(&p.av, ch->target_info, server_time ? NTLM_AV_FLAG_MIC : 0, NULL,
                             (struct bytes_span){ NULL, 0 }, bytes_writer_span(&p.spn));
    if (rc) {
        st = rc == NTLM_ERR_WRITER ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_E_INVALID_TOKEN;
        goto done;
    }
    if (ntlm_random(NTLM_RANDOM_CLIENT_CHALLENGE, p.client_challenge, sizeof(p.client_challenge))) {
        st = SHIM_E_INTERNAL_ERROR;
        goto done;
    }

    /* MS-NLMP 3.3.2: the response, then the keys (3.4.5.1, 3.1.5.1.2). */
    ntlm_ntowfv2_from_hash(ctx->hs->nt_hash, ctx->user.s, ctx->user.len, ctx->domain.s, ctx->domain.len,
                           p.response_key);
    nt_len = NTLM_V2_RESPONSE_SIZE(bytes_writer_span(&p.av).len);
    bytes_reserve(&p.nt, nt_len);
    if (p.nt.failed)
        goto done;
    if (ntlm_v2_response(p.response_key, ch->server_challenge, p.client_challenge, now,
                         bytes_writer_span(&p.av).p, bytes_writer_span(&p.av).len, p.nt.buf, nt_len) != nt_len) {
        st = SHIM_E_INTERNAL_ERROR;
        goto done;
    }
    nt = bytes_writer_span(&p.nt);
    ntlm_session_base_key(p.response_key, nt.p, p.session_base_key);
    ntlm_kxkey_v2(p.session_base_key, exported);
    if (flags & NTLM_NEGOTIATE_KEY_EXCH) {
        if (ntlm_random(NTLM_RANDOM_SESSION_KEY, p.exported, sizeof(p.exported))) {
            st = SHIM_E_INTERNAL_ERROR;
            goto done;
        }
        ntlm_encrypt_session_key(exported, p.exported, p.encrypted);
        memcpy(exported, p.exported, NTLM_KEY_SIZE);
        m.session_key = (struct bytes_span){ p.encrypted, sizeof(p.encrypted) };
    }
    /* With a server timestamp the MIC protects the exchange and the LM
     * response is Z(24) (MS-NLMP 3.1.5.1.2). */
    if (!server_time)
        ntlm_lmv2_response(p.response_key, ch->server_challenge, p.client_challenge, p.lm);

    if (ntlm_name_to_wire(&p.user, ctx->user.s, ctx->user.len, unicode) ||
        ntlm_name_to_wire(&p.domain, ctx->domain.s, ctx->domain.len, unicode) ||
        ntlm_name_to_wire(&p.workstation, ntlm_computer_name(), wstr_len(ntlm_computer_name()), unicode))
        goto done;
    m.flags = flags;
    m.lm_response = (struct bytes_span){ p.lm, sizeof(p.lm) };
    m.nt_response = nt;
    m.domain = bytes_writer_span(&p.domain);
    m.user = bytes_writer_span(&p.user);
    m.workstation = bytes_writer_span(&p.workstation);
    m.version = ntlm_our_version;
    if ((rc = ntlm_build_authenticate(w, &m, &mic_pos))) {
        st = rc == NTLM_ERR_TOO_LONG ? SHIM_E_INVALID_TOKEN : SHIM_E_INSUFFICIENT_MEMORY;
        goto done;
    }
    if (server_time) {
        struct bytes_span auth = bytes_writer_span(w);
        if (!ntlm_mic(exported, ctx->hs->negotiate.p, ctx->hs->negotiate.len, chal.p, chal.len, auth.p, auth.len,
                      mic_pos, p.mic) ||
            bytes_patch(w, mic_pos, p.mic, sizeof(p.mic))) {
            st = SHIM_E_INTERNAL_ERROR;
            goto done;
        }
    }
    TRACE("AUTHENTICATE for %s\\%s, flags %#x, %s\n", dbg_wstr(ctx->domain.s), dbg_wstr(ctx->user.s), flags,
          server_time ? "with MIC" : "without MIC (the server sent no timestamp)");
    st = SHIM_OK;
done:
    parts_free(&p);
    return st;
}

/* The server's name for NATIVE_NAMES: the target we were given, else the
 * NetBIOS computer name the CHALLENGE announces. */
static void learn_server_name(struct ntlm_ctx *ctx, const struct ntlm_challenge *ch)
{
    struct bytes_span v;

    if (ctx->target.len) {
        ntlm_name_copy(&ctx->server_name, &ctx->target);
        return;
    }
    if (ch->target_info.len && !ntlm_av_find(ch->target_info, NTLM_AV_NB_COMPUTER_NAME, &v))
        ntlm_name_from_wire(&ctx->server_name, v, true);
}

static shim_status client_second(struct ntlm_ctx *ctx, struct shim_ctx_call *c)
{
    struct ntlm_challenge ch;
    struct bytes_span token;
    struct bytes_writer w;
    uint8_t exported[NTLM_KEY_SIZE];
    bool allocate = (ctx->req & SHIM_ISC_REQ_ALLOCATE_MEMORY) != 0;
    uint32_t flags;
    shim_status st;
    int rc;

    bytes_writer_init_heap(&w, MESSAGE_LIMIT);
    if ((st = token_input(c->input, &token)))
        goto done;
    if ((rc = ntlm_parse_challenge(token.p, token.len, &ch))) {
        WARN("bad CHALLENGE: %s\n", ntlm_strerror(rc));
        st = SHIM_E_INVALID_TOKEN;
        goto done;
    }
    TRACE("CHALLENGE flags %#x\n", ch.flags);
    if (!(ch.flags & NTLM_NEGOTIATE_128)) {
        WARN("server offers no 128-bit keys (flags %#x)\n", ch.flags);
        st = SHIM_E_UNSUPPORTED_FUNCTION;
        goto done;
    }
    if (!(ch.flags & NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY))
        TRACE("no extended session security: one RC4 stream for both directions\n");
    if (!(ch.flags & (NTLM_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM))) {
        WARN("CHALLENGE names no character set\n");
        st = SHIM_E_INVALID_TOKEN;
        goto done;
    }
    if (c->target && (rc = ntlm_name_set(&ctx->target, c->target, wstr_len(c->target)))) {
        WARN("target name refused (%d)\n", rc);
        st = rc == NTLM_TEXT_NO_MEMORY ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_E_INVALID_PARAMETER;
        goto done;
    }
    if ((st = ctx->hs->missing)) {
        WARN("the credential has no password for %s\\%s\n", dbg_wstr(ctx->domain.s), dbg_wstr(ctx->user.s));
        goto done;
    }
    flags = ch.flags & (ctx->flags | NTLM_NEGOTIATE_TARGET_INFO | NTLM_TARGET_TYPE_DOMAIN |
                        NTLM_TARGET_TYPE_SERVER);
    if ((st = build_authenticate(ctx, &ch, token, flags, &w, exported)))
        goto done;
    if ((st = token_output(c->output, allocate, bytes_writer_span(&w))))
        goto done;
    ctx->flags = flags;
    ctx->attrs = client_attrs(ctx->req, flags);
    learn_server_name(ctx, &ch);
    ntlm_ctx_establish(ctx, exported);
    c->attrs = ctx->attrs;
    c->expiry = SHIM_TIME_NEVER;
done:
    crypto_wipe(exported, sizeof(exported));
    bytes_writer_free(&w);
    if (st && st != SHIM_E_BUFFER_TOO_SMALL)
        ntlm_ctx_fail(ctx);
    return st;
}

shim_status ntlm_initialize_context(struct shim_ctx_call *c)
{
    struct ntlm_ctx *ctx;
    shim_status st;

    if (!c->ctx)
        return client_first(c);
    if (!(ctx = ntlm_ctx_from(c->ctx)) || ctx->server)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    if (ctx->state == NTLM_NEGOTIATE_SENT) {
        st = client_second(ctx, c);
    } else {
        WARN("context already %s\n", ctx->state == NTLM_ESTABLISHED ? "established" : "failed");
        st = SHIM_E_OUT_OF_SEQUENCE;
    }
    sys_mutex_unlock(&ctx->lock);
    return st;
}
