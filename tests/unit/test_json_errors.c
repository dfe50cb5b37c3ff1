/*
 * test_json_errors.c: every way JSON input can be refused, each with its
 * status and words (the field's path, what was wrong, the byte offset),
 * hostile input (deep nesting, huge numbers and documents, bad UTF-8 and
 * escapes, truncation at every byte), and the encoder's refusals.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ThriftTest.h"
#include "postern/json.h"
#include "test.h"
#include "test_codec_types.h"

static pst_arena arena;
static _Alignas(16) uint8_t value[4096];

/* Decoding json as d fails with code and a message containing `words`
 * (exactly equal when exact). */
static void expect_fail_cfg(const pst_struct_desc *d, const char *json,
                            size_t len, const pst_codec_config *cfg, int code,
                            const char *words, bool exact)
{
    pst_error err = { 0, "" };
    pst_json_reader r;
    pst_json_reader_init(&r, json, len, &arena, cfg, &err);
    int rc = pst_json_read_struct(&r, d, value);
    if (rc == 0)
        rc = pst_json_read_end(&r);
    else
        CHECK(r.p == json); /* a failed read does not move */
    CHECK_EQ_INT(rc, code);
    CHECK_EQ_INT(err.code, rc);
    bool ok = exact ? strcmp(err.message, words) == 0
                    : strstr(err.message, words) != NULL;
    CHECK(ok);
    if (!ok || rc != code)
        fprintf(stderr, "  input %.60s\n  got   %s\n  want  %s\n", json,
                err.message, words);
}

static void expect_fail(const pst_struct_desc *d, const char *json, int code,
                        const char *words)
{
    expect_fail_cfg(d, json, strlen(json), NULL, code, words, false);
}

static void expect_exact(const pst_struct_desc *d, const char *json, int code,
                         const char *message)
{
    expect_fail_cfg(d, json, strlen(json), NULL, code, message, true);
}

static const pst_struct_desc *const X = &ThriftTest_Xtruct_desc;

static void test_wrong_types(void)
{
    expect_exact(X, "{\"string_thing\":5}", PST_E_BAD_TYPE,
                 "string_thing: expected a string, got number at byte 16");
    expect_exact(&ThriftTest_Xtruct2_desc,
                 "{\"struct_thing\":{\"string_thing\":true}}", PST_E_BAD_TYPE,
                 "struct_thing.string_thing: expected a string, got boolean "
                 "at byte 32");
    expect_fail(X, "{\"i32_thing\":\"\"}", PST_E_PROTOCOL,
                "i32_thing: expected an integer, got the string \"\"");
    expect_fail(X, "{\"i32_thing\":[]}", PST_E_BAD_TYPE,
                "i32_thing: expected an integer, got array");
    expect_fail(X, "{\"i64_thing\":{}}", PST_E_BAD_TYPE, "got object");
    expect_fail(&ThriftTest_ThriftTest_testBool_args_desc, "{\"thing\":1}",
                PST_E_BAD_TYPE, "thing: expected true or false, got number");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc,
                "{\"thing\":false}", PST_E_BAD_TYPE,
                "thing: expected a number, got boolean");
    expect_fail(&ThriftTest_ThriftTest_testBinary_args_desc, "{\"thing\":1}",
                PST_E_BAD_TYPE, "thing: expected a base64 string, got number");
    expect_fail(&ThriftTest_ThriftTest_testList_args_desc, "{\"thing\":{}}",
                PST_E_BAD_TYPE, "thing: expected an array, got object");
    expect_fail(&ThriftTest_ThriftTest_testMap_args_desc, "{\"thing\":[]}",
                PST_E_BAD_TYPE, "thing: expected an object, got array");
    expect_fail(&ThriftTest_Xtruct2_desc, "{\"struct_thing\":\"x\"}",
                PST_E_BAD_TYPE, "struct_thing: expected an object, got string");
    expect_fail(X, "[]", PST_E_BAD_TYPE, "expected an object, got array at byte 0");
    expect_fail(&T_Everything_desc, "{\"u\":\"00112233-4455-6677-8899-aabbccddeef\"}",
                PST_E_PROTOCOL, "u: expected a uuid");
    expect_fail(&T_Everything_desc, "{\"u\":\"00112233x4455-6677-8899-aabbccddeeff\"}",
                PST_E_PROTOCOL, "u: expected a uuid");
    expect_fail(&T_Everything_desc, "{\"u\":\"0011223g-4455-6677-8899-aabbccddeeff\"}",
                PST_E_PROTOCOL, "u: expected a uuid");
    expect_fail(&T_Node_desc, "{\"next\":5}", PST_E_BAD_TYPE,
                "next: expected an object, got number");
}

static void test_numbers(void)
{
    expect_exact(X, "{\"byte_thing\":128}", PST_E_PROTOCOL,
                 "byte_thing: 128 is out of range for i8 at byte 14");
    expect_fail(X, "{\"byte_thing\":-129}", PST_E_PROTOCOL, "-129 is out of range for i8");
    expect_fail(X, "{\"i32_thing\":2147483648}", PST_E_PROTOCOL,
                "2147483648 is out of range for i32");
    expect_fail(X, "{\"i32_thing\":-2147483649}", PST_E_PROTOCOL, "out of range for i32");
    expect_fail(&ThriftTest_ThriftTest_testMulti_args_desc,
                "{\"arg3\":{\"32768\":\"x\"}}", PST_E_PROTOCOL,
                "arg3[32768]: 32768 is out of range for i16");
    expect_fail(X, "{\"i64_thing\":9223372036854775808}", PST_E_PROTOCOL,
                "i64_thing: 9223372036854775808 is out of range for i64");
    expect_fail(X, "{\"i64_thing\":-9223372036854775809}", PST_E_PROTOCOL,
                "out of range for i64");
    expect_fail(X, "{\"i64_thing\":\"99999999999999999999999999999999\"}",
                PST_E_PROTOCOL, "out of range for i64");
    expect_fail(X, "{\"i32_thing\":1.5}", PST_E_PROTOCOL,
                "i32_thing: expected an integer, got 1.5");
    expect_fail(X, "{\"i32_thing\":1e3}", PST_E_PROTOCOL,
                "expected an integer, got 1e3");
    expect_fail(X, "{\"i32_thing\":1.0}", PST_E_PROTOCOL,
                "expected an integer, got 1.0");
    expect_fail(X, "{\"i64_thing\":\"12x\"}", PST_E_PROTOCOL,
                "expected an integer, got the string \"12x\"");
    expect_fail(X, "{\"i64_thing\":\" 12\"}", PST_E_PROTOCOL, "got the string");
    expect_fail(X, "{\"i64_thing\":\"1.5\"}", PST_E_PROTOCOL,
                "expected an integer, got 1.5");
    /* JSON's number grammar */
    expect_fail(X, "{\"i32_thing\":01}", PST_E_SYNTAX, "leading zero");
    expect_fail(X, "{\"i32_thing\":-}", PST_E_SYNTAX, "bad number");
    expect_fail(X, "{\"i32_thing\":+1}", PST_E_BAD_TYPE, "got invalid character");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc,
                "{\"thing\":1.}", PST_E_SYNTAX, "no digit after '.'");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc,
                "{\"thing\":1e}", PST_E_SYNTAX, "no digit in the exponent");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc,
                "{\"thing\":.5}", PST_E_BAD_TYPE, "expected a number");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc,
                "{\"thing\":1e400}", PST_E_PROTOCOL,
                "thing: 1e400 is out of range for double");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc,
                "{\"thing\":\"nan\"}", PST_E_PROTOCOL,
                "expected a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc,
                "{\"thing\":\"N\\u0061N\"}", PST_E_PROTOCOL, "got the string");
    /* a huge number: out of range, no crash, no unbounded work */
    size_t n = 100000;
    char *big = malloc(n + 32);
    memcpy(big, "{\"thing\":", 9);
    memset(big + 9, '9', n);
    memcpy(big + 9 + n, "}", 2);
    expect_fail(&ThriftTest_ThriftTest_testI64_args_desc, big, PST_E_PROTOCOL,
                "out of range for i64");
    expect_fail(&ThriftTest_ThriftTest_testDouble_args_desc, big, PST_E_PROTOCOL,
                "out of range for double");
    /* and a long one that is in range: 0.000...1 */
    memcpy(big + 9, "0.", 2);
    memset(big + 11, '0', n - 3);
    big[9 + n - 1] = '1';
    ThriftTest_ThriftTest_testDouble_args d;
    CHECK_EQ_INT(pst_json_decode_struct(big, strlen(big),
                                        &ThriftTest_ThriftTest_testDouble_args_desc,
                                        &d, &arena, NULL, NULL), 0);
    CHECK(d.thing == 0.0);
    free(big);
}

static void test_fields(void)
{
    expect_exact(X, "{\"nope\":1}", PST_E_PROTOCOL, "nope: unknown field at byte 1");
    expect_exact(&ThriftTest_Xtruct2_desc, "{\"struct_thing\":{\"String_thing\":1}}",
                 PST_E_PROTOCOL, "struct_thing.String_thing: unknown field at byte 17");
    expect_fail(X, "{\"string_thin\":\"\"}", PST_E_PROTOCOL, "string_thin: unknown field");
    expect_fail(X, "{\"string_thingx\":\"\"}", PST_E_PROTOCOL, "unknown field");
    expect_exact(X, "{\"\":1}", PST_E_PROTOCOL, "unknown field \"\" at byte 1");
    expect_exact(X, "{\"i32_thing\":1,\"i32_thing\":2}", PST_E_PROTOCOL,
                 "i32_thing: field given twice at byte 15");
    expect_exact(&ThriftTest_StructB_desc, "{\"aa\":{\"s\":\"x\"}}",
                 PST_E_MISSING_FIELD, "ab: required field missing at byte 16");
    expect_exact(&ThriftTest_StructB_desc, "{\"ab\":{}}", PST_E_MISSING_FIELD,
                 "ab.s: required field missing at byte 8");
    /* null is absent, so a required field given as null is missing */
    expect_fail(&ThriftTest_StructB_desc, "{\"ab\":null}", PST_E_MISSING_FIELD,
                "ab: required field missing");
    expect_fail(&T_Req_desc, "{\"name\":\"x\"}", PST_E_MISSING_FIELD,
                "id: required field missing");
    expect_fail(&ThriftTest_SomeUnion_desc, "{\"i32_thing\":1,\"string_thing\":\"x\"}",
                PST_E_PROTOCOL,
                "union SomeUnion has more than one member (string_thing and i32_thing)");
    expect_fail(&ThriftTest_ThriftTest_testEnum_args_desc, "{\"thing\":\"NINE\"}",
                PST_E_PROTOCOL, "thing: \"NINE\" is not a value of enum Numberz");
    expect_fail(&ThriftTest_ThriftTest_testEnum_args_desc, "{\"thing\":\"one\"}",
                PST_E_PROTOCOL, "is not a value of enum Numberz");
    expect_fail(&ThriftTest_ThriftTest_testEnum_args_desc, "{\"thing\":4294967296}",
                PST_E_PROTOCOL, "out of range for i32");
    /* a NUL inside a name never matches (nor reads past) a shorter one */
    expect_fail(X, "{\"i32_thing\\u0000x\":1}", PST_E_PROTOCOL, "unknown field");
    expect_fail(X, "{\"i32_thing\\u0000\":1}", PST_E_PROTOCOL, "unknown field");
    expect_fail(&ThriftTest_ThriftTest_testEnum_args_desc,
                "{\"thing\":\"ONE\\u0000XYZ\"}", PST_E_PROTOCOL,
                "is not a value of enum Numberz");
    expect_fail(&ThriftTest_Insanity_desc, "{\"userMap\":{\"TWO\\u0000\":1}}",
                PST_E_PROTOCOL, "is not a value of enum Numberz");
    /* paths through lists and maps */
    expect_exact(&ThriftTest_ThriftTest_testList_args_desc, "{\"thing\":[1,2,\"x\"]}",
                 PST_E_PROTOCOL,
                 "thing[2]: expected an integer, got the string \"x\" at byte 14");
    expect_fail(&ThriftTest_ThriftTest_testMap_args_desc, "{\"thing\":{\"a\":1}}",
                PST_E_PROTOCOL, "thing[a]: expected an integer key, got \"a\"");
    expect_fail(&ThriftTest_ThriftTest_testMap_args_desc, "{\"thing\":{\"1.5\":1}}",
                PST_E_PROTOCOL, "expected an integer key");
    expect_fail(&ThriftTest_ThriftTest_testMap_args_desc, "{\"thing\":{\"1\":true}}",
                PST_E_BAD_TYPE, "thing[1]: expected an integer, got boolean");
    expect_fail(&ThriftTest_Insanity_desc,
                "{\"xtructs\":[{},{\"i64_thing\":0.5}]}", PST_E_PROTOCOL,
                "xtructs[1].i64_thing: expected an integer, got 0.5");
    expect_fail(&ThriftTest_Insanity_desc, "{\"userMap\":{\"ZERO\":1}}",
                PST_E_PROTOCOL, "userMap[ZERO]: \"ZERO\" is not a value of enum");
    expect_fail(&T_Everything_desc, "{\"mb\":{\"True\":1}}", PST_E_PROTOCOL,
                "mb[True]: expected the key true or false");
    expect_fail(&T_Everything_desc, "{\"complex\":{\"{\\\"a\\\":1}x\":[]}}",
                PST_E_SYNTAX, "complex[{\\\"a\\\":1}x]: trailing data in a map key");
    expect_fail(&T_Everything_desc, "{\"complex\":{\"{\\\"b\\\":1}\":[]}}",
                PST_E_PROTOCOL, "b: unknown field at byte 12");
    expect_fail(&ThriftTest_CrazyNesting_desc,
                "{\"list_field\":[{\"[1,\\\"x\\\"]\":{}}]}", PST_E_PROTOCOL,
                "list_field[0][[1,\\\"x\\\"]][1]: expected an integer");
    /* base64 */
    expect_fail(&ThriftTest_ThriftTest_testBinary_args_desc, "{\"thing\":\"A\"}",
                PST_E_PROTOCOL, "thing: invalid base64");
    expect_fail(&ThriftTest_ThriftTest_testBinary_args_desc, "{\"thing\":\"@@@@\"}",
                PST_E_PROTOCOL, "invalid base64");
    expect_fail(&ThriftTest_ThriftTest_testBinary_args_desc, "{\"thing\":\"AA=A\"}",
                PST_E_PROTOCOL, "invalid base64");
    expect_fail(&ThriftTest_ThriftTest_testBinary_args_desc, "{\"thing\":\"AAA==\"}",
                PST_E_PROTOCOL, "invalid base64");
    expect_fail(&ThriftTest_ThriftTest_testBinary_args_desc, "{\"thing\":\"AA AA\"}",
                PST_E_PROTOCOL, "invalid base64");
}

static void test_syntax(void)
{
    expect_exact(X, "", PST_E_SYNTAX, "unexpected end of input at byte 0");
    expect_fail(X, "  ", PST_E_SYNTAX, "unexpected end of input at byte 2");
    expect_fail(X, "{", PST_E_SYNTAX, "unexpected end of input at byte 1");
    expect_fail(X, "{\"string_thing\":\"x\"", PST_E_SYNTAX,
                "unexpected end of input at byte 19");
    expect_fail(X, "{\"string_thing\" \"x\"}", PST_E_SYNTAX,
                "expected ':' after a member name at byte 16");
    expect_fail(X, "{\"i32_thing\":1,}", PST_E_SYNTAX, "expected a member name");
    expect_fail(X, "{\"i32_thing\":1 \"i64_thing\":2}", PST_E_SYNTAX,
                "expected ',' or '}'");
    expect_fail(X, "{i32_thing:1}", PST_E_SYNTAX, "expected a member name at byte 1");
    expect_fail(X, "{} x", PST_E_SYNTAX, "trailing data after the value at byte 3");
    expect_fail(X, "{}{}", PST_E_SYNTAX, "trailing data");
    expect_fail(&ThriftTest_ThriftTest_testList_args_desc, "{\"thing\":[1 2]}",
                PST_E_SYNTAX, "expected ',' or ']'");
    expect_fail(&ThriftTest_ThriftTest_testList_args_desc, "{\"thing\":[1,]}",
                PST_E_BAD_TYPE, "thing[1]: expected an integer, got invalid character");
    expect_fail(&ThriftTest_ThriftTest_testMap_args_desc, "{\"thing\":{\"1\" 2}}",
                PST_E_SYNTAX, "expected ':' after a key");
    expect_fail(&ThriftTest_ThriftTest_testMap_args_desc, "{\"thing\":{1:2}}",
                PST_E_SYNTAX, "expected a key string");
    expect_fail(&ThriftTest_ThriftTest_testBool_args_desc, "{\"thing\":tru}",
                PST_E_BAD_TYPE, "expected true or false");
    /* strings */
    expect_exact(X, "{\"string_thing\":\"a\\x\"}", PST_E_SYNTAX,
                 "string_thing: bad escape \\x at byte 18");
    expect_fail(X, "{\"string_thing\":\"\\u12\"}", PST_E_SYNTAX, "bad \\u escape");
    expect_fail(X, "{\"string_thing\":\"\\ud800\"}", PST_E_SYNTAX,
                "\\ud800: a high surrogate without a low one");
    expect_fail(X, "{\"string_thing\":\"\\ud800\\u0041\"}", PST_E_SYNTAX,
                "a high surrogate without a low one");
    expect_fail(X, "{\"string_thing\":\"\\udc00\"}", PST_E_SYNTAX,
                "\\udc00: a low surrogate without a high one");
    expect_fail(X, "{\"string_thing\":\"a\nb\"}", PST_E_SYNTAX,
                "control character 0x0a in a string");
    static const char *const bad_utf8[] = {
        "\xff", "\xc3", "\xc3(", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\x80", "\xe2\x9c",
    };
    for (size_t i = 0; i < COUNT(bad_utf8); i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "{\"string_thing\":\"a%sb\"}", bad_utf8[i]);
        expect_fail(X, doc, PST_E_SYNTAX, "string_thing: invalid UTF-8 in a string at byte 18");
        /* in a member name too */
        snprintf(doc, sizeof doc, "{\"%s\":1}", bad_utf8[i]);
        expect_fail(X, doc, PST_E_SYNTAX, "invalid UTF-8");
    }
    expect_fail(X, "{\"string_thing\":\"x", PST_E_SYNTAX, "unterminated string");
    expect_fail(X, "{\"string_thing\":\"x\\", PST_E_SYNTAX, "unterminated string");
    /* every prefix of a valid document is refused, with words */
    const char *good = "{\"string_thing\":\"\\u00e9\",\"byte_thing\":-1,"
                       "\"i32_thing\":2,\"i64_thing\":\"3\"}";
    for (size_t k = 0; k < strlen(good); k++) {
        pst_error err = { 0, "" };
        int rc = pst_json_decode_struct(good, k, X, value, &arena, NULL, &err);
        CHECK(rc < 0);
        CHECK(err.code == rc && err.message[0] != '\0');
    }
    CHECK_EQ_INT(pst_json_decode_struct(good, strlen(good), X, value, &arena,
                                        NULL, NULL), 0);
}

static void test_limits(void)
{
    /* structs nested past max_depth */
    size_t depth = 200;
    char *doc = malloc(depth * 6 + 16);
    size_t n = 0;
    for (size_t i = 0; i < depth; i++) {
        memcpy(doc + n, "{\"d\":", 5);
        n += 5;
    }
    doc[n++] = '{';
    for (size_t i = 0; i <= depth; i++)
        doc[n++] = '}';
    doc[n] = '\0';
    expect_fail(&T_Deep_desc, doc, PST_E_LIMIT, "structs nested deeper than max_depth 64");
    pst_codec_config deep = PST_CODEC_CONFIG_INIT;
    deep.max_depth = 500;
    CHECK_EQ_INT(pst_json_decode_struct(doc, n, &T_Deep_desc, value, &arena,
                                        &deep, NULL), 0);
    /* the same through the skipper: 4 * max_depth + 64 levels */
    pst_json_reader r;
    pst_error err = { 0, "" };
    pst_json_reader_init(&r, doc, n, NULL, NULL, &err);
    CHECK_EQ_INT(pst_json_skip(&r, NULL), 0);
    free(doc);
    size_t many = 1000000;
    doc = malloc(many);
    memset(doc, '[', many);
    pst_json_reader_init(&r, doc, many, NULL, NULL, &err);
    CHECK_EQ_INT(pst_json_skip(&r, NULL), PST_E_LIMIT);
    CHECK(strstr(err.message, "nested deeper than 320") != NULL);
    CHECK(r.p == doc);
    /* a whole document past max_message */
    pst_codec_config small = PST_CODEC_CONFIG_INIT;
    small.max_message = 10;
    expect_fail_cfg(X, "{\"i32_thing\":1}", 15, &small, PST_E_LIMIT,
                    "JSON document of 15 bytes exceeds max_message 10", true);
    pst_error_clear(&err);
    pst_json_reader_init(&r, "[1,2,3,4,5,6]", 13, NULL, &small, &err);
    CHECK_EQ_INT(pst_json_skip(&r, NULL), PST_E_LIMIT);
    /* the arena's limit: a long list */
    for (size_t i = 0; i < many / 2; i++) {
        doc[2 * i] = '1';
        doc[2 * i + 1] = ',';
    }
    memcpy(doc, "{\"thing\":[", 10);
    memcpy(doc + many - 2, "]}", 2);
    pst_arena lim;
    pst_arena_init(&lim, NULL, 0, 64 * 1024);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_json_decode_struct(doc, many, &ThriftTest_ThriftTest_testList_args_desc,
                                        value, &lim, NULL, &err), PST_E_LIMIT);
    CHECK(strstr(err.message, "thing: allocating ") == err.message &&
          strstr(err.message, "passes the arena limit 65536") != NULL);
    pst_arena_release(&lim);
    free(doc);
    /* no arena */
    pst_error_clear(&err);
    pst_json_reader_init(&r, "{}", 2, NULL, NULL, &err);
    CHECK_EQ_INT(pst_json_read_struct(&r, X, value), PST_E_INVALID);
}

static void test_reader_errors(void)
{
    static const struct { const char *doc; int code; const char *words; } cases[] = {
        { "", PST_E_SYNTAX, "unexpected end of input at byte 0" },
        { "{\"a\" 1}", PST_E_SYNTAX, "expected ':' after a member name at byte 5" },
        { "{\"a\":1,}", PST_E_SYNTAX, "expected a member name at byte 7" },
        { "[1 2]", PST_E_SYNTAX, "expected ',' or ']' at byte 3" },
        { "{\"a\":[1,{]}", PST_E_SYNTAX, "expected a member name at byte 9" },
        { "nul", PST_E_SYNTAX, "expected a value" },
        { "\"\\q\"", PST_E_SYNTAX, "bad escape \\q at byte 1" },
        { "-01", PST_E_SYNTAX, "leading zero" },
        { "[1,]", PST_E_SYNTAX, "expected a value, got invalid character at byte 3" },
        { "{\"a\":1}}", 0, "" }, /* skip stops after the value */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        pst_json_reader r;
        pst_error err = { 0, "" };
        pst_json_reader_init(&r, cases[i].doc, strlen(cases[i].doc), NULL, NULL, &err);
        int rc = pst_json_skip(&r, NULL);
        CHECK_EQ_INT(rc, cases[i].code);
        CHECK(strstr(err.message, cases[i].words) != NULL);
        if (rc != cases[i].code || !strstr(err.message, cases[i].words))
            fprintf(stderr, "  %s: %s\n", cases[i].doc, err.message);
    }
    pst_json_reader r;
    pst_error err = { 0, "" };
    pst_json_iter it;
    pst_str name;
    pst_json_reader_init(&r, "[1]", 3, NULL, NULL, &err);
    CHECK_EQ_INT(pst_json_object_begin(&r, &it), PST_E_BAD_TYPE);
    CHECK(strcmp(err.message, "expected an object, got array at byte 0") == 0);
    pst_error_clear(&err);
    pst_json_reader_init(&r, "{\"a\\n\":1}", 9, NULL, NULL, &err);
    CHECK_EQ_INT(pst_json_object_begin(&r, &it), 0);
    CHECK_EQ_INT(pst_json_object_next(&r, &it, &name), PST_E_INVALID);
    pst_error_clear(&err);
    pst_json_reader_init(&r, "{\"a\":1 \"b\":2}", 14, NULL, NULL, &err);
    CHECK_EQ_INT(pst_json_object_begin(&r, &it), 0);
    CHECK_EQ_INT(pst_json_object_next(&r, &it, &name), 1);
    CHECK_EQ_INT(pst_json_skip(&r, NULL), 0);
    CHECK_EQ_INT(pst_json_object_next(&r, &it, &name), PST_E_SYNTAX);
    CHECK(strstr(err.message, "expected ',' or '}' at byte 7") != NULL);
    pst_error_clear(&err);
    pst_json_reader_init(&r, "5", 1, NULL, NULL, &err);
    pst_str s;
    CHECK_EQ_INT(pst_json_read_string(&r, &s), PST_E_BAD_TYPE);
    CHECK_EQ_INT(pst_json_read_null(&r), 0);
}

static void test_encode_errors(void)
{
    pst_wbuf w;
    pst_error err = { 0, "" };
    /* a union with two members */
    ThriftTest_SomeUnion u;
    ThriftTest_SomeUnion_init(&u);
    ThriftTest_SomeUnion_set_i32_thing(&u);
    ThriftTest_SomeUnion_set_string_thing(&u);
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_wbuf_append(&w, "x", 1), 0);
    CHECK_EQ_INT(pst_json_write_struct(&w, &ThriftTest_SomeUnion_desc, &u, NULL, &err),
                 PST_E_INVALID);
    CHECK(strcmp(err.message, "SomeUnion.i32_thing: union has more than one member set") == 0);
    CHECK(w.len == 1); /* nothing appended */
    pst_wbuf_free(&w);
    /* a NULL pointer in a list of pointers cannot be written */
    static const pst_type t_ptr = { PST_K_STRUCT_PTR, PST_TT_STRUCT, sizeof(void *),
                                    &T_Deep_desc, NULL, NULL, NULL };
    static const pst_type t_list_ptr = { PST_K_LIST, PST_TT_LIST, sizeof(pst_list),
                                         NULL, NULL, &t_ptr, NULL };
    void *ptrs[2] = { NULL, NULL };
    pst_list l = { ptrs, 2 };
    pst_error_clear(&err);
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_json_write_value(&w, &t_list_ptr, &l, NULL, &err), PST_E_INVALID);
    CHECK(strstr(err.message, "NULL struct pointer") != NULL);
    pst_wbuf_free(&w);
    /* a cycle stops at max_depth */
    T_Node node;
    memset(&node, 0, sizeof node);
    node.next = &node;
    node.isset_[0] = 2;
    pst_error_clear(&err);
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_json_write_struct(&w, &T_Node_desc, &node, NULL, &err), PST_E_LIMIT);
    CHECK(strstr(err.message, "nested deeper than max_depth") != NULL);
    CHECK(w.len == 0);
    pst_wbuf_free(&w);
    /* the buffer's limit */
    ThriftTest_Xtruct x;
    ThriftTest_Xtruct_init(&x);
    x.string_thing = PST_STR("0123456789012345678901234567890123456789");
    x.isset_[0] = 0xf;
    pst_error_clear(&err);
    pst_wbuf_init(&w, 40);
    CHECK_EQ_INT(pst_json_write_struct(&w, X, &x, NULL, &err), PST_E_LIMIT);
    CHECK(w.len == 0 && w.err == PST_E_LIMIT);
    CHECK(err.code == PST_E_LIMIT && err.message[0] != '\0');
    pst_wbuf_free(&w);
    pst_wbuf_init(&w, 200);
    CHECK_EQ_INT(pst_json_write_struct(&w, X, &x, NULL, NULL), 0);
    pst_wbuf_free(&w);
}

int main(void)
{
    pst_arena_init(&arena, NULL, 0, 0);
    RUN(test_wrong_types);
    RUN(test_numbers);
    RUN(test_fields);
    RUN(test_syntax);
    RUN(test_limits);
    RUN(test_reader_errors);
    RUN(test_encode_errors);
    pst_arena_release(&arena);
    return test_report();
}
