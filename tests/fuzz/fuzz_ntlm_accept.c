/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM server through the package's ops table, as AcceptSecurityContext
 * drives it: the input is a NEGOTIATE and an AUTHENTICATE (fz_split).  The
 * world is fixed (fuzz.h), so a seed's AUTHENTICATE proves its password and
 * mutations reach the key exchange, the MIC, the token and the session.
 * Whatever happens, nothing may outlive the input.
 *
 * And a logon must be one a real client made: the NTProofStr covers the
 * response and the MIC covers all three messages byte for byte, so a pair
 * of messages the server accepts must be one of the 64 reference
 * handshakes (every client variant of fuzz.h) the target runs first.  One
 * accepted message that differs is a forgery that got through. */
#include "fuzz.h"

static struct fz_token ref_neg[64], ref_auth[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_world();
    for (int v = 0; v < 64; v++)
        FZ_ASSERT(fz_reference((uint8_t)v, &ref_neg[v], &ref_auth[v]) == SHIM_OK);
    fz_check_clean();
    return 0;
}

static bool is_reference(const uint8_t *neg, size_t neg_len, const uint8_t *auth, size_t auth_len)
{
    for (int v = 0; v < 64; v++)
        if (ref_neg[v].len == neg_len && ref_auth[v].len == auth_len && !memcmp(ref_neg[v].buf, neg, neg_len) &&
            !memcmp(ref_auth[v].buf, auth, auth_len))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *neg, *auth;
    size_t neg_len, auth_len;
    shim_cred *cred;
    shim_ctx *ctx = NULL;
    struct fz_token out;
    shim_status st;

    fz_world();
    fz_split(data, size, &neg, &neg_len, &auth, &auth_len);
    FZ_ASSERT((cred = fz_cred(NULL, NULL, NULL)) != NULL);
    st = fz_step(false, cred, &ctx, NULL, FZ_SERVER_REQ, neg, neg_len, &out);
    FZ_ASSERT(st == SHIM_I_CONTINUE_NEEDED ? ctx != NULL : ctx == NULL);
    if (st == SHIM_I_CONTINUE_NEEDED) {
        FZ_ASSERT(ntlm_message_type(out.buf, out.len) == NTLM_MSG_CHALLENGE);
        st = fz_step(false, NULL, &ctx, NULL, FZ_SERVER_REQ, auth, auth_len, &out);
        FZ_ASSERT(st == SHIM_OK || st < 0);
        if (st == SHIM_OK) {
            FZ_ASSERT(is_reference(neg, neg_len, auth, auth_len));
            FZ_ASSERT(sys_tokens_live() == 1);
            fz_exercise(ctx);
        }
        /* Spent or finished: another AUTHENTICATE is out of sequence. */
        FZ_ASSERT(fz_step(false, NULL, &ctx, NULL, FZ_SERVER_REQ, auth, auth_len, &out) == SHIM_E_OUT_OF_SEQUENCE);
    }
    fz_ctx_delete(ctx);
    fz_cred_free(cred);
    fz_check_clean();
    return 0;
}
