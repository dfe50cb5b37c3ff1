/* metrics.c: shards, the method index, and summing for a scrape (see
 * metrics.h for why counting needs no lock). */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

const uint64_t pst__lat_bounds_ns[PST__LAT_BOUNDS] = {
    5000,       10000,      25000,
    50000,      100000,     250000,     500000,     1000000,    2500000,
    5000000,    10000000,   25000000,   50000000,   100000000,  250000000,
    500000000,  1000000000, 2500000000, 5000000000, 10000000000,
};

#define MAX_BASE_DEPTH 64 /* a cycle in `base` must not hang us */

int pst__metrics_init(pst__metrics *m, const pst_service_desc *service)
{
    memset(m, 0, sizeof *m);
    m->service = service;
    clock_gettime(CLOCK_REALTIME, &m->started);
    uint32_t n = 0;
    int depth = 0;
    for (const pst_service_desc *s = service; s && depth < MAX_BASE_DEPTH;
         s = s->base, depth++)
        n += s->nmethods;
    m->methods = calloc(n ? n : 1, sizeof *m->methods);
    m->owners = calloc(n ? n : 1, sizeof *m->owners);
    if (!m->methods || !m->owners) {
        free(m->methods);
        free(m->owners);
        return PST_E_NOMEM;
    }
    depth = 0;
    for (const pst_service_desc *s = service; s && depth < MAX_BASE_DEPTH;
         s = s->base, depth++)
        for (uint32_t i = 0; i < s->nmethods; i++) {
            m->methods[m->nmethods] = &s->methods[i];
            m->owners[m->nmethods++] = s;
        }
    pthread_mutex_init(&m->lock, NULL);
    return 0;
}

void pst__metrics_destroy(pst__metrics *m)
{
    pst__metrics_shard *sh = m->all;
    while (sh) {
        pst__metrics_shard *next = sh->next;
        free(sh);
        sh = next;
    }
    free(m->methods);
    free(m->owners);
    pthread_mutex_destroy(&m->lock);
    memset(m, 0, sizeof *m);
}

pst__metrics_shard *pst__metrics_acquire(pst__metrics *m)
{
    pthread_mutex_lock(&m->lock);
    pst__metrics_shard *sh = m->free;
    if (sh) {
        m->free = sh->free_next;
    } else {
        /* calloc's zeroes are valid initial values for the atomics */
        sh = calloc(1, sizeof *sh + m->nmethods * sizeof sh->methods[0]);
        if (sh) {
            sh->next = m->all;
            m->all = sh;
        }
    }
    pthread_mutex_unlock(&m->lock);
    return sh;
}

void pst__metrics_release(pst__metrics *m, pst__metrics_shard *sh)
{
    if (!sh)
        return;
    pthread_mutex_lock(&m->lock);
    sh->free_next = m->free;
    m->free = sh;
    pthread_mutex_unlock(&m->lock);
}

int pst__metrics_method_index(const pst__metrics *m, const pst_method_desc *md)
{
    /* Methods of one service sit in one array: find the array, then the
     * offset, without comparing names. */
    uint32_t base = 0;
    int depth = 0;
    for (const pst_service_desc *s = m->service; s && depth < MAX_BASE_DEPTH;
         s = s->base, depth++) {
        if (md >= s->methods && md < s->methods + s->nmethods)
            return (int)(base + (uint32_t)(md - s->methods));
        base += s->nmethods;
    }
    return -1;
}

/* The list is only ever prepended to, under the lock; walking it from a
 * head read under the lock is safe without holding it. */
static pst__metrics_shard *first_shard(pst__metrics *m)
{
    pthread_mutex_lock(&m->lock);
    pst__metrics_shard *sh = m->all;
    pthread_mutex_unlock(&m->lock);
    return sh;
}

void pst__metrics_sum(pst__metrics *m, pst__metrics_totals *t)
{
    memset(t, 0, sizeof *t);
    uint64_t begun = 0, done = 0, closed[PST__KIND_COUNT] = { 0 };
    for (pst__metrics_shard *sh = first_shard(m); sh; sh = sh->next) {
        t->bytes_in += pst__count_get(&sh->bytes_in);
        t->bytes_out += pst__count_get(&sh->bytes_out);
        t->http_requests += pst__count_get(&sh->http_requests);
        begun += pst__count_get(&sh->calls_begun);
        done += pst__count_get(&sh->calls_done);
        for (int k = 0; k < PST__KIND_COUNT; k++) {
            t->opened[k] += pst__count_get(&sh->opened[k]);
            closed[k] += pst__count_get(&sh->closed[k]);
        }
        for (int p = 0; p < PST__PERR_COUNT; p++)
            t->perr[p] += pst__count_get(&sh->perr[p]);
    }
    /* Shards are read one after another, so a call or connection can be
     * seen ending in one shard before it is seen beginning in another:
     * clamp rather than report a wrapped number. */
    t->in_flight = begun > done ? begun - done : 0;
    for (int k = 0; k < PST__KIND_COUNT; k++)
        t->open[k] = t->opened[k] > closed[k] ? t->opened[k] - closed[k] : 0;
}

void pst__metrics_method_sum(pst__metrics *m, uint32_t index,
                             pst__method_stats *out)
{
    memset(out, 0, sizeof *out);
    if (index >= m->nmethods)
        return;
    for (pst__metrics_shard *sh = first_shard(m); sh; sh = sh->next) {
        pst__method_stats *ms = &sh->methods[index];
        for (int o = 0; o < PST__OUTCOME_COUNT; o++)
            out->outcome[o] += pst__count_get(&ms->outcome[o]);
        for (int b = 0; b <= PST__LAT_BOUNDS; b++)
            out->bucket[b] += pst__count_get(&ms->bucket[b]);
        out->sum_ns += pst__count_get(&ms->sum_ns);
    }
}

const char *pst__conn_kind_name(pst__conn_kind k)
{
    static const char *const names[PST__KIND_COUNT] = {
        "binary", "compact", "binary_framed", "compact_framed",
        "http",   "connect", "jsonrpc",
    };
    return (unsigned)k < PST__KIND_COUNT ? names[k] : "unknown";
}

const char *pst__outcome_name(pst__outcome o)
{
    static const char *const names[PST__OUTCOME_COUNT] = {
        "ok", "declared_exception", "application_exception", "protocol_error",
    };
    return (unsigned)o < PST__OUTCOME_COUNT ? names[o] : "unknown";
}

const char *pst__perr_name(pst__perr p)
{
    static const char *const names[PST__PERR_COUNT] = {
        "unknown_bytes", "bad_message", "size_limit", "unknown_method", "http",
        "call_memory",
    };
    return (unsigned)p < PST__PERR_COUNT ? names[p] : "unknown";
}
