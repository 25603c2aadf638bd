/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a KDC sends back (issue 16): the input goes to every Kerberos
 * message decoder, to the METHOD-DATA and ETYPE-INFO2 inside a KRB-ERROR,
 * and as a reply to an AS exchange in flight (rc4-hmac, so no PBKDF2 slows
 * the run) and a TGS exchange with a made-up TGT.  Every span a decoder
 * hands out must lie inside the input; no step may claim success, since no
 * input can know the nonce. */
#include "fuzz.h"
#include "sspishim/crypto.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(struct bytes_span s, const uint8_t *data, size_t size)
{
    return !s.len || (s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len);
}

static void decoders(const uint8_t *data, size_t size)
{
    static struct krb_kdc_rep rep;
    static struct krb_kdc_req req;
    struct krb_error err;
    struct krb_ap_req ap;
    struct krb_enc_kdc_rep enc;
    struct krb_enc_ticket et;
    struct krb_padata pa[KRB_PADATA_MAX];
    struct krb_etype_info2 info[8];
    struct bytes_reader r;
    size_t n, m;

    bytes_reader_init(&r, data, size);
    if (!krb_kdc_rep_decode(&r, &rep))
        FZ_ASSERT(inside(rep.ticket.whole, data, size) && inside(rep.enc.cipher, data, size));
    bytes_reader_init(&r, data, size);
    if (!krb_kdc_req_decode(&r, &req))
        FZ_ASSERT(inside(req.body, data, size) && req.n_pa <= KRB_PADATA_MAX && req.n_etypes <= KRB_ETYPES_MAX);
    bytes_reader_init(&r, data, size);
    if (!krb_ap_req_decode(&r, &ap))
        FZ_ASSERT(inside(ap.authenticator.cipher, data, size));
    bytes_reader_init(&r, data, size);
    krb_enc_kdc_rep_decode(&r, &enc);
    bytes_reader_init(&r, data, size);
    krb_enc_ticket_decode(&r, &et);
    bytes_reader_init(&r, data, size);
    if (!krb_error_decode(&r, &err)) {
        FZ_ASSERT(inside(err.e_data, data, size) && inside(err.e_text, data, size));
        bytes_reader_init(&r, err.e_data.p, err.e_data.len);
        if (!krb_padata_decode(&r, pa, &n))
            for (size_t i = 0; i < n; i++) {
                FZ_ASSERT(inside(pa[i].value, data, size));
                bytes_reader_init(&r, pa[i].value.p, pa[i].value.len);
                if (!krb_etype_info2_decode(&r, info, 8, &m))
                    FZ_ASSERT(m >= 1 && m <= 8 && inside(info[0].salt, data, size));
            }
    }
    crypto_wipe(&enc, sizeof(enc));
    crypto_wipe(&et, sizeof(et));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int32_t rc4[] = { KRB_ETYPE_RC4_HMAC };
    static const uint8_t ticket[] = { 0x61, 0x03, 0x30, 0x01, 0x00 };
    static struct krb_as as;
    static struct krb_tgs tgs;
    struct krb_creds tgt = { .key = { .etype = KRB_ETYPE_RC4_HMAC, .len = 16 } };
    struct bytes_writer w;
    int rc;

    decoders(data, size);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    FZ_ASSERT(krb_as_init(&as, "alice", "SSPI.TEST", "pw", 2, rc4, 1) == KRB_OK);
    FZ_ASSERT(krb_as_step(&as, NULL, 0, &w) == KRB_CONTINUE);
    rc = krb_as_step(&as, data, size, &w);
    FZ_ASSERT(rc < 0 || rc == KRB_CONTINUE);
    krb_as_free(&as);
    bytes_writer_free(&w);

    strcpy(tgt.crealm, "SSPI.TEST");
    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &tgt.cname);
    tgt.ticket = (uint8_t *)ticket;
    tgt.ticket_len = sizeof(ticket);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    FZ_ASSERT(krb_tgs_init(&tgs, &tgt, "HTTP/localhost", NULL) == KRB_OK);
    FZ_ASSERT(krb_tgs_step(&tgs, NULL, 0, &w) == KRB_CONTINUE);
    FZ_ASSERT(krb_tgs_step(&tgs, data, size, &w) < 0);
    krb_tgs_free(&tgs);
    bytes_writer_free(&w);
    return 0;
}
