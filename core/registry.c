/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/debug.h"
#include "sspishim/registry.h"
#include "sspishim/sys.h"

#define MAX_PACKAGES 64

/* A removed package is only hidden from lookups and enumeration: contexts
 * keep pointers to their package, which its owner keeps alive.  The entry
 * itself (a pointer) is reused: registry_add closes the gaps first, so
 * AddSecurityPackage / DeleteSecurityPackage cycles never fill the table
 * and packages stay listed in the order they were added. */
struct entry {
    const struct shim_package *pkg;
    int removed;
};

static sys_mutex reg_lock, load_lock;
static struct entry entries[MAX_PACKAGES];
static size_t n_entries;
static void (*loader_fn)(void);
static atomic_int loader_done;

size_t wstr_len(const shim_wchar *s)
{
    size_t n = 0;
    if (s) while (s[n]) n++;
    return n;
}

static shim_wchar fold(shim_wchar c)
{
    /* Package names are ASCII in practice; Latin-1 letters fold as well. */
    if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7)) return (shim_wchar)(c - 0x20);
    return c;
}

int wstr_icmp(const shim_wchar *a, const shim_wchar *b)
{
    for (;; a++, b++) {
        shim_wchar x = fold(*a), y = fold(*b);
        if (x != y) return x < y ? -1 : 1;
        if (!x) return 0;
    }
}

void registry_set_loader(void (*loader)(void))
{
    loader_fn = loader;
    atomic_store(&loader_done, 0);
}

/* Set on the thread running the loader: a package DLL it loads may call
 * back into us (EnumerateSecurityPackages from its own start-up), and must
 * then see the packages registered so far instead of waiting on itself. */
static _Thread_local int in_loader;

static void run_loader(void)
{
    if (atomic_load(&loader_done) || in_loader) return;
    sys_mutex_lock(&load_lock);
    if (!atomic_load(&loader_done)) {
        in_loader = 1;
        if (loader_fn) loader_fn();
        in_loader = 0;
        atomic_store(&loader_done, 1);
    }
    sys_mutex_unlock(&load_lock);
}

static const struct shim_package *lookup(const shim_wchar *name)
{
    const struct shim_package *found = NULL;
    sys_mutex_lock(&reg_lock);
    for (size_t i = 0; i < n_entries && !found; i++)
        if (!entries[i].removed && !wstr_icmp(entries[i].pkg->info.name, name)) found = entries[i].pkg;
    sys_mutex_unlock(&reg_lock);
    return found;
}

shim_status registry_add(const struct shim_package *pkg)
{
    if (!pkg || !pkg->info.name || !pkg->ops) return SHIM_E_INVALID_PARAMETER;
    shim_status st = SHIM_OK;
    sys_mutex_lock(&reg_lock);
    for (size_t i = 0; i < n_entries; i++) {
        if (!entries[i].removed && !wstr_icmp(entries[i].pkg->info.name, pkg->info.name)) {
            st = SHIM_E_INVALID_PARAMETER;
            TRACE("%s already registered\n", dbg_wstr(pkg->info.name));
            goto done;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < n_entries; i++)
        if (!entries[i].removed) entries[kept++] = entries[i];
    n_entries = kept;
    if (n_entries == MAX_PACKAGES) {
        st = SHIM_E_INSUFFICIENT_MEMORY;
        goto done;
    }
    entries[n_entries].pkg = pkg;
    entries[n_entries].removed = 0;
    n_entries++;
    TRACE("registered %s%s\n", dbg_wstr(pkg->info.name),
          (pkg->flags & SHIM_PKG_DELEGATED) ? " (delegated)"
          : (pkg->flags & SHIM_PKG_PROVIDER) ? " (third-party)" : "");
done:
    sys_mutex_unlock(&reg_lock);
    return st;
}

shim_status registry_remove(const shim_wchar *name)
{
    shim_status st = SHIM_E_SECPKG_NOT_FOUND;
    sys_mutex_lock(&reg_lock);
    for (size_t i = 0; i < n_entries; i++) {
        if (!entries[i].removed && !wstr_icmp(entries[i].pkg->info.name, name)) {
            entries[i].removed = 1;
            st = SHIM_OK;
            break;
        }
    }
    sys_mutex_unlock(&reg_lock);
    return st;
}

const struct shim_package *registry_find(const shim_wchar *name)
{
    if (!name) return NULL;
    const struct shim_package *pkg = lookup(name);
    if (!pkg && !atomic_load(&loader_done)) {
        run_loader();
        pkg = lookup(name);
    }
    return pkg;
}

size_t registry_list(const struct shim_package **out, size_t max)
{
    size_t n = 0;
    run_loader();
    sys_mutex_lock(&reg_lock);
    for (size_t i = 0; i < n_entries; i++) {
        if (entries[i].removed) continue;
        if (n < max) out[n] = entries[i].pkg;
        n++;
    }
    sys_mutex_unlock(&reg_lock);
    return n;
}

size_t registry_count(void)
{
    size_t n = 0;
    sys_mutex_lock(&reg_lock);
    for (size_t i = 0; i < n_entries; i++) n += !entries[i].removed;
    sys_mutex_unlock(&reg_lock);
    return n;
}

shim_status registry_make_pkginfo(const struct shim_package *const *pkgs, size_t count,
                                  struct shim_pkginfo **out)
{
    size_t size = count * sizeof(struct shim_pkginfo);
    for (size_t i = 0; i < count; i++)
        size += (wstr_len(pkgs[i]->info.name) + wstr_len(pkgs[i]->info.comment) + 2) * sizeof(shim_wchar);
    struct shim_pkginfo *info = sys_caller_alloc(size);
    if (!info) return SHIM_E_INSUFFICIENT_MEMORY;
    shim_wchar *str = (shim_wchar *)(info + count);
    for (size_t i = 0; i < count; i++) {
        const struct shim_package_info *pi = &pkgs[i]->info;
        info[i].capabilities = pi->capabilities;
        info[i].version = pi->version;
        info[i].rpcid = pi->rpcid;
        info[i].max_token = pi->max_token;
        size_t n = wstr_len(pi->name);
        memcpy(str, pi->name, n * sizeof(shim_wchar));
        str[n] = 0;
        info[i].name = str;
        str += n + 1;
        n = wstr_len(pi->comment);
        if (n) memcpy(str, pi->comment, n * sizeof(shim_wchar));
        str[n] = 0;
        info[i].comment = str;
        str += n + 1;
    }
    *out = info;
    return SHIM_OK;
}
