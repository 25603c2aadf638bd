/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* See krb_kdc.h.  The time budget is counted, not measured: a try that
 * times out spent its whole wait, any other spent none worth counting.
 * So the bound holds whatever the clock does, and a fake transport tests
 * it without waiting. */
#include <stdlib.h>

#include "sspishim/krb_kdc.h"
#include "sspishim/sys.h"

const unsigned krb_kdc_pass_ms[KRB_KDC_PASSES] = { 1000, 2000 };

int krb_kdc_send(const struct krb_kdc_config *cfg, int tcp, size_t *kdc, const uint8_t *req, size_t len,
                 uint8_t **reply, size_t *reply_len)
{
    krb_kdc_send_fn transport;
    unsigned spent = 0, budget;

    if (!cfg || !cfg->kdcs || !cfg->n_kdcs || !kdc || !req || !len || !reply || !reply_len)
        return KRB_E_STATE;
    *reply = NULL, *reply_len = 0;
    transport = cfg->send ? cfg->send : sys_kdc_send;
    budget = cfg->budget_ms ? cfg->budget_ms : KRB_KDC_BUDGET_MS;
    if (len > KRB_KDC_UDP_REQUEST_MAX) tcp = 1;
    for (size_t pass = 0; pass < KRB_KDC_PASSES; pass++) {
        for (size_t i = 0; i < cfg->n_kdcs; i++) {
            size_t at = (*kdc + i) % cfg->n_kdcs;
            const struct krb_kdc_addr *a = &cfg->kdcs[at];
            unsigned wait = krb_kdc_pass_ms[pass];
            if (spent >= budget) return KRB_E_KDC_UNREACHABLE;
            if (wait > budget - spent) wait = budget - spent;
            switch (transport(a->host, a->port ? a->port : KRB_KDC_PORT, tcp, req, len, wait, reply, reply_len)) {
            case SYS_KDC_OK:
                if (*reply && *reply_len) {
                    *kdc = at;
                    return KRB_OK;
                }
                free(*reply);           /* a transport that broke its word: no answer */
                *reply = NULL, *reply_len = 0;
                break;
            case SYS_KDC_TIMEOUT:
                spent += wait;
                break;
            case SYS_KDC_NO_MEMORY:
                return KRB_E_NO_MEMORY;
            default:                    /* unreachable, or a KDC entry the transport cannot use */
                break;
            }
        }
    }
    return KRB_E_KDC_UNREACHABLE;
}

int krb_kdc_run(const struct krb_kdc_config *cfg, krb_step_fn step, void *exchange)
{
    struct bytes_writer req, next;
    int tcp, rc, sends = 0;
    size_t kdc = 0;

    if (!cfg || !step || !exchange) return KRB_E_STATE;
    tcp = cfg->tcp_only != 0;
    bytes_writer_init_heap(&req, SYS_KDC_TCP_MAX);
    rc = step(exchange, NULL, 0, &req);
    while (rc == KRB_CONTINUE) {
        struct bytes_span s = bytes_writer_span(&req);
        uint8_t *reply;
        size_t n;
        if (!s.len) {                   /* the writer failed: the request did not fit */
            rc = KRB_E_NO_MEMORY;
            break;
        }
        if (++sends > KRB_KDC_MAX_SENDS) {
            rc = KRB_E_STATE;
            break;
        }
        if ((rc = krb_kdc_send(cfg, tcp, &kdc, s.p, s.len, &reply, &n)) != KRB_OK) break;
        bytes_writer_init_heap(&next, SYS_KDC_TCP_MAX);
        rc = step(exchange, reply, n, &next);
        free(reply);
        if (rc == KRB_E_RESPONSE_TOO_BIG && !tcp) {
            /* The state is as it was: the same request, over TCP, to the
             * KDC that said so first. */
            bytes_writer_free(&next);
            tcp = 1;
            rc = KRB_CONTINUE;
            continue;
        }
        bytes_writer_free(&req);
        req = next;
    }
    bytes_writer_free(&req);
    return rc;
}

static int as_step(void *exchange, const uint8_t *in, size_t in_len, struct bytes_writer *out)
{
    return krb_as_step(exchange, in, in_len, out);
}

static int tgs_step(void *exchange, const uint8_t *in, size_t in_len, struct bytes_writer *out)
{
    return krb_tgs_step(exchange, in, in_len, out);
}

int krb_kdc_run_as(const struct krb_kdc_config *cfg, struct krb_as *as)
{
    return krb_kdc_run(cfg, as_step, as);
}

int krb_kdc_run_tgs(const struct krb_kdc_config *cfg, struct krb_tgs *tgs)
{
    return krb_kdc_run(cfg, tgs_step, tgs);
}
