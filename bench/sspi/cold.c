/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark 5: from LoadLibrary of a secur32 to its first package list.
 *   cold ours|builtin   the first load in a fresh process (run.sh starts
 *                       one process per sample, alternating the two).
 *                       The time runs from LoadLibraryW to the return of
 *                       EnumerateSecurityPackagesW; its two parts are
 *                       given too.  This DLL's list includes the host's
 *                       packages, so its first enumeration loads Wine's
 *                       builtin as well.
 *   reload              in one process, load / enumerate / FreeLibrary
 *                       again and again: Wine's builtin first, until it
 *                       is gone, then this DLL (which keeps the builtin
 *                       it loaded as its host, so the order matters). */
#include "sspi_bench.h"

#define RELOADS 41

struct load_times {
    double load_ns, enum_ns;
    ULONG packages;
};

static void load_enumerate(const WCHAR *path, struct load_times *t, BOOL unload)
{
    ENUMERATE_SECURITY_PACKAGES_FN_W enumerate;
    FREE_CONTEXT_BUFFER_FN free_buffer;
    PSecPkgInfoW info = NULL;
    HMODULE m;

    uint64_t t0 = bench_now();
    if (!(m = LoadLibraryW(path))) bench_fail("cannot load %ls: %lu\n", path, GetLastError());
    uint64_t t1 = bench_now();
    enumerate = (ENUMERATE_SECURITY_PACKAGES_FN_W)(void *)GetProcAddress(m, "EnumerateSecurityPackagesW");
    if (!enumerate) bench_fail("%ls has no EnumerateSecurityPackagesW\n", path);
    ST_CHECK(enumerate(&t->packages, &info), SEC_E_OK);
    uint64_t t2 = bench_now();
    t->load_ns = bench_ns(t1 - t0);
    t->enum_ns = bench_ns(t2 - t1);
    free_buffer = (FREE_CONTEXT_BUFFER_FN)(void *)GetProcAddress(m, "FreeContextBuffer");
    if (free_buffer) free_buffer(info);
    if (unload) FreeLibrary(m);
}

static BOOL is_ours(const WCHAR *path)
{
    HMODULE m = GetModuleHandleW(path);
    return m && GetProcAddress(m, "SspiShimVersion") != NULL;
}

void bench_cold(const char *which)
{
    WCHAR path[MAX_PATH];
    struct load_times t;
    char id[64];
    BOOL ours = !strcmp(which, "ours");

    if (ours) path_ours(path, MAX_PATH);
    else path_builtin(path, MAX_PATH);
    if (GetModuleHandleW(L"secur32.dll")) bench_fail("secur32 is loaded before the benchmark\n");
    load_enumerate(path, &t, FALSE);
    if (is_ours(path) != ours) bench_fail("%ls: loaded the wrong secur32\n", path);
    snprintf(id, sizeof(id), "cold.%s", which);
    printf("sample\t%s\t%.6g\t%.6g\t%lu\n", id, t.load_ns + t.enum_ns, t.load_ns, (unsigned long)t.packages);
}

static void reload(const char *which, const WCHAR *path)
{
    double total[RELOADS], load[RELOADS];
    struct load_times t;
    struct bench_stats st;
    char id[64];

    for (int i = 0; i < RELOADS; i++) {
        load_enumerate(path, &t, TRUE);
        total[i] = t.load_ns + t.enum_ns;
        load[i] = t.load_ns;
    }
    snprintf(id, sizeof(id), "reload.%s", which);
    bench_summarize(total, RELOADS, &st);
    bench_print_time(id, &st, 1);
    snprintf(id, sizeof(id), "reload.%s.load", which);
    bench_summarize(load, RELOADS, &st);
    bench_print_time(id, &st, 1);
    snprintf(id, sizeof(id), "reload.%s.packages", which);
    bench_value(id, t.packages, "packages");
    snprintf(id, sizeof(id), "reload.%s.unloads", which);
    bench_value(id, GetModuleHandleW(path) == NULL, "1 if FreeLibrary unloaded it");
}

void bench_reload(void)
{
    WCHAR ours[MAX_PATH], builtin[MAX_PATH];

    path_ours(ours, MAX_PATH);
    path_builtin(builtin, MAX_PATH);
    reload("builtin", builtin);
    reload("ours", ours);
}
