/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every package does with a server context's client token
 * (ImpersonateSecurityContext, RevertSecurityContext,
 * QuerySecurityContextToken), once the package has found the token: NULL
 * for a client context, or one not (or no longer) established. */
#ifndef SSPISHIM_CTX_TOKEN_H
#define SSPISHIM_CTX_TOKEN_H

#include <stdbool.h>

#include "sspishim/sys.h"
#include "sspishim/types.h"

/* The thread runs as the client: SEC_E_NO_IMPERSONATION without a token. */
shim_status ctx_token_impersonate(sys_token t);
/* Back to the thread's own: only a server context impersonates. */
shim_status ctx_token_revert(bool server);
/* A handle of the caller's own to the token (it closes it). */
shim_status ctx_token_for_caller(sys_token t, void **out);

#endif
