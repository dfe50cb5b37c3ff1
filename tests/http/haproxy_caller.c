/*
 * haproxy_caller: calls Echo.echo through a load balancer without pause,
 * from several threads, until a stop file appears; then reports how many
 * calls were made and how many failed, and exits 0 only when none failed
 * (and some were made).
 *
 *   haproxy_caller --port N --stop-file PATH [--threads N]
 *                  [--mode per-call|pool] [--pause-us N]
 *
 * per-call  every call on a new connection (what a short-lived client or a
 *           script does): the balancer chooses a server for each call.
 * pool      a pst_pool over the balancer's address, told that Echo.echo
 *           is idempotent: connections are kept and reused, and a call
 *           whose connection closed before any byte of its reply came (its
 *           server stopped) is made again on a new one.
 *
 * --pause-us: a pause after each call (default 0), so that a test shares
 * the machine with others; calls are still in flight at any moment.
 *
 * Each reply must carry the message sent (thread and sequence number), so
 * a reply meant for another call counts as a failure too.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "echo.h"
#include "postern/client.h"
#include "postern/pool.h"

static int g_port;
static const char *g_stop_file;
static bool g_pool_mode;
static int g_pause_us;
static pst_client *g_pool_view;
static atomic_ullong g_calls, g_failures;
static atomic_bool g_stop;

static bool stop_requested(void)
{
    return atomic_load(&g_stop) || access(g_stop_file, F_OK) == 0;
}

static pst_client *connect_one(void)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.framed = true;
    o.connect_timeout_ms = o.send_timeout_ms = o.recv_timeout_ms = 5000;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", g_port, &o, &err);
    if (!c)
        fprintf(stderr, "haproxy_caller: connect: %s\n", err.message);
    return c;
}

/* One call; 0 when the reply carried msg. */
static int call_once(pst_client *c, pst_arena *a, const char *msg)
{
    echo_EchoReq req;
    echo_EchoReq_init(&req);
    req.msg = pst_str_c(msg);
    echo_EchoReq_set_msg(&req);
    echo_Echo_echo_result res;
    int rc = echo_Echo_echo(c, a, &req, &res);
    if (rc != 0) {
        const pst_error *e = pst_client_error(c);
        fprintf(stderr, "haproxy_caller: call '%s' failed: %s (%s)\n", msg,
                e && e->message[0] ? e->message : pst_strerror(rc),
                pst_strerror_name(rc));
        return rc;
    }
    if (res.success.msg.len != strlen(msg) ||
        memcmp(res.success.msg.ptr, msg, strlen(msg)) != 0) {
        fprintf(stderr, "haproxy_caller: reply '%.*s' to '%s'\n",
                (int)res.success.msg.len, res.success.msg.ptr, msg);
        return -1;
    }
    return 0;
}

static void *caller(void *arg)
{
    int id = (int)(intptr_t)arg;
    pst_arena arena;
    pst_arena_init(&arena, NULL, 0, 0);
    for (unsigned long n = 0; !stop_requested(); n++) {
        char msg[64];
        snprintf(msg, sizeof msg, "caller %d call %lu", id, n);
        int rc;
        if (g_pool_mode) {
            rc = call_once(g_pool_view, &arena, msg);
        } else {
            pst_client *c = connect_one();
            rc = c ? call_once(c, &arena, msg) : -1;
            pst_client_free(c);
        }
        pst_arena_reset(&arena);
        atomic_fetch_add(&g_calls, 1);
        if (rc != 0)
            atomic_fetch_add(&g_failures, 1);
        if (g_pause_us > 0) {
            struct timespec ts = { 0, (long)g_pause_us * 1000 };
            nanosleep(&ts, NULL);
        }
    }
    pst_arena_release(&arena);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: haproxy_caller --port N --stop-file PATH [--threads N] "
                    "[--mode per-call|pool] [--pause-us N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int threads = 4;
    /* Every option takes a value: they come in pairs. */
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!strcmp(a, "--port"))
            g_port = atoi(v);
        else if (!strcmp(a, "--threads"))
            threads = atoi(v);
        else if (!strcmp(a, "--pause-us"))
            g_pause_us = atoi(v);
        else if (!strcmp(a, "--stop-file"))
            g_stop_file = v;
        else if (!strcmp(a, "--mode") && (!strcmp(v, "pool") || !strcmp(v, "per-call")))
            g_pool_mode = !strcmp(v, "pool");
        else
            usage();
    }
    if (g_port <= 0 || g_port > 65535 || !g_stop_file || threads < 1 || threads > 64 ||
        g_pause_us < 0 || g_pause_us > 999999)
        usage();

    pst_pool *pool = NULL;
    if (g_pool_mode) {
        char ep[64];
        snprintf(ep, sizeof ep, "127.0.0.1:%d", g_port);
        pst_pool_options o = PST_POOL_OPTIONS_INIT;
        o.endpoints = ep;
        o.framed = true;
        o.call_timeout_ms = 5000;
        o.max_per_endpoint = threads;
        o.idempotent = true; /* echo may run twice */
        pst_error err = { 0, "" };
        pool = pst_pool_new(&o, &err);
        if (!pool || !(g_pool_view = pst_pool_as_client(pool))) {
            fprintf(stderr, "haproxy_caller: pool: %s\n", err.message);
            return 1;
        }
    }

    pthread_t t[64];
    for (int i = 0; i < threads; i++)
        if (pthread_create(&t[i], NULL, caller, (void *)(intptr_t)i) != 0) {
            fprintf(stderr, "haproxy_caller: cannot start thread %d\n", i);
            atomic_store(&g_stop, true);
            threads = i;
            break;
        }
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);

    unsigned long long calls = atomic_load(&g_calls), failures = atomic_load(&g_failures);
    printf("haproxy_caller: %llu calls, %llu failed", calls, failures);
    if (pool) {
        pst_pool_stats st;
        pst_pool_stats_get(pool, &st);
        printf(" (pool: %llu connects, %llu retried)",
               (unsigned long long)st.connects, (unsigned long long)st.retries);
        pst_client_free(g_pool_view);
        pst_pool_free(pool);
    }
    printf("\n");
    return calls > 0 && failures == 0 ? 0 : 1;
}
