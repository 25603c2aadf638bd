/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DLL's KDC transport (dlls/secur32/kdc_winsock.c) under Wine, against
 * the MIT KDC run.sh started: the core's driver gets alice a TGT and a
 * ticket for HTTP/localhost over UDP, over TCP only, and through
 * KRB_ERR_RESPONSE_TOO_BIG; KDCs that refuse or never answer fail in the
 * time the passes allow.  Linked with the core and the DLL's platform
 * files, not with secur32.dll, whose Kerberos package is not there yet.
 * Prints one "PASS name" or "FAIL name: why" per case, like kdc_exchange.
 * Usage: kdc_wine.exe PORT REALM PASSWORD [SMALL_UDP_PORT] */
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/krb_exchange.h"
#include "sspishim/krb_kdc.h"
#include "sspishim/sys.h"

static const char *realm, *password;
static unsigned port;
static int failures, udp_sends, tcp_sends;

static void result(int ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        failures++;
    }
    fflush(stdout);
}

static int observe(const char *host, unsigned p, int tcp, const uint8_t *req, size_t len, unsigned timeout_ms,
                   uint8_t **reply, size_t *reply_len)
{
    if (tcp) tcp_sends++;
    else udp_sends++;
    return sys_kdc_send(host, p, tcp, req, len, timeout_ms, reply, reply_len);
}

static struct krb_kdc_config kdc_config(const struct krb_kdc_addr *kdcs, size_t n, int tcp)
{
    struct krb_kdc_config c = { kdcs, n, tcp, observe, 0 };

    return c;
}

/* alice's TGT over kdcs, then a ticket for HTTP/localhost: the first
 * failing status, and the time it all took. */
static int tgt_and_ticket(const struct krb_kdc_addr *kdcs, size_t n, int tcp, int with_tgs, double *ms)
{
    struct krb_kdc_config c = kdc_config(kdcs, n, tcp);
    struct krb_as as;
    struct krb_tgs tgs;
    ULONGLONG t0 = GetTickCount64();
    int rc;

    udp_sends = tcp_sends = 0;
    krb_as_init(&as, "alice", realm, password, strlen(password), NULL, 0);
    rc = krb_kdc_run_as(&c, &as);
    if (rc == KRB_OK && with_tgs) {
        krb_tgs_init(&tgs, &as.tgt, "HTTP/localhost", NULL);
        rc = krb_kdc_run_tgs(&c, &tgs);
        if (rc == KRB_OK && (tgs.creds.sname.count != 2 || strcmp(tgs.creds.sname.comp[0], "HTTP") ||
                             strcmp(tgs.creds.sname.comp[1], "localhost")))
            rc = KRB_E_MODIFIED;
        krb_tgs_free(&tgs);
    }
    krb_as_free(&as);
    *ms = (double)(GetTickCount64() - t0);
    return rc;
}

static void exchange(int tcp, unsigned at, int want_udp, int want_tcp, const char *name)
{
    struct krb_kdc_addr k[] = { { "127.0.0.1", at } };
    char why[200];
    double ms;
    int rc = tgt_and_ticket(k, 1, tcp, 1, &ms);

    printf("  %s: %s in %.0f ms, %d datagrams, %d TCP connections\n", name, krb_status_text(rc), ms, udp_sends,
           tcp_sends);
    snprintf(why, sizeof(why), "%s, %d datagrams, %d TCP connections", krb_status_text(rc), udp_sends, tcp_sends);
    result(rc == KRB_OK && !udp_sends == !want_udp && !tcp_sends == !want_tcp, name, why);
}

static void unreachable(const struct krb_kdc_addr *kdcs, size_t n, int tcp, double min_ms, double max_ms,
                        const char *name)
{
    char why[200];
    double ms;
    int rc = tgt_and_ticket(kdcs, n, tcp, 0, &ms);

    printf("  %s: %s after %.0f ms\n", name, krb_status_text(rc), ms);
    snprintf(why, sizeof(why), "got %s after %.0f ms (want %.0f..%.0f ms)", krb_status_text(rc), ms, min_ms, max_ms);
    result(rc == KRB_E_KDC_UNREACHABLE && ms >= min_ms && ms <= max_ms, name, why);
}

/* The test's own sockets: ws2_32 by hand, so that whether the transport
 * loaded it can be seen first. */
static struct {
    SOCKET (WSAAPI *socket)(int, int, int);
    int (WSAAPI *bind)(SOCKET, const struct sockaddr *, int);
    int (WSAAPI *getsockname)(SOCKET, struct sockaddr *, int *);
    int (WSAAPI *listen)(SOCKET, int);
    int (WSAAPI *closesocket)(SOCKET);
} ws;

static SOCKET loopback_socket(int type, unsigned *p)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    unsigned char *addr = (unsigned char *)&sa.sin_addr, *be_port = (unsigned char *)&sa.sin_port;
    int len = sizeof(sa);
    SOCKET s = ws.socket(AF_INET, type, 0);

    addr[0] = 127, addr[3] = 1;     /* network order, without htonl's import */
    if (s == INVALID_SOCKET || ws.bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
        ws.getsockname(s, (struct sockaddr *)&sa, &len) || (type == SOCK_STREAM && ws.listen(s, 4))) {
        if (s != INVALID_SOCKET) ws.closesocket(s);
        return INVALID_SOCKET;
    }
    *p = (unsigned)be_port[0] << 8 | be_port[1];
    return s;
}

static void reach_cases(void)
{
    HMODULE m = LoadLibraryW(L"ws2_32.dll");
    SOCKET quiet, closed;
    unsigned quiet_port, closed_port;
    char why[200];
    double ms;
    int rc;

#define WS_GET(f) (ws.f = (__typeof__(ws.f))(void *)GetProcAddress(m, #f))
    if (!m || !WS_GET(socket) || !WS_GET(bind) || !WS_GET(getsockname) || !WS_GET(listen) || !WS_GET(closesocket)) {
        result(0, "ws2_32 for the test's own sockets", "does not load");
        return;
    }
#undef WS_GET
    quiet = loopback_socket(SOCK_DGRAM, &quiet_port);
    closed = loopback_socket(SOCK_DGRAM, &closed_port);
    if (quiet == INVALID_SOCKET || closed == INVALID_SOCKET) {
        result(0, "loopback sockets for the unreachable KDCs", "socket/bind failed");
        return;
    }
    ws.closesocket(closed);     /* a port just freed: nothing listens there */
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", closed_port } };
        /* Windows reports the ICMP "port unreachable" a closed UDP port
         * answers with (recv fails with WSAECONNRESET); Wine 8 reports
         * nothing, so there it costs the passes' waits. */
        unreachable(k, 1, 0, 0, 3800, "Winsock: KDC port closed, UDP: KDC_UNREACHABLE within 1 + 2 s");
        unreachable(k, 1, 1, 0, 1000, "Winsock: KDC port closed, TCP only: KDC_UNREACHABLE at once");
    }
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", quiet_port } };
        unreachable(k, 1, 0, 2900, 3800,
                    "Winsock: KDC that never answers (a bound UDP socket): KDC_UNREACHABLE in 1 + 2 s");
    }
    {
        struct krb_kdc_addr k[] = { { "127.0.0.1", quiet_port }, { "127.0.0.1", port } };
        rc = tgt_and_ticket(k, 2, 0, 1, &ms);
        printf("  first KDC silent, second alive: %s after %.0f ms\n", krb_status_text(rc), ms);
        snprintf(why, sizeof(why), "got %s after %.0f ms", krb_status_text(rc), ms);
        result(rc == KRB_OK && ms < 2900,
               "Winsock: first KDC silent, second alive: TGT and ticket, one short wait per exchange", why);
    }
    {
        struct krb_kdc_addr k[] = { { "localhost", port } };
        rc = tgt_and_ticket(k, 1, 0, 0, &ms);
        snprintf(why, sizeof(why), "got %s after %.0f ms", krb_status_text(rc), ms);
        result(rc == KRB_OK && ms < 1000, "Winsock: KDC named \"localhost\": TGT", why);
    }
    {
        const uint8_t q[1] = { 0x6a };
        uint8_t *r;
        size_t n;
        rc = sys_kdc_send("127.0.0.1", 0, 0, q, 1, 100, &r, &n);
        result(rc == SYS_KDC_BAD_ARG, "Winsock: port 0 is a bad argument", "not SYS_KDC_BAD_ARG");
        rc = sys_kdc_send("127.0.0.1", quiet_port, 0, q, 1, 300, &r, &n);
        snprintf(why, sizeof(why), "got %d", rc);
        result(rc == SYS_KDC_TIMEOUT, "Winsock: a silent KDC is a timeout, not a refusal", why);
    }
    ws.closesocket(quiet);
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s PORT REALM PASSWORD [SMALL_UDP_PORT]\n", argv[0]);
        return 2;
    }
    port = (unsigned)atoi(argv[1]), realm = argv[2], password = argv[3];
    result(!GetModuleHandleW(L"ws2_32.dll"), "ws2_32.dll is not loaded before a KDC is asked", "it is");
    exchange(0, port, 1, 0, "Winsock: AS + TGS, alice, UDP");
    result(GetModuleHandleW(L"ws2_32.dll") != NULL, "ws2_32.dll is loaded once a KDC was asked", "it is not");
    exchange(1, port, 0, 1, "Winsock: AS + TGS, alice, TCP only");
    if (argc == 5)
        exchange(0, (unsigned)atoi(argv[4]), 1, 1,
                 "Winsock: KRB_ERR_RESPONSE_TOO_BIG over UDP, the same request over TCP");
    else
        printf("SKIP Winsock: KRB_ERR_RESPONSE_TOO_BIG: no second KDC with a small UDP reply size\n");
    reach_cases();
    return failures != 0;
}
