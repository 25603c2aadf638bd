/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Credential and context handles: slots in one process-wide table, each with
 * a generation counter, a kind and the owning package.  A handle is never a
 * pointer, so made-up, freed, foreign and wrong-kind handles are detected
 * instead of dereferenced. */
#ifndef SSPISHIM_HANDLES_H
#define SSPISHIM_HANDLES_H

#include <stdatomic.h>
#include "sspishim/types.h"

struct shim_package;

enum shim_kind { SHIM_KIND_CRED = 1, SHIM_KIND_CTXT = 2 };

/* Header every credential and context object begins with.  Lookups take a
 * reference, so an object deleted on one thread while another thread is
 * using it lives until the last user lets go. */
struct shim_object {
    atomic_int refs;
    enum shim_kind kind;
    const struct shim_package *pkg;
    void (*destroy)(struct shim_object *obj);   /* frees the whole object */
    /* The package's DeleteSecurityContext / FreeCredentialsHandle, when it
     * must wait for the last reference (shim_object_retire). */
    shim_status (*retire)(struct shim_object *obj);
};

void shim_object_init(struct shim_object *obj, enum shim_kind kind,
                      const struct shim_package *pkg, void (*destroy)(struct shim_object *));
void shim_object_ref(struct shim_object *obj);
void shim_object_put(struct shim_object *obj);
/* For an object whose handle is gone (so no new reference can come): the
 * package lets go of it through op -- its delete or free -- at the last
 * reference, never under a call another thread is still making on it (a
 * delegated or third-party package would free its own context under that
 * call).  When the caller holds the only reference, op runs now and its
 * status is returned; otherwise op runs when the last user puts its
 * reference, and the answer now is SHIM_OK.  The caller's reference goes
 * either way. */
shim_status shim_object_retire(struct shim_object *obj, shim_status (*op)(struct shim_object *obj));

/* The table takes over the caller's reference. */
shim_status handles_insert(struct shim_object *obj, struct shim_handle *out);
/* NULL for a bad handle; otherwise a new reference the caller must put. */
struct shim_object *handles_get(const struct shim_handle *h, enum shim_kind kind);
/* Removes the handle and drops the table's reference; SHIM_E_INVALID_HANDLE
 * when it is not live.  On success *obj (if given) receives a reference. */
shim_status handles_remove(const struct shim_handle *h, enum shim_kind kind,
                           struct shim_object **obj);

/* For an operation that ends a handle only if it succeeds (an export with
 * DELETE_OLD): hold makes the handle dead to everyone else at once (lookups
 * and removals give SHIM_E_INVALID_HANDLE, so two such operations cannot
 * both have it) and gives the holder a new reference; unhold then either
 * removes the handle, returning the table's reference to the caller, or
 * makes it live again, unchanged (and returns NULL). */
shim_status handles_hold(const struct shim_handle *h, enum shim_kind kind, struct shim_object **obj);
struct shim_object *handles_unhold(const struct shim_handle *h, enum shim_kind kind, int remove);

/* Test hook: gives a live handle's slot another generation (and rewrites
 * *h to match), so that tests can reach the end of the generations without
 * 2^32 reuses.  -1 when *h is not live. */
int handles_test_set_generation(struct shim_handle *h, enum shim_kind kind, uint64_t generation);

/* Live-object counters, for tests and statistics. */
struct handles_stats {
    size_t live_creds, live_contexts, live_objects, capacity;
};
void handles_stats(struct handles_stats *st);

#endif
