/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM package's half of ImportSecurityContext: the payload inside an
 * opened packed context.  The envelope authenticates it, so only a bug of
 * ours or a stolen machine key could feed it garbage, but it is a parser
 * all the same.  Input: the role byte, then the payload.  A context that
 * imports must work: attributes, messages, export again. */
#include "fuzz.h"

FZ_INIT_WORLD_ONLY

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shim_ctx *ctx = NULL;
    shim_status st;

    if (!size)
        return 0;
    fz_world();
    st = fz_ops()->import_context(ntlm_package(), data[0], data + 1, size - 1, NULL, &ctx);
    FZ_ASSERT(st == SHIM_OK ? ctx != NULL : ctx == NULL);
    if (st == SHIM_OK) {
        fz_exercise(ctx);
        fz_ctx_delete(ctx);
    }
    fz_check_clean();
    return 0;
}
