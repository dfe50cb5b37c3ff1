/*
 * thrifttest-server: postern serving Apache Thrift's cross-language test
 * service (ThriftTest), so that Thrift's own clients can check postern's
 * servers. Methods behave as tests/interop/ThriftTest.thrift says.
 *
 *   thrifttest-server [--port N] [--bind ADDR] [--domain-socket PATH]
 *                     [--abstract-namespace]
 *                     [--protocol auto|binary|compact|json|header|multi|multic|multij|multih]
 *                     [--transport auto|buffered|framed|zlib|http] [--zlib]
 *                     [--server-type simple|threaded|thread-pool|nonblocking]
 *                     [--workers N] [--io-threads N] [--drain-ms MS]
 *                     [--verbose] [--record FILE]
 *                     [--ssl [--ssl-cert FILE] [--ssl-key FILE]
 *                            [--ssl-client-ca FILE] [--ssl-plain-too]]
 *                     [TSimpleServer|TThreadedServer|TThreadPoolServer|...]
 *
 * multi, multic and multij serve ThriftTest and SecondService on one port
 * (TMultiplexedProtocol over binary, compact, JSON), ThriftTest also for
 * bare method names. --abstract-namespace
 * makes --domain-socket a Linux abstract name. Options come as Apache
 * Thrift's cross-test runner writes them too: --name=value, its common
 * flags (--genpydir DIR, ...), Python's server class as a last word; what
 * postern does not build yet is refused naming the reason.
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
 * Listens on 127.0.0.1:9090 unless told otherwise.
 * --ssl serves TLS only (with --ssl-plain-too, TLS and plain on the port),
 * with the project's test keys (tests/keys) unless --ssl-cert / --ssl-key
 * name others; --ssl-client-ca asks clients for certificates signed by
 * that CA. SIGINT and SIGTERM stop it gracefully (exit 0): with --drain-ms,
 * /health first answers 503 that long while calls are still served.
 * --verbose prints each call's arguments on stderr (verbose.h); --record
 * appends every request and reply to a message log (postern/file.h), for
 * postern-replay. Bad arguments exit 2.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "handler.h"
#include "options.h"
#include "postern/multiplex.h"
#include "postern/server.h"
#include "verbose.h"

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
            "         [--abstract-namespace]\n"
            "         [--protocol auto|binary|compact|json|header|multi|multic|multij|multih]\n"
            "         [--transport auto|buffered|framed|zlib|http] [--zlib]\n"
            "         [--server-type simple|threaded|thread-pool|nonblocking]\n"
            "         [--workers N] [--io-threads N] [--drain-ms MS] [--verbose]\n"
            "         [--record FILE]\n"
            "         [--ssl [--ssl-cert FILE] [--ssl-key FILE] [--ssl-client-ca FILE]\n"
            "                [--ssl-plain-too]]\n"
            "         [TSimpleServer|TThreadedServer|TThreadPoolServer|TNonblockingServer]\n");
}

static bool verbose;

/* Python's cross-test server takes its server class as a word. */
static const struct {
    const char *word;
    pst_server_model model;
} SERVER_CLASSES[] = {
    { "TSimpleServer", PST_SERVER_SIMPLE },
    { "TThreadedServer", PST_SERVER_THREADED },
    { "TForkingServer", PST_SERVER_THREADED },
    { "TProcessPoolServer", PST_SERVER_POOL },
    { "TThreadPoolServer", PST_SERVER_POOL },
    { "TNonblockingServer", PST_SERVER_NONBLOCKING },
};

/* Parse argv into opt; 0, 1 for --help, -1 on a bad argument (reported). */
static int parse_args(int argc, char **argv, pst_server_options *opt,
                      bool *multiplexed)
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
        if (!strcmp(a, "--ssl") || !strcmp(a, "--ssl-plain-too")) {
            if (opt->tls != PST_TLS_BOTH)
                opt->tls = !strcmp(a, "--ssl") ? PST_TLS_ON : PST_TLS_BOTH;
            continue;
        }
        if (!strcmp(a, "--verbose")) {
            verbose = true;
            continue;
        }
        int runner = tt_runner_option(argc, argv, &i);
        if (runner < 0)
            return -1;
        if (runner > 0)
            continue;
        if (!strcmp(a, "--abstract-namespace")) {
            opt->unix_abstract = true;
            continue;
        }
        bool word = false;
        for (size_t k = 0; k < sizeof SERVER_CLASSES / sizeof SERVER_CLASSES[0]; k++)
            if (!strcmp(a, SERVER_CLASSES[k].word)) {
                opt->model = SERVER_CLASSES[k].model;
                word = true;
            }
        if (word)
            continue;
        if (!strcmp(a, "-n"))
            a = "--workers";
        bool known = !strcmp(a, "--port") || !strcmp(a, "--bind") ||
                     !strcmp(a, "--domain-socket") || !strcmp(a, "--protocol") ||
                     !strcmp(a, "--transport") || !strcmp(a, "--server-type") ||
                     !strcmp(a, "--workers") || !strcmp(a, "--io-threads") ||
                     !strcmp(a, "--drain-ms") || !strcmp(a, "--record") ||
                     !strcmp(a, "--ssl-cert") || !strcmp(a, "--ssl-key") ||
                     !strcmp(a, "--ssl-client-ca");
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
        } else if (!strcmp(a, "--protocol") && (!strcmp(v, "header") || !strcmp(v, "multih"))) {
            header = true;
            *multiplexed = !strcmp(v, "multih");
        } else if (!strcmp(a, "--protocol")) {
            rc = tt_parse_protocol(a, v, true, &opt->protocol, multiplexed);
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
        } else if (!strcmp(a, "--ssl-cert")) {
            opt->tls_cert_file = v;
        } else if (!strcmp(a, "--ssl-key")) {
            opt->tls_key_file = v;
        } else if (!strcmp(a, "--ssl-client-ca")) {
            opt->tls_ca_file = v;
        } else if (!strcmp(a, "--drain-ms")) {
            rc = tt_parse_int(a, v, 0, 3600 * 1000, &opt->drain_ms);
        } else if (!strcmp(a, "--record")) {
            opt->record_path = v;
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
    opt.tls_cert_file = PST_TEST_KEYS_DIR "/server.crt";
    opt.tls_key_file = PST_TEST_KEYS_DIR "/server.key";
    argv = tt_split_equals(&argc, argv);
    bool multiplexed = false;
    int rc = parse_args(argc, argv, &opt, &multiplexed);
    if (rc != 0) {
        usage(rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }

    pst_processor proc = { &ThriftTest_ThriftTest_desc, &tt_test_handler, NULL };
    if (verbose && !(proc.service = tt_verbose_service(&ThriftTest_ThriftTest_desc))) {
        fprintf(stderr, "%s: out of memory\n", tt_prog);
        return 1;
    }
    pst_processor second = { &ThriftTest_SecondService_desc, &tt_second_handler, NULL };
    pst_multiplex *mx = NULL;
    if (multiplexed) {
        /* ThriftTest also answers bare names, so a client of the plain
         * protocol reaches it on the same port. */
        mx = pst_multiplex_new();
        if (!mx || pst_multiplex_add(mx, "ThriftTest", &proc) < 0 ||
            pst_multiplex_add(mx, "SecondService", &second) < 0 ||
            pst_multiplex_set_default(mx, &proc) < 0) {
            fprintf(stderr, "%s: out of memory\n", tt_prog);
            pst_multiplex_free(mx);
            return 1;
        }
    }
    pst_error err = { 0, "" };
    g_server = pst_server_new(mx ? pst_multiplex_processor(mx) : &proc, &opt, &err);
    if (!g_server) {
        fprintf(stderr, "%s: %s\n", tt_prog, err.message);
        pst_multiplex_free(mx);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (opt.unix_path)
        fprintf(stderr, "%s: listening on unix:%s%s\n", tt_prog,
                opt.unix_abstract ? "@" : "", opt.unix_path);
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
    pst_multiplex_free(mx);
    return rc == 0 ? 0 : 1;
}
