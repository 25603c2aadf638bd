/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>

#include "sspishim/handles.h"

static int destroyed;

static void destroy_obj(struct shim_object *obj)
{
    destroyed++;
    free(obj);
}

static struct shim_object *new_obj(enum shim_kind kind)
{
    struct shim_object *o = malloc(sizeof(*o));
    shim_object_init(o, kind, NULL, destroy_obj);
    return o;
}

START_TEST(insert_get_remove)
{
    struct shim_handle h;
    struct shim_object *o = new_obj(SHIM_KIND_CRED);
    int before = destroyed;
    ck_assert_int_eq(handles_insert(o, &h), 0);
    struct shim_object *got = handles_get(&h, SHIM_KIND_CRED);
    ck_assert_ptr_eq(got, o);
    shim_object_put(got);
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CRED, NULL), 0);
    ck_assert_int_eq(destroyed, before + 1);
}
END_TEST

START_TEST(made_up_handles)
{
    struct shim_handle bogus[] = { {0, 0}, {1, 2}, {2, 1}, {(uintptr_t)-1, (uintptr_t)-1},
                                   {(uintptr_t)1 << 28 | 1, 0}, {(uintptr_t)2 << 28 | 1, 0} };
    struct shim_handle h;
    struct shim_object *o = new_obj(SHIM_KIND_CTXT);
    ck_assert_int_eq(handles_insert(o, &h), 0);
    for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
        if (bogus[i].lower == h.lower && bogus[i].upper == h.upper) continue;
        ck_assert_ptr_null(handles_get(&bogus[i], SHIM_KIND_CTXT));
        ck_assert_ptr_null(handles_get(&bogus[i], SHIM_KIND_CRED));
    }
    ck_assert_ptr_null(handles_get(NULL, SHIM_KIND_CTXT));
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CTXT, NULL), 0);
}
END_TEST

START_TEST(wrong_kind_and_stale)
{
    struct shim_handle h, h2;
    struct shim_object *o = new_obj(SHIM_KIND_CRED);
    ck_assert_int_eq(handles_insert(o, &h), 0);
    ck_assert_ptr_null(handles_get(&h, SHIM_KIND_CTXT));
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CTXT, NULL), (int)SHIM_E_INVALID_HANDLE);
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CRED, NULL), 0);
    /* freed: a second delete and a lookup both fail */
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CRED, NULL), (int)SHIM_E_INVALID_HANDLE);
    ck_assert_ptr_null(handles_get(&h, SHIM_KIND_CRED));
    /* the slot is reused with a new generation: the old handle stays dead */
    ck_assert_int_eq(handles_insert(new_obj(SHIM_KIND_CRED), &h2), 0);
    ck_assert_uint_eq(h2.lower, h.lower);
    ck_assert_uint_ne(h2.upper, h.upper);
    ck_assert_ptr_null(handles_get(&h, SHIM_KIND_CRED));
    ck_assert_int_eq(handles_remove(&h2, SHIM_KIND_CRED, NULL), 0);
}
END_TEST

/* Free slots are reused oldest first: the slot freed last waits longest,
 * so its stale handles stay stale (issue 15, finding 3). */
START_TEST(fifo_reuse)
{
    struct shim_handle h[3], n[3];
    for (int i = 0; i < 3; i++) ck_assert_int_eq(handles_insert(new_obj(SHIM_KIND_CTXT), &h[i]), 0);
    ck_assert_int_eq(handles_remove(&h[0], SHIM_KIND_CTXT, NULL), 0);
    ck_assert_int_eq(handles_remove(&h[2], SHIM_KIND_CTXT, NULL), 0);
    ck_assert_int_eq(handles_remove(&h[1], SHIM_KIND_CTXT, NULL), 0);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(handles_insert(new_obj(SHIM_KIND_CTXT), &n[i]), 0);
    ck_assert_uint_eq(n[0].lower, h[0].lower);
    ck_assert_uint_eq(n[1].lower, h[2].lower);
    ck_assert_uint_eq(n[2].lower, h[1].lower);
    for (int i = 0; i < 3; i++) {
        ck_assert_ptr_null(handles_get(&h[i], SHIM_KIND_CTXT));
        ck_assert_int_eq(handles_remove(&n[i], SHIM_KIND_CTXT, NULL), 0);
    }
}
END_TEST

/* Inserts objects until one lands in the slot `lower`; the others stay
 * in *extra (up to 64) for the caller to remove. */
static void insert_into(uintptr_t lower, struct shim_handle *out, struct shim_handle *extra, int *n_extra)
{
    *n_extra = 0;
    for (;;) {
        struct shim_handle h;
        ck_assert_int_eq(handles_insert(new_obj(SHIM_KIND_CTXT), &h), 0);
        if (h.lower == lower) {
            *out = h;
            return;
        }
        ck_assert_int_lt(*n_extra, 64);
        extra[(*n_extra)++] = h;
    }
}

/* A slot reused past 2^32 generations: a handle of its generation 0 must
 * not name the new object.  With 64-bit handles the generation goes on
 * (the old 32-bit counter wrapped to 0 here); with 32-bit ones the slot
 * is retired before it could wrap (issue 15, finding 3). */
START_TEST(generation_does_not_wrap)
{
    struct shim_handle h0, h, h2, extra[64];
    int n_extra;
    struct shim_object *o = new_obj(SHIM_KIND_CTXT);

    ck_assert_int_eq(handles_insert(o, &h0), 0);
    h = h0;
    /* as if the slot had been used 2^32 - 1 times, or 2^64 - 2 */
    uint64_t last = (uint64_t)UINTPTR_MAX;
    uint64_t gen = sizeof(uintptr_t) == 8 ? 0xffffffffull : last;
    ck_assert_int_eq(handles_test_set_generation(&h, SHIM_KIND_CTXT, gen), 0);
    ck_assert_ptr_null(handles_get(&h0, SHIM_KIND_CTXT));
    o = handles_get(&h, SHIM_KIND_CTXT);
    ck_assert_ptr_nonnull(o);
    shim_object_put(o);
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CTXT, NULL), 0);
    if (gen < last) {
        insert_into(h0.lower, &h2, extra, &n_extra);
        ck_assert_uint_ne(h2.upper, h0.upper);
        ck_assert_uint_ne(h2.upper, h.upper);
        ck_assert_ptr_null(handles_get(&h0, SHIM_KIND_CTXT));
        ck_assert_ptr_null(handles_get(&h, SHIM_KIND_CTXT));
        for (int i = 0; i < n_extra; i++) ck_assert_int_eq(handles_remove(&extra[i], SHIM_KIND_CTXT, NULL), 0);
        /* and at the very last generation the slot retires */
        ck_assert_int_eq(handles_test_set_generation(&h2, SHIM_KIND_CTXT, last), 0);
        ck_assert_int_eq(handles_remove(&h2, SHIM_KIND_CTXT, NULL), 0);
    }
    /* retired: no later insert gets the slot back */
    struct shim_handle more[200];
    for (int i = 0; i < 200; i++) {
        ck_assert_int_eq(handles_insert(new_obj(SHIM_KIND_CTXT), &more[i]), 0);
        ck_assert_uint_ne(more[i].lower, h0.lower);
    }
    ck_assert_ptr_null(handles_get(&h0, SHIM_KIND_CTXT));
    ck_assert_ptr_null(handles_get(&h, SHIM_KIND_CTXT));
    for (int i = 0; i < 200; i++) ck_assert_int_eq(handles_remove(&more[i], SHIM_KIND_CTXT, NULL), 0);
}
END_TEST

START_TEST(reference_outlives_handle)
{
    struct shim_handle h;
    struct shim_object *o = new_obj(SHIM_KIND_CTXT);
    ck_assert_int_eq(handles_insert(o, &h), 0);
    struct shim_object *got = handles_get(&h, SHIM_KIND_CTXT);
    int before = destroyed;
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CTXT, NULL), 0);
    ck_assert_int_eq(destroyed, before);     /* still in use */
    shim_object_put(got);
    ck_assert_int_eq(destroyed, before + 1);
}
END_TEST

/* The package's delete (retire's op) waits for the last reference: never
 * under a call another thread is still making. */
static int retired, retired_before_destroy;

static shim_status retire_op(struct shim_object *obj)
{
    (void)obj;
    retired++;
    retired_before_destroy = retired && destroyed == 0;
    return 0x1234;
}

START_TEST(retire_waits_for_last_reference)
{
    struct shim_handle h;
    struct shim_object *o = new_obj(SHIM_KIND_CTXT), *removed;
    retired = 0;
    destroyed = 0;
    ck_assert_int_eq(handles_insert(o, &h), 0);
    struct shim_object *in_call = handles_get(&h, SHIM_KIND_CTXT);   /* another thread's call */
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CTXT, &removed), 0);
    ck_assert_int_eq(shim_object_retire(removed, retire_op), 0);     /* deferred: OK now */
    ck_assert_int_eq(retired, 0);
    ck_assert_int_eq(destroyed, 0);
    shim_object_put(in_call);                                         /* the call returns */
    ck_assert_int_eq(retired, 1);
    ck_assert_int_eq(retired_before_destroy, 1);
    ck_assert_int_eq(destroyed, 1);

    /* alone: the op runs at once and its status is the caller's */
    o = new_obj(SHIM_KIND_CTXT);
    ck_assert_int_eq(shim_object_retire(o, retire_op), 0x1234);
    ck_assert_int_eq(retired, 2);
    ck_assert_int_eq(destroyed, 2);
}
END_TEST

/* A held handle is dead to everyone but its holder, who removes it or
 * makes it live again. */
START_TEST(hold_and_unhold)
{
    struct shim_handle h;
    struct shim_object *o = new_obj(SHIM_KIND_CTXT), *held, *again;
    destroyed = 0;
    ck_assert_int_eq(handles_insert(o, &h), 0);
    ck_assert_int_eq(handles_hold(&h, SHIM_KIND_CTXT, &held), 0);
    ck_assert_ptr_eq(held, o);
    ck_assert_ptr_null(handles_get(&h, SHIM_KIND_CTXT));
    ck_assert_int_eq(handles_hold(&h, SHIM_KIND_CTXT, &again), SHIM_E_INVALID_HANDLE);   /* a second holder */
    ck_assert_int_eq(handles_remove(&h, SHIM_KIND_CTXT, NULL), SHIM_E_INVALID_HANDLE);
    /* let go, unchanged: the same handle works again */
    ck_assert_ptr_null(handles_unhold(&h, SHIM_KIND_CTXT, 0));
    struct shim_object *got = handles_get(&h, SHIM_KIND_CTXT);
    ck_assert_ptr_eq(got, o);
    shim_object_put(got);
    /* held again, and removed: the table's reference comes back */
    ck_assert_int_eq(handles_hold(&h, SHIM_KIND_CTXT, &again), 0);
    struct shim_object *table_ref = handles_unhold(&h, SHIM_KIND_CTXT, 1);
    ck_assert_ptr_eq(table_ref, o);
    ck_assert_ptr_null(handles_get(&h, SHIM_KIND_CTXT));
    ck_assert_ptr_null(handles_unhold(&h, SHIM_KIND_CTXT, 1));   /* not held any more */
    shim_object_put(table_ref);
    ck_assert_int_eq(destroyed, 0);
    shim_object_put(again);
    shim_object_put(held);
    ck_assert_int_eq(destroyed, 1);
}
END_TEST

START_TEST(many_and_counters)
{
    enum { N = 100000 };
    struct shim_handle *hs = malloc(N * sizeof(*hs));
    struct handles_stats st0, st;
    handles_stats(&st0);
    for (int i = 0; i < N; i++) ck_assert_int_eq(handles_insert(new_obj(SHIM_KIND_CTXT), &hs[i]), 0);
    handles_stats(&st);
    ck_assert_uint_eq(st.live_contexts, st0.live_contexts + N);
    ck_assert_uint_eq(st.live_objects, st0.live_objects + N);
    for (int i = 0; i < N; i += 7777) {
        struct shim_object *o = handles_get(&hs[i], SHIM_KIND_CTXT);
        ck_assert_ptr_nonnull(o);
        shim_object_put(o);
    }
    for (int i = 0; i < N; i++) ck_assert_int_eq(handles_remove(&hs[i], SHIM_KIND_CTXT, NULL), 0);
    handles_stats(&st);
    ck_assert_uint_eq(st.live_contexts, st0.live_contexts);
    ck_assert_uint_eq(st.live_objects, st0.live_objects);
    free(hs);
}
END_TEST

static void *churn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        struct shim_handle h;
        struct shim_object *o = malloc(sizeof(*o));
        shim_object_init(o, SHIM_KIND_CRED, NULL, (void (*)(struct shim_object *))free);
        if (handles_insert(o, &h)) return (void *)1;
        struct shim_object *g = handles_get(&h, SHIM_KIND_CRED);
        if (g != o) return (void *)1;
        shim_object_put(g);
        if (handles_remove(&h, SHIM_KIND_CRED, NULL)) return (void *)1;
        if (handles_get(&h, SHIM_KIND_CRED)) return (void *)1;
    }
    return NULL;
}

START_TEST(threads)
{
    pthread_t t[8];
    struct handles_stats st0, st;
    handles_stats(&st0);
    for (int i = 0; i < 8; i++) pthread_create(&t[i], NULL, churn, NULL);
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(t[i], &r);
        ck_assert_ptr_null(r);
    }
    handles_stats(&st);
    ck_assert_uint_eq(st.live_creds, st0.live_creds);
    ck_assert_uint_eq(st.live_objects, st0.live_objects);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("handles");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, insert_get_remove);
    tcase_add_test(core, reference_outlives_handle);
    tcase_add_test(core, retire_waits_for_last_reference);
    tcase_add_test(core, hold_and_unhold);
    suite_add_tcase(s, core);
    TCase *bad = tcase_create("Bad handles");
    tcase_add_test(bad, made_up_handles);
    tcase_add_test(bad, wrong_kind_and_stale);
    tcase_add_test(bad, fifo_reuse);
    tcase_add_test(bad, generation_does_not_wrap);
    suite_add_tcase(s, bad);
    TCase *lim = tcase_create("Limits");
    tcase_set_timeout(lim, 60);
    tcase_add_test(lim, many_and_counters);
    tcase_add_test(lim, threads);
    suite_add_tcase(s, lim);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}
