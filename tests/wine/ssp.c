/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Third-party security packages through this DLL: provider DLLs named in
 * the SecurityProviders registry value (a child process, which reads it as
 * it starts) and added at run time with AddSecurityPackage are enumerated,
 * dispatched and deleted like the DLL's own; providers that fail to load or
 * hand back a broken table are skipped with a warning, never a crash.
 * The providers are variants of tests/wine/ssp/fakessp.c, next to this
 * program. */
#define TEST_NAME "ssp"
#include "test.h"
#include <stdlib.h>
#include "sspishim/sspishim.h"

static const WCHAR providers_key[] = L"SYSTEM\\CurrentControlSet\\Control\\SecurityProviders";
static const char broken_list[] = "nosuchssp.dll, ssp_null.dll, ssp_badver.dll, ssp_noenum.dll, ssp_noinit.dll, notadll.dll";

typedef void (WINAPI *live_fn)(LONG *creds, LONG *ctxs, LONG *bufs);

/* What the provider still holds: -1s when it is not loaded. */
static void provider_live(const char *dll, LONG *creds, LONG *ctxs, LONG *bufs)
{
    HMODULE m = GetModuleHandleA(dll);
    live_fn fn = m ? (live_fn)(void *)GetProcAddress(m, "FakeSspLive") : NULL;
    *creds = *ctxs = *bufs = -1;
    if (fn) fn(creds, ctxs, bufs);
}

static int listed(const WCHAR *name)
{
    ULONG count = 0;
    PSecPkgInfoW info = NULL;
    int n = 0;
    if (EnumerateSecurityPackagesW(&count, &info) != SEC_E_OK) return -1;
    for (ULONG i = 0; i < count; i++) n += !lstrcmpiW(info[i].Name, name);
    FreeContextBuffer(info);
    return n;
}

static void init_desc(SecBufferDesc *d, SecBuffer *b, ULONG n)
{
    d->ulVersion = SECBUFFER_VERSION;
    d->cBuffers = n;
    d->pBuffers = b;
}

struct slow_call {
    CtxtHandle ctx;
    SECURITY_STATUS st;
};

static DWORD WINAPI slow_encrypt(void *arg)
{
    struct slow_call *c = arg;
    char data[] = "SLOW message", sig[16];
    SecBuffer b[2] = { { sizeof(data), SECBUFFER_DATA, data }, { sizeof(sig), SECBUFFER_TOKEN, sig } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    c->st = EncryptMessage(&c->ctx, 0, &d, 0);
    return 0;
}

/* DeleteSecurityContext while another thread is inside EncryptMessage on
 * the same context: the caller's handle dies at once, but the provider's
 * DeleteSecurityContext waits for the running call to return. */
static void delete_during_call(const WCHAR *pkg, const char *dll, CtxtHandle *ctx)
{
    HMODULE m = GetModuleHandleA(dll);
    LONG (WINAPI *violations)(void) = m ? (void *)GetProcAddress(m, "FakeSspViolations") : NULL;
    struct slow_call call = { *ctx, 0xdeadbeef };
    LONG c, x, b, x_before;
    if (!violations) {
        skip("%s has no FakeSspViolations\n", dll);
        return;
    }
    provider_live(dll, &c, &x_before, &b);
    HANDLE t = CreateThread(NULL, 0, slow_encrypt, &call, 0, NULL);
    Sleep(100);    /* the thread is inside the provider's EncryptMessage */
    SECURITY_STATUS st = DeleteSecurityContext(ctx);
    ok(st == SEC_E_OK, "%ls: DeleteSecurityContext during a call: %08lx\n", pkg, st);
    st = DeleteSecurityContext(ctx);
    ok(st == SEC_E_INVALID_HANDLE, "%ls: the handle outlived its deletion: %08lx\n", pkg, st);
    provider_live(dll, &c, &x, &b);
    ok(x == x_before, "%ls: the provider's context went while its call ran (%ld -> %ld)\n", pkg, x_before, x);
    WaitForSingleObject(t, 10000);
    CloseHandle(t);
    ok(call.st == SEC_E_OK, "%ls: the running EncryptMessage: %08lx\n", pkg, call.st);
    ok(violations() == 0, "%ls: the provider saw %ld deletions under a running call\n", pkg, violations());
    provider_live(dll, &c, &x, &b);
    ok(x == x_before - 1, "%ls: the provider's context was not deleted after the call (%ld -> %ld)\n", pkg,
       x_before, x);
}

/* A whole conversation through the provider's package: credentials (one of
 * them through the A entry point), the handshake, signing and sealing both
 * ways, the slots the provider leaves empty, and everything released. */
static void use_package(const WCHAR *pkg, const char *pkg_a, const char *dll, BOOL v1)
{
    CredHandle ccred, scred;
    CtxtHandle cctx, sctx;
    TimeStamp ts;
    ULONG attrs;
    SECURITY_STATUS st;
    char tokbuf[64], sig[16], data[] = "a message for the fake package";
    SecBuffer in_b[1], out_b[1], msg_b[2];
    SecBufferDesc in, out, msg;
    LONG c, x, b;

    st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)pkg, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &ccred, &ts);
    ok(st == SEC_E_OK, "%ls: AcquireCredentialsHandleW: %08lx\n", pkg, st);
    if (st != SEC_E_OK) return;
    st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkg_a, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &scred, &ts);
    ok(st == SEC_E_OK, "%s: AcquireCredentialsHandleA: %08lx\n", pkg_a, st);
    if (st != SEC_E_OK) { FreeCredentialsHandle(&ccred); return; }
    ok(ccred.dwUpper != 0xfa4e && scred.dwUpper != 0xfa4e, "the provider's own handle reached the caller\n");

    /* leg 1: the provider allocates the token from its private heap; the
     * caller frees it with this DLL's FreeContextBuffer */
    out_b[0].BufferType = SECBUFFER_TOKEN; out_b[0].cbBuffer = 0; out_b[0].pvBuffer = NULL;
    init_desc(&out, out_b, 1);
    st = InitializeSecurityContextW(&ccred, NULL, (SEC_WCHAR *)L"target", ISC_REQ_ALLOCATE_MEMORY, 0,
                                    SECURITY_NATIVE_DREP, NULL, 0, &cctx, &out, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "%ls: first InitializeSecurityContextW: %08lx\n", pkg, st);
    ok(out_b[0].cbBuffer == 10 && out_b[0].pvBuffer && !memcmp(out_b[0].pvBuffer, "FAKE-HELLO", 10),
       "%ls: first token %lu bytes\n", pkg, out_b[0].cbBuffer);
    memcpy(tokbuf, out_b[0].pvBuffer ? out_b[0].pvBuffer : "", out_b[0].cbBuffer < 64 ? out_b[0].cbBuffer : 0);
    in_b[0] = out_b[0];
    in_b[0].pvBuffer = tokbuf;
    ok(FreeContextBuffer(out_b[0].pvBuffer) == SEC_E_OK, "FreeContextBuffer of a provider's token failed\n");

    /* leg 2: into the caller's buffer */
    char reply[64];
    init_desc(&in, in_b, 1);
    out_b[0].BufferType = SECBUFFER_TOKEN; out_b[0].cbBuffer = sizeof(reply); out_b[0].pvBuffer = reply;
    st = AcceptSecurityContext(&scred, NULL, &in, 0, SECURITY_NATIVE_DREP, &sctx, &out, &attrs, &ts);
    ok(st == SEC_E_OK, "%ls: AcceptSecurityContext: %08lx\n", pkg, st);
    ok(out_b[0].cbBuffer == 12 && !memcmp(reply, "FAKE-WELCOME", 12), "%ls: reply %lu bytes\n", pkg, out_b[0].cbBuffer);
    in_b[0].cbBuffer = out_b[0].cbBuffer;
    in_b[0].pvBuffer = reply;
    out_b[0].cbBuffer = sizeof(tokbuf); out_b[0].pvBuffer = tokbuf;
    st = InitializeSecurityContextW(NULL, &cctx, (SEC_WCHAR *)L"target", 0, 0, SECURITY_NATIVE_DREP, &in, 0,
                                    &cctx, &out, &attrs, &ts);
    ok(st == SEC_E_OK, "%ls: second InitializeSecurityContextW: %08lx\n", pkg, st);
    ok(attrs & ISC_RET_CONFIDENTIALITY, "%ls: attributes %#lx\n", pkg, attrs);

    SecPkgContext_Sizes sizes;
    st = QueryContextAttributesW(&cctx, SECPKG_ATTR_SIZES, &sizes);
    ok(st == SEC_E_OK && sizes.cbMaxSignature == 8, "%ls: sizes: %08lx, max signature %lu\n", pkg, st,
       sizes.cbMaxSignature);
    SecPkgContext_NamesW names;
    st = QueryContextAttributesW(&cctx, SECPKG_ATTR_NAMES, &names);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "%ls: the provider's answer to NAMES: %08lx\n", pkg, st);

    /* signing, client to server; an altered message is caught */
    msg_b[0].BufferType = SECBUFFER_DATA; msg_b[0].cbBuffer = sizeof(data); msg_b[0].pvBuffer = data;
    msg_b[1].BufferType = SECBUFFER_TOKEN; msg_b[1].cbBuffer = sizeof(sig); msg_b[1].pvBuffer = sig;
    init_desc(&msg, msg_b, 2);
    st = MakeSignature(&cctx, 0, &msg, 0);
    ok(st == SEC_E_OK, "%ls: MakeSignature: %08lx\n", pkg, st);
    st = VerifySignature(&sctx, &msg, 0, NULL);
    ok(st == SEC_E_OK, "%ls: VerifySignature: %08lx\n", pkg, st);
    st = MakeSignature(&cctx, 0, &msg, 1);
    data[0] ^= 1;
    st = VerifySignature(&sctx, &msg, 1, NULL);
    ok(st == SEC_E_MESSAGE_ALTERED, "%ls: an altered message: %08lx\n", pkg, st);
    data[0] ^= 1;

    /* sealing, server to client */
    char plain[sizeof(data)];
    memcpy(plain, data, sizeof(data));
    msg_b[1].cbBuffer = sizeof(sig);
    st = EncryptMessage(&sctx, 0, &msg, 0);
    ok(st == SEC_E_OK && memcmp(data, plain, sizeof(data)), "%ls: EncryptMessage: %08lx\n", pkg, st);
    st = DecryptMessage(&cctx, &msg, 0, NULL);
    ok(st == SEC_E_OK && !memcmp(data, plain, sizeof(data)), "%ls: DecryptMessage: %08lx\n", pkg, st);

    /* slots the provider leaves empty, or that its table's version lacks */
    st = ImpersonateSecurityContext(&sctx);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "%ls: ImpersonateSecurityContext: %08lx\n", pkg, st);
    st = CompleteAuthToken(&cctx, &msg);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "%ls: CompleteAuthToken: %08lx\n", pkg, st);
    ULONG flag = 1;
    st = SetContextAttributesW(&cctx, SECPKG_ATTR_SIZES, &flag, sizeof(flag));
    ok(st == (v1 ? SEC_E_UNSUPPORTED_FUNCTION : SEC_E_OK), "%ls: SetContextAttributesW (version %d table): %08lx\n",
       pkg, v1 ? 1 : 4, st);
    SecBuffer packed;
    HANDLE token;
    st = ExportSecurityContext(&sctx, 0, &packed, &token);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "%ls: ExportSecurityContext: %08lx\n", pkg, st);

    /* made-up handles never reach the provider */
    CtxtHandle bogus = { 0, 0xfa4e };
    bogus.dwLower = cctx.dwLower;
    ok(DeleteSecurityContext(&bogus) == SEC_E_INVALID_HANDLE, "a made-up handle was accepted\n");

    ok(DeleteSecurityContext(&cctx) == SEC_E_OK, "%ls: DeleteSecurityContext (client) failed\n", pkg);
    delete_during_call(pkg, dll, &sctx);
    ok(FreeCredentialsHandle(&ccred) == SEC_E_OK, "%ls: FreeCredentialsHandle failed\n", pkg);
    ok(FreeCredentialsHandle(&scred) == SEC_E_OK, "%ls: FreeCredentialsHandle failed\n", pkg);
    provider_live(dll, &c, &x, &b);
    ok(c == 0 && x == 0 && b == 0, "%s still holds %ld credentials, %ld contexts, %ld buffers\n", dll, c, x, b);
}

static WCHAR *read_providers(void)
{
    DWORD size = 0;
    if (RegGetValueW(HKEY_LOCAL_MACHINE, providers_key, L"SecurityProviders", RRF_RT_REG_SZ, NULL, NULL, &size))
        return NULL;
    WCHAR *v = calloc(1, size + 2);
    if (v && RegGetValueW(HKEY_LOCAL_MACHINE, providers_key, L"SecurityProviders", RRF_RT_REG_SZ, NULL, v, &size)) {
        free(v);
        return NULL;
    }
    return v;
}

static void write_providers(const WCHAR *value)
{
    HKEY key;
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, providers_key, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL)) {
        ok(0, "cannot open the SecurityProviders key\n");
        return;
    }
    if (value)
        RegSetValueExW(key, L"SecurityProviders", 0, REG_SZ, (const BYTE *)value,
                       (DWORD)((lstrlenW(value) + 1) * sizeof(WCHAR)));
    else
        RegDeleteValueW(key, L"SecurityProviders");
    RegCloseKey(key);
}

/* ---- registered in the registry (child process) ------------------------ */

static void child_registry(void)
{
    ok(listed(L"FakeSSP") == 1, "FakeSSP from SecurityProviders listed %d times\n", listed(L"FakeSSP"));
    ok(listed(L"BadVersionSSP") == 0, "a version-99 table was registered\n");
    ok(listed(L"NoEnumSSP") == 0, "a table without EnumerateSecurityPackagesW was registered\n");
    ok(listed(L"NTLM") == 1, "NTLM listed %d times\n", listed(L"NTLM"));
    use_package(L"FakeSSP", "FakeSSP", "fakessp.dll", FALSE);

    ok(DeleteSecurityPackageW((LPWSTR)L"NTLM") == SEC_E_UNSUPPORTED_FUNCTION, "this DLL's own NTLM was deletable\n");
    ok(listed(L"NTLM") == 1, "NTLM gone after a refused deletion\n");
    ok(DeleteSecurityPackageW((LPWSTR)L"NoSuchPackage") == SEC_E_SECPKG_NOT_FOUND, "deleting an unknown package\n");
    ok(DeleteSecurityPackageW(NULL) == SEC_E_SECPKG_NOT_FOUND, "deleting NULL\n");

    /* a credential outlives its package's deletion */
    CredHandle cred;
    TimeStamp ts;
    PSecPkgInfoW info;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"FakeSSP", SECPKG_CRED_OUTBOUND, NULL, NULL,
                                                   NULL, NULL, &cred, &ts);
    ok(st == SEC_E_OK, "AcquireCredentialsHandleW: %08lx\n", st);
    ok(DeleteSecurityPackageW((LPWSTR)L"FakeSSP") == SEC_E_OK, "DeleteSecurityPackageW(FakeSSP) failed\n");
    ok(listed(L"FakeSSP") == 0, "FakeSSP still listed after deletion\n");
    CredHandle cred2;
    st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"FakeSSP", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &cred2, &ts);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "a deleted package gave credentials: %08lx\n", st);
    st = QuerySecurityPackageInfoW((SEC_WCHAR *)L"FakeSSP", &info);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "QuerySecurityPackageInfoW of a deleted package: %08lx\n", st);
    ok(FreeCredentialsHandle(&cred) == SEC_E_OK, "the older credential could not be freed\n");
    LONG c, x, b;
    provider_live("fakessp.dll", &c, &x, &b);
    ok(c == 0, "fakessp.dll still holds %ld credentials\n", c);
}

/* Runs this program as a child with SecurityProviders set; its output is
 * passed on and its counts added to ours.  The trace goes to tracefile. */
static void run_child(const char *self, const char *tracefile)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE rd, wr;
    char cmd[MAX_PATH + 32];
    if (!CreatePipe(&rd, &wr, &sa, 0)) { ok(0, "CreatePipe: %lu\n", GetLastError()); return; }
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    PROCESS_INFORMATION pi;
    snprintf(cmd, sizeof(cmd), "\"%s\" registry", self);
    DeleteFileA(tracefile);
    SetEnvironmentVariableA("SSPISHIM_DEBUG", "warn");
    SetEnvironmentVariableA("SSPISHIM_DEBUG_FILE", tracefile);
    BOOL started = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    SetEnvironmentVariableA("SSPISHIM_DEBUG", NULL);
    SetEnvironmentVariableA("SSPISHIM_DEBUG_FILE", NULL);
    CloseHandle(wr);
    ok(started, "CreateProcess: %lu\n", GetLastError());
    if (!started) { CloseHandle(rd); return; }

    size_t len = 0, cap = 4096;
    char *text = malloc(cap);
    DWORD got;
    while (text && ReadFile(rd, text + len, (DWORD)(cap - len - 1), &got, NULL) && got) {
        len += got;
        if (cap - len < 512 && !(text = realloc(text, cap *= 2))) break;
    }
    CloseHandle(rd);
    DWORD code = 1;
    WaitForSingleObject(pi.hProcess, 60000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    if (!text) return;
    text[len] = 0;

    long n = -1, f = 0, s = 0;
    for (char *line = strtok(text, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        if (sscanf(line, TEST_NAME ": %ld tests executed (0 marked as todo, %ld failures), %ld skipped.", &n, &f, &s) == 3)
            continue;
        printf("child: %s\n", line);
    }
    free(text);
    ok(n > 0, "the child printed no summary (exit code %lu): it crashed\n", code);
    if (n > 0) {
        /* the child's ok() calls count as ours */
        InterlockedExchangeAdd(&test_executed, n);
        InterlockedExchangeAdd(&test_failures, f);
        InterlockedExchangeAdd(&test_skipped, s);
    }
}

static char *read_file(const char *path)
{
    HANDLE h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return calloc(1, 1);
    DWORD size = GetFileSize(h, NULL), got = 0;
    char *t = calloc(1, size + 1);
    if (t) ReadFile(h, t, size, &got, NULL);
    CloseHandle(h);
    return t;
}

static void test_registry(const char *self, const char *tracefile)
{
    WCHAR value[512];
    swprintf(value, 512, L"fakessp.dll, %hs", broken_list);
    write_providers(value);
    run_child(self, tracefile);
    char *trace_text = read_file(tracefile);
    static const char *const expect[] = {
        "\"nosuchssp.dll\": cannot load",
        "\"ssp_null.dll\": no function table; skipped",
        "\"ssp_badver.dll\": function table version 99 unknown; skipped",
        "\"ssp_noenum.dll\": function table lacks EnumerateSecurityPackagesW",
        "\"ssp_noinit.dll\": no InitSecurityInterfaceW; skipped",
        "\"notadll.dll\": cannot load",
    };
    for (size_t i = 0; trace_text && i < sizeof(expect) / sizeof(expect[0]); i++)
        ok(strstr(trace_text, expect[i]) != NULL, "no warning %s in the trace:\n%s\n", expect[i], trace_text);
    free(trace_text);
    DeleteFileA(tracefile);
}

/* ---- added at run time ------------------------------------------------- */

static void test_runtime(void)
{
    static const char *const broken[] = { "nosuchssp.dll", "ssp_null.dll", "ssp_badver.dll", "ssp_noenum.dll",
                                          "ssp_noinit.dll", "notadll.dll", "secur32.dll" };
    SECURITY_STATUS st;
    for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        st = AddSecurityPackageA((LPSTR)broken[i], NULL);
        ok(st == SEC_E_SECPKG_NOT_FOUND, "AddSecurityPackageA(%s): %08lx\n", broken[i], st);
    }
    ok(AddSecurityPackageW(NULL, NULL) == SEC_E_SECPKG_NOT_FOUND, "AddSecurityPackageW(NULL) accepted\n");
    SECURITY_PACKAGE_OPTIONS opts;
    memset(&opts, 0, sizeof(opts));
    opts.Size = 1;
    st = AddSecurityPackageW((LPWSTR)L"fakessp.dll", &opts);
    ok(st == SEC_E_INVALID_PARAMETER, "a short options size: %08lx\n", st);

    ok(listed(L"FakeSSP") == 0, "FakeSSP listed before it was added\n");
    st = AddSecurityPackageW((LPWSTR)L"fakessp.dll", NULL);
    ok(st == SEC_E_OK, "AddSecurityPackageW(fakessp.dll): %08lx\n", st);
    ok(listed(L"FakeSSP") == 1, "FakeSSP listed %d times\n", listed(L"FakeSSP"));
    st = AddSecurityPackageW((LPWSTR)L"fakessp.dll", NULL);
    ok(st == SEC_E_OK, "adding fakessp.dll again: %08lx\n", st);
    ok(listed(L"FakeSSP") == 1, "FakeSSP listed %d times after a second add\n", listed(L"FakeSSP"));
    PSecPkgInfoA info;
    st = QuerySecurityPackageInfoA((SEC_CHAR *)"fakessp", &info);
    ok(st == SEC_E_OK && !strcmp(info->Name, "FakeSSP") && info->cbMaxToken == 64,
       "QuerySecurityPackageInfoA(fakessp): %08lx\n", st);
    if (st == SEC_E_OK) FreeContextBuffer(info);
    use_package(L"FakeSSP", "FakeSSP", "fakessp.dll", FALSE);

    st = AddSecurityPackageA((LPSTR)"ssp_v1.dll", NULL);
    ok(st == SEC_E_OK, "AddSecurityPackageA(ssp_v1.dll): %08lx\n", st);
    use_package(L"FakeSSPv1", "FakeSSPv1", "ssp_v1.dll", TRUE);

    /* by the DLL's name: all its packages go, others stay */
    st = DeleteSecurityPackageA((LPSTR)"FAKESSP.DLL");
    ok(st == SEC_E_OK, "DeleteSecurityPackageA(FAKESSP.DLL): %08lx\n", st);
    ok(listed(L"FakeSSP") == 0 && listed(L"FakeSSPv1") == 1, "deleting by DLL name removed the wrong packages\n");
    ok(DeleteSecurityPackageA((LPSTR)"fakessp.dll") == SEC_E_SECPKG_NOT_FOUND, "deleted twice\n");
    ok(DeleteSecurityPackageW((LPWSTR)L"fakesspv1") == SEC_E_OK, "DeleteSecurityPackageW(fakesspv1) failed\n");

    /* SECPKG_OPTIONS_PERMANENT: into the registry for the next process */
    opts.Size = sizeof(opts);
    opts.Type = SECPKG_OPTIONS_TYPE_SSPI;
    opts.Flags = SECPKG_OPTIONS_PERMANENT;
    st = AddSecurityPackageW((LPWSTR)L"fakessp.dll", &opts);
    ok(st == SEC_E_OK, "AddSecurityPackageW(fakessp.dll, PERMANENT): %08lx\n", st);
    ok(listed(L"FakeSSP") == 1, "FakeSSP not back after a new add\n");
    WCHAR *v = read_providers();
    ok(v && wcsstr(v, L"fakessp.dll"), "SecurityProviders after a permanent add: %ls\n", v ? v : L"(none)");
    free(v);
    ok(AddSecurityPackageW((LPWSTR)L"fakessp.dll", &opts) == SEC_E_OK, "a second permanent add failed\n");
    v = read_providers();
    int times = 0;
    for (WCHAR *p = v; p && (p = wcsstr(p, L"fakessp.dll")); p++) times++;
    ok(times == 1, "fakessp.dll listed %d times: %ls\n", times, v ? v : L"(none)");
    free(v);
}

/* The host (Wine's builtin) goes through the same wrapper: its table says
 * version 1, so slots past that are not read.  Wine 8 leaves garbage where
 * SetCredentialsAttributesW would be; it must not be called. */
static void test_host_table(void)
{
    CredHandle cred;
    TimeStamp ts;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Schannel", SECPKG_CRED_OUTBOUND, NULL, NULL,
                                                   NULL, NULL, &cred, &ts);
    if (st != SEC_E_OK) {
        skip("no Schannel credential from the host: %08lx\n", st);
        return;
    }
    PSecurityFunctionTableW t = InitSecurityInterfaceW();
    ULONG value = 0;
    st = t->SetCredentialsAttributesW(&cred, 0x58 /* SECPKG_ATTR_SUPPORTED_PROTOCOLS */, &value, sizeof(value));
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "SetCredentialsAttributesW past the host's table: %08lx\n", st);
    ok(FreeCredentialsHandle(&cred) == SEC_E_OK, "FreeCredentialsHandle (Schannel) failed\n");
}

static void run_tests(int argc, char **argv)
{
    char self[MAX_PATH], dir[MAX_PATH], path[MAX_PATH], tracefile[MAX_PATH];
    if (argc > 1 && !strcmp(argv[1], "registry")) {
        child_registry();
        return;
    }
    GetModuleFileNameA(NULL, self, sizeof(self));
    strcpy(dir, self);
    *strrchr(dir, '\\') = 0;
    snprintf(path, sizeof(path), "%s\\fakessp.dll", dir);
    if (GetFileAttributesA(path) == INVALID_FILE_ATTRIBUTES) {
        skip("fakessp.dll is not next to this program\n");
        return;
    }
    /* a file by a DLL's name that is no DLL */
    snprintf(path, sizeof(path), "%s\\notadll.dll", dir);
    HANDLE h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD n;
    WriteFile(h, "not a DLL\n", 10, &n, NULL);
    CloseHandle(h);
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "ssp", 0, tracefile);

    WCHAR *saved = read_providers();
    test_registry(self, tracefile);
    write_providers(saved);   /* before this process reads it */
    test_runtime();
    write_providers(saved);
    test_host_table();
    free(saved);
    DeleteFileA(path);
}
