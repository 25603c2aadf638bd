/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the Check suites share: hex vectors, a reproducible RNG and the
 * runner's main.  A suite may define TESTUTIL_RNG_SEED before including
 * this to draw its own sequence. */
#ifndef SSPISHIM_TESTS_TESTUTIL_H
#define SSPISHIM_TESTS_TESTUTIL_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>

#define TESTUTIL_UNUSED __attribute__((unused))

/* Hex with optional spaces and newlines to bytes; returns the byte count. */
static TESTUTIL_UNUSED size_t unhex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;

    while (*hex) {
        unsigned v;
        if (*hex == ' ' || *hex == '\n') { hex++; continue; }
        ck_assert_msg(n < max && sscanf(hex, "%2x", &v) == 1, "bad vector %s", hex);
        out[n++] = (uint8_t)v;
        hex += 2;
    }
    return n;
}

#define ck_assert_hex_eq(got, hex) do { \
        uint8_t want_[512]; \
        size_t wlen_ = unhex((hex), want_, sizeof(want_)); \
        ck_assert_mem_eq((got), want_, wlen_); \
    } while (0)

#ifndef TESTUTIL_RNG_SEED
#define TESTUTIL_RNG_SEED 0x5350495348494d31ull
#endif

/* splitmix64: a fixed seed keeps failures reproducible. */
static uint64_t rng_state = TESTUTIL_RNG_SEED;

static TESTUTIL_UNUSED uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static TESTUTIL_UNUSED void rng_fill(void *p, size_t len)
{
    uint8_t *b = p;
    for (size_t i = 0; i < len; i++) b[i] = (uint8_t)rng();
}

static TESTUTIL_UNUSED int all_zero(const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < len; i++) if (b[i]) return 0;
    return 1;
}

/* main() of a suite program: runs it, exits non-zero on any failure. */
static TESTUTIL_UNUSED int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed != 0;
}

#endif
