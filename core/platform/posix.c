/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native platform under the core, for unit tests and native tools. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

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
