/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos package through the DLL, as a Windows program uses it.
 * Without a KDC (the Wine suite's run) only what needs none: the package's
 * information as Windows gives it, credentials acquired without a ticket,
 * and the failures that need no realm.  With SSPISHIM_TEST_REALM set
 * (tests/kerberos/run.sh: KRB5_CONFIG, KRB5_KTNAME and KRB5CCNAME point at
 * its MIT realm, with the KDC over Winsock) also:
 *   kerberos.exe                 alice's password and kinit's cache to our
 *                                server with the keytab, messages, names,
 *                                impersonation, failures;
 *   kerberos.exe connect PORT    our client to an MIT GSSAPI acceptor
 *                                (tests/kerberos/mit_peer.c) over TCP;
 *   kerberos.exe listen FILE     our server for an MIT GSSAPI initiator: the
 *                                port it listens on goes into FILE;
 *   kerberos.exe export-child    (run by the test itself) the worker a
 *                                server hands its exported context to: the
 *                                blob over a pipe, the token by DuplicateHandle;
 *   kerberos.exe handoff WORKER  only the hand-off, to WORKER: the twin built
 *                                for the other architecture (run.sh).
 * Over TCP every token is a 4-byte big-endian length and its bytes. */
#define TEST_NAME "kerberos"
#include <winsock2.h>
#include "test.h"
#include <stdlib.h>

#include "ntlm_util.h"

static char realm[64], password[128];
static const WCHAR service[] = L"HTTP/localhost";

static void widen(const char *s, WCHAR *out, int max)
{
    MultiByteToWideChar(CP_UTF8, 0, s, -1, out, max);
}

static SECURITY_STATUS kcred(const char *user, const char *pw, ULONG use, CredHandle *cred)
{
    SEC_WINNT_AUTH_IDENTITY_W id = { 0 };
    WCHAR u[64], d[64], p[128];
    TimeStamp ts;
    if (user) {
        widen(user, u, 64);
        widen(realm, d, 64);
        widen(pw, p, 128);
        id.User = (unsigned short *)u;
        id.UserLength = lstrlenW(u);
        id.Domain = (unsigned short *)d;
        id.DomainLength = lstrlenW(d);
        id.Password = (unsigned short *)p;
        id.PasswordLength = lstrlenW(p);
        id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    }
    return AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Kerberos", use, NULL, user ? &id : NULL, NULL, NULL, cred,
                                     &ts);
}

/* ---- what needs no KDC ------------------------------------------------------------ */

static void test_package_info(void)
{
    PSecPkgInfoW info;
    SECURITY_STATUS st = QuerySecurityPackageInfoW((SEC_WCHAR *)L"Kerberos", &info);
    ok(st == SEC_E_OK, "QuerySecurityPackageInfoW(Kerberos): %08lx\n", st);
    if (st != SEC_E_OK) return;
    ok((info->fCapabilities & ~(SECPKG_FLAG_RESTRICTED_TOKENS | SECPKG_FLAG_APPCONTAINER_CHECKS | 0x02000000)) ==
           0x73bbf, "capabilities %#lx\n", info->fCapabilities);
    ok(info->wVersion == 1 && info->wRPCID == RPC_C_AUTHN_GSS_KERBEROS && info->cbMaxToken >= 12000,
       "version %u rpcid %u max token %lu\n", info->wVersion, info->wRPCID, info->cbMaxToken);
    ok(!lstrcmpW(info->Comment, L"Microsoft Kerberos V1.0"), "comment %ls\n", info->Comment);
    FreeContextBuffer(info);
    ok(!stats().host_loaded, "Wine's builtin was loaded for Kerberos: the package is not sspishim's\n");
}

/* SSPISHIM_KERBEROS=builtin, read when the DLL loads: a child process with
 * it set finds Kerberos at Wine's builtin. */
static void test_switch(const char *self)
{
    char cmd[MAX_PATH + 16];
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    PROCESS_INFORMATION pi;
    DWORD code = 1;
    snprintf(cmd, sizeof(cmd), "\"%s\" switch", self);
    SetEnvironmentVariableA("SSPISHIM_KERBEROS", "builtin");
    BOOL started = CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    SetEnvironmentVariableA("SSPISHIM_KERBEROS", NULL);
    if (!ok(started, "CreateProcess: %lu\n", GetLastError())) return;
    WaitForSingleObject(pi.hProcess, 120000);
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 0, "with SSPISHIM_KERBEROS=builtin, Kerberos was not Wine's builtin (child exit %lu)\n", code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
}

static int switch_child(void)
{
    PSecPkgInfoW info;
    if (QuerySecurityPackageInfoW((SEC_WCHAR *)L"Kerberos", &info) != SEC_E_OK) return 2;
    FreeContextBuffer(info);
    return stats().host_loaded ? 0 : 3;
}

static void test_without_kdc(void)
{
    CredHandle c;
    CtxtHandle ctx;
    BYTE buf[16384];
    SecBuffer ob = { sizeof(buf), SECBUFFER_TOKEN, buf };
    SecBufferDesc od = { SECBUFFER_VERSION, 1, &ob };
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL,
                                                   NULL, NULL, &c, NULL);
    ok(st == SEC_E_OK, "outbound credential without an identity (Windows acquires it): %08lx\n", st);
    if (st != SEC_E_OK) return;
    st = InitializeSecurityContextW(&c, NULL, NULL, ISC_REQ_CONNECTION, 0, SECURITY_NATIVE_DREP, NULL, 0, &ctx, &od,
                                    &attrs, &ts);
    ok(st == SEC_E_TARGET_UNKNOWN, "no target name: %08lx\n", st);
    st = InitializeSecurityContextW(&c, NULL, (SEC_WCHAR *)service, ISC_REQ_USE_DCE_STYLE, 0, SECURITY_NATIVE_DREP,
                                    NULL, 0, &ctx, &od, &attrs, &ts);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "DCE style: %08lx\n", st);
    FreeCredentialsHandle(&c);
    st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Kerberos", 4, NULL, NULL, NULL, NULL, &c, &ts);
    ok(st == SEC_E_UNKNOWN_CREDENTIALS, "credential use 4: %08lx\n", st);
}

/* ---- with the realm ------------------------------------------------------------------ */

struct pair {
    CtxtHandle client, server;
    SECURITY_STATUS cst, sst;
    BYTE ap_req[16384];
    ULONG ap_req_len;
};

static SECURITY_STATUS khandshake(CredHandle *cc, CredHandle *sc, BOOL mutual, struct pair *p)
{
    BYTE rep[16384], none[16];
    SecBuffer b1 = { sizeof(p->ap_req), SECBUFFER_TOKEN, p->ap_req }, b2 = { sizeof(rep), SECBUFFER_TOKEN, rep };
    SecBuffer b3 = { sizeof(none), SECBUFFER_TOKEN, none };
    SecBufferDesc d1 = { SECBUFFER_VERSION, 1, &b1 }, d2 = { SECBUFFER_VERSION, 1, &b2 }, d3 = { SECBUFFER_VERSION, 1, &b3 };
    ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT |
                ISC_REQ_CONNECTION | (mutual ? ISC_REQ_MUTUAL_AUTH : 0);
    ULONG attrs;
    TimeStamp ts;
    memset(p, 0, sizeof(*p));
    SecInvalidateHandle(&p->client);
    SecInvalidateHandle(&p->server);
    p->cst = InitializeSecurityContextW(cc, NULL, (SEC_WCHAR *)service, req, 0, SECURITY_NATIVE_DREP, NULL, 0,
                                        &p->client, &d1, &attrs, &ts);
    if (p->cst != (mutual ? SEC_I_CONTINUE_NEEDED : SEC_E_OK)) return p->cst < 0 ? p->cst : SEC_E_INTERNAL_ERROR;
    p->ap_req_len = b1.cbBuffer;
    p->sst = AcceptSecurityContext(sc, NULL, &d1, ASC_REQ_CONFIDENTIALITY | ASC_REQ_CONNECTION, SECURITY_NATIVE_DREP,
                                   &p->server, &d2, &attrs, &ts);
    if (p->sst != SEC_E_OK || !mutual) return p->sst;
    ok(b2.cbBuffer > 0, "mutual authentication without an AP-REP\n");
    p->cst = InitializeSecurityContextW(cc, &p->client, (SEC_WCHAR *)service, req, 0, SECURITY_NATIVE_DREP, &d2, 0,
                                        &p->client, &d3, &attrs, &ts);
    return p->cst;
}

static void pair_free(struct pair *p)
{
    DeleteSecurityContext(&p->client);
    DeleteSecurityContext(&p->server);
}

static BOOL seal_open(CtxtHandle *from, CtxtHandle *to, const char *text, BOOL stream)
{
    SecPkgContext_Sizes z;
    BYTE data[256], token[128], whole[512];
    ULONG n = (ULONG)strlen(text), qop = 9;
    if (QueryContextAttributesW(from, SECPKG_ATTR_SIZES, &z) != SEC_E_OK || z.cbSecurityTrailer > sizeof(token))
        return FALSE;
    SecBuffer b[2] = { { z.cbSecurityTrailer, SECBUFFER_TOKEN, token }, { n, SECBUFFER_DATA, data } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    memcpy(data, text, n);
    if (EncryptMessage(from, 0, &d, 0) != SEC_E_OK || !memcmp(data, text, n)) return FALSE;
    if (stream) {
        memcpy(whole, token, b[0].cbBuffer);
        memcpy(whole + b[0].cbBuffer, data, n);
        SecBuffer s[2] = { { b[0].cbBuffer + n, SECBUFFER_STREAM, whole }, { 0, SECBUFFER_DATA, NULL } };
        SecBufferDesc sd = { SECBUFFER_VERSION, 2, s };
        return DecryptMessage(to, &sd, 0, &qop) == SEC_E_OK && s[1].cbBuffer == n && !memcmp(s[1].pvBuffer, text, n);
    }
    return DecryptMessage(to, &d, 0, &qop) == SEC_E_OK && b[1].cbBuffer == n && !memcmp(data, text, n) && qop == 0;
}

static void test_password_and_cache(void)
{
    CredHandle pwc, cache, sc;
    struct pair p;
    SECURITY_STATUS st;
    ok(kcred("alice", password, SECPKG_CRED_OUTBOUND, &pwc) == SEC_E_OK, "alice's credential\n");
    ok(kcred(NULL, NULL, SECPKG_CRED_OUTBOUND, &cache) == SEC_E_OK, "default credential\n");
    ok(kcred(NULL, NULL, SECPKG_CRED_INBOUND, &sc) == SEC_E_OK, "server credential\n");
    for (int mutual = 0; mutual < 2; mutual++) {
        st = khandshake(&pwc, &sc, mutual, &p);
        ok(st == SEC_E_OK, "password (KDC over Winsock) to our server (keytab), mutual %d: %08lx (client %08lx, server %08lx)\n",
           mutual, st, p.cst, p.sst);
        if (st == SEC_E_OK) {
            ok(seal_open(&p.client, &p.server, "to the server", FALSE) && seal_open(&p.server, &p.client, "back", FALSE),
               "EncryptMessage/DecryptMessage both ways\n");
            ok(seal_open(&p.client, &p.server, "a stream", TRUE), "SECBUFFER_STREAM\n");
            SecPkgContext_NamesW n;
            WCHAR want[128], got_realm[64];
            widen(realm, got_realm, 64);
            wsprintfW(want, L"%ls\\alice", got_realm);
            ok(QueryContextAttributesW(&p.server, SECPKG_ATTR_NAMES, &n) == SEC_E_OK && !lstrcmpW(n.sUserName, want),
               "server NAMES %ls\n", n.sUserName);
            FreeContextBuffer(n.sUserName);
            ok(ImpersonateSecurityContext(&p.server) == SEC_E_OK, "ImpersonateSecurityContext\n");
            HANDLE t = NULL;
            ok(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &t), "not impersonating: %lu\n", GetLastError());
            if (t) CloseHandle(t);
            ok(RevertSecurityContext(&p.server) == SEC_E_OK, "RevertSecurityContext\n");
            HANDLE qt = NULL;
            ok(QuerySecurityContextToken(&p.server, &qt) == SEC_E_OK && qt, "QuerySecurityContextToken\n");
            if (qt) CloseHandle(qt);
        }
        pair_free(&p);
    }
    st = khandshake(&cache, &sc, TRUE, &p);
    ok(st == SEC_E_OK, "kinit's cache (KRB5CCNAME, a Unix path) to our server: %08lx\n", st);
    if (st == SEC_E_OK) ok(seal_open(&p.client, &p.server, "from the cache's user", FALSE), "messages\n");
    pair_free(&p);
    /* Replay: the same AP-REQ again. */
    st = khandshake(&pwc, &sc, FALSE, &p);
    if (st == SEC_E_OK) {
        BYTE rep[1024];
        SecBuffer in = { p.ap_req_len, SECBUFFER_TOKEN, p.ap_req }, out = { sizeof(rep), SECBUFFER_TOKEN, rep };
        SecBufferDesc di = { SECBUFFER_VERSION, 1, &in }, dout = { SECBUFFER_VERSION, 1, &out };
        CtxtHandle again;
        ULONG attrs;
        TimeStamp ts;
        st = AcceptSecurityContext(&sc, NULL, &di, 0, SECURITY_NATIVE_DREP, &again, &dout, &attrs, &ts);
        ok(st == SEC_E_LOGON_DENIED, "replayed AP-REQ: %08lx\n", st);
    }
    pair_free(&p);
    FreeCredentialsHandle(&pwc);
    ok(kcred("alice", "wrong password", SECPKG_CRED_OUTBOUND, &pwc) == SEC_E_OK, "credential with a wrong password\n");
    st = khandshake(&pwc, &sc, FALSE, &p);
    ok(st == SEC_E_LOGON_DENIED, "wrong password: %08lx\n", st);
    pair_free(&p);
    FreeCredentialsHandle(&pwc);
    FreeCredentialsHandle(&cache);
    FreeCredentialsHandle(&sc);
    struct sspishim_stats s = stats();
    ok(s.live_objects == 0 && s.live_tokens == 0, "left behind: %u objects, %u tokens\n", s.live_objects,
       s.live_tokens);
}

/* Negotiate under Wine: Kerberos first, and with curl's "!ntlm". */
static void test_negotiate(void)
{
    static const WCHAR *const lists[] = { NULL, L"!ntlm" };
    for (int l = 0; l < 2; l++) {
        SEC_WINNT_AUTH_IDENTITY_EXW id;
        memset(&id, 0, sizeof(id));
        id.Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
        id.Length = sizeof(id);
        WCHAR u[16] = L"alice", d[64], p[128];
        CredHandle cc, sc;
        CtxtHandle cl, sv;
        TimeStamp ts;
        BYTE a[16384], b[16384];
        ULONG attrs, req = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION;
        widen(realm, d, 64);
        widen(password, p, 128);
        id.User = (unsigned short *)u, id.UserLength = lstrlenW(u);
        id.Domain = (unsigned short *)d, id.DomainLength = lstrlenW(d);
        id.Password = (unsigned short *)p, id.PasswordLength = lstrlenW(p);
        id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
        if (lists[l]) id.PackageList = (unsigned short *)lists[l], id.PackageListLength = lstrlenW(lists[l]);
        ok(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Negotiate", SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL, &cc,
                                     &ts) == SEC_E_OK, "Negotiate client credential\n");
        ok(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Negotiate", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &sc,
                                     &ts) == SEC_E_OK, "Negotiate server credential\n");
        SecBuffer ob = { sizeof(a), SECBUFFER_TOKEN, a }, sb = { sizeof(b), SECBUFFER_TOKEN, b };
        SecBufferDesc od = { SECBUFFER_VERSION, 1, &ob }, sd = { SECBUFFER_VERSION, 1, &sb };
        SECURITY_STATUS cst = InitializeSecurityContextW(&cc, NULL, (SEC_WCHAR *)service, req, 0, SECURITY_NATIVE_DREP,
                                                         NULL, 0, &cl, &od, &attrs, &ts);
        SECURITY_STATUS sst = cst == SEC_I_CONTINUE_NEEDED
            ? AcceptSecurityContext(&sc, NULL, &od, ASC_REQ_CONNECTION, SECURITY_NATIVE_DREP, &sv, &sd, &attrs, &ts)
            : cst;
        if (sst == SEC_E_OK) {
            ob.cbBuffer = sizeof(a);
            cst = InitializeSecurityContextW(&cc, &cl, (SEC_WCHAR *)service, req, 0, SECURITY_NATIVE_DREP, &sd, 0, &cl,
                                             &od, &attrs, &ts);
        }
        ok(cst == SEC_E_OK && sst == SEC_E_OK, "Negotiate%s%ls to our server: client %08lx, server %08lx\n",
           lists[l] ? " with " : "", lists[l] ? lists[l] : L"", cst, sst);
        if (cst == SEC_E_OK && sst == SEC_E_OK) {
            SecPkgContext_NegotiationInfoW ni;
            ok(QueryContextAttributesW(&cl, SECPKG_ATTR_NEGOTIATION_INFO, &ni) == SEC_E_OK &&
                   !lstrcmpW(ni.PackageInfo->Name, L"Kerberos"), "NEGOTIATION_INFO names %ls\n",
               ni.PackageInfo ? ni.PackageInfo->Name : L"?");
            FreeContextBuffer(ni.PackageInfo);
            ok(seal_open(&cl, &sv, "over Negotiate", FALSE) && seal_open(&sv, &cl, "and back", TRUE),
               "Negotiate (Kerberos) messages both ways\n");
            DeleteSecurityContext(&cl);
            DeleteSecurityContext(&sv);
        }
        FreeCredentialsHandle(&cc);
        FreeCredentialsHandle(&sc);
    }
}

/* ---- over TCP with an MIT peer ------------------------------------------------------- */

static BOOL send_all(SOCKET s, const void *p, int n)
{
    const char *c = p;
    while (n > 0) {
        int k = send(s, c, n, 0);
        if (k <= 0) return FALSE;
        c += k, n -= k;
    }
    return TRUE;
}

static BOOL recv_all(SOCKET s, void *p, int n)
{
    char *c = p;
    while (n > 0) {
        int k = recv(s, c, n, 0);
        if (k <= 0) return FALSE;
        c += k, n -= k;
    }
    return TRUE;
}

static BOOL put_token(SOCKET s, const void *p, ULONG n)
{
    BYTE len[4] = { (BYTE)(n >> 24), (BYTE)(n >> 16), (BYTE)(n >> 8), (BYTE)n };
    return send_all(s, len, 4) && send_all(s, p, (int)n);
}

static int get_token(SOCKET s, void *p, ULONG max)
{
    BYTE len[4];
    if (!recv_all(s, len, 4)) return -1;
    ULONG n = (ULONG)len[0] << 24 | (ULONG)len[1] << 16 | (ULONG)len[2] << 8 | len[3];
    if (n > max || !recv_all(s, p, (int)n)) return -1;
    return (int)n;
}

/* Sends EncryptMessage(text) as token || data. */
static BOOL put_sealed(SOCKET s, CtxtHandle *ctx, const char *text)
{
    BYTE msg[512];
    ULONG n = (ULONG)strlen(text);
    SecBuffer b[2] = { { 60, SECBUFFER_TOKEN, msg }, { n, SECBUFFER_DATA, msg + 60 } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    memcpy(msg + 60, text, n);
    if (EncryptMessage(ctx, 0, &d, 0) != SEC_E_OK || b[0].cbBuffer != 60) return FALSE;
    return put_token(s, msg, 60 + n);
}

/* Receives a whole Wrap token and opens it as SECBUFFER_STREAM. */
static BOOL get_sealed(SOCKET s, CtxtHandle *ctx, char *text, ULONG max)
{
    BYTE msg[1024];
    int n = get_token(s, msg, sizeof(msg));
    if (n <= 0) return FALSE;
    SecBuffer b[2] = { { (ULONG)n, SECBUFFER_STREAM, msg }, { 0, SECBUFFER_DATA, NULL } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop;
    SECURITY_STATUS st = DecryptMessage(ctx, &d, 0, &qop);
    if (st != SEC_E_OK || b[1].cbBuffer >= max) return FALSE;
    memcpy(text, b[1].pvBuffer, b[1].cbBuffer);
    text[b[1].cbBuffer] = 0;
    return TRUE;
}

static void run_connect(int port)
{
    WSADATA wsa;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in a = { AF_INET, htons((u_short)port), { { { 127, 0, 0, 1 } } }, { 0 } };
    if (!ok(connect(s, (struct sockaddr *)&a, sizeof(a)) == 0, "connect to the MIT acceptor: %d\n", WSAGetLastError()))
        return;
    CredHandle c;
    CtxtHandle ctx;
    BYTE tok[16384];
    ULONG attrs, req = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT;
    TimeStamp ts;
    ok(kcred("alice", password, SECPKG_CRED_OUTBOUND, &c) == SEC_E_OK, "alice's credential\n");
    SecBuffer ob = { sizeof(tok), SECBUFFER_TOKEN, tok };
    SecBufferDesc od = { SECBUFFER_VERSION, 1, &ob };
    SECURITY_STATUS st = InitializeSecurityContextW(&c, NULL, (SEC_WCHAR *)service, req, 0, SECURITY_NATIVE_DREP, NULL,
                                                    0, &ctx, &od, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "AP-REQ for the MIT acceptor: %08lx\n", st);
    if (st != SEC_I_CONTINUE_NEEDED || !put_token(s, tok, ob.cbBuffer)) goto done;
    BYTE rep[16384];
    int n = get_token(s, rep, sizeof(rep));
    SecBuffer ib = { n > 0 ? (ULONG)n : 0, SECBUFFER_TOKEN, rep };
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib };
    ob.cbBuffer = sizeof(tok);
    st = InitializeSecurityContextW(&c, &ctx, (SEC_WCHAR *)service, req, 0, SECURITY_NATIVE_DREP, &id, 0, &ctx, &od,
                                    &attrs, &ts);
    ok(st == SEC_E_OK, "the MIT acceptor's AP-REP: %08lx\n", st);
    if (st == SEC_E_OK) {
        char reply[256];
        ok(put_sealed(s, &ctx, "hello from Windows"), "EncryptMessage to MIT\n");
        ok(get_sealed(s, &ctx, reply, sizeof(reply)) && !strcmp(reply, "echo: hello from Windows"),
           "MIT's gss_wrap reply through DecryptMessage: %s\n", reply);
    }
    DeleteSecurityContext(&ctx);
done:
    FreeCredentialsHandle(&c);
    closesocket(s);
}

static void run_listen(const char *port_file)
{
    WSADATA wsa;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), s;
    struct sockaddr_in a = { AF_INET, 0, { { { 127, 0, 0, 1 } } }, { 0 } };
    int alen = sizeof(a);
    bind(l, (struct sockaddr *)&a, sizeof(a));
    listen(l, 1);
    getsockname(l, (struct sockaddr *)&a, &alen);
    FILE *f = fopen(port_file, "w");
    if (!ok(f != NULL, "cannot write %s\n", port_file)) return;
    fprintf(f, "%u\n", ntohs(a.sin_port));
    fclose(f);
    if (!ok((s = accept(l, NULL, NULL)) != INVALID_SOCKET, "accept: %d\n", WSAGetLastError())) return;
    CredHandle sc;
    CtxtHandle ctx;
    BYTE req[16384], rep[16384];
    ULONG attrs;
    TimeStamp ts;
    ok(kcred(NULL, NULL, SECPKG_CRED_INBOUND, &sc) == SEC_E_OK, "server credential\n");
    int n = get_token(s, req, sizeof(req));
    SecBuffer ib = { n > 0 ? (ULONG)n : 0, SECBUFFER_TOKEN, req }, ob = { sizeof(rep), SECBUFFER_TOKEN, rep };
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &ib }, od = { SECBUFFER_VERSION, 1, &ob };
    SECURITY_STATUS st = AcceptSecurityContext(&sc, NULL, &id, ASC_REQ_CONNECTION, SECURITY_NATIVE_DREP, &ctx, &od,
                                               &attrs, &ts);
    ok(st == SEC_E_OK && ob.cbBuffer > 0, "the MIT initiator's AP-REQ: %08lx, AP-REP %lu bytes\n", st, ob.cbBuffer);
    if (st == SEC_E_OK && put_token(s, rep, ob.cbBuffer)) {
        char text[256], reply[300];
        SecPkgContext_NativeNamesW nn;
        ok(QueryContextAttributesW(&ctx, SECPKG_ATTR_NATIVE_NAMES, &nn) == SEC_E_OK, "NATIVE_NAMES\n");
        trace("the MIT initiator is %ls\n", nn.sClientName);
        FreeContextBuffer(nn.sClientName);
        FreeContextBuffer(nn.sServerName);
        ok(get_sealed(s, &ctx, text, sizeof(text)) && !strcmp(text, "hello from MIT"), "MIT's message: %s\n", text);
        snprintf(reply, sizeof(reply), "echo: %s", text);
        ok(put_sealed(s, &ctx, reply), "the reply\n");
        DeleteSecurityContext(&ctx);
    }
    FreeCredentialsHandle(&sc);
    closesocket(s);
    closesocket(l);
}


/* ---- export and import ------------------------------------------------------------ */

/* One framed item over a pipe: a 4-byte length, then the bytes. */
static BOOL pipe_put(HANDLE pipe, const void *p, DWORD n)
{
    DWORD done;
    return WriteFile(pipe, &n, 4, &done, NULL) && (!n || WriteFile(pipe, p, n, &done, NULL));
}

static int pipe_get(HANDLE pipe, void *buf, DWORD max)
{
    DWORD n, done, got = 0;
    if (!ReadFile(pipe, &n, 4, &done, NULL) || done != 4 || n > max) return -1;
    while (got < n) {
        if (!ReadFile(pipe, (BYTE *)buf + got, n - got, &done, NULL) || !done) return -1;
        got += done;
    }
    return (int)n;
}

/* EncryptMessage(text) as one token || data wire message. */
static SECURITY_STATUS wire_seal(CtxtHandle *ctx, const char *text, BYTE *out, DWORD *len)
{
    SecPkgContext_Sizes z;
    ULONG n = (ULONG)strlen(text);
    SECURITY_STATUS st = QueryContextAttributesW(ctx, SECPKG_ATTR_SIZES, &z);
    if (st != SEC_E_OK) return st;
    if (z.cbSecurityTrailer + n > 1024) return SEC_E_BUFFER_TOO_SMALL;
    SecBuffer b[2] = { { z.cbSecurityTrailer, SECBUFFER_TOKEN, out }, { n, SECBUFFER_DATA, out + z.cbSecurityTrailer } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    memcpy(out + z.cbSecurityTrailer, text, n);
    if ((st = EncryptMessage(ctx, 0, &d, 0)) != SEC_E_OK) return st;
    /* the token may come back shorter than the trailer */
    memmove(out + b[0].cbBuffer, out + z.cbSecurityTrailer, n);
    *len = b[0].cbBuffer + n;
    return SEC_E_OK;
}

/* DecryptMessage of a wire message as SECBUFFER_STREAM into text. */
static SECURITY_STATUS wire_open(CtxtHandle *ctx, BYTE *msg, DWORD len, char *text, DWORD max)
{
    SecBuffer b[2] = { { len, SECBUFFER_STREAM, msg }, { 0, SECBUFFER_DATA, NULL } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop;
    SECURITY_STATUS st = DecryptMessage(ctx, &d, 0, &qop);
    text[0] = 0;
    if (st != SEC_E_OK) return st;
    if (b[1].cbBuffer >= max) return SEC_E_BUFFER_TOO_SMALL;
    memcpy(text, b[1].pvBuffer, b[1].cbBuffer);
    text[b[1].cbBuffer] = 0;
    return SEC_E_OK;
}

static BOOL token_sid(HANDLE token, BYTE *sid, DWORD *sid_len)
{
    BYTE buf[256];
    DWORD len;
    if (!GetTokenInformation(token, TokenUser, buf, sizeof(buf), &len)) return FALSE;
    PSID s = ((TOKEN_USER *)buf)->User.Sid;
    *sid_len = GetLengthSid(s);
    return CopySid(*sid_len, sid, s);
}

static SECURITY_STATUS kimport(SecBuffer *blob, HANDLE token, CtxtHandle *out)
{
    return ImportSecurityContextW((SEC_WCHAR *)L"Kerberos", blob, token, out);
}

/* In one process: both ends' blobs, tokens, the flags. */
static void test_export_in_process(void)
{
    CredHandle pwc, sc;
    struct pair p;
    SECURITY_STATUS st;
    ok(kcred("alice", password, SECPKG_CRED_OUTBOUND, &pwc) == SEC_E_OK, "alice's credential\n");
    ok(kcred(NULL, NULL, SECPKG_CRED_INBOUND, &sc) == SEC_E_OK, "server credential\n");
    struct sspishim_stats before = stats();

    st = khandshake(&pwc, &sc, TRUE, &p);
    ok(st == SEC_E_OK, "handshake for export: %08lx\n", st);
    if (st == SEC_E_OK) {
        SecBuffer sb = { 0, 0, NULL }, cb = { 0, 0, NULL };
        HANDLE stok = NULL, ctok = (HANDLE)0xdead;
        st = ExportSecurityContext(&p.server, 0, &sb, &stok);
        ok(st == SEC_E_OK && sb.pvBuffer && sb.BufferType == SECBUFFER_DATA && stok,
           "ExportSecurityContext of a Kerberos server: %08lx, %lu bytes, token %p\n", st, sb.cbBuffer, stok);
        st = ExportSecurityContext(&p.client, 0, &cb, &ctok);
        ok(st == SEC_E_OK && cb.pvBuffer && !ctok, "ExportSecurityContext of a Kerberos client: %08lx, token %p\n", st,
           ctok);
        trace("Kerberos blobs: server %lu bytes, client %lu bytes\n", sb.cbBuffer, cb.cbBuffer);
        CtxtHandle scopy, ccopy;
        SecInvalidateHandle(&scopy);
        SecInvalidateHandle(&ccopy);
        st = kimport(&sb, stok, &scopy);
        ok(st == SEC_E_OK, "ImportSecurityContextW server with its token: %08lx\n", st);
        st = kimport(&cb, stok, &ccopy);   /* a client blob ignores the token */
        ok(st == SEC_E_OK, "ImportSecurityContextW client (a token given is ignored): %08lx\n", st);
        if (stok) {
            BYTE sid[128];
            DWORD sid_len;
            ok(token_sid(stok, sid, &sid_len), "the caller's token survives the imports\n");
            CloseHandle(stok);
        }
        ok(seal_open(&p.client, &scopy, "to the server's copy", FALSE) && seal_open(&scopy, &p.client, "back", TRUE),
           "original client <-> the server's copy\n");
        ok(seal_open(&ccopy, &p.server, "from the client's copy", FALSE) &&
               seal_open(&p.server, &ccopy, "to the client's copy", TRUE),
           "the client's copy <-> original server\n");
        ok(ImpersonateSecurityContext(&scopy) == SEC_E_OK, "ImpersonateSecurityContext on the server's copy\n");
        RevertSecurityContext(&scopy);
        st = ImpersonateSecurityContext(&ccopy);
        ok(st == SEC_E_NO_IMPERSONATION, "a client copy has no token: %08lx\n", st);
        DeleteSecurityContext(&ccopy);
        /* A server blob without a token: messages, no impersonation. */
        st = kimport(&sb, NULL, &ccopy);
        ok(st == SEC_E_OK, "server import without a token: %08lx\n", st);
        if (st == SEC_E_OK) {
            st = ImpersonateSecurityContext(&ccopy);
            ok(st == SEC_E_NO_IMPERSONATION, "impersonation without a token: %08lx\n", st);
            DeleteSecurityContext(&ccopy);
        }
        st = ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &sb, NULL, &ccopy);
        ok(st == SEC_E_INVALID_TOKEN, "a Kerberos blob imported as NTLM: %08lx\n", st);
        ((BYTE *)sb.pvBuffer)[sb.cbBuffer / 2] ^= 1;
        st = kimport(&sb, NULL, &ccopy);
        ok(st == SEC_E_MESSAGE_ALTERED, "an altered Kerberos blob: %08lx\n", st);
        sb.cbBuffer--;
        st = kimport(&sb, NULL, &ccopy);
        ok(st == SEC_E_INVALID_TOKEN || st == SEC_E_MESSAGE_ALTERED, "a truncated Kerberos blob: %08lx\n", st);
        FreeContextBuffer(sb.pvBuffer);
        FreeContextBuffer(cb.pvBuffer);
        DeleteSecurityContext(&scopy);

        /* RESET_NEW after messages: refused, and nothing changes. */
        SecBuffer rb = { 0, 0, NULL };
        st = ExportSecurityContext(&p.client, SECPKG_CONTEXT_EXPORT_RESET_NEW | SECPKG_CONTEXT_EXPORT_DELETE_OLD, &rb,
                                   NULL);
        ok(st == SEC_E_INVALID_PARAMETER && !rb.pvBuffer, "RESET_NEW after messages: %08lx\n", st);
        ok(seal_open(&p.client, &p.server, "still alive", FALSE), "the context lives on after a refused export\n");
        /* DELETE_OLD: the handle dies, the copy carries on. */
        st = ExportSecurityContext(&p.client, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &rb, NULL);
        ok(st == SEC_E_OK, "DELETE_OLD export of the client: %08lx\n", st);
        SecPkgContext_Sizes z;
        st = QueryContextAttributesW(&p.client, SECPKG_ATTR_SIZES, &z);
        ok(st == SEC_E_INVALID_HANDLE, "the exported handle after DELETE_OLD: %08lx\n", st);
        SecInvalidateHandle(&p.client);
        CtxtHandle moved;
        st = rb.pvBuffer ? kimport(&rb, NULL, &moved) : SEC_E_INVALID_TOKEN;
        ok(st == SEC_E_OK, "import of the moved client: %08lx\n", st);
        if (st == SEC_E_OK) {
            ok(seal_open(&moved, &p.server, "moved", FALSE) && seal_open(&p.server, &moved, "moved back", TRUE),
               "the moved client carries on where the original stopped\n");
            DeleteSecurityContext(&moved);
        }
        if (rb.pvBuffer) FreeContextBuffer(rb.pvBuffer);
    }
    pair_free(&p);

    /* RESET_NEW before any message, both ends, with DELETE_OLD. */
    st = khandshake(&pwc, &sc, FALSE, &p);
    if (st == SEC_E_OK) {
        SecBuffer sb = { 0, 0, NULL }, cb = { 0, 0, NULL };
        HANDLE tok = NULL;
        ULONG both = SECPKG_CONTEXT_EXPORT_RESET_NEW | SECPKG_CONTEXT_EXPORT_DELETE_OLD;
        SECURITY_STATUS s1 = ExportSecurityContext(&p.server, both, &sb, &tok);
        SECURITY_STATUS s2 = ExportSecurityContext(&p.client, both, &cb, NULL);
        ok(s1 == SEC_E_OK && s2 == SEC_E_OK && tok, "RESET_NEW|DELETE_OLD before any message: %08lx %08lx\n", s1, s2);
        SecInvalidateHandle(&p.client);
        SecInvalidateHandle(&p.server);
        CtxtHandle s, c;
        s1 = sb.pvBuffer ? kimport(&sb, tok, &s) : SEC_E_INVALID_TOKEN;
        s2 = cb.pvBuffer ? kimport(&cb, NULL, &c) : SEC_E_INVALID_TOKEN;
        ok(s1 == SEC_E_OK && s2 == SEC_E_OK, "both imported: %08lx %08lx\n", s1, s2);
        if (s1 == SEC_E_OK && s2 == SEC_E_OK)
            ok(seal_open(&c, &s, "reset copies", FALSE) && seal_open(&s, &c, "reset copies back", TRUE),
               "the two reset copies talk\n");
        if (s1 == SEC_E_OK) DeleteSecurityContext(&s);
        if (s2 == SEC_E_OK) DeleteSecurityContext(&c);
        if (tok) CloseHandle(tok);
        if (sb.pvBuffer) FreeContextBuffer(sb.pvBuffer);
        if (cb.pvBuffer) FreeContextBuffer(cb.pvBuffer);
    }
    pair_free(&p);
    FreeCredentialsHandle(&pwc);
    FreeCredentialsHandle(&sc);
    struct sspishim_stats after = stats();
    ok(after.live_objects == before.live_objects - 2 && after.live_tokens == before.live_tokens,
       "left behind: objects %u -> %u, tokens %u -> %u\n", before.live_objects, after.live_objects,
       before.live_tokens, after.live_tokens);
}

/* The worker: stdin carries the blob, the token's value in this process,
 * the expected TokenUser SID and three sealed messages; stdout carries
 * three sealed replies.  Its exit code is its failure count. */
static int export_child(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), out = GetStdHandle(STD_OUTPUT_HANDLE);
    static BYTE blob[16384];
    BYTE sid[128], sid2[128], msg[1100];
    ULONGLONG token_value = 0;
    DWORD sid2_len, len;
    int n = pipe_get(in, blob, sizeof(blob));
    int t = pipe_get(in, &token_value, sizeof(token_value));
    int s = pipe_get(in, sid, sizeof(sid));
    HANDLE token = (HANDLE)(ULONG_PTR)token_value;
    CtxtHandle ctx;
    int failures = 0;
    if (!(n > 0 && t == 8 && s > 0)) return 100;
    SecBuffer b = { (DWORD)n, SECBUFFER_DATA, blob };
    SECURITY_STATUS st = kimport(&b, token, &ctx);
    if (st != SEC_E_OK) {
        fprintf(stderr, "export-child: import: %08lx\n", st);
        return 101;
    }
    CloseHandle(token);    /* ours; the context holds its own */
    for (int i = 0; i < 3; i++) {
        char text[512], reply[64];
        int k = pipe_get(in, msg, sizeof(msg));
        st = k > 0 ? wire_open(&ctx, msg, (DWORD)k, text, sizeof(text)) : SEC_E_INCOMPLETE_MESSAGE;
        if (st != SEC_E_OK || strncmp(text, "after the hand-off", 18)) {
            fprintf(stderr, "export-child: message %d: %08lx \"%s\"\n", i, st, text);
            failures++;
        }
        snprintf(reply, sizeof(reply), "worker reply %d", i);
        if (wire_seal(&ctx, reply, msg, &len) != SEC_E_OK) failures++, len = 0;
        pipe_put(out, msg, len);
    }
    st = ImpersonateSecurityContext(&ctx);
    HANDLE thread_token = NULL;
    if (st != SEC_E_OK || !OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &thread_token) ||
        !token_sid(thread_token, sid2, &sid2_len) || !EqualSid(sid, sid2)) {
        fprintf(stderr, "export-child: impersonation: %08lx\n", st);
        failures++;
    }
    if (thread_token) CloseHandle(thread_token);
    RevertSecurityContext(&ctx);
    SecPkgContext_NamesW nm;
    if (QueryContextAttributesW(&ctx, SECPKG_ATTR_NAMES, &nm) != SEC_E_OK) failures++;
    else {
        if (!wcsstr(nm.sUserName, L"\\alice")) {
            fprintf(stderr, "export-child: NAMES %ls\n", nm.sUserName);
            failures++;
        }
        FreeContextBuffer(nm.sUserName);
    }
    DeleteSecurityContext(&ctx);
    struct sspishim_stats left = stats();
    if (left.live_objects || left.live_tokens) {
        fprintf(stderr, "export-child: left %u objects, %u tokens\n", left.live_objects, left.live_tokens);
        failures++;
    }
    return failures;
}

/* The server hands its Kerberos context and the client's token to a
 * worker process; the original client carries on with the worker. */
static void handoff(const char *self, CredHandle *pwc, CredHandle *sc, ULONG flags)
{
    const char *how = flags & SECPKG_CONTEXT_EXPORT_RESET_NEW ? "RESET_NEW" : "DELETE_OLD";
    struct pair p;
    SECURITY_STATUS st = khandshake(pwc, sc, TRUE, &p);
    if (!ok(st == SEC_E_OK, "%s hand-off: handshake %08lx\n", how, st)) { pair_free(&p); return; }
    if (!(flags & SECPKG_CONTEXT_EXPORT_RESET_NEW))
        ok(seal_open(&p.client, &p.server, "before the hand-off", FALSE) &&
               seal_open(&p.server, &p.client, "before, back", FALSE), "%s: messages before the hand-off\n", how);
    SecBuffer blob = { 0, 0, NULL };
    HANDLE token = NULL;
    st = ExportSecurityContext(&p.server, flags, &blob, &token);
    if (!ok(st == SEC_E_OK && token, "%s export for the worker: %08lx\n", how, st)) { pair_free(&p); return; }
    if (flags & SECPKG_CONTEXT_EXPORT_DELETE_OLD) {
        SecInvalidateHandle(&p.server);
    }
    BYTE sid[128];
    DWORD sid_len = 0;
    ok(token_sid(token, sid, &sid_len), "TokenUser of the exported token\n");

    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE to_child_r, to_child_w, from_child_r, from_child_w;
    CreatePipe(&to_child_r, &to_child_w, &sa, 0);
    CreatePipe(&from_child_r, &from_child_w, &sa, 0);
    SetHandleInformation(to_child_w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(from_child_r, HANDLE_FLAG_INHERIT, 0);
    char cmd[MAX_PATH + 32];
    snprintf(cmd, sizeof(cmd), "\"%s\" export-child", self);
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = to_child_r;
    si.hStdOutput = from_child_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    BOOL started = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi);
    CloseHandle(to_child_r);
    CloseHandle(from_child_w);
    if (!ok(started, "CreateProcess %s: %lu\n", cmd, GetLastError())) {
        CloseHandle(to_child_w);
        CloseHandle(from_child_r);
        FreeContextBuffer(blob.pvBuffer);
        CloseHandle(token);
        pair_free(&p);
        return;
    }
    HANDLE remote = NULL;
    ok(DuplicateHandle(GetCurrentProcess(), token, pi.hProcess, &remote, 0, FALSE, DUPLICATE_SAME_ACCESS),
       "DuplicateHandle into the worker: %lu\n", GetLastError());
    CloseHandle(token);
    ULONGLONG value = (ULONG_PTR)remote;
    pipe_put(to_child_w, blob.pvBuffer, blob.cbBuffer);
    pipe_put(to_child_w, &value, sizeof(value));
    pipe_put(to_child_w, sid, sid_len);
    FreeContextBuffer(blob.pvBuffer);
    for (int i = 0; i < 3; i++) {
        BYTE msg[1100];
        DWORD len = 0;
        char text[64], want[64];
        snprintf(text, sizeof(text), "after the hand-off %d", i);
        ok(wire_seal(&p.client, text, msg, &len) == SEC_E_OK, "%s: the client seals %d\n", how, i);
        pipe_put(to_child_w, msg, len);
        int n = pipe_get(from_child_r, msg, sizeof(msg));
        if (!ok(n > 16, "%s: no reply %d from the worker\n", how, i)) break;
        snprintf(want, sizeof(want), "worker reply %d", i);
        st = wire_open(&p.client, msg, (DWORD)n, text, sizeof(text));
        ok(st == SEC_E_OK && !strcmp(text, want), "%s: the worker's reply %d: %08lx \"%s\"\n", how, i, st, text);
    }
    CloseHandle(to_child_w);
    DWORD code = 1;
    ok(WaitForSingleObject(pi.hProcess, 60000) == WAIT_OBJECT_0, "%s: the worker did not finish\n", how);
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 0, "%s: the worker (import with the token, 3 messages each way, impersonation) reported %lu\n", how,
       code);
    CloseHandle(from_child_r);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    pair_free(&p);
}

static void test_export_cross_process(const char *self)
{
    CredHandle pwc, sc;
    ok(kcred("alice", password, SECPKG_CRED_OUTBOUND, &pwc) == SEC_E_OK, "alice's credential\n");
    ok(kcred(NULL, NULL, SECPKG_CRED_INBOUND, &sc) == SEC_E_OK, "server credential\n");
    handoff(self, &pwc, &sc, SECPKG_CONTEXT_EXPORT_DELETE_OLD);
    handoff(self, &pwc, &sc, SECPKG_CONTEXT_EXPORT_RESET_NEW);
    FreeCredentialsHandle(&pwc);
    FreeCredentialsHandle(&sc);
}

static void run_tests(int argc, char **argv)
{
    DWORD n = GetEnvironmentVariableA("SSPISHIM_TEST_REALM", realm, sizeof(realm));
    GetEnvironmentVariableA("SSPISHIM_TEST_PASSWORD", password, sizeof(password));
    if (argc > 2 && !strcmp(argv[1], "connect")) {
        run_connect(atoi(argv[2]));
        return;
    }
    if (argc > 2 && !strcmp(argv[1], "listen")) {
        run_listen(argv[2]);
        return;
    }
    if (argc > 1 && !strcmp(argv[1], "switch")) exit(switch_child());
    if (argc > 1 && !strcmp(argv[1], "export-child")) exit(export_child());
    if (argc > 2 && !strcmp(argv[1], "handoff")) {
        if (!n || n >= sizeof(realm)) skip("no realm (SSPISHIM_TEST_REALM)\n");
        else test_export_cross_process(argv[2]);
        return;
    }
    test_package_info();
    test_switch(argv[0]);
    test_without_kdc();
    if (!n || n >= sizeof(realm)) {
        skip("no realm (SSPISHIM_TEST_REALM): tests/kerberos/run.sh runs the rest against an MIT KDC\n");
        return;
    }
    test_password_and_cache();
    test_negotiate();
    test_export_in_process();
    test_export_cross_process(argv[0]);
}
