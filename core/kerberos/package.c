/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos package as the registry sees it: its SecPkgInfo and its
 * table of operations. */
#include <string.h>

#include "krb_pkg.h"

bool kerberos_delegated(void)
{
    char v[16];

    return !sys_getenv_ascii(KERBEROS_ENV_SWITCH, v, sizeof(v)) && !strcmp(v, "builtin");
}

static const shim_wchar kerberos_name_w[] = { 'K', 'e', 'r', 'b', 'e', 'r', 'o', 's', 0 };
static const shim_wchar kerberos_comment_w[] = {
    'M', 'i', 'c', 'r', 'o', 's', 'o', 'f', 't', ' ', 'K', 'e', 'r', 'b', 'e', 'r', 'o', 's', ' ',
    'V', '1', '.', '0', 0
};

static const struct shim_package_ops kerberos_ops = {
    .acquire_credentials = krb_acquire_credentials,
    .free_credentials = krb_free_credentials,
    .query_credentials_attributes = krb_query_credentials_attributes,
    .initialize_context = krb_initialize_context,
    .accept_context = krb_accept_context,
    .complete_auth_token = krb_complete_auth_token,
    .delete_context = krb_delete_context,
    .query_context_attributes = krb_query_context_attributes,
    .impersonate = krb_impersonate,
    .revert = krb_revert,
    .make_signature = krb_make_signature,
    .verify_signature = krb_verify_signature,
    .encrypt = krb_encrypt,
    .decrypt = krb_decrypt,
    .query_token = krb_query_token,
    .export_context = krb_export_context,
    .import_context = krb_import_context,
};

static const struct shim_package kerberos_pkg = {
    .info = {
        .capabilities = KERBEROS_PKG_CAPABILITIES,
        .version = KERBEROS_PKG_VERSION,
        .rpcid = KERBEROS_PKG_RPCID,
        .max_token = KERBEROS_PKG_MAX_TOKEN,
        .name = kerberos_name_w,
        .comment = kerberos_comment_w,
    },
    .ops = &kerberos_ops,
    .flags = SHIM_PKG_TAKES_IDENTITY,
    .impl = NULL,
};

const struct shim_package *kerberos_package(void)
{
    return &kerberos_pkg;
}
