/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* context_export / context_import with the NTLM package, natively: the
 * imported context carries on the conversation where the exporter stopped
 * (or afresh with RESET_NEW), and every kind of bad blob is refused without
 * leaving anything behind.  Tokens cannot be handed out natively, so the
 * token paths are the Wine suite's (tests/wine/export.c). */
#include "ntlm_session.h"

#include "sspishim/context_export.h"
#include "sspishim/machine_key.h"
#include "sspishim/packed.h"

static char keyfile[128];

static void export_setup(void)
{
    setup();
    snprintf(keyfile, sizeof(keyfile), "%s/machine.key", dir);
    setenv("SSPISHIM_MACHINE_KEY", keyfile, 1);
    machine_key_forget();
    if (!registry_find(w("NTLM")))   /* once per process, with or without CK_FORK */
        ck_st(registry_add(pkg), SHIM_OK);
}

static void export_teardown(void)
{
    machine_key_forget();
    packed_forget();
    unlink(keyfile);
    teardown();
}

static void blob_free(struct shim_buffer *b)
{
    sys_caller_free(b->pv);
    b->pv = NULL;
    b->cb = 0;
}

static shim_ctx *import_ok(const char *name, struct shim_buffer *b)
{
    shim_ctx *c = NULL;

    ck_st(context_import(w(name), b, NULL, &c), SHIM_OK);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* from seals "text" and to opens it. */
static void ck_seal(shim_ctx *from, shim_ctx *to, const char *text)
{
    struct msg m;
    size_t n = strlen(text);

    ck_st(ops->encrypt(from, 0, msg_init(&m, text), 0), SHIM_OK);
    ck_assert(memcmp(m.data, text, n) != 0);
    ck_st(ops->decrypt(to, &m.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m.data, text, n);
}

static uint32_t sig_seq(const struct msg *m)
{
    return m->sig[12] | m->sig[13] << 8 | (uint32_t)m->sig[14] << 16 | (uint32_t)m->sig[15] << 24;
}

/* Both roles: after a few messages each way, the imported copy takes over
 * and the peer notices nothing. */
START_TEST(carries_on)
{
    struct session s;
    struct shim_buffer b = { 0 };

    for (int server = 0; server < 2; server++) {
        established(&s);
        for (int i = 0; i < 3; i++) {
            ck_seal(s.cctx, s.sctx, "to the server");
            ck_seal(s.sctx, s.cctx, "to the client");
        }
        shim_ctx **mine = server ? &s.sctx : &s.cctx, *peer = server ? s.cctx : s.sctx;
        ck_st(context_export(*mine, 0, &b, NULL), SHIM_OK);
        ck_assert_uint_eq(b.type, SHIM_BUFFER_DATA);
        ck_assert_uint_lt(b.cb, 1024);
        ck_assert_mem_eq(b.pv, "SSPX", 4);
        shim_ctx *copy = import_ok(server ? "NTLM" : "ntlm", &b);
        blob_free(&b);
        ctx_delete(*mine);           /* the exporter is gone; the copy speaks for it */
        *mine = NULL;
        for (int i = 0; i < 3; i++) {
            ck_seal(peer, copy, "after the hand-off, in");
            ck_seal(copy, peer, "after the hand-off, out");
        }
        struct msg m;
        ck_st(ops->make_signature(copy, 0, msg_init(&m, "signed"), 0), SHIM_OK);
        ck_assert_uint_eq(sig_seq(&m), 6);
        ck_st(ops->verify_signature(peer, &m.d, 0, NULL), SHIM_OK);
        ctx_delete(copy);
        session_free(&s);
    }
}
END_TEST

/* The copy is complete: names, flags and sizes survive. */
START_TEST(attributes_survive)
{
    struct session s;
    struct shim_buffer b = { 0 };
    struct shim_ctx_names before = { 0 }, after = { 0 };
    struct shim_ctx_flags fb = { 0 }, fa = { 0 };

    established(&s);
    ck_st(context_export(s.sctx, 0, &b, NULL), SHIM_OK);
    shim_ctx *copy = import_ok("NTLM", &b);
    blob_free(&b);
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_NAMES, &before), SHIM_OK);
    ck_st(ops->query_context_attributes(copy, SHIM_ATTR_NAMES, &after), SHIM_OK);
    ck_assert(wstr_is(after.sUserName, "DOMAIN\\alice"));
    for (size_t i = 0; before.sUserName[i] || after.sUserName[i]; i++)
        ck_assert_uint_eq(before.sUserName[i], after.sUserName[i]);
    sys_caller_free(before.sUserName);
    sys_caller_free(after.sUserName);
    ck_st(ops->query_context_attributes(s.sctx, SHIM_ATTR_FLAGS, &fb), SHIM_OK);
    ck_st(ops->query_context_attributes(copy, SHIM_ATTR_FLAGS, &fa), SHIM_OK);
    ck_assert_uint_eq(fa.Flags, fb.Flags);
    ctx_delete(copy);
    session_free(&s);
}
END_TEST

/* RESET_NEW on a context nothing has used yet: the copies start as the
 * handshake left it, at sequence 0, and talk to each other. */
START_TEST(reset_new)
{
    struct session s;
    struct shim_buffer b = { 0 };
    struct msg m;

    established(&s);
    ck_st(context_export(s.sctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_OK);
    shim_ctx *server = import_ok("NTLM", &b);
    blob_free(&b);
    ck_st(context_export(s.cctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_OK);
    shim_ctx *client = import_ok("NTLM", &b);
    blob_free(&b);
    ck_st(ops->encrypt(client, 0, msg_init(&m, "fresh"), 0), SHIM_OK);
    ck_assert_uint_eq(sig_seq(&m), 0);
    ck_st(ops->decrypt(server, &m.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m.data, "fresh", 5);
    ck_seal(server, client, "and back");
    ctx_delete(client);
    ctx_delete(server);
    session_free(&s);
}
END_TEST

/* Once a message has passed, RESET_NEW would give the copy keystream and
 * sequence numbers the exporter already used (issue 15, finding 1): the
 * message sealed before the export would be accepted again by the copy,
 * and the copy's ciphertext XOR the old one would be the plaintexts' XOR.
 * It is refused, in both roles and for either direction, and the same
 * export without the flag still works. */
START_TEST(reset_new_after_messages)
{
    struct session s;
    struct shim_buffer b = { 0 };
    struct msg m;

    for (int dir_ = 0; dir_ < 3; dir_++) {
        established(&s);
        if (dir_ == 0 || dir_ == 2) {   /* client to server: one sealed message */
            ck_st(ops->encrypt(s.cctx, 0, msg_init(&m, "secret"), 0), SHIM_OK);
            struct msg replay = m;
            replay.b[0].pv = replay.sig;
            replay.b[1].pv = replay.data;
            replay.d.buffers = replay.b;
            ck_st(ops->decrypt(s.sctx, &m.d, 0, NULL), SHIM_OK);
            ck_st(context_export(s.sctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_E_INVALID_PARAMETER);
            ck_assert_ptr_null(b.pv);
            /* a snapshot carries on and refuses the replay */
            ck_st(context_export(s.sctx, 0, &b, NULL), SHIM_OK);
            shim_ctx *copy = import_ok("NTLM", &b);
            blob_free(&b);
            ck_assert(ops->decrypt(copy, &replay.d, 0, NULL) < 0);
            ctx_delete(copy);
        }
        if (dir_ == 1 || dir_ == 2) {   /* server to client: only signed */
            ck_st(ops->make_signature(s.sctx, 0, msg_init(&m, "signed"), 0), SHIM_OK);
            ck_st(ops->verify_signature(s.cctx, &m.d, 0, NULL), SHIM_OK);
        }
        ck_st(context_export(s.cctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_E_INVALID_PARAMETER);
        ck_assert_ptr_null(b.pv);
        ck_st(context_export(s.sctx, SHIM_EXPORT_RESET_NEW | SHIM_EXPORT_DELETE_OLD, &b, NULL),
              SHIM_E_INVALID_PARAMETER);
        ck_assert_ptr_null(b.pv);
        /* the refusals changed nothing: the pair goes on */
        ck_seal(s.cctx, s.sctx, "still talking");
        ck_seal(s.sctx, s.cctx, "and back");
        session_free(&s);
    }
}
END_TEST

/* Exporting twice without reset gives two copies at the same point: each
 * can take the next message, as a fork would. */
START_TEST(export_is_a_snapshot)
{
    struct session s;
    struct shim_buffer b1 = { 0 }, b2 = { 0 };
    struct msg m;

    established(&s);
    ck_st(context_export(s.sctx, 0, &b1, NULL), SHIM_OK);
    ck_st(context_export(s.sctx, 0, &b2, NULL), SHIM_OK);
    ck_assert(b1.cb == b2.cb && memcmp(b1.pv, b2.pv, b1.cb) != 0);   /* fresh nonce each time */
    shim_ctx *a = import_ok("NTLM", &b1), *c = import_ok("NTLM", &b2);
    blob_free(&b1);
    blob_free(&b2);
    ck_st(ops->encrypt(s.cctx, 0, msg_init(&m, "either"), 0), SHIM_OK);
    struct msg m2 = m;
    m2.b[0].pv = m2.sig;
    m2.b[1].pv = m2.data;
    m2.d.buffers = m2.b;
    ck_st(ops->decrypt(a, &m.d, 0, NULL), SHIM_OK);
    ck_st(ops->decrypt(c, &m2.d, 0, NULL), SHIM_OK);
    ck_assert_mem_eq(m.data, "either", 6);
    ck_assert_mem_eq(m2.data, "either", 6);
    ctx_delete(a);
    ctx_delete(c);
    session_free(&s);
}
END_TEST

START_TEST(flags)
{
    struct session s;
    struct shim_buffer b = { 0 };

    established(&s);
    ck_st(context_export(s.sctx, SHIM_EXPORT_TO_KERNEL, &b, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    ck_st(context_export(s.sctx, SHIM_EXPORT_TO_KERNEL | SHIM_EXPORT_RESET_NEW, &b, NULL),
          SHIM_E_UNSUPPORTED_FUNCTION);
    ck_st(context_export(s.sctx, 0x8, &b, NULL), SHIM_E_INVALID_PARAMETER);
    ck_st(context_export(s.sctx, 0x80000000u, &b, NULL), SHIM_E_INVALID_PARAMETER);
    ck_assert_ptr_null(b.pv);
    /* DELETE_OLD is the DLL's (the handle goes); the core exports as usual. */
    ck_st(context_export(s.sctx, SHIM_EXPORT_DELETE_OLD | SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_OK);
    blob_free(&b);
    session_free(&s);
}
END_TEST

START_TEST(only_established_contexts)
{
    struct session s;
    struct shim_buffer b = { 0 };

    session_init(&s, "alice", "DOMAIN", "Password1");
    ck_st(step(true, s.ccred, &s.cctx, s.creq, NULL, &s.neg, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(context_export(s.cctx, 0, &b, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    ck_st(step(false, s.scred, &s.sctx, s.sreq, &s.neg, &s.chal, NULL), SHIM_I_CONTINUE_NEEDED);
    ck_st(context_export(s.sctx, 0, &b, NULL), SHIM_E_UNSUPPORTED_FUNCTION);
    ck_assert_ptr_null(b.pv);
    session_free(&s);
}
END_TEST

/* ---- bad blobs ---------------------------------------------------------------- */

static void ck_refused(const char *name, const void *blob, size_t len, shim_status want)
{
    struct shim_buffer b = { (uint32_t)len, SHIM_BUFFER_DATA, (void *)blob };
    shim_ctx *c = (shim_ctx *)&c;    /* must come back NULL */
    struct handles_stats hs;

    handles_stats(&hs);
    size_t live = hs.live_objects;
    c = NULL;
    ck_st(context_import(w(name), &b, NULL, &c), want);
    ck_assert_ptr_null(c);
    handles_stats(&hs);
    ck_assert_uint_eq(hs.live_objects, live);
}

static struct shim_buffer exported(struct session *s)
{
    struct shim_buffer b = { 0 };

    established(s);
    ck_st(context_export(s->sctx, 0, &b, NULL), SHIM_OK);
    return b;
}

START_TEST(truncated_and_padded)
{
    struct session s;
    struct shim_buffer b = exported(&s);
    uint8_t *big = malloc(b.cb + 1);

    for (uint32_t n = 0; n < b.cb; n++)
        ck_refused("NTLM", b.pv, n, SHIM_E_INVALID_TOKEN);
    memcpy(big, b.pv, b.cb);
    big[b.cb] = 0;
    ck_refused("NTLM", big, b.cb + 1, SHIM_E_INVALID_TOKEN);
    free(big);
    /* Still good after all that. */
    shim_ctx *c = import_ok("NTLM", &b);
    ctx_delete(c);
    blob_free(&b);
    session_free(&s);
}
END_TEST

START_TEST(every_bit_flipped)
{
    struct session s;
    struct shim_buffer b = exported(&s);
    uint8_t *p = b.pv;

    for (uint32_t i = 0; i < b.cb; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            p[i] ^= (uint8_t)(1u << bit);
            struct shim_buffer t = { b.cb, SHIM_BUFFER_DATA, p };
            shim_ctx *c = NULL;
            shim_status st = context_import(w("NTLM"), &t, NULL, &c);
            ck_assert_msg(st < 0, "byte %u bit %d flipped: accepted", i, bit);
            ck_assert_ptr_null(c);
            p[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* The version field: another release's blob, not a damaged one. */
    p[4] = 2;
    ck_refused("NTLM", p, b.cb, SHIM_E_UNSUPPORTED_FUNCTION);
    p[4] = 1;
    /* The tag and the ciphertext: tampering. */
    p[b.cb - 1] ^= 1;
    ck_refused("NTLM", p, b.cb, SHIM_E_MESSAGE_ALTERED);
    p[b.cb - 1] ^= 1;
    p[b.cb / 2] ^= 0x80;
    ck_refused("NTLM", p, b.cb, SHIM_E_MESSAGE_ALTERED);
    p[b.cb / 2] ^= 0x80;
    shim_ctx *c = import_ok("NTLM", &b);
    ctx_delete(c);
    blob_free(&b);
    session_free(&s);
}
END_TEST

START_TEST(other_machine_key)
{
    struct session s;
    struct shim_buffer b = exported(&s);

    unlink(keyfile);                 /* another prefix: another key */
    machine_key_forget();
    ck_refused("NTLM", b.pv, b.cb, SHIM_E_DECRYPT_FAILURE);
    blob_free(&b);
    session_free(&s);
}
END_TEST

START_TEST(wrong_package)
{
    struct session s;
    struct shim_buffer b = exported(&s);
    uint8_t key[MACHINE_KEY_SIZE], *blob = NULL;
    size_t len = 0;

    ck_refused("Kerberos", b.pv, b.cb, SHIM_E_SECPKG_NOT_FOUND);
    ck_refused("", b.pv, b.cb, SHIM_E_SECPKG_NOT_FOUND);
    ck_refused("NTLMX", b.pv, b.cb, SHIM_E_SECPKG_NOT_FOUND);
    /* A well-sealed blob of another package, offered to NTLM. */
    ck_st(machine_key_get(key), SHIM_OK);
    ck_st(packed_seal(key, "Kerberos", PACKED_ROLE_SERVER, "payload", 7, &blob, &len), SHIM_OK);
    ck_refused("NTLM", blob, len, SHIM_E_INVALID_TOKEN);
    sys_caller_free(blob);
    blob_free(&b);
    session_free(&s);
}
END_TEST

/* Well sealed, but the inside is not an NTLM context. */
START_TEST(bad_payloads)
{
    uint8_t key[MACHINE_KEY_SIZE], *blob = NULL, junk[700];
    size_t len = 0;
    struct session s;
    struct shim_buffer b = exported(&s);
    uint8_t *payload = NULL;
    size_t plen = 0;
    struct packed_header hdr;

    ck_st(machine_key_get(key), SHIM_OK);
    ck_st(packed_open(key, b.pv, b.cb, &hdr, &payload, &plen), SHIM_OK);
    ck_assert_uint_eq(hdr.role, PACKED_ROLE_SERVER);
    /* The payload, cut at every length, and with a byte more. */
    for (size_t n = 0; n <= plen; n++) {
        uint8_t *copy = malloc(plen + 1);
        memcpy(copy, payload, plen);
        copy[plen] = 0;
        size_t use = n == plen ? plen + 1 : n;
        ck_st(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, copy, use, &blob, &len), SHIM_OK);
        ck_refused("NTLM", blob, len, n < 2 ? SHIM_E_UNSUPPORTED_FUNCTION : SHIM_E_INVALID_TOKEN);
        sys_caller_free(blob);
        free(copy);
    }
    /* A role that does not match the payload's. */
    ck_st(packed_seal(key, "NTLM", PACKED_ROLE_CLIENT, payload, plen, &blob, &len), SHIM_OK);
    ck_refused("NTLM", blob, len, SHIM_E_INVALID_TOKEN);
    sys_caller_free(blob);
    /* Another payload version. */
    payload[0] = 9;
    ck_st(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, payload, plen, &blob, &len), SHIM_OK);
    ck_refused("NTLM", blob, len, SHIM_E_UNSUPPORTED_FUNCTION);
    sys_caller_free(blob);
    /* Random bytes. */
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (uint8_t)(i * 131 + 7);
    junk[0] = 1, junk[1] = 0;
    ck_st(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, junk, sizeof(junk), &blob, &len), SHIM_OK);
    ck_refused("NTLM", blob, len, SHIM_E_INVALID_TOKEN);
    sys_caller_free(blob);
    packed_free_payload(payload, plen);
    blob_free(&b);
    session_free(&s);
}
END_TEST

/* ---- Without extended session security: one stream, one counter ---------------- */

static void no_ess_established(struct session *s)
{
    setenv("SSPISHIM_NTLM_NO_ESS", "server", 1);
    established(s);
    unsetenv("SSPISHIM_NTLM_NO_ESS");
}

/* The payload's version, read through the envelope. */
static unsigned payload_version(const struct shim_buffer *b, uint8_t **payload, size_t *plen)
{
    uint8_t key[MACHINE_KEY_SIZE];
    struct packed_header hdr;

    ck_st(machine_key_get(key), SHIM_OK);
    ck_st(packed_open(key, b->pv, b->cb, &hdr, payload, plen), SHIM_OK);
    ck_assert_uint_ge(*plen, 2);
    return (*payload)[0] | (*payload)[1] << 8;
}

/* Mid-conversation, in both roles: client at sequence 0, server at 1,
 * client at 2, then the copy takes over the shared stream and counter. */
START_TEST(no_ess_carries_on)
{
    struct session s;
    struct shim_buffer b = { 0 };
    uint8_t *payload;
    size_t plen;

    for (int server = 0; server < 2; server++) {
        no_ess_established(&s);
        ck_seal(s.cctx, s.sctx, "client, 0");
        ck_seal(s.sctx, s.cctx, "server, 1");
        ck_seal(s.cctx, s.sctx, "client, 2");
        shim_ctx **mine = server ? &s.sctx : &s.cctx, *peer = server ? s.cctx : s.sctx;
        ck_st(context_export(*mine, 0, &b, NULL), SHIM_OK);
        ck_assert_uint_eq(payload_version(&b, &payload, &plen), 2);
        packed_free_payload(payload, plen);
        shim_ctx *copy = import_ok("NTLM", &b);
        blob_free(&b);
        ctx_delete(*mine);
        *mine = NULL;
        ck_seal(copy, peer, "the copy, 3");
        ck_seal(peer, copy, "the peer, 4");
        struct msg m;
        ck_st(ops->make_signature(copy, 0, msg_init(&m, "signed, 5"), 0), SHIM_OK);
        ck_st(ops->verify_signature(peer, &m.d, 0, NULL), SHIM_OK);
        ck_assert(ops->verify_signature(peer, &m.d, 0, NULL) < 0);
        ctx_delete(copy);
        session_free(&s);
    }
    /* ESS contexts keep writing version 1. */
    established(&s);
    ck_st(context_export(s.cctx, 0, &b, NULL), SHIM_OK);
    ck_assert_uint_eq(payload_version(&b, &payload, &plen), 1);
    packed_free_payload(payload, plen);
    blob_free(&b);
    session_free(&s);
}
END_TEST

/* RESET_NEW: fine before any message, refused once one has passed either
 * way (a message received moves the shared stream as much as one sent),
 * and a refused export changes nothing. */
START_TEST(no_ess_reset_new)
{
    struct session s;
    struct shim_buffer b = { 0 };

    no_ess_established(&s);
    ck_st(context_export(s.sctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_OK);
    shim_ctx *server = import_ok("NTLM", &b);
    blob_free(&b);
    ck_st(context_export(s.cctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_OK);
    shim_ctx *client = import_ok("NTLM", &b);
    blob_free(&b);
    ck_seal(client, server, "fresh copies");
    ck_seal(server, client, "talk in turn");
    ctx_delete(client);
    ctx_delete(server);

    for (int receiver = 0; receiver < 2; receiver++) {
        ck_seal(receiver ? s.sctx : s.cctx, receiver ? s.cctx : s.sctx, "one message");
        ck_st(context_export(s.cctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_E_INVALID_PARAMETER);
        ck_assert_ptr_null(b.pv);
        ck_st(context_export(s.sctx, SHIM_EXPORT_RESET_NEW, &b, NULL), SHIM_E_INVALID_PARAMETER);
        ck_assert_ptr_null(b.pv);
    }
    ck_seal(s.cctx, s.sctx, "still in step");
    session_free(&s);
}
END_TEST

/* A version-2 payload whose flags claim ESS, or a version-1 payload whose
 * flags deny it, is refused; so is a version-2 payload cut short. */
START_TEST(no_ess_bad_payloads)
{
    uint8_t key[MACHINE_KEY_SIZE], *blob = NULL, *payload, *ess_payload;
    size_t len = 0, plen, ess_plen;
    struct session s, t;
    struct shim_buffer b = { 0 }, e = { 0 };

    no_ess_established(&s);
    ck_st(context_export(s.sctx, 0, &b, NULL), SHIM_OK);
    ck_assert_uint_eq(payload_version(&b, &payload, &plen), 2);
    established(&t);
    ck_st(context_export(t.sctx, 0, &e, NULL), SHIM_OK);
    ck_assert_uint_eq(payload_version(&e, &ess_payload, &ess_plen), 1);
    ck_st(machine_key_get(key), SHIM_OK);
    /* flags: u16 version, u8 server, u32 req, then u32 flags at offset 7 */
    payload[7 + 2] ^= NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY >> 16;
    ck_st(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, payload, plen, &blob, &len), SHIM_OK);
    ck_refused("NTLM", blob, len, SHIM_E_INVALID_TOKEN);
    sys_caller_free(blob);
    payload[7 + 2] ^= NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY >> 16;
    ess_payload[7 + 2] ^= NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY >> 16;
    ck_st(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, ess_payload, ess_plen, &blob, &len), SHIM_OK);
    ck_refused("NTLM", blob, len, SHIM_E_INVALID_TOKEN);
    sys_caller_free(blob);
    for (size_t n = 2; n < plen; n++) {
        ck_st(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, payload, n, &blob, &len), SHIM_OK);
        ck_refused("NTLM", blob, len, SHIM_E_INVALID_TOKEN);
        sys_caller_free(blob);
    }
    /* Untouched, it imports. */
    ck_st(packed_seal(key, "NTLM", PACKED_ROLE_SERVER, payload, plen, &blob, &len), SHIM_OK);
    struct shim_buffer ok = { (uint32_t)len, SHIM_BUFFER_DATA, blob };
    shim_ctx *c = import_ok("NTLM", &ok);
    ctx_delete(c);
    sys_caller_free(blob);
    packed_free_payload(payload, plen);
    packed_free_payload(ess_payload, ess_plen);
    blob_free(&b);
    blob_free(&e);
    session_free(&s);
    session_free(&t);
}
END_TEST

/* A client blob imported with a token: the token is closed at once and
 * ignored, so the copy cannot impersonate (issue 15, finding 8); a server
 * blob keeps it until the copy is deleted. */
START_TEST(client_blob_ignores_token)
{
    struct session s;
    struct shim_buffer b = { 0 };
    shim_ctx *c = NULL;
    void *t = NULL;

    established(&s);
    long before = sys_tokens_live();
    ck_st(context_export(s.cctx, 0, &b, NULL), SHIM_OK);
    ck_st(context_import(w("NTLM"), &b, (void *)1, &c), SHIM_OK);
    blob_free(&b);
    ck_assert_int_eq(sys_tokens_live(), before);
    ck_st(ops->impersonate(c), SHIM_E_NO_IMPERSONATION);
    ck_st(ops->query_token(c, &t), SHIM_E_NO_IMPERSONATION);
    ck_assert_ptr_null(t);
    ck_seal(c, s.sctx, "still a working client");
    ctx_delete(c);
    ck_assert_int_eq(sys_tokens_live(), before);

    ck_st(context_export(s.sctx, 0, &b, NULL), SHIM_OK);
    ck_st(context_import(w("NTLM"), &b, (void *)1, &c), SHIM_OK);
    blob_free(&b);
    ck_assert_int_eq(sys_tokens_live(), before + 1);
    ck_st(ops->impersonate(c), SHIM_OK);
    ck_st(ops->revert(c), SHIM_OK);
    ctx_delete(c);
    ck_assert_int_eq(sys_tokens_live(), before);
    session_free(&s);
}
END_TEST

START_TEST(empty_and_null)
{
    struct shim_buffer b = { 0, SHIM_BUFFER_DATA, NULL };
    shim_ctx *c = NULL;

    ck_st(context_import(w("NTLM"), &b, NULL, &c), SHIM_E_INVALID_TOKEN);
    b.cb = 10;
    ck_st(context_import(w("NTLM"), &b, NULL, &c), SHIM_E_INVALID_TOKEN);
    ck_refused("NTLM", "SSPX", 4, SHIM_E_INVALID_TOKEN);
    ck_refused("NTLM", "not a blob at all", 17, SHIM_E_INVALID_TOKEN);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("context_export");
    TCase *tc = tcase_create("export");

    tcase_add_checked_fixture(tc, export_setup, export_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, carries_on);
    tcase_add_test(tc, attributes_survive);
    tcase_add_test(tc, reset_new);
    tcase_add_test(tc, reset_new_after_messages);
    tcase_add_test(tc, export_is_a_snapshot);
    tcase_add_test(tc, flags);
    tcase_add_test(tc, only_established_contexts);
    tcase_add_test(tc, truncated_and_padded);
    tcase_add_test(tc, every_bit_flipped);
    tcase_add_test(tc, other_machine_key);
    tcase_add_test(tc, wrong_package);
    tcase_add_test(tc, bad_payloads);
    tcase_add_test(tc, empty_and_null);
    tcase_add_test(tc, client_blob_ignores_token);
    tcase_add_test(tc, no_ess_carries_on);
    tcase_add_test(tc, no_ess_reset_new);
    tcase_add_test(tc, no_ess_bad_payloads);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
