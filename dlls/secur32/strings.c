/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* ANSI code page <-> UTF-16 for the A entry points.  Results come from the
 * caller allocator, so a converted string can be handed out as it is. */
#include <string.h>

#include "secur32_private.h"
#include "sspishim/sys.h"

WCHAR *str_a_to_w(const char *s)
{
    if (!s) return NULL;
    int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    if (n <= 0) return NULL;
    WCHAR *w = sys_caller_alloc(n * sizeof(WCHAR));
    if (w) MultiByteToWideChar(CP_ACP, 0, s, -1, w, n);
    return w;
}

char *str_w_to_a(const WCHAR *s)
{
    if (!s) return NULL;
    int n = WideCharToMultiByte(CP_ACP, 0, s, -1, NULL, 0, NULL, NULL);
    if (n <= 0) return NULL;
    char *a = sys_caller_alloc(n);
    if (a) WideCharToMultiByte(CP_ACP, 0, s, -1, a, n, NULL, NULL);
    return a;
}

void str_free(void *p)
{
    sys_caller_free(p);
}

static size_t a_size(const WCHAR *s)
{
    return s ? (size_t)WideCharToMultiByte(CP_ACP, 0, s, -1, NULL, 0, NULL, NULL) : 0;
}

static char *a_put(char *dst, const WCHAR *s, size_t n)
{
    if (!s) return NULL;
    WideCharToMultiByte(CP_ACP, 0, s, -1, dst, (int)n, NULL, NULL);
    return dst;
}

/* One block, as Windows returns it: the SecPkgInfoA array, then the strings. */
SECURITY_STATUS pkginfo_w_to_a(const SecPkgInfoW *w, ULONG count, SecPkgInfoA **out)
{
    size_t size = count * sizeof(SecPkgInfoA);
    for (ULONG i = 0; i < count; i++) size += a_size(w[i].Name) + a_size(w[i].Comment);
    SecPkgInfoA *a = sys_caller_alloc(size);
    if (!a) return SEC_E_INSUFFICIENT_MEMORY;
    char *str = (char *)(a + count);
    for (ULONG i = 0; i < count; i++) {
        size_t n;
        a[i].fCapabilities = w[i].fCapabilities;
        a[i].wVersion = w[i].wVersion;
        a[i].wRPCID = w[i].wRPCID;
        a[i].cbMaxToken = w[i].cbMaxToken;
        n = a_size(w[i].Name);
        a[i].Name = a_put(str, w[i].Name, n);
        str += n;
        n = a_size(w[i].Comment);
        a[i].Comment = a_put(str, w[i].Comment, n);
        str += n;
    }
    *out = a;
    return SEC_E_OK;
}
