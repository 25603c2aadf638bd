/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>

#include "sspishim/debug.h"
#include "sspishim/registry.h"

static const struct shim_package_ops no_ops;
static const shim_wchar name_ntlm[] = { 'N', 'T', 'L', 'M', 0 };
static const shim_wchar name_ntlm_lower[] = { 'n', 't', 'L', 'm', 0 };
static const shim_wchar name_kerb[] = { 'K', 'e', 'r', 'b', 'e', 'r', 'o', 's', 0 };
static const shim_wchar name_kerb_upper[] = { 'K', 'E', 'R', 'B', 'E', 'R', 'O', 'S', 0 };
static const shim_wchar name_nope[] = { 'N', 'o', 'p', 'e', 0 };

static const struct shim_package ntlm = { { 0, 1, 10, 2888, name_ntlm, name_ntlm }, &no_ops, 0, NULL };
static const struct shim_package kerb = { { 0, 1, 16, 48000, name_kerb, name_kerb }, &no_ops,
                                          SHIM_PKG_DELEGATED, NULL };
static int loader_calls;

static void load_kerberos(void)
{
    loader_calls++;
    registry_add(&kerb);
}

START_TEST(find_is_case_insensitive)
{
    ck_assert_int_eq(registry_add(&ntlm), 0);
    ck_assert_ptr_eq(registry_find(name_ntlm_lower), &ntlm);
    ck_assert_ptr_eq(registry_find(name_ntlm), &ntlm);
    ck_assert_ptr_null(registry_find(NULL));
    ck_assert_int_ne(registry_add(&ntlm), 0);   /* no duplicate names */
}
END_TEST

START_TEST(loader_runs_once_on_miss)
{
    registry_set_loader(load_kerberos);
    ck_assert_int_eq(registry_add(&ntlm), 0);
    ck_assert_ptr_eq(registry_find(name_ntlm), &ntlm);
    ck_assert_int_eq(loader_calls, 0);          /* own packages never load the host */
    ck_assert_ptr_eq(registry_find(name_kerb_upper), &kerb);
    ck_assert_int_eq(loader_calls, 1);
    ck_assert_ptr_null(registry_find(name_nope));
    ck_assert_int_eq(loader_calls, 1);
    const struct shim_package *list[8];
    ck_assert_uint_eq(registry_list(list, 8), 2);
    ck_assert_ptr_eq(list[0], &ntlm);
    ck_assert_ptr_eq(list[1], &kerb);
}
END_TEST

START_TEST(list_loads_host)
{
    registry_set_loader(load_kerberos);
    ck_assert_uint_eq(registry_count(), 0);     /* counting does not load */
    ck_assert_int_eq(loader_calls, 0);
    ck_assert_uint_eq(registry_list(NULL, 0), 1);
    ck_assert_int_eq(loader_calls, 1);
}
END_TEST

/* A package DLL that the loader loads may call back in (a third-party SSP
 * enumerating packages from its own start-up): the call sees what is
 * registered so far instead of waiting on the loader it is part of. */
static size_t seen_inside;
static const struct shim_package *found_inside = &ntlm;

static void load_reentrant(void)
{
    loader_calls++;
    registry_add(&kerb);
    seen_inside = registry_list(NULL, 0);
    found_inside = registry_find(name_nope);
}

START_TEST(loader_reentry)
{
    registry_set_loader(load_reentrant);
    ck_assert_int_eq(registry_add(&ntlm), 0);
    ck_assert_uint_eq(registry_list(NULL, 0), 2);
    ck_assert_int_eq(loader_calls, 1);
    ck_assert_uint_eq(seen_inside, 2);
    ck_assert_ptr_null(found_inside);
    ck_assert_ptr_null(registry_find(name_nope));
    ck_assert_int_eq(loader_calls, 1);
}
END_TEST

START_TEST(remove_hides)
{
    ck_assert_int_eq(registry_add(&ntlm), 0);
    ck_assert_int_eq(registry_remove(name_ntlm_lower), 0);
    ck_assert_ptr_null(registry_find(name_ntlm));
    ck_assert_int_eq(registry_remove(name_ntlm), (int)SHIM_E_SECPKG_NOT_FOUND);
    ck_assert_int_eq(registry_add(&ntlm), 0);
    ck_assert_ptr_eq(registry_find(name_ntlm), &ntlm);
}
END_TEST

/* Removed entries are reused: many more add/remove cycles than the table
 * has entries all succeed, and a package added later is listed last
 * (issue 15, finding 9). */
START_TEST(add_remove_cycles)
{
    static const shim_wchar name_cycle[] = { 'C', 'y', 'c', 'l', 'e', 0 };
    static const struct shim_package cycle = { { 0, 1, 0, 100, name_cycle, name_cycle }, &no_ops,
                                               SHIM_PKG_PROVIDER, NULL };
    const struct shim_package *list[8];

    ck_assert_int_eq(registry_add(&ntlm), 0);
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(registry_add(&cycle), 0);
        ck_assert_ptr_eq(registry_find(name_cycle), &cycle);
        ck_assert_int_eq(registry_remove(name_cycle), 0);
        ck_assert_ptr_null(registry_find(name_cycle));
    }
    ck_assert_int_eq(registry_add(&cycle), 0);
    ck_assert_int_eq(registry_remove(name_ntlm), 0);
    ck_assert_int_eq(registry_add(&ntlm), 0);
    ck_assert_uint_eq(registry_list(list, 8), 2);
    ck_assert_ptr_eq(list[0], &cycle);
    ck_assert_ptr_eq(list[1], &ntlm);
}
END_TEST

START_TEST(debug_levels)
{
    ck_assert_int_eq(dbg_parse(NULL), DBG_OFF);
    ck_assert_int_eq(dbg_parse(""), DBG_OFF);
    ck_assert_int_eq(dbg_parse("0"), DBG_OFF);
    ck_assert_int_eq(dbg_parse("off"), DBG_OFF);
    ck_assert_int_eq(dbg_parse("trace"), DBG_TRACE);
    ck_assert_int_eq(dbg_parse("all"), DBG_TRACE);
    ck_assert_int_eq(dbg_parse("warn"), DBG_WARN);
    ck_assert_int_eq(dbg_parse("err"), DBG_ERR);
    ck_assert_int_eq(dbg_parse("bogus"), DBG_ERR);
    static const shim_wchar w[] = { 'a', '"', 0x263a, 0 };
    ck_assert_str_eq(dbg_wstr(w), "L\"a\\x0022\\x263a\"");
    ck_assert_str_eq(dbg_wstr(NULL), "(null)");
    struct shim_handle h = { 0x10000001, 0x1234 };
    ck_assert_str_eq(dbg_handle(&h), "{0x10000001,0x1234}");
}
END_TEST

START_TEST(wide_strings)
{
    ck_assert_uint_eq(wstr_len(name_kerb), 8);
    ck_assert_uint_eq(wstr_len(NULL), 0);
    ck_assert_int_eq(wstr_icmp(name_kerb, name_kerb_upper), 0);
    ck_assert_int_lt(wstr_icmp(name_kerb, name_ntlm), 0);
    ck_assert_int_gt(wstr_icmp(name_ntlm, name_kerb), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("Registry");
    tcase_add_test(tc, find_is_case_insensitive);
    tcase_add_test(tc, loader_runs_once_on_miss);
    tcase_add_test(tc, list_loads_host);
    tcase_add_test(tc, loader_reentry);
    tcase_add_test(tc, remove_hides);
    tcase_add_test(tc, add_remove_cycles);
    suite_add_tcase(s, tc);
    TCase *dbg = tcase_create("Debug");
    tcase_add_test(dbg, debug_levels);
    tcase_add_test(dbg, wide_strings);
    suite_add_tcase(s, dbg);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}
