/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The packed-context envelope: packed_peek, packed_verify and packed_open
 * under a fixed machine key must agree on every input, and a blob that
 * opens must seal back to the same bytes under its own nonce.  An NTLM
 * payload that opens is imported too. */
#include "fuzz.h"
#include "sspishim/packed.h"

FZ_INIT_WORLD_ONLY

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct packed_header peeked, opened;
    uint8_t *payload = NULL, *blob = NULL;
    size_t len = 0, blob_len = 0;
    shim_ctx *ctx = NULL;
    shim_status p, v, o;

    fz_world();
    p = packed_peek(data, size, &peeked);
    v = packed_verify(fz_machine_key, data, size);
    o = packed_open(fz_machine_key, data, size, &opened, &payload, &len);
    /* Structure first, then authentication: all three see the same structure. */
    FZ_ASSERT(p == SHIM_OK ? v == o : (v == p && o == p));
    FZ_ASSERT(o == SHIM_OK ? payload != NULL : (payload == NULL && len == 0));
    if (p == SHIM_OK) {
        FZ_ASSERT(peeked.header_len + peeked.payload_len + PACKED_TAG_SIZE == size);
        FZ_ASSERT(peeked.package_len >= 1 && peeked.package_len <= PACKED_PACKAGE_MAX);
        FZ_ASSERT(strlen(peeked.package) == peeked.package_len);
    }
    if (o != SHIM_OK)
        return 0;
    FZ_ASSERT(!memcmp(&peeked, &opened, sizeof(peeked)) && len == opened.payload_len);
    FZ_ASSERT(packed_seal_with_nonce(fz_machine_key, opened.nonce, opened.package, opened.role, payload, len,
                                     &blob, &blob_len) == SHIM_OK);
    FZ_ASSERT(blob_len == size && !memcmp(blob, data, size));
    sys_caller_free(blob);
    if (packed_package_equal(opened.package, "NTLM") &&
        fz_ops()->import_context(ntlm_package(), opened.role, payload, len, NULL, &ctx) == SHIM_OK) {
        fz_exercise(ctx);
        fz_ctx_delete(ctx);
    }
    packed_free_payload(payload, len);
    fz_check_clean();
    return 0;
}
