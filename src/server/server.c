/* server.c: the server object: options, the listening socket, the stop
 * signal, counters and logging; pst_server_run hands over to the model. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "blocking.h"
#include "status_history.h"
#include "tls/tls_internal.h"
#include "transport/transport_internal.h"

void pst__server_log(pst_server *s, pst_log_level level, const char *fmt, ...)
{
    if (level > s->opt.log_level)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->opt.log) {
        s->opt.log(s->opt.log_ctx, level, msg);
        return;
    }
    static const char *const names[] = { "error", "warn", "info", "debug" };
    fprintf(stderr, "postern server: %s: %s\n",
            (unsigned)level < 4 ? names[level] : "log", msg);
}

static void fill_defaults(pst_server_options *o)
{
    static const pst_codec_config codec = PST_CODEC_CONFIG_INIT;
    if (!o->bind)
        o->bind = "127.0.0.1";
    if (o->backlog <= 0)
        o->backlog = 1024;
    /* The grace defaults to the write timeout the caller chose, as the
     * non-blocking model always did; then the write timeout gets its own
     * default. Inside the server 0 keeps meaning "no limit". */
    if (o->stop_grace_ms <= 0)
        o->stop_grace_ms = o->write_timeout_ms > 0 ? o->write_timeout_ms
                                                   : PST_SERVER_STOP_GRACE_MS;
    if (o->http_request_timeout_ms == 0)
        o->http_request_timeout_ms = PST_HTTP_REQUEST_TIMEOUT_MS;
    else if (o->http_request_timeout_ms < 0)
        o->http_request_timeout_ms = 0;
    if (o->write_timeout_ms == 0)
        o->write_timeout_ms = PST_SERVER_WRITE_TIMEOUT_MS;
    else if (o->write_timeout_ms < 0)
        o->write_timeout_ms = 0;
    if (o->model == PST_SERVER_POOL && o->workers <= 0)
        o->workers = 4;
    if (!o->codec.max_message)
        o->codec.max_message = codec.max_message;
    if (!o->codec.max_frame)
        o->codec.max_frame = codec.max_frame;
    if (!o->codec.max_depth)
        o->codec.max_depth = codec.max_depth;
    if (o->tls_handshake_timeout_ms <= 0)
        o->tls_handshake_timeout_ms = PST_TLS_HANDSHAKE_TIMEOUT_MS;
    /* Inside the server 0 means no limit (the arena's convention). */
    if (o->max_call_memory == 0)
        o->max_call_memory = PST_CALL_MEMORY_DEFAULT;
    else if (o->max_call_memory < 0)
        o->max_call_memory = 0;
    /* Inside the server 0 means never stored (the deflater's convention). */
    if (o->zlib_store_below == 0)
        o->zlib_store_below = PST_ZLIB_STORE_BELOW_DEFAULT;
    else if (o->zlib_store_below < 0)
        o->zlib_store_below = 0;
}

static int listen_unix(pst_server *s, pst_error *err)
{
    const char *path = s->opt.unix_path;
    const bool abstract = s->opt.unix_abstract;
    struct sockaddr_un a = { 0 };
    a.sun_family = AF_UNIX;
    /* An abstract name starts with a NUL byte and is exactly as long as
     * the address length says (no terminator). */
    size_t room = sizeof a.sun_path - 1;
    if (!*path || strlen(path) > room)
        return pst_error_set(err, PST_E_INVALID,
                             "bad Unix socket %s '%s' (1 to %zu bytes)",
                             abstract ? "abstract name" : "path", path, room);
    memcpy(a.sun_path + (abstract ? 1 : 0), path, strlen(path) + !abstract);
    socklen_t alen = abstract ? (socklen_t)(offsetof(struct sockaddr_un,
                                                     sun_path) +
                                            1 + strlen(path))
                              : (socklen_t)sizeof a;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return pst_error_set(err, -errno, "socket: %s", strerror(errno));
    int e = bind(fd, (struct sockaddr *)&a, alen) == 0 ? 0 : errno;
    if (e == EADDRINUSE && !abstract) {
        /* A socket file left by a server that is gone (nobody accepts on
         * it) may be replaced; a live one may not. */
        struct stat st;
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bool stale = stat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
                     probe >= 0 &&
                     connect(probe, (struct sockaddr *)&a, sizeof a) < 0 &&
                     errno == ECONNREFUSED;
        if (probe >= 0)
            close(probe);
        if (stale && unlink(path) == 0 &&
            bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
            e = 0;
    }
    if (e) {
        close(fd);
        return pst_error_set(err, -e, "bind unix:%s%s: %s", abstract ? "@" : "",
                             path, strerror(e));
    }
    if (listen(fd, s->opt.backlog) < 0) {
        int e = errno;
        close(fd);
        return pst_error_set(err, -e, "listen on unix:%s: %s", path,
                             strerror(e));
    }
    s->listen_fd = fd;
    s->port = 0;
    return 0;
}

/* Listen on opt.bind:port; the socket and the port bound (for port 0). */
static int listen_tcp_on(pst_server *s, int port, int *fd_out, int *port_out,
                         pst_error *err)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = { 0 }, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int g = getaddrinfo(s->opt.bind, service, &hints, &res);
    if (g != 0)
        return pst_error_set(err, PST_E_INVALID, "bind address %s:%d: %s",
                             s->opt.bind, port, gai_strerror(g));
    int last = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family,
                        ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
            listen(fd, s->opt.backlog) < 0) {
            last = errno;
            close(fd);
            continue;
        }
        struct sockaddr_storage a;
        socklen_t al = sizeof a;
        getsockname(fd, (struct sockaddr *)&a, &al);
        *port_out = a.ss_family == AF_INET6
                        ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port)
                        : ntohs(((struct sockaddr_in *)&a)->sin_port);
        *fd_out = fd;
        freeaddrinfo(res);
        return 0;
    }
    freeaddrinfo(res);
    return pst_error_set(err, last ? -last : PST_E_IO,
                         "cannot listen on %s:%d: %s", s->opt.bind,
                         port, last ? strerror(last) : "no address");
}

static int listen_tcp(pst_server *s, pst_error *err)
{
    return listen_tcp_on(s, s->opt.port, &s->listen_fd, &s->port, err);
}

/* The admin port, when asked for: pages are served there only. */
static int listen_admin(pst_server *s, pst_error *err)
{
    s->admin_fd = -1;
    if (s->opt.admin_port == 0)
        return 0;
    return listen_tcp_on(s, s->opt.admin_port == PST_ADMIN_PORT_ANY ? 0 : s->opt.admin_port,
                         &s->admin_fd, &s->admin_port, err);
}

pst_server *pst_server_new(const pst_processor *proc,
                           const pst_server_options *opt, pst_error *err)
{
    static const pst_server_options defaults = PST_SERVER_OPTIONS_INIT;
    if (!proc || !proc->service) {
        pst_error_set(err, PST_E_INVALID, "pst_server_new needs a processor "
                                          "with a service");
        return NULL;
    }
    pst_server *s = calloc(1, sizeof *s);
    if (!s) {
        pst_error_set(err, PST_E_NOMEM, "out of memory for a server");
        return NULL;
    }
    s->proc = *proc;
    s->opt = opt ? *opt : defaults;
    fill_defaults(&s->opt);
    s->listen_fd = -1;
    s->admin_fd = -1;
    atomic_init(&s->stopping, false);
    if ((unsigned)s->opt.model > PST_SERVER_NONBLOCKING) {
        pst_error_set(err, PST_E_INVALID, "unknown server model %d",
                      (int)s->opt.model);
        free(s);
        return NULL;
    }
    if (s->opt.port < 0 || s->opt.port > 65535) {
        pst_error_set(err, PST_E_INVALID, "port %d is out of range",
                      s->opt.port);
        free(s);
        return NULL;
    }
    if ((unsigned)s->opt.tls > PST_TLS_BOTH) {
        pst_error_set(err, PST_E_INVALID, "unknown tls mode %d", (int)s->opt.tls);
        free(s);
        return NULL;
    }
    if (s->opt.tls != PST_TLS_OFF &&
        !(s->tls_ctx = pst__tls_server_ctx_new(&s->opt, err))) {
        free(s);
        return NULL;
    }
    s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    s->drain_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->stop_fd < 0 || s->drain_fd < 0) {
        pst_error_set(err, -errno, "eventfd: %s", strerror(errno));
        if (s->stop_fd >= 0)
            close(s->stop_fd);
        if (s->drain_fd >= 0)
            close(s->drain_fd);
        pst__tls_ctx_free(s->tls_ctx);
        free(s);
        return NULL;
    }
    if (pst__metrics_init(&s->metrics, s->proc.service) < 0) {
        pst_error_set(err, PST_E_NOMEM, "out of memory for a server's metrics");
        close(s->stop_fd);
        close(s->drain_fd);
        pst__tls_ctx_free(s->tls_ctx);
        free(s);
        return NULL;
    }
    pst__conn_registry_init(&s->conns);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    s->started_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (s->opt.admin_port < PST_ADMIN_PORT_ANY || s->opt.admin_port > 65535) {
        pst_error_set(err, PST_E_INVALID, "admin_port %d is out of range",
                      s->opt.admin_port);
        pst__metrics_destroy(&s->metrics);
        pst__conn_registry_destroy(&s->conns);
        close(s->stop_fd);
        close(s->drain_fd);
        pst__tls_ctx_free(s->tls_ctx);
        free(s);
        return NULL;
    }
    int rc = s->opt.unix_path ? listen_unix(s, err) : listen_tcp(s, err);
    if (rc == 0) {
        rc = listen_admin(s, err);
        if (rc < 0) {
            close(s->listen_fd);
            s->listen_fd = -1;
        }
    }
    if (rc < 0) {
        pst__metrics_destroy(&s->metrics);
        pst__conn_registry_destroy(&s->conns);
        close(s->stop_fd);
        close(s->drain_fd);
        pst__tls_ctx_free(s->tls_ctx);
        free(s);
        return NULL;
    }
    if (pst__record_start(s, err) < 0) {
        pst_server_free(s);
        return NULL;
    }
    return s;
}

int pst_server_port(const pst_server *s)
{
    return s->port;
}

int pst_server_admin_port(const pst_server *s)
{
    return s->admin_fd >= 0 ? s->admin_port : 0;
}

/* Once stopping, new connections should be refused by the kernel at once
 * rather than wait in the backlog for a server that will never accept them.
 * Only the thread in pst_server_run calls this. */
static void close_listener(pst_server *s)
{
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        s->listen_fd = -1;
    }
    if (s->admin_fd >= 0) {
        close(s->admin_fd);
        s->admin_fd = -1;
    }
}

int pst_server_run(pst_server *s)
{
    int rc = PST_E_INVALID;
    if (s->listen_fd < 0)
        return PST_E_STOPPED; /* ran and stopped before */
    if (pst__history_start(s) < 0)
        pst__server_log(s, PST_LOG_WARN, "no thread for /status's history; "
                                         "serving without it");
    switch (s->opt.model) {
    case PST_SERVER_SIMPLE:
        rc = pst__simple_run(s);
        break;
    case PST_SERVER_THREADED:
        rc = pst__threaded_run(s);
        break;
    case PST_SERVER_POOL:
        rc = pst__pool_run(s);
        break;
    case PST_SERVER_NONBLOCKING:
        rc = pst__nonblocking_run(s);
        break;
    }
    pst__history_stop(s);
    if (atomic_load(&s->stopping))
        close_listener(s);
    return rc;
}

void pst_server_stop(pst_server *s)
{
    /* Only an atomic store and write(2): safe in a signal handler. */
    int saved = errno;
    atomic_store(&s->stopping, true);
    uint64_t one = 1;
    ssize_t n = write(s->stop_fd, &one, sizeof one);
    (void)n; /* EAGAIN: the counter is already non-zero, still readable */
    errno = saved;
}

void pst_server_stats_get(const pst_server *s, pst_server_stats *out)
{
    out->accepted = atomic_load(&s->stats.accepted);
    out->refused = atomic_load(&s->stats.refused);
    out->active = atomic_load(&s->stats.active);
    out->queued = atomic_load(&s->stats.queued);
    out->calls = atomic_load(&s->stats.calls);
    out->protocol_errors = atomic_load(&s->stats.protocol_errors);
    out->timeouts = atomic_load(&s->stats.timeouts);
    out->call_memory_refused = atomic_load(&s->stats.call_memory_refused);
}

void pst__server_call_over_memory(pst_server *s, pst__metrics_shard *sh)
{
    atomic_fetch_add(&s->stats.call_memory_refused, 1);
    pst__metrics_perr(sh, PST__PERR_CALL_MEMORY);
}

void pst_server_free(pst_server *s)
{
    if (!s)
        return;
    pst__record_stop(s);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->admin_fd >= 0)
        close(s->admin_fd);
    if (s->opt.unix_path && !s->opt.unix_abstract)
        unlink(s->opt.unix_path);
    close(s->stop_fd);
    close(s->drain_fd);
    pst__metrics_destroy(&s->metrics);
    pst__conn_registry_destroy(&s->conns);
    pst__tls_ctx_free(s->tls_ctx);
    free(s);
}

void pst_server_drain(pst_server *s)
{
    /* Atomic stores and write(2) only: safe in a signal handler. */
    int saved = errno;
    atomic_store(&s->draining, true);
    if (s->opt.drain_ms <= 0) {
        pst_server_stop(s);
    } else {
        uint64_t one = 1;
        ssize_t n = write(s->drain_fd, &one, sizeof one);
        (void)n;
    }
    errno = saved;
}

void pst_server_set_ready(pst_server *s, bool ready)
{
    atomic_store(&s->not_ready, !ready);
}

int pst_server_model_by_name(const char *name)
{
    static const struct {
        const char *name;
        pst_server_model model;
    } names[] = {
        { "simple", PST_SERVER_SIMPLE },
        { "threaded", PST_SERVER_THREADED },
        { "thread-pool", PST_SERVER_POOL },
        { "pool", PST_SERVER_POOL },
        { "nonblocking", PST_SERVER_NONBLOCKING },
    };
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return (int)names[i].model;
    return -1;
}

/* ---- accepting ---------------------------------------------------------- */

int pst__server_accept(pst_server *s)
{
    for (;;) {
        if (atomic_load(&s->stopping)) {
            close_listener(s);
            return PST_E_STOPPED;
        }
        struct pollfd p[3] = { { s->listen_fd, POLLIN, 0 },
                               { s->stop_fd, POLLIN, 0 },
                               { s->admin_fd, POLLIN, 0 } };
        if (poll(p, s->admin_fd >= 0 ? 3 : 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            pst__server_log(s, PST_LOG_ERROR, "poll on the listener: %s",
                            strerror(errno));
            return -errno;
        }
        if (p[1].revents || atomic_load(&s->stopping)) {
            close_listener(s);
            return PST_E_STOPPED;
        }
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        int from = s->admin_fd >= 0 && p[2].revents && !p[0].revents ? s->admin_fd
                                                                      : s->listen_fd;
        int fd = accept4(from, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR ||
                e == ECONNABORTED || e == EPROTO)
                continue;
            pst__server_log(s, PST_LOG_ERROR, "accept: %s", strerror(e));
            if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
                /* Out of descriptors or memory: wait a little (or for stop)
                 * instead of spinning on a listener that stays readable. */
                struct pollfd w = { s->stop_fd, POLLIN, 0 };
                poll(&w, 1, 100);
            }
            continue;
        }
        int max = s->opt.max_connections;
        if (max > 0 && atomic_load(&s->stats.active) >= (uint64_t)max) {
            atomic_fetch_add(&s->stats.refused, 1);
            char who[160];
            pst__sockaddr_format(&peer, plen, who, sizeof who);
            pst__server_log(s, PST_LOG_INFO,
                            "%s: refused: max_connections (%d) reached", who,
                            max);
            close(fd);
            continue;
        }
        atomic_fetch_add(&s->stats.accepted, 1);
        atomic_fetch_add(&s->stats.active, 1);
        return fd;
    }
}
