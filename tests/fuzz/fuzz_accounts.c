/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The accounts file parser (ntlm_accounts_parse), and the lookups the
 * server makes with what it returns: every entry must be terminated, have
 * a user, and be found again among the candidates for its own names. */
#include "fuzz.h"
#include "sspishim/ntlm_accounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ntlm_account_list list;
    struct ntlm_account copy;

    FZ_ASSERT(ntlm_accounts_parse(data, size, &list) == NTLM_ACCOUNTS_OK);
    FZ_ASSERT(list.count <= list.cap && (list.count == 0 || list.items));
    for (size_t i = 0; i < list.count; i++) {
        const struct ntlm_account *a = &list.items[i], *c;
        size_t cursor = 0;
        bool found = false;

        FZ_ASSERT(a->user && a->user_len > 0 && a->user[a->user_len] == 0);
        FZ_ASSERT(a->domain ? a->domain[a->domain_len] == 0 : a->domain_len == 0);
        while ((c = ntlm_accounts_next(&list, a->user, a->user_len, a->domain, a->domain_len, &cursor)))
            found |= c == a;
        FZ_ASSERT(found);
        cursor = 0;
        while (ntlm_accounts_next(&list, a->user, a->user_len, NULL, 0, &cursor))
            ;
        FZ_ASSERT(ntlm_account_copy(&copy, a) == NTLM_ACCOUNTS_OK);
        FZ_ASSERT(copy.user_len == a->user_len && !memcmp(copy.nt_hash, a->nt_hash, 16));
        ntlm_account_clear(&copy);
    }
    ntlm_accounts_free(&list);
    return 0;
}
