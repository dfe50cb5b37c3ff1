/*
 * echo-client: calls Echo.echo and prints the reply.
 *
 *   echo-client [--host H] [--port N] [--protocol binary|compact]
 *               [--transport framed|buffered] [--count N] [MESSAGE]
 *
 * Exits 0 when every reply carried the message that was sent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "echo.h"
#include "postern/client.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: echo-client [--host H] [--port N] [--protocol binary|compact]\n"
               "                   [--transport framed|buffered] [--count N] [MESSAGE]\n");
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *message = "hello, postern";
    int port = 9090, count = 1;
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.framed = true;
    o.connect_timeout_ms = o.send_timeout_ms = o.recv_timeout_ms = 5000;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--host") && v) {
            host = v;
            i++;
        } else if (!strcmp(a, "--port")) {
            bad = echo_parse_int("echo-client", a, v, 1, 65535, &port);
            i++;
        } else if (!strcmp(a, "--count")) {
            bad = echo_parse_int("echo-client", a, v, 1, 1000000000, &count);
            i++;
        } else if (!strcmp(a, "--protocol") && v) {
            if (!(o.protocol = pst_protocol_by_name(v))) {
                fprintf(stderr, "echo-client: --protocol must be binary or compact, got '%s'\n", v);
                bad = 1;
            }
            i++;
        } else if (!strcmp(a, "--transport") && v) {
            if (!strcmp(v, "framed"))
                o.framed = true;
            else if (!strcmp(v, "buffered"))
                o.framed = false;
            else {
                fprintf(stderr, "echo-client: --transport must be framed or buffered, got '%s'\n", v);
                bad = 1;
            }
            i++;
        } else if (a[0] != '-') {
            message = a;
        } else {
            fprintf(stderr, "echo-client: unknown or incomplete option '%s'\n", a);
            bad = 1;
        }
        if (bad) {
            usage(stderr);
            return 2;
        }
    }

    pst_error err = { 0 };
    pst_client *c = pst_client_connect(host, port, &o, &err);
    if (!c) {
        fprintf(stderr, "echo-client: %s\n", err.message);
        return 1;
    }
    /* One arena for the replies; reset after each call frees them all. */
    pst_arena arena;
    uint8_t block[1024];
    pst_arena_init(&arena, block, sizeof block, 0);

    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        echo_EchoReq req;
        echo_EchoReq_init(&req);
        req.msg = pst_str_c(message);
        echo_EchoReq_set_msg(&req);
        echo_Echo_echo_result res;
        rc = echo_Echo_echo(c, &arena, &req, &res);
        if (rc != 0) {
            const pst_error *e = pst_client_error(c);
            fprintf(stderr, "echo-client: call failed: %s (%s)\n",
                    e->message[0] ? e->message : pst_strerror(rc), pst_strerror_name(rc));
        } else if (res.success.msg.len != req.msg.len ||
                   memcmp(res.success.msg.ptr, req.msg.ptr, req.msg.len) != 0) {
            fprintf(stderr, "echo-client: reply '%.*s' differs from '%s'\n",
                    (int)res.success.msg.len, res.success.msg.ptr, message);
            rc = 1;
        } else if (i == 0 || i == count - 1) {
            printf("echo(\"%s\") -> \"%.*s\"%s\n", message, (int)res.success.msg.len,
                   res.success.msg.ptr, count > 1 ? (i ? "  (last call)" : "  (first call)") : "");
        }
        pst_arena_reset(&arena);
    }
    if (rc == 0 && count > 1)
        printf("%d calls answered\n", count);
    pst_arena_release(&arena);
    pst_client_free(c);
    return rc == 0 ? 0 : 1;
}
