/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate package as the registry sees it: its SecPkgInfo and its
 * table of operations. */
#include "negotiate_pkg.h"

static const shim_wchar nego_name_w[] = { 'N', 'e', 'g', 'o', 't', 'i', 'a', 't', 'e', 0 };
static const shim_wchar nego_comment_w[] = {
    'M', 'i', 'c', 'r', 'o', 's', 'o', 'f', 't', ' ', 'P', 'a', 'c', 'k', 'a', 'g', 'e', ' ',
    'N', 'e', 'g', 'o', 't', 'i', 'a', 't', 'o', 'r', 0
};

static const struct shim_package_ops nego_ops = {
    .acquire_credentials = nego_acquire_credentials,
    .free_credentials = nego_free_credentials,
    .query_credentials_attributes = nego_query_credentials_attributes,
    .set_credentials_attributes = NULL,   /* NTLM has none to set either */
    .add_credentials = NULL,              /* one identity per credential, as NTLM */
    .initialize_context = nego_initialize_context,
    .accept_context = nego_accept_context,
    .complete_auth_token = nego_complete_auth_token,
    .delete_context = nego_delete_context,
    .apply_control_token = NULL,          /* no control tokens over NTLM */
    .query_context_attributes = nego_query_context_attributes,
    .set_context_attributes = NULL,       /* nothing settable yet */
    .impersonate = nego_impersonate,
    .revert = nego_revert,
    .make_signature = nego_make_signature,
    .verify_signature = nego_verify_signature,
    .encrypt = nego_encrypt,
    .decrypt = nego_decrypt,
    .query_token = nego_query_token,
    .export_context = nego_export_context,
    .import_context = nego_import_context,
};

static const struct shim_package nego_pkg = {
    .info = {
        .capabilities = NEGOTIATE_PKG_CAPABILITIES,
        .version = NEGOTIATE_PKG_VERSION,
        .rpcid = NEGOTIATE_PKG_RPCID,
        .max_token = NEGOTIATE_PKG_MAX_TOKEN,
        .name = nego_name_w,
        .comment = nego_comment_w,
    },
    .ops = &nego_ops,
    .flags = SHIM_PKG_TAKES_IDENTITY,
    .impl = NULL,
};

const struct shim_package *negotiate_package(void)
{
    return &nego_pkg;
}
