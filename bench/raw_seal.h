/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The raw limit of NTLM sealing: the cryptography one sealed message and
 * its unsealing cannot do without, called straight on the core's
 * primitives in a tight loop, with no SSPI, no buffers to find, no handle,
 * no lock.  Per message pair:
 *   seal    HMAC-MD5(SignKey, SeqNum || msg), RC4 over msg, RC4 over the
 *           8-byte checksum
 *   unseal  RC4 over msg, HMAC-MD5(SignKey, SeqNum || msg), RC4 over the
 *           8-byte checksum, compare
 * The same source is built into the Windows benchmark (mingw) and the
 * native ones (gcc), so the loop also measures what running under Wine
 * costs CPU-bound code: see BENCHMARKS.md. */
#ifndef SSPISHIM_BENCH_RAW_SEAL_H
#define SSPISHIM_BENCH_RAW_SEAL_H

#include <stdio.h>
#include <string.h>

#include "sspishim/crypto.h"

#include "bench.h"

struct raw_seal {
    uint8_t sign_key[16];
    struct crypto_rc4 send, recv;    /* both ends of one direction */
    uint32_t seq;
    uint8_t *msg;
    size_t len;
    unsigned mismatches;
};

static void raw_seal_init(struct raw_seal *r, uint8_t *msg, size_t len)
{
    static const uint8_t seal_key[16] = { 0x59, 0xf6, 0x00, 0x97, 0x3c, 0xc4, 0x96, 0x0a,
                                          0x25, 0x48, 0x0a, 0x7c, 0x19, 0x6e, 0x4c, 0x58 };
    memset(r, 0, sizeof(*r));
    memset(r->sign_key, 0x47, sizeof(r->sign_key));
    crypto_rc4_init(&r->send, seal_key, sizeof(seal_key));
    crypto_rc4_init(&r->recv, seal_key, sizeof(seal_key));
    r->msg = msg;
    r->len = len;
}

static void raw_mac(struct raw_seal *r, uint8_t full[16])
{
    struct crypto_hmac_md5 h;
    uint8_t seq_le[4] = { (uint8_t)r->seq, (uint8_t)(r->seq >> 8), (uint8_t)(r->seq >> 16),
                          (uint8_t)(r->seq >> 24) };

    crypto_hmac_md5_init(&h, r->sign_key, sizeof(r->sign_key));
    crypto_hmac_md5_update(&h, seq_le, sizeof(seq_le));
    crypto_hmac_md5_update(&h, r->msg, r->len);
    crypto_hmac_md5_final(&h, full);
}

/* One message sealed and unsealed in place; the checksum's keystream
 * follows the message's, as in the protocol. */
static void raw_seal_pair(struct raw_seal *r)
{
    uint8_t sent[16], got[16];

    raw_mac(r, sent);
    crypto_rc4_crypt(&r->send, r->msg, r->msg, r->len);
    crypto_rc4_crypt(&r->send, sent, sent, 8);
    crypto_rc4_crypt(&r->recv, r->msg, r->msg, r->len);
    raw_mac(r, got);
    crypto_rc4_crypt(&r->recv, got, got, 8);
    r->mismatches += memcmp(sent, got, 8) != 0;
    r->seq++;
}

static void raw_seal_run(void *p, long iters)
{
    for (long i = 0; i < iters; i++) raw_seal_pair(p);
}

/* The reference every benchmark times beside what it measures, in the same
 * process and in alternation with it: the raw loop at 1 KiB.  A time
 * divided by the reference of its own run compares across processes (the
 * Wine program and the native ones, run one after the other) even when the
 * machine's speed changed between them. */
#define RAW_REF_SIZE 1024

struct raw_ref {
    struct raw_seal r;
    uint8_t buf[RAW_REF_SIZE];
};

static void *raw_ref_init(struct raw_ref *ref)
{
    raw_seal_init(&ref->r, ref->buf, RAW_REF_SIZE);
    return &ref->r;
}

/* The raw loop alone at the three message sizes, as "calib.WHERE.SIZE":
 * run under Wine ("wine") and natively ("native"), it shows what Wine
 * costs CPU-bound code. */
static void raw_seal_calibrate(const char *where)
{
    static const size_t sizes[] = { 64, 1024, 65536 };
    static uint8_t buf[65536];

    for (int i = 0; i < 3; i++) {
        struct raw_seal r;
        char id[64];
        snprintf(id, sizeof(id), "calib.%s.%u", where, (unsigned)sizes[i]);
        raw_seal_init(&r, buf, sizes[i]);
        struct bench_case c = { id, raw_seal_run, &r, 0, { 0 } };
        bench_one(&c);
        if (r.mismatches) bench_fail("raw loop: %u mismatches\n", r.mismatches);
    }
}

#endif
