/*
 * thrifttest-server: postern serving Apache Thrift's cross-language test
 * service (ThriftTest), so that Thrift's own clients can check postern's
 * servers. Methods behave as tests/interop/ThriftTest.thrift says.
 *
 *   thrifttest-server [--port N] [--bind ADDR] [--domain-socket PATH]
 *                     [--protocol auto|binary|compact|json|header]
 *                     [--transport auto|buffered|framed|zlib|http] [--zlib]
 *                     [--server-type simple|threaded|thread-pool|nonblocking]
 *                     [--workers N] [--io-threads N] [--drain-ms MS]
 *
 * auto (the default) tells each connection's protocol and framing from its
 * first bytes; binary/compact and buffered/framed pin them, as Thrift's test
 * servers do. zlib streams (TZlibTransport, messages unframed inside, as
 * Thrift's test programs make them) are told from their first bytes too:
 * --transport zlib and --zlib (which Thrift's cross-test runner passes
 * together) say to expect them.
 * --protocol header serves THeader frames (binary or compact inside, zlib
 * transform) and, as Thrift's header servers do, plain framed and unframed
 * clients too: every kind is told from its first bytes.
 * Listens on 127.0.0.1:9090 unless told otherwise. SIGINT and
 * SIGTERM stop it gracefully (exit 0): with --drain-ms, /health first
 * answers 503 that long while calls are still served. Bad arguments exit 2.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "handler.h"
#include "options.h"
#include "postern/server.h"

static pst_server *volatile g_server;

static void on_stop_signal(int sig)
{
    (void)sig;
    pst_server *s = g_server;
    if (s)
        pst_server_drain(s); /* with --drain-ms 0 (the default), a stop */
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: thrifttest-server [--port N] [--bind ADDR] [--domain-socket PATH]\n"
            "         [--protocol auto|binary|compact|json|header]\n"
            "         [--transport auto|buffered|framed|zlib|http] [--zlib]\n"
            "         [--server-type simple|threaded|thread-pool|nonblocking]\n"
            "         [--workers N] [--io-threads N] [--drain-ms MS]\n");
}

/* Parse argv into opt; 0, 1 for --help, -1 on a bad argument (reported). */
static int parse_args(int argc, char **argv, pst_server_options *opt)
{
    bool zlib = false, header = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return 1;
        if (!strcmp(a, "--zlib")) {
            zlib = true;
            opt->framing = PST_FRAMING_UNFRAMED; /* inside the stream */
            continue;
        }
        bool known = !strcmp(a, "--port") || !strcmp(a, "--bind") ||
                     !strcmp(a, "--domain-socket") || !strcmp(a, "--protocol") ||
                     !strcmp(a, "--transport") || !strcmp(a, "--server-type") ||
                     !strcmp(a, "--workers") || !strcmp(a, "--io-threads") ||
                     !strcmp(a, "--drain-ms");
        if (!known) {
            fprintf(stderr, "%s: unknown option '%s'\n", tt_prog, a);
            return -1;
        }
        const char *v = tt_option_value(argc, argv, &i);
        if (!v)
            return -1;
        int rc = 0;
        if (!strcmp(a, "--port")) {
            rc = tt_parse_int(a, v, 0, 65535, &opt->port);
        } else if (!strcmp(a, "--bind")) {
            opt->bind = v;
        } else if (!strcmp(a, "--domain-socket")) {
            if (!*v) {
                fprintf(stderr, "%s: --domain-socket needs a path\n", tt_prog);
                rc = -1;
            }
            opt->unix_path = v;
        } else if (!strcmp(a, "--protocol") && !strcmp(v, "header")) {
            header = true;
        } else if (!strcmp(a, "--protocol")) {
            rc = tt_parse_protocol(a, v, true, &opt->protocol);
        } else if (!strcmp(a, "--transport") && !strcmp(v, "http")) {
            /* HTTP is served on every port; Thrift's framing stays sniffed */
            opt->framing = PST_FRAMING_AUTO;
        } else if (!strcmp(a, "--transport") && !strcmp(v, "zlib")) {
            zlib = true;
            opt->framing = PST_FRAMING_UNFRAMED; /* inside the stream */
        } else if (!strcmp(a, "--transport")) {
            int framing = 0;
            rc = tt_parse_transport(a, v, true, &framing);
            if (!zlib)
                opt->framing = (pst_framing)framing;
        } else if (!strcmp(a, "--server-type")) {
            int model = pst_server_model_by_name(v);
            if (model < 0) {
                fprintf(stderr, "%s: --server-type must be simple, threaded, "
                                "thread-pool or nonblocking, got '%s'\n",
                        tt_prog, v);
                rc = -1;
            }
            opt->model = (pst_server_model)model;
        } else if (!strcmp(a, "--workers")) {
            rc = tt_parse_int(a, v, 0, 1024, &opt->workers);
        } else if (!strcmp(a, "--io-threads")) {
            rc = tt_parse_int(a, v, 0, 1024, &opt->io_threads);
        } else if (!strcmp(a, "--drain-ms")) {
            rc = tt_parse_int(a, v, 0, 3600 * 1000, &opt->drain_ms);
        }
        if (rc < 0)
            return -1;
    }
    /* With protocol and framing both pinned nothing is sniffed, zlib's
     * 0x78 included: keep the protocol pinned and sniff the framing. */
    if (zlib && opt->protocol)
        opt->framing = PST_FRAMING_AUTO;
    if (header) {
        /* header frames, framed and unframed binary and compact alike */
        opt->protocol = NULL;
        opt->framing = PST_FRAMING_AUTO;
    }
    return 0;
}

int main(int argc, char **argv)
{
    tt_prog = "thrifttest-server";
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.port = 9090;
    argv = tt_split_equals(&argc, argv);
    int rc = parse_args(argc, argv, &opt);
    if (rc != 0) {
        usage(rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }

    pst_processor proc = { &tt_ThriftTest_desc, &tt_test_handler, NULL };
    pst_error err = { 0, "" };
    g_server = pst_server_new(&proc, &opt, &err);
    if (!g_server) {
        fprintf(stderr, "%s: %s\n", tt_prog, err.message);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (opt.unix_path)
        fprintf(stderr, "%s: listening on unix:%s\n", tt_prog, opt.unix_path);
    else
        fprintf(stderr, "%s: listening on %s:%d\n", tt_prog,
                opt.bind ? opt.bind : "127.0.0.1", pst_server_port(g_server));
    rc = pst_server_run(g_server);
    pst_server_stats st;
    pst_server_stats_get(g_server, &st);
    fprintf(stderr, "%s: stopped after %llu calls on %llu connections "
                    "(%llu protocol errors)\n",
            tt_prog, (unsigned long long)st.calls,
            (unsigned long long)st.accepted,
            (unsigned long long)st.protocol_errors);
    /* Forget the server before freeing it: a late signal must find nothing. */
    pst_server *s = g_server;
    g_server = NULL;
    pst_server_free(s);
    return rc == 0 ? 0 : 1;
}
