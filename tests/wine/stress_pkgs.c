/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Deletes racing calls, for the packages stress.c does not cover: six
 * threads for a bounded time (2 s, or the first argument in seconds) on
 *  - Negotiate: each thread's own handshakes and sealed messages, and
 *    shared pairs sealed by every thread while one thread deletes and
 *    replaces them;
 *  - a third-party package (tests/wine/ssp/fakessp.c, added with
 *    AddSecurityPackage): shared contexts sealed by every thread while
 *    another deletes them; the provider counts every deletion that came
 *    while one of its calls on that context was still running;
 *  - a delegated package (Wine's Schannel, through the host secur32): a
 *    shared credential queried by every thread while another frees and
 *    replaces it.
 * A call on a handle deleted under it must answer SEC_E_INVALID_HANDLE,
 * never crash; the provider must never see a context deleted under a
 * running call; afterwards no object, token or provider context is left. */
#define TEST_NAME "stress_pkgs"
#include "test.h"
#include <schannel.h>
#include <stdlib.h>

#include "ntlm_util.h"

#define THREADS 6
#define SHARED 3
#define NEGO ((SEC_WCHAR *)L"Negotiate")
#define FAKE ((SEC_WCHAR *)L"FakeSSP")

static DWORD deadline;
static CredHandle nego_c, nego_s, fake_c, fake_s;
static LONG unexpected, sealed_ok, sealed_dead, replaced, queried;

struct shared {
    SRWLOCK slot;            /* held only to copy or store the handles */
    CtxtHandle client, server;
};
static struct shared nego_pairs[SHARED], fake_pairs[SHARED];
static SRWLOCK schannel_slot = SRWLOCK_INIT;
static CredHandle schannel_cred;

static void note(const char *what, SECURITY_STATUS st)
{
    if (InterlockedIncrement(&unexpected) <= 10) trace("unexpected: %s: %08lx\n", what, st);
}

/* Runs both sides until both are done: Negotiate's server finishes with a
 * token its client still takes. */
static SECURITY_STATUS converse(CredHandle *cc, CredHandle *sc, CtxtHandle *client, CtxtHandle *server)
{
    BYTE tc[4096], ts_[4096];
    SecBuffer bc = { 0, SECBUFFER_TOKEN, tc }, bs = { 0, SECBUFFER_TOKEN, ts_ };
    SecBufferDesc dc = { SECBUFFER_VERSION, 1, &bc }, ds = { SECBUFFER_VERSION, 1, &bs };
    SECURITY_STATUS cst = SEC_I_CONTINUE_NEEDED, sst = SEC_I_CONTINUE_NEEDED;
    ULONG attrs;
    TimeStamp exp;
    SecInvalidateHandle(client);
    SecInvalidateHandle(server);
    for (int i = 0; i < 4 && (cst != SEC_E_OK || sst != SEC_E_OK); i++) {
        if (cst != SEC_E_OK) {
            bc.cbBuffer = sizeof(tc);
            cst = InitializeSecurityContextW(cc, i ? client : NULL, (SEC_WCHAR *)L"localhost",
                                             ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY, 0,
                                             SECURITY_NATIVE_DREP, i ? &ds : NULL, 0, client, &dc, &attrs, &exp);
            if (cst < 0) return cst;
            if (!bc.cbBuffer) break;
        }
        if (sst != SEC_E_OK) {
            bs.cbBuffer = sizeof(ts_);
            sst = AcceptSecurityContext(sc, i ? server : NULL, &dc, ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY,
                                        SECURITY_NATIVE_DREP, server, &ds, &attrs, &exp);
            if (sst < 0) return sst;
            if (sst == SEC_E_OK && !bs.cbBuffer) break;
        }
    }
    return cst == SEC_E_OK && sst == SEC_E_OK ? SEC_E_OK : SEC_E_INTERNAL_ERROR;
}

static SECURITY_STATUS seal(CtxtHandle *ctx, char *data, ULONG len, BYTE *trailer, ULONG tlen)
{
    SecBuffer b[2] = { { tlen, SECBUFFER_TOKEN, trailer }, { len, SECBUFFER_DATA, data } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    return EncryptMessage(ctx, 0, &d, 0);
}

static void replace(struct shared *p, CredHandle *cc, CredHandle *sc)
{
    CtxtHandle c, s, oc, os;
    if (converse(cc, sc, &c, &s) != SEC_E_OK) {
        note("handshake for a shared pair", 0);
        return;
    }
    AcquireSRWLockExclusive(&p->slot);
    oc = p->client;
    os = p->server;
    p->client = c;
    p->server = s;
    ReleaseSRWLockExclusive(&p->slot);
    /* Others may be inside calls on the old handles right now. */
    SECURITY_STATUS st = DeleteSecurityContext(&oc);
    if (st != SEC_E_OK && st != SEC_E_INVALID_HANDLE) note("delete an old client", st);
    st = DeleteSecurityContext(&os);
    if (st != SEC_E_OK && st != SEC_E_INVALID_HANDLE) note("delete an old server", st);
    InterlockedIncrement(&replaced);
}

static void use_shared(struct shared *p, unsigned tag)
{
    CtxtHandle c, s;
    char data[40];
    BYTE trailer[64];
    AcquireSRWLockShared(&p->slot);
    c = p->client;
    s = p->server;
    ReleaseSRWLockShared(&p->slot);
    /* now and then one the fake provider takes 400 ms over */
    snprintf(data, sizeof(data), "%s shared message %u", tag % 16 == 1 ? "SLOW" : "fast", tag);
    /* No lock around the call: only the messages' order is at stake,
     * which nobody checks here, and the deletes must meet running calls. */
    SECURITY_STATUS st = seal(tag & 2 ? &c : &s, data, (ULONG)strlen(data), trailer, sizeof(trailer));
    if (st == SEC_E_OK) InterlockedIncrement(&sealed_ok);
    else if (st == SEC_E_INVALID_HANDLE) InterlockedIncrement(&sealed_dead);
    else note("seal on a shared context", st);
}

static void own_negotiate(void)
{
    CtxtHandle c, s;
    char data[] = "a Negotiate message of one thread";
    BYTE trailer[64];
    SECURITY_STATUS st = converse(&nego_c, &nego_s, &c, &s);
    if (st != SEC_E_OK) {
        note("own Negotiate handshake", st);
        return;
    }
    st = seal(&c, data, sizeof(data), trailer, sizeof(trailer));
    if (st != SEC_E_OK) note("own Negotiate seal", st);
    DeleteSecurityContext(&c);
    DeleteSecurityContext(&s);
}

static void schannel_churn(unsigned tag)
{
    if (tag % 8 == 0) {
        SCHANNEL_CRED sc;
        CredHandle fresh, old;
        TimeStamp exp;
        memset(&sc, 0, sizeof(sc));
        sc.dwVersion = SCHANNEL_CRED_VERSION;
        sc.dwFlags = SCH_CRED_NO_DEFAULT_CREDS | SCH_CRED_MANUAL_CRED_VALIDATION;
        SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)UNISP_NAME_W, SECPKG_CRED_OUTBOUND, NULL,
                                                       &sc, NULL, NULL, &fresh, &exp);
        if (st != SEC_E_OK) {
            note("acquire a Schannel credential", st);
            return;
        }
        AcquireSRWLockExclusive(&schannel_slot);
        old = schannel_cred;
        schannel_cred = fresh;
        ReleaseSRWLockExclusive(&schannel_slot);
        st = FreeCredentialsHandle(&old);
        if (st != SEC_E_OK && st != SEC_E_INVALID_HANDLE) note("free a Schannel credential", st);
    } else {
        CredHandle h;
        SecPkgCred_SupportedAlgs algs;
        AcquireSRWLockShared(&schannel_slot);
        h = schannel_cred;
        ReleaseSRWLockShared(&schannel_slot);
        SECURITY_STATUS st = QueryCredentialsAttributesW(&h, SECPKG_ATTR_SUPPORTED_ALGS, &algs);
        if (st == SEC_E_OK) FreeContextBuffer(algs.palgSupportedAlgs);
        else if (st != SEC_E_INVALID_HANDLE && st != SEC_E_UNSUPPORTED_FUNCTION) note("query a Schannel credential", st);
        InterlockedIncrement(&queried);
    }
}

static DWORD WINAPI worker(void *arg)
{
    unsigned seed = (unsigned)(ULONG_PTR)arg * 2654435761u + 1;
    for (unsigned n = 0; GetTickCount() < deadline; n++) {
        seed = seed * 1103515245u + 12345u;
        unsigned tag = seed >> 8, which = tag % SHARED;
        switch (tag % 7) {
        case 0: own_negotiate(); break;
        case 1: use_shared(&nego_pairs[which], tag >> 3); break;
        case 2: use_shared(&fake_pairs[which], tag >> 3); break;
        case 3: schannel_churn(tag >> 3); break;
        case 4:
            if (tag % 5 == 0) replace(&nego_pairs[which], &nego_c, &nego_s);
            else use_shared(&nego_pairs[which], tag >> 3);
            break;
        case 5:
            if (tag % 3 == 0) replace(&fake_pairs[which], &fake_c, &fake_s);
            else use_shared(&fake_pairs[which], tag >> 3);
            break;
        default: schannel_churn(tag >> 3); break;
        }
    }
    return 0;
}

static void run_tests(int argc, char **argv)
{
    DWORD seconds = argc > 1 ? (DWORD)atoi(argv[1]) : 2;
    char dir[MAX_PATH];
    TimeStamp exp;
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    write_accounts("Domain:User:Password\n");
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);

    SECURITY_STATUS st = AddSecurityPackageA((LPSTR)"fakessp.dll", NULL);
    if (st != SEC_E_OK) {
        skip("fakessp.dll cannot be added (%08lx): no third-party package here\n", st);
        DeleteFileA(accounts);
        return;
    }
    HMODULE fake = GetModuleHandleA("fakessp.dll");
    LONG (WINAPI *violations)(void) = fake ? (void *)GetProcAddress(fake, "FakeSspViolations") : NULL;
    void (WINAPI *live)(LONG *, LONG *, LONG *) = fake ? (void *)GetProcAddress(fake, "FakeSspLive") : NULL;
    ok(violations && live, "fakessp.dll lacks its test exports\n");

    SEC_WINNT_AUTH_IDENTITY_W id = { (unsigned short *)L"User", 4, (unsigned short *)L"Domain", 6,
                                     (unsigned short *)L"Password", 8, SEC_WINNT_AUTH_IDENTITY_UNICODE };
    ok(AcquireCredentialsHandleW(NULL, NEGO, SECPKG_CRED_OUTBOUND, NULL, &id, NULL, NULL, &nego_c, &exp) == SEC_E_OK,
       "Negotiate client credential\n");
    ok(AcquireCredentialsHandleW(NULL, NEGO, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &nego_s, &exp) == SEC_E_OK,
       "Negotiate server credential\n");
    ok(AcquireCredentialsHandleW(NULL, FAKE, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL, &fake_c, &exp) == SEC_E_OK,
       "FakeSSP client credential\n");
    ok(AcquireCredentialsHandleW(NULL, FAKE, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL, &fake_s, &exp) == SEC_E_OK,
       "FakeSSP server credential\n");
    SecInvalidateHandle(&schannel_cred);
    schannel_churn(0);
    for (int i = 0; i < SHARED; i++) {
        InitializeSRWLock(&nego_pairs[i].slot);
        InitializeSRWLock(&fake_pairs[i].slot);
        SecInvalidateHandle(&nego_pairs[i].client);
        SecInvalidateHandle(&nego_pairs[i].server);
        SecInvalidateHandle(&fake_pairs[i].client);
        SecInvalidateHandle(&fake_pairs[i].server);
        replace(&nego_pairs[i], &nego_c, &nego_s);
        replace(&fake_pairs[i], &fake_c, &fake_s);
    }
    struct sspishim_stats before = stats();

    deadline = GetTickCount() + seconds * 1000;
    HANDLE t[THREADS];
    for (ULONG_PTR i = 0; i < THREADS; i++) t[i] = CreateThread(NULL, 0, worker, (void *)i, 0, NULL);
    WaitForMultipleObjects(THREADS, t, TRUE, INFINITE);
    for (int i = 0; i < THREADS; i++) CloseHandle(t[i]);

    trace("%ld sealed, %ld on deleted handles, %ld pairs replaced, %ld Schannel queries\n", sealed_ok, sealed_dead,
          replaced, queried);
    ok(unexpected == 0, "%ld unexpected statuses\n", unexpected);
    ok(sealed_ok > 0 && replaced > SHARED * 2, "too little happened: %ld sealed, %ld replaced\n", sealed_ok, replaced);
    struct sspishim_stats after = stats();
    ok(after.live_contexts == before.live_contexts && after.live_credentials == before.live_credentials,
       "the threads left %u contexts and %u credentials (before %u, %u)\n", after.live_contexts,
       after.live_credentials, before.live_contexts, before.live_credentials);
    if (violations) ok(violations() == 0, "the provider saw %ld deletions under a running call\n", violations());

    for (int i = 0; i < SHARED; i++) {
        DeleteSecurityContext(&nego_pairs[i].client);
        DeleteSecurityContext(&nego_pairs[i].server);
        DeleteSecurityContext(&fake_pairs[i].client);
        DeleteSecurityContext(&fake_pairs[i].server);
    }
    FreeCredentialsHandle(&schannel_cred);
    FreeCredentialsHandle(&nego_c);
    FreeCredentialsHandle(&nego_s);
    FreeCredentialsHandle(&fake_c);
    FreeCredentialsHandle(&fake_s);
    if (live) {
        LONG c, x, b;
        live(&c, &x, &b);
        ok(c == 0 && x == 0 && b == 0, "the provider still holds %ld credentials, %ld contexts, %ld buffers\n", c, x, b);
    }
    struct sspishim_stats end = stats();
    ok(end.live_contexts == 0 && end.live_credentials == 0 && end.live_tokens == 0,
       "left behind: %u contexts, %u credentials, %u tokens\n", end.live_contexts, end.live_credentials,
       end.live_tokens);
    DeleteFileA(accounts);
}
