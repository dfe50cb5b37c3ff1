/* conn.c: serving one connection on the calling thread, as the SIMPLE,
 * THREADED and POOL models do: tell its kind from the first bytes, then read
 * a message, process it, write the reply, until the peer leaves, misbehaves
 * or the server stops. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <stdlib.h>

#include "blocking.h"
#include "processor/processor_internal.h"
#include "front.h"
#include "postern/transport.h"
#include "postern/zlib.h"
#include "tls/tls_internal.h"
#include "transport/zlib_internal.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum { ARENA_BLOCK = 8192, SNIFF_BYTES = PST__SNIFF_BYTES, DRAIN_LIMIT = 64 * 1024 };

/* Close without resetting the peer: a close with unread bytes in the socket
 * makes the kernel send RST, which can destroy a reply the peer has not read
 * yet. So say we are done writing, and swallow what already arrived. */
static void close_stream(pst_stream *st)
{
    if (!st)
        return;
    if (pst_stream_is_tls(st))
        pst_stream_shutdown_write(st); /* close_notify, then FIN */
    int fd = pst_stream_fd(st);
    if (fd >= 0) {
        shutdown(fd, SHUT_WR);
        char sink[4096];
        size_t total = 0;
        ssize_t n;
        while (total < DRAIN_LIMIT &&
               (n = recv(fd, sink, sizeof sink, MSG_DONTWAIT)) > 0)
            total += (size_t)n;
    }
}

void pst__conn_drop(pst_server *s, int fd)
{
    shutdown(fd, SHUT_WR);
    close(fd);
    atomic_fetch_sub(&s->stats.active, 1);
}

/* Hex of the first bytes, for a log line about bytes we do not speak. */
static void hex_bytes(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o + 4 < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, i ? " %02x" : "%02x", p[i]);
}

/* Read the first bytes until the front door can tell the kind. Returns 0
 * with *sn decided (bytes in first[0..*n)), or < 0 when the connection is
 * to be closed (already logged and counted). */
static int sniff(pst_server *s, pst_stream *st, uint8_t *first, size_t *n,
                 pst_sniff *sn, bool allow_http)
{
    const char *peer = pst_stream_peer(st);
    int64_t deadline = 0;
    pst__sniff(&s->opt, first, *n, sn);
    while (sn->kind == PST_SNIFF_NEED_MORE) {
        if (atomic_load(&s->stopping))
            return PST_E_STOPPED;
        int timeout;
        if (*n == 0) {
            timeout = s->opt.idle_timeout_ms > 0 ? s->opt.idle_timeout_ms : -1;
        } else if (s->opt.read_timeout_ms > 0) {
            int64_t now = now_ms();
            if (!deadline)
                deadline = now + s->opt.read_timeout_ms;
            timeout = deadline > now ? (int)(deadline - now) : 0;
        } else {
            timeout = -1;
        }
        size_t got = 0;
        int rc = pst_stream_read(st, first + *n, SNIFF_BYTES - *n, &got,
                                 timeout, s->stop_fd);
        if (rc == PST_E_TIMEOUT) {
            atomic_fetch_add(&s->stats.timeouts, 1);
            pst__server_log(s, PST_LOG_INFO,
                            "%s: closing: %s within %d ms", peer,
                            *n ? "no complete first message"
                               : "no request",
                            *n ? s->opt.read_timeout_ms : s->opt.idle_timeout_ms);
            return rc;
        }
        if (rc < 0) {
            if (rc != PST_E_STOPPED && (rc != PST_E_CLOSED || *n))
                pst__server_log(s, PST_LOG_INFO, "%s: closed after %zu bytes: %s",
                                peer, *n, pst_strerror(rc));
            return rc;
        }
        *n += got;
        pst__sniff(&s->opt, first, *n, sn);
        if (sn->kind == PST_SNIFF_NEED_MORE && *n == SNIFF_BYTES)
            sn->kind = PST_SNIFF_UNKNOWN; /* cannot happen: SNIFF_BYTES decide */
    }
    if (sn->kind == PST_SNIFF_HTTP && (!allow_http || (s->opt.http_off & PST_HTTP_OFF_ALL))) {
        pst__server_log(s, PST_LOG_INFO,
                        "%s: closing: HTTP is %s (request line starts '%.*s')",
                        peer, allow_http ? "switched off on this server"
                                         : "not spoken after CONNECT",
                        (int)*n, (const char *)first);
        return PST_E_UNSUPPORTED;
    }
    if (sn->kind == PST_SNIFF_UNKNOWN) {
        char hex[3 * SNIFF_BYTES + 1];
        hex_bytes(first, *n, hex, sizeof hex);
        atomic_fetch_add(&s->stats.protocol_errors, 1);
        pst__server_log(s, PST_LOG_WARN,
                        "%s: closing: first bytes %s are neither Thrift "
                        "(binary, compact, framed%s%s) nor HTTP",
                        peer, hex, s->opt.protocol ? ", pinned to " : "",
                        s->opt.protocol ? s->opt.protocol->name : "");
        return PST_E_PROTOCOL;
    }
    return 0;
}

/* Why read_message failed, in the log and the counters. */
static void note_read_failure(pst_server *s, pst_transport *t, int rc,
                              const pst_error *err, pst__metrics_shard *sh)
{
    const char *peer = pst_stream_peer(pst_transport_stream(t));
    switch (rc) {
    case PST_E_STOPPED:
        return;
    case PST_E_CLOSED:
        if (pst_transport_buffered(t))
            pst__server_log(s, PST_LOG_INFO, "%s: %s", peer, err->message);
        return;
    case PST_E_TIMEOUT:
        atomic_fetch_add(&s->stats.timeouts, 1);
        pst__server_log(s, pst_transport_buffered(t) ? PST_LOG_WARN : PST_LOG_INFO,
                        "%s: closing: %s", peer, err->message);
        return;
    case PST_E_NOMEM:
        pst__server_log(s, PST_LOG_ERROR, "%s: closing: %s", peer, err->message);
        return;
    default:
        if (rc > -1000) { /* -errno: the peer reset or the network failed */
            pst__server_log(s, PST_LOG_INFO, "%s: %s", peer, err->message);
            return;
        }
        atomic_fetch_add(&s->stats.protocol_errors, 1);
        pst__metrics_perr(sh, rc == PST_E_LIMIT ? PST__PERR_FRAME_SIZE
                                                : PST__PERR_BAD_MESSAGE);
        pst__server_log(s, PST_LOG_WARN, "%s: closing: %s", peer, err->message);
    }
}

static void serve_messages(pst_server *s, pst_transport *t,
                           const pst_protocol *proto, pst__metrics_shard *sh,
                           pst__conn_entry *ce, size_t frame_overhead)
{
    const char *peer = pst_stream_peer(pst_transport_stream(t));
    _Alignas(16) uint8_t block[ARENA_BLOCK];
    pst_arena arena;
    pst_arena_init(&arena, block, sizeof block, pst__server_call_memory(s));
    pst_wbuf out;
    pst_wbuf_init(&out, (size_t)s->opt.codec.max_message);
    for (;;) {
        const uint8_t *msg;
        size_t len;
        pst_error err = { 0, "" };
        int rc = pst_transport_read_message(t, proto, &msg, &len, &err);
        if (rc < 0) {
            note_read_failure(s, t, rc, &err, sh);
            break;
        }
        out.len = 0;
        out.err = 0;
        pst__call_report rep;
        uint64_t t0 = pst__mono_ns();
        int hskip = frame_overhead == 4 ? pst__header_nested(msg, len) : -1;
        if (hskip >= 0)
            rc = pst__header_answer(&s->proc, msg, len, hskip, &out, &arena,
                                    &s->opt.codec, &err, &rep);
        else
            rc = pst__process(&s->proc, proto, msg, len, &out, &arena,
                              &s->opt.codec, &err, &rep);
        if (sh) {
            if (rep.method)
                pst__metrics_call(sh, pst__metrics_method_index(&s->metrics, rep.method),
                                  rep.outcome, pst__mono_ns() - t0);
            else if (rc == 0)
                pst__metrics_perr(sh, PST__PERR_UNKNOWN_METHOD);
            pst__metrics_bytes(sh, len + frame_overhead,
                               out.len ? out.len + frame_overhead : 0);
        }
        pst__conn_entry_count(ce, len + frame_overhead,
                              out.len ? out.len + frame_overhead : 0, 1);
        int wrc = 0;
        pst_error werr = { 0, "" };
        if (out.len > 0)
            wrc = pst_transport_write_message(t, out.data, out.len, &werr);
        pst_arena_reset(&arena);
        if (rc < 0) {
            atomic_fetch_add(&s->stats.protocol_errors, 1);
            if (rep.over_memory)
                pst__server_call_over_memory(s, sh);
            else
                pst__metrics_perr(sh, PST__PERR_BAD_MESSAGE);
            pst__server_log(s, PST_LOG_WARN, "%s: closing: %s", peer,
                            err.message);
            break;
        }
        if (wrc < 0) {
            if (wrc == PST_E_TIMEOUT)
                atomic_fetch_add(&s->stats.timeouts, 1);
            pst__server_log(s, wrc == PST_E_TIMEOUT || wrc == PST_E_STOPPED
                                   ? PST_LOG_WARN
                                   : PST_LOG_INFO,
                            "%s: reply lost: %s", peer, werr.message);
            break;
        }
        atomic_fetch_add(&s->stats.calls, 1);
    }
    pst_wbuf_free(&out);
    pst_arena_release(&arena);
}

static pst__conn_kind thrift_kind(const pst_sniff *sn)
{
    bool compact = sn->protocol == &pst_protocol_compact;
    if (sn->framing == PST_FRAMING_FRAMED)
        return compact ? PST__KIND_COMPACT_FRAMED : PST__KIND_BINARY_FRAMED;
    return compact ? PST__KIND_COMPACT : PST__KIND_BINARY;
}

/* Serve Thrift on st, whose first n bytes (already read) are at first. */
static void serve_thrift(pst_server *s, pst_stream *st, const uint8_t *first,
                         size_t n, const pst_sniff *sn, pst__metrics_shard *sh,
                         pst__conn_entry *ce)
{
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = s->opt.idle_timeout_ms;
    to.read_timeout_ms = s->opt.read_timeout_ms;
    to.write_timeout_ms = s->opt.write_timeout_ms;
    to.stop_grace_ms = s->opt.stop_grace_ms;
    to.codec = s->opt.codec;
    pst_transport *t = sn->framing == PST_FRAMING_FRAMED
                           ? pst_transport_framed_new(st, &to)
                           : pst_transport_unframed_new(st, &to);
    if (!t || pst_transport_unread(t, first, n) < 0) {
        pst__server_log(s, PST_LOG_ERROR, "new connection: out of memory");
        pst_transport_free(t);
        return;
    }
    pst_transport_set_wake(t, s->stop_fd, &s->stopping);
    pst__server_log(s, PST_LOG_DEBUG, "%s: speaks %s %s", pst_stream_peer(st),
                    sn->protocol->name, pst_transport_name(t));
    serve_messages(s, t, sn->protocol, sh, ce,
                   sn->framing == PST_FRAMING_FRAMED ? 4 : 0);
    close_stream(st);
    pst_transport_free(t); /* frees st too */
}

/* A zlib stream (TZlibTransport): inflate it, sniff what it carries (not
 * HTTP, not zlib again), serve that, and answer through the same stream's
 * deflating side. first[0..n) are the compressed bytes already read; st is
 * closed and freed here. */
static void serve_zlib(pst_server *s, pst_stream *st, const uint8_t *first,
                       size_t n, pst__metrics_shard *sh, pst__conn_entry *ce,
                       bool count_kind)
{
    const char *peer = pst_stream_peer(st);
    pst_stream *zs = pst_stream_zlib_new(st, first, n, PST__ZLIB_REPLY_LEVEL);
    if (!zs) {
        pst__server_log(s, PST_LOG_ERROR, "%s: out of memory for zlib", peer);
        return; /* st freed with the failed wrapper */
    }
    pst__zlib_stream_for_server(zs, (size_t)s->opt.zlib_store_below);
    uint8_t inner[SNIFF_BYTES];
    size_t have = 0;
    pst_sniff sn;
    int rc = sniff(s, zs, inner, &have, &sn, false);
    if (rc == 0 && sn.kind == PST_SNIFF_ZLIB) {
        pst__server_log(s, PST_LOG_WARN, "%s: closing: zlib inside zlib",
                        pst_stream_peer(zs));
        rc = PST_E_PROTOCOL;
    }
    if (rc < 0) {
        if (sn.kind == PST_SNIFF_UNKNOWN || sn.kind == PST_SNIFF_ZLIB)
            pst__metrics_perr(sh, PST__PERR_UNKNOWN_BYTES);
        close_stream(zs);
        pst_stream_free(zs);
        return;
    }
    pst__server_log(s, PST_LOG_DEBUG, "%s: zlib stream", pst_stream_peer(zs));
    pst__conn_kind kind = thrift_kind(&sn);
    if (count_kind) {
        pst__metrics_kind(sh, PST__KIND_COUNT, kind);
        pst__conn_entry_kind(ce, kind);
    }
    serve_thrift(s, zs, inner, have, &sn, sh, ce);
    if (count_kind)
        pst__metrics_kind(sh, kind, PST__KIND_COUNT);
}

/* After CONNECT /_thrift_rpc_: the bytes that followed the blank line, and
 * what comes next, are a new Thrift conversation: sniff it again. st is
 * closed and freed here. */
static void serve_upgraded(pst_server *s, pst_stream *st, const uint8_t *rest,
                           size_t n, pst__metrics_shard *sh, pst__conn_entry *ce)
{
    uint8_t first[SNIFF_BYTES];
    size_t have = n < SNIFF_BYTES ? n : SNIFF_BYTES;
    memcpy(first, rest, have);
    pst_sniff sn;
    if (n >= SNIFF_BYTES) {
        pst__sniff(&s->opt, rest, n, &sn);
        if (sn.kind != PST_SNIFF_THRIFT && sn.kind != PST_SNIFF_ZLIB) {
            pst__metrics_perr(sh, PST__PERR_UNKNOWN_BYTES);
            pst__server_log(s, PST_LOG_WARN, "%s: closing: bytes after CONNECT "
                                             "are not Thrift",
                            pst_stream_peer(st));
            close_stream(st);
            pst_stream_free(st);
            return;
        }
    } else if (sniff(s, st, first, &have, &sn, false) < 0) {
        if (sn.kind == PST_SNIFF_UNKNOWN)
            pst__metrics_perr(sh, PST__PERR_UNKNOWN_BYTES);
        close_stream(st);
        pst_stream_free(st);
        return;
    }
    const uint8_t *bytes = n >= SNIFF_BYTES ? rest : first;
    size_t nbytes = n >= SNIFF_BYTES ? n : have;
    if (sn.kind == PST_SNIFF_ZLIB)
        serve_zlib(s, st, bytes, nbytes, sh, ce, false);
    else
        serve_thrift(s, st, bytes, nbytes, &sn, sh, ce);
}

enum { HTTP_OUT_BUDGET = 1 << 20, HTTP_FIRST_CAP = 4096 };

/* Write HTTP answers as replies are written: within write_timeout_ms, and
 * once the server stops, within stop_grace_ms more. */
static int http_send(pst_server *s, pst_stream *st, const uint8_t *p, size_t n)
{
    int64_t now = now_ms();
    int64_t deadline = s->opt.write_timeout_ms > 0 ? now + s->opt.write_timeout_ms : 0;
    int64_t stop_deadline = 0;
    int fd = pst_stream_fd(st);
    while (n > 0) {
        struct iovec iov = { (void *)p, n };
        size_t done = 0;
        int rc = pst_stream_write_some(st, &iov, 1, &done);
        if (rc < 0)
            return rc;
        p += done;
        n -= done;
        if (n == 0)
            break;
        now = now_ms();
        if (!stop_deadline && atomic_load(&s->stopping))
            stop_deadline = now + s->opt.stop_grace_ms;
        int64_t until = deadline;
        if (stop_deadline && (!until || stop_deadline < until))
            until = stop_deadline;
        if (until && now >= until)
            return stop_deadline && until == stop_deadline ? PST_E_STOPPED
                                                           : PST_E_TIMEOUT;
        struct pollfd w[2] = { { fd, POLLOUT, 0 }, { s->stop_fd, POLLIN, 0 } };
        if (poll(w, stop_deadline ? 1 : 2, until ? (int)(until - now) : -1) < 0 &&
            errno != EINTR)
            return -errno;
    }
    return 0;
}

/* Serve HTTP on st (its first n bytes are at first) until the peer closes,
 * a request asks to, the server stops, or CONNECT upgrades the connection.
 * st is closed and freed. Returns what the connection spoke last. */
static pst__conn_kind serve_http(pst_server *s, pst_stream *st, const uint8_t *first,
                       size_t n, pst__metrics_shard *sh, pst__conn_entry *ce)
{
    const char *peer = pst_stream_peer(st);
    pst__front_scratch *sc = calloc(1, sizeof *sc);
    size_t cap = HTTP_FIRST_CAP, len = n;
    uint8_t *in = malloc(cap);
    if (!sc || !in) {
        free(sc);
        free(in);
        pst__server_log(s, PST_LOG_ERROR, "%s: out of memory for HTTP", peer);
        close_stream(st);
        pst_stream_free(st);
        return PST__KIND_HTTP;
    }
    memcpy(in, first, n);
    sc->shard = sh;
    pst__front_conn fc;
    pst__front_conn_init(&fc);
    _Alignas(16) uint8_t block[ARENA_BLOCK];
    pst_arena arena;
    pst_arena_init(&arena, block, sizeof block, pst__server_call_memory(s));
    pst_wbuf out;
    pst_wbuf_init(&out, (size_t)s->opt.codec.max_message + 65536);
    /* the most a request may take in the buffer: its head and its body */
    size_t max_in = (size_t)s->opt.codec.max_message + 65536 + 16384;
    bool upgraded = false, fed = true;
    int64_t deadline = 0;
    for (;;) {
        size_t consumed = 0;
        pst__front_next next = PST__FRONT_MORE;
        if (fed && len > 0) {
            next = pst__front_feed(s, &fc, sc, in, len, &consumed, &out,
                                   HTTP_OUT_BUDGET, &arena, peer, pst_stream_fd(st));
            memmove(in, in + consumed, len - consumed);
            len -= consumed;
            if (consumed)
                deadline = 0;
        }
        if (out.len > 0) {
            int wrc = http_send(s, st, out.data, out.len);
            pst__metrics_bytes(sh, 0, out.len);
            pst__conn_entry_count(ce, 0, out.len, 0);
            pst__conn_entry_kind(ce, pst__front_conn_kind(&fc));
            out.len = 0;
            out.err = 0;
            if (wrc < 0) {
                if (wrc == PST_E_TIMEOUT)
                    atomic_fetch_add(&s->stats.timeouts, 1);
                pst__server_log(s, PST_LOG_INFO, "%s: HTTP reply lost: %s", peer,
                                pst_strerror(wrc));
                break;
            }
        }
        if (next == PST__FRONT_CLOSE)
            break;
        if (next == PST__FRONT_THRIFT) {
            pst__conn_entry_kind(ce, PST__KIND_CONNECT);
            serve_upgraded(s, st, in, len, sh, ce);
            upgraded = true;
            break;
        }
        if (consumed > 0 && len > 0) {
            fed = true; /* more pipelined requests may be complete */
            continue;
        }
        if (atomic_load(&s->stopping) && len == 0)
            break;
        /* read more */
        if (len == cap) {
            if (cap >= max_in) {
                pst__server_log(s, PST_LOG_WARN, "%s: closing: HTTP request over "
                                                 "%zu bytes",
                                peer, max_in);
                break;
            }
            size_t ncap = cap * 2 > max_in ? max_in : cap * 2;
            uint8_t *bigger = realloc(in, ncap);
            if (!bigger) {
                pst__server_log(s, PST_LOG_ERROR, "%s: out of memory for an HTTP "
                                                  "request",
                                peer);
                break;
            }
            in = bigger;
            cap = ncap;
        }
        int timeout = -1;
        if (len == 0) {
            timeout = s->opt.idle_timeout_ms > 0 ? s->opt.idle_timeout_ms : -1;
        } else if (s->opt.read_timeout_ms > 0 || s->opt.http_request_timeout_ms > 0) {
            /* a started request: the read timeout, else the HTTP one */
            int64_t now = now_ms();
            if (!deadline)
                deadline = now + (s->opt.read_timeout_ms > 0
                                      ? s->opt.read_timeout_ms
                                      : s->opt.http_request_timeout_ms);
            timeout = deadline > now ? (int)(deadline - now) : 0;
        }
        size_t got = 0;
        int rc = pst_stream_read(st, in + len, cap - len, &got, timeout, s->stop_fd);
        if (rc == PST_E_STOPPED && len == 0)
            break;
        if (rc == PST_E_STOPPED) {
            /* a request is arriving: give it the read timeout to finish */
            rc = pst_stream_read(st, in + len, cap - len, &got,
                                 s->opt.read_timeout_ms > 0 ? s->opt.read_timeout_ms
                                                            : 1000,
                                 -1);
        }
        if (rc == PST_E_TIMEOUT) {
            atomic_fetch_add(&s->stats.timeouts, 1);
            pst__server_log(s, PST_LOG_INFO, "%s: closing: %s", peer,
                            len ? "HTTP request not complete in time"
                                : "idle HTTP connection");
            break;
        }
        if (rc < 0) {
            if (rc != PST_E_CLOSED || len)
                pst__server_log(s, PST_LOG_INFO, "%s: HTTP connection ended "
                                                 "with %zu bytes unanswered: %s",
                                peer, len, pst_strerror(rc));
            break;
        }
        pst__metrics_bytes(sh, got, 0);
        pst__conn_entry_count(ce, got, 0, 0);
        len += got;
        fed = true;
    }
    pst_wbuf_free(&out);
    pst_arena_release(&arena);
    free(in);
    free(sc);
    if (upgraded)
        return PST__KIND_CONNECT;
    close_stream(st);
    pst_stream_free(st);
    return fc.mode ? PST__KIND_JSONRPC : PST__KIND_HTTP;
}

/* The server speaks TLS: read the first bytes until they tell TLS from
 * plain; for TLS, wrap *st in a TLS stream and run the handshake within
 * tls_handshake_timeout_ms. Returns 0 with *n == 0 for TLS (the plain
 * bytes are sniffed next, inside it), or with first[0..*n) read for plain;
 * < 0 when the connection is to be closed (logged, counted). */
static int start_tls(pst_server *s, pst_stream **st, uint8_t *first, size_t *n)
{
    const char *peer = pst_stream_peer(*st);
    pst__tls_sniff ts;
    while ((ts = pst__sniff_tls(&s->opt, first, *n)) == PST__TLS_SNIFF_MORE) {
        size_t got = 0;
        /* a TLS-only server's silent peer is a stalled handshake */
        int timeout = *n || s->opt.tls == PST_TLS_ON ? s->opt.tls_handshake_timeout_ms
                      : s->opt.idle_timeout_ms > 0   ? s->opt.idle_timeout_ms
                                                     : -1;
        int rc = pst_stream_read(*st, first + *n, 2 - *n, &got, timeout, s->stop_fd);
        if (rc == PST_E_TIMEOUT) {
            atomic_fetch_add(&s->stats.timeouts, 1);
            pst__server_log(s, PST_LOG_INFO, "%s: closing: %s", peer,
                            *n ? "TLS handshake not complete in time"
                               : "no request");
        }
        if (rc < 0)
            return rc;
        *n += got;
    }
    if (ts == PST__TLS_SNIFF_PLAIN)
        return 0;
    if (ts == PST__TLS_SNIFF_REFUSED) {
        atomic_fetch_add(&s->stats.protocol_errors, 1);
        pst__server_log(s, PST_LOG_WARN, "%s: closing: first byte %02x is not "
                        "a TLS handshake, and this server speaks only TLS",
                        peer, first[0]);
        return PST_E_PROTOCOL;
    }
    pst_stream *tls = pst__tls_stream_server_new(s->tls_ctx, *st, first, *n);
    *n = 0;
    if (!tls) {
        *st = NULL;
        pst__server_log(s, PST_LOG_ERROR, "%s: out of memory for TLS", peer);
        return PST_E_NOMEM;
    }
    *st = tls;
    pst_error err = { 0, "" };
    int rc = pst__tls_stream_handshake(tls, s->opt.tls_handshake_timeout_ms,
                                       s->stop_fd, &err);
    if (rc == PST_E_TIMEOUT)
        atomic_fetch_add(&s->stats.timeouts, 1);
    else if (rc == PST_E_PROTOCOL)
        atomic_fetch_add(&s->stats.protocol_errors, 1);
    if (rc < 0 && rc != PST_E_STOPPED)
        pst__server_log(s, rc == PST_E_PROTOCOL ? PST_LOG_WARN : PST_LOG_INFO,
                        "%s: closing: %s", pst_stream_peer(tls), err.message);
    return rc;
}

void pst__conn_serve(pst_server *s, int fd)
{
    pst_error err = { 0, "" };
    pst_stream *st = pst_stream_socket_new(fd, &err);
    if (!st) {
        pst__server_log(s, PST_LOG_ERROR, "new connection: %s", err.message);
        pst__conn_drop(s, fd);
        return;
    }
    pst__metrics_shard *sh = s->opt.metrics_off ? NULL
                                                : pst__metrics_acquire(&s->metrics);
    pst__conn_entry ce;
    char peer[128];
    snprintf(peer, sizeof peer, "%s", pst_stream_peer(st));
    pst__conn_register(&s->conns, &ce, fd, peer);
    pst__call_conn_id = ce.id; /* this thread serves only this connection now */
    uint8_t first[SNIFF_BYTES];
    size_t n = 0;
    pst_sniff sn;
    int rc = s->opt.tls != PST_TLS_OFF ? start_tls(s, &st, first, &n) : 0;
    if (rc == 0)
        rc = sniff(s, st, first, &n, &sn, true);
    else
        sn.kind = PST_SNIFF_NEED_MORE;
    pst__tls_set_current_identity(pst_stream_tls_peer_identity(st));
    if (rc < 0) {
        if (sn.kind == PST_SNIFF_UNKNOWN)
            pst__metrics_perr(sh, PST__PERR_UNKNOWN_BYTES);
        close_stream(st);
        pst_stream_free(st);
    } else if (sn.kind == PST_SNIFF_ZLIB) {
        /* counted by what it carries, once known: as the upgraded kinds */
        serve_zlib(s, st, first, n, sh, &ce, true);
    } else if (sn.kind == PST_SNIFF_HTTP) {
        pst__metrics_kind(sh, PST__KIND_COUNT, PST__KIND_HTTP);
        pst__conn_entry_kind(&ce, PST__KIND_HTTP);
        pst__metrics_kind(sh, serve_http(s, st, first, n, sh, &ce), PST__KIND_COUNT);
    } else {
        pst__conn_kind kind = thrift_kind(&sn);
        pst__metrics_kind(sh, PST__KIND_COUNT, kind);
        pst__conn_entry_kind(&ce, kind);
        serve_thrift(s, st, first, n, &sn, sh, &ce);
        pst__metrics_kind(sh, kind, PST__KIND_COUNT);
    }
    pst__tls_set_current_identity(NULL);
    pst__conn_unregister(&s->conns, &ce);
    pst__metrics_release(&s->metrics, sh);
    atomic_fetch_sub(&s->stats.active, 1);
}
