/*
 * postern/postern.h: the whole public API in one include.
 *
 *   version.h    PST_VERSION_STRING and its parts
 *   error.h      status codes and pst_error (what and where)
 *   arena.h      arenas: per-call memory, freed at once
 *   buffer.h     byte buffers: bounded growable output, read views
 *   types.h      values in C and the descriptor tables
 *   protocol.h   the protocols (binary, compact, JSON), limits, TApplicationException
 *   transport.h  byte streams (socket, memory) and message layers (framed, unframed)
 *   processor.h  one request in, one reply out
 *   server.h     the four server models and the front door
 *   client.h     the synchronous client and views for generated stubs
 *   deadline.h   per-call deadlines
 *   pipeline.h   many calls in flight on one connection
 *   pool.h       connections over several endpoints
 *   json.h       values as JSON by field name (HTTP calls, JSON-RPC)
 *   multiplex.h  several services on one port ("Service:method")
 *   abstract_socket.h  Unix sockets by Linux abstract name
 *
 * Generated code (`postern gen`) includes only what it needs.
 */
#ifndef POSTERN_POSTERN_H
#define POSTERN_POSTERN_H

#include "error.h"
#include "arena.h"
#include "buffer.h"
#include "types.h"
#include "version.h"
#include "protocol.h"
#include "transport.h"
#include "processor.h"
#include "server.h"
#include "client.h"
#include "deadline.h"
#include "pipeline.h"
#include "pool.h"
#include "json.h"
#include "debug.h"
#include "file.h"
#include "multiplex.h"
#include "abstract_socket.h"

#endif
