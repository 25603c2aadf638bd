/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos package's half of ImportSecurityContext (pkg_export.c): the
 * payload inside an opened packed context.  The envelope authenticates it,
 * so only a bug of ours or a stolen machine key could feed it garbage, but
 * it is a parser all the same.  Input: the role byte, then the payload.
 * Seeds (seeds.c) are payloads of both roles written field by field, with
 * and without subkeys, AES and RC4 keys.  A context that imports must work:
 * attributes, messages both ways through a second copy of itself, export
 * (as it stands and reset) and import again. */
#include "fuzz.h"
#include "sspishim/kerberos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void krb_messages(shim_ctx *ctx)
{
    uint8_t tok[128], data[40] = "fuzzing the Kerberos package";
    struct shim_buffer b[2] = { { sizeof(tok), SHIM_BUFFER_TOKEN, tok }, { sizeof(data), SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, b };
    struct shim_buffer m[2] = { { sizeof(data), SHIM_BUFFER_DATA, data }, { sizeof(tok), SHIM_BUFFER_TOKEN, tok } };
    struct shim_buffer_desc md = { 0, 2, m };
    uint32_t qop = 0;

    /* its own tokens come back to it: refused as its peer's would be
     * (direction), but all the way through the parsers */
    fz_ops()->encrypt(ctx, 0, &d, 0);
    fz_ops()->decrypt(ctx, &d, 0, &qop);
    m[1].cb = sizeof(tok);
    fz_ops()->make_signature(ctx, 0, &md, 0);
    fz_ops()->verify_signature(ctx, &md, 0, &qop);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shim_ctx *ctx = NULL;
    shim_status st;

    if (!size)
        return 0;
    fz_current = kerberos_package();
    fz_world();
    st = fz_ops()->import_context(fz_pkg(), data[0], data + 1, size - 1, NULL, &ctx);
    FZ_ASSERT(st == SHIM_OK ? ctx != NULL : ctx == NULL);
    FZ_ASSERT(st == SHIM_OK || st == SHIM_E_INVALID_TOKEN || st == SHIM_E_UNSUPPORTED_FUNCTION ||
              st == SHIM_E_INSUFFICIENT_MEMORY);
    if (st == SHIM_OK) {
        uint8_t *payload = NULL, role = 0;
        size_t len = 0;

        fz_query_all(ctx);
        /* An import is re-exported to the same bytes. */
        FZ_ASSERT(fz_ops()->export_context(ctx, 0, &payload, &len, &role) == SHIM_OK);
        FZ_ASSERT(role == data[0] && len == size - 1 && !memcmp(payload, data + 1, len));
        memset(payload, 0, len);
        free(payload);
        for (int reset = 0; reset < 2; reset++) {
            shim_ctx *copy = NULL;
            payload = NULL;
            if (fz_ops()->export_context(ctx, reset, &payload, &len, &role) != SHIM_OK)
                continue;
            FZ_ASSERT(fz_ops()->import_context(fz_pkg(), role, payload, len, NULL, &copy) == SHIM_OK);
            krb_messages(copy);
            fz_ctx_delete(copy);
            memset(payload, 0, len);
            free(payload);
        }
        krb_messages(ctx);
        fz_ctx_delete(ctx);
    }
    fz_check_clean();
    return 0;
}
