/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM security package (MS-NLMP): NTLMv2 with extended session
 * security, 128-bit keys, key exchange and the MIC, as client and server,
 * with signing and sealing.  The DLL registers it once:
 *
 *     registry_add(ntlm_package());
 *
 * Everything else goes through the package's ops table.  Behaviour chosen
 * where Windows leaves room (return codes, flags, names) is documented next
 * to the code that implements it: credentials.c, client.c, server.c,
 * context.c and messages.c in core/ntlm. */
#ifndef SSPISHIM_NTLM_H
#define SSPISHIM_NTLM_H

#include <stdint.h>

#include "sspishim/registry.h"

const struct shim_package *ntlm_package(void);

/* As SecPkgInfo and SECPKG_ATTR_SIZES report them (Windows' values). */
#define NTLM_PKG_CAPABILITIES   0x00082b37u
#define NTLM_PKG_VERSION        1
#define NTLM_PKG_RPCID          10          /* RPC_C_AUTHN_WINNT */
#define NTLM_PKG_MAX_TOKEN      2888

/* The NetBIOS computer name the server announces when its credential names
 * none, and the client's workstation name. */
#define NTLM_COMPUTER_NAME      "SSPISHIM"

/* "Never", as Windows' SSPI reports it in expiry times (30828-09-14). */
#define NTLM_TIME_NEVER         ((int64_t)0x7fffff36d5969fffLL)

/* ---- Test hook ---------------------------------------------------------------
 * Fixes the values the package would otherwise draw at random or read from
 * the clock, so that tests can replay the MS-NLMP 4.2 examples end to end.
 * A NULL member keeps the normal source; ntlm_set_test_inputs(NULL) restores
 * every one.  Not for production use: it weakens every later handshake. */
struct ntlm_test_inputs {
    const uint8_t *client_challenge;    /* 8 bytes */
    const uint8_t *session_key;         /* 16 bytes: the client's random session key */
    const uint8_t *server_challenge;    /* 8 bytes */
    const uint64_t *filetime;           /* the clock, as FILETIME */
};
void ntlm_set_test_inputs(const struct ntlm_test_inputs *inputs);

#endif
