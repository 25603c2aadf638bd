/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kerberos: the core's package through its ops table (as the DLL's
 * dispatcher drives it, natively, tests/kerberos/krb_package.c's way)
 * beside MIT krb5's GSSAPI (libgssapi_krb5), in one process, each case
 * timed in turns with the other (bench/bench.h).  Against the throwaway
 * KDC bench/kerberos.sh starts: KRB5_CONFIG, KRB5_KTNAME (the service's
 * keytab) and the realm's user alice with the password given.
 *
 * Both clients get their TGT from the password in process and keep it,
 * and the service ticket got by the first handshake, in memory (ours in
 * its credential; MIT's gss_acquire_cred_with_password in a MEMORY
 * ccache), so every timed handshake has its service ticket cached.  Both
 * acceptors read the keytab named by KRB5_KTNAME.
 *   krb_bench REALM PASSWORD handshake   client AP-REQ (mutual) + server
 *                                        accept + client AP-REP, both
 *                                        contexts deleted
 *   krb_bench REALM PASSWORD seal        EncryptMessage + DecryptMessage
 *                                        against gss_wrap + gss_unwrap
 *                                        (confidentiality), 64 B..64 KiB
 *   krb_bench REALM PASSWORD export      export + import round trips and
 *                                        blob sizes (ours only where the
 *                                        package has export_context)
 *   krb_bench REALM PASSWORD profile handshake|seal   ours alone, ~3 s
 * Case ids: krb.<what>.ours and krb.<what>.mit[...]; bench_compare's
 * ratio "<mit>/<ours>" is MIT's time over ours, which is our throughput
 * over MIT's. */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "../bench.h"
#include "sspishim/context_export.h"
#include "sspishim/handles.h"
#include "sspishim/kerberos.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

#define SERVICE_SSPI "HTTP/localhost"
#define SERVICE_GSS  "HTTP@localhost"

static const struct shim_package *pkg;
static const char *realm, *password;

#define ST_CHECK(expr, want) do {                                                    \
        shim_status st_ = (expr);                                                    \
        if (st_ != (shim_status)(want))                                              \
            bench_fail("%s:%d: %s = %08x, want %08x\n", __FILE__, __LINE__, #expr,    \
                       (unsigned)st_, (unsigned)(want));                             \
    } while (0)

static shim_wchar *w(const char *s, shim_wchar *out)
{
    size_t i;
    for (i = 0; s[i]; i++) out[i] = (unsigned char)s[i];
    out[i] = 0;
    return out;
}

static void gss_check(const char *what, OM_uint32 maj, OM_uint32 min, OM_uint32 want)
{
    OM_uint32 m2, ctx = 0;
    gss_buffer_desc a = GSS_C_EMPTY_BUFFER, b = GSS_C_EMPTY_BUFFER;

    if (maj == want) return;
    gss_display_status(&m2, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &a);
    ctx = 0;
    gss_display_status(&m2, min, GSS_C_MECH_CODE, (gss_OID)gss_mech_krb5, &ctx, &b);
    bench_fail("%s: %.*s (%.*s)\n", what, (int)a.length, (char *)a.value, (int)b.length, (char *)b.value);
}

/* ---- ours: credentials and the handshake, as the dispatcher makes them ----------- */

struct ours {
    shim_cred *client, *server;
};

static void ours_acquire(struct ours *o)
{
    static shim_wchar user[64], domain[64], pw[128];
    struct shim_auth_identity_w id = { w("alice", user), 5, w(realm, domain), (uint32_t)strlen(realm),
                                       w(password, pw), (uint32_t)strlen(password), SHIM_AUTH_IDENTITY_UNICODE };
    int64_t expiry;

    ST_CHECK(pkg->ops->acquire_credentials(pkg, NULL, SHIM_CRED_OUTBOUND, NULL, &id, NULL, NULL, &o->client,
                                           &expiry), SHIM_OK);
    ST_CHECK(pkg->ops->acquire_credentials(pkg, NULL, SHIM_CRED_INBOUND, NULL, NULL, NULL, NULL, &o->server,
                                           &expiry), SHIM_OK);
}

static void ours_release(struct ours *o)
{
    pkg->ops->free_credentials(o->client);
    shim_object_put(o->client);
    pkg->ops->free_credentials(o->server);
    shim_object_put(o->server);
}

#define REQ (SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_REPLAY_DETECT | \
             SHIM_ISC_REQ_SEQUENCE_DETECT | SHIM_ISC_REQ_CONNECTION | SHIM_ISC_REQ_MUTUAL_AUTH)
#define ASC_REQ (SHIM_ASC_REQ_CONFIDENTIALITY | SHIM_ASC_REQ_INTEGRITY | SHIM_ASC_REQ_REPLAY_DETECT | \
                 SHIM_ASC_REQ_SEQUENCE_DETECT | SHIM_ASC_REQ_CONNECTION)

/* One leg: a new context goes into the handle table, a later leg looks its
 * handle up, as context_call in dlls/secur32/sspi.c. */
static shim_status leg(int client, shim_cred *cred, struct shim_handle *h, uint8_t *in, uint32_t in_len,
                       uint8_t *out, uint32_t *out_len)
{
    static shim_wchar target[32];
    struct shim_buffer ib = { in_len, SHIM_BUFFER_TOKEN, in }, ob = { *out_len, SHIM_BUFFER_TOKEN, out };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call call = { .req = client ? REQ : ASC_REQ, .datarep = SHIM_NATIVE_DREP,
                                  .input = in ? &id : NULL, .output = &od,
                                  .target = client ? (target[0] ? target : w(SERVICE_SSPI, target)) : NULL };
    shim_status st;

    if (cred) {
        shim_object_ref(cred);
        call.cred = cred;
    } else if (!(call.ctx = handles_get(h, SHIM_KIND_CTXT))) {
        bench_fail("lost a handle\n");
    }
    st = client ? pkg->ops->initialize_context(&call) : pkg->ops->accept_context(&call);
    if (st >= 0 && call.new_ctx) ST_CHECK(handles_insert(call.new_ctx, h), SHIM_OK);
    shim_object_put(call.cred);
    shim_object_put(call.ctx);
    *out_len = ob.cb;
    return st;
}

struct ours_session {
    struct shim_handle client, server;
};

static void ours_establish(struct ours *o, struct ours_session *s)
{
    uint8_t req[4096], rep[1024], none[64];
    uint32_t req_len = sizeof(req), rep_len = sizeof(rep), none_len = sizeof(none);

    ST_CHECK(leg(1, o->client, &s->client, NULL, 0, req, &req_len), SHIM_I_CONTINUE_NEEDED);
    ST_CHECK(leg(0, o->server, &s->server, req, req_len, rep, &rep_len), SHIM_OK);
    if (!rep_len) bench_fail("no AP-REP from our acceptor\n");
    ST_CHECK(leg(1, NULL, &s->client, rep, rep_len, none, &none_len), SHIM_OK);
}

static void ours_ctx_delete(struct shim_handle *h)
{
    struct shim_object *obj;
    ST_CHECK(handles_remove(h, SHIM_KIND_CTXT, &obj), SHIM_OK);
    pkg->ops->delete_context(obj);
    shim_object_put(obj);
}

static void ours_session_delete(struct ours_session *s)
{
    ours_ctx_delete(&s->client);
    ours_ctx_delete(&s->server);
}

/* ---- MIT's ----------------------------------------------------------------------- */

struct mit {
    gss_cred_id_t client, server;
    gss_name_t target;
};

static void mit_acquire(struct mit *m)
{
    gss_OID_set_desc mechs = { 1, (gss_OID)gss_mech_krb5 };
    char principal[256];
    gss_buffer_desc user = { 0, principal }, pw = { strlen(password), (void *)password };
    gss_buffer_desc target = { strlen(SERVICE_GSS), (void *)SERVICE_GSS };
    gss_name_t name;
    OM_uint32 maj, min;

    user.length = (size_t)snprintf(principal, sizeof(principal), "alice@%s", realm);
    maj = gss_import_name(&min, &user, GSS_KRB5_NT_PRINCIPAL_NAME, &name);
    gss_check("gss_import_name(alice)", maj, min, GSS_S_COMPLETE);
    maj = gss_acquire_cred_with_password(&min, name, &pw, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &m->client,
                                         NULL, NULL);
    gss_check("gss_acquire_cred_with_password", maj, min, GSS_S_COMPLETE);
    gss_release_name(&min, &name);
    maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT, &m->server, NULL, NULL);
    gss_check("gss_acquire_cred(accept)", maj, min, GSS_S_COMPLETE);
    maj = gss_import_name(&min, &target, GSS_C_NT_HOSTBASED_SERVICE, &m->target);
    gss_check("gss_import_name(target)", maj, min, GSS_S_COMPLETE);
}

static void mit_release(struct mit *m)
{
    OM_uint32 min;
    gss_release_cred(&min, &m->client);
    gss_release_cred(&min, &m->server);
    gss_release_name(&min, &m->target);
}

#define GSS_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG)

struct mit_session {
    gss_ctx_id_t client, server;
};

static void mit_establish(struct mit *m, struct mit_session *s)
{
    gss_buffer_desc req, rep, none;
    OM_uint32 maj, min;

    s->client = s->server = GSS_C_NO_CONTEXT;
    maj = gss_init_sec_context(&min, m->client, &s->client, m->target, (gss_OID)gss_mech_krb5, GSS_FLAGS, 0, NULL,
                               GSS_C_NO_BUFFER, NULL, &req, NULL, NULL);
    gss_check("gss_init_sec_context(1)", maj, min, GSS_S_CONTINUE_NEEDED);
    maj = gss_accept_sec_context(&min, &s->server, m->server, &req, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &rep,
                                 NULL, NULL, NULL);
    gss_check("gss_accept_sec_context", maj, min, GSS_S_COMPLETE);
    maj = gss_init_sec_context(&min, m->client, &s->client, m->target, (gss_OID)gss_mech_krb5, GSS_FLAGS, 0, NULL,
                               &rep, NULL, &none, NULL, NULL);
    gss_check("gss_init_sec_context(2)", maj, min, GSS_S_COMPLETE);
    gss_release_buffer(&min, &req);
    gss_release_buffer(&min, &rep);
    gss_release_buffer(&min, &none);
}

static void mit_session_delete(struct mit_session *s)
{
    OM_uint32 min;
    gss_delete_sec_context(&min, &s->client, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&min, &s->server, GSS_C_NO_BUFFER);
}

/* ---- 1. handshakes ------------------------------------------------------------------ */

static void ours_handshakes(void *p, long n)
{
    for (long i = 0; i < n; i++) {
        struct ours_session s;
        ours_establish(p, &s);
        ours_session_delete(&s);
    }
}

/* MIT's acceptor reads KRB5RCACHETYPE each time it opens its replay cache
 * (once per gss_accept_sec_context), so one process can time it both ways. */
struct mit_hs {
    struct mit *m;
    const char *rcache;     /* "none" or "dfl" (MIT's default, a file in KRB5RCACHEDIR) */
};

static void mit_handshakes(void *p, long n)
{
    struct mit_hs *h = p;
    setenv("KRB5RCACHETYPE", h->rcache, 1);
    for (long i = 0; i < n; i++) {
        struct mit_session s;
        mit_establish(h->m, &s);
        mit_session_delete(&s);
    }
}

static void note_etypes(struct ours *o)
{
    struct ours_session s;
    struct shim_ctx_key_info k;
    struct shim_object *obj;
    char sig[64] = "", enc[64] = "";

    ours_establish(o, &s);
    obj = handles_get(&s.client, SHIM_KIND_CTXT);
    ST_CHECK(pkg->ops->query_context_attributes(obj, SHIM_ATTR_KEY_INFO, &k), SHIM_OK);
    for (int i = 0; k.sEncryptAlgorithmName[i] && i < 63; i++) enc[i] = (char)k.sEncryptAlgorithmName[i];
    for (int i = 0; k.sSignatureAlgorithmName[i] && i < 63; i++) sig[i] = (char)k.sSignatureAlgorithmName[i];
    bench_note("krb.keyinfo", "%s, %u-bit key, checksum %s (%u)", enc, k.KeySize, sig, k.SignatureAlgorithm);
    sys_caller_free(k.sEncryptAlgorithmName);
    sys_caller_free(k.sSignatureAlgorithmName);
    shim_object_put(obj);
    ours_session_delete(&s);
}

static void bench_handshake(void)
{
    struct ours o;
    struct mit m;

    ours_acquire(&o);
    mit_acquire(&m);
    note_etypes(&o);
    struct mit_hs none = { &m, "none" }, file = { &m, "dfl" };
    struct bench_case cases[] = {
        { "krb.handshake.ours", ours_handshakes, &o, 0, { 0 } },
        { "krb.handshake.mit", mit_handshakes, &none, 0, { 0 } },
        { "krb.handshake.mit_rcache", mit_handshakes, &file, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    setenv("KRB5RCACHETYPE", "none", 1);
    mit_release(&m);
    ours_release(&o);
}

/* ---- 2. sealing ---------------------------------------------------------------------- */

struct ours_seal {
    struct ours_session *s;
    uint8_t *data;
    uint32_t len;
};

static void ours_seal_run(void *p, long iters)
{
    struct ours_seal *a = p;
    struct shim_object *client = handles_get(&a->s->client, SHIM_KIND_CTXT);
    struct shim_object *server = handles_get(&a->s->server, SHIM_KIND_CTXT);

    for (long i = 0; i < iters; i++) {
        uint8_t token[64];
        struct shim_buffer b[3] = { { sizeof(token), SHIM_BUFFER_TOKEN, token }, { a->len, SHIM_BUFFER_DATA, a->data },
                                    { 0, SHIM_BUFFER_PADDING, NULL } };
        struct shim_buffer_desc d = { 0, 3, b };
        ST_CHECK(pkg->ops->encrypt(client, 0, &d, 0), SHIM_OK);
        d.count = 2;
        ST_CHECK(pkg->ops->decrypt(server, &d, 0, NULL), SHIM_OK);
    }
    shim_object_put(client);
    shim_object_put(server);
}

struct mit_seal {
    struct mit_session *s;
    uint8_t *data;
    size_t len;
};

static void mit_seal_run(void *p, long iters)
{
    struct mit_seal *a = p;
    for (long i = 0; i < iters; i++) {
        gss_buffer_desc in = { a->len, a->data }, wrapped, out;
        OM_uint32 maj, min;
        int conf = 0;

        maj = gss_wrap(&min, a->s->client, 1, GSS_C_QOP_DEFAULT, &in, &conf, &wrapped);
        gss_check("gss_wrap", maj, min, GSS_S_COMPLETE);
        if (!conf) bench_fail("gss_wrap did not encrypt\n");
        maj = gss_unwrap(&min, a->s->server, &wrapped, &out, &conf, NULL);
        gss_check("gss_unwrap", maj, min, GSS_S_COMPLETE);
        if (out.length != a->len) bench_fail("gss_unwrap gave %zu bytes\n", out.length);
        gss_release_buffer(&min, &wrapped);
        gss_release_buffer(&min, &out);
    }
}

static void bench_seal(void)
{
    static const uint32_t sizes[] = { 64, 1024, 65536 };
    static uint8_t ours_buf[65536], mit_buf[65536], check[65536];
    struct ours o;
    struct mit m;
    struct ours_session os;
    struct mit_session ms;

    ours_acquire(&o);
    mit_acquire(&m);
    ours_establish(&o, &os);
    mit_establish(&m, &ms);
    for (size_t k = 0; k < sizeof(check); k++) check[k] = ours_buf[k] = mit_buf[k] = (uint8_t)(k * 7);
    for (int i = 0; i < 3; i++) {
        char ours_id[64], mit_id[64];
        struct ours_seal a = { &os, ours_buf, sizes[i] };
        struct mit_seal b = { &ms, mit_buf, sizes[i] };
        snprintf(ours_id, sizeof(ours_id), "krb.seal.ours.%u", sizes[i]);
        snprintf(mit_id, sizeof(mit_id), "krb.seal.mit.%u", sizes[i]);
        struct bench_case cases[] = {
            { ours_id, ours_seal_run, &a, 0, { 0 } },
            { mit_id, mit_seal_run, &b, 0, { 0 } },
        };
        BENCH_COMPARE(cases);
        if (memcmp(ours_buf, check, sizes[i])) bench_fail("DecryptMessage did not give the message back\n");
    }
    mit_session_delete(&ms);
    ours_session_delete(&os);
    mit_release(&m);
    ours_release(&o);
}

/* ---- 3. export and import ------------------------------------------------------------ */

/* Ours: ExportSecurityContext's core (context_export: the package's payload
 * in the envelope sealed under the machine key), ImportSecurityContextW's
 * (context_import), the old context deleted and the blob freed: the new
 * handle carries on, as core_bench's NTLM round trip. */
static void ours_rt_once(struct shim_handle *h, uint32_t *size)
{
    static shim_wchar name[16];
    struct shim_object *obj = handles_get(h, SHIM_KIND_CTXT);
    struct shim_buffer blob;
    struct shim_handle next;
    shim_ctx *ctx;

    if (!obj) bench_fail("lost a handle\n");
    ST_CHECK(context_export(obj, 0, &blob, NULL), SHIM_OK);
    shim_object_put(obj);
    if (size) *size = blob.cb;
    ST_CHECK(context_import(name[0] ? name : w("Kerberos", name), &blob, NULL, &ctx), SHIM_OK);
    ST_CHECK(handles_insert(ctx, &next), SHIM_OK);
    ours_ctx_delete(h);
    sys_caller_free(blob.pv);
    *h = next;
}

static void ours_rt_run(void *p, long iters)
{
    for (long i = 0; i < iters; i++) ours_rt_once(p, NULL);
}

/* MIT's export consumes the context and the import gives it back. */
static void mit_rt_once(gss_ctx_id_t *ctx, size_t *size)
{
    gss_buffer_desc token;
    OM_uint32 maj, min;

    maj = gss_export_sec_context(&min, ctx, &token);
    gss_check("gss_export_sec_context", maj, min, GSS_S_COMPLETE);
    if (size) *size = token.length;
    maj = gss_import_sec_context(&min, &token, ctx);
    gss_check("gss_import_sec_context", maj, min, GSS_S_COMPLETE);
    gss_release_buffer(&min, &token);
}

static void mit_rt_run(void *p, long iters)
{
    for (long i = 0; i < iters; i++) mit_rt_once(p, NULL);
}

static void bench_export(void)
{
    struct ours o;
    struct mit m;
    struct ours_session os;
    struct mit_session ms;
    uint32_t osize;
    size_t msize;
    bool ours = pkg->ops->export_context && pkg->ops->import_context;

    ours_acquire(&o);
    mit_acquire(&m);
    ours_establish(&o, &os);
    mit_establish(&m, &ms);
    mit_rt_once(&ms.client, &msize);
    bench_value("krb.export.mit.size.client", (double)msize, "bytes");
    mit_rt_once(&ms.server, &msize);
    bench_value("krb.export.mit.size.server", (double)msize, "bytes");
    if (ours) {
        ours_rt_once(&os.client, &osize);
        bench_value("krb.export.ours.size.client", osize, "bytes");
        ours_rt_once(&os.server, &osize);
        bench_value("krb.export.ours.size.server", osize, "bytes");
        /* Each pair compared alone: bench_compare's ratios are to its first case. */
        struct bench_case client[] = {
            { "krb.export.ours.client", ours_rt_run, &os.client, 0, { 0 } },
            { "krb.export.mit.client", mit_rt_run, &ms.client, 0, { 0 } },
        };
        struct bench_case server[] = {
            { "krb.export.ours.server", ours_rt_run, &os.server, 0, { 0 } },
            { "krb.export.mit.server", mit_rt_run, &ms.server, 0, { 0 } },
        };
        BENCH_COMPARE(client);
        BENCH_COMPARE(server);
    } else {
        bench_note("krb.export.ours", "the Kerberos package has no export_context on this build");
        struct bench_case cases[] = {
            { "krb.export.mit.client", mit_rt_run, &ms.client, 0, { 0 } },
            { "krb.export.mit.server", mit_rt_run, &ms.server, 0, { 0 } },
        };
        BENCH_COMPARE(cases);
    }
    /* Still working contexts after all those round trips. */
    uint8_t text[32] = "still the same session";
    struct ours_seal a = { &os, text, sizeof(text) };
    struct mit_seal b = { &ms, text, sizeof(text) };
    ours_seal_run(&a, 1);
    mit_seal_run(&b, 1);
    mit_session_delete(&ms);
    ours_session_delete(&os);
    mit_release(&m);
    ours_release(&o);
}

/* ---- for perf: ours alone, for about three seconds ------------------------------------- */

static void bench_profile(const char *what)
{
    static uint8_t buf[65536];
    struct ours o;
    struct ours_session s;
    uint64_t t0;
    long n = 0;
    uint32_t len = 1024;

    ours_acquire(&o);
    ours_establish(&o, &s);
    if (!strncmp(what, "seal", 4) && what[4] == ':') len = (uint32_t)atoi(what + 5);
    struct ours_seal a = { &s, buf, len };
    t0 = bench_now();
    do {
        if (!strcmp(what, "handshake")) ours_handshakes(&o, 20);
        else if (!strncmp(what, "seal", 4)) ours_seal_run(&a, 100);
        else bench_fail("profile handshake|seal[:SIZE]\n");
        n++;
    } while (bench_ns(bench_now() - t0) < 3e9);
    ours_session_delete(&s);
    ours_release(&o);
    bench_note("profile", "%s: %ld batches", what, n);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 3 ? argv[3] : "";

    if (argc < 4) bench_fail("usage: krb_bench REALM PASSWORD handshake|seal|export|profile WHAT\n");
    realm = argv[1];
    password = argv[2];
    if (!getenv("KRB5_CONFIG") || !getenv("KRB5_KTNAME")) bench_fail("KRB5_CONFIG and KRB5_KTNAME are not set\n");
    setenv("KRB5RCACHETYPE", "none", 1);
    pkg = kerberos_package();
    registry_add(pkg);
    if (!strcmp(mode, "handshake")) bench_handshake();
    else if (!strcmp(mode, "seal")) bench_seal();
    else if (!strcmp(mode, "export")) bench_export();
    else if (!strcmp(mode, "profile")) bench_profile(argc > 4 ? argv[4] : "");
    else bench_fail("usage: krb_bench REALM PASSWORD handshake|seal|export|profile WHAT\n");
    return 0;
}
