/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM package through the DLL: a loopback handshake (client and server
 * in one process), signing and sealing both ways, tampered and replayed
 * messages, wrong passwords, attributes A and W, tokens and impersonation,
 * and nothing left behind. */
#define TEST_NAME "ntlm"
#include "test.h"
#include <stdlib.h>
#include "sspishim/sspishim.h"

static const WCHAR user[] = L"User", domain[] = L"Domain", password[] = L"Password";

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

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    char dir[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    write_accounts("# accounts for the NTLM tests\nDomain:User:Password\n");
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
    test_ansi_identity(&scred);
    test_bad_tokens(&scred);
    FreeCredentialsHandle(&ccred);
    FreeCredentialsHandle(&scred);

    struct sspishim_stats s = stats();
    ok(s.live_objects == 0 && s.live_tokens == 0, "left behind: %u objects, %u tokens\n", s.live_objects,
       s.live_tokens);
    ok(!s.host_loaded, "the host secur32 was loaded for NTLM\n");
    DeleteFileA(accounts);
}
