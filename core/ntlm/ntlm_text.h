/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Counted UTF-16 names as the NTLM package keeps them, and the conversions
 * between them and the encodings they arrive in: UTF-16LE or OEM on the
 * wire, Latin-1 in ANSI identities, UTF-8 in the accounts file.  OEM and
 * ANSI are taken as Latin-1 (the core has no code pages); characters
 * outside it are sent as '?'.  Private to core/ntlm. */
#ifndef SSPISHIM_NTLM_TEXT_H
#define SSPISHIM_NTLM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "sspishim/bytes.h"
#include "sspishim/types.h"

/* An owned name: s holds len code units and a terminating 0, or is NULL
 * for an empty name that was never set. */
struct ntlm_name {
    shim_wchar *s;
    size_t len;
};

enum { NTLM_TEXT_OK = 0, NTLM_TEXT_INVALID = -1, NTLM_TEXT_NO_MEMORY = -2 };

/* Longest name accepted anywhere: UNICODE_STRING's limit in characters. */
#define NTLM_NAME_MAX 32767

/* Replaces *n (wiping the old value) by a copy of s[0..len).  s may be NULL
 * when len is 0. */
int ntlm_name_set(struct ntlm_name *n, const shim_wchar *s, size_t len);
int ntlm_name_copy(struct ntlm_name *dst, const struct ntlm_name *src);
/* Wipes and frees: names may be passwords on their way to a hash. */
void ntlm_name_clear(struct ntlm_name *n);

int ntlm_name_from_latin1(struct ntlm_name *n, const unsigned char *s, size_t len);
/* Strict UTF-8 (no overlong forms, surrogates or values past U+10FFFF);
 * NTLM_TEXT_INVALID otherwise. */
int ntlm_name_from_utf8(struct ntlm_name *n, struct bytes_span in);
bool ntlm_utf8_valid(struct bytes_span in);
/* UTF-16LE when unicode (an odd length is NTLM_TEXT_INVALID), else OEM. */
int ntlm_name_from_wire(struct ntlm_name *n, struct bytes_span in, bool unicode);
int ntlm_name_to_wire(struct bytes_writer *w, const shim_wchar *s, size_t len, bool unicode);

/* Equal ignoring case as ntlm_upcase folds it (ASCII and Latin-1). */
bool ntlm_name_ieq(const shim_wchar *a, size_t alen, const shim_wchar *b, size_t blen);

/* Terminated copies from the caller allocator (sys_caller_alloc), for
 * attributes the caller frees with FreeContextBuffer.  ntlm_join_caller
 * gives "DOMAIN\user", or "user" when the domain is empty. */
shim_wchar *ntlm_wstr_caller(const shim_wchar *s, size_t len);
shim_wchar *ntlm_join_caller(const struct ntlm_name *domain, const struct ntlm_name *user);

#endif
