/*
 * nb_http.c: HTTP in the NONBLOCKING model. A connection whose first bytes
 * are HTTP (the front door's PST_SNIFF_HTTP) gets a small pst__front_conn
 * and from then on its bytes go to pst__front_feed (front.h) instead of the
 * Thrift reader, on the loop thread, incrementally: whatever is complete in
 * the buffer is answered into the loop's output like Thrift replies, the
 * rest stays in c->in for the next read. Back-pressure, timeouts, stop and
 * closing are the Thrift path's own (nb_conn.c). A CONNECT to
 * /_thrift_rpc_ hands the connection back to the Thrift reader, which
 * sniffs what follows as a new connection's first bytes.
 *
 * Handlers of Thrift-over-HTTP and JSON calls run on the loop thread, also
 * when the server has workers (they are short requests in practice; an
 * HTTP connection is not pipelined through the pool).
 */
#include <stdio.h>
#include <stdlib.h>

#include "server/front.h"
#include "server/nb_internal.h"

/* The loop's parsed-request scratch, made on first use (4 KiB that loops
 * serving no HTTP never pay for). */
static pst__front_scratch *loop_scratch(nb_loop *l)
{
    if (!l->front) {
        l->front = calloc(1, sizeof *l->front);
        if (l->front)
            l->front->shard = l->shard;
    }
    return l->front;
}

size_t pst__nb_http_process(nb_conn *c, const uint8_t *data, size_t len)
{
    nb_loop *l = c->loop;
    pst_server *s = l->s;
    pst__front_scratch *sc = loop_scratch(l);
    if (!c->http) {
        c->http = l->spare_http ? l->spare_http : malloc(sizeof *c->http);
        l->spare_http = NULL;
        if (c->http)
            pst__front_conn_init(c->http);
    }
    if (!sc || !c->http) {
        pst__nb_conn_close(c, PST_LOG_ERROR, "out of memory for HTTP");
        return 0;
    }
    size_t pending = out_pending(c);
    size_t budget = pending < OUT_HIGH ? OUT_HIGH - pending : 0;
    size_t consumed = 0;
    size_t before = l->out.len;
    /* pst__front_feed works in place (chunked bodies are decoded where they
     * lie): the bytes are c->in's or the loop's scratch, both ours. */
    pst__front_next next = pst__front_feed(s, c->http, sc, (uint8_t *)data, len,
                                           &consumed, &l->out, budget, &l->arena,
                                           NULL, c->io.fd);
    pst__metrics_bytes(l->shard, consumed, l->out.len - before);
    if (consumed)
        c->flags |= C_MSGDONE;
    pst__conn_entry_kind(&c->entry, pst__front_conn_kind(c->http));
    switch (next) {
    case PST__FRONT_MORE:
        if (consumed < len && l->out.len + pending > OUT_HIGH)
            c->flags |= C_PAUSED;  /* more is complete: after the output */
        if (consumed == len && pst__front_conn_kind(c->http) == PST__KIND_HTTP) {
            /* Every request read was answered, so the state is its initial
             * one: an idle keep-alive connection then costs what an idle
             * Thrift connection does. The struct goes to the loop's spare
             * (the next request, on whichever connection, takes it back
             * without a malloc) or, if there is one already, is freed. */
            if (l->spare_http)
                free(c->http);
            else
                l->spare_http = c->http;
            c->http = NULL;
        }
        return consumed;
    case PST__FRONT_CLOSE:
        /* answered; close once the answer is out (the Thrift path's
         * "finish, then close", without counting a protocol error: any
         * error was logged and counted by the front door) */
        c->flags |= C_ERROR;
        return consumed;
    case PST__FRONT_THRIFT:
    default:
        /* CONNECT /_thrift_rpc_: Thrift from here on, sniffed afresh */
        free(c->http);
        c->http = NULL;
        c->flags = (uint16_t)((c->flags & ~C_HTTP) | C_UPGRADED);
        pst__conn_entry_kind(&c->entry, PST__KIND_CONNECT);
        return consumed + pst__nb_conn_process(c, data + consumed, len - consumed);
    }
}

/* The front door said HTTP: [p, p+avail) is what the peer sent so far
 * (nothing of it consumed). Returns the bytes answered. */
size_t pst__nb_conn_start_http(nb_conn *c, const uint8_t *p, size_t avail)
{
    pst_server *s = c->loop->s;
    if ((s->opt.http_off & PST_HTTP_OFF_ALL) || (c->flags & C_UPGRADED)) {
        char peer[80], line[24];
        size_t k = 0;
        for (; k < avail && k + 1 < sizeof line && p[k] >= 0x20 && p[k] < 0x7f; k++)
            line[k] = (char)p[k];
        line[k] = '\0';
        pst__server_log(s, PST_LOG_INFO, "%s: closing: HTTP is %s (request line "
                        "starts '%s')",
                        pst__nb_peer_name(c->io.fd, peer, sizeof peer),
                        (c->flags & C_UPGRADED) ? "not spoken after CONNECT"
                                                : "switched off on this server",
                        line);
        c->flags |= C_ERROR;
        return 0;
    }
    c->flags |= C_HTTP;
    pst__metrics_kind(c->loop->shard, PST__KIND_COUNT, PST__KIND_HTTP);
    pst__conn_entry_kind(&c->entry, PST__KIND_HTTP);
    return pst__nb_http_process(c, p, avail);
}
