/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM package as the registry sees it: its SecPkgInfo and its table
 * of operations. */
#include <stdlib.h>

#include "sspishim/ntlm.h"

#include "ntlm_pkg.h"

/* Windows names the workstation in every AUTHENTICATE and the server's
 * computer in every CHALLENGE, and servers log it: the computer name, read
 * once per process (a registry read under Wine, too slow for every
 * handshake).  A machine that reports none is "WORKSTATION". */
static sys_mutex computer_lock;
static shim_wchar *computer_name;

const shim_wchar *ntlm_computer_name(void)
{
    static const shim_wchar fallback[] = { 'W', 'O', 'R', 'K', 'S', 'T', 'A', 'T', 'I', 'O', 'N', 0 };
    sys_mutex_lock(&computer_lock);
    if (!computer_name) {
        computer_name = sys_computer_name();
        if (computer_name && !computer_name[0]) {
            free(computer_name);
            computer_name = NULL;
        }
    }
    const shim_wchar *name = computer_name ? computer_name : fallback;
    sys_mutex_unlock(&computer_lock);
    return name;
}

static const shim_wchar ntlm_name_w[] = { 'N', 'T', 'L', 'M', 0 };
static const shim_wchar ntlm_comment_w[] = {
    'N', 'T', 'L', 'M', ' ', 'S', 'e', 'c', 'u', 'r', 'i', 't', 'y', ' ',
    'P', 'a', 'c', 'k', 'a', 'g', 'e', 0
};

static const struct shim_package_ops ntlm_ops = {
    .acquire_credentials = ntlm_acquire_credentials,
    .free_credentials = ntlm_free_credentials,
    .query_credentials_attributes = ntlm_query_credentials_attributes,
    .set_credentials_attributes = NULL,   /* NTLM credentials have no settable attributes */
    .add_credentials = NULL,              /* one identity per NTLM credential */
    .initialize_context = ntlm_initialize_context,
    .accept_context = ntlm_accept_context,
    .complete_auth_token = ntlm_complete_auth_token,
    .delete_context = ntlm_delete_context,
    .apply_control_token = NULL,          /* no control tokens in NTLM */
    .query_context_attributes = ntlm_query_context_attributes,
    .set_context_attributes = NULL,       /* nothing settable yet */
    .impersonate = ntlm_impersonate,
    .revert = ntlm_revert,
    .make_signature = ntlm_make_signature,
    .verify_signature = ntlm_verify_signature,
    .encrypt = ntlm_encrypt,
    .decrypt = ntlm_decrypt,
    .query_token = ntlm_query_token,
    .export_context = ntlm_export_context,
    .import_context = ntlm_import_context,
};

static const struct shim_package ntlm_pkg = {
    .info = {
        .capabilities = NTLM_PKG_CAPABILITIES,
        .version = NTLM_PKG_VERSION,
        .rpcid = NTLM_PKG_RPCID,
        .max_token = NTLM_PKG_MAX_TOKEN,
        .name = ntlm_name_w,
        .comment = ntlm_comment_w,
    },
    .ops = &ntlm_ops,
    .flags = SHIM_PKG_TAKES_IDENTITY,
    .impl = NULL,
};

const struct shim_package *ntlm_package(void)
{
    return &ntlm_pkg;
}
