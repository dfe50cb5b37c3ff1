/*
 * test_server_stop.c: stopping the thread-based server models while a
 * reply write is blocked on a peer that reads nothing, the write timeout's
 * default, and the THREADED model's joining of finished threads. A hang is
 * detected with a bounded wait (the server thread must end within 5 s);
 * nothing is timed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/server_internal.h"
#include "test.h"
#include "test_pipeline_server.h"

static void pause_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* A server of `model` with the given options on a thread; run's status is
 * kept, and `ended` says the thread is done (join it after). */
typedef struct stop_server {
    echo_server es;
    atomic_bool ended;
    int run_rc;
} stop_server;

static void *stop_server_main(void *p)
{
    stop_server *ss = p;
    ss->run_rc = pst_server_run(ss->es.srv);
    atomic_store(&ss->ended, true);
    return NULL;
}

static int stop_server_start(stop_server *ss, const pst_server_options *o)
{
    memset(ss, 0, sizeof *ss);
    es_init(&ss->es);
    pst_error err = { 0, "" };
    ss->es.srv = pst_server_new(&ss->es.proc, o, &err);
    if (!ss->es.srv) {
        fprintf(stderr, "server: %s\n", err.message);
        return -1;
    }
    ss->es.port = pst_server_port(ss->es.srv);
    return pthread_create(&ss->es.thread, NULL, stop_server_main, ss) == 0
               ? 0
               : -1;
}

/* Wait up to 5 s for cond; ok says whether it held. */
#define WAIT_UP_TO_5S(ok, cond)                                              \
    do {                                                                     \
        (ok) = false;                                                        \
        for (int i_ = 0; i_ < 500 && !((ok) = (cond)); i_++)                 \
            pause_ms(10);                                                    \
    } while (0)

static int connect_tcp(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send one framed binary echo call with msg; 0 or -1. */
static int send_echo(int fd, const char *msg)
{
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_wbuf_append(&w, "\0\0\0\0", 4);
    pst_msg_header h = { pst_str_c("echo"), PST_MSG_CALL, 1 };
    tst_Echo_echo_args a = tst_echo_args(msg);
    int rc = pst_protocol_binary.write_message_begin(&w, &h);
    if (rc == 0)
        rc = pst_protocol_binary.write_struct(&w, &tst_Echo_echo_args_desc,
                                              &a, &cfg);
    if (rc == 0 && w.err)
        rc = w.err;
    size_t body = w.len - 4;
    for (int i = 0; i < 4; i++)
        w.data[i] = (uint8_t)(body >> (24 - 8 * i));
    for (size_t off = 0; rc == 0 && off < w.len;) {
        ssize_t n = send(fd, w.data + off, w.len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = -1;
        else
            off += (size_t)n;
    }
    pst_wbuf_free(&w);
    return rc == 0 ? 0 : -1;
}

/* ---- stop while a reply write blocks ----------------------------------- */

enum { BIG = 12 << 20 };  /* more than loopback buffers hold unread */

/* A peer sends one echo call with a BIG argument and never reads the reply:
 * the connection's thread blocks writing it. Stop must still make run
 * return (within stop_grace_ms; the wait allows 5 s), with status 0. */
static void stop_with_blocked_write(pst_server_model model)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    o.log_level = PST_LOG_ERROR;
    o.stop_grace_ms = 200;
    o.codec.max_message = BIG + 1024;
    o.codec.max_frame = BIG + 1024;
    stop_server ss;
    if (stop_server_start(&ss, &o) < 0) {
        CHECK(!"server start");
        return;
    }
    int fd = connect_tcp(ss.es.port);
    CHECK(fd >= 0);
    char *big = malloc(BIG + 1);
    memset(big, 'x', BIG);
    big[BIG] = '\0';
    CHECK_EQ_INT(send_echo(fd, big), 0);
    /* The handler has run: what follows is the reply write. */
    bool ok;
    WAIT_UP_TO_5S(ok, atomic_load(&ss.es.calls) == 1);
    CHECK(ok);
    pause_ms(50);
    pst_server_stop(ss.es.srv);
    bool ended;
    WAIT_UP_TO_5S(ended, atomic_load(&ss.ended));
    CHECK(ended);
    if (!ended) {
        fprintf(stderr, "model %d: run still blocked 5 s after stop\n",
                (int)model);
        close(fd);  /* the reset ends the write, so the test can go on */
        fd = -1;
    }
    pthread_join(ss.es.thread, NULL);
    CHECK_EQ_INT(ss.run_rc, 0);
    if (fd >= 0)
        close(fd);
    free(big);
    pst_server_free(ss.es.srv);
    ss.es.srv = NULL;
    es_destroy(&ss.es);
}

static void test_stop_while_reply_write_blocks(void)
{
    stop_with_blocked_write(PST_SERVER_SIMPLE);
    stop_with_blocked_write(PST_SERVER_THREADED);
    stop_with_blocked_write(PST_SERVER_POOL);
}

/* ---- defaults ---------------------------------------------------------- */

/* A write to a peer that reads nothing times out by default; an explicit
 * negative write timeout still means none; the stop grace follows a given
 * write timeout, as the non-blocking model's always did. */
static void test_write_timeout_and_grace_defaults(void)
{
    echo_server es;
    es_init(&es);
    pst_error err = { 0, "" };
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    pst_server *s = pst_server_new(&es.proc, &o, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ_INT(s->opt.write_timeout_ms, PST_SERVER_WRITE_TIMEOUT_MS);
        CHECK_EQ_INT(s->opt.stop_grace_ms, PST_SERVER_STOP_GRACE_MS);
        pst_server_free(s);
    }
    o.write_timeout_ms = -1;
    s = pst_server_new(&es.proc, &o, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ_INT(s->opt.write_timeout_ms, 0);
        pst_server_free(s);
    }
    o.write_timeout_ms = 700;
    s = pst_server_new(&es.proc, &o, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ_INT(s->opt.write_timeout_ms, 700);
        CHECK_EQ_INT(s->opt.stop_grace_ms, 700);
        pst_server_free(s);
    }
    o.stop_grace_ms = 50;
    s = pst_server_new(&es.proc, &o, &err);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ_INT(s->opt.stop_grace_ms, 50);
        pst_server_free(s);
    }
    es_destroy(&es);
}

/* ---- THREADED: finished threads are joined without a new connection ---- */

static void test_threaded_joins_finished_threads(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = PST_SERVER_THREADED;
    o.log_level = PST_LOG_ERROR;
    stop_server ss;
    if (stop_server_start(&ss, &o) < 0) {
        CHECK(!"server start");
        return;
    }
    for (int i = 0; i < 3; i++) {
        int fd = connect_tcp(ss.es.port);
        CHECK(fd >= 0);
        CHECK_EQ_INT(send_echo(fd, "hi"), 0);
        char buf[256];
        CHECK(read(fd, buf, sizeof buf) > 0);  /* the reply */
        close(fd);
    }
    /* No connection arrives after these: their threads must still be
     * joined once they finish. */
    bool ok;
    WAIT_UP_TO_5S(ok, atomic_load(&ss.es.srv->stats.active) == 0);
    CHECK(ok);
    WAIT_UP_TO_5S(ok, atomic_load(&ss.es.srv->threads_unjoined) == 0);
    CHECK(ok);
    es_destroy(&ss.es);
}

int main(void)
{
    RUN(test_write_timeout_and_grace_defaults);
    RUN(test_threaded_joins_finished_threads);
    RUN(test_stop_while_reply_write_blocks);
    return test_report();
}
