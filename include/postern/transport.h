/*
 * postern/transport.h: moving bytes, then whole messages.
 *
 * Two layers, each a small table of functions chosen once per connection:
 *
 *   pst_stream     a byte stream: read some bytes, write all of some bytes.
 *                  Built in: sockets (TCP over IPv4/IPv6, Unix domain) and an
 *                  in-memory stream for tests. A stream may wrap another one
 *                  (zlib over a socket, a file), so filters stack.
 *   pst_transport  a message layer over one stream: it delivers whole
 *                  messages, complete in memory, ready for a protocol walker.
 *                  Built in: framed (a 4-byte big-endian length before each
 *                  message) and unframed ("buffered": messages back to back,
 *                  their ends found with protocol->message_length). HTTP fits
 *                  the same table later (a message is a request body).
 *
 * Timeouts are in milliseconds; 0 means no timeout. A transport waits up to
 * idle_timeout_ms for the first byte of a message, then up to
 * read_timeout_ms for the rest of it, and up to write_timeout_ms for a whole
 * message to be written. No call ever raises SIGPIPE (sends use
 * MSG_NOSIGNAL; a vanished peer is reported as -EPIPE or -ECONNRESET).
 *
 * Status values: 0, or
 *   PST_E_CLOSED   the peer closed the stream (cleanly, between messages,
 *                  when pst_transport_buffered() is 0; else mid-message)
 *   PST_E_TIMEOUT  a timeout above expired
 *   PST_E_STOPPED  the wake fd / flag fired while waiting for bytes (or,
 *                  with stop_grace_ms, a write outlived the grace after it)
 *   PST_E_LIMIT    a frame or message larger than max_frame / max_message
 *   PST_E_PROTOCOL bytes that can never be a message (from message_length)
 *   -errno         system errors (-ECONNRESET, -EPIPE, -ECONNREFUSED ...)
 * with the detail (what and where) in the pst_error given.
 *
 * Ownership: a transport owns its stream; a wrapping stream owns the stream
 * it wraps; a socket stream owns its fd. Freeing the outermost frees all.
 * Thread-safety: a stream or transport is used by one thread at a time,
 * with one exception: socket streams allow one reader and one writer at the
 * same time. One thread may read from a socket stream, directly or through
 * the transport over it, while one other thread writes to that stream
 * directly with pst_stream_write (not through the transport, whose state
 * the reader uses); the pipelining client (pipeline.h) relies on this. Two
 * readers or two writers at once are not allowed, and the memory stream
 * allows no concurrency at all. Different streams and transports are
 * independent. pst_transport_set_wake's fd and flag may be signalled from
 * any thread (or a signal handler).
 */
#ifndef POSTERN_TRANSPORT_H
#define POSTERN_TRANSPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "error.h"
#include "protocol.h"

/* ---- byte streams ------------------------------------------------------ */

typedef struct pst_stream pst_stream;

/* What a stream implements. Timeouts: -1 waits forever, 0 does not wait. */
typedef struct pst_stream_ops {
    const char *name;                    /* "socket", "memory", ... */
    /* Read 1..cap bytes into buf (*got = count). Waits up to timeout_ms for
     * the first byte; returns PST_E_STOPPED instead when wake_fd (if >= 0)
     * becomes readable first, PST_E_CLOSED at end of stream. */
    int (*read)(pst_stream *s, void *buf, size_t cap, size_t *got,
                int timeout_ms, int wake_fd);
    /* Write every byte of iov[0..iovcnt) or fail; the whole write must finish
     * within timeout_ms. */
    int (*write)(pst_stream *s, const struct iovec *iov, int iovcnt,
                 int timeout_ms);
    /* Say no more bytes will be written (TCP FIN); reading goes on. */
    int (*shutdown_write)(pst_stream *s);
    /* The file descriptor to poll, or -1. */
    int (*fd)(const pst_stream *s);
    /* The peer, for logs: "127.0.0.1:5000", "[::1]:5000", "unix:/path". */
    const char *(*peer)(const pst_stream *s);
    /* Release everything (a wrapping stream frees the one it wraps). */
    void (*free)(pst_stream *s);
    /* Optional: write what the stream takes now, without waiting (*done =
     * bytes taken, 0 when it has no room). With fd, this lets a caller wait
     * for room and for something else at once (a stop signal, replies to
     * read); NULL for streams that can only write whole. */
    int (*write_some)(pst_stream *s, const struct iovec *iov, int iovcnt,
                      size_t *done);
} pst_stream_ops;

/* Implementations embed this as their first member. */
struct pst_stream {
    const pst_stream_ops *ops;
};

/* Adopt a connected socket (TCP or Unix): made non-blocking, TCP_NODELAY for
 * TCP. On success the stream owns fd; on failure (NULL, err says why) fd
 * stays the caller's. */
pst_stream *pst_stream_socket_new(int fd, pst_error *err);

/* Resolve host (name, IPv4 or IPv6 literal) with getaddrinfo and connect to
 * the first address that answers, all within timeout_ms (0 = the system's
 * own connect timeout). NULL and err ("connect to host:port: ...") on
 * failure. */
pst_stream *pst_stream_tcp_connect(const char *host, int port, int timeout_ms,
                                   pst_error *err);

/* Connect to a Unix domain socket at path. */
pst_stream *pst_stream_unix_connect(const char *path, int timeout_ms,
                                    pst_error *err);

/* An in-memory stream for tests: reads return a copy of input[0..n), at most
 * max_read bytes per read (0 = no limit; 1 exercises every partial-read
 * path), then PST_E_CLOSED. Writes are appended to an output buffer, read
 * back with pst_stream_memory_output (valid until the next write or free). */
pst_stream *pst_stream_memory_new(const void *input, size_t n, size_t max_read);
const uint8_t *pst_stream_memory_output(const pst_stream *s, size_t *len);

/* Thin wrappers over the ops. */
int pst_stream_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                    int timeout_ms, int wake_fd);
int pst_stream_write(pst_stream *s, const struct iovec *iov, int iovcnt,
                     int timeout_ms);
/* ops->write_some; PST_E_UNSUPPORTED for a stream without it. */
int pst_stream_write_some(pst_stream *s, const struct iovec *iov, int iovcnt,
                          size_t *done);
int pst_stream_shutdown_write(pst_stream *s);
int pst_stream_fd(const pst_stream *s);
const char *pst_stream_peer(const pst_stream *s);
void pst_stream_free(pst_stream *s);

/* ---- message transports ------------------------------------------------ */

typedef struct pst_transport pst_transport;

typedef struct pst_transport_options {
    int idle_timeout_ms;      /* wait for a message's first byte; 0 = forever */
    int read_timeout_ms;      /* the rest of a started message; 0 = forever */
    int write_timeout_ms;     /* writing one message; 0 = forever */
    pst_codec_config codec;   /* max_frame (framed), max_message (unframed) */
    int stop_grace_ms;        /* > 0: writes also watch the wake fd / flag
                                 (pst_transport_set_wake); once it fires,
                                 writes on this transport get at most this
                                 long more in all, then fail with
                                 PST_E_STOPPED. 0 = writes ignore the wake.
                                 Needs a stream with fd and write_some. */
} pst_transport_options;

#define PST_TRANSPORT_OPTIONS_INIT { 0, 0, 0, PST_CODEC_CONFIG_INIT, 0 }

/* A transport over stream s, which it then owns (also on failure: NULL means
 * out of memory and s has been freed). o may be NULL for the defaults. */
pst_transport *pst_transport_framed_new(pst_stream *s,
                                        const pst_transport_options *o);
pst_transport *pst_transport_unframed_new(pst_stream *s,
                                          const pst_transport_options *o);
/* Thrift over HTTP, the client's side: each message written is POSTed to
 * `path` (NULL: "/") with Host `host` and Content-Type
 * application/x-thrift over keep-alive, and each message read is the body
 * of the next 200 response (a non-200 status is PST_E_PROTOCOL quoting
 * it). extra_headers (may be NULL) are whole lines, each ending "\r\n".
 * The strings are copied. */
pst_transport *pst_transport_http_new(pst_stream *s,
                                      const pst_transport_options *o,
                                      const char *host, const char *path,
                                      const char *extra_headers);

/* Read the next whole message. *msg points into the transport's buffer and
 * stays valid until the next read_message, unread or free on t. Unframed
 * transports need p (its message_length finds the message's end); framed
 * ones ignore it. Complete messages already buffered are returned even after
 * the wake fd / flag fired. */
int pst_transport_read_message(pst_transport *t, const pst_protocol *p,
                               const uint8_t **msg, size_t *len,
                               pst_error *err);

/* Write one message: framed adds its length header; the bytes leave in one
 * writev where the kernel takes them. Nothing is kept buffered on return. */
int pst_transport_write_message(pst_transport *t, const void *data,
                                size_t len, pst_error *err);

/* Put bytes back in front of what is buffered (e.g. the first bytes a
 * server read to tell the protocol). Invalidates the last message view. */
int pst_transport_unread(pst_transport *t, const void *data, size_t len);

/* While waiting for bytes, return PST_E_STOPPED once fd (-1 = none) becomes
 * readable or *flag (NULL = none) is true. A server passes its stop eventfd
 * and flag so idle connections close promptly on stop. */
void pst_transport_set_wake(pst_transport *t, int fd, const atomic_bool *flag);

/* Change timeouts (e.g. a client's per-call deadlines). A message already
 * started gets read_timeout_ms from now to complete, so a caller that takes
 * over reading a partial message has its own time, not its predecessor's. */
void pst_transport_set_timeouts(pst_transport *t, int idle_timeout_ms,
                                int read_timeout_ms, int write_timeout_ms);

/* Bytes received but not yet returned as a message (0 between messages). */
size_t pst_transport_buffered(const pst_transport *t);
/* "framed" or "unframed". */
const char *pst_transport_name(const pst_transport *t);
pst_stream *pst_transport_stream(pst_transport *t);
/* Free the transport and its stream (closing the socket). */
void pst_transport_free(pst_transport *t);

#endif
