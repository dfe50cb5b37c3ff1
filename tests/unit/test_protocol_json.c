/*
 * test_protocol_json.c: TJSONProtocol. EVERYTHING_HEX is the text below in
 * hex; it was checked (once, at development time) against Apache Thrift
 * C++ 0.17's TJSONProtocol writing everything_value() field by field over
 * a TMemoryBuffer: byte for byte the same once the two uuid fields (9 and
 * 43, which 0.17 cannot write) are left out of both. uuid is written as
 * the type "uid" with its 8-4-4-4-12 text, as later Thrift releases do.
 *
 * {"-1":{"i16":-2},"1":{"tf":1},"2":{"i8":-128},"3":{"i16":-12345},
 *  "4":{"i32":-2147483648},"5":{"i64":-9223372036854775808},"6":{"dbl":-2.5},
 *  "7":{"str":"héllo wörld ✓"},"8":{"str":"AP8Af4A"},
 *  "9":{"uid":"00112233-4455-6677-8899-aabbccddeeff"},"10":{"i32":2},
 *  "11":{"rec":{"1":{"i32":7},"2":{"str":"in"}}}, ... ,
 *  "16":{"map":["rec","lst",2,{{"1":{"i32":1},"2":{"str":"a"}}:["dbl",2,1,-0.5],...]}},
 *  "45":{"lst":["dbl",3,"Infinity","-Infinity",0]},"46":{"lst":["str",2,"AAE",""]}, ...}
 */
#include <math.h>
#include <stdlib.h>

#include "test.h"
#include "test_codec_types.h"

static const pst_protocol *const P = &pst_protocol_json;

#define EVERYTHING_HEX \
    "7b222d31223a7b22693136223a2d327d2c2231223a7b227466223a317d2c2232" \
    "223a7b226938223a2d3132387d2c2233223a7b22693136223a2d31323334357d" \
    "2c2234223a7b22693332223a2d323134373438333634387d2c2235223a7b2269" \
    "3634223a2d393232333337323033363835343737353830387d2c2236223a7b22" \
    "64626c223a2d322e357d2c2237223a7b22737472223a2268c3a96c6c6f2077c3" \
    "b6726c6420e29c93227d2c2238223a7b22737472223a2241503841663441227d" \
    "2c2239223a7b22756964223a2230303131323233332d343435352d363637372d" \
    "383839392d616162626363646465656666227d2c223130223a7b22693332223a" \
    "327d2c223131223a7b22726563223a7b2231223a7b22693332223a377d2c2232" \
    "223a7b22737472223a22696e227d7d7d2c223132223a7b226c7374223a5b2269" \
    "3332222c352c302c2d312c312c323134373438333634372c2d32313437343833" \
    "3634385d7d2c223133223a7b22736574223a5b22737472222c332c2278222c22" \
    "222c22797a225d7d2c223134223a7b226d6170223a5b22737472222c22693634" \
    "222c322c7b226b31223a393232333337323033363835343737353830372c226b" \
    "32223a2d317d5d7d2c223135223a7b226c7374223a5b227466222c332c312c30" \
    "2c315d7d2c223136223a7b226d6170223a5b22726563222c226c7374222c322c" \
    "7b7b2231223a7b22693332223a317d2c2232223a7b22737472223a2261227d7d" \
    "3a5b2264626c222c322c312c2d302e355d2c7b2231223a7b22693332223a327d" \
    "2c2232223a7b22737472223a22227d7d3a5b2264626c222c305d7d5d7d2c2231" \
    "37223a7b226c7374223a5b226c7374222c332c5b22693136222c322c312c325d" \
    "2c5b22693136222c305d2c5b22693136222c312c2d335d5d7d2c223230223a7b" \
    "22693332223a39397d2c223430223a7b22737472223a22666172206177617922" \
    "7d2c223431223a7b226d6170223a5b227466222c226938222c322c7b2231223a" \
    "312c2230223a2d317d5d7d2c223432223a7b226c7374223a5b22726563222c32" \
    "2c7b2231223a7b22693332223a337d2c2232223a7b22737472223a2270227d7d" \
    "2c7b2231223a7b22693332223a347d2c2232223a7b22737472223a2271227d7d" \
    "5d7d2c223433223a7b226c7374223a5b22756964222c312c2264656164626565" \
    "662d303030312d303230332d303430352d303630373038303930613062225d7d" \
    "2c223434223a7b226c7374223a5b22693634222c332c39323233333732303336" \
    "3835343737353830372c302c2d315d7d2c223435223a7b226c7374223a5b2264" \
    "626c222c332c22496e66696e697479222c222d496e66696e697479222c305d7d" \
    "2c223436223a7b226c7374223a5b22737472222c322c22414145222c22225d7d" \
    "2c223437223a7b22736574223a5b22693332222c322c312c325d7d2c22343822" \
    "3a7b226c7374223a5b226938222c31362c2d312c302c3132372c312c322c332c" \
    "342c352c362c372c382c392c31302c31312c31322c31335d7d7d"
#define EMPTY_HEX \
    "7b222d31223a7b22693136223a307d2c2231223a7b227466223a307d2c223222" \
    "3a7b226938223a307d2c2233223a7b22693136223a307d2c2234223a7b226933" \
    "32223a307d2c2235223a7b22693634223a307d2c2236223a7b2264626c223a30" \
    "7d2c2237223a7b22737472223a22227d2c2238223a7b22737472223a22227d2c" \
    "2239223a7b22756964223a2230303030303030302d303030302d303030302d30" \
    "3030302d303030303030303030303030227d2c223130223a7b22693332223a30" \
    "7d2c223131223a7b22726563223a7b2231223a7b22693332223a307d2c223222" \
    "3a7b22737472223a22227d7d7d2c223132223a7b226c7374223a5b2269333222" \
    "2c305d7d2c223133223a7b22736574223a5b22737472222c305d7d2c22313422" \
    "3a7b226d6170223a5b22737472222c22693634222c302c7b7d5d7d2c22313522" \
    "3a7b226c7374223a5b227466222c305d7d2c223136223a7b226d6170223a5b22" \
    "726563222c226c7374222c302c7b7d5d7d2c223137223a7b226c7374223a5b22" \
    "6c7374222c305d7d2c223431223a7b226d6170223a5b227466222c226938222c" \
    "302c7b7d5d7d2c223432223a7b226c7374223a5b22726563222c305d7d2c2234" \
    "33223a7b226c7374223a5b22756964222c305d7d2c223434223a7b226c737422" \
    "3a5b22693634222c305d7d2c223435223a7b226c7374223a5b2264626c222c30" \
    "5d7d2c223436223a7b226c7374223a5b22737472222c305d7d2c223437223a7b" \
    "22736574223a5b22693332222c305d7d2c223438223a7b226c7374223a5b2269" \
    "38222c305d7d7d"

#include "test_codec_common.h"

/* ---- helpers ---- */

static char *encode_text(const pst_struct_desc *d, const void *v)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    int rc = P->write_struct(&w, d, v, NULL);
    CHECK_EQ_INT(rc, 0);
    char *s = malloc(w.len + 1);
    memcpy(s, w.data ? (const char *)w.data : "", w.len);
    s[w.len] = '\0';
    pst_wbuf_free(&w);
    return s;
}

static void check_text(const char *got, const char *want)
{
    CHECK(strcmp(got, want) == 0);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  got  %s\n  want %s\n", got, want);
}

static int decode_text(const char *text, const pst_struct_desc *d, void *v,
                       pst_arena *a, pst_error *err)
{
    return decode((const uint8_t *)text, strlen(text), d, v, a, NULL, err,
                  NULL);
}

/* Decoding fails with code, and the message holds needle. */
static void check_bad(const char *text, const pst_struct_desc *d, int code,
                      const char *needle)
{
    uint8_t v[1024]; /* larger than every test struct */
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_error err = { 0, "" };
    int rc = decode_text(text, d, v, &a, &err);
    CHECK_EQ_INT(rc, code);
    if (rc != code)
        fprintf(stderr, "  input %s\n", text);
    expect_error(&err, needle);
    expect_error(&err, "offset");
    pst_arena_release(&a);
}

/* ---- exact bytes ---- */

static void test_message_bytes(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("add"), PST_MSG_CALL, 7 };
    T_Inner in = { 5, PST_STR("x"), { 3 } };
    CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
    CHECK_EQ_INT(P->write_struct(&w, &T_Inner_desc, &in, NULL), 0);
    CHECK_EQ_INT(pst_protocol_write_message_end(P, &w), 0);
    const char *want = "[1,\"add\",1,7,{\"1\":{\"i32\":5},\"2\":{\"str\":\"x\"}}]";
    CHECK_EQ_INT(w.len, strlen(want));
    CHECK(w.len == strlen(want) && memcmp(w.data, want, w.len) == 0);

    /* read back, through the closing bracket */
    pst_rbuf r;
    pst_rbuf_init(&r, w.data, w.len, NULL);
    pst_msg_header g;
    CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), 0);
    CHECK(g.name.len == 3 && memcmp(g.name.ptr, "add", 3) == 0);
    CHECK_EQ_INT(g.type, PST_MSG_CALL);
    CHECK_EQ_INT(g.seqid, 7);
    CHECK_EQ_INT(P->skip_struct(&r, NULL), 0);
    CHECK_EQ_INT(pst_protocol_read_message_end(P, &r, NULL), 0);
    CHECK(r.p == r.end);

    /* a name with characters to escape, negative seqid, EXCEPTION */
    w.len = 0;
    pst_msg_header h2 = { PST_STR("a\"b\\c\x01"), PST_MSG_EXCEPTION, -1 };
    CHECK_EQ_INT(P->write_message_begin(&w, &h2), 0);
    const char *want2 = "[1,\"a\\\"b\\\\c\\u0001\",3,-1,";
    CHECK(w.len == strlen(want2) && memcmp(w.data, want2, w.len) == 0);
    pst_wbuf_free(&w);
}

static void test_double_text(void)
{
    /* as Thrift C++ 0.17 prints them: 17 significant digits */
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        { 3.14, "3.1400000000000001" },   { 1.0, "1" },
        { 0.1, "0.10000000000000001" },  { 1e20, "1e+20" },
        { 1e-7, "9.9999999999999995e-08" }, { -0.0, "-0" },
        { 5e-324, "4.9406564584124654e-324" },
        { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { 123456789012345678.0, "1.2345678901234568e+17" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        T_Everything v;
        memset(&v, 0, sizeof v);
        v.dbl = cases[i].v;
        char *s = encode_text(&T_Everything_desc, &v);
        char want[96];
        snprintf(want, sizeof want, "\"6\":{\"dbl\":%s}", cases[i].text);
        CHECK(strstr(s, want) != NULL);
        if (!strstr(s, want))
            fprintf(stderr, "  %s not in %s\n", want, s);
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        T_Everything back;
        CHECK_EQ_INT(decode_text(s, &T_Everything_desc, &back, &a, NULL), 0);
        CHECK(dbl_same(back.dbl, cases[i].v));
        pst_arena_release(&a);
        free(s);
    }
    /* specials quoted, as C++ writes them */
    double ld[] = { NAN, INFINITY, -INFINITY };
    T_Everything v;
    memset(&v, 0, sizeof v);
    v.ldbl = (pst_list){ ld, 3 };
    char *s = encode_text(&T_Everything_desc, &v);
    CHECK(strstr(s, "\"45\":{\"lst\":[\"dbl\",3,\"NaN\",\"Infinity\",\"-Infinity\"]}") != NULL);
    free(s);
}

/* The fast path for short doubles prints exactly what "%.17g" does, and
 * the reader's (Clinger's: few digits, small exponent) reads every printed
 * value back to its bits, as strtod does. */
static void test_double_fast_path(void)
{
    uint64_t x = 0x243f6a8885a308d3ull;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        switch (i % 4) {
        case 0: v = (double)(int64_t)(x % 4000000000000ull) / 16 - 1.25e11; break;
        case 1: v = (double)(int64_t)(x % 100000) / 16 - 3000; break;
        case 2: v = (double)(int64_t)(x >> 12) / 4096.0; break; /* mostly slow path */
        default: memcpy(&v, &x, 8); break;                       /* any bits */
        }
        if (i < 8) {
            static const double edge[] = { 0.0, -0.0, 1e12 - 0.0625, -1e12 + 0.0625,
                                           0.0625, -0.0625, 1e12, 999999999999.9375 };
            v = edge[i];
        }
        if (isnan(v) || isinf(v))
            continue;
        T_Everything e;
        memset(&e, 0, sizeof e);
        e.dbl = v;
        char *s = encode_text(&T_Everything_desc, &e);
        char want[64];
        snprintf(want, sizeof want, "\"6\":{\"dbl\":%.17g}", v);
        if (!strstr(s, want)) {
            if (bad++ < 5)
                fprintf(stderr, "  %s not in %.60s...\n", want, strstr(s, "\"6\""));
        }
        /* and it reads back to the same bits (the reader's fast path) */
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        T_Everything back;
        if (decode_text(s, &T_Everything_desc, &back, &a, NULL) != 0 ||
            !dbl_same(back.dbl, v)) {
            if (bad++ < 5)
                fprintf(stderr, "  %s does not read back\n", want);
        }
        pst_arena_release(&a);
        free(s);
    }
    CHECK_EQ_INT(bad, 0);
}

/* map keys: numbers quoted (pair context), strings as they are */
static void test_map_keys(void)
{
    T_Everything v;
    memset(&v, 0, sizeof v);
    bool k[] = { true, false };
    int8_t val[] = { 1, -1 };
    v.mb = (pst_map){ k, val, 2 };
    pst_str sk[] = { PST_STR("k"), PST_STR("") };
    int64_t sv[] = { 5, -6 };
    v.msi = (pst_map){ sk, sv, 2 };
    char *s = encode_text(&T_Everything_desc, &v);
    CHECK(strstr(s, "\"41\":{\"map\":[\"tf\",\"i8\",2,{\"1\":1,\"0\":-1}]}") != NULL);
    CHECK(strstr(s, "\"14\":{\"map\":[\"str\",\"i64\",2,{\"k\":5,\"\":-6}]}") != NULL);
    free(s);
}

static void test_string_escapes(void)
{
    T_Inner in = { 0, PST_STR(""), { 3 } };
    static const char raw[] = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9";
    in.s = (pst_str){ raw, sizeof raw - 1 };
    char *s = encode_text(&T_Inner_desc, &in);
    check_text(s, "{\"1\":{\"i32\":0},\"2\":{\"str\":\"q\\\"b\\\\s/\\b\\f\\n\\r\\t"
                  "\\u0001\\u001f\x7f \xc3\xa9\"}}");
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Inner back;
    CHECK_EQ_INT(decode_text(s, &T_Inner_desc, &back, &a, NULL), 0);
    CHECK(str_eq(back.s, in.s));
    pst_arena_release(&a);
    free(s);
}

static void test_base64(void)
{
    static const char *const want[] = { "", "AA", "AAE", "AAEC", "AAECAw",
                                        "AAECAwQ" };
    static const char bytes[] = { 0, 1, 2, 3, 4 };
    for (size_t n = 0; n <= 5; n++) {
        T_Everything v;
        memset(&v, 0, sizeof v);
        v.bin = (pst_str){ bytes, n };
        char *s = encode_text(&T_Everything_desc, &v);
        char needle[64];
        snprintf(needle, sizeof needle, "\"8\":{\"str\":\"%s\"}", want[n]);
        CHECK(strstr(s, needle) != NULL);
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        T_Everything back;
        CHECK_EQ_INT(decode_text(s, &T_Everything_desc, &back, &a, NULL), 0);
        CHECK(str_eq(back.bin, v.bin));
        pst_arena_release(&a);
        free(s);
    }
}

/* ---- liberal reading ---- */

static void test_liberal_reading(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Everything v;
    pst_error err = { 0, "" };
    /* whitespace everywhere, padding, bare nan/inf (Python), quoted numbers
     * out of key position, true/false, \/ and surrogate pairs, \u0000 */
    const char *text =
        " { \"6\" : { \"dbl\" : -inf } ,\n\t\"1\":{\"tf\":true},"
        "\"2\":{\"i8\":\"-5\"},\"7\":{\"str\":\"a\\/b\\u00e9\\ud83d\\ude00\\u0000z\"},"
        "\"8\":{\"str\":\"AAECAw==\"},\"46\":{\"lst\":[\"str\",2,\"AA==\",\"A\\/8=\"]},"
        "\"45\":{\"lst\":[\"dbl\",4,nan,inf,\"-inf\",1E3]},"
        "\"9\":{\"uid\":\"00112233445566778899AABBCCDDEEFF\"} } ";
    CHECK_EQ_INT(decode_text(text, &T_Everything_desc, &v, &a, &err), 0);
    if (err.code)
        fprintf(stderr, "  %s\n", err.message);
    CHECK(isinf(v.dbl) && v.dbl < 0);
    CHECK(v.b);
    CHECK_EQ_INT(v.i8v, -5);
    static const char want_s[] = "a/b\xc3\xa9\xf0\x9f\x98\x80\0z";
    CHECK(str_eq(v.str, (pst_str){ want_s, sizeof want_s - 1 }));
    CHECK(str_eq(v.bin, (pst_str){ "\0\1\2\3", 4 }));
    CHECK_EQ_INT(v.lbin.count, 2);
    if (v.lbin.count == 2) {
        CHECK(str_eq(((pst_str *)v.lbin.data)[0], (pst_str){ "\0", 1 }));
        CHECK(str_eq(((pst_str *)v.lbin.data)[1], (pst_str){ "\3\xff", 2 }));
    }
    CHECK_EQ_INT(v.ldbl.count, 4);
    if (v.ldbl.count == 4) {
        double *d = v.ldbl.data;
        CHECK(isnan(d[0]) && isinf(d[1]) && d[1] > 0 && isinf(d[2]) && d[2] < 0 &&
              d[3] == 1000.0);
    }
    CHECK(memcmp(v.u.bytes, ev_uuid.bytes, 16) == 0);
    /* unknown fields of every shape are skipped */
    T_Inner in;
    CHECK_EQ_INT(decode_text("{\"9\":{\"map\":[\"i32\",\"lst\",1,{\"3\":[\"rec\",1,{\"1\":"
                             "{\"str\":\"x\"}}]}]},\"1\":{\"i32\":4},\"7\":{\"uid\":"
                             "\"00112233-4455-6677-8899-aabbccddeeff\"},\"2\":{\"i64\":1}}",
                             &T_Inner_desc, &in, &a, NULL),
                 0);
    CHECK_EQ_INT(in.a, 4);
    CHECK(!pst_isset(&T_Inner_desc, &in, 1)); /* id 2 had another type */
    pst_arena_release(&a);

    /* a message with whitespace, as some writers pretty-print it */
    const char *msg = " [ 1 , \"add\" , 1 , 9 , { } ] ";
    size_t len = 0;
    CHECK_EQ_INT(msg_len((const uint8_t *)msg, strlen(msg), NULL, &len, NULL), 0);
    CHECK_EQ_INT(len, strlen(msg) - 1);
}

/* ---- errors: each names what and where ---- */

static void test_errors(void)
{
    const pst_struct_desc *E = &T_Everything_desc, *I = &T_Inner_desc;
    check_bad("[]", I, PST_E_PROTOCOL, "expected '{' to open a struct, found '['");
    check_bad("{\"1\":{\"i32\":5}\"2\"", I, PST_E_PROTOCOL, "expected ',' between entries");
    check_bad("{\"1\" {\"i32\":5}}", I, PST_E_PROTOCOL, "expected ':' after a key");
    check_bad("{\"1\":{\"int\":5}}", I, PST_E_BAD_TYPE, "unknown type name \"int\"");
    check_bad("{\"70000\":{\"i32\":5}}", I, PST_E_PROTOCOL, "field id value 70000 out of range");
    check_bad("{\"x\":{\"i32\":5}}", I, PST_E_PROTOCOL, "expected field id, found 'x'");
    check_bad("{\"2\":{\"i8\":128}}", E, PST_E_PROTOCOL, "Everything.i8v: i8 value 128 out of range");
    check_bad("{\"1\":{\"i32\":2147483648}}", I, PST_E_PROTOCOL, "Inner.a: i32 value 2147483648 out of range");
    check_bad("{\"5\":{\"i64\":9223372036854775808}}", E, PST_E_PROTOCOL, "i64 value 9223372036854775808 out of range");
    check_bad("{\"5\":{\"i64\":99999999999999999999}}", E, PST_E_PROTOCOL, "out of range");
    check_bad("{\"1\":{\"i32\":1.5}}", I, PST_E_PROTOCOL, "expected i32, found '1.5'");
    check_bad("{\"1\":{\"i32\":}}", I, PST_E_PROTOCOL, "expected i32, found '}'");
    check_bad("{\"1\":{\"i32\":123456789012345678901234567890123}}", I,
              PST_E_PROTOCOL, "i32 longer than 30 characters");
    check_bad("{\"6\":{\"dbl\":0x10}}", E, PST_E_PROTOCOL, "expected a double, found '0x10'");
    check_bad("{\"6\":{\"dbl\":\"nope\"}}", E, PST_E_PROTOCOL, "expected a double, found 'nope'");
    check_bad("{\"2\":{\"str\":\"a\\qb\"}}", I, PST_E_PROTOCOL, "Inner.s: unknown string escape \\'q'");
    check_bad("{\"2\":{\"str\":\"\\u12G4\"}}", I, PST_E_PROTOCOL, "\\u escape needs four hex digits");
    check_bad("{\"2\":{\"str\":\"\\ud800x\"}}", I, PST_E_PROTOCOL, "lone UTF-16 surrogate");
    check_bad("{\"2\":{\"str\":\"\\udc00\"}}", I, PST_E_PROTOCOL, "lone UTF-16 surrogate");
    check_bad("{\"8\":{\"str\":\"AA*A\"}}", E, PST_E_PROTOCOL, "Everything.bin: invalid base64 character '*'");
    check_bad("{\"8\":{\"str\":\"AAAAA\"}}", E, PST_E_PROTOCOL, "base64 text has an impossible length");
    check_bad("{\"8\":{\"str\":\"A=AA\"}}", E, PST_E_PROTOCOL, "invalid base64 character '='");
    check_bad("{\"9\":{\"uid\":\"0011\"}}", E, PST_E_PROTOCOL, "Everything.u: uuid is not 32 hex digits");
    check_bad("{\"9\":{\"uid\":\"00112233-4455-6677-8899_aabbccddeeff\"}}", E, PST_E_PROTOCOL, "uuid is not");
    check_bad("{\"12\":{\"lst\":[\"i64\",1,5]}}", E, PST_E_BAD_TYPE,
              "Everything.li32: list element type is i64 (10), expected i32");
    check_bad("{\"14\":{\"map\":[\"str\",\"i32\",1,{\"a\":1}]}}", E, PST_E_BAD_TYPE,
              "map value type is i32 (8), expected i64");
    check_bad("{\"12\":{\"lst\":[\"i32\",-1]}}", E, PST_E_PROTOCOL, "list size value -1 out of range");
    check_bad("{\"12\":{\"lst\":[\"i32\",2,1,2,3]}}", E, PST_E_PROTOCOL, "expected ']' to close a list, found ','");
    check_bad("{\"12\":{\"lst\":[\"i32\",3,1,2]}}", E, PST_E_PROTOCOL, "expected ',' between values, found ']'");
    check_bad("{\"1\":{\"i32\":5,\"x\":1}}", I, PST_E_PROTOCOL, "expected '}' to close a field");
    check_bad("{\"3\":{\"zz\":1}}", I, PST_E_BAD_TYPE, "unknown type name \"zz\"");
    /* skipped values are checked as well, and say where they were */
    check_bad("{\"3\":{\"lst\":[\"i8\",1,300]}}", I, PST_E_PROTOCOL, "Inner: skipping field 3: i8 value 300 out of range");
    /* required field */
    T_Req rq;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(decode_text("{}", &T_Req_desc, &rq, &a, &err), PST_E_MISSING_FIELD);
    expect_error(&err, "required field");
    pst_arena_release(&a);
}

/* A count is checked against the bytes left before anything is allocated:
 * a huge count in a few bytes fails at once, without a large allocation. */
static void test_counts_before_allocation(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_error err = { 0, "" };
    T_Everything v;
    const char *t = "{\"12\":{\"lst\":[\"i32\",2147483647,1,2]}}";
    CHECK_EQ_INT(decode_text(t, &T_Everything_desc, &v, &a, &err), PST_E_LIMIT);
    expect_error(&err, "Everything.li32: list needs 2147483647 bytes: the "
                       "message would pass max_message");
    CHECK(a.allocated < 4096);
    err.code = 0;
    t = "{\"14\":{\"map\":[\"str\",\"i64\",100000,{\"a\":1}]}}";
    CHECK_EQ_INT(decode_text(t, &T_Everything_desc, &v, &a, &err), PST_E_SHORT);
    expect_error(&err, "map needs 300000 bytes");
    CHECK(a.allocated < 4096);
    /* in a skipped field too */
    err.code = 0;
    t = "{\"99\":{\"set\":[\"rec\",1000000000,{}]}}";
    CHECK_EQ_INT(skip((const uint8_t *)t, strlen(t), NULL, &err, NULL), PST_E_LIMIT);
    expect_error(&err, "set needs 2000000000 bytes");
    pst_arena_release(&a);
}

static void test_message_errors(void)
{
    static const struct {
        const char *text;
        int code;
        const char *needle;
    } cases[] = {
        { "[2,\"a\",1,0,{}]", PST_E_PROTOCOL, "JSON message version 2, expected 1 (offset" },
        { "{1,\"a\",1,0,{}]", PST_E_PROTOCOL, "expected '[' to open a message, found '{'" },
        { "\x80\x01\x00\x01", PST_E_PROTOCOL, "found 0x80" },
        { "[1,\"a\\u0062\",1,0,{}]", PST_E_PROTOCOL, "method name holds an escape sequence" },
        { "[1,\"a\",1,4294967296,{}]", PST_E_PROTOCOL, "sequence id value 4294967296 out of range" },
        { "[1,\"a\",1,0{}]", PST_E_PROTOCOL, "expected ',' between values, found '{'" },
        { "[1,\"a\",1,0,", PST_E_SHORT, "needs" },
        { "[1,\"a", PST_E_SHORT, "method name needs" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        pst_rbuf r;
        pst_error err = { 0, "" };
        pst_rbuf_init(&r, cases[i].text, strlen(cases[i].text), &err);
        pst_msg_header h;
        int rc = P->read_message_begin(&r, &h, NULL);
        if (i < 6) {
            CHECK_EQ_INT(rc, cases[i].code);
            CHECK(r.p == r.start);
            expect_error(&err, cases[i].needle);
        }
        size_t len = 0;
        pst_error e2 = { 0, "" };
        CHECK_EQ_INT(msg_len((const uint8_t *)cases[i].text, strlen(cases[i].text),
                             NULL, &len, &e2),
                     cases[i].code);
        expect_error(&e2, cases[i].needle);
    }
    /* the trailer */
    pst_rbuf r;
    pst_error err = { 0, "" };
    pst_rbuf_init(&r, "}", 1, &err);
    CHECK_EQ_INT(pst_protocol_read_message_end(P, &r, NULL), PST_E_PROTOCOL);
    expect_error(&err, "expected ']' to close the message, found '}'");
    /* a message that would pass max_message */
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    cfg.max_message = 16;
    const char *big = "[1,\"method\",1,0,{\"1\":{\"i32\":5}}]";
    size_t len;
    CHECK_EQ_INT(msg_len((const uint8_t *)big, strlen(big), &cfg, &len, NULL), PST_E_LIMIT);
    CHECK_EQ_INT(msg_len((const uint8_t *)big, 15, &cfg, &len, NULL), PST_E_SHORT);
}

/* Hostile nesting: skipping is bounded by max_frames, lists in lists too. */
static void test_hostile_nesting(void)
{
    size_t depth = 100000;
    char *t = malloc(depth * 9 + 64);
    size_t n = 0;
    n += (size_t)sprintf(t + n, "{\"9\":{\"lst\":");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)sprintf(t + n, "[\"lst\",1,");
    t[n] = '\0';
    pst_error err = { 0, "" };
    CHECK_EQ_INT(skip((const uint8_t *)t, n, NULL, &err, NULL), PST_E_LIMIT);
    expect_error(&err, "structs and containers nested deeper than");
    free(t);
}

/* Writing a value that cannot be written leaves the buffer as it was. */
static void test_write_failures(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 40);
    T_Everything v;
    everything_value(&v);
    CHECK_EQ_INT(P->write_struct(&w, &T_Everything_desc, &v, NULL), PST_E_LIMIT);
    CHECK_EQ_INT(w.len, 0);
    CHECK_EQ_INT(w.err, PST_E_LIMIT);
    pst_msg_header h = { PST_STR("m"), 1, 1 };
    CHECK_EQ_INT(P->write_message_begin(&w, &h), PST_E_LIMIT);
    CHECK_EQ_INT(pst_protocol_write_message_end(P, &w), PST_E_LIMIT);
    pst_wbuf_free(&w);
}

int main(void)
{
    CHECK(pst_protocol_by_name("json") == &pst_protocol_json);
    run_common_tests();
    RUN(test_message_bytes);
    RUN(test_double_text);
    RUN(test_double_fast_path);
    RUN(test_map_keys);
    RUN(test_string_escapes);
    RUN(test_base64);
    RUN(test_liberal_reading);
    RUN(test_errors);
    RUN(test_counts_before_allocation);
    RUN(test_message_errors);
    RUN(test_hostile_nesting);
    RUN(test_write_failures);
    return test_report();
}
