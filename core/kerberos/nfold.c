/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* n-fold (RFC 3961 5.1): stretches or folds a derivation constant such as
 * "kerberos" or a usage number to the cipher's block size.  The input is
 * repeated, each copy rotated 13 bits further right than the last, until
 * the length is a multiple of both sizes (their lcm); the out_len-byte
 * pieces are then added with ones'-complement (end-around carry) addition.
 * The repeated string is never built: its bytes are computed in order as
 * they are needed (one out_len piece at a time; byte by byte at its
 * position for pieces over 64 bytes), so any input length works without
 * allocating. */
#include <string.h>

#include "sspishim/krb_crypto.h"

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Byte pos of the repeated string: copy c = pos / len of the input,
 * rotated right by 13 * c bits. */
static uint8_t repeated_byte(const uint8_t *in, size_t len, size_t pos)
{
    size_t bits = 8 * len;
    size_t rot = (13 * (pos / len)) % bits;
    /* The first source bit of this byte, counting from the input's MSB. */
    size_t s = (8 * (pos % len) + bits - rot) % bits;
    size_t byte = s / 8, shift = s % 8;

    if (!shift) return in[byte];
    return (uint8_t)(in[byte] << shift | in[(byte + 1) % len] >> (8 - shift));
}

/* The repeated string's bytes in order from pos 0, without a division per
 * byte (n-fold runs for every derived key: each message's Ke and Ki). */
struct repeated {
    const uint8_t *in;
    size_t len, bits;
    size_t at;          /* pos % len */
    size_t rot;         /* 13 * (pos / len) % bits */
    size_t s;           /* (8 * at + bits - rot) % bits: the byte's first source bit */
};

static uint8_t repeated_next(struct repeated *r)
{
    size_t byte = r->s >> 3, shift = r->s & 7;
    uint8_t b = shift ? (uint8_t)(r->in[byte] << shift | r->in[byte + 1 == r->len ? 0 : byte + 1] >> (8 - shift))
                      : r->in[byte];

    if (++r->at == r->len) {
        r->at = 0;
        r->rot = (r->rot + 13) % r->bits;
        r->s = r->rot ? r->bits - r->rot : 0;
    } else if ((r->s += 8) >= r->bits) {
        r->s -= r->bits;
    }
    return b;
}

void krb_crypto_nfold(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
    struct repeated r = { in, in_len, 8 * in_len, 0, 0, 0 };
    uint8_t piece[64];
    size_t total;

    if (!out_len) return;
    memset(out, 0, out_len);
    if (!in_len) return;
    total = in_len / gcd(in_len, out_len) * out_len;
    for (size_t chunk = 0; chunk < total; chunk += out_len) {
        unsigned carry = 0;
        if (out_len <= sizeof(piece))
            for (size_t i = 0; i < out_len; i++) piece[i] = repeated_next(&r);
        for (size_t i = out_len; i-- > 0;) {
            carry += out[i] + (out_len <= sizeof(piece) ? piece[i] : repeated_byte(in, in_len, chunk + i));
            out[i] = (uint8_t)carry;
            carry >>= 8;
        }
        /* End-around: the carry re-enters at the low end, and cannot carry
         * out a second time (the sum is below 2^(8n+1)). */
        for (size_t i = out_len; carry && i-- > 0;) {
            carry += out[i];
            out[i] = (uint8_t)carry;
            carry >>= 8;
        }
    }
}
