/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The core's readers of krb5.conf, keytabs and credential caches over the
 * files MIT's own tools wrote (tests/kerberos/run.sh: kadmin.local ktadd,
 * kinit).  Each mode prints what it read in the shape run.sh makes of
 * klist's output, so the script compares the two line by line.  The files
 * are found as the core finds them: KRB5_CONFIG, KRB5_KTNAME, KRB5CCNAME.
 *
 *   krb_files_dump conf       default_realm, kdcs, udp_preference_limit...
 *   krb_files_dump keytab     KVNO DATE TIME PRINCIPAL ETYPE 0xKEY (klist -k -t -e -K)
 *   krb_files_dump ccache     the default principal, then one line per
 *                             ticket: START END SERVER ETYPE (klist -e)
 *   krb_files_dump tgs PORT   the TGT kinit left, through our TGS exchange
 *                             to HTTP/localhost, opened with the keytab's key,
 *                             and the PAC MIT's KDC put in it found and split:
 *                             prints PASS or FAIL lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kdc_transport.h"
#include "sspishim/crypto.h"
#include "sspishim/krb_ccache.h"
#include "sspishim/krb_conf.h"
#include "sspishim/der.h"
#include "sspishim/krb_keytab.h"
#include "sspishim/krb_pac.h"

/* MIT's names, as klist prints them (run.sh drops its "DEPRECATED:"). */
static const char *etype_name(int32_t e)
{
    switch (e) {
    case 17: return "aes128-cts-hmac-sha1-96";
    case 18: return "aes256-cts-hmac-sha1-96";
    case 19: return "aes128-cts-hmac-sha256-128";
    case 20: return "aes256-cts-hmac-sha384-192";
    case 23: return "arcfour-hmac";
    default: return "unknown";
    }
}

static const char *date(int64_t t, char *buf, size_t max)
{
    time_t tt = (time_t)t;
    strftime(buf, max, "%m/%d/%y %H:%M:%S", localtime(&tt));
    return buf;
}

static void name(const char *realm, const struct krb_principal *p, char *out, size_t max)
{
    char text[1100];
    snprintf(out, max, "%s@%s", krb_principal_text(p, text, sizeof(text)), realm);
}

static int conf(void)
{
    struct krb_conf c;
    struct krb_conf_kdc k[8];
    const char *realm;
    int rc = krb_conf_load(&c);

    if (rc) {
        fprintf(stderr, "krb5.conf: %s\n", krb_file_status_text(rc));
        return 1;
    }
    realm = krb_conf_default_realm(&c);
    printf("default_realm %s\n", realm ? realm : "-");
    for (size_t i = 0, n = realm ? krb_conf_kdcs(&c, realm, k, 8) : 0; i < n; i++)
        printf("kdc %s:%u\n", k[i].host, k[i].port);
    printf("udp_preference_limit %ld\n", krb_conf_udp_preference_limit(&c));
    printf("dns_lookup_kdc %d\n", krb_conf_dns_lookup_kdc(&c));
    printf("dns_lookup_realm %d\n", krb_conf_dns_lookup_realm(&c));
    krb_conf_free(&c);
    return 0;
}

static int keytab(void)
{
    struct krb_file f;
    struct krb_keytab_iter it;
    struct krb_keytab_entry e;
    char who[1400], when[64];
    int rc = krb_keytab_load(NULL, &f);

    if (!rc && !(rc = krb_keytab_begin(&it, f.data, f.len)))
        while (!(rc = krb_keytab_next(&it, &e))) {
            name(e.realm, &e.princ, who, sizeof(who));
            printf("%u %s %s %s 0x", e.kvno, date(e.timestamp, when, sizeof(when)), who, etype_name(e.key.etype));
            for (size_t i = 0; i < e.key.len; i++)
                printf("%02x", e.key.bytes[i]);
            printf("\n");
            crypto_wipe(&e, sizeof(e));
        }
    krb_file_free(&f);
    if (rc != KRB_FILE_END)
        fprintf(stderr, "keytab: %s\n", krb_file_status_text(rc));
    return rc != KRB_FILE_END;
}

static int ccache(void)
{
    struct krb_file f;
    struct krb_ccache cc;
    struct krb_ccache_cred cr;
    char who[1400], start[64], end[64];
    size_t pos;
    int rc = krb_ccache_load(NULL, &f);

    if (!rc && !(rc = krb_ccache_open(&cc, f.data, f.len))) {
        name(cc.realm, &cc.princ, who, sizeof(who));
        printf("Default principal: %s\n", who);
        for (pos = cc.creds_at; !(rc = krb_ccache_next(&cc, &pos, &cr));) {
            if (cr.is_config)
                continue;
            name(cr.srealm, &cr.server, who, sizeof(who));
            printf("%s %s %s %s\n", date(cr.starttime ? cr.starttime : cr.authtime, start, sizeof(start)),
                   date(cr.endtime, end, sizeof(end)), who, etype_name(cr.key.etype));
            crypto_wipe(&cr, sizeof(cr));
        }
    }
    krb_file_free(&f);
    if (rc != KRB_FILE_END)
        fprintf(stderr, "ccache: %s\n", krb_file_status_text(rc));
    return rc != KRB_FILE_END;
}

/* MIT's PAC always has the client info buffer (type 10). */
static int has_client_info(const char *types)
{
    char list[130];
    snprintf(list, sizeof(list), ",%s,", types);
    return strstr(list, ",10,") != NULL;
}

static void result(int ok, const char *what, const char *why)
{
    if (ok)
        printf("PASS %s\n", what);
    else
        printf("FAIL %s: %s\n", what, why);
}

/* The PAC in a ticket MIT's KDC issued (1.20 and later add one to every
 * ticket): EncTicketPart's authorization-data [10], found and split by the
 * core.  The buffer types seen, or why not, into out. */
static const char *pac_types(const struct krb_key *key, const struct krb_ticket *t, char *out, size_t max)
{
    uint8_t *plain = NULL;
    size_t plain_len = 0, used = 0;
    struct bytes_reader r, app, seq, f;
    struct bytes_span pac;
    struct krb_pac p;
    const char *why = NULL;
    uint8_t tag = 0;

    out[0] = 0;
    if (krb_open(key, KRB_KU_TICKET, &t->enc, &plain, &plain_len))
        return "the ticket does not open";
    bytes_reader_init(&r, plain, plain_len);
    if (der_expect(&r, DER_APPLICATION(KRB_TAG_ENC_TICKET_PART), &app, NULL) ||
        der_expect(&app, DER_SEQUENCE, &seq, NULL))
        why = "EncTicketPart does not decode";
    while (!why && bytes_remaining(&seq) && !der_read(&seq, &tag, &f, NULL) && tag != DER_CONTEXT(10))
        ;
    if (!why && tag != DER_CONTEXT(10))
        why = "no authorization-data";
    else if (!why && krb_pac_find(f.p + f.pos, bytes_remaining(&f), &pac))
        why = "no PAC in the authorization-data";
    else if (!why && krb_pac_parse(pac.p, pac.len, &p))
        why = "the PAC does not parse";
    for (uint32_t i = 0; !why && i < p.count && used + 12 < max; i++)
        used += (size_t)snprintf(out + used, max - used, "%s%u", i ? "," : "", p.buf[i].type);
    crypto_wipe(plain, plain_len);
    free(plain);
    return why;
}

/* The TGS exchange over UDP then TCP, as kdc_exchange.c drives it. */
static int tgs_run(int port, struct krb_tgs *tgs)
{
    static uint8_t reply[KDC_REPLY_MAX];
    struct bytes_writer w;
    size_t len = 0;
    int rc, tcp = 0;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    rc = krb_tgs_step(tgs, NULL, 0, &w);
    while (rc == KRB_CONTINUE || rc == KRB_E_RESPONSE_TOO_BIG) {
        if (rc == KRB_E_RESPONSE_TOO_BIG)
            tcp = 1;
        if (kdc_transact(tcp, port, w.buf, w.len, reply, sizeof(reply), &len, 3000)) {
            rc = KRB_E_STATE;
            break;
        }
        rc = krb_tgs_step(tgs, reply, len, &w);
        if (rc == KRB_E_RESPONSE_TOO_BIG && tcp)
            break;
    }
    bytes_writer_free(&w);
    return rc;
}

static int tgs(int port)
{
    struct krb_file cf = { 0 }, kf = { 0 };
    struct krb_ccache cc;
    struct krb_ccache_cred cr;
    struct krb_creds tgt = { 0 }, svc = { 0 };
    struct krb_tgs x;
    struct krb_ticket t;
    struct krb_enc_ticket et;
    struct krb_keytab_entry key;
    struct bytes_reader r;
    const char *why = NULL;
    int rc;

    if ((rc = krb_ccache_load(NULL, &cf)) || (rc = krb_ccache_open(&cc, cf.data, cf.len)) ||
        (rc = krb_ccache_find_tgt(&cc, NULL, &cr)) || (rc = krb_ccache_to_creds(&cr, &tgt))) {
        result(0, "the ccache's TGT becomes krb_creds", krb_file_status_text(rc));
        krb_file_free(&cf);
        return 1;
    }
    crypto_wipe(&cr, sizeof(cr));
    result(1, "the ccache's TGT becomes krb_creds", NULL);
    if (krb_tgs_init(&x, &tgt, "HTTP/localhost", NULL) || (rc = tgs_run(port, &x)) != KRB_OK) {
        result(0, "TGS exchange with kinit's TGT", krb_status_text(rc));
        why = "no service ticket";
    } else {
        krb_tgs_take_creds(&x, &svc);
        result(1, "TGS exchange with kinit's TGT", NULL);
    }
    krb_tgs_free(&x);
    if (!why) {
        bytes_reader_init(&r, svc.ticket, svc.ticket_len);
        if (krb_ticket_decode(&r, &t))
            why = "the service ticket does not decode";
        else if ((rc = krb_keytab_load(NULL, &kf)) ||
                 (rc = krb_keytab_find(kf.data, kf.len, &t.sname, t.realm, t.enc.etype, t.enc.kvno, &key)))
            why = krb_file_status_text(rc);
        else if (krb_ticket_open(&key.key, &t, &et))
            why = "the keytab's key does not open the ticket";
        else if (strcmp(et.cname.comp[0], cc.princ.comp[0]) || et.key.len != svc.key.len ||
                 memcmp(et.key.bytes, svc.key.bytes, svc.key.len))
            why = "the ticket is not for our client and session key";
        result(!why, "the service ticket opens with krb_keytab_find's key", why);
        if (!why) {
            char types[128];
            const char *no = pac_types(&key.key, &t, types, sizeof(types));
            printf("  PAC buffer types: %s\n", no ? no : types);
            result(!no && has_client_info(types),
                   "the service ticket's PAC found and split (krb_pac_find, krb_pac_parse)",
                   no ? no : "no client info buffer (type 10)");
        }
        crypto_wipe(&et, sizeof(et));
        crypto_wipe(&key, sizeof(key));
    }
    krb_creds_free(&tgt);
    krb_creds_free(&svc);
    krb_file_free(&cf);
    krb_file_free(&kf);
    return why != NULL;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "conf"))
        return conf();
    if (argc == 2 && !strcmp(argv[1], "keytab"))
        return keytab();
    if (argc == 2 && !strcmp(argv[1], "ccache"))
        return ccache();
    if (argc == 3 && !strcmp(argv[1], "tgs"))
        return tgs(atoi(argv[2]));
    fprintf(stderr, "usage: krb_files_dump conf|keytab|ccache|tgs PORT\n");
    return 2;
}
