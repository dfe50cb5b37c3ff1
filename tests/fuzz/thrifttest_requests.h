/*
 * thrifttest_requests.h: real request messages for the ThriftTest service,
 * as a client sends them: every method with typical arguments, in binary
 * and compact, plus the odd ones a server must also handle (a ONEWAY
 * message, a oneway method called as CALL, an unknown method, a REPLY sent
 * to a server, the old non-strict binary header, unknown fields nested
 * deep). The seeds of the request and transport fuzzers and of the hostile
 * server tests.
 *
 * tt_requests(p, emit, ctx) calls emit once per message (bytes valid
 * during the call). Include once per program (static definitions).
 */
#ifndef THRIFTTEST_REQUESTS_H
#define THRIFTTEST_REQUESTS_H

#include <stdlib.h>
#include <string.h>

#include "ThriftTest.h"
#include "postern/protocol.h"

typedef void (*tt_emit_fn)(void *ctx, const pst_protocol *p, const char *what,
                           const uint8_t *msg, size_t len);

/* Encode one message: header (name, type, seqid) then args. */
static void tt_emit_msg(const pst_protocol *p, const char *name, int32_t type,
                        int32_t seqid, const pst_struct_desc *d,
                        const void *args, tt_emit_fn emit, void *ctx)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { pst_str_c(name), type, seqid };
    if (p->write_message_begin(&w, &h) == 0 &&
        p->write_struct(&w, d, args, NULL) == 0 &&
        pst_protocol_write_message_end(p, &w) == 0 && !w.err)
        emit(ctx, p, name, w.data, w.len);
    pst_wbuf_free(&w);
}

#define TT_CALL(method, args)                                                  \
    tt_emit_msg(p, #method, PST_MSG_CALL, seq++,                               \
                &ThriftTest_ThriftTest_##method##_args_desc, &(args), emit, ctx)

static void tt_xtruct(ThriftTest_Xtruct *x, const char *s, int8_t b, int32_t i,
                      int64_t l)
{
    ThriftTest_Xtruct_init(x);
    x->string_thing = pst_str_c(s);
    x->byte_thing = b;
    x->i32_thing = i;
    x->i64_thing = l;
}

/* Raw bytes helpers for the hand-made messages. */
static size_t tt_put32(uint8_t *o, uint32_t v)
{
    o[0] = (uint8_t)(v >> 24);
    o[1] = (uint8_t)(v >> 16);
    o[2] = (uint8_t)(v >> 8);
    o[3] = (uint8_t)v;
    return 4;
}

static void tt_requests(const pst_protocol *p, tt_emit_fn emit, void *ctx)
{
    int32_t seq = 1;
    bool compact = p == &pst_protocol_compact;

    ThriftTest_ThriftTest_testVoid_args v0;
    ThriftTest_ThriftTest_testVoid_args_init(&v0);
    TT_CALL(testVoid, v0);

    ThriftTest_ThriftTest_testString_args s;
    ThriftTest_ThriftTest_testString_args_init(&s);
    s.thing = PST_STR("Hello, world");
    TT_CALL(testString, s);
    s.thing = PST_STR("");
    TT_CALL(testString, s);
    static char long_text[300];
    memset(long_text, 'x', sizeof long_text);
    s.thing = (pst_str){ long_text, sizeof long_text };
    TT_CALL(testString, s);

    ThriftTest_ThriftTest_testBool_args bo;
    ThriftTest_ThriftTest_testBool_args_init(&bo);
    bo.thing = true;
    TT_CALL(testBool, bo);
    bo.thing = false;
    TT_CALL(testBool, bo);

    ThriftTest_ThriftTest_testByte_args by;
    ThriftTest_ThriftTest_testByte_args_init(&by);
    by.thing = -1;
    TT_CALL(testByte, by);

    ThriftTest_ThriftTest_testI32_args i32;
    ThriftTest_ThriftTest_testI32_args_init(&i32);
    i32.thing = -123456;
    TT_CALL(testI32, i32);

    ThriftTest_ThriftTest_testI64_args i64;
    ThriftTest_ThriftTest_testI64_args_init(&i64);
    i64.thing = INT64_MIN;
    TT_CALL(testI64, i64);

    ThriftTest_ThriftTest_testDouble_args dbl;
    ThriftTest_ThriftTest_testDouble_args_init(&dbl);
    dbl.thing = -3.25;
    TT_CALL(testDouble, dbl);

    static uint8_t all_bytes[256];
    for (int i = 0; i < 256; i++)
        all_bytes[i] = (uint8_t)i;
    ThriftTest_ThriftTest_testBinary_args bin;
    ThriftTest_ThriftTest_testBinary_args_init(&bin);
    bin.thing = (pst_str){ (const char *)all_bytes, sizeof all_bytes };
    TT_CALL(testBinary, bin);

    ThriftTest_ThriftTest_testStruct_args st;
    ThriftTest_ThriftTest_testStruct_args_init(&st);
    tt_xtruct(&st.thing, "Zero", 1, -3, -5);
    TT_CALL(testStruct, st);

    ThriftTest_ThriftTest_testNest_args ne;
    ThriftTest_ThriftTest_testNest_args_init(&ne);
    ne.thing.byte_thing = 1;
    tt_xtruct(&ne.thing.struct_thing, "Zero", 1, -3, -5);
    ne.thing.i32_thing = 5;
    TT_CALL(testNest, ne);

    int32_t mk[3] = { 1, -2, 300 }, mv[3] = { 10, 20, -30 };
    ThriftTest_ThriftTest_testMap_args ma;
    ThriftTest_ThriftTest_testMap_args_init(&ma);
    ma.thing = (pst_map){ mk, mv, 3 };
    TT_CALL(testMap, ma);

    pst_str sk[2] = { PST_STR("a"), PST_STR("bb") };
    pst_str sv[2] = { PST_STR("1"), PST_STR("22") };
    ThriftTest_ThriftTest_testStringMap_args sm;
    ThriftTest_ThriftTest_testStringMap_args_init(&sm);
    sm.thing = (pst_map){ sk, sv, 2 };
    TT_CALL(testStringMap, sm);

    int32_t items[20];
    for (int i = 0; i < 20; i++)
        items[i] = i * i - 50;
    ThriftTest_ThriftTest_testSet_args se;
    ThriftTest_ThriftTest_testSet_args_init(&se);
    se.thing = (pst_list){ items, 3 };
    TT_CALL(testSet, se);
    ThriftTest_ThriftTest_testList_args li;
    ThriftTest_ThriftTest_testList_args_init(&li);
    li.thing = (pst_list){ items, 20 };
    TT_CALL(testList, li);

    ThriftTest_ThriftTest_testEnum_args en;
    ThriftTest_ThriftTest_testEnum_args_init(&en);
    en.thing = ThriftTest_Numberz_FIVE;
    TT_CALL(testEnum, en);

    ThriftTest_ThriftTest_testTypedef_args ty;
    ThriftTest_ThriftTest_testTypedef_args_init(&ty);
    ty.thing = (int64_t)1 << 40;
    TT_CALL(testTypedef, ty);

    ThriftTest_ThriftTest_testMapMap_args mm;
    ThriftTest_ThriftTest_testMapMap_args_init(&mm);
    mm.hello = 7;
    TT_CALL(testMapMap, mm);

    int32_t uk[2] = { ThriftTest_Numberz_FIVE, ThriftTest_Numberz_EIGHT };
    int64_t uv[2] = { 5, 8 };
    ThriftTest_Xtruct xs[2];
    tt_xtruct(&xs[0], "Goodbye4", 4, 4, 4);
    tt_xtruct(&xs[1], "Hello2", 2, 2, 2);
    ThriftTest_ThriftTest_testInsanity_args in;
    ThriftTest_ThriftTest_testInsanity_args_init(&in);
    in.argument.userMap = (pst_map){ uk, uv, 2 };
    in.argument.xtructs = (pst_list){ xs, 2 };
    TT_CALL(testInsanity, in);

    int16_t k16[2] = { 1, -7 };
    pst_str v16[2] = { PST_STR("one"), PST_STR("minus seven") };
    ThriftTest_ThriftTest_testMulti_args mu;
    ThriftTest_ThriftTest_testMulti_args_init(&mu);
    mu.arg0 = 9;
    mu.arg1 = 900;
    mu.arg2 = -90000;
    mu.arg3 = (pst_map){ k16, v16, 2 };
    mu.arg4 = ThriftTest_Numberz_SIX;
    mu.arg5 = 123456789;
    TT_CALL(testMulti, mu);

    ThriftTest_ThriftTest_testException_args ex;
    ThriftTest_ThriftTest_testException_args_init(&ex);
    ex.arg = PST_STR("Xception");
    TT_CALL(testException, ex);
    ex.arg = PST_STR("TException");
    TT_CALL(testException, ex);
    ex.arg = PST_STR("fine");
    TT_CALL(testException, ex);

    ThriftTest_ThriftTest_testMultiException_args mx;
    ThriftTest_ThriftTest_testMultiException_args_init(&mx);
    mx.arg0 = PST_STR("Xception");
    mx.arg1 = PST_STR("a");
    TT_CALL(testMultiException, mx);
    mx.arg0 = PST_STR("Xception2");
    TT_CALL(testMultiException, mx);
    mx.arg0 = PST_STR("no");
    mx.arg1 = PST_STR("c");
    TT_CALL(testMultiException, mx);

    ThriftTest_ThriftTest_testOneway_args ow;
    ThriftTest_ThriftTest_testOneway_args_init(&ow);
    ow.secondsToSleep = 1;
    tt_emit_msg(p, "testOneway", PST_MSG_ONEWAY, seq++,
                &ThriftTest_ThriftTest_testOneway_args_desc, &ow, emit, ctx);
    TT_CALL(testOneway, ow); /* a oneway method called as CALL */

    /* an unknown method, and a REPLY sent to a server */
    tt_emit_msg(p, "noSuchMethod", PST_MSG_CALL, seq++,
                &ThriftTest_ThriftTest_testStruct_args_desc, &st, emit, ctx);
    tt_emit_msg(p, "testI32", PST_MSG_REPLY, seq++,
                &ThriftTest_ThriftTest_testI32_args_desc, &i32, emit, ctx);

    /* testVoid with an unknown field: structs nested 20 deep */
    uint8_t raw[256];
    size_t n = 0;
    if (compact) {
        raw[n++] = 0x82;
        raw[n++] = 0x21; /* version 1, CALL */
        raw[n++] = (uint8_t)seq++;
        raw[n++] = 8;
        memcpy(raw + n, "testVoid", 8);
        n += 8;
        for (int i = 0; i < 20; i++)
            raw[n++] = 0x1c; /* field delta 1, struct */
        for (int i = 0; i < 21; i++)
            raw[n++] = 0x00;
    } else {
        n += tt_put32(raw + n, 0x80010001u);
        n += tt_put32(raw + n, 8);
        memcpy(raw + n, "testVoid", 8);
        n += 8;
        n += tt_put32(raw + n, (uint32_t)seq++);
        for (int i = 0; i < 20; i++) {
            raw[n++] = PST_TT_STRUCT;
            raw[n++] = 0;
            raw[n++] = 5;
        }
        for (int i = 0; i < 21; i++)
            raw[n++] = 0x00;
    }
    emit(ctx, p, "testVoid (nested unknown field)", raw, n);

    /* the old binary header: name length, name, type byte, seqid */
    if (!compact) {
        n = 0;
        n += tt_put32(raw + n, 7);
        memcpy(raw + n, "testI32", 7);
        n += 7;
        raw[n++] = PST_MSG_CALL;
        n += tt_put32(raw + n, (uint32_t)seq++);
        raw[n++] = PST_TT_I32;
        raw[n++] = 0;
        raw[n++] = 1;
        n += tt_put32(raw + n, 77);
        raw[n++] = 0;
        emit(ctx, p, "testI32 (non-strict header)", raw, n);
    }
}

#undef TT_CALL

#endif
