/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Real HTTP authentication: Wine's own winhttp, unmodified, as the client,
 * against an HTTP server on 127.0.0.1 that demands Negotiate or NTLM and
 * checks the client with this DLL's AcceptSecurityContext.  The server is a
 * thread of this program (Winsock, one connection at a time, keep-alive as
 * NTLM needs); winhttp reaches this DLL the way any program's would, by
 * importing secur32.dll with the override in place.
 *
 * Proof that winhttp's side ran through this DLL and not Wine's builtin:
 * the Negotiate tokens on the wire are SPNEGO (Wine's builtin Negotiate
 * sends bare NTLMSSP), and while winhttp holds its credential this DLL
 * counts it among its live objects. */
#define TEST_NAME "http_auth"
#include <winsock2.h>
#include <ws2tcpip.h>
#include "test.h"
#include <winhttp.h>
#include <stdlib.h>
#include "sspishim/sspishim.h"

static char accounts[MAX_PATH];
static SOCKET listener = INVALID_SOCKET;
static USHORT port;
static volatile LONG stop_server;

/* What the server saw, for the client's checks. */
static struct {
    const char *scheme;              /* the scheme it demands */
    int legs;                        /* Authorization headers seen */
    int spnego;                      /* Negotiate tokens that were SPNEGO */
    int raw;                         /* ... that were bare NTLMSSP */
    int logons;                      /* handshakes that ended in SEC_E_OK */
    char user[128], package[32];
} seen;

static struct sspishim_stats stats(void)
{
    struct sspishim_stats s;
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    SspiShimGetStatistics(&s);
    return s;
}

/* ---- base64 ------------------------------------------------------------------ */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const BYTE *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        out[o++] = b64chars[v >> 18 & 63];
        out[o++] = b64chars[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64chars[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

static size_t b64_decode(const char *s, BYTE *out, size_t max)
{
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;
    for (; *s && *s != '\r' && *s != '\n'; s++) {
        const char *c = strchr(b64chars, *s);
        if (*s == '=' || !c) continue;
        v = v << 6 | (unsigned)(c - b64chars);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < max) out[n++] = (BYTE)(v >> bits);
        }
    }
    return n;
}

/* ---- the server ------------------------------------------------------------------ */

static BOOL send_all(SOCKET s, const char *p, int n)
{
    while (n > 0) {
        int k = send(s, p, n, 0);
        if (k <= 0) return FALSE;
        p += k;
        n -= k;
    }
    return TRUE;
}

/* Waits until s can be read, or the test asks the server to stop (winhttp
 * keeps idle connections open in its pool, so a read may never end). */
static BOOL wait_readable(SOCKET s)
{
    while (!stop_server) {
        fd_set set;
        struct timeval tv = { 0, 100000 };
        FD_ZERO(&set);
        FD_SET(s, &set);
        int k = select(0, &set, NULL, NULL, &tv);
        if (k < 0) return FALSE;
        if (k > 0) return TRUE;
    }
    return FALSE;
}

/* Reads one request's headers (GET, no body) into buf; FALSE at the end. */
static BOOL read_request(SOCKET s, char *buf, int max)
{
    int n = 0;
    while (n < max - 1) {
        if (!wait_readable(s)) return FALSE;
        int k = recv(s, buf + n, 1, 0);
        if (k <= 0) return FALSE;
        n += k;
        buf[n] = 0;
        if (n >= 4 && !memcmp(buf + n - 4, "\r\n\r\n", 4)) return TRUE;
    }
    return FALSE;
}

static void respond(SOCKET s, int status, const char *auth_scheme, const char *token, const char *body)
{
    static char out[65536];
    int n = snprintf(out, sizeof(out), "HTTP/1.1 %d %s\r\n", status, status == 200 ? "OK" : "Unauthorized");
    if (auth_scheme)
        n += snprintf(out + n, sizeof(out) - n, "WWW-Authenticate: %s%s%s\r\n", auth_scheme, token ? " " : "",
                      token ? token : "");
    n += snprintf(out + n, sizeof(out) - n, "Content-Type: text/plain\r\nContent-Length: %u\r\n\r\n%s",
                  (unsigned)strlen(body), body);
    send_all(s, out, n);
}

static void serve_connection(SOCKET s, CredHandle *cred)
{
    static char req[70000], tokb64[70000];
    static BYTE in[50000], out[50000];
    CtxtHandle ctx;
    BOOL have_ctx = FALSE;

    while (read_request(s, req, sizeof(req))) {
        char *h = strstr(req, "\r\nAuthorization: ");
        size_t slen = strlen(seen.scheme);
        if (!h || _strnicmp(h + 17, seen.scheme, slen) || h[17 + slen] != ' ') {
            respond(s, 401, seen.scheme, NULL, "who are you?");
            continue;
        }
        seen.legs++;
        SecBuffer ib = { (ULONG)b64_decode(h + 18 + slen, in, sizeof(in)), SECBUFFER_TOKEN, in };
        SecBuffer ob = { sizeof(out), SECBUFFER_TOKEN, out };
        SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
        ULONG attrs;
        TimeStamp ts;
        if (!strcmp(seen.scheme, "Negotiate") && !have_ctx) {
            if (ib.cbBuffer && in[0] == 0x60) seen.spnego++;
            if (ib.cbBuffer >= 8 && !memcmp(in, "NTLMSSP", 8)) seen.raw++;
        }
        SECURITY_STATUS st = AcceptSecurityContext(cred, have_ctx ? &ctx : NULL, &id, ASC_REQ_CONNECTION,
                                                   SECURITY_NATIVE_DREP, &ctx, &od, &attrs, &ts);
        if (st == SEC_I_CONTINUE_NEEDED) {
            have_ctx = TRUE;
            b64_encode(out, ob.cbBuffer, tokb64);
            respond(s, 401, seen.scheme, tokb64, "go on");
        } else if (st == SEC_E_OK) {
            char body[256];
            SecPkgContext_NamesA names;
            SecPkgContext_NegotiationInfoA ni;
            have_ctx = TRUE;
            seen.logons++;
            if (QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
                lstrcpynA(seen.user, names.sUserName, sizeof(seen.user));
                FreeContextBuffer(names.sUserName);
            }
            if (QueryContextAttributesA(&ctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni) == SEC_E_OK) {
                lstrcpynA(seen.package, ni.PackageInfo->Name, sizeof(seen.package));
                FreeContextBuffer(ni.PackageInfo);
            }
            snprintf(body, sizeof(body), "hello %s, via %s", seen.user, seen.package);
            if (ob.cbBuffer) b64_encode(out, ob.cbBuffer, tokb64);
            respond(s, 200, ob.cbBuffer ? seen.scheme : NULL, ob.cbBuffer ? tokb64 : NULL, body);
            DeleteSecurityContext(&ctx);
            have_ctx = FALSE;
        } else {
            if (have_ctx) DeleteSecurityContext(&ctx);
            have_ctx = FALSE;
            respond(s, 401, seen.scheme, NULL, "denied");
        }
    }
    if (have_ctx) DeleteSecurityContext(&ctx);
}

static DWORD WINAPI server_thread(void *arg)
{
    CredHandle *cred = arg;
    while (wait_readable(listener)) {
        SOCKET s = accept(listener, NULL, NULL);
        if (s == INVALID_SOCKET) break;
        serve_connection(s, cred);
        closesocket(s);
    }
    return 0;
}

static BOOL start_listener(void)
{
    struct sockaddr_in a;
    int len = sizeof(a);
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (listener == INVALID_SOCKET) return FALSE;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&a, sizeof(a)) || listen(listener, 4) ||
        getsockname(listener, (struct sockaddr *)&a, &len))
        return FALSE;
    port = ntohs(a.sin_port);
    return TRUE;
}

/* ---- the client: winhttp ------------------------------------------------------------ */

struct result {
    DWORD status, schemes, first;
    char body[256];
    unsigned creds_held;             /* this DLL's live credentials while winhttp had its own */
};

static BOOL fetch(const WCHAR *scheme_name, DWORD scheme, const WCHAR *password, struct result *r)
{
    HINTERNET ses = NULL, con = NULL, req = NULL;
    BOOL done = FALSE;
    memset(r, 0, sizeof(*r));
    ses = WinHttpOpen(L"sspishim-test/1.0", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                      WINHTTP_NO_PROXY_BYPASS, 0);
    ok(ses != NULL, "WinHttpOpen: %lu\n", GetLastError());
    if (!ses) return FALSE;
    WinHttpSetTimeouts(ses, 10000, 10000, 10000, 10000);
    con = WinHttpConnect(ses, L"127.0.0.1", port, 0);
    req = con ? WinHttpOpenRequest(con, L"GET", L"/secret", NULL, WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0)
              : NULL;
    ok(req != NULL, "WinHttpOpenRequest: %lu\n", GetLastError());
    for (int round = 0; req && round < 3 && !done; round++) {
        DWORD size = sizeof(r->status), target = 0;
        if (!WinHttpSendRequest(req, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, 0, 0) ||
            !WinHttpReceiveResponse(req, NULL)) {
            ok(0, "%ls: request failed: %lu\n", scheme_name, GetLastError());
            break;
        }
        WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                            &r->status, &size, WINHTTP_NO_HEADER_INDEX);
        DWORD got = 0;
        WinHttpReadData(req, r->body, sizeof(r->body) - 1, &got);
        r->body[got] = 0;
        if (r->status != 401) {
            done = TRUE;
            break;
        }
        if (round == 0) {
            /* the server's demand, then our credentials for it */
            ok(WinHttpQueryAuthSchemes(req, &r->schemes, &r->first, &target), "WinHttpQueryAuthSchemes: %lu\n",
               GetLastError());
            ok(WinHttpSetCredentials(req, WINHTTP_AUTH_TARGET_SERVER, scheme, L"Domain\\User", password, NULL),
               "WinHttpSetCredentials: %lu\n", GetLastError());
        }
    }
    r->creds_held = stats().live_credentials;
    if (req) WinHttpCloseHandle(req);
    if (con) WinHttpCloseHandle(con);
    WinHttpCloseHandle(ses);
    return done;
}

static void test_scheme(const char *scheme, const WCHAR *wscheme, DWORD flag)
{
    struct result r;
    memset(&seen, 0, sizeof(seen));
    seen.scheme = scheme;
    unsigned before = stats().live_credentials;
    BOOL done = fetch(wscheme, flag, L"Password", &r);
    ok(done && r.status == 200, "%s: status %lu\n", scheme, r.status);
    ok(r.schemes == flag && r.first == flag, "%s: schemes %#lx first %#lx\n", scheme, r.schemes, r.first);
    ok(seen.logons == 1, "%s: the server saw %d logons in %d legs\n", scheme, seen.logons, seen.legs);
    ok(!lstrcmpiA(seen.user, "Domain\\User"), "%s: the server saw %s\n", scheme, seen.user);
    ok(!strcmp(seen.package, "NTLM"), "%s: negotiated %s\n", scheme, seen.package);
    char want[128];
    snprintf(want, sizeof(want), "hello %s, via NTLM", seen.user);
    ok(!strcmp(r.body, want), "%s: body %s\n", scheme, r.body);
    if (!strcmp(scheme, "Negotiate"))
        ok(seen.spnego == 1 && seen.raw == 0, "Negotiate: %d SPNEGO and %d bare NTLMSSP first tokens\n", seen.spnego,
           seen.raw);
    /* winhttp's credential lived in this DLL while it had it */
    ok(r.creds_held == before + 1, "%s: %u live credentials with winhttp's, %u before\n", scheme, r.creds_held, before);
    ok(stats().live_credentials == before, "%s: winhttp's credential was not freed\n", scheme);

    /* a wrong password: the server keeps saying no */
    memset(&seen, 0, sizeof(seen));
    seen.scheme = scheme;
    fetch(wscheme, flag, L"wrong", &r);
    ok(r.status == 401, "%s, wrong password: status %lu\n", scheme, r.status);
    ok(seen.logons == 0, "%s, wrong password: %d logons\n", scheme, seen.logons);
}

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    WSADATA wsa;
    char dir[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    HANDLE f = CreateFileA(accounts, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD n;
    WriteFile(f, "Domain:User:Password\n", 21, &n, NULL);
    CloseHandle(f);
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);

    ok(!WSAStartup(MAKEWORD(2, 2), &wsa), "WSAStartup\n");
    if (!start_listener()) {
        skip("cannot listen on 127.0.0.1: %d\n", WSAGetLastError());
        return;
    }
    CredHandle neg_cred, ntlm_cred;
    TimeStamp ts;
    ok(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Negotiate", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
                                 &neg_cred, &ts) == SEC_E_OK, "Negotiate server credential\n");
    ok(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &ntlm_cred,
                                 &ts) == SEC_E_OK, "NTLM server credential\n");

    /* One server thread per scheme, each with its own credential. */
    static const struct { const char *name; const WCHAR *wname; DWORD flag; } schemes[] = {
        { "Negotiate", L"Negotiate", WINHTTP_AUTH_SCHEME_NEGOTIATE },
        { "NTLM", L"NTLM", WINHTTP_AUTH_SCHEME_NTLM },
    };
    for (size_t i = 0; i < 2; i++) {
        if (i) start_listener();
        stop_server = 0;
        HANDLE t = CreateThread(NULL, 0, server_thread, i ? &ntlm_cred : &neg_cred, 0, NULL);
        test_scheme(schemes[i].name, schemes[i].wname, schemes[i].flag);
        InterlockedExchange(&stop_server, 1);
        ok(WaitForSingleObject(t, 10000) == WAIT_OBJECT_0, "the server thread did not stop\n");
        CloseHandle(t);
        closesocket(listener);
    }
    FreeCredentialsHandle(&neg_cred);
    FreeCredentialsHandle(&ntlm_cred);
    struct sspishim_stats s = stats();
    ok(s.live_objects == 0 && s.live_tokens == 0, "left behind: %u objects, %u tokens\n", s.live_objects,
       s.live_tokens);
    WSACleanup();
    DeleteFileA(accounts);
}
