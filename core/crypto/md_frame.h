/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What MD4 (RFC 1320) and MD5 (RFC 1321) share around their compression
 * functions: the initial state, 64-byte blocks, and the padding (0x80,
 * zeros, the length in bits, little-endian).  Static inline, called with
 * each hash's own block function as a constant, so each inlines its own. */
#ifndef SSPISHIM_CRYPTO_MD_FRAME_H
#define SSPISHIM_CRYPTO_MD_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*md_blocks_fn)(uint32_t h[4], const uint8_t *p, size_t blocks);

static inline void md_frame_init(uint32_t h[4], uint64_t *len)
{
    h[0] = 0x67452301u;
    h[1] = 0xefcdab89u;
    h[2] = 0x98badcfeu;
    h[3] = 0x10325476u;
    *len = 0;
}

static inline void md_frame_update(uint32_t h[4], uint64_t *total, uint8_t buf[64], const void *data, size_t len,
                                   md_blocks_fn blocks)
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

/* The digest, 16 bytes; the caller wipes the state. */
static inline void md_frame_final(uint32_t h[4], uint64_t total, uint8_t buf[64], uint8_t out[16],
                                  md_blocks_fn blocks)
{
    uint64_t bits = total << 3;
    size_t used = (size_t)(total & 63);

    buf[used++] = 0x80;
    if (used > 56) {
        memset(buf + used, 0, 64 - used);
        blocks(h, buf, 1);
        used = 0;
    }
    memset(buf + used, 0, 56 - used);
    for (int i = 0; i < 8; i++) buf[56 + i] = (uint8_t)(bits >> (8 * i));
    blocks(h, buf, 1);
    for (int i = 0; i < 16; i++) out[i] = (uint8_t)(h[i / 4] >> (8 * (i % 4)));
}

#endif
