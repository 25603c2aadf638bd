/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ExportSecurityContext / ImportSecurityContext, the package-independent
 * part: flags, the protected envelope (packed.h) under the machine key
 * (machine_key.h), and the token that travels beside the blob.
 *
 * The contract, as the DLL documents it (docs and README):
 * - export: 0, RESET_NEW, DELETE_OLD or both; TO_KERNEL is
 *   SEC_E_NOT_SUPPORTED (== SEC_E_UNSUPPORTED_FUNCTION) and any other bit
 *   SEC_E_INVALID_PARAMETER.  The blob comes from the caller allocator
 *   (FreeContextBuffer).  RESET_NEW: the imported context starts its message
 *   state afresh, as when the handshake had just finished (sequence numbers
 *   0, cipher state newly keyed); without it, it carries on exactly where the
 *   exporter stopped.  DELETE_OLD is the DLL's part: the handle dies.
 *   A server context's token comes back as a new handle (the caller closes
 *   it); a client context, or one without a token, gives NULL.
 * - import: the package name must name the blob's package (case does not
 *   matter), else SEC_E_INVALID_TOKEN; a blob that is not one, truncated,
 *   padded, altered or of another version is SEC_E_INVALID_TOKEN or
 *   SEC_E_UNSUPPORTED_FUNCTION (version), one made under another machine key
 *   SEC_E_DECRYPT_FAILURE.  The token handle is duplicated: the caller keeps
 *   and closes its own.  A bad token handle is SEC_E_INVALID_HANDLE. */
#ifndef SSPISHIM_CONTEXT_EXPORT_H
#define SSPISHIM_CONTEXT_EXPORT_H

#include "sspishim/registry.h"

#define SHIM_EXPORT_RESET_NEW   0x1
#define SHIM_EXPORT_DELETE_OLD  0x2
#define SHIM_EXPORT_TO_KERNEL   0x4

shim_status context_export(shim_ctx *ctx, uint32_t flags, struct shim_buffer *packed, void **token);
shim_status context_import(const shim_wchar *package, const struct shim_buffer *packed, void *token,
                           shim_ctx **ctx);

#endif
