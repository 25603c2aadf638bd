/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate package through the DLL: it replaces the host's, a loopback
 * SPNEGO handshake over NTLM (client and server in one process), the tokens
 * on the wire, NEGOTIATION_INFO and the other attributes A and W, signing
 * and sealing both ways, impersonation, the bare NTLMSSP shortcut, bad
 * tokens, and export/import of Negotiate contexts that keep sealing. */
#define TEST_NAME "negotiate"
#include "test.h"
#include <stdlib.h>
#include "sspishim/sspishim.h"

#define NEGO ((SEC_WCHAR *)L"Negotiate")

static char accounts[MAX_PATH];

static struct sspishim_stats stats(void)
{
    struct sspishim_stats s;
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    SspiShimGetStatistics(&s);
    return s;
}

static SECURITY_STATUS cred_for(SEC_WCHAR *package, ULONG use, const WCHAR *pw, CredHandle *cred)
{
    SEC_WINNT_AUTH_IDENTITY_W id;
    TimeStamp ts;
    id.User = (unsigned short *)L"User";
    id.UserLength = 4;
    id.Domain = (unsigned short *)L"Domain";
    id.DomainLength = 6;
    id.Password = (unsigned short *)pw;
    id.PasswordLength = pw ? lstrlenW(pw) : 0;   /* lstrlenW(NULL) survives only by a caught fault */
    id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    return AcquireCredentialsHandleW(NULL, package, use, NULL, use == SECPKG_CRED_OUTBOUND ? &id : NULL, NULL, NULL,
                                     cred, &ts);
}

struct conv {
    CtxtHandle client, server;
    BOOL have_client, have_server;
    SECURITY_STATUS cst[3], sst[3];
    BYTE tok[4][4096];
    ULONG len[4];
    ULONG cattrs, sattrs;
};

#define REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION | ISC_REQ_REPLAY_DETECT | \
             ISC_REQ_SEQUENCE_DETECT)

/* Client and server legs until both are done or one fails; tokens kept. */
static SECURITY_STATUS converse(CredHandle *ccred, CredHandle *scred, struct conv *c)
{
    BYTE last[4096];
    SecBuffer in, out;
    SecBufferDesc id = { SECBUFFER_VERSION, 1, &in }, od = { SECBUFFER_VERSION, 1, &out };
    TimeStamp ts;
    SECURITY_STATUS cst = SEC_I_CONTINUE_NEEDED, sst = SEC_I_CONTINUE_NEEDED;
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < 3; i++) {
        in = (SecBuffer){ i ? c->len[2 * i - 1] : 0, SECBUFFER_TOKEN, i ? c->tok[2 * i - 1] : NULL };
        out = (SecBuffer){ sizeof(c->tok[0]), SECBUFFER_TOKEN, i < 2 ? c->tok[2 * i] : last };
        cst = InitializeSecurityContextW(ccred, i ? &c->client : NULL, (SEC_WCHAR *)L"HTTP/localhost", REQ, 0,
                                         SECURITY_NATIVE_DREP, i ? &id : NULL, 0, &c->client, &od, &c->cattrs, &ts);
        c->cst[i] = cst;
        if (cst >= 0) c->have_client = TRUE;
        if (cst < 0 || (cst == SEC_E_OK && sst == SEC_E_OK)) break;
        if (i == 2) break;
        c->len[2 * i] = out.cbBuffer;
        in = (SecBuffer){ out.cbBuffer, SECBUFFER_TOKEN, c->tok[2 * i] };
        out = (SecBuffer){ sizeof(c->tok[0]), SECBUFFER_TOKEN, c->tok[2 * i + 1] };
        sst = AcceptSecurityContext(scred, i ? &c->server : NULL, &id, REQ, SECURITY_NATIVE_DREP, &c->server, &od,
                                    &c->sattrs, &ts);
        c->sst[i] = sst;
        if (sst >= 0) c->have_server = TRUE;
        c->len[2 * i + 1] = out.cbBuffer;
        if (sst < 0 || (sst == SEC_E_OK && (cst == SEC_E_OK || !out.cbBuffer))) break;
    }
    return sst < 0 ? sst : cst;
}

static void conv_free(struct conv *c)
{
    if (c->have_client) DeleteSecurityContext(&c->client);
    if (c->have_server) DeleteSecurityContext(&c->server);
}

/* Seals text with one context and unseals it with the other. */
static BOOL seal_across(CtxtHandle *from, CtxtHandle *to, const char *text)
{
    BYTE sig[16], data[128];
    size_t n = strlen(text);
    SecBuffer b[2] = { { sizeof(sig), SECBUFFER_TOKEN, sig }, { (ULONG)n, SECBUFFER_DATA, data } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop = 0;
    memcpy(data, text, n);
    SECURITY_STATUS st = EncryptMessage(from, 0, &d, 0);
    ok(st == SEC_E_OK, "EncryptMessage: %08lx\n", st);
    ok(memcmp(data, text, n) != 0, "the data was not encrypted\n");
    st = DecryptMessage(to, &d, 0, &qop);
    ok(st == SEC_E_OK, "DecryptMessage: %08lx\n", st);
    return st == SEC_E_OK && !memcmp(data, text, n);
}

static void test_package(void)
{
    PSecPkgInfoW info;
    SECURITY_STATUS st = QuerySecurityPackageInfoW(NEGO, &info);
    ok(st == SEC_E_OK, "QuerySecurityPackageInfoW: %08lx\n", st);
    if (st) return;
    ok(!lstrcmpW(info->Name, L"Negotiate"), "name %ls\n", info->Name);
    ok(info->fCapabilities == 0x83bb3, "capabilities %#lx\n", info->fCapabilities);
    ok(info->cbMaxToken == 48256, "max token %lu\n", info->cbMaxToken);
    ok(info->wRPCID == 9, "rpcid %u\n", info->wRPCID);
    ok(!lstrcmpW(info->Comment, L"Microsoft Package Negotiator"), "comment %ls\n", info->Comment);
    FreeContextBuffer(info);
}

static void test_loopback(CredHandle *ccred, CredHandle *scred)
{
    struct conv c;
    SECURITY_STATUS st = converse(ccred, scred, &c);
    ok(st == SEC_E_OK, "handshake: %08lx\n", st);
    ok(c.cst[0] == SEC_I_CONTINUE_NEEDED, "client leg 1: %08lx\n", c.cst[0]);
    ok(c.sst[0] == SEC_I_CONTINUE_NEEDED, "server leg 1: %08lx\n", c.sst[0]);
    /* Windows' client is done when it sends the AUTHENTICATE */
    ok(c.cst[1] == SEC_E_OK, "client leg 2: %08lx\n", c.cst[1]);
    ok(c.sst[1] == SEC_E_OK, "server leg 2: %08lx\n", c.sst[1]);
    if (st) { conv_free(&c); return; }
    /* SPNEGO on the wire: a framed NegTokenInit, then NegTokenResps; the
     * server's last one is accept-completed with its mechListMIC. */
    ok(c.tok[0][0] == 0x60, "first token starts %02x\n", c.tok[0][0]);
    ok(c.tok[1][0] == 0xa1 && c.tok[2][0] == 0xa1 && c.tok[3][0] == 0xa1, "tokens %02x %02x %02x\n", c.tok[1][0],
       c.tok[2][0], c.tok[3][0]);
    ok(c.len[3] > 9, "the server's last token has %lu bytes\n", c.len[3]);
    /* messages flow before the client has seen the server's last token */
    ok(seal_across(&c.server, &c.client, "before the last token"), "server -> client before its last token\n");
    {
        /* handed over late all the same: taken once, its MIC checked */
        BYTE none[64];
        SecBuffer in = { c.len[3], SECBUFFER_TOKEN, c.tok[3] }, out = { sizeof(none), SECBUFFER_TOKEN, none };
        SecBufferDesc id = { SECBUFFER_VERSION, 1, &in }, od = { SECBUFFER_VERSION, 1, &out };
        ULONG attrs;
        TimeStamp ts;
        st = InitializeSecurityContextW(NULL, &c.client, (SEC_WCHAR *)L"HTTP/localhost", REQ, 0, SECURITY_NATIVE_DREP,
                                        &id, 0, &c.client, &od, &attrs, &ts);
        ok(st == SEC_E_OK && !out.cbBuffer, "the server's last token, late: %08lx, %lu bytes out\n", st,
           out.cbBuffer);
        out.cbBuffer = sizeof(none);
        st = InitializeSecurityContextW(NULL, &c.client, (SEC_WCHAR *)L"HTTP/localhost", REQ, 0, SECURITY_NATIVE_DREP,
                                        &id, 0, &c.client, &od, &attrs, &ts);
        ok(st == SEC_E_OUT_OF_SEQUENCE, "the last token twice: %08lx\n", st);
    }
    ok(seal_across(&c.server, &c.client, "after the last token"), "server -> client after its last token\n");
    ok(c.cattrs & ISC_RET_CONFIDENTIALITY, "client attributes %#lx\n", c.cattrs);
    ok(c.sattrs & ASC_RET_CONFIDENTIALITY, "server attributes %#lx\n", c.sattrs);

    SecPkgContext_NegotiationInfoW ni;
    SecPkgContext_NegotiationInfoA nia;
    for (int side = 0; side < 2; side++) {
        CtxtHandle *h = side ? &c.server : &c.client;
        st = QueryContextAttributesW(h, SECPKG_ATTR_NEGOTIATION_INFO, &ni);
        ok(st == SEC_E_OK, "NEGOTIATION_INFO: %08lx\n", st);
        if (!st) {
            ok(ni.PackageInfo && !lstrcmpW(ni.PackageInfo->Name, L"NTLM"), "negotiated %ls\n",
               ni.PackageInfo ? ni.PackageInfo->Name : L"(none)");
            ok(ni.NegotiationState == SECPKG_NEGOTIATION_COMPLETE, "state %lu\n", ni.NegotiationState);
            FreeContextBuffer(ni.PackageInfo);
        }
        st = QueryContextAttributesA(h, SECPKG_ATTR_NEGOTIATION_INFO, &nia);
        ok(st == SEC_E_OK, "NEGOTIATION_INFO (A): %08lx\n", st);
        if (!st) {
            ok(nia.PackageInfo && !strcmp(nia.PackageInfo->Name, "NTLM"), "negotiated (A) %s\n",
               nia.PackageInfo ? nia.PackageInfo->Name : "(none)");
            FreeContextBuffer(nia.PackageInfo);
        }
        SecPkgContext_PackageInfoW pi;
        st = QueryContextAttributesW(h, SECPKG_ATTR_PACKAGE_INFO, &pi);
        ok(st == SEC_E_OK && !lstrcmpW(pi.PackageInfo->Name, L"Negotiate"), "PACKAGE_INFO: %08lx\n", st);
        if (!st) FreeContextBuffer(pi.PackageInfo);
        SecPkgContext_Sizes sz;
        st = QueryContextAttributesW(h, SECPKG_ATTR_SIZES, &sz);
        ok(st == SEC_E_OK && sz.cbMaxToken == 2888 && sz.cbSecurityTrailer == 16, "SIZES (NTLM's, as Windows): %08lx %lu\n", st,
           sz.cbMaxToken);
        SecPkgContext_NamesW names;
        st = QueryContextAttributesW(h, SECPKG_ATTR_NAMES, &names);
        ok(st == SEC_E_OK && !lstrcmpiW(names.sUserName, L"Domain\\User"), "NAMES: %08lx\n", st);
        if (!st) FreeContextBuffer(names.sUserName);
    }
    SecPkgContext_SessionKey kc, ks;
    ok(QueryContextAttributesW(&c.client, SECPKG_ATTR_SESSION_KEY, &kc) == SEC_E_OK, "client SESSION_KEY\n");
    ok(QueryContextAttributesW(&c.server, SECPKG_ATTR_SESSION_KEY, &ks) == SEC_E_OK, "server SESSION_KEY\n");
    ok(kc.SessionKeyLength == 16 && !memcmp(kc.SessionKey, ks.SessionKey, 16), "session keys differ\n");
    FreeContextBuffer(kc.SessionKey);
    FreeContextBuffer(ks.SessionKey);

    /* messages both ways, signatures too */
    for (int i = 0; i < 3; i++) {
        ok(seal_across(&c.client, &c.server, "client to server"), "client -> server %d\n", i);
        ok(seal_across(&c.server, &c.client, "server to client"), "server -> client %d\n", i);
    }
    BYTE sig[16], data[] = "signed, not sealed";
    SecBuffer b[2] = { { sizeof(sig), SECBUFFER_TOKEN, sig }, { sizeof(data), SECBUFFER_DATA, data } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop;
    ok(MakeSignature(&c.server, 0, &d, 0) == SEC_E_OK, "MakeSignature\n");
    ok(VerifySignature(&c.client, &d, 0, &qop) == SEC_E_OK, "VerifySignature\n");
    data[0] ^= 1;
    ok(MakeSignature(&c.client, 0, &d, 0) == SEC_E_OK, "MakeSignature\n");
    data[1] ^= 1;
    st = VerifySignature(&c.server, &d, 0, &qop);
    ok(st == SEC_E_MESSAGE_ALTERED, "altered message: %08lx\n", st);

    /* the server's token */
    HANDLE token = NULL;
    ok(QuerySecurityContextToken(&c.server, &token) == SEC_E_OK && token, "QuerySecurityContextToken\n");
    if (token) CloseHandle(token);
    ok(ImpersonateSecurityContext(&c.server) == SEC_E_OK, "ImpersonateSecurityContext\n");
    ok(RevertSecurityContext(&c.server) == SEC_E_OK, "RevertSecurityContext\n");
    st = QuerySecurityContextToken(&c.client, &token);
    ok(st == SEC_E_NO_IMPERSONATION, "client token: %08lx\n", st);
    conv_free(&c);
}

static void test_in_progress(CredHandle *ccred)
{
    BYTE buf[4096];
    SecBuffer out = { sizeof(buf), SECBUFFER_TOKEN, buf };
    SecBufferDesc od = { SECBUFFER_VERSION, 1, &out };
    CtxtHandle ctx;
    ULONG attrs;
    TimeStamp ts;
    SECURITY_STATUS st = InitializeSecurityContextW(ccred, NULL, NULL, REQ, 0, SECURITY_NATIVE_DREP, NULL, 0, &ctx,
                                                    &od, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "first call: %08lx\n", st);
    if (st != SEC_I_CONTINUE_NEEDED) return;
    SecPkgContext_NegotiationInfoW ni;
    st = QueryContextAttributesW(&ctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni);
    ok(st == SEC_E_OK, "NEGOTIATION_INFO in progress: %08lx\n", st);
    if (!st) {
        ok(ni.NegotiationState == SECPKG_NEGOTIATION_IN_PROGRESS, "state %lu\n", ni.NegotiationState);
        FreeContextBuffer(ni.PackageInfo);
    }
    BYTE sig[16], data[4] = "abc";
    SecBuffer b[2] = { { sizeof(sig), SECBUFFER_TOKEN, sig }, { 3, SECBUFFER_DATA, data } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    st = EncryptMessage(&ctx, 0, &d, 0);
    ok(st == SEC_E_INVALID_HANDLE, "EncryptMessage before the end: %08lx\n", st);
    DeleteSecurityContext(&ctx);
}

static void test_wrong_password(CredHandle *scred)
{
    CredHandle bad;
    struct conv c;
    ok(cred_for(NEGO, SECPKG_CRED_OUTBOUND, L"wrong", &bad) == SEC_E_OK, "credential\n");
    SECURITY_STATUS st = converse(&bad, scred, &c);
    ok(st == SEC_E_LOGON_DENIED, "wrong password: %08lx\n", st);
    conv_free(&c);
    FreeCredentialsHandle(&bad);
}

static void test_bad_tokens(CredHandle *scred)
{
    static const BYTE tokens[][12] = {
        { 0x60, 0x80, 0x00 },                                           /* indefinite length */
        { 0x60, 0x0a, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 }, /* no body */
        { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 },       /* a NegTokenResp first */
        { 0x30, 0x00 },
        { 0xff, 0xff, 0xff, 0xff },
    };
    static const ULONG lens[] = { 3, 10, 9, 2, 4 };
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        BYTE in_copy[16], out_buf[4096];
        memcpy(in_copy, tokens[i], lens[i]);
        SecBuffer in = { lens[i], SECBUFFER_TOKEN, in_copy }, out = { sizeof(out_buf), SECBUFFER_TOKEN, out_buf };
        SecBufferDesc id = { SECBUFFER_VERSION, 1, &in }, od = { SECBUFFER_VERSION, 1, &out };
        CtxtHandle ctx;
        ULONG attrs;
        TimeStamp ts;
        SECURITY_STATUS st = AcceptSecurityContext(scred, NULL, &id, REQ, SECURITY_NATIVE_DREP, &ctx, &od, &attrs, &ts);
        ok(st == SEC_E_INVALID_TOKEN, "bad token %u: %08lx\n", (unsigned)i, st);
    }
}

/* A plain NTLM client, as Wine's builtin Negotiate is, against our server. */
static void test_bare_ntlmssp(CredHandle *scred)
{
    CredHandle ntlm;
    struct conv c;
    ok(cred_for((SEC_WCHAR *)L"NTLM", SECPKG_CRED_OUTBOUND, L"Password", &ntlm) == SEC_E_OK, "NTLM credential\n");
    SECURITY_STATUS st = converse(&ntlm, scred, &c);
    ok(st == SEC_E_OK, "NTLM client, Negotiate server: %08lx\n", st);
    if (!st) {
        ok(!memcmp(c.tok[1], "NTLMSSP", 8), "the CHALLENGE is not bare\n");
        ok(seal_across(&c.client, &c.server, "plain NTLM"), "NTLM -> Negotiate\n");
        ok(seal_across(&c.server, &c.client, "and back"), "Negotiate -> NTLM\n");
    }
    conv_free(&c);
    FreeCredentialsHandle(&ntlm);
}

static SECURITY_STATUS move(CtxtHandle *ctx, ULONG flags, CtxtHandle *out)
{
    SecBuffer blob = { 0, 0, NULL };
    HANDLE token = NULL;
    SECURITY_STATUS st = ExportSecurityContext(ctx, flags, &blob, &token);
    ok(st == SEC_E_OK, "ExportSecurityContext(%#lx): %08lx\n", flags, st);
    if (st) return st;
    st = ImportSecurityContextW(NEGO, &blob, token, out);
    ok(st == SEC_E_OK, "ImportSecurityContextW: %08lx\n", st);
    if (token) CloseHandle(token);
    FreeContextBuffer(blob.pvBuffer);
    return st;
}

/* A finished handshake for a test that needs one, or a failure said once. */
static BOOL established(CredHandle *ccred, CredHandle *scred, struct conv *c, const char *what)
{
    if (converse(ccred, scred, c) == SEC_E_OK) return TRUE;
    ok(0, "no handshake to %s\n", what);
    conv_free(c);
    return FALSE;
}

static void test_export_import(CredHandle *ccred, CredHandle *scred)
{
    struct conv c;
    CtxtHandle s2, c2;
    if (!established(ccred, scred, &c, "export")) return;
    ok(seal_across(&c.client, &c.server, "before"), "before the move\n");
    /* the server moves (its old handle dies), the client stays */
    if (move(&c.server, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &s2) == SEC_E_OK) {
        c.have_server = FALSE;
        SecPkgContext_NegotiationInfoW ni;
        SECURITY_STATUS st = QueryContextAttributesW(&s2, SECPKG_ATTR_NEGOTIATION_INFO, &ni);
        ok(st == SEC_E_OK && !lstrcmpW(ni.PackageInfo->Name, L"NTLM"), "imported NEGOTIATION_INFO: %08lx\n", st);
        if (!st) FreeContextBuffer(ni.PackageInfo);
        ok(seal_across(&c.client, &s2, "after the move"), "client -> moved server\n");
        ok(seal_across(&s2, &c.client, "from the moved server"), "moved server -> client\n");
        ok(ImpersonateSecurityContext(&s2) == SEC_E_OK, "impersonate with the imported context\n");
        RevertSecurityContext(&s2);
        if (move(&s2, 0, &c2) == SEC_E_OK) DeleteSecurityContext(&c2);
        /* messages have passed: a reset copy would reuse their keystream */
        SecBuffer reset = { 0, 0, NULL };
        SECURITY_STATUS rst = ExportSecurityContext(&s2, SECPKG_CONTEXT_EXPORT_RESET_NEW, &reset, NULL);
        ok(rst == SEC_E_INVALID_PARAMETER, "RESET_NEW after messages: %08lx\n", rst);
        if (rst == SEC_E_OK) FreeContextBuffer(reset.pvBuffer);
        /* a Negotiate blob is not an NTLM one */
        SecBuffer blob = { 0, 0, NULL };
        if (ExportSecurityContext(&s2, 0, &blob, NULL) == SEC_E_OK) {
            st = ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, NULL, &c2);
            ok(st == SEC_E_INVALID_TOKEN, "a Negotiate blob imported as NTLM: %08lx\n", st);
            FreeContextBuffer(blob.pvBuffer);
        }
        DeleteSecurityContext(&s2);
    }
    conv_free(&c);
}

/* A fresh Negotiate pair (only the handshake's mechListMICs have passed)
 * may be reset: both copies go on as right after the handshake. */
static void test_reset_fresh(CredHandle *ccred, CredHandle *scred)
{
    struct conv c;
    CtxtHandle s3, c3;
    if (!established(ccred, scred, &c, "reset")) return;
    if (move(&c.server, SECPKG_CONTEXT_EXPORT_RESET_NEW, &s3) == SEC_E_OK) {
        if (move(&c.client, SECPKG_CONTEXT_EXPORT_RESET_NEW, &c3) == SEC_E_OK) {
            ok(seal_across(&c3, &s3, "both reset"), "reset client -> reset server\n");
            ok(seal_across(&s3, &c3, "both reset, back"), "reset server -> reset client\n");
            DeleteSecurityContext(&c3);
        }
        DeleteSecurityContext(&s3);
    }
    conv_free(&c);
}

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    char dir[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    HANDLE f = CreateFileA(accounts, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD n;
    WriteFile(f, "Domain:User:Password\n", 21, &n, NULL);
    CloseHandle(f);
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);

    test_package();
    CredHandle ccred, scred;
    SECURITY_STATUS st = cred_for(NEGO, SECPKG_CRED_OUTBOUND, L"Password", &ccred);
    ok(st == SEC_E_OK, "client credential: %08lx\n", st);
    st = cred_for(NEGO, SECPKG_CRED_INBOUND, NULL, &scred);
    ok(st == SEC_E_OK, "server credential: %08lx\n", st);
    test_loopback(&ccred, &scred);
    test_in_progress(&ccred);
    test_wrong_password(&scred);
    test_bad_tokens(&scred);
    test_bare_ntlmssp(&scred);
    test_export_import(&ccred, &scred);
    test_reset_fresh(&ccred, &scred);
    FreeCredentialsHandle(&ccred);
    FreeCredentialsHandle(&scred);

    struct sspishim_stats s = stats();
    ok(s.live_objects == 0 && s.live_tokens == 0, "left behind: %u objects, %u tokens\n", s.live_objects,
       s.live_tokens);
    ok(!s.host_loaded, "the host secur32 was loaded for Negotiate\n");

    /* ours is the only Negotiate the list shows */
    ULONG count = 0, seen = 0;
    PSecPkgInfoW list;
    if (EnumerateSecurityPackagesW(&count, &list) == SEC_E_OK) {
        for (ULONG i = 0; i < count; i++)
            if (!lstrcmpiW(list[i].Name, L"Negotiate")) {
                seen++;
                ok(list[i].cbMaxToken == 48256, "listed Negotiate max token %lu\n", list[i].cbMaxToken);
            }
        FreeContextBuffer(list);
    }
    ok(seen == 1, "Negotiate listed %lu times\n", seen);
    DeleteFileA(accounts);
}
