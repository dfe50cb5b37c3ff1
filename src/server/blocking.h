/*
 * blocking.h: what the thread-based models (simple.c, threaded.c, pool.c)
 * share with server.c and conn.c. Not public API.
 */
#ifndef POSTERN_SERVER_BLOCKING_H
#define POSTERN_SERVER_BLOCKING_H

#include "server_internal.h"

/* Wait for the next connection and admit it: returns its fd (counted in
 * accepted and active), or PST_E_STOPPED once the server is stopping.
 * Connections over max_connections are closed here and counted refused.
 * Transient accept failures (EMFILE, ECONNABORTED ...) are logged and
 * waited out. */
int pst__server_accept(pst_server *s);

/* Serve one admitted connection on this thread until it closes, the peer
 * misbehaves, or the server stops; then close fd and decrement active. */
void pst__conn_serve(pst_server *s, int fd);

/* Close an admitted connection that was never served (a queued one at
 * stop); decrements active. */
void pst__conn_drop(pst_server *s, int fd);

int pst__simple_run(pst_server *s);
int pst__threaded_run(pst_server *s);
int pst__pool_run(pst_server *s);

#endif
