/* pool.c: the POOL model: `workers` threads take accepted connections from
 * a bounded queue. While the queue is full the acceptor stops accepting
 * (connections wait in the kernel's backlog); a worker that takes from a
 * full queue wakes it through an eventfd. At stop, connections still queued
 * (never read from) are closed, and workers finish their connection's call
 * in hand. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "blocking.h"

typedef struct pool {
    pst_server *s;
    pthread_mutex_t mu;
    pthread_cond_t nonempty;
    int *fds;                 /* ring of queued connections */
    size_t cap, head, count;
    bool closing;
    int space_fd;             /* eventfd: the queue stopped being full */
} pool;

static void *worker_main(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->count == 0 && !p->closing)
            pthread_cond_wait(&p->nonempty, &p->mu);
        if (p->closing) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        bool was_full = p->count == p->cap;
        int fd = p->fds[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        atomic_fetch_sub(&p->s->stats.queued, 1);
        pthread_mutex_unlock(&p->mu);
        if (was_full) {
            uint64_t one = 1;
            ssize_t n = write(p->space_fd, &one, sizeof one);
            (void)n;
        }
        pst__conn_serve(p->s, fd);
    }
}

/* Wait until the queue has room: 1, 0 when stopping, or -errno when the
 * wait itself fails (logged; run returns it rather than pass for a stop). */
static int wait_for_room(pool *p)
{
    for (;;) {
        pthread_mutex_lock(&p->mu);
        bool full = p->count == p->cap;
        pthread_mutex_unlock(&p->mu);
        if (!full)
            return 1;
        struct pollfd w[2] = { { p->s->stop_fd, POLLIN, 0 },
                               { p->space_fd, POLLIN, 0 } };
        if (poll(w, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            pst__server_log(p->s, PST_LOG_ERROR,
                            "thread pool: waiting for queue room: %s",
                            strerror(e));
            return -e;
        }
        if (w[0].revents || atomic_load(&p->s->stopping))
            return 0;
        if (w[1].revents) {
            uint64_t v;
            ssize_t n = read(p->space_fd, &v, sizeof v);
            (void)n;
        }
    }
}

int pst__pool_run(pst_server *s)
{
    pool p;
    memset(&p, 0, sizeof p);
    p.s = s;
    p.cap = (size_t)s->opt.backlog;
    p.fds = calloc(p.cap, sizeof *p.fds);
    p.space_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int nworkers = s->opt.workers > 0 ? s->opt.workers : 4;
    pthread_t *workers = calloc((size_t)nworkers, sizeof *workers);
    if (!p.fds || !workers || p.space_fd < 0) {
        pst__server_log(s, PST_LOG_ERROR, "cannot set up the thread pool");
        free(p.fds);
        free(workers);
        if (p.space_fd >= 0)
            close(p.space_fd);
        return PST_E_NOMEM;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.nonempty, NULL);
    int started = 0, rc = 0;
    for (; started < nworkers; started++) {
        int e = pthread_create(&workers[started], NULL, worker_main, &p);
        if (e) {
            pst__server_log(s, PST_LOG_ERROR, "worker thread %d: %s", started,
                            strerror(e));
            rc = -e;
            break;
        }
    }
    while (rc == 0) {
        int room = wait_for_room(&p);
        if (room <= 0) {
            rc = room;
            break;
        }
        int fd = pst__server_accept(s);
        if (fd < 0) {
            rc = fd == PST_E_STOPPED ? 0 : fd;
            break;
        }
        pthread_mutex_lock(&p.mu);
        p.fds[(p.head + p.count) % p.cap] = fd;
        p.count++;
        atomic_fetch_add(&s->stats.queued, 1);
        pthread_cond_signal(&p.nonempty);
        pthread_mutex_unlock(&p.mu);
    }

    pthread_mutex_lock(&p.mu);
    p.closing = true;
    while (p.count > 0) {
        pst__conn_drop(s, p.fds[p.head]);
        p.head = (p.head + 1) % p.cap;
        p.count--;
        atomic_fetch_sub(&s->stats.queued, 1);
    }
    pthread_cond_broadcast(&p.nonempty);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < started; i++)
        pthread_join(workers[i], NULL);

    pthread_cond_destroy(&p.nonempty);
    pthread_mutex_destroy(&p.mu);
    close(p.space_fd);
    free(workers);
    free(p.fds);
    return rc;
}
