/* stream.c: the pst_stream entry points, thin calls through the ops. */
#include "postern/transport.h"
#include "transport_internal.h"

int pst_stream_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                    int timeout_ms, int wake_fd)
{
    return s->ops->read(s, buf, cap, got, timeout_ms, wake_fd);
}

int pst_stream_write(pst_stream *s, const struct iovec *iov, int iovcnt,
                     int timeout_ms)
{
    return s->ops->write(s, iov, iovcnt, timeout_ms);
}

int pst_stream_write_some(pst_stream *s, const struct iovec *iov, int iovcnt,
                          size_t *done)
{
    *done = 0;
    if (!s->ops->write_some)
        return PST_E_UNSUPPORTED;
    return s->ops->write_some(s, iov, iovcnt, done);
}

int pst_stream_shutdown_write(pst_stream *s)
{
    return s->ops->shutdown_write ? s->ops->shutdown_write(s) : 0;
}

int pst_stream_fd(const pst_stream *s)
{
    return s->ops->fd ? s->ops->fd(s) : -1;
}

const char *pst_stream_peer(const pst_stream *s)
{
    return s->ops->peer ? s->ops->peer(s) : s->ops->name;
}

void pst_stream_free(pst_stream *s)
{
    if (s)
        s->ops->free(s);
}

const char *pst__stream_detail(const pst_stream *s)
{
    const char *d = pst__zlib_stream_detail(s);
    return d ? d : pst__header_stream_detail(s);
}
