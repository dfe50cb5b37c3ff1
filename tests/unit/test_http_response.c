/*
 * test_http_response.c: HTTP responses into a pst_wbuf (src/http/
 * response.c), the constant answers (CONNECT, 100 Continue), header value
 * helpers (src/http/value.c) and the byte classes (src/http/chars.c).
 */
#include "test.h"
#include "http/chars.h"
#include "http/http.h"

static pst_wbuf w;

static bool out_is(const char *expect)
{
    size_t n = strlen(expect);
    bool ok = w.len == n && memcmp(w.data, expect, n) == 0;
    if (!ok)
        fprintf(stderr, "  got \"%.*s\"\n", (int)w.len, (const char *)w.data);
    w.len = 0;
    return ok;
}

static void test_responses(void)
{
    pst_wbuf_init(&w, 0);
    pst_http_response r = { .status = 200, .keep_alive = true,
                            .content_type = PST_STR("text/plain") };
    CHECK_EQ_INT(pst__http_write_response(&w, &r, "ok\n", 3), 0);
    CHECK(out_is("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                 "Content-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n"));
    /* HEAD: the body's length, not its bytes */
    r.head_only = true;
    CHECK_EQ_INT(pst__http_write_response(&w, &r, "ok\n", 3), 0);
    CHECK(out_is("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                 "Content-Length: 3\r\nConnection: keep-alive\r\n\r\n"));
    /* 405 with Allow, closing, with a date and extra lines */
    pst_http_response m = { .status = 405, .allow = PST_STR("GET, HEAD"),
                            .date = PST_STR("Sun, 06 Nov 1994 08:49:37 GMT"),
                            .extra = PST_STR("Access-Control-Allow-Origin: *\r\n") };
    CHECK_EQ_INT(pst__http_write_response(&w, &m, NULL, 0), 0);
    CHECK(out_is("HTTP/1.1 405 Method Not Allowed\r\n"
                 "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n"
                 "Allow: GET, HEAD\r\nConnection: close\r\n"
                 "Access-Control-Allow-Origin: *\r\n\r\n"));
    /* 204 and 304 carry no body; 204 no length either */
    pst_http_response nc = { .status = 204, .keep_alive = true };
    CHECK_EQ_INT(pst__http_write_response(&w, &nc, "x", 1), 0);
    CHECK(out_is("HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n"));
    nc.status = 304;
    CHECK_EQ_INT(pst__http_write_response(&w, &nc, "x", 1), 0);
    CHECK(out_is("HTTP/1.1 304 Not Modified\r\nContent-Length: 1\r\n"
                 "Connection: keep-alive\r\n\r\n"));
    /* a head alone, for a body the caller appends (a big length too) */
    pst_http_response big = { .status = 503 };
    CHECK_EQ_INT(pst__http_write_head(&w, &big, 18446744073709551615ull), 0);
    CHECK(out_is("HTTP/1.1 503 Service Unavailable\r\n"
                 "Content-Length: 18446744073709551615\r\nConnection: close\r\n\r\n"));
    pst_http_response odd = { .status = 299 };
    CHECK_EQ_INT(pst__http_write_head(&w, &odd, 0), 0);
    CHECK(out_is("HTTP/1.1 299 Unknown\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
    CHECK_EQ_INT(pst__http_write_field(&w, PST_STR("X-A"), PST_STR("b c")), 0);
    CHECK(out_is("X-A: b c\r\n"));
    pst_wbuf_free(&w);

    /* a bounded buffer reports the limit, and the error sticks */
    pst_wbuf_init(&w, 40);
    CHECK_EQ_INT(pst__http_write_response(&w, &r, "ok\n", 3), PST_E_LIMIT);
    CHECK_EQ_INT(pst__http_write_field(&w, PST_STR("X"), PST_STR("y")), PST_E_LIMIT);
    pst_wbuf_free(&w);
}

static void test_constants_and_reasons(void)
{
    /* byte for byte what Go's net/rpc and Vitess's Python client expect */
    static const uint8_t connect[] = { 'H', 'T', 'T', 'P', '/', '1', '.', '0', ' ',
                                       '2', '0', '0', ' ', 'C', 'o', 'n', 'n', 'e',
                                       'c', 't', 'e', 'd', ' ', 't', 'o', ' ', 'G',
                                       'o', ' ', 'R', 'P', 'C', '\n', '\n' };
    CHECK_EQ_INT(sizeof PST_HTTP_CONNECT_REPLY - 1, sizeof connect);
    CHECK_MEM(PST_HTTP_CONNECT_REPLY, connect, sizeof connect);
    CHECK(strcmp(PST_HTTP_CONTINUE_REPLY, "HTTP/1.1 100 Continue\r\n\r\n") == 0);
    CHECK(strcmp(pst__http_reason(413), "Content Too Large") == 0);
    CHECK(strcmp(pst__http_reason(414), "URI Too Long") == 0);
    CHECK(strcmp(pst__http_reason(431), "Request Header Fields Too Large") == 0);
    CHECK(strcmp(pst__http_reason(505), "HTTP Version Not Supported") == 0);
    CHECK(strcmp(pst__http_reason(42), "Unknown") == 0);
    CHECK_EQ_INT(pst__http_status_code(400), PST_E_PROTOCOL);
    CHECK_EQ_INT(pst__http_status_code(431), PST_E_LIMIT);
    CHECK_EQ_INT(pst__http_status_code(505), PST_E_UNSUPPORTED);

    char d[PST_HTTP_DATE_LEN + 1];
    pst__http_format_date(784111777, d);
    CHECK(strcmp(d, "Sun, 06 Nov 1994 08:49:37 GMT") == 0);
    pst__http_format_date(0, d);
    CHECK(strcmp(d, "Thu, 01 Jan 1970 00:00:00 GMT") == 0);
    CHECK_EQ_INT(strlen(d), PST_HTTP_DATE_LEN);
}

static void test_values(void)
{
    CHECK(pst__http_list_has(PST_STR("keep-alive"), "keep-alive", 10));
    CHECK(pst__http_list_has(PST_STR("Upgrade, Keep-Alive"), "keep-alive", 10));
    CHECK(pst__http_list_has(PST_STR(" close ,x"), "close", 5));
    CHECK(pst__http_list_has(PST_STR("gzip;q=1, chunked;x"), "chunked", 7));
    CHECK(!pst__http_list_has(PST_STR("closed"), "close", 5));
    CHECK(!pst__http_list_has(PST_STR("x-close"), "close", 5));
    CHECK(!pst__http_list_has(PST_STR(""), "close", 5));
    CHECK(!pst__http_list_has((pst_str){ NULL, 0 }, "close", 5));
    CHECK(pst__http_ieq(PST_STR("Content-Length"), "content-length", 14));
    CHECK(!pst__http_ieq(PST_STR("Content-Lengt"), "content-length", 14));

    static const struct {
        const char *accept;
        pst_http_media want;
    } cases[] = {
        { "", PST_HTTP_MEDIA_TEXT },
        { "*/*", PST_HTTP_MEDIA_TEXT }, /* curl */
        { "application/json", PST_HTTP_MEDIA_JSON },
        { "Application/JSON; charset=utf-8", PST_HTTP_MEDIA_JSON },
        { "text/html", PST_HTTP_MEDIA_HTML },
        /* a browser */
        { "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
          "image/webp,*/*;q=0.8", PST_HTTP_MEDIA_HTML },
        { "application/json, */*", PST_HTTP_MEDIA_JSON },
        { "application/json;q=0.5, text/html;q=0.6", PST_HTTP_MEDIA_HTML },
        { "application/json;q=0.9, text/plain", PST_HTTP_MEDIA_TEXT },
        { "text/*;q=0.3, application/json;q=0.2", PST_HTTP_MEDIA_TEXT },
        { "text/*, text/plain;q=0, application/*;q=0.1", PST_HTTP_MEDIA_HTML },
        { "application/*", PST_HTTP_MEDIA_JSON },
        { "image/png", PST_HTTP_MEDIA_TEXT },
        { "application/json;q=2, text/html;q=0.1", PST_HTTP_MEDIA_HTML },
        { "application/json;q=0.x, text/html;q=0.001", PST_HTTP_MEDIA_HTML },
        { "application/json;Q=1.000", PST_HTTP_MEDIA_JSON },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pst_http_media got = pst__http_accept_pick(pst_str_c(cases[i].accept));
        if (got != cases[i].want)
            fprintf(stderr, "  Accept \"%s\": got %d\n", cases[i].accept, (int)got);
        CHECK_EQ_INT(got, cases[i].want);
    }
    CHECK_EQ_INT(pst__http_accept_pick((pst_str){ NULL, 0 }), PST_HTTP_MEDIA_TEXT);
}

/* The class table against the RFC's definitions, spelled out. */
static void test_byte_classes(void)
{
    const char *tchar_extra = "!#$%&'*+-.^_`|~";
    for (int c = 0; c < 256; c++) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9');
        bool tchar = alnum || (c != 0 && strchr(tchar_extra, c));
        bool vchar = c >= 0x21 && c <= 0x7e;
        bool field = vchar || c == ' ' || c == '\t' || c >= 0x80;
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                   (c >= 'A' && c <= 'F');
        CHECK_EQ_INT(pst__http_tchar((uint8_t)c), tchar);
        CHECK_EQ_INT(pst__http_field_char((uint8_t)c), field);
        CHECK_EQ_INT((pst__http_class[c] & PST__HC_TARGET) != 0, vchar);
        CHECK_EQ_INT((pst__http_class[c] & PST__HC_HEX) != 0, hex);
        CHECK_EQ_INT(pst__http_hex((uint8_t)c) >= 0, hex);
    }
    CHECK_EQ_INT(pst__http_hex('F'), 15);
    CHECK_EQ_INT(pst__http_hex('a'), 10);
    CHECK_EQ_INT(pst__http_hex('7'), 7);
}

int main(void)
{
    RUN(test_responses);
    RUN(test_constants_and_reasons);
    RUN(test_values);
    RUN(test_byte_classes);
    return test_report();
}
