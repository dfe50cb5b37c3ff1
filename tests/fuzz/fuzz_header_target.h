/*
 * fuzz_header_target.h: one fuzz input as a THeader frame body (what
 * follows the length), and the properties that must hold whatever the
 * bytes:
 *
 *   - no crash, leak or unbounded allocation: the info headers' count is
 *     checked against the bytes before anything is allocated, and a zlib
 *     payload inflates to at most max_message (64 << k bytes) or fails
 *     with PST_E_LIMIT;
 *   - a refusal says why (a message), and is one of PST_E_PROTOCOL,
 *     PST_E_LIMIT;
 *   - what is read lies where it should: without transforms the payload
 *     is the frame's tail; every key and value lies inside the frame;
 *   - what is read writes back and reads again the same: flags, seqid,
 *     protocol id, transforms, info headers in order, payload.
 *
 * The first input byte picks the limit; the rest is the body. The includer
 * defines FUZZ_FAIL(what) and may define FUZZ_OUTCOME(rc).
 */
#ifndef FUZZ_HEADER_TARGET_H
#define FUZZ_HEADER_TARGET_H

#include <stdlib.h>
#include <string.h>

#include "postern/header.h"

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_header_target.h"
#endif
#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(rc) ((void)(rc))
#endif

static bool fhd_inside(const pst_str *s, const uint8_t *b, size_t n)
{
    const uint8_t *p = (const uint8_t *)s->ptr;
    return s->len == 0 || (p >= b && p <= b + n && s->len <= (size_t)(b + n - p));
}

static bool fhd_same(const pst_str *a, const pst_str *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

static void fuzz_header_one(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    cfg.max_message = 64u << (data[0] & 7);
    const uint8_t *b = data + 1;
    size_t n = size - 1;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 1u << 20);
    pst_wbuf inflated;
    pst_wbuf_init(&inflated, 0);
    pst_header_frame f;
    const uint8_t *payload = NULL;
    size_t plen = 0;
    pst_error err = { 0, "" };
    int rc = pst_header_read(b, n, &cfg, &a, &f, &inflated, &payload, &plen, &err);
    FUZZ_OUTCOME(rc);
    if (rc < 0) {
        if (!err.message[0])
            FUZZ_FAIL("refused without saying why");
        if (rc != PST_E_PROTOCOL && rc != PST_E_LIMIT && rc != PST_E_NOMEM)
            FUZZ_FAIL("refused with an unexpected status");
    } else {
        if (f.ntransforms == 0 && (payload < b || payload + plen != b + n))
            FUZZ_FAIL("the payload is not the frame's tail");
        if (f.ntransforms && plen > cfg.max_message)
            FUZZ_FAIL("the payload inflated past max_message");
        if (inflated.cap > cfg.max_message + 1)
            FUZZ_FAIL("inflating allocated past max_message");
        if (f.nheaders > n / 2)
            FUZZ_FAIL("more info headers than the frame can hold");
        for (uint32_t i = 0; i < f.nheaders; i++)
            if (!fhd_inside(&f.headers[i].key, b, n) ||
                !fhd_inside(&f.headers[i].value, b, n))
                FUZZ_FAIL("an info header outside the frame");
        /* write back, read again */
        pst_wbuf out;
        pst_wbuf_init(&out, 0);
        pst_error werr = { 0, "" };
        if (pst_header_write(&out, &f, payload, plen, &werr) < 0) {
            /* only a header too long for its 16-bit word count may fail */
            if (!strstr(werr.message, "header of"))
                FUZZ_FAIL("what was read does not write back");
        } else {
            pst_wbuf again;
            pst_wbuf_init(&again, 0);
            pst_header_frame g;
            const uint8_t *p2 = NULL;
            size_t pl2 = 0;
            pst_error e2 = { 0, "" };
            pst_codec_config big = cfg;
            big.max_message = plen + 1;
            if (pst_header_read(out.data + 4, out.len - 4, &big, &a, &g, &again, &p2,
                                &pl2, &e2) < 0) {
                FUZZ_FAIL("what was written does not read back");
            } else {
                bool same = g.flags == f.flags && g.seqid == f.seqid &&
                            g.protocol_id == f.protocol_id &&
                            g.ntransforms == f.ntransforms &&
                            memcmp(g.transforms, f.transforms, f.ntransforms) == 0 &&
                            g.nheaders == f.nheaders && pl2 == plen &&
                            (plen == 0 || memcmp(p2, payload, plen) == 0);
                for (uint32_t i = 0; same && i < g.nheaders; i++)
                    same = fhd_same(&g.headers[i].key, &f.headers[i].key) &&
                           fhd_same(&g.headers[i].value, &f.headers[i].value);
                if (!same)
                    FUZZ_FAIL("read, written and read again, the frame differs");
            }
            pst_wbuf_free(&again);
        }
        pst_wbuf_free(&out);
    }
    pst_wbuf_free(&inflated);
    pst_arena_release(&a);
}

#endif
