/*
 * test_nonblocking.c: the NONBLOCKING server, one behaviour at a time,
 * through the public server API and raw sockets: every protocol and framing
 * on one port, pipelining, split delivery, limits, timeouts, bad input,
 * half-open and reset connections. Each test runs with handlers on the loop
 * threads and again with a worker pool.
 */
#include <sys/un.h>

#include "test_nonblocking_util.h"

static int g_io_threads = 2;
static int g_workers = 0;

static pst_server_options base_options(void)
{
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.io_threads = g_io_threads;
    opt.workers = g_workers;
    return opt;
}

/* Binary and compact, framed and unframed, on one server at once; message
 * sizes across the loop's 64 KiB read buffer (partial-message path). */
static void test_all_protocols(void)
{
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn c[4];
    static const size_t sizes[] = { 0, 1, 31, 32, 1000, 70000, 300000, 5 };
    for (int k = 0; k < 4; k++)
        CHECK_EQ_INT(t_open(&c[k], t.port, k / 2, k % 2 == 0), 0);
    int32_t seq = 1;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int k = 0; k < 4; k++)
            CHECK_EQ_INT(t_call(&c[k], seq++, sizes[i]), 0);
    for (int k = 0; k < 4; k++)
        t_close(&c[k]);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, 4 * (sizeof sizes / sizeof sizes[0]));
    CHECK_EQ_INT(st.accepted, 4);
    CHECK_EQ_INT(st.protocol_errors, 0);
    CHECK_EQ_INT(st.active, 0);
}

/* Many calls (and oneway notes) in one write: every echo answered, in order. */
static void pipeline_one(int proto, bool framed)
{
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn c;
    CHECK_EQ_INT(t_open(&c, t.port, proto, framed), 0);
    tbuf b = { 0 };
    char msg[200];
    enum { N = 200 };
    long notes0 = atomic_load(&t_notes);
    for (int i = 0; i < N; i++) {
        t_fill(msg, (size_t)(i % 200), i);
        t_encode_call(&b, proto, framed, "echo", i, msg, (size_t)(i % 200));
        if (i % 10 == 0)
            t_encode_call(&b, proto, framed, "note", 100000 + i, "n", 1);
    }
    CHECK_EQ_INT(t_send_all(c.fd, b.p, b.len), 0);
    int ok = 0;
    for (int i = 0; i < N; i++) {
        int32_t sq;
        size_t ml;
        char got[200];
        if (t_read_reply(&c, &sq, got, sizeof got, &ml) != 1)
            break;
        t_fill(msg, (size_t)(i % 200), i);
        if (sq == i && ml == (size_t)(i % 200) && memcmp(got, msg, ml) == 0)
            ok++;
    }
    CHECK_EQ_INT(ok, N);
    t_close(&c);
    tb_free(&b);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, N + N / 10);  /* oneway calls count as run */
    CHECK_EQ_INT(atomic_load(&t_notes) - notes0, N / 10);
}

static void test_pipelined(void)
{
    pipeline_one(P_BINARY, true);
    pipeline_one(P_BINARY, false);
    pipeline_one(P_COMPACT, true);
    pipeline_one(P_COMPACT, false);
}

/* Two calls arriving one byte per write (the server sees them in pieces of
 * every size, the sniffing bytes included). */
static void split_one(tserver *t, int proto, bool framed)
{
    tconn c;
    CHECK_EQ_INT(t_open(&c, t->port, proto, framed), 0);
    for (int round = 0; round < 2; round++) {
        tbuf b = { 0 };
        char msg[40];
        int32_t seq = 77 + round;
        t_fill(msg, sizeof msg, seq);
        t_encode_call(&b, proto, framed, "echo", seq, msg, sizeof msg);
        for (size_t i = 0; i < b.len; i++) {
            CHECK_EQ_INT(t_send_all(c.fd, b.p + i, 1), 0);
            if (i < 12)
                usleep(500);   /* shape the delivery; nothing is timed */
        }
        int32_t sq = 0;
        size_t ml = 0;
        char got[40];
        CHECK_EQ_INT(t_read_reply(&c, &sq, got, sizeof got, &ml), 1);
        CHECK_EQ_INT(sq, seq);
        CHECK_EQ_INT(ml, sizeof msg);
        CHECK_MEM(got, msg, sizeof msg);
        tb_free(&b);
    }
    t_close(&c);
}

static void test_split_bytes(void)
{
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    split_one(&t, P_BINARY, true);
    split_one(&t, P_BINARY, false);
    split_one(&t, P_COMPACT, true);
    split_one(&t, P_COMPACT, false);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, 8);
    CHECK_EQ_INT(st.protocol_errors, 0);
}

/* Over max_connections: accepted, closed at once, counted. */
static void test_max_connections(void)
{
    pst_server_options opt = base_options();
    opt.max_connections = 3;
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn c[3];
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(t_open(&c[i], t.port, P_BINARY, true), 0);
        CHECK_EQ_INT(t_call(&c[i], i, 10), 0);
    }
    tconn extra;
    CHECK_EQ_INT(t_open(&extra, t.port, P_BINARY, true), 0);
    CHECK_EQ_INT(t_wait_closed(extra.fd), 1);
    t_close(&extra);
    CHECK_EQ_INT(t_stats(&t).refused, 1);
    /* a slot frees up when one closes */
    t_close(&c[0]);
    T_WAIT_STATS(&t, st.active == 2);
    CHECK_EQ_INT(t_stats(&t).active, 2);
    CHECK_EQ_INT(t_open(&c[0], t.port, P_BINARY, true), 0);
    CHECK_EQ_INT(t_call(&c[0], 9, 10), 0);
    for (int i = 0; i < 3; i++)
        t_close(&c[i]);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.refused, 1);
    CHECK_EQ_INT(st.accepted, 4);
    CHECK(t_log_has(&t.log, "refused: max_connections (3) reached"));
}

/* Idle, read and write timeouts close the connection and are counted; one
 * server per kind, so a slow moment on a busy machine cannot make one look
 * like another. `kind`: 0 idle, 1 read, 2 write. */
static void timeout_one(int kind)
{
    pst_server_options opt = base_options();
    if (kind == 0)
        opt.idle_timeout_ms = 50;
    else if (kind == 1)
        opt.read_timeout_ms = 50;
    else
        opt.write_timeout_ms = 50;
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn c;
    tbuf b = { 0 };
    if (kind == 0) {            /* idle after a call, and never a word */
        CHECK_EQ_INT(t_open(&c, t.port, P_BINARY, true), 0);
        CHECK_EQ_INT(t_call(&c, 1, 10), 0);
        CHECK_EQ_INT(t_wait_closed(c.fd), 1);
        t_close(&c);
        int fd = t_connect_fd(t.port);
        CHECK_EQ_INT(t_wait_closed(fd), 1);
        close(fd);
    } else if (kind == 1) {     /* a message started but never finished */
        CHECK_EQ_INT(t_open(&c, t.port, P_COMPACT, false), 0);
        t_encode_call(&b, P_COMPACT, false, "echo", 5, "hello", 5);
        CHECK_EQ_INT(t_send_all(c.fd, b.p, b.len - 3), 0);
        CHECK_EQ_INT(t_wait_closed(c.fd), 1);
        t_close(&c);
        int fd = t_connect_fd(t.port);   /* one byte: protocol unknown yet */
        CHECK_EQ_INT(t_send_all(fd, "\x80", 1), 0);
        CHECK_EQ_INT(t_wait_closed(fd), 1);
        close(fd);
    } else {                    /* replies never read */
        CHECK_EQ_INT(t_open(&c, t.port, P_BINARY, true), 0);
        int small = 16384;      /* so the kernel cannot take all replies */
        setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        size_t big = 256 * 1024;
        char *msg = malloc(big);
        t_fill(msg, big, 3);
        t_encode_call(&b, P_BINARY, true, "echo", 3, msg, big);
        struct timeval tv = { 0, 200000 };   /* stop once writes stall */
        setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        for (int i = 0; i < 64; i++)
            if (t_send_all(c.fd, b.p, b.len) < 0)
                break;
        T_WAIT_STATS(&t, st.timeouts >= 1);
        t_close(&c);
        free(msg);
    }
    tb_free(&b);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    static const char *const said[] = { "idle timeout of 50 ms",
                                        "read timeout of 50 ms",
                                        "timed out after 50 ms" };
    CHECK_EQ_INT(st.timeouts, kind == 2 ? 1 : 2);
    CHECK(t_log_has(&t.log, said[kind]));
    if (kind == 1)
        CHECK(t_log_has(&t.log, "no complete first message within 50 ms"));
}

static void test_timeouts(void)
{
    for (int kind = 0; kind < 3; kind++)
        timeout_one(kind);
}

/* Bad bytes close only their own connection, with a reason in the log. */
static void test_garbage(void)
{
    pst_server_options opt = base_options();
    opt.codec.max_frame = 1 << 20;
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn good;
    CHECK_EQ_INT(t_open(&good, t.port, P_BINARY, true), 0);
    CHECK_EQ_INT(t_call(&good, 1, 10), 0);

    /* each on its own connection; `after_call`: behind one good call, so
     * the front door has already said "framed binary" */
    static const struct {
        const char *bytes;
        size_t len;
        bool after_call;
        const char *log;
    } bad[] = {
        { "\xde\xad\xbe\xef\x00\x01\x02\x03", 8, false,
          "first bytes de ad be ef 00 01 02 03 are neither" },
        { "\x7f\xff\xff\xff\x80\x01\x00\x01", 8, false, "neither" },
        { "\x7f\xff\xff\xff\x80\x01\x00\x01", 8, true, "max_frame" },
        { "\x00\x00\x00\x00", 4, true, "empty frame" },
        { "\x00\x00\x00\x05\x80\x01\x00\x01\x00", 9, false, "cannot be answered" },
        { "\x00\x00\x00\x05\x80\x01\x00\x01\x00", 9, true, "cannot be answered" },
    };
    int errors = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tconn c;
        CHECK_EQ_INT(t_open(&c, t.port, P_BINARY, true), 0);
        tbuf b = { 0 };
        if (bad[i].after_call)
            t_encode_call(&b, P_BINARY, true, "echo", 7, "seven", 5);
        tb_put(&b, bad[i].bytes, bad[i].len);
        CHECK_EQ_INT(t_send_all(c.fd, b.p, b.len), 0);
        if (bad[i].after_call) {      /* the good call is still answered */
            int32_t sq = 0;
            size_t ml = 0;
            CHECK_EQ_INT(t_read_reply(&c, &sq, NULL, 0, &ml), 1);
            CHECK_EQ_INT(sq, 7);
        }
        CHECK_EQ_INT(t_wait_closed(c.fd), 1);
        t_close(&c);
        tb_free(&b);
        errors++;
        T_WAIT_STATS(&t, st.protocol_errors >= (uint64_t)errors);
        CHECK(t_log_has(&t.log, bad[i].log));
        CHECK_EQ_INT(t_call(&good, 10 + (int)i, 20), 0);
    }
    /* HTTP on the same port is answered, and closed as asked */
    int fd = t_connect_fd(t.port);
    const char *get = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    CHECK_EQ_INT(t_send_all(fd, get, strlen(get)), 0);
    char answer[256];
    ssize_t got = recv(fd, answer, sizeof answer, MSG_WAITALL);
    CHECK(got > 15 && memcmp(answer, "HTTP/1.1 200 OK", 15) == 0);
    close(fd);

    CHECK_EQ_INT(t_call(&good, 99, 1000), 0);
    t_close(&good);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.protocol_errors, errors);
}

/* shutdown(SHUT_WR) after the request: the reply still arrives, then EOF. */
static void test_half_open(void)
{
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    for (int proto = 0; proto < 2; proto++) {
        tconn c;
        CHECK_EQ_INT(t_open(&c, t.port, proto, proto == 0), 0);
        tbuf b = { 0 };
        char msg[100];
        t_fill(msg, sizeof msg, 5);
        t_encode_call(&b, proto, proto == 0, "echo", 5, msg, sizeof msg);
        t_encode_call(&b, proto, proto == 0, "echo", 6, msg, sizeof msg);
        CHECK_EQ_INT(t_send_all(c.fd, b.p, b.len), 0);
        CHECK_EQ_INT(shutdown(c.fd, SHUT_WR), 0);
        int32_t sq = 0;
        size_t ml = 0;
        CHECK_EQ_INT(t_read_reply(&c, &sq, NULL, 0, &ml), 1);
        CHECK_EQ_INT(sq, 5);
        CHECK_EQ_INT(t_read_reply(&c, &sq, NULL, 0, &ml), 1);
        CHECK_EQ_INT(sq, 6);
        CHECK_EQ_INT(t_read_reply(&c, &sq, NULL, 0, &ml), 0); /* then EOF */
        t_close(&c);
        tb_free(&b);
    }
    T_WAIT_STATS(&t, st.active == 0);
    CHECK_EQ_INT(t_stats(&t).active, 0);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, 4);
}

/* A peer that resets (with calls in flight) costs only its connection. */
static void test_reset(void)
{
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    for (int i = 0; i < 20; i++) {
        tconn c;
        CHECK_EQ_INT(t_open(&c, t.port, P_BINARY, true), 0);
        tbuf b = { 0 };
        char *msg = malloc(100000);
        t_fill(msg, 100000, i);
        for (int k = 0; k < 4; k++)
            t_encode_call(&b, P_BINARY, true, "echo", k, msg, i % 2 ? 100000 : 10);
        CHECK_EQ_INT(t_send_all(c.fd, b.p, b.len / (size_t)(1 + i % 3)), 0);
        struct linger lg = { 1, 0 };
        setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        t_close(&c);           /* RST */
        tb_free(&b);
        free(msg);
    }
    T_WAIT_STATS(&t, st.active == 0);
    CHECK_EQ_INT(t_stats(&t).active, 0);
    tconn c;
    CHECK_EQ_INT(t_open(&c, t.port, P_COMPACT, true), 0);
    CHECK_EQ_INT(t_call(&c, 1, 100), 0);
    t_close(&c);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.accepted, 21);
    CHECK_EQ_INT(st.protocol_errors, 0);
}

/* Stop with idle connections open: run returns, clients see EOF. */
static void test_stop_idle(void)
{
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn c[5];
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_INT(t_open(&c[i], t.port, P_BINARY, false), 0);
        CHECK_EQ_INT(t_call(&c[i], i, 3), 0);
    }
    pst_server_stop(t.s);
    for (int i = 0; i < 5; i++) {
        CHECK_EQ_INT(t_wait_closed(c[i].fd), 1);
        t_close(&c[i]);
    }
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.active, 0);
    CHECK_EQ_INT(st.calls, 5);
}

/* A Unix domain socket listener works the same (no TCP options). */
static void test_unix_socket(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/pst-nb-test-%d.sock", (int)getpid());
    pst_server_options opt = base_options();
    opt.unix_path = path;
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn c = { .fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
                .proto = P_COMPACT, .framed = true };
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    memcpy(a.sun_path, path, strlen(path) + 1);
    struct timeval tv = { 20, 0 };
    setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK_EQ_INT(connect(c.fd, (struct sockaddr *)&a, sizeof a), 0);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_INT(t_call(&c, i, (size_t)i * 1000), 0);
    t_close(&c);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, 10);
}

static void run_all(void)
{
    fprintf(stderr, "-- io_threads=%d workers=%d\n", g_io_threads, g_workers);
    RUN(test_all_protocols);
    RUN(test_pipelined);
    RUN(test_split_bytes);
    RUN(test_max_connections);
    RUN(test_timeouts);
    RUN(test_garbage);
    RUN(test_half_open);
    RUN(test_reset);
    RUN(test_stop_idle);
    RUN(test_unix_socket);
}

int main(void)
{
    g_io_threads = 2;
    g_workers = 0;
    run_all();
    g_io_threads = 1;
    g_workers = 2;
    run_all();
    return test_report();
}
