/* tls_bio.c: the BIO between OpenSSL and a TLS engine's own byte queues
 * (tls_internal.h). OpenSSL's memory BIOs grew and shrank their buffers
 * with nearly every record, a malloc and a free per record each way; these
 * queues keep their buffers while they are small, so a connection's
 * records reuse the same bytes. */
#include <limits.h>
#include <openssl/bio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_internal.h"

/* A queue that drains keeps its buffer up to this size; a bigger one (a
 * large message passed through) goes back to the allocator, so idle
 * connections hold little. */
enum { KEEP_CAP = 20 * 1024, MIN_CAP = 4096 };

int pst__tls_bytes_put(pst__tls_bytes *q, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (q->off == q->len)
        q->off = q->len = 0;
    if (q->len + n > q->cap && q->off > 0) {
        /* reclaim the front first: what is left is usually a record's tail */
        memmove(q->data, q->data + q->off, q->len - q->off);
        q->len -= q->off;
        q->off = 0;
    }
    if (q->len + n > q->cap) {
        size_t cap = q->cap ? q->cap : MIN_CAP;
        while (cap < q->len + n) {
            if (cap > SIZE_MAX / 2)
                return PST_E_NOMEM;
            cap *= 2;
        }
        uint8_t *d = realloc(q->data, cap);
        if (!d)
            return PST_E_NOMEM;
        q->data = d;
        q->cap = cap;
    }
    memcpy(q->data + q->len, p, n);
    q->len += n;
    return 0;
}

void pst__tls_bytes_consume(pst__tls_bytes *q, size_t n)
{
    q->off += n;
    if (q->off < q->len)
        return;
    q->off = q->len = 0;
    if (q->cap > KEEP_CAP) {
        free(q->data);
        q->data = NULL;
        q->cap = 0;
    }
}

size_t pst__tls_bytes_take(pst__tls_bytes *q, void *buf, size_t cap)
{
    size_t n = q->len - q->off;
    if (n > cap)
        n = cap;
    if (n) {
        memcpy(buf, q->data + q->off, n);
        pst__tls_bytes_consume(q, n);
    }
    return n;
}

void pst__tls_bytes_free(pst__tls_bytes *q)
{
    free(q->data);
    memset(q, 0, sizeof *q);
}

/* ---- the BIO: reads from pipe->in, writes to pipe->out ---------------- */

static int pipe_write(BIO *b, const char *data, size_t n, size_t *written)
{
    pst__tls_pipe *pp = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (pst__tls_bytes_put(&pp->out, data, n) < 0)
        return 0;               /* out of memory: the SSL call fails */
    *written = n;
    return 1;
}

static int pipe_read(BIO *b, char *data, size_t n, size_t *got)
{
    pst__tls_pipe *pp = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    size_t k = pst__tls_bytes_take(&pp->in, data, n);
    if (k == 0) {
        /* nothing yet: "try again later", which OpenSSL reports as
         * SSL_ERROR_WANT_READ, never end of stream */
        BIO_set_retry_read(b);
        *got = 0;
        return 0;
    }
    *got = k;
    return 1;
}

static long pipe_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    (void)ptr;
    pst__tls_pipe *pp = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH:        /* bytes sit in `out` until taken: done */
        return 1;
    case BIO_CTRL_PENDING: {
        size_t n = pp->in.len - pp->in.off;
        return n > LONG_MAX ? LONG_MAX : (long)n;
    }
    case BIO_CTRL_WPENDING: {
        size_t n = pp->out.len - pp->out.off;
        return n > LONG_MAX ? LONG_MAX : (long)n;
    }
    default:
        return 0;
    }
}

static int pipe_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static BIO_METHOD *pipe_method;
static pthread_once_t pipe_once = PTHREAD_ONCE_INIT;

/* One method for the process, made on first use (never freed: BIOs of
 * every connection point at it). */
static void pipe_method_make(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
                                 "postern TLS pipe");
    if (!m)
        return;
    if (!BIO_meth_set_write_ex(m, pipe_write) || !BIO_meth_set_read_ex(m, pipe_read) ||
        !BIO_meth_set_ctrl(m, pipe_ctrl) || !BIO_meth_set_create(m, pipe_create)) {
        BIO_meth_free(m);
        return;
    }
    pipe_method = m;
}

BIO *pst__tls_pipe_bio_new(pst__tls_pipe *pp)
{
    pthread_once(&pipe_once, pipe_method_make);
    if (!pipe_method)
        return NULL;
    BIO *b = BIO_new(pipe_method);
    if (b)
        BIO_set_data(b, pp);
    return b;
}
