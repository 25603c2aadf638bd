/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The core's platform hooks on Windows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
