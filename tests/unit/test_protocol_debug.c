/*
 * test_protocol_debug.c: the debug protocol (postern/debug.h). Its look
 * (TDebugProtocol's), and that it reads back: every ThriftTest type
 * (structs, unions, exceptions, every method's args and result) and the
 * codec tests' Everything (uuid, every kind) with random values, printed
 * and parsed, give the same value (compared through their binary
 * encoding, so doubles to the bit); strings with every byte; absent
 * optional fields; messages; and clear errors for text it cannot take.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "ThriftTest.h"
#include "postern/debug.h"
#include "test.h"
#include "test_codec_types.h"

static const pst_protocol *const P = &pst_protocol_debug;

/* ---- random values from descriptors ------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void *alloc(pst_arena *a, size_t n)
{
    return pst_arena_calloc(a, n ? n : 1);
}

static double rnd_double(void)
{
    static const double special[] = { 0.0, -0.0, 0.1, -2.5, 1e308, 5e-324,
                                      DBL_MAX, -DBL_MIN, 1.0 / 3, 123456789.0 };
    uint64_t r = rnd();
    double d;
    switch (r % 4) {
    case 0:
        return special[(r >> 8) % (sizeof special / sizeof special[0])];
    case 1: { /* any bits: NaNs with payloads, infinities, subnormals */
        uint64_t bits = rnd();
        memcpy(&d, &bits, 8);
        return d;
    }
    case 2:
        return (double)(int64_t)rnd() / 1e6;
    default:
        return ldexp((double)(rnd() % 1000000), (int)(rnd() % 200) - 100);
    }
}

static void gen_struct(const pst_struct_desc *d, void *v, pst_arena *a,
                       int depth);

/* One value of t at m; key >= 0: a set element or map key, distinct for
 * each key index (readers keep each key once). */
static void gen_value(const pst_type *t, void *m, pst_arena *a, int depth,
                      long key)
{
    uint64_t r = rnd();
    switch (t->kind) {
    case PST_K_BOOL:
        *(bool *)m = key >= 0 ? key == 1 : (r & 1);
        break;
    case PST_K_I8:
        *(int8_t *)m = key >= 0 ? (int8_t)(key - 2) : (int8_t)r;
        break;
    case PST_K_I16:
        *(int16_t *)m = key >= 0 ? (int16_t)(key * 7 - 3) : (int16_t)r;
        break;
    case PST_K_I32:
    case PST_K_ENUM:
        *(int32_t *)m = key >= 0 ? (int32_t)(key * 1000 - 1) : (int32_t)r;
        break;
    case PST_K_I64:
        *(int64_t *)m = key >= 0 ? key * 3000000000ll : (int64_t)r;
        break;
    case PST_K_DOUBLE:
        *(double *)m = key >= 0 ? key + 0.25 : rnd_double();
        break;
    case PST_K_STRING:
    case PST_K_BINARY: {
        size_t n = r % 12;
        char *s = alloc(a, n + 4);
        for (size_t i = 0; i < n; i++) /* every byte: escapes, UTF-8, NUL */
            s[i] = (char)(rnd() % 4 ? 0x20 + rnd() % 95 : rnd() % 256);
        if (key >= 0) { /* distinct: a prefix of its own */
            s[0] = (char)('A' + key);
            n = n ? n : 1;
        }
        ((pst_str *)m)->ptr = s;
        ((pst_str *)m)->len = n;
        break;
    }
    case PST_K_UUID:
        for (int i = 0; i < 16; i++)
            ((uint8_t *)m)[i] = (uint8_t)rnd();
        if (key >= 0)
            ((uint8_t *)m)[0] = (uint8_t)key;
        break;
    case PST_K_STRUCT:
        gen_struct(t->sdesc, m, a, depth + 1);
        break;
    case PST_K_STRUCT_PTR: {
        void *sv = alloc(a, t->sdesc->size);
        gen_struct(t->sdesc, sv, a, depth + 1);
        *(void **)m = sv;
        break;
    }
    case PST_K_LIST:
    case PST_K_SET: {
        pst_list *l = m;
        const pst_type *e = t->elem;
        bool keyed = t->kind == PST_K_SET;
        uint32_t n = depth > 3 ? 0 : (uint32_t)(r % 4);
        if (keyed && (e->kind == PST_K_BOOL) && n > 2)
            n = 2;
        if (keyed && e->kind >= PST_K_STRUCT && n > 1)
            n = 1; /* no way to make containers or structs distinct */
        l->data = alloc(a, (size_t)n * e->size);
        l->count = n;
        for (uint32_t i = 0; i < n; i++)
            gen_value(e, (uint8_t *)l->data + (size_t)i * e->size, a, depth,
                      keyed ? (long)i : -1);
        break;
    }
    case PST_K_MAP: {
        pst_map *mp = m;
        uint32_t n = depth > 3 ? 0 : (uint32_t)(r % 4);
        if (t->elem->kind == PST_K_BOOL && n > 2)
            n = 2;
        if (t->elem->kind >= PST_K_STRUCT && n > 1)
            n = 1;
        mp->keys = alloc(a, (size_t)n * t->elem->size);
        mp->values = alloc(a, (size_t)n * t->value->size);
        mp->count = n;
        for (uint32_t i = 0; i < n; i++) {
            gen_value(t->elem, (uint8_t *)mp->keys + (size_t)i * t->elem->size,
                      a, depth, (long)i);
            gen_value(t->value,
                      (uint8_t *)mp->values + (size_t)i * t->value->size, a,
                      depth, -1);
        }
        break;
    }
    }
}

static void gen_struct(const pst_struct_desc *d, void *v, pst_arena *a,
                       int depth)
{
    pst_struct_init(d, v);
    int member = d->kind == PST_UNION && d->nfields
                     ? (int)(rnd() % (d->nfields + 1u)) - 1
                     : -2; /* a union: one member or none */
    for (unsigned i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        uint8_t *m = (uint8_t *)v + f->offset;
        if (d->kind == PST_UNION) {
            if ((int)i != member)
                continue;
        } else if (f->req == PST_REQ_OPTIONAL && rnd() % 3 == 0) {
            continue; /* absent */
        }
        if (f->kind == PST_K_STRUCT_PTR && (depth > 3 || rnd() % 2)) {
            if (f->req == PST_REQ_OPTIONAL || d->kind == PST_UNION)
                continue;
        }
        if (f->kind == PST_K_STRUCT_PTR && depth > 3)
            continue;
        gen_value(f->type, m, a, depth, -1);
        pst_set_isset(d, v, f->isset_bit, true);
    }
}

/* ---- helpers ------------------------------------------------------------ */

static char *print(const pst_struct_desc *d, const void *v)
{
    char *s = pst_debug_string(d, v, NULL);
    CHECK(s != NULL);
    return s;
}

/* Binary bytes of v: equal values, equal bytes (doubles by their bits). */
static void binary_of(const pst_struct_desc *d, const void *v, pst_wbuf *w)
{
    pst_wbuf_init(w, 0);
    CHECK_EQ_INT(pst_protocol_binary.write_struct(w, d, v, NULL), 0);
}

/* Print v, parse it back, and check the value and its text are the same. */
static int round_trip(const pst_struct_desc *d, const void *v)
{
    int failures = test_failures_;
    char *text = print(d, v);
    if (!text)
        return 0;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    void *back = alloc(&a, d->size);
    pst_error err = { 0, "" };
    int rc = pst_debug_parse(text, strlen(text), d, back, &a, NULL, &err);
    CHECK_EQ_INT(rc, 0);
    if (rc == 0) {
        pst_wbuf w1, w2;
        binary_of(d, v, &w1);
        binary_of(d, back, &w2);
        CHECK(w1.len == w2.len && memcmp(w1.data, w2.data, w1.len) == 0);
        char *again = print(d, back);
        CHECK(again && strcmp(again, text) == 0);
        free(again);
        pst_wbuf_free(&w1);
        pst_wbuf_free(&w2);
    }
    if (test_failures_ != failures)
        fprintf(stderr, "%s: %s\n--- text:\n%s\n", d->name, err.message, text);
    free(text);
    pst_arena_release(&a);
    return test_failures_ == failures;
}

/* ---- tests -------------------------------------------------------------- */

static void test_look(void)
{
    /* Thrift's look: name {, "NN: name (type) = value," lines, two spaces
     * per level, bytes in hex, list indexes, "->" in maps */
    ThriftTest_Xtruct x;
    ThriftTest_Xtruct_init(&x);
    x.string_thing = PST_STR("Zero\n\"q\"\x01");
    x.byte_thing = -1;
    x.i32_thing = -3;
    x.i64_thing = 1234567890123ll;
    ThriftTest_Xtruct2 x2;
    ThriftTest_Xtruct2_init(&x2);
    x2.byte_thing = 1;
    x2.struct_thing = x;
    x2.i32_thing = 5;
    char *s = print(&ThriftTest_Xtruct2_desc, &x2);
    static const char want[] =
        "Xtruct2 {\n"
        "  01: byte_thing (byte) = 0x01,\n"
        "  02: struct_thing (struct) = Xtruct {\n"
        "    01: string_thing (string) = \"Zero\\n\\\"q\\\"\\x01\",\n"
        "    04: byte_thing (byte) = 0xff,\n"
        "    09: i32_thing (i32) = -3,\n"
        "    11: i64_thing (i64) = 1234567890123,\n"
        "  },\n"
        "  03: i32_thing (i32) = 5,\n"
        "}";
    CHECK(s && strcmp(s, want) == 0);
    if (s && strcmp(s, want) != 0)
        fprintf(stderr, "got:\n%s\n", s);
    free(s);

    ThriftTest_Insanity ins;
    ThriftTest_Insanity_init(&ins);
    int32_t keys[] = { 5 };
    int64_t vals[] = { 7 };
    ins.userMap = (pst_map){ keys, vals, 1 };
    ins.xtructs = (pst_list){ &x, 1 };
    ThriftTest_Insanity_set_userMap(&ins);
    ThriftTest_Insanity_set_xtructs(&ins);
    s = print(&ThriftTest_Insanity_desc, &ins);
    static const char want2[] =
        "Insanity {\n"
        "  01: userMap (map) = map<i32,i64>[1] {\n"
        "    5 -> 7,\n"
        "  },\n"
        "  02: xtructs (list) = list<struct>[1] {\n"
        "    [0] = Xtruct {\n"
        "      01: string_thing (string) = \"Zero\\n\\\"q\\\"\\x01\",\n"
        "      04: byte_thing (byte) = 0xff,\n"
        "      09: i32_thing (i32) = -3,\n"
        "      11: i64_thing (i64) = 1234567890123,\n"
        "    },\n"
        "  },\n"
        "}";
    CHECK(s && strcmp(s, want2) == 0);
    if (s && strcmp(s, want2) != 0)
        fprintf(stderr, "got:\n%s\n", s);
    free(s);

    /* one line, for log lines */
    pst_debug_options o = PST_DEBUG_OPTIONS_INIT;
    o.one_line = true;
    ThriftTest_Bonk b;
    ThriftTest_Bonk_init(&b);
    b.message = PST_STR("hi");
    b.type = 2;
    s = pst_debug_string(&ThriftTest_Bonk_desc, &b, &o);
    CHECK(s && strcmp(s, "Bonk { 01: message (string) = \"hi\", "
                         "02: type (i32) = 2, }") == 0);
    free(s);
}

static void test_round_trip_every_thrifttest_type(void)
{
    static const pst_struct_desc *const types[] = {
        &ThriftTest_Bonk_desc, &ThriftTest_Bools_desc, &ThriftTest_Xtruct_desc,
        &ThriftTest_Xtruct2_desc, &ThriftTest_Xtruct3_desc,
        &ThriftTest_Insanity_desc, &ThriftTest_CrazyNesting_desc,
        &ThriftTest_SomeUnion_desc, &ThriftTest_Xception_desc,
        &ThriftTest_Xception2_desc, &ThriftTest_EmptyStruct_desc,
        &ThriftTest_OneField_desc, &ThriftTest_VersioningTestV1_desc,
        &ThriftTest_VersioningTestV2_desc,
        &ThriftTest_ListTypeVersioningV1_desc,
        &ThriftTest_ListTypeVersioningV2_desc,
        &ThriftTest_GuessProtocolStruct_desc, &ThriftTest_LargeDeltas_desc,
        &ThriftTest_NestedListsI32x2_desc, &ThriftTest_NestedListsI32x3_desc,
        &ThriftTest_NestedMixedx2_desc, &ThriftTest_ListBonks_desc,
        &ThriftTest_NestedListsBonk_desc, &ThriftTest_BoolTest_desc,
        &ThriftTest_StructA_desc, &ThriftTest_StructB_desc,
        &ThriftTest_OptionalSetDefaultTest_desc,
        &ThriftTest_OptionalBinary_desc, &T_Everything_desc, &T_Choice_desc,
        &T_Node_desc, &T_Req_desc,
    };
    unsigned ok = 0, total = 0;
    for (int round = 0; round < 40; round++) {
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            pst_arena a;
            pst_arena_init(&a, NULL, 0, 0);
            void *v = alloc(&a, types[i]->size);
            gen_struct(types[i], v, &a, 0);
            ok += (unsigned)round_trip(types[i], v);
            total++;
            pst_arena_release(&a);
        }
        /* every method's arguments and result */
        const pst_service_desc *svc[] = { &ThriftTest_ThriftTest_desc,
                                          &ThriftTest_SecondService_desc };
        for (size_t k = 0; k < 2; k++) {
            for (uint32_t m = 0; m < svc[k]->nmethods; m++) {
                const pst_method_desc *md = &svc[k]->methods[m];
                const pst_struct_desc *ds[2] = { md->args, md->result };
                for (int j = 0; j < 2; j++) {
                    if (!ds[j])
                        continue;
                    pst_arena a;
                    pst_arena_init(&a, NULL, 0, 0);
                    void *v = alloc(&a, ds[j]->size);
                    gen_struct(ds[j], v, &a, 0);
                    ok += (unsigned)round_trip(ds[j], v);
                    total++;
                    pst_arena_release(&a);
                }
            }
        }
    }
    CHECK_EQ_INT(ok, total);
    T_Everything ev;
    everything_value(&ev);
    CHECK(round_trip(&T_Everything_desc, &ev));
}

static void test_doubles_exact(void)
{
    /* shortest text, and the same bits back: every sort of double */
    static const struct { double v; const char *text; } cases[] = {
        { 0.1, "0.1" },     { -0.0, "-0" },   { 1.0, "1" },
        { 1e308, "1e+308" }, { 5e-324, "4.94065645841247e-324" },
        { 1.0 / 3, "0.3333333333333333" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ThriftTest_ThriftTest_testDouble_args a;
        ThriftTest_ThriftTest_testDouble_args_init(&a);
        a.thing = cases[i].v;
        char *s = print(&ThriftTest_ThriftTest_testDouble_args_desc, &a);
        char want[96];
        snprintf(want, sizeof want,
                 "testDouble_args {\n  01: thing (double) = %s,\n}",
                 cases[i].text);
        CHECK(s && strcmp(s, want) == 0);
        if (s && strcmp(s, want))
            fprintf(stderr, "got %s\n", s);
        free(s);
        CHECK(round_trip(&ThriftTest_ThriftTest_testDouble_args_desc, &a));
    }
    uint64_t bits[] = { 0x7ff8000000000000ull, 0xfff8000000000000ull,
                        0x7ff0000000000001ull, 0xfff4000000000abcull,
                        0x7ff0000000000000ull, 0xfff0000000000000ull,
                        0x0000000000000001ull, 0x800fffffffffffffull };
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        ThriftTest_ThriftTest_testDouble_args a;
        ThriftTest_ThriftTest_testDouble_args_init(&a);
        memcpy(&a.thing, &bits[i], 8);
        CHECK(round_trip(&ThriftTest_ThriftTest_testDouble_args_desc, &a));
    }
    for (int i = 0; i < 20000; i++) { /* random bits */
        ThriftTest_ThriftTest_testDouble_args a;
        ThriftTest_ThriftTest_testDouble_args_init(&a);
        uint64_t b = rnd();
        memcpy(&a.thing, &b, 8);
        char *s = print(&ThriftTest_ThriftTest_testDouble_args_desc, &a);
        pst_arena ar;
        pst_arena_init(&ar, NULL, 0, 0);
        ThriftTest_ThriftTest_testDouble_args back;
        pst_error err = { 0, "" };
        int rc = pst_debug_parse(s, strlen(s),
                                 &ThriftTest_ThriftTest_testDouble_args_desc,
                                 &back, &ar, NULL, &err);
        uint64_t got;
        memcpy(&got, &back.thing, 8);
        if (rc != 0 || got != b) {
            CHECK(0);
            fprintf(stderr, "%016llx: %s (%s)\n", (unsigned long long)b, s,
                    err.message);
        }
        free(s);
        pst_arena_release(&ar);
    }
}

static void test_strings_every_byte(void)
{
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)i;
    ThriftTest_ThriftTest_testBinary_args b;
    ThriftTest_ThriftTest_testBinary_args_init(&b);
    b.thing = (pst_str){ all, 256 };
    CHECK(round_trip(&ThriftTest_ThriftTest_testBinary_args_desc, &b));
    ThriftTest_ThriftTest_testString_args s;
    ThriftTest_ThriftTest_testString_args_init(&s);
    s.thing = PST_STR("tab\there \\ \"quoted\" h\xc3\xa9llo \a\b\f\v\r\n");
    CHECK(round_trip(&ThriftTest_ThriftTest_testString_args_desc, &s));
    s.thing = (pst_str){ NULL, 0 }; /* an unset string prints as "" */
    CHECK(round_trip(&ThriftTest_ThriftTest_testString_args_desc, &s));
}

static void test_absent_optional_and_union(void)
{
    T_Everything ev;
    everything_value(&ev);
    ev.isset_[0] = ev.isset_[1] = ev.isset_[2] = ev.isset_[3] = 0;
    char *s = print(&T_Everything_desc, &ev);
    CHECK(s && !strstr(s, "opt (") && !strstr(s, "far ("));
    free(s);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Everything back;
    pst_error err = { 0, "" };
    s = print(&T_Everything_desc, &ev);
    CHECK_EQ_INT(pst_debug_parse(s, strlen(s), &T_Everything_desc, &back, &a,
                                 NULL, &err),
                 0);
    for (unsigned i = 0; i < T_Everything_desc.nfields; i++) {
        const pst_field *f = &T_Everything_desc.fields[i];
        if (f->req == PST_REQ_OPTIONAL)
            CHECK(!pst_isset(&T_Everything_desc, &back, f->isset_bit));
    }
    free(s);

    ThriftTest_SomeUnion u;
    ThriftTest_SomeUnion_init(&u);
    s = print(&ThriftTest_SomeUnion_desc, &u);
    CHECK(s && strcmp(s, "SomeUnion {\n}") == 0);
    free(s);
    u.i32_thing = 7;
    ThriftTest_SomeUnion_set_i32_thing(&u);
    s = print(&ThriftTest_SomeUnion_desc, &u);
    CHECK(s && strcmp(s, "SomeUnion {\n  03: i32_thing (i32) = 7,\n}") == 0);
    free(s);
    CHECK(round_trip(&ThriftTest_SomeUnion_desc, &u));
    pst_arena_release(&a);
}

static void test_message(void)
{
    ThriftTest_ThriftTest_testI32_args args;
    ThriftTest_ThriftTest_testI32_args_init(&args);
    args.thing = -9;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("testI32"), PST_MSG_CALL, 77 };
    CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
    CHECK_EQ_INT(P->write_struct(&w, &ThriftTest_ThriftTest_testI32_args_desc,
                                 &args, NULL),
                 0);
    CHECK_EQ_INT(pst_protocol_write_message_end(P, &w), 0);
    static const char want[] = "(call seqid=77) testI32(testI32_args {\n"
                               "  01: thing (i32) = -9,\n"
                               "})\n";
    CHECK(w.len == strlen(want) && memcmp(w.data, want, w.len) == 0);

    /* two messages back to back: each one's length */
    size_t one = w.len;
    pst_wbuf_append(&w, w.data, one);
    size_t len = 0;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(P->message_length(w.data, w.len, NULL, &len, &err), 0);
    CHECK_EQ_INT(len, one);
    for (size_t n = 0; n < one; n++) { /* every prefix: more bytes needed */
        int rc = P->message_length(w.data, n, NULL, &len, &err);
        CHECK_EQ_INT(rc, PST_E_SHORT);
        if (rc != PST_E_SHORT)
            fprintf(stderr, "prefix of %zu bytes: %s\n", n, err.message);
        pst_error_clear(&err);
    }

    pst_rbuf r;
    pst_rbuf_init(&r, w.data, one, &err);
    pst_msg_header got;
    CHECK_EQ_INT(P->read_message_begin(&r, &got, NULL), 0);
    CHECK(got.name.len == 7 && memcmp(got.name.ptr, "testI32", 7) == 0);
    CHECK_EQ_INT(got.type, PST_MSG_CALL);
    CHECK_EQ_INT(got.seqid, 77);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    ThriftTest_ThriftTest_testI32_args back;
    CHECK_EQ_INT(P->read_struct(&r, &ThriftTest_ThriftTest_testI32_args_desc,
                                &back, &a, NULL),
                 0);
    CHECK_EQ_INT(back.thing, -9);
    CHECK_EQ_INT(pst_protocol_read_message_end(P, &r, NULL), 0);

    /* Thrift's own header (no seqid) and an unknown type number read too */
    const char *thrift = "(oneway) ping(args {\n})\n";
    pst_rbuf_init(&r, thrift, strlen(thrift), &err);
    CHECK_EQ_INT(P->read_message_begin(&r, &got, NULL), 0);
    CHECK_EQ_INT(got.type, PST_MSG_ONEWAY);
    CHECK_EQ_INT(got.seqid, 0);
    CHECK_EQ_INT(P->skip_struct(&r, NULL), 0);
    CHECK_EQ_INT(pst_protocol_read_message_end(P, &r, NULL), 0);
    CHECK(r.p == r.end);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

static void expect_parse_error(const char *text, int code, const char *needle)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Everything v;
    pst_error err = { 0, "" };
    int rc = pst_debug_parse(text, strlen(text), &T_Everything_desc, &v, &a,
                             NULL, &err);
    CHECK_EQ_INT(rc, code);
    CHECK(strstr(err.message, needle) != NULL);
    CHECK(strstr(err.message, "offset") != NULL);
    if (!strstr(err.message, needle))
        fprintf(stderr, "error for <%s>: %s\n", text, err.message);
    pst_arena_release(&a);
}

static void test_errors(void)
{
    expect_parse_error("Everything { 04: i32v (i32) = x1, }", PST_E_PROTOCOL,
                       "expected i32, found 'x1' (offset 30)");
    expect_parse_error("Everything { 04: i32v (i32) = 99999999999, }",
                       PST_E_PROTOCOL, "out of range");
    expect_parse_error("Everything { 04: i32v (int) = 1, }", PST_E_BAD_TYPE,
                       "unknown type name \"int\"");
    expect_parse_error("Everything { 12: li32 (list) = list<i32>[2] "
                       "{ [0] = 1, [2] = 2, } }",
                       PST_E_PROTOCOL, "list index out of order");
    expect_parse_error("Everything { 12: li32 (list) = list<i32>[1] "
                       "{ [0] = 1, [1] = 2, } }",
                       PST_E_PROTOCOL, "expected '}' to close a list");
    expect_parse_error("Everything { 12: li32 (list) = list<i32>[1000000] "
                       "{ [0] = 1 } }",
                       PST_E_SHORT, "list needs");
    expect_parse_error("Everything { 07: str (string) = \"ab\\q\", }",
                       PST_E_PROTOCOL, "unknown string escape");
    expect_parse_error("Everything { 07: str (string) = \"ab\\x4\", }",
                       PST_E_PROTOCOL, "\\x escape needs two hex digits");
    expect_parse_error("Everything { 07: str (string) = \"abc\"...(300 bytes), }",
                       PST_E_PROTOCOL, "shortened");
    expect_parse_error("Everything { 06: dbl (double) = 1.5x, }",
                       PST_E_PROTOCOL, "expected a double");
    expect_parse_error("Everything { 01: b (bool) = yes, }", PST_E_PROTOCOL,
                       "expected true or false");
    expect_parse_error("Everything { 09: u (uuid) = 0011-22, }",
                       PST_E_PROTOCOL, "uuid is not");
    expect_parse_error("Everything { 04: i32v (i32) = 1, } trailing",
                       PST_E_PROTOCOL, "text after the value");
    expect_parse_error("Everything { 04: i32v (i32) = 1,", PST_E_SHORT,
                       "field needs");
    expect_parse_error("Everything { 13: sstr (set) = list<string>[0] {} }",
                       PST_E_PROTOCOL, "expected 'set<' to open a set");

    /* every prefix of a real value fails cleanly, none reads as whole */
    T_Everything ev;
    everything_value(&ev);
    char *s = print(&T_Everything_desc, &ev);
    size_t n = strlen(s);
    for (size_t k = 0; k < n; k++) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        T_Everything v;
        pst_error err = { 0, "" };
        char *copy = malloc(k + 1);
        memcpy(copy, s, k);
        int rc = pst_debug_parse(copy, k, &T_Everything_desc, &v, &a, NULL,
                                 &err);
        CHECK(rc != 0);
        CHECK(err.message[0] != '\0');
        free(copy);
        pst_arena_release(&a);
    }
    free(s);

    /* depth: Deep nested past max_depth */
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    cfg.max_depth = 3;
    const char *deep = "Deep { 01: d (struct) = Deep { 01: d (struct) = Deep {"
                       " 01: d (struct) = Deep { } } } }";
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Deep d;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_debug_parse(deep, strlen(deep), &T_Deep_desc, &d, &a, &cfg,
                                 &err),
                 PST_E_LIMIT);
    CHECK(strstr(err.message, "offset") != NULL);
    cfg.max_depth = 4;
    CHECK_EQ_INT(pst_debug_parse(deep, strlen(deep), &T_Deep_desc, &d, &a, &cfg,
                                 &err),
                 0);
    pst_arena_release(&a);
}

static void test_tightest_text(void)
{
    /* no spaces, no commas, i8 for byte: the fewest bytes the reader
     * takes, which its size checks before allocation must allow */
    static const char *const texts[] = {
        "Everything{17:(list)=list<list>[2]{[0]=list<i16>[0]{}[1]=list<i16>[0]{}}}",
        "Everything{41:(map)=map<bool,i8>[2]{true->0 false->-1}}",
        "Everything{99:(map)=map<i8,map>[1]{0->map<i8,i8>[0]{}}}",
        "Everything{99:(list)=list<set>[2]{[0]=set<i8>[0]{}[1]=set<i8>[0]{}}}",
        "Everything{99:(list)=list<list>[2]{[0]=list<i8>[0]{}[1]=list<i8>[0]{}}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        T_Everything v;
        pst_error err = { 0, "" };
        int rc = pst_debug_parse(texts[i], strlen(texts[i]), &T_Everything_desc,
                                 &v, &a, NULL, &err);
        CHECK_EQ_INT(rc, 0);
        if (rc)
            fprintf(stderr, "%s: %s\n", texts[i], err.message);
        pst_arena_release(&a);
    }
}

static void test_shortened_and_snprint(void)
{
    ThriftTest_ThriftTest_testString_args s;
    ThriftTest_ThriftTest_testString_args_init(&s);
    s.thing = PST_STR("0123456789abcdefghij");
    pst_debug_options o = PST_DEBUG_OPTIONS_INIT;
    o.one_line = true;
    o.max_string = 4;
    char buf[128];
    long n = pst_debug_snprint(buf, sizeof buf,
                               &ThriftTest_ThriftTest_testString_args_desc, &s,
                               &o);
    static const char want[] =
        "testString_args { 01: thing (string) = \"0123\"...(20 bytes), }";
    CHECK_EQ_INT(n, (long)strlen(want));
    CHECK(strcmp(buf, want) == 0);
    /* cut to the buffer, like snprintf */
    char small[10];
    n = pst_debug_snprint(small, sizeof small,
                          &ThriftTest_ThriftTest_testString_args_desc, &s, &o);
    CHECK_EQ_INT(n, (long)strlen(want));
    CHECK(strcmp(small, "testStrin") == 0);
}

int main(void)
{
    RUN(test_look);
    RUN(test_round_trip_every_thrifttest_type);
    RUN(test_doubles_exact);
    RUN(test_strings_every_byte);
    RUN(test_absent_optional_and_union);
    RUN(test_message);
    RUN(test_errors);
    RUN(test_tightest_text);
    RUN(test_shortened_and_snprint);
    return test_report();
}
