/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Exports that take no SSPI handle and that the host secur32 implements
 * (user and computer names) are passed to it as they are; the LSA client
 * calls and TranslateName are passed on after checks, in lsa.c.
 * Deliberately without sspi.h or ntsecapi.h: each forwarder only
 * moves pointer-sized arguments, and the host's prototype is the contract.
 * When the host cannot be loaded or lacks the function, the call fails the
 * way that function documents failure. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "sspishim/debug.h"

FARPROC host_proc(const char *name);

typedef ULONG_PTR A;   /* one argument slot */

/* Failure of a BOOLEAN-returning function: FALSE, and the reason in
 * GetLastError. */
static A bool_failure(void)
{
    SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
    return FALSE;
}

#define FAIL_BOOL  bool_failure()

#define FORWARD(name, fail, params, args, types)                                  \
    A WINAPI name params;                                                         \
    A WINAPI name params                                                          \
    {                                                                             \
        static A (WINAPI *fn) types;                                              \
        TRACE("forwarding to the host\n");                                        \
        if (!fn) fn = (A (WINAPI *) types)(void *)host_proc(#name);               \
        if (!fn) {                                                                \
            WARN("the host has no %s\n", #name);                                  \
            return fail;                                                          \
        }                                                                         \
        return fn args;                                                           \
    }

#define P3 (A a, A b, A c)
#define V3 (a, b, c)
#define T3 (A, A, A)

/* secext.h */
FORWARD(GetComputerObjectNameA, FAIL_BOOL, P3, V3, T3)
FORWARD(GetComputerObjectNameW, FAIL_BOOL, P3, V3, T3)
FORWARD(GetUserNameExA, FAIL_BOOL, P3, V3, T3)
FORWARD(GetUserNameExW, FAIL_BOOL, P3, V3, T3)
