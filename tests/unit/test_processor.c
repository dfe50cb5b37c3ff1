/* test_processor.c: pst_process over a hand-written service (test_calc.h),
 * with binary and compact: replies, TApplicationExceptions with Thrift's
 * wording, declared exceptions, oneway, and messages that are no calls. */
#include <stdio.h>
#include <string.h>

#include "processor/processor_internal.h"
#include "postern/processor.h"
#include "test.h"
#include "test_calc.h"

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };
static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;

/* Encode a message (header + struct) into w. */
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
    int rc;                 /* pst_process's status */
    size_t len;             /* reply bytes */
    pst_msg_header h;
    pst_app_exception ex;   /* when h.type == EXCEPTION */
    pst_error err;
} reply;

/* Process the message in req and decode the reply header (and the
 * TApplicationException, if it is one); the result struct, if any, is
 * decoded into result with desc rd. */
static void process(const pst_protocol *p, const pst_wbuf *req, reply *out,
                    const pst_struct_desc *rd, void *result, pst_arena *a)
{
    memset(out, 0, sizeof *out);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    out->rc = pst_process(&proc, p, req->data, req->len, &w, a, &cfg, &out->err);
    out->len = w.len;
    if (w.len > 0) {
        /* The reply must outlive w: copy it into the arena. */
        uint8_t *copy = pst_arena_dup(a, w.data, w.len);
        pst_rbuf r;
        pst_error derr = { 0, "" };
        pst_rbuf_init(&r, copy, w.len, &derr);
        /* every reply is one whole message, trailer included (JSON's ']') */
        size_t mlen = 0;
        CHECK_EQ_INT(p->message_length(copy, w.len, &cfg, &mlen, NULL), 0);
        CHECK_EQ_INT(mlen, w.len);
        CHECK_EQ_INT(p->read_message_begin(&r, &out->h, &cfg), 0);
        if (out->h.type == PST_MSG_EXCEPTION) {
            CHECK_EQ_INT(p->read_struct(&r, &pst_app_exception_desc, &out->ex, a, &cfg), 0);
        } else if (rd) {
            CHECK_EQ_INT(p->read_struct(&r, rd, result, a, &cfg), 0);
        }
        if (derr.code)
            fprintf(stderr, "  decode: %s\n", derr.message);
    }
    pst_wbuf_free(&w);
}

static bool str_is(pst_str s, const char *c)
{
    return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static const pst_protocol *protocols[3];

static void for_each_protocol(void (*fn)(const pst_protocol *))
{
    protocols[0] = &pst_protocol_binary;
    protocols[1] = &pst_protocol_compact;
    protocols[2] = &pst_protocol_json;
    for (int i = 0; i < 3; i++)
        fn(protocols[i]);
}

static void reply_ok(const pst_protocol *p)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    t_Calc_add_args args = { 40, 2, { 0x3 } };
    encode(p, &req, "add", PST_MSG_CALL, 77, &t_Calc_add_args_desc, &args);
    reply r;
    t_Calc_add_result res;
    process(p, &req, &r, &t_Calc_add_result_desc, &res, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.h.type, PST_MSG_REPLY);
    CHECK_EQ_INT(r.h.seqid, 77);
    CHECK(str_is(r.h.name, "add"));
    CHECK_EQ_INT(res.success, 42);
    CHECK(pst_isset(&t_Calc_add_result_desc, &res, 0));

    /* A base service's method, through extends. */
    t_Base_ping_args pa = { -5, { 0x1 } };
    encode(p, &req, "ping", PST_MSG_CALL, 3, &t_Base_ping_args_desc, &pa);
    t_Base_ping_result pr;
    process(p, &req, &r, &t_Base_ping_result_desc, &pr, a);
    CHECK_EQ_INT(r.h.type, PST_MSG_REPLY);
    CHECK_EQ_INT(pr.success, -5);

    /* Strings: the reply points at the request's bytes. */
    t_Calc_echo_args ea = { PST_STR("hello, world"), { 0x1 } };
    encode(p, &req, "echo", PST_MSG_CALL, 4, &t_Calc_echo_args_desc, &ea);
    t_Calc_echo_result er;
    process(p, &req, &r, &t_Calc_echo_result_desc, &er, a);
    CHECK(str_is(er.success, "hello, world"));
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

static void unknown_method(const pst_protocol *p)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    t_Calc_add_args args = { 1, 2, { 0x3 } };
    encode(p, &req, "foo", PST_MSG_CALL, 9, &t_Calc_add_args_desc, &args);
    reply r;
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
    CHECK_EQ_INT(r.h.seqid, 9);
    CHECK(str_is(r.h.name, "foo"));
    CHECK_EQ_INT(r.ex.type, PST_APPEX_UNKNOWN_METHOD);
    CHECK(str_is(r.ex.message, "Invalid method name: 'foo'"));

    /* Sent oneway: nothing comes back. */
    encode(p, &req, "foo", PST_MSG_ONEWAY, 10, &t_Calc_add_args_desc, &args);
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.len, 0);
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

static void bad_args(const pst_protocol *p)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    t_Calc_add_args args = { 1, 2, { 0x3 } };
    encode(p, &req, "add", PST_MSG_CALL, 11, &t_Calc_add_args_desc, &args);
    /* Cut the message inside its arguments. */
    req.len -= 3;
    reply r;
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
    CHECK_EQ_INT(r.h.seqid, 11);
    CHECK_EQ_INT(r.ex.type, PST_APPEX_PROTOCOL_ERROR);
    CHECK(r.ex.message.len > 0); /* the decoder's own words */
    fprintf(stderr, "  %s: PROTOCOL_ERROR says: %.*s\n", p->name,
            (int)r.ex.message.len, r.ex.message.ptr);
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

static void handler_failure(const pst_protocol *p)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    t_Calc_fail_args args = { PST_STR("the disk is on fire"), { 0x1 } };
    encode(p, &req, "fail", PST_MSG_CALL, 12, &t_Calc_fail_args_desc, &args);
    reply r;
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
    CHECK_EQ_INT(r.ex.type, PST_APPEX_INTERNAL_ERROR);
    CHECK(str_is(r.ex.message, "the disk is on fire"));

    /* No message from the handler: a generic one naming the method. */
    args.why = PST_STR("");
    encode(p, &req, "fail", PST_MSG_CALL, 13, &t_Calc_fail_args_desc, &args);
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.ex.type, PST_APPEX_INTERNAL_ERROR);
    CHECK(str_is(r.ex.message, "Internal error processing fail"));
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

/* A service whose handler table leaves functions out: `add`'s wrapper is
 * what the compiler generates (a NULL member returns PST_E_UNKNOWN_METHOD
 * with "method add is not implemented"), `echo` has no wrapper at all. Both
 * answer UNKNOWN_METHOD, as Thrift does for a method the server lacks, not
 * INTERNAL_ERROR. */
static int half_add_invoke(const void *handler, pst_call *call,
                           const void *args_v, void *result_v)
{
    const t_Calc_handler *h = handler;
    const t_Calc_add_args *args = args_v;
    if (!h->add) {
        call->error_message = "method add is not implemented";
        return PST_E_UNKNOWN_METHOD;
    }
    return h->add(call, args->a, args->b, result_v);
}

static const pst_method_desc half_methods[] = {
    { "add", &t_Calc_add_args_desc, &t_Calc_add_result_desc, false, half_add_invoke },
    { "echo", &t_Calc_echo_args_desc, &t_Calc_echo_result_desc, false, NULL },
};
static const pst_service_desc half_desc = { "Half", NULL, 2, half_methods, NULL };

static void missing_handler(const pst_protocol *p)
{
    static const t_Calc_handler none; /* every function NULL */
    const pst_processor half = { &half_desc, &none, NULL };
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req, out;
    pst_wbuf_init(&req, 0);
    pst_wbuf_init(&out, 0);
    t_Calc_add_args aa = { 1, 2, { 0x3 } };
    t_Calc_echo_args ea = { PST_STR("hi"), { 0x1 } };
    for (int i = 0; i < 2; i++) {
        if (i == 0)
            encode(p, &req, "add", PST_MSG_CALL, 21, &t_Calc_add_args_desc, &aa);
        else
            encode(p, &req, "echo", PST_MSG_CALL, 22, &t_Calc_echo_args_desc, &ea);
        out.len = 0;
        pst_error err = { 0, "" };
        pst__call_report rep;
        CHECK_EQ_INT(pst__process(&half, p, req.data, req.len, &out, a, &cfg,
                                  &err, &rep), 0);
        CHECK(rep.method == &half_methods[i]);
        CHECK_EQ_INT(rep.outcome, PST__OUTCOME_APP_ERROR);
        pst_rbuf r;
        pst_rbuf_init(&r, out.data, out.len, NULL);
        pst_msg_header h;
        pst_app_exception ex;
        CHECK_EQ_INT(p->read_message_begin(&r, &h, &cfg), 0);
        CHECK_EQ_INT(h.type, PST_MSG_EXCEPTION);
        CHECK_EQ_INT(h.seqid, 21 + i);
        CHECK_EQ_INT(p->read_struct(&r, &pst_app_exception_desc, &ex, a, &cfg), 0);
        CHECK_EQ_INT(ex.type, PST_APPEX_UNKNOWN_METHOD);
        CHECK(str_is(ex.message, i == 0 ? "method add is not implemented"
                                        : "method has no implementation"));
    }
    pst_wbuf_free(&out);
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

/* Arguments that need more than the arena's limit (the servers' per-call
 * memory cap): PROTOCOL_ERROR naming the limit, and pst__process fails so
 * the server closes the connection; the report says why. */
static void over_memory(const pst_protocol *p)
{
    enum { LIMIT = 4096 };
    static char big[3 * LIMIT];
    memset(big, 'x', sizeof big);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, LIMIT);
    pst_wbuf req, out;
    pst_wbuf_init(&req, 0);
    pst_wbuf_init(&out, 0);
    t_Calc_echo_args ea = { { big, sizeof big }, { 0x1 } };
    encode(p, &req, "echo", PST_MSG_CALL, 31, &t_Calc_echo_args_desc, &ea);
    pst_error err = { 0, "" };
    pst__call_report rep;
    CHECK_EQ_INT(pst__process(&proc, p, req.data, req.len, &out, &a, &cfg, &err,
                              &rep), PST_E_LIMIT);
    CHECK(rep.over_memory);
    CHECK_EQ_INT(rep.outcome, PST__OUTCOME_PROTOCOL);
    CHECK(strstr(err.message, "call memory limit of 4096 bytes exceeded "
                              "decoding echo_args.s") != NULL);
    pst_arena_reset(&a);
    CHECK(!a.over_limit);
    pst_arena b;
    pst_arena_init(&b, NULL, 0, 0);
    pst_rbuf r;
    pst_rbuf_init(&r, out.data, out.len, NULL);
    pst_msg_header h;
    pst_app_exception ex;
    CHECK_EQ_INT(p->read_message_begin(&r, &h, &cfg), 0);
    CHECK_EQ_INT(h.type, PST_MSG_EXCEPTION);
    CHECK_EQ_INT(h.seqid, 31);
    CHECK_EQ_INT(p->read_struct(&r, &pst_app_exception_desc, &ex, &b, &cfg), 0);
    CHECK_EQ_INT(ex.type, PST_APPEX_PROTOCOL_ERROR);
    CHECK(ex.message.len > 0 &&
          strstr(ex.message.ptr, "call memory limit of 4096 bytes") != NULL);

    /* Oneway: nothing is answered, and the call still fails. */
    out.len = 0;
    pst_error_clear(&err);
    encode(p, &req, "echo", PST_MSG_ONEWAY, 32, &t_Calc_echo_args_desc, &ea);
    CHECK_EQ_INT(pst__process(&proc, p, req.data, req.len, &out, &a, &cfg, &err,
                              &rep), PST_E_LIMIT);
    CHECK_EQ_INT(out.len, 0);

    /* The same call fits once the limit allows it. */
    pst_arena_release(&a);
    pst_arena_init(&a, NULL, 0, 16 * LIMIT);
    out.len = 0;
    encode(p, &req, "echo", PST_MSG_CALL, 33, &t_Calc_echo_args_desc, &ea);
    CHECK_EQ_INT(pst__process(&proc, p, req.data, req.len, &out, &a, &cfg, &err,
                              &rep), 0);
    CHECK(!rep.over_memory);
    pst_arena_release(&a);
    pst_arena_release(&b);
    pst_wbuf_free(&out);
    pst_wbuf_free(&req);
}

static void declared_exception(const pst_protocol *p)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    t_Calc_divide_args args = { 7, 0, { 0x3 } };
    encode(p, &req, "divide", PST_MSG_CALL, 14, &t_Calc_divide_args_desc, &args);
    reply r;
    t_Calc_divide_result res;
    process(p, &req, &r, &t_Calc_divide_result_desc, &res, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.h.type, PST_MSG_REPLY);
    CHECK(!pst_isset(&t_Calc_divide_result_desc, &res, 0));
    CHECK(pst_isset(&t_Calc_divide_result_desc, &res, 1));
    CHECK(str_is(res.oops.why, "division by zero"));
    CHECK_EQ_INT(res.oops.code, 7);

    args.b = 2;
    encode(p, &req, "divide", PST_MSG_CALL, 15, &t_Calc_divide_args_desc, &args);
    process(p, &req, &r, &t_Calc_divide_result_desc, &res, a);
    CHECK(pst_isset(&t_Calc_divide_result_desc, &res, 0));
    CHECK(!pst_isset(&t_Calc_divide_result_desc, &res, 1));
    CHECK_EQ_INT(res.success, 3);
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

static void oneway(const pst_protocol *p)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    int before = atomic_load(&t_notes), calls = atomic_load(&t_note_calls);
    t_Calc_note_args args = { 5, { 0x1 } };
    encode(p, &req, "note", PST_MSG_ONEWAY, 16, &t_Calc_note_args_desc, &args);
    reply r;
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.len, 0);
    CHECK_EQ_INT(atomic_load(&t_notes), before + 5);
    /* A oneway method called as CALL runs and still answers nothing. */
    encode(p, &req, "note", PST_MSG_CALL, 17, &t_Calc_note_args_desc, &args);
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.len, 0);
    CHECK_EQ_INT(atomic_load(&t_note_calls), calls + 2);
    /* A normal method sent as ONEWAY runs; its reply is not sent. */
    t_Calc_add_args aa = { 1, 1, { 0x3 } };
    encode(p, &req, "add", PST_MSG_ONEWAY, 18, &t_Calc_add_args_desc, &aa);
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.rc, 0);
    CHECK_EQ_INT(r.len, 0);
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

static void not_a_call(const pst_protocol *p)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    t_Calc_add_result res = { 3, { 0x1 } };
    encode(p, &req, "add", PST_MSG_REPLY, 19, &t_Calc_add_result_desc, &res);
    reply r;
    process(p, &req, &r, NULL, NULL, a);
    CHECK_EQ_INT(r.rc, PST_E_BAD_MSG_TYPE);
    CHECK(strstr(r.err.message, "REPLY") != NULL);
    /* The peer still learns why before the connection closes. */
    CHECK_EQ_INT(r.h.type, PST_MSG_EXCEPTION);
    CHECK_EQ_INT(r.h.seqid, 19);
    CHECK_EQ_INT(r.ex.type, PST_APPEX_INVALID_MESSAGE_TYPE);

    /* An unreadable header: nothing to answer. */
    uint8_t junk[] = { 0x7f, 0x00, 0x00 };
    pst_wbuf j = { junk, sizeof junk, sizeof junk, 0, 0 };
    process(p, &j, &r, NULL, NULL, a);
    CHECK(r.rc < 0);
    CHECK_EQ_INT(r.len, 0);
    CHECK(r.err.message[0] != '\0');
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

/* The outcome a server counts in /metrics for each kind of call. */
static void outcome_of(const pst_protocol *p, const char *name, int32_t type,
                       const pst_struct_desc *d, const void *args, int cut,
                       const pst_method_desc *want_m, pst__outcome want)
{
    pst_arena *a = pst_arena_new(0);
    pst_wbuf req, out;
    pst_wbuf_init(&req, 0);
    pst_wbuf_init(&out, 0);
    encode(p, &req, name, type, 1, d, args);
    req.len -= (size_t)cut;
    pst__call_report rep = { (const pst_method_desc *)&rep, PST__OUTCOME_COUNT,
                             true };
    pst_error err = { 0, "" };
    pst__process(&proc, p, req.data, req.len, &out, a, &cfg, &err, &rep);
    CHECK(rep.method == want_m);
    CHECK_EQ_INT(rep.outcome, want);
    CHECK(!rep.over_memory);
    pst_wbuf_free(&out);
    pst_wbuf_free(&req);
    pst_arena_free(a);
}

static void outcomes(const pst_protocol *p)
{
    const pst_method_desc *add = &t_Calc_methods[0], *divide = &t_Calc_methods[2],
                          *fail = &t_Calc_methods[3], *note = &t_Calc_methods[4];
    t_Calc_add_args two = { 6, 3, { 0x3 } }, by_zero = { 6, 0, { 0x3 } };
    t_Calc_fail_args why = { pst_str_c("because"), { 0x1 } };
    t_Calc_note_args v = { 5, { 0x1 } };
    outcome_of(p, "add", PST_MSG_CALL, &t_Calc_add_args_desc, &two, 0, add,
               PST__OUTCOME_OK);
    outcome_of(p, "divide", PST_MSG_CALL, &t_Calc_add_args_desc, &by_zero, 0,
               divide, PST__OUTCOME_DECLARED);
    outcome_of(p, "divide", PST_MSG_CALL, &t_Calc_add_args_desc, &two, 0,
               divide, PST__OUTCOME_OK);
    outcome_of(p, "fail", PST_MSG_CALL, &t_Calc_fail_args_desc, &why, 0, fail,
               PST__OUTCOME_APP_ERROR);
    outcome_of(p, "add", PST_MSG_CALL, &t_Calc_add_args_desc, &two, 3, add,
               PST__OUTCOME_PROTOCOL);
    outcome_of(p, "note", PST_MSG_ONEWAY, &t_Calc_note_args_desc, &v, 0, note,
               PST__OUTCOME_OK);
    outcome_of(p, "nope", PST_MSG_CALL, &t_Calc_add_args_desc, &two, 0, NULL,
               PST__OUTCOME_PROTOCOL);
}

static void test_reply(void) { for_each_protocol(reply_ok); }
static void test_outcomes(void) { for_each_protocol(outcomes); }
static void test_unknown_method(void) { for_each_protocol(unknown_method); }
static void test_bad_args(void) { for_each_protocol(bad_args); }
static void test_handler_failure(void) { for_each_protocol(handler_failure); }
static void test_declared_exception(void) { for_each_protocol(declared_exception); }
static void test_oneway(void) { for_each_protocol(oneway); }
static void test_not_a_call(void) { for_each_protocol(not_a_call); }
static void test_missing_handler(void) { for_each_protocol(missing_handler); }
static void test_over_memory(void) { for_each_protocol(over_memory); }

int main(void)
{
    RUN(test_reply);
    RUN(test_outcomes);
    RUN(test_unknown_method);
    RUN(test_bad_args);
    RUN(test_handler_failure);
    RUN(test_declared_exception);
    RUN(test_oneway);
    RUN(test_not_a_call);
    RUN(test_missing_handler);
    RUN(test_over_memory);
    return test_report();
}
