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
 * (EncryptMessage and friends), pkg_text.c (names). */
#ifndef SSPISHIM_KERBEROS_H
#define SSPISHIM_KERBEROS_H

#include <stdbool.h>

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

#endif
