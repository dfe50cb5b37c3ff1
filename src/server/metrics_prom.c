/* metrics_prom.c: the Prometheus text exposition of a server's metrics
 * (format 0.0.4: HELP and TYPE before each family, counters ending in
 * _total, histograms as cumulative _bucket{le} with _sum and _count), and
 * the process_* family every Prometheus client library exports. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/wbuf_printf.h"
#include "metrics_prom.h"

/* the text below is mostly formatted lines: a short name for them */
#define put pst__wbuf_printf

static void family(pst_wbuf *w, const char *name, const char *type,
                   const char *help)
{
    put(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void methods(pst_wbuf *w, pst__metrics *m)
{
    pst__method_stats *all = calloc(m->nmethods ? m->nmethods : 1, sizeof *all);
    if (!all) {
        w->err = PST_E_NOMEM;
        return;
    }
    for (uint32_t i = 0; i < m->nmethods; i++)
        pst__metrics_method_sum(m, i, &all[i]);

    family(w, "postern_calls_total", "counter",
           "Calls answered, by method and outcome.");
    for (uint32_t i = 0; i < m->nmethods; i++)
        for (int o = 0; o < PST__OUTCOME_COUNT; o++)
            put(w, "postern_calls_total{service=\"%s\",method=\"%s\",outcome=\"%s\"} %llu\n",
                m->owners[i]->name, m->methods[i]->name,
                pst__outcome_name((pst__outcome)o),
                (unsigned long long)pst__count_get(&all[i].outcome[o]));

    family(w, "postern_call_duration_seconds", "histogram",
           "Time from a decoded request to its encoded reply, by method.");
    for (uint32_t i = 0; i < m->nmethods; i++) {
        const char *svc = m->owners[i]->name, *name = m->methods[i]->name;
        uint64_t cum = 0;
        for (int b = 0; b <= PST__LAT_BOUNDS; b++) {
            cum += pst__count_get(&all[i].bucket[b]);
            if (b < PST__LAT_BOUNDS)
                put(w, "postern_call_duration_seconds_bucket{service=\"%s\",method=\"%s\",le=\"%g\"} %llu\n",
                    svc, name, (double)pst__lat_bounds_ns[b] / 1e9,
                    (unsigned long long)cum);
            else
                put(w, "postern_call_duration_seconds_bucket{service=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n",
                    svc, name, (unsigned long long)cum);
        }
        put(w, "postern_call_duration_seconds_sum{service=\"%s\",method=\"%s\"} %.9f\n",
            svc, name, (double)pst__count_get(&all[i].sum_ns) / 1e9);
        put(w, "postern_call_duration_seconds_count{service=\"%s\",method=\"%s\"} %llu\n",
            svc, name, (unsigned long long)cum);
    }
    free(all);
}

/* /proc/self/stat fields 14, 15 (utime, stime) and 22 (starttime), in
 * clock ticks. The command name (field 2) may hold spaces and parentheses,
 * so fields are counted from its closing parenthesis. */
static int proc_stat(unsigned long long *ticks, unsigned long long *start)
{
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    unsigned long long v[20] = { 0 };
    int field = 2;
    for (char *tok = strtok(p + 1, " "); tok && field < 22; tok = strtok(NULL, " ")) {
        field++;
        if (field >= 3 && field - 3 < 20)
            v[field - 3] = strtoull(tok, NULL, 10);
    }
    if (field < 22)
        return -1;
    *ticks = v[14 - 3] + v[15 - 3];
    *start = v[22 - 3];
    return 0;
}

static unsigned long long boot_time(void)
{
    char line[256];
    unsigned long long btime = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "btime %llu", &btime) == 1)
            break;
    fclose(f);
    return btime;
}

static void process(pst_wbuf *w)
{
    long tck = sysconf(_SC_CLK_TCK);
    unsigned long long ticks = 0, start = 0;
    if (tck > 0 && proc_stat(&ticks, &start) == 0) {
        family(w, "process_cpu_seconds_total", "counter",
               "Total user and system CPU time spent in seconds.");
        put(w, "process_cpu_seconds_total %.2f\n", (double)ticks / (double)tck);
        family(w, "process_start_time_seconds", "gauge",
               "Start time of the process since unix epoch in seconds.");
        put(w, "process_start_time_seconds %.2f\n",
            (double)boot_time() + (double)start / (double)tck);
    }
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) == 2) {
            long page = sysconf(_SC_PAGESIZE);
            family(w, "process_virtual_memory_bytes", "gauge",
                   "Virtual memory size in bytes.");
            put(w, "process_virtual_memory_bytes %lld\n", (long long)pages * page);
            family(w, "process_resident_memory_bytes", "gauge",
                   "Resident memory size in bytes.");
            put(w, "process_resident_memory_bytes %lld\n",
                (long long)resident * page);
        }
        fclose(f);
    }
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        long fds = 0;
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.')
                fds++;
        closedir(d);
        family(w, "process_open_fds", "gauge", "Number of open file descriptors.");
        put(w, "process_open_fds %ld\n", fds - 1); /* not the one reading */
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        family(w, "process_max_fds", "gauge",
               "Maximum number of open file descriptors.");
        put(w, "process_max_fds %llu\n", (unsigned long long)rl.rlim_cur);
    }
}

int pst__metrics_write_prometheus(pst__metrics *m, const pst__server_gauges *g,
                                  pst_wbuf *w)
{
    pst__metrics_totals t;
    pst__metrics_sum(m, &t);
    methods(w, m);

    family(w, "postern_received_bytes_total", "counter",
           "Bytes read from peers.");
    put(w, "postern_received_bytes_total %llu\n", (unsigned long long)t.bytes_in);
    family(w, "postern_sent_bytes_total", "counter", "Bytes written to peers.");
    put(w, "postern_sent_bytes_total %llu\n", (unsigned long long)t.bytes_out);

    family(w, "postern_connections_open", "gauge",
           "Connections open now, by what they speak.");
    for (int k = 0; k < PST__KIND_COUNT; k++)
        put(w, "postern_connections_open{kind=\"%s\"} %llu\n",
            pst__conn_kind_name((pst__conn_kind)k), (unsigned long long)t.open[k]);
    family(w, "postern_connections_accepted_total", "counter",
           "Connections by what they spoke; an upgraded connection counts "
           "under http and again under what it upgraded to.");
    for (int k = 0; k < PST__KIND_COUNT; k++)
        put(w, "postern_connections_accepted_total{kind=\"%s\"} %llu\n",
            pst__conn_kind_name((pst__conn_kind)k),
            (unsigned long long)t.opened[k]);
    family(w, "postern_connections_refused_total", "counter",
           "Connections closed at once because max_connections were open.");
    put(w, "postern_connections_refused_total %llu\n",
        (unsigned long long)g->refused);
    family(w, "postern_timeouts_total", "counter",
           "Connections closed by an idle, read or write timeout.");
    put(w, "postern_timeouts_total %llu\n", (unsigned long long)g->timeouts);

    family(w, "postern_protocol_errors_total", "counter",
           "Requests refused or connections closed for what the peer sent, "
           "by reason.");
    for (int p = 0; p < PST__PERR_COUNT; p++)
        put(w, "postern_protocol_errors_total{reason=\"%s\"} %llu\n",
            pst__perr_name((pst__perr)p), (unsigned long long)t.perr[p]);

    family(w, "postern_http_requests_total", "counter",
           "HTTP requests answered (pages, Thrift over HTTP, JSON calls).");
    put(w, "postern_http_requests_total %llu\n",
        (unsigned long long)t.http_requests);
    family(w, "postern_calls_in_flight", "gauge",
           "Calls whose handler is running now.");
    put(w, "postern_calls_in_flight %llu\n", (unsigned long long)t.in_flight);
    family(w, "postern_calls_queued", "gauge",
           "Connections or calls waiting for a worker now.");
    put(w, "postern_calls_queued %llu\n", (unsigned long long)g->queued);
    family(w, "postern_draining", "gauge",
           "1 while the server drains before stopping, else 0.");
    put(w, "postern_draining %d\n", g->draining ? 1 : 0);

    process(w);
    return w->err;
}
