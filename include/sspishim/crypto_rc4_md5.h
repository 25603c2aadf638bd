/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* RC4 and MD5 over the same bytes in one pass, as NTLM sealing needs them
 * (core/crypto/rc4_md5.c): about the cost of the MD5 alone.  md5 may be an
 * HMAC's inner hash (struct crypto_hmac_md5's inner).
 *   seal: md5 absorbs in, rc4 encrypts in into out.  The same as
 *         crypto_md5_update(md5, in, len); crypto_rc4_crypt(rc4, in, out, len);
 *   open: rc4 decrypts in into out, md5 absorbs out.  The same as
 *         crypto_rc4_crypt(rc4, in, out, len); crypto_md5_update(md5, out, len);
 * Both streams continue where they stood, at any offset.  in == out is
 * allowed; other overlaps are not. */
#ifndef SSPISHIM_CRYPTO_RC4_MD5_H
#define SSPISHIM_CRYPTO_RC4_MD5_H

#include "sspishim/crypto.h"

void crypto_rc4_md5_seal(struct crypto_rc4 *rc4, struct crypto_md5 *md5, const uint8_t *in, uint8_t *out,
                         size_t len);
void crypto_rc4_md5_open(struct crypto_rc4 *rc4, struct crypto_md5 *md5, const uint8_t *in, uint8_t *out,
                         size_t len);

#endif
