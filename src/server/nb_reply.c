/*
 * nb_reply.c: replying in the NONBLOCKING model: one send per pass of the
 * connection's unsent output and the loop's fresh replies, the unsent output
 * kept per connection (back-pressure counts it), and the worker pool: jobs
 * out in one batch per pass, finished jobs back through the owning loop's
 * done list, their replies sent in request order. Jobs are Thrift calls or
 * the front door's HTTP and JSON-RPC calls (nb_http.c runs and collects
 * those).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "server/nb_internal.h"
#include "tls/tls_internal.h"

/* ---- output -------------------------------------------------------------- */

/* A call counts once its reply is entirely in the kernel's hands (a reply
 * lost with its connection was not an answer). */
static void count_calls(nb_loop *l, uint64_t n)
{
    if (n)
        atomic_fetch_add(&l->s->stats.calls, n);
}

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

int pst__nb_out_append(nb_conn *c, const uint8_t *p, size_t n)
{
    return out_keep(c, p, n);
}

/* Write c's unsent output, then the loop's fresh replies, with one send
 * (sendmsg when there are both); keep what the socket did not take.
 * Returns 0, or -1 when c was closed. */
int pst__nb_conn_send(nb_conn *c)
{
    nb_loop *l = c->loop;
    /* a filter turns the fresh replies into wire bytes in c->out first */
    if (PST__UNLIKELY(c->filter != NULL) && l->out.len &&
        pst__nb_filter_output(c) < 0)
        return -1;
    size_t pend = out_pending(c), fresh = l->out.len;
    uint32_t fresh_calls = (uint32_t)l->calls_batch;
    l->calls_batch = 0;
    if (pend + fresh == 0) {
        count_calls(l, fresh_calls);      /* oneway calls: nothing to send */
        pst__conn_entry_count(&c->entry, 0, 0, fresh_calls);
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
            pst__nb_conn_closef(c, PST_LOG_INFO, "reply lost: write failed: %s",
                                strerror(errno));
            return -1;
        }
        n = 0;
    }
    size_t done = (size_t)n;
    pst__conn_entry_count(&c->entry, 0, done, fresh_calls);
    if (done)
        c->flags |= C_WPROGRESS;
    size_t from_pend = done < pend ? done : pend;
    c->out_off += from_pend;
    done -= from_pend;
    if (done < fresh && out_keep(c, l->out.data + done, fresh - done) < 0) {
        l->out.len = 0;
        pst__nb_conn_close(c, PST_LOG_ERROR,
                           "out of memory keeping unsent replies");
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

/* ---- worker pool --------------------------------------------------------- */

/* Give the jobs of this pass to the pool, with one lock. */
void pst__nb_submit_batch(nb_loop *l)
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
    pst_arena_init(&arena, block, block ? ARENA_BLOCK : 0,
                   pst__server_call_memory(s));
    pst__metrics_shard *sh = s->opt.metrics_off ? NULL
                                                : pst__metrics_acquire(&s->metrics);
    struct pst__front_scratch *front = NULL; /* HTTP jobs' request, on first use */
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
        /* What the handler may ask about its connection: the TLS peer and
         * the id the message log records. */
        pst__tls_set_current_identity(pst__nb_filter_identity(j->conn));
        pst__call_conn_id = j->conn->entry.id;
        if (PST__UNLIKELY(j->http)) {
            pst__nb_http_run(s, j, &front, &arena, sh);
        } else if (j->framed) {
            j->rc = pst_wbuf_reserve(&j->reply, 4);
            if (j->rc == 0)
                j->reply.len = 4;
        }
        if (j->rc == 0 && !j->http) {
            pst__call_report rep;
            uint64_t t0 = sh ? pst__mono_ns() : 0;
            j->rc = pst__process(&s->proc, j->proto, j->req, j->len, &j->reply,
                                 &arena, &s->opt.codec, &j->err, &rep);
            if (sh) {
                nb_count_call(sh, s, &rep, &t0);
                pst__metrics_bytes(sh, j->len + (j->framed ? 4 : 0), j->reply.len);
            }
            if (PST__UNLIKELY(rep.over_memory))
                pst__server_call_over_memory(s, sh);
        }
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
        pst__nb_loop_wake_locked(l);
        pthread_mutex_unlock(&l->mu);
    }
    pst__metrics_release(&s->metrics, sh);
    pst_arena_release(&arena);
    free(block);
    free(front);
    return NULL;
}

void pst__nb_job_free(nb_job *j)
{
    pst_wbuf_free(&j->reply);
    free(j);
}

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
        if (j->http && !(c->flags & (C_CLOSED | C_DROP))) {
            pst__nb_http_done(c, j);
        } else if (!(c->flags & (C_CLOSED | C_DROP))) {
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
                pst__nb_conn_fail(c, "out of memory for a reply of %zu bytes",
                                  rl);
                c->flags |= C_DROP;
                in_drop(c);
            } else if (j->rc < 0) {
                /* like dispatch_inline: an exception may go out first */
                pst__nb_conn_fail(c, "request of %zu bytes cannot be "
                                  "answered: %s", j->len,
                                  j->err.message[0] ? j->err.message
                                                    : pst_strerror(j->rc));
                c->flags |= C_DROP;
                in_drop(c);
            } else {
                l->calls_batch++;
            }
        }
        pst__nb_job_free(j);
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
    if (pst__nb_conn_send(c) == 0)
        pst__nb_conn_update(c);
}

void pst__nb_handle_done(nb_job *jobs)
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

int pst__nb_pool_start(nb_run *run)
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

void pst__nb_pool_stop(nb_run *run)
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
