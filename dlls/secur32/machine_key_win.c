/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine key file's platform side on Windows (sys.h): where it lives,
 * reading it, and creating it exclusively.  The accounts file is read and
 * stamped through the same sys_read_file and sys_file_stamp.
 *
 * Paths cross sys.h in UTF-8 and are converted here, so a prefix path in
 * any language survives.  Access: the folder and the file are created with
 * a protected DACL granting only the current user.  Under Wine that is
 * what decides the Unix mode: wineserver turns an ACE for the token's user
 * into user and group bits, so the file is created 0660 and the folder
 * 0770, minus the umask (0640/0750 with the usual 022), with nothing for
 * others.  Wine cannot drop the group bits, and a folder that already
 * existed keeps its mode; the prefix folder's own permissions (~/.wine is
 * the user's) are the real boundary.  On Windows the same DACL keeps other
 * users out, inherited ACEs of ProgramData included. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "secur32_private.h"

#include "sspishim/sys.h"

static WCHAR *utf8_to_w(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    WCHAR *w = n > 0 ? malloc(n * sizeof(WCHAR)) : NULL;
    if (w && !MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n)) {
        free(w);
        w = NULL;
    }
    return w;
}

/* A path from sys.h as CreateFileW takes it.  A Unix path (what
 * KRB5_CONFIG, KRB5_KTNAME and KRB5CCNAME hold under Wine) goes through
 * Wine's own mapping, usually onto Z:; without Wine it stays as it is and
 * will not be found. */
static WCHAR *path_to_w(const char *s)
{
    typedef WCHAR *(CDECL *to_dos_fn)(const char *);
    to_dos_fn to_dos;
    WCHAR *dos, *w;

    if (s[0] != '/')
        return utf8_to_w(s);
    to_dos = (to_dos_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_dos_file_name");
    if (!to_dos || !(dos = to_dos(s)))
        return utf8_to_w(s);
    w = _wcsdup(dos);
    HeapFree(GetProcessHeap(), 0, dos);
    return w;
}

static char *w_to_utf8(const WCHAR *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? malloc(n) : NULL;
    if (s && !WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL)) {
        free(s);
        s = NULL;
    }
    return s;
}

/* A security descriptor whose DACL allows `mask` to the current user and
 * nobody else, and inherits nothing.  The caller frees *buf. */
struct owner_only {
    SECURITY_ATTRIBUTES sa;
    SECURITY_DESCRIPTOR sd;
    void *buf;   /* the token's user and the ACL */
};

static BOOL owner_only_init(struct owner_only *o, DWORD mask, BYTE inherit)
{
    HANDLE token;
    DWORD size = 0, acl_size;
    TOKEN_USER *user;
    ACL *acl;

    o->buf = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return FALSE;
    GetTokenInformation(token, TokenUser, NULL, 0, &size);
    if (!size || !(o->buf = malloc(size + 1024))) {
        CloseHandle(token);
        return FALSE;
    }
    user = o->buf;
    if (!GetTokenInformation(token, TokenUser, user, size, &size)) goto fail;
    CloseHandle(token);
    token = NULL;

    acl = (ACL *)((BYTE *)o->buf + ((size + 7) & ~7u));
    acl_size = sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) + GetLengthSid(user->User.Sid);
    if (((size + 7) & ~7u) + acl_size > size + 1024) goto fail;
    if (!InitializeAcl(acl, acl_size, ACL_REVISION)
        || !AddAccessAllowedAceEx(acl, ACL_REVISION, inherit, mask, user->User.Sid)
        || !InitializeSecurityDescriptor(&o->sd, SECURITY_DESCRIPTOR_REVISION)
        || !SetSecurityDescriptorDacl(&o->sd, TRUE, acl, FALSE)
        || !SetSecurityDescriptorControl(&o->sd, SE_DACL_PROTECTED, SE_DACL_PROTECTED))
        goto fail;
    o->sa.nLength = sizeof(o->sa);
    o->sa.lpSecurityDescriptor = &o->sd;
    o->sa.bInheritHandle = FALSE;
    return TRUE;

fail:
    if (token) CloseHandle(token);
    free(o->buf);
    o->buf = NULL;
    return FALSE;
}

/* With a DACL when one can be made; without, the file is still created
 * (the prefix folder's permissions still apply). */
static SECURITY_ATTRIBUTES *owner_only_sa(struct owner_only *o)
{
    return o->buf ? &o->sa : NULL;
}

/* A Unix path (SSPISHIM_MACHINE_KEY=/home/...), as Wine users write them,
 * through kernel32's wine_get_dos_file_name, as sys_accounts_path does. */
static char *unix_to_dos(const WCHAR *value)
{
    typedef WCHAR *(CDECL *to_dos_fn)(const char *);
    to_dos_fn to_dos = (to_dos_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                         "wine_get_dos_file_name");
    char *unix_path, *ret = NULL;
    WCHAR *dos;

    if (!to_dos || !(unix_path = w_to_utf8(value))) return NULL;
    if ((dos = to_dos(unix_path))) {
        ret = w_to_utf8(dos);
        HeapFree(GetProcessHeap(), 0, dos);
    }
    free(unix_path);
    return ret;
}

char *sys_machine_key_path(void)
{
    WCHAR value[MAX_PATH * 2];
    DWORD n = GetEnvironmentVariableW(L"SSPISHIM_MACHINE_KEY", value, MAX_PATH * 2);
    struct owner_only o;

    if (n && n < MAX_PATH * 2) {
        if (value[0] == '/') {
            char *dos = unix_to_dos(value);
            if (dos) return dos;
        }
        return w_to_utf8(value);
    }
    n = GetEnvironmentVariableW(L"ProgramData", value, MAX_PATH);
    if (!n || n >= MAX_PATH) wcscpy(value, L"C:\\ProgramData");
    wcscat(value, L"\\sspishim");
    owner_only_init(&o, FILE_ALL_ACCESS, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE);
    if (!CreateDirectoryW(value, owner_only_sa(&o)) && GetLastError() != ERROR_ALREADY_EXISTS)
        WARN("cannot create %s: error %lu\n", dbg_wstr(WSTR(value)), GetLastError());
    free(o.buf);
    wcscat(value, L"\\machine.key");
    return w_to_utf8(value);
}

static BOOL write_all(HANDLE h, const void *data, size_t len)
{
    const BYTE *p = data;

    while (len) {
        DWORD chunk = len > 0x10000 ? 0x10000 : (DWORD)len, done = 0;
        if (!WriteFile(h, p, chunk, &done, NULL) || !done) return FALSE;
        p += done;
        len -= done;
    }
    return TRUE;
}

/* Written to a temporary file beside it, then given its name with a hard
 * link: CreateHardLinkW ends in link(), which the kernel makes fail when
 * the name exists, whatever process or wineserver is racing (two prefixes
 * may share one key file through SSPISHIM_MACHINE_KEY).  Where there are no
 * hard links, a rename without MOVEFILE_REPLACE_EXISTING instead: wineserver
 * checks and renames in one step, but only for the processes of its own
 * prefix.  Either way the file appears whole or not at all. */
int sys_create_exclusive(const char *path, const void *data, size_t len)
{
    static LONG serial;
    WCHAR *wpath = utf8_to_w(path), *tmp = NULL;
    struct owner_only o;
    int ret = -1;
    HANDLE h;

    if (!wpath) return -1;
    size_t n = wcslen(wpath);
    if (!(tmp = malloc((n + 40) * sizeof(WCHAR)))) goto done;
    swprintf(tmp, n + 40, L"%ls.tmp-%lx-%lx", wpath, GetCurrentProcessId(),
             (unsigned long)InterlockedIncrement(&serial));

    owner_only_init(&o, FILE_GENERIC_READ | FILE_GENERIC_WRITE | DELETE, 0);
    h = CreateFileW(tmp, GENERIC_WRITE, 0, owner_only_sa(&o), CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    free(o.buf);
    if (h == INVALID_HANDLE_VALUE) {
        WARN("cannot create %s: error %lu\n", dbg_wstr(WSTR(tmp)), GetLastError());
        goto done;
    }
    BOOL written = write_all(h, data, len) && FlushFileBuffers(h);
    CloseHandle(h);
    if (!written) {
        DeleteFileW(tmp);
        goto done;
    }
    if (CreateHardLinkW(wpath, tmp, NULL)) {
        DeleteFileW(tmp);
        ret = 0;
    } else if (GetLastError() == ERROR_ALREADY_EXISTS || GetLastError() == ERROR_FILE_EXISTS) {
        DeleteFileW(tmp);
        ret = 1;
    } else if (MoveFileExW(tmp, wpath, MOVEFILE_WRITE_THROUGH)) {
        ret = 0;
    } else {
        DWORD err = GetLastError();
        DeleteFileW(tmp);
        if (err == ERROR_ALREADY_EXISTS || err == ERROR_FILE_EXISTS) ret = 1;
        else WARN("cannot rename to %s: error %lu\n", dbg_astr(path), err);
    }

done:
    free(tmp);
    free(wpath);
    return ret;
}

/* Used for the accounts file too (core/ntlm/accounts.c).  The last write
 * time is the whole FILETIME: msvcrt's stat() has whole seconds only, so a
 * same-length edit within one second went unnoticed. */
int sys_file_stamp(const char *path, struct sys_file_stamp *out)
{
    WCHAR *wpath = path_to_w(path);
    WIN32_FILE_ATTRIBUTE_DATA fa;
    BOOL ok;

    memset(out, 0, sizeof(*out));
    if (!wpath) return -1;
    ok = GetFileAttributesExW(wpath, GetFileExInfoStandard, &fa);
    free(wpath);
    if (!ok) {
        DWORD err = GetLastError();
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND ? 1 : -1;
    }
    if (fa.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) return 1;
    out->size = (uint64_t)fa.nFileSizeHigh << 32 | fa.nFileSizeLow;
    out->mtime = (uint64_t)fa.ftLastWriteTime.dwHighDateTime << 32 | fa.ftLastWriteTime.dwLowDateTime;
    return 0;
}

int sys_read_file(const char *path, void *buf, size_t max, size_t *len)
{
    WCHAR *wpath = path_to_w(path);
    BYTE *p = buf;
    size_t got = 0;
    HANDLE h;

    *len = 0;
    if (!wpath) return -1;
    h = CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    free(wpath);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND ? 1 : -1;
    }
    while (got < max) {
        DWORD chunk = max - got > 0x10000 ? 0x10000 : (DWORD)(max - got), done = 0;
        if (!ReadFile(h, p + got, chunk, &done, NULL)) {
            CloseHandle(h);
            return -1;
        }
        if (!done) break;
        got += done;
    }
    CloseHandle(h);
    *len = got;
    return 0;
}
