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
 * Handlers run where RPC handlers run. Without workers, on the loop thread
 * like everything else. With workers, a Thrift-over-HTTP POST, a JSON call
 * or a JSON-RPC request becomes a job for the pool (pst__front_feed stops
 * in front of it: defer_calls), with a copy of its head and body; while it
 * runs the loop parses nothing more of that connection (bytes that arrive
 * wait in c->in, and the connection is paused: answers leave in request
 * order), and its response comes back through the RPC replies' path
 * (nb_reply.c: back-pressure, stop, timers and closing as for Thrift).
 *
 * Pages (/health, /metrics, /status ...), errors and CONNECT stay on the
 * loop thread even with workers: they are cheap, touch no handler, and a
 * load balancer's /health must be answered while every worker is busy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* c's HTTP state is the initial one (every request read was answered):
 * an idle keep-alive connection then costs what an idle Thrift connection
 * does. The struct goes to the loop's spare (the next request, on
 * whichever connection, takes it back without a malloc) or, if there is one
 * already, is freed. */
static void http_state_spare(nb_conn *c)
{
    nb_loop *l = c->loop;
    if (!c->http || pst__front_conn_kind(c->http) != PST__KIND_HTTP)
        return;
    if (l->spare_http)
        free(c->http);
    else
        l->spare_http = c->http;
    c->http = NULL;
}

/* The call pst__front_feed stopped in front of, at data: copy it into a job
 * for the workers. 0, or -1 when c failed (out of memory). */
static int http_call_job(nb_conn *c, const uint8_t *data)
{
    const pst__front_call *call = &c->http->call;
    nb_job *j = malloc(sizeof *j + call->len);
    if (!j) {
        pst__nb_conn_fail(c, "out of memory for an HTTP call of %u bytes",
                          call->len);
        return -1;
    }
    memset(j, 0, sizeof *j);
    memcpy(j->req, data, call->len);
    j->len = call->len;
    j->conn = c;
    j->http = true;
    j->jsonrpc = call->jsonrpc;
    j->head_len = call->head_len;
    j->fd = c->io.fd;
    nb_job_enqueue(c, j);
    return 0;
}

size_t pst__nb_http_process(nb_conn *c, const uint8_t *data, size_t len)
{
    nb_loop *l = c->loop;
    pst_server *s = l->s;
    if (c->inflight) {
        /* its call is at the workers: what follows waits for its answer */
        if (len)
            c->flags |= C_PAUSED;
        return 0;
    }
    pst__front_scratch *sc = loop_scratch(l);
    if (!c->http) {
        c->http = l->spare_http ? l->spare_http : malloc(sizeof *c->http);
        l->spare_http = NULL;
        if (c->http) {
            pst__front_conn_init(c->http);
            c->http->defer_calls = s->opt.workers > 0;
        }
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
        if (consumed == len)
            http_state_spare(c);
        return consumed;
    case PST__FRONT_CALL:
        /* answered up to the call; the call goes to the workers, and what
         * follows it waits for its answer */
        if (http_call_job(c, data + consumed) < 0)
            return consumed;
        consumed += c->http->call.raw_len;
        pst__metrics_bytes(l->shard, c->http->call.raw_len, 0);
        c->flags |= C_MSGDONE;
        if (consumed < len)
            c->flags |= C_PAUSED;
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

/* ---- calls on the workers ------------------------------------------------ */

void pst__nb_http_run(pst_server *s, nb_job *j, pst__front_scratch **front,
                      pst_arena *arena, pst__metrics_shard *sh)
{
    if (!*front) {
        *front = calloc(1, sizeof **front);
        if (!*front) {
            j->rc = pst_error_set(&j->err, PST_E_NOMEM,
                                  "out of memory for an HTTP request");
            return;
        }
        (*front)->shard = sh;
    }
    /* the response is bounded by the front door (body limits), as on the
     * loop thread; the reply buffer's own bound is for Thrift replies */
    j->reply.max = (size_t)1 << 62;
    pst__front_call call = { j->head_len, (uint32_t)j->len, (uint32_t)j->len,
                             j->jsonrpc };
    j->then = (uint8_t)pst__front_run_call(s, &call, *front, j->req, &j->reply,
                                           arena, j->fd);
    pst__metrics_bytes(sh, 0, j->reply.len);
}

void pst__nb_http_done(nb_conn *c, nb_job *j)
{
    nb_loop *l = c->loop;
    if (j->rc < 0 || j->reply.err) {
        pst__nb_conn_fail(c, "HTTP call of %zu bytes cannot be answered: %s",
                          j->len, j->err.message[0]
                                      ? j->err.message
                                      : pst_strerror(j->rc < 0 ? j->rc : j->reply.err));
        c->flags |= C_DROP;
        in_drop(c);
        return;
    }
    l->out.max = (size_t)1 << 62;
    if (j->reply.len && pst_wbuf_append(&l->out, j->reply.data, j->reply.len) < 0) {
        l->out.err = 0;
        pst__nb_conn_fail(c, "out of memory for an HTTP response of %zu bytes",
                          j->reply.len);
        c->flags |= C_DROP;
        in_drop(c);
        return;
    }
    if (j->then == PST__FRONT_CLOSE) {
        /* answered; close once the answer is out, dropping what was
         * pipelined after it (as on the loop thread) */
        c->flags |= C_ERROR;
        in_drop(c);
        return;
    }
    /* pst__front_feed stopped in front of the call: the state is the
     * initial one */
    http_state_spare(c);
}
