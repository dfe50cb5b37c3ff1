/*
 * codec.c: the tables and cold paths the binary and compact walkers share.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "protocol/codec.h"

const pst_codec_config pst__default_config = PST_CODEC_CONFIG_INIT;

const uint8_t pst__kind_ttype[PST__NKINDS] = {
    [PST_K_BOOL] = PST_TT_BOOL,       [PST_K_I8] = PST_TT_I8,
    [PST_K_I16] = PST_TT_I16,         [PST_K_I32] = PST_TT_I32,
    [PST_K_I64] = PST_TT_I64,         [PST_K_DOUBLE] = PST_TT_DOUBLE,
    [PST_K_STRING] = PST_TT_STRING,   [PST_K_BINARY] = PST_TT_STRING,
    [PST_K_UUID] = PST_TT_UUID,       [PST_K_ENUM] = PST_TT_I32,
    [PST_K_STRUCT] = PST_TT_STRUCT,   [PST_K_STRUCT_PTR] = PST_TT_STRUCT,
    [PST_K_LIST] = PST_TT_LIST,       [PST_K_SET] = PST_TT_SET,
    [PST_K_MAP] = PST_TT_MAP,
};

/* Binary: fixed widths; string = 4-byte length; struct = STOP; list/set =
 * type + count; map = two types + count. */
const uint8_t pst__binary_min_size[17] = {
    [PST_TT_BOOL] = 1,   [PST_TT_I8] = 1,     [PST_TT_DOUBLE] = 8,
    [PST_TT_I16] = 2,    [PST_TT_I32] = 4,    [PST_TT_I64] = 8,
    [PST_TT_STRING] = 4, [PST_TT_STRUCT] = 1, [PST_TT_MAP] = 6,
    [PST_TT_SET] = 5,    [PST_TT_LIST] = 5,   [PST_TT_UUID] = 16,
};

/* Compact: varints and headers take at least one byte; doubles are 8. */
const uint8_t pst__compact_min_size[17] = {
    [PST_TT_BOOL] = 1,   [PST_TT_I8] = 1,     [PST_TT_DOUBLE] = 8,
    [PST_TT_I16] = 1,    [PST_TT_I32] = 1,    [PST_TT_I64] = 1,
    [PST_TT_STRING] = 1, [PST_TT_STRUCT] = 1, [PST_TT_MAP] = 1,
    [PST_TT_SET] = 1,    [PST_TT_LIST] = 1,   [PST_TT_UUID] = 16,
};

const char *pst__ttype_name(unsigned ttype)
{
    static const char *const names[17] = {
        "stop", "void", "bool", "i8",  "double", "type 5", "i16",    "type 7",
        "i32",  "type 9", "i64", "string", "struct", "map", "set", "list",
        "uuid",
    };
    return ttype < 17 ? names[ttype] : "unknown type";
}

const uint8_t *pst__dec_fail(pst__dec *c, int code, const uint8_t *at,
                             const pst_struct_desc *d, const pst_field *f,
                             const char *fmt, ...)
{
    if (c->code)
        return NULL;
    c->code = code;
    if (!c->err || c->err->code)
        return NULL;
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t off = (size_t)(at - c->start);
    if (d && f)
        pst_error_set(c->err, code, "%s.%s: %s (offset %zu)", d->name, f->name,
                      what, off);
    else if (d)
        pst_error_set(c->err, code, "%s: %s (offset %zu)", d->name, what, off);
    else
        pst_error_set(c->err, code, "%s (offset %zu)", what, off);
    return NULL;
}

const uint8_t *pst__dec_short(pst__dec *c, const uint8_t *at, uint64_t need,
                              const pst_struct_desc *d, const pst_field *f,
                              const char *what)
{
    uint64_t used = (uint64_t)(at - c->base);
    uint64_t left = (uint64_t)(c->end - at);
    if (need > c->max_message || used + need > c->max_message)
        return pst__dec_fail(c, PST_E_LIMIT, at, d, f,
                             "%s needs %llu bytes: the message would pass "
                             "max_message %llu",
                             what, (unsigned long long)need,
                             (unsigned long long)c->max_message);
    return pst__dec_fail(c, PST_E_SHORT, at, d, f,
                         "%s needs %llu bytes, %llu left", what,
                         (unsigned long long)need, (unsigned long long)left);
}

const uint8_t *pst__dec_nomem(pst__dec *c, const uint8_t *at, size_t size,
                              const pst_struct_desc *d, const pst_field *f)
{
    pst_arena *a = c->arena;
    if (a->over_limit) {
        /* The servers and clients set the arena's limit to the per-call
         * memory cap: name it, and what was being decoded (the prefix
         * pst__dec_fail would put first comes after the limit here). */
        char where[128];
        if (d && f)
            snprintf(where, sizeof where, "%s.%s", d->name, f->name);
        else
            snprintf(where, sizeof where, "%s", d ? d->name : "a value");
        return pst__dec_fail(c, PST_E_LIMIT, at, NULL, NULL,
                             "call memory limit of %zu bytes exceeded "
                             "decoding %.72s (%zu more bytes wanted, %zu in use)",
                             a->limit, where, size, a->allocated);
    }
    return pst__dec_fail(c, PST_E_NOMEM, at, d, f,
                         "out of memory allocating %zu bytes", size);
}

const uint8_t *pst__dec_depth(pst__dec *c, const uint8_t *at,
                              const pst_struct_desc *d, const pst_field *f,
                              int frames)
{
    if (frames)
        return pst__dec_fail(c, PST_E_LIMIT, at, d, f,
                             "structs and containers nested deeper than %u",
                             c->max_frames);
    return pst__dec_fail(c, PST_E_LIMIT, at, d, f,
                         "structs nested deeper than max_depth %u",
                         c->max_depth);
}

const uint8_t *pst__dec_elem_type(pst__dec *c, const uint8_t *at,
                                  const pst_struct_desc *d,
                                  const pst_field *f, const char *what,
                                  unsigned got_ttype, unsigned want_ttype)
{
    return pst__dec_fail(c, PST_E_BAD_TYPE, at, d, f,
                         "%s type is %s (%u), expected %s", what,
                         pst__ttype_name(got_ttype), got_ttype,
                         pst__ttype_name(want_ttype));
}

const uint8_t *pst__dec_bad_desc(pst__dec *c, const uint8_t *at,
                                 const pst_struct_desc *d, const pst_field *f)
{
    return pst__dec_fail(c, PST_E_INVALID, at, d, f,
                         "descriptor has an invalid kind or size");
}

const uint8_t *pst__dec_skip_context(pst__dec *c, const pst_struct_desc *d,
                                     int id)
{
    pst_error *e = c->err;
    if (!e || e->code != c->code || e->message[0] == '\0')
        return NULL;
    char prefix[96];
    int n = snprintf(prefix, sizeof prefix, "%s: skipping field %d: ", d->name,
                     id);
    size_t len = strlen(e->message), room = sizeof e->message - 1;
    if (n <= 0 || (size_t)n >= room)
        return NULL;
    if (len > room - (size_t)n)
        len = room - (size_t)n;
    memmove(e->message + n, e->message, len);
    memcpy(e->message, prefix, (size_t)n);
    e->message[n + len] = '\0';
    return NULL;
}

/* Does member g of union d hold the union's IDL default value in v? The
 * default member is the one whose value in the defaults instance is not
 * zero (a union has at most one default); a default of 0 or "" cannot be
 * told from no default, and scalars, uuids, strings and binaries are the
 * only kinds compared. */
static bool union_default_value(const pst_struct_desc *d, const uint8_t *v,
                                const pst_field *g)
{
    const uint8_t *dv = (const uint8_t *)d->defaults + g->offset;
    const uint8_t *x = v + g->offset;
    switch (g->kind) {
    case PST_K_STRING:
    case PST_K_BINARY: {
        const pst_str *a = (const pst_str *)(const void *)dv;
        const pst_str *b = (const pst_str *)(const void *)x;
        return a->len > 0 && a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
    }
    case PST_K_BOOL:
    case PST_K_I8:
    case PST_K_I16:
    case PST_K_I32:
    case PST_K_ENUM:
    case PST_K_I64:
    case PST_K_DOUBLE:
    case PST_K_UUID: {
        size_t n = g->type ? g->type->size : 0;
        bool nonzero = false;
        for (size_t i = 0; i < n; i++)
            nonzero |= dv[i] != 0;
        return nonzero && memcmp(dv, x, n) == 0;
    }
    default:
        return false;
    }
}

void pst__union_second_member(const pst_struct_desc *d, uint8_t *v,
                              const pst_field *f)
{
    uint8_t *isset = v + d->isset_offset;
    const pst_field *prev = NULL;
    for (unsigned i = 0; i < d->nfields && !prev; i++) {
        const pst_field *g = &d->fields[i];
        if (g != f && ((isset[g->isset_bit >> 3] >> (g->isset_bit & 7)) & 1))
            prev = g;
    }
    /* Thrift's writers add the default member, holding its default, to
     * the member really set: that one gives way, whichever came first.
     * Otherwise the last member read stays. */
    if (d->defaults && prev && union_default_value(d, v, f) &&
        !union_default_value(d, v, prev))
        return;
    for (unsigned i = 0; i < d->nfields; i++) {
        unsigned b = d->fields[i].isset_bit;
        isset[b >> 3] &= (uint8_t)~(1u << (b & 7));
    }
    pst__isset_on(isset, f->isset_bit);
}

const uint8_t *pst__dec_check_struct(pst__dec *c, const uint8_t *p,
                                     const pst_struct_desc *d,
                                     const uint8_t *v)
{
    for (unsigned i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        if (f->req == PST_REQ_REQUIRED && !pst_isset(d, v, f->isset_bit))
            return pst__dec_fail(c, PST_E_MISSING_FIELD, p, d, f,
                                 "required field (id %d) missing", f->id);
    }
    return p;
}

uint8_t *pst__enc_start(pst__enc *e)
{
    pst_wbuf *w = e->w;
    e->code = w->err;
    if (e->code)
        return NULL;
    if (!w->data && pst_wbuf__grow(w, w->max < 64 ? w->max : 64) != 0) {
        e->code = w->err;
        return NULL;
    }
    e->end = w->data + w->cap;
    return w->data + w->len;
}

uint8_t *pst__enc_grow(pst__enc *e, uint8_t *o, size_t n)
{
    pst_wbuf *w = e->w;
    size_t used = (size_t)(o - w->data);
    /* w->len stays where this write began until it succeeds */
    if (n <= w->max && used <= w->max - n) {
        if (pst_wbuf__grow(w, (used - w->len) + n) != 0) {
            e->code = w->err;
            return NULL;
        }
        e->end = w->data + w->cap;
        return w->data + used;
    }
    /* Past max: writers reserve room for the widest value they might
     * write, so grant up to PST__ENC_SLACK bytes beyond max in memory the
     * wbuf does not count (its cap stays max); pst__enc_end checks the
     * length really written against max. */
    if (used <= w->max && n <= w->max + PST__ENC_SLACK - used) {
        uint8_t *data = realloc(w->data, w->max + PST__ENC_SLACK);
        if (!data) {
            w->err = e->code = PST_E_NOMEM;
            return NULL;
        }
        w->data = data;
        w->cap = w->max;
        e->end = data + w->max + PST__ENC_SLACK;
        return data + used;
    }
    w->err = e->code = PST_E_LIMIT;
    return NULL;
}

int pst__enc_over(pst__enc *e)
{
    e->w->err = e->code = PST_E_LIMIT;
    return PST_E_LIMIT;
}

uint8_t *pst__enc_fail(pst__enc *e, int code)
{
    if (!e->code)
        e->code = code;
    if (!e->w->err)
        e->w->err = code;
    return NULL;
}
