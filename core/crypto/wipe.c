/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* A plain memset before free or return is a dead store the optimiser may
 * delete; stores through a volatile pointer must be performed.  Kept in its
 * own file so that no caller sees the body and reasons about it. */
#include "sspishim/crypto.h"

void crypto_wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;

    while (n--) *v++ = 0;
}
