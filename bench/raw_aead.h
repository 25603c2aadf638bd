/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The floor under an export + import round trip: sealing a packed
 * context's payload and opening it again with the AEAD the envelope picks
 * on this CPU (AES-256-GCM where it has AES-NI and PCLMULQDQ, else
 * ChaCha20-Poly1305; include/sspishim/packed.h), on the core's own code,
 * with nothing else around it.  Set to the size of the
 * payload the round trip really carries, it tells how much of the round
 * trip is the envelope's cryptography. */
#ifndef SSPISHIM_BENCH_RAW_AEAD_H
#define SSPISHIM_BENCH_RAW_AEAD_H

#include <string.h>

#include "sspishim/aead.h"
#include "sspishim/crypto_gcm.h"

struct raw_aead {
    uint8_t key[32], nonce[12], aad[40], tag[16];
    uint8_t pt[2048], ct[2048];
    size_t aad_len, len;
    unsigned failures;
    int gcm;                 /* 1: AES-256-GCM, as the envelope seals here */
    struct crypto_gcm gcm_key;
};

/* A blob of blob_len bytes holds a payload of blob_len - 50 - package
 * name bytes, after a header of 34 + name bytes (include/sspishim/packed.h). */
static void raw_aead_init(struct raw_aead *a, size_t blob_len, size_t name_len)
{
    memset(a, 0x5a, sizeof(*a));
    a->aad_len = 34 + name_len;
    a->len = blob_len - 50 - name_len;
    if (a->len > sizeof(a->pt) || a->aad_len > sizeof(a->aad)) a->len = 0;
    a->failures = 0;
    a->gcm = crypto_gcm_hardware();
    crypto_gcm_init(&a->gcm_key, a->key);
}

static void raw_aead_run(void *p, long iters)
{
    struct raw_aead *a = p;
    for (long i = 0; i < iters; i++) {
        a->nonce[0] = (uint8_t)i;
        if (a->gcm) {
            crypto_gcm_seal(&a->gcm_key, a->nonce, a->aad, a->aad_len, a->pt, a->len, a->ct, a->tag);
            a->failures += crypto_gcm_open(&a->gcm_key, a->nonce, a->aad, a->aad_len, a->ct, a->len, a->tag,
                                           a->pt) != 0;
            continue;
        }
        crypto_aead_seal(a->key, a->nonce, a->aad, a->aad_len, a->pt, a->len, a->ct, a->tag);
        a->failures += crypto_aead_open(a->key, a->nonce, a->aad, a->aad_len, a->ct, a->len, a->tag, a->pt) != 0;
    }
}

#endif
