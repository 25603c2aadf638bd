/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark 2: EncryptMessage (client) + DecryptMessage (server) of one
 * message, against the raw limit (bench/raw_seal.h: the same RC4 and
 * HMAC-MD5 work on the core's primitives, in this process), at 64 B,
 * 1 KiB and 64 KiB.  Both run in place over the same buffer, alternating. */
#include "sspi_bench.h"
#include "../raw_seal.h"

struct sspi_arg {
    CtxtHandle *client, *server;
    BYTE *data;
    ULONG len;
};

static void sspi_run(void *p, long iters)
{
    struct sspi_arg *a = p;
    for (long i = 0; i < iters; i++) {
        struct sealed m;
        sealed_init(&m, a->data, a->len);
        ST_CHECK(sspi->EncryptMessage(a->client, 0, &m.d, 0), SEC_E_OK);
        ST_CHECK(sspi->DecryptMessage(a->server, &m.d, 0, NULL), SEC_E_OK);
    }
}

void bench_seal(void)
{
    static const ULONG sizes[] = { 64, 1024, 65536 };
    static BYTE buf[65536], raw_buf[65536];
    struct creds c;
    struct session s;

    creds_acquire(&c);
    session_establish(&c, &s);
    for (int i = 0; i < 3; i++) {
        char raw_id[64], sspi_id[64];
        struct raw_seal r;
        struct sspi_arg a = { &s.client, &s.server, buf, sizes[i] };

        for (ULONG k = 0; k < sizes[i]; k++) buf[k] = (BYTE)k;
        snprintf(raw_id, sizeof(raw_id), "seal.sspi_raw.%lu", (unsigned long)sizes[i]);
        snprintf(sspi_id, sizeof(sspi_id), "seal.sspi.%lu", (unsigned long)sizes[i]);
        raw_seal_init(&r, raw_buf, sizes[i]);
        struct bench_case cases[] = {
            { raw_id, raw_seal_run, &r, 0, { 0 } },
            { sspi_id, sspi_run, &a, 0, { 0 } },
        };
        BENCH_COMPARE(cases);
        if (r.mismatches) bench_fail("raw loop: %u mismatches\n", r.mismatches);
        for (ULONG k = 0; k < sizes[i]; k++)
            if (buf[k] != (BYTE)k) bench_fail("DecryptMessage did not restore the data\n");
    }
    session_delete(&s);
    creds_free(&c);
}
