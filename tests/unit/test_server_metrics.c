/* test_server_metrics.c: in every server model, RPC calls over binary and
 * compact, framed and not, show up in GET /metrics on the same port: per
 * method and outcome, connections by kind, bytes both ways; and with
 * metrics_off nothing is counted. */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "postern/client.h"
#include "postern/server.h"
#include "test.h"
#include "test_calc.h"
#include "test_http_peer.h"

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };

static void *run_main(void *p)
{
    pst_server_run(p);
    return NULL;
}

static void calls(int port, const pst_protocol *p, bool framed, int n)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.protocol = p;
    o.framed = framed;
    o.recv_timeout_ms = 5000;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", port, &o, &err);
    CHECK(c != NULL);
    if (!c)
        return;
    for (int i = 0; i < n; i++) {
        t_Calc_add_args args = { i, 1, { 0x3 } };
        t_Calc_add_result res;
        memset(&res, 0, sizeof res);
        CHECK_EQ_INT(pst_client_call(c, &t_Calc_methods[0], &args, &res, NULL), 0);
    }
    /* and a declared exception */
    t_Calc_divide_args d = { 1, 0, { 0x3 } };
    t_Calc_divide_result dr;
    memset(&dr, 0, sizeof dr);
    CHECK_EQ_INT(pst_client_call(c, &t_Calc_methods[2], &d, &dr, NULL),
                 PST_E_DECLARED_EXCEPTION);
    pst_client_free(c);
}

static int workers; /* NONBLOCKING: handler threads */

static void in_model(pst_server_model model, bool off)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    if (model == PST_SERVER_NONBLOCKING)
        o.workers = workers;
    o.log = tst_quiet_log;
    o.metrics_off = off;
    pst_error err = { 0, "" };
    pst_server *s = pst_server_new(&proc, &o, &err);
    CHECK(s != NULL);
    if (!s)
        return;
    int port = pst_server_port(s);
    pthread_t th;
    pthread_create(&th, NULL, run_main, s);
    calls(port, &pst_protocol_binary, true, 5);
    calls(port, &pst_protocol_compact, false, 7);
    static char page[1 << 16];
    tst_http_get(port, "/metrics", page, sizeof page);
    CHECK(strstr(page, "HTTP/1.1 200 OK\r\n") == page);
    if (off) {
        CHECK(strstr(page, "postern_calls_total{service=\"Calc\",method=\"add\",outcome=\"ok\"} 0\n"));
    } else {
        CHECK(strstr(page, "postern_calls_total{service=\"Calc\",method=\"add\",outcome=\"ok\"} 12\n"));
        CHECK(strstr(page, "postern_calls_total{service=\"Calc\",method=\"divide\",outcome=\"declared_exception\"} 2\n"));
        CHECK(strstr(page, "postern_call_duration_seconds_count{service=\"Calc\",method=\"add\"} 12\n"));
        CHECK(strstr(page, "postern_connections_accepted_total{kind=\"binary_framed\"} 1\n"));
        CHECK(strstr(page, "postern_connections_accepted_total{kind=\"compact\"} 1\n"));
        CHECK(strstr(page, "postern_connections_open{kind=\"http\"} 1\n"));
        CHECK(!strstr(page, "postern_received_bytes_total 0\n"));
        CHECK(!strstr(page, "postern_sent_bytes_total 0\n"));
    }
    pst_server_stop(s);
    pthread_join(th, NULL);
    pst_server_free(s);
}

static void test_simple(void) { in_model(PST_SERVER_SIMPLE, false); }
static void test_threaded(void) { in_model(PST_SERVER_THREADED, false); }
static void test_pool(void) { in_model(PST_SERVER_POOL, false); }
static void test_nonblocking(void) { in_model(PST_SERVER_NONBLOCKING, false); }
static void test_nonblocking_workers(void)
{
    workers = 2;
    in_model(PST_SERVER_NONBLOCKING, false);
    workers = 0;
}
static void test_metrics_off(void)
{
    in_model(PST_SERVER_THREADED, true);
    in_model(PST_SERVER_NONBLOCKING, true);
}

int main(void)
{
    RUN(test_simple);
    RUN(test_threaded);
    RUN(test_pool);
    RUN(test_nonblocking);
    RUN(test_nonblocking_workers);
    RUN(test_metrics_off);
    return test_report();
}
