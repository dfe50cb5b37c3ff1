/*
 * postern/pool.h: calls spread over connections to one or more servers.
 *
 * A pst_pool keeps up to max_per_endpoint connections to each endpoint and
 * lends one to each call: pst_pool_call takes an idle connection (or opens
 * one), makes the call, and gives the connection back unless the call left
 * it unusable (broken, or timed out with the server still busy on it).
 * Connections are opened lazily, on demand.
 *
 * Choosing an endpoint: round-robin over the endpoints that are up. An
 * endpoint goes down when a connect to it fails, or a transport or protocol
 * error hits a connection freshly opened to it; it is then skipped until its
 * back-off has passed (backoff_initial_ms, doubling per failed retry up to
 * backoff_max_ms), when one call probes it with a new connect; success puts
 * it back and resets its back-off. The same error on a reused connection
 * closes that endpoint's idle connections (they are likely stale too) but
 * does not take it down: the next call reconnects and decides. An idle
 * connection that the server closed is noticed before reuse and dropped.
 * A call whose connect fails tries the next endpoint (nothing was sent).
 * A call whose connection turns out closed before its whole request
 * reached the socket (the pipeline was already broken, or a write failed
 * before the last byte, e.g. the server restarted just after the idle
 * check) cannot have run: it is made again on another connection or
 * endpoint, up to the number of endpoints + 2 times, within its deadline,
 * and counted once. A call whose request was written is not made again,
 * since it may have run - unless the options say `idempotent` (every method
 * may safely run twice) and the peer closed or reset the connection before
 * any byte of the reply came. That is what a server restarting behind a TCP
 * load balancer looks like: a postern server that stops gracefully answers
 * every request it has read, so such a call did not run there, but a client
 * cannot tell that from a server that crashed mid-call.
 *
 * pst_pool_call has pst_client_call's contract and return codes, plus:
 *   PST_E_UNAVAILABLE  no endpoint is up (all in back-off, or every
 *                  connect in this call failed); nothing was sent, and the
 *                  info says which endpoint is down, why, and for how long
 *   PST_E_TIMEOUT  the deadline passed, also while waiting for a free
 *                  connection when every usable endpoint is at its bound
 * A call that times out does not take its endpoint down.
 *
 * Connections are pipelines (pipeline.h) used by one call at a time, so
 * deadlines never leave a connection in an unknown state.
 *
 * Ownership: the pool copies the endpoint list; the protocol table must
 * outlive it. Thread-safety: every function may be called from any thread
 * at once, except pst_pool_free, which needs every call to have returned.
 */
#ifndef POSTERN_POOL_H
#define POSTERN_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline.h"

typedef struct pst_pool_options {
    const char *endpoints;         /* "host:port,host:port": commas and/or
                                      spaces between; "[v6]:port" and
                                      "unix:/path" too; at most 64 */
    const pst_protocol *protocol;  /* NULL = binary */
    bool framed;                   /* 4-byte length before each message */
    int connect_timeout_ms;        /* 0 = 1000 */
    int call_timeout_ms;           /* deadline of calls given
                                      PST_DEADLINE_DEFAULT; 0 = none */
    int max_per_endpoint;          /* connections per endpoint, 0 = 8 */
    int backoff_initial_ms;        /* 0 = 100 */
    int backoff_max_ms;            /* 0 = 30000 */
    pst_codec_config codec;
    bool idempotent;               /* every method may run twice: also make
                                      again a call left unanswered by a
                                      closed connection (see above) */
} pst_pool_options;

#define PST_POOL_OPTIONS_INIT                                                 \
    { NULL, NULL, false, 0, 0, 0, 0, 0, PST_CODEC_CONFIG_INIT, false }

typedef struct pst_pool pst_pool;

/* Parse the endpoints and set up; connects nothing yet. NULL and err on
 * bad options. */
pst_pool *pst_pool_new(const pst_pool_options *opt, pst_error *err);
/* Close every connection and free; every call must have returned. */
void pst_pool_free(pst_pool *p);

/* Same contract and return codes as pst_client_call (see above), with the
 * pool's call timeout. The outcome detail is in pst_call_info_last(). */
int pst_pool_call(pst_pool *p, const pst_method_desc *m, const void *args,
                  void *result, pst_arena *a);
/* The calling thread's last PST_E_APP_EXCEPTION from pst_pool_call on p,
 * or NULL. Valid while that call's arena is. */
const pst_app_exception *pst_pool_app_exception(const pst_pool *p);
/* With an explicit deadline (PST_DEADLINE_DEFAULT: the pool's call
 * timeout; it bounds waiting for a connection, connecting and the call)
 * and an info (may be NULL) for the outcome. */
int pst_pool_call_until(pst_pool *p, const pst_method_desc *m,
                        const void *args, void *result, pst_arena *a,
                        pst_deadline deadline, pst_call_info *info);

/* ---- as a pst_client ------------------------------------------------------ */

/* The pool as client.h's caller table, for pst_client_view (self is a
 * pst_pool *): call is pst_pool_call, call_until pst_pool_call_until, and
 * app_exception / error describe the calling thread's last call through
 * them on that pool (as pst_call_info_last()). broken is NULL: a pool is
 * never unusable for good (endpoints come back), so a view over it reports
 * false. */
extern const pst_client_ops pst_pool_client_ops;

/* A pst_client that calls through p, for generated stubs. NULL if p is
 * NULL or memory runs out. Free it with pst_client_free (p is untouched);
 * p must outlive it. Any number of threads may call through one view at
 * once, as through p. */
pst_client *pst_pool_as_client(pst_pool *p);

/* ---- statistics ----------------------------------------------------------- */

typedef struct pst_pool_stats {
    uint64_t calls;            /* pool calls made */
    uint64_t failures;         /* calls that returned anything but 0,
                                  PST_E_DECLARED_EXCEPTION or
                                  PST_E_APP_EXCEPTION */
    uint64_t connects;         /* connections opened */
    uint64_t connect_failures;
    uint64_t retries;          /* calls made again after their connection
                                  closed (see above) */
    uint32_t endpoints;        /* configured */
    uint32_t endpoints_up;     /* not in back-off */
    uint32_t connections;      /* open now, idle or lent */
    uint32_t idle;             /* open and idle now */
} pst_pool_stats;

void pst_pool_stats_get(const pst_pool *p, pst_pool_stats *out);

typedef struct pst_pool_endpoint_stats {
    const char *name;          /* as configured; lives as long as the pool */
    bool up;
    int64_t retry_in_ms;       /* down: ms until it may be probed (0: due) */
    int last_error;            /* status of the last failure that took it
                                  down, 0 if none */
    uint64_t calls, failures, connects, connect_failures;
    uint64_t retries;          /* calls made again after failing here */
    uint32_t connections, idle;
} pst_pool_endpoint_stats;

size_t pst_pool_endpoint_count(const pst_pool *p);
/* Endpoint i in configured order; PST_E_INVALID if i is out of range. */
int pst_pool_endpoint_stats_get(const pst_pool *p, size_t i,
                                pst_pool_endpoint_stats *out);

#endif
