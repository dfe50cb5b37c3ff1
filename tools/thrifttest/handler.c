/* handler.c: the ThriftTest methods (see handler.h). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "handler.h"

static bool str_is(pst_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && (n == 0 || memcmp(s.ptr, lit, n) == 0);
}

static int test_void(pst_call *call, ThriftTest_ThriftTest_testVoid_result *result)
{
    (void)call;
    (void)result;
    return 0;
}

static int test_string(pst_call *call, pst_str thing,
                       ThriftTest_ThriftTest_testString_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

static int test_bool(pst_call *call, bool thing,
                     ThriftTest_ThriftTest_testBool_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

static int test_byte(pst_call *call, int8_t thing,
                     ThriftTest_ThriftTest_testByte_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

static int test_i32(pst_call *call, int32_t thing,
                    ThriftTest_ThriftTest_testI32_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

static int test_i64(pst_call *call, int64_t thing,
                    ThriftTest_ThriftTest_testI64_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

static int test_double(pst_call *call, double thing,
                       ThriftTest_ThriftTest_testDouble_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

static int test_binary(pst_call *call, pst_str thing,
                       ThriftTest_ThriftTest_testBinary_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

static int test_struct(pst_call *call, const ThriftTest_Xtruct *thing,
                       ThriftTest_ThriftTest_testStruct_result *result)
{
    (void)call;
    result->success = *thing;
    return 0;
}

static int test_nest(pst_call *call, const ThriftTest_Xtruct2 *thing,
                     ThriftTest_ThriftTest_testNest_result *result)
{
    (void)call;
    result->success = *thing;
    return 0;
}

static int test_map(pst_call *call, const pst_map *thing,
                    ThriftTest_ThriftTest_testMap_result *result)
{
    (void)call;
    result->success = *thing;
    return 0;
}

static int test_string_map(pst_call *call, const pst_map *thing,
                           ThriftTest_ThriftTest_testStringMap_result *result)
{
    (void)call;
    result->success = *thing;
    return 0;
}

static int test_set(pst_call *call, const pst_list *thing,
                    ThriftTest_ThriftTest_testSet_result *result)
{
    (void)call;
    result->success = *thing;
    return 0;
}

static int test_list(pst_call *call, const pst_list *thing,
                     ThriftTest_ThriftTest_testList_result *result)
{
    (void)call;
    result->success = *thing;
    return 0;
}

static int test_enum(pst_call *call, ThriftTest_Numberz thing,
                     ThriftTest_ThriftTest_testEnum_result *result)
{
    (void)call;
    result->success = (int32_t)thing;
    return 0;
}

static int test_typedef(pst_call *call, int64_t thing,
                        ThriftTest_ThriftTest_testTypedef_result *result)
{
    (void)call;
    result->success = thing;
    return 0;
}

/* { -4: {-4: -4, -3: -3, -2: -2, -1: -1}, 4: {1: 1, 2: 2, 3: 3, 4: 4} } */
static int test_map_map(pst_call *call, int32_t hello,
                        ThriftTest_ThriftTest_testMapMap_result *result)
{
    (void)hello;
    int32_t *outer_keys = pst_arena_alloc(call->arena, 2 * sizeof *outer_keys);
    pst_map *inner = pst_arena_calloc(call->arena, 2 * sizeof *inner);
    int32_t *numbers = pst_arena_alloc(call->arena, 8 * sizeof *numbers);
    if (!outer_keys || !inner || !numbers)
        return PST_E_NOMEM;
    for (int i = 0; i < 4; i++) {
        numbers[i] = -4 + i;    /* -4 -3 -2 -1 */
        numbers[4 + i] = 1 + i; /*  1  2  3  4 */
    }
    outer_keys[0] = -4;
    outer_keys[1] = 4;
    for (int m = 0; m < 2; m++) {
        /* Keys and values are the same numbers: share the array. */
        inner[m].keys = &numbers[4 * m];
        inner[m].values = &numbers[4 * m];
        inner[m].count = 4;
    }
    result->success.keys = outer_keys;
    result->success.values = inner;
    result->success.count = 2;
    return 0;
}

/* { 1: { TWO: argument, THREE: argument }, 2: { SIX: empty Insanity } } */
static int test_insanity(pst_call *call, const ThriftTest_Insanity *argument,
                         ThriftTest_ThriftTest_testInsanity_result *result)
{
    int64_t *user_ids = pst_arena_alloc(call->arena, 2 * sizeof *user_ids);
    pst_map *by_number = pst_arena_calloc(call->arena, 2 * sizeof *by_number);
    int32_t *numbers = pst_arena_alloc(call->arena, 3 * sizeof *numbers);
    ThriftTest_Insanity *insanities = pst_arena_alloc(call->arena, 3 * sizeof *insanities);
    if (!user_ids || !by_number || !numbers || !insanities)
        return PST_E_NOMEM;
    numbers[0] = ThriftTest_Numberz_TWO;
    numbers[1] = ThriftTest_Numberz_THREE;
    numbers[2] = ThriftTest_Numberz_SIX;
    insanities[0] = *argument;
    insanities[1] = *argument;
    ThriftTest_Insanity_init(&insanities[2]); /* empty map, empty list: still written */
    ThriftTest_Insanity_set_userMap(&insanities[2]);
    ThriftTest_Insanity_set_xtructs(&insanities[2]);

    user_ids[0] = 1;
    by_number[0] = (pst_map){ &numbers[0], &insanities[0], 2 };
    user_ids[1] = 2;
    by_number[1] = (pst_map){ &numbers[2], &insanities[2], 1 };
    result->success = (pst_map){ user_ids, by_number, 2 };
    return 0;
}

static int test_multi(pst_call *call, int8_t arg0, int32_t arg1, int64_t arg2,
                      const pst_map *arg3, ThriftTest_Numberz arg4, int64_t arg5,
                      ThriftTest_ThriftTest_testMulti_result *result)
{
    (void)call;
    (void)arg3;
    (void)arg4;
    (void)arg5;
    ThriftTest_Xtruct *x = &result->success;
    x->string_thing = PST_STR("Hello2");
    x->byte_thing = arg0;
    x->i32_thing = arg1;
    x->i64_thing = arg2;
    ThriftTest_Xtruct_set_string_thing(x);
    ThriftTest_Xtruct_set_byte_thing(x);
    ThriftTest_Xtruct_set_i32_thing(x);
    ThriftTest_Xtruct_set_i64_thing(x);
    return 0;
}

static int test_exception(pst_call *call, pst_str arg,
                          ThriftTest_ThriftTest_testException_result *result)
{
    if (str_is(arg, "Xception")) {
        result->err1.errorCode = 1001;
        result->err1.message = arg;
        ThriftTest_Xception_set_errorCode(&result->err1);
        ThriftTest_Xception_set_message(&result->err1);
        ThriftTest_ThriftTest_testException_result_set_err1(result);
        return 0;
    }
    if (str_is(arg, "TException")) {
        /* Not a declared exception: the caller gets a TApplicationException
         * (INTERNAL_ERROR) carrying this message. */
        call->error_message = "This is a TException";
        return PST_E_HANDLER;
    }
    return 0;
}

static int test_multi_exception(pst_call *call, pst_str arg0, pst_str arg1,
                                ThriftTest_ThriftTest_testMultiException_result *result)
{
    (void)call;
    if (str_is(arg0, "Xception")) {
        result->err1.errorCode = 1001;
        result->err1.message = PST_STR("This is an Xception");
        ThriftTest_Xception_set_errorCode(&result->err1);
        ThriftTest_Xception_set_message(&result->err1);
        ThriftTest_ThriftTest_testMultiException_result_set_err1(result);
        return 0;
    }
    if (str_is(arg0, "Xception2")) {
        ThriftTest_Xception2 *x = &result->err2;
        x->errorCode = 2002;
        x->struct_thing.string_thing = PST_STR("This is an Xception2");
        ThriftTest_Xtruct_set_string_thing(&x->struct_thing);
        ThriftTest_Xception2_set_errorCode(x);
        ThriftTest_Xception2_set_struct_thing(x);
        ThriftTest_ThriftTest_testMultiException_result_set_err2(result);
        return 0;
    }
    result->success.string_thing = arg1;
    ThriftTest_Xtruct_set_string_thing(&result->success);
    return 0;
}

static int test_oneway(pst_call *call, int32_t seconds)
{
    (void)call;
    if (seconds <= 0)
        return 0;
    if (seconds > TT_ONEWAY_MAX_SLEEP_S)
        seconds = TT_ONEWAY_MAX_SLEEP_S;
    struct timespec left = { seconds, 0 };
    /* A signal (e.g. the stop request) interrupts the sleep: sleep on. */
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    return 0;
}

const ThriftTest_ThriftTest_handler tt_test_handler = {
    .testVoid = test_void,
    .testString = test_string,
    .testBool = test_bool,
    .testByte = test_byte,
    .testI32 = test_i32,
    .testI64 = test_i64,
    .testDouble = test_double,
    .testBinary = test_binary,
    .testStruct = test_struct,
    .testNest = test_nest,
    .testMap = test_map,
    .testStringMap = test_string_map,
    .testSet = test_set,
    .testList = test_list,
    .testEnum = test_enum,
    .testTypedef = test_typedef,
    .testMapMap = test_map_map,
    .testInsanity = test_insanity,
    .testMulti = test_multi,
    .testException = test_exception,
    .testMultiException = test_multi_exception,
    .testOneway = test_oneway,
};

/* SecondService.secondtestString, as Apache Thrift's test servers answer
 * it: the argument inside testString("..."). */
static int second_test_string(pst_call *call, pst_str thing,
                              ThriftTest_SecondService_secondtestString_result *result)
{
    static const char head[] = "testString(\"", tail[] = "\")";
    size_t n = sizeof head - 1 + thing.len + sizeof tail - 1;
    char *s = pst_arena_alloc(call->arena, n ? n : 1);
    if (!s)
        return PST_E_NOMEM;
    memcpy(s, head, sizeof head - 1);
    if (thing.len)
        memcpy(s + sizeof head - 1, thing.ptr, thing.len);
    memcpy(s + sizeof head - 1 + thing.len, tail, sizeof tail - 1);
    result->success = (pst_str){ s, n };
    return 0;
}

const ThriftTest_SecondService_handler tt_second_handler = {
    .secondtestString = second_test_string,
};
