/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM accounts file: who the server accepts, and whose credentials a
 * client uses by default.  Format of gss-ntlmssp's NTLM_USER_FILE, read as
 * UTF-8 (a line that is not valid UTF-8 is read as Latin-1; a leading BOM
 * is skipped):
 *
 *   # a comment (the line starts with '#'); blank lines are ignored
 *   DOMAIN:USER:PASSWORD               password entry; the password runs to
 *                                      the end of the line, colons included
 *   NAME:UID:LM_HASH:NT_HASH[:...]     NT-hash entry, smbpasswd style; NAME
 *                                      is USER or DOMAIN\USER
 *
 * Telling them apart: a line is an NT-hash entry when it has at least four
 * colon-separated fields and the second one is a non-empty run of decimal
 * digits; such a line counts only when its fourth field is exactly 32 hex
 * digits (smbpasswd writes X's for a disabled account: skipped).  Every
 * other line with at least three fields is a password entry.  So a password
 * entry whose user name is all digits and whose password contains a colon
 * reads as an NT-hash entry; write that account as an NT hash instead.
 * Lines end with LF or CRLF; a user name may not be empty; the domain may.
 *
 * Matching: names compare case-insensitively (ASCII and Latin-1).  For a
 * user and domain, the candidates are, in order: entries of that domain;
 * entries with an empty domain; and, only when the domain asked for is
 * empty, entries of any domain.  NTOWFv2 hashes the names the peer sent,
 * so any candidate can prove the password.
 *
 * Passwords are hashed (MD4 of UTF-16LE) while parsing and never kept. */
#ifndef SSPISHIM_NTLM_ACCOUNTS_H
#define SSPISHIM_NTLM_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sspishim/types.h"

/* One entry; user and domain are terminated copies (domain may be "").  A
 * struct ntlm_account handed out by this API is the caller's, released
 * with ntlm_account_clear. */
struct ntlm_account {
    shim_wchar *domain;
    size_t domain_len;
    shim_wchar *user;
    size_t user_len;
    uint8_t nt_hash[16];
    unsigned line;                  /* 1-based line in the file, for traces */
};

struct ntlm_account_list {
    struct ntlm_account *items;
    size_t count, cap;
    size_t skipped;                 /* malformed lines (comments and blanks are not counted) */
};

enum ntlm_accounts_status {
    NTLM_ACCOUNTS_OK = 0,
    NTLM_ACCOUNTS_NO_FILE,          /* no path, or the file cannot be read */
    NTLM_ACCOUNTS_NOT_FOUND,        /* no entry matches / none proved the response */
    NTLM_ACCOUNTS_NO_MEMORY,
};

/* Files larger than this are refused (read as NO_FILE), not truncated. */
#define NTLM_ACCOUNTS_MAX_FILE (16u << 20)

/* ---- Lists in memory (also the fuzzing entry point) ------------------------ */

/* Parses text[0..len) into *out, which must be zeroed or freed before.
 * Malformed lines are skipped and counted; only running out of memory
 * fails (NTLM_ACCOUNTS_NO_MEMORY, with *out left empty). */
int ntlm_accounts_parse(const void *text, size_t len, struct ntlm_account_list *out);
void ntlm_accounts_free(struct ntlm_account_list *list);

/* Walks the candidates for user/domain in the order given above: set
 * *cursor to 0 first; NULL when there are no more. */
const struct ntlm_account *ntlm_accounts_next(const struct ntlm_account_list *list,
                                              const shim_wchar *user, size_t user_len,
                                              const shim_wchar *domain, size_t domain_len,
                                              size_t *cursor);

void ntlm_account_clear(struct ntlm_account *a);
int ntlm_account_copy(struct ntlm_account *dst, const struct ntlm_account *src);

/* ---- The file --------------------------------------------------------------- */

/* The file is sys_accounts_path().  Every call below compares its size and
 * last write time (sys_file_stamp, at full resolution) with those of the
 * copy in memory and re-reads it when they differ; while the write time is
 * within two seconds of the last read, it also re-reads it and compares a
 * digest of the content, so even a same-length edit that kept the stamp
 * applies to the next logon.  The file is read through sys_read_file into
 * a buffer that is wiped.  Calls are thread-safe. */

/* NTLM_ACCOUNTS_OK when the file exists and can be read (it may be empty). */
int ntlm_accounts_available(void);

/* Calls check on each candidate for user/domain, with the store locked,
 * until one returns true: NTLM_ACCOUNTS_OK, and *matched (if not NULL)
 * receives a copy of that entry.  Otherwise NOT_FOUND or NO_FILE. */
int ntlm_accounts_verify(const shim_wchar *user, size_t user_len,
                         const shim_wchar *domain, size_t domain_len,
                         bool (*check)(const struct ntlm_account *acct, void *arg), void *arg,
                         struct ntlm_account *matched);

/* A copy of the first candidate for user/domain. */
int ntlm_accounts_find(const shim_wchar *user, size_t user_len,
                       const shim_wchar *domain, size_t domain_len, struct ntlm_account *out);

/* Default client credentials: the first entry for user (any domain), or
 * failing that the file's first entry.  user may be NULL. */
int ntlm_accounts_default(const shim_wchar *user, size_t user_len, struct ntlm_account *out);

/* A malloc'd copy of the first non-empty domain in the file (the server's
 * domain name); NOT_FOUND when every entry has an empty domain. */
int ntlm_accounts_domain(shim_wchar **domain, size_t *len);

/* Forgets the copy in memory (tests; the next call re-reads). */
void ntlm_accounts_reset(void);

#endif
