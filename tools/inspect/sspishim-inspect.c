/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* sspishim-inspect: what a packed context (ExportSecurityContext's blob)
 * says about itself, and whether this prefix's machine key opens it.
 *
 *   sspishim-inspect [--key KEYFILE] FILE|-
 *
 * The key file is, in order: --key, $SSPISHIM_MACHINE_KEY, the prefix's
 * C:\ProgramData\sspishim\machine.key ($WINEPREFIX, default ~/.wine).  It
 * is read, never created.  The verdict comes from the tag alone
 * (packed_verify), and the key id is a PRF output that names a key without
 * revealing it.  A Kerberos blob that verifies is then opened to describe
 * its payload's non-secret fields (names, etypes, flags, sequence numbers,
 * times); key bytes are never printed, and the payload is wiped.
 * Exit status: 0 it verifies, 1 it does not (or cannot be checked), 2 usage
 * or unreadable input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sspishim/crypto.h"
#include "sspishim/kerberos.h"
#include "sspishim/krb_crypto.h"
#include "sspishim/machine_key.h"
#include "sspishim/packed.h"

static const char *role_name(uint8_t role)
{
    return role == PACKED_ROLE_CLIENT ? "client" : role == PACKED_ROLE_SERVER ? "server" : "?";
}

static void hex(const char *label, const uint8_t *p, size_t n)
{
    printf("%-13s", label);
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

static const char *why(shim_status st)
{
    switch (st) {
    case SHIM_E_INVALID_TOKEN: return "not a packed context, or truncated or padded";
    case SHIM_E_UNSUPPORTED_FUNCTION: return "a version or flags this release cannot read";
    case SHIM_E_DECRYPT_FAILURE: return "sealed with another machine key (another prefix or machine)";
    case SHIM_E_MESSAGE_ALTERED: return "altered after it was made";
    default: return "cannot be checked";
    }
}

static uint8_t *read_input(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    if (!f || !buf) {
        fprintf(stderr, "sspishim-inspect: %s: %s\n", path, strerror(errno));
        free(buf);
        return NULL;
    }
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) {
            uint8_t *more = cap < (PACKED_PAYLOAD_MAX + 4096) ? realloc(buf, cap *= 2) : NULL;
            if (!more) { fprintf(stderr, "sspishim-inspect: %s: too large\n", path); free(buf); buf = NULL; break; }
            buf = more;
        }
    }
    if (f != stdin) fclose(f);
    *len = n;
    return buf;
}

static const char *etype_text(int32_t etype)
{
    const char *n = krb_crypto_name(etype);
    return n ? n : "unknown";
}

static void unix_time(const char *label, int64_t t)
{
    char buf[64];
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
        printf("%-13s%s\n", label, buf);
    else
        printf("%-13s%lld\n", label, (long long)t);
}

/* The non-secret fields of a Kerberos payload; never a key byte. */
static void describe_kerberos(const uint8_t *payload, size_t len)
{
    struct kerberos_payload_info i;
    shim_status st = kerberos_payload_describe(payload, len, &i);
    if (st != SHIM_OK) {
        printf("%-13sKerberos payload that does not read (%08x)\n", "contents", (unsigned)st);
        return;
    }
    printf("%-13sKerberos payload version %u, %s\n", "contents", i.version, i.server ? "server" : "client");
    printf("%-13s%s\n", "client", i.client);
    printf("%-13s%s\n", "service", i.service);
    if (i.target[0]) printf("%-13s%s\n", "target", i.target);
    printf("%-13s%s (%d)\n", "session key", etype_text(i.session_etype), i.session_etype);
    if (i.init_subkey_etype)
        printf("%-13s%s (%d)\n", "init subkey", etype_text(i.init_subkey_etype), i.init_subkey_etype);
    if (i.acc_subkey_etype)
        printf("%-13s%s (%d)\n", "acc subkey", etype_text(i.acc_subkey_etype), i.acc_subkey_etype);
    printf("%-13sreq %#x, attrs %#x, GSS %#x%s%s%s%s%s\n", "flags", i.req, i.attrs, i.gss_flags,
           i.gss_flags & 0x02 ? " mutual" : "", i.gss_flags & 0x04 ? " replay" : "",
           i.gss_flags & 0x08 ? " sequence" : "", i.gss_flags & 0x10 ? " conf" : "", i.gss_flags & 0x20 ? " integ" : "");
    printf("%-13ssend %llu, receive next %llu (window %#llx%s); handshake left %llu/%llu%s\n", "sequence",
           (unsigned long long)i.send_seq, (unsigned long long)i.recv_next, (unsigned long long)i.recv_window,
           i.recv_any ? ", any" : "", (unsigned long long)i.start_send, (unsigned long long)i.start_recv,
           i.send_seq == i.start_send && i.recv_next == i.start_recv && !i.recv_window && !i.recv_any
               ? " (unused: RESET_NEW allowed)" : "");
    printf("%-13s%#010x\n", "ticket flags", i.ticket_flags);
    unix_time("authtime", i.authtime);
    unix_time("starttime", i.starttime);
    unix_time("endtime", i.endtime);
    printf("%-13s%lld s\n", "clock offset", (long long)i.clock_offset);
    printf("%-13s%zu bytes\n", "authz-data", i.authz_len);
}

/* The key file this prefix uses; NULL when there is no way to name one. */
static char *key_path(const char *given)
{
    const char *env = getenv("SSPISHIM_MACHINE_KEY"), *prefix = getenv("WINEPREFIX"), *home = getenv("HOME");
    static const char tail[] = "/drive_c/ProgramData/sspishim/machine.key";
    char buf[4096];
    if (given) return strdup(given);
    if (env && *env) return strdup(env);
    if (prefix && *prefix) snprintf(buf, sizeof(buf), "%s%s", prefix, tail);
    else if (home && *home) snprintf(buf, sizeof(buf), "%s/.wine%s", home, tail);
    else return NULL;
    return strdup(buf);
}

int main(int argc, char **argv)
{
    const char *keyfile = NULL, *input = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--key") && i + 1 < argc) keyfile = argv[++i];
        else if (!input && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) input = argv[i];
        else input = NULL, i = argc;
    }
    if (!input) {
        fprintf(stderr, "usage: sspishim-inspect [--key KEYFILE] FILE|-\n");
        return 2;
    }
    size_t len = 0;
    uint8_t *blob = read_input(input, &len);
    if (!blob) return 2;

    struct packed_header h;
    memset(&h, 0, sizeof(h));
    shim_status st = packed_peek(blob, len, &h);
    printf("%-13s%s, %zu bytes\n", "file", input, len);
    if (st != SHIM_OK && !h.version) {
        printf("%-13sno: %s (%08x)\n", "verdict", why(st), (unsigned)st);
        free(blob);
        return 1;
    }
    printf("%-13ssspishim packed context, version %u, flags %#x (%s)\n", "format", h.version, h.flags,
           h.flags & PACKED_FLAG_AES_GCM ? "AES-256-GCM" : "ChaCha20-Poly1305");
    if (h.package_len) printf("%-13s%s\n", "package", h.package);
    if (h.role) printf("%-13s%s\n", "role", role_name(h.role));
    if (st == SHIM_OK) {
        printf("%-13s%u bytes (encrypted), envelope %zu bytes\n", "payload", h.payload_len,
               h.header_len + PACKED_TAG_SIZE);
        hex("key id", h.key_id, sizeof(h.key_id));
    }
    if (st != SHIM_OK) {
        printf("%-13sno: %s (%08x)\n", "verdict", why(st), (unsigned)st);
        free(blob);
        return 1;
    }

    int rc = 1;
    char *path = key_path(keyfile);
    struct stat sb;
    uint8_t key[MACHINE_KEY_SIZE];
    if (!path || stat(path, &sb)) {
        printf("%-13s%s: none\n", "machine key", path ? path : "(no prefix)");
        printf("%-13sunknown: no machine key to check it with\n", "verdict");
    } else if (machine_key_load(path, key) != SHIM_OK) {
        printf("%-13s%s: unreadable or corrupt\n", "machine key", path);
        printf("%-13sunknown: the machine key cannot be read\n", "verdict");
    } else {
        uint8_t id[PACKED_KEY_ID_SIZE];
        packed_key_id(key, id);
        printf("%-13s%s\n", "machine key", path);
        hex("its key id", id, sizeof(id));
        st = packed_verify(key, blob, len);
        if (st == SHIM_OK) printf("%-13syes: it verifies with this machine key\n", "verdict"), rc = 0;
        else printf("%-13sno: %s (%08x)\n", "verdict", why(st), (unsigned)st);
        if (st == SHIM_OK && !strcmp(h.package, "Kerberos")) {
            uint8_t *payload = NULL;
            size_t plen = 0;
            if (packed_open(key, blob, len, NULL, &payload, &plen) == SHIM_OK)
                describe_kerberos(payload, plen);
            packed_free_payload(payload, plen);
        }
        crypto_wipe(key, sizeof(key));
    }
    free(path);
    free(blob);
    return rc;
}
