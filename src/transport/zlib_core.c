/* zlib_core.c: the push-style zlib core (postern/zlib.h): bytes in, bytes
 * out into memory the caller owns, no file descriptors. The zlib stream
 * (zlib_stream.c) and THeader's zlib transform run on it. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "postern/zlib.h"
#include "transport/zlib_internal.h"

struct pst_zlib_inflater {
    z_stream z;
    bool ended;
};

/* The deflater runs zlib raw (no RFC 1950 wrapper) and writes the 2-byte
 * zlib header itself: its stream is never finished (each message ends with
 * a flush, the connection with a close), so the Adler-32 trailer zlib
 * would compute over every byte for it is never sent; raw, zlib skips that
 * sum (about 5 instructions a byte). The header is the one zlib writes for
 * the level, so the bytes are the same. */
struct pst_zlib_deflater {
    z_stream z;
    uint8_t header[2];
    bool header_due;     /* not written yet: it opens the first message */
    int level;           /* the level asked for */
    int now;             /* the level zlib runs at (0 while storing) */
    size_t store_below;  /* messages shorter than this go stored; 0: never */
};

/* zlib counts in uInt: feed it at most this much per call. */
#define ZCHUNK ((size_t)UINT_MAX / 2)

pst_zlib_inflater *pst_zlib_inflater_new(void)
{
    pst_zlib_inflater *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    if (inflateInit(&z->z) != Z_OK) {
        free(z);
        return NULL;
    }
    return z;
}

void pst_zlib_inflater_free(pst_zlib_inflater *z)
{
    if (!z)
        return;
    inflateEnd(&z->z);
    free(z);
}

void pst__zlib_inflater_skip_check(pst_zlib_inflater *z)
{
    inflateValidate(&z->z, 0);
}

uint64_t pst_zlib_inflater_total_in(const pst_zlib_inflater *z)
{
    return z->z.total_in;
}

int pst_zlib_inflate(pst_zlib_inflater *z, const void *in, size_t n,
                     size_t *used, void *out, size_t cap, size_t *made,
                     pst_error *err)
{
    *used = *made = 0;
    if (z->ended)
        return PST_E_CLOSED;
    if (n > ZCHUNK)
        n = ZCHUNK;
    if (cap > ZCHUNK)
        cap = ZCHUNK;
    uint64_t before = z->z.total_in;
    z->z.next_in = (Bytef *)(uintptr_t)in;
    z->z.avail_in = (uInt)n;
    z->z.next_out = out;
    z->z.avail_out = (uInt)cap;
    int rc = cap ? inflate(&z->z, Z_SYNC_FLUSH) : Z_BUF_ERROR;
    *used = n - z->z.avail_in;
    *made = cap - z->z.avail_out;
    switch (rc) {
    case Z_OK:
    case Z_BUF_ERROR: /* no progress possible: more input or more room */
        return 0;
    case Z_STREAM_END:
        z->ended = true;
        return *made ? 0 : PST_E_CLOSED;
    case Z_NEED_DICT:
        return pst_error_set(err, PST_E_PROTOCOL,
                             "zlib stream asks for a preset dictionary "
                             "(at compressed byte %llu)",
                             (unsigned long long)before);
    case Z_MEM_ERROR:
        return pst_error_set(err, PST_E_NOMEM, "out of memory inflating zlib");
    default:
        return pst_error_set(err, PST_E_PROTOCOL,
                             "bad zlib data near compressed byte %llu: %s",
                             (unsigned long long)z->z.total_in,
                             z->z.msg ? z->z.msg : "corrupt stream");
    }
}

pst_zlib_deflater *pst_zlib_deflater_new(int level)
{
    if (level < -1 || level > 9)
        return NULL;
    pst_zlib_deflater *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    if (deflateInit2(&z->z, level, Z_DEFLATED, -MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        free(z);
        return NULL;
    }
    /* RFC 1950: CM 8 with a 32 KiB window (0x78), then FLEVEL as zlib
     * derives it from the level, and FCHECK making the pair a multiple of
     * 31. */
    int flevel = level == 0 || level == 1 ? 0
                 : level >= 2 && level <= 5 ? 1
                 : level == 6 || level == Z_DEFAULT_COMPRESSION ? 2 : 3;
    unsigned flg = (unsigned)flevel << 6;
    flg += 31 - ((0x78u << 8 | flg) % 31);
    z->header[0] = 0x78;
    z->header[1] = (uint8_t)flg;
    z->header_due = true;
    z->level = z->now = level;
    return z;
}

void pst__zlib_deflater_store_below(pst_zlib_deflater *z, size_t n)
{
    z->store_below = n;
}

void pst_zlib_deflater_free(pst_zlib_deflater *z)
{
    if (!z)
        return;
    deflateEnd(&z->z);
    free(z);
}

/* Run deflate over in[0..n) with `flush` on the last piece, appending
 * everything it makes to out. */
static int deflate_into(z_stream *zs, const uint8_t *in, size_t n, int flush,
                        pst_wbuf *out, pst_error *err)
{
    for (;;) {
        size_t piece = n > ZCHUNK ? ZCHUNK : n;
        int f = piece == n ? flush : Z_NO_FLUSH;
        zs->next_in = (Bytef *)(uintptr_t)in;
        zs->avail_in = (uInt)piece;
        do {
            /* deflateBound-like room: small inputs fit one pass */
            size_t room = piece / 2 + 64;
            if (room > 1u << 20)
                room = 1u << 20;
            if (room > out->max - out->len)
                room = out->max - out->len; /* 0: the limit is reached */
            if (room == 0 || pst_wbuf_reserve(out, room) < 0)
                return pst_error_set(err, out->err ? out->err : PST_E_LIMIT,
                                     "compressed message passes %zu bytes",
                                     out->max);
            size_t space = out->cap - out->len;
            if (space > ZCHUNK)
                space = ZCHUNK;
            zs->next_out = out->data + out->len;
            zs->avail_out = (uInt)space;
            int rc = deflate(zs, f);
            out->len += space - zs->avail_out;
            if (rc == Z_STREAM_END)
                return 0;
            if (rc != Z_OK && rc != Z_BUF_ERROR)
                return pst_error_set(err, PST_E_IO, "zlib deflate failed: %s",
                                     zs->msg ? zs->msg : "unknown");
            /* Done with this piece once deflate left room unused. */
        } while (zs->avail_out == 0 || zs->avail_in > 0);
        in += piece;
        n -= piece;
        if (n == 0 && f == flush)
            return 0;
    }
}

/* Run zlib at `level` from the next message on. Called between messages,
 * where everything before has been flushed, so deflateParams has nothing
 * to compress and only swaps its functions (leaving level 0 also clears
 * the match hash, ~64 KiB). A failure keeps the level it had: the bytes
 * stay right either way. */
static void use_level(pst_zlib_deflater *z, int level)
{
    if (level != z->now &&
        deflateParams(&z->z, level, Z_DEFAULT_STRATEGY) == Z_OK)
        z->now = level;
}

int pst_zlib_deflate(pst_zlib_deflater *z, const struct iovec *iov, int iovcnt,
                     pst_wbuf *out, pst_error *err)
{
    int last = iovcnt - 1;
    while (last > 0 && iov[last].iov_len == 0)
        last--;
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++)
        total += iov[i].iov_len;
    /* A small message stored (the caller's choice of "small"): a stored
     * block costs no Huffman trees, which are most of a small message's
     * deflate time whatever the level. It still ends with the sync flush's
     * empty stored block: Go's flate reader hands a block's bytes out only
     * when that marker comes, so without it a Go peer waits forever. */
    if (z->store_below)
        use_level(z, total < z->store_below ? 0 : z->level);
    int rc = 0;
    if (z->header_due) {
        if (pst_wbuf_append(out, z->header, 2) < 0)
            return pst_error_set(err, out->err ? out->err : PST_E_LIMIT,
                                 "compressed message passes %zu bytes",
                                 out->max);
        z->header_due = false;
    }
    if (iovcnt <= 0)
        rc = deflate_into(&z->z, NULL, 0, Z_SYNC_FLUSH, out, err);
    for (int i = 0; i < iovcnt && rc == 0; i++) {
        rc = deflate_into(&z->z, iov[i].iov_base, iov[i].iov_len,
                          i == last ? Z_SYNC_FLUSH : Z_NO_FLUSH, out, err);
        if (i == last)
            break;
    }
    return rc;
}

int pst_zlib_compress(const void *in, size_t n, pst_wbuf *out, pst_error *err)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* zlib.compress's level: Z_DEFAULT_COMPRESSION, so bytes match Python */
    if (deflateInit(&zs, Z_DEFAULT_COMPRESSION) != Z_OK)
        return pst_error_set(err, PST_E_NOMEM, "out of memory for zlib");
    int rc = deflate_into(&zs, in, n, Z_FINISH, out, err);
    deflateEnd(&zs);
    return rc;
}

int pst_zlib_uncompress(const void *in, size_t n, uint64_t max, pst_wbuf *out,
                        pst_error *err)
{
    pst_zlib_inflater *z = pst_zlib_inflater_new();
    if (!z)
        return pst_error_set(err, PST_E_NOMEM, "out of memory for zlib");
    if (max > SIZE_MAX / 4)
        max = SIZE_MAX / 4;
    const uint8_t *p = in;
    size_t left = n;
    uint64_t produced = 0;
    int rc = 0;
    /* the buffer's own doubling stops at max + 1 too */
    size_t saved_max = out->max;
    if (out->max - out->len > max + 1)
        out->max = out->len + (size_t)max + 1;
    for (;;) {
        /* Room grows with what really comes out, never past max + 1: one
         * byte beyond max is enough to know the limit is broken. */
        size_t want = produced < 4096 ? 4096 : (size_t)produced;
        if (want > max + 1 - produced)
            want = (size_t)(max + 1 - produced);
        if (pst_wbuf_reserve(out, want) < 0) {
            rc = pst_error_set(err, out->err,
                               "inflated payload passes %zu bytes", out->max);
            break;
        }
        size_t used = 0, made = 0;
        rc = pst_zlib_inflate(z, p, left, &used, out->data + out->len, want,
                              &made, err);
        p += used;
        left -= used;
        out->len += made;
        produced += made;
        if (produced > max) {
            rc = pst_error_set(err, PST_E_LIMIT,
                               "zlib payload of %zu bytes inflates past the "
                               "limit of %llu bytes",
                               n, (unsigned long long)max);
            break;
        }
        if (rc == PST_E_CLOSED || (rc == 0 && z->ended)) {
            rc = 0;
            if (left)
                rc = pst_error_set(err, PST_E_PROTOCOL,
                                   "%zu bytes after the end of the zlib "
                                   "payload",
                                   left);
            break;
        }
        if (rc < 0)
            break;
        if (used == 0 && made == 0) {
            rc = pst_error_set(err, PST_E_PROTOCOL,
                               "zlib payload of %zu bytes ends before its "
                               "stream does",
                               n);
            break;
        }
    }
    out->max = saved_max;
    pst_zlib_inflater_free(z);
    return rc;
}
