/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bad-input matrix: every export of secur32 (tests/data/secur32-exports
 * .txt) fed what careless and hostile callers pass: NULL pointers where
 * Windows tolerates or rejects them (never where Windows itself crashes,
 * e.g. GetUserNameEx(fmt, NULL, NULL)), made-up, freed and wrong-kind
 * handles, unknown package names, zero and huge sizes, wrong SecBuffer
 * types and counts, and strings that are not terminated within reason:
 * counted strings (identities, buffers, tokens) placed against an
 * inaccessible page with no terminator, so one byte read too far faults,
 * and terminated ones of 64 Ki characters or with bytes the code page
 * lacks.  Every case must end in its documented status (the value Windows
 * gives where Wine's conformance tests or Microsoft's documentation say,
 * otherwise the choice documented next to the code in core/ and
 * dlls/secur32/) and leave the DLL working; the table of cases and results
 * is printed, and afterwards no credential, context, object or token is
 * left behind and a full conversation still works.
 *
 * On x86_64 a crash inside a case is caught (the unhandled-exception
 * filter returns to the case), reported as CRASH in the table, and the
 * matrix goes on; on i686 a crash ends the program, which the runner
 * reports. */
#define TEST_NAME "badinput"
#include "test.h"
#include <ntsecapi.h>
#include <secext.h>
#include <stdlib.h>

#include "ntlm_util.h"

#define REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT | \
             ISC_REQ_CONNECTION)
#define NT_SUCCESS_ ((NTSTATUS)0x00000000)
#define NT_NOT_IMPLEMENTED ((NTSTATUS)0xC0000002)
#define NT_INVALID_HANDLE ((NTSTATUS)0xC0000008)
#define NT_INVALID_PARAMETER ((NTSTATUS)0xC000000D)

static HMODULE dll;
#define FN(type, name) ((type)(void *)GetProcAddress(dll, name))

/* ---- running one case ------------------------------------------------------ */

struct result {
    LONG got;
    int crashed;
    DWORD code;          /* the exception, when crashed */
    DWORD error;         /* GetLastError() after the call */
};

static void *case_jb[5];
static volatile LONG case_active;
static volatile DWORD crash_code;

#ifdef _WIN64
/* Last chance only: exceptions a handler inside Wine or the DLL takes care
 * of never get here, so what arrives is a crash. */
static LONG WINAPI case_filter(EXCEPTION_POINTERS *e)
{
    if (!case_active) return EXCEPTION_CONTINUE_SEARCH;
    case_active = 0;
    crash_code = e->ExceptionRecord->ExceptionCode;
    __builtin_longjmp(case_jb, 1);
}
#endif

#define RUN(r, expr) do {                                              \
        (r).crashed = 0;                                               \
        (r).got = 0;                                                   \
        SetLastError(0xdeadbeef);                                      \
        if (!__builtin_setjmp(case_jb)) {                              \
            case_active = 1;                                           \
            (r).got = (LONG)(expr);                                    \
            case_active = 0;                                           \
        } else {                                                       \
            (r).crashed = 1;                                           \
            (r).code = crash_code;                                     \
        }                                                              \
        (r).error = GetLastError();                                    \
    } while (0)

static const char *status_name(LONG st)
{
    static char buf[8][16];
    static int next;
    switch ((ULONG)st) {
#define N(x) case (ULONG)x: return #x;
    N(SEC_E_OK) N(SEC_I_CONTINUE_NEEDED) N(SEC_E_INSUFFICIENT_MEMORY) N(SEC_E_INVALID_HANDLE)
    N(SEC_E_UNSUPPORTED_FUNCTION) N(SEC_E_INTERNAL_ERROR) N(SEC_E_SECPKG_NOT_FOUND) N(SEC_E_INVALID_TOKEN)
    N(SEC_E_QOP_NOT_SUPPORTED) N(SEC_E_NO_IMPERSONATION) N(SEC_E_LOGON_DENIED) N(SEC_E_UNKNOWN_CREDENTIALS)
    N(SEC_E_NO_CREDENTIALS) N(SEC_E_MESSAGE_ALTERED) N(SEC_E_OUT_OF_SEQUENCE) N(SEC_E_BUFFER_TOO_SMALL)
    N(SEC_E_DECRYPT_FAILURE) N(SEC_E_INVALID_PARAMETER) N(SEC_E_TARGET_UNKNOWN)
    N(NT_NOT_IMPLEMENTED) N(NT_INVALID_HANDLE) N(NT_INVALID_PARAMETER)
#undef N
    }
    snprintf(buf[next % 8], sizeof(buf[0]), "%08lx", (unsigned long)st);
    return buf[next++ % 8];
}

static const char *error_name(DWORD e)
{
    static char buf[8][24];
    static int next;
    switch (e) {
#define N(x) case x: return #x;
    N(ERROR_MORE_DATA) N(ERROR_INVALID_PARAMETER) N(ERROR_NO_SUCH_USER) N(ERROR_NONE_MAPPED)
    N(ERROR_CALL_NOT_IMPLEMENTED) N(ERROR_CANT_ACCESS_DOMAIN_INFO) N(ERROR_NO_SUCH_DOMAIN)
    N(ERROR_ACCESS_DENIED) N(ERROR_NOT_SUPPORTED)
#undef N
    }
    snprintf(buf[next % 8], sizeof(buf[0]), "error %lu", (unsigned long)e);
    return buf[next++ % 8];
}

static int cases, cases_failed;

/* One row of the table, and one test. */
static void row(const char *fn, const char *what, const char *want, const struct result *r, const char *got,
                int pass)
{
    char crash[32];
    if (r->crashed) {
        snprintf(crash, sizeof(crash), "CRASH %08lx", (unsigned long)r->code);
        got = crash;
        pass = 0;
    }
    cases++;
    if (!pass) cases_failed++;
    printf("badinput: %-33s %-50s %-27s %-27s %s\n", fn, what, want, got, pass ? "ok" : "FAILED");
    ok(pass, "%s %s: want %s, got %s\n", fn, what, want, got);
}

/* A status, one of two (want2 == want1 for one). */
static void sec2(const char *fn, const char *what, const struct result *r, LONG want1, LONG want2)
{
    char want[64];
    if (want1 == want2) snprintf(want, sizeof(want), "%s", status_name(want1));
    else snprintf(want, sizeof(want), "%s|%s", status_name(want1), status_name(want2));
    row(fn, what, want, r, status_name(r->got), r->got == want1 || r->got == want2);
}

static void sec(const char *fn, const char *what, const struct result *r, LONG want)
{
    sec2(fn, what, r, want, want);
}

/* A BOOL(EAN) failure with one of two last errors. */
static void fails(const char *fn, const char *what, const struct result *r, DWORD err1, DWORD err2)
{
    char want[64], got[64];
    if (err1 == err2) snprintf(want, sizeof(want), "FALSE, %s", error_name(err1));
    else snprintf(want, sizeof(want), "FALSE, %s|%s", error_name(err1), error_name(err2));
    snprintf(got, sizeof(got), "%s, %s", r->got & 0xff ? "TRUE" : "FALSE", error_name(r->error));
    row(fn, what, want, r, got, !(r->got & 0xff) && (r->error == err1 || r->error == err2));
}

/* A void function: it returns. */
static void returns(const char *fn, const char *what, const struct result *r)
{
    row(fn, what, "returns", r, "returns", 1);
}

/* A condition checked after a case (an output left alone, no leak...). */
static void holds(const char *fn, const char *what, int cond)
{
    struct result r = { 0 };
    row(fn, what, "holds", &r, cond ? "holds" : "does not hold", cond);
}

/* ---- memory against an inaccessible page ---------------------------------------- */

#define EDGES 16
static BYTE *edge_base[EDGES];
static int n_edges;

/* A copy of data[0..n) whose last byte is followed by a PAGE_NOACCESS page. */
static void *edge(const void *data, size_t n)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    SIZE_T page = si.dwPageSize, rw = n ? (n + page - 1) / page * page : page;
    DWORD old;
    BYTE *base = VirtualAlloc(NULL, rw + page, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!base || n_edges == EDGES) return NULL;
    VirtualProtect(base + rw, page, PAGE_NOACCESS, &old);
    edge_base[n_edges++] = base;
    memcpy(base + rw - n, data, n);
    return base + rw - n;
}

static void edges_free(void)
{
    while (n_edges) VirtualFree(edge_base[--n_edges], 0, MEM_RELEASE);
}

/* A terminated string of n characters (64 Ki in the cases below). */
static WCHAR *long_w(size_t n, WCHAR c)
{
    WCHAR *s = malloc((n + 1) * sizeof(WCHAR));
    for (size_t i = 0; i < n; i++) s[i] = c;
    s[n] = 0;
    return s;
}

static char *long_a(size_t n, char c)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = 0;
    return s;
}

#define LONG_NAME 65536

/* ---- fixtures --------------------------------------------------------------------- */

static CredHandle ccred, scred, freed_cred;
static CtxtHandle cctx, sctx, freed_ctx;
static struct sspishim_stats baseline;

/* A client context after its first call, and the NEGOTIATE it sent. */
static SECURITY_STATUS partial_client(CtxtHandle *ctx, BYTE *neg, ULONG *neg_len)
{
    SecBuffer b = { *neg_len, SECBUFFER_TOKEN, neg };
    SecBufferDesc d = { SECBUFFER_VERSION, 1, &b };
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st = InitializeSecurityContextW(&ccred, NULL, (SEC_WCHAR *)L"localhost", REQ, 0,
                                                    SECURITY_NATIVE_DREP, NULL, 0, ctx, &d, &attrs, &ts);
    *neg_len = b.cbBuffer;
    return st;
}

/* A server context after its first call, and the CHALLENGE it sent. */
static SECURITY_STATUS partial_server(CtxtHandle *ctx, const BYTE *neg, ULONG neg_len, BYTE *chal, ULONG *chal_len)
{
    SecBuffer ib = { neg_len, SECBUFFER_TOKEN, (void *)neg }, ob = { *chal_len, SECBUFFER_TOKEN, chal };
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st = AcceptSecurityContext(&scred, NULL, &id, REQ, SECURITY_NATIVE_DREP, ctx, &od, &attrs, &ts);
    *chal_len = ob.cbBuffer;
    return st;
}

static void setup(void)
{
    struct handshake h;
    TimeStamp ts;
    char dir[MAX_PATH];

    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    write_accounts("Domain:User:Password\n");
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);
    baseline = stats();
    ok(client_cred(L"User", L"Domain", L"Password", &ccred) == SEC_E_OK, "client credential\n");
    ok(server_cred(&scred) == SEC_E_OK, "server credential\n");
    ok(handshake(&ccred, &scred, REQ, &h) == SEC_E_OK, "handshake\n");
    cctx = h.client;
    sctx = h.server;
    ok(server_cred(&freed_cred) == SEC_E_OK, "credential to free\n");
    FreeCredentialsHandle(&freed_cred);
    ok(handshake(&ccred, &scred, REQ, &h) == SEC_E_OK, "handshake\n");
    freed_ctx = h.client;
    DeleteSecurityContext(&h.client);
    DeleteSecurityContext(&h.server);
    (void)ts;
}

/* ---- package information ------------------------------------------------------------ */

static void test_packages(void)
{
    struct result r;
    ULONG n;
    PSecPkgInfoW infow;
    PSecPkgInfoA infoa;
    WCHAR *longw = long_w(LONG_NAME, 'N');
    char *longa = long_a(LONG_NAME, 'N');

    RUN(r, EnumerateSecurityPackagesW(NULL, &infow));
    sec("EnumerateSecurityPackagesW", "count NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, EnumerateSecurityPackagesW(&n, NULL));
    sec("EnumerateSecurityPackagesW", "info NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, EnumerateSecurityPackagesA(NULL, &infoa));
    sec("EnumerateSecurityPackagesA", "count NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, EnumerateSecurityPackagesA(&n, NULL));
    sec("EnumerateSecurityPackagesA", "info NULL", &r, SEC_E_INVALID_PARAMETER);

    /* Wine's main.c tests: an unknown package leaves the output alone. */
    infow = (void *)0xdeadbeef;
    RUN(r, QuerySecurityPackageInfoW(NULL, &infow));
    sec("QuerySecurityPackageInfoW", "name NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, QuerySecurityPackageInfoW((SEC_WCHAR *)L"", &infow));
    sec("QuerySecurityPackageInfoW", "name \"\"", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, QuerySecurityPackageInfoW((SEC_WCHAR *)L"Winetest", &infow));
    sec("QuerySecurityPackageInfoW", "unknown name", &r, SEC_E_SECPKG_NOT_FOUND);
    holds("QuerySecurityPackageInfoW", "  output left alone", infow == (void *)0xdeadbeef);
    RUN(r, QuerySecurityPackageInfoW((SEC_WCHAR *)L"NTLM\x00e9", &infow));
    sec("QuerySecurityPackageInfoW", "name with a non-ASCII character", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, QuerySecurityPackageInfoW(longw, &infow));
    sec("QuerySecurityPackageInfoW", "name of 64 Ki characters", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, QuerySecurityPackageInfoW((SEC_WCHAR *)L"NTLM", NULL));
    sec("QuerySecurityPackageInfoW", "info NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, QuerySecurityPackageInfoW((SEC_WCHAR *)L"ntlm", &infow));
    sec("QuerySecurityPackageInfoW", "name in another case", &r, SEC_E_OK);
    if (!r.got && !r.crashed) FreeContextBuffer(infow);

    infoa = (void *)0xdeadbeef;
    RUN(r, QuerySecurityPackageInfoA(NULL, &infoa));
    sec("QuerySecurityPackageInfoA", "name NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, QuerySecurityPackageInfoA((SEC_CHAR *)"\xff\xfe\x80\x81", &infoa));
    sec("QuerySecurityPackageInfoA", "name of bytes the code page lacks", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, QuerySecurityPackageInfoA(longa, &infoa));
    sec("QuerySecurityPackageInfoA", "name of 64 Ki characters", &r, SEC_E_SECPKG_NOT_FOUND);
    holds("QuerySecurityPackageInfoA", "  output left alone", infoa == (void *)0xdeadbeef);
    RUN(r, QuerySecurityPackageInfoA((SEC_CHAR *)"NTLM", NULL));
    sec("QuerySecurityPackageInfoA", "info NULL", &r, SEC_E_INVALID_PARAMETER);

    RUN(r, FreeContextBuffer(NULL));
    sec("FreeContextBuffer", "NULL", &r, SEC_E_OK);

    /* Windows fills the old SealMessage/UnsealMessage slots with
     * EncryptMessage/DecryptMessage and leaves Reserved2 NULL (Wine's
     * secur32.c tests). */
    PSecurityFunctionTableW tw = NULL;
    PSecurityFunctionTableA ta = NULL;
    RUN(r, (LONG_PTR)(tw = InitSecurityInterfaceW()) != 0);
    holds("InitSecurityInterfaceW", "a table", tw != NULL);
    if (tw) {
        holds("InitSecurityInterfaceW", "Reserved2 NULL", tw->Reserved2 == NULL);
        holds("InitSecurityInterfaceW", "Reserved3 is EncryptMessage", (void *)tw->Reserved3 == (void *)tw->EncryptMessage);
        holds("InitSecurityInterfaceW", "Reserved4 is DecryptMessage", (void *)tw->Reserved4 == (void *)tw->DecryptMessage);
    }
    RUN(r, (LONG_PTR)(ta = InitSecurityInterfaceA()) != 0);
    holds("InitSecurityInterfaceA", "a table", ta != NULL);
    if (ta) {
        holds("InitSecurityInterfaceA", "Reserved2 NULL", ta->Reserved2 == NULL);
        holds("InitSecurityInterfaceA", "Reserved3 is EncryptMessage", (void *)ta->Reserved3 == (void *)ta->EncryptMessage);
        holds("InitSecurityInterfaceA", "Reserved4 is DecryptMessage", (void *)ta->Reserved4 == (void *)ta->DecryptMessage);
    }
    free(longw);
    free(longa);
}

/* ---- credentials ----------------------------------------------------------------------- */

static SECURITY_STATUS acquire_w(const WCHAR *pkg, ULONG use, void *auth, CredHandle *out)
{
    TimeStamp ts;
    return AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)pkg, use, NULL, auth, NULL, NULL, out, &ts);
}

static SECURITY_STATUS acquire_a(const char *pkg, ULONG use, void *auth, CredHandle *out)
{
    TimeStamp ts;
    return AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkg, use, NULL, auth, NULL, NULL, out, &ts);
}

/* ok and the credential freed. */
static void acquired(const char *fn, const char *what, const struct result *r, CredHandle *c)
{
    sec(fn, what, r, SEC_E_OK);
    if (!r->crashed && r->got == SEC_E_OK) FreeCredentialsHandle(c);
}

static void test_credentials(void)
{
    struct result r;
    CredHandle c, sentinel = { 0x1234, 0x5678 };
    TimeStamp ts;
    SEC_WINNT_AUTH_IDENTITY_W idw;
    SEC_WINNT_AUTH_IDENTITY_A ida;
    SEC_WINNT_AUTH_IDENTITY_EXW exw;
    SEC_WINNT_AUTH_IDENTITY_EXA exa;
    WCHAR *longw = long_w(LONG_NAME, 'P');
    BYTE buf[64];

    RUN(r, acquire_w(NULL, SECPKG_CRED_OUTBOUND, NULL, &c));
    sec("AcquireCredentialsHandleW", "package NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, acquire_w(L"", SECPKG_CRED_OUTBOUND, NULL, &c));
    sec("AcquireCredentialsHandleW", "package \"\"", &r, SEC_E_SECPKG_NOT_FOUND);
    c = sentinel;
    RUN(r, acquire_w(L"NoSuchPackage", SECPKG_CRED_OUTBOUND, NULL, &c));
    sec("AcquireCredentialsHandleW", "unknown package", &r, SEC_E_SECPKG_NOT_FOUND);
    holds("AcquireCredentialsHandleW", "  handle left alone", c.dwLower == 0x1234 && c.dwUpper == 0x5678);
    RUN(r, acquire_w(longw, SECPKG_CRED_OUTBOUND, NULL, &c));
    sec("AcquireCredentialsHandleW", "package of 64 Ki characters", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, NULL, NULL));
    sec("AcquireCredentialsHandleW", "handle NULL", &r, SEC_E_INVALID_HANDLE);
    RUN(r, acquire_w(L"NTLM", 0, NULL, &c));
    sec("AcquireCredentialsHandleW", "use 0", &r, SEC_E_UNKNOWN_CREDENTIALS);
    RUN(r, acquire_w(L"NTLM", 0x0000ff00, NULL, &c));
    sec("AcquireCredentialsHandleW", "use of undefined bits", &r, SEC_E_UNKNOWN_CREDENTIALS);
    RUN(r, AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &c, NULL));
    acquired("AcquireCredentialsHandleW", "expiry NULL (tolerated)", &r, &c);
    RUN(r, AcquireCredentialsHandleW(longw, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &c, &ts));
    sec2("AcquireCredentialsHandleW", "principal of 64 Ki characters", &r, SEC_E_UNKNOWN_CREDENTIALS,
         SEC_E_INVALID_PARAMETER);
    if (!r.crashed && r.got == SEC_E_OK) FreeCredentialsHandle(&c);

    /* identities */
    memset(&idw, 0, sizeof(idw));
    idw.User = (unsigned short *)L"User";
    idw.UserLength = 4;
    idw.Flags = 0;
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &idw, &c));
    sec("AcquireCredentialsHandleW", "identity naming no character set", &r, SEC_E_UNKNOWN_CREDENTIALS);
    idw.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    idw.UserLength = 0x7fffffff;
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &idw, &c));
    sec("AcquireCredentialsHandleW", "identity with UserLength 0x7fffffff", &r, SEC_E_UNKNOWN_CREDENTIALS);
    idw.UserLength = 0xffffffff;
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &idw, &c));
    sec("AcquireCredentialsHandleW", "identity with UserLength 0xffffffff", &r, SEC_E_UNKNOWN_CREDENTIALS);
    idw.User = NULL;
    idw.UserLength = 4;
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &idw, &c));
    sec("AcquireCredentialsHandleW", "identity: User NULL, UserLength 4", &r, SEC_E_UNKNOWN_CREDENTIALS);
    memset(&exw, 0, sizeof(exw));
    exw.Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
    exw.Length = 8;
    exw.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &exw, &c));
    sec("AcquireCredentialsHandleW", "identity EX with Length 8", &r, SEC_E_UNKNOWN_CREDENTIALS);
    exw.Version = 0x201;
    exw.Length = sizeof(exw);
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &exw, &c));
    sec("AcquireCredentialsHandleW", "identity EX2 (opaque)", &r, SEC_E_UNKNOWN_CREDENTIALS);
    /* counted, unterminated, against an inaccessible page */
    idw.User = edge(L"User", 8);
    idw.UserLength = 4;
    idw.Domain = edge(L"Domain", 12);
    idw.DomainLength = 6;
    idw.Password = edge(L"Password", 16);
    idw.PasswordLength = 8;
    idw.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &idw, &c));
    acquired("AcquireCredentialsHandleW", "identity W unterminated at a page end", &r, &c);
    exw.Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
    exw.Length = sizeof(exw);
    exw.User = idw.User;
    exw.UserLength = 4;
    exw.Domain = idw.Domain;
    exw.DomainLength = 6;
    exw.Password = idw.Password;
    exw.PasswordLength = 8;
    exw.PackageList = edge(L"NTLM", 8);
    exw.PackageListLength = 4;
    exw.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    RUN(r, acquire_w(L"NTLM", SECPKG_CRED_OUTBOUND, &exw, &c));
    acquired("AcquireCredentialsHandleW", "identity EXW unterminated at a page end", &r, &c);
    edges_free();

    memset(&ida, 0, sizeof(ida));
    ida.User = edge("User", 4);
    ida.UserLength = 4;
    ida.Domain = edge("Domain", 6);
    ida.DomainLength = 6;
    ida.Password = edge("Password", 8);
    ida.PasswordLength = 8;
    ida.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
    RUN(r, acquire_a("NTLM", SECPKG_CRED_OUTBOUND, &ida, &c));
    acquired("AcquireCredentialsHandleA", "identity A unterminated at a page end", &r, &c);
    ida.UserLength = 0x7fffffff;
    RUN(r, acquire_a("NTLM", SECPKG_CRED_OUTBOUND, &ida, &c));
    sec("AcquireCredentialsHandleA", "identity with UserLength 0x7fffffff", &r, SEC_E_UNKNOWN_CREDENTIALS);
    ida.UserLength = 0xffffffff;
    RUN(r, acquire_a("NTLM", SECPKG_CRED_OUTBOUND, &ida, &c));
    sec("AcquireCredentialsHandleA", "identity with UserLength 0xffffffff", &r, SEC_E_UNKNOWN_CREDENTIALS);
    ida.UserLength = 4;
    ida.Password = NULL;
    ida.PasswordLength = 8;
    RUN(r, acquire_a("NTLM", SECPKG_CRED_OUTBOUND, &ida, &c));
    sec("AcquireCredentialsHandleA", "identity: Password NULL, PasswordLength 8", &r, SEC_E_UNKNOWN_CREDENTIALS);
    if (!r.crashed && r.got == SEC_E_OK) FreeCredentialsHandle(&c);
    memset(&exa, 0, sizeof(exa));
    exa.Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
    exa.Length = sizeof(exa);
    exa.User = ida.User;
    exa.UserLength = 4;
    exa.Domain = ida.Domain;
    exa.DomainLength = 6;
    exa.Password = edge("Password", 8);
    exa.PasswordLength = 8;
    exa.PackageList = edge("NTLM", 4);
    exa.PackageListLength = 4;
    exa.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
    RUN(r, acquire_a("NTLM", SECPKG_CRED_OUTBOUND, &exa, &c));
    acquired("AcquireCredentialsHandleA", "identity EXA unterminated at a page end", &r, &c);
    exa.PackageListLength = 0x80000000;
    RUN(r, acquire_a("NTLM", SECPKG_CRED_OUTBOUND, &exa, &c));
    sec("AcquireCredentialsHandleA", "identity EXA with PackageListLength 2^31", &r, SEC_E_UNKNOWN_CREDENTIALS);
    edges_free();
    RUN(r, acquire_a(NULL, SECPKG_CRED_OUTBOUND, NULL, &c));
    sec("AcquireCredentialsHandleA", "package NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, acquire_a("\xff\xfe\x80", SECPKG_CRED_OUTBOUND, NULL, &c));
    sec("AcquireCredentialsHandleA", "package of bytes the code page lacks", &r, SEC_E_SECPKG_NOT_FOUND);

    RUN(r, FreeCredentialsHandle(NULL));
    sec("FreeCredentialsHandle", "NULL", &r, SEC_E_INVALID_HANDLE);
    c = freed_cred;
    RUN(r, FreeCredentialsHandle(&c));
    sec("FreeCredentialsHandle", "a freed handle", &r, SEC_E_INVALID_HANDLE);
    c = cctx;
    RUN(r, FreeCredentialsHandle(&c));
    sec("FreeCredentialsHandle", "a context handle", &r, SEC_E_INVALID_HANDLE);

    RUN(r, QueryCredentialsAttributesW(&ccred, SECPKG_CRED_ATTR_NAMES, NULL));
    sec("QueryCredentialsAttributesW", "buffer NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, QueryCredentialsAttributesW(&ccred, 0x7fff, buf));
    sec("QueryCredentialsAttributesW", "unknown attribute", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, QueryCredentialsAttributesW(&freed_cred, SECPKG_CRED_ATTR_NAMES, buf));
    sec("QueryCredentialsAttributesW", "a freed handle", &r, SEC_E_INVALID_HANDLE);
    RUN(r, QueryCredentialsAttributesA(&ccred, SECPKG_CRED_ATTR_NAMES, NULL));
    sec("QueryCredentialsAttributesA", "buffer NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, QueryCredentialsAttributesA(&ccred, 0x7fff, buf));
    sec("QueryCredentialsAttributesA", "unknown attribute", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, QueryCredentialsAttributesA(NULL, SECPKG_CRED_ATTR_NAMES, buf));
    sec("QueryCredentialsAttributesA", "handle NULL", &r, SEC_E_INVALID_HANDLE);

    RUN(r, AddCredentialsW(&ccred, NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, &ts));
    sec("AddCredentialsW", "to an NTLM credential", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, AddCredentialsW(NULL, NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, &ts));
    sec("AddCredentialsW", "handle NULL", &r, SEC_E_INVALID_HANDLE);
    RUN(r, AddCredentialsA(&ccred, NULL, NULL, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL));
    sec("AddCredentialsA", "package NULL, expiry NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, AddCredentialsA(&freed_cred, NULL, (SEC_CHAR *)"NTLM", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, &ts));
    sec("AddCredentialsA", "a freed handle", &r, SEC_E_INVALID_HANDLE);

    PSecurityFunctionTableW t = InitSecurityInterfaceW();
    RUN(r, t->SetCredentialsAttributesW(&ccred, 1, buf, 4));
    sec("(table) SetCredentialsAttributesW", "NTLM has none", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, t->SetCredentialsAttributesW(NULL, 1, NULL, 0));
    sec("(table) SetCredentialsAttributesW", "handle NULL", &r, SEC_E_INVALID_HANDLE);
    free(longw);
}

/* ---- InitializeSecurityContext ---------------------------------------------------------------- */

static SECURITY_STATUS isc_first(SecBufferDesc *out, CtxtHandle *ctx, ULONG req, const WCHAR *target)
{
    ULONG attrs;
    TimeStamp ts;
    return InitializeSecurityContextW(&ccred, NULL, (SEC_WCHAR *)target, req, 0, SECURITY_NATIVE_DREP, NULL, 0,
                                      ctx, out, &attrs, &ts);
}

/* The second call with in as the CHALLENGE, on a fresh partial context. */
static SECURITY_STATUS isc_second(SecBufferDesc *in, CtxtHandle *ctx)
{
    BYTE neg[512], out[2048];
    ULONG n = sizeof(neg), attrs;
    SecBuffer ob = { sizeof(out), SECBUFFER_TOKEN, out };
    SecBufferDesc od = { SECBUFFER_VERSION, 1, &ob };
    TimeStamp ts;
    if (partial_client(ctx, neg, &n) != SEC_I_CONTINUE_NEEDED) return -1;
    return InitializeSecurityContextW(NULL, ctx, (SEC_WCHAR *)L"localhost", REQ, 0, SECURITY_NATIVE_DREP, in, 0,
                                      ctx, &od, &attrs, &ts);
}

static void delete_if(const struct result *r, CtxtHandle *ctx)
{
    if (!r->crashed && r->got >= 0) DeleteSecurityContext(ctx);
}

static void test_initialize(void)
{
    struct result r;
    CtxtHandle ctx, sentinel = { 0x1234, 0x5678 };
    BYTE tok[4096], neg[512], chal[1024], out[2048];
    ULONG attrs, neg_len = sizeof(neg), chal_len = sizeof(chal);
    TimeStamp ts;
    SecBuffer b[2], db = { 64, SECBUFFER_DATA, tok };
    SecBufferDesc d = { SECBUFFER_VERSION, 1, b };
    struct sspishim_stats before;
    WCHAR *longw = long_w(LONG_NAME, 'T');
    CtxtHandle pc, ps;

    RUN(r, InitializeSecurityContextW(NULL, NULL, NULL, REQ, 0, 0, NULL, 0, &ctx, NULL, &attrs, &ts));
    sec("InitializeSecurityContextW", "neither credential nor context", &r, SEC_E_INVALID_HANDLE);
    RUN(r, InitializeSecurityContextW(&ccred, NULL, NULL, REQ, 0, 0, NULL, 0, NULL, &d, &attrs, &ts));
    sec("InitializeSecurityContextW", "first call, new context NULL", &r, SEC_E_INVALID_HANDLE);
    RUN(r, InitializeSecurityContextW(&freed_cred, NULL, NULL, REQ, 0, 0, NULL, 0, &ctx, &d, &attrs, &ts));
    sec("InitializeSecurityContextW", "a freed credential", &r, SEC_E_INVALID_HANDLE);

    /* No room for the NEGOTIATE: the context that was being made goes. */
    before = stats();
    ctx = sentinel;
    RUN(r, isc_first(NULL, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output description NULL", &r, SEC_E_BUFFER_TOO_SMALL);
    holds("InitializeSecurityContextW", "  no context made, handle left alone",
          stats().live_contexts == before.live_contexts && ctx.dwLower == 0x1234);
    d.cBuffers = 0;
    d.pBuffers = b;
    RUN(r, isc_first(&d, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output of 0 buffers", &r, SEC_E_BUFFER_TOO_SMALL);
    d.cBuffers = 2;
    d.pBuffers = NULL;
    RUN(r, isc_first(&d, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output of 2 buffers, pBuffers NULL", &r, SEC_E_BUFFER_TOO_SMALL);
    d.cBuffers = 1;
    d.pBuffers = &db;
    RUN(r, isc_first(&d, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output with a DATA buffer only", &r, SEC_E_BUFFER_TOO_SMALL);
    d.pBuffers = b;
    b[0] = (SecBuffer){ 0, SECBUFFER_TOKEN, tok };
    RUN(r, isc_first(&d, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output token of 0 bytes", &r, SEC_E_BUFFER_TOO_SMALL);
    b[0] = (SecBuffer){ 8, SECBUFFER_TOKEN, tok };
    RUN(r, isc_first(&d, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output token of 8 bytes", &r, SEC_E_BUFFER_TOO_SMALL);
    holds("InitializeSecurityContextW", "  cbBuffer left alone", b[0].cbBuffer == 8);
    b[0] = (SecBuffer){ sizeof(tok), SECBUFFER_TOKEN, NULL };
    RUN(r, isc_first(&d, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output token pvBuffer NULL", &r, SEC_E_INTERNAL_ERROR);
    holds("InitializeSecurityContextW", "  nothing left behind by the refusals",
          stats().live_contexts == before.live_contexts && stats().live_objects == before.live_objects);
    b[0] = (SecBuffer){ 0xffffffff, SECBUFFER_TOKEN, tok };
    RUN(r, isc_first(&d, &ctx, REQ, NULL));
    sec("InitializeSecurityContextW", "output cbBuffer 0xffffffff (tolerated)", &r, SEC_I_CONTINUE_NEEDED);
    holds("InitializeSecurityContextW", "  cbBuffer set to the token's size", b[0].cbBuffer < sizeof(tok));
    delete_if(&r, &ctx);
    b[0] = (SecBuffer){ 0, SECBUFFER_TOKEN, (void *)0xdeadbeef };
    RUN(r, isc_first(&d, &ctx, REQ | ISC_REQ_ALLOCATE_MEMORY, NULL));
    sec("InitializeSecurityContextW", "ALLOCATE_MEMORY over a garbage pointer", &r, SEC_I_CONTINUE_NEEDED);
    if (!r.crashed && r.got >= 0) FreeContextBuffer(b[0].pvBuffer);
    delete_if(&r, &ctx);
    b[0] = (SecBuffer){ sizeof(tok), SECBUFFER_TOKEN, tok };
    RUN(r, isc_first(&d, &ctx, REQ | ISC_REQ_DATAGRAM, NULL));
    sec("InitializeSecurityContextW", "ISC_REQ_DATAGRAM", &r, SEC_E_UNSUPPORTED_FUNCTION);
    b[0] = (SecBuffer){ sizeof(tok), SECBUFFER_TOKEN, tok };
    RUN(r, isc_first(&d, &ctx, REQ, longw));
    sec2("InitializeSecurityContextW", "target of 64 Ki characters", &r, SEC_E_INVALID_PARAMETER,
         SEC_E_TARGET_UNKNOWN);
    delete_if(&r, &ctx);
    b[0] = (SecBuffer){ sizeof(tok), SECBUFFER_TOKEN, tok };
    RUN(r, InitializeSecurityContextA(&ccred, NULL, (SEC_CHAR *)"\xff\xfe\x80 target", REQ, 0, 0, NULL, 0, &ctx, &d,
                                      &attrs, &ts));
    sec("InitializeSecurityContextA", "target of bytes the code page lacks", &r, SEC_I_CONTINUE_NEEDED);
    delete_if(&r, &ctx);

    /* second call: the CHALLENGE */
    partial_client(&pc, neg, &neg_len);
    partial_server(&ps, neg, neg_len, chal, &chal_len);
    DeleteSecurityContext(&pc);
    DeleteSecurityContext(&ps);
    RUN(r, isc_second(NULL, &ctx));
    sec("InitializeSecurityContextW", "second call, input NULL", &r, SEC_E_INVALID_TOKEN);
    {
        BYTE outb[2048];
        SecBuffer ob = { sizeof(outb), SECBUFFER_TOKEN, outb };
        SecBufferDesc od = { SECBUFFER_VERSION, 1, &ob };
        SecBuffer ib = { chal_len, SECBUFFER_TOKEN, chal };
        SecBufferDesc idd = { SECBUFFER_VERSION, 1, &ib };
        RUN(r, InitializeSecurityContextW(NULL, &ctx, NULL, REQ, 0, 0, &idd, 0, &ctx, &od, &attrs, &ts));
        sec("InitializeSecurityContextW", "  then the right CHALLENGE: spent", &r, SEC_E_OUT_OF_SEQUENCE);
    }
    DeleteSecurityContext(&ctx);
    b[0] = (SecBuffer){ 0, SECBUFFER_TOKEN, chal };
    RUN(r, isc_second(&d, &ctx));
    sec("InitializeSecurityContextW", "second call, input token of 0 bytes", &r, SEC_E_INVALID_TOKEN);
    DeleteSecurityContext(&ctx);
    b[0] = (SecBuffer){ chal_len, SECBUFFER_DATA, chal };
    RUN(r, isc_second(&d, &ctx));
    sec("InitializeSecurityContextW", "second call, input of type DATA", &r, SEC_E_INVALID_TOKEN);
    DeleteSecurityContext(&ctx);
    memset(tok, 0x41, sizeof(tok));
    b[0] = (SecBuffer){ 64, SECBUFFER_TOKEN, tok };
    RUN(r, isc_second(&d, &ctx));
    sec("InitializeSecurityContextW", "second call, 64 bytes of garbage", &r, SEC_E_INVALID_TOKEN);
    DeleteSecurityContext(&ctx);
    {
        BYTE *big = calloc(1, 1 << 20);
        b[0] = (SecBuffer){ 1 << 20, SECBUFFER_TOKEN, big };
        RUN(r, isc_second(&d, &ctx));
        sec("InitializeSecurityContextW", "second call, 1 MiB of zeros", &r, SEC_E_INVALID_TOKEN);
        DeleteSecurityContext(&ctx);
        free(big);
    }
    b[0] = (SecBuffer){ chal_len - 1, SECBUFFER_TOKEN, edge(chal, chal_len - 1) };
    RUN(r, isc_second(&d, &ctx));
    sec("InitializeSecurityContextW", "second call, CHALLENGE cut by 1 byte, page end", &r, SEC_E_INVALID_TOKEN);
    DeleteSecurityContext(&ctx);
    edges_free();
    /* The CHALLENGE answered another NEGOTIATE, which the MIC does not
     * cover on the client's side: the client still answers it. */
    b[0] = (SecBuffer){ chal_len, SECBUFFER_TOKEN, edge(chal, chal_len) };
    RUN(r, isc_second(&d, &ctx));
    sec("InitializeSecurityContextW", "second call, CHALLENGE at a page end", &r, SEC_E_OK);
    DeleteSecurityContext(&ctx);
    edges_free();
    b[0] = (SecBuffer){ chal_len, SECBUFFER_TOKEN, chal };
    RUN(r, InitializeSecurityContextW(NULL, &sctx, NULL, REQ, 0, 0, &d, 0, &ctx, &d, &attrs, &ts));
    sec("InitializeSecurityContextW", "a server context", &r, SEC_E_INVALID_HANDLE);
    b[1] = (SecBuffer){ sizeof(out), SECBUFFER_TOKEN, out };
    {
        SecBufferDesc od = { SECBUFFER_VERSION, 1, &b[1] };
        RUN(r, InitializeSecurityContextW(NULL, &cctx, NULL, REQ, 0, 0, &d, 0, &ctx, &od, &attrs, &ts));
        sec("InitializeSecurityContextW", "an established context", &r, SEC_E_OUT_OF_SEQUENCE);
    }
    RUN(r, InitializeSecurityContextW(NULL, &freed_ctx, NULL, REQ, 0, 0, &d, 0, &ctx, &d, &attrs, &ts));
    sec("InitializeSecurityContextW", "a deleted context", &r, SEC_E_INVALID_HANDLE);
    free(longw);
}

/* ---- AcceptSecurityContext ----------------------------------------------------------------------- */

static SECURITY_STATUS asc(CredHandle *cred, CtxtHandle *ctx, SecBufferDesc *in, SecBufferDesc *out, CtxtHandle *new_ctx)
{
    ULONG attrs;
    TimeStamp ts;
    return AcceptSecurityContext(cred, ctx, in, REQ, SECURITY_NATIVE_DREP, new_ctx, out, &attrs, &ts);
}

static void test_accept(void)
{
    struct result r;
    CtxtHandle ctx, pc;
    CredHandle outbound;
    BYTE neg[512], chal[1024], tok[256];
    ULONG neg_len = sizeof(neg), chal_len;
    SecBuffer ib, ob;
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };

    partial_client(&pc, neg, &neg_len);
    DeleteSecurityContext(&pc);
#define OUT_TOKEN() (ob = (SecBuffer){ sizeof(chal), SECBUFFER_TOKEN, chal })
    OUT_TOKEN();
    RUN(r, asc(NULL, NULL, NULL, &od, &ctx));
    sec("AcceptSecurityContext", "neither credential nor context", &r, SEC_E_INVALID_HANDLE);
    RUN(r, asc(&scred, NULL, NULL, &od, &ctx));
    sec("AcceptSecurityContext", "first call, input NULL", &r, SEC_E_INVALID_TOKEN);
    ib = (SecBuffer){ neg_len, SECBUFFER_DATA, neg };
    RUN(r, asc(&scred, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "first call, input of type DATA", &r, SEC_E_INVALID_TOKEN);
    ib = (SecBuffer){ 0, SECBUFFER_TOKEN, neg };
    RUN(r, asc(&scred, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "first call, input token of 0 bytes", &r, SEC_E_INVALID_TOKEN);
    ib = (SecBuffer){ 16, SECBUFFER_TOKEN, NULL };
    RUN(r, asc(&scred, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "first call, input pvBuffer NULL", &r, SEC_E_INVALID_TOKEN);
    id.cBuffers = 0;
    RUN(r, asc(&scred, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "first call, input of 0 buffers", &r, SEC_E_INVALID_TOKEN);
    id.cBuffers = 1;
    memset(tok, 0xa5, sizeof(tok));
    ib = (SecBuffer){ sizeof(tok), SECBUFFER_TOKEN, tok };
    RUN(r, asc(&scred, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "first call, 256 bytes of garbage", &r, SEC_E_INVALID_TOKEN);
    ib = (SecBuffer){ neg_len - 1, SECBUFFER_TOKEN, edge(neg, neg_len - 1) };
    RUN(r, asc(&scred, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "first call, NEGOTIATE cut by 1 byte, page end", &r, SEC_E_INVALID_TOKEN);
    edges_free();
    ib = (SecBuffer){ neg_len, SECBUFFER_TOKEN, neg };
    RUN(r, asc(&scred, NULL, &id, NULL, &ctx));
    sec("AcceptSecurityContext", "first call, output NULL", &r, SEC_E_BUFFER_TOO_SMALL);
    RUN(r, asc(&scred, NULL, &id, &od, NULL));
    sec("AcceptSecurityContext", "first call, new context NULL", &r, SEC_E_INVALID_HANDLE);
    if (client_cred(L"User", L"Domain", L"Password", &outbound) == SEC_E_OK) {
        OUT_TOKEN();
        RUN(r, asc(&outbound, NULL, &id, &od, &ctx));
        sec("AcceptSecurityContext", "an outbound-only credential", &r, SEC_E_UNSUPPORTED_FUNCTION);
        delete_if(&r, &ctx);
        FreeCredentialsHandle(&outbound);
    }
    OUT_TOKEN();
    ib = (SecBuffer){ neg_len, SECBUFFER_TOKEN, edge(neg, neg_len) };
    RUN(r, asc(&scred, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "first call, NEGOTIATE at a page end", &r, SEC_I_CONTINUE_NEEDED);
    edges_free();
    chal_len = ob.cbBuffer;

    /* second call on that context: garbage spends it */
    ib = (SecBuffer){ chal_len, SECBUFFER_TOKEN, chal };
    OUT_TOKEN();
    RUN(r, asc(NULL, &ctx, &id, &od, &ctx));
    sec("AcceptSecurityContext", "second call, a CHALLENGE", &r, SEC_E_INVALID_TOKEN);
    ib = (SecBuffer){ neg_len, SECBUFFER_TOKEN, neg };
    OUT_TOKEN();
    RUN(r, asc(NULL, &ctx, &id, &od, &ctx));
    sec("AcceptSecurityContext", "  again: spent", &r, SEC_E_OUT_OF_SEQUENCE);
    DeleteSecurityContext(&ctx);
    RUN(r, asc(NULL, &cctx, &id, &od, &ctx));
    sec("AcceptSecurityContext", "a client context", &r, SEC_E_INVALID_HANDLE);
    RUN(r, asc(NULL, &freed_ctx, &id, &od, &ctx));
    sec("AcceptSecurityContext", "a deleted context", &r, SEC_E_INVALID_HANDLE);
    RUN(r, asc((CredHandle *)&cctx, NULL, &id, &od, &ctx));
    sec("AcceptSecurityContext", "a context handle as credential", &r, SEC_E_INVALID_HANDLE);
#undef OUT_TOKEN
}

/* ---- Negotiate: SPNEGO tokens over NTLM -------------------------------------------------------- */

static SECURITY_STATUS nego_isc(CredHandle *cred, CtxtHandle *ctx, const void *in, ULONG in_len, BYTE *out,
                                ULONG *out_len)
{
    SecBuffer ib = { in_len, SECBUFFER_TOKEN, (void *)in }, ob = { *out_len, SECBUFFER_TOKEN, out };
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st = InitializeSecurityContextW(cred, cred ? NULL : ctx, (SEC_WCHAR *)L"HTTP/localhost", REQ,
                                                    0, SECURITY_NATIVE_DREP, in ? &id : NULL, 0, ctx, &od, &attrs, &ts);
    *out_len = ob.cbBuffer;
    return st;
}

static SECURITY_STATUS nego_asc(CredHandle *cred, CtxtHandle *ctx, const void *in, ULONG in_len, BYTE *out,
                                ULONG *out_len)
{
    SecBuffer ib = { in_len, SECBUFFER_TOKEN, (void *)in }, ob = { *out_len, SECBUFFER_TOKEN, out };
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st = AcceptSecurityContext(cred, cred ? NULL : ctx, &id, REQ, SECURITY_NATIVE_DREP, ctx, &od,
                                               &attrs, &ts);
    *out_len = ob.cbBuffer;
    return st;
}

static void test_negotiate(void)
{
    struct result r;
    SEC_WINNT_AUTH_IDENTITY_W id = { (unsigned short *)L"User", 4, (unsigned short *)L"Domain", 6,
                                     (unsigned short *)L"Password", 8, SEC_WINNT_AUTH_IDENTITY_UNICODE };
    CredHandle nc, ns;
    CtxtHandle cx, sx, c2;
    BYTE init[2048], resp1[2048], out[2048], garbage[300];
    ULONG init_len = sizeof(init), resp1_len = sizeof(resp1), out_len;

    RUN(r, acquire_w(L"Negotiate", SECPKG_CRED_OUTBOUND, &id, &nc));
    sec("AcquireCredentialsHandleW", "Negotiate, outbound", &r, SEC_E_OK);
    if (r.crashed || r.got) return;
    RUN(r, acquire_w(L"Negotiate", SECPKG_CRED_INBOUND, NULL, &ns));
    sec("AcquireCredentialsHandleW", "Negotiate, inbound", &r, SEC_E_OK);
    if (r.crashed || r.got) {
        FreeCredentialsHandle(&nc);
        return;
    }
    RUN(r, nego_isc(&nc, &cx, NULL, 0, init, &init_len));
    sec("InitializeSecurityContextW", "Negotiate: the NegTokenInit", &r, SEC_I_CONTINUE_NEEDED);
    DeleteSecurityContext(&cx);

    memset(garbage, 0x60, sizeof(garbage));
    out_len = sizeof(out);
    RUN(r, nego_asc(&ns, &sx, garbage, sizeof(garbage), out, &out_len));
    sec("AcceptSecurityContext", "Negotiate: 300 bytes of garbage", &r, SEC_E_INVALID_TOKEN);
    out_len = sizeof(out);
    RUN(r, nego_asc(&ns, &sx, edge(init, init_len - 1), init_len - 1, out, &out_len));
    sec("AcceptSecurityContext", "Negotiate: NegTokenInit cut by 1 byte, page end", &r, SEC_E_INVALID_TOKEN);
    edges_free();
    memcpy(out, init, init_len);
    out[0] ^= 0x01;
    {
        ULONG n = sizeof(resp1);
        RUN(r, nego_asc(&ns, &sx, out, init_len, resp1, &n));
        sec("AcceptSecurityContext", "Negotiate: NegTokenInit with a wrong outer tag", &r, SEC_E_INVALID_TOKEN);
    }
    RUN(r, nego_asc(&ns, &sx, edge(init, init_len), init_len, resp1, &resp1_len));
    sec("AcceptSecurityContext", "Negotiate: NegTokenInit at a page end", &r, SEC_I_CONTINUE_NEEDED);
    edges_free();
    if (r.crashed || r.got != SEC_I_CONTINUE_NEEDED) goto done;

    /* the client's second leg */
    init_len = sizeof(init);
    nego_isc(&nc, &c2, NULL, 0, init, &init_len);
    out_len = sizeof(out);
    RUN(r, nego_isc(NULL, &c2, garbage, sizeof(garbage), out, &out_len));
    sec("InitializeSecurityContextW", "Negotiate: garbage for the server's answer", &r, SEC_E_INVALID_TOKEN);
    out_len = sizeof(out);
    RUN(r, nego_isc(NULL, &c2, resp1, resp1_len, out, &out_len));
    sec("InitializeSecurityContextW", "  then the real answer: spent", &r, SEC_E_OUT_OF_SEQUENCE);
    DeleteSecurityContext(&c2);
    init_len = sizeof(init);
    nego_isc(&nc, &c2, NULL, 0, init, &init_len);
    out_len = sizeof(out);
    RUN(r, nego_isc(NULL, &c2, edge(resp1, resp1_len - 1), resp1_len - 1, out, &out_len));
    sec("InitializeSecurityContextW", "Negotiate: the answer cut by 1 byte, page end", &r, SEC_E_INVALID_TOKEN);
    edges_free();
    DeleteSecurityContext(&c2);
    out_len = sizeof(out);
    RUN(r, nego_asc(NULL, &sx, garbage, sizeof(garbage), out, &out_len));
    sec("AcceptSecurityContext", "Negotiate: garbage for the AUTHENTICATE", &r, SEC_E_INVALID_TOKEN);
    out_len = sizeof(out);
    RUN(r, nego_asc(NULL, &sx, garbage, sizeof(garbage), out, &out_len));
    sec("AcceptSecurityContext", "  again: spent", &r, SEC_E_OUT_OF_SEQUENCE);
    {
        struct handshake h;
        RUN(r, handshake(&nc, &ns, REQ, &h));
        sec("(Negotiate)", "a full handshake still works", &r, SEC_E_OK);
        if (!r.crashed && r.got == SEC_E_OK) {
            out_len = sizeof(out);
            RUN(r, nego_asc(NULL, &h.server, init, init_len, out, &out_len));
            sec("AcceptSecurityContext", "Negotiate: an established context", &r, SEC_E_OUT_OF_SEQUENCE);
        }
        DeleteSecurityContext(&h.client);
        DeleteSecurityContext(&h.server);
    }
done:
    DeleteSecurityContext(&sx);
    FreeCredentialsHandle(&nc);
    FreeCredentialsHandle(&ns);
}

/* ---- calls on a context ---------------------------------------------------------------------- */

static void test_context_calls(void)
{
    struct result r;
    BYTE buf[256], neg[512];
    ULONG neg_len = sizeof(neg);
    SecBuffer b = { 16, SECBUFFER_TOKEN, buf };
    SecBufferDesc d = { SECBUFFER_VERSION, 1, &b };
    CtxtHandle c, partial;
    HANDLE token;

    partial_client(&partial, neg, &neg_len);

    RUN(r, DeleteSecurityContext(NULL));
    sec("DeleteSecurityContext", "NULL", &r, SEC_E_INVALID_HANDLE);
    c = freed_ctx;
    RUN(r, DeleteSecurityContext(&c));
    sec("DeleteSecurityContext", "a deleted context", &r, SEC_E_INVALID_HANDLE);
    c = ccred;
    RUN(r, DeleteSecurityContext(&c));
    sec("DeleteSecurityContext", "a credential handle", &r, SEC_E_INVALID_HANDLE);

    RUN(r, CompleteAuthToken(&cctx, NULL));
    sec("CompleteAuthToken", "token NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, CompleteAuthToken(&cctx, &d));
    sec("CompleteAuthToken", "NTLM needs none (harmless)", &r, SEC_E_OK);
    RUN(r, CompleteAuthToken(NULL, &d));
    sec("CompleteAuthToken", "handle NULL", &r, SEC_E_INVALID_HANDLE);
    RUN(r, ApplyControlToken(&cctx, NULL));
    sec("ApplyControlToken", "input NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, ApplyControlToken(&cctx, &d));
    sec("ApplyControlToken", "NTLM has no control tokens", &r, SEC_E_UNSUPPORTED_FUNCTION);

    RUN(r, QueryContextAttributesW(&cctx, SECPKG_ATTR_SIZES, NULL));
    sec("QueryContextAttributesW", "buffer NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, QueryContextAttributesW(&cctx, 0x7fff, buf));
    sec("QueryContextAttributesW", "unknown attribute", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, QueryContextAttributesW(&partial, SECPKG_ATTR_NAMES, buf));
    sec("QueryContextAttributesW", "NAMES before the handshake ends", &r, SEC_E_INVALID_HANDLE);
    RUN(r, QueryContextAttributesW(&partial, SECPKG_ATTR_SIZES, buf));
    sec("QueryContextAttributesW", "SIZES before the handshake ends", &r, SEC_E_OK);
    RUN(r, QueryContextAttributesW((CtxtHandle *)&ccred, SECPKG_ATTR_SIZES, buf));
    sec("QueryContextAttributesW", "a credential handle", &r, SEC_E_INVALID_HANDLE);
    RUN(r, QueryContextAttributesA(&cctx, SECPKG_ATTR_NAMES, NULL));
    sec("QueryContextAttributesA", "buffer NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, QueryContextAttributesA(&cctx, 0x7fff, buf));
    sec("QueryContextAttributesA", "unknown attribute", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, QueryContextAttributesA(&freed_ctx, SECPKG_ATTR_SIZES, buf));
    sec("QueryContextAttributesA", "a deleted context", &r, SEC_E_INVALID_HANDLE);

    RUN(r, SetContextAttributesW(&cctx, SECPKG_ATTR_SIZES, NULL, 0));
    sec("SetContextAttributesW", "buffer NULL, size 0", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, SetContextAttributesW(&cctx, SECPKG_ATTR_SIZES, buf, 0xffffffff));
    sec("SetContextAttributesW", "size 0xffffffff", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, SetContextAttributesA(&cctx, 0x7fff, buf, 4));
    sec("SetContextAttributesA", "unknown attribute", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, SetContextAttributesA(NULL, 0, buf, 4));
    sec("SetContextAttributesA", "handle NULL", &r, SEC_E_INVALID_HANDLE);

    RUN(r, ImpersonateSecurityContext(&cctx));
    sec("ImpersonateSecurityContext", "a client context", &r, SEC_E_NO_IMPERSONATION);
    RUN(r, ImpersonateSecurityContext(&partial));
    sec("ImpersonateSecurityContext", "before the handshake ends", &r, SEC_E_NO_IMPERSONATION);
    RUN(r, ImpersonateSecurityContext(NULL));
    sec("ImpersonateSecurityContext", "NULL", &r, SEC_E_INVALID_HANDLE);
    RUN(r, RevertSecurityContext(&cctx));
    sec("RevertSecurityContext", "a client context", &r, SEC_E_NO_IMPERSONATION);
    RUN(r, RevertSecurityContext(&freed_ctx));
    sec("RevertSecurityContext", "a deleted context", &r, SEC_E_INVALID_HANDLE);
    RUN(r, QuerySecurityContextToken(&sctx, NULL));
    sec("QuerySecurityContextToken", "token NULL", &r, SEC_E_INVALID_PARAMETER);
    token = (HANDLE)0xdeadbeef;
    RUN(r, QuerySecurityContextToken(&cctx, &token));
    sec("QuerySecurityContextToken", "a client context", &r, SEC_E_NO_IMPERSONATION);
    RUN(r, QuerySecurityContextToken(&partial, &token));
    sec("QuerySecurityContextToken", "before the handshake ends", &r, SEC_E_NO_IMPERSONATION);
    DeleteSecurityContext(&partial);
}

/* ---- messages -------------------------------------------------------------------------------- */

struct msg {
    BYTE sig[64], data[32];
    SecBuffer b[2];
    SecBufferDesc d;
};

static SecBufferDesc *msg(struct msg *m)
{
    memset(m, 0, sizeof(*m));
    memcpy(m->data, "a message to protect", 20);
    m->b[0] = (SecBuffer){ 16, SECBUFFER_TOKEN, m->sig };
    m->b[1] = (SecBuffer){ 20, SECBUFFER_DATA, m->data };
    m->d = (SecBufferDesc){ SECBUFFER_VERSION, 2, m->b };
    return &m->d;
}

/* Both directions still in step: the client seals, the server opens. */
static int conversation_works(void)
{
    struct msg m;
    ULONG qop;
    if (EncryptMessage(&cctx, 0, msg(&m), 0) != SEC_E_OK) return 0;
    if (DecryptMessage(&sctx, &m.d, 0, &qop) != SEC_E_OK) return 0;
    if (MakeSignature(&sctx, 0, msg(&m), 0) != SEC_E_OK) return 0;
    return VerifySignature(&cctx, &m.d, 0, NULL) == SEC_E_OK;
}

typedef SECURITY_STATUS (WINAPI *fn_seal)(PCtxtHandle, ULONG, PSecBufferDesc, ULONG);
typedef SECURITY_STATUS (WINAPI *fn_unseal)(PCtxtHandle, PSecBufferDesc, ULONG, ULONG *);

static void test_messages(void)
{
    struct result r;
    struct msg m;
    SecBufferDesc *d;
    ULONG qop;
    CtxtHandle partial;
    BYTE neg[512];
    ULONG neg_len = sizeof(neg);
    fn_seal seal_message = FN(fn_seal, "SealMessage");
    fn_unseal unseal_message = FN(fn_unseal, "UnsealMessage");

    partial_client(&partial, neg, &neg_len);

    RUN(r, MakeSignature(&cctx, 0, NULL, 0));
    sec("MakeSignature", "description NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    d->cBuffers = 0;
    RUN(r, MakeSignature(&cctx, 0, d, 0));
    sec("MakeSignature", "0 buffers", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    d->pBuffers = NULL;
    RUN(r, MakeSignature(&cctx, 0, d, 0));
    sec("MakeSignature", "2 buffers, pBuffers NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[0].BufferType = SECBUFFER_DATA;
    RUN(r, MakeSignature(&cctx, 0, d, 0));
    sec("MakeSignature", "no TOKEN buffer (Wine's ntlm.c tests)", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[0].cbBuffer = 15;
    RUN(r, MakeSignature(&cctx, 0, d, 0));
    sec("MakeSignature", "TOKEN of 15 bytes", &r, SEC_E_BUFFER_TOO_SMALL);
    d = msg(&m);
    m.b[0].pvBuffer = NULL;
    RUN(r, MakeSignature(&cctx, 0, d, 0));
    sec("MakeSignature", "TOKEN pvBuffer NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[1].pvBuffer = NULL;
    RUN(r, MakeSignature(&cctx, 0, d, 0));
    sec("MakeSignature", "DATA pvBuffer NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    RUN(r, MakeSignature(&cctx, 1, d, 0));
    sec("MakeSignature", "fQOP 1", &r, SEC_E_QOP_NOT_SUPPORTED);
    d = msg(&m);
    RUN(r, MakeSignature(&partial, 0, d, 0));
    sec("MakeSignature", "before the handshake ends", &r, SEC_E_INVALID_HANDLE);
    d = msg(&m);
    m.b[1].BufferType = 0x55;
    m.b[1].pvBuffer = NULL;
    RUN(r, MakeSignature(&sctx, 0, d, 0));
    sec("MakeSignature", "unknown buffer type, pvBuffer NULL (ignored)", &r, SEC_E_OK);
    RUN(r, VerifySignature(&cctx, d, 0, &qop));
    sec("VerifySignature", "  the other side checks it", &r, SEC_E_OK);
    d = msg(&m);
    m.b[0].cbBuffer = 0xffffffff;
    m.b[1].pvBuffer = edge(m.data, 20);
    RUN(r, MakeSignature(&sctx, 0, d, 0));
    sec("MakeSignature", "TOKEN cbBuffer 0xffffffff, DATA at a page end", &r, SEC_E_OK);
    holds("MakeSignature", "  cbBuffer set to 16", m.b[0].cbBuffer == 16);
    RUN(r, VerifySignature(&cctx, d, 0, NULL));
    sec("VerifySignature", "  the other side checks it (pfQOP NULL)", &r, SEC_E_OK);
    edges_free();

    RUN(r, VerifySignature(&cctx, NULL, 0, &qop));
    sec("VerifySignature", "description NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[0].cbBuffer = 15;
    RUN(r, VerifySignature(&cctx, d, 0, &qop));
    sec("VerifySignature", "TOKEN of 15 bytes", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[0].pvBuffer = NULL;
    RUN(r, VerifySignature(&cctx, d, 0, &qop));
    sec("VerifySignature", "TOKEN pvBuffer NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    MakeSignature(&sctx, 0, d, 0);
    m.sig[6] ^= 1;
    RUN(r, VerifySignature(&cctx, d, 0, &qop));
    sec("VerifySignature", "a signature with a checksum bit flipped", &r, SEC_E_MESSAGE_ALTERED);
    m.sig[6] ^= 1;
    RUN(r, VerifySignature(&cctx, d, 0, &qop));
    sec("VerifySignature", "  the real one still verifies", &r, SEC_E_OK);
    RUN(r, VerifySignature(&cctx, d, 0, &qop));
    sec("VerifySignature", "  and is refused when replayed", &r, SEC_E_OUT_OF_SEQUENCE);

    RUN(r, EncryptMessage(&cctx, 0, NULL, 0));
    sec("EncryptMessage", "description NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[0].cbBuffer = 0;
    RUN(r, EncryptMessage(&cctx, 0, d, 0));
    sec("EncryptMessage", "TOKEN of 0 bytes", &r, SEC_E_BUFFER_TOO_SMALL);
    d = msg(&m);
    m.b[0].BufferType = SECBUFFER_EMPTY;
    RUN(r, EncryptMessage(&cctx, 0, d, 0));
    sec("EncryptMessage", "no TOKEN buffer", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    RUN(r, EncryptMessage(&cctx, 0x12345, d, 0));
    sec("EncryptMessage", "fQOP 0x12345", &r, SEC_E_QOP_NOT_SUPPORTED);
    d = msg(&m);
    RUN(r, EncryptMessage(&freed_ctx, 0, d, 0));
    sec("EncryptMessage", "a deleted context", &r, SEC_E_INVALID_HANDLE);
    d = msg(&m);
    d->cBuffers = 1;
    RUN(r, EncryptMessage(&cctx, 0, d, 0));
    sec("EncryptMessage", "no DATA buffer (seals nothing)", &r, SEC_E_OK);
    RUN(r, DecryptMessage(&sctx, d, 0, &qop));
    sec("DecryptMessage", "  the other side opens it", &r, SEC_E_OK);

    RUN(r, DecryptMessage(&sctx, NULL, 0, &qop));
    sec("DecryptMessage", "description NULL", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[0].BufferType = SECBUFFER_STREAM;
    m.b[0].cbBuffer = 10;
    RUN(r, DecryptMessage(&sctx, d, 0, &qop));
    sec("DecryptMessage", "STREAM of 10 bytes", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    m.b[0].BufferType = SECBUFFER_STREAM;
    m.b[0].cbBuffer = 36;
    d->cBuffers = 1;
    RUN(r, DecryptMessage(&sctx, d, 0, &qop));
    sec("DecryptMessage", "STREAM without a DATA buffer", &r, SEC_E_INVALID_TOKEN);
    d = msg(&m);
    EncryptMessage(&cctx, 0, d, 0);
    m.data[3] ^= 0x80;
    RUN(r, DecryptMessage(&sctx, d, 0, &qop));
    sec("DecryptMessage", "a sealed message with a bit flipped", &r, SEC_E_MESSAGE_ALTERED);
    m.data[3] ^= 0x80;
    RUN(r, DecryptMessage(&sctx, d, 0, &qop));
    sec("DecryptMessage", "  the real one (ciphertext put back) opens", &r, SEC_E_OK);
    holds("DecryptMessage", "  to the right text", !memcmp(m.data, "a message to protect", 20));
    d = msg(&m);
    memset(m.sig, 0x5a, 16);
    RUN(r, DecryptMessage(&sctx, d, 0, &qop));
    sec2("DecryptMessage", "16 bytes of garbage as signature", &r, SEC_E_MESSAGE_ALTERED, SEC_E_OUT_OF_SEQUENCE);
    d = msg(&m);
    RUN(r, DecryptMessage(&partial, d, 0, &qop));
    sec("DecryptMessage", "before the handshake ends", &r, SEC_E_INVALID_HANDLE);
    d = msg(&m);
    m.b[1].pvBuffer = edge(m.data, 20);
    m.b[0].pvBuffer = edge(m.sig, 16);
    RUN(r, EncryptMessage(&cctx, 0, d, 0));
    sec("EncryptMessage", "TOKEN and DATA at page ends", &r, SEC_E_OK);
    RUN(r, DecryptMessage(&sctx, d, 0, NULL));
    sec("DecryptMessage", "  opened at page ends, pfQOP NULL", &r, SEC_E_OK);
    edges_free();

    if (seal_message && unseal_message) {
        RUN(r, seal_message(&cctx, 0, NULL, 0));
        sec("SealMessage", "description NULL", &r, SEC_E_INVALID_TOKEN);
        RUN(r, unseal_message(&sctx, NULL, 0, &qop));
        sec("UnsealMessage", "description NULL", &r, SEC_E_INVALID_TOKEN);
        d = msg(&m);
        RUN(r, seal_message(&cctx, 0, d, 0));
        sec("SealMessage", "a message", &r, SEC_E_OK);
        RUN(r, unseal_message(&sctx, d, 0, &qop));
        sec("UnsealMessage", "  opened", &r, SEC_E_OK);
    } else {
        ok(0, "SealMessage/UnsealMessage not exported\n");
    }
    holds("(messages)", "both directions still in step", conversation_works());
    DeleteSecurityContext(&partial);
}

/* ---- export and import -------------------------------------------------------------------------- */

typedef SECURITY_STATUS (WINAPI *fn_import_a)(SEC_CHAR *, PSecBuffer, void *, PCtxtHandle);

static void test_export_import(void)
{
    struct result r;
    SecBuffer blob = { 0 }, bad;
    CtxtHandle c, partial;
    HANDLE token;
    BYTE neg[512], *copy;
    ULONG neg_len = sizeof(neg);

    partial_client(&partial, neg, &neg_len);
    RUN(r, ExportSecurityContext(&cctx, 0, NULL, &token));
    sec("ExportSecurityContext", "packed NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, ExportSecurityContext(&cctx, SECPKG_CONTEXT_EXPORT_TO_KERNEL, &blob, &token));
    sec("ExportSecurityContext", "TO_KERNEL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, ExportSecurityContext(&cctx, 0x100, &blob, &token));
    sec("ExportSecurityContext", "undefined flag 0x100", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, ExportSecurityContext(&partial, 0, &blob, &token));
    sec("ExportSecurityContext", "before the handshake ends", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, ExportSecurityContext(&freed_ctx, 0, &blob, &token));
    sec("ExportSecurityContext", "a deleted context", &r, SEC_E_INVALID_HANDLE);
    RUN(r, ExportSecurityContext((CtxtHandle *)&ccred, 0, &blob, &token));
    sec("ExportSecurityContext", "a credential handle", &r, SEC_E_INVALID_HANDLE);
    RUN(r, ExportSecurityContext(&cctx, 0, &blob, NULL));
    sec("ExportSecurityContext", "token NULL (tolerated)", &r, SEC_E_OK);
    DeleteSecurityContext(&partial);
    if (r.crashed || r.got != SEC_E_OK) return;

    RUN(r, ImportSecurityContextW(NULL, &blob, NULL, &c));
    sec("ImportSecurityContextW", "package NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NoSuchPackage", &blob, NULL, &c));
    sec("ImportSecurityContextW", "unknown package", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", NULL, NULL, &c));
    sec("ImportSecurityContextW", "packed NULL", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, NULL, NULL));
    sec("ImportSecurityContextW", "context NULL", &r, SEC_E_INVALID_PARAMETER);
    bad = (SecBuffer){ 0, SECBUFFER_DATA, blob.pvBuffer };
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
    sec("ImportSecurityContextW", "blob of 0 bytes", &r, SEC_E_INVALID_TOKEN);
    bad = (SecBuffer){ 100, SECBUFFER_DATA, NULL };
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
    sec("ImportSecurityContextW", "pvBuffer NULL, 100 bytes", &r, SEC_E_INVALID_TOKEN);
    {
        BYTE *big = malloc(1 << 20);
        memset(big, 0x33, 1 << 20);
        bad = (SecBuffer){ 1 << 20, SECBUFFER_DATA, big };
        RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
        sec("ImportSecurityContextW", "1 MiB of garbage", &r, SEC_E_INVALID_TOKEN);
        free(big);
    }
    bad = (SecBuffer){ blob.cbBuffer - 1, SECBUFFER_DATA, edge(blob.pvBuffer, blob.cbBuffer - 1) };
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
    sec("ImportSecurityContextW", "blob cut by 1 byte, page end", &r, SEC_E_INVALID_TOKEN);
    edges_free();
    copy = malloc(blob.cbBuffer + 1);
    memcpy(copy, blob.pvBuffer, blob.cbBuffer);
    copy[blob.cbBuffer] = 0;
    bad = (SecBuffer){ blob.cbBuffer + 1, SECBUFFER_DATA, copy };
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
    sec("ImportSecurityContextW", "blob padded by 1 byte", &r, SEC_E_INVALID_TOKEN);
    copy[blob.cbBuffer - 20] ^= 1;
    bad.cbBuffer = blob.cbBuffer;
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
    sec("ImportSecurityContextW", "blob with a ciphertext bit flipped", &r, SEC_E_MESSAGE_ALTERED);
    memcpy(copy, blob.pvBuffer, blob.cbBuffer);
    copy[4] = 99;
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
    sec("ImportSecurityContextW", "blob of format version 99", &r, SEC_E_UNSUPPORTED_FUNCTION);
    free(copy);
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, (void *)(ULONG_PTR)0x1234, &c));
    sec("ImportSecurityContextW", "a made-up token handle", &r, SEC_E_INVALID_HANDLE);
    bad = (SecBuffer){ blob.cbBuffer, SECBUFFER_DATA, edge(blob.pvBuffer, blob.cbBuffer) };
    RUN(r, ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &bad, NULL, &c));
    sec("ImportSecurityContextW", "blob at a page end", &r, SEC_E_OK);
    delete_if(&r, &c);
    edges_free();

    fn_import_a import_a = FN(fn_import_a, "ImportSecurityContextA");
    RUN(r, import_a(NULL, &blob, NULL, &c));
    sec("ImportSecurityContextA", "package NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, import_a((SEC_CHAR *)"\xff\xfe\x80", &blob, NULL, &c));
    sec("ImportSecurityContextA", "package of bytes the code page lacks", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, import_a((SEC_CHAR *)"ntlm", &blob, NULL, &c));
    sec("ImportSecurityContextA", "package in another case", &r, SEC_E_OK);
    delete_if(&r, &c);
    FreeContextBuffer(blob.pvBuffer);
}

/* ---- exports that refuse, or are not implemented -------------------------------------------------- */

typedef SECURITY_STATUS (WINAPI *fn_sasl_enum)(void *, ULONG *);
typedef SECURITY_STATUS (WINAPI *fn_sasl_get)(void *, void *);
typedef SECURITY_STATUS (WINAPI *fn_sasl_isc)(PCredHandle, PCtxtHandle, void *, ULONG, ULONG, ULONG, PSecBufferDesc,
                                              ULONG, PCtxtHandle, PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS (WINAPI *fn_sasl_asc)(PCredHandle, PCtxtHandle, PSecBufferDesc, ULONG, ULONG, PCtxtHandle,
                                              PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS (WINAPI *fn_void0)(void);
typedef SECURITY_STATUS (WINAPI *fn_ptr1)(void *);
typedef SECURITY_STATUS (WINAPI *fn_ptr2)(void *, void *);
typedef SECURITY_STATUS (WINAPI *fn_user_info)(void *, ULONG, void **);
typedef BOOLEAN (WINAPI *fn_translate)(void *, const void *, ULONG, ULONG, void *, ULONG *);
typedef BOOLEAN (WINAPI *fn_translate_ex)(void *, const void *, ULONG, ULONG *, ULONG, void *);
typedef void (WINAPI *fn_free)(void *);
typedef NTSTATUS (WINAPI *fn_policy)(int, HANDLE);
typedef SECURITY_STATUS (WINAPI *fn_add_pkg)(void *, void *);
typedef SECURITY_STATUS (WINAPI *fn_del_pkg)(void *);

static void test_refusing(void)
{
    struct result r;
    ULONG n;
    void *p = (void *)0xdeadbeef;
    CtxtHandle c;
    SECURITY_PACKAGE_OPTIONS opts = { 0 };

    RUN(r, FN(fn_add_pkg, "AddSecurityPackageW")(NULL, NULL));
    sec("AddSecurityPackageW", "name NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, FN(fn_add_pkg, "AddSecurityPackageW")(L"C:\\no\\such\\provider.dll", NULL));
    sec("AddSecurityPackageW", "a DLL that does not exist", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, FN(fn_add_pkg, "AddSecurityPackageW")(L"provider.dll", &opts));
    sec("AddSecurityPackageW", "options with Size 0", &r, SEC_E_INVALID_PARAMETER);
    RUN(r, FN(fn_add_pkg, "AddSecurityPackageA")(NULL, NULL));
    sec("AddSecurityPackageA", "name NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, FN(fn_add_pkg, "AddSecurityPackageA")("\xff\xfe\x80.dll", NULL));
    sec("AddSecurityPackageA", "name of bytes the code page lacks", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, FN(fn_del_pkg, "DeleteSecurityPackageW")(NULL));
    sec("DeleteSecurityPackageW", "name NULL", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, FN(fn_del_pkg, "DeleteSecurityPackageW")(L"NoSuchPackage"));
    sec("DeleteSecurityPackageW", "unknown package", &r, SEC_E_SECPKG_NOT_FOUND);
    RUN(r, FN(fn_del_pkg, "DeleteSecurityPackageA")(NULL));
    sec("DeleteSecurityPackageA", "name NULL", &r, SEC_E_SECPKG_NOT_FOUND);

    RUN(r, FN(fn_sasl_enum, "SaslEnumerateProfilesW")(NULL, NULL));
    sec("SaslEnumerateProfilesW", "NULL, NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_sasl_enum, "SaslEnumerateProfilesA")(&p, &n));
    sec("SaslEnumerateProfilesA", "outputs given", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_sasl_get, "SaslGetProfilePackageW")(NULL, NULL));
    sec("SaslGetProfilePackageW", "NULL, NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_sasl_get, "SaslGetProfilePackageA")((void *)"GSSAPI", &p));
    sec("SaslGetProfilePackageA", "a profile", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_sasl_get, "SaslIdentifyPackageW")(NULL, NULL));
    sec("SaslIdentifyPackageW", "NULL, NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_sasl_get, "SaslIdentifyPackageA")(NULL, &p));
    sec("SaslIdentifyPackageA", "input NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_sasl_isc, "SaslInitializeSecurityContextW")(NULL, NULL, NULL, 0, 0, 0, NULL, 0, &c, NULL, NULL, NULL));
    sec("SaslInitializeSecurityContextW", "no handles", &r, SEC_E_INVALID_HANDLE);
    RUN(r, FN(fn_sasl_isc, "SaslInitializeSecurityContextA")(&ccred, NULL, "x", 0, 0, 0, NULL, 0, &c, NULL, NULL, NULL));
    sec("SaslInitializeSecurityContextA", "a credential", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_sasl_asc, "SaslAcceptSecurityContext")(NULL, &freed_ctx, NULL, 0, 0, &c, NULL, NULL, NULL));
    sec("SaslAcceptSecurityContext", "a deleted context", &r, SEC_E_INVALID_HANDLE);

    RUN(r, FN(fn_void0, "SecCacheSspiPackages")());
    sec("SecCacheSspiPackages", "()", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_ptr1, "SecGetLocaleSpecificEncryptionRules")(NULL));
    sec("SecGetLocaleSpecificEncryptionRules", "NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_user_info, "GetSecurityUserInfo")(NULL, 0, NULL));
    sec("GetSecurityUserInfo", "NULL, 0, NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_ptr2, "SecInitUserModeContext")(NULL, NULL));
    sec("SecInitUserModeContext", "NULL, NULL", &r, SEC_E_UNSUPPORTED_FUNCTION);
    RUN(r, FN(fn_ptr1, "SecDeleteUserModeContext")(NULL));
    sec("SecDeleteUserModeContext", "NULL", &r, SEC_E_INVALID_HANDLE);
    RUN(r, FN(fn_ptr1, "SecDeleteUserModeContext")(&freed_ctx));
    sec("SecDeleteUserModeContext", "a deleted context", &r, SEC_E_INVALID_HANDLE);
    RUN(r, FN(fn_translate, "SecpTranslateName")(NULL, NULL, 0, 0, NULL, NULL));
    fails("SecpTranslateName", "all NULL", &r, ERROR_CALL_NOT_IMPLEMENTED, ERROR_CALL_NOT_IMPLEMENTED);
    RUN(r, FN(fn_translate_ex, "SecpTranslateNameEx")(NULL, NULL, 0, NULL, 0, NULL));
    fails("SecpTranslateNameEx", "all NULL", &r, ERROR_CALL_NOT_IMPLEMENTED, ERROR_CALL_NOT_IMPLEMENTED);
    RUN(r, (FN(fn_free, "SecpFreeMemory")(NULL), 0));
    returns("SecpFreeMemory", "NULL", &r);
    RUN(r, FN(fn_policy, "LsaRegisterPolicyChangeNotification")(0, NULL));
    sec("LsaRegisterPolicyChangeNotification", "0, NULL", &r, NT_NOT_IMPLEMENTED);
    RUN(r, FN(fn_policy, "LsaUnregisterPolicyChangeNotification")(99, (HANDLE)0x1234));
    sec("LsaUnregisterPolicyChangeNotification", "class 99, a made-up event", &r, NT_NOT_IMPLEMENTED);
}

/* ---- exports passed to the host secur32 and to sspicli ----------------------------------------- */

typedef BOOLEAN (WINAPI *fn_name_w)(EXTENDED_NAME_FORMAT, WCHAR *, ULONG *);
typedef BOOLEAN (WINAPI *fn_name_a)(EXTENDED_NAME_FORMAT, char *, ULONG *);
typedef BOOLEAN (WINAPI *fn_translate_w)(const WCHAR *, EXTENDED_NAME_FORMAT, EXTENDED_NAME_FORMAT, WCHAR *, ULONG *);
typedef BOOLEAN (WINAPI *fn_translate_a)(const char *, EXTENDED_NAME_FORMAT, EXTENDED_NAME_FORMAT, char *, ULONG *);
typedef NTSTATUS (WINAPI *fn_lsa1)(void *);
typedef NTSTATUS (WINAPI *fn_lsa2)(void *, void *);
typedef NTSTATUS (WINAPI *fn_lsa3)(void *, void *, void *);
typedef NTSTATUS (WINAPI *fn_lsa_call)(HANDLE, ULONG, void *, ULONG, void **, ULONG *, NTSTATUS *);
typedef NTSTATUS (WINAPI *fn_lsa_logon)(HANDLE, void *, int, ULONG, void *, ULONG, void *, void *, void **, ULONG *,
                                        void *, HANDLE *, void *, NTSTATUS *);
typedef SECURITY_STATUS (WINAPI *fn_encode_strings)(const WCHAR *, const WCHAR *, const WCHAR *, void **);
typedef SECURITY_STATUS (WINAPI *fn_encode_id)(void *, const WCHAR **, const WCHAR **, const WCHAR **);
typedef SECURITY_STATUS (WINAPI *fn_prepare)(void *, const WCHAR *, ULONG *, const WCHAR **, const WCHAR **,
                                             BYTE **, ULONG *);

static void test_passed_on(void)
{
    struct result r;
    ULONG size;
    WCHAR namew[256];
    char namea[256];
    void *id;
    NTSTATUS sub = 0;
    void *out = NULL;
    ULONG out_len = 0;

    /* GetUserNameEx: Wine's secur32.c tests give Windows' answers. */
    size = 0;
    RUN(r, FN(fn_name_w, "GetUserNameExW")(NameSamCompatible, NULL, &size));
    fails("GetUserNameExW", "buffer NULL, size 0", &r, ERROR_MORE_DATA, ERROR_MORE_DATA);
    holds("GetUserNameExW", "  the size needed is returned", size != 0);
    size = 1;
    namew[0] = 0xff;
    RUN(r, FN(fn_name_w, "GetUserNameExW")(NameSamCompatible, namew, &size));
    fails("GetUserNameExW", "buffer of 1 character", &r, ERROR_MORE_DATA, ERROR_MORE_DATA);
    holds("GetUserNameExW", "  buffer left alone", namew[0] == 0xff);
    size = 256;
    RUN(r, FN(fn_name_w, "GetUserNameExW")(NameUnknown, namew, &size));
    fails("GetUserNameExW", "NameUnknown", &r, ERROR_NO_SUCH_USER, ERROR_NONE_MAPPED);
    size = 0;
    RUN(r, FN(fn_name_a, "GetUserNameExA")(NameSamCompatible, NULL, &size));
    fails("GetUserNameExA", "buffer NULL, size 0", &r, ERROR_MORE_DATA, ERROR_MORE_DATA);
    size = 1;
    namea[0] = (char)0xff;
    RUN(r, FN(fn_name_a, "GetUserNameExA")(NameSamCompatible, namea, &size));
    fails("GetUserNameExA", "buffer of 1 character", &r, ERROR_MORE_DATA, ERROR_MORE_DATA);
    holds("GetUserNameExA", "  buffer left alone", namea[0] == (char)0xff);
    size = 256;
    RUN(r, FN(fn_name_a, "GetUserNameExA")(NameUnknown, namea, &size));
    fails("GetUserNameExA", "NameUnknown", &r, ERROR_NO_SUCH_USER, ERROR_NONE_MAPPED);
    size = 256;
    RUN(r, FN(fn_name_w, "GetComputerObjectNameW")(NameUnknown, namew, &size));
    fails("GetComputerObjectNameW", "NameUnknown", &r, ERROR_INVALID_PARAMETER, ERROR_CANT_ACCESS_DOMAIN_INFO);
    size = 256;
    RUN(r, FN(fn_name_a, "GetComputerObjectNameA")(NameUnknown, namea, &size));
    fails("GetComputerObjectNameA", "NameUnknown", &r, ERROR_INVALID_PARAMETER, ERROR_CANT_ACCESS_DOMAIN_INFO);
    size = 256;
    RUN(r, FN(fn_translate_w, "TranslateNameW")(NULL, NameSamCompatible, NameDisplay, namew, &size));
    fails("TranslateNameW", "name NULL", &r, ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);
    size = 256;
    RUN(r, FN(fn_translate_a, "TranslateNameA")(NULL, NameSamCompatible, NameDisplay, namea, &size));
    fails("TranslateNameA", "name NULL", &r, ERROR_INVALID_PARAMETER, ERROR_INVALID_PARAMETER);

    /* LSA: NULL outputs and handles the DLL did not hand out are refused
     * before Wine's builtin, which would write through them, sees them. */
    RUN(r, FN(fn_lsa1, "LsaFreeReturnBuffer")(NULL));
    sec("LsaFreeReturnBuffer", "NULL", &r, NT_SUCCESS_);
    RUN(r, FN(fn_lsa1, "LsaDeregisterLogonProcess")(NULL));
    sec("LsaDeregisterLogonProcess", "NULL", &r, NT_INVALID_HANDLE);
    RUN(r, FN(fn_lsa1, "LsaDeregisterLogonProcess")((HANDLE)0x1234));
    sec("LsaDeregisterLogonProcess", "a made-up handle", &r, NT_INVALID_HANDLE);
    {
        HANDLE lsa = NULL;
        LSA_STRING pkg = { 4, 5, (char *)"NTLM" };
        ULONG id = 0;
        RUN(r, FN(fn_lsa1, "LsaConnectUntrusted")(&lsa));
        sec("LsaConnectUntrusted", "a handle", &r, NT_SUCCESS_);
        RUN(r, FN(fn_lsa3, "LsaLookupAuthenticationPackage")(lsa, &pkg, NULL));
        sec("LsaLookupAuthenticationPackage", "package id NULL", &r, NT_INVALID_PARAMETER);
        RUN(r, FN(fn_lsa_call, "LsaCallAuthenticationPackage")(lsa, 0x7777, NULL, 16, &out, &out_len, &sub));
        sec("LsaCallAuthenticationPackage", "input NULL of 16 bytes", &r, NT_INVALID_PARAMETER);
        RUN(r, FN(fn_lsa1, "LsaDeregisterLogonProcess")(lsa));
        sec("LsaDeregisterLogonProcess", "that handle", &r, NT_SUCCESS_);
        RUN(r, FN(fn_lsa1, "LsaDeregisterLogonProcess")(lsa));
        sec("LsaDeregisterLogonProcess", "that handle again", &r, NT_INVALID_HANDLE);
        RUN(r, FN(fn_lsa3, "LsaLookupAuthenticationPackage")(lsa, &pkg, &id));
        sec("LsaLookupAuthenticationPackage", "a deregistered handle", &r, NT_INVALID_HANDLE);
    }
    RUN(r, FN(fn_lsa1, "LsaConnectUntrusted")(NULL));
    sec("LsaConnectUntrusted", "handle NULL", &r, NT_INVALID_PARAMETER);
    RUN(r, FN(fn_lsa2, "LsaEnumerateLogonSessions")(NULL, NULL));
    sec("LsaEnumerateLogonSessions", "NULL, NULL", &r, NT_INVALID_PARAMETER);
    RUN(r, FN(fn_lsa2, "LsaGetLogonSessionData")(NULL, NULL));
    sec("LsaGetLogonSessionData", "NULL, NULL", &r, NT_INVALID_PARAMETER);
    RUN(r, FN(fn_lsa3, "LsaRegisterLogonProcess")(NULL, NULL, NULL));
    sec("LsaRegisterLogonProcess", "NULL, NULL, NULL", &r, NT_INVALID_PARAMETER);
    RUN(r, FN(fn_lsa3, "LsaLookupAuthenticationPackage")(NULL, NULL, NULL));
    sec("LsaLookupAuthenticationPackage", "NULL, NULL, NULL", &r, NT_INVALID_HANDLE);
    RUN(r, FN(fn_lsa_call, "LsaCallAuthenticationPackage")((HANDLE)0x1234, 0x7777, NULL, 0, &out, &out_len, &sub));
    sec("LsaCallAuthenticationPackage", "a made-up handle", &r, NT_INVALID_HANDLE);
    RUN(r, FN(fn_lsa_logon, "LsaLogonUser")((HANDLE)0x1234, NULL, 2, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL,
                                            NULL, NULL));
    sec("LsaLogonUser", "a made-up handle", &r, NT_INVALID_HANDLE);

    /* sspicli: Wine's secur32.c tests give Windows' answers. */
    RUN(r, FN(fn_encode_strings, "SspiEncodeStringsAsAuthIdentity")(NULL, NULL, NULL, NULL));
    sec("SspiEncodeStringsAsAuthIdentity", "all NULL", &r, SEC_E_INVALID_TOKEN);
    id = (void *)0xdeadbeef;
    RUN(r, FN(fn_encode_strings, "SspiEncodeStringsAsAuthIdentity")(NULL, NULL, NULL, &id));
    sec("SspiEncodeStringsAsAuthIdentity", "no strings", &r, SEC_E_INVALID_TOKEN);
    holds("SspiEncodeStringsAsAuthIdentity", "  output left alone", id == (void *)0xdeadbeef);
    RUN(r, (FN(fn_free, "SspiFreeAuthIdentity")(NULL), 0));
    returns("SspiFreeAuthIdentity", "NULL", &r);
    RUN(r, (FN(fn_free, "SspiZeroAuthIdentity")(NULL), 0));
    returns("SspiZeroAuthIdentity", "NULL", &r);
    RUN(r, (FN(fn_free, "SspiLocalFree")(NULL), 0));
    returns("SspiLocalFree", "NULL", &r);
    /* A NULL identity is passed to sspicli as Windows' secur32 passes it
     * (these exports are forwarders there too), and Wine's sspicli
     * dereferences it: not a case here.  An identity without a domain is
     * (Wine's secur32.c tests). */
    id = NULL;
    RUN(r, FN(fn_encode_strings, "SspiEncodeStringsAsAuthIdentity")(L"user", NULL, L"password", &id));
    sec("SspiEncodeStringsAsAuthIdentity", "domain NULL", &r, SEC_E_OK);
    if (!r.crashed && r.got == SEC_E_OK) {
        const WCHAR *u = NULL, *d = (const WCHAR *)0xdeadbeef, *pw = NULL;
        RUN(r, FN(fn_encode_id, "SspiEncodeAuthIdentityAsStrings")(id, &u, &d, &pw));
        sec("SspiEncodeAuthIdentityAsStrings", "identity without a domain", &r, SEC_E_OK);
        holds("SspiEncodeAuthIdentityAsStrings", "  domain set to NULL", d == NULL);
        FN(fn_free, "SspiLocalFree")((void *)u);
        FN(fn_free, "SspiLocalFree")((void *)pw);
        {
            const WCHAR *target = NULL, *user = NULL;
            BYTE *blob = NULL;
            ULONG type = 0, blob_len = 0;
            RUN(r, FN(fn_prepare, "SspiPrepareForCredWrite")(id, L"server", &type, &target, &user, &blob, &blob_len));
            sec("SspiPrepareForCredWrite", "identity without a domain", &r, SEC_E_OK);
            if (!r.crashed && r.got == SEC_E_OK) {
                FN(fn_free, "SspiLocalFree")((void *)target);
                FN(fn_free, "SspiLocalFree")((void *)user);
                FN(fn_free, "SspiLocalFree")(blob);
            }
        }
        RUN(r, (FN(fn_free, "SspiZeroAuthIdentity")(id), 0));
        returns("SspiZeroAuthIdentity", "that identity", &r);
        FN(fn_free, "SspiFreeAuthIdentity")(id);
    }
}

/* ---- afterwards ----------------------------------------------------------------------------------- */

static void test_still_working(void)
{
    struct handshake h;
    struct sspishim_stats s;
    ULONG n;
    PSecPkgInfoW info;

    holds("(after the matrix)", "the conversation goes on", conversation_works());
    holds("(after the matrix)", "a new handshake works", handshake(&ccred, &scred, REQ, &h) == SEC_E_OK);
    DeleteSecurityContext(&h.client);
    DeleteSecurityContext(&h.server);
    holds("(after the matrix)", "EnumerateSecurityPackagesW works",
          EnumerateSecurityPackagesW(&n, &info) == SEC_E_OK && n > 0);
    FreeContextBuffer(info);
    DeleteSecurityContext(&cctx);
    DeleteSecurityContext(&sctx);
    FreeCredentialsHandle(&ccred);
    FreeCredentialsHandle(&scred);
    s = stats();
    printf("badinput: left behind: %u credentials, %u contexts, %u objects, %u tokens (started with %u, %u, %u, %u)\n",
           s.live_credentials, s.live_contexts, s.live_objects, s.live_tokens, baseline.live_credentials,
           baseline.live_contexts, baseline.live_objects, baseline.live_tokens);
    holds("(after the matrix)", "no credential, context, object or token left",
          s.live_credentials == baseline.live_credentials && s.live_contexts == baseline.live_contexts &&
          s.live_objects == baseline.live_objects && s.live_tokens == baseline.live_tokens);
}

static void run_tests(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    dll = GetModuleHandleA("secur32.dll");
    if (!dll || !GetProcAddress(dll, "SspiShimVersion")) {
        ok(0, "secur32.dll is not sspishim\n");
        return;
    }
#ifdef _WIN64
    SetUnhandledExceptionFilter(case_filter);
#endif
    setup();
    printf("badinput: %-33s %-50s %-27s %-27s %s\n", "function", "case", "expected", "got", "result");
    test_packages();
    test_credentials();
    test_initialize();
    test_accept();
    test_negotiate();
    test_context_calls();
    test_messages();
    test_export_import();
    test_refusing();
    test_passed_on();
    test_still_working();
    printf("badinput: %d cases, %d as expected, %d not\n", cases, cases - cases_failed, cases_failed);
    DeleteFileA(accounts);
}
