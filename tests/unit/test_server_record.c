/*
 * test_server_record.c: pst_server_options.record_path. Servers of every
 * model (blocking ones, nonblocking with handlers on the loop and on
 * workers) record each request and reply of two connections (binary
 * framed, compact unframed); the log reads back with every call once, in
 * each connection's order, replies after their requests with the same
 * seqid, one connection id per connection, the right protocol; oneway
 * calls without a reply. A log that cannot be opened fails
 * pst_server_new with the path in the message.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "postern/client.h"
#include "postern/file.h"
#include "postern/server.h"
#include "test.h"
#include "test_calc.h"

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };

typedef struct running {
    pst_server *s;
    pthread_t thread;
    int rc;
} running;

static void *run_main(void *p)
{
    running *r = p;
    r->rc = pst_server_run(r->s);
    return NULL;
}

static pst_client *connect_to(pst_server *s, const pst_protocol *p, bool framed)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.protocol = p;
    o.framed = framed;
    o.recv_timeout_ms = 20000;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", pst_server_port(s), &o, &err);
    CHECK(c != NULL);
    if (!c)
        fprintf(stderr, "  connect: %s\n", err.message);
    return c;
}

typedef struct seen {
    uint64_t conn;          /* the connection id of its records */
    const pst_protocol *proto;
    int requests, replies, oneways;
    int32_t pending_seqid;  /* a request waiting for its reply, or -1 */
    uint64_t last_time;
} seen;

static void record_model(pst_server_model model, int workers, const char *path)
{
    unlink(path);
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    o.workers = workers;
    o.io_threads = 2;
    o.record_path = path;
    pst_error err = { 0, "" };
    running r = { 0 };
    r.s = pst_server_new(&proc, &o, &err);
    CHECK(r.s != NULL);
    if (!r.s) {
        fprintf(stderr, "  pst_server_new: %s\n", err.message);
        return;
    }
    pthread_create(&r.thread, NULL, run_main, &r);

    pst_client *a = connect_to(r.s, &pst_protocol_binary, true);
    pst_client *b = connect_to(r.s, &pst_protocol_compact, false);
    pst_arena ar;
    pst_arena_init(&ar, NULL, 0, 0);
    for (int i = 0; a && b && i < 3; i++) {
        t_Calc_add_result ad;
        CHECK_EQ_INT(t_Calc_add(a, &ar, i, 10, &ad), 0);
        t_Calc_echo_result ec;
        CHECK_EQ_INT(t_Calc_echo(b, &ar, PST_STR("echo me"), &ec), 0);
    }
    if (a && b) {
        CHECK_EQ_INT(t_Calc_note(a, &ar, 5), 0); /* oneway: no reply */
        t_Calc_divide_result dv;
        CHECK(t_Calc_divide(b, &ar, 1, 0, &dv) <= 0); /* a declared exception */
        t_Calc_add_result ad;
        CHECK_EQ_INT(t_Calc_add(a, &ar, 1, 1, &ad), 0); /* after the oneway */
    }
    pst_client_free(a);
    pst_client_free(b);
    pst_arena_release(&ar);
    pst_server_stop(r.s);
    pthread_join(r.thread, NULL);
    CHECK_EQ_INT(r.rc, 0);
    pst_server_free(r.s);

    pst_file_reader *rd = pst_file_reader_open(path, 0, &err);
    CHECK(rd != NULL);
    if (!rd) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    seen conns[2] = { { 0, &pst_protocol_binary, 0, 0, 0, -1, 0 },
                      { 0, &pst_protocol_compact, 0, 0, 0, -1, 0 } };
    pst_file_record rec;
    int rc, ok = 1;
    while ((rc = pst_file_reader_next(rd, &rec, &err)) == 1) {
        seen *c = rec.protocol == &pst_protocol_binary ? &conns[0]
                  : rec.protocol == &pst_protocol_compact ? &conns[1]
                                                           : NULL;
        if (!c || rec.conn_id == 0) {
            ok = 0;
            continue;
        }
        if (!c->conn)
            c->conn = rec.conn_id;
        if (c->conn != rec.conn_id || rec.time_ns < c->last_time)
            ok = 0; /* one id per connection, in its order */
        c->last_time = rec.time_ns;
        pst_rbuf in;
        pst_rbuf_init(&in, rec.data, rec.len, NULL);
        pst_msg_header h;
        if (rec.protocol->read_message_begin(&in, &h, NULL) != 0) {
            ok = 0;
            continue;
        }
        if (rec.direction == PST_FILE_REQUEST) {
            if (c->pending_seqid >= 0)
                ok = 0; /* the previous call's reply is missing */
            c->requests++;
            if (h.type == PST_MSG_ONEWAY)
                c->oneways++;
            else
                c->pending_seqid = h.seqid;
        } else {
            if (h.seqid != c->pending_seqid || h.type != PST_MSG_REPLY)
                ok = 0;
            c->pending_seqid = -1;
            c->replies++;
        }
    }
    CHECK_EQ_INT(rc, 0);
    CHECK(ok);
    CHECK(conns[0].conn != 0 && conns[1].conn != 0 &&
          conns[0].conn != conns[1].conn);
    CHECK_EQ_INT(conns[0].requests, 5);
    CHECK_EQ_INT(conns[0].oneways, 1);
    CHECK_EQ_INT(conns[0].replies, 4);
    CHECK_EQ_INT(conns[1].requests, 4);
    CHECK_EQ_INT(conns[1].replies, 4);
    pst_file_reader_close(rd);
}

static char dir[] = "/tmp/pst_record_XXXXXX";

static const char *path_of(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void test_threaded(void)
{
    record_model(PST_SERVER_THREADED, 0, path_of("threaded.log"));
}
static void test_pool(void)
{
    record_model(PST_SERVER_POOL, 2, path_of("pool.log"));
}
static void test_nonblocking(void)
{
    record_model(PST_SERVER_NONBLOCKING, 0, path_of("nb.log"));
}
static void test_nonblocking_workers(void)
{
    record_model(PST_SERVER_NONBLOCKING, 2, path_of("nbw.log"));
}

static void test_unopenable_log(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.record_path = "/nonexistent-dir/calls.log";
    pst_error err = { 0, "" };
    CHECK(pst_server_new(&proc, &o, &err) == NULL);
    CHECK(strstr(err.message, "/nonexistent-dir/calls.log") != NULL);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_threaded);
    RUN(test_pool);
    RUN(test_nonblocking);
    RUN(test_nonblocking_workers);
    RUN(test_unopenable_log);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return test_report();
}
