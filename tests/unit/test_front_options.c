/* test_front_options.c: each kind of HTTP traffic can be switched off, the
 * pages limited to some peer networks or moved to an admin port, and CORS
 * answered only for allowed origins; in a thread-based and the nonblocking
 * model (the admin port in all four). */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

typedef struct running {
    pst_server *s;
    pthread_t th;
    int port;
} running;

static void start(running *r, pst_server_model m, pst_server_options *o)
{
    o->model = m;
    o->log = tst_quiet_log;
    pst_error err = { 0, "" };
    r->s = pst_server_new(&proc, o, &err);
    CHECK(r->s != NULL);
    if (!r->s)
        exit(1);
    r->port = pst_server_port(r->s);
    pthread_create(&r->th, NULL, run_main, r->s);
}

static void finish(running *r)
{
    pst_server_stop(r->s);
    pthread_join(r->th, NULL);
    pst_server_free(r->s);
}

static const char get_health[] = "GET /health HTTP/1.0\r\n\r\n";
static const char post_json[] =
    "POST /Calc/add HTTP/1.0\r\nContent-Length: 14\r\n\r\n{\"a\":2,\"b\":3}\n";
static const char connect_thrift[] = "CONNECT /_thrift_rpc_ HTTP/1.0\n\n";
static const char connect_json[] = "CONNECT /_json_rpc_ HTTP/1.0\n\n";
/* Calc.add(2, 3) as a binary message: what THttpClient would POST */
static const uint8_t add_call[] = {
    0x80, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 'a', 'd', 'd', 0x00, 0x00, 0x00, 0x01,
    0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00,
};

static int post_thrift(int port)
{
    char req[512], buf[4096];
    int n = snprintf(req, sizeof req, "POST / HTTP/1.0\r\nContent-Type: "
                                      "application/x-thrift\r\nContent-Length: %zu\r\n\r\n",
                     sizeof add_call);
    memcpy(req + n, add_call, sizeof add_call);
    size_t got = tst_http_exchange(port, req, (size_t)n + sizeof add_call, buf, sizeof buf, 2);
    return got > 12 ? atoi(buf + 9) : 0;
}

static void all_on(pst_server_model m)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    running r;
    start(&r, m, &o);
    CHECK_EQ_INT(tst_http_status(r.port, get_health), 200);
    CHECK_EQ_INT(tst_http_status(r.port, post_json), 200);
    CHECK_EQ_INT(post_thrift(r.port), 200);
    char buf[256];
    tst_http_exchange(r.port, connect_thrift, strlen(connect_thrift), buf, sizeof buf, 2);
    CHECK(strcmp(buf, "HTTP/1.0 200 Connected to Go RPC\n\n") == 0);
    finish(&r);
}

static void each_off(pst_server_model m)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.http_off = PST_HTTP_OFF_PAGES | PST_HTTP_OFF_JSON | PST_HTTP_OFF_THRIFT |
                 PST_HTTP_OFF_CONNECT;
    running r;
    start(&r, m, &o);
    CHECK_EQ_INT(tst_http_status(r.port, get_health), 404);
    CHECK_EQ_INT(tst_http_status(r.port, post_json), 404);
    CHECK_EQ_INT(post_thrift(r.port), 404);
    CHECK_EQ_INT(tst_http_status(r.port, connect_thrift), 404);
    CHECK_EQ_INT(tst_http_status(r.port, connect_json), 404);
    finish(&r);

    o = (pst_server_options)PST_SERVER_OPTIONS_INIT;
    o.http_off = PST_HTTP_OFF_ALL;
    start(&r, m, &o);
    char buf[256];
    CHECK_EQ_INT(tst_http_exchange(r.port, get_health, strlen(get_health), buf, sizeof buf, 2), 0);
    finish(&r);
}

static void pages_allow(pst_server_model m)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.pages_allow = "10.0.0.0/8, ::1";
    running r;
    start(&r, m, &o);
    CHECK_EQ_INT(tst_http_status(r.port, get_health), 403);
    CHECK_EQ_INT(tst_http_status(r.port, post_json), 200); /* calls are not pages */
    finish(&r);
    o.pages_allow = "10.0.0.0/8, 127.0.0.0/8";
    start(&r, m, &o);
    CHECK_EQ_INT(tst_http_status(r.port, get_health), 200);
    finish(&r);
}

static void cors(pst_server_model m)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.cors_origins = "https://good.example";
    running r;
    start(&r, m, &o);
    char buf[4096];
    const char *pre = "OPTIONS /Calc/add HTTP/1.0\r\nOrigin: https://good.example\r\n\r\n";
    tst_http_exchange(r.port, pre, strlen(pre), buf, sizeof buf, 2);
    CHECK(strncmp(buf, "HTTP/1.1 204 ", 13) == 0);
    CHECK(strstr(buf, "Access-Control-Allow-Origin: https://good.example\r\n") != NULL);
    CHECK(strstr(buf, "Access-Control-Allow-Methods: ") != NULL);
    CHECK_EQ_INT(tst_http_status(r.port, "OPTIONS /Calc/add HTTP/1.0\r\nOrigin: https://bad.example\r\n\r\n"),
                 403);
    /* the call itself carries the header for an allowed origin only */
    const char *call = "POST /Calc/add HTTP/1.0\r\nOrigin: https://good.example\r\n"
                       "Content-Length: 13\r\n\r\n{\"a\":2,\"b\":3}";
    tst_http_exchange(r.port, call, strlen(call), buf, sizeof buf, 2);
    CHECK(strncmp(buf, "HTTP/1.1 200 ", 13) == 0);
    CHECK(strstr(buf, "Access-Control-Allow-Origin: https://good.example\r\n") != NULL);
    const char *other = "POST /Calc/add HTTP/1.0\r\nOrigin: https://bad.example\r\n"
                        "Content-Length: 13\r\n\r\n{\"a\":2,\"b\":3}";
    tst_http_exchange(r.port, other, strlen(other), buf, sizeof buf, 2);
    CHECK(strncmp(buf, "HTTP/1.1 200 ", 13) == 0);
    CHECK(strstr(buf, "Access-Control-Allow-Origin") == NULL);
    finish(&r);
}

static void admin_port(pst_server_model m)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.admin_port = PST_ADMIN_PORT_ANY;
    running r;
    start(&r, m, &o);
    int admin = pst_server_admin_port(r.s);
    CHECK(admin > 0 && admin != r.port);
    CHECK_EQ_INT(tst_http_status(r.port, get_health), 404);      /* moved */
    CHECK_EQ_INT(tst_http_status(admin, get_health), 200);
    CHECK_EQ_INT(tst_http_status(admin, "GET /metrics HTTP/1.0\r\n\r\n"), 200);
    CHECK_EQ_INT(tst_http_status(r.port, post_json), 200);       /* calls stay */
    CHECK_EQ_INT(post_thrift(r.port), 200);
    finish(&r);
    /* stopped: both ports refuse */
    CHECK_EQ_INT(tst_http_status(admin, get_health), 0);

    pst_server_options none = PST_SERVER_OPTIONS_INIT;
    start(&r, m, &none);
    CHECK_EQ_INT(pst_server_admin_port(r.s), 0);
    finish(&r);

    pst_server_options bad = PST_SERVER_OPTIONS_INIT;
    bad.admin_port = 70000;
    bad.log = tst_quiet_log;
    pst_error err = { 0, "" };
    CHECK(pst_server_new(&proc, &bad, &err) == NULL);
    CHECK(strstr(err.message, "admin_port 70000") != NULL);
}

/* A client that sends part of a request head and then nothing: closed by
 * the HTTP request timeout (no read timeout is set). */
static void slow_header(pst_server_model m)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.http_request_timeout_ms = 300;
    running r;
    start(&r, m, &o);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)r.port);
    struct timeval tv = { 10, 0 }; /* a bound for a hang, not a speed */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
    static const char part[] = "GET /health HTTP/1.1\r\nHost: x\r\n";
    CHECK(write(fd, part, sizeof part - 1) == (ssize_t)(sizeof part - 1));
    char buf[64];
    CHECK_EQ_INT(read(fd, buf, sizeof buf), 0); /* the server closed */
    close(fd);
    CHECK_EQ_INT(tst_http_status(r.port, get_health), 200); /* others carry on */
    finish(&r);
}

static void test_threaded(void)
{
    all_on(PST_SERVER_THREADED);
    each_off(PST_SERVER_THREADED);
    pages_allow(PST_SERVER_THREADED);
    cors(PST_SERVER_THREADED);
    admin_port(PST_SERVER_THREADED);
    slow_header(PST_SERVER_THREADED);
    admin_port(PST_SERVER_POOL);
    admin_port(PST_SERVER_SIMPLE);
}

static void test_nonblocking(void)
{
    all_on(PST_SERVER_NONBLOCKING);
    each_off(PST_SERVER_NONBLOCKING);
    pages_allow(PST_SERVER_NONBLOCKING);
    cors(PST_SERVER_NONBLOCKING);
    admin_port(PST_SERVER_NONBLOCKING);
    slow_header(PST_SERVER_NONBLOCKING);
}

int main(void)
{
    RUN(test_threaded);
    RUN(test_nonblocking);
    return test_report();
}
