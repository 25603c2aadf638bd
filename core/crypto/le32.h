/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Little-endian 32-bit words, bytewise: input at any address and on any
 * host reads the same.  Shared by the hand-written primitives. */
#ifndef SSPISHIM_CRYPTO_LE32_H
#define SSPISHIM_CRYPTO_LE32_H

#include <stdint.h>

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#endif
