/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* OpenSSL's sealing, the independent reference the AEAD suites (ChaCha20-
 * Poly1305, AES-256-GCM) hold the core's own code against: 12-byte nonce,
 * 16-byte tag. */
#ifndef SSPISHIM_TESTS_OPENSSL_AEAD_H
#define SSPISHIM_TESTS_OPENSSL_AEAD_H

#include <check.h>
#include <stdint.h>

#include <openssl/evp.h>

static void openssl_aead_seal(const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *nonce,
                              const uint8_t *aad, size_t alen, const uint8_t *pt, size_t len, uint8_t *ct,
                              uint8_t *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int olen = 0;

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_EncryptInit_ex(ctx, cipher, NULL, NULL, NULL), 1);
    ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL), 1);
    ck_assert_int_eq(EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce), 1);
    if (alen) ck_assert_int_eq(EVP_EncryptUpdate(ctx, NULL, &olen, aad, (int)alen), 1);
    if (len) {
        ck_assert_int_eq(EVP_EncryptUpdate(ctx, ct, &olen, pt, (int)len), 1);
        ck_assert_int_eq(olen, (int)len);
    }
    ck_assert_int_eq(EVP_EncryptFinal_ex(ctx, ct + len, &olen), 1);
    ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag), 1);
    EVP_CIPHER_CTX_free(ctx);
}

#endif
