/*
 * postern/client.h: calling a service.
 *
 * Generated stubs (<ns>_<Service>_<method>) pack their parameters into the
 * method's args struct and call pst_client_call, which sends the CALL (or
 * ONEWAY), then reads the reply and checks method name, seqid and message
 * type.
 *
 * pst_client_call returns:
 *   0                          result->success holds the value (if not void)
 *   PST_E_DECLARED_EXCEPTION   one of result's exception fields is set
 *   PST_E_APP_EXCEPTION        the server sent a TApplicationException;
 *                              pst_client_app_exception() has it
 *   PST_E_WRONG_METHOD, PST_E_BAD_SEQID, PST_E_BAD_MSG_TYPE
 *                              the reply did not match the call; the
 *                              connection is closed (its state is unknown)
 *   PST_E_MISSING_RESULT       a non-void method's reply carried neither a
 *                              result nor an exception (the connection stays
 *                              usable: the reply was whole)
 *   transport and decode errors (PST_E_CLOSED, PST_E_TIMEOUT, ...)
 * Reply data (strings, lists) lives in arena a.
 *
 * Once a call has failed in a way that leaves the stream's state unknown (a
 * transport error, a mismatched or unreadable reply), the client is broken:
 * it closes its connection and every later call fails at once with
 * PST_E_CLOSED. pst_client_error() keeps the detail of the last failure.
 *
 * Ownership: a client owns its transport. Thread-safety: a pst_client serves
 * one call at a time (use one per thread, or a pool); distinct clients are
 * independent. See the pipelining client for many threads on one connection.
 */
#ifndef POSTERN_CLIENT_H
#define POSTERN_CLIENT_H

#include <stdbool.h>

#include "processor.h"
#include "protocol.h"
#include "transport.h"
#include "types.h"

typedef struct pst_client pst_client;

typedef struct pst_client_options {
    const pst_protocol *protocol; /* NULL = binary */
    bool framed;                  /* 4-byte length before each message */
    int connect_timeout_ms;       /* 0 = the system's */
    int send_timeout_ms;          /* writing one call; 0 = forever */
    int recv_timeout_ms;          /* for the reply to start, and again for it
                                     to arrive whole; 0 = forever */
    pst_codec_config codec;       /* limits on replies */
} pst_client_options;

#define PST_CLIENT_OPTIONS_INIT                                               \
    { NULL, false, 0, 0, 0, PST_CODEC_CONFIG_INIT }

/* A client over transport t, which it then owns (also on failure: NULL is
 * out of memory, t freed). o may be NULL (its transport-level fields are
 * ignored: t has its own; protocol and codec are used). */
pst_client *pst_client_new(pst_transport *t, const pst_client_options *o);

/* Connect over TCP to host:port (a name or an IPv4/IPv6 literal), or to a
 * Unix domain socket. NULL with err on failure. */
pst_client *pst_client_connect(const char *host, int port,
                               const pst_client_options *o, pst_error *err);
pst_client *pst_client_connect_unix(const char *path,
                                    const pst_client_options *o,
                                    pst_error *err);

/* Close the connection and free the client. */
void pst_client_free(pst_client *c);

int pst_client_call(pst_client *c, const pst_method_desc *m, const void *args,
                    void *result, pst_arena *a);

/* After PST_E_APP_EXCEPTION: the server's TApplicationException (its message
 * is owned by the client, valid until the next call); NULL otherwise. */
const pst_app_exception *pst_client_app_exception(const pst_client *c);

/* The last call's failure, with detail ("reply seqid 7, expected 8");
 * code 0 after a successful call. */
const pst_error *pst_client_error(const pst_client *c);

/* True once the connection is unusable (see above). */
bool pst_client_broken(const pst_client *c);

/* The underlying transport, e.g. to adjust timeouts between calls. */
pst_transport *pst_client_transport(pst_client *c);

#endif
