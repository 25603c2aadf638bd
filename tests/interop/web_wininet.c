/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* One request through Wine's own wininet, unmodified, to a real Apache
 * (mod_auth_gssapi over gss-ntlmssp) started by tests/interop/apache.sh.
 * wininet reaches this DLL the way any program's would: it imports
 * secur32.dll, and the per-program override puts this DLL there.
 *
 *   web_wininet.exe PORT PATH SCHEME USER PASSWORD WANT_STATUS WANT_USER [HOST]
 *
 * HOST is the server's name, 127.0.0.1 unless given: wininet hands it to
 * InitializeSecurityContext as the target (tests/kerberos/apache_krb.sh
 * gives "localhost", the host of the test realm's HTTP/localhost).
 * USER "-" asks for default credentials: wininet then acquires its
 * credential with no identity, and this DLL takes the account from
 * NTLM_USER_FILE.  wininet answers the first scheme Apache offers that it
 * knows, so PATH decides the scheme (the runner serves one location that
 * offers Negotiate first and one that offers only NTLM); SCHEME names it in
 * the messages.  One case a process: wininet caches NTLM identities per
 * host, which would let an earlier explicit logon stand in for a default
 * one.  The CGI answers "user=REMOTE_USER". */
#define TEST_NAME "web_wininet"
#include "../wine/test.h"
#include <wininet.h>
#include <stdlib.h>

static void run_tests(int argc, char **argv)
{
    if (argc < 8) {
        skip("usage: PORT PATH SCHEME USER PASSWORD WANT_STATUS WANT_USER\n");
        return;
    }
    INTERNET_PORT port = (INTERNET_PORT)atoi(argv[1]);
    const char *path = argv[2], *scheme = argv[3], *user = argv[4], *password = argv[5], *want_user = argv[7];
    DWORD want_status = (DWORD)atoi(argv[6]);
    BOOL dflt = !strcmp(user, "-");
    const char *host = argc > 8 ? argv[8] : "127.0.0.1";

    HINTERNET inet = InternetOpenA("sspishim-test/1.0", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    ok(inet != NULL, "InternetOpen: %lu\n", GetLastError());
    if (!inet) return;
    DWORD timeout = 15000;
    InternetSetOptionA(inet, INTERNET_OPTION_CONNECT_TIMEOUT, &timeout, sizeof(timeout));
    InternetSetOptionA(inet, INTERNET_OPTION_RECEIVE_TIMEOUT, &timeout, sizeof(timeout));
    HINTERNET con = InternetConnectA(inet, host, port, NULL, NULL, INTERNET_SERVICE_HTTP, 0, 0);
    ok(con != NULL, "InternetConnect: %lu\n", GetLastError());
    HINTERNET req = con ? HttpOpenRequestA(con, "GET", path, NULL, NULL, NULL,
                                           INTERNET_FLAG_KEEP_CONNECTION | INTERNET_FLAG_NO_CACHE_WRITE |
                                               INTERNET_FLAG_RELOAD | INTERNET_FLAG_PRAGMA_NOCACHE,
                                           0)
                        : NULL;
    ok(req != NULL, "HttpOpenRequest: %lu\n", GetLastError());
    if (req && !dflt) {
        /* explicit credentials on the request, as a program that asked its user would */
        ok(InternetSetOptionA(req, INTERNET_OPTION_USERNAME, (void *)user, (DWORD)strlen(user) + 1),
           "INTERNET_OPTION_USERNAME: %lu\n", GetLastError());
        ok(InternetSetOptionA(req, INTERNET_OPTION_PASSWORD, (void *)password, (DWORD)strlen(password) + 1),
           "INTERNET_OPTION_PASSWORD: %lu\n", GetLastError());
    }
    DWORD status = 0;
    char body[512] = "";
    /* wininet runs the whole handshake inside HttpSendRequest when it has
     * credentials or may use default ones. */
    if (req) {
        BOOL sent = HttpSendRequestA(req, NULL, 0, NULL, 0);
        ok(sent, "%s: HttpSendRequest: %lu\n", scheme, GetLastError());
        DWORD size = sizeof(status);
        if (sent)
            HttpQueryInfoA(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &size, NULL);
        DWORD got = 0, total = 0;
        while (sent && total < sizeof(body) - 1 &&
               InternetReadFile(req, body + total, (DWORD)(sizeof(body) - 1 - total), &got) && got)
            total += got;
        body[total] = 0;
    }
    ok(status == want_status, "%s, %s credentials: status %lu, want %lu\n", scheme, dflt ? "default" : "explicit",
       status, want_status);
    if (want_status == 200) {
        char want[256];
        snprintf(want, sizeof(want), "user=%s\n", want_user);
        ok(!strncmp(body, want, strlen(want)), "%s, %s credentials: the CGI saw %.80s, want %s", scheme,
           dflt ? "default" : "explicit", body, want);
    }
    trace("%s %s credentials: %lu %.60s\n", scheme, dflt ? "default" : "explicit", status,
          strncmp(body, "user=", 5) ? "" : body);
    if (req) InternetCloseHandle(req);
    if (con) InternetCloseHandle(con);
    InternetCloseHandle(inet);
}
