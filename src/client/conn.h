/*
 * conn.h: what the pipelining client and the pool share (not public API):
 * deadlines as poll/condvar timeouts, "host:port" endpoint strings, and
 * connecting and writing bounded by a deadline on top of transport.h, whose
 * streams and message transports do the socket work. A transport keeps a
 * partial message across read timeouts, so whoever reads next carries on
 * where the last reader stopped.
 */
#ifndef POSTERN_CLIENT_CONN_H
#define POSTERN_CLIENT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "postern/pipeline.h"
#include "postern/pool.h"
#include "postern/transport.h"

/* ---- deadlines (deadline.c) ---- */
int64_t pst__monotonic_ns(void);
/* d itself, or timeout_ms from now when d is PST_DEADLINE_DEFAULT
 * (timeout_ms <= 0: never). */
pst_deadline pst__deadline_or(pst_deadline d, int timeout_ms);
pst_deadline pst__deadline_min(pst_deadline a, pst_deadline b);
bool pst__deadline_passed(pst_deadline d);
/* poll(2) timeout: -1 for never, else ms left rounded up. */
int pst__deadline_poll_ms(pst_deadline d);
/* For pthread_cond_timedwait on a CLOCK_MONOTONIC condvar. */
struct timespec pst__deadline_timespec(pst_deadline d);

/* ---- endpoints (conn.c) ---- */
typedef struct pst__endpoint {
    char text[280];        /* as given, for messages */
    char host[256];        /* without [] for IPv6 */
    char port[8];
    char unix_path[108];   /* set for "unix:/path" */
} pst__endpoint;

/* Parse "host:port", "[v6]:port" or "unix:/path" from s[0..n). */
int pst__endpoint_parse(const char *s, size_t n, pst__endpoint *out,
                        pst_error *err);

/* Connect to ep before deadline through transport.h's socket streams and
 * wrap the stream in a framed or unframed transport (which owns it). */
int pst__conn_open(const pst__endpoint *ep, bool framed,
                   const pst_codec_config *cfg, pst_deadline deadline,
                   pst_transport **out, pst_error *err);

/* Write all n bytes on stream s before deadline. Any failure leaves the
 * stream's state unknown (part of the bytes may have gone). */
int pst__conn_write(pst_stream *s, const uint8_t *p, size_t n,
                    pst_deadline deadline, pst_error *err);

/* What a writer does when the socket it waits on to take more bytes has
 * bytes to read: read them (true), or leave them to another reader (false;
 * the wait then looks again every few milliseconds, in case that reader
 * stops). */
typedef bool (*pst__conn_on_readable)(void *ctx);

/* pst__conn_write for a peer that may stop reading until its replies are
 * taken: while there is no room, on_readable is called whenever the socket
 * is also readable. Needs a stream with write_some (sockets). *taken gets
 * how many bytes the stream may have accepted (n when it cannot tell): less
 * than n after a failure means the peer cannot have the whole request. */
int pst__conn_write_draining(pst_stream *s, const uint8_t *p, size_t n,
                             pst_deadline deadline,
                             pst__conn_on_readable on_readable, void *ctx,
                             size_t *taken, pst_error *err);

/* True if nothing is waiting to be read and the peer has not hung up: an
 * idle connection that is still fit for a new call. */
bool pst__conn_idle_ok(pst_transport *t);

/* Encode a CALL/ONEWAY message into w (emptied first), framed or not. */
int pst__encode_request(pst_wbuf *w, const pst_protocol *proto,
                        bool framed, const pst_codec_config *cfg,
                        const pst_method_desc *m, const void *args,
                        int32_t seqid, pst_error *err);

/* Decode a REPLY/EXCEPTION message (msg[0..len), header included) into
 * result and classify it as pst_client_call does; the header was checked
 * already. info (may be NULL) gets the TApplicationException. */
int pst__decode_reply(const pst_protocol *proto, const pst_codec_config *cfg,
                      const pst_method_desc *m, const uint8_t *msg,
                      size_t len, void *result, pst_arena *a,
                      pst_call_info *info);

/* ---- pipeline internals the pool uses (pipeline.c) ---- */
/* Connect to a parsed endpoint before deadline (connect_timeout_ms is not
 * applied: the caller folds it into deadline). */
pst_pipeline *pst__pipeline_connect_ep(const pst__endpoint *ep,
                                       const pst_pipeline_options *opt,
                                       pst_deadline deadline, pst_error *err);
/* Open, and nothing unexpected readable: fit to carry a new call. */
bool pst__pipeline_idle_ok(pst_pipeline *pl);
/* How a failed pipeline call ended, for the pool's retries. */
typedef enum pst__call_fate {
    PST__FATE_OTHER = 0,   /* succeeded, or failed in a way that may have
                              run it */
    PST__FATE_UNSENT,      /* the request was never completely written (the
                              connection was already broken, or a write
                              failed before its last byte): it cannot have
                              run */
    PST__FATE_UNANSWERED   /* written, then the peer closed or reset the
                              connection before any byte of a reply came:
                              it may have run (if the server crashed), or
                              not (a server that stops gracefully answers
                              every request it read) */
} pst__call_fate;

/* pst_pipeline_call_until that also tells how a failed call ended. */
int pst__pipeline_call_fate(pst_pipeline *pl, const pst_method_desc *m,
                            const void *args, void *result, pst_arena *a,
                            pst_deadline deadline, pst_call_info *info,
                            pst__call_fate *fate);

/* ---- per-thread outcome of the info-less calls (call_info.c) ---- */
/* A number naming one pipeline or pool for its whole life and never reused
 * (addresses are: a new object may land where a freed one was). */
uint64_t pst__call_owner_serial(void);
/* The calling thread's info, cleared and marked as belonging to owner. */
pst_call_info *pst__call_info_begin(uint64_t owner);
/* The thread's app exception if its last info-less call was on owner and
 * returned PST_E_APP_EXCEPTION, else NULL. */
const pst_app_exception *pst__call_info_app_exception(uint64_t owner);
/* The thread's last info-less call's error if that call was on owner, else
 * an empty error (code 0). Never NULL. */
const pst_error *pst__call_info_error(uint64_t owner);
/* The serials of a pipeline and a pool (0 for NULL). */
uint64_t pst__pipeline_serial(const pst_pipeline *pl);
uint64_t pst__pool_serial(const pst_pool *p);

/* ---- per-thread scratch arena (scratch.c) ---- */
/* The calling thread's arena for calls given none, reset: what a previous
 * such call left there is gone. NULL if memory runs out. Freed when the
 * thread exits. */
pst_arena *pst__thread_scratch_arena(void);

#endif
