/* test_server.c: the server models end to end over real sockets: every
 * model answers binary/compact x framed/unframed on one port; limits, idle
 * timeouts, bad bytes, HTTP, graceful stop under load, half-open and reset
 * connections. Ports are chosen by the kernel; nothing is timed. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "postern/client.h"
#include "postern/server.h"
#include "test.h"
#include "test_calc.h"

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };
static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;

static const pst_server_model all_models[] = {
    PST_SERVER_SIMPLE, PST_SERVER_THREADED, PST_SERVER_POOL, PST_SERVER_NONBLOCKING
};

static void pause_ms(int ms)
{
    struct timespec ts = { 0, (long)ms * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- log capture -------------------------------------------------------- */

typedef struct logbuf {
    pthread_mutex_t mu;
    char text[32768];
    size_t len;
} logbuf;

static void capture(void *ctx, pst_log_level level, const char *msg)
{
    (void)level;
    logbuf *l = ctx;
    pthread_mutex_lock(&l->mu);
    int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s\n", msg);
    if (n > 0 && l->len + (size_t)n < sizeof l->text)
        l->len += (size_t)n;
    pthread_mutex_unlock(&l->mu);
}

static bool log_has(logbuf *l, const char *needle)
{
    pthread_mutex_lock(&l->mu);
    bool has = strstr(l->text, needle) != NULL;
    pthread_mutex_unlock(&l->mu);
    if (!has)
        fprintf(stderr, "  log lacks '%s'; log is:\n%s", needle, l->text);
    return has;
}

/* ---- a running server --------------------------------------------------- */

typedef struct running {
    pst_server *s;
    pthread_t thread;
    int rc;
    logbuf log;
} running;

static void *run_main(void *p)
{
    running *r = p;
    r->rc = pst_server_run(r->s);
    return NULL;
}

static running *start(pst_server_options *o)
{
    running *r = calloc(1, sizeof *r);
    pthread_mutex_init(&r->log.mu, NULL);
    o->log = capture;
    o->log_ctx = &r->log;
    o->log_level = PST_LOG_DEBUG;
    pst_error err = { 0, "" };
    r->s = pst_server_new(&proc, o, &err);
    CHECK(r->s != NULL);
    if (!r->s) {
        fprintf(stderr, "  pst_server_new: %s\n", err.message);
        exit(1);
    }
    pthread_create(&r->thread, NULL, run_main, r);
    return r;
}

static running *start_model(pst_server_model m)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = m;
    return start(&o);
}

/* Stop, wait for run to return, read the final counters. */
static void stop(running *r, pst_server_stats *st)
{
    pst_server_stop(r->s);
    pthread_join(r->thread, NULL);
    CHECK_EQ_INT(r->rc, 0);
    pst_server_stats_get(r->s, st);
    CHECK_EQ_INT(st->active, 0);
    CHECK_EQ_INT(st->queued, 0);
    /* Stopped: the port refuses new connections at once. */
    if (pst_server_port(r->s) > 0) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { 0 };
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons((uint16_t)pst_server_port(r->s));
        int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
        CHECK(rc < 0 && errno == ECONNREFUSED);
        close(fd);
    }
}

static void finish(running *r)
{
    pst_server_free(r->s);
    pthread_mutex_destroy(&r->log.mu);
    free(r);
}

static pst_client *connect_client(running *r, const pst_protocol *p, bool framed)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.protocol = p;
    o.framed = framed;
    o.recv_timeout_ms = 20000; /* a broken test fails instead of hanging */
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", pst_server_port(r->s), &o, &err);
    CHECK(c != NULL);
    if (!c)
        fprintf(stderr, "  connect: %s\n", err.message);
    return c;
}

/* A raw TCP connection to the server. */
static int raw_connect(running *r)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)pst_server_port(r->s));
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
    return fd;
}

/* Read until the peer closes (0) or resets (-1); returns bytes read. */
static ssize_t read_to_end(int fd, uint8_t *buf, size_t cap)
{
    size_t got = 0;
    for (;;) {
        uint8_t sink[4096];
        uint8_t *dst = buf && got < cap ? buf + got : sink;
        size_t room = buf && got < cap ? cap - got : sizeof sink;
        ssize_t n = recv(fd, dst, room, 0);
        if (n <= 0)
            return (ssize_t)got;
        got += (size_t)n;
    }
}

/* A whole request message (framed or not) for add(a, b). */
static size_t add_request(const pst_protocol *p, bool framed, int32_t a,
                          int32_t b, int32_t seqid, uint8_t *out)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("add"), PST_MSG_CALL, seqid };
    t_Calc_add_args args = { a, b, { 0x3 } };
    p->write_message_begin(&w, &h);
    p->write_struct(&w, &t_Calc_add_args_desc, &args, &cfg);
    size_t n = 0;
    if (framed) {
        out[0] = (uint8_t)(w.len >> 24);
        out[1] = (uint8_t)(w.len >> 16);
        out[2] = (uint8_t)(w.len >> 8);
        out[3] = (uint8_t)w.len;
        n = 4;
    }
    memcpy(out + n, w.data, w.len);
    n += w.len;
    pst_wbuf_free(&w);
    return n;
}

/* Decode an add reply from raw bytes; returns success or INT32_MIN. */
static int32_t decode_add_reply(const pst_protocol *p, bool framed,
                                const uint8_t *buf, size_t n)
{
    if (framed) {
        if (n < 4)
            return INT32_MIN;
        buf += 4;
        n -= 4;
    }
    pst_arena *a = pst_arena_new(0);
    pst_rbuf r;
    pst_rbuf_init(&r, buf, n, NULL);
    pst_msg_header h;
    t_Calc_add_result res;
    int32_t v = INT32_MIN;
    if (p->read_message_begin(&r, &h, &cfg) == 0 && h.type == PST_MSG_REPLY &&
        p->read_struct(&r, &t_Calc_add_result_desc, &res, a, &cfg) == 0)
        v = res.success;
    pst_arena_free(a);
    return v;
}

static const pst_protocol *protos[2];

/* ---- every model, every protocol and framing, one port ------------------ */

static const pst_method_desc nosuch = { "nosuch", &t_Calc_add_args_desc,
                                        &t_Calc_add_result_desc, false, NULL };

/* Six calls; returns how many the server answered or ran. */
static int exercise(pst_client *c, int32_t k)
{
    pst_arena *a = pst_arena_new(0);
    t_Calc_add_result ar;
    CHECK_EQ_INT(t_Calc_add(c, a, k, 1000, &ar), 0);
    CHECK_EQ_INT(ar.success, k + 1000);
    t_Calc_echo_result er;
    CHECK_EQ_INT(t_Calc_echo(c, a, PST_STR("front door"), &er), 0);
    CHECK(er.success.len == 10 && memcmp(er.success.ptr, "front door", 10) == 0);
    t_Calc_divide_result dr;
    CHECK_EQ_INT(t_Calc_divide(c, a, k, 0, &dr), PST_E_DECLARED_EXCEPTION);
    CHECK_EQ_INT(dr.oops.code, k);
    t_Calc_add_args args = { 1, 2, { 0x3 } };
    CHECK_EQ_INT(pst_client_call(c, &nosuch, &args, &ar, a), PST_E_APP_EXCEPTION);
    const pst_app_exception *ex = pst_client_app_exception(c);
    CHECK(ex && ex->type == PST_APPEX_UNKNOWN_METHOD);
    CHECK_EQ_INT(t_Calc_note(c, a, 1), 0);
    t_Base_ping_result pr;
    CHECK_EQ_INT(t_Base_ping(c, a, k, &pr), 0); /* also: the note was run */
    CHECK_EQ_INT(pr.success, k);
    pst_arena_free(a);
    return 6;
}

static void test_every_model_speaks_everything(void)
{
    for (size_t m = 0; m < 4; m++) {
        running *r = start_model(all_models[m]);
        int calls = 0, clients = 0;
        for (int p = 0; p < 2; p++) {
            for (int framed = 0; framed < 2; framed++) {
                pst_client *c = connect_client(r, protos[p], framed);
                if (!c)
                    continue;
                calls += exercise(c, (int32_t)(p * 10 + framed));
                clients++;
                pst_client_free(c);
            }
        }
        pst_server_stats st;
        stop(r, &st);
        CHECK_EQ_INT(st.calls, calls);
        CHECK_EQ_INT(st.accepted, clients);
        CHECK_EQ_INT(st.protocol_errors, 0);
        if (all_models[m] != PST_SERVER_NONBLOCKING) { /* conn.c's words */
            CHECK(log_has(&r->log, "speaks compact framed"));
            CHECK(log_has(&r->log, "speaks binary unframed"));
        }
        finish(r);
    }
}

static void test_unix_and_ipv6(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/pst-test-server-%d.sock", (int)getpid());
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.unix_path = path;
    running *r = start(&o);
    CHECK_EQ_INT(pst_server_port(r->s), 0);
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.framed = true;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect_unix(path, &co, &err);
    CHECK(c != NULL);
    int calls = c ? exercise(c, 5) : 0;
    pst_client_free(c);
    pst_server_stats st;
    stop(r, &st);
    CHECK_EQ_INT(st.calls, calls);
    finish(r);
    CHECK(access(path, F_OK) != 0); /* the socket file is gone */

    pst_server_options o6 = PST_SERVER_OPTIONS_INIT;
    o6.bind = "::1";
    pst_server *probe = pst_server_new(&proc, &o6, &err);
    if (!probe) {
        fprintf(stderr, "  (no IPv6 loopback: ::1 part skipped)\n");
        return;
    }
    pst_server_free(probe);
    r = start(&o6);
    pst_error_clear(&err);
    c = pst_client_connect("::1", pst_server_port(r->s), &co, &err);
    CHECK(c != NULL);
    calls = c ? exercise(c, 6) : 0;
    pst_client_free(c);
    stop(r, &st);
    CHECK_EQ_INT(st.calls, calls);
    CHECK(log_has(&r->log, "[::1]:"));
    finish(r);
}

/* ---- limits and timeouts ------------------------------------------------ */

static bool is_connection_error(int rc)
{
    return rc == PST_E_CLOSED || rc == -ECONNRESET || rc == -EPIPE;
}

static void test_max_connections(void)
{
    for (size_t m = 1; m < 4; m++) { /* SIMPLE serves one at a time anyway */
        pst_server_options o = PST_SERVER_OPTIONS_INIT;
        o.model = all_models[m];
        o.max_connections = 1;
        running *r = start(&o);
        pst_arena *a = pst_arena_new(0);
        t_Calc_add_result res;
        pst_client *first = connect_client(r, &pst_protocol_binary, false);
        CHECK_EQ_INT(t_Calc_add(first, a, 1, 1, &res), 0); /* admitted */
        pst_client *second = connect_client(r, &pst_protocol_binary, false);
        int rc = t_Calc_add(second, a, 1, 1, &res);
        CHECK(is_connection_error(rc));
        pst_server_stats st;
        pst_server_stats_get(r->s, &st);
        CHECK_EQ_INT(st.refused, 1);
        CHECK_EQ_INT(t_Calc_add(first, a, 2, 2, &res), 0); /* unaffected */
        pst_client_free(second);
        pst_client_free(first);
        /* Once the first has gone, a new one gets in (the server notices the
         * close on its own time: retry). */
        bool in = false;
        for (int i = 0; i < 500 && !in; i++) {
            pst_client *again = connect_client(r, &pst_protocol_binary, false);
            in = t_Calc_add(again, a, 3, 3, &res) == 0;
            pst_client_free(again);
            if (!in)
                pause_ms(5);
        }
        CHECK(in);
        stop(r, &st);
        CHECK(st.refused >= 1);
        CHECK(log_has(&r->log, "max_connections"));
        pst_arena_free(a);
        finish(r);
    }
}

/* POOL: connections beyond the workers wait in the queue, counted, and are
 * served once a worker is free. */
static void test_pool_queue(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = PST_SERVER_POOL;
    o.workers = 1;
    running *r = start(&o);
    pst_arena *a = pst_arena_new(0);
    t_Calc_add_result res;
    pst_client *busy = connect_client(r, &pst_protocol_binary, true);
    CHECK_EQ_INT(t_Calc_add(busy, a, 1, 1, &res), 0); /* holds the worker */
    int fd = raw_connect(r);
    uint8_t buf[256], reply[256];
    size_t n = add_request(&pst_protocol_compact, true, 30, 12, 1, buf);
    CHECK(send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n);
    shutdown(fd, SHUT_WR);
    pst_server_stats st = { 0 };
    for (int i = 0; i < 20000 && st.queued == 0; i++) {
        pst_server_stats_get(r->s, &st);
        if (st.queued == 0)
            pause_ms(1);
    }
    CHECK_EQ_INT(st.queued, 1);
    CHECK_EQ_INT(st.active, 2);
    pst_client_free(busy); /* the worker moves on to the queued one */
    ssize_t got = read_to_end(fd, reply, sizeof reply);
    CHECK_EQ_INT(decode_add_reply(&pst_protocol_compact, true, reply, (size_t)got), 42);
    close(fd);
    stop(r, &st);
    CHECK_EQ_INT(st.calls, 2);
    pst_arena_free(a);
    finish(r);
}

static void test_idle_timeout(void)
{
    for (size_t m = 0; m < 4; m++) {
        pst_server_options o = PST_SERVER_OPTIONS_INIT;
        o.model = all_models[m];
        o.idle_timeout_ms = 50;
        running *r = start(&o);
        pst_client *c = connect_client(r, &pst_protocol_compact, true);
        pst_arena *a = pst_arena_new(0);
        t_Calc_add_result res;
        CHECK_EQ_INT(t_Calc_add(c, a, 1, 1, &res), 0);
        /* Say nothing: the server closes the connection. */
        int fd = pst_stream_fd(pst_transport_stream(pst_client_transport(c)));
        struct pollfd p = { fd, POLLIN, 0 };
        CHECK(poll(&p, 1, 20000) == 1);
        char b;
        CHECK(recv(fd, &b, 1, MSG_DONTWAIT) == 0);
        /* A connection that never spoke is closed too. */
        int raw = raw_connect(r);
        CHECK_EQ_INT(read_to_end(raw, NULL, 0), 0);
        close(raw);
        pst_client_free(c);
        pst_server_stats st;
        stop(r, &st);
        CHECK_EQ_INT(st.timeouts, 2);
        CHECK(log_has(&r->log, "idle"));
        pst_arena_free(a);
        finish(r);
    }
}

/* A started message that stalls, and a reply nobody reads, both end. */
static void test_read_and_write_timeouts(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.read_timeout_ms = 50;
    running *r = start(&o);
    uint8_t buf[256];
    /* Half a request: the read timeout closes the connection. */
    int fd = raw_connect(r);
    size_t n = add_request(&pst_protocol_binary, true, 1, 2, 1, buf);
    CHECK(send(fd, buf, n - 3, MSG_NOSIGNAL) == (ssize_t)(n - 3));
    CHECK_EQ_INT(read_to_end(fd, NULL, 0), 0);
    close(fd);
    /* One byte: not even enough to tell the protocol. */
    fd = raw_connect(r);
    CHECK(send(fd, "\x80", 1, MSG_NOSIGNAL) == 1);
    CHECK_EQ_INT(read_to_end(fd, NULL, 0), 0);
    close(fd);
    pst_server_stats st;
    stop(r, &st);
    CHECK_EQ_INT(st.timeouts, 2);
    CHECK(log_has(&r->log, "read timeout of 50 ms"));
    CHECK(log_has(&r->log, "no complete first message within 50 ms"));
    finish(r);

    /* An 8 MB echo whose reply is never read: the write timeout. */
    o.read_timeout_ms = 0;
    o.write_timeout_ms = 50;
    r = start(&o);
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.framed = true;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", pst_server_port(r->s), &co, &err);
    /* A small receive window, so the kernel cannot swallow the reply. */
    int small = 16384;
    setsockopt(pst_stream_fd(pst_transport_stream(pst_client_transport(c))),
               SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    size_t big = 8u << 20;
    char *msg = malloc(big);
    memset(msg, 'w', big);
    t_Calc_echo_args args = { { msg, big }, { 0x1 } };
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("echo"), PST_MSG_CALL, 1 };
    pst_protocol_binary.write_message_begin(&w, &h);
    pst_protocol_binary.write_struct(&w, &t_Calc_echo_args_desc, &args, &cfg);
    CHECK_EQ_INT(pst_transport_write_message(pst_client_transport(c), w.data,
                                             w.len, &err), 0);
    /* Wait (without reading) until the server has given up. */
    memset(&st, 0, sizeof st);
    for (int i = 0; i < 20000 && st.timeouts < 1; i++) {
        pst_server_stats_get(r->s, &st);
        if (st.timeouts < 1)
            pause_ms(1);
    }
    CHECK_EQ_INT(st.timeouts, 1);
    pst_client_free(c);
    pst_wbuf_free(&w);
    free(msg);
    stop(r, &st);
    CHECK_EQ_INT(st.calls, 0);
    CHECK(log_has(&r->log, "timed out after 50 ms"));
    finish(r);
}

/* ---- bad bytes ---------------------------------------------------------- */

static void test_bad_bytes(void)
{
    for (size_t m = 0; m < 4; m++) {
        running *r = start_model(all_models[m]);
        pst_arena *a = pst_arena_new(0);
        t_Calc_add_result res;
        bool simple = all_models[m] == PST_SERVER_SIMPLE;
        pst_client *good = simple ? NULL : connect_client(r, &pst_protocol_binary, true);
        if (good)
            CHECK_EQ_INT(t_Calc_add(good, a, 1, 1, &res), 0);

        /* Not Thrift at all. */
        int fd = raw_connect(r);
        CHECK(send(fd, "\x01garbage here\n", 14, MSG_NOSIGNAL) == 14);
        read_to_end(fd, NULL, 0);
        close(fd);
        CHECK(log_has(&r->log, "first bytes 01 67 61"));
        CHECK(log_has(&r->log, "127.0.0.1:"));

        /* A good framed call, then a frame over max_frame. */
        uint8_t buf[256];
        fd = raw_connect(r);
        size_t n = add_request(&pst_protocol_binary, true, 20, 22, 1, buf);
        memcpy(buf + n, "\x00\xff\xff\xff\x80\x01", 6);
        CHECK(send(fd, buf, n + 6, MSG_NOSIGNAL) == (ssize_t)(n + 6));
        uint8_t reply[256];
        ssize_t got = read_to_end(fd, reply, sizeof reply);
        CHECK_EQ_INT(decode_add_reply(&pst_protocol_binary, true, reply, (size_t)got), 42);
        close(fd);
        CHECK(log_has(&r->log, "frame of 16777215 bytes exceeds max_frame 16384000"));

        /* Unframed: a good call, then a header with a bad version. */
        fd = raw_connect(r);
        n = add_request(&pst_protocol_compact, false, 2, 3, 1, buf);
        memcpy(buf + n, "\x82\x3f\x01\x01", 4);
        CHECK(send(fd, buf, n + 4, MSG_NOSIGNAL) == (ssize_t)(n + 4));
        got = read_to_end(fd, reply, sizeof reply);
        CHECK_EQ_INT(decode_add_reply(&pst_protocol_compact, false, reply, (size_t)got), 5);
        close(fd);

        /* HTTP on the same port: answered, and closed as 1.0 asks. */
        fd = raw_connect(r);
        CHECK(send(fd, "GET /health HTTP/1.0\r\n\r\n", 24, MSG_NOSIGNAL) == 24);
        got = read_to_end(fd, reply, sizeof reply);
        close(fd);
        CHECK(got > 17 && memcmp(reply, "HTTP/1.1 200 OK\r\n", 17) == 0);
        CHECK(got > 3 && memcmp(reply + got - 3, "ok\n", 3) == 0);

        /* The well-behaved connection never noticed. */
        if (!good)
            good = connect_client(r, &pst_protocol_binary, true);
        CHECK_EQ_INT(t_Calc_add(good, a, 2, 2, &res), 0);
        CHECK_EQ_INT(res.success, 4);
        pst_client_free(good);
        pst_server_stats st;
        stop(r, &st);
        CHECK_EQ_INT(st.protocol_errors, 3);
        pst_arena_free(a);
        finish(r);
    }
}

static void test_pinned(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.protocol = &pst_protocol_compact;
    o.framing = PST_FRAMING_FRAMED;
    running *r = start(&o);
    pst_client *c = connect_client(r, &pst_protocol_compact, true);
    int calls = exercise(c, 1);
    pst_client_free(c);
    /* Binary is not what this server speaks. */
    c = connect_client(r, &pst_protocol_binary, false);
    pst_arena *a = pst_arena_new(0);
    t_Calc_add_result res;
    CHECK(t_Calc_add(c, a, 1, 1, &res) < 0);
    pst_client_free(c);
    pst_server_stats st;
    stop(r, &st);
    CHECK_EQ_INT(st.calls, calls);
    CHECK_EQ_INT(st.protocol_errors, 1);
    pst_arena_free(a);
    finish(r);
}

/* ---- connections that end oddly --------------------------------------- */

static void test_half_open_and_reset(void)
{
    for (size_t m = 0; m < 4; m++) {
        running *r = start_model(all_models[m]);
        bool simple = all_models[m] == PST_SERVER_SIMPLE;
        pst_arena *a = pst_arena_new(0);
        t_Calc_add_result res;
        pst_client *other = simple ? NULL : connect_client(r, &pst_protocol_compact, false);
        if (other)
            CHECK_EQ_INT(t_Calc_add(other, a, 1, 1, &res), 0);

        /* Half-open: the request, then FIN; the reply still comes. */
        for (int framed = 0; framed < 2; framed++) {
            uint8_t buf[256], reply[256];
            int fd = raw_connect(r);
            size_t n = add_request(&pst_protocol_binary, framed, 40, 2, 9, buf);
            CHECK(send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n);
            shutdown(fd, SHUT_WR);
            ssize_t got = read_to_end(fd, reply, sizeof reply);
            CHECK_EQ_INT(decode_add_reply(&pst_protocol_binary, framed, reply, (size_t)got), 42);
            close(fd);
        }

        /* Abrupt reset: half a request, then RST (SO_LINGER 0). */
        for (int k = 0; k < 2; k++) {
            uint8_t buf[256];
            int fd = raw_connect(r);
            size_t n = add_request(&pst_protocol_binary, true, 1, 2, 1, buf);
            if (k == 0)
                CHECK(send(fd, buf, n / 2, MSG_NOSIGNAL) == (ssize_t)(n / 2));
            struct linger lg = { 1, 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            close(fd);
        }

        if (!other)
            other = connect_client(r, &pst_protocol_compact, false);
        CHECK_EQ_INT(t_Calc_add(other, a, 5, 5, &res), 0);
        CHECK_EQ_INT(res.success, 10);
        pst_client_free(other);
        pst_server_stats st;
        stop(r, &st);
        CHECK_EQ_INT(st.protocol_errors, 0);
        pst_arena_free(a);
        finish(r);
    }
}

/* ---- graceful stop under load ------------------------------------------- */

typedef struct loader {
    running *r;
    const pst_protocol *proto;
    bool framed;
    int ok;            /* replies received */
    int rc;            /* the failure that ended the loop */
    char why[200];
    pthread_t thread;
} loader;

static void *loader_main(void *p)
{
    loader *l = p;
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.protocol = l->proto;
    o.framed = l->framed;
    o.recv_timeout_ms = 20000;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", pst_server_port(l->r->s), &o, &err);
    if (!c) {
        l->rc = err.code;
        snprintf(l->why, sizeof l->why, "%s", err.message);
        return NULL;
    }
    pst_arena *a = pst_arena_new(0);
    for (int32_t i = 0;; i++) {
        int rc;
        if (i % 8 == 7) {
            t_Calc_slow_result sr;
            rc = t_Calc_slow(c, a, 2, &sr);
            if (rc == 0 && sr.success != 2)
                rc = PST_E_PROTOCOL;
        } else {
            t_Calc_add_result res;
            rc = t_Calc_add(c, a, i, 1, &res);
            if (rc == 0 && res.success != i + 1)
                rc = PST_E_PROTOCOL;
        }
        pst_arena_reset(a);
        if (rc < 0) {
            l->rc = rc;
            snprintf(l->why, sizeof l->why, "%s", pst_client_error(c)->message);
            break;
        }
        l->ok++;
    }
    pst_arena_free(a);
    pst_client_free(c);
    return NULL;
}

static void graceful_stop(pst_server_model model, int workers, int nclients)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    o.workers = workers;
    running *r = start(&o);
    loader ls[8];
    for (int i = 0; i < nclients; i++) {
        ls[i] = (loader){ r, protos[i % 2], (i / 2) % 2 == 1, 0, 0, "", 0 };
        pthread_create(&ls[i].thread, NULL, loader_main, &ls[i]);
    }
    /* Let the load build up, then stop in the middle of it. */
    pst_server_stats st;
    for (int i = 0; i < 20000; i++) {
        pst_server_stats_get(r->s, &st);
        if (st.calls >= 200)
            break;
        pause_ms(1);
    }
    pst_server_stop(r->s);
    pthread_join(r->thread, NULL);
    CHECK_EQ_INT(r->rc, 0);
    pst_server_stats_get(r->s, &st);
    CHECK_EQ_INT(st.active, 0);
    /* Free closes the listener: clients still in its backlog see a reset. */
    pst_server_free(r->s);
    long replies = 0;
    for (int i = 0; i < nclients; i++) {
        pthread_join(ls[i].thread, NULL);
        replies += ls[i].ok;
        CHECK(is_connection_error(ls[i].rc) || ls[i].rc == -ECONNREFUSED);
        /* A reply cut short would say "after N bytes of a message". */
        CHECK(strstr(ls[i].why, "bytes of a message") == NULL);
        if (!is_connection_error(ls[i].rc))
            fprintf(stderr, "  client %d ended with %s: %s\n", i,
                    pst_strerror_name(ls[i].rc), ls[i].why);
    }
    CHECK_EQ_INT(st.calls, replies);
    CHECK(replies >= 200);
    pthread_mutex_destroy(&r->log.mu);
    free(r);
}

static void test_graceful_stop_under_load(void)
{
    graceful_stop(PST_SERVER_SIMPLE, 0, 3);
    graceful_stop(PST_SERVER_THREADED, 0, 6);
    graceful_stop(PST_SERVER_POOL, 4, 6); /* two wait in the queue */
    graceful_stop(PST_SERVER_NONBLOCKING, 0, 6);
}

static void test_stop_before_run_and_names(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    pst_error err = { 0, "" };
    for (size_t m = 0; m < 3; m++) {
        o.model = all_models[m];
        pst_server *s = pst_server_new(&proc, &o, &err);
        CHECK(s != NULL);
        CHECK(pst_server_port(s) > 0);
        pst_server_stop(s);
        CHECK_EQ_INT(pst_server_run(s), 0);
        pst_server_free(s);
    }
    CHECK_EQ_INT(pst_server_model_by_name("simple"), PST_SERVER_SIMPLE);
    CHECK_EQ_INT(pst_server_model_by_name("threaded"), PST_SERVER_THREADED);
    CHECK_EQ_INT(pst_server_model_by_name("thread-pool"), PST_SERVER_POOL);
    CHECK_EQ_INT(pst_server_model_by_name("nonblocking"), PST_SERVER_NONBLOCKING);
    CHECK_EQ_INT(pst_server_model_by_name("fast"), -1);

    /* A port already taken is a clear error. */
    pst_server *s = pst_server_new(&proc, &o, &err);
    o.port = pst_server_port(s);
    pst_error_clear(&err);
    CHECK(pst_server_new(&proc, &o, &err) == NULL);
    CHECK_EQ_INT(err.code, -EADDRINUSE);
    CHECK(strstr(err.message, "127.0.0.1") != NULL);
    pst_server_free(s);
}

int main(void)
{
    protos[0] = &pst_protocol_binary;
    protos[1] = &pst_protocol_compact;
    RUN(test_every_model_speaks_everything);
    RUN(test_unix_and_ipv6);
    RUN(test_max_connections);
    RUN(test_pool_queue);
    RUN(test_idle_timeout);
    RUN(test_read_and_write_timeouts);
    RUN(test_bad_bytes);
    RUN(test_pinned);
    RUN(test_half_open_and_reset);
    RUN(test_graceful_stop_under_load);
    RUN(test_stop_before_run_and_names);
    return test_report();
}
