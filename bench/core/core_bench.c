/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The same benchmarks on the native core, without Wine: the NTLM package
 * driven through its ops table and the handle table as the DLL's
 * dispatcher drives them (tests/unit/ntlm_session.h does the same for the
 * unit tests).  It is the program to profile with perf, and the difference
 * between its figures and sspi_bench.exe's is what Wine and the Win32 layer
 * cost.  Native tokens are placeholders (core/platform/posix.c), so a
 * server context costs no kernel object here.
 *   core_bench export|seal|handshake|prims */
#include "../bench.h"
#include "../raw_aead.h"
#include "../raw_openssl.h"
#include "../raw_seal.h"
#include "sspishim/context_export.h"
#include "sspishim/crypto_rc4_md5.h"
#include "sspishim/handles.h"
#include "sspishim/ntlm.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

static const struct shim_package *pkg;

#define ST_CHECK(expr, want) do {                                                    \
        shim_status st_ = (expr);                                                    \
        if (st_ != (shim_status)(want))                                              \
            bench_fail("%s:%d: %s = %08x, want %08x\n", __FILE__, __LINE__, #expr,    \
                       (unsigned)st_, (unsigned)(want));                             \
    } while (0)

static const shim_wchar *w(const char *s, shim_wchar *out)
{
    size_t i;
    for (i = 0; s[i]; i++) out[i] = (unsigned char)s[i];
    out[i] = 0;
    return out;
}

/* ---- credentials and handshakes, as the dispatcher does them ----------------------- */

struct creds {
    shim_cred *client, *server;
};

static void creds_acquire(struct creds *c)
{
    static shim_wchar user[8], domain[8], password[16];
    struct shim_auth_identity_w id = { (shim_wchar *)w("alice", user), 5, (shim_wchar *)w("DOMAIN", domain), 6,
                                       (shim_wchar *)w("Password1", password), 9, SHIM_AUTH_IDENTITY_UNICODE };
    int64_t expiry;

    ST_CHECK(pkg->ops->acquire_credentials(pkg, NULL, SHIM_CRED_OUTBOUND, NULL, &id, NULL, NULL, &c->client,
                                           &expiry), SHIM_OK);
    ST_CHECK(pkg->ops->acquire_credentials(pkg, NULL, SHIM_CRED_INBOUND, NULL, NULL, NULL, NULL, &c->server,
                                           &expiry), SHIM_OK);
}

static void creds_free(struct creds *c)
{
    pkg->ops->free_credentials(c->client);
    shim_object_put(c->client);
    pkg->ops->free_credentials(c->server);
    shim_object_put(c->server);
}

struct session {
    struct shim_handle client, server;
};

#define REQ (SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_REPLAY_DETECT | \
             SHIM_ISC_REQ_SEQUENCE_DETECT | SHIM_ISC_REQ_CONNECTION)

/* One leg: a new context goes into the handle table, a later leg looks its
 * handle up, as context_call in dlls/secur32/sspi.c. */
static shim_status leg(int client, shim_cred *cred, struct shim_handle *h, uint8_t *in, uint32_t in_len,
                       uint8_t *out, uint32_t *out_len)
{
    static shim_wchar target[32];
    struct shim_buffer ib = { in_len, SHIM_BUFFER_TOKEN, in }, ob = { *out_len, SHIM_BUFFER_TOKEN, out };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call call = { .req = REQ, .datarep = SHIM_NATIVE_DREP, .input = in ? &id : NULL,
                                  .output = &od, .target = target[0] ? target : w("host/localhost", target) };
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

static void session_establish(struct creds *c, struct session *s)
{
    uint8_t a[2048], b[2048];
    uint32_t alen = sizeof(a), blen = sizeof(b);

    ST_CHECK(leg(1, c->client, &s->client, NULL, 0, a, &alen), SHIM_I_CONTINUE_NEEDED);
    ST_CHECK(leg(0, c->server, &s->server, a, alen, b, &blen), SHIM_I_CONTINUE_NEEDED);
    alen = sizeof(a);
    ST_CHECK(leg(1, NULL, &s->client, b, blen, a, &alen), SHIM_OK);
    blen = sizeof(b);
    ST_CHECK(leg(0, NULL, &s->server, a, alen, b, &blen), SHIM_OK);
}

static void ctx_delete(struct shim_handle *h)
{
    struct shim_object *obj;
    ST_CHECK(handles_remove(h, SHIM_KIND_CTXT, &obj), SHIM_OK);
    pkg->ops->delete_context(obj);
    shim_object_put(obj);
}

static void session_delete(struct session *s)
{
    ctx_delete(&s->client);
    ctx_delete(&s->server);
}

/* ---- benchmark 3: handshakes ------------------------------------------------------ */

static void handshakes(void *p, long n)
{
    struct creds *c = p;
    for (long i = 0; i < n; i++) {
        struct session s;
        session_establish(c, &s);
        session_delete(&s);
    }
}

static void bench_handshake(void)
{
    struct bench_workers workers;
    struct creds c;

    creds_acquire(&c);
    bench_workers_start(&workers, handshakes, &c);
    struct raw_ref ref;
    struct bench_case cases[] = {
        { "handshake.core.ref", raw_seal_run, raw_ref_init(&ref), 0, { 0 } },
        { "handshake.core.1", handshakes, &c, 0, { 0 } },
        { "handshake.core.2", bench_workers_run, &workers, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    bench_workers_stop(&workers);
    creds_free(&c);
}

/* ---- benchmark 1: export and import ------------------------------------------------- */

static void export_blob(struct shim_handle *h, struct shim_buffer *blob)
{
    struct shim_object *obj = handles_get(h, SHIM_KIND_CTXT);
    if (!obj) bench_fail("lost a handle\n");
    ST_CHECK(context_export(obj, 0, blob, NULL), SHIM_OK);
    shim_object_put(obj);
}

static void import_blob(struct shim_buffer *blob, struct shim_handle *h)
{
    static shim_wchar name[8];
    shim_ctx *obj;
    ST_CHECK(context_import(name[0] ? name : w("NTLM", name), blob, NULL, &obj), SHIM_OK);
    ST_CHECK(handles_insert(obj, h), SHIM_OK);
}

static void rt_run(void *p, long iters)
{
    struct shim_handle *h = p;
    for (long i = 0; i < iters; i++) {
        struct shim_buffer blob;
        struct shim_handle next;
        export_blob(h, &blob);
        import_blob(&blob, &next);
        ctx_delete(h);
        sys_caller_free(blob.pv);
        *h = next;
    }
}

static void export_run(void *p, long iters)
{
    for (long i = 0; i < iters; i++) {
        struct shim_buffer blob;
        export_blob(p, &blob);
        sys_caller_free(blob.pv);
    }
}

static void import_run(void *p, long iters)
{
    for (long i = 0; i < iters; i++) {
        struct shim_handle h;
        import_blob(p, &h);
        ctx_delete(&h);
    }
}

static void bench_export(void)
{
    struct creds c;
    struct session s, s2;
    struct shim_buffer blob;
    struct raw_aead aead;

    creds_acquire(&c);
    session_establish(&c, &s);
    session_establish(&c, &s2);
    export_blob(&s.client, &blob);
    bench_value("core.export.size.client", blob.cb, "bytes");
    raw_aead_init(&aead, blob.cb, 4);
    struct raw_ref ref;
    struct bench_case cases[] = {
        { "export.core.ref", raw_seal_run, raw_ref_init(&ref), 0, { 0 } },
        { "export.core.rt.client", rt_run, &s.client, 0, { 0 } },
        { "export.core.rt.server", rt_run, &s.server, 0, { 0 } },
        { "export.core.export.client", export_run, &s2.client, 0, { 0 } },
        { "export.core.import.client", import_run, &blob, 0, { 0 } },
        { "export.core.aead", raw_aead_run, &aead, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    sys_caller_free(blob.pv);
    session_delete(&s);
    session_delete(&s2);
    creds_free(&c);
}

/* ---- benchmark 2: sealing --------------------------------------------------------- */

struct seal_arg {
    struct session *s;
    uint8_t *data;
    uint32_t len;
};

static void seal_run(void *p, long iters)
{
    struct seal_arg *a = p;
    struct shim_object *client = handles_get(&a->s->client, SHIM_KIND_CTXT);
    struct shim_object *server = handles_get(&a->s->server, SHIM_KIND_CTXT);

    for (long i = 0; i < iters; i++) {
        uint8_t sig[16];
        struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, sig }, { a->len, SHIM_BUFFER_DATA, a->data } };
        struct shim_buffer_desc d = { 0, 2, b };
        ST_CHECK(pkg->ops->encrypt(client, 0, &d, 0), SHIM_OK);
        ST_CHECK(pkg->ops->decrypt(server, &d, 0, NULL), SHIM_OK);
    }
    shim_object_put(client);
    shim_object_put(server);
}

static void bench_seal(void)
{
    static const uint32_t sizes[] = { 64, 1024, 65536 };
    static uint8_t buf[65536], raw_buf[65536], ossl_buf[65536];
    struct creds c;
    struct session s;

    creds_acquire(&c);
    session_establish(&c, &s);
    for (int i = 0; i < 3; i++) {
        char raw_id[64], core_id[64], ossl_id[64];
        struct raw_seal r;
        struct raw_openssl o;
        struct seal_arg a = { &s, buf, sizes[i] };
        snprintf(raw_id, sizeof(raw_id), "seal.core_raw.%u", sizes[i]);
        snprintf(core_id, sizeof(core_id), "seal.core.%u", sizes[i]);
        snprintf(ossl_id, sizeof(ossl_id), "seal.openssl.%u", sizes[i]);
        raw_seal_init(&r, raw_buf, sizes[i]);
        raw_openssl_init(&o, ossl_buf, sizes[i]);
        struct bench_case cases[] = {
            { raw_id, raw_seal_run, &r, 0, { 0 } },
            { core_id, seal_run, &a, 0, { 0 } },
            { ossl_id, raw_openssl_run, &o, 0, { 0 } },
        };
        BENCH_COMPARE(cases);
        if (r.mismatches || o.mismatches) bench_fail("raw loops: %u, %u mismatches\n", r.mismatches, o.mismatches);
        raw_openssl_free(&o);
    }
    session_delete(&s);
    creds_free(&c);
}

/* ---- the sealing primitives alone, against OpenSSL's ------------------------------ */

/* 64 KiB through each, in turns: RC4, MD5, and RC4 + MD5 over the same
 * bytes as two passes and as the stitched one (what sealing runs). */
struct prim_arg {
    struct crypto_rc4 rc4;
    EVP_CIPHER_CTX *ossl_rc4;
    EVP_MD *ossl_md5;
    uint8_t *buf;
};

#define PRIM_LEN 65536

static void prim_rc4(void *p, long n)
{
    struct prim_arg *a = p;
    for (long i = 0; i < n; i++) crypto_rc4_crypt(&a->rc4, a->buf, a->buf, PRIM_LEN);
}

static void prim_rc4_openssl(void *p, long n)
{
    struct prim_arg *a = p;
    for (long i = 0; i < n; i++) raw_openssl_crypt(a->ossl_rc4, a->buf, PRIM_LEN);
}

static void prim_md5(void *p, long n)
{
    struct prim_arg *a = p;
    uint8_t d[16];
    for (long i = 0; i < n; i++) crypto_md5(a->buf, PRIM_LEN, d);
}

static void prim_md5_openssl(void *p, long n)
{
    struct prim_arg *a = p;
    uint8_t d[16];
    unsigned dl;
    for (long i = 0; i < n; i++)
        if (EVP_Digest(a->buf, PRIM_LEN, d, &dl, a->ossl_md5, NULL) != 1) bench_fail("OpenSSL: MD5 failed\n");
}

static void prim_separate(void *p, long n)
{
    struct prim_arg *a = p;
    struct crypto_md5 m;
    uint8_t d[16];
    for (long i = 0; i < n; i++) {
        crypto_md5_init(&m);
        crypto_md5_update(&m, a->buf, PRIM_LEN);
        crypto_rc4_crypt(&a->rc4, a->buf, a->buf, PRIM_LEN);
        crypto_md5_final(&m, d);
    }
}

static void prim_stitched(void *p, long n)
{
    struct prim_arg *a = p;
    struct crypto_md5 m;
    uint8_t d[16];
    for (long i = 0; i < n; i++) {
        crypto_md5_init(&m);
        crypto_rc4_md5_seal(&a->rc4, &m, a->buf, a->buf, PRIM_LEN);
        crypto_md5_final(&m, d);
    }
}

static void bench_prims(void)
{
    static uint8_t buf[PRIM_LEN];
    static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    struct prim_arg a = { .buf = buf };

    raw_openssl_providers();
    crypto_rc4_init(&a.rc4, key, sizeof(key));
    a.ossl_rc4 = raw_openssl_rc4(key);
    if (!(a.ossl_md5 = EVP_MD_fetch(NULL, "MD5", NULL))) bench_fail("OpenSSL: no MD5\n");
    struct bench_case cases[] = {
        { "prim.rc4.core", prim_rc4, &a, 0, { 0 } },
        { "prim.rc4.openssl", prim_rc4_openssl, &a, 0, { 0 } },
        { "prim.md5.core", prim_md5, &a, 0, { 0 } },
        { "prim.md5.openssl", prim_md5_openssl, &a, 0, { 0 } },
        { "prim.rc4md5.separate", prim_separate, &a, 0, { 0 } },
        { "prim.rc4md5.stitched", prim_stitched, &a, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    EVP_CIPHER_CTX_free(a.ossl_rc4);
    EVP_MD_free(a.ossl_md5);
}

/* ---- for perf: one operation alone, for about three seconds ---------------------------- */

static void bench_profile(const char *what)
{
    struct creds c;
    struct session s;
    uint8_t buf[1024];
    uint64_t t0 = bench_now();
    long n = 0;

    creds_acquire(&c);
    session_establish(&c, &s);
    struct seal_arg sa = { &s, buf, sizeof(buf) };
    do {
        if (!strcmp(what, "export")) rt_run(&s.client, 1000);
        else if (!strcmp(what, "handshake")) handshakes(&c, 100);
        else if (!strcmp(what, "seal")) seal_run(&sa, 1000);
        else bench_fail("profile export|handshake|seal\n");
        n++;
    } while (bench_ns(bench_now() - t0) < 3e9);
    session_delete(&s);
    creds_free(&c);
    bench_note("profile", "%s: %ld batches", what, n);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    pkg = ntlm_package();
    registry_add(pkg);
    if (!strcmp(mode, "export")) bench_export();
    else if (!strcmp(mode, "seal")) bench_seal();
    else if (!strcmp(mode, "handshake")) bench_handshake();
    else if (!strcmp(mode, "prims")) bench_prims();
    else if (!strcmp(mode, "profile")) bench_profile(argc > 2 ? argv[2] : "");
    else bench_fail("usage: core_bench export|seal|handshake|prims|profile export|handshake|seal\n");
    return 0;
}
