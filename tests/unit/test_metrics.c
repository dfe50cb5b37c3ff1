/* test_metrics.c: shards count without sharing, sums add up across threads,
 * methods are indexed through `extends`, and the Prometheus text has the
 * families, labels and cumulative buckets a scraper expects. */
#include <pthread.h>
#include <stdlib.h>

#include "server/metrics.h"
#include "server/metrics_prom.h"
#include "test.h"
#include "test_calc.h"

static void test_method_index(void)
{
    pst__metrics m;
    CHECK_EQ_INT(pst__metrics_init(&m, &t_Calc_desc), 0);
    CHECK_EQ_INT(m.nmethods, 7);
    CHECK_EQ_INT(pst__metrics_method_index(&m, &t_Calc_methods[0]), 0);
    CHECK_EQ_INT(pst__metrics_method_index(&m, &t_Calc_methods[5]), 5);
    CHECK_EQ_INT(pst__metrics_method_index(&m, &t_Base_methods[0]), 6);
    CHECK(m.owners[6] == &t_Base_desc);
    static const pst_method_desc stranger = { "x", NULL, NULL, false, NULL };
    CHECK_EQ_INT(pst__metrics_method_index(&m, &stranger), -1);
    pst__metrics_destroy(&m);
}

static void test_buckets(void)
{
    CHECK_EQ_INT(pst__lat_bucket(0), 0);
    CHECK_EQ_INT(pst__lat_bucket(5000), 0);         /* le is inclusive */
    CHECK_EQ_INT(pst__lat_bucket(5001), 1);
    CHECK_EQ_INT(pst__lat_bucket(50000), 3);
    CHECK_EQ_INT(pst__lat_bucket(10000000000ull), PST__LAT_BOUNDS - 1);
    CHECK_EQ_INT(pst__lat_bucket(10000000001ull), PST__LAT_BOUNDS);
}

enum { THREADS = 4, CALLS = 20000 };

static void *counter_thread(void *arg)
{
    pst__metrics *m = arg;
    pst__metrics_shard *sh = pst__metrics_acquire(m);
    for (int i = 0; i < CALLS; i++) {
        pst__metrics_call(sh, i % 2, i % 3 ? PST__OUTCOME_OK : PST__OUTCOME_DECLARED,
                          (uint64_t)i * 1000);
        pst__metrics_bytes(sh, 10, 20);
    }
    pst__metrics_kind(sh, PST__KIND_COUNT, PST__KIND_HTTP);
    pst__metrics_kind(sh, PST__KIND_HTTP, PST__KIND_CONNECT);
    pst__metrics_release(m, sh);
    return NULL;
}

static void test_threads_sum(void)
{
    pst__metrics m;
    CHECK_EQ_INT(pst__metrics_init(&m, &t_Calc_desc), 0);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, counter_thread, &m);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);

    pst__metrics_totals tot;
    pst__metrics_sum(&m, &tot);
    CHECK_EQ_INT(tot.bytes_in, 10ull * CALLS * THREADS);
    CHECK_EQ_INT(tot.bytes_out, 20ull * CALLS * THREADS);
    CHECK_EQ_INT(tot.opened[PST__KIND_HTTP], THREADS);
    CHECK_EQ_INT(tot.open[PST__KIND_HTTP], 0);
    CHECK_EQ_INT(tot.open[PST__KIND_CONNECT], THREADS);

    pst__method_stats s0, s1;
    pst__metrics_method_sum(&m, 0, &s0);
    pst__metrics_method_sum(&m, 1, &s1);
    uint64_t n0 = pst__count_get(&s0.outcome[PST__OUTCOME_OK]) +
                  pst__count_get(&s0.outcome[PST__OUTCOME_DECLARED]);
    CHECK_EQ_INT(n0, CALLS / 2 * THREADS);
    uint64_t b = 0;
    for (int i = 0; i <= PST__LAT_BOUNDS; i++)
        b += pst__count_get(&s1.bucket[i]);
    CHECK_EQ_INT(b, CALLS / 2 * THREADS);

    /* Released shards are reused, not multiplied. */
    int shards = 0;
    for (pst__metrics_shard *sh = m.all; sh; sh = sh->next)
        shards++;
    CHECK(shards >= 1 && shards <= THREADS);
    pst__metrics_shard *again = pst__metrics_acquire(&m);
    int after = 0;
    for (pst__metrics_shard *sh = m.all; sh; sh = sh->next)
        after++;
    CHECK_EQ_INT(after, shards);
    pst__metrics_release(&m, again);
    pst__metrics_destroy(&m);
}

static bool has_line(const pst_wbuf *w, const char *line)
{
    size_t n = strlen(line);
    const char *p = (const char *)w->data, *end = p + w->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len == n && memcmp(p, line, n) == 0)
            return true;
        p += len + 1;
    }
    return false;
}

static void test_prometheus_text(void)
{
    pst__metrics m;
    CHECK_EQ_INT(pst__metrics_init(&m, &t_Calc_desc), 0);
    pst__metrics_shard *sh = pst__metrics_acquire(&m);
    pst__metrics_call(sh, 0, PST__OUTCOME_OK, 40000);      /* <= 50 us, > 25 us */
    pst__metrics_call(sh, 0, PST__OUTCOME_OK, 2000000);    /* <= 2.5 ms */
    pst__metrics_call(sh, 6, PST__OUTCOME_APP_ERROR, 1);
    pst__metrics_perr(sh, PST__PERR_HTTP);
    pst__metrics_release(&m, sh);

    pst__server_gauges g = { 3, 1, 0, false };
    pst_wbuf w;
    pst_wbuf_init(&w, 1 << 20);
    CHECK_EQ_INT(pst__metrics_write_prometheus(&m, &g, &w), 0);
    CHECK(has_line(&w, "# TYPE postern_calls_total counter"));
    CHECK(has_line(&w, "postern_calls_total{service=\"Calc\",method=\"add\",outcome=\"ok\"} 2"));
    CHECK(has_line(&w, "postern_calls_total{service=\"Base\",method=\"ping\",outcome=\"application_exception\"} 1"));
    CHECK(has_line(&w, "# TYPE postern_call_duration_seconds histogram"));
    CHECK(has_line(&w, "postern_call_duration_seconds_bucket{service=\"Calc\",method=\"add\",le=\"2.5e-05\"} 0"));
    CHECK(has_line(&w, "postern_call_duration_seconds_bucket{service=\"Calc\",method=\"add\",le=\"5e-05\"} 1"));
    CHECK(has_line(&w, "postern_call_duration_seconds_bucket{service=\"Calc\",method=\"add\",le=\"0.001\"} 1"));
    CHECK(has_line(&w, "postern_call_duration_seconds_bucket{service=\"Calc\",method=\"add\",le=\"0.0025\"} 2"));
    CHECK(has_line(&w, "postern_call_duration_seconds_bucket{service=\"Calc\",method=\"add\",le=\"+Inf\"} 2"));
    CHECK(has_line(&w, "postern_call_duration_seconds_count{service=\"Calc\",method=\"add\"} 2"));
    CHECK(has_line(&w, "postern_connections_refused_total 3"));
    CHECK(has_line(&w, "postern_protocol_errors_total{reason=\"http\"} 1"));
    CHECK(has_line(&w, "# TYPE process_resident_memory_bytes gauge"));
    CHECK(has_line(&w, "# TYPE process_cpu_seconds_total counter"));
    CHECK(w.len > 0 && w.data[w.len - 1] == '\n');
    pst_wbuf_free(&w);
    pst__metrics_destroy(&m);
}

int main(void)
{
    RUN(test_method_index);
    RUN(test_buckets);
    RUN(test_threads_sum);
    RUN(test_prometheus_text);
    return test_report();
}
