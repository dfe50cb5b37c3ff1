/* socket.c: byte streams over connected sockets (TCP v4/v6, Unix domain).
 *
 * The fd is non-blocking: a read or write is tried first and poll() is only
 * entered when the kernel has nothing to give or no room, so a busy
 * connection makes one system call per read. poll() also carries timeouts
 * and the optional wake fd. Sends use sendmsg(MSG_NOSIGNAL): no SIGPIPE. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "postern/abstract_socket.h"
#include "postern/transport.h"
#include "transport_internal.h"

typedef struct socket_stream {
    pst_stream base;
    int fd;
    /* The last read emptied the socket: the peer has likely said all it had
     * (a request/response exchange), so the next read waits in poll() first
     * instead of paying for a recv() that finds nothing. */
    bool drained;
    char peer[INET6_ADDRSTRLEN + 112];
} socket_stream;

/* Remaining ms until deadline (0 = none -> -1). */
static int remaining(int64_t deadline)
{
    if (deadline == 0)
        return -1;
    int64_t left = deadline - pst__now_ms();
    return left > 0 ? (int)left : 0;
}

static int64_t deadline_after(int timeout_ms)
{
    return timeout_ms >= 0 ? pst__now_ms() + timeout_ms + (timeout_ms == 0)
                           : 0;
}

/* Wait for events on fd (and readability of wake_fd). 0 ready,
 * PST_E_TIMEOUT, PST_E_STOPPED, or -errno. */
static int wait_fd(int fd, short events, int timeout_ms, int wake_fd)
{
    struct pollfd p[2] = { { fd, events, 0 }, { wake_fd, POLLIN, 0 } };
    int np = wake_fd >= 0 ? 2 : 1;
    for (;;) {
        int n = poll(p, (nfds_t)np, timeout_ms);
        if (n < 0) {
            if (errno == EINTR)
                continue; /* a signal: the timeout restarts, acceptable */
            return -errno;
        }
        if (n == 0)
            return PST_E_TIMEOUT;
        if (np == 2 && p[1].revents)
            return PST_E_STOPPED;
        return 0;
    }
}

static int sock_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                     int timeout_ms, int wake_fd)
{
    socket_stream *ss = (socket_stream *)s;
    int64_t deadline = timeout_ms > 0 ? pst__now_ms() + timeout_ms : 0;
    bool wait_first = ss->drained && timeout_ms != 0;
    *got = 0;
    for (;;) {
        if (wait_first) {
            int rc = wait_fd(ss->fd, POLLIN,
                             timeout_ms < 0 ? -1 : remaining(deadline), wake_fd);
            if (rc < 0)
                return rc;
        }
        ssize_t n = recv(ss->fd, buf, cap, 0);
        if (n > 0) {
            ss->drained = (size_t)n < cap;
            *got = (size_t)n;
            return 0;
        }
        if (n == 0)
            return PST_E_CLOSED;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return -errno;
        if (timeout_ms == 0)
            return PST_E_TIMEOUT;
        wait_first = true;
    }
}

static int sock_write(pst_stream *s, const struct iovec *iov_in, int iovcnt,
                      int timeout_ms)
{
    socket_stream *ss = (socket_stream *)s;
    enum { MAX_IOV = 16 };
    struct iovec iov[MAX_IOV];
    if (iovcnt > MAX_IOV || iovcnt < 0)
        return PST_E_INVALID;
    memcpy(iov, iov_in, sizeof iov[0] * (size_t)iovcnt);
    struct iovec *v = iov;
    int64_t deadline = timeout_ms >= 0 ? deadline_after(timeout_ms) : 0;
    while (iovcnt > 0 && v->iov_len == 0) {
        v++;
        iovcnt--;
    }
    while (iovcnt > 0) {
        struct msghdr m = { 0 };
        m.msg_iov = v;
        m.msg_iovlen = (size_t)iovcnt;
        ssize_t n = sendmsg(ss->fd, &m, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return -errno;
            int rc = wait_fd(ss->fd, POLLOUT, remaining(deadline), -1);
            if (rc < 0)
                return rc;
            continue;
        }
        size_t done = (size_t)n;
        while (iovcnt > 0 && done >= v->iov_len) {
            done -= v->iov_len;
            v++;
            iovcnt--;
        }
        if (iovcnt > 0) {
            v->iov_base = (uint8_t *)v->iov_base + done;
            v->iov_len -= done;
        }
    }
    return 0;
}

static int sock_write_some(pst_stream *s, const struct iovec *iov, int iovcnt,
                           size_t *done)
{
    socket_stream *ss = (socket_stream *)s;
    *done = 0;
    if (iovcnt < 0)
        return PST_E_INVALID;
    struct msghdr m = { 0 };
    m.msg_iov = (struct iovec *)iov;
    m.msg_iovlen = (size_t)iovcnt;
    for (;;) {
        ssize_t n = sendmsg(ss->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            *done = (size_t)n;
            return 0;
        }
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
    }
}

static int sock_shutdown_write(pst_stream *s)
{
    socket_stream *ss = (socket_stream *)s;
    return shutdown(ss->fd, SHUT_WR) == 0 ? 0 : -errno;
}

static int sock_fd(const pst_stream *s)
{
    return ((const socket_stream *)s)->fd;
}

static const char *sock_peer(const pst_stream *s)
{
    return ((const socket_stream *)s)->peer;
}

static void sock_free(pst_stream *s)
{
    socket_stream *ss = (socket_stream *)s;
    close(ss->fd);
    free(ss);
}

static const pst_stream_ops socket_ops = {
    "socket",  sock_read, sock_write, sock_shutdown_write,
    sock_fd,   sock_peer, sock_free,  sock_write_some,
};

/* "1.2.3.4:80", "[::1]:80", "unix:/path", "unix" for unnamed peers. */
void pst__sockaddr_format(const struct sockaddr_storage *a, socklen_t len,
                          char *out, size_t n)
{
    char host[INET6_ADDRSTRLEN];
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)a;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        snprintf(out, n, "%s:%u", host, ntohs(in->sin_port));
    } else if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        snprintf(out, n, "[%s]:%u", host, ntohs(in6->sin6_port));
    } else if (a->ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)a;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        if (len > off && un->sun_path[0])
            snprintf(out, n, "unix:%.*s", (int)(len - off), un->sun_path);
        else
            snprintf(out, n, "unix");
    } else {
        snprintf(out, n, "(address family %d)", a->ss_family);
    }
}

pst_stream *pst_stream_socket_new(int fd, pst_error *err)
{
    int type = 0;
    socklen_t tl = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0) {
        pst_error_set(err, -errno, "fd %d is not a socket: %s", fd,
                      strerror(errno));
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        pst_error_set(err, -errno, "making fd %d non-blocking: %s", fd,
                      strerror(errno));
        return NULL;
    }
#ifdef SO_NOSIGPIPE
    /* BSDs and macOS: the socket-wide switch (Linux has MSG_NOSIGNAL). */
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
    socket_stream *ss = calloc(1, sizeof *ss);
    if (!ss) {
        pst_error_set(err, PST_E_NOMEM, "out of memory for a socket stream");
        return NULL;
    }
    ss->base.ops = &socket_ops;
    ss->fd = fd;
    struct sockaddr_storage a;
    socklen_t al = sizeof a;
    memset(&a, 0, sizeof a);
    if (getpeername(fd, (struct sockaddr *)&a, &al) == 0) {
        pst__sockaddr_format(&a, al, ss->peer, sizeof ss->peer);
        if (a.ss_family == AF_INET || a.ss_family == AF_INET6) {
            /* Requests and replies are whole messages written at once: no
             * reason to wait for more bytes before sending. */
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
    } else {
        snprintf(ss->peer, sizeof ss->peer, "fd %d", fd);
    }
    return &ss->base;
}

/* Non-blocking connect of fd to addr within the deadline: 0 or -errno /
 * PST_E_TIMEOUT. */
static int connect_fd(int fd, const struct sockaddr *addr, socklen_t len,
                      int64_t deadline)
{
    if (connect(fd, addr, len) == 0)
        return 0;
    if (errno != EINPROGRESS && errno != EINTR)
        return -errno;
    int rc = wait_fd(fd, POLLOUT, remaining(deadline), -1);
    if (rc < 0)
        return rc;
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
        return -errno;
    return soerr ? -soerr : 0;
}

static pst_stream *adopt_connected(int fd, pst_error *err)
{
    pst_stream *s = pst_stream_socket_new(fd, err);
    if (!s)
        close(fd);
    return s;
}

pst_stream *pst_stream_tcp_connect(const char *host, int port, int timeout_ms,
                                   pst_error *err)
{
    if (!host || port <= 0 || port > 65535) {
        pst_error_set(err, PST_E_INVALID, "connect: bad address %s:%d",
                      host ? host : "(null)", port);
        return NULL;
    }
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = { 0 }, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int g = getaddrinfo(host, service, &hints, &res);
    if (g != 0) {
        pst_error_set(err, PST_E_IO, "connect to %s:%d: %s", host, port,
                      gai_strerror(g));
        return NULL;
    }
    int64_t deadline = timeout_ms > 0 ? pst__now_ms() + timeout_ms : 0;
    int last = -ECONNREFUSED;
    char tried[INET6_ADDRSTRLEN + 16] = "";
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family,
                        ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            last = -errno;
            continue;
        }
        struct sockaddr_storage a;
        memcpy(&a, ai->ai_addr, ai->ai_addrlen);
        pst__sockaddr_format(&a, ai->ai_addrlen, tried, sizeof tried);
        int rc = connect_fd(fd, ai->ai_addr, ai->ai_addrlen, deadline);
        if (rc == 0) {
            freeaddrinfo(res);
            return adopt_connected(fd, err);
        }
        close(fd);
        last = rc;
        if (rc == PST_E_TIMEOUT)
            break; /* the time is spent for every address */
    }
    freeaddrinfo(res);
    if (last == PST_E_TIMEOUT)
        pst_error_set(err, last, "connect to %s:%d (%s): timed out after %d ms",
                      host, port, tried, timeout_ms);
    else
        pst_error_set(err, last, "connect to %s:%d%s%s%s: %s", host, port,
                      tried[0] ? " (" : "", tried, tried[0] ? ")" : "",
                      pst_strerror(last));
    return NULL;
}

/* Connect to a Unix socket by file path, or by name in the abstract
 * namespace (a NUL byte, then the name, no terminator). */
static pst_stream *unix_connect(const char *path, bool abstract,
                                int timeout_ms, pst_error *err)
{
    struct sockaddr_un a = { 0 };
    a.sun_family = AF_UNIX;
    if (!path || !*path || strlen(path) >= sizeof a.sun_path) {
        pst_error_set(err, PST_E_INVALID,
                      "connect: bad Unix socket %s '%s' (at most %zu bytes)",
                      abstract ? "abstract name" : "path",
                      path ? path : "(null)", sizeof a.sun_path - 1);
        return NULL;
    }
    memcpy(a.sun_path + (abstract ? 1 : 0), path, strlen(path) + !abstract);
    socklen_t alen = abstract ? (socklen_t)(offsetof(struct sockaddr_un,
                                                     sun_path) +
                                            1 + strlen(path))
                              : (socklen_t)sizeof a;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        pst_error_set(err, -errno, "socket: %s", strerror(errno));
        return NULL;
    }
    int64_t deadline = timeout_ms > 0 ? pst__now_ms() + timeout_ms : 0;
    int rc = connect_fd(fd, (struct sockaddr *)&a, alen, deadline);
    if (rc < 0) {
        close(fd);
        pst_error_set(err, rc, "connect to unix:%s%s: %s", abstract ? "@" : "",
                      path, pst_strerror(rc));
        return NULL;
    }
    return adopt_connected(fd, err);
}

pst_stream *pst_stream_unix_connect(const char *path, int timeout_ms,
                                    pst_error *err)
{
    return unix_connect(path, false, timeout_ms, err);
}

pst_stream *pst_stream_unix_abstract_connect(const char *name, int timeout_ms,
                                             pst_error *err)
{
    return unix_connect(name, true, timeout_ms, err);
}
