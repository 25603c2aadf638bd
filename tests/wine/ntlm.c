/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM package through the DLL: a loopback handshake (client and server
 * in one process), signing and sealing both ways, tampered and replayed
 * messages, wrong passwords, attributes A and W, tokens and impersonation,
 * NTLM without extended session security (a server that does not offer it,
 * a client that does not ask, and a fixed CHALLENGE as Wine's own tests
 * send), and nothing left behind. */
#define TEST_NAME "ntlm"
#include "test.h"
#include <stdlib.h>
#include "sspishim/sspishim.h"

static const WCHAR user[] = L"User", domain[] = L"Domain", password[] = L"Password";

#include <sddl.h>

#include "ntlm_util.h"

static void test_handshake_and_attributes(CredHandle *ccred, CredHandle *scred)
{
    struct handshake h;
    ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION;
    SECURITY_STATUS st = handshake(ccred, scred, req, &h);
    ok(st == SEC_E_OK, "handshake: %08lx\n", st);
    ok(h.client_st[0] == SEC_I_CONTINUE_NEEDED, "client leg 1: %08lx\n", h.client_st[0]);
    ok(h.server_st[0] == SEC_I_CONTINUE_NEEDED, "server leg 1: %08lx\n", h.server_st[0]);
    ok(h.client_st[1] == SEC_E_OK, "client leg 2: %08lx\n", h.client_st[1]);
    ok(h.server_st[1] == SEC_E_OK, "server leg 2: %08lx\n", h.server_st[1]);
    if (st != SEC_E_OK) return;
    ok(h.client_attrs & ISC_RET_CONFIDENTIALITY, "client attributes %#lx lack CONFIDENTIALITY\n", h.client_attrs);
    ok(h.server_attrs & ASC_RET_CONFIDENTIALITY, "server attributes %#lx lack CONFIDENTIALITY\n", h.server_attrs);

    SecPkgContext_Sizes sizes;
    ok(QueryContextAttributesW(&h.client, SECPKG_ATTR_SIZES, &sizes) == SEC_E_OK, "SIZES failed\n");
    ok(sizes.cbMaxSignature == 16 && sizes.cbSecurityTrailer == 16, "sizes %lu %lu\n", sizes.cbMaxSignature,
       sizes.cbSecurityTrailer);

    SecPkgContext_NamesW names;
    ok(QueryContextAttributesW(&h.server, SECPKG_ATTR_NAMES, &names) == SEC_E_OK, "server NAMES failed\n");
    ok(!lstrcmpiW(names.sUserName, L"Domain\\User"), "server sees %ls\n", names.sUserName);
    FreeContextBuffer(names.sUserName);
    SecPkgContext_NamesA names_a;
    ok(QueryContextAttributesA(&h.client, SECPKG_ATTR_NAMES, &names_a) == SEC_E_OK, "client NAMES (A) failed\n");
    ok(!lstrcmpiA(names_a.sUserName, "Domain\\User"), "client NAMES (A) %s\n", names_a.sUserName);
    FreeContextBuffer(names_a.sUserName);

    SecPkgContext_SessionKey kc, ks;
    ok(QueryContextAttributesW(&h.client, SECPKG_ATTR_SESSION_KEY, &kc) == SEC_E_OK, "client SESSION_KEY\n");
    ok(QueryContextAttributesW(&h.server, SECPKG_ATTR_SESSION_KEY, &ks) == SEC_E_OK, "server SESSION_KEY\n");
    ok(kc.SessionKeyLength == 16 && ks.SessionKeyLength == 16 && !memcmp(kc.SessionKey, ks.SessionKey, 16),
       "session keys differ\n");
    FreeContextBuffer(kc.SessionKey);
    FreeContextBuffer(ks.SessionKey);

    SecPkgContext_PackageInfoA pi;
    ok(QueryContextAttributesA(&h.server, SECPKG_ATTR_PACKAGE_INFO, &pi) == SEC_E_OK, "PACKAGE_INFO (A)\n");
    ok(pi.PackageInfo && !strcmp(pi.PackageInfo->Name, "NTLM"), "package %s\n", pi.PackageInfo ? pi.PackageInfo->Name : "(none)");
    FreeContextBuffer(pi.PackageInfo);

    SecPkgContext_NegotiationInfoW ni;
    ok(QueryContextAttributesW(&h.client, SECPKG_ATTR_NEGOTIATION_INFO, &ni) == SEC_E_OK, "NEGOTIATION_INFO\n");
    ok(ni.PackageInfo && !lstrcmpW(ni.PackageInfo->Name, L"NTLM"), "negotiated package\n");
    FreeContextBuffer(ni.PackageInfo);

    SecPkgContext_Flags flags;
    ok(QueryContextAttributesW(&h.client, SECPKG_ATTR_FLAGS, &flags) == SEC_E_OK, "FLAGS\n");
    ok(flags.Flags & ISC_RET_CONFIDENTIALITY, "flags %#lx\n", flags.Flags);

    SecPkgContext_NativeNamesW nn;
    ok(QueryContextAttributesW(&h.server, SECPKG_ATTR_NATIVE_NAMES, &nn) == SEC_E_OK, "NATIVE_NAMES\n");
    if (nn.sClientName) FreeContextBuffer(nn.sClientName);
    if (nn.sServerName) FreeContextBuffer(nn.sServerName);

    SecPkgContext_KeyInfoA ki;
    ok(QueryContextAttributesA(&h.client, SECPKG_ATTR_KEY_INFO, &ki) == SEC_E_OK, "KEY_INFO (A)\n");
    ok(ki.KeySize == 128, "key size %lu\n", ki.KeySize);
    FreeContextBuffer(ki.sSignatureAlgorithmName);
    FreeContextBuffer(ki.sEncryptAlgorithmName);

    SecPkgContext_Lifespan life;
    ok(QueryContextAttributesW(&h.client, SECPKG_ATTR_LIFESPAN, &life) == SEC_E_OK, "LIFESPAN\n");

    /* ---- messages ---- */
    char plain[] = "attack at dawn, bring sandwiches";
    char data[sizeof(plain)];
    BYTE sig[16];
    SecBuffer mb[2] = { { sizeof(sig), SECBUFFER_TOKEN, sig }, { sizeof(data), SECBUFFER_DATA, data } };
    SecBufferDesc md = { SECBUFFER_VERSION, 2, mb };
    ULONG qop;
    /* A rejected message leaves the receiver's state as it was: a message
     * injected by someone else does not desynchronise the session, while one
     * altered in flight (the sender has moved on) is the last that can be
     * checked in that direction.  So each direction ends with one of those. */
    for (int dir = 0; dir < 2; dir++) {
        CtxtHandle *from = dir ? &h.server : &h.client, *to = dir ? &h.client : &h.server;
        const char *name = dir ? "server->client" : "client->server";
        memcpy(data, plain, sizeof(plain));
        ok(MakeSignature(from, 0, &md, 0) == SEC_E_OK, "%s MakeSignature\n", name);
        ok(VerifySignature(to, &md, 0, &qop) == SEC_E_OK, "%s VerifySignature\n", name);
        ok(VerifySignature(to, &md, 0, &qop) == SEC_E_OUT_OF_SEQUENCE, "%s replayed signature accepted\n", name);

        /* an injected message: a forged signature the sender never made */
        BYTE forged[16] = { 1, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 1, 0, 0, 0 };
        memcpy(sig, forged, sizeof(sig));
        ok(VerifySignature(to, &md, 0, &qop) == SEC_E_MESSAGE_ALTERED, "%s forged signature accepted\n", name);

        memcpy(data, plain, sizeof(plain));
        mb[0].cbBuffer = sizeof(sig);
        SECURITY_STATUS est = EncryptMessage(from, 0, &md, 0);
        ok(est == SEC_E_OK, "%s EncryptMessage: %08lx\n", name, est);
        ok(memcmp(data, plain, sizeof(plain)), "%s EncryptMessage left the data in the clear\n", name);
        qop = 0xdeadbeef;
        SECURITY_STATUS dst = DecryptMessage(to, &md, 0, &qop);
        ok(dst == SEC_E_OK, "%s DecryptMessage after a forged message: %08lx\n", name, dst);
        ok(!memcmp(data, plain, sizeof(plain)), "%s decrypted text differs\n", name);
        ok(qop == 0xdeadbeef, "%s DecryptMessage touched pfQOP of a sealed message: %#lx\n", name, qop);

        /* sign-only sealing, reported through pfQOP */
        memcpy(data, plain, sizeof(plain));
        ok(EncryptMessage(from, SECQOP_WRAP_NO_ENCRYPT, &md, 0) == SEC_E_OK, "%s EncryptMessage(WRAP_NO_ENCRYPT)\n", name);
        ok(!memcmp(data, plain, sizeof(plain)), "%s WRAP_NO_ENCRYPT encrypted the data\n", name);
        ok(DecryptMessage(to, &md, 0, &qop) == SEC_E_OK && qop == SECQOP_WRAP_NO_ENCRYPT,
           "%s sign-only message: qop %#lx\n", name, qop);

        /* altered in flight: the signature in one direction, the ciphertext in the other */
        memcpy(data, plain, sizeof(plain));
        if (dir == 0) {
            MakeSignature(from, 0, &md, 0);
            data[3] ^= 1;
            ok(VerifySignature(to, &md, 0, &qop) == SEC_E_MESSAGE_ALTERED, "%s altered message accepted\n", name);
        } else {
            EncryptMessage(from, 0, &md, 0);
            data[0] ^= 0x80;
            ok(DecryptMessage(to, &md, 0, &qop) == SEC_E_MESSAGE_ALTERED, "%s tampered ciphertext accepted\n", name);
        }
    }
    /* a signature buffer that is too small */
    mb[0].cbBuffer = 8;
    ok(MakeSignature(&h.client, 0, &md, 0) != SEC_E_OK, "8-byte signature buffer accepted\n");
    mb[0].cbBuffer = sizeof(sig);

    /* ---- tokens ---- */
    HANDLE token = NULL;
    ok(QuerySecurityContextToken(&h.server, &token) == SEC_E_OK && token, "QuerySecurityContextToken (server)\n");
    if (token) {
        BYTE buf[256];
        DWORD len;
        ok(GetTokenInformation(token, TokenUser, buf, sizeof(buf), &len), "GetTokenInformation(TokenUser): %lu\n",
           GetLastError());
        CloseHandle(token);
    }
    ok(QuerySecurityContextToken(&h.client, &token) == SEC_E_NO_IMPERSONATION, "client context has a token\n");
    ok(ImpersonateSecurityContext(&h.server) == SEC_E_OK, "ImpersonateSecurityContext\n");
    HANDLE thread_token = NULL;
    ok(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &thread_token), "not impersonating: %lu\n",
       GetLastError());
    if (thread_token) CloseHandle(thread_token);
    ok(RevertSecurityContext(&h.server) == SEC_E_OK, "RevertSecurityContext\n");
    thread_token = NULL;
    ok(!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &thread_token), "still impersonating\n");
    ok(ImpersonateSecurityContext(&h.client) == SEC_E_NO_IMPERSONATION, "client context impersonates\n");
    SecPkgContext_AccessToken at;
    ok(QueryContextAttributesW(&h.server, SECPKG_ATTR_ACCESS_TOKEN, &at) == SEC_E_OK && at.AccessToken,
       "ACCESS_TOKEN\n");

    ok(DeleteSecurityContext(&h.client) == SEC_E_OK, "DeleteSecurityContext (client)\n");
    ok(DeleteSecurityContext(&h.server) == SEC_E_OK, "DeleteSecurityContext (server)\n");
}

static void test_wrong_password(CredHandle *scred)
{
    CredHandle bad;
    struct handshake h;
    ok(client_cred(user, domain, L"NotThePassword", &bad) == SEC_E_OK, "client credential\n");
    SECURITY_STATUS st = handshake(&bad, scred, ISC_REQ_CONFIDENTIALITY, &h);
    ok(st == SEC_E_LOGON_DENIED, "wrong password: %08lx\n", st);
    DeleteSecurityContext(&h.client);
    DeleteSecurityContext(&h.server);
    FreeCredentialsHandle(&bad);
    ok(client_cred(L"Nobody", domain, password, &bad) == SEC_E_OK, "client credential\n");
    st = handshake(&bad, scred, ISC_REQ_CONFIDENTIALITY, &h);
    ok(st == SEC_E_LOGON_DENIED, "unknown user: %08lx\n", st);
    DeleteSecurityContext(&h.client);
    DeleteSecurityContext(&h.server);
    FreeCredentialsHandle(&bad);
}

/* A server with no accounts file answers as Windows' does with nobody to
 * log on: a CHALLENGE to the first call, then SEC_E_LOGON_DENIED; for NTLM
 * and for Negotiate. */
static void test_no_accounts_file(CredHandle *ccred)
{
    static const WCHAR *const packages[] = { L"NTLM", L"Negotiate" };
    char missing[MAX_PATH + 16];
    snprintf(missing, sizeof(missing), "%s.gone", accounts);
    SetEnvironmentVariableA("NTLM_USER_FILE", missing);
    for (int i = 0; i < 2; i++) {
        CredHandle client, server;
        struct handshake h;
        TimeStamp ts;
        SEC_WINNT_AUTH_IDENTITY_W id = { (unsigned short *)user, lstrlenW(user), (unsigned short *)domain,
                                         lstrlenW(domain), (unsigned short *)password, lstrlenW(password),
                                         SEC_WINNT_AUTH_IDENTITY_UNICODE };
        SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)packages[i], SECPKG_CRED_OUTBOUND, NULL,
                                                       &id, NULL, NULL, &client, &ts);
        ok(st == SEC_E_OK, "%ls client credential: %08lx\n", packages[i], st);
        st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)packages[i], SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
                                       &server, &ts);
        ok(st == SEC_E_OK, "%ls server credential without accounts: %08lx\n", packages[i], st);
        st = handshake(&client, &server, ISC_REQ_CONFIDENTIALITY, &h);
        ok(h.server_st[0] == SEC_I_CONTINUE_NEEDED, "%ls, no accounts: first AcceptSecurityContext %08lx\n",
           packages[i], h.server_st[0]);
        ok(st == SEC_E_LOGON_DENIED, "%ls, no accounts: the logon gave %08lx\n", packages[i], st);
        DeleteSecurityContext(&h.client);
        DeleteSecurityContext(&h.server);
        FreeCredentialsHandle(&client);
        FreeCredentialsHandle(&server);
    }
    (void)ccred;
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);
}

/* Windows acquires outbound credentials that cannot log on yet (no
 * identity, a user without a password, a password without a user) and
 * fails in InitializeSecurityContext, when the AUTHENTICATE needs the
 * password; the first call sends its NEGOTIATE all the same.  With no
 * accounts file at all, for NTLM and Negotiate. */
static void test_late_credential_failures(void)
{
    static const WCHAR *const packages[] = { L"NTLM", L"Negotiate" };
    static const char *const what[] = { "no identity", "user alone", "domain and password" };
    char missing[MAX_PATH + 16];
    snprintf(missing, sizeof(missing), "%s.gone", accounts);
    SetEnvironmentVariableA("NTLM_USER_FILE", missing);
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 3; k++) {
            SEC_WINNT_AUTH_IDENTITY_W id = { 0 };
            CredHandle client, server;
            struct handshake h;
            TimeStamp ts;
            id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
            if (k == 1) {
                id.User = (unsigned short *)user;
                id.UserLength = lstrlenW(user);
            } else if (k == 2) {
                id.Domain = (unsigned short *)domain;
                id.DomainLength = lstrlenW(domain);
                id.Password = (unsigned short *)password;
                id.PasswordLength = lstrlenW(password);
            }
            SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)packages[i], SECPKG_CRED_OUTBOUND,
                                                           NULL, k ? &id : NULL, NULL, NULL, &client, &ts);
            ok(st == SEC_E_OK, "%ls, %s: acquire gave %08lx\n", packages[i], what[k], st);
            if (st != SEC_E_OK) continue;
            SecPkgCredentials_NamesW cn;
            st = QueryCredentialsAttributesW(&client, SECPKG_CRED_ATTR_NAMES, &cn);
            ok(st == SEC_E_OK, "%ls, %s: credential NAMES %08lx\n", packages[i], what[k], st);
            if (st == SEC_E_OK) {
                ok(cn.sUserName && cn.sUserName[0], "%ls, %s: the credential has no name\n", packages[i], what[k]);
                FreeContextBuffer(cn.sUserName);
            }
            st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)packages[i], SECPKG_CRED_INBOUND, NULL, NULL, NULL,
                                           NULL, &server, &ts);
            ok(st == SEC_E_OK, "%ls server credential: %08lx\n", packages[i], st);
            st = handshake(&client, &server, ISC_REQ_CONFIDENTIALITY, &h);
            ok(h.client_st[0] == SEC_I_CONTINUE_NEEDED, "%ls, %s: first InitializeSecurityContext %08lx\n",
               packages[i], what[k], h.client_st[0]);
            ok(h.server_st[0] == SEC_I_CONTINUE_NEEDED, "%ls, %s: first AcceptSecurityContext %08lx\n",
               packages[i], what[k], h.server_st[0]);
            if (k < 2)
                ok(st == SEC_E_NO_CREDENTIALS && h.client_st[1] == SEC_E_NO_CREDENTIALS,
                   "%ls, %s: the AUTHENTICATE gave %08lx (handshake %08lx)\n", packages[i], what[k],
                   h.client_st[1], st);
            else    /* a password for the current user, whom the server cannot check */
                ok(st == SEC_E_LOGON_DENIED && h.client_st[1] == SEC_E_OK,
                   "%ls, %s: handshake %08lx, client %08lx\n", packages[i], what[k], st, h.client_st[1]);
            DeleteSecurityContext(&h.client);
            DeleteSecurityContext(&h.server);
            FreeCredentialsHandle(&client);
            FreeCredentialsHandle(&server);
        }
    }
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);
}

/* The SID of the user a token stands for, into sid. */
static BOOL token_sid(HANDLE token, TOKEN_INFORMATION_CLASS cls, BYTE *sid)
{
    BYTE buf[512];
    DWORD len;
    if (!GetTokenInformation(token, cls, buf, sizeof(buf), &len)) return FALSE;
    PSID s = cls == TokenUser ? ((TOKEN_USER *)buf)->User.Sid : ((TOKEN_PRIMARY_GROUP *)buf)->PrimaryGroup;
    return CopySid(SECURITY_MAX_SID_SIZE, sid, s);
}

static BOOL token_has_group(HANDLE token, const char *text)
{
    BYTE buf[2048];
    DWORD len;
    PSID want;
    BOOL found = FALSE;
    if (!ConvertStringSidToSidA(text, &want)) return FALSE;
    if (GetTokenInformation(token, TokenGroups, buf, sizeof(buf), &len)) {
        TOKEN_GROUPS *g = (TOKEN_GROUPS *)buf;
        for (DWORD i = 0; i < g->GroupCount && !found; i++) found = EqualSid(g->Groups[i].Sid, want);
    }
    LocalFree(want);
    return found;
}

/* A logged-on client's token, logging on as u with p. */
static BOOL client_token(CredHandle *scred, const WCHAR *u, const WCHAR *p, BYTE *sid, HANDLE *token)
{
    CredHandle c;
    struct handshake h;
    BOOL done = FALSE;
    *token = NULL;
    if (client_cred(u, domain, p, &c) != SEC_E_OK) return FALSE;
    if (handshake(&c, scred, ISC_REQ_CONFIDENTIALITY, &h) == SEC_E_OK &&
        QuerySecurityContextToken(&h.server, token) == SEC_E_OK)
        done = token_sid(*token, TokenUser, sid);
    if (done && ImpersonateSecurityContext(&h.server) == SEC_E_OK) {
        HANDLE t;
        BYTE as[SECURITY_MAX_SID_SIZE];
        ok(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &t), "impersonating: %lu\n", GetLastError());
        ok(token_sid(t, TokenUser, as) && EqualSid(as, sid), "the impersonating thread is not the client\n");
        CloseHandle(t);
        RevertSecurityContext(&h.server);
    }
    DeleteSecurityContext(&h.client);
    DeleteSecurityContext(&h.server);
    FreeCredentialsHandle(&c);
    return done;
}

/* On Windows a server context's token is the client's: its SID, its
 * groups.  Wine 10 can make such a token (NtCreateToken); Wine 8 cannot, and
 * every client is the process's user there. */
static void test_client_token(CredHandle *scred)
{
    BOOL can = GetProcAddress(GetModuleHandleA("ntdll.dll"), "NtCreateToken") != NULL;
    BYTE me[SECURITY_MAX_SID_SIZE], first[SECURITY_MAX_SID_SIZE], again[SECURITY_MAX_SID_SIZE],
        other[SECURITY_MAX_SID_SIZE], group[SECURITY_MAX_SID_SIZE];
    HANDLE process, t1, t2, t3;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &process)) return;
    ok(token_sid(process, TokenUser, me), "process TokenUser\n");
    CloseHandle(process);
    if (!ok(client_token(scred, user, password, first, &t1), "a logon as Domain\\User\n")) return;
    todo_if(!can, "Wine 8 has no NtCreateToken: every client is the process's own user")
        ok(!EqualSid(first, me), "the client's token is the process's user\n");
    if (!can) {
        ok(EqualSid(first, me), "without NtCreateToken the client is the process's user\n");
        CloseHandle(t1);
        return;
    }
    char *text = NULL;
    ConvertSidToStringSidA(first, &text);
    trace("Domain\\User is %s\n", text ? text : "?");
    UCHAR n = *GetSidSubAuthorityCount(first);
    ok(n == *GetSidSubAuthorityCount(me) && *GetSidSubAuthority(first, n - 1) >= 0x10000,
       "%s is not a RID of the machine's domain\n", text);
    for (UCHAR i = 0; i + 1 < n; i++)
        ok(*GetSidSubAuthority(first, i) == *GetSidSubAuthority(me, i), "domain part %u differs\n", i);
    ok(client_token(scred, user, password, again, &t2), "a second logon\n");
    ok(EqualSid(first, again), "the same account has another SID the second time\n");
    ok(client_token(scred, L"Other", L"Password2", other, &t3), "a logon as Domain\\Other\n");
    ok(!EqualSid(first, other) && !EqualSid(other, me), "Domain\\Other shares a SID\n");
    static const char *const groups[] = { "S-1-1-0", "S-1-5-2", "S-1-5-11", "S-1-5-32-545" };
    for (int i = 0; i < 4; i++) ok(token_has_group(t1, groups[i]), "the client's token lacks %s\n", groups[i]);
    char du[200];
    snprintf(du, sizeof(du), "%.*s-513", (int)(strrchr(text, '-') - text), text);
    ok(token_has_group(t1, du), "the client's token lacks Domain Users (%s)\n", du);
    ok(token_sid(t1, TokenPrimaryGroup, group), "TokenPrimaryGroup\n");
    LocalFree(text);
    CloseHandle(t1);
    if (t2) CloseHandle(t2);
    if (t3) CloseHandle(t3);
}

static void test_ansi_identity(CredHandle *scred)
{
    SEC_WINNT_AUTH_IDENTITY_A id = { (unsigned char *)"user", 4, (unsigned char *)"DOMAIN", 6,
                                     (unsigned char *)"Password", 8, SEC_WINNT_AUTH_IDENTITY_ANSI };
    CredHandle cred;
    TimeStamp ts;
    struct handshake h;
    SECURITY_STATUS st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)"ntlm", SECPKG_CRED_OUTBOUND, NULL, &id, NULL,
                                                   NULL, &cred, &ts);
    ok(st == SEC_E_OK, "AcquireCredentialsHandleA with an ANSI identity: %08lx\n", st);
    if (st != SEC_E_OK) return;
    SecPkgCredentials_NamesA cn;
    ok(QueryCredentialsAttributesA(&cred, SECPKG_CRED_ATTR_NAMES, &cn) == SEC_E_OK, "credential NAMES (A)\n");
    ok(!lstrcmpiA(cn.sUserName, "DOMAIN\\user"), "credential name %s\n", cn.sUserName);
    FreeContextBuffer(cn.sUserName);
    st = handshake(&cred, scred, ISC_REQ_INTEGRITY, &h);
    ok(st == SEC_E_OK, "handshake with the ANSI identity (names match case-insensitively): %08lx\n", st);
    DeleteSecurityContext(&h.client);
    DeleteSecurityContext(&h.server);
    FreeCredentialsHandle(&cred);
}

static void test_bad_tokens(CredHandle *scred)
{
    BYTE junk[64], out[4096];
    memset(junk, 0x41, sizeof(junk));
    memcpy(junk, "NTLMSSP\0\x03\0\0\0", 12);
    SecBuffer in = { sizeof(junk), SECBUFFER_TOKEN, junk }, ob = { sizeof(out), SECBUFFER_TOKEN, out };
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &in }, od = { SECBUFFER_VERSION, 1, &ob };
    CtxtHandle ctx;
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st = AcceptSecurityContext(scred, NULL, &id, 0, SECURITY_NATIVE_DREP, &ctx, &od, &attrs, &ts);
    ok(st == SEC_E_INVALID_TOKEN, "garbage AUTHENTICATE as a first message: %08lx\n", st);
    for (ULONG n = 0; n < sizeof(junk); n += 7) {
        in.cbBuffer = n;
        ob.cbBuffer = sizeof(out);
        st = AcceptSecurityContext(scred, NULL, &id, 0, SECURITY_NATIVE_DREP, &ctx, &od, &attrs, &ts);
        ok(st < 0, "truncated token of %lu bytes accepted: %08lx\n", n, st);
        if (st >= 0) DeleteSecurityContext(&ctx);
    }
}

/* ---- NTLM without extended session security ------------------------------- */

/* RC4 and CRC-32 written out here, apart from the DLL's: the expected
 * MS-NLMP 3.4.4.1 output of a session, computed from its SESSION_KEY. */
struct t_rc4 { BYTE s[256], i, j; };

static void t_rc4_init(struct t_rc4 *r, const BYTE *key, int len)
{
    BYTE j = 0;
    for (int i = 0; i < 256; i++) r->s[i] = (BYTE)i;
    for (int i = 0; i < 256; i++) {
        BYTE t = r->s[i];
        j = (BYTE)(j + t + key[i % len]);
        r->s[i] = r->s[j];
        r->s[j] = t;
    }
    r->i = r->j = 0;
}

static void t_rc4(struct t_rc4 *r, BYTE *p, int n)
{
    for (int k = 0; k < n; k++) {
        BYTE t;
        r->i++;
        r->j = (BYTE)(r->j + r->s[r->i]);
        t = r->s[r->i];
        r->s[r->i] = r->s[r->j];
        r->s[r->j] = t;
        p[k] ^= r->s[(BYTE)(r->s[r->i] + r->s[r->j])];
    }
}

static DWORD t_crc32(const BYTE *p, int n)
{
    DWORD c = 0xffffffff;
    for (int k = 0; k < n; k++) {
        c ^= p[k];
        for (int b = 0; b < 8; b++) c = (c >> 1) ^ (0xedb88320 & (0 - (c & 1)));
    }
    return ~c;
}

/* The signature (and, sealing, the ciphertext) the next message on the
 * shared stream r must carry. */
static void t_protect(struct t_rc4 *r, DWORD seq, BYTE *msg, int n, BOOL seal, BYTE sig[16])
{
    DWORD crc = t_crc32(msg, n);
    BYTE tail[12] = { 0 };
    if (seal) t_rc4(r, msg, n);
    memcpy(tail + 4, &crc, 4);
    memcpy(tail + 8, &seq, 4);
    t_rc4(r, tail, 12);
    memset(sig, 0, 16);
    sig[0] = 1;
    memcpy(sig + 8, tail + 4, 8);
}

static DWORD flags_at(const SecBuffer *b, int offset)
{
    DWORD f = 0;
    if (b->cbBuffer >= (ULONG)offset + 4) memcpy(&f, (BYTE *)b->pvBuffer + offset, 4);
    return f;
}

static void ck_key_info(CtxtHandle *ctx, const char *who)
{
    SecPkgContext_KeyInfoA ki;
    SECURITY_STATUS st = QueryContextAttributesA(ctx, SECPKG_ATTR_KEY_INFO, &ki);
    ok(st == SEC_E_OK, "%s KEY_INFO: %08lx\n", who, st);
    if (st) return;
    ok(!strcmp(ki.sSignatureAlgorithmName, "RSADSI RC4-CRC32"), "%s signature algorithm %s\n", who,
       ki.sSignatureAlgorithmName);
    ok(!strcmp(ki.sEncryptAlgorithmName, "RSADSI RC4"), "%s encryption algorithm %s\n", who, ki.sEncryptAlgorithmName);
    ok(ki.SignatureAlgorithm == 0xffffff7c, "%s signature algorithm id %#lx\n", who, ki.SignatureAlgorithm);
    ok(ki.KeySize == 128 && ki.EncryptAlgorithm == 0x6801 /* CALG_RC4 */, "%s key size %lu, algorithm %#lx\n", who, ki.KeySize,
       ki.EncryptAlgorithm);
    FreeContextBuffer(ki.sSignatureAlgorithmName);
    FreeContextBuffer(ki.sEncryptAlgorithmName);
}

static BOOL session_key(CtxtHandle *ctx, BYTE key[16])
{
    SecPkgContext_SessionKey k;
    if (QueryContextAttributesW(ctx, SECPKG_ATTR_SESSION_KEY, &k) != SEC_E_OK) return FALSE;
    BOOL good = k.SessionKeyLength == 16;
    if (good) memcpy(key, k.SessionKey, 16);
    FreeContextBuffer(k.SessionKey);
    return good;
}

/* Our own client and server, one of them kept from ESS by
 * SSPISHIM_NTLM_NO_ESS ("server": it does not offer it although the
 * client asks; "client": the client does not ask). */
static void test_no_ess_loopback(CredHandle *ccred, CredHandle *scred, const char *mode)
{
    BYTE tok_c[4096], tok_s[4096];
    SecBuffer bc = { sizeof(tok_c), SECBUFFER_TOKEN, tok_c }, bs = { sizeof(tok_s), SECBUFFER_TOKEN, tok_s };
    SecBufferDesc dc = { SECBUFFER_VERSION, 1, &bc }, ds = { SECBUFFER_VERSION, 1, &bs };
    ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION, attrs;
    CtxtHandle client, server;
    TimeStamp ts;
    SECURITY_STATUS st;
    const ULONG ess = 0x00080000;

    SetEnvironmentVariableA("SSPISHIM_NTLM_NO_ESS", mode);
    st = InitializeSecurityContextW(ccred, NULL, (SEC_WCHAR *)L"localhost", req, 0, SECURITY_NATIVE_DREP, NULL, 0,
                                    &client, &dc, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "%s: NEGOTIATE: %08lx\n", mode, st);
    ok(!(flags_at(&bc, 12) & ess) == !strcmp(mode, "client"), "%s: NEGOTIATE flags %#lx\n", mode, flags_at(&bc, 12));
    st = AcceptSecurityContext(scred, NULL, &dc, req, SECURITY_NATIVE_DREP, &server, &ds, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "%s: CHALLENGE: %08lx\n", mode, st);
    SetEnvironmentVariableA("SSPISHIM_NTLM_NO_ESS", NULL);
    ok(!(flags_at(&bs, 20) & ess), "%s: the CHALLENGE offers ESS: %#lx\n", mode, flags_at(&bs, 20));
    bc.cbBuffer = sizeof(tok_c);
    st = InitializeSecurityContextW(ccred, &client, (SEC_WCHAR *)L"localhost", req, 0, SECURITY_NATIVE_DREP, &ds, 0,
                                    &client, &dc, &attrs, &ts);
    ok(st == SEC_E_OK, "%s: a CHALLENGE without ESS refused: %08lx\n", mode, st);
    if (st != SEC_E_OK) goto done_client;
    ok(!(flags_at(&bc, 60) & ess), "%s: the AUTHENTICATE keeps ESS: %#lx\n", mode, flags_at(&bc, 60));
    ok(bc.cbBuffer > 64 + 24, "%s: an AUTHENTICATE of %lu bytes\n", mode, bc.cbBuffer);
    bs.cbBuffer = sizeof(tok_s);
    st = AcceptSecurityContext(scred, &server, &dc, req, SECURITY_NATIVE_DREP, &server, &ds, &attrs, &ts);
    ok(st == SEC_E_OK, "%s: the server refused the AUTHENTICATE: %08lx\n", mode, st);
    if (st != SEC_E_OK) goto done;
    ck_key_info(&client, "client");
    ck_key_info(&server, "server");

    /* The first messages, checked against this file's own RC4 and CRC-32
     * with the whole session key: client at 0, server at 1, client at 2. */
    BYTE key[16];
    struct t_rc4 ref;
    ok(session_key(&client, key), "%s: SESSION_KEY\n", mode);
    t_rc4_init(&ref, key, 16);
    for (DWORD seq = 0; seq < 4; seq++) {
        CtxtHandle *from = seq % 2 ? &server : &client, *to = seq % 2 ? &client : &server;
        BOOL seal = seq != 2;
        char plain[] = "a message on the shared stream";
        BYTE data[sizeof(plain)], want[sizeof(plain)], sig[16], want_sig[16];
        SecBuffer mb[2] = { { sizeof(sig), SECBUFFER_TOKEN, sig }, { sizeof(data), SECBUFFER_DATA, data } };
        SecBufferDesc md = { SECBUFFER_VERSION, 2, mb };
        ULONG qop = 0xdeadbeef;
        memcpy(data, plain, sizeof(plain));
        memcpy(want, plain, sizeof(plain));
        t_protect(&ref, seq, want, sizeof(want), seal, want_sig);
        st = seal ? EncryptMessage(from, 0, &md, 0) : MakeSignature(from, 0, &md, 0);
        ok(st == SEC_E_OK, "%s: message %lu: %08lx\n", mode, seq, st);
        ok(!memcmp(data, want, sizeof(want)), "%s: message %lu is not the expected ciphertext\n", mode, seq);
        ok(!memcmp(sig, want_sig, 16), "%s: message %lu's signature is not MS-NLMP 3.4.4.1's\n", mode, seq);
        st = seal ? DecryptMessage(to, &md, 0, &qop) : VerifySignature(to, &md, 0, &qop);
        ok(st == SEC_E_OK, "%s: message %lu refused: %08lx\n", mode, seq, st);
        ok(!memcmp(data, plain, sizeof(plain)), "%s: message %lu reads back wrong\n", mode, seq);
        /* replayed: the stream has moved on */
        st = VerifySignature(to, &md, 0, &qop);
        ok(st == SEC_E_MESSAGE_ALTERED || st == SEC_E_OUT_OF_SEQUENCE, "%s: message %lu replayed: %08lx\n", mode,
           seq, st);
    }
done:
    DeleteSecurityContext(&server);
done_client:
    DeleteSecurityContext(&client);
}

/* A CHALLENGE as Wine's own NTLM tests send it from their fake server (a
 * Windows capture: UNICODE, REQUEST_TARGET, NTLM, ALWAYS_SIGN,
 * TARGET_TYPE_SERVER, TARGET_INFO, 128, 56; no ESS, no key exchange, no
 * version): Windows answers it and reports the CRC32 algorithm.  Without
 * SIGN and SEAL in it, MakeSignature gives the dummy signature Wine's test
 * expects; with them (and key exchange) added, the first sealed message
 * follows from the SESSION_KEY. */
static void test_no_ess_fixed_challenge(CredHandle *ccred, BOOL sign_seal)
{
    static const WCHAR name[] = L"CASINO01";
    static const WCHAR info[] = L"\002\020CASINO01\001\020CASINO01\004\020casino01\003\020casino01\0";
    BYTE chal[48 + sizeof(name) - 2 + sizeof(info)];
    BYTE tok_c[4096];
    SecBuffer bc = { sizeof(tok_c), SECBUFFER_TOKEN, tok_c }, bs = { 0, SECBUFFER_TOKEN, chal };
    SecBufferDesc dc = { SECBUFFER_VERSION, 1, &bc }, ds = { SECBUFFER_VERSION, 1, &bs };
    ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION, attrs;
    DWORD flags = 0x00000001 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00020000 | 0x00800000 | 0x20000000 |
                  0x80000000 | (sign_seal ? 0x00000010 | 0x00000020 | 0x40000000 : 0);
    WORD name_len = sizeof(name) - 2, info_len = sizeof(info);   /* its two NULs are MsvAvEOL */
    DWORD name_off = 48, info_off = 48 + name_len;
    CtxtHandle client;
    TimeStamp ts;
    SECURITY_STATUS st;

    memset(chal, 0, sizeof(chal));
    memcpy(chal, "NTLMSSP\0\2\0\0\0", 12);
    memcpy(chal + 12, &name_len, 2);
    memcpy(chal + 14, &name_len, 2);
    memcpy(chal + 16, &name_off, 4);
    memcpy(chal + 20, &flags, 4);
    memcpy(chal + 24, "\xe9\x58\x7f\x14\xa2\x86\x3b\x63", 8);
    memcpy(chal + 40, &info_len, 2);
    memcpy(chal + 42, &info_len, 2);
    memcpy(chal + 44, &info_off, 4);
    memcpy(chal + name_off, name, name_len);
    memcpy(chal + info_off, info, info_len);
    bs.cbBuffer = info_off + info_len;

    st = InitializeSecurityContextW(ccred, NULL, NULL, req, 0, SECURITY_NETWORK_DREP, NULL, 0, &client, &dc, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "fixed CHALLENGE: NEGOTIATE: %08lx\n", st);
    bc.cbBuffer = sizeof(tok_c);
    st = InitializeSecurityContextW(ccred, &client, NULL, req, 0, SECURITY_NETWORK_DREP, &ds, 0, &client, &dc, &attrs,
                                    &ts);
    ok(st == SEC_E_OK, "fixed CHALLENGE without ESS refused: %08lx\n", st);
    if (st == SEC_E_OK) {
        ok(!(flags_at(&bc, 60) & 0x00080000), "fixed CHALLENGE: the AUTHENTICATE has ESS\n");
        ok(bc.cbBuffer >= 64 + 24 + 16 + 28, "fixed CHALLENGE: no NTLMv2 response (%lu bytes)\n", bc.cbBuffer);
        ck_key_info(&client, "fixed CHALLENGE client");
        BYTE key[16], data[] = "Hello, world!", want[sizeof(data)], sig[16], want_sig[16];
        struct t_rc4 ref;
        SecBuffer mb[2] = { { sizeof(sig), SECBUFFER_TOKEN, sig }, { sizeof(data), SECBUFFER_DATA, data } };
        SecBufferDesc md = { SECBUFFER_VERSION, 2, mb };
        ok(session_key(&client, key), "fixed CHALLENGE: SESSION_KEY\n");
        if (!sign_seal) {
            static const BYTE dummy[16] = { 1 };
            ok(MakeSignature(&client, 0, &md, 0) == SEC_E_OK && !memcmp(sig, dummy, 16),
               "fixed CHALLENGE: not the dummy signature\n");
            DeleteSecurityContext(&client);
            return;
        }
        t_rc4_init(&ref, key, 16);
        memcpy(want, data, sizeof(data));
        t_protect(&ref, 0, want, sizeof(want), TRUE, want_sig);
        ok(EncryptMessage(&client, 0, &md, 0) == SEC_E_OK, "fixed CHALLENGE: EncryptMessage\n");
        ok(!memcmp(data, want, sizeof(want)) && !memcmp(sig, want_sig, 16),
           "fixed CHALLENGE: the sealed message is not MS-NLMP 3.4.4.1's\n");
    }
    DeleteSecurityContext(&client);
}

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    char dir[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    write_accounts("# accounts for the NTLM tests\nDomain:User:Password\nDomain:Other:Password2\n");
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);

    PSecPkgInfoW info;
    if (QuerySecurityPackageInfoW((SEC_WCHAR *)L"NTLM", &info) != SEC_E_OK) {
        skip("no NTLM package\n");
        return;
    }
    ok(info->cbMaxToken >= 1904, "max token %lu\n", info->cbMaxToken);
    FreeContextBuffer(info);

    CredHandle ccred, scred;
    ok(client_cred(user, domain, password, &ccred) == SEC_E_OK, "client credential\n");
    ok(server_cred(&scred) == SEC_E_OK, "server credential\n");
    test_handshake_and_attributes(&ccred, &scred);
    test_wrong_password(&scred);
    test_no_accounts_file(&ccred);
    test_late_credential_failures();
    test_client_token(&scred);
    test_ansi_identity(&scred);
    test_bad_tokens(&scred);
    test_no_ess_loopback(&ccred, &scred, "server");
    test_no_ess_loopback(&ccred, &scred, "client");
    test_no_ess_fixed_challenge(&ccred, FALSE);
    test_no_ess_fixed_challenge(&ccred, TRUE);
    FreeCredentialsHandle(&ccred);
    FreeCredentialsHandle(&scred);

    struct sspishim_stats s = stats();
    ok(s.live_objects == 0 && s.live_tokens == 0, "left behind: %u objects, %u tokens\n", s.live_objects,
       s.live_tokens);
    ok(!s.host_loaded, "the host secur32 was loaded for NTLM\n");
    DeleteFileA(accounts);
}
