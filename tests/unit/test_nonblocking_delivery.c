/*
 * test_nonblocking_delivery.c: the NONBLOCKING server answers everything it
 * read, and measures its timeouts from real activity:
 * - complete requests read together with the peer's FIN, while a big reply
 *   holds the connection under back-pressure, are still answered;
 * - over a Unix socket, a peer that hangs up while the connection is paused
 *   (workers busy) still has every oneway call it sent run;
 * - a slow handler earlier in a wake-up does not make later connections'
 *   idle deadlines early;
 * - the test log stays readable after the server is stopped.
 *
 * The slow handler and the big reply are the hooks of the test Echo service
 * (T_SLEEP_MS, T_BIG_REPLY in test_nonblocking_util.h).
 */
#include <sys/un.h>

#include "test_nonblocking_util.h"

static int start(tserver *t, pst_server_options *opt)
{
    if (t_server_start(t, opt) < 0) {
        CHECK(!"server start");
        return -1;
    }
    return 0;
}

/* Send one echo call whose message is `msg` (n bytes). */
static int send_echo(tconn *c, int32_t seqid, const char *msg, size_t n)
{
    tbuf b = { 0 };
    t_encode_call(&b, c->proto, c->framed, "echo", seqid, msg, n);
    int rc = t_send_all(c->fd, b.p, b.len);
    tb_free(&b);
    return rc;
}

/* One loop, handlers inline. While a slow call holds the loop, a client
 * writes an unframed call of 70,000 bytes (more than one read) whose reply is
 * 2 MiB, three small calls, and its FIN. The loop then reads all of it at
 * once: the big reply pauses the connection with the small calls still
 * buffered, and the FIN must not discard them. */
static void test_eof_after_back_pressure(void)
{
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.io_threads = 1;
    tserver t;
    if (start(&t, &opt) < 0)
        return;
    tconn slow, c;
    CHECK_EQ_INT(t_open(&slow, t.port, P_BINARY, true), 0);
    CHECK_EQ_INT(t_open(&c, t.port, P_BINARY, false), 0);
    CHECK_EQ_INT(send_echo(&slow, 1, "SLEEP", 5), 0);
    usleep(100 * 1000);                  /* the loop is in the slow handler */

    size_t big = 70000;
    char *msg = malloc(big);
    memset(msg, 'B', big);
    memcpy(msg, "BIG", 3);
    tbuf b = { 0 };
    t_encode_call(&b, P_BINARY, false, "echo", 1, msg, big);
    char small[3][5];
    for (int i = 0; i < 3; i++) {
        t_fill(small[i], 5, 2 + i);
        t_encode_call(&b, P_BINARY, false, "echo", 2 + i, small[i], 5);
    }
    CHECK_EQ_INT(t_send_all(c.fd, b.p, b.len), 0);
    CHECK_EQ_INT(shutdown(c.fd, SHUT_WR), 0);

    int32_t seq = 0;
    size_t ml = 0;
    char got[8];
    CHECK_EQ_INT(t_read_reply(&c, &seq, NULL, 0, &ml), 1);
    CHECK_EQ_INT(seq, 1);
    CHECK_EQ_INT(ml, T_BIG_REPLY);
    for (int i = 0; i < 3; i++) {
        seq = 0;
        CHECK_EQ_INT(t_read_reply(&c, &seq, got, sizeof got, &ml), 1);
        CHECK_EQ_INT(seq, 2 + i);
        CHECK(ml == 5 && memcmp(got, small[i], 5) == 0);
    }
    CHECK_EQ_INT(t_read_reply(&c, &seq, NULL, 0, &ml), 0);   /* then EOF */
    CHECK_EQ_INT(t_read_reply(&slow, &seq, NULL, 0, &ml), 1);
    t_close(&c);
    t_close(&slow);
    tb_free(&b);
    free(msg);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, 5);
    CHECK(!t_log_has(&t.log, "incomplete message"));
}

/* Unix socket, one worker: 3000 oneway calls in one burst, then close. The
 * first call holds the worker, so the connection pauses at the in-flight
 * limit with most calls unread or buffered, and the hang-up arrives while it
 * is paused. Every call must still run, as it does over TCP. */
static void test_hup_while_paused(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/pst-nb-hup-%d.sock", (int)getpid());
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.io_threads = 1;
    opt.workers = 1;
    opt.unix_path = path;
    tserver t;
    if (start(&t, &opt) < 0)
        return;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    memcpy(a.sun_path, path, strlen(path) + 1);
    CHECK_EQ_INT(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    enum { N = 3000 };
    long before = atomic_load(&t_notes);
    tbuf b = { 0 };
    t_encode_call(&b, P_BINARY, false, "note", 1, "SLEEP", 5);
    for (int i = 1; i < N; i++)
        t_encode_call(&b, P_BINARY, false, "note", 1 + i, "note", 4);
    CHECK_EQ_INT(t_send_all(fd, b.p, b.len), 0);
    close(fd);
    /* bounded wait: the calls run within a second once fixed */
    for (int w = 0; w < 2000 && atomic_load(&t_notes) - before < N; w++)
        usleep(10 * 1000);
    CHECK_EQ_INT(atomic_load(&t_notes) - before, N);
    tb_free(&b);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, N);
    CHECK_EQ_INT(st.active, 0);
}

/* One loop, handlers inline, idle timeout 400 ms. A's slow call holds the
 * loop; meanwhile B sends a slow call and F a fast one, so both are read in
 * the next wake-up, B first. B's handler takes T_SLEEP_MS; the idle time of
 * B and F must start when their replies went out, not when that wake-up
 * began (which would put their deadlines in the past: whichever of them
 * speaks second would find itself closed). */
static void test_idle_from_last_activity(void)
{
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.io_threads = 1;
    opt.idle_timeout_ms = 400;
    tserver t;
    if (start(&t, &opt) < 0)
        return;
    tconn A, B, F;
    CHECK_EQ_INT(t_open(&A, t.port, P_BINARY, true), 0);
    CHECK_EQ_INT(t_open(&B, t.port, P_BINARY, true), 0);
    CHECK_EQ_INT(t_open(&F, t.port, P_BINARY, true), 0);
    CHECK_EQ_INT(send_echo(&A, 1, "SLEEP", 5), 0);
    usleep(100 * 1000);
    CHECK_EQ_INT(send_echo(&B, 2, "SLEEP", 5), 0);
    usleep(50 * 1000);
    CHECK_EQ_INT(t_call(&F, 3, 10), 0);       /* answered after B's handler */
    int32_t seq = 0;
    size_t ml = 0;
    CHECK_EQ_INT(t_read_reply(&B, &seq, NULL, 0, &ml), 1);
    CHECK_EQ_INT(seq, 2);
    usleep(50 * 1000);                        /* far under the idle timeout */
    CHECK_EQ_INT(t_call(&F, 4, 10), 0);
    CHECK_EQ_INT(t_call(&B, 5, 10), 0);
    CHECK_EQ_INT(t_read_reply(&A, &seq, NULL, 0, &ml), 1);
    t_close(&A);
    t_close(&B);
    t_close(&F);
    pst_server_stats st;
    CHECK_EQ_INT(t_server_stop(&t, &st), 0);
    CHECK_EQ_INT(st.calls, 5);
}

/* What the server logged can be asked after t_server_stop (the log's lock
 * outlives the server). */
static void test_log_after_stop(void)
{
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.io_threads = 1;
    tserver t;
    if (start(&t, &opt) < 0)
        return;
    int fd = t_connect_fd(t.port);
    CHECK_EQ_INT(t_send_all(fd, "\xde\xad\xbe\xef\x00\x01\x02\x03", 8), 0);
    CHECK_EQ_INT(t_wait_closed(fd), 1);
    close(fd);
    T_WAIT_STATS(&t, st.protocol_errors >= 1);
    CHECK_EQ_INT(t_server_stop(&t, NULL), 0);
    CHECK(t_log_has(&t.log, "first bytes de ad be ef"));
}

int main(void)
{
    RUN(test_eof_after_back_pressure);
    RUN(test_hup_while_paused);
    RUN(test_idle_from_last_activity);
    RUN(test_log_after_stop);
    return test_report();
}
