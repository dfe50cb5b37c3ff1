/* checks.c: one check per ThriftTest method (see checks.h). The values
 * follow Apache Thrift's cross-language test clients, plus edge cases
 * (extremes, empty and large containers, non-ASCII text, NaN and -0.0). */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ThriftTest.h"
#include "checks.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char NON_ASCII[] =
    "Grüße, Привет, こんにちは, مرحبا, 🙂 \b\t\n/\\\r{}:\"";

/* The check running now, for failure messages. */
typedef struct check {
    tt_checker *x;
    const char *method;
    int group;
    bool failed;
} check;

static void fail(check *k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void fail(check *k, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "FAIL %s: %s\n", k->method, msg);
    k->failed = true;
    k->x->status |= k->group;
}

static bool connected(check *k)
{
    return k->x->client != NULL;
}

/* The arena for the next call's reply, emptied. */
static pst_arena *fresh(check *k)
{
    pst_arena_reset(&k->x->arena);
    k->x->calls++;
    return &k->x->arena;
}

static void reconnect(check *k)
{
    tt_checker *x = k->x;
    pst_client_free(x->client);
    x->client = x->reconnect ? x->reconnect(x->reconnect_ctx) : NULL;
    if (!x->client) {
        fprintf(stderr, "FAIL %s: cannot reconnect; later checks fail without "
                        "calling\n", k->method);
        x->status |= TT_ERR_UNKNOWN;
    }
}

/* Printable, bounded rendering of bytes for messages. */
static const char *show(char *buf, size_t cap, pst_str s)
{
    size_t o = 0;
    for (size_t i = 0; i < s.len && o + 8 < cap; i++) {
        unsigned char ch = (unsigned char)s.ptr[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\\')
            buf[o++] = (char)ch;
        else
            o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", ch);
    }
    if (o + 8 >= cap)
        o += (size_t)snprintf(buf + o, cap - o, "...");
    buf[o] = '\0';
    return buf;
}

#define SHOW(s) show((char[96]){ 0 }, 96, (s))

/* A call's status: true when 0. Otherwise the failure is reported, and a
 * broken connection replaced. */
static bool call_ok(check *k, int rc, const char *what)
{
    if (rc == 0)
        return true;
    tt_checker *x = k->x;
    if (rc == PST_E_APP_EXCEPTION) {
        const pst_app_exception *ae = pst_client_app_exception(x->client);
        fail(k, "%s: unexpected application exception %s: %s", what,
             ae ? pst_app_exception_type_name(ae->type) : "?",
             ae ? SHOW(ae->message) : "");
    } else {
        const pst_error *e = pst_client_error(x->client);
        fail(k, "%s: %s (%s)", what, pst_strerror_name(rc),
             e && e->message[0] ? e->message : pst_strerror(rc));
    }
    if (pst_client_broken(x->client))
        reconnect(k);
    return false;
}

static bool str_eq(pst_str a, pst_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static pst_str cstr(const char *s)
{
    return pst_str_c(s);
}

static ThriftTest_Xtruct xtruct(const char *s, int8_t b, int32_t i32, int64_t i64)
{
    ThriftTest_Xtruct x;
    ThriftTest_Xtruct_init(&x);
    x.string_thing = cstr(s);
    x.byte_thing = b;
    x.i32_thing = i32;
    x.i64_thing = i64;
    ThriftTest_Xtruct_set_string_thing(&x);
    ThriftTest_Xtruct_set_byte_thing(&x);
    ThriftTest_Xtruct_set_i32_thing(&x);
    ThriftTest_Xtruct_set_i64_thing(&x);
    return x;
}

/* Compare field by field; report the first difference under `what`. */
static bool xtruct_eq(check *k, const char *what, const ThriftTest_Xtruct *got,
                      const ThriftTest_Xtruct *want)
{
    if (!str_eq(got->string_thing, want->string_thing)) {
        fail(k, "%s.string_thing: expected \"%s\", got \"%s\"", what,
             SHOW(want->string_thing), SHOW(got->string_thing));
        return false;
    }
    if (got->byte_thing != want->byte_thing || got->i32_thing != want->i32_thing ||
        got->i64_thing != want->i64_thing) {
        fail(k, "%s: expected {%d, %" PRId32 ", %" PRId64 "}, got {%d, %" PRId32
                ", %" PRId64 "}",
             what, want->byte_thing, want->i32_thing, want->i64_thing,
             got->byte_thing, got->i32_thing, got->i64_thing);
        return false;
    }
    return true;
}

/* ---- base types ---------------------------------------------------------- */

static void check_void(check *k)
{
    ThriftTest_ThriftTest_testVoid_result r;
    call_ok(k, ThriftTest_ThriftTest_testVoid(k->x->client, fresh(k), &r), "testVoid()");
}

static void check_string(check *k)
{
    size_t big_len = 70000 + sizeof NON_ASCII - 1;
    char *big = malloc(big_len);
    char python20[121] = "";
    if (!big) {
        fail(k, "out of memory");
        return;
    }
    memset(big, 'x', 70000);
    memcpy(big + 70000, NON_ASCII, sizeof NON_ASCII - 1);
    for (int i = 0; i < 20; i++)
        strcat(python20, "Python");
    const pst_str values[] = { cstr(python20), cstr(""), cstr(NON_ASCII),
                               { big, big_len } };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testString_result r;
        int rc = ThriftTest_ThriftTest_testString(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testString") && !str_eq(r.success, values[i]))
            fail(k, "testString(%zu bytes \"%s\"): got %zu bytes \"%s\"",
                 values[i].len, SHOW(values[i]), r.success.len, SHOW(r.success));
    }
    free(big);
}

static void check_bool(check *k)
{
    const bool values[] = { true, false };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testBool_result r;
        int rc = ThriftTest_ThriftTest_testBool(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testBool") && r.success != values[i])
            fail(k, "testBool(%d): got %d", values[i], r.success);
    }
}

static void check_byte(check *k)
{
    const int8_t values[] = { 63, -127, 0, 127, -128 };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testByte_result r;
        int rc = ThriftTest_ThriftTest_testByte(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testByte") && r.success != values[i])
            fail(k, "testByte(%d): got %d", values[i], r.success);
    }
}

static void check_i32(check *k)
{
    const int32_t values[] = { -1, 0, 1, INT32_MAX, INT32_MIN, 0x12345678 };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testI32_result r;
        int rc = ThriftTest_ThriftTest_testI32(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testI32") && r.success != values[i])
            fail(k, "testI32(%" PRId32 "): got %" PRId32, values[i], r.success);
    }
}

static void check_i64(check *k)
{
    const int64_t values[] = { 1, -34359738368, 0, -1, INT64_MAX, INT64_MIN,
                               -0x0123456789ABCDF0 };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testI64_result r;
        int rc = ThriftTest_ThriftTest_testI64(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testI64") && r.success != values[i])
            fail(k, "testI64(%" PRId64 "): got %" PRId64, values[i], r.success);
    }
}

static void check_double(check *k)
{
    /* Compared bit for bit: NaN and -0.0 must come back as they went. */
    const double values[] = { -5.235098235, 0.0, -0.0, -1.0,
                              -0.000341012439638598279, DBL_MAX,
                              4.9406564584124654e-324, INFINITY, -INFINITY, NAN };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testDouble_result r;
        int rc = ThriftTest_ThriftTest_testDouble(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testDouble") &&
            memcmp(&r.success, &values[i], sizeof(double)) != 0)
            fail(k, "testDouble(%.17g): got %.17g", values[i], r.success);
    }
}

static void check_binary(check *k)
{
    enum { BIG = 256 * 300 };
    uint8_t *bytes = malloc(256 + 17 + BIG);
    if (!bytes) {
        fail(k, "out of memory");
        return;
    }
    uint8_t *all = bytes, *zeros = bytes + 256, *big = bytes + 256 + 17;
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    memset(zeros, 0, 17);
    for (int i = 0; i < BIG; i++)
        big[i] = (uint8_t)(255 - i % 256);
    const pst_str values[] = { { (const char *)all, 256 }, { "", 0 },
                               { (const char *)zeros, 17 },
                               { (const char *)big, BIG } };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testBinary_result r;
        int rc = ThriftTest_ThriftTest_testBinary(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testBinary") && !str_eq(r.success, values[i]))
            fail(k, "testBinary(%zu bytes): got %zu bytes \"%s\"", values[i].len,
                 r.success.len, SHOW(r.success));
    }
    free(bytes);
}

/* ---- structs ------------------------------------------------------------- */

static void check_struct(check *k)
{
    const ThriftTest_Xtruct values[] = {
        xtruct("Zero", 1, -3, -5),
        xtruct(NON_ASCII, -128, INT32_MIN, INT64_MAX),
    };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testStruct_result r;
        int rc = ThriftTest_ThriftTest_testStruct(k->x->client, fresh(k), &values[i], &r);
        if (call_ok(k, rc, "testStruct"))
            xtruct_eq(k, "testStruct", &r.success, &values[i]);
    }
}

static void check_nest(check *k)
{
    ThriftTest_Xtruct2 arg;
    ThriftTest_Xtruct2_init(&arg);
    arg.byte_thing = 1;
    arg.struct_thing = xtruct("Zero", 1, -3, -5);
    arg.i32_thing = 5;
    ThriftTest_Xtruct2_set_byte_thing(&arg);
    ThriftTest_Xtruct2_set_struct_thing(&arg);
    ThriftTest_Xtruct2_set_i32_thing(&arg);
    ThriftTest_ThriftTest_testNest_result r;
    int rc = ThriftTest_ThriftTest_testNest(k->x->client, fresh(k), &arg, &r);
    if (!call_ok(k, rc, "testNest"))
        return;
    if (r.success.byte_thing != 1 || r.success.i32_thing != 5)
        fail(k, "testNest: expected byte_thing 1, i32_thing 5, got %d, %" PRId32,
             r.success.byte_thing, r.success.i32_thing);
    xtruct_eq(k, "testNest.struct_thing", &r.success.struct_thing, &arg.struct_thing);
}

/* ---- containers ---------------------------------------------------------- */

/* Order-free comparison of map<i32,i32> with n wanted pairs. */
static bool map_i32_eq(const pst_map *got, const int32_t *keys,
                       const int32_t *values, uint32_t n)
{
    if (got->count != n)
        return false;
    const int32_t *gk = got->keys, *gv = got->values;
    for (uint32_t i = 0; i < n; i++) {
        bool found = false;
        for (uint32_t j = 0; j < n && !found; j++)
            found = gk[j] == keys[i] && gv[j] == values[i];
        if (!found)
            return false;
    }
    return true;
}

/* Order-free comparison of set<i32>: same count, every element present. */
static bool set_i32_eq(const pst_list *got, const int32_t *want, uint32_t n)
{
    if (got->count != n)
        return false;
    const int32_t *g = got->data;
    for (uint32_t i = 0; i < n; i++) {
        bool found = false;
        for (uint32_t j = 0; j < n && !found; j++)
            found = g[j] == want[i];
        if (!found)
            return false;
    }
    return true;
}

static void check_map(check *k)
{
    static const int32_t k1[] = { 0, 1, 2, 3, -1 }, v1[] = { 1, 2, 3, 4, -2 };
    static const int32_t k3[] = { INT32_MIN }, v3[] = { INT32_MAX };
    const struct {
        const int32_t *k, *v;
        uint32_t n;
    } cases[] = { { k1, v1, 5 }, { NULL, NULL, 0 }, { k3, v3, 1 } };
    for (size_t i = 0; i < COUNT(cases) && connected(k); i++) {
        pst_map arg = { (void *)cases[i].k, (void *)cases[i].v, cases[i].n };
        ThriftTest_ThriftTest_testMap_result r;
        int rc = ThriftTest_ThriftTest_testMap(k->x->client, fresh(k), &arg, &r);
        if (call_ok(k, rc, "testMap") &&
            !map_i32_eq(&r.success, cases[i].k, cases[i].v, cases[i].n))
            fail(k, "testMap(%" PRIu32 " entries): got %" PRIu32
                    " entries that differ",
                 cases[i].n, r.success.count);
    }
}

static void check_string_map(check *k)
{
    const pst_str keys[] = { cstr("a"), cstr("b"), cstr("some"), cstr("ключ"), cstr("") };
    const pst_str values[] = { cstr("2"), cstr("blah"), cstr("thing"),
                               cstr("значение"), cstr("") };
    const uint32_t sizes[] = { COUNT(keys), 0 };
    for (size_t c = 0; c < COUNT(sizes) && connected(k); c++) {
        uint32_t n = sizes[c];
        pst_map arg = { (void *)keys, (void *)values, n };
        ThriftTest_ThriftTest_testStringMap_result r;
        int rc = ThriftTest_ThriftTest_testStringMap(k->x->client, fresh(k), &arg, &r);
        if (!call_ok(k, rc, "testStringMap"))
            continue;
        bool same = r.success.count == n;
        const pst_str *gk = r.success.keys, *gv = r.success.values;
        for (uint32_t i = 0; same && i < n; i++) {
            bool found = false;
            for (uint32_t j = 0; j < n && !found; j++)
                found = str_eq(gk[j], keys[i]) && str_eq(gv[j], values[i]);
            same = found;
        }
        if (!same)
            fail(k, "testStringMap(%" PRIu32 " entries): got %" PRIu32
                    " entries that differ",
                 n, r.success.count);
    }
}

static void check_set(check *k)
{
    static const int32_t s1[] = { 8, 1, 42 }, s3[] = { -1, INT32_MAX, INT32_MIN };
    int32_t s4[40];
    for (int i = 0; i < 40; i++)
        s4[i] = i - 20;
    const struct {
        const int32_t *v;
        uint32_t n;
    } cases[] = { { s1, 3 }, { NULL, 0 }, { s3, 3 }, { s4, 40 } };
    for (size_t i = 0; i < COUNT(cases) && connected(k); i++) {
        pst_list arg = { (void *)cases[i].v, cases[i].n };
        ThriftTest_ThriftTest_testSet_result r;
        int rc = ThriftTest_ThriftTest_testSet(k->x->client, fresh(k), &arg, &r);
        if (call_ok(k, rc, "testSet") && !set_i32_eq(&r.success, cases[i].v, cases[i].n))
            fail(k, "testSet(%" PRIu32 " elements): got %" PRIu32
                    " elements that differ",
                 cases[i].n, r.success.count);
    }
}

static void check_list(check *k)
{
    static const int32_t l1[] = { 1, 4, 9, -42 };
    static const int32_t l4[15] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };
    int32_t l3[1000];
    for (int i = 0; i < 1000; i++)
        l3[i] = i - 500;
    const struct {
        const int32_t *v;
        uint32_t n;
    } cases[] = { { l1, 4 }, { NULL, 0 }, { l3, 1000 }, { l4, 15 } };
    for (size_t i = 0; i < COUNT(cases) && connected(k); i++) {
        pst_list arg = { (void *)cases[i].v, cases[i].n };
        ThriftTest_ThriftTest_testList_result r;
        int rc = ThriftTest_ThriftTest_testList(k->x->client, fresh(k), &arg, &r);
        if (!call_ok(k, rc, "testList"))
            continue;
        if (r.success.count != cases[i].n ||
            (cases[i].n && memcmp(r.success.data, cases[i].v,
                                  cases[i].n * sizeof(int32_t)) != 0))
            fail(k, "testList(%" PRIu32 " elements): got %" PRIu32
                    " elements that differ (order matters)",
                 cases[i].n, r.success.count);
    }
}

static void check_enum(check *k)
{
    const ThriftTest_Numberz values[] = { ThriftTest_Numberz_ONE, ThriftTest_Numberz_TWO, ThriftTest_Numberz_FIVE,
                                  ThriftTest_Numberz_EIGHT };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testEnum_result r;
        int rc = ThriftTest_ThriftTest_testEnum(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testEnum") && r.success != (int32_t)values[i])
            fail(k, "testEnum(%d): got %" PRId32, (int)values[i], (int32_t)r.success);
    }
}

static void check_typedef(check *k)
{
    const int64_t values[] = { 0xffffffffffffff, -1, INT64_MIN };
    for (size_t i = 0; i < COUNT(values) && connected(k); i++) {
        ThriftTest_ThriftTest_testTypedef_result r;
        int rc = ThriftTest_ThriftTest_testTypedef(k->x->client, fresh(k), values[i], &r);
        if (call_ok(k, rc, "testTypedef") && r.success != values[i])
            fail(k, "testTypedef(%" PRId64 "): got %" PRId64, values[i], r.success);
    }
}

static void check_map_map(check *k)
{
    ThriftTest_ThriftTest_testMapMap_result r;
    int rc = ThriftTest_ThriftTest_testMapMap(k->x->client, fresh(k), 42, &r);
    if (!call_ok(k, rc, "testMapMap(42)"))
        return;
    static const int32_t neg[] = { -4, -3, -2, -1 }, pos[] = { 1, 2, 3, 4 };
    const int32_t *keys = r.success.keys;
    const pst_map *inner = r.success.values;
    bool ok = r.success.count == 2;
    bool seen_neg = false, seen_pos = false;
    for (uint32_t i = 0; ok && i < 2; i++) {
        if (keys[i] == -4 && !seen_neg)
            ok = seen_neg = map_i32_eq(&inner[i], neg, neg, 4);
        else if (keys[i] == 4 && !seen_pos)
            ok = seen_pos = map_i32_eq(&inner[i], pos, pos, 4);
        else
            ok = false;
    }
    if (!ok)
        fail(k, "testMapMap(42): expected {-4: {-4: -4, -3: -3, -2: -2, -1: -1}, "
                "4: {1: 1, 2: 2, 3: 3, 4: 4}}, got %" PRIu32 " entries that differ",
             r.success.count);
}

/* ---- testInsanity, testMulti ------------------------------------------- */

static bool insanity_eq(check *k, const char *what, const ThriftTest_Insanity *got,
                        const ThriftTest_Insanity *want)
{
    const int32_t *wk = want->userMap.keys, *gk = got->userMap.keys;
    const int64_t *wv = want->userMap.values, *gv = got->userMap.values;
    bool same = got->userMap.count == want->userMap.count;
    for (uint32_t i = 0; same && i < want->userMap.count; i++) {
        bool found = false;
        for (uint32_t j = 0; j < got->userMap.count && !found; j++)
            found = gk[j] == wk[i] && gv[j] == wv[i];
        same = found;
    }
    if (!same) {
        fail(k, "%s.userMap: %" PRIu32 " entries, expected %" PRIu32 " that differ",
             what, got->userMap.count, want->userMap.count);
        return false;
    }
    if (got->xtructs.count != want->xtructs.count) {
        fail(k, "%s.xtructs: %" PRIu32 " elements, expected %" PRIu32, what,
             got->xtructs.count, want->xtructs.count);
        return false;
    }
    const ThriftTest_Xtruct *gx = got->xtructs.data, *wx = want->xtructs.data;
    for (uint32_t i = 0; i < want->xtructs.count; i++)
        if (!xtruct_eq(k, what, &gx[i], &wx[i]))
            return false;
    return true;
}

static void check_insanity(check *k)
{
    static const int32_t numbers[] = { ThriftTest_Numberz_FIVE, ThriftTest_Numberz_EIGHT };
    static const int64_t user_ids[] = { 5, 8 };
    const ThriftTest_Xtruct xs[] = { xtruct("Goodbye4", 4, 4, 4), xtruct("Hello2", 2, 2, 2) };
    ThriftTest_Insanity arg, empty;
    ThriftTest_Insanity_init(&arg);
    ThriftTest_Insanity_init(&empty);
    arg.userMap = (pst_map){ (void *)numbers, (void *)user_ids, 2 };
    arg.xtructs = (pst_list){ (void *)xs, 2 };
    ThriftTest_Insanity_set_userMap(&arg);
    ThriftTest_Insanity_set_xtructs(&arg);

    ThriftTest_ThriftTest_testInsanity_result r;
    int rc = ThriftTest_ThriftTest_testInsanity(k->x->client, fresh(k), &arg, &r);
    if (!call_ok(k, rc, "testInsanity"))
        return;
    const int64_t *ids = r.success.keys;
    const pst_map *by_number = r.success.values;
    if (r.success.count != 2) {
        fail(k, "testInsanity: expected 2 entries, got %" PRIu32, r.success.count);
        return;
    }
    bool seen1 = false, seen2 = false;
    for (uint32_t i = 0; i < 2; i++) {
        const int32_t *nk = by_number[i].keys;
        const ThriftTest_Insanity *nv = by_number[i].values;
        if (ids[i] == 1 && !seen1) {
            seen1 = true;
            if (by_number[i].count != 2 ||
                !((nk[0] == ThriftTest_Numberz_TWO && nk[1] == ThriftTest_Numberz_THREE) ||
                  (nk[0] == ThriftTest_Numberz_THREE && nk[1] == ThriftTest_Numberz_TWO))) {
                fail(k, "testInsanity[1]: expected keys TWO and THREE");
                return;
            }
            if (!insanity_eq(k, "testInsanity[1][0]", &nv[0], &arg) ||
                !insanity_eq(k, "testInsanity[1][1]", &nv[1], &arg))
                return;
        } else if (ids[i] == 2 && !seen2) {
            seen2 = true;
            if (by_number[i].count != 1 || nk[0] != ThriftTest_Numberz_SIX) {
                fail(k, "testInsanity[2]: expected {SIX: empty Insanity}");
                return;
            }
            if (!insanity_eq(k, "testInsanity[2][SIX]", &nv[0], &empty))
                return;
        } else {
            fail(k, "testInsanity: unexpected or repeated key %" PRId64, ids[i]);
            return;
        }
    }
}

static void check_multi(check *k)
{
    static const int16_t keys[] = { 0, -1 };
    const pst_str values[] = { cstr("abc"), cstr("ü") };
    pst_map arg3 = { (void *)keys, (void *)values, 2 };
    ThriftTest_ThriftTest_testMulti_result r;
    int rc = ThriftTest_ThriftTest_testMulti(k->x->client, fresh(k), 74, 0xff00ff,
                                     0xffffffffd0d0, &arg3, ThriftTest_Numberz_FIVE,
                                     0xf0f0f0, &r);
    ThriftTest_Xtruct want = xtruct("Hello2", 74, 0xff00ff, 0xffffffffd0d0);
    if (call_ok(k, rc, "testMulti"))
        xtruct_eq(k, "testMulti", &r.success, &want);
}

/* ---- exceptions ---------------------------------------------------------- */

static void check_exception(check *k)
{
    ThriftTest_ThriftTest_testException_result r;
    call_ok(k, ThriftTest_ThriftTest_testException(k->x->client, fresh(k), cstr("Safe"), &r),
            "testException(Safe)");

    if (!connected(k))
        return;
    int rc = ThriftTest_ThriftTest_testException(k->x->client, fresh(k), cstr("Xception"), &r);
    if (rc == PST_E_DECLARED_EXCEPTION) {
        if (!ThriftTest_ThriftTest_testException_result_isset_err1(&r))
            fail(k, "testException(Xception): declared exception without err1");
        else if (r.err1.errorCode != 1001 || !str_eq(r.err1.message, cstr("Xception")))
            fail(k, "testException(Xception): expected Xception{1001, \"Xception\"}, "
                    "got {%" PRId32 ", \"%s\"}",
                 r.err1.errorCode, SHOW(r.err1.message));
    } else if (rc == 0) {
        fail(k, "testException(Xception): returned normally, expected Xception");
    } else {
        call_ok(k, rc, "testException(Xception)");
    }

    if (!connected(k))
        return;
    rc = ThriftTest_ThriftTest_testException(k->x->client, fresh(k), cstr("TException"), &r);
    if (rc == 0)
        fail(k, "testException(TException): returned normally, expected an "
                "application exception");
    else if (rc == PST_E_DECLARED_EXCEPTION)
        fail(k, "testException(TException): got a declared exception, expected an "
                "application exception");
    else if (rc != PST_E_APP_EXCEPTION)
        call_ok(k, rc, "testException(TException)");

    /* The connection must survive an application exception. */
    if (!connected(k))
        return;
    call_ok(k, ThriftTest_ThriftTest_testException(k->x->client, fresh(k), cstr("success"), &r),
            "testException(success)");
}

static void check_multi_exception(check *k)
{
    ThriftTest_ThriftTest_testMultiException_result r;
    int rc = ThriftTest_ThriftTest_testMultiException(k->x->client, fresh(k), cstr("Xception"),
                                              cstr("ignore"), &r);
    if (rc == PST_E_DECLARED_EXCEPTION &&
        ThriftTest_ThriftTest_testMultiException_result_isset_err1(&r)) {
        if (r.err1.errorCode != 1001 ||
            !str_eq(r.err1.message, cstr("This is an Xception")))
            fail(k, "testMultiException(Xception): got Xception{%" PRId32 ", \"%s\"}",
                 r.err1.errorCode, SHOW(r.err1.message));
    } else if (rc == 0 || rc == PST_E_DECLARED_EXCEPTION) {
        fail(k, "testMultiException(Xception): expected Xception, got %s",
             rc == 0 ? "a normal return" : "another exception");
    } else {
        call_ok(k, rc, "testMultiException(Xception)");
    }

    if (!connected(k))
        return;
    rc = ThriftTest_ThriftTest_testMultiException(k->x->client, fresh(k), cstr("Xception2"),
                                          cstr("ignore"), &r);
    if (rc == PST_E_DECLARED_EXCEPTION &&
        ThriftTest_ThriftTest_testMultiException_result_isset_err2(&r)) {
        ThriftTest_Xtruct want = xtruct("This is an Xception2", 0, 0, 0);
        if (r.err2.errorCode != 2002)
            fail(k, "testMultiException(Xception2): errorCode %" PRId32
                    ", expected 2002",
                 r.err2.errorCode);
        xtruct_eq(k, "testMultiException(Xception2).struct_thing",
                  &r.err2.struct_thing, &want);
    } else if (rc == 0 || rc == PST_E_DECLARED_EXCEPTION) {
        fail(k, "testMultiException(Xception2): expected Xception2, got %s",
             rc == 0 ? "a normal return" : "another exception");
    } else {
        call_ok(k, rc, "testMultiException(Xception2)");
    }

    if (!connected(k))
        return;
    rc = ThriftTest_ThriftTest_testMultiException(k->x->client, fresh(k), cstr("success"),
                                          cstr("foobar"), &r);
    ThriftTest_Xtruct want = xtruct("foobar", 0, 0, 0);
    if (call_ok(k, rc, "testMultiException(success)"))
        xtruct_eq(k, "testMultiException(success)", &r.success, &want);
}

/* A method the server does not have: Thrift servers answer with a
 * TApplicationException UNKNOWN_METHOD and keep the connection. */
static void check_unknown_method(check *k)
{
    const pst_method_desc *void_method = &ThriftTest_ThriftTest_desc.methods[0];
    pst_method_desc unknown = *void_method;
    unknown.name = "noSuchMethod";
    ThriftTest_ThriftTest_testVoid_args args;
    ThriftTest_ThriftTest_testVoid_args_init(&args);
    ThriftTest_ThriftTest_testVoid_result r;
    ThriftTest_ThriftTest_testVoid_result_init(&r);
    int rc = pst_client_call(k->x->client, &unknown, &args, &r, fresh(k));
    if (rc == PST_E_APP_EXCEPTION) {
        const pst_app_exception *ae = pst_client_app_exception(k->x->client);
        if (!ae || ae->type != PST_APPEX_UNKNOWN_METHOD)
            fail(k, "noSuchMethod: application exception %s, expected UNKNOWN_METHOD",
                 ae ? pst_app_exception_type_name(ae->type) : "(none)");
    } else if (rc == 0) {
        fail(k, "noSuchMethod: returned normally, expected UNKNOWN_METHOD");
    } else {
        call_ok(k, rc, "noSuchMethod");
    }
    if (!connected(k))
        return;
    ThriftTest_ThriftTest_testVoid_result vr;
    call_ok(k, ThriftTest_ThriftTest_testVoid(k->x->client, fresh(k), &vr),
            "testVoid after noSuchMethod");
}

static void check_oneway(check *k)
{
    /* No reply may come for a oneway call: the next call on the same
     * connection must still get its own answer. */
    if (!call_ok(k, ThriftTest_ThriftTest_testOneway(k->x->client, fresh(k), 1),
                 "testOneway(1)") ||
        !connected(k))
        return;
    ThriftTest_ThriftTest_testString_result r;
    int rc = ThriftTest_ThriftTest_testString(k->x->client, fresh(k), cstr("after oneway"), &r);
    if (call_ok(k, rc, "testString after testOneway") &&
        !str_eq(r.success, cstr("after oneway")))
        fail(k, "testString after testOneway: got \"%s\"", SHOW(r.success));
}

/* SecondService beside ThriftTest on a multiplexed server: Thrift's test
 * servers answer secondtestString("x") with testString("x"). */
static void check_second_service(check *k)
{
    pst_client *second = *k->x->second;
    if (!second) {
        fail(k, "no SecondService client");
        return;
    }
    ThriftTest_SecondService_secondtestString_result r;
    int rc = ThriftTest_SecondService_secondtestString(second, fresh(k),
                                               cstr("postern"), &r);
    if (rc == PST_E_APP_EXCEPTION) {
        const pst_app_exception *ae = pst_client_app_exception(second);
        fail(k, "secondtestString(\"postern\"): application exception %s: %s",
             ae ? pst_app_exception_type_name(ae->type) : "?",
             ae ? SHOW(ae->message) : "");
    } else if (rc != 0) {
        const pst_error *e = pst_client_error(second);
        fail(k, "secondtestString(\"postern\"): %s (%s)", pst_strerror_name(rc),
             e && e->message[0] ? e->message : pst_strerror(rc));
        if (pst_client_broken(second))
            reconnect(k);
    } else if (!str_eq(r.success, cstr("testString(\"postern\")"))) {
        fail(k, "secondtestString(\"postern\"): got \"%s\", expected "
                "testString(\"postern\")", SHOW(r.success));
    }
}

/* ---- the list ------------------------------------------------------------ */

static const struct {
    const char *method;
    int group;
    void (*run)(check *k);
} CHECKS[] = {
    { "testVoid", TT_ERR_BASETYPES, check_void },
    { "testString", TT_ERR_BASETYPES, check_string },
    { "testBool", TT_ERR_BASETYPES, check_bool },
    { "testByte", TT_ERR_BASETYPES, check_byte },
    { "testI32", TT_ERR_BASETYPES, check_i32 },
    { "testI64", TT_ERR_BASETYPES, check_i64 },
    { "testDouble", TT_ERR_BASETYPES, check_double },
    { "testBinary", TT_ERR_BASETYPES, check_binary },
    { "testStruct", TT_ERR_STRUCTS, check_struct },
    { "testNest", TT_ERR_STRUCTS, check_nest },
    { "testMap", TT_ERR_CONTAINERS, check_map },
    { "testStringMap", TT_ERR_CONTAINERS, check_string_map },
    { "testSet", TT_ERR_CONTAINERS, check_set },
    { "testList", TT_ERR_CONTAINERS, check_list },
    { "testEnum", TT_ERR_STRUCTS, check_enum },
    { "testTypedef", TT_ERR_STRUCTS, check_typedef },
    { "testMapMap", TT_ERR_CONTAINERS, check_map_map },
    { "testInsanity", TT_ERR_STRUCTS, check_insanity },
    { "testMulti", TT_ERR_STRUCTS, check_multi },
    { "testException", TT_ERR_EXCEPTIONS, check_exception },
    { "testMultiException", TT_ERR_EXCEPTIONS, check_multi_exception },
    { "unknown method", TT_ERR_EXCEPTIONS, check_unknown_method },
    { "testOneway", TT_ERR_BASETYPES, check_oneway },
    /* multiplexed runs only (the last entry) */
    { "SecondService.secondtestString", TT_ERR_BASETYPES, check_second_service },
};

unsigned tt_check_count(const tt_checker *x)
{
    return (unsigned)COUNT(CHECKS) - (x->second ? 0u : 1u);
}

void tt_run_checks(tt_checker *x)
{
    for (size_t i = 0; i < tt_check_count(x); i++) {
        check k = { x, CHECKS[i].method, CHECKS[i].group, false };
        if (!x->client) {
            fail(&k, "not run: no connection");
        } else {
            CHECKS[i].run(&k);
        }
        if (k.failed)
            x->checks_failed++;
        else if (x->verbose)
            printf("ok   %s\n", k.method);
    }
}
