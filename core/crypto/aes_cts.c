/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* AES in CBC mode with ciphertext stealing, as RFC 3962 section 5 uses it
 * for Kerberos: for more than one block, encrypt the zero-padded input with
 * plain CBC, swap the last two ciphertext blocks and drop the padding's
 * share of what is now the last one.  The ciphertext is as long as the
 * plaintext.  Decryption recovers the dropped bytes from the decryption of
 * the (full) next-to-last block, since the padding was zeros. */
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_aes.h"

#define B CRYPTO_AES_BLOCK

static void xor_block(uint8_t *dst, const uint8_t *a, const uint8_t *b)
{
    for (int i = 0; i < B; i++) dst[i] = a[i] ^ b[i];
}

int crypto_aes_cts_encrypt(const struct crypto_aes *ctx, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                           size_t len)
{
    uint8_t chain[B], last[B], prev[B];
    size_t full, tail;

    if (len < B) return -1;
    /* full: blocks before the last two (or the one); tail: 1..16 bytes. */
    full = (len - 1) / B;
    tail = len - full * B;
    if (!full) {
        xor_block(chain, in, iv);
        crypto_aes_encrypt(ctx, chain, out);
        memcpy(iv, out, B);
        crypto_wipe(chain, sizeof(chain));
        return 0;
    }
    memcpy(chain, iv, B);
    for (size_t i = 0; i + 1 < full; i++) {
        xor_block(chain, in + i * B, chain);
        crypto_aes_encrypt(ctx, chain, chain);
        memcpy(out + i * B, chain, B);
    }
    /* The next-to-last plaintext block, then the zero-padded tail. */
    xor_block(prev, in + (full - 1) * B, chain);
    crypto_aes_encrypt(ctx, prev, prev);
    memcpy(last, prev, B);
    for (size_t i = 0; i < tail; i++) last[i] ^= in[full * B + i];
    crypto_aes_encrypt(ctx, last, last);
    /* Swapped: the last CBC block first, then the stolen prefix. */
    memcpy(out + (full - 1) * B, last, B);
    memcpy(out + full * B, prev, tail);
    memcpy(iv, last, B);
    crypto_wipe(chain, sizeof(chain));
    crypto_wipe(last, sizeof(last));
    crypto_wipe(prev, sizeof(prev));
    return 0;
}

int crypto_aes_cts_decrypt(const struct crypto_aes *ctx, uint8_t iv[16], const uint8_t *in, uint8_t *out,
                           size_t len)
{
    uint8_t chain[B], cur[B], dn[B], cn1[B], next_iv[B];
    size_t full, tail;

    if (len < B) return -1;
    full = (len - 1) / B;
    tail = len - full * B;
    if (!full) {
        memcpy(cur, in, B);
        crypto_aes_decrypt(ctx, cur, out);
        xor_block(out, out, iv);
        memcpy(iv, cur, B);
        crypto_wipe(cur, sizeof(cur));
        return 0;
    }
    memcpy(chain, iv, B);
    for (size_t i = 0; i + 1 < full; i++) {
        /* A copy of the ciphertext block first: out may be in. */
        memcpy(cur, in + i * B, B);
        crypto_aes_decrypt(ctx, cur, out + i * B);
        xor_block(out + i * B, out + i * B, chain);
        memcpy(chain, cur, B);
    }
    /* cur: the last CBC block (sent next-to-last); its decryption is the
     * padded tail xor the CBC block before it, whose first tail bytes were
     * sent last and whose remaining bytes show through the zero padding. */
    memcpy(cur, in + (full - 1) * B, B);
    memcpy(next_iv, cur, B);
    crypto_aes_decrypt(ctx, cur, dn);
    memcpy(cn1, dn, B);
    memcpy(cn1, in + full * B, tail);
    for (size_t i = 0; i < tail; i++) out[full * B + i] = dn[i] ^ cn1[i];
    crypto_aes_decrypt(ctx, cn1, cn1);
    xor_block(out + (full - 1) * B, cn1, chain);
    memcpy(iv, next_iv, B);
    crypto_wipe(chain, sizeof(chain));
    crypto_wipe(cur, sizeof(cur));
    crypto_wipe(dn, sizeof(dn));
    crypto_wipe(cn1, sizeof(cn1));
    return 0;
}
