/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every export that takes a credential or context handle, given a made-up,
 * freed or wrong-kind handle, returns SEC_E_INVALID_HANDLE and the process
 * keeps working.  (Wine's builtin crashes on each of these.)  Calls go
 * through GetProcAddress by export name, so aliases such as SealMessage are
 * exercised as exported. */
#define TEST_NAME "badhandle"
#include "test.h"
#include "sspishim/sspishim.h"

static HMODULE dll;
#define FN(type, name) ((type)(void *)GetProcAddress(dll, name))

typedef SECURITY_STATUS (WINAPI *fn_h)(PSecHandle);
typedef SECURITY_STATUS (WINAPI *fn_h_ul_ptr)(PSecHandle, ULONG, void *);
typedef SECURITY_STATUS (WINAPI *fn_h_ul_ptr_ul)(PSecHandle, ULONG, void *, ULONG);
typedef SECURITY_STATUS (WINAPI *fn_h_desc)(PSecHandle, PSecBufferDesc);
typedef SECURITY_STATUS (WINAPI *fn_h_ptr)(PSecHandle, void *);
typedef SECURITY_STATUS (WINAPI *fn_h_ul_desc_ul)(PSecHandle, ULONG, PSecBufferDesc, ULONG);
typedef SECURITY_STATUS (WINAPI *fn_h_desc_ul_pul)(PSecHandle, PSecBufferDesc, ULONG, ULONG *);
typedef SECURITY_STATUS (WINAPI *fn_export)(PSecHandle, ULONG, PSecBuffer, HANDLE *);
typedef SECURITY_STATUS (WINAPI *fn_isc)(PCredHandle, PCtxtHandle, void *, ULONG, ULONG, ULONG, PSecBufferDesc,
                                         ULONG, PCtxtHandle, PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS (WINAPI *fn_asc)(PCredHandle, PCtxtHandle, PSecBufferDesc, ULONG, ULONG, PCtxtHandle,
                                         PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS (WINAPI *fn_addcred)(PCredHandle, void *, void *, ULONG, void *, void *, void *, PTimeStamp);

/* One call of one export with handle h; kind says which handle it takes. */
struct call {
    const char *name;
    int takes_cred;
    SECURITY_STATUS (*invoke)(const char *name, PSecHandle h);
};

static char buf[256];
static SecBuffer sb[2];
static SecBufferDesc desc = { SECBUFFER_VERSION, 2, sb };

static void reset_buffers(void)
{
    sb[0].BufferType = SECBUFFER_TOKEN; sb[0].cbBuffer = 64; sb[0].pvBuffer = buf;
    sb[1].BufferType = SECBUFFER_DATA;  sb[1].cbBuffer = 64; sb[1].pvBuffer = buf + 64;
}

static SECURITY_STATUS c_h(const char *n, PSecHandle h) { return FN(fn_h, n)(h); }
static SECURITY_STATUS c_query(const char *n, PSecHandle h) { return FN(fn_h_ul_ptr, n)(h, SECPKG_ATTR_SIZES, buf); }
static SECURITY_STATUS c_set(const char *n, PSecHandle h) { return FN(fn_h_ul_ptr_ul, n)(h, 1, buf, 4); }
static SECURITY_STATUS c_desc(const char *n, PSecHandle h) { return FN(fn_h_desc, n)(h, &desc); }
static SECURITY_STATUS c_token(const char *n, PSecHandle h) { HANDLE t; return FN(fn_h_ptr, n)(h, &t); }
static SECURITY_STATUS c_sign(const char *n, PSecHandle h) { return FN(fn_h_ul_desc_ul, n)(h, 0, &desc, 0); }
static SECURITY_STATUS c_verify(const char *n, PSecHandle h) { ULONG q; return FN(fn_h_desc_ul_pul, n)(h, &desc, 0, &q); }
static SECURITY_STATUS c_export(const char *n, PSecHandle h)
{
    SecBuffer out = { 0, 0, NULL };
    HANDLE t = NULL;
    return FN(fn_export, n)(h, 0, &out, &t);
}
static SECURITY_STATUS c_isc_cred(const char *n, PSecHandle h)
{
    CtxtHandle ctx; ULONG attr; TimeStamp ts;
    return FN(fn_isc, n)(h, NULL, NULL, 0, 0, 0, NULL, 0, &ctx, &desc, &attr, &ts);
}
static SECURITY_STATUS c_isc_ctx(const char *n, PSecHandle h)
{
    CtxtHandle ctx; ULONG attr; TimeStamp ts;
    return FN(fn_isc, n)(NULL, h, NULL, 0, 0, 0, &desc, 0, &ctx, &desc, &attr, &ts);
}
static SECURITY_STATUS c_asc_cred(const char *n, PSecHandle h)
{
    CtxtHandle ctx; ULONG attr; TimeStamp ts;
    return FN(fn_asc, n)(h, NULL, &desc, 0, 0, &ctx, &desc, &attr, &ts);
}
static SECURITY_STATUS c_asc_ctx(const char *n, PSecHandle h)
{
    CtxtHandle ctx; ULONG attr; TimeStamp ts;
    return FN(fn_asc, n)(NULL, h, &desc, 0, 0, &ctx, &desc, &attr, &ts);
}
static SECURITY_STATUS c_addcred(const char *n, PSecHandle h)
{
    TimeStamp ts;
    return FN(fn_addcred, n)(h, NULL, n[strlen(n) - 1] == 'A' ? (void *)"Kerberos" : (void *)L"Kerberos",
                             SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, &ts);
}
static SECURITY_STATUS c_setcred_table(const char *n, PSecHandle h)
{
    PSecurityFunctionTableW t = InitSecurityInterfaceW();
    (void)n;
    return t->SetCredentialsAttributesW(h, 1, buf, 4);
}

static const struct call calls[] = {
    { "AcceptSecurityContext", 1, c_asc_cred },
    { "AcceptSecurityContext", 0, c_asc_ctx },
    { "AddCredentialsA", 1, c_addcred },
    { "AddCredentialsW", 1, c_addcred },
    { "ApplyControlToken", 0, c_desc },
    { "CompleteAuthToken", 0, c_desc },
    { "DecryptMessage", 0, c_verify },
    { "DeleteSecurityContext", 0, c_h },
    { "EncryptMessage", 0, c_sign },
    { "ExportSecurityContext", 0, c_export },
    { "FreeCredentialsHandle", 1, c_h },
    { "ImpersonateSecurityContext", 0, c_h },
    { "InitializeSecurityContextA", 1, c_isc_cred },
    { "InitializeSecurityContextA", 0, c_isc_ctx },
    { "InitializeSecurityContextW", 1, c_isc_cred },
    { "InitializeSecurityContextW", 0, c_isc_ctx },
    { "MakeSignature", 0, c_sign },
    { "QueryContextAttributesA", 0, c_query },
    { "QueryContextAttributesW", 0, c_query },
    { "QueryCredentialsAttributesA", 1, c_query },
    { "QueryCredentialsAttributesW", 1, c_query },
    { "QuerySecurityContextToken", 0, c_token },
    { "RevertSecurityContext", 0, c_h },
    { "SaslAcceptSecurityContext", 1, c_asc_cred },
    { "SaslInitializeSecurityContextA", 1, c_isc_cred },
    { "SaslInitializeSecurityContextW", 1, c_isc_cred },
    { "SealMessage", 0, c_sign },
    { "SecDeleteUserModeContext", 0, c_h },
    { "SetContextAttributesA", 0, c_set },
    { "SetContextAttributesW", 0, c_set },
    { "UnsealMessage", 0, c_verify },
    { "VerifySignature", 0, c_verify },
    { "(table) SetCredentialsAttributesW", 1, c_setcred_table },
};
#define N_CALLS (sizeof(calls) / sizeof(calls[0]))

static void check_all(const SecHandle *h, int kind_filter, const char *what)
{
    for (size_t i = 0; i < N_CALLS; i++) {
        if (kind_filter >= 0 && calls[i].takes_cred != kind_filter) continue;
        if (calls[i].name[0] != '(' && !GetProcAddress(dll, calls[i].name)) {
            ok(0, "%s is not exported\n", calls[i].name);
            continue;
        }
        SecHandle copy = *h;
        reset_buffers();
        SECURITY_STATUS st = calls[i].invoke(calls[i].name, &copy);
        ok(st == SEC_E_INVALID_HANDLE, "%s with %s {%#Ix,%#Ix}: got %08lx\n", calls[i].name, what,
           h->dwLower, h->dwUpper, st);
    }
}

static void test_made_up(void)
{
    for (size_t i = 0; i < N_BOGUS; i++) check_all(&bogus_handles[i], -1, "a made-up handle");
    /* NULL handle pointers */
    reset_buffers();
    ok(DeleteSecurityContext(NULL) == SEC_E_INVALID_HANDLE, "DeleteSecurityContext(NULL)\n");
    ok(FreeCredentialsHandle(NULL) == SEC_E_INVALID_HANDLE, "FreeCredentialsHandle(NULL)\n");
    ok(MakeSignature(NULL, 0, &desc, 0) == SEC_E_INVALID_HANDLE, "MakeSignature(NULL)\n");
    CtxtHandle out;
    ok(InitializeSecurityContextW(NULL, NULL, NULL, 0, 0, 0, NULL, 0, &out, NULL, NULL, NULL) == SEC_E_INVALID_HANDLE,
       "InitializeSecurityContextW with neither handle\n");
}

static void test_freed_and_wrong_kind(void)
{
    CredHandle cred;
    TimeStamp ts;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Schannel", SECPKG_CRED_OUTBOUND, NULL,
                                                   NULL, NULL, NULL, &cred, &ts);
    if (st != SEC_E_OK) {
        skip("no Schannel credential from the host (%08lx): no live handle to misuse\n", st);
        return;
    }
    /* a live credential handle passed where a context belongs */
    check_all(&cred, 0, "a credential handle as a context");
    SecHandle saved = cred;
    ok(FreeCredentialsHandle(&cred) == SEC_E_OK, "FreeCredentialsHandle failed\n");
    /* and once freed, nothing accepts it */
    check_all(&saved, -1, "a freed handle");
    ok(FreeCredentialsHandle(&saved) == SEC_E_INVALID_HANDLE, "double free accepted\n");
}

static void test_still_working(void)
{
    ULONG n;
    PSecPkgInfoW info;
    ok(EnumerateSecurityPackagesW(&n, &info) == SEC_E_OK, "the DLL no longer works after bad handles\n");
    FreeContextBuffer(info);
    struct sspishim_stats s;
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    SspiShimGetStatistics(&s);
    ok(s.live_credentials == 0 && s.live_contexts == 0 && s.live_objects == 0,
       "left behind: %u credentials, %u contexts, %u objects\n", s.live_credentials, s.live_contexts,
       s.live_objects);
}

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    dll = GetModuleHandleA("secur32.dll");
    ok(GetProcAddress(dll, "SspiShimVersion") != NULL, "secur32.dll is not sspishim\n");
    test_made_up();
    test_freed_and_wrong_kind();
    test_still_working();
}
