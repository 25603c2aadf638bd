/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* The native end of an SPNEGO conversation: MIT GSSAPI's SPNEGO mechanism
 * with gss-ntlmssp under it, driven line by line over stdin/stdout by
 * tests/interop/run.py, which relays its tokens to sspi_peer.exe under Wine.
 * The same commands as sspi_peer:
 *
 *   CLIENT user domain password   initiator credential (password given)
 *   SERVER                        acceptor credential (NTLM_USER_FILE)
 *   STEP [b64]                    gss_init_sec_context / gss_accept_sec_context
 *                                 -> "TOKEN <status> <b64 or ->", status 00090312
 *                                    while more is needed, 00000000 when complete
 *   SEAL <b64>                    gss_wrap with confidentiality -> "DATA <b64>"
 *   UNSEAL <b64>                  gss_unwrap -> "DATA <b64>"
 *   SIGN <b64>                    gss_get_mic -> "DATA <b64 signature>"
 *   VERIFY <b64 msg> <b64 sig>    gss_verify_mic -> "OK"
 *   NAME                          the initiator's name, as the acceptor sees it
 *   MECH                          the mechanism negotiated (dotted OID)
 *   QUIT
 * Failures answer "ERR <major>:<minor> <text>".  SPNEGO is limited to NTLM
 * (gss_set_neg_mechs): there is no KDC here for Kerberos. */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };
static gss_OID_desc ntlmssp_oid = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };

static gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
static gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
static gss_name_t peer_name = GSS_C_NO_NAME;
static gss_OID mech_used = GSS_C_NO_OID;
static int is_server;

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_b64(const unsigned char *p, size_t n)
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

static size_t get_b64(const char *s, unsigned char *out, size_t max)
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
            if (n < max) out[n++] = (unsigned char)(v >> bits);
        }
    }
    return n;
}

static void answer_error(OM_uint32 major, OM_uint32 minor)
{
    OM_uint32 ctxv = 0, min;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;

    printf("ERR %x:%x", major, minor);
    gss_display_status(&min, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctxv, &text);
    if (text.length) printf(" %.*s", (int)text.length, (char *)text.value);
    gss_release_buffer(&min, &text);
    putchar('\n');
}

/* Only NTLM under SPNEGO. */
static int limit_to_ntlm(void)
{
    gss_OID_set_desc only = { 1, &ntlmssp_oid };
    OM_uint32 min, maj = gss_set_neg_mechs(&min, cred, &only);

    if (GSS_ERROR(maj)) { answer_error(maj, min); return -1; }
    return 0;
}

static void acquire(char *args)
{
    OM_uint32 maj, min;
    gss_OID_set_desc mechs = { 1, &spnego_oid };

    if (is_server) {
        maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT, &cred, NULL, NULL);
    } else {
        char *user = strtok(args, " \r\n"), *domain = strtok(NULL, " \r\n"), *password = strtok(NULL, "\r\n");
        char full[512];
        gss_buffer_desc nb, pw;
        gss_name_t name;
        if (!user || !domain || !password) { printf("ERR usage\n"); return; }
        snprintf(full, sizeof(full), "%s\\%s", domain, user);
        nb.value = full;
        nb.length = strlen(full);
        maj = gss_import_name(&min, &nb, GSS_C_NT_USER_NAME, &name);
        if (GSS_ERROR(maj)) { answer_error(maj, min); return; }
        pw.value = password;
        pw.length = strlen(password);
        maj = gss_acquire_cred_with_password(&min, name, &pw, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &cred,
                                             NULL, NULL);
        gss_release_name(&min, &name);
    }
    if (GSS_ERROR(maj)) { answer_error(maj, min); return; }
    if (limit_to_ntlm()) return;
    printf("OK\n");
}

static void step(const char *arg)
{
    static unsigned char in[65536];
    gss_buffer_desc ib = { get_b64(arg, in, sizeof(in)), in }, ob = GSS_C_EMPTY_BUFFER;
    OM_uint32 maj, min, flags = 0;

    if (is_server) {
        maj = gss_accept_sec_context(&min, &ctx, cred, &ib, GSS_C_NO_CHANNEL_BINDINGS, &peer_name, &mech_used,
                                     &ob, &flags, NULL, NULL);
    } else {
        static gss_name_t target = GSS_C_NO_NAME;
        if (target == GSS_C_NO_NAME) {
            gss_buffer_desc tb = { strlen("HTTP@localhost"), (void *)"HTTP@localhost" };
            maj = gss_import_name(&min, &tb, GSS_C_NT_HOSTBASED_SERVICE, &target);
            if (GSS_ERROR(maj)) { answer_error(maj, min); return; }
        }
        maj = gss_init_sec_context(&min, cred, &ctx, target, &spnego_oid,
                                   GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG,
                                   0, GSS_C_NO_CHANNEL_BINDINGS, ib.length ? &ib : GSS_C_NO_BUFFER, &mech_used,
                                   &ob, &flags, NULL);
    }
    if (GSS_ERROR(maj)) {
        gss_release_buffer(&min, &ob);
        answer_error(maj, min);
        return;
    }
    printf("TOKEN %s ", (maj & GSS_S_CONTINUE_NEEDED) ? "00090312" : "00000000");
    put_b64(ob.value, ob.length);
    putchar('\n');
    gss_release_buffer(&min, &ob);
}

static void wrap(const char *arg, int seal)
{
    static unsigned char buf[65536];
    gss_buffer_desc in = { get_b64(arg, buf, sizeof(buf)), buf }, out = GSS_C_EMPTY_BUFFER;
    OM_uint32 maj, min;
    int conf = 0;

    maj = seal ? gss_wrap(&min, ctx, 1, GSS_C_QOP_DEFAULT, &in, &conf, &out)
               : gss_get_mic(&min, ctx, GSS_C_QOP_DEFAULT, &in, &out);
    if (GSS_ERROR(maj)) { answer_error(maj, min); return; }
    fputs("DATA ", stdout);
    put_b64(out.value, out.length);
    putchar('\n');
    gss_release_buffer(&min, &out);
}

static void unwrap(const char *arg)
{
    static unsigned char buf[65536];
    gss_buffer_desc in = { get_b64(arg, buf, sizeof(buf)), buf }, out = GSS_C_EMPTY_BUFFER;
    OM_uint32 maj, min;
    int conf = 0;

    maj = gss_unwrap(&min, ctx, &in, &out, &conf, NULL);
    if (GSS_ERROR(maj)) { answer_error(maj, min); return; }
    fputs("DATA ", stdout);
    put_b64(out.value, out.length);
    putchar('\n');
    gss_release_buffer(&min, &out);
}

static void verify(char *args)
{
    static unsigned char msg[65536], sig[64];
    char *m = strtok(args, " \r\n"), *s = strtok(NULL, " \r\n");
    gss_buffer_desc mb = { get_b64(m, msg, sizeof(msg)), msg }, sb = { get_b64(s, sig, sizeof(sig)), sig };
    OM_uint32 maj, min;

    maj = gss_verify_mic(&min, ctx, &mb, &sb, NULL);
    if (GSS_ERROR(maj)) answer_error(maj, min);
    else printf("OK\n");
}

static void name(void)
{
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    OM_uint32 maj, min;

    if (peer_name == GSS_C_NO_NAME) { printf("ERR no-name\n"); return; }
    maj = gss_display_name(&min, peer_name, &text, NULL);
    if (GSS_ERROR(maj)) { answer_error(maj, min); return; }
    printf("NAME %.*s\n", (int)text.length, (char *)text.value);
    gss_release_buffer(&min, &text);
}

static void mech(void)
{
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    OM_uint32 min;

    if (mech_used == GSS_C_NO_OID || GSS_ERROR(gss_oid_to_str(&min, mech_used, &text))) {
        printf("ERR no-mech\n");
        return;
    }
    printf("MECH %.*s\n", (int)text.length, (char *)text.value);
    gss_release_buffer(&min, &text);
}

int main(int argc, char **argv)
{
    static char line[200000];
    OM_uint32 min;

    if (argc > 1 && !strcmp(argv[1], "server")) is_server = 1;
    setvbuf(stdout, NULL, _IONBF, 0);
    while (fgets(line, sizeof(line), stdin)) {
        char *arg = strchr(line, ' ');
        if (arg) *arg++ = 0;
        line[strcspn(line, "\r\n")] = 0;
        if (!strcmp(line, "CLIENT") || !strcmp(line, "SERVER")) acquire(arg ? arg : line + strlen(line));
        else if (!strcmp(line, "STEP")) step(arg);
        else if (!strcmp(line, "SEAL")) wrap(arg, 1);
        else if (!strcmp(line, "SIGN")) wrap(arg, 0);
        else if (!strcmp(line, "UNSEAL")) unwrap(arg);
        else if (!strcmp(line, "VERIFY")) verify(arg ? arg : line + strlen(line));
        else if (!strcmp(line, "NAME")) name();
        else if (!strcmp(line, "MECH")) mech();
        else if (!strcmp(line, "QUIT")) break;
        else printf("ERR unknown-command\n");
    }
    if (ctx != GSS_C_NO_CONTEXT) gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
    if (peer_name != GSS_C_NO_NAME) gss_release_name(&min, &peer_name);
    if (cred != GSS_C_NO_CREDENTIAL) gss_release_cred(&min, &cred);
    return 0;
}
