/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes the fuzz targets' seed corpora: real tokens from loopback NTLM
 * handshakes run through the core in the fuzz targets' fixed world
 * (fuzz.h), the contexts they establish exported and sealed, and accounts
 * files in the shapes the format allows.
 * Usage: fuzz-seeds DIR   (writes DIR/<target>/<seed>) */
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "sspishim/negotiate.h"
#include "sspishim/packed.h"
#include "sspishim/spnego.h"

static const char *out_dir;
static int files;

static void put(const char *target, const char *name, const void *a, size_t alen, const void *b, size_t blen)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", out_dir, target);
    if (mkdir(path, 0755) && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s/%s", out_dir, target, name);
    if (!(f = fopen(path, "wb")) || fwrite(a, 1, alen, f) != alen || (blen && fwrite(b, 1, blen, f) != blen) ||
        fclose(f)) {
        perror(path);
        exit(1);
    }
    files++;
}

static void must(bool cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz-seeds: %s\n", what);
        exit(1);
    }
}

/* ---- handshakes ------------------------------------------------------------------ */

struct handshake {
    struct fz_token neg, chal, auth, fin;
    shim_cred *ccred, *scred;
    shim_ctx *cctx, *sctx;
};

/* Client variant v against the default server; neg_override replaces the
 * NEGOTIATE the server sees.  Returns the server's last status. */
static shim_status run(uint8_t v, struct handshake *h, const struct fz_token *neg_override)
{
    struct fz_client c;
    const struct fz_token *neg;
    shim_status st;

    memset(h, 0, sizeof(*h));
    fz_client_variant(v, &c);
    must((h->ccred = fz_cred(c.user, c.domain, c.password)) != NULL, "client credential");
    must((h->scred = fz_cred(NULL, NULL, NULL)) != NULL, "server credential");
    must(fz_step(true, h->ccred, &h->cctx, c.target, c.req, NULL, 0, &h->neg) == SHIM_I_CONTINUE_NEEDED, "NEGOTIATE");
    neg = neg_override ? neg_override : &h->neg;
    must(fz_step(false, h->scred, &h->sctx, NULL, FZ_SERVER_REQ, neg->buf, neg->len, &h->chal) ==
         SHIM_I_CONTINUE_NEEDED, "CHALLENGE");
    must(fz_step(true, NULL, &h->cctx, c.target, c.req, h->chal.buf, h->chal.len, &h->auth) == SHIM_OK,
         "AUTHENTICATE");
    st = fz_step(false, NULL, &h->sctx, NULL, FZ_SERVER_REQ, h->auth.buf, h->auth.len, &h->fin);
    return st;
}

static void done(struct handshake *h)
{
    fz_ctx_delete(h->cctx);
    fz_ctx_delete(h->sctx);
    fz_cred_free(h->ccred);
    fz_cred_free(h->scred);
}

/* ---- exported contexts --------------------------------------------------------------- */

/* One sealed message from a to b, so the exported state is not the fresh one. */
static void traffic(shim_ctx *a, shim_ctx *b)
{
    uint8_t sig[16], data[16] = "seed traffic....";
    struct shim_buffer buf[2] = { { sizeof(sig), SHIM_BUFFER_TOKEN, sig }, { sizeof(data), SHIM_BUFFER_DATA, data } };
    struct shim_buffer_desc d = { 0, 2, buf };
    uint32_t qop;

    must(fz_ops()->encrypt(a, 0, &d, 0) == SHIM_OK, "EncryptMessage");
    must(fz_ops()->decrypt(b, &d, 0, &qop) == SHIM_OK, "DecryptMessage");
}

static void exported(const char *tag, shim_ctx *ctx, int reset)
{
    static uint8_t nonce_counter;
    uint8_t *payload = NULL, *blob = NULL, role = 0, nonce[PACKED_NONCE_SIZE] = { 0 };
    size_t len = 0, blob_len = 0;
    char name[64];

    must(fz_ops()->export_context(ctx, reset, &payload, &len, &role) == SHIM_OK, "export");
    snprintf(name, sizeof(name), "%s%s", tag, reset ? "-reset" : "");
    put("fuzz_ntlm_import", name, &role, 1, payload, len);
    nonce[0] = ++nonce_counter;
    must(packed_seal_with_nonce(fz_machine_key, nonce, "NTLM", role, payload, len, &blob, &blob_len) == SHIM_OK,
         "seal");
    put("fuzz_packed", name, blob, blob_len, NULL, 0);
    sys_caller_free(blob);
    free(payload);
}

/* ---- the corpora ------------------------------------------------------------------------ */

static void ntlm_seeds(void)
{
    static const uint8_t variants[] = { 0x00, 0x01, 0x02, 0x04, 0x08, 0x0f, 0x10, 0x13, 0x20, 0x25, 0x30, 0x3e };
    struct handshake h;
    char name[32];

    for (size_t i = 0; i < sizeof(variants); i++) {
        uint8_t v = variants[i], nlen[2];

        must(run(v, &h, NULL) == SHIM_OK, "handshake refused");
        snprintf(name, sizeof(name), "v%02x", v);
        put("fuzz_ntlm_negotiate", name, h.neg.buf, h.neg.len, NULL, 0);
        put("fuzz_ntlm_challenge", name, h.chal.buf, h.chal.len, NULL, 0);
        put("fuzz_ntlm_authenticate", name, h.auth.buf, h.auth.len, NULL, 0);
        nlen[0] = (uint8_t)h.neg.len;
        nlen[1] = (uint8_t)(h.neg.len >> 8);
        {
            uint8_t framed[2 + 2 * FZ_TOKEN_MAX];
            memcpy(framed, nlen, 2);
            memcpy(framed + 2, h.neg.buf, h.neg.len);
            memcpy(framed + 2 + h.neg.len, h.auth.buf, h.auth.len);
            put("fuzz_ntlm_accept", name, framed, 2 + h.neg.len + h.auth.len, NULL, 0);
        }
        put("fuzz_ntlm_initialize", name, &v, 1, h.chal.buf, h.chal.len);
        if (i < 4) {
            snprintf(name, sizeof(name), "client-v%02x", v);
            exported(name, h.cctx, 0);
            /* RESET_NEW only before the first message (issue 15). */
            exported(name, h.cctx, 1);
            snprintf(name, sizeof(name), "server-v%02x", v);
            exported(name, h.sctx, 0);
            traffic(h.cctx, h.sctx);
            traffic(h.sctx, h.cctx);
            snprintf(name, sizeof(name), "client-v%02x-used", v);
            exported(name, h.cctx, 0);
            snprintf(name, sizeof(name), "server-v%02x-used", v);
            exported(name, h.sctx, 0);
        }
        done(&h);
    }

    /* Without extended session security (the server leaves it out): its
     * CHALLENGE and AUTHENTICATE, and payload version 2, fresh and used. */
    setenv("SSPISHIM_NTLM_NO_ESS", "server", 1);
    must(run(0x00, &h, NULL) == SHIM_OK, "handshake without ESS refused");
    unsetenv("SSPISHIM_NTLM_NO_ESS");
    put("fuzz_ntlm_challenge", "no-ess", h.chal.buf, h.chal.len, NULL, 0);
    put("fuzz_ntlm_authenticate", "no-ess", h.auth.buf, h.auth.len, NULL, 0);
    {
        uint8_t v = 0;
        put("fuzz_ntlm_initialize", "no-ess", &v, 1, h.chal.buf, h.chal.len);
    }
    exported("client-no-ess", h.cctx, 0);
    exported("server-no-ess", h.sctx, 0);
    traffic(h.cctx, h.sctx);
    traffic(h.sctx, h.cctx);
    exported("client-no-ess-used", h.cctx, 0);
    exported("server-no-ess-used", h.sctx, 0);
    done(&h);

    /* An OEM NEGOTIATE naming its domain and workstation: the server
     * answers in OEM, and the client's AUTHENTICATE follows (its MIC covers
     * the NEGOTIATE it sent, so the server refuses it; it is a seed all
     * the same). */
    {
        struct ntlm_negotiate m = { 0 };
        struct fz_token neg;
        struct bytes_writer w;
        uint8_t framed[2 + 2 * FZ_TOKEN_MAX];

        m.flags = NTLM_NEGOTIATE_OEM | NTLM_REQUEST_TARGET | NTLM_NEGOTIATE_NTLM | NTLM_NEGOTIATE_SIGN |
                  NTLM_NEGOTIATE_SEAL | NTLM_NEGOTIATE_ALWAYS_SIGN | NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY |
                  NTLM_NEGOTIATE_OEM_DOMAIN_SUPPLIED | NTLM_NEGOTIATE_OEM_WORKSTATION_SUPPLIED |
                  NTLM_NEGOTIATE_VERSION | NTLM_NEGOTIATE_128 | NTLM_NEGOTIATE_KEY_EXCH;
        m.domain = (struct bytes_span){ (const uint8_t *)"DOMAIN", 6 };
        m.workstation = (struct bytes_span){ (const uint8_t *)"WORKSTATION", 11 };
        m.version = (struct ntlm_version){ 6, 1, 7601, NTLM_REVISION_W2K3 };
        bytes_writer_init(&w, neg.buf, sizeof(neg.buf));
        must(ntlm_build_negotiate(&w, &m) == 0, "OEM NEGOTIATE");
        neg.len = (uint32_t)w.len;
        put("fuzz_ntlm_negotiate", "oem", neg.buf, neg.len, NULL, 0);
        must(run(0x00, &h, &neg) < 0, "an OEM handshake with a mismatched MIC was accepted");
        put("fuzz_ntlm_challenge", "oem", h.chal.buf, h.chal.len, NULL, 0);
        put("fuzz_ntlm_authenticate", "oem", h.auth.buf, h.auth.len, NULL, 0);
        framed[0] = (uint8_t)neg.len;
        framed[1] = (uint8_t)(neg.len >> 8);
        memcpy(framed + 2, neg.buf, neg.len);
        memcpy(framed + 2 + neg.len, h.auth.buf, h.auth.len);
        put("fuzz_ntlm_accept", "oem", framed, 2 + neg.len + h.auth.len, NULL, 0);
        put("fuzz_ntlm_initialize", "oem", "\0", 1, h.chal.buf, h.chal.len);
        done(&h);
    }
}

/* Two tokens in fz_split's framing, after an optional prefix byte. */
static void put_pair(const char *target, const char *name, const uint8_t *prefix, const struct fz_token *a,
                     const struct fz_token *b)
{
    static uint8_t framed[1 + 2 + 2 * FZ_TOKEN_MAX];
    size_t n = 0;

    if (prefix)
        framed[n++] = *prefix;
    framed[n++] = (uint8_t)a->len;
    framed[n++] = (uint8_t)(a->len >> 8);
    memcpy(framed + n, a->buf, a->len);
    n += a->len;
    memcpy(framed + n, b->buf, b->len);
    put(target, name, framed, n + b->len, NULL, 0);
}

/* Negotiate (SPNEGO over NTLM) in loopback: five legs, client first. */
static void negotiate_seeds(void)
{
    static const uint8_t variants[] = { 0x00, 0x01, 0x06, 0x13, 0x20, 0x39 };
    char name[32];

    fz_current = negotiate_package();
    for (size_t i = 0; i < sizeof(variants); i++) {
        struct fz_client c;
        struct fz_token init, resp1, resp2, resp3, none;
        shim_cred *cc, *sc;
        shim_ctx *cx = NULL, *sx = NULL;
        uint8_t v = variants[i];

        fz_client_variant(v, &c);
        must((cc = fz_cred(c.user, c.domain, c.password)) != NULL, "Negotiate client credential");
        must((sc = fz_cred(NULL, NULL, NULL)) != NULL, "Negotiate server credential");
        must(fz_step(true, cc, &cx, c.target, c.req, NULL, 0, &init) == SHIM_I_CONTINUE_NEEDED, "NegTokenInit");
        must(fz_step(false, sc, &sx, NULL, FZ_SERVER_REQ, init.buf, init.len, &resp1) == SHIM_I_CONTINUE_NEEDED,
             "NegTokenResp with the CHALLENGE");
        /* done at its AUTHENTICATE, as Windows' client is; it takes the
         * server's last token all the same */
        must(fz_step(true, NULL, &cx, c.target, c.req, resp1.buf, resp1.len, &resp2) == SHIM_OK,
             "NegTokenResp with the AUTHENTICATE");
        must(fz_step(false, NULL, &sx, NULL, FZ_SERVER_REQ, resp2.buf, resp2.len, &resp3) == SHIM_OK,
             "accept-completed");
        must(fz_step(true, NULL, &cx, c.target, c.req, resp3.buf, resp3.len, &none) == SHIM_OK, "the server's MIC");
        snprintf(name, sizeof(name), "v%02x", v);
        put_pair("fuzz_negotiate_accept", name, NULL, &init, &resp2);
        put_pair("fuzz_negotiate_initialize", name, &v, &resp1, &resp3);
        if (i < 2) {
            const struct fz_token *t[4] = { &init, &resp1, &resp2, &resp3 };
            for (int k = 0; k < 4; k++) {
                snprintf(name, sizeof(name), "v%02x-leg%d", v, k + 1);
                put("fuzz_spnego", name, t[k]->buf, t[k]->len, NULL, 0);
            }
        }
        fz_ctx_delete(cx);
        fz_ctx_delete(sx);
        fz_cred_free(cc);
        fz_cred_free(sc);
    }

    /* Kerberos first, NTLM second: the server asks for the MIC (request-mic). */
    {
        struct bytes_span mechs[2] = { { spnego_oid_krb5, sizeof(spnego_oid_krb5) },
                                       { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) } };
        struct bytes_writer types, tok;
        struct fz_token neg, auth;

        bytes_writer_init_heap(&types, 4096);
        bytes_writer_init_heap(&tok, 8192);
        fz_current = NULL;
        must(fz_reference(0, &neg, &auth) == SHIM_OK, "NTLM reference");
        must(spnego_encode_mech_types(&types, mechs, 2) == SPNEGO_OK &&
             spnego_encode_init(&tok, bytes_writer_span(&types), NULL, NULL) == SPNEGO_OK, "NegTokenInit");
        put("fuzz_spnego", "krb5-first", tok.buf, tok.len, NULL, 0);
        {
            struct fz_token init;
            memcpy(init.buf, tok.buf, tok.len);
            init.len = (uint32_t)tok.len;
            put_pair("fuzz_negotiate_accept", "krb5-first", NULL, &init, &neg);
        }
        /* Bare NTLMSSP, which Windows' Negotiate takes as plain NTLM. */
        put_pair("fuzz_negotiate_accept", "raw-ntlm", NULL, &neg, &auth);
        bytes_writer_free(&types);
        bytes_writer_free(&tok);
    }
    fz_current = NULL;
}

static void packed_seeds(void)
{
    static const uint8_t nonce[PACKED_NONCE_SIZE] = { 0xee, 0xee };
    uint8_t *blob = NULL;
    size_t len = 0;

    must(packed_seal_with_nonce(fz_machine_key, nonce, "NTLM", PACKED_ROLE_CLIENT, "", 0, &blob, &len) == SHIM_OK,
         "seal");
    put("fuzz_packed", "empty", blob, len, NULL, 0);
    sys_caller_free(blob);
    must(packed_seal_with_nonce(fz_machine_key, nonce, "Negotiate", PACKED_ROLE_SERVER, "payload", 7, &blob,
                                &len) == SHIM_OK, "seal");
    put("fuzz_packed", "negotiate", blob, len, NULL, 0);
    sys_caller_free(blob);
}

static void accounts_seeds(void)
{
    static const struct { const char *name, *text; } files_[] = {
        { "crlf-bom", "\xef\xbb\xbf# with a BOM\r\nDOMAIN:alice:Password1\r\n\r\nDOMAIN:bob:hunter2\r\n" },
        { "latin1", "DOM\xc4IN:j\xf6rg:p\xe4ss:with:colons\n:\xe9mile:pw\n" },
        { "utf8", "DOM\xc3\x84IN:j\xc3\xb6rg:p\xc3\xa4ss\nD:\xe2\x82\xac:\xf0\x9f\x94\x91\n" },
        { "smbpasswd", "alice:1000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:8846F7EAEE8FB117AD06BDD830B7586C:[U          ]:LCT-0:\n"
                       "DOMAIN\\bob:1001:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:[U]:\n"
                       "DOMAIN\\off:1002:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:[DU]:\n" },
        { "odd", "no colons\n:only\n::\n1234:5678:pw:with:colons\nD::empty-user\nD:u:\n#comment:a:b\n" },
    };
    char text[512];

    fz_accounts_text(text, sizeof(text));
    put("fuzz_accounts", "standard", text, strlen(text), NULL, 0);
    for (size_t i = 0; i < sizeof(files_) / sizeof(files_[0]); i++)
        put("fuzz_accounts", files_[i].name, files_[i].text, strlen(files_[i].text), NULL, 0);
}

/* The Kerberos files, as MIT writes them (check_krb_keytab.c and
 * check_krb_ccache.c build more), and a PAC. */
static void krb_files_seeds(void)
{
    static const char conf[] =
        "[libdefaults]\n default_realm = SSPI.TEST\n dns_lookup_kdc = false\n udp_preference_limit = 1\n"
        " default_tkt_enctypes = aes256-cts aes128-sha2 DEFAULT -rc4\n"
        "[realms]\n SSPI.TEST = {\n  kdc = 127.0.0.1:88\n  kdc = [::1]:750\n  admin_server = h\n }\n"
        "[domain_realm]\n .sspi.test = SSPI.TEST\n";
    /* HTTP/localhost kvno 2 (aes256, with the 32-bit kvno), a hole, alice (rc4). */
    static const char keytab[] =
        "05020000004f00020009535350492e5445535400044854545000096c6f63616c686f7374000000015f0000000200120020"
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00000002fffffffa000000000000000000"
        "3100010009535350492e544553540005616c696365000000015f0000000100170010000102030405060708090a0b0c0d0e0f";
    /* Version 4 with a KDC offset, alice, a pa_type configuration entry and a TGT. */
    static const char ccache[] =
        "0504000c00010008fffffffd00000000000000010000000100000009535350492e5445535400000005616c696365000000"
        "010000000100000009535350492e5445535400000005616c69636500000001000000030000000c582d4341434845434f4e"
        "463a000000156b7262355f6363616368655f636f6e665f646174610000000770615f747970650000001a6b72627467742f"
        "535350492e5445535440535350492e544553540000000000006553f1006553f10065547da0655542800050e10000000000"
        "010002000000047f00000100000000000000013200000000000000010000000100000009535350492e5445535400000005"
        "616c696365000000010000000200000009535350492e54455354000000066b726274677400000009535350492e54455354"
        "001200000020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f6553f1006553f10065547d"
        "a0655542800050e10000000000010002000000047f0000010000000000000005610330010000000000";
    /* AD-IF-RELEVANT { AD-WIN2K-PAC { logon info for alice, client info } }
     * (check_krb_pac.c builds the same). */
    static const char pac[] =
        "308201e3308201dfa003020101a18201d6048201d2308201ce308201caa00402020080a18201c0048201bc02000000000000"
        "00010000009001000028000000000000000a00000004000000b80100000000000001100800cccccccc800100000000000000"
        "0002000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "000a000a00040002000e000e0008000200000000000000000000000000000000000c000c0014000200000000000000000003"
        "0000005104000001020000020000001c00020020000000000000000000000000000000000000000600060020000200080008"
        "0024000200280002000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000005000000000000000500000061006c00690063006500000007000000000000"
        "000700000041006c006900630065002000410000000600000000000000060000005c005c0068006f006d0065000200000001"
        "0200000700000052040000070000000300000000000000030000004400430031000000040000000000000004000000530053"
        "00500049000400000001040000000000051500000001000000020000000300000043494e46";
    uint8_t bin[1024];
    size_t n;

    put("fuzz_krb5_conf", "mit", conf, strlen(conf), NULL, 0);
    for (n = 0; keytab[2 * n]; n++)
        sscanf(keytab + 2 * n, "%2hhx", &bin[n]);
    put("fuzz_keytab", "mit", bin, n, NULL, 0);
    for (n = 0; ccache[2 * n]; n++)
        sscanf(ccache + 2 * n, "%2hhx", &bin[n]);
    put("fuzz_ccache", "mit", bin, n, NULL, 0);
    for (n = 0; pac[2 * n]; n++)
        sscanf(pac + 2 * n, "%2hhx", &bin[n]);
    put("fuzz_pac", "logon-info", bin, n, NULL, 0);
}

/* fuzz_krb_gss: a framed AP-REQ whose ticket the target's service key
 * opens, the AP-REP our acceptor answers it with, and per-message tokens
 * from each side of a fixed context (fuzz.h), RRC 0 and SSPI. */
static void krb_gss_seeds(void)
{
    static const uint8_t msg[] = "a message to wrap";
    struct krb_creds c = { .key = fz_krb_key(18, 0x24) };
    struct krb_enc_ticket et = { .key = fz_krb_key(18, 0x24), .authtime = 1796310000, .endtime = 2111843200 };
    struct krb_ticket t = { .realm = "SSPI.TEST" };
    struct krb_key service = fz_krb_key(18, 0x42);
    struct bytes_writer w, tw, req, rep;
    struct krb_gss_ctx ini, acc;
    uint8_t *sealed;
    size_t sealed_len;

    strcpy(c.crealm, "SSPI.TEST");
    strcpy(c.srealm, "SSPI.TEST");
    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &c.cname);
    krb_principal_parse("HTTP/localhost", KRB_NT_SRV_INST, &c.sname);
    strcpy(et.crealm, c.crealm);
    et.cname = c.cname;
    t.sname = c.sname;
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    must(!krb_enc_ticket_encode(&w, &et), "EncTicketPart");
    must(!krb_seal(&service, 2, bytes_writer_span(&w), &sealed, &sealed_len), "ticket sealed");
    t.enc = (struct krb_enc_data){ .etype = 18, .cipher = { sealed, sealed_len } };
    bytes_writer_init_heap(&tw, BYTES_NO_LIMIT);
    must(!krb_ticket_encode(&tw, &t), "Ticket");
    c.ticket = tw.buf;
    c.ticket_len = tw.len;
    bytes_writer_init_heap(&req, BYTES_NO_LIMIT);
    bytes_writer_init_heap(&rep, BYTES_NO_LIMIT);
    must(krb_gss_init_start(&ini, &c, KRB_GSS_MUTUAL | KRB_GSS_CONF, NULL, 0, &req) == KRB_CONTINUE, "AP-REQ");
    put("fuzz_krb_gss", "ap-req", req.buf, req.len, NULL, 0);
    {
        struct krb_gss_acceptor a = { .find_key = fz_find_service_key };
        must(krb_gss_accept(&acc, &a, req.buf, req.len, &rep) == KRB_OK, "AP-REP");
        put("fuzz_krb_gss", "ap-rep", rep.buf, rep.len, NULL, 0);
    }
    krb_gss_ctx_free(&ini);
    krb_gss_ctx_free(&acc);
    for (int i = 0; i < 12; i++) {
        static const int32_t types[] = { 17, 20, 23 };
        struct krb_gss_ctx tx;
        char name[64];
        uint8_t mic[64];
        size_t n;
        /* The sender is the other side of what the target builds for i. */
        fz_gss_ctx(&tx, !(i & 1), i & 2, types[i >> 2]);
        for (int conf = 0; conf < 2; conf++)
            for (int layout = 0; layout < 2; layout++) {
                struct bytes_writer tok;
                bytes_writer_init_heap(&tok, BYTES_NO_LIMIT);
                tx.send_seq = 0;
                must(!krb_gss_wrap(&tx, conf, layout, msg, sizeof(msg), &tok), "wrap");
                snprintf(name, sizeof(name), "wrap-%d-%d-%d", i, conf, layout);
                put("fuzz_krb_gss", name, tok.buf, tok.len, NULL, 0);
                bytes_writer_free(&tok);
            }
        /* The target verifies the input's second half as a MIC over its
         * first half: both halves the MIC's length. */
        {
            uint8_t both[128];
            size_t half = tx.session.etype == KRB_ETYPE_RC4_HMAC ? 37 : 16 + krb_crypto_checksum_size(tx.session.etype);
            memset(both, 'm', half);
            tx.send_seq = 0;
            must(!krb_gss_get_mic(&tx, both, half, mic, sizeof(mic), &n) && n == half, "MIC");
            memcpy(both + half, mic, n);
            snprintf(name, sizeof(name), "mic-%d", i);
            put("fuzz_krb_gss", name, both, 2 * half, NULL, 0);
        }
        krb_gss_ctx_free(&tx);
    }
    bytes_writer_free(&w);
    bytes_writer_free(&tw);
    bytes_writer_free(&req);
    bytes_writer_free(&rep);
    free(sealed);
}


/* fuzz_krb_import: Kerberos payloads (pkg_export.c, version 1) written
 * field by field, as an exporter of that role would: role byte first. */
static void krb_put_str(struct bytes_writer *w, const char *s)
{
    bytes_put_u16le(w, (uint16_t)strlen(s));
    bytes_put(w, s, strlen(s));
}

static void krb_put_key(struct bytes_writer *w, int32_t etype, uint8_t fill)
{
    struct krb_key k = fz_krb_key(etype, fill);
    bytes_put_u32le(w, (uint32_t)k.etype);
    bytes_put_u8(w, (uint8_t)k.len);
    bytes_put(w, k.bytes, k.len);
}

static void krb_import_seed(const char *name, bool server, int32_t etype, bool subkeys)
{
    uint8_t buf[1024];
    struct bytes_writer w;
    bytes_writer_init(&w, buf, sizeof(buf));
    bytes_put_u8(&w, server ? 2 : 1);                  /* PACKED_ROLE_SERVER / CLIENT */
    bytes_put_u16le(&w, 1);
    bytes_put_u8(&w, server);
    bytes_put_u32le(&w, server ? FZ_SERVER_REQ : FZ_CLIENT_REQ);
    bytes_put_u32le(&w, 0x1c);
    bytes_put_u32le(&w, KRB_GSS_MUTUAL | KRB_GSS_REPLAY | KRB_GSS_SEQUENCE | KRB_GSS_CONF | KRB_GSS_INTEG);
    bytes_put_u8(&w, subkeys ? 7 : 1);
    krb_put_key(&w, etype, 0x11);
    if (subkeys) {
        krb_put_key(&w, etype, 0x22);
        krb_put_key(&w, etype, 0x33);
    }
    bytes_put_u64le(&w, 1000);                         /* send_seq */
    bytes_put_u64le(&w, 2000);                         /* recv_next */
    bytes_put_u64le(&w, 0);                            /* recv_window */
    bytes_put_u8(&w, 0);                               /* recv_any */
    bytes_put_u64le(&w, 1000);                         /* start send */
    bytes_put_u64le(&w, 2000);                         /* start recv */
    bytes_put_u64le(&w, 0);                            /* clock offset */
    krb_put_str(&w, "SSPI.TEST");
    bytes_put_u32le(&w, 1);
    bytes_put_u8(&w, 1);
    krb_put_str(&w, "alice");
    krb_put_str(&w, "SSPI.TEST");
    bytes_put_u32le(&w, 2);
    bytes_put_u8(&w, 2);
    krb_put_str(&w, "HTTP");
    krb_put_str(&w, "localhost");
    bytes_put_u32le(&w, 0x50e10000);
    bytes_put_u64le(&w, 1796310000);
    bytes_put_u64le(&w, 1796310000);
    bytes_put_u64le(&w, 2111843200);
    static const uint8_t authz[] = { 0x30, 0x06, 0x30, 0x04, 0xa0, 0x02, 0x02, 0x00 };
    bytes_put_u32le(&w, server ? sizeof(authz) : 0);
    if (server)
        bytes_put(&w, authz, sizeof(authz));
    krb_put_str(&w, server ? "" : "HTTP/localhost");
    must(!w.failed, "Kerberos import seed");
    put("fuzz_krb_import", name, buf, w.len, NULL, 0);
}

static void krb_import_seeds(void)
{
    krb_import_seed("client-aes256", false, 18, true);
    krb_import_seed("server-aes256", true, 18, true);
    krb_import_seed("server-aes128-sha256", true, 19, false);
    krb_import_seed("client-rc4", false, 23, false);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz-seeds DIR\n");
        return 2;
    }
    out_dir = argv[1];
    if (mkdir(out_dir, 0755) && errno != EEXIST) {
        perror(out_dir);
        return 1;
    }
    fz_world();
    ntlm_seeds();
    negotiate_seeds();
    packed_seeds();
    accounts_seeds();
    krb_files_seeds();
    krb_gss_seeds();
    krb_import_seeds();
    fz_check_clean();
    printf("fuzz-seeds: %d files in %s\n", files, out_dir);
    return 0;
}
