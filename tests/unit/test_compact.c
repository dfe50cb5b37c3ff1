/*
 * test_compact.c: TCompactProtocol. Expected bytes are hand-computed from the
 * spec; EVERYTHING_HEX and EMPTY_HEX were produced (once, at development
 * time) by python3-thrift 0.17's TCompactProtocol over a TMemoryBuffer
 * writing everything_value() (and the all-empty value) field by field, with
 * uuid as compact type 13 + 16 raw bytes.
 */
#include <stdlib.h>

#include "test.h"
#include "test_codec_types.h"

static const pst_protocol *const P = &pst_protocol_compact;

#define EVERYTHING_HEX \
    "04010321138014f1c00115ffffffff0f16ffffffffffffffffff011700000000" \
    "000004c0181168c3a96c6c6f2077c3b6726c6420e29c93180500ff007f801d00" \
    "112233445566778899aabbccddeeff15041c150e1802696e001955000102feff" \
    "ffff0fffffffff0f1a3801780002797a1b0286026b31feffffffffffffffff01" \
    "026b320119310102011b02c915021801610027000000000000f03f0000000000" \
    "00e0bf150418000007193924020404140535c60108500866617220617761791b" \
    "0213010102ff192c150618017000150818017100191ddeadbeef000102030405" \
    "060708090a0b1936feffffffffffffffff0100011937000000000000f07f0000" \
    "00000000f0ff00000000000000001928020001001a25020419f310ff007f0102" \
    "030405060708090a0b0c0d00"

#define EMPTY_HEX \
    "040100221300140015001600170000000000000000180018001d000000000000" \
    "0000000000000000000015001c150018000019051a081b0019011b0019090b52" \
    "00190c190d1906190719081a05190300"

#include "test_codec_common.h"

static int decode_hex(const char *hex, const pst_struct_desc *d, void *v,
                      pst_arena *a, const pst_codec_config *cfg, pst_error *err)
{
    uint8_t bytes[512];
    size_t n = unhex(hex, bytes, sizeof bytes);
    return decode(bytes, n, d, v, a, cfg, err, NULL);
}

static void check_encoding(const pst_struct_desc *d, const void *v,
                           const char *hex)
{
    pst_wbuf w;
    CHECK_EQ_INT(encode(d, v, &w, NULL), 0);
    uint8_t want[512];
    size_t n = unhex(hex, want, sizeof want);
    CHECK_EQ_INT(w.len, n);
    CHECK(w.len == n && memcmp(w.data, want, n) == 0);
    pst_wbuf_free(&w);
}

static void test_inner_bytes(void)
{
    T_Inner in = { 1, PST_STR("hi"), { 3 } };
    check_encoding(&T_Inner_desc, &in, "15 02 18 02 6869 00");
    in.a = -1; /* zigzag 1 */
    check_encoding(&T_Inner_desc, &in, "15 01 18 02 6869 00");
    in.a = INT32_MIN; /* zigzag 0xffffffff */
    check_encoding(&T_Inner_desc, &in, "15 ffffffff0f 18 02 6869 00");
    in.a = 64; /* zigzag 128: two bytes */
    check_encoding(&T_Inner_desc, &in, "15 8001 18 02 6869 00");
}

static void test_field_headers(void)
{
    /* bools live in the field header: 1 true, 2 false */
    static const pst_field bf[] = {
        { 1, PST_K_BOOL, PST_REQ_DEFAULT, 0, 0, &pst_type_bool, "t" },
        { 2, PST_K_BOOL, PST_REQ_DEFAULT, 1, 1, &pst_type_bool, "f" },
        { 100, PST_K_BOOL, PST_REQ_DEFAULT, 2, 2, &pst_type_bool, "far" },
        { 101, PST_K_I8, PST_REQ_DEFAULT, 3, 3, &pst_type_i8, "next" },
    };
    struct { bool t, f, far; int8_t next; uint8_t isset_[1]; } v = { true, false, true, -3, { 0 } };
    const pst_struct_desc bd = { "Bools", sizeof v, 4, 4, PST_STRUCT, bf, NULL };
    /* 100 - 2 > 15: type byte then zigzag(100) = 200 = c8 01; 101: delta 1 */
    check_encoding(&bd, &v, "11 12 01 c801 13 fd 00");
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    memset(&v, 0x55, sizeof v);
    CHECK_EQ_INT(decode_hex("11 12 01 c801 13 fd 00", &bd, &v, &a, NULL, NULL), 0);
    CHECK(v.t && !v.f && v.far && v.next == -3);
    CHECK_EQ_INT(v.isset_[0], 0x0f);
    /* the long form is accepted for any id, also small ones and going back */
    T_Inner in;
    CHECK_EQ_INT(decode_hex("08 04 01 41  05 02 0e  00", &T_Inner_desc, &in, &a, NULL, NULL), 0);
    CHECK_EQ_INT(in.a, 7);
    CHECK(str_eq(in.s, PST_STR("A")));
    /* an unknown bool field carries no value bytes to skip */
    CHECK_EQ_INT(decode_hex("31 12 05 02 0e 00", &T_Inner_desc, &in, &a, NULL, NULL), 0);
    CHECK_EQ_INT(in.a, 7);
    pst_arena_release(&a);
}

static void test_containers(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Everything v;
    /* list<bool> elements: 1 true, 2 false; 0 (older writers) is false;
     * element type 2 is accepted like 1 */
    CHECK_EQ_INT(decode_hex("f9 32 01 02 00 00", &T_Everything_desc, &v, &a, NULL, NULL), 0);
    CHECK_EQ_INT(v.lbool.count, 3);
    CHECK(v.lbool.count == 3 && ((bool *)v.lbool.data)[0] &&
          !((bool *)v.lbool.data)[1] && !((bool *)v.lbool.data)[2]);
    /* 15 elements: the long form, f5 then the count */
    int32_t fifteen[15];
    for (int i = 0; i < 15; i++)
        fifteen[i] = i - 7;
    T_Everything e;
    memset(&e, 0, sizeof e);
    e.li32 = (pst_list){ fifteen, 15 };
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &e, &w, NULL), 0);
    uint8_t want[] = { 0x19, 0xf5, 0x0f, 13, 11, 9, 7, 5, 3, 1, 0, 2, 4, 6, 8, 10, 12, 14 };
    /* field 12 follows 11 (inner, 1c ... 00): find it */
    uint8_t *hit = memmem(w.data, w.len, want, sizeof want);
    CHECK(hit != NULL);
    pst_wbuf_free(&w);
    /* 14 elements: the short form */
    e.li32.count = 14;
    CHECK_EQ_INT(encode(&T_Everything_desc, &e, &w, NULL), 0);
    uint8_t want14[] = { 0x19, 0xe5, 13 };
    CHECK(memmem(w.data, w.len, want14, sizeof want14) != NULL);
    pst_wbuf_free(&w);
    /* a map's types byte comes only when it is not empty */
    CHECK_EQ_INT(decode_hex("eb 00 00", &T_Everything_desc, &v, &a, NULL, NULL), 0);
    CHECK_EQ_INT(v.msi.count, 0);
    CHECK_EQ_INT(decode_hex("eb 01 86 02 6b31 02 00", &T_Everything_desc, &v, &a, NULL, NULL), 0);
    CHECK(v.msi.count == 1 && ((int64_t *)v.msi.values)[0] == 1);
    pst_arena_release(&a);
}

static void test_message_header_bytes(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("ping"), PST_MSG_CALL, 1 }, g;
    CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
    const uint8_t want[] = { 0x82, 0x21, 0x01, 0x04, 'p', 'i', 'n', 'g' };
    CHECK_EQ_INT(w.len, sizeof want);
    CHECK_MEM(w.data, want, sizeof want);
    w.len = 0;
    h.type = PST_MSG_ONEWAY;
    h.seqid = -1; /* as an unsigned varint */
    CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
    const uint8_t want2[] = { 0x82, 0x81, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x04, 'p', 'i', 'n', 'g' };
    CHECK_EQ_INT(w.len, sizeof want2);
    CHECK_MEM(w.data, want2, sizeof want2);
    pst_wbuf_free(&w);

    pst_error err = { 0, "" };
    pst_rbuf r;
    const uint8_t badid[] = { 0x80, 0x21, 0x01, 0x00 };
    pst_rbuf_init(&r, badid, sizeof badid, &err);
    CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), PST_E_PROTOCOL);
    expect_error(&err, "protocol id 0x80");
    const uint8_t badver[] = { 0x82, 0x22, 0x01, 0x00 };
    pst_error_clear(&err);
    pst_rbuf_init(&r, badver, sizeof badver, &err);
    CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), PST_E_PROTOCOL);
    expect_error(&err, "version 2");
    size_t len;
    CHECK_EQ_INT(P->message_length(badver, sizeof badver, NULL, &len, NULL), PST_E_PROTOCOL);
    /* name longer than max_message */
    const uint8_t bigname[] = { 0x82, 0x21, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07 };
    CHECK_EQ_INT(P->message_length(bigname, sizeof bigname, NULL, &len, NULL), PST_E_LIMIT);
}

static void test_bad_input(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Everything v;
    T_Inner in;
    pst_error err = { 0, "" };

    /* compact types 14 and 15 do not exist */
    CHECK_EQ_INT(decode_hex("5e 00", &T_Inner_desc, &in, &a, NULL, &err), PST_E_BAD_TYPE);
    expect_error(&err, "field 5 has unknown compact type 14");
    CHECK_EQ_INT(decode_hex("59 1f 00", &T_Inner_desc, &in, &a, NULL, NULL), PST_E_BAD_TYPE);
    CHECK_EQ_INT(decode_hex("5b 01 f3 00 00", &T_Inner_desc, &in, &a, NULL, NULL), PST_E_BAD_TYPE);
    /* a varint of 11 bytes */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("15 8080808080808080808001 00", &T_Inner_desc, &in, &a, NULL, &err),
                 PST_E_PROTOCOL);
    expect_error(&err, "Inner.a: varint longer than 10 bytes");
    /* an i32 in 10 bytes (sign-extended by some writer): truncated, as
     * Thrift C++ does */
    CHECK_EQ_INT(decode_hex("15 feffffffffffffffff01 00", &T_Inner_desc, &in, &a, NULL, NULL), 0);
    CHECK_EQ_INT(in.a, INT32_MAX);
    /* string longer than what is left */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("28 10 6869", &T_Inner_desc, &in, &a, NULL, &err), PST_E_SHORT);
    expect_error(&err, "Inner.s: string needs 16 bytes, 2 left (offset 2)");
    /* sizes that do not fit an i32 */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("28 ffffffff0f", &T_Inner_desc, &in, &a, NULL, &err), PST_E_PROTOCOL);
    expect_error(&err, "string size 4294967295 is negative or too large");
    /* huge container counts fail before allocating */
    pst_arena small;
    pst_arena_init(&small, NULL, 0, 64);
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("c9 f5 80808001 00", &T_Everything_desc, &v, &small, NULL, &err),
                 PST_E_SHORT);
    expect_error(&err, "Everything.li32: list needs 2097152 bytes, 1 left");
    CHECK_EQ_INT(decode_hex("09 5a f7 ffffffff07", &T_Everything_desc, &v, &small, NULL, NULL),
                 PST_E_LIMIT); /* 2^31 doubles */
    CHECK_EQ_INT(decode_hex("eb ffffffff07 86", &T_Everything_desc, &v, &small, NULL, NULL),
                 PST_E_LIMIT);
    CHECK_EQ_INT(decode_hex("59 f9 ffffffff07", &T_Inner_desc, &in, &small, NULL, NULL),
                 PST_E_LIMIT); /* skipped */
    CHECK_EQ_INT(small.allocated, 0);
    pst_arena_release(&small);
    /* element type mismatch */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("c9 16 02 00", &T_Everything_desc, &v, &a, NULL, &err),
                 PST_E_BAD_TYPE);
    expect_error(&err, "Everything.li32: list element type is i64");
    /* map missing its types byte */
    CHECK_EQ_INT(decode_hex("eb 01", &T_Everything_desc, &v, &a, NULL, NULL), PST_E_SHORT);
    /* a field of another wire type is skipped, not misread */
    CHECK_EQ_INT(decode_hex("16 02 18 01 41 00", &T_Inner_desc, &in, &a, NULL, NULL), 0);
    CHECK_EQ_INT(in.a, 0);
    CHECK_EQ_INT(in.isset_[0], 2);
    pst_arena_release(&a);
}

int main(void)
{
    run_common_tests();
    RUN(test_inner_bytes);
    RUN(test_field_headers);
    RUN(test_containers);
    RUN(test_message_header_bytes);
    RUN(test_bad_input);
    return test_report();
}
