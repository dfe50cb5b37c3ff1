/*
 * thrifttest-client: postern calling Apache Thrift's cross-language test
 * service (ThriftTest), so that postern's client is checked against Thrift's
 * own servers. Every method is called and every answer checked strictly.
 *
 *   thrifttest-client [--host H] [--port N] [--domain-socket PATH]
 *                     [--abstract-namespace]
 *                     [--protocol binary|compact|json|header|multi|multic|multij|multih]
 *                     [--header-protocol binary|compact] [--header-zlib]
 *                     [--transport buffered|framed|zlib|http] [--zlib]
 *                     [--http-path PATH]
 *                     [--connect PATH] [--proxy HOST:PORT]
 *                     [--testloops N] [--timeout MS] [--quiet] [--verbose]
 *                     [--ssl [--ssl-ca FILE]]
 *
 * --transport zlib (and --zlib, which Thrift's cross-test runner passes
 * with it) is Thrift's TZlibTransport over the socket, messages unframed
 * inside, as Thrift's C++ and Python test programs build it.
 * --protocol header speaks THeader (binary inside unless --header-protocol
 * says compact; --header-zlib adds the zlib transform). Its frames go on
 * the socket as they are with --transport buffered, and each inside a
 * plain frame with --transport framed, as Thrift's THeaderProtocol over
 * TBufferedTransport / TFramedTransport puts them, and each as the body
 * of a POST with --transport http, as THeaderTransport over THttpClient.
 * --transport http calls through Thrift over HTTP (a POST per call to
 * --http-path, default "/"); --connect PATH upgrades the connection with
 * CONNECT PATH (postern: /_thrift_rpc_) first; --proxy goes through an HTTP
 * proxy's CONNECT tunnel. multi, multic and multij call ThriftTest as
 * service "ThriftTest" of a multiplexed server (TMultiplexedProtocol over
 * binary, compact, JSON), and SecondService.secondtestString too.
 * --abstract-namespace makes --domain-socket a Linux abstract name; with
 * --transport http or --connect the requests go over that socket (Host:
 * localhost).
 * --verbose prints each call's result on stdout (verbose.h).
 * Options may also be written --name=value, and Apache Thrift's
 * cross-test runner's common flags (--genpydir DIR, ...) are accepted;
 * what postern does not build yet is refused naming the reason.
 * --ssl speaks TLS; with --ssl-ca the server's certificate and name are
 * verified against that CA, without it they are not (as Apache Thrift's
 * cross-test clients do).
 *
 * Exit status: Thrift's cross-test bitmask of failed groups (1 base types,
 * 2 structs, 4 containers, 8 exceptions; 64 no connection), 0 when every
 * check passed, 2 for bad arguments. Failures are printed on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "checks.h"
#include "options.h"
#include "postern/abstract_socket.h"
#include "postern/multiplex.h"
#include "verbose.h"
#include "postern/tls.h"
#include "postern/header.h"
#include "postern/header_http.h"
#include "postern/http_unix.h"
#include "postern/zlib.h"

typedef struct target {
    const char *host;
    int port;
    const char *unix_path;
    pst_client_options copt;
    bool http;
    const char *http_path;
    const char *connect_path;
    bool abstract;          /* unix_path is an abstract name */
    bool multiplexed;
    /* multiplexed: the connection behind the two views, and the view for
     * SecondService (the checker holds the one for ThriftTest) */
    pst_client *inner;
    pst_client *second;
    bool verbose;           /* print each result (verbose.h) */
    bool ssl;
    pst_tls_client_options tls;
    bool zlib;
    bool header;               /* THeader, with copt.protocol inside */
    bool header_zlib;
} target;

/* --ssl, --zlib, --protocol header: the socket wrapped in the layers asked
 * for (TLS, then zlib), then the message layer (HTTP, THeader, framed or
 * unframed) over them. */
static pst_client *connect_layered(const target *t, pst_error *err)
{
    const pst_client_options *o = &t->copt;
    pst_stream *st;
    if (t->unix_path)
        st = t->abstract ? pst_stream_unix_abstract_connect(t->unix_path, o->connect_timeout_ms, err)
                         : pst_stream_unix_connect(t->unix_path, o->connect_timeout_ms, err);
    else if (t->ssl)
        st = pst_stream_tls_connect(t->host, t->port, o->connect_timeout_ms, &t->tls, err);
    else
        st = pst_stream_tcp_connect(t->host, t->port, o->connect_timeout_ms, err);
    if (st && t->ssl && t->unix_path)
        st = pst_stream_tls_client_new(st, "localhost", &t->tls, err);
    if (st && t->zlib && !(st = pst_stream_zlib_new(st, NULL, 0, PST_ZLIB_LEVEL_DEFAULT)))
        pst_error_set(err, PST_E_NOMEM, "out of memory for zlib");
    if (!st)
        return NULL;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = o->recv_timeout_ms;
    to.read_timeout_ms = o->recv_timeout_ms;
    to.write_timeout_ms = o->send_timeout_ms;
    to.codec = o->codec;
    unsigned hflags = (t->header_zlib ? PST_HEADER_ZLIB : 0) |
                      (o->framed ? PST_HEADER_IN_FRAMES : 0);
    pst_transport *tr;
    if (t->http) /* a Unix socket has no host name: "localhost" as curl sends */
        tr = pst_transport_http_new(st, &to, t->unix_path ? "localhost" : t->host,
                                    t->http_path, NULL);
    else if (t->header)
        tr = pst_transport_header_new(st, &to, o->protocol, hflags);
    else if (o->framed)
        tr = pst_transport_framed_new(st, &to);
    else
        tr = pst_transport_unframed_new(st, &to);
    pst_client *c = tr ? pst_client_new(tr, o) : NULL;
    if (!c)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a client");
    return c;
}

static void drop_connection(target *t)
{
    pst_client_free(t->second);
    pst_client_free(t->inner);
    t->second = t->inner = NULL;
}

static pst_client *connect_target(void *ctx)
{
    target *t = ctx;
    pst_error err = { 0, "" };
    pst_client *c;
    if (t->ssl || t->zlib || (t->header && !t->http)) {
        c = connect_layered(t, &err);
    } else if (t->unix_path && (t->http || t->connect_path)) {
        c = pst_client_connect_http_unix(t->unix_path, t->abstract,
                                         t->http ? t->http_path : t->connect_path,
                                         &t->copt, &err);
    } else if (t->http || t->connect_path || t->copt.proxy) {
        char url[600];
        const char *path = t->http ? t->http_path : t->connect_path;
        snprintf(url, sizeof url, "http://%s%s%s:%d%s", strchr(t->host, ':') ? "[" : "",
                 t->host, strchr(t->host, ':') ? "]" : "", t->port, path ? path : "/");
        c = pst_client_connect_url(url, &t->copt, &err);
    } else {
        c = t->unix_path ? (t->abstract ? pst_client_connect_unix_abstract(
                                              t->unix_path, &t->copt, &err)
                                        : pst_client_connect_unix(t->unix_path,
                                                                  &t->copt, &err))
                         : pst_client_connect(t->host, t->port, &t->copt, &err);
    }
    if (!c) {
        fprintf(stderr, "%s: %s\n", tt_prog, err.message[0] ? err.message
                                                           : pst_strerror(err.code));
        return NULL;
    }
    if (t->header && t->http) {
        /* THeader over HTTP: each POST body is a header frame */
        int rc = pst_transport_http_use_header(pst_client_transport(c), t->copt.protocol,
                                               t->header_zlib ? PST_HEADER_ZLIB : 0);
        if (rc < 0) {
            fprintf(stderr, "%s: THeader over HTTP: %s\n", tt_prog, pst_strerror(rc));
            pst_client_free(c);
            return NULL;
        }
    }
    if (t->multiplexed) {
        /* The checker has freed its view of the old connection already. */
        drop_connection(t);
        t->inner = c;
        t->second = pst_client_multiplexed(c, "SecondService");
        pst_client *tt = pst_client_multiplexed(c, "ThriftTest");
        if (!tt || !t->second) {
            fprintf(stderr, "%s: out of memory\n", tt_prog);
            pst_client_free(tt);
            drop_connection(t);
            return NULL;
        }
        c = tt;
    }
    return t->verbose ? tt_verbose_client(c) : c;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: thrifttest-client [--host H] [--port N] [--domain-socket PATH]\n"
            "         [--abstract-namespace]\n"
            "         [--protocol binary|compact|json|header|multi|multic|multij|multih]\n"
            "         [--header-protocol binary|compact] [--header-zlib]\n"
            "         [--transport buffered|framed|zlib|http] [--zlib]\n"
            "         [--http-path PATH] [--connect PATH] [--proxy HOST:PORT]\n"
            "         [--testloops N] [--timeout MS] [--quiet] [--verbose]\n"
            "         [--ssl [--ssl-ca FILE]]\n");
}

typedef struct settings {
    target t;
    const pst_protocol *header_inner; /* --header-protocol */
    int loops;
    int timeout_ms;
    bool quiet;
} settings;

/* 0, 1 for --help, -1 on a bad argument (reported). */
static int parse_args(int argc, char **argv, settings *s)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return 1;
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            s->quiet = true;
            continue;
        }
        if (!strcmp(a, "--zlib")) {
            s->t.zlib = true;
            s->t.copt.framed = false;
            continue;
        }
        if (!strcmp(a, "--header-zlib")) {
            s->t.header_zlib = true;
            continue;
        }
        if (!strcmp(a, "--ssl")) {
            s->t.ssl = true;
            continue;
        }
        if (!strcmp(a, "--verbose")) {
            s->t.verbose = true;
            continue;
        }
        if (!strcmp(a, "--abstract-namespace")) {
            s->t.abstract = true;
            continue;
        }
        int runner = tt_runner_option(argc, argv, &i);
        if (runner < 0)
            return -1;
        if (runner > 0)
            continue;
        if (!strcmp(a, "-n"))
            a = "--testloops"; /* Thrift C++'s TestClient */
        bool known = !strcmp(a, "--host") || !strcmp(a, "--port") ||
                     !strcmp(a, "--domain-socket") || !strcmp(a, "--protocol") ||
                     !strcmp(a, "--transport") || !strcmp(a, "--testloops") ||
                     !strcmp(a, "--timeout") || !strcmp(a, "--http-path") ||
                     !strcmp(a, "--connect") || !strcmp(a, "--proxy") ||
                     !strcmp(a, "--ssl-ca") || !strcmp(a, "--header-protocol");
        if (!known) {
            fprintf(stderr, "%s: unknown option '%s'\n", tt_prog, a);
            return -1;
        }
        const char *v = tt_option_value(argc, argv, &i);
        if (!v)
            return -1;
        int rc = 0;
        if (!strcmp(a, "--host")) {
            if (!*v) {
                fprintf(stderr, "%s: --host needs a name or address\n", tt_prog);
                rc = -1;
            }
            s->t.host = v;
        } else if (!strcmp(a, "--port")) {
            rc = tt_parse_int(a, v, 1, 65535, &s->t.port);
        } else if (!strcmp(a, "--domain-socket")) {
            if (!*v) {
                fprintf(stderr, "%s: --domain-socket needs a path\n", tt_prog);
                rc = -1;
            }
            s->t.unix_path = v;
        } else if (!strcmp(a, "--protocol") && (!strcmp(v, "header") || !strcmp(v, "multih"))) {
            s->t.header = true;
            s->t.multiplexed = !strcmp(v, "multih");
        } else if (!strcmp(a, "--header-protocol")) {
            bool multiplexed;
            rc = tt_parse_protocol(a, v, false, &s->header_inner, &multiplexed);
            if (rc == 0 && pst_header_protocol_id(s->header_inner) < 0) {
                fprintf(stderr, "%s: --header-protocol must be binary or compact, "
                                "got '%s'\n", tt_prog, v);
                rc = -1;
            }
        } else if (!strcmp(a, "--protocol")) {
            rc = tt_parse_protocol(a, v, false, &s->t.copt.protocol,
                                   &s->t.multiplexed);
        } else if (!strcmp(a, "--transport") && !strcmp(v, "http")) {
            s->t.http = true;
        } else if (!strcmp(a, "--transport") && !strcmp(v, "zlib")) {
            s->t.zlib = true;
            s->t.copt.framed = false;
        } else if (!strcmp(a, "--http-path") || !strcmp(a, "--connect")) {
            if (v[0] != '/') {
                fprintf(stderr, "%s: %s needs a path starting with '/', got '%s'\n",
                        tt_prog, a, v);
                rc = -1;
            }
            *(!strcmp(a, "--connect") ? &s->t.connect_path : &s->t.http_path) = v;
        } else if (!strcmp(a, "--proxy")) {
            if (!*v || !strchr(v, ':')) {
                fprintf(stderr, "%s: --proxy needs HOST:PORT, got '%s'\n", tt_prog, v);
                rc = -1;
            }
            s->t.copt.proxy = v;
        } else if (!strcmp(a, "--transport")) {
            int framing = 0;
            rc = tt_parse_transport(a, v, false, &framing);
            s->t.copt.framed = framing == 1 && !s->t.zlib;
        } else if (!strcmp(a, "--ssl-ca")) {
            s->t.tls.ca_file = v;
        } else if (!strcmp(a, "--testloops")) {
            rc = tt_parse_int(a, v, 1, 1000000, &s->loops);
        } else if (!strcmp(a, "--timeout")) {
            rc = tt_parse_int(a, v, 1, 3600 * 1000, &s->timeout_ms);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    tt_prog = "thrifttest-client";
    static const pst_client_options copt = PST_CLIENT_OPTIONS_INIT;
    static const pst_tls_client_options topt = PST_TLS_CLIENT_OPTIONS_INIT;
    settings s = { { "127.0.0.1", 9090, NULL, copt, false, "/", NULL, false, false,
                     NULL, NULL, false, false, topt, false, false, false },
                   NULL, 1, 20000, false };
    argv = tt_split_equals(&argc, argv);
    int rc = parse_args(argc, argv, &s);
    if (rc == 0 && s.t.unix_path && s.t.copt.proxy) {
        fprintf(stderr, "%s: --domain-socket with --proxy: a proxy cannot reach "
                        "this host's Unix socket\n", tt_prog);
        rc = -1;
    }
    if (rc != 0) {
        usage(rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    /* Bounded waits: a server that stops answering fails the check instead
     * of hanging the client. */
    s.t.copt.connect_timeout_ms = s.timeout_ms;
    s.t.copt.send_timeout_ms = s.timeout_ms;
    s.t.copt.recv_timeout_ms = s.timeout_ms;
    if (s.t.header)
        s.t.copt.protocol = s.header_inner ? s.header_inner : &pst_protocol_binary;
    if ((s.t.ssl || s.t.zlib || s.t.header) && (s.t.connect_path || s.t.copt.proxy)) {
        fprintf(stderr, "%s: --ssl, zlib and header do not combine with --connect or "
                        "--proxy\n",
                tt_prog);
        usage(stderr);
        return 2;
    }
    if (s.t.zlib && s.t.http) {
        fprintf(stderr, "%s: zlib does not combine with http\n", tt_prog);
        usage(stderr);
        return 2;
    }
    /* Thrift's cross-test clients check the server only when given a CA. */
    s.t.tls.no_verify = s.t.tls.ca_file == NULL;
    s.t.tls.handshake_timeout_ms = s.timeout_ms;

    tt_checker x;
    memset(&x, 0, sizeof x);
    pst_arena_init(&x.arena, NULL, 0, 0);
    x.reconnect = connect_target;
    x.reconnect_ctx = &s.t;
    x.verbose = !s.quiet && s.loops == 1;
    x.second = s.t.multiplexed ? &s.t.second : NULL;
    x.client = connect_target(&s.t);
    if (!x.client) {
        pst_arena_release(&x.arena);
        return TT_ERR_UNKNOWN;
    }
    for (int loop = 0; loop < s.loops; loop++)
        tt_run_checks(&x);
    pst_client_free(x.client);
    tt_verbose_client_done();
    drop_connection(&s.t);
    pst_arena_release(&x.arena);

    printf("%u of %u checks failed (%d loop%s, %u calls), exit status %d\n",
           x.checks_failed, tt_check_count(&x) * (unsigned)s.loops, s.loops,
           s.loops == 1 ? "" : "s", x.calls, x.status);
    return x.status;
}
