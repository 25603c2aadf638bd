/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The core's AS and TGS exchanges against the MIT KDC run.sh started.
 * Prints one "PASS name" or "FAIL name: why" per case.  Every service
 * ticket is opened with the key from MIT's keytab (kadmin ktadd): proof
 * it really is for HTTP/localhost, for our client, with our session key.
 * With KDC_CAPTURE_DIR set, each KDC reply is also written there (the
 * unit suite's truncation corpus came from such a run).
 * Usage: kdc_exchange PORT REALM PASSWORD KEYTAB RC4(0|1) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kdc_transport.h"
#include "sspishim/crypto.h"
#include "sspishim/krb_exchange.h"

static int port, failures;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static const char *realm, *password, *keytab;

static void result(int ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        failures++;
    }
}

static void capture(const char *what, const uint8_t *p, size_t n)
{
    const char *dir = getenv("KDC_CAPTURE_DIR");
    char path[512];
    FILE *f;

    if (!dir)
        return;
    snprintf(path, sizeof(path), "%s/%s.der", dir, what);
    if ((f = fopen(path, "wb"))) {
        fwrite(p, 1, n, f);
        fclose(f);
    }
}

/* Steps an exchange to its end over the transport: UDP, then TCP when
 * asked to or when the KDC says the reply is too big for UDP. */
typedef int (*step_fn)(void *st, const uint8_t *in, size_t len, struct bytes_writer *out);
static int as_step(void *st, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    return krb_as_step(st, in, len, out);
}
static int tgs_step(void *st, const uint8_t *in, size_t len, struct bytes_writer *out)
{
    return krb_tgs_step(st, in, len, out);
}

static int drive(step_fn step, void *st, int tcp, const char *tag)
{
    static uint8_t reply[KDC_REPLY_MAX];
    struct bytes_writer req, next;
    size_t n = 0;
    int rc, round = 0;

    bytes_writer_init_heap(&req, 1u << 16);
    rc = step(st, NULL, 0, &req);
    while (rc == KRB_CONTINUE || rc == KRB_E_RESPONSE_TOO_BIG) {
        struct bytes_span s = bytes_writer_span(&req);
        char name[64];
        if (kdc_transact(tcp, port, s.p, s.len, reply, sizeof(reply), &n, 3000)) {
            rc = -100;
            break;
        }
        snprintf(name, sizeof(name), "%s-%d", tag, round++);
        capture(name, reply, n);
        bytes_writer_init_heap(&next, 1u << 16);
        rc = step(st, reply, n, &next);
        if (rc == KRB_E_RESPONSE_TOO_BIG && !tcp) {
            tcp = 1;                /* the same request again */
            bytes_writer_free(&next);
            continue;
        }
        bytes_writer_free(&req);
        req = next;
    }
    bytes_writer_free(&req);
    return rc;
}

static const char *status_text(int rc)
{
    return rc == -100 ? "no answer from the KDC" : krb_status_text(rc);
}

/* The keytab's key for HTTP/localhost of this etype and kvno (format 0x502:
 * entries of a 32-bit size, the name, timestamp, kvno and key block). */
static int keytab_key(int32_t etype, uint32_t kvno, struct krb_key *out)
{
    static uint8_t buf[1 << 16];
    FILE *f = fopen(keytab, "rb");
    size_t len = f ? fread(buf, 1, sizeof(buf), f) : 0;
    struct bytes_reader r;
    int found = -1;

    if (f)
        fclose(f);
    bytes_reader_init(&r, buf, len);
    if (bytes_get_u16be(&r) != 0x502)
        return -1;
    while (bytes_remaining(&r) >= 4 && found) {
        int32_t size = (int32_t)bytes_get_u32be(&r);
        struct bytes_reader e;
        char comps[2][64] = { "", "" };
        uint16_t ncomp, klen, n;
        uint32_t vno;
        int32_t type;
        if (size <= 0) {                /* a hole left by a removed entry */
            bytes_skip(&r, size < 0 ? (size_t)-(int64_t)size : 0);
            if (size == 0) break;
            continue;
        }
        bytes_get_sub(&r, (size_t)size, &e);
        ncomp = bytes_get_u16be(&e);
        bytes_skip(&e, bytes_get_u16be(&e));                /* realm */
        for (uint16_t i = 0; i < ncomp; i++) {
            n = bytes_get_u16be(&e);
            if (i < 2 && n < 64) bytes_get(&e, comps[i], n);
            else bytes_skip(&e, n);
        }
        bytes_skip(&e, 4 + 4);                              /* name type, timestamp */
        vno = bytes_get_u8(&e);
        type = bytes_get_u16be(&e);
        klen = bytes_get_u16be(&e);
        if (klen > KRB_KEY_MAX || e.failed)
            return -1;
        out->etype = type;
        out->len = klen;
        bytes_get(&e, out->bytes, klen);
        if (bytes_remaining(&e) >= 4)
            vno = bytes_get_u32be(&e);
        if (!e.failed && ncomp == 2 && !strcmp(comps[0], "HTTP") && !strcmp(comps[1], "localhost") &&
            type == etype && vno == kvno)
            found = 0;
    }
    if (found)
        crypto_wipe(out, sizeof(*out));
    return found;
}

/* The service ticket opened with the service's own key says who it is for. */
static const char *check_service_ticket(const struct krb_creds *c, const char *user)
{
    struct krb_ticket t;
    struct krb_enc_ticket et;
    struct krb_key k;
    struct bytes_reader r;
    const char *why = NULL;
    char name[256];

    bytes_reader_init(&r, c->ticket, c->ticket_len);
    if (krb_ticket_decode(&r, &t) || bytes_remaining(&r))
        return "the ticket does not decode";
    if (keytab_key(t.enc.etype, t.enc.kvno, &k))
        return "no keytab key for the ticket's etype and kvno";
    if (krb_ticket_open(&k, &t, &et))
        why = "the keytab key does not open the ticket";
    else if (strcmp(krb_principal_text(&et.cname, name, sizeof(name)), user) || strcmp(et.crealm, realm))
        why = "the ticket names another client";
    else if (et.key.etype != c->key.etype || et.key.len != c->key.len || memcmp(et.key.bytes, c->key.bytes, c->key.len))
        why = "the ticket's session key is not ours";
    else if (strcmp(t.sname.comp[0], "HTTP") || strcmp(t.sname.comp[1], "localhost"))
        why = "the ticket is for another service";
    crypto_wipe(&et, sizeof(et));
    crypto_wipe(&k, sizeof(k));
    return why;
}

/* AS with a password, then TGS for HTTP/localhost, checked end to end. */
static void full_exchange(const char *user, int32_t want_etype, int tcp, const char *name)
{
    struct krb_as as;
    struct krb_tgs tgs;
    struct krb_creds tgt = { 0 }, svc = { 0 };
    char why[256];
    const char *bad;
    double t0, t1;
    int rc;

    /* Asking for one etype only makes the KDC use it for the session keys
     * too, so the TGS-REQ's checksum and authenticator use it as well. */
    krb_as_init(&as, user, realm, password, strlen(password), want_etype ? &want_etype : NULL, want_etype ? 1 : 0);
    t0 = now_ms();
    rc = drive(as_step, &as, tcp, name);
    t1 = now_ms();
    if (rc != KRB_OK) {
        snprintf(why, sizeof(why), "AS: %s (KDC error %d)", status_text(rc), (int)as.kdc_error);
        result(0, name, why);
        krb_as_free(&as);
        return;
    }
    if (want_etype && (as.key.etype != want_etype || as.tgt.key.etype != want_etype)) {
        snprintf(why, sizeof(why), "AS-REP under etype %d, session key %d, not %d", (int)as.key.etype,
                 (int)as.tgt.key.etype, (int)want_etype);
        result(0, name, why);
        krb_as_free(&as);
        return;
    }
    krb_as_take_tgt(&as, &tgt);
    krb_as_free(&as);
    krb_tgs_init(&tgs, &tgt, "HTTP/localhost", NULL);
    rc = drive(tgs_step, &tgs, tcp, "tgs");
    printf("  %s: AS %.1f ms (string-to-key included), TGS %.1f ms\n", user, t1 - t0, now_ms() - t1);
    if (rc != KRB_OK) {
        snprintf(why, sizeof(why), "TGS: %s (KDC error %d)", status_text(rc), (int)tgs.kdc_error);
        result(0, name, why);
    } else {
        krb_tgs_take_creds(&tgs, &svc);
        bad = check_service_ticket(&svc, user);
        result(!bad, name, bad);
    }
    krb_tgs_free(&tgs);
    krb_creds_free(&svc);
    krb_creds_free(&tgt);
}

/* An AS exchange that must fail with `want` and KDC error `code` (0: any). */
static void as_fails(const char *user, const char *pw, const int32_t *etypes, size_t n, int64_t skew, int want,
                     int32_t code, const char *name)
{
    struct krb_as as;
    char why[256];
    int rc;

    krb_as_init(&as, user, realm, pw, strlen(pw), etypes, n);
    as.clock_offset = skew;
    rc = drive(as_step, &as, 0, name);
    snprintf(why, sizeof(why), "got %s (KDC error %d)", status_text(rc), (int)as.kdc_error);
    result(rc == want && (!code || as.kdc_error == code), name, why);
    krb_as_free(&as);
}

static void tgs_unknown_service(void)
{
    struct krb_as as;
    struct krb_tgs tgs;
    char why[256];
    int rc;

    krb_as_init(&as, "alice", realm, password, strlen(password), NULL, 0);
    rc = drive(as_step, &as, 0, "as-alice");
    if (rc == KRB_OK) {
        krb_tgs_init(&tgs, &as.tgt, "HTTP/nowhere.invalid", NULL);
        rc = drive(tgs_step, &tgs, 0, "tgs-unknown");
        snprintf(why, sizeof(why), "got %s (KDC error %d)", status_text(rc), (int)tgs.kdc_error);
        result(rc == KRB_E_SERVER_UNKNOWN && tgs.kdc_error == KDC_ERR_S_PRINCIPAL_UNKNOWN,
               "TGS for an unknown service: SERVER_UNKNOWN (KDC_ERR_S_PRINCIPAL_UNKNOWN)", why);
        krb_tgs_free(&tgs);
    } else {
        result(0, "TGS for an unknown service", status_text(rc));
    }
    krb_as_free(&as);
}

int main(int argc, char **argv)
{
    static const int32_t aes256_only[] = { KRB_ETYPE_AES256_CTS_HMAC_SHA1_96 };
    static const struct { const char *user; int32_t etype; } users[] = {
        { "u17", 17 }, { "u18", 18 }, { "u19", 19 }, { "u20", 20 }, { "u23", 23 },
    };

    if (argc != 6) {
        fprintf(stderr, "usage: %s PORT REALM PASSWORD KEYTAB RC4\n", argv[0]);
        return 2;
    }
    port = atoi(argv[1]), realm = argv[2], password = argv[3], keytab = argv[4];
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
        char name[128];
        if (users[i].etype == 23 && strcmp(argv[5], "1")) {
            printf("SKIP rc4-hmac: the KDC does not keep rc4 keys\n");
            continue;
        }
        snprintf(name, sizeof(name), "AS (PA-ENC-TIMESTAMP) + TGS, %s, etype %d for every key, UDP", users[i].user,
                 (int)users[i].etype);
        full_exchange(users[i].user, users[i].etype, 0, name);
    }
    full_exchange("alice", 0, 1, "AS + TGS, alice (KDC's choice of etype), TCP");
    full_exchange("nopreauth", 18, 0, "AS without pre-authentication + TGS");
    as_fails("alice", "wrong password", NULL, 0, 0, KRB_E_LOGON_DENIED, KDC_ERR_PREAUTH_FAILED,
             "wrong password: LOGON_DENIED (KDC_ERR_PREAUTH_FAILED)");
    as_fails("nopreauth", "wrong password", NULL, 0, 0, KRB_E_LOGON_DENIED, 0,
             "wrong password, no pre-auth: LOGON_DENIED (AS-REP fails its integrity check)");
    as_fails("nobody", password, NULL, 0, 0, KRB_E_CLIENT_UNKNOWN, KDC_ERR_C_PRINCIPAL_UNKNOWN,
             "unknown client: CLIENT_UNKNOWN (KDC_ERR_C_PRINCIPAL_UNKNOWN)");
    as_fails("alice", password, NULL, 0, 3600, KRB_E_SKEW, KRB_AP_ERR_SKEW,
             "clock an hour ahead: SKEW (KRB_AP_ERR_SKEW)");
    /* MIT answers PREAUTH_REQUIRED listing only the etypes the user has,
     * none of them offered: the client gives up with ETYPE. */
    as_fails("u17", password, aes256_only, 1, 0, KRB_E_ETYPE, 0,
             "aes128-only user asked for aes256 only: ETYPE (ETYPE-INFO2 has none offered)");
    tgs_unknown_service();
    return failures != 0;
}
