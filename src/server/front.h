/*
 * front.h: the HTTP side of the front door, shared by every server model
 * (not public API).
 *
 * When the sniffer says a connection speaks HTTP, the model hands its bytes
 * to pst__front_feed and writes what it appends to `out`. The same call
 * serves, on one connection, in order:
 *
 *   GET/HEAD  / /health /metrics /status /connections /schema /Service
 *                                                         pages
 *   POST      application/x-thrift (any path)             one Thrift call
 *   POST      /Service/method, any other content type     a JSON call
 *   OPTIONS   (CORS preflight)
 *   CONNECT   /_thrift_rpc_  /_json_rpc_                  an upgrade
 *
 * and, after CONNECT /_json_rpc_, Go's JSON-RPC 1.0 stream. Nothing here
 * reads or writes a socket, blocks or keeps a thread: a blocking model
 * calls it after each read, an epoll loop after each read event, with the
 * connection's unconsumed bytes in one contiguous buffer.
 *
 * The model keeps per connection a pst__front_conn (small: no request, no
 * buffer) and per thread a pst__front_scratch (the parsed request and the
 * thread's metrics shard); handlers of Thrift and JSON calls run on the
 * calling thread, in the call arena given, unless the model set
 * `defer_calls`: then pst__front_feed stops in front of each call (a Thrift
 * POST, a JSON call, a JSON-RPC request) and returns PST__FRONT_CALL, and
 * the model runs it with pst__front_run_call where its RPC handlers run
 * (the nonblocking model's workers). Pages, errors and CONNECT are always
 * answered by pst__front_feed itself.
 */
#ifndef POSTERN_SERVER_FRONT_H
#define POSTERN_SERVER_FRONT_H

#include "http/http.h"
#include "metrics.h"
#include "server_internal.h"

typedef enum pst__front_next {
    PST__FRONT_MORE = 0,  /* keep buf[consumed..len) and call again once more
                             bytes arrived (or, if consumed > 0, at once:
                             more requests may be complete) */
    PST__FRONT_CLOSE,     /* send out, then close (an error or "close") */
    PST__FRONT_THRIFT,    /* CONNECT /_thrift_rpc_ answered: send out, then
                             buf[consumed..len) and what follows are Thrift,
                             to be sniffed as a new connection's bytes */
    PST__FRONT_CALL       /* (defer_calls only) send out; a call starts at
                             buf[consumed], described by fc->call: run it
                             (pst__front_run_call), then feed what follows
                             it, buf[consumed + fc->call.raw_len..) */
} pst__front_next;

/* A call pst__front_feed stopped in front of. Its bytes, buf[consumed..
 * consumed + len), are the request's head (head_len bytes, 0 for
 * JSON-RPC) and its body, decoded (a chunked body is decoded in place, so
 * the call's `len` can be less than the raw_len bytes it took). */
typedef struct pst__front_call {
    uint32_t head_len;
    uint32_t len;
    uint32_t raw_len;
    bool jsonrpc;             /* a JSON-RPC request object, not HTTP */
} pst__front_call;

typedef struct pst__front_conn {
    pst_http_parser parser;
    pst_http_chunked chunked;
    uint32_t json_scan;       /* JSON-RPC: bytes of the pending value scanned */
    uint16_t json_depth;
    uint8_t json_flags;
    uint8_t mode;             /* HTTP, or JSON-RPC after its CONNECT */
    bool continue_sent;       /* "100 Continue" answered for this request */
    bool in_body;             /* head parsed; waiting for the body */
    bool defer_calls;         /* set by the model: return PST__FRONT_CALL */
    pst__front_call call;     /* what PST__FRONT_CALL stopped in front of */
} pst__front_conn;

typedef struct pst__front_scratch {
    pst_http_request req;        /* the request being answered (~4 KiB) */
    pst__metrics_shard *shard;   /* this thread's, or NULL */
    char date[PST_HTTP_DATE_LEN + 1];
    time_t date_sec;
} pst__front_scratch;

void pst__front_conn_init(pst__front_conn *fc);
/* What fc speaks now, for metrics: HTTP, or JSON-RPC after its CONNECT. */
pst__conn_kind pst__front_conn_kind(const pst__front_conn *fc);

/* Serve what is complete in buf[0..len): append responses to out, set
 * *consumed to the bytes of the requests answered. Stops early once out
 * holds more than out_budget bytes (pipelined floods): call again after
 * sending. `peer` names the connection in log lines (NULL: named from fd
 * when a line is logged); fd is the socket, for pages_allow (-1: none).
 * arena is the call arena, reset by this function between requests.
 * buf is written to: chunked bodies are decoded in place. */
pst__front_next pst__front_feed(pst_server *s, pst__front_conn *fc,
                                pst__front_scratch *sc, uint8_t *buf,
                                size_t len, size_t *consumed, pst_wbuf *out,
                                size_t out_budget, pst_arena *arena,
                                const char *peer, int fd);

/* Run the call pst__front_feed stopped in front of: buf[0..call->len) is
 * its copy (head, then decoded body). Appends the response to out (an HTTP
 * response, or a JSON-RPC response line) and says what comes next:
 * PST__FRONT_MORE, or PST__FRONT_CLOSE (send out, then close). Any thread:
 * sc is the calling thread's; it touches no connection state, so the
 * connection may go on without it (fd only names the peer in log lines). */
pst__front_next pst__front_run_call(pst_server *s, const pst__front_call *call,
                                    pst__front_scratch *sc, const uint8_t *buf,
                                    pst_wbuf *out, pst_arena *arena, int fd);

/* ---- pieces, in their own files ----------------------------------------- */

/* What the router hands a page or call (front_pages.c, front_json.c). */
typedef struct pst__front_req {
    pst_server *s;
    pst__front_scratch *sc;
    const pst_http_request *req;
    const uint8_t *body;
    size_t body_len;
    pst_wbuf *out;
    pst_arena *arena;
    bool keep_alive;
} pst__front_req;

/* Append a complete response with body[0..n). */
void pst__front_respond(pst__front_req *r, int status, const char *type,
                        const void *body, size_t n);
/* The same, for a body already appended at out[mark..): the head goes
 * in front of it. */
void pst__front_respond_at(pst__front_req *r, int status, const char *type,
                           size_t mark, const char *extra);
/* A short text/plain error (status and message), and close unless 404. */
void pst__front_error(pst__front_req *r, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The CORS lines for a response to r (into buf), or NULL when its Origin
 * is not one of cors_origins. */
const char *pst__front_cors(const pst__front_req *r, char *buf, size_t cap);
/* GET/HEAD pages. true when the path is a page (answered). */
bool pst__front_page(pst__front_req *r);
/* POST /Service/method with a JSON body. */
void pst__front_json_call(pst__front_req *r, pst_str service, pst_str method);
/* One JSON-RPC request object; its response line appended to r->out. */
void pst__front_jsonrpc(pst__front_req *r, const uint8_t *p, size_t n);

/* The service by name in the extends chain (NULL: none). */
const pst_service_desc *pst__front_service(const pst_server *s, pst_str name);

#endif
