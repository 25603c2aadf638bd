/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What MD4 (RFC 1320) and MD5 (RFC 1321) share around their compression
 * functions beyond block64.h: the initial state, and the length in bits
 * and the digest little-endian.  Static inline, called with each hash's
 * own block function as a constant, so each inlines its own. */
#ifndef SSPISHIM_CRYPTO_MD_FRAME_H
#define SSPISHIM_CRYPTO_MD_FRAME_H

#include <stdint.h>

#include "block64.h"

static inline void md_frame_init(uint32_t h[4], uint64_t *len)
{
    h[0] = 0x67452301u;
    h[1] = 0xefcdab89u;
    h[2] = 0x98badcfeu;
    h[3] = 0x10325476u;
    *len = 0;
}

/* The digest, 16 bytes; the caller wipes the state. */
static inline void md_frame_final(uint32_t h[4], uint64_t total, uint8_t buf[64], uint8_t out[16],
                                  block64_fn blocks)
{
    uint64_t bits = total << 3;

    block64_pad(h, total, buf, blocks);
    for (int i = 0; i < 8; i++) buf[56 + i] = (uint8_t)(bits >> (8 * i));
    blocks(h, buf, 1);
    for (int i = 0; i < 16; i++) out[i] = (uint8_t)(h[i / 4] >> (8 * (i % 4)));
}

#endif
