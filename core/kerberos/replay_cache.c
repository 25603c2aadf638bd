/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The acceptor's replay cache (RFC 4120 3.2.3): an authenticator is good
 * once.  Only authenticators whose ctime is within the skew window can get
 * past the acceptor's time check, so an entry need live no longer than
 * that window around its ctime; after it, the time check refuses the
 * replay by itself.
 *
 * A flat array with a linear scan: a service sees a few hundred new
 * contexts in five minutes, and the scan costs less than the decryption
 * before it.  An entry is a SHA-256 digest, so nothing of the client's
 * secrets stays here. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_sha.h"
#include "sspishim/krb_gss.h"
#include "sspishim/sys.h"

struct replay_entry {
    uint8_t digest[CRYPTO_SHA256_SIZE];
    int64_t ctime;
    bool used;
};

struct krb_replay_cache {
    sys_mutex lock;
    int64_t window;
    size_t max;
    struct replay_entry *entries;
};

struct krb_replay_cache *krb_replay_cache_new(size_t max, int64_t window_secs)
{
    struct krb_replay_cache *rc;

    if (!max || window_secs < 0 || max > SIZE_MAX / sizeof(struct replay_entry))
        return NULL;
    if (!(rc = calloc(1, sizeof(*rc))))
        return NULL;
    if (!(rc->entries = calloc(max, sizeof(*rc->entries)))) {
        free(rc);
        return NULL;
    }
    sys_mutex_init(&rc->lock);
    rc->max = max;
    rc->window = window_secs;
    return rc;
}

void krb_replay_cache_free(struct krb_replay_cache *rc)
{
    if (!rc)
        return;
    free(rc->entries);
    free(rc);
}

/* Lengths go in front of the variable parts, so no two different inputs
 * hash the same bytes. */
static void hash_u32(struct crypto_sha256 *h, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    crypto_sha256_update(h, b, 4);
}

static void hash_str(struct crypto_sha256 *h, const char *s)
{
    size_t n = strlen(s);
    hash_u32(h, (uint32_t)n);
    crypto_sha256_update(h, s, n);
}

static bool expired(const struct krb_replay_cache *rc, const struct replay_entry *e, int64_t now)
{
    return e->ctime < now - rc->window || e->ctime > now + rc->window;
}

int krb_replay_cache_check(struct krb_replay_cache *rc, const char *crealm, const struct krb_principal *cname,
                           int64_t ctime, uint32_t cusec, struct bytes_span authenticator, int64_t now)
{
    struct crypto_sha256 h;
    uint8_t digest[CRYPTO_SHA256_SIZE];
    struct replay_entry *slot = NULL;
    int status = KRB_OK;

    if (!rc || !crealm || !cname)
        return KRB_E_STATE;
    crypto_sha256_init(&h);
    hash_str(&h, crealm);
    hash_u32(&h, cname->count);
    for (unsigned i = 0; i < cname->count && i < KRB_NAME_MAX; i++)
        hash_str(&h, cname->comp[i]);
    hash_u32(&h, (uint32_t)((uint64_t)ctime >> 32));
    hash_u32(&h, (uint32_t)ctime);
    hash_u32(&h, cusec);
    hash_u32(&h, (uint32_t)authenticator.len);
    if (authenticator.len)
        crypto_sha256_update(&h, authenticator.p, authenticator.len);
    crypto_sha256_final(&h, digest);

    sys_mutex_lock(&rc->lock);
    for (size_t i = 0; i < rc->max; i++) {
        struct replay_entry *e = &rc->entries[i];
        if (e->used && expired(rc, e, now))
            e->used = false;
        if (!e->used) {
            if (!slot)
                slot = e;
            continue;
        }
        if (!memcmp(e->digest, digest, sizeof(digest))) {
            status = KRB_E_REPLAY;
            break;
        }
    }
    if (status == KRB_OK) {
        if (!slot) {
            status = KRB_E_NO_MEMORY;
        } else {
            memcpy(slot->digest, digest, sizeof(digest));
            slot->ctime = ctime;
            slot->used = true;
        }
    }
    sys_mutex_unlock(&rc->lock);
    return status;
}
