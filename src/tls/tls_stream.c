/* tls_stream.c: a pst_stream that speaks TLS over another stream, for
 * clients and the blocking server models. The engine (tls_engine.c) does
 * the cryptography in memory; this file moves its wire bytes to and from
 * the inner stream with the caller's timeouts and wake fd. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tls/tls_internal.h"

enum { CHUNK = 16384, CLOSE_NOTIFY_MS = 1000 };

typedef struct tls_stream {
    pst_stream base;
    pst_stream *inner;
    pst__tls *tls;
    /* Wire bytes taken from the engine and not yet written. */
    uint8_t *wire;
    size_t wire_off, wire_len, wire_cap;
    /* write_some: plain bytes already encrypted whose wire bytes have not
     * all left yet; reported as taken once they have. */
    size_t committed;
} tls_stream;

static const pst_stream_ops tls_ops;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ms left until deadline (0 = none: -1). */
static int left_ms(int64_t deadline)
{
    if (!deadline)
        return -1;
    int64_t left = deadline - mono_ms();
    return left > 0 ? (int)left : 0;
}

/* Move the engine's wire bytes into ts->wire. */
static int take_wire(tls_stream *ts)
{
    size_t n = pst__tls_wire_pending(ts->tls);
    if (!n)
        return 0;
    if (ts->wire_off == ts->wire_len)
        ts->wire_off = ts->wire_len = 0;
    if (ts->wire_len + n > ts->wire_cap) {
        size_t cap = ts->wire_cap ? ts->wire_cap : CHUNK;
        while (cap < ts->wire_len + n)
            cap *= 2;
        uint8_t *p = realloc(ts->wire, cap);
        if (!p)
            return PST_E_NOMEM;
        ts->wire = p;
        ts->wire_cap = cap;
    }
    ts->wire_len += pst__tls_take_wire(ts->tls, ts->wire + ts->wire_len, n);
    return 0;
}

/* Write every pending wire byte by deadline (0 = none). */
static int flush_wire(tls_stream *ts, int64_t deadline)
{
    int rc = take_wire(ts);
    if (rc < 0)
        return rc;
    if (ts->wire_off == ts->wire_len)
        return 0;
    struct iovec v = { ts->wire + ts->wire_off, ts->wire_len - ts->wire_off };
    rc = pst_stream_write(ts->inner, &v, 1, left_ms(deadline));
    ts->wire_off = ts->wire_len = 0;
    return rc;
}

/* Read wire bytes from the inner stream into the engine. */
static int pull_wire(tls_stream *ts, int timeout_ms, int wake_fd)
{
    uint8_t buf[CHUNK];
    size_t got = 0;
    int rc = pst_stream_read(ts->inner, buf, sizeof buf, &got, timeout_ms, wake_fd);
    if (rc < 0)
        return rc;
    return pst__tls_put_wire(ts->tls, buf, got);
}

static int tls_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                    int timeout_ms, int wake_fd)
{
    tls_stream *ts = (tls_stream *)s;
    int64_t deadline = timeout_ms > 0 ? mono_ms() + timeout_ms : 0;
    *got = 0;
    for (;;) {
        pst_error err = { 0, "" };
        int rc = pst__tls_read(ts->tls, buf, cap, got, &err);
        /* Handshake messages, tickets, alerts: out before anything else. */
        int frc = flush_wire(ts, deadline ? deadline : mono_ms() + CLOSE_NOTIFY_MS);
        if (rc == 0)
            return 0;
        if (rc != PST_E_SHORT)
            return rc;
        if (frc < 0)
            return frc;
        int wait = timeout_ms < 0 ? -1 : timeout_ms == 0 ? 0 : left_ms(deadline);
        rc = pull_wire(ts, wait, wake_fd);
        if (rc < 0)
            return rc;
    }
}

/* Encrypt iov into the engine, in records of up to CHUNK bytes, gathering
 * small pieces (a frame's length and its body) into one record. */
static int encrypt_iov(tls_stream *ts, const struct iovec *iov, int iovcnt,
                       size_t max, size_t *taken)
{
    uint8_t chunk[CHUNK];
    size_t fill = 0;
    *taken = 0;
    for (int i = 0; i < iovcnt && *taken < max; i++) {
        const uint8_t *p = iov[i].iov_base;
        size_t n = iov[i].iov_len;
        while (n > 0 && *taken < max) {
            size_t k = sizeof chunk - fill;
            if (k > n)
                k = n;
            if (k > max - *taken)
                k = max - *taken;
            memcpy(chunk + fill, p, k);
            fill += k;
            p += k;
            n -= k;
            *taken += k;
            if (fill == sizeof chunk) {
                pst_error err = { 0, "" };
                int rc = pst__tls_write(ts->tls, chunk, fill, &err);
                if (rc < 0)
                    return rc;
                fill = 0;
            }
        }
    }
    if (fill) {
        pst_error err = { 0, "" };
        int rc = pst__tls_write(ts->tls, chunk, fill, &err);
        if (rc < 0)
            return rc;
    }
    return take_wire(ts);
}

static int tls_write(pst_stream *s, const struct iovec *iov, int iovcnt,
                     int timeout_ms)
{
    tls_stream *ts = (tls_stream *)s;
    int64_t deadline = timeout_ms >= 0 ? mono_ms() + timeout_ms + (timeout_ms == 0)
                                       : 0;
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++)
        total += iov[i].iov_len;
    size_t taken;
    int rc = encrypt_iov(ts, iov, iovcnt, total, &taken);
    if (rc < 0)
        return rc;
    return flush_wire(ts, deadline);
}

/* Write what the inner stream takes now. Plain bytes are encrypted at
 * once, but reported taken only when their wire bytes have all left, so a
 * caller that waits for room and calls again with the same bytes gets
 * neither a loss nor a duplicate. */
static int tls_write_some(pst_stream *s, const struct iovec *iov, int iovcnt,
                          size_t *done)
{
    tls_stream *ts = (tls_stream *)s;
    *done = 0;
    if (ts->wire_off == ts->wire_len && ts->committed == 0) {
        int rc = encrypt_iov(ts, iov, iovcnt, 4 * CHUNK, &ts->committed);
        if (rc < 0)
            return rc;
    }
    while (ts->wire_off < ts->wire_len) {
        struct iovec v = { ts->wire + ts->wire_off, ts->wire_len - ts->wire_off };
        size_t n = 0;
        int rc = pst_stream_write_some(ts->inner, &v, 1, &n);
        if (rc < 0)
            return rc;
        if (n == 0)
            return 0;
        ts->wire_off += n;
    }
    ts->wire_off = ts->wire_len = 0;
    *done = ts->committed;
    ts->committed = 0;
    return 0;
}

static int tls_shutdown_write(pst_stream *s)
{
    tls_stream *ts = (tls_stream *)s;
    pst__tls_close_notify(ts->tls);
    flush_wire(ts, mono_ms() + CLOSE_NOTIFY_MS);
    return pst_stream_shutdown_write(ts->inner);
}

static int tls_fd(const pst_stream *s)
{
    return pst_stream_fd(((const tls_stream *)s)->inner);
}

static const char *tls_peer(const pst_stream *s)
{
    return pst_stream_peer(((const tls_stream *)s)->inner);
}

static void tls_free(pst_stream *s)
{
    tls_stream *ts = (tls_stream *)s;
    pst__tls_free(ts->tls);
    pst_stream_free(ts->inner);
    free(ts->wire);
    free(ts);
}

static const pst_stream_ops tls_ops = {
    "tls",  tls_read, tls_write, tls_shutdown_write,
    tls_fd, tls_peer, tls_free,  tls_write_some,
};

static tls_stream *stream_new(pst__tls *tls, pst_stream *inner)
{
    tls_stream *ts = calloc(1, sizeof *ts);
    if (!ts || !tls) {
        free(ts);
        pst__tls_free(tls);
        pst_stream_free(inner);
        return NULL;
    }
    ts->base.ops = &tls_ops;
    ts->inner = inner;
    ts->tls = tls;
    return ts;
}

int pst__tls_stream_handshake(pst_stream *s, int timeout_ms, int wake_fd,
                              pst_error *err)
{
    tls_stream *ts = (tls_stream *)s;
    int64_t deadline = timeout_ms > 0 ? mono_ms() + timeout_ms : 0;
    for (;;) {
        int rc = pst__tls_handshake(ts->tls, err);
        /* the next flight, or the alert that says why we give up */
        int frc = flush_wire(ts, deadline ? deadline : mono_ms() + CLOSE_NOTIFY_MS);
        if (rc == 0 && frc == 0)
            return 0;
        if (rc < 0 && rc != PST_E_SHORT)
            return rc;
        if (frc < 0)
            return pst_error_set(err, frc, "TLS handshake: sending to %s: %s",
                                 pst_stream_peer(ts->inner), pst_strerror(frc));
        int wait = left_ms(deadline);
        if (deadline && wait == 0)
            rc = PST_E_TIMEOUT;
        else
            rc = pull_wire(ts, wait, wake_fd);
        if (rc == PST_E_TIMEOUT)
            return pst_error_set(err, rc, "TLS handshake not complete within "
                                          "%d ms", timeout_ms);
        if (rc == PST_E_CLOSED)
            return pst_error_set(err, rc, "peer closed during the TLS handshake");
        if (rc < 0)
            return pst_error_set(err, rc, "TLS handshake: %s", pst_strerror(rc));
    }
}

pst_stream *pst__tls_stream_server_new(pst__tls_ctx *ctx, pst_stream *inner,
                                       const void *first, size_t n)
{
    tls_stream *ts = stream_new(pst__tls_new(ctx, true, NULL, false), inner);
    if (!ts)
        return NULL;
    if (pst__tls_put_wire(ts->tls, first, n) < 0) {
        tls_free(&ts->base);
        return NULL;
    }
    return &ts->base;
}

pst_stream *pst_stream_tls_client_new(pst_stream *inner, const char *host,
                                      const pst_tls_client_options *o,
                                      pst_error *err)
{
    static const pst_tls_client_options defaults = PST_TLS_CLIENT_OPTIONS_INIT;
    if (!o)
        o = &defaults;
    pst__tls_ctx *ctx = pst__tls_client_ctx_new(o, err);
    if (!ctx) {
        pst_stream_free(inner);
        return NULL;
    }
    const char *name = o->server_name ? o->server_name : host;
    tls_stream *ts = stream_new(pst__tls_new(ctx, false, name, !o->no_verify), inner);
    pst__tls_ctx_free(ctx); /* each connection holds its own reference */
    if (!ts) {
        pst_error_set(err, PST_E_NOMEM, "out of memory for a TLS stream");
        return NULL;
    }
    int timeout = o->handshake_timeout_ms > 0 ? o->handshake_timeout_ms
                                              : PST_TLS_HANDSHAKE_TIMEOUT_MS;
    pst_error herr = { 0, "" };
    int rc = pst__tls_stream_handshake(&ts->base, timeout, -1, &herr);
    if (rc < 0) {
        pst_error_set(err, rc, "TLS handshake with %s: %s", name ? name : "server",
                      herr.message);
        tls_free(&ts->base);
        return NULL;
    }
    return &ts->base;
}

pst_stream *pst_stream_tls_connect(const char *host, int port, int timeout_ms,
                                   const pst_tls_client_options *o,
                                   pst_error *err)
{
    pst_stream *inner = pst_stream_tcp_connect(host, port, timeout_ms, err);
    return inner ? pst_stream_tls_client_new(inner, host, o, err) : NULL;
}

pst_client *pst_client_connect_tls(const char *host, int port,
                                   const pst_client_options *co,
                                   const pst_tls_client_options *o,
                                   pst_error *err)
{
    static const pst_client_options cdefaults = PST_CLIENT_OPTIONS_INIT;
    if (!co)
        co = &cdefaults;
    pst_stream *st = pst_stream_tls_connect(host, port, co->connect_timeout_ms, o, err);
    if (!st)
        return NULL;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = co->recv_timeout_ms;
    to.read_timeout_ms = co->recv_timeout_ms;
    to.write_timeout_ms = co->send_timeout_ms;
    to.codec = co->codec;
    pst_transport *t = co->framed ? pst_transport_framed_new(st, &to)
                                  : pst_transport_unframed_new(st, &to);
    pst_client *c = t ? pst_client_new(t, co) : NULL;
    if (!c)
        pst_error_set(err, PST_E_NOMEM, "out of memory for a client");
    return c;
}

bool pst_stream_is_tls(const pst_stream *s)
{
    return s && s->ops == &tls_ops;
}

const char *pst_stream_tls_peer_identity(const pst_stream *s)
{
    return pst_stream_is_tls(s) ? pst__tls_peer_identity(((const tls_stream *)s)->tls)
                                : NULL;
}
