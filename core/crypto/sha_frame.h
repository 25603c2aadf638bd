/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What SHA-1 and SHA-256 share around their compression functions: 64-byte
 * blocks, a partial block waiting for more input, and the padding (0x80,
 * zeros, the length in bits, big-endian).  md_frame.h is the little-endian
 * twin for MD4/MD5.  Static inline with each hash's block function as a
 * constant, so each inlines its own. */
#ifndef SSPISHIM_CRYPTO_SHA_FRAME_H
#define SSPISHIM_CRYPTO_SHA_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "be.h"

typedef void (*sha_blocks_fn)(uint32_t *h, const uint8_t *p, size_t blocks);

static inline void sha_frame_update(uint32_t *h, uint64_t *total, uint8_t buf[64], const void *data, size_t len,
                                    sha_blocks_fn blocks)
{
    const uint8_t *p = data;
    size_t used = (size_t)(*total & 63);

    if (!len) return;   /* data may be NULL then, which memcpy does not allow */
    *total += len;
    if (used) {
        size_t take = 64 - used < len ? 64 - used : len;
        memcpy(buf + used, p, take);
        p += take;
        len -= take;
        if (used + take < 64) return;
        blocks(h, buf, 1);
    }
    if (len >= 64) blocks(h, p, len / 64);
    p += len & ~(size_t)63;
    len &= 63;
    if (len) memcpy(buf, p, len);
}

/* Writes words 32-bit words of digest; the caller wipes the state. */
static inline void sha_frame_final(uint32_t *h, uint64_t total, uint8_t buf[64], uint8_t *out, int words,
                                   sha_blocks_fn blocks)
{
    size_t used = (size_t)(total & 63);

    buf[used++] = 0x80;
    if (used > 56) {
        memset(buf + used, 0, 64 - used);
        blocks(h, buf, 1);
        used = 0;
    }
    memset(buf + used, 0, 56 - used);
    store_be64(buf + 56, total << 3);
    blocks(h, buf, 1);
    for (int i = 0; i < words; i++) store_be32(out + 4 * i, h[i]);
}

#endif
