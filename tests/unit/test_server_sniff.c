/* test_server_sniff.c: the front door's verdicts on first bytes, byte by
 * byte, with and without pinned protocol / framing. */
#include <string.h>

#include "server/server_internal.h"
#include "test.h"

static pst_sniff sniff_opt(const pst_server_options *o, const void *p, size_t n)
{
    pst_sniff s;
    pst__sniff(o, p, n, &s);
    return s;
}

static pst_sniff sniff(const void *p, size_t n)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    return sniff_opt(&o, p, n);
}

/* Every proper prefix of the bytes needs more; the whole decides. */
static void check_decides_at(const char *what, const uint8_t *p, size_t n,
                             pst_sniff_kind kind, const pst_protocol *proto,
                             pst_framing framing)
{
    for (size_t i = 0; i < n; i++) {
        pst_sniff s = sniff(p, i);
        CHECK_EQ_INT(s.kind, PST_SNIFF_NEED_MORE);
        if (s.kind != PST_SNIFF_NEED_MORE)
            fprintf(stderr, "  %s: decided after %zu bytes\n", what, i);
    }
    pst_sniff s = sniff(p, n);
    CHECK_EQ_INT(s.kind, kind);
    if (kind == PST_SNIFF_THRIFT) {
        CHECK(s.protocol == proto);
        CHECK_EQ_INT(s.framing, framing);
    }
}

static void test_thrift(void)
{
    static const uint8_t bin[] = { 0x80, 0x01, 0x00, 0x01 };
    check_decides_at("binary", bin, 2, PST_SNIFF_THRIFT, &pst_protocol_binary,
                     PST_FRAMING_UNFRAMED);
    static const uint8_t cmp[] = { 0x82, 0x21 }; /* CALL, version 1 */
    check_decides_at("compact", cmp, 2, PST_SNIFF_THRIFT, &pst_protocol_compact,
                     PST_FRAMING_UNFRAMED);
    static const uint8_t fbin[] = { 0, 0, 0, 0x20, 0x80, 0x01 };
    check_decides_at("framed binary", fbin, 6, PST_SNIFF_THRIFT,
                     &pst_protocol_binary, PST_FRAMING_FRAMED);
    static const uint8_t fcmp[] = { 0, 0, 0x01, 0x00, 0x82, 0x81 }; /* ONEWAY */
    check_decides_at("framed compact", fcmp, 6, PST_SNIFF_THRIFT,
                     &pst_protocol_compact, PST_FRAMING_FRAMED);
    static const uint8_t json[] = "[1,\"testVoid\",1,0,{}]";
    check_decides_at("json", json, 1, PST_SNIFF_THRIFT, &pst_protocol_json,
                     PST_FRAMING_UNFRAMED);
    static const uint8_t fjson[] = "\0\0\0\x16[1,\"testVoid\",1,0,{}]";
    check_decides_at("framed json", fjson, 5, PST_SNIFF_THRIFT,
                     &pst_protocol_json, PST_FRAMING_FRAMED);
}

/* JSON pinned: binary is not taken; JSON pinned out: '[' is not. */
static void test_json_pinned(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.protocol = &pst_protocol_json;
    CHECK_EQ_INT(sniff_opt(&o, "\x80\x01", 2).kind, PST_SNIFF_UNKNOWN);
    pst_sniff s = sniff_opt(&o, "\0\0\0\x02[]", 6);
    CHECK_EQ_INT(s.kind, PST_SNIFF_THRIFT);
    CHECK(s.protocol == &pst_protocol_json);
    CHECK_EQ_INT(s.framing, PST_FRAMING_FRAMED);
    o.protocol = &pst_protocol_binary;
    CHECK_EQ_INT(sniff_opt(&o, "[1,", 3).kind, PST_SNIFF_UNKNOWN);
    /* unframed only: a frame with JSON inside is not JSON */
    o.protocol = NULL;
    o.framing = PST_FRAMING_UNFRAMED;
    CHECK_EQ_INT(sniff_opt(&o, "\0\0\0\x02[]", 6).kind, PST_SNIFF_UNKNOWN);
}

/* Old binary headers (no version word): name length, name, type. */
static void test_old_binary(void)
{
    static const uint8_t shortname[] = "\0\0\0\x08testVoid\x01\0\0\0\x01";
    check_decides_at("old binary, 8-byte name", shortname, 13, PST_SNIFF_THRIFT,
                     &pst_protocol_binary, PST_FRAMING_UNFRAMED);
    static const uint8_t longname[] = "\0\0\0\x0a" "testString\x01";
    check_decides_at("old binary, long name", longname, 12, PST_SNIFF_THRIFT,
                     &pst_protocol_binary, PST_FRAMING_UNFRAMED);
    static const uint8_t oneway[] = "\0\0\0\x03" "a:b\x04";
    check_decides_at("old binary, oneway", oneway, 8, PST_SNIFF_THRIFT,
                     &pst_protocol_binary, PST_FRAMING_UNFRAMED);
    static const uint8_t framed[] = "\0\0\0\x15\0\0\0\x08testVoid\x01\0\0\0\x01\0";
    check_decides_at("framed old binary", framed, 17, PST_SNIFF_THRIFT,
                     &pst_protocol_binary, PST_FRAMING_FRAMED);
    /* Not a method name, not a request type, no name at all. */
    CHECK_EQ_INT(sniff("\0\0\0\x04" "ab-d\x01", 9).kind, PST_SNIFF_UNKNOWN);
    CHECK_EQ_INT(sniff("\0\0\0\x02" "ab\x02", 7).kind, PST_SNIFF_UNKNOWN);
    CHECK_EQ_INT(sniff("\0\0\0\0\x01", 5).kind, PST_SNIFF_UNKNOWN);
    CHECK_EQ_INT(sniff("\0\x01\0\x04name\x01", 9).kind, PST_SNIFF_UNKNOWN);
}

static void test_http(void)
{
    const char *lines[] = { "GET / HTTP/1.1", "POST /rpc HTTP/1.1",
                            "CONNECT /_goRPC_ HTTP/1.0", "HEAD / HTTP/1.0",
                            "PUT /x HTTP/1.1", "OPTIONS * HTTP/1.1" };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t m = (size_t)(strchr(lines[i], ' ') - lines[i]) + 1;
        check_decides_at(lines[i], (const uint8_t *)lines[i], m, PST_SNIFF_HTTP,
                         NULL, PST_FRAMING_AUTO);
    }
}

static void test_unknown(void)
{
    CHECK_EQ_INT(sniff("\x80\x02", 2).kind, PST_SNIFF_UNKNOWN);   /* version 2 */
    CHECK_EQ_INT(sniff("\x82\x22", 2).kind, PST_SNIFF_UNKNOWN);   /* compact v2 */
    CHECK_EQ_INT(sniff("\x82\xa1", 2).kind, PST_SNIFF_UNKNOWN);   /* type 5 */
    CHECK_EQ_INT(sniff("get / ", 6).kind, PST_SNIFF_UNKNOWN);     /* lower case */
    CHECK_EQ_INT(sniff("GETS", 4).kind, PST_SNIFF_UNKNOWN);
    CHECK_EQ_INT(sniff("\x16\x03\x01", 3).kind, PST_SNIFF_UNKNOWN); /* TLS */
    CHECK_EQ_INT(sniff("SSH-2.0", 7).kind, PST_SNIFF_UNKNOWN);
    /* A frame of 0 bytes, or over max_frame, or with no Thrift inside. */
    CHECK_EQ_INT(sniff("\0\0\0\0\x80\x01", 6).kind, PST_SNIFF_UNKNOWN);
    CHECK_EQ_INT(sniff("\0\xfa\0\x01\x80\x01", 6).kind, PST_SNIFF_UNKNOWN);
    CHECK_EQ_INT(sniff("\0\0\0\x10{\"", 6).kind, PST_SNIFF_UNKNOWN);
    /* The first byte alone can rule out a sane frame length. */
    CHECK_EQ_INT(sniff("\x05", 1).kind, PST_SNIFF_UNKNOWN);
    CHECK_EQ_INT(sniff("", 0).kind, PST_SNIFF_NEED_MORE);
}

static void test_pinned(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.protocol = &pst_protocol_compact;
    o.framing = PST_FRAMING_FRAMED;
    /* Both pinned: decided before any byte. */
    pst_sniff s = sniff_opt(&o, "", 0);
    CHECK_EQ_INT(s.kind, PST_SNIFF_THRIFT);
    CHECK(s.protocol == &pst_protocol_compact);
    CHECK_EQ_INT(s.framing, PST_FRAMING_FRAMED);

    /* Protocol pinned: the other protocol is not accepted. */
    o.framing = PST_FRAMING_AUTO;
    CHECK_EQ_INT(sniff_opt(&o, "\x80\x01", 2).kind, PST_SNIFF_UNKNOWN);
    s = sniff_opt(&o, "\0\0\0\x09\x82\x21", 6);
    CHECK_EQ_INT(s.kind, PST_SNIFF_THRIFT);
    CHECK_EQ_INT(s.framing, PST_FRAMING_FRAMED);

    /* Framing pinned: unframed bytes are not accepted as framed. */
    o.protocol = NULL;
    o.framing = PST_FRAMING_FRAMED;
    CHECK_EQ_INT(sniff_opt(&o, "\x80\x01", 2).kind, PST_SNIFF_UNKNOWN);
    o.framing = PST_FRAMING_UNFRAMED;
    CHECK_EQ_INT(sniff_opt(&o, "\0\0\0\x09\x82\x21", 6).kind, PST_SNIFF_UNKNOWN);
    s = sniff_opt(&o, "\x82\x21", 2);
    CHECK_EQ_INT(s.kind, PST_SNIFF_THRIFT);
    CHECK(s.protocol == &pst_protocol_compact);
}

int main(void)
{
    RUN(test_thrift);
    RUN(test_json_pinned);
    RUN(test_old_binary);
    RUN(test_http);
    RUN(test_unknown);
    RUN(test_pinned);
    return test_report();
}
