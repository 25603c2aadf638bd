/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Windows benchmark program (sspi_bench.exe, run under Wine): what its
 * benchmarks share.  It links no secur32: every module it measures is
 * loaded by path and reached through its InitSecurityInterfaceW table, so
 * the cold-start benchmark can load this DLL and Wine's builtin alike, and
 * the others call exactly what a program would. */
#ifndef SSPISHIM_BENCH_SSPI_H
#define SSPISHIM_BENCH_SSPI_H

#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>

#include "../bench.h"

/* The function table of this DLL, loaded from the program's folder. */
extern PSecurityFunctionTableW sspi;
extern HMODULE sspi_module;

/* Full path of secur32.dll next to the program (this DLL), or of Wine's
 * builtin in the system folder. */
void path_ours(WCHAR *out, size_t max);
void path_builtin(WCHAR *out, size_t max);
/* Loads this DLL and fills sspi; exits on failure. */
void load_ours(void);

#define ST_CHECK(expr, want) do {                                                    \
        SECURITY_STATUS st_ = (expr);                                                \
        if (st_ != (SECURITY_STATUS)(want))                                          \
            bench_fail("%s:%d: %s = %08lx, want %08lx\n", __FILE__, __LINE__, #expr,  \
                       (unsigned long)st_, (unsigned long)(want));                   \
    } while (0)

/* ---- sessions (session.c) ----------------------------------------------------- */

struct creds {
    CredHandle client, server;
};

/* alice / DOMAIN / Password1, as in the accounts file run.sh writes. */
void creds_acquire(struct creds *c);
void creds_free(struct creds *c);

struct session {
    CtxtHandle client, server;
};

/* A full NTLM loopback handshake: NEGOTIATE, CHALLENGE, AUTHENTICATE. */
void session_establish(const struct creds *c, struct session *s);
void session_delete(struct session *s);

/* A sealed message: a 16-byte signature token and a DATA buffer. */
struct sealed {
    BYTE sig[16];
    SecBuffer b[2];
    SecBufferDesc d;
};
void sealed_init(struct sealed *m, void *data, ULONG len);

/* ---- the benchmarks, one file each ----------------------------------------------- */

void bench_export(void);
void bench_seal(void);
void bench_handshake(void);
void bench_scale(long contexts);
void bench_cold(const char *which);
void bench_reload(void);
void bench_handoff(void);
void bench_handoff_count(void);
void bench_handoff_worker(const char *in, const char *out);

#endif
