/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The LSA client calls and TranslateName, passed to the host secur32 after
 * the checks the host does not make.  Wine's builtin writes through its
 * output pointers without looking and takes an LSA handle for a pointer to
 * its own structure, so a NULL output, or a made-up, stale or twice
 * deregistered handle, would crash the caller.  Here:
 *  - a NULL where a result must go is STATUS_INVALID_PARAMETER (TranslateName:
 *    FALSE with ERROR_INVALID_PARAMETER);
 *  - only handles this DLL handed out (LsaConnectUntrusted,
 *    LsaRegisterLogonProcess) and not yet deregistered reach the host; any
 *    other is STATUS_INVALID_HANDLE.
 * What the host answers otherwise is passed back as it is; without a host
 * every call fails the way its function documents failure. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "sspishim/debug.h"

FARPROC host_proc(const char *name);

#define STATUS_SUCCESS_           ((LONG)0x00000000)
#define STATUS_NOT_IMPLEMENTED_   ((LONG)0xC0000002)
#define STATUS_INVALID_HANDLE_    ((LONG)0xC0000008)
#define STATUS_INVALID_PARAMETER_ ((LONG)0xC000000D)
#define STATUS_NO_MEMORY_         ((LONG)0xC0000017)

typedef ULONG_PTR A;   /* one argument slot, as in forward.c; statuses are NTSTATUS (a LONG) */

/* ---- the handles we handed out ------------------------------------------ */

static SRWLOCK lock = SRWLOCK_INIT;
static HANDLE *live;
static size_t n_live, cap_live;

static BOOL handle_add(HANDLE h)
{
    BOOL ok = TRUE;
    AcquireSRWLockExclusive(&lock);
    if (n_live == cap_live) {
        size_t cap = cap_live ? cap_live * 2 : 8;
        HANDLE *grown = live ? HeapReAlloc(GetProcessHeap(), 0, live, cap * sizeof(*live))
                             : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*live));
        if (grown) {
            live = grown;
            cap_live = cap;
        } else {
            ok = FALSE;
        }
    }
    if (ok) live[n_live++] = h;
    ReleaseSRWLockExclusive(&lock);
    return ok;
}

static BOOL handle_known(HANDLE h)
{
    BOOL found = FALSE;
    AcquireSRWLockShared(&lock);
    for (size_t i = 0; i < n_live && !found; i++) found = live[i] == h;
    ReleaseSRWLockShared(&lock);
    if (!found) WARN("LSA handle %p is not one of ours\n", h);
    return found;
}

/* Removes h; FALSE when it was not there (so one deregistration wins). */
static BOOL handle_remove(HANDLE h)
{
    BOOL found = FALSE;
    AcquireSRWLockExclusive(&lock);
    for (size_t i = 0; i < n_live; i++) {
        if (live[i] != h) continue;
        live[i] = live[--n_live];
        found = TRUE;
        break;
    }
    ReleaseSRWLockExclusive(&lock);
    if (!found) WARN("LSA handle %p is not one of ours\n", h);
    return found;
}

/* The host's function, or NULL (traced). */
static FARPROC host_fn(const char *name)
{
    FARPROC fn = host_proc(name);
    if (!fn) WARN("the host has no %s\n", name);
    return fn;
}

#define HOST(name, type) ((type)(void *)host_fn(name))

/* ---- the calls -------------------------------------------------------------- */

LONG WINAPI LsaConnectUntrusted(HANDLE *handle)
{
    TRACE("(%p)\n", (void *)handle);
    if (!handle) return STATUS_INVALID_PARAMETER_;
    LONG (WINAPI *fn)(HANDLE *) = HOST("LsaConnectUntrusted", LONG (WINAPI *)(HANDLE *));
    if (!fn) return STATUS_NOT_IMPLEMENTED_;
    LONG st = fn(handle);
    if (st == STATUS_SUCCESS_ && !handle_add(*handle)) {
        LONG (WINAPI *dereg)(HANDLE) = HOST("LsaDeregisterLogonProcess", LONG (WINAPI *)(HANDLE));
        if (dereg) dereg(*handle);
        *handle = NULL;
        st = STATUS_NO_MEMORY_;
    }
    return st;
}

LONG WINAPI LsaRegisterLogonProcess(void *name, HANDLE *handle, void *mode)
{
    TRACE("(%p, %p, %p)\n", name, (void *)handle, mode);
    if (!handle || !name) return STATUS_INVALID_PARAMETER_;
    LONG (WINAPI *fn)(void *, HANDLE *, void *) =
        HOST("LsaRegisterLogonProcess", LONG (WINAPI *)(void *, HANDLE *, void *));
    if (!fn) return STATUS_NOT_IMPLEMENTED_;
    LONG st = fn(name, handle, mode);
    if (st == STATUS_SUCCESS_ && !handle_add(*handle)) {
        LONG (WINAPI *dereg)(HANDLE) = HOST("LsaDeregisterLogonProcess", LONG (WINAPI *)(HANDLE));
        if (dereg) dereg(*handle);
        *handle = NULL;
        st = STATUS_NO_MEMORY_;
    }
    return st;
}

LONG WINAPI LsaDeregisterLogonProcess(HANDLE handle)
{
    TRACE("(%p)\n", handle);
    if (!handle_remove(handle)) return STATUS_INVALID_HANDLE_;
    LONG (WINAPI *fn)(HANDLE) = HOST("LsaDeregisterLogonProcess", LONG (WINAPI *)(HANDLE));
    return fn ? fn(handle) : STATUS_SUCCESS_;
}

LONG WINAPI LsaLookupAuthenticationPackage(HANDLE handle, void *name, ULONG *package)
{
    TRACE("(%p, %p, %p)\n", handle, name, (void *)package);
    if (!handle_known(handle)) return STATUS_INVALID_HANDLE_;
    if (!name || !package) return STATUS_INVALID_PARAMETER_;
    LONG (WINAPI *fn)(HANDLE, void *, ULONG *) =
        HOST("LsaLookupAuthenticationPackage", LONG (WINAPI *)(HANDLE, void *, ULONG *));
    return fn ? fn(handle, name, package) : STATUS_NOT_IMPLEMENTED_;
}

LONG WINAPI LsaCallAuthenticationPackage(HANDLE handle, ULONG package, void *in, ULONG in_len, void **out,
                                             ULONG *out_len, LONG *status)
{
    TRACE("(%p, %lu, %p, %lu, %p, %p, %p)\n", handle, (unsigned long)package, in, (unsigned long)in_len,
          (void *)out, (void *)out_len, (void *)status);
    if (!handle_known(handle)) return STATUS_INVALID_HANDLE_;
    /* Windows empties the outputs it is given before it checks the rest
     * (Wine 10's negotiate test: size 0 and STATUS_SUCCESS beside
     * STATUS_INVALID_PARAMETER for a NULL return buffer). */
    if (out_len) *out_len = 0;
    if (status) *status = STATUS_SUCCESS_;
    if (!out || !out_len || !status || (in_len && !in)) return STATUS_INVALID_PARAMETER_;
    LONG (WINAPI *fn)(HANDLE, ULONG, void *, ULONG, void **, ULONG *, LONG *) =
        HOST("LsaCallAuthenticationPackage", LONG (WINAPI *)(HANDLE, ULONG, void *, ULONG, void **, ULONG *, LONG *));
    return fn ? fn(handle, package, in, in_len, out, out_len, status) : STATUS_NOT_IMPLEMENTED_;
}

/* Fourteen arguments, passed on as argument slots: only the handle is ours
 * to check. */
LONG WINAPI LsaLogonUser(HANDLE handle, A b, A c, A d, A e, A f, A g, A h, A i, A j, A k, A l, A m, A n)
{
    TRACE("(%p, ...)\n", handle);
    if (!handle_known(handle)) return STATUS_INVALID_HANDLE_;
    LONG (WINAPI *fn)(HANDLE, A, A, A, A, A, A, A, A, A, A, A, A, A) =
        HOST("LsaLogonUser", LONG (WINAPI *)(HANDLE, A, A, A, A, A, A, A, A, A, A, A, A, A));
    return fn ? fn(handle, b, c, d, e, f, g, h, i, j, k, l, m, n) : STATUS_NOT_IMPLEMENTED_;
}

LONG WINAPI LsaEnumerateLogonSessions(ULONG *count, void **list)
{
    TRACE("(%p, %p)\n", (void *)count, (void *)list);
    if (!count || !list) return STATUS_INVALID_PARAMETER_;
    LONG (WINAPI *fn)(ULONG *, void **) = HOST("LsaEnumerateLogonSessions", LONG (WINAPI *)(ULONG *, void **));
    return fn ? fn(count, list) : STATUS_NOT_IMPLEMENTED_;
}

LONG WINAPI LsaGetLogonSessionData(LUID *logon_id, void **data)
{
    TRACE("(%p, %p)\n", (void *)logon_id, (void *)data);
    if (!logon_id || !data) return STATUS_INVALID_PARAMETER_;
    LONG (WINAPI *fn)(LUID *, void **) = HOST("LsaGetLogonSessionData", LONG (WINAPI *)(LUID *, void **));
    return fn ? fn(logon_id, data) : STATUS_NOT_IMPLEMENTED_;
}

LONG WINAPI LsaFreeReturnBuffer(void *buffer)
{
    TRACE("(%p)\n", buffer);
    if (!buffer) return STATUS_SUCCESS_;
    LONG (WINAPI *fn)(void *) = HOST("LsaFreeReturnBuffer", LONG (WINAPI *)(void *));
    return fn ? fn(buffer) : STATUS_NOT_IMPLEMENTED_;
}

/* ---- TranslateName ------------------------------------------------------------ */

/* The name formats are an enum in secext.h; slots keep this file free of it. */
static BOOLEAN translate(const char *name, const void *account, A from, A to, void *out, ULONG *size)
{
    if (!account || !size) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    BOOLEAN (WINAPI *fn)(const void *, A, A, void *, ULONG *) =
        (BOOLEAN (WINAPI *)(const void *, A, A, void *, ULONG *))(void *)host_fn(name);
    if (!fn) {
        SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
        return FALSE;
    }
    return fn(account, from, to, out, size);
}

BOOLEAN WINAPI TranslateNameA(const char *account, A from, A to, char *out, ULONG *size)
{
    TRACE("(%s, %lu, %lu, %p, %p)\n", dbg_astr(account), (unsigned long)from, (unsigned long)to, (void *)out,
          (void *)size);
    return translate("TranslateNameA", account, from, to, out, size);
}

BOOLEAN WINAPI TranslateNameW(const WCHAR *account, A from, A to, WCHAR *out, ULONG *size)
{
    TRACE("(%s, %lu, %lu, %p, %p)\n", dbg_wstr((const shim_wchar *)account), (unsigned long)from,
          (unsigned long)to, (void *)out, (void *)size);
    return translate("TranslateNameW", account, from, to, out, size);
}
