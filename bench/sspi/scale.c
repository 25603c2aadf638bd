/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark 4: many live contexts.
 *   Memory per context: N contexts (N/2 established loopback sessions, a
 *   client and a server context each) kept alive; the growth of the
 *   process between 10 and N live contexts, divided by N - 10.  Two
 *   measures: committed private memory (VirtualQuery) and the bytes in use
 *   in the process's heaps (HeapWalk).  Anything a context keeps in
 *   wineserver (a token of its own, say) is not counted here.
 *   Lookup cost: QueryContextAttributesW(SECPKG_ATTR_SIZES) — a handle
 *   lookup, the context's lock and a copy of four numbers — with 10 and
 *   with N live handles, on one handle over and over ("same") and spread
 *   over every live handle in a scattered order ("spread"). */
#include "sspi_bench.h"
#include "sspishim/sspishim.h"

struct mem {
    double committed, heap_used;
};

/* Committed private memory: every MEM_COMMIT, MEM_PRIVATE region of the
 * address space, as VirtualQuery reports it (what Windows counts as a
 * process's private bytes; Wine 8 does not keep GetProcessMemoryInfo's
 * PrivateUsage).  Under Wine, VirtualQuery of one's own process does not
 * ask wineserver; a file such as /proc/self/status would be opened by
 * wineserver and describe it instead. */
static double committed_private(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    SYSTEM_INFO si;
    double total = 0;

    GetSystemInfo(&si);
    for (char *p = si.lpMinimumApplicationAddress; p < (char *)si.lpMaximumApplicationAddress;
         p = (char *)mbi.BaseAddress + mbi.RegionSize) {
        if (!VirtualQuery(p, &mbi, sizeof(mbi))) break;
        if (mbi.State == MEM_COMMIT && mbi.Type == MEM_PRIVATE) total += (double)mbi.RegionSize;
    }
    return total;
}

/* Bytes in use in every heap of the process (HeapWalk over busy blocks,
 * without the heaps' own overhead). */
static double heap_used(void)
{
    HANDLE heaps[64];
    double total = 0;
    DWORD n = GetProcessHeaps(64, heaps);

    for (DWORD i = 0; i < n && i < 64; i++) {
        PROCESS_HEAP_ENTRY e;
        e.lpData = NULL;
        if (!HeapLock(heaps[i])) continue;
        while (HeapWalk(heaps[i], &e))
            if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY) total += (double)e.cbData;
        HeapUnlock(heaps[i]);
    }
    return total;
}

static void mem_now(struct mem *m)
{
    m->committed = committed_private();
    m->heap_used = heap_used();
}

struct lookup_arg {
    struct session *s;
    long live_sessions, next;
    BOOL spread;
};

/* A stride coprime with any session count that is not a multiple of 40503
 * visits every handle once per cycle, far from its neighbour. */
#define STRIDE 40503

static void lookup_run(void *p, long iters)
{
    struct lookup_arg *a = p;
    SecPkgContext_Sizes sz;
    long n = a->live_sessions * 2;
    for (long i = 0; i < iters; i++) {
        CtxtHandle *h = &a->s[0].client;
        if (a->spread) {
            a->next = (a->next + STRIDE) % n;
            h = a->next & 1 ? &a->s[a->next / 2].server : &a->s[a->next / 2].client;
        }
        ST_CHECK(sspi->QueryContextAttributesW(h, SECPKG_ATTR_SIZES, &sz), SEC_E_OK);
    }
}

static void lookups(const char *tag, struct session *s, long sessions)
{
    char same_id[64], spread_id[64];
    struct lookup_arg same = { s, sessions, 0, FALSE }, spread = { s, sessions, 0, TRUE };

    snprintf(same_id, sizeof(same_id), "scale.lookup.same.%s", tag);
    snprintf(spread_id, sizeof(spread_id), "scale.lookup.spread.%s", tag);
    struct bench_case cases[] = {
        { same_id, lookup_run, &same, 0, { 0 } },
        { spread_id, lookup_run, &spread, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
}

static uint32_t live_contexts(void)
{
    int32_t (SSPISHIM_API *get)(struct sspishim_stats *) =
        (int32_t (SSPISHIM_API *)(struct sspishim_stats *))(void *)GetProcAddress(sspi_module, "SspiShimGetStatistics");
    struct sspishim_stats st = { sizeof(st), 0, 0, 0, 0, 0, 0 };
    if (!get || get(&st)) bench_fail("SspiShimGetStatistics failed\n");
    return st.live_contexts;
}

void bench_scale(long contexts)
{
    long sessions = contexts / 2;
    struct session *s;
    struct creds c;
    struct mem m0, m1;

    if (sessions < 10) bench_fail("need at least 20 contexts\n");
    /* The array is allocated and touched before the first measure, so it
     * is not counted as the contexts' memory. */
    if (!(s = calloc((size_t)sessions, sizeof(*s)))) bench_fail("out of memory\n");
    memset(s, 0xff, (size_t)sessions * sizeof(*s));
    creds_acquire(&c);

    for (long i = 0; i < 5; i++) session_establish(&c, &s[i]);
    lookups("10", s, 5);
    mem_now(&m0);

    uint64_t t0 = bench_now();
    for (long i = 5; i < sessions; i++) session_establish(&c, &s[i]);
    double ns = bench_ns(bench_now() - t0);
    mem_now(&m1);

    long added = (sessions - 5) * 2;
    bench_value("scale.contexts", (double)live_contexts(), "live contexts");
    bench_value("scale.establish_s", ns / 1e9, "s");
    bench_value("scale.committed_per_ctx", (m1.committed - m0.committed) / (double)added, "bytes");
    bench_value("scale.heap_per_ctx", (m1.heap_used - m0.heap_used) / (double)added, "bytes");
    bench_value("scale.committed_total", m1.committed, "bytes");

    char tag[32];
    snprintf(tag, sizeof(tag), "%ld", sessions * 2);
    lookups(tag, s, sessions);

    for (long i = 0; i < sessions; i++) session_delete(&s[i]);
    creds_free(&c);
    bench_value("scale.contexts_after", (double)live_contexts(), "live contexts");
    free(s);
}
