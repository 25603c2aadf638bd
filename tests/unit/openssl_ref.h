/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* OpenSSL as the reference the crypto suites compare against.  OpenSSL 3
 * keeps MD4 and RC4 in the legacy provider: run_suite_openssl loads it (and
 * the default provider, which loading any provider explicitly stops loading
 * itself) before Check forks, so every test process inherits the result in
 * have_legacy.  Include after testutil.h. */
#ifndef SSPISHIM_TESTS_OPENSSL_REF_H
#define SSPISHIM_TESTS_OPENSSL_REF_H

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

static int have_legacy;

/* A 16-byte digest (MD4, MD5) of data by OpenSSL. */
static TESTUTIL_UNUSED void openssl_digest(const char *name, const uint8_t *data, size_t len, uint8_t out[16])
{
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    unsigned int olen = 0;

    ck_assert_ptr_nonnull(md);
    ck_assert_int_eq(EVP_Digest(data, len, out, &olen, md, NULL), 1);
    ck_assert_uint_eq(olen, 16);
    EVP_MD_free(md);
}

/* main() of a suite that cross-checks against OpenSSL; legacy_use names
 * what is skipped without the legacy provider. */
static TESTUTIL_UNUSED int run_suite_openssl(Suite *s, const char *legacy_use)
{
    OSSL_PROVIDER *legacy = OSSL_PROVIDER_load(NULL, "legacy");
    OSSL_PROVIDER *deflt = OSSL_PROVIDER_load(NULL, "default");

    have_legacy = legacy != NULL;
    if (!have_legacy)
        fprintf(stderr, "OpenSSL legacy provider not available: %s will be skipped\n", legacy_use);
    int failed = run_suite(s);
    if (deflt) OSSL_PROVIDER_unload(deflt);
    if (legacy) OSSL_PROVIDER_unload(legacy);
    return failed;
}

#endif
