/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AcceptSecurityContext for NTLM: NEGOTIATE in, CHALLENGE out,
 * AUTHENTICATE in (MS-NLMP 3.2.5), checked against the accounts file.
 *
 * Choices where Windows leaves room:
 * - CHALLENGE flags: what the client asked for among UNICODE (else OEM),
 *   REQUEST_TARGET, SIGN, SEAL, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY,
 *   IDENTIFY, VERSION, 128, KEY_EXCH and 56, plus NTLM and TARGET_INFO, and
 *   TARGET_TYPE_DOMAIN (TargetName = the domain) or TARGET_TYPE_SERVER when
 *   the domain is the computer's own name.
 * - TargetInfo: MsvAvNbDomainName, MsvAvNbComputerName, MsvAvDnsDomainName,
 *   MsvAvDnsComputerName (lower case) and MsvAvTimestamp.  The computer is
 *   the credential principal's, else NTLM_COMPUTER_NAME; the domain is the
 *   principal's, else the first domain in the accounts file, else the
 *   computer name (a standalone machine is its own domain).
 * - Extended session security is echoed when the NEGOTIATE asks for it;
 *   a client that does not ask gets a CHALLENGE without it and the session
 *   security of MS-NLMP 3.4.4.1 (one RC4 stream and one sequence number
 *   for both directions, the whole exported session key: LM_KEY and
 *   datagram are never offered).  An AUTHENTICATE that drops the extended
 *   session security its CHALLENGE offered is a downgrade no genuine
 *   client makes (its flags are the CHALLENGE's, less what it did not ask
 *   for): SEC_E_LOGON_DENIED.
 * - As Windows with LmCompatibilityLevel 5: an NTLMv1 (24-byte) or LM-only
 *   response, or an anonymous one, is SEC_E_LOGON_DENIED, with or without
 *   extended session security; so is a wrong password, an unknown user or
 *   a MIC that does not verify.  A message that does not
 *   parse is SEC_E_INVALID_TOKEN.  The MIC is checked when the response's
 *   MsvAvFlags announce one; in any case the response must echo our
 *   TargetInfo pairs unchanged (see check_echo).  Timestamps are not
 *   checked for skew.
 * - No accounts file at all: the server answers all the same, as Windows'
 *   does with nobody to log on: a CHALLENGE, then SEC_E_LOGON_DENIED for
 *   every AUTHENTICATE.
 * - The credential must allow inbound use, else SEC_E_UNSUPPORTED_FUNCTION.
 *   ASC_REQ_DATAGRAM is refused the same way.
 * - Return codes: SEC_I_CONTINUE_NEEDED with the CHALLENGE, then SEC_E_OK
 *   with an empty output token.  A failed last call spends the context;
 *   calling a finished or failed context again is SEC_E_OUT_OF_SEQUENCE.
 * - NAMES reports the account as the file spells it, with its domain, or
 *   the domain the client sent, or the computer name. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/ntlm_accounts.h"
#include "sspishim/ntlm_msg.h"

#include "ntlm_pkg.h"

#define MESSAGE_LIMIT 0x10000

/* What a server may echo of the client's NEGOTIATE flags. */
#define ECHOED_FLAGS (NTLM_REQUEST_TARGET | NTLM_NEGOTIATE_SIGN | NTLM_NEGOTIATE_SEAL |                \
                      NTLM_NEGOTIATE_ALWAYS_SIGN | NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY |           \
                      NTLM_NEGOTIATE_IDENTIFY | NTLM_NEGOTIATE_VERSION | NTLM_NEGOTIATE_128 |           \
                      NTLM_NEGOTIATE_KEY_EXCH | NTLM_NEGOTIATE_56)

static uint32_t challenge_flags(uint32_t client)
{
    uint32_t f = (client & ECHOED_FLAGS) | NTLM_NEGOTIATE_NTLM | NTLM_NEGOTIATE_TARGET_INFO;

    f |= (client & NTLM_NEGOTIATE_UNICODE) ? NTLM_NEGOTIATE_UNICODE : NTLM_NEGOTIATE_OEM;
    return f;
}

/* ASC_RET_* for what was asked and what the flags give; the request and
 * result bits asked for here have the same values. */
static uint32_t server_attrs(uint32_t req, uint32_t flags)
{
    uint32_t a = req & (SHIM_ASC_REQ_CONNECTION | SHIM_ASC_REQ_EXTENDED_ERROR | SHIM_ASC_REQ_ALLOCATE_MEMORY);

    if (flags & NTLM_NEGOTIATE_SIGN)
        a |= SHIM_ASC_RET_INTEGRITY | (req & (SHIM_ASC_REQ_REPLAY_DETECT | SHIM_ASC_REQ_SEQUENCE_DETECT));
    if (flags & NTLM_NEGOTIATE_SEAL)
        a |= SHIM_ASC_RET_CONFIDENTIALITY;
    if (flags & NTLM_NEGOTIATE_IDENTIFY)
        a |= SHIM_ASC_RET_IDENTIFY;
    return a;
}

/* ---- first call: NEGOTIATE in, CHALLENGE out ---------------------------------- */

/* The names this server announces, into the context.  file_domain is the
 * accounts file's first domain, or NULL when it has none. */
static shim_status server_names(struct ntlm_ctx *ctx, const struct ntlm_cred *cred,
                                const shim_wchar *file_domain, size_t file_domain_len)
{
    int rc;

    if (cred->computer.len ? ntlm_name_copy(&ctx->computer, &cred->computer)
                           : ntlm_name_set(&ctx->computer, ntlm_computer_name(), wstr_len(ntlm_computer_name())))
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (cred->server_domain.len)
        rc = ntlm_name_copy(&ctx->server_domain, &cred->server_domain);
    else if (file_domain)
        rc = ntlm_name_set(&ctx->server_domain, file_domain, file_domain_len);
    else
        rc = ntlm_name_copy(&ctx->server_domain, &ctx->computer);
    if (rc || ntlm_name_copy(&ctx->server_name, &ctx->computer))
        return SHIM_E_INSUFFICIENT_MEMORY;
    return SHIM_OK;
}

/* An AV pair holding a name as UTF-16LE, lower-cased for the DNS forms. */
static void put_name_pair(struct bytes_writer *w, uint16_t id, const struct ntlm_name *n, bool lower)
{
    bytes_put_u16le(w, id);
    bytes_put_u16le(w, (uint16_t)(n->len * 2));
    for (size_t i = 0; i < n->len; i++) {
        shim_wchar c = n->s[i];
        if (lower && ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7)))
            c = (shim_wchar)(c + 0x20);
        bytes_put_u16le(w, c);
    }
}

static int build_target_info(struct ntlm_ctx *ctx, struct bytes_writer *w)
{
    uint8_t stamp[8];
    struct bytes_writer sw;

    if (ctx->computer.len > 0x7fff || ctx->server_domain.len > 0x7fff)
        return -1;
    bytes_writer_init(&sw, stamp, sizeof(stamp));
    bytes_put_u64le(&sw, ntlm_now());
    put_name_pair(w, NTLM_AV_NB_DOMAIN_NAME, &ctx->server_domain, false);
    put_name_pair(w, NTLM_AV_NB_COMPUTER_NAME, &ctx->computer, false);
    put_name_pair(w, NTLM_AV_DNS_DOMAIN_NAME, &ctx->server_domain, true);
    put_name_pair(w, NTLM_AV_DNS_COMPUTER_NAME, &ctx->computer, true);
    ntlm_av_put(w, NTLM_AV_TIMESTAMP, stamp, sizeof(stamp));
    ntlm_av_put_eol(w);
    return w->failed ? -1 : 0;
}

static shim_status build_challenge(struct ntlm_ctx *ctx, struct bytes_writer *w)
{
    struct ntlm_challenge m = { 0 };
    struct bytes_writer info, name;
    const struct ntlm_name *target;
    bool unicode = (ctx->flags & NTLM_NEGOTIATE_UNICODE) != 0;
    shim_status st = SHIM_E_INSUFFICIENT_MEMORY;

    bytes_writer_init_heap(&info, MESSAGE_LIMIT);
    bytes_writer_init_heap(&name, MESSAGE_LIMIT);
    if (ntlm_name_ieq(ctx->server_domain.s, ctx->server_domain.len, ctx->computer.s, ctx->computer.len)) {
        ctx->flags |= NTLM_TARGET_TYPE_SERVER;
        target = &ctx->computer;
    } else {
        ctx->flags |= NTLM_TARGET_TYPE_DOMAIN;
        target = &ctx->server_domain;
    }
    if (ntlm_random(NTLM_RANDOM_SERVER_CHALLENGE, ctx->hs->server_challenge, sizeof(ctx->hs->server_challenge))) {
        st = SHIM_E_INTERNAL_ERROR;
        goto done;
    }
    if (build_target_info(ctx, &info))
        goto done;
    if ((ctx->flags & NTLM_REQUEST_TARGET) && ntlm_name_to_wire(&name, target->s, target->len, unicode))
        goto done;
    m.flags = ctx->flags;
    memcpy(m.server_challenge, ctx->hs->server_challenge, sizeof(m.server_challenge));
    m.target_name = bytes_writer_span(&name);
    m.target_info = bytes_writer_span(&info);
    m.version = ntlm_our_version;
    if (!ntlm_build_challenge(w, &m))
        st = SHIM_OK;
done:
    bytes_writer_free(&info);
    bytes_writer_free(&name);
    return st;
}

static shim_status server_first(struct shim_ctx_call *c)
{
    struct ntlm_cred *cred = ntlm_cred_from(c->cred);
    struct ntlm_negotiate neg;
    struct bytes_span token;
    struct bytes_writer w;
    struct ntlm_ctx *ctx = NULL;
    bool allocate = (c->req & SHIM_ASC_REQ_ALLOCATE_MEMORY) != 0;
    shim_wchar *file_domain = NULL;
    size_t file_domain_len = 0;
    shim_status st;
    int rc;

    if (!cred)
        return SHIM_E_INVALID_HANDLE;
    if (!(cred->use & SHIM_CRED_INBOUND)) {
        WARN("outbound-only credential used to accept\n");
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    if (c->req & SHIM_ASC_REQ_DATAGRAM) {
        WARN("connectionless NTLM is not supported\n");
        return SHIM_E_UNSUPPORTED_FUNCTION;
    }
    /* One look at the accounts file for both what this call needs of it:
     * that it exists, and the domain to announce.  Each look costs a stat,
     * about 10 us under Wine (BENCHMARKS.md). */
    rc = ntlm_accounts_domain(&file_domain, &file_domain_len);
    if (rc == NTLM_ACCOUNTS_NO_MEMORY)
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (rc != NTLM_ACCOUNTS_OK && rc != NTLM_ACCOUNTS_NOT_FOUND)
        WARN("no accounts file: nobody can log on\n");
    bytes_writer_init_heap(&w, MESSAGE_LIMIT);
    if ((st = token_input(c->input, &token)))
        goto done;
    if ((rc = ntlm_parse_negotiate(token.p, token.len, &neg))) {
        WARN("bad NEGOTIATE: %s\n", ntlm_strerror(rc));
        st = SHIM_E_INVALID_TOKEN;
        goto done;
    }
    TRACE("NEGOTIATE flags %#x\n", neg.flags);

    st = SHIM_E_INSUFFICIENT_MEMORY;
    if (!(ctx = ntlm_ctx_new(cred->hdr.pkg, true, true)))
        goto done;
    ctx->req = c->req;
    ctx->flags = challenge_flags(neg.flags);
    if (ntlm_no_ess(true))
        ctx->flags &= ~(uint32_t)NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY;
    if ((st = server_names(ctx, cred, file_domain, file_domain_len)) || (st = build_challenge(ctx, &w)))
        goto done;
    st = SHIM_E_INSUFFICIENT_MEMORY;
    if (ntlm_ctx_keep(&ctx->hs->negotiate, token) || ntlm_ctx_keep(&ctx->hs->challenge, bytes_writer_span(&w)))
        goto done;
    if ((st = token_output(c->output, allocate, bytes_writer_span(&w))))
        goto done;
    ctx->attrs = server_attrs(c->req, ctx->flags);
    TRACE("CHALLENGE sent, flags %#x\n", ctx->flags);
    c->new_ctx = &ctx->hdr;
    c->attrs = ctx->attrs;
    c->expiry = SHIM_TIME_NEVER;
    ctx = NULL;
    st = SHIM_I_CONTINUE_NEEDED;
done:
    if (ctx)
        shim_object_put(&ctx->hdr);
    bytes_writer_free(&w);
    free(file_domain);
    return st;
}

/* ---- second call: AUTHENTICATE in ------------------------------------------------ */

/* The NTLMv2 proof, checked against each candidate account in turn. */
struct proof {
    const struct ntlm_name *user, *domain;
    const uint8_t *server_challenge;
    struct bytes_span nt_response;
    uint8_t session_base_key[NTLM_KEY_SIZE];
};

static bool check_proof(const struct ntlm_account *acct, void *arg)
{
    struct proof *p = arg;
    uint8_t key[NTLM_KEY_SIZE];
    bool ok;

    ntlm_ntowfv2_from_hash(acct->nt_hash, p->user->s, p->user->len, p->domain->s, p->domain->len, key);
    ok = ntlm_v2_response_check(key, p->server_challenge, p->nt_response.p, p->nt_response.len,
                                p->session_base_key);
    crypto_wipe(key, sizeof(key));
    return ok;
}

/* The MIC over the three messages, when the response says there is one. */
static shim_status check_mic(struct ntlm_ctx *ctx, const struct ntlm_authenticate *auth,
                             const struct ntlm_v2_response *resp, struct bytes_span msg,
                             const uint8_t exported[NTLM_KEY_SIZE])
{
    uint8_t mic[NTLM_KEY_SIZE];
    struct bytes_reader r;
    struct bytes_span sent;
    uint32_t av_flags = 0;
    bool ok;
    int rc = ntlm_av_get_flags(resp->av_pairs, &av_flags);

    if (rc && rc != NTLM_ERR_NOT_FOUND)
        return SHIM_E_INVALID_TOKEN;
    if (!(av_flags & NTLM_AV_FLAG_MIC)) {
        TRACE("no MIC announced\n");
        return SHIM_OK;
    }
    bytes_reader_init(&r, msg.p, msg.len);
    if (!auth->mic_offset || bytes_get_span_at(&r, auth->mic_offset, NTLM_MIC_LEN, &sent)) {
        WARN("MIC announced but the message has no room for it\n");
        return SHIM_E_INVALID_TOKEN;
    }
    if (!ntlm_mic(exported, ctx->hs->negotiate.p, ctx->hs->negotiate.len, ctx->hs->challenge.p, ctx->hs->challenge.len,
                  msg.p, msg.len, auth->mic_offset, mic))
        return SHIM_E_INVALID_TOKEN;
    ok = ntlm_equal(mic, sent.p, NTLM_MIC_LEN);
    crypto_wipe(mic, sizeof(mic));
    if (!ok) {
        WARN("MIC does not verify\n");
        return SHIM_E_LOGON_DENIED;
    }
    ctx->auth_mic = true;   /* SPNEGO then insists on the mechListMIC */
    return SHIM_OK;
}

/* Every pair of our TargetInfo must come back unchanged in the client's
 * response, which its NTProofStr authenticates.  Clients copy the list
 * (MS-NLMP 3.1.5.1.2), so this costs nothing with them, and it catches a
 * CHALLENGE altered on the way even when no MIC covers it: stripping the
 * timestamp, which makes a client leave the MIC out, no longer slips by. */
static shim_status check_echo(struct ntlm_ctx *ctx, const struct ntlm_v2_response *resp)
{
    struct ntlm_challenge ours;
    struct ntlm_av_iter it;
    struct ntlm_av_pair pair;
    struct bytes_span theirs;
    int rc;

    if (ntlm_parse_challenge(ctx->hs->challenge.p, ctx->hs->challenge.len, &ours))
        return SHIM_E_INTERNAL_ERROR;
    ntlm_av_iter_init(&it, ours.target_info);
    while ((rc = ntlm_av_next(&it, &pair)) > 0) {
        if (ntlm_av_find(resp->av_pairs, pair.id, &theirs) || theirs.len != pair.value.len ||
            memcmp(theirs.p, pair.value.p, pair.value.len)) {
            WARN("the response does not carry our TargetInfo pair %u unchanged\n", pair.id);
            return SHIM_E_LOGON_DENIED;
        }
    }
    return rc ? SHIM_E_INTERNAL_ERROR : SHIM_OK;
}

/* The names NAMES reports for the logged-on account. */
static shim_status logged_on_names(struct ntlm_ctx *ctx, const struct ntlm_account *acct,
                                   const struct ntlm_name *sent_domain)
{
    if (ntlm_name_set(&ctx->user, acct->user, acct->user_len))
        return SHIM_E_INSUFFICIENT_MEMORY;
    if (acct->domain_len)
        return ntlm_name_set(&ctx->domain, acct->domain, acct->domain_len) ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
    return ntlm_name_copy(&ctx->domain, sent_domain->len ? sent_domain : &ctx->computer)
        ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_OK;
}

static shim_status accounts_status(int rc)
{
    switch (rc) {
    case NTLM_ACCOUNTS_OK: return SHIM_OK;
    case NTLM_ACCOUNTS_NO_MEMORY: return SHIM_E_INSUFFICIENT_MEMORY;
    }
    return SHIM_E_LOGON_DENIED;
}

static shim_status server_second(struct ntlm_ctx *ctx, struct shim_ctx_call *c)
{
    struct ntlm_authenticate auth;
    struct ntlm_v2_response resp;
    struct ntlm_name user = { 0 }, domain = { 0 };
    struct ntlm_account acct = { 0 };
    struct proof proof = { 0 };
    struct bytes_span token;
    uint8_t kxkey[NTLM_KEY_SIZE], exported[NTLM_KEY_SIZE];
    bool unicode = (ctx->flags & NTLM_NEGOTIATE_UNICODE) != 0;
    uint32_t flags;
    shim_status st;
    int rc;

    if ((st = token_input(c->input, &token)))
        goto done;
    st = SHIM_E_INVALID_TOKEN;
    if ((rc = ntlm_parse_authenticate(token.p, token.len, &auth))) {
        WARN("bad AUTHENTICATE: %s\n", ntlm_strerror(rc));
        goto done;
    }
    flags = auth.flags & ctx->flags;
    TRACE("AUTHENTICATE flags %#x, NT response of %lu bytes\n", auth.flags, (unsigned long)auth.nt_response.len);
    st = SHIM_E_LOGON_DENIED;
    if (!auth.nt_response.len || auth.nt_response.len == NTLM_LMV2_SIZE) {
        WARN("anonymous, LM or NTLMv1 logon refused\n");
        goto done;
    }
    if ((ctx->flags & NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY) && !(flags & NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
        WARN("the AUTHENTICATE drops the extended session security its CHALLENGE offered\n");
        goto done;
    }
    st = SHIM_E_INVALID_TOKEN;
    if ((rc = ntlm_parse_v2_response(auth.nt_response, &resp))) {
        WARN("bad NTLMv2 response: %s\n", ntlm_strerror(rc));
        goto done;
    }
    if ((rc = ntlm_name_from_wire(&user, auth.user, unicode)) ||
        (rc = ntlm_name_from_wire(&domain, auth.domain, unicode))) {
        st = rc == NTLM_TEXT_NO_MEMORY ? SHIM_E_INSUFFICIENT_MEMORY : SHIM_E_INVALID_TOKEN;
        goto done;
    }
    TRACE("logon of %s\\%s\n", dbg_wstr(domain.s), dbg_wstr(user.s));

    proof.user = &user;
    proof.domain = &domain;
    proof.server_challenge = ctx->hs->server_challenge;
    proof.nt_response = auth.nt_response;
    rc = ntlm_accounts_verify(user.s, user.len, domain.s, domain.len, check_proof, &proof, &acct);
    if ((st = accounts_status(rc))) {
        WARN("logon of %s\\%s denied (%s)\n", dbg_wstr(domain.s), dbg_wstr(user.s),
             rc == NTLM_ACCOUNTS_NO_FILE ? "no accounts file" : "no account proves the response");
        goto done;
    }

    /* MS-NLMP 3.2.5.1.2: the session key, then the MIC. */
    ntlm_kxkey_v2(proof.session_base_key, kxkey);
    if (flags & NTLM_NEGOTIATE_KEY_EXCH) {
        if (auth.session_key.len != NTLM_KEY_SIZE) {
            WARN("key exchange without a 16-byte session key\n");
            st = SHIM_E_INVALID_TOKEN;
            goto done;
        }
        ntlm_decrypt_session_key(kxkey, auth.session_key.p, exported);
    } else {
        memcpy(exported, kxkey, sizeof(exported));
    }
    if ((st = check_echo(ctx, &resp)) || (st = check_mic(ctx, &auth, &resp, token, exported)))
        goto done;
    if ((st = logged_on_names(ctx, &acct, &domain)))
        goto done;
    if (sys_token_for_client(ctx->user.s, ctx->domain.s, &ctx->token)) {
        ctx->token = NULL;
        st = SHIM_E_INTERNAL_ERROR;
        goto done;
    }
    ctx->flags = flags;
    ctx->attrs = server_attrs(ctx->req, flags);
    ntlm_ctx_establish(ctx, exported);
    token_output_empty(c->output, (ctx->req & SHIM_ASC_REQ_ALLOCATE_MEMORY) != 0);
    c->attrs = ctx->attrs;
    c->expiry = SHIM_TIME_NEVER;
    TRACE("%s\\%s logged on\n", dbg_wstr(ctx->domain.s), dbg_wstr(ctx->user.s));
done:
    crypto_wipe(kxkey, sizeof(kxkey));
    crypto_wipe(exported, sizeof(exported));
    crypto_wipe(&proof, sizeof(proof));
    ntlm_account_clear(&acct);
    ntlm_name_clear(&user);
    ntlm_name_clear(&domain);
    if (st)
        ntlm_ctx_fail(ctx);
    return st;
}

shim_status ntlm_accept_context(struct shim_ctx_call *c)
{
    struct ntlm_ctx *ctx;
    shim_status st;

    if (!c->ctx)
        return server_first(c);
    if (!(ctx = ntlm_ctx_from(c->ctx)) || !ctx->server)
        return SHIM_E_INVALID_HANDLE;
    sys_mutex_lock(&ctx->lock);
    if (ctx->state == NTLM_CHALLENGE_SENT) {
        st = server_second(ctx, c);
    } else {
        WARN("context already %s\n", ctx->state == NTLM_ESTABLISHED ? "established" : "failed");
        st = SHIM_E_OUT_OF_SEQUENCE;
    }
    sys_mutex_unlock(&ctx->lock);
    return st;
}
