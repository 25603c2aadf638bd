/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Negotiate security package: SPNEGO (RFC 4178, as Windows speaks it,
 * MS-SPNG) over this DLL's own NTLM package.  The DLL registers it before
 * the host's packages, so it replaces Wine's builtin Negotiate:
 *
 *     registry_add(negotiate_package());
 *
 * What it offers and where it departs from Windows is documented in
 * the files of core/negotiate, next to the code. */
#ifndef SSPISHIM_NEGOTIATE_H
#define SSPISHIM_NEGOTIATE_H

#include "sspishim/registry.h"

const struct shim_package *negotiate_package(void);

/* As SecPkgInfo reports them (Windows 10's values). */
#define NEGOTIATE_PKG_CAPABILITIES  0x00083bb3u
#define NEGOTIATE_PKG_VERSION       1
#define NEGOTIATE_PKG_RPCID         9           /* RPC_C_AUTHN_GSS_NEGOTIATE */
#define NEGOTIATE_PKG_MAX_TOKEN     48256

#endif
