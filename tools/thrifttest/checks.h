/*
 * checks.h: thrifttest-client's checks, one per ThriftTest method, each
 * calling the server and comparing every answer strictly with what
 * ThriftTest.thrift documents.
 *
 * A failed check prints one line on stderr saying what was sent, what was
 * expected and what came back, and adds its group to `status`, Thrift's
 * cross-test exit bitmask. When a call leaves the connection broken, the
 * checker reconnects through `reconnect` and goes on; when that fails,
 * every later check fails without a call (TT_ERR_UNKNOWN is added).
 *
 * Thread-safety: a checker is used by one thread.
 */
#ifndef THRIFTTEST_CHECKS_H
#define THRIFTTEST_CHECKS_H

#include <stdbool.h>

#include "postern/arena.h"
#include "postern/client.h"

enum {
    TT_ERR_BASETYPES = 1,
    TT_ERR_STRUCTS = 2,     /* also enums, typedefs, testMulti, testInsanity */
    TT_ERR_CONTAINERS = 4,
    TT_ERR_EXCEPTIONS = 8,
    TT_ERR_UNKNOWN = 64     /* no connection */
};

typedef struct tt_checker {
    pst_client *client;          /* owned; replaced on reconnect */
    pst_arena arena;             /* replies; reset before every call */
    /* Open a new connection (NULL on failure, having said why). */
    pst_client *(*reconnect)(void *ctx);
    void *reconnect_ctx;
    /* Multiplexed runs: where the SecondService view lives (reconnect
     * replaces it); NULL otherwise, and its check is not run. */
    pst_client **second;
    bool verbose;                /* print "ok <method>" lines */
    int status;                  /* bitmask of failed groups */
    unsigned checks_failed;
    unsigned calls;
} tt_checker;

/* Run every check once. */
void tt_run_checks(tt_checker *x);

/* How many checks one pass of x runs. */
unsigned tt_check_count(const tt_checker *x);

#endif
