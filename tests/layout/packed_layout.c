/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The packed context is the same bytes from 32- and 64-bit builds.
 *
 * Wine here cannot run 32-bit programs, so the core is built natively with
 * -m32 and -m64 and this program runs in both (the 32-bit one under
 * qemu-i386 where the kernel has no 32-bit support).  With fixed handshake
 * inputs, a fixed key and a fixed nonce, three conversations:
 *   NTLM         the NTLM package's own handshake (ntlm_set_test_inputs)
 *   Kerberos     a real AP-REQ / AP-REP handshake (mutual authentication)
 *                with no KDC: this program makes the service ticket itself
 *                (an EncTicketPart under a fixed service key, encoded and
 *                sealed by the core's own functions), hands it and a TGT
 *                to the client's credential as if the KDC had given them,
 *                and writes the service key to a keytab for the server
 *   Negotiate    SPNEGO choosing Kerberos, with the same ticket (payload
 *                version 2 around Kerberos' own)
 * The Kerberos code takes its randomness (confounders, subkeys, sequence
 * numbers) from sys_random and its time from sys_filetime_now: mk/layout.mk
 * links this program with --wrap for both, so here they are a fixed
 * stream and a fixed clock, the same in both builds.
 *   write FILE   each conversation: handshake, messages each way, export
 *                both contexts; write the two blobs and a message in
 *                flight between them
 *   read FILE    import the contexts from FILE (written by either build),
 *                open the messages, and talk on both ways
 * The runner (tests/layout/run.sh) compares the files byte for byte and
 * reads each build's file with the other build.  Ends with
 * "layout: N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sspishim/handles.h"
#include "sspishim/kerberos.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_msg.h"
#include "sspishim/negotiate.h"
#include "sspishim/ntlm.h"
#include "sspishim/ntlm_accounts.h"
#include "sspishim/packed.h"
#include "sspishim/registry.h"
#include "sspishim/sspi_attrs.h"
#include "sspishim/sys.h"

/* The packages' own credential structures: the test puts its tickets in. */
#include "../../core/kerberos/krb_pkg.h"
#include "../../core/negotiate/negotiate_pkg.h"

static int passed, failed;
static const char *section = "NTLM";
static const struct shim_package *pkg;
static const struct shim_package_ops *ops;

#define CHECK(cond, ...) do {                                                   \
        if (cond) passed++;                                                     \
        else { failed++; printf("layout: %d-bit: %s: failed: ", (int)sizeof(void *) * 8, section); \
               printf(__VA_ARGS__); printf("\n"); }                             \
    } while (0)

static const uint8_t key[32] = "sspishim layout test machine ke";
static const uint8_t nonce[PACKED_NONCE_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

/* ---- the fixed randomness and clock (linked with --wrap) ------------------------- */

uint64_t __real_sys_filetime_now(void);
int __real_sys_random(void *buf, size_t len);

/* 2026-01-01 00:00:00 UTC as FILETIME, and Unix seconds. */
#define FIXED_UNIX INT64_C(1767225600)
#define FIXED_FILETIME ((uint64_t)(FIXED_UNIX + INT64_C(11644473600)) * 10000000u)
static uint64_t fixed_now;       /* 0: the real clock */
static uint64_t stream;          /* splitmix64's state */
static int fixed_stream;

uint64_t __wrap_sys_filetime_now(void)
{
    return fixed_now ? fixed_now : __real_sys_filetime_now();
}

int __wrap_sys_random(void *buf, size_t len)
{
    uint8_t *out = buf;
    if (!fixed_stream) return __real_sys_random(buf, len);
    while (len) {
        uint64_t z = (stream += UINT64_C(0x9e3779b97f4a7c15));
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        z ^= z >> 31;
        for (int i = 0; i < 8 && len; i++, len--) *out++ = (uint8_t)(z >> (8 * i));
    }
    return 0;
}

/* Each conversation starts from the same stream, at its own second. */
static void fix_inputs(uint64_t seed, int64_t seconds)
{
    fixed_stream = 1;
    stream = seed;
    fixed_now = FIXED_FILETIME + (uint64_t)seconds * 10000000u;
}

/* ---- messages and tokens ---------------------------------------------------------- */

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

struct tok { uint8_t buf[8192]; uint32_t len; };

static const char *target = "host";
static uint32_t req = 0x10a1c;

static shim_status step(int client, shim_cred *cred, shim_ctx **ctx, const struct tok *in, struct tok *out)
{
    struct shim_buffer ib = { in ? in->len : 0, SHIM_BUFFER_TOKEN, in ? (void *)in->buf : NULL };
    struct shim_buffer ob = { sizeof(out->buf), SHIM_BUFFER_TOKEN, out->buf };
    struct shim_buffer_desc id = { 0, 1, &ib }, od = { 0, 1, &ob };
    struct shim_ctx_call c = { .cred = *ctx ? NULL : cred, .ctx = *ctx, .target = w(target), .req = req,
                               .datarep = SHIM_NATIVE_DREP, .input = in ? &id : NULL, .output = &od };
    shim_status st = client ? ops->initialize_context(&c) : ops->accept_context(&c);
    if (c.new_ctx) *ctx = c.new_ctx;
    out->len = ob.cb;
    return st;
}

/* A handshake as an application runs it: tokens go across while there
 * are any, each side until it says SHIM_OK.  Returns the number of legs,
 * or -1. */
static int handshake(shim_cred *ccred, shim_cred *scred, shim_ctx **cctx, shim_ctx **sctx)
{
    static struct tok a, b;
    shim_status cst = step(1, ccred, cctx, NULL, &a), sst = SHIM_I_CONTINUE_NEEDED;
    int legs = 1;
    while (legs < 8) {
        if (cst < 0 || sst < 0) return -1;
        if (cst == SHIM_OK && sst == SHIM_OK) return legs;
        if (!a.len) return -1;
        sst = step(0, scred, sctx, &a, &b);
        a.len = 0;
        legs++;
        if (sst < 0) return -1;
        if (!b.len) return sst == SHIM_OK && cst == SHIM_OK ? legs : -1;
        cst = step(1, ccred, cctx, &b, &a);
        b.len = 0;
        legs++;
    }
    return -1;
}

/* A sealed message: the package's security trailer, then the data. */
struct msg { uint8_t trailer[128], data[64]; uint32_t tlen, dlen; };

static shim_status seal(shim_ctx *c, const char *text, struct msg *m)
{
    struct shim_ctx_sizes z;
    uint32_t n = (uint32_t)strlen(text);
    shim_status st = ops->query_context_attributes(c, SHIM_ATTR_SIZES, &z);
    if (st != SHIM_OK) return st;
    if (z.cbSecurityTrailer > sizeof(m->trailer) || n > sizeof(m->data)) return SHIM_E_BUFFER_TOO_SMALL;
    struct shim_buffer b[2] = { { z.cbSecurityTrailer, SHIM_BUFFER_TOKEN, m->trailer }, { n, SHIM_BUFFER_DATA, m->data } };
    struct shim_buffer_desc d = { 0, 2, b };
    memcpy(m->data, text, n);
    st = ops->encrypt(c, 0, &d, 0);
    m->tlen = b[0].cb, m->dlen = b[1].cb;
    return st;
}

static int unseal_is(shim_ctx *c, struct msg *m, const char *text)
{
    struct shim_buffer b[2] = { { m->tlen, SHIM_BUFFER_TOKEN, m->trailer }, { m->dlen, SHIM_BUFFER_DATA, m->data } };
    struct shim_buffer_desc d = { 0, 2, b };
    return ops->decrypt(c, &d, 0, NULL) == SHIM_OK && b[1].cb == strlen(text) && !memcmp(m->data, text, b[1].cb);
}

static void talk(shim_ctx *from, shim_ctx *to, const char *text)
{
    struct msg m;
    CHECK(seal(from, text, &m) == SHIM_OK, "seal \"%s\"", text);
    CHECK(unseal_is(to, &m, text), "unseal \"%s\"", text);
}

/* ---- the file: u32 length, bytes; a blob, a blob, a message ------------------------ */

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
    if (*n > (1u << 20)) return NULL;
    uint8_t *p = malloc(*n ? *n : 1);
    if (p && fread(p, 1, *n, f) != *n) { free(p); return NULL; }
    return p;
}

static void export_to(FILE *f, shim_ctx *c)
{
    uint8_t *payload = NULL, *blob = NULL, role = 0;
    size_t len = 0, blob_len = 0;
    CHECK(ops->export_context(c, 0, &payload, &len, &role) == SHIM_OK, "export");
    CHECK(packed_seal_with_nonce(key, nonce, section, role, payload, len, &blob, &blob_len) == SHIM_OK, "seal");
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
    if (payload) {
        CHECK(!strcmp(hdr.package, section), "the blob names %s, not %s", hdr.package, section);
        CHECK(ops->import_context(pkg, hdr.role, payload, len, NULL, &c) == SHIM_OK, "import");
    }
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

static void free_cred(shim_cred *c)
{
    if (!c) return;
    ops->free_credentials(c);
    shim_object_put(c);
}

/* The two established contexts, talked with, then exported: the server
 * before the message arrives, the client after it sent it, so the
 * importer finds the message in flight. */
static void write_pair(FILE *f, shim_ctx *cctx, shim_ctx *sctx)
{
    struct msg m;
    talk(cctx, sctx, "to the server");
    talk(sctx, cctx, "to the client");
    export_to(f, sctx);
    CHECK(seal(cctx, "sealed after the export", &m) == SHIM_OK, "seal");
    export_to(f, cctx);
    put(f, m.trailer, m.tlen);
    put(f, m.data, m.dlen);
}

static void read_pair(FILE *f)
{
    shim_ctx *s = import_from(f), *c = import_from(f);
    uint32_t tn = 0, dn = 0;
    uint8_t *t = get(f, &tn), *d = get(f, &dn);
    struct msg x;
    if (s && c && t && d && tn <= sizeof(x.trailer) && dn <= sizeof(x.data)) {
        memcpy(x.trailer, t, tn), x.tlen = tn;
        memcpy(x.data, d, dn), x.dlen = dn;
        CHECK(unseal_is(s, &x, "sealed after the export"), "the message sealed before the export");
        talk(s, c, "and on");
        talk(c, s, "and back");
    } else {
        CHECK(0, "two contexts and a message read");
    }
    free(t);
    free(d);
    delete(s);
    delete(c);
}

static void use(const char *name, const struct shim_package *p)
{
    section = name;
    pkg = p;
    ops = p->ops;
}

/* ---- NTLM ------------------------------------------------------------------------ */

static void write_ntlm(FILE *f)
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
    int64_t exp;

    use("NTLM", ntlm_package());
    target = "host", req = 0x10a1c;
    ntlm_set_test_inputs(&in);
    id.User = user, id.UserLength = 4, id.Domain = dom, id.DomainLength = 6, id.Password = pw, id.PasswordLength = 8;
    id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    CHECK(ops->acquire_credentials(pkg, NULL, SHIM_CRED_OUTBOUND, NULL, &id, NULL, NULL, &ccred, &exp) == SHIM_OK,
          "client credential");
    CHECK(ops->acquire_credentials(pkg, NULL, SHIM_CRED_INBOUND, NULL, NULL, NULL, NULL, &scred, &exp) == SHIM_OK,
          "server credential");
    /* negotiate, challenge, authenticate, accepted */
    CHECK(handshake(ccred, scred, &cctx, &sctx) == 4, "the NTLM handshake: three messages, four calls");
    ntlm_set_test_inputs(NULL);
    if (cctx && sctx) write_pair(f, cctx, sctx);
    delete(cctx);
    delete(sctx);
    free_cred(ccred);
    free_cred(scred);
}

/* ---- Kerberos without a KDC ------------------------------------------------------- */

#define REALM "LAYOUT.TEST"
#define KVNO 3

static const struct krb_key service_key = { KRB_ETYPE_AES256_CTS_HMAC_SHA1_96, 32,
    "layout: HTTP/localhost's key 32" };
static const struct krb_key session_key = { KRB_ETYPE_AES256_CTS_HMAC_SHA1_96, 32,
    "layout: alice's session key, 32" };

static void be16(FILE *f, unsigned v) { fputc((int)(v >> 8) & 0xff, f); fputc((int)v & 0xff, f); }
static void be32(FILE *f, uint32_t v) { be16(f, v >> 16); be16(f, v & 0xffff); }
static void counted(FILE *f, const char *s) { be16(f, (unsigned)strlen(s)); fputs(s, f); }

/* MIT's keytab (version 0x502) with one entry: HTTP/localhost@REALM. */
static int write_keytab(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    uint32_t size = 2 + (2 + 11) + (2 + 4) + (2 + 9) + 4 + 4 + 1 + 2 + 2 + 32 + 4;
    fputc(5, f), fputc(2, f);
    be32(f, size);
    be16(f, 2);
    counted(f, REALM), counted(f, "HTTP"), counted(f, "localhost");
    be32(f, KRB_NT_SRV_INST);
    be32(f, (uint32_t)FIXED_UNIX);
    fputc(KVNO, f);
    be16(f, (unsigned)service_key.etype);
    be16(f, (unsigned)service_key.len);
    fwrite(service_key.bytes, 1, service_key.len, f);
    be32(f, KVNO);
    return fclose(f);
}

/* What a KDC would have given alice: a ticket for sname sealed under
 * service_key (usage 2), holding session_key. */
static int make_creds(const char *sname, struct krb_creds *out)
{
    struct krb_enc_ticket et = { 0 };
    struct krb_ticket t = { 0 };
    struct bytes_writer w, tw;
    uint8_t *cipher = NULL;
    size_t cipher_len = 0;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    et.flags = KRB_FLAG(1) | KRB_FLAG(10);          /* forwardable, pre-authent */
    et.key = session_key;
    strcpy(et.crealm, REALM);
    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &et.cname);
    et.authtime = et.starttime = FIXED_UNIX - 60;
    et.has_starttime = true;
    et.endtime = FIXED_UNIX + 10 * 3600;
    bytes_writer_init_heap(&w, 4096);
    bytes_writer_init_heap(&tw, 8192);
    if (krb_enc_ticket_encode(&w, &et) || krb_seal(&service_key, KRB_KU_TICKET, bytes_writer_span(&w), &cipher,
                                                   &cipher_len))
        goto done;
    strcpy(t.realm, REALM);
    krb_principal_parse(sname, KRB_NT_SRV_INST, &t.sname);
    t.enc.etype = service_key.etype, t.enc.has_kvno = true, t.enc.kvno = KVNO;
    t.enc.cipher.p = cipher, t.enc.cipher.len = cipher_len;
    if (krb_ticket_encode(&tw, &t)) goto done;
    struct bytes_span ts = bytes_writer_span(&tw);
    if (!ts.len || !(out->ticket = malloc(ts.len))) goto done;
    memcpy(out->ticket, ts.p, ts.len);
    out->ticket_len = ts.len;
    strcpy(out->crealm, REALM);
    out->cname = et.cname;
    strcpy(out->srealm, REALM);
    out->sname = t.sname;
    out->key = session_key;
    out->flags = et.flags;
    out->authtime = et.authtime;
    out->endtime = et.endtime;
    rc = 0;
done:
    free(cipher);
    bytes_writer_free(&w);
    bytes_writer_free(&tw);
    return rc;
}

/* The client's credential as after kinit and a TGS exchange: a TGT (its
 * ticket never leaves this process: no KDC is asked) and the service
 * ticket. */
static int give_tickets(shim_cred *cred)
{
    struct nego_cred *n = nego_cred_from(cred);
    struct krb_cred *k = krb_cred_from(n ? n->krb : cred);
    if (!k) return -1;
    if (make_creds("krbtgt/" REALM, &k->tgt)) return -1;
    k->have_tgt = true;
    if (make_creds("HTTP/localhost", &k->tickets[0])) return -1;
    k->n_tickets = 1;
    return 0;
}

static void write_kerberos(FILE *f, const char *name, const struct shim_package *p, uint64_t seed, int64_t at)
{
    struct shim_auth_identity_w id = { 0 };
    shim_wchar user[] = { 'a', 'l', 'i', 'c', 'e' };
    shim_wchar pw[] = { 'n', 'o', 't', ' ', 'u', 's', 'e', 'd' };
    const shim_wchar *realm = w(REALM);
    shim_cred *ccred = NULL, *scred = NULL;
    shim_ctx *cctx = NULL, *sctx = NULL;
    int64_t exp;

    use(name, p);
    target = "HTTP/localhost@" REALM;
    req = 0x1081e;      /* integrity, connection, confidentiality, sequence, replay, mutual: an AP-REP */
    fix_inputs(seed, at);
    id.User = user, id.UserLength = 5, id.Domain = (shim_wchar *)realm, id.DomainLength = 11;
    id.Password = pw, id.PasswordLength = 8;
    id.Flags = SHIM_AUTH_IDENTITY_UNICODE;
    CHECK(ops->acquire_credentials(pkg, NULL, SHIM_CRED_OUTBOUND, NULL, &id, NULL, NULL, &ccred, &exp) == SHIM_OK,
          "client credential");
    CHECK(ops->acquire_credentials(pkg, NULL, SHIM_CRED_INBOUND, NULL, NULL, NULL, NULL, &scred, &exp) == SHIM_OK,
          "server credential");
    CHECK(ccred && !give_tickets(ccred), "a TGT and a ticket for HTTP/localhost in the client's credential");
    int legs = handshake(ccred, scred, &cctx, &sctx);
    CHECK(legs == 3, "AP-REQ, AP-REP, done: %d legs", legs);
    if (cctx && sctx && legs > 0) {
        struct shim_ctx_names nm = { 0 };
        CHECK(ops->query_context_attributes(sctx, SHIM_ATTR_NAMES, &nm) == SHIM_OK && nm.sUserName,
              "the server's context names the client (SECPKG_ATTR_NAMES: REALM\\user, as Windows)");
        if (nm.sUserName) {
            char got[64];
            size_t i;
            for (i = 0; i < 63 && nm.sUserName[i]; i++) got[i] = nm.sUserName[i] < 128 ? (char)nm.sUserName[i] : '?';
            got[i] = 0;
            CHECK(!strcmp(got, REALM "\\alice"), "the client is %s, not " REALM "\\alice", got);
            sys_caller_free(nm.sUserName);
        }
        if (p == negotiate_package()) {
            struct shim_ctx_negotiation_info ni = { 0 };
            CHECK(ops->query_context_attributes(cctx, SHIM_ATTR_NEGOTIATION_INFO, &ni) == SHIM_OK && ni.PackageInfo &&
                  ni.PackageInfo->name && !memcmp(ni.PackageInfo->name, w("Kerberos"), 9 * sizeof(shim_wchar)),
                  "Negotiate chose Kerberos");
            if (ni.PackageInfo) sys_caller_free(ni.PackageInfo);
        }
        write_pair(f, cctx, sctx);
    }
    delete(cctx);
    delete(sctx);
    free_cred(ccred);
    free_cred(scred);
}

/* ---- the program ------------------------------------------------------------------ */

static void write_file(const char *path)
{
    char kt[4096], ktname[4110];
    snprintf(kt, sizeof(kt), "%s.keytab", path);
    snprintf(ktname, sizeof(ktname), "FILE:%s", kt);
    CHECK(!write_keytab(kt), "write the keytab %s", kt);
    setenv("KRB5_KTNAME", ktname, 1);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "create %s", path);
    if (!f) return;
    write_ntlm(f);
    write_kerberos(f, "Kerberos", kerberos_package(), 1, 0);
    write_kerberos(f, "Negotiate", negotiate_package(), 2, 10);
    fclose(f);
    remove(kt);
}

static void read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "open %s", path);
    if (!f) return;
    use("NTLM", ntlm_package());
    read_pair(f);
    /* The contexts end ten hours after the fixed clock. */
    fix_inputs(3, 60);
    use("Kerberos", kerberos_package());
    read_pair(f);
    use("Negotiate", negotiate_package());
    read_pair(f);
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "read"))) {
        fprintf(stderr, "usage: %s write|read FILE ACCOUNTS\n", argv[0]);
        return 2;
    }
    setenv("NTLM_USER_FILE", argv[3], 1);
    /* No krb5.conf: the realm is in the target's name, and nothing asks a KDC. */
    setenv("KRB5_CONFIG", "/nonexistent/sspishim-layout/krb5.conf", 1);
    setenv("KRB5RCACHETYPE", "none", 1);
    if (!strcmp(argv[1], "write")) write_file(argv[2]);
    else read_file(argv[2]);
    struct handles_stats hs;
    handles_stats(&hs);
    section = "all";
    CHECK(hs.live_objects == 0, "%zu objects left", hs.live_objects);
    printf("layout: %d-bit %s: %d passed, %d failed\n", (int)sizeof(void *) * 8, argv[1], passed, failed);
    return failed != 0;
}
