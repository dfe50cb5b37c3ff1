/*
 * thrifttest_echo.h: a ThriftTest service (tests/interop/ThriftTest.thrift)
 * that echoes its arguments into its results, for the request fuzzer and
 * the hostile-input tests. Every method is implemented, so whatever a
 * request decodes to reaches a handler and comes back in a reply:
 *
 *   testX(thing)            success = thing (all the one-argument echoes)
 *   testMapMap(hello)       {hello: {hello: hello}}
 *   testInsanity(arg)       {1: {TWO: arg, THREE: arg}, 2: {SIX: {}}}
 *   testMulti(a0, a1, a2..) Xtruct{"Hello2", a0, a1, a2}
 *   testException(arg)      "Xception" throws Xception{1001, arg},
 *                           "TException" fails (INTERNAL_ERROR)
 *   testMultiException      "Xception" / "Xception2" throw, else Xtruct{arg1}
 *   testOneway              does nothing (never sleeps)
 *
 * Results point into the arguments or the call's arena. Stateless and
 * thread-safe. Include once per program (static definitions).
 */
#ifndef THRIFTTEST_ECHO_H
#define THRIFTTEST_ECHO_H

#include <string.h>

#include "ThriftTest.h"

static bool tt_str_is(pst_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && (n == 0 || memcmp(s.ptr, lit, n) == 0);
}

static int tt_void(pst_call *c, ThriftTest_ThriftTest_testVoid_result *r)
{
    (void)c;
    (void)r;
    return 0;
}

/* The one-argument echoes. */
#define TT_ECHO(method, ptype, expr)                                           \
    static int tt_##method(pst_call *c, ptype thing,                           \
                           ThriftTest_ThriftTest_##method##_result *r)         \
    {                                                                          \
        (void)c;                                                               \
        r->success = expr;                                                     \
        return 0;                                                              \
    }
TT_ECHO(testString, pst_str, thing)
TT_ECHO(testBool, bool, thing)
TT_ECHO(testByte, int8_t, thing)
TT_ECHO(testI32, int32_t, thing)
TT_ECHO(testI64, int64_t, thing)
TT_ECHO(testDouble, double, thing)
TT_ECHO(testBinary, pst_str, thing)
TT_ECHO(testStruct, const ThriftTest_Xtruct *, *thing)
TT_ECHO(testNest, const ThriftTest_Xtruct2 *, *thing)
TT_ECHO(testMap, const pst_map *, *thing)
TT_ECHO(testStringMap, const pst_map *, *thing)
TT_ECHO(testSet, const pst_list *, *thing)
TT_ECHO(testList, const pst_list *, *thing)
TT_ECHO(testEnum, ThriftTest_Numberz, (int32_t)thing)
TT_ECHO(testTypedef, int64_t, thing)
#undef TT_ECHO

/* A one-entry map {k: v} in the arena; -1 when memory runs out. */
static int tt_map1(pst_arena *a, pst_map *m, const void *k, size_t ks,
                   const void *v, size_t vs)
{
    m->keys = pst_arena_dup(a, k, ks);
    m->values = pst_arena_dup(a, v, vs);
    m->count = 1;
    return m->keys && m->values ? 0 : -1;
}

static int tt_testMapMap(pst_call *c, int32_t hello,
                         ThriftTest_ThriftTest_testMapMap_result *r)
{
    pst_map inner;
    if (tt_map1(c->arena, &inner, &hello, sizeof hello, &hello, sizeof hello) ||
        tt_map1(c->arena, &r->success, &hello, sizeof hello, &inner, sizeof inner))
        return PST_E_NOMEM;
    return 0;
}

static int tt_testInsanity(pst_call *c, const ThriftTest_Insanity *arg,
                           ThriftTest_ThriftTest_testInsanity_result *r)
{
    pst_arena *a = c->arena;
    int64_t *ids = pst_arena_alloc(a, 2 * sizeof *ids);
    pst_map *inner = pst_arena_calloc(a, 2 * sizeof *inner);
    int32_t *kinds = pst_arena_alloc(a, 3 * sizeof *kinds);
    ThriftTest_Insanity *vals = pst_arena_calloc(a, 3 * sizeof *vals);
    if (!ids || !inner || !kinds || !vals)
        return PST_E_NOMEM;
    ids[0] = 1;
    ids[1] = 2;
    kinds[0] = ThriftTest_Numberz_TWO;
    kinds[1] = ThriftTest_Numberz_THREE;
    kinds[2] = ThriftTest_Numberz_SIX;
    vals[0] = *arg;
    vals[1] = *arg;
    ThriftTest_Insanity_init(&vals[2]);
    inner[0] = (pst_map){ kinds, vals, 2 };
    inner[1] = (pst_map){ kinds + 2, vals + 2, 1 };
    r->success = (pst_map){ ids, inner, 2 };
    return 0;
}

static int tt_testMulti(pst_call *c, int8_t arg0, int32_t arg1, int64_t arg2,
                        const pst_map *arg3, ThriftTest_Numberz arg4,
                        int64_t arg5, ThriftTest_ThriftTest_testMulti_result *r)
{
    (void)c;
    (void)arg3;
    (void)arg4;
    (void)arg5;
    ThriftTest_Xtruct_init(&r->success);
    r->success.string_thing = PST_STR("Hello2");
    r->success.byte_thing = arg0;
    r->success.i32_thing = arg1;
    r->success.i64_thing = arg2;
    return 0;
}

static int tt_testException(pst_call *c, pst_str arg,
                            ThriftTest_ThriftTest_testException_result *r)
{
    if (tt_str_is(arg, "Xception")) {
        r->err1.errorCode = 1001;
        r->err1.message = arg;
        ThriftTest_ThriftTest_testException_result_set_err1(r);
        return 0;
    }
    if (tt_str_is(arg, "TException")) {
        c->error_message = "testException: TException";
        return PST_E_HANDLER;
    }
    return 0;
}

static int tt_testMultiException(pst_call *c, pst_str arg0, pst_str arg1,
                                 ThriftTest_ThriftTest_testMultiException_result *r)
{
    (void)c;
    if (tt_str_is(arg0, "Xception")) {
        r->err1.errorCode = 1001;
        r->err1.message = PST_STR("This is an Xception");
        ThriftTest_ThriftTest_testMultiException_result_set_err1(r);
        return 0;
    }
    if (tt_str_is(arg0, "Xception2")) {
        r->err2.errorCode = 2002;
        r->err2.struct_thing.string_thing = PST_STR("This is an Xception2");
        ThriftTest_ThriftTest_testMultiException_result_set_err2(r);
        return 0;
    }
    r->success.string_thing = arg1;
    return 0;
}

static int tt_testOneway(pst_call *c, int32_t seconds)
{
    (void)c;
    (void)seconds;
    return 0;
}

static const ThriftTest_ThriftTest_handler tt_echo_handler = {
    .testVoid = tt_void,
    .testString = tt_testString,
    .testBool = tt_testBool,
    .testByte = tt_testByte,
    .testI32 = tt_testI32,
    .testI64 = tt_testI64,
    .testDouble = tt_testDouble,
    .testBinary = tt_testBinary,
    .testStruct = tt_testStruct,
    .testNest = tt_testNest,
    .testMap = tt_testMap,
    .testStringMap = tt_testStringMap,
    .testSet = tt_testSet,
    .testList = tt_testList,
    .testEnum = tt_testEnum,
    .testTypedef = tt_testTypedef,
    .testMapMap = tt_testMapMap,
    .testInsanity = tt_testInsanity,
    .testMulti = tt_testMulti,
    .testException = tt_testException,
    .testMultiException = tt_testMultiException,
    .testOneway = tt_testOneway,
};

static const pst_processor tt_echo_processor = { &ThriftTest_ThriftTest_desc,
                                                 &tt_echo_handler, NULL };

#endif
