/*
 * postern/tls.h: TLS (OpenSSL) for clients and servers.
 *
 * A TLS connection is a pst_stream wrapping another stream (a TCP or Unix
 * socket), so every transport (framed, unframed, HTTP) and client runs over
 * it unchanged. TLS 1.2 is the minimum; renegotiation is refused.
 *
 * Clients verify the server's certificate chain and its name (DNS name or
 * IP address, from the host connected to or o->server_name) by default,
 * against o->ca_file or the system's trusted CAs. o->no_verify switches
 * both checks off; it is for tests (Apache Thrift's cross-test clients do
 * the same when no CA is given), never for production.
 *
 * Servers are configured in pst_server_options (server.h): tls (off, on,
 * or both TLS and plain on one port, told apart by the first bytes: a TLS
 * record opens with 0x16 0x03), the certificate and key, and optionally a CA
 * file for client certificates (asked for, or required). A handler learns
 * the client certificate's identity with pst_tls_peer_identity.
 *
 * Ownership: a TLS stream owns the stream it wraps (freed with it, also on
 * failure of pst_stream_tls_client_new). Option strings are read during
 * the call only. Thread-safety: as transport.h says for streams: one
 * reader and one writer at a time are NOT allowed on a TLS stream (its
 * state is shared by both directions): one thread at a time.
 */
#ifndef POSTERN_TLS_H
#define POSTERN_TLS_H

#include <stdbool.h>

#include "client.h"
#include "processor.h"
#include "transport.h"

/* pst_server_options.tls */
typedef enum pst_tls_mode {
    PST_TLS_OFF = 0,    /* plain only */
    PST_TLS_ON,         /* TLS only: other first bytes are refused */
    PST_TLS_BOTH        /* TLS and plain on the same port (sniffed) */
} pst_tls_mode;

/* A handshake must finish within this long unless told otherwise. */
#define PST_TLS_HANDSHAKE_TIMEOUT_MS 10000

typedef struct pst_tls_client_options {
    const char *ca_file;       /* PEM file of CAs that may sign the server's
                                  certificate; NULL = the system's store */
    bool no_verify;            /* accept any certificate for any name
                                  (tests only) */
    const char *server_name;   /* name to check the certificate against and
                                  to send as SNI; NULL = the host given */
    const char *cert_file;     /* a client certificate (PEM chain); NULL =
                                  none */
    const char *key_file;      /* its private key; NULL = in cert_file */
    int handshake_timeout_ms;  /* 0 = PST_TLS_HANDSHAKE_TIMEOUT_MS */
} pst_tls_client_options;

#define PST_TLS_CLIENT_OPTIONS_INIT { NULL, false, NULL, NULL, NULL, 0 }

/* Run a TLS handshake as the client over `inner` (connected) and return
 * the TLS stream, which owns inner. host names the server for verification
 * and SNI when o->server_name is NULL (an IPv4/IPv6 literal is checked
 * against the certificate's IP addresses). NULL with err ("TLS handshake
 * with host: certificate verify failed: ...") on failure; inner is freed
 * then too. o may be NULL for the defaults (verify against the system's
 * CAs). */
pst_stream *pst_stream_tls_client_new(pst_stream *inner, const char *host,
                                      const pst_tls_client_options *o,
                                      pst_error *err);

/* Connect over TCP (pst_stream_tcp_connect) and run the handshake. */
pst_stream *pst_stream_tls_connect(const char *host, int port, int timeout_ms,
                                   const pst_tls_client_options *o,
                                   pst_error *err);

/* A synchronous client over TLS: pst_client_connect's TLS twin (framed or
 * not and the protocol as co says). */
pst_client *pst_client_connect_tls(const char *host, int port,
                                   const pst_client_options *co,
                                   const pst_tls_client_options *o,
                                   pst_error *err);

/* Is s a TLS stream? */
bool pst_stream_is_tls(const pst_stream *s);

/* The identity of the peer's verified certificate on TLS stream s: its
 * subject's common name, else its first DNS subject alternative name;
 * NULL when s is not TLS or the peer sent no certificate. Valid while s
 * lives. */
const char *pst_stream_tls_peer_identity(const pst_stream *s);

/* In a handler: the identity (as above) of the client certificate of the
 * connection `call` arrived on; NULL when that connection is not TLS or
 * its client sent no certificate. Valid until the handler returns. Works
 * in every server model, on whichever thread runs the handler. */
const char *pst_tls_peer_identity(const pst_call *call);

#endif
