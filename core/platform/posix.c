/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native platform under the core, for unit tests and native tools. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
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

int sys_token_for_client(sys_token *out)
{
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
    return sys_token_for_client(out);
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

char *sys_accounts_path(void)
{
    const char *p = getenv("NTLM_USER_FILE");
    return p ? strdup(p) : NULL;
}
