/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* One debug channel for the whole DLL, in the spirit of WINEDEBUG.
 * SSPISHIM_DEBUG=err|fixme|warn|trace (or all) shows that class and every
 * more severe one; unset, empty, "0" or "off" shows nothing. */
#ifndef SSPISHIM_DEBUG_H
#define SSPISHIM_DEBUG_H

#include "sspishim/types.h"

enum dbg_class { DBG_OFF = 0, DBG_ERR, DBG_FIXME, DBG_WARN, DBG_TRACE };

extern int dbg_level;   /* parsed once by dbg_init; -1 before that */

void dbg_init(void);
/* Parse an SSPISHIM_DEBUG value; exposed for the unit tests. */
int dbg_parse(const char *value);
void dbg_log(enum dbg_class cls, const char *func, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static inline int dbg_on(enum dbg_class cls)
{
    if (dbg_level < 0) dbg_init();
    return (int)cls <= dbg_level;
}

#define DBG_LOG(cls, ...) do { if (dbg_on(cls)) dbg_log(cls, __func__, __VA_ARGS__); } while (0)
#define TRACE(...) DBG_LOG(DBG_TRACE, __VA_ARGS__)
#define WARN(...)  DBG_LOG(DBG_WARN, __VA_ARGS__)
#define FIXME(...) DBG_LOG(DBG_FIXME, __VA_ARGS__)
#define ERR(...)   DBG_LOG(DBG_ERR, __VA_ARGS__)

/* Printable forms for trace arguments; each call returns a string that
 * stays valid for the next few calls on the same thread. */
const char *dbg_wstr(const shim_wchar *s);
const char *dbg_astr(const char *s);
const char *dbg_handle(const struct shim_handle *h);

#endif
