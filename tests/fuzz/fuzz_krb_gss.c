/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Kerberos GSS-API mechanism's parsers (issue 16): the input goes to
 * the frame decoder, the AP-REP and EncAPRepPart decoders, our acceptor
 * (as an AP-REQ, with a fixed service key), an initiator waiting for an
 * AP-REP, and to established contexts of both sides (fixed keys; with an
 * acceptor subkey and without; RFC 4121 and RFC 4757 keys) as a Wrap token, whole and split at a few
 * points as SSPI would, and as a MIC token.  Seeds (seeds.c) are real
 * tokens under the same fixed keys (fuzz.h), so mutations start deep.  Nothing may crash, every span
 * must lie inside the input, and an unwrapped message is never longer than
 * its token. */
#include "fuzz.h"
#include "sspishim/crypto.h"
#include "sspishim/krb_exchange.h"
#include "sspishim/krb_gss.h"
#include "sspishim/krb_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(struct bytes_span s, const uint8_t *data, size_t size)
{
    return !s.len || (s.p >= data && s.len <= size && (size_t)(s.p - data) <= size - s.len);
}

static void decoders(const uint8_t *data, size_t size)
{
    struct bytes_span inner;
    struct krb_enc_data enc;
    struct krb_ap_rep_part part;
    struct krb_authenticator a;
    struct bytes_reader r;
    uint16_t tok;

    if (!krb_gss_frame_decode((struct bytes_span){ data, size }, &tok, &inner))
        FZ_ASSERT(inside(inner, data, size));
    bytes_reader_init(&r, data, size);
    if (!krb_ap_rep_decode(&r, &enc))
        FZ_ASSERT(inside(enc.cipher, data, size));
    bytes_reader_init(&r, data, size);
    if (!krb_ap_rep_part_decode(&r, &part))
        FZ_ASSERT(!part.has_subkey || part.subkey.len == krb_crypto_key_size(part.subkey.etype));
    bytes_reader_init(&r, data, size);
    if (!krb_authenticator_decode(&r, &a))
        FZ_ASSERT(inside(a.cksum.value, data, size));
    crypto_wipe(&part, sizeof(part));
    crypto_wipe(&a, sizeof(a));
}

static void handshake(const uint8_t *data, size_t size)
{
    static const uint8_t ticket[] = { 0x61, 0x03, 0x30, 0x01, 0x00 };
    struct krb_gss_acceptor acc = { .find_key = fz_find_service_key };
    struct krb_gss_ctx ctx;
    struct krb_creds creds = { .key = fz_krb_key(18, 0x24) };
    struct bytes_writer w;
    int rc;

    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    rc = krb_gss_accept(&ctx, &acc, data, size, &w);
    FZ_ASSERT(rc == KRB_OK ? ctx.state == KRB_GSS_ST_ESTABLISHED : ctx.state == KRB_GSS_ST_FAILED);
    krb_gss_ctx_free(&ctx);
    bytes_writer_free(&w);

    strcpy(creds.crealm, "SSPI.TEST");
    strcpy(creds.srealm, "SSPI.TEST");
    krb_principal_parse("alice", KRB_NT_PRINCIPAL, &creds.cname);
    krb_principal_parse("HTTP/localhost", KRB_NT_SRV_INST, &creds.sname);
    creds.ticket = (uint8_t *)ticket;
    creds.ticket_len = sizeof(ticket);
    bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
    FZ_ASSERT(krb_gss_init_start(&ctx, &creds, KRB_GSS_MUTUAL, NULL, 0, &w) == KRB_CONTINUE);
    /* Its ctime and subkey are fresh, so no input can be its answer. */
    FZ_ASSERT(krb_gss_init_step(&ctx, data, size) < 0);
    FZ_ASSERT(ctx.state == KRB_GSS_ST_FAILED);
    krb_gss_ctx_free(&ctx);
    bytes_writer_free(&w);
}

static void messages(const uint8_t *data, size_t size)
{
    static const int32_t types[] = { 17, 20, 23 };

    for (int i = 0; i < 12; i++) {
        struct krb_gss_ctx ctx;
        struct bytes_writer w;
        uint8_t *copy;
        size_t plain_len;
        int rc;

        fz_gss_ctx(&ctx, i & 1, i & 2, types[i >> 2]);
        bytes_writer_init_heap(&w, BYTES_NO_LIMIT);
        rc = krb_gss_unwrap(&ctx, data, size, &w, NULL, NULL);
        FZ_ASSERT(rc != KRB_OK || w.len <= size);
        bytes_writer_free(&w);
        krb_gss_verify_mic(&ctx, data, size / 2, data + size / 2, size - size / 2, NULL);
        /* SSPI splits: header of 16, 28 + 16 + 16 and 60 (or what there is). */
        copy = malloc(size ? size : 1);
        for (size_t cut = 16; cut <= 76; cut += 30) {
            size_t h = cut < size ? cut : size;
            memcpy(copy, data, size);
            rc = krb_gss_unwrap_split(&ctx, copy, h, copy + h, size - h, &plain_len, NULL, NULL);
            FZ_ASSERT(rc != KRB_OK || plain_len <= size - h);
        }
        free(copy);
        krb_gss_ctx_free(&ctx);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decoders(data, size);
    handshake(data, size);
    messages(data, size);
    return 0;
}
