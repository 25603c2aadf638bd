/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* This DLL's own additions to secur32's interface, kept apart from the
 * Windows SSPI declarations (sspi.h).  Declared for C and for mingw. */
#ifndef SSPISHIM_SSPISHIM_H
#define SSPISHIM_SSPISHIM_H

#include <stdint.h>

#ifdef _WIN32
#define SSPISHIM_API __stdcall
#else
#define SSPISHIM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Configuration: the environment variables the DLL reads, each when it is
 * first needed in a process (docs/configuration.md). */
#define SSPISHIM_ENV_DEBUG        "SSPISHIM_DEBUG"        /* err, fixme, warn, trace, all */
#define SSPISHIM_ENV_DEBUG_FILE   "SSPISHIM_DEBUG_FILE"   /* the trace goes here, not to stderr */
#define SSPISHIM_ENV_ACCOUNTS     "NTLM_USER_FILE"        /* the NTLM accounts file */
#define SSPISHIM_ENV_MACHINE_KEY  "SSPISHIM_MACHINE_KEY"  /* the key file that seals packed contexts */
#define SSPISHIM_ENV_HOST         "SSPISHIM_HOST"         /* Wine's builtin secur32 to delegate to */
#define SSPISHIM_ENV_EXPORT_CIPHER "SSPISHIM_EXPORT_CIPHER" /* aes-256-gcm, chacha20-poly1305: what seals exports */
#define SSPISHIM_ENV_NTLM_NO_ESS  "SSPISHIM_NTLM_NO_ESS"  /* client, server, both: NTLM without ESS (testing) */

/* Live-object counters: what a test or a leak check wants to see return to
 * its starting values. */
struct sspishim_stats {
    uint32_t size;               /* set to sizeof(struct sspishim_stats) by the caller */
    uint32_t live_credentials;   /* credential handles */
    uint32_t live_contexts;      /* context handles */
    uint32_t live_objects;       /* objects not yet freed (a deleted handle still in use counts) */
    uint32_t packages;           /* registered packages, host ones included once loaded */
    uint32_t host_loaded;        /* 1 once the host secur32 has been loaded */
    uint32_t live_tokens;        /* token handles this DLL opened and has not closed */
};

/* Returns 0 (SEC_E_OK), or SEC_E_INVALID_PARAMETER when stats is NULL or
 * its size is too small. */
int32_t SSPISHIM_API SspiShimGetStatistics(struct sspishim_stats *stats);

/* The version of this DLL, as "MAJOR.MINOR.PATCH". */
const char *SSPISHIM_API SspiShimVersion(void);

#ifdef __cplusplus
}
#endif

#endif
