/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Portable mirrors of the SSPI types the core works with.  The layouts are
 * identical to the Windows ones (SecBuffer, SecBufferDesc, SecHandle), so the
 * DLL passes the caller's structures straight through; dlls/secur32 checks
 * that with static assertions. */
#ifndef SSPISHIM_TYPES_H
#define SSPISHIM_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t shim_status;   /* SECURITY_STATUS */
typedef uint16_t shim_wchar;   /* WCHAR: UTF-16 code unit on every platform */

#define SHIM_OK                         ((shim_status)0x00000000)
#define SHIM_I_CONTINUE_NEEDED          ((shim_status)0x00090312)
#define SHIM_I_COMPLETE_NEEDED          ((shim_status)0x00090313)
#define SHIM_I_COMPLETE_AND_CONTINUE    ((shim_status)0x00090314)
#define SHIM_E_INSUFFICIENT_MEMORY      ((shim_status)0x80090300)
#define SHIM_E_INVALID_HANDLE           ((shim_status)0x80090301)
#define SHIM_E_UNSUPPORTED_FUNCTION     ((shim_status)0x80090302)
#define SHIM_E_TARGET_UNKNOWN           ((shim_status)0x80090303)
#define SHIM_E_INTERNAL_ERROR           ((shim_status)0x80090304)
#define SHIM_E_SECPKG_NOT_FOUND         ((shim_status)0x80090305)
#define SHIM_E_NOT_OWNER                ((shim_status)0x80090306)
#define SHIM_E_INVALID_TOKEN            ((shim_status)0x80090308)
#define SHIM_E_CANNOT_PACK              ((shim_status)0x80090309)
#define SHIM_E_QOP_NOT_SUPPORTED        ((shim_status)0x8009030a)
#define SHIM_E_NO_IMPERSONATION         ((shim_status)0x8009030b)
#define SHIM_E_LOGON_DENIED             ((shim_status)0x8009030c)
#define SHIM_E_UNKNOWN_CREDENTIALS      ((shim_status)0x8009030d)
#define SHIM_E_NO_CREDENTIALS           ((shim_status)0x8009030e)
#define SHIM_E_MESSAGE_ALTERED          ((shim_status)0x8009030f)
#define SHIM_E_OUT_OF_SEQUENCE          ((shim_status)0x80090310)
#define SHIM_E_CONTEXT_EXPIRED          ((shim_status)0x80090317)
#define SHIM_E_INCOMPLETE_MESSAGE       ((shim_status)0x80090318)
#define SHIM_E_BUFFER_TOO_SMALL         ((shim_status)0x80090321)
#define SHIM_E_WRONG_PRINCIPAL          ((shim_status)0x80090322)
#define SHIM_E_DECRYPT_FAILURE          ((shim_status)0x80090330)
#define SHIM_E_INVALID_PARAMETER        ((shim_status)0x8009035d)
#define SHIM_E_TIME_SKEW                ((shim_status)0x80090324)
#define SHIM_E_NO_AUTHENTICATING_AUTHORITY ((shim_status)0x80090311)
#define SHIM_E_ALGORITHM_MISMATCH       ((shim_status)0x80090331)
#define SHIM_E_BAD_BINDINGS             ((shim_status)0x80090346)

/* TimeStamp "never", as Windows' SSPI reports it in expiry times
 * (30828-09-14): every package's credentials, and contexts without an end. */
#define SHIM_TIME_NEVER                 ((int64_t)0x7fffff36d5969fffLL)

/* SecBuffer / SecBufferDesc / SecHandle */
struct shim_buffer {
    uint32_t cb;
    uint32_t type;
    void *pv;
};

struct shim_buffer_desc {
    uint32_t version;
    uint32_t count;
    struct shim_buffer *buffers;
};

struct shim_handle {
    uintptr_t lower;
    uintptr_t upper;
};

#define SHIM_BUFFER_EMPTY        0
#define SHIM_BUFFER_DATA         1
#define SHIM_BUFFER_TOKEN        2
#define SHIM_BUFFER_PADDING      9
#define SHIM_BUFFER_STREAM       10
#define SHIM_BUFFER_ATTRMASK     0xf0000000u
#define SHIM_BUFFER_READONLY     0x80000000u
#define SHIM_BUFFER_READONLY_WITH_CHECKSUM 0x10000000u

#define SHIM_CRED_INBOUND        0x1
#define SHIM_CRED_OUTBOUND       0x2
#define SHIM_CRED_BOTH           0x3

#endif
