/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the core needs from the platform.  Implemented twice: by the DLL
 * (dlls/secur32/platform.c, Win32) and natively (core/platform/posix.c). */
#ifndef SSPISHIM_SYS_H
#define SSPISHIM_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "sspishim/types.h"

/* Large enough for an SRWLOCK in the DLL and a pthread mutex natively.
 * Every context has one, so the DLL's is no bigger than the SRWLOCK's
 * pointer (it was 64 bytes: 6 % of a context, BENCHMARKS.md).  All-zero
 * storage (a static sys_mutex) is an unlocked mutex on both platforms, so
 * process-wide locks need no start-up code; sys_mutex_init is for dynamic
 * ones. */
typedef struct {
#ifdef _WIN32
    _Alignas(8) unsigned char opaque[8];
#else
    _Alignas(8) unsigned char opaque[64];
#endif
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

/* Time as Windows counts it: 100 ns intervals since 1601-01-01 (FILETIME). */
uint64_t sys_filetime_now(void);

/* Access tokens, opaque (a HANDLE on Windows).  Every token the core gets
 * from here it must give back with sys_token_close; the DLL counts them. */
typedef void *sys_token;
/* A token standing for the authenticated client DOMAIN\user (either may be
 * NULL).  Where the platform can make tokens (Wine 10's NtCreateToken) it
 * is the account's own, with a SID stable per account; otherwise the
 * process's user, duplicated at impersonation level.  0 on success. */
int sys_token_for_client(const shim_wchar *user, const shim_wchar *domain, sys_token *out);
/* A second handle to the same token, e.g. for QuerySecurityContextToken,
 * whose caller closes it with CloseHandle; not counted as ours. */
int sys_token_duplicate_for_caller(sys_token t, void **out);
/* A token of our own for a handle from outside (ImportSecurityContext's
 * token argument): the handle is duplicated, the caller keeps and closes
 * its own. */
int sys_token_adopt(void *handle, sys_token *out);
void sys_token_close(sys_token t);
/* Impersonate on the calling thread / stop; 0 on success. */
int sys_impersonate(sys_token t);
int sys_revert(void);
/* How many tokens this process got from sys_token_* and has not closed. */
long sys_tokens_live(void);

/* The user this process runs as, for default client credentials: UTF-16,
 * NUL-terminated, malloc'd (NULL when unknown). */
shim_wchar *sys_current_user(void);

/* This machine's name as NTLM messages carry it (the AUTHENTICATE's
 * workstation, a server's NetBIOS computer name): SSPISHIM_WORKSTATION when
 * set, otherwise the computer name (GetComputerNameW; natively the host
 * name's first label, upper-cased).  UTF-16, NUL-terminated, malloc'd, or
 * NULL when unknown. */
shim_wchar *sys_computer_name(void);

/* An environment variable's value as ASCII, NUL-terminated, into buf: 0
 * when it is set and fits, -1 otherwise.  Read at each call. */
int sys_getenv_ascii(const char *name, char *buf, size_t size);

/* The NTLM accounts file: NTLM_USER_FILE when set (a Unix path is accepted
 * on Windows as well), otherwise the documented default.  A malloc'd UTF-8
 * path for sys_file_stamp and sys_read_file, or NULL when there is none. */
char *sys_accounts_path(void);
/* What tells one version of a file from the next without reading it: its
 * size and its last write time, as FILETIME (100 ns units since 1601) at
 * the full resolution the platform reports (Wine passes on the Unix
 * nanoseconds).  0 a regular file, 1 none (or not a regular file), -1
 * error. */
struct sys_file_stamp {
    uint64_t size, mtime;
};
int sys_file_stamp(const char *path, struct sys_file_stamp *out);

/* The machine key file (core/machine_key.c): SSPISHIM_MACHINE_KEY when set
 * (a Unix path is accepted on Windows as well), otherwise the platform's
 * default, whose folder is created, owner-only, when missing.  A malloc'd
 * UTF-8 path, or NULL when there is none. */
char *sys_machine_key_path(void);
/* Creates path holding exactly data[0..len), only if nothing is there, and
 * so that no reader ever sees it partly written (written aside, then
 * linked or renamed into place without replacing).  Owner-only access where
 * the platform allows.  0 created, 1 it already exists (left untouched),
 * -1 error. */
int sys_create_exclusive(const char *path, const void *data, size_t len);
/* Reads at most max bytes of path into buf, *len of them.  0 read (a
 * longer file gives *len == max), 1 no such file, -1 error.  A Unix path
 * (starting with '/') is read as Wine maps it (the Z: drive) in the DLL. */
int sys_read_file(const char *path, void *buf, size_t max, size_t *len);

/* The Unix user id this process runs as, for MIT's default credential
 * cache /tmp/krb5cc_<uid>: getuid() natively; under Wine the "Uid:" line
 * of /proc/self/status read through the Z: drive (Win32 has no uid).
 * 0 on success, -1 when it is not known (Windows without Wine). */
int sys_unix_uid(unsigned long *uid);

/* One request to one KDC and its reply (RFC 4120 7.2.1, 7.2.2): over UDP
 * one datagram each way; over TCP (tcp != 0) each message after a 4-byte
 * big-endian length, on a connection made for it.  host is a name or an
 * IPv4/IPv6 literal ("127.0.0.1", "::1", no brackets), port 1..65535; a
 * name that resolves to several addresses has them tried in turn, each
 * with a share of the time left.  The whole call, connecting included,
 * takes at most about timeout_ms (1..SYS_KDC_TIMEOUT_MAX) once the name
 * is resolved: literals never wait for a resolver, names may.
 * On SYS_KDC_OK *reply is malloc'd (free() it), *reply_len >= 1.
 * The reply's size is bounded: a UDP datagram holds at most
 * SYS_KDC_UDP_MAX bytes; a TCP length over SYS_KDC_TCP_MAX, or one with
 * the reserved high bit set, is no answer (SYS_KDC_UNREACHABLE). */
enum sys_kdc_result {
    SYS_KDC_OK = 0,
    SYS_KDC_TIMEOUT = 1,            /* no answer within timeout_ms */
    SYS_KDC_UNREACHABLE = 2,        /* no answer, known before the time was up: name not found, refused,
                                     * unreachable, connection closed, an unusable reply, no network stack */
    SYS_KDC_BAD_ARG = -1,           /* NULL pointers, empty request, port or timeout out of range */
    SYS_KDC_NO_MEMORY = -2,
};
#define SYS_KDC_UDP_MAX 65536u
#define SYS_KDC_TCP_MAX (4u << 20)
#define SYS_KDC_TIMEOUT_MAX 60000u
int sys_kdc_send(const char *host, unsigned port, int tcp, const uint8_t *req, size_t len, unsigned timeout_ms,
                 uint8_t **reply, size_t *reply_len);

/* Changes in a child process after fork(), so state copied into it (such
 * as a nonce counter) can tell it is a copy.  Windows has no fork. */
#ifdef _WIN32
static inline unsigned long sys_fork_generation(void) { return 0; }
#else
unsigned long sys_fork_generation(void);
#endif

#endif
