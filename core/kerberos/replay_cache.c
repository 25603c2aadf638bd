/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The acceptor's replay cache (RFC 4120 3.2.3): an authenticator is good
 * once.  Only authenticators whose ctime is within the skew window can get
 * past the acceptor's time check, so an entry need live no longer than
 * that window around its ctime; after it, the time check refuses the
 * replay by itself.
 *
 * Entries live in one array, chained from a hash table on their digest
 * (a SHA-256, uniform, so its first bytes pick the bucket): a check walks
 * one short chain, unlinking the entries it finds expired on the way.
 * Only when no slot is free is every chain swept, so the cache is full
 * exactly when max entries are still within the window, as with a flat
 * scan (which walked all max entries on every check: at 65536 entries it
 * was 40 % of a handshake).  An entry is a SHA-256 digest, so nothing of
 * the client's secrets stays here. */
#include <stdlib.h>
#include <string.h>

#include "sspishim/crypto.h"
#include "sspishim/crypto_sha.h"
#include "sspishim/krb_gss.h"
#include "sspishim/sys.h"

struct replay_entry {
    uint8_t digest[CRYPTO_SHA256_SIZE];
    int64_t ctime;
    uint32_t next;          /* the chain's (or the free list's) next entry + 1; 0 ends it */
};

struct krb_replay_cache {
    sys_mutex lock;
    int64_t window;
    size_t max;
    struct replay_entry *entries;
    uint32_t *heads;        /* per bucket: its first entry + 1, or 0 */
    size_t buckets;         /* a power of two, at least max */
    uint32_t free;          /* the free list's first entry + 1, or 0 */
};

struct krb_replay_cache *krb_replay_cache_new(size_t max, int64_t window_secs)
{
    struct krb_replay_cache *rc;
    size_t buckets = 1;

    if (!max || window_secs < 0 || max >= UINT32_MAX / 2 || max > SIZE_MAX / sizeof(struct replay_entry))
        return NULL;
    while (buckets < max)
        buckets <<= 1;
    if (!(rc = calloc(1, sizeof(*rc))))
        return NULL;
    if (!(rc->entries = calloc(max, sizeof(*rc->entries))) || !(rc->heads = calloc(buckets, sizeof(*rc->heads)))) {
        free(rc->entries);
        free(rc);
        return NULL;
    }
    for (size_t i = 0; i < max; i++)
        rc->entries[i].next = i + 1 < max ? (uint32_t)(i + 2) : 0;
    rc->free = 1;
    sys_mutex_init(&rc->lock);
    rc->max = max;
    rc->buckets = buckets;
    rc->window = window_secs;
    return rc;
}

void krb_replay_cache_free(struct krb_replay_cache *rc)
{
    if (!rc)
        return;
    free(rc->entries);
    free(rc->heads);
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

/* Takes the entry *link names out of its chain onto the free list;
 * returns the link that now names the chain's next entry (link itself). */
static uint32_t *unlink_entry(struct krb_replay_cache *rc, uint32_t *link)
{
    uint32_t at = *link;
    struct replay_entry *e = &rc->entries[at - 1];

    *link = e->next;
    crypto_wipe(e, sizeof(*e));
    e->next = rc->free;
    rc->free = at;
    return link;
}

/* Every chain, for expired entries: only when no slot is free. */
static void sweep(struct krb_replay_cache *rc, int64_t now)
{
    for (size_t b = 0; b < rc->buckets; b++)
        for (uint32_t *link = &rc->heads[b]; *link;) {
            if (expired(rc, &rc->entries[*link - 1], now))
                link = unlink_entry(rc, link);
            else
                link = &rc->entries[*link - 1].next;
        }
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
    uint32_t *head = &rc->heads[(((uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 |
                                  digest[3]) & (rc->buckets - 1))];
    for (uint32_t *link = head; *link;) {
        struct replay_entry *e = &rc->entries[*link - 1];
        if (expired(rc, e, now)) {
            link = unlink_entry(rc, link);
            continue;
        }
        if (!memcmp(e->digest, digest, sizeof(digest))) {
            status = KRB_E_REPLAY;
            break;
        }
        link = &e->next;
    }
    if (status == KRB_OK && !rc->free)
        sweep(rc, now);
    if (status == KRB_OK) {
        if (!rc->free) {
            status = KRB_E_NO_MEMORY;
        } else {
            uint32_t at = rc->free;
            slot = &rc->entries[at - 1];
            rc->free = slot->next;
            memcpy(slot->digest, digest, sizeof(digest));
            slot->ctime = ctime;
            slot->next = *head;
            *head = at;
        }
    }
    sys_mutex_unlock(&rc->lock);
    return status;
}
