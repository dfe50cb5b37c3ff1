/*
 * postern/client.h: calling a service.
 *
 * Generated stubs (<ns>_<Service>_<method>) pack their parameters into the
 * method's args struct and call pst_client_call, which sends the CALL (or
 * ONEWAY), then reads the reply and checks method name, seqid and message
 * type.
 *
 * A pst_client is either a synchronous client (one connection it owns, made
 * by pst_client_new or pst_client_connect*) or a view (pst_client_view) that
 * forwards every call to another caller: a pipeline (pipeline.h:
 * pst_pipeline_as_client), a pool (pool.h: pst_pool_as_client), or anything
 * that fills a pst_client_ops table. Stubs take a pst_client * and run over
 * either kind unchanged.
 *
 * pst_client_call returns:
 *   0                          result->success holds the value (if not void;
 *                              a set success wins over an exception field
 *                              set in the same reply, as in Thrift)
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
 * Synchronous client: once a call has failed in a way that leaves the
 * stream's state unknown (a transport error, a timeout, a mismatched or
 * unreadable reply), the client is broken: it closes its connection and
 * every later call fails at once with PST_E_CLOSED. pst_client_error() keeps
 * the detail of the last failure.
 *
 * Ownership: a synchronous client owns its transport; a view owns nothing
 * but itself (the caller behind it must outlive it). Thread-safety: a
 * synchronous pst_client serves one call at a time (use one per thread, a
 * pool, or a pipeline); distinct clients are independent. A view is as
 * thread-safe as the caller behind it: one over a pipeline or a pool may be
 * used by many threads at once, and then pst_client_error and
 * pst_client_app_exception describe the calling thread's last call.
 */
#ifndef POSTERN_CLIENT_H
#define POSTERN_CLIENT_H

#include <stdbool.h>

#include "deadline.h"
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
    /* pst_client_connect_url only: */
    const char *proxy;            /* an HTTP proxy with CONNECT, "host:port";
                                     NULL = none (or from the environment) */
    bool proxy_from_env;          /* use $http_proxy unless $no_proxy says
                                     not, when proxy is NULL */
    const char *http_headers;     /* extra lines for Thrift over HTTP, each
                                     ending "\r\n"; NULL = none */
    int64_t max_call_memory;      /* bytes one reply may add to the call's
                                     arena as it decodes; past it the call
                                     fails with PST_E_LIMIT naming the
                                     limit (the connection stays usable:
                                     the reply was read whole). 0 =
                                     PST_CALL_MEMORY_DEFAULT (64 MiB),
                                     < 0 = no limit */
} pst_client_options;

#define PST_CLIENT_OPTIONS_INIT                                               \
    { NULL, false, 0, 0, 0, PST_CODEC_CONFIG_INIT, NULL, false, NULL, 0 }

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

/* Connect by URL, to a server whose port also speaks HTTP (postern's):
 *   http://host:port/_thrift_rpc_  the CONNECT upgrade, then Thrift as
 *                                  o->protocol and o->framed say
 *   http://host:port/other/path    Thrift over HTTP: each call a POST to
 *                                  that path (o->framed is ignored)
 * through o->proxy (or $http_proxy with o->proxy_from_env) when set. */
pst_client *pst_client_connect_url(const char *url, const pst_client_options *o,
                                   pst_error *err);

/* Close the connection and free the client. For a view: free the view
 * only (the caller behind it is untouched). NULL is ignored. */
void pst_client_free(pst_client *c);

int pst_client_call(pst_client *c, const pst_method_desc *m, const void *args,
                    void *result, pst_arena *a);

/* pst_client_call bounded by deadline (deadline.h). The deadline bounds
 * writing the call and waiting for its reply to start; a reply already
 * arriving is given up to the same time again to complete (transport.h's
 * idle and read timeouts). The transport's own timeouts still apply, so
 * PST_DEADLINE_DEFAULT and PST_DEADLINE_NEVER make this pst_client_call.
 * When the deadline passes mid-call: PST_E_TIMEOUT, and the synchronous
 * client is broken, since its stream's state is unknown (half the request
 * may be written, or the late reply would be read as the next call's); open
 * a new client, or use a pipeline, whose connection survives a deadline.
 * A deadline that has passed before anything was sent also gives
 * PST_E_TIMEOUT but leaves the client usable.
 * For a view: the caller's own deadline call (ops->call_until); without
 * one, PST_DEADLINE_DEFAULT forwards to ops->call and any other deadline
 * fails with PST_E_UNSUPPORTED (the view records no detail for it). */
int pst_client_call_until(pst_client *c, const pst_method_desc *m,
                          const void *args, void *result, pst_arena *a,
                          pst_deadline deadline);

/* After PST_E_APP_EXCEPTION: the server's TApplicationException (its message
 * is owned by the client, valid until the next call; for a view, as the
 * caller behind it says); NULL otherwise. */
const pst_app_exception *pst_client_app_exception(const pst_client *c);

/* The last call's failure, with detail ("reply seqid 7, expected 8");
 * code 0 after a successful call. Never NULL. */
const pst_error *pst_client_error(const pst_client *c);

/* True once the connection is unusable (see above). A view asks the caller
 * behind it (ops->broken) and says false if it cannot. */
bool pst_client_broken(const pst_client *c);

/* The underlying transport, e.g. to adjust timeouts between calls; NULL for
 * a view. */
pst_transport *pst_client_transport(pst_client *c);

/* ---- views: stubs over other callers ------------------------------------ */

/* What a view forwards to. self is the caller (a pst_pipeline *, ...). */
typedef struct pst_client_ops {
    /* Required: pst_client_call's contract and return codes. */
    int (*call)(void *self, const pst_method_desc *m, const void *args,
                void *result, pst_arena *a);
    /* Required: the TApplicationException of the last call that returned
     * PST_E_APP_EXCEPTION, else NULL; and the last call's error (never
     * NULL). "Last" per thread for callers shared between threads. */
    const pst_app_exception *(*app_exception)(const void *self);
    const pst_error *(*error)(const void *self);
    /* Optional (NULL): call bounded by a deadline (see
     * pst_client_call_until), and whether the caller is unusable for good. */
    int (*call_until)(void *self, const pst_method_desc *m, const void *args,
                      void *result, pst_arena *a, pst_deadline deadline);
    bool (*broken)(const void *self);
} pst_client_ops;

/* A pst_client that forwards to ops with self. ops (not copied) and self
 * must outlive the view; free it with pst_client_free. NULL if ops lacks
 * call, app_exception or error, or memory runs out. */
pst_client *pst_client_view(const pst_client_ops *ops, void *self);

#endif
