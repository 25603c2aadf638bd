/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The core's GSS-API mechanism against MIT's libgssapi_krb5, in one
 * process, tokens passed in memory, with the KDC run.sh started:
 *   (a) MIT's initiator (the ccache of run.sh's kinit) to our acceptor,
 *       whose key is the service's password through our string-to-key;
 *   (b) our initiator (our AS and TGS exchanges) to MIT's acceptor, which
 *       reads the keytab at KRB5_KTNAME.
 * One service per etype, gssNN/localhost with keys of etype NN only, so
 * the session keys and subkeys are of that etype.  After each handshake,
 * wrap/unwrap (sealed and not) and MIC/verify in both directions, our
 * tokens in both layouts (RRC 0 and Windows' RRC = 16 + checksum), MIT's
 * from gss_wrap (RRC 0) and gss_wrap_iov without a trailer (rotated).
 * Then channel bindings both ways (matching and not) and the error
 * tokens both ways (replay from us, clock skew from MIT).
 * Prints "PASS name" / "FAIL name: why".
 * With RC4 1, also gss23/localhost (rc4-hmac), whose tokens are RFC
 * 4757's: the stream forms and MIC (no split/iov forms there).
 * Usage: gss_interop PORT REALM PASSWORD [RC4] */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdc_transport.h"
#include "sspishim/crypto.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_gss.h"

static int port, failures;
static const char *realm, *password;

static void result(int ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        failures++;
    }
}

static const char *mit_error(OM_uint32 major, OM_uint32 minor)
{
    static char text[512];
    OM_uint32 m, ctx = 0;
    gss_buffer_desc b;

    snprintf(text, sizeof(text), "major %08x minor %u", major, minor);
    if (gss_display_status(&m, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &b) == GSS_S_COMPLETE) {
        size_t n = strlen(text);
        snprintf(text + n, sizeof(text) - n, " (%.*s)", (int)b.length, (const char *)b.value);
        gss_release_buffer(&m, &b);
    }
    return text;
}

/* ---- our side's credentials ------------------------------------------------ */

struct password_keys {
    char principal[64];         /* "gss18/localhost" */
    struct krb_key keys[5];
    int have[5];
};

/* The service's key by RFC 3961 string-to-key of its password, salt
 * REALM + components, derived once per etype. */
static int find_key(void *arg, const char *r, const struct krb_principal *sname, int32_t etype, uint32_t kvno,
                    struct krb_key *out)
{
    struct password_keys *pk = arg;
    char text[256], salt[512];
    int slot = etype == KRB_ETYPE_RC4_HMAC ? 4 : etype - 17;

    (void)kvno;
    if (strcmp(r, realm) || strcmp(krb_principal_text(sname, text, sizeof(text)), pk->principal) || slot < 0 ||
        slot > 4)
        return -1;
    if (!pk->have[slot]) {
        snprintf(salt, sizeof(salt), "%s", realm);
        for (unsigned i = 0; i < sname->count; i++)
            strncat(salt, sname->comp[i], sizeof(salt) - strlen(salt) - 1);
        if (krb_crypto_string_to_key(etype, password, strlen(password), (const uint8_t *)salt, strlen(salt), NULL,
                                     0, &pk->keys[slot]))
            return -1;
        pk->have[slot] = 1;
    }
    *out = pk->keys[slot];
    return 0;
}

typedef int (*step_fn)(void *st, const uint8_t *in, size_t len, struct bytes_writer *out);
static int as_step(void *st, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    return krb_as_step(st, in, len, out);
}
static int tgs_step(void *st, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    return krb_tgs_step(st, in, len, out);
}

static int drive(step_fn step, void *st)
{
    static uint8_t reply[KDC_REPLY_MAX];
    struct bytes_writer req, next;
    size_t n = 0;
    int rc, tcp = 0;

    bytes_writer_init_heap(&req, 1u << 16);
    rc = step(st, NULL, 0, &req);
    while (rc == KRB_CONTINUE || rc == KRB_E_RESPONSE_TOO_BIG) {
        if (kdc_transact(tcp, port, req.buf, req.len, reply, sizeof(reply), &n, 3000)) {
            rc = -100;
            break;
        }
        bytes_writer_init_heap(&next, 1u << 16);
        rc = step(st, reply, n, &next);
        if (rc == KRB_E_RESPONSE_TOO_BIG && !tcp) {
            tcp = 1;
            bytes_writer_free(&next);
            continue;
        }
        bytes_writer_free(&req);
        req = next;
    }
    bytes_writer_free(&req);
    return rc;
}

/* alice's TGT, once: every service ticket is bought with it. */
static struct krb_creds tgt;

static int get_tgt(void)
{
    struct krb_as as;
    int rc;

    krb_as_init(&as, "alice", realm, password, strlen(password), NULL, 0);
    rc = drive(as_step, &as);
    if (rc == KRB_OK)
        krb_as_take_tgt(&as, &tgt);
    krb_as_free(&as);
    return rc;
}

static int get_service_ticket(const char *service, struct krb_creds *out)
{
    struct krb_tgs tgs;
    int rc;

    krb_tgs_init(&tgs, &tgt, service, NULL);
    rc = drive(tgs_step, &tgs);
    if (rc == KRB_OK)
        krb_tgs_take_creds(&tgs, out);
    krb_tgs_free(&tgs);
    return rc;
}

/* ---- messages both ways ----------------------------------------------------- */

static char why[1024];

/* Ours to MIT: wrap in each layout, MIT unwraps the whole token; the
 * split form with MIT's unwrap_iov (HEADER + DATA, as SSPI lays it out);
 * our MIC, MIT verifies. */
static const char *ours_to_mit(struct krb_gss_ctx *us, gss_ctx_id_t mit)
{
    static const char msg[] = "sspishim to MIT: a message of some length, not a multiple of 16";
    OM_uint32 major, minor;
    int conf_state;

    for (int conf = 0; conf < 2; conf++) {
        for (int layout = 0; layout < 2; layout++) {
            struct bytes_writer tok;
            gss_buffer_desc in, out;
            bytes_writer_init_heap(&tok, BYTES_NO_LIMIT);
            if (krb_gss_wrap(us, conf, layout, (const uint8_t *)msg, sizeof(msg), &tok)) {
                bytes_writer_free(&tok);
                return "krb_gss_wrap failed";
            }
            in.value = tok.buf;
            in.length = tok.len;
            major = gss_unwrap(&minor, mit, &in, &out, &conf_state, NULL);
            bytes_writer_free(&tok);
            if (GSS_ERROR(major)) {
                snprintf(why, sizeof(why), "gss_unwrap of our %s token, RRC %s: %s", conf ? "sealed" : "signed",
                         layout ? "SSPI" : "0", mit_error(major, minor));
                return why;
            }
            int same = out.length == sizeof(msg) && !memcmp(out.value, msg, sizeof(msg)) && conf_state == conf;
            gss_release_buffer(&minor, &out);
            if (!same)
                return "gss_unwrap gave another message";
        }
        /* The SSPI split: header buffer + data encrypted in place (not for
         * RFC 4757 tokens, whose pad byte needs a padding buffer). */
        if (us->session.etype != KRB_ETYPE_RC4_HMAC) {
            uint8_t data[sizeof(msg)], hdr[128];
            size_t hdr_len;
            gss_iov_buffer_desc iov[2];
            memcpy(data, msg, sizeof(msg));
            if (krb_gss_wrap_split(us, conf, KRB_GSS_RRC_SSPI, data, sizeof(data), hdr, sizeof(hdr), &hdr_len))
                return "krb_gss_wrap_split failed";
            iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
            iov[0].buffer.value = hdr;
            iov[0].buffer.length = hdr_len;
            iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
            iov[1].buffer.value = data;
            iov[1].buffer.length = sizeof(data);
            major = gss_unwrap_iov(&minor, mit, &conf_state, NULL, iov, 2);
            if (GSS_ERROR(major)) {
                snprintf(why, sizeof(why), "gss_unwrap_iov of our split %s token: %s", conf ? "sealed" : "signed",
                         mit_error(major, minor));
                return why;
            }
            if (iov[1].buffer.length != sizeof(msg) || memcmp(iov[1].buffer.value, msg, sizeof(msg)))
                return "gss_unwrap_iov gave another message";
        }
    }
    {
        uint8_t mic[64];
        size_t n;
        gss_buffer_desc m = { sizeof(msg), (void *)msg }, t;
        if (krb_gss_get_mic(us, (const uint8_t *)msg, sizeof(msg), mic, sizeof(mic), &n))
            return "krb_gss_get_mic failed";
        t.value = mic;
        t.length = n;
        major = gss_verify_mic(&minor, mit, &m, &t, NULL);
        if (GSS_ERROR(major)) {
            snprintf(why, sizeof(why), "gss_verify_mic of our MIC: %s", mit_error(major, minor));
            return why;
        }
    }
    return NULL;
}

/* MIT to ours: gss_wrap (RRC 0) sealed and not, into krb_gss_unwrap;
 * gss_wrap_iov with HEADER + DATA (rotated, data in place) into
 * krb_gss_unwrap_split; gss_get_mic into krb_gss_verify_mic. */
static const char *mit_to_ours(gss_ctx_id_t mit, struct krb_gss_ctx *us)
{
    static const char msg[] = "MIT to sspishim, again an odd length.";
    OM_uint32 major, minor;
    int conf_state;

    for (int conf = 0; conf < 2; conf++) {
        gss_buffer_desc in = { sizeof(msg), (void *)msg }, out;
        struct bytes_writer got;
        bool was_conf;
        int rc;

        major = gss_wrap(&minor, mit, conf, GSS_C_QOP_DEFAULT, &in, &conf_state, &out);
        if (GSS_ERROR(major)) {
            snprintf(why, sizeof(why), "gss_wrap: %s", mit_error(major, minor));
            return why;
        }
        bytes_writer_init_heap(&got, BYTES_NO_LIMIT);
        rc = krb_gss_unwrap(us, out.value, out.length, &got, &was_conf, NULL);
        gss_release_buffer(&minor, &out);
        int same = rc == KRB_OK && got.len == sizeof(msg) && !memcmp(got.buf, msg, sizeof(msg)) &&
                   was_conf == (bool)conf;
        bytes_writer_free(&got);
        if (!same) {
            snprintf(why, sizeof(why), "krb_gss_unwrap of MIT's %s token: %s", conf ? "sealed" : "signed",
                     krb_status_text(rc));
            return why;
        }
        if (us->session.etype != KRB_ETYPE_RC4_HMAC) {
            uint8_t data[sizeof(msg)];
            size_t plain_len;
            gss_iov_buffer_desc iov[2];
            memcpy(data, msg, sizeof(msg));
            iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER | GSS_IOV_BUFFER_FLAG_ALLOCATE;
            iov[0].buffer.value = NULL;
            iov[0].buffer.length = 0;
            iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
            iov[1].buffer.value = data;
            iov[1].buffer.length = sizeof(data);
            major = gss_wrap_iov(&minor, mit, conf, GSS_C_QOP_DEFAULT, &conf_state, iov, 2);
            if (GSS_ERROR(major)) {
                snprintf(why, sizeof(why), "gss_wrap_iov: %s", mit_error(major, minor));
                return why;
            }
            rc = krb_gss_unwrap_split(us, iov[0].buffer.value, iov[0].buffer.length, data, sizeof(data),
                                      &plain_len, NULL, NULL);
            size_t hl = iov[0].buffer.length;
            gss_release_iov_buffer(&minor, iov, 2);
            if (rc || plain_len != sizeof(msg) || memcmp(data, msg, sizeof(msg))) {
                snprintf(why, sizeof(why), "krb_gss_unwrap_split of MIT's %s iov token (header %zu): %s",
                         conf ? "sealed" : "signed", hl, krb_status_text(rc));
                return why;
            }
        }
    }
    {
        gss_buffer_desc m = { sizeof(msg), (void *)msg }, t;
        int rc;
        major = gss_get_mic(&minor, mit, GSS_C_QOP_DEFAULT, &m, &t);
        if (GSS_ERROR(major)) {
            snprintf(why, sizeof(why), "gss_get_mic: %s", mit_error(major, minor));
            return why;
        }
        rc = krb_gss_verify_mic(us, (const uint8_t *)msg, sizeof(msg), t.value, t.length, NULL);
        gss_release_buffer(&minor, &t);
        if (rc) {
            snprintf(why, sizeof(why), "krb_gss_verify_mic of MIT's MIC: %s", krb_status_text(rc));
            return why;
        }
    }
    return NULL;
}

static void messages(const char *prefix, struct krb_gss_ctx *us, gss_ctx_id_t mit)
{
    char name[128];
    const char *bad;


    snprintf(name, sizeof(name), "%s: wrap/unwrap and MIC, ours to MIT", prefix);
    bad = ours_to_mit(us, mit);
    result(!bad, name, bad);
    snprintf(name, sizeof(name), "%s: wrap/unwrap and MIC, MIT to ours", prefix);
    bad = mit_to_ours(mit, us);
    result(!bad, name, bad);
}

/* ---- (a) MIT initiator, our acceptor ------------------------------------------ */

static void mit_to_our_acceptor(int32_t etype, int mutual)
{
    char service[64], full[128], name[128];
    struct password_keys pk;
    struct krb_gss_acceptor acc;
    struct krb_gss_ctx us;
    struct bytes_writer rep;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_name_t target;
    gss_buffer_desc nb, tok = GSS_C_EMPTY_BUFFER, in;
    OM_uint32 major, minor, flags = GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG |
                                    (mutual ? GSS_C_MUTUAL_FLAG : 0);
    int rc;

    memset(&pk, 0, sizeof(pk));
    memset(&us, 0, sizeof(us));
    snprintf(service, sizeof(service), "gss%d/localhost", (int)etype);
    snprintf(full, sizeof(full), "%s@%s", service, realm);
    snprintf(name, sizeof(name), "MIT initiator -> our acceptor, etype %d, %s", (int)etype,
             mutual ? "mutual" : "no mutual");
    strcpy(pk.principal, service);
    acc = (struct krb_gss_acceptor){ .find_key = find_key, .find_key_arg = &pk,
                                     .rcache = krb_replay_cache_new(64, KRB_GSS_SKEW) };
    bytes_writer_init_heap(&rep, BYTES_NO_LIMIT);
    nb.value = full;
    nb.length = strlen(full);
    major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &target);
    if (!GSS_ERROR(major))
        major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, gss_mech_krb5, flags, 0, NULL,
                                     GSS_C_NO_BUFFER, NULL, &tok, NULL, NULL);
    if (GSS_ERROR(major)) {
        result(0, name, mit_error(major, minor));
        goto out;
    }
    rc = krb_gss_accept(&us, &acc, tok.value, tok.length, &rep);
    gss_release_buffer(&minor, &tok);
    if (rc != KRB_OK) {
        snprintf(why, sizeof(why), "krb_gss_accept: %s", krb_status_text(rc));
        result(0, name, why);
        goto out;
    }
    if (mutual) {
        in.value = rep.buf;
        in.length = rep.len;
        major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, gss_mech_krb5, flags, 0, NULL, &in,
                                     NULL, &tok, NULL, NULL);
        gss_release_buffer(&minor, &tok);
        if (major != GSS_S_COMPLETE) {
            snprintf(why, sizeof(why), "gss_init_sec_context with our AP-REP: %s", mit_error(major, minor));
            result(0, name, why);
            goto out;
        }
    } else if (major != GSS_S_COMPLETE || rep.len) {
        result(0, name, "no mutual authentication, yet not complete after one token");
        goto out;
    }
    {
        char text[256];
        krb_principal_text(&us.cname, text, sizeof(text));
        if (strcmp(text, "alice") || strcmp(us.crealm, realm) || us.session.etype != etype) {
            snprintf(why, sizeof(why), "acceptor sees %s@%s, session etype %d", text, us.crealm,
                     (int)us.session.etype);
            result(0, name, why);
            goto out;
        }
    }
    result(1, name, NULL);
    messages(name, &us, mit);
out:
    gss_delete_sec_context(&minor, &mit, GSS_C_NO_BUFFER);
    gss_release_name(&minor, &target);
    krb_gss_ctx_free(&us);
    krb_replay_cache_free(acc.rcache);
    bytes_writer_free(&rep);
    for (int i = 0; i < 5; i++)
        crypto_wipe(&pk.keys[i], sizeof(pk.keys[i]));
}

/* ---- (b) our initiator, MIT acceptor ------------------------------------------ */

static void our_initiator_to_mit(int32_t etype, int mutual)
{
    char service[64], name[128];
    struct krb_creds svc = { 0 };
    struct krb_gss_ctx us;
    struct bytes_writer req;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
    gss_name_t src = GSS_C_NO_NAME;
    OM_uint32 major, minor, ret_flags = 0;
    int rc;

    memset(&us, 0, sizeof(us));
    snprintf(service, sizeof(service), "gss%d/localhost", (int)etype);
    snprintf(name, sizeof(name), "our initiator -> MIT acceptor, etype %d, %s", (int)etype,
             mutual ? "mutual" : "no mutual");
    bytes_writer_init_heap(&req, BYTES_NO_LIMIT);
    if ((rc = get_service_ticket(service, &svc)) != KRB_OK) {
        snprintf(why, sizeof(why), "TGS for %s: %s", service, krb_status_text(rc));
        result(0, name, why);
        goto out;
    }
    if (svc.key.etype != etype) {
        snprintf(why, sizeof(why), "the session key is of etype %d", (int)svc.key.etype);
        result(0, name, why);
        goto out;
    }
    rc = krb_gss_init_start(&us, &svc,
                            KRB_GSS_REPLAY | KRB_GSS_SEQUENCE | KRB_GSS_CONF | KRB_GSS_INTEG |
                                (mutual ? KRB_GSS_MUTUAL : 0),
                            NULL, 0, &req);
    if (rc != (mutual ? KRB_CONTINUE : KRB_OK)) {
        snprintf(why, sizeof(why), "krb_gss_init_start: %s", krb_status_text(rc));
        result(0, name, why);
        goto out;
    }
    in.value = req.buf;
    in.length = req.len;
    major = gss_accept_sec_context(&minor, &mit, GSS_C_NO_CREDENTIAL, &in, GSS_C_NO_CHANNEL_BINDINGS, &src, NULL,
                                   &out, &ret_flags, NULL, NULL);
    if (major != GSS_S_COMPLETE) {
        snprintf(why, sizeof(why), "gss_accept_sec_context: %s", mit_error(major, minor));
        result(0, name, why);
        goto out;
    }
    if (mutual) {
        rc = krb_gss_init_step(&us, out.value, out.length);
        if (rc != KRB_OK) {
            snprintf(why, sizeof(why), "krb_gss_init_step with MIT's AP-REP: %s", krb_status_text(rc));
            result(0, name, why);
            goto out;
        }
    } else if (out.length) {
        result(0, name, "MIT answered without being asked for mutual authentication");
        goto out;
    }
    {
        gss_buffer_desc text;
        OM_uint32 m;
        int ok;
        gss_display_name(&m, src, &text, NULL);
        ok = text.length == 6 + strlen(realm) && !memcmp(text.value, "alice@", 6);
        if (!ok) {
            snprintf(why, sizeof(why), "MIT sees %.*s", (int)text.length, (const char *)text.value);
        }
        gss_release_buffer(&m, &text);
        if (!ok || ((ret_flags & GSS_C_MUTUAL_FLAG) != 0) != mutual) {
            result(0, name, ok ? "MIT's flags disagree on mutual authentication" : why);
            goto out;
        }
    }
    result(1, name, NULL);
    messages(name, &us, mit);
out:
    gss_release_buffer(&minor, &out);
    gss_release_name(&minor, &src);
    gss_delete_sec_context(&minor, &mit, GSS_C_NO_BUFFER);
    krb_gss_ctx_free(&us);
    krb_creds_free(&svc);
    bytes_writer_free(&req);
}

/* ---- channel bindings and error tokens ------------------------------------------ */

/* RFC 4121 4.1.1.2: MD5 over the bindings' fields, lengths and types as
 * 4-byte little-endian; here no addresses, only application data (what
 * TLS channel bindings are). */
static void cb_hash(const char *app, uint8_t out[16])
{
    uint8_t buf[256] = { 0 };
    size_t n = strlen(app);

    /* initiator addrtype, length; acceptor addrtype, length: all zero */
    buf[16] = (uint8_t)n;
    memcpy(buf + 20, app, n);
    crypto_md5(buf, 20 + n, out);
}

static void bindings(const char *app, struct gss_channel_bindings_struct *cb)
{
    memset(cb, 0, sizeof(*cb));
    cb->application_data.value = (void *)app;
    cb->application_data.length = strlen(app);
}

/* MIT's initiator with bindings to our acceptor expecting them, or others. */
static void mit_bindings(int same)
{
    static const char app[] = "tls-server-end-point:0123456789abcdef0123456789abcdef";
    const char *name = same ? "channel bindings: MIT initiator's match our acceptor's"
                            : "channel bindings: MIT initiator's differ from our acceptor's, refused";
    struct password_keys pk;
    struct gss_channel_bindings_struct cb;
    uint8_t ours[16];
    struct krb_gss_acceptor acc;
    struct krb_gss_ctx us;
    struct bytes_writer rep;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_name_t target;
    char full[128];
    gss_buffer_desc nb, tok = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;
    int rc;

    memset(&pk, 0, sizeof(pk));
    strcpy(pk.principal, "gss18/localhost");
    snprintf(full, sizeof(full), "gss18/localhost@%s", realm);
    bindings(app, &cb);
    cb_hash(same ? app : "something else", ours);
    acc = (struct krb_gss_acceptor){ .find_key = find_key, .find_key_arg = &pk, .cb_hash = ours };
    bytes_writer_init_heap(&rep, BYTES_NO_LIMIT);
    nb.value = full;
    nb.length = strlen(full);
    major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &target);
    if (!GSS_ERROR(major))
        major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, gss_mech_krb5,
                                     GSS_C_MUTUAL_FLAG, 0, &cb, GSS_C_NO_BUFFER, NULL, &tok, NULL, NULL);
    if (GSS_ERROR(major)) {
        result(0, name, mit_error(major, minor));
    } else {
        rc = krb_gss_accept(&us, &acc, tok.value, tok.length, &rep);
        snprintf(why, sizeof(why), "krb_gss_accept: %s", krb_status_text(rc));
        result(rc == (same ? KRB_OK : KRB_E_BAD_BINDINGS), name, why);
        krb_gss_ctx_free(&us);
    }
    gss_release_buffer(&minor, &tok);
    gss_delete_sec_context(&minor, &mit, GSS_C_NO_BUFFER);
    gss_release_name(&minor, &target);
    bytes_writer_free(&rep);
    crypto_wipe(&pk, sizeof(pk));
}

/* Our initiator to MIT's acceptor: with bindings (matching or not), or
 * with our clock 20 minutes ahead, when MIT's KRB-ERROR token must come
 * back to us as KRB_E_SKEW. */
enum { CASE_CB_SAME, CASE_CB_OTHER, CASE_SKEW };

static void our_case_to_mit(int which)
{
    static const char app[] = "tls-unique:ffeeddccbbaa99887766554433221100";
    static const char *names[] = {
        "channel bindings: ours match MIT acceptor's",
        "channel bindings: ours differ from MIT acceptor's, refused",
        "clock skew: MIT acceptor's KRB-ERROR token gives our initiator KRB_E_SKEW",
    };
    const char *name = names[which];
    struct gss_channel_bindings_struct cb;
    uint8_t ours[16];
    struct krb_creds svc = { 0 };
    struct krb_gss_ctx us;
    struct bytes_writer req;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;
    int rc;

    memset(&us, 0, sizeof(us));
    bytes_writer_init_heap(&req, BYTES_NO_LIMIT);
    bindings(app, &cb);
    cb_hash(which == CASE_CB_OTHER ? "another channel" : app, ours);
    if ((rc = get_service_ticket("gss18/localhost", &svc)) != KRB_OK) {
        result(0, name, krb_status_text(rc));
        goto out;
    }
    rc = krb_gss_init_start(&us, &svc, KRB_GSS_MUTUAL, which == CASE_SKEW ? NULL : ours,
                            which == CASE_SKEW ? 1200 : 0, &req);
    in.value = req.buf;
    in.length = req.len;
    major = gss_accept_sec_context(&minor, &mit, GSS_C_NO_CREDENTIAL, &in,
                                   which == CASE_SKEW ? GSS_C_NO_CHANNEL_BINDINGS : &cb, NULL, NULL, &out, NULL,
                                   NULL, NULL);
    if (which == CASE_CB_SAME) {
        snprintf(why, sizeof(why), "gss_accept_sec_context: %s", mit_error(major, minor));
        result(major == GSS_S_COMPLETE && krb_gss_init_step(&us, out.value, out.length) == KRB_OK, name, why);
    } else if (which == CASE_CB_OTHER) {
        snprintf(why, sizeof(why), "gss_accept_sec_context: %s", mit_error(major, minor));
        result(major == GSS_S_BAD_BINDINGS, name, why);
    } else {
        rc = out.length ? krb_gss_init_step(&us, out.value, out.length) : KRB_E_STATE;
        snprintf(why, sizeof(why), "MIT: %s; error token of %zu bytes gives %s (code %d)", mit_error(major, minor),
                 (size_t)out.length, krb_status_text(rc), (int)us.peer_error);
        result(GSS_ERROR(major) && rc == KRB_E_SKEW && us.peer_error == KRB_AP_ERR_SKEW, name, why);
    }
out:
    gss_release_buffer(&minor, &out);
    gss_delete_sec_context(&minor, &mit, GSS_C_NO_BUFFER);
    krb_gss_ctx_free(&us);
    krb_creds_free(&svc);
    bytes_writer_free(&req);
}

/* Our acceptor's KRB-ERROR token (a replayed AP-REQ) to MIT's initiator. */
static void our_error_to_mit(void)
{
    const char *name = "replay: our acceptor's KRB-ERROR token fails MIT's initiator with KRB_AP_ERR_REPEAT";
    struct password_keys pk;
    struct krb_gss_acceptor acc;
    struct krb_gss_ctx us;
    struct bytes_writer rep;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_name_t target;
    char full[128];
    gss_buffer_desc nb, tok = GSS_C_EMPTY_BUFFER, in, out = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;
    int rc;

    memset(&pk, 0, sizeof(pk));
    strcpy(pk.principal, "gss18/localhost");
    snprintf(full, sizeof(full), "gss18/localhost@%s", realm);
    acc = (struct krb_gss_acceptor){ .find_key = find_key, .find_key_arg = &pk,
                                     .rcache = krb_replay_cache_new(8, KRB_GSS_SKEW) };
    bytes_writer_init_heap(&rep, BYTES_NO_LIMIT);
    nb.value = full;
    nb.length = strlen(full);
    major = gss_import_name(&minor, &nb, GSS_KRB5_NT_PRINCIPAL_NAME, &target);
    if (!GSS_ERROR(major))
        major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, gss_mech_krb5, GSS_C_MUTUAL_FLAG,
                                     0, NULL, GSS_C_NO_BUFFER, NULL, &tok, NULL, NULL);
    if (GSS_ERROR(major)) {
        result(0, name, mit_error(major, minor));
        goto out;
    }
    rc = krb_gss_accept(&us, &acc, tok.value, tok.length, &rep);
    krb_gss_ctx_free(&us);
    rep.len = 0;
    if (rc == KRB_OK)
        rc = krb_gss_accept(&us, &acc, tok.value, tok.length, &rep);
    if (rc != KRB_E_REPLAY || !rep.len) {
        snprintf(why, sizeof(why), "the second accept said %s", krb_status_text(rc));
        result(0, name, why);
        goto out;
    }
    in.value = rep.buf;
    in.length = rep.len;
    major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0,
                                 NULL, &in, NULL, &out, NULL, NULL);
    snprintf(why, sizeof(why), "MIT: %s", mit_error(major, minor));
    result(GSS_ERROR(major) && strstr(why, "eplay") != NULL, name, why);
out:
    gss_release_buffer(&minor, &tok);
    gss_release_buffer(&minor, &out);
    gss_delete_sec_context(&minor, &mit, GSS_C_NO_BUFFER);
    gss_release_name(&minor, &target);
    krb_replay_cache_free(acc.rcache);
    bytes_writer_free(&rep);
    crypto_wipe(&pk, sizeof(pk));
}

int main(int argc, char **argv)
{
    int rc;

    static const int32_t all[] = { 17, 18, 19, 20, 23 };
    size_t n_etypes;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s PORT REALM PASSWORD [RC4]\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]);
    realm = argv[2];
    password = argv[3];
    n_etypes = argc == 5 && atoi(argv[4]) ? 5 : 4;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < n_etypes; i++)
        for (int mutual = 0; mutual < 2; mutual++)
            mit_to_our_acceptor(all[i], mutual);
    mit_bindings(1);
    mit_bindings(0);
    our_error_to_mit();
    if ((rc = get_tgt()) != KRB_OK) {
        result(0, "our AS exchange for alice", krb_status_text(rc));
        return 1;
    }
    for (size_t i = 0; i < n_etypes; i++)
        for (int mutual = 0; mutual < 2; mutual++)
            our_initiator_to_mit(all[i], mutual);
    our_case_to_mit(CASE_CB_SAME);
    our_case_to_mit(CASE_CB_OTHER);
    our_case_to_mit(CASE_SKEW);
    krb_creds_free(&tgt);
    return failures != 0;
}
