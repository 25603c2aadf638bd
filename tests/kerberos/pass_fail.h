/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The PASS/FAIL lines tests/kerberos/run.sh counts, for its native
 * programs: "PASS name", or "FAIL name: why" (printf-style). */
#ifndef SSPISHIM_TESTS_PASS_FAIL_H
#define SSPISHIM_TESTS_PASS_FAIL_H

#include <stdarg.h>
#include <stdio.h>

static int failures;

static void __attribute__((format(printf, 3, 4), unused)) result(int ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        printf("PASS %s\n", name);
        return;
    }
    printf("FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    failures++;
}

#endif
