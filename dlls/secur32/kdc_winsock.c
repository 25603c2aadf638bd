/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* sys_kdc_send (sys.h) over Winsock.  ws2_32.dll is loaded on first use,
 * not imported: a process that never asks a KDC for anything does not
 * load it (nor start Winsock).  It stays loaded and started for the life
 * of the process.  Sockets are non-blocking, and select() keeps every
 * wait within the caller's time. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "sspishim/debug.h"
#include "sspishim/krb_kdc.h"
#include "sspishim/sys.h"

static struct {
    int (WSAAPI *startup)(WORD, WSADATA *);
    int (WSAAPI *last_error)(void);
    int (WSAAPI *getaddrinfo)(const char *, const char *, const ADDRINFOA *, ADDRINFOA **);
    void (WSAAPI *freeaddrinfo)(ADDRINFOA *);
    SOCKET (WSAAPI *wsa_socket)(int, int, int, WSAPROTOCOL_INFOW *, GROUP, DWORD);
    int (WSAAPI *ioctlsocket)(SOCKET, long, u_long *);
    int (WSAAPI *connect)(SOCKET, const struct sockaddr *, int);
    int (WSAAPI *select)(int, fd_set *, fd_set *, fd_set *, const struct timeval *);
    int (WSAAPI *send)(SOCKET, const char *, int, int);
    int (WSAAPI *recv)(SOCKET, char *, int, int);
    int (WSAAPI *getsockopt)(SOCKET, int, int, char *, int *);
    int (WSAAPI *closesocket)(SOCKET);
} ws;
static INIT_ONCE ws_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK ws_load(INIT_ONCE *once, void *param, void **ctx)
{
    HMODULE m = LoadLibraryW(L"ws2_32.dll");
    WSADATA data;

    (void)once, (void)param, (void)ctx;
    if (!m) {
        WARN("ws2_32.dll does not load (error %lu)\n", GetLastError());
        return FALSE;       /* the next call tries again */
    }
#define WS_LOAD(field, name) \
    if (!(ws.field = (__typeof__(ws.field))(void *)GetProcAddress(m, name))) goto fail;
    WS_LOAD(startup, "WSAStartup")
    WS_LOAD(last_error, "WSAGetLastError")
    WS_LOAD(getaddrinfo, "getaddrinfo")
    WS_LOAD(freeaddrinfo, "freeaddrinfo")
    WS_LOAD(wsa_socket, "WSASocketW")
    WS_LOAD(ioctlsocket, "ioctlsocket")
    WS_LOAD(connect, "connect")
    WS_LOAD(select, "select")
    WS_LOAD(send, "send")
    WS_LOAD(recv, "recv")
    WS_LOAD(getsockopt, "getsockopt")
    WS_LOAD(closesocket, "closesocket")
#undef WS_LOAD
    if (!ws.startup(MAKEWORD(2, 2), &data)) return TRUE;
fail:
    WARN("ws2_32.dll: a function is missing or WSAStartup failed\n");
    FreeLibrary(m);
    return FALSE;
}

/* 0 when s is ready (write: connected or sendable; read: readable),
 * SYS_KDC_TIMEOUT at the deadline (GetTickCount64 milliseconds). */
static int kdc_wait(SOCKET s, int write, ULONGLONG deadline)
{
    ULONGLONG now = GetTickCount64();
    fd_set ready, failed;
    struct timeval tv;
    int n;

    if (now >= deadline) return SYS_KDC_TIMEOUT;
    tv.tv_sec = (long)((deadline - now) / 1000), tv.tv_usec = (long)((deadline - now) % 1000 * 1000);
    /* FD_ISSET would import __WSAFDIsSet: with one socket per set, select
     * leaving it in a set is its count. */
    ready.fd_count = failed.fd_count = 1;
    ready.fd_array[0] = failed.fd_array[0] = s;
    n = ws.select(0, write ? NULL : &ready, write ? &ready : NULL, &failed, &tv);
    if (n == 0) return SYS_KDC_TIMEOUT;
    if (n < 0 || failed.fd_count) return SYS_KDC_UNREACHABLE;   /* a refused connection shows here */
    return 0;
}

static int kdc_put(SOCKET s, const uint8_t *p, size_t n, ULONGLONG deadline)
{
    while (n) {
        int put = ws.send(s, (const char *)p, n > INT_MAX ? INT_MAX : (int)n, 0), rc;
        if (put > 0) {
            p += put;
            n -= (size_t)put;
        } else if (put < 0 && ws.last_error() == WSAEWOULDBLOCK) {
            if ((rc = kdc_wait(s, 1, deadline))) return rc;
        } else {
            return SYS_KDC_UNREACHABLE;
        }
    }
    return 0;
}

/* Exactly n bytes of a stream. */
static int kdc_get(SOCKET s, uint8_t *p, size_t n, ULONGLONG deadline)
{
    while (n) {
        int rc = kdc_wait(s, 0, deadline), got;
        if (rc) return rc;
        got = ws.recv(s, (char *)p, n > INT_MAX ? INT_MAX : (int)n, 0);
        if (got < 0 && ws.last_error() == WSAEWOULDBLOCK) continue;
        if (got <= 0) return SYS_KDC_UNREACHABLE;   /* closed mid-message, or an error */
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

static int kdc_connect(SOCKET s, const ADDRINFOA *ai, ULONGLONG deadline)
{
    int err = 0, len = sizeof(err), rc;

    if (!ws.connect(s, ai->ai_addr, (int)ai->ai_addrlen)) return 0;
    if (ws.last_error() != WSAEWOULDBLOCK) return SYS_KDC_UNREACHABLE;
    if ((rc = kdc_wait(s, 1, deadline))) return rc;
    if (ws.getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &len) || err) return SYS_KDC_UNREACHABLE;
    return 0;
}

/* One address: the connection (TCP) or the whole exchange (UDP) within
 * try_end, the rest of a TCP exchange within end. */
static int kdc_try(const ADDRINFOA *ai, int tcp, const uint8_t *req, size_t len, ULONGLONG try_end, ULONGLONG end,
                   uint8_t **reply, size_t *reply_len)
{
    /* Not inherited by a process the caller starts meanwhile (natively:
     * SOCK_CLOEXEC); Windows 7 before SP1 does not know the flag. */
    SOCKET s = ws.wsa_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    u_long nonblocking = 1;
    uint8_t hdr[KRB_KDC_TCP_PREFIX], *buf = NULL;
    size_t n = 0;
    int rc = SYS_KDC_UNREACHABLE;

    if (s == INVALID_SOCKET) s = ws.wsa_socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol, NULL, 0, 0);
    if (s == INVALID_SOCKET) return SYS_KDC_UNREACHABLE;
    if (ws.ioctlsocket(s, FIONBIO, &nonblocking) || (rc = kdc_connect(s, ai, try_end))) goto out;
    if (tcp) {
        krb_kdc_tcp_prefix(len, hdr);
        if ((rc = kdc_put(s, hdr, sizeof(hdr), end)) || (rc = kdc_put(s, req, len, end)) ||
            (rc = kdc_get(s, hdr, sizeof(hdr), end)))
            goto out;
        rc = SYS_KDC_UNREACHABLE;
        if (!(n = krb_kdc_tcp_length(hdr))) goto out;
        rc = SYS_KDC_NO_MEMORY;
        if (!(buf = malloc(n))) goto out;
        if ((rc = kdc_get(s, buf, n, end))) goto out;
    } else {
        int got;
        if ((rc = kdc_put(s, req, len, try_end))) goto out;
        rc = SYS_KDC_NO_MEMORY;
        if (!(buf = malloc(SYS_KDC_UDP_MAX))) goto out;
        do {
            if ((rc = kdc_wait(s, 0, try_end))) goto out;
            got = ws.recv(s, (char *)buf, SYS_KDC_UDP_MAX, 0);
        } while (got < 0 && ws.last_error() == WSAEWOULDBLOCK);
        rc = SYS_KDC_UNREACHABLE;                   /* WSAECONNRESET: nothing listens there */
        if (got <= 0) goto out;
        n = (size_t)got;
        uint8_t *fit = realloc(buf, n);
        if (fit) buf = fit;
    }
    *reply = buf, *reply_len = n, buf = NULL;
    rc = SYS_KDC_OK;
out:
    free(buf);
    ws.closesocket(s);
    return rc;
}

int sys_kdc_send(const char *host, unsigned port, int tcp, const uint8_t *req, size_t len, unsigned timeout_ms,
                 uint8_t **reply, size_t *reply_len)
{
    ADDRINFOA hints = { .ai_flags = AI_NUMERICSERV, .ai_family = AF_UNSPEC }, *list = NULL, *ai;
    char service[8];
    size_t n_addrs = 0, i = 0;
    ULONGLONG end;
    int rc, timed_out = 0;

    if (!krb_kdc_send_args_ok(host, port, tcp, req, len, timeout_ms, reply, reply_len))
        return SYS_KDC_BAD_ARG;
    *reply = NULL, *reply_len = 0;
    if (!InitOnceExecuteOnce(&ws_once, ws_load, NULL, NULL)) return SYS_KDC_UNREACHABLE;
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    hints.ai_protocol = tcp ? IPPROTO_TCP : IPPROTO_UDP;
    snprintf(service, sizeof(service), "%u", port);
    if ((rc = ws.getaddrinfo(host, service, &hints, &list))) {
        TRACE("%s: no address (%d)\n", host, rc);
        return rc == EAI_MEMORY ? SYS_KDC_NO_MEMORY : SYS_KDC_UNREACHABLE;
    }
    end = GetTickCount64() + timeout_ms;
    for (ai = list; ai; ai = ai->ai_next) n_addrs++;
    /* Each address gets an equal share of the time left, the last all of it. */
    rc = SYS_KDC_UNREACHABLE;
    for (ai = list; ai; ai = ai->ai_next, i++) {
        ULONGLONG now = GetTickCount64();
        if (now >= end) break;
        rc = kdc_try(ai, tcp, req, len, now + (end - now) / (n_addrs - i), end, reply, reply_len);
        if (rc == SYS_KDC_OK || rc == SYS_KDC_NO_MEMORY) break;
        timed_out |= rc == SYS_KDC_TIMEOUT;
    }
    ws.freeaddrinfo(list);
    if (rc != SYS_KDC_OK && rc != SYS_KDC_NO_MEMORY) rc = timed_out ? SYS_KDC_TIMEOUT : SYS_KDC_UNREACHABLE;
    TRACE("%s:%u %s, %lu bytes: %d, %lu bytes back\n", host, port, tcp ? "tcp" : "udp", (unsigned long)len, rc,
          (unsigned long)*reply_len);
    return rc;
}
