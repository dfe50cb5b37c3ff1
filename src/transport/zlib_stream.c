/* zlib_stream.c: TZlibTransport as a pst_stream wrapping another stream
 * (postern/zlib.h). Reading inflates into the caller's buffer, so it never
 * holds more than one buffer of compressed input; writing deflates each
 * write (one message) and sync-flushes it before passing it on. */
#include <stdlib.h>
#include <string.h>

#include "postern/zlib.h"
#include "transport_internal.h"
#include "zlib_internal.h"

enum { IN_CAP = 16384, SHRINK_ABOVE = 256 * 1024 };

typedef struct zlib_stream {
    pst_stream base;
    pst_stream *inner;
    /* reading: compressed bytes not yet inflated are in[in_start, in_end) */
    pst_zlib_inflater *inf;
    uint8_t *in;
    size_t in_cap, in_start, in_end;
    bool out_full;           /* the last inflate filled the caller's buffer:
                                zlib may hold more output without input */
    pst_error rerr;          /* why the last read failed */
    /* writing */
    pst_zlib_deflater *def;
    pst_wbuf out;
    pst_error werr;
} zlib_stream;

static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - pst__now_ms();
    return left > 0 ? (int)left : 0;
}

static int zs_read(pst_stream *s, void *buf, size_t cap, size_t *got,
                   int timeout_ms, int wake_fd)
{
    zlib_stream *z = (zlib_stream *)s;
    int64_t deadline = timeout_ms > 0 ? pst__now_ms() + timeout_ms : 0;
    *got = 0;
    pst_error_clear(&z->rerr);
    for (;;) {
        if (z->in_end > z->in_start || z->out_full) {
            size_t used = 0, made = 0;
            int rc = pst_zlib_inflate(z->inf, z->in + z->in_start,
                                      z->in_end - z->in_start, &used, buf, cap,
                                      &made, &z->rerr);
            z->in_start += used;
            if (z->in_start == z->in_end)
                z->in_start = z->in_end = 0;
            z->out_full = made == cap && cap > 0;
            if (rc < 0)
                return rc;
            if (made) {
                *got = made;
                return 0;
            }
        }
        /* Nothing came out: zlib needs more compressed bytes. */
        if (z->in_start > 0) {
            memmove(z->in, z->in + z->in_start, z->in_end - z->in_start);
            z->in_end -= z->in_start;
            z->in_start = 0;
        }
        if (z->in_end == z->in_cap)
            return pst_error_set(&z->rerr, PST_E_PROTOCOL,
                                 "zlib: %zu compressed bytes make no output",
                                 z->in_cap);
        int wait = timeout_ms <= 0 ? timeout_ms : remaining_ms(deadline);
        size_t n = 0;
        int rc = pst_stream_read(z->inner, z->in + z->in_end,
                                 z->in_cap - z->in_end, &n, wait, wake_fd);
        if (rc < 0)
            return rc;
        z->in_end += n;
    }
}

static int zs_write(pst_stream *s, const struct iovec *iov, int iovcnt,
                    int timeout_ms)
{
    zlib_stream *z = (zlib_stream *)s;
    pst_error_clear(&z->werr);
    z->out.len = 0;
    z->out.err = 0;
    int rc = pst_zlib_deflate(z->def, iov, iovcnt, &z->out, &z->werr);
    if (rc == 0) {
        struct iovec v = { z->out.data, z->out.len };
        rc = pst_stream_write(z->inner, &v, 1, timeout_ms);
    }
    if (z->out.cap > SHRINK_ABOVE)
        pst_wbuf_free(&z->out);
    return rc;
}

static int zs_shutdown_write(pst_stream *s)
{
    return pst_stream_shutdown_write(((zlib_stream *)s)->inner);
}

static int zs_fd(const pst_stream *s)
{
    return pst_stream_fd(((const zlib_stream *)s)->inner);
}

static const char *zs_peer(const pst_stream *s)
{
    return pst_stream_peer(((const zlib_stream *)s)->inner);
}


static void zs_free(pst_stream *s)
{
    zlib_stream *z = (zlib_stream *)s;
    pst_stream_free(z->inner);
    pst_zlib_inflater_free(z->inf);
    pst_zlib_deflater_free(z->def);
    pst_wbuf_free(&z->out);
    free(z->in);
    free(z);
}

static const pst_stream_ops zlib_ops = {
    .name = "zlib",
    .read = zs_read,
    .write = zs_write,
    .shutdown_write = zs_shutdown_write,
    .fd = zs_fd,
    .peer = zs_peer,
    .free = zs_free,
    .write_some = NULL,
};

const char *pst__zlib_stream_detail(const pst_stream *s)
{
    if (s->ops != &zlib_ops)
        return NULL;
    const zlib_stream *z = (const zlib_stream *)s;
    if (z->rerr.code)
        return z->rerr.message;
    if (z->werr.code)
        return z->werr.message;
    return pst__stream_detail(z->inner);
}

void pst__zlib_stream_for_server(pst_stream *s, size_t store_below)
{
    zlib_stream *z = (zlib_stream *)s;
    pst__zlib_deflater_store_below(z->def, store_below);
    pst__zlib_inflater_skip_check(z->inf);
}

pst_stream *pst_stream_zlib_new(pst_stream *inner, const void *pre, size_t n,
                                int level)
{
    if (!inner)
        return NULL;
    zlib_stream *z = calloc(1, sizeof *z);
    if (z) {
        z->in_cap = n > IN_CAP ? n : IN_CAP;
        z->in = malloc(z->in_cap);
        z->inf = pst_zlib_inflater_new();
        z->def = pst_zlib_deflater_new(level);
    }
    if (!z || !z->in || !z->inf || !z->def) {
        if (z) {
            pst_zlib_inflater_free(z->inf);
            pst_zlib_deflater_free(z->def);
            free(z->in);
            free(z);
        }
        pst_stream_free(inner);
        return NULL;
    }
    z->base.ops = &zlib_ops;
    z->inner = inner;
    if (n)
        memcpy(z->in, pre, n);
    z->in_end = n;
    pst_wbuf_init(&z->out, SIZE_MAX / 4);
    return &z->base;
}
