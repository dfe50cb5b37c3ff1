/*
 * test_pipeline.c: the pipelining client against a fake server on a
 * socketpair that answers out of order, with wrong seqids, late, or not at
 * all, as each test scripts it.
 */
#include <poll.h>
#include <sched.h>
#include <stdio.h>

#include "postern/pipeline.h"
#include "test.h"
#include "test_pipeline_fake.h"

static pst_pipeline *adopt(fake_server *fs, uint32_t max_pending)
{
    pst_pipeline_options o = PST_PIPELINE_OPTIONS_INIT;
    o.framed = true;
    o.max_pending = max_pending;
    pst_error err = { 0, "" };
    pst_pipeline *pl = pst_pipeline_adopt(fs->client_fd, &o, &err);
    if (!pl)
        fprintf(stderr, "adopt: %s\n", err.message);
    return pl;
}

/* Wait (without a clock) until the fake server has seen n requests. */
static void await_handled(fake_server *fs, int n)
{
    for (long i = 0; i < 200000000L && atomic_load(&fs->handled) < n; i++)
        sched_yield();
}

/* ---- scripts ---------------------------------------------------------------- */

/* Answer whatever has arrived, newest first; count replies sent out of
 * order. Until EOF. */
static void script_reverse_batches(fake_server *fs)
{
    atomic_int *out_of_order = fs->ctx;
    fake_req batch[64];
    for (;;) {
        int n = 0;
        if (fake_recv(fs->fd, &batch[n]) < 0)
            return;
        n++;
        struct pollfd p = { .fd = fs->fd, .events = POLLIN };
        while (n < 64 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
            if (fake_recv(fs->fd, &batch[n]) < 0)
                break;
            n++;
        }
        for (int i = n - 1; i >= 0; i--) {
            if (batch[i].type == PST_MSG_ONEWAY)
                continue;
            if (fake_reply_echo(fs->fd, &batch[i]) < 0)
                return;
            if (i > 0)
                atomic_fetch_add(out_of_order, 1);
        }
        atomic_fetch_add(&fs->handled, n);
    }
}

/* Read exactly *(int *)ctx requests, answer them in reverse, then echo in
 * order until EOF. */
static void script_reverse_n(fake_server *fs)
{
    int n = *(int *)fs->ctx;
    fake_req q[16];
    for (int i = 0; i < n; i++) {
        if (fake_recv(fs->fd, &q[i]) < 0)
            return;
        atomic_fetch_add(&fs->handled, 1);
    }
    for (int i = n - 1; i >= 0; i--)
        fake_reply_echo(fs->fd, &q[i]);
    fake_req r;
    while (fake_recv(fs->fd, &r) == 0)
        if (r.type != PST_MSG_ONEWAY)
            fake_reply_echo(fs->fd, &r);
}

/* Read *(int *)ctx requests, then answer with a seqid nobody used. */
static void script_bad_seqid(fake_server *fs)
{
    int n = *(int *)fs->ctx;
    fake_req q;
    for (int i = 0; i < n; i++) {
        if (fake_recv(fs->fd, &q) < 0)
            return;
        atomic_fetch_add(&fs->handled, 1);
    }
    q.seqid = 999999;
    fake_reply_echo(fs->fd, &q);
    while (fake_recv(fs->fd, &q) == 0) {
    }
}

static void script_wrong_method(fake_server *fs)
{
    fake_req q;
    if (fake_recv(fs->fd, &q) < 0)
        return;
    memcpy(q.name, "nope", 5);
    fake_reply_echo(fs->fd, &q);
    while (fake_recv(fs->fd, &q) == 0) {
    }
}

static void script_wrong_type(fake_server *fs)
{
    fake_req q;
    if (fake_recv(fs->fd, &q) < 0)
        return;
    tst_Echo_echo_result r;
    memset(&r, 0, sizeof r);
    fake_send(fs->fd, q.name, PST_MSG_CALL, q.seqid,
              &tst_Echo_echo_result_desc, &r);
    while (fake_recv(fs->fd, &q) == 0) {
    }
}

/* Outcomes chosen by the argument: "app", "oops", "nothing", else echo;
 * "ping" gets an empty reply. Oneway pokes are counted in ctx. */
static void script_outcomes(fake_server *fs)
{
    fake_req q;
    while (fake_recv(fs->fd, &q) == 0) {
        atomic_fetch_add(&fs->handled, 1);
        if (q.type == PST_MSG_ONEWAY) {
            if (fs->ctx)
                atomic_fetch_add((atomic_int *)fs->ctx, q.n);
            continue;
        }
        if (strcmp(q.name, "ping") == 0) {
            fake_send(fs->fd, q.name, PST_MSG_REPLY, q.seqid, NULL, NULL);
        } else if (strcmp(q.msg, "app") == 0) {
            pst_app_exception ex;
            memset(&ex, 0, sizeof ex);
            ex.message = PST_STR("boom");
            ex.type = PST_APPEX_INTERNAL_ERROR;
            ex.isset_[0] = 3;
            fake_send(fs->fd, q.name, PST_MSG_EXCEPTION, q.seqid,
                      &pst_app_exception_desc, &ex);
        } else if (strcmp(q.msg, "oops") == 0) {
            tst_Echo_fail_result r;
            memset(&r, 0, sizeof r);
            r.oops.why = PST_STR("because");
            r.oops.isset_[0] = 1;
            r.isset_[0] = 2;
            fake_send(fs->fd, q.name, PST_MSG_REPLY, q.seqid,
                      &tst_Echo_fail_result_desc, &r);
        } else if (strcmp(q.msg, "nothing") == 0) {
            tst_Echo_fail_result r;
            memset(&r, 0, sizeof r);
            fake_send(fs->fd, q.name, PST_MSG_REPLY, q.seqid,
                      &tst_Echo_fail_result_desc, &r);
        } else {
            fake_reply_echo(fs->fd, &q);
        }
    }
}

/* The first request gets no answer until the second arrives; then the late
 * answer goes first, the second's right after. Then echo until EOF. */
static void script_late(fake_server *fs)
{
    fake_req a, b;
    if (fake_recv(fs->fd, &a) < 0)
        return;
    atomic_fetch_add(&fs->handled, 1);
    if (fake_recv(fs->fd, &b) < 0)
        return;
    atomic_fetch_add(&fs->handled, 1);
    fake_reply_echo(fs->fd, &a);
    fake_reply_echo(fs->fd, &b);
    while (fake_recv(fs->fd, &b) == 0)
        fake_reply_echo(fs->fd, &b);
}

/* Read requests, never answer, until EOF. */
static void script_silent(fake_server *fs)
{
    fake_req q;
    while (fake_recv(fs->fd, &q) == 0)
        atomic_fetch_add(&fs->handled, 1);
}

/* Hold back the answers to "never" requests; on any other request, send
 * those late answers first, then answer it. Until EOF. */
static void script_late_when_asked(fake_server *fs)
{
    fake_req held[8], q;
    int n = 0;
    while (fake_recv(fs->fd, &q) == 0) {
        atomic_fetch_add(&fs->handled, 1);
        if (strcmp(q.msg, "never") == 0 && n < 8) {
            held[n++] = q;
            continue;
        }
        for (int i = 0; i < n; i++)
            fake_reply_echo(fs->fd, &held[i]);
        n = 0;
        fake_reply_echo(fs->fd, &q);
    }
}

/* Read one request, then hang up. */
static void script_hang_up(fake_server *fs)
{
    fake_req q;
    if (fake_recv(fs->fd, &q) == 0)
        atomic_fetch_add(&fs->handled, 1);
    shutdown(fs->fd, SHUT_RDWR);
}

/* Hostile replies, chosen by the request's argument:
 *   "huge"     a frame header announcing 2 GiB
 *   "garbage"  a frame holding bytes that are no message header
 *   "badbody"  a good header for the call, then a field of wire type 99
 * else echo. */
static void script_hostile(fake_server *fs)
{
    fake_req q;
    while (fake_recv(fs->fd, &q) == 0) {
        if (strcmp(q.msg, "huge") == 0) {
            static const uint8_t h[4] = { 0x7f, 0xff, 0xff, 0xff };
            fake_write_full(fs->fd, h, 4);
        } else if (strcmp(q.msg, "garbage") == 0) {
            static const uint8_t g[9] = { 0, 0, 0, 5, 'h', 'e', 'l', 'l',
                                          'o' };
            fake_write_full(fs->fd, g, sizeof g);
        } else if (strcmp(q.msg, "badbody") == 0) {
            pst_wbuf w;
            pst_wbuf_init(&w, 0);
            pst_wbuf_append(&w, "\0\0\0\0", 4);
            pst_msg_header h = { pst_str_c(q.name), PST_MSG_REPLY, q.seqid };
            pst_protocol_binary.write_message_begin(&w, &h);
            static const uint8_t body[4] = { 99, 0, 0, 0 };
            pst_wbuf_append(&w, body, sizeof body);
            size_t n = w.len - 4;
            w.data[3] = (uint8_t)n;
            fake_write_full(fs->fd, w.data, w.len);
            pst_wbuf_free(&w);
        } else {
            fake_reply_echo(fs->fd, &q);
        }
    }
}

static int hostile_call(pst_pipeline *pl, const char *msg, pst_call_info *info)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args(msg);
    tst_Echo_echo_result res;
    memset(info, 0, sizeof *info);
    int rc = pst_pipeline_call_until(pl, TST_ECHO, &args, &res, &a,
                                     PST_DEADLINE_NEVER, info);
    if (rc == 0 && !tst_str_eq(res.success, msg))
        rc = PST_E_PROTOCOL;
    pst_arena_release(&a);
    return rc;
}

static void test_hostile_replies(void)
{
    pst_call_info info;
    /* A body that does not decode fails its call only. */
    fake_server fs;
    CHECK(fake_server_start(&fs, script_hostile, NULL) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    int rc = hostile_call(pl, "badbody", &info);
    CHECK(rc == PST_E_BAD_TYPE || rc == PST_E_PROTOCOL);
    fprintf(stderr, "     (bad body: %s: %s)\n", pst_strerror_name(rc),
            info.error.message);
    CHECK(info.error.message[0] != 0);
    CHECK(pst_pipeline_is_open(pl));
    CHECK_EQ_INT(hostile_call(pl, "fine", &info), 0);

    /* A frame too large is refused before any memory is spent on it. */
    CHECK_EQ_INT(hostile_call(pl, "huge", &info), PST_E_LIMIT);
    CHECK(strstr(info.error.message, "max_frame") != NULL);
    CHECK(!pst_pipeline_is_open(pl));
    pst_pipeline_free(pl);
    fake_server_join(&fs);

    /* Bytes that are no message header break the connection. */
    CHECK(fake_server_start(&fs, script_hostile, NULL) == 0);
    pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    rc = hostile_call(pl, "garbage", &info);
    CHECK(rc < 0 && rc != PST_E_TIMEOUT);
    fprintf(stderr, "     (garbage: %s: %s)\n", pst_strerror_name(rc),
            info.error.message);
    CHECK(!pst_pipeline_is_open(pl));
    CHECK_EQ_INT(hostile_call(pl, "fine", &info), PST_E_CLOSED);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

/* ---- many threads, one connection ------------------------------------------ */

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
        snprintf(msg, sizeof msg, "t%d-%d", w->id, j);
        tst_Echo_echo_args args = tst_echo_args(msg);
        tst_Echo_echo_result res;
        int rc = pst_pipeline_call(w->pl, TST_ECHO, &args, &res, &a);
        if (rc != 0) {
            if (atomic_fetch_add(w->failures, 1) == 0)
                fprintf(stderr, "call failed: %s: %s\n", pst_strerror_name(rc),
                        pst_call_info_last()->error.message);
        } else if (!(res.isset_[0] & 1) || !tst_str_eq(res.success, msg)) {
            atomic_fetch_add(w->mismatches, 1);
        }
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
    return NULL;
}

static void test_eight_threads_out_of_order(void)
{
    atomic_int out_of_order = 0, mismatches = 0, failures = 0;
    fake_server fs;
    CHECK(fake_server_start(&fs, script_reverse_batches, &out_of_order) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
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
    pst_pipeline_stats st;
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.calls, THREADS * CALLS_PER_THREAD);
    CHECK_EQ_INT(st.replies, THREADS * CALLS_PER_THREAD);
    CHECK_EQ_INT(st.pending, 0);
    CHECK(pst_pipeline_is_open(pl));
    fprintf(stderr, "     (%d of %d replies were sent out of order)\n",
            atomic_load(&out_of_order), THREADS * CALLS_PER_THREAD);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

/* ---- deterministic out-of-order ------------------------------------------- */

typedef struct one_call {
    pst_pipeline *pl;
    const char *msg;
    int rc;
    char got[64];
    pst_call_info info;
} one_call;

static void *one_call_main(void *p)
{
    one_call *c = p;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args(c->msg);
    tst_Echo_echo_result res;
    memset(&res, 0, sizeof res);
    c->rc = pst_pipeline_call_until(c->pl, TST_ECHO, &args, &res, &a,
                                    PST_DEADLINE_NEVER, &c->info);
    if (c->rc == 0 && res.success.len < sizeof c->got) {
        memcpy(c->got, res.success.ptr, res.success.len);
        c->got[res.success.len] = 0;
    }
    pst_arena_release(&a);
    return NULL;
}

static void test_reverse_order_threads(void)
{
    int n = 3;
    fake_server fs;
    CHECK(fake_server_start(&fs, script_reverse_n, &n) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    one_call c[3] = { { pl, "alpha", 0, "", { 0 } },
                      { pl, "beta", 0, "", { 0 } },
                      { pl, "gamma", 0, "", { 0 } } };
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, one_call_main, &c[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ_INT(c[i].rc, 0);
        CHECK(strcmp(c[i].got, c[i].msg) == 0);
    }
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

static void test_async_send_wait(void)
{
    int n = 3;
    fake_server fs;
    CHECK(fake_server_start(&fs, script_reverse_n, &n) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    const char *msgs[3] = { "one", "two", "three" };
    pst_pending h[3];
    for (int i = 0; i < 3; i++) {
        tst_Echo_echo_args args = tst_echo_args(msgs[i]);
        CHECK_EQ_INT(pst_pipeline_send(pl, TST_ECHO, &args,
                                       PST_DEADLINE_NEVER, &h[i], NULL), 0);
        CHECK(h[i].seqid > 0);
    }
    /* "three" comes back first and waits, unclaimed, for its caller. */
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int i = 0; i < 3; i++) {
        tst_Echo_echo_result res;
        pst_call_info info;
        memset(&info, 0, sizeof info);
        CHECK_EQ_INT(pst_pipeline_wait(pl, h[i], &res, &a, PST_DEADLINE_NEVER,
                                       &info), 0);
        CHECK(tst_str_eq(res.success, msgs[i]));
    }
    /* A handle is used up once waited for. */
    tst_Echo_echo_result res;
    pst_call_info info;
    memset(&info, 0, sizeof info);
    CHECK_EQ_INT(pst_pipeline_wait(pl, h[0], &res, &a, PST_DEADLINE_NEVER,
                                   &info), PST_E_INVALID);
    CHECK(strstr(info.error.message, "pending") != NULL);
    pst_arena_release(&a);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

/* ---- broken replies ------------------------------------------------------- */

static void test_unknown_seqid_fails_all(void)
{
    int n = 4;
    fake_server fs;
    CHECK(fake_server_start(&fs, script_bad_seqid, &n) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    one_call c[4] = { { pl, "a", 0, "", { 0 } }, { pl, "b", 0, "", { 0 } },
                      { pl, "c", 0, "", { 0 } }, { pl, "d", 0, "", { 0 } } };
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, one_call_main, &c[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(c[i].rc, PST_E_BAD_SEQID);
    CHECK(strstr(c[0].info.error.message, "999999") != NULL);
    CHECK(!pst_pipeline_is_open(pl));
    pst_error e;
    CHECK_EQ_INT(pst_pipeline_error(pl, &e), PST_E_BAD_SEQID);
    CHECK(strstr(e.message, "matches no pending call") != NULL);

    /* Later calls fail at once. */
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args("after");
    tst_Echo_echo_result res;
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &res, &a),
                 PST_E_CLOSED);
    pst_arena_release(&a);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

static void run_single_bad_reply(void (*script)(fake_server *), int want,
                                 const char *detail)
{
    fake_server fs;
    CHECK(fake_server_start(&fs, script, NULL) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    one_call c = { pl, "x", 0, "", { 0 } };
    one_call_main(&c);
    CHECK_EQ_INT(c.rc, want);
    CHECK(strstr(c.info.error.message, detail) != NULL);
    CHECK(!pst_pipeline_is_open(pl));
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

static void test_wrong_method(void)
{
    run_single_bad_reply(script_wrong_method, PST_E_WRONG_METHOD, "'nope'");
}

static void test_wrong_message_type(void)
{
    run_single_bad_reply(script_wrong_type, PST_E_BAD_MSG_TYPE,
                         "message type 1");
}

static void test_server_hangs_up(void)
{
    run_single_bad_reply(script_hang_up, PST_E_CLOSED, "closed");
}

/* ---- outcomes: exceptions, missing result, void, oneway ------------------- */

static void test_outcomes(void)
{
    atomic_int poked = 0;
    fake_server fs;
    CHECK(fake_server_start(&fs, script_outcomes, &poked) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args("app");
    tst_Echo_fail_result fr;

    CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &fr, &a),
                 PST_E_APP_EXCEPTION);
    const pst_app_exception *ex = pst_pipeline_app_exception(pl);
    CHECK(ex != NULL);
    if (ex) {
        CHECK(tst_str_eq(ex->message, "boom"));
        CHECK_EQ_INT(ex->type, PST_APPEX_INTERNAL_ERROR);
    }
    CHECK(strstr(pst_call_info_last()->error.message, "INTERNAL_ERROR") !=
          NULL);
    CHECK(pst_pipeline_is_open(pl));

    args = tst_echo_args("oops");
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &fr, &a),
                 PST_E_DECLARED_EXCEPTION);
    CHECK(fr.isset_[0] & 2);
    CHECK(tst_str_eq(fr.oops.why, "because"));
    CHECK(pst_pipeline_app_exception(pl) == NULL);

    args = tst_echo_args("nothing");
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &fr, &a),
                 PST_E_MISSING_RESULT);
    CHECK(pst_pipeline_is_open(pl));

    args = tst_echo_args("fine");
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_FAIL, &args, &fr, &a), 0);
    CHECK(tst_str_eq(fr.success, "fine"));

    /* void: no result struct needed */
    tst_Echo_ping_args pa;
    memset(&pa, 0, sizeof pa);
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_PING, &pa, NULL, &a), 0);

    /* oneway: sent, not awaited; the echo after it proves it was read. */
    tst_Echo_poke_args pk = { 7, { 1 } };
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_POKE, &pk, NULL, &a), 0);
    pst_pending h;
    CHECK_EQ_INT(pst_pipeline_send(pl, TST_POKE, &pk, PST_DEADLINE_NEVER, &h,
                                   NULL), 0);
    CHECK_EQ_INT(h.seqid, 0);
    CHECK_EQ_INT(pst_pipeline_wait(pl, h, NULL, &a, PST_DEADLINE_NEVER, NULL),
                 0);
    tst_Echo_echo_result er;
    args = tst_echo_args("after pokes");
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &er, &a), 0);
    CHECK(tst_str_eq(er.success, "after pokes"));
    CHECK_EQ_INT(atomic_load(&poked), 14);

    pst_pipeline_stats st;
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.pending, 0);
    pst_arena_release(&a);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

/* ---- deadlines -------------------------------------------------------------- */

static void test_deadline_then_late_reply_discarded(void)
{
    fake_server fs;
    CHECK(fake_server_start(&fs, script_late, NULL) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args("late");
    tst_Echo_echo_result res;
    pst_call_info info;
    memset(&info, 0, sizeof info);
    CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_HOLD, &args, &res, &a,
                                         pst_deadline_in_ms(50), &info),
                 PST_E_TIMEOUT);
    CHECK_EQ_INT(info.status, PST_E_TIMEOUT);
    CHECK(strstr(info.error.message, "hold") != NULL);
    CHECK(pst_pipeline_is_open(pl));

    /* The server now answers "late" first, then this call: the late reply
     * must be dropped, not handed to this call. */
    args = tst_echo_args("on time");
    memset(&res, 0, sizeof res);
    CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_ECHO, &args, &res, &a,
                                         pst_deadline_in_ms(60000), &info),
                 0);
    CHECK(tst_str_eq(res.success, "on time"));

    args = tst_echo_args("and again");
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &res, &a), 0);
    CHECK(tst_str_eq(res.success, "and again"));

    pst_pipeline_stats st;
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.timeouts, 1);
    CHECK_EQ_INT(st.late_replies, 1);
    CHECK_EQ_INT(st.pending, 0);
    pst_arena_release(&a);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

/* Closing wakes every waiter, the leader blocked in poll included. */
static void test_close_wakes_waiters(void)
{
    fake_server fs;
    CHECK(fake_server_start(&fs, script_silent, NULL) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    enum { N = 6 };
    pthread_t t[N];
    one_call c[N];
    for (int i = 0; i < N; i++) {
        c[i] = (one_call){ pl, "never", 0, "", { 0 } };
    }
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, one_call_main, &c[i]);
    await_handled(&fs, N);
    pst_pipeline_close(pl);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < N; i++)
        CHECK_EQ_INT(c[i].rc, PST_E_CLOSED);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

typedef struct timed_call {
    pst_pipeline *pl;
    int ms;
    int rc;
} timed_call;

static void *timed_call_main(void *p)
{
    timed_call *c = p;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args("slow");
    tst_Echo_echo_result res;
    c->rc = pst_pipeline_call_until(c->pl, TST_HOLD, &args, &res, &a,
                                    pst_deadline_in_ms(c->ms), NULL);
    pst_arena_release(&a);
    return NULL;
}

static void test_deadlines_staggered(void)
{
    fake_server fs;
    CHECK(fake_server_start(&fs, script_silent, NULL) == 0);
    pst_pipeline *pl = adopt(&fs, 0);
    CHECK(pl != NULL);
    if (!pl)
        return;
    enum { N = 6 };
    pthread_t t[N];
    timed_call c[N];
    for (int i = 0; i < N; i++) {
        c[i] = (timed_call){ pl, 20 + 15 * i, 0 };
        pthread_create(&t[i], NULL, timed_call_main, &c[i]);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < N; i++)
        CHECK_EQ_INT(c[i].rc, PST_E_TIMEOUT);
    CHECK(pst_pipeline_is_open(pl));
    pst_pipeline_stats st;
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.timeouts, N);
    CHECK_EQ_INT(st.pending, N);   /* abandoned, awaiting late replies */
    pst_pipeline_close(pl);
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.pending, 0);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

/* ---- limits and misuse ----------------------------------------------------- */

static void test_max_pending(void)
{
    fake_server fs;
    CHECK(fake_server_start(&fs, script_silent, NULL) == 0);
    pst_pipeline *pl = adopt(&fs, 2);
    CHECK(pl != NULL);
    if (!pl)
        return;
    tst_Echo_echo_args args = tst_echo_args("x");
    pst_pending h[3];
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_pipeline_send(pl, TST_ECHO, &args, PST_DEADLINE_NEVER,
                                   &h[0], NULL), 0);
    CHECK_EQ_INT(pst_pipeline_send(pl, TST_ECHO, &args, PST_DEADLINE_NEVER,
                                   &h[1], NULL), 0);
    CHECK_EQ_INT(pst_pipeline_send(pl, TST_ECHO, &args, PST_DEADLINE_NEVER,
                                   &h[2], &err), PST_E_BUSY);
    CHECK(strstr(err.message, "in flight") != NULL);
    pst_pipeline_abandon(pl, h[0]);
    pst_pipeline_abandon(pl, h[1]);
    pst_pipeline_stats st;
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.pending, 2);   /* abandoned still hold their seqids */

    /* Null arguments are refused with a message, not a crash. */
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_call_info info;
    memset(&info, 0, sizeof info);
    CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_ECHO, NULL, NULL, &a,
                                         PST_DEADLINE_NEVER, &info),
                 PST_E_INVALID);
    CHECK(strstr(info.error.message, "args") != NULL);
    CHECK_EQ_INT(pst_pipeline_call_until(NULL, TST_ECHO, &args, NULL, &a,
                                         PST_DEADLINE_NEVER, NULL),
                 PST_E_INVALID);
    pst_arena_release(&a);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

/* Abandoned calls whose replies do not come must not hold every slot for
 * ever: with all max_pending slots abandoned, a new call reuses one; the
 * late replies that do come after all, for the reused slot's old seqid
 * too, are dropped without breaking the connection. */
static void test_abandoned_slots_reclaimed(void)
{
    fake_server fs;
    CHECK(fake_server_start(&fs, script_late_when_asked, NULL) == 0);
    pst_pipeline *pl = adopt(&fs, 2);
    CHECK(pl != NULL);
    if (!pl)
        return;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    tst_Echo_echo_args args = tst_echo_args("never");
    tst_Echo_echo_result res;
    for (int i = 0; i < 2; i++)
        CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_ECHO, &args, &res, &a,
                                             pst_deadline_in_ms(20), NULL),
                     PST_E_TIMEOUT);
    pst_pipeline_stats st;
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.pending, 2);

    args = tst_echo_args("now");
    memset(&res, 0, sizeof res);
    pst_call_info info;
    memset(&info, 0, sizeof info);
    CHECK_EQ_INT(pst_pipeline_call_until(pl, TST_ECHO, &args, &res, &a,
                                         pst_deadline_in_ms(60000), &info),
                 0);
    CHECK(tst_str_eq(res.success, "now"));
    CHECK(pst_pipeline_is_open(pl));
    pst_pipeline_stats_get(pl, &st);
    CHECK_EQ_INT(st.reclaimed, 1);
    CHECK_EQ_INT(st.late_replies, 2);
    CHECK_EQ_INT(st.pending, 0);

    args = tst_echo_args("again");
    CHECK_EQ_INT(pst_pipeline_call(pl, TST_ECHO, &args, &res, &a), 0);
    CHECK(tst_str_eq(res.success, "again"));
    pst_arena_release(&a);
    pst_pipeline_free(pl);
    fake_server_join(&fs);
}

static void test_deadline_helpers(void)
{
    int64_t now = pst_monotonic_ms();
    pst_deadline d = pst_deadline_in_ms(10000);
    int64_t left = pst_deadline_left_ms(d);
    CHECK(left > 5000 && left <= 10000);
    CHECK_EQ_INT(pst_deadline_left_ms(pst_deadline_in_ms(-5)), 0);
    CHECK_EQ_INT(pst_deadline_left_ms(PST_DEADLINE_NEVER), INT64_MAX);
    CHECK(pst_deadline_left_ms(pst_deadline_at_ms(now + 60000)) > 30000);
    CHECK_EQ_INT(pst_deadline_left_ms(pst_deadline_at_ms(now - 1)), 0);
    CHECK(pst_deadline_in_ms(INT64_MAX).at_ns == INT64_MAX);
}

static void test_connect_errors(void)
{
    pst_error err = { 0, "" };
    CHECK(pst_pipeline_connect("nohostport", NULL, &err) == NULL);
    CHECK_EQ_INT(err.code, PST_E_INVALID);
    CHECK(strstr(err.message, "host:port") != NULL);
    pst_error_clear(&err);
    CHECK(pst_pipeline_connect("127.0.0.1:99999", NULL, &err) == NULL);
    CHECK(strstr(err.message, "port") != NULL);
    pst_error_clear(&err);
    CHECK(pst_pipeline_connect("::1:80", NULL, &err) == NULL);
    CHECK(strstr(err.message, "[address]:port") != NULL);
    pst_error_clear(&err);
    CHECK(pst_pipeline_connect("unix:/nonexistent/postern.sock", NULL,
                               &err) == NULL);
    CHECK_EQ_INT(err.code, -ENOENT);
}

int main(void)
{
    RUN(test_deadline_helpers);
    RUN(test_connect_errors);
    RUN(test_eight_threads_out_of_order);
    RUN(test_reverse_order_threads);
    RUN(test_async_send_wait);
    RUN(test_unknown_seqid_fails_all);
    RUN(test_wrong_method);
    RUN(test_wrong_message_type);
    RUN(test_server_hangs_up);
    RUN(test_outcomes);
    RUN(test_hostile_replies);
    RUN(test_deadline_then_late_reply_discarded);
    RUN(test_close_wakes_waiters);
    RUN(test_deadlines_staggered);
    RUN(test_max_pending);
    RUN(test_abandoned_slots_reclaimed);
    return test_report();
}
