/*
 * metrics.h: the server's counters and histograms, cheap enough to leave on.
 *
 * Every thread that serves calls (a nonblocking loop, a handler worker, a
 * connection thread of the blocking models) owns one shard while it runs
 * and counts into it alone. A shard's counters are written by its owner
 * only, as a relaxed load plus a relaxed store: no locked instruction and
 * no cache line shared with another writer on the hot path. A scrape sums
 * every shard with relaxed loads, so a sum may be a few calls behind, never
 * torn.
 *
 * Shards are never freed while the server lives: a thread that finishes
 * hands its shard back (its counts stay in the totals) and the next thread
 * takes it, so the number of shards is the most threads that ever counted
 * at once.
 *
 * Thread-safety: pst__metrics_acquire/release and the scrape functions may
 * be called from any thread; the pst__metrics_* counting functions only by
 * the shard's owner.
 */
#ifndef POSTERN_SERVER_METRICS_H
#define POSTERN_SERVER_METRICS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "processor/processor_internal.h"
#include "postern/protocol.h"
#include "postern/types.h"


/* What a connection speaks; a CONNECT upgrade moves it from HTTP to the
 * protocol behind the path. */
typedef enum pst__conn_kind {
    PST__KIND_BINARY = 0,
    PST__KIND_COMPACT,
    PST__KIND_BINARY_FRAMED,
    PST__KIND_COMPACT_FRAMED,
    PST__KIND_HTTP,
    PST__KIND_CONNECT,          /* Thrift after CONNECT /_thrift_rpc_ */
    PST__KIND_JSONRPC,          /* JSON-RPC after CONNECT /_json_rpc_ */
    PST__KIND_COUNT
} pst__conn_kind;

/* Why a connection was closed for what it sent, or a call refused. */
typedef enum pst__perr {
    PST__PERR_UNKNOWN_BYTES = 0, /* first bytes are no protocol we speak */
    PST__PERR_BAD_MESSAGE,       /* a message that does not decode */
    PST__PERR_FRAME_SIZE,        /* a frame or message over the limit */
    PST__PERR_UNKNOWN_METHOD,    /* a call to a method the service lacks */
    PST__PERR_HTTP,              /* a malformed or refused HTTP request */
    PST__PERR_CALL_MEMORY,       /* a call past max_call_memory decoded */
    PST__PERR_COUNT
} pst__perr;

/* Latency buckets' upper bounds in nanoseconds (Prometheus `le`), from
 * 5 us (a loop-thread handler's usual time) to 10 s; the last bucket,
 * +Inf, is implicit. */
#define PST__LAT_BOUNDS 20
extern const uint64_t pst__lat_bounds_ns[PST__LAT_BOUNDS];

typedef _Atomic uint64_t pst__counter;

typedef struct pst__method_stats {
    pst__counter outcome[PST__OUTCOME_COUNT];
    pst__counter bucket[PST__LAT_BOUNDS + 1]; /* not cumulative */
    pst__counter sum_ns;
} pst__method_stats;

typedef struct pst__metrics_shard {
    struct pst__metrics_shard *next;   /* every shard, for the scrape */
    struct pst__metrics_shard *free_next;
    pst__counter bytes_in, bytes_out;
    pst__counter calls_begun, calls_done;   /* in flight = begun - done */
    pst__counter opened[PST__KIND_COUNT], closed[PST__KIND_COUNT];
    pst__counter perr[PST__PERR_COUNT];
    pst__counter http_requests;
    pst__method_stats methods[];       /* one per method, index order */
} pst__metrics_shard;

typedef struct pst__metrics {
    const pst_service_desc *service;
    uint32_t nmethods;                 /* the service's and its bases' */
    const pst_method_desc **methods;   /* index -> method */
    const pst_service_desc **owners;   /* index -> service declaring it */
    pthread_mutex_t lock;              /* guards the two lists */
    pst__metrics_shard *all, *free;
    struct timespec started;           /* CLOCK_REALTIME at new */
} pst__metrics;

int pst__metrics_init(pst__metrics *m, const pst_service_desc *service);
void pst__metrics_destroy(pst__metrics *m);

/* Take a shard for this thread (NULL when out of memory: counting then
 * stops for that thread, nothing else does); give it back when done. */
pst__metrics_shard *pst__metrics_acquire(pst__metrics *m);
void pst__metrics_release(pst__metrics *m, pst__metrics_shard *sh);

/* The method's index in m->methods, or -1 (not this service's). */
int pst__metrics_method_index(const pst__metrics *m, const pst_method_desc *md);

/* ---- counting, by the shard's owner only ------------------------------ */

static inline void pst__count_add(pst__counter *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static inline uint64_t pst__count_get(pst__counter *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* Monotonic nanoseconds, for call latency (vDSO: no system call). */
static inline uint64_t pst__mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline unsigned pst__lat_bucket(uint64_t ns)
{
    unsigned i = 0;
    while (i < PST__LAT_BOUNDS && ns > pst__lat_bounds_ns[i])
        i++;
    return i;
}

/* One call on method `index` (from pst__metrics_method_index) ended with
 * `outcome` after `ns` nanoseconds. */
static inline void pst__metrics_call(pst__metrics_shard *sh, int index,
                                     pst__outcome outcome, uint64_t ns)
{
    if (!sh || index < 0)
        return;
    pst__method_stats *ms = &sh->methods[index];
    pst__count_add(&ms->outcome[outcome], 1);
    pst__count_add(&ms->bucket[pst__lat_bucket(ns)], 1);
    pst__count_add(&ms->sum_ns, ns);
}

/* The same in two steps, for callers that time several calls with one
 * clock read: the outcome now, the latency later. */
static inline void pst__metrics_outcome(pst__metrics_shard *sh, int index,
                                        pst__outcome outcome)
{
    if (sh && index >= 0)
        pst__count_add(&sh->methods[index].outcome[outcome], 1);
}

static inline void pst__metrics_latency(pst__metrics_shard *sh, int index,
                                        unsigned bucket, uint64_t ns)
{
    if (!sh || index < 0)
        return;
    pst__method_stats *ms = &sh->methods[index];
    pst__count_add(&ms->bucket[bucket], 1);
    pst__count_add(&ms->sum_ns, ns);
}

static inline void pst__metrics_bytes(pst__metrics_shard *sh, uint64_t in,
                                      uint64_t out)
{
    if (!sh)
        return;
    pst__count_add(&sh->bytes_in, in);
    pst__count_add(&sh->bytes_out, out);
}

static inline void pst__metrics_perr(pst__metrics_shard *sh, pst__perr why)
{
    if (sh)
        pst__count_add(&sh->perr[why], 1);
}

/* A connection became `to` (from `from`, or PST__KIND_COUNT when new). */
static inline void pst__metrics_kind(pst__metrics_shard *sh,
                                     pst__conn_kind from, pst__conn_kind to)
{
    if (!sh)
        return;
    if (from < PST__KIND_COUNT)
        pst__count_add(&sh->closed[from], 1);
    if (to < PST__KIND_COUNT)
        pst__count_add(&sh->opened[to], 1);
}

/* ---- reading ----------------------------------------------------------- */

/* The totals over every shard, as the pages show them. */
typedef struct pst__metrics_totals {
    uint64_t bytes_in, bytes_out, in_flight, http_requests;
    uint64_t opened[PST__KIND_COUNT], open[PST__KIND_COUNT];
    uint64_t perr[PST__PERR_COUNT];
} pst__metrics_totals;

void pst__metrics_sum(pst__metrics *m, pst__metrics_totals *t);
/* Method `index`'s counts summed over shards into *out (plain numbers in
 * the atomic slots; *out is the caller's). */
void pst__metrics_method_sum(pst__metrics *m, uint32_t index,
                             pst__method_stats *out);

const char *pst__conn_kind_name(pst__conn_kind k);
const char *pst__outcome_name(pst__outcome o);
const char *pst__perr_name(pst__perr p);

#endif
