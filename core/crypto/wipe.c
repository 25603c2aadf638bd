/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* A plain memset before free or return is a dead store the optimiser may
 * delete.  Kept in its own file so that no caller sees the body and reasons
 * about it.  With GCC and Clang the memset is followed by an empty asm that
 * claims to read the memory, which the optimiser must honour: the wipe runs
 * at memset's speed.  Stores through a volatile pointer (the fallback) go a
 * byte at a time, and contexts, RC4 states and hash states are wiped on
 * every handshake, export and import: that cost a quarter of an export
 * round trip (BENCHMARKS.md). */
#include <string.h>

#include "sspishim/crypto.h"

void crypto_wipe(void *p, size_t n)
{
#if defined(__GNUC__)
    if (!n) return;
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    volatile uint8_t *v = p;

    while (n--) *v++ = 0;
#endif
}
