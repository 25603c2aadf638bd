/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Both DLLs (x86_64 and i686) export every name Wine 8's secur32 exports
 * (tests/data/secur32-exports.txt), with Wine's ordinals for the two
 * ordinal-only-in-Windows entries.  Reads the PE files themselves, so the
 * 64-bit program checks the 32-bit DLL as well.  The runner passes the data
 * folder in SSPISHIM_TEST_DATA. */
#define TEST_NAME "exports"
#include "test.h"
#include <stdlib.h>

static BYTE *read_file(const char *path, DWORD *size)
{
    HANDLE f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return NULL;
    *size = GetFileSize(f, NULL);
    BYTE *data = malloc(*size + 1);
    DWORD got = 0;
    if (data && (!ReadFile(f, data, *size, &got, NULL) || got != *size)) {
        free(data);
        data = NULL;
    }
    if (data) data[*size] = 0;
    CloseHandle(f);
    return data;
}

/* File offset of an RVA, or 0 when it is outside every section. */
static DWORD rva_to_offset(const IMAGE_SECTION_HEADER *sec, WORD nsec, DWORD rva)
{
    for (WORD i = 0; i < nsec; i++)
        if (rva >= sec[i].VirtualAddress && rva < sec[i].VirtualAddress + sec[i].Misc.VirtualSize)
            return rva - sec[i].VirtualAddress + sec[i].PointerToRawData;
    return 0;
}

struct exports {
    int count;
    const char *names[512];
    WORD ordinals[512];
    const char *dll_name;
};

static int parse_exports(const BYTE *img, DWORD size, WORD want_machine, struct exports *ex)
{
    const IMAGE_DOS_HEADER *dos = (const void *)img;
    if (size < sizeof(*dos) || dos->e_magic != IMAGE_DOS_SIGNATURE) return 0;
    const IMAGE_NT_HEADERS32 *nt = (const void *)(img + dos->e_lfanew);
    ok(nt->FileHeader.Machine == want_machine, "machine %#x, expected %#x\n", nt->FileHeader.Machine, want_machine);
    const IMAGE_DATA_DIRECTORY *dir;
    if (nt->OptionalHeader.Magic == IMAGE_NT_OPTIONAL_HDR64_MAGIC)
        dir = &((const IMAGE_NT_HEADERS64 *)nt)->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
    else
        dir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
    const IMAGE_SECTION_HEADER *sec = (const void *)((const BYTE *)&nt->OptionalHeader + nt->FileHeader.SizeOfOptionalHeader);
    WORD nsec = nt->FileHeader.NumberOfSections;
    DWORD off = rva_to_offset(sec, nsec, dir->VirtualAddress);
    if (!off) return 0;
    const IMAGE_EXPORT_DIRECTORY *ed = (const void *)(img + off);
    const DWORD *names = (const void *)(img + rva_to_offset(sec, nsec, ed->AddressOfNames));
    const WORD *ords = (const void *)(img + rva_to_offset(sec, nsec, ed->AddressOfNameOrdinals));
    ex->dll_name = (const char *)img + rva_to_offset(sec, nsec, ed->Name);
    ex->count = 0;
    for (DWORD i = 0; i < ed->NumberOfNames && ex->count < 512; i++) {
        ex->names[ex->count] = (const char *)img + rva_to_offset(sec, nsec, names[i]);
        ex->ordinals[ex->count] = (WORD)(ords[i] + ed->Base);
        ex->count++;
    }
    return 1;
}

static int find(const struct exports *ex, const char *name)
{
    for (int i = 0; i < ex->count; i++)
        if (!strcmp(ex->names[i], name)) return i;
    return -1;
}

static void check_dll(const char *data, const char *arch, WORD machine, char *list)
{
    char path[MAX_PATH];
    DWORD size;
    snprintf(path, sizeof(path), "%s\\%s\\secur32.dll", data, arch);
    BYTE *img = read_file(path, &size);
    ok(img != NULL, "cannot read %s\n", path);
    if (!img) return;
    static struct exports ex;
    ok(parse_exports(img, size, machine, &ex), "%s: no export directory\n", arch);
    ok(!lstrcmpiA(ex.dll_name, "secur32.dll"), "%s: export directory names %s\n", arch, ex.dll_name);
    int wanted = 0, missing = 0;
    for (char *line = list, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        line[strcspn(line, "\r ")] = 0;
        if (!*line) continue;
        wanted++;
        int i = find(&ex, line);
        if (i < 0) missing++;
        ok(i >= 0, "%s: %s is not exported\n", arch, line);
        if (i >= 0 && !strcmp(line, "SecDeleteUserModeContext")) ok(ex.ordinals[i] == 1, "%s: %s is ordinal %u\n", arch, line, ex.ordinals[i]);
        if (i >= 0 && !strcmp(line, "SecInitUserModeContext")) ok(ex.ordinals[i] == 2, "%s: %s is ordinal %u\n", arch, line, ex.ordinals[i]);
        if (next) next[-1] = '\n';
    }
    ok(wanted >= 70, "the list has only %d names\n", wanted);
    trace("%s: %d exports, %d of %d listed names missing\n", arch, ex.count, missing, wanted);
    /* and none decorated (i686 stdcall names must be exported bare) */
    for (int i = 0; i < ex.count; i++) ok(!strchr(ex.names[i], '@'), "%s: decorated export %s\n", arch, ex.names[i]);
    free(img);
}

static void run_tests(int argc, char **argv)
{
    (void)argc; (void)argv;
    const char *data = getenv("SSPISHIM_TEST_DATA");
    if (!data) {
        skip("SSPISHIM_TEST_DATA is not set: run through tests/wine/run.sh\n");
        return;
    }
    char path[MAX_PATH];
    DWORD size;
    snprintf(path, sizeof(path), "%s\\secur32-exports.txt", data);
    char *list = (char *)read_file(path, &size);
    ok(list != NULL, "cannot read %s\n", path);
    if (!list) return;
    check_dll(data, "x86_64", IMAGE_FILE_MACHINE_AMD64, list);
    check_dll(data, "i686", IMAGE_FILE_MACHINE_I386, list);
    free(list);
}
