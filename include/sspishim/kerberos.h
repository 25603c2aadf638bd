/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos security package: RFC 4120 tickets through the GSS-API krb5
 * mechanism (RFC 4121), as client and server, with signing and sealing in
 * Windows' SSPI layout.  The DLL registers it (unless the documented
 * switch SSPISHIM_KERBEROS=builtin leaves Kerberos to Wine's builtin):
 *
 *     registry_add(kerberos_package());
 *
 * Files: core/kerberos/package.c (the table), pkg_credentials.c (identity,
 * credential cache, TGT and service tickets), pkg_realm.c (krb5.conf and
 * the KDCs), pkg_context.c (the handshake and attributes), pkg_messages.c
 * (EncryptMessage and friends), pkg_text.c (names), pkg_export.c
 * (ExportSecurityContext's payload). */
#ifndef SSPISHIM_KERBEROS_H
#define SSPISHIM_KERBEROS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/registry.h"

const struct shim_package *kerberos_package(void);

/* As SecPkgInfo reports them (Windows' values; Wine's tests check them). */
#define KERBEROS_PKG_CAPABILITIES 0x000f3bbfu
#define KERBEROS_PKG_VERSION      1
#define KERBEROS_PKG_RPCID        16          /* RPC_C_AUTHN_GSS_KERBEROS */
#define KERBEROS_PKG_MAX_TOKEN    48000

/* SSPISHIM_KERBEROS: "builtin" leaves the Kerberos package to the host
 * secur32 (Wine's builtin, which uses the host's MIT library); anything
 * else, or nothing, is sspishim's own. */
#define KERBEROS_ENV_SWITCH "SSPISHIM_KERBEROS"
bool kerberos_delegated(void);

/* For Negotiate, which falls back to NTLM: the most a credential's KDC
 * exchanges may wait for answers (krb_kdc.h's budget), in milliseconds. */
void kerberos_cred_limit_kdc_wait(shim_cred *cred, unsigned ms);

/* What an exported Kerberos payload (an opened packed context's inside)
 * says that is not secret, for tools/sspishim-inspect: never a key byte. */
struct kerberos_payload_info {
    unsigned version;
    bool server;
    uint32_t req, attrs, gss_flags;
    int32_t session_etype, init_subkey_etype, acc_subkey_etype;   /* 0: absent */
    uint64_t send_seq, recv_next, recv_window, start_send, start_recv;
    bool recv_any;
    int64_t clock_offset;
    char client[520], service[520], target[256];   /* "a/b@REALM" */
    uint32_t ticket_flags;
    int64_t authtime, starttime, endtime;
    size_t authz_len;
};
/* SHIM_OK and *out, SHIM_E_UNSUPPORTED_FUNCTION for another payload
 * version, SHIM_E_INVALID_TOKEN when it does not read as import reads it. */
shim_status kerberos_payload_describe(const uint8_t *payload, size_t len, struct kerberos_payload_info *out);

#endif
