/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The package registry: every SSPI call is dispatched by package.  A package
 * is one table of information and functions registered in one place; the
 * DLL's own packages (NTLM, Negotiate) and the delegated host packages
 * (Kerberos, Schannel, ...) look the same from here. */
#ifndef SSPISHIM_REGISTRY_H
#define SSPISHIM_REGISTRY_H

#include "sspishim/handles.h"
#include "sspishim/types.h"

/* What SecPkgInfoW says of a package. */
struct shim_package_info {
    uint32_t capabilities;
    uint16_t version;
    uint16_t rpcid;
    uint32_t max_token;
    const shim_wchar *name;
    const shim_wchar *comment;
};

/* Package flags (not visible to callers). */
#define SHIM_PKG_DELEGATED        0x1  /* served by the host secur32 */
#define SHIM_PKG_TAKES_IDENTITY   0x2  /* auth data is SEC_WINNT_AUTH_IDENTITY(_EX) */
#define SHIM_PKG_PROVIDER         0x4  /* served by a third-party SSP DLL */

typedef struct shim_object shim_cred;
typedef struct shim_object shim_ctx;

/* Arguments and results of InitializeSecurityContext / AcceptSecurityContext.
 * ctx is NULL on the first call; the package then sets *new_ctx to a fresh
 * object with one reference, which the dispatcher turns into a handle. */
struct shim_ctx_call {
    shim_cred *cred;
    shim_ctx *ctx;
    const shim_wchar *target;          /* Initialize only */
    uint32_t req;
    uint32_t datarep;
    struct shim_buffer_desc *input;
    struct shim_buffer_desc *output;
    shim_ctx *new_ctx;                 /* out, first call only */
    uint32_t attrs;                    /* out */
    int64_t expiry;                    /* out */
};
/* What call.expiry holds until a package sets it.  A delegated package
 * that sets it while failing (Schannel's SEC_E_INSUFFICIENT_MEMORY gives 0,
 * as Windows) has it passed on to the caller even then. */
#define SHIM_EXPIRY_UNSET INT64_MIN

/* A NULL slot means the package does not offer that call: the dispatcher
 * answers SEC_E_UNSUPPORTED_FUNCTION. */
struct shim_package_ops {
    shim_status (*acquire_credentials)(const struct shim_package *pkg, const shim_wchar *principal,
                                       uint32_t use, void *logon_id, void *auth_data,
                                       void *get_key_fn, void *get_key_arg,
                                       shim_cred **cred, int64_t *expiry);
    shim_status (*free_credentials)(shim_cred *cred);
    shim_status (*query_credentials_attributes)(shim_cred *cred, uint32_t attr, void *buf);
    shim_status (*set_credentials_attributes)(shim_cred *cred, uint32_t attr, void *buf, uint32_t size);
    shim_status (*add_credentials)(shim_cred *cred, const shim_wchar *principal, const shim_wchar *package,
                                   uint32_t use, void *auth_data, void *get_key_fn,
                                   void *get_key_arg, int64_t *expiry);
    shim_status (*initialize_context)(struct shim_ctx_call *call);
    shim_status (*accept_context)(struct shim_ctx_call *call);
    shim_status (*complete_auth_token)(shim_ctx *ctx, struct shim_buffer_desc *token);
    shim_status (*delete_context)(shim_ctx *ctx);
    shim_status (*apply_control_token)(shim_ctx *ctx, struct shim_buffer_desc *input);
    shim_status (*query_context_attributes)(shim_ctx *ctx, uint32_t attr, void *buf);
    shim_status (*set_context_attributes)(shim_ctx *ctx, uint32_t attr, void *buf, uint32_t size);
    shim_status (*impersonate)(shim_ctx *ctx);
    shim_status (*revert)(shim_ctx *ctx);
    shim_status (*make_signature)(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
    shim_status (*verify_signature)(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);
    shim_status (*encrypt)(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *msg, uint32_t seq);
    shim_status (*decrypt)(shim_ctx *ctx, struct shim_buffer_desc *msg, uint32_t seq, uint32_t *qop);
    shim_status (*query_token)(shim_ctx *ctx, void **token);
    /* Export and import deal in the package's own payload; the envelope
     * (core/context_export.c) protects it and carries the package name.
     * export: a malloc'd payload (wiped and freed by the caller), and the
     * context's role (PACKED_ROLE_CLIENT/SERVER); with reset set, the
     * payload describes the context as it was when its handshake finished.
     * import: on success the new context owns token (may be NULL); on
     * failure the caller still does. */
    shim_status (*export_context)(shim_ctx *ctx, int reset, uint8_t **payload, size_t *len, uint8_t *role);
    shim_status (*import_context)(const struct shim_package *pkg, uint8_t role, const uint8_t *payload,
                                  size_t len, void *token, shim_ctx **ctx);
};

struct shim_package {
    struct shim_package_info info;
    const struct shim_package_ops *ops;
    uint32_t flags;
    void *impl;                        /* the package's own data */
};

/* Registers a package; the registry keeps the pointer.  A later package with
 * the same name (case-insensitive) does not replace an earlier one. */
shim_status registry_add(const struct shim_package *pkg);
shim_status registry_remove(const shim_wchar *name);
const struct shim_package *registry_find(const shim_wchar *name);
/* Snapshot of the registered packages in registration order; returns the
 * count, filling at most max entries. */
size_t registry_list(const struct shim_package **out, size_t max);
/* How many are registered now, without running the loader. */
size_t registry_count(void);

/* Called once, the first time a lookup misses or the list is asked for, so
 * that packages served by someone else (the host secur32) are loaded only
 * when somebody wants them. */
void registry_set_loader(void (*loader)(void));

/* SecPkgInfoW, byte for byte. */
struct shim_pkginfo {
    uint32_t capabilities;
    uint16_t version;
    uint16_t rpcid;
    uint32_t max_token;
    shim_wchar *name;
    shim_wchar *comment;
};

/* One block from the caller allocator, as Windows returns it: the array of
 * count SecPkgInfoW, then the strings.  The caller frees it with
 * FreeContextBuffer. */
shim_status registry_make_pkginfo(const struct shim_package *const *pkgs, size_t count,
                                  struct shim_pkginfo **out);

/* UTF-16 helpers shared by the registry and the DLL. */
size_t wstr_len(const shim_wchar *s);
int wstr_icmp(const shim_wchar *a, const shim_wchar *b);

#endif
