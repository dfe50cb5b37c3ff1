/* front_pages.c: the pages every postern port serves to GET and HEAD:
 *
 *   /          an index: the pages, the services and their methods
 *   /health    200 "ok" while serving; 503 while draining or not ready
 *   /metrics   Prometheus text (metrics_prom.c)
 *   /status    for people: HTML to a browser, JSON to Accept:
 *              application/json, plain text otherwise
 *   /schema    the IDL the service was generated from, includes too
 *   /connections  open connections: peer, kind, age, bytes, calls
 *   /Service   the service's methods with their signatures
 *
 * Pages are built on the calling thread from the server's shared counters
 * and the metrics shards; nothing here blocks. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/wbuf_printf.h"
#include "front.h"
#include "metrics_prom.h"
#include "status_history.h"
#include "postern/json.h"
#include "postern/version.h"

/* the text below is mostly formatted lines: a short name for them */
#define put pst__wbuf_printf

static bool path_is(const pst_http_request *req, const char *p)
{
    size_t n = strlen(p);
    return req->path.len == n && memcmp(req->path.ptr, p, n) == 0;
}

static const char *model_name(pst_server_model m)
{
    static const char *const names[] = { "simple", "threaded", "thread-pool",
                                         "nonblocking" };
    return (unsigned)m < 4 ? names[m] : "unknown";
}

/* ---- type names, for signatures --------------------------------------------- */

static void type_name(pst_wbuf *w, const pst_type *t, int depth)
{
    if (depth > 16) {
        put(w, "...");
        return;
    }
    switch (t->kind) {
    case PST_K_BOOL: put(w, "bool"); break;
    case PST_K_I8: put(w, "i8"); break;
    case PST_K_I16: put(w, "i16"); break;
    case PST_K_I32: put(w, "i32"); break;
    case PST_K_I64: put(w, "i64"); break;
    case PST_K_DOUBLE: put(w, "double"); break;
    case PST_K_STRING: put(w, "string"); break;
    case PST_K_BINARY: put(w, "binary"); break;
    case PST_K_UUID: put(w, "uuid"); break;
    case PST_K_ENUM: put(w, "%s", t->edesc ? t->edesc->name : "enum"); break;
    case PST_K_STRUCT:
    case PST_K_STRUCT_PTR: put(w, "%s", t->sdesc ? t->sdesc->name : "struct"); break;
    case PST_K_LIST:
    case PST_K_SET:
        put(w, t->kind == PST_K_LIST ? "list<" : "set<");
        type_name(w, t->elem, depth + 1);
        put(w, ">");
        break;
    case PST_K_MAP:
        put(w, "map<");
        type_name(w, t->elem, depth + 1);
        put(w, ",");
        type_name(w, t->value, depth + 1);
        put(w, ">");
        break;
    default: put(w, "?"); break;
    }
}

/* "i32 add(1: i32 a, 2: i32 b) throws (1: Oops oops)" */
static void signature(pst_wbuf *w, const pst_method_desc *m)
{
    const pst_struct_desc *rd = m->result;
    const pst_field *success = NULL;
    if (rd)
        for (uint16_t i = 0; i < rd->nfields; i++)
            if (rd->fields[i].id == 0)
                success = &rd->fields[i];
    if (m->oneway)
        put(w, "oneway void");
    else if (success)
        type_name(w, success->type, 0);
    else
        put(w, "void");
    put(w, " %s(", m->name);
    for (uint16_t i = 0; i < m->args->nfields; i++) {
        const pst_field *f = &m->args->fields[i];
        put(w, "%s%d: ", i ? ", " : "", f->id);
        type_name(w, f->type, 0);
        put(w, " %s", f->name);
    }
    put(w, ")");
    bool first = true;
    for (uint16_t i = 0; rd && i < rd->nfields; i++) {
        const pst_field *f = &rd->fields[i];
        if (f->id == 0)
            continue;
        put(w, "%s%d: ", first ? " throws (" : ", ", f->id);
        type_name(w, f->type, 0);
        put(w, " %s", f->name);
        first = false;
    }
    if (!first)
        put(w, ")");
}

/* ---- / ------------------------------------------------------------------------ */

static void page_index(pst__front_req *r, pst_http_media media)
{
    pst_server *s = r->s;
    pst_wbuf *w = r->out;
    size_t mark = w->len;
    pst__metrics *m = &s->metrics;
    if (media == PST_HTTP_MEDIA_HTML) {
        put(w, "<!doctype html><html><head><meta charset=\"utf-8\"><title>postern: %s</title>"
               "<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}"
               "code{font:13px ui-monospace,monospace}</style></head><body>"
               "<h1>postern: %s</h1><ul>"
               "<li><a href=\"/status\">/status</a>: how the server is doing</li>"
               "<li><a href=\"/health\">/health</a>: for load balancers</li>"
               "<li><a href=\"/metrics\">/metrics</a>: for Prometheus</li>"
               "<li><a href=\"/schema\">/schema</a>: the IDL</li>"
               "<li><a href=\"/connections\">/connections</a>: who is connected</li></ul>"
               "<h2>Methods</h2><ul>",
            s->proc.service->name, s->proc.service->name);
        for (uint32_t i = 0; i < m->nmethods; i++) {
            put(w, "<li><code>");
            size_t at = w->len;
            signature(w, m->methods[i]);
            /* the signature has no markup characters but < and > */
            pst_wbuf tmp;
            pst_wbuf_init(&tmp, 0);
            for (size_t k = at; k < w->len; k++) {
                const char *esc = w->data[k] == '<' ? "&lt;" : w->data[k] == '>' ? "&gt;" : NULL;
                if (esc)
                    pst_wbuf_append(&tmp, esc, 4);
                else
                    pst_wbuf_append(&tmp, &w->data[k], 1);
            }
            w->len = at;
            if (tmp.len)
                pst_wbuf_append(w, tmp.data, tmp.len);
            pst_wbuf_free(&tmp);
            put(w, "</code>: <code>POST /%s/%s</code></li>", m->owners[i]->name,
                m->methods[i]->name);
        }
        put(w, "</ul></body></html>\n");
        pst__front_respond_at(r, 200, "text/html; charset=utf-8", mark, NULL);
        return;
    }
    put(w, "postern: %s\n\npages:\n  /status   how the server is doing\n"
           "  /health   for load balancers\n  /metrics  for Prometheus\n"
           "  /schema   the IDL\n  /connections  who is connected\n"
           "  /%s  the methods\n\nmethods (POST /Service/method with JSON):\n",
        s->proc.service->name, s->proc.service->name);
    for (uint32_t i = 0; i < m->nmethods; i++) {
        put(w, "  ");
        signature(w, m->methods[i]);
        put(w, "\n");
    }
    pst__front_respond_at(r, 200, "text/plain; charset=utf-8", mark, NULL);
}

/* ---- /Service: the methods ------------------------------------------------------ */

static bool page_service(pst__front_req *r, pst_http_media media)
{
    pst_str name = { r->req->path.ptr + 1, r->req->path.len - 1 };
    const pst_service_desc *svc = pst__front_service(r->s, name);
    if (!svc)
        return false;
    pst_wbuf *w = r->out;
    size_t mark = w->len;
    pst__metrics *m = &r->s->metrics;
    if (media == PST_HTTP_MEDIA_JSON) {
        put(w, "{\"service\":");
        pst_json_write_string(w, svc->name, strlen(svc->name));
        put(w, ",\"methods\":[");
        bool first = true;
        for (uint32_t i = 0; i < m->nmethods; i++) {
            if (m->owners[i] != svc && svc != r->s->proc.service)
                continue;
            size_t at = w->len;
            signature(w, m->methods[i]);
            size_t sig_len = w->len - at;
            char sig[512];
            size_t n = sig_len < sizeof sig ? sig_len : sizeof sig;
            memcpy(sig, w->data + at, n);
            w->len = at;
            put(w, "%s{\"name\":", first ? "" : ",");
            pst_json_write_string(w, m->methods[i]->name, strlen(m->methods[i]->name));
            put(w, ",\"signature\":");
            pst_json_write_string(w, sig, n);
            put(w, ",\"path\":\"/%s/%s\"}", m->owners[i]->name, m->methods[i]->name);
            first = false;
        }
        put(w, "]}\n");
        pst__front_respond_at(r, 200, "application/json", mark, NULL);
        return true;
    }
    put(w, "service %s", svc->name);
    if (svc->base)
        put(w, " extends %s", svc->base->name);
    put(w, " {\n");
    for (uint32_t i = 0; i < m->nmethods; i++) {
        if (m->owners[i] != svc && svc != r->s->proc.service)
            continue;
        put(w, "  ");
        signature(w, m->methods[i]);
        put(w, "    // POST /%s/%s\n", m->owners[i]->name, m->methods[i]->name);
    }
    put(w, "}\n");
    pst__front_respond_at(r, 200, "text/plain; charset=utf-8", mark, NULL);
    return true;
}

/* ---- /health ---------------------------------------------------------------------- */

static void page_health(pst__front_req *r)
{
    pst_server *s = r->s;
    if (atomic_load_explicit(&s->draining, memory_order_relaxed) ||
        atomic_load_explicit(&s->stopping, memory_order_relaxed)) {
        static const char body[] = "draining\n";
        pst__front_respond(r, 503, "text/plain; charset=utf-8", body, sizeof body - 1);
    } else if (atomic_load_explicit(&s->not_ready, memory_order_relaxed)) {
        static const char body[] = "not ready\n";
        pst__front_respond(r, 503, "text/plain; charset=utf-8", body, sizeof body - 1);
    } else {
        static const char body[] = "ok\n";
        pst__front_respond(r, 200, "text/plain; charset=utf-8", body, sizeof body - 1);
    }
}

/* ---- /metrics --------------------------------------------------------------------- */

static void page_metrics(pst__front_req *r)
{
    pst_server *s = r->s;
    pst__server_gauges g = {
        atomic_load(&s->stats.refused), atomic_load(&s->stats.timeouts),
        atomic_load(&s->stats.queued), atomic_load(&s->draining),
    };
    size_t mark = r->out->len;
    pst__metrics_write_prometheus(&s->metrics, &g, r->out);
    pst__front_respond_at(r, 200, "text/plain; version=0.0.4; charset=utf-8", mark,
                          NULL);
}

/* ---- /status ---------------------------------------------------------------------- */

typedef struct method_row {
    uint64_t calls, errors;
    double p50, p99; /* seconds; < 0 when no calls */
} method_row;

static void method_row_of(pst__metrics *m, uint32_t i, method_row *row)
{
    pst__method_stats ms;
    pst__metrics_method_sum(m, i, &ms);
    row->calls = 0;
    for (int o = 0; o < PST__OUTCOME_COUNT; o++)
        row->calls += pst__count_get(&ms.outcome[o]);
    row->errors = row->calls - pst__count_get(&ms.outcome[PST__OUTCOME_OK]);
    uint64_t counts[PST__LAT_BOUNDS + 1];
    for (int b = 0; b <= PST__LAT_BOUNDS; b++)
        counts[b] = pst__count_get(&ms.bucket[b]);
    row->p50 = pst__histogram_quantile(counts, 0.50);
    row->p99 = pst__histogram_quantile(counts, 0.99);
}

static void fmt_seconds(char *buf, size_t n, double s)
{
    if (s < 0)
        snprintf(buf, n, "-");
    else if (s < 1e-3)
        snprintf(buf, n, "%.0f us", s * 1e6);
    else if (s < 1)
        snprintf(buf, n, "%.2f ms", s * 1e3);
    else
        snprintf(buf, n, "%.2f s", s);
}

static void status_json(pst__front_req *r, const pst__metrics_totals *t,
                        double uptime, const pst__history_view *h)
{
    pst_server *s = r->s;
    pst_wbuf *w = r->out;
    pst__metrics *m = &s->metrics;
    put(w, "{\"service\":");
    pst_json_write_string(w, s->proc.service->name, strlen(s->proc.service->name));
    put(w, ",\"version\":\"%s\",\"uptime_seconds\":%.3f,\"model\":\"%s\","
           "\"io_threads\":%d,\"workers\":%d,\"max_connections\":%d,"
           "\"draining\":%s,\"ready\":%s,",
        PST_VERSION_STRING, uptime, model_name(s->opt.model), s->opt.io_threads,
        s->opt.workers, s->opt.max_connections,
        atomic_load(&s->draining) ? "true" : "false",
        atomic_load(&s->not_ready) ? "false" : "true");
    put(w, "\"connections\":{\"active\":%llu,\"accepted\":%llu,\"refused\":%llu,"
           "\"open_by_kind\":{",
        (unsigned long long)atomic_load(&s->stats.active),
        (unsigned long long)atomic_load(&s->stats.accepted),
        (unsigned long long)atomic_load(&s->stats.refused));
    for (int k = 0; k < PST__KIND_COUNT; k++)
        put(w, "%s\"%s\":%llu", k ? "," : "", pst__conn_kind_name((pst__conn_kind)k),
            (unsigned long long)t->open[k]);
    put(w, "}},\"bytes_in\":%llu,\"bytes_out\":%llu,\"qps\":%.1f,\"methods\":[",
        (unsigned long long)t->bytes_in, (unsigned long long)t->bytes_out,
        h->n ? h->qps[h->n - 1] : 0.0);
    for (uint32_t i = 0; i < m->nmethods; i++) {
        method_row row;
        method_row_of(m, i, &row);
        put(w, "%s{\"service\":\"%s\",\"name\":\"%s\",\"calls\":%llu,\"errors\":%llu,"
               "\"p50_seconds\":%.6f,\"p99_seconds\":%.6f}",
            i ? "," : "", m->owners[i]->name, m->methods[i]->name,
            (unsigned long long)row.calls, (unsigned long long)row.errors,
            row.p50 < 0 ? 0 : row.p50, row.p99 < 0 ? 0 : row.p99);
    }
    put(w, "],\"history\":{\"interval_seconds\":%d,\"qps\":[", PST__HISTORY_INTERVAL_S);
    for (int i = 0; i < h->n; i++)
        put(w, "%s%.1f", i ? "," : "", h->qps[i]);
    put(w, "],\"p99_seconds\":[");
    for (int i = 0; i < h->n; i++)
        put(w, "%s%.6f", i ? "," : "", h->p99[i] < 0 ? 0 : h->p99[i]);
    put(w, "]}}\n");
}

/* "3 h 12 min", "4 min 10 s", "12 s": how long a person reads at a glance. */
static void fmt_uptime(char *buf, size_t n, double s)
{
    long long t = (long long)s;
    if (t >= 86400)
        snprintf(buf, n, "%lld d %lld h", t / 86400, t % 86400 / 3600);
    else if (t >= 3600)
        snprintf(buf, n, "%lld h %lld min", t / 3600, t % 3600 / 60);
    else if (t >= 60)
        snprintf(buf, n, "%lld min %lld s", t / 60, t % 60);
    else
        snprintf(buf, n, "%lld s", t);
}

/* A line chart of v[0..n) (oldest first, one sample per history interval,
 * the newest at the right edge) as inline SVG: no scripts, no assets.
 * Values below 0 mean "no data" and leave a gap in the line. */
static void svg_chart(pst_wbuf *w, const char *title, const double *v, int n,
                      double scale, const char *unit)
{
    enum { W = 520, H = 140, L = 44, R = 8, T = 8, B = 20 };
    const double pw = W - L - R, ph = H - T - B;
    double max = 0;
    for (int i = 0; i < n; i++)
        if (v[i] * scale > max)
            max = v[i] * scale;
    /* A round top for the axis: 1, 2 or 5 times a power of ten. */
    /* A round top for the axis (1, 2 or 5 times a power of ten), with some
     * room above the highest value so a flat line does not hug the frame. */
    double want = max * 1.15;
    double decade = max > 0 ? 1e-3 : 1;
    while (decade * 10 < want)
        decade *= 10;
    double top = decade;
    if (top < want)
        top = decade * 2 >= want ? decade * 2 : decade * 5 >= want ? decade * 5 : decade * 10;
    put(w, "<figure><figcaption>%s <small>(%s)</small></figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
           "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
           "aria-label=\"%s over the last 15 minutes\">",
        title, unit, W, H, W, H, title);
    for (int g = 0; g <= 4; g++) {
        double y = T + ph * g / 4;
        put(w, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", L,
            W - R, y, y, g == 4 ? "#9aa4af" : "#e3e7eb");
    }
    char toplabel[32];
    if (top >= 1000)
        snprintf(toplabel, sizeof toplabel, "%.0fk", top / 1000);
    else
        snprintf(toplabel, sizeof toplabel, "%.3g", top);
    put(w, "<g font-size=\"11\" fill=\"#57606a\"><text x=\"%d\" y=\"%d\" "
           "text-anchor=\"end\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
           "0</text><text x=\"%d\" y=\"%d\">-15 min</text><text x=\"%d\" y=\"%d\" "
           "text-anchor=\"middle\">-7.5 min</text><text x=\"%d\" y=\"%d\" "
           "text-anchor=\"end\">now</text></g>",
        L - 4, T + 10, toplabel, L - 4, T + (int)ph + 4, L, H - 4, L + (int)pw / 2, H - 4,
        W - R, H - 4);
    int slots = PST__HISTORY_SAMPLES;
    int drawn = 0;
    for (int i = 0; i < n; i++) {
        if (v[i] < 0) {
            if (drawn)
                put(w, "\"/>");
            drawn = 0;
            continue;
        }
        double x = L + (double)(slots - n + i) * pw / (slots - 1);
        double y = T + ph - v[i] * scale / top * ph;
        put(w, "%s%.1f,%.1f", drawn ? " " : "<polyline fill=\"none\" stroke=\"#0969da\" "
                                            "stroke-width=\"2\" stroke-linejoin=\"round\" "
                                            "points=\"",
            x, y);
        drawn++;
    }
    if (drawn)
        put(w, "\"/>");
    if (n > 0 && v[n - 1] >= 0) /* the newest value, visible from the first sample */
        put(w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#0969da\"/>", L + pw,
            T + ph - v[n - 1] * scale / top * ph);
    if (n == 0)
        put(w, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-size=\"12\" "
               "fill=\"#57606a\">no samples yet: one every %d s</text>",
            L + pw / 2, T + ph / 2, PST__HISTORY_INTERVAL_S);
    put(w, "</svg></figure>");
}

static const char status_css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
    "color:#1f2328;background:#f6f8fa}"
    "header{background:#24292f;color:#fff;padding:14px 32px;display:flex;"
    "align-items:center;gap:16px}header h1{font-size:20px;margin:0;font-weight:600}"
    "header .sub{color:#c9d1d9;font-size:13px}main{padding:20px 32px;max-width:1140px}"
    ".badge{border-radius:10px;padding:2px 10px;font-size:12px;font-weight:600}"
    ".ok{background:#2da44e}.warn{background:#bf8700}.bad{background:#cf222e}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}"
    ".card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;"
    "min-width:96px}.card b{display:block;font-size:20px;font-weight:600}"
    ".card span{color:#57606a;font-size:12px}";

static const char status_css2[] =
    "figure{display:inline-block;margin:0 16px 16px 0;background:#fff;"
    "border:1px solid #d0d7de;border-radius:6px;padding:8px 10px}"
    "figcaption{font-weight:600;margin-bottom:4px}figcaption small{color:#57606a;"
    "font-weight:400}"
    "section{display:inline-block;vertical-align:top;margin:0 16px 16px 0}"
    "h2{font-size:15px;margin:8px 0}table{border-collapse:collapse;background:#fff;"
    "border:1px solid #d0d7de}td,th{padding:4px 12px;border-bottom:1px solid #eaeef2;"
    "text-align:right;font-variant-numeric:tabular-nums}th{background:#f6f8fa;"
    "font-weight:600}th:first-child,td:first-child{text-align:left}"
    "footer{color:#57606a;padding:0 32px 24px}a{color:#0969da}";

static void status_html(pst__front_req *r, const pst__metrics_totals *t,
                        double uptime, const pst__history_view *h)
{
    pst_server *s = r->s;
    pst_wbuf *w = r->out;
    pst__metrics *m = &s->metrics;
    const char *svc = s->proc.service->name;
    bool draining = atomic_load(&s->draining), not_ready = atomic_load(&s->not_ready);
    put(w, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta http-equiv=\"refresh\" content=\"10\"><title>postern status: %s</title>",
        svc);
    put(w, "<style>");
    pst_wbuf_append(w, status_css, sizeof status_css - 1);
    pst_wbuf_append(w, status_css2, sizeof status_css2 - 1);
    put(w, "</style></head><body>");
    put(w, "<header><h1>%s</h1><span class=\"badge %s\">%s</span><span class=\"sub\">"
           "postern %s &middot; %s model (io_threads %d, workers %d, max_connections %d)"
           "</span></header><main>",
        svc, draining ? "warn" : not_ready ? "bad" : "ok",
        draining ? "draining" : not_ready ? "not ready" : "serving", PST_VERSION_STRING,
        model_name(s->opt.model), s->opt.io_threads, s->opt.workers,
        s->opt.max_connections);

    uint64_t calls = 0, errors = 0, open = 0;
    for (uint32_t i = 0; i < m->nmethods; i++) {
        method_row row;
        method_row_of(m, i, &row);
        calls += row.calls;
        errors += row.errors;
    }
    for (int k = 0; k < PST__KIND_COUNT; k++)
        open += t->open[k];
    char up[48];
    fmt_uptime(up, sizeof up, uptime);
    put(w, "<div class=\"cards\"><div class=\"card\"><b>%s</b><span>uptime</span></div>"
           "<div class=\"card\"><b>%.1f</b><span>calls/s (last %d s)</span></div>"
           "<div class=\"card\"><b>%llu</b><span>calls</span></div>"
           "<div class=\"card\"><b>%llu</b><span>errors</span></div>"
           "<div class=\"card\"><b>%llu</b><span>connections open</span></div>",
        up, h->n ? h->qps[h->n - 1] : 0.0, PST__HISTORY_INTERVAL_S,
        (unsigned long long)calls, (unsigned long long)errors, (unsigned long long)open);
    put(w, "<div class=\"card\"><b>%.1f MB</b><span>in</span></div>"
           "<div class=\"card\"><b>%.1f MB</b><span>out</span></div>"
           "<div class=\"card\"><b>%llu</b><span title=\"over max_connections\">refused</span>"
           "</div></div>",
        (double)t->bytes_in / 1e6, (double)t->bytes_out / 1e6,
        (unsigned long long)atomic_load(&s->stats.refused));

    svg_chart(w, "calls per second", h->qps, h->n, 1, "calls/s");
    svg_chart(w, "p99 latency", h->p99, h->n, 1e3, "ms");
    put(w, "<br><section><h2>Methods</h2><table><tr><th>method</th><th>calls</th>"
           "<th>errors</th><th>p50</th><th>p99</th></tr>");
    for (uint32_t i = 0; i < m->nmethods; i++) {
        method_row row;
        method_row_of(m, i, &row);
        char p50[32], p99[32];
        fmt_seconds(p50, sizeof p50, row.p50);
        fmt_seconds(p99, sizeof p99, row.p99);
        put(w, "<tr><td>%s.%s</td><td>%llu</td><td>%llu</td><td>%s</td><td>%s</td></tr>",
            m->owners[i]->name, m->methods[i]->name, (unsigned long long)row.calls,
            (unsigned long long)row.errors, p50, p99);
    }
    put(w, "</table></section><section><h2>Connections</h2><table><tr><th>kind</th>"
           "<th>open</th><th>accepted</th></tr>");
    for (int k = 0; k < PST__KIND_COUNT; k++)
        put(w, "<tr><td>%s</td><td>%llu</td><td>%llu</td></tr>",
            pst__conn_kind_name((pst__conn_kind)k), (unsigned long long)t->open[k],
            (unsigned long long)t->opened[k]);
    put(w, "</table></section></main><footer><a href=\"/\">index</a> &middot; "
           "<a href=\"/metrics\">metrics</a> &middot; <a href=\"/status\">refreshes every "
           "10 s</a></footer></body></html>\n");
}

static void status_text(pst__front_req *r, const pst__metrics_totals *t,
                        double uptime, const pst__history_view *h)
{
    pst_server *s = r->s;
    pst_wbuf *w = r->out;
    pst__metrics *m = &s->metrics;
    put(w, "postern %s: %s\nuptime %.0f s, model %s (io_threads %d, workers %d), %s\n"
           "qps (last %d s) %.1f\n\n",
        PST_VERSION_STRING, s->proc.service->name, uptime, model_name(s->opt.model),
        s->opt.io_threads, s->opt.workers,
        atomic_load(&s->draining) ? "draining"
        : atomic_load(&s->not_ready) ? "not ready" : "serving",
        PST__HISTORY_INTERVAL_S, h->n ? h->qps[h->n - 1] : 0.0);
    put(w, "%-32s %12s %10s %10s %10s\n", "method", "calls", "errors", "p50", "p99");
    for (uint32_t i = 0; i < m->nmethods; i++) {
        method_row row;
        method_row_of(m, i, &row);
        char name[128], p50[32], p99[32];
        snprintf(name, sizeof name, "%s.%s", m->owners[i]->name, m->methods[i]->name);
        fmt_seconds(p50, sizeof p50, row.p50);
        fmt_seconds(p99, sizeof p99, row.p99);
        put(w, "%-32s %12llu %10llu %10s %10s\n", name, (unsigned long long)row.calls,
            (unsigned long long)row.errors, p50, p99);
    }
    put(w, "\nconnections: %llu open, %llu accepted, %llu refused\n",
        (unsigned long long)atomic_load(&s->stats.active),
        (unsigned long long)atomic_load(&s->stats.accepted),
        (unsigned long long)atomic_load(&s->stats.refused));
    for (int k = 0; k < PST__KIND_COUNT; k++)
        put(w, "  %-16s %8llu open %10llu accepted\n",
            pst__conn_kind_name((pst__conn_kind)k), (unsigned long long)t->open[k],
            (unsigned long long)t->opened[k]);
    put(w, "bytes: %llu in, %llu out\n", (unsigned long long)t->bytes_in,
        (unsigned long long)t->bytes_out);
}

static void page_status(pst__front_req *r, pst_http_media media)
{
    pst_server *s = r->s;
    pst__metrics_totals t;
    pst__metrics_sum(&s->metrics, &t);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double uptime = ((double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6 -
                     (double)s->started_ms) / 1000;
    pst__history_view h;
    pst__history_read(s, &h);
    size_t mark = r->out->len;
    if (media == PST_HTTP_MEDIA_JSON) {
        status_json(r, &t, uptime, &h);
        pst__front_respond_at(r, 200, "application/json", mark, NULL);
    } else if (media == PST_HTTP_MEDIA_HTML) {
        status_html(r, &t, uptime, &h);
        pst__front_respond_at(r, 200, "text/html; charset=utf-8", mark, NULL);
    } else {
        status_text(r, &t, uptime, &h);
        pst__front_respond_at(r, 200, "text/plain; charset=utf-8", mark, NULL);
    }
}

/* ---- /connections ---------------------------------------------------------------- */

enum { CONNECTIONS_SHOWN = 1000 };

static void page_connections(pst__front_req *r, pst_http_media media)
{
    size_t mark = r->out->len;
    bool json = media == PST_HTTP_MEDIA_JSON;
    pst__conn_registry_write(&r->s->conns, r->out, json, CONNECTIONS_SHOWN);
    pst__front_respond_at(r, 200, json ? "application/json" : "text/plain; charset=utf-8",
                          mark, NULL);
}

/* ---- /schema -------------------------------------------------------------------- */

static void page_schema(pst__front_req *r)
{
    const char *idl = r->s->proc.service->idl;
    if (!idl) {
        pst__front_error(r, 404, "service %s was described without its IDL text "
                                 "(descriptors not made by postern gen)",
                         r->s->proc.service->name);
        return;
    }
    pst__front_respond(r, 200, "text/plain; charset=utf-8", idl, strlen(idl));
}

bool pst__front_page(pst__front_req *r)
{
    const pst_http_request *req = r->req;
    pst_http_media media = pst__http_accept_pick(req->accept);
    if (path_is(req, "/health"))
        page_health(r);
    else if (path_is(req, "/metrics"))
        page_metrics(r);
    else if (path_is(req, "/status"))
        page_status(r, media);
    else if (path_is(req, "/schema"))
        page_schema(r);
    else if (path_is(req, "/connections"))
        page_connections(r, media);
    else if (path_is(req, "/"))
        page_index(r, media);
    else if (req->path.len > 1 && !memchr(req->path.ptr + 1, '/', req->path.len - 1))
        return page_service(r, media);
    else
        return false;
    return true;
}
