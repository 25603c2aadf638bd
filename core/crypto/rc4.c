/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* RC4.  Weak, but it is what NTLM seals messages and exchanges keys with,
 * and it runs over every byte of every sealed message. */
#include "sspishim/crypto.h"

#include "rc4_step.h"

void crypto_rc4_init(struct crypto_rc4 *ctx, const uint8_t *key, size_t len)
{
    uint8_t *s = ctx->s;
    uint8_t j = 0;
    size_t k = 0;

    if (len > 256) len = 256;   /* the schedule never reaches further */
    for (int i = 0; i < 256; i++) s[i] = (uint8_t)i;
    for (int i = 0; i < 256; i++) {
        uint8_t t = s[i];
        j = (uint8_t)(j + t + (len ? key[k] : 0));
        s[i] = s[j];
        s[j] = t;
        /* A wrapping index instead of i % len: no division, no len == 0 trap. */
        if (++k >= len) k = 0;
    }
    ctx->i = 0;
    ctx->j = 0;
}

void crypto_rc4_crypt(struct crypto_rc4 *ctx, const uint8_t *in, uint8_t *out, size_t len)
{
    /* i and j live in registers for the whole run; restrict tells the
     * compiler that writing out[] cannot change the permutation. */
    uint8_t *restrict s = ctx->s;
    uint8_t i = ctx->i, j = ctx->j;
    size_t n = 0;

    /* Eight bytes of keystream gathered in a register, then one load, one
     * xor and one store for the eight message bytes instead of eight of
     * each: the permutation's loads and stores are what remains. */
    for (; len - n >= 8; n += 8) {
        uint64_t ks = 0;
        RC4_STEP(s, i, j, ks, 0);
        RC4_STEP(s, i, j, ks, 1);
        RC4_STEP(s, i, j, ks, 2);
        RC4_STEP(s, i, j, ks, 3);
        RC4_STEP(s, i, j, ks, 4);
        RC4_STEP(s, i, j, ks, 5);
        RC4_STEP(s, i, j, ks, 6);
        RC4_STEP(s, i, j, ks, 7);
        rc4_store_le64(out + n, rc4_load_le64(in + n) ^ ks);
    }
    for (; n < len; n++) {
        uint64_t ks = 0;
        RC4_STEP(s, i, j, ks, 0);
        out[n] = (uint8_t)(in[n] ^ ks);
    }
    ctx->i = i;
    ctx->j = j;
}
