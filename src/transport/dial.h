/*
 * dial.h: reaching a server by URL, through the CONNECT upgrade or as
 * Thrift over HTTP, directly or through an HTTP proxy: the streams under a
 * client (not public API; pst_client_connect_url is).
 */
#ifndef POSTERN_CLIENT_DIAL_H
#define POSTERN_CLIENT_DIAL_H

#include <stdbool.h>

#include "postern/client.h"
#include "postern/transport.h"

#define PST__THRIFT_RPC_PATH "/_thrift_rpc_"

typedef struct pst__url {
    char host[256];       /* without [] for IPv6 */
    int port;             /* 80 when not given */
    char authority[300];  /* host[:port] as written, for Host: */
    char path[512];       /* "/" when not given */
    /* A Unix socket instead of host:port (pst_client_connect_http_unix):
     * a path, or with unix_abstract a Linux abstract name; "" = TCP. */
    char unix_path[108];
    bool unix_abstract;
} pst__url;

/* "http://host[:port][/path]" -> u. */
int pst__url_parse(const char *url, pst__url *u, pst_error *err);

/* The proxy for u: `proxy` ("host:port" or "http://host:port"), else with
 * from_env $http_proxy / $HTTP_PROXY unless $no_proxy covers u's host.
 * *use says whether there is one. */
int pst__proxy_for(const pst__url *u, const char *proxy, bool from_env,
                   pst__url *out, bool *use, pst_error *err);

/* Ask the proxy on s for a tunnel to target (CONNECT host:port). */
int pst__proxy_tunnel(pst_stream *s, const pst__url *target, int timeout_ms,
                      pst_error *err);

/* Send "CONNECT path HTTP/1.0\n\n" and read the answer up to its blank
 * line, byte by byte; anything but Go's exact answer is an error. */
int pst__connect_upgrade(pst_stream *s, const char *path, int timeout_ms,
                         pst_error *err);

/* TCP to u (or its proxy, then a tunnel), or u's Unix socket (never
 * through a proxy), then the CONNECT upgrade when u's path is
 * /_thrift_rpc_. NULL with err on failure. */
pst_stream *pst__dial_url(const pst__url *u, const char *proxy, bool proxy_from_env,
                          int timeout_ms, pst_error *err);

/* Let an HTTP client transport open a new connection to u when the server
 * closed the last one (proxy is kept by pointer: it must outlive t). */
void pst__transport_http_redial(pst_transport *t, const pst__url *u,
                                const char *proxy, bool proxy_from_env,
                                int connect_timeout_ms);

/* A client for u as pst_client_connect_url describes it: dialed, then the
 * CONNECT upgrade or Thrift over HTTP (client.c). */
pst_client *pst__client_connect_dialed(const pst__url *u,
                                       const pst_client_options *o,
                                       pst_error *err);

#endif
