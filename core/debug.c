/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/debug.h"
#include "sspishim/sys.h"

int dbg_level = -1;

static const char *const class_names[] = { "off", "err", "fixme", "warn", "trace" };

int dbg_parse(const char *value)
{
    if (!value || !*value) return DBG_OFF;
    if (!strcmp(value, "all") || !strcmp(value, "+all") || !strcmp(value, "1")) return DBG_TRACE;
    for (int i = DBG_OFF; i <= DBG_TRACE; i++)
        if (!strcmp(value, class_names[i])) return i;
    if (!strcmp(value, "0") || !strcmp(value, "-all")) return DBG_OFF;
    /* An unknown word still asks for output: show errors rather than nothing. */
    return DBG_ERR;
}

void dbg_init(void)
{
    dbg_level = dbg_parse(getenv("SSPISHIM_DEBUG"));
}

void dbg_log(enum dbg_class cls, const char *func, const char *fmt, ...)
{
    char line[1024];
    int n = snprintf(line, sizeof(line), "%04lx:%s:sspishim:%s ", sys_thread_id(),
                     class_names[cls], func);
    if (n < 0) return;
    va_list ap;
    va_start(ap, fmt);
    if ((size_t)n < sizeof(line)) vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    size_t len = strlen(line);
    if (!len || line[len - 1] != '\n') {
        if (len >= sizeof(line) - 1) len = sizeof(line) - 2;
        line[len] = '\n';
        line[len + 1] = 0;
    }
    sys_debug_write(line);
}

/* A small per-thread ring, so one trace line can format several arguments. */
static char *dbg_slot(void)
{
    static _Thread_local char ring[6][160];
    static _Thread_local unsigned next;
    return ring[next++ % 6];
}

const char *dbg_wstr(const shim_wchar *s)
{
    char *out = dbg_slot();
    size_t o = 0, cap = 160;
    if (!s) return "(null)";
    out[o++] = 'L';
    out[o++] = '"';
    for (; *s && o < cap - 8; s++) {
        if (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') out[o++] = (char)*s;
        else o += (size_t)snprintf(out + o, cap - o, "\\x%04x", *s);
    }
    if (*s) { memcpy(out + o, "...", 3); o += 3; }
    out[o++] = '"';
    out[o] = 0;
    return out;
}

const char *dbg_astr(const char *s)
{
    char *out = dbg_slot();
    if (!s) return "(null)";
    snprintf(out, 160, "\"%.140s%s\"", s, strlen(s) > 140 ? "..." : "");
    return out;
}

const char *dbg_handle(const struct shim_handle *h)
{
    char *out = dbg_slot();
    if (!h) return "(null)";
    snprintf(out, 160, "{%#llx,%#llx}", (unsigned long long)h->lower, (unsigned long long)h->upper);
    return out;
}
