/* http_client.c: Thrift over HTTP, the client's side (what Thrift's
 * THttpClient does): each message is the body of a keep-alive POST, and
 * the reply is the body of its response. Responses are read with a
 * Content-Length, chunked, or up to the end of the connection; a response
 * with an empty body (a server's answer to a oneway call) carries no
 * message and is skipped. A status other than 200 is an error that quotes
 * the status line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "postern/header_http.h"
#include "transport/dial.h"
#include "transport/http_header.h"
#include "transport_internal.h"

enum { MAX_HEAD = 65536, GROW_STEP = 4096 };

typedef struct http_ext {
    char *request_head;   /* "POST /path HTTP/1.1\r\nHost: ...\r\n" ... */
    size_t head_len;      /* ... up to the Content-Length value */
    bool closed;          /* the last response ended the connection */
    unsigned owed;        /* requests written whose response is unread */
    bool can_redial;      /* ...and `dial` says how to open a new one */
    pst__url dial;
    const char *proxy;    /* points into the block, or NULL */
    bool proxy_from_env;
    int connect_timeout_ms;
    pst__http_header *header; /* bodies are header frames, or NULL */
} http_ext;

static bool ieq_prefix(const uint8_t *p, size_t n, const char *lower)
{
    size_t k = strlen(lower);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++) {
        uint8_t c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c + 32);
        if (c != (uint8_t)lower[i])
            return false;
    }
    return true;
}

/* The end of the head in p[0..n): the offset after its blank line, or 0. */
static size_t head_end(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '\n' && (p[i + 1] == '\n' ||
                             (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')))
            return i + (p[i + 1] == '\n' ? 2 : 3);
    return 0;
}

typedef struct response_head {
    int status;
    bool chunked, has_length, close;
    uint64_t length;
    size_t status_line_len;
} response_head;

static int parse_head(const uint8_t *p, size_t n, response_head *h,
                      pst_error *err)
{
    memset(h, 0, sizeof *h);
    const uint8_t *eol = memchr(p, '\n', n);
    size_t line = eol ? (size_t)(eol - p) : n;
    h->status_line_len = line && p[line - 1] == '\r' ? line - 1 : line;
    if (line < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
        p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' ||
        p[11] < '0' || p[11] > '9')
        return pst_error_set(err, PST_E_PROTOCOL,
                             "not an HTTP response: '%.*s'",
                             (int)(h->status_line_len > 80 ? 80 : h->status_line_len),
                             (const char *)p);
    h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    h->close = p[7] == '0';
    size_t i = line + 1;
    while (i < n) {
        const uint8_t *e = memchr(p + i, '\n', n - i);
        size_t len = e ? (size_t)(e - (p + i)) : n - i;
        const uint8_t *f = p + i;
        if (len && f[len - 1] == '\r')
            len--;
        if (len == 0)
            break;
        if (ieq_prefix(f, len, "content-length:")) {
            uint64_t v = 0;
            size_t k = 15;
            while (k < len && (f[k] == ' ' || f[k] == '\t'))
                k++;
            if (k == len)
                return pst_error_set(err, PST_E_PROTOCOL, "empty Content-Length");
            for (; k < len && f[k] != ' ' && f[k] != '\t'; k++) {
                if (f[k] < '0' || f[k] > '9' || v > UINT64_MAX / 10 - 1)
                    return pst_error_set(err, PST_E_PROTOCOL,
                                         "bad Content-Length in an HTTP response");
                v = v * 10 + (uint64_t)(f[k] - '0');
            }
            h->has_length = true;
            h->length = v;
        } else if (ieq_prefix(f, len, "transfer-encoding:")) {
            pst_str v = { (const char *)f + 18, len - 18 };
            h->chunked = pst__http_list_has(v, "chunked", 7);
        } else if (ieq_prefix(f, len, "connection:")) {
            pst_str v = { (const char *)f + 11, len - 11 };
            if (pst__http_list_has(v, "close", 5))
                h->close = true;
            else if (pst__http_list_has(v, "keep-alive", 10))
                h->close = false;
        }
        i += (e ? (size_t)(e - (p + i)) : n - i) + 1;
    }
    return 0;
}

/* Read one response; on success its body is buf[start + *body_at ..) for
 * *body_len bytes and the response takes *total bytes from start. */
static int read_response(pst_transport *t, response_head *h, size_t *body_at,
                         size_t *body_len, size_t *total, pst_error *err)
{
    size_t head = 0;
    for (;;) {
        size_t avail = t->end - t->start;
        head = head_end(t->buf ? t->buf + t->start : NULL, t->buf ? avail : 0);
        if (head)
            break;
        if (avail > MAX_HEAD)
            return pst_error_set(err, PST_E_LIMIT,
                                 "HTTP response head over %d bytes", MAX_HEAD);
        int rc = pst__transport_fill(t, GROW_STEP, 0, -1, err);
        if (rc < 0)
            return rc;
    }
    int rc = parse_head(t->buf + t->start, head, h, err);
    if (rc < 0)
        return rc;
    *body_at = head;
    if (h->status == 204 || h->status == 304 || (h->status >= 100 && h->status < 200)) {
        *body_len = 0;
        *total = head;
        return 0;
    }
    if (h->chunked) {
        pst_http_limits lim;
        pst__http_limits_init(&lim, t->opt.codec.max_message);
        pst_http_chunked c;
        pst__http_chunked_reset(&c);
        for (;;) {
            pst_http_step st = pst__http_chunked_decode(
                &c, t->buf + t->start + head, t->end - t->start - head, &lim, err);
            if (st == PST_HTTP_ERROR)
                return err && err->code ? err->code : PST_E_PROTOCOL;
            if (st == PST_HTTP_DONE) {
                *body_len = c.out;
                *total = head + c.in;
                return 0;
            }
            /* the decoded bytes stay in place: only growing moves them, and
             * the decoder allows the buffer to move */
            rc = pst__transport_fill(t, GROW_STEP, 0, -1, err);
            if (rc < 0)
                return rc;
        }
    }
    if (h->has_length) {
        if (h->length > t->opt.codec.max_message)
            return pst_error_set(err, PST_E_LIMIT,
                                 "HTTP response body of %llu bytes exceeds "
                                 "max_message %llu",
                                 (unsigned long long)h->length,
                                 (unsigned long long)t->opt.codec.max_message);
        while (t->end - t->start - head < h->length) {
            size_t need = (size_t)h->length - (t->end - t->start - head);
            rc = pst__transport_fill(t, need < GROW_STEP ? need : GROW_STEP, 0, -1, err);
            if (rc < 0)
                return rc;
        }
        *body_len = (size_t)h->length;
        *total = head + (size_t)h->length;
        return 0;
    }
    /* neither: the body ends with the connection */
    for (;;) {
        if (t->end - t->start - head > t->opt.codec.max_message)
            return pst_error_set(err, PST_E_LIMIT,
                                 "HTTP response body exceeds max_message");
        rc = pst__transport_fill(t, GROW_STEP, 0, -1, err);
        if (rc == PST_E_CLOSED) {
            *body_len = t->end - t->start - head;
            *total = head + *body_len;
            h->close = true;
            return 0;
        }
        if (rc < 0)
            return rc;
    }
}

static int http_read(pst_transport *t, const pst_protocol *p,
                     const uint8_t **msg, size_t *len, pst_error *err)
{
    (void)p;
    pst__transport_consume(t);
    for (;;) {
        response_head h;
        size_t body_at = 0, body_len = 0, total = 0;
        int rc = read_response(t, &h, &body_at, &body_len, &total, err);
        if (rc < 0)
            return rc;
        if (h.status != 200) {
            const uint8_t *b = t->buf + t->start + body_at;
            size_t show = body_len > 200 ? 200 : body_len;
            while (show && (b[show - 1] == '\n' || b[show - 1] == '\r'))
                show--;
            return pst_error_set(err, PST_E_PROTOCOL, "HTTP %.*s from %s: %.*s",
                                 (int)(h.status_line_len - 9),
                                 (const char *)t->buf + t->start + 9,
                                 pst_stream_peer(t->stream), (int)show,
                                 (const char *)b);
        }
        http_ext *x = t->ext;
        x->closed = h.close;
        if (x->owed)
            x->owed--;
        if (body_len == 0) { /* the answer to a oneway call: no message */
            t->pending = total;
            pst__transport_consume(t);
            continue;
        }
        t->pending = total;
        t->scanned = 0;
        *msg = t->buf + t->start + body_at;
        *len = body_len;
        if (x->header)
            return pst__http_header_unwrap(x->header, *msg, body_len, msg, len, err);
        return 0;
    }
}

/* A server that closes after each response (HTTP/1.0 servers such as
 * Python's THttpServer): open a new connection for the next request. */
static int redial(pst_transport *t, pst_error *err)
{
    http_ext *x = t->ext;
    if (!x->can_redial)
        return pst_error_set(err, PST_E_CLOSED, "the HTTP server closed the "
                                                "connection after its response");
    pst_stream *s = pst__dial_url(&x->dial, x->proxy, x->proxy_from_env,
                                  x->connect_timeout_ms, err);
    if (!s)
        return err && err->code ? err->code : PST_E_IO;
    pst_stream_free(t->stream);
    t->stream = s;
    t->start = t->end = t->pending = 0;
    x->closed = false;
    return 0;
}

static int http_write(pst_transport *t, const void *data, size_t len,
                      pst_error *err)
{
    http_ext *x = t->ext;
    /* A caller that reads each reply before the next call leaves a
     * response unread only after a oneway call: read it now, so that its
     * connection is known to be still open (or reopened). */
    while (x->owed && !x->closed) {
        response_head h;
        size_t body_at = 0, body_len = 0, total = 0;
        pst__transport_consume(t);
        int rc = read_response(t, &h, &body_at, &body_len, &total, err);
        if (rc < 0)
            return rc;
        x->owed--;
        x->closed = h.close;
        t->pending = total;
        pst__transport_consume(t);
    }
    x->owed = 0;
    if (x->header) {
        const uint8_t *body;
        int rc = pst__http_header_wrap(x->header, data, len, &body, &len, err);
        if (rc < 0)
            return rc;
        data = body;
    }
    if (x->closed) {
        int rc = redial(t, err);
        if (rc < 0)
            return rc;
    }
    char length[40];
    int n = snprintf(length, sizeof length, "%zu\r\n\r\n", len);
    struct iovec iov[3] = { { x->request_head, x->head_len },
                            { length, (size_t)n },
                            { (void *)data, len } };
    int rc = pst__transport_write(t, iov, 3, err);
    if (rc == 0)
        x->owed++;
    return rc;
}

static void http_free_ext(pst_transport *t)
{
    http_ext *x = t->ext;
    if (x)
        pst__http_header_free(x->header);
}

static const pst__transport_ops http_ops = { "http", http_read, http_write,
                                             http_free_ext };

pst_transport *pst_transport_http_new(pst_stream *s, const pst_transport_options *o,
                                      const char *host, const char *path,
                                      const char *extra_headers)
{
    if (!s)
        return NULL;
    if (!path || !*path)
        path = "/";
    if (!extra_headers)
        extra_headers = "";
    const char *fmt = "POST %s HTTP/1.1\r\nHost: %s\r\n"
                      "Content-Type: application/x-thrift\r\n"
                      "Accept: application/x-thrift\r\n"
                      "User-Agent: postern\r\n%sContent-Length: ";
    int n = snprintf(NULL, 0, fmt, path, host, extra_headers);
    http_ext *x = calloc(1, sizeof *x + (size_t)n + 1);
    if (!x) {
        pst_stream_free(s);
        return NULL;
    }
    x->request_head = (char *)(x + 1);
    snprintf(x->request_head, (size_t)n + 1, fmt, path, host, extra_headers);
    x->head_len = (size_t)n;
    pst_transport *t = pst__transport_new(&http_ops, s, o);
    if (!t) {
        free(x);
        return NULL;
    }
    t->ext = x;
    return t;
}

void pst__transport_http_redial(pst_transport *t, const pst__url *u,
                                const char *proxy, bool proxy_from_env,
                                int connect_timeout_ms)
{
    http_ext *x = t->ext;
    x->dial = *u;
    x->proxy = proxy;
    x->proxy_from_env = proxy_from_env;
    x->connect_timeout_ms = connect_timeout_ms;
    x->can_redial = true;
}

int pst_transport_http_use_header(pst_transport *t, const pst_protocol *inner,
                                  unsigned flags)
{
    if (!inner)
        inner = &pst_protocol_binary;
    int32_t id = pst_header_protocol_id(inner);
    if (!t || t->ops != &http_ops || id < 0 || (flags & ~PST_HEADER_ZLIB))
        return PST_E_INVALID;
    http_ext *x = t->ext;
    pst__http_header *h = pst__http_header_new(inner, id, flags & PST_HEADER_ZLIB,
                                               &t->opt.codec);
    if (!h)
        return PST_E_NOMEM;
    pst__http_header_free(x->header);
    x->header = h;
    return 0;
}
