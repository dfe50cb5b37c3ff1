/* test_zlib.c: TZlibTransport's bytes: the push-style core, the zlib
 * stream under the framed and unframed message layers, corrupt input, and
 * zlib bombs stopped at the message limit without allocating past it; zlib
 * connections in every server model (the nonblocking one's filter: a byte
 * at a time, inside TLS, with workers, a bomb). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postern/client.h"
#include "postern/server.h"
#include "postern/tls.h"
#include "postern/transport.h"
#include "postern/zlib.h"
#include "server/server_internal.h"
#include "test.h"
#include "test_calc.h"

/* Compress msgs[0..n) as a writer would: one deflate stream, one sync
 * flush per message, written through a zlib stream over a memory stream. */
static uint8_t *compress_messages(const char *const *msgs, size_t n,
                                  bool framed, size_t *len)
{
    pst_stream *mem = pst_stream_memory_new(NULL, 0, 0);
    pst_stream *z = pst_stream_zlib_new(mem, NULL, 0, PST_ZLIB_LEVEL_DEFAULT);
    CHECK(z != NULL);
    pst_transport *t = framed ? pst_transport_framed_new(z, NULL)
                              : pst_transport_unframed_new(z, NULL);
    for (size_t i = 0; i < n; i++) {
        pst_error err = { 0, "" };
        CHECK_EQ_INT(pst_transport_write_message(t, msgs[i], strlen(msgs[i]),
                                                 &err),
                     0);
    }
    size_t l = 0;
    const uint8_t *out = pst_stream_memory_output(mem, &l);
    uint8_t *copy = malloc(l);
    memcpy(copy, out, l);
    pst_transport_free(t);
    *len = l;
    return copy;
}

/* Each message is flushed whole: inflating the bytes written so far gives
 * every message written so far, and the stream opens with a zlib header
 * only once. */
static void test_sync_flush_per_message(void)
{
    const char *msgs[] = { "first message", "second", "third and last" };
    size_t len = 0;
    uint8_t *bytes = compress_messages(msgs, 3, true, &len);
    CHECK(len > 2);
    CHECK_EQ_INT(bytes[0], 0x78);
    CHECK_EQ_INT((bytes[0] << 8 | bytes[1]) % 31, 0);
    /* a sync flush ends with the empty stored block 00 00 ff ff */
    CHECK(len >= 4 && memcmp(bytes + len - 4, "\x00\x00\xff\xff", 4) == 0);
    int headers = 0;
    for (size_t i = 0; i + 1 < len; i++)
        headers += bytes[i] == 0x78 && bytes[i + 1] == 0x9c;
    CHECK_EQ_INT(headers, 1);

    /* read back through the push core, one compressed byte at a time,
     * three output bytes at a time */
    pst_zlib_inflater *inf = pst_zlib_inflater_new();
    uint8_t plain[256];
    size_t plain_len = 0;
    for (size_t i = 0; i < len; i++) {
        size_t off = 0;
        for (;;) {
            size_t used = 0, made = 0;
            pst_error err = { 0, "" };
            size_t room = sizeof plain - plain_len < 3 ? sizeof plain - plain_len : 3;
            int rc = pst_zlib_inflate(inf, bytes + i + off, 1 - off, &used,
                                      plain + plain_len, room, &made, &err);
            CHECK_EQ_INT(rc, 0);
            off += used;
            plain_len += made;
            if (rc < 0 || (made == 0 && (off == 1 || used == 0)))
                break;
        }
    }
    size_t want = 0;
    for (int i = 0; i < 3; i++)
        want += 4 + strlen(msgs[i]);
    CHECK_EQ_INT(plain_len, want);
    CHECK_MEM(plain + 4, "first message", 13);
    CHECK_MEM(plain + plain_len - 14, "third and last", 14);
    CHECK_EQ_INT(pst_zlib_inflater_total_in(inf), len);
    pst_zlib_inflater_free(inf);

    /* and through the stream and the framed layer, in 1-byte reads */
    for (size_t max_read = 0; max_read <= 1; max_read++) {
        pst_stream *mem = pst_stream_memory_new(bytes, len, max_read);
        pst_transport *t = pst_transport_framed_new(
            pst_stream_zlib_new(mem, NULL, 0, PST_ZLIB_LEVEL_DEFAULT), NULL);
        for (int i = 0; i < 3; i++) {
            const uint8_t *m = NULL;
            size_t ml = 0;
            pst_error err = { 0, "" };
            CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), 0);
            CHECK_EQ_INT(ml, strlen(msgs[i]));
            CHECK(m && memcmp(m, msgs[i], ml) == 0);
        }
        const uint8_t *m = NULL;
        size_t ml = 0;
        pst_error err = { 0, "" };
        CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err),
                     PST_E_CLOSED);
        pst_transport_free(t);
    }
    free(bytes);
}

/* The bytes a server sniffed are handed to the stream and come first. */
static void test_pre_read_bytes(void)
{
    const char *msgs[] = { "hello" };
    size_t len = 0;
    uint8_t *bytes = compress_messages(msgs, 1, true, &len);
    pst_stream *mem = pst_stream_memory_new(bytes + 5, len - 5, 0);
    pst_transport *t = pst_transport_framed_new(
        pst_stream_zlib_new(mem, bytes, 5, PST_ZLIB_LEVEL_DEFAULT), NULL);
    const uint8_t *m = NULL;
    size_t ml = 0;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_transport_read_message(t, NULL, &m, &ml, &err), 0);
    CHECK_EQ_INT(ml, 5);
    CHECK(m && memcmp(m, "hello", 5) == 0);
    pst_transport_free(t);
    free(bytes);
}

/* Bytes that are not zlib: an error naming zlib and the offset. */
static void test_corrupt(void)
{
    const char *msgs[] = { "some message here" };
    size_t len = 0;
    uint8_t *bytes = compress_messages(msgs, 1, true, &len);
    bytes[3] ^= 0xff;
    bytes[4] ^= 0x5a;
    pst_stream *mem = pst_stream_memory_new(bytes, len, 0);
    pst_transport *t = pst_transport_framed_new(
        pst_stream_zlib_new(mem, NULL, 0, PST_ZLIB_LEVEL_DEFAULT), NULL);
    const uint8_t *m = NULL;
    size_t ml = 0;
    pst_error err = { 0, "" };
    int rc = pst_transport_read_message(t, NULL, &m, &ml, &err);
    CHECK_EQ_INT(rc, PST_E_PROTOCOL);
    CHECK(strstr(err.message, "zlib") != NULL);
    CHECK(strstr(err.message, "compressed byte") != NULL);
    if (!strstr(err.message, "zlib"))
        fprintf(stderr, "  got: %s\n", err.message);
    pst_transport_free(t);
    free(bytes);

    pst_zlib_inflater *inf = pst_zlib_inflater_new();
    uint8_t out[16];
    size_t used, made;
    pst_error e2 = { 0, "" };
    CHECK_EQ_INT(pst_zlib_inflate(inf, "\x78\x9c\xff\xff\xff", 5, &used, out,
                                  sizeof out, &made, &e2),
                 PST_E_PROTOCOL);
    CHECK(e2.message[0] != '\0');
    pst_zlib_inflater_free(inf);
}

/* A binary call whose one string field claims `slen` bytes, all zeros:
 * compressed, a few KiB; inflated, far past the limit. */
static uint8_t *bomb(size_t slen, size_t *len)
{
    static const uint8_t head[] = { 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 1, 'f',
                                    0, 0, 0, 1, 0x0b, 0x00, 0x01 };
    size_t n = sizeof head + 4 + slen + 1;
    uint8_t *plain = calloc(1, n);
    memcpy(plain, head, sizeof head);
    plain[sizeof head] = (uint8_t)(slen >> 24);
    plain[sizeof head + 1] = (uint8_t)(slen >> 16);
    plain[sizeof head + 2] = (uint8_t)(slen >> 8);
    plain[sizeof head + 3] = (uint8_t)slen;
    pst_zlib_deflater *d = pst_zlib_deflater_new(9);
    pst_wbuf out;
    pst_wbuf_init(&out, 0);
    struct iovec v = { plain, n };
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_zlib_deflate(d, &v, 1, &out, &err), 0);
    pst_zlib_deflater_free(d);
    free(plain);
    *len = out.len;
    return out.data;
}

static void test_bomb_stops_at_the_limit(void)
{
    size_t len = 0;
    uint8_t *b = bomb(64u << 20, &len); /* 64 MiB of zeros */
    CHECK(len < 256 * 1024);
    pst_transport_options o = PST_TRANSPORT_OPTIONS_INIT;
    o.codec.max_message = 1u << 20;
    pst_stream *mem = pst_stream_memory_new(b, len, 0);
    pst_transport *t = pst_transport_unframed_new(
        pst_stream_zlib_new(mem, NULL, 0, PST_ZLIB_LEVEL_DEFAULT), &o);
    const uint8_t *m = NULL;
    size_t ml = 0;
    pst_error err = { 0, "" };
    int rc = pst_transport_read_message(t, &pst_protocol_binary, &m, &ml, &err);
    CHECK_EQ_INT(rc, PST_E_LIMIT);
    CHECK(strstr(err.message, "1048576") != NULL);
    if (!strstr(err.message, "1048576"))
        fprintf(stderr, "  got: %s\n", err.message);
    /* what was inflated stayed within the limit */
    CHECK(pst_transport_buffered(t) <= o.codec.max_message);
    pst_transport_free(t);

    /* the one-shot form: PST_E_LIMIT, the buffer never past max + 1 */
    pst_wbuf whole;
    pst_wbuf_init(&whole, 0);
    pst_error e2 = { 0, "" };
    /* a complete stream: compress 8 MiB of zeros */
    uint8_t *zeros = calloc(1, 8u << 20);
    pst_wbuf zc;
    pst_wbuf_init(&zc, 0);
    CHECK_EQ_INT(pst_zlib_compress(zeros, 8u << 20, &zc, &e2), 0);
    free(zeros);
    CHECK_EQ_INT(pst_zlib_uncompress(zc.data, zc.len, 65536, &whole, &e2),
                 PST_E_LIMIT);
    CHECK(strstr(e2.message, "65536") != NULL);
    CHECK(whole.cap <= 65537);
    pst_wbuf_free(&whole);
    /* and within the limit, the bytes come back */
    pst_wbuf_init(&whole, 0);
    pst_error e3 = { 0, "" };
    CHECK_EQ_INT(pst_zlib_uncompress(zc.data, zc.len, 8u << 20, &whole, &e3), 0);
    CHECK_EQ_INT(whole.len, 8u << 20);
    pst_wbuf_free(&whole);
    pst_wbuf_free(&zc);
    free(b);
}

/* The front door: 78 9c opens a zlib stream; 78 alone waits; 78 with a
 * bad check byte is nothing. Pins do not hide it (they apply inside). */
static void test_sniff(void)
{
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    pst_sniff sn;
    pst__sniff(&o, (const uint8_t *)"\x78", 1, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_NEED_MORE);
    pst__sniff(&o, (const uint8_t *)"\x78\x9c", 2, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_ZLIB);
    pst__sniff(&o, (const uint8_t *)"\x78\xda", 2, &sn); /* level 9 */
    CHECK_EQ_INT(sn.kind, PST_SNIFF_ZLIB);
    pst__sniff(&o, (const uint8_t *)"\x78\x01", 2, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_ZLIB);
    pst__sniff(&o, (const uint8_t *)"\x78\x9d", 2, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_UNKNOWN);
    o.protocol = &pst_protocol_compact;
    pst__sniff(&o, (const uint8_t *)"\x78\x9c", 2, &sn);
    CHECK_EQ_INT(sn.kind, PST_SNIFF_ZLIB);
}

/* ---- servers ---------------------------------------------------------------- */

static const pst_processor proc = { &t_Calc_desc, &t_calc_handler, NULL };

typedef struct logbuf {
    pthread_mutex_t mu;
    char text[4096];
} logbuf;

static void capture(void *ctx, pst_log_level level, const char *msg)
{
    (void)level;
    logbuf *l = ctx;
    pthread_mutex_lock(&l->mu);
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s\n", msg);
    pthread_mutex_unlock(&l->mu);
}

typedef struct running {
    pst_server *s;
    pthread_t thread;
    logbuf log;
} running;

static void *run_main(void *p)
{
    pst_server_run(((running *)p)->s);
    return NULL;
}

/* A stream that writes one byte at a time, with a pause between, so that
 * the server reads a zlib stream (its header too) a byte at a time. */
typedef struct trickle {
    pst_stream base;
    pst_stream *inner;
} trickle;

static int trickle_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                        int timeout_ms, int wake_fd)
{
    pst_stream *in = ((trickle *)s)->inner;
    return in->ops->read(in, buf, cap, got, timeout_ms, wake_fd);
}

static int trickle_write(pst_stream *s, const struct iovec *iov, int iovcnt,
                         int timeout_ms)
{
    pst_stream *in = ((trickle *)s)->inner;
    for (int i = 0; i < iovcnt; i++)
        for (size_t k = 0; k < iov[i].iov_len; k++) {
            struct iovec one = { (uint8_t *)iov[i].iov_base + k, 1 };
            int rc = in->ops->write(in, &one, 1, timeout_ms);
            if (rc < 0)
                return rc;
            nanosleep(&(struct timespec){ 0, 200000 }, NULL);
        }
    return 0;
}

static int trickle_shutdown(pst_stream *s)
{
    pst_stream *in = ((trickle *)s)->inner;
    return in->ops->shutdown_write(in);
}

static int trickle_fd(const pst_stream *s)
{
    const pst_stream *in = ((const trickle *)s)->inner;
    return in->ops->fd(in);
}

static const char *trickle_peer(const pst_stream *s)
{
    const pst_stream *in = ((const trickle *)s)->inner;
    return in->ops->peer(in);
}

static void trickle_free(pst_stream *s)
{
    pst_stream *in = ((trickle *)s)->inner;
    in->ops->free(in);
    free(s);
}

static const pst_stream_ops trickle_ops = {
    "trickle", trickle_read, trickle_write, trickle_shutdown, trickle_fd,
    trickle_peer, trickle_free, NULL,
};

enum { PLAIN, TRICKLE, TLS };

static pst_client *zlib_client_via(int port, bool framed, int how,
                                   const pst_protocol *proto)
{
    pst_error err = { 0, "" };
    pst_stream *st;
    if (how == TLS) {
        pst_tls_client_options to = PST_TLS_CLIENT_OPTIONS_INIT;
        to.no_verify = true;
        st = pst_stream_tls_connect("127.0.0.1", port, 5000, &to, &err);
    } else {
        st = pst_stream_tcp_connect("127.0.0.1", port, 5000, &err);
    }
    CHECK(st != NULL);
    if (!st)
        fprintf(stderr, "  connect: %s\n", err.message);
    if (st && how == TRICKLE) {
        trickle *tr = calloc(1, sizeof *tr);
        tr->base.ops = &trickle_ops;
        tr->inner = st;
        st = &tr->base;
    }
    pst_stream *z = pst_stream_zlib_new(st, NULL, 0, PST_ZLIB_LEVEL_DEFAULT);
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = to.read_timeout_ms = to.write_timeout_ms = 5000;
    pst_transport *t = framed ? pst_transport_framed_new(z, &to)
                              : pst_transport_unframed_new(z, &to);
    pst_client_options co = PST_CLIENT_OPTIONS_INIT;
    co.protocol = proto;
    co.framed = framed;
    return pst_client_new(t, &co);
}

static pst_client *zlib_client(int port, bool framed)
{
    return zlib_client_via(port, framed, PLAIN, NULL);
}

static const char *keys_path(const char *name)
{
    static char paths[2][600];
    static int next;
    char *p = paths[next++ % 2];
    snprintf(p, sizeof paths[0], "%s", __FILE__);
    char *slash = strrchr(p, '/');
    if (slash)
        snprintf(slash, sizeof paths[0] - (size_t)(slash - p), "/../keys/%s",
                 name);
    return p;
}

static void server_start(running *r, pst_server_model model, int workers,
                         uint64_t max_message, bool tls)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->log.mu, NULL);
    pst_server_options o = PST_SERVER_OPTIONS_INIT;
    o.model = model;
    o.workers = workers;
    o.io_threads = 1;
    o.log = capture;
    o.log_ctx = &r->log;
    o.log_level = PST_LOG_INFO;
    if (max_message)
        o.codec.max_message = max_message;
    if (tls) {
        o.tls = PST_TLS_BOTH;
        o.tls_cert_file = keys_path("server.crt");
        o.tls_key_file = keys_path("server.key");
    }
    pst_error err = { 0, "" };
    r->s = pst_server_new(&proc, &o, &err);
    CHECK(r->s != NULL);
    if (!r->s) {
        fprintf(stderr, "  server: %s\n", err.message);
        return;
    }
    pthread_create(&r->thread, NULL, run_main, r);
}

static void server_stop(running *r)
{
    pst_server_stop(r->s);
    pthread_join(r->thread, NULL);
    pst_server_free(r->s);
    pthread_mutex_destroy(&r->log.mu);
}

/* add and two echoes larger than one inflate buffer on c: all answered. */
static void calls_work(pst_client *c)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    t_Calc_add_result ar;
    t_Calc_echo_result er;
    CHECK_EQ_INT(t_Calc_add(c, &a, 20, 22, &ar), 0);
    CHECK_EQ_INT(ar.success, 42);
    static char big[100000];
    memset(big, 'z', sizeof big);
    for (int k = 0; k < 2; k++) {
        memset(&er, 0, sizeof er);
        CHECK_EQ_INT(t_Calc_echo(c, &a, (pst_str){ big, sizeof big }, &er), 0);
        CHECK_EQ_INT(er.success.len, sizeof big);
    }
    pst_arena_release(&a);
}

/* Every model inflates a zlib connection and serves what it carries,
 * binary or compact, framed or not; the nonblocking one with and without
 * workers. */
static void test_servers(void)
{
    static const struct { pst_server_model model; int workers; } models[] = {
        { PST_SERVER_SIMPLE, 0 }, { PST_SERVER_THREADED, 0 },
        { PST_SERVER_POOL, 0 }, { PST_SERVER_NONBLOCKING, 0 },
        { PST_SERVER_NONBLOCKING, 2 },
    };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        running r;
        server_start(&r, models[i].model, models[i].workers, 0, false);
        if (!r.s)
            continue;
        int port = pst_server_port(r.s);
        for (int framed = 0; framed <= 1; framed++) {
            pst_client *c = zlib_client(port, framed);
            calls_work(c);
            pst_client_free(c);
            c = zlib_client_via(port, framed, PLAIN, &pst_protocol_compact);
            calls_work(c);
            pst_client_free(c);
        }
        server_stop(&r);
    }
}

/* The nonblocking model takes a zlib stream a byte at a time (its header,
 * then each message), with and without workers. */
static void test_nonblocking_byte_at_a_time(void)
{
    for (int workers = 0; workers <= 2; workers += 2) {
        running r;
        server_start(&r, PST_SERVER_NONBLOCKING, workers, 0, false);
        if (!r.s)
            continue;
        int port = pst_server_port(r.s);
        for (int framed = 0; framed <= 1; framed++) {
            pst_client *c = zlib_client_via(port, framed, TRICKLE, NULL);
            pst_arena a;
            pst_arena_init(&a, NULL, 0, 0);
            for (int k = 0; k < 3; k++) {
                t_Calc_add_result ar;
                CHECK_EQ_INT(t_Calc_add(c, &a, k, 40, &ar), 0);
                CHECK_EQ_INT(ar.success, 40 + k);
            }
            pst_arena_release(&a);
            pst_client_free(c);
        }
        server_stop(&r);
    }
}

/* TLS, then zlib inside it, on a nonblocking server with TLS and plain
 * traffic on one port (and the blocking models, for comparison). */
static void test_zlib_inside_tls(void)
{
    static const struct { pst_server_model model; int workers; } models[] = {
        { PST_SERVER_NONBLOCKING, 0 }, { PST_SERVER_NONBLOCKING, 2 },
        { PST_SERVER_THREADED, 0 },
    };
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        running r;
        server_start(&r, models[i].model, models[i].workers, 0, true);
        if (!r.s)
            continue;
        int port = pst_server_port(r.s);
        for (int framed = 0; framed <= 1; framed++) {
            pst_client *c = zlib_client_via(port, framed, TLS, NULL);
            calls_work(c);
            pst_client_free(c);
        }
        pst_client *c = zlib_client(port, true); /* plain zlib, same port */
        calls_work(c);
        pst_client_free(c);
        server_stop(&r);
    }
}

/* A zlib bomb on a nonblocking server: the connection is closed at the
 * bound of its input, named in the log; a connection beside it carries on. */
static void test_nonblocking_bomb(void)
{
    size_t len = 0;
    uint8_t *b = bomb(64u << 20, &len);
    for (int workers = 0; workers <= 2; workers += 2) {
        running r;
        server_start(&r, PST_SERVER_NONBLOCKING, workers, 1u << 20, false);
        if (!r.s)
            continue;
        int port = pst_server_port(r.s);
        pst_client *good = zlib_client(port, true);
        pst_arena a;
        pst_arena_init(&a, NULL, 0, 0);
        t_Calc_add_result ar;
        CHECK_EQ_INT(t_Calc_add(good, &a, 1, 2, &ar), 0);

        pst_error err = { 0, "" };
        pst_stream *st = pst_stream_tcp_connect("127.0.0.1", port, 5000, &err);
        CHECK(st != NULL);
        struct iovec v = { b, len };
        /* the server may close before it took everything */
        (void)st->ops->write(st, &v, 1, 5000);
        uint8_t buf[256];
        size_t got = 0;
        int rc;
        do
            rc = st->ops->read(st, buf, sizeof buf, &got, 5000, -1);
        while (rc == 0);
        /* closed (or reset, with bytes unread), not left hanging */
        CHECK(rc != PST_E_TIMEOUT);
        st->ops->free(st);

        CHECK_EQ_INT(t_Calc_add(good, &a, 3, 4, &ar), 0);
        CHECK_EQ_INT(ar.success, 7);
        pst_arena_release(&a);
        pst_client_free(good);
        server_stop(&r);
        /* the server has stopped: its log is ours to read */
        CHECK(strstr(r.log.text, "zlib: the inflated input passes "
                                 "max_message 1048576") != NULL);
        if (!strstr(r.log.text, "max_message 1048576"))
            fprintf(stderr, "  log: %s\n", r.log.text);
    }
    free(b);
}

int main(void)
{
    RUN(test_sync_flush_per_message);
    RUN(test_pre_read_bytes);
    RUN(test_corrupt);
    RUN(test_bomb_stops_at_the_limit);
    RUN(test_sniff);
    RUN(test_servers);
    RUN(test_nonblocking_byte_at_a_time);
    RUN(test_zlib_inside_tls);
    RUN(test_nonblocking_bomb);
    return test_report();
}
