/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* One end of an SSPI conversation, driven line by line over stdin/stdout by
 * tests/interop/run.py, which relays its tokens to an independent peer.
 *
 *   CLIENT user domain password   acquire an outbound credential (NTLM)
 *   SERVER                        acquire an inbound credential (NTLM)
 *   STEP [b64]                    Initialize/AcceptSecurityContext with that input
 *                                 -> "TOKEN <status> <b64 or ->"
 *   SEAL <b64>                    EncryptMessage -> "DATA <b64 signature||ciphertext>"
 *   UNSEAL <b64>                  DecryptMessage of signature||ciphertext -> "DATA <b64>"
 *   SIGN <b64>                    MakeSignature -> "DATA <b64 signature>"
 *   VERIFY <b64 msg> <b64 sig>    VerifySignature -> "OK"
 *   NAME                          SECPKG_ATTR_NAMES -> "NAME <text>"
 *   KEY                           SECPKG_ATTR_SESSION_KEY -> "DATA <b64>"
 *   QUIT
 * Failures answer "ERR <status>".  The package is NTLM unless
 * SSPI_PEER_PACKAGE names another. */
#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_b64(const BYTE *p, size_t n)
{
    if (!n) { fputs("-", stdout); return; }
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        putchar(b64chars[v >> 18 & 63]);
        putchar(b64chars[v >> 12 & 63]);
        putchar(i + 1 < n ? b64chars[v >> 6 & 63] : '=');
        putchar(i + 2 < n ? b64chars[v & 63] : '=');
    }
}

static size_t get_b64(const char *s, BYTE *out, size_t max)
{
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;
    for (; s && *s && *s != ' ' && *s != '\n' && *s != '\r'; s++) {
        const char *c = strchr(b64chars, *s);
        if (*s == '=' || *s == '-' || !c) continue;
        v = v << 6 | (unsigned)(c - b64chars);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < max) out[n++] = (BYTE)(v >> bits);
        }
    }
    return n;
}

static CredHandle cred;
static CtxtHandle ctx;
static int have_ctx, is_server;
static WCHAR package[64] = L"NTLM";
static ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION;

static void answer_status(SECURITY_STATUS st)
{
    printf("ERR %08lx\n", (unsigned long)st);
}

static void acquire(char *args)
{
    SEC_WINNT_AUTH_IDENTITY_A id;
    TimeStamp ts;
    char *user = strtok(args, " \r\n"), *domain = strtok(NULL, " \r\n"), *password = strtok(NULL, "\r\n");
    char pkg[64];
    WideCharToMultiByte(CP_ACP, 0, package, -1, pkg, sizeof(pkg), NULL, NULL);
    memset(&id, 0, sizeof(id));
    if (user) {
        id.User = (unsigned char *)user;
        id.UserLength = (ULONG)strlen(user);
        id.Domain = (unsigned char *)(domain ? domain : "");
        id.DomainLength = (ULONG)strlen((char *)id.Domain);
        id.Password = (unsigned char *)(password ? password : "");
        id.PasswordLength = (ULONG)strlen((char *)id.Password);
        id.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
    }
    SECURITY_STATUS st = AcquireCredentialsHandleA(NULL, pkg, is_server ? SECPKG_CRED_INBOUND : SECPKG_CRED_OUTBOUND,
                                                   NULL, user ? &id : NULL, NULL, NULL, &cred, &ts);
    if (st == SEC_E_OK) printf("OK\n");
    else answer_status(st);
}

static void step(const char *arg)
{
    static BYTE in[65536], out[65536];
    SecBuffer ib = { (ULONG)get_b64(arg, in, sizeof(in)), SECBUFFER_TOKEN, in }, ob = { sizeof(out), SECBUFFER_TOKEN, out };
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st;
    if (is_server)
        st = AcceptSecurityContext(&cred, have_ctx ? &ctx : NULL, &id, req, SECURITY_NATIVE_DREP, &ctx, &od, &attrs, &ts);
    else
        st = InitializeSecurityContextW(&cred, have_ctx ? &ctx : NULL, (SEC_WCHAR *)L"HTTP/localhost", req, 0,
                                        SECURITY_NATIVE_DREP, ib.cbBuffer ? &id : NULL, 0, &ctx, &od, &attrs, &ts);
    if (st < 0) {
        answer_status(st);
        return;
    }
    have_ctx = 1;
    printf("TOKEN %08lx ", (unsigned long)st);
    put_b64(out, ob.cbBuffer);
    putchar('\n');
}

static void seal(const char *arg, int encrypt)
{
    static BYTE buf[65536 + 16];
    size_t n = get_b64(arg, buf + 16, sizeof(buf) - 16);
    SecBuffer b[2] = { { 16, SECBUFFER_TOKEN, buf }, { (ULONG)n, SECBUFFER_DATA, buf + 16 } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    SECURITY_STATUS st = encrypt ? EncryptMessage(&ctx, 0, &d, 0) : MakeSignature(&ctx, 0, &d, 0);
    if (st != SEC_E_OK) { answer_status(st); return; }
    fputs("DATA ", stdout);
    put_b64(buf, encrypt ? 16 + n : 16);
    putchar('\n');
}

static void unseal(const char *arg)
{
    static BYTE buf[65536 + 16];
    size_t n = get_b64(arg, buf, sizeof(buf));
    if (n < 16) { answer_status(SEC_E_INVALID_TOKEN); return; }
    SecBuffer b[2] = { { 16, SECBUFFER_TOKEN, buf }, { (ULONG)(n - 16), SECBUFFER_DATA, buf + 16 } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop;
    SECURITY_STATUS st = DecryptMessage(&ctx, &d, 0, &qop);
    if (st != SEC_E_OK) { answer_status(st); return; }
    fputs("DATA ", stdout);
    put_b64(buf + 16, n - 16);
    putchar('\n');
}

static void verify(char *args)
{
    static BYTE msg[65536], sig[64];
    char *m = strtok(args, " \r\n"), *s = strtok(NULL, " \r\n");
    size_t mn = get_b64(m, msg, sizeof(msg)), sn = get_b64(s, sig, sizeof(sig));
    SecBuffer b[2] = { { (ULONG)sn, SECBUFFER_TOKEN, sig }, { (ULONG)mn, SECBUFFER_DATA, msg } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop;
    SECURITY_STATUS st = VerifySignature(&ctx, &d, 0, &qop);
    if (st != SEC_E_OK) answer_status(st);
    else printf("OK\n");
}

int main(int argc, char **argv)
{
    char line[200000];
    if (argc > 1 && !strcmp(argv[1], "server")) is_server = 1;
    if (GetEnvironmentVariableW(L"SSPI_PEER_PACKAGE", package, 64) == 0) lstrcpyW(package, L"NTLM");
    setvbuf(stdout, NULL, _IONBF, 0);
    while (fgets(line, sizeof(line), stdin)) {
        char *arg = strchr(line, ' ');
        if (arg) *arg++ = 0;
        line[strcspn(line, "\r\n")] = 0;
        if (!strcmp(line, "CLIENT") || !strcmp(line, "SERVER")) acquire(arg ? arg : line + strlen(line));
        else if (!strcmp(line, "STEP")) step(arg);
        else if (!strcmp(line, "SEAL")) seal(arg, 1);
        else if (!strcmp(line, "SIGN")) seal(arg, 0);
        else if (!strcmp(line, "UNSEAL")) unseal(arg);
        else if (!strcmp(line, "VERIFY")) verify(arg);
        else if (!strcmp(line, "NAME")) {
            SecPkgContext_NamesA n;
            SECURITY_STATUS st = QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &n);
            if (st != SEC_E_OK) answer_status(st);
            else { printf("NAME %s\n", n.sUserName); FreeContextBuffer(n.sUserName); }
        } else if (!strcmp(line, "KEY")) {
            SecPkgContext_SessionKey k;
            SECURITY_STATUS st = QueryContextAttributesW(&ctx, SECPKG_ATTR_SESSION_KEY, &k);
            if (st != SEC_E_OK) answer_status(st);
            else { fputs("DATA ", stdout); put_b64(k.SessionKey, k.SessionKeyLength); putchar('\n'); FreeContextBuffer(k.SessionKey); }
        } else if (!strcmp(line, "QUIT")) break;
        else printf("ERR unknown-command\n");
    }
    if (have_ctx) DeleteSecurityContext(&ctx);
    FreeCredentialsHandle(&cred);
    return 0;
}
