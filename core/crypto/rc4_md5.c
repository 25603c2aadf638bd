/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* RC4 and MD5 over the same bytes in one pass: what NTLM sealing does to
 * every message byte (HMAC-MD5 of the plaintext, RC4 over it).
 *
 * Why stitch: MD5 is one long dependency chain and leaves most of the
 * processor's execution units idle, while RC4 is loads and stores that
 * depend little on MD5's registers.  One byte of RC4 placed after each of
 * MD5's 64 steps runs in MD5's shadow, so a 64-byte block costs little
 * more than its MD5 alone (OpenSSL's rc4_md5 assembly does the same).
 *
 * The kernel hashes one 64-byte block and encrypts another: when sealing
 * they are the same block (the hash reads the plaintext before the stream
 * overwrites it); when opening, the hash runs one block behind the stream,
 * over plaintext the previous iteration produced. */
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_rc4_md5.h"

#include "le32.h"
#include "md5_step.h"
#include "rc4_step.h"

/* Only where registers are 64-bit and plenty.  i686 has seven usable
 * ones: MD5's four words, RC4's indices and pointers and the keystream word
 * do not fit together, and the stitched kernel spills on every step
 * (measured 1.4 times slower than the two passes under 32-bit Wine).
 * There the two primitives run one after the other, as the header
 * describes them. */
#if UINTPTR_MAX > 0xffffffffu && !defined(RC4_MD5_NO_STITCH)   /* the latter to test the other path */
#define RC4_MD5_STITCHED 1
#endif

#ifdef RC4_MD5_STITCHED
/* Per MD5 step: one keystream byte into ks; after every eighth, eight
 * message bytes out. */
#define RC4_MD5_EXTRA(n) do {                                                 \
        RC4_STEP(s, i, j, ks, (n) & 7);                                       \
        if (((n) & 7) == 7) {                                                 \
            rc4_store_le64(out + ((n) & ~7), rc4_load_le64(in + ((n) & ~7)) ^ ks); \
            ks = 0;                                                           \
        }                                                                     \
    } while (0)

/* blocks times: MD5 of the 64 bytes at hashed into h, and RC4 of the 64
 * bytes at in into out; all three move on by 64.  hashed may be in
 * (sealing, in place or not) or out - 64 (opening): a block's words are
 * read before any byte of it is written. */
static void rc4_md5_blocks(uint32_t h[4], const uint8_t *hashed, struct crypto_rc4 *rc4, const uint8_t *in,
                           uint8_t *out, size_t blocks)
{
    uint8_t *restrict s = rc4->s;
    uint8_t i = rc4->i, j = rc4->j;
    uint32_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];
    uint32_t x[16];

    for (; blocks; blocks--, hashed += 64, in += 64, out += 64) {
        uint32_t a = h0, b = h1, c = h2, d = h3;
        uint64_t ks = 0;

        for (int k = 0; k < 16; k++) x[k] = load_le32(hashed + 4 * k);
        MD5_STEPS(a, b, c, d, x, RC4_MD5_EXTRA);
        h0 += a; h1 += b; h2 += c; h3 += d;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3;
    rc4->i = i;
    rc4->j = j;
    /* The schedule is a copy of the plaintext; wiped once per call, not
     * per block, where its byte-wise stores would cost a few per cent. */
    crypto_wipe(x, sizeof(x));
}

/* How many bytes before md5's next block boundary. */
static size_t to_boundary(const struct crypto_md5 *md5, size_t len)
{
    size_t used = (size_t)(md5->len & 63), want = used ? 64 - used : 0;
    return want < len ? want : len;
}
#endif

void crypto_rc4_md5_seal(struct crypto_rc4 *rc4, struct crypto_md5 *md5, const uint8_t *in, uint8_t *out,
                         size_t len)
{
#ifndef RC4_MD5_STITCHED
    crypto_md5_update(md5, in, len);
    crypto_rc4_crypt(rc4, in, out, len);
#else
    size_t head = to_boundary(md5, len), blocks;

    /* Up to md5's block boundary, and the tail after the last whole
     * block, the two primitives one after the other, hash first. */
    crypto_md5_update(md5, in, head);
    crypto_rc4_crypt(rc4, in, out, head);
    in += head, out += head, len -= head;
    blocks = len / 64;
    rc4_md5_blocks(md5->h, in, rc4, in, out, blocks);
    in += 64 * blocks, out += 64 * blocks;
    md5->len += 64 * blocks;
    len &= 63;
    crypto_md5_update(md5, in, len);
    crypto_rc4_crypt(rc4, in, out, len);
#endif
}

void crypto_rc4_md5_open(struct crypto_rc4 *rc4, struct crypto_md5 *md5, const uint8_t *in, uint8_t *out,
                         size_t len)
{
#ifndef RC4_MD5_STITCHED
    crypto_rc4_crypt(rc4, in, out, len);
    crypto_md5_update(md5, out, len);
#else
    size_t head = to_boundary(md5, len), blocks;

    crypto_rc4_crypt(rc4, in, out, head);
    crypto_md5_update(md5, out, head);
    in += head, out += head, len -= head;
    blocks = len / 64;
    if (blocks) {
        /* The stream one block ahead: the first block alone, then each
         * block's decryption beside the previous block's hash, then the
         * last block's hash alone. */
        crypto_rc4_crypt(rc4, in, out, 64);
        rc4_md5_blocks(md5->h, out, rc4, in + 64, out + 64, blocks - 1);
        md5->len += 64 * (blocks - 1);
        crypto_md5_update(md5, out + 64 * (blocks - 1), 64);
        in += 64 * blocks, out += 64 * blocks, len &= 63;
    }
    crypto_rc4_crypt(rc4, in, out, len);
    crypto_md5_update(md5, out, len);
#endif
}
