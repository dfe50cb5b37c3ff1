/*
 * tls_internal.h: the TLS engine shared by the TLS stream (tls_stream.c),
 * the nonblocking server's TLS filter (server/nb_tls.c) and the fuzz
 * target. Not public API.
 *
 * The engine is OpenSSL over a BIO of its own byte queues (tls_bio.c): it
 * never touches a socket.
 * Its owner puts the bytes that came off the wire in (pst__tls_put_wire),
 * reads plain bytes out (pst__tls_read, which also drives the handshake),
 * writes plain bytes in (pst__tls_write), and sends whatever wire bytes
 * the engine has made (pst__tls_take_wire: handshake messages, records,
 * alerts, close_notify). So the same code serves a blocking stream with
 * timeouts and an epoll loop that must never block.
 *
 * Thread-safety: an engine is used by one thread at a time; an SSL_CTX
 * (pst__tls_ctx) is shared read-only by every connection of a server.
 */
#ifndef POSTERN_TLS_INTERNAL_H
#define POSTERN_TLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postern/server.h"
#include "postern/tls.h"

typedef struct pst__tls pst__tls;
typedef struct ssl_ctx_st pst__tls_ctx;   /* OpenSSL's SSL_CTX */

/* ---- the engine's byte queues and their BIO (tls_bio.c) ---------------- */

/* Bytes data[off..len) waiting; the buffer is kept between records while
 * small (no malloc per record). */
typedef struct pst__tls_bytes {
    uint8_t *data;
    size_t off, len, cap;
} pst__tls_bytes;

/* Wire bytes from the peer (in) and for the peer (out). */
typedef struct pst__tls_pipe {
    pst__tls_bytes in, out;
} pst__tls_pipe;

/* Append p[0..n): 0, or PST_E_NOMEM. */
int pst__tls_bytes_put(pst__tls_bytes *q, const void *p, size_t n);
/* Drop the first n waiting bytes (n <= len - off). */
void pst__tls_bytes_consume(pst__tls_bytes *q, size_t n);
/* Copy out and drop up to cap waiting bytes; how many. */
size_t pst__tls_bytes_take(pst__tls_bytes *q, void *buf, size_t cap);
void pst__tls_bytes_free(pst__tls_bytes *q);

/* A BIO that OpenSSL reads pp->in from (an empty queue is "retry later")
 * and writes pp->out into; pp must outlive it. NULL on out of memory. */
struct bio_st *pst__tls_pipe_bio_new(pst__tls_pipe *pp);

/* ---- the engine --------------------------------------------------------- */

/* A server context from the options' certificate, key and client CA file;
 * NULL with err naming the file and OpenSSL's reason. */
pst__tls_ctx *pst__tls_server_ctx_new(const pst_server_options *o,
                                      pst_error *err);
/* A client context; host is what the certificate must name (set per
 * connection by pst__tls_new). */
pst__tls_ctx *pst__tls_client_ctx_new(const pst_tls_client_options *o,
                                      pst_error *err);
void pst__tls_ctx_free(pst__tls_ctx *ctx);

/* An engine over ctx, as the server or as the client of `host` (checked
 * against the certificate unless verification is off; sent as SNI when it
 * is a name). NULL on out of memory. */
pst__tls *pst__tls_new(pst__tls_ctx *ctx, bool server, const char *host,
                       bool verify_host);
void pst__tls_free(pst__tls *t);

/* Bytes from the peer. 0, or PST_E_NOMEM. */
int pst__tls_put_wire(pst__tls *t, const void *p, size_t n);

/* Plain bytes into buf[0..cap) (*got of them), running the handshake first
 * while it is not done. Returns 0 with *got > 0; PST_E_SHORT when the
 * engine needs more wire bytes first (it may have wire bytes to send:
 * check pst__tls_wire_pending); PST_E_CLOSED at the peer's close_notify;
 * PST_E_PROTOCOL when the handshake or a record failed (err says why;
 * an alert for the peer may be waiting in the wire bytes). */
int pst__tls_read(pst__tls *t, void *buf, size_t cap, size_t *got,
                  pst_error *err);

/* Might pst__tls_read give more plain bytes without more wire bytes
 * (unread wire bytes, or a record OpenSSL holds)? When false, a read would
 * only say PST_E_SHORT, and cost an SSL_read to say it. */
bool pst__tls_read_pending(const pst__tls *t);

/* Run the handshake only: 0 done, PST_E_SHORT needs more wire bytes,
 * PST_E_PROTOCOL failed (err says why). */
int pst__tls_handshake(pst__tls *t, pst_error *err);

/* Encrypt all of p[0..n) into wire bytes. Needs the handshake done.
 * 0, or PST_E_PROTOCOL / PST_E_NOMEM with err. */
int pst__tls_write(pst__tls *t, const void *p, size_t n, pst_error *err);

/* Queue a close_notify alert (the wire bytes to send follow). */
void pst__tls_close_notify(pst__tls *t);

/* Wire bytes waiting to be sent, and taking up to cap of them. */
size_t pst__tls_wire_pending(const pst__tls *t);
size_t pst__tls_take_wire(pst__tls *t, void *buf, size_t cap);
/* The same without a copy: the waiting wire bytes in place (*n of them,
 * valid until the next call on t), then how many of them were sent. */
const uint8_t *pst__tls_wire_peek(const pst__tls *t, size_t *n);
void pst__tls_wire_consume(pst__tls *t, size_t n);

bool pst__tls_established(const pst__tls *t);
/* See pst_stream_tls_peer_identity; NULL before the handshake. */
const char *pst__tls_peer_identity(const pst__tls *t);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384", for logs. */
const char *pst__tls_describe(const pst__tls *t, char *buf, size_t n);

/* The identity pst_tls_peer_identity returns on this thread: a server sets
 * it around the calls of a connection (NULL: none). */
void pst__tls_set_current_identity(const char *identity);

/* The server side of a TLS stream over inner (which it then owns, also on
 * failure: NULL is out of memory), whose first n bytes were already read
 * (the front door's). The handshake runs in pst__tls_stream_handshake. */
pst_stream *pst__tls_stream_server_new(pst__tls_ctx *ctx, pst_stream *inner,
                                       const void *first, size_t n);
/* Finish the handshake within timeout_ms (0 = no limit), returning
 * PST_E_STOPPED if wake_fd becomes readable first. 0, or an error with err
 * ("TLS handshake failed: ..."). An alert for the peer is sent before a
 * failure returns. */
int pst__tls_stream_handshake(pst_stream *s, int timeout_ms, int wake_fd,
                              pst_error *err);

#endif
