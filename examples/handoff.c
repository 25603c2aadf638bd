/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* handoff: a server that authenticates a connection, then hands it to a
 * worker process, which carries on with it.  This is what
 * ExportSecurityContext / ImportSecurityContext are for, and what sspishim
 * makes work under Wine.
 *
 *   server: the client and the server authenticate over NTLM (both ends in
 *           this process, as if a socket joined them); the client seals a
 *           request; the server exports its context (and the client's token)
 *           and starts a worker;
 *   pipe:   the packed context and the sealed request go down the worker's
 *           standard input; the token is copied into the worker with
 *           DuplicateHandle and its handle value sent along;
 *   worker: imports the context, unseals the request, says who sent it,
 *           and seals a reply, which comes back up its standard output;
 *   client: unseals the reply.
 *
 * Build it against an installed sspishim (make install-dev PREFIX=...):
 *   export PKG_CONFIG_PATH=PREFIX/x86_64-w64-mingw32/lib/pkgconfig
 *   x86_64-w64-mingw32-gcc handoff.c $(pkg-config --cflags --libs sspishim) -o handoff.exe
 * and run it with sspishim: sspishim-run handoff.exe, or in a prefix where
 * sspishim-setup installed it.  The accounts file (NTLM_USER_FILE) is made
 * up for the run unless one is set. */
#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sspishim/sspishim.h>

#define PACKAGE "NTLM"

static int fail(const char *who, const char *what, SECURITY_STATUS st)
{
    fprintf(stderr, "%s: %s failed: 0x%08lx\n", who, what, (unsigned long)st);
    return 1;
}

/* ---- the pipe: length-prefixed blocks --------------------------------- */

static BOOL put(HANDLE h, const void *p, DWORD n)
{
    DWORD done;
    return WriteFile(h, &n, sizeof(n), &done, NULL) && (!n || WriteFile(h, p, n, &done, NULL));
}

static BOOL get_exact(HANDLE h, void *p, DWORD n)
{
    for (DWORD got; n; n -= got, p = (char *)p + got)
        if (!ReadFile(h, p, n, &got, NULL) || !got) return FALSE;
    return TRUE;
}

/* A block from the pipe, malloc'd; *n receives its size. */
static void *get(HANDLE h, DWORD *n)
{
    void *p;
    if (!get_exact(h, n, sizeof(*n)) || *n > (1u << 20) || !(p = malloc(*n ? *n : 1))) return NULL;
    if (get_exact(h, p, *n)) return p;
    free(p);
    return NULL;
}

/* A sealed message travels as its security trailer, then its data. */
static BOOL put_sealed(HANDLE h, const SecBuffer *b)
{
    return put(h, b[0].pvBuffer, b[0].cbBuffer) && put(h, b[1].pvBuffer, b[1].cbBuffer);
}

static BOOL get_sealed(HANDLE h, SecBuffer *b)
{
    b[0].BufferType = SECBUFFER_TOKEN;
    b[1].BufferType = SECBUFFER_DATA;
    b[0].pvBuffer = get(h, &b[0].cbBuffer);
    b[1].pvBuffer = b[0].pvBuffer ? get(h, &b[1].cbBuffer) : NULL;
    return b[1].pvBuffer != NULL;
}

/* Seals text into b (trailer and data, malloc'd). */
static SECURITY_STATUS seal(CtxtHandle *ctx, const char *text, SecBuffer *b)
{
    SecPkgContext_Sizes sizes;
    SECURITY_STATUS st = QueryContextAttributesA(ctx, SECPKG_ATTR_SIZES, &sizes);
    if (st != SEC_E_OK) return st;
    b[0].BufferType = SECBUFFER_TOKEN;
    b[0].cbBuffer = sizes.cbSecurityTrailer;
    b[0].pvBuffer = malloc(sizes.cbSecurityTrailer);
    b[1].BufferType = SECBUFFER_DATA;
    b[1].cbBuffer = (ULONG)strlen(text) + 1;
    b[1].pvBuffer = malloc(b[1].cbBuffer);
    if (!b[0].pvBuffer || !b[1].pvBuffer) return SEC_E_INSUFFICIENT_MEMORY;
    memcpy(b[1].pvBuffer, text, b[1].cbBuffer);
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    return EncryptMessage(ctx, 0, &d, 0);
}

static SECURITY_STATUS unseal(CtxtHandle *ctx, SecBuffer *b)
{
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop;
    SECURITY_STATUS st = DecryptMessage(ctx, &d, 0, &qop);
    if (st == SEC_E_OK && (!b[1].cbBuffer || ((char *)b[1].pvBuffer)[b[1].cbBuffer - 1])) st = SEC_E_INVALID_TOKEN;
    return st;
}

/* ---- the worker --------------------------------------------------------- */

static int worker(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), out = GetStdHandle(STD_OUTPUT_HANDLE);
    uint64_t token_value = 0;
    DWORD n;
    SecBuffer packed = { 0, SECBUFFER_EMPTY, NULL }, msg[2];
    CtxtHandle ctx;

    if (!get_exact(in, &n, sizeof(n)) || n != sizeof(token_value) || !get_exact(in, &token_value, n) ||
        !(packed.pvBuffer = get(in, &packed.cbBuffer)) || !get_sealed(in, msg)) {
        fprintf(stderr, "worker: short read from the server\n");
        return 1;
    }
    HANDLE token = (HANDLE)(uintptr_t)token_value;   /* already ours: the server duplicated it into us */
    SECURITY_STATUS st = ImportSecurityContextA((SEC_CHAR *)PACKAGE, &packed, token, &ctx);
    if (token) CloseHandle(token);                    /* the imported context keeps its own copy */
    if (st != SEC_E_OK) return fail("worker", "ImportSecurityContext", st);
    if ((st = unseal(&ctx, msg)) != SEC_E_OK) return fail("worker", "DecryptMessage", st);

    SecPkgContext_NamesA names = { NULL };
    st = QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &names);
    char reply[512];
    snprintf(reply, sizeof(reply), "worker %lu got \"%s\" from %s", GetCurrentProcessId(), (char *)msg[1].pvBuffer,
             st == SEC_E_OK && names.sUserName ? names.sUserName : "(unknown)");
    if (names.sUserName) FreeContextBuffer(names.sUserName);
    /* Acting as the client for a moment, as a worker would to open a file. */
    if ((st = ImpersonateSecurityContext(&ctx)) == SEC_E_OK) RevertSecurityContext(&ctx);
    else fprintf(stderr, "worker: ImpersonateSecurityContext: 0x%08lx\n", (unsigned long)st);

    SecBuffer r[2];
    if ((st = seal(&ctx, reply, r)) != SEC_E_OK) return fail("worker", "EncryptMessage", st);
    if (!put_sealed(out, r)) return fail("worker", "writing the reply", 0);
    DeleteSecurityContext(&ctx);
    free(packed.pvBuffer);   /* from our pipe reader, not from SSPI */
    return 0;
}

/* ---- the server (and, for the example, the client) ---------------------- */

/* NTLM: the client's three legs against the server's two, in memory. */
static SECURITY_STATUS handshake(CredHandle *ccred, CredHandle *scred, CtxtHandle *cctx, CtxtHandle *sctx)
{
    BYTE to_server[12288], to_client[12288];
    SecBuffer cb = { 0, SECBUFFER_TOKEN, to_server }, sb = { 0, SECBUFFER_TOKEN, to_client };
    SecBufferDesc cd = { SECBUFFER_VERSION, 1, &cb }, sd = { SECBUFFER_VERSION, 1, &sb };
    SECURITY_STATUS cst = SEC_I_CONTINUE_NEEDED, sst = SEC_I_CONTINUE_NEEDED;
    ULONG attrs;
    TimeStamp ts;
    BOOL first = TRUE;
    ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_CONNECTION;

    while (cst == SEC_I_CONTINUE_NEEDED || sst == SEC_I_CONTINUE_NEEDED) {
        if (cst == SEC_I_CONTINUE_NEEDED) {
            cb.cbBuffer = sizeof(to_server);
            SecBuffer in = { sb.cbBuffer, SECBUFFER_TOKEN, to_client };
            SecBufferDesc ind = { SECBUFFER_VERSION, 1, &in };
            cst = InitializeSecurityContextA(first ? ccred : NULL, first ? NULL : cctx, (SEC_CHAR *)"handoff/localhost",
                                             req, 0, SECURITY_NATIVE_DREP, first ? NULL : &ind, 0, cctx, &cd, &attrs, &ts);
            if (cst < 0) return cst;
        }
        if (sst == SEC_I_CONTINUE_NEEDED && cb.cbBuffer) {
            sb.cbBuffer = sizeof(to_client);
            SecBuffer in = { cb.cbBuffer, SECBUFFER_TOKEN, to_server };
            SecBufferDesc ind = { SECBUFFER_VERSION, 1, &in };
            sst = AcceptSecurityContext(scred, first ? NULL : sctx, &ind, req, SECURITY_NATIVE_DREP, sctx, &sd,
                                        &attrs, &ts);
            if (sst < 0) return sst;
        }
        first = FALSE;
    }
    return SEC_E_OK;
}

/* When no accounts file is set, one for this run, with the client's account. */
static void make_accounts(char *path)
{
    char dir[MAX_PATH];
    path[0] = 0;
    if (GetEnvironmentVariableA("NTLM_USER_FILE", dir, sizeof(dir))) return;
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "acc", 0, path);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("EXAMPLE:alice:correct horse\n", f);
        fclose(f);
    }
    SetEnvironmentVariableA("NTLM_USER_FILE", path);
}

static int server(const char *self)
{
    char accounts[MAX_PATH];
    CredHandle ccred, scred;
    CtxtHandle cctx, sctx;
    TimeStamp ts;
    SECURITY_STATUS st;
    int rc = 1;

    printf("sspishim %s\n", SspiShimVersion());
    make_accounts(accounts);
    SEC_WINNT_AUTH_IDENTITY_A alice = { (unsigned char *)"alice", 5, (unsigned char *)"EXAMPLE", 7,
                                        (unsigned char *)"correct horse", 13, SEC_WINNT_AUTH_IDENTITY_ANSI };
    if ((st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)PACKAGE, SECPKG_CRED_OUTBOUND, NULL, &alice, NULL, NULL,
                                        &ccred, &ts)) != SEC_E_OK)
        return fail("client", "AcquireCredentialsHandle", st);
    if ((st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)PACKAGE, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
                                        &scred, &ts)) != SEC_E_OK)
        return fail("server", "AcquireCredentialsHandle", st);
    if ((st = handshake(&ccred, &scred, &cctx, &sctx)) != SEC_E_OK) return fail("server", "the handshake", st);
    printf("server: authenticated EXAMPLE\\alice over " PACKAGE "\n");

    SecBuffer request[2], packed;
    HANDLE token = NULL;
    if ((st = seal(&cctx, "please fetch report.txt", request)) != SEC_E_OK) return fail("client", "EncryptMessage", st);
    /* The server lets go of the connection: its context lives on in packed. */
    if ((st = ExportSecurityContext(&sctx, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &packed, &token)) != SEC_E_OK)
        return fail("server", "ExportSecurityContext", st);
    printf("server: exported the context (%lu bytes) and the client's token (%s)\n", packed.cbBuffer,
           token ? "a handle" : "none");

    /* The worker: this program again, with pipes for standard input and output. */
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE to_rd, to_wr, from_rd, from_wr;
    if (!CreatePipe(&to_rd, &to_wr, &sa, 0) || !CreatePipe(&from_rd, &from_wr, &sa, 0))
        return fail("server", "CreatePipe", (SECURITY_STATUS)GetLastError());
    SetHandleInformation(to_wr, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(from_rd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = to_rd;
    si.hStdOutput = from_wr;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    char cmd[MAX_PATH + 16];
    snprintf(cmd, sizeof(cmd), "\"%s\" --worker", self);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return fail("server", "CreateProcess", (SECURITY_STATUS)GetLastError());
    CloseHandle(to_rd);
    CloseHandle(from_wr);

    /* The token becomes the worker's own handle; only its value travels. */
    HANDLE remote = NULL;
    if (token && !DuplicateHandle(GetCurrentProcess(), token, pi.hProcess, &remote, 0, FALSE, DUPLICATE_SAME_ACCESS))
        fprintf(stderr, "server: DuplicateHandle: %lu\n", GetLastError());
    uint64_t value = (uint64_t)(uintptr_t)remote;
    BOOL sent = put(to_wr, &value, sizeof(value)) && put(to_wr, packed.pvBuffer, packed.cbBuffer) &&
                put_sealed(to_wr, request);
    CloseHandle(to_wr);
    if (token) CloseHandle(token);
    FreeContextBuffer(packed.pvBuffer);
    printf("server: handed the connection to worker %lu%s\n", pi.dwProcessId, sent ? "" : " (write failed)");

    SecBuffer reply[2];
    if (get_sealed(from_rd, reply)) {
        if ((st = unseal(&cctx, reply)) == SEC_E_OK) {
            printf("client: %s\n", (char *)reply[1].pvBuffer);
            rc = 0;
        } else {
            fail("client", "DecryptMessage", st);
        }
        free(reply[0].pvBuffer);
        free(reply[1].pvBuffer);
    } else {
        fprintf(stderr, "client: no reply from the worker\n");
    }
    CloseHandle(from_rd);
    DWORD code = 1;
    WaitForSingleObject(pi.hProcess, 30000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    if (code) rc = 1;

    DeleteSecurityContext(&cctx);
    FreeCredentialsHandle(&ccred);
    FreeCredentialsHandle(&scred);
    free(request[0].pvBuffer);
    free(request[1].pvBuffer);
    struct sspishim_stats stats;
    memset(&stats, 0, sizeof(stats));
    stats.size = sizeof(stats);
    if (SspiShimGetStatistics(&stats) == 0)
        printf("server: %u contexts and %u credentials left\n", stats.live_contexts, stats.live_credentials);
    if (accounts[0]) DeleteFileA(accounts);
    printf("%s\n", rc ? "handoff failed" : "handoff ok");
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--worker")) return worker();
    char self[MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof(self));
    return server(self);
}
