/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The physical limit of NTLM sealing on this CPU: the work of
 * bench/raw_seal.h (per message pair: HMAC-MD5 over SeqNum || msg, RC4 over
 * msg and over the 8-byte checksum, on both ends) done by OpenSSL's
 * libcrypto, whose RC4 and MD5 are hand-written assembly, through EVP as
 * any program would call them.  RC4 comes from the legacy provider in
 * OpenSSL 3.  Native programs only: the DLL cannot link OpenSSL, so this
 * is what its C primitives are measured against.
 *
 * The HMAC is keyed once and restarted per message (EVP_MAC_init with no
 * key keeps the key): the cheapest way OpenSSL offers, so per-message
 * overhead does not flatter the project at small sizes. */
#ifndef SSPISHIM_BENCH_RAW_OPENSSL_H
#define SSPISHIM_BENCH_RAW_OPENSSL_H

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "bench.h"

struct raw_openssl {
    EVP_CIPHER_CTX *send, *recv;
    EVP_MAC_CTX *mac;
    uint32_t seq;
    uint8_t *msg;
    size_t len;
    unsigned mismatches;
};

static void raw_openssl_providers(void)
{
    static int done;
    if (done) return;
    /* Loading legacy replaces the implicit default: both, explicitly. */
    if (!OSSL_PROVIDER_load(NULL, "legacy") || !OSSL_PROVIDER_load(NULL, "default"))
        bench_fail("OpenSSL: cannot load the legacy and default providers\n");
    done = 1;
}

static EVP_CIPHER_CTX *raw_openssl_rc4(const uint8_t key[16])
{
    EVP_CIPHER *rc4 = EVP_CIPHER_fetch(NULL, "RC4", NULL);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!rc4 || !c || EVP_EncryptInit_ex2(c, rc4, key, NULL, NULL) != 1)
        bench_fail("OpenSSL: no RC4\n");
    EVP_CIPHER_free(rc4);
    return c;
}

/* The same keys and message as raw_seal_init. */
static void raw_openssl_init(struct raw_openssl *r, uint8_t *msg, size_t len)
{
    static const uint8_t seal_key[16] = { 0x59, 0xf6, 0x00, 0x97, 0x3c, 0xc4, 0x96, 0x0a,
                                          0x25, 0x48, 0x0a, 0x7c, 0x19, 0x6e, 0x4c, 0x58 };
    uint8_t sign_key[16];
    char md5[] = "MD5";
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md5, 0),
                            OSSL_PARAM_construct_end() };
    EVP_MAC *hmac;

    raw_openssl_providers();
    memset(r, 0, sizeof(*r));
    memset(sign_key, 0x47, sizeof(sign_key));
    r->send = raw_openssl_rc4(seal_key);
    r->recv = raw_openssl_rc4(seal_key);
    hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!hmac || !(r->mac = EVP_MAC_CTX_new(hmac)) || EVP_MAC_init(r->mac, sign_key, sizeof(sign_key), params) != 1)
        bench_fail("OpenSSL: no HMAC-MD5\n");
    EVP_MAC_free(hmac);
    r->msg = msg;
    r->len = len;
}

static void raw_openssl_free(struct raw_openssl *r)
{
    EVP_CIPHER_CTX_free(r->send);
    EVP_CIPHER_CTX_free(r->recv);
    EVP_MAC_CTX_free(r->mac);
}

static void raw_openssl_mac(struct raw_openssl *r, uint8_t full[16])
{
    uint8_t seq_le[4] = { (uint8_t)r->seq, (uint8_t)(r->seq >> 8), (uint8_t)(r->seq >> 16),
                          (uint8_t)(r->seq >> 24) };
    size_t n;

    if (EVP_MAC_init(r->mac, NULL, 0, NULL) != 1 || EVP_MAC_update(r->mac, seq_le, sizeof(seq_le)) != 1 ||
        EVP_MAC_update(r->mac, r->msg, r->len) != 1 || EVP_MAC_final(r->mac, full, &n, 16) != 1 || n != 16)
        bench_fail("OpenSSL: HMAC-MD5 failed\n");
}

static void raw_openssl_crypt(EVP_CIPHER_CTX *c, uint8_t *p, size_t len)
{
    int n;
    if (EVP_EncryptUpdate(c, p, &n, p, (int)len) != 1 || (size_t)n != len) bench_fail("OpenSSL: RC4 failed\n");
}

static void raw_openssl_pair(struct raw_openssl *r)
{
    uint8_t sent[16], got[16];

    raw_openssl_mac(r, sent);
    raw_openssl_crypt(r->send, r->msg, r->len);
    raw_openssl_crypt(r->send, sent, 8);
    raw_openssl_crypt(r->recv, r->msg, r->len);
    raw_openssl_mac(r, got);
    raw_openssl_crypt(r->recv, got, 8);
    r->mismatches += memcmp(sent, got, 8) != 0;
    r->seq++;
}

static void raw_openssl_run(void *p, long iters)
{
    for (long i = 0; i < iters; i++) raw_openssl_pair(p);
}

#endif
