/*
 * postern/http_unix.h: Thrift over HTTP to a server listening on a Unix
 * domain socket (a file path, or a name in Linux's abstract namespace), as
 * pst_client_connect_url does over TCP. Apache Thrift's cross-test runner
 * asks for it with --transport=http --domain-socket=PATH
 * [--abstract-namespace]; postern's server serves HTTP on its Unix socket
 * as on TCP (the front door sniffs every connection).
 *
 * Each request carries "Host: localhost" (a Unix socket has no host name;
 * HTTP/1.1 requires the header, and servers accept this value, as curl
 * --unix-socket sends it). The client reconnects to the same socket when
 * the server closes after a response, as over TCP.
 * Ownership and thread-safety as pst_client_connect_url.
 */
#ifndef POSTERN_HTTP_UNIX_H
#define POSTERN_HTTP_UNIX_H

#include <stdbool.h>

#include "client.h"

/* Connect to the Unix socket `socket_path` (with `abstract`, a Linux
 * abstract name: 1 to 107 bytes without the leading NUL) and call as
 * pst_client_connect_url with http://localhost<url_path> would:
 *   url_path "/_thrift_rpc_"  the CONNECT upgrade, then Thrift as
 *                             o->protocol and o->framed say
 *   any other path            each call a POST to it (NULL = "/")
 * o->proxy must be NULL (a proxy cannot reach this host's Unix socket:
 * PST_E_INVALID); o->proxy_from_env is ignored. NULL with err on failure. */
pst_client *pst_client_connect_http_unix(const char *socket_path, bool abstract,
                                         const char *url_path,
                                         const pst_client_options *o,
                                         pst_error *err);

#endif
