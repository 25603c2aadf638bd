/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The acceptor's side of the Kerberos mechanism (RFC 4120 3.2.3, RFC 4121
 * 4.1): open the ticket with the service's key (usage 2), the
 * Authenticator with the ticket's session key (usage 11); check that they
 * name the same client, that the Authenticator is fresh (skew, replay
 * cache) and the ticket current; read the GSS checksum 0x8003; and when
 * the client asks for mutual authentication answer with an AP-REP
 * carrying a fresh acceptor subkey (RFC 4121 etypes) and sequence number.
 *
 * The replay cache is consulted last, so an AP-REQ that fails any other
 * check leaves nothing in it. */
#include <stdlib.h>
#include <string.h>

#include "exchange.h"
#include "gss.h"
#include "sspishim/crypto.h"

struct accept_state {
    struct krb_ap_req ap;
    struct krb_enc_ticket et;
    struct krb_authenticator a;
    uint8_t *ticket_plain, *auth_plain;
    size_t ticket_len, auth_len;
};

static void state_free(struct accept_state *s)
{
    if (s->ticket_plain) {
        crypto_wipe(s->ticket_plain, s->ticket_len);
        free(s->ticket_plain);
    }
    if (s->auth_plain) {
        crypto_wipe(s->auth_plain, s->auth_len);
        free(s->auth_plain);
    }
    crypto_wipe(&s->et.key, sizeof(s->et.key));
    crypto_wipe(&s->a.subkey, sizeof(s->a.subkey));
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The ticket: the service key, usage 2, then EncTicketPart.  The
 * plaintext is kept until the authorization-data is copied. */
static int open_ticket(const struct krb_gss_acceptor *acc, struct accept_state *s)
{
    struct krb_key key;
    struct bytes_reader r;
    const struct krb_ticket *t = &s->ap.ticket;
    int rc;

    memset(&key, 0, sizeof(key));
    if (acc->find_key(acc->find_key_arg, t->realm, &t->sname, t->enc.etype, t->enc.kvno, &key) ||
        key.etype != t->enc.etype) {
        crypto_wipe(&key, sizeof(key));
        return KRB_E_NO_KEY;
    }
    rc = krb_open(&key, KRB_KU_TICKET, &t->enc, &s->ticket_plain, &s->ticket_len);
    crypto_wipe(&key, sizeof(key));
    if (rc)
        return rc == KRB_CRYPTO_NO_MEMORY ? KRB_E_NO_MEMORY : KRB_E_MODIFIED;
    bytes_reader_init(&r, s->ticket_plain, s->ticket_len);
    if (krb_enc_ticket_decode(&r, &s->et) || bytes_remaining(&r))
        return KRB_E_MALFORMED;
    return KRB_OK;
}

static int open_authenticator(struct accept_state *s)
{
    struct bytes_reader r;
    int rc;

    rc = krb_open(&s->et.key, KRB_KU_AP_REQ_AUTH, &s->ap.authenticator, &s->auth_plain, &s->auth_len);
    if (rc)
        return rc == KRB_CRYPTO_NO_MEMORY ? KRB_E_NO_MEMORY : KRB_E_BAD_INTEGRITY;
    bytes_reader_init(&r, s->auth_plain, s->auth_len);
    if (krb_authenticator_decode(&r, &s->a) || bytes_remaining(&r))
        return KRB_E_MALFORMED;
    if (s->a.has_subkey && !krb_crypto_supported(s->a.subkey.etype))
        return KRB_E_ETYPE;
    return KRB_OK;
}

/* Times: the Authenticator within the skew of our clock, the ticket
 * started and not ended (each with the skew's allowance). */
static int check_times(const struct accept_state *s, int64_t now)
{
    int64_t start = s->et.has_starttime ? s->et.starttime : s->et.authtime;

    if (s->a.ctime > now + KRB_GSS_SKEW || s->a.ctime < now - KRB_GSS_SKEW)
        return KRB_E_SKEW;
    if (start > now + KRB_GSS_SKEW)
        return KRB_E_TKT_NYV;
    if (s->et.endtime < now - KRB_GSS_SKEW)
        return KRB_E_TKT_EXPIRED;
    return KRB_OK;
}

/* RFC 4121 4.1.1: Lgth 16, Bnd, Flags; delegation (DlgOpt and what
 * follows) is not taken, so its bytes are not read. */
static int check_gss_checksum(const struct krb_gss_acceptor *acc, const struct accept_state *s, uint32_t *flags)
{
    const struct krb_checksum *c = &s->a.cksum;
    static const uint8_t zero[16];

    if (!s->a.has_cksum || c->type != KG_CKSUM_GSS || c->value.len < 24 || get_le32(c->value.p) != 16)
        return KRB_E_MALFORMED;
    /* A client that sends no bindings (all zero) is taken, as MIT does;
     * one that sends others than ours is not. */
    if (acc->cb_hash && memcmp(c->value.p + 4, zero, 16) && memcmp(c->value.p + 4, acc->cb_hash, 16))
        return KRB_E_BAD_BINDINGS;
    *flags = get_le32(c->value.p + 20) & ~(uint32_t)KRB_GSS_DELEG;
    return KRB_OK;
}

static int write_ap_rep(struct krb_gss_ctx *ctx, const struct accept_state *s, struct bytes_writer *out)
{
    struct krb_ap_rep_part part;
    struct krb_enc_data enc = { .etype = ctx->session.etype };
    struct bytes_writer plain, rep;
    uint8_t *sealed = NULL;
    size_t sealed_len;
    uint32_t seq;
    int rc;

    int32_t etype = s->a.has_subkey ? s->a.subkey.etype : ctx->session.etype;

    /* An acceptor subkey only where RFC 4121 tokens will use it: MIT's
     * initiator keeps its own subkey for RFC 1964/4757 tokens when ours is
     * of the same etype, so sending one there would split the keys. */
    if (gss_cfx_etype(etype)) {
        if ((rc = gss_random_key(etype, &ctx->acc_subkey)))
            return rc;
        ctx->has_acc_subkey = true;
    }
    if ((rc = gss_random_seq(&seq)))
        return rc;
    ctx->send_seq = seq;
    memset(&part, 0, sizeof(part));
    part.ctime = s->a.ctime;
    part.cusec = s->a.cusec;
    part.has_subkey = ctx->has_acc_subkey;
    part.subkey = ctx->acc_subkey;
    part.has_seq = true;
    part.seq = seq;
    bytes_writer_init_heap(&plain, 1u << 12);
    rc = krb_ap_rep_part_encode(&plain, &part)
             ? KRB_E_NO_MEMORY
             : gss_crypto_status(krb_seal(&ctx->session, KRB_KU_AP_REP_ENC, bytes_writer_span(&plain), &sealed,
                                          &sealed_len));
    bytes_writer_free(&plain);
    crypto_wipe(&part, sizeof(part));
    if (rc)
        return rc;
    enc.cipher = (struct bytes_span){ sealed, sealed_len };
    bytes_writer_init_heap(&rep, 1u << 12);
    if (krb_ap_rep_encode(&rep, &enc) || krb_gss_frame_encode(out, KRB_GSS_TOK_AP_REP, bytes_writer_span(&rep)))
        rc = KRB_E_NO_MEMORY;
    bytes_writer_free(&rep);
    free(sealed);
    return rc;
}

static int32_t error_code(int status)
{
    switch (status) {
    case KRB_E_SKEW: return KRB_AP_ERR_SKEW;
    case KRB_E_REPLAY: return KRB_AP_ERR_REPEAT;
    case KRB_E_NO_KEY: return KRB_AP_ERR_NOKEY;
    case KRB_E_MODIFIED: return KRB_AP_ERR_MODIFIED;
    case KRB_E_BAD_INTEGRITY: return KRB_AP_ERR_BAD_INTEGRITY;
    case KRB_E_TKT_EXPIRED: return KRB_AP_ERR_TKT_EXPIRED;
    case KRB_E_TKT_NYV: return KRB_AP_ERR_TKT_NYV;
    case KRB_E_ETYPE: return KDC_ERR_ETYPE_NOSUPP;
    }
    return 60;      /* KRB_ERR_GENERIC */
}

/* A framed KRB-ERROR naming the service, for the caller to send or not. */
static void write_error(const struct accept_state *s, int status, int64_t now, struct bytes_writer *out)
{
    struct krb_error err;
    struct bytes_writer e;

    memset(&err, 0, sizeof(err));
    err.stime = now;
    err.code = error_code(status);
    memcpy(err.realm, s->ap.ticket.realm, sizeof(err.realm));
    err.sname = s->ap.ticket.sname;
    bytes_writer_init_heap(&e, 1u << 12);
    if (!krb_error_encode(&e, &err))
        krb_gss_frame_encode(out, KRB_GSS_TOK_ERROR, bytes_writer_span(&e));
    bytes_writer_free(&e);
}

static int accept_ap_req(struct krb_gss_ctx *ctx, const struct krb_gss_acceptor *acc, struct accept_state *s,
                         int64_t now, struct bytes_writer *out)
{
    uint32_t flags = 0;
    bool mutual;
    int rc;

    if (s->ap.options & KRB_AP_OPT_USE_SESSION_KEY)
        return KRB_E_UNSUPPORTED;
    if ((rc = open_ticket(acc, s)) || (rc = open_authenticator(s)))
        return rc;
    if (strcmp(s->a.crealm, s->et.crealm) || !krb_principal_equal(&s->a.cname, &s->et.cname))
        return KRB_E_MODIFIED;
    if ((rc = check_times(s, now)) || (rc = check_gss_checksum(acc, s, &flags)))
        return rc;
    if (acc->rcache && (rc = krb_replay_cache_check(acc->rcache, s->a.crealm, &s->a.cname, s->a.ctime, s->a.cusec,
                                                    s->ap.authenticator.cipher, now)))
        return rc;

    ctx->session = s->et.key;
    if (s->a.has_subkey) {
        ctx->init_subkey = s->a.subkey;
        ctx->has_init_subkey = true;
    }
    if (s->et.authz.len) {
        if (!(ctx->authz = malloc(s->et.authz.len)))
            return KRB_E_NO_MEMORY;
        memcpy(ctx->authz, s->et.authz.p, s->et.authz.len);
        ctx->authz_len = s->et.authz.len;
    }
    memcpy(ctx->crealm, s->et.crealm, sizeof(ctx->crealm));
    ctx->cname = s->et.cname;
    memcpy(ctx->srealm, s->ap.ticket.realm, sizeof(ctx->srealm));
    ctx->sname = s->ap.ticket.sname;
    ctx->ticket_flags = s->et.flags;
    ctx->authtime = s->et.authtime;
    ctx->starttime = s->et.has_starttime ? s->et.starttime : s->et.authtime;
    ctx->endtime = s->et.endtime;
    ctx->recv_next = s->a.has_seq ? s->a.seq : 0;
    mutual = (flags & KRB_GSS_MUTUAL) || (s->ap.options & KRB_AP_OPT_MUTUAL_REQUIRED);
    ctx->flags = flags | KRB_GSS_CONF | KRB_GSS_INTEG | (mutual ? KRB_GSS_MUTUAL : 0);
    if (mutual)
        return write_ap_rep(ctx, s, out);
    /* RFC 4121 4.1: no AP-REP, so our numbers start where the client's do. */
    ctx->send_seq = ctx->recv_next;
    return KRB_OK;
}

int krb_gss_accept(struct krb_gss_ctx *ctx, const struct krb_gss_acceptor *acc, const uint8_t *in, size_t len,
                   struct bytes_writer *out)
{
    struct accept_state s;
    struct bytes_span inner;
    struct bytes_reader r;
    uint16_t tok;
    int64_t now;
    uint32_t usec;
    size_t start;
    int rc;

    if (!ctx)
        return KRB_E_STATE;
    memset(ctx, 0, sizeof(*ctx));
    ctx->state = KRB_GSS_ST_FAILED;
    if (!acc || !acc->find_key || !out || (!in && len))
        return KRB_E_STATE;
    start = out->len;
    if (krb_gss_frame_decode((struct bytes_span){ in, len }, &tok, &inner) || tok != KRB_GSS_TOK_AP_REQ)
        return KRB_E_MALFORMED;
    memset(&s, 0, sizeof(s));
    ctx->clock_offset = acc->clock_offset;
    krb_clock(acc->clock_offset, &now, &usec);
    bytes_reader_init(&r, inner.p, inner.len);
    if (krb_ap_req_decode(&r, &s.ap) || bytes_remaining(&r))
        rc = KRB_E_MALFORMED;
    else
        rc = accept_ap_req(ctx, acc, &s, now, out);
    if (rc != KRB_OK) {
        krb_gss_ctx_free(ctx);
        ctx->state = KRB_GSS_ST_FAILED;
        out->len = start;      /* no half-written AP-REP */
        if (rc != KRB_E_MALFORMED || s.ap.ticket.realm[0])
            write_error(&s, rc, now, out);
    } else {
        ctx->state = KRB_GSS_ST_ESTABLISHED;
    }
    state_free(&s);
    return rc;
}
