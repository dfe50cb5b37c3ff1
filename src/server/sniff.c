/* sniff.c: the front door: what a connection speaks, from its first bytes.
 *
 *   80 01 ...              binary, unframed   (strict header: version 1)
 *   00 00 NN NN name tt    binary, unframed, old header without version
 *                          (name: a method name, tt: CALL or ONEWAY)
 *   82 vv ...              compact, unframed  (vv: version 1, type 1..4)
 *   [                      JSON, unframed     (TJSONProtocol: [1,"name",...)
 *   LL LL LL LL <one of the above>   framed (0 < length <= max_frame)
 *   LL LL LL LL 0f ff FF FF SS SS SS SS HH HH pp
 *                          a THeader frame; pp (varint): 0 binary inside,
 *                          2 compact; served framed, each frame answered
 *                          in its own format
 *   LL LL LL LL LL-4 ... 0f ff ...   the same inside a plain frame
 *   "GET " "POST " ...     an HTTP request line
 *   78 xx                  a zlib stream (TZlibTransport: deflate, 32 KiB
 *                          window, a valid header check), carrying any of
 *                          the Thrift kinds above
 *   16 03                  a TLS handshake record (pst__sniff_tls, asked
 *                          first when the server speaks TLS)
 *
 * Each kind is a candidate that the bytes so far either match, rule out,
 * or leave open; the answer waits while any candidate is open. At most
 * 4 + 4 + OLD_NAME_CHECK + 1 bytes decide. */
#include <string.h>

#include "postern/header.h"
#include "server_internal.h"

typedef enum { NO = 0, MAYBE, MATCH } verdict;

/* Old binary headers (Thrift's strictWrite off) open with the method name's
 * i32 length; a name of 64 KiB or more is not taken for one. Name bytes that must look like a method name before the header counts. */
#define OLD_NAME_CHECK 8u

static bool name_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':';
}

/* 00 00 NN NN, then NN bytes of a method name, then CALL (1) or ONEWAY (4). */
static verdict old_binary_start(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n && i < 2; i++)
        if (p[i] != 0)
            return NO;
    if (n < 4)
        return MAYBE;
    uint32_t len = (uint32_t)p[2] << 8 | p[3];
    if (len == 0)
        return NO;
    size_t check = len < OLD_NAME_CHECK ? len : OLD_NAME_CHECK;
    for (size_t i = 0; i < check; i++) {
        if (4 + i >= n)
            return MAYBE;
        if (!name_char(p[4 + i]))
            return NO;
    }
    if (len > OLD_NAME_CHECK)
        return MATCH;
    if (4 + len >= n)
        return MAYBE;
    return p[4 + len] == PST_MSG_CALL || p[4 + len] == PST_MSG_ONEWAY ? MATCH : NO;
}

/* The bytes that open a Thrift message; *out says which protocol. */
static verdict thrift_start(const uint8_t *p, size_t n, const pst_protocol **out)
{
    if (n == 0)
        return MAYBE;
    if (p[0] == 0x00) {
        *out = &pst_protocol_binary;
        return old_binary_start(p, n);
    }
    if (p[0] == 0x80) {
        if (n < 2)
            return MAYBE;
        if (p[1] != 0x01)
            return NO;
        *out = &pst_protocol_binary;
        return MATCH;
    }
    if (p[0] == '[') { /* no other kind opens with it, nor does HTTP */
        *out = &pst_protocol_json;
        return MATCH;
    }
    if (p[0] == 0x82) {
        if (n < 2)
            return MAYBE;
        unsigned version = p[1] & 0x1f, type = p[1] >> 5;
        if (version != 1 || type < 1 || type > 4)
            return NO;
        *out = &pst_protocol_compact;
        return MATCH;
    }
    return NO;
}

/* A THeader frame's body: magic 0f ff, flags, seqid, header words, then
 * the protocol id (one varint byte for the two ids there are). */
static verdict header_start(const uint8_t *p, size_t n, const pst_protocol **out)
{
    if (n >= 1 && p[0] != 0x0F)
        return NO;
    if (n < 2)
        return MAYBE;
    if (p[1] != 0xFF)
        return NO;
    if (n < 11)
        return MAYBE;
    if (p[8] == 0 && p[9] == 0)
        return NO; /* no header words: no room for the protocol id */
    const pst_protocol *inner = pst_header_protocol(p[10]);
    if (!inner)
        return NO;
    *out = inner;
    return MATCH;
}

static verdict framed(const pst_server_options *opt, const uint8_t *p, size_t n,
                      const pst_protocol **out)
{
    uint32_t max = opt->codec.max_frame;
    if (n < 4) {
        /* The length's leading bytes can already rule a frame out. */
        for (size_t i = 0; i < n; i++) {
            uint32_t top = (uint32_t)(max >> (8 * (3 - i)));
            uint32_t got = 0;
            for (size_t j = 0; j <= i; j++)
                got = got << 8 | p[j];
            if (got > top)
                return NO;
        }
        return MAYBE;
    }
    uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                   (uint32_t)p[2] << 8 | p[3];
    if (len == 0 || len > max)
        return NO;
    if (n > 4 && p[4] == 0x0F) {
        verdict h = header_start(p + 4, n - 4, out);
        if (h != NO)
            return h;
    }
    verdict t = thrift_start(p + 4, n - 4, out);
    if (t == MATCH)
        return t;
    /* a header frame with its own length inside this one (Thrift's
     * THeaderProtocol over TFramedTransport) */
    if (len >= 6 && n > 4) {
        uint32_t inner = len - 4;
        bool maybe = true;
        for (size_t i = 0; i < 4 && 4 + i < n; i++)
            maybe &= p[4 + i] == (uint8_t)(inner >> (8 * (3 - i)));
        if (maybe && n <= 8)
            return MAYBE;
        if (maybe) {
            verdict h = header_start(p + 8, n - 8, out);
            if (h != NO)
                return h;
        }
    }
    return t;
}

static verdict http(const uint8_t *p, size_t n)
{
    static const char *const methods[] = { "GET ",    "POST ",    "PUT ",
                                           "HEAD ",   "DELETE ",  "OPTIONS ",
                                           "PATCH ",  "CONNECT ", "TRACE " };
    verdict v = NO;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        size_t m = strlen(methods[i]);
        size_t k = n < m ? n : m;
        if (memcmp(p, methods[i], k) != 0)
            continue;
        if (n >= m)
            return MATCH;
        v = MAYBE;
    }
    return v;
}

/* RFC 1950's header: CM 8 with a 32 KiB window (0x78), no preset
 * dictionary, and the two bytes a multiple of 31. No Thrift kind opens with
 * 0x78 (a frame that long passes any max_frame below 2 GiB). */
static verdict zlib_start(const pst_server_options *opt, const uint8_t *p,
                          size_t n)
{
    if (n == 0 || p[0] != 0x78 || opt->codec.max_frame >= 0x78000000u)
        return NO;
    if (n < 2)
        return MAYBE;
    return ((0x78u << 8 | p[1]) % 31 == 0 && !(p[1] & 0x20)) ? MATCH : NO;
}

void pst__sniff(const pst_server_options *opt, const uint8_t *p, size_t n,
                pst_sniff *out)
{
    const pst_protocol *pinned = opt->protocol;
    out->kind = PST_SNIFF_NEED_MORE;
    out->protocol = pinned;
    out->framing = opt->framing;
    if (pinned && opt->framing != PST_FRAMING_AUTO) {
        out->kind = PST_SNIFF_THRIFT;
        return;
    }
    bool open = false;
    const pst_protocol *proto = NULL;
    verdict v = zlib_start(opt, p, n);
    if (v == MATCH) {
        /* pins apply to what the stream carries */
        out->kind = PST_SNIFF_ZLIB;
        return;
    }
    open |= v == MAYBE;

    if (opt->framing != PST_FRAMING_FRAMED) {
        v = thrift_start(p, n, &proto);
        if (v == MATCH && (!pinned || pinned == proto)) {
            out->kind = PST_SNIFF_THRIFT;
            out->protocol = proto;
            out->framing = PST_FRAMING_UNFRAMED;
            return;
        }
        open |= v == MAYBE;
    }
    if (opt->framing != PST_FRAMING_UNFRAMED) {
        v = framed(opt, p, n, &proto);
        if (v == MATCH && (!pinned || pinned == proto)) {
            out->kind = PST_SNIFF_THRIFT;
            out->protocol = proto;
            out->framing = PST_FRAMING_FRAMED;
            return;
        }
        open |= v == MAYBE;
    }
    v = http(p, n);
    /* A request line can also read as a frame length when max_frame is
     * huge ("GET " is 1,195,725,856): wait until the frame is ruled out,
     * or more bytes could turn HTTP into framed Thrift. */
    if (v == MATCH && !open) {
        out->kind = PST_SNIFF_HTTP;
        out->protocol = NULL;
        out->framing = PST_FRAMING_AUTO;
        return;
    }
    open |= v == MAYBE;
    if (!open) {
        out->kind = PST_SNIFF_UNKNOWN;
        out->protocol = NULL;
    }
}

/* A TLS record: content type 22 (handshake), then the major version 3.
 * Nothing else postern speaks opens with 0x16: a frame of that length
 * (369 MB and up) is beyond any sane max_frame. */
pst__tls_sniff pst__sniff_tls(const pst_server_options *opt, const uint8_t *p,
                              size_t n)
{
    if (opt->tls == PST_TLS_OFF)
        return PST__TLS_SNIFF_PLAIN;
    bool tls = n == 0 || (p[0] == 0x16 && (n < 2 || p[1] == 0x03));
    if (tls && n < 2)
        return PST__TLS_SNIFF_MORE;
    if (tls)
        return PST__TLS_SNIFF_TLS;
    return opt->tls == PST_TLS_ON ? PST__TLS_SNIFF_REFUSED : PST__TLS_SNIFF_PLAIN;
}
