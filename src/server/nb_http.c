/*
 * nb_http.c: where a NONBLOCKING connection whose first bytes are HTTP goes
 * (the front door's PST_SNIFF_HTTP). The one point where HTTP plugs in.
 */
#include <stdio.h>

#include "server/nb_internal.h"

/* The front door said HTTP: the one place where an HTTP connection starts.
 * [p, p+avail) is what the peer sent so far (nothing of it consumed).
 * HTTP is not served yet: log the start of the request line and close, like
 * any connection that cannot be served (C_ERROR). */
void pst__nb_conn_start_http(nb_conn *c, const uint8_t *p, size_t avail)
{
    char peer[80], line[24];
    size_t k = 0;
    for (; k < avail && k + 1 < sizeof line && p[k] >= 0x20 && p[k] < 0x7f; k++)
        line[k] = (char)p[k];
    line[k] = '\0';
    pst__server_log(c->loop->s, PST_LOG_INFO, "%s: closing: HTTP not served "
                    "yet (request line starts '%s')",
                    pst__nb_peer_name(c->io.fd, peer, sizeof peer), line);
    c->flags |= C_ERROR;
}
