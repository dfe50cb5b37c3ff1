/*
 * fuzz_zlib_target.h: one fuzz input as the compressed bytes a TZlibTransport
 * peer sends, read three ways, and the properties that must hold whatever
 * the bytes:
 *
 *   - no crash, leak or unbounded allocation: the framed or unframed reader
 *     over the zlib stream buffers at most its limit (max_frame /
 *     max_message, 64 << k bytes) plus one read buffer (several small
 *     frames may arrive in one read), so a bomb ends at the limit;
 *   - the reading ends (every read makes progress) with a status that is
 *     not 0 or PST_E_SHORT and has a message;
 *   - how the compressed bytes arrive and how much room the inflater gets
 *     changes nothing: the push core fed all at once with room for all,
 *     and fed a byte at a time with a few bytes of room, inflate the same
 *     bytes and end alike (stream end, error, or wanting more);
 *   - the one-shot form never passes its limit: the result is the prefix
 *     the push core made, or PST_E_LIMIT exactly when that is longer.
 *
 * The first input byte picks framing, limits and chunking; the rest is the
 * compressed stream. The includer defines FUZZ_FAIL(what) and may define
 * FUZZ_OUTCOME(rc).
 */
#ifndef FUZZ_ZLIB_TARGET_H
#define FUZZ_ZLIB_TARGET_H

#include <stdlib.h>
#include <string.h>

#include "postern/transport.h"
#include "postern/zlib.h"

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_zlib_target.h"
#endif
#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(rc) ((void)(rc))
#endif

#define FZ_SEL_FRAMED 0x01u  /* framed, else unframed binary */
#define FZ_SEL_CHUNK 0x06u   /* max_read 1, 3, 7 or unlimited */
#define FZ_SEL_LIMIT 0x38u   /* limits 64 << (0..7) */
#define FZ_MAX_PLAIN 65536u  /* the push core's comparison stops here */

/* Inflate in[0..n) with the push core, feeding `step` input bytes and
 * `room` output bytes at a time. Output (at most FZ_MAX_PLAIN) in out;
 * returns the final status: 0 (wants more), PST_E_CLOSED (stream ended)
 * or an error. */
static int fz_push(const uint8_t *in, size_t n, size_t step, size_t room,
                   uint8_t *out, size_t *out_len)
{
    pst_zlib_inflater *z = pst_zlib_inflater_new();
    *out_len = 0;
    if (!z)
        return PST_E_NOMEM;
    size_t off = 0;
    int rc = 0;
    for (;;) {
        size_t give = n - off < step ? n - off : step;
        size_t cap = FZ_MAX_PLAIN - *out_len < room ? FZ_MAX_PLAIN - *out_len : room;
        size_t used = 0, made = 0;
        pst_error err = { 0, "" };
        rc = pst_zlib_inflate(z, in + off, give, &used, out + *out_len, cap, &made,
                              &err);
        if (rc < 0 && rc != PST_E_CLOSED && !err.message[0])
            FUZZ_FAIL("inflate failed without saying why");
        off += used;
        *out_len += made;
        if (rc < 0 || *out_len == FZ_MAX_PLAIN)
            break;
        if (used == 0 && made == 0)
            break; /* wants more input */
        if (used > give || made > cap)
            FUZZ_FAIL("inflate took or made more than it was given room for");
    }
    pst_zlib_inflater_free(z);
    return rc;
}

static void fuzz_zlib_one(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    uint8_t sel = data[0];
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    static const size_t chunks[] = { 1, 3, 7, 0 };
    size_t max_read = chunks[(sel & FZ_SEL_CHUNK) >> 1];
    uint32_t limit = 64u << ((sel & FZ_SEL_LIMIT) >> 3);
    bool framed = sel & FZ_SEL_FRAMED;

    /* 1. the stream under a message reader */
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.codec.max_frame = limit;
    o.codec.max_message = limit;
    pst_stream *mem = pst_stream_memory_new(in, n, max_read);
    pst_stream *zs = mem ? pst_stream_zlib_new(mem, NULL, 0, 1) : NULL;
    pst_transport *t = zs ? (framed ? pst_transport_framed_new(zs, &o)
                                    : pst_transport_unframed_new(zs, &o))
                          : NULL;
    if (t) {
        int rc;
        size_t reads = 0;
        for (;;) {
            const uint8_t *m = NULL;
            size_t len = 0;
            pst_error err = { 0, "" };
            rc = pst_transport_read_message(t, &pst_protocol_binary, &m, &len,
                                            &err);
            if (pst_transport_buffered(t) > (size_t)limit + 4 + 16384)
                FUZZ_FAIL("the reader buffered past its limit");
            if (rc < 0) {
                if (rc == PST_E_SHORT)
                    FUZZ_FAIL("the reader ended with PST_E_SHORT");
                if (!err.message[0])
                    FUZZ_FAIL("the reader failed without saying why");
                break;
            }
            if (len == 0 || len > limit)
                FUZZ_FAIL("a message outside 1..limit bytes");
            /* every message is at least one inflated byte, and the input
             * inflates to at most 1032 bytes per compressed byte */
            if (++reads > 1100 * (n + 1))
                FUZZ_FAIL("more messages than the input can hold");
            if (reads > 1100 * (n + 1))
                break;
        }
        FUZZ_OUTCOME(rc);
        pst_transport_free(t);
    }

    /* 2. the push core, two ways */
    static uint8_t a[FZ_MAX_PLAIN], b[FZ_MAX_PLAIN];
    size_t alen = 0, blen = 0;
    int ra = fz_push(in, n, n ? n : 1, FZ_MAX_PLAIN, a, &alen);
    int rb = fz_push(in, n, 1, 3, b, &blen);
    if (alen == FZ_MAX_PLAIN || blen == FZ_MAX_PLAIN) {
        size_t k = alen < blen ? alen : blen;
        if (memcmp(a, b, k) != 0)
            FUZZ_FAIL("chunked inflate made other bytes");
    } else {
        if (ra != rb)
            FUZZ_FAIL("chunked inflate ended with another status");
        if (alen != blen || memcmp(a, b, alen) != 0)
            FUZZ_FAIL("chunked inflate made other bytes");
    }

    /* 3. the one-shot form, bounded */
    if (alen < FZ_MAX_PLAIN) {
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        pst_error err = { 0, "" };
        int rc = pst_zlib_uncompress(in, n, limit, &w, &err);
        if (w.cap > (size_t)limit + 1)
            FUZZ_FAIL("uncompress allocated past its limit");
        if (rc == 0) {
            if (ra != PST_E_CLOSED || w.len != alen || memcmp(w.data, a, alen) != 0)
                FUZZ_FAIL("uncompress accepted what the push core did not end");
        } else if (rc == PST_E_LIMIT) {
            if (alen <= limit)
                FUZZ_FAIL("uncompress refused a payload within its limit");
        } else if (ra == PST_E_CLOSED && alen <= limit) {
            /* a complete stream within the limit may still carry trailing
             * bytes: that is the one other refusal */
            if (!strstr(err.message, "after the end"))
                FUZZ_FAIL("uncompress refused a complete stream");
        }
        pst_wbuf_free(&w);
    }
}

#endif
