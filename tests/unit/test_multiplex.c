/* test_multiplex.c: several services on one processor ("Service:method"),
 * over binary, compact and JSON: replies name the bare method, unknown
 * services and methods get UNKNOWN_METHOD, the default service takes bare
 * names; the table's argument checks; and the client view against real
 * servers of every model, synchronous and over a pipeline. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "processor/processor_internal.h"
#include "postern/multiplex.h"
#include "postern/pipeline.h"
#include "postern/server.h"
#include "test.h"
#include "test_calc.h"

static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;

/* A second service, told apart by its answer: Base's ping, plus 1000. */
static int other_ping(pst_call *call, int32_t x, t_Base_ping_result *r)
{
    (void)call;
    r->success = x + 1000;
    return 0;
}
static const t_Base_handler other_handler = { other_ping };

static const pst_processor calc_proc = { &t_Calc_desc, &t_calc_handler, NULL };
static const pst_processor other_proc = { &t_Base_desc, &other_handler, NULL };

static pst_multiplex *table(bool with_default)
{
    pst_multiplex *mx = pst_multiplex_new();
    CHECK(mx != NULL);
    CHECK_EQ_INT(pst_multiplex_add(mx, "Calc", &calc_proc), 0);
    CHECK_EQ_INT(pst_multiplex_add(mx, "Other", &other_proc), 0);
    if (with_default)
        CHECK_EQ_INT(pst_multiplex_set_default(mx, &calc_proc), 0);
    return mx;
}

static void encode(const pst_protocol *p, pst_wbuf *w, const char *name,
                   int32_t type, int32_t seqid, const pst_struct_desc *d,
                   const void *v)
{
    pst_msg_header h = { pst_str_c(name), type, seqid };
    w->len = 0;
    CHECK_EQ_INT(p->write_message_begin(w, &h), 0);
    CHECK_EQ_INT(p->write_struct(w, d, v, &cfg), 0);
    CHECK_EQ_INT(pst_protocol_write_message_end(p, w), 0);
}

typedef struct reply {
    int rc;
    size_t len;
    pst_msg_header h;
    pst_app_exception ex;
    pst__call_report rep;
} reply;

/* Process req with proc; decode the reply's header and its exception or
 * result (rd, into result). */
static void process(const pst_processor *proc, const pst_protocol *p,
                    const pst_wbuf *req, reply *out, const pst_struct_desc *rd,
                    void *result, pst_arena *a)
{
    memset(out, 0, sizeof *out);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_error err = { 0, "" };
    out->rc = pst__process(proc, p, req->data, req->len, &w, a, &cfg, &err,
                           &out->rep);
    out->len = w.len;
    if (w.len > 0) {
        uint8_t *copy = pst_arena_dup(a, w.data, w.len);
        pst_rbuf r;
        pst_rbuf_init(&r, copy, w.len, NULL);
        CHECK_EQ_INT(p->read_message_begin(&r, &out->h, &cfg), 0);
        if (out->h.type == PST_MSG_EXCEPTION)
            CHECK_EQ_INT(p->read_struct(&r, &pst_app_exception_desc, &out->ex, a, &cfg), 0);
        else if (rd)
            CHECK_EQ_INT(p->read_struct(&r, rd, result, a, &cfg), 0);
    }
    pst_wbuf_free(&w);
}

static bool str_is(pst_str s, const char *c)
{
    return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static bool str_has(pst_str s, const char *needle)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)s.len, s.ptr ? s.ptr : "");
    bool has = strstr(buf, needle) != NULL;
    if (!has)
        fprintf(stderr, "  '%s' lacks '%s'\n", buf, needle);
    return has;
}

static const pst_protocol *const protocols[] = {
    &pst_protocol_binary, &pst_protocol_compact, &pst_protocol_json,
};

/* "Calc:add" and "Other:ping" run on their own handlers; the replies name
 * the bare methods, as Thrift's multiplexed processor's do. */
static void test_routes_by_service(void)
{
    pst_multiplex *mx = table(false);
    const pst_processor *proc = pst_multiplex_processor(mx);
    for (size_t i = 0; i < 3; i++) {
        const pst_protocol *p = protocols[i];
        pst_arena *a = pst_arena_new(0);
        pst_wbuf req;
        pst_wbuf_init(&req, 0);
        t_Calc_add_args args = { 40, 2, { 0x3 } };
        encode(p, &req, "Calc:add", PST_MSG_CALL, 5, &t_Calc_add_args_desc, &args);
        reply r;
        t_Calc_add_result res;
        process(proc, p, &req, &r, &t_Calc_add_result_desc, &res, a);
        CHECK_EQ_INT(r.rc, 0);
        CHECK_EQ_INT(r.h.type, PST_MSG_REPLY);
        CHECK_EQ_INT(r.h.seqid, 5);
        CHECK(str_is(r.h.name, "add"));
        CHECK_EQ_INT(res.success, 42);
        CHECK(r.rep.method == &t_Calc_methods[T_ADD]);
        CHECK_EQ_INT(r.rep.outcome, PST__OUTCOME_OK);

        /* The same method name in two services: each its own handler. */
        t_Base_ping_args pa = { 7, { 0x1 } };
        t_Base_ping_result pr;
        encode(p, &req, "Other:ping", PST_MSG_CALL, 6, &t_Base_ping_args_desc, &pa);
        process(proc, p, &req, &r, &t_Base_ping_result_desc, &pr, a);
        CHECK_EQ_INT(r.h.type, PST_MSG_REPLY);
        CHECK(str_is(r.h.name, "ping"));
        CHECK_EQ_INT(pr.success, 1007);
        encode(p, &req, "Calc:ping", PST_MSG_CALL, 7, &t_Base_ping_args_desc, &pa);
        process(proc, p, &req, &r, &t_Base_ping_result_desc, &pr, a);
        CHECK_EQ_INT(pr.success, 7); /* through Calc's `extends` */

        /* Errors inside a service name the bare method too. */
        t_Calc_fail_args fa = { PST_STR("why"), { 0x1 } };
        encode(p, &req, "Calc:fail", PST_MSG_CALL, 8, &t_Calc_fail_args_desc, &fa);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
        CHECK(str_is(r.h.name, "fail"));
        CHECK_EQ_INT(r.ex.type, PST_APPEX_INTERNAL_ERROR);

        /* A oneway call runs and is not answered. */
        int before = atomic_load(&t_note_calls);
        t_Calc_note_args na = { 3, { 0x1 } };
        encode(p, &req, "Calc:note", PST_MSG_ONEWAY, 9, &t_Calc_note_args_desc, &na);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.rc, 0);
        CHECK_EQ_INT(r.len, 0);
        CHECK_EQ_INT(atomic_load(&t_note_calls), before + 1);
        pst_wbuf_free(&req);
        pst_arena_free(a);
    }
    pst_multiplex_free(mx);
}

/* Unknown service, unknown method of a known service, bare name without
 * a default: UNKNOWN_METHOD saying which, the connection's next message
 * unaffected (rc 0). Oneway: nothing. */
static void test_unknown(void)
{
    pst_multiplex *mx = table(false);
    const pst_processor *proc = pst_multiplex_processor(mx);
    for (size_t i = 0; i < 3; i++) {
        const pst_protocol *p = protocols[i];
        pst_arena *a = pst_arena_new(0);
        pst_wbuf req;
        pst_wbuf_init(&req, 0);
        t_Calc_add_args args = { 1, 2, { 0x3 } };
        reply r;

        encode(p, &req, "Nope:add", PST_MSG_CALL, 11, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.rc, 0);
        CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
        CHECK_EQ_INT(r.h.seqid, 11);
        CHECK(str_is(r.h.name, "Nope:add"));
        CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
        CHECK(str_has(r.ex.message, "Unknown service: 'Nope'"));
        CHECK(r.rep.method == NULL);

        encode(p, &req, "Calc:nope", PST_MSG_CALL, 12, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
        CHECK(str_is(r.h.name, "nope"));
        CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
        CHECK(str_is(r.ex.message, "Invalid method name: 'nope'"));

        encode(p, &req, "add", PST_MSG_CALL, 13, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
        CHECK(str_is(r.h.name, "add"));
        CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
        CHECK(str_has(r.ex.message, "no default"));

        /* Empty service name and empty method: still just unknown. */
        encode(p, &req, ":add", PST_MSG_CALL, 14, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
        encode(p, &req, "Calc:", PST_MSG_CALL, 15, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
        /* Split at the first ':' (as Python's and Go's processors do). */
        encode(p, &req, "Calc:add:x", PST_MSG_CALL, 16, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
        CHECK(str_is(r.h.name, "add:x"));

        encode(p, &req, "Nope:add", PST_MSG_ONEWAY, 17, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.rc, 0);
        CHECK_EQ_INT(r.len, 0);

        /* Arguments that do not decode: PROTOCOL_ERROR for the bare name. */
        t_Calc_echo_args ea = { PST_STR("not an i32"), { 0x1 } };
        encode(p, &req, "Other:ping", PST_MSG_CALL, 18, &t_Calc_echo_args_desc, &ea);
        /* field 1 is a string where ping wants an i32: skipped, so the
         * call runs with x unset; still a REPLY named "ping" */
        t_Base_ping_result pr;
        process(proc, p, &req, &r, &t_Base_ping_result_desc, &pr, a);
        CHECK_EQ_INT(r.h.type, PST_MSG_REPLY);
        CHECK(str_is(r.h.name, "ping"));
        req.len = req.len > 4 ? req.len - 2 : req.len; /* truncated */
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
        CHECK(str_is(r.h.name, "ping"));
        CHECK_EQ_INT(r.ex.type, PST_APPEX_PROTOCOL_ERROR);
        pst_wbuf_free(&req);
        pst_arena_free(a);
    }
    pst_multiplex_free(mx);
}

/* With a default, bare names run on it, on the single-service path (the
 * report names the method, so /metrics counts it). */
static void test_default_service(void)
{
    pst_multiplex *mx = table(true);
    const pst_processor *proc = pst_multiplex_processor(mx);
    CHECK_EQ_INT(strcmp(proc->service->name, "multiplexed"), 0);
    CHECK(proc->service->base == &t_Calc_desc);
    for (size_t i = 0; i < 3; i++) {
        const pst_protocol *p = protocols[i];
        pst_arena *a = pst_arena_new(0);
        pst_wbuf req;
        pst_wbuf_init(&req, 0);
        t_Calc_add_args args = { 20, 3, { 0x3 } };
        encode(p, &req, "add", PST_MSG_CALL, 21, &t_Calc_add_args_desc, &args);
        reply r;
        t_Calc_add_result res;
        process(proc, p, &req, &r, &t_Calc_add_result_desc, &res, a);
        CHECK_EQ_INT(r.h.type, PST_MSG_REPLY);
        CHECK(str_is(r.h.name, "add"));
        CHECK_EQ_INT(res.success, 23);
        CHECK(r.rep.method == &t_Calc_methods[T_ADD]);
        /* a bare name the default lacks: Thrift's usual wording */
        encode(p, &req, "nope", PST_MSG_CALL, 22, &t_Calc_add_args_desc, &args);
        process(proc, p, &req, &r, NULL, NULL, a);
        CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
        CHECK(str_is(r.ex.message, "Invalid method name: 'nope'"));
        /* the named services still answer */
        t_Base_ping_args pa = { 1, { 0x1 } };
        t_Base_ping_result pr;
        encode(p, &req, "Other:ping", PST_MSG_CALL, 23, &t_Base_ping_args_desc, &pa);
        process(proc, p, &req, &r, &t_Base_ping_result_desc, &pr, a);
        CHECK_EQ_INT(pr.success, 1001);
        pst_wbuf_free(&req);
        pst_arena_free(a);
    }
    /* The default can be removed again. */
    CHECK_EQ_INT(pst_multiplex_set_default(mx, NULL), 0);
    CHECK(proc->service->base == NULL);
    pst_multiplex_free(mx);
}

static void test_table_arguments(void)
{
    pst_multiplex *mx = pst_multiplex_new();
    pst_processor no_service = { NULL, &t_calc_handler, NULL };
    CHECK_EQ_INT(pst_multiplex_add(mx, "Calc", &calc_proc), 0);
    CHECK_EQ_INT(pst_multiplex_add(mx, "Calc", &other_proc), PST_E_INVALID);
    CHECK_EQ_INT(pst_multiplex_add(mx, "", &calc_proc), PST_E_INVALID);
    CHECK_EQ_INT(pst_multiplex_add(mx, "a:b", &calc_proc), PST_E_INVALID);
    CHECK_EQ_INT(pst_multiplex_add(mx, NULL, &calc_proc), PST_E_INVALID);
    CHECK_EQ_INT(pst_multiplex_add(mx, "X", NULL), PST_E_INVALID);
    CHECK_EQ_INT(pst_multiplex_add(mx, "X", &no_service), PST_E_INVALID);
    CHECK_EQ_INT(pst_multiplex_set_default(mx, &no_service), PST_E_INVALID);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK_EQ_INT(pst_multiplex_add(mx, longname, &calc_proc), PST_E_INVALID);
    /* many services: the table grows */
    char name[16];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "S%d", i);
        CHECK_EQ_INT(pst_multiplex_add(mx, name, &other_proc), 0);
    }
    CHECK(pst_multiplex_find(mx, "S39", 3) != NULL);
    CHECK(pst_multiplex_find(mx, "S4", 2) != NULL);
    CHECK(pst_multiplex_find(mx, "S40", 3) == NULL);
    CHECK(pst_multiplex_find(mx, "Calc", 4)->handler == &t_calc_handler);
    pst_multiplex_free(mx);
    pst_multiplex_free(NULL);
    CHECK(pst_client_multiplexed(NULL, "Calc") == NULL);
}

/* ---- the client view against real servers -------------------------------- */

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

static int call_add(pst_client *c, int32_t a, int32_t b, int32_t *sum)
{
    t_Calc_add_args args = { a, b, { 0x3 } };
    t_Calc_add_result res;
    int rc = pst_client_call(c, &t_Calc_methods[T_ADD], &args, &res, NULL);
    *sum = res.success;
    return rc;
}

static int call_ping(pst_client *c, int32_t x, int32_t *out)
{
    t_Base_ping_args args = { x, { 0x1 } };
    t_Base_ping_result res;
    int rc = pst_client_call(c, &t_Base_methods[0], &args, &res, NULL);
    *out = res.success;
    return rc;
}

/* Calls through views for two services, and a bare call, on one client. */
static void exercise(pst_client *inner, const char *what)
{
    pst_client *calc = pst_client_multiplexed(inner, "Calc");
    pst_client *other = pst_client_multiplexed(inner, "Other");
    pst_client *nope = pst_client_multiplexed(inner, "Nope");
    CHECK(calc && other && nope);
    int32_t v = 0;
    for (int i = 0; i < 3; i++) { /* later calls reuse the prefixed names */
        CHECK_EQ_INT(call_add(calc, 30, i, &v), 0);
        CHECK_EQ_INT(v, 30 + i);
        CHECK_EQ_INT(call_ping(other, i, &v), 0);
        CHECK_EQ_INT(v, 1000 + i);
        CHECK_EQ_INT(call_ping(calc, i, &v), 0);
        CHECK_EQ_INT(v, i);
    }
    /* the default service takes the bare name */
    CHECK_EQ_INT(call_add(inner, 1, 1, &v), 0);
    CHECK_EQ_INT(v, 2);
    /* an unknown service: the server's exception, the connection intact */
    CHECK_EQ_INT(call_add(nope, 1, 1, &v), PST_E_APP_EXCEPTION);
    const pst_app_exception *ex = pst_client_app_exception(nope);
    CHECK(ex != NULL && ex->type == PST_APPEX_UNKNOWN_METHOD);
    CHECK(ex && str_has(ex->message, "Nope"));
    CHECK(!pst_client_broken(nope));
    CHECK_EQ_INT(call_add(calc, 2, 2, &v), 0);
    CHECK_EQ_INT(v, 4);
    if (pst_client_error(calc)->code != 0)
        fprintf(stderr, "  %s: %s\n", what, pst_client_error(calc)->message);
    pst_client_free(nope);
    pst_client_free(other);
    pst_client_free(calc);
}

static void test_client_view_every_model(void)
{
    static const pst_server_model models[] = {
        PST_SERVER_SIMPLE, PST_SERVER_THREADED, PST_SERVER_POOL,
        PST_SERVER_NONBLOCKING,
    };
    pst_multiplex *mx = table(true);
    for (size_t mi = 0; mi < sizeof models / sizeof models[0]; mi++) {
        for (size_t pi = 0; pi < 3; pi++) {
            pst_server_options o = PST_SERVER_OPTIONS_INIT;
            o.model = models[mi];
            o.workers = 2;
            o.io_threads = 1;
            running r = { 0 };
            pst_error err = { 0, "" };
            r.s = pst_server_new(pst_multiplex_processor(mx), &o, &err);
            CHECK(r.s != NULL);
            if (!r.s) {
                fprintf(stderr, "  pst_server_new: %s\n", err.message);
                continue;
            }
            pthread_create(&r.thread, NULL, run_main, &r);
            int port = pst_server_port(r.s);
            char what[64];
            snprintf(what, sizeof what, "model %zu, %s", mi, protocols[pi]->name);

            pst_client_options co = PST_CLIENT_OPTIONS_INIT;
            co.protocol = protocols[pi];
            co.framed = pi == 1;
            co.recv_timeout_ms = 10000;
            pst_client *c = pst_client_connect("127.0.0.1", port, &co, &err);
            CHECK(c != NULL);
            if (c) {
                exercise(c, what);
                pst_client_free(c);
            }

            pst_pipeline_options po = PST_PIPELINE_OPTIONS_INIT;
            po.protocol = protocols[pi];
            po.framed = pi != 1;
            po.call_timeout_ms = 10000;
            char ep[32];
            snprintf(ep, sizeof ep, "127.0.0.1:%d", port);
            pst_pipeline *pl = pst_pipeline_connect(ep, &po, &err);
            CHECK(pl != NULL);
            if (pl) {
                pst_client *pc = pst_pipeline_as_client(pl);
                exercise(pc, what);
                pst_client_free(pc);
                pst_pipeline_free(pl);
            }
            pst_server_stop(r.s);
            pthread_join(r.thread, NULL);
            CHECK_EQ_INT(r.rc, 0);
            pst_server_free(r.s);
        }
    }
    pst_multiplex_free(mx);
}

/* One view over a pipeline, shared by several threads: each method's
 * prefixed name is made once, whoever calls it first. */
typedef struct sharer {
    pst_client *view;
    int id, failures;
} sharer;

static void *share_main(void *p)
{
    sharer *sh = p;
    for (int i = 0; i < 50; i++) {
        int32_t v = 0;
        if (i % 2 ? call_ping(sh->view, i, &v) != 0 || v != i
                  : call_add(sh->view, sh->id, i, &v) != 0 || v != sh->id + i)
            sh->failures++;
    }
    return NULL;
}

static void test_client_view_shared_by_threads(void)
{
    pst_multiplex *mx = table(false);
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = PST_SERVER_NONBLOCKING;
    o.io_threads = 1;
    running r = { 0 };
    pst_error err = { 0, "" };
    r.s = pst_server_new(pst_multiplex_processor(mx), &o, &err);
    CHECK(r.s != NULL);
    if (!r.s) {
        pst_multiplex_free(mx);
        return;
    }
    pthread_create(&r.thread, NULL, run_main, &r);
    char ep[32];
    snprintf(ep, sizeof ep, "127.0.0.1:%d", pst_server_port(r.s));
    pst_pipeline_options po = PST_PIPELINE_OPTIONS_INIT;
    po.call_timeout_ms = 10000;
    pst_pipeline *pl = pst_pipeline_connect(ep, &po, &err);
    CHECK(pl != NULL);
    if (pl) {
        pst_client *pc = pst_pipeline_as_client(pl);
        pst_client *view = pst_client_multiplexed(pc, "Calc");
        sharer sh[4];
        pthread_t th[4];
        for (int i = 0; i < 4; i++) {
            sh[i] = (sharer){ view, 100 * i, 0 };
            pthread_create(&th[i], NULL, share_main, &sh[i]);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            CHECK_EQ_INT(sh[i].failures, 0);
        }
        pst_client_free(view);
        pst_client_free(pc);
        pst_pipeline_free(pl);
    }
    pst_server_stop(r.s);
    pthread_join(r.thread, NULL);
    pst_server_free(r.s);
    pst_multiplex_free(mx);
}

int main(void)
{
    RUN(test_routes_by_service);
    RUN(test_unknown);
    RUN(test_default_service);
    RUN(test_table_arguments);
    RUN(test_client_view_every_model);
    RUN(test_client_view_shared_by_threads);
    return test_report();
}
