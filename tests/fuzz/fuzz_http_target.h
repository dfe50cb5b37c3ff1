/*
 * fuzz_http_target.h: the HTTP/1.x request parser (src/http/) over one
 * fuzz input: a stream of pipelined requests, each head parsed and its
 * body (Content-Length or chunked) taken off, until the stream ends or a
 * request is refused. Properties, whatever the bytes and limits:
 *
 *   - the same outcome fed whole, byte by byte, and in pieces of 1..7
 *     bytes in a buffer that moves between calls: step, status, message,
 *     and for a head every fact and every span (by offset);
 *   - an error has one of the statuses 400 413 414 431 501 505, the
 *     matching pst_error code and a message;
 *   - a head: head_len <= bytes held; it ends in a blank line; every span
 *     lies inside the head; it holds no byte other than field bytes, CR
 *     and LF, and every CR is followed by LF; one field line per header;
 *     names are tokens, values carry no edge whitespace; within every
 *     limit; never both chunked and a Content-Length; keep-alive as the
 *     version and the Connection fields say; the head alone parses the
 *     same;
 *   - waiting for more never holds more bytes than the limits allow;
 *   - a chunked body: out <= in <= bytes held, out <= max_body, and the
 *     decoded bytes, encoded again as one chunk, decode to themselves;
 *   - a response written for the request starts with the status line and
 *     carries the body (none for HEAD).
 *
 * Byte 0 of the input: bits 0x03 pick the limits (default; tiny; small;
 * default with a 16-byte body limit), bits 0x0c the piece size (1, 2, 3,
 * 7). The rest is the stream. The includer defines FUZZ_FAIL(what) and
 * may define FUZZ_OUTCOME(step, status).
 */
#ifndef FUZZ_HTTP_TARGET_H
#define FUZZ_HTTP_TARGET_H

#include <stdlib.h>
#include <string.h>

#include "http/chars.h"
#include "http/http.h"

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_http_target.h"
#endif
#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(step, status) ((void)(step), (void)(status))
#endif

#define FH_MAX_STREAM 65536u
#define FH_MAX_MESSAGES 16

typedef struct fh_result {
    pst_http_step st;
    int status;
    pst_error err;
    const uint8_t *base;
    pst_http_request req;
} fh_result;

static void fh_limits(uint8_t sel, pst_http_limits *lim)
{
    pst__http_limits_init(lim, 1u << 20);
    switch (sel & 3) {
    case 1:
        lim->max_request_line = 24;
        lim->max_header_bytes = 48;
        lim->max_headers = 3;
        lim->max_chunk_line = 6;
        lim->max_body = 64;
        break;
    case 2:
        lim->max_request_line = 64;
        lim->max_header_bytes = 256;
        lim->max_headers = 8;
        lim->max_chunk_line = 16;
        lim->max_body = 1024;
        break;
    case 3:
        lim->max_body = 16;
        break;
    default:
        break;
    }
}

static bool fh_span_in(const fh_result *r, pst_str s, size_t len)
{
    if (!s.ptr)
        return s.len == 0;
    if (s.len == 1 && s.ptr[0] == '/' && r->req.form == PST_HTTP_ABSOLUTE_FORM)
        return true; /* the static "/" */
    const uint8_t *p = (const uint8_t *)s.ptr;
    return p >= r->base && p + s.len <= r->base + len;
}

static bool fh_same_span(const fh_result *a, pst_str x, const fh_result *b, pst_str y)
{
    if (x.len != y.len || (x.ptr == NULL) != (y.ptr == NULL))
        return false;
    if (!x.ptr)
        return true;
    if (memcmp(x.ptr, y.ptr, x.len) != 0)
        return false;
    const uint8_t *xp = (const uint8_t *)x.ptr, *yp = (const uint8_t *)y.ptr;
    bool xin = xp >= a->base && xp <= a->base + a->req.head_len;
    bool yin = yp >= b->base && yp <= b->base + b->req.head_len;
    return xin == yin && (!xin || xp - a->base == yp - b->base);
}

static const char *fh_diff(const fh_result *a, const fh_result *b)
{
    if (a->st != b->st)
        return "feeding in pieces changes the step";
    if (a->status != b->status)
        return "feeding in pieces changes the status";
    if (a->err.code != b->err.code || strcmp(a->err.message, b->err.message) != 0)
        return "feeding in pieces changes the message";
    if (a->st != PST_HTTP_DONE)
        return NULL;
    const pst_http_request *x = &a->req, *y = &b->req;
    if (x->method != y->method || x->form != y->form ||
        x->version_minor != y->version_minor || x->keep_alive != y->keep_alive ||
        x->chunked != y->chunked || x->has_content_length != y->has_content_length ||
        x->expect_continue != y->expect_continue || x->bare_lf != y->bare_lf ||
        x->content_length != y->content_length || x->head_len != y->head_len ||
        x->nheaders != y->nheaders)
        return "feeding in pieces changes the request's facts";
    if (!fh_same_span(a, x->method_name, b, y->method_name) ||
        !fh_same_span(a, x->target, b, y->target) ||
        !fh_same_span(a, x->path, b, y->path) ||
        !fh_same_span(a, x->query, b, y->query) ||
        !fh_same_span(a, x->host, b, y->host) ||
        !fh_same_span(a, x->content_type, b, y->content_type) ||
        !fh_same_span(a, x->accept, b, y->accept) ||
        !fh_same_span(a, x->origin, b, y->origin))
        return "feeding in pieces changes the request's spans";
    for (uint32_t i = 0; i < x->nheaders; i++)
        if (!fh_same_span(a, x->headers[i].name, b, y->headers[i].name) ||
            !fh_same_span(a, x->headers[i].value, b, y->headers[i].value))
            return "feeding in pieces changes a header";
    return NULL;
}

static uint8_t fh_whole[FH_MAX_STREAM], fh_bytes[FH_MAX_STREAM];
static uint8_t fh_moving[2][FH_MAX_STREAM];
static fh_result fh_r[3];

static void fh_parse_whole(const uint8_t *s, size_t n, const pst_http_limits *lim,
                           fh_result *r)
{
    pst_http_parser p;
    pst__http_parser_reset(&p);
    memset(&r->err, 0, sizeof r->err);
    memcpy(fh_whole, s, n);
    r->st = pst__http_parse_head(&p, fh_whole, n, lim, &r->req, &r->err);
    r->status = p.status;
    r->base = fh_whole;
}

/* Pieces of `piece` bytes; the buffer moves to the other copy whenever
 * the call count is a power of two (so moves cost O(n) in all). */
static void fh_parse_pieces(const uint8_t *s, size_t n, size_t piece,
                            bool move, const pst_http_limits *lim, fh_result *r)
{
    pst_http_parser p;
    pst__http_parser_reset(&p);
    memset(&r->err, 0, sizeof r->err);
    uint8_t *b = move ? fh_moving[0] : fh_bytes;
    int which = 0;
    size_t have = 0;
    r->st = PST_HTTP_MORE;
    for (unsigned call = 1;; call++) {
        size_t next = have + piece > n ? n : have + piece;
        if (move && (call & (call - 1)) == 0) {
            which ^= 1;
            memcpy(fh_moving[which], b, have);
            memset(b, 0xa5, have); /* a stale pointer would read junk */
            b = fh_moving[which];
        }
        memcpy(b + have, s + have, next - have);
        have = next;
        r->st = pst__http_parse_head(&p, b, have, lim, &r->req, &r->err);
        if (r->st != PST_HTTP_MORE || have == n)
            break;
    }
    r->status = p.status;
    r->base = b;
}

static bool fh_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* Properties of a complete head in r (len bytes held). */
static void fh_check_head(const fh_result *r, size_t len, const pst_http_limits *lim)
{
    const pst_http_request *q = &r->req;
    const uint8_t *h = r->base;
    size_t hl = q->head_len;
    if (hl < 4 || hl > len)
        FUZZ_FAIL("head length outside the bytes held");
    if (h[hl - 1] != '\n' ||
        !(h[hl - 2] == '\n' || (h[hl - 2] == '\r' && hl >= 3 && h[hl - 3] == '\n')))
        FUZZ_FAIL("head does not end in a blank line");
    /* lines: empty ones skipped, the request line, field lines, blank */
    size_t lfs = 0, leading = 0;
    bool seen_text = false;
    for (size_t i = 0; i < hl; i++) {
        uint8_t c = h[i];
        if (c == '\n') {
            lfs++;
            continue;
        }
        if (c == '\r') {
            if (i + 1 >= hl || h[i + 1] != '\n')
                FUZZ_FAIL("bare CR in an accepted head");
            continue;
        }
        if (!seen_text) {
            seen_text = true;
            leading = lfs;
        }
        bool request_line = lfs == leading;
        if (request_line ? !(c == ' ' || (pst__http_class[c] & PST__HC_TARGET))
                         : !pst__http_field_char(c))
            FUZZ_FAIL("control byte in an accepted head");
    }
    if (lfs != leading + 2 + q->nheaders)
        FUZZ_FAIL("header count is not the number of field lines");
    if (q->nheaders > lim->max_headers || q->nheaders > PST_HTTP_HEADERS_CAP)
        FUZZ_FAIL("more headers than the limit");
    if (q->target.len + q->method_name.len + 10 > lim->max_request_line)
        FUZZ_FAIL("request line over the limit");
    if (q->chunked && q->has_content_length)
        FUZZ_FAIL("both chunked and a Content-Length accepted");
    if (q->content_length > lim->max_body)
        FUZZ_FAIL("Content-Length over the body limit accepted");
    if (!q->has_content_length && q->content_length)
        FUZZ_FAIL("a length without Content-Length");
    if (q->version_minor > 1)
        FUZZ_FAIL("version minor above 1");
    pst_str spans[] = { q->method_name, q->target, q->path, q->query, q->host,
                        q->content_type, q->accept, q->origin };
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++)
        if (!fh_span_in(r, spans[i], hl))
            FUZZ_FAIL("a span outside the head");
    bool close = false, ka = false;
    for (uint32_t i = 0; i < q->nheaders; i++) {
        pst_str n = q->headers[i].name, v = q->headers[i].value;
        if (!fh_span_in(r, n, hl) || !fh_span_in(r, v, hl))
            FUZZ_FAIL("a header span outside the head");
        if (n.len == 0)
            FUZZ_FAIL("empty field name accepted");
        for (size_t k = 0; k < n.len; k++)
            if (!pst__http_tchar((uint8_t)n.ptr[k]))
                FUZZ_FAIL("field name with a non-token byte accepted");
        if (v.len && (fh_ows((uint8_t)v.ptr[0]) || fh_ows((uint8_t)v.ptr[v.len - 1])))
            FUZZ_FAIL("field value keeps edge whitespace");
        if (pst__http_ieq(n, "connection", 10)) {
            close |= pst__http_list_has(v, "close", 5);
            ka |= pst__http_list_has(v, "keep-alive", 10);
        }
    }
    if (q->keep_alive != (!close && (q->version_minor == 1 || ka)))
        FUZZ_FAIL("keep-alive disagrees with the version and Connection");
    (void)pst__http_accept_pick(q->accept);
}

static void fh_check_error(const fh_result *r)
{
    int s = r->status;
    if (s != 400 && s != 413 && s != 414 && s != 431 && s != 501 && s != 505)
        FUZZ_FAIL("error with an unexpected status");
    if (r->err.code != pst__http_status_code(s) || r->err.message[0] == 0)
        FUZZ_FAIL("error without its code or message");
}

/* ---- chunked bodies ---------------------------------------------------- */

typedef struct fh_chunked {
    pst_http_step st;
    int status;
    size_t in, out;
    pst_error err;
} fh_chunked;

static uint8_t fh_body[3][FH_MAX_STREAM];

static void fh_decode(const uint8_t *s, size_t n, size_t piece, uint8_t *buf,
                      const pst_http_limits *lim, fh_chunked *d)
{
    pst_http_chunked c;
    pst__http_chunked_reset(&c);
    memset(&d->err, 0, sizeof d->err);
    memcpy(buf, s, n);
    size_t have = 0;
    do {
        have = piece == 0 || have + piece > n ? n : have + piece;
        d->st = pst__http_chunked_decode(&c, buf, have, lim, &d->err);
    } while (d->st == PST_HTTP_MORE && have < n);
    d->status = c.status;
    d->in = c.in;
    d->out = c.out;
}

/* Decode the body at s[0..n) three ways; returns the bytes it took (0 if
 * the stream stops here). */
static size_t fh_chunked_body(const uint8_t *s, size_t n, size_t piece,
                              const pst_http_limits *lim)
{
    fh_chunked d[3];
    fh_decode(s, n, 0, fh_body[0], lim, &d[0]);
    fh_decode(s, n, 1, fh_body[1], lim, &d[1]);
    fh_decode(s, n, piece, fh_body[2], lim, &d[2]);
    FUZZ_OUTCOME(d[0].st, d[0].status);
    for (int i = 1; i < 3; i++) {
        if (d[i].st != d[0].st || d[i].status != d[0].status ||
            strcmp(d[i].err.message, d[0].err.message) != 0)
            FUZZ_FAIL("chunked: feeding in pieces changes the outcome");
        if (d[0].st != PST_HTTP_ERROR &&
            (d[i].in != d[0].in || d[i].out != d[0].out ||
             memcmp(fh_body[i], fh_body[0], d[0].out) != 0))
            FUZZ_FAIL("chunked: feeding in pieces changes the body");
    }
    if (d[0].st == PST_HTTP_ERROR) {
        int st = d[0].status;
        if ((st != 400 && st != 413 && st != 431) || !d[0].err.message[0] ||
            d[0].err.code != pst__http_status_code(st))
            FUZZ_FAIL("chunked: error without a fitting status and message");
        return 0;
    }
    if (d[0].out > d[0].in || d[0].in > n || d[0].out > lim->max_body)
        FUZZ_FAIL("chunked: positions out of order or over the limit");
    if (d[0].st != PST_HTTP_DONE)
        return 0;
    /* encode the decoded bytes again as one chunk: they come back */
    static uint8_t again[FH_MAX_STREAM + 64];
    size_t k = 0;
    if (d[0].out) {
        static const char hex[] = "0123456789abcdef";
        char tmp[20];
        size_t t = 0;
        for (size_t v = d[0].out; v; v >>= 4)
            tmp[t++] = hex[v & 15];
        while (t)
            again[k++] = (uint8_t)tmp[--t];
        again[k++] = '\r';
        again[k++] = '\n';
        memcpy(again + k, fh_body[0], d[0].out);
        k += d[0].out;
        again[k++] = '\r';
        again[k++] = '\n';
    }
    memcpy(again + k, "0\r\n\r\n", 5);
    k += 5;
    pst_http_chunked c;
    pst__http_chunked_reset(&c);
    if (pst__http_chunked_decode(&c, again, k, lim, NULL) != PST_HTTP_DONE ||
        c.out != d[0].out || c.in != k || memcmp(again, fh_body[0], c.out) != 0)
        FUZZ_FAIL("chunked: the decoded body does not survive encoding again");
    return d[0].in;
}

/* ---- one input --------------------------------------------------------- */

static void fh_respond(const pst_http_request *q, const uint8_t *body, size_t n)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_http_response r = { .status = 200 + (int)(n % 400),
                            .keep_alive = q->keep_alive,
                            .head_only = q->method == PST_HTTP_HEAD,
                            .content_type = q->content_type };
    if (pst__http_write_response(&w, &r, body, n) != 0)
        FUZZ_FAIL("writing a response failed");
    if (w.len < 17 || memcmp(w.data, "HTTP/1.1 ", 9) != 0)
        FUZZ_FAIL("response without a status line");
    bool has_body = !r.head_only && r.status != 204 && r.status != 304 && n;
    if (has_body && (w.len < n || memcmp(w.data + w.len - n, body, n) != 0))
        FUZZ_FAIL("response without its body");
    if (!has_body && (w.len < 4 || memcmp(w.data + w.len - 4, "\r\n\r\n", 4) != 0))
        FUZZ_FAIL("body-less response does not end with its head");
    pst_wbuf_free(&w);
}

static void fuzz_http_one(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > FH_MAX_STREAM)
        return;
    pst_http_limits lim;
    fh_limits(data[0], &lim);
    static const size_t pieces[4] = { 1, 2, 3, 7 };
    size_t piece = pieces[(data[0] >> 2) & 3];
    const uint8_t *s = data + 1;
    size_t n = size - 1, at = 0;
    for (int m = 0; m < FH_MAX_MESSAGES && at < n; m++) {
        size_t len = n - at;
        fh_parse_whole(s + at, len, &lim, &fh_r[0]);
        fh_parse_pieces(s + at, len, 1, false, &lim, &fh_r[1]);
        fh_parse_pieces(s + at, len, piece, true, &lim, &fh_r[2]);
        FUZZ_OUTCOME(fh_r[0].st, fh_r[0].status);
        for (int i = 1; i < 3; i++) {
            const char *d = fh_diff(&fh_r[0], &fh_r[i]);
            if (d)
                FUZZ_FAIL(d);
        }
        const fh_result *r = &fh_r[0];
        if (r->st == PST_HTTP_ERROR) {
            fh_check_error(r);
            return;
        }
        if (r->st == PST_HTTP_MORE) {
            if (len > PST_HTTP_MAX_LEADING_EMPTY + (size_t)lim.max_request_line +
                          2 + lim.max_header_bytes)
                FUZZ_FAIL("waits for more while holding more than the limits");
            return;
        }
        fh_check_head(r, len, &lim);
        /* the head alone reads the same */
        fh_result alone;
        fh_parse_whole(s + at, r->req.head_len, &lim, &alone);
        if (alone.st != PST_HTTP_DONE || alone.req.head_len != r->req.head_len)
            FUZZ_FAIL("the head alone does not parse the same");
        size_t hl = r->req.head_len;
        if (r->req.chunked) {
            size_t took = fh_chunked_body(s + at + hl, len - hl, piece, &lim);
            if (!took)
                return;
            fh_respond(&r->req, fh_body[0], took < 64 ? took : 64);
            at += hl + took;
        } else {
            if (pst__http_body_missing(&r->req, len - hl))
                return;
            size_t cl = (size_t)r->req.content_length;
            fh_respond(&r->req, s + at + hl, cl);
            at += hl + cl;
        }
    }
}

#endif
