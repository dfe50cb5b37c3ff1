/* conn.c: endpoints, deadline-bounded connect and write, and the receive
 * buffer that cuts whole messages out of a socket (see conn.h). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

/* ---- connect --------------------------------------------------------------- */

static int wait_fd(int fd, short events, pst_deadline deadline)
{
    struct pollfd p = { .fd = fd, .events = events };
    for (;;) {
        int r = poll(&p, 1, pst__deadline_poll_ms(deadline));
        if (r > 0)
            return 0;
        if (r == 0) {
            if (pst__deadline_passed(deadline))
                return PST_E_TIMEOUT;
            continue;  /* rounding: poll woke a little early */
        }
        if (errno != EINTR)
            return -errno;
    }
}

static int connect_one(int family, const struct sockaddr *sa, socklen_t salen,
                       pst_deadline deadline, int *out)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int rc = 0;
    if (connect(fd, sa, salen) < 0) {
        if (errno != EINPROGRESS && errno != EAGAIN && errno != EINTR) {
            rc = -errno;
        } else {
            rc = wait_fd(fd, POLLOUT, deadline);
            if (rc == 0) {
                int soerr = 0;
                socklen_t len = sizeof soerr;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
                    rc = -errno;
                else if (soerr != 0)
                    rc = -soerr;
            }
        }
    }
    if (rc < 0) {
        close(fd);
        return rc;
    }
    if (family != AF_UNIX) {
        int one = 1;
        /* Requests are written whole; Nagle would only add latency. */
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    *out = fd;
    return 0;
}

int pst__conn_connect(const pst__endpoint *ep, pst_deadline deadline, int *fd,
                      pst_error *err)
{
    int rc;
    if (ep->unix_path[0]) {
        struct sockaddr_un sun;
        memset(&sun, 0, sizeof sun);
        sun.sun_family = AF_UNIX;
        memcpy(sun.sun_path, ep->unix_path, strlen(ep->unix_path) + 1);
        rc = connect_one(AF_UNIX, (struct sockaddr *)&sun, sizeof sun,
                         deadline, fd);
        if (rc < 0)
            return pst_error_set(err, rc, "connect to %s: %s", ep->text,
                                 pst_strerror(rc));
        return 0;
    }

    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    int g = getaddrinfo(ep->host, ep->port, &hints, &res);
    if (g != 0)
        return pst_error_set(err, PST_E_INVALID, "resolve %s: %s", ep->text,
                             g == EAI_SYSTEM ? strerror(errno)
                                             : gai_strerror(g));
    rc = PST_E_INVALID;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        rc = connect_one(ai->ai_family, ai->ai_addr, ai->ai_addrlen, deadline,
                         fd);
        if (rc == 0 || rc == PST_E_TIMEOUT)
            break;
    }
    freeaddrinfo(res);
    if (rc < 0)
        return pst_error_set(err, rc, "connect to %s: %s", ep->text,
                             pst_strerror(rc));
    return 0;
}

/* ---- writes ---------------------------------------------------------------- */

int pst__conn_write_all(int fd, const uint8_t *p, size_t n,
                        pst_deadline deadline, size_t *written,
                        pst_error *err)
{
    size_t done = 0;
    int rc = 0;
    while (done < n) {
        ssize_t w = send(fd, p + done, n - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            rc = errno == EPIPE || errno == ECONNRESET ? PST_E_CLOSED : -errno;
            pst_error_set(err, rc, "write after %zu of %zu bytes: %s", done,
                          n, strerror(errno));
            break;
        }
        rc = wait_fd(fd, POLLOUT, deadline);
        if (rc < 0) {
            pst_error_set(err, rc, "write timed out after %zu of %zu bytes",
                          done, n);
            break;
        }
    }
    *written = done;
    return rc;
}

bool pst__conn_idle_ok(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, 0);
    /* Readable while idle: the peer closed, reset, or sent bytes nobody
     * asked for. Any of those makes the connection unfit. */
    return r == 0;
}

/* ---- receive buffer -------------------------------------------------------- */

void pst__rx_free(pst__rx *rx)
{
    free(rx->buf);
    memset(rx, 0, sizeof *rx);
}

void pst__rx_consume(pst__rx *rx, size_t n)
{
    rx->start += n;
    if (rx->start == rx->end)
        rx->start = rx->end = 0;
}

/* Make room for `need` unread bytes in total (and at least one free byte),
 * never beyond `limit`. */
static int rx_room(pst__rx *rx, size_t need, size_t limit, pst_error *err)
{
    if (need > limit)
        return pst_error_set(err, PST_E_LIMIT,
                             "reply of at least %zu bytes exceeds the limit "
                             "of %zu", need, limit);
    size_t unread = rx->end - rx->start;
    if (rx->cap - rx->start >= need && rx->end < rx->cap)
        return 0;
    if (rx->start > 0) {
        memmove(rx->buf, rx->buf + rx->start, unread);
        rx->start = 0;
        rx->end = unread;
        if (rx->cap >= need && rx->end < rx->cap)
            return 0;
    }
    size_t cap = rx->cap ? rx->cap : 16384;
    while (cap < need || cap <= unread)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > limit)
        cap = limit;
    if (cap <= unread)
        return pst_error_set(err, PST_E_LIMIT,
                             "reply exceeds the limit of %zu bytes", limit);
    uint8_t *nb = realloc(rx->buf, cap);
    if (!nb)
        return pst_error_set(err, PST_E_NOMEM,
                             "no memory for a %zu-byte receive buffer", cap);
    rx->buf = nb;
    rx->cap = cap;
    return 0;
}

int pst__rx_next(pst__rx *rx, int fd, const pst_protocol *proto,
                 bool framed, const pst_codec_config *cfg,
                 pst_deadline deadline, const uint8_t **msg, size_t *len,
                 size_t *consume, pst_error *err)
{
    size_t limit = framed ? (size_t)cfg->max_frame + 4
                          : (size_t)cfg->max_message;
    for (;;) {
        const uint8_t *p = rx->buf + rx->start;
        size_t avail = rx->end - rx->start, need;
        if (framed) {
            if (avail >= 4) {
                uint32_t flen = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                                (uint32_t)p[2] << 8 | p[3];
                if (flen == 0)
                    return pst_error_set(err, PST_E_PROTOCOL,
                                         "reply frame of length 0");
                if (flen > cfg->max_frame)
                    return pst_error_set(err, PST_E_LIMIT,
                                         "reply frame of %u bytes exceeds "
                                         "max_frame %u", flen, cfg->max_frame);
                need = 4 + (size_t)flen;
                if (avail >= need) {
                    *msg = p + 4;
                    *len = flen;
                    *consume = need;
                    return 0;
                }
            } else {
                need = 4;
            }
        } else if (avail > 0) {
            size_t mlen = 0;
            int rc = proto->message_length(p, avail, cfg, &mlen, err);
            if (rc == 0) {
                *msg = p;
                *len = mlen;
                *consume = mlen;
                return 0;
            }
            if (rc != PST_E_SHORT)
                return pst_error_set(err, rc, "unreadable reply: %s",
                                     pst_strerror(rc));
            need = avail + 1;
        } else {
            need = 1;
        }

        int rc = rx_room(rx, need, limit, err);
        if (rc < 0)
            return rc;
        ssize_t r = recv(fd, rx->buf + rx->end, rx->cap - rx->end,
                         MSG_DONTWAIT);
        if (r > 0) {
            rx->end += (size_t)r;
            continue;
        }
        if (r == 0)
            return pst_error_set(err, PST_E_CLOSED,
                                 "connection closed by the server%s",
                                 avail ? " in the middle of a reply" : "");
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            int e = errno;
            rc = e == ECONNRESET ? PST_E_CLOSED : -e;
            return pst_error_set(err, rc, "read: %s", strerror(e));
        }
        rc = wait_fd(fd, POLLIN, deadline);
        if (rc < 0)
            return rc == PST_E_TIMEOUT
                       ? rc
                       : pst_error_set(err, rc, "poll: %s", pst_strerror(rc));
    }
}
