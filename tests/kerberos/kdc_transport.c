/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* See kdc_transport.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kdc_transport.h"

static int wait_readable(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, timeout_ms) == 1 ? 0 : -1;
}

/* Exactly n bytes, or -1 (a KDC that stops mid-message gets no second chance). */
static int read_all(int fd, uint8_t *p, size_t n, int timeout_ms)
{
    while (n) {
        ssize_t got;
        if (wait_readable(fd, timeout_ms) || (got = read(fd, p, n)) <= 0)
            return -1;
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t put = write(fd, p, n);
        if (put <= 0)
            return -1;
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

int kdc_transact(int tcp, int port, const uint8_t *req, size_t len, uint8_t *reply, size_t max, size_t *reply_len,
                 int timeout_ms)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd, rc = -1;

    *reply_len = 0;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
        goto out;
    if (tcp) {
        uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len };
        uint32_t n;
        if (write_all(fd, hdr, 4) || write_all(fd, req, len) || read_all(fd, hdr, 4, timeout_ms))
            goto out;
        n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
        if (n > max || read_all(fd, reply, n, timeout_ms))
            goto out;
        *reply_len = n;
    } else {
        ssize_t got;
        if (send(fd, req, len, 0) != (ssize_t)len || wait_readable(fd, timeout_ms))
            goto out;
        if ((got = recv(fd, reply, max, 0)) <= 0)
            goto out;
        *reply_len = (size_t)got;
    }
    rc = 0;
out:
    close(fd);
    return rc;
}
