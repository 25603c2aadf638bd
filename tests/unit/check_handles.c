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
    suite_add_tcase(s, core);
    TCase *bad = tcase_create("Bad handles");
    tcase_add_test(bad, made_up_handles);
    tcase_add_test(bad, wrong_kind_and_stale);
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
