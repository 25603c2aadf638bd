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

#include <stdbool.h>
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

/* ---- For SPNEGO (core/ntlm/spnego_mic.c) --------------------------------------
 * The mechListMIC over an established NTLM context: a signature over data
 * that takes the direction's next sequence number, after which that
 * direction's RC4 handle is rekeyed (MS-SPNG 3.3.5.1).  Both give
 * SEC_E_UNSUPPORTED_FUNCTION when signing was not negotiated, and
 * SEC_E_INVALID_HANDLE for a context that is not NTLM's or not established;
 * check gives SEC_E_MESSAGE_ALTERED (or _OUT_OF_SEQUENCE) for a MIC that
 * does not verify, leaving the receiving state as it was. */
#define NTLM_SPNEGO_MIC_SIZE    16
shim_status ntlm_spnego_make_mic(shim_ctx *ctx, const uint8_t *data, size_t len, uint8_t sig[NTLM_SPNEGO_MIC_SIZE]);
shim_status ntlm_spnego_check_mic(shim_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *sig, size_t sig_len);
/* Negotiate's client is done when it sends its AUTHENTICATE, as Windows'
 * is: the server's mechListMIC may never be handed to it.  skip moves the
 * receiving direction on as if that MIC had verified (sequence number and
 * rekey), giving the number the MIC takes; if the MIC comes after all,
 * check_skipped verifies it against the state it was made from, leaving
 * the context as it is.  With one shared stream (no extended session
 * security) skip is SEC_E_UNSUPPORTED_FUNCTION: the client waits. */
shim_status ntlm_spnego_skip_mic(shim_ctx *ctx, uint32_t *seq);
shim_status ntlm_spnego_check_skipped_mic(shim_ctx *ctx, uint32_t seq, const uint8_t *data, size_t len,
                                          const uint8_t *sig, size_t sig_len);
/* Server: whether the client's AUTHENTICATE announced a MIC (and it
 * verified).  Such a client speaks MS-SPNG's newer rules and sends a
 * mechListMIC, so a Negotiate server requires one, as Samba does: without
 * it, a man in the middle could have stripped it to hide a downgraded
 * mechanism list. */
bool ntlm_spnego_peer_mic(shim_ctx *ctx);
/* Adds to both sequence numbers: a Negotiate blob of an earlier release,
 * exported with RESET_NEW, restarted NTLM's counters at 0 and left the MICs'
 * numbers to the import. */
shim_status ntlm_advance_sequence(shim_ctx *ctx, uint32_t send, uint32_t recv);
/* The package's export_context, for a context whose handshake ended at
 * sequence numbers send_start / recv_start (1 in a direction that carried a
 * mechListMIC): with reset, SEC_E_INVALID_PARAMETER once a message has
 * moved either direction past that point (core/ntlm/export.c). */
shim_status ntlm_export_payload(shim_ctx *ctx, int reset, uint32_t send_start, uint32_t recv_start,
                                uint8_t **payload, size_t *len, uint8_t *role);

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
