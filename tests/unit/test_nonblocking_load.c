/*
 * test_nonblocking_load.c: the NONBLOCKING server with many connections at
 * once: 2,000 concurrent connections, a peer that never reads its replies
 * next to one that does, and a graceful stop in the middle of a load (every
 * call answered completely or its connection closed before it was read).
 * Runs with handlers on the loops and with a worker pool.
 */
#include <poll.h>

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

/* 2,000 connections open at once, each making calls; all answered. */
static void test_many_connections(void)
{
    enum { N = 2000, ROUNDS = 2 };
    t_raise_nofile(2 * N + 200);
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    tconn *c = calloc(N, sizeof *c);
    int opened = 0;
    for (int i = 0; i < N; i++) {
        if (t_open(&c[i], t.port, i % 2 ? P_COMPACT : P_BINARY, i % 3 != 0) < 0)
            break;
        opened++;
    }
    CHECK_EQ_INT(opened, N);
    int ok = 0;
    for (int r = 0; r < ROUNDS; r++) {
        /* every connection has a call in flight before any reply is read */
        for (int i = 0; i < opened; i++) {
            tbuf b = { 0 };
            char msg[16];
            t_fill(msg, sizeof msg, i + r);
            t_encode_call(&b, c[i].proto, c[i].framed, "echo", i + r, msg, sizeof msg);
            if (t_send_all(c[i].fd, b.p, b.len) < 0)
                CHECK(!"send");
            tb_free(&b);
        }
        for (int i = 0; i < opened; i++) {
            int32_t sq = 0;
            size_t ml = 0;
            char got[16], want[16];
            t_fill(want, sizeof want, i + r);
            if (t_read_reply(&c[i], &sq, got, sizeof got, &ml) == 1 &&
                sq == i + r && ml == sizeof want && memcmp(got, want, ml) == 0)
                ok++;
        }
    }
    CHECK_EQ_INT(ok, ROUNDS * N);
    pst_server_stats st = t_stats(&t);
    CHECK_EQ_INT(st.active, N);
    CHECK_EQ_INT(st.accepted, N);
    for (int i = 0; i < opened; i++)
        t_close(&c[i]);
    free(c);
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, ROUNDS * N);
    CHECK_EQ_INT(st.active, 0);
}

/* A peer that sends many large requests and never reads its replies must
 * not stall anyone else. */
static void test_slow_reader(void)
{
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    int hog = t_connect_fd(t.port);
    CHECK(hog >= 0);
    struct timeval tv = { 0, 300000 };   /* writes stall once the server stops reading */
    setsockopt(hog, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    size_t big = 512 * 1024;
    char *msg = malloc(big);
    t_fill(msg, big, 1);
    tbuf b = { 0 };
    t_encode_call(&b, P_BINARY, true, "echo", 1, msg, big);
    size_t sent = 0;
    for (int i = 0; i < 200; i++) {   /* up to 100 MB; stops far earlier */
        ssize_t w = send(hog, b.p, b.len, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        sent += (size_t)w;
        if ((size_t)w < b.len)
            break;
    }
    CHECK(sent >= 2 * b.len);
    CHECK(sent < 200 * b.len);     /* the server did stop reading */
    tconn other;
    CHECK_EQ_INT(t_open(&other, t.port, P_COMPACT, false), 0);
    int ok = 0;
    for (int i = 0; i < 300; i++)
        ok += t_call(&other, i, (size_t)(i * 37) % 5000) == 0;
    CHECK_EQ_INT(ok, 300);
    /* the hog's replies are still there for it, in order, once it reads */
    tconn h = { .fd = hog, .proto = P_BINARY, .framed = true };
    int32_t sq = -1;
    size_t ml = 0;
    CHECK_EQ_INT(t_read_reply(&h, &sq, NULL, 0, &ml), 1);
    CHECK_EQ_INT(sq, 1);
    CHECK_EQ_INT(ml, big);
    t_close(&h);
    t_close(&other);
    tb_free(&b);
    free(msg);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.protocol_errors, 0);
}

/* ---- graceful stop under load -------------------------------------------- */

typedef struct loader {
    int port;
    int id;
    int depth;             /* calls written per batch */
    int proto;
    bool framed;
    atomic_long replies;   /* complete, correct replies */
    long bad;              /* wrong, partial, or errors other than a close */
    long closes;           /* connections closed by the server */
    atomic_bool *quit;
} loader;

/* Call in a loop on fresh connections until the server goes away. A call
 * either gets its complete, correct reply, or the connection closes cleanly
 * before any byte of its reply. */
static void *loader_main(void *arg)
{
    loader *ld = arg;
    int32_t seq = ld->id << 20;
    while (!atomic_load(ld->quit)) {
        tconn c;
        if (t_open(&c, ld->port, ld->proto, ld->framed) < 0)
            break;                  /* server gone: refused */
        bool open = true;
        while (open) {
            tbuf b = { 0 };
            char msg[64];
            size_t n = (size_t)(seq % 64);
            int32_t first = seq;
            for (int k = 0; k < ld->depth; k++) {
                t_fill(msg, n, seq);
                t_encode_call(&b, ld->proto, ld->framed, "echo", seq++, msg, n);
            }
            if (t_send_all(c.fd, b.p, b.len) < 0) {
                tb_free(&b);
                ld->closes++;
                break;
            }
            tb_free(&b);
            for (int k = 0; k < ld->depth; k++) {
                int32_t sq;
                size_t ml;
                char got[64], want[64];
                int rc = t_read_reply(&c, &sq, got, sizeof got, &ml);
                if (rc == 0) {          /* closed between replies */
                    ld->closes++;
                    open = false;
                    break;
                }
                t_fill(want, n, first + k);
                if (rc < 0 || sq != first + k || ml != n ||
                    memcmp(got, want, n) != 0) {
                    ld->bad++;
                    open = false;
                    break;
                }
                atomic_fetch_add(&ld->replies, 1);
            }
        }
        t_close(&c);
        if (!open && ld->bad)
            break;
    }
    return NULL;
}

static void test_stop_under_load(void)
{
    enum { L = 6 };
    pst_server_options opt = base_options();
    tserver t;
    if (t_server_start(&t, &opt) < 0) {
        CHECK(!"server start");
        return;
    }
    atomic_bool quit = false;
    loader ld[L];
    pthread_t th[L];
    for (int i = 0; i < L; i++) {
        ld[i] = (loader){ .port = t.port, .id = i + 1, .depth = 1 + i % 3 * 4,
                          .proto = i % 2, .framed = i % 4 < 2, .quit = &quit };
        pthread_create(&th[i], NULL, loader_main, &ld[i]);
    }
    /* let the load run until every client has had replies */
    for (int w = 0; w < 20000; w++) {
        long min = -1;
        for (int i = 0; i < L; i++) {
            long r = atomic_load(&ld[i].replies);
            if (min < 0 || r < min)
                min = r;
        }
        if (min >= 200)
            break;
        usleep(1000);
    }
    pst_server_stop(t.s);
    pthread_join(t.th, NULL);      /* run returns once everything drained */
    pst_server_stats st;
    pst_server_stats_get(t.s, &st);
    CHECK_EQ_INT(t.rc, 0);
    /* Closing the listener resets connections still in its backlog, so the
     * clients that connected after the stop learn it at once. */
    atomic_store(&quit, true);
    pst_server_free(t.s);
    pthread_mutex_destroy(&t.log.mu);
    long replies = 0, bad = 0;
    for (int i = 0; i < L; i++) {
        pthread_join(th[i], NULL);
        replies += atomic_load(&ld[i].replies);
        bad += ld[i].bad;
        CHECK(atomic_load(&ld[i].replies) >= 200);
    }
    long closes = 0;
    for (int i = 0; i < L; i++)
        closes += ld[i].closes;
    fprintf(stderr, "   stop under load: %ld replies, %ld closes seen by "
            "clients, server calls %llu\n", replies, closes,
            (unsigned long long)st.calls);
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(st.calls, replies);
    CHECK_EQ_INT(st.active, 0);
    CHECK_EQ_INT(st.protocol_errors, 0);
}

static void run_all(void)
{
    fprintf(stderr, "-- io_threads=%d workers=%d\n", g_io_threads, g_workers);
    RUN(test_many_connections);
    RUN(test_slow_reader);
    RUN(test_stop_under_load);
}

int main(void)
{
    g_io_threads = 2;
    g_workers = 0;
    run_all();
    g_io_threads = 2;
    g_workers = 2;
    run_all();
    return test_report();
}
