/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals shared by the DLL's files.  The DLL is a thin layer: entry
 * points, handle checks, Windows types, delegation; the work is in core/. */
#ifndef SSPISHIM_SECUR32_PRIVATE_H
#define SSPISHIM_SECUR32_PRIVATE_H

#define SECURITY_WIN32
#define _NO_KSECDD_IMPORT_
#include <windows.h>
#include <sspi.h>

#include "sspishim/debug.h"
#include "sspishim/handles.h"
#include "sspishim/registry.h"

/* The core's mirror types are the Windows ones, byte for byte. */
_Static_assert(sizeof(struct shim_buffer) == sizeof(SecBuffer), "SecBuffer");
_Static_assert(sizeof(struct shim_buffer_desc) == sizeof(SecBufferDesc), "SecBufferDesc");
_Static_assert(sizeof(struct shim_handle) == sizeof(SecHandle), "SecHandle");
_Static_assert(sizeof(shim_wchar) == sizeof(WCHAR), "WCHAR");
_Static_assert(SHIM_E_INVALID_HANDLE == SEC_E_INVALID_HANDLE, "status values");
_Static_assert(SHIM_E_UNSUPPORTED_FUNCTION == SEC_E_UNSUPPORTED_FUNCTION, "status values");
_Static_assert(SHIM_E_SECPKG_NOT_FOUND == SEC_E_SECPKG_NOT_FOUND, "status values");
_Static_assert(SHIM_I_CONTINUE_NEEDED == SEC_I_CONTINUE_NEEDED, "status values");

#define SHIM_H(h) ((const struct shim_handle *)(h))
#define WSTR(s)   ((const shim_wchar *)(s))

/* main.c */
extern HMODULE secur32_module;
extern LONG secur32_live_tokens;     /* token handles we opened and not yet closed */
void secur32_register_own_packages(void);

/* host.c: the host secur32 (Wine's builtin) and its packages */
HMODULE host_module(void);           /* loads on first use; NULL when unavailable */
BOOL host_loaded(void);              /* without loading */
FARPROC host_proc(const char *name); /* NULL when the host lacks it */
void host_register_packages(void);   /* registry loader */
const WCHAR *host_status(void);      /* how the host was found, for diagnostics */
/* QueryCredentialsAttributesA through the host's own A entry point, for its
 * credentials (TRUE, *st its answer); FALSE for any other. */
BOOL host_query_cred_a(PCredHandle cred, ULONG attr, void *buf, SECURITY_STATUS *st);

/* host.c: a SecurityFunctionTableW served by another DLL (the host, or a
 * third-party SSP), its packages registered as ours with handles wrapping
 * the DLL's own */
struct foreign;
/* Validates and copies the table; NULL, with a warning naming origin, when it
 * is missing, of an unknown version or lacks the functions every package needs. */
struct foreign *foreign_new(const SecurityFunctionTableW *table, HMODULE module, const WCHAR *origin);
void foreign_free(struct foreign *f);    /* only while none of its packages is registered */
/* Registers the table's packages with these flags; returns how many are new,
 * and in *present how many were already registered by that name. */
size_t foreign_register(struct foreign *f, uint32_t flags, size_t *present);
const WCHAR *foreign_origin(const struct shim_package *pkg);   /* NULL unless foreign */

/* providers.c: third-party SSP DLLs (the SecurityProviders registry value,
 * AddSecurityPackage) */
void providers_register_packages(void);  /* the SecurityProviders value */
BOOL providers_claimed(const WCHAR *name);  /* offered by a DLL of that value */
void secur32_load_foreign_packages(void);   /* registry loader: those, then the host's */

/* strings.c: ANSI <-> UTF-16 with the ANSI code page; results from the
 * caller allocator (sys_caller_alloc), released with str_free */
WCHAR *str_a_to_w(const char *s);
char *str_w_to_a(const WCHAR *s);
void str_free(void *p);
/* Converted copies of caller-owned SecPkgInfoW arrays (one block, as Windows
 * returns them), allocated with the caller allocator. */
SECURITY_STATUS pkginfo_w_to_a(const SecPkgInfoW *w, ULONG count, SecPkgInfoA **out);

/* SetCredentialsAttributes is in the function tables but not exported by
 * secur32 (Windows exports it from sspicli only). */
SECURITY_STATUS WINAPI secur32_SetCredentialsAttributesW(PCredHandle cred, ULONG attr, void *buf, ULONG size);
SECURITY_STATUS WINAPI secur32_SetCredentialsAttributesA(PCredHandle cred, ULONG attr, void *buf, ULONG size);

/* Handle lookups with the trace every entry point wants. */
struct shim_object *cred_get(PCredHandle h);
struct shim_object *ctx_get(PCtxtHandle h);

/* A context whose handle is gone (or never came): its package lets go of
 * it, then the caller's reference goes.  Returns the package's status. */
SECURITY_STATUS ctx_release(struct shim_object *ctx);
/* A new context from a package gets its handle; when none can be had, the
 * context is released and the handle table's error returned. */
SECURITY_STATUS ctx_insert(struct shim_object *ctx, PCtxtHandle h);

#endif
