/*
 * test_http_chunked.c: Transfer-Encoding: chunked request bodies
 * (src/http/chunked.c): decoding in place, extensions and trailers, bad
 * sizes and framing, the body and trailer limits, and the same outcome
 * however the bytes arrive.
 */
#include <stdlib.h>

#include "test.h"
#include "http/http.h"

static pst_http_limits lim;

typedef struct decoded {
    pst_http_step st;
    int status;
    size_t in, out;
    pst_error err;
    uint8_t body[1 << 16];
} decoded;

/* Decode s[0..n) in one call (step 0) or in pieces of `step` bytes, each
 * call on a fresh copy of everything so far (the buffer moves). */
static void decode(const char *s, size_t n, size_t step, decoded *d)
{
    pst_http_chunked c;
    pst__http_chunked_reset(&c);
    memset(d, 0, sizeof *d);
    uint8_t *prev = NULL;
    size_t have = 0;
    for (;;) {
        have = step == 0 || have + step > n ? n : have + step;
        uint8_t *b = malloc(n ? n : 1);
        memcpy(b, s, have);
        if (prev) /* what earlier calls decoded in place stays */
            memcpy(b, prev, c.in);
        free(prev);
        prev = b;
        d->st = pst__http_chunked_decode(&c, b, have, &lim, &d->err);
        if (d->st != PST_HTTP_MORE || have == n)
            break;
    }
    d->status = c.status;
    d->in = c.in;
    d->out = c.out;
    if (d->st == PST_HTTP_DONE && c.out <= sizeof d->body)
        memcpy(d->body, prev, c.out);
    free(prev);
}

static decoded whole, piece;

/* Decode both ways, check they agree, leave the whole result in `whole`. */
static pst_http_step run_n(const char *s, size_t n)
{
    decode(s, n, 0, &whole);
    for (size_t step = 1; step <= 3; step++) {
        decode(s, n, step, &piece);
        CHECK_EQ_INT(piece.st, whole.st);
        CHECK_EQ_INT(piece.status, whole.status);
        CHECK(strcmp(piece.err.message, whole.err.message) == 0);
        if (whole.st == PST_HTTP_DONE) {
            CHECK_EQ_INT(piece.in, whole.in);
            CHECK_EQ_INT(piece.out, whole.out);
            CHECK_MEM(piece.body, whole.body, whole.out);
        }
    }
    if (whole.st != PST_HTTP_ERROR)
        CHECK(whole.out <= whole.in && whole.in <= n);
    return whole.st;
}

static pst_http_step run(const char *s)
{
    return run_n(s, strlen(s));
}

#define CHECK_BODY(s, expect)                                                  \
    do {                                                                       \
        CHECK_EQ_INT(run(s), PST_HTTP_DONE);                                   \
        CHECK_EQ_INT(whole.out, strlen(expect));                               \
        CHECK_MEM(whole.body, expect, strlen(expect));                         \
        CHECK_EQ_INT(whole.in, strlen(s));                                     \
    } while (0)

#define CHECK_REFUSED(s, status_, what)                                        \
    do {                                                                       \
        CHECK_EQ_INT(run(s), PST_HTTP_ERROR);                                  \
        CHECK_EQ_INT(whole.status, status_);                                   \
        CHECK(strstr(whole.err.message, what) != NULL);                        \
        if (!strstr(whole.err.message, what))                                  \
            fprintf(stderr, "  message: %s\n", whole.err.message);             \
    } while (0)

static void test_decode(void)
{
    CHECK_BODY("5\r\nhello\r\n0\r\n\r\n", "hello");
    CHECK_BODY("0\r\n\r\n", "");
    CHECK_BODY("3\r\nabc\r\nA\r\n0123456789\r\n1\r\nz\r\n0\r\n\r\n",
               "abc0123456789z");
    CHECK_BODY("a\r\n0123456789\r\n0\r\n\r\n", "0123456789");
    CHECK_BODY("00000003\r\nabc\r\n000\r\n\r\n", "abc");
    /* extensions are skipped, with whitespace before them */
    CHECK_BODY("3;name=value;x=\"q s\"\r\nabc\r\n0;last\r\n\r\n", "abc");
    CHECK_BODY("3 ; ext\r\nabc\r\n0\t\r\n\r\n", "abc");
    /* trailers are read and dropped */
    CHECK_BODY("3\r\nabc\r\n0\r\nX-Checksum: 123\r\nX-B:\r\n\r\n", "abc");
    /* bare LF line endings, as in the head */
    CHECK_BODY("3\nabc\n0\nX: y\n\n", "abc");
    /* data bytes may be anything, CR and LF included */
    CHECK_BODY("4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n");
}

static void test_more_and_pipelining(void)
{
    CHECK_EQ_INT(run("5\r\nhel"), PST_HTTP_MORE);
    CHECK_EQ_INT(run("5\r\nhello\r\n0\r\n"), PST_HTTP_MORE);
    CHECK_EQ_INT(run("5\r\nhello\r\n0\r\n\r"), PST_HTTP_MORE);
    CHECK_EQ_INT(run(""), PST_HTTP_MORE);
    /* the next request follows the body: it is left where it is */
    const char *s = "2\r\nhi\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    CHECK_EQ_INT(run(s), PST_HTTP_DONE);
    CHECK_EQ_INT(whole.in, 12);
    CHECK_EQ_INT(whole.out, 2);
    CHECK_MEM(whole.body, "hi", 2);

    /* a head, then its chunked body, in one buffer */
    pst_http_limits hl;
    pst__http_limits_init(&hl, 1000);
    char buf[] = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\nNEXT";
    pst_http_parser p;
    pst_http_request r;
    pst__http_parser_reset(&p);
    CHECK_EQ_INT(pst__http_parse_head(&p, (uint8_t *)buf, sizeof buf - 1, &hl, &r,
                                      NULL), PST_HTTP_DONE);
    CHECK(r.chunked);
    CHECK_EQ_INT(pst__http_body_missing(&r, 0), 0);
    pst_http_chunked c;
    pst__http_chunked_reset(&c);
    uint8_t *body = (uint8_t *)buf + r.head_len;
    CHECK_EQ_INT(pst__http_chunked_decode(&c, body, sizeof buf - 1 - r.head_len,
                                          &hl, NULL), PST_HTTP_DONE);
    CHECK_EQ_INT(c.out, 9);
    CHECK_MEM(body, "wikipedia", 9);
    CHECK_MEM(body + c.in, "NEXT", 4);
    /* done stays done */
    CHECK_EQ_INT(pst__http_chunked_decode(&c, body, sizeof buf - 1 - r.head_len,
                                          &hl, NULL), PST_HTTP_DONE);
}

static void test_bad_sizes(void)
{
    CHECK_REFUSED("g\r\n", 400, "chunk size is not hex: byte 0x67 (offset 0)");
    CHECK_REFUSED("\r\n", 400, "chunk size is not hex: byte 0x0d");
    CHECK_REFUSED(";ext\r\n", 400, "chunk size is not hex");
    CHECK_REFUSED("-5\r\n", 400, "chunk size is not hex");
    CHECK_REFUSED(" 5\r\n", 400, "chunk size is not hex");
    CHECK_REFUSED("0x5\r\n", 400, "invalid byte 0x78 after the chunk size");
    CHECK_REFUSED("5g\r\n", 400, "invalid byte 0x67 after the chunk size");
    /* 16 hex digits fit 64 bits; the 17th does not (the limit comes first) */
    CHECK_REFUSED("ffffffffffffffff\r\n", 413, "body exceeds");
    CHECK_REFUSED("10000000000000000\r\n", 400, "chunk size overflows (offset 16)");
    /* leading zeros are fine up to the line limit */
    lim.max_chunk_line = 8;
    CHECK_BODY("00000001\r\nx\r\n0\r\n\r\n", "x");
    CHECK_REFUSED("000000001\r\nx\r\n0\r\n\r\n", 400,
                  "chunk size line longer than 8 bytes");
    CHECK_REFUSED("1;abcdefgh\r\nx\r\n0\r\n\r\n", 400,
                  "chunk size line longer than 8 bytes");
    lim.max_chunk_line = PST_HTTP_DEFAULT_CHUNK_LINE;
    CHECK_REFUSED("1;a\x01\r\nx\r\n", 400, "control byte 0x01 in a chunk extension");
    CHECK_REFUSED("1\rx\n", 400, "bare CR in a chunk size line (offset 1)");
    CHECK_REFUSED("1;e\r\r\n", 400, "bare CR in a chunk size line");
}

static void test_bad_framing(void)
{
    CHECK_REFUSED("3\r\nabcd\r\n0\r\n\r\n", 400, "chunk data not followed by CRLF (offset 6)");
    CHECK_REFUSED("3\r\nabc\rd0\r\n\r\n", 400, "chunk data not followed by CRLF (offset 7)");
    CHECK_REFUSED("3\r\nabc\r\n0\r\n X: y\r\n\r\n", 400,
                  "trailer line starts with whitespace");
    CHECK_REFUSED("3\r\nabc\r\n0\r\nX : y\r\n\r\n", 400,
                  "whitespace between trailer name and colon");
    CHECK_REFUSED("3\r\nabc\r\n0\r\nX@: y\r\n\r\n", 400,
                  "invalid byte 0x40 in a trailer name");
    CHECK_REFUSED("3\r\nabc\r\n0\r\n:y\r\n\r\n", 400,
                  "invalid byte 0x3a in a trailer name");
    CHECK_REFUSED("3\r\nabc\r\n0\r\nNoColon\r\n\r\n", 400,
                  "invalid byte 0x0d in a trailer name");
    CHECK_REFUSED("3\r\nabc\r\n0\r\nX: a\x7f\r\n\r\n", 400,
                  "control byte 0x7f in a trailer value");
    CHECK_REFUSED("3\r\nabc\r\n0\r\nX: a\rb\r\n\r\n", 400, "bare CR in the trailer section");
    CHECK_REFUSED("3\r\nabc\r\n0\r\n\rx", 400, "bare CR in the trailer section");
    /* the sticky error */
    pst_http_chunked c;
    pst__http_chunked_reset(&c);
    uint8_t b[] = "zz";
    CHECK_EQ_INT(pst__http_chunked_decode(&c, b, 2, &lim, NULL), PST_HTTP_ERROR);
    pst_error e = { 0, "" };
    CHECK_EQ_INT(pst__http_chunked_decode(&c, b, 2, &lim, &e), PST_HTTP_ERROR);
    CHECK_EQ_INT(e.code, PST_E_PROTOCOL);
}

static void test_limits(void)
{
    lim.max_body = 10;
    CHECK_BODY("5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", "0123456789");
    /* refused at the size line that passes the limit, before its data */
    CHECK_REFUSED("5\r\n01234\r\n6\r\n", 413,
                  "body exceeds the 10 byte limit (chunk of 6 bytes at offset 12)");
    CHECK_REFUSED("b\r\n", 413, "body exceeds the 10 byte limit");
    lim.max_body = 1 << 20;
    /* trailers are bounded by the header limits */
    lim.max_headers = 2;
    CHECK_BODY("0\r\nA: 1\r\nB: 2\r\n\r\n", "");
    CHECK_REFUSED("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431, "more than 2 trailer lines");
    lim.max_headers = PST_HTTP_DEFAULT_HEADERS;
    lim.max_header_bytes = 16;
    CHECK_BODY("0\r\nA: 123456789\r\n\r\n", ""); /* 12 + 2 + 2 bytes */
    CHECK_REFUSED("0\r\nA: 1234567890\r\n\r\n", 431,
                  "trailer section longer than 16 bytes");
    /* a trailer that never ends is refused at the limit */
    CHECK_REFUSED("0\r\nA: 1234567890123456789", 431, "trailer section longer");
    pst__http_limits_init(&lim, 1u << 20);
}

/* Body bytes arrive one at a time: each call decodes only the new ones. */
static void test_in_place_progress(void)
{
    char s[] = "8\r\nabcdefgh\r\n0\r\n\r\n";
    pst_http_chunked c;
    pst__http_chunked_reset(&c);
    uint8_t *b = (uint8_t *)s;
    CHECK_EQ_INT(pst__http_chunked_decode(&c, b, 6, &lim, NULL), PST_HTTP_MORE);
    CHECK_EQ_INT(c.in, 6);
    CHECK_EQ_INT(c.out, 3);
    CHECK_MEM(b, "abc", 3);
    CHECK_EQ_INT(pst__http_chunked_decode(&c, b, 9, &lim, NULL), PST_HTTP_MORE);
    CHECK_EQ_INT(c.out, 6);
    CHECK_MEM(b, "abcdef", 6);
    CHECK_EQ_INT(pst__http_chunked_decode(&c, b, sizeof s - 1, &lim, NULL),
                 PST_HTTP_DONE);
    CHECK_EQ_INT(c.out, 8);
    CHECK_MEM(b, "abcdefgh", 8);
    CHECK_EQ_INT(c.in, sizeof s - 1);
}

int main(void)
{
    pst__http_limits_init(&lim, 1u << 20);
    RUN(test_decode);
    RUN(test_more_and_pipelining);
    RUN(test_bad_sizes);
    RUN(test_bad_framing);
    RUN(test_limits);
    RUN(test_in_place_progress);
    return test_report();
}
