/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "sspishim/context_export.h"
#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/machine_key.h"
#include "sspishim/packed.h"
#include "sspishim/sys.h"

/* Package names are ASCII; the envelope stores them as such. */
static int ascii_name(const shim_wchar *w, char out[PACKED_PACKAGE_MAX + 1])
{
    size_t n = 0;
    for (; w[n]; n++) {
        if (n == PACKED_PACKAGE_MAX || w[n] < 0x20 || w[n] > 0x7e) return -1;
        out[n] = (char)w[n];
    }
    out[n] = 0;
    return n ? 0 : -1;
}

shim_status context_export(shim_ctx *ctx, uint32_t flags, struct shim_buffer *packed, void **token)
{
    uint8_t key[MACHINE_KEY_SIZE], *payload = NULL, *blob = NULL, role = 0;
    size_t len = 0, blob_len = 0;
    char name[PACKED_PACKAGE_MAX + 1];
    shim_status st;

    if (token) *token = NULL;
    if (flags & SHIM_EXPORT_TO_KERNEL) return SHIM_E_UNSUPPORTED_FUNCTION;
    if (flags & ~(uint32_t)(SHIM_EXPORT_RESET_NEW | SHIM_EXPORT_DELETE_OLD)) return SHIM_E_INVALID_PARAMETER;
    if (!ctx->pkg->ops->export_context) return SHIM_E_UNSUPPORTED_FUNCTION;
    if (ascii_name(ctx->pkg->info.name, name)) return SHIM_E_INTERNAL_ERROR;
    if ((st = machine_key_get(key)) != SHIM_OK) return st;

    st = ctx->pkg->ops->export_context(ctx, (flags & SHIM_EXPORT_RESET_NEW) != 0, &payload, &len, &role);
    if (st == SHIM_OK) st = packed_seal(key, name, role, payload, len, &blob, &blob_len);
    if (payload) {
        crypto_wipe(payload, len);
        free(payload);
    }
    crypto_wipe(key, sizeof(key));
    if (st != SHIM_OK) return st;

    if (token && role == PACKED_ROLE_SERVER && ctx->pkg->ops->query_token) {
        shim_status tst = ctx->pkg->ops->query_token(ctx, token);
        if (tst != SHIM_OK) {
            *token = NULL;
            if (tst != SHIM_E_NO_IMPERSONATION) {   /* no token is fine; a failure to copy it is not */
                sys_caller_free(blob);
                return tst;
            }
        }
    }
    packed->pv = blob;
    packed->cb = (uint32_t)blob_len;
    packed->type = SHIM_BUFFER_DATA;
    TRACE("%u bytes, role %u, token %p\n", (unsigned)blob_len, role, token ? *token : NULL);
    return SHIM_OK;
}

shim_status context_import(const shim_wchar *package, const struct shim_buffer *packed, void *token,
                           shim_ctx **ctx)
{
    uint8_t key[MACHINE_KEY_SIZE], *payload = NULL, room[1024];
    size_t len = 0;
    struct packed_header hdr;
    sys_token own = NULL;
    shim_status st;

    const struct shim_package *pkg = registry_find(package);
    if (!pkg) return SHIM_E_SECPKG_NOT_FOUND;
    if (!pkg->ops->import_context) return SHIM_E_UNSUPPORTED_FUNCTION;
    if (!packed->pv || !packed->cb) return SHIM_E_INVALID_TOKEN;
    if ((st = machine_key_get(key)) != SHIM_OK) return st;
    st = packed_open_into(key, packed->pv, packed->cb, &hdr, room, sizeof(room), &payload, &len);
    crypto_wipe(key, sizeof(key));
    if (st != SHIM_OK) return st;
    if (!packed_package_equal_w(hdr.package, pkg->info.name)) {
        WARN("the blob is a %s context, not %s\n", hdr.package, dbg_wstr(package));
        st = SHIM_E_INVALID_TOKEN;
    } else if (token && sys_token_adopt(token, &own)) {
        st = SHIM_E_INVALID_HANDLE;
    } else {
        st = pkg->ops->import_context(pkg, hdr.role, payload, len, own, ctx);
        if (st != SHIM_OK && own) sys_token_close(own);
    }
    if (payload == room) crypto_wipe(room, len);
    else packed_free_payload(payload, len);
    return st;
}
