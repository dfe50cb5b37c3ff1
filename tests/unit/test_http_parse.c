/*
 * test_http_parse.c: the HTTP/1.x request-head parser (src/http/parse.c):
 * request lines, fields and the facts derived from them, line endings,
 * every limit and its status, every request-smuggling case, pipelining.
 * Every case is parsed whole and byte by byte (in a moving buffer), and
 * both must agree to the message.
 */
#include "test.h"
#include "test_http_util.h"

static parsed got;

/* Parse s whole and in pieces of 1, 2, 3 and 7 bytes; all must agree.
 * Returns the whole-buffer result, also left in `got`. */
static pst_http_step parse_n(const char *s, size_t n)
{
    static parsed bytes;
    static const size_t steps[] = { 1, 2, 3, 7 };
    parse_whole((const uint8_t *)s, n, &got);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        parse_pieces((const uint8_t *)s, n, steps[i], &bytes);
        const char *d = parsed_diff(&got, &bytes);
        if (*d) {
            fprintf(stderr, "  whole and in pieces of %zu differ (%s) on "
                            "\"%.60s\": %d/%d \"%s\" vs %d/%d \"%s\"\n",
                    steps[i], d, s, (int)got.st, got.status, got.err.message,
                    (int)bytes.st, bytes.status, bytes.err.message);
        }
        CHECK(*d == 0);
    }
    return got.st;
}

static pst_http_step parse(const char *s)
{
    return parse_n(s, strlen(s));
}

static bool span_is(pst_str s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.ptr, lit, s.len) == 0;
}

/* An error with this status whose message mentions `what`. */
#define CHECK_REFUSED(req, status_, what)                                      \
    do {                                                                       \
        CHECK_EQ_INT(parse(req), PST_HTTP_ERROR);                              \
        CHECK_EQ_INT(got.status, status_);                                     \
        CHECK(strstr(got.err.message, what) != NULL);                          \
        if (!strstr(got.err.message, what))                                    \
            fprintf(stderr, "  message: %s\n", got.err.message);               \
        CHECK_EQ_INT(got.err.code, pst__http_status_code(status_));            \
    } while (0)

static void test_simple_get(void)
{
    const char *s = "GET /health?verbose=1&x HTTP/1.1\r\n"
                    "Host: example.com:8080\r\n"
                    "User-Agent: curl/7.88.1\r\n"
                    "Accept: */*\r\n"
                    "\r\n";
    CHECK_EQ_INT(parse(s), PST_HTTP_DONE);
    const pst_http_request *r = &got.req;
    CHECK_EQ_INT(r->method, PST_HTTP_GET);
    CHECK(span_is(r->method_name, "GET"));
    CHECK(span_is(r->target, "/health?verbose=1&x"));
    CHECK(span_is(r->path, "/health"));
    CHECK(span_is(r->query, "verbose=1&x"));
    CHECK_EQ_INT(r->form, PST_HTTP_ORIGIN_FORM);
    CHECK_EQ_INT(r->version_minor, 1);
    CHECK(r->keep_alive);
    CHECK(!r->chunked && !r->has_content_length && !r->expect_continue);
    CHECK(!r->bare_lf);
    CHECK_EQ_INT(r->content_length, 0);
    CHECK_EQ_INT(r->head_len, strlen(s));
    CHECK(span_is(r->host, "example.com:8080"));
    CHECK(span_is(r->accept, "*/*"));
    CHECK(r->content_type.ptr == NULL && r->origin.ptr == NULL);
    CHECK_EQ_INT(r->nheaders, 3);
    CHECK(span_is(r->headers[1].name, "User-Agent"));
    CHECK(span_is(r->headers[1].value, "curl/7.88.1"));
    /* spans point into the caller's buffer */
    CHECK((const uint8_t *)r->path.ptr == got.base + 4);
}

static void test_methods_and_targets(void)
{
    static const struct {
        const char *m;
        pst_http_method e;
    } ms[] = { { "GET", PST_HTTP_GET },         { "HEAD", PST_HTTP_HEAD },
               { "POST", PST_HTTP_POST },       { "PUT", PST_HTTP_PUT },
               { "DELETE", PST_HTTP_DELETE },   { "OPTIONS", PST_HTTP_OPTIONS },
               { "PATCH", PST_HTTP_PATCH },     { "CONNECT", PST_HTTP_CONNECT },
               { "TRACE", PST_HTTP_TRACE },     { "PROPFIND", PST_HTTP_OTHER },
               { "get", PST_HTTP_OTHER },       { "GETS", PST_HTTP_OTHER },
               { "X-M!#$%&'*+-.^_`|~9", PST_HTTP_OTHER } };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "%s /x HTTP/1.1\r\n\r\n", ms[i].m);
        CHECK_EQ_INT(parse(line), PST_HTTP_DONE);
        CHECK_EQ_INT(got.req.method, ms[i].e);
        CHECK(span_is(got.req.method_name, ms[i].m));
    }
    CHECK_EQ_INT(parse("GET http://h.example:81/a/b?c=d HTTP/1.1\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.form, PST_HTTP_ABSOLUTE_FORM);
    CHECK(span_is(got.req.path, "/a/b") && span_is(got.req.query, "c=d"));
    CHECK_EQ_INT(parse("GET http://h.example HTTP/1.1\r\n\r\n"), PST_HTTP_DONE);
    CHECK(span_is(got.req.path, "/") && got.req.query.ptr == NULL);
    CHECK_EQ_INT(parse("GET http://h?q HTTP/1.1\r\n\r\n"), PST_HTTP_DONE);
    CHECK(span_is(got.req.path, "/") && span_is(got.req.query, "q"));
    CHECK_EQ_INT(parse("CONNECT db.example:443 HTTP/1.1\r\n\r\n"), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.form, PST_HTTP_AUTHORITY_FORM);
    CHECK(span_is(got.req.path, "db.example:443"));
    CHECK_EQ_INT(parse("OPTIONS * HTTP/1.1\r\n\r\n"), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.form, PST_HTTP_ASTERISK_FORM);
    CHECK(span_is(got.req.path, "*"));
    CHECK_EQ_INT(parse("GET /? HTTP/1.1\r\n\r\n"), PST_HTTP_DONE);
    CHECK(span_is(got.req.path, "/") && got.req.query.ptr && got.req.query.len == 0);
    /* bad request lines */
    CHECK_REFUSED("G(T / HTTP/1.1\r\n\r\n", 400, "invalid byte 0x28 in the method");
    CHECK_REFUSED(" GET / HTTP/1.1\r\n\r\n", 400, "invalid byte 0x20 in the method");
    CHECK_REFUSED("GET  / HTTP/1.1\r\n\r\n", 400, "empty request target");
    CHECK_REFUSED("GET\r\n\r\n", 400, "only a method");
    CHECK_REFUSED("GET /\r\n\r\n", 400, "no HTTP version");
    CHECK_REFUSED("GET /a\tb HTTP/1.1\r\n\r\n", 400, "byte 0x09 in the request target");
    CHECK_REFUSED("GET /\x80 HTTP/1.1\r\n\r\n", 400, "byte 0x80 in the request target");
    CHECK_REFUSED("GET / HTTP/1.1 \r\n\r\n", 400, "malformed HTTP version");
    CHECK_REFUSED("GET / http/1.1\r\n\r\n", 400, "malformed HTTP version");
    CHECK_REFUSED("GET / HTTP/11\r\n\r\n", 400, "malformed HTTP version");
    CHECK_REFUSED("GET / x HTTP/1.1\r\n\r\n", 400, "malformed HTTP version");
}

static void test_versions(void)
{
    CHECK_EQ_INT(parse("GET / HTTP/1.0\r\n\r\n"), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.version_minor, 0);
    CHECK(!got.req.keep_alive);
    CHECK_EQ_INT(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(got.req.keep_alive);
    CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), PST_HTTP_DONE);
    CHECK(!got.req.keep_alive);
    CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(!got.req.keep_alive);
    CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(got.req.keep_alive);
    CHECK_EQ_INT(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(!got.req.keep_alive);
    /* a later 1.x minor is read as 1.1 (RFC 9110 2.5) */
    CHECK_EQ_INT(parse("GET / HTTP/1.7\r\n\r\n"), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.version_minor, 1);
    CHECK_REFUSED("GET / HTTP/2.0\r\n\r\n", 505, "HTTP version 2.0 not supported");
    CHECK_REFUSED("GET / HTTP/0.9\r\n\r\n", 505, "0.9");
}

/* Go's net/rpc and Vitess open with a bare-LF CONNECT and no fields. */
static void test_connect_lf_only(void)
{
    const char *s = "CONNECT /_goRPC_ HTTP/1.0\n\n";
    CHECK_EQ_INT(parse(s), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.method, PST_HTTP_CONNECT);
    CHECK(span_is(got.req.path, "/_goRPC_"));
    CHECK_EQ_INT(got.req.form, PST_HTTP_ORIGIN_FORM);
    CHECK_EQ_INT(got.req.version_minor, 0);
    CHECK(got.req.bare_lf);
    CHECK_EQ_INT(got.req.nheaders, 0);
    CHECK_EQ_INT(got.req.head_len, strlen(s));
    /* RPC bytes right after the blank line are not part of the head */
    const char rpc[] = "CONNECT /_thrift_rpc_ HTTP/1.1\r\n\r\n\x80\x01\x00\x01";
    CHECK_EQ_INT(parse_n(rpc, sizeof rpc - 1), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.head_len, sizeof rpc - 1 - 4);
    CHECK(!got.req.bare_lf);
    CHECK(span_is(got.req.path, "/_thrift_rpc_"));
    /* mixed endings are fine; the flag says some line had a bare LF */
    CHECK_EQ_INT(parse("CONNECT /x HTTP/1.0\r\nHost: a\n\r\n"), PST_HTTP_DONE);
    CHECK(got.req.bare_lf);
    CHECK(span_is(got.req.host, "a"));
}

static void test_bare_cr(void)
{
    CHECK_REFUSED("GET /\r HTTP/1.1\r\n\r\n", 400, "bare CR in the request target");
    CHECK_REFUSED("GE\rT / HTTP/1.1\r\n\r\n", 400, "bare CR in the method");
    CHECK_REFUSED("GET / HTTP/1.1\r\r\n\r\n", 400, "bare CR in the HTTP version");
    CHECK_REFUSED("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400,
                  "line 2 (offset 20): bare CR in a field value");
    CHECK_REFUSED("GET / HTTP/1.1\r\nA\r: b\r\n\r\n", 400, "bare CR in a field name");
    CHECK_REFUSED("GET / HTTP/1.1\r\nA: b\r\r\n\r\n", 400, "bare CR in a field value");
    /* "\r\r\n" is not a blank line: a field line of a lone CR */
    CHECK_REFUSED("GET / HTTP/1.1\r\n\r\r\n", 400, "bare CR in a field name");
    /* a CR as the last byte may still be a line ending: wait */
    CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nA: b\r"), PST_HTTP_MORE);
}

static void test_fields(void)
{
    const char *s = "POST /Echo/echo HTTP/1.1\r\n"
                    "content-TYPE:application/json  \r\n"
                    "Origin: \t https://app.example\t\r\n"
                    "X-Empty:\r\n"
                    "X-Bin: caf\xc3\xa9\r\n"
                    "Content-Length: 13\r\n"
                    "\r\n";
    CHECK_EQ_INT(parse(s), PST_HTTP_DONE);
    CHECK(span_is(got.req.content_type, "application/json"));
    CHECK(span_is(got.req.origin, "https://app.example"));
    CHECK_EQ_INT(got.req.nheaders, 5);
    CHECK(span_is(got.req.headers[2].name, "X-Empty"));
    CHECK_EQ_INT(got.req.headers[2].value.len, 0);
    CHECK(span_is(got.req.headers[3].value, "caf\xc3\xa9"));
    CHECK(got.req.has_content_length);
    CHECK_EQ_INT(got.req.content_length, 13);
    CHECK_EQ_INT(pst__http_body_missing(&got.req, 0), 13);
    CHECK_EQ_INT(pst__http_body_missing(&got.req, 10), 3);
    CHECK_EQ_INT(pst__http_body_missing(&got.req, 13), 0);
    CHECK_EQ_INT(pst__http_body_missing(&got.req, 20), 0);

    CHECK_REFUSED("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400,
                  "whitespace between field name and colon");
    CHECK_REFUSED("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400,
                  "whitespace between field name and colon");
    CHECK_REFUSED("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400,
                  "line 3 (offset 22): line starts with whitespace (obs-fold");
    CHECK_REFUSED("GET / HTTP/1.1\r\n\tA: b\r\n\r\n", 400, "obs-fold");
    CHECK_REFUSED("GET / HTTP/1.1\r\nA@b: c\r\n\r\n", 400,
                  "invalid byte 0x40 in a field name");
    CHECK_REFUSED("GET / HTTP/1.1\r\n: c\r\n\r\n", 400, "empty field name");
    CHECK_REFUSED("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "without a colon");
    CHECK_REFUSED("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", 400,
                  "control byte 0x01 in a field value");
    CHECK_REFUSED("GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", 400, "control byte 0x7f");
    static const char nul[] = "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n";
    CHECK_EQ_INT(parse_n(nul, sizeof nul - 1), PST_HTTP_ERROR);
    CHECK_EQ_INT(got.status, 400);
    CHECK(strstr(got.err.message, "control byte 0x00") != NULL);
    CHECK_REFUSED("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400,
                  "more than one Host field");
}

static void test_expect_and_leading_lines(void)
{
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nExpect: 100-Continue\r\n"
                       "Content-Length: 3\r\n\r\n"), PST_HTTP_DONE);
    CHECK(got.req.expect_continue);
    /* RFC 9110 10.1.1: ignored in an HTTP/1.0 request */
    CHECK_EQ_INT(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(!got.req.expect_continue);
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nExpect: something-else\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(!got.req.expect_continue);

    /* empty lines before a request line are skipped, a few of them */
    const char *s = "\r\n\nGET / HTTP/1.1\r\n\r\n";
    CHECK_EQ_INT(parse(s), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.head_len, strlen(s));
    CHECK(!got.req.bare_lf); /* the skipped lines do not count */
    CHECK(span_is(got.req.method_name, "GET"));
    CHECK_EQ_INT(parse("\r\n\r\n\r\n\r\n"), PST_HTTP_MORE);
    CHECK_REFUSED("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n", 400,
                  "empty lines before the request line");
}

static void test_limit_request_line(void)
{
    lim_default();
    test_lim.max_request_line = 32;
    /* "GET /" + 18 + " HTTP/1.1" = 32 bytes: the most allowed */
    char s[256];
    snprintf(s, sizeof s, "GET /%s HTTP/1.1\r\n\r\n", "aaaaaaaaaaaaaaaaaa");
    CHECK_EQ_INT(parse(s), PST_HTTP_DONE);
    snprintf(s, sizeof s, "GET /%s HTTP/1.1\r\n\r\n", "aaaaaaaaaaaaaaaaaaa");
    CHECK_REFUSED(s, 414, "request line longer than 32 bytes");
    /* the same without its LF yet: refused before the line ends */
    snprintf(s, sizeof s, "GET /%s HTTP/1.1", "aaaaaaaaaaaaaaaaaaa");
    CHECK_REFUSED(s, 414, "request line longer than 32 bytes");
    /* 32 bytes and a CR: the CR may be the line ending, so wait */
    snprintf(s, sizeof s, "GET /%s HTTP/1.1\r", "aaaaaaaaaaaaaaaaaa");
    CHECK_EQ_INT(parse(s), PST_HTTP_MORE);
    /* the limit comes before the line's syntax */
    snprintf(s, sizeof s, "G(T /%s HTTP/1.1\r\n\r\n", "aaaaaaaaaaaaaaaaaaa");
    CHECK_REFUSED(s, 414, "request line longer");
    /* the default: 8 KiB */
    lim_default();
    static char big[9000];
    memset(big, 'a', sizeof big);
    memcpy(big, "GET /", 5);
    memcpy(big + 8192 - 9, " HTTP/1.1\r\n\r\n", 13);
    CHECK_EQ_INT(parse_n(big, 8192 + 4), PST_HTTP_DONE);
    big[8192 - 10] = 'a';
    memcpy(big + 8192 - 8, " HTTP/1.1\r\n\r\n", 13);
    CHECK_EQ_INT(parse_n(big, 8193 + 4), PST_HTTP_ERROR);
    CHECK_EQ_INT(got.status, 414);
}

/* A head with n field lines "X-Field-i: value" (the value padded to
 * `pad` bytes); returns its length. */
static size_t head_with_fields(char *out, size_t cap, unsigned n, size_t pad)
{
    size_t len = (size_t)snprintf(out, cap, "GET / HTTP/1.1\r\n");
    for (unsigned i = 0; i < n; i++) {
        len += (size_t)snprintf(out + len, cap - len, "X-Field-%u: ", i);
        for (size_t k = 0; k < pad; k++)
            out[len++] = 'v';
        out[len++] = '\r';
        out[len++] = '\n';
    }
    out[len++] = '\r';
    out[len++] = '\n';
    out[len] = 0;
    return len;
}

static void test_limit_fields(void)
{
    static char s[200000];
    lim_default();
    /* 100 field lines are fine, 101 are 431 */
    size_t n = head_with_fields(s, sizeof s, 100, 4);
    CHECK_EQ_INT(parse_n(s, n), PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.nheaders, 100);
    n = head_with_fields(s, sizeof s, 101, 4);
    CHECK_EQ_INT(parse_n(s, n), PST_HTTP_ERROR);
    CHECK_EQ_INT(got.status, 431);
    CHECK(strstr(got.err.message, "line 102") != NULL);
    CHECK(strstr(got.err.message, "more than 100 field lines") != NULL);
    /* max_headers is clamped to what a request holds */
    test_lim.max_headers = 100000;
    n = head_with_fields(s, sizeof s, PST_HTTP_HEADERS_CAP + 1, 1);
    CHECK_EQ_INT(parse_n(s, n), PST_HTTP_ERROR);
    CHECK_EQ_INT(got.status, 431);

    /* the field section: 64 KiB by default, blank line included */
    lim_default();
    test_lim.max_headers = 128;
    /* one field line "X-Field-0: vvv...\r\n" (11 + pad + 2 bytes) and the
     * blank line: exactly 65536 bytes after the request line */
    n = head_with_fields(s, sizeof s, 1, 65536 - 2 - 11 - 2);
    CHECK_EQ_INT(n - 16, 65536);
    CHECK_EQ_INT(parse_n(s, n), PST_HTTP_DONE);
    n = head_with_fields(s, sizeof s, 1, 65536 - 2 - 11 - 1);
    CHECK_EQ_INT(parse_n(s, n), PST_HTTP_ERROR);
    CHECK_EQ_INT(got.status, 431);
    CHECK(strstr(got.err.message, "field section longer than 65536 bytes") != NULL);
    /* a sender that never ends a field line is refused at the limit */
    n = head_with_fields(s, sizeof s, 1, 70000);
    CHECK_EQ_INT(parse_n(s, 16 + 65536), PST_HTTP_ERROR);
    CHECK_EQ_INT(got.status, 431);
    CHECK_EQ_INT(parse_n(s, 16 + 65535), PST_HTTP_MORE);
    /* the size comes before the syntax of the line that passes it */
    test_lim.max_header_bytes = 10;
    CHECK_REFUSED("GET / HTTP/1.1\r\nA: b\r\nBad Name: c\r\n\r\n", 431,
                  "line 3 (offset 22): field section longer than 10 bytes");
    test_lim.max_header_bytes = 20;
    CHECK_REFUSED("GET / HTTP/1.1\r\nBad Name: c\r\nA: b\r\n\r\n", 400,
                  "line 2 (offset 19): whitespace between");
    lim_default();
}

static void test_limit_body(void)
{
    lim_default();
    test_lim.max_body = 100;
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK_REFUSED("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413,
                  "Content-Length 101 exceeds the 100 byte limit");
    /* framing faults come first: they say the request is not to be read */
    CHECK_REFUSED("POST / HTTP/1.1\r\nContent-Length: 101\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n", 400,
                  "both Content-Length and Transfer-Encoding");
    lim_default();
}

static void test_smuggling_lengths(void)
{
    CHECK_REFUSED("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n", 400,
                  "both Content-Length and Transfer-Encoding");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                  "Content-Length: 5\r\n\r\n", 400,
                  "head ending at line 4 (offset 64): both Content-Length");
    CHECK_REFUSED("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                  400, "different Content-Length values (5 and 6)");
    CHECK_REFUSED("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 400,
                  "different Content-Length values (5 and 6)");
    /* identical repeats, as lines or as a list, count as one value */
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.content_length, 5);
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\ncontent-length: 5 ,5,\t05\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.content_length, 5);
    static const char *const bad[] = { "abc", "-1", "+5", "5 5", "0x10", "",
                                       "5,", ",5", "5,,5", "5;q", "1.0", "\xd9\xa3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char s[128];
        snprintf(s, sizeof s, "POST / HTTP/1.1\r\nContent-Length: %s\r\n\r\n", bad[i]);
        CHECK_REFUSED(s, 400, "Content-Length is not a number");
    }
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n"),
                 PST_HTTP_ERROR);
    CHECK_EQ_INT(got.status, 413); /* a number, but far too big */
    CHECK_REFUSED("POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n",
                  400, "Content-Length overflows");
    CHECK_REFUSED("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                  400, "Content-Length overflows");
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nContent-Length: 0000000000000000000000007\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK_EQ_INT(got.req.content_length, 7);
}

static void test_smuggling_transfer_encoding(void)
{
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(got.req.chunked && !got.req.has_content_length);
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked \r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(got.req.chunked);
    CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nTransfer-Encoding: ,chunked,\r\n\r\n"),
                 PST_HTTP_DONE);
    CHECK(got.req.chunked);
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400,
                  "does not end in one chunked coding");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400,
                  "does not end in one chunked coding");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400,
                  "does not end in one chunked coding");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n", 400,
                  "does not end in one chunked coding");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                  "Transfer-Encoding: identity\r\n\r\n", 400,
                  "does not end in one chunked coding");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", 400,
                  "does not end in one chunked coding");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n", 400,
                  "does not end in one chunked coding");
    /* chunked last, but a coding we do not know before it: 501 */
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501,
                  "transfer coding other than chunked");
    CHECK_REFUSED("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n", 501,
                  "transfer coding other than chunked");
    /* RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 is faulty framing */
    CHECK_REFUSED("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                  "Transfer-Encoding in an HTTP/1.0 request");
}

/* A head that completes in a call that also brings field lines, after its
 * request line came in an earlier call: the fields are judged with the
 * request line's version (a regression: the Transfer-Encoding line was
 * judged as if in an HTTP/1.0 request). */
static void test_head_completes_with_fields(void)
{
    const char *s = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    pst_http_parser p;
    pst_http_request r;
    pst_error e = { 0, "" };
    pst__http_parser_reset(&p);
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)s, 20, &test_lim, &r, &e),
                 PST_HTTP_MORE);
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)s, strlen(s), &test_lim,
                                      &r, &e), PST_HTTP_DONE);
    CHECK(r.chunked);
    CHECK_EQ_INT(r.version_minor, 1);
    CHECK(strcmp(e.message, "") == 0);
}

static void test_incremental_state(void)
{
    /* the state remembers how far it looked: a line without its LF is not
     * searched again from its start */
    lim_default();
    const char *s = "GET /a-long-target HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t n = strlen(s);
    pst_http_parser p;
    pst_http_request r;
    pst__http_parser_reset(&p);
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)s, 10, &test_lim, &r, NULL),
                 PST_HTTP_MORE);
    CHECK_EQ_INT(p.scanned, 10);
    CHECK_EQ_INT(p.line, 0);
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)s, 33, &test_lim, &r, NULL),
                 PST_HTTP_MORE);
    CHECK_EQ_INT(p.line, 29);
    CHECK_EQ_INT(p.fields_start, 29);
    CHECK_EQ_INT(p.scanned, 33);
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)s, n, &test_lim, &r, NULL),
                 PST_HTTP_DONE);
    CHECK_EQ_INT(r.head_len, n);
    CHECK(span_is(r.host, "x"));
    CHECK(span_is(r.path, "/a-long-target"));
    /* an error sticks */
    pst__http_parser_reset(&p);
    pst_error e = { 0, "" };
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)"G\x01", 2, &test_lim, &r, &e),
                 PST_HTTP_MORE);
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)"G\x01 / HTTP/1.1\n", 15,
                                      &test_lim, &r, &e), PST_HTTP_ERROR);
    CHECK_EQ_INT(p.status, 400);
    CHECK_EQ_INT(e.code, PST_E_PROTOCOL);
    CHECK_EQ_INT(pst__http_parse_head(&p, (const uint8_t *)"G\x01 / HTTP/1.1\n\n", 16,
                                      &test_lim, &r, NULL), PST_HTTP_ERROR);
    CHECK_EQ_INT(p.status, 400);
}

/* Several requests back to back in one buffer: each parse starts where the
 * previous message ended, bodies by Content-Length. */
static void test_pipelined(void)
{
    lim_default();
    const char *s = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                    "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                    "\r\n" /* a stray CRLF after a body, as old clients send */
                    "HEAD /c?x HTTP/1.0\nConnection: keep-alive\n\n"
                    "GET /d HTTP/1.1\r\nHo";
    const uint8_t *buf = (const uint8_t *)s;
    size_t len = strlen(s), at = 0;
    const char *paths[] = { "/a", "/b", "/c" };
    pst_http_parser p;
    pst_http_request r;
    for (int i = 0; i < 3; i++) {
        pst__http_parser_reset(&p);
        CHECK_EQ_INT(pst__http_parse_head(&p, buf + at, len - at, &test_lim, &r, NULL),
                     PST_HTTP_DONE);
        CHECK(span_is(r.path, paths[i]));
        CHECK(r.keep_alive);
        at += r.head_len;
        CHECK_EQ_INT(pst__http_body_missing(&r, len - at), 0);
        if (i == 1) {
            CHECK_EQ_INT(r.content_length, 5);
            CHECK_MEM(buf + at, "hello", 5);
        }
        at += r.content_length;
    }
    CHECK_EQ_INT(r.method, PST_HTTP_HEAD);
    CHECK(span_is(r.query, "x"));
    pst__http_parser_reset(&p);
    CHECK_EQ_INT(pst__http_parse_head(&p, buf + at, len - at, &test_lim, &r, NULL),
                 PST_HTTP_MORE);
}

int main(void)
{
    lim_default();
    RUN(test_simple_get);
    RUN(test_methods_and_targets);
    RUN(test_versions);
    RUN(test_connect_lf_only);
    RUN(test_bare_cr);
    RUN(test_fields);
    RUN(test_expect_and_leading_lines);
    RUN(test_limit_request_line);
    RUN(test_limit_fields);
    RUN(test_limit_body);
    RUN(test_smuggling_lengths);
    RUN(test_smuggling_transfer_encoding);
    RUN(test_head_completes_with_fields);
    RUN(test_incremental_state);
    RUN(test_pipelined);
    return test_report();
}
