/*
 * compact.c: TCompactProtocol. Integers are zigzag varints (i8 a raw byte),
 * doubles 8 bytes little-endian, uuid 16 raw bytes. Field header: one byte
 * (id delta 1..15 << 4 | compact type) or the type byte followed by the id
 * as a zigzag varint; bool fields carry their value in the type (1 true,
 * 2 false). list/set header: (count << 4 | type) for count <= 14, else
 * (0xf0 | type) + varint count; bool elements are one byte, 1 true, 2 false.
 * map: varint count, then (key type << 4 | value type) unless empty.
 * Message header: 0x82, (version 1 | type << 5), varint seqid, name.
 */
#include "protocol/codec.h"
#include "protocol/compact_plan.h"
#include "protocol/compact_wire.h"
#include "protocol/walk_steps.h"

#define PROTOCOL_ID 0x82u
#define VERSION 1u
#define VERSION_MASK 0x1fu
#define TYPE_SHIFT 5


#define TT_INVALID 0xffu

/* compact type -> TType; 14 and 15 do not exist */
static const uint8_t ct_ttype[16] = {
    PST_TT_STOP,   PST_TT_BOOL,   PST_TT_BOOL,   PST_TT_I8,
    PST_TT_I16,    PST_TT_I32,    PST_TT_I64,    PST_TT_DOUBLE,
    PST_TT_STRING, PST_TT_LIST,   PST_TT_SET,    PST_TT_MAP,
    PST_TT_STRUCT, PST_TT_UUID,   TT_INVALID,    TT_INVALID,
};

/* kind -> compact type (bool: as a container element type) */
static const uint8_t kind_ctype[PST__NKINDS] = {
    [PST_K_BOOL] = CT_TRUE,     [PST_K_I8] = CT_BYTE,
    [PST_K_I16] = CT_I16,       [PST_K_I32] = CT_I32,
    [PST_K_I64] = CT_I64,       [PST_K_DOUBLE] = CT_DOUBLE,
    [PST_K_STRING] = CT_BINARY, [PST_K_BINARY] = CT_BINARY,
    [PST_K_UUID] = CT_UUID,     [PST_K_ENUM] = CT_I32,
    [PST_K_STRUCT] = CT_STRUCT, [PST_K_STRUCT_PTR] = CT_STRUCT,
    [PST_K_LIST] = CT_LIST,     [PST_K_SET] = CT_SET,
    [PST_K_MAP] = CT_MAP,
};

static unsigned min_size(unsigned tt)
{
    return tt <= PST_TT_UUID ? pst__compact_min_size[tt] : 0;
}

static unsigned kind_tt(unsigned kind)
{
    return pst__kind_ttype[kind];
}

/* ======================================================================== */
/* decoding                                                                 */
/* ======================================================================== */

static const uint8_t *cr_fields(pst__dec *c, const uint8_t *p,
                                const pst_struct_desc *d, uint8_t *v,
                                uint32_t depth);

/* A struct into v: defaults first, then the fields on the wire. */
PST__INLINE const uint8_t *cr_struct(pst__dec *c, const uint8_t *p,
                                     const pst_struct_desc *d, uint8_t *v,
                                     uint32_t depth)
{
    pst__struct_init(d, v);
    return cr_fields(c, p, d, v, depth);
}
static const uint8_t *cr_list(pst__dec *c, const uint8_t *p,
                              const pst_type *t, pst_list *l, uint32_t depth,
                              const pst_struct_desc *d, const pst_field *f);
static const uint8_t *cr_map(pst__dec *c, const uint8_t *p, const pst_type *t,
                             pst_map *m, uint32_t depth,
                             const pst_struct_desc *d, const pst_field *f);
static const uint8_t *cr_skip(pst__dec *c, const uint8_t *p, unsigned tt,
                              uint32_t depth, uint32_t frames);

#define NEED(n, what)                                                          \
    do {                                                                       \
        if (PST__UNLIKELY((size_t)(c->end - p) < (size_t)(n)))                 \
            return pst__dec_short(c, p, (n), d, f, (what));                    \
    } while (0)

/* Varints of up to 10 bytes (what Thrift C++ accepts, also for i32s);
 * the value is truncated to the width the caller wants. */
static const uint8_t *cr_varint_slow(pst__dec *c, const uint8_t *p,
                                     uint64_t *out, const pst_struct_desc *d,
                                     const pst_field *f)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; i++) {
        NEED(i + 1, "varint");
        uint8_t b = p[i];
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return p + i + 1;
        }
    }
    return pst__dec_fail(c, PST_E_PROTOCOL, p, d, f,
                         "varint longer than 10 bytes");
}

/* Longer varints: unchecked while 10 bytes are left (the common case). */
static const uint8_t *cr_varint_long(pst__dec *c, const uint8_t *p,
                                     uint64_t *out, const pst_struct_desc *d,
                                     const pst_field *f)
{
    if (PST__UNLIKELY(c->end - p < 10))
        return cr_varint_slow(c, p, out, d, f);
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; i++) {
        uint64_t b = p[i];
        v |= (b & 0x7f) << (7 * i);
        if (b < 0x80) {
            *out = v;
            return p + i + 1;
        }
    }
    return pst__dec_fail(c, PST_E_PROTOCOL, p, d, f,
                         "varint longer than 10 bytes");
}

PST__INLINE const uint8_t *cr_varint(pst__dec *c, const uint8_t *p,
                                     uint64_t *out, const pst_struct_desc *d,
                                     const pst_field *f)
{
    if (PST__LIKELY(p < c->end && *p < 0x80)) {
        *out = *p;
        return p + 1;
    }
    return cr_varint_long(c, p, out, d, f);
}

PST__INLINE int64_t unzigzag(uint64_t n)
{
    return (int64_t)(n >> 1) ^ -(int64_t)(n & 1);
}

/* A string or container size: a varint that must fit an i32. */
PST__INLINE const uint8_t *cr_size(pst__dec *c, const uint8_t *p,
                                   uint32_t *out, const char *what,
                                   const pst_struct_desc *d,
                                   const pst_field *f)
{
    uint64_t n = 0;
    const uint8_t *q = cr_varint(c, p, &n, d, f);
    if (PST__UNLIKELY(!q))
        return NULL;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__dec_fail(c, PST_E_PROTOCOL, p, d, f,
                             "%s size %llu is negative or too large", what,
                             (unsigned long long)n);
    *out = (uint32_t)n;
    return q;
}

PST__INLINE const uint8_t *cr_string(pst__dec *c, const uint8_t *p,
                                     pst_str *s, const pst_struct_desc *d,
                                     const pst_field *f)
{
    uint32_t n = 0;
    p = cr_size(c, p, &n, "string", d, f);
    if (PST__UNLIKELY(!p))
        return NULL;
    NEED(n, "string");
    return pst__dec_str(c, p, n, s, d, f);
}

static const uint8_t *cr_struct_ptr(pst__dec *c, const uint8_t *p,
                                    const pst_struct_desc *sd, void **slot,
                                    uint32_t depth, const pst_struct_desc *d,
                                    const pst_field *f)
{
    uint8_t *sv = pst__arena_alloc(c->arena, sd->size);
    if (!sv)
        return pst__dec_nomem(c, p, sd->size, d, f);
    *slot = sv;
    return cr_struct(c, p, sd, sv, depth);
}

/* One value of type t into m: container elements and map entries. */
PST__INLINE const uint8_t *cr_value(pst__dec *c, const uint8_t *p,
                               const pst_type *t, uint8_t *m, uint32_t depth,
                               const pst_struct_desc *d, const pst_field *f)
{
    uint64_t x = 0;
    switch (t->kind) {
    case PST_K_BOOL:
        NEED(1, "bool");
        *(bool *)m = *p == CT_TRUE;
        return p + 1;
    case PST_K_I8:
        NEED(1, "i8");
        *(int8_t *)m = (int8_t)*p;
        return p + 1;
    case PST_K_I16:
        p = cr_varint(c, p, &x, d, f);
        if (p)
            *(int16_t *)m = (int16_t)unzigzag((uint32_t)x);
        return p;
    case PST_K_I32:
    case PST_K_ENUM:
        p = cr_varint(c, p, &x, d, f);
        if (p)
            *(int32_t *)m = (int32_t)unzigzag((uint32_t)x);
        return p;
    case PST_K_I64:
        p = cr_varint(c, p, &x, d, f);
        if (p)
            *(int64_t *)m = unzigzag(x);
        return p;
    case PST_K_DOUBLE:
        NEED(8, "double");
        x = pst__ld_le64(p);
        memcpy(m, &x, 8);
        return p + 8;
    case PST_K_UUID:
        NEED(16, "uuid");
        memcpy(m, p, 16);
        return p + 16;
    case PST_K_STRING:
    case PST_K_BINARY:
        return cr_string(c, p, (pst_str *)m, d, f);
    case PST_K_STRUCT:
        return cr_struct(c, p, t->sdesc, m, depth + 1);
    case PST_K_STRUCT_PTR:
        return cr_struct_ptr(c, p, t->sdesc, (void **)m, depth + 1, d, f);
    case PST_K_LIST:
    case PST_K_SET:
        return cr_list(c, p, t, (pst_list *)m, depth, d, f);
    case PST_K_MAP:
        return cr_map(c, p, t, (pst_map *)m, depth, d, f);
    }
    return pst__dec_bad_desc(c, p, d, f);
}

static const uint8_t *cr_list_items(pst__dec *c, const uint8_t *p,
                                    const pst_type *t, pst_list *l,
                                    uint32_t depth, const pst_struct_desc *d,
                                    const pst_field *f)
{
    const uint8_t *at = p;
    NEED(1, "list header");
    unsigned ct = p[0] & 15;
    uint32_t n = p[0] >> 4;
    p++;
    if (n == 15) {
        p = cr_size(c, p, &n, "list", d, f);
        if (!p)
            return NULL;
    }
    l->count = n;
    l->data = NULL;
    if (n == 0)
        return p;
    const pst_type *e = t->elem;
    if (!pst__dec_list_check(c, at, p, t, ct_ttype[ct], n,
                             pst__compact_min_size, "list", "list element",
                             d, f))
        return NULL;
    size_t stride = e->size;
    uint8_t *data = pst__arena_alloc(c->arena, (size_t)n * stride);
    if (PST__UNLIKELY(!data))
        return pst__dec_nomem(c, p, (size_t)n * stride, d, f);
    l->data = data;
    uint64_t x = 0;
    switch (e->kind) {
    case PST_K_BOOL:
        for (uint32_t i = 0; i < n; i++)
            ((bool *)data)[i] = p[i] == CT_TRUE;
        return p + n;
    case PST_K_I8:
        memcpy(data, p, n);
        return p + n;
    case PST_K_I16:
        for (uint32_t i = 0; i < n; i++) {
            p = cr_varint(c, p, &x, d, f);
            if (!p)
                return NULL;
            ((int16_t *)data)[i] = (int16_t)unzigzag((uint32_t)x);
        }
        return p;
    case PST_K_I32:
    case PST_K_ENUM:
        for (uint32_t i = 0; i < n; i++) {
            p = cr_varint(c, p, &x, d, f);
            if (!p)
                return NULL;
            ((int32_t *)data)[i] = (int32_t)unzigzag((uint32_t)x);
        }
        return p;
    case PST_K_I64:
        for (uint32_t i = 0; i < n; i++) {
            p = cr_varint(c, p, &x, d, f);
            if (!p)
                return NULL;
            ((int64_t *)data)[i] = unzigzag(x);
        }
        return p;
    case PST_K_DOUBLE:
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        for (uint32_t i = 0; i < n; i++) {
            x = pst__ld_le64(p + 8 * (size_t)i);
            memcpy(data + 8 * (size_t)i, &x, 8);
        }
#else
        memcpy(data, p, 8 * (size_t)n);
#endif
        return p + 8 * (size_t)n;
    case PST_K_UUID:
        memcpy(data, p, 16 * (size_t)n);
        return p + 16 * (size_t)n;
    case PST_K_STRING:
    case PST_K_BINARY:
        for (uint32_t i = 0; i < n; i++) {
            p = cr_string(c, p, (pst_str *)data + i, d, f);
            if (!p)
                return NULL;
        }
        return p;
    case PST_K_STRUCT:
        for (uint32_t i = 0; i < n; i++) {
            p = cr_struct(c, p, e->sdesc, data + i * stride, depth + 1);
            if (!p)
                return NULL;
        }
        return p;
    default:
        for (uint32_t i = 0; i < n; i++) {
            p = cr_value(c, p, e, data + i * stride, depth, d, f);
            if (!p)
                return NULL;
        }
        return p;
    }
}

static const uint8_t *cr_map_items(pst__dec *c, const uint8_t *p,
                                   const pst_type *t, pst_map *m,
                                   uint32_t depth, const pst_struct_desc *d,
                                   const pst_field *f)
{
    const uint8_t *at = p;
    uint32_t n = 0;
    p = cr_size(c, p, &n, "map", d, f);
    if (!p)
        return NULL;
    m->count = n;
    m->keys = m->values = NULL;
    if (n == 0)
        return p;
    NEED(1, "map types");
    unsigned kt = ct_ttype[p[0] >> 4], vt = ct_ttype[p[0] & 15];
    p++;
    const pst_type *k = t->elem, *v = t->value;
    if (!pst__dec_map_check(c, at, p, t, kt, vt, n, pst__compact_min_size, d,
                            f))
        return NULL;
    uint8_t *keys = pst__arena_alloc(c->arena, (size_t)n * k->size);
    uint8_t *vals = keys ? pst__arena_alloc(c->arena, (size_t)n * v->size) : NULL;
    if (PST__UNLIKELY(!vals))
        return pst__dec_nomem(c, p, (size_t)n * (k->size + v->size), d, f);
    m->keys = keys;
    m->values = vals;
    for (uint32_t i = 0; i < n; i++) {
        p = cr_value(c, p, k, keys + (size_t)i * k->size, depth, d, f);
        if (!p)
            return NULL;
        p = cr_value(c, p, v, vals + (size_t)i * v->size, depth, d, f);
        if (!p)
            return NULL;
    }
    return p;
}

/* Sets and maps leave repeated elements and keys as Thrift's readers do
 * (walk_steps.h); lists are as sent. */
static const uint8_t *cr_list(pst__dec *c, const uint8_t *p,
                              const pst_type *t, pst_list *l, uint32_t depth,
                              const pst_struct_desc *d, const pst_field *f)
{
    return pst__dec_list_done(c, cr_list_items(c, p, t, l, depth, d, f), t,
                              l, d, f);
}

static const uint8_t *cr_map(pst__dec *c, const uint8_t *p, const pst_type *t,
                             pst_map *m, uint32_t depth,
                             const pst_struct_desc *d, const pst_field *f)
{
    return pst__dec_map_done(c, cr_map_items(c, p, t, m, depth, d, f), t, m,
                             d, f);
}

/* The fields of a struct into v, which holds its defaults already. */
static const uint8_t *cr_fields(pst__dec *c, const uint8_t *p,
                                const pst_struct_desc *d, uint8_t *v,
                                uint32_t depth)
{
    const pst_field *f = NULL;
    if (PST__UNLIKELY(depth > c->max_depth))
        return pst__dec_depth(c, p, d, NULL, 0);
    uint8_t *isset = v + d->isset_offset;
    /* the field expected next, as in br_fields */
    const pst_field *want = d->fields;
    const pst_field *fend = d->nfields ? want + d->nfields : want;
    bool in_order = true; /* every field so far the one expected */
    const uint8_t *end = c->end;
    int last = 0;
    for (;;) {
        f = NULL;
        if (PST__UNLIKELY(p >= end))
            return pst__dec_short(c, p, 1, d, NULL, "field header");
        const uint8_t *at = p;
        unsigned b = *p++;
        unsigned ct = b & 15;
        if (ct == CT_STOP)
            break;
        int id;
        if (PST__LIKELY(b >> 4)) {
            id = (int16_t)(last + (int)(b >> 4));
        } else {
            uint64_t z = 0;
            p = cr_varint(c, p, &z, d, NULL);
            if (!p)
                return NULL;
            id = (int16_t)unzigzag((uint32_t)z);
        }
        last = id;
        unsigned tt = ct_ttype[ct];
        if (PST__LIKELY(want < fend && want->id == id)) {
            f = want;
        } else {
            in_order = false;
            f = pst_struct_field(d, (int16_t)id);
        }
        if (!f || PST__UNLIKELY(kind_tt(f->kind) != tt)) {
            /* unknown id, or a known one with another wire type: Thrift
             * skips both; a bool field's value is in its header */
            if (PST__UNLIKELY(!min_size(tt)))
                return pst__dec_fail(c, PST_E_BAD_TYPE, at, d, NULL,
                                     "field %d has unknown compact type %u",
                                     id, ct);
            if (tt != PST_TT_BOOL) {
                p = cr_skip(c, p, tt, depth + 1, depth + 1);
                if (!p)
                    return pst__dec_skip_context(c, d, id);
            }
            continue;
        }
        want = f + 1;
        uint8_t *m = v + f->offset;
        uint64_t x = 0;
        switch (f->kind) {
        case PST_K_BOOL:
            *(bool *)m = ct == CT_TRUE;
            break;
        case PST_K_I8:
            NEED(1, "i8");
            *(int8_t *)m = (int8_t)*p++;
            break;
        case PST_K_I16:
            p = cr_varint(c, p, &x, d, f);
            if (p)
                *(int16_t *)m = (int16_t)unzigzag((uint32_t)x);
            break;
        case PST_K_I32:
        case PST_K_ENUM:
            p = cr_varint(c, p, &x, d, f);
            if (p)
                *(int32_t *)m = (int32_t)unzigzag((uint32_t)x);
            break;
        case PST_K_I64:
            p = cr_varint(c, p, &x, d, f);
            if (p)
                *(int64_t *)m = unzigzag(x);
            break;
        case PST_K_DOUBLE:
            NEED(8, "double");
            x = pst__ld_le64(p);
            memcpy(m, &x, 8);
            p += 8;
            break;
        case PST_K_UUID:
            NEED(16, "uuid");
            memcpy(m, p, 16);
            p += 16;
            break;
        case PST_K_STRING:
        case PST_K_BINARY:
            p = cr_string(c, p, (pst_str *)m, d, f);
            break;
        case PST_K_STRUCT:
            p = pst__nested_init(d, f, isset, m)
                    ? cr_struct(c, p, f->type->sdesc, m, depth + 1)
                    : cr_fields(c, p, f->type->sdesc, m, depth + 1);
            break;
        case PST_K_STRUCT_PTR:
            p = cr_struct_ptr(c, p, f->type->sdesc, (void **)m, depth + 1, d, f);
            break;
        case PST_K_LIST:
        case PST_K_SET:
            p = cr_list(c, p, f->type, (pst_list *)m, depth, d, f);
            break;
        case PST_K_MAP:
            p = cr_map(c, p, f->type, (pst_map *)m, depth, d, f);
            break;
        default:
            return pst__dec_bad_desc(c, p, d, f);
        }
        if (PST__UNLIKELY(!p))
            return NULL;
        pst__dec_field_done(d, v, isset, f);
    }
    return pst__dec_struct_done(c, p, d, v, in_order && want == fend);
}

/* Skip n varints. */
static const uint8_t *cr_skip_varints(pst__dec *c, const uint8_t *p,
                                      uint64_t n)
{
    const pst_struct_desc *d = NULL;
    const pst_field *f = NULL;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t x = 0;
        p = cr_varint(c, p, &x, d, f);
        if (!p)
            return NULL;
    }
    return p;
}

/* Skip one value of wire type tt (a TType) outside a field header. */
static const uint8_t *cr_skip(pst__dec *c, const uint8_t *p, unsigned tt,
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
    case PST_TT_I32:
    case PST_TT_I64:
        return cr_skip_varints(c, p, 1);
    case PST_TT_DOUBLE:
        NEED(8, "double");
        return p + 8;
    case PST_TT_UUID:
        NEED(16, "uuid");
        return p + 16;
    case PST_TT_STRING: {
        uint32_t n = 0;
        p = cr_size(c, p, &n, "string", d, f);
        if (!p)
            return NULL;
        NEED(n, "string");
        return p + n;
    }
    case PST_TT_STRUCT:
        if (PST__UNLIKELY(depth > c->max_depth || frames > c->max_frames))
            return pst__dec_depth(c, p, NULL, NULL, frames > c->max_frames);
        for (;;) {
            NEED(1, "field header");
            unsigned b = *p++;
            unsigned ct = b & 15;
            if (ct == CT_STOP)
                return p;
            if (!(b >> 4)) {
                p = cr_skip_varints(c, p, 1);
                if (!p)
                    return NULL;
            }
            unsigned ft = ct_ttype[ct];
            if (ft == PST_TT_BOOL)
                continue;
            p = cr_skip(c, p, ft, depth + 1, frames + 1);
            if (!p)
                return NULL;
        }
    case PST_TT_MAP:
    case PST_TT_SET:
    case PST_TT_LIST: {
        if (PST__UNLIKELY(frames > c->max_frames))
            return pst__dec_depth(c, p, NULL, NULL, 1);
        const uint8_t *at = p;
        unsigned kt, vt = PST_TT_STOP;
        uint32_t n = 0;
        if (tt == PST_TT_MAP) {
            p = cr_size(c, p, &n, "map", d, f);
            if (!p)
                return NULL;
            if (n == 0)
                return p;
            NEED(1, "map types");
            kt = ct_ttype[p[0] >> 4];
            vt = ct_ttype[p[0] & 15];
            p++;
        } else {
            NEED(1, "list header");
            kt = ct_ttype[p[0] & 15];
            n = p[0] >> 4;
            p++;
            if (n == 15) {
                p = cr_size(c, p, &n, "list", d, f);
                if (!p)
                    return NULL;
            }
            if (n == 0)
                return p;
        }
        unsigned kmin = min_size(kt), vmin = min_size(vt);
        if (PST__UNLIKELY(kmin == 0))
            return pst__dec_fail(c, PST_E_BAD_TYPE, at, NULL, NULL,
                                 "%s element type unknown",
                                 pst__ttype_name(tt));
        if (PST__UNLIKELY(tt == PST_TT_MAP && vmin == 0))
            return pst__dec_fail(c, PST_E_BAD_TYPE, at, NULL, NULL,
                                 "map value type unknown");
        NEED((uint64_t)n * (kmin + vmin), pst__ttype_name(tt));
        if (tt != PST_TT_MAP) {
            switch (kt) {
            case PST_TT_BOOL:
            case PST_TT_I8:
            case PST_TT_DOUBLE:
            case PST_TT_UUID:
                return p + (size_t)n * kmin;
            case PST_TT_I16:
            case PST_TT_I32:
            case PST_TT_I64:
                return cr_skip_varints(c, p, n);
            }
        }
        for (uint32_t i = 0; i < n; i++) {
            p = cr_skip(c, p, kt, depth, frames + 1);
            if (p && tt == PST_TT_MAP)
                p = cr_skip(c, p, vt, depth, frames + 1);
            if (!p)
                return NULL;
        }
        return p;
    }
    }
    return pst__dec_fail(c, PST_E_BAD_TYPE, p, NULL, NULL,
                         "unknown wire type %u", tt);
}

static int cmp_read_struct(pst_rbuf *r, const pst_struct_desc *d, void *v,
                           pst_arena *a, const pst_codec_config *cfg)
{
    pst__dec c;
    pst__dec_init(&c, r->p, r->end, r->start, r->err, a, cfg);
    const uint8_t *p = cr_struct(&c, r->p, d, v, 1);
    if (!p)
        return c.code;
    r->p = p;
    return 0;
}

static int cmp_skip_struct(pst_rbuf *r, const pst_codec_config *cfg)
{
    pst__dec c;
    pst__dec_init(&c, r->p, r->end, r->start, r->err, NULL, cfg);
    const uint8_t *p = cr_skip(&c, r->p, PST_TT_STRUCT, 1, 1);
    if (!p)
        return c.code;
    r->p = p;
    return 0;
}

static const uint8_t *cr_message(pst__dec *c, const uint8_t *p,
                                 pst_msg_header *h)
{
    const pst_struct_desc *d = NULL;
    const pst_field *f = NULL;
    NEED(2, "message header");
    if (p[0] != PROTOCOL_ID)
        return pst__dec_fail(c, PST_E_PROTOCOL, p, NULL, NULL,
                             "bad compact protocol id 0x%02x", p[0]);
    if ((p[1] & VERSION_MASK) != VERSION)
        return pst__dec_fail(c, PST_E_PROTOCOL, p, NULL, NULL,
                             "bad compact protocol version %u",
                             p[1] & VERSION_MASK);
    h->type = p[1] >> TYPE_SHIFT;
    p += 2;
    uint64_t seq = 0;
    p = cr_varint(c, p, &seq, d, f);
    if (!p)
        return NULL;
    h->seqid = (int32_t)(uint32_t)seq;
    uint32_t n = 0;
    p = cr_size(c, p, &n, "method name", d, f);
    if (!p)
        return NULL;
    NEED(n, "method name");
    h->name.ptr = (const char *)p;
    h->name.len = n;
    return p + n;
}

/* The header through the checked decoder: truncated or malformed headers
 * (whose errors it words), long varints. */
static __attribute__((noinline)) int
cmp_read_message_slow(pst_rbuf *r, pst_msg_header *h,
                      const pst_codec_config *cfg)
{
    pst__dec c;
    pst__dec_init(&c, r->p, r->end, r->start, r->err, NULL, cfg);
    const uint8_t *p = cr_message(&c, r->p, h);
    if (!p)
        return c.code;
    r->p = p;
    return 0;
}

static int cmp_read_message_begin(pst_rbuf *r, pst_msg_header *h,
                                  const pst_codec_config *cfg)
{
    /* Fast path: protocol id and version right, a seqid of at most 5
     * varint bytes, a name length of one or two, the name all there and
     * within max_message. The same values as the checked way. */
    const uint8_t *p = r->p, *end = r->end;
    if (PST__LIKELY(end - p >= 4 && p[0] == PROTOCOL_ID &&
                    (p[1] & VERSION_MASK) == VERSION)) {
        const uint8_t *q = p + 2;
        uint64_t seq = 0;
        for (unsigned i = 0;; i++) {
            if (i == 5 || q >= end)
                return cmp_read_message_slow(r, h, cfg);
            uint64_t b = *q++;
            seq |= (b & 0x7f) << (7 * i);
            if (b < 0x80)
                break;
        }
        uint32_t n;
        if (end - q >= 1 && q[0] < 0x80) {
            n = q[0];
            q += 1;
        } else if (end - q >= 2 && q[1] < 0x80) {
            n = (q[0] & 0x7fu) | (uint32_t)q[1] << 7;
            q += 2;
        } else {
            return cmp_read_message_slow(r, h, cfg);
        }
        uint64_t max = cfg ? cfg->max_message : pst__default_config.max_message;
        if (PST__LIKELY((size_t)(end - q) >= n &&
                        (uint64_t)(q - p) + n <= max)) {
            h->type = p[1] >> TYPE_SHIFT;
            h->seqid = (int32_t)(uint32_t)seq;
            h->name.ptr = (const char *)q;
            h->name.len = n;
            r->p = q + n;
            return 0;
        }
    }
    return cmp_read_message_slow(r, h, cfg);
}

static int cmp_message_length(const uint8_t *data, size_t n,
                              const pst_codec_config *cfg, size_t *len,
                              pst_error *err)
{
    pst__dec c;
    pst_msg_header h;
    pst__dec_init(&c, data, data + n, data, err, NULL, cfg);
    const uint8_t *p = cr_message(&c, data, &h);
    if (p)
        p = cr_skip(&c, p, PST_TT_STRUCT, 1, 1);
    if (!p)
        return c.code;
    *len = (size_t)(p - data);
    return 0;
}

/* ======================================================================== */
/* encoding                                                                 */
/* ======================================================================== */

static uint8_t *cw_struct(pst__enc *e, uint8_t *o, const pst_struct_desc *d,
                          const uint8_t *v, uint32_t depth);
static uint8_t *cw_list(pst__enc *e, uint8_t *o, const pst_type *t,
                        const pst_list *l, uint32_t depth);
static uint8_t *cw_map(pst__enc *e, uint8_t *o, const pst_type *t,
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

/* Most bytes a scalar of each kind takes (0: variable). */
static const uint8_t max_width[PST__NKINDS] = {
    [PST_K_BOOL] = 1, [PST_K_I8] = 1,      [PST_K_I16] = 3,   [PST_K_I32] = 5,
    [PST_K_I64] = 10, [PST_K_DOUBLE] = 8,  [PST_K_UUID] = 16, [PST_K_ENUM] = 5,
};

PST__INLINE uint8_t *cw_string(pst__enc *e, uint8_t *o, const pst_str *s)
{
    size_t n = s->len;
    if (PST__UNLIKELY(n > INT32_MAX))
        return pst__enc_fail(e, PST_E_LIMIT);
    ENC_NEED(5 + n);
    o = cw_varint32(o, (uint32_t)n);
    pst__copy(o, (const uint8_t *)s->ptr, n);
    return o + n;
}

/* A scalar (max_width[kind] != 0) at m; room for it is reserved. */
PST__INLINE uint8_t *cw_scalar(uint8_t *o, unsigned kind, const uint8_t *m)
{
    switch (kind) {
    case PST_K_BOOL:
        *o = *(const bool *)m ? CT_TRUE : CT_FALSE;
        return o + 1;
    case PST_K_I8:
        *o = *m;
        return o + 1;
    case PST_K_I16:
        return cw_varint32(o, zigzag32(*(const int16_t *)m));
    case PST_K_I32:
    case PST_K_ENUM:
        return cw_varint32(o, zigzag32(*(const int32_t *)m));
    case PST_K_I64:
        return cw_varint64(o, zigzag64(*(const int64_t *)m));
    case PST_K_DOUBLE: {
        uint64_t x;
        memcpy(&x, m, 8);
        pst__st_le64(o, x);
        return o + 8;
    }
    default: /* PST_K_UUID */
        memcpy(o, m, 16);
        return o + 16;
    }
}

/* One value of type t at m (container elements, map entries); room for
 * the widest scalar is already reserved. */
PST__INLINE uint8_t *cw_value(pst__enc *e, uint8_t *o, const pst_type *t,
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
        return cw_scalar(o, t->kind, m);
    case PST_K_STRING:
    case PST_K_BINARY:
        return cw_string(e, o, (const pst_str *)m);
    case PST_K_STRUCT:
        return cw_struct(e, o, t->sdesc, m, depth + 1);
    case PST_K_STRUCT_PTR: {
        const uint8_t *sv = *(const uint8_t *const *)m;
        if (PST__UNLIKELY(!sv)) /* a NULL element cannot be written */
            return pst__enc_fail(e, PST_E_INVALID);
        return cw_struct(e, o, t->sdesc, sv, depth + 1);
    }
    case PST_K_LIST:
    case PST_K_SET:
        return cw_list(e, o, t, (const pst_list *)m, depth);
    case PST_K_MAP:
        return cw_map(e, o, t, (const pst_map *)m, depth);
    }
    return pst__enc_fail(e, PST_E_INVALID);
}

/* n zigzag varints of a list's integers at o (room for the widest
 * reserved): loops of their own, so that each keeps its registers. */
static uint8_t *cw_varint32s_int16(uint8_t *o, const void *data, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        o = cw_varint32(o, zigzag32(((const int16_t *)data)[i]));
    return o;
}

static uint8_t *cw_varint32s_int32(uint8_t *o, const void *data, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        o = cw_varint32(o, zigzag32(((const int32_t *)data)[i]));
    return o;
}

static uint8_t *cw_varint64s_int64(uint8_t *o, const void *data, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        o = cw_varint64(o, zigzag64(((const int64_t *)data)[i]));
    return o;
}

static uint8_t *cw_list(pst__enc *e, uint8_t *o, const pst_type *t,
                        const pst_list *l, uint32_t depth)
{
    const pst_type *et = t->elem;
    unsigned kind = et->kind;
    uint32_t n = l->count;
    unsigned ct = kind_ctype[kind];
    if (PST__UNLIKELY(n > INT32_MAX || !ct))
        return pst__enc_fail(e, n > INT32_MAX ? PST_E_LIMIT : PST_E_INVALID);
    /* header; exact-width elements all at once (varints: one at a time,
     * so that a reservation never overshoots by more than one value) */
    size_t width = kind == PST_K_BOOL || kind == PST_K_I8 ? 1
                   : kind == PST_K_DOUBLE                 ? 8
                   : kind == PST_K_UUID                   ? 16
                                                          : 0;
    ENC_NEED(6 + (size_t)n * width);
    if (n <= 14) {
        *o++ = (uint8_t)(n << 4 | ct);
    } else {
        *o++ = (uint8_t)(0xf0 | ct);
        o = cw_varint32(o, n);
    }
    const uint8_t *data = l->data;
    switch (kind) {
    case PST_K_BOOL:
        for (uint32_t i = 0; i < n; i++)
            o[i] = ((const bool *)data)[i] ? CT_TRUE : CT_FALSE;
        return o + n;
    case PST_K_I8:
        if (n)
            memcpy(o, data, n);
        return o + n;
    case PST_K_I16:
        if ((size_t)(e->end - o) / 3 >= n) /* room for all: no checks */
            return cw_varint32s_int16(o, data, n);
        for (uint32_t i = 0; i < n; i++) {
            ENC_NEED(3);
            o = cw_varint32(o, zigzag32(((const int16_t *)data)[i]));
        }
        return o;
    case PST_K_I32:
    case PST_K_ENUM:
        if ((size_t)(e->end - o) / 5 >= n) /* room for all: no checks */
            return cw_varint32s_int32(o, data, n);
        for (uint32_t i = 0; i < n; i++) {
            ENC_NEED(5);
            o = cw_varint32(o, zigzag32(((const int32_t *)data)[i]));
        }
        return o;
    case PST_K_I64:
        if ((size_t)(e->end - o) / 10 >= n) /* room for all: no checks */
            return cw_varint64s_int64(o, data, n);
        for (uint32_t i = 0; i < n; i++) {
            ENC_NEED(10);
            o = cw_varint64(o, zigzag64(((const int64_t *)data)[i]));
        }
        return o;
    case PST_K_DOUBLE:
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        pst__bswap64_array(o, data, n);
#else
        if (n)
            memcpy(o, data, 8 * (size_t)n);
#endif
        return o + 8 * (size_t)n;
    case PST_K_UUID:
        if (n)
            memcpy(o, data, 16 * (size_t)n);
        return o + 16 * (size_t)n;
    case PST_K_STRING:
    case PST_K_BINARY:
        for (uint32_t i = 0; i < n; i++) {
            o = cw_string(e, o, (const pst_str *)data + i);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
        return o;
    case PST_K_STRUCT: {
        /* elements by their plan when they have one deep enough room */
        const pst__cmp_plan *pl =
            n && !e->walk_only ? pst__cmp_plan_get(et->sdesc) : NULL;
        if (pl && depth + pst__cmp_plan_depth(pl) <= e->max_depth) {
            for (uint32_t i = 0; i < n; i++) {
                o = pst__cmp_plan_write(e, o, pl, data + (size_t)i * et->size,
                                        depth + 1);
                if (PST__UNLIKELY(!o))
                    return NULL;
            }
            return o;
        }
        for (uint32_t i = 0; i < n; i++) {
            o = cw_struct(e, o, et->sdesc, data + (size_t)i * et->size,
                          depth + 1);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
        return o;
    }
    default:
        for (uint32_t i = 0; i < n; i++) {
            ENC_NEED(16);
            o = cw_value(e, o, et, data + (size_t)i * et->size, depth);
            if (PST__UNLIKELY(!o))
                return NULL;
        }
        return o;
    }
}

static uint8_t *cw_map(pst__enc *e, uint8_t *o, const pst_type *t,
                       const pst_map *m, uint32_t depth)
{
    const pst_type *kt = t->elem, *vt = t->value;
    uint32_t n = m->count;
    unsigned kc = kind_ctype[kt->kind], vc = kind_ctype[vt->kind];
    if (PST__UNLIKELY(n > INT32_MAX || !kc || !vc))
        return pst__enc_fail(e, n > INT32_MAX ? PST_E_LIMIT : PST_E_INVALID);
    ENC_NEED(6);
    if (n == 0) {
        *o = 0;
        return o + 1;
    }
    o = cw_varint32(o, n);
    *o++ = (uint8_t)(kc << 4 | vc);
    const uint8_t *keys = m->keys, *vals = m->values;
    size_t ks = kt->size, vs = vt->size;
    /* scalars take at most 16 bytes: one reservation per entry */
    if (max_width[kt->kind] && max_width[vt->kind]) {
        unsigned kk = kt->kind, vk = vt->kind;
        if (kk == PST_K_I32 || kk == PST_K_ENUM) { /* the usual keys: one
                                                      dispatch per entry */
            for (uint32_t i = 0; i < n; i++) {
                ENC_NEED(32);
                int32_t k;
                memcpy(&k, keys + (size_t)i * ks, sizeof k);
                o = cw_varint32(o, zigzag32(k));
                o = cw_scalar(o, vk, vals + (size_t)i * vs);
            }
            return o;
        }
        for (uint32_t i = 0; i < n; i++) {
            ENC_NEED(32);
            o = cw_scalar(o, kk, keys + (size_t)i * ks);
            o = cw_scalar(o, vk, vals + (size_t)i * vs);
        }
        return o;
    }
    unsigned kk = kt->kind, vk = vt->kind;
    /* string keys (the usual ones) with scalar values: the loop below
     * without its tests of kinds, reserving at the same points */
    if ((kk == PST_K_STRING || kk == PST_K_BINARY) && max_width[vk]) {
        for (uint32_t i = 0; i < n; i++) {
            const pst_str *k = (const pst_str *)(keys + (size_t)i * ks);
            size_t kn = k->len;
            /* room for the entry (reservations of 32, 5 + kn, then 16
             * after the key would all find it): no reservation */
            if (PST__LIKELY(kn <= INT32_MAX &&
                            (size_t)(e->end - o) >= 32 + kn)) {
                o = cw_varint32(o, (uint32_t)kn);
                pst__copy(o, (const uint8_t *)k->ptr, kn);
                o = cw_scalar(o + kn, vk, vals + (size_t)i * vs);
                continue;
            }
            ENC_NEED(32);
            o = cw_string(e, o, k);
            if (PST__UNLIKELY(!o))
                return NULL;
            ENC_NEED(16);
            o = cw_scalar(o, vk, vals + (size_t)i * vs);
        }
        return o;
    }
    /* a scalar straight away, a string (the usual key) without the
     * general dispatch, others through cw_value */
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *km = keys + (size_t)i * ks, *vm = vals + (size_t)i * vs;
        ENC_NEED(32);
        if (kk == PST_K_STRING || kk == PST_K_BINARY)
            o = cw_string(e, o, (const pst_str *)km);
        else if (max_width[kk])
            o = cw_scalar(o, kk, km);
        else
            o = cw_value(e, o, kt, km, depth);
        if (PST__UNLIKELY(!o))
            return NULL;
        if (max_width[kk] == 0)
            ENC_NEED(16);
        if (max_width[vk])
            o = cw_scalar(o, vk, vm);
        else
            o = cw_value(e, o, vt, vm, depth);
        if (PST__UNLIKELY(!o))
            return NULL;
    }
    return o;
}

/* A struct's fields and STOP; is_union a constant, so that a struct's
 * copy (cw_struct) tests no union's rules. */
PST__INLINE uint8_t *cw_fields(pst__enc *e, uint8_t *o,
                               const pst_struct_desc *d, const uint8_t *v,
                               uint32_t depth, bool is_union)
{
    const uint8_t *isset = v + d->isset_offset;
    const pst_field *f = d->fields;
    /* fields whose isset bit decides: optional ones, and a union's */
    unsigned uflag = is_union ? PST_REQ_OPTIONAL : 0;
    unsigned members = 0;
    int last = 0;
    for (unsigned left = d->nfields; left; left--, f++) {
        if ((f->req | uflag) & PST_REQ_OPTIONAL) {
            if (!((isset[f->isset_bit >> 3] >> (f->isset_bit & 7)) & 1))
                continue;
            members++;
        }
        const uint8_t *m = v + f->offset;
        unsigned kind = f->kind;
        /* header (type + up to 3 id bytes) + the widest fixed value */
        ENC_NEED(4 + 16);
        /* the header's type: a bool's (its value) and an absent pointer
         * are settled in the switch below, off the common path */
        uint8_t *h = o;
        int id = f->id;
        int delta = id - last;
        if (PST__LIKELY(delta > 0 && delta <= 15)) {
            *o++ = (uint8_t)(delta << 4 | kind_ctype[kind]);
        } else {
            *o++ = kind_ctype[kind];
            o = cw_varint32(o, zigzag32(id));
        }
        int before = last;
        last = id;
        switch (kind) {
        case PST_K_BOOL:
            /* kind_ctype says CT_TRUE; CT_FALSE is the next type */
            *h += !*(const bool *)m;
            continue;
        case PST_K_I8:
            *o++ = *m;
            continue;
        case PST_K_I16:
            o = cw_varint32(o, zigzag32(*(const int16_t *)m));
            continue;
        case PST_K_I32:
        case PST_K_ENUM:
            o = cw_varint32(o, zigzag32(*(const int32_t *)m));
            continue;
        case PST_K_I64:
            o = cw_varint64(o, zigzag64(*(const int64_t *)m));
            continue;
        case PST_K_DOUBLE: {
            uint64_t x;
            memcpy(&x, m, 8);
            pst__st_le64(o, x);
            o += 8;
            continue;
        }
        case PST_K_UUID:
            memcpy(o, m, 16);
            o += 16;
            continue;
        case PST_K_STRING:
        case PST_K_BINARY:
            o = cw_string(e, o, (const pst_str *)m);
            break;
        case PST_K_STRUCT:
            o = cw_struct(e, o, f->type->sdesc, m, depth + 1);
            break;
        case PST_K_STRUCT_PTR: {
            const uint8_t *sv = *(const uint8_t *const *)m;
            if (!sv) { /* absent: not written, header taken back */
                o = h;
                last = before;
                members -= ((f->req | uflag) & PST_REQ_OPTIONAL) != 0;
                continue;
            }
            o = cw_struct(e, o, f->type->sdesc, sv, depth + 1);
            break;
        }
        case PST_K_LIST:
        case PST_K_SET:
            o = cw_list(e, o, f->type, (const pst_list *)m, depth);
            break;
        case PST_K_MAP:
            o = cw_map(e, o, f->type, (const pst_map *)m, depth);
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
    *o = CT_STOP;
    return o + 1;
}

static __attribute__((noinline)) uint8_t *
cw_union(pst__enc *e, uint8_t *o, const pst_struct_desc *d, const uint8_t *v,
         uint32_t depth)
{
    return cw_fields(e, o, d, v, depth, true);
}

static uint8_t *cw_struct(pst__enc *e, uint8_t *o, const pst_struct_desc *d,
                          const uint8_t *v, uint32_t depth)
{
    if (PST__UNLIKELY(depth > e->max_depth))
        return pst__enc_fail(e, PST_E_LIMIT);
    if (PST__UNLIKELY(d->kind == PST_UNION))
        return cw_union(e, o, d, v, depth);
    return cw_fields(e, o, d, v, depth, false);
}

uint8_t *pst__compact_write_container(pst__enc *e, uint8_t *o,
                                      const pst_type *t, const uint8_t *m,
                                      uint32_t depth)
{
    if (t->kind == PST_K_MAP)
        return cw_map(e, o, t, (const pst_map *)m, depth);
    return cw_list(e, o, t, (const pst_list *)m, depth);
}

int pst__compact_write_walked(pst_wbuf *w, const pst_struct_desc *d,
                              const void *v, const pst_codec_config *cfg)
{
    pst__enc e;
    uint8_t *o = pst__enc_begin(&e, w, cfg);
    if (o)
        o = cw_struct(&e, o, d, v, 1);
    return pst__enc_end(&e, o);
}

int pst__compact_walk_write(pst_wbuf *w, const pst_struct_desc *d,
                            const void *v, const pst_codec_config *cfg)
{
    pst__enc e;
    uint8_t *o = pst__enc_begin(&e, w, cfg);
    if (o) {
        e.walk_only = true;
        o = cw_struct(&e, o, d, v, 1);
    }
    return pst__enc_end(&e, o);
}

/* The header through the checked encoder: any buffer state, any length. */
static __attribute__((noinline)) int
cmp_write_message_slow(pst_wbuf *w, const pst_msg_header *h)
{
    pst__enc e;
    uint8_t *o = pst__enc_begin(&e, w, NULL);
    size_t n = h->name.len;
    if (o && n > INT32_MAX)
        o = pst__enc_fail(&e, PST_E_LIMIT);
    if (o)
        o = pst__enc_need(&e, o, 2 + 5 + 5 + n);
    if (o) {
        *o++ = PROTOCOL_ID;
        *o++ = (uint8_t)((VERSION & VERSION_MASK) |
                         (((uint32_t)h->type << TYPE_SHIFT) & 0xe0));
        o = cw_varint32(o, (uint32_t)h->seqid);
        o = cw_varint32(o, (uint32_t)n);
        if (n)
            memcpy(o, h->name.ptr, n);
        o += n;
    }
    return pst__enc_end(&e, o);
}

static int cmp_write_message_begin(pst_wbuf *w, const pst_msg_header *h)
{
    size_t n = h->name.len;
    /* Fast path: a name pst__copy moves without a call, and room in the
     * buffer for the widest header (the checks pst__enc_begin, _need and
     * _end would make, in one). */
    if (PST__LIKELY(!w->err && w->data && n <= 32 &&
                    w->cap - w->len >= 2 + 5 + 5 + n)) {
        uint8_t *o = w->data + w->len, *start = o;
        *o++ = PROTOCOL_ID;
        *o++ = (uint8_t)((VERSION & VERSION_MASK) |
                         (((uint32_t)h->type << TYPE_SHIFT) & 0xe0));
        o = cw_varint32(o, (uint32_t)h->seqid);
        o = cw_varint32(o, (uint32_t)n);
        pst__copy(o, (const uint8_t *)h->name.ptr, n);
        w->len += (size_t)(o + n - start);
        return 0;
    }
    return cmp_write_message_slow(w, h);
}

const pst_protocol pst_protocol_compact = {
    "compact",
    cmp_write_message_begin,
    cmp_read_message_begin,
    pst__cmp_plan_encode, /* by plan, else pst__compact_write_walked */
    cmp_read_struct,
    cmp_skip_struct,
    cmp_message_length,
    NULL, /* no message trailer */
    NULL,
};
