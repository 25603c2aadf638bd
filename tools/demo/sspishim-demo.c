/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The demo: what this DLL does, told by a Windows program that uses it. */
#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdio.h>

#include "sspishim/sspishim.h"

static const char *status_name(SECURITY_STATUS st)
{
    switch (st) {
    case SEC_E_OK: return "SEC_E_OK";
    case SEC_E_INVALID_HANDLE: return "SEC_E_INVALID_HANDLE";
    case SEC_E_UNSUPPORTED_FUNCTION: return "SEC_E_UNSUPPORTED_FUNCTION";
    case SEC_E_SECPKG_NOT_FOUND: return "SEC_E_SECPKG_NOT_FOUND";
    case SEC_I_CONTINUE_NEEDED: return "SEC_I_CONTINUE_NEEDED";
    default: return "(other)";
    }
}

int main(void)
{
    printf("sspishim %s, loaded as this program's secur32.dll\n\n", SspiShimVersion());

    ULONG count = 0;
    PSecPkgInfoW info = NULL;
    SECURITY_STATUS st = EnumerateSecurityPackagesW(&count, &info);
    printf("EnumerateSecurityPackagesW -> %s, %lu packages:\n", status_name(st), count);
    for (ULONG i = 0; i < count; i++)
        printf("  %-46ls max token %5lu  %ls\n", info[i].Name, info[i].cbMaxToken, info[i].Comment);
    FreeContextBuffer(info);

    printf("\nA made-up context handle {1,2} (Wine's builtin secur32 crashes on each of these):\n");
    CtxtHandle bogus = { 1, 2 };
    SecBuffer buf = { 0, SECBUFFER_TOKEN, NULL };
    SecBufferDesc desc = { SECBUFFER_VERSION, 1, &buf };
    SecBuffer packed = { 0, SECBUFFER_EMPTY, NULL };
    HANDLE token = NULL;
    printf("  DeleteSecurityContext -> %s\n", status_name(DeleteSecurityContext(&bogus)));
    printf("  MakeSignature         -> %s\n", status_name(MakeSignature(&bogus, 0, &desc, 0)));
    printf("  ExportSecurityContext -> %s\n", status_name(ExportSecurityContext(&bogus, 0, &packed, &token)));
    CredHandle bogus_cred = { 1, 2 };
    printf("  FreeCredentialsHandle -> %s\n", status_name(FreeCredentialsHandle(&bogus_cred)));

    struct sspishim_stats s = { 0 };
    s.size = sizeof(s);
    SspiShimGetStatistics(&s);
    printf("\nstill running; live credentials %u, contexts %u\n", s.live_credentials, s.live_contexts);
    return 0;
}
