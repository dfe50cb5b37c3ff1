/* test_server_call_memory.c: the per-call memory cap (max_call_memory) in
 * every server model. A compact frame of a few MB holding lists of empty
 * structs (one byte each on the wire, 32 decoded) would need ~100 MB to
 * decode; the server stops at the cap, answers PROTOCOL_ERROR naming it,
 * closes that connection and counts it, its peak RSS stays bounded, and
 * another client's calls carry on. Nothing is timed; waits that detect a
 * hang are bounded. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "postern/client.h"
#include "postern/pipeline.h"
#include "postern/server.h"
#include "bag_test.h"
#include "test.h"

/* ---- the Bag service (bag_test.thrift, generated) ------------------------ */

static int bag_make(pst_call *call, int32_t n, bag_Bag_make_result *r)
{
    r->success.data = pst_arena_calloc(call->arena, (size_t)n * sizeof(bag_Item));
    if (!r->success.data)
        return PST_E_NOMEM;
    r->success.count = (uint32_t)n;
    return 0;
}

static int bag_count(pst_call *call, const pst_list *items, bag_Bag_count_result *r)
{
    (void)call;
    r->success = (int32_t)items->count;
    return 0;
}

static int bag_nest(pst_call *call, const pst_list *lists, bag_Bag_nest_result *r)
{
    (void)call;
    r->success = (int32_t)lists->count;
    return 0;
}

enum { BAG_COUNT, BAG_NEST, BAG_MAKE };
#define bag_methods (bag_Bag_desc.methods)
static const bag_Bag_handler bag_handler = { bag_count, bag_nest, bag_make };
static const pst_processor proc = { &bag_Bag_desc, &bag_handler, NULL };

/* ---- hostile frames, written byte by byte (compact protocol) ------------ */

typedef struct buf {
    uint8_t *p;
    size_t len, cap;
} buf;

static void put(buf *b, uint8_t byte)
{
    if (b->len == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    b->p[b->len++] = byte;
}

static void put_varint(buf *b, uint64_t v)
{
    while (v >= 0x80) {
        put(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    put(b, (uint8_t)v);
}

/* A framed compact CALL of `method` up to field 1's header (a list: the
 * caller writes it); call_end adds the args' stop byte and the length. */
static void call_begin(buf *b, const char *method)
{
    b->len = 0;
    for (int i = 0; i < 4; i++)
        put(b, 0);                      /* frame length, set by call_end */
    put(b, 0x82);                       /* compact protocol id */
    put(b, 0x21);                       /* version 1, type CALL */
    put_varint(b, 7);                   /* seqid */
    put_varint(b, strlen(method));
    for (const char *c = method; *c; c++)
        put(b, (uint8_t)*c);
    put(b, 0x19);                       /* field 1 (delta 1), LIST */
}

static void call_end(buf *b)
{
    put(b, 0x00);                       /* stop: end of the args */
    uint32_t n = (uint32_t)b->len - 4;
    b->p[0] = (uint8_t)(n >> 24);
    b->p[1] = (uint8_t)(n >> 16);
    b->p[2] = (uint8_t)(n >> 8);
    b->p[3] = (uint8_t)n;
}

/* Bag.count with n empty Items: n + ~20 bytes, 32 n decoded, in one
 * allocation the cap refuses up front. */
static void flat_frame(buf *b, uint32_t n)
{
    call_begin(b, "count");
    put(b, 0xFC);                       /* list, size follows, of STRUCT */
    put_varint(b, n);
    for (uint32_t i = 0; i < n; i++)
        put(b, 0x00);                   /* an empty struct: its stop byte */
    call_end(b);
}

/* Bag.nest with `outer` lists of 60 empty Items each: 62 bytes each on the
 * wire, 1,936 decoded, so the arena grows block by block up to the cap. */
static void nested_frame(buf *b, uint32_t outer)
{
    call_begin(b, "nest");
    put(b, 0xF9);                       /* list, size follows, of LIST */
    put_varint(b, outer);
    for (uint32_t i = 0; i < outer; i++) {
        put(b, 0xFC);
        put_varint(b, 60);
        for (int k = 0; k < 60; k++)
            put(b, 0x00);
    }
    call_end(b);
}

/* ---- peak RSS -------------------------------------------------------------- */

static long vm_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0)
            kb = strtol(line + n, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* Reset VmHWM to the current RSS (Linux >= 4.0); false when refused, and
 * the peak then counts from the process's start. */
static bool reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* ---- a running server and a well-behaved client ----------------------------- */

typedef struct running {
    pst_server *s;
    pthread_t thread;
    int rc;
} running;

static void *run_main(void *p)
{
    running *r = p;
    r->rc = pst_server_run(r->s);
    return NULL;
}

static void quiet(void *ctx, pst_log_level level, const char *msg)
{
    (void)ctx;
    (void)level;
    (void)msg;
}

typedef struct good_client {
    int port;
    atomic_bool stop;
    int ok, failed;
    pthread_t thread;
} good_client;

/* Bag.count with three items over binary framed, until told to stop (at
 * least `min` calls), counting successes and failures in g (the test's
 * CHECKs are for the main thread). */
static void good_calls(good_client *g, int min)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.framed = true;
    o.recv_timeout_ms = 20000; /* a broken test fails instead of hanging */
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", g->port, &o, &err);
    if (!c) { /* no CHECK here: this may run on a thread; the caller checks */
        fprintf(stderr, "  connect: %s\n", err.message);
        g->failed++;
        return;
    }
    bag_Item items[3];
    memset(items, 0, sizeof items);
    bag_Bag_count_args args = { { items, 3 }, { 0x1 } };
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int i = 0; i < min || !atomic_load(&g->stop); i++) {
        bag_Bag_count_result res;
        int rc = pst_client_call(c, &bag_methods[BAG_COUNT], &args, &res, &a);
        if (rc == 0 && res.success == 3) {
            g->ok++;
        } else {
            g->failed++;
            fprintf(stderr, "  good call failed: %s\n", pst_strerror(rc));
            break;
        }
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
    pst_client_free(c);
}

static void *good_main(void *p)
{
    good_calls(p, 1);
    return NULL;
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { 0 };
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((uint16_t)port);
    CHECK_EQ_INT(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* n bytes, or fewer at end of stream; waits at most 20 s for each read. */
static size_t read_full(int fd, uint8_t *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd pf = { fd, POLLIN, 0 };
        if (poll(&pf, 1, 20000) != 1)
            break;
        ssize_t k = recv(fd, p + got, n - got, 0);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    return got;
}

/* Send frame b, expect a PROTOCOL_ERROR whose message holds `want`, then
 * the end of the connection. */
static void send_hostile(int port, const buf *b, const char *want)
{
    int fd = dial(port);
    size_t off = 0;
    while (off < b->len) {
        ssize_t k = send(fd, b->p + off, b->len - off, MSG_NOSIGNAL);
        if (k <= 0)
            break;
        off += (size_t)k;
    }
    CHECK_EQ_INT(off, b->len);
    uint8_t hdr[4];
    CHECK_EQ_INT(read_full(fd, hdr, 4), 4);
    uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
                 (uint32_t)hdr[2] << 8 | hdr[3];
    CHECK(n > 0 && n < 4096);
    uint8_t reply[4096];
    if (n > 0 && n < sizeof reply) {
        CHECK_EQ_INT(read_full(fd, reply, n), n);
        static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
        pst_rbuf r;
        pst_rbuf_init(&r, reply, n, NULL);
        pst_msg_header h;
        pst_app_exception ex;
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        CHECK_EQ_INT(pst_protocol_compact.read_message_begin(&r, &h, &cfg), 0);
        CHECK_EQ_INT(h.type, PST_MSG_EXCEPTION);
        CHECK_EQ_INT(h.seqid, 7);
        CHECK_EQ_INT(pst_protocol_compact.read_struct(&r, &pst_app_exception_desc, &ex,
                                                      &a, &cfg), 0);
        CHECK_EQ_INT(ex.type, PST_APPEX_PROTOCOL_ERROR);
        char msg[256];
        snprintf(msg, sizeof msg, "%.*s", (int)ex.message.len,
                 ex.message.ptr ? ex.message.ptr : "");
        CHECK(strstr(msg, want) != NULL);
        if (!strstr(msg, want))
            fprintf(stderr, "  PROTOCOL_ERROR says '%s', expected '%s'\n", msg, want);
        pst_arena_release(&a);
    }
    /* closed as for bad bytes: end of stream, not another reply */
    uint8_t more;
    CHECK_EQ_INT(read_full(fd, &more, 1), 0);
    close(fd);
}

/* GET /metrics and look for the call_memory reason's count. */
static bool metrics_have(int port, const char *line)
{
    int fd = dial(port);
    static const char req[] = "GET /metrics HTTP/1.1\r\nHost: t\r\n"
                              "Connection: close\r\n\r\n";
    CHECK_EQ_INT(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (long)sizeof req - 1);
    static char page[1 << 16];
    size_t n = read_full(fd, (uint8_t *)page, sizeof page - 1);
    page[n] = '\0';
    close(fd);
    bool has = strstr(page, line) != NULL;
    if (!has)
        fprintf(stderr, "  /metrics lacks '%s'\n", line);
    return has;
}

/* ---- the cases ----------------------------------------------------------------- */

typedef struct config {
    const char *name;
    pst_server_model model;
    int workers;
} config;

static const config configs[] = {
    { "simple", PST_SERVER_SIMPLE, 0 },
    { "threaded", PST_SERVER_THREADED, 0 },
    { "pool", PST_SERVER_POOL, 2 },
    { "nonblocking", PST_SERVER_NONBLOCKING, 0 },
    { "nonblocking+workers", PST_SERVER_NONBLOCKING, 2 },
};

/* Sanitizers keep shadow memory for what the program touches (ThreadSanitizer
 * several bytes per byte) and ASan's allocator keeps freed blocks: the bound
 * scales with them, still far below the ~93 MB an uncapped decode takes
 * (times the same factor). */
#if defined(__SANITIZE_THREAD__)
#define SANITIZER_FACTOR 5
#elif defined(__SANITIZE_ADDRESS__)
#define SANITIZER_FACTOR 2
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SANITIZER_FACTOR 5
#elif __has_feature(address_sanitizer)
#define SANITIZER_FACTOR 2
#endif
#endif
#ifndef SANITIZER_FACTOR
#define SANITIZER_FACTOR 1
#endif

#define CAP (8 << 20)           /* the limit the tests set: 8 MiB */
#define PEAK_SLACK_KB (24 << 10) /* the frame, buffers, thread stacks */
#define PEAK_BOUND_KB (((CAP >> 10) + PEAK_SLACK_KB) * SANITIZER_FACTOR)

/* One model: a frame that needs ~93 MB decoded stops at the 8 MiB cap;
 * peak RSS grows by less than cap + slack; a client's calls before, during
 * and after all succeed; stats and /metrics count the event once. */
static void cap_in(const config *cf, const buf *nested)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = cf->model;
    o.workers = cf->workers;
    o.io_threads = 2;
    o.max_call_memory = CAP;
    o.log = quiet;
    pst_error err = { 0, "" };
    running r = { 0 };
    r.s = pst_server_new(&proc, &o, &err);
    CHECK(r.s != NULL);
    if (!r.s)
        return;
    pthread_create(&r.thread, NULL, run_main, &r);
    good_client g = { .port = pst_server_port(r.s) };
    atomic_init(&g.stop, false);
    /* SIMPLE serves one connection at a time: its client goes after. */
    bool concurrent = cf->model != PST_SERVER_SIMPLE;
    if (concurrent)
        pthread_create(&g.thread, NULL, good_main, &g);

    bool reset = reset_peak();
    long before = vm_kb(reset ? "VmRSS:" : "VmHWM:");
    send_hostile(g.port, nested,
                 "call memory limit of 8388608 bytes exceeded decoding");
    long peak = vm_kb("VmHWM:");
    CHECK(before > 0 && peak > 0);
    fprintf(stderr, "  %s: peak RSS grew by %ld KiB decoding a %zu-byte frame "
            "(cap %d KiB)\n", cf->name, peak - before, nested->len, CAP >> 10);
    CHECK(peak - before < PEAK_BOUND_KB);

    atomic_store(&g.stop, true);
    if (concurrent)
        pthread_join(g.thread, NULL);
    good_calls(&g, 20); /* after it too, on a new connection */
    CHECK(g.ok >= (concurrent ? 21 : 20));
    CHECK_EQ_INT(g.failed, 0);
    CHECK(metrics_have(g.port, "postern_protocol_errors_total{reason=\"call_memory\"} 1"));

    pst_server_stop(r.s);
    pthread_join(r.thread, NULL);
    CHECK_EQ_INT(r.rc, 0);
    pst_server_stats st;
    pst_server_stats_get(r.s, &st);
    CHECK_EQ_INT(st.call_memory_refused, 1);
    CHECK(st.protocol_errors >= 1);
    pst_server_free(r.s);
}

static void test_cap_every_model(void)
{
    buf nested = { 0 };
    nested_frame(&nested, 48000);        /* 3 MB on the wire, ~93 MB decoded */
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++)
        cap_in(&configs[i], &nested);
    free(nested.p);
}

/* The default (max_call_memory 0 = 64 MiB): a 4 MB frame of 4 million empty
 * Items (128 MB decoded) is refused before anything is allocated for it;
 * the message names the default. */
static void test_default_cap(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = PST_SERVER_NONBLOCKING;
    o.io_threads = 1;
    o.log = quiet;
    pst_error err = { 0, "" };
    running r = { 0 };
    r.s = pst_server_new(&proc, &o, &err);
    CHECK(r.s != NULL);
    if (!r.s)
        return;
    pthread_create(&r.thread, NULL, run_main, &r);
    buf flat = { 0 };
    flat_frame(&flat, 4u << 20);
    bool reset = reset_peak();
    long before = vm_kb(reset ? "VmRSS:" : "VmHWM:");
    send_hostile(pst_server_port(r.s), &flat,
                 "call memory limit of 67108864 bytes exceeded decoding "
                 "count_args.items");
    long peak = vm_kb("VmHWM:");
    fprintf(stderr, "  default cap: peak RSS grew by %ld KiB for a %zu-byte "
            "frame\n", peak - before, flat.len);
    CHECK(peak - before < PEAK_SLACK_KB * SANITIZER_FACTOR);
    good_client g = { .port = pst_server_port(r.s) };
    atomic_init(&g.stop, true);
    good_calls(&g, 5);
    CHECK_EQ_INT(g.ok, 5);
    pst_server_stop(r.s);
    pthread_join(r.thread, NULL);
    pst_server_stats st;
    pst_server_stats_get(r.s, &st);
    CHECK_EQ_INT(st.call_memory_refused, 1);
    pst_server_free(r.s);
    free(flat.p);
}

/* Clients cap what a reply decodes into the caller's arena the same way
 * (max_call_memory in the client and pipeline options): 200,000 empty Items
 * (200 KB on the wire, 6.4 MB decoded) against a 1 MiB cap fail with
 * PST_E_LIMIT naming the limit; the reply was read whole, so the connection
 * serves the next call; the caller's own arena limit comes back. */
static void test_client_reply_cap(void)
{
    pst_server_options so = PST_SERVER_OPTIONS_INIT;
    so.model = PST_SERVER_NONBLOCKING;
    so.io_threads = 1;
    so.log = quiet;
    pst_error err = { 0, "" };
    running r = { 0 };
    r.s = pst_server_new(&proc, &so, &err);
    CHECK(r.s != NULL);
    if (!r.s)
        return;
    pthread_create(&r.thread, NULL, run_main, &r);
    char endpoint[32];
    snprintf(endpoint, sizeof endpoint, "127.0.0.1:%d", pst_server_port(r.s));

    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.framed = true;
    o.recv_timeout_ms = 20000;
    o.max_call_memory = 1 << 20;
    pst_client *c = pst_client_connect("127.0.0.1", pst_server_port(r.s), &o, &err);
    pst_pipeline_options po = PST_PIPELINE_OPTIONS_INIT;
    po.framed = true;
    po.max_call_memory = 1 << 20;
    pst_pipeline *pl = pst_pipeline_connect(endpoint, &po, &err);
    CHECK(c != NULL && pl != NULL);
    if (!c || !pl)
        goto out;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    for (int k = 0; k < 2; k++) {
        bag_Bag_make_args big = { 200000, { 0x1 } }, small = { 3, { 0x1 } };
        bag_Bag_make_result res;
        const pst_call_info *info = NULL;
        int rc = k == 0 ? pst_client_call(c, &bag_methods[BAG_MAKE], &big, &res, &a)
                        : pst_pipeline_call(pl, &bag_methods[BAG_MAKE], &big, &res, &a);
        CHECK_EQ_INT(rc, PST_E_LIMIT);
        const char *why = k == 0 ? pst_client_error(c)->message
                                 : (info = pst_call_info_last()) ? info->error.message : "";
        /* the pipeline copied the reply into the arena before decoding:
         * its limit is that much above the cap */
        CHECK(strstr(why, k == 0 ? "call memory limit of 1048576 bytes exceeded"
                                 : "call memory limit of ") != NULL);
        CHECK(strstr(why, "exceeded decoding make_result.success") != NULL);
        if (!strstr(why, "exceeded decoding make_result.success"))
            fprintf(stderr, "  %s: '%s'\n", k ? "pipeline" : "client", why);
        CHECK_EQ_INT(a.limit, 0);
        pst_arena_reset(&a);
        rc = k == 0 ? pst_client_call(c, &bag_methods[BAG_MAKE], &small, &res, &a)
                    : pst_pipeline_call(pl, &bag_methods[BAG_MAKE], &small, &res, &a);
        CHECK_EQ_INT(rc, 0);
        CHECK_EQ_INT(res.success.count, 3);
        pst_arena_reset(&a);
    }
    pst_arena_release(&a);
out:
    pst_client_free(c);
    pst_pipeline_free(pl);
    pst_server_stop(r.s);
    pthread_join(r.thread, NULL);
    pst_server_free(r.s);
}

int main(void)
{
    RUN(test_cap_every_model);
    RUN(test_default_cap);
    RUN(test_client_reply_cap);
    return test_report();
}
