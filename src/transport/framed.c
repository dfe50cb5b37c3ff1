/* framed.c: each message preceded by its length, 4 bytes big-endian
 * (Thrift's TFramedTransport). The length is checked against max_frame
 * before any memory is committed to the frame. */
#include <string.h>

#include "transport_internal.h"

enum { GROW_STEP = 4096 };

static int framed_read(pst_transport *t, const pst_protocol *p,
                       const uint8_t **msg, size_t *len, pst_error *err)
{
    (void)p;
    pst__transport_consume(t);
    for (;;) {
        size_t avail = t->end - t->start, need;
        if (avail >= 4) {
            const uint8_t *h = t->buf + t->start;
            uint32_t n = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
                         (uint32_t)h[2] << 8 | h[3];
            if (n > t->opt.codec.max_frame)
                return pst_error_set(err, PST_E_LIMIT,
                                     "frame of %u bytes exceeds max_frame %u", n,
                                     t->opt.codec.max_frame);
            if (n == 0)
                return pst_error_set(err, PST_E_PROTOCOL,
                                     "empty frame (length 0)");
            if (avail - 4 >= n) {
                t->start += 4;
                pst__transport_deliver(t, n, msg, len);
                return 0;
            }
            need = 4 + (size_t)n - avail;
        } else {
            need = 4 - avail;
        }
        /* Grow with the bytes received, not with the length announced. */
        size_t step = avail > GROW_STEP ? avail : GROW_STEP;
        int rc = pst__transport_fill(t, need < step ? need : step, 0, -1, err);
        if (rc < 0)
            return rc;
    }
}

static int framed_write(pst_transport *t, const void *data, size_t len,
                        pst_error *err)
{
    if (len > t->opt.codec.max_frame)
        return pst_error_set(err, PST_E_LIMIT,
                             "frame of %zu bytes exceeds max_frame %u", len,
                             t->opt.codec.max_frame);
    uint8_t h[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
                     (uint8_t)(len >> 8), (uint8_t)len };
    struct iovec iov[2] = { { h, 4 }, { (void *)data, len } };
    return pst__transport_write(t, iov, 2, err);
}

static const pst__transport_ops framed_ops = { "framed", framed_read,
                                               framed_write, NULL };

pst_transport *pst_transport_framed_new(pst_stream *s,
                                        const pst_transport_options *o)
{
    return pst__transport_new(&framed_ops, s, o);
}
