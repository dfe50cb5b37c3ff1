/*
 * nb_read.c: reading in the NONBLOCKING model: one recv into the loop's
 * scratch (more only to finish a big unframed message), the front door's
 * sniffing of a new connection, the per-connection buffer for the tail of a
 * message not complete yet, and the dispatch of every complete request:
 * answered inline on the loop thread, or copied into a job for the workers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/arena_internal.h"
#include "server/nb_internal.h"

/* ---- input buffer -------------------------------------------------------- */

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
void pst__nb_in_consume(nb_conn *c, size_t used)
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

size_t pst__nb_in_bound(const nb_conn *c)
{
    const pst_server_options *o = &c->loop->s->opt;
    return (size_t)o->codec.max_message + 65536 + 16384 + READ_SCRATCH;
}

int pst__nb_in_append(nb_conn *c, const uint8_t *p, size_t n)
{
    size_t need = (size_t)c->in_len + n;
    if (need > pst__nb_in_bound(c))
        return PST_E_LIMIT;
    if (need > c->in_cap) {
        size_t cap = (size_t)c->in_cap * 2 > 4096 ? (size_t)c->in_cap * 2 : 4096;
        if (in_reserve(c, cap > need ? cap : need) < 0)
            return PST_E_NOMEM;
    }
    memcpy(c->in + c->in_len, p, n);
    c->in_len += (uint32_t)n;
    return 0;
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

/* Append everything left in the socket to c->in without answering it (the
 * peer hung up while c was paused; the kernel's buffer bounds the bytes).
 * Returns 0, or -1 when c was closed. */
int pst__nb_conn_read_rest(nb_conn *c)
{
    if (PST__UNLIKELY(c->filter != NULL))
        return pst__nb_filter_read_rest(c);
    for (;;) {
        if (c->in_len == c->in_cap) {
            size_t cap = c->in_len * 2 > 4096 ? (size_t)c->in_len * 2 : 4096;
            if (in_reserve(c, cap) < 0) {
                pst__nb_conn_close(c, PST_LOG_ERROR,
                                   "peer hung up; out of memory "
                                   "for the requests it sent");
                return -1;
            }
        }
        ssize_t n = recv(c->io.fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
        if (n > 0) {
            c->in_len += (uint32_t)n;
            pst__conn_entry_count(&c->entry, (uint64_t)n, 0, 0);
        }
        else if (!(n < 0 && errno == EINTR))
            return 0;               /* end of stream, or nothing more */
    }
}

/* ---- requests ------------------------------------------------------------ */

static bool over_high(const nb_conn *c)
{
    return out_pending(c) + c->loop->out.len + c->inflight_bytes > OUT_HIGH ||
           c->inflight >= INFLIGHT_HIGH;
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
            pst__nb_conn_fail(c, "out of memory for a reply");
            return -1;
        }
        out->len += 4;
    }
    /* The bound is per reply, not for the whole batch. */
    out->max = out->len + (size_t)s->opt.codec.max_message;
    pst_error err;              /* only its head needs clearing */
    err.code = 0;
    err.message[0] = '\0';
    pst__call_report rep;
    uint64_t t0 = l->shard ? pst__mono_ns() : 0;
    int hskip = c->framed ? pst__header_nested(msg, len) : -1;
    int rc = hskip >= 0
                 ? pst__header_answer(&s->proc, msg, len, hskip, out, &l->arena,
                                      &s->opt.codec, &err, &rep)
                 : pst__process(&s->proc, c->proto, msg, len, out, &l->arena,
                                &s->opt.codec, &err, &rep);
    if (l->shard) {
        nb_count_call(l->shard, s, &rep, &t0);
        pst__metrics_bytes(l->shard, len + (c->framed ? 4 : 0), out->len - mark);
    }
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
        if (rep.over_memory)
            pst__server_call_over_memory(s, l->shard);
        /* The processor may have written an exception saying why (a
         * message that is not a call); it goes out before the close. */
        pst__nb_conn_fail(c, "request of %zu bytes cannot be answered: %s", len,
                          err.message[0] ? err.message : pst_strerror(rc));
        return -1;
    }
    l->calls_batch++;
    return 0;
}

/* Hand one request to the worker pool (sent with the pass's batch). */
static int dispatch_job(nb_conn *c, const uint8_t *msg, size_t len)
{
    nb_job *j = malloc(sizeof *j + len);
    if (!j) {
        pst__nb_conn_fail(c, "out of memory for a request of %zu bytes", len);
        return -1;
    }
    memset(j, 0, sizeof *j);
    memcpy(j->req, msg, len);
    j->len = len;
    j->conn = c;
    j->proto = c->proto;
    j->framed = c->framed;
    nb_job_enqueue(c, j);
    return 0;
}

/* A frame length conn_process_framed does not take: say which limit it
 * breaks (the same words as pst__nb_conn_process). */
static PST__COLD void frame_refused(nb_conn *c, uint32_t flen)
{
    const pst_codec_config *cfg = &c->loop->s->opt.codec;
    if (flen > cfg->max_frame)
        pst__nb_conn_fail(c, "frame of %u bytes exceeds max_frame %u", flen,
                          cfg->max_frame);
    else if (flen > cfg->max_message)
        pst__nb_conn_fail(c, "frame of %u bytes exceeds max_message %llu", flen,
                          (unsigned long long)cfg->max_message);
    else
        pst__nb_conn_fail(c, "empty frame (length 0)");
}

/* pst__nb_conn_process for what nearly every connection is once sniffed:
 * framed, handlers on the loop thread. The same steps as
 * pst__nb_conn_process and dispatch_inline, with what does not change
 * between requests read once and one check for the frame length's three
 * limits. */
static size_t conn_process_framed(nb_conn *c, const uint8_t *data, size_t len)
{
    nb_loop *l = c->loop;
    pst_server *s = l->s;
    const pst_codec_config *cfg = &s->opt.codec;
    const pst_protocol *proto = c->proto;
    pst_wbuf *out = &l->out;
    uint64_t max_message = cfg->max_message;
    /* a frame length must be 1..limit */
    uint64_t limit = cfg->max_frame < max_message ? cfg->max_frame
                                                  : max_message;
    pst_error err;
    size_t off = 0;
    /* over_high(c) without workers: nothing in flight, and c's unsent
     * output does not change while we answer */
    size_t pend = out_pending(c);
    pst__metrics_shard *sh = l->shard;
    nb_lat lat;
    nb_lat_begin(&lat, l);
    size_t out_before = out->len;
    while (len - off >= 4 && !(c->flags & (C_ERROR | C_PAUSED))) {
        const uint8_t *p = data + off;
        uint32_t flen = rd_be32(p);
        if (PST__UNLIKELY(flen - 1 >= limit)) {
            frame_refused(c, flen);
            break;
        }
        if (len - off - 4 < flen)
            break;
        size_t mark = out->len;
        if (PST__UNLIKELY(pst_wbuf_reserve(out, 4) < 0)) {
            out->err = 0;
            pst__nb_conn_fail(c, "out of memory for a reply");
            break;
        }
        out->len = mark + 4;
        /* The bound is per reply, not for the whole batch. */
        out->max = mark + 4 + (size_t)max_message;
        err.code = 0;               /* only its head needs clearing */
        err.message[0] = '\0';
        pst__call_report rep;
        /* a THeader frame: answered in its own format */
        int hskip = PST__UNLIKELY(p[4] == 0x0F || (flen >= 6 && p[8] == 0x0F))
                        ? pst__header_nested(p + 4, flen) : -1;
        int rc = hskip >= 0
                     ? pst__header_answer(&s->proc, p + 4, flen, hskip, out,
                                          &l->arena, cfg, &err, &rep)
                     : pst__process(&s->proc, proto, p + 4, flen, out,
                                    &l->arena, cfg, &err, &rep);
        pst__arena_reset(&l->arena);
        nb_lat_call(&lat, s, &rep);
        if (PST__UNLIKELY(out->err)) {     /* a reply cut short: drop it */
            if (rc == 0)
                rc = out->err;
            out->len = mark;
            out->err = 0;
        }
        frame_reply(out, mark);
        if (PST__UNLIKELY(rc < 0)) {
            if (rep.over_memory)
                pst__server_call_over_memory(s, sh);
            /* The processor may have written an exception saying why (a
             * message that is not a call); it goes out before the close. */
            pst__nb_conn_fail(c, "request of %u bytes cannot be answered: %s",
                              flen, err.message[0] ? err.message
                                                   : pst_strerror(rc));
            break;
        }
        l->calls_batch++;
        off += 4 + (size_t)flen;
        c->flags |= C_MSGDONE;
        if (PST__UNLIKELY(pend + out->len > OUT_HIGH))
            c->flags |= C_PAUSED;
    }
    if (off || (c->flags & C_ERROR))
        handlers_ran(l);
    if (sh) {
        nb_lat_flush(&lat);
        pst__metrics_bytes(sh, off, out->len - out_before);
    }
    return off;
}

/* Answer (or hand to the workers) every complete request in [data,
 * data+len). Returns the bytes consumed; stops early at a partial message,
 * at back-pressure (C_PAUSED) or at an error (C_ERROR, connection to be
 * closed once earlier replies are out). */
size_t pst__nb_conn_process(nb_conn *c, const uint8_t *data, size_t len)
{
    pst__call_conn_id = c->entry.id; /* for taps: whose calls run now */
    pst_server *s = c->loop->s;
    const pst_codec_config *cfg = &s->opt.codec;
    size_t off = 0;
    bool ran = false;              /* a handler ran on this thread */
    c->rescan_at = 0;
    if (PST__LIKELY(c->proto && c->framed && s->opt.workers <= 0))
        return conn_process_framed(c, data, len);
    if (c->flags & C_HTTP)
        return pst__nb_http_process(c, data, len);
    while (off < len && !(c->flags & (C_ERROR | C_PAUSED))) {
        const uint8_t *p = data + off;
        size_t avail = len - off, hdr, mlen;
        if (!c->proto) {
            if (PST__UNLIKELY(s->opt.tls != PST_TLS_OFF) && !c->filter &&
                !(c->flags & C_UPGRADED)) {
                pst__tls_sniff ts = pst__sniff_tls(&s->opt, p, avail);
                if (ts == PST__TLS_SNIFF_MORE)
                    break;
                if (ts == PST__TLS_SNIFF_TLS) {
                    off += pst__nb_tls_start(c, p, avail);
                    break;
                }
                if (ts == PST__TLS_SNIFF_REFUSED) {
                    pst__nb_conn_fail(c, "first byte %02x is not a TLS "
                                      "handshake, and this server speaks only "
                                      "TLS", p[0]);
                    break;
                }
            }
            pst_sniff sn;
            pst__sniff(&s->opt, p, avail, &sn);
            if (sn.kind == PST_SNIFF_NEED_MORE) {
                if (avail < SNIFF_MAX)
                    break;
                sn.kind = PST_SNIFF_UNKNOWN;
            }
            if (PST__UNLIKELY(c->flags & C_ZLIB) &&
                (sn.kind == PST_SNIFF_HTTP || sn.kind == PST_SNIFF_ZLIB)) {
                pst__nb_conn_fail(c, "inside a zlib stream: %s, not Thrift",
                                  sn.kind == PST_SNIFF_HTTP ? "HTTP"
                                                            : "zlib again");
                break;
            }
            if (sn.kind == PST_SNIFF_HTTP) {
                off += pst__nb_conn_start_http(c, p, avail);
                break;
            }
            if (sn.kind == PST_SNIFF_ZLIB) {
                off += pst__nb_zlib_start(c, p, avail);
                break;
            }
            if (sn.kind != PST_SNIFF_THRIFT) {
                char hex[3 * 8 + 1];
                size_t used = 0;
                for (size_t k = 0; k < avail && k < 8; k++)
                    used += (size_t)snprintf(hex + used, sizeof hex - used,
                                             "%s%02x", k ? " " : "", p[k]);
                bool pinned = s->opt.protocol ||
                              s->opt.framing != PST_FRAMING_AUTO;
                pst__nb_conn_fail(c, "first bytes %s are neither Thrift "
                                  "(binary, compact, framed or not%s) nor "
                                  "HTTP", hex,
                                  pinned ? "; pinned by the options" : "");
                break;
            }
            c->proto = sn.protocol;
            c->framed = sn.framing == PST_FRAMING_FRAMED;
            if (!(c->flags & C_UPGRADED)) /* else counted as CONNECT */
                pst__metrics_kind(c->loop->shard, PST__KIND_COUNT, pst__nb_conn_kind(c));
            pst__conn_entry_kind(&c->entry, pst__nb_conn_kind(c));
            if (s->opt.log_level >= PST_LOG_DEBUG) {
                char peer[80];
                pst__server_log(s, PST_LOG_DEBUG, "%s: speaks %s %s",
                                pst__nb_peer_name(c->io.fd, peer, sizeof peer),
                                c->proto->name,
                                c->framed ? "framed" : "unframed");
            }
        }
        if (c->framed) {
            if (avail < 4)
                break;
            uint32_t flen = rd_be32(p);
            if (flen > cfg->max_frame) {
                pst__nb_conn_fail(c, "frame of %u bytes exceeds max_frame %u",
                                  flen,
                                  cfg->max_frame);
                break;
            }
            if (flen > cfg->max_message) {
                pst__nb_conn_fail(c, "frame of %u bytes exceeds "
                                  "max_message %llu", flen,
                                  (unsigned long long)cfg->max_message);
                break;
            }
            if (flen == 0) {
                pst__nb_conn_fail(c, "empty frame (length 0)");
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
                    pst__nb_conn_fail(c, "unframed %s message exceeds "
                                      "max_message %llu",
                                      c->proto->name,
                                      (unsigned long long)cfg->max_message);
                }
                break;
            }
            if (rc < 0) {
                pst__nb_conn_fail(c, "bad unframed %s message: %s",
                                  c->proto->name,
                                  err.message[0] ? err.message
                                                 : pst_strerror(rc));
                break;
            }
            if (mlen == 0 || mlen > avail) {
                pst__nb_conn_fail(c, "unframed %s message of impossible "
                                  "length %zu", c->proto->name, mlen);
                break;
            }
            hdr = 0;
        }
        /* THeader frames are answered on the loop thread (the workers
         * speak the connection's protocol only): in order, so only when
         * none of the connection's requests is still with the workers. */
        bool inline_call = s->opt.workers <= 0 ||
                           (c->framed && pst__header_nested(p + hdr, mlen) >= 0);
        if (s->opt.workers > 0 && inline_call && c->inflight > 0) {
            pst__nb_conn_fail(c, "a header frame pipelined behind %u requests "
                              "still with the workers: not answered in order",
                              (unsigned)c->inflight);
            break;
        }
        int rc = inline_call ? dispatch_inline(c, p + hdr, mlen)
                             : dispatch_job(c, p + hdr, mlen);
        ran |= inline_call;
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

/* ---- reading ------------------------------------------------------------- */

/* The peer closed and every complete request it sent was answered: what is
 * left of c->in is a message it never finished. */
void pst__nb_eof_drop_partial(nb_conn *c)
{
    char peer[80];
    pst__server_log(c->loop->s, PST_LOG_DEBUG, "%s: peer closed with %u bytes "
                    "of an incomplete message",
                    pst__nb_peer_name(c->io.fd, peer, sizeof peer), c->in_len);
    in_drop(c);
}

/* Read what is there (one recv, more only to finish a big unframed
 * message), then answer every complete request read. */
void pst__nb_conn_read(nb_conn *c)
{
    nb_loop *l = c->loop;
    bool eof = false;
    ssize_t n;
    if (PST__UNLIKELY(c->filter != NULL)) {
        pst__nb_filter_read(c);
        return;
    }
    if (c->in_len) {
        /* Part of a message is kept already: read into its buffer. */
        size_t got = 0;
        for (;;) {
            if (c->in_len == c->in_cap &&
                in_reserve(c, in_target(c, c->in, c->in_len)) < 0) {
                pst__nb_conn_close(c, PST_LOG_ERROR,
                                   "out of memory for a partial message");
                return;
            }
            n = recv(c->io.fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
            if (n > 0) {
                c->in_len += (uint32_t)n;
                pst__conn_entry_count(&c->entry, (uint64_t)n, 0, 0);
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
            pst__nb_conn_closef(c, PST_LOG_DEBUG, "read failed: %s",
                                strerror(errno));
            return;
        }
        if (got) {
            size_t used = pst__nb_conn_process(c, c->in, c->in_len);
            if (c->flags & C_ERROR)
                in_drop(c);
            else
                pst__nb_in_consume(c, used);
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
            pst__nb_conn_closef(c, PST_LOG_DEBUG, "read failed: %s",
                                strerror(errno));
            return;
        }
        if (n == 0) {
            eof = true;
        } else {
            pst__conn_entry_count(&c->entry, (uint64_t)n, 0, 0);
            size_t used = pst__nb_conn_process(c, l->scratch, (size_t)n);
            if (!(c->flags & C_ERROR) && used < (size_t)n &&
                in_keep(c, l->scratch + used, (size_t)n - used) < 0) {
                pst__nb_conn_close(c, PST_LOG_ERROR,
                                   "out of memory for a partial message");
                return;
            }
        }
    }
    if (eof) {
        /* Peer is done sending: answer what is complete, then close. While
         * paused, c->in may still hold complete requests: pst__nb_conn_update
         * answers them as back-pressure eases, and only then drops what is
         * left (an incomplete message). */
        c->flags |= C_EOF;
    }
    if (l->batch_head)
        pst__nb_submit_batch(l);
    pst__nb_conn_send(c);
}
