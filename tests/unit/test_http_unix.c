/* test_http_unix.c: Thrift over HTTP on Unix domain sockets
 * (postern/http_unix.h) against postern's own server, on a path and on an
 * abstract name, in both server models: a POST per call and the CONNECT
 * upgrade go through; with the server's Thrift-over-HTTP switched off the
 * POST fails (so the calls did travel as HTTP); the request on the wire is
 * HTTP/1.1 with "Host: localhost"; bad arguments fail naming what. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "postern/http_unix.h"
#include "postern/server.h"
#include "test.h"
#include "test_calc.h"
#include "test_serve_thread.h"

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };

/* One Calc.add over HTTP on the socket: the call's status (0 on success,
 * with 42 checked). */
static int add_over(const char *sock, bool abstract, const char *url_path)
{
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.recv_timeout_ms = 10000;
    co.send_timeout_ms = 10000;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect_http_unix(sock, abstract, url_path, &co, &err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "  connect: %s\n", err.message);
        return err.code ? err.code : -1;
    }
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++) { /* keep-alive: several calls */
        t_Calc_add_args args = { 20, 22 + i, { 0x3 } };
        t_Calc_add_result res;
        rc = pst_client_call(c, &t_Calc_methods[T_ADD], &args, &res, NULL);
        if (rc == 0)
            CHECK_EQ_INT(res.success, 42 + i);
    }
    pst_client_free(c);
    return rc;
}

static void test_calls_to_postern(void)
{
    char name[80];
    snprintf(name, sizeof name, "/tmp/postern-http-unix-test.%d", (int)getpid());
    static const pst_server_model models[] = { PST_SERVER_THREADED,
                                               PST_SERVER_NONBLOCKING };
    for (int abstract = 0; abstract < 2; abstract++) {
        for (size_t mi = 0; mi < 2; mi++) {
            for (int thrift_off = 0; thrift_off < 2; thrift_off++) {
                pst_server_options o = PST_SERVER_OPTIONS_INIT;
                o.model = models[mi];
                o.io_threads = 1;
                o.unix_path = name;
                o.unix_abstract = abstract;
                o.http_off = thrift_off ? PST_HTTP_OFF_THRIFT : 0;
                o.log_level = PST_LOG_ERROR;
                t_serving r;
                if (!t_serve_new(&r, &proc, &o))
                    return;
                int post = add_over(name, abstract, "/calc");
                bool ok = thrift_off ? post != 0 : post == 0;
                if (!thrift_off)
                    ok = add_over(name, abstract, NULL) == 0 && ok;
                /* the CONNECT upgrade, which the switch leaves on */
                ok = add_over(name, abstract, "/_thrift_rpc_") == 0 && ok;
                CHECK(ok);
                if (!ok)
                    fprintf(stderr, "  %s name, model %zu, Thrift over HTTP %s\n",
                            abstract ? "abstract" : "path", mi,
                            thrift_off ? "off" : "on");
                CHECK_EQ_INT(t_serve_end(&r), 0);
            }
        }
    }
}

/* A listener that keeps the head of the first request it gets. */
typedef struct recorder {
    int fd;
    char head[2048];
} recorder;

static void *record_main(void *p)
{
    recorder *rec = p;
    struct pollfd pfd = { rec->fd, POLLIN, 0 };
    if (poll(&pfd, 1, 10000) != 1)
        return NULL;
    int c = accept(rec->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    size_t n = 0;
    while (n + 1 < sizeof rec->head && !strstr(rec->head, "\r\n\r\n")) {
        pfd.fd = c;
        if (poll(&pfd, 1, 10000) != 1)
            break;
        ssize_t got = read(c, rec->head + n, sizeof rec->head - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
        rec->head[n] = '\0';
    }
    close(c); /* no answer: the client's call fails, the head is kept */
    return NULL;
}

static void test_request_on_the_wire(void)
{
    char name[80];
    snprintf(name, sizeof name, "postern-http-unix-wire.%d", (int)getpid());
    recorder rec = { socket(AF_UNIX, SOCK_STREAM, 0), "" };
    CHECK(rec.fd >= 0);
    struct sockaddr_un a = { 0 };
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path + 1, name, strlen(name)); /* abstract: NUL, name */
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
    CHECK_EQ_INT(bind(rec.fd, (struct sockaddr *)&a, alen), 0);
    CHECK_EQ_INT(listen(rec.fd, 1), 0);
    pthread_t th;
    pthread_create(&th, NULL, record_main, &rec);
    CHECK(add_over(name, true, "/calc") != 0);
    pthread_join(th, NULL);
    close(rec.fd);
    CHECK(t_has(rec.head, "POST /calc HTTP/1.1\r\n"));
    CHECK(t_has(rec.head, "\r\nHost: localhost\r\n"));
    CHECK(t_has(rec.head, "\r\nContent-Length: "));
}

static void test_bad_arguments(void)
{
    pst_error err = { 0, "" };
    char name[80];
    snprintf(name, sizeof name, "postern-http-unix-nobody.%d", (int)getpid());
    CHECK(pst_client_connect_http_unix(name, true, "/", NULL, &err) == NULL);
    CHECK(t_has(err.message, "unix:@postern-http-unix-nobody"));

    pst_error_clear(&err);
    CHECK(pst_client_connect_http_unix("", false, "/", NULL, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);
    CHECK(t_has(err.message, "socket path"));

    char longname[200];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    pst_error_clear(&err);
    CHECK(pst_client_connect_http_unix(longname, true, "/", NULL, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);
    CHECK(t_has(err.message, "socket name"));

    pst_error_clear(&err);
    CHECK(pst_client_connect_http_unix(name, false, "calc", NULL, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);
    CHECK(t_has(err.message, "'calc'"));

    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.proxy = "127.0.0.1:3128";
    pst_error_clear(&err);
    CHECK(pst_client_connect_http_unix(name, true, "/", &co, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);
    CHECK(t_has(err.message, "proxy"));
}

int main(void)
{
    RUN(test_calls_to_postern);
    RUN(test_request_on_the_wire);
    RUN(test_bad_arguments);
    return test_report();
}
