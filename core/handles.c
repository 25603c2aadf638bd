/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "sspishim/handles.h"
#include "sspishim/sys.h"

/* lower = kind << 28 | (index + 1); upper = generation ^ cookie.  The cookie
 * is random per process, so a handle value copied from another process or
 * made up ({1,2}) does not name a live slot.
 *
 * A stale handle must never name a later object.  The generation is 64 bits
 * and upper holds as many of them as a ULONG_PTR can: all 64 on x86_64,
 * where no slot can be reused 2^64 times.  On i686 upper holds 32 bits, so
 * a slot whose generation has used them all is retired: never put back on
 * the free list (it costs 12 bytes, after 2^32 - 1 uses of the slot).  Free
 * slots are reused oldest first, so the generations of a table with many
 * free slots advance slowly and a stale handle stays stale longest. */
#define KIND_SHIFT 28
#define INDEX_MASK 0x0fffffffu
#define MAX_SLOTS  (1u << 24)
/* The last generation a handle can tell apart from generation 0. */
#define GEN_LAST   ((uint64_t)UINTPTR_MAX)

struct slot {
    struct shim_object *obj;   /* NULL when free */
    uint64_t generation;
    uint32_t next_free;        /* index + 1 of the next free slot, 0 ends */
    uint32_t held;             /* handles_hold: live for no one until let go */
};

static sys_mutex table_lock;
static struct slot *slots;
static uint32_t capacity, used_slots, first_free, last_free;   /* free list: a FIFO */
static uint64_t cookie;
static size_t live_kind[3];
static atomic_size_t live_objects;

void shim_object_init(struct shim_object *obj, enum shim_kind kind,
                      const struct shim_package *pkg, void (*destroy)(struct shim_object *))
{
    atomic_init(&obj->refs, 1);
    obj->kind = kind;
    obj->pkg = pkg;
    obj->destroy = destroy;
    obj->retire = NULL;
    atomic_fetch_add(&live_objects, 1);
}

void shim_object_ref(struct shim_object *obj)
{
    atomic_fetch_add(&obj->refs, 1);
}

void shim_object_put(struct shim_object *obj)
{
    if (!obj) return;
    if (atomic_fetch_sub(&obj->refs, 1) == 1) {
        if (obj->retire) obj->retire(obj);
        atomic_fetch_sub(&live_objects, 1);
        obj->destroy(obj);
    }
}

shim_status shim_object_retire(struct shim_object *obj, shim_status (*op)(struct shim_object *obj))
{
    /* Only this caller holds it, and without a handle nobody can take a
     * new reference: the package's answer is the caller's. */
    if (atomic_load(&obj->refs) == 1) {
        shim_status st = op ? op(obj) : SHIM_OK;
        shim_object_put(obj);
        return st;
    }
    /* Published by the release below: whichever put is last sees it. */
    obj->retire = op;
    shim_object_put(obj);
    return SHIM_OK;
}

static int grow(void)
{
    uint32_t ncap = capacity ? capacity * 2 : 64;
    if (ncap > MAX_SLOTS) ncap = MAX_SLOTS;
    if (ncap <= capacity) return -1;
    struct slot *n = realloc(slots, ncap * sizeof(*n));
    if (!n) return -1;
    memset(n + capacity, 0, (ncap - capacity) * sizeof(*n));
    slots = n;
    capacity = ncap;
    return 0;
}

shim_status handles_insert(struct shim_object *obj, struct shim_handle *out)
{
    uint32_t index;
    sys_mutex_lock(&table_lock);
    while (!cookie) {
        if (sys_random(&cookie, sizeof(cookie))) cookie = 0x5a17c0deu;
    }
    if (first_free) {
        index = first_free - 1;
        first_free = slots[index].next_free;
        if (!first_free) last_free = 0;
    } else {
        if (used_slots == capacity && grow()) {
            sys_mutex_unlock(&table_lock);
            return SHIM_E_INSUFFICIENT_MEMORY;
        }
        index = used_slots++;
    }
    slots[index].obj = obj;
    slots[index].next_free = 0;
    live_kind[obj->kind]++;
    out->lower = ((uintptr_t)obj->kind << KIND_SHIFT) | (index + 1);
    out->upper = (uintptr_t)(slots[index].generation ^ cookie);   /* i686: the low 32 bits */
    sys_mutex_unlock(&table_lock);
    return SHIM_OK;
}

/* Called with the lock held; returns the slot index or -1.  A held slot is
 * found only by its holder (held != 0). */
static long find_slot(const struct shim_handle *h, enum shim_kind kind, uint32_t held)
{
    if (!h) return -1;
    uintptr_t lower = h->lower;
    if ((lower >> KIND_SHIFT) != (uintptr_t)kind) return -1;
    uint32_t index = (uint32_t)(lower & INDEX_MASK);
    if (!index || index > used_slots) return -1;
    index--;
    struct slot *s = &slots[index];
    if (!s->obj || s->obj->kind != kind || s->held != held) return -1;
    if (h->upper != (uintptr_t)(s->generation ^ cookie)) return -1;
    return (long)index;
}

static long find(const struct shim_handle *h, enum shim_kind kind)
{
    return find_slot(h, kind, 0);
}

struct shim_object *handles_get(const struct shim_handle *h, enum shim_kind kind)
{
    struct shim_object *obj = NULL;
    sys_mutex_lock(&table_lock);
    long i = find(h, kind);
    if (i >= 0) {
        obj = slots[i].obj;
        shim_object_ref(obj);
    }
    sys_mutex_unlock(&table_lock);
    return obj;
}

/* Frees slot i (the lock is held) and returns its object, whose table
 * reference moves to the caller. */
static struct shim_object *free_slot(long i, enum shim_kind kind)
{
    struct slot *s = &slots[i];
    struct shim_object *obj = s->obj;
    s->obj = NULL;
    s->next_free = 0;
    if (s->generation < GEN_LAST) {   /* else retired: see the top of the file */
        s->generation++;
        if (last_free) slots[last_free - 1].next_free = (uint32_t)i + 1;
        else first_free = (uint32_t)i + 1;
        last_free = (uint32_t)i + 1;
    }
    s->held = 0;
    live_kind[kind]--;
    return obj;
}

shim_status handles_remove(const struct shim_handle *h, enum shim_kind kind,
                           struct shim_object **ret)
{
    sys_mutex_lock(&table_lock);
    long i = find(h, kind);
    if (i < 0) {
        sys_mutex_unlock(&table_lock);
        return SHIM_E_INVALID_HANDLE;
    }
    struct shim_object *obj = free_slot(i, kind);
    sys_mutex_unlock(&table_lock);
    if (ret) *ret = obj;          /* the table's reference moves to the caller */
    else shim_object_put(obj);
    return SHIM_OK;
}

shim_status handles_hold(const struct shim_handle *h, enum shim_kind kind, struct shim_object **obj)
{
    sys_mutex_lock(&table_lock);
    long i = find(h, kind);
    if (i < 0) {
        sys_mutex_unlock(&table_lock);
        return SHIM_E_INVALID_HANDLE;
    }
    slots[i].held = 1;
    *obj = slots[i].obj;
    shim_object_ref(*obj);
    sys_mutex_unlock(&table_lock);
    return SHIM_OK;
}

struct shim_object *handles_unhold(const struct shim_handle *h, enum shim_kind kind, int remove)
{
    struct shim_object *obj = NULL;
    sys_mutex_lock(&table_lock);
    long i = find_slot(h, kind, 1);
    if (i >= 0) {
        if (remove) obj = free_slot(i, kind);
        else slots[i].held = 0;
    }
    sys_mutex_unlock(&table_lock);
    return obj;
}

int handles_test_set_generation(struct shim_handle *h, enum shim_kind kind, uint64_t generation)
{
    sys_mutex_lock(&table_lock);
    long i = find(h, kind);
    if (i >= 0) {
        slots[i].generation = generation;
        h->upper = (uintptr_t)(generation ^ cookie);
    }
    sys_mutex_unlock(&table_lock);
    return i >= 0 ? 0 : -1;
}

void handles_stats(struct handles_stats *st)
{
    sys_mutex_lock(&table_lock);
    st->live_creds = live_kind[SHIM_KIND_CRED];
    st->live_contexts = live_kind[SHIM_KIND_CTXT];
    st->capacity = capacity;
    sys_mutex_unlock(&table_lock);
    st->live_objects = atomic_load(&live_objects);
}
