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
 * grace period (stop_grace_ms) is closed.
 *
 * This file runs the model: the loops, their threads, their wake-ups (the
 * inbox of handed-over connections and the done list of finished jobs) and
 * stop. Accepting, a connection's life, reading, replying and timers each
 * have their own file; nb_internal.h lists them and what they share.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "postern/arena.h"
#include "server/nb_internal.h"

/* ---- wake-ups ------------------------------------------------------------ */

/* Another thread left work in l's inbox or done list: make its epoll wait
 * return (once per wake-up; on_wake clears wake_pending). */
void pst__nb_loop_wake_locked(nb_loop *l)
{
    if (!l->wake_pending) {
        uint64_t one = 1;
        l->wake_pending = true;
        ssize_t w = write(l->wake_io.fd, &one, sizeof one);
        (void)w; /* EAGAIN only if the counter is full: already readable */
    }
}

static void on_wake(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    (void)events;
    nb_loop *l = PST__CONTAINER_OF(io, nb_loop, wake_io);
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
        pst__nb_conn_open(l, fds[i]);
    free(fds);
    if (jobs)
        pst__nb_handle_done(jobs);
}

/* ---- stop ---------------------------------------------------------------- */

/* Stop accepting, start the grace period, and let every connection finish
 * what it already read (C_DRAIN). */
static void loop_begin_stop(nb_loop *l)
{
    if (l->stopping)
        return;
    l->stopping = true;
    pst__loop_del(&l->loop, &l->stop_io);
    pst__nb_accept_stop(l);
    pst__timer_arm(&l->loop, &l->grace_list, &l->grace_timer);
    for (nb_conn *c = l->conns, *next; c; c = next) {
        next = c->next;
        c->flags |= C_DRAIN;
        pst__nb_conn_update(c);
    }
}

static void on_stop(pst__loop *pl, pst__io *io, uint32_t events)
{
    (void)pl;
    (void)events;
    loop_begin_stop(PST__CONTAINER_OF(io, nb_loop, stop_io));
}

/* ---- loops --------------------------------------------------------------- */

static int loop_init(nb_run *run, nb_loop *l, int index)
{
    pst_server *s = run->s;
    l->run = run;
    l->s = s;
    l->index = index;
    pst_wbuf_init(&l->out, 0);
    pst_wbuf_init(&l->plain, 0);
    pst_wbuf_init(&l->wire, 0);
    int rc = pst__loop_init(&l->loop);
    if (rc < 0)
        return rc;
    pthread_mutex_init(&l->mu, NULL);
    l->mu_init = true;
    l->scratch = malloc(READ_SCRATCH);
    l->arena_block = malloc(ARENA_BLOCK);
    l->shard = s->opt.metrics_off ? NULL : pst__metrics_acquire(&s->metrics);
    if (!l->scratch || !l->arena_block)
        return PST_E_NOMEM;
    pst_arena_init(&l->arena, l->arena_block, ARENA_BLOCK,
                   pst__server_call_memory(s));

    pst__loop *pl = &l->loop;
    pst__nb_timers_init(l);

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
    return pst__nb_accept_init(l);
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
        pst__nb_conn_close(l->conns, PST_LOG_DEBUG, NULL);
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
        pst__nb_job_free(j);
    }
    pst__nb_free_graveyard(l);
    if (l->wake_io.fd >= 0)
        close(l->wake_io.fd);
    pst__loop_close(&l->loop);
    if (l->mu_init)
        pthread_mutex_destroy(&l->mu);
    pst_wbuf_free(&l->out);
    pst_wbuf_free(&l->plain);
    pst_wbuf_free(&l->wire);
    if (l->arena_block)
        pst_arena_release(&l->arena);
    free(l->arena_block);
    free(l->scratch);
    free(l->front);
    free(l->spare_http);
    pst__metrics_release(&l->s->metrics, l->shard);
    l->shard = NULL;
}

static void *loop_main(void *arg)
{
    nb_loop *l = arg;
    for (;;) {
        int n = pst__loop_run_once(&l->loop, -1);
        pst__nb_free_graveyard(l);
        /* one huge reply should not pin its buffer for good */
        pst_wbuf *bufs[] = { &l->out, &l->plain, &l->wire };
        for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
            if (bufs[i]->cap > SCRATCH_KEEP) {
                pst_wbuf_free(bufs[i]);
                pst_wbuf_init(bufs[i], 0);
            }
        if (n < 0) {
            pst__server_log(l->s, PST_LOG_ERROR, "nonblocking: epoll_wait: "
                            "%s; closing this loop's connections",
                            pst_strerror(n));
            l->stopping = true;
            while (l->conns)
                pst__nb_conn_close(l->conns, PST_LOG_DEBUG, NULL);
            pst__nb_free_graveyard(l);
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

/* ---- run ----------------------------------------------------------------- */

/* io_threads 0: one loop per CPU this process may run on, less one. A loop
 * sleeps in epoll_wait between bursts and must get a CPU back as soon as
 * its sockets are ready; with a loop on every CPU, anything else that wants
 * one (the kernel's network work, the application's own threads, a client
 * or proxy on the same machine) makes loops queue for a CPU while the
 * requests of all their connections wait. On 2 vCPUs with the load
 * generator alongside, two loops had each waiting for a CPU longer than it
 * ran, and 4x to 8x the p99 of one loop (bench/README.md, "Default
 * settings"); on big machines one loop fewer costs little. */
static long default_loops(void)
{
    long cpus = 0;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        cpus = CPU_COUNT(&set);
    if (cpus < 1)
        cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 1 ? cpus - 1 : 1;
}

int pst__nonblocking_run(pst_server *s)
{
    nb_run run = { .s = s };
    long n = s->opt.io_threads > 0 ? s->opt.io_threads : default_loops();
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
        rc = pst__nb_pool_start(&run);
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
    pst__nb_pool_stop(&run);
    for (int i = 0; i < run.nloops; i++)
        loop_cleanup(&run.loops[i]);
    free(run.loops);
    return rc;
}
