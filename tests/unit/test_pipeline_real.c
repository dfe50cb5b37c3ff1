/*
 * test_pipeline_real.c: the pipelining client against a real postern
 * server: many threads on one connection, every protocol and framing, and
 * the outcomes a real processor produces.
 */
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "postern/pipeline.h"
#include "test.h"
#include "test_pipeline_server.h"

static pst_pipeline *connect_to(echo_server *es, const pst_protocol *proto,
                                bool framed)
{
    char ep[64];
    pst_pipeline_options o = PST_PIPELINE_OPTIONS_INIT;
    o.protocol = proto;
    o.framed = framed;
    pst_error err = { 0, "" };
    pst_pipeline *pl = pst_pipeline_connect(es_endpoint(es, ep, sizeof ep), &o,
                                            &err);
    if (!pl)
        fprintf(stderr, "connect %s: %s\n", ep, err.message);
    return pl;
}

enum { THREADS = 8, CALLS_PER_THREAD = 300 };

typedef struct worker {
    pst_pipeline *pl;
    int id;
    atomic_int *mismatches, *failures;
} worker;

static void *echo_worker(void *p)
{
    worker *w = p;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int j = 0; j < CALLS_PER_THREAD; j++) {
        char msg[32];
        snprintf(msg, sizeof msg, "thread %d call %d", w->id, j);
        tst_Echo_echo_args args = tst_echo_args(msg);
        tst_Echo_echo_result res;
        int rc = pst_pipeline_call(w->pl, TST_ECHO, &args, &res, &a);
        if (rc != 0) {
            if (atomic_fetch_add(w->failures, 1) == 0)
                fprintf(stderr, "call failed: %s: %s\n", pst_strerror_name(rc),
                        pst_call_info_last()->error.message);
        } else if (!tst_str_eq(res.success, msg)) {
            atomic_fetch_add(w->mismatches, 1);
        }
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
    return NULL;
}

static void test_eight_threads_one_connection(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_to(&es, NULL, true);
    CHECK(pl != NULL);
    if (pl) {
        atomic_int mismatches = 0, failures = 0;
        pthread_t t[THREADS];
        worker w[THREADS];
        for (int i = 0; i < THREADS; i++) {
            w[i] = (worker){ pl, i, &mismatches, &failures };
            pthread_create(&t[i], NULL, echo_worker, &w[i]);
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        CHECK_EQ_INT(atomic_load(&failures), 0);
        CHECK_EQ_INT(atomic_load(&mismatches), 0);
        CHECK_EQ_INT(atomic_load(&es.calls), THREADS * CALLS_PER_THREAD);
        pst_pipeline_stats st;
        pst_pipeline_stats_get(pl, &st);
        CHECK_EQ_INT(st.replies, THREADS * CALLS_PER_THREAD);
        CHECK_EQ_INT(st.pending, 0);
        pst_pipeline_free(pl);
    }
    es_destroy(&es);
}

/* Every protocol and framing the server tells apart by itself. */
static void check_protocol(echo_server *es, const pst_protocol *proto,
                           bool framed)
{
    pst_pipeline *pl = connect_to(es, proto, framed);
    CHECK(pl != NULL);
    if (!pl)
        return;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args("plain");
    tst_Echo_echo_result res;
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &res, &a), 0);
    CHECK(tst_str_eq(res.success, "plain"));

    /* A batch in flight at once, collected in another order. */
    enum { N = 5 };
    pst_pending h[N];
    char msgs[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(msgs[i], sizeof msgs[i], "batch %d", i);
        args = tst_echo_args(msgs[i]);
        CHECK_EQ_INT(pst_pipeline_send(pl, TST_ECHO, &args,
                                       PST_DEADLINE_NEVER, &h[i], NULL), 0);
    }
    for (int i = N - 1; i >= 0; i--) {
        CHECK_EQ_INT(pst_pipeline_wait(pl, h[i], &res, &a,
                                       PST_DEADLINE_NEVER, NULL), 0);
        CHECK(tst_str_eq(res.success, msgs[i]));
    }

    tst_Echo_poke_args pk = { 5, { 1 } };
    int before = atomic_load(&es->poked);
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_POKE, &pk, NULL, &a), 0);
    tst_Echo_ping_args pa;
    memset(&pa, 0, sizeof pa);
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_PING, &pa, NULL, &a), 0);
    /* The server runs a connection's requests in order: ping's reply means
     * the poke has run. */
    CHECK_EQ_INT(atomic_load(&es->poked), before + 5);
    pst_arena_release(&a);
    pst_pipeline_free(pl);
}

static void test_protocols_and_framing(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    check_protocol(&es, &pst_protocol_binary, true);
    check_protocol(&es, &pst_protocol_binary, false);
    check_protocol(&es, &pst_protocol_compact, true);
    check_protocol(&es, &pst_protocol_compact, false);
    es_destroy(&es);
}

static void test_outcomes(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_to(&es, NULL, false);
    CHECK(pl != NULL);
    if (pl) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_fail_result r;
        tst_Echo_echo_args args = tst_echo_args("internal");
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &r, &a),
                     PST_E_APP_EXCEPTION);
        const pst_app_exception *ex = pst_pipeline_app_exception(pl);
        CHECK(ex != NULL);
        if (ex)
            CHECK_EQ_INT(ex->type, PST_APPEX_INTERNAL_ERROR);

        args = tst_echo_args("oops");
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &r, &a),
                     PST_E_DECLARED_EXCEPTION);
        CHECK(tst_str_eq(r.oops.why, "because"));

        /* A postern processor marks `success` present whenever no
         * exception is set, so a handler that sets nothing still answers
         * with a (zero) result; MISSING_RESULT is for foreign servers and is
         * covered in test_pipeline.c. */
        args = tst_echo_args("nothing");
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &r, &a), 0);
        CHECK_EQ_INT(r.success.len, 0);

        args = tst_echo_args("fine");
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &r, &a), 0);
        CHECK(tst_str_eq(r.success, "fine"));
        CHECK(pst_pipeline_is_open(pl));

        /* No arena: the reply lives in the thread's scratch arena. */
        args = tst_echo_args("no arena");
        tst_Echo_echo_result er;
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &er, NULL), 0);
        CHECK(tst_str_eq(er.success, "no arena"));
        pst_arena_release(&a);
        pst_pipeline_free(pl);
    }
    es_destroy(&es);
}

/* The server stops: a waiting call fails with a transport error, later calls
 * fail at once. */
static void test_server_goes_away(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_to(&es, NULL, true);
    CHECK(pl != NULL);
    if (pl) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("before");
        tst_Echo_echo_result res;
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &res, &a), 0);
        es_stop(&es);
        int rc = pst_pipeline_call(pl, TST_ECHO, &args, &res, &a);
        CHECK(rc == PST_E_CLOSED || rc == -ECONNRESET || rc == -EPIPE);
        CHECK(!pst_pipeline_is_open(pl));
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &res, &a),
                     PST_E_CLOSED);
        pst_arena_release(&a);
        pst_pipeline_free(pl);
    }
    es_destroy(&es);
}

static void test_unix_socket(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/postern-pipeline-%d.sock", (int)getpid());
    unlink(path);
    echo_server es;
    es_init(&es);
    CHECK(es_start_at(&es, 0, path, PST_SERVER_THREADED) == 0);
    char ep[80];
    snprintf(ep, sizeof ep, "unix:%s", path);
    pst_error err = { 0, "" };
    pst_pipeline *pl = pst_pipeline_connect(ep, NULL, &err);
    CHECK(pl != NULL);
    if (pl) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("over a unix socket");
        tst_Echo_echo_result res;
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &res, &a), 0);
        CHECK(tst_str_eq(res.success, "over a unix socket"));
        pst_arena_release(&a);
        pst_pipeline_free(pl);
    } else {
        fprintf(stderr, "connect %s: %s\n", ep, err.message);
    }
    es_destroy(&es);
    unlink(path);
}

/* The per-thread outcome of a view's last call belongs to that pipeline for
 * its life: a pipeline that malloc places where a freed one was (usual
 * without ASan's quarantine) must not report the old one's error. */
static void test_call_info_not_inherited_by_address(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *a = connect_to(&es, NULL, false);
    CHECK(a != NULL);
    if (!a) {
        es_destroy(&es);
        return;
    }
    pst_client *va = pst_pipeline_as_client(a);
    pst_pipeline_close(a);
    tst_Echo_echo_args args = tst_echo_args("x");
    tst_Echo_echo_result res;
    memset(&res, 0, sizeof res);
    CHECK_EQ_INT(pst_client_call(va, TST_ECHO, &args, &res, NULL),
                 PST_E_CLOSED);
    CHECK_EQ_INT(pst_client_error(va)->code, PST_E_CLOSED);
    void *old = a;
    pst_client_free(va);
    pst_pipeline_free(a);

    pst_pipeline *b = connect_to(&es, NULL, false);
    CHECK(b != NULL);
    if (b) {
        if ((void *)b != old)
            fprintf(stderr, "  (the new pipeline is at another address)\n");
        pst_client *vb = pst_pipeline_as_client(b);
        CHECK(pst_pipeline_is_open(b));
        CHECK_EQ_INT(pst_client_error(vb)->code, 0);
        CHECK(pst_client_app_exception(vb) == NULL);
        pst_client_free(vb);
        pst_pipeline_free(b);
    }
    es_destroy(&es);
}

/* One thread sends many calls before it waits for any. The server stops
 * reading once its reply writes block (the thread-based models) or its
 * unsent output passes its limit (non-blocking), so the sender must take
 * replies while it waits to write; every call is then answered. A sender
 * stuck for 10 s is a deadlock (the watchdog closes the pipeline). */
enum { SENDS = 1500, SEND_BYTES = 16 * 1024 };

typedef struct sender {
    pst_pipeline *pl;
    int sent, answered, failed;
    atomic_bool done;
} sender;

static void *sender_main(void *p)
{
    sender *s = p;
    char *msg = malloc(SEND_BYTES + 1);
    memset(msg, 'm', SEND_BYTES);
    msg[SEND_BYTES] = '\0';
    tst_Echo_echo_args args = tst_echo_args(msg);
    pst_pending *h = calloc(SENDS, sizeof *h);
    for (; s->sent < SENDS; s->sent++)
        if (pst_pipeline_send(s->pl, TST_ECHO, &args, PST_DEADLINE_NEVER,
                              &h[s->sent], NULL) != 0)
            break;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int i = 0; i < s->sent; i++) {
        tst_Echo_echo_result res;
        memset(&res, 0, sizeof res);
        if (pst_pipeline_wait(s->pl, h[i], &res, &a, PST_DEADLINE_NEVER,
                              NULL) == 0 &&
            res.success.len == SEND_BYTES)
            s->answered++;
        else
            s->failed++;
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
    free(h);
    free(msg);
    atomic_store(&s->done, true);
    return NULL;
}

static void one_sender(pst_server_model model)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, model) == 0);
    char ep[64];
    pst_pipeline_options o = PST_PIPELINE_OPTIONS_INIT;
    o.framed = true;
    o.max_pending = SENDS;
    pst_error err = { 0, "" };
    pst_pipeline *pl = pst_pipeline_connect(es_endpoint(&es, ep, sizeof ep),
                                            &o, &err);
    CHECK(pl != NULL);
    if (pl) {
        sender s = { pl, 0, 0, 0, false };
        pthread_t t;
        pthread_create(&t, NULL, sender_main, &s);
        for (int i = 0; i < 1000 && !atomic_load(&s.done); i++)
            usleep(10000);
        bool stuck = !atomic_load(&s.done);
        CHECK(!stuck);
        if (stuck)
            pst_pipeline_close(pl);  /* fails the calls, ends the thread */
        pthread_join(t, NULL);
        CHECK_EQ_INT(s.sent, SENDS);
        CHECK_EQ_INT(s.answered, SENDS);
        CHECK_EQ_INT(s.failed, 0);
        pst_pipeline_free(pl);
    }
    es_destroy(&es);
}

static void test_one_thread_sends_many(void)
{
    one_sender(PST_SERVER_THREADED);
    one_sender(PST_SERVER_NONBLOCKING);
}

int main(void)
{
    RUN(test_eight_threads_one_connection);
    RUN(test_protocols_and_framing);
    RUN(test_outcomes);
    RUN(test_server_goes_away);
    RUN(test_unix_socket);
    RUN(test_call_info_not_inherited_by_address);
    RUN(test_one_thread_sends_many);
    return test_report();
}
