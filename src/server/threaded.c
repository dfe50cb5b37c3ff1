/* threaded.c: the THREADED model: a thread per connection. The accepting
 * thread keeps every connection thread joinable and joins those that have
 * finished as it goes, and all of them before returning, so nothing of the
 * server is touched after pst_server_run returns. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "blocking.h"

typedef struct conn_thread {
    pthread_t thread;
    pst_server *server;
    int fd;
    atomic_bool done;
    struct conn_thread *next;
} conn_thread;

static void *conn_main(void *arg)
{
    conn_thread *ct = arg;
    pst__conn_serve(ct->server, ct->fd);
    atomic_store(&ct->done, true);
    return NULL;
}

/* Join finished threads (all of them when `all`); returns the rest. */
static conn_thread *reap(conn_thread *list, bool all)
{
    conn_thread **pp = &list;
    while (*pp) {
        conn_thread *ct = *pp;
        if (all || atomic_load(&ct->done)) {
            pthread_join(ct->thread, NULL);
            *pp = ct->next;
            free(ct);
        } else {
            pp = &ct->next;
        }
    }
    return list;
}

int pst__threaded_run(pst_server *s)
{
    conn_thread *threads = NULL;
    int rc = 0;
    for (;;) {
        int fd = pst__server_accept(s);
        if (fd < 0) {
            rc = fd == PST_E_STOPPED ? 0 : fd;
            break;
        }
        threads = reap(threads, false);
        conn_thread *ct = calloc(1, sizeof *ct);
        int err = ct ? 0 : ENOMEM;
        if (ct) {
            ct->server = s;
            ct->fd = fd;
            atomic_init(&ct->done, false);
            err = pthread_create(&ct->thread, NULL, conn_main, ct);
        }
        if (err) {
            pst__server_log(s, PST_LOG_ERROR,
                            "no thread for a new connection: %s", strerror(err));
            free(ct);
            pst__conn_drop(s, fd);
            continue;
        }
        ct->next = threads;
        threads = ct;
    }
    /* Stopping: connection threads see the stop flag and eventfd, finish
     * the call in hand and leave. */
    reap(threads, true);
    return rc;
}
