/*
 * nonblocking.c: the NONBLOCKING server model.
 *
 * `io_threads` event loops (loop.h), each on its own thread (loop 0 on the
 * caller's). Every loop watches the shared listening socket with
 * EPOLLEXCLUSIVE, so one idle loop wakes per incoming connection; the loop
 * that accepts hands the connection to the loop with the fewest connections
 * (through that loop's inbox and eventfd), so bursts of connects still spread
 * evenly.
 *
 * A connection costs one small struct while idle: input is read into the
 * loop's scratch buffer and every complete request in it is answered in one
 * pass; only the tail of a message that is not complete yet is copied into a
 * per-connection buffer (freed as soon as the message completes). Replies
 * are built in the loop's scratch output buffer and written with one send
 * per pass; only what the socket did not take is kept per connection.
 *
 * Handlers run on the loop thread with the loop's arena (reset per call), or,
 * when `workers` > 0, on a pool of threads: requests are copied into jobs,
 * replies come back through the owning loop's done list + eventfd, and are
 * written in request order.
 *
 * Back-pressure: when a connection's unsent replies (plus requests still at
 * the workers) pass OUT_HIGH, the loop stops reading it (and stops answering
 * what it already buffered) until they fall under OUT_LOW.
 *
 * Everything read is answered: a peer's end of stream (FIN, or a hang-up
 * while paused) only means no more requests will come; those already read
 * are answered (or run, when oneway) as back-pressure eases. A reply that
 * cannot be delivered closes the connection with a log line that says what
 * was dropped with it.
 *
 * Timers (idle, read, write) are armed from the clock read after the
 * handlers that ran before them, and expire against the wake-up's clock
 * after its events (loop.h).
 *
 * Stop: loops stop accepting, answer every complete request they already
 * read, flush, then shut the write side down and close once the peer has
 * closed (or after LINGER_MS). A connection that does not drain within the
 * grace period (write_timeout_ms, else STOP_GRACE_MS) is closed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/arena_internal.h"
#include "postern/arena.h"
#include "postern/processor.h"
#include "server/loop.h"
#include "server/nb_internal.h"
#include "server/server_internal.h"

/* ---- small helpers ------------------------------------------------------ */

static inline uint32_t rd_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void wr_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline size_t out_pending(const nb_conn *c)
{
    return c->out_len - c->out_off;
}

/* Frame the reply written after the 4 bytes reserved at `mark`: put its
 * length there, or take the 4 bytes back when there is no reply (a oneway
 * call, or a reply dropped because it was cut short). */
static inline void frame_reply(pst_wbuf *out, size_t mark)
{
    if (out->len <= mark + 4)
        out->len = mark;
    else
        wr_be32(out->data + mark, (uint32_t)(out->len - mark - 4));
}

/* "127.0.0.1:5678", "[::1]:5678" or "unix socket" for log lines. */
static const char *peer_name(int fd, char *buf, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN];
    if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len) < 0) {
        snprintf(buf, n, "fd %d", fd);
    } else if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        snprintf(buf, n, "%s:%u", host, (unsigned)ntohs(a->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        snprintf(buf, n, "[%s]:%u", host, (unsigned)ntohs(a->sin6_port));
    } else {
        snprintf(buf, n, "unix socket fd %d", fd);
    }
    return buf;
}

/* A call counts once its reply is entirely in the kernel's hands (a reply
 * lost with its connection was not an answer). */
static void count_calls(nb_loop *l, uint64_t n)
{
    if (n)
        atomic_fetch_add(&l->s->stats.calls, n);
}

/* ---- connection lifetime ------------------------------------------------ */

static void conn_free(nb_conn *c)
{
    free(c->in);
    free(c->out);
    free(c);
}

/* Close c now, logging `why` (NULL: silently) at `level`. The struct lives
 * on until its jobs come back (workers) and the current wake-up ends. */
static void conn_close(nb_conn *c, pst_log_level level, const char *why)
{
    nb_loop *l = c->loop;
    if (c->flags & C_CLOSED)
        return;
    if (why) {
        /* what this close throws away, so a client that is gone is
         * accounted for in the log */
        char peer[80], lost[128] = "";
        if (c->in_len || c->inflight)
            snprintf(lost, sizeof lost, " (dropping %u bytes read and not "
                     "answered, %u calls at the workers)", c->in_len,
                     c->inflight);
        pst__server_log(l->s, level, "%s: closing: %s%s",
                        peer_name(c->io.fd, peer, sizeof peer), why, lost);
    }
    pst__loop_del(&l->loop, &c->io);
    close(c->io.fd);
    c->io.fd = -1;
    c->flags |= C_CLOSED;
    /* the loop's output scratch only ever holds the current connection's
     * pass: it goes with it, unsent and uncounted */
    l->out.len = 0;
    l->calls_batch = 0;
    pst__timer_disarm(&c->timer);
    if (c->prev)
        c->prev->next = c->next;
    else
        l->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_cap = 0;
    free(c->out);
    c->out = NULL;
    c->out_off = c->out_len = c->out_cap = 0;
    atomic_fetch_sub(&l->s->stats.active, 1);
    atomic_fetch_sub(&l->nconns, 1);
    if (c->inflight) {
        l->zombies++;           /* freed when the last job returns */
    } else {
        c->next = l->graveyard;
        l->graveyard = c;
    }
}

static void conn_closef(nb_conn *c, pst_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void conn_closef(nb_conn *c, pst_log_level level, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    conn_close(c, level, why);
}

/* A request that cannot be answered: log why, count it, answer what came
 * before it, then close. */
static void conn_fail(nb_conn *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void conn_fail(nb_conn *c, const char *fmt, ...)
{
    char why[300], peer[80];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    pst__server_log(c->loop->s, PST_LOG_WARN, "%s: closing: %s",
                    peer_name(c->io.fd, peer, sizeof peer), why);
    atomic_fetch_add(&c->loop->s->stats.protocol_errors, 1);
    c->flags |= C_ERROR;
}

static void free_graveyard(nb_loop *l)
{
    while (l->graveyard) {
        nb_conn *c = l->graveyard;
        l->graveyard = c->next;
        conn_free(c);
    }
}

/* ---- input buffer --------------------------------------------------------- */

/* Make c->in hold at least `cap` bytes. 0 or -1 (out of memory). */
static int in_reserve(nb_conn *c, size_t cap)
{
    if (cap <= c->in_cap)
        return 0;
    if (cap > UINT32_MAX)
        return -1;
    uint8_t *p = realloc(c->in, cap);
    if (!p)
        return -1;
    c->in = p;
    c->in_cap = (uint32_t)cap;
    return 0;
}

/* How big the buffer for a partial message should be, given `have` bytes of
 * it: a framed message whose length is known gets exactly its size when it
 * is small, so the next recv stops at its end; anything else grows
 * geometrically, so a peer that announces a big message but sends little
 * costs little. */
static size_t in_target(const nb_conn *c, const uint8_t *p, size_t have)
{
    size_t grow = have * 2 > 4096 ? have * 2 : 4096;
    if (c->proto && c->framed && have >= 4) {
        size_t total = 4 + (size_t)rd_be32(p);
        if (total <= READ_SCRATCH || total <= grow)
            return total > have ? total : have;
    }
    return grow;
}

/* Drop the first `used` bytes of c->in; free it when empty (idle
 * connections keep no buffer). */
static void in_consume(nb_conn *c, size_t used)
{
    if (used == 0)
        return;
    size_t left = c->in_len - used;
    if (left == 0) {
        free(c->in);
        c->in = NULL;
        c->in_len = c->in_cap = 0;
        return;
    }
    memmove(c->in, c->in + used, left);
    c->in_len = (uint32_t)left;
    if (c->in_cap > 4 * left && c->in_cap > READ_SCRATCH) {
        size_t cap = in_target(c, c->in, left);
        uint8_t *p = realloc(c->in, cap);
        if (p) {
            c->in = p;
            c->in_cap = (uint32_t)cap;
        }
    }
}

/* Keep bytes that arrived in the loop's scratch for the next read. */
static int in_keep(nb_conn *c, const uint8_t *p, size_t n)
{
    if (in_reserve(c, in_target(c, p, n)) < 0)
        return -1;
    memcpy(c->in, p, n);
    c->in_len = (uint32_t)n;
    return 0;
}

static void in_drop(nb_conn *c)
{
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_cap = 0;
}

/* ---- output --------------------------------------------------------------- */

/* Append [p, p+n) to c's unsent output. 0 or -1 (out of memory). */
static int out_keep(nb_conn *c, const uint8_t *p, size_t n)
{
    if (c->out_off && c->out_len + n > c->out_cap) {
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
    }
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 16384;
        while (cap < c->out_len + n)
            cap *= 2;
        uint8_t *q = realloc(c->out, cap);
        if (!q)
            return -1;
        c->out = q;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return 0;
}

/* Write c's unsent output, then the loop's fresh replies, with one send
 * (sendmsg when there are both); keep what the socket did not take.
 * Returns 0, or -1 when c was closed. */
static int conn_send(nb_conn *c)
{
    nb_loop *l = c->loop;
    size_t pend = out_pending(c), fresh = l->out.len;
    uint32_t fresh_calls = (uint32_t)l->calls_batch;
    l->calls_batch = 0;
    if (pend + fresh == 0) {
        count_calls(l, fresh_calls);      /* oneway calls: nothing to send */
        return 0;
    }
    struct iovec iov[2];
    int niov = 0;
    if (pend)
        iov[niov++] = (struct iovec){ c->out + c->out_off, pend };
    if (fresh)
        iov[niov++] = (struct iovec){ l->out.data, fresh };
    struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)niov };
    ssize_t n;
    /* one buffer (the usual pass): send, which the kernel takes with less
     * work than a msghdr and its iovec */
    do
        n = niov == 1 ? send(c->io.fd, iov[0].iov_base, iov[0].iov_len,
                             MSG_NOSIGNAL | MSG_DONTWAIT)
                      : sendmsg(c->io.fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            l->out.len = 0;
            conn_closef(c, PST_LOG_INFO, "reply lost: write failed: %s",
                        strerror(errno));
            return -1;
        }
        n = 0;
    }
    size_t done = (size_t)n;
    if (done)
        c->flags |= C_WPROGRESS;
    size_t from_pend = done < pend ? done : pend;
    c->out_off += from_pend;
    done -= from_pend;
    if (done < fresh && out_keep(c, l->out.data + done, fresh - done) < 0) {
        l->out.len = 0;
        conn_close(c, PST_LOG_ERROR, "out of memory keeping unsent replies");
        return -1;
    }
    l->out.len = 0;
    if (c->out && c->out_off == c->out_len) {
        free(c->out);
        c->out = NULL;
        c->out_off = c->out_len = c->out_cap = 0;
    }
    if (out_pending(c)) {
        c->unsent_calls += fresh_calls;
    } else {
        count_calls(l, c->unsent_calls + fresh_calls);
        c->unsent_calls = 0;
    }
    return 0;
}

/* ---- requests ------------------------------------------------------------- */

static bool over_high(const nb_conn *c)
{
    return out_pending(c) + c->loop->out.len + c->inflight_bytes > OUT_HIGH ||
           c->inflight >= INFLIGHT_HIGH;
}

static bool over_low(const nb_conn *c)
{
    return out_pending(c) + c->inflight_bytes > OUT_LOW ||
           c->inflight >= INFLIGHT_HIGH / 2;
}

/* Handlers ran on the loop thread, for as long as they took: read the clock
 * again, so the timers armed from here on (this connection's and those of
 * the connections after it in this wake-up) count from now. Timers still
 * expire against the wake-up's time, after its events (pst__loop_run_once),
 * so a connection whose bytes waited behind a slow handler is not taken for
 * idle. */
static inline void handlers_ran(nb_loop *l)
{
    pst__loop_update_time(&l->loop);
}

/* Answer one request on the loop thread, appending the reply to l->out. */
static int dispatch_inline(nb_conn *c, const uint8_t *msg, size_t len)
{
    nb_loop *l = c->loop;
    pst_server *s = l->s;
    pst_wbuf *out = &l->out;
    size_t mark = out->len;
    if (c->framed) {
        if (pst_wbuf_reserve(out, 4) < 0) {
            out->err = 0;
            conn_fail(c, "out of memory for a reply");
            return -1;
        }
        out->len += 4;
    }
    /* The bound is per reply, not for the whole batch. */
    out->max = out->len + (size_t)s->opt.codec.max_message;
    pst_error err;              /* only its head needs clearing */
    err.code = 0;
    err.message[0] = '\0';
    int rc = pst_process(&s->proc, c->proto, msg, len, out, &l->arena,
                         &s->opt.codec, &err);
    pst__arena_reset(&l->arena);
    if (rc == 0 && out->err)
        rc = out->err;
    if (out->err) {                        /* a reply cut short: drop it */
        out->len = mark;
        out->err = 0;
    }
    if (c->framed)
        frame_reply(out, mark);
    if (rc < 0) {
        /* The processor may have written an exception saying why (a
         * message that is not a call); it goes out before the close. */
        conn_fail(c, "request of %zu bytes cannot be answered: %s", len,
                  err.message[0] ? err.message : pst_strerror(rc));
        return -1;
    }
    l->calls_batch++;
    return 0;
}

/* Hand one request to the worker pool (sent with the pass's batch). */
static int dispatch_job(nb_conn *c, const uint8_t *msg, size_t len)
{
    nb_loop *l = c->loop;
    nb_job *j = malloc(sizeof *j + len);
    if (!j) {
        conn_fail(c, "out of memory for a request of %zu bytes", len);
        return -1;
    }
    memset(j, 0, sizeof *j);
    memcpy(j->req, msg, len);
    j->len = len;
    j->conn = c;
    j->proto = c->proto;
    j->framed = c->framed;
    if (c->jobs_tail)
        c->jobs_tail->conn_next = j;
    else
        c->jobs_head = j;
    c->jobs_tail = j;
    c->inflight++;
    c->inflight_bytes += len;
    if (l->batch_tail)
        l->batch_tail->next = j;
    else
        l->batch_head = j;
    l->batch_tail = j;
    return 0;
}

/* A frame length conn_process_framed does not take: say which limit it
 * breaks (the same words as conn_process). */
static COLD void frame_refused(nb_conn *c, uint32_t flen)
{
    const pst_codec_config *cfg = &c->loop->s->opt.codec;
    if (flen > cfg->max_frame)
        conn_fail(c, "frame of %u bytes exceeds max_frame %u", flen,
                  cfg->max_frame);
    else if (flen > cfg->max_message)
        conn_fail(c, "frame of %u bytes exceeds max_message %llu", flen,
                  (unsigned long long)cfg->max_message);
    else
        conn_fail(c, "empty frame (length 0)");
}

/* conn_process for what nearly every connection is once sniffed: framed,
 * handlers on the loop thread. The same steps as conn_process and
 * dispatch_inline, with what does not change between requests read once
 * and one check for the frame length's three limits. */
static size_t conn_process_framed(nb_conn *c, const uint8_t *data, size_t len)
{
    nb_loop *l = c->loop;
    pst_server *s = l->s;
    const pst_codec_config *cfg = &s->opt.codec;
    const pst_protocol *proto = c->proto;
    pst_wbuf *out = &l->out;
    uint64_t max_message = cfg->max_message;
    /* a frame length must be 1..limit */
    uint64_t limit = cfg->max_frame < max_message ? cfg->max_frame : max_message;
    pst_error err;
    size_t off = 0;
    /* over_high(c) without workers: nothing in flight, and c's unsent
     * output does not change while we answer */
    size_t pend = out_pending(c);
    while (len - off >= 4 && !(c->flags & (C_ERROR | C_PAUSED))) {
        const uint8_t *p = data + off;
        uint32_t flen = rd_be32(p);
        if (UNLIKELY(flen - 1 >= limit)) {
            frame_refused(c, flen);
            break;
        }
        if (len - off - 4 < flen)
            break;
        size_t mark = out->len;
        if (UNLIKELY(pst_wbuf_reserve(out, 4) < 0)) {
            out->err = 0;
            conn_fail(c, "out of memory for a reply");
            break;
        }
        out->len = mark + 4;
        /* The bound is per reply, not for the whole batch. */
        out->max = mark + 4 + (size_t)max_message;
        err.code = 0;               /* only its head needs clearing */
        err.message[0] = '\0';
        int rc = pst_process(&s->proc, proto, p + 4, flen, out, &l->arena,
                             cfg, &err);
        pst__arena_reset(&l->arena);
        if (UNLIKELY(out->err)) {     /* a reply cut short: drop it */
            if (rc == 0)
                rc = out->err;
            out->len = mark;
            out->err = 0;
        }
        frame_reply(out, mark);
        if (UNLIKELY(rc < 0)) {
            /* The processor may have written an exception saying why (a
             * message that is not a call); it goes out before the close. */
            conn_fail(c, "request of %u bytes cannot be answered: %s", flen,
                      err.message[0] ? err.message : pst_strerror(rc));
            break;
        }
        l->calls_batch++;
        off += 4 + (size_t)flen;
        c->flags |= C_MSGDONE;
        if (UNLIKELY(pend + out->len > OUT_HIGH))
            c->flags |= C_PAUSED;
    }
    if (off || (c->flags & C_ERROR))
        handlers_ran(l);
    return off;
}

/* Answer (or hand to the workers) every complete request in [data,
 * data+len). Returns the bytes consumed; stops early at a partial message,
 * at back-pressure (C_PAUSED) or at an error (C_ERROR, connection to be
 * closed once earlier replies are out). */
static size_t conn_process(nb_conn *c, const uint8_t *data, size_t len)
{
    pst_server *s = c->loop->s;
    const pst_codec_config *cfg = &s->opt.codec;
    size_t off = 0;
    bool ran = false;              /* a handler ran on this thread */
    c->rescan_at = 0;
    if (LIKELY(c->proto && c->framed && s->opt.workers <= 0))
        return conn_process_framed(c, data, len);
    while (off < len && !(c->flags & (C_ERROR | C_PAUSED))) {
        const uint8_t *p = data + off;
        size_t avail = len - off, hdr, mlen;
        if (!c->proto) {
            pst_sniff sn;
            pst__sniff(&s->opt, p, avail, &sn);
            if (sn.kind == PST_SNIFF_NEED_MORE) {
                if (avail < SNIFF_MAX)
                    break;
                sn.kind = PST_SNIFF_UNKNOWN;
            }
            if (sn.kind == PST_SNIFF_HTTP) {
                char peer[80], line[24];
                size_t k = 0;
                for (; k < avail && k + 1 < sizeof line && p[k] >= 0x20 &&
                       p[k] < 0x7f; k++)
                    line[k] = (char)p[k];
                line[k] = '\0';
                pst__server_log(s, PST_LOG_INFO, "%s: closing: HTTP not "
                                "served yet (request line starts '%s')",
                                peer_name(c->io.fd, peer, sizeof peer), line);
                c->flags |= C_ERROR;
                break;
            }
            if (sn.kind != PST_SNIFF_THRIFT) {
                char hex[3 * 8 + 1];
                size_t used = 0;
                for (size_t k = 0; k < avail && k < 8; k++)
                    used += (size_t)snprintf(hex + used, sizeof hex - used,
                                             "%s%02x", k ? " " : "", p[k]);
                conn_fail(c, "first bytes %s are neither Thrift (binary, "
                          "compact, framed or not%s) nor HTTP", hex,
                          s->opt.protocol || s->opt.framing != PST_FRAMING_AUTO
                              ? "; pinned by the options" : "");
                break;
            }
            c->proto = sn.protocol;
            c->framed = sn.framing == PST_FRAMING_FRAMED;
            if (s->opt.log_level >= PST_LOG_DEBUG) {
                char peer[80];
                pst__server_log(s, PST_LOG_DEBUG, "%s: speaks %s %s",
                                peer_name(c->io.fd, peer, sizeof peer),
                                c->proto->name,
                                c->framed ? "framed" : "unframed");
            }
        }
        if (c->framed) {
            if (avail < 4)
                break;
            uint32_t flen = rd_be32(p);
            if (flen > cfg->max_frame) {
                conn_fail(c, "frame of %u bytes exceeds max_frame %u", flen,
                          cfg->max_frame);
                break;
            }
            if (flen > cfg->max_message) {
                conn_fail(c, "frame of %u bytes exceeds max_message %llu",
                          flen, (unsigned long long)cfg->max_message);
                break;
            }
            if (flen == 0) {
                conn_fail(c, "empty frame (length 0)");
                break;
            }
            if (avail - 4 < flen)
                break;
            hdr = 4;
            mlen = flen;
        } else {
            pst_error err;
            pst_error_clear(&err);
            int rc = c->proto->message_length(p, avail, cfg, &mlen, &err);
            if (rc == PST_E_SHORT) {
                /* this tail is kept from offset 0 of c->in */
                c->rescan_at = avail >= READ_SCRATCH
                                   ? (uint32_t)(avail + avail / 4) : 0;
                if (avail > cfg->max_message) {
                    conn_fail(c, "unframed %s message exceeds max_message %llu",
                              c->proto->name,
                              (unsigned long long)cfg->max_message);
                }
                break;
            }
            if (rc < 0) {
                conn_fail(c, "bad unframed %s message: %s", c->proto->name,
                          err.message[0] ? err.message : pst_strerror(rc));
                break;
            }
            if (mlen == 0 || mlen > avail) {
                conn_fail(c, "unframed %s message of impossible length %zu",
                          c->proto->name, mlen);
                break;
            }
            hdr = 0;
        }
        int rc = s->opt.workers > 0 ? dispatch_job(c, p + hdr, mlen)
                                    : dispatch_inline(c, p + hdr, mlen);
        ran |= s->opt.workers <= 0;
        if (rc < 0)
            break;
        off += hdr + mlen;
        c->flags |= C_MSGDONE;
        if (over_high(c))
            c->flags |= C_PAUSED;
    }
    if (ran)
        handlers_ran(c->loop);
    return off;
}

/* ---- worker pool ---------------------------------------------------------- */

static void loop_wake_locked(nb_loop *l)
{
    if (!l->wake_pending) {
        uint64_t one = 1;
        l->wake_pending = true;
        ssize_t w = write(l->wake_io.fd, &one, sizeof one);
        (void)w; /* EAGAIN only if the counter is full: already readable */
    }
}

/* Give the jobs of this pass to the pool, with one lock. */
static void submit_batch(nb_loop *l)
{
    nb_job *head = l->batch_head;
    if (!head)
        return;
    nb_pool *pool = l->run->pool;
    l->batch_head = l->batch_tail = NULL;
    bool many = head->next != NULL;
    pthread_mutex_lock(&pool->mu);
    if (pool->tail)
        pool->tail->next = head;
    else
        pool->head = head;
    nb_job *t = head;
    while (t->next)
        t = t->next;
    pool->tail = t;
    if (many)
        pthread_cond_broadcast(&pool->cv);
    else
        pthread_cond_signal(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
}

static void *worker_main(void *arg)
{
    nb_pool *pool = arg;
    pst_server *s = pool->s;
    pst_arena arena;
    uint8_t *block = malloc(ARENA_BLOCK);
    pst_arena_init(&arena, block, block ? ARENA_BLOCK : 0, 0);
    for (;;) {
        pthread_mutex_lock(&pool->mu);
        while (!pool->head && !pool->quit)
            pthread_cond_wait(&pool->cv, &pool->mu);
        nb_job *j = pool->head;
        if (!j) {
            pthread_mutex_unlock(&pool->mu);
            break;
        }
        pool->head = j->next;
        if (!pool->head)
            pool->tail = NULL;
        pthread_mutex_unlock(&pool->mu);

        j->next = NULL;
        pst_wbuf_init(&j->reply, (size_t)s->opt.codec.max_message + 4);
        pst_error_clear(&j->err);
        j->rc = 0;
        if (j->framed) {
            j->rc = pst_wbuf_reserve(&j->reply, 4);
            if (j->rc == 0)
                j->reply.len = 4;
        }
        if (j->rc == 0)
            j->rc = pst_process(&s->proc, j->proto, j->req, j->len, &j->reply,
                                &arena, &s->opt.codec, &j->err);
        pst_arena_reset(&arena);
        if (j->rc == 0 && j->reply.err)
            j->rc = j->reply.err;

        nb_loop *l = j->conn->loop;
        pthread_mutex_lock(&l->mu);
        if (l->done_tail)
            l->done_tail->next = j;
        else
            l->done_head = j;
        l->done_tail = j;
        loop_wake_locked(l);
        pthread_mutex_unlock(&l->mu);
    }
    pst_arena_release(&arena);
    free(block);
    return NULL;
}

static void job_free(nb_job *j)
{
    pst_wbuf_free(&j->reply);
    free(j);
}

static void conn_update(nb_conn *c);

/* Move the finished replies at the head of c's job list to l->out, in
 * request order, and send them. */
static void conn_collect(nb_conn *c)
{
    nb_loop *l = c->loop;
    nb_job *j;
    while ((j = c->jobs_head) && j->done) {
        c->jobs_head = j->conn_next;
        if (!c->jobs_head)
            c->jobs_tail = NULL;
        c->inflight--;
        c->inflight_bytes -= j->len;
        if (!(c->flags & (C_CLOSED | C_DROP))) {
            const uint8_t *r = j->reply.data;
            size_t rl = j->reply.err ? 0 : j->reply.len;
            if (j->framed) {
                if (rl > 4)
                    wr_be32(j->reply.data, (uint32_t)(rl - 4));
                else
                    rl = 0;           /* oneway */
            }
            l->out.max = (size_t)1 << 62;  /* each reply was bounded */
            if (rl && pst_wbuf_append(&l->out, r, rl) < 0) {
                l->out.err = 0;
                conn_fail(c, "out of memory for a reply of %zu bytes", rl);
                c->flags |= C_DROP;
                in_drop(c);
            } else if (j->rc < 0) {
                /* like dispatch_inline: an exception may go out first */
                conn_fail(c, "request of %zu bytes cannot be answered: %s",
                          j->len, j->err.message[0] ? j->err.message
                                                     : pst_strerror(j->rc));
                c->flags |= C_DROP;
                in_drop(c);
            } else {
                l->calls_batch++;
            }
        }
        job_free(j);
    }
    if (c->flags & C_CLOSED) {
        l->out.len = 0;
        if (c->inflight == 0) {
            l->zombies--;
            c->next = l->graveyard;
            l->graveyard = c;
        }
        return;
    }
    if (conn_send(c) == 0)
        conn_update(c);
}

static void handle_done(nb_job *jobs)
{
    nb_conn *touched = NULL;
    for (nb_job *j = jobs; j; j = j->next) {
        j->done = true;
        nb_conn *c = j->conn;
        if (!(c->flags & C_TOUCHED)) {
            c->flags |= C_TOUCHED;
            c->touched_next = touched;
            touched = c;
        }
    }
    while (touched) {
        nb_conn *c = touched;
        touched = c->touched_next;
        c->flags &= (uint16_t)~C_TOUCHED;
        conn_collect(c);
    }
}

static int pool_start(nb_run *run)
{
    pst_server *s = run->s;
    nb_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return PST_E_NOMEM;
    pool->s = s;
    pool->threads = calloc((size_t)s->opt.workers, sizeof *pool->threads);
    if (!pool->threads) {
        free(pool);
        return PST_E_NOMEM;
    }
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
    run->pool = pool;
    for (int i = 0; i < s->opt.workers; i++) {
        int rc = pthread_create(&pool->threads[i], NULL, worker_main, pool);
        if (rc != 0)
            return -rc;
        pool->nthreads++;
    }
    return 0;
}

static void pool_stop(nb_run *run)
{
    nb_pool *pool = run->pool;
    if (!pool)
        return;
    pthread_mutex_lock(&pool->mu);
    pool->quit = true;
    pthread_cond_broadcast(&pool->cv);
    pthread_mutex_unlock(&pool->mu);
    for (int i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_cond_destroy(&pool->cv);
    pthread_mutex_destroy(&pool->mu);
    free(pool->threads);
    free(pool);
    run->pool = NULL;
}

/* ---- connection state machine --------------------------------------------- */

static void conn_start_linger(nb_conn *c)
{
    nb_loop *l = c->loop;
    in_drop(c);
    if (shutdown(c->io.fd, SHUT_WR) < 0) {
        conn_close(c, PST_LOG_DEBUG, NULL);
        return;
    }
    c->flags |= C_LINGER;
    if (pst__loop_mod(&l->loop, &c->io, EPOLLIN) < 0) {
        conn_close(c, PST_LOG_DEBUG, NULL);
        return;
    }
    pst__timer_arm(&l->loop, &l->linger_list, &c->timer);
}

/* The peer closed and every complete request it sent was answered: what is
 * left of c->in is a message it never finished. */
static void eof_drop_partial(nb_conn *c)
{
    char peer[80];
    pst__server_log(c->loop->s, PST_LOG_DEBUG, "%s: peer closed with %u bytes "
                    "of an incomplete message",
                    peer_name(c->io.fd, peer, sizeof peer), c->in_len);
    in_drop(c);
}

/* After any activity: resume from back-pressure, finish or linger when
 * done, set the epoll interest and the one timer that applies. */
static void conn_update(nb_conn *c)
{
    nb_loop *l = c->loop;
    if (c->flags & (C_CLOSED | C_LINGER))
        return;
    while ((c->flags & C_PAUSED) && !over_low(c)) {
        c->flags &= (uint16_t)~C_PAUSED;
        if (c->in_len && !(c->flags & C_ERROR)) {
            /* requests read while paused come first */
            size_t used = conn_process(c, c->in, c->in_len);
            if (c->flags & C_ERROR)
                in_drop(c);
            else
                in_consume(c, used);
            if (l->batch_head)
                submit_batch(l);
            if (conn_send(c) < 0)
                return;
        }
    }
    if ((c->flags & C_EOF) && c->in_len && !(c->flags & (C_PAUSED | C_ERROR)))
        eof_drop_partial(c);
    bool busy = out_pending(c) || c->inflight;
    bool done_reading = c->flags & (C_EOF | C_ERROR | C_DRAIN);
    if (done_reading && !busy) {
        if (c->flags & C_EOF)          /* the peer has nothing more to say */
            conn_close(c, PST_LOG_DEBUG, NULL);
        else
            conn_start_linger(c);
        return;
    }
    uint32_t ev = 0;
    if (!done_reading && !(c->flags & C_PAUSED))
        ev |= EPOLLIN;
    if (out_pending(c))
        ev |= EPOLLOUT;
    if (!(c->flags & C_HUP) && pst__loop_mod(&l->loop, &c->io, ev) < 0) {
        conn_closef(c, PST_LOG_ERROR, "epoll_ctl: %s", strerror(errno));
        return;
    }
    /* one timer at a time: write > read > idle (read and write fall back to
     * the idle timeout when their own is off) */
    pst__timer_list *want;
    bool refresh;
    if (out_pending(c)) {
        want = l->write_list.duration_ms > 0 ? &l->write_list : &l->idle_list;
        refresh = c->flags & C_WPROGRESS;
    } else if (c->inflight) {
        want = NULL;
        refresh = false;
    } else if (c->in_len && !done_reading) {
        want = l->read_list.duration_ms > 0 ? &l->read_list : &l->idle_list;
        refresh = want == &l->idle_list || (c->flags & C_MSGDONE);
    } else if (!done_reading) {
        want = &l->idle_list;
        refresh = true;
    } else {
        want = NULL;
        refresh = false;
    }
    if (!want)
        pst__timer_disarm(&c->timer);
    else if (c->timer.list != want || refresh)
        pst__timer_arm(&l->loop, want, &c->timer);
    c->flags &= (uint16_t)~(C_WPROGRESS | C_MSGDONE);
}

/* Lingering: read and drop until the peer closes. */
static void conn_linger_read(nb_conn *c)
{
    nb_loop *l = c->loop;
    for (int i = 0; i < 4; i++) {
        ssize_t n = recv(c->io.fd, l->scratch, READ_SCRATCH, 0);
        if (n > 0)
            continue;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        conn_close(c, PST_LOG_DEBUG, NULL);
        return;
    }
}

/* Read what is there (one recv, more only to finish a big unframed
 * message), then answer every complete request read. */
static void conn_read(nb_conn *c)
{
    nb_loop *l = c->loop;
    bool eof = false;
    ssize_t n;
    if (c->in_len) {
        /* Part of a message is kept already: read into its buffer. */
        size_t got = 0;
        for (;;) {
            if (c->in_len == c->in_cap &&
                in_reserve(c, in_target(c, c->in, c->in_len)) < 0) {
                conn_close(c, PST_LOG_ERROR, "out of memory for a partial message");
                return;
            }
            n = recv(c->io.fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
            if (n > 0) {
                c->in_len += (uint32_t)n;
                got += (size_t)n;
                /* An unframed message's end is found by walking it: do not
                 * walk a big one again for every few bytes, read on until it
                 * grew by a quarter or the socket is empty. */
                if (c->in_len >= c->rescan_at)
                    break;
                continue;
            }
            if (n == 0) {
                eof = true;
                break;
            }
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conn_closef(c, PST_LOG_DEBUG, "read failed: %s", strerror(errno));
            return;
        }
        if (got) {
            size_t used = conn_process(c, c->in, c->in_len);
            if (c->flags & C_ERROR)
                in_drop(c);
            else
                in_consume(c, used);
        }
    } else {
        /* The common case: into the loop's scratch, answer in place, keep
         * only an incomplete tail. */
        do
            n = recv(c->io.fd, l->scratch, READ_SCRATCH, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            conn_closef(c, PST_LOG_DEBUG, "read failed: %s", strerror(errno));
            return;
        }
        if (n == 0) {
            eof = true;
        } else {
            size_t used = conn_process(c, l->scratch, (size_t)n);
            if (!(c->flags & C_ERROR) && used < (size_t)n &&
                in_keep(c, l->scratch + used, (size_t)n - used) < 0) {
                conn_close(c, PST_LOG_ERROR, "out of memory for a partial message");
                return;
            }
        }
    }
    if (eof) {
        /* Peer is done sending: answer what is complete, then close. While
         * paused, c->in may still hold complete requests: conn_update
         * answers them as back-pressure eases, and only then drops what is
         * left (an incomplete message). */
        c->flags |= C_EOF;
    }
    if (l->batch_head)
        submit_batch(l);
    conn_send(c);
}

/* The peer hung up (both directions gone: a Unix socket's peer closed)
 * while we were not reading it: paused by back-pressure, or done reading.
 * What it sent still runs, as when a TCP peer closes: take the rest of its
 * bytes from the socket (while paused; the kernel's buffer bounds them),
 * mark it at end of stream, and stop watching the fd, whose HUP would
 * otherwise wake the loop without end. Replies cannot be delivered: the
 * first one written fails and closes the connection, logging what it drops.
 * Returns -1 when c was closed. */
static int conn_hung_up(nb_conn *c)
{
    nb_loop *l = c->loop;
    if ((c->flags & C_PAUSED) && !(c->flags & (C_EOF | C_ERROR | C_DRAIN))) {
        for (;;) {
            if (c->in_len == c->in_cap) {
                size_t cap = c->in_len * 2 > 4096 ? (size_t)c->in_len * 2 : 4096;
                if (in_reserve(c, cap) < 0) {
                    conn_close(c, PST_LOG_ERROR, "peer hung up; out of memory "
                               "for the requests it sent");
                    return -1;
                }
            }
            ssize_t n = recv(c->io.fd, c->in + c->in_len,
                             c->in_cap - c->in_len, 0);
            if (n > 0)
                c->in_len += (uint32_t)n;
            else if (!(n < 0 && errno == EINTR))
                break;              /* end of stream, or nothing more */
        }
    }
    c->flags |= C_EOF | C_HUP;
    pst__loop_del(&l->loop, &c->io);
    if (out_pending(c)) {
        if (conn_send(c) < 0)
            return -1;
        if (out_pending(c)) {
            conn_close(c, PST_LOG_INFO, "peer hung up with replies unsent");
            return -1;
        }
    }
    return 0;
}

static void conn_on_io(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    nb_conn *c = container_of(io, nb_conn, io);
    if (c->flags & C_CLOSED)
        return;
    if (c->flags & C_LINGER) {
        conn_linger_read(c);
        return;
    }
    if (events & EPOLLERR) {
        conn_close(c, PST_LOG_DEBUG, "socket error");
        return;
    }
    if ((events & EPOLLOUT) && conn_send(c) < 0)
        return;
    if (events & (EPOLLIN | EPOLLHUP)) {
        if (c->io.events & EPOLLIN)
            conn_read(c);
        else if ((events & EPOLLHUP) && conn_hung_up(c) < 0)
            return;
    }
    if (!(c->flags & C_CLOSED))
        conn_update(c);
}

/* ---- accepting ------------------------------------------------------------ */

static void conn_open(nb_loop *l, int fd)
{
    nb_conn *c = calloc(1, sizeof *c);
    if (!c) {
        pst__server_log(l->s, PST_LOG_ERROR,
                        "nonblocking: out of memory for a connection");
        close(fd);
        atomic_fetch_sub(&l->s->stats.active, 1);
        atomic_fetch_sub(&l->nconns, 1);
        return;
    }
    c->io.fd = fd;
    c->io.fn = conn_on_io;
    c->loop = l;
    c->next = l->conns;
    if (l->conns)
        l->conns->prev = c;
    l->conns = c;
    if (pst__loop_add(&l->loop, &c->io, EPOLLIN) < 0) {
        conn_closef(c, PST_LOG_ERROR, "epoll_ctl: %s", strerror(errno));
        return;
    }
    if (l->stopping)
        c->flags |= C_DRAIN;   /* handed over as we stop: never read it */
    conn_update(c);
}

/* The running loop with the fewest connections, this one on a tie. A loop
 * that has exited (its count is zero for good) is never chosen. */
nb_loop *pst__nb_pick_loop(nb_loop *self)
{
    nb_run *run = self->run;
    nb_loop *best = self;
    unsigned bestn = atomic_load(&self->nconns);
    for (int i = 0; i < run->nloops; i++) {
        if (atomic_load_explicit(&run->loops[i].gone, memory_order_relaxed))
            continue;
        unsigned n = atomic_load(&run->loops[i].nconns);
        if (n < bestn) {
            best = &run->loops[i];
            bestn = n;
        }
    }
    return best;
}

static void hand_over(nb_loop *l, nb_loop *to, int fd)
{
    pthread_mutex_lock(&to->mu);
    if (to->exited) {
        /* it exited after pick_loop looked: keep the connection here */
        pthread_mutex_unlock(&to->mu);
        atomic_fetch_sub(&to->nconns, 1);
        atomic_fetch_add(&l->nconns, 1);
        conn_open(l, fd);
        return;
    }
    if (to->inbox_len == to->inbox_cap) {
        size_t cap = to->inbox_cap ? to->inbox_cap * 2 : 16;
        int *p = realloc(to->inbox, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&to->mu);
            atomic_fetch_sub(&to->nconns, 1);
            atomic_fetch_add(&l->nconns, 1);
            conn_open(l, fd);        /* keep it here instead */
            return;
        }
        to->inbox = p;
        to->inbox_cap = cap;
    }
    to->inbox[to->inbox_len++] = fd;
    loop_wake_locked(to);
    pthread_mutex_unlock(&to->mu);
}

static void listen_resume(nb_loop *l)
{
    uint32_t ev = EPOLLIN | (l->run->nloops > 1 ? EPOLLEXCLUSIVE : 0);
    if (l->stopping || l->listening)
        return;
    if (pst__loop_add(&l->loop, &l->listen_io, ev) == 0)
        l->listening = true;
    else
        pst__timer_arm(&l->loop, &l->accept_list, &l->accept_timer);
}

static void on_accept_timer(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    listen_resume(container_of(t, nb_loop, accept_timer));
}

static void on_listen(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    (void)events;
    nb_loop *l = container_of(io, nb_loop, listen_io);
    pst_server *s = l->s;
    uint64_t max = s->opt.max_connections > 0 ? (uint64_t)s->opt.max_connections : 0;
    for (int i = 0; i < ACCEPT_BATCH && !atomic_load(&s->stopping); i++) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            if (e == EINTR || e == ECONNABORTED || e == EPROTO)
                continue;
            if (e == EAGAIN || e == EWOULDBLOCK)
                return;
            /* EMFILE, ENFILE, ENOBUFS...: the socket stays readable, so
             * step back instead of spinning */
            pst__server_log(s, PST_LOG_ERROR, "nonblocking: accept: %s; "
                            "pausing accepts for %d ms", strerror(e),
                            ACCEPT_PAUSE_MS);
            pst__loop_del(&l->loop, &l->listen_io);
            l->listening = false;
            pst__timer_arm(&l->loop, &l->accept_list, &l->accept_timer);
            return;
        }
        uint64_t before = atomic_fetch_add(&s->stats.active, 1);
        if (max && before >= max) {
            atomic_fetch_sub(&s->stats.active, 1);
            atomic_fetch_add(&s->stats.refused, 1);
            char peer[80];
            pst__server_log(s, PST_LOG_INFO, "%s: refused: max_connections "
                            "(%d) reached", peer_name(fd, peer, sizeof peer),
                            s->opt.max_connections);
            close(fd);
            continue;
        }
        atomic_fetch_add(&s->stats.accepted, 1);
        if (l->run->tcp) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        nb_loop *to = pst__nb_pick_loop(l);
        atomic_fetch_add(&to->nconns, 1);
        if (to == l)
            conn_open(l, fd);
        else
            hand_over(l, to, fd);
    }
}

/* ---- wake-ups, stop, timers ----------------------------------------------- */

static void on_wake(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    (void)events;
    nb_loop *l = container_of(io, nb_loop, wake_io);
    uint64_t v;
    ssize_t r = read(l->wake_io.fd, &v, sizeof v);
    (void)r;
    pthread_mutex_lock(&l->mu);
    nb_job *jobs = l->done_head;
    l->done_head = l->done_tail = NULL;
    int *fds = l->inbox;
    size_t nfds = l->inbox_len;
    l->inbox = NULL;
    l->inbox_len = l->inbox_cap = 0;
    l->wake_pending = false;
    pthread_mutex_unlock(&l->mu);
    for (size_t i = 0; i < nfds; i++)
        conn_open(l, fds[i]);
    free(fds);
    if (jobs)
        handle_done(jobs);
}

static void loop_begin_stop(nb_loop *l)
{
    if (l->stopping)
        return;
    l->stopping = true;
    pst__loop_del(&l->loop, &l->stop_io);
    if (l->listening)
        pst__loop_del(&l->loop, &l->listen_io);
    l->listening = false;
    pst__timer_disarm(&l->accept_timer);
    pst__timer_arm(&l->loop, &l->grace_list, &l->grace_timer);
    for (nb_conn *c = l->conns, *next; c; c = next) {
        next = c->next;
        c->flags |= C_DRAIN;
        conn_update(c);
    }
}

static void on_stop(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    (void)events;
    loop_begin_stop(container_of(io, nb_loop, stop_io));
}

static void on_grace(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_loop *l = container_of(t, nb_loop, grace_timer);
    unsigned n = 0;
    for (nb_conn *c = l->conns; c; c = c->next)
        n++;
    if (n)
        pst__server_log(l->s, PST_LOG_WARN, "nonblocking: stop: closing %u "
                        "connection(s) still busy after %lld ms", n,
                        (long long)l->grace_list.duration_ms);
    while (l->conns)
        conn_close(l->conns, PST_LOG_DEBUG, NULL);
}

static void on_idle_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = container_of(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    conn_closef(c, PST_LOG_INFO, "no message within the idle timeout of %d ms",
                c->loop->s->opt.idle_timeout_ms);
}

static void on_read_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = container_of(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    if (!c->proto)
        conn_closef(c, PST_LOG_INFO, "no complete first message within %d ms "
                    "(read timeout; %u bytes so far)",
                    c->loop->s->opt.read_timeout_ms, c->in_len);
    else
        conn_closef(c, PST_LOG_INFO, "message incomplete after the read "
                    "timeout of %d ms (%u bytes so far)",
                    c->loop->s->opt.read_timeout_ms, c->in_len);
}

static void on_write_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = container_of(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    conn_closef(c, PST_LOG_INFO, "reply write timed out after %d ms (the "
                "write timeout; peer took nothing, %zu bytes unsent)",
                c->loop->s->opt.write_timeout_ms, out_pending(c));
}

static void on_linger_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    conn_close(container_of(t, nb_conn, timer), PST_LOG_DEBUG, NULL);
}

/* ---- loops ---------------------------------------------------------------- */

static int loop_init(nb_run *run, nb_loop *l, int index)
{
    pst_server *s = run->s;
    l->run = run;
    l->s = s;
    l->index = index;
    pst_wbuf_init(&l->out, 0);
    int rc = pst__loop_init(&l->loop);
    if (rc < 0)
        return rc;
    pthread_mutex_init(&l->mu, NULL);
    l->mu_init = true;
    l->scratch = malloc(READ_SCRATCH);
    l->arena_block = malloc(ARENA_BLOCK);
    if (!l->scratch || !l->arena_block)
        return PST_E_NOMEM;
    pst_arena_init(&l->arena, l->arena_block, ARENA_BLOCK, 0);

    pst__loop *pl = &l->loop;
    pst__loop_add_timer_list(pl, &l->idle_list, s->opt.idle_timeout_ms,
                             on_idle_timeout);
    pst__loop_add_timer_list(pl, &l->read_list, s->opt.read_timeout_ms,
                             on_read_timeout);
    pst__loop_add_timer_list(pl, &l->write_list, s->opt.write_timeout_ms,
                             on_write_timeout);
    pst__loop_add_timer_list(pl, &l->linger_list, LINGER_MS, on_linger_timeout);
    pst__loop_add_timer_list(pl, &l->accept_list, ACCEPT_PAUSE_MS,
                             on_accept_timer);
    pst__loop_add_timer_list(pl, &l->grace_list,
                             s->opt.write_timeout_ms > 0 ? s->opt.write_timeout_ms
                                                         : STOP_GRACE_MS,
                             on_grace);

    l->wake_io.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->wake_io.fd < 0)
        return -errno;
    l->wake_io.fn = on_wake;
    if ((rc = pst__loop_add(pl, &l->wake_io, EPOLLIN)) < 0)
        return rc;
    l->stop_io.fd = s->stop_fd;
    l->stop_io.fn = on_stop;
    if ((rc = pst__loop_add(pl, &l->stop_io, EPOLLIN)) < 0)
        return rc;
    l->listen_io.fd = s->listen_fd;
    l->listen_io.fn = on_listen;
    uint32_t ev = EPOLLIN | (run->nloops > 1 ? EPOLLEXCLUSIVE : 0);
    if ((rc = pst__loop_add(pl, &l->listen_io, ev)) < 0)
        return rc;
    l->listening = true;
    return 0;
}

/* Connections handed over but never opened: close them. */
static void close_inbox(nb_loop *l, int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        close(fds[i]);
        atomic_fetch_sub(&l->s->stats.active, 1);
        atomic_fetch_sub(&l->nconns, 1);
    }
    free(fds);
}

/* loop_main is returning: no loop may hand this one a connection from now
 * on (pst__nb_pick_loop skips it, hand_over checks under the lock), and
 * those handed over before are closed rather than left waiting. */
static void loop_exit(nb_loop *l)
{
    pthread_mutex_lock(&l->mu);
    l->exited = true;
    atomic_store(&l->gone, true);
    int *fds = l->inbox;
    size_t n = l->inbox_len;
    l->inbox = NULL;
    l->inbox_len = l->inbox_cap = 0;
    pthread_mutex_unlock(&l->mu);
    close_inbox(l, fds, n);
}

/* Free what a loop holds; run after every thread that could touch it has
 * been joined. */
static void loop_cleanup(nb_loop *l)
{
    while (l->conns)
        conn_close(l->conns, PST_LOG_DEBUG, NULL);
    close_inbox(l, l->inbox, l->inbox_len);
    l->inbox = NULL;
    l->inbox_len = 0;
    /* finished jobs whose connections are gone (only after a failure) */
    while (l->done_head) {
        nb_job *j = l->done_head;
        l->done_head = j->next;
        nb_conn *c = j->conn;
        if (--c->inflight == 0 && (c->flags & C_CLOSED)) {
            c->next = l->graveyard;
            l->graveyard = c;
        }
        job_free(j);
    }
    free_graveyard(l);
    if (l->wake_io.fd >= 0)
        close(l->wake_io.fd);
    pst__loop_close(&l->loop);
    if (l->mu_init)
        pthread_mutex_destroy(&l->mu);
    pst_wbuf_free(&l->out);
    if (l->arena_block)
        pst_arena_release(&l->arena);
    free(l->arena_block);
    free(l->scratch);
}

static void *loop_main(void *arg)
{
    nb_loop *l = arg;
    for (;;) {
        int n = pst__loop_run_once(&l->loop, -1);
        free_graveyard(l);
        if (l->out.cap > SCRATCH_KEEP) {
            /* one huge reply should not pin its buffer for good */
            pst_wbuf_free(&l->out);
            pst_wbuf_init(&l->out, 0);
        }
        if (n < 0) {
            pst__server_log(l->s, PST_LOG_ERROR, "nonblocking: epoll_wait: "
                            "%s; closing this loop's connections",
                            pst_strerror(n));
            l->stopping = true;
            while (l->conns)
                conn_close(l->conns, PST_LOG_DEBUG, NULL);
            free_graveyard(l);
            break;
        }
        if (l->stopping && !l->conns && !l->zombies)
            break;
    }
    loop_exit(l);
    return NULL;
}

static bool listen_is_tcp(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return false;
    return ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
}

int pst__nonblocking_run(pst_server *s)
{
    nb_run run = { .s = s };
    long n = s->opt.io_threads > 0 ? s->opt.io_threads
                                   : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > 1024)
        n = 1024;
    run.nloops = (int)n;
    run.tcp = listen_is_tcp(s->listen_fd);
    run.loops = calloc((size_t)n, sizeof *run.loops);
    if (!run.loops)
        return PST_E_NOMEM;
    for (int i = 0; i < run.nloops; i++) {   /* safe to clean up from here */
        run.loops[i].s = s;
        run.loops[i].loop.epfd = -1;
        run.loops[i].wake_io.fd = -1;
    }
    int rc = 0;
    for (int i = 0; i < run.nloops && rc == 0; i++)
        rc = loop_init(&run, &run.loops[i], i);
    if (rc == 0 && s->opt.workers > 0)
        rc = pool_start(&run);
    if (rc < 0) {
        pst__server_log(s, PST_LOG_ERROR, "nonblocking: cannot start: %s",
                        pst_strerror(rc));
        goto out;
    }
    for (int i = 1; i < run.nloops; i++) {
        int e = pthread_create(&run.loops[i].thread, NULL, loop_main,
                               &run.loops[i]);
        if (e != 0) {
            rc = -e;
            pst__server_log(s, PST_LOG_ERROR, "nonblocking: cannot start "
                            "loop thread %d: %s; stopping", i, strerror(e));
            pst_server_stop(s);   /* the loops already running drain */
            break;
        }
        run.loops[i].thread_started = true;
    }
    loop_main(&run.loops[0]);
    for (int i = 1; i < run.nloops; i++)
        if (run.loops[i].thread_started)
            pthread_join(run.loops[i].thread, NULL);
out:
    pool_stop(&run);
    for (int i = 0; i < run.nloops; i++)
        loop_cleanup(&run.loops[i]);
    free(run.loops);
    return rc;
}
