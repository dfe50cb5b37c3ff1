/*
 * fuzz_transport_target.h: one fuzz input as a byte stream through the
 * framed or the unframed message reader (over the memory stream, with
 * small max_frame / max_message), reading messages until an error, and the
 * properties that must hold whatever the bytes:
 *
 *   - no crash, leak or unbounded allocation, and no hang: every message
 *     consumes bytes, so the loop ends within n + 1 reads;
 *   - every message is the next bytes of the stream: framed, after a
 *     4-byte length equal to its size, 0 < size <= max_frame; unframed,
 *     exactly as long as message_length says, at most max_message;
 *   - the reading ends with a status that is not 0 or PST_E_SHORT and
 *     comes with a message; PST_E_CLOSED with nothing buffered exactly when
 *     the stream ended cleanly between messages;
 *   - how the bytes arrive changes nothing: one at a time, a few at a time,
 *     all at once, or with the first bytes read off the stream and put back
 *     with pst_transport_unread (as a server does after sniffing) give the
 *     same messages and the same final status;
 *   - writing the messages back reproduces the bytes they were read from.
 *
 * The first input byte picks framing, protocol, limits and chunking; the
 * rest is the stream. The includer defines FUZZ_FAIL(what) and may define
 * FUZZ_OUTCOME(framed, rc, messages).
 */
#ifndef FUZZ_TRANSPORT_TARGET_H
#define FUZZ_TRANSPORT_TARGET_H

#include <stdlib.h>
#include <string.h>

#include "postern/transport.h"

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_transport_target.h"
#endif
#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(framed, rc, messages) ((void)(framed), (void)(rc), (void)(messages))
#endif

/* Selector bits (the first byte). */
#define FT_SEL_FRAMED 0x01u  /* framed, else unframed */
#define FT_SEL_COMPACT 0x02u /* unframed: compact, else binary */
#define FT_SEL_CHUNK 0x0cu   /* max_read: 1, 2, 5 or unlimited */
#define FT_SEL_LIMIT 0x70u   /* max_frame = max_message = 8 << (0..7) */
#define FT_SEL_SHALLOW 0x80u /* max_depth 4 */

typedef struct ft_result {
    size_t starts[256]; /* offset of each message's first byte (first 256) */
    size_t lens[256];
    size_t count;
    size_t consumed;    /* bytes of the stream the messages took */
    int rc;             /* the final status */
    size_t buffered;    /* bytes left in the transport at the end */
} ft_result;

/* Read the whole stream. unread > 0: take that many bytes off the stream
 * first and give them back with pst_transport_unread. */
static void ft_run(const uint8_t *in, size_t n, bool framed,
                   const pst_protocol *p, const pst_transport_options *o,
                   size_t max_read, size_t unread, ft_result *res)
{
    memset(res, 0, sizeof *res);
    pst_stream *s = pst_stream_memory_new(in, n, max_read);
    if (!s)
        return;
    uint8_t first[16];
    size_t got_first = 0;
    if (unread > sizeof first)
        unread = sizeof first;
    while (got_first < unread) {
        size_t got = 0;
        if (pst_stream_read(s, first + got_first, unread - got_first, &got, 0,
                            -1) != 0)
            break;
        got_first += got;
    }
    pst_transport *t = framed ? pst_transport_framed_new(s, o)
                              : pst_transport_unframed_new(s, o);
    if (!t)
        return;
    if (got_first && pst_transport_unread(t, first, got_first) != 0) {
        pst_transport_free(t);
        return;
    }
    size_t off = 0;
    for (size_t reads = 0;; reads++) {
        if (reads > n + 1) {
            FUZZ_FAIL("transport: more messages than bytes");
            break;
        }
        const uint8_t *msg;
        size_t len;
        pst_error err = { 0, "" };
        int rc = pst_transport_read_message(t, p, &msg, &len, &err);
        if (rc != 0) {
            if (rc > 0 || rc == PST_E_SHORT)
                FUZZ_FAIL("transport: read ended with 0 < status or "
                          "PST_E_SHORT");
            if (err.code != rc || err.message[0] == '\0')
                FUZZ_FAIL("transport: failed without a message");
            res->rc = rc;
            break;
        }
        size_t hdr = framed ? 4 : 0;
        if (len == 0 || off + hdr + len > n) {
            FUZZ_FAIL("transport: message of impossible length");
            break;
        }
        if (memcmp(msg, in + off + hdr, len) != 0)
            FUZZ_FAIL("transport: message is not the next bytes");
        if (framed) {
            const uint8_t *h = in + off;
            uint32_t flen = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
                            (uint32_t)h[2] << 8 | h[3];
            if (flen != len || len > o->codec.max_frame)
                FUZZ_FAIL("transport: frame length mismatch");
        } else {
            size_t ml = 0;
            if (len > o->codec.max_message)
                FUZZ_FAIL("transport: message over max_message");
            if (p->message_length(msg, len, &o->codec, &ml, NULL) != 0 ||
                ml != len)
                FUZZ_FAIL("transport: message_length disagrees");
        }
        /* written back, the message gives the bytes it came from */
        pst_error werr = { 0, "" };
        if (pst_transport_write_message(t, msg, len, &werr) != 0)
            FUZZ_FAIL("transport: a message read does not write");
        if (res->count < 256) {
            res->starts[res->count] = off + hdr;
            res->lens[res->count] = len;
        }
        res->count++;
        off += hdr + len;
    }
    res->consumed = off;
    res->buffered = pst_transport_buffered(t);
    size_t olen = 0;
    const uint8_t *out = pst_stream_memory_output(pst_transport_stream(t), &olen);
    if (olen != off || (olen && memcmp(out, in, olen) != 0))
        FUZZ_FAIL("transport: written messages differ from the input");
    if (res->rc == PST_E_CLOSED && (res->buffered == 0) != (off == n))
        FUZZ_FAIL("transport: clean close and bytes left disagree");
    if (res->rc != PST_E_CLOSED && off == n && n > 0)
        FUZZ_FAIL("transport: error after the last byte was consumed");
    pst_transport_free(t);
}

static bool ft_same(const ft_result *a, const ft_result *b)
{
    if (a->rc != b->rc || a->count != b->count || a->consumed != b->consumed)
        return false;
    size_t k = a->count < 256 ? a->count : 256;
    for (size_t i = 0; i < k; i++)
        if (a->starts[i] != b->starts[i] || a->lens[i] != b->lens[i])
            return false;
    return true;
}

static void fuzz_transport_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    unsigned sel = data[0];
    size_t n = size - 1;
    const uint8_t *in = data + 1;
    bool framed = (sel & FT_SEL_FRAMED) != 0;
    const pst_protocol *p =
        (sel & FT_SEL_COMPACT) ? &pst_protocol_compact : &pst_protocol_binary;
    static const size_t chunks[4] = { 1, 2, 5, 0 };
    size_t max_read = chunks[(sel & FT_SEL_CHUNK) >> 2];
    uint32_t limit = 8u << ((sel & FT_SEL_LIMIT) >> 4);
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.codec.max_frame = limit;
    o.codec.max_message = limit;
    if (sel & FT_SEL_SHALLOW)
        o.codec.max_depth = 4;

    static ft_result base, other;
    ft_run(in, n, framed, p, &o, max_read, 0, &base);
    FUZZ_OUTCOME(framed, base.rc, base.count);
    ft_run(in, n, framed, p, &o, max_read == 0 ? 1 : 0, 0, &other);
    if (!ft_same(&base, &other))
        FUZZ_FAIL("transport: chunking changes the outcome");
    ft_run(in, n, framed, p, &o, max_read, 1 + n % 16, &other);
    if (!ft_same(&base, &other))
        FUZZ_FAIL("transport: unread first bytes change the outcome");
}

#endif
