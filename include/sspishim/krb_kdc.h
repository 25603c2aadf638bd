/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Talking to a realm's KDCs (RFC 4120 7.2) over the platform's transport
 * (sys.h: sys_kdc_send), and running an AS or TGS exchange
 * (krb_exchange.h) to its end over it.
 *
 * The KDCs are tried in their configured order, each with a short wait,
 * and the list is gone over KRB_KDC_PASSES times, waiting longer each
 * time (krb_kdc_pass_ms); all the waits of one request together stay
 * within KRB_KDC_BUDGET_MS, so an unreachable realm fails in a few
 * seconds.  A KDC that refuses (nothing listens) costs no wait where
 * the platform reports it (Wine 8 reports no refusal over UDP: there a
 * closed port costs the waits of a silent KDC). */
#ifndef SSPISHIM_KRB_KDC_H
#define SSPISHIM_KRB_KDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/krb_exchange.h"

/* One KDC: krb5.conf's "kdc = host[:port]". */
struct krb_kdc_addr {
    const char *host;               /* a name or an IPv4/IPv6 literal, without brackets */
    unsigned port;                  /* 0: 88 */
};

/* sys_kdc_send's signature, so a test can put a fake transport in its place. */
typedef int (*krb_kdc_send_fn)(const char *host, unsigned port, int tcp, const uint8_t *req, size_t len,
                               unsigned timeout_ms, uint8_t **reply, size_t *reply_len);

struct krb_kdc_config {
    const struct krb_kdc_addr *kdcs;    /* borrowed, in the configured order */
    size_t n_kdcs;
    int tcp_only;                       /* krb5.conf udp_preference_limit = 1 */
    krb_kdc_send_fn send;               /* NULL: sys_kdc_send */
    unsigned budget_ms;                 /* 0: KRB_KDC_BUDGET_MS; Negotiate gives less (it can fall back) */
};

#define KRB_KDC_PORT 88
#define KRB_KDC_PASSES 2
extern const unsigned krb_kdc_pass_ms[KRB_KDC_PASSES];     /* 1000, 2000 */
#define KRB_KDC_BUDGET_MS 4000u
/* A request no datagram can carry goes over TCP whatever the setting. */
#define KRB_KDC_UDP_REQUEST_MAX 65507u
/* The most requests one exchange sends (AS: at most 3 with pre-auth). */
#define KRB_KDC_MAX_SENDS 8

/* One request, one reply from the first KDC that answers, over TCP when
 * tcp is set.  *kdc: in, the index to start from (the list wraps around:
 * a resend over TCP starts with the KDC that answered over UDP); out, the
 * index that answered.  A KDC the transport calls a bad argument (a port
 * out of range, an empty name) is skipped.  *reply is malloc'd (free()).
 * KRB_OK, KRB_E_KDC_UNREACHABLE, KRB_E_NO_MEMORY, KRB_E_STATE (bad
 * arguments, an empty list). */
int krb_kdc_send(const struct krb_kdc_config *cfg, int tcp, size_t *kdc, const uint8_t *req, size_t len,
                 uint8_t **reply, size_t *reply_len);

/* What both platform transports (sys_kdc_send) share, without sockets
 * (kdc_frame.c).  Their arguments in range (else SYS_KDC_BAD_ARG): a
 * host, a port 1..65535, a request of 1..SYS_KDC_TCP_MAX bytes over TCP
 * or SYS_KDC_UDP_MAX over UDP, 1..SYS_KDC_TIMEOUT_MAX ms, both outputs. */
bool krb_kdc_send_args_ok(const char *host, unsigned port, int tcp, const uint8_t *req, size_t len,
                          unsigned timeout_ms, uint8_t **reply, size_t *reply_len);
/* Over TCP each message follows its length, 4 bytes big-endian (RFC 4120
 * 7.2.2).  A reply's length from its prefix: 0 when it is no answer
 * (empty, over SYS_KDC_TCP_MAX, or with the reserved high bit set). */
#define KRB_KDC_TCP_PREFIX 4
void krb_kdc_tcp_prefix(size_t len, uint8_t out[KRB_KDC_TCP_PREFIX]);
size_t krb_kdc_tcp_length(const uint8_t in[KRB_KDC_TCP_PREFIX]);

/* What krb_as_step and krb_tgs_step have in common. */
typedef int (*krb_step_fn)(void *exchange, const uint8_t *in, size_t in_len, struct bytes_writer *out);

/* Steps the exchange from its start to its end: step, send, step with the
 * reply...  UDP unless cfg->tcp_only; after a KRB_E_RESPONSE_TOO_BIG the
 * same request again over TCP, and TCP for the rest of the exchange.
 * Returns the exchange's final status (KRB_OK: its credentials are ready)
 * or KRB_E_KDC_UNREACHABLE, KRB_E_NO_MEMORY, KRB_E_STATE. */
int krb_kdc_run(const struct krb_kdc_config *cfg, krb_step_fn step, void *exchange);
int krb_kdc_run_as(const struct krb_kdc_config *cfg, struct krb_as *as);
int krb_kdc_run_tgs(const struct krb_kdc_config *cfg, struct krb_tgs *tgs);

#endif
