/* http_unix.c: Thrift over HTTP on a Unix domain socket (postern/http_unix.h):
 * the URL client's dialing with a socket in place of host:port. */
#include <string.h>

#include "postern/http_unix.h"
#include "transport/dial.h"

pst_client *pst_client_connect_http_unix(const char *socket_path, bool abstract,
                                         const char *url_path,
                                         const pst_client_options *o,
                                         pst_error *err)
{
    pst__url u;
    memset(&u, 0, sizeof u);
    if (!url_path)
        url_path = "/";
    if (!socket_path || !*socket_path || strlen(socket_path) >= sizeof u.unix_path) {
        pst_error_set(err, PST_E_INVALID,
                      "HTTP over a Unix socket: bad socket %s '%s' (1 to %zu bytes)",
                      abstract ? "name" : "path", socket_path ? socket_path : "(null)",
                      sizeof u.unix_path - 1);
        return NULL;
    }
    if (url_path[0] != '/' || strlen(url_path) >= sizeof u.path) {
        pst_error_set(err, PST_E_INVALID,
                      "HTTP over a Unix socket: the path '%s' does not start "
                      "with '/' or is over %zu bytes", url_path, sizeof u.path - 1);
        return NULL;
    }
    if (o && o->proxy) {
        pst_error_set(err, PST_E_INVALID,
                      "HTTP over a Unix socket: no proxy reaches unix:%s%s "
                      "(proxy '%s' given)", abstract ? "@" : "", socket_path, o->proxy);
        return NULL;
    }
    strcpy(u.unix_path, socket_path);
    u.unix_abstract = abstract;
    strcpy(u.host, "localhost");
    strcpy(u.authority, "localhost");
    strcpy(u.path, url_path);
    return pst__client_connect_dialed(&u, o, err);
}
