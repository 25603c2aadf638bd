/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* An MIT GSSAPI peer over TCP on loopback, for a Windows program under
 * Wine (tests/wine/kerberos.c) to talk to: every token is a 4-byte
 * big-endian length and its bytes.
 *   mit_peer accept PORT_FILE   listens on 127.0.0.1 (the port goes into
 *                               PORT_FILE), accepts one client with the
 *                               keytab at KRB5_KTNAME, unwraps its message
 *                               and answers gss_wrap("echo: " + message);
 *   mit_peer initiate PORT      connects, authenticates as the user of the
 *                               ccache at KRB5CCNAME to HTTP@localhost
 *                               with mutual authentication, sends
 *                               gss_wrap("hello from MIT") and checks the
 *                               answer is "echo: hello from MIT".
 * Prints "PASS name" / "FAIL name: why"; exits 0 when all passed. */
#include <arpa/inet.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;

static void result(int ok, const char *name, const char *why)
{
    if (ok) printf("PASS %s\n", name);
    else printf("FAIL %s: %s\n", name, why), failures++;
}

static int io_all(int fd, void *p, size_t n, int writing)
{
    char *c = p;
    while (n) {
        ssize_t k = writing ? write(fd, c, n) : read(fd, c, n);
        if (k <= 0) return -1;
        c += k, n -= (size_t)k;
    }
    return 0;
}

static int put_token(int fd, const void *p, size_t n)
{
    unsigned char len[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8),
                             (unsigned char)n };
    return io_all(fd, len, 4, 1) || io_all(fd, (void *)p, n, 1) ? -1 : 0;
}

static int get_token(int fd, gss_buffer_desc *b)
{
    unsigned char len[4];
    if (io_all(fd, len, 4, 0)) return -1;
    size_t n = (size_t)len[0] << 24 | (size_t)len[1] << 16 | (size_t)len[2] << 8 | len[3];
    if (n > (1u << 20) || !(b->value = malloc(n ? n : 1))) return -1;
    b->length = n;
    return io_all(fd, b->value, n, 0);
}

static char *why(OM_uint32 major, OM_uint32 minor)
{
    static char text[400];
    OM_uint32 m, ctx = 0;
    gss_buffer_desc b;
    snprintf(text, sizeof(text), "major %08x minor %u", major, minor);
    if (gss_display_status(&m, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &b) == GSS_S_COMPLETE) {
        size_t n = strlen(text);
        snprintf(text + n, sizeof(text) - n, " (%.*s)", (int)b.length, (char *)b.value);
        gss_release_buffer(&m, &b);
    }
    return text;
}

static int do_accept(const char *port_file)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), fd;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof(a);
    OM_uint32 major = GSS_S_CONTINUE_NEEDED, minor;
    gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
    gss_buffer_desc in, out;
    FILE *f;

    if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &al) ||
        !(f = fopen(port_file, "w"))) {
        perror("listen");
        return 2;
    }
    fprintf(f, "%u\n", ntohs(a.sin_port));
    fclose(f);
    if ((fd = accept(l, NULL, NULL)) < 0) return 2;
    while (major == GSS_S_CONTINUE_NEEDED) {
        if (get_token(fd, &in)) {
            result(0, "MIT acceptor: the client's token", "connection closed");
            return 1;
        }
        out.length = 0;
        out.value = NULL;
        major = gss_accept_sec_context(&minor, &ctx, GSS_C_NO_CREDENTIAL, &in, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL,
                                       &out, NULL, NULL, NULL);
        free(in.value);
        if (out.length) put_token(fd, out.value, out.length);
        gss_release_buffer(&minor, &out);
    }
    result(major == GSS_S_COMPLETE, "MIT acceptor (keytab) authenticates sspishim's client under Wine", why(major, minor));
    if (major != GSS_S_COMPLETE) return 1;
    gss_buffer_desc plain = { 0, NULL };
    int conf = 0;
    if (get_token(fd, &in)) return 1;
    major = gss_unwrap(&minor, ctx, &in, &plain, &conf, NULL);
    free(in.value);
    result(major == GSS_S_COMPLETE && conf && plain.length == 18 && !memcmp(plain.value, "hello from Windows", 18),
           "MIT gss_unwrap opens sspishim's EncryptMessage (token || data, RRC 28)", why(major, minor));
    char reply[300];
    snprintf(reply, sizeof(reply), "echo: %.*s", (int)plain.length, (char *)plain.value);
    gss_buffer_desc r = { strlen(reply), reply };
    major = gss_wrap(&minor, ctx, 1, GSS_C_QOP_DEFAULT, &r, &conf, &out);
    if (major == GSS_S_COMPLETE) put_token(fd, out.value, out.length);
    gss_release_buffer(&minor, &out);
    gss_release_buffer(&minor, &plain);
    gss_delete_sec_context(&minor, &ctx, NULL);
    close(fd);
    close(l);
    return failures != 0;
}

static int do_initiate(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    OM_uint32 major, minor;
    gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
    gss_buffer_desc name = { 14, "HTTP@localhost" }, in = { 0, NULL }, out;
    gss_name_t target;
    int conf;

    if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
        perror("connect");
        return 2;
    }
    gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE, &target);
    for (;;) {
        out.length = 0;
        major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &ctx, target, (gss_OID)gss_mech_krb5,
                                     GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_SEQUENCE_FLAG, 0,
                                     NULL, in.value ? &in : GSS_C_NO_BUFFER, NULL, &out, NULL, NULL);
        free(in.value);
        in.value = NULL;
        if (out.length) put_token(fd, out.value, out.length);
        gss_release_buffer(&minor, &out);
        if (major != GSS_S_CONTINUE_NEEDED || get_token(fd, &in)) break;
    }
    result(major == GSS_S_COMPLETE, "MIT initiator (kinit's cache) authenticates to sspishim's server under Wine",
           why(major, minor));
    if (major != GSS_S_COMPLETE) return 1;
    gss_buffer_desc hello = { 14, "hello from MIT" }, plain = { 0, NULL };
    major = gss_wrap(&minor, ctx, 1, GSS_C_QOP_DEFAULT, &hello, &conf, &out);
    put_token(fd, out.value, out.length);
    gss_release_buffer(&minor, &out);
    if (get_token(fd, &in)) {
        result(0, "sspishim's server answers", "connection closed");
        return 1;
    }
    major = gss_unwrap(&minor, ctx, &in, &plain, &conf, NULL);
    free(in.value);
    result(major == GSS_S_COMPLETE && plain.length == 20 && !memcmp(plain.value, "echo: hello from MIT", 20),
           "sspishim's server: DecryptMessage of MIT's gss_wrap, EncryptMessage MIT gss_unwraps", why(major, minor));
    gss_release_buffer(&minor, &plain);
    gss_delete_sec_context(&minor, &ctx, NULL);
    gss_release_name(&minor, &target);
    close(fd);
    return failures != 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "accept")) return do_accept(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "initiate")) return do_initiate(atoi(argv[2]));
    fprintf(stderr, "usage: %s accept PORT_FILE | initiate PORT\n", argv[0]);
    return 2;
}
