/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark 4: many live contexts.
 *   Memory per context: N contexts (N/2 established loopback sessions, a
 *   client and a server context each) kept alive; the growth of the
 *   process between 10 and N live contexts, divided by N - 10.  Two
 *   measures: the process's private bytes (GetProcessMemoryInfo's
 *   PrivateUsage, as Wine reports it) and its resident anonymous memory
 *   (RssAnon of /proc/self/status: the heap pages actually touched).
 *   Server contexts each hold a token, which is a wineserver object: its
 *   memory is in wineserver, not counted here.
 *   Lookup cost: QueryContextAttributesW(SECPKG_ATTR_SIZES) — a handle
 *   lookup, the context's lock and a copy of four numbers — with 10 and
 *   with N live handles, on one handle over and over ("same") and spread
 *   over every live handle in a scattered order ("spread"). */
#include "sspi_bench.h"

#include <psapi.h>

#include "sspishim/sspishim.h"

struct mem {
    double private_bytes, rss_anon, rss;
};

static double status_kib(const char *text, const char *field)
{
    const char *p = strstr(text, field);
    return p ? atof(p + strlen(field)) * 1024.0 : -1;
}

static void mem_now(struct mem *m)
{
    PROCESS_MEMORY_COUNTERS_EX pmc;
    char text[4096];
    size_t n = 0;
    FILE *f;

    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    m->private_bytes = GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmc, sizeof(pmc))
                     ? (double)pmc.PrivateUsage : -1;
    m->rss_anon = m->rss = -1;
    /* Under Wine the Unix side of this process is readable through Z:. */
    if ((f = fopen("Z:\\proc\\self\\status", "rb"))) {
        n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = 0;
        m->rss_anon = status_kib(text, "RssAnon:");
        m->rss = status_kib(text, "VmRSS:");
    }
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
    bench_value("scale.private_per_ctx", (m1.private_bytes - m0.private_bytes) / (double)added, "bytes");
    bench_value("scale.rss_anon_per_ctx", (m1.rss_anon - m0.rss_anon) / (double)added, "bytes");
    bench_value("scale.rss_per_ctx", (m1.rss - m0.rss) / (double)added, "bytes");
    bench_value("scale.private_total", m1.private_bytes, "bytes");
    bench_value("scale.rss_anon_total", m1.rss_anon, "bytes");

    char tag[32];
    snprintf(tag, sizeof(tag), "%ld", sessions * 2);
    lookups(tag, s, sessions);

    for (long i = 0; i < sessions; i++) session_delete(&s[i]);
    creds_free(&c);
    bench_value("scale.contexts_after", (double)live_contexts(), "live contexts");
    free(s);
}
