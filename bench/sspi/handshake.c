/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark 3: full NTLM loopback handshakes (client and server in this
 * process, both contexts deleted after), on one thread and on two threads
 * sharing the two credentials.  The time per handshake of the two-thread
 * case is wall time over the handshakes both threads did; the two threads
 * are made once, not per batch. */
#include "sspi_bench.h"
#include "../raw_seal.h"

static void handshakes(void *p, long n)
{
    struct creds *c = p;
    for (long i = 0; i < n; i++) {
        struct session s;
        session_establish(c, &s);
        session_delete(&s);
    }
}

void bench_handshake(void)
{
    struct bench_workers workers;
    struct creds c;
    struct raw_ref ref;
    SYSTEM_INFO si;

    GetSystemInfo(&si);
    bench_value("handshake.cpus", si.dwNumberOfProcessors, "processors");
    creds_acquire(&c);
    bench_workers_start(&workers, handshakes, &c);
    struct bench_case cases[] = {
        { "handshake.sspi.ref", raw_seal_run, raw_ref_init(&ref), 0, { 0 } },
        { "handshake.sspi.1", handshakes, &c, 0, { 0 } },
        { "handshake.sspi.2", bench_workers_run, &workers, 0, { 0 } },
    };
    BENCH_COMPARE(cases);
    bench_workers_stop(&workers);
    creds_free(&c);
}
