/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every benchmark program shares, Windows and native alike: a clock,
 * batches of iterations timed as one, cases measured in alternation, and
 * the result lines bench/report.py reads.
 *
 * Machines here are shared and noisy, so a figure is never one timing: a
 * case is calibrated to a batch of about BENCH_BATCH_MS, then timed in
 * BENCH_ROUNDS batches, and the cases being compared take turns batch by
 * batch, so a disturbance lands on all of them alike.  A round's ratio
 * (case i against case 0) is one sample of the ratio; its median and
 * quartiles are what the report gives.
 *
 * Output, one line each, tab-separated:
 *   time   ID  median q1 q3 min max rounds iterations    (ns per iteration)
 *   ratio  ID  median q1 q3 min max rounds               (per-round ratios)
 *   value  ID  number unit                               (a single figure)
 *   note   ID  text
 * Header-only: each benchmark is one program. */
#ifndef SSPISHIM_BENCH_H
#define SSPISHIM_BENCH_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <time.h>
#endif

#pragma GCC diagnostic ignored "-Wunused-function"

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 21
#endif
#ifndef BENCH_BATCH_MS
#define BENCH_BATCH_MS 20
#endif
#define BENCH_MAX_CASES 8

/* ---- the clock ---------------------------------------------------------------- */

#ifdef _WIN32
static double bench_ns_per_tick;

static uint64_t bench_now(void)
{
    LARGE_INTEGER t;
    if (!bench_ns_per_tick) {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f);
        bench_ns_per_tick = 1e9 / (double)f.QuadPart;
    }
    QueryPerformanceCounter(&t);
    return (uint64_t)t.QuadPart;
}

static double bench_ns(uint64_t ticks)
{
    return (double)ticks * bench_ns_per_tick;
}
#else
static uint64_t bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double bench_ns(uint64_t ticks)
{
    return (double)ticks;
}
#endif

/* ---- failures ----------------------------------------------------------------- */

/* A benchmark that measures failing calls measures nothing: every status is
 * checked, and the first unexpected one ends the program. */
static void __attribute__((noreturn, format(printf, 1, 2))) bench_fail(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "bench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    exit(1);
}

/* ---- statistics --------------------------------------------------------------- */

struct bench_stats {
    double median, q1, q3, min, max;
    int n;
};

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Quartiles by linear interpolation between order statistics. */
static double bench_quantile(const double *sorted, int n, double q)
{
    double pos = q * (n - 1);
    int lo = (int)pos;
    if (lo >= n - 1) return sorted[n - 1];
    return sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
}

static void bench_summarize(const double *samples, int n, struct bench_stats *st)
{
    double *s = malloc(sizeof(double) * (size_t)(n ? n : 1));
    if (!s) bench_fail("out of memory\n");
    memcpy(s, samples, sizeof(double) * (size_t)n);
    qsort(s, (size_t)n, sizeof(double), bench_cmp);
    st->n = n;
    st->min = s[0];
    st->max = s[n - 1];
    st->median = bench_quantile(s, n, 0.5);
    st->q1 = bench_quantile(s, n, 0.25);
    st->q3 = bench_quantile(s, n, 0.75);
    free(s);
}

static void bench_print_time(const char *id, const struct bench_stats *st, long iters)
{
    printf("time\t%s\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%d\t%ld\n", id, st->median, st->q1, st->q3,
           st->min, st->max, st->n, iters);
    fflush(stdout);
}

static void bench_print_ratio(const char *id, const struct bench_stats *st)
{
    printf("ratio\t%s\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%d\n", id, st->median, st->q1, st->q3, st->min,
           st->max, st->n);
    fflush(stdout);
}

static void bench_value(const char *id, double v, const char *unit)
{
    printf("value\t%s\t%.6g\t%s\n", id, v, unit);
    fflush(stdout);
}

static void __attribute__((format(printf, 2, 3))) bench_note(const char *id, const char *fmt, ...)
{
    va_list ap;
    printf("note\t%s\t", id);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* ---- cases -------------------------------------------------------------------- */

/* One thing to time: fn(arg, iters) runs iters iterations of it. */
struct bench_case {
    const char *id;
    void (*fn)(void *arg, long iters);
    void *arg;
    long iters;                          /* set by calibration */
    double ns[BENCH_ROUNDS];             /* per iteration, one per round */
};

static double bench_time_batch(struct bench_case *c, long iters)
{
    uint64_t t0 = bench_now();
    c->fn(c->arg, iters);
    return bench_ns(bench_now() - t0);
}

/* Doubles the batch until it takes BENCH_BATCH_MS, then sizes it to that. */
static void bench_calibrate(struct bench_case *c)
{
    const double want = BENCH_BATCH_MS * 1e6;
    long iters = 1;
    double ns;

    c->fn(c->arg, 1);                    /* warm caches and lazy set-up */
    for (;;) {
        ns = bench_time_batch(c, iters);
        if (ns >= want / 4 || iters >= (1L << 30)) break;
        iters *= 2;
    }
    iters = (long)((double)iters * want / (ns > 0 ? ns : 1));
    c->iters = iters < 1 ? 1 : iters;
}

/* Times n cases in alternation, prints each one's time per iteration and
 * the ratio of each later case to the first (case[i] / case[0]). */
static void bench_compare(struct bench_case *cases, int n)
{
    double ratios[BENCH_ROUNDS];
    struct bench_stats st;

    if (n < 1 || n > BENCH_MAX_CASES) bench_fail("bad case count %d\n", n);
    for (int i = 0; i < n; i++) bench_calibrate(&cases[i]);
    for (int r = 0; r < BENCH_ROUNDS; r++)
        for (int i = 0; i < n; i++) {
            /* Rotate the order each round: no case always runs first. */
            struct bench_case *c = &cases[(i + r) % n];
            c->ns[r] = bench_time_batch(c, c->iters) / (double)c->iters;
        }
    for (int i = 0; i < n; i++) {
        bench_summarize(cases[i].ns, BENCH_ROUNDS, &st);
        bench_print_time(cases[i].id, &st, cases[i].iters);
    }
    for (int i = 1; i < n; i++) {
        char id[160];
        for (int r = 0; r < BENCH_ROUNDS; r++) ratios[r] = cases[i].ns[r] / cases[0].ns[r];
        bench_summarize(ratios, BENCH_ROUNDS, &st);
        snprintf(id, sizeof(id), "%s/%s", cases[i].id, cases[0].id);
        bench_print_ratio(id, &st);
    }
}

#define BENCH_COMPARE(cases) bench_compare((cases), (int)(sizeof(cases) / sizeof((cases)[0])))

static void bench_one(struct bench_case *c)
{
    bench_compare(c, 1);
}

/* ---- two worker threads --------------------------------------------------------- */

/* Threads made once and kept: under Wine creating a pair costs milliseconds,
 * which would swamp a batch.  bench_workers_run(w, n) has the two threads
 * run fn(arg, n/2) each (the first takes an odd one) and returns when both
 * are done, so it can be a bench_case's function. */
struct bench_workers {
    void (*fn)(void *arg, long iters);
    void *arg;
    long iters[2];
    int stop;
#ifdef _WIN32
    HANDLE thread[2], go[2], done[2];
#else
    pthread_t thread[2];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned generation, finished;
#endif
};

struct bench_worker_slot {
    struct bench_workers *w;
    int index;
};

#ifdef _WIN32
static DWORD WINAPI bench_worker_main(void *p)
{
    struct bench_worker_slot *slot = p;
    struct bench_workers *w = slot->w;
    for (;;) {
        WaitForSingleObject(w->go[slot->index], INFINITE);
        if (w->stop) return 0;
        w->fn(w->arg, w->iters[slot->index]);
        SetEvent(w->done[slot->index]);
    }
}
#else
static void *bench_worker_main(void *p)
{
    struct bench_worker_slot *slot = p;
    struct bench_workers *w = slot->w;
    unsigned seen = 0;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        while (w->generation == seen && !w->stop) pthread_cond_wait(&w->cond, &w->lock);
        seen = w->generation;
        int stop = w->stop;
        pthread_mutex_unlock(&w->lock);
        if (stop) return NULL;
        w->fn(w->arg, w->iters[slot->index]);
        pthread_mutex_lock(&w->lock);
        w->finished++;
        pthread_cond_broadcast(&w->cond);
        pthread_mutex_unlock(&w->lock);
    }
}
#endif

static struct bench_worker_slot bench_slots[2];

static void bench_workers_start(struct bench_workers *w, void (*fn)(void *, long), void *arg)
{
    memset(w, 0, sizeof(*w));
    w->fn = fn;
    w->arg = arg;
    for (int i = 0; i < 2; i++) {
        bench_slots[i].w = w;
        bench_slots[i].index = i;
#ifdef _WIN32
        w->go[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
        w->done[i] = CreateEventW(NULL, FALSE, FALSE, NULL);
        w->thread[i] = CreateThread(NULL, 0, bench_worker_main, &bench_slots[i], 0, NULL);
        if (!w->go[i] || !w->done[i] || !w->thread[i]) bench_fail("cannot start a worker thread\n");
#else
        if (i == 0) {
            pthread_mutex_init(&w->lock, NULL);
            pthread_cond_init(&w->cond, NULL);
        }
        if (pthread_create(&w->thread[i], NULL, bench_worker_main, &bench_slots[i]))
            bench_fail("cannot start a worker thread\n");
#endif
    }
}

static void bench_workers_run(void *p, long iters)
{
    struct bench_workers *w = p;
    w->iters[0] = iters - iters / 2;
    w->iters[1] = iters / 2;
#ifdef _WIN32
    SetEvent(w->go[0]);
    SetEvent(w->go[1]);
    WaitForMultipleObjects(2, w->done, TRUE, INFINITE);
#else
    pthread_mutex_lock(&w->lock);
    w->finished = 0;
    w->generation++;
    pthread_cond_broadcast(&w->cond);
    while (w->finished < 2) pthread_cond_wait(&w->cond, &w->lock);
    pthread_mutex_unlock(&w->lock);
#endif
}

static void bench_workers_stop(struct bench_workers *w)
{
    w->stop = 1;
#ifdef _WIN32
    SetEvent(w->go[0]);
    SetEvent(w->go[1]);
    WaitForMultipleObjects(2, w->thread, TRUE, INFINITE);
    for (int i = 0; i < 2; i++) {
        CloseHandle(w->thread[i]);
        CloseHandle(w->go[i]);
        CloseHandle(w->done[i]);
    }
#else
    pthread_mutex_lock(&w->lock);
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread[0], NULL);
    pthread_join(w->thread[1], NULL);
#endif
}

#endif
