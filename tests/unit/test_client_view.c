/*
 * test_client_view.c: the generated stubs (echo_test.thrift), which take a
 * pst_client *, run over a pipeline and over a pool through client views,
 * against real servers; and the view contract itself with a hand-written caller table.
 */
#include <sched.h>
#include <stdio.h>

#include "postern/pool.h"
#include "test.h"
#include "test_pipeline_server.h"

/* Not a stub: hold with a deadline, through the view. */
static int hold_until(pst_client *c, pst_arena *a, const char *msg,
                      pst_deadline d)
{
    tst_Echo_echo_args args = tst_echo_args(msg);
    tst_Echo_echo_result res;
    memset(&res, 0, sizeof res);
    return pst_client_call_until(c, TST_HOLD, &args, &res, a, d);
}

static void await_holding(echo_server *es, int n)
{
    for (long i = 0; i < 200000000L && atomic_load(&es->holding) < n; i++)
        sched_yield();
}

/* What any view must do with the Echo stubs; es serves it (every call
 * reaches es). */
static void exercise_stubs(pst_client *c, echo_server *es, pst_arena *a)
{
    tst_Echo_echo_result er;
    memset(&er, 0, sizeof er);
    CHECK_EQ_INT(tst_Echo_echo(c, a, PST_STR("over a view"), &er), 0);
    CHECK(tst_str_eq(er.success, "over a view"));
    CHECK_EQ_INT(pst_client_error(c)->code, 0);
    CHECK(pst_client_app_exception(c) == NULL);

    tst_Echo_fail_result fr;
    memset(&fr, 0, sizeof fr);
    CHECK_EQ_INT(tst_Echo_fail(c, a, PST_STR("internal"), &fr),
                 PST_E_APP_EXCEPTION);
    const pst_app_exception *ex = pst_client_app_exception(c);
    CHECK(ex != NULL);
    if (ex) {
        CHECK_EQ_INT(ex->type, PST_APPEX_INTERNAL_ERROR);
        CHECK(tst_str_eq(ex->message, "the handler gave up"));
    }
    CHECK_EQ_INT(pst_client_error(c)->code, PST_E_APP_EXCEPTION);
    CHECK(strstr(pst_client_error(c)->message, "fail") != NULL);

    memset(&fr, 0, sizeof fr);
    CHECK_EQ_INT(tst_Echo_fail(c, a, PST_STR("oops"), &fr),
                 PST_E_DECLARED_EXCEPTION);
    CHECK(tst_str_eq(fr.oops.why, "because"));
    CHECK(pst_client_app_exception(c) == NULL);

    /* void, no arguments; then a oneway, seen by the server before the
     * next call on the same connection is answered. */
    tst_Echo_ping_result pr;
    CHECK_EQ_INT(tst_Echo_ping(c, a, &pr), 0);
    int poked = atomic_load(&es->poked);
    CHECK_EQ_INT(tst_Echo_poke(c, a, 7), 0);
    CHECK_EQ_INT(tst_Echo_echo(c, a, PST_STR("after poke"), &er), 0);
    CHECK_EQ_INT(atomic_load(&es->poked), poked + 7);

    /* No arena: the caller's scratch arena holds the reply. */
    memset(&er, 0, sizeof er);
    CHECK_EQ_INT(tst_Echo_echo(c, NULL, PST_STR("no arena"), &er), 0);
    CHECK(tst_str_eq(er.success, "no arena"));

    /* A view has no transport of its own. */
    CHECK(pst_client_transport(c) == NULL);
}

static pst_pipeline *connect_pipeline(echo_server *es)
{
    char ep[64];
    pst_pipeline_options o = PST_PIPELINE_OPTIONS_INIT;
    o.framed = true;
    pst_error err = { 0, "" };
    pst_pipeline *pl =
        pst_pipeline_connect(es_endpoint(es, ep, sizeof ep), &o, &err);
    if (!pl)
        fprintf(stderr, "connect %s: %s\n", ep, err.message);
    return pl;
}

/* ---- over a pipeline ------------------------------------------------------- */

static void test_view_over_pipeline(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_pipeline(&es);
    CHECK(pl != NULL);
    if (!pl) {
        es_destroy(&es);
        return;
    }
    pst_client *c = pst_pipeline_as_client(pl);
    CHECK(c != NULL);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);

    exercise_stubs(c, &es, &a);
    CHECK(!pst_client_broken(c));

    /* A deadline goes to pst_pipeline_call_until: the call times out and
     * the pipeline (unlike a synchronous client) stays usable. */
    CHECK_EQ_INT(hold_until(c, &a, "held", pst_deadline_in_ms(100)),
                 PST_E_TIMEOUT);
    CHECK_EQ_INT(pst_client_error(c)->code, PST_E_TIMEOUT);
    CHECK(strstr(pst_client_error(c)->message, "deadline") != NULL);
    CHECK(!pst_client_broken(c));
    await_holding(&es, 1);
    es_open_gate(&es);
    tst_Echo_echo_result er;
    memset(&er, 0, sizeof er);
    CHECK_EQ_INT(tst_Echo_echo(c, &a, PST_STR("after the timeout"), &er), 0);
    CHECK(tst_str_eq(er.success, "after the timeout"));
    /* With a deadline that is met, through call_until too. */
    CHECK_EQ_INT(hold_until(c, &a, "gate open", pst_deadline_in_ms(60000)), 0);
    pst_pipeline_stats st;
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.timeouts, 1);

    /* The view reports the pipeline's state. */
    pst_pipeline_close(pl);
    CHECK(pst_client_broken(c));
    CHECK_EQ_INT(tst_Echo_echo(c, &a, PST_STR("closed"), &er), PST_E_CLOSED);
    CHECK_EQ_INT(pst_client_error(c)->code, PST_E_CLOSED);

    /* Freeing the view leaves the pipeline alone (ASan would see a double
     * free or a use after free). */
    pst_client_free(c);
    CHECK(!pst_pipeline_is_open(pl));
    pst_pipeline_free(pl);
    pst_arena_release(&a);
    es_destroy(&es);
}

/* Many threads on one view over one pipeline; each sees its own outcome. */
enum { THREADS = 4, CALLS = 50 };

typedef struct worker {
    pst_client *c;
    int id;
    atomic_int *bad;
} worker;

static void *view_worker(void *arg)
{
    worker *w = arg;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int j = 0; j < CALLS; j++) {
        char msg[32];
        snprintf(msg, sizeof msg, "t%d/%d", w->id, j);
        tst_Echo_echo_result er;
        memset(&er, 0, sizeof er);
        if (tst_Echo_echo(w->c, &a, pst_str_c(msg), &er) != 0 ||
            !tst_str_eq(er.success, msg) || pst_client_error(w->c)->code != 0)
            atomic_fetch_add(w->bad, 1);
        if (j % 10 == w->id) {
            /* A failure on this thread, not seen by the others. */
            tst_Echo_fail_result fr;
            memset(&fr, 0, sizeof fr);
            if (tst_Echo_fail(w->c, &a, PST_STR("internal"), &fr) !=
                    PST_E_APP_EXCEPTION ||
                pst_client_error(w->c)->code != PST_E_APP_EXCEPTION ||
                pst_client_app_exception(w->c) == NULL)
                atomic_fetch_add(w->bad, 1);
        }
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
    return NULL;
}

static void test_view_shared_by_threads(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_pipeline(&es);
    pst_client *c = pl ? pst_pipeline_as_client(pl) : NULL;
    CHECK(c != NULL);
    if (c) {
        atomic_int bad = 0;
        pthread_t t[THREADS];
        worker w[THREADS];
        for (int i = 0; i < THREADS; i++) {
            w[i] = (worker){ c, i, &bad };
            pthread_create(&t[i], NULL, view_worker, &w[i]);
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        CHECK_EQ_INT(atomic_load(&bad), 0);
        CHECK_EQ_INT(atomic_load(&es.calls), THREADS * CALLS);
        /* This thread made no call through the view: nothing to report. */
        CHECK_EQ_INT(pst_client_error(c)->code, 0);
        CHECK(pst_client_app_exception(c) == NULL);
        pst_client_free(c);
    }
    pst_pipeline_free(pl);
    es_destroy(&es);
}

/* ---- over a pool ------------------------------------------------------------- */

static void test_view_over_pool(void)
{
    echo_server s1, s2;
    es_init(&s1);
    es_init(&s2);
    CHECK(es_start(&s1, 0, PST_SERVER_THREADED) == 0);
    CHECK(es_start(&s2, 0, PST_SERVER_THREADED) == 0);
    char eps[128];
    snprintf(eps, sizeof eps, "127.0.0.1:%d,127.0.0.1:%d", s1.port, s2.port);
    pst_pool_options o = PST_POOL_OPTIONS_INIT;
    o.endpoints = eps;
    o.framed = true;
    o.max_per_endpoint = 2;
    pst_error err = { 0, "" };
    pst_pool *p = pst_pool_new(&o, &err);
    CHECK(p != NULL);
    if (!p) {
        fprintf(stderr, "pool: %s\n", err.message);
        es_destroy(&s1);
        es_destroy(&s2);
        return;
    }
    pst_client *c = pst_pool_as_client(p);
    CHECK(c != NULL);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);

    /* Round-robin over both servers, through the stubs. */
    tst_Echo_echo_result er;
    for (int i = 0; i < 6; i++) {
        memset(&er, 0, sizeof er);
        CHECK_EQ_INT(tst_Echo_echo(c, &a, PST_STR("pooled"), &er), 0);
        CHECK(tst_str_eq(er.success, "pooled"));
    }
    CHECK_EQ_INT(atomic_load(&s1.calls), 3);
    CHECK_EQ_INT(atomic_load(&s2.calls), 3);

    /* Exceptions through the pool: which server answers does not matter
     * for these (pokes are counted where they land). */
    tst_Echo_fail_result fr;
    memset(&fr, 0, sizeof fr);
    CHECK_EQ_INT(tst_Echo_fail(c, &a, PST_STR("internal"), &fr),
                 PST_E_APP_EXCEPTION);
    CHECK(pst_client_app_exception(c) != NULL);
    CHECK_EQ_INT(pst_client_error(c)->code, PST_E_APP_EXCEPTION);
    CHECK_EQ_INT(tst_Echo_fail(c, &a, PST_STR("oops"), &fr),
                 PST_E_DECLARED_EXCEPTION);
    CHECK(pst_client_app_exception(c) == NULL);
    CHECK_EQ_INT(tst_Echo_poke(c, &a, 3), 0);
    tst_Echo_ping_result pr;
    CHECK_EQ_INT(tst_Echo_ping(c, &a, &pr), 0);
    CHECK(pst_client_transport(c) == NULL);

    /* A deadline goes to pst_pool_call_until. */
    CHECK_EQ_INT(hold_until(c, &a, "held", pst_deadline_in_ms(100)),
                 PST_E_TIMEOUT);
    CHECK_EQ_INT(pst_client_error(c)->code, PST_E_TIMEOUT);
    CHECK(!pst_client_broken(c));   /* a pool has no broken state */

    /* Every endpoint gone: the pool's clear error, through the view. */
    es_stop(&s1);
    es_stop(&s2);
    int rc = 0;
    for (int i = 0; i < 4 && rc != PST_E_UNAVAILABLE; i++)
        rc = tst_Echo_echo(c, &a, PST_STR("anyone?"), &er);
    CHECK_EQ_INT(rc, PST_E_UNAVAILABLE);
    CHECK_EQ_INT(pst_client_error(c)->code, PST_E_UNAVAILABLE);
    CHECK(strstr(pst_client_error(c)->message, "no endpoint available") !=
          NULL);
    CHECK(!pst_client_broken(c));
    CHECK(strcmp(pst_strerror(PST_E_UNAVAILABLE), "no endpoint available") ==
          0);

    pst_client_free(c);
    pst_arena_release(&a);
    pst_pool_free(p);
    es_destroy(&s1);
    es_destroy(&s2);
}

/* ---- the view contract, with a caller written by hand ------------------------ */

typedef struct counting_caller {
    int calls;
    const pst_method_desc *last_method;
    pst_error err;
} counting_caller;

static int cc_call(void *self, const pst_method_desc *m, const void *args,
                   void *result, pst_arena *a)
{
    (void)args;
    (void)a;
    counting_caller *cc = self;
    cc->calls++;
    cc->last_method = m;
    pst_error_clear(&cc->err);
    if (result && m->result == &tst_Echo_echo_result_desc) {
        tst_Echo_echo_result *r = result;
        r->success = PST_STR("canned");
        r->isset_[0] |= 1;
    }
    return 0;
}

static const pst_app_exception *cc_app_exception(const void *self)
{
    (void)self;
    return NULL;
}

static const pst_error *cc_error(const void *self)
{
    return &((const counting_caller *)self)->err;
}

static void test_hand_written_ops(void)
{
    static const pst_client_ops ops = { cc_call, cc_app_exception, cc_error,
                                        NULL, NULL };
    counting_caller cc;
    memset(&cc, 0, sizeof cc);
    pst_client *c = pst_client_view(&ops, &cc);
    CHECK(c != NULL);
    if (!c)
        return;
    tst_Echo_echo_result er;
    memset(&er, 0, sizeof er);
    CHECK_EQ_INT(tst_Echo_echo(c, NULL, PST_STR("x"), &er), 0);
    CHECK(tst_str_eq(er.success, "canned"));
    CHECK_EQ_INT(cc.calls, 1);
    CHECK(cc.last_method == TST_ECHO);
    CHECK(pst_client_error(c) == &cc.err);
    CHECK(!pst_client_broken(c));   /* no broken op: false */

    /* No call_until op: the default deadline forwards to call, a real
     * deadline cannot be honoured. */
    tst_Echo_echo_args args = tst_echo_args("y");
    CHECK_EQ_INT(pst_client_call_until(c, TST_ECHO, &args, &er, NULL,
                                       PST_DEADLINE_DEFAULT), 0);
    CHECK_EQ_INT(cc.calls, 2);
    CHECK_EQ_INT(pst_client_call_until(c, TST_ECHO, &args, &er, NULL,
                                       pst_deadline_in_ms(1000)),
                 PST_E_UNSUPPORTED);
    CHECK_EQ_INT(cc.calls, 2);
    pst_client_free(c);

    /* Tables without a required op make no view. */
    static const pst_client_ops no_call = { NULL, cc_app_exception, cc_error,
                                            NULL, NULL };
    static const pst_client_ops no_error = { cc_call, cc_app_exception, NULL,
                                             NULL, NULL };
    CHECK(pst_client_view(&no_call, &cc) == NULL);
    CHECK(pst_client_view(&no_error, &cc) == NULL);
    CHECK(pst_client_view(NULL, &cc) == NULL);
    CHECK(pst_pipeline_as_client(NULL) == NULL);
    CHECK(pst_pool_as_client(NULL) == NULL);
    pst_client_free(NULL);
}

int main(void)
{
    RUN(test_hand_written_ops);
    RUN(test_view_over_pipeline);
    RUN(test_view_shared_by_threads);
    RUN(test_view_over_pool);
    return test_report();
}
