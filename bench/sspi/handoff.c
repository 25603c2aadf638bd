/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark 1b: the server handoff as users pay it, across two processes.
 *   round    a server context (NTLM, established here against a client)
 *            is exported with DELETE_OLD and its token; the token is
 *            DuplicateHandle'd into a long-lived worker (this program,
 *            started as `handoff-worker`), the blob and a 1 KiB message
 *            the client sealed go down a pipe; the worker imports the
 *            context, closes the token it was given, decrypts the message
 *            and answers one byte.  Timed from the export to the answer.
 *   floor    the same pipe write and read, the same DuplicateHandle of a
 *            token into the worker (which closes it) and the same answer,
 *            with no SSPI call: what any handoff costs in wineserver.
 * Each round is timed alone (its set-up — a handshake, the sealing — is
 * not), rounds and floors take turns, and the ratio is taken per block of
 * rounds, so a disturbance lands on both alike.
 *   rt_token / tok_floor   the in-process export + import round trip with
 *            the token, against the four token calls it needs made bare:
 *            export's DuplicateHandle (an imported context's token), the
 *            import's DuplicateTokenEx, the caller's CloseHandle and the
 *            old context's CloseHandle (dlls/secur32/platform.c).
 * `handoff-count` runs the calls alone between named-event markers, for
 * bench/run.sh to count their wineserver requests in a +server trace. */
#include <wchar.h>

#include "sspi_bench.h"

#define MSG_LEN 1024
#define BLOCKS BENCH_ROUNDS
#define PER_BLOCK 40

enum { CMD_QUIT, CMD_HANDOFF, CMD_FLOOR, CMD_CLEANUP };

struct header {
    uint32_t cmd, blob_len;
    uint64_t token;          /* a handle value in the worker */
};

/* Header, blob, signature and the sealed message, written at once. */
struct wire {
    struct header h;
    BYTE body[4096 + 16 + MSG_LEN];
};

static void write_all(HANDLE pipe, const void *p, DWORD len)
{
    DWORD done;
    if (!WriteFile(pipe, p, len, &done, NULL) || done != len) bench_fail("pipe write failed: %lu\n", GetLastError());
}

/* One ReadFile takes a whole message when it is in the pipe already,
 * which is the common case; the loop covers a short read. */
static DWORD read_msg(HANDLE pipe, struct wire *w)
{
    DWORD got = 0, n;
    while (got < sizeof(w->h) ||
           got < sizeof(w->h) + (w->h.cmd == CMD_HANDOFF || w->h.cmd == CMD_FLOOR ? w->h.blob_len + 16 + MSG_LEN : 0)) {
        if (!ReadFile(pipe, (BYTE *)w + got, (DWORD)sizeof(*w) - got, &n, NULL) || !n) return 0;
        got += n;
    }
    return got;
}

static void read_byte(HANDLE pipe)
{
    BYTE b;
    DWORD n;
    if (!ReadFile(pipe, &b, 1, &n, NULL) || n != 1) bench_fail("the worker did not answer\n");
}

/* ---- the worker ---------------------------------------------------------------- */

void bench_handoff_worker(const char *in_arg, const char *out_arg)
{
    HANDLE in = (HANDLE)(uintptr_t)strtoull(in_arg, NULL, 16), out = (HANDLE)(uintptr_t)strtoull(out_arg, NULL, 16);
    static struct wire w;
    CtxtHandle ctx;
    BOOL live = FALSE;
    const BYTE ok = 'k';

    for (;;) {
        if (!read_msg(in, &w)) bench_fail("worker: pipe closed\n");
        HANDLE token = (HANDLE)(uintptr_t)w.h.token;
        if (w.h.cmd == CMD_QUIT) break;
        if (w.h.cmd == CMD_HANDOFF) {
            SecBuffer blob = { w.h.blob_len, SECBUFFER_DATA, w.body };
            struct sealed m;
            ST_CHECK(sspi->ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, token, &ctx), SEC_E_OK);
            live = TRUE;
            CloseHandle(token);                  /* the DLL keeps its own duplicate */
            sealed_init(&m, w.body + w.h.blob_len + 16, MSG_LEN);
            memcpy(m.sig, w.body + w.h.blob_len, 16);
            ST_CHECK(sspi->DecryptMessage(&ctx, &m.d, 0, NULL), SEC_E_OK);
            if (w.body[w.h.blob_len + 16] != 0 || w.body[w.h.blob_len + 16 + MSG_LEN - 1] != (BYTE)(MSG_LEN - 1))
                bench_fail("worker: the message did not decrypt\n");
        } else if (w.h.cmd == CMD_FLOOR) {
            CloseHandle(token);
        } else if (live) {                       /* CMD_CLEANUP, outside the timing */
            ST_CHECK(sspi->DeleteSecurityContext(&ctx), SEC_E_OK);
            live = FALSE;
        }
        write_all(out, &ok, 1);
    }
}

/* ---- the server side ------------------------------------------------------------ */

struct link {
    HANDLE process, to, from;
};

static void worker_start(struct link *l)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE child_in, child_out;
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 64];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;

    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);

    if (!CreatePipe(&child_in, &l->to, &sa, 65536) || !CreatePipe(&l->from, &child_out, &sa, 4096))
        bench_fail("CreatePipe failed\n");
    SetHandleInformation(l->to, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(l->from, HANDLE_FLAG_INHERIT, 0);
    if (!GetModuleFileNameW(NULL, exe, MAX_PATH)) bench_fail("GetModuleFileNameW failed\n");
    swprintf(cmd, sizeof(cmd) / sizeof(cmd[0]), L"\"%ls\" handoff-worker %llx %llx", exe,
             (unsigned long long)(uintptr_t)child_in, (unsigned long long)(uintptr_t)child_out);
    if (!CreateProcessW(exe, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        bench_fail("cannot start the worker: %lu\n", GetLastError());
    CloseHandle(pi.hThread);
    CloseHandle(child_in);
    CloseHandle(child_out);
    l->process = pi.hProcess;
}

static void worker_stop(struct link *l)
{
    struct header h = { CMD_QUIT, 0, 0 };
    write_all(l->to, &h, sizeof(h));
    WaitForSingleObject(l->process, 10000);
    CloseHandle(l->process);
    CloseHandle(l->to);
    CloseHandle(l->from);
}

static void cleanup(struct link *l)
{
    struct header h = { CMD_CLEANUP, 0, 0 };
    write_all(l->to, &h, sizeof(h));
    read_byte(l->from);
}

static HANDLE give_token(struct link *l, HANDLE token)
{
    HANDLE remote;
    if (!DuplicateHandle(GetCurrentProcess(), token, l->process, &remote, 0, FALSE,
                         DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE))
        bench_fail("DuplicateHandle into the worker failed: %lu\n", GetLastError());
    return remote;
}

static void fill(BYTE *data)
{
    for (int i = 0; i < MSG_LEN; i++) data[i] = (BYTE)i;
}

/* One handoff; returns its time in ns, set-up excluded. */
static double handoff_once(struct link *l, const struct creds *c, struct wire *w, ULONG *blob_len)
{
    struct session s;
    struct sealed m;
    BYTE data[MSG_LEN];
    SecBuffer blob;
    HANDLE token = NULL;

    session_establish(c, &s);
    fill(data);
    sealed_init(&m, data, MSG_LEN);
    ST_CHECK(sspi->EncryptMessage(&s.client, 0, &m.d, 0), SEC_E_OK);

    uint64_t t0 = bench_now();
    ST_CHECK(sspi->ExportSecurityContext(&s.server, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &blob, &token), SEC_E_OK);
    if (!token) bench_fail("the server context exported no token\n");
    if (blob.cbBuffer > 4096) bench_fail("blob too large\n");
    w->h = (struct header){ CMD_HANDOFF, blob.cbBuffer, (uint64_t)(uintptr_t)give_token(l, token) };
    memcpy(w->body, blob.pvBuffer, blob.cbBuffer);
    memcpy(w->body + blob.cbBuffer, m.sig, 16);
    memcpy(w->body + blob.cbBuffer + 16, data, MSG_LEN);
    sspi->FreeContextBuffer(blob.pvBuffer);
    write_all(l->to, w, (DWORD)(sizeof(w->h) + blob.cbBuffer + 16 + MSG_LEN));
    read_byte(l->from);
    double ns = bench_ns(bench_now() - t0);

    *blob_len = blob.cbBuffer;
    ST_CHECK(sspi->DeleteSecurityContext(&s.client), SEC_E_OK);
    cleanup(l);
    return ns;
}

/* The same transport with no SSPI: a message of the same size, a token of
 * the same kind (made beforehand, as Export makes its own) handed over. */
static double floor_once(struct link *l, HANDLE base, struct wire *w, ULONG blob_len)
{
    static BYTE blob[4096], sig[16], data[MSG_LEN];
    HANDLE token;

    if (!DuplicateHandle(GetCurrentProcess(), base, GetCurrentProcess(), &token, 0, FALSE, DUPLICATE_SAME_ACCESS))
        bench_fail("DuplicateHandle failed\n");
    uint64_t t0 = bench_now();
    w->h = (struct header){ CMD_FLOOR, blob_len, (uint64_t)(uintptr_t)give_token(l, token) };
    memcpy(w->body, blob, blob_len);
    memcpy(w->body + blob_len, sig, 16);
    memcpy(w->body + blob_len + 16, data, MSG_LEN);
    write_all(l->to, w, (DWORD)(sizeof(w->h) + blob_len + 16 + MSG_LEN));
    read_byte(l->from);
    double ns = bench_ns(bench_now() - t0);
    cleanup(l);
    return ns;
}

/* An impersonation token like the ones the DLL hands out. */
static HANDLE impersonation_token(void)
{
    HANDLE process, token;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &process) ||
        !DuplicateTokenEx(process, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenImpersonation, &token))
        bench_fail("cannot make a token\n");
    CloseHandle(process);
    return token;
}

/* ---- the in-process round trip with its token, and its bare token calls ---------- */

struct rt_arg {
    CtxtHandle ctx;
};

static void rt_token_run(void *p, long iters)
{
    struct rt_arg *a = p;
    for (long i = 0; i < iters; i++) {
        SecBuffer blob;
        HANDLE token = NULL;
        CtxtHandle next;
        ST_CHECK(sspi->ExportSecurityContext(&a->ctx, 0, &blob, &token), SEC_E_OK);
        ST_CHECK(sspi->ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob, token, &next), SEC_E_OK);
        CloseHandle(token);
        ST_CHECK(sspi->DeleteSecurityContext(&a->ctx), SEC_E_OK);
        ST_CHECK(sspi->FreeContextBuffer(blob.pvBuffer), SEC_E_OK);
        a->ctx = next;
    }
}

static void tok_floor_run(void *p, long iters)
{
    HANDLE *cur = p;
    for (long i = 0; i < iters; i++) {
        HANDLE out, adopted;
        if (!DuplicateHandle(GetCurrentProcess(), *cur, GetCurrentProcess(), &out, 0, FALSE, DUPLICATE_SAME_ACCESS) ||
            !DuplicateTokenEx(out, 0, NULL, SecurityImpersonation, TokenImpersonation, &adopted))
            bench_fail("token duplication failed\n");
        CloseHandle(out);
        CloseHandle(*cur);
        *cur = adopted;
    }
}

/* ---- the benchmark -------------------------------------------------------------- */

static double median_of(const double *v, int n)
{
    struct bench_stats st;
    bench_summarize(v, n, &st);
    return st.median;
}

void bench_handoff(void)
{
    static double round_ns[BLOCKS * PER_BLOCK], floor_ns[BLOCKS * PER_BLOCK], ratios[BLOCKS];
    static struct wire w;
    struct creds c;
    struct link l;
    struct bench_stats st;
    ULONG blob_len = 0;
    HANDLE base = impersonation_token();

    creds_acquire(&c);
    worker_start(&l);
    for (int i = 0; i < 5; i++) {          /* the worker's first import loads the machine key */
        handoff_once(&l, &c, &w, &blob_len);
        floor_once(&l, base, &w, blob_len);
    }
    for (int b = 0; b < BLOCKS; b++) {
        for (int i = 0; i < PER_BLOCK; i++) {
            int k = b * PER_BLOCK + i;
            if ((i + b) & 1) {
                floor_ns[k] = floor_once(&l, base, &w, blob_len);
                round_ns[k] = handoff_once(&l, &c, &w, &blob_len);
            } else {
                round_ns[k] = handoff_once(&l, &c, &w, &blob_len);
                floor_ns[k] = floor_once(&l, base, &w, blob_len);
            }
        }
        ratios[b] = median_of(round_ns + b * PER_BLOCK, PER_BLOCK) / median_of(floor_ns + b * PER_BLOCK, PER_BLOCK);
    }
    worker_stop(&l);
    bench_summarize(round_ns, BLOCKS * PER_BLOCK, &st);
    bench_print_time("handoff.sspi.round", &st, 1);
    bench_summarize(floor_ns, BLOCKS * PER_BLOCK, &st);
    bench_print_time("handoff.sspi.floor", &st, 1);
    bench_summarize(ratios, BLOCKS, &st);
    bench_print_ratio("handoff.sspi.round/handoff.sspi.floor", &st);
    bench_value("handoff.sspi.size", blob_len, "bytes");

    struct session s;
    struct rt_arg rt;
    HANDLE cur;
    session_establish(&c, &s);
    rt.ctx = s.server;
    if (!DuplicateHandle(GetCurrentProcess(), base, GetCurrentProcess(), &cur, 0, FALSE, DUPLICATE_SAME_ACCESS))
        bench_fail("DuplicateHandle failed\n");
    struct bench_case cases[] = {
        { "handoff.sspi.tok_floor", tok_floor_run, &cur, 0, { 0 } },
        { "handoff.sspi.rt_token", rt_token_run, &rt, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    CloseHandle(cur);
    ST_CHECK(sspi->DeleteSecurityContext(&rt.ctx), SEC_E_OK);
    ST_CHECK(sspi->DeleteSecurityContext(&s.client), SEC_E_OK);
    CloseHandle(base);
    creds_free(&c);
}

/* ---- wineserver requests per call ----------------------------------------------- */

/* A named event: its create_event request carries the name into a
 * +server trace, on the calling thread's lines. */
static void mark(const WCHAR *what)
{
    WCHAR name[64];
    swprintf(name, 64, L"sspishim-mark-%ls", what);
    if (!CreateEventW(NULL, FALSE, FALSE, name)) bench_fail("CreateEventW failed\n");
}

#define COUNT_N 16

void bench_handoff_count(void)
{
    struct creds c;
    struct session s[COUNT_N + 1];
    SecBuffer blob[COUNT_N + 1], again;
    HANDLE token[COUNT_N + 1], t2;
    CtxtHandle ctx[COUNT_N + 1];

    creds_acquire(&c);
    for (int i = 0; i <= COUNT_N; i++) session_establish(&c, &s[i]);
    /* Index 0 warms every lazy path (machine key, the shared client token). */
    ST_CHECK(sspi->ExportSecurityContext(&s[0].server, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &blob[0], &token[0]), SEC_E_OK);
    ST_CHECK(sspi->ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob[0], token[0], &ctx[0]), SEC_E_OK);
    ST_CHECK(sspi->ExportSecurityContext(&ctx[0], 0, &again, &t2), SEC_E_OK);
    sspi->FreeContextBuffer(again.pvBuffer);
    CloseHandle(t2);

    mark(L"export-begin");
    for (int i = 1; i <= COUNT_N; i++)
        ST_CHECK(sspi->ExportSecurityContext(&s[i].server, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &blob[i], &token[i]),
                 SEC_E_OK);
    mark(L"export-end");
    mark(L"import-begin");
    for (int i = 1; i <= COUNT_N; i++)
        ST_CHECK(sspi->ImportSecurityContextW((SEC_WCHAR *)L"NTLM", &blob[i], token[i], &ctx[i]), SEC_E_OK);
    mark(L"import-end");
    mark(L"close-begin");
    for (int i = 1; i <= COUNT_N; i++) CloseHandle(token[i]);
    mark(L"close-end");
    mark(L"reexport-begin");
    for (int i = 1; i <= COUNT_N; i++) {
        ST_CHECK(sspi->ExportSecurityContext(&ctx[i], 0, &again, &token[i]), SEC_E_OK);
        sspi->FreeContextBuffer(again.pvBuffer);
    }
    mark(L"reexport-end");
    for (int i = 1; i <= COUNT_N; i++) CloseHandle(token[i]);
    mark(L"delete-begin");
    for (int i = 1; i <= COUNT_N; i++) ST_CHECK(sspi->DeleteSecurityContext(&ctx[i]), SEC_E_OK);
    mark(L"delete-end");
    bench_value("handoff.count.n", COUNT_N, "calls");

    for (int i = 0; i <= COUNT_N; i++) {
        sspi->FreeContextBuffer(blob[i].pvBuffer);
        ST_CHECK(sspi->DeleteSecurityContext(&s[i].client), SEC_E_OK);
    }
    CloseHandle(token[0]);
    ST_CHECK(sspi->DeleteSecurityContext(&ctx[0]), SEC_E_OK);
    creds_free(&c);
}
