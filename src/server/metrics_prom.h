/* metrics_prom.h: a server's metrics as Prometheus text (GET /metrics). */
#ifndef POSTERN_SERVER_METRICS_PROM_H
#define POSTERN_SERVER_METRICS_PROM_H

#include <stdbool.h>

#include "metrics.h"

/* Numbers the server keeps outside the shards (its shared counters). */
typedef struct pst__server_gauges {
    uint64_t refused, timeouts, queued;
    bool draining;
} pst__server_gauges;

/* Append the exposition to w; returns w's sticky error (0 when it fits).
 * Safe to call from any thread while the server runs. */
int pst__metrics_write_prometheus(pst__metrics *m, const pst__server_gauges *g,
                                  pst_wbuf *w);

#endif
