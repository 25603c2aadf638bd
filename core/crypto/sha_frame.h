/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What SHA-1 and SHA-256 share around their compression functions beyond
 * block64.h: the length in bits and the digest big-endian.  md_frame.h is
 * the little-endian twin for MD4/MD5.  Static inline with each hash's block
 * function as a constant, so each inlines its own. */
#ifndef SSPISHIM_CRYPTO_SHA_FRAME_H
#define SSPISHIM_CRYPTO_SHA_FRAME_H

#include <stdint.h>

#include "be.h"
#include "block64.h"

/* Writes words 32-bit words of digest; the caller wipes the state. */
static inline void sha_frame_final(uint32_t *h, uint64_t total, uint8_t buf[64], uint8_t *out, int words,
                                   block64_fn blocks)
{
    block64_pad(h, total, buf, blocks);
    store_be64(buf + 56, total << 3);
    blocks(h, buf, 1);
    for (int i = 0; i < words; i++) store_be32(out + 4 * i, h[i]);
}

#endif
