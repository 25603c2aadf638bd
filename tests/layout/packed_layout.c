/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The packed context is the same bytes from 32- and 64-bit builds.
 *
 * Wine here cannot run 32-bit programs, so the core is built natively with
 * -m32 and -m64 and this program runs in both (the 32-bit one under
 * qemu-i386 where the kernel has no 32-bit support).  With fixed handshake
 * inputs, a fixed key and a fixed nonce:
 *   write FILE   handshake, messages each way, export both contexts; write
 *                the two blobs and a message in flight between them
 *   read FILE    import both contexts from FILE (written by either build),
 *                open the message, and talk on both ways
 * The runner (tests/layout/run.sh) compares the files byte for byte and
 * reads each build's file with the other build.  Ends with
 * "layout: N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/handles.h"
#include "sspishim/ntlm.h"
#include "sspishim/ntlm_accounts.h"
#include "sspishim/packed.h"
#include "sspishim/registry.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

static int passed, failed;
static const struct shim_package *pkg;
static const struct shim_package_ops *ops;

#define CHECK(cond, ...) do {                                                   \
        if (cond) passed++;                                                     \
        else { failed++; printf("layout: %d-bit: failed: ", (int)sizeof(void *) * 8); \
               printf(__VA_ARGS__); printf("\n"); }                             \
    } while (0)

static const uint8_t key[32] = "sspishim layout test machine ke";
static const uint8_t nonce[PACKED_NONCE_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static const shim_wchar *w(const char *s)
{
    static shim_wchar buf[4][64];
    static int next;
    shim_wchar *out = buf[next++ % 4];
    size_t i;
    for (i = 0; s[i] && i < 63; i++) out[i] = (unsigned char)s[i];
    out[i] = 0;
    return out;
}

struct tok { uint8_t buf[4096]; uint32_t len; };

static shim_status step(int client, shim_cred *cred, shim_ctx **ctx, const struct tok *in, struct tok *out)
{
    struct shim_buffer ib = { in ? in->len : 0, SHIM_BUFFER_TOKEN, in ? (void *)in->buf : NULL };
    struct shim_buffer ob = { sizeof(out->buf), SHIM_BUFFER_TOKEN, out->buf };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c = { .cred = *ctx ? NULL : cred, .ctx = *ctx, .target = w("host"), .req = 0x10a1c,
                               .datarep = SHIM_NATIVE_DREP, .input = in ? &id : NULL, .output = &od };
    shim_status st = client ? ops->initialize_context(&c) : ops->accept_context(&c);
    if (c.new_ctx) *ctx = c.new_ctx;
    out->len = ob.cb;
    return st;
}

struct msg { uint8_t buf[16 + 64]; uint32_t len; };

static shim_status seal(shim_ctx *c, const char *text, struct msg *m)
{
    uint32_t n = (uint32_t)strlen(text);
    struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, m->buf }, { n, SHIM_BUFFER_DATA, m->buf + 16 } };
    struct shim_buffer_desc d = { 0, 2, b };
    memcpy(m->buf + 16, text, n);
    m->len = 16 + n;
    return ops->encrypt(c, 0, &d, 0);
}

static int unseal_is(shim_ctx *c, struct msg *m, const char *text)
{
    struct shim_buffer b[2] = { { 16, SHIM_BUFFER_TOKEN, m->buf }, { m->len - 16, SHIM_BUFFER_DATA, m->buf + 16 } };
    struct shim_buffer_desc d = { 0, 2, b };
    return ops->decrypt(c, &d, 0, NULL) == SHIM_OK && m->len - 16 == strlen(text) &&
           !memcmp(m->buf + 16, text, m->len - 16);
}

static void talk(shim_ctx *from, shim_ctx *to, const char *text)
{
    struct msg m;
    CHECK(seal(from, text, &m) == SHIM_OK, "seal \"%s\"", text);
    CHECK(unseal_is(to, &m, text), "unseal \"%s\"", text);
}

static void put(FILE *f, const void *p, uint32_t n)
{
    uint8_t len[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
    fwrite(len, 1, 4, f);
    fwrite(p, 1, n, f);
}

static uint8_t *get(FILE *f, uint32_t *n)
{
    uint8_t len[4];
    if (fread(len, 1, 4, f) != 4) return NULL;
    *n = len[0] | len[1] << 8 | (uint32_t)len[2] << 16 | (uint32_t)len[3] << 24;
    uint8_t *p = malloc(*n ? *n : 1);
    if (p && fread(p, 1, *n, f) != *n) { free(p); return NULL; }
    return p;
}

static void export_to(FILE *f, shim_ctx *c)
{
    uint8_t *payload = NULL, *blob = NULL, role = 0;
    size_t len = 0, blob_len = 0;
    CHECK(ops->export_context(c, 0, &payload, &len, &role) == SHIM_OK, "export");
    CHECK(packed_seal_with_nonce(key, nonce, "NTLM", role, payload, len, &blob, &blob_len) == SHIM_OK, "seal");
    put(f, blob, (uint32_t)blob_len);
    free(payload);
    sys_caller_free(blob);
}

static shim_ctx *import_from(FILE *f)
{
    uint32_t n = 0;
    uint8_t *blob = get(f, &n), *payload = NULL;
    size_t len = 0;
    struct packed_header hdr;
    shim_ctx *c = NULL;
    CHECK(blob != NULL, "read a blob");
    if (!blob) return NULL;
    CHECK(packed_open(key, blob, n, &hdr, &payload, &len) == SHIM_OK, "open a %u-byte blob", n);
    if (payload) CHECK(ops->import_context(pkg, hdr.role, payload, len, NULL, &c) == SHIM_OK, "import");
    packed_free_payload(payload, len);
    free(blob);
    return c;
}

static void delete(shim_ctx *c)
{
    if (!c) return;
    ops->delete_context(c);
    shim_object_put(c);
}

static void write_file(const char *path)
{
    static const uint8_t cc[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
    static const uint8_t sc[8] = { 1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
    static const uint8_t sk[16] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                                    0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
    static const uint64_t when = 0x01d0000000000000ull;
    struct ntlm_test_inputs in = { cc, sk, sc, &when };
    struct shim_auth_identity_w id = { 0 };
    shim_wchar user[] = { 'U', 's', 'e', 'r' }, dom[] = { 'D', 'o', 'm', 'a', 'i', 'n' };
    shim_wchar pw[] = { 'P', 'a', 's', 's', 'w', 'o', 'r', 'd' };
    shim_cred *ccred = NULL, *scred = NULL;
    shim_ctx *cctx = NULL, *sctx = NULL;
    struct tok a, b, c, d;
    int64_t exp;

    ntlm_set_test_inputs(&in);
    id.User = user, id.UserLength = 4, id.Domain = dom, id.DomainLength = 6, id.Password = pw, id.PasswordLength = 8;
    id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    CHECK(ops->acquire_credentials(pkg, NULL, SHIM_CRED_OUTBOUND, NULL, &id, NULL, NULL, &ccred, &exp) == SHIM_OK,
          "client credential");
    CHECK(ops->acquire_credentials(pkg, NULL, SHIM_CRED_INBOUND, NULL, NULL, NULL, NULL, &scred, &exp) == SHIM_OK,
          "server credential");
    CHECK(step(1, ccred, &cctx, NULL, &a) == SHIM_I_CONTINUE_NEEDED, "negotiate");
    CHECK(step(0, scred, &sctx, &a, &b) == SHIM_I_CONTINUE_NEEDED, "challenge");
    CHECK(step(1, ccred, &cctx, &b, &c) == SHIM_OK, "authenticate");
    CHECK(step(0, scred, &sctx, &c, &d) == SHIM_OK, "accepted");
    ntlm_set_test_inputs(NULL);
    if (!cctx || !sctx) return;
    talk(cctx, sctx, "to the server");
    talk(sctx, cctx, "to the client");
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "create %s", path);
    if (!f) return;
    /* The server is exported before the message arrives, the client after
     * it sent it: the importer finds the message in flight. */
    struct msg m;
    export_to(f, sctx);
    CHECK(seal(cctx, "sealed after the export", &m) == SHIM_OK, "seal");
    export_to(f, cctx);
    put(f, m.buf, m.len);
    fclose(f);
    delete(cctx);
    delete(sctx);
    ops->free_credentials(ccred);
    shim_object_put(ccred);
    ops->free_credentials(scred);
    shim_object_put(scred);
}

static void read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "open %s", path);
    if (!f) return;
    shim_ctx *s = import_from(f), *c = import_from(f);
    uint32_t n = 0;
    uint8_t *m = get(f, &n);
    fclose(f);
    if (s && c && m && n <= sizeof(((struct msg *)0)->buf)) {
        struct msg x;
        memcpy(x.buf, m, n);
        x.len = n;
        CHECK(unseal_is(s, &x, "sealed after the export"), "the message sealed before the export");
        talk(s, c, "and on");
        talk(c, s, "and back");
    }
    free(m);
    delete(s);
    delete(c);
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "read"))) {
        fprintf(stderr, "usage: %s write|read FILE ACCOUNTS\n", argv[0]);
        return 2;
    }
    setenv("NTLM_USER_FILE", argv[3], 1);
    pkg = ntlm_package();
    ops = pkg->ops;
    if (!strcmp(argv[1], "write")) write_file(argv[2]);
    else read_file(argv[2]);
    struct handles_stats hs;
    handles_stats(&hs);
    CHECK(hs.live_objects == 0, "%zu objects left", hs.live_objects);
    printf("layout: %d-bit %s: %d passed, %d failed\n", (int)sizeof(void *) * 8, argv[1], passed, failed);
    return failed != 0;
}
