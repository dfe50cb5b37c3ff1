/* http_header.c: Thrift over HTTP whose bodies are THeader frames
 * (postern/header_http.h). The HTTP client (http_client.c) keeps its
 * message layer; this file only turns each message into a request frame
 * and each response body back into the message it carries. */
#include <stdlib.h>
#include <string.h>

#include "http_header.h"

enum { SHRINK_ABOVE = 256 * 1024, ARENA_BLOCK = 1024 };

struct pst__http_header {
    const pst_protocol *proto;
    int32_t id;
    bool zlib;
    pst_codec_config cfg;
    pst_wbuf frame;     /* the last request's frame */
    pst_wbuf inflated;  /* the last reply's payload, when zlib'd */
    pst_arena arena;    /* the last reply's info headers */
    _Alignas(16) uint8_t arena_block[ARENA_BLOCK];
};

pst__http_header *pst__http_header_new(const pst_protocol *inner, int32_t id,
                                       bool zlib, const pst_codec_config *cfg)
{
    pst__http_header *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->proto = inner;
    h->id = id;
    h->zlib = zlib;
    h->cfg = *cfg;
    pst_wbuf_init(&h->frame, SIZE_MAX / 4);
    pst_wbuf_init(&h->inflated, SIZE_MAX / 4);
    pst_arena_init(&h->arena, h->arena_block, sizeof h->arena_block, 0);
    return h;
}

void pst__http_header_free(pst__http_header *h)
{
    if (!h)
        return;
    pst_wbuf_free(&h->frame);
    pst_wbuf_free(&h->inflated);
    pst_arena_release(&h->arena);
    free(h);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int pst__http_header_wrap(pst__http_header *h, const void *msg, size_t n,
                          const uint8_t **body, size_t *body_len, pst_error *err)
{
    pst_header_frame f;
    memset(&f, 0, sizeof f);
    f.protocol_id = h->id;
    if (h->zlib) {
        f.transforms[0] = PST_HEADER_TRANSFORM_ZLIB;
        f.ntransforms = 1;
    }
    /* the frame carries the message's seqid, as THeaderProtocol does */
    pst_rbuf r;
    pst_msg_header mh;
    pst_rbuf_init(&r, msg, n, NULL);
    if (h->proto->read_message_begin(&r, &mh, &h->cfg) == 0)
        f.seqid = mh.seqid;
    if (h->frame.cap > SHRINK_ABOVE)
        pst_wbuf_free(&h->frame);
    h->frame.len = 0;
    h->frame.err = 0;
    int rc = pst_header_write(&h->frame, &f, msg, n, err);
    if (rc < 0)
        return rc;
    *body = h->frame.data;
    *body_len = h->frame.len;
    return 0;
}

int pst__http_header_unwrap(pst__http_header *h, const uint8_t *body, size_t n,
                            const uint8_t **msg, size_t *len, pst_error *err)
{
    /* with its length (as Thrift's THeaderTransport writes it) or without */
    if (n >= 6 && be32(body) == n - 4 && pst_header_is_frame(body + 4, n - 4)) {
        body += 4;
        n -= 4;
    }
    if (!pst_header_is_frame(body, n))
        return pst_error_set(err, PST_E_PROTOCOL,
                             "HTTP reply body of %zu bytes is no header frame "
                             "(it starts %02x %02x, not 0f ff or a length "
                             "before them)",
                             n, n > 0 ? body[0] : 0, n > 1 ? body[1] : 0);
    if (h->inflated.cap > SHRINK_ABOVE)
        pst_wbuf_free(&h->inflated);
    h->inflated.len = 0;
    h->inflated.err = 0;
    pst_arena_reset(&h->arena);
    pst_header_frame f;
    int rc = pst_header_read(body, n, &h->cfg, &h->arena, &f, &h->inflated, msg,
                             len, err);
    if (rc < 0)
        return rc;
    if (f.protocol_id != h->id)
        return pst_error_set(err, PST_E_PROTOCOL,
                             "header reply in protocol id %d, the client speaks %d",
                             (int)f.protocol_id, (int)h->id);
    return 0;
}
