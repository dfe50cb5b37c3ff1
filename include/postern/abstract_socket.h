/*
 * postern/abstract_socket.h: Unix domain sockets in Linux's abstract
 * namespace: a name, not a file (nothing to unlink; it disappears with the
 * last socket using it). Apache Thrift's test programs reach them with
 * --abstract-namespace; a server listens on one with pst_server_options'
 * unix_path and unix_abstract.
 *
 * Names are 1 to 107 bytes, given without the leading NUL byte the kernel
 * uses to tell them from paths (`ss -x` shows them as "@name").
 * Ownership and thread-safety as pst_stream_unix_connect and
 * pst_client_connect_unix.
 */
#ifndef POSTERN_ABSTRACT_SOCKET_H
#define POSTERN_ABSTRACT_SOCKET_H

#include "client.h"
#include "transport.h"

pst_stream *pst_stream_unix_abstract_connect(const char *name, int timeout_ms,
                                             pst_error *err);
pst_client *pst_client_connect_unix_abstract(const char *name,
                                             const pst_client_options *o,
                                             pst_error *err);

#endif
