/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* A user's program, as tests/dist/run.sh builds it: with pkg-config against
 * an installed sspishim.  It says which secur32.dll it got, with the
 * version resource read through Wine's version.dll, and whether that and
 * the DLL's own SspiShimVersion agree.  Exit code 0 when they do. */
#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdio.h>
#include <string.h>

#include <sspishim/sspishim.h>

static const char *resource_string(void *info, const char *name)
{
    char path[64];
    char *value = NULL;
    UINT len = 0;
    snprintf(path, sizeof(path), "\\StringFileInfo\\040904B0\\%s", name);
    return VerQueryValueA(info, path, (void **)&value, &len) && len ? value : "(none)";
}

int main(void)
{
    char dll[MAX_PATH];
    static char info[16384];
    HMODULE m = GetModuleHandleA("secur32.dll");
    if (!m || !GetModuleFileNameA(m, dll, sizeof(dll))) return 2;
    DWORD size = GetFileVersionInfoSizeA(dll, NULL);
    if (!size || size > sizeof(info) || !GetFileVersionInfoA(dll, 0, sizeof(info), info)) {
        printf("probe: %s has no version resource\n", dll);
        return 1;
    }
    const char *file_version = resource_string(info, "FileVersion");
    const char *product = resource_string(info, "ProductName");
    ULONG count = 0;
    PSecPkgInfoA pkgs = NULL;
    SECURITY_STATUS st = EnumerateSecurityPackagesA(&count, &pkgs);
    if (st == SEC_E_OK) FreeContextBuffer(pkgs);
    printf("probe: %s: SspiShimVersion %s, FileVersion %s, ProductName %s, %lu packages\n", dll,
           SspiShimVersion(), file_version, product, (unsigned long)count);
    return strcmp(file_version, SspiShimVersion()) || strcmp(product, "sspishim") || st != SEC_E_OK;
}
