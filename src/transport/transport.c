/* transport.c: what every message transport shares: the read buffer, its
 * growth within limits, deadlines, wake-ups, and error wording. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transport_internal.h"

/* Buffers start this big and grow by doubling, so a peer that announces a
 * large frame gets memory only as fast as it sends bytes. */
enum { INITIAL_CAPACITY = 8192, SHRINK_ABOVE = 256 * 1024 };

int64_t pst__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

pst_transport *pst__transport_new(const pst__transport_ops *ops, pst_stream *s,
                                  const pst_transport_options *o)
{
    if (!s)
        return NULL;
    pst_transport *t = calloc(1, sizeof *t);
    if (!t) {
        pst_stream_free(s);
        return NULL;
    }
    static const pst_transport_options defaults = PST_TRANSPORT_OPTIONS_INIT;
    t->ops = ops;
    t->stream = s;
    t->opt = o ? *o : defaults;
    if (t->opt.codec.max_frame == 0)
        t->opt.codec.max_frame = defaults.codec.max_frame;
    if (t->opt.codec.max_message == 0)
        t->opt.codec.max_message = defaults.codec.max_message;
    t->wake_fd = -1;
    return t;
}

void pst_transport_free(pst_transport *t)
{
    if (!t)
        return;
    pst_stream_free(t->stream);
    free(t->buf);
    if (t->ops->free_ext)
        t->ops->free_ext(t);
    free(t->ext);
    free(t);
}

void pst__transport_consume(pst_transport *t)
{
    t->start += t->pending;
    t->pending = 0;
    t->scanned = 0;
    t->started = false;
    if (t->start == t->end) {
        t->start = t->end = 0;
        /* A large message is done: give its memory back. */
        if (t->cap > SHRINK_ABOVE) {
            free(t->buf);
            t->buf = NULL;
            t->cap = 0;
        }
    }
}

void pst__transport_deliver(pst_transport *t, size_t n, const uint8_t **msg,
                            size_t *len)
{
    t->pending = n;
    t->scanned = 0;
    *msg = t->buf + t->start;
    *len = n;
}

/* Make cap - end >= room, moving unconsumed bytes to the front first. */
static int reserve(pst_transport *t, size_t room)
{
    if (t->cap - t->end >= room)
        return 0;
    size_t avail = t->end - t->start;
    if (t->start > 0) {
        memmove(t->buf, t->buf + t->start, avail);
        t->start = 0;
        t->end = avail;
        if (t->cap - t->end >= room)
            return 0;
    }
    size_t want = avail + room;
    size_t ncap = t->cap ? t->cap : INITIAL_CAPACITY;
    while (ncap < want)
        ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
    uint8_t *nb = realloc(t->buf, ncap);
    if (!nb)
        return PST_E_NOMEM;
    t->buf = nb;
    t->cap = ncap;
    return 0;
}

static int wait_timeout(pst_transport *t, size_t avail)
{
    if (avail == 0 && !t->started)
        return t->opt.idle_timeout_ms > 0 ? t->opt.idle_timeout_ms : -1;
    if (!t->started) {
        t->started = true;
        t->deadline_ms = t->opt.read_timeout_ms > 0
                             ? pst__now_ms() + t->opt.read_timeout_ms
                             : 0;
    }
    if (t->deadline_ms == 0)
        return -1;
    int64_t left = t->deadline_ms - pst__now_ms();
    return left > 0 ? (int)left : 0;
}

int pst__transport_fill(pst_transport *t, size_t room, size_t max_read,
                        int max_wait_ms, pst_error *err)
{
    size_t avail = t->end - t->start;
    if (t->wake_flag && atomic_load_explicit(t->wake_flag, memory_order_acquire))
        return pst_error_set(err, PST_E_STOPPED,
                             "stopping with %zu bytes of a message unread",
                             avail);
    if (room == 0)
        room = 1;
    if (reserve(t, room) < 0)
        return pst_error_set(err, PST_E_NOMEM,
                             "out of memory growing a read buffer to %zu bytes",
                             avail + room);
    int timeout = wait_timeout(t, avail);
    bool capped = false;
    if (max_wait_ms >= 0 && (timeout < 0 || max_wait_ms < timeout)) {
        timeout = max_wait_ms;
        capped = true;
    }
    size_t got = 0, space = t->cap - t->end;
    if (max_read && space > max_read)
        space = max_read;
    int rc = pst_stream_read(t->stream, t->buf + t->end, space, &got, timeout,
                             t->wake_fd);
    if (rc == 0) {
        t->end += got;
        return 0;
    }
    switch (rc) {
    case PST_E_TIMEOUT:
        if (capped)
            return PST_E_SHORT;
        if (avail == 0 && !t->started)
            return pst_error_set(err, rc,
                                 "no message within the idle timeout of %d ms",
                                 t->opt.idle_timeout_ms);
        return pst_error_set(err, rc,
                             "message incomplete after the read timeout of %d ms "
                             "(%zu bytes received)",
                             t->opt.read_timeout_ms, avail);
    case PST_E_CLOSED:
        if (avail == 0)
            return pst_error_set(err, rc, "connection closed by peer");
        return pst_error_set(err, rc,
                             "connection closed by peer after %zu bytes of a "
                             "message",
                             avail);
    case PST_E_STOPPED:
        return pst_error_set(err, rc,
                             "stopping with %zu bytes of a message unread",
                             avail);
    default: {
        const char *d = pst__stream_detail(t->stream);
        return pst_error_set(err, rc, "read from %s: %s",
                             pst_stream_peer(t->stream),
                             d && *d ? d : pst_strerror(rc));
    }
    }
}

/* The wake has fired: from now on writes end within the stop grace. */
static void note_stop(pst_transport *t)
{
    if (t->stop_deadline_ms == 0)
        t->stop_deadline_ms = pst__now_ms() + t->opt.stop_grace_ms;
}

static bool wake_flag_set(const pst_transport *t)
{
    return t->wake_flag &&
           atomic_load_explicit(t->wake_flag, memory_order_acquire);
}

/* A write that also waits on the wake fd, so that a peer that takes nothing
 * cannot hold a stopping server past its grace: a reply begun before the
 * stop may still finish within stop_grace_ms, none goes on after it. */
static int write_watching_stop(pst_transport *t, const struct iovec *iov_in,
                               int iovcnt, int fd, pst_error *err)
{
    enum { MAX_IOV = 16 };
    struct iovec iov[MAX_IOV];
    if (iovcnt > MAX_IOV || iovcnt < 0)
        return pst_error_set(err, PST_E_INVALID, "write of %d pieces",
                             iovcnt);
    memcpy(iov, iov_in, sizeof iov[0] * (size_t)iovcnt);
    struct iovec *v = iov;
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++)
        total += iov[i].iov_len;
    int64_t deadline = t->opt.write_timeout_ms > 0
                           ? pst__now_ms() + t->opt.write_timeout_ms
                           : 0;
    if (wake_flag_set(t))
        note_stop(t);
    size_t sent = 0;
    for (;;) {
        while (iovcnt > 0 && v->iov_len == 0) {
            v++;
            iovcnt--;
        }
        if (iovcnt == 0)
            return 0;
        size_t done = 0;
        int rc = pst_stream_write_some(t->stream, v, iovcnt, &done);
        if (rc < 0)
            return pst_error_set(err, rc, "write to %s: %s",
                                 pst_stream_peer(t->stream), pst_strerror(rc));
        sent += done;
        while (iovcnt > 0 && done >= v->iov_len) {
            done -= v->iov_len;
            v++;
            iovcnt--;
        }
        if (iovcnt > 0) {
            v->iov_base = (uint8_t *)v->iov_base + done;
            v->iov_len -= done;
        }
        if (iovcnt == 0)
            return 0;
        /* No room: wait for it, for the wake, or for the first limit. */
        bool stopping = t->stop_deadline_ms != 0;
        int64_t until = deadline;
        if (stopping && (until == 0 || t->stop_deadline_ms < until))
            until = t->stop_deadline_ms;
        int64_t now = pst__now_ms();
        int timeout = until == 0 ? -1 : until > now ? (int)(until - now) : 0;
        struct pollfd p[2] = { { fd, POLLOUT, 0 }, { t->wake_fd, POLLIN, 0 } };
        int n = poll(p, !stopping && t->wake_fd >= 0 ? 2 : 1, timeout);
        if (n < 0 && errno != EINTR)
            return pst_error_set(err, -errno, "poll on %s: %s",
                                 pst_stream_peer(t->stream), strerror(errno));
        if (n > 0 && !stopping && t->wake_fd >= 0 && p[1].revents) {
            note_stop(t);
            continue;
        }
        if (n == 0) {
            if (stopping && until == t->stop_deadline_ms)
                return pst_error_set(err, PST_E_STOPPED,
                                     "stopping: %s took %zu of %zu bytes "
                                     "within the stop grace of %d ms",
                                     pst_stream_peer(t->stream), sent, total,
                                     t->opt.stop_grace_ms);
            return pst_error_set(err, PST_E_TIMEOUT,
                                 "write to %s timed out after %d ms (%zu of "
                                 "%zu bytes taken)",
                                 pst_stream_peer(t->stream),
                                 t->opt.write_timeout_ms, sent, total);
        }
    }
}

int pst__transport_write(pst_transport *t, const struct iovec *iov, int iovcnt,
                         pst_error *err)
{
    int fd = pst_stream_fd(t->stream);
    if (t->opt.stop_grace_ms > 0 && (t->wake_fd >= 0 || t->wake_flag) &&
        fd >= 0 && t->stream->ops->write_some)
        return write_watching_stop(t, iov, iovcnt, fd, err);
    int timeout = t->opt.write_timeout_ms > 0 ? t->opt.write_timeout_ms : -1;
    int rc = pst_stream_write(t->stream, iov, iovcnt, timeout);
    if (rc == 0)
        return 0;
    if (rc == PST_E_TIMEOUT)
        return pst_error_set(err, rc, "write to %s timed out after %d ms",
                             pst_stream_peer(t->stream), t->opt.write_timeout_ms);
    const char *d = pst__stream_detail(t->stream);
    return pst_error_set(err, rc, "write to %s: %s", pst_stream_peer(t->stream),
                         d && *d ? d : pst_strerror(rc));
}

/* ---- public entry points ------------------------------------------------ */

int pst_transport_read_message(pst_transport *t, const pst_protocol *p,
                               const uint8_t **msg, size_t *len,
                               pst_error *err)
{
    *msg = NULL;
    *len = 0;
    return t->ops->read_message(t, p, msg, len, err);
}

int pst_transport_write_message(pst_transport *t, const void *data,
                                size_t len, pst_error *err)
{
    return t->ops->write_message(t, data, len, err);
}

int pst_transport_unread(pst_transport *t, const void *data, size_t len)
{
    pst__transport_consume(t);
    if (len == 0)
        return 0;
    if (t->start >= len) {
        t->start -= len;
    } else {
        size_t avail = t->end - t->start;
        if (t->cap - avail < len) {
            size_t ncap = t->cap ? t->cap : INITIAL_CAPACITY;
            while (ncap < avail + len)
                ncap *= 2;
            uint8_t *nb = realloc(t->buf, ncap);
            if (!nb)
                return PST_E_NOMEM;
            t->buf = nb;
            t->cap = ncap;
        }
        memmove(t->buf + len, t->buf + t->start, avail);
        t->start = 0;
        t->end = avail + len;
    }
    memcpy(t->buf + t->start, data, len);
    return 0;
}

void pst_transport_set_wake(pst_transport *t, int fd, const atomic_bool *flag)
{
    t->wake_fd = fd;
    t->wake_flag = flag;
}

void pst_transport_set_timeouts(pst_transport *t, int idle_timeout_ms,
                                int read_timeout_ms, int write_timeout_ms)
{
    t->opt.idle_timeout_ms = idle_timeout_ms;
    t->opt.read_timeout_ms = read_timeout_ms;
    t->opt.write_timeout_ms = write_timeout_ms;
    if (t->started)
        t->deadline_ms = read_timeout_ms > 0 ? pst__now_ms() + read_timeout_ms
                                             : 0;
}

size_t pst_transport_buffered(const pst_transport *t)
{
    return t->end - t->start - t->pending;
}

const char *pst_transport_name(const pst_transport *t)
{
    return t->ops->name;
}

pst_stream *pst_transport_stream(pst_transport *t)
{
    return t->stream;
}
