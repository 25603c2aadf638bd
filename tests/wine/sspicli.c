/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* A program linked against sspicli.dll (as many modern programs are) reaches
 * this DLL: Wine's sspicli forwards the SSPI calls to secur32, and the
 * override makes that us.  The SSPI calls below are imported from
 * sspicli.dll (see WINE_LIBS_sspicli in the Makefile); only the statistics
 * come from secur32 directly. */
#define TEST_NAME "sspicli"
#include "test.h"
#include "sspishim/sspishim.h"

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    ok(GetModuleHandleA("sspicli.dll") != NULL, "sspicli.dll is not loaded: the link did not import from it\n");
    struct sspishim_stats s;
    memset(&s, 0, sizeof(s));
    s.size = sizeof(s);

    /* Wine's builtin would crash on this handle; ours says it is invalid. */
    CtxtHandle bogus = { 1, 2 };
    SECURITY_STATUS st = DeleteSecurityContext(&bogus);
    ok(st == SEC_E_INVALID_HANDLE, "DeleteSecurityContext through sspicli: %08lx\n", st);

    ULONG count = 0;
    PSecPkgInfoW info = NULL;
    st = EnumerateSecurityPackagesW(&count, &info);
    ok(st == SEC_E_OK, "EnumerateSecurityPackagesW through sspicli: %08lx\n", st);
    SspiShimGetStatistics(&s);
    ok(s.host_loaded == 1 && s.packages == count, "enumeration did not go through sspishim (%u packages, host %u)\n",
       s.packages, s.host_loaded);
    FreeContextBuffer(info);

    CredHandle cred;
    TimeStamp ts;
    st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"Schannel", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL,
                                   &cred, &ts);
    ok(st == SEC_E_OK, "AcquireCredentialsHandleW through sspicli: %08lx\n", st);
    SspiShimGetStatistics(&s);
    ok(s.live_credentials == (st == SEC_E_OK), "sspishim counts %u credentials\n", s.live_credentials);
    if (st == SEC_E_OK) ok(FreeCredentialsHandle(&cred) == SEC_E_OK, "FreeCredentialsHandle failed\n");
}
