/*
 * postern/deadline.h: when a call must be over, and what it left behind.
 *
 * Shared by every caller: the synchronous client (client.h), the pipelining
 * client (pipeline.h) and the pool (pool.h).
 *
 * A deadline is a point in time on CLOCK_MONOTONIC, not a duration, so one
 * deadline can bound several steps (waiting for a connection, connecting,
 * writing, reading) without each step restarting the clock.
 *
 * Thread-safety: the deadline functions are pure apart from reading the
 * clock; pst_call_info_last is per thread.
 */
#ifndef POSTERN_DEADLINE_H
#define POSTERN_DEADLINE_H

#include <stdint.h>

#include "error.h"
#include "protocol.h"

/* ---- deadlines ---------------------------------------------------------- */

/* A point in time on CLOCK_MONOTONIC. A struct so that a relative number of
 * milliseconds cannot be passed by mistake where a deadline is wanted. */
typedef struct pst_deadline {
    int64_t at_ns;  /* 0: "not given" (use the object's call timeout) */
} pst_deadline;

#define PST_DEADLINE_DEFAULT ((pst_deadline){ 0 })         /* the configured call timeout */
#define PST_DEADLINE_NEVER   ((pst_deadline){ INT64_MAX }) /* wait for ever */

/* Milliseconds on CLOCK_MONOTONIC (the clock deadlines use). */
int64_t pst_monotonic_ms(void);
/* Relative: ms from now (ms <= 0 has already passed). */
pst_deadline pst_deadline_in_ms(int64_t ms);
/* Absolute: the moment pst_monotonic_ms() reaches monotonic_ms. */
pst_deadline pst_deadline_at_ms(int64_t monotonic_ms);
/* Milliseconds left, rounded up; 0 once passed, INT64_MAX for NEVER (and
 * for DEFAULT, which is no point in time). */
int64_t pst_deadline_left_ms(pst_deadline d);

/* ---- per-call outcome ---------------------------------------------------- */

/* What a call leaves for the caller that made it. */
typedef struct pst_call_info {
    int status;                       /* the call's return value */
    pst_app_exception app_exception;  /* when status == PST_E_APP_EXCEPTION;
                                         its message lives in the call's arena */
    pst_error error;                  /* detail when status < 0: what, where */
} pst_call_info;

/* What the calling thread's most recent pst_pipeline_call or pst_pool_call
 * (also through a client view, client.h) left: those have no info
 * parameter. Never NULL; per thread. */
const pst_call_info *pst_call_info_last(void);

#endif
