/*
 * roundtrip.c: generated code working with the runtime.
 *
 * Built from the C that postern gen writes for datamodel.thrift,
 * recursive.thrift and service.thrift (tests/golden): defaults and constants
 * hold what the IDL says, values survive encoding and decoding with both
 * protocols (pointers of self-containing types included), and a processor
 * over a generated handler table answers calls the way the conventions
 * promise (success marked set, declared exceptions, UNKNOWN_METHOD for a
 * NULL function, nothing for oneway, inherited methods through `base`).
 */
#include <math.h>
#include <string.h>

#include "datamodel.h"
#include "recursive.h"
#include "service.h"
#include "test.h"

static bool str_eq(pst_str s, const char *c)
{
    return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static void test_defaults_and_constants(void)
{
    feat_Task t;
    feat_Task_init(&t);
    CHECK_EQ_INT(t.priority, feat_Priority_NORMAL);
    CHECK(feat_Task_isset_priority(&t));
    CHECK(!feat_Task_isset_title(&t));
    CHECK(!feat_Task_isset_notes(&t));
    CHECK_EQ_INT(t.tags.count, 1);
    CHECK(str_eq(((const pst_str *)t.tags.data)[0], "new"));
    CHECK(t.where.x == 1.5 && t.where.y == -2.0);
    CHECK(feat_Point_isset_x(&t.where) && feat_Point_isset_y(&t.where));
    CHECK(!t.done && feat_Task_isset_done(&t));

    CHECK_EQ_INT(feat_MAX_TASKS, 1000);
    CHECK(str_eq(feat_OWNER, "feat \"owner\""));
    CHECK_EQ_INT(feat_ORDER.count, 3);
    CHECK_EQ_INT(((const int32_t *)feat_ORDER.data)[0], feat_Priority_HIGH);
    CHECK_EQ_INT(feat_PLACES.count, 1);
    CHECK(str_eq(((const pst_str *)feat_PLACES.keys)[0], "origin"));
    /* a struct constant starts from the struct's defaults */
    CHECK(str_eq(feat_TEMPLATE.title, "todo"));
    CHECK_EQ_INT(feat_TEMPLATE.priority, feat_Priority_NORMAL);
    CHECK_EQ_INT(feat_TEMPLATE.tags.count, 2);
    CHECK(feat_Task_isset_title(&feat_TEMPLATE) && !feat_Task_isset_notes(&feat_TEMPLATE));
    for (int i = 0; i < 16; i++)
        CHECK_EQ_INT(feat_NIL.bytes[i], 0);

    /* descriptors: fields sorted by id, offsets and bits as declared */
    const pst_struct_desc *d = &feat_Task_desc;
    CHECK_EQ_INT(d->nfields, 12);
    for (unsigned i = 1; i < d->nfields; i++)
        CHECK(d->fields[i - 1].id < d->fields[i].id);
    CHECK_EQ_INT(d->fields[0].offset, offsetof(feat_Task, title));
    CHECK_EQ_INT(d->fields[0].req, PST_REQ_REQUIRED);
    CHECK_EQ_INT(d->fields[1].req, PST_REQ_OPTIONAL);
    CHECK_EQ_INT(d->fields[2].kind, PST_K_ENUM);
    CHECK(d->fields[2].type->edesc == &feat_Priority_desc);
    CHECK_EQ_INT(d->isset_offset, offsetof(feat_Task, isset_));
    CHECK(d->defaults != NULL);
    CHECK(feat_Point_desc.defaults == NULL);
    CHECK(strcmp(pst_enum_name(&feat_Priority_desc, 10), "HIGH") == 0);

    /* a union's default is there but not set */
    feat_Contact c;
    feat_Contact_init(&c);
    CHECK(str_eq(c.email, "nobody@example.com"));
    CHECK(!feat_Contact_isset_email(&c) && !feat_Contact_isset_phone(&c));

    CHECK_EQ_INT(rec_CHAIN.value, 1);
    CHECK(rec_CHAIN.next && rec_CHAIN.next->value == 2 && !rec_CHAIN.next->next);
}

static void roundtrip_task(const pst_protocol *proto)
{
    feat_Task t;
    feat_Task_init(&t);
    t.title = PST_STR("write tests");
    feat_Task_set_title(&t);
    t.notes = PST_STR("many");
    feat_Task_set_notes(&t);
    int64_t reminders[] = { 5, -7 };
    t.reminders.data = reminders;
    t.reminders.count = 2;
    feat_Task_set_reminders(&t);
    static const uint8_t id[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    memcpy(t.id.bytes, id, 16);
    feat_Task_set_id(&t);
    t.i8_field = -8;
    t.i16_field = -16;

    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(proto->write_struct(&w, &feat_Task_desc, &t, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_rbuf r;
    pst_error err = { 0, "" };
    pst_rbuf_init(&r, w.data, w.len, &err);
    feat_Task back;
    CHECK_EQ_INT(proto->read_struct(&r, &feat_Task_desc, &back, &a, NULL), 0);
    CHECK(str_eq(back.title, "write tests") && str_eq(back.notes, "many"));
    CHECK_EQ_INT(back.reminders.count, 2);
    CHECK_EQ_INT(((int64_t *)back.reminders.data)[1], -7);
    CHECK(memcmp(back.id.bytes, id, 16) == 0);
    CHECK_EQ_INT(back.priority, feat_Priority_NORMAL);
    CHECK(back.where.x == 1.5);
    CHECK_EQ_INT(back.i8_field, -8);
    CHECK_EQ_INT(back.i16_field, -16);
    pst_arena_release(&a);
    pst_wbuf_free(&w);
}

static void roundtrip_recursive(const pst_protocol *proto)
{
    rec_Node n3 = { 3, NULL, { 0x01 } }, n2 = { 2, &n3, { 0x03 } }, n1 = { 1, &n2, { 0x03 } };
    rec_Expr lit = { 0 };
    rec_Expr_init(&lit);
    lit.num = 42;
    rec_Expr_set_num(&lit);
    rec_Pair pair;
    rec_Pair_init(&pair);
    pair.left = &lit;
    pair.right = &lit;
    rec_Pair_set_left(&pair);
    rec_Pair_set_right(&pair);
    rec_Expr sum;
    rec_Expr_init(&sum);
    sum.add = &pair;
    rec_Expr_set_add(&sum);

    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(proto->write_struct(&w, &rec_Node_desc, &n1, NULL), 0);
    size_t node_len = w.len;
    CHECK_EQ_INT(proto->write_struct(&w, &rec_Expr_desc, &sum, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_rbuf r;
    pst_rbuf_init(&r, w.data, node_len, NULL);
    rec_Node back;
    CHECK_EQ_INT(proto->read_struct(&r, &rec_Node_desc, &back, &a, NULL), 0);
    CHECK(back.value == 1 && back.next && back.next->value == 2 && back.next->next &&
          back.next->next->value == 3 && back.next->next->next == NULL);
    pst_rbuf_init(&r, w.data + node_len, w.len - node_len, NULL);
    rec_Expr eb;
    CHECK_EQ_INT(proto->read_struct(&r, &rec_Expr_desc, &eb, &a, NULL), 0);
    CHECK(rec_Expr_isset_add(&eb) && !rec_Expr_isset_num(&eb));
    CHECK(eb.add && eb.add->left && eb.add->left->num == 42 && eb.add->right->num == 42);
    pst_arena_release(&a);
    pst_wbuf_free(&w);
}

static void test_roundtrips(void)
{
    roundtrip_task(&pst_protocol_binary);
    roundtrip_task(&pst_protocol_compact);
    roundtrip_recursive(&pst_protocol_binary);
    roundtrip_recursive(&pst_protocol_compact);
}

/* ---- a service through the processor ------------------------------------ */

static int pings;

static int do_ping(pst_call *call, svc_Base_ping_result *result)
{
    (void)call;
    (void)result;
    pings++;
    return 0;
}

static int do_add(pst_call *call, const svc_Item *item, bool replace, svc_Store_add_result *result)
{
    (void)call;
    if (item->count < 0) {
        result->invalid.reason = PST_STR("negative");
        svc_Invalid_set_reason(&result->invalid);
        svc_Store_add_result_set_invalid(result);
        return 0;
    }
    if (item->count > 1000)
        return -1;
    result->success = item->count + (replace ? 100 : 0);
    return 0;
}

static int logged;

static int do_log(pst_call *call, pst_str line, int64_t at)
{
    (void)call;
    logged += (int)line.len + (int)at;
    return 0;
}

static const svc_Store_handler store = {
    .base = { .ping = do_ping },
    .add = do_add,
    .log = do_log,
    /* items, clear, get: NULL */
};

/* Send one call through pst_process; the reply's header and result. */
static int call(const char *method, int32_t type, const pst_struct_desc *ad, const void *args,
                pst_wbuf *reply)
{
    pst_processor proc = { &svc_Store_desc, &store, NULL };
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    pst_msg_header h = { pst_str_c(method), type, 7 };
    pst_protocol_binary.write_message_begin(&req, &h);
    pst_protocol_binary.write_struct(&req, ad, args, NULL);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_wbuf_init(reply, 0);
    pst_error err = { 0, "" };
    int rc = pst_process(&proc, &pst_protocol_binary, req.data, req.len, reply, &a, NULL, &err);
    pst_arena_release(&a);
    pst_wbuf_free(&req);
    return rc;
}

static void read_reply(const pst_wbuf *reply, pst_msg_header *h, const pst_struct_desc *d,
                       void *v, pst_arena *a)
{
    pst_rbuf r;
    pst_rbuf_init(&r, reply->data, reply->len, NULL);
    CHECK_EQ_INT(pst_protocol_binary.read_message_begin(&r, h, NULL), 0);
    if (h->type == PST_MSG_REPLY)
        CHECK_EQ_INT(pst_protocol_binary.read_struct(&r, d, v, a, NULL), 0);
    else
        CHECK_EQ_INT(pst_protocol_binary.read_struct(&r, &pst_app_exception_desc, v, a, NULL), 0);
}

static void test_service(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_wbuf reply;
    pst_msg_header h;

    svc_Store_add_args args;
    svc_Store_add_args_init(&args);
    CHECK(!args.replace && svc_Store_add_args_isset_replace(&args)); /* IDL default */
    args.item.name = PST_STR("x");
    args.item.count = 5;
    svc_Store_add_args_set_item(&args);
    args.replace = true;
    CHECK_EQ_INT(call("add", PST_MSG_CALL, &svc_Store_add_args_desc, &args, &reply), 0);
    svc_Store_add_result res;
    read_reply(&reply, &h, &svc_Store_add_result_desc, &res, &a);
    CHECK_EQ_INT(h.type, PST_MSG_REPLY);
    CHECK_EQ_INT(h.seqid, 7);
    CHECK(svc_Store_add_result_isset_success(&res));
    CHECK(!svc_Store_add_result_isset_invalid(&res));
    CHECK_EQ_INT(res.success, 105);
    pst_wbuf_free(&reply);

    args.item.count = -1;
    CHECK_EQ_INT(call("add", PST_MSG_CALL, &svc_Store_add_args_desc, &args, &reply), 0);
    read_reply(&reply, &h, &svc_Store_add_result_desc, &res, &a);
    CHECK(!svc_Store_add_result_isset_success(&res)); /* the exception, not success */
    CHECK(svc_Store_add_result_isset_invalid(&res));
    CHECK(str_eq(res.invalid.reason, "negative"));
    pst_wbuf_free(&reply);

    args.item.count = 5000; /* the handler fails */
    CHECK_EQ_INT(call("add", PST_MSG_CALL, &svc_Store_add_args_desc, &args, &reply), 0);
    pst_app_exception ex;
    read_reply(&reply, &h, NULL, &ex, &a);
    CHECK_EQ_INT(h.type, PST_MSG_EXCEPTION);
    CHECK_EQ_INT(ex.type, PST_APPEX_INTERNAL_ERROR);
    pst_wbuf_free(&reply);

    svc_Store_clear_args cargs; /* clear is NULL in the table */
    svc_Store_clear_args_init(&cargs);
    svc_Store_clear_result cres;
    pst_call pc = { &a, NULL, &svc_Store_desc.methods[2], 1, NULL };
    CHECK_EQ_INT(svc_Store_desc.methods[2].invoke(&store, &pc, &cargs, &cres),
                 PST_E_UNKNOWN_METHOD);
    CHECK(pc.error_message && strcmp(pc.error_message, "method clear is not implemented") == 0);
    CHECK_EQ_INT(call("clear", PST_MSG_CALL, &svc_Store_clear_args_desc, &cargs, &reply), 0);
    read_reply(&reply, &h, NULL, &ex, &a);
    CHECK_EQ_INT(h.type, PST_MSG_EXCEPTION);
    /* the processor may answer UNKNOWN_METHOD or INTERNAL_ERROR; either way
     * the message says what happened */
    CHECK(ex.type == PST_APPEX_UNKNOWN_METHOD || ex.type == PST_APPEX_INTERNAL_ERROR);
    CHECK(str_eq(ex.message, "method clear is not implemented"));
    pst_wbuf_free(&reply);

    svc_Store_log_args largs;
    svc_Store_log_args_init(&largs);
    largs.line = PST_STR("abc");
    largs.at = 10;
    svc_Store_log_args_set_line(&largs);
    svc_Store_log_args_set_at(&largs);
    CHECK_EQ_INT(call("log", PST_MSG_ONEWAY, &svc_Store_log_args_desc, &largs, &reply), 0);
    CHECK_EQ_INT(reply.len, 0); /* oneway: no reply */
    CHECK_EQ_INT(logged, 13);
    pst_wbuf_free(&reply);

    svc_Base_ping_args pargs; /* the base service's method, through .base */
    svc_Base_ping_args_init(&pargs);
    CHECK_EQ_INT(call("ping", PST_MSG_CALL, &svc_Base_ping_args_desc, &pargs, &reply), 0);
    svc_Base_ping_result pres;
    read_reply(&reply, &h, &svc_Base_ping_result_desc, &pres, &a);
    CHECK_EQ_INT(h.type, PST_MSG_REPLY);
    CHECK_EQ_INT(pings, 1);
    pst_wbuf_free(&reply);

    CHECK(svc_Store_desc.base == &svc_Base_desc);
    CHECK(pst_service_method(&svc_Store_desc, "ping", 4) == &svc_Base_desc.methods[0]);
    CHECK(svc_Store_desc.methods[3].oneway && svc_Store_desc.methods[3].result == NULL);
    pst_arena_release(&a);
}

int main(void)
{
    RUN(test_defaults_and_constants);
    RUN(test_roundtrips);
    RUN(test_service);
    return test_report();
}
