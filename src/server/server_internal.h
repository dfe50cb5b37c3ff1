/*
 * server_internal.h: what the server models share (not public API).
 *
 * server.c owns pst_server: options, the listening socket, the stop signal
 * and the counters; it runs SIMPLE / THREADED / POOL itself and hands
 * NONBLOCKING to nonblocking.c through pst__nonblocking_run.
 * sniff.c tells a connection's protocol and framing from its first bytes.
 */
#ifndef POSTERN_SERVER_INTERNAL_H
#define POSTERN_SERVER_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "conn_registry.h"
#include "metrics.h"
#include "postern/server.h"

struct pst_server {
    pst_processor proc;
    pst_server_options opt;       /* copied; defaults filled in by new */
    int listen_fd;                /* non-blocking listening socket */
    int port;                     /* bound port (0 for Unix sockets) */
    int admin_fd;                 /* the admin port's listener, or -1 */
    int admin_port;
    int stop_fd;                  /* eventfd: becomes readable on stop */
    int drain_fd;                 /* eventfd: a drain began (sampler thread) */
    atomic_bool stopping;         /* set by pst_server_stop */
    struct {
        atomic_uint_fast64_t accepted, refused, active, queued, calls,
            protocol_errors, timeouts, call_memory_refused;
    } stats;
    pst__metrics metrics;         /* per-thread shards, for /metrics */
    pst__conn_registry conns;     /* open connections, for /connections */
    atomic_bool draining;         /* /health answers 503 */
    atomic_bool not_ready;        /* the application said not ready */
    int64_t started_ms;           /* CLOCK_MONOTONIC at new, for uptime */
    struct pst__history *history; /* /status's sampler while running */
    atomic_uint threads_unjoined; /* THREADED: connection threads started
                                     and not yet joined (for tests) */
    struct pst_file_writer *recorder; /* opt.record_path's log, or NULL */
    struct ssl_ctx_st *tls_ctx;   /* opt.tls on: the certificate and key,
                                     shared by every connection */
};

/* Recording (record.c): open opt.record_path and tap the processor, or
 * nothing without one; 0 or the error. Stop undoes it (any time after
 * start, also after a failed start). */
int pst__record_start(pst_server *s, pst_error *err);
void pst__record_stop(pst_server *s);

/* Log through opt.log at `level` (dropped above opt.log_level). */
void pst__server_log(pst_server *s, pst_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The limit of a call's arena: opt.max_call_memory, 0 = none. */
static inline size_t pst__server_call_memory(const pst_server *s)
{
    return (size_t)s->opt.max_call_memory;
}

/* A call passed max_call_memory (pst__call_report.over_memory): count it
 * in the stats and, when sh is not NULL, in /metrics as "call_memory".
 * The caller closes the connection and counts the protocol error. */
void pst__server_call_over_memory(pst_server *s, pst__metrics_shard *sh);

/* NONBLOCKING model, in nonblocking.c: serve until s->stopping, then drain
 * gracefully and return 0. Reads s->listen_fd (already listening,
 * O_NONBLOCK) and wakes on s->stop_fd. */
int pst__nonblocking_run(pst_server *s);

/* ---- front door: what a connection speaks, from its first bytes ------- */

typedef enum pst_sniff_kind {
    PST_SNIFF_NEED_MORE = 0,   /* not enough bytes yet to tell */
    PST_SNIFF_THRIFT,          /* protocol and framing filled in */
    PST_SNIFF_HTTP,            /* an HTTP request line: the front door (front.h) */
    PST_SNIFF_UNKNOWN,         /* nothing postern speaks: close */
    PST_SNIFF_ZLIB             /* a zlib stream (TZlibTransport): inflate,
                                  then sniff what it carries */
} pst_sniff_kind;

typedef struct pst_sniff {
    pst_sniff_kind kind;
    const pst_protocol *protocol;
    pst_framing framing;
} pst_sniff;

/* ---- THeader (header_process.c) ------------------------------------------ */

struct pst__call_report;

/* Answer the header frame body[0..n) (what follows its length), as
 * pst__process answers a message: the reply frame's body (no length) is
 * appended to out, in the request's protocol and transforms; nothing for a
 * oneway call. < 0 with err for a frame that cannot be answered.
 * A frame message m[0..len) of a framed connection is a header frame when
 * pst__header_nested says how many bytes to skip: 0 for 0f ff at once, 4
 * for a header frame with its own length inside the plain frame (Thrift's
 * THeaderProtocol over TFramedTransport), -1 for no header frame. */
int pst__header_process(const pst_processor *proc, const uint8_t *body,
                        size_t n, pst_wbuf *out, pst_arena *arena,
                        const pst_codec_config *cfg, pst_error *err,
                        struct pst__call_report *rep);
static inline int pst__header_nested(const uint8_t *m, size_t len)
{
    if (len >= 2 && m[0] == 0x0F && m[1] == 0xFF)
        return 0;
    if (len >= 6 && m[4] == 0x0F && m[5] == 0xFF &&
        ((uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3]) ==
            len - 4)
        return 4;
    return -1;
}
/* Answer a header frame message as pst__header_nested found it: skip 4
 * also puts the reply's own length before its body. */
int pst__header_answer(const pst_processor *proc, const uint8_t *m, size_t len,
                       int skip, pst_wbuf *out, pst_arena *arena,
                       const pst_codec_config *cfg, pst_error *err,
                       struct pst__call_report *rep);

/* Look at the first n bytes of a connection (n may grow between calls).
 * Honours pinned opt.protocol / opt.framing. PST__SNIFF_BYTES always
 * decide (an old-style binary header inside a frame takes the most:
 * length, name length, 8 name bytes, type). */
#define PST__SNIFF_BYTES 24u

/* The deflate level of a server's zlib replies (both models). A reply of
 * an RPC is small, and below a few kilobytes deflate's cost is mostly the
 * Huffman trees it builds at every flush, the same at every level; level 1
 * skips the lazy matching of zlib's default 6 and costs a sixth less per
 * call (bench/README.md, "TLS and zlib"), with output hardly bigger. The
 * peer's inflate reads any level, so this is no wire change. */
#define PST__ZLIB_REPLY_LEVEL 1

/* Why a zlib reply shorter than opt.zlib_store_below (by default
 * PST_ZLIB_STORE_BELOW_DEFAULT) goes out as a stored block (deflate level
 * 0, no compression: the message plus 5 bytes, then the sync flush's 5).
 * At this size the Huffman trees are ~13,000 of the ~14,000 instructions
 * deflate spends on a reply at any level (bench/README.md, "zlib: small
 * replies stored"), while compressing can save at most the reply's own
 * bytes, about a TCP/IP packet's headers. Any inflater reads stored
 * blocks, so this is no wire change either; bigger replies are compressed
 * at PST__ZLIB_REPLY_LEVEL. */

void pst__sniff(const pst_server_options *opt, const uint8_t *p, size_t n,
                pst_sniff *out);

/* TLS on the front door, asked before pst__sniff while a connection is not
 * TLS yet: with opt->tls BOTH, a TLS handshake record (16 03) is TLS and
 * anything else plain; with ON, anything else is refused; with OFF, all is
 * plain. */
typedef enum pst__tls_sniff {
    PST__TLS_SNIFF_MORE = 0,   /* one byte so far, and it could be TLS */
    PST__TLS_SNIFF_TLS,
    PST__TLS_SNIFF_PLAIN,      /* go on with pst__sniff */
    PST__TLS_SNIFF_REFUSED     /* plain bytes on a TLS-only server */
} pst__tls_sniff;
pst__tls_sniff pst__sniff_tls(const pst_server_options *opt, const uint8_t *p,
                              size_t n);

#endif
