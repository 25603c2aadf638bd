/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate server (SPNEGO over NTLM) through its package's ops table,
 * as AcceptSecurityContext drives it: the input is the client's
 * NegTokenInit and its NegTokenResp with the AUTHENTICATE and mechListMIC
 * (fz_split).  The world is fixed (fuzz.h), so the seeds log on and
 * mutations reach the MIC checks and the established context.  Nothing
 * may outlive the input. */
#include "fuzz.h"
#include "sspishim/negotiate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_current = negotiate_package();
    fz_world();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *init, *resp;
    size_t init_len, resp_len;
    shim_cred *cred;
    shim_ctx *ctx = NULL;
    struct fz_token out;
    shim_status st;

    fz_current = negotiate_package();
    fz_world();
    fz_split(data, size, &init, &init_len, &resp, &resp_len);
    FZ_ASSERT((cred = fz_cred(NULL, NULL, NULL)) != NULL);
    st = fz_step(false, cred, &ctx, NULL, FZ_SERVER_REQ, init, init_len, &out);
    FZ_ASSERT(st >= 0 ? ctx != NULL : ctx == NULL);
    /* request-mic sends the client back for its NEGOTIATE: a third leg */
    for (int leg = 0; leg < 2 && st == SHIM_I_CONTINUE_NEEDED; leg++)
        st = fz_step(false, NULL, &ctx, NULL, FZ_SERVER_REQ, resp, resp_len, &out);
    FZ_ASSERT(st == SHIM_OK || st == SHIM_I_CONTINUE_NEEDED || st < 0);
    if (st == SHIM_OK)
        fz_exercise(ctx);
    fz_ctx_delete(ctx);
    fz_cred_free(cred);
    fz_check_clean();
    return 0;
}
