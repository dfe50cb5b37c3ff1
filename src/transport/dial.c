/* dial.c: reaching a postern (or Go net/rpc) server through HTTP:
 *
 *   http://host:port/_thrift_rpc_   CONNECT upgrade, then plain Thrift
 *   http://host:port/any/other      Thrift over HTTP POST to that path
 *
 * optionally through an HTTP proxy that supports CONNECT (tinyproxy,
 * squid ...): the proxy is asked for a tunnel to host:port first, and the
 * above runs inside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postern/abstract_socket.h"
#include "transport/dial.h"
#include "http/http.h"

#define CONNECTED "HTTP/1.0 200 Connected to Go RPC\n\n"

int pst__url_parse(const char *url, pst__url *u, pst_error *err)
{
    memset(u, 0, sizeof *u);
    static const char scheme[] = "http://";
    if (!url || strncmp(url, scheme, sizeof scheme - 1) != 0)
        return pst_error_set(err, PST_E_INVALID,
                             "URL '%s' does not start with http://",
                             url ? url : "(null)");
    const char *host = url + sizeof scheme - 1;
    const char *slash = strchr(host, '/');
    size_t hostport = slash ? (size_t)(slash - host) : strlen(host);
    const char *path = slash ? slash : "/";
    if (strlen(path) >= sizeof u->path)
        return pst_error_set(err, PST_E_INVALID, "URL '%s': path too long", url);
    strcpy(u->path, path);
    char hp[sizeof u->host];
    if (hostport == 0 || hostport >= sizeof hp)
        return pst_error_set(err, PST_E_INVALID, "URL '%s': no host", url);
    memcpy(hp, host, hostport);
    hp[hostport] = '\0';
    /* the Host header is host:port as written */
    snprintf(u->authority, sizeof u->authority, "%s", hp);
    char *port = NULL;
    if (hp[0] == '[') {
        char *close = strchr(hp, ']');
        if (!close)
            return pst_error_set(err, PST_E_INVALID, "URL '%s': unclosed [", url);
        *close = '\0';
        memmove(u->host, hp + 1, strlen(hp + 1) + 1);
        if (close[1] == ':')
            port = close + 2;
    } else {
        char *colon = strrchr(hp, ':');
        if (colon) {
            *colon = '\0';
            port = colon + 1;
        }
        memcpy(u->host, hp, strlen(hp) + 1);
    }
    u->port = 80;
    if (port) {
        char *end;
        long p = strtol(port, &end, 10);
        if (!*port || *end || p < 1 || p > 65535)
            return pst_error_set(err, PST_E_INVALID,
                                 "URL '%s': port is not a number 1..65535", url);
        u->port = (int)p;
    }
    if (!u->host[0])
        return pst_error_set(err, PST_E_INVALID, "URL '%s': no host", url);
    return 0;
}

/* no_proxy: "localhost,.example.com,10.0.0.1" or "*"; a suffix match on
 * names, an exact match on addresses. */
static bool no_proxy_for(const char *host)
{
    const char *np = getenv("no_proxy");
    if (!np)
        np = getenv("NO_PROXY");
    if (!np)
        return false;
    size_t hl = strlen(host);
    const char *p = np;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ')
            e++;
        size_t n = (size_t)(e - p);
        if (n == 1 && *p == '*')
            return true;
        const char *item = p;
        if (n && *item == '.') {
            item++;
            n--;
        }
        if (n && hl >= n && strncasecmp(host + hl - n, item, n) == 0 &&
            (hl == n || host[hl - n - 1] == '.'))
            return true;
        p = e;
    }
    return false;
}

int pst__proxy_for(const pst__url *u, const char *proxy, bool from_env,
                   pst__url *out, bool *use, pst_error *err)
{
    *use = false;
    const char *p = proxy;
    if (!p && from_env && !no_proxy_for(u->host)) {
        p = getenv("http_proxy");
        if (!p || !*p)
            p = getenv("HTTP_PROXY");
    }
    if (!p || !*p)
        return 0;
    char url[400];
    snprintf(url, sizeof url, "%s%s", strncmp(p, "http://", 7) ? "http://" : "", p);
    int rc = pst__url_parse(url, out, err);
    if (rc < 0)
        return rc;
    *use = true;
    return 0;
}

/* Read a response head one byte at a time (so nothing after it is taken
 * from the stream), up to a blank line: "\n\n" or "\r\n\r\n". */
static int read_head(pst_stream *s, char *buf, size_t cap, size_t *n,
                     int timeout_ms, pst_error *err)
{
    *n = 0;
    while (*n + 1 < cap) {
        size_t got = 0;
        int rc = pst_stream_read(s, buf + *n, 1, &got, timeout_ms, -1);
        if (rc < 0)
            return pst_error_set(err, rc, "reading an HTTP answer from %s after "
                                          "%zu bytes: %s",
                                 pst_stream_peer(s), *n, pst_strerror(rc));
        *n += got;
        buf[*n] = '\0';
        if (*n >= 2 && buf[*n - 1] == '\n' &&
            (buf[*n - 2] == '\n' ||
             (*n >= 4 && buf[*n - 2] == '\r' && buf[*n - 3] == '\n')))
            return 0;
    }
    return pst_error_set(err, PST_E_LIMIT, "HTTP answer from %s over %zu bytes",
                         pst_stream_peer(s), cap - 1);
}

static int send_all(pst_stream *s, const char *p, size_t n, int timeout_ms,
                    pst_error *err)
{
    struct iovec iov = { (void *)p, n };
    int rc = pst_stream_write(s, &iov, 1, timeout_ms);
    return rc < 0 ? pst_error_set(err, rc, "writing to %s: %s", pst_stream_peer(s),
                                  pst_strerror(rc))
                  : 0;
}

int pst__proxy_tunnel(pst_stream *s, const pst__url *target, int timeout_ms,
                      pst_error *err)
{
    char req[700];
    int n = snprintf(req, sizeof req, "CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\n\r\n",
                     target->host, target->port, target->host, target->port);
    int rc = send_all(s, req, (size_t)n, timeout_ms, err);
    if (rc < 0)
        return rc;
    char head[4096];
    size_t got;
    rc = read_head(s, head, sizeof head, &got, timeout_ms, err);
    if (rc < 0)
        return rc;
    if (got < 12 || strncmp(head, "HTTP/1.", 7) != 0 || strncmp(head + 8, " 200", 4) != 0) {
        char *eol = strpbrk(head, "\r\n");
        return pst_error_set(err, PST_E_UNAVAILABLE,
                             "proxy %s refused a tunnel to %s:%d: %.*s",
                             pst_stream_peer(s), target->host, target->port,
                             (int)(eol ? eol - head : (long)got), head);
    }
    return 0;
}

int pst__connect_upgrade(pst_stream *s, const char *path, int timeout_ms,
                         pst_error *err)
{
    char req[600];
    int n = snprintf(req, sizeof req, "CONNECT %s HTTP/1.0\n\n", path);
    int rc = send_all(s, req, (size_t)n, timeout_ms, err);
    if (rc < 0)
        return rc;
    char head[4096];
    size_t got;
    rc = read_head(s, head, sizeof head, &got, timeout_ms, err);
    if (rc < 0)
        return rc;
    if (strcmp(head, CONNECTED) != 0) {
        char *eol = strpbrk(head, "\r\n");
        return pst_error_set(err, PST_E_PROTOCOL,
                             "CONNECT %s to %s answered '%.*s', not \"200 "
                             "Connected to Go RPC\"",
                             path, pst_stream_peer(s),
                             (int)(eol ? eol - head : (long)got), head);
    }
    return 0;
}

pst_stream *pst__dial_url(const pst__url *u, const char *proxy, bool proxy_from_env,
                          int timeout_ms, pst_error *err)
{
    pst__url px;
    bool use_proxy = false;
    pst_stream *s;
    if (u->unix_path[0]) {
        s = u->unix_abstract
                ? pst_stream_unix_abstract_connect(u->unix_path, timeout_ms, err)
                : pst_stream_unix_connect(u->unix_path, timeout_ms, err);
    } else {
        if (pst__proxy_for(u, proxy, proxy_from_env, &px, &use_proxy, err) < 0)
            return NULL;
        const pst__url *first = use_proxy ? &px : u;
        s = pst_stream_tcp_connect(first->host, first->port, timeout_ms, err);
    }
    if (!s)
        return NULL;
    int io = timeout_ms > 0 ? timeout_ms : -1;
    if (use_proxy && pst__proxy_tunnel(s, u, io, err) < 0) {
        pst_stream_free(s);
        return NULL;
    }
    if (strcmp(u->path, PST__THRIFT_RPC_PATH) == 0 &&
        pst__connect_upgrade(s, u->path, io, err) < 0) {
        pst_stream_free(s);
        return NULL;
    }
    return s;
}
