/*
 * layer-load: load for an Echo server behind TLS or zlib, on postern's
 * client, so that postern's echo-server and Thrift C++'s server
 * (cpp-layers-server) are measured by the same client (bench/servers/layers.sh).
 *
 *   layer-load --port N --layer tls|zlib [--host H] [-c CONNS] [-s BYTES]
 *              [-T SECONDS] [-w WARMUP_SECONDS]
 *
 * tls:  TLS (not verified: the benchmark's servers use the test keys), framed
 *       binary inside.
 * zlib: a zlib stream each way on plain TCP, binary messages unframed inside
 *       (as Thrift's TZlibTransport carries them).
 *
 * Each connection is a thread making synchronous Echo calls of BYTES bytes
 * (one call in flight per connection). Calls that end in the warm-up are not
 * counted; the others go into a per-thread latency histogram (log-linear
 * buckets, ~3% wide), so percentiles cost no sorting. Prints one line:
 *
 *   layer=tls conns=16 bytes=32 seconds=5 calls=N qps=Q p50_us=A p99_us=B errors=E
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "echo.h"
#include "postern/client.h"
#include "postern/tls.h"
#include "postern/transport.h"
#include "postern/zlib.h"

/* Histogram of nanoseconds: values below 2^SUB_BITS are exact; above, each
 * power of two is split into 2^SUB_BITS buckets (relative width 1/32). */
#define SUB_BITS 5
#define SUB (1u << SUB_BITS)
#define NBUCKETS (64 * SUB)

typedef struct worker {
    pthread_t tid;
    uint64_t hist[NBUCKETS];
    uint64_t calls;       /* counted (after the warm-up) */
    uint64_t errors;
    char error[256];      /* the first error, for the report */
} worker;

static const char *g_host = "127.0.0.1";
static int g_port, g_bytes = 32;
static bool g_zlib;
static uint64_t g_measure_from, g_measure_until; /* CLOCK_MONOTONIC ns */
static atomic_int g_started;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned bucket_of(uint64_t v)
{
    if (v < SUB)
        return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned sub = (unsigned)(v >> (msb - SUB_BITS)) & (SUB - 1);
    return (msb - SUB_BITS + 1) * SUB + sub;
}

/* the middle of a bucket, in ns */
static double bucket_value(unsigned b)
{
    if (b < SUB)
        return b;
    unsigned msb = b / SUB + SUB_BITS - 1, sub = b % SUB;
    double lo = (double)((uint64_t)(SUB + sub) << (msb - SUB_BITS));
    return lo + (double)(1ull << (msb - SUB_BITS)) / 2;
}

static pst_client *connect_layered(pst_error *err)
{
    pst_stream *st;
    if (g_zlib) {
        st = pst_stream_tcp_connect(g_host, g_port, 5000, err);
        if (st && !(st = pst_stream_zlib_new(st, NULL, 0, PST_ZLIB_LEVEL_DEFAULT)))
            pst_error_set(err, PST_E_NOMEM, "out of memory for zlib");
    } else {
        pst_tls_client_options tls = PST_TLS_CLIENT_OPTIONS_INIT;
        tls.no_verify = true;
        st = pst_stream_tls_connect(g_host, g_port, 5000, &tls, err);
    }
    if (!st)
        return NULL;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.read_timeout_ms = to.write_timeout_ms = to.idle_timeout_ms = 10000;
    pst_transport *tr = g_zlib ? pst_transport_unframed_new(st, &to)
                               : pst_transport_framed_new(st, &to);
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.framed = !g_zlib;
    co.recv_timeout_ms = co.send_timeout_ms = 10000;
    pst_client *c = tr ? pst_client_new(tr, &co) : NULL;
    if (!c)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a client");
    return c;
}

static void *run(void *arg)
{
    worker *w = arg;
    pst_error err = { 0, "" };
    pst_client *c = connect_layered(&err);
    atomic_fetch_add(&g_started, 1);
    if (!c) {
        snprintf(w->error, sizeof w->error, "connect: %s", err.message);
        w->errors++;
        return NULL;
    }
    char *msg = malloc((size_t)g_bytes + 1);
    memset(msg, 'x', (size_t)g_bytes);
    pst_arena arena;
    uint8_t block[4096];
    pst_arena_init(&arena, block, sizeof block, 0);
    for (;;) {
        echo_EchoReq req;
        echo_EchoReq_init(&req);
        req.msg.ptr = msg;
        req.msg.len = (size_t)g_bytes;
        echo_EchoReq_set_msg(&req);
        echo_Echo_echo_result res;
        uint64_t t0 = now_ns();
        int rc = echo_Echo_echo(c, &arena, &req, &res);
        uint64_t t1 = now_ns();
        if (t1 >= g_measure_until)
            break;
        if (rc != 0 || res.success.msg.len != (size_t)g_bytes) {
            if (!w->errors)
                snprintf(w->error, sizeof w->error, "call: %s",
                         rc ? pst_client_error(c)->message : "reply of the wrong size");
            w->errors++;
            break; /* the connection is in an unknown state */
        }
        if (t0 >= g_measure_from) {
            w->hist[bucket_of(t1 - t0)]++;
            w->calls++;
        }
        pst_arena_reset(&arena);
    }
    pst_arena_release(&arena);
    free(msg);
    pst_client_free(c);
    return NULL;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: layer-load --port N --layer tls|zlib [--host H] [-c CONNS] [-s BYTES]\n"
               "                  [-T SECONDS] [-w WARMUP_SECONDS]\n");
}

static int parse_int(const char *name, const char *v, int lo, int hi, int *out)
{
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || *end || n < lo || n > hi) {
        fprintf(stderr, "layer-load: %s must be %d..%d, got '%s'\n", name, lo, hi, v ? v : "");
        return -1;
    }
    *out = (int)n;
    return 0;
}

int main(int argc, char **argv)
{
    int conns = 16, seconds = 5, warmup = 1;
    const char *layer = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[++i] : NULL;
        int rc = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--port"))
            rc = parse_int(a, v, 1, 65535, &g_port);
        else if (!strcmp(a, "-c"))
            rc = parse_int(a, v, 1, 4096, &conns);
        else if (!strcmp(a, "-s"))
            rc = parse_int(a, v, 0, 16 << 20, &g_bytes);
        else if (!strcmp(a, "-T"))
            rc = parse_int(a, v, 1, 3600, &seconds);
        else if (!strcmp(a, "-w"))
            rc = parse_int(a, v, 0, 3600, &warmup);
        else if (!strcmp(a, "--host") && v)
            g_host = v;
        else if (!strcmp(a, "--layer") && v && (!strcmp(v, "tls") || !strcmp(v, "zlib")))
            layer = v;
        else
            rc = -1;
        if (rc < 0) {
            usage(stderr);
            return 2;
        }
    }
    if (!g_port || !layer) {
        usage(stderr);
        return 2;
    }
    g_zlib = !strcmp(layer, "zlib");
    uint64_t start = now_ns();
    g_measure_from = start + (uint64_t)warmup * 1000000000u;
    g_measure_until = g_measure_from + (uint64_t)seconds * 1000000000u;

    worker *ws = calloc((size_t)conns, sizeof *ws);
    if (!ws)
        return 1;
    for (int i = 0; i < conns; i++)
        if (pthread_create(&ws[i].tid, NULL, run, &ws[i]) != 0) {
            fprintf(stderr, "layer-load: cannot start thread %d\n", i);
            return 1;
        }
    uint64_t calls = 0, errors = 0;
    static uint64_t hist[NBUCKETS];
    const char *first_error = NULL;
    for (int i = 0; i < conns; i++) {
        pthread_join(ws[i].tid, NULL);
        calls += ws[i].calls;
        errors += ws[i].errors;
        if (ws[i].errors && !first_error)
            first_error = ws[i].error;
        for (unsigned b = 0; b < NBUCKETS; b++)
            hist[b] += ws[i].hist[b];
    }
    double pct[2] = { 0, 0 }, want[2] = { 0.50, 0.99 };
    for (int k = 0; k < 2; k++) {
        uint64_t need = (uint64_t)(want[k] * (double)calls), seen = 0;
        for (unsigned b = 0; b < NBUCKETS && calls; b++) {
            seen += hist[b];
            if (seen > need) {
                pct[k] = bucket_value(b) / 1000.0;
                break;
            }
        }
    }
    printf("layer=%s conns=%d bytes=%d seconds=%d calls=%llu qps=%.0f p50_us=%.1f p99_us=%.1f errors=%llu\n",
           layer, conns, g_bytes, seconds, (unsigned long long)calls, (double)calls / seconds,
           pct[0], pct[1], (unsigned long long)errors);
    if (first_error)
        fprintf(stderr, "layer-load: %llu connection(s) failed; first: %s\n",
                (unsigned long long)errors, first_error);
    free(ws);
    return errors ? 1 : 0;
}
