/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native platform under the core, for unit tests and native tools. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "sspishim/krb_kdc.h"
#include "sspishim/sys.h"

_Static_assert(sizeof(pthread_mutex_t) <= sizeof(sys_mutex), "sys_mutex too small");

void sys_mutex_init(sys_mutex *m)
{
    pthread_mutex_init((pthread_mutex_t *)m->opaque, NULL);
}

/* glibc's PTHREAD_MUTEX_INITIALIZER is all zero bytes, which is what a
 * static sys_mutex holds. */
void sys_mutex_lock(sys_mutex *m)
{
    pthread_mutex_lock((pthread_mutex_t *)m->opaque);
}

void sys_mutex_unlock(sys_mutex *m)
{
    pthread_mutex_unlock((pthread_mutex_t *)m->opaque);
}

int sys_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void *sys_caller_alloc(size_t size)
{
    return malloc(size ? size : 1);
}

void sys_caller_free(void *p)
{
    free(p);
}

void sys_debug_write(const char *line)
{
    fputs(line, stderr);
}

unsigned long sys_thread_id(void)
{
    return (unsigned long)syscall(SYS_gettid);
}

uint64_t sys_filetime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u + 116444736000000000ull;
}

/* Natively there are no access tokens: a token is a counted placeholder, so
 * the core's token bookkeeping is still exercised by the unit tests. */
static atomic_long tokens_live;

int sys_token_for_client(const shim_wchar *user, const shim_wchar *domain, sys_token *out)
{
    (void)user;
    (void)domain;
    *out = malloc(1);
    if (!*out) return -1;
    atomic_fetch_add(&tokens_live, 1);
    return 0;
}

int sys_token_duplicate_for_caller(sys_token t, void **out)
{
    (void)t;
    *out = NULL;
    return -1;   /* no handles to hand out natively */
}

int sys_token_adopt(void *handle, sys_token *out)
{
    (void)handle;
    return sys_token_for_client(NULL, NULL, out);
}

void sys_token_close(sys_token t)
{
    if (!t) return;
    free(t);
    atomic_fetch_sub(&tokens_live, 1);
}

int sys_impersonate(sys_token t)
{
    return t ? 0 : -1;
}

int sys_revert(void)
{
    return 0;
}

long sys_tokens_live(void)
{
    return atomic_load(&tokens_live);
}

shim_wchar *sys_current_user(void)
{
    const char *u = getenv("USER");
    if (!u) u = "root";
    size_t n = strlen(u);
    shim_wchar *w = malloc((n + 1) * sizeof(*w));
    if (!w) return NULL;
    for (size_t i = 0; i <= n; i++) w[i] = (unsigned char)u[i];
    return w;
}

shim_wchar *sys_computer_name(void)
{
    char host[256] = "";
    const char *name = getenv("SSPISHIM_WORKSTATION");
    if (!name) {
        if (gethostname(host, sizeof(host) - 1)) return NULL;
        host[strcspn(host, ".")] = 0;    /* the first label, as a NetBIOS name */
        name = host;
    }
    size_t n = strlen(name);
    shim_wchar *w = malloc((n + 1) * sizeof(*w));
    if (!w) return NULL;
    for (size_t i = 0; i <= n; i++)
        w[i] = (unsigned char)(name == host ? toupper((unsigned char)name[i]) : name[i]);
    return w;
}

int sys_getenv_ascii(const char *name, char *buf, size_t size)
{
    const char *v = getenv(name);
    if (!v || !size || strlen(v) >= size) return -1;
    memcpy(buf, v, strlen(v) + 1);
    return 0;
}

char *sys_accounts_path(void)
{
    const char *p = getenv("NTLM_USER_FILE");
    return p ? strdup(p) : NULL;
}

int sys_file_stamp(const char *path, struct sys_file_stamp *out)
{
    struct stat st;

    memset(out, 0, sizeof(*out));
    if (stat(path, &st)) return errno == ENOENT || errno == ENOTDIR ? 1 : -1;
    if (!S_ISREG(st.st_mode)) return 1;
    out->size = (uint64_t)st.st_size;
    /* st_mtim (POSIX 2008): seconds alone miss an edit within the second. */
    out->mtime = (uint64_t)st.st_mtim.tv_sec * 10000000u + (uint64_t)st.st_mtim.tv_nsec / 100u
               + 116444736000000000ull;
    return 0;
}

/* ---- the machine key file ------------------------------------------------ */

/* Creates dir (one level) owner-only; an existing one is left as it is. */
static int make_dir(const char *dir)
{
    return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Default: $HOME/.config/sspishim/machine.key. */
char *sys_machine_key_path(void)
{
    const char *p = getenv("SSPISHIM_MACHINE_KEY"), *home = getenv("HOME");
    static const char tail[] = "/.config/sspishim/machine.key";
    char *path;
    size_t n;

    if (p && *p) return strdup(p);
    if (!home || !*home) return NULL;
    n = strlen(home);
    if (!(path = malloc(n + sizeof(tail)))) return NULL;
    memcpy(path, home, n);
    memcpy(path + n, tail, sizeof(tail));
    /* Cut the path at each '/' of the tail in turn to create its folders. */
    for (size_t i = n + 1; path[i]; i++) {
        if (path[i] != '/') continue;
        path[i] = 0;
        int bad = make_dir(path);
        path[i] = '/';
        if (bad) break;   /* the caller's create reports it */
    }
    return path;
}

static int write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Last resort for file systems without hard links: O_EXCL on the file
 * itself.  A reader racing the write could then see it short, which the
 * key's own length and check value catch. */
static int create_in_place(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0) return errno == EEXIST ? 1 : -1;
    if (write_all(fd, data, len) || fsync(fd)) {
        close(fd);
        unlink(path);   /* ours, and incomplete */
        return -1;
    }
    return close(fd) ? -1 : 0;
}

/* Written to a temporary file (mkstemp: O_EXCL, mode 0600) in the same
 * folder, then link()ed to its name: link fails with EEXIST rather than
 * replace, and the name appears with the whole content at once. */
int sys_create_exclusive(const char *path, const void *data, size_t len)
{
    static const char suffix[] = ".tmp-XXXXXX";
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof(suffix));
    int fd, ret;

    if (!tmp) return -1;
    memcpy(tmp, path, n);
    memcpy(tmp + n, suffix, sizeof(suffix));
    if ((fd = mkstemp(tmp)) < 0) {
        free(tmp);
        return -1;
    }
    if (write_all(fd, data, len) || fsync(fd) || close(fd)) {
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (link(tmp, path) == 0) ret = 0;
    else if (errno == EEXIST) ret = 1;
    else if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) ret = 2;   /* no hard links */
    else ret = -1;
    unlink(tmp);
    free(tmp);
    return ret == 2 ? create_in_place(path, data, len) : ret;
}

int sys_unix_uid(unsigned long *uid)
{
    *uid = (unsigned long)getuid();
    return 0;
}

int sys_read_file(const char *path, void *buf, size_t max, size_t *len)
{
    unsigned char *p = buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *len = 0;
    if (fd < 0) return errno == ENOENT ? 1 : -1;
    while (got < max) {
        ssize_t n = read(fd, p + got, max - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            close(fd);
            return -1;
        }
        if (!n) break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return 0;
}

/* ---- the KDC transport ---------------------------------------------------- */

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

static uint64_t kdc_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* 0 when fd is ready for events, SYS_KDC_TIMEOUT at the deadline. */
static int kdc_wait(int fd, short events, uint64_t deadline)
{
    for (;;) {
        uint64_t now = kdc_clock_ms();
        struct pollfd p = { .fd = fd, .events = events };
        int n;
        if (now >= deadline) return SYS_KDC_TIMEOUT;
        n = poll(&p, 1, (int)(deadline - now));
        if (n > 0) return 0;    /* an error or hangup shows in the call that follows */
        if (n == 0) return SYS_KDC_TIMEOUT;
        if (errno != EINTR) return SYS_KDC_UNREACHABLE;
    }
}

static int kdc_put(int fd, const uint8_t *p, size_t n, uint64_t deadline)
{
    while (n) {
        ssize_t put = send(fd, p, n, MSG_NOSIGNAL);
        int rc;
        if (put > 0) {
            p += put;
            n -= (size_t)put;
        } else if (put < 0 && errno == EINTR) {
            continue;
        } else if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if ((rc = kdc_wait(fd, POLLOUT, deadline))) return rc;
        } else {
            return SYS_KDC_UNREACHABLE;
        }
    }
    return 0;
}

/* Exactly n bytes of a stream. */
static int kdc_get(int fd, uint8_t *p, size_t n, uint64_t deadline)
{
    while (n) {
        int rc = kdc_wait(fd, POLLIN, deadline);
        ssize_t got;
        if (rc) return rc;
        got = recv(fd, p, n, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        if (got <= 0) return SYS_KDC_UNREACHABLE;   /* closed mid-message, or an error */
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

static int kdc_connect(int fd, const struct addrinfo *ai, uint64_t deadline)
{
    int err = 0, rc;
    socklen_t len = sizeof(err);

    if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) return 0;
    if (errno != EINPROGRESS && errno != EINTR) return SYS_KDC_UNREACHABLE;
    if ((rc = kdc_wait(fd, POLLOUT, deadline))) return rc;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) return SYS_KDC_UNREACHABLE;
    return 0;
}

/* One address: the connection (TCP) or the whole exchange (UDP) within
 * try_end, the rest of a TCP exchange within end. */
static int kdc_try(const struct addrinfo *ai, int tcp, const uint8_t *req, size_t len, uint64_t try_end,
                   uint64_t end, uint8_t **reply, size_t *reply_len)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    uint8_t hdr[KRB_KDC_TCP_PREFIX], *buf = NULL;
    size_t n;
    int rc;

    if (fd < 0) return errno == ENOMEM || errno == ENOBUFS ? SYS_KDC_NO_MEMORY : SYS_KDC_UNREACHABLE;
    if ((rc = kdc_connect(fd, ai, try_end))) goto out;
    if (tcp) {
        krb_kdc_tcp_prefix(len, hdr);
        if ((rc = kdc_put(fd, hdr, sizeof(hdr), end)) || (rc = kdc_put(fd, req, len, end)) ||
            (rc = kdc_get(fd, hdr, sizeof(hdr), end)))
            goto out;
        rc = SYS_KDC_UNREACHABLE;
        if (!(n = krb_kdc_tcp_length(hdr))) goto out;
        rc = SYS_KDC_NO_MEMORY;
        if (!(buf = malloc(n))) goto out;
        if ((rc = kdc_get(fd, buf, n, end))) goto out;
    } else {
        ssize_t got;
        if ((rc = kdc_put(fd, req, len, try_end))) goto out;
        rc = SYS_KDC_NO_MEMORY;
        if (!(buf = malloc(SYS_KDC_UDP_MAX))) goto out;
        do {
            if ((rc = kdc_wait(fd, POLLIN, try_end))) goto out;
            got = recv(fd, buf, SYS_KDC_UDP_MAX, 0);
        } while (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK));
        rc = SYS_KDC_UNREACHABLE;                   /* ECONNREFUSED: nothing listens there */
        if (got <= 0) goto out;
        n = (size_t)got;
        uint8_t *fit = realloc(buf, n);
        if (fit) buf = fit;
    }
    *reply = buf, *reply_len = n, buf = NULL;
    rc = SYS_KDC_OK;
out:
    free(buf);
    close(fd);
    return rc;
}

int sys_kdc_send(const char *host, unsigned port, int tcp, const uint8_t *req, size_t len, unsigned timeout_ms,
                 uint8_t **reply, size_t *reply_len)
{
    struct addrinfo hints = { .ai_flags = AI_NUMERICSERV, .ai_family = AF_UNSPEC }, *list = NULL, *ai;
    char service[8];
    size_t n_addrs = 0, i = 0;
    uint64_t end;
    int rc, timed_out = 0;

    if (!krb_kdc_send_args_ok(host, port, tcp, req, len, timeout_ms, reply, reply_len))
        return SYS_KDC_BAD_ARG;
    *reply = NULL, *reply_len = 0;
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    snprintf(service, sizeof(service), "%u", port);
    rc = getaddrinfo(host, service, &hints, &list);
    if (rc) return rc == EAI_MEMORY ? SYS_KDC_NO_MEMORY : SYS_KDC_UNREACHABLE;
    end = kdc_clock_ms() + timeout_ms;
    for (ai = list; ai; ai = ai->ai_next) n_addrs++;
    /* Each address gets an equal share of the time left, the last all of it. */
    rc = SYS_KDC_UNREACHABLE;
    for (ai = list; ai; ai = ai->ai_next, i++) {
        uint64_t now = kdc_clock_ms();
        if (now >= end) break;
        rc = kdc_try(ai, tcp, req, len, now + (end - now) / (n_addrs - i), end, reply, reply_len);
        if (rc == SYS_KDC_OK || rc == SYS_KDC_NO_MEMORY) break;
        timed_out |= rc == SYS_KDC_TIMEOUT;
    }
    freeaddrinfo(list);
    return rc == SYS_KDC_OK || rc == SYS_KDC_NO_MEMORY ? rc : timed_out ? SYS_KDC_TIMEOUT : SYS_KDC_UNREACHABLE;
}

/* Counted in the child by an atfork handler, registered on first use: a
 * fork before that has nothing yet to invalidate. */
static atomic_ulong fork_generation;
static pthread_once_t fork_watch = PTHREAD_ONCE_INIT;

static void forked_child(void)
{
    atomic_fetch_add(&fork_generation, 1);
}

static void watch_forks(void)
{
    pthread_atfork(NULL, NULL, forked_child);
}

unsigned long sys_fork_generation(void)
{
    pthread_once(&fork_watch, watch_forks);
    return atomic_load(&fork_generation);
}
