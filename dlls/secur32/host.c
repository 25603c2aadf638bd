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
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "secur32_private.h"
#include "sspishim/sys.h"

static INIT_ONCE host_once = INIT_ONCE_STATIC_INIT;
static HMODULE host;
static const SecurityFunctionTableW *host_table;
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

/* ---- delegated objects: our handle wraps the host's ------------------- */

struct host_obj {
    struct shim_object hdr;
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
    o->h = *h;
    return o;
}

#define HOSTH(obj) (&((struct host_obj *)(obj))->h)
#define PKGNAME(pkg) ((SEC_WCHAR *)(pkg)->info.name)

static shim_status host_acquire(const struct shim_package *pkg, const shim_wchar *principal,
                                    uint32_t use, void *logon_id, void *auth, void *get_key,
                                    void *get_key_arg, shim_cred **out, int64_t *expiry)
{
    CredHandle h;
    TimeStamp ts = {0};
    SECURITY_STATUS st = host_table->AcquireCredentialsHandleW(
        (SEC_WCHAR *)principal, PKGNAME(pkg), use, logon_id, auth, (SEC_GET_KEY_FN)get_key,
        get_key_arg, &h, &ts);
    if (st != SEC_E_OK) return st;
    struct host_obj *o = host_obj_new(SHIM_KIND_CRED, pkg, &h);
    if (!o) {
        host_table->FreeCredentialsHandle(&h);
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    *out = &o->hdr;
    *expiry = ts.QuadPart;
    return SEC_E_OK;
}

static shim_status host_free_cred(shim_cred *cred)
{
    return host_table->FreeCredentialsHandle(HOSTH(cred));
}

static shim_status host_query_cred(shim_cred *cred, uint32_t attr, void *buf)
{
    return host_table->QueryCredentialsAttributesW(HOSTH(cred), attr, buf);
}

static shim_status host_set_cred(shim_cred *cred, uint32_t attr, void *buf, uint32_t size)
{
    if (!host_table->SetCredentialsAttributesW) return SEC_E_UNSUPPORTED_FUNCTION;
    return host_table->SetCredentialsAttributesW(HOSTH(cred), attr, buf, size);
}

static shim_status host_add_cred(shim_cred *cred, const shim_wchar *principal,
                                     const shim_wchar *package, uint32_t use, void *auth,
                                     void *get_key, void *get_key_arg, int64_t *expiry)
{
    TimeStamp ts = {0};
    SECURITY_STATUS st = host_table->AddCredentialsW(HOSTH(cred), (SEC_WCHAR *)principal,
                                                     (SEC_WCHAR *)package, use, auth,
                                                     (SEC_GET_KEY_FN)get_key, get_key_arg, &ts);
    *expiry = ts.QuadPart;
    return st;
}

/* Output tokens the host allocated (ISC/ASC_REQ_ALLOCATE_MEMORY) move to our
 * allocator, so that every buffer we hand out has one owner. */
static SECURITY_STATUS rehome_output(struct shim_buffer_desc *out)
{
    if (!out || !out->buffers) return SEC_E_OK;
    for (uint32_t i = 0; i < out->count; i++) {
        struct shim_buffer *b = &out->buffers[i];
        if (!b->pv) continue;
        void *mine = sys_caller_alloc(b->cb);
        if (!mine) return SEC_E_INSUFFICIENT_MEMORY;
        memcpy(mine, b->pv, b->cb);
        host_table->FreeContextBuffer(b->pv);
        b->pv = mine;
    }
    return SEC_E_OK;
}

static shim_status host_context_call(struct shim_ctx_call *c, BOOL initiate)
{
    static const SecHandle unset = { (ULONG_PTR)-1, (ULONG_PTR)-1 };
    CtxtHandle newh = unset;
    TimeStamp ts = {0};
    ULONG attrs = 0;
    CredHandle *credh = c->cred ? HOSTH(c->cred) : NULL;
    CtxtHandle *ctxh = c->ctx ? HOSTH(c->ctx) : NULL;
    const struct shim_package *pkg = c->ctx ? c->ctx->pkg : c->cred->pkg;
    SECURITY_STATUS st;

    if (initiate)
        st = host_table->InitializeSecurityContextW(credh, ctxh, (SEC_WCHAR *)c->target, c->req, 0,
                                                    c->datarep, (PSecBufferDesc)c->input, 0, &newh,
                                                    (PSecBufferDesc)c->output, &attrs, &ts);
    else
        st = host_table->AcceptSecurityContext(credh, ctxh, (PSecBufferDesc)c->input, c->req,
                                               c->datarep, &newh, (PSecBufferDesc)c->output,
                                               &attrs, &ts);
    BOOL got_handle = memcmp(&newh, &unset, sizeof(newh)) != 0;
    if (st < 0) {
        if (got_handle && !c->ctx) host_table->DeleteSecurityContext(&newh);
        return st;
    }
    if ((c->req & ISC_REQ_ALLOCATE_MEMORY) && rehome_output(c->output) != SEC_E_OK)
        WARN("could not move an output token to our allocator; left with the host's\n");
    c->attrs = attrs;
    c->expiry = ts.QuadPart;
    if (c->ctx) {
        if (got_handle) *HOSTH(c->ctx) = newh;
    } else if (got_handle) {
        struct host_obj *o = host_obj_new(SHIM_KIND_CTXT, pkg, &newh);
        if (!o) {
            host_table->DeleteSecurityContext(&newh);
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
    return host_table->CompleteAuthToken(HOSTH(ctx), (PSecBufferDesc)tok);
}

static shim_status host_delete(shim_ctx *ctx)
{
    return host_table->DeleteSecurityContext(HOSTH(ctx));
}

static shim_status host_apply(shim_ctx *ctx, struct shim_buffer_desc *in)
{
    return host_table->ApplyControlToken(HOSTH(ctx), (PSecBufferDesc)in);
}

static shim_status host_query_ctx(shim_ctx *ctx, uint32_t attr, void *buf)
{
    return host_table->QueryContextAttributesW(HOSTH(ctx), attr, buf);
}

static shim_status host_set_ctx(shim_ctx *ctx, uint32_t attr, void *buf, uint32_t size)
{
    if (!host_table->SetContextAttributesW) return SEC_E_UNSUPPORTED_FUNCTION;
    return host_table->SetContextAttributesW(HOSTH(ctx), attr, buf, size);
}

static shim_status host_impersonate(shim_ctx *ctx)
{
    return host_table->ImpersonateSecurityContext(HOSTH(ctx));
}

static shim_status host_revert(shim_ctx *ctx)
{
    return host_table->RevertSecurityContext(HOSTH(ctx));
}

static shim_status host_sign(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *m, uint32_t seq)
{
    return host_table->MakeSignature(HOSTH(ctx), qop, (PSecBufferDesc)m, seq);
}

static shim_status host_verify(shim_ctx *ctx, struct shim_buffer_desc *m, uint32_t seq, uint32_t *qop)
{
    ULONG q = 0;
    SECURITY_STATUS st = host_table->VerifySignature(HOSTH(ctx), (PSecBufferDesc)m, seq, &q);
    if (qop) *qop = q;
    return st;
}

static shim_status host_encrypt(shim_ctx *ctx, uint32_t qop, struct shim_buffer_desc *m, uint32_t seq)
{
    return host_table->EncryptMessage(HOSTH(ctx), qop, (PSecBufferDesc)m, seq);
}

static shim_status host_decrypt(shim_ctx *ctx, struct shim_buffer_desc *m, uint32_t seq, uint32_t *qop)
{
    ULONG q = 0;
    SECURITY_STATUS st = host_table->DecryptMessage(HOSTH(ctx), (PSecBufferDesc)m, seq, &q);
    if (qop) *qop = q;
    return st;
}

static shim_status host_token(shim_ctx *ctx, void **token)
{
    return host_table->QuerySecurityContextToken(HOSTH(ctx), (HANDLE *)token);
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

/* Registry loader: every host package we do not serve ourselves. */
void host_register_packages(void)
{
    ULONG count = 0;
    SecPkgInfoW *info = NULL;
    if (!host_module() || !host_table || !host_table->EnumerateSecurityPackagesW) return;
    if (host_table->EnumerateSecurityPackagesW(&count, &info) != SEC_E_OK || !info) return;
    for (ULONG i = 0; i < count; i++) {
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
        /* Stream (TLS) packages take SCHANNEL_CRED-style auth data; the rest
         * take SEC_WINNT_AUTH_IDENTITY, which the A entry points convert. */
        p->flags = SHIM_PKG_DELEGATED | ((info[i].fCapabilities & SECPKG_FLAG_STREAM) ? 0 : SHIM_PKG_TAKES_IDENTITY);
        if (registry_add(p) != SHIM_OK) {   /* a package of ours by that name wins */
            free(name); free(comment); free(p);
        }
    }
    host_table->FreeContextBuffer(info);
}
