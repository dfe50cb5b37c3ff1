/*
 * nb_filter.c: byte filters in the NONBLOCKING model (nb_internal.h says
 * what a filter is). The read side: one recv into the loop's scratch, the
 * wire bytes through the filter into c->in, then the requests complete in
 * c->in answered as after any read (or, when nothing was kept from before,
 * into the loop's `plain` and answered there). The write side: the pass's
 * replies through the filter into the loop's `wire`, which pst__nb_conn_send
 * then sends as the pass's output; only what the socket does not take is
 * kept in c->out. No buffer is allocated per call.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "server/nb_internal.h"
#include "tls/tls_internal.h"

typedef struct conn_sink {
    pst__nb_sink base;
    nb_conn *c;
} conn_sink;

static int put_in(pst__nb_sink *k, const uint8_t *p, size_t n)
{
    return pst__nb_in_append(((conn_sink *)k)->c, p, n);
}

static int put_out(pst__nb_sink *k, const uint8_t *p, size_t n)
{
    return pst__nb_out_append(((conn_sink *)k)->c, p, n) < 0 ? PST_E_NOMEM : 0;
}

/* Into the loop's buffer `w`: plain bytes of a read (bounded as c->in is:
 * they may stay there) or a pass's wire bytes. */
static int put_loop_buf(pst_wbuf *w, size_t bound, const uint8_t *p,
                        size_t n)
{
    if (w->len + n > bound)
        return PST_E_LIMIT;
    w->err = 0;
    w->max = SIZE_MAX;         /* bound checked above */
    return pst_wbuf_append(w, p, n) < 0 ? PST_E_NOMEM : 0;
}

static int put_plain(pst__nb_sink *k, const uint8_t *p, size_t n)
{
    nb_conn *c = ((conn_sink *)k)->c;
    return put_loop_buf(&c->loop->plain, pst__nb_in_bound(c), p, n);
}

static int put_wire(pst__nb_sink *k, const uint8_t *p, size_t n)
{
    nb_conn *c = ((conn_sink *)k)->c;
    return put_loop_buf(&c->loop->wire, SIZE_MAX, p, n);
}

const char *pst__nb_filter_identity(const nb_conn *c)
{
    const pst__nb_filter *f = c->filter;
    return f && f->ops->identity ? f->ops->identity(f) : NULL;
}

void pst__nb_filter_free(pst__nb_filter *f)
{
    if (f)
        f->ops->free(f);
}

/* The filter's input with its plain bytes into `in` (c->in, or the loop's
 * `plain`). */
static int feed_into(nb_conn *c, const uint8_t *p, size_t n, bool *eof,
                     pst__nb_sink *in_sink)
{
    conn_sink back = { { put_out }, c };
    pst_error err;
    pst_error_clear(&err);
    int rc = c->filter->ops->input(c->filter, p, n, in_sink, &back.base, &err);
    if (rc == 0)
        return 0;
    if (rc == PST_E_CLOSED) {
        *eof = true;
        return 0;
    }
    if (rc == PST_E_NOMEM) {
        /* not the peer's fault: logged, not counted; closed as a failure
         * is (callers may still hold c's buffers) */
        char peer[80];
        pst__server_log(c->loop->s, PST_LOG_ERROR, "%s: closing: out of memory "
                        "in the %s filter",
                        pst__nb_peer_name(c->io.fd, peer, sizeof peer),
                        c->filter->ops->name);
        c->flags |= C_ERROR;
        in_drop(c);
        return -1;
    }
    /* what the filter queued (an alert saying why) goes out, then close */
    if (rc == PST_E_LIMIT && !err.message[0])
        pst__nb_conn_fail(c, "%s: more than a message's bound arrived at once",
                          c->filter->ops->name);
    else
        pst__nb_conn_fail(c, "%s", err.message[0] ? err.message : pst_strerror(rc));
    in_drop(c);
    return -1;
}

int pst__nb_filter_feed(nb_conn *c, const uint8_t *p, size_t n, bool *eof)
{
    conn_sink in = { { put_in }, c };
    return feed_into(c, p, n, eof, &in.base);
}

/* The usual read of a filtered connection, with nothing kept from before:
 * its plain bytes into the loop's `plain`, answered there, only an
 * incomplete tail kept in c->in (as a plain read does with the scratch). */
static int feed_direct(nb_conn *c, const uint8_t *p, size_t n, bool *eof)
{
    nb_loop *l = c->loop;
    conn_sink in = { { put_plain }, c };
    l->plain.len = 0;
    int rc = feed_into(c, p, n, eof, &in.base);
    if (rc == 0 && l->plain.len && !(c->flags & (C_ERROR | C_PAUSED))) {
        pst__tls_set_current_identity(pst__nb_filter_identity(c));
        size_t used = pst__nb_conn_process(c, l->plain.data, l->plain.len);
        pst__tls_set_current_identity(NULL);
        if (!(c->flags & (C_ERROR | C_CLOSED)) && used < l->plain.len &&
            pst__nb_in_append(c, l->plain.data + used, l->plain.len - used) < 0) {
            l->plain.len = 0;
            pst__nb_conn_close(c, PST_LOG_ERROR,
                               "out of memory for a partial message");
            return -1;
        }
    } else if (rc == 0 && l->plain.len && !(c->flags & C_ERROR) &&
               pst__nb_in_append(c, l->plain.data, l->plain.len) < 0) {
        l->plain.len = 0;          /* paused: kept for later, as c->in is */
        pst__nb_conn_close(c, PST_LOG_ERROR, "out of memory for a partial message");
        return -1;
    }
    l->plain.len = 0;
    return rc;
}

void pst__nb_filter_process(nb_conn *c)
{
    pst__tls_set_current_identity(pst__nb_filter_identity(c));
    size_t used = pst__nb_conn_process(c, c->in, c->in_len);
    pst__tls_set_current_identity(NULL);
    if (c->flags & C_ERROR)
        in_drop(c);
    else
        pst__nb_in_consume(c, used);
}

void pst__nb_filter_read(nb_conn *c)
{
    nb_loop *l = c->loop;
    bool eof = false, kept = true;
    ssize_t n;
    do
        n = recv(c->io.fd, l->scratch, READ_SCRATCH, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        pst__nb_conn_closef(c, PST_LOG_DEBUG, "read failed: %s", strerror(errno));
        return;
    }
    if (n == 0) {
        eof = true;
    } else {
        pst__conn_entry_count(&c->entry, (uint64_t)n, 0, 0);
        kept = c->in_len > 0;
        int rc = kept ? pst__nb_filter_feed(c, l->scratch, (size_t)n, &eof)
                      : feed_direct(c, l->scratch, (size_t)n, &eof);
        if (rc < 0 && (c->flags & C_CLOSED))
            return;
    }
    /* feed_direct answered its bytes already; c->in holds only a tail */
    if (kept && c->in_len && !(c->flags & (C_ERROR | C_PAUSED)))
        pst__nb_filter_process(c);
    if (eof)
        c->flags |= C_EOF;
    if (l->batch_head)
        pst__nb_submit_batch(l);
    pst__nb_conn_send(c);
}

int pst__nb_filter_read_rest(nb_conn *c)
{
    nb_loop *l = c->loop;
    bool eof = false;
    for (;;) {
        ssize_t n = recv(c->io.fd, l->scratch, READ_SCRATCH, 0);
        if (n > 0) {
            pst__conn_entry_count(&c->entry, (uint64_t)n, 0, 0);
            if (pst__nb_filter_feed(c, l->scratch, (size_t)n, &eof) < 0)
                return (c->flags & C_CLOSED) ? -1 : 0;
            continue;
        }
        if (!(n < 0 && errno == EINTR))
            return 0;               /* end of stream, or nothing more */
    }
}

/* Trade the buffers of a and b, each keeping its own bound. */
static void wbuf_trade(pst_wbuf *a, pst_wbuf *b)
{
    pst_wbuf t = *a;
    a->data = b->data;
    a->len = b->len;
    a->cap = b->cap;
    b->data = t.data;
    b->len = t.len;
    b->cap = t.cap;
}

int pst__nb_filter_output(nb_conn *c)
{
    nb_loop *l = c->loop;
    conn_sink out = { { put_wire }, c };
    pst_error err;
    pst_error_clear(&err);
    l->wire.len = 0;
    l->wire.max = SIZE_MAX;
    int rc = c->filter->ops->output(c->filter, l->out.data, l->out.len,
                                    &out.base, &err);
    /* the wire bytes are what pst__nb_conn_send sends as this pass's */
    wbuf_trade(&l->out, &l->wire);
    l->wire.len = 0;
    if (rc < 0) {
        l->out.len = 0;
        pst__nb_conn_closef(c, PST_LOG_WARN, "reply lost: %s",
                            err.message[0] ? err.message : pst_strerror(rc));
        return -1;
    }
    return 0;
}

void pst__nb_filter_finish(nb_conn *c)
{
    if (!c->filter->ops->finish)
        return;
    conn_sink out = { { put_out }, c };
    c->filter->ops->finish(c->filter, &out.base);
    /* small, and the socket has room (nothing was pending): one try */
    while (out_pending(c)) {
        ssize_t n = send(c->io.fd, c->out + c->out_off, out_pending(c),
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0 && !(n < 0 && errno == EINTR))
            break;
        if (n > 0)
            c->out_off += (size_t)n;
    }
}
