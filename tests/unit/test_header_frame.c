/* test_header_frame.c: pst_header_write and pst_header_read at the edges of
 * their short paths: a plain frame (no transforms, no info headers) written
 * straight into a buffer with room gives the bytes the general path gives
 * into an empty one, with and without its length; the whole frame reserved
 * at once when there are no transforms (a payload past the buffer's limit
 * leaves it as it was and usable); one-byte varints read inline and longer
 * ones (a non-minimal protocol id) still read, a header with no info block,
 * and one whose info block follows the transform list directly. */
#include <string.h>

#include "postern/header.h"
#include "test.h"
#include "transport/header_internal.h"

static const uint8_t PAYLOAD[] = "a message of some bytes";

/* The frame written for f, then read back: the same fields and payload. */
static void round_trip(const pst_header_frame *f)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_header_write(&w, f, PAYLOAD, sizeof PAYLOAD, &err), 0);
    CHECK(w.len >= 14 + sizeof PAYLOAD);
    /* again into the same buffer, which has room now (a plain frame takes
     * the short path), then only the body after a byte: the same bytes */
    size_t first = w.len;
    CHECK_EQ_INT(pst_header_write(&w, f, PAYLOAD, sizeof PAYLOAD, &err), 0);
    CHECK_EQ_INT(w.len, 2 * first);
    CHECK(w.len == 2 * first && memcmp(w.data, w.data + first, first) == 0);
    pst_wbuf body;
    pst_wbuf_init(&body, 0);
    CHECK_EQ_INT(pst_wbuf_reserve(&body, 2 * first), 0);
    CHECK_EQ_INT(pst_wbuf_append(&body, "b", 1), 0);
    CHECK_EQ_INT(pst__header_write_body(&body, f, PAYLOAD, sizeof PAYLOAD, &err), 0);
    CHECK_EQ_INT(body.len, first - 4 + 1);
    CHECK(body.len == first - 4 + 1 && memcmp(body.data + 1, w.data + 4, first - 4) == 0);
    pst_wbuf_free(&body);
    w.len = first;
    if (w.len < 14 + sizeof PAYLOAD) {
        pst_wbuf_free(&w);
        return;
    }
    uint32_t flen = (uint32_t)w.data[0] << 24 | (uint32_t)w.data[1] << 16 |
                    (uint32_t)w.data[2] << 8 | w.data[3];
    CHECK_EQ_INT(flen, w.len - 4);
    /* length, fixed part, the header's words as it states them, payload */
    size_t hlen = ((size_t)w.data[12] << 8 | w.data[13]) * 4;
    if (f->ntransforms == 0)
        CHECK_EQ_INT(w.len, 4 + 10 + hlen + sizeof PAYLOAD);

    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_wbuf inflated;
    pst_wbuf_init(&inflated, 0);
    pst_header_frame back;
    const uint8_t *p = NULL;
    size_t plen = 0;
    CHECK_EQ_INT(pst_header_read(w.data + 4, w.len - 4, &cfg, &a, &back, &inflated, &p,
                                 &plen, &err),
                 0);
    CHECK_EQ_INT(back.flags, f->flags);
    CHECK_EQ_INT(back.seqid, f->seqid);
    CHECK_EQ_INT(back.protocol_id, f->protocol_id);
    CHECK_EQ_INT(back.ntransforms, f->ntransforms);
    CHECK_EQ_INT(back.nheaders, f->nheaders);
    for (uint32_t i = 0; i < back.nheaders && i < f->nheaders; i++) {
        CHECK_EQ_INT(back.headers[i].key.len, f->headers[i].key.len);
        CHECK_EQ_INT(back.headers[i].value.len, f->headers[i].value.len);
        CHECK_MEM(back.headers[i].key.ptr, f->headers[i].key.ptr, f->headers[i].key.len);
        CHECK_MEM(back.headers[i].value.ptr, f->headers[i].value.ptr,
                  f->headers[i].value.len);
    }
    CHECK_EQ_INT(plen, sizeof PAYLOAD);
    CHECK(p != NULL && plen == sizeof PAYLOAD && memcmp(p, PAYLOAD, plen) == 0);
    pst_wbuf_free(&inflated);
    pst_arena_release(&a);
    pst_wbuf_free(&w);
}

static void test_round_trips(void)
{
    pst_header_frame f;
    memset(&f, 0, sizeof f);
    f.seqid = -2;
    f.flags = 0x1234;
    round_trip(&f); /* binary, nothing else: the 4-byte header */
    f.protocol_id = PST_HEADER_PROTOCOL_COMPACT;
    static const pst_header_kv kv[] = { { PST_STR("k"), PST_STR("v") },
                                        { PST_STR("empty"), PST_STR("") } };
    f.headers = kv;
    f.nheaders = 2;
    round_trip(&f); /* the info block right after the transform count */
    f.transforms[0] = PST_HEADER_TRANSFORM_ZLIB;
    f.ntransforms = 1;
    round_trip(&f);
}

/* A payload that does not fit the buffer's limit: PST_E_LIMIT naming it,
 * nothing appended, and the buffer still takes a frame that fits. */
static void test_payload_past_the_limit(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 64);
    CHECK_EQ_INT(pst_wbuf_append(&w, "xy", 2), 0);
    pst_header_frame f;
    memset(&f, 0, sizeof f);
    static uint8_t big[100];
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_header_write(&w, &f, big, sizeof big, &err), PST_E_LIMIT);
    CHECK(strstr(err.message, "header frame passes 64 bytes") != NULL);
    CHECK_EQ_INT(w.len, 2);
    CHECK_EQ_INT(w.err, 0);
    CHECK_EQ_INT(pst_header_write(&w, &f, "ok", 2, &err), 0);
    CHECK_EQ_INT(w.len, 2 + 4 + 10 + 4 + 2); /* before, length, fixed, header, "ok" */
    CHECK_MEM(w.data + w.len - 2, "ok", 2);
    pst_wbuf_free(&w);
}

/* A frame body with the header bytes given and a 1-byte payload. */
static size_t body(uint8_t *b, const uint8_t *hdr, size_t hlen)
{
    static const uint8_t fixed[] = { 0x0f, 0xff, 0x00, 0x00, 0, 0, 0, 7 };
    memcpy(b, fixed, 8);
    b[8] = 0;
    b[9] = (uint8_t)(hlen / 4);
    memcpy(b + 10, hdr, hlen);
    b[10 + hlen] = 'x';
    return 10 + hlen + 1;
}

/* Read a frame with header hdr; f's info headers point into a static
 * body and into a (the caller's, released after its checks). */
static int read_header(const uint8_t *hdr, size_t hlen, pst_arena *a, pst_header_frame *f,
                       pst_error *err)
{
    static uint8_t b[64];
    size_t n = body(b, hdr, hlen);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    const uint8_t *p = NULL;
    size_t plen = 0;
    int rc = pst_header_read(b, n, &cfg, a, f, &w, &p, &plen, err);
    if (rc == 0)
        CHECK(plen == 1 && p != NULL && *p == 'x');
    pst_wbuf_free(&w);
    return rc;
}

static void test_varints(void)
{
    pst_header_frame f;
    pst_error err = { 0, "" };
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    /* compact as a two-byte varint (0x82 0x00), then no transforms */
    static const uint8_t long_id[] = { 0x82, 0x00, 0x00, 0x00 };
    CHECK_EQ_INT(read_header(long_id, 4, &a, &f, &err), 0);
    CHECK_EQ_INT(f.protocol_id, PST_HEADER_PROTOCOL_COMPACT);
    CHECK_EQ_INT(f.ntransforms, 0);
    CHECK_EQ_INT(f.nheaders, 0);
    /* a transform count of 0 as two bytes, then one info header */
    static const uint8_t long_count[] = { 0x00, 0x80, 0x00, 0x01, 0x01, 0x01, 'k', 0x01,
                                          'v', 0x00, 0x00, 0x00 };
    CHECK_EQ_INT(read_header(long_count, 12, &a, &f, &err), 0);
    CHECK_EQ_INT(f.nheaders, 1);
    CHECK(f.nheaders == 1 && f.headers[0].key.len == 1 && f.headers[0].key.ptr[0] == 'k' &&
          f.headers[0].value.len == 1 && f.headers[0].value.ptr[0] == 'v');
    /* a protocol id whose varint runs to the header's end */
    static const uint8_t runaway[] = { 0x80, 0x80, 0x80, 0x80 };
    CHECK_EQ_INT(read_header(runaway, 4, &a, &f, &err), PST_E_PROTOCOL);
    CHECK(strstr(err.message, "protocol id runs past the header at offset 14") != NULL);
    pst_arena_release(&a);
}

int main(void)
{
    RUN(test_round_trips);
    RUN(test_payload_past_the_limit);
    RUN(test_varints);
    return test_report();
}
