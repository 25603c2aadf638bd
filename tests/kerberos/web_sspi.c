/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* An HTTP client of its own over Winsock that authenticates the way a
 * Windows program with its own HTTP code does (curl's SSPI build, .NET's
 * HttpClient): AcquireCredentialsHandle and InitializeSecurityContext for
 * an SPN, the token in "Authorization: Negotiate <base64>", and Apache's
 * answer token back into the context (mutual authentication).  Run by
 * tests/kerberos/apache_krb.sh against Apache with mod_auth_gssapi and a
 * keytab from the test realm.
 *
 *   web_sspi.exe PORT PATH PACKAGE TARGET USER PASSWORD DOMAIN WANT_STATUS WANT_USER
 *
 * PACKAGE is an SSPI package name ("Kerberos", "Negotiate"), or
 * "Negotiate:LIST" for Negotiate with the package list LIST in a
 * SEC_WINNT_AUTH_IDENTITY_EXW ("Negotiate:!ntlm", as curl passes it).
 * USER "-" asks for default credentials (kinit's cache, KRB5CCNAME).
 * Apache accepts a bare Kerberos AP-REQ under the Negotiate scheme as well
 * as SPNEGO.  The server's CGI answers "user=REMOTE_USER" with a
 * Content-Length.  The request goes to 127.0.0.1; the Host header names
 * "localhost", the host of the SPN. */
#define TEST_NAME "web_sspi"
#include <winsock2.h>
#include "../wine/test.h"
#include <stdlib.h>

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(const BYTE *p, size_t n, char *out)
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

/* ---- one HTTP/1.1 exchange on a keep-alive connection ------------------------------ */

struct response {
    int status;
    BYTE token[16384];     /* "WWW-Authenticate: Negotiate <token>", decoded */
    size_t token_len;
    BOOL negotiate;        /* the server offered (or answered with) Negotiate */
    char body[512];
};

static BOOL send_all(SOCKET s, const char *p, int n)
{
    while (n > 0) {
        int k = send(s, p, n, 0);
        if (k <= 0) return FALSE;
        p += k, n -= k;
    }
    return TRUE;
}

static BOOL exchange(SOCKET s, const char *path, int port, const char *auth, struct response *r)
{
    static char req[32768], head[32768];
    memset(r, 0, sizeof(*r));
    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: localhost:%d\r\nUser-Agent: sspishim-web_sspi/1.0\r\n%s%s%s\r\n",
             path, port, auth ? "Authorization: Negotiate " : "", auth ? auth : "", auth ? "\r\n" : "");
    if (!send_all(s, req, (int)strlen(req))) return FALSE;
    /* the head, byte by byte up to the blank line: what follows is the body */
    int n = 0;
    while (n < (int)sizeof(head) - 1) {
        if (recv(s, head + n, 1, 0) != 1) return FALSE;
        n++;
        if (n >= 4 && !memcmp(head + n - 4, "\r\n\r\n", 4)) break;
    }
    head[n] = 0;
    if (sscanf(head, "HTTP/1.%*d %d", &r->status) != 1) return FALSE;
    long length = -1;
    BOOL chunked = FALSE;
    for (char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
        char *h = line + 2;
        if (!_strnicmp(h, "Content-Length:", 15)) length = atol(h + 15);
        if (!_strnicmp(h, "Transfer-Encoding:", 18) && strstr(h, "chunked") && strstr(h, "chunked") < strstr(h, "\r\n"))
            chunked = TRUE;
        if (!_strnicmp(h, "WWW-Authenticate:", 17)) {
            char *v = h + 17;
            while (*v == ' ') v++;
            if (!_strnicmp(v, "Negotiate", 9) && (v[9] == ' ' || v[9] == '\r')) {
                r->negotiate = TRUE;
                if (v[9] == ' ') r->token_len = b64_decode(v + 10, r->token, sizeof(r->token));
            }
        }
    }
    /* the body: Content-Length bytes, chunks, or up to the end of the connection */
    long got = 0;
    for (;;) {
        long want = length;
        if (chunked) {
            char line[32];
            int k = 0;
            while (k < (int)sizeof(line) - 1 && recv(s, line + k, 1, 0) == 1 && line[k] != '\n') k++;
            line[k] = 0;
            want = strtol(line, NULL, 16);
        }
        long i = 0;
        for (; want < 0 || i < want; i++) {
            char c;
            if (recv(s, &c, 1, 0) != 1) {
                if (want < 0) break;
                return FALSE;
            }
            if (got < (long)sizeof(r->body) - 1) r->body[got++] = c;
        }
        if (!chunked) break;
        char crlf[2];
        if (recv(s, crlf, 2, 0) != 2) return FALSE;
        if (!want) break;
    }
    if (r->status == 200 && strncmp(r->body, "user=", 5)) trace("the answer's head: %.600s\n", head);
    return TRUE;
}

/* ---- the client --------------------------------------------------------------------- */

static void widen(const char *s, WCHAR *out, int max)
{
    MultiByteToWideChar(CP_UTF8, 0, s, -1, out, max);
}

static void run_tests(int argc, char **argv)
{
    if (argc < 10) {
        skip("usage: PORT PATH PACKAGE TARGET USER PASSWORD DOMAIN WANT_STATUS WANT_USER\n");
        return;
    }
    int port = atoi(argv[1]), want_status = atoi(argv[8]);
    const char *path = argv[2], *package = argv[3], *want_user = argv[9];
    BOOL dflt = !strcmp(argv[5], "-");
    WCHAR pkg[64], list[64] = L"", target[256], user[64], password[128], domain[64];
    char name[64];
    snprintf(name, sizeof(name), "%s", package);
    char *colon = strchr(name, ':');
    if (colon) {
        *colon = 0;
        widen(colon + 1, list, 64);
    }
    widen(name, pkg, 64);
    widen(argv[4], target, 256);
    widen(argv[5], user, 64);
    widen(argv[6], password, 128);
    widen(argv[7], domain, 64);
    const char *how = dflt ? "default credentials" : "explicit credentials";

    WSADATA wsa;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in a = { AF_INET, htons((u_short)port), { { { 127, 0, 0, 1 } } }, { 0 } };
    DWORD timeout = 15000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    if (!ok(connect(s, (struct sockaddr *)&a, sizeof(a)) == 0, "connect to Apache: %d\n", WSAGetLastError())) return;

    /* The first request carries nothing: Apache answers 401 and Negotiate. */
    static struct response r;
    BOOL sent = exchange(s, path, port, NULL, &r);
    ok(sent && r.status == 401 && r.negotiate, "unauthenticated request: status %d, Negotiate offered %d\n", r.status,
       r.negotiate);

    SEC_WINNT_AUTH_IDENTITY_EXW ex;
    memset(&ex, 0, sizeof(ex));
    ex.Version = SEC_WINNT_AUTH_IDENTITY_VERSION, ex.Length = sizeof(ex);
    ex.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    if (!dflt) {
        ex.User = (unsigned short *)user, ex.UserLength = lstrlenW(user);
        ex.Domain = (unsigned short *)domain, ex.DomainLength = lstrlenW(domain);
        ex.Password = (unsigned short *)password, ex.PasswordLength = lstrlenW(password);
    }
    if (list[0]) ex.PackageList = (unsigned short *)list, ex.PackageListLength = lstrlenW(list);
    /* SEC_WINNT_AUTH_IDENTITY_W begins as the EX one's User field does */
    SEC_WINNT_AUTH_IDENTITY_W id = { ex.User, ex.UserLength, ex.Domain, ex.DomainLength, ex.Password,
                                     ex.PasswordLength, ex.Flags };
    void *auth = list[0] ? (void *)&ex : dflt ? NULL : (void *)&id;
    CredHandle cred;
    CtxtHandle ctx;
    TimeStamp ts;
    ULONG attrs, flags = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)pkg, SECPKG_CRED_OUTBOUND, NULL, auth, NULL,
                                                   NULL, &cred, &ts);
    ok(st == SEC_E_OK, "%s, %s: AcquireCredentialsHandle %08lx\n", package, how, st);
    if (st != SEC_E_OK) goto done;

    /* The handshake: each leg's token to Apache, each answer token back,
     * until the context is complete and Apache has said 200 (or refused). */
    static BYTE out[16384];
    static char header[24000];
    BOOL have_ctx = FALSE;
    int legs = 0;
    for (;;) {
        SecBuffer ib = { (ULONG)r.token_len, SECBUFFER_TOKEN, r.token }, ob = { sizeof(out), SECBUFFER_TOKEN, out };
        SecBufferDesc id_ = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
        st = InitializeSecurityContextW(&cred, have_ctx ? &ctx : NULL, (SEC_WCHAR *)target, flags, 0,
                                        SECURITY_NATIVE_DREP, have_ctx ? &id_ : NULL, 0, &ctx, &od, &attrs, &ts);
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
            /* After 200 a failure is the server's answer not checking out;
             * before, it is this side that could not make a token (a wrong
             * password, no ticket): the request stays refused. */
            trace("%s, %s: InitializeSecurityContext (leg %d) %08lx\n", package, how, legs + 1, st);
            ok(r.status != 200 && want_status != 200, "%s, %s: InitializeSecurityContext (leg %d) %08lx\n", package,
               how, legs + 1, st);
            break;
        }
        have_ctx = TRUE;
        if (r.status == 200) {
            ok(st == SEC_E_OK && !ob.cbBuffer, "%s, %s: Apache's answer token completes the context: %08lx, %lu "
               "more bytes\n", package, how, st, ob.cbBuffer);
            break;
        }
        if (!ob.cbBuffer || ++legs > 4) {
            ok(0, "%s, %s: no token to send after %d legs (%08lx), status %d\n", package, how, legs, st, r.status);
            break;
        }
        strcpy(header, "");
        b64_encode(out, ob.cbBuffer, header);
        if (legs == 1) trace("%s, %s: first token %02x %02x %02x %02x, %lu bytes\n", package, how, out[0], out[1],
                             ob.cbBuffer > 2 ? out[2] : 0, ob.cbBuffer > 3 ? out[3] : 0, ob.cbBuffer);
        if (!ok(exchange(s, path, port, header, &r), "%s, %s: leg %d: no answer from Apache\n", package, how, legs))
            break;
        if (r.status != 401 && r.status != 200) break;
        if (r.status == 401 && !r.token_len) break; /* refused */
        if (r.status == 200 && !r.token_len) {
            /* no mutual answer: fine for a one-leg context that did not ask Apache for one */
            ok(st == SEC_E_OK || !(attrs & ISC_RET_MUTUAL_AUTH), "%s, %s: 200 without an answer token, context "
               "%08lx wants one\n", package, how, st);
            break;
        }
    }
    ok(r.status == want_status, "%s, %s: status %d, want %d\n", package, how, r.status, want_status);
    if (want_status == 200) {
        char want[256];
        snprintf(want, sizeof(want), "user=%s\n", want_user);
        ok(!strncmp(r.body, want, strlen(want)), "%s, %s: the CGI saw %.80s, want %s", package, how, r.body, want);
    }
    if (have_ctx) {
        SecPkgContext_NegotiationInfoW ni;
        if (QueryContextAttributesW(&ctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni) == SEC_E_OK && ni.PackageInfo) {
            trace("%s, %s: negotiated package %ls\n", package, how, ni.PackageInfo->Name);
            FreeContextBuffer(ni.PackageInfo);
        }
        DeleteSecurityContext(&ctx);
    }
    trace("%s %s: %d %.60s\n", package, how, r.status, strncmp(r.body, "user=", 5) ? "" : r.body);
    FreeCredentialsHandle(&cred);
done:
    closesocket(s);
    WSACleanup();
}
