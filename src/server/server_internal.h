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
};

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
    PST_SNIFF_UNKNOWN          /* nothing postern speaks: close */
} pst_sniff_kind;

typedef struct pst_sniff {
    pst_sniff_kind kind;
    const pst_protocol *protocol;
    pst_framing framing;
} pst_sniff;

/* Look at the first n bytes of a connection (n may grow between calls).
 * Honours pinned opt.protocol / opt.framing. PST__SNIFF_BYTES always
 * decide (an old-style binary header inside a frame takes the most:
 * length, name length, 8 name bytes, type). */
#define PST__SNIFF_BYTES 24u
void pst__sniff(const pst_server_options *opt, const uint8_t *p, size_t n,
                pst_sniff *out);

#endif
