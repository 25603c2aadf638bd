/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The demo: three Windows processes and one conversation.
 *
 *   client  authenticates to the server (NTLM, or Negotiate, which picks
 *           Kerberos when a realm is given), then keeps talking
 *   server  accepts, then hands the live context and the client's token to
 *           a worker (ExportSecurityContext with DELETE_OLD, the blob over
 *           a pipe, the token with DuplicateHandle) and steps out
 *   worker  imports the context, opens what the client sealed, answers,
 *           and impersonates the client
 *
 * One program plays all three parts: run without arguments it is the
 * server and starts the other two.  Each process prints its own lines.
 * With "kerberos REALM" (alice's password in SSPISHIM_DEMO_PASSWORD, the
 * realm's files in KRB5_CONFIG and KRB5_KTNAME) the package is Negotiate,
 * the client alice@REALM and the service HTTP/localhost; the children
 * learn the realm from SSPISHIM_DEMO_REALM, which they inherit. */
#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdio.h>
#include <string.h>

#include "sspishim/sspishim.h"

#define REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | \
             ISC_REQ_CONNECTION)

static const char *who = "server";
/* NTLM, or Negotiate over Kerberos when a realm is set. */
static const WCHAR *package = L"NTLM";
static WCHAR realm[64];
static const WCHAR *target = L"demo-server";
/* Kerberos adds mutual authentication: the server's AP-REP comes back to
 * the client, which then knows it talks to HTTP/localhost. */
static ULONG req = REQ;

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%-7s| ", who);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

static const char *status_name(SECURITY_STATUS st)
{
    switch (st) {
    case SEC_E_OK: return "SEC_E_OK";
    case SEC_I_CONTINUE_NEEDED: return "SEC_I_CONTINUE_NEEDED";
    case SEC_E_INVALID_HANDLE: return "SEC_E_INVALID_HANDLE";
    case SEC_E_LOGON_DENIED: return "SEC_E_LOGON_DENIED";
    case SEC_E_INVALID_TOKEN: return "SEC_E_INVALID_TOKEN";
    case SEC_E_NO_CREDENTIALS: return "SEC_E_NO_CREDENTIALS";
    case SEC_E_TARGET_UNKNOWN: return "SEC_E_TARGET_UNKNOWN";
    default: return "an error";
    }
}

static void die(const char *what, SECURITY_STATUS st)
{
    say("%s failed: %08lx (%s)\n", what, (unsigned long)st, status_name(st));
    ExitProcess(1);
}

/* ---- framing: u32 length, bytes -------------------------------------------------- */

static void put(HANDLE h, const void *p, DWORD n)
{
    DWORD done;
    if (!WriteFile(h, &n, 4, &done, NULL) || (n && !WriteFile(h, p, n, &done, NULL))) die("WriteFile", 0);
}

static DWORD get(HANDLE h, void *buf, DWORD max)
{
    DWORD n, done, got = 0;
    if (!ReadFile(h, &n, 4, &done, NULL) || done != 4 || n > max) die("ReadFile", 0);
    while (got < n) {
        if (!ReadFile(h, (BYTE *)buf + got, n - got, &done, NULL) || !done) die("ReadFile", 0);
        got += done;
    }
    return n;
}

/* A sealed message on the wire: the security trailer (its size is the
 * package's: 16 bytes for NTLM, 60 for Kerberos with AES), then the data. */
static void send_sealed(CtxtHandle *ctx, HANDLE out, const char *text)
{
    BYTE trailer[128], data[512];
    DWORD n = (DWORD)strlen(text);
    SecPkgContext_Sizes sizes;
    SECURITY_STATUS st = QueryContextAttributesW(ctx, SECPKG_ATTR_SIZES, &sizes);
    if (st != SEC_E_OK) die("QueryContextAttributesW(SIZES)", st);
    if (sizes.cbSecurityTrailer > sizeof(trailer) || n > sizeof(data)) die("send_sealed: too long", 0);
    SecBuffer b[2] = { { sizes.cbSecurityTrailer, SECBUFFER_TOKEN, trailer }, { n, SECBUFFER_DATA, data } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    memcpy(data, text, n);
    st = EncryptMessage(ctx, 0, &d, 0);
    if (st != SEC_E_OK) die("EncryptMessage", st);
    put(out, trailer, b[0].cbBuffer);
    put(out, data, b[1].cbBuffer);
}

static void recv_sealed(CtxtHandle *ctx, HANDLE in, char *text)
{
    BYTE trailer[128], data[512];
    DWORD t = get(in, trailer, sizeof(trailer)), n = get(in, data, sizeof(data) - 1);
    SecBuffer b[2] = { { t, SECBUFFER_TOKEN, trailer }, { n, SECBUFFER_DATA, data } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop;
    SECURITY_STATUS st = DecryptMessage(ctx, &d, 0, &qop);
    if (st != SEC_E_OK) die("DecryptMessage", st);
    memcpy(text, data, b[1].cbBuffer);
    text[b[1].cbBuffer] = 0;
}

/* "Negotiate chose Kerberos", or the package of an NTLM context. */
static void say_package(CtxtHandle *ctx, const char *what)
{
    SecPkgContext_NegotiationInfoW ni;
    SecPkgContext_PackageInfoW pi;
    if (wcscmp(package, L"NTLM") && QueryContextAttributesW(ctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni) == SEC_E_OK) {
        say("%s: package Negotiate, which chose %ls (SECPKG_ATTR_NEGOTIATION_INFO, state %lu: %s)\n", what,
            ni.PackageInfo->Name, (unsigned long)ni.NegotiationState,
            ni.NegotiationState == SECPKG_NEGOTIATION_COMPLETE ? "complete" : "not complete");
        FreeContextBuffer(ni.PackageInfo);
    } else if (QueryContextAttributesW(ctx, SECPKG_ATTR_PACKAGE_INFO, &pi) == SEC_E_OK) {
        say("%s: package %ls (SECPKG_ATTR_PACKAGE_INFO)\n", what, pi.PackageInfo->Name);
        FreeContextBuffer(pi.PackageInfo);
    }
}

/* The mode the server was started in, from the environment it passed on. */
static void read_mode(void)
{
    char r[64];
    DWORD n = GetEnvironmentVariableA("SSPISHIM_DEMO_REALM", r, sizeof(r));
    if (!n || n >= sizeof(r)) return;
    MultiByteToWideChar(CP_ACP, 0, r, -1, realm, 64);
    package = L"Negotiate";
    target = L"HTTP/localhost";
    req = REQ | ISC_REQ_MUTUAL_AUTH;
}

static HANDLE spawn(const char *args, HANDLE in, HANDLE out, PROCESS_INFORMATION *pi)
{
    char self[MAX_PATH], cmd[MAX_PATH + 64];
    STARTUPINFOA si;
    GetModuleFileNameA(NULL, self, sizeof(self));
    snprintf(cmd, sizeof(cmd), "\"%s\" %s %llu %llu", self, args, (unsigned long long)(ULONG_PTR)in, (unsigned long long)(ULONG_PTR)out);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, pi)) die("CreateProcess", 0);
    return pi->hProcess;
}

static void pipe_pair(HANDLE *r, HANDLE *w)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    if (!CreatePipe(r, w, &sa, 0)) die("CreatePipe", 0);
}

/* ---- the client ------------------------------------------------------------------ */

static void client(HANDLE in, HANDLE out)
{
    SEC_WINNT_AUTH_IDENTITY_W id = { (unsigned short *)L"alice", 5, (unsigned short *)L"DEMO", 4,
                                     (unsigned short *)L"Secret1", 7, SEC_WINNT_AUTH_IDENTITY_UNICODE };
    WCHAR pw[128];
    if (realm[0]) {
        DWORD n = GetEnvironmentVariableW(L"SSPISHIM_DEMO_PASSWORD", pw, 128);
        if (!n || n >= 128) die("SSPISHIM_DEMO_PASSWORD is not set", 0);
        id.Domain = (unsigned short *)realm, id.DomainLength = (ULONG)wcslen(realm);
        id.Password = (unsigned short *)pw, id.PasswordLength = n;
    }
    CredHandle cred;
    CtxtHandle ctx;
    TimeStamp ts;
    ULONG attrs;
    BYTE tok[4096], in_tok[4096];
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)package, SECPKG_CRED_OUTBOUND, NULL, &id,
                                                   NULL, NULL, &cred, &ts);
    SecureZeroMemory(pw, sizeof(pw));
    if (st != SEC_E_OK) die("AcquireCredentialsHandleW", st);
    if (realm[0])
        say("I am alice@%ls; authenticating to %ls with Negotiate (the KDC gives the ticket)\n", realm, target);
    else
        say("I am DEMO\\alice; authenticating to the server with NTLM\n");
    /* Tokens go out while there are any; an answer is awaited only while
     * the context says it needs one. */
    for (int leg = 0;; leg++) {
        SecBuffer ob = { sizeof(tok), SECBUFFER_TOKEN, tok }, ib = { 0, SECBUFFER_TOKEN, in_tok };
        SecBufferDesc od = { SECBUFFER_VERSION, 1, &ob }, id2 = { SECBUFFER_VERSION, 1, &ib };
        if (leg) ib.cbBuffer = get(in, in_tok, sizeof(in_tok));
        st = InitializeSecurityContextW(&cred, leg ? &ctx : NULL, (SEC_WCHAR *)target, req, 0,
                                        SECURITY_NATIVE_DREP, leg ? &id2 : NULL, 0, &ctx, &od, &attrs, &ts);
        if (st < 0) die("InitializeSecurityContextW", st);
        if (ob.cbBuffer) {
            say("InitializeSecurityContextW -> %s, sending %lu bytes\n", status_name(st), ob.cbBuffer);
            put(out, tok, ob.cbBuffer);
        } else {
            say("InitializeSecurityContextW -> %s, nothing more to send\n", status_name(st));
        }
        if (st == SEC_E_OK) break;
    }
    say_package(&ctx, "established");
    char text[512];
    recv_sealed(&ctx, in, text);
    say("the server says (sealed): \"%s\"\n", text);
    static const char *const lines[] = { "what is my balance?", "transfer 10 to bob", "thanks, bye" };
    for (int i = 0; i < 3; i++) {
        say("seals and sends: \"%s\"\n", lines[i]);
        send_sealed(&ctx, out, lines[i]);
        recv_sealed(&ctx, in, text);
        say("answer (sealed): \"%s\"\n", text);
    }
    DeleteSecurityContext(&ctx);
    FreeCredentialsHandle(&cred);
    ExitProcess(0);
}

/* ---- the worker ------------------------------------------------------------------ */

static void worker(HANDLE control, HANDLE unused)
{
    static BYTE blob[8192];
    ULONGLONG handles[3];
    (void)unused;
    who = "worker";
    DWORD n = get(control, blob, sizeof(blob));
    get(control, handles, sizeof(handles));
    HANDLE token = (HANDLE)(ULONG_PTR)handles[0], in = (HANDLE)(ULONG_PTR)handles[1],
           out = (HANDLE)(ULONG_PTR)handles[2];
    say("process %lu got a %lu-byte packed context and token handle %p\n", GetCurrentProcessId(), n, token);
    SecBuffer packed = { n, SECBUFFER_DATA, blob };
    CtxtHandle ctx;
    SECURITY_STATUS st = ImportSecurityContextW((SEC_WCHAR *)package, &packed, token, &ctx);
    say("ImportSecurityContextW(\"%ls\") -> %s\n", package, status_name(st));
    if (st != SEC_E_OK) die("ImportSecurityContextW", st);
    CloseHandle(token);   /* the context holds its own copy */
    say_package(&ctx, "imported");

    SecPkgContext_NamesW names;
    if (QueryContextAttributesW(&ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
        say("the context says the client is %ls\n", names.sUserName);
        FreeContextBuffer(names.sUserName);
    }
    SecPkgContext_NativeNamesW native;
    if (realm[0] && QueryContextAttributesW(&ctx, SECPKG_ATTR_NATIVE_NAMES, &native) == SEC_E_OK) {
        say("Kerberos names (SECPKG_ATTR_NATIVE_NAMES): client %ls, service %ls\n", native.sClientName,
            native.sServerName);
        FreeContextBuffer(native.sClientName);
        FreeContextBuffer(native.sServerName);
    }
    st = ImpersonateSecurityContext(&ctx);
    HANDLE thread_token;
    if (st == SEC_E_OK && OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &thread_token)) {
        BYTE buf[256];
        DWORD len;
        char name[64] = "?", domain[64] = "?";
        DWORD nn = sizeof(name), dn = sizeof(domain);
        SID_NAME_USE use;
        if (GetTokenInformation(thread_token, TokenUser, buf, sizeof(buf), &len))
            LookupAccountSidA(NULL, ((TOKEN_USER *)buf)->User.Sid, name, &nn, domain, &dn, &use);
        say("impersonating: this thread runs with the client's token (%s\\%s, Wine's only user)\n", domain, name);
        CloseHandle(thread_token);
        RevertSecurityContext(&ctx);
    } else {
        say("ImpersonateSecurityContext -> %08lx\n", (unsigned long)st);
    }

    char text[512], reply[600];
    static const char *const answers[] = { "your balance is 42", "done: 10 sent to bob", "bye, alice" };
    for (int i = 0; i < 3; i++) {
        recv_sealed(&ctx, in, text);
        say("opened: \"%s\"\n", text);
        snprintf(reply, sizeof(reply), "%s (from worker %lu)", answers[i], GetCurrentProcessId());
        send_sealed(&ctx, out, reply);
    }
    DeleteSecurityContext(&ctx);
    ExitProcess(0);
}

/* ---- the server ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    read_mode();
    if (argc == 4 && !strcmp(argv[1], "--client")) {
        who = "client";
        client((HANDLE)(ULONG_PTR)_strtoui64(argv[2], NULL, 10), (HANDLE)(ULONG_PTR)_strtoui64(argv[3], NULL, 10));
    }
    if (argc == 4 && !strcmp(argv[1], "--worker"))
        worker((HANDLE)(ULONG_PTR)_strtoui64(argv[2], NULL, 10), NULL);
    if (argc == 3 && !strcmp(argv[1], "kerberos")) {
        /* The children inherit the realm, and so the mode. */
        SetEnvironmentVariableA("SSPISHIM_DEMO_REALM", argv[2]);
        read_mode();
    } else if (argc != 1) {
        printf("usage: %s [kerberos REALM]\n", argv[0]);
        return 2;
    }

    char accounts[MAX_PATH], dir[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    HANDLE f = CreateFileA(accounts, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD done;
    WriteFile(f, "DEMO:alice:Secret1\n", 19, &done, NULL);
    CloseHandle(f);
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);

    if (realm[0])
        say("sspishim %s is this program's secur32.dll; realm %ls, service HTTP/localhost (keytab)\n",
            SspiShimVersion(), realm);
    else
        say("sspishim %s is this program's secur32.dll; accounts: DEMO:alice:Secret1 in %s\n", SspiShimVersion(),
            accounts);
    HANDLE c2s_r, c2s_w, s2c_r, s2c_w;
    pipe_pair(&c2s_r, &c2s_w);
    pipe_pair(&s2c_r, &s2c_w);
    PROCESS_INFORMATION cpi, wpi;
    spawn("--client", s2c_r, c2s_w, &cpi);

    CredHandle cred;
    CtxtHandle ctx;
    TimeStamp ts;
    ULONG attrs;
    BYTE tok[4096], in_tok[4096];
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)package, SECPKG_CRED_INBOUND, NULL, NULL,
                                                   NULL, NULL, &cred, &ts);
    if (st != SEC_E_OK) die("AcquireCredentialsHandleW", st);
    for (int leg = 0;; leg++) {
        SecBuffer ib = { get(c2s_r, in_tok, sizeof(in_tok)), SECBUFFER_TOKEN, in_tok };
        SecBuffer ob = { sizeof(tok), SECBUFFER_TOKEN, tok };
        SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
        st = AcceptSecurityContext(&cred, leg ? &ctx : NULL, &id, REQ, SECURITY_NATIVE_DREP, &ctx, &od, &attrs, &ts);
        if (st < 0) die("AcceptSecurityContext", st);
        if (ob.cbBuffer) {
            say("AcceptSecurityContext -> %s, sending %lu bytes\n", status_name(st), ob.cbBuffer);
            put(s2c_w, tok, ob.cbBuffer);
        } else {
            say("AcceptSecurityContext -> %s\n", status_name(st));
        }
        if (st == SEC_E_OK) break;
    }
    say_package(&ctx, "established");
    send_sealed(&ctx, s2c_w, "welcome, alice; a worker will take it from here");

    SecBuffer packed = { 0, 0, NULL };
    HANDLE token = NULL;
    st = ExportSecurityContext(&ctx, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &packed, &token);
    if (st != SEC_E_OK) die("ExportSecurityContext", st);
    say("ExportSecurityContext(DELETE_OLD) -> %s: %lu-byte packed context, token %p\n", status_name(st),
        packed.cbBuffer, token);
    SecPkgContext_Sizes sizes;
    say("the old handle is gone: QueryContextAttributesW -> %s\n",
        status_name(QueryContextAttributesW(&ctx, SECPKG_ATTR_SIZES, &sizes)));

    HANDLE ctl_r, ctl_w;
    pipe_pair(&ctl_r, &ctl_w);
    SetHandleInformation(ctl_w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(s2c_r, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(c2s_w, HANDLE_FLAG_INHERIT, 0);
    spawn("--worker", ctl_r, NULL, &wpi);
    CloseHandle(ctl_r);
    /* The worker inherited the connection's ends (c2s_r, s2c_w) at the same
     * values; the token goes across with DuplicateHandle. */
    HANDLE remote;
    if (!DuplicateHandle(GetCurrentProcess(), token, wpi.hProcess, &remote, 0, FALSE, DUPLICATE_SAME_ACCESS))
        die("DuplicateHandle", 0);
    CloseHandle(token);
    ULONGLONG handles[3] = { (ULONG_PTR)remote, (ULONG_PTR)c2s_r, (ULONG_PTR)s2c_w };
    put(ctl_w, packed.pvBuffer, packed.cbBuffer);
    put(ctl_w, handles, sizeof(handles));
    FreeContextBuffer(packed.pvBuffer);
    say("handed the connection to worker process %lu and stepped out\n", wpi.dwProcessId);

    HANDLE both[2] = { cpi.hProcess, wpi.hProcess };
    WaitForMultipleObjects(2, both, TRUE, 60000);
    DWORD ccode = 1, wcode = 1;
    GetExitCodeProcess(cpi.hProcess, &ccode);
    GetExitCodeProcess(wpi.hProcess, &wcode);
    FreeCredentialsHandle(&cred);
    struct sspishim_stats s;
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    SspiShimGetStatistics(&s);
    say("client exit %lu, worker exit %lu; here: %u contexts, %u tokens still open\n", ccode, wcode,
        s.live_contexts, s.live_tokens);
    DeleteFileA(accounts);
    return ccode || wcode;
}
