/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine key: made once, the same afterwards and across threads and
 * processes that race to make it, and never replaced when its file is
 * damaged or unreadable. */
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sspishim/aead.h"
#include "sspishim/machine_key.h"
#include "sspishim/sys.h"
#include "testutil.h"

static char dir[64], path[128];

/* Every test runs in its own process (Check forks), so the cache starts
 * empty; each gets its own folder. */
static void setup(void)
{
    strcpy(dir, "/tmp/sspishim-mk-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/machine.key", dir);
    setenv("SSPISHIM_MACHINE_KEY", path, 1);
    machine_key_forget();
}

static void remove_tree(const char *d)
{
    DIR *h = opendir(d);
    struct dirent *e;
    char p[512];

    if (!h) return;
    while ((e = readdir(h))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
        if (!lstat(p, &st) && S_ISDIR(st.st_mode)) {
            chmod(p, 0700);
            remove_tree(p);
        } else {
            unlink(p);
        }
    }
    closedir(h);
    rmdir(d);
}

static void teardown(void)
{
    remove_tree(dir);
}

static size_t slurp(const char *p, uint8_t *buf, size_t max)
{
    FILE *f = fopen(p, "rb");
    size_t n;

    ck_assert_msg(f != NULL, "cannot open %s", p);
    n = fread(buf, 1, max, f);
    fclose(f);
    return n;
}

static void spit(const char *p, const void *data, size_t len)
{
    FILE *f = fopen(p, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Names in the folder, to see that no temporary file was left behind. */
static int entries(const char *d)
{
    DIR *h = opendir(d);
    struct dirent *e;
    int n = 0;

    ck_assert_ptr_nonnull(h);
    while ((e = readdir(h)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(h);
    return n;
}

/* ---- Core --------------------------------------------------------------- */

START_TEST(test_create)
{
    uint8_t key[32], file[128], block[64], ff[12];
    struct stat st;
    size_t n;

    ck_assert_int_eq(machine_key_get(key), SHIM_OK);
    ck_assert(!all_zero(key, sizeof(key)));
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(entries(dir), 1);

    /* The layout machine_key.h documents. */
    n = slurp(path, file, sizeof(file));
    ck_assert_uint_eq(n, MACHINE_KEY_FILE_SIZE);
    ck_assert_mem_eq(file, "SSPK\x01\x00\x20\x00", 8);
    ck_assert_mem_eq(file + 8, key, 32);
    memset(ff, 0xff, sizeof(ff));
    crypto_chacha20_block(key, ff, 0xffffffffu, block);
    ck_assert_mem_eq(file + 40, block, 16);
}
END_TEST

START_TEST(test_reload)
{
    uint8_t k1[32], k2[32], k3[32], before[128], after[128];
    struct stat st1, st2;
    size_t n1, n2;

    ck_assert_int_eq(machine_key_get(k1), SHIM_OK);
    n1 = slurp(path, before, sizeof(before));
    ck_assert_int_eq(stat(path, &st1), 0);

    machine_key_forget();
    ck_assert_int_eq(machine_key_get(k2), SHIM_OK);
    ck_assert_mem_eq(k1, k2, 32);
    ck_assert_int_eq(machine_key_load(path, k3), SHIM_OK);
    ck_assert_mem_eq(k1, k3, 32);

    /* Loading reads; it never rewrites. */
    n2 = slurp(path, after, sizeof(after));
    ck_assert_uint_eq(n1, n2);
    ck_assert_mem_eq(before, after, n1);
    ck_assert_int_eq(stat(path, &st2), 0);
    ck_assert_uint_eq(st1.st_ino, st2.st_ino);
    ck_assert_int_eq(st1.st_mtim.tv_sec, st2.st_mtim.tv_sec);
    ck_assert_int_eq(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
}
END_TEST

/* Once loaded, the key is served from memory; forgetting it goes back to
 * the file. */
START_TEST(test_cached)
{
    uint8_t k1[32], k2[32];

    ck_assert_int_eq(machine_key_get(k1), SHIM_OK);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(machine_key_get(k2), SHIM_OK);
    ck_assert_mem_eq(k1, k2, 32);
    ck_assert_int_ne(access(path, F_OK), 0);

    machine_key_forget();
    ck_assert_int_eq(machine_key_get(k2), SHIM_OK);   /* a new prefix, a new key */
    ck_assert_int_ne(memcmp(k1, k2, 32), 0);
    ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_sys_files)
{
    uint8_t buf[16];
    size_t len = 99;
    char other[160];

    snprintf(other, sizeof(other), "%s/other", dir);
    ck_assert_int_eq(sys_read_file(other, buf, sizeof(buf), &len), 1);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(sys_create_exclusive(other, "abc", 3), 0);
    ck_assert_int_eq(sys_create_exclusive(other, "xyz!", 4), 1);
    ck_assert_int_eq(sys_read_file(other, buf, sizeof(buf), &len), 0);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(buf, "abc", 3);
    ck_assert_int_eq(sys_read_file(other, buf, 2, &len), 0);   /* at most max */
    ck_assert_uint_eq(len, 2);
    ck_assert_int_eq(entries(dir), 1);                         /* no temporary left */
    ck_assert_int_eq(sys_read_file(dir, buf, sizeof(buf), &len), -1);
}
END_TEST

/* With no override, $HOME/.config/sspishim/machine.key, its folder made
 * owner-only. */
START_TEST(test_default_path)
{
    char home[160], want[256];
    uint8_t key[32];
    struct stat st;
    char *p;

    snprintf(home, sizeof(home), "%s/home", dir);
    ck_assert_int_eq(mkdir(home, 0755), 0);
    unsetenv("SSPISHIM_MACHINE_KEY");
    setenv("HOME", home, 1);
    p = sys_machine_key_path();
    snprintf(want, sizeof(want), "%s/.config/sspishim/machine.key", home);
    ck_assert_str_eq(p, want);
    free(p);

    ck_assert_int_eq(machine_key_get(key), SHIM_OK);
    ck_assert_int_eq(stat(want, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    *strrchr(want, '/') = 0;
    ck_assert_int_eq(stat(want, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0700);
}
END_TEST

/* ---- Damage: an error, and the file exactly as it was ------------------- */

static void expect_refused(const void *content, size_t len, const char *what)
{
    uint8_t key[32], after[256];
    struct stat st1, st2;

    spit(path, content, len);
    ck_assert_int_eq(stat(path, &st1), 0);
    machine_key_forget();
    memset(key, 0xaa, sizeof(key));
    ck_assert_msg(machine_key_load(path, key) == SHIM_E_INTERNAL_ERROR, "%s: accepted", what);
    ck_assert_msg(all_zero(key, sizeof(key)), "%s: key not cleared", what);
    memset(key, 0xaa, sizeof(key));
    ck_assert_msg(machine_key_get(key) == SHIM_E_INTERNAL_ERROR, "%s: accepted", what);
    ck_assert(all_zero(key, sizeof(key)));

    ck_assert_uint_eq(slurp(path, after, sizeof(after)), len);
    ck_assert_msg(!memcmp(after, content, len), "%s: file changed", what);
    ck_assert_int_eq(stat(path, &st2), 0);
    ck_assert_uint_eq(st1.st_ino, st2.st_ino);
    ck_assert_int_eq(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
    ck_assert_int_eq(entries(dir), 1);
}

START_TEST(test_corrupt)
{
    uint8_t key[32], good[MACHINE_KEY_FILE_SIZE], bad[MACHINE_KEY_FILE_SIZE + 100], k2[32];
    char what[64];

    ck_assert_int_eq(machine_key_get(key), SHIM_OK);
    ck_assert_uint_eq(slurp(path, good, sizeof(good)), sizeof(good));

    for (size_t bit = 0; bit < 8 * sizeof(good); bit++) {
        memcpy(bad, good, sizeof(good));
        bad[bit / 8] ^= (uint8_t)(1u << bit % 8);
        snprintf(what, sizeof(what), "bit %zu flipped", bit);
        expect_refused(bad, sizeof(good), what);
    }
    for (size_t len = 0; len < sizeof(good); len++) {
        snprintf(what, sizeof(what), "cut to %zu", len);
        expect_refused(good, len, what);
    }
    memcpy(bad, good, sizeof(good));
    memset(bad + sizeof(good), 0, 100);
    expect_refused(bad, sizeof(good) + 1, "one byte longer");
    expect_refused(bad, sizeof(good) + 100, "100 bytes longer");

    /* Nothing was cached along the way: the good file loads again. */
    spit(path, good, sizeof(good));
    machine_key_forget();
    ck_assert_int_eq(machine_key_get(k2), SHIM_OK);
    ck_assert_mem_eq(k2, key, 32);
}
END_TEST

START_TEST(test_unreadable)
{
    uint8_t key[32];
    struct stat st;

    /* A folder where the file should be. */
    ck_assert_int_eq(mkdir(path, 0700), 0);
    ck_assert_int_eq(machine_key_get(key), SHIM_E_INTERNAL_ERROR);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(rmdir(path), 0);

    /* Permissions stop everyone but root. */
    if (geteuid() != 0) {
        spit(path, "whatever", 8);
        chmod(path, 0);
        ck_assert_int_eq(machine_key_get(key), SHIM_E_INTERNAL_ERROR);
        chmod(path, 0600);
    }

    /* A folder that does not exist: created for the default path only. */
    snprintf(path, sizeof(path), "%s/missing/machine.key", dir);
    setenv("SSPISHIM_MACHINE_KEY", path, 1);
    ck_assert_int_eq(machine_key_get(key), SHIM_E_INTERNAL_ERROR);
    ck_assert_int_eq(entries(dir), 0);
}
END_TEST

/* ---- Races -------------------------------------------------------------- */

#define THREADS 8

static pthread_barrier_t barrier;

struct racer {
    uint8_t key[32];
    shim_status st;
    int cached;
};

static void *race(void *arg)
{
    struct racer *r = arg;

    pthread_barrier_wait(&barrier);
    r->st = r->cached ? machine_key_get(r->key) : machine_key_load(path, r->key);
    return NULL;
}

static void race_threads(int cached)
{
    for (int round = 0; round < 25; round++) {
        pthread_t t[THREADS];
        struct racer r[THREADS];
        uint8_t file[64];

        unlink(path);
        machine_key_forget();
        pthread_barrier_init(&barrier, NULL, THREADS);
        for (int i = 0; i < THREADS; i++) {
            r[i].cached = cached;
            ck_assert_int_eq(pthread_create(&t[i], NULL, race, &r[i]), 0);
        }
        for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
        pthread_barrier_destroy(&barrier);

        ck_assert_uint_eq(slurp(path, file, sizeof(file)), MACHINE_KEY_FILE_SIZE);
        for (int i = 0; i < THREADS; i++) {
            ck_assert_int_eq(r[i].st, SHIM_OK);
            ck_assert_msg(!memcmp(r[i].key, file + 8, 32), "round %d: thread %d has another key", round, i);
        }
        ck_assert_int_eq(entries(dir), 1);
    }
}

/* Uncached: eight threads race to create the file itself. */
START_TEST(test_threads_file)
{
    race_threads(0);
}
END_TEST

/* Through the cache, as the DLL uses it. */
START_TEST(test_threads_cached)
{
    race_threads(1);
}
END_TEST

/* Separate processes starting together, as two programs of one prefix
 * would: all end up with the key of whichever created the file. */
START_TEST(test_processes)
{
    enum { PROCS = 4 };

    for (int round = 0; round < 10; round++) {
        int go[2], back[2];
        pid_t pid[PROCS];
        uint8_t keys[PROCS][33], file[64];

        unlink(path);
        machine_key_forget();
        ck_assert_int_eq(pipe(go), 0);
        ck_assert_int_eq(pipe(back), 0);
        for (int i = 0; i < PROCS; i++) {
            pid[i] = fork();
            ck_assert_int_ge(pid[i], 0);
            if (!pid[i]) {
                uint8_t msg[33], c;
                close(go[1]);
                close(back[0]);
                /* Blocks until the parent closes its end: all start at once. */
                if (read(go[0], &c, 1) < 0) _exit(2);
                msg[0] = (uint8_t)i;
                if (machine_key_get(msg + 1) != SHIM_OK) _exit(3);
                _exit(write(back[1], msg, sizeof(msg)) == (ssize_t)sizeof(msg) ? 0 : 4);
            }
        }
        close(go[0]);
        close(back[1]);
        close(go[1]);   /* go */
        for (int i = 0; i < PROCS; i++) {
            int status;
            ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "round %d: child %d failed (%d)",
                          round, i, status);
        }
        for (int i = 0; i < PROCS; i++) {
            uint8_t msg[33];
            ck_assert_int_eq(read(back[0], msg, sizeof(msg)), sizeof(msg));
            memcpy(keys[msg[0]], msg, sizeof(msg));
        }
        close(back[0]);

        ck_assert_uint_eq(slurp(path, file, sizeof(file)), MACHINE_KEY_FILE_SIZE);
        for (int i = 0; i < PROCS; i++)
            ck_assert_msg(!memcmp(keys[i] + 1, file + 8, 32), "round %d: process %d has another key", round, i);
        ck_assert_int_eq(entries(dir), 1);
    }
}
END_TEST

static Suite *machine_key_suite(void)
{
    Suite *s = suite_create("machine_key");
    TCase *tc;

    tc = tcase_create("Core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_create);
    tcase_add_test(tc, test_reload);
    tcase_add_test(tc, test_cached);
    tcase_add_test(tc, test_sys_files);
    tcase_add_test(tc, test_default_path);
    suite_add_tcase(s, tc);

    tc = tcase_create("Damage");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_corrupt);
    tcase_add_test(tc, test_unreadable);
    suite_add_tcase(s, tc);

    tc = tcase_create("Races");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_threads_file);
    tcase_add_test(tc, test_threads_cached);
    tcase_add_test(tc, test_processes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(machine_key_suite());
}
