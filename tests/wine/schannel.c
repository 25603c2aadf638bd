/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Schannel is not ours: it is delegated to the host secur32.  A credential,
 * the first leg of a TLS handshake (a ClientHello in an allocated token) and
 * the clean-up all work through this DLL's handles. */
#define TEST_NAME "schannel"
#include "test.h"
#include <schannel.h>
#include "sspishim/sspishim.h"

static struct sspishim_stats stats(void)
{
    struct sspishim_stats s;
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    SspiShimGetStatistics(&s);
    return s;
}

static void test_credentials_w(void)
{
    CredHandle cred;
    TimeStamp ts;
    SecPkgCred_SupportedProtocols protos = { 0 };
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Schannel", SECPKG_CRED_OUTBOUND, NULL, NULL,
                                                   NULL, NULL, &cred, &ts);
    ok(st == SEC_E_OK, "AcquireCredentialsHandleW(Schannel): %08lx\n", st);
    if (st != SEC_E_OK) return;
    ok(stats().live_credentials == 1, "live credentials %u\n", stats().live_credentials);
    st = QueryCredentialsAttributesW(&cred, SECPKG_ATTR_SUPPORTED_PROTOCOLS, &protos);
    ok(st == SEC_E_OK, "QueryCredentialsAttributesW(SUPPORTED_PROTOCOLS): %08lx\n", st);
    ok(protos.grbitProtocol != 0, "no protocols\n");

    CtxtHandle ctx;
    SecBuffer out = { 0, SECBUFFER_TOKEN, NULL };
    SecBufferDesc out_desc = { SECBUFFER_VERSION, 1, &out };
    ULONG attrs = 0;
    st = InitializeSecurityContextW(&cred, NULL, (SEC_WCHAR *)L"localhost",
                                    ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_CONFIDENTIALITY | ISC_REQ_STREAM |
                                    ISC_REQ_MANUAL_CRED_VALIDATION, 0, 0, NULL, 0, &ctx, &out_desc, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "InitializeSecurityContextW: %08lx\n", st);
    if (st == SEC_I_CONTINUE_NEEDED) {
        ok(out.cbBuffer > 5 && out.pvBuffer && ((BYTE *)out.pvBuffer)[0] == 0x16,
           "no TLS handshake record: %lu bytes\n", out.cbBuffer);
        ok(attrs & ISC_RET_ALLOCATED_MEMORY, "attributes %#lx lack ALLOCATED_MEMORY\n", attrs);
        ok(stats().live_contexts == 1, "live contexts %u\n", stats().live_contexts);
        ok(FreeContextBuffer(out.pvBuffer) == SEC_E_OK, "FreeContextBuffer of the host's token failed\n");
        SecPkgContext_StreamSizes sizes;
        st = QueryContextAttributesW(&ctx, SECPKG_ATTR_STREAM_SIZES, &sizes);
        trace("QueryContextAttributesW(STREAM_SIZES) before the handshake: %08lx\n", st);
        /* Delegated packages cannot be exported: a clean error, and a
         * refused DELETE_OLD leaves the handle alive. */
        SecBuffer packed = { 0, 0, NULL };
        HANDLE token = (HANDLE)0xdead;
        st = ExportSecurityContext(&ctx, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &packed, &token);
        ok(st == SEC_E_UNSUPPORTED_FUNCTION, "ExportSecurityContext of a Schannel context: %08lx\n", st);
        ok(!packed.pvBuffer && !token, "a failed export returned %p, token %p\n", packed.pvBuffer, token);
        ok(DeleteSecurityContext(&ctx) == SEC_E_OK, "DeleteSecurityContext failed\n");
        ok(DeleteSecurityContext(&ctx) == SEC_E_INVALID_HANDLE, "second DeleteSecurityContext accepted\n");
    }
    ok(FreeCredentialsHandle(&cred) == SEC_E_OK, "FreeCredentialsHandle failed\n");
    struct sspishim_stats s = stats();
    ok(s.live_credentials == 0 && s.live_contexts == 0 && s.live_objects == 0,
       "left behind: %u credentials, %u contexts, %u objects\n", s.live_credentials, s.live_contexts,
       s.live_objects);
}

/* The A entry point passes SCHANNEL_CRED through untouched: only identity
 * structures are converted. */
static void test_credentials_a(void)
{
    SCHANNEL_CRED sc;
    CredHandle cred;
    TimeStamp ts;
    memset(&sc, 0, sizeof(sc));
    sc.dwVersion = SCHANNEL_CRED_VERSION;
    sc.grbitEnabledProtocols = SP_PROT_TLS1_2_CLIENT;
    sc.dwFlags = SCH_CRED_NO_DEFAULT_CREDS | SCH_CRED_MANUAL_CRED_VALIDATION;
    SECURITY_STATUS st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)"Microsoft Unified Security Protocol Provider",
                                                   SECPKG_CRED_OUTBOUND, NULL, &sc, NULL, NULL, &cred, &ts);
    ok(st == SEC_E_OK, "AcquireCredentialsHandleA(UNISP, SCHANNEL_CRED): %08lx\n", st);
    if (st == SEC_E_OK) {
        SecPkgCred_SupportedProtocols protos = { 0 };
        ok(QueryCredentialsAttributesA(&cred, SECPKG_ATTR_SUPPORTED_PROTOCOLS, &protos) == SEC_E_OK,
           "QueryCredentialsAttributesA failed\n");
        ok(protos.grbitProtocol == SP_PROT_TLS1_2_CLIENT, "protocols %#lx: the SCHANNEL_CRED was not passed\n",
           protos.grbitProtocol);
        FreeCredentialsHandle(&cred);
    }
    st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)"NoSuchPackage", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL,
                                   &cred, &ts);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "unknown package: %08lx\n", st);
    st = AcquireCredentialsHandleW(NULL, NULL, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred, &ts);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "NULL package: %08lx\n", st);
}

/* Many handles at once, freed in another order. */
static void test_many(void)
{
    enum { N = 200 };
    static CredHandle creds[N];
    TimeStamp ts;
    int got = 0;
    for (int i = 0; i < N; i++)
        got += AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Schannel", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
                                         NULL, &creds[i], &ts) == SEC_E_OK;
    ok(got == N, "acquired %d of %d\n", got, N);
    ok(stats().live_credentials == N, "live credentials %u\n", stats().live_credentials);
    int freed = 0;
    for (int i = N - 1; i >= 0; i -= 2) freed += FreeCredentialsHandle(&creds[i]) == SEC_E_OK;
    for (int i = 0; i < N; i += 2) freed += FreeCredentialsHandle(&creds[i]) == SEC_E_OK;
    ok(freed == N, "freed %d of %d\n", freed, N);
    ok(stats().live_objects == 0, "live objects %u\n", stats().live_objects);
}

/* Schannel judges its own arguments, as on Windows (Wine's schannel tests
 * record Windows' answers): the wrapper neither pre-empts it nor lets it
 * crash on what would crash it. */
static void test_package_checks(void)
{
    SCHANNEL_CRED sc;
    CredHandle cred;
    TimeStamp ts;
    SECURITY_STATUS st;
    SEC_WCHAR *unisp = (SEC_WCHAR *)UNISP_NAME_W;

    st = AcquireCredentialsHandleW(NULL, unisp, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred, &ts);
    ok(st == SEC_E_OK, "AcquireCredentialsHandleW: %08lx\n", st);
    if (st == SEC_E_OK) {
        st = QueryCredentialsAttributesW(&cred, SECPKG_ATTR_SUPPORTED_PROTOCOLS, NULL);
        ok(st == SEC_E_INTERNAL_ERROR, "SUPPORTED_PROTOCOLS into NULL: %08lx\n", st);
        st = QueryCredentialsAttributesA(&cred, SECPKG_ATTR_SUPPORTED_ALGS, NULL);
        ok(st == SEC_E_INTERNAL_ERROR, "SUPPORTED_ALGS into NULL (A): %08lx\n", st);
        FreeCredentialsHandle(&cred);
    }
    /* a bad SCHANNEL_CRED version is the package's error, even with
     * nowhere to put a handle */
    memset(&sc, 0, sizeof(sc));
    st = AcquireCredentialsHandleW(NULL, unisp, SECPKG_CRED_OUTBOUND, NULL, &sc, NULL, NULL, NULL, NULL);
    ok(st == SEC_E_INTERNAL_ERROR || st == SEC_E_UNKNOWN_CREDENTIALS, "version 0, no handle: %08lx\n", st);
    st = AcquireCredentialsHandleW(NULL, unisp, SECPKG_CRED_INBOUND, NULL, &sc, NULL, NULL, NULL, NULL);
    ok(st == SEC_E_INTERNAL_ERROR || st == SEC_E_UNKNOWN_CREDENTIALS, "version 0, inbound, no handle: %08lx\n", st);
    /* good arguments but no handle: Windows and Wine's builtin crash */
    sc.dwVersion = SCHANNEL_CRED_VERSION;
    st = AcquireCredentialsHandleW(NULL, unisp, SECPKG_CRED_OUTBOUND, NULL, &sc, NULL, NULL, NULL, NULL);
    ok(st == SEC_E_INVALID_HANDLE, "no handle for a good credential: %08lx\n", st);
    ok(stats().live_credentials == 0, "a credential with no handle was kept\n");
    /* a count with no array: Windows and Wine's builtin crash */
    sc.cCreds = 1;
    st = AcquireCredentialsHandleW(NULL, unisp, SECPKG_CRED_OUTBOUND, NULL, &sc, NULL, NULL, &cred, &ts);
    ok(st == SEC_E_UNKNOWN_CREDENTIALS, "cCreds 1, paCred NULL: %08lx\n", st);
    sc.cCreds = 0;
    sc.cSupportedAlgs = 2;
    st = AcquireCredentialsHandleW(NULL, unisp, SECPKG_CRED_OUTBOUND, NULL, &sc, NULL, NULL, &cred, &ts);
    ok(st == SEC_E_UNKNOWN_CREDENTIALS, "cSupportedAlgs 2, palgSupportedAlgs NULL: %08lx\n", st);
}

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    test_package_checks();
    test_credentials_w();
    test_credentials_a();
    test_many();
}
