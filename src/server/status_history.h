/*
 * status_history.h: calls per second and p99 latency over the last 15
 * minutes, for the charts of GET /status.
 *
 * A sampler thread per running server wakes every PST__HISTORY_INTERVAL_S
 * seconds, sums the metrics shards, and keeps the difference from the
 * previous sample in a ring. It does no work on the call path and exits
 * when the server stops. The same thread times a drain (pst_server_drain):
 * drain_ms after it began, it stops the server.
 */
#ifndef POSTERN_SERVER_STATUS_HISTORY_H
#define POSTERN_SERVER_STATUS_HISTORY_H

#include "server_internal.h"

#define PST__HISTORY_INTERVAL_S 10
#define PST__HISTORY_SAMPLES 90 /* 15 minutes */

typedef struct pst__history_view {
    int n;                              /* samples, oldest first */
    double qps[PST__HISTORY_SAMPLES];
    double p99[PST__HISTORY_SAMPLES];   /* seconds; -1: no calls */
} pst__history_view;

/* Start and stop the sampler (pst_server_run calls these). Start returns
 * 0, or an error when no thread could be made (the pages then show no
 * history; serving is not affected). */
int pst__history_start(pst_server *s);
void pst__history_stop(pst_server *s);

/* A copy of the ring. Any thread. */
void pst__history_read(pst_server *s, pst__history_view *out);

/* The q-quantile (0..1) of a latency histogram with PST__LAT_BOUNDS + 1
 * non-cumulative buckets, interpolated within its bucket as Prometheus's
 * histogram_quantile does; the +Inf bucket answers the last finite bound.
 * -1 when the histogram is empty. */
double pst__histogram_quantile(const uint64_t *counts, double q);

#endif
