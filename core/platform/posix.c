/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native platform under the core, for unit tests and native tools. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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
