/*
 * response.c: HTTP/1.1 responses written into a pst_wbuf: the status line
 * with its reason phrase, the usual fields, the body. Responses always
 * say HTTP/1.1 (RFC 9110 2.5: a server sends its own version; 1.0 clients
 * read it) except the CONNECT answer, a constant in http.h.
 */
#include <string.h>

#include "http.h"

const char *pst__http_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* Append without the sticky-error test per piece: the caller reserved. */
static uint8_t *put(uint8_t *o, const void *p, size_t n)
{
    memcpy(o, p, n);
    return o + n;
}

#define PUT_LIT(o, s) put((o), (s), sizeof(s) - 1)

static uint8_t *put_u64(uint8_t *o, uint64_t v)
{
    if (v < 100) {                /* small bodies: no division loop */
        if (v >= 10)
            *o++ = (uint8_t)('0' + v / 10);
        *o++ = (uint8_t)('0' + v % 10);
        return o;
    }
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *o++ = (uint8_t)tmp[--n];
    return o;
}

static bool no_body_status(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

static uint8_t *put_field(uint8_t *o, const char *name, size_t nlen, pst_str v)
{
    o = put(o, name, nlen);
    o = put(o, v.ptr, v.len);
    return PUT_LIT(o, "\r\n");
}

int pst__http_write_head(pst_wbuf *w, const pst_http_response *r,
                         uint64_t content_length)
{
    if (w->err)
        return w->err;
    int status = r->status >= 100 && r->status <= 999 ? r->status : 500;
    const char *reason = status == 200 ? "OK" : pst__http_reason(status);
    size_t reason_len = status == 200 ? 2 : strlen(reason);
    /* one reservation for the whole head: fixed parts, the caller's spans */
    size_t need = 17 + reason_len                     /* status line */
                  + 16 + 20 + 2                       /* Content-Length */
                  + 24                                /* Connection */
                  + 16 + r->content_type.len + 2 + 9 + r->allow.len + 2 +
                  8 + r->date.len + 2 + r->extra.len + 2;
    int rc = pst_wbuf_reserve(w, need);
    if (rc)
        return rc;
    uint8_t *o = w->data + w->len;
    if (status == 200) {          /* nearly every answer: one constant */
        o = PUT_LIT(o, "HTTP/1.1 200 OK\r\n");
    } else {
        o = PUT_LIT(o, "HTTP/1.1 ");
        *o++ = (uint8_t)('0' + status / 100);
        *o++ = (uint8_t)('0' + status / 10 % 10);
        *o++ = (uint8_t)('0' + status % 10);
        *o++ = ' ';
        o = put(o, reason, reason_len);
        o = PUT_LIT(o, "\r\n");
    }
    if (r->date.len == PST_HTTP_DATE_LEN) {
        /* the usual Date: a copy of known size, done inline */
        o = PUT_LIT(o, "Date: ");
        memcpy(o, r->date.ptr, PST_HTTP_DATE_LEN);
        o = PUT_LIT(o + PST_HTTP_DATE_LEN, "\r\n");
    } else if (r->date.len) {
        o = put_field(o, "Date: ", 6, r->date);
    }
    if (r->content_type.len)
        o = put_field(o, "Content-Type: ", 14, r->content_type);
    if (!(status >= 100 && status < 200) && status != 204) {
        o = PUT_LIT(o, "Content-Length: ");
        o = put_u64(o, content_length);
        o = PUT_LIT(o, "\r\n");
    }
    if (r->allow.len)
        o = put_field(o, "Allow: ", 7, r->allow);
    if (status >= 200) /* not on an interim answer */
        o = r->keep_alive ? PUT_LIT(o, "Connection: keep-alive\r\n")
                          : PUT_LIT(o, "Connection: close\r\n");
    if (r->extra.len)
        o = put(o, r->extra.ptr, r->extra.len);
    o = PUT_LIT(o, "\r\n");
    w->len = (size_t)(o - w->data);
    return 0;
}

int pst__http_write_response(pst_wbuf *w, const pst_http_response *r,
                             const void *body, size_t body_len)
{
    int rc = pst__http_write_head(w, r, body_len);
    if (rc || r->head_only || no_body_status(r->status) || body_len == 0)
        return rc;
    return pst_wbuf_append(w, body, body_len);
}

int pst__http_write_field(pst_wbuf *w, pst_str name, pst_str value)
{
    int rc = pst_wbuf_reserve(w, name.len + value.len + 4);
    if (rc)
        return rc;
    uint8_t *o = w->data + w->len;
    o = put(o, name.ptr, name.len);
    o = PUT_LIT(o, ": ");
    o = put(o, value.ptr, value.len);
    o = PUT_LIT(o, "\r\n");
    w->len = (size_t)(o - w->data);
    return 0;
}

void pst__http_format_date(time_t t, char out[PST_HTTP_DATE_LEN + 1])
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec" };
    struct tm tm;
    gmtime_r(&t, &tm);
    /* "Sun, 06 Nov 1994 08:49:37 GMT", digit by digit (years 0..9999) */
    char *o = out;
    memcpy(o, days[tm.tm_wday % 7], 3);
    o += 3;
    *o++ = ',';
    *o++ = ' ';
    *o++ = (char)('0' + tm.tm_mday / 10 % 10);
    *o++ = (char)('0' + tm.tm_mday % 10);
    *o++ = ' ';
    memcpy(o, months[tm.tm_mon % 12], 3);
    o += 3;
    *o++ = ' ';
    int year = (tm.tm_year + 1900) % 10000;
    for (int div = 1000; div; div /= 10)
        *o++ = (char)('0' + year / div % 10);
    int hms[3] = { tm.tm_hour, tm.tm_min, tm.tm_sec };
    for (int i = 0; i < 3; i++) {
        *o++ = i ? ':' : ' ';
        *o++ = (char)('0' + hms[i] / 10 % 10);
        *o++ = (char)('0' + hms[i] % 10);
    }
    memcpy(o, " GMT", 5);
}
