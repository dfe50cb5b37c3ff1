/* front_http.c: HTTP requests on an RPC port: parse, read the body, route,
 * answer; and the CONNECT upgrade. Pages are in front_pages.c, JSON calls
 * and JSON-RPC in front_json.c. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "processor/processor_internal.h"
#include "front.h"
#include "transport/transport_internal.h"

enum { MODE_HTTP = 0, MODE_JSONRPC = 1 };

#define THRIFT_RPC_PATH "/_thrift_rpc_"
#define JSON_RPC_PATH "/_json_rpc_"

void pst__front_conn_init(pst__front_conn *fc)
{
    memset(fc, 0, sizeof *fc);
    pst__http_parser_reset(&fc->parser);
}

pst__conn_kind pst__front_conn_kind(const pst__front_conn *fc)
{
    return fc->mode == MODE_JSONRPC ? PST__KIND_JSONRPC : PST__KIND_HTTP;
}

/* The peer's name for log lines, looked up (getpeername) only when a line
 * is written: the epoll model does not keep names per connection. */
typedef struct peer_name {
    const char *given;
    int fd;
    char buf[80];
} peer_name;

static const char *name_of(peer_name *p)
{
    if (p->given)
        return p->given;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (p->fd < 0 || getpeername(p->fd, (struct sockaddr *)&ss, &len) < 0)
        snprintf(p->buf, sizeof p->buf, "fd %d", p->fd);
    else
        pst__sockaddr_format(&ss, len, p->buf, sizeof p->buf);
    p->given = p->buf;
    return p->given;
}

static bool str_eq(pst_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

/* ---- responses ------------------------------------------------------------ */

static pst_str date_of(pst__front_scratch *sc)
{
    time_t t = time(NULL);
    if (t != sc->date_sec || !sc->date[0]) {
        pst__http_format_date(t, sc->date);
        sc->date_sec = t;
    }
    return (pst_str){ sc->date, PST_HTTP_DATE_LEN };
}

static pst_str str_or_none(const char *s)
{
    return s ? pst_str_c(s) : (pst_str){ NULL, 0 };
}

static void fill_response(pst__front_req *r, pst_http_response *hr, int status,
                          pst_str type, pst_str extra)
{
    memset(hr, 0, sizeof *hr);
    hr->status = status;
    hr->keep_alive = r->keep_alive;
    hr->head_only = r->req && r->req->method == PST_HTTP_HEAD;
    hr->content_type = type;
    hr->date = date_of(r->sc);
    hr->extra = extra;
}

void pst__front_respond(pst__front_req *r, int status, const char *type,
                        const void *body, size_t n)
{
    pst_http_response hr;
    fill_response(r, &hr, status, str_or_none(type), (pst_str){ NULL, 0 });
    pst__http_write_response(r->out, &hr, body, n);
}

/* pst__front_respond_at with the type and extra lines as spans (the
 * Thrift POST echoes the request's type without copying it). */
static void respond_at(pst__front_req *r, int status, pst_str type,
                       size_t mark, pst_str extra)
{
    pst_wbuf *w = r->out;
    if (w->err)
        return;
    size_t body_len = w->len - mark;
    /* The head goes in front of the body: write it after the body, then
     * rotate the two (the head is small, the body usually too). */
    pst_http_response hr;
    fill_response(r, &hr, status, type, extra);
    if (pst__http_write_head(w, &hr, body_len) != 0)
        return;
    size_t head_len = w->len - mark - body_len;
    if (pst_wbuf_reserve(w, head_len) != 0)
        return;
    uint8_t *base = w->data + mark;
    memcpy(base + body_len + head_len, base + body_len, head_len);
    memmove(base + head_len, base, body_len);
    memcpy(base, base + body_len + head_len, head_len);
    if (hr.head_only)
        w->len = mark + head_len;
}

void pst__front_respond_at(pst__front_req *r, int status, const char *type,
                           size_t mark, const char *extra)
{
    respond_at(r, status, str_or_none(type), mark, str_or_none(extra));
}

void pst__front_error(pst__front_req *r, int status, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n > sizeof msg - 2)
        n = (int)sizeof msg - 2;
    msg[n++] = '\n';
    if (status != 404 && status != 405)
        r->keep_alive = false;
    pst__front_respond(r, status, "text/plain; charset=utf-8", msg, (size_t)n);
}

/* ---- option lists ---------------------------------------------------------- */

/* The next item of a server option's list ("a, b,c d": commas and spaces
 * separate) from *p on, which moves past it: false at the end of the list. */
static bool list_next(const char **p, const char **item, size_t *n)
{
    const char *s = *p;
    while (*s == ' ' || *s == ',')
        s++;
    const char *e = s;
    while (*e && *e != ',' && *e != ' ')
        e++;
    *p = e;
    *item = s;
    *n = (size_t)(e - s);
    return *n > 0;
}

/* ---- who may see the pages ------------------------------------------------- */

/* opt.pages_allow: "10.0.0.0/8, 127.0.0.1, ::1/128"; NULL allows all. */
static bool addr_in(const char *list, const struct sockaddr_storage *ss)
{
    const uint8_t *addr;
    size_t alen;
    if (ss->ss_family == AF_INET) {
        addr = (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
        alen = 4;
    } else if (ss->ss_family == AF_INET6) {
        addr = (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
        alen = 16;
    } else {
        return true; /* a Unix socket: whoever can open the file */
    }
    const char *p = list, *it;
    size_t n;
    while (list_next(&p, &it, &n)) {
        char item[64];
        if (n < sizeof item) {
            memcpy(item, it, n);
            item[n] = '\0';
            char *slash = strchr(item, '/');
            int bits = -1;
            if (slash) {
                *slash = '\0';
                bits = atoi(slash + 1);
            }
            uint8_t net[16];
            size_t nlen = 0;
            if (inet_pton(AF_INET, item, net) == 1)
                nlen = 4;
            else if (inet_pton(AF_INET6, item, net) == 1)
                nlen = 16;
            if (nlen == alen) {
                if (bits < 0 || bits > (int)(8 * nlen))
                    bits = (int)(8 * nlen);
                size_t full = (size_t)bits / 8;
                unsigned rest = (unsigned)bits % 8;
                bool match = memcmp(net, addr, full) == 0;
                if (match && rest) {
                    uint8_t mask = (uint8_t)(0xff << (8 - rest));
                    match = (net[full] & mask) == (addr[full] & mask);
                }
                if (match)
                    return true;
            }
        }
    }
    return false;
}

/* With an admin port, pages are served there only. */
static bool on_admin_port(const pst_server *s, int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
        return false;
    int port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
             : ss.ss_family == AF_INET  ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
                                        : -1;
    return port == s->admin_port;
}

static bool pages_allowed(pst_server *s, int fd)
{
    if (!s->opt.pages_allow)
        return true;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
        return false;
    return addr_in(s->opt.pages_allow, &ss);
}

/* ---- CORS ------------------------------------------------------------------- */

static bool origin_allowed(const pst_server *s, pst_str origin)
{
    const char *list = s->opt.cors_origins;
    if (!list || !origin.ptr)
        return false;
    const char *p = list, *it;
    size_t n;
    while (list_next(&p, &it, &n))
        if ((n == 1 && *it == '*') || (n == origin.len && memcmp(it, origin.ptr, n) == 0))
            return true;
    return false;
}

/* The lines a response to an allowed origin carries (into buf). */
const char *pst__front_cors(const pst__front_req *r, char *buf, size_t cap)
{
    if (!origin_allowed(r->s, r->req->origin))
        return NULL;
    snprintf(buf, cap, "Access-Control-Allow-Origin: %.*s\r\nVary: Origin\r\n",
             (int)(r->req->origin.len > 200 ? 200 : r->req->origin.len),
             r->req->origin.ptr);
    return buf;
}

static void preflight(pst__front_req *r)
{
    if (!origin_allowed(r->s, r->req->origin)) {
        pst__front_error(r, 403, "origin not allowed (server option cors_origins)");
        return;
    }
    char extra[512];
    snprintf(extra, sizeof extra,
             "Access-Control-Allow-Origin: %.*s\r\nVary: Origin\r\n"
             "Access-Control-Allow-Methods: POST, GET, OPTIONS\r\n"
             "Access-Control-Allow-Headers: Content-Type, Accept\r\n"
             "Access-Control-Max-Age: 600\r\n",
             (int)(r->req->origin.len > 200 ? 200 : r->req->origin.len),
             r->req->origin.ptr);
    size_t mark = r->out->len;
    pst__front_respond_at(r, 204, NULL, mark, extra);
}

/* ---- Thrift over HTTP --------------------------------------------------------- */

/* The media type (up to ';' or ' ') is application/x-thrift or
 * application/vnd.apache.thrift.*. Tested in place: the usual value is
 * compared whole, then the byte after it (a scan for the media type's end
 * first was ~200 instructions of every Thrift-over-HTTP call). Neither
 * prefix can match a ';' or ' ', so the media type is at least as long. */
static bool thrift_media(pst_str ct)
{
    static const char xt[] = "application/x-thrift";
    static const char vnd[] = "application/vnd.apache.thrift.";
    size_t nx = sizeof xt - 1, nv = sizeof vnd - 1;
    if (ct.len >= nx && pst__http_ieq((pst_str){ ct.ptr, nx }, xt, nx))
        return ct.len == nx || ct.ptr[nx] == ';' || ct.ptr[nx] == ' ';
    return ct.len > nv && pst__http_ieq((pst_str){ ct.ptr, nv }, vnd, nv) &&
           ct.ptr[nv] != ';' && ct.ptr[nv] != ' ';
}

static void count_call(pst_server *s, pst__front_scratch *sc,
                       const pst__call_report *rep, uint64_t t0)
{
    if (!sc->shard || !rep->method) {
        if (sc->shard && !rep->method)
            pst__metrics_perr(sc->shard, PST__PERR_UNKNOWN_METHOD);
        return;
    }
    pst__metrics_call(sc->shard, pst__metrics_method_index(&s->metrics, rep->method),
                      rep->outcome, pst__mono_ns() - t0);
}

static void thrift_post(pst__front_req *r, peer_name *peer)
{
    pst_server *s = r->s;
    pst_server_options pinned = s->opt;
    pinned.framing = PST_FRAMING_UNFRAMED;
    pst_sniff sn;
    pst__sniff(&pinned, r->body, r->body_len < PST__SNIFF_BYTES ? r->body_len
                                                                : PST__SNIFF_BYTES,
               &sn);
    /* THeaderProtocol over an HTTP client sends a header frame, with its
     * length or without, and reads the reply the same way. */
    int hskip = pst__header_nested(r->body, r->body_len);
    if (sn.kind != PST_SNIFF_THRIFT && hskip < 0) {
        pst__metrics_perr(r->sc->shard, PST__PERR_BAD_MESSAGE);
        pst__front_error(r, 400, "the body (%zu bytes) is not one Thrift message "
                                 "(binary, compact or JSON, unframed, or a THeader frame)",
                         r->body_len);
        return;
    }
    size_t mark = r->out->len;
    pst_error err;              /* only its head needs clearing (zeroing
                                   all 200 bytes showed per request) */
    err.code = 0;
    err.message[0] = '\0';
    pst__call_report rep;
    uint64_t t0 = pst__mono_ns();
    int rc = hskip >= 0 ? pst__header_answer(&s->proc, r->body, r->body_len, hskip,
                                             r->out, r->arena, &s->opt.codec, &err, &rep)
                        : pst__process(&s->proc, sn.protocol, r->body, r->body_len,
                                       r->out, r->arena, &s->opt.codec, &err, &rep);
    count_call(s, r->sc, &rep, t0);
    atomic_fetch_add(&s->stats.calls, 1);
    if (rc < 0) {
        if (rep.over_memory)
            pst__server_call_over_memory(s, r->sc->shard);
        else
            pst__metrics_perr(r->sc->shard, PST__PERR_BAD_MESSAGE);
        pst__server_log(s, PST_LOG_WARN, "%s: HTTP POST %.*s: %s", name_of(peer),
                        (int)r->req->path.len, r->req->path.ptr, err.message);
        if (r->out->len == mark) {
            pst__front_error(r, 400, "%s", err.message);
            return;
        }
        r->keep_alive = false;
    }
    char cors[300];
    pst_str ct = r->req->content_type;
    /* the request's type, echoed as the span it is (formatting it with
     * snprintf was ~700 instructions per call, a copy and strlen ~45) */
    pst_str type = { ct.ptr, ct.len < 120 ? ct.len : 120 };
    respond_at(r, 200, type, mark, str_or_none(pst__front_cors(r, cors, sizeof cors)));
}

/* ---- routing ------------------------------------------------------------------ */

/* "/Service/method" -> the two names; false for any other shape. */
static bool call_path(pst_str path, pst_str *service, pst_str *method)
{
    if (path.len < 4 || path.ptr[0] != '/')
        return false;
    const char *p = path.ptr + 1, *end = path.ptr + path.len;
    const char *slash = memchr(p, '/', (size_t)(end - p));
    if (!slash || slash == p || slash + 1 == end ||
        memchr(slash + 1, '/', (size_t)(end - slash - 1)))
        return false;
    *service = (pst_str){ p, (size_t)(slash - p) };
    *method = (pst_str){ slash + 1, (size_t)(end - slash - 1) };
    return true;
}

static pst__front_next connect_upgrade(pst__front_req *r, pst__front_conn *fc,
                                       peer_name *peer)
{
    pst_server *s = r->s;
    pst_str path = r->req->path;
    bool thrift = str_eq(path, THRIFT_RPC_PATH), json = str_eq(path, JSON_RPC_PATH);
    if ((s->opt.http_off & PST_HTTP_OFF_CONNECT) ||
        (json && (s->opt.http_off & PST_HTTP_OFF_JSON)))
        thrift = json = false;
    if (!thrift && !json) {
        static const char paths[] =
            "CONNECT serves these paths:\n"
            "  " THRIFT_RPC_PATH "  Thrift (binary or compact, framed or not)\n"
            "  " JSON_RPC_PATH "    JSON-RPC 1.0 (Go net/rpc/jsonrpc)\n";
        pst__server_log(s, PST_LOG_INFO, "%s: CONNECT to unknown path %.*s", name_of(peer),
                        (int)(path.len > 100 ? 100 : path.len), path.ptr);
        r->keep_alive = false;
        if ((s->opt.http_off & PST_HTTP_OFF_CONNECT))
            pst__front_error(r, 404, "CONNECT is switched off on this server");
        else
            pst__front_respond(r, 404, "text/plain; charset=utf-8", paths,
                               sizeof paths - 1);
        return PST__FRONT_CLOSE;
    }
    pst_wbuf_append(r->out, PST_HTTP_CONNECT_REPLY, sizeof PST_HTTP_CONNECT_REPLY - 1);
    pst__metrics_kind(r->sc->shard, PST__KIND_HTTP,
                      thrift ? PST__KIND_CONNECT : PST__KIND_JSONRPC);
    pst__server_log(s, PST_LOG_DEBUG, "%s: CONNECT %s", name_of(peer),
                    thrift ? THRIFT_RPC_PATH : JSON_RPC_PATH);
    if (thrift)
        return PST__FRONT_THRIFT;
    fc->mode = MODE_JSONRPC;
    return PST__FRONT_MORE;
}

/* Whether route() would run a handler for req: those requests are what a
 * model with defer_calls runs elsewhere (pst__front_run_call). */
static bool is_call(const pst_server *s, const pst_http_request *req)
{
    pst_str svc, m;
    if (req->method != PST_HTTP_POST)
        return false;
    if (thrift_media(req->content_type))
        return !(s->opt.http_off & PST_HTTP_OFF_THRIFT);
    return !(s->opt.http_off & PST_HTTP_OFF_JSON) && call_path(req->path, &svc, &m);
}

static pst__front_next route(pst__front_req *r, pst__front_conn *fc,
                             peer_name *peer, int fd)
{
    pst_server *s = r->s;
    const pst_http_request *req = r->req;
    unsigned off = s->opt.http_off;
    if (r->sc->shard)
        pst__count_add(&r->sc->shard->http_requests, 1);
    switch (req->method) {
    case PST_HTTP_CONNECT:
        return connect_upgrade(r, fc, peer);
    case PST_HTTP_GET:
    case PST_HTTP_HEAD:
        if (off & PST_HTTP_OFF_PAGES) {
            pst__front_error(r, 404, "pages are switched off on this server");
        } else if (s->admin_fd >= 0 && !on_admin_port(s, fd)) {
            pst__front_error(r, 404, "pages are served on the admin port %d",
                             s->admin_port);
        } else if (!pages_allowed(s, fd)) {
            pst__front_error(r, 403, "pages are not served to this address "
                                     "(server option pages_allow)");
        } else if (!pst__front_page(r)) {
            pst__front_error(r, 404, "no page at %.*s; see /",
                             (int)(req->path.len > 200 ? 200 : req->path.len),
                             req->path.ptr);
        }
        break;
    case PST_HTTP_POST: {
        pst_str svc, m;
        if (thrift_media(req->content_type)) {
            if (off & PST_HTTP_OFF_THRIFT)
                pst__front_error(r, 404, "Thrift over HTTP is switched off on "
                                         "this server");
            else
                thrift_post(r, peer);
        } else if (call_path(req->path, &svc, &m)) {
            if (off & PST_HTTP_OFF_JSON)
                pst__front_error(r, 404, "JSON calls are switched off on this "
                                         "server");
            else
                pst__front_json_call(r, svc, m);
        } else {
            pst__front_error(r, 404, "POST a Thrift message (Content-Type: "
                                     "application/x-thrift) or a JSON call to "
                                     "/Service/method");
        }
        break;
    }
    case PST_HTTP_OPTIONS:
        preflight(r);
        break;
    case PST_HTTP_OTHER:
        pst__front_error(r, 501, "method %.*s is not implemented",
                         (int)(req->method_name.len > 32 ? 32 : req->method_name.len),
                         req->method_name.ptr);
        break;
    default: {
        char allow[] = "Allow: GET, HEAD, POST, OPTIONS, CONNECT\r\n";
        size_t mark = r->out->len;
        static const char msg[] = "method not allowed\n";
        pst_wbuf_append(r->out, msg, sizeof msg - 1);
        pst__front_respond_at(r, 405, "text/plain; charset=utf-8", mark, allow);
        break;
    }
    }
    return r->keep_alive ? PST__FRONT_MORE : PST__FRONT_CLOSE;
}

/* ---- JSON-RPC stream: one object after another ------------------------------- */

enum { JS_IN_STRING = 1, JS_ESCAPE = 2, JS_STARTED = 4 };

/* The first quote or backslash in p[i..n), or n: eight bytes at a time,
 * since most of a request is string contents (a byte-wise scan was ~1,500
 * instructions of a ~100-byte Echo call). "Has a zero byte" is exact. */
static size_t json_string_stop(const uint8_t *p, size_t i, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    for (; n - i >= 8; i += 8) {
        uint64_t x, q, b;
        memcpy(&x, p + i, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        if (((q - ones) & ~q & highs) | ((b - ones) & ~b & highs))
            break;
    }
    while (i < n && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

/* Find where the JSON value starting at p[0] (after whitespace) ends,
 * resuming from fc's scan state. Returns its length once complete, 0 while
 * incomplete, SIZE_MAX when p holds something no object starts with. */
static size_t json_value_end(pst__front_conn *fc, const uint8_t *p, size_t n)
{
    size_t i = fc->json_scan;
    uint16_t depth = fc->json_depth;
    uint8_t fl = fc->json_flags;
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (fl & JS_IN_STRING) {
            if (fl & JS_ESCAPE)
                fl &= (uint8_t)~JS_ESCAPE;
            else if (c == '\\')
                fl |= JS_ESCAPE;
            else if (c == '"')
                fl &= (uint8_t)~JS_IN_STRING;
            else
                i = json_string_stop(p, i + 1, n) - 1; /* the loop's i++: the stop */
            continue;
        }
        if (!(fl & JS_STARTED)) {
            if (c != '{')
                return SIZE_MAX;
            fl |= JS_STARTED;
        }
        if (c == '"') {
            fl |= JS_IN_STRING;
        } else if (c == '{' || c == '[') {
            if (depth == UINT16_MAX)
                return SIZE_MAX;
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return SIZE_MAX;
            if (--depth == 0) {
                fc->json_scan = 0;
                fc->json_depth = 0;
                fc->json_flags = 0;
                return i + 1;
            }
        }
    }
    fc->json_scan = (uint32_t)i;
    fc->json_depth = depth;
    fc->json_flags = fl;
    return 0;
}

static pst__front_next jsonrpc_feed(pst__front_req *r, pst__front_conn *fc,
                                    uint8_t *buf, size_t len, size_t *consumed,
                                    size_t out_budget, peer_name *peer)
{
    size_t off = *consumed;
    while (off < len && r->out->len <= out_budget) {
        /* whitespace between values, outside any scan */
        if (fc->json_scan == 0) {
            while (off < len && (buf[off] == ' ' || buf[off] == '\n' ||
                                 buf[off] == '\r' || buf[off] == '\t'))
                off++;
            *consumed = off;
            if (off == len)
                break;
        }
        size_t n = json_value_end(fc, buf + off, len - off);
        if (n == SIZE_MAX) {
            pst__metrics_perr(r->sc->shard, PST__PERR_BAD_MESSAGE);
            pst__server_log(r->s, PST_LOG_WARN,
                            "%s: closing: JSON-RPC stream holds no object at "
                            "byte %zu",
                            name_of(peer), off);
            return PST__FRONT_CLOSE;
        }
        if (n == 0) {
            if (len - off > (size_t)r->s->opt.codec.max_message) {
                pst__metrics_perr(r->sc->shard, PST__PERR_FRAME_SIZE);
                pst__server_log(r->s, PST_LOG_WARN,
                                "%s: closing: JSON-RPC request over max_message "
                                "%llu bytes",
                                name_of(peer), (unsigned long long)r->s->opt.codec.max_message);
                return PST__FRONT_CLOSE;
            }
            break;
        }
        if (fc->defer_calls) {
            fc->call = (pst__front_call){ 0, (uint32_t)n, (uint32_t)n, true };
            *consumed = off;
            return PST__FRONT_CALL;
        }
        pst__front_jsonrpc(r, buf + off, n);
        pst_arena_reset(r->arena);
        off += n;
        *consumed = off;
    }
    return PST__FRONT_MORE;
}

/* ---- the feed ---------------------------------------------------------------- */

static pst__front_next http_error(pst_server *s, pst__front_scratch *sc,
                                  pst_wbuf *out, int status, const pst_error *err,
                                  peer_name *peer)
{
    pst__metrics_perr(sc->shard, PST__PERR_HTTP);
    pst__server_log(s, PST_LOG_INFO, "%s: HTTP %d: %s", name_of(peer), status, err->message);
    pst__front_req r = { s, sc, NULL, NULL, 0, out, NULL, false };
    pst__front_error(&r, status, "%s", err->message);
    return PST__FRONT_CLOSE;
}

static void limits_of(const pst_server *s, pst_http_limits *lim)
{
    pst__http_limits_init(lim, s->opt.codec.max_message);
    if (s->opt.http_max_request_line)
        lim->max_request_line = s->opt.http_max_request_line;
    if (s->opt.http_max_header_bytes)
        lim->max_header_bytes = s->opt.http_max_header_bytes;
    if (s->opt.http_max_headers)
        lim->max_headers = s->opt.http_max_headers;
}

pst__front_next pst__front_run_call(pst_server *s, const pst__front_call *call,
                                    pst__front_scratch *sc, const uint8_t *buf,
                                    pst_wbuf *out, pst_arena *arena, int fd)
{
    peer_name pn = { NULL, fd, "" };
    pst__front_req r = { s, sc, &sc->req, NULL, 0, out, arena, true };
    pst__front_next next = PST__FRONT_MORE;
    if (call->jsonrpc) {
        pst__front_jsonrpc(&r, buf, call->len);
    } else {
        /* The head was parsed where the call was found; the request struct
         * is per thread, so parse it again here (a few hundred
         * instructions, against a handoff of the whole struct). */
        pst_http_limits lim;
        limits_of(s, &lim);
        pst_http_parser parser;
        pst__http_parser_reset(&parser);
        pst_error err = { 0, "" };
        pst_http_step st = pst__http_parse_head(&parser, buf, call->head_len, &lim,
                                                &sc->req, &err);
        if (st != PST_HTTP_DONE) {
            if (st == PST_HTTP_MORE)
                pst_error_set(&err, PST_E_PROTOCOL, "request head of %u bytes "
                              "incomplete when run", call->head_len);
            return http_error(s, sc, out, parser.status ? parser.status : 500,
                              &err, &pn);
        }
        r.body = buf + call->head_len;
        r.body_len = call->len - call->head_len;
        r.keep_alive = sc->req.keep_alive;
        pst__front_conn none;   /* route wants it for CONNECT only */
        pst__front_conn_init(&none);
        next = route(&r, &none, &pn, fd);
    }
    pst_arena_reset(arena);
    return next;
}

pst__front_next pst__front_feed(pst_server *s, pst__front_conn *fc,
                                pst__front_scratch *sc, uint8_t *buf,
                                size_t len, size_t *consumed, pst_wbuf *out,
                                size_t out_budget, pst_arena *arena,
                                const char *peer, int fd)
{
    pst_http_limits lim;
    limits_of(s, &lim);

    *consumed = 0;
    size_t off = 0;
    peer_name pn = { peer, fd, "" };
    pst__front_req r = { s, sc, &sc->req, NULL, 0, out, arena, true };
    while (off < len) {
        if (fc->mode == MODE_JSONRPC) {
            *consumed = off;
            return jsonrpc_feed(&r, fc, buf, len, consumed, out_budget, &pn);
        }
        if (out->len > out_budget)
            break;
        uint8_t *p = buf + off;
        size_t n = len - off;
        pst_error err;              /* only its head needs clearing (zeroing
                                       all 200 bytes showed per request) */
        err.code = 0;
        err.message[0] = '\0';
        if (fc->in_body) {
            /* The head was parsed by an earlier call, but the request struct
             * is per thread: parse it again (the head is whole). */
            pst__http_parser_reset(&fc->parser);
        }
        pst_http_step st = pst__http_parse_head(&fc->parser, p, n, &lim, &sc->req, &err);
        if (st == PST_HTTP_MORE)
            break;
        if (st == PST_HTTP_ERROR)
            return http_error(s, sc, out, fc->parser.status, &err, &pn);
        pst_http_request *req = &sc->req;
        if (!fc->in_body) {
            fc->in_body = true;
            fc->continue_sent = false;
            pst__http_chunked_reset(&fc->chunked);
        }
        size_t have = n - req->head_len;
        const uint8_t *body = p + req->head_len;
        size_t body_len, msg_len;
        bool complete;
        if (req->chunked) {
            st = pst__http_chunked_decode(&fc->chunked, p + req->head_len, have,
                                          &lim, &err);
            if (st == PST_HTTP_ERROR)
                return http_error(s, sc, out, fc->chunked.status, &err, &pn);
            complete = st == PST_HTTP_DONE;
            body_len = fc->chunked.out;
            msg_len = req->head_len + fc->chunked.in;
        } else {
            complete = pst__http_body_missing(req, have) == 0;
            body_len = (size_t)req->content_length;
            msg_len = req->head_len + body_len;
        }
        if (!complete) {
            if (req->expect_continue && !fc->continue_sent) {
                pst_wbuf_append(out, PST_HTTP_CONTINUE_REPLY,
                                sizeof PST_HTTP_CONTINUE_REPLY - 1);
                fc->continue_sent = true;
            }
            break;
        }
        fc->in_body = false;
        pst__http_parser_reset(&fc->parser);
        if (fc->defer_calls && is_call(s, req)) {
            /* the body lies right after the head, decoded */
            fc->call = (pst__front_call){ (uint32_t)req->head_len,
                                          (uint32_t)(req->head_len + body_len),
                                          (uint32_t)msg_len, false };
            *consumed = off;
            return PST__FRONT_CALL;
        }
        r.body = body;
        r.body_len = body_len;
        r.keep_alive = req->keep_alive;
        pst__front_next next = route(&r, fc, &pn, fd);
        pst_arena_reset(arena);
        off += msg_len;
        *consumed = off;
        if (next != PST__FRONT_MORE)
            return next;
    }
    return PST__FRONT_MORE;
}
