/*
 * fuzz_sniff_target.h: the server's front door (pst__sniff) over every
 * prefix of one fuzz input, and the properties that must hold whatever the
 * bytes and options:
 *
 *   - monotonic: once a prefix decides (THRIFT, HTTP or UNKNOWN), every
 *     longer prefix decides the same, with the same protocol and framing;
 *   - PST__SNIFF_BYTES always decide (the servers read no more before
 *     giving up);
 *   - the answer is right, by an independent reading of the rules
 *     (server.h, sniff.c): THRIFT only for bytes that open a binary (strict
 *     or old header), compact or JSON ('[') message, unframed or after a
 *     frame length
 *     0 < len <=
 *     max_frame, or a THeader frame body (0f ff, flags, seqid, header
 *     words not 0, protocol id 0 or 2) after one frame length or two (the
 *     inner one 4 less), within what the options pin; ZLIB only for a
 *     zlib header (78, check byte, no dictionary) unless protocol and
 *     framing are both pinned or max_frame reaches 0x78000000; HTTP only for a request line
 *     method that cannot still become Thrift; UNKNOWN only when no
 *     continuation could be either; NEED_MORE never once the bytes are
 *     Thrift or HTTP.
 *
 * The first two input bytes pick the options (framing, pinned protocol,
 * max_frame); the rest is the connection's first bytes. The includer
 * defines FUZZ_FAIL(what) and may define FUZZ_OUTCOME(kind).
 */
#ifndef FUZZ_SNIFF_TARGET_H
#define FUZZ_SNIFF_TARGET_H

#include <string.h>

#include "server/server_internal.h"

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_sniff_target.h"
#endif
#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(kind) ((void)(kind))
#endif

#define FS_MAX_PREFIX 32

static bool fs_name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':';
}

/* The old binary header (no version): 00 00 NN NN (a name of 1..65535
 * bytes), the name, then CALL (1) or ONEWAY (4). Only the first eight name
 * bytes are looked at: a longer name is taken on their word. */
static bool fs_old_binary_start(const uint8_t *p, size_t n, bool *complete)
{
    *complete = false;
    if ((n >= 1 && p[0] != 0) || (n >= 2 && p[1] != 0))
        return false;
    if (n < 4)
        return true;
    size_t len = (size_t)p[2] << 8 | p[3];
    if (len == 0)
        return false;
    size_t look = len < 8 ? len : 8;
    for (size_t i = 0; i < look && 4 + i < n; i++)
        if (!fs_name_char(p[4 + i]))
            return false;
    if (len > 8) {
        *complete = n >= 4 + 8;
        return true;
    }
    if (n <= 4 + len)
        return true;
    *complete = true;
    return p[4 + len] == PST_MSG_CALL || p[4 + len] == PST_MSG_ONEWAY;
}

/* Could bytes p[0..n) be the start of an unframed message of protocol
 * `proto` (binary, strict or old, compact, or JSON)? *complete: they
 * already are. */
static bool fs_msg_start(const pst_protocol *proto, const uint8_t *p, size_t n,
                         bool *complete)
{
    if (proto == &pst_protocol_json) {
        *complete = n >= 1;
        return n < 1 || p[0] == '[';
    }
    *complete = n >= 2;
    if (proto == &pst_protocol_binary) {
        if (n >= 1 && p[0] == 0x00)
            return fs_old_binary_start(p, n, complete);
        return (n < 1 || p[0] == 0x80) && (n < 2 || p[1] == 0x01);
    }
    if (n >= 1 && p[0] != 0x82)
        return false;
    if (n >= 2) {
        unsigned version = p[1] & 0x1f, type = p[1] >> 5;
        return version == 1 && type >= 1 && type <= 4;
    }
    return true;
}

/* Could p[0..n) start a 4-byte big-endian length in 1..max? */
static bool fs_len_start(const uint8_t *p, size_t n, uint32_t max)
{
    if (n >= 4) {
        uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                       (uint32_t)p[2] << 8 | p[3];
        return len >= 1 && len <= max;
    }
    /* the smallest completion: the prefix then zeros (at least 1) */
    uint64_t low = 0;
    for (size_t i = 0; i < 4; i++)
        low = low << 8 | (i < n ? p[i] : 0);
    if (low == 0)
        low = 1;
    return low <= max;
}

/* A THeader frame body h[0..k): 0 it is not, 1 it may become one, 2 it
 * is (*proto: what is inside). */
static int fs_header_body(const uint8_t *h, size_t k, const pst_protocol **proto)
{
    if ((k >= 1 && h[0] != 0x0F) || (k >= 2 && h[1] != 0xFF))
        return 0;
    if (k >= 10 && h[8] == 0 && h[9] == 0)
        return 0;
    if (k < 11)
        return 1;
    if (h[10] == 0)
        *proto = &pst_protocol_binary;
    else if (h[10] == 2)
        *proto = &pst_protocol_compact;
    else
        return 0;
    return 2;
}

/* What the options allow p[0..n) to be, and whether it already is. */
typedef struct fs_truth {
    bool maybe_zlib, is_zlib;
    bool maybe_thrift, maybe_http;
    bool maybe_other;   /* the start of a protocol the options rule out,
                           not complete yet: sniff.c waits for it
                           (harmless, and within PST__SNIFF_BYTES) */
    bool is_thrift, is_http;
    const pst_protocol *protocol;
    pst_framing framing;
} fs_truth;

static void fs_oracle(const pst_server_options *o, const uint8_t *p, size_t n,
                      fs_truth *t)
{
    memset(t, 0, sizeof *t);
    if (o->protocol && o->framing != PST_FRAMING_AUTO) {
        t->maybe_thrift = t->is_thrift = true;
        t->protocol = o->protocol;
        t->framing = o->framing;
        return;
    }
    if (o->codec.max_frame < 0x78000000u && (n < 1 || p[0] == 0x78)) {
        bool check = n < 2 || ((0x7800u | p[1]) % 31 == 0 && !(p[1] & 0x20));
        t->maybe_zlib = check;
        t->is_zlib = check && n >= 2;
        if (t->is_zlib)
            return;
    }
    const pst_protocol *protos[3] = { &pst_protocol_binary, &pst_protocol_compact,
                                      &pst_protocol_json };
    /* unframed first, as the server prefers it */
    for (int framed = 0; framed < 2; framed++) {
        if (o->framing == (framed ? PST_FRAMING_UNFRAMED : PST_FRAMING_FRAMED))
            continue;
        if (framed && !fs_len_start(p, n, o->codec.max_frame))
            continue;
        size_t skip = framed ? 4 : 0;
        const uint8_t *q = p + (n < skip ? n : skip);
        size_t m = n < skip ? 0 : n - skip;
        for (int i = 0; i < 3; i++) {
            bool complete;
            if (o->protocol && o->protocol != protos[i]) {
                if (fs_msg_start(protos[i], q, m, &complete) && !complete)
                    t->maybe_other = true;
                continue;
            }
            if (!fs_msg_start(protos[i], q, m, &complete))
                continue;
            t->maybe_thrift = true;
            if (complete && !t->is_thrift) {
                t->is_thrift = true;
                t->protocol = protos[i];
                t->framing = framed ? PST_FRAMING_FRAMED : PST_FRAMING_UNFRAMED;
            }
        }
        /* THeader: right after the length, else after a second length */
        if (framed && m >= 1) {
            const pst_protocol *hp = NULL;
            int h = fs_header_body(q, m, &hp);
            if (h == 0 && n >= 4) {
                uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                               (uint32_t)p[2] << 8 | p[3];
                bool inner = len >= 6;
                for (size_t i = 0; inner && i < 4 && i < m; i++)
                    inner = q[i] == (uint8_t)((len - 4) >> (8 * (3 - i)));
                if (inner)
                    h = m <= 4 ? 1 : fs_header_body(q + 4, m - 4, &hp);
            }
            if (h && o->protocol && (h == 1 || hp != o->protocol)) {
                if (h == 1)
                    t->maybe_other = true;
            } else if (h) {
                t->maybe_thrift = true;
                if (h == 2 && !t->is_thrift) {
                    t->is_thrift = true;
                    t->protocol = hp;
                    t->framing = PST_FRAMING_FRAMED;
                }
            }
        }
        if (t->is_thrift)
            return;
    }
    static const char *const methods[] = { "GET ",    "POST ",    "PUT ",
                                           "HEAD ",   "DELETE ",  "OPTIONS ",
                                           "PATCH ",  "CONNECT ", "TRACE " };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        size_t len = strlen(methods[i]);
        if (memcmp(p, methods[i], n < len ? n : len) != 0)
            continue;
        t->maybe_http = true;
        if (n >= len)
            t->is_http = true;
    }
}

static void fuzz_sniff_one(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    unsigned a = data[0], b = data[1];
    o.framing = (pst_framing)(a % 3);
    static const pst_protocol *const pins[4] = { NULL, &pst_protocol_binary,
                                                 &pst_protocol_compact,
                                                 &pst_protocol_json };
    o.protocol = pins[(a >> 2) & 3];
    static const uint32_t frames[8] = { 16384000u, 1u,        0x82u,
                                        0x8001u,   0x47455420u, 0x80010000u,
                                        0xffffffffu, 0x7fffffffu };
    o.codec.max_frame = frames[(a >> 4) & 7];
    if (a & 0x80) /* any value the fuzzer likes, from the second byte */
        o.codec.max_frame = (uint32_t)b * 0x01010101u;
    if (o.codec.max_frame == 0) /* the server puts its default in */
        o.codec.max_frame = 16384000u;
    const uint8_t *p = data + 2;
    size_t n = size - 2;
    if (n > FS_MAX_PREFIX)
        n = FS_MAX_PREFIX;

    pst_sniff first;
    bool decided = false;
    for (size_t k = 0; k <= n; k++) {
        pst_sniff sn;
        memset(&sn, 0xa5, sizeof sn);
        pst__sniff(&o, p, k, &sn);
        if (sn.kind != PST_SNIFF_NEED_MORE && sn.kind != PST_SNIFF_THRIFT &&
            sn.kind != PST_SNIFF_HTTP && sn.kind != PST_SNIFF_UNKNOWN &&
            sn.kind != PST_SNIFF_ZLIB) {
            FUZZ_FAIL("sniff: no such kind");
            return;
        }
        if (decided) {
            if (sn.kind != first.kind ||
                (sn.kind == PST_SNIFF_THRIFT &&
                 (sn.protocol != first.protocol || sn.framing != first.framing)))
                FUZZ_FAIL("sniff: more bytes changed a decided answer");
            continue;
        }
        if (sn.kind == PST_SNIFF_NEED_MORE && k >= PST__SNIFF_BYTES)
            FUZZ_FAIL("sniff: PST__SNIFF_BYTES did not decide");

        fs_truth t;
        fs_oracle(&o, p, k, &t);
        switch (sn.kind) {
        case PST_SNIFF_ZLIB:
            if (!t.is_zlib)
                FUZZ_FAIL("sniff: ZLIB for bytes that are no zlib header");
            break;
        case PST_SNIFF_THRIFT:
            if (!t.is_thrift || sn.protocol != t.protocol ||
                sn.framing != t.framing)
                FUZZ_FAIL("sniff: THRIFT for bytes that are not (this) Thrift");
            break;
        case PST_SNIFF_HTTP:
            if (!t.is_http || t.maybe_thrift || t.maybe_other)
                FUZZ_FAIL("sniff: HTTP for bytes that are not (only) HTTP");
            break;
        case PST_SNIFF_UNKNOWN:
            if (t.maybe_thrift || t.maybe_http || t.maybe_zlib)
                FUZZ_FAIL("sniff: UNKNOWN for bytes that may still be "
                          "Thrift, zlib or HTTP");
            break;
        default:
            /* (waiting a byte longer than needed to rule a kind out is
             * allowed: PST__SNIFF_BYTES bound it) */
            if (t.is_thrift || t.is_zlib ||
                (t.is_http && !t.maybe_thrift && !t.maybe_other))
                FUZZ_FAIL("sniff: NEED_MORE for bytes that decide");
            break;
        }
        if (sn.kind != PST_SNIFF_NEED_MORE) {
            decided = true;
            first = sn;
            FUZZ_OUTCOME(sn.kind);
        }
    }
}

#endif
