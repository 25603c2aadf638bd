/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* See ctx_token.h. */
#include "sspishim/ctx_token.h"
#include "sspishim/debug.h"

shim_status ctx_token_impersonate(sys_token t)
{
    if (!t)
        return SHIM_E_NO_IMPERSONATION;
    return sys_impersonate(t) ? SHIM_E_NO_IMPERSONATION : SHIM_OK;
}

shim_status ctx_token_revert(bool server)
{
    if (!server)
        return SHIM_E_NO_IMPERSONATION;
    return sys_revert() ? SHIM_E_INTERNAL_ERROR : SHIM_OK;
}

shim_status ctx_token_for_caller(sys_token t, void **out)
{
    if (!t)
        return SHIM_E_NO_IMPERSONATION;
    if (sys_token_duplicate_for_caller(t, out)) {
        WARN("cannot duplicate the context's token\n");
        return SHIM_E_INTERNAL_ERROR;
    }
    return SHIM_OK;
}
