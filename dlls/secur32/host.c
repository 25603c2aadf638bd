/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host secur32 (Wine's builtin) and the packages it serves for us.
 *
 * Where the host is found:
 *  - SSPISHIM_HOST=PATH names it outright;
 *  - loaded as a per-program override (we are not <system>\secur32.dll),
 *    loading <system>\secur32.dll by full path gives Wine's builtin as a
 *    second module named secur32.dll;
 *  - installed prefix-wide (we are <system>\secur32.dll), the setup script
 *    keeps a copy of Wine's builtin-marked placeholder in
 *    %windir%\sspishim\host64 (host32 for 32-bit programs), which Wine loads as
 *    the builtin when the prefix's override is "native,builtin". */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "secur32_private.h"
#define SCHANNEL_USE_BLACKLISTS    /* for SCH_CREDENTIALS */
#include <schannel.h>
#include "sspishim/sys.h"

static INIT_ONCE host_once = INIT_ONCE_STATIC_INIT;
static HMODULE host;
static const SecurityFunctionTableW *host_table;
static struct foreign *host_foreign;
static WCHAR host_how[MAX_PATH + 64];

static HMODULE try_load(const WCHAR *path)
{
    HMODULE m = LoadLibraryW(path);
    if (m && m == secur32_module) {
        /* The loader handed us back ourselves: that path is not the host. */
        FreeLibrary(m);
        return NULL;
    }
    TRACE("%s -> %p (error %lu)\n", dbg_wstr(WSTR(path)), (void *)m, m ? 0ul : GetLastError());
    return m;
}

static BOOL same_dir(const WCHAR *file, const WCHAR *dir)
{
    size_t n = wcslen(dir);
    if (_wcsnicmp(file, dir, n)) return FALSE;
    return file[n] == '\\' && !wcschr(file + n + 1, '\\');
}

static BOOL CALLBACK load_host(INIT_ONCE *once, void *param, void **ctx)
{
    (void)once; (void)param; (void)ctx;
    WCHAR path[MAX_PATH], self[MAX_PATH], sysdir[MAX_PATH];
    DWORD n = GetEnvironmentVariableW(L"SSPISHIM_HOST", path, MAX_PATH);
    UINT sn = GetSystemDirectoryW(sysdir, MAX_PATH);
    GetModuleFileNameW(secur32_module, self, MAX_PATH);

    if (n && n < MAX_PATH) {
        host = try_load(path);
        swprintf(host_how, sizeof(host_how) / sizeof(WCHAR), L"SSPISHIM_HOST=%ls", path);
    } else if (sn && sn < MAX_PATH - 16 && !same_dir(self, sysdir)) {
        swprintf(path, MAX_PATH, L"%ls\\secur32.dll", sysdir);
        host = try_load(path);
        swprintf(host_how, sizeof(host_how) / sizeof(WCHAR), L"per-program: %ls", path);
    }
    if (!host) {
        WCHAR windir[MAX_PATH];
        UINT wn = GetWindowsDirectoryW(windir, MAX_PATH);
        if (wn && wn < MAX_PATH - 32) {
            swprintf(path, MAX_PATH, L"%ls\\sspishim\\host%d\\secur32.dll", windir,
                     (int)(sizeof(void *) * 8));
            host = try_load(path);
            swprintf(host_how, sizeof(host_how) / sizeof(WCHAR), L"prefix-wide: %ls", path);
        }
    }
    if (host) {
        INIT_SECURITY_INTERFACE_W init = (INIT_SECURITY_INTERFACE_W)(void *)GetProcAddress(host, "InitSecurityInterfaceW");
        host_table = init ? init() : NULL;
        if (!host_table) WARN("host %s has no function table\n", dbg_wstr(WSTR(host_how)));
    } else {
        WARN("no host secur32: Kerberos, Schannel and other delegated packages are unavailable\n");
    }
    TRACE("host %p via %s\n", (void *)host, dbg_wstr(WSTR(host_how)));
    return TRUE;
}

HMODULE host_module(void)
{
    InitOnceExecuteOnce(&host_once, load_host, NULL, NULL);
    return host;
}

BOOL host_loaded(void)
{
    BOOL pending;
    if (!InitOnceBeginInitialize(&host_once, INIT_ONCE_CHECK_ONLY, &pending, NULL)) return FALSE;
    return host != NULL;
}

const WCHAR *host_status(void)
{
    return host_how[0] ? host_how : NULL;
}

FARPROC host_proc(const char *name)
{
    HMODULE m = host_module();
    return m ? GetProcAddress(m, name) : NULL;
}

/* ---- foreign tables: packages another DLL serves ----------------------
 * The host secur32 and third-party SSP DLLs (providers.c) both hand us a
 * SecurityFunctionTableW; each of their packages becomes a registry package
 * whose impl is that table, and whose handles wrap the DLL's own. */

struct foreign {
    SecurityFunctionTableW t;   /* our copy: slots past the DLL's version stay NULL */
    HMODULE module;
    WCHAR *origin;              /* the DLL as it was named, for traces and deletion */
};

#define T(pkg) (&((const struct foreign *)(pkg)->impl)->t)
#define OBJT(obj) T((obj)->pkg)
#define SLOT(tbl, slot) do { if (!(tbl)->slot) return SEC_E_UNSUPPORTED_FUNCTION; } while (0)

/* The package's own handle.  A provider may hand back another one from a
 * later InitializeSecurityContext/AcceptSecurityContext, while other
 * threads are passing the old one to it: it is read and written under the
 * lock, and each call gets its own copy. */
struct host_obj {
    struct shim_object hdr;
    SRWLOCK lock;
    SecHandle h;
};

static void host_obj_destroy(struct shim_object *obj)
{
    free(obj);
}

static struct host_obj *host_obj_new(enum shim_kind kind, const struct shim_package *pkg, const SecHandle *h)
{
    struct host_obj *o = malloc(sizeof(*o));
    if (!o) return NULL;
    shim_object_init(&o->hdr, kind, pkg, host_obj_destroy);
    InitializeSRWLock(&o->lock);
    o->h = *h;
    return o;
}

static SecHandle *host_handle(struct shim_object *obj, SecHandle *copy)
{
    struct host_obj *o = (struct host_obj *)obj;
    AcquireSRWLockShared(&o->lock);
    *copy = o->h;
    ReleaseSRWLockShared(&o->lock);
    return copy;
}

static void host_handle_set(struct shim_object *obj, const SecHandle *h)
{
    struct host_obj *o = (struct host_obj *)obj;
    AcquireSRWLockExclusive(&o->lock);
    o->h = *h;
    ReleaseSRWLockExclusive(&o->lock);
}

/* A copy of the package's handle, living to the end of the enclosing block. */
#define HOSTH(obj) host_handle((obj), &(SecHandle){ 0, 0 })
#define PKGNAME(pkg) ((SEC_WCHAR *)(pkg)->info.name)

/* Schannel dereferences the arrays an SCHANNEL_CRED (or SCH_CREDENTIALS)
 * counts, and so does Windows' (its own tests skip those calls because
 * they crash): a count with a NULL array is refused here instead. */
static BOOL tls_cred_unsound(const struct shim_package *pkg, const void *auth)
{
    if (!auth || (pkg->flags & SHIM_PKG_TAKES_IDENTITY)) return FALSE;   /* not a TLS package */
    const DWORD version = *(const DWORD *)auth;
    if (version == SCH_CREDENTIALS_VERSION) {
        const SCH_CREDENTIALS *c = auth;
        return (c->cCreds && !c->paCred) || (c->cMappers && !c->aphMappers) ||
               (c->cTlsParameters && !c->pTlsParameters);
    }
    if (version >= SCH_CRED_V1 && version <= SCHANNEL_CRED_VERSION) {
        const SCHANNEL_CRED *c = auth;
        return (c->cCreds && !c->paCred) || (c->cMappers && !c->aphMappers) ||
               (c->cSupportedAlgs && !c->palgSupportedAlgs);
    }
    return FALSE;   /* an unknown version: the package says what it thinks of it */
}

static shim_status host_acquire(const struct shim_package *pkg, const shim_wchar *principal,
                                    uint32_t use, void *logon_id, void *auth, void *get_key,
                                    void *get_key_arg, shim_cred **out, int64_t *expiry)
{
    const SecurityFunctionTableW *t = T(pkg);
    if (tls_cred_unsound(pkg, auth)) {
        WARN("%s: a credential count with no array behind it\n", dbg_wstr(pkg->info.name));
        return SEC_E_UNKNOWN_CREDENTIALS;
    }
    CredHandle h;
    TimeStamp ts = {0};
    SECURITY_STATUS st = t->AcquireCredentialsHandleW(
        (SEC_WCHAR *)principal, PKGNAME(pkg), use, logon_id, auth, (SEC_GET_KEY_FN)get_key,
        get_key_arg, &h, &ts);
    if (st != SEC_E_OK) return st;
    struct host_obj *o = host_obj_new(SHIM_KIND_CRED, pkg, &h);
    if (!o) {
        t->FreeCredentialsHandle(&h);
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    *out = &o->hdr;
    *expiry = ts.QuadPart;
    return SEC_E_OK;
}

static shim_status host_free_cred(shim_cred *cred)
{
    return OBJT(cred)->FreeCredentialsHandle(HOSTH(cred));
}

static shim_status host_query_cred(shim_cred *cred, uint32_t attr, void *buf)
{
    SLOT(OBJT(cred), QueryCredentialsAttributesW);
    return OBJT(cred)->QueryCredentialsAttributesW(HOSTH(cred), attr, buf);
}

/* QueryCredentialsAttributesA on a credential of the host's: the host's
 * own A entry point, which may answer otherwise than its W one (Wine 10's
 * Schannel: SEC_E_NO_CREDENTIALS for NAMES where W says
 * SEC_E_UNSUPPORTED_FUNCTION).  FALSE when the credential is not the
 * host's or the host lacks the export: the caller converts W then. */
BOOL host_query_cred_a(PCredHandle cred, ULONG attr, void *buf, SECURITY_STATUS *st)
{
    SECURITY_STATUS (WINAPI *fn)(PCredHandle, ULONG, void *);
    struct shim_object *obj = cred_get(cred);
    BOOL ours = obj && (obj->pkg->flags & SHIM_PKG_DELEGATED) && host_foreign &&
                obj->pkg->impl == host_foreign &&
                (fn = (SECURITY_STATUS (WINAPI *)(PCredHandle, ULONG, void *))(void *)host_proc(
                     "QueryCredentialsAttributesA"));
    if (ours) *st = fn(HOSTH(obj), attr, buf);
    shim_object_put(obj);
    return ours;
}

static shim_status host_set_cred(shim_cred *cred, uint32_t attr, void *buf, uint32_t size)
{
    SLOT(OBJT(cred), SetCredentialsAttributesW);
    return OBJT(cred)->SetCredentialsAttributesW(HOSTH(cred), attr, buf, size);
}

static shim_status host_add_cred(shim_cred *cred, const shim_wchar *principal,
                                     const shim_wchar *package, uint32_t use, void *auth,
                                     void *get_key, void *get_key_arg, int64_t *expiry)
{
    TimeStamp ts = {0};
    SLOT(OBJT(cred), AddCredentialsW);
    SECURITY_STATUS st = OBJT(cred)->AddCredentialsW(HOSTH(cred), (SEC_WCHAR *)principal,
                                                     (SEC_WCHAR *)package, use, auth,
                                                     (SEC_GET_KEY_FN)get_key, get_key_arg, &ts);
    *expiry = ts.QuadPart;
    return st;
}

/* Output tokens the DLL allocated (ISC/ASC_REQ_ALLOCATE_MEMORY) move to our
 * allocator, so that every buffer we hand out has one owner. */
static SECURITY_STATUS rehome_output(const SecurityFunctionTableW *t, struct shim_buffer_desc *out)
{
    if (!out || !out->buffers) return SEC_E_OK;
    for (uint32_t i = 0; i < out->count; i++) {
        struct shim_buffer *b = &out->buffers[i];
        if (!b->pv) continue;
        void *mine = sys_caller_alloc(b->cb);
        if (!mine) return SEC_E_INSUFFICIENT_MEMORY;
        memcpy(mine, b->pv, b->cb);
        t->FreeContextBuffer(b->pv);
        b->pv = mine;
    }
    return SEC_E_OK;
}

static shim_status host_context_call(struct shim_ctx_call *c, BOOL initiate)
{
    static const SecHandle unset = { (ULONG_PTR)-1, (ULONG_PTR)-1 };
    CtxtHandle newh = unset;
    TimeStamp ts = { .QuadPart = SHIM_EXPIRY_UNSET };
    ULONG attrs = 0;
    CredHandle *credh = c->cred ? HOSTH(c->cred) : NULL;
    CtxtHandle *ctxh = c->ctx ? HOSTH(c->ctx) : NULL;
    const struct shim_package *pkg = c->ctx ? c->ctx->pkg : c->cred->pkg;
    const SecurityFunctionTableW *t = T(pkg);
    SECURITY_STATUS st;

    if (initiate) {
        SLOT(t, InitializeSecurityContextW);
        st = t->InitializeSecurityContextW(credh, ctxh, (SEC_WCHAR *)c->target, c->req, 0,
                                           c->datarep, (PSecBufferDesc)c->input, 0, &newh,
                                           (PSecBufferDesc)c->output, &attrs, &ts);
    } else {
        SLOT(t, AcceptSecurityContext);
        st = t->AcceptSecurityContext(credh, ctxh, (PSecBufferDesc)c->input, c->req,
                                      c->datarep, &newh, (PSecBufferDesc)c->output,
                                      &attrs, &ts);
    }
    BOOL got_handle = memcmp(&newh, &unset, sizeof(newh)) != 0;
    if (st < 0) {
        if (got_handle && !c->ctx && t->DeleteSecurityContext) t->DeleteSecurityContext(&newh);
        c->expiry = ts.QuadPart;   /* what the package wrote, if anything */
        return st;
    }
    if ((c->req & ISC_REQ_ALLOCATE_MEMORY) && rehome_output(t, c->output) != SEC_E_OK)
        WARN("could not move an output token to our allocator; left with the package's\n");
    c->attrs = attrs;
    c->expiry = ts.QuadPart == SHIM_EXPIRY_UNSET ? 0 : ts.QuadPart;
    if (c->ctx) {
        if (got_handle) host_handle_set(c->ctx, &newh);
    } else if (got_handle) {
        struct host_obj *o = host_obj_new(SHIM_KIND_CTXT, pkg, &newh);
        if (!o) {
            if (t->DeleteSecurityContext) t->DeleteSecurityContext(&newh);
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        c->new_ctx = &o->hdr;
    }
    return st;
}

static shim_status host_init(struct shim_ctx_call *c) { return host_context_call(c, TRUE); }
static shim_status host_accept(struct shim_ctx_call *c) { return host_context_call(c, FALSE); }

static shim_status host_complete(shim_ctx *ctx, struct shim_buffer_desc *tok)
{
    SLOT(OBJT(ctx), CompleteAuthToken);
    return OBJT(ctx)->CompleteAuthToken(HOSTH(ctx), (PSecBufferDesc)tok);
}

static shim_status host_delete(shim_ctx *ctx)
{
    SLOT(OBJT(ctx), DeleteSecurityContext);
    return OBJT(ctx)->DeleteSecurityContext(HOSTH(ctx));
}

static shim_status host_apply(shim_ctx *ctx, struct shim_buffer_desc *in)
{
    SLOT(OBJT(ctx), ApplyControlToken);
    return OBJT(ctx)->ApplyControlToken(HOSTH(ctx), (PSecBufferDesc)in);
}

static shim_status host_query_ctx(shim_ctx *ctx, uint32_t attr, void *buf)
{
    SLOT(OBJT(ctx), QueryContextAttributesW);
    return OBJT(ctx)->QueryContextAttributesW(HOSTH(ctx), attr, buf);
}

static shim_status host_set_ctx(shim_ctx *ctx, uint32_t attr, void *buf, uint32_t size)
{
    SLOT(OBJT(ctx), SetContextAttributesW);
    return OBJT(ctx)->SetContextAttributesW(HOSTH(ctx), attr, buf, size);
}

static shim_status host_impersonate(shim_ctx *ctx)
{
    SLOT(OBJT(ctx), ImpersonateSecurityContext);
    return OBJT(ctx)->ImpersonateSecurityContext(HOSTH(ctx));
}

static shim_status host_revert(shim_ctx *ctx)
{
    SLOT(OBJT(ctx), RevertSecurityContext);
    return OBJT(ctx)->RevertSecurityContext(HOSTH(ctx));
}

static shim_status host_sign(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *m, uint32_t seq)
{
    SLOT(OBJT(ctx), MakeSignature);
    return OBJT(ctx)->MakeSignature(HOSTH(ctx), qop, (PSecBufferDesc)m, seq);
}

static shim_status host_verify(shim_ctx *ctx, struct shim_buffer_desc *m, uint32_t seq, uint32_t *qop)
{
    ULONG q = 0;
    SLOT(OBJT(ctx), VerifySignature);
    SECURITY_STATUS st = OBJT(ctx)->VerifySignature(HOSTH(ctx), (PSecBufferDesc)m, seq, &q);
    if (qop) *qop = q;
    return st;
}

static shim_status host_encrypt(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *m, uint32_t seq)
{
    SLOT(OBJT(ctx), EncryptMessage);
    return OBJT(ctx)->EncryptMessage(HOSTH(ctx), qop, (PSecBufferDesc)m, seq);
}

static shim_status host_decrypt(shim_ctx *ctx, struct shim_buffer_desc *m, uint32_t seq, uint32_t *qop)
{
    ULONG q = 0;
    SLOT(OBJT(ctx), DecryptMessage);
    SECURITY_STATUS st = OBJT(ctx)->DecryptMessage(HOSTH(ctx), (PSecBufferDesc)m, seq, &q);
    if (qop) *qop = q;
    return st;
}

static shim_status host_token(shim_ctx *ctx, void **token)
{
    SLOT(OBJT(ctx), QuerySecurityContextToken);
    return OBJT(ctx)->QuerySecurityContextToken(HOSTH(ctx), (HANDLE *)token);
}

static const struct shim_package_ops host_ops = {
    .acquire_credentials = host_acquire,
    .free_credentials = host_free_cred,
    .query_credentials_attributes = host_query_cred,
    .set_credentials_attributes = host_set_cred,
    .add_credentials = host_add_cred,
    .initialize_context = host_init,
    .accept_context = host_accept,
    .complete_auth_token = host_complete,
    .delete_context = host_delete,
    .apply_control_token = host_apply,
    .query_context_attributes = host_query_ctx,
    .set_context_attributes = host_set_ctx,
    .impersonate = host_impersonate,
    .revert = host_revert,
    .make_signature = host_sign,
    .verify_signature = host_verify,
    .encrypt = host_encrypt,
    .decrypt = host_decrypt,
    .query_token = host_token,
    .export_context = NULL,   /* no host package implements export (shared/DESIGN.md) */
    .import_context = NULL,   /* nor import */
};

static WCHAR *wdup(const WCHAR *s)
{
    size_t n = s ? wcslen(s) + 1 : 1;
    WCHAR *d = malloc(n * sizeof(WCHAR));
    if (d) memcpy(d, s ? s : L"", n * sizeof(WCHAR));
    return d;
}

/* How much of a table each interface version defines: version 1 ends with
 * DecryptMessage, 2 adds SetContextAttributesW, 3 SetCredentialsAttributesW;
 * later versions add slots we do not call. */
static size_t table_size(ULONG version)
{
    switch (version) {
    case SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION:
        return offsetof(SecurityFunctionTableW, SetContextAttributesW);
    case SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_2:
        return offsetof(SecurityFunctionTableW, SetCredentialsAttributesW);
    case SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_3:
    case SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_4:
    case SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_5:
        return offsetof(SecurityFunctionTableW, SetCredentialsAttributesW) + sizeof(void *);
    default:
        return 0;
    }
}

struct foreign *foreign_new(const SecurityFunctionTableW *table, HMODULE module, const WCHAR *origin)
{
    size_t size;
    if (!table) {
        WARN("%s: no function table; skipped\n", dbg_wstr(WSTR(origin)));
        return NULL;
    }
    if (!(size = table_size(table->dwVersion))) {
        WARN("%s: function table version %lu unknown; skipped\n", dbg_wstr(WSTR(origin)),
             (unsigned long)table->dwVersion);
        return NULL;
    }
    struct foreign *f = calloc(1, sizeof(*f));
    if (!f || !(f->origin = wdup(origin))) {
        free(f);
        return NULL;
    }
    memcpy(&f->t, table, size);
    /* Without these no package of the DLL can be listed, used or cleaned up. */
    if (!f->t.EnumerateSecurityPackagesW || !f->t.AcquireCredentialsHandleW ||
        !f->t.FreeCredentialsHandle || !f->t.FreeContextBuffer) {
        WARN("%s: function table lacks EnumerateSecurityPackagesW, AcquireCredentialsHandleW, "
             "FreeCredentialsHandle or FreeContextBuffer; skipped\n", dbg_wstr(WSTR(origin)));
        foreign_free(f);
        return NULL;
    }
    f->module = module;
    return f;
}

void foreign_free(struct foreign *f)
{
    if (!f) return;
    free(f->origin);
    free(f);
}

const WCHAR *foreign_origin(const struct shim_package *pkg)
{
    return pkg->ops == &host_ops ? ((const struct foreign *)pkg->impl)->origin : NULL;
}

size_t foreign_register(struct foreign *f, uint32_t flags, size_t *present)
{
    ULONG count = 0;
    SecPkgInfoW *info = NULL;
    size_t added = 0;
    if (present) *present = 0;
    SECURITY_STATUS est = f->t.EnumerateSecurityPackagesW(&count, &info);
    if (est != SEC_E_OK || !info) {
        WARN("%s: EnumerateSecurityPackagesW -> %08lx; skipped\n", dbg_wstr(WSTR(f->origin)),
             (unsigned long)est);
        return 0;
    }
    for (ULONG i = 0; i < count; i++) {
        if (!info[i].Name || !info[i].Name[0]) {
            WARN("%s: package %lu has no name; skipped\n", dbg_wstr(WSTR(f->origin)), (unsigned long)i);
            continue;
        }
        if ((flags & SHIM_PKG_DELEGATED) && providers_claimed(info[i].Name)) {
            TRACE("the host's %s comes from SecurityProviders: left out\n", dbg_wstr(WSTR(info[i].Name)));
            continue;
        }
        struct shim_package *p = calloc(1, sizeof(*p));
        WCHAR *name = wdup(info[i].Name), *comment = wdup(info[i].Comment);
        if (!p || !name || !comment) {
            free(p); free(name); free(comment);
            break;
        }
        p->info.capabilities = info[i].fCapabilities;
        p->info.version = info[i].wVersion;
        p->info.rpcid = info[i].wRPCID;
        p->info.max_token = info[i].cbMaxToken;
        p->info.name = WSTR(name);
        p->info.comment = WSTR(comment);
        p->ops = &host_ops;
        p->impl = f;
        /* Stream (TLS) packages take SCHANNEL_CRED-style auth data; the rest
         * take SEC_WINNT_AUTH_IDENTITY, which the A entry points convert. */
        p->flags = flags | ((info[i].fCapabilities & SECPKG_FLAG_STREAM) ? 0 : SHIM_PKG_TAKES_IDENTITY);
        shim_status st = registry_add(p);
        if (st != SHIM_OK) {   /* a package of ours, or one registered earlier, by that name wins */
            TRACE("%s: %s not registered (%08lx)\n", dbg_wstr(WSTR(f->origin)), dbg_wstr(WSTR(name)),
                  (unsigned long)st);
            if (present && st == SHIM_E_INVALID_PARAMETER) (*present)++;
            free(name); free(comment); free(p);
        } else {
            added++;
        }
    }
    f->t.FreeContextBuffer(info);
    return added;
}

/* Registry loader: every host package we do not serve ourselves. */
void host_register_packages(void)
{
    if (!host_module() || !host_table) return;
    if (!host_foreign && (host_foreign = foreign_new(host_table, host, host_how)) &&
        host_table->dwVersion == SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION) {
        /* Wine 8's builtin says version 1 but fills SetContextAttributesW;
         * the slot after it is not part of its table (measured: garbage). */
        host_foreign->t.SetContextAttributesW = host_table->SetContextAttributesW;
    }
    if (host_foreign) foreign_register(host_foreign, SHIM_PKG_DELEGATED, NULL);
}
