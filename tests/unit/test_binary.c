/*
 * test_binary.c: TBinaryProtocol. Expected bytes are hand-computed from the
 * spec; EVERYTHING_HEX was produced (once, at development time) by
 * python3-thrift 0.17's TBinaryProtocol over a TMemoryBuffer writing the
 * value of everything_value() field by field, with uuid as TType 16 + 16
 * raw bytes.
 */
#include <stdlib.h>

#include "test.h"
#include "test_codec_types.h"

static const pst_protocol *const P = &pst_protocol_binary;

#define EVERYTHING_HEX \
    "06fffffffe0200010103000280060003cfc7080004800000000a000580000000" \
    "00000000040006c0040000000000000b00070000001168c3a96c6c6f2077c3b6" \
    "726c6420e29c930b00080000000500ff007f8010000900112233445566778899" \
    "aabbccddeeff08000a000000020c000b080001000000070b000200000002696e" \
    "000f000c080000000500000000ffffffff000000017fffffff800000000e000d" \
    "0b0000000300000001780000000000000002797a0d000e0b0a00000002000000" \
    "026b317fffffffffffffff000000026b32ffffffffffffffff0f000f02000000" \
    "030100010d00100c0f00000002080001000000010b0002000000016100040000" \
    "00023ff0000000000000bfe0000000000000080001000000020b000200000000" \
    "0004000000000f00110f00000003060000000200010002060000000006000000" \
    "01fffd080014000000630b00280000000866617220617761790d002902030000" \
    "0002010100ff0f002a0c00000002080001000000030b00020000000170000800" \
    "01000000040b00020000000171000f002b1000000001deadbeef000102030405" \
    "060708090a0b0f002c0a000000037fffffffffffffff0000000000000000ffff" \
    "ffffffffffff0f002d04000000037ff0000000000000fff00000000000000000" \
    "0000000000000f002e0b00000002000000020001000000000e002f0800000002" \
    "00000001000000020f00300300000010ff007f0102030405060708090a0b0c0d" \
    "00"

#define EMPTY_HEX \
    "06ffff000002000100030002000600030000080004000000000a000500000000" \
    "0000000004000600000000000000000b0007000000000b000800000000100009" \
    "0000000000000000000000000000000008000a000000000c000b080001000000" \
    "000b000200000000000f000c08000000000e000d0b000000000d000e0b0a0000" \
    "00000f000f02000000000d00100c0f000000000f00110f000000000d00290203" \
    "000000000f002a0c000000000f002b10000000000f002c0a000000000f002d04" \
    "000000000f002e0b000000000e002f08000000000f0030030000000000"

#include "test_codec_common.h"

static int decode_hex(const char *hex, const pst_struct_desc *d, void *v,
                      pst_arena *a, const pst_codec_config *cfg, pst_error *err)
{
    uint8_t bytes[512];
    size_t n = unhex(hex, bytes, sizeof bytes);
    return decode(bytes, n, d, v, a, cfg, err, NULL);
}

static void test_inner_bytes(void)
{
    T_Inner in = { 1, PST_STR("hi"), { 3 } };
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Inner_desc, &in, &w, NULL), 0);
    const uint8_t want[] = { 0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
                             0x0b, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 'h', 'i',
                             0x00 };
    CHECK_EQ_INT(w.len, sizeof want);
    CHECK_MEM(w.data, want, sizeof want);
    pst_wbuf_free(&w);
}

static void test_message_header_bytes(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("ping"), PST_MSG_CALL, 1 }, g;
    CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
    const uint8_t strict[] = { 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 4, 'p', 'i',
                               'n', 'g', 0, 0, 0, 1 };
    CHECK_EQ_INT(w.len, sizeof strict);
    CHECK_MEM(w.data, strict, sizeof strict);
    pst_wbuf_free(&w);

    /* the old header: name, type byte, seqid */
    const uint8_t old[] = { 0, 0, 0, 4, 'p', 'i', 'n', 'g', 2, 0xff, 0xff, 0xff, 0xfe };
    pst_rbuf r;
    pst_rbuf_init(&r, old, sizeof old, NULL);
    CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), 0);
    CHECK(str_eq(g.name, PST_STR("ping")));
    CHECK_EQ_INT(g.type, PST_MSG_REPLY);
    CHECK_EQ_INT(g.seqid, -2);
    CHECK(r.p == old + sizeof old);
    /* ... refused under strict_read */
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    cfg.strict_read = true;
    pst_error err = { 0, "" };
    pst_rbuf_init(&r, old, sizeof old, &err);
    CHECK_EQ_INT(P->read_message_begin(&r, &g, &cfg), PST_E_PROTOCOL);
    expect_error(&err, "strict_read");
    size_t len;
    CHECK_EQ_INT(P->message_length(old, sizeof old, &cfg, &len, NULL), PST_E_PROTOCOL);
    /* strict headers still pass under strict_read */
    pst_rbuf_init(&r, strict, sizeof strict, NULL);
    CHECK_EQ_INT(P->read_message_begin(&r, &g, &cfg), 0);
    /* a bad version */
    const uint8_t v2[] = { 0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1 };
    pst_error_clear(&err);
    pst_rbuf_init(&r, v2, sizeof v2, &err);
    CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), PST_E_PROTOCOL);
    expect_error(&err, "version 0x80020001");
    /* HTTP on the wire: the "name length" is absurd */
    const char *http = "GET / HTTP/1.1\r\n\r\n";
    pst_error_clear(&err);
    CHECK_EQ_INT(P->message_length((const uint8_t *)http, strlen(http), NULL, &len, &err),
                 PST_E_LIMIT);
    /* a negative name length in a strict header */
    const uint8_t neg[] = { 0x80, 0x01, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1 };
    pst_rbuf_init(&r, neg, sizeof neg, NULL);
    CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), PST_E_PROTOCOL);
}

static void test_bad_input(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Everything v;
    T_Inner in;
    pst_error err = { 0, "" };

    /* unknown wire type 7 in a field header */
    CHECK_EQ_INT(decode_hex("07 0063 00", &T_Inner_desc, &in, &a, NULL, &err), PST_E_BAD_TYPE);
    expect_error(&err, "unknown wire type 7");
    /* and as a list element type of an unknown field */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0f 0063 01 00000001 00 00", &T_Inner_desc, &in, &a, NULL, &err),
                 PST_E_BAD_TYPE);
    CHECK_EQ_INT(skip(NULL, 0, NULL, NULL, NULL), PST_E_SHORT);
    /* string longer than what is left */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0b 0002 00000010 6869", &T_Inner_desc, &in, &a, NULL, &err),
                 PST_E_SHORT);
    expect_error(&err, "Inner.s: string needs 16 bytes, 2 left (offset 7)");
    /* a length beyond max_message is a limit */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0b 0002 7fffffff 6869", &T_Inner_desc, &in, &a, NULL, &err),
                 PST_E_LIMIT);
    expect_error(&err, "Inner.s");
    /* negative length */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0b 0002 ffffffff", &T_Inner_desc, &in, &a, NULL, &err),
                 PST_E_PROTOCOL);
    expect_error(&err, "negative string size -1");
    /* huge container counts fail before allocating: the arena's limit
     * would say LIMIT if anything were allocated */
    pst_arena small;
    pst_arena_init(&small, NULL, 0, 64);
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0f 000c 08 00100000 00000001", &T_Everything_desc, &v, &small,
                            NULL, &err),
                 PST_E_SHORT);
    expect_error(&err, "Everything.li32: list needs 4194304 bytes, 4 left");
    CHECK_EQ_INT(small.allocated, 0);
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0d 000e 0b 0a 7fffffff", &T_Everything_desc, &v, &small, NULL,
                            &err),
                 PST_E_LIMIT); /* 2^31 * 12 bytes > max_message */
    CHECK_EQ_INT(small.allocated, 0);
    CHECK_EQ_INT(decode_hex("0d 000e 0b 0a 00010000 00", &T_Everything_desc, &v, &small,
                            NULL, NULL),
                 PST_E_SHORT);
    CHECK_EQ_INT(decode_hex("0f 0063 0f 7fffffff", &T_Inner_desc, &in, &small, NULL, NULL),
                 PST_E_LIMIT); /* skipped list of lists: checked too */
    CHECK_EQ_INT(small.allocated, 0);
    pst_arena_release(&small);
    /* a list whose element type is not the declared one */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0f 000c 0a 00000001 0000000000000001 00", &T_Everything_desc, &v,
                            &a, NULL, &err),
                 PST_E_BAD_TYPE);
    expect_error(&err, "Everything.li32: list element type is i64 (10), expected i32");
    /* ... unless the list is empty */
    CHECK_EQ_INT(decode_hex("0f 000c 0a 00000000 00", &T_Everything_desc, &v, &a, NULL, NULL), 0);
    CHECK_EQ_INT(v.li32.count, 0);
    /* map key type mismatch */
    pst_error_clear(&err);
    CHECK_EQ_INT(decode_hex("0d 000e 08 0a 00000001 00000001 0000000000000001 00",
                            &T_Everything_desc, &v, &a, NULL, &err),
                 PST_E_BAD_TYPE);
    expect_error(&err, "map key type is i32");
    /* bools: any non-zero byte is true (as Thrift C++ reads them) */
    CHECK_EQ_INT(decode_hex("02 0001 07 0f 000f 02 00000002 00 05 00", &T_Everything_desc, &v,
                            &a, NULL, NULL),
                 0);
    CHECK(v.b == true);
    CHECK(v.lbool.count == 2 && !((bool *)v.lbool.data)[0] && ((bool *)v.lbool.data)[1]);
    /* negative container size */
    CHECK_EQ_INT(decode_hex("0f 000c 08 ffffffff", &T_Everything_desc, &v, &a, NULL, NULL),
                 PST_E_PROTOCOL);
    CHECK_EQ_INT(decode_hex("0f 0063 08 80000000", &T_Inner_desc, &in, &a, NULL, NULL),
                 PST_E_PROTOCOL);
    pst_arena_release(&a);
}

/* Fields in any order, repeated fields (the last wins), unknown ids. */
static void test_field_order(void)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Inner in;
    CHECK_EQ_INT(decode_hex("0b 0002 00000001 41 03 0009 05 08 0001 00000007 "
                            "08 0001 00000008 00",
                            &T_Inner_desc, &in, &a, NULL, NULL),
                 0);
    CHECK_EQ_INT(in.a, 8);
    CHECK(str_eq(in.s, PST_STR("A")));
    CHECK_EQ_INT(in.isset_[0], 3);
    pst_arena_release(&a);
}

int main(void)
{
    run_common_tests();
    RUN(test_inner_bytes);
    RUN(test_message_header_bytes);
    RUN(test_bad_input);
    RUN(test_field_order);
    return test_report();
}
