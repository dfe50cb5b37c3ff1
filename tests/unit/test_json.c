/*
 * test_json.c: the JSON mapping over real descriptors (the generated
 * ThriftTest types and the hand-written codec test types): canonical JSON
 * decodes and encodes back to the same text, values survive a trip
 * through the binary protocol in between, and values built in C come out
 * as the mapping says (i64 extremes, enums by name, base64, uuid, double
 * specials, maps with non-string keys, unions, invalid UTF-8 replaced).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "ThriftTest.h"
#include "json/json_internal.h"
#include "postern/json.h"
#include "test.h"
#include "test_codec_types.h"

static pst_arena arena;

/* Encode d's value v; the text is returned in a static buffer. */
static const char *enc(const pst_struct_desc *d, const void *v)
{
    static char out[8192];
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_error err = { 0, "" };
    int rc = pst_json_write_struct(&w, d, v, NULL, &err);
    CHECK_EQ_INT(rc, 0);
    if (rc) {
        fprintf(stderr, "  encode: %s\n", err.message);
        out[0] = '\0';
    } else {
        CHECK(w.len < sizeof out);
        size_t n = w.len < sizeof out ? w.len : sizeof out - 1;
        memcpy(out, w.data, n);
        out[n] = '\0';
    }
    pst_wbuf_free(&w);
    return out;
}

/* JSON text -> value -> JSON text is the identity; and value -> binary ->
 * value -> JSON as well. */
static void round_trip(const pst_struct_desc *d, const char *json,
                       bool via_binary)
{
    void *v = pst_arena_calloc(&arena, d->size);
    pst_error err = { 0, "" };
    int rc = pst_json_decode_struct(json, strlen(json), d, v, &arena, NULL,
                                    &err);
    CHECK_EQ_INT(rc, 0);
    if (rc) {
        fprintf(stderr, "  %s: decode %s: %s\n", d->name, json, err.message);
        return;
    }
    const char *again = enc(d, v);
    CHECK(strcmp(again, json) == 0);
    if (strcmp(again, json) != 0)
        fprintf(stderr, "  %s:\n  in  %s\n  out %s\n", d->name, json, again);
    if (!via_binary)
        return;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_protocol_binary.write_struct(&w, d, v, NULL), 0);
    void *v2 = pst_arena_calloc(&arena, d->size);
    pst_rbuf r;
    pst_rbuf_init(&r, w.data, w.len, &err);
    CHECK_EQ_INT(pst_protocol_binary.read_struct(&r, d, v2, &arena, NULL), 0);
    again = enc(d, v2);
    CHECK(strcmp(again, json) == 0);
    if (strcmp(again, json) != 0)
        fprintf(stderr, "  %s via binary:\n  in  %s\n  out %s\n", d->name,
                json, again);
    pst_wbuf_free(&w);
}

static void test_thrifttest_round_trips(void)
{
    round_trip(&ThriftTest_Xtruct_desc,
               "{\"string_thing\":\"Zero\",\"byte_thing\":1,\"i32_thing\":-3,"
               "\"i64_thing\":-5}", true);
    round_trip(&ThriftTest_Xtruct2_desc,
               "{\"byte_thing\":1,\"struct_thing\":{\"string_thing\":\"x\","
               "\"byte_thing\":-128,\"i32_thing\":2147483647,\"i64_thing\":"
               "9223372036854775807},\"i32_thing\":5}", true);
    round_trip(&ThriftTest_Xtruct3_desc,
               "{\"string_thing\":\"\",\"changed\":0,\"i32_thing\":-2147483648,"
               "\"i64_thing\":-9223372036854775808}", true);
    /* enum keys by name, i64 values exact */
    round_trip(&ThriftTest_Insanity_desc,
               "{\"userMap\":{\"FIVE\":5,\"EIGHT\":8,\"ONE\":-9007199254740993},"
               "\"xtructs\":[{\"string_thing\":\"Goodbye4\",\"byte_thing\":4,"
               "\"i32_thing\":4,\"i64_thing\":4},{\"string_thing\":\"Hello2\","
               "\"byte_thing\":2,\"i32_thing\":2,\"i64_thing\":2}]}", true);
    /* an enum key without a name: its number as text */
    round_trip(&ThriftTest_Insanity_desc,
               "{\"userMap\":{\"4\":1,\"-7\":2},\"xtructs\":[]}", true);
    /* set<Insanity>, set<i32> map keys, Insanity map keys, binary */
    round_trip(&ThriftTest_CrazyNesting_desc,
               "{\"string_field\":\"crazy\",\"set_field\":[{\"userMap\":"
               "{\"ONE\":1},\"xtructs\":[]}],\"list_field\":[{\"[1,2,3]\":"
               "{\"7\":[[{\"{\\\"userMap\\\":{\\\"TWO\\\":2},\\\"xtructs\\\":"
               "[{\\\"string_thing\\\":\\\"q\\\",\\\"byte_thing\\\":0,"
               "\\\"i32_thing\\\":0,\\\"i64_thing\\\":0}]}\":\"v\"}]]},\"[]\":{}}],"
               "\"binary_field\":\"AAECA/8=\"}", true);
    round_trip(&ThriftTest_ThriftTest_testMap_args_desc,
               "{\"thing\":{\"1\":10,\"-2\":-20,\"2147483647\":0}}", true);
    round_trip(&ThriftTest_ThriftTest_testStringMap_args_desc,
               "{\"thing\":{\"a\":\"b\",\"\":\"\",\"\\u0001\\\"\\\\\":\"\xc3\xa9\"}}",
               true);
    round_trip(&ThriftTest_ThriftTest_testSet_args_desc,
               "{\"thing\":[1,-1,0]}", true);
    round_trip(&ThriftTest_ThriftTest_testList_args_desc, "{\"thing\":[]}",
               true);
    round_trip(&ThriftTest_ThriftTest_testEnum_args_desc,
               "{\"thing\":\"EIGHT\"}", true);
    round_trip(&ThriftTest_ThriftTest_testEnum_args_desc, "{\"thing\":7}",
               true);
    round_trip(&ThriftTest_ThriftTest_testBinary_args_desc,
               "{\"thing\":\"AP8Afw==\"}", true);
    round_trip(&ThriftTest_ThriftTest_testBinary_args_desc,
               "{\"thing\":\"\"}", true);
    round_trip(&ThriftTest_ThriftTest_testBool_args_desc,
               "{\"thing\":true}", true);
    round_trip(&ThriftTest_ThriftTest_testBool_args_desc,
               "{\"thing\":false}", true);
    round_trip(&ThriftTest_ThriftTest_testDouble_args_desc,
               "{\"thing\":\"NaN\"}", true);
    round_trip(&ThriftTest_ThriftTest_testDouble_args_desc,
               "{\"thing\":\"-Infinity\"}", true);
    round_trip(&ThriftTest_ThriftTest_testDouble_args_desc,
               "{\"thing\":\"Infinity\"}", true);
    round_trip(&ThriftTest_ThriftTest_testDouble_args_desc,
               "{\"thing\":0.1}", true);
    round_trip(&ThriftTest_ThriftTest_testDouble_args_desc,
               "{\"thing\":-5.432101234567891e-300}", true);
    round_trip(&ThriftTest_ThriftTest_testDouble_args_desc,
               "{\"thing\":1.7976931348623157e+308}", true);
    round_trip(&ThriftTest_ThriftTest_testDouble_args_desc,
               "{\"thing\":-0}", true);
    round_trip(&ThriftTest_ThriftTest_testI64_args_desc,
               "{\"thing\":-9223372036854775808}", true);
    round_trip(&ThriftTest_ThriftTest_testMapMap_result_desc,
               "{\"success\":{\"-4\":{\"-4\":-4,\"-1\":-1},\"4\":{\"1\":1}}}",
               true);
    round_trip(&ThriftTest_ThriftTest_testInsanity_result_desc,
               "{\"success\":{\"1\":{\"TWO\":{\"userMap\":{\"FIVE\":5},"
               "\"xtructs\":[]},\"THREE\":{\"userMap\":{},\"xtructs\":[]}},"
               "\"2\":{\"SIX\":{\"userMap\":{},\"xtructs\":[]}}}}", true);
    round_trip(&ThriftTest_ThriftTest_testMulti_args_desc,
               "{\"arg0\":1,\"arg1\":2,\"arg2\":3,\"arg3\":{\"-32768\":\"lo\","
               "\"32767\":\"hi\"},\"arg4\":\"FIVE\",\"arg5\":6}", true);
    round_trip(&ThriftTest_NestedMixedx2_desc,
               "{\"int_set_list\":[[1,2],[]],\"map_int_strset\":{\"1\":"
               "[\"a\"]},\"map_int_strset_list\":[{\"2\":[\"b\",\"c\"]}]}",
               true);
    round_trip(&ThriftTest_OptionalBinary_desc,
               "{\"bin_set\":[\"AA==\",\"\"],\"bin_map\":{\"/+8=\":1,\"\":2}}",
               true);
    /* a union: one member */
    round_trip(&ThriftTest_SomeUnion_desc, "{\"i32_thing\":7}", false);
    round_trip(&ThriftTest_SomeUnion_desc,
               "{\"xtruct_thing\":{\"string_thing\":\"u\",\"changed\":1,"
               "\"i32_thing\":2,\"i64_thing\":3}}", false);
    round_trip(&ThriftTest_SomeUnion_desc, "{}", false);
    round_trip(&ThriftTest_EmptyStruct_desc, "{}", true);
    round_trip(&ThriftTest_OneField_desc, "{\"field\":{}}", true);
    round_trip(&ThriftTest_StructB_desc,
               "{\"aa\":{\"s\":\"x\"},\"ab\":{\"s\":\"y\"}}", true);
    round_trip(&ThriftTest_ThriftTest_testMultiException_result_desc,
               "{\"err2\":{\"errorCode\":2002,\"struct_thing\":{\"string_thing\":"
               "\"This is an Xception2\",\"byte_thing\":0,\"i32_thing\":0,"
               "\"i64_thing\":0}}}", false);
}

static void test_codec_types_round_trips(void)
{
    /* every kind, uuids, bool keys, struct keys, double lists */
    round_trip(&T_Everything_desc,
               "{\"neg_id\":-1,\"b\":true,\"i8v\":-128,\"i16v\":-32768,"
               "\"i32v\":7,\"i64v\":9223372036854775807,\"dbl\":3.14159,"
               "\"str\":\"h\xc3\xa9llo \xe2\x9c\x93 \\n\\t\\u001f\","
               "\"bin\":\"AP8Af4A=\",\"u\":\"00112233-4455-6677-8899-aabbccddeeff\","
               "\"color\":\"GREEN\",\"inner\":{\"a\":1,\"s\":\"in\"},"
               "\"li32\":[0,-1],\"sstr\":[\"x\"],\"msi\":{\"k1\":-1},"
               "\"lbool\":[true,false],\"complex\":{\"{\\\"a\\\":1,\\\"s\\\":"
               "\\\"a\\\"}\":[1,-0.5,\"NaN\"]},\"nested\":[[1,2],[]],\"opt\":20,"
               "\"far\":\"f\",\"mb\":{\"true\":1,\"false\":-1},\"linner\":"
               "[{\"a\":3}],\"luuid\":[\"deadbeef-0001-0203-0405-060708090a0b\"],"
               "\"li64\":[-9223372036854775808],\"ldbl\":[1e+300,\"Infinity\"],"
               "\"lbin\":[\"\",\"AQ==\",\"AQI=\",\"AQID\"],\"scolor\":[\"RED\",3],"
               "\"li8\":[127]}", false);
    round_trip(&T_Choice_desc, "{\"y\":\"only\"}", true);
    round_trip(&T_Node_desc,
               "{\"val\":1,\"next\":{\"val\":2,\"next\":{\"val\":3,\"kids\":[]},"
               "\"kids\":[]},\"kids\":[{\"val\":4,\"kids\":[]}]}", true);
    round_trip(&T_Req_desc, "{\"id\":1,\"name\":\"n\",\"n\":5}", true);
}

/* Values built in C come out as the mapping says. */
static void test_encode_values(void)
{
    ThriftTest_Xtruct x;
    ThriftTest_Xtruct_init(&x);
    x.string_thing = PST_STR("a\"b\\c\x01");
    x.i64_thing = INT64_MIN;
    ThriftTest_Xtruct_set_string_thing(&x);
    ThriftTest_Xtruct_set_i64_thing(&x);
    /* only set fields: byte_thing and i32_thing are left out */
    CHECK(strcmp(enc(&ThriftTest_Xtruct_desc, &x),
                 "{\"string_thing\":\"a\\\"b\\\\c\\u0001\","
                 "\"i64_thing\":-9223372036854775808}") == 0);

    /* invalid UTF-8 comes out as U+FFFD, one per bad byte */
    x.string_thing = PST_STR("a\xff\xc3(\xed\xa0\x80z\xf0\x9f\x98\x80");
    x.isset_[0] = 1;
    CHECK(strcmp(enc(&ThriftTest_Xtruct_desc, &x),
                 "{\"string_thing\":\"a\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd"
                 "\xef\xbf\xbd\xef\xbf\xbdz\xf0\x9f\x98\x80\"}") == 0);

    /* doubles: shortest text that reads back */
    static const struct { double d; const char *text; } dbl[] = {
        { 0.1, "0.1" }, { 1.0 / 3, "0.3333333333333333" },
        { 2.0, "2" }, { -0.0, "-0" }, { 1e21, "1e+21" },
        { 123456789012345678.0, "1.2345678901234568e+17" },
        { 5e-324, "4.94065645841247e-324" }, { 0.3, "0.3" },
        { 9007199254740993.0, "9007199254740992" },
    };
    for (size_t i = 0; i < COUNT(dbl); i++) {
        ThriftTest_ThriftTest_testDouble_args a;
        ThriftTest_ThriftTest_testDouble_args_init(&a);
        a.thing = dbl[i].d;
        a.isset_[0] = 1;
        char want[80];
        snprintf(want, sizeof want, "{\"thing\":%s}", dbl[i].text);
        const char *got = enc(&ThriftTest_ThriftTest_testDouble_args_desc, &a);
        CHECK(strcmp(got, want) == 0);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "  got %s want %s\n", got, want);
        /* and reads back bit for bit */
        ThriftTest_ThriftTest_testDouble_args b;
        CHECK_EQ_INT(pst_json_decode_struct(got, strlen(got),
                                            &ThriftTest_ThriftTest_testDouble_args_desc,
                                            &b, &arena, NULL, NULL), 0);
        CHECK(memcmp(&b.thing, &a.thing, 8) == 0);
    }

    /* a value by type: the success of a result, and void as the caller's null */
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    int32_t five = 5;
    const pst_type *enum_t = ThriftTest_ThriftTest_testEnum_result_desc.fields[0].type;
    CHECK_EQ_INT(pst_json_write_value(&w, enum_t, &five, NULL, NULL), 0);
    CHECK_EQ_INT(pst_json_write_value(&w, &pst_type_i64, &x.i64_thing, NULL, NULL), 0);
    CHECK(w.len == 26 && memcmp(w.data, "\"FIVE\"-9223372036854775808", 26) == 0);
    pst_wbuf_free(&w);

    /* the string writer for messages */
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_json_write_string(&w, "tab\there \"q\" \x7f\0", 15), 0);
    const char *want_s = "\"tab\\there \\\"q\\\" \x7f\\u0000\"";
    CHECK(w.len == strlen(want_s) && memcmp(w.data, want_s, w.len) == 0);
    pst_wbuf_free(&w);
}

/* Long strings cross the encoder's chunks intact; binary of every length
 * round-trips through base64. */
static void test_long_values(void)
{
    size_t n = 20000;
    char *s = malloc(n);
    for (size_t i = 0; i < n; i++)
        s[i] = (i % 7 == 0) ? '"' : (i % 5 == 0) ? '\n' : (char)('a' + i % 26);
    memcpy(s + 4094, "\xe2\x9c\x93", 3); /* a sequence across a chunk edge */
    ThriftTest_ThriftTest_testString_args a;
    ThriftTest_ThriftTest_testString_args_init(&a);
    a.thing.ptr = s;
    a.thing.len = n;
    a.isset_[0] = 1;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_json_write_struct(&w, &ThriftTest_ThriftTest_testString_args_desc,
                                       &a, NULL, NULL), 0);
    ThriftTest_ThriftTest_testString_args b;
    CHECK_EQ_INT(pst_json_decode_struct(w.data, w.len,
                                        &ThriftTest_ThriftTest_testString_args_desc,
                                        &b, &arena, NULL, NULL), 0);
    CHECK(b.thing.len == n && memcmp(b.thing.ptr, s, n) == 0);
    pst_wbuf_free(&w);

    for (size_t len = 0; len < 40; len++) {
        uint8_t bin[40];
        for (size_t i = 0; i < len; i++)
            bin[i] = (uint8_t)(i * 37 + 250);
        ThriftTest_ThriftTest_testBinary_args ba;
        ThriftTest_ThriftTest_testBinary_args_init(&ba);
        ba.thing.ptr = (const char *)bin;
        ba.thing.len = len;
        ba.isset_[0] = 1;
        pst_wbuf_init(&w, 0);
        CHECK_EQ_INT(pst_json_write_struct(&w, &ThriftTest_ThriftTest_testBinary_args_desc,
                                           &ba, NULL, NULL), 0);
        ThriftTest_ThriftTest_testBinary_args bb;
        CHECK_EQ_INT(pst_json_decode_struct(w.data, w.len,
                                            &ThriftTest_ThriftTest_testBinary_args_desc,
                                            &bb, &arena, NULL, NULL), 0);
        CHECK(bb.thing.len == len && (len == 0 || memcmp(bb.thing.ptr, bin, len) == 0));
        pst_wbuf_free(&w);
    }
    free(s);
}

/* What decoding accepts beyond the canonical form. */
static void test_decode_accepts(void)
{
    ThriftTest_Xtruct x;
    const char *in =
        " {\n \"i64_thing\" : \"-9223372036854775808\" ,\"byte_thing\":\"-1\","
        "\"string_thing\":\"\\ud83d\\ude00\\u00e9\\/\",\"i32_thing\":null } ";
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_json_decode_struct(in, strlen(in), &ThriftTest_Xtruct_desc,
                                        &x, &arena, NULL, &err), 0);
    CHECK(x.i64_thing == INT64_MIN && x.byte_thing == -1 && x.i32_thing == 0);
    CHECK(x.string_thing.len == 7 &&
          memcmp(x.string_thing.ptr, "\xf0\x9f\x98\x80\xc3\xa9/", 7) == 0);
    /* null is absent */
    CHECK(!ThriftTest_Xtruct_isset_i32_thing(&x) &&
          ThriftTest_Xtruct_isset_i64_thing(&x));

    /* base64: unpadded and URL-safe */
    static const char *const b64[] = { "\"+/8=\"", "\"-_8=\"", "\"-_8\"",
                                       "\"+/8\"" };
    for (size_t i = 0; i < COUNT(b64); i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "{\"thing\":%s}", b64[i]);
        ThriftTest_ThriftTest_testBinary_args b;
        CHECK_EQ_INT(pst_json_decode_struct(doc, strlen(doc),
                                            &ThriftTest_ThriftTest_testBinary_args_desc,
                                            &b, &arena, NULL, NULL), 0);
        CHECK(b.thing.len == 2 && memcmp(b.thing.ptr, "\xfb\xff", 2) == 0);
    }
    /* enums: by number and by number in a string; uuid in upper case */
    ThriftTest_ThriftTest_testEnum_args e;
    CHECK_EQ_INT(pst_json_decode_struct("{\"thing\":\"3\"}", 13,
                                        &ThriftTest_ThriftTest_testEnum_args_desc,
                                        &e, &arena, NULL, NULL), 0);
    CHECK(e.thing == 3);
    T_Everything ev;
    const char *u = "{\"u\":\"DEADBEEF-0001-0203-0405-060708090A0B\",\"dbl\":1E2}";
    CHECK_EQ_INT(pst_json_decode_struct(u, strlen(u), &T_Everything_desc, &ev,
                                        &arena, NULL, NULL), 0);
    CHECK(ev.u.bytes[0] == 0xde && ev.u.bytes[15] == 0x0b && ev.dbl == 100.0);

    /* defaults for absent fields, as the binary decoder gives them */
    T_Req req;
    CHECK_EQ_INT(pst_json_decode_struct("{\"id\":3}", 8, &T_Req_desc, &req,
                                        &arena, NULL, NULL), 0);
    CHECK(req.id == 3 && req.name.len == 4 && memcmp(req.name.ptr, "dflt", 4) == 0 &&
          req.n == 5);
    ThriftTest_BoolTest bt;
    CHECK_EQ_INT(pst_json_decode_struct("{}", 2, &ThriftTest_BoolTest_desc, &bt,
                                        &arena, NULL, NULL), 0);
    CHECK(bt.b == true && bt.s.len == 4);
    /* strings are copies: the document may go */
    char doc[] = "{\"id\":1,\"name\":\"abc\"}";
    CHECK_EQ_INT(pst_json_decode_struct(doc, strlen(doc), &T_Req_desc, &req,
                                        &arena, NULL, NULL), 0);
    memset(doc, 'x', sizeof doc - 1);
    CHECK(req.name.len == 3 && memcmp(req.name.ptr, "abc", 3) == 0);
}

/* The envelope reader: Go's JSON-RPC 1.0 request. */
static void test_envelope(void)
{
    const char *req = "{\"method\":\"ThriftTest.testStruct\",\"params\":"
                      "[{\"thing\":{\"string_thing\":\"s\",\"i32_thing\":2}}],"
                      "\"id\":{\"n\":[1,2.5e3,\"x\",null,true]}}";
    pst_json_reader r;
    pst_error err = { 0, "" };
    pst_json_reader_init(&r, req, strlen(req), &arena, NULL, &err);
    pst_json_iter it;
    CHECK_EQ_INT(pst_json_object_begin(&r, &it), 0);
    pst_str name, method = { NULL, 0 }, id = { NULL, 0 };
    ThriftTest_ThriftTest_testStruct_args args;
    int rc, members = 0;
    while ((rc = pst_json_object_next(&r, &it, &name)) == 1) {
        members++;
        if (name.len == 6 && memcmp(name.ptr, "method", 6) == 0)
            CHECK_EQ_INT(pst_json_read_string(&r, &method), 0);
        else if (name.len == 6 && memcmp(name.ptr, "params", 6) == 0)
            CHECK_EQ_INT(pst_json_read_struct_in_array(
                             &r, &ThriftTest_ThriftTest_testStruct_args_desc,
                             &args), 0);
        else
            CHECK_EQ_INT(pst_json_skip(&r, &id), 0);
    }
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(members, 3);
    CHECK_EQ_INT(pst_json_read_end(&r), 0);
    CHECK(method.len == 21 && memcmp(method.ptr, "ThriftTest.testStruct", 21) == 0);
    const char *want_id = "{\"n\":[1,2.5e3,\"x\",null,true]}";
    CHECK(id.len == strlen(want_id) && memcmp(id.ptr, want_id, id.len) == 0);
    CHECK(args.thing.i32_thing == 2 && args.thing.string_thing.len == 1);

    /* escaped member names are unescaped into the arena */
    const char *esc = "{\"\\u006dethod\":null, \"a\" : [ ] }";
    pst_json_reader_init(&r, esc, strlen(esc), &arena, NULL, &err);
    CHECK_EQ_INT(pst_json_object_begin(&r, &it), 0);
    CHECK_EQ_INT(pst_json_object_next(&r, &it, &name), 1);
    CHECK(name.len == 6 && memcmp(name.ptr, "method", 6) == 0);
    CHECK_EQ_INT(pst_json_read_null(&r), 1);
    CHECK_EQ_INT(pst_json_object_next(&r, &it, &name), 1);
    pst_json_iter arr;
    CHECK_EQ_INT(pst_json_array_begin(&r, &arr), 0);
    CHECK_EQ_INT(pst_json_array_next(&r, &arr), 0);
    CHECK_EQ_INT(pst_json_object_next(&r, &it, &name), 0);
    CHECK_EQ_INT(pst_json_read_end(&r), 0);

    /* params of one element and no more */
    static const char *const bad_params[] = { "[]", "[{},{}]", "{}", "[1]",
                                              "[{}", "" };
    for (size_t i = 0; i < COUNT(bad_params); i++) {
        pst_error e2 = { 0, "" };
        ThriftTest_ThriftTest_testVoid_args va;
        pst_json_reader_init(&r, bad_params[i], strlen(bad_params[i]), &arena,
                             NULL, &e2);
        CHECK(pst_json_read_struct_in_array(&r, &ThriftTest_ThriftTest_testVoid_args_desc,
                                            &va) < 0);
        CHECK(e2.code < 0 && e2.message[0] != '\0');
        CHECK(r.p == bad_params[i]);
    }
    ThriftTest_ThriftTest_testVoid_args va;
    pst_json_reader_init(&r, "[ {} ]", 6, &arena, NULL, NULL);
    CHECK_EQ_INT(pst_json_read_struct_in_array(&r, &ThriftTest_ThriftTest_testVoid_args_desc,
                                               &va), 0);
    CHECK_EQ_INT(pst_json_read_end(&r), 0);
}

/* A struct with many fields (past the scan) in any order, looked up by
 * the name index, built once while several threads ask for it first. */
static const pst_struct_desc everything_copy = {
    "Everything", sizeof(T_Everything), offsetof(T_Everything, isset_),
    COUNT(T_Everything_fields), PST_STRUCT, T_Everything_fields, NULL
};
static const char reversed[] =
    "{\"li8\":[1],\"scolor\":[\"RED\"],\"lbin\":[],\"ldbl\":[0.5],\"li64\":[],"
    "\"luuid\":[],\"linner\":[],\"mb\":{},\"far\":\"F\",\"opt\":9,\"nested\":[],"
    "\"complex\":{},\"lbool\":[],\"msi\":{},\"sstr\":[],\"li32\":[],\"inner\":{},"
    "\"color\":1,\"u\":\"00000000-0000-0000-0000-000000000001\",\"bin\":\"\","
    "\"str\":\"s\",\"dbl\":2,\"i64v\":-64,\"i32v\":32,\"i16v\":16,\"i8v\":8,"
    "\"b\":true,\"neg_id\":-1}";

static void *decode_reversed(void *arg)
{
    pthread_barrier_t *start = arg;
    pthread_barrier_wait(start);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    long ok = 0;
    for (int i = 0; i < 200; i++) {
        T_Everything ev;
        if (pst_json_decode_struct(reversed, strlen(reversed), &everything_copy,
                                   &ev, &a, NULL, NULL) == 0 &&
            ev.neg_id == -1 && ev.i64v == -64 && ev.opt == 9 && ev.far.len == 1 &&
            ev.li8.count == 1 && ev.u.bytes[15] == 1 && ev.isset_[0] == 0xff)
            ok++;
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
    return (void *)ok;
}

static void test_many_fields_any_order(void)
{
    enum { THREADS = 4 };
    pthread_t t[THREADS];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ_INT(pthread_create(&t[i], NULL, decode_reversed, &start), 0);
    for (int i = 0; i < THREADS; i++) {
        void *ok;
        pthread_join(t[i], &ok);
        CHECK_EQ_INT((long)ok, 200);
    }
    pthread_barrier_destroy(&start);
    /* unknown names and prefixes of real ones are still refused */
    T_Everything ev;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_json_decode_struct("{\"li6\":[]}", 11, &everything_copy, &ev,
                                        &arena, NULL, &err), PST_E_PROTOCOL);
    CHECK(strcmp(err.message, "li6: unknown field at byte 1") == 0);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_json_decode_struct("{\"opt\":1,\"li64x\":[]}", 20,
                                        &everything_copy, &ev, &arena, NULL, &err),
                 PST_E_PROTOCOL);
    CHECK(strstr(err.message, "li64x: unknown field") == err.message);
}

/* The text forms against references: printf for integers, strtod for
 * doubles, RFC 4648's vectors for base64. */
static void test_text_forms(void)
{
    static const int64_t ints[] = { 0, 1, -1, 9, 10, 99, 100, -100, 12345,
                                    INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN,
                                    999999999999999999LL, 1000000000000000000LL };
    for (size_t i = 0; i < COUNT(ints) + 2000; i++) {
        int64_t x = i < COUNT(ints) ? ints[i]
                                    : (int64_t)((uint64_t)i * 0x9e3779b97f4a7c15ull >> (i % 64));
        char a[24], b[32];
        size_t n = pst__i64_format(a, x);
        snprintf(b, sizeof b, "%lld", (long long)x);
        CHECK(n == strlen(b) && memcmp(a, b, n) == 0);
        int64_t back;
        CHECK(pst__i64_parse(a, n, &back) == 0 && back == x);
    }
    uint64_t bits = 0x123456789abcdefull;
    for (int i = 0; i < 20000; i++) {
        bits = bits * 6364136223846793005ull + 1442695040888963407ull;
        double d;
        memcpy(&d, &bits, 8);
        if (isnan(d) || isinf(d))
            continue;
        char t[32];
        size_t n = pst__double_format(t, d);
        CHECK(n > 0 && n < 32);
        t[n] = '\0';
        double back = strtod(t, NULL);
        CHECK(memcmp(&back, &d, 8) == 0);
    }
    static const char *const b64[][2] = { { "", "" }, { "f", "Zg==" },
        { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
        { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" } };
    for (size_t i = 0; i < COUNT(b64); i++) {
        char e[16];
        uint8_t d[16];
        size_t n = pst__base64_encode(e, (const uint8_t *)b64[i][0], strlen(b64[i][0]));
        CHECK(n == strlen(b64[i][1]) && memcmp(e, b64[i][1], n) == 0);
        CHECK(pst__base64_decode(d, b64[i][1], n) == (long long)strlen(b64[i][0]));
        CHECK(memcmp(d, b64[i][0], strlen(b64[i][0])) == 0);
    }
}

int main(void)
{
    pst_arena_init(&arena, NULL, 0, 0);
    RUN(test_thrifttest_round_trips);
    RUN(test_codec_types_round_trips);
    RUN(test_encode_values);
    RUN(test_long_values);
    RUN(test_decode_accepts);
    RUN(test_envelope);
    RUN(test_many_fields_any_order);
    RUN(test_text_forms);
    pst_arena_release(&arena);
    return test_report();
}
