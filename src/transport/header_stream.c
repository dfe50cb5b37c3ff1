/* header_stream.c: the client's THeader layer (postern/header.h).
 *
 * It is a stream under the framed transport: the framed layer writes
 * [length][message] and this stream sends the message as a header frame
 * (protocol id, the message's seqid, the zlib transform, the info headers
 * set for it); it reads header frames and hands the framed layer
 * [length][payload]. So limits, timeouts and wake-ups stay the framed
 * transport's, and the layer owns its buffers (a stream has a free). */
#include <stdlib.h>
#include <string.h>

#include "postern/header.h"
#include "transport_internal.h"

enum { MAX_SEND_HEADERS = 64, SHRINK_ABOVE = 256 * 1024, ARENA_BLOCK = 1024 };

typedef struct header_stream {
    pst_stream base;
    pst_stream *inner;
    const pst_protocol *proto;
    int32_t id;
    bool zlib;
    bool in_frames;            /* another length around each frame */
    pst_codec_config cfg;
    /* reading: a frame collects in in[0..in_len); once whole, what the
     * framed layer reads is plain[plain_off..plain.len) */
    uint8_t *in;
    size_t in_len, in_cap;
    bool in_done;              /* in holds a whole frame, already unwrapped */
    pst_wbuf plain;
    size_t plain_off;
    pst_arena arena;           /* the last frame's info headers */
    _Alignas(16) uint8_t arena_block[ARENA_BLOCK];
    pst_header_frame last;
    pst_error rerr;
    /* writing */
    pst_header_kv send[MAX_SEND_HEADERS];
    char *send_strings[2 * MAX_SEND_HEADERS];
    uint32_t nsend;
    pst_wbuf out;
    pst_error werr;
} header_stream;

static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - pst__now_ms();
    return left > 0 ? (int)left : 0;
}

/* Read from inner until in holds `want` bytes. */
static int fill_to(header_stream *h, size_t want, int64_t deadline,
                   int timeout_ms, int wake_fd)
{
    if (want > h->in_cap) {
        size_t ncap = h->in_cap ? h->in_cap : 4096;
        while (ncap < want)
            ncap *= 2;
        uint8_t *nb = realloc(h->in, ncap);
        if (!nb)
            return pst_error_set(&h->rerr, PST_E_NOMEM,
                                 "out of memory for a header frame of %zu bytes",
                                 want);
        h->in = nb;
        h->in_cap = ncap;
    }
    while (h->in_len < want) {
        int wait = timeout_ms <= 0 ? timeout_ms : remaining_ms(deadline);
        size_t got = 0;
        /* never past this frame: the next one may be read by another
         * reader of the same stream later */
        int rc = pst_stream_read(h->inner, h->in + h->in_len, want - h->in_len,
                                 &got, wait, wake_fd);
        if (rc < 0)
            return rc;
        h->in_len += got;
    }
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A whole frame is in `in` (after `skip` bytes of an outer frame's
 * length): make [length][payload] of it in plain. */
static int unwrap(header_stream *h, size_t skip)
{
    const uint8_t *body = h->in + 4 + skip;
    size_t n = h->in_len - 4 - skip;
    h->plain.len = 0;
    h->plain.err = 0;
    h->plain_off = 0;
    pst_arena_reset(&h->arena);
    memset(&h->last, 0, sizeof h->last);
    if (pst_wbuf_reserve(&h->plain, 4) < 0)
        return pst_error_set(&h->rerr, PST_E_NOMEM, "out of memory for a reply");
    h->plain.len = 4;
    const uint8_t *payload = body;
    size_t plen = n;
    if (pst_header_is_frame(body, n)) {
        /* inflated bytes land after the 4 bytes reserved for the length */
        int rc = pst_header_read(body, n, &h->cfg, &h->arena, &h->last,
                                 &h->plain, &payload, &plen, &h->rerr);
        if (rc < 0)
            return rc;
        if (h->last.ntransforms == 0 && pst_wbuf_append(&h->plain, payload, plen) < 0)
            return pst_error_set(&h->rerr, PST_E_NOMEM, "out of memory for a reply");
    } else if (pst_wbuf_append(&h->plain, payload, plen) < 0) {
        return pst_error_set(&h->rerr, PST_E_NOMEM, "out of memory for a reply");
    }
    size_t len = h->plain.len - 4;
    if (len > UINT32_MAX)
        return pst_error_set(&h->rerr, PST_E_LIMIT, "reply of %zu bytes", len);
    uint8_t *l = h->plain.data;
    l[0] = (uint8_t)(len >> 24);
    l[1] = (uint8_t)(len >> 16);
    l[2] = (uint8_t)(len >> 8);
    l[3] = (uint8_t)len;
    return 0;
}

static int hs_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                   int timeout_ms, int wake_fd)
{
    header_stream *h = (header_stream *)s;
    *got = 0;
    pst_error_clear(&h->rerr);
    if (h->plain_off < h->plain.len) {
        size_t n = h->plain.len - h->plain_off;
        if (n > cap)
            n = cap;
        memcpy(buf, h->plain.data + h->plain_off, n);
        h->plain_off += n;
        *got = n;
        return 0;
    }
    if (h->in_done) {
        /* the last frame is all handed out: start the next one */
        h->in_len = 0;
        h->in_done = false;
        if (h->in_cap > SHRINK_ABOVE) {
            free(h->in);
            h->in = NULL;
            h->in_cap = 0;
        }
        if (h->plain.cap > SHRINK_ABOVE)
            pst_wbuf_free(&h->plain);
    }
    int64_t deadline = timeout_ms > 0 ? pst__now_ms() + timeout_ms : 0;
    int rc = fill_to(h, 4, deadline, timeout_ms, wake_fd);
    if (rc < 0)
        return rc;
    uint32_t flen = be32(h->in);
    if (flen == 0 || flen > h->cfg.max_frame)
        return pst_error_set(&h->rerr, flen ? PST_E_LIMIT : PST_E_PROTOCOL,
                             flen ? "header frame of %u bytes exceeds max_frame %u"
                                  : "empty frame (length %u, max_frame %u)",
                             flen, h->cfg.max_frame);
    rc = fill_to(h, 4 + (size_t)flen, deadline, timeout_ms, wake_fd);
    if (rc < 0)
        return rc;
    h->in_done = true;
    size_t skip = 0;
    if (h->in_frames && flen >= 4 && be32(h->in + 4) == flen - 4)
        skip = 4; /* the plain frame around the header frame */
    rc = unwrap(h, skip);
    if (rc < 0)
        return rc;
    return hs_read(s, buf, cap, got, 0, -1);
}

/* The framed layer writes [length][message] in one call. */
static int hs_write(pst_stream *s, const struct iovec *iov, int iovcnt,
                    int timeout_ms)
{
    header_stream *h = (header_stream *)s;
    pst_error_clear(&h->werr);
    pst_wbuf msg;
    pst_wbuf_init(&msg, SIZE_MAX / 4);
    for (int i = 0; i < iovcnt; i++)
        pst_wbuf_append(&msg, iov[i].iov_base, iov[i].iov_len);
    int rc = msg.err;
    if (rc == 0 && msg.len < 4)
        rc = pst_error_set(&h->werr, PST_E_INVALID,
                           "header: a write of %zu bytes is no frame", msg.len);
    pst_header_frame f;
    memset(&f, 0, sizeof f);
    f.protocol_id = h->id;
    if (h->zlib) {
        f.transforms[0] = PST_HEADER_TRANSFORM_ZLIB;
        f.ntransforms = 1;
    }
    f.headers = h->send;
    f.nheaders = h->nsend;
    if (rc == 0) {
        /* the frame carries the message's seqid, as THeaderProtocol does */
        pst_rbuf r;
        pst_msg_header mh;
        pst_rbuf_init(&r, msg.data + 4, msg.len - 4, NULL);
        if (h->proto->read_message_begin(&r, &mh, &h->cfg) == 0)
            f.seqid = mh.seqid;
        h->out.len = 0;
        h->out.err = 0;
        if (h->in_frames && pst_wbuf_append(&h->out, "\0\0\0\0", 4) < 0)
            rc = pst_error_set(&h->werr, PST_E_NOMEM, "out of memory for a frame");
        if (rc == 0)
            rc = pst_header_write(&h->out, &f, msg.data + 4, msg.len - 4, &h->werr);
        if (rc == 0 && h->in_frames) {
            size_t outer = h->out.len - 4;
            uint8_t *l = h->out.data;
            l[0] = (uint8_t)(outer >> 24);
            l[1] = (uint8_t)(outer >> 16);
            l[2] = (uint8_t)(outer >> 8);
            l[3] = (uint8_t)outer;
        }
    }
    pst_wbuf_free(&msg);
    /* info headers go with one message only */
    for (uint32_t i = 0; i < 2 * h->nsend; i++)
        free(h->send_strings[i]);
    h->nsend = 0;
    if (rc < 0)
        return rc;
    struct iovec v = { h->out.data, h->out.len };
    rc = pst_stream_write(h->inner, &v, 1, timeout_ms);
    if (h->out.cap > SHRINK_ABOVE)
        pst_wbuf_free(&h->out);
    return rc;
}

static int hs_shutdown_write(pst_stream *s)
{
    return pst_stream_shutdown_write(((header_stream *)s)->inner);
}

static int hs_fd(const pst_stream *s)
{
    return pst_stream_fd(((const header_stream *)s)->inner);
}

static const char *hs_peer(const pst_stream *s)
{
    return pst_stream_peer(((const header_stream *)s)->inner);
}

static void hs_free(pst_stream *s)
{
    header_stream *h = (header_stream *)s;
    pst_stream_free(h->inner);
    for (uint32_t i = 0; i < 2 * h->nsend; i++)
        free(h->send_strings[i]);
    free(h->in);
    pst_wbuf_free(&h->plain);
    pst_wbuf_free(&h->out);
    pst_arena_release(&h->arena);
    free(h);
}

static const pst_stream_ops header_stream_ops = {
    .name = "header",
    .read = hs_read,
    .write = hs_write,
    .shutdown_write = hs_shutdown_write,
    .fd = hs_fd,
    .peer = hs_peer,
    .free = hs_free,
    .write_some = NULL,
};

const char *pst__header_stream_detail(const pst_stream *s)
{
    if (s->ops != &header_stream_ops)
        return NULL;
    const header_stream *h = (const header_stream *)s;
    if (h->rerr.code)
        return h->rerr.message;
    if (h->werr.code)
        return h->werr.message;
    return pst__stream_detail(h->inner);
}

pst_transport *pst_transport_header_new(pst_stream *s,
                                        const pst_transport_options *o,
                                        const pst_protocol *inner, unsigned flags)
{
    int32_t id = pst_header_protocol_id(inner ? inner : &pst_protocol_binary);
    header_stream *h = id >= 0 && s ? calloc(1, sizeof *h) : NULL;
    if (!h) {
        pst_stream_free(s);
        return NULL;
    }
    static const pst_transport_options defaults = PST_TRANSPORT_OPTIONS_INIT;
    h->base.ops = &header_stream_ops;
    h->inner = s;
    h->proto = inner ? inner : &pst_protocol_binary;
    h->id = id;
    h->zlib = flags & PST_HEADER_ZLIB;
    h->in_frames = flags & PST_HEADER_IN_FRAMES;
    h->cfg = (o ? o : &defaults)->codec;
    if (h->cfg.max_frame == 0)
        h->cfg.max_frame = defaults.codec.max_frame;
    if (h->cfg.max_message == 0)
        h->cfg.max_message = defaults.codec.max_message;
    pst_wbuf_init(&h->plain, SIZE_MAX / 4);
    pst_wbuf_init(&h->out, SIZE_MAX / 4);
    pst_arena_init(&h->arena, h->arena_block, sizeof h->arena_block, 0);
    return pst_transport_framed_new(&h->base, o);
}

static header_stream *header_of(const pst_transport *t)
{
    pst_stream *s = pst_transport_stream((pst_transport *)t);
    return s && s->ops == &header_stream_ops ? (header_stream *)s : NULL;
}

int pst_transport_header_set(pst_transport *t, const char *key,
                             const char *value)
{
    header_stream *h = header_of(t);
    if (!h || !key || !value)
        return PST_E_INVALID;
    if (h->nsend == MAX_SEND_HEADERS)
        return PST_E_LIMIT;
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return PST_E_NOMEM;
    }
    h->send_strings[2 * h->nsend] = k;
    h->send_strings[2 * h->nsend + 1] = v;
    h->send[h->nsend].key = (pst_str){ k, strlen(k) };
    h->send[h->nsend].value = (pst_str){ v, strlen(v) };
    h->nsend++;
    return 0;
}

const pst_header_kv *pst_transport_header_received(const pst_transport *t,
                                                   uint32_t *n)
{
    header_stream *h = header_of(t);
    *n = h ? h->last.nheaders : 0;
    return *n ? h->last.headers : NULL;
}
