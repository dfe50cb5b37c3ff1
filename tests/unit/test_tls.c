/*
 * test_tls.c: TLS on every server model: calls over TLS with the client
 * verifying the server, and messages of many records echoed whole; TLS
 * and plain on one port; TLS-only refusing
 * plain; client certificates and the identity handlers see; the client's
 * refusals (unknown CA, wrong name); a stalled handshake closed at its
 * timeout and a garbage ClientHello answered with an alert, neither
 * disturbing another client; HTTPS pages and the CONNECT upgrade inside
 * TLS. Keys: tests/keys (tests/keys/gen.sh).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "postern/server.h"
#include "postern/tls.h"
#include "test.h"
#include "test_calc.h"
#include "tls/tls_internal.h"

static char keys_dir[512];

static const char *key_path(const char *name)
{
    static char paths[8][600];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", keys_dir, name);
    return p;
}

/* echo answers the caller's certificate identity ("none" without one) to
 * a one-byte message, and echoes a longer one. */
static int id_echo(pst_call *call, pst_str s, t_Calc_echo_result *r)
{
    if (s.len > 1) {
        r->success = s;
        r->isset_[0] |= 1;
        return 0;
    }
    const char *id = pst_tls_peer_identity(call);
    if (!id)
        id = "none";
    r->success.ptr = id;
    r->success.len = strlen(id);
    r->isset_[0] |= 1;
    return 0;
}

static t_Calc_handler id_handler;

/* ---- a server on a thread -------------------------------------------- */

typedef struct model {
    const char *name;
    pst_server_model model;
    int workers;
} model;

static const model models[] = {
    { "simple", PST_SERVER_SIMPLE, 0 },
    { "threaded", PST_SERVER_THREADED, 0 },
    { "pool", PST_SERVER_POOL, 2 },
    { "nonblocking", PST_SERVER_NONBLOCKING, 0 },
    { "nonblocking+workers", PST_SERVER_NONBLOCKING, 2 },
};
#define NMODELS (sizeof models / sizeof models[0])

typedef struct srv {
    pst_server *s;
    pthread_t thread;
    int port;
    pst_processor proc;
} srv;

static void *srv_main(void *arg)
{
    pst_server_run(((srv *)arg)->s);
    return NULL;
}

static void quiet_log(void *ctx, pst_log_level level, const char *msg)
{
    (void)ctx;
    (void)level;
    (void)msg;
}

typedef struct srv_opts {
    pst_tls_mode mode;
    bool client_ca;
    bool require_cert;
    int handshake_ms;
} srv_opts;

static int srv_start(srv *r, const model *m, const srv_opts *so)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = m->model;
    o.workers = m->workers;
    o.io_threads = 1;
    o.tls = so->mode;
    o.tls_cert_file = key_path("server.crt");
    o.tls_key_file = key_path("server.key");
    o.tls_ca_file = so->client_ca ? key_path("ca.crt") : NULL;
    o.tls_require_client_cert = so->require_cert;
    o.tls_handshake_timeout_ms = so->handshake_ms;
    o.log = quiet_log;
    r->proc = (pst_processor){ &t_Calc_desc, &id_handler, NULL };
    pst_error err = { 0, "" };
    r->s = pst_server_new(&r->proc, &o, &err);
    if (!r->s) {
        fprintf(stderr, "server: %s\n", err.message);
        return -1;
    }
    r->port = pst_server_port(r->s);
    pthread_create(&r->thread, NULL, srv_main, r);
    return 0;
}

static void srv_stop(srv *r)
{
    pst_server_stop(r->s);
    pthread_join(r->thread, NULL);
    pst_server_free(r->s);
}

/* ---- clients ------------------------------------------------------------ */

static pst_client *tls_client(int port, const pst_tls_client_options *to,
                              pst_error *err)
{
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.framed = true;
    co.send_timeout_ms = co.recv_timeout_ms = 5000;
    co.connect_timeout_ms = 5000;
    return pst_client_connect_tls("127.0.0.1", port, &co, to, err);
}

static pst_tls_client_options verified(void)
{
    pst_tls_client_options to = PST_TLS_CLIENT_OPTIONS_INIT;
    to.ca_file = key_path("ca.crt");
    return to;
}

/* add(a, b) on c: the sum, or INT32_MIN when the call failed. */
static int32_t call_add(pst_client *c, int32_t a, int32_t b)
{
    pst_arena ar;
    pst_arena_init(&ar, NULL, 0, 0);
    t_Calc_add_result r;
    memset(&r, 0, sizeof r);
    int rc = t_Calc_add(c, &ar, a, b, &r);
    pst_arena_release(&ar);
    return rc == 0 ? r.success : INT32_MIN;
}

/* echo on c: the identity the handler saw, into buf ("" on failure). */
static const char *call_identity(pst_client *c, char *buf, size_t n)
{
    pst_arena ar;
    pst_arena_init(&ar, NULL, 0, 0);
    t_Calc_echo_result r;
    memset(&r, 0, sizeof r);
    pst_str s = { "?", 1 };
    int rc = t_Calc_echo(c, &ar, s, &r);
    snprintf(buf, n, "%.*s", rc == 0 ? (int)r.success.len : 0,
             rc == 0 ? r.success.ptr : "");
    pst_arena_release(&ar);
    return buf;
}

static int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Read until the server closes, at most wait_ms (a bound to catch a hang).
 * Returns the bytes read (first ones in buf), or -1 if still open. */
static long read_until_closed(int fd, uint8_t *buf, size_t cap, int wait_ms)
{
    long total = 0;
    for (int waited = 0; waited < wait_ms; waited += 50) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 50) <= 0)
            continue;
        uint8_t tmp[4096];
        ssize_t n = recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0)
            return total;
        for (ssize_t i = 0; i < n && (size_t)total + (size_t)i < cap; i++)
            buf[total + i] = tmp[i];
        total += n;
    }
    return -1;
}

/* The first bytes a TLS client sends: a real ClientHello. */
static size_t client_hello(uint8_t *buf, size_t cap)
{
    pst_tls_client_options to = PST_TLS_CLIENT_OPTIONS_INIT;
    to.no_verify = true;
    pst_error err = { 0, "" };
    pst__tls_ctx *ctx = pst__tls_client_ctx_new(&to, &err);
    pst__tls *t = pst__tls_new(ctx, false, "localhost", false);
    pst__tls_handshake(t, &err);
    size_t n = pst__tls_take_wire(t, buf, cap);
    pst__tls_free(t);
    pst__tls_ctx_free(ctx);
    return n;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_calls_on_every_model(void)
{
    for (size_t i = 0; i < NMODELS; i++) {
        for (int both = 0; both < 2; both++) {
            srv r;
            srv_opts so = { both ? PST_TLS_BOTH : PST_TLS_ON, false, false, 0 };
            CHECK(srv_start(&r, &models[i], &so) == 0);
            pst_tls_client_options to = verified();
            pst_error err = { 0, "" };
            pst_client *c = tls_client(r.port, &to, &err);
            CHECK(c != NULL);
            if (!c)
                fprintf(stderr, "%s: %s\n", models[i].name, err.message);
            char id[64];
            if (c) {
                CHECK_EQ_INT(call_add(c, 40, 2), 42);
                CHECK_EQ_INT(call_add(c, -1, -2), -3);
                CHECK(strcmp(call_identity(c, id, sizeof id), "none") == 0);
                pst_client_free(c);
            }
            /* plain on the same port: served with BOTH, refused with ON */
            pst_client_options co = PST_CLIENT_OPTIONS_INIT;
            co.framed = true;
            co.recv_timeout_ms = co.send_timeout_ms = 5000;
            pst_client *p = pst_client_connect("127.0.0.1", r.port, &co, &err);
            CHECK(p != NULL);
            if (p) {
                if (both)
                    CHECK_EQ_INT(call_add(p, 1, 2), 3);
                else
                    CHECK_EQ_INT(call_add(p, 1, 2), INT32_MIN);
                pst_client_free(p);
            }
            srv_stop(&r);
        }
    }
}

/* Messages of many records, whose tails arrive in later reads than their
 * heads, echoed whole on every model. */
static void test_long_messages_on_every_model(void)
{
    static const size_t sizes[] = { 2, 5000, 40000, 300000 };
    size_t most = sizes[sizeof sizes / sizeof *sizes - 1];
    char *msg = malloc(most);
    CHECK(msg != NULL);
    if (!msg)
        return;
    for (size_t k = 0; k < most; k++)
        msg[k] = (char)('a' + k % 26);
    for (size_t i = 0; i < NMODELS; i++) {
        srv r;
        srv_opts so = { PST_TLS_BOTH, false, false, 0 };
        CHECK(srv_start(&r, &models[i], &so) == 0);
        pst_tls_client_options to = verified();
        pst_error err = { 0, "" };
        pst_client *c = tls_client(r.port, &to, &err);
        CHECK(c != NULL);
        for (size_t k = 0; c && k < sizeof sizes / sizeof *sizes; k++) {
            pst_arena ar;
            pst_arena_init(&ar, NULL, 0, 0);
            t_Calc_echo_result res;
            memset(&res, 0, sizeof res);
            pst_str s = { msg, sizes[k] };
            int rc = t_Calc_echo(c, &ar, s, &res);
            CHECK_EQ_INT(rc, 0);
            if (rc != 0)
                fprintf(stderr, "%s, %zu bytes: %s\n", models[i].name, sizes[k],
                        pst_strerror(rc));
            CHECK_EQ_INT(res.success.len, sizes[k]);
            if (rc == 0 && res.success.len == sizes[k])
                CHECK_MEM(res.success.ptr, msg, sizes[k]);
            pst_arena_release(&ar);
        }
        if (c)
            pst_client_free(c);
        srv_stop(&r);
    }
    free(msg);
}

static void test_client_certificates(void)
{
    for (size_t i = 0; i < NMODELS; i++) {
        srv r;
        srv_opts so = { PST_TLS_ON, true, true, 0 };
        CHECK(srv_start(&r, &models[i], &so) == 0);
        pst_tls_client_options to = verified();
        to.cert_file = key_path("client.crt");
        to.key_file = key_path("client.key");
        pst_error err = { 0, "" };
        pst_client *c = tls_client(r.port, &to, &err);
        CHECK(c != NULL);
        char id[64] = "";
        if (c) {
            CHECK(strcmp(call_identity(c, id, sizeof id), "postern-test-client") == 0);
            CHECK_EQ_INT(call_add(c, 2, 2), 4);
            pst_client_free(c);
        }
        if (strcmp(id, "postern-test-client") != 0)
            fprintf(stderr, "%s: identity '%s'\n", models[i].name, id);
        /* no certificate: refused (in TLS 1.3 the client learns it at its
         * first call, the server checking after the client's Finished) */
        pst_tls_client_options anon = verified();
        c = tls_client(r.port, &anon, &err);
        if (c) {
            CHECK(strcmp(call_identity(c, id, sizeof id), "") == 0);
            pst_client_free(c);
        }
        /* counted once the server has sent its alert: a bounded wait */
        pst_server_stats st;
        for (int k = 0; k < 100; k++) {
            pst_server_stats_get(r.s, &st);
            if (st.protocol_errors >= 1)
                break;
            usleep(50 * 1000);
        }
        CHECK(st.protocol_errors >= 1);
        srv_stop(&r);
    }
    /* asked for but optional: with and without */
    srv r;
    srv_opts so = { PST_TLS_BOTH, true, false, 0 };
    CHECK(srv_start(&r, &models[3], &so) == 0);
    pst_tls_client_options anon = verified();
    pst_error err = { 0, "" };
    pst_client *c = tls_client(r.port, &anon, &err);
    char id[64] = "";
    CHECK(c && strcmp(call_identity(c, id, sizeof id), "none") == 0);
    pst_client_free(c);
    srv_stop(&r);
}

static void test_client_refuses_wrong_server(void)
{
    srv r;
    srv_opts so = { PST_TLS_ON, false, false, 0 };
    CHECK(srv_start(&r, &models[1], &so) == 0);
    pst_error err = { 0, "" };
    /* a CA that did not sign the server's certificate */
    pst_tls_client_options to = PST_TLS_CLIENT_OPTIONS_INIT;
    to.ca_file = key_path("other-ca.crt");
    CHECK(tls_client(r.port, &to, &err) == NULL);
    CHECK(strstr(err.message, "certificate verify failed") != NULL);
    /* the right CA, the wrong name */
    pst_error_clear(&err);
    to = verified();
    to.server_name = "elsewhere.example";
    CHECK(tls_client(r.port, &to, &err) == NULL);
    CHECK(strstr(err.message, "elsewhere.example") != NULL);
    /* the right name, as the certificate's DNS name */
    to.server_name = "localhost";
    pst_client *c = tls_client(r.port, &to, &err);
    CHECK(c && call_add(c, 3, 4) == 7);
    pst_client_free(c);
    /* the system's CAs do not know the test CA: verification is the default */
    CHECK(tls_client(r.port, NULL, &err) == NULL);
    /* no_verify: anything goes (tests only) */
    to = (pst_tls_client_options)PST_TLS_CLIENT_OPTIONS_INIT;
    to.no_verify = true;
    to.server_name = "elsewhere.example";
    c = tls_client(r.port, &to, &err);
    CHECK(c && call_add(c, 5, 6) == 11);
    pst_client_free(c);
    srv_stop(&r);
    /* a missing key file: a clear error from pst_server_new */
    pst_error_clear(&err);
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.tls = PST_TLS_ON;
    o.tls_cert_file = key_path("server.crt");
    o.tls_key_file = key_path("no-such.key");
    pst_processor proc = { &t_Calc_desc, &id_handler, NULL };
    CHECK(pst_server_new(&proc, &o, &err) == NULL);
    CHECK(strstr(err.message, "no-such.key") != NULL);
}

static void test_stalled_handshake_closed(void)
{
    uint8_t hello[4096];
    size_t hello_len = client_hello(hello, sizeof hello);
    CHECK(hello_len > 40 && hello[0] == 0x16 && hello[1] == 0x03);
    for (size_t i = 0; i < NMODELS; i++) {
        srv r;
        srv_opts so = { PST_TLS_ON, false, false, 300 };
        CHECK(srv_start(&r, &models[i], &so) == 0);
        int silent = raw_connect(r.port);
        int half = raw_connect(r.port);
        CHECK(silent >= 0 && half >= 0);
        CHECK(send(half, hello, hello_len / 2, 0) == (ssize_t)(hello_len / 2));
        bool one_at_a_time = models[i].model == PST_SERVER_SIMPLE;
        if (!one_at_a_time) {
            /* others are served meanwhile */
            pst_tls_client_options to = verified();
            pst_error err = { 0, "" };
            pst_client *c = tls_client(r.port, &to, &err);
            CHECK(c && call_add(c, 20, 22) == 42);
            pst_client_free(c);
        }
        uint8_t buf[64];
        CHECK(read_until_closed(silent, buf, sizeof buf, 5000) >= 0);
        CHECK(read_until_closed(half, buf, sizeof buf, 5000) >= 0);
        close(silent);
        close(half);
        pst_server_stats st;
        pst_server_stats_get(r.s, &st);
        CHECK(st.timeouts >= 2);
        if (st.timeouts < 2)
            fprintf(stderr, "%s: %llu timeouts\n", models[i].name,
                    (unsigned long long)st.timeouts);
        srv_stop(&r);
    }
}

static void test_garbage_client_hello(void)
{
    /* a handshake record whose message is nonsense */
    static const uint8_t garbage[] = { 0x16, 0x03, 0x01, 0x00, 0x0c, 0x01, 0x00,
                                       0x00, 0x08, 0xde, 0xad, 0xbe, 0xef,
                                       0xde, 0xad, 0xbe, 0xef };
    for (size_t i = 0; i < NMODELS; i++) {
        for (int both = 0; both < 2; both++) {
            srv r;
            srv_opts so = { both ? PST_TLS_BOTH : PST_TLS_ON, false, false, 0 };
            CHECK(srv_start(&r, &models[i], &so) == 0);
            int fd = raw_connect(r.port);
            CHECK(send(fd, garbage, sizeof garbage, 0) == (ssize_t)sizeof garbage);
            uint8_t buf[64];
            long n = read_until_closed(fd, buf, sizeof buf, 5000);
            /* an alert record (content type 21), then the close */
            CHECK(n >= 7);
            CHECK(n >= 1 && buf[0] == 0x15);
            close(fd);
            pst_server_stats st;
            pst_server_stats_get(r.s, &st);
            CHECK(st.protocol_errors >= 1);
            /* and the server goes on */
            pst_tls_client_options to = verified();
            pst_error err = { 0, "" };
            pst_client *c = tls_client(r.port, &to, &err);
            CHECK(c && call_add(c, 1, 1) == 2);
            pst_client_free(c);
            srv_stop(&r);
        }
    }
}

/* Read from st until buf holds the end of an HTTP head (byte by byte: what
 * follows the head is not ours to take). */
static size_t read_head(pst_stream *st, char *buf, size_t cap)
{
    size_t len = 0;
    while (len + 1 < cap) {
        size_t got = 0;
        if (pst_stream_read(st, buf + len, 1, &got, 5000, -1) < 0)
            break;
        len += got;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n")) /* CONNECT's: LF */
            break;
    }
    buf[len] = '\0';
    return len;
}

static void test_https_and_connect(void)
{
    for (size_t i = 0; i < NMODELS; i++) {
        srv r;
        srv_opts so = { PST_TLS_ON, false, false, 0 };
        CHECK(srv_start(&r, &models[i], &so) == 0);
        pst_tls_client_options to = verified();
        pst_error err = { 0, "" };
        pst_stream *st = pst_stream_tls_connect("127.0.0.1", r.port, 5000, &to, &err);
        CHECK(st != NULL);
        if (!st) {
            srv_stop(&r);
            continue;
        }
        static const char get[] = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        struct iovec v = { (void *)get, sizeof get - 1 };
        CHECK(pst_stream_write(st, &v, 1, 5000) == 0);
        char head[2048];
        read_head(st, head, sizeof head);
        CHECK(strncmp(head, "HTTP/1.1 200", 12) == 0);
        /* the body ("ok\n" or similar): read what Content-Length says */
        const char *cl = strstr(head, "Content-Length: ");
        size_t body = cl ? (size_t)atoi(cl + 16) : 0;
        char sink[256];
        while (body > 0) {
            size_t got = 0;
            if (pst_stream_read(st, sink, body < sizeof sink ? body : sizeof sink,
                                &got, 5000, -1) < 0)
                break;
            body -= got;
        }
        static const char conn[] = "CONNECT /_thrift_rpc_ HTTP/1.1\r\nHost: x\r\n\r\n";
        v = (struct iovec){ (void *)conn, sizeof conn - 1 };
        CHECK(pst_stream_write(st, &v, 1, 5000) == 0);
        read_head(st, head, sizeof head);
        CHECK(strncmp(head, "HTTP/1.", 7) == 0 && strncmp(head + 8, " 200", 4) == 0);
        pst_transport_options tro = PST_TRANSPORT_OPTIONS_INIT;
        tro.read_timeout_ms = tro.idle_timeout_ms = tro.write_timeout_ms = 5000;
        pst_client *c = pst_client_new(pst_transport_framed_new(st, &tro), NULL);
        CHECK(c && call_add(c, 100, 23) == 123);
        pst_client_free(c);
        srv_stop(&r);
    }
}

int main(void)
{
    snprintf(keys_dir, sizeof keys_dir, "%s", __FILE__);
    char *slash = strrchr(keys_dir, '/');
    if (slash)
        snprintf(slash, sizeof keys_dir - (size_t)(slash - keys_dir), "/../keys");
    id_handler = t_calc_handler;
    id_handler.echo = id_echo;
    RUN(test_calls_on_every_model);
    RUN(test_long_messages_on_every_model);
    RUN(test_client_certificates);
    RUN(test_client_refuses_wrong_server);
    RUN(test_stalled_handshake_closed);
    RUN(test_garbage_client_hello);
    RUN(test_https_and_connect);
    return test_report();
}
