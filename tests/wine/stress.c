/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Eight threads for a bounded time (3 s, or the first argument in seconds)
 * doing what a busy server does, all at once:
 *  - separate contexts: each thread's own NTLM handshakes against a shared
 *    server credential, messages sealed, opened and checked both ways, the
 *    server context exported with DELETE_OLD and its client's token,
 *    imported and carried on, the client's exported and imported through
 *    the A entry point, then deleted;
 *  - shared contexts: four established pairs used by every thread, under
 *    the pair's lock for what moves the sequence numbers (seal, open,
 *    sign, verify, which must all succeed), and without it for what does
 *    not (attributes, QuerySecurityContextToken, export and import,
 *    impersonation, forged messages that must be refused and leave the
 *    state as it was);
 *  - churn: a shared pair deleted and replaced while other threads hold its
 *    handles, which then must answer SEC_E_INVALID_HANDLE, never crash;
 *    credentials acquired and freed; made-up and stale handles.
 * Afterwards the DLL's live-object counters (SspiShimGetStatistics) are back
 * where they started, and every token it opened is closed, shown three
 * ways because Wine's GetProcessHandleCount is a stub that returns 0:
 *  1. its own token counter (live_tokens) is back to its starting value;
 *  2. the process's token handles, counted with NtQuerySystemInformation
 *     (SystemHandleInformation: every handle of the system with its owner
 *     and object type), are as many as before the threads started (a
 *     warm-up handshake first makes the one client token the DLL keeps for
 *     the life of the process, see dlls/secur32/platform.c);
 *  3. tokens the DLL opened for imported contexts, read through
 *     SECPKG_ATTR_ACCESS_TOKEN, are invalid handles (GetHandleInformation
 *     and DuplicateHandle fail) once their contexts are deleted. */
#define TEST_NAME "stress"
#include "test.h"
#include <stdlib.h>

#include "ntlm_util.h"

#define THREADS 8
#define PAIRS 4
#define REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT | \
             ISC_REQ_CONNECTION)

static CredHandle ccred, scred;
static DWORD deadline;

/* ---- the shared pairs -------------------------------------------------------- */

struct pair {
    SRWLOCK use;          /* held for calls that move the sequence numbers, and to replace */
    SRWLOCK slot;         /* held only to copy or store the handles */
    CtxtHandle client, server;
    LONG generation;
};
static struct pair pairs[PAIRS];

static void pair_handles(struct pair *p, CtxtHandle *c, CtxtHandle *s)
{
    AcquireSRWLockShared(&p->slot);
    *c = p->client;
    *s = p->server;
    ReleaseSRWLockShared(&p->slot);
}

/* ---- counting ------------------------------------------------------------------- */

enum op {
    OP_HANDSHAKE, OP_SEAL, OP_OPEN, OP_SIGN, OP_VERIFY, OP_EXPORT, OP_IMPORT, OP_DELETE, OP_QUERY,
    OP_TOKEN, OP_IMPERSONATE, OP_FORGED, OP_REPLACE, OP_CRED, OP_BAD_HANDLE, OP_STALE, N_OPS
};
static const char *const op_names[N_OPS] = {
    "handshakes", "seals", "opens", "signatures", "verifications", "exports", "imports", "deletes",
    "attribute queries", "token queries", "impersonations", "forged messages refused", "pairs replaced",
    "credentials acquired", "made-up handles refused", "stale handles refused",
};
static LONG counts[N_OPS];
static LONG unexpected, tokens_handed, tokens_imported;

static SRWLOCK report_lock = SRWLOCK_INIT;

/* st must be one of the allowed statuses; the first few that are not are
 * printed. */
static int expect(const char *what, SECURITY_STATUS st, SECURITY_STATUS a, SECURITY_STATUS b, SECURITY_STATUS c)
{
    if (st == a || st == b || st == c) return 1;
    if (InterlockedIncrement(&unexpected) <= 10) {
        AcquireSRWLockExclusive(&report_lock);
        printf("stress: thread %04lx: %s: unexpected %08lx\n", GetCurrentThreadId(), what, (unsigned long)st);
        fflush(stdout);
        ReleaseSRWLockExclusive(&report_lock);
    }
    return 0;
}

#define EXPECT1(what, st, a) expect(what, st, a, a, a)
#define EXPECT2(what, st, a, b) expect(what, st, a, b, b)
#define EXPECT3(what, st, a, b, c) expect(what, st, a, b, c)

static void count(enum op op)
{
    InterlockedIncrement(&counts[op]);
}

/* ---- messages -------------------------------------------------------------------- */

struct msg {
    BYTE sig[16], data[32];
    SecBuffer b[2];
    SecBufferDesc d;
};

static SecBufferDesc *msg(struct msg *m, unsigned tag)
{
    memset(m, 0, sizeof(*m));
    snprintf((char *)m->data, sizeof(m->data), "message %08x", tag);
    m->b[0] = (SecBuffer){ 16, SECBUFFER_TOKEN, m->sig };
    m->b[1] = (SecBuffer){ 17, SECBUFFER_DATA, m->data };
    m->d = (SecBufferDesc){ SECBUFFER_VERSION, 2, m->b };
    return &m->d;
}

/* from seals, to opens and checks; both calls must succeed. */
static int sealed_exchange(CtxtHandle *from, CtxtHandle *to, unsigned tag, const char *what)
{
    struct msg m;
    char want[32];
    ULONG qop;
    snprintf(want, sizeof(want), "message %08x", tag);
    if (!EXPECT1(what, EncryptMessage(from, 0, msg(&m, tag), 0), SEC_E_OK)) return 0;
    count(OP_SEAL);
    if (!EXPECT1(what, DecryptMessage(to, &m.d, 0, &qop), SEC_E_OK)) return 0;
    count(OP_OPEN);
    if (memcmp(m.data, want, 17)) {
        expect("opened text differs", SEC_E_MESSAGE_ALTERED, SEC_E_OK, SEC_E_OK, SEC_E_OK);
        return 0;
    }
    return 1;
}

static int signed_exchange(CtxtHandle *from, CtxtHandle *to, unsigned tag, const char *what)
{
    struct msg m;
    if (!EXPECT1(what, MakeSignature(from, 0, msg(&m, tag), 0), SEC_E_OK)) return 0;
    count(OP_SIGN);
    if (!EXPECT1(what, VerifySignature(to, &m.d, 0, NULL), SEC_E_OK)) return 0;
    count(OP_VERIFY);
    return 1;
}

/* ---- the operations --------------------------------------------------------------- */

static unsigned rnd(unsigned *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* A thread's own conversation, from handshake to deletion. */
static void own_conversation(unsigned *seed)
{
    struct handshake h;
    CredHandle mine;
    CredHandle *cc = &ccred;
    SecBuffer blob = { 0 };
    HANDLE token = NULL;
    CtxtHandle imported;
    unsigned tag = rnd(seed);
    int have_client = 0, have_server = 0;

    if ((tag & 3) == 0 && client_cred(L"User", L"Domain", L"Password", &mine) == SEC_E_OK) {
        count(OP_CRED);
        cc = &mine;
    }
    SECURITY_STATUS st = handshake(cc, &scred, REQ, &h);
    have_client = h.client_st[0] >= 0;
    have_server = h.server_st[0] >= 0 && h.legs > 1;
    if (EXPECT1("own handshake", st, SEC_E_OK)) {
        count(OP_HANDSHAKE);
        sealed_exchange(&h.client, &h.server, tag, "own seal c->s");
        sealed_exchange(&h.server, &h.client, tag + 1, "own seal s->c");
        signed_exchange(&h.client, &h.server, tag + 2, "own signature");

        /* The server context moves: exported with its client's token and
         * deleted, imported, and the conversation goes on with the copy. */
        if (EXPECT1("own export server", ExportSecurityContext(&h.server, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &blob, &token),
                    SEC_E_OK)) {
            count(OP_EXPORT);
            count(OP_DELETE);
            if (token) InterlockedIncrement(&tokens_handed);
            if (EXPECT1("own import server", ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, token, &imported),
                        SEC_E_OK)) {
                count(OP_IMPORT);
                if (token) InterlockedIncrement(&tokens_imported);
                h.server = imported;
                sealed_exchange(&h.client, &h.server, tag + 3, "imported server opens");
                sealed_exchange(&h.server, &h.client, tag + 4, "imported server seals");
            } else {
                have_server = 0;
            }
            if (token) CloseHandle(token);
            FreeContextBuffer(blob.pvBuffer);
        }
        /* And the client, through the A entry point: it carries on where
         * it stopped, so the server opens what the copy seals. */
        if ((tag & 1) && EXPECT1("own export client", ExportSecurityContext(&h.client, SECPKG_CONTEXT_EXPORT_DELETE_OLD,
                                                                            &blob, NULL), SEC_E_OK)) {
            count(OP_EXPORT);
            count(OP_DELETE);
            if (EXPECT1("own import client", ImportSecurityContextA((SEC_CHAR *)"ntlm", &blob, NULL, &imported), SEC_E_OK)) {
                count(OP_IMPORT);
                h.client = imported;
                sealed_exchange(&h.client, &h.server, tag + 5, "imported client seals");
            } else {
                have_client = 0;
            }
            FreeContextBuffer(blob.pvBuffer);
        }
    }
    if (have_client) {
        EXPECT1("own delete client", DeleteSecurityContext(&h.client), SEC_E_OK);
        count(OP_DELETE);
    }
    if (have_server) {
        EXPECT1("own delete server", DeleteSecurityContext(&h.server), SEC_E_OK);
        count(OP_DELETE);
    }
    if (cc == &mine) EXPECT1("own credential free", FreeCredentialsHandle(&mine), SEC_E_OK);
}

/* What moves the sequence numbers, under the pair's lock: must succeed,
 * unless the pair was replaced between the copy and the lock (it cannot:
 * replacing takes the same lock). */
static void shared_locked(struct pair *p, unsigned tag)
{
    CtxtHandle c, s;
    AcquireSRWLockExclusive(&p->use);
    pair_handles(p, &c, &s);
    sealed_exchange(&c, &s, tag, "shared seal c->s");
    sealed_exchange(&s, &c, tag + 1, "shared seal s->c");
    signed_exchange(&s, &c, tag + 2, "shared signature");
    ReleaseSRWLockExclusive(&p->use);
}

/* What leaves the sequence numbers alone, without the lock: the pair may be
 * replaced meanwhile, so a stale handle is an allowed answer. */
static void shared_unlocked(struct pair *p, unsigned tag)
{
    CtxtHandle c, s, imported;
    SecPkgContext_Sizes sizes;
    SecPkgContext_NamesW names;
    SecBuffer blob = { 0 };
    HANDLE token;
    struct msg m;
    ULONG qop;
    SECURITY_STATUS st;

    pair_handles(p, &c, &s);
    switch (tag % 6) {
    case 0:
        st = QueryContextAttributesW(&c, SECPKG_ATTR_SIZES, &sizes);
        EXPECT2("shared SIZES", st, SEC_E_OK, SEC_E_INVALID_HANDLE);
        st = QueryContextAttributesW(&s, SECPKG_ATTR_NAMES, &names);
        if (EXPECT2("shared NAMES", st, SEC_E_OK, SEC_E_INVALID_HANDLE) && st == SEC_E_OK)
            FreeContextBuffer(names.sUserName);
        count(OP_QUERY);
        break;
    case 1:
        st = QuerySecurityContextToken(&s, &token);
        if (EXPECT2("shared token", st, SEC_E_OK, SEC_E_INVALID_HANDLE) && st == SEC_E_OK) {
            InterlockedIncrement(&tokens_handed);
            CloseHandle(token);
        }
        count(OP_TOKEN);
        break;
    case 2:
        /* RESET_NEW is refused once the pair has exchanged a message */
        st = ExportSecurityContext((tag & 8) ? &c : &s, (tag & 16) ? SECPKG_CONTEXT_EXPORT_RESET_NEW : 0, &blob, &token);
        if (EXPECT3("shared export", st, SEC_E_OK, SEC_E_INVALID_HANDLE,
                    (tag & 16) ? SEC_E_INVALID_PARAMETER : SEC_E_INVALID_HANDLE) && st == SEC_E_OK) {
            count(OP_EXPORT);
            if (token) InterlockedIncrement(&tokens_handed);
            st = ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, token, &imported);
            if (EXPECT1("shared import", st, SEC_E_OK)) {
                count(OP_IMPORT);
                if (token) InterlockedIncrement(&tokens_imported);
                QueryContextAttributesW(&imported, SECPKG_ATTR_SIZES, &sizes);
                EXPECT1("delete imported", DeleteSecurityContext(&imported), SEC_E_OK);
                count(OP_DELETE);
            }
            if (token) CloseHandle(token);
            FreeContextBuffer(blob.pvBuffer);
        }
        break;
    case 3:
        st = ImpersonateSecurityContext(&s);
        if (EXPECT2("shared impersonate", st, SEC_E_OK, SEC_E_INVALID_HANDLE) && st == SEC_E_OK) {
            count(OP_IMPERSONATE);
            st = RevertSecurityContext(&s);
            /* replaced meanwhile: the thread stops impersonating anyway */
            if (EXPECT2("shared revert", st, SEC_E_OK, SEC_E_INVALID_HANDLE) && st != SEC_E_OK) RevertToSelf();
        }
        break;
    case 4:
        /* A forged sealed message: refused, and the receiving state is
         * left as it was, so the locked conversation goes on. */
        msg(&m, tag);
        memset(m.sig, 0x5a, sizeof(m.sig));
        st = DecryptMessage(&s, &m.d, 0, &qop);
        if (expect("shared forged seal", st, SEC_E_MESSAGE_ALTERED, SEC_E_OUT_OF_SEQUENCE, SEC_E_INVALID_HANDLE))
            count(OP_FORGED);
        break;
    case 5:
        msg(&m, tag);
        m.sig[0] = 1;
        st = VerifySignature(&c, &m.d, 0, &qop);
        if (expect("shared forged signature", st, SEC_E_MESSAGE_ALTERED, SEC_E_OUT_OF_SEQUENCE, SEC_E_INVALID_HANDLE))
            count(OP_FORGED);
        break;
    }
}

/* Deletes a pair while others may hold its handles, and puts a new one in
 * its place; the old handles are kept as stale ones to try. */
static CtxtHandle stale[64];
static LONG n_stale;
static SRWLOCK stale_lock = SRWLOCK_INIT;

static void replace_pair(struct pair *p)
{
    struct handshake h;
    CtxtHandle c, s;
    if (!EXPECT1("replacement handshake", handshake(&ccred, &scred, REQ, &h), SEC_E_OK)) return;
    count(OP_HANDSHAKE);
    AcquireSRWLockExclusive(&p->use);
    pair_handles(p, &c, &s);
    AcquireSRWLockExclusive(&p->slot);
    p->client = h.client;
    p->server = h.server;
    p->generation++;
    ReleaseSRWLockExclusive(&p->slot);
    ReleaseSRWLockExclusive(&p->use);
    EXPECT1("delete replaced client", DeleteSecurityContext(&c), SEC_E_OK);
    EXPECT1("delete replaced server", DeleteSecurityContext(&s), SEC_E_OK);
    count(OP_DELETE);
    count(OP_DELETE);
    count(OP_REPLACE);
    AcquireSRWLockExclusive(&stale_lock);
    stale[n_stale++ % 64] = c;
    ReleaseSRWLockExclusive(&stale_lock);
}

static void bad_handles(unsigned tag)
{
    CtxtHandle h;
    struct msg m;
    SecPkgContext_Sizes sizes;
    if (tag & 1) {
        h.dwLower = tag;
        h.dwUpper = ~(ULONG_PTR)tag;
        EXPECT1("made-up handle", EncryptMessage(&h, 0, msg(&m, tag), 0), SEC_E_INVALID_HANDLE);
        EXPECT1("made-up handle", DeleteSecurityContext(&h), SEC_E_INVALID_HANDLE);
        count(OP_BAD_HANDLE);
    } else {
        AcquireSRWLockShared(&stale_lock);
        LONG n = n_stale;
        if (n) h = stale[(tag >> 1) % (n < 64 ? n : 64)];
        ReleaseSRWLockShared(&stale_lock);
        if (!n) return;
        EXPECT1("stale handle", QueryContextAttributesW(&h, SECPKG_ATTR_SIZES, &sizes), SEC_E_INVALID_HANDLE);
        EXPECT1("stale handle", DeleteSecurityContext(&h), SEC_E_INVALID_HANDLE);
        count(OP_STALE);
    }
}

static void credential_churn(void)
{
    CredHandle c;
    SecPkgCredentials_NamesW names;
    if (!EXPECT1("acquire inbound", server_cred(&c), SEC_E_OK)) return;
    count(OP_CRED);
    if (EXPECT1("credential names", QueryCredentialsAttributesW(&c, SECPKG_CRED_ATTR_NAMES, &names), SEC_E_OK))
        FreeContextBuffer(names.sUserName);
    EXPECT1("free credential", FreeCredentialsHandle(&c), SEC_E_OK);
    EXPECT1("free it again", FreeCredentialsHandle(&c), SEC_E_INVALID_HANDLE);
}

static DWORD WINAPI worker(void *arg)
{
    unsigned seed = 0x9e3779b9u * (unsigned)(ULONG_PTR)arg + 1;
    while ((LONG)(GetTickCount() - deadline) < 0) {
        unsigned r = rnd(&seed);
        struct pair *p = &pairs[(r >> 8) % PAIRS];
        switch (r % 10) {
        case 0: case 1: case 2: own_conversation(&seed); break;
        case 3: case 4: shared_locked(p, r); break;
        case 5: case 6: shared_unlocked(p, r >> 4); break;
        case 7: if ((r >> 12) % 4 == 0) replace_pair(p); else shared_unlocked(p, r >> 5); break;
        case 8: credential_churn(); break;
        case 9: bad_handles(r >> 4); break;
        }
    }
    return 0;
}

/* ---- token handles, as the system lists them ---------------------------------------- */

/* SystemHandleInformation (16): one entry per handle of the system. */
struct handle_entry {
    ULONG pid;
    BYTE type;
    BYTE flags;
    USHORT value;
    void *object;
    ULONG access;
};
struct handle_list {
    ULONG count;
    struct handle_entry h[1];
};
typedef LONG (WINAPI *fn_query_system)(ULONG, void *, ULONG, ULONG *);

static struct handle_list *system_handles(void)
{
    fn_query_system query = (fn_query_system)(void *)GetProcAddress(GetModuleHandleA("ntdll.dll"),
                                                                     "NtQuerySystemInformation");
    ULONG size = 1 << 16, need = 0;
    if (!query) return NULL;
    for (int tries = 0; tries < 8; tries++) {
        struct handle_list *list = malloc(size);
        LONG st = query(16, list, size, &need);
        if (st == 0) return list;
        free(list);
        if (st != (LONG)0xC0000004) return NULL;   /* STATUS_INFO_LENGTH_MISMATCH: grow */
        size = need > size ? need + 4096 : size * 2;
    }
    return NULL;
}

static int token_type = -1;

/* The object type of tokens: that of a token we open for the purpose. */
static void find_token_type(void)
{
    HANDLE t;
    struct handle_list *list;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &t)) return;
    if ((list = system_handles())) {
        for (ULONG i = 0; i < list->count; i++)
            if (list->h[i].pid == GetCurrentProcessId() && list->h[i].value == (USHORT)(ULONG_PTR)t)
                token_type = list->h[i].type;
        free(list);
    }
    CloseHandle(t);
}

/* Token handles this process holds, or -1 when the system cannot say. */
static LONG process_tokens(void)
{
    struct handle_list *list;
    LONG n = 0;
    if (token_type < 0 || !(list = system_handles())) return -1;
    for (ULONG i = 0; i < list->count; i++)
        if (list->h[i].pid == GetCurrentProcessId() && list->h[i].type == token_type) n++;
    free(list);
    return n;
}

/* ---- the test ---------------------------------------------------------------------------- */

/* Imported server contexts hold a token of their own: after deletion its
 * handle value must name nothing (nothing else opens handles meanwhile). */
static void test_import_tokens_closed(void)
{
    HANDLE lent[4];
    int n = 0;
    for (int i = 0; i < 4; i++) {
        struct handshake h;
        SecBuffer blob = { 0 };
        HANDLE token = NULL;
        CtxtHandle imported;
        SecPkgContext_AccessToken at = { NULL };
        if (handshake(&ccred, &scred, REQ, &h) != SEC_E_OK) break;
        DeleteSecurityContext(&h.client);
        ok(ExportSecurityContext(&h.server, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &blob, &token) == SEC_E_OK && token,
           "export with a token\n");
        ok(ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, token, &imported) == SEC_E_OK, "import\n");
        FreeContextBuffer(blob.pvBuffer);
        CloseHandle(token);
        if (QueryContextAttributesW(&imported, SECPKG_ATTR_ACCESS_TOKEN, &at) == SEC_E_OK) lent[n++] = at.AccessToken;
        DWORD flags;
        ok(at.AccessToken && GetHandleInformation(at.AccessToken, &flags), "the imported context's token is open\n");
        DeleteSecurityContext(&imported);
    }
    ok(n == 4, "%d tokens read through SECPKG_ATTR_ACCESS_TOKEN\n", n);
    int closed = 0;
    for (int i = 0; i < n; i++) {
        DWORD flags;
        HANDLE dup = NULL;
        SetLastError(0xdeadbeef);
        BOOL info = GetHandleInformation(lent[i], &flags);
        DWORD err = GetLastError();
        BOOL dupd = DuplicateHandle(GetCurrentProcess(), lent[i], GetCurrentProcess(), &dup, 0, FALSE,
                                    DUPLICATE_SAME_ACCESS);
        if (dupd) CloseHandle(dup);
        ok(!info && err == ERROR_INVALID_HANDLE && !dupd, "token %p of a deleted imported context still open\n",
           lent[i]);
        closed += !info && !dupd;
    }
    printf("stress: tokens of deleted imported contexts: %d of %d closed (GetHandleInformation and DuplicateHandle fail)\n",
           closed, n);
}

static void run_tests(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    HANDLE threads[THREADS];
    struct handshake warm;
    struct sspishim_stats before, after;
    char dir[MAX_PATH];
    LONG tokens_before, tokens_after;
    LONG total = 0;

    if (seconds <= 0 || seconds > 600) seconds = 3.0;
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    write_accounts("Domain:User:Password\n");
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);
    before = stats();

    ok(client_cred(L"User", L"Domain", L"Password", &ccred) == SEC_E_OK, "client credential\n");
    ok(server_cred(&scred) == SEC_E_OK, "server credential\n");
    /* The warm-up makes the client token the DLL keeps for good. */
    ok(handshake(&ccred, &scred, REQ, &warm) == SEC_E_OK, "warm-up handshake\n");
    DeleteSecurityContext(&warm.client);
    DeleteSecurityContext(&warm.server);
    find_token_type();
    tokens_before = process_tokens();

    for (int i = 0; i < PAIRS; i++) {
        struct handshake h;
        InitializeSRWLock(&pairs[i].use);
        InitializeSRWLock(&pairs[i].slot);
        ok(handshake(&ccred, &scred, REQ, &h) == SEC_E_OK, "shared pair %d\n", i);
        pairs[i].client = h.client;
        pairs[i].server = h.server;
    }

    /* The count sees a token handle that we hold, and its closing. */
    if (tokens_before >= 0) {
        HANDLE t = NULL;
        ok(QuerySecurityContextToken(&pairs[0].server, &t) == SEC_E_OK, "QuerySecurityContextToken\n");
        LONG held = process_tokens();
        CloseHandle(t);
        LONG closed = process_tokens();
        ok(held == tokens_before + 1 && closed == tokens_before,
           "the system's count does not follow a token: %ld, %ld holding one, %ld after closing it\n",
           (long)tokens_before, (long)held, (long)closed);
    }

    deadline = GetTickCount() + (DWORD)(seconds * 1000);
    DWORD start = GetTickCount();
    for (int i = 0; i < THREADS; i++) threads[i] = CreateThread(NULL, 0, worker, (void *)(ULONG_PTR)(i + 1), 0, NULL);
    WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
    DWORD elapsed = GetTickCount() - start;
    for (int i = 0; i < THREADS; i++) CloseHandle(threads[i]);

    /* The shared pairs still talk after all that. */
    for (int i = 0; i < PAIRS; i++) {
        ok(sealed_exchange(&pairs[i].client, &pairs[i].server, 0x51, "final seal") &&
           signed_exchange(&pairs[i].server, &pairs[i].client, 0x52, "final signature"),
           "shared pair %d out of step after the run\n", i);
        ok(DeleteSecurityContext(&pairs[i].client) == SEC_E_OK, "delete pair %d client\n", i);
        ok(DeleteSecurityContext(&pairs[i].server) == SEC_E_OK, "delete pair %d server\n", i);
    }
    test_import_tokens_closed();
    ok(FreeCredentialsHandle(&ccred) == SEC_E_OK, "free client credential\n");
    ok(FreeCredentialsHandle(&scred) == SEC_E_OK, "free server credential\n");

    printf("stress: %d threads for %lu ms:\n", THREADS, (unsigned long)elapsed);
    for (int i = 0; i < N_OPS; i++) {
        printf("stress:   %-26s %8ld\n", op_names[i], (long)counts[i]);
        total += counts[i];
    }
    printf("stress:   %-26s %8ld (%.0f a second)\n", "operations", (long)total,
           elapsed ? total * 1000.0 / elapsed : 0.0);
    printf("stress:   %-26s %8ld handed out, %ld imported\n", "client tokens", (long)tokens_handed,
           (long)tokens_imported);
    ok(unexpected == 0, "%ld unexpected statuses\n", (long)unexpected);
    ok(counts[OP_HANDSHAKE] > 0 && counts[OP_IMPORT] > 0 && counts[OP_REPLACE] > 0 && counts[OP_STALE] > 0,
       "every kind of operation ran\n");

    after = stats();
    printf("stress: live credentials %u -> %u, contexts %u -> %u, objects %u -> %u, tokens (DLL counter) %u -> %u\n",
           before.live_credentials, after.live_credentials, before.live_contexts, after.live_contexts,
           before.live_objects, after.live_objects, before.live_tokens, after.live_tokens);
    ok(after.live_credentials == before.live_credentials, "credentials left: %u\n", after.live_credentials);
    ok(after.live_contexts == before.live_contexts, "contexts left: %u\n", after.live_contexts);
    ok(after.live_objects == before.live_objects, "objects left: %u\n", after.live_objects);
    ok(after.live_tokens == before.live_tokens, "tokens left by the DLL's count: %u\n", after.live_tokens);

    tokens_after = process_tokens();
    if (tokens_before < 0 || tokens_after < 0) {
        skip("NtQuerySystemInformation(SystemHandleInformation) gives no token handles here\n");
    } else {
        printf("stress: token handles in the process (SystemHandleInformation): %ld before the threads, %ld after\n",
               (long)tokens_before, (long)tokens_after);
        ok(tokens_after == tokens_before, "token handles: %ld before, %ld after\n", (long)tokens_before,
           (long)tokens_after);
    }
    DeleteFileA(accounts);
}
