/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NTLM accounts file: its two entry formats, the lines around them,
 * lookup order, the copy of the file that follows its changes, and input
 * that is not an accounts file at all. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "sspishim/ntlm_accounts.h"
#include "sspishim/ntlm_crypto.h"
#define TESTUTIL_RNG_SEED 0x12345678u
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------ */

/* ASCII to UTF-16 in one of a few rotating buffers. */
static const shim_wchar *w(const char *s)
{
    static shim_wchar ring[4][512];
    static unsigned next;
    shim_wchar *out = ring[next++ % 4];
    size_t i;

    for (i = 0; s[i] && i < 511; i++)
        out[i] = (unsigned char)s[i];
    out[i] = 0;
    return out;
}

static size_t wl(const char *s)
{
    return strlen(s);
}

static void hash_of(const char *password, uint8_t out[16])
{
    size_t n = strlen(password);
    shim_wchar *u = malloc((n + 1) * sizeof(*u));

    for (size_t i = 0; i < n; i++)
        u[i] = (unsigned char)password[i];
    ntlm_nt_hash(u, n, out);
    free(u);
}

static void parse(const char *text, struct ntlm_account_list *list)
{
    ck_assert_int_eq(ntlm_accounts_parse(text, strlen(text), list), NTLM_ACCOUNTS_OK);
}

static bool name_is(const shim_wchar *got, size_t len, const char *want)
{
    if (len != strlen(want))
        return false;
    for (size_t i = 0; i < len; i++)
        if (got[i] != (unsigned char)want[i])
            return false;
    return got[len] == 0;
}

#define ck_assert_account(a, dom, usr, pw) do {                         \
        uint8_t h_[16];                                                 \
        hash_of((pw), h_);                                              \
        ck_assert_msg(name_is((a)->domain, (a)->domain_len, (dom)), "domain"); \
        ck_assert_msg(name_is((a)->user, (a)->user_len, (usr)), "user");       \
        ck_assert_mem_eq((a)->nt_hash, h_, 16);                         \
    } while (0)

/* NT hash of "Password" (MS-NLMP 4.2.2.1.2). */
static const char password_hash_hex[] = "A4F49C406510BDCAB6824EE7C30FD852";
static const uint8_t password_hash[16] = { 0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
                                           0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52 };

/* ---- Formats ------------------------------------------------------------------ */

START_TEST(password_entry)
{
    struct ntlm_account_list l;

    parse("DOMAIN:alice:s3cret\n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_uint_eq(l.skipped, 0);
    ck_assert_account(&l.items[0], "DOMAIN", "alice", "s3cret");
    ck_assert_uint_eq(l.items[0].line, 1);
    ntlm_accounts_free(&l);
    ck_assert_ptr_null(l.items);
}
END_TEST

START_TEST(password_runs_to_end_of_line)
{
    struct ntlm_account_list l;

    parse("D:u:a:b:c d\n:x:\nD:y: spaced \n", &l);
    ck_assert_uint_eq(l.count, 3);
    ck_assert_account(&l.items[0], "D", "u", "a:b:c d");
    ck_assert_account(&l.items[1], "", "x", "");
    ck_assert_account(&l.items[2], "D", "y", " spaced ");
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(hash_entry)
{
    struct ntlm_account_list l;
    char text[256];

    snprintf(text, sizeof(text), "bob:1000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:%s:[U          ]:LCT-5F1E2A3B:\n",
             password_hash_hex);
    parse(text, &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_account(&l.items[0], "", "bob", "Password");
    ntlm_accounts_free(&l);

    /* DOMAIN\NAME, lower-case hex, exactly four fields. */
    parse("CORP\\carol:0:-:a4f49c406510bdcab6824ee7c30fd852\n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert(name_is(l.items[0].domain, l.items[0].domain_len, "CORP"));
    ck_assert(name_is(l.items[0].user, l.items[0].user_len, "carol"));
    ck_assert_mem_eq(l.items[0].nt_hash, password_hash, 16);
    ntlm_accounts_free(&l);
}
END_TEST

/* The rule that tells the formats apart, at its edges. */
START_TEST(format_rule)
{
    struct ntlm_account_list l;

    /* Three fields with a numeric second one: still a password entry. */
    parse("D:1234:pw\n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_account(&l.items[0], "D", "1234", "pw");
    ntlm_accounts_free(&l);
    /* Four fields, second not all digits: a password with a colon. */
    parse("D:12a4:x:y\n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_account(&l.items[0], "D", "12a4", "x:y");
    ntlm_accounts_free(&l);
    /* Four fields, numeric second: NT-hash style, and "y" is no hash. */
    parse("D:1234:x:y\n", &l);
    ck_assert_uint_eq(l.count, 0);
    ck_assert_uint_eq(l.skipped, 1);
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(bad_hashes)
{
    static const char *const lines[] = {
        "u:1:x:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:\n",     /* disabled account */
        "u:1:x:A4F49C406510BDCAB6824EE7C30FD85:\n",      /* 31 digits */
        "u:1:x:A4F49C406510BDCAB6824EE7C30FD8521:\n",    /* 33 digits */
        "u:1:x:A4F49C406510BDCAB6824EE7C30FD85G:\n",     /* not hex */
        "u:1:x:\n",                                      /* empty hash */
        "\\:1:x:A4F49C406510BDCAB6824EE7C30FD852\n",     /* empty user after the backslash */
    };
    struct ntlm_account_list l;

    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        parse(lines[i], &l);
        ck_assert_msg(l.count == 0 && l.skipped == 1, "line %zu", i);
        ntlm_accounts_free(&l);
    }
}
END_TEST

START_TEST(missing_fields)
{
    struct ntlm_account_list l;

    parse("alone\nD:u\nD::pw\n::\n:\n", &l);
    ck_assert_uint_eq(l.count, 0);
    ck_assert_uint_eq(l.skipped, 5);
    ntlm_accounts_free(&l);
}
END_TEST

/* ---- Lines ---------------------------------------------------------------------- */

START_TEST(comments_and_blanks)
{
    struct ntlm_account_list l;

    parse("# a comment: D:u:p\n\n#\nD:u:p\n   \n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_uint_eq(l.items[0].line, 4);
    ck_assert_uint_eq(l.skipped, 1);                    /* the line of spaces */
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(crlf_and_last_line)
{
    struct ntlm_account_list l;

    parse("D:a:pa\r\nD:b:pb\r\nD:c:pc", &l);
    ck_assert_uint_eq(l.count, 3);
    ck_assert_account(&l.items[0], "D", "a", "pa");
    ck_assert_account(&l.items[1], "D", "b", "pb");
    ck_assert_account(&l.items[2], "D", "c", "pc");
    ntlm_accounts_free(&l);
    /* A CR elsewhere belongs to the password. */
    parse("D:a:p\rq\n", &l);
    ck_assert_account(&l.items[0], "D", "a", "p\rq");
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(bom_is_skipped)
{
    struct ntlm_account_list l;

    parse("\xef\xbb\xbf" "D:u:p\n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_account(&l.items[0], "D", "u", "p");
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(long_lines)
{
    struct ntlm_account_list l;
    size_t n = 20000;
    char *text = malloc(n + 16), *pw = malloc(n + 1);

    memset(pw, 'x', n);
    pw[n] = 0;
    snprintf(text, n + 16, "D:u:%s\n", pw);
    parse(text, &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_account(&l.items[0], "D", "u", pw);
    ntlm_accounts_free(&l);
    /* Past the longest name we take: skipped, not truncated. */
    free(text);
    text = malloc(70000);
    memset(text, 'y', 70000);
    memcpy(text, "D:u:", 4);
    ck_assert_int_eq(ntlm_accounts_parse(text, 70000, &l), NTLM_ACCOUNTS_OK);
    ck_assert_uint_eq(l.count, 0);
    ck_assert_uint_eq(l.skipped, 1);
    ntlm_accounts_free(&l);
    free(text);
    free(pw);
}
END_TEST

START_TEST(utf8_and_latin1)
{
    struct ntlm_account_list l;
    uint8_t want[16];
    shim_wchar pw[2] = { 0xe9, 0x20ac };                 /* "é€" */

    ntlm_nt_hash(pw, 2, want);
    parse("D\xc3\x9c:J\xc3\xbcrgen:\xc3\xa9\xe2\x82\xac\n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_uint_eq(l.items[0].user_len, 6);
    ck_assert_uint_eq(l.items[0].user[1], 0xfc);
    ck_assert_uint_eq(l.items[0].domain[1], 0xdc);
    ck_assert_mem_eq(l.items[0].nt_hash, want, 16);
    ntlm_accounts_free(&l);

    /* Not UTF-8: the whole line is Latin-1. */
    parse("D:J\xfcrgen:\xe9\n", &l);
    ck_assert_uint_eq(l.count, 1);
    ck_assert_uint_eq(l.items[0].user[1], 0xfc);
    ntlm_nt_hash(pw, 1, want);
    ck_assert_mem_eq(l.items[0].nt_hash, want, 16);
    ntlm_accounts_free(&l);

    /* Overlong and surrogate forms are not UTF-8 either. */
    parse("D:u\xc0\xaf:p\nD:v\xed\xa0\x80:p\n", &l);
    ck_assert_uint_eq(l.count, 2);
    ck_assert_uint_eq(l.items[0].user_len, 3);
    ck_assert_uint_eq(l.items[0].user[1], 0xc0);
    ck_assert_uint_eq(l.items[1].user_len, 4);
    ntlm_accounts_free(&l);

    /* Four-byte UTF-8 becomes a surrogate pair. */
    parse("D:\xf0\x9f\x98\x80:p\n", &l);
    ck_assert_uint_eq(l.items[0].user_len, 2);
    ck_assert_uint_eq(l.items[0].user[0], 0xd83d);
    ck_assert_uint_eq(l.items[0].user[1], 0xde00);
    ntlm_accounts_free(&l);
}
END_TEST

/* ---- Lookup -------------------------------------------------------------------------- */

static const char lookup_text[] =
    "OTHER:alice:other\n"           /* 1 */
    ":alice:nodomain\n"             /* 2 */
    "CORP:Alice:corp\n"             /* 3 */
    "CORP:bob:bob\n"                /* 4 */
    ":Alice:nodomain2\n";           /* 5 */

static unsigned next_line(const struct ntlm_account_list *l, const char *user, const char *domain, size_t *cursor)
{
    const struct ntlm_account *a = ntlm_accounts_next(l, w(user), wl(user), w(domain), wl(domain), cursor);
    return a ? a->line : 0;
}

START_TEST(lookup_order)
{
    struct ntlm_account_list l;
    size_t cursor = 0;

    parse(lookup_text, &l);
    /* The domain's entries, then those without a domain. */
    ck_assert_uint_eq(next_line(&l, "ALICE", "corp", &cursor), 3);
    ck_assert_uint_eq(next_line(&l, "ALICE", "corp", &cursor), 2);
    ck_assert_uint_eq(next_line(&l, "ALICE", "corp", &cursor), 5);
    ck_assert_uint_eq(next_line(&l, "ALICE", "corp", &cursor), 0);
    ck_assert_uint_eq(next_line(&l, "ALICE", "corp", &cursor), 0);
    /* An unknown domain: only the entries without one. */
    cursor = 0;
    ck_assert_uint_eq(next_line(&l, "alice", "NOWHERE", &cursor), 2);
    ck_assert_uint_eq(next_line(&l, "alice", "NOWHERE", &cursor), 5);
    ck_assert_uint_eq(next_line(&l, "alice", "NOWHERE", &cursor), 0);
    /* No domain asked: entries without one, then every domain. */
    cursor = 0;
    ck_assert_uint_eq(next_line(&l, "alice", "", &cursor), 2);
    ck_assert_uint_eq(next_line(&l, "alice", "", &cursor), 5);
    ck_assert_uint_eq(next_line(&l, "alice", "", &cursor), 1);
    ck_assert_uint_eq(next_line(&l, "alice", "", &cursor), 3);
    ck_assert_uint_eq(next_line(&l, "alice", "", &cursor), 0);
    /* bob exists only in CORP. */
    cursor = 0;
    ck_assert_uint_eq(next_line(&l, "BOB", "OTHER", &cursor), 0);
    cursor = 0;
    ck_assert_uint_eq(next_line(&l, "nobody", "CORP", &cursor), 0);
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(latin1_case)
{
    struct ntlm_account_list l;
    const shim_wchar upper[] = { 'J', 0xdc, 'R', 'G', 'E', 'N' };
    size_t cursor = 0;

    parse("D:j\xc3\xbcrgen:p\n", &l);
    ck_assert_ptr_nonnull(ntlm_accounts_next(&l, upper, 6, w("d"), 1, &cursor));
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(empty_list)
{
    struct ntlm_account_list l;
    size_t cursor = 0;

    parse("", &l);
    ck_assert_uint_eq(l.count, 0);
    ck_assert_ptr_null(ntlm_accounts_next(&l, w("a"), 1, w(""), 0, &cursor));
    ntlm_accounts_free(&l);
    ck_assert_int_eq(ntlm_accounts_parse(NULL, 0, &l), NTLM_ACCOUNTS_OK);
    ck_assert_uint_eq(l.count, 0);
    ntlm_accounts_free(&l);
}
END_TEST

START_TEST(copy_and_clear)
{
    struct ntlm_account_list l;
    struct ntlm_account a;

    parse("CORP:bob:bob\n", &l);
    ck_assert_int_eq(ntlm_account_copy(&a, &l.items[0]), NTLM_ACCOUNTS_OK);
    ntlm_accounts_free(&l);
    ck_assert_account(&a, "CORP", "bob", "bob");
    ntlm_account_clear(&a);
    ck_assert_ptr_null(a.user);
    ck_assert_uint_eq(a.user_len, 0);
}
END_TEST

/* ---- File ------------------------------------------------------------------------------ */

static char dir[64], path[96];

static void write_file(const char *text)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Moves the file's time so that a rewrite of the same size is seen. */
static void touch_later(long seconds)
{
    struct stat st;
    struct utimbuf t;

    ck_assert_int_eq(stat(path, &st), 0);
    t.actime = st.st_atime;
    t.modtime = st.st_mtime + seconds;
    ck_assert_int_eq(utime(path, &t), 0);
}

static void file_setup(void)
{
    strcpy(dir, "/tmp/sspishim-acct-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/users", dir);
    setenv("NTLM_USER_FILE", path, 1);
    ntlm_accounts_reset();
}

static void file_teardown(void)
{
    ntlm_accounts_reset();
    unlink(path);
    rmdir(dir);
    unsetenv("NTLM_USER_FILE");
}

static bool found(const char *user, const char *domain)
{
    struct ntlm_account a;
    int rc = ntlm_accounts_find(w(user), wl(user), w(domain), wl(domain), &a);

    if (rc == NTLM_ACCOUNTS_OK)
        ntlm_account_clear(&a);
    return rc == NTLM_ACCOUNTS_OK;
}

START_TEST(no_file)
{
    struct ntlm_account a;
    shim_wchar *d;
    size_t n;

    ck_assert_int_eq(ntlm_accounts_available(), NTLM_ACCOUNTS_NO_FILE);
    ck_assert_int_eq(ntlm_accounts_find(w("a"), 1, w(""), 0, &a), NTLM_ACCOUNTS_NO_FILE);
    ck_assert_int_eq(ntlm_accounts_default(NULL, 0, &a), NTLM_ACCOUNTS_NO_FILE);
    ck_assert_int_eq(ntlm_accounts_domain(&d, &n), NTLM_ACCOUNTS_NO_FILE);
    unsetenv("NTLM_USER_FILE");
    ck_assert_int_eq(ntlm_accounts_available(), NTLM_ACCOUNTS_NO_FILE);
    /* A directory is no accounts file either. */
    setenv("NTLM_USER_FILE", dir, 1);
    ck_assert_int_eq(ntlm_accounts_available(), NTLM_ACCOUNTS_NO_FILE);
}
END_TEST

START_TEST(file_lookup)
{
    struct ntlm_account a;
    shim_wchar *d;
    size_t n;

    write_file("# users\n:first:p1\nCORP:Bob:p2\n");
    ck_assert_int_eq(ntlm_accounts_available(), NTLM_ACCOUNTS_OK);
    ck_assert(found("BOB", "corp"));
    ck_assert(found("bob", ""));
    ck_assert(!found("bob", "ELSEWHERE"));
    ck_assert(found("first", "ANYTHING"));
    ck_assert(!found("nobody", ""));

    ck_assert_int_eq(ntlm_accounts_default(w("BOB"), 3, &a), NTLM_ACCOUNTS_OK);
    ck_assert_account(&a, "CORP", "Bob", "p2");
    ntlm_account_clear(&a);
    ck_assert_int_eq(ntlm_accounts_default(w("stranger"), 8, &a), NTLM_ACCOUNTS_OK);
    ck_assert_account(&a, "", "first", "p1");
    ntlm_account_clear(&a);
    ck_assert_int_eq(ntlm_accounts_default(NULL, 0, &a), NTLM_ACCOUNTS_OK);
    ck_assert_account(&a, "", "first", "p1");
    ntlm_account_clear(&a);

    ck_assert_int_eq(ntlm_accounts_domain(&d, &n), NTLM_ACCOUNTS_OK);
    ck_assert(name_is(d, n, "CORP"));
    free(d);
}
END_TEST

START_TEST(empty_file)
{
    struct ntlm_account a;
    shim_wchar *d;
    size_t n;

    write_file("# nobody yet\n");
    ck_assert_int_eq(ntlm_accounts_available(), NTLM_ACCOUNTS_OK);
    ck_assert_int_eq(ntlm_accounts_default(NULL, 0, &a), NTLM_ACCOUNTS_NOT_FOUND);
    ck_assert_int_eq(ntlm_accounts_domain(&d, &n), NTLM_ACCOUNTS_NOT_FOUND);
    ck_assert_ptr_null(d);
}
END_TEST

struct verify_arg {
    uint8_t want[16];
    int calls;
};

static bool check_hash(const struct ntlm_account *a, void *arg)
{
    struct verify_arg *v = arg;

    v->calls++;
    return memcmp(a->nt_hash, v->want, 16) == 0;
}

START_TEST(file_verify)
{
    struct verify_arg v = { .calls = 0 };
    struct ntlm_account a;

    write_file("CORP:u:wrong\n:u:right\nCORP:v:x\n");
    hash_of("right", v.want);
    ck_assert_int_eq(ntlm_accounts_verify(w("U"), 1, w("corp"), 4, check_hash, &v, &a), NTLM_ACCOUNTS_OK);
    ck_assert_int_eq(v.calls, 2);                       /* CORP's entry first, then the empty domain's */
    ck_assert_uint_eq(a.line, 2);
    ntlm_account_clear(&a);
    hash_of("nothing", v.want);
    v.calls = 0;
    ck_assert_int_eq(ntlm_accounts_verify(w("u"), 1, w("CORP"), 4, check_hash, &v, NULL),
                     NTLM_ACCOUNTS_NOT_FOUND);
    ck_assert_int_eq(v.calls, 2);
    v.calls = 0;
    ck_assert_int_eq(ntlm_accounts_verify(w("nobody"), 6, w(""), 0, check_hash, &v, NULL),
                     NTLM_ACCOUNTS_NOT_FOUND);
    ck_assert_int_eq(v.calls, 0);
}
END_TEST

START_TEST(reload_on_change)
{
    write_file("D:alice:a\n");
    ck_assert(found("alice", "D"));
    ck_assert(!found("bob", "D"));

    /* A different size. */
    write_file("D:alice:a\nD:bob:b\n");
    ck_assert(found("bob", "D"));

    /* The same size, a later time. */
    write_file("D:alice:a\nD:eve:b\n");
    touch_later(5);
    ck_assert(found("eve", "D"));
    ck_assert(!found("bob", "D"));

    /* Gone, then back. */
    unlink(path);
    ck_assert(!found("alice", "D"));
    ck_assert_int_eq(ntlm_accounts_available(), NTLM_ACCOUNTS_NO_FILE);
    write_file("D:zed:z\n");
    ck_assert(found("zed", "D"));
    ck_assert(!found("alice", "D"));
}
END_TEST

/* A same-length edit that keeps the file's stamp (size and write time to
 * the nanosecond, as an edit within one timestamp tick does, or within one
 * second where only seconds are reported): the new password applies at
 * once (issue 15, finding 6). */
START_TEST(same_stamp_edit)
{
    struct verify_arg v = { .calls = 0 };
    struct stat st;
    struct timespec t[2];

    write_file("D:alice:oldpass1\n");
    hash_of("oldpass1", v.want);
    ck_assert_int_eq(ntlm_accounts_verify(w("alice"), 5, w("D"), 1, check_hash, &v, NULL), NTLM_ACCOUNTS_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    write_file("D:alice:newpass2\n");
    t[0] = st.st_atim;
    t[1] = st.st_mtim;
    ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
    ck_assert_int_eq(ntlm_accounts_verify(w("alice"), 5, w("D"), 1, check_hash, &v, NULL),
                     NTLM_ACCOUNTS_NOT_FOUND);
    hash_of("newpass2", v.want);
    ck_assert_int_eq(ntlm_accounts_verify(w("alice"), 5, w("D"), 1, check_hash, &v, NULL), NTLM_ACCOUNTS_OK);
    /* and back again, still the same stamp */
    write_file("D:alice:oldpass1\n");
    ck_assert_int_eq(utimensat(AT_FDCWD, path, t, 0), 0);
    ck_assert_int_eq(ntlm_accounts_verify(w("alice"), 5, w("D"), 1, check_hash, &v, NULL),
                     NTLM_ACCOUNTS_NOT_FOUND);
}
END_TEST

/* A file of many reads' worth, read whole through the platform. */
START_TEST(large_file)
{
    size_t n = 200000;
    char *big = malloc(n + 1);

    ck_assert_ptr_nonnull(big);
    memset(big, '#', n);
    strcpy(big + n - 10, "\nD:zed:pw\n");
    write_file(big);
    ck_assert(found("zed", "D"));
    free(big);
}
END_TEST

START_TEST(path_change)
{
    char other[128];
    FILE *f;

    write_file("D:alice:a\n");
    ck_assert(found("alice", "D"));
    snprintf(other, sizeof(other), "%s/other", dir);
    f = fopen(other, "wb");
    fputs("D:bob:b\n", f);
    fclose(f);
    setenv("NTLM_USER_FILE", other, 1);
    ck_assert(found("bob", "D"));
    ck_assert(!found("alice", "D"));
    unlink(other);
}
END_TEST

/* ---- Robustness ------------------------------------------------------------------------ */

/* Counts lines as the parser does, for the bound on what it may find. */
static size_t count_lines(const uint8_t *p, size_t n)
{
    size_t lines = 0;

    for (size_t i = 0; i < n; i++)
        if (p[i] == '\n' || i == n - 1)
            lines++;
    return lines;
}

START_TEST(garbage_never_crashes)
{
    static const char alphabet[] = "::::\\\\\n\r#0123456789abcdefABCDEFXx \xc3\xa9\xff\xf0\x80";
    struct ntlm_account_list l;
    uint8_t buf[512];

    for (int round = 0; round < 4000; round++) {
        size_t n = rng() % sizeof(buf);
        bool text = round & 1;

        for (size_t i = 0; i < n; i++)
            buf[i] = text ? (uint8_t)alphabet[rng() % (sizeof(alphabet) - 1)] : (uint8_t)rng();
        ck_assert_int_eq(ntlm_accounts_parse(buf, n, &l), NTLM_ACCOUNTS_OK);
        ck_assert_uint_le(l.count + l.skipped, count_lines(buf, n));
        for (size_t i = 0; i < l.count; i++) {
            ck_assert_uint_gt(l.items[i].user_len, 0);
            ck_assert_uint_eq(l.items[i].user[l.items[i].user_len], 0);
            ck_assert_uint_eq(l.items[i].domain[l.items[i].domain_len], 0);
        }
        ntlm_accounts_free(&l);
    }
}
END_TEST

/* Every prefix of a valid file, so each read stops at every possible byte. */
START_TEST(every_truncation)
{
    static const char text[] = "# c\r\nD:u:p\r\nD\\x:12:-:A4F49C406510BDCAB6824EE7C30FD852:z\n:\xc3\xa9:\xe2\x82\xac";
    struct ntlm_account_list l;

    for (size_t n = 0; n <= sizeof(text) - 1; n++) {
        /* An exact-size heap copy: ASan sees any read past it. */
        char *copy = malloc(n ? n : 1);
        memcpy(copy, text, n);
        ck_assert_int_eq(ntlm_accounts_parse(copy, n, &l), NTLM_ACCOUNTS_OK);
        ntlm_accounts_free(&l);
        free(copy);
    }
    parse(text, &l);
    ck_assert_uint_eq(l.count, 3);
    ntlm_accounts_free(&l);
}
END_TEST

static Suite *accounts_suite(void)
{
    Suite *s = suite_create("ntlm_accounts");
    TCase *tc;

    tc = tcase_create("Formats");
    tcase_add_test(tc, password_entry);
    tcase_add_test(tc, password_runs_to_end_of_line);
    tcase_add_test(tc, hash_entry);
    tcase_add_test(tc, format_rule);
    tcase_add_test(tc, bad_hashes);
    tcase_add_test(tc, missing_fields);
    suite_add_tcase(s, tc);

    tc = tcase_create("Lines");
    tcase_add_test(tc, comments_and_blanks);
    tcase_add_test(tc, crlf_and_last_line);
    tcase_add_test(tc, bom_is_skipped);
    tcase_add_test(tc, long_lines);
    tcase_add_test(tc, utf8_and_latin1);
    suite_add_tcase(s, tc);

    tc = tcase_create("Lookup");
    tcase_add_test(tc, lookup_order);
    tcase_add_test(tc, latin1_case);
    tcase_add_test(tc, empty_list);
    tcase_add_test(tc, copy_and_clear);
    suite_add_tcase(s, tc);

    tc = tcase_create("File");
    tcase_add_checked_fixture(tc, file_setup, file_teardown);
    tcase_add_test(tc, no_file);
    tcase_add_test(tc, file_lookup);
    tcase_add_test(tc, empty_file);
    tcase_add_test(tc, file_verify);
    tcase_add_test(tc, reload_on_change);
    tcase_add_test(tc, same_stamp_edit);
    tcase_add_test(tc, large_file);
    tcase_add_test(tc, path_change);
    suite_add_tcase(s, tc);

    tc = tcase_create("Robustness");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, garbage_never_crashes);
    tcase_add_test(tc, every_truncation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(accounts_suite());
}
