/*
 * postern/multiplex.h: several services on one port, and calling one of
 * them (Apache Thrift's TMultiplexedProcessor and TMultiplexedProtocol).
 *
 * On the wire a multiplexed call names its method "Service:method"; nothing
 * else changes, so it works over every protocol, transport and server model
 * (and through the front door's HTTP POST and CONNECT).
 *
 * Server: a pst_multiplex is a table of (service name, pst_processor), plus
 * an optional default processor for clients that send bare method names
 * (an old, non-multiplexed client of the same port). Hand the processor
 * from pst_multiplex_processor to pst_server_new (or pst_process) like any
 * other. A call "S:m" runs method m of the processor registered as S; its
 * reply, and any error for it, names the bare method "m", as Thrift's
 * multiplexed processor does (Thrift's clients compare the reply's name with
 * the bare name). A call for a service that is not registered, or a bare
 * name without a default, is answered with a TApplicationException
 * UNKNOWN_METHOD naming what was missing, carrying the name as sent; its
 * arguments are skipped and the connection stays open (Thrift C++ answers
 * PROTOCOL_ERROR and closes, Python closes without a word; see
 * docs/thrift-differences.md). The name is split at its first ':'.
 * Bare-name calls to the default service run on the same fast path as a
 * single-service server. /metrics, the pages and JSON calls see the
 * default service (its methods, also when called by name); the other
 * services are served alike but not counted per method.
 *
 * Client: pst_client_multiplexed gives a view (client.h) that sends every
 * call as "Service:method" through another pst_client (a synchronous
 * client, or a pipeline's or pool's view). Replies may carry the bare
 * name (Thrift's servers, postern's) or the prefixed one.
 *
 * Ownership: the table copies names and processors; the handlers and their
 * `user` data must outlive every server using it. A view owns nothing but
 * itself: the client behind it must outlive it.
 * Thread-safety: register every service before the first call is served;
 * after that the table is read-only and any number of threads may process
 * calls through it. A view is as thread-safe as the client behind it.
 */
#ifndef POSTERN_MULTIPLEX_H
#define POSTERN_MULTIPLEX_H

#include "client.h"
#include "processor.h"

/* Thrift's separator between service and method. */
#define PST_MULTIPLEX_SEPARATOR ':'

typedef struct pst_multiplex pst_multiplex;

/* An empty table; NULL when out of memory. */
pst_multiplex *pst_multiplex_new(void);

/* Register proc (copied) under service name `name` (1 to 255 bytes, no
 * ':'). 0, or PST_E_INVALID (bad name, NULL or service-less proc, the name
 * already taken), PST_E_NOMEM. */
int pst_multiplex_add(pst_multiplex *mx, const char *name,
                      const pst_processor *proc);

/* The processor (copied) for calls with a bare method name; NULL: none
 * (the initial state). PST_E_INVALID for a proc without a service. Set it
 * before handing pst_multiplex_processor to a server: servers copy the
 * processor, and the default's handler travels in that copy. */
int pst_multiplex_set_default(pst_multiplex *mx, const pst_processor *proc);

/* The processor to serve the table with (valid while mx lives; services
 * added later are found too). Its service descriptor is the table's own,
 * named "multiplexed", with the default service as its base; its handler
 * and user are the default's. */
const pst_processor *pst_multiplex_processor(const pst_multiplex *mx);

/* The processor registered under name (len bytes), or NULL. */
const pst_processor *pst_multiplex_find(const pst_multiplex *mx,
                                        const char *name, size_t len);

/* Free the table. No server may still use its processor. NULL is ignored. */
void pst_multiplex_free(pst_multiplex *mx);

/* A view calling service `service` (copied; 1 to 255 bytes, no ':')
 * through `inner`. Free it with pst_client_free (inner is untouched).
 * NULL when an argument is bad or memory runs out. */
pst_client *pst_client_multiplexed(pst_client *inner, const char *service);

#endif
