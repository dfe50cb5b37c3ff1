/* conn.c: endpoint strings, and connecting and writing within a deadline
 * through transport.h (see conn.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "client/conn.h"

/* ---- endpoints ----------------------------------------------------------- */

int pst__endpoint_parse(const char *s, size_t n, pst__endpoint *out,
                        pst_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return pst_error_set(err, PST_E_INVALID, "empty endpoint");
    if (n >= sizeof out->text)
        return pst_error_set(err, PST_E_INVALID,
                             "endpoint of %zu characters is too long", n);
    memcpy(out->text, s, n);

    if (n > 5 && memcmp(s, "unix:", 5) == 0) {
        size_t plen = n - 5;
        if (plen >= sizeof out->unix_path)
            return pst_error_set(err, PST_E_INVALID,
                                 "endpoint '%s': unix socket path longer "
                                 "than %zu bytes", out->text,
                                 sizeof out->unix_path - 1);
        memcpy(out->unix_path, s + 5, plen);
        return 0;
    }

    const char *host = s, *colon;
    size_t hlen;
    if (s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || close + 1 >= s + n || close[1] != ':')
            return pst_error_set(err, PST_E_INVALID,
                                 "endpoint '%s': expected [address]:port",
                                 out->text);
        host = s + 1;
        hlen = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = NULL;
        for (size_t i = n; i-- > 0;)
            if (s[i] == ':') {
                colon = s + i;
                break;
            }
        if (!colon)
            return pst_error_set(err, PST_E_INVALID,
                                 "endpoint '%s': expected host:port",
                                 out->text);
        hlen = (size_t)(colon - s);
        if (memchr(s, ':', hlen))
            return pst_error_set(err, PST_E_INVALID,
                                 "endpoint '%s': write IPv6 addresses as "
                                 "[address]:port", out->text);
    }
    if (hlen == 0 || hlen >= sizeof out->host)
        return pst_error_set(err, PST_E_INVALID,
                             "endpoint '%s': missing or overlong host",
                             out->text);
    size_t plen = (size_t)(s + n - (colon + 1));
    unsigned long port = 0;
    for (size_t i = 0; i < plen; i++) {
        char c = colon[1 + i];
        if (c < '0' || c > '9' || port > 65535)
            return pst_error_set(err, PST_E_INVALID,
                                 "endpoint '%s': port is not a number 1..65535",
                                 out->text);
        port = port * 10 + (unsigned long)(c - '0');
    }
    if (plen == 0 || port == 0 || port > 65535)
        return pst_error_set(err, PST_E_INVALID,
                             "endpoint '%s': port is not a number 1..65535",
                             out->text);
    memcpy(out->host, host, hlen);
    snprintf(out->port, sizeof out->port, "%lu", port);
    return 0;
}

/* ---- connect and write through transport.h ------------------------------- */

/* Milliseconds left for transport.h, whose 0 means "no timeout": never 0
 * for a real deadline. */
static int timeout_ms(pst_deadline d)
{
    int ms = pst__deadline_poll_ms(d);
    return ms < 0 ? 0 : ms == 0 ? 1 : ms;
}

int pst__conn_open(const pst__endpoint *ep, bool framed,
                   const pst_codec_config *cfg, pst_deadline deadline,
                   pst_transport **out, pst_error *err)
{
    pst_stream *s;
    if (ep->unix_path[0])
        s = pst_stream_unix_connect(ep->unix_path, timeout_ms(deadline), err);
    else
        s = pst_stream_tcp_connect(ep->host, atoi(ep->port),
                                   timeout_ms(deadline), err);
    if (!s)
        return err && err->code ? err->code : PST_E_IO;
    pst_transport_options to = PST_TRANSPORT_OPTIONS_INIT;
    to.codec = *cfg;
    *out = framed ? pst_transport_framed_new(s, &to)
                  : pst_transport_unframed_new(s, &to);
    if (!*out)
        return pst_error_set(err, PST_E_NOMEM,
                             "no memory for a transport to %s", ep->text);
    return 0;
}

int pst__conn_write(pst_stream *s, const uint8_t *p, size_t n,
                    pst_deadline deadline, pst_error *err)
{
    if (pst__deadline_passed(deadline))
        return pst_error_set(err, PST_E_TIMEOUT,
                             "deadline passed before the request was written");
    struct iovec iov = { (void *)p, n };
    int ms = pst__deadline_poll_ms(deadline);
    int rc = pst_stream_write(s, &iov, 1, ms < 0 ? -1 : ms == 0 ? 1 : ms);
    if (rc == 0)
        return 0;
    if (rc == -EPIPE || rc == -ECONNRESET)
        rc = PST_E_CLOSED;
    return pst_error_set(err, rc, "writing a %zu-byte request to %s: %s", n,
                         pst_stream_peer(s), pst_strerror(rc));
}

static int write_failed(pst_stream *s, size_t n, int rc, pst_error *err)
{
    if (rc == -EPIPE || rc == -ECONNRESET)
        rc = PST_E_CLOSED;
    return pst_error_set(err, rc, "writing a %zu-byte request to %s: %s", n,
                         pst_stream_peer(s), pst_strerror(rc));
}

/* How often a writer looks again at a socket another thread reads. */
enum { RECHECK_MS = 10 };

int pst__conn_write_draining(pst_stream *s, const uint8_t *p, size_t n,
                             pst_deadline deadline,
                             pst__conn_on_readable on_readable, void *ctx,
                             size_t *taken, pst_error *err)
{
    *taken = 0;
    if (pst__deadline_passed(deadline))
        return pst_error_set(err, PST_E_TIMEOUT,
                             "deadline passed before the request was written");
    int fd = pst_stream_fd(s);
    size_t off = 0;
    bool others_read = false;
    while (off < n) {
        struct iovec iov = { (void *)(p + off), n - off };
        size_t done = 0;
        int rc = pst_stream_write_some(s, &iov, 1, &done);
        if (rc == PST_E_UNSUPPORTED || fd < 0) {
            *taken = n; /* unknown: as if all of it went */
            return pst__conn_write(s, p + off, n - off, deadline, err);
        }
        if (rc < 0)
            return write_failed(s, n, rc, err);
        off += done;
        *taken = off;
        if (off == n)
            break;
        if (done == 0 && pst__deadline_passed(deadline))
            return pst_error_set(err, PST_E_TIMEOUT,
                                 "writing a %zu-byte request to %s: timed "
                                 "out with %zu bytes taken", n,
                                 pst_stream_peer(s), off);
        /* No room. Wait for it; while nobody else reads, also for replies
         * (the peer may stop reading until they are taken). */
        int ms = pst__deadline_poll_ms(deadline);
        if (others_read && (ms < 0 || ms > RECHECK_MS))
            ms = RECHECK_MS;
        struct pollfd w = { fd, (short)(POLLOUT | (others_read ? 0 : POLLIN)),
                            0 };
        int r = poll(&w, 1, ms);
        if (r < 0 && errno != EINTR)
            return write_failed(s, n, -errno, err);
        others_read = false;
        if (r > 0 && (w.revents & POLLIN) && !(w.revents & POLLOUT))
            others_read = !on_readable(ctx);
    }
    return 0;
}

bool pst__conn_idle_ok(pst_transport *t)
{
    if (pst_transport_buffered(t) != 0)
        return false;
    struct pollfd p = { .fd = pst_stream_fd(pst_transport_stream(t)),
                        .events = POLLIN };
    /* Readable while idle: the peer closed, reset, or sent bytes nobody
     * asked for. Any of those makes the connection unfit. */
    return p.fd >= 0 && poll(&p, 1, 0) == 0;
}
