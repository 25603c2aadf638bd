/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* sys_unix_uid (sys.h) on Windows, for MIT's default credential cache
 * /tmp/krb5cc_<uid>.  Its own file because it reads through sys_read_file
 * (machine_key_win.c): a program that links platform.c alone (the Wine
 * KDC test) does not have to bring the file functions along.
 *
 * Measured under Wine 8 (wine64, Debian bookworm): the Unix uid reaches
 * no Win32 API and no variable (WINEUSERNAME is the user's name, USER is
 * not passed on), but wine_get_dos_file_name("/proc/self/status") gives
 * Z:\proc\self\status, CreateFileW opens it and ReadFile returns the
 * whole file although its size is 0, with "Uid:" as on Linux: the Wine
 * process is a Unix process.  Without Wine there is no /proc: -1. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/sys.h"

/* "Uid:\treal\teffective\tsaved\tfs": the real uid, as MIT's %{uid}. */
int sys_unix_uid(unsigned long *uid)
{
    char text[4096], *line;
    size_t len = 0;

    *uid = 0;
    if (sys_read_file("/proc/self/status", text, sizeof(text) - 1, &len)) return -1;
    text[len] = 0;
    for (line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char *end;
        unsigned long v;
        if (strncmp(line, "Uid:", 4)) continue;
        v = strtoul(line + 4, &end, 10);
        if (end == line + 4) return -1;
        *uid = v;
        return 0;
    }
    return -1;
}
