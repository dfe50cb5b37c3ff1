/*
 * transport_internal.h: what the message transports (framed.c, buffered.c,
 * later http.c) share with transport.c, which owns the read buffer, the
 * deadlines and the wake-up rules. Not public API.
 */
#ifndef POSTERN_TRANSPORT_INTERNAL_H
#define POSTERN_TRANSPORT_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "postern/transport.h"

typedef struct pst__transport_ops {
    const char *name;
    int (*read_message)(pst_transport *t, const pst_protocol *p,
                        const uint8_t **msg, size_t *len, pst_error *err);
    int (*write_message)(pst_transport *t, const void *data, size_t len,
                         pst_error *err);
    /* frees what ext points to (ext itself is freed after); may be NULL */
    void (*free_ext)(pst_transport *t);
} pst__transport_ops;

struct pst_transport {
    const pst__transport_ops *ops;
    pst_stream *stream;
    pst_transport_options opt;
    /* Received bytes not yet consumed are buf[start, end). The message last
     * returned is its first `pending` bytes; it is consumed at the next read,
     * so the caller's view stays valid until then. */
    uint8_t *buf;
    size_t cap, start, end, pending;
    size_t scanned;          /* unframed: bytes seen by the last short scan */
    bool started;            /* the current message's first byte is here */
    int64_t deadline_ms;     /* ...and must be complete by then (0 = never) */
    int wake_fd;
    const atomic_bool *wake_flag;
    void *ext;               /* a kind's own state (one block, freed with t) */
    int64_t stop_deadline_ms; /* stop_grace_ms: writes end by then (0 = the
                                 wake has not fired yet) */
};

/* A transport of the given kind over s (freed on failure). */
pst_transport *pst__transport_new(const pst__transport_ops *ops, pst_stream *s,
                                  const pst_transport_options *o);

/* Drop the message returned last; reset per-message state. */
void pst__transport_consume(pst_transport *t);

/* Hand out the first n buffered bytes as the next message. */
void pst__transport_deliver(pst_transport *t, size_t n, const uint8_t **msg,
                            size_t *len);

/* Read at least one more byte, after making room for `room` more (growing
 * the buffer as needed), and at most max_read bytes (0 = as many as fit). Applies the idle timeout while
 * no byte of the message is here, then the read timeout, and the wake fd /
 * flag. With max_wait_ms >= 0 the wait is also capped at that; when that cap
 * (not a real timeout) expires, returns PST_E_SHORT. Errors carry detail. */
int pst__transport_fill(pst_transport *t, size_t room, size_t max_read,
                        int max_wait_ms, pst_error *err);

/* Write iov through the stream with the write timeout (and, with
 * stop_grace_ms, the stop grace); detail on failure. */
int pst__transport_write(pst_transport *t, const struct iovec *iov, int iovcnt,
                         pst_error *err);

/* Words for the last failed read or write of a filter stream, when the
 * status alone does not say it (zlib's corrupt input: "bad zlib data near
 * compressed byte 12: ..."); NULL for streams without any. */
const char *pst__stream_detail(const pst_stream *s);
/* ...each filter's own (NULL for streams of other kinds). */
const char *pst__zlib_stream_detail(const pst_stream *s);
const char *pst__header_stream_detail(const pst_stream *s);

/* A socket address for logs: "1.2.3.4:80", "[::1]:80", "unix:/path". */
void pst__sockaddr_format(const struct sockaddr_storage *a, socklen_t len,
                          char *out, size_t n);

/* Milliseconds on the monotonic clock. */
int64_t pst__now_ms(void);

#endif
