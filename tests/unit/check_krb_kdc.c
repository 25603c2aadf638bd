/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* krb_kdc.h without a KDC: krb_kdc_send and krb_kdc_run over a fake
 * transport whose KDCs behave as their names say, so the order of the
 * tries, their waits and the time budget are checked without waiting;
 * then the native sys_kdc_send's arguments and framing against loopback
 * sockets of the test's own. */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sspishim/krb_kdc.h"
#include "sspishim/sys.h"

/* ---- the fake transport ---------------------------------------------------
 * "dead*" times out, "refused*" is unreachable, "bad*" a bad argument,
 * "oom*" out of memory, "liar*" says OK with no reply, "big*" answers UDP
 * with "BIG" (the fake step's RESPONSE_TOO_BIG) and TCP properly,
 * "bigtcp*" always with "BIG", anything else with "R:" and the request. */
struct call {
    char host[16];
    unsigned port, timeout;
    int tcp;
    char req[8];
};
static struct call calls[64];
static size_t n_calls;

static int fake_send(const char *host, unsigned port, int tcp, const uint8_t *req, size_t len, unsigned timeout_ms,
                     uint8_t **reply, size_t *reply_len)
{
    struct call *c = &calls[n_calls < 64 ? n_calls++ : 63];
    const char *text;
    char buf[16];

    snprintf(c->host, sizeof(c->host), "%s", host);
    snprintf(c->req, sizeof(c->req), "%.*s", (int)(len < 7 ? len : 7), (const char *)req);
    c->port = port, c->timeout = timeout_ms, c->tcp = tcp;
    if (!strncmp(host, "dead", 4)) return SYS_KDC_TIMEOUT;
    if (!strncmp(host, "refused", 7)) return SYS_KDC_UNREACHABLE;
    if (!strncmp(host, "bad", 3)) return SYS_KDC_BAD_ARG;
    if (!strncmp(host, "oom", 3)) return SYS_KDC_NO_MEMORY;
    if (!strncmp(host, "liar", 4)) return SYS_KDC_OK;
    if (!strncmp(host, "bigtcp", 6) || (!strncmp(host, "big", 3) && !tcp)) {
        text = "BIG";
    } else {
        snprintf(buf, sizeof(buf), "R:%s", c->req);
        text = buf;
    }
    *reply_len = strlen(text);
    *reply = malloc(*reply_len);
    memcpy(*reply, text, *reply_len);
    return SYS_KDC_OK;
}

static void reset(void)
{
    memset(calls, 0, sizeof(calls));
    n_calls = 0;
}

#define KDCS(...) \
    struct krb_kdc_addr kdcs_[] = { __VA_ARGS__ }; \
    struct krb_kdc_config cfg = { kdcs_, sizeof(kdcs_) / sizeof(kdcs_[0]), 0, fake_send, 0 }

/* The time the tries that timed out spent. */
static unsigned total_wait(void)
{
    unsigned t = 0;
    for (size_t i = 0; i < n_calls; i++)
        if (!strncmp(calls[i].host, "dead", 4)) t += calls[i].timeout;
    return t;
}

static int send_req(const struct krb_kdc_config *cfg, size_t *kdc)
{
    uint8_t *reply = NULL;
    size_t n = 0;
    int rc = krb_kdc_send(cfg, 0, kdc, (const uint8_t *)"Q", 1, &reply, &n);

    if (rc == KRB_OK) {
        ck_assert_uint_eq(n, 3);
        ck_assert_mem_eq(reply, "R:Q", 3);
    } else {
        ck_assert_ptr_null(reply);
    }
    free(reply);
    return rc;
}

START_TEST(send_in_order)
{
    KDCS({ "dead0", 0 }, { "refused1", 750 }, { "ok2", 88 });
    size_t kdc = 0;

    reset();
    ck_assert_int_eq(send_req(&cfg, &kdc), KRB_OK);
    ck_assert_uint_eq(kdc, 2);
    ck_assert_uint_eq(n_calls, 3);
    ck_assert_str_eq(calls[0].host, "dead0");
    ck_assert_uint_eq(calls[0].port, KRB_KDC_PORT);     /* 0 is the default port */
    ck_assert_str_eq(calls[1].host, "refused1");
    ck_assert_uint_eq(calls[1].port, 750);
    ck_assert_str_eq(calls[2].host, "ok2");
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(calls[i].timeout, krb_kdc_pass_ms[0]);
        ck_assert_int_eq(calls[i].tcp, 0);
    }
}
END_TEST

/* One dead KDC: a short try, then a longer one. */
START_TEST(send_one_dead)
{
    KDCS({ "dead", 0 });
    size_t kdc = 0;

    reset();
    ck_assert_int_eq(send_req(&cfg, &kdc), KRB_E_KDC_UNREACHABLE);
    ck_assert_uint_eq(n_calls, KRB_KDC_PASSES);
    ck_assert_uint_eq(calls[0].timeout, 1000);
    ck_assert_uint_eq(calls[1].timeout, 2000);
    ck_assert_uint_le(total_wait(), KRB_KDC_BUDGET_MS);
}
END_TEST

/* However many dead KDCs, their waits add up to the budget at most. */
START_TEST(send_budget)
{
    KDCS({ "dead0", 0 }, { "dead1", 0 }, { "dead2", 0 }, { "dead3", 0 }, { "dead4", 0 }, { "dead5", 0 });
    size_t kdc = 0;

    for (size_t n = 1; n <= 6; n++) {
        reset();
        cfg.n_kdcs = n;
        ck_assert_int_eq(send_req(&cfg, &kdc), KRB_E_KDC_UNREACHABLE);
        ck_assert_uint_le(total_wait(), KRB_KDC_BUDGET_MS);
        ck_assert_uint_le(n_calls, KRB_KDC_PASSES * n);
        for (size_t i = 0; i < n_calls; i++)
            ck_assert_uint_gt(calls[i].timeout, 0);
    }
    ck_assert_uint_eq(total_wait(), KRB_KDC_BUDGET_MS);
}
END_TEST

/* Refusals cost no wait: every pass tries every KDC. */
START_TEST(send_refused)
{
    KDCS({ "refused0", 0 }, { "refused1", 0 }, { "refused2", 0 });
    size_t kdc = 0;

    reset();
    ck_assert_int_eq(send_req(&cfg, &kdc), KRB_E_KDC_UNREACHABLE);
    ck_assert_uint_eq(n_calls, 3 * KRB_KDC_PASSES);
    ck_assert_uint_eq(calls[3].timeout, krb_kdc_pass_ms[1]);
}
END_TEST

START_TEST(send_starts_where_told)
{
    KDCS({ "dead0", 0 }, { "ok1", 0 }, { "dead2", 0 });
    size_t kdc = 2;

    reset();
    ck_assert_int_eq(send_req(&cfg, &kdc), KRB_OK);
    ck_assert_uint_eq(kdc, 1);
    ck_assert_uint_eq(n_calls, 3);
    ck_assert_str_eq(calls[0].host, "dead2");
    ck_assert_str_eq(calls[1].host, "dead0");
    ck_assert_str_eq(calls[2].host, "ok1");
    kdc = 7;                    /* out of range: wraps */
    reset();
    ck_assert_int_eq(send_req(&cfg, &kdc), KRB_OK);
    ck_assert_str_eq(calls[0].host, "ok1");
}
END_TEST

START_TEST(send_skips_unusable)
{
    KDCS({ "bad0", 0 }, { "liar1", 0 }, { "ok2", 0 });
    size_t kdc = 0;

    reset();
    ck_assert_int_eq(send_req(&cfg, &kdc), KRB_OK);
    ck_assert_uint_eq(kdc, 2);
    ck_assert_uint_eq(n_calls, 3);
}
END_TEST

START_TEST(send_no_memory)
{
    KDCS({ "oom0", 0 }, { "ok1", 0 });
    size_t kdc = 0;

    reset();
    ck_assert_int_eq(send_req(&cfg, &kdc), KRB_E_NO_MEMORY);
    ck_assert_uint_eq(n_calls, 1);
}
END_TEST

START_TEST(send_bad_args)
{
    KDCS({ "ok", 0 });
    struct krb_kdc_config empty = cfg;
    uint8_t *reply = (uint8_t *)"x";
    size_t kdc = 0, n;

    reset();
    empty.n_kdcs = 0;
    ck_assert_int_eq(krb_kdc_send(NULL, 0, &kdc, (const uint8_t *)"Q", 1, &reply, &n), KRB_E_STATE);
    ck_assert_int_eq(krb_kdc_send(&empty, 0, &kdc, (const uint8_t *)"Q", 1, &reply, &n), KRB_E_STATE);
    ck_assert_int_eq(krb_kdc_send(&cfg, 0, NULL, (const uint8_t *)"Q", 1, &reply, &n), KRB_E_STATE);
    ck_assert_int_eq(krb_kdc_send(&cfg, 0, &kdc, NULL, 1, &reply, &n), KRB_E_STATE);
    ck_assert_int_eq(krb_kdc_send(&cfg, 0, &kdc, (const uint8_t *)"Q", 0, &reply, &n), KRB_E_STATE);
    ck_assert_int_eq(krb_kdc_send(&cfg, 0, &kdc, (const uint8_t *)"Q", 1, NULL, &n), KRB_E_STATE);
    ck_assert_int_eq(krb_kdc_run(NULL, NULL, NULL), KRB_E_STATE);
    ck_assert_uint_eq(n_calls, 0);
}
END_TEST

/* A request no datagram can carry goes over TCP. */
START_TEST(send_huge_request_over_tcp)
{
    KDCS({ "dead", 0 });
    static uint8_t req[KRB_KDC_UDP_REQUEST_MAX + 1];
    uint8_t *reply;
    size_t kdc = 0, n;

    reset();
    ck_assert_int_eq(krb_kdc_send(&cfg, 0, &kdc, req, sizeof(req) - 1, &reply, &n), KRB_E_KDC_UNREACHABLE);
    ck_assert_int_eq(calls[0].tcp, 0);
    reset();
    ck_assert_int_eq(krb_kdc_send(&cfg, 0, &kdc, req, sizeof(req), &reply, &n), KRB_E_KDC_UNREACHABLE);
    ck_assert_int_eq(calls[0].tcp, 1);
}
END_TEST

/* ---- the driver, with a fake exchange --------------------------------------
 * It sends "Q1", then "Q2" on the answer "R:Q1", and is done on "R:Q2";
 * "BIG" is RESPONSE_TOO_BIG (writing nothing, state kept); loop mode
 * never ends. */
struct fake_exchange {
    int steps, loop;
};

static int fake_step(void *exchange, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    struct fake_exchange *x = exchange;

    x->steps++;
    if (x->loop || !in) return bytes_put(out, "Q1", 2) ? KRB_E_NO_MEMORY : KRB_CONTINUE;
    if (len == 3 && !memcmp(in, "BIG", 3)) return KRB_E_RESPONSE_TOO_BIG;
    if (len == 4 && !memcmp(in, "R:Q1", 4)) return bytes_put(out, "Q2", 2) ? KRB_E_NO_MEMORY : KRB_CONTINUE;
    if (len == 4 && !memcmp(in, "R:Q2", 4)) return KRB_OK;
    return KRB_E_MALFORMED;
}

START_TEST(run_udp_and_tcp_only)
{
    KDCS({ "ok", 0 });
    struct fake_exchange x = { 0 };

    for (int tcp = 0; tcp <= 1; tcp++) {
        reset();
        memset(&x, 0, sizeof(x));
        cfg.tcp_only = tcp;
        ck_assert_int_eq(krb_kdc_run(&cfg, fake_step, &x), KRB_OK);
        ck_assert_int_eq(x.steps, 3);
        ck_assert_uint_eq(n_calls, 2);
        ck_assert_str_eq(calls[0].req, "Q1");
        ck_assert_str_eq(calls[1].req, "Q2");
        ck_assert_int_eq(calls[0].tcp, tcp);
        ck_assert_int_eq(calls[1].tcp, tcp);
    }
}
END_TEST

/* RESPONSE_TOO_BIG: the same request over TCP, first to the KDC that said
 * so, and TCP for the rest of the exchange. */
START_TEST(run_too_big)
{
    KDCS({ "dead", 0 }, { "big", 0 });
    struct fake_exchange x = { 0 };

    reset();
    ck_assert_int_eq(krb_kdc_run(&cfg, fake_step, &x), KRB_OK);
    ck_assert_uint_eq(n_calls, 4);
    ck_assert_str_eq(calls[0].host, "dead");
    ck_assert_int_eq(calls[0].tcp, 0);
    ck_assert_str_eq(calls[1].host, "big");
    ck_assert_int_eq(calls[1].tcp, 0);
    ck_assert_str_eq(calls[1].req, "Q1");
    ck_assert_str_eq(calls[2].host, "big");
    ck_assert_int_eq(calls[2].tcp, 1);
    ck_assert_str_eq(calls[2].req, "Q1");
    ck_assert_str_eq(calls[3].host, "big");
    ck_assert_int_eq(calls[3].tcp, 1);
    ck_assert_str_eq(calls[3].req, "Q2");
}
END_TEST

START_TEST(run_too_big_over_tcp)
{
    KDCS({ "bigtcp", 0 });
    struct fake_exchange x = { 0 };

    reset();
    ck_assert_int_eq(krb_kdc_run(&cfg, fake_step, &x), KRB_E_RESPONSE_TOO_BIG);
    ck_assert_uint_eq(n_calls, 2);
    ck_assert_int_eq(calls[1].tcp, 1);
}
END_TEST

START_TEST(run_unreachable)
{
    KDCS({ "dead", 0 }, { "refused", 0 });
    struct fake_exchange x = { 0 };

    reset();
    ck_assert_int_eq(krb_kdc_run(&cfg, fake_step, &x), KRB_E_KDC_UNREACHABLE);
    ck_assert_int_eq(x.steps, 1);
    ck_assert_uint_le(total_wait(), KRB_KDC_BUDGET_MS);
    ck_assert_str_ne(krb_status_text(KRB_E_KDC_UNREACHABLE), "unknown status");
}
END_TEST

START_TEST(run_bounded)
{
    KDCS({ "ok", 0 });
    struct fake_exchange x = { .loop = 1 };

    reset();
    ck_assert_int_eq(krb_kdc_run(&cfg, fake_step, &x), KRB_E_STATE);
    ck_assert_uint_eq(n_calls, KRB_KDC_MAX_SENDS);
}
END_TEST

/* ---- the native transport on loopback -------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A socket on 127.0.0.1 at a port of the kernel's choice. */
static int bound_socket(int type, unsigned *port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, type, 0);

    ck_assert_int_ge(fd, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

START_TEST(sys_bad_args)
{
    const uint8_t q[1] = { 0x6a };
    uint8_t *r = NULL;
    size_t n;

    ck_assert_int_eq(sys_kdc_send(NULL, 88, 0, q, 1, 100, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("", 88, 0, q, 1, 100, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 0, 0, q, 1, 100, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 65536, 0, q, 1, 100, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 88, 0, NULL, 1, 100, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 88, 0, q, 0, 100, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 88, 0, q, 1, 0, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 88, 0, q, 1, SYS_KDC_TIMEOUT_MAX + 1, &r, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 88, 0, q, 1, 100, NULL, &n), SYS_KDC_BAD_ARG);
    ck_assert_int_eq(sys_kdc_send("127.0.0.1", 88, 1, q, SYS_KDC_TCP_MAX + 1, 100, &r, &n), SYS_KDC_BAD_ARG);
}
END_TEST

/* Nothing listens: refused at once, over both transports. */
START_TEST(sys_refused)
{
    const uint8_t q[1] = { 0x6a };
    unsigned port;
    uint8_t *r;
    size_t n;
    int fd = bound_socket(SOCK_STREAM, &port);    /* bound, not listening: the port stays ours */

    for (int tcp = 0; tcp <= 1; tcp++) {
        double t0 = now_ms();
        ck_assert_int_eq(sys_kdc_send("127.0.0.1", port, tcp, q, 1, 2000, &r, &n), SYS_KDC_UNREACHABLE);
        ck_assert_double_lt(now_ms() - t0, 500);
    }
    close(fd);
}
END_TEST

/* A UDP socket that never answers: the whole wait, and no more. */
START_TEST(sys_silent)
{
    const uint8_t q[1] = { 0x6a };
    unsigned port;
    uint8_t *r;
    size_t n;
    int fd = bound_socket(SOCK_DGRAM, &port);
    double t0 = now_ms(), dt;

    ck_assert_int_eq(sys_kdc_send("127.0.0.1", port, 0, q, 1, 200, &r, &n), SYS_KDC_TIMEOUT);
    dt = now_ms() - t0;
    ck_assert_double_ge(dt, 190);
    ck_assert_double_lt(dt, 700);
    close(fd);
}
END_TEST

/* A TCP peer that reads one framed request and writes back `answer`. */
struct peer {
    int fd;
    const uint8_t *answer;
    size_t len;
    uint8_t got[64];
    size_t got_len;
};

static void *peer_run(void *arg)
{
    struct peer *p = arg;
    int c = accept(p->fd, NULL, NULL);
    uint8_t hdr[4];

    if (c < 0) return NULL;
    if (recv(c, hdr, 4, MSG_WAITALL) == 4) {
        size_t n = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
        if (n <= sizeof(p->got) && recv(c, p->got, n, MSG_WAITALL) == (ssize_t)n) p->got_len = n;
    }
    if (p->len) send(c, p->answer, p->len, MSG_NOSIGNAL);
    close(c);
    return NULL;
}

static int tcp_exchange(const uint8_t *answer, size_t len, struct peer *p, uint8_t **r, size_t *n)
{
    pthread_t t;
    unsigned port;
    int rc;

    memset(p, 0, sizeof(*p));
    p->fd = bound_socket(SOCK_STREAM, &port);
    p->answer = answer, p->len = len;
    ck_assert_int_eq(listen(p->fd, 1), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, peer_run, p), 0);
    rc = sys_kdc_send("localhost", port, 1, (const uint8_t *)"hello", 5, 2000, r, n);
    pthread_join(t, NULL);
    close(p->fd);
    return rc;
}

START_TEST(sys_tcp_framing)
{
    static const uint8_t good[] = { 0, 0, 0, 3, 'a', 'b', 'c' };
    static const uint8_t high_bit[] = { 0x80, 0, 0, 3, 'a', 'b', 'c' };
    static const uint8_t too_long[] = { 0, 0x41, 0, 0, 'a' };         /* 4 MiB + 64 KiB */
    static const uint8_t short_body[] = { 0, 0, 0, 9, 'a', 'b' };
    static const uint8_t empty[] = { 0, 0, 0, 0 };
    struct peer p;
    uint8_t *r;
    size_t n;

    /* "localhost" may be ::1 first, where nothing listens: the next address. */
    ck_assert_int_eq(tcp_exchange(good, sizeof(good), &p, &r, &n), SYS_KDC_OK);
    ck_assert_uint_eq(p.got_len, 5);
    ck_assert_mem_eq(p.got, "hello", 5);
    ck_assert_uint_eq(n, 3);
    ck_assert_mem_eq(r, "abc", 3);
    free(r);
    ck_assert_int_eq(tcp_exchange(high_bit, sizeof(high_bit), &p, &r, &n), SYS_KDC_UNREACHABLE);
    ck_assert_int_eq(tcp_exchange(too_long, sizeof(too_long), &p, &r, &n), SYS_KDC_UNREACHABLE);
    ck_assert_int_eq(tcp_exchange(short_body, sizeof(short_body), &p, &r, &n), SYS_KDC_UNREACHABLE);
    ck_assert_int_eq(tcp_exchange(empty, sizeof(empty), &p, &r, &n), SYS_KDC_UNREACHABLE);
    ck_assert_int_eq(tcp_exchange(NULL, 0, &p, &r, &n), SYS_KDC_UNREACHABLE);    /* closed, no answer */
    ck_assert_ptr_null(r);
}
END_TEST

/* The framing itself, as the Winsock transport uses it too. */
START_TEST(tcp_prefix_and_length)
{
    static const uint8_t max[] = { 0, 0x40, 0, 0 };
    static const uint8_t over[] = { 0, 0x40, 0, 1 };
    static const uint8_t high_bit[] = { 0x80, 0, 0, 3 };
    static const uint8_t zero[] = { 0, 0, 0, 0 };
    uint8_t p[KRB_KDC_TCP_PREFIX];

    krb_kdc_tcp_prefix(0x01020304, p);
    ck_assert_mem_eq(p, "\x01\x02\x03\x04", 4);
    ck_assert_uint_eq(krb_kdc_tcp_length(p), 0);                         /* over SYS_KDC_TCP_MAX */
    krb_kdc_tcp_prefix(3, p);
    ck_assert_uint_eq(krb_kdc_tcp_length(p), 3);
    ck_assert_uint_eq(krb_kdc_tcp_length(max), SYS_KDC_TCP_MAX);
    ck_assert_uint_eq(krb_kdc_tcp_length(over), 0);
    ck_assert_uint_eq(krb_kdc_tcp_length(high_bit), 0);
    ck_assert_uint_eq(krb_kdc_tcp_length(zero), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("krb_kdc");
    TCase *list = tcase_create("List");
    tcase_add_test(list, send_in_order);
    tcase_add_test(list, send_one_dead);
    tcase_add_test(list, send_budget);
    tcase_add_test(list, send_refused);
    tcase_add_test(list, send_starts_where_told);
    tcase_add_test(list, send_skips_unusable);
    tcase_add_test(list, send_no_memory);
    tcase_add_test(list, send_bad_args);
    tcase_add_test(list, send_huge_request_over_tcp);
    suite_add_tcase(s, list);
    TCase *drv = tcase_create("Driver");
    tcase_add_test(drv, run_udp_and_tcp_only);
    tcase_add_test(drv, run_too_big);
    tcase_add_test(drv, run_too_big_over_tcp);
    tcase_add_test(drv, run_unreachable);
    tcase_add_test(drv, run_bounded);
    suite_add_tcase(s, drv);
    TCase *sys = tcase_create("Transport");
    tcase_add_test(sys, sys_bad_args);
    tcase_add_test(sys, sys_refused);
    tcase_add_test(sys, sys_silent);
    tcase_add_test(sys, sys_tcp_framing);
    tcase_add_test(sys, tcp_prefix_and_length);
    suite_add_tcase(s, sys);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}
