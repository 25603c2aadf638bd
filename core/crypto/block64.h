/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The buffering all Merkle-Damgard hashes with 64-byte blocks and 32-bit
 * words share (MD4, MD5, SHA-1, SHA-256): a partial block waiting for more
 * input, and the padding up to the 8-byte length.  md_frame.h and
 * sha_frame.h add what differs: the initial state, the length's and the
 * digest's byte order.  Static inline, called with each hash's block
 * function as a constant, so each inlines its own. */
#ifndef SSPISHIM_CRYPTO_BLOCK64_H
#define SSPISHIM_CRYPTO_BLOCK64_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*block64_fn)(uint32_t *h, const uint8_t *p, size_t blocks);

static inline void block64_update(uint32_t *h, uint64_t *total, uint8_t buf[64], const void *data, size_t len,
                                  block64_fn blocks)
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

/* 0x80 and zeros up to byte 56 of the last block (compressing a full one
 * on the way when the tail leaves no room); the caller writes the length
 * into buf[56..64) and compresses buf. */
static inline void block64_pad(uint32_t *h, uint64_t total, uint8_t buf[64], block64_fn blocks)
{
    size_t used = (size_t)(total & 63);

    buf[used++] = 0x80;
    if (used > 56) {
        memset(buf + used, 0, 64 - used);
        blocks(h, buf, 1);
        used = 0;
    }
    memset(buf + used, 0, 56 - used);
}

#endif
