/*
 * walk.c: the generic walker (walk.h): descriptors in, a protocol's
 * primitive writes and reads out. Limits, required fields, unions and
 * unknown fields are handled here once, with the same rules and words as
 * the binary and compact walkers.
 */
#include <stdio.h>

#include "protocol/walk.h"
#include "protocol/walk_steps.h"

/* ======================================================================== */
/* writing                                                                  */
/* ======================================================================== */

static int wr_struct(pst__walk_out *o, const pst_struct_desc *d,
                     const uint8_t *v, uint32_t depth);

static inline bool wr_failed(pst__walk_out *o)
{
    return o->code != 0 || o->w->err != 0;
}

static int wr_fail(pst__walk_out *o, int code)
{
    if (!o->code)
        o->code = code;
    return -1;
}

/* One value of type t at m. */
static int wr_value(pst__walk_out *o, const pst_type *t, const uint8_t *m,
                    uint32_t depth)
{
    const pst__walk_out_ops *ops = o->ops;
    switch (t->kind) {
    case PST_K_BOOL:
        ops->w_bool(o, *(const bool *)m);
        return 0;
    case PST_K_I8:
        ops->w_i8(o, *(const int8_t *)m);
        return 0;
    case PST_K_I16:
        ops->w_i16(o, *(const int16_t *)m);
        return 0;
    case PST_K_I32:
    case PST_K_ENUM:
        ops->w_i32(o, *(const int32_t *)m);
        return 0;
    case PST_K_I64:
        ops->w_i64(o, *(const int64_t *)m);
        return 0;
    case PST_K_DOUBLE:
        ops->w_double(o, *(const double *)m);
        return 0;
    case PST_K_STRING:
        ops->w_string(o, (const pst_str *)m);
        return 0;
    case PST_K_BINARY:
        ops->w_binary(o, (const pst_str *)m);
        return 0;
    case PST_K_UUID:
        ops->w_uuid(o, m);
        return 0;
    case PST_K_STRUCT:
        return wr_struct(o, t->sdesc, m, depth + 1);
    case PST_K_STRUCT_PTR: {
        const uint8_t *sv = *(const uint8_t *const *)m;
        if (!sv) /* a container element cannot be absent */
            return wr_fail(o, PST_E_INVALID);
        return wr_struct(o, t->sdesc, sv, depth + 1);
    }
    case PST_K_LIST:
    case PST_K_SET: {
        const pst_list *l = (const pst_list *)m;
        const pst_type *e = t->elem;
        unsigned ctype = t->kind == PST_K_SET ? PST_TT_SET : PST_TT_LIST;
        if (l->count && !l->data)
            return wr_fail(o, PST_E_INVALID);
        ops->coll_begin(o, ctype, pst__kind_ttype[e->kind], l->count);
        const uint8_t *data = l->data;
        for (uint32_t i = 0; i < l->count; i++) {
            if (wr_value(o, e, data + (size_t)i * e->size, depth) < 0 ||
                wr_failed(o))
                return -1;
        }
        ops->coll_end(o, ctype);
        return 0;
    }
    case PST_K_MAP: {
        const pst_map *mp = (const pst_map *)m;
        const pst_type *kt = t->elem, *vt = t->value;
        if (mp->count && (!mp->keys || !mp->values))
            return wr_fail(o, PST_E_INVALID);
        ops->map_begin(o, pst__kind_ttype[kt->kind], pst__kind_ttype[vt->kind],
                       mp->count);
        const uint8_t *keys = mp->keys, *vals = mp->values;
        for (uint32_t i = 0; i < mp->count; i++) {
            if (wr_value(o, kt, keys + (size_t)i * kt->size, depth) < 0 ||
                wr_value(o, vt, vals + (size_t)i * vt->size, depth) < 0 ||
                wr_failed(o))
                return -1;
        }
        ops->map_end(o);
        return 0;
    }
    }
    return wr_fail(o, PST_E_INVALID);
}

static int wr_struct(pst__walk_out *o, const pst_struct_desc *d,
                     const uint8_t *v, uint32_t depth)
{
    if (depth > o->max_depth)
        return wr_fail(o, PST_E_LIMIT);
    const pst__walk_out_ops *ops = o->ops;
    const uint8_t *isset = v + d->isset_offset;
    unsigned uflag = d->kind == PST_UNION ? PST_REQ_OPTIONAL : 0;
    unsigned members = 0;
    ops->struct_begin(o, d);
    for (unsigned i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        if ((f->req | uflag) & PST_REQ_OPTIONAL) {
            if (!((isset[f->isset_bit >> 3] >> (f->isset_bit & 7)) & 1))
                continue;
        }
        const uint8_t *m = v + f->offset;
        if (f->kind == PST_K_STRUCT_PTR && !*(const uint8_t *const *)m)
            continue; /* absent: not written */
        if ((f->req | uflag) & PST_REQ_OPTIONAL)
            members++;
        if (members > 1 && uflag)
            return wr_fail(o, PST_E_INVALID);
        if (f->kind == 0 || pst__kind_ttype[f->kind] == 0)
            return wr_fail(o, PST_E_INVALID);
        ops->field_begin(o, f, pst__kind_ttype[f->kind]);
        if (wr_value(o, f->type, m, depth) < 0 || wr_failed(o))
            return -1;
        ops->field_end(o);
    }
    ops->field_stop(o);
    ops->struct_end(o);
    return wr_failed(o) ? -1 : 0;
}

int pst__walk_write(pst__walk_out *o, const pst_struct_desc *d, const void *v)
{
    pst_wbuf *w = o->w;
    if (w->err)
        return w->err;
    size_t mark = w->len;
    o->code = 0;
    if (wr_struct(o, d, v, 1) == 0 && !wr_failed(o))
        return 0;
    int code = o->code ? o->code : w->err;
    if (!w->err)
        w->err = code;
    w->len = mark;
    return code;
}

/* ======================================================================== */
/* reading                                                                  */
/* ======================================================================== */

static int rd_struct(pst__walk_in *in, const pst_struct_desc *d, uint8_t *v,
                     uint32_t depth);
static int rd_skip(pst__walk_in *in, unsigned tt, uint32_t depth,
                   uint32_t frames);

/* n values of `size` bytes each at least must fit in what is left. */
static int rd_room(pst__walk_in *in, uint64_t n, unsigned size,
                   const char *what)
{
    uint64_t need = n * (size ? size : 1);
    if ((uint64_t)(in->c.end - in->p) >= need)
        return 0;
    pst__dec_short(&in->c, in->p, need, in->d, in->f, what);
    return -1;
}

static void *rd_alloc(pst__walk_in *in, size_t n)
{
    void *m = pst__arena_alloc(in->c.arena, n);
    if (!m)
        pst__dec_nomem(&in->c, in->p, n, in->d, in->f);
    return m;
}

static int rd_value(pst__walk_in *in, const pst_type *t, uint8_t *m,
                    uint32_t depth)
{
    const pst__walk_in_ops *ops = in->ops;
    switch (t->kind) {
    case PST_K_BOOL:
        return ops->r_bool(in, (bool *)m);
    case PST_K_I8:
        return ops->r_i8(in, (int8_t *)m);
    case PST_K_I16:
        return ops->r_i16(in, (int16_t *)m);
    case PST_K_I32:
    case PST_K_ENUM:
        return ops->r_i32(in, (int32_t *)m);
    case PST_K_I64:
        return ops->r_i64(in, (int64_t *)m);
    case PST_K_DOUBLE:
        return ops->r_double(in, (double *)m);
    case PST_K_STRING:
        return ops->r_string(in, (pst_str *)m);
    case PST_K_BINARY:
        return ops->r_binary(in, (pst_str *)m);
    case PST_K_UUID:
        return ops->r_uuid(in, m);
    case PST_K_STRUCT:
        return rd_struct(in, t->sdesc, m, depth + 1);
    case PST_K_STRUCT_PTR: {
        if (depth + 1 > in->c.max_depth) {
            pst__dec_depth(&in->c, in->p, in->d, in->f, 0);
            return -1;
        }
        uint8_t *sv = rd_alloc(in, t->sdesc->size);
        if (!sv)
            return -1;
        *(void **)m = sv;
        return rd_struct(in, t->sdesc, sv, depth + 1);
    }
    case PST_K_LIST:
    case PST_K_SET: {
        pst_list *l = (pst_list *)m;
        const pst_type *e = t->elem;
        unsigned ctype = t->kind == PST_K_SET ? PST_TT_SET : PST_TT_LIST;
        unsigned et;
        uint32_t n;
        if (ops->coll_begin(in, ctype, &et, &n) < 0)
            return -1;
        l->count = 0;
        l->data = NULL;
        if (n) {
            bool set = ctype == PST_TT_SET;
            if (!pst__dec_list_check(&in->c, in->p, in->p, t, et, n,
                                     ops->min_size, set ? "set" : "list",
                                     set ? "set element" : "list element",
                                     in->d, in->f))
                return -1;
            uint8_t *data = rd_alloc(in, (size_t)n * e->size);
            if (!data)
                return -1;
            l->data = data;
            for (uint32_t i = 0; i < n; i++)
                if (rd_value(in, e, data + (size_t)i * e->size, depth) < 0)
                    return -1;
            l->count = n;
            if (!pst__dec_list_done(&in->c, in->p, t, l, in->d, in->f))
                return -1;
        }
        return ops->coll_end(in, ctype);
    }
    case PST_K_MAP: {
        pst_map *mp = (pst_map *)m;
        const pst_type *kt = t->elem, *vt = t->value;
        unsigned gk, gv;
        uint32_t n;
        if (ops->map_begin(in, &gk, &gv, &n) < 0)
            return -1;
        mp->count = 0;
        mp->keys = mp->values = NULL;
        if (n) {
            if (!pst__dec_map_check(&in->c, in->p, in->p, t, gk, gv, n,
                                    ops->min_size, in->d, in->f))
                return -1;
            uint8_t *keys = rd_alloc(in, (size_t)n * kt->size);
            uint8_t *vals = keys ? rd_alloc(in, (size_t)n * vt->size) : NULL;
            if (!vals)
                return -1;
            mp->keys = keys;
            mp->values = vals;
            for (uint32_t i = 0; i < n; i++)
                if (rd_value(in, kt, keys + (size_t)i * kt->size, depth) < 0 ||
                    rd_value(in, vt, vals + (size_t)i * vt->size, depth) < 0)
                    return -1;
            mp->count = n;
            if (!pst__dec_map_done(&in->c, in->p, t, mp, in->d, in->f))
                return -1;
        }
        return ops->map_end(in);
    }
    }
    pst__dec_bad_desc(&in->c, in->p, in->d, in->f);
    return -1;
}

static int rd_struct(pst__walk_in *in, const pst_struct_desc *d, uint8_t *v,
                     uint32_t depth)
{
    const pst_struct_desc *outer_d = in->d;
    const pst_field *outer_f = in->f;
    in->d = d;
    in->f = NULL;
    if (depth > in->c.max_depth) {
        pst__dec_depth(&in->c, in->p, d, NULL, 0);
        return -1;
    }
    const pst__walk_in_ops *ops = in->ops;
    pst__struct_init(d, v);
    if (ops->struct_begin(in) < 0)
        return -1;
    for (;;) {
        unsigned tt;
        int16_t id;
        in->f = NULL;
        if (ops->field_begin(in, &tt, &id) < 0)
            return -1;
        if (tt == PST_TT_STOP)
            break;
        const pst_field *f = pst_struct_field(d, id);
        if (!f || pst__kind_ttype[f->kind] != tt) {
            /* unknown id, or a known one with another wire type: skipped,
             * as Thrift does */
            in->d = NULL; /* the skipper knows no names */
            if (rd_skip(in, tt, depth + 1, depth + 1) < 0) {
                pst__dec_skip_context(&in->c, d, id);
                return -1;
            }
            in->d = d;
        } else {
            in->f = f;
            if (rd_value(in, f->type, v + f->offset, depth) < 0)
                return -1;
            in->d = d;
            in->f = f;
            pst__dec_field_done(d, v, v + d->isset_offset, f);
        }
        if (ops->field_end(in) < 0)
            return -1;
    }
    in->f = NULL;
    if (ops->struct_end(in) < 0)
        return -1;
    if (!pst__dec_struct_done(&in->c, in->p, d, v, false))
        return -1;
    in->d = outer_d;
    in->f = outer_f;
    return 0;
}

static int rd_skip(pst__walk_in *in, unsigned tt, uint32_t depth,
                   uint32_t frames)
{
    const pst__walk_in_ops *ops = in->ops;
    union {
        bool b;
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        double d;
        uint8_t uuid[16];
    } x;
    switch (tt) {
    case PST_TT_BOOL:
        return ops->r_bool(in, &x.b);
    case PST_TT_I8:
        return ops->r_i8(in, &x.i8);
    case PST_TT_I16:
        return ops->r_i16(in, &x.i16);
    case PST_TT_I32:
        return ops->r_i32(in, &x.i32);
    case PST_TT_I64:
        return ops->r_i64(in, &x.i64);
    case PST_TT_DOUBLE:
        return ops->r_double(in, &x.d);
    case PST_TT_UUID:
        return ops->r_uuid(in, x.uuid);
    case PST_TT_STRING:
        return ops->r_string(in, NULL);
    case PST_TT_STRUCT:
        if (depth > in->c.max_depth || frames > in->c.max_frames) {
            pst__dec_depth(&in->c, in->p, NULL, NULL,
                           frames > in->c.max_frames);
            return -1;
        }
        if (ops->struct_begin(in) < 0)
            return -1;
        for (;;) {
            unsigned ft;
            int16_t id;
            if (ops->field_begin(in, &ft, &id) < 0)
                return -1;
            if (ft == PST_TT_STOP)
                return ops->struct_end(in);
            if (rd_skip(in, ft, depth + 1, frames + 1) < 0 ||
                ops->field_end(in) < 0)
                return -1;
        }
    case PST_TT_MAP:
    case PST_TT_SET:
    case PST_TT_LIST: {
        if (frames > in->c.max_frames) {
            pst__dec_depth(&in->c, in->p, NULL, NULL, 1);
            return -1;
        }
        unsigned kt = 0, vt;
        uint32_t n;
        if (tt == PST_TT_MAP ? ops->map_begin(in, &kt, &vt, &n)
                             : ops->coll_begin(in, tt, &vt, &n))
            return -1;
        unsigned per = ops->min_size[vt] + (tt == PST_TT_MAP ? ops->min_size[kt] : 0);
        if (n && rd_room(in, n, per, pst__ttype_name(tt)) < 0)
            return -1;
        for (uint32_t i = 0; i < n; i++) {
            if (tt == PST_TT_MAP && rd_skip(in, kt, depth, frames + 1) < 0)
                return -1;
            if (rd_skip(in, vt, depth, frames + 1) < 0)
                return -1;
        }
        return tt == PST_TT_MAP ? ops->map_end(in) : ops->coll_end(in, tt);
    }
    }
    pst__dec_fail(&in->c, PST_E_BAD_TYPE, in->p, NULL, NULL,
                  "unknown wire type %u", tt);
    return -1;
}

int pst__walk_read(pst__walk_in *in, const pst_struct_desc *d, void *v)
{
    in->d = NULL;
    in->f = NULL;
    if (rd_struct(in, d, v, 1) == 0)
        return 0;
    return in->c.code ? in->c.code : PST_E_PROTOCOL;
}

int pst__walk_skip(pst__walk_in *in, unsigned ttype)
{
    in->d = NULL;
    in->f = NULL;
    if (rd_skip(in, ttype, 1, 1) == 0)
        return 0;
    return in->c.code ? in->c.code : PST_E_PROTOCOL;
}

int pst__walk_in_fail(pst__walk_in *in, int code, const char *fmt,
                      const char *arg)
{
    pst__dec_fail(&in->c, code, in->p, in->d, in->f, fmt, arg);
    return -1;
}

int pst__walk_in_short(pst__walk_in *in, const char *what)
{
    pst__dec_short(&in->c, in->p, (uint64_t)(in->c.end - in->p) + 1, in->d,
                   in->f, what);
    return -1;
}

const char *pst__walk_show_byte(const uint8_t *p, char buf[8])
{
    if (*p >= 0x20 && *p < 0x7f)
        snprintf(buf, 8, "'%c'", *p);
    else
        snprintf(buf, 8, "0x%02x", *p);
    return buf;
}
