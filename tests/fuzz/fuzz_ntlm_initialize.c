/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM client through the package's ops table, as
 * InitializeSecurityContext drives it: a NEGOTIATE goes out, the input's
 * CHALLENGE comes back, an AUTHENTICATE must come out of it or a clean
 * refusal.  The input's first byte picks the client (fz_client_variant), so
 * the target name, ALLOCATE_MEMORY and the identity kinds are all reached. */
#include "fuzz.h"

FZ_INIT_WORLD_ONLY

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_client client;
    struct fz_token neg, auth;
    struct ntlm_authenticate m;
    shim_cred *cred;
    shim_ctx *ctx = NULL;
    shim_status st;

    if (!size)
        return 0;
    fz_world();
    fz_client_variant(data[0], &client);
    FZ_ASSERT((cred = fz_cred(client.user, client.domain, client.password)) != NULL);
    st = fz_step(true, cred, &ctx, client.target, client.req, NULL, 0, &neg);
    FZ_ASSERT(st == SHIM_I_CONTINUE_NEEDED && ctx);
    st = fz_step(true, NULL, &ctx, client.target, client.req, data + 1, size - 1, &auth);
    FZ_ASSERT(st == SHIM_OK || st < 0);
    if (st == SHIM_OK) {
        FZ_ASSERT(ntlm_parse_authenticate(auth.buf, auth.len, &m) == 0);
        fz_exercise(ctx);
    }
    FZ_ASSERT(fz_step(true, NULL, &ctx, client.target, client.req, data + 1, size - 1, &auth) ==
              SHIM_E_OUT_OF_SEQUENCE);
    fz_ctx_delete(ctx);
    fz_cred_free(cred);
    fz_check_clean();
    return 0;
}
