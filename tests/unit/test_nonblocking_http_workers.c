/*
 * The nonblocking model's HTTP calls with workers: a Thrift-over-HTTP POST,
 * a JSON call and a JSON-RPC request run on the worker pool, as Thrift
 * calls do, while the loop keeps answering pages and other connections;
 * pipelined requests that mix pages and calls are answered in order; stop
 * while an HTTP call runs returns once it is answered.
 *
 * The handler blocks on a condition for messages that start with "BLOCK"
 * (until the test releases it), so "the loop is free while a call runs" is
 * a state the test waits for (bounded), not a timing.
 */
#include <signal.h>

#include "test_nonblocking_util.h"

/* ---- a handler that blocks until released --------------------------------- */

static pthread_mutex_t b_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t b_cv = PTHREAD_COND_INITIALIZER;
static int b_entered;            /* BLOCK calls inside the handler */
static bool b_released;

static int b_echo(pst_call *call, const t_EchoReq *req, t_Echo_echo_result *result)
{
    if (t_str_starts(req->msg, "BLOCK")) {
        pthread_mutex_lock(&b_mu);
        b_entered++;
        pthread_cond_broadcast(&b_cv);
        while (!b_released)
            pthread_cond_wait(&b_cv, &b_mu);
        pthread_mutex_unlock(&b_mu);
    }
    int rc = t_echo(call, req, result);
    /* the JSON mapping writes the fields that are set */
    pst_set_isset(&t_EchoRes_desc, &result->success, 0, true);
    return rc;
}

static const t_Echo_handler b_handler = { b_echo, t_note };
static const pst_processor b_proc = { &t_Echo_desc, &b_handler, NULL };

static void b_reset(void)
{
    pthread_mutex_lock(&b_mu);
    b_entered = 0;
    b_released = false;
    pthread_mutex_unlock(&b_mu);
}

/* Wait (at most ~5 s) until n BLOCK calls are in the handler. */
static bool b_wait_entered(int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&b_mu);
    int rc = 0;
    while (b_entered < n && rc == 0)
        rc = pthread_cond_timedwait(&b_cv, &b_mu, &until);
    bool ok = b_entered >= n;
    pthread_mutex_unlock(&b_mu);
    return ok;
}

static void b_release(void)
{
    pthread_mutex_lock(&b_mu);
    b_released = true;
    pthread_cond_broadcast(&b_cv);
    pthread_mutex_unlock(&b_mu);
}

/* ---- the server ----------------------------------------------------------- */

static int start(tserver *t, int workers)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->log.mu, NULL);
    pst_server_options opt = PST_SERVER_OPTIONS_INIT;
    opt.model = PST_SERVER_NONBLOCKING;
    opt.io_threads = 1;          /* one loop: a handler on it would stall all */
    opt.workers = workers;
    opt.port = 0;
    opt.log = t_log_fn;
    opt.log_ctx = &t->log;
    opt.log_level = PST_LOG_INFO;
    pst_error err;
    pst_error_clear(&err);
    t->s = pst_server_new(&b_proc, &opt, &err);
    if (!t->s) {
        fprintf(stderr, "pst_server_new: %s\n", err.message);
        return -1;
    }
    t->port = pst_server_port(t->s);
    if (pthread_create(&t->th, NULL, t_server_main, t) != 0) {
        pst_server_free(t->s);
        return -1;
    }
    return 0;
}

/* ---- an HTTP client connection --------------------------------------------- */

typedef struct hconn {
    int fd;
    char buf[65536];
    size_t len;
} hconn;

/* Connect with a receive timeout of `secs` (a stalled server fails the
 * test instead of hanging it). */
static int h_open(hconn *h, int port, int secs)
{
    memset(h, 0, sizeof *h);
    h->fd = t_connect_fd(port);
    if (h->fd < 0)
        return -1;
    struct timeval tv = { secs, 0 };
    setsockopt(h->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return 0;
}

static int h_send(hconn *h, const void *p, size_t n)
{
    return t_send_all(h->fd, p, n);
}

static int h_fill(hconn *h)
{
    if (h->len == sizeof h->buf)
        return -1;
    ssize_t n;
    do
        n = recv(h->fd, h->buf + h->len, sizeof h->buf - h->len, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n == 0 ? 0 : -1;
    h->len += (size_t)n;
    return 1;
}

/* Read one response (with a Content-Length body). 1: *status and the body
 * (copied to body, NUL-terminated, at most cap - 1 bytes, *blen its full
 * length); 0: the connection closed before a response; -1: error, timeout
 * or a malformed response. */
static int h_read(hconn *h, int *status, char *body, size_t cap, size_t *blen)
{
    for (;;) {
        char *end = h->len ? memmem(h->buf, h->len, "\r\n\r\n", 4) : NULL;
        if (end) {
            size_t head = (size_t)(end - h->buf) + 4;
            char *cl = memmem(h->buf, head, "Content-Length: ", 16);
            if (!cl || sscanf(h->buf, "HTTP/1.%*d %d", status) != 1)
                return -1;
            size_t n = strtoul(cl + 16, NULL, 10);
            while (h->len < head + n) {
                int rc = h_fill(h);
                if (rc <= 0)
                    return -1;
            }
            size_t k = n < cap - 1 ? n : cap - 1;
            memcpy(body, h->buf + head, k);
            body[k] = '\0';
            *blen = n;
            memmove(h->buf, h->buf + head + n, h->len - head - n);
            h->len -= head + n;
            return 1;
        }
        int rc = h_fill(h);
        if (rc <= 0)
            return rc == 0 && h->len == 0 ? 0 : -1;
    }
}

/* Read one line (JSON-RPC's responses) into line. 1, 0 at EOF, -1. */
static int h_line(hconn *h, char *line, size_t cap)
{
    for (;;) {
        char *nl = h->len ? memchr(h->buf, '\n', h->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - h->buf) + 1;
            size_t k = n < cap - 1 ? n : cap - 1;
            memcpy(line, h->buf, k);
            line[k] = '\0';
            memmove(h->buf, h->buf + n, h->len - n);
            h->len -= n;
            return 1;
        }
        int rc = h_fill(h);
        if (rc <= 0)
            return rc;
    }
}

static void h_close(hconn *h)
{
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
}

/* POST /Echo/echo with {"req":{"msg":msg}}, appended to b. */
static void json_call(tbuf *b, const char *msg, bool chunked, bool close_after)
{
    char body[256], head[512];
    int n = snprintf(body, sizeof body, "{\"req\":{\"msg\":\"%s\"}}", msg);
    if (chunked) {
        /* two chunks, so the body is decoded in place before it is run */
        int half = n / 2;
        int k = snprintf(head, sizeof head, "POST /Echo/echo HTTP/1.1\r\nHost: t\r\n"
                         "Content-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n%s\r\n%x\r\n",
                         close_after ? "Connection: close\r\n" : "", half);
        tb_put(b, head, (size_t)k);
        tb_put(b, body, (size_t)half);
        k = snprintf(head, sizeof head, "\r\n%x\r\n", n - half);
        tb_put(b, head, (size_t)k);
        tb_put(b, body + half, (size_t)(n - half));
        tb_put(b, "\r\n0\r\n\r\n", 7);
        return;
    }
    int k = snprintf(head, sizeof head, "POST /Echo/echo HTTP/1.1\r\nHost: t\r\n"
                     "Content-Type: application/json\r\n%sContent-Length: %d\r\n\r\n",
                     close_after ? "Connection: close\r\n" : "", n);
    tb_put(b, head, (size_t)k);
    tb_put(b, body, (size_t)n);
}

/* POST / with one unframed binary Echo.echo call, as Thrift's THttpClient
 * sends it, appended to b. */
static void thrift_post(tbuf *b, int32_t seqid, const char *msg)
{
    tbuf call = { 0 };
    t_encode_call(&call, P_BINARY, false, "echo", seqid, msg, strlen(msg));
    char head[256];
    int k = snprintf(head, sizeof head, "POST / HTTP/1.1\r\nHost: t\r\n"
                     "Content-Type: application/x-thrift\r\n"
                     "Content-Length: %zu\r\n\r\n", call.len);
    tb_put(b, head, (size_t)k);
    tb_put(b, call.p, call.len);
    tb_free(&call);
}

static void get(tbuf *b, const char *path)
{
    char head[256];
    int k = snprintf(head, sizeof head, "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", path);
    tb_put(b, head, (size_t)k);
}

/* The next response is a JSON call's 200 echoing msg. */
static bool read_json_echo(hconn *h, const char *msg)
{
    int status = 0;
    char body[512], want[256];
    size_t blen = 0;
    if (h_read(h, &status, body, sizeof body, &blen) != 1)
        return false;
    snprintf(want, sizeof want, "{\"msg\":\"%s\"}", msg);
    if (blen && body[blen - 1] == '\n')
        body[blen - 1] = '\0';
    if (status != 200 || strcmp(body, want) != 0) {
        fprintf(stderr, "JSON call: %d %s, want 200 %s\n", status, body, want);
        return false;
    }
    return true;
}

/* The next response is a Thrift-over-HTTP 200 with seqid's echo of msg. */
static bool read_thrift_echo(hconn *h, int32_t seqid, const char *msg)
{
    int status = 0;
    char body[512];
    size_t blen = 0;
    if (h_read(h, &status, body, sizeof body, &blen) != 1 || status != 200)
        return false;
    int32_t sq = -1;
    const uint8_t *m = NULL;
    size_t ml = 0, used = 0;
    if (t_parse_reply(P_BINARY, false, (const uint8_t *)body, blen, &sq, &m, &ml,
                      &used) != 1)
        return false;
    return sq == seqid && ml == strlen(msg) && memcmp(m, msg, ml) == 0;
}

static bool read_status(hconn *h, int want)
{
    int status = 0;
    char body[512];
    size_t blen = 0;
    return h_read(h, &status, body, sizeof body, &blen) == 1 && status == want;
}

/* ---- tests ------------------------------------------------------------------ */

/* A JSON call and a Thrift-over-HTTP call block in their handlers; the loop
 * still answers /health and a Thrift call on other connections, and the
 * page pipelined behind the JSON call waits for it. */
static void test_blocked_calls_leave_loop_free(void)
{
    b_reset();
    tserver t;
    if (start(&t, 3) < 0) {
        CHECK(!"server start");
        return;
    }
    hconn a, b, c;
    tbuf req = { 0 };
    CHECK_EQ_INT(h_open(&a, t.port, 5), 0);
    CHECK_EQ_INT(h_open(&b, t.port, 5), 0);
    CHECK_EQ_INT(h_open(&c, t.port, 5), 0);
    json_call(&req, "BLOCK-json", false, false);
    get(&req, "/health");                 /* behind the call: answered after */
    CHECK_EQ_INT(h_send(&a, req.p, req.len), 0);
    req.len = 0;
    thrift_post(&req, 41, "BLOCK-thrift");
    CHECK_EQ_INT(h_send(&b, req.p, req.len), 0);
    req.len = 0;

    /* both handlers run at once: neither is on the (one) loop thread */
    CHECK(b_wait_entered(2));
    get(&req, "/health");
    CHECK_EQ_INT(h_send(&c, req.p, req.len), 0);
    req.len = 0;
    CHECK(read_status(&c, 200));
    tconn rpc;
    CHECK_EQ_INT(t_open(&rpc, t.port, P_BINARY, true), 0);
    struct timeval tv = { 5, 0 };
    setsockopt(rpc.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK_EQ_INT(t_call(&rpc, 7, 100), 0);
    t_close(&rpc);

    b_release();
    CHECK(read_json_echo(&a, "BLOCK-json"));
    CHECK(read_status(&a, 200));          /* the page, after the call */
    CHECK(read_thrift_echo(&b, 41, "BLOCK-thrift"));
    h_close(&a);
    h_close(&b);
    h_close(&c);
    tb_free(&req);
    CHECK_EQ_INT(t_server_stop(&t, NULL), 0);
}

/* One send of pages, calls (JSON, chunked JSON, Thrift) and a 404, the last
 * one asking to close: answered in order, then closed. */
static void test_pipelined_in_order(int workers);
static void test_pipelined_no_workers(void) { test_pipelined_in_order(0); }
static void test_pipelined_workers(void) { test_pipelined_in_order(2); }

static void test_pipelined_in_order(int workers)
{
    b_reset();
    b_release();
    tserver t;
    if (start(&t, workers) < 0) {
        CHECK(!"server start");
        return;
    }
    hconn h;
    tbuf req = { 0 };
    CHECK_EQ_INT(h_open(&h, t.port, 20), 0);
    get(&req, "/health");
    json_call(&req, "one", false, false);
    get(&req, "/nope");
    thrift_post(&req, 2, "two");
    json_call(&req, "three", true, false);
    get(&req, "/health");
    thrift_post(&req, 4, "four");
    json_call(&req, "five", false, true);
    CHECK_EQ_INT(h_send(&h, req.p, req.len), 0);
    CHECK(read_status(&h, 200));
    CHECK(read_json_echo(&h, "one"));
    CHECK(read_status(&h, 404));
    CHECK(read_thrift_echo(&h, 2, "two"));
    CHECK(read_json_echo(&h, "three"));
    CHECK(read_status(&h, 200));
    CHECK(read_thrift_echo(&h, 4, "four"));
    CHECK(read_json_echo(&h, "five"));
    char body[64];
    int status;
    size_t blen;
    CHECK_EQ_INT(h_read(&h, &status, body, sizeof body, &blen), 0); /* closed */
    h_close(&h);

    /* JSON-RPC after CONNECT: pipelined requests, answered in order */
    CHECK_EQ_INT(h_open(&h, t.port, 20), 0);
    req.len = 0;
    static const char upgrade[] = "CONNECT /_json_rpc_ HTTP/1.0\n\n";
    tb_put(&req, upgrade, sizeof upgrade - 1);
    for (int id = 1; id <= 3; id++) {
        char line[160];
        int k = snprintf(line, sizeof line, "{\"method\":\"Echo.echo\",\"params\":"
                         "[{\"req\":{\"msg\":\"m%d\"}}],\"id\":%d}\n", id, id);
        tb_put(&req, line, (size_t)k);
    }
    CHECK_EQ_INT(h_send(&h, req.p, req.len), 0);
    char line[256];
    CHECK_EQ_INT(h_line(&h, line, sizeof line), 1);
    CHECK(strncmp(line, "HTTP/1.0 200 Connected to Go RPC", 32) == 0);
    CHECK_EQ_INT(h_line(&h, line, sizeof line), 1);   /* the blank line */
    for (int id = 1; id <= 3; id++) {
        char want[128];
        snprintf(want, sizeof want, "{\"id\":%d,\"result\":{\"msg\":\"m%d\"},"
                 "\"error\":null}", id, id);
        CHECK_EQ_INT(h_line(&h, line, sizeof line), 1);
        if (strncmp(line, want, strlen(want)) != 0) {
            fprintf(stderr, "JSON-RPC: got %s want %s\n", line, want);
            CHECK(!"JSON-RPC response in order");
        }
    }
    h_close(&h);
    tb_free(&req);
    CHECK_EQ_INT(t_server_stop(&t, NULL), 0);
}

/* A JSON-RPC request blocked on a worker does not stop the loop either. */
static void test_blocked_jsonrpc(void)
{
    b_reset();
    tserver t;
    if (start(&t, 2) < 0) {
        CHECK(!"server start");
        return;
    }
    hconn a, c;
    CHECK_EQ_INT(h_open(&a, t.port, 5), 0);
    CHECK_EQ_INT(h_open(&c, t.port, 5), 0);
    static const char rq[] = "CONNECT /_json_rpc_ HTTP/1.0\n\n"
        "{\"method\":\"Echo.echo\",\"params\":[{\"req\":{\"msg\":\"BLOCK\"}}],\"id\":9}";
    CHECK_EQ_INT(h_send(&a, rq, sizeof rq - 1), 0);
    CHECK(b_wait_entered(1));
    tbuf req = { 0 };
    get(&req, "/health");
    CHECK_EQ_INT(h_send(&c, req.p, req.len), 0);
    CHECK(read_status(&c, 200));
    b_release();
    char line[256];
    CHECK_EQ_INT(h_line(&a, line, sizeof line), 1);
    CHECK_EQ_INT(h_line(&a, line, sizeof line), 1);
    CHECK_EQ_INT(h_line(&a, line, sizeof line), 1);
    CHECK(strstr(line, "{\"id\":9,\"result\":{\"msg\":\"BLOCK\"}") == line);
    h_close(&a);
    h_close(&c);
    tb_free(&req);
    CHECK_EQ_INT(t_server_stop(&t, NULL), 0);
}

typedef struct joiner {
    tserver *t;
    atomic_bool joined;
} joiner;

static void *join_main(void *arg)
{
    joiner *j = arg;
    pthread_join(j->t->th, NULL);
    atomic_store(&j->joined, true);
    return NULL;
}

/* Stop while a JSON call runs on a worker: the call is answered, and run
 * returns once it was. */
static void test_stop_during_call(void)
{
    b_reset();
    tserver t;
    if (start(&t, 2) < 0) {
        CHECK(!"server start");
        return;
    }
    hconn a;
    tbuf req = { 0 };
    CHECK_EQ_INT(h_open(&a, t.port, 20), 0);
    json_call(&req, "BLOCK-stop", false, false);
    get(&req, "/health");          /* read before the stop: still answered */
    CHECK_EQ_INT(h_send(&a, req.p, req.len), 0);
    CHECK(b_wait_entered(1));
    pst_server_stop(t.s);
    joiner j = { &t, false };
    pthread_t jt;
    CHECK_EQ_INT(pthread_create(&jt, NULL, join_main, &j), 0);
    usleep(100 * 1000);            /* let the loop start stopping */
    CHECK(!atomic_load(&j.joined)); /* it waits for the call */
    b_release();
    CHECK(read_json_echo(&a, "BLOCK-stop"));
    int status = 0;                /* 200, or 503 if it saw the stop */
    char body[64];
    size_t blen;
    CHECK_EQ_INT(h_read(&a, &status, body, sizeof body, &blen), 1);
    CHECK(status == 200 || status == 503);
    for (int i = 0; i < 5000 && !atomic_load(&j.joined); i++)
        usleep(1000);
    CHECK(atomic_load(&j.joined));  /* run returned (within ~5 s) */
    pthread_join(jt, NULL);
    CHECK_EQ_INT(t.rc, 0);
    pst_server_free(t.s);
    h_close(&a);
    tb_free(&req);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    RUN(test_blocked_calls_leave_loop_free);
    RUN(test_pipelined_no_workers);
    RUN(test_pipelined_workers);
    RUN(test_blocked_jsonrpc);
    RUN(test_stop_during_call);
    return test_report();
}
