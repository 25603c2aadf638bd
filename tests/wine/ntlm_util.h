/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the Wine tests that run NTLM conversations share: the DLL's
 * statistics, an accounts file, credentials and a loopback handshake
 * (client and server in one process).  Include after test.h. */
#ifndef SSPISHIM_WINE_NTLM_UTIL_H
#define SSPISHIM_WINE_NTLM_UTIL_H

#include "sspishim/sspishim.h"

static __attribute__((unused)) struct sspishim_stats stats(void)
{
    struct sspishim_stats s;
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);
    SspiShimGetStatistics(&s);
    return s;
}

/* An accounts file in the temp folder, named by NTLM_USER_FILE. */
static char accounts[MAX_PATH];

static __attribute__((unused)) void write_accounts(const char *text)
{
    HANDLE f = CreateFileA(accounts, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD n;
    ok(f != INVALID_HANDLE_VALUE, "cannot write %s\n", accounts);
    WriteFile(f, text, (DWORD)strlen(text), &n, NULL);
    CloseHandle(f);
}

static __attribute__((unused)) SECURITY_STATUS client_cred(const WCHAR *u, const WCHAR *d, const WCHAR *p, CredHandle *cred)
{
    SEC_WINNT_AUTH_IDENTITY_W id;
    TimeStamp ts;
    id.User = (unsigned short *)u;
    id.UserLength = lstrlenW(u);
    id.Domain = (unsigned short *)d;
    id.DomainLength = lstrlenW(d);
    id.Password = (unsigned short *)p;
    id.PasswordLength = lstrlenW(p);
    id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    return AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL, cred, &ts);
}

static __attribute__((unused)) SECURITY_STATUS server_cred(CredHandle *cred)
{
    TimeStamp ts;
    return AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, cred, &ts);
}

struct handshake {
    CtxtHandle client, server;
    SECURITY_STATUS client_st[3], server_st[3];
    ULONG client_attrs, server_attrs;
    int legs;
};

/* Runs the token exchange until both sides finish or one fails. */
static __attribute__((unused)) SECURITY_STATUS handshake(CredHandle *ccred, CredHandle *scred, ULONG req, struct handshake *h)
{
    BYTE tok_c[4096], tok_s[4096];
    SecBuffer bc = { 0, SECBUFFER_TOKEN, tok_c }, bs = { 0, SECBUFFER_TOKEN, tok_s };
    SecBufferDesc dc = { SECBUFFER_VERSION, 1, &bc }, ds = { SECBUFFER_VERSION, 1, &bs };
    TimeStamp ts;
    SECURITY_STATUS cst = SEC_I_CONTINUE_NEEDED, sst = SEC_I_CONTINUE_NEEDED;
    memset(h, 0, sizeof(*h));
    for (int i = 0; i < 3; i++) {
        bc.cbBuffer = sizeof(tok_c);
        cst = InitializeSecurityContextW(ccred, i ? &h->client : NULL, (SEC_WCHAR *)L"localhost", req, 0,
                                         SECURITY_NATIVE_DREP, i ? &ds : NULL, 0, &h->client, &dc,
                                         &h->client_attrs, &ts);
        h->client_st[i] = cst;
        h->legs++;
        if (cst < 0 || (cst == SEC_E_OK && sst == SEC_E_OK)) break;
        if (cst == SEC_E_OK && !bc.cbBuffer) break;
        bs.cbBuffer = sizeof(tok_s);
        sst = AcceptSecurityContext(scred, i ? &h->server : NULL, &dc, req, SECURITY_NATIVE_DREP, &h->server, &ds,
                                    &h->server_attrs, &ts);
        h->server_st[i] = sst;
        h->legs++;
        if (sst < 0 || (sst == SEC_E_OK)) break;
    }
    return sst < 0 ? sst : cst < 0 ? cst : sst;
}

#endif
