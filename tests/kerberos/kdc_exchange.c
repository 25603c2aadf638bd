/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The core's AS and TGS exchanges against the MIT KDC run.sh started.
 * Prints one "PASS name" or "FAIL name: why" per case.  Every service
 * ticket is opened with the key from MIT's keytab (kadmin ktadd): proof
 * it really is for HTTP/localhost, for our client, with our session key.
 * With KDC_CAPTURE_DIR set, each KDC reply is also written there (the
 * unit suite's truncation corpus came from such a run).
 * Then the transport: TCP after KRB_ERR_RESPONSE_TOO_BIG (against a
 * second KDC, SMALL_UDP_PORT, that sends it for any big reply), and KDCs
 * that refuse or never answer, alone or before a live one, timed.
 * Usage: kdc_exchange PORT REALM PASSWORD KEYTAB RC4(0|1) [SMALL_UDP_PORT] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sspishim/crypto.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_kdc.h"
#include "sspishim/sys.h"

static int port, failures;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static const char *realm, *password, *keytab;

static void result(int ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        failures++;
    }
}

static void capture(const char *what, const uint8_t *p, size_t n)
{
    const char *dir = getenv("KDC_CAPTURE_DIR");
    char path[512];
    FILE *f;

    if (!dir)
        return;
    snprintf(path, sizeof(path), "%s/%s.der", dir, what);
    if ((f = fopen(path, "wb"))) {
        fwrite(p, 1, n, f);
        fclose(f);
    }
}

/* The core's driver (krb_kdc.h) over the native transport (sys.h), seen
 * through observe(): it counts the datagrams and connections, and keeps
 * each reply for KDC_CAPTURE_DIR, named after the case. */
static const char *capture_tag = "kdc";
static int capture_round, udp_sends, tcp_sends;

static int observe(const char *host, unsigned p, int tcp, const uint8_t *req, size_t len, unsigned timeout_ms,
                   uint8_t **reply, size_t *reply_len)
{
    int rc = sys_kdc_send(host, p, tcp, req, len, timeout_ms, reply, reply_len);
    char name[160];

    if (tcp) tcp_sends++;
    else udp_sends++;
    if (rc == SYS_KDC_OK) {
        snprintf(name, sizeof(name), "%s-%d", capture_tag, capture_round++);
        capture(name, *reply, *reply_len);
    }
    return rc;
}

/* This run's KDC alone, over UDP or (tcp) TCP only. */
static struct krb_kdc_addr the_kdc = { "127.0.0.1", 0 };

static struct krb_kdc_config kdc_config(const struct krb_kdc_addr *kdcs, size_t n, int tcp)
{
    struct krb_kdc_config c = { kdcs, n, tcp, observe, 0 };

    return c;
}

static int drive_as(struct krb_as *as, int tcp, const char *tag)
{
    struct krb_kdc_config c = kdc_config(&the_kdc, 1, tcp);

    capture_tag = tag, capture_round = 0;
    return krb_kdc_run_as(&c, as);
}

static int drive_tgs(struct krb_tgs *tgs, int tcp, const char *tag)
{
    struct krb_kdc_config c = kdc_config(&the_kdc, 1, tcp);

    capture_tag = tag, capture_round = 0;
    return krb_kdc_run_tgs(&c, tgs);
}

/* The transports an exchange used, as the case expects: TCP only; or
 * UDP only; or (expect_fallback, the KDC that answers big replies with
 * KRB_ERR_RESPONSE_TOO_BIG over UDP) UDP, then TCP. */
static int expect_fallback;

static const char *transport_check(int tcp)
{
    if (tcp) return udp_sends ? "a datagram went out although the case is TCP only" : NULL;
    if (expect_fallback)
        return udp_sends && tcp_sends ? NULL : "not UDP first, then TCP after KRB_ERR_RESPONSE_TOO_BIG";
    return tcp_sends ? "went over TCP" : NULL;
}

/* The keytab's key for HTTP/localhost of this etype and kvno (format 0x502:
 * entries of a 32-bit size, the name, timestamp, kvno and key block). */
static int keytab_key(int32_t etype, uint32_t kvno, struct krb_key *out)
{
    static uint8_t buf[1 << 16];
    FILE *f = fopen(keytab, "rb");
    size_t len = f ? fread(buf, 1, sizeof(buf), f) : 0;
    struct bytes_reader r;
    int found = -1;

    if (f)
        fclose(f);
    bytes_reader_init(&r, buf, len);
    if (bytes_get_u16be(&r) != 0x502)
        return -1;
    while (bytes_remaining(&r) >= 4 && found) {
        int32_t size = (int32_t)bytes_get_u32be(&r);
        struct bytes_reader e;
        char comps[2][64] = { "", "" };
        uint16_t ncomp, klen, n;
        uint32_t vno;
        int32_t type;
        if (size <= 0) {                /* a hole left by a removed entry */
            bytes_skip(&r, size < 0 ? (size_t)-(int64_t)size : 0);
            if (size == 0) break;
            continue;
        }
        bytes_get_sub(&r, (size_t)size, &e);
        ncomp = bytes_get_u16be(&e);
        bytes_skip(&e, bytes_get_u16be(&e));                /* realm */
        for (uint16_t i = 0; i < ncomp; i++) {
            n = bytes_get_u16be(&e);
            if (i < 2 && n < 64) bytes_get(&e, comps[i], n);
            else bytes_skip(&e, n);
        }
        bytes_skip(&e, 4 + 4);                              /* name type, timestamp */
        vno = bytes_get_u8(&e);
        type = bytes_get_u16be(&e);
        klen = bytes_get_u16be(&e);
        if (klen > KRB_KEY_MAX || e.failed)
            return -1;
        out->etype = type;
        out->len = klen;
        bytes_get(&e, out->bytes, klen);
        if (bytes_remaining(&e) >= 4)
            vno = bytes_get_u32be(&e);
        if (!e.failed && ncomp == 2 && !strcmp(comps[0], "HTTP") && !strcmp(comps[1], "localhost") &&
            type == etype && vno == kvno)
            found = 0;
    }
    if (found)
        crypto_wipe(out, sizeof(*out));
    return found;
}

/* The service ticket opened with the service's own key says who it is for. */
static const char *check_service_ticket(const struct krb_creds *c, const char *user)
{
    struct krb_ticket t;
    struct krb_enc_ticket et;
    struct krb_key k;
    struct bytes_reader r;
    const char *why = NULL;
    char name[256];

    bytes_reader_init(&r, c->ticket, c->ticket_len);
    if (krb_ticket_decode(&r, &t) || bytes_remaining(&r))
        return "the ticket does not decode";
    if (keytab_key(t.enc.etype, t.enc.kvno, &k))
        return "no keytab key for the ticket's etype and kvno";
    if (krb_ticket_open(&k, &t, &et))
        why = "the keytab key does not open the ticket";
    else if (strcmp(krb_principal_text(&et.cname, name, sizeof(name)), user) || strcmp(et.crealm, realm))
        why = "the ticket names another client";
    else if (et.key.etype != c->key.etype || et.key.len != c->key.len || memcmp(et.key.bytes, c->key.bytes, c->key.len))
        why = "the ticket's session key is not ours";
    else if (strcmp(t.sname.comp[0], "HTTP") || strcmp(t.sname.comp[1], "localhost"))
        why = "the ticket is for another service";
    crypto_wipe(&et, sizeof(et));
    crypto_wipe(&k, sizeof(k));
    return why;
}

/* AS with a password, then TGS for HTTP/localhost, checked end to end. */
static void full_exchange(const char *user, int32_t want_etype, int tcp, const char *name)
{
    struct krb_as as;
    struct krb_tgs tgs;
    struct krb_creds tgt = { 0 }, svc = { 0 };
    char why[256];
    const char *bad;
    double t0, t1;
    int rc;

    /* Asking for one etype only makes the KDC use it for the session keys
     * too, so the TGS-REQ's checksum and authenticator use it as well. */
    krb_as_init(&as, user, realm, password, strlen(password), want_etype ? &want_etype : NULL, want_etype ? 1 : 0);
    udp_sends = tcp_sends = 0;
    t0 = now_ms();
    rc = drive_as(&as, tcp, name);
    t1 = now_ms();
    if (rc != KRB_OK) {
        snprintf(why, sizeof(why), "AS: %s (KDC error %d)", krb_status_text(rc), (int)as.kdc_error);
        result(0, name, why);
        krb_as_free(&as);
        return;
    }
    if (want_etype && (as.key.etype != want_etype || as.tgt.key.etype != want_etype)) {
        snprintf(why, sizeof(why), "AS-REP under etype %d, session key %d, not %d", (int)as.key.etype,
                 (int)as.tgt.key.etype, (int)want_etype);
        result(0, name, why);
        krb_as_free(&as);
        return;
    }
    krb_as_take_tgt(&as, &tgt);
    krb_as_free(&as);
    krb_tgs_init(&tgs, &tgt, "HTTP/localhost", NULL);
    rc = drive_tgs(&tgs, tcp, "tgs");
    printf("  %s: AS %.1f ms (string-to-key included), TGS %.1f ms; %d datagrams, %d TCP connections\n", user,
           t1 - t0, now_ms() - t1, udp_sends, tcp_sends);
    if (rc != KRB_OK) {
        snprintf(why, sizeof(why), "TGS: %s (KDC error %d)", krb_status_text(rc), (int)tgs.kdc_error);
        result(0, name, why);
    } else {
        krb_tgs_take_creds(&tgs, &svc);
        if (!(bad = transport_check(tcp))) bad = check_service_ticket(&svc, user);
        result(!bad, name, bad);
    }
    krb_tgs_free(&tgs);
    krb_creds_free(&svc);
    krb_creds_free(&tgt);
}

/* An AS exchange that must fail with `want` and KDC error `code` (0: any). */
static void as_fails(const char *user, const char *pw, const int32_t *etypes, size_t n, int64_t skew, int want,
                     int32_t code, const char *name)
{
    struct krb_as as;
    char why[256];
    int rc;

    krb_as_init(&as, user, realm, pw, strlen(pw), etypes, n);
    as.clock_offset = skew;
    rc = drive_as(&as, 0, name);
    snprintf(why, sizeof(why), "got %s (KDC error %d)", krb_status_text(rc), (int)as.kdc_error);
    result(rc == want && (!code || as.kdc_error == code), name, why);
    krb_as_free(&as);
}

static void tgs_unknown_service(void)
{
    struct krb_as as;
    struct krb_tgs tgs;
    char why[256];
    int rc;

    krb_as_init(&as, "alice", realm, password, strlen(password), NULL, 0);
    rc = drive_as(&as, 0, "as-alice");
    if (rc == KRB_OK) {
        krb_tgs_init(&tgs, &as.tgt, "HTTP/nowhere.invalid", NULL);
        rc = drive_tgs(&tgs, 0, "tgs-unknown");
        snprintf(why, sizeof(why), "got %s (KDC error %d)", krb_status_text(rc), (int)tgs.kdc_error);
        result(rc == KRB_E_SERVER_UNKNOWN && tgs.kdc_error == KDC_ERR_S_PRINCIPAL_UNKNOWN,
               "TGS for an unknown service: SERVER_UNKNOWN (KDC_ERR_S_PRINCIPAL_UNKNOWN)", why);
        krb_tgs_free(&tgs);
    } else {
        result(0, "TGS for an unknown service", krb_status_text(rc));
    }
    krb_as_free(&as);
}

/* ---- reaching the KDC -------------------------------------------------- */

/* A socket of ours on 127.0.0.1, at a port of the kernel's choice. */
static int loopback_socket(int type, unsigned *p)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, type, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        getsockname(fd, (struct sockaddr *)&sa, &len) || (type == SOCK_STREAM && listen(fd, 4))) {
        if (fd >= 0) close(fd);
        return -1;
    }
    *p = ntohs(sa.sin_port);
    return fd;
}

/* alice's AS exchange over kdcs: its status, and how long it took. */
static int as_over(const struct krb_kdc_addr *kdcs, size_t n, int tcp, double *ms)
{
    struct krb_kdc_config c = kdc_config(kdcs, n, tcp);
    struct krb_as as;
    double t0 = now_ms();
    int rc;

    krb_as_init(&as, "alice", realm, password, strlen(password), NULL, 0);
    capture_tag = "reach", capture_round = 0;
    rc = krb_kdc_run_as(&c, &as);
    *ms = now_ms() - t0;
    krb_as_free(&as);
    return rc;
}

/* No KDC answers: KDC_UNREACHABLE, in the time the passes allow. */
static void unreachable(const struct krb_kdc_addr *kdcs, size_t n, int tcp, double min_ms, double max_ms,
                        const char *name)
{
    char why[160];
    double ms;
    int rc = as_over(kdcs, n, tcp, &ms);

    printf("  %s: %s after %.0f ms\n", name, krb_status_text(rc), ms);
    snprintf(why, sizeof(why), "got %s after %.0f ms (want %.0f..%.0f ms)", krb_status_text(rc), ms, min_ms, max_ms);
    result(rc == KRB_E_KDC_UNREACHABLE && ms >= min_ms && ms <= max_ms, name, why);
}

static void reach_cases(void)
{
    unsigned quiet_udp, quiet_tcp, closed;
    int fu = loopback_socket(SOCK_DGRAM, &quiet_udp), ft = loopback_socket(SOCK_STREAM, &quiet_tcp);
    int fc = loopback_socket(SOCK_DGRAM, &closed);
    char name[160], why[160];
    double ms, budget = KRB_KDC_BUDGET_MS;
    int rc;

    if (fu < 0 || ft < 0 || fc < 0) {
        result(0, "loopback sockets for the unreachable KDCs", "socket/bind failed");
        return;
    }
    close(fc);                  /* a port just freed: nothing listens there */
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", closed } };
        unreachable(k, 1, 0, 0, 500, "KDC port closed (refused): KDC_UNREACHABLE at once");
        unreachable(k, 1, 1, 0, 500, "KDC port closed, TCP only: KDC_UNREACHABLE at once");
    }
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", quiet_udp } };
        snprintf(name, sizeof(name), "KDC that never answers (a bound UDP socket): KDC_UNREACHABLE in %u + %u ms",
                 krb_kdc_pass_ms[0], krb_kdc_pass_ms[1]);
        unreachable(k, 1, 0, 2900, 3600, name);
    }
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", quiet_tcp } };
        unreachable(k, 1, 1, 2900, 3600,
                    "KDC that accepts but never answers, TCP only (a listening socket): KDC_UNREACHABLE in 3 s");
    }
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", quiet_udp }, { "localhost", quiet_udp }, { "::1", closed } };
        snprintf(name, sizeof(name), "three KDCs, none answers: KDC_UNREACHABLE within the %.0f ms budget", budget);
        unreachable(k, 3, 0, budget - 100, budget + 600, name);
    }
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", quiet_udp }, { "127.0.0.1", (unsigned)port } };
        rc = as_over(k, 2, 0, &ms);
        printf("  first KDC silent, second alive: %s after %.0f ms\n", krb_status_text(rc), ms);
        snprintf(why, sizeof(why), "got %s after %.0f ms", krb_status_text(rc), ms);
        /* One wait only: the exchange's next request goes to the KDC that answered. */
        result(rc == KRB_OK && ms < krb_kdc_pass_ms[0] + 900,
               "first KDC silent, second alive: TGT after one short wait", why);
    }
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", closed }, { "localhost", (unsigned)port } };
        rc = as_over(k, 2, 0, &ms);
        snprintf(why, sizeof(why), "got %s after %.0f ms", krb_status_text(rc), ms);
        result(rc == KRB_OK && ms < 1000, "first KDC refuses, second named \"localhost\": TGT at once", why);
    }
    close(fu);
    close(ft);
}

int main(int argc, char **argv)
{
    static const int32_t aes256_only[] = { KRB_ETYPE_AES256_CTS_HMAC_SHA1_96 };
    static const struct { const char *user; int32_t etype; } users[] = {
        { "u17", 17 }, { "u18", 18 }, { "u19", 19 }, { "u20", 20 }, { "u23", 23 },
    };

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s PORT REALM PASSWORD KEYTAB RC4 [SMALL_UDP_PORT]\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]), realm = argv[2], password = argv[3], keytab = argv[4];
    the_kdc.port = (unsigned)port;
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
        char name[128];
        if (users[i].etype == 23 && strcmp(argv[5], "1")) {
            printf("SKIP rc4-hmac: the KDC does not keep rc4 keys\n");
            continue;
        }
        snprintf(name, sizeof(name), "AS (PA-ENC-TIMESTAMP) + TGS, %s, etype %d for every key, UDP", users[i].user,
                 (int)users[i].etype);
        full_exchange(users[i].user, users[i].etype, 0, name);
    }
    full_exchange("alice", 0, 1, "AS + TGS, alice (KDC's choice of etype), TCP");
    full_exchange("nopreauth", 18, 0, "AS without pre-authentication + TGS");
    as_fails("alice", "wrong password", NULL, 0, 0, KRB_E_LOGON_DENIED, KDC_ERR_PREAUTH_FAILED,
             "wrong password: LOGON_DENIED (KDC_ERR_PREAUTH_FAILED)");
    as_fails("nopreauth", "wrong password", NULL, 0, 0, KRB_E_LOGON_DENIED, 0,
             "wrong password, no pre-auth: LOGON_DENIED (AS-REP fails its integrity check)");
    as_fails("nobody", password, NULL, 0, 0, KRB_E_CLIENT_UNKNOWN, KDC_ERR_C_PRINCIPAL_UNKNOWN,
             "unknown client: CLIENT_UNKNOWN (KDC_ERR_C_PRINCIPAL_UNKNOWN)");
    as_fails("alice", password, NULL, 0, 3600, KRB_E_SKEW, KRB_AP_ERR_SKEW,
             "clock an hour ahead: SKEW (KRB_AP_ERR_SKEW)");
    /* MIT answers PREAUTH_REQUIRED listing only the etypes the user has,
     * none of them offered: the client gives up with ETYPE. */
    as_fails("u17", password, aes256_only, 1, 0, KRB_E_ETYPE, 0,
             "aes128-only user asked for aes256 only: ETYPE (ETYPE-INFO2 has none offered)");
    tgs_unknown_service();
    if (argc == 7) {
        /* A second KDC on the same database that answers over UDP only
         * what fits in a few hundred bytes (kdc_max_dgram_reply_size). */
        the_kdc.port = (unsigned)atoi(argv[6]);
        expect_fallback = 1;
        full_exchange("alice", 0, 0, "KRB_ERR_RESPONSE_TOO_BIG over UDP: the same request again over TCP");
        expect_fallback = 0;
        the_kdc.port = (unsigned)port;
    } else {
        printf("SKIP KRB_ERR_RESPONSE_TOO_BIG: no second KDC with a small UDP reply size\n");
    }
    reach_cases();
    return failures != 0;
}
