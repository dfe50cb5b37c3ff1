/*
 * postern/server.h: serving a processor on a port.
 *
 * One API for every server model; the model is an option:
 *   SIMPLE       one connection at a time, on the calling thread
 *   THREADED     a thread per connection
 *   POOL         `workers` threads take connections from a queue; connections
 *                beyond the workers wait in the queue (counted in stats)
 *   NONBLOCKING  `io_threads` epoll loops (0 = one per CPU less one); connections
 *                spread across them; handlers run on the loop thread, or on a
 *                pool of `workers` threads when workers > 0
 *
 * Every connection's kind is told from its first bytes (the front door):
 *   0x80 0x01 ...            binary, unframed
 *   0x82 ...                 compact, unframed
 *   [ ...                    JSON, unframed
 *   4-byte length, then one of the above: framed
 *   GET / POST / CONNECT ... HTTP: pages, Thrift over HTTP, JSON calls and
 *                            the CONNECT upgrade (docs/http.md)
 *   16 03 ...                a TLS handshake, with opt.tls BOTH or ON; what
 *                            it carries is told again as above (docs/tls.md)
 * unless `protocol` / `framing` pin them.
 *
 * Stop is graceful: no new connections are accepted, calls already read are
 * finished and their replies written, then connections close and run returns.
 * Every wait of every model also watches the stop signal, so run returns
 * once the handlers in progress have returned and their replies have drained
 * or stop_grace_ms has passed, whichever is first; a peer that takes no
 * bytes cannot hold it longer.
 *
 * Ownership: the server keeps pointers to the processor and options' strings;
 * they must outlive it. Thread-safety: pst_server_stop, pst_server_drain,
 * pst_server_set_ready and pst_server_stats may be called from any thread
 * (stop and drain also from a signal handler); the rest from the owning
 * thread.
 */
#ifndef POSTERN_SERVER_H
#define POSTERN_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "processor.h"
#include "protocol.h"
#include "tls.h"

typedef enum pst_server_model {
    PST_SERVER_SIMPLE = 0,
    PST_SERVER_THREADED,
    PST_SERVER_POOL,
    PST_SERVER_NONBLOCKING
} pst_server_model;

typedef enum pst_framing {
    PST_FRAMING_AUTO = 0,   /* detect per connection */
    PST_FRAMING_FRAMED,     /* 4-byte big-endian length before each message */
    PST_FRAMING_UNFRAMED    /* "buffered": messages back to back */
} pst_framing;

typedef enum pst_log_level {
    PST_LOG_ERROR = 0,
    PST_LOG_WARN,
    PST_LOG_INFO,
    PST_LOG_DEBUG
} pst_log_level;

typedef void (*pst_log_fn)(void *ctx, pst_log_level level, const char *msg);

typedef struct pst_server_options {
    pst_server_model model;
    const char *bind;            /* address to listen on; NULL = "127.0.0.1"
                                    ("::" or "0.0.0.0" for all) */
    int port;                    /* 0 = any free port (see pst_server_port) */
    const char *unix_path;       /* listen on a Unix domain socket instead */
    int backlog;                 /* 0 = 1024 */
    int workers;                 /* POOL: threads (0 = 4); NONBLOCKING: handler
                                    pool (0 = handlers on the loop thread) */
    int io_threads;              /* NONBLOCKING: loops (0 = one per CPU
                                    this process may use, less one, at
                                    least 1: see docs/operations.md) */
    int max_connections;         /* 0 = unlimited; beyond it new connections
                                    are closed at once and counted */
    int idle_timeout_ms;         /* close connections idle this long; 0 = never */
    int read_timeout_ms;         /* a started message must arrive within; 0 = none */
    int write_timeout_ms;        /* a reply must drain within; 0 = the
                                    default PST_SERVER_WRITE_TIMEOUT_MS, so
                                    a peer that reads nothing cannot hold a
                                    connection (and its thread) for ever;
                                    < 0 = no limit */
    const pst_protocol *protocol;/* NULL = detect per connection */
    pst_framing framing;
    pst_codec_config codec;      /* limits: message, frame, depth */
    pst_log_fn log;              /* NULL = stderr for WARN and worse */
    void *log_ctx;
    pst_log_level log_level;     /* messages above this level are dropped */
    int stop_grace_ms;           /* after pst_server_stop, replies still
                                    being written get this long to drain,
                                    then their connections close; 0 = the
                                    write_timeout_ms given, if > 0, else
                                    PST_SERVER_STOP_GRACE_MS */

    /* The HTTP front door on the same port (docs/http.md). Everything is on
     * by default; set PST_HTTP_OFF_* bits to switch parts off. */
    unsigned http_off;
    uint32_t http_max_request_line;  /* 0 = 8 KiB; longer: 414 */
    uint32_t http_max_header_bytes;  /* 0 = 64 KiB; more: 431 */
    uint32_t http_max_headers;       /* 0 = 100 field lines; more: 431 */
    const char *pages_allow;     /* peers that may GET pages: "127.0.0.0/8,
                                    ::1, 10.1.2.3"; NULL = every peer */
    const char *cors_origins;    /* origins browsers may call from: "*" or
                                    "https://a.example,https://b.example";
                                    NULL = none (no CORS headers) */
    int drain_ms;                /* pst_server_drain: answer /health with 503
                                    this long, still serving, then stop;
                                    0 = stop at once */
    bool metrics_off;            /* count nothing per call (GET /metrics
                                    and /status then show zeros); for
                                    measuring what counting costs */
    int http_request_timeout_ms; /* a started HTTP request (head and body)
                                    must arrive within this long when
                                    read_timeout_ms is 0, so slow senders
                                    of headers cannot hold connections;
                                    0 = PST_HTTP_REQUEST_TIMEOUT_MS, < 0 =
                                    none */
    int admin_port;              /* > 0: pages (GET /, /health, /metrics,
                                    /status ...) are served on this port of
                                    the same address, and no longer on the
                                    RPC port; PST_ADMIN_PORT_ANY: any free
                                    port (pst_server_admin_port); 0 = none */
    const char *record_path;     /* append every request and reply of every
                                    connection to this message log
                                    (postern/file.h, docs/file-format.md);
                                    an existing log is continued; NULL =
                                    none. Failed appends are logged and
                                    counted, calls go on */
    bool unix_abstract;          /* unix_path is a name in Linux's abstract
                                    socket namespace (no file; gone with
                                    the last socket), not a path */

    /* TLS (tls.h, docs/tls.md). */
    pst_tls_mode tls;            /* OFF (default), ON: TLS only, BOTH: TLS
                                    and plain on the port, sniffed */
    const char *tls_cert_file;   /* the server's certificate chain (PEM) */
    const char *tls_key_file;    /* its private key (PEM); NULL = in
                                    tls_cert_file */
    const char *tls_ca_file;     /* CAs for client certificates: with it,
                                    clients are asked for one (and it must
                                    verify); NULL = none asked */
    bool tls_require_client_cert;/* refuse clients without a certificate
                                    (needs tls_ca_file) */
    int tls_handshake_timeout_ms;/* a handshake must finish within; 0 =
                                    PST_TLS_HANDSHAKE_TIMEOUT_MS */
    int64_t max_call_memory;     /* bytes one call's decoded arguments (and
                                    what its handler allocates from the
                                    call's arena) may take beyond the small
                                    block every call has: a compact list of
                                    structs with no field set is 1 byte a
                                    value on the wire and up to tens of
                                    bytes decoded. Past it the
                                    call gets PROTOCOL_ERROR and its
                                    connection closes ("call_memory" in
                                    /metrics, stats.call_memory_refused).
                                    0 = PST_CALL_MEMORY_DEFAULT (64 MiB);
                                    < 0 = no limit */
    int zlib_store_below;        /* zlib replies shorter than this many
                                    bytes go out as stored deflate blocks
                                    (not compressed: for a small reply
                                    zlib's Huffman trees cost ~15x what
                                    storing does, and little is saved);
                                    longer ones compressed at level 1.
                                    0 = PST_ZLIB_STORE_BELOW_DEFAULT (128);
                                    < 0 = compress every reply */
} pst_server_options;

/* zlib replies shorter than this are stored (zlib_store_below). */
#define PST_ZLIB_STORE_BELOW_DEFAULT 128

#define PST_ADMIN_PORT_ANY (-1)
#define PST_HTTP_REQUEST_TIMEOUT_MS 30000

#define PST_SERVER_WRITE_TIMEOUT_MS 30000
#define PST_SERVER_STOP_GRACE_MS    10000

/* pst_server_options.http_off bits. */
#define PST_HTTP_OFF_ALL     0x01u  /* no HTTP at all: such connections close */
#define PST_HTTP_OFF_CONNECT 0x02u  /* no CONNECT upgrades */
#define PST_HTTP_OFF_PAGES   0x04u  /* no /, /health, /metrics, /status ... */
#define PST_HTTP_OFF_JSON    0x08u  /* no JSON calls (POST /Service/method,
                                       CONNECT /_json_rpc_) */
#define PST_HTTP_OFF_THRIFT  0x10u  /* no Thrift over HTTP POST */

#define PST_SERVER_OPTIONS_INIT                                               \
    { PST_SERVER_THREADED, NULL, 0, NULL, 0, 0, 0, 0, 0, 0, 0, NULL,           \
      PST_FRAMING_AUTO, PST_CODEC_CONFIG_INIT, NULL, NULL, PST_LOG_WARN, 0,    \
      0, 0, 0, 0, NULL, NULL, 0, false, 0, 0, NULL, false,                   \
      PST_TLS_OFF, NULL, NULL, NULL, false, 0, 0, 0 }

typedef struct pst_server pst_server;

typedef struct pst_server_stats {
    uint64_t accepted;           /* connections accepted */
    uint64_t refused;            /* closed at once: over max_connections */
    uint64_t active;             /* open now */
    uint64_t queued;             /* POOL: waiting for a worker now */
    uint64_t calls;              /* requests answered (or oneway run) */
    uint64_t protocol_errors;    /* connections closed for bad bytes */
    uint64_t timeouts;           /* connections closed by a timeout */
    uint64_t call_memory_refused;/* calls refused for passing
                                    max_call_memory (also counted in
                                    protocol_errors) */
} pst_server_stats;

/* Bind and listen (so the port is known at once); NULL and err on failure. */
pst_server *pst_server_new(const pst_processor *proc,
                           const pst_server_options *opt, pst_error *err);
/* The port actually bound (useful with port 0). */
int pst_server_port(const pst_server *s);
/* The admin port bound, or 0 without one. */
int pst_server_admin_port(const pst_server *s);
/* Serve until pst_server_stop; returns 0 after a graceful stop. */
int pst_server_run(pst_server *s);
/* Ask the server to stop gracefully; returns at once. */
void pst_server_stop(pst_server *s);
void pst_server_stats_get(const pst_server *s, pst_server_stats *out);
/* Leave a load balancer's pool gracefully: GET /health answers 503 at once
 * while everything is still served, and opt.drain_ms later the server
 * stops as pst_server_stop does. Returns at once; async-signal-safe (a
 * SIGTERM handler may call it). With drain_ms 0 it is pst_server_stop. */
void pst_server_drain(pst_server *s);
/* Say whether the application is ready for traffic: GET /health answers
 * 503 while it is not (it is from the start). Any thread. */
void pst_server_set_ready(pst_server *s, bool ready);
/* Close the listener and free; call after run has returned. */
void pst_server_free(pst_server *s);

/* "simple" | "threaded" | "thread-pool" | "nonblocking" -> model; -1 if unknown. */
int pst_server_model_by_name(const char *name);

#endif
