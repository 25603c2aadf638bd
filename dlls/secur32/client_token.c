/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The token a server context carries for the client that logged on.
 *
 * On Windows, impersonating a server context runs the thread as the
 * client: its SID and its groups.  Wine 10 exports NtCreateToken, so there
 * each account gets a token of its own:
 * - user: the machine's domain SID (the process user's SID without its
 *   RID: Wine gives every prefix's user S-1-5-21-0-0-0-1000) and a RID
 *   derived from the upper-cased "DOMAIN\user", so the same account has the
 *   same SID in every process and every prefix, and never Wine's own 1000;
 * - groups: Everyone, BUILTIN\Users, NETWORK, Authenticated Users, and the
 *   domain's Domain Users (RID 513), which is also the primary group, as a
 *   network logon's token has them;
 * - SeChangeNotifyPrivilege, enabled, as every Windows logon has it.
 *
 * Wine 8 has no NtCreateToken: there (and when SSPISHIM_CLIENT_TOKEN=
 * process asks for it) every client is the process's own user, one
 * impersonation token shared by all contexts.
 *
 * A token made per logon costs wineserver round trips (about 130 us of a
 * handshake's 160, BENCHMARKS.md), so tokens are kept per account, for the
 * life of the process, in a small table; contexts hold counted references
 * (secur32_live_tokens).  Accounts beyond the table's size get tokens of
 * their own, closed with their last context.  What a caller is handed
 * (QuerySecurityContextToken, ExportSecurityContext) is always a token of
 * its own (DuplicateTokenEx), so adjusting it changes no other context's. */
#include <stdlib.h>
#include <string.h>

#include "secur32_private.h"
#include <winternl.h>

#include "sspishim/sys.h"

typedef NTSTATUS(NTAPI *create_token_fn)(HANDLE *, ACCESS_MASK, OBJECT_ATTRIBUTES *, TOKEN_TYPE, LUID *,
                                         LARGE_INTEGER *, TOKEN_USER *, TOKEN_GROUPS *, TOKEN_PRIVILEGES *,
                                         TOKEN_OWNER *, TOKEN_PRIMARY_GROUP *, TOKEN_DEFAULT_DACL *,
                                         TOKEN_SOURCE *);

#define CACHED_MAX 64
#define NAME_MAX_CHARS 300

struct cached {
    WCHAR name[NAME_MAX_CHARS];        /* upper-cased DOMAIN\user */
    HANDLE token;
};

static SRWLOCK lock = SRWLOCK_INIT;
static struct cached cache[CACHED_MAX];
static unsigned cached_count;
static HANDLE process_token;           /* the shared one (Wine 8, or by choice) */

static INIT_ONCE setup_once = INIT_ONCE_STATIC_INIT;
static create_token_fn create_token;
/* The process user's SID, whose sub-authorities but the last are the
 * machine's domain; kept in a buffer of ours. */
static BYTE process_sid[SECURITY_MAX_SID_SIZE];

static BOOL CALLBACK setup(INIT_ONCE *once, void *param, void **ctx)
{
    char choice[16];
    HANDLE process;
    BYTE buf[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    DWORD len;
    (void)once; (void)param; (void)ctx;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE | TOKEN_QUERY, &process)) return FALSE;
    if (!DuplicateTokenEx(process, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenImpersonation,
                          &process_token)) {
        CloseHandle(process);
        return FALSE;   /* the next call tries again */
    }
    if (GetTokenInformation(process, TokenUser, buf, sizeof(buf), &len) &&
        CopySid(sizeof(process_sid), process_sid, ((TOKEN_USER *)buf)->User.Sid) &&
        *GetSidSubAuthorityCount(process_sid) >= 2) {
        DWORD n = GetEnvironmentVariableA("SSPISHIM_CLIENT_TOKEN", choice, sizeof(choice));
        BOOL shared = n && n < sizeof(choice) && !lstrcmpiA(choice, "process");
        if (!shared) create_token = (create_token_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                                          "NtCreateToken");
    }
    CloseHandle(process);
    TRACE("client tokens: %s\n", create_token ? "one per account (NtCreateToken)" : "the process's own");
    return TRUE;
}

/* FNV-1a over the upper-cased name: stable across processes and builds. */
static DWORD account_rid(const WCHAR *name)
{
    uint32_t h = 2166136261u;
    for (; *name; name++) {
        h ^= *name & 0xff;
        h *= 16777619u;
        h ^= *name >> 8;
        h *= 16777619u;
    }
    /* Clear of the well-known RIDs (below 1000) and Wine's own user (1000),
     * and positive, as RIDs in a SID string are read. */
    return 0x10000 + h % 0x7ffe0000u;
}

/* domain's sub-authorities with rid appended, into sid. */
static BOOL domain_sid(DWORD rid, BYTE sid[SECURITY_MAX_SID_SIZE])
{
    UCHAR n = *GetSidSubAuthorityCount(process_sid);
    if (!CopySid(SECURITY_MAX_SID_SIZE, sid, process_sid)) return FALSE;
    *GetSidSubAuthority(sid, n - 1) = rid;
    return TRUE;
}

static HANDLE make_token(const WCHAR *name)
{
    static SID_IDENTIFIER_AUTHORITY world = { SECURITY_WORLD_SID_AUTHORITY },
                                    nt = { SECURITY_NT_AUTHORITY };
    BYTE user[SECURITY_MAX_SID_SIZE], domain_users[SECURITY_MAX_SID_SIZE];
    PSID everyone = NULL, users = NULL, network = NULL, authenticated = NULL;
    HANDLE token = NULL;

    if (!domain_sid(account_rid(name), user) || !domain_sid(DOMAIN_GROUP_RID_USERS, domain_users) ||
        !AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &everyone) ||
        !AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS, 0, 0, 0, 0, 0, 0,
                                  &users) ||
        !AllocateAndInitializeSid(&nt, 1, SECURITY_NETWORK_RID, 0, 0, 0, 0, 0, 0, 0, &network) ||
        !AllocateAndInitializeSid(&nt, 1, SECURITY_AUTHENTICATED_USER_RID, 0, 0, 0, 0, 0, 0, 0, &authenticated))
        goto done;

    const DWORD attrs = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;
    struct {
        TOKEN_GROUPS head;
        SID_AND_ATTRIBUTES more[4];
    } groups = { { 5, { { domain_users, attrs } } },
                 { { everyone, attrs }, { users, attrs }, { network, attrs }, { authenticated, attrs } } };
    TOKEN_USER tu = { { user, 0 } };
    TOKEN_OWNER owner = { user };
    TOKEN_PRIMARY_GROUP primary = { domain_users };
    TOKEN_DEFAULT_DACL dacl = { NULL };
    TOKEN_PRIVILEGES privs = { 1, { { { 0, 0 }, SE_PRIVILEGE_ENABLED_BY_DEFAULT | SE_PRIVILEGE_ENABLED } } };
    TOKEN_SOURCE source = { "NtLmSsp ", { 0, 0 } };
    SECURITY_QUALITY_OF_SERVICE qos = { sizeof(qos), SecurityImpersonation, SECURITY_STATIC_TRACKING, FALSE };
    OBJECT_ATTRIBUTES oa = { .Length = sizeof(oa), .SecurityQualityOfService = &qos };
    LARGE_INTEGER never = { .QuadPart = 0x7fffffffffffffffLL };
    LUID logon;

    if (!LookupPrivilegeValueW(NULL, L"SeChangeNotifyPrivilege", &privs.Privileges[0].Luid) ||
        !AllocateLocallyUniqueId(&logon) || !AllocateLocallyUniqueId(&source.SourceIdentifier))
        goto done;
    NTSTATUS st = create_token(&token, TOKEN_ALL_ACCESS, &oa, TokenImpersonation, &logon, &never, &tu,
                               &groups.head, &privs, &owner, &primary, &dacl, &source);
    if (st) {
        WARN("NtCreateToken for %s: %#lx\n", dbg_wstr(WSTR(name)), (unsigned long)st);
        token = NULL;
    }
done:
    if (everyone) FreeSid(everyone);
    if (users) FreeSid(users);
    if (network) FreeSid(network);
    if (authenticated) FreeSid(authenticated);
    return token;
}

static BOOL is_cached(HANDLE t)
{
    if (t == process_token) return TRUE;
    for (unsigned i = 0; i < cached_count; i++)
        if (cache[i].token == t) return TRUE;
    return FALSE;
}

int sys_token_for_client(const shim_wchar *user, const shim_wchar *domain, sys_token *out)
{
    WCHAR name[NAME_MAX_CHARS];
    size_t ul = user ? wcslen(WSTR(user)) : 0, dl = domain ? wcslen(WSTR(domain)) : 0;
    HANDLE t = NULL;

    if (!InitOnceExecuteOnce(&setup_once, setup, NULL, NULL)) return -1;
    if (!create_token || dl + ul + 2 > NAME_MAX_CHARS) {
        t = process_token;
    } else {
        memcpy(name, domain ? (const WCHAR *)domain : L"", dl * sizeof(WCHAR));
        name[dl] = '\\';
        memcpy(name + dl + 1, user ? (const WCHAR *)user : L"", ul * sizeof(WCHAR));
        name[dl + 1 + ul] = 0;
        CharUpperBuffW(name, (DWORD)(dl + 1 + ul));
        AcquireSRWLockExclusive(&lock);
        for (unsigned i = 0; i < cached_count && !t; i++)
            if (!wcscmp(cache[i].name, name)) t = cache[i].token;
        if (!t && (t = make_token(name)) && cached_count < CACHED_MAX) {
            memcpy(cache[cached_count].name, name, sizeof(name));
            cache[cached_count++].token = t;
        }
        ReleaseSRWLockExclusive(&lock);
        if (!t) return -1;
    }
    InterlockedIncrement(&secur32_live_tokens);
    *out = t;
    return 0;
}

int sys_token_duplicate_for_caller(sys_token t, void **out)
{
    HANDLE h;
    AcquireSRWLockShared(&lock);
    BOOL shared = is_cached(t);
    ReleaseSRWLockShared(&lock);
    if (shared) {
        if (!DuplicateTokenEx(t, 0, NULL, SecurityImpersonation, TokenImpersonation, &h)) return -1;
    } else if (!DuplicateHandle(GetCurrentProcess(), t, GetCurrentProcess(), &h, 0, FALSE, DUPLICATE_SAME_ACCESS)) {
        return -1;
    }
    *out = h;
    return 0;
}

int sys_token_adopt(void *handle, sys_token *out)
{
    HANDLE h;
    /* DuplicateTokenEx, not DuplicateHandle: it refuses a handle that is
     * not a token, and gives the impersonation token SetThreadToken needs
     * even when the caller passes a primary one. */
    if (!DuplicateTokenEx(handle, 0, NULL, SecurityImpersonation, TokenImpersonation, &h)) return -1;
    InterlockedIncrement(&secur32_live_tokens);
    *out = h;
    return 0;
}

void sys_token_close(sys_token t)
{
    if (!t) return;
    AcquireSRWLockShared(&lock);
    BOOL shared = is_cached(t);
    ReleaseSRWLockShared(&lock);
    if (!shared) CloseHandle(t);
    InterlockedDecrement(&secur32_live_tokens);
}

int sys_impersonate(sys_token t)
{
    return SetThreadToken(NULL, t) ? 0 : -1;
}

int sys_revert(void)
{
    return RevertToSelf() ? 0 : -1;
}

long sys_tokens_live(void)
{
    return secur32_live_tokens;
}
