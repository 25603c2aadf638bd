/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark 1: ExportSecurityContext + ImportSecurityContextW round trips
 * of an established NTLM context, and the packed context's size.
 *   rt.client   export, import, DeleteSecurityContext of the old handle,
 *               FreeContextBuffer of the blob; the new handle carries on.
 *               What gss_export_sec_context + gss_import_sec_context do.
 *   rt.server   the same for the server context with its token handed over
 *               (Export's token out, Import's token in, CloseHandle): the
 *               hand-off the DLL exists for.
 *   export / import   the two halves of rt.client alone.
 *   aead        ChaCha20-Poly1305 seal + open of a payload of the client
 *               blob's size, alone: the envelope's share of rt.client. */
#include "sspi_bench.h"
#include "../raw_aead.h"
#include "../raw_seal.h"

struct rt_arg {
    CtxtHandle ctx;
    BOOL with_token;
};

static void export_blob(CtxtHandle *ctx, SecBuffer *blob, HANDLE *token)
{
    ST_CHECK(sspi->ExportSecurityContext(ctx, 0, blob, token), SEC_E_OK);
}

static void rt_run(void *p, long iters)
{
    struct rt_arg *a = p;
    for (long i = 0; i < iters; i++) {
        SecBuffer blob;
        HANDLE token = NULL;
        CtxtHandle next;
        export_blob(&a->ctx, &blob, a->with_token ? &token : NULL);
        ST_CHECK(sspi->ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, token, &next), SEC_E_OK);
        if (token) CloseHandle(token);
        ST_CHECK(sspi->DeleteSecurityContext(&a->ctx), SEC_E_OK);
        ST_CHECK(sspi->FreeContextBuffer(blob.pvBuffer), SEC_E_OK);
        a->ctx = next;
    }
}

static void export_run(void *p, long iters)
{
    struct rt_arg *a = p;
    for (long i = 0; i < iters; i++) {
        SecBuffer blob;
        export_blob(&a->ctx, &blob, NULL);
        ST_CHECK(sspi->FreeContextBuffer(blob.pvBuffer), SEC_E_OK);
    }
}

struct import_arg {
    SecBuffer blob;
};

static void import_run(void *p, long iters)
{
    struct import_arg *a = p;
    for (long i = 0; i < iters; i++) {
        CtxtHandle ctx;
        ST_CHECK(sspi->ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &a->blob, NULL, &ctx), SEC_E_OK);
        ST_CHECK(sspi->DeleteSecurityContext(&ctx), SEC_E_OK);
    }
}

/* The contexts that went round and round still talk to each other. */
static void check_pair(CtxtHandle *client, CtxtHandle *server)
{
    char text[] = "still the same session", copy[sizeof(text)];
    struct sealed m;

    memcpy(copy, text, sizeof(text));
    sealed_init(&m, copy, sizeof(copy));
    ST_CHECK(sspi->EncryptMessage(client, 0, &m.d, 0), SEC_E_OK);
    ST_CHECK(sspi->DecryptMessage(server, &m.d, 0, NULL), SEC_E_OK);
    if (memcmp(copy, text, sizeof(text))) bench_fail("imported contexts do not agree\n");
}

void bench_export(void)
{
    struct creds c;
    struct session s, s2;
    struct rt_arg client = { { 0 }, FALSE }, server = { { 0 }, TRUE }, only = { { 0 }, FALSE };
    struct import_arg imp;
    struct raw_ref ref;
    struct raw_aead aead;
    HANDLE token = NULL;

    creds_acquire(&c);
    session_establish(&c, &s);
    session_establish(&c, &s2);
    client.ctx = s.client;
    server.ctx = s.server;
    only.ctx = s2.client;

    export_blob(&client.ctx, &imp.blob, NULL);
    bench_value("export.sspi.size.client", imp.blob.cbBuffer, "bytes");
    raw_aead_init(&aead, imp.blob.cbBuffer, 4);
    {
        SecBuffer sb;
        export_blob(&server.ctx, &sb, &token);
        bench_value("export.sspi.size.server", sb.cbBuffer, "bytes");
        if (!token) bench_fail("the server context exported no token\n");
        CloseHandle(token);
        sspi->FreeContextBuffer(sb.pvBuffer);
    }

    struct bench_case cases[] = {
        { "export.sspi.ref", raw_seal_run, raw_ref_init(&ref), 0, { 0 } },
        { "export.sspi.rt.client", rt_run, &client, 0, { 0 } },
        { "export.sspi.rt.server", rt_run, &server, 0, { 0 } },
        { "export.sspi.export.client", export_run, &only, 0, { 0 } },
        { "export.sspi.import.client", import_run, &imp, 0, { 0 } },
        { "export.sspi.aead", raw_aead_run, &aead, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    if (aead.failures) bench_fail("the AEAD loop failed to open its own blobs\n");

    check_pair(&client.ctx, &server.ctx);
    sspi->FreeContextBuffer(imp.blob.pvBuffer);
    ST_CHECK(sspi->DeleteSecurityContext(&client.ctx), SEC_E_OK);
    ST_CHECK(sspi->DeleteSecurityContext(&server.ctx), SEC_E_OK);
    session_delete(&s2);
    creds_free(&c);
}
