/* test_header.c: THeader frames: what the reader refuses and why, zlib
 * bombs in a frame's payload, the client's transport (info headers both
 * ways), the front door's verdict, and every server model answering header
 * frames in the request's format with the info headers seen by handlers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "postern/header.h"
#include "postern/server.h"
#include "postern/zlib.h"
#include "server/server_internal.h"
#include "test.h"
#include "test_calc.h"

/* echo answers the request's "who" info header when there is one */
static int echo_who(pst_call *call, pst_str s, t_Calc_echo_result *r)
{
    (void)call;
    uint32_t n = 0;
    const pst_header_kv *kv = pst_header_request(&n);
    r->success = s;
    for (uint32_t i = 0; i < n; i++)
        if (kv[i].key.len == 3 && memcmp(kv[i].key.ptr, "who", 3) == 0) {
            r->success = kv[i].value;
            if (pst_header_reply_set("seen", "yes") != 0)
                r->success = PST_STR("reply_set failed");
        }
    return 0;
}

/* add answers a + b; in a header frame it adds x: y to the reply, and
 * outside one, where there is no reply to add headers to, a + b + 1000 */
static int add_checked(pst_call *call, int32_t a, int32_t b, t_Calc_add_result *r)
{
    (void)call;
    uint32_t n = 7;
    r->success = a + b;
    int rc = pst_header_reply_set("x", "y");
    if (pst_header_request(&n) == NULL && n == 0 && rc == PST_E_INVALID)
        r->success += 1000; /* served plainly: says so */
    return 0;
}

static t_Calc_handler handler;
static pst_processor proc = { &t_Calc_desc, &handler, NULL };

/* A frame body (no length) from the parts given. */
static size_t body(uint8_t *b, const uint8_t *hdr, size_t hlen, const void *payload,
                   size_t plen)
{
    static const uint8_t fixed[] = { 0x0f, 0xff, 0x00, 0x00, 0, 0, 0, 7 };
    memcpy(b, fixed, 8);
    b[8] = 0;
    b[9] = (uint8_t)(hlen / 4);
    memcpy(b + 10, hdr, hlen);
    memcpy(b + 10 + hlen, payload, plen);
    return 10 + hlen + plen;
}

static int read_body(const uint8_t *b, size_t n, pst_codec_config *cfg, pst_error *err)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_header_frame f;
    const uint8_t *p;
    size_t pl;
    int rc = pst_header_read(b, n, cfg, &a, &f, &w, &p, &pl, err);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
    return rc;
}

static void expect_refused(const char *what, const uint8_t *b, size_t n, int code,
                           const char *words)
{
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_error err = { 0, "" };
    int rc = read_body(b, n, &cfg, &err);
    CHECK_EQ_INT(rc, code);
    CHECK(strstr(err.message, words) != NULL);
    if (rc != code || !strstr(err.message, words))
        fprintf(stderr, "  %s: got %d '%s'\n", what, rc, err.message);
}

static void test_reader_refuses(void)
{
    uint8_t b[512];
    static const uint8_t ok_hdr[] = { 0x00, 0x00, 0x00, 0x00 };
    size_t n = body(b, ok_hdr, 4, "x", 1);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(read_body(b, n, &cfg, &err), 0);

    expect_refused("short", b, 9, PST_E_PROTOCOL, "shorter");
    uint8_t bad[16];
    memcpy(bad, b, n);
    bad[1] = 0xfe;
    expect_refused("magic", bad, n, PST_E_PROTOCOL, "not 0f ff");
    memcpy(bad, b, n);
    bad[9] = 9; /* 36 header bytes in a 15-byte frame */
    expect_refused("header length", bad, n, PST_E_PROTOCOL, "passes the frame");
    static const uint8_t proto5[] = { 0x05, 0x00, 0x00, 0x00 };
    n = body(b, proto5, 4, "x", 1);
    expect_refused("protocol id", b, n, PST_E_PROTOCOL, "protocol id 5");
    static const uint8_t snappy[] = { 0x00, 0x01, 0x03, 0x00 };
    n = body(b, snappy, 4, "x", 1);
    expect_refused("transform", b, n, PST_E_PROTOCOL, "unknown transform 3");
    /* an info block claiming 2^28 pairs in 8 bytes: refused before any
     * allocation */
    static const uint8_t many[] = { 0x00, 0x00, 0x01, 0x80, 0x80, 0x80, 0x80, 0x01 };
    n = body(b, many, 8, "x", 1);
    expect_refused("info count", b, n, PST_E_PROTOCOL, "cannot fit");
    /* a key longer than the header */
    static const uint8_t longkey[] = { 0x00, 0x00, 0x01, 0x01, 0x7f, 'k', 0, 0 };
    n = body(b, longkey, 8, "x", 1);
    expect_refused("key", b, n, PST_E_PROTOCOL, "info header key");
    /* a varint that runs past the header */
    static const uint8_t runaway[] = { 0x80, 0x80, 0x80, 0x80 };
    n = body(b, runaway, 4, "x", 1);
    expect_refused("varint", b, n, PST_E_PROTOCOL, "protocol id");
    /* an unknown info block type ends the info headers (Thrift's rule) */
    static const uint8_t unknown_info[] = { 0x00, 0x00, 0x07, 0x00 };
    n = body(b, unknown_info, 4, "x", 1);
    err = (pst_error){ 0, "" };
    CHECK_EQ_INT(read_body(b, n, &cfg, &err), 0);
}

/* A payload that inflates past max_message: PST_E_LIMIT naming it. */
static void test_zlib_bomb_in_a_frame(void)
{
    uint8_t *zeros = calloc(1, 4u << 20);
    pst_wbuf z;
    pst_wbuf_init(&z, 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_zlib_compress(zeros, 4u << 20, &z, &err), 0);
    free(zeros);
    static const uint8_t zhdr[] = { 0x00, 0x01, 0x01, 0x00 };
    uint8_t *b = malloc(16 + z.len);
    size_t n = body(b, zhdr, 4, z.data, z.len);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    cfg.max_message = 100000;
    err = (pst_error){ 0, "" };
    CHECK_EQ_INT(read_body(b, n, &cfg, &err), PST_E_LIMIT);
    CHECK(strstr(err.message, "100000") != NULL);
    free(b);
    pst_wbuf_free(&z);
}

/* The client's transport: a frame per message with the message's seqid,
 * info headers for one message only; replies' headers readable. */
static void test_client_transport(void)
{
    /* a reply frame with one info header, then a plain frame */
    static const uint8_t reply[] = { 0x80, 0x01, 0x00, 0x02, 0, 0, 0, 1, 'e', 0, 0, 0, 9, 0 };
    pst_header_kv kv = { PST_STR("srv"), PST_STR("yes") };
    pst_header_frame rf = { 0, 9, PST_HEADER_PROTOCOL_BINARY, { 0 }, 0, &kv, 1 };
    pst_wbuf in;
    pst_wbuf_init(&in, 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_header_write(&in, &rf, reply, sizeof reply, &err), 0);
    uint8_t plain[4 + sizeof reply] = { 0, 0, 0, sizeof reply };
    memcpy(plain + 4, reply, sizeof reply);
    pst_wbuf_append(&in, plain, sizeof plain);

    pst_stream *mem = pst_stream_memory_new(in.data, in.len, 3);
    pst_transport *t = pst_transport_header_new(mem, NULL, &pst_protocol_binary, PST_HEADER_ZLIB);
    CHECK(t != NULL);
    CHECK_EQ_INT(pst_transport_header_set(t, "who", "alice"), 0);
    static const uint8_t call[] = { 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 1, 'e', 0, 0, 0, 42, 0 };
    CHECK_EQ_INT(pst_transport_write_message(t, call, sizeof call, &err), 0);
    CHECK_EQ_INT(pst_transport_write_message(t, call, sizeof call, &err), 0);

    /* what went out: two frames, seqid 42, zlib, "who" on the first only */
    size_t olen = 0;
    const uint8_t *o = pst_stream_memory_output(mem, &olen);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int i = 0; i < 2; i++) {
        CHECK(olen >= 4);
        size_t flen = (size_t)o[0] << 24 | (size_t)o[1] << 16 | (size_t)o[2] << 8 | o[3];
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        pst_header_frame f;
        const uint8_t *p = NULL;
        size_t pl = 0;
        CHECK_EQ_INT(pst_header_read(o + 4, flen, &cfg, &a, &f, &w, &p, &pl, &err), 0);
        CHECK_EQ_INT(f.seqid, 42);
        CHECK_EQ_INT(f.ntransforms, 1);
        CHECK_EQ_INT(f.nheaders, i == 0 ? 1 : 0);
        CHECK(pl == sizeof call && memcmp(p, call, pl) == 0);
        pst_wbuf_free(&w);
        o += 4 + flen;
        olen -= 4 + flen;
    }
    CHECK_EQ_INT(olen, 0);
    pst_arena_release(&a);

    const uint8_t *m = NULL;
    size_t ml = 0;
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), 0);
    CHECK(ml == sizeof reply && memcmp(m, reply, ml) == 0);
    uint32_t nh = 0;
    const pst_header_kv *got = pst_transport_header_received(t, &nh);
    CHECK_EQ_INT(nh, 1);
    CHECK(got && got[0].value.len == 3 && memcmp(got[0].value.ptr, "yes", 3) == 0);
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), 0);
    CHECK(ml == sizeof reply && memcmp(m, reply, ml) == 0);
    CHECK(pst_transport_header_received(t, &nh) == NULL && nh == 0);
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), PST_E_CLOSED);
    pst_transport_free(t);
    pst_wbuf_free(&in);

    /* not a header transport */
    pst_transport *f = pst_transport_framed_new(pst_stream_memory_new(NULL, 0, 0), NULL);
    CHECK_EQ_INT(pst_transport_header_set(f, "a", "b"), PST_E_INVALID);
    pst_transport_free(f);
}

static void test_sniff(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    uint8_t b[64] = { 0, 0, 0, 20 };
    static const uint8_t compact_hdr[] = { 0x02, 0x00, 0x00, 0x00 };
    body(b + 4, compact_hdr, 4, "\x82\x21", 2);
    pst_sniff sn;
    for (size_t i = 0; i < 15; i++) {
        pst__sniff(&o, b, i, &sn);
        CHECK_EQ_INT(sn.kind, PST_SNIFF_NEED_MORE);
    }
    pst__sniff(&o, b, 15, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_THRIFT);
    CHECK(sn.protocol == &pst_protocol_compact);
    CHECK_EQ_INT(sn.framing, PST_FRAMING_FRAMED);
    o.protocol = &pst_protocol_binary; /* pinned to binary: not this one */
    pst__sniff(&o, b, 15, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_UNKNOWN);
    o.protocol = NULL;
    b[14] = 7; /* no such protocol */
    pst__sniff(&o, b, 15, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_UNKNOWN);

    /* the same inside a plain frame */
    uint8_t nb[64] = { 0, 0, 0, 24, 0, 0, 0, 20 };
    body(nb + 8, compact_hdr, 4, "\x82\x21", 2);
    for (size_t i = 0; i < 19; i++) {
        pst__sniff(&o, nb, i, &sn);
        CHECK_EQ_INT(sn.kind, PST_SNIFF_NEED_MORE);
    }
    pst__sniff(&o, nb, 19, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_THRIFT);
    CHECK(sn.protocol == &pst_protocol_compact);
    CHECK_EQ_INT(sn.framing, PST_FRAMING_FRAMED);
    nb[8] = 0xff; /* ff ff is no magic (the sniff fuzz test found this) */
    pst__sniff(&o, nb, 19, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_UNKNOWN);
}

/* ---- every server model ---------------------------------------------------- */

typedef struct running {
    pst_server *s;
    pthread_t thread;
} running;

static void *run_main(void *p)
{
    pst_server_run(((running *)p)->s);
    return NULL;
}

static void serve_one_model(pst_server_model model, int workers)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    o.workers = workers;
    o.io_threads = 1;
    o.log_level = PST_LOG_ERROR;
    pst_error err = { 0, "" };
    running r;
    r.s = pst_server_new(&proc, &o, &err);
    CHECK(r.s != NULL);
    if (!r.s)
        return;
    pthread_create(&r.thread, NULL, run_main, &r);
    int port = pst_server_port(r.s);

    /* the client's transport, compact inside with zlib, info headers */
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.protocol = &pst_protocol_compact;
    co.recv_timeout_ms = co.send_timeout_ms = 5000;
    pst_stream *st = pst_stream_tcp_connect("127.0.0.1", port, 5000, &err);
    CHECK(st != NULL);
    pst_transport *t = pst_transport_header_new(st, NULL, &pst_protocol_compact, PST_HEADER_ZLIB);
    pst_client *c = pst_client_new(t, &co);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    t_Calc_echo_result er;
    CHECK_EQ_INT(pst_transport_header_set(t, "who", "alice"), 0);
    CHECK_EQ_INT(t_Calc_echo(c, &a, PST_STR("x"), &er), 0);
    CHECK(er.success.len == 5 && memcmp(er.success.ptr, "alice", 5) == 0);
    uint32_t nh = 0;
    const pst_header_kv *rh = pst_transport_header_received(t, &nh);
    CHECK_EQ_INT(nh, 1);
    CHECK(rh && rh[0].key.len == 4 && memcmp(rh[0].key.ptr, "seen", 4) == 0 &&
          rh[0].value.len == 3 && memcmp(rh[0].value.ptr, "yes", 3) == 0);
    CHECK_EQ_INT(t_Calc_echo(c, &a, PST_STR("x"), &er), 0); /* headers went once */
    CHECK(er.success.len == 1 && memcmp(er.success.ptr, "x", 1) == 0);
    t_Calc_add_result ar;
    CHECK_EQ_INT(t_Calc_add(c, &a, 2, 3, &ar), 0);
    CHECK_EQ_INT(ar.success, 5);
    rh = pst_transport_header_received(t, &nh);
    CHECK_EQ_INT(nh, 1);
    CHECK(rh && rh[0].key.len == 1 && rh[0].key.ptr[0] == 'x');
    pst_client_free(c);
    /* the same port serves plain framed clients, without header state */
    pst_client_options po = PST_CLIENT_OPTIONS_INIT;
    po.framed = true;
    c = pst_client_connect("127.0.0.1", port, &po, &err);
    CHECK(c != NULL);
    CHECK_EQ_INT(t_Calc_add(c, &a, 2, 3, &ar), 0);
    CHECK_EQ_INT(ar.success, 1005);
    pst_client_free(c);

    /* raw: the reply comes in the request's format */
    st = pst_stream_tcp_connect("127.0.0.1", port, 5000, &err);
    pst_wbuf req;
    pst_wbuf_init(&req, 0);
    static const uint8_t add_call[] = { 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 3, 'a', 'd', 'd',
                                        0, 0, 0, 5, 0x08, 0, 1, 0, 0, 0, 4,
                                        0x08, 0, 2, 0, 0, 0, 6, 0 };
    pst_header_frame f = { 0x1234, 5, PST_HEADER_PROTOCOL_BINARY, { 1 }, 1, NULL, 0 };
    CHECK_EQ_INT(pst_header_write(&req, &f, add_call, sizeof add_call, &err), 0);
    struct iovec v = { req.data, req.len };
    CHECK_EQ_INT(pst_stream_write(st, &v, 1, 5000), 0);
    pst_transport *raw = pst_transport_framed_new(st, NULL);
    const uint8_t *m = NULL;
    size_t ml = 0;
    CHECK_EQ_INT(pst_transport_read_message(raw, NULL, &m, &ml, &err), 0);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_header_frame got;
    const uint8_t *p = NULL;
    size_t pl = 0;
    CHECK_EQ_INT(pst_header_read(m, ml, &cfg, &a, &got, &w, &p, &pl, &err), 0);
    CHECK_EQ_INT(got.flags, 0x1234);
    CHECK_EQ_INT(got.seqid, 5);
    CHECK_EQ_INT(got.protocol_id, PST_HEADER_PROTOCOL_BINARY);
    CHECK_EQ_INT(got.ntransforms, 1);
    CHECK(pl > 4 && p[0] == 0x80 && p[3] == PST_MSG_REPLY);
    pst_wbuf_free(&w);
    pst_transport_free(raw);

    /* a header frame inside a plain frame (THeaderProtocol over
     * TFramedTransport): the reply comes back the same way */
    st = pst_stream_tcp_connect("127.0.0.1", port, 5000, &err);
    uint8_t outer[4] = { 0, 0, (uint8_t)(req.len >> 8), (uint8_t)req.len };
    struct iovec v2[2] = { { outer, 4 }, { req.data, req.len } };
    CHECK_EQ_INT(pst_stream_write(st, v2, 2, 5000), 0);
    raw = pst_transport_framed_new(st, NULL);
    err = (pst_error){ 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(raw, NULL, &m, &ml, &err), 0);
    CHECK(ml > 6 && m[4] == 0x0f && m[5] == 0xff);
    CHECK(ml > 4 && ((size_t)m[2] << 8 | m[3]) == ml - 4);
    pst_wbuf_init(&w, 0);
    CHECK(ml > 4 && pst_header_read(m + 4, ml - 4, &cfg, &a, &got, &w, &p, &pl, &err) == 0);
    CHECK_EQ_INT(got.seqid, 5);
    pst_wbuf_free(&w);
    pst_transport_free(raw);
    pst_wbuf_free(&req);
    pst_arena_release(&a);

    pst_server_stop(r.s);
    pthread_join(r.thread, NULL);
    pst_server_free(r.s);
}

static void test_every_model(void)
{
    serve_one_model(PST_SERVER_SIMPLE, 0);
    serve_one_model(PST_SERVER_THREADED, 0);
    serve_one_model(PST_SERVER_POOL, 2);
    serve_one_model(PST_SERVER_NONBLOCKING, 0);
    serve_one_model(PST_SERVER_NONBLOCKING, 2);
}

int main(void)
{
    handler = t_calc_handler;
    handler.echo = echo_who;
    handler.add = add_checked;
    RUN(test_reader_refuses);
    RUN(test_zlib_bomb_in_a_frame);
    RUN(test_client_transport);
    RUN(test_sniff);
    RUN(test_every_model);
    return test_report();
}
