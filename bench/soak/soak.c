/*
 * postern-soak: runs a non-blocking echo-server for a while under mixed
 * traffic, well-behaved and hostile at once, and reports per interval what
 * the well-behaved clients got and what the server's memory did.
 *
 *   postern-soak --server PATH [--seconds N] [--warmup N] [--baseline N]
 *                [--interval N] [--clients N] [--rate N] [--check]
 *
 * Phases: warm-up (well-behaved traffic only, not reported), baseline
 * (well-behaved only: the undisturbed p99), then the soak proper, where the
 * hostile traffic joins:
 *
 *   well-behaved (every failure counts):
 *     sync clients       framed binary Echo calls, paced at --rate per second each
 *     pipelined clients  four threads sharing one pipeline, also paced
 *     pages              keep-alive GET /health, /metrics, /status?format=json
 *     upgrades           a fresh connection, CONNECT /_thrift_rpc_, five calls
 *   hostile (their errors are expected; only counted):
 *     slow readers       pipeline 2 MiB of requests, then read 4 KiB per 20 ms
 *     vanishers          half a frame or half an HTTP head, then close or RST
 *     flood              connections past --max-connections, held 200 ms
 *     slowloris          one byte per second of a frame or of HTTP headers
 *
 * A connection refused by the flood (accepted and closed at once) before a
 * well-behaved client wrote anything is retried and counted as "refused";
 * a call that fails after that is a failure.
 *
 * Each interval prints calls, failures, p50/p99 of the well-behaved calls and
 * the server's RSS. The summary compares the soak's p99 with the baseline's,
 * and the RSS of the last interval with the first one after warm-up. With
 * --check the exit status is 1 when a well-behaved call failed, the server
 * died, or its RSS grew by more than 16 MiB over the soak; the p99 ratio is
 * reported but never checked (latency depends on the machine's load).
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "echo.h"
#include "postern/client.h"
#include "postern/pipeline.h"

/* ---- options and shared state ----------------------------------------- */

static struct {
    const char *server;
    int seconds, warmup, baseline, interval, clients, rate, max_conns;
    bool check;
} g_opt = { NULL, 120, 5, 20, 30, 8, 500, 400, false };

static int g_port;
static pid_t g_server_pid;
static atomic_bool g_stop;      /* every traffic thread ends */
static atomic_bool g_hostile;   /* hostile threads run only while set */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Latency histogram of the well-behaved calls: buckets of 2^(1/8) growth
 * from 1 us, so a percentile is read back within 9%. One per interval,
 * swapped by the reporter; writers add under a lock (a few thousand
 * calls per second, no contention worth avoiding). */
#define HIST_BUCKETS 256
typedef struct {
    uint64_t count[HIST_BUCKETS];
    uint64_t calls, failures, refused, pages, upgrades;
} window;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static window g_win;

/* Hostile traffic counters (never reset). */
static atomic_ulong g_slow_conns, g_vanished, g_flooded, g_slowloris_closed;

static int bucket_of(uint64_t ns)
{
    double us = (double)ns / 1000.0;
    int b = 0;
    double edge = 1.0;
    while (b < HIST_BUCKETS - 1 && us > edge) {
        edge *= 1.0905077326652577; /* 2^(1/8) */
        b++;
    }
    return b;
}

static double bucket_us(int b)
{
    double edge = 1.0;
    for (int i = 0; i < b; i++)
        edge *= 1.0905077326652577;
    return edge;
}

static double percentile_us(const window *w, double p)
{
    uint64_t total = 0;
    for (int i = 0; i < HIST_BUCKETS; i++)
        total += w->count[i];
    if (!total)
        return 0;
    uint64_t want = (uint64_t)(p * (double)total), seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += w->count[i];
        if (seen > want)
            return bucket_us(i);
    }
    return bucket_us(HIST_BUCKETS - 1);
}

static void record_call(uint64_t ns, bool ok)
{
    pthread_mutex_lock(&g_lock);
    g_win.calls++;
    if (ok)
        g_win.count[bucket_of(ns)]++;
    else
        g_win.failures++;
    pthread_mutex_unlock(&g_lock);
}

/* Set while the flood holds connections (and shortly after): a well-behaved
 * connection that fails to open then was refused, not failed. */
static atomic_bool g_flooding;

enum counter { C_REFUSED, C_PAGES, C_UPGRADES };

static void count(enum counter c)
{
    pthread_mutex_lock(&g_lock);
    if (c == C_REFUSED)
        g_win.refused++;
    else if (c == C_PAGES)
        g_win.pages++;
    else
        g_win.upgrades++;
    pthread_mutex_unlock(&g_lock);
}

/* The first few failures are printed, so that a failing run says why. */
static atomic_int g_failures_printed;

static void report_failure(const char *who, const char *what)
{
    if (atomic_fetch_add(&g_failures_printed, 1) < 10)
        fprintf(stderr, "postern-soak: %s failed: %s\n", who, what);
}

/* ---- raw sockets --------------------------------------------------------- */

static int tcp_connect(bool nonblocking)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g_port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void close_rst(int fd)
{
    struct linger l = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A framed binary Echo.echo call whose message is len bytes of 'x' (the
 * bytes a postern or Thrift client would send). Returns the frame size. */
static size_t echo_frame(uint8_t *buf, int32_t seqid, uint32_t len)
{
    uint8_t *p = buf + 4;
    put32(p, 0x80010001u); /* version 1, CALL */
    p += 4;
    put32(p, 4);
    memcpy(p + 4, "echo", 4);
    p += 8;
    put32(p, (uint32_t)seqid);
    p += 4;
    *p++ = 12; /* field 1: struct EchoReq */
    *p++ = 0;
    *p++ = 1;
    *p++ = 11; /* field 1: string msg */
    *p++ = 0;
    *p++ = 1;
    put32(p, len);
    p += 4;
    memset(p, 'x', len);
    p += len;
    *p++ = 0; /* end of EchoReq */
    *p++ = 0; /* end of the arguments */
    put32(buf, (uint32_t)(p - buf - 4));
    return (size_t)(p - buf);
}

/* ---- well-behaved: synchronous and pipelined calls --------------------- */

static const char k_message[] = "soak-0123456789abcdef0123456789ab"; /* 32 bytes */

static int echo_once(pst_client *c, pst_arena *arena, const char *who)
{
    echo_EchoReq req;
    echo_EchoReq_init(&req);
    req.msg = pst_str_c(k_message);
    echo_EchoReq_set_msg(&req);
    echo_Echo_echo_result res;
    uint64_t t0 = now_ns();
    int rc = echo_Echo_echo(c, arena, &req, &res);
    uint64_t dt = now_ns() - t0;
    if (rc == 0 && (res.success.msg.len != req.msg.len ||
                    memcmp(res.success.msg.ptr, k_message, req.msg.len) != 0)) {
        report_failure(who, "the reply differs from the request");
        rc = -1;
    } else if (rc != 0) {
        const pst_error *e = pst_client_error(c);
        char what[300];
        snprintf(what, sizeof what, "%s (%s)", e && e->message[0] ? e->message : pst_strerror(rc),
                 pst_strerror_name(rc));
        report_failure(who, what);
    }
    record_call(dt, rc == 0);
    pst_arena_reset(arena);
    return rc;
}

/* Sleep until the next paced slot; the pace is rate calls per second. */
static void pace(uint64_t *next, int rate)
{
    *next += 1000000000u / (uint64_t)rate;
    uint64_t now = now_ns();
    if (*next > now) {
        uint64_t d = *next - now;
        struct timespec ts = { (time_t)(d / 1000000000u), (long)(d % 1000000000u) };
        nanosleep(&ts, NULL);
    } else if (now - *next > 1000000000u) {
        *next = now; /* fell a second behind: do not burst to catch up */
    }
}

static pst_client_options client_options(void)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.framed = true;
    o.connect_timeout_ms = o.send_timeout_ms = o.recv_timeout_ms = 5000;
    return o;
}

static void *sync_client(void *arg)
{
    (void)arg;
    pst_client_options o = client_options();
    pst_arena arena;
    uint8_t block[1024];
    pst_arena_init(&arena, block, sizeof block, 0);
    pst_client *c = NULL;
    uint64_t next = now_ns();
    while (!atomic_load(&g_stop)) {
        if (!c) {
            pst_error err = { 0 };
            c = pst_client_connect("127.0.0.1", g_port, &o, &err);
            if (!c) {
                if (atomic_load(&g_flooding)) {
                    count(C_REFUSED);
                } else {
                    report_failure("sync client connect", err.message);
                    record_call(0, false);
                }
                sleep_ms(50);
                continue;
            }
        }
        if (echo_once(c, &arena, "sync client") != 0) {
            pst_client_free(c);
            c = NULL;
        }
        pace(&next, g_opt.rate);
    }
    pst_client_free(c);
    pst_arena_release(&arena);
    return NULL;
}

static pst_client *g_pipeline_view;

static void *pipelined_client(void *arg)
{
    (void)arg;
    pst_arena arena;
    uint8_t block[1024];
    pst_arena_init(&arena, block, sizeof block, 0);
    uint64_t next = now_ns();
    while (!atomic_load(&g_stop)) {
        echo_once(g_pipeline_view, &arena, "pipelined client");
        pace(&next, g_opt.rate);
    }
    pst_arena_release(&arena);
    return NULL;
}

/* ---- well-behaved: pages over keep-alive HTTP, CONNECT upgrades -------- */

/* Read one HTTP response (Content-Length bodies: what postern sends) from
 * fd; returns the status code, or -1. */
static int read_response(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 5000) <= 0 || have == cap - 1)
            return -1;
        ssize_t r = recv(fd, buf + have, cap - 1 - have, 0);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
        return -1;
    const char *cl = strcasestr(buf, "\r\ncontent-length:");
    size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
    size_t head = (size_t)(end + 4 - buf);
    size_t got = have - head;
    char sink[16384];
    while (got < body) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 5000) <= 0)
            return -1;
        size_t want = body - got < sizeof sink ? body - got : sizeof sink;
        ssize_t r = recv(fd, sink, want, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return got == body ? status : -1;
}

static void *pages_client(void *arg)
{
    (void)arg;
    static const char *const paths[] = { "/health", "/metrics", "/status?format=json" };
    char *buf = malloc(65536);
    int fd = -1;
    for (unsigned i = 0; !atomic_load(&g_stop); i++) {
        if (fd < 0 && (fd = tcp_connect(false)) < 0) {
            report_failure("pages connect", strerror(errno));
            record_call(0, false);
            sleep_ms(100);
            continue;
        }
        char req[128];
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: soak\r\n\r\n", paths[i % 3]);
        uint64_t t0 = now_ns();
        int status = write_all(fd, req, (size_t)n) ? read_response(fd, buf, 65536) : -1;
        if (status != 200) {
            bool was_flood = atomic_load(&g_flooding) && status < 0 && i == 0;
            if (was_flood) {
                count(C_REFUSED);
            } else {
                char what[64];
                snprintf(what, sizeof what, "GET %s answered %d", paths[i % 3], status);
                report_failure("pages", what);
                record_call(0, false);
            }
            close(fd);
            fd = -1;
        } else {
            record_call(now_ns() - t0, true);
            count(C_PAGES);
        }
        sleep_ms(50);
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static void *upgrade_client(void *arg)
{
    (void)arg;
    pst_client_options o = client_options();
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/_thrift_rpc_", g_port);
    pst_arena arena;
    uint8_t block[1024];
    pst_arena_init(&arena, block, sizeof block, 0);
    while (!atomic_load(&g_stop)) {
        pst_error err = { 0 };
        bool flooding = atomic_load(&g_flooding);
        pst_client *c = pst_client_connect_url(url, &o, &err);
        if (!c) {
            if (flooding || atomic_load(&g_flooding)) {
                count(C_REFUSED);
            } else {
                report_failure("CONNECT upgrade", err.message);
                record_call(0, false);
            }
            sleep_ms(50);
            continue;
        }
        count(C_UPGRADES);
        for (int i = 0; i < 5 && echo_once(c, &arena, "upgraded client") == 0; i++)
            ;
        pst_client_free(c);
        sleep_ms(20);
    }
    pst_arena_release(&arena);
    return NULL;
}

/* ---- hostile traffic ----------------------------------------------------- */

static void wait_hostile(void)
{
    while (!atomic_load(&g_stop) && !atomic_load(&g_hostile))
        sleep_ms(100);
}

/* Sends 2 MiB of pipelined requests (16 KiB messages) while reading the
 * replies 4 KiB per 20 ms: the server must hold back without buffering
 * everything and without slowing anyone else. */
static void *slow_reader(void *arg)
{
    (void)arg;
    enum { MSG = 16384, CALLS = 128 };
    uint8_t *frame = malloc(MSG + 64);
    char sink[4096];
    wait_hostile();
    while (!atomic_load(&g_stop)) {
        int fd = tcp_connect(true);
        if (fd < 0) {
            sleep_ms(100);
            continue;
        }
        atomic_fetch_add(&g_slow_conns, 1);
        size_t sent_calls = 0, off = 0, len = echo_frame(frame, 1, MSG);
        size_t replies_bytes = 0, expect = (size_t)CALLS * (MSG + 30);
        uint64_t give_up = now_ns() + 30ull * 1000000000u;
        while (!atomic_load(&g_stop) && replies_bytes < expect && now_ns() < give_up) {
            if (sent_calls < CALLS) {
                ssize_t w = send(fd, frame + off, len - off, MSG_NOSIGNAL);
                if (w > 0 && (off += (size_t)w) == len) {
                    off = 0;
                    sent_calls++;
                    continue;
                }
                if (w < 0 && errno != EAGAIN)
                    break;
            }
            sleep_ms(20);
            ssize_t r = recv(fd, sink, sizeof sink, 0);
            if (r == 0 || (r < 0 && errno != EAGAIN))
                break;
            if (r > 0)
                replies_bytes += (size_t)r;
        }
        close(fd);
    }
    free(frame);
    return NULL;
}

/* Connections that go away mid-message: half a frame, half an HTTP head,
 * half a frame after a CONNECT; closed with FIN or with RST. */
static void *vanisher(void *arg)
{
    (void)arg;
    uint8_t frame[128];
    size_t len = echo_frame(frame, 7, 64);
    wait_hostile();
    for (unsigned i = 0; !atomic_load(&g_stop); i++) {
        int fd = tcp_connect(false);
        if (fd < 0) {
            sleep_ms(50);
            continue;
        }
        switch (i % 4) {
        case 0:
            write_all(fd, frame, len / 2);
            break;
        case 1:
            write_all(fd, "GET /metr", 9);
            break;
        case 2: {
            static const char up[] = "CONNECT /_thrift_rpc_ HTTP/1.0\n\n";
            write_all(fd, up, sizeof up - 1);
            write_all(fd, frame, len - 3);
            break;
        }
        case 3:
            write_all(fd, "POST /Echo/echo HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"req\":", 55);
            break;
        }
        sleep_ms(5);
        if (i & 1)
            close_rst(fd);
        else
            close(fd);
        atomic_fetch_add(&g_vanished, 1);
        sleep_ms(45);
    }
    return NULL;
}

/* Every 3 s, opens max-connections + 50 connections at once, holds them
 * 200 ms and closes them. */
static void *flood(void *arg)
{
    (void)arg;
    int n = g_opt.max_conns + 50;
    int *fds = malloc(sizeof *fds * (size_t)n);
    wait_hostile();
    while (!atomic_load(&g_stop)) {
        atomic_store(&g_flooding, true);
        int opened = 0;
        for (int i = 0; i < n; i++)
            if ((fds[opened] = tcp_connect(true)) >= 0)
                opened++;
        sleep_ms(200);
        for (int i = 0; i < opened; i++)
            close(fds[i]);
        atomic_fetch_add(&g_flooded, (unsigned long)opened);
        sleep_ms(300); /* refusals still in flight count as the flood's */
        atomic_store(&g_flooding, false);
        for (int i = 0; i < 25 && !atomic_load(&g_stop); i++)
            sleep_ms(100);
    }
    free(fds);
    return NULL;
}

/* Sixteen connections that each send one byte per second: half of an HTTP
 * head, half of a frame. The server's request and read timeouts close
 * them; each closed one is opened again. */
static void *slowloris(void *arg)
{
    (void)arg;
    enum { N = 16 };
    int fd[N];
    size_t pos[N];
    uint8_t frame[1100];
    size_t flen = echo_frame(frame, 9, 1024);
    static const char head[] = "GET /health HTTP/1.1\r\nHost: soak\r\nX-Slow: "
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (int i = 0; i < N; i++)
        fd[i] = -1;
    wait_hostile();
    while (!atomic_load(&g_stop)) {
        for (int i = 0; i < N; i++) {
            const uint8_t *msg = i & 1 ? frame : (const uint8_t *)head;
            size_t len = i & 1 ? flen : sizeof head - 1;
            if (fd[i] < 0) {
                fd[i] = tcp_connect(false);
                pos[i] = 0;
                if (fd[i] < 0)
                    continue;
            }
            char c;
            if (recv(fd[i], &c, 1, MSG_DONTWAIT) == 0 || pos[i] >= len ||
                send(fd[i], msg + pos[i], 1, MSG_NOSIGNAL) != 1) {
                close(fd[i]);
                fd[i] = -1;
                atomic_fetch_add(&g_slowloris_closed, 1);
                continue;
            }
            pos[i]++;
        }
        sleep_ms(1000);
    }
    for (int i = 0; i < N; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    return NULL;
}

/* ---- the server ------------------------------------------------------------ */

static char g_log[64];

/* Start the server on a free port; its stderr goes to a log file, where
 * its "listening on ADDR:PORT" line is found. */
static int start_server(void)
{
    snprintf(g_log, sizeof g_log, "/tmp/postern-soak.%d.log", (int)getpid());
    char maxc[16];
    snprintf(maxc, sizeof maxc, "%d", g_opt.max_conns);
    g_server_pid = fork();
    if (g_server_pid < 0)
        return -1;
    if (g_server_pid == 0) {
        int fd = open(g_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0)
            dup2(fd, 2);
        execl(g_opt.server, g_opt.server, "--server-type", "nonblocking", "--port", "0",
              "--max-connections", maxc, "--read-timeout-ms", "5000", (char *)NULL);
        fprintf(stderr, "postern-soak: cannot run %s: %s\n", g_opt.server, strerror(errno));
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        sleep_ms(50);
        FILE *f = fopen(g_log, "r");
        char line[256];
        while (f && fgets(line, sizeof line, f)) {
            char *p = strstr(line, "listening on ");
            char *colon = p ? strrchr(p, ':') : NULL;
            if (colon && (g_port = atoi(colon + 1)) > 0) {
                fclose(f);
                return 0;
            }
        }
        if (f)
            fclose(f);
        if (waitpid(g_server_pid, NULL, WNOHANG) == g_server_pid)
            break;
    }
    fprintf(stderr, "postern-soak: the server did not start (see %s)\n", g_log);
    return -1;
}

static long server_rss_kb(void)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)g_server_pid);
    FILE *f = fopen(path, "r");
    long size = 0, rss = 0;
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &rss) != 2)
        rss = -1;
    fclose(f);
    return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static bool server_alive(void)
{
    return waitpid(g_server_pid, NULL, WNOHANG) == 0;
}

/* ---- reporting ------------------------------------------------------------- */

static window take_window(void)
{
    pthread_mutex_lock(&g_lock);
    window w = g_win;
    memset(&g_win, 0, sizeof g_win);
    pthread_mutex_unlock(&g_lock);
    return w;
}

static void add_window(window *sum, const window *w)
{
    for (int i = 0; i < HIST_BUCKETS; i++)
        sum->count[i] += w->count[i];
    sum->calls += w->calls;
    sum->failures += w->failures;
    sum->refused += w->refused;
    sum->pages += w->pages;
    sum->upgrades += w->upgrades;
}

/* Run for seconds, sampling RSS every second; returns false if the server
 * died. *rss_max is the largest sample. */
static bool run_for(int seconds, long *rss_max)
{
    *rss_max = 0;
    for (int s = 0; s < seconds; s++) {
        sleep_ms(1000);
        if (!server_alive())
            return false;
        long rss = server_rss_kb();
        if (rss > *rss_max)
            *rss_max = rss;
    }
    return true;
}

static void print_window(const char *label, int t, const window *w, long rss_kb)
{
    printf("%-9s t=%4ds calls=%-8llu failed=%-3llu refused=%-4llu p50=%7.0fus p99=%7.0fus "
           "pages=%-6llu upgrades=%-5llu slow=%-4lu vanished=%-6lu flooded=%-6lu "
           "slowloris-closed=%-4lu rss=%ldKiB\n",
           label, t, (unsigned long long)w->calls, (unsigned long long)w->failures,
           (unsigned long long)w->refused, percentile_us(w, 0.50), percentile_us(w, 0.99),
           (unsigned long long)w->pages, (unsigned long long)w->upgrades,
           atomic_load(&g_slow_conns), atomic_load(&g_vanished), atomic_load(&g_flooded),
           atomic_load(&g_slowloris_closed), rss_kb);
    fflush(stdout);
}

/* ---- main ----------------------------------------------------------------- */

static int parse_count(const char *opt, const char *v, int lo, int *out)
{
    char *end;
    errno = 0;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || errno || *end || end == v || n < lo || n > 1000000) {
        fprintf(stderr, "postern-soak: %s needs a number from %d to 1000000, got '%s'\n", opt, lo,
                v ? v : "");
        return -1;
    }
    *out = (int)n;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: postern-soak --server PATH [--seconds N] [--warmup N] [--baseline N]\n"
               "                    [--interval N] [--clients N] [--rate N] [--max-connections N]\n"
               "                    [--check]\n");
}

static int parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (!strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--check")) {
            g_opt.check = true;
            continue;
        } else if (!strcmp(a, "--server") && v) {
            g_opt.server = v;
        } else if (!strcmp(a, "--seconds")) {
            rc = parse_count(a, v, 1, &g_opt.seconds);
        } else if (!strcmp(a, "--warmup")) {
            rc = parse_count(a, v, 0, &g_opt.warmup);
        } else if (!strcmp(a, "--baseline")) {
            rc = parse_count(a, v, 1, &g_opt.baseline);
        } else if (!strcmp(a, "--interval")) {
            rc = parse_count(a, v, 1, &g_opt.interval);
        } else if (!strcmp(a, "--clients")) {
            rc = parse_count(a, v, 1, &g_opt.clients);
        } else if (!strcmp(a, "--rate")) {
            rc = parse_count(a, v, 1, &g_opt.rate);
        } else if (!strcmp(a, "--max-connections")) {
            rc = parse_count(a, v, 64, &g_opt.max_conns);
        } else {
            fprintf(stderr, "postern-soak: unknown or incomplete option '%s'\n", a);
            rc = -1;
        }
        if (rc < 0)
            return -1;
        i++;
    }
    if (!g_opt.server) {
        fprintf(stderr, "postern-soak: --server PATH (an echo-server) is required\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (parse_args(argc, argv) < 0) {
        usage(stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (start_server() < 0)
        return 1;
    printf("postern-soak: echo-server (nonblocking, defaults, --max-connections %d "
           "--read-timeout-ms 5000) on port %d; %d sync + 4 pipelined clients at %d calls/s each\n",
           g_opt.max_conns, g_port, g_opt.clients, g_opt.rate);

    pst_pipeline_options po = PST_PIPELINE_OPTIONS_INIT;
    po.framed = true;
    po.call_timeout_ms = 5000;
    char endpoint[32];
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%d", g_port);
    pst_error err = { 0 };
    pst_pipeline *pl = pst_pipeline_connect(endpoint, &po, &err);
    if (!pl || !(g_pipeline_view = pst_pipeline_as_client(pl))) {
        fprintf(stderr, "postern-soak: pipeline: %s\n", err.message);
        kill(g_server_pid, SIGKILL);
        return 1;
    }

    enum { MAX_THREADS = 64 };
    pthread_t th[MAX_THREADS];
    int nth = 0;
    for (int i = 0; i < g_opt.clients && nth < MAX_THREADS - 16; i++)
        pthread_create(&th[nth++], NULL, sync_client, NULL);
    for (int i = 0; i < 4; i++)
        pthread_create(&th[nth++], NULL, pipelined_client, NULL);
    pthread_create(&th[nth++], NULL, pages_client, NULL);
    pthread_create(&th[nth++], NULL, upgrade_client, NULL);
    pthread_create(&th[nth++], NULL, slow_reader, NULL);
    pthread_create(&th[nth++], NULL, slow_reader, NULL);
    pthread_create(&th[nth++], NULL, vanisher, NULL);
    pthread_create(&th[nth++], NULL, flood, NULL);
    pthread_create(&th[nth++], NULL, slowloris, NULL);

    long rss;
    bool alive = run_for(g_opt.warmup, &rss);
    take_window();
    window base = { 0 }, soak = { 0 };
    long rss_first = -1, rss_last = -1;
    if (alive) {
        alive = run_for(g_opt.baseline, &rss);
        base = take_window();
        print_window("baseline", g_opt.warmup + g_opt.baseline, &base, rss);
    }
    atomic_store(&g_hostile, true);
    int t = g_opt.warmup + g_opt.baseline;
    for (int done = 0; alive && done < g_opt.seconds;) {
        int step = g_opt.seconds - done < g_opt.interval ? g_opt.seconds - done : g_opt.interval;
        alive = run_for(step, &rss);
        done += step;
        t += step;
        window w = take_window();
        add_window(&soak, &w);
        if (rss_first < 0)
            rss_first = rss;
        rss_last = rss;
        print_window("soak", t, &w, rss);
    }
    atomic_store(&g_stop, true);
    for (int i = 0; i < nth; i++)
        pthread_join(th[i], NULL);
    pst_client_free(g_pipeline_view);
    pst_pipeline_free(pl);

    int status = 0;
    if (alive) {
        kill(g_server_pid, SIGINT);
        waitpid(g_server_pid, &status, 0);
    } else {
        fprintf(stderr, "postern-soak: the server died (its log: %s)\n", g_log);
    }
    bool server_ok = alive && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    double p99_base = percentile_us(&base, 0.99), p99_soak = percentile_us(&soak, 0.99);
    long growth = rss_last - rss_first;
    printf("summary: well-behaved calls %llu, failed %llu, refused and retried %llu; "
           "p99 %.0f us undisturbed, %.0f us in the soak (%.2fx); RSS %ld KiB after the "
           "first interval, %ld KiB at the end (%+ld KiB); server %s\n",
           (unsigned long long)(base.calls + soak.calls),
           (unsigned long long)(base.failures + soak.failures),
           (unsigned long long)(base.refused + soak.refused), p99_base, p99_soak,
           p99_base > 0 ? p99_soak / p99_base : 0.0, rss_first, rss_last, growth,
           server_ok ? "stopped cleanly" : "did not stop cleanly");
    bool ok = server_ok && base.failures + soak.failures == 0 && soak.calls > 0 &&
              growth <= 16 * 1024 && soak.pages > 0 && soak.upgrades > 0 &&
              atomic_load(&g_vanished) > 0 && atomic_load(&g_flooded) > 0;
    if (ok)
        unlink(g_log);
    else
        fprintf(stderr, "postern-soak: server log kept in %s\n", g_log);
    return g_opt.check && !ok ? 1 : 0;
}
