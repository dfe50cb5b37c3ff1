/*
 * nb_tls.c: TLS in the NONBLOCKING model: a byte filter (nb_filter.c) over
 * the TLS engine (src/tls). The handshake runs as bytes arrive, on the
 * loop thread, never waiting: the engine says when it needs more, and its
 * flights leave with the connection's output. A failed handshake queues
 * OpenSSL's alert and closes after it; a stalled one meets the handshake
 * timer (nb_timer.c).
 */
#include <stdlib.h>

#include "server/nb_internal.h"
#include "tls/tls_internal.h"

enum { CHUNK = 16384 };

typedef struct tls_filter {
    pst__nb_filter base;
    pst__tls *tls;
} tls_filter;

/* The engine's wire bytes into k, from where they lie. */
static int drain_wire(pst__tls *tls, pst__nb_sink *k)
{
    size_t n;
    const uint8_t *p = pst__tls_wire_peek(tls, &n);
    if (!n)
        return 0;
    int rc = k->put(k, p, n);
    if (rc == 0)
        pst__tls_wire_consume(tls, n);
    return rc;
}

static int tls_input(pst__nb_filter *f, const uint8_t *p, size_t n,
                     pst__nb_sink *plain, pst__nb_sink *back, pst_error *err)
{
    pst__tls *tls = ((tls_filter *)f)->tls;
    if (pst__tls_put_wire(tls, p, n) < 0)
        return PST_E_NOMEM;
    uint8_t buf[CHUNK];
    int rc;
    for (;;) {
        size_t got = 0;
        rc = pst__tls_read(tls, buf, sizeof buf, &got, err);
        if (rc < 0)
            break;
        rc = plain->put(plain, buf, got);
        if (rc < 0 || !pst__tls_read_pending(tls))
            break;
    }
    int wrc = drain_wire(tls, back);     /* flights, tickets, an alert */
    if (rc == PST_E_SHORT)
        rc = 0;
    return rc < 0 ? rc : wrc;
}

static int tls_output(pst__nb_filter *f, const uint8_t *p, size_t n,
                      pst__nb_sink *wire, pst_error *err)
{
    pst__tls *tls = ((tls_filter *)f)->tls;
    int rc = pst__tls_write(tls, p, n, err);
    int wrc = drain_wire(tls, wire);
    return rc < 0 ? rc : wrc;
}

static bool tls_handshaking(const pst__nb_filter *f)
{
    return !pst__tls_established(((const tls_filter *)f)->tls);
}

static void tls_finish(pst__nb_filter *f, pst__nb_sink *wire)
{
    pst__tls *tls = ((tls_filter *)f)->tls;
    pst__tls_close_notify(tls);
    drain_wire(tls, wire);
}

static const char *tls_identity(const pst__nb_filter *f)
{
    return pst__tls_peer_identity(((const tls_filter *)f)->tls);
}

static void tls_free(pst__nb_filter *f)
{
    pst__tls_free(((tls_filter *)f)->tls);
    free(f);
}

static const pst__nb_filter_ops tls_filter_ops = {
    "TLS", tls_input, tls_output, tls_handshaking, tls_finish, tls_identity,
    tls_free,
};

size_t pst__nb_tls_start(nb_conn *c, const uint8_t *p, size_t avail)
{
    tls_filter *f = calloc(1, sizeof *f);
    if (f)
        f->tls = pst__tls_new(c->loop->s->tls_ctx, true, NULL, false);
    if (!f || !f->tls) {
        free(f);
        pst__nb_conn_fail(c, "out of memory for TLS");
        return avail;
    }
    f->base.ops = &tls_filter_ops;
    c->filter = &f->base;
    bool eof = false;
    /* A ClientHello yields no plain bytes (no early data is accepted), so
     * c->in stays as the caller left it. */
    pst__nb_filter_feed(c, p, avail, &eof);
    if (eof)
        c->flags |= C_EOF;
    return avail;
}
