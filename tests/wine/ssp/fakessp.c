/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* A trivial third-party security package for tests/wine/ssp.c: a two-leg
 * handshake of fixed words, a checksum as signature and XOR as sealing.
 * Nothing here is security; it only has to behave like an SSP DLL.
 *
 * Built several times with one FAKESSP_* define each:
 *   FAKESSP_GOOD     package "FakeSSP", interface version 4
 *   FAKESSP_V1       package "FakeSSPv1", a version-1 table (ends at DecryptMessage)
 *   FAKESSP_NULL     InitSecurityInterfaceW returns NULL
 *   FAKESSP_BADVER   a table of version 99
 *   FAKESSP_NOENUM   a table without EnumerateSecurityPackagesW
 *   FAKESSP_NOINIT   no InitSecurityInterfaceW at all
 * FakeSspLive() reports live handles and buffers, so the test can see that
 * the secur32 in front of it released everything it was given. */
#define SECURITY_WIN32
#define _NO_KSECDD_IMPORT_   /* we define InitSecurityInterfaceW, not import it */
#include <windows.h>
#include <sspi.h>
#include <string.h>

#define EXPORT __declspec(dllexport)

#if defined(FAKESSP_V1)
#define PKG_NAME L"FakeSSPv1"
#define TABLE_VERSION SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION
#elif defined(FAKESSP_BADVER)
#define PKG_NAME L"BadVersionSSP"
#define TABLE_VERSION 99
#elif defined(FAKESSP_NOENUM)
#define PKG_NAME L"NoEnumSSP"
#define TABLE_VERSION SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_4
#else
#define PKG_NAME L"FakeSSP"
#define TABLE_VERSION SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_4
#endif

#define MAGIC 0xfa4e
static const char hello[] = "FAKE-HELLO", welcome[] = "FAKE-WELCOME";

static LONG live_creds, live_ctxs, live_bufs;
static HANDLE private_heap;   /* tokens it allocates come from here, not the process heap */

struct fake_cred { ULONG use; };
struct fake_ctx { int done, server; ULONG seq_out, seq_in; LONG busy; };

/* Deletions of a context while one of its calls was still running: the
 * secur32 in front must never let that happen (the package would free the
 * context under its own call). */
static LONG violations;

EXPORT LONG WINAPI FakeSspViolations(void)
{
    return violations;
}

/* WINAPI, as ssp.c calls it: on i686 a cdecl callee would leave the caller's
 * stack 12 bytes off. */
EXPORT void WINAPI FakeSspLive(LONG *creds, LONG *ctxs, LONG *bufs)
{
    *creds = live_creds;
    *ctxs = live_ctxs;
    *bufs = live_bufs;
}

static void *get(const SecHandle *h)
{
    if (!h || h->dwUpper != MAGIC || !h->dwLower) return NULL;
    return (void *)h->dwLower;
}

static __attribute__((unused)) SECURITY_STATUS SEC_ENTRY fake_enum(ULONG *count, PSecPkgInfoW *info)
{
    static const WCHAR comment[] = L"a test package";
    size_t size = sizeof(SecPkgInfoW) + sizeof(PKG_NAME) + sizeof(comment);
    SecPkgInfoW *p = HeapAlloc(private_heap, 0, size);
    if (!p) return SEC_E_INSUFFICIENT_MEMORY;
    InterlockedIncrement(&live_bufs);
    p->fCapabilities = SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_CONNECTION;
    p->wVersion = 1;
    p->wRPCID = SECPKG_ID_NONE;
    p->cbMaxToken = 64;
    p->Name = (WCHAR *)(p + 1);
    memcpy(p->Name, PKG_NAME, sizeof(PKG_NAME));
    p->Comment = p->Name + sizeof(PKG_NAME) / sizeof(WCHAR);
    memcpy(p->Comment, comment, sizeof(comment));
    *count = 1;
    *info = p;
    return SEC_E_OK;
}

static SECURITY_STATUS SEC_ENTRY fake_free_buffer(void *p)
{
    if (!p) return SEC_E_OK;
    InterlockedDecrement(&live_bufs);
    HeapFree(private_heap, 0, p);
    return SEC_E_OK;
}

static SECURITY_STATUS SEC_ENTRY fake_acquire(SEC_WCHAR *principal, SEC_WCHAR *package, ULONG use, void *logon,
                                              void *auth, SEC_GET_KEY_FN fn, void *arg, PCredHandle cred,
                                              PTimeStamp expiry)
{
    (void)principal; (void)logon; (void)auth; (void)fn; (void)arg;
    if (!package || lstrcmpiW(package, PKG_NAME)) return SEC_E_SECPKG_NOT_FOUND;
    struct fake_cred *c = HeapAlloc(GetProcessHeap(), 0, sizeof(*c));
    if (!c) return SEC_E_INSUFFICIENT_MEMORY;
    c->use = use;
    cred->dwLower = (ULONG_PTR)c;
    cred->dwUpper = MAGIC;
    if (expiry) expiry->QuadPart = 0x7fffffffffffffffLL;
    InterlockedIncrement(&live_creds);
    return SEC_E_OK;
}

static SECURITY_STATUS SEC_ENTRY fake_free_cred(PCredHandle cred)
{
    struct fake_cred *c = get(cred);
    if (!c) return SEC_E_INVALID_HANDLE;
    HeapFree(GetProcessHeap(), 0, c);
    cred->dwLower = 0;
    InterlockedDecrement(&live_creds);
    return SEC_E_OK;
}

static SecBuffer *find(PSecBufferDesc d, ULONG type)
{
    for (ULONG i = 0; d && i < d->cBuffers; i++)
        if ((d->pBuffers[i].BufferType & ~SECBUFFER_ATTRMASK) == type) return &d->pBuffers[i];
    return NULL;
}

static SECURITY_STATUS put_token(PSecBufferDesc out, ULONG req, const char *word)
{
    SecBuffer *b = find(out, SECBUFFER_TOKEN);
    ULONG n = (ULONG)strlen(word);
    if (!b) return SEC_E_INVALID_TOKEN;
    if (req & ISC_REQ_ALLOCATE_MEMORY) {
        if (!(b->pvBuffer = HeapAlloc(private_heap, 0, n))) return SEC_E_INSUFFICIENT_MEMORY;
        InterlockedIncrement(&live_bufs);
    } else if (b->cbBuffer < n) {
        return SEC_E_BUFFER_TOO_SMALL;
    }
    memcpy(b->pvBuffer, word, n);
    b->cbBuffer = n;
    return SEC_E_OK;
}

static BOOL got_token(PSecBufferDesc in, const char *word)
{
    SecBuffer *b = find(in, SECBUFFER_TOKEN);
    size_t n = strlen(word);
    return b && b->pvBuffer && b->cbBuffer == n && !memcmp(b->pvBuffer, word, n);
}

static struct fake_ctx *new_ctx(PCtxtHandle h, int server)
{
    struct fake_ctx *x = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*x));
    if (!x) return NULL;
    x->server = server;
    h->dwLower = (ULONG_PTR)x;
    h->dwUpper = MAGIC;
    InterlockedIncrement(&live_ctxs);
    return x;
}

static SECURITY_STATUS SEC_ENTRY fake_init(PCredHandle cred, PCtxtHandle ctx, SEC_WCHAR *target, ULONG req,
                                           ULONG r1, ULONG rep, PSecBufferDesc in, ULONG r2,
                                           PCtxtHandle new_ctx_h, PSecBufferDesc out, ULONG *attrs,
                                           PTimeStamp expiry)
{
    (void)target; (void)r1; (void)rep; (void)r2;
    if (expiry) expiry->QuadPart = 0x7fffffffffffffffLL;
    if (!ctx) {
        if (!get(cred)) return SEC_E_INVALID_HANDLE;
        SECURITY_STATUS st = put_token(out, req, hello);
        if (st != SEC_E_OK) return st;
        if (!new_ctx(new_ctx_h, 0)) return SEC_E_INSUFFICIENT_MEMORY;
        if (attrs) *attrs = req & ISC_REQ_ALLOCATE_MEMORY;
        return SEC_I_CONTINUE_NEEDED;
    }
    struct fake_ctx *x = get(ctx);
    if (!x || x->server) return SEC_E_INVALID_HANDLE;
    if (!got_token(in, welcome)) return SEC_E_INVALID_TOKEN;
    x->done = 1;
    SecBuffer *b = find(out, SECBUFFER_TOKEN);
    if (b) b->cbBuffer = 0;
    if (attrs) *attrs = ISC_RET_INTEGRITY | ISC_RET_CONFIDENTIALITY;
    return SEC_E_OK;
}

static SECURITY_STATUS SEC_ENTRY fake_accept(PCredHandle cred, PCtxtHandle ctx, PSecBufferDesc in, ULONG req,
                                             ULONG rep, PCtxtHandle new_ctx_h, PSecBufferDesc out,
                                             ULONG *attrs, PTimeStamp expiry)
{
    (void)rep;
    if (expiry) expiry->QuadPart = 0x7fffffffffffffffLL;
    if (ctx || !get(cred)) return SEC_E_INVALID_HANDLE;
    if (!got_token(in, hello)) return SEC_E_INVALID_TOKEN;
    SECURITY_STATUS st = put_token(out, req, welcome);
    if (st != SEC_E_OK) return st;
    struct fake_ctx *x = new_ctx(new_ctx_h, 1);
    if (!x) return SEC_E_INSUFFICIENT_MEMORY;
    x->done = 1;
    if (attrs) *attrs = ASC_RET_INTEGRITY | ASC_RET_CONFIDENTIALITY;
    return SEC_E_OK;
}

static SECURITY_STATUS SEC_ENTRY fake_delete(PCtxtHandle ctx)
{
    struct fake_ctx *x = get(ctx);
    if (!x) return SEC_E_INVALID_HANDLE;
    if (x->busy) {
        /* kept, so that the running call does not crash the test */
        InterlockedIncrement(&violations);
        ctx->dwLower = 0;
        return SEC_E_OK;
    }
    HeapFree(GetProcessHeap(), 0, x);
    ctx->dwLower = 0;
    InterlockedDecrement(&live_ctxs);
    return SEC_E_OK;
}

static SECURITY_STATUS SEC_ENTRY fake_query_ctx(PCtxtHandle ctx, ULONG attr, void *buf)
{
    struct fake_ctx *x = get(ctx);
    if (!x) return SEC_E_INVALID_HANDLE;
    if (attr != SECPKG_ATTR_SIZES) return SEC_E_UNSUPPORTED_FUNCTION;
    SecPkgContext_Sizes *s = buf;
    s->cbMaxToken = 64;
    s->cbMaxSignature = 8;
    s->cbBlockSize = 1;
    s->cbSecurityTrailer = 8;
    return SEC_E_OK;
}

static SECURITY_STATUS SEC_ENTRY fake_set_ctx(PCtxtHandle ctx, ULONG attr, void *buf, ULONG size)
{
    (void)attr; (void)buf; (void)size;
    return get(ctx) ? SEC_E_OK : SEC_E_INVALID_HANDLE;
}

/* signature: a sum of the data and the sequence number, 4 bytes each */
static ULONG sum(PSecBufferDesc msg)
{
    ULONG s = 0x1234;
    SecBuffer *d = find(msg, SECBUFFER_DATA);
    for (ULONG i = 0; d && i < d->cbBuffer; i++) s = s * 31 + ((unsigned char *)d->pvBuffer)[i];
    return s;
}

static SECURITY_STATUS sign(struct fake_ctx *x, PSecBufferDesc msg)
{
    SecBuffer *t = find(msg, SECBUFFER_TOKEN);
    if (!t || t->cbBuffer < 8 || !find(msg, SECBUFFER_DATA)) return SEC_E_INVALID_TOKEN;
    ULONG v[2] = { sum(msg), x->seq_out++ };
    memcpy(t->pvBuffer, v, 8);
    t->cbBuffer = 8;
    return SEC_E_OK;
}

static SECURITY_STATUS verify(struct fake_ctx *x, PSecBufferDesc msg)
{
    SecBuffer *t = find(msg, SECBUFFER_TOKEN);
    ULONG v[2];
    if (!t || t->cbBuffer < 8 || !find(msg, SECBUFFER_DATA)) return SEC_E_INVALID_TOKEN;
    memcpy(v, t->pvBuffer, 8);
    if (v[1] != x->seq_in) return SEC_E_OUT_OF_SEQUENCE;
    if (v[0] != sum(msg)) return SEC_E_MESSAGE_ALTERED;
    x->seq_in++;
    return SEC_E_OK;
}

static void xor_data(PSecBufferDesc msg)
{
    SecBuffer *d = find(msg, SECBUFFER_DATA);
    for (ULONG i = 0; d && i < d->cbBuffer; i++) ((unsigned char *)d->pvBuffer)[i] ^= 0x5a;
}

static SECURITY_STATUS SEC_ENTRY fake_sign(PCtxtHandle ctx, ULONG qop, PSecBufferDesc msg, ULONG seq)
{
    struct fake_ctx *x = get(ctx);
    (void)qop; (void)seq;
    if (!x) return SEC_E_INVALID_HANDLE;
    return x->done ? sign(x, msg) : SEC_E_OUT_OF_SEQUENCE;
}

static SECURITY_STATUS SEC_ENTRY fake_verify(PCtxtHandle ctx, PSecBufferDesc msg, ULONG seq, ULONG *qop)
{
    struct fake_ctx *x = get(ctx);
    (void)seq;
    if (!x) return SEC_E_INVALID_HANDLE;
    if (qop) *qop = 0;
    return x->done ? verify(x, msg) : SEC_E_OUT_OF_SEQUENCE;
}

static SECURITY_STATUS SEC_ENTRY fake_encrypt(PCtxtHandle ctx, ULONG qop, PSecBufferDesc msg, ULONG seq)
{
    struct fake_ctx *x = get(ctx);
    (void)qop; (void)seq;
    if (!x) return SEC_E_INVALID_HANDLE;
    if (!x->done) return SEC_E_OUT_OF_SEQUENCE;
    /* A message starting "SLOW" takes its time: long enough for another
     * thread to delete the context meanwhile. */
    SecBuffer *d = find(msg, SECBUFFER_DATA);
    InterlockedIncrement(&x->busy);
    if (d && d->cbBuffer >= 4 && !memcmp(d->pvBuffer, "SLOW", 4)) Sleep(400);
    SECURITY_STATUS st = sign(x, msg);
    if (st == SEC_E_OK) xor_data(msg);
    InterlockedDecrement(&x->busy);
    return st;
}

static SECURITY_STATUS SEC_ENTRY fake_decrypt(PCtxtHandle ctx, PSecBufferDesc msg, ULONG seq, ULONG *qop)
{
    struct fake_ctx *x = get(ctx);
    (void)seq;
    if (!x) return SEC_E_INVALID_HANDLE;
    if (!x->done) return SEC_E_OUT_OF_SEQUENCE;
    if (qop) *qop = 0;
    xor_data(msg);
    SECURITY_STATUS st = verify(x, msg);
    if (st != SEC_E_OK) xor_data(msg);   /* leave the caller's buffer as it was */
    return st;
}

/* Slots a trivial package leaves empty stay NULL: the secur32 in front of it
 * answers SEC_E_UNSUPPORTED_FUNCTION for them. */
static SecurityFunctionTableW table = {
    .dwVersion = TABLE_VERSION,
#ifndef FAKESSP_NOENUM
    .EnumerateSecurityPackagesW = fake_enum,
#endif
    .QueryCredentialsAttributesW = NULL,   /* nothing to say about a credential */
    .AcquireCredentialsHandleW = fake_acquire,
    .FreeCredentialsHandle = fake_free_cred,
    .InitializeSecurityContextW = fake_init,
    .AcceptSecurityContext = fake_accept,
    .CompleteAuthToken = NULL,             /* never asks for completion */
    .DeleteSecurityContext = fake_delete,
    .ApplyControlToken = NULL,             /* no control tokens */
    .QueryContextAttributesW = fake_query_ctx,
    .ImpersonateSecurityContext = NULL,    /* no tokens */
    .RevertSecurityContext = NULL,
    .MakeSignature = fake_sign,
    .VerifySignature = fake_verify,
    .FreeContextBuffer = fake_free_buffer,
    .QuerySecurityPackageInfoW = NULL,     /* the caller's secur32 answers from the enumeration */
    .ExportSecurityContext = NULL,         /* no export */
    .ImportSecurityContextW = NULL,
    .AddCredentialsW = NULL,
    .QuerySecurityContextToken = NULL,
    .EncryptMessage = fake_encrypt,
    .DecryptMessage = fake_decrypt,
    /* past the end of a version-1 table: a v1 caller never reads it */
    .SetContextAttributesW = fake_set_ctx,
};

#ifndef FAKESSP_NOINIT
EXPORT PSecurityFunctionTableW SEC_ENTRY InitSecurityInterfaceW(void)
{
#ifdef FAKESSP_NULL
    return NULL;
#else
    return &table;
#endif
}
#endif

/* Referenced so that no variant warns about an unused table. */
EXPORT const void *FakeSspTable(void)
{
    return &table;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    (void)inst; (void)reserved;
    if (reason == DLL_PROCESS_ATTACH && !(private_heap = HeapCreate(0, 0, 0))) return FALSE;
    return TRUE;
}
