/*
 * echo-server: serves the Echo service on one port.
 *
 *   echo-server [--port N] [--bind ADDR] [--protocol auto|binary|compact]
 *               [--transport auto|framed|buffered]
 *               [--server-type simple|threaded|thread-pool|nonblocking]
 *               [--workers N] [--io-threads N] [--max-connections N]
 *               [--drain-ms N] [--metrics-off]
 *               [--read-timeout-ms N] [--idle-timeout-ms N]
 *               [--ssl-cert FILE [--ssl-key FILE]]
 *
 * --ssl-cert turns TLS on next to plain traffic (PST_TLS_BOTH: the first
 * bytes tell which), with that certificate chain and its key (in the same
 * file unless --ssl-key names another), e.g. the test keys in tests/keys.
 *
 * --metrics-off turns per-call counting off (options.metrics_off), so the
 * benchmark can measure what the metrics cost.
 *
 * With the defaults it tells each connection's protocol and framing from its
 * first bytes, so any Thrift client can call it. SIGINT/SIGTERM stop it
 * gracefully: calls already read are answered before it exits. With
 * --drain-ms N, SIGTERM first drains: GET /health answers 503 for N ms while
 * everything is still served (a load balancer's health check takes the
 * server out of rotation), then it stops as above. SIGINT always stops at
 * once.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "echo.h"
#include "postern/server.h"

/* The server the signal handler stops: atomic (and lock-free), so the
 * handler never sees half a pointer, and cleared before the server is
 * freed, so a late Ctrl-C finds nothing instead of freed memory. */
static _Atomic(pst_server *) g_server;

static void on_signal(int sig)
{
    pst_server *s = atomic_load(&g_server);
    if (!s)
        return;
    /* pst_server_drain is pst_server_stop when drain_ms is 0. */
    if (sig == SIGTERM)
        pst_server_drain(s);
    else
        pst_server_stop(s);
}

/* The handler: the reply's string points at the request's bytes, which live
 * in the call's arena until the reply is written. */
static int echo_impl(pst_call *call, const echo_EchoReq *req,
                     echo_Echo_echo_result *result)
{
    (void)call;
    result->success.msg = req->msg;
    echo_EchoRes_set_msg(&result->success);
    return 0;
}

static const echo_Echo_handler handler = { .echo = echo_impl };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: echo-server [--port N] [--bind ADDR] [--protocol auto|binary|compact]\n"
            "                   [--transport auto|framed|buffered]\n"
            "                   [--server-type simple|threaded|thread-pool|nonblocking]\n"
            "                   [--workers N] [--io-threads N] [--max-connections N]\n"
            "                   [--drain-ms N] [--metrics-off]\n"
            "                   [--read-timeout-ms N] [--idle-timeout-ms N]\n"
            "                   [--ssl-cert FILE [--ssl-key FILE]]\n"
            "SIGTERM drains first (/health answers 503 for --drain-ms, default 0),\n"
            "then stops gracefully; SIGINT stops at once.\n");
}

int main(int argc, char **argv)
{
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.port = 9090;
    opt.model = PST_SERVER_NONBLOCKING;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--port")) {
            bad = echo_parse_int("echo-server", a, v, 0, 65535, &opt.port);
            i++;
        } else if (!strcmp(a, "--workers")) {
            bad = echo_parse_int("echo-server", a, v, 0, 1024, &opt.workers);
            i++;
        } else if (!strcmp(a, "--io-threads")) {
            bad = echo_parse_int("echo-server", a, v, 0, 1024, &opt.io_threads);
            i++;
        } else if (!strcmp(a, "--max-connections")) {
            bad = echo_parse_int("echo-server", a, v, 0, 10000000, &opt.max_connections);
            i++;
        } else if (!strcmp(a, "--drain-ms")) {
            bad = echo_parse_int("echo-server", a, v, 0, 3600000, &opt.drain_ms);
            i++;
        } else if (!strcmp(a, "--read-timeout-ms")) {
            bad = echo_parse_int("echo-server", a, v, 0, 3600000, &opt.read_timeout_ms);
            i++;
        } else if (!strcmp(a, "--idle-timeout-ms")) {
            bad = echo_parse_int("echo-server", a, v, 0, 3600000, &opt.idle_timeout_ms);
            i++;
        } else if (!strcmp(a, "--metrics-off")) {
            opt.metrics_off = true;
        } else if (!strcmp(a, "--ssl-cert") && v) {
            opt.tls = PST_TLS_BOTH;
            opt.tls_cert_file = v;
            i++;
        } else if (!strcmp(a, "--ssl-key") && v) {
            opt.tls_key_file = v;
            i++;
        } else if (!strcmp(a, "--bind") && v) {
            opt.bind = v;
            i++;
        } else if (!strcmp(a, "--protocol") && v) {
            if (strcmp(v, "auto") && !(opt.protocol = pst_protocol_by_name(v))) {
                fprintf(stderr, "echo-server: --protocol must be auto, binary or compact, got '%s'\n", v);
                bad = 1;
            }
            i++;
        } else if (!strcmp(a, "--transport") && v) {
            if (!strcmp(v, "framed"))
                opt.framing = PST_FRAMING_FRAMED;
            else if (!strcmp(v, "buffered"))
                opt.framing = PST_FRAMING_UNFRAMED;
            else if (strcmp(v, "auto")) {
                fprintf(stderr, "echo-server: --transport must be auto, framed or buffered, got '%s'\n", v);
                bad = 1;
            }
            i++;
        } else if (!strcmp(a, "--server-type") && v) {
            int m = pst_server_model_by_name(v);
            if (m < 0) {
                fprintf(stderr, "echo-server: --server-type must be simple, threaded, thread-pool or nonblocking, got '%s'\n", v);
                bad = 1;
            }
            opt.model = (pst_server_model)m;
            i++;
        } else {
            fprintf(stderr, "echo-server: unknown or incomplete option '%s'\n", a);
            bad = 1;
        }
        if (bad) {
            usage(stderr);
            return 2;
        }
    }

    pst_processor proc = { &echo_Echo_desc, &handler, NULL };
    pst_error err = { 0 };
    pst_server *server = pst_server_new(&proc, &opt, &err);
    if (!server) {
        fprintf(stderr, "echo-server: %s\n", err.message);
        return 1;
    }
    atomic_store(&g_server, server);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    fprintf(stderr, "echo-server: listening on %s:%d\n",
            opt.bind ? opt.bind : "127.0.0.1", pst_server_port(server));
    int rc = pst_server_run(server);
    pst_server_stats st;
    pst_server_stats_get(server, &st);
    fprintf(stderr, "echo-server: stopped after %llu calls on %llu connections\n",
            (unsigned long long)st.calls, (unsigned long long)st.accepted);
    /* Every server thread has been joined, so a handler that still runs
     * runs on this thread, and has finished by the time we get here. */
    atomic_store(&g_server, NULL);
    pst_server_free(server);
    return rc == 0 ? 0 : 1;
}
