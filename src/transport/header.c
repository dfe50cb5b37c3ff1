/* header.c: THeader frames (postern/header.h) read and written, with no
 * I/O: the client's transport (header_transport.c) and every server model
 * (server/header_process.c) share them. */
#include <stdint.h>
#include <string.h>

#include "header_internal.h"
#include "postern/zlib.h"

/* magic, flags, seqid, header words: what follows the length */
enum { FIXED = 10 };

const pst_protocol *pst_header_protocol(int32_t id)
{
    if (id == PST_HEADER_PROTOCOL_BINARY)
        return &pst_protocol_binary;
    if (id == PST_HEADER_PROTOCOL_COMPACT)
        return &pst_protocol_compact;
    return NULL;
}

int32_t pst_header_protocol_id(const pst_protocol *p)
{
    if (p == &pst_protocol_binary)
        return PST_HEADER_PROTOCOL_BINARY;
    if (p == &pst_protocol_compact)
        return PST_HEADER_PROTOCOL_COMPACT;
    return -1;
}

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

/* An unsigned LEB128 varint of at most 32 bits within [*p, end): the
 * bytes after the first, and every error. */
static int varint_slow(const uint8_t **p, const uint8_t *end, const uint8_t *base,
                       const char *what, uint32_t *out, pst_error *err)
{
    uint64_t v = 0;
    const uint8_t *q = *p;
    for (int shift = 0; shift < 35; shift += 7) {
        if (q >= end)
            return pst_error_set(err, PST_E_PROTOCOL,
                                 "header: %s runs past the header at offset %zu",
                                 what, (size_t)(q - base));
        uint8_t b = *q++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (v > UINT32_MAX)
                break;
            *out = (uint32_t)v;
            *p = q;
            return 0;
        }
    }
    return pst_error_set(err, PST_E_PROTOCOL,
                         "header: %s at offset %zu is not a 32-bit varint", what,
                         (size_t)(*p - base));
}

/* A varint; the one-byte ones (every id, count and short string length in
 * a usual header) without a call. */
static inline int varint(const uint8_t **p, const uint8_t *end, const uint8_t *base,
                         const char *what, uint32_t *out, pst_error *err)
{
    if (*p < end && **p < 0x80) {
        *out = *(*p)++;
        return 0;
    }
    return varint_slow(p, end, base, what, out, err);
}

/* A varint length and that many bytes, within [*p, end). */
static int string(const uint8_t **p, const uint8_t *end, const uint8_t *base,
                  const char *what, pst_str *out, pst_error *err)
{
    uint32_t len = 0;
    int rc = varint(p, end, base, what, &len, err);
    if (rc < 0)
        return rc;
    if (len > (size_t)(end - *p))
        return pst_error_set(err, PST_E_PROTOCOL,
                             "header: %s of %u bytes at offset %zu passes the "
                             "header's end (%zu bytes left)",
                             what, len, (size_t)(*p - base), (size_t)(end - *p));
    out->ptr = (const char *)*p;
    out->len = len;
    *p += len;
    return 0;
}

/* Info blocks between p and end: key/value blocks, the rest (padding, or
 * a block type this reader does not know) ends them. */
static int read_info(const uint8_t *p, const uint8_t *end, const uint8_t *base,
                     pst_arena *a, pst_header_frame *f, pst_error *err)
{
    pst_header_kv *kv = NULL;
    uint32_t n = 0, cap = 0;
    while (p < end) {
        uint32_t type = 0;
        int rc = varint(&p, end, base, "info block type", &type, err);
        if (rc < 0)
            return rc;
        if (type != PST_HEADER_INFO_KEY_VALUE)
            break;
        uint32_t count = 0;
        rc = varint(&p, end, base, "info header count", &count, err);
        if (rc < 0)
            return rc;
        /* each pair takes two bytes at least: check before allocating */
        if (count > (size_t)(end - p) / 2)
            return pst_error_set(err, PST_E_PROTOCOL,
                                 "header: %u info headers cannot fit in the %zu "
                                 "bytes left at offset %zu",
                                 count, (size_t)(end - p), (size_t)(p - base));
        if (n + count > cap) {
            uint32_t ncap = n + count;
            pst_header_kv *bigger = pst_arena_alloc(a, sizeof *bigger * ncap);
            if (!bigger)
                return pst_error_set(err, PST_E_NOMEM,
                                     "header: out of memory for %u info headers",
                                     ncap);
            if (n)
                memcpy(bigger, kv, sizeof *kv * n);
            kv = bigger;
            cap = ncap;
        }
        for (uint32_t i = 0; i < count; i++) {
            rc = string(&p, end, base, "info header key", &kv[n].key, err);
            if (rc == 0)
                rc = string(&p, end, base, "info header value", &kv[n].value, err);
            if (rc < 0)
                return rc;
            n++;
        }
    }
    f->headers = kv;
    f->nheaders = n;
    return 0;
}

int pst_header_read(const uint8_t *body, size_t n, const pst_codec_config *cfg,
                    pst_arena *a, pst_header_frame *f, pst_wbuf *inflated,
                    const uint8_t **payload, size_t *payload_len,
                    pst_error *err)
{
    memset(f, 0, sizeof *f);
    *payload = NULL;
    *payload_len = 0;
    if (n < FIXED)
        return pst_error_set(err, PST_E_PROTOCOL,
                             "header frame of %zu bytes is shorter than its "
                             "fixed %d",
                             n, FIXED);
    if (rd16(body) != PST_HEADER_MAGIC)
        return pst_error_set(err, PST_E_PROTOCOL,
                             "header frame opens with %02x %02x, not 0f ff",
                             body[0], body[1]);
    f->flags = (uint16_t)rd16(body + 2);
    f->seqid = (int32_t)((uint32_t)body[4] << 24 | (uint32_t)body[5] << 16 |
                         (uint32_t)body[6] << 8 | body[7]);
    size_t hlen = (size_t)rd16(body + 8) * 4;
    if (hlen > n - FIXED)
        return pst_error_set(err, PST_E_PROTOCOL,
                             "header of %zu bytes passes the frame's %zu",
                             hlen, n - FIXED);
    const uint8_t *p = body + FIXED, *end = p + hlen;
    uint32_t id = 0, nt = 0;
    int rc = varint(&p, end, body, "protocol id", &id, err);
    if (rc < 0)
        return rc;
    if (!pst_header_protocol((int32_t)id))
        return pst_error_set(err, PST_E_PROTOCOL,
                             "header: protocol id %u is neither binary (0) nor "
                             "compact (2)",
                             id);
    f->protocol_id = (int32_t)id;
    rc = varint(&p, end, body, "transform count", &nt, err);
    if (rc < 0)
        return rc;
    if (nt > PST_HEADER_MAX_TRANSFORMS)
        return pst_error_set(err, PST_E_PROTOCOL,
                             "header: %u transforms (at most %d)", nt,
                             PST_HEADER_MAX_TRANSFORMS);
    for (uint32_t i = 0; i < nt; i++) {
        uint32_t t = 0;
        rc = varint(&p, end, body, "transform id", &t, err);
        if (rc < 0)
            return rc;
        if (t != PST_HEADER_TRANSFORM_ZLIB)
            return pst_error_set(err, PST_E_PROTOCOL,
                                 "header: unknown transform %u (postern knows "
                                 "zlib, 1)",
                                 t);
        f->transforms[i] = (uint8_t)t;
    }
    f->ntransforms = nt;
    /* a zero here is padding (or an info block type 0, which ends them
     * all the same): no info headers */
    if (p < end && *p != 0) {
        rc = read_info(p, end, body, a, f, err);
        if (rc < 0)
            return rc;
    }

    const uint8_t *data = end;
    size_t len = n - FIXED - hlen;
    if (nt == 0) {
        *payload = data;
        *payload_len = len;
        return 0;
    }
    /* transforms were applied in order when written: undo them backwards
     * (all are zlib), the last pass into `inflated`, those before it into
     * two scratch buffers taken in turn */
    pst_wbuf scratch[2];
    pst_wbuf_init(&scratch[0], inflated->max);
    pst_wbuf_init(&scratch[1], inflated->max);
    for (uint32_t i = 0; i < nt && rc == 0; i++) {
        bool last = i + 1 == nt;
        pst_wbuf *dst = last ? inflated : &scratch[i & 1];
        if (!last) {
            dst->len = 0;
            dst->err = 0;
        }
        size_t from = dst->len;
        rc = pst_zlib_uncompress(data, len, cfg->max_message, dst, err);
        data = dst->data ? dst->data + from : end;
        len = dst->len - from;
    }
    pst_wbuf_free(&scratch[0]);
    pst_wbuf_free(&scratch[1]);
    if (rc < 0)
        return rc;
    *payload = data;
    *payload_len = len;
    return 0;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* The usual frame, a call's or a reply's: no transforms, no info headers,
 * a one-byte protocol id. Its header is one word (id, transform count 0,
 * two bytes of padding), the bytes the general path writes for it. */
enum { PLAIN_HEADER = 4 };

static inline bool plain_frame(const pst_header_frame *f)
{
    return f->ntransforms == 0 && f->nheaders == 0 && (uint32_t)f->protocol_id < 0x80;
}

/* A plain frame's body at b (room checked by the caller). */
static size_t put_plain_body(uint8_t *b, const pst_header_frame *f, const void *payload,
                             size_t n)
{
    b[0] = 0x0F;
    b[1] = 0xFF;
    b[2] = (uint8_t)(f->flags >> 8);
    b[3] = (uint8_t)f->flags;
    put_be32(b + 4, (uint32_t)f->seqid);
    b[8] = 0;
    b[9] = PLAIN_HEADER / 4;
    put_be32(b + 10, (uint32_t)f->protocol_id << 24);
    if (n)
        memcpy(b + FIXED + PLAIN_HEADER, payload, n);
    return FIXED + PLAIN_HEADER + n;
}

/* True when out has room for a plain frame of payload n and a length of
 * `prefix` bytes before it, without growing (growing, and its errors, are
 * the general path's). */
static inline bool plain_fits(const pst_wbuf *out, const pst_header_frame *f, size_t prefix,
                              size_t n)
{
    return plain_frame(f) && n <= UINT32_MAX - (FIXED + PLAIN_HEADER) &&
           out->cap - out->len >= prefix + FIXED + PLAIN_HEADER + n;
}

static size_t varint_put(uint8_t *p, uint32_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

int pst__header_write_body(pst_wbuf *out, const pst_header_frame *f,
                           const void *payload, size_t n, pst_error *err)
{
    if (plain_fits(out, f, 0, n)) {
        out->len += put_plain_body(out->data + out->len, f, payload, n);
        return 0;
    }
    if (f->ntransforms > PST_HEADER_MAX_TRANSFORMS)
        return pst_error_set(err, PST_E_INVALID, "header: %u transforms",
                             f->ntransforms);
    /* the header's size first: its words are written before it */
    size_t hsize = 5 + 5 + 5 * (size_t)f->ntransforms;
    if (f->nheaders)
        hsize += 10;
    for (uint32_t i = 0; i < f->nheaders; i++)
        hsize += 10 + f->headers[i].key.len + f->headers[i].value.len;
    size_t start = out->len;
    if (pst_wbuf_reserve(out, FIXED + hsize + 3) < 0)
        return pst_error_set(err, out->err, "header frame passes %zu bytes",
                             out->max);
    /* without transforms the payload follows as it is: room for the whole
     * frame now, then one memcpy (no second reservation, no call) */
    if (f->ntransforms == 0 &&
        (n > SIZE_MAX - (FIXED + hsize + 3) ||
         pst_wbuf_reserve(out, FIXED + hsize + 3 + n) < 0)) {
        int code = out->err ? out->err : PST_E_LIMIT;
        out->err = 0;
        return pst_error_set(err, code, "header frame passes %zu bytes", out->max);
    }
    uint8_t *h = out->data + start + FIXED;
    size_t k = varint_put(h, (uint32_t)f->protocol_id);
    k += varint_put(h + k, f->ntransforms);
    for (uint32_t i = 0; i < f->ntransforms; i++)
        k += varint_put(h + k, f->transforms[i]);
    if (f->nheaders) {
        k += varint_put(h + k, PST_HEADER_INFO_KEY_VALUE);
        k += varint_put(h + k, f->nheaders);
        for (uint32_t i = 0; i < f->nheaders; i++) {
            const pst_str *s[2] = { &f->headers[i].key, &f->headers[i].value };
            for (int j = 0; j < 2; j++) {
                k += varint_put(h + k, (uint32_t)s[j]->len);
                if (s[j]->len)
                    memcpy(h + k, s[j]->ptr, s[j]->len);
                k += s[j]->len;
            }
        }
    }
    while (k % 4)
        h[k++] = 0;
    if (k / 4 > 0xffff)
        return pst_error_set(err, PST_E_LIMIT,
                             "header of %zu bytes passes the 262,140 a header "
                             "frame can say",
                             k);
    uint8_t *b = out->data + start;
    b[0] = 0x0F;
    b[1] = 0xFF;
    b[2] = (uint8_t)(f->flags >> 8);
    b[3] = (uint8_t)f->flags;
    uint32_t sq = (uint32_t)f->seqid;
    b[4] = (uint8_t)(sq >> 24);
    b[5] = (uint8_t)(sq >> 16);
    b[6] = (uint8_t)(sq >> 8);
    b[7] = (uint8_t)sq;
    b[8] = (uint8_t)(k / 4 >> 8);
    b[9] = (uint8_t)(k / 4);
    out->len = start + FIXED + k;

    /* the payload, through each transform in order */
    int rc = 0;
    if (f->ntransforms == 0) {
        if (n)
            memcpy(out->data + out->len, payload, n);
        out->len += n;
    } else {
        pst_wbuf w[2];
        pst_wbuf_init(&w[0], out->max);
        pst_wbuf_init(&w[1], out->max);
        const void *src = payload;
        size_t sn = n;
        for (uint32_t i = 0; i < f->ntransforms && rc == 0; i++) {
            pst_wbuf *dst = &w[i & 1];
            dst->len = 0;
            dst->err = 0;
            rc = pst_zlib_compress(src, sn, dst, err);
            src = dst->data;
            sn = dst->len;
        }
        if (rc == 0) {
            rc = pst_wbuf_append(out, src, sn);
            if (rc < 0)
                rc = pst_error_set(err, rc, "header frame passes %zu bytes",
                                   out->max);
        }
        pst_wbuf_free(&w[0]);
        pst_wbuf_free(&w[1]);
    }
    if (rc < 0) {
        out->len = start;
        out->err = 0;
    }
    return rc;
}

int pst_header_write(pst_wbuf *out, const pst_header_frame *f,
                     const void *payload, size_t n, pst_error *err)
{
    if (plain_fits(out, f, 4, n)) {
        uint8_t *b = out->data + out->len;
        size_t body = put_plain_body(b + 4, f, payload, n);
        put_be32(b, (uint32_t)body);
        out->len += 4 + body;
        return 0;
    }
    size_t start = out->len;
    if (pst_wbuf_reserve(out, 4) < 0)
        return pst_error_set(err, out->err, "header frame passes %zu bytes",
                             out->max);
    out->len += 4;
    int rc = pst__header_write_body(out, f, payload, n, err);
    if (rc < 0) {
        out->len = start;
        out->err = 0;
        return rc;
    }
    size_t flen = out->len - start - 4;
    if (flen > UINT32_MAX) {
        out->len = start;
        return pst_error_set(err, PST_E_LIMIT, "header frame of %zu bytes", flen);
    }
    uint8_t *l = out->data + start;
    l[0] = (uint8_t)(flen >> 24);
    l[1] = (uint8_t)(flen >> 16);
    l[2] = (uint8_t)(flen >> 8);
    l[3] = (uint8_t)flen;
    return 0;
}
