/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* sspi_peer's commands, natively: the core's packages through their ops
 * tables, without Wine, so that run.py can pit the core against native
 * peers in a fraction of the time the DLL takes under Wine.  The package is
 * Negotiate unless SSPI_PEER_PACKAGE names NTLM.  Same protocol as
 * sspi_peer.c (CLIENT, SERVER, STEP, SEAL, UNSEAL, SIGN, VERIFY, NAME, KEY,
 * QUIT), plus NEGO: NEGOTIATION_INFO as "NEGO <package> <state>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/handles.h"
#include "sspishim/negotiate.h"
#include "sspishim/ntlm.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

static const struct shim_package *pkg;
static shim_cred *cred;
static shim_ctx *ctx;
static int is_server;

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_b64(const uint8_t *p, size_t n)
{
    if (!n) { fputs("-", stdout); return; }
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        putchar(b64chars[v >> 18 & 63]);
        putchar(b64chars[v >> 12 & 63]);
        putchar(i + 1 < n ? b64chars[v >> 6 & 63] : '=');
        putchar(i + 2 < n ? b64chars[v & 63] : '=');
    }
}

static size_t get_b64(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    unsigned v = 0;
    int bits = 0;

    for (; s && *s && *s != ' ' && *s != '\n' && *s != '\r'; s++) {
        const char *c = strchr(b64chars, *s);
        if (*s == '=' || *s == '-' || !c) continue;
        v = v << 6 | (unsigned)(c - b64chars);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < max) out[n++] = (uint8_t)(v >> bits);
        }
    }
    return n;
}

static shim_wchar *widen(const char *s, shim_wchar *out, uint32_t *len)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)s[i];
    *len = (uint32_t)n;
    return out;
}

static void acquire(char *args)
{
    char *user = strtok(args, " \r\n"), *domain = strtok(NULL, " \r\n"), *password = strtok(NULL, "\r\n");
    struct shim_auth_identity_w id = { 0 };
    shim_wchar u[256], d[256], p[256];
    int64_t expiry;
    shim_status st;

    if (user) {
        id.User = widen(user, u, &id.UserLength);
        id.Domain = widen(domain ? domain : "", d, &id.DomainLength);
        id.Password = widen(password ? password : "", p, &id.PasswordLength);
        id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    }
    st = pkg->ops->acquire_credentials(pkg, NULL, is_server ? SHIM_CRED_INBOUND : SHIM_CRED_OUTBOUND, NULL,
                                       user ? &id : NULL, NULL, NULL, &cred, &expiry);
    if (st) printf("ERR %08x\n", (unsigned)st);
    else printf("OK\n");
}

static void step(const char *arg)
{
    static uint8_t in[65536], out[65536];
    static const shim_wchar target[] = { 'H', 'T', 'T', 'P', '/', 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0 };
    struct shim_buffer ib = { (uint32_t)get_b64(arg, in, sizeof(in)), SHIM_BUFFER_TOKEN, in };
    struct shim_buffer ob = { sizeof(out), SHIM_BUFFER_TOKEN, out };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c = { .cred = ctx ? NULL : cred, .ctx = ctx, .target = target,
                               .req = SHIM_ISC_REQ_CONFIDENTIALITY | SHIM_ISC_REQ_INTEGRITY | SHIM_ISC_REQ_CONNECTION,
                               .datarep = SHIM_NATIVE_DREP, .input = ib.cb ? &id : NULL, .output = &od };
    shim_status st;

    if (is_server) {
        c.req = SHIM_ASC_REQ_CONFIDENTIALITY | SHIM_ASC_REQ_INTEGRITY | SHIM_ASC_REQ_CONNECTION;
        st = pkg->ops->accept_context(&c);
    } else {
        st = pkg->ops->initialize_context(&c);
    }
    if (st < 0) { printf("ERR %08x\n", (unsigned)st); return; }
    if (c.new_ctx) ctx = c.new_ctx;
    printf("TOKEN %08x ", (unsigned)st);
    put_b64(out, ob.cb);
    putchar('\n');
}

static void seal(const char *arg, int encrypt)
{
    static uint8_t buf[65536 + 16];
    size_t n = get_b64(arg, buf + 16, sizeof(buf) - 16);
    struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, buf }, { (uint32_t)n, SHIM_BUFFER_DATA, buf + 16 } };
    struct shim_buffer_desc d = { 0, 2, b };
    shim_status st = encrypt ? pkg->ops->encrypt(ctx, 0, &d, 0) : pkg->ops->make_signature(ctx, 0, &d, 0);

    if (st) { printf("ERR %08x\n", (unsigned)st); return; }
    fputs("DATA ", stdout);
    put_b64(buf, encrypt ? 16 + n : 16);
    putchar('\n');
}

static void unseal(const char *arg)
{
    static uint8_t buf[65536 + 16];
    size_t n = get_b64(arg, buf, sizeof(buf));
    uint32_t qop = 0;

    if (n < 16) { printf("ERR %08x\n", (unsigned)SHIM_E_INVALID_TOKEN); return; }
    struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, buf }, { (uint32_t)(n - 16), SHIM_BUFFER_DATA, buf + 16 } };
    struct shim_buffer_desc d = { 0, 2, b };
    shim_status st = pkg->ops->decrypt(ctx, &d, 0, &qop);
    if (st) { printf("ERR %08x\n", (unsigned)st); return; }
    fputs("DATA ", stdout);
    put_b64(buf + 16, n - 16);
    putchar('\n');
}

static void verify(char *args)
{
    static uint8_t msg[65536], sig[64];
    char *m = strtok(args, " \r\n"), *s = strtok(NULL, " \r\n");
    size_t mn = get_b64(m, msg, sizeof(msg)), sn = get_b64(s, sig, sizeof(sig));
    struct shim_buffer b[2] = { { (uint32_t)sn, SHIM_BUFFER_TOKEN, sig }, { (uint32_t)mn, SHIM_BUFFER_DATA, msg } };
    struct shim_buffer_desc d = { 0, 2, b };
    shim_status st = pkg->ops->verify_signature(ctx, &d, 0, NULL);

    if (st) printf("ERR %08x\n", (unsigned)st);
    else printf("OK\n");
}

static void print_w(const shim_wchar *s)
{
    for (; s && *s; s++) putchar(*s < 0x80 ? (char)*s : '?');
}

static void attribute(const char *what)
{
    shim_status st;

    if (!strcmp(what, "NAME")) {
        struct shim_ctx_names n;
        if ((st = pkg->ops->query_context_attributes(ctx, SHIM_ATTR_NAMES, &n))) goto fail;
        fputs("NAME ", stdout);
        print_w(n.sUserName);
        putchar('\n');
        sys_caller_free(n.sUserName);
    } else if (!strcmp(what, "KEY")) {
        struct shim_ctx_session_key k;
        if ((st = pkg->ops->query_context_attributes(ctx, SHIM_ATTR_SESSION_KEY, &k))) goto fail;
        fputs("DATA ", stdout);
        put_b64(k.SessionKey, k.SessionKeyLength);
        putchar('\n');
        sys_caller_free(k.SessionKey);
    } else {
        struct shim_ctx_negotiation_info ni;
        if ((st = pkg->ops->query_context_attributes(ctx, SHIM_ATTR_NEGOTIATION_INFO, &ni))) goto fail;
        fputs("NEGO ", stdout);
        print_w(ni.PackageInfo->name);
        printf(" %u\n", ni.NegotiationState);
        sys_caller_free(ni.PackageInfo);
    }
    return;
fail:
    printf("ERR %08x\n", (unsigned)st);
}

int main(int argc, char **argv)
{
    static char line[200000];
    const char *which = getenv("SSPI_PEER_PACKAGE");

    pkg = which && !strcmp(which, "NTLM") ? ntlm_package() : negotiate_package();
    if (argc > 1 && !strcmp(argv[1], "server")) is_server = 1;
    setvbuf(stdout, NULL, _IONBF, 0);
    while (fgets(line, sizeof(line), stdin)) {
        char *arg = strchr(line, ' ');
        if (arg) *arg++ = 0;
        line[strcspn(line, "\r\n")] = 0;
        if (!strcmp(line, "CLIENT") || !strcmp(line, "SERVER")) acquire(arg ? arg : line + strlen(line));
        else if (!strcmp(line, "STEP")) step(arg);
        else if (!ctx && strcmp(line, "QUIT")) printf("ERR no-context\n");
        else if (!strcmp(line, "SEAL")) seal(arg, 1);
        else if (!strcmp(line, "SIGN")) seal(arg, 0);
        else if (!strcmp(line, "UNSEAL")) unseal(arg);
        else if (!strcmp(line, "VERIFY")) verify(arg ? arg : line + strlen(line));
        else if (!strcmp(line, "NAME") || !strcmp(line, "KEY") || !strcmp(line, "NEGO")) attribute(line);
        else if (!strcmp(line, "QUIT")) break;
        else printf("ERR unknown-command\n");
    }
    if (ctx) { pkg->ops->delete_context(ctx); shim_object_put(ctx); }
    if (cred) { pkg->ops->free_credentials(cred); shim_object_put(cred); }
    return 0;
}
