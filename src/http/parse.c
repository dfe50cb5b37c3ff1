/*
 * parse.c: the HTTP/1.x request head (RFC 9112 2-3, 5-6), incrementally.
 *
 * The head is read line by line. Each complete line is checked as soon as
 * its LF is in the buffer: first its size (414 for the request line, 431
 * for the field section and the field count), then its syntax (400). A
 * line still without its LF is only measured, and a measure that already
 * fails can only fail more once the line completes, so feeding the bytes
 * in any pieces gives the same first error as feeding them whole. Checks
 * across lines (Content-Length against Transfer-Encoding, repeated
 * fields, the body limit) wait for the blank line.
 *
 * The state keeps only offsets: where the next unchecked line starts and
 * how far the search for its LF got, so each byte is searched once. When
 * a head that arrived in pieces completes, its lines are read once more
 * to fill the request with spans into the caller's current buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chars.h"
#include "http.h"

void pst__http_limits_init(pst_http_limits *lim, uint64_t max_body)
{
    lim->max_request_line = PST_HTTP_DEFAULT_REQUEST_LINE;
    lim->max_header_bytes = PST_HTTP_DEFAULT_HEADER_BYTES;
    lim->max_headers = PST_HTTP_DEFAULT_HEADERS;
    lim->max_chunk_line = PST_HTTP_DEFAULT_CHUNK_LINE;
    lim->max_body = max_body;
}

void pst__http_parser_reset(pst_http_parser *p)
{
    memset(p, 0, sizeof *p);
}

int pst__http_status_code(int status)
{
    switch (status) {
    case 413:
    case 414:
    case 431:
        return PST_E_LIMIT;
    case 501:
    case 505:
        return PST_E_UNSUPPORTED;
    default:
        return PST_E_PROTOCOL;
    }
}

/* Facts gathered from the field lines, judged once the head is complete. */
typedef struct facts {
    uint32_t hosts;
    uint32_t lengths;        /* Content-Length field lines */
    bool length_conflict;    /* two different values */
    uint64_t other_length;   /* the first value that differed */
    uint32_t te_lines;
    uint32_t te_chunked;     /* "chunked" codings seen */
    bool te_last_chunked;    /* the last coding so far is chunked */
    bool te_other;           /* a coding other than chunked */
    bool conn_close, conn_keep_alive;
    bool expect;
} facts;

typedef struct ctx {
    pst_http_parser *p;
    const uint8_t *buf;
    const pst_http_limits *lim;
    pst_http_request *req;
    pst_error *err;
    bool judge;  /* this pass saw every line: it may judge the head */
    facts f;
} ctx;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static pst_http_step fail(ctx *c, int status, const char *fmt, ...)
{
    char msg[sizeof c->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->p->status = (uint16_t)status;
    pst_error_set(c->err, pst__http_status_code(status), "%s", msg);
    return PST_HTTP_ERROR;
}

/* "line 3 (offset 41)": where, for messages. Lines count from the request
 * line as 1. */
#define WHERE "line %u (offset %zu)"
#define LINE_NO(c) ((unsigned)(c)->p->nfields + ((c)->p->fields_start ? 2u : 1u))

static bool ieq(const uint8_t *s, const char *lower, size_t n)
{
    /* Eight bytes at a time, the same byte-wise test (OR 0x20, compare):
     * field names and media types are mostly 10-20 bytes, and a byte loop
     * here was ~350 instructions of every Thrift-over-HTTP call. The last
     * word overlaps the one before it rather than ending in a byte loop
     * (which was ~130 instructions per call still); below eight bytes, two
     * overlapping four-byte words. */
    if (n >= 8) {
        uint64_t a, b;
        for (size_t i = 0; n - i > 8; i += 8) {
            memcpy(&a, s + i, 8);
            memcpy(&b, lower + i, 8);
            if ((a | PST__HTTP_ONES * 0x20) != b)
                return false;
        }
        memcpy(&a, s + n - 8, 8);
        memcpy(&b, lower + n - 8, 8);
        return (a | PST__HTTP_ONES * 0x20) == b;
    }
    if (n >= 4) {
        uint32_t a, b, c, d;
        memcpy(&a, s, 4);
        memcpy(&b, lower, 4);
        memcpy(&c, s + n - 4, 4);
        memcpy(&d, lower + n - 4, 4);
        return (a | 0x20202020u) == b && (c | 0x20202020u) == d;
    }
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != (uint8_t)lower[i])
            return false;
    return true;
}

bool pst__http_ieq(pst_str s, const char *lower, size_t n)
{
    return s.len == n && ieq((const uint8_t *)s.ptr, lower, n);
}

static pst_str span(const uint8_t *a, const uint8_t *b)
{
    return (pst_str){ (const char *)a, (size_t)(b - a) };
}

/* ---- the request line -------------------------------------------------- */

static pst_http_method method_of(const uint8_t *m, size_t n)
{
#define M(lit, v)                                                              \
    if (n == sizeof lit - 1 && memcmp(m, lit, n) == 0)                         \
        return v;
    switch (m[0]) {
    case 'G': M("GET", PST_HTTP_GET) break;
    case 'H': M("HEAD", PST_HTTP_HEAD) break;
    case 'P':
        M("POST", PST_HTTP_POST)
        M("PUT", PST_HTTP_PUT)
        M("PATCH", PST_HTTP_PATCH)
        break;
    case 'D': M("DELETE", PST_HTTP_DELETE) break;
    case 'O': M("OPTIONS", PST_HTTP_OPTIONS) break;
    case 'C': M("CONNECT", PST_HTTP_CONNECT) break;
    case 'T': M("TRACE", PST_HTTP_TRACE) break;
    default: break;
    }
#undef M
    return PST_HTTP_OTHER;
}

/* A byte that ends a run it does not belong in: name the fault. */
static pst_http_step bad_byte(ctx *c, const uint8_t *at, const char *in)
{
    size_t off = (size_t)(at - c->buf);
    if (*at == '\r')
        return fail(c, 400, WHERE ": bare CR in %s", LINE_NO(c), off, in);
    return fail(c, 400, WHERE ": invalid byte 0x%02x in %s", LINE_NO(c), off,
                *at, in);
}

static void split_target(pst_http_request *r, const uint8_t *t, const uint8_t *e)
{
    r->target = span(t, e);
    r->query = (pst_str){ NULL, 0 };
    const uint8_t *path = t, *q;
    if (t[0] == '/') {
        r->form = PST_HTTP_ORIGIN_FORM;
    } else if (e - t == 1 && t[0] == '*') {
        r->form = PST_HTTP_ASTERISK_FORM;
        r->path = r->target;
        return;
    } else {
        /* absolute-form "scheme://authority/path?query"; anything else
         * (CONNECT's "host:port") is authority-form and routed whole. */
        const uint8_t *colon = memchr(t, ':', (size_t)(e - t));
        if (r->method == PST_HTTP_CONNECT || !colon || e - colon < 3 ||
            colon[1] != '/' || colon[2] != '/') {
            r->form = PST_HTTP_AUTHORITY_FORM;
            r->path = r->target;
            return;
        }
        r->form = PST_HTTP_ABSOLUTE_FORM;
        const uint8_t *a = colon + 3;
        while (a < e && *a != '/' && *a != '?')
            a++;
        if (a == e || *a == '?') {
            r->path = PST_STR("/");
            if (a < e)
                r->query = span(a + 1, e);
            return;
        }
        path = a;
    }
    q = memchr(path, '?', (size_t)(e - path));
    if (q) {
        r->path = span(path, q);
        r->query = span(q + 1, e);
    } else {
        r->path = span(path, e);
    }
}

/* method SP request-target SP HTTP-version, in [b, e) (line ending cut). */
static pst_http_step request_line(ctx *c, const uint8_t *b, const uint8_t *e)
{
    pst_http_request *r = c->req;
    const uint8_t *s = b;
    /* *e is the line's CR or LF, not a tchar: it ends the run */
    while (pst__http_tchar(*s))
        s++;
    if (s == b) /* the line is not blank: there is a byte, and it is bad */
        return bad_byte(c, s, "the method");
    if (s == e || *s != ' ')
        return s == e ? fail(c, 400, WHERE ": request line has only a method",
                             1u, (size_t)(s - c->buf))
                      : bad_byte(c, s, "the method");
    r->method_name = span(b, s);
    r->method = method_of(b, (size_t)(s - b));

    const uint8_t *t = ++s;
    s = pst__http_skip_target(s, e);
    if (s == t && (s == e || *s == ' '))
        return fail(c, 400, WHERE ": empty request target", 1u,
                    (size_t)(s - c->buf));
    if (s == e)
        return fail(c, 400, WHERE ": request line has no HTTP version "
                            "(HTTP/0.9 is not served)", 1u, (size_t)(s - c->buf));
    if (*s != ' ')
        return bad_byte(c, s, "the request target");
    const uint8_t *t_end = s++;

    /* HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive */
    size_t off = (size_t)(s - c->buf);
    if (e - s != 8 || memcmp(s, "HTTP/", 5) != 0 || s[5] < '0' || s[5] > '9' ||
        s[6] != '.' || s[7] < '0' || s[7] > '9') {
        for (const uint8_t *x = s; x < e; x++)
            if (*x == '\r')
                return bad_byte(c, x, "the HTTP version");
        return fail(c, 400, WHERE ": malformed HTTP version \"%.*s\"", 1u, off,
                    (int)(e - s < 16 ? e - s : 16), (const char *)s);
    }
    if (s[5] != '1')
        return fail(c, 505, WHERE ": HTTP version %c.%c not supported (1.0 and "
                            "1.1 are)", 1u, off, s[5], s[7]);
    r->version_minor = s[7] == '0' ? 0 : 1;
    split_target(r, t, t_end);
    return PST_HTTP_DONE;
}

/* ---- field lines ------------------------------------------------------- */

/* Content-Length = 1*DIGIT; a list of equal values ("5, 5") counts as one
 * (RFC 9110 8.6 allows either that or refusing); different values are
 * refused once the head is complete. */
static pst_http_step content_length(ctx *c, const uint8_t *v, const uint8_t *e)
{
    pst_http_request *r = c->req;
    const uint8_t *s = v;
    size_t off;
    for (;;) {
        off = (size_t)(s - c->buf);
        const uint8_t *d = s;
        uint64_t n = 0;
        while (s < e && *s >= '0' && *s <= '9') {
            unsigned digit = (unsigned)(*s - '0');
            if (n > (UINT64_MAX - digit) / 10)
                return fail(c, 400, WHERE ": Content-Length overflows",
                            LINE_NO(c), off);
            n = n * 10 + digit;
            s++;
        }
        if (s == d)
            return fail(c, 400, WHERE ": Content-Length is not a number",
                        LINE_NO(c), off);
        if (c->f.lengths == 0) {
            r->content_length = n;
            r->has_content_length = true;
        } else if (n != r->content_length && !c->f.length_conflict) {
            c->f.length_conflict = true;
            c->f.other_length = n;
        }
        c->f.lengths++;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s == e)
            return PST_HTTP_DONE;
        if (*s != ',')
            return fail(c, 400, WHERE ": Content-Length is not a number",
                        LINE_NO(c), (size_t)(s - c->buf));
        s++;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
    }
}

/* Transfer-Encoding: a list of codings; only chunked is known, and it must
 * come last and once (judged at the end). */
static void transfer_encoding(ctx *c, const uint8_t *v, const uint8_t *e)
{
    c->f.te_lines++;
    const uint8_t *s = v;
    while (s < e) {
        const uint8_t *a = s, *z;
        const uint8_t *comma = memchr(s, ',', (size_t)(e - s));
        s = comma ? comma + 1 : e;
        z = comma ? comma : e;
        const uint8_t *semi = memchr(a, ';', (size_t)(z - a));
        if (semi)
            z = semi;
        while (a < z && (*a == ' ' || *a == '\t'))
            a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '\t'))
            z--;
        if (a == z)
            continue; /* empty list element */
        bool chunked = z - a == 7 && ieq(a, "chunked", 7);
        c->f.te_chunked += chunked;
        c->f.te_other |= !chunked;
        c->f.te_last_chunked = chunked;
    }
}

static void known_field(ctx *c, const uint8_t *n, size_t nlen, pst_str value,
                        pst_http_step *st)
{
    pst_http_request *r = c->req;
    const uint8_t *v = (const uint8_t *)value.ptr, *ve = v + value.len;
    switch (nlen) {
    case 4:
        if (ieq(n, "host", 4)) {
            if (c->f.hosts++ == 0)
                r->host = value;
        }
        break;
    case 6:
        if (ieq(n, "accept", 6))
            r->accept = value;
        else if (ieq(n, "origin", 6))
            r->origin = value;
        else if (ieq(n, "expect", 6))
            c->f.expect |= pst__http_ieq(value, "100-continue", 12);
        break;
    case 10:
        if (ieq(n, "connection", 10)) {
            c->f.conn_close |= pst__http_list_has(value, "close", 5);
            c->f.conn_keep_alive |= pst__http_list_has(value, "keep-alive", 10);
        }
        break;
    case 12:
        if (ieq(n, "content-type", 12))
            r->content_type = value;
        break;
    case 14:
        if (ieq(n, "content-length", 14))
            *st = content_length(c, v, ve);
        break;
    case 17:
        if (ieq(n, "transfer-encoding", 17))
            transfer_encoding(c, v, ve);
        break;
    default:
        break;
    }
}

/* field-name ":" OWS field-value OWS, in [b, e). */
static pst_http_step field_line(ctx *c, const uint8_t *b, const uint8_t *e)
{
    pst_http_request *r = c->req;
    if (*b == ' ' || *b == '\t')
        return fail(c, 400, WHERE ": line starts with whitespace (obs-fold "
                            "is not accepted)", LINE_NO(c), (size_t)(b - c->buf));
    const uint8_t *s = b;
    /* *e is the line's CR or LF, which no run below takes: no bound test
     * (and four bytes a round: a name ends at the first byte that fails) */
    while (pst__http_tchar(s[0]) && pst__http_tchar(s[1]) &&
           pst__http_tchar(s[2]) && pst__http_tchar(s[3]))
        s += 4;
    while (pst__http_tchar(*s))
        s++;
    if (s == e)
        return fail(c, 400, WHERE ": field line without a colon", LINE_NO(c),
                    (size_t)(b - c->buf));
    if (*s != ':') {
        if (*s == ' ' || *s == '\t')
            return fail(c, 400, WHERE ": whitespace between field name and "
                                "colon", LINE_NO(c), (size_t)(s - c->buf));
        return bad_byte(c, s, "a field name");
    }
    if (s == b)
        return fail(c, 400, WHERE ": empty field name", LINE_NO(c),
                    (size_t)(b - c->buf));
    const uint8_t *name_end = s++;
    while (*s == ' ' || *s == '\t')
        s++;
    const uint8_t *v = s;
    s = pst__http_skip_field(s, e); /* values are long: cookies, agents */
    if (s < e) {
        if (*s == '\r')
            return bad_byte(c, s, "a field value");
        return fail(c, 400, WHERE ": control byte 0x%02x in a field value",
                    LINE_NO(c), (size_t)(s - c->buf), *s);
    }
    while (s > v && (s[-1] == ' ' || s[-1] == '\t'))
        s--;
    pst_str value = span(v, s);
    pst_http_header *h = &r->headers[r->nheaders++];
    h->name = span(b, name_end);
    h->value = value;
    pst_http_step st = PST_HTTP_DONE;
    known_field(c, b, (size_t)(name_end - b), value, &st);
    return st;
}

/* ---- the head as a whole ----------------------------------------------- */

static void request_clear(pst_http_request *r)
{
    /* not the header array: only nheaders of it are read */
    memset(r, 0, offsetof(pst_http_request, headers));
}

/* Checks that relate fields, once the blank line is in. */
static pst_http_step finish(ctx *c, size_t end, size_t blank_off)
{
    pst_http_request *r = c->req;
    facts *f = &c->f;
    unsigned at = LINE_NO(c);
#define END_FAIL(status, ...) fail(c, status, "head ending at " WHERE ": " __VA_ARGS__)
    if (f->te_lines && f->lengths)
        return END_FAIL(400, "both Content-Length and Transfer-Encoding",
                        at, blank_off);
    if (f->length_conflict)
        return END_FAIL(400, "different Content-Length values (%llu and %llu)",
                        at, blank_off, (unsigned long long)r->content_length,
                        (unsigned long long)f->other_length);
    if (f->te_lines) {
        if (r->version_minor == 0)
            return END_FAIL(400, "Transfer-Encoding in an HTTP/1.0 request",
                            at, blank_off);
        if (!f->te_last_chunked || f->te_chunked != 1)
            return END_FAIL(400, "Transfer-Encoding does not end in one "
                                 "chunked coding", at, blank_off);
        if (f->te_other)
            return END_FAIL(501, "transfer coding other than chunked", at,
                            blank_off);
        r->chunked = true;
    }
    if (f->hosts > 1)
        return END_FAIL(400, "more than one Host field", at, blank_off);
    if (r->content_length > c->lim->max_body)
        return END_FAIL(413, "Content-Length %llu exceeds the %llu byte limit",
                        at, blank_off, (unsigned long long)r->content_length,
                        (unsigned long long)c->lim->max_body);
#undef END_FAIL
    r->keep_alive = !f->conn_close &&
                    (r->version_minor >= 1 || f->conn_keep_alive);
    r->expect_continue = f->expect && r->version_minor >= 1;
    r->head_len = end;
    return PST_HTTP_DONE;
}

/* Check every line from p->line on that has its LF in buf[0..len). */
static pst_http_step scan(ctx *c, size_t len)
{
    pst_http_parser *p = c->p;
    const uint8_t *buf = c->buf;
    uint32_t max_fields = c->lim->max_headers < PST_HTTP_HEADERS_CAP
                              ? c->lim->max_headers
                              : PST_HTTP_HEADERS_CAP;
    for (;;) {
        size_t pos = p->line;
        const uint8_t *lf = memchr(buf + p->scanned, '\n', len - p->scanned);
        if (!lf) {
            /* Measure the incomplete line: a line already too long stays
             * too long, whatever comes. */
            p->scanned = (uint32_t)len;
            if (!p->fields_start) {
                size_t n = len - pos - (len > pos && buf[len - 1] == '\r');
                if (n > c->lim->max_request_line)
                    return fail(c, 414, "request line longer than %u bytes",
                                c->lim->max_request_line);
            } else if (len - p->fields_start >= c->lim->max_header_bytes) {
                return fail(c, 431, WHERE ": field section longer than %u "
                                    "bytes", LINE_NO(c), pos,
                            c->lim->max_header_bytes);
            }
            return PST_HTTP_MORE;
        }
        size_t lf_off = (size_t)(lf - buf), end = lf_off + 1;
        const uint8_t *b = buf + pos, *e = lf;
        if (e > b && e[-1] == '\r')
            e--;
        else
            c->req->bare_lf = true;
        bool blank = e == b;

        if (!p->fields_start) {
            if (blank) {
                if (end > PST_HTTP_MAX_LEADING_EMPTY)
                    return fail(c, 400, "more than %u bytes of empty lines "
                                        "before the request line",
                                PST_HTTP_MAX_LEADING_EMPTY);
                p->start = p->line = p->scanned = (uint32_t)end;
                c->req->bare_lf = false;
                continue;
            }
            if ((size_t)(e - b) > c->lim->max_request_line)
                return fail(c, 414, "request line longer than %u bytes",
                            c->lim->max_request_line);
            pst_http_step st = request_line(c, b, e);
            if (st != PST_HTTP_DONE)
                return st;
            p->fields_start = (uint32_t)end;
        } else {
            if (end - p->fields_start > c->lim->max_header_bytes)
                return fail(c, 431, WHERE ": field section longer than %u "
                                    "bytes", LINE_NO(c), pos,
                            c->lim->max_header_bytes);
            if (blank) {
                if (!c->judge) /* facts of earlier calls are not in req */
                    return PST_HTTP_DONE;
                return finish(c, end, pos);
            }
            if (p->nfields >= max_fields)
                return fail(c, 431, WHERE ": more than %u field lines",
                            LINE_NO(c), pos, max_fields);
            pst_http_step st = field_line(c, b, e);
            if (st != PST_HTTP_DONE)
                return st;
            p->nfields++;
        }
        p->line = p->scanned = (uint32_t)end;
    }
}

pst_http_step pst__http_parse_head(pst_http_parser *p, const uint8_t *buf,
                                   size_t len, const pst_http_limits *lim,
                                   pst_http_request *req, pst_error *err)
{
    ctx c = { p, buf, lim, req, err, false, { 0 } };
    if (p->status) {
        pst_error_set(err, pst__http_status_code(p->status),
                      "HTTP request already refused with status %u",
                      (unsigned)p->status);
        return PST_HTTP_ERROR;
    }
    /* A head is far below 4 GiB (the limits say so); the offsets are 32-bit. */
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    if (len < p->scanned) /* the caller broke the contract; start over */
        pst__http_parser_reset(p);
    bool whole = p->line == p->start && !p->fields_start;
    c.judge = whole;
    request_clear(req);
    pst_http_step st = scan(&c, len);
    if (st != PST_HTTP_DONE || whole)
        return st;
    /* The head came in pieces: read it again from the request line, in one
     * go now, so that req's spans and facts come from one pass over the
     * buffer as it is. The lines passed before, so they pass again. */
    pst_http_parser again = { p->start, p->start, p->start, 0, 0, 0 };
    c.p = &again;
    c.judge = true;
    memset(&c.f, 0, sizeof c.f);
    request_clear(req);
    st = scan(&c, len);
    *p = again;
    return st;
}
