/*
 * nb_accept.c: accepting in the NONBLOCKING model. Every loop watches the
 * shared listening socket (EPOLLEXCLUSIVE with several loops, so one idle
 * loop wakes per connection); the loop that accepts hands the connection to
 * the running loop with the fewest connections, through that loop's inbox
 * and eventfd. Accepting pauses for a while when the process is out of
 * descriptors, and stops with the server. Loop 0 also watches the admin
 * port, when there is one, and keeps what it accepts there.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/nb_internal.h"

/* ---- choosing a loop ----------------------------------------------------- */

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
        pst__nb_conn_open(l, fd);
        return;
    }
    if (to->inbox_len == to->inbox_cap) {
        size_t cap = to->inbox_cap ? to->inbox_cap * 2 : 16;
        int *p = realloc(to->inbox, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&to->mu);
            atomic_fetch_sub(&to->nconns, 1);
            atomic_fetch_add(&l->nconns, 1);
            pst__nb_conn_open(l, fd);        /* keep it here instead */
            return;
        }
        to->inbox = p;
        to->inbox_cap = cap;
    }
    to->inbox[to->inbox_len++] = fd;
    pst__nb_loop_wake_locked(to);
    pthread_mutex_unlock(&to->mu);
}

/* ---- accepting ----------------------------------------------------------- */

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
    listen_resume(PST__CONTAINER_OF(t, nb_loop, accept_timer));
}

/* Accept what is waiting on the listening socket lfd. */
static void accept_from(nb_loop *l, pst__io *io)
{
    pst_server *s = l->s;
    uint64_t max = s->opt.max_connections > 0
                       ? (uint64_t)s->opt.max_connections : 0;
    for (int i = 0; i < ACCEPT_BATCH && !atomic_load(&s->stopping); i++) {
        int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
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
            if (io == &l->listen_io) {
                pst__loop_del(&l->loop, &l->listen_io);
                l->listening = false;
                pst__timer_arm(&l->loop, &l->accept_list, &l->accept_timer);
            }
            return;
        }
        uint64_t before = atomic_fetch_add(&s->stats.active, 1);
        if (max && before >= max) {
            atomic_fetch_sub(&s->stats.active, 1);
            atomic_fetch_add(&s->stats.refused, 1);
            char peer[80];
            pst__server_log(s, PST_LOG_INFO, "%s: refused: max_connections "
                            "(%d) reached",
                            pst__nb_peer_name(fd, peer, sizeof peer),
                            s->opt.max_connections);
            close(fd);
            continue;
        }
        atomic_fetch_add(&s->stats.accepted, 1);
        if (l->run->tcp) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        /* admin connections (pages) stay on the loop that watches them */
        nb_loop *to = io == &l->listen_io ? pst__nb_pick_loop(l) : l;
        atomic_fetch_add(&to->nconns, 1);
        if (to == l)
            pst__nb_conn_open(l, fd);
        else
            hand_over(l, to, fd);
    }
}

static void on_listen(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    (void)events;
    accept_from(PST__CONTAINER_OF(io, nb_loop, listen_io), io);
}

static void on_admin_listen(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    (void)events;
    accept_from(PST__CONTAINER_OF(io, nb_loop, admin_io), io);
}

/* Watch the shared listening socket (EPOLLEXCLUSIVE when several loops
 * do). 0 or -errno. */
int pst__nb_accept_init(nb_loop *l)
{
    pst__loop_add_timer_list(&l->loop, &l->accept_list, ACCEPT_PAUSE_MS,
                             on_accept_timer);
    l->listen_io.fd = l->s->listen_fd;
    l->listen_io.fn = on_listen;
    uint32_t ev = EPOLLIN | (l->run->nloops > 1 ? EPOLLEXCLUSIVE : 0);
    int rc = pst__loop_add(&l->loop, &l->listen_io, ev);
    if (rc < 0)
        return rc;
    l->listening = true;
    /* the admin port's listener: loop 0 alone (pages are light) */
    l->admin_io.fd = -1;
    if (l->index == 0 && l->s->admin_fd >= 0) {
        l->admin_io.fd = l->s->admin_fd;
        l->admin_io.fn = on_admin_listen;
        rc = pst__loop_add(&l->loop, &l->admin_io, EPOLLIN);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Stop: accept no more (l->stopping is already set). */
void pst__nb_accept_stop(nb_loop *l)
{
    if (l->listening)
        pst__loop_del(&l->loop, &l->listen_io);
    l->listening = false;
    if (l->admin_io.fd >= 0) {
        pst__loop_del(&l->loop, &l->admin_io);
        l->admin_io.fd = -1;
    }
    pst__timer_disarm(&l->accept_timer);
}
