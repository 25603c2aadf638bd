/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate client (SPNEGO over NTLM) through its package's ops table,
 * as InitializeSecurityContext drives it: its NegTokenInit goes out, then
 * the input's two server tokens come back (after the variant byte of
 * fz_client_variant, split by fz_split): the NegTokenResp with the
 * CHALLENGE, and the accept-completed with the server's mechListMIC.
 * Nothing may outlive the input. */
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
    struct fz_client client;
    struct fz_token out;
    const uint8_t *chal, *fin;
    size_t chal_len, fin_len;
    shim_cred *cred;
    shim_ctx *ctx = NULL;
    shim_status st;

    if (!size)
        return 0;
    fz_current = negotiate_package();
    fz_world();
    fz_client_variant(data[0], &client);
    fz_split(data + 1, size - 1, &chal, &chal_len, &fin, &fin_len);
    FZ_ASSERT((cred = fz_cred(client.user, client.domain, client.password)) != NULL);
    st = fz_step(true, cred, &ctx, client.target, client.req, NULL, 0, &out);
    FZ_ASSERT(st == SHIM_I_CONTINUE_NEEDED && ctx);
    st = fz_step(true, NULL, &ctx, client.target, client.req, chal, chal_len, &out);
    /* the server's last token: the third leg, or taken late by a client
     * that was done at its AUTHENTICATE */
    if (st == SHIM_I_CONTINUE_NEEDED || (st == SHIM_OK && fin_len))
        st = fz_step(true, NULL, &ctx, client.target, client.req, fin, fin_len, &out);
    FZ_ASSERT(st == SHIM_OK || st == SHIM_I_CONTINUE_NEEDED || st < 0);
    if (st == SHIM_OK)
        fz_exercise(ctx);
    fz_ctx_delete(ctx);
    fz_cred_free(cred);
    fz_check_clean();
    return 0;
}
