/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* PBKDF2 (RFC 8018 5.2) with HMAC: Kerberos string-to-key for the AES
 * enctypes runs thousands of iterations (4096 for RFC 3962, 32768 for
 * RFC 8009) per key.  The password is absorbed into the two padded HMAC
 * states once; each iteration starts from copies of them, so it costs two
 * compressions per block instead of four. */
#include <string.h>

#include "sspishim/crypto_sha.h"

#include "be.h"

void crypto_pbkdf2_hmac(const struct crypto_hash *h, const void *password, size_t password_len,
                        const void *salt, size_t salt_len, uint32_t iterations, uint8_t *out,
                        size_t out_len)
{
    struct crypto_hmac keyed, run;
    uint8_t u[CRYPTO_HASH_MAX_SIZE], t[CRYPTO_HASH_MAX_SIZE], index[4];
    size_t hlen = h->size;

    if (!iterations) iterations = 1;
    crypto_hmac_init(&keyed, h, password, password_len);
    for (uint32_t block = 1; out_len; block++) {
        size_t take = out_len < hlen ? out_len : hlen;

        /* U1 = PRF(P, S || INT(i)); Uj = PRF(P, Uj-1); T = U1 ^ ... ^ Uc */
        store_be32(index, block);
        run = keyed;
        crypto_hmac_update(&run, salt, salt_len);
        crypto_hmac_update(&run, index, sizeof(index));
        crypto_hmac_final(&run, u);
        memcpy(t, u, hlen);
        for (uint32_t i = 1; i < iterations; i++) {
            run = keyed;
            crypto_hmac_update(&run, u, hlen);
            crypto_hmac_final(&run, u);
            for (size_t k = 0; k < hlen; k++) t[k] ^= u[k];
        }
        memcpy(out, t, take);
        out += take;
        out_len -= take;
    }
    crypto_wipe(&keyed, sizeof(keyed));
    crypto_wipe(u, sizeof(u));
    crypto_wipe(t, sizeof(t));
}
