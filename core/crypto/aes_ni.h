/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The AES-NI block functions aes.c hands over to when the CPU has them.
 * x86-64 only: i686 Windows guarantees only a 4-byte aligned stack, and
 * its Kerberos traffic is no reason to realign every call. */
#ifndef SSPISHIM_CRYPTO_AES_NI_H
#define SSPISHIM_CRYPTO_AES_NI_H

#include <stdint.h>

#include "sspishim/crypto_aes.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define AES_NI 1
/* True when the CPU runs AES-NI: known at compile time with -maes, else
 * asked of CPUID (GCC caches the answer). */
static inline int aes_ni_available(void)
{
#ifdef __AES__
    return 1;
#else
    return __builtin_cpu_supports("aes");
#endif
}
void aes_ni_encrypt(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16]);
void aes_ni_decrypt(const struct crypto_aes *ctx, const uint8_t in[16], uint8_t out[16]);
#else
static inline int aes_ni_available(void) { return 0; }
#endif

#endif
