/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Negotiate with Kerberos inside, through the package's ops table, against
 * the MIT KDC tests/kerberos/run.sh started (its krb5.conf, keytab and
 * ccache), and against MIT's own SPNEGO (libgssapi_krb5) both ways:
 *   - Kerberos chosen first, mutual and not (a late server token checked),
 *     with a "!ntlm" package list as curl passes it;
 *   - the fallbacks to NTLM: no ticket for the target (the client offers
 *     NTLM alone) and a server without Kerberos (request-mic, NTLM after);
 *   - MIT's SPNEGO initiator to our Negotiate server, our Negotiate client
 *     to MIT's SPNEGO acceptor, with messages each way.
 * NTLM's accounts file is ACCOUNTS (alice with the realm's password).
 * Prints "PASS name" / "FAIL name: why".
 * Usage: krb_negotiate REALM PASSWORD ACCOUNTS */
#include <stdarg.h>
#include <stdbool.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass_fail.h"
#include "sspishim/handles.h"
#include "sspishim/negotiate.h"
#include "sspishim/spnego.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

static const char *realm, *password;
static const struct shim_package *pkg;


static void widen(const char *s, shim_wchar *out, size_t max)
{
    size_t i = 0;
    for (; s[i] && i + 1 < max; i++) out[i] = (unsigned char)s[i];
    out[i] = 0;
}

static shim_status acquire(uint32_t use, const char *user, const char *pw, const char *list, shim_cred **out)
{
    static shim_wchar u[64], d[64], p[128], l[64];
    struct shim_auth_identity_exw id = { 0 };
    int64_t expiry;
    id.Version = SHIM_AUTH_IDENTITY_VERSION;
    id.Length = sizeof(id);
    id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    if (user) {
        widen(user, u, 64), widen(realm, d, 64), widen(pw, p, 128);
        id.User = u, id.UserLength = (uint32_t)strlen(user);
        id.Domain = d, id.DomainLength = (uint32_t)strlen(realm);
        id.Password = p, id.PasswordLength = (uint32_t)strlen(pw);
    }
    if (list) {
        widen(list, l, 64);
        id.PackageList = l, id.PackageListLength = (uint32_t)strlen(list);
    }
    return pkg->ops->acquire_credentials(pkg, NULL, use, NULL, user || list ? &id : NULL, NULL, NULL, out, &expiry);
}

struct tok {
    uint8_t buf[16384];
    uint32_t len;
};

static shim_status step(bool client, shim_cred *cred, shim_ctx **ctx, const char *target, uint32_t req,
                        const struct tok *in, struct tok *out)
{
    static shim_wchar t[128];
    struct shim_buffer ib = { in ? in->len : 0, SHIM_BUFFER_TOKEN, in ? (void *)in->buf : NULL };
    struct shim_buffer ob = { sizeof(out->buf), SHIM_BUFFER_TOKEN, out->buf };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    if (target) widen(target, t, 128);
    struct shim_ctx_call c = { .cred = *ctx ? NULL : cred, .ctx = *ctx, .target = target ? t : NULL, .req = req,
                               .datarep = SHIM_NATIVE_DREP, .input = in ? &id : NULL, .output = &od };
    shim_status st = client ? pkg->ops->initialize_context(&c) : pkg->ops->accept_context(&c);
    if (st >= 0 && c.new_ctx) *ctx = c.new_ctx;
    out->len = st >= 0 ? ob.cb : 0;
    return st;
}

static void put(shim_ctx **c)
{
    if (*c) pkg->ops->delete_context(*c), shim_object_put(*c);
    *c = NULL;
}

#define REQ (SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_SEQUENCE_DETECT | \
             SHIM_ISC_REQ_CONNECTION)

/* Client and server steps in turn until both are done; the status of the
 * last step, or the first failure. */
static shim_status converse(shim_cred *cc, shim_cred *sc, const char *target, uint32_t req, shim_ctx **cl,
                            shim_ctx **sv, int *legs)
{
    struct tok a, b;
    shim_status cst, sst = SHIM_I_CONTINUE_NEEDED;
    *legs = 0;
    cst = step(true, cc, cl, target, req, NULL, &a);
    for (int i = 0; i < 6; i++) {
        (*legs)++;
        if (cst < 0) return cst;
        if (!a.len) return cst == SHIM_OK && sst == SHIM_OK ? SHIM_OK : SHIM_E_INTERNAL_ERROR;
        sst = step(false, sc, sv, NULL, 0, &a, &b);
        (*legs)++;
        if (sst < 0) return sst;
        if (cst == SHIM_OK && sst == SHIM_OK) {
            /* a client that was done takes the server's last token if any */
            return b.len ? step(true, NULL, cl, target, req, &b, &a) : SHIM_OK;
        }
        if (!b.len) return sst == SHIM_OK ? cst : SHIM_E_INTERNAL_ERROR;
        cst = step(true, NULL, cl, target, req, &b, &a);
    }
    return SHIM_E_INTERNAL_ERROR;
}

static const char *chosen(shim_ctx *c, char *out, size_t max)
{
    struct shim_ctx_negotiation_info ni;
    out[0] = 0;
    if (pkg->ops->query_context_attributes(c, SHIM_ATTR_NEGOTIATION_INFO, &ni) == SHIM_OK) {
        size_t i = 0;
        for (; ni.PackageInfo->name[i] && i + 1 < max; i++) out[i] = (char)ni.PackageInfo->name[i];
        out[i] = 0;
        sys_caller_free(ni.PackageInfo);
    }
    return out;
}

static int seal_open(shim_ctx *from, shim_ctx *to, const char *text)
{
    uint8_t data[128], token[128];
    size_t n = strlen(text);
    struct shim_buffer b[2] = { { sizeof(token), SHIM_BUFFER_TOKEN, token }, { (uint32_t)n, SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, b };
    memcpy(data, text, n);
    return pkg->ops->encrypt(from, 0, &d, 0) == SHIM_OK && pkg->ops->decrypt(to, &d, 0, NULL) == SHIM_OK &&
           b[1].cb == n && !memcmp(data, text, n);
}

/* Export a Negotiate context (Kerberos inside) and import it: the copy
 * carries on with the original's peer. */
static int export_import(shim_ctx **mine, shim_ctx *peer, bool server)
{
    uint8_t *payload = NULL, role = 0;
    size_t len = 0;
    shim_ctx *copy = NULL;
    if (pkg->ops->export_context(*mine, 0, &payload, &len, &role) != SHIM_OK) return 0;
    shim_status st = pkg->ops->import_context(pkg, role, payload, len, NULL, &copy);
    free(payload);
    if (st != SHIM_OK || role != (server ? 2 : 1)) return 0;
    put(mine);
    *mine = copy;
    char a[32];
    return !strcmp(chosen(copy, a, sizeof(a)), "Kerberos") && seal_open(copy, peer, "from the copy") &&
           seal_open(peer, copy, "to the copy");
}

static void kerberos_cases(shim_cred *sc)
{
    shim_cred *cc = NULL;
    shim_ctx *cl = NULL, *sv = NULL;
    char a[32], b[32], name[160];
    int legs;
    static const char *const lists[] = { NULL, "!ntlm", "kerberos" };

    for (int l = 0; l < 3; l++) {
        acquire(SHIM_CRED_OUTBOUND, "alice", password, lists[l], &cc);
        for (int mutual = 0; mutual < 2; mutual++) {
            shim_status st = converse(cc, sc, "HTTP/localhost", REQ | (mutual ? SHIM_ISC_REQ_MUTUAL_AUTH : 0), &cl, &sv,
                                      &legs);
            snprintf(name, sizeof(name), "Negotiate%s%s, %s: Kerberos chosen, messages both ways", lists[l] ? " with " : "",
                     lists[l] ? lists[l] : "", mutual ? "mutual" : "not mutual");
            result(st == SHIM_OK && !strcmp(chosen(cl, a, sizeof(a)), "Kerberos") &&
                       !strcmp(chosen(sv, b, sizeof(b)), "Kerberos") && seal_open(cl, sv, "up") && seal_open(sv, cl, "down"),
                   name, "%08x after %d legs, chosen %s / %s", st, legs, a, b);
            if (st == SHIM_OK && !l) {
                snprintf(name, sizeof(name), "Negotiate (Kerberos), %s: both ends exported and imported, messages go on",
                         mutual ? "mutual" : "not mutual");
                result(export_import(&sv, cl, true) && export_import(&cl, sv, false), name, "failed");
            }
            put(&cl), put(&sv);
        }
        pkg->ops->free_credentials(cc), shim_object_put(cc);
    }
}

static void fallback_cases(shim_cred *sc)
{
    shim_cred *cc = NULL, *ntlm_only_sc = NULL;
    shim_ctx *cl = NULL, *sv = NULL;
    char a[32], b[32];
    int legs;

    acquire(SHIM_CRED_OUTBOUND, "alice", password, NULL, &cc);
    shim_status st = converse(cc, sc, "HTTP/nowhere.invalid", REQ, &cl, &sv, &legs);
    result(st == SHIM_OK && !strcmp(chosen(cl, a, sizeof(a)), "NTLM") && !strcmp(chosen(sv, b, sizeof(b)), "NTLM"),
           "no Kerberos ticket for the target: NTLM alone is offered and used", "%08x, chosen %s / %s", st, a, b);
    put(&cl), put(&sv);
    /* A server whose Negotiate has no Kerberos (handed to the builtin). */
    setenv("SSPISHIM_KERBEROS", "builtin", 1);
    acquire(SHIM_CRED_INBOUND, NULL, NULL, NULL, &ntlm_only_sc);
    unsetenv("SSPISHIM_KERBEROS");
    st = converse(cc, ntlm_only_sc, "HTTP/localhost", REQ | SHIM_ISC_REQ_MUTUAL_AUTH, &cl, &sv, &legs);
    result(st == SHIM_OK && !strcmp(chosen(cl, a, sizeof(a)), "NTLM") && seal_open(cl, sv, "ntlm after all"),
           "a server without Kerberos: the client goes on with NTLM (request-mic)", "%08x after %d legs, chosen %s", st,
           legs, a);
    put(&cl), put(&sv);
    pkg->ops->free_credentials(ntlm_only_sc), shim_object_put(ntlm_only_sc);
    pkg->ops->free_credentials(cc), shim_object_put(cc);
    /* "!ntlm" and no ticket for the target: Kerberos' own answer. */
    acquire(SHIM_CRED_OUTBOUND, "alice", password, "!ntlm", &cc);
    st = converse(cc, sc, "HTTP/nowhere.invalid", REQ, &cl, &sv, &legs);
    result(st == SHIM_E_TARGET_UNKNOWN, "\"!ntlm\" and no ticket: SEC_E_TARGET_UNKNOWN, no fallback", "%08x", st);
    put(&cl), put(&sv);
    pkg->ops->free_credentials(cc), shim_object_put(cc);
}

/* ---- MIT's SPNEGO ------------------------------------------------------------------- */

static gss_OID_desc spnego_oid = { 6, "\x2b\x06\x01\x05\x05\x02" };

static void mit_initiator(shim_cred *sc)
{
    OM_uint32 major = GSS_S_CONTINUE_NEEDED, minor;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_buffer_desc nb = { 14, "HTTP@localhost" }, out = { 0, NULL }, in = { 0, NULL };
    gss_name_t target;
    shim_ctx *sv = NULL;
    struct tok t, r;
    shim_status st = SHIM_I_CONTINUE_NEEDED;
    char a[32];

    gss_import_name(&minor, &nb, GSS_C_NT_HOSTBASED_SERVICE, &target);
    for (int i = 0; i < 4 && major == GSS_S_CONTINUE_NEEDED; i++) {
        major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &mit, target, &spnego_oid,
                                     GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG, 0, NULL,
                                     in.length ? &in : GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
        if (GSS_ERROR(major) || !out.length) break;
        memcpy(t.buf, out.value, out.length);
        t.len = (uint32_t)out.length;
        gss_release_buffer(&minor, &out);
        st = step(false, sc, &sv, NULL, 0, &t, &r);
        if (st < 0) break;
        in.value = r.buf, in.length = r.len;
    }
    result(major == GSS_S_COMPLETE && st == SHIM_OK && !strcmp(chosen(sv, a, sizeof(a)), "Kerberos"),
           "MIT's SPNEGO initiator (kinit's cache) to our Negotiate server: Kerberos", "major %08x minor %u, ours %08x, %s",
           major, minor, st, a);
    if (major == GSS_S_COMPLETE && st == SHIM_OK) {
        uint8_t data[64], token[128];
        struct shim_buffer b[2] = { { sizeof(token), SHIM_BUFFER_TOKEN, token }, { 5, SHIM_BUFFER_DATA, data } };
        struct shim_buffer_desc d = { 0, 2, b };
        memcpy(data, "hello", 5);
        pkg->ops->encrypt(sv, 0, &d, 0);
        uint8_t whole[256];
        memcpy(whole, token, b[0].cb);
        memcpy(whole + b[0].cb, data, 5);
        gss_buffer_desc w = { b[0].cb + 5, whole }, p = { 0, NULL };
        major = gss_unwrap(&minor, mit, &w, &p, NULL, NULL);
        result(major == GSS_S_COMPLETE && p.length == 5 && !memcmp(p.value, "hello", 5),
               "MIT's SPNEGO unwraps our Negotiate server's EncryptMessage", "%08x", major);
        gss_release_buffer(&minor, &p);
    }
    put(&sv);
    if (mit != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &mit, NULL);
    gss_release_name(&minor, &target);
}

static void mit_acceptor(void)
{
    OM_uint32 major = GSS_S_CONTINUE_NEEDED, minor;
    gss_ctx_id_t mit = GSS_C_NO_CONTEXT;
    gss_buffer_desc out = { 0, NULL };
    gss_OID mech = GSS_C_NO_OID;
    shim_cred *cc = NULL;
    shim_ctx *cl = NULL;
    struct tok t, r;
    shim_status st;

    acquire(SHIM_CRED_OUTBOUND, "alice", password, NULL, &cc);
    st = step(true, cc, &cl, "HTTP/localhost", REQ | SHIM_ISC_REQ_MUTUAL_AUTH, NULL, &t);
    for (int i = 0; i < 4 && st >= 0 && t.len; i++) {
        gss_buffer_desc in = { t.len, t.buf };
        major = gss_accept_sec_context(&minor, &mit, GSS_C_NO_CREDENTIAL, &in, GSS_C_NO_CHANNEL_BINDINGS, NULL, &mech,
                                       &out, NULL, NULL, NULL);
        if (GSS_ERROR(major)) break;
        if (!out.length) { t.len = 0; break; }
        memcpy(r.buf, out.value, out.length);
        r.len = (uint32_t)out.length;
        gss_release_buffer(&minor, &out);
        if (st == SHIM_OK) break;   /* we were done: its last token came */
        st = step(true, NULL, &cl, "HTTP/localhost", REQ | SHIM_ISC_REQ_MUTUAL_AUTH, &r, &t);
    }
    result(major == GSS_S_COMPLETE && st == SHIM_OK,
           "our Negotiate client (password) to MIT's SPNEGO acceptor (keytab): Kerberos", "major %08x minor %u, ours %08x",
           major, minor, st);
    if (major == GSS_S_COMPLETE && st == SHIM_OK) {
        gss_buffer_desc m = { 5, "hello" }, w = { 0, NULL };
        int conf;
        gss_wrap(&minor, mit, 1, GSS_C_QOP_DEFAULT, &m, &conf, &w);
        struct shim_buffer s[2] = { { (uint32_t)w.length, SHIM_BUFFER_STREAM, w.value }, { 0, SHIM_BUFFER_DATA, NULL } };
        struct shim_buffer_desc sd = { 0, 2, s };
        st = pkg->ops->decrypt(cl, &sd, 0, NULL);
        result(st == SHIM_OK && s[1].cb == 5 && !memcmp(s[1].pv, "hello", 5),
               "our Negotiate client's DecryptMessage opens MIT's gss_wrap", "%08x", st);
        gss_release_buffer(&minor, &w);
    }
    put(&cl);
    if (mit != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &mit, NULL);
    pkg->ops->free_credentials(cc), shim_object_put(cc);
}

int main(int argc, char **argv)
{
    shim_cred *sc = NULL;

    if (argc != 4) {
        fprintf(stderr, "usage: %s REALM PASSWORD ACCOUNTS\n", argv[0]);
        return 2;
    }
    realm = argv[1], password = argv[2];
    setenv("NTLM_USER_FILE", argv[3], 1);
    setvbuf(stdout, NULL, _IOLBF, 0);
    pkg = negotiate_package();
    result(acquire(SHIM_CRED_INBOUND, NULL, NULL, NULL, &sc) == SHIM_OK, "Negotiate server credential", "failed");
    kerberos_cases(sc);
    fallback_cases(sc);
    mit_initiator(sc);
    mit_acceptor();
    pkg->ops->free_credentials(sc), shim_object_put(sc);
    struct handles_stats hs;
    handles_stats(&hs);
    result(hs.live_objects == 0 && sys_tokens_live() == 0, "Negotiate: nothing left behind", "%zu objects, %ld tokens",
           (size_t)hs.live_objects, sys_tokens_live());
    return failures != 0;
}
