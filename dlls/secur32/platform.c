/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The core's platform hooks on Windows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "secur32_private.h"
#include <bcrypt.h>

#include "sspishim/sys.h"

_Static_assert(sizeof(SRWLOCK) <= sizeof(sys_mutex), "sys_mutex too small");

void sys_mutex_init(sys_mutex *m)
{
    InitializeSRWLock((SRWLOCK *)m->opaque);
}

/* SRWLOCK_INIT is all zero bytes, which is what a static sys_mutex holds. */
void sys_mutex_lock(sys_mutex *m)
{
    AcquireSRWLockExclusive((SRWLOCK *)m->opaque);
}

void sys_mutex_unlock(sys_mutex *m)
{
    ReleaseSRWLockExclusive((SRWLOCK *)m->opaque);
}

int sys_random(void *buf, size_t len)
{
    if (len > 0xffffffffu) return -1;
    NTSTATUS st = BCryptGenRandom(NULL, buf, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    return st == 0 ? 0 : -1;
}

/* The process heap: the same heap Wine's builtin secur32 hands buffers out
 * from, so FreeContextBuffer can also release what a delegated package
 * returned through us. */
void *sys_caller_alloc(size_t size)
{
    return HeapAlloc(GetProcessHeap(), 0, size ? size : 1);
}

void sys_caller_free(void *p)
{
    if (p) HeapFree(GetProcessHeap(), 0, p);
}

/* SSPISHIM_DEBUG_FILE sends the trace to a file (appended) instead of
 * standard error; a GUI program often has no useful standard error. */
static HANDLE debug_handle(void)
{
    static HANDLE h;
    static LONG opened;
    if (InterlockedCompareExchange(&opened, 1, 0) == 0) {
        char path[MAX_PATH];
        DWORD n = GetEnvironmentVariableA("SSPISHIM_DEBUG_FILE", path, sizeof(path));
        if (n && n < sizeof(path))
            h = CreateFileA(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                            OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (!h || h == INVALID_HANDLE_VALUE) h = GetStdHandle(STD_ERROR_HANDLE);
        InterlockedExchange(&opened, 2);
    }
    while (opened != 2) YieldProcessor();
    return h;
}

void sys_debug_write(const char *line)
{
    DWORD written, err = GetLastError();
    HANDLE h = debug_handle();
    if (h && h != INVALID_HANDLE_VALUE) WriteFile(h, line, (DWORD)strlen(line), &written, NULL);
    SetLastError(err);   /* tracing must not disturb the caller's last error */
}

unsigned long sys_thread_id(void)
{
    return GetCurrentThreadId();
}

uint64_t sys_filetime_now(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

LONG secur32_live_tokens;

/* Tokens: client_token.c. */

shim_wchar *sys_current_user(void)
{
    WCHAR name[257];
    DWORD n = sizeof(name) / sizeof(name[0]);
    if (!GetUserNameW(name, &n)) return NULL;
    shim_wchar *out = malloc((wcslen(name) + 1) * sizeof(WCHAR));
    if (out) memcpy(out, name, (wcslen(name) + 1) * sizeof(WCHAR));
    return out;
}

/* The process environment block, which SetEnvironmentVariable changes,
 * rather than the C runtime's copy of it. */
int sys_getenv_ascii(const char *name, char *buf, size_t size)
{
    DWORD n;
    if (!size || size > MAXDWORD) return -1;
    n = GetEnvironmentVariableA(name, buf, (DWORD)size);
    return n && n < size ? 0 : -1;
}

shim_wchar *sys_computer_name(void)
{
    WCHAR name[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = ARRAYSIZE(name);
    DWORD env = GetEnvironmentVariableW(L"SSPISHIM_WORKSTATION", NULL, 0);
    WCHAR *out;
    if (env) {
        if (!(out = malloc(env * sizeof(WCHAR)))) return NULL;
        if (GetEnvironmentVariableW(L"SSPISHIM_WORKSTATION", out, env) < env) return out;
        free(out);
        return NULL;
    }
    if (!GetComputerNameW(name, &n)) return NULL;
    if (!(out = malloc((n + 1) * sizeof(WCHAR)))) return NULL;
    memcpy(out, name, (n + 1) * sizeof(WCHAR));
    return out;
}

/* Paths cross sys.h in UTF-8 (sys_read_file and sys_file_stamp convert
 * them back), so an accounts path in any language survives. */
static char *w_to_utf8(const WCHAR *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *a = n > 0 ? malloc(n) : NULL;
    if (a) WideCharToMultiByte(CP_UTF8, 0, w, -1, a, n, NULL, NULL);
    return a;
}

/* NTLM_USER_FILE as gss-ntlmssp users write it is a Unix path; Wine's
 * kernel32 converts those.  Default: %ProgramData%\sspishim\ntlm-users.txt.
 * The accounts store asks for the path at every step of every handshake,
 * and a conversion costs about 10 us: the last one is kept, keyed by the
 * variable's value. */
static SRWLOCK accounts_lock = SRWLOCK_INIT;
static WCHAR *accounts_unix;     /* the variable's value that was converted */
static char *accounts_dos;       /* what it converted to */

static char *unix_to_dos(const WCHAR *value)
{
    typedef WCHAR *(CDECL *to_dos_fn)(const char *);
    to_dos_fn to_dos = (to_dos_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_dos_file_name");
    char unix_path[MAX_PATH * 3];
    if (!to_dos || !WideCharToMultiByte(CP_UTF8, 0, value, -1, unix_path, sizeof(unix_path), NULL, NULL)) return NULL;
    WCHAR *dos = to_dos(unix_path);
    if (!dos) return NULL;
    char *a = w_to_utf8(dos);
    HeapFree(GetProcessHeap(), 0, dos);
    return a;
}

static char *unix_to_dos_cached(const WCHAR *value)
{
    char *out = NULL, *dos;
    AcquireSRWLockShared(&accounts_lock);
    if (accounts_unix && !wcscmp(accounts_unix, value)) out = _strdup(accounts_dos);
    ReleaseSRWLockShared(&accounts_lock);
    if (out || !(dos = unix_to_dos(value))) return out;
    out = _strdup(dos);
    WCHAR *key = _wcsdup(value);
    AcquireSRWLockExclusive(&accounts_lock);
    if (key) {
        free(accounts_unix);
        free(accounts_dos);
        accounts_unix = key;
        accounts_dos = dos;
        dos = NULL;
    }
    ReleaseSRWLockExclusive(&accounts_lock);
    free(dos);
    return out;
}

char *sys_accounts_path(void)
{
    WCHAR value[MAX_PATH * 2];
    DWORD n = GetEnvironmentVariableW(L"NTLM_USER_FILE", value, MAX_PATH * 2);
    if (n && n < MAX_PATH * 2) {
        if (value[0] == '/') {
            char *dos = unix_to_dos_cached(value);
            if (dos) return dos;
        }
        return w_to_utf8(value);
    }
    n = GetEnvironmentVariableW(L"ProgramData", value, MAX_PATH);
    if (!n || n >= MAX_PATH) wcscpy(value, L"C:\\ProgramData");
    wcscat(value, L"\\sspishim\\ntlm-users.txt");
    return w_to_utf8(value);
}
