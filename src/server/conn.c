/* conn.c: serving one connection on the calling thread, as the SIMPLE,
 * THREADED and POOL models do: tell its kind from the first bytes, then read
 * a message, process it, write the reply, until the peer leaves, misbehaves
 * or the server stops. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "blocking.h"
#include "postern/transport.h"

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
                 pst_sniff *sn)
{
    const char *peer = pst_stream_peer(st);
    int64_t deadline = 0;
    pst__sniff(&s->opt, first, 0, sn);
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
    if (sn->kind == PST_SNIFF_HTTP) {
        pst__server_log(s, PST_LOG_INFO,
                        "%s: closing: HTTP not served yet (request line "
                        "starts '%.*s')",
                        peer, (int)*n, (const char *)first);
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
                              const pst_error *err)
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
        pst__server_log(s, PST_LOG_WARN, "%s: closing: %s", peer, err->message);
    }
}

static void serve_messages(pst_server *s, pst_transport *t,
                           const pst_protocol *proto)
{
    const char *peer = pst_stream_peer(pst_transport_stream(t));
    _Alignas(16) uint8_t block[ARENA_BLOCK];
    pst_arena arena;
    pst_arena_init(&arena, block, sizeof block, 0);
    pst_wbuf out;
    pst_wbuf_init(&out, (size_t)s->opt.codec.max_message);
    for (;;) {
        const uint8_t *msg;
        size_t len;
        pst_error err = { 0, "" };
        int rc = pst_transport_read_message(t, proto, &msg, &len, &err);
        if (rc < 0) {
            note_read_failure(s, t, rc, &err);
            break;
        }
        out.len = 0;
        out.err = 0;
        rc = pst_process(&s->proc, proto, msg, len, &out, &arena, &s->opt.codec,
                         &err);
        int wrc = 0;
        pst_error werr = { 0, "" };
        if (out.len > 0)
            wrc = pst_transport_write_message(t, out.data, out.len, &werr);
        pst_arena_reset(&arena);
        if (rc < 0) {
            atomic_fetch_add(&s->stats.protocol_errors, 1);
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

void pst__conn_serve(pst_server *s, int fd)
{
    pst_error err = { 0, "" };
    pst_stream *st = pst_stream_socket_new(fd, &err);
    if (!st) {
        pst__server_log(s, PST_LOG_ERROR, "new connection: %s", err.message);
        pst__conn_drop(s, fd);
        return;
    }
    uint8_t first[SNIFF_BYTES];
    size_t n = 0;
    pst_sniff sn;
    if (sniff(s, st, first, &n, &sn) < 0) {
        close_stream(st);
        pst_stream_free(st);
        atomic_fetch_sub(&s->stats.active, 1);
        return;
    }
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.idle_timeout_ms = s->opt.idle_timeout_ms;
    to.read_timeout_ms = s->opt.read_timeout_ms;
    to.write_timeout_ms = s->opt.write_timeout_ms;
    to.stop_grace_ms = s->opt.stop_grace_ms;
    to.codec = s->opt.codec;
    pst_transport *t = sn.framing == PST_FRAMING_FRAMED
                           ? pst_transport_framed_new(st, &to)
                           : pst_transport_unframed_new(st, &to);
    if (!t || pst_transport_unread(t, first, n) < 0) {
        pst__server_log(s, PST_LOG_ERROR, "new connection: out of memory");
        pst_transport_free(t);
        atomic_fetch_sub(&s->stats.active, 1);
        return;
    }
    pst_transport_set_wake(t, s->stop_fd, &s->stopping);
    pst__server_log(s, PST_LOG_DEBUG, "%s: speaks %s %s",
                    pst_stream_peer(st), sn.protocol->name, pst_transport_name(t));
    serve_messages(s, t, sn.protocol);
    close_stream(st);
    pst_transport_free(t);
    atomic_fetch_sub(&s->stats.active, 1);
}
