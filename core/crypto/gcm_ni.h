/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* GCM's two halves on AES-NI and PCLMULQDQ (gcm_ni.c), for gcm.c.  x86-64
 * only, for the reason aes_ni.h gives. */
#ifndef SSPISHIM_CRYPTO_GCM_NI_H
#define SSPISHIM_CRYPTO_GCM_NI_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/crypto_gcm.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define GCM_NI 1
/* out = in ^ AES_K(nonce || ctr), AES_K(nonce || ctr + 1), ..., a block at
 * a time: it serves the tag's block and the last part of a message shorter
 * than a 64-byte group (gcm_ni_seal and gcm_ni_open run the groups). */
void gcm_ni_ctr(const struct crypto_gcm *g, const uint8_t nonce[12], uint32_t ctr,
                const uint8_t *in, uint8_t *out, size_t len);
/* GHASH_H(aad, zero pad, ct, zero pad, bit lengths) as bytes. */
void gcm_ni_ghash(const struct crypto_gcm *g, const uint8_t *aad, size_t aad_len,
                  const uint8_t *ct, size_t len, uint8_t s[16]);
/* ct = counter-mode encryption of pt from counter 2, and s = GHASH over
 * aad and ct, in one pass; open decrypts ct into pt the same way.  The
 * caller makes the tag (s ^ AES_K(nonce || 1)) and, opening, compares it
 * and wipes pt when it differs.  in == out is allowed. */
void gcm_ni_seal(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                 const uint8_t *pt, size_t len, uint8_t *ct, uint8_t s[16]);
void gcm_ni_open(const struct crypto_gcm *g, const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                 const uint8_t *ct, size_t len, uint8_t *pt, uint8_t s[16]);
#endif

#endif
