/* buffered.c: unframed messages back to back (Thrift's "buffered"
 * transport). Bytes collect in a growing buffer; protocol->message_length
 * says where a message ends.
 *
 * Rescanning the whole buffer after every read would make a large message
 * that arrives in many pieces cost quadratic time. So a short buffer is
 * scanned again only when the bytes have doubled since the last scan, or when
 * the peer has gone quiet (it may have sent its last byte and be waiting for
 * the reply): at once for buffers up to 64 KiB, where a scan is cheap, after
 * a grace of about 1 ms per 4 MiB (at most 50 ms) above that. */
#include "transport_internal.h"

enum { GROW_STEP = 4096, CHEAP_SCAN = 64 * 1024 };

static int quiet_grace_ms(size_t scanned)
{
    if (scanned <= CHEAP_SCAN)
        return 0;
    size_t ms = 1 + (scanned >> 22);
    return ms > 50 ? 50 : (int)ms;
}

static int unframed_read(pst_transport *t, const pst_protocol *p,
                         const uint8_t **msg, size_t *len, pst_error *err)
{
    if (!p || !p->message_length)
        return pst_error_set(err, PST_E_INVALID,
                             "an unframed transport needs a protocol that can "
                             "measure messages");
    pst__transport_consume(t);
    uint64_t max = t->opt.codec.max_message;
    bool force = false;
    int failed = 0;              /* a read error seen with bytes unscanned */
    pst_error fill_err = { 0, "" };
    for (;;) {
        size_t avail = t->end - t->start;
        if (avail > t->scanned &&
            (force || failed || avail >= max || t->scanned == 0 ||
             avail - t->scanned >= t->scanned)) {
            size_t n = 0;
            pst_error e = { 0, "" };
            int rc = p->message_length(t->buf + t->start, avail, &t->opt.codec,
                                       &n, &e);
            if (rc == 0) {
                if (n == 0 || n > avail)
                    return pst_error_set(err, PST_E_PROTOCOL,
                                         "%s message_length gave %zu for %zu "
                                         "bytes",
                                         p->name, n, avail);
                pst__transport_deliver(t, n, msg, len);
                return 0;
            }
            if (rc != PST_E_SHORT) {
                if (e.code)
                    return pst_error_set(err, rc, "%s", e.message);
                return pst_error_set(err, rc, "bad %s message: %s", p->name,
                                     pst_strerror(rc));
            }
            t->scanned = avail;
            if (avail >= max)
                return pst_error_set(err, PST_E_LIMIT,
                                     "message exceeds max_message %llu bytes "
                                     "(no end in the first %zu bytes)",
                                     (unsigned long long)max, avail);
        }
        if (failed)
            return pst_error_set(err, failed, "%s", fill_err.message);
        force = false;
        size_t room = avail > GROW_STEP ? avail : GROW_STEP;
        if (room > max - avail)
            room = (size_t)(max - avail);
        /* New bytes not yet scanned: wait only briefly before scanning them. */
        int cap = avail > t->scanned ? quiet_grace_ms(t->scanned) : -1;
        int rc = pst__transport_fill(t, room, room, cap, &fill_err);
        if (rc == PST_E_SHORT) {
            force = true;
        } else if (rc < 0) {
            /* The bytes already here may still hold a whole message (the
             * peer sent it, then closed its side): look before failing. */
            failed = rc;
        }
    }
}

static int unframed_write(pst_transport *t, const void *data, size_t len,
                          pst_error *err)
{
    if (len > t->opt.codec.max_message)
        return pst_error_set(err, PST_E_LIMIT,
                             "message of %zu bytes exceeds max_message %llu",
                             len, (unsigned long long)t->opt.codec.max_message);
    struct iovec iov = { (void *)data, len };
    return pst__transport_write(t, &iov, 1, err);
}

static const pst__transport_ops unframed_ops = { "unframed", unframed_read,
                                                 unframed_write, NULL };

pst_transport *pst_transport_unframed_new(pst_stream *s,
                                          const pst_transport_options *o)
{
    return pst__transport_new(&unframed_ops, s, o);
}
