/*
 * postern/pipeline.h: many calls in flight on one connection.
 *
 * A pst_pipeline is one connection shared by any number of threads. Each call
 * takes a fresh sequence id, registers a pending slot under it, writes its
 * request under a write lock (requests of different threads never
 * interleave) and waits. Replies may come back in any order; each is matched
 * to its call by seqid, like Apache Thrift C++'s concurrent client.
 *
 * Who reads: there is no reader thread. The first waiting caller becomes the
 * "leader": it reads replies from the socket and hands each to the caller
 * whose seqid it carries (copying the bytes into that caller's arena and
 * waking it; the caller decodes on its own thread). When the leader's own
 * reply arrives, or its deadline passes, it passes the reading role to
 * another waiter. A lone caller therefore reads its own reply directly, as
 * a synchronous client would, and a partly read message stays buffered for
 * the next leader.
 *
 * Checks on every reply:
 *   seqid of no pending call  -> the connection is broken: every pending
 *                                call fails with PST_E_BAD_SEQID
 *   method name differs       -> broken, PST_E_WRONG_METHOD
 *   not REPLY or EXCEPTION    -> broken, PST_E_BAD_MSG_TYPE
 *   EXCEPTION                 -> that call returns PST_E_APP_EXCEPTION
 *   REPLY                     -> 0, PST_E_DECLARED_EXCEPTION or
 *                                PST_E_MISSING_RESULT, as pst_client_call
 * A reply whose body does not decode fails only its own call (its bytes
 * were delimited by the frame or the message length, so the stream is
 * intact). Once broken, pending calls fail with the status that broke the
 * connection, later calls with PST_E_CLOSED; pst_pipeline_error says why.
 *
 * Deadlines: a call that passes its deadline returns PST_E_TIMEOUT and the
 * connection stays usable: the call's seqid stays reserved ("abandoned")
 * until its late reply arrives, which is then discarded and never delivered
 * to another call. A reply may never come (the server dropped the call):
 * when every one of the max_pending slots is taken, a new call reuses an
 * abandoned call's slot (counted in stats.reclaimed); that call's late
 * reply, if it still comes, is recognised and dropped as long as the slot
 * has not been reclaimed a second time. Only a request whose write fails, or times out once
 * begun (the socket buffer stayed full until the deadline), breaks the
 * connection: the stream may hold half a request. A deadline that passes
 * while waiting for other requests to be written does not. By contrast, a
 * timed-out pst_client_call leaves its synchronous connection unusable.
 * The reader honours the deadline while waiting for a reply to start; a
 * reply already arriving is given up to the same time again to complete
 * (transport.h's idle and read timeouts).
 *
 * Oneway calls are written and not awaited (return 0 once sent).
 *
 * Limits: at most max_pending calls are in flight (abandoned ones count
 * until they are reclaimed, above); beyond that a call fails with
 * PST_E_BUSY. With pst_pipeline_send, wait for (or abandon) every handle.
 *
 * Senders make progress by draining replies: a server may stop reading a
 * connection whose replies are not being taken (postern's non-blocking
 * server does past 1 MiB of unsent output, a thread-based one while its
 * reply write blocks), so a writer that finds the socket full and readable
 * while nobody else reads reads the replies that have arrived itself and
 * keeps them for their callers, as replies that arrive before anyone waits
 * are kept. One thread may therefore pst_pipeline_send any number of calls
 * (up to max_pending) before it waits for any; what the kept replies cost
 * in memory is bounded by max_pending replies.
 *
 * I/O goes through transport.h: a socket stream under a framed or unframed
 * transport. The leader reads through the transport while a writer writes
 * to the stream beneath it; sockets allow one reader and one writer at once.
 *
 * Ownership: the pipeline owns its socket. Reply data lives in the arena
 * passed to the call; given a NULL arena (as pst_client_call allows), in a
 * scratch arena of the calling thread, valid until that thread's next call
 * without an arena. Thread-safety: every function may be called from any
 * thread at once, except pst_pipeline_free, which needs every call to have
 * returned. A pst_arena is still used by one thread at a time: concurrent
 * calls need their own arenas.
 */
#ifndef POSTERN_PIPELINE_H
#define POSTERN_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "deadline.h"
#include "protocol.h"

/* ---- the pipeline --------------------------------------------------------- */

/* Field names and defaults as pst_client_options. */
typedef struct pst_pipeline_options {
    const pst_protocol *protocol;  /* NULL = binary */
    bool framed;                   /* 4-byte length before each message */
    int connect_timeout_ms;        /* 0 = 5000 */
    int call_timeout_ms;           /* deadline of calls given
                                      PST_DEADLINE_DEFAULT; 0 = none */
    uint32_t max_pending;          /* calls in flight, 0 = 256 */
    pst_codec_config codec;        /* limits for replies and requests */
    int64_t max_call_memory;       /* as pst_client_options, counted from
                                      what the arena holds once the reply
                                      is copied into it; 0 = 64 MiB */
} pst_pipeline_options;

#define PST_PIPELINE_OPTIONS_INIT                                             \
    { NULL, false, 0, 0, 0, PST_CODEC_CONFIG_INIT, 0 }

typedef struct pst_pipeline pst_pipeline;

/* Connect to "host:port" ("[v6addr]:port", or "unix:/path"). NULL and err
 * on failure. opt may be NULL for the defaults. Name resolution is not
 * bounded by connect_timeout_ms; numeric addresses need none. */
pst_pipeline *pst_pipeline_connect(const char *endpoint,
                                   const pst_pipeline_options *opt,
                                   pst_error *err);
/* Use an already connected stream socket (e.g. one end of a socketpair).
 * The pipeline takes fd in every case (made non-blocking; closed on
 * failure). */
pst_pipeline *pst_pipeline_adopt(int fd, const pst_pipeline_options *opt,
                                 pst_error *err);

/* Break the connection: pending and later calls fail with PST_E_CLOSED.
 * Wakes every waiter; safe from any thread. */
void pst_pipeline_close(pst_pipeline *pl);
/* Free: every call must have returned. Closes the socket. NULL is ignored. */
void pst_pipeline_free(pst_pipeline *pl);

/* False once the connection is broken or closed. */
bool pst_pipeline_is_open(const pst_pipeline *pl);
/* 0 while open, else the status that broke it; out (may be NULL) gets the
 * detail. */
int pst_pipeline_error(const pst_pipeline *pl, pst_error *out);

/* Call m with args; same contract and return codes as pst_client_call, with
 * the pipeline's call timeout as deadline. The TApplicationException of a
 * PST_E_APP_EXCEPTION is pst_pipeline_app_exception(pl) (or in
 * pst_call_info_last()). result may be NULL for void methods. */
int pst_pipeline_call(pst_pipeline *pl, const pst_method_desc *m,
                      const void *args, void *result, pst_arena *a);

/* The calling thread's last PST_E_APP_EXCEPTION from pst_pipeline_call on
 * pl, or NULL. Valid while that call's arena is. */
const pst_app_exception *pst_pipeline_app_exception(const pst_pipeline *pl);

/* pst_pipeline_call with an explicit deadline (PST_DEADLINE_DEFAULT: the
 * pipeline's call timeout) and an info (may be NULL) for the outcome. */
int pst_pipeline_call_until(pst_pipeline *pl, const pst_method_desc *m,
                            const void *args, void *result, pst_arena *a,
                            pst_deadline deadline, pst_call_info *info);

/* ---- as a pst_client ------------------------------------------------------ */

/* The pipeline as client.h's caller table, for pst_client_view (self is a
 * pst_pipeline *): call is pst_pipeline_call, call_until
 * pst_pipeline_call_until, app_exception / error describe the calling
 * thread's last call through them on that pipeline (as
 * pst_call_info_last()), and broken is !pst_pipeline_is_open. */
extern const pst_client_ops pst_pipeline_client_ops;

/* A pst_client that calls through pl, for generated stubs. NULL if pl is
 * NULL or memory runs out. Free it with pst_client_free (pl stays open);
 * pl must outlive it. Any number of threads may call through one view at
 * once, as through pl. */
pst_client *pst_pipeline_as_client(pst_pipeline *pl);

/* ---- asynchronous form ---------------------------------------------------- */

/* A call sent and not yet waited for. seqid 0: a oneway call (nothing to
 * wait for). */
typedef struct pst_pending {
    int32_t seqid;
} pst_pending;

/* Write the request and return without waiting; the deadline bounds only
 * the write. Every handle must then go to pst_pipeline_wait or
 * pst_pipeline_abandon exactly once. */
int pst_pipeline_send(pst_pipeline *pl, const pst_method_desc *m,
                      const void *args, pst_deadline deadline,
                      pst_pending *out, pst_error *err);
/* Wait for a sent call's reply and decode it into result (arena a). Returns
 * as pst_pipeline_call. The handle is used up whatever the outcome; on
 * PST_E_TIMEOUT the call is abandoned (its reply will be discarded).
 * PST_E_INVALID for a handle that is not pending. */
int pst_pipeline_wait(pst_pipeline *pl, pst_pending p, void *result,
                      pst_arena *a, pst_deadline deadline,
                      pst_call_info *info);
/* Give up on a sent call: its reply, if it comes, is discarded. */
void pst_pipeline_abandon(pst_pipeline *pl, pst_pending p);

/* ---- statistics ----------------------------------------------------------- */

typedef struct pst_pipeline_stats {
    uint64_t calls;        /* requests written (oneway included) */
    uint64_t replies;      /* replies delivered to their callers */
    uint64_t timeouts;     /* calls that returned PST_E_TIMEOUT */
    uint64_t late_replies; /* replies to abandoned calls, discarded */
    uint32_t pending;      /* calls in flight now (abandoned included) */
    uint64_t reclaimed;    /* abandoned calls' seqids reused before their
                              late replies came */
} pst_pipeline_stats;

void pst_pipeline_stats_get(const pst_pipeline *pl, pst_pipeline_stats *out);

#endif
