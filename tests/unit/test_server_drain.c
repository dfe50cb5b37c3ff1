/* test_server_drain.c: /health follows the server's state in every model:
 * 200 while serving, 503 while the application says it is not ready, 503
 * at once after pst_server_drain while calls are still answered, and the
 * server stops by itself after drain_ms. */
#include <netinet/in.h>
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
#include "test_http_peer.h"

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };

typedef struct running {
    pst_server *s;
    pthread_t thread;
    int rc;
    int done; /* guarded by mu */
    pthread_mutex_t mu;
} running;

static void *run_main(void *p)
{
    running *r = p;
    int rc = pst_server_run(r->s);
    pthread_mutex_lock(&r->mu);
    r->rc = rc;
    r->done = 1;
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static bool is_done(running *r)
{
    pthread_mutex_lock(&r->mu);
    bool d = r->done;
    pthread_mutex_unlock(&r->mu);
    return d;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* GET /health: the status code, or -1 when none came. */
static int health(int port)
{
    int st = tst_http_status(port, "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    return st ? st : -1;
}

static int32_t add(int port)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.recv_timeout_ms = 5000;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", port, &o, &err);
    if (!c)
        return -1;
    t_Calc_add_args args = { 20, 22, { 0x3 } };
    t_Calc_add_result res;
    memset(&res, 0, sizeof res);
    int rc = pst_client_call(c, &t_Calc_methods[0], &args, &res, NULL);
    pst_client_free(c);
    return rc == 0 ? res.success : -1;
}

static void drain_model(pst_server_model model)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    o.drain_ms = 400;
    o.log = tst_quiet_log;
    pst_error err = { 0, "" };
    running r = { 0 };
    pthread_mutex_init(&r.mu, NULL);
    r.s = pst_server_new(&proc, &o, &err);
    CHECK(r.s != NULL);
    if (!r.s)
        return;
    int port = pst_server_port(r.s);
    pthread_create(&r.thread, NULL, run_main, &r);

    CHECK_EQ_INT(health(port), 200);
    pst_server_set_ready(r.s, false);
    CHECK_EQ_INT(health(port), 503);
    pst_server_set_ready(r.s, true);
    CHECK_EQ_INT(health(port), 200);

    int64_t t0 = now_ms();
    pst_server_drain(r.s);
    CHECK_EQ_INT(health(port), 503);
    CHECK_EQ_INT(add(port), 42);      /* still serving calls */
    CHECK(!is_done(&r) || now_ms() - t0 >= 400);
    /* then it stops by itself (bounded: a hang fails here) */
    while (!is_done(&r) && now_ms() - t0 < 10000)
        usleep(10000);
    CHECK(is_done(&r));
    CHECK(now_ms() - t0 >= 400);
    pthread_join(r.thread, NULL);
    CHECK_EQ_INT(r.rc, 0);
    pst_server_free(r.s);
    pthread_mutex_destroy(&r.mu);
}

static void test_drain_simple(void) { drain_model(PST_SERVER_SIMPLE); }
static void test_drain_threaded(void) { drain_model(PST_SERVER_THREADED); }
static void test_drain_pool(void) { drain_model(PST_SERVER_POOL); }
static void test_drain_nonblocking(void) { drain_model(PST_SERVER_NONBLOCKING); }

int main(void)
{
    RUN(test_drain_simple);
    RUN(test_drain_threaded);
    RUN(test_drain_pool);
    RUN(test_drain_nonblocking);
    return test_report();
}
