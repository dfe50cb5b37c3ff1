/*
 * nb_filter.c: byte filters in the NONBLOCKING model (nb_internal.h says
 * what a filter is). The read side: one recv into the loop's scratch, the
 * wire bytes through the filter into c->in, then the requests complete in
 * c->in answered as after any read. The write side: the pass's replies
 * through the filter into c->out, sent by pst__nb_conn_send as always.
 */
#include <errno.h>
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

int pst__nb_filter_feed(nb_conn *c, const uint8_t *p, size_t n, bool *eof)
{
    conn_sink in = { { put_in }, c }, back = { { put_out }, c };
    pst_error err;
    pst_error_clear(&err);
    int rc = c->filter->ops->input(c->filter, p, n, &in.base, &back.base, &err);
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
    bool eof = false;
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
        int rc = pst__nb_filter_feed(c, l->scratch, (size_t)n, &eof);
        if (rc < 0 && (c->flags & C_CLOSED))
            return;
    }
    if (c->in_len && !(c->flags & (C_ERROR | C_PAUSED)))
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

int pst__nb_filter_output(nb_conn *c)
{
    nb_loop *l = c->loop;
    conn_sink out = { { put_out }, c };
    pst_error err;
    pst_error_clear(&err);
    int rc = c->filter->ops->output(c->filter, l->out.data, l->out.len,
                                    &out.base, &err);
    l->out.len = 0;
    if (rc < 0) {
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
