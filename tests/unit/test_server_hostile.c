/*
 * test_server_hostile.c: bad input anywhere gets a clear error and affects
 * nothing else. Against a live server of each model (port 0, the ThriftTest
 * echo service), hostile connections send random bytes, truncated frames,
 * frame lengths of 0, negative and over max_frame, strings of 2^31 bytes,
 * lists of 2^31-1 elements, structs nested 10,000 deep, a valid call
 * followed by garbage, HTTP, a REPLY, and a slowloris one byte per ms for
 * a bounded time; meanwhile one well-behaved client keeps calling and
 * must never see an error. Each hostile connection must end closed by the
 * server (after answering what is answerable: a complete framed request
 * with bad arguments gets PROTOCOL_ERROR and the connection goes on), and
 * protocol_errors must count every connection closed for bad bytes.
 *
 * Also the front door's properties (tests/fuzz/fuzz_sniff_target.h) over
 * deterministic openings. Nothing is timed: waits are bounded only so a
 * broken server fails the test instead of hanging it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "postern/client.h"
#include "postern/server.h"
#include "test.h"

#include "test_fuzz_fail.h"
static unsigned long sniff_kinds[8];
#define FUZZ_OUTCOME(kind) (sniff_kinds[(kind) & 7]++)
#include "../fuzz/fuzz_sniff_target.h"

#include "../fuzz/fuzz_mutate.h"
#include "../fuzz/thrifttest_echo.h"
#include "../fuzz/thrifttest_requests.h"

#define MAX_FRAME (1u << 20)

/* Failures seen on other threads, reported by the main thread. */
static atomic_int thread_failures;
#define TCHECK(cond, ...)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            atomic_fetch_add(&thread_failures, 1);                             \
            fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                    \
            fprintf(stderr, __VA_ARGS__);                                      \
            fprintf(stderr, "\n");                                             \
        }                                                                      \
    } while (0)

static void pause_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- raw messages ------------------------------------------------------- */

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put8(bytes *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put32(bytes *b, uint32_t v)
{
    uint8_t x[4];
    tt_put32(x, v);
    put(b, x, 4);
}

/* Binary CALL header for `name`, seqid 1. */
static void binary_call(bytes *b, const char *name)
{
    put32(b, 0x80010001u);
    put32(b, (uint32_t)strlen(name));
    put(b, name, strlen(name));
    put32(b, 1);
}

/* A valid call, encoded as a client does. */
static void valid_call(bytes *b, const pst_protocol *p, const char *text)
{
    ThriftTest_ThriftTest_testString_args a;
    ThriftTest_ThriftTest_testString_args_init(&a);
    a.thing = pst_str_c(text);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("testString"), PST_MSG_CALL, 42 };
    p->write_message_begin(&w, &h);
    p->write_struct(&w, &ThriftTest_ThriftTest_testString_args_desc, &a, NULL);
    put(b, w.data, w.len);
    pst_wbuf_free(&w);
}

/* b's bytes as one frame at the end of out. */
static void frame(bytes *out, const bytes *b)
{
    put32(out, (uint32_t)b->n);
    put(out, b->p, b->n);
}

/* ---- what came back ----------------------------------------------------- */

/* The message at in[*off..n) (framed: after its length), or NULL. */
static const uint8_t *next_message(const uint8_t *in, size_t n, size_t *off,
                                   bool framed, const pst_protocol *p,
                                   size_t *len)
{
    if (framed) {
        if (n - *off < 4)
            return NULL;
        const uint8_t *h = in + *off;
        uint32_t l = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
                     (uint32_t)h[2] << 8 | h[3];
        if (n - *off - 4 < l)
            return NULL;
        *off += 4 + l;
        *len = l;
        return h + 4;
    }
    if (p->message_length(in + *off, n - *off, NULL, len, NULL) != 0)
        return NULL;
    const uint8_t *m = in + *off;
    *off += *len;
    return m;
}

/* Is the message a reply of kind: > 0 a REPLY to testString with that
 * text's length, < 0 an EXCEPTION of TApplicationException type -kind. */
static bool is_reply(const uint8_t *m, size_t len, const pst_protocol *p,
                     int kind)
{
    pst_rbuf r;
    pst_rbuf_init(&r, m, len, NULL);
    pst_msg_header h;
    if (p->read_message_begin(&r, &h, NULL) != 0)
        return false;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    bool ok = false;
    if (kind < 0 && h.type == PST_MSG_EXCEPTION) {
        pst_app_exception ex;
        ok = p->read_struct(&r, &pst_app_exception_desc, &ex, &a, NULL) == 0 &&
             ex.type == -kind;
    } else if (kind > 0 && h.type == PST_MSG_REPLY) {
        ThriftTest_ThriftTest_testString_result res;
        ok = p->read_struct(&r, &ThriftTest_ThriftTest_testString_result_desc,
                            &res, &a, NULL) == 0 &&
             ThriftTest_ThriftTest_testString_result_isset_success(&res) &&
             res.success.len == (size_t)kind;
    }
    pst_arena_release(&a);
    return ok;
}

/* ---- hostile connections ------------------------------------------------ */

typedef struct hostile {
    const char *name;
    bytes send;
    int slow_ms;             /* > 0: one byte per ms, at most this long */
    bool framed;             /* how replies come back */
    const pst_protocol *proto;
    int expect[3];           /* replies, in order (see is_reply); 0 ends */
    bool counted;            /* the server must count a protocol error */
} hostile;

#define MAX_CASES 64
static hostile cases[MAX_CASES];
static size_t ncases;

static hostile *add_case(const char *name, const pst_protocol *p, bool framed,
                         bool counted)
{
    hostile *h = &cases[ncases++];
    memset(h, 0, sizeof *h);
    h->name = name;
    h->proto = p;
    h->framed = framed;
    h->counted = counted;
    return h;
}

#define APPEX(t) (-(int)(t))

static void make_cases(void)
{
    if (ncases)
        return;
    const pst_protocol *bin = &pst_protocol_binary, *cmp = &pst_protocol_compact;
    hostile *h;
    bytes b = { 0 };

    /* random bytes that no kind of connection starts with */
    fm_seed(0x5eed0003);
    for (int i = 0; i < 4; i++) {
        h = add_case("random bytes", bin, false, true);
        size_t n = 64 + fm_below(448);
        for (size_t k = 0; k < n; k++)
            put8(&h->send, (uint8_t)fm_rnd());
        h->send.p[0] = (uint8_t)(0x10 + fm_below(0x20)); /* not 00 80 82 or a letter */
    }
    /* random bytes after a valid opening: anything may happen but a crash */
    for (int i = 0; i < 4; i++) {
        h = add_case("random body", i & 1 ? cmp : bin, false, false);
        valid_call(&b, h->proto, "x");
        put(&h->send, b.p, i & 1 ? 3 : 6);
        b.n = 0;
        for (size_t k = 0; k < 200; k++)
            put8(&h->send, (uint8_t)fm_rnd());
        h->expect[0] = 0;
    }
    /* a frame cut short (the peer then closes) */
    h = add_case("truncated frame", bin, true, false);
    valid_call(&b, bin, "truncated");
    put32(&h->send, (uint32_t)b.n);
    put(&h->send, b.p, b.n - 5);
    b.n = 0;
    /* a valid frame, then lengths of 0, negative, over max_frame */
    static const uint32_t bad_lengths[] = { 0, 0x80000000u, 0xffffffffu,
                                            MAX_FRAME + 1 };
    for (size_t i = 0; i < 4; i++) {
        h = add_case("bad frame length", i & 1 ? cmp : bin, true, true);
        valid_call(&b, h->proto, "first");
        frame(&h->send, &b);
        b.n = 0;
        put32(&h->send, bad_lengths[i]);
        put(&h->send, "more bytes", 10);
        h->expect[0] = 5;
    }
    /* a string of 2^31 bytes and one of 2^31-1; a list of 2^31-1 */
    static const uint32_t sizes[] = { 0x80000000u, 0x7fffffffu };
    for (int framed = 0; framed < 2; framed++) {
        for (size_t i = 0; i < 2; i++) {
            h = add_case("huge string", bin, framed, !framed);
            binary_call(&b, "testString");
            put8(&b, PST_TT_STRING);
            put8(&b, 0);
            put8(&b, 1);
            put32(&b, sizes[i]);
            put(&b, "abc", 3);
            if (framed) {
                frame(&h->send, &b);
                h->expect[0] = APPEX(PST_APPEX_PROTOCOL_ERROR);
            } else {
                put(&h->send, b.p, b.n);
            }
            b.n = 0;
        }
        h = add_case("huge list", bin, framed, !framed);
        binary_call(&b, "testList");
        put8(&b, PST_TT_LIST);
        put8(&b, 0);
        put8(&b, 1);
        put8(&b, PST_TT_I32);
        put32(&b, 0x7fffffffu);
        put32(&b, 7);
        if (framed) {
            frame(&h->send, &b);
            h->expect[0] = APPEX(PST_APPEX_PROTOCOL_ERROR);
        } else {
            put(&h->send, b.p, b.n);
        }
        b.n = 0;
        /* compact: a list header with a 2^31-1 count */
        h = add_case("huge compact list", cmp, framed, !framed);
        static const uint8_t clist[] = { 0x82, 0x21, 0x01, 0x08, 't', 'e', 's',
                                         't', 'L', 'i', 's', 't', 0x19, 0xf5,
                                         0xff, 0xff, 0xff, 0xff, 0x07, 0x02 };
        put(&b, clist, sizeof clist);
        if (framed) {
            frame(&h->send, &b);
            h->expect[0] = APPEX(PST_APPEX_PROTOCOL_ERROR);
        } else {
            put(&h->send, b.p, b.n);
        }
        b.n = 0;
        /* structs nested 10,000 deep in an unknown field; lists too */
        for (int lists = 0; lists < 2; lists++) {
            h = add_case("deep nesting", bin, framed, !framed);
            binary_call(&b, "testVoid");
            if (lists) {
                put8(&b, PST_TT_LIST);
                put8(&b, 0);
                put8(&b, 9);
                for (int d = 0; d < 10000; d++) {
                    put8(&b, PST_TT_LIST);
                    put32(&b, 1);
                }
                put8(&b, PST_TT_I32);
                put32(&b, 0);
            } else {
                for (int d = 0; d < 10000; d++) {
                    put8(&b, PST_TT_STRUCT);
                    put8(&b, 0);
                    put8(&b, 9);
                }
                for (int d = 0; d < 10001; d++)
                    put8(&b, 0);
            }
            if (framed) {
                frame(&h->send, &b);
                h->expect[0] = APPEX(PST_APPEX_PROTOCOL_ERROR);
            } else {
                put(&h->send, b.p, b.n);
            }
            b.n = 0;
        }
        /* a valid call, then garbage: the call is answered first */
        h = add_case("valid then garbage", framed ? cmp : bin, framed, true);
        valid_call(&b, h->proto, "valid");
        if (framed)
            frame(&h->send, &b);
        else
            put(&h->send, b.p, b.n);
        b.n = 0;
        put(&h->send, "\xde\xad\xbe\xef garbage", 12);
        h->expect[0] = 5;
        /* a REPLY sent to a server: told why, then closed */
        h = add_case("reply to server", bin, framed, true);
        put32(&b, 0x80010002u);
        put32(&b, 7);
        put(&b, "testI32", 7);
        put32(&b, 3);
        put8(&b, 0);
        if (framed)
            frame(&h->send, &b);
        else
            put(&h->send, b.p, b.n);
        b.n = 0;
        h->expect[0] = APPEX(PST_APPEX_INVALID_MESSAGE_TYPE);
        /* a method name of 2^31-1 bytes */
        h = add_case("huge name", bin, framed, true);
        put32(&b, 0x80010001u);
        put32(&b, 0x7fffffffu);
        put(&b, "testVoid", 8);
        if (framed) {
            frame(&h->send, &b);
            /* the header is unreadable: nothing can be answered */
        } else {
            put(&h->send, b.p, b.n);
        }
        b.n = 0;
    }
    /* a bad compact version; HTTP (not served yet: closed, not counted) */
    h = add_case("bad compact version", cmp, false, true);
    put(&h->send, "\x82\xff\x01\x01x\x00", 6);
    h = add_case("http", bin, false, false);
    put(&h->send, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
    /* slowloris: a valid call one byte per ms (answered), and a frame that
     * never completes (the peer gives up after a while) */
    for (int framed = 0; framed < 2; framed++) {
        h = add_case("slowloris call", framed ? cmp : bin, framed, false);
        valid_call(&b, h->proto, "slowly but surely, one byte at a time");
        if (framed)
            frame(&h->send, &b);
        else
            put(&h->send, b.p, b.n);
        b.n = 0;
        h->slow_ms = 1000;
        h->expect[0] = 37;
    }
    h = add_case("slowloris endless", bin, true, false);
    put32(&h->send, 200000);
    valid_call(&h->send, bin, "");
    for (int i = 0; i < 400; i++)
        put8(&h->send, 0);
    h->slow_ms = 300;
    free(b.p);
}

static int connect_port(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Send the case's bytes, close our side, read until the server closes
 * (bounded), then check what came back. */
static void run_hostile(int port, const hostile *h)
{
    int fd = connect_port(port);
    TCHECK(fd >= 0, "%s: connect failed", h->name);
    if (fd < 0)
        return;
    size_t sent = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (sent < h->send.n) {
        size_t chunk = h->slow_ms ? 1 : h->send.n - sent;
        ssize_t k = send(fd, h->send.p + sent, chunk, MSG_NOSIGNAL);
        if (k <= 0)
            break; /* the server closed early: fine */
        sent += (size_t)k;
        if (h->slow_ms) {
            pause_ms(1);
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            long ms = (t.tv_sec - t0.tv_sec) * 1000 +
                      (t.tv_nsec - t0.tv_nsec) / 1000000;
            if (ms > h->slow_ms)
                break;
        }
    }
    shutdown(fd, SHUT_WR);
    uint8_t in[65536];
    size_t n = 0;
    bool closed = false;
    for (int waits = 0; waits < 200 && !closed; waits++) {
        struct pollfd pfd = { fd, POLLIN, 0 };
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        ssize_t k = recv(fd, in + n, sizeof in - n, 0);
        if (k > 0)
            n += (size_t)k;
        else
            closed = true; /* EOF or reset */
        if (n == sizeof in)
            closed = true;
    }
    close(fd);
    TCHECK(closed, "%s: the server did not close the connection", h->name);
    size_t off = 0;
    for (int i = 0; i < 3 && h->expect[i]; i++) {
        size_t len = 0;
        const uint8_t *m = next_message(in, n, &off, h->framed, h->proto, &len);
        TCHECK(m && is_reply(m, len, h->proto, h->expect[i]),
               "%s: reply %d is not the expected %d (%zu bytes back)", h->name,
               i, h->expect[i], n);
        if (!m)
            break;
    }
    if (!h->expect[0] && h->counted)
        TCHECK(n == 0, "%s: %zu bytes came back", h->name, n);
}

/* ---- a server, a good client, hostile clients --------------------------- */

typedef struct storm_state {
    pst_server *s;
    pthread_t thread;
    int rc;
    atomic_int warnings;
    atomic_bool hostile_done;
    atomic_int next_case;
    atomic_int hostile_left;  /* threads still sending */
    int rounds;              /* every case this many times */
    long good_calls;
    bool reconnect_each_call;
} storm_state;

static void count_log(void *ctx, pst_log_level level, const char *msg)
{
    storm_state *r = ctx;
    if (level <= PST_LOG_WARN)
        atomic_fetch_add(&r->warnings, 1);
    if (level == PST_LOG_ERROR)
        fprintf(stderr, "  server error: %s\n", msg);
}

static void *server_main(void *p)
{
    storm_state *r = p;
    r->rc = pst_server_run(r->s);
    return NULL;
}

static void *hostile_main(void *p)
{
    storm_state *r = p;
    int port = pst_server_port(r->s);
    int total = (int)ncases * r->rounds;
    for (;;) {
        int i = atomic_fetch_add(&r->next_case, 1);
        if (i >= total)
            break;
        run_hostile(port, &cases[(size_t)i % ncases]);
    }
    if (atomic_fetch_sub(&r->hostile_left, 1) == 1)
        atomic_store(&r->hostile_done, true);
    return NULL;
}

/* One good call of three kinds, checked. */
static void good_call(pst_client *c, long i)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    char text[64];
    snprintf(text, sizeof text, "good call %ld", i);
    int rc;
    switch (i % 3) {
    case 0: {
        ThriftTest_ThriftTest_testString_result res;
        rc = ThriftTest_ThriftTest_testString(c, &a, pst_str_c(text), &res);
        TCHECK(rc == 0 && res.success.len == strlen(text) &&
                   memcmp(res.success.ptr, text, res.success.len) == 0,
               "good testString: %s", pst_client_error(c)->message);
        break;
    }
    case 1: {
        ThriftTest_ThriftTest_testI32_result res;
        rc = ThriftTest_ThriftTest_testI32(c, &a, (int32_t)-i, &res);
        TCHECK(rc == 0 && res.success == (int32_t)-i, "good testI32: %s",
               pst_client_error(c)->message);
        break;
    }
    default: {
        ThriftTest_Insanity arg;
        ThriftTest_Insanity_init(&arg);
        ThriftTest_Xtruct x;
        tt_xtruct(&x, text, 1, 2, 3);
        arg.xtructs = (pst_list){ &x, 1 };
        ThriftTest_ThriftTest_testInsanity_result res;
        rc = ThriftTest_ThriftTest_testInsanity(c, &a, &arg, &res);
        bool ok = rc == 0 && res.success.count == 2;
        if (ok) {
            const pst_map *inner = res.success.values;
            const ThriftTest_Insanity *v = inner[0].values;
            const ThriftTest_Xtruct *got = v[0].xtructs.data;
            ok = inner[0].count == 2 && v[0].xtructs.count == 1 &&
                 got->string_thing.len == strlen(text);
        }
        TCHECK(ok, "good testInsanity: %s", pst_client_error(c)->message);
        break;
    }
    }
    pst_arena_release(&a);
}

static pst_client *good_connect(int port, long i)
{
    pst_client_options o = PST_CLIENT_OPTIONS_INIT;
    o.protocol = i & 1 ? &pst_protocol_compact : &pst_protocol_binary;
    o.framed = (i >> 1) & 1;
    o.recv_timeout_ms = 30000; /* a broken server fails, not hangs */
    o.send_timeout_ms = 30000;
    pst_error err = { 0, "" };
    pst_client *c = pst_client_connect("127.0.0.1", port, &o, &err);
    TCHECK(c != NULL, "good client: connect: %s", err.message);
    return c;
}

static void good_client(storm_state *r)
{
    int port = pst_server_port(r->s);
    pst_client *c = NULL;
    long i = 0;
    /* calls until the hostile clients are done, and at least a few */
    while (!atomic_load(&r->hostile_done) || i < 30) {
        if (!c || r->reconnect_each_call || i % 10 == 0) {
            pst_client_free(c);
            c = good_connect(port, i / 10);
            if (!c)
                break;
        }
        good_call(c, i++);
        pause_ms(1); /* leave the machine to the others, mostly */
    }
    pst_client_free(c);
    r->good_calls = i;
}

static void storm(const char *label, pst_server_options *o, int hostile_threads,
                  int rounds)
{
    make_cases();
    storm_state *r = calloc(1, sizeof *r);
    o->port = 0;
    o->codec.max_frame = MAX_FRAME;
    o->read_timeout_ms = 5000;   /* bounds a stuck peer; never reached */
    o->log = count_log;
    o->log_ctx = r;
    o->log_level = PST_LOG_WARN;
    r->rounds = rounds;
    r->reconnect_each_call = o->model == PST_SERVER_SIMPLE;
    pst_error err = { 0, "" };
    r->s = pst_server_new(&tt_echo_processor, o, &err);
    CHECK(r->s != NULL);
    if (!r->s) {
        fprintf(stderr, "  %s: %s\n", label, err.message);
        free(r);
        return;
    }
    pthread_create(&r->thread, NULL, server_main, r);
    pst_server_stats before, after;
    pst_server_stats_get(r->s, &before);

    pthread_t hostile[4];
    atomic_store(&r->hostile_left, hostile_threads);
    for (int i = 0; i < hostile_threads; i++)
        pthread_create(&hostile[i], NULL, hostile_main, r);
    /* the good client runs on this thread while they do */
    good_client(r);
    for (int i = 0; i < hostile_threads; i++)
        pthread_join(hostile[i], NULL);

    pst_server_stats_get(r->s, &after);
    pst_server_stop(r->s);
    pthread_join(r->thread, NULL);
    CHECK_EQ_INT(r->rc, 0);

    size_t counted = 0;
    for (size_t i = 0; i < ncases; i++)
        counted += cases[i].counted;
    counted *= (size_t)rounds;
    uint64_t errors = after.protocol_errors - before.protocol_errors;
    fprintf(stderr, "  %-22s %ld good calls, %llu protocol errors (>= %zu), "
                    "%llu connections, %d warnings\n",
            label, r->good_calls, (unsigned long long)errors, counted,
            (unsigned long long)(after.accepted - before.accepted),
            atomic_load(&r->warnings));
    CHECK(errors >= counted);
    CHECK(r->good_calls >= 30);
    CHECK_EQ_INT(after.timeouts, 0);
    pst_server_free(r->s);
    free(r);
}

static void test_models(void)
{
    static const struct {
        const char *label;
        pst_server_model model;
        int workers, io_threads;
    } models[] = {
        { "simple", PST_SERVER_SIMPLE, 0, 0 },
        { "threaded", PST_SERVER_THREADED, 0, 0 },
        { "pool", PST_SERVER_POOL, 4, 0 },
        { "nonblocking", PST_SERVER_NONBLOCKING, 0, 2 },
        { "nonblocking+workers", PST_SERVER_NONBLOCKING, 2, 1 },
    };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        pst_server_options o = PST_SERVER_OPTIONS_INIT;
        o.model = models[i].model;
        o.workers = models[i].workers;
        o.io_threads = models[i].io_threads;
        atomic_store(&thread_failures, 0);
        storm(models[i].label, &o, models[i].model == PST_SERVER_SIMPLE ? 1 : 3,
              2);
        CHECK_EQ_INT(atomic_load(&thread_failures), 0);
    }
}

/* ---- the front door, deterministically ---------------------------------- */

static void sniff_case(const uint8_t *opt2, const uint8_t *p, size_t n)
{
    uint8_t buf[2 + FS_MAX_PREFIX];
    buf[0] = opt2[0];
    buf[1] = opt2[1];
    if (n > FS_MAX_PREFIX)
        n = FS_MAX_PREFIX;
    memcpy(buf + 2, p, n);
    fuzz_sniff_one(buf, n + 2);
    fuzz_case++;
}

typedef struct openings {
    uint8_t p[160][FS_MAX_PREFIX];
    size_t n[160];
    size_t count;
} openings;

static void keep_opening(void *ctx, const pst_protocol *p, const char *what,
                         const uint8_t *msg, size_t len)
{
    (void)p;
    (void)what;
    openings *o = ctx;
    if (o->count + 2 > 150)
        return;
    size_t k = len < FS_MAX_PREFIX ? len : FS_MAX_PREFIX;
    memcpy(o->p[o->count], msg, k);
    o->n[o->count++] = k;
    /* framed too */
    tt_put32(o->p[o->count], (uint32_t)len);
    k = len < FS_MAX_PREFIX - 4 ? len : FS_MAX_PREFIX - 4;
    memcpy(o->p[o->count] + 4, msg, k);
    o->n[o->count++] = k + 4;
}

static void test_sniff_openings(void)
{
    static openings op;
    tt_requests(&pst_protocol_binary, keep_opening, &op);
    tt_requests(&pst_protocol_compact, keep_opening, &op);
    static const char *const http[] = { "GET / HTTP/1.1", "POST /rpc HTTP/1.1",
                                        "OPTIONS * HTTP/1.1", "CONNECT h:1 " };
    for (size_t i = 0; i < 4 && op.count < 160; i++, op.count++) {
        op.n[op.count] = strlen(http[i]);
        memcpy(op.p[op.count], http[i], op.n[op.count]);
    }
    /* zlib streams (levels 6, 9, 1) and THeader frames, alone and inside a
     * plain frame */
    static const uint8_t layered[][24] = {
        { 0x78, 0x9c, 0x62, 0x60 },
        { 0x78, 0xda },
        { 0x78, 0x01 },
        { 0, 0, 0, 0x20, 0x0f, 0xff, 0, 0, 0, 0, 0, 7, 0, 1, 0x02, 0, 0, 0, 0x82, 0x21 },
        { 0, 0, 0, 0x24, 0, 0, 0, 0x20, 0x0f, 0xff, 0, 0, 0, 0, 0, 7, 0, 1, 0x00, 0, 0,
          0, 0x80, 0x01 },
    };
    static const size_t layered_n[] = { 4, 2, 2, 20, 24 };
    for (size_t i = 0; i < 5 && op.count < 160; i++, op.count++) {
        op.n[op.count] = layered_n[i];
        memcpy(op.p[op.count], layered[i], layered_n[i]);
    }
    /* every option setting over every real opening */
    for (unsigned a = 0; a < 256; a++) {
        uint8_t opt2[2] = { (uint8_t)a, (uint8_t)(a * 37) };
        for (size_t i = 0; i < op.count; i++)
            sniff_case(opt2, op.p[i], op.n[i]);
    }
    /* the regression: "GET " is a frame length under a huge max_frame */
    static const uint8_t get_frame[] = { 'G', 'E', 'T', ' ', 0x80, 0x01, 0, 1 };
    uint8_t opt2[2] = { 0x81, 0x47 }; /* auto, max_frame 0x47474747 */
    sniff_case(opt2, get_frame, sizeof get_frame);
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.codec.max_frame = 0x47474747u;
    pst_sniff sn;
    pst__sniff(&o, get_frame, 4, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_NEED_MORE);
    pst__sniff(&o, get_frame, 6, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_THRIFT);
    CHECK(sn.protocol == &pst_protocol_binary && sn.framing == PST_FRAMING_FRAMED);
    pst__sniff(&o, (const uint8_t *)"GET /x", 6, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_HTTP);
    /* mutations and random bytes */
    fm_seed(0x5eed0004);
    fm_piece pieces[160];
    for (size_t i = 0; i < op.count; i++)
        pieces[i] = (fm_piece){ op.p[i], op.n[i] };
    for (int i = 0; i < 100000; i++) {
        uint8_t b[2 + FS_MAX_PREFIX + 8];
        size_t s = fm_below(op.count);
        b[0] = (uint8_t)fm_rnd();
        b[1] = (uint8_t)fm_rnd();
        size_t n = op.n[s];
        memcpy(b + 2, op.p[s], n);
        if (i & 1)
            n = fm_mutate(b + 2, n, FS_MAX_PREFIX, pieces, op.count);
        else
            for (size_t k = 0; k < n; k++)
                b[2 + k] = i & 2 ? (uint8_t)fm_rnd() : b[2 + k];
        fuzz_sniff_one(b, n + 2);
        fuzz_case++;
    }
    CHECK_EQ_INT(fuzz_failures, 0);
    fprintf(stderr, "  %lu cases: need-more=%lu thrift=%lu http=%lu unknown=%lu "
                    "zlib=%lu\n",
            fuzz_case, sniff_kinds[0], sniff_kinds[1], sniff_kinds[2],
            sniff_kinds[3], sniff_kinds[PST_SNIFF_ZLIB]);
    CHECK(sniff_kinds[PST_SNIFF_ZLIB] > 0);
    CHECK(sniff_kinds[PST_SNIFF_THRIFT] > 10000);
    CHECK(sniff_kinds[PST_SNIFF_HTTP] > 1000);
    CHECK(sniff_kinds[PST_SNIFF_UNKNOWN] > 10000);
}

int main(void)
{
    RUN(test_sniff_openings);
    RUN(test_models);
    return test_report();
}
