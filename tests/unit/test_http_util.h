/*
 * test_http_util.h: parse a request head whole and byte by byte and make
 * sure both ways agree, for the HTTP unit tests. Byte by byte, every call
 * gets the bytes in a fresh copy (the buffer moves, as a server's does);
 * the same in pieces of a few bytes, so that a call sees some lines new
 * and some already checked.
 * Include after test.h.
 */
#ifndef TEST_HTTP_UTIL_H
#define TEST_HTTP_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "http/http.h"

typedef struct parsed {
    pst_http_step st;
    int status;
    pst_error err;
    pst_http_request req;
    const uint8_t *base; /* the buffer req points into */
} parsed;

static pst_http_limits test_lim;
static uint8_t whole_buf[1 << 20];

static void lim_default(void)
{
    pst__http_limits_init(&test_lim, 1u << 20);
}

/* Byte-by-byte feeding with a moving buffer copies O(n^2) bytes: only for
 * heads up to this size; longer ones are fed byte by byte in place. */
#define MOVE_MAX 4096u

/* Feed s in pieces of `step` bytes (1: byte by byte). */
static void parse_pieces(const uint8_t *s, size_t n, size_t step, parsed *out)
{
    pst_http_parser p;
    pst__http_parser_reset(&p);
    memset(out, 0, sizeof *out);
    uint8_t *prev = NULL;
    static uint8_t inplace[1 << 20];
    for (size_t k = 0; k <= n; k = k < n && k + step > n ? n : k + step) {
        uint8_t *b;
        if (n <= MOVE_MAX) {
            b = malloc(k ? k : 1);
            memcpy(b, s, k);
            free(prev);
            prev = b;
        } else {
            b = inplace;
            memcpy(b, s, k);
        }
        out->st = pst__http_parse_head(&p, b, k, &test_lim, &out->req, &out->err);
        out->base = b;
        if (out->st != PST_HTTP_MORE || k == n)
            break;
    }
    out->status = p.status;
    /* keep the last copy alive for span checks: it leaks until the next
     * call of parse_bytes frees it */
    static uint8_t *keep;
    if (keep && keep != prev)
        free(keep);
    keep = n <= MOVE_MAX ? prev : NULL;
}

static void parse_whole(const uint8_t *s, size_t n, parsed *out)
{
    pst_http_parser p;
    pst__http_parser_reset(&p);
    memset(out, 0, sizeof *out);
    memcpy(whole_buf, s, n);
    out->st = pst__http_parse_head(&p, whole_buf, n, &test_lim, &out->req,
                                   &out->err);
    out->status = p.status;
    out->base = whole_buf;
}

static bool same_span(const parsed *a, pst_str x, const parsed *b, pst_str y)
{
    if (x.len != y.len || (x.ptr == NULL) != (y.ptr == NULL))
        return false;
    if (!x.ptr || x.len == 0)
        return true;
    /* the static "/" of an absolute-form target has no offset */
    bool xin = (const uint8_t *)x.ptr >= a->base &&
               (const uint8_t *)x.ptr < a->base + (1u << 20);
    bool yin = (const uint8_t *)y.ptr >= b->base &&
               (const uint8_t *)y.ptr < b->base + (1u << 20);
    if (xin != yin)
        return false;
    if (xin && (const uint8_t *)x.ptr - a->base != (const uint8_t *)y.ptr - b->base)
        return false;
    return memcmp(x.ptr, y.ptr, x.len) == 0;
}

/* Do two results say the same? "" when they do, else what differs. */
static const char *parsed_diff(const parsed *a, const parsed *b)
{
    if (a->st != b->st)
        return "step";
    if (a->status != b->status)
        return "status";
    if (strcmp(a->err.message, b->err.message) != 0 || a->err.code != b->err.code)
        return "error message";
    if (a->st != PST_HTTP_DONE)
        return "";
    const pst_http_request *x = &a->req, *y = &b->req;
    if (x->method != y->method || x->form != y->form ||
        x->version_minor != y->version_minor || x->keep_alive != y->keep_alive ||
        x->chunked != y->chunked || x->has_content_length != y->has_content_length ||
        x->expect_continue != y->expect_continue || x->bare_lf != y->bare_lf ||
        x->content_length != y->content_length || x->head_len != y->head_len ||
        x->nheaders != y->nheaders)
        return "request facts";
    if (!same_span(a, x->method_name, b, y->method_name) ||
        !same_span(a, x->target, b, y->target) || !same_span(a, x->path, b, y->path) ||
        !same_span(a, x->query, b, y->query) || !same_span(a, x->host, b, y->host) ||
        !same_span(a, x->content_type, b, y->content_type) ||
        !same_span(a, x->accept, b, y->accept) || !same_span(a, x->origin, b, y->origin))
        return "request spans";
    for (uint32_t i = 0; i < x->nheaders; i++)
        if (!same_span(a, x->headers[i].name, b, y->headers[i].name) ||
            !same_span(a, x->headers[i].value, b, y->headers[i].value))
            return "header spans";
    return "";
}

#endif
