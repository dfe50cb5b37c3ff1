/*
 * test_deadline.c: per-call deadlines on the pipelining client and the
 * synchronous client against a real server whose handler does not answer
 * until the test lets it. The deadlines here are short on purpose and must
 * fire; nothing asserts how fast anything is.
 */
#include <sched.h>
#include <stdio.h>

#include "postern/pipeline.h"
#include "test.h"
#include "test_pipeline_server.h"
#include "transport/transport_internal.h"  /* to see timeouts restored */

static void await_holding(echo_server *es, int n)
{
    for (long i = 0; i < 200000000L && atomic_load(&es->holding) < n; i++)
        sched_yield();
}

static pst_pipeline *connect_to(echo_server *es, int call_timeout_ms)
{
    char ep[64];
    pst_pipeline_options o = PST_PIPELINE_OPTIONS_INIT;
    o.framed = true;
    o.call_timeout_ms = call_timeout_ms;
    pst_error err = { 0, "" };
    pst_pipeline *pl = pst_pipeline_connect(es_endpoint(es, ep, sizeof ep), &o,
                                            &err);
    if (!pl)
        fprintf(stderr, "connect %s: %s\n", ep, err.message);
    return pl;
}

/* A server that does not answer: the deadline fires, the connection stays
 * open, and once the late reply comes it is dropped, not delivered to the
 * next call. */
static void test_deadline_fires_and_connection_survives(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_to(&es, 0);
    CHECK(pl != NULL);
    if (pl) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("late");
        tst_Echo_echo_result res;
        pst_call_info info;
        memset(&info, 0, sizeof info);
        CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_HOLD, &args, &res, &a,
                                             pst_deadline_in_ms(100), &info),
                     PST_E_TIMEOUT);
        CHECK(strstr(info.error.message, "deadline") != NULL);
        CHECK(pst_pipeline_is_open(pl));
        await_holding(&es, 1);
        CHECK_EQ_INT(atomic_load(&es.holding), 1);

        /* Let the held call finish: its reply arrives ahead of the next. */
        es_open_gate(&es);
        args = tst_echo_args("next");
        memset(&res, 0, sizeof res);
        CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_ECHO, &args, &res, &a,
                                             pst_deadline_in_ms(60000), NULL),
                     0);
        CHECK(tst_str_eq(res.success, "next"));
        pst_pipeline_stats st;
        pst_pipeline_stats_get(pl, &st);
        CHECK_EQ_INT(st.timeouts, 1);
        CHECK_EQ_INT(st.late_replies, 1);
        CHECK_EQ_INT(st.pending, 0);
        pst_arena_release(&a);
        pst_pipeline_free(pl);
    }
    es_destroy(&es);
}

/* The pipeline's call_timeout_ms is the deadline of pst_pipeline_call. */
static void test_default_call_timeout(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_to(&es, 100);
    CHECK(pl != NULL);
    if (pl) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("held");
        tst_Echo_echo_result res;
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_HOLD, &args, &res, &a),
                     PST_E_TIMEOUT);
        CHECK_EQ_INT(pst_call_info_last()->status, PST_E_TIMEOUT);

        /* A second held call also times out; both replies come late. */
        CHECK_EQ_INT(pst_pipeline_call(pl, TST_HOLD, &args, &res, &a),
                     PST_E_TIMEOUT);
        es_open_gate(&es);
        args = tst_echo_args("after two");
        CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_ECHO, &args, &res, &a,
                                             PST_DEADLINE_NEVER, NULL), 0);
        CHECK(tst_str_eq(res.success, "after two"));
        pst_pipeline_stats st;
        pst_pipeline_stats_get(pl, &st);
        CHECK_EQ_INT(st.late_replies, 2);
        pst_arena_release(&a);
        pst_pipeline_free(pl);
    }
    es_destroy(&es);
}

/* Asynchronous: waiting past the deadline abandons the call; a deadline
 * that passed before the wait began still returns a reply already there. */
static void test_wait_deadlines(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_pipeline *pl = connect_to(&es, 0);
    CHECK(pl != NULL);
    if (pl) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("x");
        tst_Echo_echo_result res;
        pst_pending h;
        CHECK_EQ_INT(pst_pipeline_send(pl, TST_HOLD, &args,
                                       PST_DEADLINE_NEVER, &h, NULL), 0);
        CHECK_EQ_INT(pst_pipeline_wait(pl, h, &res, &a,
                                       pst_deadline_in_ms(50), NULL),
                     PST_E_TIMEOUT);
        /* The handle is used up: waiting again is a caller error. */
        CHECK_EQ_INT(pst_pipeline_wait(pl, h, &res, &a,
                                       pst_deadline_in_ms(50), NULL),
                     PST_E_INVALID);
        es_open_gate(&es);

        args = tst_echo_args("y");
        CHECK_EQ_INT(pst_pipeline_send(pl, TST_ECHO, &args,
                                       PST_DEADLINE_NEVER, &h, NULL), 0);
        CHECK_EQ_INT(pst_pipeline_wait(pl, h, &res, &a,
                                       pst_deadline_in_ms(60000), NULL), 0);
        CHECK(tst_str_eq(res.success, "y"));
        pst_arena_release(&a);
        pst_pipeline_free(pl);
    }
    es_destroy(&es);
}

/* ---- the synchronous client ---------------------------------------------- */

static pst_client *sync_connect(echo_server *es, int recv_timeout_ms)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.framed = true;
    o.recv_timeout_ms = recv_timeout_ms;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", es->port, &o, &err);
    if (!c)
        fprintf(stderr, "connect: %s\n", err.message);
    return c;
}

/* A deadline that passes while the server holds the call: PST_E_TIMEOUT,
 * and the connection is broken (its stream state is unknown). */
static void test_sync_deadline_breaks_the_client(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_client *c = sync_connect(&es, 60000);
    CHECK(c != NULL);
    if (c) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("in time");
        tst_Echo_echo_result res;
        memset(&res, 0, sizeof res);

        /* Met: an ordinary call, and the transport's own timeouts are as
         * configured afterwards. */
        CHECK_EQ_INT(pst_client_call_until(c, TST_ECHO, &args, &res, &a,
                                           pst_deadline_in_ms(30000)),
                     0);
        CHECK(tst_str_eq(res.success, "in time"));
        pst_transport *t = pst_client_transport(c);
        CHECK_EQ_INT(t->opt.idle_timeout_ms, 60000);
        CHECK_EQ_INT(t->opt.read_timeout_ms, 60000);
        CHECK_EQ_INT(t->opt.write_timeout_ms, 0);

        /* Passed before anything was sent: a timeout, the client stays
         * usable. */
        CHECK_EQ_INT(pst_client_call_until(c, TST_ECHO, &args, &res, &a,
                                           pst_deadline_in_ms(-1)),
                     PST_E_TIMEOUT);
        CHECK(strstr(pst_client_error(c)->message, "before the call was sent")
              != NULL);
        CHECK(!pst_client_broken(c));
        /* NEVER and DEFAULT: the transport's timeouts alone. */
        CHECK_EQ_INT(pst_client_call_until(c, TST_ECHO, &args, &res, &a,
                                           PST_DEADLINE_NEVER),
                     0);
        CHECK_EQ_INT(pst_client_call_until(c, TST_ECHO, &args, &res, &a,
                                           PST_DEADLINE_DEFAULT),
                     0);
        CHECK_EQ_INT(atomic_load(&es.calls), 3);

        /* Held by the server past the deadline. */
        args = tst_echo_args("held");
        CHECK_EQ_INT(pst_client_call_until(c, TST_HOLD, &args, &res, &a,
                                           pst_deadline_in_ms(100)),
                     PST_E_TIMEOUT);
        const pst_error *e = pst_client_error(c);
        CHECK_EQ_INT(e->code, PST_E_TIMEOUT);
        CHECK(strstr(e->message, "'hold': no reply before the deadline") !=
              NULL);
        CHECK(pst_client_broken(c));
        CHECK_EQ_INT(t->opt.idle_timeout_ms, 60000);
        await_holding(&es, 1);
        CHECK_EQ_INT(atomic_load(&es.holding), 1);

        /* The late reply must never be read as another call's: every later
         * call fails at once, saying why. */
        es_open_gate(&es);
        args = tst_echo_args("next");
        CHECK_EQ_INT(pst_client_call(c, TST_ECHO, &args, &res, &a),
                     PST_E_CLOSED);
        CHECK(strstr(pst_client_error(c)->message, "deadline") != NULL);
        CHECK_EQ_INT(pst_client_call_until(c, TST_ECHO, &args, &res, &a,
                                           pst_deadline_in_ms(60000)),
                     PST_E_CLOSED);
        pst_arena_release(&a);
        pst_client_free(c);
    }
    es_destroy(&es);
}

/* The transport's own (shorter) timeout still applies under a long
 * deadline, and says so. */
static void test_sync_transport_timeout_under_deadline(void)
{
    echo_server es;
    es_init(&es);
    CHECK(es_start(&es, 0, PST_SERVER_THREADED) == 0);
    pst_client *c = sync_connect(&es, 100);
    CHECK(c != NULL);
    if (c) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        tst_Echo_echo_args args = tst_echo_args("held");
        tst_Echo_echo_result res;
        CHECK_EQ_INT(pst_client_call_until(c, TST_HOLD, &args, &res, &a,
                                           pst_deadline_in_ms(600000)),
                     PST_E_TIMEOUT);
        CHECK(strstr(pst_client_error(c)->message, "idle timeout of 100 ms") !=
              NULL);
        CHECK(pst_client_broken(c));
        pst_arena_release(&a);
        pst_client_free(c);
    }
    es_destroy(&es);
}

int main(void)
{
    RUN(test_sync_deadline_breaks_the_client);
    RUN(test_sync_transport_timeout_under_deadline);
    RUN(test_deadline_fires_and_connection_survives);
    RUN(test_default_call_timeout);
    RUN(test_wait_deadlines);
    return test_report();
}
