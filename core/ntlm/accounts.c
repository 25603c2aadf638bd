/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The accounts file (gss-ntlmssp's NTLM_USER_FILE): parsing from memory,
 * candidate lookup, and the process-wide copy of the file that follows its
 * changes.  The format and the matching rules are in ntlm_accounts.h. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/debug.h"
#include "sspishim/ntlm_accounts.h"
#include "sspishim/ntlm_crypto.h"
#include "sspishim/sys.h"

#include "ntlm_text.h"

/* What one line turned out to be. */
enum line_kind { LINE_IGNORED, LINE_ADDED, LINE_MALFORMED, LINE_NO_MEMORY };

/* ---- entries and lists ------------------------------------------------------ */

void ntlm_account_clear(struct ntlm_account *a)
{
    struct ntlm_name user = { a->user, a->user_len }, domain = { a->domain, a->domain_len };

    ntlm_name_clear(&user);
    ntlm_name_clear(&domain);
    crypto_wipe(a, sizeof(*a));
}

/* Takes the names over from the ntlm_name structures. */
static void account_adopt(struct ntlm_account *a, struct ntlm_name *domain, struct ntlm_name *user,
                          const uint8_t nt_hash[16], unsigned line)
{
    a->domain = domain->s;
    a->domain_len = domain->len;
    a->user = user->s;
    a->user_len = user->len;
    memcpy(a->nt_hash, nt_hash, sizeof(a->nt_hash));
    a->line = line;
    domain->s = user->s = NULL;
    domain->len = user->len = 0;
}

int ntlm_account_copy(struct ntlm_account *dst, const struct ntlm_account *src)
{
    struct ntlm_name user = { 0 }, domain = { 0 };

    memset(dst, 0, sizeof(*dst));
    if (ntlm_name_set(&user, src->user, src->user_len) ||
        ntlm_name_set(&domain, src->domain, src->domain_len)) {
        ntlm_name_clear(&user);
        ntlm_name_clear(&domain);
        return NTLM_ACCOUNTS_NO_MEMORY;
    }
    account_adopt(dst, &domain, &user, src->nt_hash, src->line);
    return NTLM_ACCOUNTS_OK;
}

void ntlm_accounts_free(struct ntlm_account_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        ntlm_account_clear(&list->items[i]);
    free(list->items);
    memset(list, 0, sizeof(*list));
}

/* Grows by copying so the old array, which holds hashes, is wiped first. */
static int list_reserve(struct ntlm_account_list *list)
{
    struct ntlm_account *items;
    size_t cap;

    if (list->count < list->cap)
        return 0;
    cap = list->cap ? list->cap * 2 : 16;
    if (cap > SIZE_MAX / sizeof(*items) || !(items = calloc(cap, sizeof(*items))))
        return -1;
    if (list->count)
        memcpy(items, list->items, list->count * sizeof(*items));
    if (list->items) {
        crypto_wipe(list->items, list->cap * sizeof(*items));
        free(list->items);
    }
    list->items = items;
    list->cap = cap;
    return 0;
}

/* ---- parsing ------------------------------------------------------------------ */

/* The next line without its LF (and CR before it); false at the end. */
static bool next_line(struct bytes_reader *r, struct bytes_span *line)
{
    size_t start = r->pos, n = 0;
    struct bytes_span last;

    if (!bytes_remaining(r))
        return false;
    while (bytes_remaining(r) && bytes_get_u8(r) != '\n')
        n++;
    bytes_get_span_at(r, start, n, line);
    if (n && !bytes_get_span_at(r, start + n - 1, 1, &last) && last.p[0] == '\r')
        line->len--;
    return true;
}

/* The next field up to ':' (consumed) or the end; true when a colon ended it. */
static bool next_field(struct bytes_reader *lr, struct bytes_span *field)
{
    size_t start = lr->pos, n = 0;
    bool colon = false;

    while (bytes_remaining(lr)) {
        if (bytes_get_u8(lr) == ':') {
            colon = true;
            break;
        }
        n++;
    }
    bytes_get_span_at(lr, start, n, field);
    return colon;
}

static bool all_digits(struct bytes_span s)
{
    struct bytes_reader r;

    bytes_reader_init(&r, s.p, s.len);
    while (bytes_remaining(&r)) {
        uint8_t c = bytes_get_u8(&r);
        if (c < '0' || c > '9')
            return false;
    }
    return s.len > 0;
}

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool parse_hash(struct bytes_span s, uint8_t out[16])
{
    struct bytes_reader r;

    if (s.len != 32)
        return false;
    bytes_reader_init(&r, s.p, s.len);
    for (int i = 0; i < 16; i++) {
        int hi = hex_value(bytes_get_u8(&r)), lo = hex_value(bytes_get_u8(&r));
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* Decodes a field as the line was judged: UTF-8 or Latin-1. */
static int decode(struct ntlm_name *n, struct bytes_span s, bool utf8)
{
    return utf8 ? ntlm_name_from_utf8(n, s) : ntlm_name_from_latin1(n, s.p, s.len);
}

/* NAME of an NT-hash entry: DOMAIN\USER or USER. */
static void split_name(struct bytes_span name, struct bytes_span *domain, struct bytes_span *user)
{
    struct bytes_reader r;
    size_t n = 0;

    bytes_reader_init(&r, name.p, name.len);
    while (bytes_remaining(&r) && bytes_get_u8(&r) != '\\')
        n++;
    if (n == name.len) {
        bytes_get_span_at(&r, 0, 0, domain);
        *user = name;
        return;
    }
    bytes_get_span_at(&r, 0, n, domain);
    bytes_get_span_at(&r, n + 1, name.len - n - 1, user);
}

static enum line_kind parse_line(struct bytes_span line, unsigned lineno, struct ntlm_account_list *out)
{
    struct bytes_reader lr;
    struct bytes_span f[4], dom_s, user_s, secret;
    struct ntlm_name domain = { 0 }, user = { 0 }, password = { 0 };
    uint8_t hash[16];
    enum line_kind kind = LINE_MALFORMED;
    bool utf8, hashed;
    int rc;

    if (!line.len || line.p[0] == '#')
        return LINE_IGNORED;
    utf8 = ntlm_utf8_valid(line);
    bytes_reader_init(&lr, line.p, line.len);
    if (!next_field(&lr, &f[0]) || !next_field(&lr, &f[1]))
        goto done;                          /* fewer than three fields */
    bytes_get_span_at(&lr, lr.pos, bytes_remaining(&lr), &secret);
    hashed = all_digits(f[1]) && next_field(&lr, &f[2]);
    if (hashed) {
        next_field(&lr, &f[3]);
        if (!parse_hash(f[3], hash))
            goto done;                      /* disabled, or a bad hash */
        split_name(f[0], &dom_s, &user_s);
    } else {
        dom_s = f[0];
        user_s = f[1];
    }
    if (!user_s.len)
        goto done;
    if ((rc = decode(&domain, dom_s, utf8)) || (rc = decode(&user, user_s, utf8)) ||
        (!hashed && (rc = decode(&password, secret, utf8)))) {
        kind = rc == NTLM_TEXT_NO_MEMORY ? LINE_NO_MEMORY : LINE_MALFORMED;
        goto done;
    }
    if (!hashed)
        ntlm_nt_hash(password.s, password.len, hash);
    if (list_reserve(out)) {
        kind = LINE_NO_MEMORY;
        goto done;
    }
    account_adopt(&out->items[out->count++], &domain, &user, hash, lineno);
    kind = LINE_ADDED;
done:
    if (kind == LINE_MALFORMED)
        TRACE("accounts line %u: not an entry, skipped\n", lineno);
    ntlm_name_clear(&domain);
    ntlm_name_clear(&user);
    ntlm_name_clear(&password);
    crypto_wipe(hash, sizeof(hash));
    return kind;
}

int ntlm_accounts_parse(const void *text, size_t len, struct ntlm_account_list *out)
{
    static const uint8_t bom[3] = { 0xef, 0xbb, 0xbf };
    struct bytes_reader r;
    struct bytes_span line;
    uint8_t head[3];
    unsigned lineno = 0;

    memset(out, 0, sizeof(*out));
    bytes_reader_init(&r, text, len);
    if (!bytes_peek(&r, head, sizeof(head)) && !memcmp(head, bom, sizeof(bom)))
        bytes_skip(&r, sizeof(bom));
    while (next_line(&r, &line)) {
        lineno++;
        switch (parse_line(line, lineno, out)) {
        case LINE_NO_MEMORY:
            ntlm_accounts_free(out);
            return NTLM_ACCOUNTS_NO_MEMORY;
        case LINE_MALFORMED:
            out->skipped++;
            break;
        default:
            break;
        }
    }
    return NTLM_ACCOUNTS_OK;
}

/* ---- candidates ----------------------------------------------------------------- */

/* The cursor runs over three passes of the list: domain matches, empty
 * domains, then (for an empty domain asked) every domain. */
const struct ntlm_account *ntlm_accounts_next(const struct ntlm_account_list *list,
                                              const shim_wchar *user, size_t user_len,
                                              const shim_wchar *domain, size_t domain_len,
                                              size_t *cursor)
{
    size_t n = list->count;

    while (n && *cursor < 3 * n) {
        size_t pass = *cursor / n;
        const struct ntlm_account *a = &list->items[*cursor % n];

        (*cursor)++;
        if (!ntlm_name_ieq(a->user, a->user_len, user, user_len))
            continue;
        if (pass == 0 && a->domain_len && ntlm_name_ieq(a->domain, a->domain_len, domain, domain_len))
            return a;
        if (pass == 1 && !a->domain_len)
            return a;
        if (pass == 2 && !domain_len && a->domain_len)
            return a;
    }
    return NULL;
}

/* ---- the file -------------------------------------------------------------------- */

/* What tells one version of the file from the next.  Its size and last
 * write time say when to read it again, but a write time has the file
 * system's resolution (whole seconds under msvcrt's stat, a kernel tick
 * even with Linux's nanoseconds), so a rewrite of the same length soon
 * after the last one can keep the stamp.  So, as git does with its "racily
 * clean" index entries: while the file's write time is less than RACY_WINDOW
 * before the moment we last read it, the stamp proves nothing and the file
 * is read again at every call, and a digest of the content decides whether
 * it changed.  Once it is older than that, the stamp alone is trusted.  The
 * digest (MD5) only has to notice edits: whoever can write the file decides
 * the accounts anyway. */
#define RACY_WINDOW (2 * 10000000ull)   /* 2 s, in FILETIME units: FAT's resolution */

static sys_mutex store_lock;
static struct {
    bool loaded;
    char *path;
    struct sys_file_stamp stamp;
    uint64_t read_at;                   /* FILETIME, taken before the read */
    uint8_t digest[CRYPTO_MD5_SIZE];
    struct ntlm_account_list list;
} store;

static void store_drop(void)
{
    ntlm_accounts_free(&store.list);
    free(store.path);
    store.path = NULL;
    store.loaded = false;
}

/* The whole file, through the platform (no stdio buffer, which would be
 * freed holding the passwords), into a heap buffer the caller wipes.  The
 * stamp's size is a hint: a file that grew since is read in larger
 * buffers.  0 read, 1 gone, -1 error or larger than the limit. */
static int read_file(const char *path, uint64_t size_hint, uint8_t **out, size_t *out_len, size_t *out_cap)
{
    size_t cap = size_hint < NTLM_ACCOUNTS_MAX_FILE ? (size_t)size_hint + 1 : NTLM_ACCOUNTS_MAX_FILE + 1;

    for (;;) {
        uint8_t *buf = malloc(cap);
        size_t len = 0;
        int rc;

        if (!buf)
            return -1;
        if ((rc = sys_read_file(path, buf, cap, &len)) || len == cap) {
            crypto_wipe(buf, cap);
            free(buf);
            if (rc)
                return rc;
            if (cap > NTLM_ACCOUNTS_MAX_FILE)
                return -1;
            cap = cap > NTLM_ACCOUNTS_MAX_FILE / 2 ? NTLM_ACCOUNTS_MAX_FILE + 1 : cap * 2;
            continue;
        }
        *out = buf;
        *out_len = len;
        *out_cap = cap;
        return 0;
    }
}

/* Brings the copy in memory up to date; the store lock is held. */
static int store_refresh(void)
{
    char *path = sys_accounts_path();
    struct ntlm_account_list list;
    struct sys_file_stamp stamp;
    uint8_t digest[CRYPTO_MD5_SIZE], *text = NULL;
    size_t len = 0, cap = 0;
    uint64_t now;
    bool same_file;
    int rc;

    if (!path || sys_file_stamp(path, &stamp)) {
        if (store.loaded)
            TRACE("accounts file %s is gone\n", dbg_astr(path));
        store_drop();
        free(path);
        return NTLM_ACCOUNTS_NO_FILE;
    }
    same_file = store.loaded && !strcmp(path, store.path);
    if (same_file && stamp.size == store.stamp.size && stamp.mtime == store.stamp.mtime &&
        stamp.mtime + RACY_WINDOW < store.read_at) {
        free(path);
        return NTLM_ACCOUNTS_OK;
    }
    now = sys_filetime_now();
    if ((rc = read_file(path, stamp.size, &text, &len, &cap))) {
        WARN("cannot read accounts file %s (or larger than %u bytes)\n", dbg_astr(path),
             NTLM_ACCOUNTS_MAX_FILE);
        store_drop();
        free(path);
        return NTLM_ACCOUNTS_NO_FILE;
    }
    crypto_md5(text, len, digest);
    if (same_file && !memcmp(digest, store.digest, sizeof(digest))) {
        /* the same content: only the stamp and the time of reading move on */
        crypto_wipe(text, cap);
        free(text);
        free(path);
        store.stamp = stamp;
        store.read_at = now;
        return NTLM_ACCOUNTS_OK;
    }
    rc = ntlm_accounts_parse(text, len, &list);
    crypto_wipe(text, cap);
    free(text);
    store_drop();
    if (rc) {
        free(path);
        return rc;
    }
    TRACE("accounts file %s: %lu entries, %lu lines skipped\n", dbg_astr(path),
          (unsigned long)list.count, (unsigned long)list.skipped);
    store.list = list;
    store.path = path;
    store.stamp = stamp;
    store.read_at = now;
    memcpy(store.digest, digest, sizeof(digest));
    store.loaded = true;
    return NTLM_ACCOUNTS_OK;
}

int ntlm_accounts_available(void)
{
    int rc;

    sys_mutex_lock(&store_lock);
    rc = store_refresh();
    sys_mutex_unlock(&store_lock);
    return rc;
}

int ntlm_accounts_verify(const shim_wchar *user, size_t user_len,
                         const shim_wchar *domain, size_t domain_len,
                         bool (*check)(const struct ntlm_account *acct, void *arg), void *arg,
                         struct ntlm_account *matched)
{
    const struct ntlm_account *a;
    size_t cursor = 0;
    int rc;

    sys_mutex_lock(&store_lock);
    if ((rc = store_refresh()))
        goto done;
    rc = NTLM_ACCOUNTS_NOT_FOUND;
    while ((a = ntlm_accounts_next(&store.list, user, user_len, domain, domain_len, &cursor))) {
        if (check(a, arg)) {
            TRACE("proved by accounts line %u\n", a->line);
            rc = matched ? ntlm_account_copy(matched, a) : NTLM_ACCOUNTS_OK;
            break;
        }
    }
done:
    sys_mutex_unlock(&store_lock);
    return rc;
}

int ntlm_accounts_find(const shim_wchar *user, size_t user_len,
                       const shim_wchar *domain, size_t domain_len, struct ntlm_account *out)
{
    const struct ntlm_account *a;
    size_t cursor = 0;
    int rc;

    sys_mutex_lock(&store_lock);
    if (!(rc = store_refresh())) {
        a = ntlm_accounts_next(&store.list, user, user_len, domain, domain_len, &cursor);
        rc = a ? ntlm_account_copy(out, a) : NTLM_ACCOUNTS_NOT_FOUND;
    }
    sys_mutex_unlock(&store_lock);
    return rc;
}

int ntlm_accounts_default(const shim_wchar *user, size_t user_len, struct ntlm_account *out)
{
    const struct ntlm_account *a = NULL;
    int rc;

    sys_mutex_lock(&store_lock);
    if (!(rc = store_refresh())) {
        for (size_t i = 0; user && i < store.list.count && !a; i++)
            if (ntlm_name_ieq(store.list.items[i].user, store.list.items[i].user_len, user, user_len))
                a = &store.list.items[i];
        if (!a && store.list.count)
            a = &store.list.items[0];
        rc = a ? ntlm_account_copy(out, a) : NTLM_ACCOUNTS_NOT_FOUND;
    }
    sys_mutex_unlock(&store_lock);
    return rc;
}

int ntlm_accounts_domain(shim_wchar **domain, size_t *len)
{
    int rc;

    *domain = NULL;
    *len = 0;
    sys_mutex_lock(&store_lock);
    if (!(rc = store_refresh())) {
        rc = NTLM_ACCOUNTS_NOT_FOUND;
        for (size_t i = 0; i < store.list.count; i++) {
            const struct ntlm_account *a = &store.list.items[i];
            struct ntlm_name copy = { 0 };
            if (!a->domain_len)
                continue;
            rc = ntlm_name_set(&copy, a->domain, a->domain_len) ? NTLM_ACCOUNTS_NO_MEMORY : NTLM_ACCOUNTS_OK;
            *domain = copy.s;
            *len = copy.len;
            break;
        }
    }
    sys_mutex_unlock(&store_lock);
    return rc;
}

void ntlm_accounts_reset(void)
{
    sys_mutex_lock(&store_lock);
    store_drop();
    sys_mutex_unlock(&store_lock);
}
