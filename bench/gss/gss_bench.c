/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The peer: gss-ntlmssp through MIT GSSAPI, native, doing what sspi_bench.exe
 * does through this DLL under Wine, so the two can be compared.  NTLM
 * loopback (initiator and acceptor in this process) with the accounts file
 * of NTLM_USER_FILE, user alice / DOMAIN / Password1.
 *   gss_bench calib      the raw sealing loop (bench/raw_seal.h), natively:
 *                        against sspi_bench's, it shows what Wine costs
 *   gss_bench export     gss_export_sec_context + gss_import_sec_context
 *   gss_bench seal       gss_wrap (confidentiality) + gss_unwrap
 *   gss_bench handshake  full handshakes, one and two threads */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "../bench.h"
#include "../raw_seal.h"

/* gss-ntlmssp's mechanism: 1.3.6.1.4.1.311.2.2.10 (NTLMSSP). */
static gss_OID_desc ntlm_oid = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };

static void gss_check(const char *what, OM_uint32 maj, OM_uint32 min, OM_uint32 want)
{
    OM_uint32 m2, ctx = 0;
    gss_buffer_desc a = GSS_C_EMPTY_BUFFER, b = GSS_C_EMPTY_BUFFER;

    if (maj == want) return;
    gss_display_status(&m2, maj, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &a);
    ctx = 0;
    gss_display_status(&m2, min, GSS_C_MECH_CODE, &ntlm_oid, &ctx, &b);
    bench_fail("%s: %.*s (%.*s)\n", what, (int)a.length, (char *)a.value, (int)b.length, (char *)b.value);
}

struct creds {
    gss_cred_id_t client, server;
    gss_name_t target;
};

static void creds_acquire(struct creds *c)
{
    gss_OID_set_desc mechs = { 1, &ntlm_oid };
    gss_buffer_desc user = { 12, (void *)"DOMAIN\\alice" }, password = { 9, (void *)"Password1" };
    gss_buffer_desc target = { 14, (void *)"host@localhost" };
    gss_name_t name;
    OM_uint32 maj, min;

    maj = gss_import_name(&min, &user, GSS_C_NT_USER_NAME, &name);
    gss_check("gss_import_name(user)", maj, min, GSS_S_COMPLETE);
    maj = gss_acquire_cred_with_password(&min, name, &password, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
                                         &c->client, NULL, NULL);
    gss_check("gss_acquire_cred_with_password", maj, min, GSS_S_COMPLETE);
    gss_release_name(&min, &name);
    maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT, &c->server, NULL, NULL);
    gss_check("gss_acquire_cred(accept)", maj, min, GSS_S_COMPLETE);
    maj = gss_import_name(&min, &target, GSS_C_NT_HOSTBASED_SERVICE, &c->target);
    gss_check("gss_import_name(target)", maj, min, GSS_S_COMPLETE);
}

static void creds_free(struct creds *c)
{
    OM_uint32 min;
    gss_release_cred(&min, &c->client);
    gss_release_cred(&min, &c->server);
    gss_release_name(&min, &c->target);
}

struct session {
    gss_ctx_id_t client, server;
};

#define FLAGS (GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG)

/* NEGOTIATE, CHALLENGE, AUTHENTICATE, as sspi_bench's session_establish. */
static void session_establish(const struct creds *c, struct session *s)
{
    gss_buffer_desc neg, chal, auth, fin;
    OM_uint32 maj, min;

    s->client = s->server = GSS_C_NO_CONTEXT;
    maj = gss_init_sec_context(&min, c->client, &s->client, c->target, &ntlm_oid, FLAGS, 0, NULL,
                               GSS_C_NO_BUFFER, NULL, &neg, NULL, NULL);
    gss_check("gss_init_sec_context(1)", maj, min, GSS_S_CONTINUE_NEEDED);
    maj = gss_accept_sec_context(&min, &s->server, c->server, &neg, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &chal,
                                 NULL, NULL, NULL);
    gss_check("gss_accept_sec_context(1)", maj, min, GSS_S_CONTINUE_NEEDED);
    maj = gss_init_sec_context(&min, c->client, &s->client, c->target, &ntlm_oid, FLAGS, 0, NULL, &chal, NULL,
                               &auth, NULL, NULL);
    gss_check("gss_init_sec_context(2)", maj, min, GSS_S_COMPLETE);
    maj = gss_accept_sec_context(&min, &s->server, c->server, &auth, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &fin,
                                 NULL, NULL, NULL);
    gss_check("gss_accept_sec_context(2)", maj, min, GSS_S_COMPLETE);
    gss_release_buffer(&min, &neg);
    gss_release_buffer(&min, &chal);
    gss_release_buffer(&min, &auth);
    gss_release_buffer(&min, &fin);
}

static void session_delete(struct session *s)
{
    OM_uint32 min;
    gss_delete_sec_context(&min, &s->client, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&min, &s->server, GSS_C_NO_BUFFER);
}

/* ---- benchmark 1: export and import --------------------------------------------- */

/* gss_export_sec_context consumes the context; importing the token gives
 * it back: the round trip sspi_bench's rt cases make. */
static void rt_once(gss_ctx_id_t *ctx, size_t *size)
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

static void rt_run(void *p, long iters)
{
    for (long i = 0; i < iters; i++) rt_once(p, NULL);
}

static void wrap_pair(struct session *s, void *data, size_t len)
{
    gss_buffer_desc in = { len, data }, wrapped, out;
    OM_uint32 maj, min;
    int conf = 0;

    maj = gss_wrap(&min, s->client, 1, GSS_C_QOP_DEFAULT, &in, &conf, &wrapped);
    gss_check("gss_wrap", maj, min, GSS_S_COMPLETE);
    if (!conf) bench_fail("gss_wrap did not encrypt\n");
    maj = gss_unwrap(&min, s->server, &wrapped, &out, &conf, NULL);
    gss_check("gss_unwrap", maj, min, GSS_S_COMPLETE);
    if (out.length != len || memcmp(out.value, data, len)) bench_fail("gss_unwrap gave other data\n");
    gss_release_buffer(&min, &wrapped);
    gss_release_buffer(&min, &out);
}

static void bench_export(void)
{
    struct creds c;
    struct session s;
    size_t size;
    char text[] = "still the same session";

    creds_acquire(&c);
    session_establish(&c, &s);
    rt_once(&s.client, &size);
    bench_value("export.gss.size.client", (double)size, "bytes");
    rt_once(&s.server, &size);
    bench_value("export.gss.size.server", (double)size, "bytes");
    struct raw_ref ref;
    struct bench_case cases[] = {
        { "export.gss.ref", raw_seal_run, raw_ref_init(&ref), 0, { 0 } },
        { "export.gss.rt.client", rt_run, &s.client, 0, { 0 } },
        { "export.gss.rt.server", rt_run, &s.server, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    wrap_pair(&s, text, sizeof(text));
    session_delete(&s);
    creds_free(&c);
}

/* ---- benchmark 2: sealing --------------------------------------------------------- */

struct wrap_arg {
    struct session *s;
    uint8_t *data;
    size_t len;
};

static void wrap_run(void *p, long iters)
{
    struct wrap_arg *a = p;
    for (long i = 0; i < iters; i++) wrap_pair(a->s, a->data, a->len);
}

static void bench_seal(void)
{
    static const size_t sizes[] = { 64, 1024, 65536 };
    static uint8_t buf[65536], raw_buf[65536];
    struct creds c;
    struct session s;

    creds_acquire(&c);
    session_establish(&c, &s);
    for (int i = 0; i < 3; i++) {
        char raw_id[64], gss_id[64];
        struct raw_seal r;
        struct wrap_arg a = { &s, buf, sizes[i] };
        for (size_t k = 0; k < sizes[i]; k++) buf[k] = (uint8_t)k;
        snprintf(raw_id, sizeof(raw_id), "seal.gss_raw.%u", (unsigned)sizes[i]);
        snprintf(gss_id, sizeof(gss_id), "seal.gss.%u", (unsigned)sizes[i]);
        raw_seal_init(&r, raw_buf, sizes[i]);
        struct bench_case cases[] = {
            { raw_id, raw_seal_run, &r, 0, { 0 } },
            { gss_id, wrap_run, &a, 0, { 0 } },
        };
        BENCH_COMPARE(cases);
    }
    session_delete(&s);
    creds_free(&c);
}

/* ---- benchmark 3: handshakes ------------------------------------------------------ */

static void handshakes(void *p, long n)
{
    for (long i = 0; i < n; i++) {
        struct session s;
        session_establish(p, &s);
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
        { "handshake.gss.ref", raw_seal_run, raw_ref_init(&ref), 0, { 0 } },
        { "handshake.gss.1", handshakes, &c, 0, { 0 } },
        { "handshake.gss.2", bench_workers_run, &workers, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    bench_workers_stop(&workers);
    creds_free(&c);
}


int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (!getenv("NTLM_USER_FILE")) bench_fail("NTLM_USER_FILE is not set\n");
    if (!strcmp(mode, "calib")) raw_seal_calibrate("native");
    else if (!strcmp(mode, "export")) bench_export();
    else if (!strcmp(mode, "seal")) bench_seal();
    else if (!strcmp(mode, "handshake")) bench_handshake();
    else bench_fail("usage: gss_bench calib|export|seal|handshake\n");
    return 0;
}
