/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos package through its ops table, as the DLL's dispatcher
 * calls it, against the MIT KDC tests/kerberos/run.sh started (its
 * krb5.conf, keytab and ccache through KRB5_CONFIG, KRB5_KTNAME and
 * KRB5CCNAME):
 *   - a client with alice's password, and one with run.sh's kinit cache,
 *     to our server reading the keytab, mutual and not; messages both
 *     ways in the SSPI layout and the stream form; signatures; attributes;
 *   - MIT's initiator to our server and our client to MIT's acceptor,
 *     with messages each way (libgssapi_krb5, in process);
 *   - the failures: wrong password, unknown user, unknown service, no
 *     keytab entry, a replayed and a tampered AP-REQ, a KDC nobody
 *     answers for (timed), an inbound credential used to initiate;
 *   - export and import (pkg_export.c) of both ends after real handshakes:
 *     the copies carry on with the originals' peers, RESET_NEW only before
 *     the first message, every truncation and bit flip of a real payload
 *     (the package's import) and of a real blob (the envelope, under a
 *     machine key of this run) refused cleanly.
 * Prints "PASS name" / "FAIL name: why".
 * Usage: krb_package REALM PASSWORD DEAD_KRB5_CONF */
#include <stdbool.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pass_fail.h"
#include "sspishim/context_export.h"
#include "sspishim/handles.h"
#include "sspishim/kerberos.h"
#include "sspishim/machine_key.h"
#include "sspishim/ntlm.h"
#include "sspishim/packed.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

#include "../../core/kerberos/krb_pkg.h"   /* the keys, for the inspector's check */

static const char *realm, *password, *dead_conf;
static const struct shim_package *pkg;


static shim_wchar *w(const char *s)
{
    static shim_wchar buf[8][256];
    static int next;
    shim_wchar *out = buf[next++ % 8];
    size_t i = 0;
    for (; s[i] && i < 255; i++) out[i] = (unsigned char)s[i];
    out[i] = 0;
    return out;
}

static char *narrow(const shim_wchar *s, char *out, size_t max)
{
    size_t i = 0;
    for (; s && s[i] && i + 1 < max; i++) out[i] = (char)s[i];
    out[i] = 0;
    return out;
}

/* ---- credentials and steps -------------------------------------------------- */

static shim_status acquire(uint32_t use, const char *user, const char *domain, const char *pw, shim_cred **out)
{
    struct shim_auth_identity_w id = { 0 };
    int64_t expiry;
    static shim_wchar u[256], d[256], p[256];
    if (user) {
        memcpy(u, w(user), sizeof(u));
        id.User = u;
        id.UserLength = (uint32_t)strlen(user);
    }
    if (domain) {
        memcpy(d, w(domain), sizeof(d));
        id.Domain = d;
        id.DomainLength = (uint32_t)strlen(domain);
    }
    if (pw) {
        memcpy(p, w(pw), sizeof(p));
        id.Password = p;
        id.PasswordLength = (uint32_t)strlen(pw);
    }
    id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    return pkg->ops->acquire_credentials(pkg, NULL, use, NULL, user || pw ? &id : NULL, NULL, NULL, out, &expiry);
}

struct tok {
    uint8_t buf[16384];
    uint32_t len;
};

static shim_status step(bool client, shim_cred *cred, shim_ctx **ctx, const char *target, uint32_t req,
                        const struct tok *in, struct tok *out, uint32_t *attrs)
{
    struct shim_buffer ib = { in ? in->len : 0, SHIM_BUFFER_TOKEN, in ? (void *)in->buf : NULL };
    struct shim_buffer ob = { sizeof(out->buf), SHIM_BUFFER_TOKEN, out->buf };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c = { .cred = *ctx ? NULL : cred, .ctx = *ctx, .target = target ? w(target) : NULL,
                               .req = req, .datarep = SHIM_NATIVE_DREP, .input = in ? &id : NULL, .output = &od };
    shim_status st = client ? pkg->ops->initialize_context(&c) : pkg->ops->accept_context(&c);
    if (st >= 0 && c.new_ctx) *ctx = c.new_ctx;
    if (attrs) *attrs = c.attrs;
    out->len = st >= 0 ? ob.cb : 0;
    return st;
}

static void ctx_free(shim_ctx **ctx)
{
    if (!*ctx) return;
    pkg->ops->delete_context(*ctx);
    shim_object_put(*ctx);
    *ctx = NULL;
}

static void cred_free(shim_cred *c)
{
    if (!c) return;
    pkg->ops->free_credentials(c);
    shim_object_put(c);
}

#define CLIENT_REQ (SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_REPLAY_DETECT | \
                    SHIM_ISC_REQ_SEQUENCE_DETECT | SHIM_ISC_REQ_CONNECTION)

struct pair {
    shim_ctx *client, *server;
    struct tok ap_req, ap_rep;
    shim_status cst, sst;
};

/* The handshake: AP-REQ, then the AP-REP when mutual. */
static shim_status handshake(shim_cred *cc, shim_cred *sc, const char *target, bool mutual, struct pair *p)
{
    struct tok none;
    uint32_t req = CLIENT_REQ | (mutual ? SHIM_ISC_REQ_MUTUAL_AUTH : 0);
    memset(p, 0, sizeof(*p));
    p->cst = step(true, cc, &p->client, target, req, NULL, &p->ap_req, NULL);
    if (p->cst != (mutual ? SHIM_I_CONTINUE_NEEDED : SHIM_OK)) return p->cst;
    p->sst = step(false, sc, &p->server, NULL, SHIM_ASC_REQ_CONFIDENTIALITY | SHIM_ASC_REQ_CONNECTION, &p->ap_req,
                  &p->ap_rep, NULL);
    if (p->sst != SHIM_OK) return p->sst;
    if (!mutual) return p->ap_rep.len ? SHIM_E_INTERNAL_ERROR : SHIM_OK;
    return p->cst = step(true, NULL, &p->client, target, req, &p->ap_rep, &none, NULL);
}

static void pair_free(struct pair *p)
{
    ctx_free(&p->client);
    ctx_free(&p->server);
}

/* ---- messages ----------------------------------------------------------------------- */

/* EncryptMessage at from, DecryptMessage at to; stream: as one buffer. */
static int seal_open(shim_ctx *from, shim_ctx *to, const char *text, bool stream, bool sign_only)
{
    uint8_t data[256], token[128], whole[512];
    size_t n = strlen(text);
    struct shim_buffer b[3] = { { sizeof(token), SHIM_BUFFER_TOKEN, token }, { (uint32_t)n, SHIM_BUFFER_DATA, data },
                                { 0, SHIM_BUFFER_PADDING, NULL } };
    struct shim_buffer_desc d = { 0, 3, b };
    uint32_t qop = 99;
    memcpy(data, text, n);
    if (pkg->ops->encrypt(from, sign_only ? SHIM_QOP_WRAP_NO_ENCRYPT : 0, &d, 0) != SHIM_OK) return 0;
    if (b[0].cb != 60 && !sign_only) return 0;   /* AES-SHA1's trailer, Windows' 60 */
    if (!sign_only && !memcmp(data, text, n)) return 0;
    if (stream) {
        memcpy(whole, token, b[0].cb);
        memcpy(whole + b[0].cb, data, n);
        struct shim_buffer s[2] = { { b[0].cb + (uint32_t)n, SHIM_BUFFER_STREAM, whole }, { 0, SHIM_BUFFER_DATA, NULL } };
        struct shim_buffer_desc sd = { 0, 2, s };
        if (pkg->ops->decrypt(to, &sd, 0, &qop) != SHIM_OK) return 0;
        return s[1].cb == n && !memcmp(s[1].pv, text, n) && qop == (sign_only ? SHIM_QOP_WRAP_NO_ENCRYPT : 0);
    }
    struct shim_buffer_desc d2 = { 0, 2, b };
    if (pkg->ops->decrypt(to, &d2, 0, &qop) != SHIM_OK) return 0;
    return b[1].cb == n && !memcmp(data, text, n) && qop == (sign_only ? SHIM_QOP_WRAP_NO_ENCRYPT : 0);
}

static int sign_verify(shim_ctx *from, shim_ctx *to, const char *text, bool tamper)
{
    uint8_t data[256], token[64];
    size_t n = strlen(text);
    struct shim_buffer b[2] = { { (uint32_t)n, SHIM_BUFFER_DATA, data }, { sizeof(token), SHIM_BUFFER_TOKEN, token } };
    struct shim_buffer_desc d = { 0, 2, b };
    memcpy(data, text, n);
    if (pkg->ops->make_signature(from, 0, &d, 0) != SHIM_OK) return 0;
    if (tamper) data[0] ^= 1;
    shim_status st = pkg->ops->verify_signature(to, &d, 0, NULL);
    return tamper ? st == SHIM_E_MESSAGE_ALTERED : st == SHIM_OK;
}

static void messages(struct pair *p, const char *who)
{
    char name[160];
    snprintf(name, sizeof(name), "%s: sealed client to server and back (token + data, 60-byte token)", who);
    result(seal_open(p->client, p->server, "to the server", false, false) &&
               seal_open(p->server, p->client, "to the client", false, false), name, "failed");
    snprintf(name, sizeof(name), "%s: SECBUFFER_STREAM both ways", who);
    result(seal_open(p->client, p->server, "a stream", true, false) &&
               seal_open(p->server, p->client, "a stream back", true, false), name, "failed");
    snprintf(name, sizeof(name), "%s: SECQOP_WRAP_NO_ENCRYPT both ways", who);
    result(seal_open(p->client, p->server, "signed only", false, true) &&
               seal_open(p->server, p->client, "signed back", false, true), name, "failed");
    snprintf(name, sizeof(name), "%s: MakeSignature/VerifySignature both ways, tampered refused", who);
    result(sign_verify(p->client, p->server, "mic", false) && sign_verify(p->server, p->client, "mic back", false) &&
               sign_verify(p->client, p->server, "tampered", true), name, "failed");
}

static void attributes(struct pair *p, const char *who, const char *client_name)
{
    char name[160], a[256], b[256];
    struct shim_ctx_sizes z;
    struct shim_ctx_names n;
    struct shim_ctx_native_names nn;
    struct shim_ctx_session_key k1, k2;
    struct shim_ctx_lifespan life;

    snprintf(name, sizeof(name), "%s: SIZES (token 48000, signature 28, trailer 60, block 1)", who);
    shim_status st = pkg->ops->query_context_attributes(p->server, SHIM_ATTR_SIZES, &z);
    result(!st && z.cbMaxToken == 48000 && z.cbMaxSignature == 28 && z.cbSecurityTrailer == 60 && z.cbBlockSize == 1,
           name, "%08x %u %u %u %u", st, z.cbMaxToken, z.cbMaxSignature, z.cbSecurityTrailer, z.cbBlockSize);
    snprintf(name, sizeof(name), "%s: NAMES on both sides are %s\\%s", who, realm, client_name);
    snprintf(b, sizeof(b), "%s\\%s", realm, client_name);
    int good = 1;
    for (int side = 0; side < 2; side++) {
        st = pkg->ops->query_context_attributes(side ? p->client : p->server, SHIM_ATTR_NAMES, &n);
        good &= !st && !strcmp(narrow(n.sUserName, a, sizeof(a)), b);
        if (!st) sys_caller_free(n.sUserName);
    }
    result(good, name, "got %s", a);
    snprintf(name, sizeof(name), "%s: NATIVE_NAMES %s@%s, HTTP/localhost@%s", who, client_name, realm, realm);
    st = pkg->ops->query_context_attributes(p->server, SHIM_ATTR_NATIVE_NAMES, &nn);
    if (!st) {
        snprintf(b, sizeof(b), "%s@%s", client_name, realm);
        char s[256], want_s[256];
        snprintf(want_s, sizeof(want_s), "HTTP/localhost@%s", realm);
        result(!strcmp(narrow(nn.sClientName, a, sizeof(a)), b) && !strcmp(narrow(nn.sServerName, s, sizeof(s)), want_s),
               name, "%s %s", a, s);
        sys_caller_free(nn.sClientName);
        sys_caller_free(nn.sServerName);
    } else {
        result(0, name, "%08x", st);
    }
    snprintf(name, sizeof(name), "%s: SESSION_KEY is the same on both sides", who);
    st = pkg->ops->query_context_attributes(p->server, SHIM_ATTR_SESSION_KEY, &k1);
    shim_status st2 = pkg->ops->query_context_attributes(p->client, SHIM_ATTR_SESSION_KEY, &k2);
    result(!st && !st2 && k1.SessionKeyLength == k2.SessionKeyLength && k1.SessionKeyLength >= 16 &&
               !memcmp(k1.SessionKey, k2.SessionKey, k1.SessionKeyLength), name, "%08x %08x", st, st2);
    if (!st) sys_caller_free(k1.SessionKey);
    if (!st2) sys_caller_free(k2.SessionKey);
    snprintf(name, sizeof(name), "%s: LIFESPAN covers now", who);
    st = pkg->ops->query_context_attributes(p->client, SHIM_ATTR_LIFESPAN, &life);
    int64_t now = (int64_t)sys_filetime_now();
    result(!st && life.tsStart <= now + 3000000000LL && life.tsExpiry > now, name, "%08x", st);
    void *token = NULL;
    snprintf(name, sizeof(name), "%s: the server has a client token, the client none", who);
    st = pkg->ops->impersonate(p->server);
    result(!st && pkg->ops->revert(p->server) == SHIM_OK &&
               pkg->ops->impersonate(p->client) == SHIM_E_NO_IMPERSONATION, name, "%08x", st);
    (void)token;
}

/* ---- MIT's side ------------------------------------------------------------------------ */

static gss_name_t mit_name(const char *service)
{
    OM_uint32 minor;
    gss_buffer_desc b = { strlen(service), (void *)service };
    gss_name_t n = GSS_C_NO_NAME;
    gss_import_name(&minor, &b, GSS_C_NT_HOSTBASED_SERVICE, &n);
    return n;
}

static int mit_unwrap_ours(gss_ctx_id_t mit, shim_ctx *ours, const char *text)
{
    uint8_t data[256], token[128], whole[512];
    size_t n = strlen(text);
    struct shim_buffer b[2] = { { sizeof(token), SHIM_BUFFER_TOKEN, token }, { (uint32_t)n, SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, b };
    OM_uint32 major, minor;
    int conf = 0;
    memcpy(data, text, n);
    if (pkg->ops->encrypt(ours, 0, &d, 0) != SHIM_OK) return 0;
    memcpy(whole, token, b[0].cb);
    memcpy(whole + b[0].cb, data, n);
    gss_buffer_desc in = { b[0].cb + n, whole }, out = { 0, NULL };
    major = gss_unwrap(&minor, mit, &in, &out, &conf, NULL);
    int ok = major == GSS_S_COMPLETE && conf && out.length == n && !memcmp(out.value, text, n);
    gss_release_buffer(&minor, &out);
    return ok;
}

static int ours_unwrap_mit(gss_ctx_id_t mit, shim_ctx *ours, const char *text)
{
    OM_uint32 major, minor;
    gss_buffer_desc in = { strlen(text), (void *)text }, out = { 0, NULL };
    int conf = 0;
    uint32_t qop = 9;
    major = gss_wrap(&minor, mit, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out);
    if (major != GSS_S_COMPLETE) return 0;
    struct shim_buffer s[2] = { { (uint32_t)out.length, SHIM_BUFFER_STREAM, out.value }, { 0, SHIM_BUFFER_DATA, NULL } };
    struct shim_buffer_desc sd = { 0, 2, s };
    shim_status st = pkg->ops->decrypt(ours, &sd, 0, &qop);
    int ok = st == SHIM_OK && s[1].cb == in.length && !memcmp(s[1].pv, text, in.length) && qop == 0;
    gss_release_buffer(&minor, &out);
    return ok;
}

static void mit_initiator_to_our_server(shim_cred *sc)
{
    OM_uint32 major, minor;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_name_t target = mit_name("HTTP@localhost");
    gss_buffer_desc out = { 0, NULL };
    shim_ctx *server = NULL;
    struct tok in, rep;

    major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, (gss_OID)gss_mech_krb5,
                                 GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_SEQUENCE_FLAG, 0,
                                 NULL, GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
    if (major != GSS_S_CONTINUE_NEEDED || out.length > sizeof(in.buf)) {
        result(0, "MIT initiator to our server", "gss_init_sec_context %08x", major);
        goto done;
    }
    memcpy(in.buf, out.value, out.length);
    in.len = (uint32_t)out.length;
    gss_release_buffer(&minor, &out);
    shim_status st = step(false, sc, &server, NULL, SHIM_ASC_REQ_CONNECTION, &in, &rep, NULL);
    if (st != SHIM_OK || !rep.len) {
        result(0, "MIT initiator to our server", "AcceptSecurityContext %08x, AP-REP %u bytes", st, rep.len);
        goto done;
    }
    gss_buffer_desc r = { rep.len, rep.buf };
    major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, (gss_OID)gss_mech_krb5,
                                 GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_SEQUENCE_FLAG, 0,
                                 NULL, &r, NULL, &out, NULL, NULL);
    result(major == GSS_S_COMPLETE, "MIT initiator (kinit's cache) to our server with the keytab, mutual", "%08x",
           major);
    if (major == GSS_S_COMPLETE) {
        result(mit_unwrap_ours(mit, server, "from our server to MIT") && ours_unwrap_mit(mit, server, "from MIT"),
               "MIT initiator and our server: messages both ways", "failed");
    }
done:
    gss_release_buffer(&minor, &out);
    ctx_free(&server);
    if (mit != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &mit, NULL);
    gss_release_name(&minor, &target);
}

static void our_client_to_mit_acceptor(shim_cred *cc)
{
    OM_uint32 major, minor;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_buffer_desc out = { 0, NULL };
    shim_ctx *client = NULL;
    struct tok req, none;
    uint32_t flags = CLIENT_REQ | SHIM_ISC_REQ_MUTUAL_AUTH;

    shim_status st = step(true, cc, &client, "HTTP/localhost", flags, NULL, &req, NULL);
    if (st != SHIM_I_CONTINUE_NEEDED) {
        result(0, "our client to MIT's acceptor", "InitializeSecurityContext %08x", st);
        goto done;
    }
    gss_buffer_desc in = { req.len, req.buf };
    major = gss_accept_sec_context(&minor, &mit, GSS_C_NO_CREDENTIAL, &in, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &out,
                                   NULL, NULL, NULL);
    if (major != GSS_S_COMPLETE) {
        result(0, "our client to MIT's acceptor", "gss_accept_sec_context %08x minor %u", major, minor);
        goto done;
    }
    memcpy(none.buf, out.value, out.length);
    none.len = (uint32_t)out.length;
    st = step(true, NULL, &client, "HTTP/localhost", flags, &none, &req, NULL);
    result(st == SHIM_OK, "our client (password) to MIT's acceptor (keytab), mutual", "%08x", st);
    if (st == SHIM_OK)
        result(mit_unwrap_ours(mit, client, "from our client to MIT") && ours_unwrap_mit(mit, client, "from MIT"),
               "our client and MIT's acceptor: messages both ways", "failed");
done:
    gss_release_buffer(&minor, &out);
    ctx_free(&client);
    if (mit != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &mit, NULL);
}

/* ---- failures ---------------------------------------------------------------------------- */

static void failures_cases(shim_cred *sc)
{
    shim_cred *c = NULL;
    struct pair p;
    shim_status st;

    acquire(SHIM_CRED_OUTBOUND, "alice", realm, "not the password", &c);
    st = handshake(c, sc, "HTTP/localhost", false, &p);
    result(st == SHIM_E_LOGON_DENIED, "wrong password: SEC_E_LOGON_DENIED from InitializeSecurityContext", "%08x", st);
    pair_free(&p);
    cred_free(c);
    acquire(SHIM_CRED_OUTBOUND, "nobody", realm, "x", &c);
    st = handshake(c, sc, "HTTP/localhost", false, &p);
    result(st == SHIM_E_NO_CREDENTIALS, "unknown user: SEC_E_NO_CREDENTIALS", "%08x", st);
    pair_free(&p);
    cred_free(c);
    acquire(SHIM_CRED_OUTBOUND, "alice", realm, password, &c);
    st = handshake(c, sc, "HTTP/nowhere.invalid", false, &p);
    result(st == SHIM_E_TARGET_UNKNOWN, "unknown service: SEC_E_TARGET_UNKNOWN", "%08x", st);
    pair_free(&p);
    /* The KDC issues a ticket for host/localhost, whose key the keytab has
     * no longer (run.sh ktremoves it): the server has no key. */
    st = handshake(c, sc, "host/localhost", false, &p);
    result(st == SHIM_E_NO_CREDENTIALS && p.cst == SHIM_OK, "a ticket the keytab has no key for: SEC_E_NO_CREDENTIALS",
           "%08x (client %08x)", st, p.cst);
    pair_free(&p);
    /* The same AP-REQ twice: the second is a replay. */
    st = handshake(c, sc, "HTTP/localhost", false, &p);
    shim_ctx *again = NULL;
    struct tok rep;
    shim_status st2 = step(false, sc, &again, NULL, 0, &p.ap_req, &rep, NULL);
    result(st == SHIM_OK && st2 == SHIM_E_LOGON_DENIED, "a replayed AP-REQ is refused", "%08x then %08x", st, st2);
    ctx_free(&again);
    p.ap_req.buf[p.ap_req.len - 20] ^= 0x40;
    st2 = step(false, sc, &again, NULL, 0, &p.ap_req, &rep, NULL);
    result(st2 < 0 && !again, "a tampered AP-REQ is refused", "%08x", st2);
    ctx_free(&again);
    pair_free(&p);
    /* Every truncation of a real AP-REQ fails cleanly. */
    handshake(c, sc, "HTTP/localhost", true, &p);
    int clean = 1;
    for (uint32_t n = 1; n < p.ap_req.len; n++) {
        struct tok cut = p.ap_req;
        cut.len = n;
        if (step(false, sc, &again, NULL, 0, &cut, &rep, NULL) >= 0) clean = 0;
        ctx_free(&again);
    }
    result(clean, "every truncation of an AP-REQ is refused", "one was accepted");
    pair_free(&p);
    /* An inbound credential cannot initiate; an outbound one cannot accept. */
    st = handshake(sc, c, "HTTP/localhost", false, &p);
    result(st == SHIM_E_NO_CREDENTIALS, "an inbound-only credential cannot initiate", "%08x", st);
    pair_free(&p);
    cred_free(c);
    /* A realm whose KDC nobody answers for: refused within the budget. */
    const char *conf = getenv("KRB5_CONFIG");
    char saved[1024];
    snprintf(saved, sizeof(saved), "%s", conf ? conf : "");
    setenv("KRB5_CONFIG", dead_conf, 1);
    acquire(SHIM_CRED_OUTBOUND, "alice", realm, password, &c);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = handshake(c, sc, "HTTP/localhost", false, &p);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    result(st == SHIM_E_NO_AUTHENTICATING_AUTHORITY && secs < 6, "no KDC answers: SEC_E_NO_AUTHENTICATING_AUTHORITY",
           "%08x after %.1f s", st, secs);
    printf("     (refused after %.2f s)\n", secs);
    pair_free(&p);
    cred_free(c);
    setenv("KRB5_CONFIG", saved, 1);
}


/* ---- export and import ------------------------------------------------------------ */

static shim_status pkg_export(shim_ctx *ctx, int reset, uint8_t **payload, size_t *len, uint8_t *role)
{
    *payload = NULL;
    *len = 0;
    return pkg->ops->export_context(ctx, reset, payload, len, role);
}

static void payload_free(uint8_t *p, size_t len)
{
    if (p) memset(p, 0, len);
    free(p);
}

/* The package's export then import: a copy, or NULL. */
static shim_ctx *copy_of(shim_ctx *ctx, int reset, shim_status *st)
{
    uint8_t *payload, role = 0;
    size_t len;
    shim_ctx *out = NULL;
    if ((*st = pkg_export(ctx, reset, &payload, &len, &role)) != SHIM_OK) return NULL;
    *st = pkg->ops->import_context(pkg, role, payload, len, NULL, &out);
    payload_free(payload, len);
    return *st == SHIM_OK ? out : NULL;
}

static void export_copies(shim_cred *cc, shim_cred *sc, bool mutual)
{
    struct pair p;
    shim_status st, st2;
    char name[200];
    const char *who = mutual ? "export, mutual" : "export, not mutual";

    st = handshake(cc, sc, "HTTP/localhost", mutual, &p);
    snprintf(name, sizeof(name), "%s: handshake", who);
    result(st == SHIM_OK, name, "%08x", st);
    if (st != SHIM_OK) { pair_free(&p); return; }

    /* Both ends before any message: RESET_NEW is allowed, and is the state. */
    shim_ctx *scopy = copy_of(p.server, 1, &st), *ccopy = copy_of(p.client, 1, &st2);
    snprintf(name, sizeof(name), "%s: RESET_NEW export and import of both ends before any message", who);
    result(scopy && ccopy, name, "server %08x, client %08x", st, st2);
    if (scopy && ccopy) {
        /* The original client talks to the server's copy, the client's
         * copy to the original server: two forks, each consistent. */
        snprintf(name, sizeof(name), "%s: original client <-> server's copy, sealed both ways", who);
        result(seal_open(p.client, scopy, "to the copy", false, false) &&
                   seal_open(scopy, p.client, "from the copy", false, false) &&
                   seal_open(p.client, scopy, "again", true, false), name, "failed");
        snprintf(name, sizeof(name), "%s: client's copy <-> original server, sealed and signed both ways", who);
        result(seal_open(ccopy, p.server, "from the client's copy", false, false) &&
                   seal_open(p.server, ccopy, "to the client's copy", false, false) &&
                   sign_verify(ccopy, p.server, "mic", false) && sign_verify(p.server, ccopy, "mic back", false),
               name, "failed");

        /* After messages: RESET_NEW refused, alone or with DELETE_OLD, and
         * nothing changes; a plain snapshot carries on. */
        struct shim_buffer b = { 0 };
        uint8_t *pl = NULL, role;
        size_t len = 0;
        st = pkg_export(p.client, 1, &pl, &len, &role);
        st2 = context_export(scopy, SHIM_EXPORT_RESET_NEW | SHIM_EXPORT_DELETE_OLD, &b, NULL);
        snprintf(name, sizeof(name), "%s: RESET_NEW after a message refused (SEC_E_INVALID_PARAMETER), "
                 "with DELETE_OLD too", who);
        result(st == SHIM_E_INVALID_PARAMETER && !pl && st2 == SHIM_E_INVALID_PARAMETER && !b.pv, name,
               "%08x %08x", st, st2);
        shim_ctx *c2 = copy_of(p.client, 0, &st), *s2 = copy_of(scopy, 0, &st2);
        snprintf(name, sizeof(name), "%s: snapshot after messages carries on (sequence numbers kept)", who);
        result(c2 && s2 && seal_open(c2, s2, "snapshot", false, false) && seal_open(s2, c2, "snapshot back", false, false),
               name, "%08x %08x", st, st2);
        /* The snapshot's numbers are those the exporter had: the exporter's
         * next token is the same number, a duplicate for the copy's peer. */
        snprintf(name, sizeof(name), "%s: a token the copy already took is a replay for it", who);
        result(c2 && s2 && !seal_open(p.client, s2, "replayed number", false, false), name, "accepted");
        /* A context that has only received is moved too. */
        st = pkg_export(p.server, 1, &pl, &len, &role);
        snprintf(name, sizeof(name), "%s: RESET_NEW refused on the original server after messages", who);
        result(st == SHIM_E_INVALID_PARAMETER, name, "%08x", st);
        if (c2) ctx_free(&c2);
        if (s2) ctx_free(&s2);
    }
    if (scopy) ctx_free(&scopy);
    if (ccopy) ctx_free(&ccopy);
    pair_free(&p);

    /* A server that has received one message but sent none. */
    st = handshake(cc, sc, "HTTP/localhost", mutual, &p);
    if (st == SHIM_OK) {
        uint8_t *pl = NULL, role;
        size_t len = 0;
        bool sent = seal_open(p.client, p.server, "one", false, false);
        st = pkg_export(p.server, 1, &pl, &len, &role);
        st2 = pkg_export(p.client, 1, &pl, &len, &role);
        snprintf(name, sizeof(name), "%s: after one message client->server, RESET_NEW refused at both ends", who);
        result(sent && st == SHIM_E_INVALID_PARAMETER && st2 == SHIM_E_INVALID_PARAMETER, name, "%08x %08x", st, st2);
    }
    pair_free(&p);
}

/* Every truncation, one byte more, and every bit flip of a real payload,
 * through the package's import: refused (SEC_E_INVALID_TOKEN, or
 * SEC_E_UNSUPPORTED_FUNCTION for the version), or, where the flipped bit
 * is a field any value of which is valid (a sequence number, a name's
 * letter), a context that deletes cleanly.  Never a crash, never a leak. */
static void payload_damage(shim_ctx *ctx, const char *who)
{
    uint8_t *pl = NULL, role = 0;
    size_t len = 0;
    char name[200];
    shim_status st = pkg_export(ctx, 0, &pl, &len, &role);
    snprintf(name, sizeof(name), "%s: payload exported (%zu bytes)", who, len);
    result(st == SHIM_OK && len > 100, name, "%08x", st);
    if (st != SHIM_OK) return;
    long tokens = sys_tokens_live();
    size_t bad_trunc = 0, refused = 0, taken = 0, odd = 0;
    uint8_t *copy = malloc(len + 1);
    for (size_t n = 0; n < len; n++) {
        shim_ctx *out = NULL;
        memcpy(copy, pl, n);
        st = pkg->ops->import_context(pkg, role, copy, n, NULL, &out);
        if (st != SHIM_E_INVALID_TOKEN || out) bad_trunc++;
        if (out) ctx_free(&out);
    }
    memcpy(copy, pl, len);
    copy[len] = 0;
    shim_ctx *out = NULL;
    st = pkg->ops->import_context(pkg, role, copy, len + 1, NULL, &out);
    if (out) ctx_free(&out);
    snprintf(name, sizeof(name), "%s: every truncation (%zu) and one byte more refused, SEC_E_INVALID_TOKEN", who, len);
    result(!bad_trunc && st == SHIM_E_INVALID_TOKEN, name, "%zu truncations taken, padded %08x", bad_trunc, st);
    for (size_t bit = 0; bit < len * 8; bit++) {
        memcpy(copy, pl, len);
        copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        out = NULL;
        st = pkg->ops->import_context(pkg, role, copy, len, NULL, &out);
        if (st == SHIM_OK && out) taken++, ctx_free(&out);
        else if ((st == SHIM_E_INVALID_TOKEN || st == SHIM_E_UNSUPPORTED_FUNCTION) && !out) refused++;
        else odd++;
    }
    /* The structure: version, role, key presence, etypes and lengths. */
    size_t struct_bad = 0;
    size_t structural[] = { 0, 1, 2, 14, 15, 17, 18, 19, 20 };   /* version, role, GSS flags high byte, keys, etype high bytes, key length */
    for (size_t i = 0; i < sizeof(structural) / sizeof(*structural); i++) {
        for (unsigned b = 0; b < 8; b++) {
            memcpy(copy, pl, len);
            copy[structural[i]] ^= (uint8_t)(1u << b);
            out = NULL;
            st = pkg->ops->import_context(pkg, role, copy, len, NULL, &out);
            if (st == SHIM_OK) struct_bad++;
            if (out) ctx_free(&out);
        }
    }
    snprintf(name, sizeof(name), "%s: every bit flip (%zu) refused (%zu) or a valid context (%zu, free-form "
             "fields), the structure's bytes always refused", who, len * 8, refused, taken);
    result(!odd && !struct_bad && refused > 0, name, "%zu odd statuses, %zu structural flips taken", odd, struct_bad);
    /* The other role's blob header with this payload. */
    st = pkg->ops->import_context(pkg, role == PACKED_ROLE_SERVER ? PACKED_ROLE_CLIENT : PACKED_ROLE_SERVER, pl, len,
                                  NULL, &out);
    snprintf(name, sizeof(name), "%s: a payload under the other role refused", who);
    result(st == SHIM_E_INVALID_TOKEN, name, "%08x", st);
    snprintf(name, sizeof(name), "%s: no token or object left by the refused imports", who);
    result(sys_tokens_live() == tokens, name, "%ld tokens, was %ld", sys_tokens_live(), tokens);
    free(copy);
    payload_free(pl, len);
}

/* The blob as the DLL makes it: the envelope under the machine key. */
static void hex_key(FILE *f, const struct krb_key *k)
{
    for (size_t i = 0; i < k->len; i++) fprintf(f, "%02x", k->bytes[i]);
    fprintf(f, "\n");
}

/* With KRB_PACKAGE_BLOB_DIR set (run.sh), the server's blob, the machine
 * key it is sealed with and the context's keys in hex go there, for
 * tools/sspishim-inspect: it must describe the blob and print none of
 * the keys. */
static void write_for_inspector(const char *dir, const struct shim_buffer *blob, shim_ctx *server)
{
    char path[512];
    FILE *f;
    struct krb_ctx *k = krb_ctx_from(server);
    snprintf(path, sizeof(path), "%s/kerberos.blob", dir);
    if ((f = fopen(path, "wb"))) {
        fwrite(blob->pv, 1, blob->cb, f);
        fclose(f);
    }
    snprintf(path, sizeof(path), "%s/kerberos.keys", dir);
    if (k && (f = fopen(path, "w"))) {
        hex_key(f, &k->gss.session);
        if (k->gss.has_init_subkey) hex_key(f, &k->gss.init_subkey);
        if (k->gss.has_acc_subkey) hex_key(f, &k->gss.acc_subkey);
        fclose(f);
    }
}

static void envelope(shim_cred *cc, shim_cred *sc)
{
    struct pair p;
    shim_status st;
    char keyfile[256];
    const char *blob_dir = getenv("KRB_PACKAGE_BLOB_DIR");
    if (blob_dir)
        snprintf(keyfile, sizeof(keyfile), "%s/machine.key", blob_dir);
    else
        snprintf(keyfile, sizeof(keyfile), "/tmp/krb_package.%ld.key", (long)getpid());
    setenv("SSPISHIM_MACHINE_KEY", keyfile, 1);
    machine_key_forget();
    registry_add(kerberos_package());
    registry_add(ntlm_package());

    st = handshake(cc, sc, "HTTP/localhost", true, &p);
    result(st == SHIM_OK, "envelope: handshake", "%08x", st);
    if (st == SHIM_OK) {
        long tokens = sys_tokens_live();
        struct shim_buffer sb = { 0 }, cb = { 0 };
        /* Natively no token handle comes out (posix.c); the import takes a
         * made-up handle, which the platform adopts as a token. */
        void *stok = (void *)1, *ctok = (void *)1;
        shim_status s1 = context_export(p.server, SHIM_EXPORT_RESET_NEW, &sb, NULL);
        shim_status s2 = context_export(p.client, SHIM_EXPORT_RESET_NEW, &cb, &ctok);
        result(s1 == SHIM_OK && s2 == SHIM_OK && sb.pv && cb.pv && !ctok,
               "envelope: server and client exported under the machine key (a client gives no token)",
               "%08x %08x token %p/%p", s1, s2, stok, ctok);
        printf("# Kerberos blobs: server %u bytes, client %u bytes\n", sb.cb, cb.cb);
        if (blob_dir && sb.pv) write_for_inspector(blob_dir, &sb, p.server);
        shim_ctx *scopy = NULL, *ccopy = NULL;
        s1 = sb.pv ? context_import(w("kerberos"), &sb, stok, &scopy) : SHIM_E_INVALID_TOKEN;
        s2 = cb.pv ? context_import(w("Kerberos"), &cb, (void *)1, &ccopy) : SHIM_E_INVALID_TOKEN;
        result(s1 == SHIM_OK && s2 == SHIM_OK, "envelope: both imported (package name in any case)", "%08x %08x", s1, s2);
        if (scopy && ccopy) {
            result(seal_open(ccopy, scopy, "through the envelope", false, false) &&
                       seal_open(scopy, ccopy, "and back", true, false) && sign_verify(ccopy, scopy, "mic", false),
                   "envelope: the two copies talk to each other, sealed and signed", "failed");
            /* natively no token handle can be handed out (posix.c): the
             * token is seen through impersonation */
            shim_status q1 = SHIM_OK;
            shim_status q2 = pkg->ops->impersonate(scopy), q3 = pkg->ops->impersonate(ccopy);
            pkg->ops->revert(scopy);
            result(q1 == SHIM_OK && q2 == SHIM_OK && q3 == SHIM_E_NO_IMPERSONATION,
                   "envelope: the server's copy has the token it was given, the client's none (token closed)",
                   "%08x %08x %08x", q1, q2, q3);
            struct shim_ctx_names names = { 0 };
            char nm[128] = "";
            q1 = pkg->ops->query_context_attributes(scopy, SHIM_ATTR_NAMES, &names);
            narrow(names.sUserName, nm, sizeof(nm));
            sys_caller_free(names.sUserName);
            char want[128];
            snprintf(want, sizeof(want), "%s\\alice", realm);
            result(q1 == SHIM_OK && !strcmp(nm, want), "envelope: the server's copy names its client", "%08x %s", q1, nm);
        }
        if (scopy) ctx_free(&scopy);
        if (ccopy) ctx_free(&ccopy);
        result(sys_tokens_live() == tokens, "envelope: the client import closed the token it was given",
               "%ld tokens, was %ld", sys_tokens_live(), tokens);

        /* Another package's name: refused. */
        shim_ctx *out = NULL;
        st = sb.pv ? context_import(w("NTLM"), &sb, NULL, &out) : SHIM_OK;
        result(st == SHIM_E_INVALID_TOKEN && !out, "envelope: imported as NTLM refused (SEC_E_INVALID_TOKEN)", "%08x", st);

        /* Every truncation, one byte more, and every bit flip of the blob. */
        size_t taken = 0, n_flips = 0;
        if (sb.pv) {
            uint8_t *copy = malloc(sb.cb + 1);
            for (uint32_t n = 0; n < sb.cb; n++) {
                struct shim_buffer t = { n, SHIM_BUFFER_DATA, copy };
                memcpy(copy, sb.pv, n);
                out = NULL;
                if (n && context_import(w("Kerberos"), &t, NULL, &out) == SHIM_OK) taken++;
                if (out) ctx_free(&out);
            }
            memcpy(copy, sb.pv, sb.cb);
            copy[sb.cb] = 0;
            struct shim_buffer t = { sb.cb + 1, SHIM_BUFFER_DATA, copy };
            out = NULL;
            if (context_import(w("Kerberos"), &t, NULL, &out) == SHIM_OK) taken++;
            if (out) ctx_free(&out);
            for (size_t bit = 0; bit < (size_t)sb.cb * 8; bit++, n_flips++) {
                memcpy(copy, sb.pv, sb.cb);
                copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                t.cb = sb.cb;
                out = NULL;
                if (context_import(w("Kerberos"), &t, NULL, &out) == SHIM_OK) taken++;
                if (out) ctx_free(&out);
            }
            free(copy);
        }
        char name[160];
        snprintf(name, sizeof(name), "envelope: every truncation (%u), one byte more and every bit flip (%zu) refused",
                 sb.cb, n_flips);
        result(sb.pv && !taken, name, "%zu taken", taken);
        if (sb.pv) sys_caller_free(sb.pv);
        if (cb.pv) sys_caller_free(cb.pv);
    }
    pair_free(&p);
    if (!blob_dir) unlink(keyfile);
    machine_key_forget();
}

/* Every etype the realm has a gssNN/localhost service for (run.sh adds
 * them for gss_interop): a RESET_NEW copy of each end, signing both ways
 * with the original peer. */
static void export_etypes(shim_cred *cc, shim_cred *sc)
{
    static const int etypes[] = { 17, 18, 19, 20, 23 };
    for (size_t i = 0; i < sizeof(etypes) / sizeof(*etypes); i++) {
        char target[64], name[160];
        struct pair p;
        shim_status st, st2;
        snprintf(target, sizeof(target), "gss%d/localhost", etypes[i]);
        if (handshake(cc, sc, target, true, &p) != SHIM_OK) {
            printf("SKIP export of an etype %d context: no handshake to %s\n", etypes[i], target);
            pair_free(&p);
            continue;
        }
        shim_ctx *s = copy_of(p.server, 1, &st), *c = copy_of(p.client, 1, &st2);
        snprintf(name, sizeof(name), "export, etype %d: copies of both ends sign and verify with the originals", etypes[i]);
        result(s && c && sign_verify(p.client, s, "c->s", false) && sign_verify(s, p.client, "s->c", false) &&
                   sign_verify(c, p.server, "c'->s", false) && sign_verify(p.server, c, "s->c'", false) &&
                   sign_verify(c, p.server, "tampered", true),
               name, "%08x %08x", st, st2);
        if (s) ctx_free(&s);
        if (c) ctx_free(&c);
        pair_free(&p);
    }
}

static void export_cases(shim_cred *cc, shim_cred *sc)
{
    struct pair p;
    export_copies(cc, sc, false);
    export_copies(cc, sc, true);
    if (handshake(cc, sc, "HTTP/localhost", true, &p) == SHIM_OK) {
        seal_open(p.client, p.server, "so the numbers moved", false, false);
        payload_damage(p.server, "export, server payload");
        payload_damage(p.client, "export, client payload");
        /* A context still in its handshake does not export. */
    }
    pair_free(&p);
    {
        struct tok t;
        shim_ctx *half = NULL;
        uint8_t *pl = NULL, role;
        size_t len = 0;
        shim_status st = step(true, cc, &half, "HTTP/localhost", CLIENT_REQ | SHIM_ISC_REQ_MUTUAL_AUTH, NULL, &t, NULL);
        shim_status st2 = half ? pkg_export(half, 0, &pl, &len, &role) : SHIM_OK;
        result(st == SHIM_I_CONTINUE_NEEDED && st2 == SHIM_E_UNSUPPORTED_FUNCTION && !pl,
               "export: a client waiting for its AP-REP is SEC_E_UNSUPPORTED_FUNCTION", "%08x %08x", st, st2);
        if (half) ctx_free(&half);
    }
    export_etypes(cc, sc);
    envelope(cc, sc);
}

int main(int argc, char **argv)
{
    shim_cred *sc = NULL, *pwc = NULL, *cache = NULL;
    struct pair p;
    shim_status st;

    if (argc != 4) {
        fprintf(stderr, "usage: %s REALM PASSWORD DEAD_KRB5_CONF\n", argv[0]);
        return 2;
    }
    realm = argv[1];
    password = argv[2];
    dead_conf = argv[3];
    setvbuf(stdout, NULL, _IOLBF, 0);
    pkg = kerberos_package();
    struct shim_pkginfo *info = NULL;
    st = registry_make_pkginfo(&pkg, 1, &info);
    char nm[64], cm[64];
    result(!st && !strcmp(narrow(info->name, nm, sizeof(nm)), "Kerberos") &&
               !strcmp(narrow(info->comment, cm, sizeof(cm)), "Microsoft Kerberos V1.0") &&
               info->capabilities == 0xf3bbf && info->rpcid == 16 && info->max_token >= 12000,
           "SecPkgInfo as Windows gives it", "%s %s %x", nm, cm, info ? info->capabilities : 0);
    sys_caller_free(info);

    result(acquire(SHIM_CRED_INBOUND, NULL, NULL, NULL, &sc) == SHIM_OK, "inbound credential", "failed");
    result(acquire(SHIM_CRED_OUTBOUND, NULL, NULL, NULL, &cache) == SHIM_OK,
           "outbound credential without an identity (acquired without a KDC, as on Windows)", "failed");
    result(acquire(SHIM_CRED_OUTBOUND, "alice", realm, password, &pwc) == SHIM_OK, "alice's password credential",
           "failed");

    for (int mutual = 0; mutual < 2; mutual++) {
        char who[64];
        snprintf(who, sizeof(who), "password, %s", mutual ? "mutual" : "not mutual");
        char name[128];
        snprintf(name, sizeof(name), "%s: handshake to our server (keytab)", who);
        st = handshake(pwc, sc, "HTTP/localhost", mutual, &p);
        result(st == SHIM_OK, name, "%08x (client %08x, server %08x)", st, p.cst, p.sst);
        if (st == SHIM_OK) {
            messages(&p, who);
            attributes(&p, who, "alice");
        }
        pair_free(&p);
    }
    st = handshake(cache, sc, "HTTP/localhost", true, &p);
    result(st == SHIM_OK, "kinit's cache: handshake to our server, mutual", "%08x (client %08x, server %08x)", st,
           p.cst, p.sst);
    if (st == SHIM_OK) messages(&p, "cache");
    pair_free(&p);
    /* The second context reuses the credential's service ticket. */
    st = handshake(pwc, sc, "HTTP/localhost", true, &p);
    result(st == SHIM_OK, "a second context from the same credential", "%08x", st);
    pair_free(&p);

    mit_initiator_to_our_server(sc);
    our_client_to_mit_acceptor(pwc);
    failures_cases(sc);
    export_cases(pwc, sc);

    cred_free(pwc);
    cred_free(cache);
    cred_free(sc);
    struct handles_stats hs;
    handles_stats(&hs);
    result(hs.live_objects == 0 && sys_tokens_live() == 0, "nothing left behind", "%zu objects, %ld tokens",
           (size_t)hs.live_objects, sys_tokens_live());
    return failures != 0;
}
