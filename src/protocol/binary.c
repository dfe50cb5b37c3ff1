/*
 * binary.c: TBinaryProtocol. Big-endian fixed-width integers and doubles;
 * field header = type byte + i16 id; string = i32 length + bytes;
 * list/set = element type + i32 count; map = key type + value type + i32
 * count; uuid = 16 raw bytes. Message header: strict
 * i32 (0x80010000 | type), name, i32 seqid (always written); the old
 * non-strict form name, type byte, seqid is accepted unless strict_read.
 */
#include <stdio.h>

#include "protocol/binary_plan.h"
#include "protocol/codec.h"
#include "protocol/walk_steps.h"

#define VERSION_1 0x80010000u
#define VERSION_MASK 0xffff0000u

/* ======================================================================== */
/* decoding                                                                 */
/* ======================================================================== */

static const uint8_t *br_fields(pst__dec *c, const uint8_t *p,
                                const pst_struct_desc *d, uint8_t *v,
                                uint32_t depth);

/* A struct into v: defaults first, then the fields on the wire. */
PST__INLINE const uint8_t *br_struct(pst__dec *c, const uint8_t *p,
                                     const pst_struct_desc *d, uint8_t *v,
                                     uint32_t depth)
{
    pst__struct_init(d, v);
    return br_fields(c, p, d, v, depth);
}
static const uint8_t *br_list(pst__dec *c, const uint8_t *p,
                              const pst_type *t, pst_list *l, uint32_t depth,
                              const pst_struct_desc *d, const pst_field *f);
static const uint8_t *br_map(pst__dec *c, const uint8_t *p, const pst_type *t,
                             pst_map *m, uint32_t depth,
                             const pst_struct_desc *d, const pst_field *f);
static const uint8_t *br_skip(pst__dec *c, const uint8_t *p, unsigned tt,
                              uint32_t depth, uint32_t frames);

#define NEED(n, what)                                                          \
    do {                                                                       \
        if (PST__UNLIKELY((size_t)(c->end - p) < (size_t)(n)))                 \
            return pst__dec_short(c, p, (n), d, f, (what));                    \
    } while (0)

/* i32 length of a string or container; negative is malformed. */
#define READ_SIZE(var, what)                                                   \
    do {                                                                       \
        NEED(4, what);                                                         \
        var = pst__ld_be32(p);                                                 \
        if (PST__UNLIKELY(var > INT32_MAX))                                    \
            return pst__dec_fail(c, PST_E_PROTOCOL, p, d, f,                   \
                                 "negative %s size %d", what, (int32_t)var);   \
        p += 4;                                                                \
    } while (0)

PST__INLINE const uint8_t *br_string(pst__dec *c, const uint8_t *p,
                                     pst_str *s, const pst_struct_desc *d,
                                     const pst_field *f)
{
    uint32_t n = 0;
    READ_SIZE(n, "string");
    NEED(n, "string");
    return pst__dec_str(c, p, n, s, d, f);
}

static const uint8_t *br_struct_ptr(pst__dec *c, const uint8_t *p,
                                    const pst_struct_desc *sd, void **slot,
                                    uint32_t depth, const pst_struct_desc *d,
                                    const pst_field *f)
{
    uint8_t *sv = pst__arena_alloc(c->arena, sd->size);
    if (!sv)
        return pst__dec_nomem(c, p, sd->size, d, f);
    *slot = sv;
    return br_struct(c, p, sd, sv, depth);
}

/* One value of type t into m: container elements and map entries. */
PST__INLINE const uint8_t *br_value(pst__dec *c, const uint8_t *p,
                               const pst_type *t, uint8_t *m, uint32_t depth,
                               const pst_struct_desc *d, const pst_field *f)
{
    switch (t->kind) {
    case PST_K_BOOL:
        NEED(1, "bool");
        *(bool *)m = *p != 0;
        return p + 1;
    case PST_K_I8:
        NEED(1, "i8");
        *(int8_t *)m = (int8_t)*p;
        return p + 1;
    case PST_K_I16:
        NEED(2, "i16");
        *(int16_t *)m = (int16_t)pst__ld_be16(p);
        return p + 2;
    case PST_K_I32:
    case PST_K_ENUM:
        NEED(4, "i32");
        *(int32_t *)m = (int32_t)pst__ld_be32(p);
        return p + 4;
    case PST_K_I64:
    case PST_K_DOUBLE:
        NEED(8, t->kind == PST_K_I64 ? "i64" : "double");
        {
            uint64_t x = pst__ld_be64(p);
            memcpy(m, &x, 8);
        }
        return p + 8;
    case PST_K_UUID:
        NEED(16, "uuid");
        memcpy(m, p, 16);
        return p + 16;
    case PST_K_STRING:
    case PST_K_BINARY:
        return br_string(c, p, (pst_str *)m, d, f);
    case PST_K_STRUCT:
        return br_struct(c, p, t->sdesc, m, depth + 1);
    case PST_K_STRUCT_PTR:
        return br_struct_ptr(c, p, t->sdesc, (void **)m, depth + 1, d, f);
    case PST_K_LIST:
    case PST_K_SET:
        return br_list(c, p, t, (pst_list *)m, depth, d, f);
    case PST_K_MAP:
        return br_map(c, p, t, (pst_map *)m, depth, d, f);
    }
    return pst__dec_bad_desc(c, p, d, f);
}

static const uint8_t *br_list_items(pst__dec *c, const uint8_t *p,
                                    const pst_type *t, pst_list *l,
                                    uint32_t depth, const pst_struct_desc *d,
                                    const pst_field *f)
{
    NEED(5, "list header");
    unsigned et = p[0];
    uint32_t n = pst__ld_be32(p + 1);
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__dec_fail(c, PST_E_PROTOCOL, p, d, f,
                             "negative list size %d", (int32_t)n);
    p += 5;
    l->count = n;
    l->data = NULL;
    if (n == 0)
        return p;
    const pst_type *e = t->elem;
    if (!pst__dec_list_check(c, p - 5, p, t, et, n, pst__binary_min_size,
                             "list", "list element", d, f))
        return NULL;
    size_t stride = e->size;
    uint8_t *data = pst__arena_alloc(c->arena, (size_t)n * stride);
    if (PST__UNLIKELY(!data))
        return pst__dec_nomem(c, p, (size_t)n * stride, d, f);
    l->data = data;
    switch (e->kind) {
    case PST_K_BOOL:
        for (uint32_t i = 0; i < n; i++)
            ((bool *)data)[i] = p[i] != 0;
        return p + n;
    case PST_K_I8:
        memcpy(data, p, n);
        return p + n;
    case PST_K_I16:
        for (uint32_t i = 0; i < n; i++)
            ((int16_t *)data)[i] = (int16_t)pst__ld_be16(p + 2 * (size_t)i);
        return p + 2 * (size_t)n;
    case PST_K_I32:
    case PST_K_ENUM:
        for (uint32_t i = 0; i < n; i++)
            ((int32_t *)data)[i] = (int32_t)pst__ld_be32(p + 4 * (size_t)i);
        return p + 4 * (size_t)n;
    case PST_K_I64:
    case PST_K_DOUBLE:
        pst__bswap64_array(data, p, n);
        return p + 8 * (size_t)n;
    case PST_K_UUID:
        memcpy(data, p, 16 * (size_t)n);
        return p + 16 * (size_t)n;
    case PST_K_STRING:
    case PST_K_BINARY:
        for (uint32_t i = 0; i < n; i++) {
            p = br_string(c, p, (pst_str *)data + i, d, f);
            if (!p)
                return NULL;
        }
        return p;
    case PST_K_STRUCT:
        for (uint32_t i = 0; i < n; i++) {
            p = br_struct(c, p, e->sdesc, data + i * stride, depth + 1);
            if (!p)
                return NULL;
        }
        return p;
    default:
        for (uint32_t i = 0; i < n; i++) {
            p = br_value(c, p, e, data + i * stride, depth, d, f);
            if (!p)
                return NULL;
        }
        return p;
    }
}

static const uint8_t *br_map_items(pst__dec *c, const uint8_t *p,
                                   const pst_type *t, pst_map *m,
                                   uint32_t depth, const pst_struct_desc *d,
                                   const pst_field *f)
{
    NEED(6, "map header");
    unsigned kt = p[0], vt = p[1];
    uint32_t n = pst__ld_be32(p + 2);
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__dec_fail(c, PST_E_PROTOCOL, p, d, f,
                             "negative map size %d", (int32_t)n);
    p += 6;
    m->count = n;
    m->keys = m->values = NULL;
    if (n == 0)
        return p;
    const pst_type *k = t->elem, *v = t->value;
    if (!pst__dec_map_check(c, p - 6, p, t, kt, vt, n, pst__binary_min_size,
                            d, f))
        return NULL;
    uint8_t *keys = pst__arena_alloc(c->arena, (size_t)n * k->size);
    uint8_t *vals = keys ? pst__arena_alloc(c->arena, (size_t)n * v->size) : NULL;
    if (PST__UNLIKELY(!vals))
        return pst__dec_nomem(c, p, (size_t)n * (k->size + v->size), d, f);
    m->keys = keys;
    m->values = vals;
    for (uint32_t i = 0; i < n; i++) {
        p = br_value(c, p, k, keys + (size_t)i * k->size, depth, d, f);
        if (!p)
            return NULL;
        p = br_value(c, p, v, vals + (size_t)i * v->size, depth, d, f);
        if (!p)
            return NULL;
    }
    return p;
}

/* Sets and maps leave repeated elements and keys as Thrift's readers do
 * (walk_steps.h); lists are as sent. */
static const uint8_t *br_list(pst__dec *c, const uint8_t *p,
                              const pst_type *t, pst_list *l, uint32_t depth,
                              const pst_struct_desc *d, const pst_field *f)
{
    return pst__dec_list_done(c, br_list_items(c, p, t, l, depth, d, f), t,
                              l, d, f);
}

static const uint8_t *br_map(pst__dec *c, const uint8_t *p, const pst_type *t,
                             pst_map *m, uint32_t depth,
                             const pst_struct_desc *d, const pst_field *f)
{
    return pst__dec_map_done(c, br_map_items(c, p, t, m, depth, d, f), t, m,
                             d, f);
}

/* The fields of a struct into v, which holds its defaults already.
 *
 * Writers emit fields in id order, so each header is first compared with
 * the field expected next (`want`); only a field out of order or unknown
 * takes the binary search. When every field came in order and none is
 * missing, no post-STOP check is needed. */
static const uint8_t *br_fields(pst__dec *c, const uint8_t *p,
                                const pst_struct_desc *d, uint8_t *v,
                                uint32_t depth)
{
    const pst_field *f = NULL;
    if (PST__UNLIKELY(depth > c->max_depth))
        return pst__dec_depth(c, p, d, NULL, 0);
    const pst_field *want = d->fields;
    const pst_field *fend = d->nfields ? want + d->nfields : want;
    bool in_order = true; /* every field so far the one expected */
    for (;;) {
        const uint8_t *end = c->end;
        f = NULL;
        if (PST__UNLIKELY(p >= end))
            return pst__dec_short(c, p, 1, d, NULL, "field header");
        unsigned tt = p[0];
        if (tt == PST_TT_STOP) {
            p++;
            break;
        }
        if (PST__UNLIKELY(end - p < 3))
            return pst__dec_short(c, p, 3, d, NULL, "field header");
        int id = (int16_t)pst__ld_be16(p + 1);
        p += 3;
        if (PST__LIKELY(want < fend && want->id == id)) {
            f = want;
        } else {
            in_order = false;
            f = pst_struct_field(d, (int16_t)id);
        }
        if (!f || PST__UNLIKELY(pst__kind_ttype[f->kind] != tt)) {
            /* unknown id, or a known one with another wire type: Thrift
             * skips both */
            if (PST__UNLIKELY(tt > PST_TT_UUID || !pst__binary_min_size[tt]))
                return pst__dec_fail(c, PST_E_BAD_TYPE, p - 3, d, NULL,
                                     "field %d has unknown wire type %u", id,
                                     tt);
            p = br_skip(c, p, tt, depth + 1, depth + 1);
            if (!p)
                return pst__dec_skip_context(c, d, id);
            continue;
        }
        want = f + 1;
        uint8_t *m = v + f->offset;
        switch (f->kind) {
        case PST_K_BOOL:
            NEED(1, "bool");
            *(bool *)m = *p++ != 0;
            break;
        case PST_K_I8:
            NEED(1, "i8");
            *(int8_t *)m = (int8_t)*p++;
            break;
        case PST_K_I16:
            NEED(2, "i16");
            *(int16_t *)m = (int16_t)pst__ld_be16(p);
            p += 2;
            break;
        case PST_K_I32:
        case PST_K_ENUM:
            NEED(4, "i32");
            *(int32_t *)m = (int32_t)pst__ld_be32(p);
            p += 4;
            break;
        case PST_K_I64:
        case PST_K_DOUBLE: {
            NEED(8, f->kind == PST_K_I64 ? "i64" : "double");
            uint64_t x = pst__ld_be64(p);
            memcpy(m, &x, 8);
            p += 8;
            break;
        }
        case PST_K_UUID:
            NEED(16, "uuid");
            memcpy(m, p, 16);
            p += 16;
            break;
        case PST_K_STRING:
        case PST_K_BINARY:
            p = br_string(c, p, (pst_str *)m, d, f);
            break;
        case PST_K_STRUCT:
            p = pst__nested_init(d, f, v + d->isset_offset, m)
                    ? br_struct(c, p, f->type->sdesc, m, depth + 1)
                    : br_fields(c, p, f->type->sdesc, m, depth + 1);
            break;
        case PST_K_STRUCT_PTR:
            p = br_struct_ptr(c, p, f->type->sdesc, (void **)m, depth + 1, d, f);
            break;
        case PST_K_LIST:
        case PST_K_SET:
            p = br_list(c, p, f->type, (pst_list *)m, depth, d, f);
            break;
        case PST_K_MAP:
            p = br_map(c, p, f->type, (pst_map *)m, depth, d, f);
            break;
        default:
            return pst__dec_bad_desc(c, p, d, f);
        }
        if (PST__UNLIKELY(!p))
            return NULL;
        pst__dec_field_done(d, v, v + d->isset_offset, f);
    }
    return pst__dec_struct_done(c, p, d, v, in_order && want == fend);
}

/* Skip one value of wire type tt: unknown fields, unknown methods. */
static const uint8_t *br_skip(pst__dec *c, const uint8_t *p, unsigned tt,
                              uint32_t depth, uint32_t frames)
{
    const pst_struct_desc *d = NULL;
    const pst_field *f = NULL;
    switch (tt) {
    case PST_TT_BOOL:
    case PST_TT_I8:
        NEED(1, "i8");
        return p + 1;
    case PST_TT_I16:
        NEED(2, "i16");
        return p + 2;
    case PST_TT_I32:
        NEED(4, "i32");
        return p + 4;
    case PST_TT_I64:
    case PST_TT_DOUBLE:
        NEED(8, "i64");
        return p + 8;
    case PST_TT_UUID:
        NEED(16, "uuid");
        return p + 16;
    case PST_TT_STRING: {
        uint32_t n = 0;
        READ_SIZE(n, "string");
        NEED(n, "string");
        return p + n;
    }
    case PST_TT_STRUCT:
        if (PST__UNLIKELY(depth > c->max_depth || frames > c->max_frames))
            return pst__dec_depth(c, p, NULL, NULL, frames > c->max_frames);
        for (;;) {
            NEED(1, "field header");
            unsigned ft = *p;
            if (ft == PST_TT_STOP)
                return p + 1;
            NEED(3, "field header");
            p = br_skip(c, p + 3, ft, depth + 1, frames + 1);
            if (!p)
                return NULL;
        }
    case PST_TT_MAP:
    case PST_TT_SET:
    case PST_TT_LIST: {
        if (PST__UNLIKELY(frames > c->max_frames))
            return pst__dec_depth(c, p, NULL, NULL, 1);
        unsigned kt, vt;
        uint32_t n = 0;
        const uint8_t *at = p;
        if (tt == PST_TT_MAP) {
            NEED(6, "map header");
            kt = p[0];
            vt = p[1];
            n = pst__ld_be32(p + 2);
            p += 6;
        } else {
            NEED(5, "list header");
            kt = p[0];
            vt = PST_TT_STOP;
            n = pst__ld_be32(p + 1);
            p += 5;
        }
        if (PST__UNLIKELY(n > INT32_MAX))
            return pst__dec_fail(c, PST_E_PROTOCOL, at, NULL, NULL,
                                 "negative %s size %d", pst__ttype_name(tt),
                                 (int32_t)n);
        if (n == 0)
            return p;
        unsigned kmin = kt <= PST_TT_UUID ? pst__binary_min_size[kt] : 0;
        unsigned vmin = vt <= PST_TT_UUID ? pst__binary_min_size[vt] : 0;
        if (PST__UNLIKELY(kmin == 0))
            return pst__dec_fail(c, PST_E_BAD_TYPE, at, NULL, NULL,
                                 "%s element type %u unknown",
                                 pst__ttype_name(tt), kt);
        if (PST__UNLIKELY(tt == PST_TT_MAP && vmin == 0))
            return pst__dec_fail(c, PST_E_BAD_TYPE, at, NULL, NULL,
                                 "map value type %u unknown", vt);
        NEED((uint64_t)n * (kmin + vmin), pst__ttype_name(tt));
        /* fixed-width elements: one jump */
        int kfixed = kt != PST_TT_STRING && kt < PST_TT_STRUCT;
        int vfixed = tt != PST_TT_MAP ||
                     (vt != PST_TT_STRING && vt < PST_TT_STRUCT);
        if ((kfixed || kt == PST_TT_UUID) && (vfixed || vt == PST_TT_UUID))
            return p + (size_t)n * (kmin + vmin);
        for (uint32_t i = 0; i < n; i++) {
            p = br_skip(c, p, kt, depth, frames + 1);
            if (p && tt == PST_TT_MAP)
                p = br_skip(c, p, vt, depth, frames + 1);
            if (!p)
                return NULL;
        }
        return p;
    }
    }
    return pst__dec_fail(c, PST_E_BAD_TYPE, p, NULL, NULL,
                         "unknown wire type %u", tt);
}

int pst__binary_walk_read(pst_rbuf *r, const pst_struct_desc *d, void *v,
                          pst_arena *a, const pst_codec_config *cfg)
{
    pst__dec c;
    pst__dec_init(&c, r->p, r->end, r->start, r->err, a, cfg);
    const uint8_t *p = br_struct(&c, r->p, d, v, 1);
    if (!p)
        return c.code;
    r->p = p;
    return 0;
}

static int bin_read_struct(pst_rbuf *r, const pst_struct_desc *d, void *v,
                           pst_arena *a, const pst_codec_config *cfg)
{
    if (!cfg)
        cfg = &pst__default_config;
    pst__struct_init(d, v);
    const pst__bin_plan *pl = pst__bin_plan_get_read(d, cfg->max_depth);
    if (pl) {
        /* the end pst__dec_init would set */
        const uint8_t *end = r->end;
        if (PST__UNLIKELY((uint64_t)(end - r->p) > cfg->max_message))
            end = r->p + cfg->max_message;
        const uint8_t *p = pst__bin_plan_read(r->p, end, a, pl, v);
        if (PST__LIKELY(p != NULL)) {
            r->p = p;
            return 0;
        }
        pst__struct_init(d, v); /* not the plan's shape: walk it */
    }
    pst__dec c;
    pst__dec_init(&c, r->p, r->end, r->start, r->err, a, cfg);
    const uint8_t *p = br_fields(&c, r->p, d, v, 1);
    if (!p)
        return c.code;
    r->p = p;
    return 0;
}

static int bin_skip_struct(pst_rbuf *r, const pst_codec_config *cfg)
{
    pst__dec c;
    pst__dec_init(&c, r->p, r->end, r->start, r->err, NULL, cfg);
    const uint8_t *p = br_skip(&c, r->p, PST_TT_STRUCT, 1, 1);
    if (!p)
        return c.code;
    r->p = p;
    return 0;
}

/* The message header; name points into the input. */
static const uint8_t *br_message(pst__dec *c, const uint8_t *p,
                                 pst_msg_header *h, bool strict)
{
    const pst_struct_desc *d = NULL;
    const pst_field *f = NULL;
    NEED(4, "message header");
    uint32_t first = pst__ld_be32(p);
    uint32_t n = 0;
    if (first & 0x80000000u) {
        if ((first & VERSION_MASK) != VERSION_1)
            return pst__dec_fail(c, PST_E_PROTOCOL, p, NULL, NULL,
                                 "bad binary protocol version 0x%08x",
                                 first);
        p += 4;
        READ_SIZE(n, "method name");
        NEED(n, "method name");
        h->name.ptr = (const char *)p;
        h->name.len = n;
        p += n;
        h->type = (int32_t)(first & 0xff);
    } else {
        if (strict)
            return pst__dec_fail(c, PST_E_PROTOCOL, p, NULL, NULL,
                                 "message header without version "
                                 "(0x%08x) rejected by strict_read",
                                 first);
        n = first;
        p += 4;
        NEED(n, "method name");
        h->name.ptr = (const char *)p;
        h->name.len = n;
        p += n;
        NEED(1, "message type");
        h->type = *p++;
    }
    NEED(4, "sequence id");
    h->seqid = (int32_t)pst__ld_be32(p);
    return p + 4;
}

/* The header through the checked decoder: old-style headers, truncated
 * or malformed ones (whose errors it words). */
static __attribute__((noinline)) int
bin_read_message_slow(pst_rbuf *r, pst_msg_header *h,
                      const pst_codec_config *cfg)
{
    pst__dec c;
    pst__dec_init(&c, r->p, r->end, r->start, r->err, NULL, cfg);
    const uint8_t *p = br_message(&c, r->p, h, cfg->strict_read);
    if (!p)
        return c.code;
    r->p = p;
    return 0;
}

static int bin_read_message_begin(pst_rbuf *r, pst_msg_header *h,
                                  const pst_codec_config *cfg)
{
    if (!cfg)
        cfg = &pst__default_config;
    /* Fast path: a strict header that is all there and within bounds (what
     * every Thrift library writes). */
    const uint8_t *p = r->p;
    size_t avail = (size_t)(r->end - p);
    if (PST__LIKELY(avail >= 12)) {
        uint32_t first = pst__ld_be32(p);
        uint32_t n = pst__ld_be32(p + 4);
        if (PST__LIKELY((first & VERSION_MASK) == VERSION_1 &&
                        n <= avail - 12 && n <= INT32_MAX &&
                        12 + (uint64_t)n <= cfg->max_message)) {
            h->name.ptr = (const char *)p + 8;
            h->name.len = n;
            h->type = (int32_t)(first & 0xff);
            h->seqid = (int32_t)pst__ld_be32(p + 8 + n);
            r->p = p + 12 + n;
            return 0;
        }
    }
    return bin_read_message_slow(r, h, cfg);
}

static int bin_message_length(const uint8_t *data, size_t n,
                              const pst_codec_config *cfg, size_t *len,
                              pst_error *err)
{
    if (!cfg)
        cfg = &pst__default_config;
    pst__dec c;
    pst_msg_header h;
    pst__dec_init(&c, data, data + n, data, err, NULL, cfg);
    const uint8_t *p = br_message(&c, data, &h, cfg->strict_read);
    if (p)
        p = br_skip(&c, p, PST_TT_STRUCT, 1, 1);
    if (!p)
        return c.code;
    *len = (size_t)(p - data);
    return 0;
}

/* ======================================================================== */
/* encoding                                                                 */
/* ======================================================================== */

static uint8_t *bw_struct(pst__enc *e, uint8_t *o, const pst_struct_desc *d,
                          const uint8_t *v, uint32_t depth);
static uint8_t *bw_list(pst__enc *e, uint8_t *o, const pst_type *t,
                        const pst_list *l, uint32_t depth);
static uint8_t *bw_map(pst__enc *e, uint8_t *o, const pst_type *t,
                       const pst_map *m, uint32_t depth);

/* Room for n more bytes at o, or return NULL (the failure is recorded). */
#define ENC_NEED(n)                                                            \
    do {                                                                       \
        if (PST__UNLIKELY((size_t)(e->end - o) < (size_t)(n))) {               \
            o = pst__enc_grow(e, o, (n));                                      \
            if (!o)                                                            \
                return NULL;                                                   \
        }                                                                      \
    } while (0)

/* Bytes of a fixed-width value of each kind (0: variable). */
static const uint8_t fixed_width[PST__NKINDS] = {
    [PST_K_BOOL] = 1, [PST_K_I8] = 1,      [PST_K_I16] = 2,  [PST_K_I32] = 4,
    [PST_K_I64] = 8,  [PST_K_DOUBLE] = 8,  [PST_K_UUID] = 16, [PST_K_ENUM] = 4,
};

PST__INLINE uint8_t *bw_string(pst__enc *e, uint8_t *o, const pst_str *s)
{
    size_t n = s->len;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__enc_fail(e, PST_E_LIMIT);
    ENC_NEED(4 + n);
    pst__st_be32(o, (uint32_t)n);
    pst__copy(o + 4, (const uint8_t *)s->ptr, n);
    return o + 4 + n;
}

/* A member struct of a struct or container at depth: by its plan when it
 * has one (the plan's own depth checked against what is left), else
 * walked. */
PST__INLINE uint8_t *bw_member(pst__enc *e, uint8_t *o,
                               const pst_struct_desc *sd, const uint8_t *m,
                               uint32_t depth)
{
    const pst__bin_plan *pl =
        e->walk_only ? NULL : pst__bin_plan_get(sd, e->max_depth - depth);
    if (pl)
        return pst__bin_plan_write(e, o, pl, m);
    return bw_struct(e, o, sd, m, depth + 1);
}

/* A fixed-width value of kind `kind` at m; room is reserved. */
PST__INLINE uint8_t *bw_fixed(uint8_t *o, unsigned kind, const uint8_t *m)
{
    switch (kind) {
    case PST_K_BOOL:
        *o = *(const bool *)m ? 1 : 0;
        return o + 1;
    case PST_K_I8:
        *o = *m;
        return o + 1;
    case PST_K_I16:
        pst__st_be16(o, (uint16_t)*(const int16_t *)m);
        return o + 2;
    case PST_K_I32:
    case PST_K_ENUM:
        pst__st_be32(o, (uint32_t)*(const int32_t *)m);
        return o + 4;
    case PST_K_UUID:
        memcpy(o, m, 16);
        return o + 16;
    default: { /* PST_K_I64, PST_K_DOUBLE */
        uint64_t x;
        memcpy(&x, m, 8);
        pst__st_be64(o, x);
        return o + 8;
    }
    }
}

/* One value of type t at m (container elements, map entries); room for a
 * fixed-width value is already reserved. */
PST__INLINE uint8_t *bw_value(pst__enc *e, uint8_t *o, const pst_type *t,
                              const uint8_t *m, uint32_t depth)
{
    switch (t->kind) {
    case PST_K_BOOL:
    case PST_K_I8:
    case PST_K_I16:
    case PST_K_I32:
    case PST_K_ENUM:
    case PST_K_I64:
    case PST_K_DOUBLE:
    case PST_K_UUID:
        return bw_fixed(o, t->kind, m);
    case PST_K_STRING:
    case PST_K_BINARY:
        return bw_string(e, o, (const pst_str *)m);
    case PST_K_STRUCT:
        return bw_member(e, o, t->sdesc, m, depth);
    case PST_K_STRUCT_PTR: {
        const uint8_t *sv = *(const uint8_t *const *)m;
        if (PST__UNLIKELY(!sv)) /* a NULL element cannot be written */
            return pst__enc_fail(e, PST_E_INVALID);
        return bw_member(e, o, t->sdesc, sv, depth);
    }
    case PST_K_LIST:
    case PST_K_SET:
        return bw_list(e, o, t, (const pst_list *)m, depth);
    case PST_K_MAP:
        return bw_map(e, o, t, (const pst_map *)m, depth);
    }
    return pst__enc_fail(e, PST_E_INVALID);
}

static uint8_t *bw_list(pst__enc *e, uint8_t *o, const pst_type *t,
                        const pst_list *l, uint32_t depth)
{
    const pst_type *et = t->elem;
    unsigned kind = et->kind;
    uint32_t n = l->count;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__enc_fail(e, PST_E_LIMIT);
    /* header, and every fixed-width element at once */
    size_t width = fixed_width[kind];
    ENC_NEED(5 + (size_t)n * width);
    o[0] = pst__kind_ttype[kind];
    pst__st_be32(o + 1, n);
    o += 5;
    const uint8_t *data = l->data;
    switch (kind) {
    case PST_K_BOOL:
        for (uint32_t i = 0; i < n; i++)
            o[i] = ((const bool *)data)[i] ? 1 : 0;
        return o + n;
    case PST_K_I8:
        if (n)
            memcpy(o, data, n);
        return o + n;
    case PST_K_I16:
        for (uint32_t i = 0; i < n; i++)
            pst__st_be16(o + 2 * (size_t)i, (uint16_t)((const int16_t *)data)[i]);
        return o + 2 * (size_t)n;
    case PST_K_I32:
    case PST_K_ENUM:
        for (uint32_t i = 0; i < n; i++)
            pst__st_be32(o + 4 * (size_t)i, (uint32_t)((const int32_t *)data)[i]);
        return o + 4 * (size_t)n;
    case PST_K_I64:
    case PST_K_DOUBLE:
        pst__bswap64_array(o, data, n);
        return o + 8 * (size_t)n;
    case PST_K_UUID:
        if (n)
            memcpy(o, data, 16 * (size_t)n);
        return o + 16 * (size_t)n;
    case PST_K_STRING:
    case PST_K_BINARY:
        for (uint32_t i = 0; i < n; i++) {
            o = bw_string(e, o, (const pst_str *)data + i);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
        return o;
    case PST_K_STRUCT: {
        const pst__bin_plan *pl =
            n && !e->walk_only
                ? pst__bin_plan_get(et->sdesc, e->max_depth - depth)
                : NULL;
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *m = data + (size_t)i * et->size;
            o = pl ? pst__bin_plan_write(e, o, pl, m)
                   : bw_struct(e, o, et->sdesc, m, depth + 1);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
        return o;
    }
    default:
        for (uint32_t i = 0; i < n; i++) {
            o = bw_value(e, o, et, data + (size_t)i * et->size, depth);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
        return o;
    }
}

/* Fixed-width or a string: a plain key or value. */
PST__INLINE bool plain_kind(unsigned kind)
{
    return fixed_width[kind] || kind == PST_K_STRING || kind == PST_K_BINARY;
}

/* The map header; room for it is reserved. */
PST__INLINE uint8_t *bw_map_header(uint8_t *o, const pst_type *kt,
                                   const pst_type *vt, uint32_t n)
{
    o[0] = pst__kind_ttype[kt->kind];
    o[1] = pst__kind_ttype[vt->kind];
    pst__st_be32(o + 2, n);
    return o + 6;
}

/* A map of plain keys and values, apart from bw_map so that its loops run
 * without the general case's registers. */
static uint8_t *bw_plain_map(pst__enc *e, uint8_t *o, const pst_type *t,
                             const pst_map *m)
{
    const pst_type *kt = t->elem, *vt = t->value;
    uint32_t n = m->count;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__enc_fail(e, PST_E_LIMIT);
    size_t kw = fixed_width[kt->kind], vw = fixed_width[vt->kind];
    /* both fixed-width: every entry at once, else entry by entry */
    ENC_NEED(6 + (kw && vw ? (size_t)n * (kw + vw) : 0));
    o = bw_map_header(o, kt, vt, n);
    const uint8_t *keys = m->keys, *vals = m->values;
    size_t ks = kt->size, vs = vt->size;
    unsigned kk = kt->kind, vk = vt->kind;
    if (kw && vw) { /* reserved above */
        if (kw == 4) { /* i32 and enum keys, the usual: one dispatch */
            for (uint32_t i = 0; i < n; i++) {
                uint32_t k;
                memcpy(&k, keys + (size_t)i * ks, 4);
                pst__st_be32(o, k);
                o = bw_fixed(o + 4, vk, vals + (size_t)i * vs);
            }
            return o;
        }
        for (uint32_t i = 0; i < n; i++) {
            o = bw_fixed(o, kk, keys + (size_t)i * ks);
            o = bw_fixed(o, vk, vals + (size_t)i * vs);
        }
        return o;
    }
    if (vw) {
        /* the usual string key: each entry reserved at once */
        for (uint32_t i = 0; i < n; i++) {
            const pst_str *s = (const pst_str *)(keys + (size_t)i * ks);
            size_t len = s->len;
            if (PST__UNLIKELY(len > INT32_MAX))
                return pst__enc_fail(e, PST_E_LIMIT);
            ENC_NEED(4 + len + vw);
            pst__st_be32(o, (uint32_t)len);
            pst__copy(o + 4, (const uint8_t *)s->ptr, len);
            o = bw_fixed(o + 4 + len, vk, vals + (size_t)i * vs);
        }
        return o;
    }
    /* string values: a fixed-width key reserves its width, a string its
     * length and bytes */
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *km = keys + (size_t)i * ks;
        if (kw) {
            ENC_NEED(kw);
            o = bw_fixed(o, kk, km);
        } else {
            o = bw_string(e, o, (const pst_str *)km);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
        o = bw_string(e, o, (const pst_str *)(vals + (size_t)i * vs));
        if (PST__UNLIKELY(!o))
            return NULL;
    }
    return o;
}

static uint8_t *bw_map(pst__enc *e, uint8_t *o, const pst_type *t,
                       const pst_map *m, uint32_t depth)
{
    const pst_type *kt = t->elem, *vt = t->value;
    if (plain_kind(kt->kind) && plain_kind(vt->kind))
        return bw_plain_map(e, o, t, m);
    uint32_t n = m->count;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__enc_fail(e, PST_E_LIMIT);
    ENC_NEED(6);
    o = bw_map_header(o, kt, vt, n);
    const uint8_t *keys = m->keys, *vals = m->values;
    size_t ks = kt->size, vs = vt->size;
    size_t kw = fixed_width[kt->kind], vw = fixed_width[vt->kind];
    /* entry by entry: a fixed-width key or value reserves its width, a
     * string its length and bytes, others as they go */
    unsigned kk = kt->kind, vk = vt->kind;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *km = keys + (size_t)i * ks, *vm = vals + (size_t)i * vs;
        if (kw) {
            ENC_NEED(kw);
            o = bw_fixed(o, kk, km);
        } else if (kk == PST_K_STRING || kk == PST_K_BINARY) {
            o = bw_string(e, o, (const pst_str *)km);
        } else {
            o = bw_value(e, o, kt, km, depth);
        }
        if (PST__UNLIKELY(!o))
            return NULL;
        if (vw) {
            ENC_NEED(vw);
            o = bw_fixed(o, vk, vm);
        } else if (vk == PST_K_STRING || vk == PST_K_BINARY) {
            o = bw_string(e, o, (const pst_str *)vm);
        } else {
            o = bw_value(e, o, vt, vm, depth);
        }
        if (PST__UNLIKELY(!o))
            return NULL;
    }
    return o;
}

static uint8_t *bw_struct(pst__enc *e, uint8_t *o, const pst_struct_desc *d,
                          const uint8_t *v, uint32_t depth)
{
    if (PST__UNLIKELY(depth > e->max_depth))
        return pst__enc_fail(e, PST_E_LIMIT);
    const uint8_t *isset = v + d->isset_offset;
    const pst_field *f = d->fields, *fe = d->nfields ? f + d->nfields : f;
    /* fields whose isset bit decides: optional ones, and a union's */
    unsigned uflag = d->kind == PST_UNION ? PST_REQ_OPTIONAL : 0;
    unsigned members = 0;
    for (; f < fe; f++) {
        if ((f->req | uflag) & PST_REQ_OPTIONAL) {
            if (!((isset[f->isset_bit >> 3] >> (f->isset_bit & 7)) & 1))
                continue;
            members++;
        }
        const uint8_t *m = v + f->offset;
        unsigned kind = f->kind;
        /* header + the widest fixed value (uuid) */
        ENC_NEED(3 + 16);
        o[0] = pst__kind_ttype[kind];
        pst__st_be16(o + 1, (uint16_t)f->id);
        switch (kind) {
        case PST_K_BOOL:
            o[3] = *(const bool *)m ? 1 : 0;
            o += 4;
            continue;
        case PST_K_I8:
            o[3] = *m;
            o += 4;
            continue;
        case PST_K_I16:
            pst__st_be16(o + 3, (uint16_t)*(const int16_t *)m);
            o += 5;
            continue;
        case PST_K_I32:
        case PST_K_ENUM:
            pst__st_be32(o + 3, (uint32_t)*(const int32_t *)m);
            o += 7;
            continue;
        case PST_K_I64:
        case PST_K_DOUBLE: {
            uint64_t x;
            memcpy(&x, m, 8);
            pst__st_be64(o + 3, x);
            o += 11;
            continue;
        }
        case PST_K_UUID:
            memcpy(o + 3, m, 16);
            o += 19;
            continue;
        case PST_K_STRING:
        case PST_K_BINARY:
            o = bw_string(e, o + 3, (const pst_str *)m);
            break;
        case PST_K_STRUCT:
            o = bw_member(e, o + 3, f->type->sdesc, m, depth);
            break;
        case PST_K_STRUCT_PTR: {
            const uint8_t *sv = *(const uint8_t *const *)m;
            if (!sv) { /* absent: not written */
                members -= ((f->req | uflag) & PST_REQ_OPTIONAL) != 0;
                continue;
            }
            o = bw_member(e, o + 3, f->type->sdesc, sv, depth);
            break;
        }
        case PST_K_LIST:
        case PST_K_SET:
            o = bw_list(e, o + 3, f->type, (const pst_list *)m, depth);
            break;
        case PST_K_MAP:
            o = bw_map(e, o + 3, f->type, (const pst_map *)m, depth);
            break;
        default:
            return pst__enc_fail(e, PST_E_INVALID);
        }
        if (PST__UNLIKELY(!o))
            return NULL;
    }
    if (PST__UNLIKELY(members > 1 && uflag))
        return pst__enc_fail(e, PST_E_INVALID);
    ENC_NEED(1);
    *o = PST_TT_STOP;
    return o + 1;
}

/* (the elements hold no structs: the depth is not consulted) */
uint8_t *pst__binary_write_plain_list(pst__enc *e, uint8_t *o,
                                      const pst_type *t, const pst_list *l)
{
    return bw_list(e, o, t, l, 0);
}

uint8_t *pst__binary_write_plain_map(pst__enc *e, uint8_t *o,
                                     const pst_type *t, const pst_map *m)
{
    return bw_plain_map(e, o, t, m);
}

int pst__binary_walk_write(pst_wbuf *w, const pst_struct_desc *d,
                           const void *v, const pst_codec_config *cfg)
{
    pst__enc e;
    uint8_t *o = pst__enc_begin(&e, w, cfg);
    e.walk_only = true;
    if (o)
        o = bw_struct(&e, o, d, v, 1);
    return pst__enc_end(&e, o);
}

/* A struct that has no plan: walked, its member structs by plan where they
 * have one (pst__bin_plan_encode, the protocol's write_struct, comes here). */
int pst__binary_write_walked(pst_wbuf *w, const pst_struct_desc *d,
                             const void *v, const pst_codec_config *cfg)
{
    pst__enc e;
    uint8_t *o = pst__enc_begin(&e, w, cfg);
    if (o)
        o = bw_struct(&e, o, d, v, 1);
    return pst__enc_end(&e, o);
}

/* The header through the checked encoder: any buffer state, any length. */
static __attribute__((noinline)) int
bin_write_message_slow(pst_wbuf *w, const pst_msg_header *h)
{
    size_t n = h->name.len;
    pst__enc e;
    uint8_t *o = pst__enc_begin(&e, w, NULL);
    if (o && n > INT32_MAX)
        o = pst__enc_fail(&e, PST_E_LIMIT);
    if (o)
        o = pst__enc_need(&e, o, 12 + n);
    if (o) {
        pst__st_be32(o, VERSION_1 | ((uint32_t)h->type & 0xff));
        pst__st_be32(o + 4, (uint32_t)n);
        if (n)
            memcpy(o + 8, h->name.ptr, n);
        pst__st_be32(o + 8 + n, (uint32_t)h->seqid);
        o += 12 + n;
    }
    return pst__enc_end(&e, o);
}

static int bin_write_message_begin(pst_wbuf *w, const pst_msg_header *h)
{
    size_t n = h->name.len;
    /* Fast path: a name pst__copy moves without a call, and room in the
     * buffer (the checks
     * pst__enc_begin, _need and _end would make, in one). */
    if (PST__LIKELY(!w->err && w->data && n <= 32 &&
                    w->cap - w->len >= 12 + n)) {
        uint8_t *o = w->data + w->len;
        pst__st_be32(o, VERSION_1 | ((uint32_t)h->type & 0xff));
        pst__st_be32(o + 4, (uint32_t)n);
        pst__copy(o + 8, (const uint8_t *)h->name.ptr, n);
        pst__st_be32(o + 8 + n, (uint32_t)h->seqid);
        w->len += 12 + n;
        return 0;
    }
    return bin_write_message_slow(w, h);
}

const pst_protocol pst_protocol_binary = {
    "binary",
    bin_write_message_begin,
    bin_read_message_begin,
    pst__bin_plan_encode, /* by plan, else pst__binary_write_walked */
    bin_read_struct,
    bin_skip_struct,
    bin_message_length,
    NULL, /* no message trailer */
    NULL,
};
