/* status_history.c: the sampler behind /status's charts (see
 * status_history.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "status_history.h"

struct pst__history {
    pthread_t thread;
    int quit_fd;               /* eventfd: the sampler is to exit */
    pthread_mutex_t lock;      /* guards everything below */
    int head, n;               /* ring of n samples ending before head */
    double qps[PST__HISTORY_SAMPLES];
    double p99[PST__HISTORY_SAMPLES];
    uint64_t last_calls;       /* cumulative at the previous sample */
    uint64_t last_buckets[PST__LAT_BOUNDS + 1];
};

double pst__histogram_quantile(const uint64_t *counts, double q)
{
    uint64_t total = 0;
    for (int b = 0; b <= PST__LAT_BOUNDS; b++)
        total += counts[b];
    if (total == 0)
        return -1;
    double rank = q * (double)total;
    uint64_t below = 0;
    for (int b = 0; b <= PST__LAT_BOUNDS; b++) {
        if ((double)(below + counts[b]) >= rank && counts[b] > 0) {
            if (b == PST__LAT_BOUNDS)
                return (double)pst__lat_bounds_ns[PST__LAT_BOUNDS - 1] / 1e9;
            double lo = b ? (double)pst__lat_bounds_ns[b - 1] : 0;
            double hi = (double)pst__lat_bounds_ns[b];
            double frac = (rank - (double)below) / (double)counts[b];
            return (lo + (hi - lo) * frac) / 1e9;
        }
        below += counts[b];
    }
    return (double)pst__lat_bounds_ns[PST__LAT_BOUNDS - 1] / 1e9;
}

/* Everything every method has counted so far. */
static uint64_t cumulative(pst_server *s, uint64_t *buckets)
{
    memset(buckets, 0, sizeof(uint64_t) * (PST__LAT_BOUNDS + 1));
    uint64_t calls = 0;
    for (uint32_t i = 0; i < s->metrics.nmethods; i++) {
        pst__method_stats ms;
        pst__metrics_method_sum(&s->metrics, i, &ms);
        for (int o = 0; o < PST__OUTCOME_COUNT; o++)
            calls += pst__count_get(&ms.outcome[o]);
        for (int b = 0; b <= PST__LAT_BOUNDS; b++)
            buckets[b] += pst__count_get(&ms.bucket[b]);
    }
    return calls;
}

static void sample(pst_server *s, struct pst__history *h)
{
    uint64_t buckets[PST__LAT_BOUNDS + 1], delta[PST__LAT_BOUNDS + 1];
    uint64_t calls = cumulative(s, buckets);
    for (int b = 0; b <= PST__LAT_BOUNDS; b++)
        delta[b] = buckets[b] - h->last_buckets[b];
    h->qps[h->head] = (double)(calls - h->last_calls) / PST__HISTORY_INTERVAL_S;
    h->p99[h->head] = pst__histogram_quantile(delta, 0.99);
    h->head = (h->head + 1) % PST__HISTORY_SAMPLES;
    if (h->n < PST__HISTORY_SAMPLES)
        h->n++;
    h->last_calls = calls;
    memcpy(h->last_buckets, buckets, sizeof buckets);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Samples every interval; also times the drain period: once
 * pst_server_drain has signalled drain_fd, the server is stopped
 * drain_ms later (from a thread, since drain may come from a signal). */
static void *sampler(void *arg)
{
    pst_server *s = arg;
    struct pst__history *h = s->history;
    int64_t next_sample = mono_ms() + PST__HISTORY_INTERVAL_S * 1000;
    int64_t stop_at = 0;
    for (;;) {
        int64_t now = mono_ms(), until = next_sample;
        if (stop_at && stop_at < until)
            until = stop_at;
        struct pollfd p[2] = { { h->quit_fd, POLLIN, 0 }, { s->drain_fd, POLLIN, 0 } };
        int n = poll(p, stop_at ? 1 : 2, until > now ? (int)(until - now) : 0);
        if (n > 0 && p[0].revents)
            break;
        if (n > 0 && !stop_at && p[1].revents) {
            uint64_t v;
            if (read(s->drain_fd, &v, sizeof v) < 0) { /* counter was reset */ }
            stop_at = mono_ms() + s->opt.drain_ms;
            pst__server_log(s, PST_LOG_INFO, "draining: /health answers 503; "
                                             "stopping in %d ms",
                            s->opt.drain_ms);
        }
        now = mono_ms();
        if (stop_at && now >= stop_at) {
            pst_server_stop(s);
            stop_at = INT64_MAX; /* once */
        }
        if (now >= next_sample) {
            pthread_mutex_lock(&h->lock);
            sample(s, h);
            pthread_mutex_unlock(&h->lock);
            next_sample = now + PST__HISTORY_INTERVAL_S * 1000;
        }
    }
    return NULL;
}

int pst__history_start(pst_server *s)
{
    struct pst__history *h = calloc(1, sizeof *h);
    if (!h)
        return PST_E_NOMEM;
    h->quit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (h->quit_fd < 0) {
        free(h);
        return -errno;
    }
    pthread_mutex_init(&h->lock, NULL);
    h->last_calls = cumulative(s, h->last_buckets);
    s->history = h;
    int e = pthread_create(&h->thread, NULL, sampler, s);
    if (e != 0) {
        s->history = NULL;
        close(h->quit_fd);
        pthread_mutex_destroy(&h->lock);
        free(h);
        return -e;
    }
    return 0;
}

void pst__history_stop(pst_server *s)
{
    struct pst__history *h = s->history;
    if (!h)
        return;
    uint64_t one = 1;
    if (write(h->quit_fd, &one, sizeof one) < 0) { /* already signalled */ }
    pthread_join(h->thread, NULL);
    s->history = NULL;
    close(h->quit_fd);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

void pst__history_read(pst_server *s, pst__history_view *out)
{
    out->n = 0;
    struct pst__history *h = s->history;
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    int start = (h->head - h->n + PST__HISTORY_SAMPLES) % PST__HISTORY_SAMPLES;
    for (int i = 0; i < h->n; i++) {
        out->qps[i] = h->qps[(start + i) % PST__HISTORY_SAMPLES];
        out->p99[i] = h->p99[(start + i) % PST__HISTORY_SAMPLES];
    }
    out->n = h->n;
    pthread_mutex_unlock(&h->lock);
}
