/*
 * nb_internal.h: what the files of the NONBLOCKING server model share (see
 * nonblocking.c for the model as a whole):
 *
 *   nonblocking.c  run: loops and their threads, wake-ups, stop
 *   nb_accept.c    the listening socket, accepting, which loop gets a conn
 *   nb_conn.c      a connection's life: open, the state machine, close
 *   nb_read.c      reading, the front door's sniffing, the input buffer,
 *                  answering requests inline or handing them to the workers
 *   nb_http.c      where a connection that speaks HTTP goes
 *   nb_reply.c     sending, the unsent output, the worker pool and the
 *                  collection of its replies in request order
 *   nb_timer.c     idle, read, write and linger timeouts, stop's grace
 *
 * Helpers on the per-call path are static inline here so every file keeps
 * them inlined.
 *
 * Thread-safety: an nb_loop and its connections belong to the loop's thread,
 * except the fields marked "under mu" and the atomics; an nb_job belongs to
 * the loop until submitted, then to the worker that takes it, then to the
 * loop again through its done list. Every function below runs on the loop's
 * thread unless it says otherwise.
 */
#ifndef POSTERN_SERVER_NB_INTERNAL_H
#define POSTERN_SERVER_NB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "processor/processor_internal.h"
#include "postern/arena.h"
#include "postern/processor.h"
#include "postern/protocol.h"
#include "server/loop.h"
#include "server/server_internal.h"

#define READ_SCRATCH   (64u * 1024)   /* per loop: one recv at most this    */
#define ARENA_BLOCK    (32u * 1024)   /* per loop / worker: small calls     */
#define OUT_HIGH       (1u << 20)     /* stop reading a connection above    */
#define OUT_LOW        (OUT_HIGH / 2) /* ... and resume below               */
#define INFLIGHT_HIGH  1024u          /* worker jobs per connection         */
#define SCRATCH_KEEP   (1u << 20)     /* shrink loop's output scratch above */
#define SNIFF_MAX      PST__SNIFF_BYTES /* bytes that always decide */
#define LINGER_MS      2000           /* after shutdown(SHUT_WR)            */
#define ACCEPT_PAUSE_MS 100           /* after EMFILE and friends           */
#define ACCEPT_BATCH   64

#ifndef PST__LIKELY
#define PST__LIKELY(x) __builtin_expect(!!(x), 1)
#define PST__UNLIKELY(x) __builtin_expect(!!(x), 0)
#endif
#ifndef PST__COLD
#define PST__COLD __attribute__((cold, noinline))
#endif

/* The struct holding `member` at p (callbacks get the embedded pst__io or
 * pst__timer back). */
#define PST__CONTAINER_OF(p, type, member) \
    ((type *)(void *)((char *)(p) - offsetof(type, member)))

typedef struct nb_loop nb_loop;
typedef struct nb_conn nb_conn;
typedef struct nb_job nb_job;
typedef struct nb_pool nb_pool;
typedef struct nb_run nb_run;

enum {
    C_CLOSED    = 1u << 0,  /* fd closed; struct waits for workers or free */
    C_EOF       = 1u << 1,  /* peer shut its write side: answer, then close */
    C_ERROR     = 1u << 2,  /* protocol error: flush earlier replies, close */
    C_DRAIN     = 1u << 3,  /* server stopping: read no more, finish, close */
    C_LINGER    = 1u << 4,  /* our write side is shut; waiting for peer EOF */
    C_PAUSED    = 1u << 5,  /* back-pressure: not reading                   */
    C_WPROGRESS = 1u << 6,  /* this pass wrote bytes (refreshes write timer)*/
    C_MSGDONE   = 1u << 7,  /* this pass completed a message (read timer)   */
    C_TOUCHED   = 1u << 8,  /* in the current batch of finished jobs        */
    C_DROP      = 1u << 9,  /* a job failed: drop the replies after it      */
    C_HUP       = 1u << 10, /* peer gone both ways: fd out of epoll, replies
                               cannot be delivered; what was read still runs */
    C_UPGRADED  = 1u << 11, /* Thrift after CONNECT: HTTP no longer sniffed */
    C_HTTP      = 1u << 12, /* speaks HTTP; `http` may be NULL between
                               requests (made again when bytes arrive) */
    C_ZLIB      = 1u << 13  /* zlib filter installed: sniffed inside it */
};

struct pst__front_conn;
struct pst__front_scratch;
typedef struct pst__nb_filter pst__nb_filter;

struct nb_conn {
    pst__io io;
    pst__timer timer;
    nb_loop *loop;
    nb_conn *prev, *next;          /* the loop's open connections */
    const pst_protocol *proto;     /* NULL until sniffed */
    uint16_t flags;
    bool framed;
    uint32_t inflight;             /* jobs at the workers */
    /* partial input (NULL while none) */
    uint8_t *in;
    uint32_t in_len, in_cap;
    uint32_t rescan_at;            /* unframed: walk the message again from
                                      this many bytes (0 = at every read) */
    /* unsent output (NULL while none) */
    uint8_t *out;
    size_t out_off, out_len, out_cap;
    /* workers: jobs in request order; replies leave from the head */
    nb_job *jobs_head, *jobs_tail;
    size_t inflight_bytes;
    uint32_t unsent_calls;         /* answered calls whose replies sit in out */
    nb_conn *touched_next;
    struct pst__front_conn *http;  /* HTTP state while a request is in
                                      progress or after CONNECT to JSON-RPC;
                                      NULL for Thrift and idle HTTP */
    pst__conn_entry entry;         /* in the server's list, for /connections */
    pst__nb_filter *filter;        /* bytes pass through it (TLS); NULL for
                                      plain connections (nb_filter.c) */
};

struct nb_job {
    nb_job *next;                  /* pool queue, then loop's done list */
    nb_job *conn_next;             /* connection's order */
    nb_conn *conn;
    const pst_protocol *proto;
    bool framed, done;
    bool http;                     /* a call of the front door (nb_http.c):
                                      req is its head and decoded body */
    bool jsonrpc;                  /* http: a JSON-RPC request object */
    uint8_t then;                  /* http: pst__front_next after it ran */
    uint32_t head_len;             /* http: bytes of req that are the head */
    int fd;                        /* http: names the peer in log lines */
    int rc;
    pst_wbuf reply;
    pst_error err;
    size_t len;
    uint8_t req[];
};

struct nb_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    nb_job *head, *tail;
    bool quit;
    int nthreads;
    pthread_t *threads;
    pst_server *s;
};

struct nb_loop {
    pst__loop loop;
    nb_run *run;
    pst_server *s;
    int index;
    pthread_t thread;
    bool thread_started;
    bool stopping, listening;

    pst__io listen_io, stop_io, wake_io, admin_io;
    pst__timer_list idle_list, read_list, write_list, linger_list, http_list,
        accept_list, grace_list, handshake_list;
    pst__timer accept_timer, grace_timer;

    nb_conn *conns;                /* open connections */
    atomic_uint nconns;            /* open + handed over, for balancing */
    unsigned zombies;              /* closed, waiting for their jobs */
    nb_conn *graveyard;            /* closed during this wake-up; freed after */

    uint8_t *scratch;              /* READ_SCRATCH bytes */
    pst_wbuf out;                  /* replies of the current pass */
    pst_arena arena;
    uint8_t *arena_block;
    uint64_t calls_batch;          /* calls answered into `out` this pass */
    pst__metrics_shard *shard;     /* this loop's counters (may be NULL) */
    int64_t lat_ms;                /* the coarse millisecond of lat_passes */
    unsigned lat_passes;           /* passes timed in it (nb_lat_begin) */
    const pst_method_desc *lat_method; /* the last method counted and its */
    int lat_index;                 /* metrics index: calls are mostly to one */
    pst__counter *lat_outcomes;    /* ... and its outcome counters in `shard`
                                      (NULL: not counted per method) */
    struct pst__front_scratch *front; /* HTTP request scratch, on first use */
    struct pst__front_conn *spare_http; /* one idle HTTP state, reused by the
                                           next request (no malloc per call) */
    nb_job *batch_head, *batch_tail; /* jobs of this pass, for the pool */

    /* cross-thread inbox, under mu */
    pthread_mutex_t mu;
    bool mu_init;
    bool exited;                   /* loop_main returned: hand nothing over */
    atomic_bool gone;              /* `exited`, for pst__nb_pick_loop */
    int *inbox;
    size_t inbox_len, inbox_cap;
    nb_job *done_head, *done_tail;
    bool wake_pending;

    /* filtered connections (nb_filter.c): a read's plain bytes, answered
     * in place like the scratch of a plain read, and a pass's replies as
     * wire bytes (swapped with `out` to be sent): no buffer per call */
    pst_wbuf plain, wire;
};

struct nb_run {
    pst_server *s;
    nb_loop *loops;
    int nloops;
    nb_pool *pool;
    bool tcp;                      /* set TCP_NODELAY on accepted sockets */
};

/* ---- helpers on the per-call path ---------------------------------------- */

static inline uint32_t rd_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void wr_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Reply bytes c still has to send. */
static inline size_t out_pending(const nb_conn *c)
{
    return c->out_len - c->out_off;
}

/* Frame the reply written after the 4 bytes reserved at `mark`: put its
 * length there, or take the 4 bytes back when there is no reply (a oneway
 * call, or a reply dropped because it was cut short). */
static inline void frame_reply(pst_wbuf *out, size_t mark)
{
    if (out->len <= mark + 4)
        out->len = mark;
    else
        wr_be32(out->data + mark, (uint32_t)(out->len - mark - 4));
}

/* Count one call that ended at `now` and began at *since (the previous
 * call's end, or the batch's start: one clock read per call), and move
 * *since on. */
static inline void nb_count_call(pst__metrics_shard *sh, pst_server *s,
                                 const pst__call_report *rep, uint64_t *since)
{
    uint64_t now = pst__mono_ns();
    if (PST__LIKELY(rep->method != NULL))
        pst__metrics_call(sh, pst__metrics_method_index(&s->metrics, rep->method),
                          rep->outcome, now - *since);
    else
        pst__metrics_perr(sh, PST__PERR_UNKNOWN_METHOD);
    *since = now;
}

/* The calls of one pass, timed together: each call's method and outcome
 * are counted at once, and one clock read per NB_LAT_CALLS calls gives
 * them an equal share of the time since the last read (one call per pass,
 * the usual case without pipelining, is timed exactly). Pipelined calls
 * cost one clock read per batch instead of one each.
 *
 * Under load the latency histogram is a sample: a loop times at most
 * NB_LAT_PASSES_PER_MS passes in each millisecond of its coarse clock
 * (every pass of a server that is not busy), so clock reads stay a small
 * cost whatever the rate; the call counters are always exact. */
#define NB_LAT_CALLS 16
#define NB_LAT_PASSES_PER_MS 4
typedef struct nb_lat {
    pst__metrics_shard *sh;        /* NULL: not timing this pass */
    pst__metrics_shard *count;     /* the shard that counts outcomes */
    uint64_t since;
    unsigned n;
    nb_loop *loop;                 /* its last_method/last_index cache */
    int index[NB_LAT_CALLS];
} nb_lat;

static inline void nb_lat_begin(nb_lat *t, nb_loop *l)
{
    pst__metrics_shard *sh = l->shard;
    t->count = sh;
    t->n = 0;
    t->loop = l;
    if (sh && l->lat_ms != l->loop.now_ms) {
        l->lat_ms = l->loop.now_ms;
        l->lat_passes = 0;
    }
    t->sh = sh && l->lat_passes++ < NB_LAT_PASSES_PER_MS ? sh : NULL;
    t->since = t->sh ? pst__mono_ns() : 0;
}

static inline void nb_lat_flush(nb_lat *t)
{
    if (!t->n)
        return;
    uint64_t now = pst__mono_ns();
    uint64_t each = (now - t->since) / t->n;
    unsigned bucket = pst__lat_bucket(each);
    for (unsigned i = 0; i < t->n; i++)
        pst__metrics_latency(t->sh, t->index[i], bucket, each);
    t->n = 0;
    t->since = now;
}

/* The loop's cache of the last method counted: its metrics index and
 * outcome counters (none for a NULL method or one of another service). */
static PST__COLD void nb_lat_method(nb_loop *l, pst_server *s,
                                    const pst_method_desc *m)
{
    l->lat_method = m;
    l->lat_index = m ? pst__metrics_method_index(&s->metrics, m) : -1;
    l->lat_outcomes = l->lat_index >= 0 && l->shard
                          ? l->shard->methods[l->lat_index].outcome : NULL;
}

static inline void nb_lat_call(nb_lat *t, pst_server *s,
                               const pst__call_report *rep)
{
    if (!t->count)
        return;
    nb_loop *l = t->loop;
    /* the cached counters: no index arithmetic or checks per call */
    if (PST__UNLIKELY(rep->method != l->lat_method))
        nb_lat_method(l, s, rep->method);
    if (PST__LIKELY(l->lat_outcomes != NULL))
        pst__count_add(&l->lat_outcomes[rep->outcome], 1);
    else if (!rep->method)
        pst__metrics_perr(t->count, PST__PERR_UNKNOWN_METHOD);
    if (!t->sh)
        return;
    t->index[t->n++] = l->lat_outcomes ? l->lat_index : -1;
    if (t->n == NB_LAT_CALLS)
        nb_lat_flush(t);
}

/* Put j, made for c, at the end of c's jobs and of the loop's batch for the
 * pool (submitted at the end of the pass). */
static inline void nb_job_enqueue(nb_conn *c, nb_job *j)
{
    nb_loop *l = c->loop;
    if (c->jobs_tail)
        c->jobs_tail->conn_next = j;
    else
        c->jobs_head = j;
    c->jobs_tail = j;
    c->inflight++;
    c->inflight_bytes += j->len;
    if (l->batch_tail)
        l->batch_tail->next = j;
    else
        l->batch_head = j;
    l->batch_tail = j;
}

/* Free c's partial input (idle connections keep no buffer). */
static inline void in_drop(nb_conn *c)
{
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_cap = 0;
}

/* ---- nonblocking.c ------------------------------------------------------- */

/* Wake loop l's thread (its eventfd); with l->mu held. Any thread. */
void pst__nb_loop_wake_locked(nb_loop *l);

/* ---- nb_accept.c --------------------------------------------------------- */

/* Watch the listening socket; 0 or -errno. */
int pst__nb_accept_init(nb_loop *l);
/* Stop accepting (the loop is stopping). */
void pst__nb_accept_stop(nb_loop *l);
/* The running loop with the fewest connections (`self` on a tie) for a
 * connection `self` accepted. */
nb_loop *pst__nb_pick_loop(nb_loop *self);

/* ---- nb_conn.c ----------------------------------------------------------- */

/* Serve fd (accepted, or handed over by another loop) on l. */
void pst__nb_conn_open(nb_loop *l, int fd);
/* After any activity on c: back-pressure, finishing, epoll interest, timer. */
void pst__nb_conn_update(nb_conn *c);
/* Close c now, logging `why` (NULL: silently) and what the close drops. */
void pst__nb_conn_close(nb_conn *c, pst_log_level level, const char *why);
void pst__nb_conn_closef(nb_conn *c, pst_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A request that cannot be answered: log why, count it, answer what came
 * before it, then close. */
void pst__nb_conn_fail(nb_conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* What c speaks, for metrics (its protocol and framing once sniffed). */
pst__conn_kind pst__nb_conn_kind(const nb_conn *c);
/* Free the connections closed during this wake-up. */
void pst__nb_free_graveyard(nb_loop *l);
/* "127.0.0.1:5678", "[::1]:5678" or "unix socket fd N", into buf. */
const char *pst__nb_peer_name(int fd, char *buf, size_t n);

/* ---- nb_read.c ----------------------------------------------------------- */

/* Read what c's socket has and answer every complete request in it. */
void pst__nb_conn_read(nb_conn *c);
/* Append what is left in c's socket to c->in, answering nothing; 0, or -1
 * when c was closed. */
int pst__nb_conn_read_rest(nb_conn *c);
/* Answer (or hand to the workers) the complete requests in [data,
 * data+len); returns the bytes consumed. */
size_t pst__nb_conn_process(nb_conn *c, const uint8_t *data, size_t len);
/* Drop the first `used` bytes of c->in. */
void pst__nb_in_consume(nb_conn *c, size_t used);
/* Append [p, p+n) to c->in (a filter's plain bytes). 0, PST_E_NOMEM, or
 * PST_E_LIMIT past one message's bound and one read. */
int pst__nb_in_append(nb_conn *c, const uint8_t *p, size_t n);
/* What c->in may hold (a message and an HTTP head, plus one read):
 * appending past it is PST_E_LIMIT. */
size_t pst__nb_in_bound(const nb_conn *c);
/* At end of stream, with every complete request answered: drop (and log)
 * the incomplete message left in c->in. */
void pst__nb_eof_drop_partial(nb_conn *c);

/* ---- nb_http.c ----------------------------------------------------------- */

/* c's first bytes [p, p+avail) are HTTP: take the connection over;
 * returns the bytes answered. */
size_t pst__nb_conn_start_http(nb_conn *c, const uint8_t *p, size_t avail);
/* pst__nb_conn_process for a connection that speaks HTTP (c->http). */
size_t pst__nb_http_process(nb_conn *c, const uint8_t *data, size_t len);
/* On a worker: run HTTP job j (its call's handler), the reply into
 * j->reply. *front is the worker's request scratch, made on first use and
 * freed by the worker; sh its metrics shard (may be NULL). */
void pst__nb_http_run(pst_server *s, nb_job *j, struct pst__front_scratch **front,
                      pst_arena *arena, pst__metrics_shard *sh);
/* HTTP job j of c came back (c open, no job failed before it): its
 * response goes out like a reply, then c's HTTP carries on or closes. */
void pst__nb_http_done(nb_conn *c, nb_job *j);

/* ---- nb_reply.c ---------------------------------------------------------- */

/* Send c's unsent output and the loop's fresh replies; 0, or -1 when c was
 * closed. */
int pst__nb_conn_send(nb_conn *c);
/* Give the jobs of this pass to the worker pool. */
void pst__nb_submit_batch(nb_loop *l);
/* Jobs the workers finished: send their replies in request order. */
void pst__nb_handle_done(nb_job *jobs);
void pst__nb_job_free(nb_job *j);
/* The worker pool of `workers` threads; start returns 0 or a PST_E_ code. */
int pst__nb_pool_start(nb_run *run);
void pst__nb_pool_stop(nb_run *run);

/* Append [p, p+n) to c's unsent output (a filter's wire bytes). 0 or -1
 * (out of memory). */
int pst__nb_out_append(nb_conn *c, const uint8_t *p, size_t n);

/* ---- nb_filter.c: byte filters between the socket and a connection ------
 *
 * A filter transforms a connection's bytes in both directions: wire bytes
 * read go through `input`, which puts the plain bytes they complete into
 * one sink (c->in, where the Thrift and HTTP readers find them as always)
 * and any bytes it must send on its own (a handshake's, an alert) into
 * another (c->out); the replies of a pass go through `output` into c->out
 * just before the send. A filter never blocks: one that needs more bytes
 * (a handshake half done) keeps what it has and returns; one that has
 * bytes to send puts them in the wire sink, sent with the connection's
 * output and its back-pressure and write timeout. Sinks make filters
 * stack (TLS, then zlib: nb_zlib.c) and keep them ignorant of nb_conn.
 * Plain connections have none: one pointer test per read and per send.
 * TLS is nb_tls.c, zlib nb_zlib.c. */
typedef struct pst__nb_sink pst__nb_sink;
struct pst__nb_sink {
    /* Take [p, p+n): 0, PST_E_NOMEM, or PST_E_LIMIT (the plain side holds
     * more than one message's bound and one read: a filter that expands,
     * like a decompressor, must stop there). */
    int (*put)(pst__nb_sink *k, const uint8_t *p, size_t n);
};

typedef struct pst__nb_filter_ops {
    const char *name;
    /* Wire bytes in. 0, PST_E_CLOSED at the peer's orderly end (TLS's
     * close_notify), or an error with err saying why (the connection then
     * closes once what was put in `back`, an alert, has been sent). */
    int (*input)(pst__nb_filter *f, const uint8_t *p, size_t n,
                 pst__nb_sink *plain, pst__nb_sink *back, pst_error *err);
    /* Plain reply bytes out, as wire bytes into `wire`. 0 or an error. */
    int (*output)(pst__nb_filter *f, const uint8_t *p, size_t n,
                  pst__nb_sink *wire, pst_error *err);
    /* Still in a handshake: the handshake timeout applies (NULL: never). */
    bool (*handshaking)(const pst__nb_filter *f);
    /* Our side is closing: the goodbye (close_notify) into wire. Optional. */
    void (*finish)(pst__nb_filter *f, pst__nb_sink *wire);
    /* The peer's identity for handlers (pst_tls_peer_identity). Optional. */
    const char *(*identity)(const pst__nb_filter *f);
    void (*free)(pst__nb_filter *f);
} pst__nb_filter_ops;

struct pst__nb_filter {
    const pst__nb_filter_ops *ops;
};

/* pst__nb_conn_read for a connection with a filter. */
void pst__nb_filter_read(nb_conn *c);
/* pst__nb_conn_read_rest for a connection with a filter: what is left in
 * the socket, through the filter into c->in. 0, or -1 when c was closed. */
int pst__nb_filter_read_rest(nb_conn *c);
/* pst__nb_conn_send's first step with a filter: the loop's fresh replies
 * through it into c->out. 0, or -1 when c was closed. */
int pst__nb_filter_output(nb_conn *c);
/* c starts closing its write side: the filter's goodbye, sent if the
 * socket takes it now. */
void pst__nb_filter_finish(nb_conn *c);
/* Run c's complete requests in c->in (with the filter's identity visible
 * to handlers), as pst__nb_conn_read does after a read. */
void pst__nb_filter_process(nb_conn *c);
/* The identity handlers see for c's calls (NULL: none). */
const char *pst__nb_filter_identity(const nb_conn *c);
void pst__nb_filter_free(pst__nb_filter *f);
/* Put [p, p+n) (wire bytes) through c's filter, as if just read. 0, or -1
 * when c failed (C_ERROR) or was closed. */
int pst__nb_filter_feed(nb_conn *c, const uint8_t *p, size_t n, bool *eof);

/* ---- nb_tls.c ------------------------------------------------------------ */

/* c's first bytes [p, p+avail) open a TLS handshake: give c a TLS filter
 * and feed it them. Returns the bytes consumed (all of them). */
size_t pst__nb_tls_start(nb_conn *c, const uint8_t *p, size_t avail);

/* ---- nb_zlib.c ----------------------------------------------------------- */

/* c's first plain bytes [p, p+avail) open a zlib stream (TZlibTransport):
 * give c a zlib filter (over the one it has, TLS), inflate them into c->in
 * and answer what they complete. [p, p+avail) is either the loop's scratch
 * or all of c->in; returns the bytes the caller should consume: avail from
 * the scratch, 0 from c->in (which now holds inflated bytes only). */
size_t pst__nb_zlib_start(nb_conn *c, const uint8_t *p, size_t avail);

/* ---- nb_timer.c ---------------------------------------------------------- */

/* Register the loop's timer lists (connections' timeouts, stop's grace). */
void pst__nb_timers_init(nb_loop *l);
/* After a pass over c: (re)arm the one timer that applies. */
void pst__nb_conn_arm_timer(nb_conn *c, bool done_reading);

#endif
