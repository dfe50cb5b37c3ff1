/* memory.c: a byte stream over memory, for tests: reads come from a fixed
 * input (in pieces of at most max_read bytes, to exercise partial reads),
 * writes collect in an output buffer. Never waits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "postern/transport.h"

typedef struct memory_stream {
    pst_stream base;
    uint8_t *in;
    size_t in_len, in_pos, max_read;
    uint8_t *out;
    size_t out_len, out_cap;
    bool write_shut;
} memory_stream;

static int mem_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                    int timeout_ms, int wake_fd)
{
    (void)timeout_ms;
    (void)wake_fd;
    memory_stream *m = (memory_stream *)s;
    *got = 0;
    size_t left = m->in_len - m->in_pos;
    if (left == 0)
        return PST_E_CLOSED;
    size_t n = left < cap ? left : cap;
    if (m->max_read && n > m->max_read)
        n = m->max_read;
    memcpy(buf, m->in + m->in_pos, n);
    m->in_pos += n;
    *got = n;
    return 0;
}

static int mem_write(pst_stream *s, const struct iovec *iov, int iovcnt,
                     int timeout_ms)
{
    (void)timeout_ms;
    memory_stream *m = (memory_stream *)s;
    if (m->write_shut)
        return -EPIPE;
    for (int i = 0; i < iovcnt; i++) {
        size_t n = iov[i].iov_len;
        if (m->out_cap - m->out_len < n) {
            size_t ncap = m->out_cap ? m->out_cap : 256;
            while (ncap - m->out_len < n)
                ncap *= 2;
            uint8_t *nb = realloc(m->out, ncap);
            if (!nb)
                return PST_E_NOMEM;
            m->out = nb;
            m->out_cap = ncap;
        }
        if (n)
            memcpy(m->out + m->out_len, iov[i].iov_base, n);
        m->out_len += n;
    }
    return 0;
}

static int mem_shutdown_write(pst_stream *s)
{
    ((memory_stream *)s)->write_shut = true;
    return 0;
}

static int mem_fd(const pst_stream *s)
{
    (void)s;
    return -1;
}

static const char *mem_peer(const pst_stream *s)
{
    (void)s;
    return "memory";
}

static void mem_free(pst_stream *s)
{
    memory_stream *m = (memory_stream *)s;
    free(m->in);
    free(m->out);
    free(m);
}

static const pst_stream_ops memory_ops = {
    "memory", mem_read, mem_write, mem_shutdown_write, mem_fd, mem_peer,
    mem_free, NULL,
};

pst_stream *pst_stream_memory_new(const void *input, size_t n, size_t max_read)
{
    memory_stream *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->base.ops = &memory_ops;
    m->in = malloc(n ? n : 1);
    if (!m->in) {
        free(m);
        return NULL;
    }
    if (n)
        memcpy(m->in, input, n);
    m->in_len = n;
    m->max_read = max_read;
    return &m->base;
}

const uint8_t *pst_stream_memory_output(const pst_stream *s, size_t *len)
{
    if (!s || s->ops != &memory_ops) {
        *len = 0;
        return NULL;
    }
    const memory_stream *m = (const memory_stream *)s;
    *len = m->out_len;
    return m->out;
}
