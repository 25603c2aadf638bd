/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ExportSecurityContext / ImportSecurityContextW/A through the DLL:
 *  - in one process: export, import, and the conversation goes on, both
 *    roles; every flag; tokens with and without; bad blobs and arguments;
 *  - across processes: the server hands its context and the client's token
 *    to a child (this program again, "--child"): the blob over a pipe, the
 *    token with DuplicateHandle.  The child decrypts what the client sealed
 *    after the hand-off, seals replies, impersonates and checks TokenUser;
 *  - "--handoff WORKER FLAG": the same, to a worker of the other
 *    architecture, exported with DELETE_OLD or RESET_NEW;
 *  - "--write FILE" / "--read FILE": a whole conversation state in a file,
 *    so that the runner can export in one architecture and import in the
 *    other;
 *  - "--other-key": a blob from this prefix is refused under another key;
 *  - "--blob FILE": a server context's blob alone, for the inspector. */
#define TEST_NAME "export"
#include "test.h"
#include <stdlib.h>

#include "ntlm_util.h"

#define REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT | \
             ISC_REQ_CONNECTION)

static CredHandle ccred, scred;

/* ---- messages: a sealed message is u32 length | 16-byte trailer | data ---------- */

struct wire {
    DWORD len;
    BYTE buf[512];
};

static SECURITY_STATUS seal(CtxtHandle *ctx, const char *text, struct wire *out)
{
    DWORD n = (DWORD)strlen(text);
    SecBuffer b[2] = { { 16, SECBUFFER_TOKEN, out->buf }, { n, SECBUFFER_DATA, out->buf + 16 } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    memcpy(out->buf + 16, text, n);
    out->len = 16 + n;
    return EncryptMessage(ctx, 0, &d, 0);
}

/* Opens a copy, so that the same wire message can be offered again. */
static SECURITY_STATUS unseal(CtxtHandle *ctx, const struct wire *in, char *text)
{
    BYTE tmp[512];
    memcpy(tmp, in->buf, in->len);
    SecBuffer b[2] = { { 16, SECBUFFER_TOKEN, tmp }, { in->len - 16, SECBUFFER_DATA, tmp + 16 } };
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop = 0;
    SECURITY_STATUS st = DecryptMessage(ctx, &d, 0, &qop);
    if (text) {
        memcpy(text, tmp + 16, in->len - 16);
        text[in->len - 16] = 0;
    }
    return st;
}

static DWORD wire_seq(const struct wire *w)
{
    return w->buf[12] | w->buf[13] << 8 | w->buf[14] << 16 | (DWORD)w->buf[15] << 24;
}

/* from seals, to opens, the text arrives. */
static int talk(CtxtHandle *from, CtxtHandle *to, const char *text)
{
    struct wire w;
    char got[512];
    SECURITY_STATUS st = seal(from, text, &w);
    if (!ok(st == SEC_E_OK, "EncryptMessage: %08lx\n", st)) return 0;
    st = unseal(to, &w, got);
    ok(st == SEC_E_OK, "DecryptMessage: %08lx\n", st);
    return ok(st == SEC_E_OK && !strcmp(got, text), "got \"%s\", not \"%s\"\n", got, text);
}

static int established(struct handshake *h)
{
    SECURITY_STATUS st = handshake(&ccred, &scred, REQ, h);
    return ok(st == SEC_E_OK, "handshake: %08lx\n", st);
}

static void finish(struct handshake *h)
{
    if (SecIsValidHandle(&h->client)) DeleteSecurityContext(&h->client);
    if (SecIsValidHandle(&h->server)) DeleteSecurityContext(&h->server);
}

static SECURITY_STATUS import(const WCHAR *package, SecBuffer *blob, HANDLE token, CtxtHandle *out)
{
    SecInvalidateHandle(out);
    return ImportSecurityContextW((SEC_WCHAR *)package, blob, token, out);
}

/* ---- in one process ------------------------------------------------------------ */

static void test_both_roles(void)
{
    for (int server = 0; server < 2; server++) {
        struct handshake h;
        if (!established(&h)) return;
        talk(&h.client, &h.server, "hello server");
        talk(&h.server, &h.client, "hello client");
        CtxtHandle *mine = server ? &h.server : &h.client, *peer = server ? &h.client : &h.server, copy;
        SecBuffer blob = { 0, 0, NULL };
        HANDLE token = (HANDLE)0xdead;
        SECURITY_STATUS st = ExportSecurityContext(mine, 0, &blob, &token);
        ok(st == SEC_E_OK, "export (%s): %08lx\n", server ? "server" : "client", st);
        ok(blob.BufferType == SECBUFFER_DATA && blob.cbBuffer > 50 && blob.pvBuffer, "blob %lu bytes, type %lu\n",
           blob.cbBuffer, blob.BufferType);
        ok(blob.cbBuffer < 1024, "a packed context of %lu bytes\n", blob.cbBuffer);
        if (server) {
            ok(token && token != (HANDLE)0xdead, "no token from a server context\n");
            if (token && token != (HANDLE)0xdead) CloseHandle(token);
        } else {
            ok(token == NULL, "a client context gave a token %p\n", token);
        }
        st = import(server ? L"NTLM" : L"ntlm", &blob, NULL, &copy);
        ok(st == SEC_E_OK, "import: %08lx\n", st);
        FreeContextBuffer(blob.pvBuffer);
        if (st != SEC_E_OK) { finish(&h); continue; }
        /* The exporter stays usable (no DELETE_OLD), but the copy takes over. */
        DeleteSecurityContext(mine);
        SecInvalidateHandle(mine);
        for (int i = 0; i < 3; i++) {
            talk(peer, &copy, "after the hand-off, in");
            talk(&copy, peer, "after the hand-off, out");
        }
        SecPkgContext_Sizes sizes;
        ok(QueryContextAttributesW(&copy, SECPKG_ATTR_SIZES, &sizes) == SEC_E_OK && sizes.cbSecurityTrailer == 16,
           "SIZES on the copy\n");
        SecPkgContext_NamesW names;
        if (ok(QueryContextAttributesW(&copy, SECPKG_ATTR_NAMES, &names) == SEC_E_OK, "NAMES on the copy\n")) {
            ok(!lstrcmpiW(names.sUserName, L"Domain\\User"), "the copy names %ls\n", names.sUserName);
            FreeContextBuffer(names.sUserName);
        }
        SecPkgContext_PackageInfoW pi;
        if (ok(QueryContextAttributesW(&copy, SECPKG_ATTR_PACKAGE_INFO, &pi) == SEC_E_OK, "PACKAGE_INFO\n")) {
            ok(!lstrcmpW(pi.PackageInfo->Name, L"NTLM"), "package %ls\n", pi.PackageInfo->Name);
            FreeContextBuffer(pi.PackageInfo);
        }
        ok(DeleteSecurityContext(&copy) == SEC_E_OK, "delete the copy\n");
        finish(&h);
    }
}

/* RESET_NEW: the copy starts its message state as right after the
 * handshake, which only a context that has passed no message may ask: once
 * one has passed, the copy would reuse its keystream and sequence numbers,
 * so the export is refused and the context goes on unchanged. */
static void test_reset_new(void)
{
    struct handshake h;
    struct wire w;
    SECURITY_STATUS st;
    if (!established(&h)) return;
    SecBuffer bs = { 0, 0, NULL }, bc = { 0, 0, NULL };
    CtxtHandle s2, c2;
    ok(ExportSecurityContext(&h.server, SECPKG_CONTEXT_EXPORT_RESET_NEW, &bs, NULL) == SEC_E_OK, "export server\n");
    ok(ExportSecurityContext(&h.client, SECPKG_CONTEXT_EXPORT_RESET_NEW, &bc, NULL) == SEC_E_OK, "export client\n");
    ok(import(L"NTLM", &bs, NULL, &s2) == SEC_E_OK, "import server\n");
    ok(import(L"NTLM", &bc, NULL, &c2) == SEC_E_OK, "import client\n");
    FreeContextBuffer(bs.pvBuffer);
    FreeContextBuffer(bc.pvBuffer);
    char got[64];
    ok(seal(&c2, "fresh", &w) == SEC_E_OK && wire_seq(&w) == 0, "reset client at %lu\n", wire_seq(&w));
    ok(unseal(&s2, &w, got) == SEC_E_OK && !strcmp(got, "fresh"), "reset pair: %s\n", got);
    talk(&s2, &c2, "and back");
    DeleteSecurityContext(&s2);
    DeleteSecurityContext(&c2);

    /* the exporters go on; once they have talked, RESET_NEW is refused */
    for (int i = 0; i < 3; i++) talk(&h.client, &h.server, "before");
    static const ULONG flags[] = { SECPKG_CONTEXT_EXPORT_RESET_NEW,
                                   SECPKG_CONTEXT_EXPORT_RESET_NEW | SECPKG_CONTEXT_EXPORT_DELETE_OLD };
    for (int i = 0; i < 2; i++) {
        bs.pvBuffer = (void *)0xdeadbeef;
        bs.cbBuffer = 0xdeadbeef;
        HANDLE token = (HANDLE)0xdeadbeef;
        st = ExportSecurityContext(&h.server, flags[i], &bs, &token);
        ok(st == SEC_E_INVALID_PARAMETER, "server, %#lx after messages: %08lx\n", flags[i], st);
        ok(!token || token == (HANDLE)0xdeadbeef, "a refused export handed out a token\n");
        st = ExportSecurityContext(&h.client, flags[i], &bc, NULL);
        ok(st == SEC_E_INVALID_PARAMETER, "client, %#lx after messages: %08lx\n", flags[i], st);
    }
    /* still alive, and still in step: a snapshot export works */
    talk(&h.client, &h.server, "after the refusals");
    talk(&h.server, &h.client, "and back");
    ok(ExportSecurityContext(&h.server, 0, &bs, NULL) == SEC_E_OK, "a snapshot after the refusals\n");
    FreeContextBuffer(bs.pvBuffer);
    finish(&h);
}

static void check_dead(CtxtHandle *old, const char *what)
{
    SecPkgContext_Sizes sizes;
    SecBuffer blob = { 0, 0, NULL };
    struct wire w;
    SECURITY_STATUS st;
    st = QueryContextAttributesW(old, SECPKG_ATTR_SIZES, &sizes);
    ok(st == SEC_E_INVALID_HANDLE, "%s: QueryContextAttributesW on the old handle: %08lx\n", what, st);
    st = seal(old, "x", &w);
    ok(st == SEC_E_INVALID_HANDLE, "%s: EncryptMessage on the old handle: %08lx\n", what, st);
    st = ExportSecurityContext(old, 0, &blob, NULL);
    ok(st == SEC_E_INVALID_HANDLE, "%s: export of the old handle: %08lx\n", what, st);
    st = ImpersonateSecurityContext(old);
    ok(st == SEC_E_INVALID_HANDLE, "%s: impersonate the old handle: %08lx\n", what, st);
    st = DeleteSecurityContext(old);
    ok(st == SEC_E_INVALID_HANDLE, "%s: delete the old handle: %08lx\n", what, st);
}

static void test_delete_old(void)
{
    static const ULONG flags[] = { SECPKG_CONTEXT_EXPORT_DELETE_OLD,
                                   SECPKG_CONTEXT_EXPORT_DELETE_OLD | SECPKG_CONTEXT_EXPORT_RESET_NEW };
    for (int i = 0; i < 2; i++) {
        struct handshake h;
        struct sspishim_stats before = stats();
        if (!established(&h)) return;
        if (i == 0) talk(&h.client, &h.server, "before");    /* RESET_NEW only before any message */
        SecBuffer blob = { 0, 0, NULL };
        HANDLE token = NULL;
        CtxtHandle old = h.server, copy;
        SECURITY_STATUS st = ExportSecurityContext(&h.server, flags[i], &blob, &token);
        ok(st == SEC_E_OK, "export %#lx: %08lx\n", flags[i], st);
        ok(token != NULL, "no token\n");
        check_dead(&old, i ? "DELETE_OLD|RESET_NEW" : "DELETE_OLD");
        ok(import(L"NTLM", &blob, token, &copy) == SEC_E_OK, "import\n");
        FreeContextBuffer(blob.pvBuffer);
        CloseHandle(token);
        if (i == 0) {
            talk(&h.client, &copy, "after");
            talk(&copy, &h.client, "reply");
        } else {
            struct wire w;
            ok(seal(&copy, "restarted", &w) == SEC_E_OK && wire_seq(&w) == 0, "the copy restarts at %lu\n",
               wire_seq(&w));
        }
        ok(ImpersonateSecurityContext(&copy) == SEC_E_OK, "impersonate the copy\n");
        ok(RevertSecurityContext(&copy) == SEC_E_OK, "revert\n");
        DeleteSecurityContext(&copy);
        DeleteSecurityContext(&h.client);
        struct sspishim_stats after = stats();
        ok(after.live_contexts == before.live_contexts && after.live_tokens == before.live_tokens,
           "%#lx left %u contexts and %u tokens (before %u, %u)\n", flags[i], after.live_contexts,
           after.live_tokens, before.live_contexts, before.live_tokens);
    }
}

static void test_flags_refused(void)
{
    struct handshake h;
    if (!established(&h)) return;
    static const struct { ULONG flags; SECURITY_STATUS want; } cases[] = {
        { SECPKG_CONTEXT_EXPORT_TO_KERNEL, SEC_E_NOT_SUPPORTED },
        { SECPKG_CONTEXT_EXPORT_TO_KERNEL | SECPKG_CONTEXT_EXPORT_DELETE_OLD, SEC_E_NOT_SUPPORTED },
        { 0x8, SEC_E_INVALID_PARAMETER },
        { 0x100 | SECPKG_CONTEXT_EXPORT_DELETE_OLD, SEC_E_INVALID_PARAMETER },
        { 0x80000000, SEC_E_INVALID_PARAMETER },
    };
    for (size_t i = 0; i < ARRAYSIZE(cases); i++) {
        SecBuffer blob = { 0, 0, NULL };
        HANDLE token = (HANDLE)0xdead;
        SECURITY_STATUS st = ExportSecurityContext(&h.server, cases[i].flags, &blob, &token);
        ok(st == cases[i].want, "flags %#lx: %08lx, want %08lx\n", cases[i].flags, st, cases[i].want);
        ok(blob.pvBuffer == NULL, "flags %#lx: a blob\n", cases[i].flags);
    }
    /* A refused DELETE_OLD leaves the context alive. */
    talk(&h.client, &h.server, "still here");
    finish(&h);
}

static void test_bad_arguments(void)
{
    struct handshake h;
    SecBuffer blob = { 0, 0, NULL };
    CtxtHandle copy, bogus;
    SECURITY_STATUS st;
    if (!established(&h)) return;

    st = ExportSecurityContext(NULL, 0, &blob, NULL);
    ok(st == SEC_E_INVALID_HANDLE, "export of NULL: %08lx\n", st);
    for (size_t i = 0; i < N_BOGUS; i++) {
        bogus = bogus_handles[i];
        st = ExportSecurityContext(&bogus, 0, &blob, NULL);
        ok(st == SEC_E_INVALID_HANDLE, "export of {%Ix,%Ix}: %08lx\n", bogus.dwLower, bogus.dwUpper, st);
    }
    st = ExportSecurityContext((CtxtHandle *)&scred, 0, &blob, NULL);
    ok(st == SEC_E_INVALID_HANDLE, "export of a credential handle: %08lx\n", st);
    st = ExportSecurityContext(&h.server, 0, NULL, NULL);
    ok(st == SEC_E_INVALID_PARAMETER, "export into NULL: %08lx\n", st);

    /* A context still in its handshake has nothing to carry on with. */
    CtxtHandle half;
    BYTE tok[4096];
    SecBuffer ob = { sizeof(tok), SECBUFFER_TOKEN, tok };
    SecBufferDesc od = { SECBUFFER_VERSION, 1, &ob };
    ULONG attrs;
    TimeStamp ts;
    st = InitializeSecurityContextW(&ccred, NULL, (SEC_WCHAR *)L"localhost", REQ, 0, SECURITY_NATIVE_DREP, NULL, 0,
                                    &half, &od, &attrs, &ts);
    ok(st == SEC_I_CONTINUE_NEEDED, "first leg: %08lx\n", st);
    st = ExportSecurityContext(&half, 0, &blob, NULL);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "export of an unfinished context: %08lx\n", st);
    st = ExportSecurityContext(&half, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &blob, NULL);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "a failed DELETE_OLD export: %08lx\n", st);
    ok(DeleteSecurityContext(&half) == SEC_E_OK, "a failed DELETE_OLD export deleted the context\n");

    ok(ExportSecurityContext(&h.server, 0, &blob, NULL) == SEC_E_OK, "export\n");
    st = ImportSecurityContextW(NULL, &blob, NULL, &copy);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "import, no package: %08lx\n", st);
    st = import(L"NoSuchPackage", &blob, NULL, &copy);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "import, unknown package: %08lx\n", st);
    ok(!SecIsValidHandle(&copy), "a handle came back from a failed import\n");
    st = import(L"NTLM", NULL, NULL, &copy);
    ok(st == SEC_E_INVALID_PARAMETER, "import of NULL: %08lx\n", st);
    st = ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, NULL, NULL);
    ok(st == SEC_E_INVALID_PARAMETER, "import into NULL: %08lx\n", st);
    st = import(L"NTLM", &blob, (HANDLE)0x1234, &copy);
    ok(st == SEC_E_INVALID_HANDLE, "import with a made-up token: %08lx\n", st);
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    st = import(L"NTLM", &blob, event, &copy);
    ok(st == SEC_E_INVALID_HANDLE, "import with an event as the token: %08lx\n", st);
    CloseHandle(event);
    /* Packages this DLL delegates cannot import: a clean error. */
    PSecPkgInfoW info;
    if (QuerySecurityPackageInfoW((SEC_WCHAR *)L"Schannel", &info) == SEC_E_OK) {
        FreeContextBuffer(info);
        st = import(L"Schannel", &blob, NULL, &copy);
        ok(st == SEC_E_UNSUPPORTED_FUNCTION, "import as Schannel: %08lx\n", st);
    } else {
        skip("no Schannel package to import into\n");
    }
    /* A and W: the A form converts and calls W. */
    st = ImportSecurityContextA((SEC_CHAR *)"ntlm", &blob, NULL, &copy);
    ok(st == SEC_E_OK, "ImportSecurityContextA: %08lx\n", st);
    if (st == SEC_E_OK) {
        talk(&h.client, &copy, "through A");
        DeleteSecurityContext(&copy);
    }
    st = ImportSecurityContextA(NULL, &blob, NULL, &copy);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "ImportSecurityContextA, no package: %08lx\n", st);
    st = ImportSecurityContextA((SEC_CHAR *)"Bogus", &blob, NULL, &copy);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "ImportSecurityContextA, unknown package: %08lx\n", st);
    FreeContextBuffer(blob.pvBuffer);
    finish(&h);
}

static SECURITY_STATUS import_bytes(const void *p, DWORD n)
{
    SecBuffer b = { n, SECBUFFER_DATA, (void *)p };
    CtxtHandle c;
    SECURITY_STATUS st = import(L"NTLM", &b, NULL, &c);
    if (st == SEC_E_OK) DeleteSecurityContext(&c);
    return st;
}

static void test_bad_blobs(void)
{
    struct handshake h;
    SecBuffer blob = { 0, 0, NULL };
    SECURITY_STATUS st;
    if (!established(&h)) return;
    struct sspishim_stats before = stats();
    ok(ExportSecurityContext(&h.server, 0, &blob, NULL) == SEC_E_OK, "export\n");
    BYTE *p = blob.pvBuffer, *big = malloc(blob.cbBuffer + 16);
    DWORD n = blob.cbBuffer;
    int bad = 0;

    for (DWORD len = 0; len < n; len++)
        if (import_bytes(p, len) != SEC_E_INVALID_TOKEN) bad++;
    ok(!bad, "%d truncated blobs not refused with SEC_E_INVALID_TOKEN\n", bad);
    memcpy(big, p, n);
    memset(big + n, 0, 16);
    st = import_bytes(big, n + 1);
    ok(st == SEC_E_INVALID_TOKEN, "padded by one byte: %08lx\n", st);
    st = import_bytes(big, n + 16);
    ok(st == SEC_E_INVALID_TOKEN, "padded by 16 bytes: %08lx\n", st);
    bad = 0;
    for (DWORD i = 0; i < n; i++) {
        big[i] ^= 0x01;
        if (import_bytes(big, n) >= 0) bad++;
        big[i] ^= 0x01;
    }
    ok(!bad, "%d bit flips accepted\n", bad);
    big[4] = 2;
    st = import_bytes(big, n);
    ok(st == SEC_E_UNSUPPORTED_FUNCTION, "version 2: %08lx\n", st);
    big[4] = 1;
    big[n - 1] ^= 0x40;
    st = import_bytes(big, n);
    ok(st == SEC_E_MESSAGE_ALTERED, "altered tag: %08lx\n", st);
    big[n - 1] ^= 0x40;
    big[n / 2] ^= 0x40;
    st = import_bytes(big, n);
    ok(st == SEC_E_MESSAGE_ALTERED, "altered body: %08lx\n", st);
    big[n / 2] ^= 0x40;
    st = import_bytes("not a packed context", 20);
    ok(st == SEC_E_INVALID_TOKEN, "garbage: %08lx\n", st);
    st = import_bytes(p, 0);
    ok(st == SEC_E_INVALID_TOKEN, "empty: %08lx\n", st);
    /* And after all that, the blob is still good. */
    st = import_bytes(p, n);
    ok(st == SEC_E_OK, "the blob itself: %08lx\n", st);
    free(big);
    FreeContextBuffer(blob.pvBuffer);
    struct sspishim_stats after = stats();
    ok(after.live_objects == before.live_objects && after.live_tokens == before.live_tokens,
       "bad blobs left %u objects, %u tokens (before %u, %u)\n", after.live_objects, after.live_tokens,
       before.live_objects, before.live_tokens);
    finish(&h);
}

static BOOL token_user(HANDLE token, BYTE *sid, DWORD *sid_len)
{
    BYTE buf[256];
    DWORD len;
    if (!GetTokenInformation(token, TokenUser, buf, sizeof(buf), &len)) return FALSE;
    PSID s = ((TOKEN_USER *)buf)->User.Sid;
    *sid_len = GetLengthSid(s);
    return CopySid(*sid_len, sid, s);
}

static void test_tokens(void)
{
    struct handshake h;
    SecBuffer blob = { 0, 0, NULL };
    HANDLE token = NULL, got = NULL;
    CtxtHandle copy;
    SECURITY_STATUS st;
    BYTE sid[128], sid2[128];
    DWORD sid_len = 0, sid2_len = 0;
    if (!established(&h)) return;
    struct sspishim_stats before = stats();

    ok(ExportSecurityContext(&h.server, 0, &blob, &token) == SEC_E_OK && token, "export with a token\n");
    ok(token_user(token, sid, &sid_len), "TokenUser of the exported token: %lu\n", GetLastError());
    /* Import with the token: the context uses it; the caller keeps its own. */
    ok(import(L"NTLM", &blob, token, &copy) == SEC_E_OK, "import with the token\n");
    st = QuerySecurityContextToken(&copy, &got);
    ok(st == SEC_E_OK && got, "QuerySecurityContextToken: %08lx\n", st);
    ok(got != token, "the context holds the caller's own handle\n");
    ok(token_user(got, sid2, &sid2_len) && EqualSid(sid, sid2), "the context's token is another user\n");
    CloseHandle(got);
    ok(ImpersonateSecurityContext(&copy) == SEC_E_OK, "impersonate\n");
    HANDLE thread_token;
    ok(OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &thread_token), "not impersonating\n");
    if (thread_token) {
        ok(token_user(thread_token, sid2, &sid2_len) && EqualSid(sid, sid2), "impersonating another user\n");
        CloseHandle(thread_token);
    }
    ok(RevertSecurityContext(&copy) == SEC_E_OK, "revert\n");
    DeleteSecurityContext(&copy);
    ok(token_user(token, sid2, &sid2_len), "the caller's token died with the context\n");
    ok(CloseHandle(token), "the caller's token is not its own to close\n");

    /* Without a token: impersonation fails the Windows way. */
    ok(import(L"NTLM", &blob, NULL, &copy) == SEC_E_OK, "import without a token\n");
    st = ImpersonateSecurityContext(&copy);
    ok(st == SEC_E_NO_IMPERSONATION, "impersonate without a token: %08lx\n", st);
    got = NULL;
    st = QuerySecurityContextToken(&copy, &got);
    ok(st == SEC_E_NO_IMPERSONATION && !got, "QuerySecurityContextToken without a token: %08lx\n", st);
    talk(&h.client, &copy, "messages need no token");
    DeleteSecurityContext(&copy);
    FreeContextBuffer(blob.pvBuffer);

    /* A client context has no token to give. */
    token = (HANDLE)0xdead;
    ok(ExportSecurityContext(&h.client, 0, &blob, &token) == SEC_E_OK, "export client\n");
    ok(token == NULL, "client token %p\n", token);
    FreeContextBuffer(blob.pvBuffer);
    struct sspishim_stats after = stats();
    ok(after.live_tokens == before.live_tokens && after.live_contexts == before.live_contexts,
       "tokens %u -> %u, contexts %u -> %u\n", before.live_tokens, after.live_tokens, before.live_contexts,
       after.live_contexts);
    finish(&h);
}

/* ---- across processes ---------------------------------------------------------- */

static BOOL put(HANDLE pipe, const void *p, DWORD n)
{
    DWORD done;
    return WriteFile(pipe, &n, 4, &done, NULL) && (!n || WriteFile(pipe, p, n, &done, NULL));
}

/* Reads one framed item into buf (at most max bytes); returns its length or -1. */
static int get(HANDLE pipe, void *buf, DWORD max)
{
    DWORD n, done, got = 0;
    if (!ReadFile(pipe, &n, 4, &done, NULL) || done != 4 || n > max) return -1;
    while (got < n) {
        if (!ReadFile(pipe, (BYTE *)buf + got, n - got, &done, NULL) || !done) return -1;
        got += done;
    }
    return (int)n;
}

/* The worker: stdin carries the blob, the token's value in this process,
 * the expected TokenUser SID and three sealed messages; stdout carries three
 * sealed replies.  Its exit code is its failure count. */
static void child(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), out = GetStdHandle(STD_OUTPUT_HANDLE);
    static BYTE blob[8192];
    BYTE sid[128], sid2[128];
    ULONGLONG token_value = 0;
    DWORD sid2_len;
    int n = get(in, blob, sizeof(blob));
    int t = get(in, &token_value, sizeof(token_value));
    int s = get(in, sid, sizeof(sid));
    HANDLE token = (HANDLE)(ULONG_PTR)token_value;
    CtxtHandle ctx;
    /* the child's stdout is the data pipe: its messages go to stderr */
    if (!(n > 0 && t == 8 && s > 0)) ExitProcess(100);
    SecBuffer b = { (DWORD)n, SECBUFFER_DATA, blob };
    SECURITY_STATUS st = import(L"NTLM", &b, token, &ctx);
    if (st != SEC_E_OK) {
        fprintf(stderr, "child: import: %08lx\n", st);
        ExitProcess(101);
    }
    CloseHandle(token);    /* ours; the context holds its own */
    int failures = 0;
    for (int i = 0; i < 3; i++) {
        struct wire w;
        char text[512];
        w.len = (DWORD)get(in, w.buf, sizeof(w.buf));
        st = unseal(&ctx, &w, text);
        if (st != SEC_E_OK || strncmp(text, "after the hand-off", 18)) {
            fprintf(stderr, "child: message %d: %08lx \"%s\"\n", i, st, st == SEC_E_OK ? text : "");
            failures++;
        }
        char reply[64];
        snprintf(reply, sizeof(reply), "worker reply %d", i);
        if (seal(&ctx, reply, &w) != SEC_E_OK) failures++;
        put(out, w.buf, w.len);
    }
    st = ImpersonateSecurityContext(&ctx);
    HANDLE thread_token = NULL;
    if (st != SEC_E_OK || !OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &thread_token)
        || !token_user(thread_token, sid2, &sid2_len) || !EqualSid(sid, sid2)) {
        fprintf(stderr, "child: impersonation: %08lx\n", st);
        failures++;
    }
    if (thread_token) CloseHandle(thread_token);
    RevertSecurityContext(&ctx);
    DeleteSecurityContext(&ctx);
    struct sspishim_stats left = stats();
    if (left.live_objects || left.live_tokens) {
        fprintf(stderr, "child: left %u objects, %u tokens\n", left.live_objects, left.live_tokens);
        failures++;
    }
    ExitProcess(failures);
}

/* The server hands its context to WORKER (this program, or its twin built
 * for the other architecture), exported with FLAGS.  A RESET_NEW export is
 * made before any message has passed: only a fresh context may restart its
 * message state without reusing keystream. */
static void handoff(const char *worker, ULONG flags)
{
    struct handshake h;
    const char *how = flags & SECPKG_CONTEXT_EXPORT_RESET_NEW ? "RESET_NEW" : "DELETE_OLD";
    if (!established(&h)) return;
    if (!(flags & SECPKG_CONTEXT_EXPORT_RESET_NEW)) {
        talk(&h.client, &h.server, "before the hand-off");
        talk(&h.server, &h.client, "before the hand-off, back");
    }

    SecBuffer blob = { 0, 0, NULL };
    HANDLE token = NULL;
    SECURITY_STATUS st = ExportSecurityContext(&h.server, flags, &blob, &token);
    if (!ok(st == SEC_E_OK && token, "%s export for the worker: %08lx\n", how, st)) { finish(&h); return; }
    if (flags & SECPKG_CONTEXT_EXPORT_DELETE_OLD) {
        SecInvalidateHandle(&h.server);    /* mingw's macro is two statements */
    }
    BYTE sid[128];
    DWORD sid_len = 0;
    ok(token_user(token, sid, &sid_len), "TokenUser\n");

    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE to_child_r, to_child_w, from_child_r, from_child_w;
    CreatePipe(&to_child_r, &to_child_w, &sa, 0);
    CreatePipe(&from_child_r, &from_child_w, &sa, 0);
    SetHandleInformation(to_child_w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(from_child_r, HANDLE_FLAG_INHERIT, 0);
    char cmd[MAX_PATH + 16];
    snprintf(cmd, sizeof(cmd), "\"%s\" --child", worker);
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = to_child_r;
    si.hStdOutput = from_child_w;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    if (!ok(CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi), "CreateProcess %s: %lu\n",
            worker, GetLastError())) {
        FreeContextBuffer(blob.pvBuffer);
        CloseHandle(token);
        finish(&h);
        return;
    }
    CloseHandle(to_child_r);
    CloseHandle(from_child_w);
    HANDLE remote = NULL;
    ok(DuplicateHandle(GetCurrentProcess(), token, pi.hProcess, &remote, 0, FALSE, DUPLICATE_SAME_ACCESS),
       "DuplicateHandle into the worker: %lu\n", GetLastError());
    CloseHandle(token);    /* the export's handle is ours to close */
    ULONGLONG value = (ULONG_PTR)remote;
    put(to_child_w, blob.pvBuffer, blob.cbBuffer);
    put(to_child_w, &value, sizeof(value));
    put(to_child_w, sid, sid_len);
    FreeContextBuffer(blob.pvBuffer);
    /* The client goes on talking; the worker answers. */
    for (int i = 0; i < 3; i++) {
        struct wire w;
        char text[64], want[64];
        snprintf(text, sizeof(text), "after the hand-off %d", i);
        ok(seal(&h.client, text, &w) == SEC_E_OK, "client seals\n");
        put(to_child_w, w.buf, w.len);
        int n = get(from_child_r, w.buf, sizeof(w.buf));
        if (!ok(n > 16, "no reply %d from the worker\n", i)) break;
        w.len = (DWORD)n;
        snprintf(want, sizeof(want), "worker reply %d", i);
        st = unseal(&h.client, &w, text);
        ok(st == SEC_E_OK && !strcmp(text, want), "reply %d: %08lx \"%s\"\n", i, st, st == SEC_E_OK ? text : "");
    }
    CloseHandle(to_child_w);
    DWORD code = 1;
    ok(WaitForSingleObject(pi.hProcess, 60000) == WAIT_OBJECT_0, "the worker did not finish\n");
    GetExitCodeProcess(pi.hProcess, &code);
    ok(code == 0, "%s: the worker %s reported %lu failures\n", how, worker, code);
    CloseHandle(from_child_r);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    finish(&h);
}

static void test_cross_process(void)
{
    char self[MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof(self));
    handoff(self, SECPKG_CONTEXT_EXPORT_DELETE_OLD);
    handoff(self, SECPKG_CONTEXT_EXPORT_RESET_NEW);
}

/* Another prefix, another machine key: the blob is refused, recognisably. */
static void test_other_key(void)
{
    struct handshake h;
    SecBuffer blob = { 0, 0, NULL };
    if (!established(&h)) return;
    ok(ExportSecurityContext(&h.server, 0, &blob, NULL) == SEC_E_OK, "export\n");
    char self[MAX_PATH], cmd[MAX_PATH + 64], dir[MAX_PATH], keyfile[MAX_PATH], blobfile[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "key", 0, keyfile);
    DeleteFileA(keyfile);
    GetTempFileNameA(dir, "blb", 0, blobfile);
    HANDLE f = CreateFileA(blobfile, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD done;
    WriteFile(f, blob.pvBuffer, blob.cbBuffer, &done, NULL);
    CloseHandle(f);
    FreeContextBuffer(blob.pvBuffer);
    GetModuleFileNameA(NULL, self, sizeof(self));
    snprintf(cmd, sizeof(cmd), "\"%s\" --other-key \"%s\"", self, blobfile);
    SetEnvironmentVariableA("SSPISHIM_MACHINE_KEY", keyfile);
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    PROCESS_INFORMATION pi;
    BOOL started = CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    SetEnvironmentVariableA("SSPISHIM_MACHINE_KEY", NULL);
    if (ok(started, "CreateProcess: %lu\n", GetLastError())) {
        DWORD code = 0;
        WaitForSingleObject(pi.hProcess, 60000);
        GetExitCodeProcess(pi.hProcess, &code);
        ok(code == (DWORD)SEC_E_DECRYPT_FAILURE, "under another key the import gave %08lx\n", code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    DeleteFileA(keyfile);
    DeleteFileA(blobfile);
    finish(&h);
}

static DWORD read_all(const char *path, BYTE *buf, DWORD max)
{
    HANDLE f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD n = 0;
    if (f == INVALID_HANDLE_VALUE) return 0;
    if (!ReadFile(f, buf, max, &n, NULL)) n = 0;
    CloseHandle(f);
    return n;
}

static void other_key(const char *path)
{
    static BYTE blob[8192];
    DWORD n = read_all(path, blob, sizeof(blob));
    ExitProcess(n ? (UINT)import_bytes(blob, n) : 1);
}

/* ---- across architectures: a conversation's state in a file ---------------------- */

/* FILE holds: server blob, client blob, and a message the client sealed
 * after the export. */
static void write_state(const char *path)
{
    struct handshake h;
    if (!established(&h)) return;
    talk(&h.client, &h.server, "before");
    SecBuffer bs = { 0, 0, NULL }, bc = { 0, 0, NULL };
    struct wire w;
    ok(ExportSecurityContext(&h.server, 0, &bs, NULL) == SEC_E_OK, "export server\n");
    ok(seal(&h.client, "sealed in one architecture", &w) == SEC_E_OK, "seal\n");
    ok(ExportSecurityContext(&h.client, 0, &bc, NULL) == SEC_E_OK, "export client\n");
    HANDLE f = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    ok(f != INVALID_HANDLE_VALUE, "create %s\n", path);
    ok(put(f, bs.pvBuffer, bs.cbBuffer) && put(f, bc.pvBuffer, bc.cbBuffer) && put(f, w.buf, w.len), "write\n");
    CloseHandle(f);
    trace("wrote %s (%d-bit): server %lu bytes, client %lu bytes\n", path, (int)sizeof(void *) * 8, bs.cbBuffer,
          bc.cbBuffer);
    FreeContextBuffer(bs.pvBuffer);
    FreeContextBuffer(bc.pvBuffer);
    finish(&h);
}

static void write_blob(const char *path)
{
    struct handshake h;
    SecBuffer b = { 0, 0, NULL };
    if (!established(&h)) return;
    ok(ExportSecurityContext(&h.server, 0, &b, NULL) == SEC_E_OK, "export\n");
    HANDLE f = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD done = 0;
    ok(f != INVALID_HANDLE_VALUE && WriteFile(f, b.pvBuffer, b.cbBuffer, &done, NULL) && done == b.cbBuffer,
       "write %s\n", path);
    CloseHandle(f);
    FreeContextBuffer(b.pvBuffer);
    finish(&h);
}

static void read_state(const char *path)
{
    HANDLE f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    static BYTE sb[8192], cb[8192];
    struct wire w;
    char text[512];
    if (!ok(f != INVALID_HANDLE_VALUE, "open %s\n", path)) return;
    int ns = get(f, sb, sizeof(sb)), nc = get(f, cb, sizeof(cb)), nw = get(f, w.buf, sizeof(w.buf));
    CloseHandle(f);
    if (!ok(ns > 0 && nc > 0 && nw > 16, "read %d %d %d\n", ns, nc, nw)) return;
    w.len = (DWORD)nw;
    SecBuffer bs = { (DWORD)ns, SECBUFFER_DATA, sb }, bc = { (DWORD)nc, SECBUFFER_DATA, cb };
    CtxtHandle s, c;
    ok(import(L"NTLM", &bs, NULL, &s) == SEC_E_OK, "import the server (%d-bit)\n", (int)sizeof(void *) * 8);
    ok(import(L"NTLM", &bc, NULL, &c) == SEC_E_OK, "import the client\n");
    SECURITY_STATUS st = unseal(&s, &w, text);
    ok(st == SEC_E_OK && !strcmp(text, "sealed in one architecture"), "the message: %08lx\n", st);
    talk(&s, &c, "and on, in another");
    talk(&c, &s, "and back");
    DeleteSecurityContext(&s);
    DeleteSecurityContext(&c);
}

static void run_tests(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--child")) child();
    if (argc > 2 && !strcmp(argv[1], "--other-key")) other_key(argv[2]);

    char dir[MAX_PATH];
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, accounts);
    write_accounts("Domain:User:Password\n");
    SetEnvironmentVariableA("NTLM_USER_FILE", accounts);
    ok(client_cred(L"User", L"Domain", L"Password", &ccred) == SEC_E_OK, "client credential\n");
    ok(server_cred(&scred) == SEC_E_OK, "server credential\n");

    if (argc > 2 && !strcmp(argv[1], "--write")) {
        write_state(argv[2]);
    } else if (argc > 2 && !strcmp(argv[1], "--blob")) {
        write_blob(argv[2]);
    } else if (argc > 2 && !strcmp(argv[1], "--read")) {
        read_state(argv[2]);
    } else if (argc > 3 && !strcmp(argv[1], "--handoff")) {
        /* --handoff WORKER delete_old|reset_new: the runner names the other
         * architecture's program, so the context crosses 32/64 bits. */
        trace("a %d-bit server hands off to %s\n", (int)sizeof(void *) * 8, argv[2]);
        handoff(argv[2], !strcmp(argv[3], "reset_new") ? SECPKG_CONTEXT_EXPORT_RESET_NEW
                                                       : SECPKG_CONTEXT_EXPORT_DELETE_OLD);
    } else {
        test_both_roles();
        test_reset_new();
        test_delete_old();
        test_flags_refused();
        test_bad_arguments();
        test_bad_blobs();
        test_tokens();
        test_cross_process();
        test_other_key();
    }
    FreeCredentialsHandle(&ccred);
    FreeCredentialsHandle(&scred);
    struct sspishim_stats s = stats();
    ok(s.live_objects == 0 && s.live_tokens == 0, "left behind: %u objects, %u tokens\n", s.live_objects,
       s.live_tokens);
    DeleteFileA(accounts);
}
