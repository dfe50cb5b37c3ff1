/*
 * json_decode.c: JSON into a described value, one walk over the document.
 *
 * Each function takes the position of a value and returns the position
 * after it, or NULL after recording the failure; as the walk unwinds, each
 * level puts its field name (".req"), list index ("[3]") or map key
 * ("[k]") in front of the path, so the error names the field at no cost to
 * the successful walk. Lists and maps grow by doubling inside the arena:
 * no second pass to count elements and no allocation beyond the arena.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json/json_internal.h"

typedef struct jdec {
    const char *start, *end;
    pst_arena *arena;
    uint32_t max_depth;
    pst__jfail f;
} jdec;

static const char *jd_value(jdec *c, const char *p, const pst_type *t,
                            uint8_t *m, uint32_t depth);

#define FAIL(at, code, ...) pst__jfail_set(&c->f, c->start, (at), (code), __VA_ARGS__)

static const char *type_fail(jdec *c, const char *p, const char *want)
{
    return FAIL(p, PST_E_BAD_TYPE, "expected %s, got %s", want,
                pst__json_kind_name(p, c->end));
}

static const char *nomem(jdec *c, const char *p, size_t n)
{
    pst_arena *a = c->arena;
    if (a && a->limit && (n > a->limit || a->allocated > a->limit - n))
        return FAIL(p, PST_E_LIMIT,
                    "allocating %zu bytes passes the arena limit %zu", n,
                    a->limit);
    return FAIL(p, PST_E_NOMEM, "out of memory allocating %zu bytes", n);
}

static void prepend_name(jdec *c, const char *name, size_t n)
{
    char seg[72];
    if (n > 64)
        n = 64;
    seg[0] = '.';
    memcpy(seg + 1, name, n);
    pst__jfail_prepend(&c->f, seg, n + 1);
}

static void prepend_index(jdec *c, uint32_t i)
{
    char seg[16];
    int n = snprintf(seg, sizeof seg, "[%u]", i);
    pst__jfail_prepend(&c->f, seg, (size_t)n);
}

static void prepend_key(jdec *c, pst_str raw)
{
    char seg[40];
    size_t n = raw.len > 32 ? 32 : raw.len;
    seg[0] = '[';
    memcpy(seg + 1, raw.ptr, n);
    seg[n + 1] = ']';
    pst__jfail_prepend(&c->f, seg, n + 2);
}

/* ---- scalars ------------------------------------------------------------- */

/* Is s[0..n) exactly one JSON number (*is_int: without fraction or
 * exponent)? For numbers inside strings and keys, whose own words the
 * caller gives. */
static bool number_text(const char *s, size_t n, bool *is_int)
{
    pst__jfail scratch;
    scratch.code = 0;
    const char *q = n ? pst__json_scan_number(&scratch, s, s, s + n, is_int)
                      : NULL;
    return q == s + n;
}

static const char *const int_names[] = {
    [PST_K_I8] = "i8", [PST_K_I16] = "i16", [PST_K_I32] = "i32",
    [PST_K_I64] = "i64", [PST_K_ENUM] = "i32",
};

/* Store x, already known to fit in an i64, range checked for kind. */
static const char *store_small(jdec *c, const char *at, int64_t x,
                               unsigned kind, uint8_t *m, const char *ret)
{
    switch (kind) {
    case PST_K_I8:
        if (x < INT8_MIN || x > INT8_MAX)
            break;
        *(int8_t *)m = (int8_t)x;
        return ret;
    case PST_K_I16:
        if (x < INT16_MIN || x > INT16_MAX)
            break;
        *(int16_t *)m = (int16_t)x;
        return ret;
    case PST_K_I32:
    case PST_K_ENUM:
        if (x < INT32_MIN || x > INT32_MAX)
            break;
        *(int32_t *)m = (int32_t)x;
        return ret;
    default:
        memcpy(m, &x, 8);
        return ret;
    }
    return FAIL(at, PST_E_PROTOCOL, "%lld is out of range for %s",
                (long long)x, int_names[kind]);
}

/* Integer text s[0..n) (already a JSON integer literal) into m, range
 * checked for kind. `at` is where the value starts, for errors. */
static const char *store_int(jdec *c, const char *at, const char *s, size_t n,
                             unsigned kind, uint8_t *m, const char *ret)
{
    int64_t x;
    if (pst__i64_parse(s, n, &x) != 0)
        return FAIL(at, PST_E_PROTOCOL, "%.*s is out of range for %s",
                    (int)(n > 40 ? 40 : n), s, int_names[kind]);
    return store_small(c, at, x, kind, m, ret);
}

/* An integer from a number or a string holding one. */
static const char *jd_int(jdec *c, const char *p, unsigned kind, uint8_t *m)
{
    /* Fast path: up to 18 digits, no fraction or exponent (every i8..i32
     * and most i64s); anything else takes the checked path. */
    {
        const char *q = p + (*p == '-');
        const char *ds = q;
        uint64_t v = 0;
        while (q < c->end && (unsigned)(*q - '0') <= 9 && q - ds < 18) {
            v = v * 10 + (unsigned)(*q - '0');
            q++;
        }
        size_t nd = (size_t)(q - ds);
        if (nd && !(nd > 1 && *ds == '0') &&
            (q >= c->end || ((unsigned)(*q - '0') > 9 && *q != '.' &&
                             *q != 'e' && *q != 'E')))
            return store_small(c, p, *p == '-' ? -(int64_t)v : (int64_t)v,
                               kind, m, q);
    }
    const char *s, *q;
    size_t n;
    bool is_int;
    if (*p == '"') {
        pst_str raw;
        bool esc;
        q = pst__json_scan_string(&c->f, c->start, p, c->end, &raw, &esc);
        if (!q)
            return NULL;
        if (esc || !number_text(raw.ptr, raw.len, &is_int)) {
            return FAIL(p, PST_E_PROTOCOL, "expected an integer, got the "
                        "string \"%.*s\"", (int)(raw.len > 40 ? 40 : raw.len),
                        raw.ptr);
        }
        s = raw.ptr;
        n = raw.len;
    } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
        q = pst__json_scan_number(&c->f, c->start, p, c->end, &is_int);
        if (!q)
            return NULL;
        s = p;
        n = (size_t)(q - p);
    } else {
        return type_fail(c, p, "an integer");
    }
    if (!is_int)
        return FAIL(p, PST_E_PROTOCOL, "expected an integer, got %.*s",
                    (int)(n > 40 ? 40 : n), s);
    return store_int(c, p, s, n, kind, m, q);
}

/* strtod over a copy: the token is not NUL-terminated. */
static bool parse_double(jdec *c, const char *s, size_t n, double *out)
{
    char small[64];
    char *buf = small;
    if (n >= sizeof small) {
        buf = pst__arena_bytes(c->arena, n + 1);
        if (!buf)
            return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return true;
}

static bool special_double(const char *s, size_t n, double *out)
{
    if (n == 3 && memcmp(s, "NaN", 3) == 0)
        *out = NAN;
    else if (n == 8 && memcmp(s, "Infinity", 8) == 0)
        *out = INFINITY;
    else if (n == 9 && memcmp(s, "-Infinity", 9) == 0)
        *out = -INFINITY;
    else
        return false;
    return true;
}

/* A number token s[0..n) into a finite double. */
static const char *store_double(jdec *c, const char *at, const char *s,
                                size_t n, uint8_t *m, const char *ret)
{
    double d;
    if (!parse_double(c, s, n, &d))
        return nomem(c, at, n + 1);
    if (isinf(d))
        return FAIL(at, PST_E_PROTOCOL, "%.*s is out of range for double",
                    (int)(n > 40 ? 40 : n), s);
    memcpy(m, &d, 8);
    return ret;
}

static const char *jd_double(jdec *c, const char *p, uint8_t *m)
{
    if (*p == '"') {
        pst_str raw;
        bool esc;
        const char *q =
            pst__json_scan_string(&c->f, c->start, p, c->end, &raw, &esc);
        if (!q)
            return NULL;
        double d;
        if (esc || !special_double(raw.ptr, raw.len, &d))
            return FAIL(p, PST_E_PROTOCOL,
                        "expected a number, \"NaN\", \"Infinity\" or "
                        "\"-Infinity\", got the string \"%.*s\"",
                        (int)(raw.len > 40 ? 40 : raw.len), raw.ptr);
        memcpy(m, &d, 8);
        return q;
    }
    if (*p != '-' && !(*p >= '0' && *p <= '9'))
        return type_fail(c, p, "a number");
    bool is_int;
    const char *q = pst__json_scan_number(&c->f, c->start, p, c->end, &is_int);
    if (!q)
        return NULL;
    return store_double(c, p, p, (size_t)(q - p), m, q);
}

/* The unescaped text of a scanned string, in the arena (or the document
 * when it has no escapes and copy is false). */
static bool string_text(jdec *c, pst_str raw, bool esc, bool copy,
                        pst_str *out)
{
    if (!esc && !copy) {
        *out = raw;
        return true;
    }
    if (raw.len == 0) {
        out->ptr = "";
        out->len = 0;
        return true;
    }
    char *dst = pst__arena_bytes(c->arena, raw.len);
    if (!dst)
        return false;
    if (esc) {
        out->len = pst__json_unescape(dst, raw.ptr, raw.len);
    } else {
        pst__copy((uint8_t *)dst, (const uint8_t *)raw.ptr, raw.len);
        out->len = raw.len;
    }
    out->ptr = dst;
    return true;
}

/* Binary from base64 text (standard or URL-safe, padded or not). */
static const char *store_binary(jdec *c, const char *at, pst_str text,
                                pst_str *s, const char *ret)
{
    if (text.len == 0) {
        s->ptr = "";
        s->len = 0;
        return ret;
    }
    size_t room = text.len / 4 * 3 + 3;
    uint8_t *dst = pst__arena_bytes(c->arena, room);
    if (!dst)
        return nomem(c, at, room);
    long long n = pst__base64_decode(dst, text.ptr, text.len);
    if (n < 0)
        return FAIL(at, PST_E_PROTOCOL, "invalid base64");
    s->ptr = (const char *)dst;
    s->len = (size_t)n;
    return ret;
}

static const char *store_enum_name(jdec *c, const char *at, const pst_type *t,
                                   pst_str name, uint8_t *m, const char *ret)
{
    const pst_enum_desc *e = t->edesc;
    if (e) {
        for (uint32_t i = 0; i < e->count; i++) {
            const char *en = e->values[i].name;
            if (pst__json_name_is(en, name.ptr, name.len)) {
                *(int32_t *)m = e->values[i].value;
                return ret;
            }
        }
    }
    /* "5" names a number too */
    bool is_int;
    if (number_text(name.ptr, name.len, &is_int) && is_int)
        return store_int(c, at, name.ptr, name.len, PST_K_ENUM, m, ret);
    return FAIL(at, PST_E_PROTOCOL, "\"%.*s\" is not a value of enum %s",
                (int)(name.len > 40 ? 40 : name.len), name.ptr,
                e ? e->name : "?");
}

/* A string-shaped value (string, binary, uuid, enum name) from the
 * unescaped text of a JSON string or an object key. */
static const char *store_text(jdec *c, const char *at, const pst_type *t,
                              pst_str text, uint8_t *m, const char *ret)
{
    switch (t->kind) {
    case PST_K_BINARY:
        return store_binary(c, at, text, (pst_str *)m, ret);
    case PST_K_UUID:
        if (!pst__uuid_parse((pst_uuid *)m, text.ptr, text.len))
            return FAIL(at, PST_E_PROTOCOL,
                        "expected a uuid (8-4-4-4-12 hex digits)");
        return ret;
    case PST_K_ENUM:
        return store_enum_name(c, at, t, text, m, ret);
    default:
        *(pst_str *)m = text;
        return ret;
    }
}

static const char *jd_stringish(jdec *c, const char *p, const pst_type *t,
                                uint8_t *m)
{
    if (*p != '"')
        return type_fail(c, p, t->kind == PST_K_UUID ? "a uuid string"
                               : t->kind == PST_K_BINARY ? "a base64 string"
                                                         : "a string");
    pst_str raw, text;
    bool esc;
    const char *q = pst__json_scan_string(&c->f, c->start, p, c->end, &raw, &esc);
    if (!q)
        return NULL;
    /* strings are copied (the document may go); the others are converted */
    if (!string_text(c, raw, esc, t->kind == PST_K_STRING, &text))
        return nomem(c, p, raw.len);
    return store_text(c, p, t, text, m, q);
}

static const char *jd_bool(jdec *c, const char *p, uint8_t *m)
{
    size_t left = (size_t)(c->end - p);
    if (left >= 4 && memcmp(p, "true", 4) == 0) {
        *(bool *)m = true;
        return p + 4;
    }
    if (left >= 5 && memcmp(p, "false", 5) == 0) {
        *(bool *)m = false;
        return p + 5;
    }
    return type_fail(c, p, "true or false");
}

/* ---- containers ---------------------------------------------------------- */

/* Make room for one more element of `size` bytes in a growing array. */
static bool grow(jdec *c, uint8_t **data, uint32_t *cap, uint32_t count,
                 size_t size)
{
    if (count < *cap)
        return true;
    uint32_t ncap = *cap ? *cap * 2 : 4;
    if (ncap > INT32_MAX || (size_t)ncap > SIZE_MAX / (size ? size : 1))
        return false;
    uint8_t *nd = pst__arena_alloc(c->arena, (size_t)ncap * size);
    if (!nd)
        return false;
    if (count)
        memcpy(nd, *data, (size_t)count * size);
    *data = nd;
    *cap = ncap;
    return true;
}

static const char *jd_list(jdec *c, const char *p, const pst_type *t,
                           pst_list *l, uint32_t depth)
{
    if (*p != '[')
        return type_fail(c, p, "an array");
    const pst_type *e = t->elem;
    size_t size = e->size;
    uint8_t *data = NULL;
    uint32_t cap = 0, n = 0;
    p = pst__json_ws(p + 1, c->end);
    if (p < c->end && *p == ']') {
        l->data = NULL;
        l->count = 0;
        return p + 1;
    }
    for (;;) {
        if (!grow(c, &data, &cap, n, size))
            return nomem(c, p, (size_t)cap * 2 * size);
        p = pst__json_ws(p, c->end);
        uint8_t *slot = data + (size_t)n * size;
        memset(slot, 0, size);
        p = jd_value(c, p, e, slot, depth);
        if (!p) {
            prepend_index(c, n);
            return NULL;
        }
        n++;
        p = pst__json_ws(p, c->end);
        if (p < c->end && *p == ',') {
            p++;
            continue;
        }
        if (p < c->end && *p == ']')
            break;
        return FAIL(p, PST_E_SYNTAX, p < c->end ? "expected ',' or ']'"
                                                : "unexpected end of input");
    }
    l->data = data;
    l->count = n;
    return p + 1;
}

/* A map key that is not string-shaped: its JSON text, read as a value of
 * the key type by a nested walk over that text. */
static const char *jd_key_text(jdec *c, const char *at, const pst_type *k,
                               pst_str text, uint8_t *m, uint32_t depth,
                               const char *ret)
{
    switch (k->kind) {
    case PST_K_BOOL:
        if (text.len == 4 && memcmp(text.ptr, "true", 4) == 0)
            *(bool *)m = true;
        else if (text.len == 5 && memcmp(text.ptr, "false", 5) == 0)
            *(bool *)m = false;
        else
            return FAIL(at, PST_E_PROTOCOL,
                        "expected the key true or false");
        return ret;
    case PST_K_I8:
    case PST_K_I16:
    case PST_K_I32:
    case PST_K_I64: {
        bool is_int;
        if (!number_text(text.ptr, text.len, &is_int) || !is_int) {
            return FAIL(at, PST_E_PROTOCOL, "expected an integer key, got "
                        "\"%.*s\"", (int)(text.len > 40 ? 40 : text.len),
                        text.ptr);
        }
        return store_int(c, at, text.ptr, text.len, k->kind, m, ret);
    }
    case PST_K_DOUBLE: {
        double d;
        if (special_double(text.ptr, text.len, &d)) {
            memcpy(m, &d, 8);
            return ret;
        }
        bool is_int;
        if (!number_text(text.ptr, text.len, &is_int)) {
            return FAIL(at, PST_E_PROTOCOL, "expected a number key, got "
                        "\"%.*s\"", (int)(text.len > 40 ? 40 : text.len),
                        text.ptr);
        }
        return store_double(c, at, text.ptr, text.len, m, ret);
    }
    default: {
        /* struct, list, set, map keys: a JSON document inside the key */
        const char *ostart = c->start, *oend = c->end;
        c->start = text.ptr;
        c->end = text.ptr + text.len;
        const char *q = pst__json_ws(text.ptr, c->end);
        q = jd_value(c, q, k, m, depth);
        if (q) {
            q = pst__json_ws(q, c->end);
            if (q != c->end)
                q = FAIL(q, PST_E_SYNTAX, "trailing data in a map key");
        }
        c->start = ostart;
        c->end = oend;
        if (!q) {
            /* the inner offset means nothing in the document: point at
             * the key, and keep the inner words */
            c->f.at = (size_t)(at - c->start);
            return NULL;
        }
        return ret;
    }
    }
}

static const char *jd_map(jdec *c, const char *p, const pst_type *t,
                          pst_map *mp, uint32_t depth)
{
    if (*p != '{')
        return type_fail(c, p, "an object");
    const pst_type *k = t->elem, *v = t->value;
    uint8_t *keys = NULL, *vals = NULL;
    uint32_t kcap = 0, vcap = 0, n = 0;
    bool key_is_text = k->kind == PST_K_STRING || k->kind == PST_K_BINARY ||
                       k->kind == PST_K_UUID || k->kind == PST_K_ENUM;
    p = pst__json_ws(p + 1, c->end);
    if (p < c->end && *p == '}') {
        mp->keys = mp->values = NULL;
        mp->count = 0;
        return p + 1;
    }
    for (;;) {
        if (!grow(c, &keys, &kcap, n, k->size) ||
            !grow(c, &vals, &vcap, n, v->size))
            return nomem(c, p, (size_t)kcap * 2 * (k->size + v->size));
        p = pst__json_ws(p, c->end);
        if (p >= c->end || *p != '"')
            return FAIL(p, PST_E_SYNTAX, p < c->end ? "expected a key string"
                                                    : "unexpected end of input");
        pst_str raw, text;
        bool esc;
        const char *kp = p;
        p = pst__json_scan_string(&c->f, c->start, p, c->end, &raw, &esc);
        if (!p)
            return NULL;
        uint8_t *kslot = keys + (size_t)n * k->size;
        uint8_t *vslot = vals + (size_t)n * v->size;
        memset(kslot, 0, k->size);
        memset(vslot, 0, v->size);
        /* keys held as text are copied; others are read from the text */
        if (!string_text(c, raw, esc, k->kind == PST_K_STRING, &text))
            return nomem(c, kp, raw.len);
        const char *ok = key_is_text
                             ? store_text(c, kp, k, text, kslot, p)
                             : jd_key_text(c, kp, k, text, kslot, depth, p);
        if (!ok) {
            prepend_key(c, raw);
            return NULL;
        }
        p = pst__json_ws(p, c->end);
        if (p >= c->end || *p != ':')
            return FAIL(p, PST_E_SYNTAX, "expected ':' after a key");
        p = pst__json_ws(p + 1, c->end);
        p = jd_value(c, p, v, vslot, depth);
        if (!p) {
            prepend_key(c, raw);
            return NULL;
        }
        n++;
        p = pst__json_ws(p, c->end);
        if (p < c->end && *p == ',') {
            p++;
            continue;
        }
        if (p < c->end && *p == '}')
            break;
        return FAIL(p, PST_E_SYNTAX, p < c->end ? "expected ',' or '}'"
                                                : "unexpected end of input");
    }
    mp->keys = keys;
    mp->values = vals;
    mp->count = n;
    return p + 1;
}

/* ---- structs ------------------------------------------------------------- */

static const char *jd_struct(jdec *c, const char *p, const pst_struct_desc *d,
                             uint8_t *v, uint32_t depth);

static const char *jd_struct_ptr(jdec *c, const char *p,
                                 const pst_struct_desc *sd, void **slot,
                                 uint32_t depth)
{
    if (*p != '{')
        return type_fail(c, p, "an object");
    uint8_t *sv = pst__arena_alloc(c->arena, sd->size);
    if (!sv)
        return nomem(c, p, sd->size);
    *slot = sv;
    return jd_struct(c, p, sd, sv, depth);
}

static const char *jd_value(jdec *c, const char *p, const pst_type *t,
                            uint8_t *m, uint32_t depth)
{
    if (PST__UNLIKELY(p >= c->end))
        return FAIL(p, PST_E_SYNTAX, "unexpected end of input");
    switch (t->kind) {
    case PST_K_BOOL:
        return jd_bool(c, p, m);
    case PST_K_I8:
    case PST_K_I16:
    case PST_K_I32:
    case PST_K_I64:
        return jd_int(c, p, t->kind, m);
    case PST_K_ENUM:
        if (*p == '"')
            return jd_stringish(c, p, t, m);
        return jd_int(c, p, PST_K_ENUM, m);
    case PST_K_DOUBLE:
        return jd_double(c, p, m);
    case PST_K_STRING:
    case PST_K_BINARY:
    case PST_K_UUID:
        return jd_stringish(c, p, t, m);
    case PST_K_STRUCT:
        return jd_struct(c, p, t->sdesc, m, depth + 1);
    case PST_K_STRUCT_PTR:
        return jd_struct_ptr(c, p, t->sdesc, (void **)m, depth + 1);
    case PST_K_LIST:
    case PST_K_SET:
        return jd_list(c, p, t, (pst_list *)m, depth);
    case PST_K_MAP:
        return jd_map(c, p, t, (pst_map *)m, depth);
    }
    return FAIL(p, PST_E_INVALID, "descriptor has an invalid kind");
}

static const char *check_struct(jdec *c, const char *p,
                                const pst_struct_desc *d, const uint64_t *seen)
{
    const pst_field *first = NULL;
    for (unsigned i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        bool set = (seen[i >> 6] >> (i & 63)) & 1;
        if (f->req == PST_REQ_REQUIRED && !set) {
            FAIL(p, PST_E_MISSING_FIELD, "required field missing");
            prepend_name(c, f->name, strlen(f->name));
            return NULL;
        }
        if (d->kind == PST_UNION && set) {
            if (first)
                return FAIL(p, PST_E_PROTOCOL,
                            "union %s has more than one member (%s and %s)",
                            d->name, first->name, f->name);
            first = f;
        }
    }
    return p;
}

static const char *jd_struct(jdec *c, const char *p, const pst_struct_desc *d,
                             uint8_t *v, uint32_t depth)
{
    if (PST__UNLIKELY(depth > c->max_depth))
        return FAIL(p, PST_E_LIMIT, "structs nested deeper than max_depth %u",
                    c->max_depth);
    if (*p != '{')
        return type_fail(c, p, "an object");
    pst__struct_init(d, v);
    uint64_t seen_small[4] = { 0, 0, 0, 0 };
    uint64_t *seen = seen_small;
    if (d->nfields > 256) {
        seen = pst__arena_alloc(c->arena, ((size_t)d->nfields + 63) / 64 * 8);
        if (!seen)
            return nomem(c, p, d->nfields / 8);
        memset(seen, 0, ((size_t)d->nfields + 63) / 64 * 8);
    }
    const pst_field *want = d->fields;
    uint8_t *isset = v + d->isset_offset;
    p = pst__json_ws(p + 1, c->end);
    if (p < c->end && *p == '}')
        return check_struct(c, p + 1, d, seen);
    for (;;) {
        p = pst__json_ws(p, c->end);
        if (p >= c->end || *p != '"')
            return FAIL(p, PST_E_SYNTAX, p < c->end ? "expected a member name"
                                                    : "unexpected end of input");
        pst_str raw, name;
        bool esc;
        const char *np = p;
        p = pst__json_scan_string(&c->f, c->start, p, c->end, &raw, &esc);
        if (!p)
            return NULL;
        name = raw;
        if (PST__UNLIKELY(esc)) {
            /* no field name needs escapes, but JSON allows them; the
             * arena, not the stack, so deep nesting keeps small frames */
            char *buf = pst__arena_bytes(c->arena, raw.len);
            if (!buf)
                return nomem(c, np, raw.len);
            name.len = pst__json_unescape(buf, raw.ptr, raw.len);
            name.ptr = buf;
        }
        const pst_field *f =
            name.len ? pst__json_field(d, want, name.ptr, name.len) : NULL;
        if (!f) {
            FAIL(np, PST_E_PROTOCOL, raw.len ? "unknown field"
                                             : "unknown field \"\"");
            prepend_name(c, raw.ptr, raw.len);
            return NULL;
        }
        size_t fi = (size_t)(f - d->fields);
        if (seen[fi >> 6] >> (fi & 63) & 1) {
            FAIL(np, PST_E_PROTOCOL, "field given twice");
            prepend_name(c, f->name, strlen(f->name));
            return NULL;
        }
        seen[fi >> 6] |= 1ull << (fi & 63);
        want = f + 1;
        p = pst__json_ws(p, c->end);
        if (p >= c->end || *p != ':')
            return FAIL(p, PST_E_SYNTAX, "expected ':' after a member name");
        p = pst__json_ws(p + 1, c->end);
        if (p < c->end && *p == 'n') {
            /* null: absent, the field keeps its default */
            if (c->end - p >= 4 && memcmp(p, "null", 4) == 0) {
                seen[fi >> 6] &= ~(1ull << (fi & 63));
                p += 4;
                goto next;
            }
        }
        p = jd_value(c, p, f->type, v + f->offset, depth);
        if (PST__UNLIKELY(!p)) {
            prepend_name(c, f->name, strlen(f->name));
            return NULL;
        }
        pst__isset_on(isset, f->isset_bit);
    next:
        p = pst__json_ws(p, c->end);
        if (p < c->end && *p == ',') {
            p++;
            continue;
        }
        if (p < c->end && *p == '}')
            break;
        return FAIL(p, PST_E_SYNTAX, p < c->end ? "expected ',' or '}'"
                                                : "unexpected end of input");
    }
    p++;
    if (d->kind == PST_UNION || pst__dec_struct_needs_check(d))
        return check_struct(c, p, d, seen);
    return p;
}

/* ---- entry points -------------------------------------------------------- */

static bool too_big(pst_json_reader *r)
{
    if ((uint64_t)(r->end - r->start) <= r->cfg->max_message)
        return false;
    pst_error_set(r->err, PST_E_LIMIT,
                  "JSON document of %zu bytes exceeds max_message %llu",
                  (size_t)(r->end - r->start),
                  (unsigned long long)r->cfg->max_message);
    return true;
}

static void jdec_init(jdec *c, pst_json_reader *r)
{
    c->start = r->start;
    c->end = r->end;
    c->arena = r->arena;
    uint32_t md = r->cfg->max_depth;
    c->max_depth = md < PST__MAX_DEPTH_CAP ? md : PST__MAX_DEPTH_CAP;
    pst__jfail_init(&c->f);
}

int pst_json_read_struct(pst_json_reader *r, const pst_struct_desc *d, void *v)
{
    if (too_big(r))
        return PST_E_LIMIT;
    if (!r->arena)
        return pst_error_set(r->err, PST_E_INVALID, "no arena to decode into");
    jdec c;
    jdec_init(&c, r);
    const char *p = pst__json_ws(r->p, r->end);
    p = p < r->end ? jd_struct(&c, p, d, v, 1)
                   : pst__jfail_set(&c.f, c.start, p, PST_E_SYNTAX,
                                    "unexpected end of input");
    if (!p)
        return pst__jfail_report(&c.f, r->err);
    r->p = p;
    return 0;
}

int pst_json_read_end(pst_json_reader *r)
{
    const char *p = pst__json_ws(r->p, r->end);
    if (p != r->end)
        return pst_error_set(r->err, PST_E_SYNTAX,
                             "trailing data after the value at byte %zu",
                             (size_t)(p - r->start));
    r->p = p;
    return 0;
}

int pst_json_decode_struct(const void *doc, size_t len,
                           const pst_struct_desc *d, void *v, pst_arena *a,
                           const pst_codec_config *cfg, pst_error *err)
{
    pst_json_reader r;
    pst_json_reader_init(&r, doc, len, a, cfg, err);
    int rc = pst_json_read_struct(&r, d, v);
    return rc ? rc : pst_json_read_end(&r);
}
