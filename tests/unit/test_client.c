/* test_client.c: the synchronous client against a fake server on a
 * socketpair that answers each call in a scripted way: right, with the wrong
 * name / seqid / type, with no result, with exceptions, or not at all. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "postern/client.h"
#include "postern/transport.h"
#include "test.h"
#include "test_calc.h"

static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;

typedef enum answer {
    A_RIGHT,          /* REPLY, same name and seqid, success = a + b */
    A_WRONG_NAME,
    A_WRONG_SEQID,
    A_WRONG_TYPE,     /* answers with a CALL */
    A_NO_RESULT,      /* REPLY with an empty struct */
    A_APP_EXCEPTION,
    A_DECLARED,       /* REPLY carrying field 1 (Oops) */
    A_BOTH,           /* REPLY carrying success and field 1 (Oops) */
    A_CLOSE,          /* closes without answering */
    A_NOTHING,        /* reads, sends nothing (oneway) */
} answer;

typedef struct fake {
    int fd;
    const pst_protocol *proto;
    bool framed;
    const answer *script;
    int n;
    int32_t seqids[16];   /* seqids the client sent */
    int32_t types[16];    /* message types the client sent */
} fake;

static void *fake_main(void *arg)
{
    fake *f = arg;
    pst_error err = { 0, "" };
    pst_stream *s = pst_stream_socket_new(f->fd, &err);
    pst_transport *t = f->framed ? pst_transport_framed_new(s, NULL)
                                 : pst_transport_unframed_new(s, NULL);
    pst_arena *a = pst_arena_new(0);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    for (int i = 0; i < f->n; i++) {
        const uint8_t *msg;
        size_t len;
        if (pst_transport_read_message(t, f->proto, &msg, &len, &err) < 0)
            break;
        pst_rbuf r;
        pst_rbuf_init(&r, msg, len, &err);
        pst_msg_header h;
        if (f->proto->read_message_begin(&r, &h, &cfg) < 0)
            break;
        f->seqids[i] = h.seqid;
        f->types[i] = h.type;
        t_Calc_add_args args;
        f->proto->read_struct(&r, &t_Calc_add_args_desc, &args, a, &cfg);
        if (f->script[i] == A_CLOSE)
            break;
        if (f->script[i] == A_NOTHING)
            continue;
        pst_msg_header rh = { h.name, PST_MSG_REPLY, h.seqid };
        t_Calc_divide_result res;
        memset(&res, 0, sizeof res);
        res.success = args.a + args.b;
        res.isset_[0] = 0x1;
        const pst_struct_desc *rd = &t_Calc_divide_result_desc;
        const void *rv = &res;
        pst_app_exception ex = { PST_STR("server says no"), PST_APPEX_INTERNAL_ERROR, { 0x3 } };
        switch (f->script[i]) {
        case A_WRONG_NAME: rh.name = PST_STR("subtract"); break;
        case A_WRONG_SEQID: rh.seqid = h.seqid + 1; break;
        case A_WRONG_TYPE: rh.type = PST_MSG_CALL; break;
        case A_NO_RESULT: res.isset_[0] = 0; break;
        case A_APP_EXCEPTION:
            rh.type = PST_MSG_EXCEPTION;
            rd = &pst_app_exception_desc;
            rv = &ex;
            break;
        case A_DECLARED:
            res.isset_[0] = 0x2;
            res.oops.why = PST_STR("bad numbers");
            res.oops.code = 99;
            res.oops.isset_[0] = 0x3;
            break;
        case A_BOTH:
            res.isset_[0] = 0x3;
            res.oops.why = PST_STR("ignored");
            res.oops.code = 7;
            res.oops.isset_[0] = 0x3;
            break;
        default: break;
        }
        w.len = 0;
        f->proto->write_message_begin(&w, &rh);
        f->proto->write_struct(&w, rd, rv, &cfg);
        if (pst_transport_write_message(t, w.data, w.len, &err) < 0)
            break;
    }
    pst_wbuf_free(&w);
    pst_arena_free(a);
    pst_transport_free(t);
    return NULL;
}

typedef struct session {
    fake f;
    pthread_t thread;
    pst_client *c;
} session;

static void start(session *ss, const pst_protocol *p, bool framed,
                  const answer *script, int n)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    memset(ss, 0, sizeof *ss);
    ss->f = (fake){ sv[1], p, framed, script, n, { 0 }, { 0 } };
    pthread_create(&ss->thread, NULL, fake_main, &ss->f);
    pst_error err = { 0, "" };
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = 10000; /* a failed test should not hang */
    pst_stream *s = pst_stream_socket_new(sv[0], &err);
    pst_transport *t = framed ? pst_transport_framed_new(s, &to)
                              : pst_transport_unframed_new(s, &to);
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.protocol = p;
    ss->c = pst_client_new(t, &o);
    CHECK(ss->c != NULL);
}

static void finish(session *ss)
{
    pst_client_free(ss->c);
    pthread_join(ss->thread, NULL);
}

static void check_mismatch(const pst_protocol *p, bool framed, answer a,
                           int want, const char *words)
{
    static answer script[2];
    script[0] = a;
    script[1] = A_RIGHT;
    session ss;
    start(&ss, p, framed, script, 2);
    pst_arena *ar = pst_arena_new(0);
    t_Calc_add_result r;
    int rc = t_Calc_add(ss.c, ar, 1, 2, &r);
    CHECK_EQ_INT(rc, want);
    const pst_error *e = pst_client_error(ss.c);
    CHECK_EQ_INT(e->code, want);
    CHECK(strstr(e->message, words) != NULL);
    if (!strstr(e->message, words))
        fprintf(stderr, "  got: %s\n", e->message);
    CHECK(pst_client_broken(ss.c));
    /* Broken: the next call fails at once, saying why. */
    rc = t_Calc_add(ss.c, ar, 1, 2, &r);
    CHECK_EQ_INT(rc, PST_E_CLOSED);
    CHECK(strstr(pst_client_error(ss.c)->message, "earlier failure") != NULL);
    finish(&ss);
    pst_arena_free(ar);
}

static void test_mismatches(void)
{
    const pst_protocol *ps[] = { &pst_protocol_binary, &pst_protocol_compact };
    for (int i = 0; i < 2; i++) {
        for (int framed = 0; framed < 2; framed++) {
            check_mismatch(ps[i], framed, A_WRONG_NAME, PST_E_WRONG_METHOD,
                           "reply for method 'subtract' to a call of 'add'");
            check_mismatch(ps[i], framed, A_WRONG_SEQID, PST_E_BAD_SEQID,
                           "seqid 2, expected 1");
            check_mismatch(ps[i], framed, A_WRONG_TYPE, PST_E_BAD_MSG_TYPE,
                           "message type 1 (CALL)");
            check_mismatch(ps[i], framed, A_CLOSE, PST_E_CLOSED,
                           "closed by peer");
        }
    }
}

static void test_results(void)
{
    const pst_protocol *ps[] = { &pst_protocol_binary, &pst_protocol_compact };
    for (int i = 0; i < 2; i++) {
        for (int framed = 0; framed < 2; framed++) {
            static const answer script[] = { A_RIGHT, A_NO_RESULT, A_APP_EXCEPTION,
                                             A_DECLARED, A_NOTHING, A_RIGHT };
            session ss;
            start(&ss, ps[i], framed, script, 6);
            pst_arena *ar = pst_arena_new(0);
            t_Calc_divide_result r;
            /* The fake answers every call with divide's result shape. */
            const pst_method_desc *m = &t_Calc_methods[T_DIVIDE];
            t_Calc_divide_args args = { 20, 22, { 0x3 } };

            CHECK_EQ_INT(pst_client_call(ss.c, m, &args, &r, ar), 0);
            CHECK_EQ_INT(r.success, 42);
            CHECK(pst_client_app_exception(ss.c) == NULL);

            CHECK_EQ_INT(pst_client_call(ss.c, m, &args, &r, ar), PST_E_MISSING_RESULT);
            CHECK(strstr(pst_client_error(ss.c)->message, "unknown result") != NULL);
            CHECK(!pst_client_broken(ss.c));

            CHECK_EQ_INT(pst_client_call(ss.c, m, &args, &r, ar), PST_E_APP_EXCEPTION);
            const pst_app_exception *ex = pst_client_app_exception(ss.c);
            CHECK(ex != NULL);
            if (ex) {
                CHECK_EQ_INT(ex->type, PST_APPEX_INTERNAL_ERROR);
                CHECK(ex->message.len == 14 &&
                      memcmp(ex->message.ptr, "server says no", 14) == 0);
            }
            CHECK(!pst_client_broken(ss.c));

            CHECK_EQ_INT(pst_client_call(ss.c, m, &args, &r, ar),
                         PST_E_DECLARED_EXCEPTION);
            CHECK(pst_isset(&t_Calc_divide_result_desc, &r, 1));
            CHECK_EQ_INT(r.oops.code, 99);
            CHECK(strstr(pst_client_error(ss.c)->message, "Oops") != NULL);
            CHECK(pst_client_app_exception(ss.c) == NULL);

            /* Oneway: sent, nothing read. */
            CHECK_EQ_INT(t_Calc_note(ss.c, ar, 1), 0);

            CHECK_EQ_INT(pst_client_call(ss.c, m, &args, &r, ar), 0);
            CHECK_EQ_INT(r.success, 42);
            CHECK_EQ_INT(pst_client_error(ss.c)->code, 0);
            finish(&ss);
            /* Each call had the next seqid; the oneway was sent as ONEWAY. */
            for (int k = 0; k < 6; k++)
                CHECK_EQ_INT(ss.f.seqids[k], k + 1);
            CHECK_EQ_INT(ss.f.types[4], PST_MSG_ONEWAY);
            CHECK_EQ_INT(ss.f.types[5], PST_MSG_CALL);
            pst_arena_free(ar);
        }
    }
}

/* A reply that carries both a success value and a declared exception is
 * the success, as Apache Thrift's generated clients (and postern's
 * pipeline and pool) read it: success is looked at first. */
static void test_success_and_exception(void)
{
    const pst_protocol *ps[] = { &pst_protocol_binary, &pst_protocol_compact };
    for (int i = 0; i < 2; i++) {
        static const answer script[] = { A_BOTH, A_RIGHT };
        session ss;
        start(&ss, ps[i], true, script, 2);
        pst_arena *ar = pst_arena_new(0);
        t_Calc_divide_result r;
        const pst_method_desc *m = &t_Calc_methods[T_DIVIDE];
        t_Calc_divide_args args = { 40, 2, { 0x3 } };
        CHECK_EQ_INT(pst_client_call(ss.c, m, &args, &r, ar), 0);
        CHECK_EQ_INT(r.success, 42);
        CHECK(pst_isset(&t_Calc_divide_result_desc, &r, 1)); /* as received */
        CHECK_EQ_INT(pst_client_error(ss.c)->code, 0);
        CHECK(!pst_client_broken(ss.c));
        CHECK_EQ_INT(pst_client_call(ss.c, m, &args, &r, ar), 0);
        finish(&ss);
        pst_arena_free(ar);
    }
}

static void test_connect_failure(void)
{
    pst_error err = { 0, "" };
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    CHECK(pst_client_connect_unix("/tmp/pst-test-no-such.sock", &o, &err) == NULL);
    CHECK_EQ_INT(err.code, -ENOENT);
    pst_error_clear(&err);
    CHECK(pst_client_connect("host.invalid", 9, &o, &err) == NULL);
    CHECK(err.code != 0);
}

int main(void)
{
    RUN(test_mismatches);
    RUN(test_results);
    RUN(test_success_and_exception);
    RUN(test_connect_failure);
    return test_report();
}
