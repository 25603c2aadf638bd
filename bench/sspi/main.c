/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* sspi_bench.exe MODE: one benchmark per Wine start (bench/run.sh runs them
 * all).  Modes: calib, export, seal, handshake, scale [CONTEXTS],
 * cold ours|builtin, reload. */
#include <wchar.h>

#include "sspi_bench.h"
#include "../raw_seal.h"

PSecurityFunctionTableW sspi;
HMODULE sspi_module;

static void exe_dir(WCHAR *out, size_t max)
{
    DWORD n = GetModuleFileNameW(NULL, out, (DWORD)max);
    if (!n || n >= max) bench_fail("GetModuleFileNameW failed\n");
    WCHAR *slash = wcsrchr(out, L'\\');
    if (slash) *slash = 0;
}

void path_ours(WCHAR *out, size_t max)
{
    exe_dir(out, max);
    if (wcslen(out) + 14 >= max) bench_fail("path too long\n");
    wcscat(out, L"\\secur32.dll");
}

void path_builtin(WCHAR *out, size_t max)
{
    UINT n = GetSystemDirectoryW(out, (UINT)max);
    if (!n || n + 14 >= max) bench_fail("GetSystemDirectoryW failed\n");
    wcscat(out, L"\\secur32.dll");
}

void load_ours(void)
{
    WCHAR path[MAX_PATH];
    INIT_SECURITY_INTERFACE_W init;

    path_ours(path, MAX_PATH);
    if (!(sspi_module = LoadLibraryW(path))) bench_fail("cannot load %ls: %lu\n", path, GetLastError());
    /* Make sure the override took: Wine's builtin has no such export. */
    if (!GetProcAddress(sspi_module, "SspiShimVersion"))
        bench_fail("%ls is not sspishim (is WINEDLLOVERRIDES=secur32=n,b set?)\n", path);
    init = (INIT_SECURITY_INTERFACE_W)(void *)GetProcAddress(sspi_module, "InitSecurityInterfaceW");
    if (!init || !(sspi = init())) bench_fail("no InitSecurityInterfaceW table\n");
}

/* The raw sealing loop alone, at the three message sizes: run here and in
 * the native gss_bench, it shows what Wine costs CPU-bound code. */
void bench_calib(void)
{
    static const size_t sizes[] = { 64, 1024, 65536 };
    static uint8_t buf[65536];

    for (int i = 0; i < 3; i++) {
        struct raw_seal r;
        char id[64];
        snprintf(id, sizeof(id), "calib.wine.%u", (unsigned)sizes[i]);
        raw_seal_init(&r, buf, sizes[i]);
        struct bench_case c = { id, raw_seal_run, &r, 0, { 0 } };
        bench_one(&c);
        if (r.mismatches) bench_fail("raw loop: %u mismatches\n", r.mismatches);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (!strcmp(mode, "calib")) bench_calib();
    else if (!strcmp(mode, "cold")) bench_cold(argc > 2 ? argv[2] : "ours");
    else if (!strcmp(mode, "reload")) bench_reload();
    else {
        load_ours();
        if (!strcmp(mode, "export")) bench_export();
        else if (!strcmp(mode, "seal")) bench_seal();
        else if (!strcmp(mode, "handshake")) bench_handshake();
        else if (!strcmp(mode, "scale")) bench_scale(argc > 2 ? atol(argv[2]) : 100000);
        else bench_fail("usage: sspi_bench calib|export|seal|handshake|scale [N]|cold ours|builtin|reload\n");
    }
    return 0;
}
