/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Exports that take no SSPI handle and that the host secur32 implements
 * (name translation, user names, the LSA client calls) are passed to it as
 * they are.  Deliberately without sspi.h or ntsecapi.h: each forwarder only
 * moves pointer-sized arguments, and the host's prototype is the contract.
 * When the host cannot be loaded or lacks the function, the call fails the
 * way that function documents failure. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "sspishim/debug.h"

FARPROC host_proc(const char *name);

typedef ULONG_PTR A;   /* one argument slot */

#define SEC_E_UNSUPPORTED_FUNCTION_ ((A)(LONG)0x80090302)
#define STATUS_NOT_IMPLEMENTED_     ((A)(LONG)0xC0000002)

/* Failure of a BOOLEAN-returning function: FALSE, and the reason in
 * GetLastError. */
static A bool_failure(void)
{
    SetLastError(ERROR_CALL_NOT_IMPLEMENTED);
    return FALSE;
}

#define FAIL_SEC   SEC_E_UNSUPPORTED_FUNCTION_
#define FAIL_NT    STATUS_NOT_IMPLEMENTED_
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

#define P1 (A a)
#define P2 (A a, A b)
#define P3 (A a, A b, A c)
#define P5 (A a, A b, A c, A d, A e)
#define P7 (A a, A b, A c, A d, A e, A f, A g)
#define P14 (A a, A b, A c, A d, A e, A f, A g, A h, A i, A j, A k, A l, A m, A n)
#define V1 (a)
#define V2 (a, b)
#define V3 (a, b, c)
#define V5 (a, b, c, d, e)
#define V7 (a, b, c, d, e, f, g)
#define V14 (a, b, c, d, e, f, g, h, i, j, k, l, m, n)
#define T1 (A)
#define T2 (A, A)
#define T3 (A, A, A)
#define T5 (A, A, A, A, A)
#define T7 (A, A, A, A, A, A, A)
#define T14 (A, A, A, A, A, A, A, A, A, A, A, A, A, A)

/* secext.h */
FORWARD(GetComputerObjectNameA, FAIL_BOOL, P3, V3, T3)
FORWARD(GetComputerObjectNameW, FAIL_BOOL, P3, V3, T3)
FORWARD(GetUserNameExA, FAIL_BOOL, P3, V3, T3)
FORWARD(GetUserNameExW, FAIL_BOOL, P3, V3, T3)
FORWARD(TranslateNameA, FAIL_BOOL, P5, V5, T5)
FORWARD(TranslateNameW, FAIL_BOOL, P5, V5, T5)

/* ntsecapi.h: the LSA client calls */
FORWARD(LsaCallAuthenticationPackage, FAIL_NT, P7, V7, T7)
FORWARD(LsaConnectUntrusted, FAIL_NT, P1, V1, T1)
FORWARD(LsaDeregisterLogonProcess, FAIL_NT, P1, V1, T1)
FORWARD(LsaEnumerateLogonSessions, FAIL_NT, P2, V2, T2)
FORWARD(LsaFreeReturnBuffer, FAIL_NT, P1, V1, T1)
FORWARD(LsaGetLogonSessionData, FAIL_NT, P2, V2, T2)
FORWARD(LsaLogonUser, FAIL_NT, P14, V14, T14)
FORWARD(LsaLookupAuthenticationPackage, FAIL_NT, P3, V3, T3)
FORWARD(LsaRegisterLogonProcess, FAIL_NT, P3, V3, T3)
