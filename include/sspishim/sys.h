/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the core needs from the platform.  Implemented twice: by the DLL
 * (dlls/secur32/platform.c, Win32) and natively (core/platform/posix.c). */
#ifndef SSPISHIM_SYS_H
#define SSPISHIM_SYS_H

#include <stddef.h>

/* Large enough for a pthread mutex or an SRWLOCK.  All-zero storage (a
 * static sys_mutex) is an unlocked mutex on both platforms, so process-wide
 * locks need no start-up code; sys_mutex_init is for dynamic ones. */
typedef struct {
    _Alignas(8) unsigned char opaque[64];
} sys_mutex;

void sys_mutex_init(sys_mutex *m);
void sys_mutex_lock(sys_mutex *m);
void sys_mutex_unlock(sys_mutex *m);

/* Cryptographically strong random bytes; returns 0 on success. */
int sys_random(void *buf, size_t len);

/* The one allocator behind every buffer handed to a caller of the DLL:
 * whatever comes from sys_caller_alloc is released by FreeContextBuffer. */
void *sys_caller_alloc(size_t size);
void sys_caller_free(void *p);

/* One line of debug output (already formatted, ends with a newline). */
void sys_debug_write(const char *line);
unsigned long sys_thread_id(void);

#endif
