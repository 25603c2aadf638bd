/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The debug channel: SSPISHIM_DEBUG turns on a trace of each call with its
 * arguments and result; unset, the DLL says nothing.  The DLL reads the
 * variables when it loads, so each case runs this program again as a child
 * with the environment set. */
#define TEST_NAME "debug"
#include "test.h"
#include <stdlib.h>

static char *run_child(const char *self, const char *level, const char *file)
{
    char cmd[MAX_PATH * 2];
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    PROCESS_INFORMATION pi;
    DeleteFileA(file);
    SetEnvironmentVariableA("SSPISHIM_DEBUG", level);
    SetEnvironmentVariableA("SSPISHIM_DEBUG_FILE", file);
    snprintf(cmd, sizeof(cmd), "\"%s\" child", self);
    BOOL ok_ = CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
    SetEnvironmentVariableA("SSPISHIM_DEBUG", NULL);
    SetEnvironmentVariableA("SSPISHIM_DEBUG_FILE", NULL);
    ok(ok_, "CreateProcess failed: %lu\n", GetLastError());
    if (!ok_) return NULL;
    WaitForSingleObject(pi.hProcess, 30000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    HANDLE f = CreateFileA(file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return calloc(1, 1);
    DWORD size = GetFileSize(f, NULL), got = 0;
    char *text = calloc(1, size + 1);
    ReadFile(f, text, size, &got, NULL);
    CloseHandle(f);
    DeleteFileA(file);
    return text;
}

static void child(void)
{
    CtxtHandle bogus = { 1, 2 };
    PSecPkgInfoW info;
    DeleteSecurityContext(&bogus);
    QuerySecurityPackageInfoW((SEC_WCHAR *)L"NoSuchPackage", &info);
}

static void run_tests(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        child();
        exit(0);   /* no summary line of its own */
    }
    char self[MAX_PATH], file[MAX_PATH], dir[MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof(self));
    GetTempPathA(sizeof(dir), dir);
    GetTempFileNameA(dir, "dbg", 0, file);

    char *text = run_child(self, "trace", file);
    if (text) {
        ok(strstr(text, ":trace:sspishim:DeleteSecurityContext ({0x1,0x2})") != NULL,
           "no trace of the call with its arguments:\n%s\n", text);
        ok(strstr(text, "-> 80090301") != NULL, "no trace of the result SEC_E_INVALID_HANDLE:\n%s\n", text);
        ok(strstr(text, "QuerySecurityPackageInfoW (L\"NoSuchPackage\"") != NULL, "no trace of a W string argument\n");
        ok(strstr(text, ":warn:sspishim:DeleteSecurityContext bad context handle") != NULL, "no warning for the bad handle\n");
        free(text);
    }
    text = run_child(self, "warn", file);
    if (text) {
        ok(strstr(text, ":warn:sspishim:") != NULL, "SSPISHIM_DEBUG=warn shows no warning\n");
        ok(strstr(text, ":trace:") == NULL, "SSPISHIM_DEBUG=warn shows traces:\n%s\n", text);
        free(text);
    }
    text = run_child(self, NULL, file);
    if (text) {
        ok(text[0] == 0, "debug output with SSPISHIM_DEBUG unset:\n%s\n", text);
        free(text);
    }
}
