/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* One byte of RC4 keystream, as a macro shared by crypto_rc4_crypt (rc4.c)
 * and the pass stitched with MD5 (rc4_md5.c).  The byte is or-ed into a
 * 64-bit word at position k, so that the message is read and written eight
 * bytes at a time.  i and j are uint8_t: their wrap is free, and measured
 * on x86_64 that is faster than masking wider registers. */
#ifndef SSPISHIM_CRYPTO_RC4_STEP_H
#define SSPISHIM_CRYPTO_RC4_STEP_H

#include <stdint.h>
#include <string.h>

#define RC4_STEP(s, i, j, ks, k) do {                                  \
        uint8_t si_, sj_;                                              \
        i = (uint8_t)(i + 1);                                          \
        si_ = s[i];                                                    \
        j = (uint8_t)(j + si_);                                        \
        sj_ = s[j];                                                    \
        s[i] = sj_;                                                    \
        s[j] = si_;                                                    \
        ks |= (uint64_t)s[(uint8_t)(si_ + sj_)] << (8 * (k));          \
    } while (0)

/* Little-endian 64-bit words at any address.  memcpy is one move where
 * the host is little-endian (the bytewise form is not always merged into
 * one, measured 60 % slower in the RC4 loop); elsewhere bytewise. */
static inline uint64_t rc4_load_le64(const uint8_t *p)
{
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, p, 8);
#else
    for (int k = 0; k < 8; k++) v |= (uint64_t)p[k] << (8 * k);
#endif
    return v;
}

static inline void rc4_store_le64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8);
#else
    for (int k = 0; k < 8; k++) p[k] = (uint8_t)(v >> (8 * k));
#endif
}

#endif
