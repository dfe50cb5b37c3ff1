/*
 * nb_zlib.c: TZlibTransport in the NONBLOCKING model: a byte filter
 * (nb_filter.c) over zlib's push-style core (postern/zlib.h). Requests are
 * inflated as their bytes arrive, a chunk at a time into c->in, whose sink
 * bounds them (one message's bound and one read: a zlib bomb stops there);
 * the replies of one send are deflated and sync-flushed together, which is
 * what Thrift's zlib readers need to see each reply whole.
 *
 * Stacks behind another filter (TLS, then zlib): the zlib filter then owns
 * the one it was put over and passes wire bytes through it first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postern/zlib.h"
#include "server/nb_internal.h"
#include "transport/zlib_internal.h"

enum { CHUNK = 16384 };

typedef struct zlib_filter {
    pst__nb_filter base;
    pst__nb_filter *inner;         /* TLS under us, or NULL */
    pst_zlib_inflater *inf;
    pst_zlib_deflater *def;
    pst_wbuf deflated;             /* one send's compressed replies */
    uint64_t max_message;          /* named when the inflated input overflows */
} zlib_filter;

/* Compressed bytes in, inflated bytes into `plain`. */
static int inflate_into(zlib_filter *z, const uint8_t *p, size_t n,
                        pst__nb_sink *plain, pst_error *err)
{
    uint8_t buf[CHUNK];
    for (;;) {
        size_t used = 0, made = 0;
        int rc = pst_zlib_inflate(z->inf, p, n, &used, buf, sizeof buf, &made,
                                  err);
        if (rc < 0 && rc != PST_E_CLOSED)
            return rc;
        if (made) {
            int prc = plain->put(plain, buf, made);
            if (prc == PST_E_LIMIT) {
                pst_error_set(err, PST_E_LIMIT, "zlib: the inflated input "
                              "passes max_message %llu (and one read) before "
                              "its messages complete; a zlib bomb?",
                              (unsigned long long)z->max_message);
                return prc;
            }
            if (prc < 0)
                return prc;
        }
        p += used;
        n -= used;
        if (rc == PST_E_CLOSED)
            return PST_E_CLOSED;   /* the peer ended its stream */
        if (!n && made < sizeof buf)
            return 0;              /* all taken, nothing held back */
        if (!used && !made)
            return 0;              /* defensive: no progress */
    }
}

/* The sink an inner filter puts its plain bytes into: they are ours to
 * inflate. */
typedef struct inflate_sink {
    pst__nb_sink base;
    zlib_filter *z;
    pst__nb_sink *plain;
    pst_error *err;
} inflate_sink;

static int inflate_put(pst__nb_sink *k, const uint8_t *p, size_t n)
{
    inflate_sink *s = (inflate_sink *)k;
    return inflate_into(s->z, p, n, s->plain, s->err);
}

static int zlib_input(pst__nb_filter *f, const uint8_t *p, size_t n,
                      pst__nb_sink *plain, pst__nb_sink *back, pst_error *err)
{
    zlib_filter *z = (zlib_filter *)f;
    if (!z->inner)
        return inflate_into(z, p, n, plain, err);
    inflate_sink s = { { inflate_put }, z, plain, err };
    return z->inner->ops->input(z->inner, p, n, &s.base, back, err);
}

static int zlib_output(pst__nb_filter *f, const uint8_t *p, size_t n,
                       pst__nb_sink *wire, pst_error *err)
{
    zlib_filter *z = (zlib_filter *)f;
    struct iovec v = { (void *)p, n };
    z->deflated.len = 0;
    int rc = pst_zlib_deflate(z->def, &v, 1, &z->deflated, err);
    if (rc == 0)
        rc = z->inner ? z->inner->ops->output(z->inner, z->deflated.data,
                                              z->deflated.len, wire, err)
                      : wire->put(wire, z->deflated.data, z->deflated.len);
    /* a big batch leaves no big buffer behind */
    if (z->deflated.cap > SCRATCH_KEEP) {
        pst_wbuf_free(&z->deflated);
        pst_wbuf_init(&z->deflated, 0);
    }
    return rc;
}

static bool zlib_handshaking(const pst__nb_filter *f)
{
    const pst__nb_filter *in = ((const zlib_filter *)f)->inner;
    return in && in->ops->handshaking && in->ops->handshaking(in);
}

static void zlib_finish(pst__nb_filter *f, pst__nb_sink *wire)
{
    pst__nb_filter *in = ((zlib_filter *)f)->inner;
    if (in && in->ops->finish)
        in->ops->finish(in, wire);
}

static const char *zlib_identity(const pst__nb_filter *f)
{
    const pst__nb_filter *in = ((const zlib_filter *)f)->inner;
    return in && in->ops->identity ? in->ops->identity(in) : NULL;
}

static void zlib_free(pst__nb_filter *f)
{
    zlib_filter *z = (zlib_filter *)f;
    pst__nb_filter_free(z->inner);
    pst_zlib_inflater_free(z->inf);
    pst_zlib_deflater_free(z->def);
    pst_wbuf_free(&z->deflated);
    free(z);
}

static const pst__nb_filter_ops zlib_filter_ops = {
    "zlib", zlib_input, zlib_output, zlib_handshaking, zlib_finish,
    zlib_identity, zlib_free,
};

size_t pst__nb_zlib_start(nb_conn *c, const uint8_t *p, size_t avail)
{
    pst_server *s = c->loop->s;
    /* the compressed bytes leave c->in (they may be in it) before the
     * inflated ones go there */
    bool in_c_in = c->in && p >= c->in && p < c->in + c->in_cap;
    if (c->flags & C_UPGRADED) {
        pst__nb_conn_fail(c, "a zlib stream after HTTP CONNECT: not served");
        return avail;
    }
    if (in_c_in && p != c->in) {
        pst__nb_conn_fail(c, "a zlib stream after other bytes on the "
                          "connection");
        return avail;
    }
    uint8_t *copy = malloc(avail);
    zlib_filter *z = calloc(1, sizeof *z);
    if (z) {
        z->inf = pst_zlib_inflater_new();
        z->def = pst_zlib_deflater_new(PST__ZLIB_REPLY_LEVEL);
    }
    if (!copy || !z || !z->inf || !z->def) {
        if (z) {
            pst_zlib_inflater_free(z->inf);
            pst_zlib_deflater_free(z->def);
        }
        free(z);
        free(copy);
        pst__nb_conn_fail(c, "out of memory for zlib");
        return avail;
    }
    /* replies under zlib_store_below stored; the requests' Adler-32 not
     * computed (zlib_internal.h says why) */
    pst__zlib_deflater_store_below(z->def, (size_t)s->opt.zlib_store_below);
    pst__zlib_inflater_skip_check(z->inf);
    memcpy(copy, p, avail);
    if (in_c_in)
        c->in_len = 0;
    z->base.ops = &zlib_filter_ops;
    z->inner = c->filter;          /* TLS's plain bytes are ours now */
    pst_wbuf_init(&z->deflated, 0);
    z->max_message = s->opt.codec.max_message;
    c->filter = &z->base;
    c->flags |= C_ZLIB;
    if (s->opt.log_level >= PST_LOG_DEBUG) {
        char peer[80];
        pst__server_log(s, PST_LOG_DEBUG, "%s: speaks zlib%s",
                        pst__nb_peer_name(c->io.fd, peer, sizeof peer),
                        z->inner ? " inside TLS" : "");
    }
    /* These bytes came through the inner filter already: inflate them
     * only (the inner filter stands aside for this one feed; a failure
     * marks c, it never frees c's filter). */
    pst__nb_filter *inner = z->inner;
    z->inner = NULL;
    bool eof = false;
    int rc = pst__nb_filter_feed(c, copy, avail, &eof);
    z->inner = inner;
    free(copy);
    if (eof)
        c->flags |= C_EOF;
    /* what they carried is answered now: no more bytes may come until it
     * is (the peer waits for its reply) */
    if (rc == 0 && c->in_len && !(c->flags & (C_ERROR | C_PAUSED)))
        pst__nb_filter_process(c);
    /* from c->in, nothing is left for the caller to consume; from the
     * loop's scratch, everything was taken */
    return in_c_in ? 0 : avail;
}
