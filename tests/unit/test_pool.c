/*
 * test_pool.c: the connection pool over real servers: round-robin, an
 * endpoint going down and coming back after its back-off, every endpoint
 * down (PST_E_UNAVAILABLE), bounded connections under many threads, deadlines.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>

#include "postern/pool.h"
#include "test.h"
#include "test_pipeline_server.h"

/* 127.0.0.1:port (0: any port). */
static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    return a;
}

/* A TCP socket bound to a free loopback port, listening when `listening`:
 * its descriptor (-1 on failure), *port the port. */
static int bind_loopback(bool listening, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        (listening && listen(fd, 16) < 0) ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* A connection to a listener of this test: wakes its blocked accept. */
static int connect_loopback(int port)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    connect(c, (struct sockaddr *)&a, sizeof a);
    return c;
}

/* A local port nobody listens on (bound, then released). */
static int unused_port(void)
{
    int port = -1;
    int fd = bind_loopback(false, &port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* An echo server on a free port, threaded (es_destroy it after). */
static void echo_start(echo_server *s)
{
    es_init(s);
    CHECK(es_start(s, 0, PST_SERVER_THREADED) == 0);
}

static int echo_call(pst_pool *p, const char *msg, pst_arena *a)
{
    tst_Echo_echo_args args = tst_echo_args(msg);
    tst_Echo_echo_result res;
    memset(&res, 0, sizeof res);
    int rc = pst_pool_call(p, TST_ECHO, &args, &res, a);
    if (rc == 0 && !tst_str_eq(res.success, msg))
        return PST_E_PROTOCOL;   /* someone else's reply */
    return rc;
}

/* A framed pool with short back-offs over 127.0.0.1:port_a and, when
 * port_b > 0, 127.0.0.1:port_b, written with `sep` between them (the list
 * syntax takes commas, spaces or both); checked to exist. */
static pst_pool *pool_at(const char *sep, int max_per, int port_a, int port_b)
{
    char endpoints[128];
    if (port_b > 0)
        snprintf(endpoints, sizeof endpoints, "127.0.0.1:%d%s127.0.0.1:%d", port_a,
                 sep, port_b);
    else
        snprintf(endpoints, sizeof endpoints, "127.0.0.1:%d", port_a);
    pst_pool_options o = PST_POOL_OPTIONS_INIT;
    o.endpoints = endpoints;
    o.framed = true;
    o.max_per_endpoint = max_per;
    o.backoff_initial_ms = 20;
    o.backoff_max_ms = 80;
    pst_error err = { 0, "" };
    pst_pool *p = pst_pool_new(&o, &err);
    CHECK(p != NULL);
    if (!p)
        fprintf(stderr, "pool: %s\n", err.message);
    return p;
}

static void test_round_robin_down_and_back(void)
{
    echo_server s1, s2;
    echo_start(&s1);
    echo_start(&s2);
    pst_pool *p = pool_at(", ", 4, s1.port, s2.port);
    if (!p)
        return;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);

    /* One caller at a time: strictly alternating. */
    for (int i = 0; i < 10; i++)
        CHECK_EQ_INT(echo_call(p, "rr", &a), 0);
    CHECK_EQ_INT(atomic_load(&s1.calls), 5);
    CHECK_EQ_INT(atomic_load(&s2.calls), 5);
    pst_pool_stats st;
    pst_pool_stats_get(p, &st);
    CHECK_EQ_INT(st.calls, 10);
    CHECK_EQ_INT(st.failures, 0);
    CHECK_EQ_INT(st.endpoints, 2);
    CHECK_EQ_INT(st.endpoints_up, 2);
    CHECK_EQ_INT(st.connects, 2);    /* connections are reused */
    CHECK_EQ_INT(st.idle, 2);

    /* Server 2 goes away: every call still succeeds, on server 1. */
    int port2 = s2.port;
    es_stop(&s2);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_INT(echo_call(p, "one left", &a), 0);
    CHECK_EQ_INT(atomic_load(&s1.calls), 15);
    CHECK_EQ_INT(atomic_load(&s2.calls), 5);
    pst_pool_stats_get(p, &st);
    CHECK_EQ_INT(st.endpoints_up, 1);
    CHECK_EQ_INT(st.failures, 0);
    pst_pool_endpoint_stats es;
    CHECK_EQ_INT(pst_pool_endpoint_stats_get(p, 1, &es), 0);
    CHECK(!es.up);
    CHECK_EQ_INT(es.last_error, -ECONNREFUSED);
    CHECK(es.connect_failures >= 1);
    CHECK(strstr(es.name, "127.0.0.1:") != NULL);
    CHECK_EQ_INT(pst_pool_endpoint_stats_get(p, 2, &es), PST_E_INVALID);

    /* It comes back on the same port: after its back-off it gets calls
     * again. Bounded by a generous number of calls, not by time. */
    CHECK(es_start(&s2, port2, PST_SERVER_THREADED) == 0);
    int before = atomic_load(&s2.calls);
    int64_t give_up = pst_monotonic_ms() + 30000;
    int failures = 0;
    while (atomic_load(&s2.calls) == before && pst_monotonic_ms() < give_up) {
        if (echo_call(p, "back?", &a) != 0)
            failures++;
        sched_yield();
    }
    CHECK(atomic_load(&s2.calls) > before);
    CHECK_EQ_INT(failures, 0);
    CHECK_EQ_INT(pst_pool_endpoint_stats_get(p, 1, &es), 0);
    CHECK(es.up);
    pst_pool_stats_get(p, &st);
    CHECK_EQ_INT(st.endpoints_up, 2);

    /* Both gone: a clear error, at once. */
    es_stop(&s1);
    es_stop(&s2);
    int rc = PST_OK;
    for (int i = 0; i < 3 && rc != PST_E_UNAVAILABLE; i++)
        rc = echo_call(p, "anyone?", &a);
    CHECK_EQ_INT(rc, PST_E_UNAVAILABLE);
    const pst_call_info *info = pst_call_info_last();
    CHECK(strstr(info->error.message, "no endpoint available") != NULL);
    CHECK(strstr(info->error.message, "ECONNREFUSED") != NULL);
    pst_pool_stats_get(p, &st);
    CHECK_EQ_INT(st.endpoints_up, 0);
    CHECK(st.failures >= 1);

    pst_arena_release(&a);
    pst_pool_free(p);
    es_destroy(&s1);
    es_destroy(&s2);
}

/* An endpoint that never answers is skipped from the first call on. */
static void test_dead_endpoint_from_the_start(void)
{
    echo_server s;
    echo_start(&s);
    pst_pool *p = pool_at(",", 2, unused_port(), s.port);
    if (p) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        for (int i = 0; i < 6; i++)
            CHECK_EQ_INT(echo_call(p, "hello", &a), 0);
        CHECK_EQ_INT(atomic_load(&s.calls), 6);
        pst_pool_endpoint_stats es;
        pst_pool_endpoint_stats_get(p, 0, &es);
        CHECK(!es.up);
        CHECK(es.connect_failures >= 1);
        pst_arena_release(&a);
        pst_pool_free(p);
    }
    es_destroy(&s);
}

/* A listener that accepts and hangs up at once. */
typedef struct hangup_server {
    int fd, port;
    pthread_t thread;
    atomic_bool stop;
} hangup_server;

static void *hangup_main(void *p)
{
    hangup_server *h = p;
    while (!atomic_load(&h->stop)) {
        int c = accept(h->fd, NULL, NULL);
        if (c >= 0)
            close(c);
    }
    return NULL;
}

static int hangup_start(hangup_server *h)
{
    memset(h, 0, sizeof *h);
    h->fd = bind_loopback(true, &h->port);
    if (h->fd < 0)
        return -1;
    return pthread_create(&h->thread, NULL, hangup_main, h);
}

static void hangup_stop(hangup_server *h)
{
    atomic_store(&h->stop, true);
    /* Wake the blocked accept with one last connection. */
    int c = connect_loopback(h->port);
    pthread_join(h->thread, NULL);
    close(c);
    close(h->fd);
}

/* A transport error on a fresh connection takes the endpoint out: that
 * call fails (its request may have gone), the following ones go elsewhere. */
static void test_endpoint_that_hangs_up(void)
{
    hangup_server h;
    CHECK(hangup_start(&h) == 0);
    echo_server s;
    echo_start(&s);
    pst_pool *p = pool_at(",", 2, h.port, s.port);
    if (p) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        int rc = echo_call(p, "first", &a);
        CHECK(rc == PST_E_CLOSED || rc == -ECONNRESET || rc == -EPIPE);
        for (int i = 0; i < 5; i++)
            CHECK_EQ_INT(echo_call(p, "then", &a), 0);
        CHECK_EQ_INT(atomic_load(&s.calls), 5);
        pst_pool_endpoint_stats es;
        pst_pool_endpoint_stats_get(p, 0, &es);
        CHECK(!es.up);
        CHECK_EQ_INT(es.last_error, rc);
        CHECK_EQ_INT(es.failures, 1);
        CHECK_EQ_INT(es.connections, 0);
        pst_arena_release(&a);
        pst_pool_free(p);
    }
    es_destroy(&s);
    hangup_stop(&h);
}

/* The client end of the pool's one connection to `port` in this process
 * (the server's end, also here, has `port` as its own port), or -1. */
static int pooled_fd_to(int port)
{
    int found = -1;
    for (int fd = 3; fd < 1024; fd++) {
        struct sockaddr_in me, peer;
        socklen_t l1 = sizeof me, l2 = sizeof peer;
        if (getsockname(fd, (struct sockaddr *)&me, &l1) < 0 ||
            getpeername(fd, (struct sockaddr *)&peer, &l2) < 0 ||
            me.sin_family != AF_INET)
            continue;
        if (ntohs(peer.sin_port) == port && ntohs(me.sin_port) != port) {
            if (found >= 0)
                return -1; /* more than one: not the situation under test */
            found = fd;
        }
    }
    return found;
}

/* A pooled connection that closes after the idle check and before the
 * request is written (the server restarted at that moment): the first write
 * fails with no byte taken, so the call cannot have run, and the pool makes
 * it on a new connection instead of failing it. To make that moment
 * certain, the pooled socket is replaced under the pool by one that is
 * quiet (passes the idle check) but refuses writes (EPIPE, nothing sent). */
static void test_unsent_call_retried(void)
{
    echo_server s;
    echo_start(&s);
    pst_pool *p = pool_at("", 2, s.port, 0);
    if (!p)
        return;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    CHECK_EQ_INT(echo_call(p, "one", &a), 0);

    int fd = pooled_fd_to(s.port);
    CHECK(fd >= 0);
    int sp[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
    CHECK(shutdown(sp[0], SHUT_WR) == 0);
    CHECK(dup2(sp[0], fd) == fd);
    close(sp[0]);

    CHECK_EQ_INT(echo_call(p, "two", &a), 0);
    CHECK_EQ_INT(atomic_load(&s.calls), 2);
    pst_pool_stats st;
    pst_pool_stats_get(p, &st);
    CHECK_EQ_INT(st.calls, 2);
    CHECK_EQ_INT(st.failures, 0);
    CHECK_EQ_INT(st.retries, 1);
    CHECK_EQ_INT(st.connects, 2);
    pst_pool_endpoint_stats es;
    CHECK_EQ_INT(pst_pool_endpoint_stats_get(p, 0, &es), 0);
    CHECK(es.up);
    CHECK_EQ_INT(es.retries, 1);
    CHECK_EQ_INT(echo_call(p, "three", &a), 0);
    CHECK_EQ_INT(atomic_load(&s.calls), 3);
    pst_arena_release(&a);
    pst_pool_free(p);
    close(sp[1]);
    es_destroy(&s);
}

/* A server that reads what one connection sends, counts the connections
 * that sent something, and closes each without a reply. */
typedef struct swallow_server {
    int fd, port;
    pthread_t thread;
    atomic_int requests;
} swallow_server;

static void *swallow_main(void *p)
{
    swallow_server *sw = p;
    for (;;) {
        int c = accept(sw->fd, NULL, NULL);
        if (c < 0)
            return NULL; /* the listener was shut down */
        char buf[256];
        ssize_t n = read(c, buf, sizeof buf);
        if (n > 0)
            atomic_fetch_add(&sw->requests, 1);
        close(c);
        if (n == 0)
            return NULL; /* the stop connection */
    }
}

static int swallow_start(swallow_server *sw)
{
    memset(sw, 0, sizeof *sw);
    sw->fd = bind_loopback(true, &sw->port);
    if (sw->fd < 0)
        return -1;
    return pthread_create(&sw->thread, NULL, swallow_main, sw);
}

static void swallow_stop(swallow_server *sw)
{
    /* One last connection that sends nothing ends the loop. */
    int c = connect_loopback(sw->port);
    shutdown(c, SHUT_WR);
    pthread_join(sw->thread, NULL);
    close(c);
    close(sw->fd);
}

/* A call whose request was written and then got no reply may have run: it
 * fails, and is not made again on the other endpoint - unless the pool was
 * told its methods are idempotent. */
static void test_written_call_not_retried(void)
{
    swallow_server sw;
    CHECK(swallow_start(&sw) == 0);
    echo_server s;
    echo_start(&s);
    pst_pool *p = pool_at(",", 2, sw.port, s.port);
    if (p) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        int rc = echo_call(p, "maybe ran", &a);
        CHECK(rc == PST_E_CLOSED || rc == -ECONNRESET);
        CHECK_EQ_INT(atomic_load(&sw.requests), 1);
        CHECK_EQ_INT(atomic_load(&s.calls), 0);
        pst_pool_stats st;
        pst_pool_stats_get(p, &st);
        CHECK_EQ_INT(st.retries, 0);
        CHECK_EQ_INT(st.failures, 1);
        pst_arena_release(&a);
        pst_pool_free(p);
    }

    char eps[128];
    snprintf(eps, sizeof eps, "127.0.0.1:%d,127.0.0.1:%d", sw.port, s.port);
    pst_pool_options o = PST_POOL_OPTIONS_INIT;
    o.endpoints = eps;
    o.framed = true;
    o.idempotent = true;
    pst_error err = { 0, "" };
    p = pst_pool_new(&o, &err);
    CHECK(p != NULL);
    if (p) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        CHECK_EQ_INT(echo_call(p, "runs twice safely", &a), 0);
        CHECK_EQ_INT(atomic_load(&sw.requests), 2);
        CHECK_EQ_INT(atomic_load(&s.calls), 1);
        pst_pool_stats st;
        pst_pool_stats_get(p, &st);
        CHECK_EQ_INT(st.calls, 1);
        CHECK_EQ_INT(st.retries, 1);
        CHECK_EQ_INT(st.failures, 0);
        pst_pool_endpoint_stats es;
        CHECK_EQ_INT(pst_pool_endpoint_stats_get(p, 0, &es), 0);
        CHECK(!es.up); /* a fresh connection failed there */
        pst_arena_release(&a);
        pst_pool_free(p);
    }
    es_destroy(&s);
    swallow_stop(&sw);
}

static void test_no_server_at_all(void)
{
    int port = unused_port();
    pst_pool *p = pool_at("", 2, port, 0);
    if (!p)
        return;
    char eps[64];
    snprintf(eps, sizeof eps, "127.0.0.1:%d", port);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    CHECK_EQ_INT(echo_call(p, "hello", &a), PST_E_UNAVAILABLE);
    CHECK_EQ_INT(pst_call_info_last()->status, PST_E_UNAVAILABLE);
    CHECK(strstr(pst_call_info_last()->error.message, eps) != NULL);
    /* In back-off now: fails fast with the same clear error. */
    CHECK_EQ_INT(echo_call(p, "hello", &a), PST_E_UNAVAILABLE);
    CHECK(strstr(pst_call_info_last()->error.message, "retry in") != NULL);
    pst_arena_release(&a);
    pst_pool_free(p);
}

static void test_bad_options(void)
{
    pst_pool_options o = PST_POOL_OPTIONS_INIT;
    pst_error err = { 0, "" };
    CHECK(pst_pool_new(&o, &err) == NULL);
    CHECK(strstr(err.message, "no endpoints") != NULL);
    pst_error_clear(&err);
    o.endpoints = " , ";
    CHECK(pst_pool_new(&o, &err) == NULL);
    CHECK(strstr(err.message, "empty") != NULL);
    pst_error_clear(&err);
    o.endpoints = "127.0.0.1:80,localhost";
    CHECK(pst_pool_new(&o, &err) == NULL);
    CHECK(strstr(err.message, "'localhost'") != NULL);
    pst_error_clear(&err);
    o.endpoints = "127.0.0.1:80";
    o.max_per_endpoint = -1;
    CHECK(pst_pool_new(&o, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);
}

/* ---- many threads, bounded connections -------------------------------------- */

enum { THREADS = 8, CALLS_PER_THREAD = 100 };

typedef struct worker {
    pst_pool *p;
    int id;
    atomic_int *bad;
} worker;

static void *pool_worker(void *arg)
{
    worker *w = arg;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int j = 0; j < CALLS_PER_THREAD; j++) {
        char msg[32];
        snprintf(msg, sizeof msg, "w%d/%d", w->id, j);
        int rc = echo_call(w->p, msg, &a);
        if (rc != 0 && atomic_fetch_add(w->bad, 1) == 0)
            fprintf(stderr, "pool call: %s: %s\n", pst_strerror_name(rc),
                    pst_call_info_last()->error.message);
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
    return NULL;
}

static void test_threads_bounded_connections(void)
{
    echo_server s1, s2;
    echo_start(&s1);
    echo_start(&s2);
    pst_pool *p = pool_at(" ", 2, s1.port, s2.port);
    if (p) {
        atomic_int bad = 0;
        pthread_t t[THREADS];
        worker w[THREADS];
        for (int i = 0; i < THREADS; i++) {
            w[i] = (worker){ p, i, &bad };
            pthread_create(&t[i], NULL, pool_worker, &w[i]);
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        CHECK_EQ_INT(atomic_load(&bad), 0);
        CHECK_EQ_INT(atomic_load(&s1.calls) + atomic_load(&s2.calls),
                     THREADS * CALLS_PER_THREAD);
        CHECK(atomic_load(&s1.calls) > 0 && atomic_load(&s2.calls) > 0);
        pst_pool_stats st;
        pst_pool_stats_get(p, &st);
        CHECK_EQ_INT(st.calls, THREADS * CALLS_PER_THREAD);
        CHECK(st.connects <= 4);      /* 2 per endpoint, never more */
        CHECK(st.connections <= 4);
        CHECK_EQ_INT(st.idle, st.connections);
        pst_pool_free(p);
    }
    es_destroy(&s1);
    es_destroy(&s2);
}

/* ---- deadlines and remote errors --------------------------------------------- */

static void test_timeout_and_exceptions(void)
{
    echo_server s;
    echo_start(&s);
    pst_pool *p = pool_at("", 1, s.port, 0);
    if (p) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("held");
        tst_Echo_echo_result res;
        pst_call_info info;
        memset(&info, 0, sizeof info);
        CHECK_EQ_INT(pst_pool_call_until(p, TST_HOLD, &args, &res, &a,
                                         pst_deadline_in_ms(100), &info),
                     PST_E_TIMEOUT);
        /* The timed-out connection is not lent again, the endpoint stays
         * up, and with max_per_endpoint 1 the next call gets a new one. */
        pst_pool_stats st;
        pst_pool_stats_get(p, &st);
        CHECK_EQ_INT(st.endpoints_up, 1);
        CHECK_EQ_INT(st.connections, 0);
        CHECK_EQ_INT(echo_call(p, "still here", &a), 0);

        tst_Echo_fail_result fr;
        args = tst_echo_args("internal");
        CHECK_EQ_INT(pst_pool_call(p, TST_FAIL, &args, &fr, &a),
                     PST_E_APP_EXCEPTION);
        const pst_app_exception *ex = pst_pool_app_exception(p);
        CHECK(ex != NULL);
        if (ex)
            CHECK_EQ_INT(ex->type, PST_APPEX_INTERNAL_ERROR);
        args = tst_echo_args("oops");
        CHECK_EQ_INT(pst_pool_call(p, TST_FAIL, &args, &fr, &a),
                     PST_E_DECLARED_EXCEPTION);
        CHECK(pst_pool_app_exception(p) == NULL);
        pst_pool_stats_get(p, &st);
        CHECK_EQ_INT(st.failures, 1);   /* only the timeout */
        CHECK_EQ_INT(st.connections, 1);
        pst_arena_release(&a);
        pst_pool_free(p);
    }
    es_destroy(&s);
}

typedef struct holder {
    pst_pool *p;
    int rc;
} holder;

static void *hold_main(void *arg)
{
    holder *h = arg;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args("hold");
    tst_Echo_echo_result res;
    h->rc = pst_pool_call_until(h->p, TST_HOLD, &args, &res, &a,
                                PST_DEADLINE_NEVER, NULL);
    pst_arena_release(&a);
    return NULL;
}

static void test_wait_for_a_free_connection(void)
{
    echo_server s;
    echo_start(&s);
    pst_pool *p = pool_at("", 1, s.port, 0);
    if (p) {
        holder h = { p, 1 };
        pthread_t t;
        pthread_create(&t, NULL, hold_main, &h);
        for (long i = 0; i < 200000000L && atomic_load(&s.holding) < 1; i++)
            sched_yield();
        /* The only connection is lent out: this call waits, then gives up. */
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("queued");
        tst_Echo_echo_result res;
        pst_call_info info;
        memset(&info, 0, sizeof info);
        CHECK_EQ_INT(pst_pool_call_until(p, TST_ECHO, &args, &res, &a,
                                         pst_deadline_in_ms(100), &info),
                     PST_E_TIMEOUT);
        CHECK(strstr(info.error.message, "came free") != NULL);
        es_open_gate(&s);
        pthread_join(t, NULL);
        CHECK_EQ_INT(h.rc, 0);
        /* Released: the connection is reused. */
        CHECK_EQ_INT(echo_call(p, "now", &a), 0);
        pst_pool_stats st;
        pst_pool_stats_get(p, &st);
        CHECK_EQ_INT(st.connects, 1);
        pst_arena_release(&a);
        pst_pool_free(p);
    }
    es_destroy(&s);
}

/* Endpoint B is in back-off and A's only connection is lent to a call the
 * server holds. A caller that must wait is woken when B's back-off ends
 * (B is reachable by then) and served by B, rather than sleeping until A's
 * connection comes back (here: never, until the wait gives up after 5 s). */
static void test_waiter_woken_when_backoff_ends(void)
{
    echo_server a, b;
    echo_start(&a);
    es_init(&b);
    int bport = unused_port();
    pst_pool *p = pool_at(",", 1, a.port, bport);
    if (!p) {
        es_destroy(&a);
        es_destroy(&b);
        return;
    }
    pst_arena ar;
    pst_arena_init(&ar, NULL, 0, 0);
    CHECK_EQ_INT(echo_call(p, "to a", &ar), 0);
    /* B refuses: down for its first back-off; the call goes to A. */
    CHECK_EQ_INT(echo_call(p, "b is down", &ar), 0);
    pst_pool_endpoint_stats es;
    CHECK_EQ_INT(pst_pool_endpoint_stats_get(p, 1, &es), 0);
    CHECK(!es.up);

    /* While B refuses, the held call can only go to A. */
    holder h = { p, 1 };
    pthread_t t;
    pthread_create(&t, NULL, hold_main, &h);
    for (long i = 0; i < 200000000L && atomic_load(&a.holding) < 1; i++)
        sched_yield();
    CHECK(es_start(&b, bport, PST_SERVER_THREADED) == 0);
    tst_Echo_echo_args args = tst_echo_args("served by b");
    tst_Echo_echo_result res;
    memset(&res, 0, sizeof res);
    pst_call_info info;
    memset(&info, 0, sizeof info);
    CHECK_EQ_INT(pst_pool_call_until(p, TST_ECHO, &args, &res, &ar,
                                     pst_deadline_in_ms(5000), &info),
                 0);
    CHECK(tst_str_eq(res.success, "served by b"));
    CHECK_EQ_INT(atomic_load(&b.calls), 1);
    CHECK_EQ_INT(pst_pool_endpoint_stats_get(p, 1, &es), 0);
    CHECK(es.up);

    es_open_gate(&a);
    pthread_join(t, NULL);
    CHECK_EQ_INT(h.rc, 0);
    pst_arena_release(&ar);
    pst_pool_free(p);
    es_destroy(&a);
    es_destroy(&b);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* writes to a closed socket fail, not kill */
    RUN(test_bad_options);
    RUN(test_no_server_at_all);
    RUN(test_round_robin_down_and_back);
    RUN(test_dead_endpoint_from_the_start);
    RUN(test_endpoint_that_hangs_up);
    RUN(test_unsent_call_retried);
    RUN(test_written_call_not_retried);
    RUN(test_threads_bounded_connections);
    RUN(test_timeout_and_exceptions);
    RUN(test_wait_for_a_free_connection);
    RUN(test_waiter_woken_when_backoff_ends);
    return test_report();
}
