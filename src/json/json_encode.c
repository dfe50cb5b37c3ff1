/*
 * json_encode.c: a described value as JSON, written straight into the
 * wbuf through the codecs' encoder state (a local output pointer, room
 * reserved per value, the wbuf's length moved only when the whole value
 * is written).
 */
#include <stdio.h>

#include "json/json_internal.h"

typedef struct jenc {
    pst__enc e;
    pst_error *err;
} jenc;

#define NEED(n)                                                                \
    do {                                                                       \
        if (PST__UNLIKELY((size_t)(c->e.end - o) < (size_t)(n))) {             \
            o = pst__enc_grow(&c->e, o, (n));                                  \
            if (!o)                                                            \
                return NULL;                                                   \
        }                                                                      \
    } while (0)

static uint8_t *je_value(jenc *c, uint8_t *o, const pst_type *t,
                         const uint8_t *m, uint32_t depth);
static uint8_t *je_struct(jenc *c, uint8_t *o, const pst_struct_desc *d,
                          const uint8_t *v, uint32_t depth);

static PST__COLD uint8_t *je_fail(jenc *c, int code, const pst_struct_desc *d,
                                  const pst_field *f, const char *what)
{
    if (!c->e.code && c->err && !c->err->code)
        pst_error_set(c->err, code, "%s%s%s: %s", d ? d->name : "JSON value",
                      f ? "." : "", f ? f->name : "", what);
    return pst__enc_fail(&c->e, code);
}

static const char hex[] = "0123456789abcdef";

/* Room is reserved for the input bytes left (each gives at least one
 * output byte, so the reservation never passes what is written by more
 * than the margin), a chunk at a time; one input byte writes at most 6. */
#define STR_CHUNK 4096u
#define STR_MARGIN 8u

static uint8_t *je_string(jenc *c, uint8_t *o, const uint8_t *s, size_t n)
{
    size_t i = 0;
    NEED(1);
    *o++ = '"';
    while (i < n) {
        NEED((n - i > STR_CHUNK ? STR_CHUNK : n - i) + STR_MARGIN);
        const uint8_t *lim = c->e.end - STR_MARGIN;
        while (i < n && o <= lim) {
            /* a run that needs no escaping, copied at once */
            size_t room = (size_t)(lim - o) + 1;
            size_t run = pst__json_plain_run(s + i, n - i < room ? n - i : room);
            if (run) {
                memcpy(o, s + i, run);
                o += run;
                i += run;
                if (i >= n || o > lim)
                    break;
            }
            uint8_t ch = s[i];
            if (ch == '"' || ch == '\\') {
                o[0] = '\\';
                o[1] = ch;
                o += 2;
                i++;
            } else if (ch < 0x20) {
                char e = ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch == '\t' ? 't'
                       : ch == '\b' ? 'b' : ch == '\f' ? 'f' : 0;
                if (e) {
                    o[0] = '\\';
                    o[1] = (uint8_t)e;
                    o += 2;
                } else {
                    memcpy(o, "\\u00", 4);
                    o[4] = (uint8_t)hex[ch >> 4];
                    o[5] = (uint8_t)hex[ch & 15];
                    o += 6;
                }
                i++;
            } else {
                size_t k = pst__utf8_seq(s + i, n - i);
                if (k) {
                    memcpy(o, s + i, k);
                    o += k;
                    i += k;
                } else {
                    /* invalid UTF-8: U+FFFD keeps the JSON valid */
                    o[0] = 0xef;
                    o[1] = 0xbf;
                    o[2] = 0xbd;
                    o += 3;
                    i++;
                }
            }
        }
    }
    NEED(1);
    *o++ = '"';
    return o;
}

static uint8_t *je_raw(jenc *c, uint8_t *o, const char *s, size_t n)
{
    NEED(n);
    memcpy(o, s, n);
    return o + n;
}

static uint8_t *je_binary(jenc *c, uint8_t *o, const pst_str *s)
{
    size_t n = s->len;
    if (n > (SIZE_MAX - 8) / 4 * 3)
        return je_fail(c, PST_E_LIMIT, NULL, NULL, "binary too long");
    NEED((n + 2) / 3 * 4 + 2);
    *o++ = '"';
    o += pst__base64_encode((char *)o, (const uint8_t *)s->ptr, n);
    *o++ = '"';
    return o;
}

/* A value written as a JSON string whatever its kind (map keys): numbers
 * and bools as their text in quotes. */
static uint8_t *je_quoted_scalar(jenc *c, uint8_t *o, const pst_type *t,
                                 const uint8_t *m)
{
    char buf[32];
    size_t n;
    switch (t->kind) {
    case PST_K_BOOL:
        return je_raw(c, o, *(const bool *)m ? "\"true\"" : "\"false\"",
                      *(const bool *)m ? 6 : 7);
    case PST_K_I8:
        n = pst__i64_format(buf, *(const int8_t *)m);
        break;
    case PST_K_I16:
        n = pst__i64_format(buf, *(const int16_t *)m);
        break;
    case PST_K_I32:
    case PST_K_ENUM:
        n = pst__i64_format(buf, *(const int32_t *)m);
        break;
    case PST_K_I64: {
        int64_t x;
        memcpy(&x, m, 8);
        n = pst__i64_format(buf, x);
        break;
    }
    default: { /* double */
        double d;
        memcpy(&d, m, 8);
        n = pst__double_format(buf, d);
        break;
    }
    }
    NEED(n + 2);
    *o++ = '"';
    memcpy(o, buf, n);
    o += n;
    *o++ = '"';
    return o;
}

static uint8_t *je_enum(jenc *c, uint8_t *o, const pst_type *t,
                        const uint8_t *m)
{
    int32_t x = *(const int32_t *)m;
    const char *name = t->edesc ? pst_enum_name(t->edesc, x) : NULL;
    if (name)
        return je_string(c, o, (const uint8_t *)name, strlen(name));
    char buf[24];
    size_t n = pst__i64_format(buf, x);
    return je_raw(c, o, buf, n);
}

/* A map key: string-shaped keys as themselves, scalars as their text,
 * containers and structs as their JSON text, each inside a JSON string. */
static uint8_t *je_key(jenc *c, uint8_t *o, const pst_type *t,
                       const uint8_t *m, uint32_t depth)
{
    switch (t->kind) {
    case PST_K_STRING:
    case PST_K_BINARY:
    case PST_K_UUID:
        return je_value(c, o, t, m, depth);
    case PST_K_ENUM: {
        const char *name = t->edesc ? pst_enum_name(t->edesc,
                                                    *(const int32_t *)m)
                                    : NULL;
        if (name)
            return je_string(c, o, (const uint8_t *)name, strlen(name));
        return je_quoted_scalar(c, o, t, m);
    }
    case PST_K_BOOL:
    case PST_K_I8:
    case PST_K_I16:
    case PST_K_I32:
    case PST_K_I64:
    case PST_K_DOUBLE:
        return je_quoted_scalar(c, o, t, m);
    default: {
        /* rare: encode the key on its own, then write that text as a
         * string (a separate buffer, as the escaping needs the whole) */
        pst_wbuf tmp;
        pst_wbuf_init(&tmp, c->e.w->max);
        jenc kc;
        kc.err = c->err;
        uint8_t *ko = pst__enc_begin(&kc.e, &tmp, NULL);
        kc.e.max_depth = c->e.max_depth;
        if (ko)
            ko = je_value(&kc, ko, t, m, depth);
        int rc = pst__enc_end(&kc.e, ko);
        if (rc) {
            pst_wbuf_free(&tmp);
            return pst__enc_fail(&c->e, rc);
        }
        o = je_string(c, o, tmp.data, tmp.len);
        pst_wbuf_free(&tmp);
        return o;
    }
    }
}

static uint8_t *je_list(jenc *c, uint8_t *o, const pst_type *t,
                        const pst_list *l, uint32_t depth)
{
    const pst_type *et = t->elem;
    const uint8_t *data = l->data;
    NEED(2);
    *o++ = '[';
    for (uint32_t i = 0; i < l->count; i++) {
        if (i) {
            NEED(1);
            *o++ = ',';
        }
        o = je_value(c, o, et, data + (size_t)i * et->size, depth);
        if (PST__UNLIKELY(!o))
            return NULL;
    }
    NEED(1);
    *o++ = ']';
    return o;
}

static uint8_t *je_map(jenc *c, uint8_t *o, const pst_type *t,
                       const pst_map *mp, uint32_t depth)
{
    const pst_type *kt = t->elem, *vt = t->value;
    const uint8_t *keys = mp->keys, *vals = mp->values;
    NEED(2);
    *o++ = '{';
    for (uint32_t i = 0; i < mp->count; i++) {
        if (i) {
            NEED(1);
            *o++ = ',';
        }
        o = je_key(c, o, kt, keys + (size_t)i * kt->size, depth);
        if (PST__UNLIKELY(!o))
            return NULL;
        NEED(1);
        *o++ = ':';
        o = je_value(c, o, vt, vals + (size_t)i * vt->size, depth);
        if (PST__UNLIKELY(!o))
            return NULL;
    }
    NEED(1);
    *o++ = '}';
    return o;
}

static uint8_t *je_value(jenc *c, uint8_t *o, const pst_type *t,
                         const uint8_t *m, uint32_t depth)
{
    char buf[32];
    size_t n;
    switch (t->kind) {
    case PST_K_BOOL:
        return *(const bool *)m ? je_raw(c, o, "true", 4)
                                : je_raw(c, o, "false", 5);
    case PST_K_I8:
        n = pst__i64_format(buf, *(const int8_t *)m);
        return je_raw(c, o, buf, n);
    case PST_K_I16:
        n = pst__i64_format(buf, *(const int16_t *)m);
        return je_raw(c, o, buf, n);
    case PST_K_I32:
        n = pst__i64_format(buf, *(const int32_t *)m);
        return je_raw(c, o, buf, n);
    case PST_K_I64: {
        int64_t x;
        memcpy(&x, m, 8);
        n = pst__i64_format(buf, x);
        return je_raw(c, o, buf, n);
    }
    case PST_K_DOUBLE: {
        double d;
        memcpy(&d, m, 8);
        n = pst__double_format(buf, d);
        /* NaN, Infinity, -Infinity: JSON has no bare form for them (buf is
         * not terminated: look only at the n bytes written) */
        if (buf[0] == 'N' || buf[0] == 'I' || (n > 1 && buf[1] == 'I'))
            return je_quoted_scalar(c, o, t, m);
        return je_raw(c, o, buf, n);
    }
    case PST_K_STRING: {
        const pst_str *s = (const pst_str *)m;
        return je_string(c, o, (const uint8_t *)s->ptr, s->len);
    }
    case PST_K_BINARY:
        return je_binary(c, o, (const pst_str *)m);
    case PST_K_UUID:
        NEED(38);
        o[0] = '"';
        pst__uuid_format((char *)o + 1, (const pst_uuid *)m);
        o[37] = '"';
        return o + 38;
    case PST_K_ENUM:
        return je_enum(c, o, t, m);
    case PST_K_STRUCT:
        return je_struct(c, o, t->sdesc, m, depth + 1);
    case PST_K_STRUCT_PTR: {
        const uint8_t *sv = *(const uint8_t *const *)m;
        if (PST__UNLIKELY(!sv))
            return je_fail(c, PST_E_INVALID, t->sdesc, NULL,
                           "a NULL struct pointer in a container");
        return je_struct(c, o, t->sdesc, sv, depth + 1);
    }
    case PST_K_LIST:
    case PST_K_SET:
        return je_list(c, o, t, (const pst_list *)m, depth);
    case PST_K_MAP:
        return je_map(c, o, t, (const pst_map *)m, depth);
    }
    return je_fail(c, PST_E_INVALID, NULL, NULL,
                   "descriptor has an invalid kind");
}

static uint8_t *je_struct(jenc *c, uint8_t *o, const pst_struct_desc *d,
                          const uint8_t *v, uint32_t depth)
{
    if (PST__UNLIKELY(depth > c->e.max_depth))
        return je_fail(c, PST_E_LIMIT, d, NULL,
                       "structs nested deeper than max_depth");
    const uint8_t *isset = v + d->isset_offset;
    const pst_field *f = d->fields, *fe = d->nfields ? f + d->nfields : f;
    const pst_field *member = NULL;
    bool first = true;
    NEED(2);
    *o++ = '{';
    for (; f < fe; f++) {
        bool set = (isset[f->isset_bit >> 3] >> (f->isset_bit & 7)) & 1;
        if (!set && f->req != PST_REQ_REQUIRED)
            continue;
        const uint8_t *m = v + f->offset;
        if (f->kind == PST_K_STRUCT_PTR && !*(const uint8_t *const *)m)
            continue; /* absent */
        if (d->kind == PST_UNION) {
            if (member)
                return je_fail(c, PST_E_INVALID, d, f,
                               "union has more than one member set");
            member = f;
        }
        size_t nl = strlen(f->name);
        NEED(nl + 4);
        if (!first)
            *o++ = ',';
        first = false;
        *o++ = '"';
        memcpy(o, f->name, nl);
        o += nl;
        *o++ = '"';
        *o++ = ':';
        o = je_value(c, o, f->type, m, depth);
        if (PST__UNLIKELY(!o))
            return NULL;
    }
    NEED(1);
    *o++ = '}';
    return o;
}

/* ---- entry points -------------------------------------------------------- */

static int finish(jenc *c, uint8_t *o)
{
    int rc = pst__enc_end(&c->e, o);
    if (rc && c->err && !c->err->code)
        pst_error_set(c->err, rc, "encoding JSON: %s", pst_strerror(rc));
    return rc;
}

int pst_json_write_struct(pst_wbuf *w, const pst_struct_desc *d,
                          const void *v, const pst_codec_config *cfg,
                          pst_error *err)
{
    jenc c;
    c.err = err;
    uint8_t *o = pst__enc_begin(&c.e, w, cfg);
    if (o)
        o = je_struct(&c, o, d, v, 1);
    return finish(&c, o);
}

int pst_json_write_value(pst_wbuf *w, const pst_type *t, const void *v,
                         const pst_codec_config *cfg, pst_error *err)
{
    jenc c;
    c.err = err;
    uint8_t *o = pst__enc_begin(&c.e, w, cfg);
    if (o)
        o = je_value(&c, o, t, v, 0);
    return finish(&c, o);
}

int pst_json_write_string(pst_wbuf *w, const char *s, size_t n)
{
    jenc c;
    c.err = NULL;
    uint8_t *o = pst__enc_begin(&c.e, w, NULL);
    if (o)
        o = je_string(&c, o, (const uint8_t *)s, n);
    return finish(&c, o);
}
