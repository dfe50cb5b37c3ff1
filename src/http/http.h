/*
 * http.h: HTTP/1.x on postern's ports (internal, not public API): the
 * request-head parser, the chunked body decoder, the response writers and
 * a few header-value helpers. No sockets and no threads here: a server
 * model owns the connection's input buffer and drives these functions
 * over it, from a blocking thread or from an epoll loop alike.
 *
 * The driving loop, for one connection:
 *
 *   pst_http_parser p;  pst__http_parser_reset(&p);
 *   on every read (buf = first byte of the current request, len = bytes
 *   held from there; buf may have moved since the last call):
 *     switch (pst__http_parse_head(&p, buf, len, &lim, &req, &err)) {
 *     case PST_HTTP_MORE:  read more (or time out a slow sender)
 *     case PST_HTTP_ERROR: answer p.status (400, 413, 414, 431, 501, 505)
 *                          with err.message, then close
 *     case PST_HTTP_DONE:  the head is buf[0..req.head_len); the body is
 *                          req.content_length bytes after it, or chunked
 *                          (pst__http_chunked_decode), or nothing
 *     }
 *   then, once the message is answered, drop it from the buffer, reset the
 *   parser and parse again from the next byte (pipelined requests).
 *   With req.expect_continue and body bytes still missing, write
 *   PST_HTTP_CONTINUE_REPLY before reading the body. After a CONNECT the
 *   bytes from buf + req.head_len on are the RPC stream's first bytes.
 *
 * Decisions where RFC 9110/9112 leave a choice:
 *   - Content-Length repeated with the same value (as lines or as a list
 *     "5, 5") counts as one value; different values are 400.
 *   - Transfer-Encoding: a list that does not end in exactly one chunked
 *     is 400 (the length cannot be known); chunked last after a coding we
 *     do not decode ("gzip, chunked") is 501; with Content-Length, or in
 *     an HTTP/1.0 request, 400.
 *   - Host is not required (Go's and Vitess's CONNECT send none, also
 *     over HTTP/1.1); more than one Host field is 400.
 *   - Any token is a method: an unknown one parses as PST_HTTP_OTHER and
 *     the router answers 501 (or 405 where the path is known).
 *   - Request targets are VCHAR only (no raw UTF-8: 400).
 *
 * Ownership: nothing here allocates. Every span (pst_str) in a
 * pst_http_request points into the caller's buffer and is valid until the
 * caller moves, frees or overwrites those bytes; copy what must outlive
 * that. The parser state holds offsets only, never pointers, so the
 * caller may move or grow the buffer between calls as long as the bytes
 * already passed stay the same and buf points at the request's first
 * byte again.
 *
 * Cost: a request whose bytes arrive one at a time is scanned O(n) in all
 * (the state remembers where the last call stopped); a head that arrives
 * whole is read in one pass with memchr line scanning and table lookups,
 * no allocation and no strlen.
 *
 * Errors are a function of the bytes only: feeding a request in one piece
 * or byte by byte gives the same result, status and message. Size limits
 * are checked on a line before its contents; lines are checked in order;
 * checks that relate several fields (Content-Length against
 * Transfer-Encoding, duplicates, the body limit) run once the head is
 * complete.
 *
 * Thread-safety: all functions are reentrant; a parser, decoder or
 * request belongs to one thread at a time. The tables are const.
 */
#ifndef POSTERN_HTTP_H
#define POSTERN_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "postern/error.h"
#include "postern/protocol.h"
#include "postern/types.h"

/* ---- limits ------------------------------------------------------------ */

#define PST_HTTP_DEFAULT_REQUEST_LINE 8192u   /* longer: 414 */
#define PST_HTTP_DEFAULT_HEADER_BYTES 65536u  /* longer field section: 431 */
#define PST_HTTP_DEFAULT_HEADERS 100u         /* more field lines: 431 */
#define PST_HTTP_DEFAULT_CHUNK_LINE 4096u     /* longer chunk-size line: 400 */
/* The most field lines a pst_http_request holds; max_headers is clamped
 * to it. */
#define PST_HTTP_HEADERS_CAP 128u
/* Empty lines before a request line are skipped (RFC 9112 2.2: a client
 * may send a CRLF after a POST body), up to this many bytes; more is 400. */
#define PST_HTTP_MAX_LEADING_EMPTY 8u

typedef struct pst_http_limits {
    uint32_t max_request_line;  /* bytes without the line ending -> 414 */
    uint32_t max_header_bytes;  /* field section incl. the blank line -> 431;
                                   also bounds a chunked body's trailers */
    uint32_t max_headers;       /* field lines -> 431; also trailer lines */
    uint32_t max_chunk_line;    /* chunk-size line incl. extensions -> 400 */
    uint64_t max_body;          /* decoded body bytes -> 413 */
} pst_http_limits;

/* The defaults above, with max_body (the server's message limit). */
void pst__http_limits_init(pst_http_limits *lim, uint64_t max_body);

/* ---- the request ------------------------------------------------------- */

typedef enum pst_http_method {
    PST_HTTP_OTHER = 0, /* a valid token we do not know: see method_name;
                           the router answers 501 */
    PST_HTTP_GET,
    PST_HTTP_HEAD,
    PST_HTTP_POST,
    PST_HTTP_PUT,
    PST_HTTP_DELETE,
    PST_HTTP_OPTIONS,
    PST_HTTP_PATCH,
    PST_HTTP_CONNECT,
    PST_HTTP_TRACE
} pst_http_method;

typedef enum pst_http_target_form {
    PST_HTTP_ORIGIN_FORM,    /* "/path?query" */
    PST_HTTP_ABSOLUTE_FORM,  /* "http://host/path?query": path is the path */
    PST_HTTP_AUTHORITY_FORM, /* CONNECT "host:port": path is the target */
    PST_HTTP_ASTERISK_FORM   /* OPTIONS "*": path is "*" */
} pst_http_target_form;

typedef struct pst_http_header {
    pst_str name;   /* as sent (compare case-insensitively) */
    pst_str value;  /* without leading and trailing whitespace */
} pst_http_header;

typedef struct pst_http_request {
    pst_http_method method;
    pst_http_target_form form;
    pst_str method_name;     /* the raw token, e.g. "GET" */
    pst_str target;          /* the request-target as sent */
    pst_str path;            /* before '?' (origin- and absolute-form; "/"
                                (static) for "http://host"); else target */
    pst_str query;           /* after '?', without it; {NULL, 0} when none */
    uint8_t version_minor;   /* 0 or 1; HTTP/1.2..1.9 are read as 1.1 */
    bool keep_alive;         /* 1.1: unless "Connection: close"; 1.0: only
                                with "Connection: keep-alive" */
    bool chunked;            /* Transfer-Encoding: chunked */
    bool has_content_length;
    bool expect_continue;    /* "Expect: 100-continue" (ignored for 1.0) */
    bool bare_lf;            /* some line of the head ended in LF alone */
    uint64_t content_length; /* 0 when absent */
    size_t head_len;         /* bytes of the head, from buf[0] (leading
                                empty lines included) through the blank line */
    pst_str host, content_type, accept, origin; /* {NULL, 0} when absent */
    uint32_t nheaders;
    pst_http_header headers[PST_HTTP_HEADERS_CAP];
} pst_http_request;

/* ---- the head parser (parse.c) ----------------------------------------- */

typedef enum pst_http_step {
    PST_HTTP_MORE = 0,  /* need more bytes */
    PST_HTTP_DONE,      /* head (or chunked body) complete */
    PST_HTTP_ERROR      /* see the state's status and the pst_error */
} pst_http_step;

/* Per connection, 20 bytes. Offsets are from the request's first byte. */
typedef struct pst_http_parser {
    uint32_t start;        /* where the request line starts */
    uint32_t line;         /* first line not yet checked */
    uint32_t scanned;      /* bytes before this hold no LF after `line` */
    uint32_t fields_start; /* after the request line; 0 while not read */
    uint16_t nfields;      /* field lines checked */
    uint16_t status;       /* the HTTP status of the error, 0 if none */
} pst_http_parser;

void pst__http_parser_reset(pst_http_parser *p);

/* Parse the head of the request at buf[0..len). len may only grow between
 * calls (the bytes before it stay the same); buf may move. On DONE, req
 * describes the request; on MORE its contents are unspecified; on ERROR
 * p->status is the HTTP status to answer (sticky: later calls return
 * ERROR again), err (may be NULL) gets PST_E_PROTOCOL (400), PST_E_LIMIT
 * (413, 414, 431) or PST_E_UNSUPPORTED (501, 505) and a message naming
 * what and where ("line 3 (offset 41): ..."). Leading empty lines are
 * skipped (PST_HTTP_MAX_LEADING_EMPTY). */
pst_http_step pst__http_parse_head(pst_http_parser *p, const uint8_t *buf,
                                   size_t len, const pst_http_limits *lim,
                                   pst_http_request *req, pst_error *err);

/* Content-Length bodies: how many more bytes the body needs when `have`
 * bytes follow the head (0 when complete, or for a chunked or body-less
 * request). */
static inline uint64_t pst__http_body_missing(const pst_http_request *req,
                                              size_t have)
{
    if (req->chunked || req->content_length <= have)
        return 0;
    return req->content_length - have;
}

/* The pst_error code for an HTTP error status. */
int pst__http_status_code(int status);

/* ---- chunked bodies (chunked.c) ---------------------------------------- */

/* Decoding is in place: the decoded body is compacted to the front of the
 * encoded bytes (it is never longer), so no second buffer is needed.
 * Chunk extensions are skipped, trailers are checked (field syntax, the
 * header limits) and dropped. Bare LF line endings are accepted as in the
 * head; a bare CR is 400. */
typedef struct pst_http_chunked {
    uint64_t left;          /* data bytes still to come in this chunk */
    size_t in;              /* encoded bytes consumed, from body[0] */
    size_t out;             /* decoded bytes, at body[0..out) */
    uint32_t line;          /* bytes of the current size or trailer line */
    uint32_t trailer_bytes; /* bytes of trailers so far */
    uint16_t trailers;      /* trailer field lines so far */
    uint8_t state;
    uint16_t status;        /* the HTTP status of the error, 0 if none */
} pst_http_chunked;

void pst__http_chunked_reset(pst_http_chunked *c);

/* Decode body[c->in..len): body is the first byte after the head, len the
 * bytes held from there (it may only grow between calls; body may move as
 * long as its bytes do, including those already decoded). DONE: the body
 * is body[0..c->out) and the message ends at body + c->in (the next
 * pipelined request starts there). ERROR: c->status is 400 (bad chunk
 * size, line or framing), 413 (more than lim->max_body decoded bytes) or
 * 431 (trailers over the header limits); err as for the head. */
pst_http_step pst__http_chunked_decode(pst_http_chunked *c, uint8_t *body,
                                       size_t len, const pst_http_limits *lim,
                                       pst_error *err);

/* ---- responses (response.c) -------------------------------------------- */

/* The exact reply to a CONNECT on a known path, byte-compatible with Go's
 * net/rpc client (status text) and Vitess's Python client (reads up to a
 * literal "\n\n"). */
#define PST_HTTP_CONNECT_REPLY "HTTP/1.0 200 Connected to Go RPC\n\n"
#define PST_HTTP_CONTINUE_REPLY "HTTP/1.1 100 Continue\r\n\r\n"
/* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define PST_HTTP_DATE_LEN 29u

typedef struct pst_http_response {
    int status;
    bool keep_alive;   /* "Connection: keep-alive", else "close" */
    bool head_only;    /* HEAD: the body's Content-Length, not its bytes */
    pst_str content_type; /* {NULL, 0}: none */
    pst_str allow;        /* e.g. "GET, HEAD" for 405; {NULL, 0}: none */
    pst_str date;         /* IMF-fixdate (pst__http_format_date) or none */
    pst_str extra;        /* further lines, each ending "\r\n", or none */
} pst_http_response;

/* "OK", "Not Found", ...; "Unknown" for a status not in the table. */
const char *pst__http_reason(int status);

/* "HTTP/1.1 <status> <reason>\r\n" then the fields of r with
 * Content-Length: content_length (none for 1xx and 204), then the blank
 * line. The body is the caller's to append. 0 or w->err. */
int pst__http_write_head(pst_wbuf *w, const pst_http_response *r,
                         uint64_t content_length);

/* pst__http_write_head then the body (unless r->head_only, or the status
 * has no body). 0 or w->err. */
int pst__http_write_response(pst_wbuf *w, const pst_http_response *r,
                             const void *body, size_t body_len);

/* One field line "name: value\r\n". 0 or w->err. */
int pst__http_write_field(pst_wbuf *w, pst_str name, pst_str value);

/* IMF-fixdate of t into out (PST_HTTP_DATE_LEN bytes and a NUL). Callers
 * cache it per second. */
void pst__http_format_date(time_t t, char out[PST_HTTP_DATE_LEN + 1]);

/* ---- header values (value.c) ------------------------------------------- */

/* Does the comma-separated list `value` hold `token` (case-insensitive,
 * whitespace around elements and ";parameters" ignored)? For Connection,
 * Transfer-Encoding, Expect. */
bool pst__http_list_has(pst_str value, const char *token, size_t token_len);

/* Case-insensitive equality of a span and a lower-case literal. */
bool pst__http_ieq(pst_str s, const char *lower, size_t n);

typedef enum pst_http_media {
    PST_HTTP_MEDIA_TEXT = 0,  /* text/plain: curl, no Accept, ties */
    PST_HTTP_MEDIA_HTML,      /* text/html: browsers */
    PST_HTTP_MEDIA_JSON       /* application/json */
} pst_http_media;

/* Which of text/plain, text/html and application/json an Accept value
 * prefers, by q-value; an exact match beats a wildcard of the same q, and
 * remaining ties go text, then html, then json. */
pst_http_media pst__http_accept_pick(pst_str accept);

#endif
