/*
 * test_nonblocking_util.h: what the nonblocking server tests share.
 *
 * - the handlers of the Echo service of echo_nonblocking.thrift (generated):
 *       service Echo { EchoRes echo(1: EchoReq req); oneway void note(1: string msg) }
 *       struct EchoReq { 1: string msg }  struct EchoRes { 1: string msg }
 * - a raw-socket client that writes calls byte by byte exactly as Apache
 *   Thrift's binary and compact protocols do (framed or not), and parses
 *   replies, so the tests control every byte on the wire;
 * - starting a server on port 0 on a thread, stopping and joining it.
 *
 * Every socket gets 20 s send/receive timeouts, so a broken server fails a
 * test instead of hanging it (no test asserts on timing).
 */
#ifndef TEST_NONBLOCKING_UTIL_H
#define TEST_NONBLOCKING_UTIL_H

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "echo_nonblocking.h"
#include "postern/processor.h"
#include "postern/server.h"
#include "test.h"

/* ---- the Echo service ---------------------------------------------------- */

/* Its types, descriptors and handler table (t_Echo_handler, t_Echo_desc)
 * are generated from echo_nonblocking.thrift; the handlers are below.
 *
 * The handlers: echo copies the message back; note counts.
 *
 * Two hooks for tests that need a slow handler or a big reply: a message
 * that starts with "SLEEP" makes echo and note sleep T_SLEEP_MS first (a
 * handler that holds its thread), and an echo whose message starts with
 * "BIG" is answered with T_BIG_REPLY bytes (a reply that trips the server's
 * back-pressure). t_fill writes lowercase letters only, so no other test
 * triggers them. */
#define T_SLEEP_MS 600
#define T_BIG_REPLY (2u << 20)

static atomic_long t_notes;

static inline bool t_str_starts(pst_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static inline int t_echo(pst_call *call, const t_EchoReq *req, t_Echo_echo_result *result)
{
    static char big[T_BIG_REPLY];
    (void)call;
    if (t_str_starts(req->msg, "SLEEP"))
        usleep(T_SLEEP_MS * 1000);
    result->success.msg = req->msg;
    if (t_str_starts(req->msg, "BIG"))
        result->success.msg = (pst_str){ big, sizeof big };
    pst_set_isset(&t_Echo_echo_result_desc, result, 0, true);
    return 0;
}

static inline int t_note(pst_call *call, pst_str msg)
{
    (void)call;
    if (t_str_starts(msg, "SLEEP"))
        usleep(T_SLEEP_MS * 1000);
    atomic_fetch_add(&t_notes, 1);
    return 0;
}

static const t_Echo_handler t_handler = { t_echo, t_note };
static const pst_processor t_proc = { &t_Echo_desc, &t_handler, NULL };

/* ---- wire encoding (client side) ----------------------------------------- */

enum { P_BINARY = 0, P_COMPACT = 1 };

typedef struct tbuf {
    uint8_t *p;
    size_t len, cap;
} tbuf;

static inline void tb_put(tbuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}
static void tb_u8(tbuf *b, uint8_t v) { tb_put(b, &v, 1); }
static void tb_be16(tbuf *b, uint16_t v)
{
    uint8_t q[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    tb_put(b, q, 2);
}
static void tb_be32(tbuf *b, uint32_t v)
{
    uint8_t q[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                     (uint8_t)v };
    tb_put(b, q, 4);
}
static inline void tb_varint(tbuf *b, uint64_t v)
{
    while (v >= 0x80) {
        tb_u8(b, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    tb_u8(b, (uint8_t)v);
}
static inline void tb_free(tbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* A test message of n bytes that depends on seqid, so a reply for another
 * call (or stale bytes) is caught. */
static inline void t_fill(char *dst, size_t n, int32_t seqid)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)('a' + (unsigned)(seqid * 7 + (int32_t)i) % 26);
}

/* Append one call of `method` ("echo": args {1: EchoReq{1: msg}}; "note":
 * args {1: msg}) to b. */
static inline void t_encode_call(tbuf *b, int proto, bool framed, const char *method,
                          int32_t seqid, const char *msg, size_t n)
{
    bool oneway = strcmp(method, "note") == 0;
    size_t start = b->len;
    if (framed)
        tb_be32(b, 0);
    size_t nlen = strlen(method);
    if (proto == P_BINARY) {
        tb_be32(b, 0x80010000u | (oneway ? 4u : 1u));
        tb_be32(b, (uint32_t)nlen);
        tb_put(b, method, nlen);
        tb_be32(b, (uint32_t)seqid);
        if (!oneway) {
            tb_u8(b, 12);             /* field 1: struct */
            tb_be16(b, 1);
        }
        tb_u8(b, 11);                 /* field 1: string */
        tb_be16(b, 1);
        tb_be32(b, (uint32_t)n);
        tb_put(b, msg, n);
        if (!oneway)
            tb_u8(b, 0);              /* end EchoReq */
        tb_u8(b, 0);                  /* end args */
    } else {
        tb_u8(b, 0x82);
        tb_u8(b, (uint8_t)(((oneway ? 4 : 1) << 5) | 1));
        tb_varint(b, (uint32_t)seqid);
        tb_varint(b, nlen);
        tb_put(b, method, nlen);
        if (!oneway)
            tb_u8(b, 0x1c);           /* field +1: struct */
        tb_u8(b, 0x18);               /* field +1: binary */
        tb_varint(b, n);
        tb_put(b, msg, n);
        if (!oneway)
            tb_u8(b, 0);
        tb_u8(b, 0);
    }
    if (framed) {
        uint32_t flen = (uint32_t)(b->len - start - 4);
        uint8_t *q = b->p + start;
        q[0] = (uint8_t)(flen >> 24);
        q[1] = (uint8_t)(flen >> 16);
        q[2] = (uint8_t)(flen >> 8);
        q[3] = (uint8_t)flen;
    }
}

/* ---- reply parsing -------------------------------------------------------- */

typedef struct trd {
    const uint8_t *p, *end;
    bool short_;
} trd;

static const uint8_t *trd_take(trd *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n) {
        r->short_ = true;
        r->p = r->end;
        return NULL;
    }
    const uint8_t *q = r->p;
    r->p += n;
    return q;
}
static uint32_t trd_be32(trd *r)
{
    const uint8_t *q = trd_take(r, 4);
    return q ? ((uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
                (uint32_t)q[2] << 8 | q[3]) : 0;
}
static inline uint64_t trd_varint(trd *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const uint8_t *q = trd_take(r, 1);
        if (!q)
            return 0;
        v |= (uint64_t)(*q & 0x7f) << shift;
        if (!(*q & 0x80))
            break;
    }
    return v;
}

/* Reply to an echo call: { 0: EchoRes { 1: msg } } in binary or compact.
 * Returns 1 with seqid and the message's position set, 0 when more bytes are
 * needed, -1 for anything else (exceptions, unknown layouts). *used gets the
 * reply's length (framing included). */
static inline int t_parse_reply(int proto, bool framed, const uint8_t *p, size_t n,
                         int32_t *seqid, const uint8_t **msg, size_t *mlen,
                         size_t *used)
{
    trd r = { p, p + n, false };
    size_t flen = 0;
    if (framed) {
        flen = trd_be32(&r);
        if (r.short_ || n - 4 < flen)
            return 0;
        r.end = r.p + flen;
    }
    *msg = NULL;
    *mlen = 0;
    if (proto == P_BINARY) {
        uint32_t v = trd_be32(&r);
        uint32_t nl = trd_be32(&r);
        trd_take(&r, nl);
        *seqid = (int32_t)trd_be32(&r);
        if (r.short_)
            return framed ? -1 : 0;
        if (v != 0x80010002u)
            return -1;
        for (;;) {                         /* result struct */
            const uint8_t *t = trd_take(&r, 1);
            if (!t)
                return framed ? -1 : 0;
            if (*t == 0)
                break;
            const uint8_t *id = trd_take(&r, 2);
            if (!id)
                return framed ? -1 : 0;
            if (*t != 12 || id[0] || id[1])
                return -1;
            for (;;) {                     /* EchoRes */
                const uint8_t *t2 = trd_take(&r, 1);
                if (!t2)
                    return framed ? -1 : 0;
                if (*t2 == 0)
                    break;
                trd_take(&r, 2);
                if (*t2 != 11)
                    return -1;
                uint32_t l = trd_be32(&r);
                const uint8_t *s = trd_take(&r, l);
                if (!s)
                    return framed ? -1 : 0;
                *msg = s;
                *mlen = l;
            }
        }
    } else {
        const uint8_t *h = trd_take(&r, 2);
        *seqid = (int32_t)trd_varint(&r);
        uint64_t nl = trd_varint(&r);
        trd_take(&r, nl);
        if (r.short_)
            return framed ? -1 : 0;
        if (h[0] != 0x82 || h[1] != ((2 << 5) | 1))
            return -1;
        for (;;) {
            const uint8_t *t = trd_take(&r, 1);
            if (!t)
                return framed ? -1 : 0;
            if (*t == 0)
                break;
            if (*t == 0x0c) {              /* long form: type, then id 0 */
                const uint8_t *id = trd_take(&r, 1);
                if (!id)
                    return framed ? -1 : 0;
                if (*id != 0)
                    return -1;
            } else {
                return -1;
            }
            for (;;) {
                const uint8_t *t2 = trd_take(&r, 1);
                if (!t2)
                    return framed ? -1 : 0;
                if (*t2 == 0)
                    break;
                if (*t2 != 0x18)
                    return -1;
                uint64_t l = trd_varint(&r);
                const uint8_t *s = trd_take(&r, l);
                if (!s)
                    return framed ? -1 : 0;
                *msg = s;
                *mlen = (size_t)l;
            }
        }
    }
    if (framed && r.p != r.end)
        return -1;
    *used = framed ? 4 + flen : (size_t)(r.p - p);
    return 1;
}

/* ---- a raw client connection ------------------------------------------ */

typedef struct tconn {
    int fd;
    int proto;
    bool framed;
    uint8_t *buf;
    size_t len, cap;
} tconn;

static inline int t_connect_fd(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = { 20, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static inline int t_open(tconn *c, int port, int proto, bool framed)
{
    memset(c, 0, sizeof *c);
    c->proto = proto;
    c->framed = framed;
    c->fd = t_connect_fd(port);
    return c->fd < 0 ? -1 : 0;
}

static inline void t_close(tconn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

static inline int t_send_all(int fd, const void *p, size_t n)
{
    const uint8_t *q = p;
    while (n) {
        ssize_t w = send(fd, q, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        q += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read one echo reply. 1: got it (seqid, msg copied to out (may be NULL),
 * *mlen), 0: the connection closed cleanly before any byte of a reply,
 * -1: error, timeout, or closed in the middle of a reply. */
static inline int t_read_reply(tconn *c, int32_t *seqid, char *out, size_t out_cap,
                        size_t *mlen)
{
    for (;;) {
        const uint8_t *m;
        size_t used, ml;
        int rc = c->len ? t_parse_reply(c->proto, c->framed, c->buf, c->len,
                                        seqid, &m, &ml, &used)
                        : 0;
        if (rc < 0)
            return -1;
        if (rc > 0) {
            if (out && ml <= out_cap)
                memcpy(out, m, ml);
            *mlen = ml;
            memmove(c->buf, c->buf + used, c->len - used);
            c->len -= used;
            return 1;
        }
        if (c->cap - c->len < 65536) {
            size_t cap = c->cap ? c->cap * 2 : 131072;
            c->buf = realloc(c->buf, cap);
            if (!c->buf)
                abort();
            c->cap = cap;
        }
        ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            return c->len == 0 ? 0 : -1;
        if (n < 0)
            return (errno == ECONNRESET && c->len == 0) ? 0 : -1;
        c->len += (size_t)n;
    }
}

/* One echo call of n bytes; 0 when the right reply came back. */
static inline int t_call(tconn *c, int32_t seqid, size_t n)
{
    char *msg = malloc(n ? n : 1), *got = malloc(n ? n : 1);
    tbuf b = { 0 };
    t_fill(msg, n, seqid);
    t_encode_call(&b, c->proto, c->framed, "echo", seqid, msg, n);
    int rc = t_send_all(c->fd, b.p, b.len);
    int32_t rs = 0;
    size_t ml = 0;
    if (rc == 0)
        rc = t_read_reply(c, &rs, got, n, &ml) == 1 ? 0 : -1;
    if (rc == 0 && (rs != seqid || ml != n || memcmp(msg, got, n) != 0))
        rc = -2;
    tb_free(&b);
    free(msg);
    free(got);
    return rc;
}

/* 1 when the peer has closed the connection (EOF or reset), waiting for it. */
static inline int t_wait_closed(int fd)
{
    char tmp[4096];
    for (;;) {
        ssize_t n = recv(fd, tmp, sizeof tmp, 0);
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno == ECONNRESET)
            return 1;
        return 0;              /* timeout (20 s) or other error */
    }
}

/* ---- the server under test --------------------------------------------- */

typedef struct tlog {
    pthread_mutex_t mu;
    char text[16384];
    size_t len;
} tlog;

static inline void t_log_fn(void *ctx, pst_log_level level, const char *msg)
{
    (void)level;
    tlog *l = ctx;
    pthread_mutex_lock(&l->mu);
    size_t n = strlen(msg);
    if (l->len + n + 2 < sizeof l->text) {
        memcpy(l->text + l->len, msg, n);
        l->len += n;
        l->text[l->len++] = '\n';
        l->text[l->len] = '\0';
    }
    pthread_mutex_unlock(&l->mu);
}

/* Whether the server logged `needle`; readable during the run and after
 * t_server_stop (false, with a message, if the log's lock is unusable). */
static inline bool t_log_has(tlog *l, const char *needle)
{
    int e = pthread_mutex_lock(&l->mu);
    if (e != 0) {
        fprintf(stderr, "t_log_has: cannot lock the log: %s\n", strerror(e));
        return false;
    }
    bool found = strstr(l->text, needle) != NULL;
    pthread_mutex_unlock(&l->mu);
    return found;
}

typedef struct tserver {
    pst_server *s;
    pthread_t th;
    int rc;
    int port;
    tlog log;
} tserver;

static void *t_server_main(void *arg)
{
    tserver *t = arg;
    t->rc = pst_server_run(t->s);
    return NULL;
}

/* Start a NONBLOCKING server on 127.0.0.1, any port; opt may preset limits. */
static inline int t_server_start(tserver *t, pst_server_options *opt)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->log.mu, NULL);
    opt->model = PST_SERVER_NONBLOCKING;
    opt->port = 0;
    opt->log = t_log_fn;
    opt->log_ctx = &t->log;
    opt->log_level = PST_LOG_INFO;
    pst_error err;
    pst_error_clear(&err);
    t->s = pst_server_new(&t_proc, opt, &err);
    if (!t->s) {
        fprintf(stderr, "pst_server_new: %s\n", err.message);
        return -1;
    }
    t->port = pst_server_port(t->s);
    if (pthread_create(&t->th, NULL, t_server_main, t) != 0) {
        pst_server_free(t->s);
        return -1;
    }
    return 0;
}

/* Stop gracefully, join, return what run returned; stats copied out. The
 * log stays readable (t_log_has) after this: its lock is a default mutex,
 * which holds nothing that needs freeing, so it is never destroyed; the next
 * t_server_start initialises it again. */
static inline int t_server_stop(tserver *t, pst_server_stats *st)
{
    pst_server_stop(t->s);
    pthread_join(t->th, NULL);
    if (st)
        pst_server_stats_get(t->s, st);
    pst_server_free(t->s);
    return t->rc;
}

static inline pst_server_stats t_stats(tserver *t)
{
    pst_server_stats st;
    pst_server_stats_get(t->s, &st);
    return st;
}

/* Wait (bounded, ~20 s) until cond(stats) holds; for counters the server
 * updates after the client already saw the effect (closes, accepts). */
#define T_WAIT_STATS(t, cond)                                                \
    do {                                                                     \
        for (int w_ = 0; w_ < 20000; w_++) {                                 \
            pst_server_stats st = t_stats(t);                                \
            if (cond)                                                        \
                break;                                                       \
            usleep(1000);                                                    \
        }                                                                    \
    } while (0)

static inline void t_raise_nofile(rlim_t want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
        rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

#endif
