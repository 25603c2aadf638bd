/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the checksum of NTLM
 * signatures without extended session security (MS-NLMP 3.4.4.1, "CRC32"
 * in section 6).  It protects nothing on its own; the signature hides it
 * under RC4.  A 16-entry table, half a byte per step: the 1 KiB table of
 * the byte-wise form buys speed this legacy mode does not need. */
#include "sspishim/crypto.h"

static const uint32_t nibble[16] = {
    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
    0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t crypto_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;

    /* The register runs inverted; the inversions at both ends let a
     * finished value be passed back in to continue, as zlib's crc32 does. */
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ nibble[crc & 15];
        crc = (crc >> 4) ^ nibble[crc & 15];
    }
    return ~crc;
}
