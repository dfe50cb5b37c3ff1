/*
 * nb_conn.c: a connection's life in the NONBLOCKING model: opened on its
 * loop, driven by epoll events through one state machine (pst__nb_conn_update:
 * back-pressure, finishing, lingering, epoll interest, timer), closed with a
 * log line that says why and what it drops.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/front.h"
#include "server/nb_internal.h"

/* ---- lifetime ------------------------------------------------------------ */

/* "127.0.0.1:5678", "[::1]:5678" or "unix socket" for log lines. */
const char *pst__nb_peer_name(int fd, char *buf, size_t n)
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

pst__conn_kind pst__nb_conn_kind(const nb_conn *c)
{
    if (c->http)
        return pst__front_conn_kind(c->http);
    if (c->flags & C_HTTP)
        return PST__KIND_HTTP;  /* idle between requests */
    if (c->flags & C_UPGRADED)
        return PST__KIND_CONNECT;
    bool compact = c->proto == &pst_protocol_compact;
    if (c->framed)
        return compact ? PST__KIND_COMPACT_FRAMED : PST__KIND_BINARY_FRAMED;
    return compact ? PST__KIND_COMPACT : PST__KIND_BINARY;
}

static void conn_free(nb_conn *c)
{
    pst__nb_filter_free(c->filter);
    free(c->in);
    free(c->out);
    free(c->http);
    free(c);
}

/* Close c now, logging `why` (NULL: silently) at `level`. The struct lives
 * on until its jobs come back (workers) and the current wake-up ends. */
void pst__nb_conn_close(nb_conn *c, pst_log_level level, const char *why)
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
                        pst__nb_peer_name(c->io.fd, peer,
                                          sizeof peer), why, lost);
    }
    pst__loop_del(&l->loop, &c->io);
    pst__conn_unregister(&l->s->conns, &c->entry); /* before its fd closes */
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
    if ((c->flags & C_HTTP) || c->proto)
        pst__metrics_kind(l->shard, pst__nb_conn_kind(c), PST__KIND_COUNT);
    atomic_fetch_sub(&l->s->stats.active, 1);
    atomic_fetch_sub(&l->nconns, 1);
    if (c->inflight) {
        l->zombies++;           /* freed when the last job returns */
    } else {
        c->next = l->graveyard;
        l->graveyard = c;
    }
}

void pst__nb_conn_closef(nb_conn *c, pst_log_level level, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    pst__nb_conn_close(c, level, why);
}

void pst__nb_conn_fail(nb_conn *c, const char *fmt, ...)
{
    char why[300], peer[80];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    pst__server_log(c->loop->s, PST_LOG_WARN, "%s: closing: %s",
                    pst__nb_peer_name(c->io.fd, peer, sizeof peer), why);
    atomic_fetch_add(&c->loop->s->stats.protocol_errors, 1);
    c->flags |= C_ERROR;
}

void pst__nb_free_graveyard(nb_loop *l)
{
    while (l->graveyard) {
        nb_conn *c = l->graveyard;
        l->graveyard = c->next;
        conn_free(c);
    }
}

/* ---- state machine ------------------------------------------------------- */

/* An HTTP connection stays paused while its call is at the workers: the
 * requests after it wait in c->in, so answers leave in request order. */
static bool over_low(const nb_conn *c)
{
    return out_pending(c) + c->inflight_bytes > OUT_LOW ||
           c->inflight >= INFLIGHT_HIGH / 2 ||
           ((c->flags & C_HTTP) && c->inflight);
}

static void conn_start_linger(nb_conn *c)
{
    nb_loop *l = c->loop;
    in_drop(c);
    if (c->filter)
        pst__nb_filter_finish(c);   /* TLS: close_notify before the FIN */
    if (shutdown(c->io.fd, SHUT_WR) < 0) {
        pst__nb_conn_close(c, PST_LOG_DEBUG, NULL);
        return;
    }
    c->flags |= C_LINGER;
    if (pst__loop_mod(&l->loop, &c->io, EPOLLIN) < 0) {
        pst__nb_conn_close(c, PST_LOG_DEBUG, NULL);
        return;
    }
    pst__timer_arm(&l->loop, &l->linger_list, &c->timer);
}

/* After any activity: resume from back-pressure, finish or linger when
 * done, set the epoll interest and the one timer that applies. */
void pst__nb_conn_update(nb_conn *c)
{
    nb_loop *l = c->loop;
    if (c->flags & (C_CLOSED | C_LINGER))
        return;
    while ((c->flags & C_PAUSED) && !over_low(c)) {
        c->flags &= (uint16_t)~C_PAUSED;
        if (c->in_len && !(c->flags & C_ERROR)) {
            /* requests read while paused come first */
            if (c->filter) {
                pst__nb_filter_process(c);
            } else {
                size_t used = pst__nb_conn_process(c, c->in, c->in_len);
                if (c->flags & C_ERROR)
                    in_drop(c);
                else
                    pst__nb_in_consume(c, used);
            }
            if (l->batch_head)
                pst__nb_submit_batch(l);
            if (pst__nb_conn_send(c) < 0)
                return;
        }
    }
    if ((c->flags & C_EOF) && c->in_len && !(c->flags & (C_PAUSED | C_ERROR)))
        pst__nb_eof_drop_partial(c);
    bool busy = out_pending(c) || c->inflight;
    bool done_reading = c->flags & (C_EOF | C_ERROR | C_DRAIN);
    if (done_reading && !busy) {
        if (c->flags & C_EOF)          /* the peer has nothing more to say */
            pst__nb_conn_close(c, PST_LOG_DEBUG, NULL);
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
        pst__nb_conn_closef(c, PST_LOG_ERROR, "epoll_ctl: %s", strerror(errno));
        return;
    }
    pst__nb_conn_arm_timer(c, done_reading);
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
        pst__nb_conn_close(c, PST_LOG_DEBUG, NULL);
        return;
    }
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
    if ((c->flags & C_PAUSED) && !(c->flags & (C_EOF | C_ERROR | C_DRAIN)) &&
        pst__nb_conn_read_rest(c) < 0)
        return -1;
    c->flags |= C_EOF | C_HUP;
    pst__loop_del(&l->loop, &c->io);
    if (out_pending(c)) {
        if (pst__nb_conn_send(c) < 0)
            return -1;
        if (out_pending(c)) {
            pst__nb_conn_close(c, PST_LOG_INFO,
                               "peer hung up with replies unsent");
            return -1;
        }
    }
    return 0;
}

static void conn_on_io(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    nb_conn *c = PST__CONTAINER_OF(io, nb_conn, io);
    if (c->flags & C_CLOSED)
        return;
    if (c->flags & C_LINGER) {
        conn_linger_read(c);
        return;
    }
    if (events & EPOLLERR) {
        pst__nb_conn_close(c, PST_LOG_DEBUG, "socket error");
        return;
    }
    if ((events & EPOLLOUT) && pst__nb_conn_send(c) < 0)
        return;
    if (events & (EPOLLIN | EPOLLHUP)) {
        if (c->io.events & EPOLLIN)
            pst__nb_conn_read(c);
        else if ((events & EPOLLHUP) && conn_hung_up(c) < 0)
            return;
    }
    if (!(c->flags & C_CLOSED))
        pst__nb_conn_update(c);
}

/* ---- opening ------------------------------------------------------------- */

void pst__nb_conn_open(nb_loop *l, int fd)
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
    pst__conn_register(&l->s->conns, &c->entry, fd, NULL);
    c->next = l->conns;
    if (l->conns)
        l->conns->prev = c;
    l->conns = c;
    if (pst__loop_add(&l->loop, &c->io, EPOLLIN) < 0) {
        pst__nb_conn_closef(c, PST_LOG_ERROR, "epoll_ctl: %s", strerror(errno));
        return;
    }
    if (l->stopping)
        c->flags |= C_DRAIN;   /* handed over as we stop: never read it */
    pst__nb_conn_update(c);
}
