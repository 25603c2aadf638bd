/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small test harness in the manner of Wine's conformance tests: ok(),
 * skip(), trace(), todo_if(), and a closing summary line the runner reads:
 *   NAME: N tests executed (T marked as todo, F failures), S skipped.
 * A test file defines TEST_NAME, includes this, and defines
 * `static void run_tests(int argc, char **argv)`. */
#ifndef SSPISHIM_WINE_TEST_H
#define SSPISHIM_WINE_TEST_H

#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static LONG test_executed, test_failures, test_skipped, test_todos;
/* Inside todo_if(cond): what Windows does and this Wine cannot.  A failing
 * check is counted as todo (the runner counts it as neither passed nor
 * failed); a passing one is a failure, as in Wine's todo_wine, so a todo
 * that starts working is noticed. */
static int test_todo_depth;
static const char *test_file_;
static int test_line_;

static __attribute__((unused)) int test_set_location(const char *file, int line)
{
    const char *slash = strrchr(file, '/');
    test_file_ = slash ? slash + 1 : file;
    test_line_ = line;
    return 0;
}

static int __attribute__((format(printf, 2, 3), unused)) test_ok(int cond, const char *fmt, ...)
{
    InterlockedIncrement(&test_executed);
    if (test_todo_depth) {
        va_list ap;
        if (cond) InterlockedIncrement(&test_failures);
        else InterlockedIncrement(&test_todos);
        printf(cond ? "%s:%d: Test succeeded inside todo block: " : "%s:%d: Test marked todo: ", test_file_,
               test_line_);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        fflush(stdout);
        return cond;
    }
    if (!cond) {
        va_list ap;
        InterlockedIncrement(&test_failures);
        printf("%s:%d: Test failed: ", test_file_, test_line_);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        fflush(stdout);
    }
    return cond;
}

static void __attribute__((format(printf, 1, 2), unused)) test_skip(const char *fmt, ...)
{
    va_list ap;
    InterlockedIncrement(&test_skipped);
    printf("%s:%d: Tests skipped: ", test_file_, test_line_);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static void __attribute__((format(printf, 1, 2), unused)) test_trace(const char *fmt, ...)
{
    va_list ap;
    printf("%s:%d: ", test_file_, test_line_);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static __attribute__((unused)) int test_todo_begin(int cond, const char *reason)
{
    if (cond) {
        test_todo_depth++;
        printf("%s:%d: todo: %s\n", test_file_, test_line_, reason);
    }
    return cond;
}

/* todo_if(cond, "why") ok(...);  one statement, as Wine's todo_wine_if. */
#define todo_if(cond, reason)                                                                             \
    for (int todo_once_ = (test_set_location(__FILE__, __LINE__), test_todo_begin((cond), (reason))) ? 2 : 1; \
         todo_once_ > 0; todo_once_ = (todo_once_ == 2 ? (test_todo_depth--, 0) : 0))

#define ok    (test_set_location(__FILE__, __LINE__), test_ok)
#define skip  (test_set_location(__FILE__, __LINE__), test_skip)
#define trace (test_set_location(__FILE__, __LINE__), test_trace)

/* Made-up handle values: what a confused caller or a stale copy passes. */
static const SecHandle bogus_handles[] = {
    { 1, 2 }, { 0, 0 }, { 2, 1 }, { (ULONG_PTR)-1, (ULONG_PTR)-1 }, { 0x10000001, 0 }, { 0x20000001, 0 },
};
#define N_BOGUS (sizeof(bogus_handles) / sizeof(bogus_handles[0]))

static void run_tests(int argc, char **argv);

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--probe")) {
        printf("probe ok\n");
        return 0;
    }
    run_tests(argc, argv);
    printf("%s: %ld tests executed (%ld marked as todo, %ld failures), %ld skipped.\n", TEST_NAME,
           (long)test_executed, (long)test_todos, (long)test_failures, (long)test_skipped);
    fflush(stdout);
    return test_failures > 255 ? 255 : (int)test_failures;
}

#endif
