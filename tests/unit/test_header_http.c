/* test_header_http.c: THeader over Thrift over HTTP, the client's side:
 * the request body is one header frame with its length (byte for byte),
 * reply bodies are header frames with their length or without (zlib'd
 * too), and a reply that is no header frame, or one in another protocol,
 * is refused naming what it found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postern/header_http.h"
#include "test.h"

static const uint8_t call[] = { 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 1, 'e', 0, 0, 0, 42, 0 };
static const uint8_t reply[] = { 0x80, 0x01, 0x00, 0x02, 0, 0, 0, 1, 'e', 0, 0, 0, 42, 0 };

/* An HTTP 200 response with body b[0..n) appended to w. */
static void respond(pst_wbuf *w, const void *b, size_t n)
{
    char head[100];
    int k = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", n);
    pst_wbuf_append(w, head, (size_t)k);
    pst_wbuf_append(w, b, n);
}

/* The body of the one request in out[0..n). */
static const uint8_t *request_body(const uint8_t *out, size_t n, size_t *len)
{
    const char *cl = strstr((const char *)out, "Content-Length: ");
    const char *end = strstr((const char *)out, "\r\n\r\n");
    CHECK(cl && end && memcmp(out, "POST /tt HTTP/1.1\r\n", 19) == 0);
    if (!cl || !end)
        return NULL;
    *len = (size_t)strtoul(cl + 16, NULL, 10);
    const uint8_t *b = (const uint8_t *)end + 4;
    CHECK((size_t)(b - out) + *len == n);
    return b;
}

static void test_request_and_replies(void)
{
    pst_error err = { 0, "" };
    pst_wbuf in;
    pst_wbuf_init(&in, 0);
    /* 1: a header frame with its length, as Thrift's THeaderTransport */
    pst_header_frame rf = { 0, 42, PST_HEADER_PROTOCOL_BINARY, { 0 }, 0, NULL, 0 };
    pst_wbuf fr;
    pst_wbuf_init(&fr, 0);
    CHECK_EQ_INT(pst_header_write(&fr, &rf, reply, sizeof reply, &err), 0);
    respond(&in, fr.data, fr.len);
    /* 2: the same frame without its length, as some servers answer */
    respond(&in, fr.data + 4, fr.len - 4);
    /* 3: a plain binary message */
    respond(&in, reply, sizeof reply);
    /* 4: a header frame in compact */
    pst_header_frame cf = rf;
    cf.protocol_id = PST_HEADER_PROTOCOL_COMPACT;
    pst_wbuf fc;
    pst_wbuf_init(&fc, 0);
    CHECK_EQ_INT(pst_header_write(&fc, &cf, reply, sizeof reply, &err), 0);
    respond(&in, fc.data, fc.len);
    /* 5: a frame whose header runs past its end */
    static const uint8_t cut[] = { 0x0F, 0xFF, 0, 0, 0, 0, 0, 42, 0, 9, 0 };
    respond(&in, cut, sizeof cut);

    pst_stream *mem = pst_stream_memory_new(in.data, in.len, 5);
    pst_transport *t = pst_transport_http_new(mem, NULL, "h", "/tt", NULL);
    CHECK(t != NULL);
    CHECK_EQ_INT(pst_transport_http_use_header(t, &pst_protocol_binary, 0), 0);

    /* the request: one header frame, with its length, byte for byte */
    CHECK_EQ_INT(pst_transport_write_message(t, call, sizeof call, &err), 0);
    size_t olen = 0, blen = 0;
    const uint8_t *o = pst_stream_memory_output(mem, &olen);
    const uint8_t *b = request_body(o, olen, &blen);
    static const uint8_t want_prefix[] = {
        0, 0, 0, 14 + sizeof call, /* length of what follows */
        0x0F, 0xFF, 0, 0,          /* magic, flags */
        0, 0, 0, 42,               /* the message's seqid */
        0, 1,                      /* one header word: */
        0, 0, 0, 0,                /* binary, no transforms, padding */
    };
    CHECK(b && blen == sizeof want_prefix + sizeof call);
    CHECK(b && memcmp(b, want_prefix, sizeof want_prefix) == 0);
    CHECK(b && memcmp(b + sizeof want_prefix, call, sizeof call) == 0);

    const uint8_t *m = NULL;
    size_t ml = 0;
    for (int i = 0; i < 2; i++) { /* with its length, then without */
        CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), 0);
        CHECK(ml == sizeof reply && memcmp(m, reply, ml) == 0);
    }
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), PST_E_PROTOCOL);
    CHECK(strstr(err.message, "no header frame") != NULL);
    CHECK(strstr(err.message, "80 01") != NULL);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), PST_E_PROTOCOL);
    CHECK(strstr(err.message, "protocol id 2") != NULL);
    pst_error_clear(&err);
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), PST_E_PROTOCOL);
    CHECK(strstr(err.message, "header") != NULL);
    pst_transport_free(t);
    pst_wbuf_free(&fr);
    pst_wbuf_free(&fc);
    pst_wbuf_free(&in);
}

/* With PST_HEADER_ZLIB: the request's payload is zlib'd, and a zlib'd reply
 * reads back. */
static void test_zlib(void)
{
    pst_error err = { 0, "" };
    pst_header_frame rf = { 0, 7, PST_HEADER_PROTOCOL_COMPACT, { PST_HEADER_TRANSFORM_ZLIB }, 1,
                            NULL, 0 };
    pst_wbuf fr, in;
    pst_wbuf_init(&fr, 0);
    pst_wbuf_init(&in, 0);
    CHECK_EQ_INT(pst_header_write(&fr, &rf, reply, sizeof reply, &err), 0);
    respond(&in, fr.data, fr.len);
    pst_stream *mem = pst_stream_memory_new(in.data, in.len, 0);
    pst_transport *t = pst_transport_http_new(mem, NULL, "h", "/tt", NULL);
    CHECK_EQ_INT(pst_transport_http_use_header(t, &pst_protocol_compact, PST_HEADER_ZLIB), 0);
    /* a compact call, seqid 7 */
    static const uint8_t ccall[] = { 0x82, 0x21, 0x07, 0x01, 'e', 0 };
    CHECK_EQ_INT(pst_transport_write_message(t, ccall, sizeof ccall, &err), 0);
    size_t olen = 0, blen = 0;
    const uint8_t *o = pst_stream_memory_output(mem, &olen);
    const uint8_t *b = request_body(o, olen, &blen);
    CHECK(b && blen > 4);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_header_frame f;
    const uint8_t *p = NULL;
    size_t pl = 0;
    if (b && blen > 4) {
        CHECK_EQ_INT(pst_header_read(b + 4, blen - 4, &cfg, &a, &f, &w, &p, &pl, &err), 0);
        CHECK_EQ_INT(f.seqid, 7);
        CHECK_EQ_INT(f.protocol_id, PST_HEADER_PROTOCOL_COMPACT);
        CHECK_EQ_INT(f.ntransforms, 1);
        CHECK(pl == sizeof ccall && memcmp(p, ccall, pl) == 0);
    }
    const uint8_t *m = NULL;
    size_t ml = 0;
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), 0);
    CHECK(ml == sizeof reply && memcmp(m, reply, ml) == 0);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
    pst_transport_free(t);
    pst_wbuf_free(&fr);
    pst_wbuf_free(&in);
}

static void test_refused(void)
{
    pst_transport *f = pst_transport_framed_new(pst_stream_memory_new(NULL, 0, 0), NULL);
    CHECK_EQ_INT(pst_transport_http_use_header(f, NULL, 0), PST_E_INVALID);
    pst_transport_free(f);
    pst_transport *t = pst_transport_http_new(pst_stream_memory_new(NULL, 0, 0), NULL, "h",
                                              "/", NULL);
    CHECK_EQ_INT(pst_transport_http_use_header(t, &pst_protocol_json, 0), PST_E_INVALID);
    CHECK_EQ_INT(pst_transport_http_use_header(t, NULL, PST_HEADER_IN_FRAMES), PST_E_INVALID);
    CHECK_EQ_INT(pst_transport_http_use_header(t, NULL, 0), 0);
    pst_transport_free(t);
}

int main(void)
{
    RUN(test_request_and_replies);
    RUN(test_zlib);
    RUN(test_refused);
    return test_report();
}
