/*
 * nb_timer.c: the NONBLOCKING model's timers: each connection has one at a
 * time (write, read or idle, chosen after every pass; linger once its write
 * side is shut), and each loop a grace period for stop. The lists and their
 * clock are loop.h's.
 */
#include <stdio.h>

#include "server/nb_internal.h"

/* ---- connection timers --------------------------------------------------- */

/* c is in a handshake: its filter's, or, on a TLS-only server, one that has
 * not begun (no byte yet: a silent peer is a stalled handshake). */
static bool handshaking(const nb_conn *c)
{
    const pst__nb_filter *f = c->filter;
    if (f)
        return f->ops->handshaking && f->ops->handshaking(f);
    return !c->proto && !(c->flags & C_HTTP);
}

/* After a pass over c: the one timer that applies, (re)armed only when the
 * pass made progress of its kind. One timer at a time: write > read > idle
 * (read and write fall back to the idle timeout when their own is off);
 * none while the workers hold c's requests or once c reads no more and owes
 * nothing. */
void pst__nb_conn_arm_timer(nb_conn *c, bool done_reading)
{
    nb_loop *l = c->loop;
    pst__timer_list *want;
    bool refresh;
    if (out_pending(c)) {
        want = l->write_list.duration_ms > 0 ? &l->write_list : &l->idle_list;
        refresh = c->flags & C_WPROGRESS;
    } else if (c->inflight) {
        want = NULL;
        refresh = false;
    } else if (PST__UNLIKELY(c->filter != NULL || l->s->opt.tls == PST_TLS_ON) &&
               !done_reading && handshaking(c)) {
        /* not refreshed by the peer's bytes: a client that trickles a
         * ClientHello is closed on time (only our own flights, under the
         * write timer, restart it) */
        want = &l->handshake_list;
        refresh = false;
    } else if (c->in_len && !done_reading) {
        want = l->read_list.duration_ms > 0 ? &l->read_list : &l->idle_list;
        /* a started HTTP request has its own bound even without a read
         * timeout (slow senders of headers) */
        if ((c->flags & C_HTTP) && want == &l->idle_list && l->http_list.duration_ms > 0)
            want = &l->http_list;
        refresh = want == &l->idle_list || (c->flags & C_MSGDONE);
    } else if (!done_reading) {
        want = &l->idle_list;
        refresh = true;
    } else {
        want = NULL;
        refresh = false;
    }
    if (!want)
        pst__timer_disarm(&c->timer);
    else if (c->timer.list != want || refresh)
        pst__timer_arm(&l->loop, want, &c->timer);
    c->flags &= (uint16_t)~(C_WPROGRESS | C_MSGDONE);
}

static void on_idle_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = PST__CONTAINER_OF(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    pst__nb_conn_closef(c, PST_LOG_INFO,
                        "no message within the idle timeout of %d ms",
                        c->loop->s->opt.idle_timeout_ms);
}

static void on_read_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = PST__CONTAINER_OF(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    if (!c->proto)
        pst__nb_conn_closef(c, PST_LOG_INFO,
                            "no complete first message within %d ms "
                            "(read timeout; %u bytes so far)",
                            c->loop->s->opt.read_timeout_ms, c->in_len);
    else
        pst__nb_conn_closef(c, PST_LOG_INFO,
                            "message incomplete after the read "
                            "timeout of %d ms (%u bytes so far)",
                            c->loop->s->opt.read_timeout_ms, c->in_len);
}

static void on_http_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = PST__CONTAINER_OF(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    pst__nb_conn_closef(c, PST_LOG_INFO,
                        "HTTP request incomplete after %d ms "
                        "(http_request_timeout_ms; %u bytes so far)",
                        c->loop->s->opt.http_request_timeout_ms, c->in_len);
}

static void on_handshake_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = PST__CONTAINER_OF(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    pst__nb_conn_closef(c, PST_LOG_INFO,
                        "%s handshake not complete within %d ms",
                        c->filter ? c->filter->ops->name : "TLS",
                        c->loop->s->opt.tls_handshake_timeout_ms);
}

static void on_write_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_conn *c = PST__CONTAINER_OF(t, nb_conn, timer);
    atomic_fetch_add(&c->loop->s->stats.timeouts, 1);
    pst__nb_conn_closef(c, PST_LOG_INFO,
                        "reply write timed out after %d ms (the "
                        "write timeout; peer took nothing, %zu bytes unsent)",
                c->loop->s->opt.write_timeout_ms, out_pending(c));
}

static void on_linger_timeout(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    pst__nb_conn_close(PST__CONTAINER_OF(t, nb_conn, timer), PST_LOG_DEBUG,
                       NULL);
}

/* ---- stop's grace period ------------------------------------------------- */

static void on_grace(pst__loop *pl, pst__timer *t)
{
    (void)pl;
    nb_loop *l = PST__CONTAINER_OF(t, nb_loop, grace_timer);
    unsigned n = 0;
    for (nb_conn *c = l->conns; c; c = c->next)
        n++;
    if (n)
        pst__server_log(l->s, PST_LOG_WARN, "nonblocking: stop: closing %u "
                        "connection(s) still busy after %lld ms", n,
                        (long long)l->grace_list.duration_ms);
    while (l->conns)
        pst__nb_conn_close(l->conns, PST_LOG_DEBUG, NULL);
}

/* The loop's timer lists: the connections' idle, read, write, HTTP request
 * and linger timeouts, and stop's grace period. */
void pst__nb_timers_init(nb_loop *l)
{
    pst_server *s = l->s;
    pst__loop *pl = &l->loop;
    pst__loop_add_timer_list(pl, &l->idle_list, s->opt.idle_timeout_ms,
                             on_idle_timeout);
    pst__loop_add_timer_list(pl, &l->read_list, s->opt.read_timeout_ms,
                             on_read_timeout);
    pst__loop_add_timer_list(pl, &l->write_list, s->opt.write_timeout_ms,
                             on_write_timeout);
    pst__loop_add_timer_list(pl, &l->linger_list, LINGER_MS, on_linger_timeout);
    pst__loop_add_timer_list(pl, &l->grace_list, s->opt.stop_grace_ms, on_grace);
    pst__loop_add_timer_list(pl, &l->http_list, s->opt.http_request_timeout_ms,
                             on_http_timeout);
    pst__loop_add_timer_list(pl, &l->handshake_list,
                             s->opt.tls_handshake_timeout_ms,
                             on_handshake_timeout);
}
