/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* sspi_bench.exe MODE: one benchmark per Wine start (bench/run.sh runs them
 * all).  Modes: calib, export, seal, handshake, scale [CONTEXTS],
 * cold ours|builtin, reload, handoff, handoff-count (handoff-worker IN OUT:
 * the process the handoff benchmark starts). */
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


int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (!strcmp(mode, "calib")) raw_seal_calibrate("wine");
    else if (!strcmp(mode, "cold")) bench_cold(argc > 2 ? argv[2] : "ours");
    else if (!strcmp(mode, "reload")) bench_reload();
    else {
        load_ours();
        if (!strcmp(mode, "export")) bench_export();
        else if (!strcmp(mode, "seal")) bench_seal();
        else if (!strcmp(mode, "handshake")) bench_handshake();
        else if (!strcmp(mode, "handoff")) bench_handoff();
        else if (!strcmp(mode, "handoff-count")) bench_handoff_count();
        else if (!strcmp(mode, "handoff-worker") && argc > 3) bench_handoff_worker(argv[2], argv[3]);
        else if (!strcmp(mode, "scale")) bench_scale(argc > 2 ? atol(argv[2]) : 100000);
        else bench_fail("usage: sspi_bench calib|export|seal|handshake|scale [N]|handoff|handoff-count|cold ours|builtin|reload\n");
    }
    return 0;
}
