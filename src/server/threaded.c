/* threaded.c: the THREADED model: a thread per connection. A finished
 * connection thread puts itself on a done list, and a reaper thread joins
 * it at once, so an idle server holds no finished threads (and their
 * stacks) until the next connection arrives. Every thread is joined before
 * pst_server_run returns, so nothing of the server is touched after. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "blocking.h"

typedef struct conn_thread {
    pthread_t thread;
    struct threads *all;
    int fd;
    struct conn_thread *next;
} conn_thread;

typedef struct threads {
    pst_server *server;
    pthread_mutex_t mu;
    pthread_cond_t cv;       /* a thread finished, or closing was set */
    conn_thread *done;       /* finished, waiting to be joined */
    size_t running;          /* started and not yet joined */
    bool closing;            /* no more threads will start */
} threads;

static void *conn_main(void *arg)
{
    conn_thread *ct = arg;
    threads *all = ct->all;
    pst__conn_serve(all->server, ct->fd);
    pthread_mutex_lock(&all->mu);
    ct->next = all->done;
    all->done = ct;
    pthread_cond_signal(&all->cv);
    pthread_mutex_unlock(&all->mu);
    return NULL;
}

/* Join finished connection threads as they finish; once closing, until
 * none runs. */
static void *reaper_main(void *arg)
{
    threads *all = arg;
    pthread_mutex_lock(&all->mu);
    for (;;) {
        while (!all->done && !(all->closing && all->running == 0))
            pthread_cond_wait(&all->cv, &all->mu);
        if (!all->done)
            break;
        conn_thread *ct = all->done;
        all->done = ct->next;
        pthread_mutex_unlock(&all->mu);
        pthread_join(ct->thread, NULL);
        free(ct);
        atomic_fetch_sub(&all->server->threads_unjoined, 1);
        pthread_mutex_lock(&all->mu);
        all->running--;
    }
    pthread_mutex_unlock(&all->mu);
    return NULL;
}

int pst__threaded_run(pst_server *s)
{
    threads all;
    memset(&all, 0, sizeof all);
    all.server = s;
    pthread_mutex_init(&all.mu, NULL);
    pthread_cond_init(&all.cv, NULL);
    pthread_t reaper;
    int rc = pthread_create(&reaper, NULL, reaper_main, &all);
    if (rc != 0) {
        pst__server_log(s, PST_LOG_ERROR, "no reaper thread: %s",
                        strerror(rc));
        pthread_cond_destroy(&all.cv);
        pthread_mutex_destroy(&all.mu);
        return -rc;
    }
    for (;;) {
        int fd = pst__server_accept(s);
        if (fd < 0) {
            rc = fd == PST_E_STOPPED ? 0 : fd;
            break;
        }
        conn_thread *ct = calloc(1, sizeof *ct);
        int err = ct ? 0 : ENOMEM;
        if (ct) {
            ct->all = &all;
            ct->fd = fd;
            pthread_mutex_lock(&all.mu);
            err = pthread_create(&ct->thread, NULL, conn_main, ct);
            if (!err) {
                all.running++;
                atomic_fetch_add(&s->threads_unjoined, 1);
            }
            pthread_mutex_unlock(&all.mu);
        }
        if (err) {
            pst__server_log(s, PST_LOG_ERROR,
                            "no thread for a new connection: %s", strerror(err));
            free(ct);
            pst__conn_drop(s, fd);
        }
    }
    /* Stopping: connection threads see the stop flag and eventfd, finish
     * the call in hand (its reply within the stop grace) and leave; the
     * reaper joins every one of them, then ends. */
    pthread_mutex_lock(&all.mu);
    all.closing = true;
    pthread_cond_signal(&all.cv);
    pthread_mutex_unlock(&all.mu);
    pthread_join(reaper, NULL);
    pthread_cond_destroy(&all.cv);
    pthread_mutex_destroy(&all.mu);
    return rc;
}
