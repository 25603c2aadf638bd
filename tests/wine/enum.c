/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Package enumeration and information through this DLL: the registry lists
 * the packages it delegates to the host, the A and W answers agree, and the
 * function tables are complete. */
#define TEST_NAME "enum"
#include "test.h"
#include "sspishim/sspishim.h"

static struct sspishim_stats stats(void)
{
    struct sspishim_stats st;
    memset(&st, 0, sizeof(st));
    st.size = sizeof(st);
    LONG r = SspiShimGetStatistics(&st);
    ok(r == SEC_E_OK, "SspiShimGetStatistics: %08lx\n", r);
    return st;
}

static void test_lazy_host(void)
{
    struct sspishim_stats st = stats();
    ok(!st.host_loaded, "the host secur32 is loaded before any package was asked for\n");
    HMODULE m = GetModuleHandleA("secur32.dll");
    ok(m && GetProcAddress(m, "SspiShimVersion") != NULL,
       "GetModuleHandle(secur32) is not this DLL before the host loads: %p\n", (void *)m);
    struct sspishim_stats bad;
    memset(&bad, 0, sizeof(bad));
    bad.size = 4;
    ok(SspiShimGetStatistics(&bad) == SEC_E_INVALID_PARAMETER, "a short statistics size was accepted\n");
    ok(SspiShimGetStatistics(NULL) == SEC_E_INVALID_PARAMETER, "NULL statistics accepted\n");
}

static void test_enumerate_w(void)
{
    ULONG count = 0xdeadbeef, i;
    PSecPkgInfoW info = NULL;
    SECURITY_STATUS st = EnumerateSecurityPackagesW(&count, &info);
    ok(st == SEC_E_OK, "EnumerateSecurityPackagesW: %08lx\n", st);
    if (st != SEC_E_OK) return;
    ok(count >= 4 && count < 64, "count %lu\n", count);
    int kerberos = 0, negotiate = 0, schannel = 0;
    for (i = 0; i < count; i++) {
        ok(info[i].Name && info[i].Name[0], "package %lu has no name\n", i);
        ok(info[i].Comment != NULL, "package %lu has no comment\n", i);
        ok(info[i].cbMaxToken > 0, "package %ls: cbMaxToken 0\n", info[i].Name);
        if (!lstrcmpiW(info[i].Name, L"Kerberos")) kerberos = 1;
        if (!lstrcmpiW(info[i].Name, L"Negotiate")) negotiate = 1;
        if (!lstrcmpiW(info[i].Name, L"Schannel")) schannel = 1;
        trace("package %ls (caps %#lx, version %u, rpcid %u, max token %lu): %ls\n", info[i].Name,
              info[i].fCapabilities, info[i].wVersion, info[i].wRPCID, info[i].cbMaxToken, info[i].Comment);
    }
    ok(kerberos, "Kerberos (delegated to the host) missing\n");
    ok(negotiate, "Negotiate missing\n");
    ok(schannel, "Schannel (delegated to the host) missing\n");
    struct sspishim_stats s = stats();
    ok(s.host_loaded == 1, "host not loaded after enumeration\n");
    ok(s.packages == count, "statistics count %u packages, enumeration %lu\n", s.packages, count);
    ok(FreeContextBuffer(info) == SEC_E_OK, "FreeContextBuffer failed\n");
}

static void test_enumerate_a(void)
{
    ULONG count_a = 0, count_w = 0, i;
    PSecPkgInfoA a = NULL;
    PSecPkgInfoW w = NULL;
    ok(EnumerateSecurityPackagesA(&count_a, &a) == SEC_E_OK, "EnumerateSecurityPackagesA failed\n");
    ok(EnumerateSecurityPackagesW(&count_w, &w) == SEC_E_OK, "EnumerateSecurityPackagesW failed\n");
    ok(count_a == count_w, "A lists %lu, W lists %lu\n", count_a, count_w);
    for (i = 0; a && w && i < count_a && i < count_w; i++) {
        char name[256];
        WideCharToMultiByte(CP_ACP, 0, w[i].Name, -1, name, sizeof(name), NULL, NULL);
        ok(!strcmp(a[i].Name, name), "package %lu: A %s, W %s\n", i, a[i].Name, name);
        ok(a[i].fCapabilities == w[i].fCapabilities && a[i].cbMaxToken == w[i].cbMaxToken,
           "package %s: A and W information differ\n", a[i].Name);
    }
    FreeContextBuffer(a);
    FreeContextBuffer(w);
    ok(EnumerateSecurityPackagesA(NULL, &a) == SEC_E_INVALID_PARAMETER, "NULL count accepted\n");
    ok(EnumerateSecurityPackagesW(&count_w, NULL) == SEC_E_INVALID_PARAMETER, "NULL info accepted\n");
}

static void test_query_info(void)
{
    PSecPkgInfoW w = (void *)0xdeadbeef;
    PSecPkgInfoA a = NULL;
    SECURITY_STATUS st = QuerySecurityPackageInfoW((SEC_WCHAR *)L"kerberos", &w);
    ok(st == SEC_E_OK, "QuerySecurityPackageInfoW(kerberos): %08lx\n", st);
    if (st == SEC_E_OK) {
        ok(!lstrcmpW(w->Name, L"Kerberos"), "got %ls\n", w->Name);
        FreeContextBuffer(w);
    }
    st = QuerySecurityPackageInfoA((SEC_CHAR *)"Negotiate", &a);
    ok(st == SEC_E_OK, "QuerySecurityPackageInfoA(Negotiate): %08lx\n", st);
    if (st == SEC_E_OK) {
        ok(!strcmp(a->Name, "Negotiate"), "got %s\n", a->Name);
        FreeContextBuffer(a);
    }
    w = (void *)0xdeadbeef;
    st = QuerySecurityPackageInfoW((SEC_WCHAR *)L"NoSuchPackage", &w);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "unknown package: %08lx\n", st);
    ok(w == (void *)0xdeadbeef, "output touched on failure\n");
    st = QuerySecurityPackageInfoW(NULL, &w);
    ok(st == SEC_E_SECPKG_NOT_FOUND, "NULL package: %08lx\n", st);
    st = QuerySecurityPackageInfoA((SEC_CHAR *)"Kerberos", NULL);
    ok(st == SEC_E_INVALID_PARAMETER, "NULL output: %08lx\n", st);
}

static void test_free_context_buffer(void)
{
    ok(FreeContextBuffer(NULL) == SEC_E_OK, "FreeContextBuffer(NULL) failed\n");
}

static void test_tables(void)
{
    HMODULE self = GetModuleHandleA("secur32.dll");
    PSecurityFunctionTableW tw = InitSecurityInterfaceW();
    PSecurityFunctionTableA ta = InitSecurityInterfaceA();
    ok(tw && ta, "no function tables\n");
    if (!tw || !ta) return;
    /* Windows says version 1 and fills the later slots all the same */
    ok(tw->dwVersion == SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION, "W table version %lu\n", tw->dwVersion);
    ok(ta->dwVersion == tw->dwVersion, "A table version %lu\n", ta->dwVersion);
    /* every slot that is not documented as reserved is filled */
    void **slots = (void **)&tw->EnumerateSecurityPackagesW;
    void **end = (void **)(&tw->SetCredentialsAttributesW + 1);
    for (void **p = slots; p < end; p++) {
        if (p == &tw->Reserved2 || p == &tw->Reserved3 || p == &tw->Reserved4 || p == &tw->Reserved8) continue;
        ok(*p != NULL, "W table slot %d is empty\n", (int)(p - slots));
    }
    slots = (void **)&ta->EnumerateSecurityPackagesA;
    end = (void **)(&ta->SetCredentialsAttributesA + 1);
    for (void **p = slots; p < end; p++) {
        if (p == &ta->Reserved2 || p == &ta->Reserved3 || p == &ta->Reserved4 || p == &ta->Reserved8) continue;
        ok(*p != NULL, "A table slot %d is empty\n", (int)(p - slots));
    }
    /* the table entries are this DLL's exports, not the host's */
    ok((void *)tw->AcquireCredentialsHandleW == (void *)GetProcAddress(self, "AcquireCredentialsHandleW"),
       "W table does not point at our AcquireCredentialsHandleW\n");
    ok((void *)ta->QueryContextAttributesA == (void *)GetProcAddress(self, "QueryContextAttributesA"),
       "A table does not point at our QueryContextAttributesA\n");
    ok((void *)GetProcAddress(self, "SealMessage") == (void *)GetProcAddress(self, "EncryptMessage"),
       "SealMessage is not EncryptMessage\n");
}

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    test_lazy_host();
    test_free_context_buffer();
    test_tables();
    test_enumerate_w();
    test_enumerate_a();
    test_query_info();
    HMODULE after = GetModuleHandleA("secur32.dll");
    trace("after the host loaded, GetModuleHandle(secur32) is %s\n",
          GetProcAddress(after, "SspiShimVersion") ? "this DLL" : "the host (documented limit)");
}
