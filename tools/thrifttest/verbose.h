/*
 * verbose.h: --verbose for thrifttest-server and thrifttest-client: every
 * call's arguments (server, on stderr) and every result (client, on
 * stdout) as one line of the debug protocol (postern/debug.h), e.g.
 *
 *   thrifttest-server: testI32(testI32_args { 01: thing (i32) = -1, })
 *   testI32 -> testI32_result { 00: success (i32) = -1, }
 *
 * Strings and binaries longer than TT_VERBOSE_MAX_STRING bytes are
 * shortened in these lines.
 */
#ifndef THRIFTTEST_VERBOSE_H
#define THRIFTTEST_VERBOSE_H

#include "postern/client.h"
#include "postern/types.h"

#define TT_VERBOSE_MAX_STRING 200

/* A service like svc whose methods print their arguments before running
 * (svc's invoke wrappers). Lives until the program exits; NULL when out
 * of memory. Thread-safe to serve from many threads (one fprintf a call). */
const pst_service_desc *tt_verbose_service(const pst_service_desc *svc);

/* A view over c printing each call's result. It owns c: c is freed when
 * the next one is wrapped, or by tt_verbose_client_done (the view itself
 * is freed by pst_client_free, as every view). One at a time. c NULL:
 * NULL. */
pst_client *tt_verbose_client(pst_client *c);
void tt_verbose_client_done(void);

#endif
