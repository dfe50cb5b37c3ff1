/*
 * check.c: the semantic rules, after names are resolved.
 *
 *  - fields: unique ids and names per struct, union, exception, parameter
 *    list and throws clause; a union has at most one default value and
 *    no required member (one declared required is made optional, with a
 *    warning);
 *  - methods: unique names per service and its bases; oneway methods return void and
 *    throw nothing; throws clauses name exceptions only; `extends` has no
 *    cycle;
 *  - constants and default values: typed against their declared type
 *    (the rules of Apache Thrift's validate_const_rec, plus integer ranges),
 *    references to other constants and enum values followed (with cycle
 *    detection), giving each a `resolved` value the emitter can print;
 *  - types: container nesting through typedefs stays within max_depth;
 *  - structs that contain themselves by value are marked `recursive`.
 *
 * Every walk that could follow a chain of arbitrary length (typedefs,
 * extends, struct containment) is iterative; recursion only follows nesting
 * the parser has already capped, or is capped here.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "idl/session.h"

/* Constants expand references; cap the printed size of all of them. */
#define MAX_VALUE_WEIGHT ((uint64_t)1 << 20)

typedef struct checker {
    pst_idl_session *s;
    pst_idl_program *p;
    pst__idl_pool *pool;
    unsigned depth;            /* value resolution nesting, refs included */
    uint64_t total_weight;     /* of all values resolved in this program */
} checker;

enum { STATE_NONE = 0, STATE_ACTIVE = 1, STATE_DONE = 2 };

/* ---- fields ------------------------------------------------------------- */

static int cmp_field_id(const void *a, const void *b)
{
    const pst_idl_field *x = *(pst_idl_field *const *)a, *y = *(pst_idl_field *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Unique ids and names; the by_id order and by_name table. */
/* Lists this short are searched directly; longer ones get a table. */
#define FIELD_TABLE_MIN 9

static void check_fields(checker *C, pst_idl_field_list *l, const char *what)
{
    if (l->count >= FIELD_TABLE_MIN)
        l->by_name = pst__idl_symtab_new(C->pool);
    l->by_id = pst__idl_alloc_array(C->pool, l->count ? l->count : 1, sizeof *l->by_id);
    for (unsigned i = 0; i < l->count; i++) {
        pst_idl_field *f = &l->items[i];
        l->by_id[i] = f;
        const pst_idl_field *prev = NULL;
        if (l->by_name) {
            if (!pst__idl_symtab_put(l->by_name, f->name, f))
                prev = pst__idl_symtab_get(l->by_name, f->name);
        } else {
            for (unsigned j = 0; j < i && !prev; j++)
                if (strcmp(l->items[j].name, f->name) == 0)
                    prev = &l->items[j];
        }
        if (prev)
            pst__idl_error(C->s, &f->loc, "duplicate field name '%s' in %s (first at line %u)",
                           f->name, what, prev->loc.line);
    }
    qsort(l->by_id, l->count, sizeof *l->by_id, cmp_field_id);
    for (unsigned i = 1; i < l->count; i++) {
        if (l->by_id[i]->id == l->by_id[i - 1]->id) {
            const pst_idl_field *a = l->by_id[i - 1], *b = l->by_id[i];
            const pst_idl_field *later = a->loc.line > b->loc.line ||
                                                 (a->loc.line == b->loc.line && a->loc.col > b->loc.col)
                                             ? a : b;
            const pst_idl_field *first = later == a ? b : a;
            pst__idl_error(C->s, &later->loc,
                           "duplicate field id %" PRId32 " in %s: '%s' and '%s'%s",
                           later->id, what, first->name, later->name,
                           later->implicit_id ? " (ids Thrift assigned itself)" : "");
        }
    }
    /* the pst_field descriptor keeps ids in 16 bits */
    if (l->count > UINT16_MAX)
        pst__idl_error(C->s, l->count ? &l->items[0].loc : NULL, "%s has more than %u fields",
                       what, UINT16_MAX);
}

/* ---- type nesting through typedefs -------------------------------------- */

/* Container depth of t, counting through typedefs (memoised per typedef so
 * shared typedefs cost nothing). -1 once deeper than max_depth. */
static int nesting(checker *C, const pst_idl_type *t, unsigned level)
{
    if (level > C->s->opt.max_depth)
        return -1;
    const pst_idl_type *start = t;
    while (t && t->kind == PST_IDL_NAMED && t->def && t->def->kind == PST_IDL_DEF_TYPEDEF) {
        if (t->def->nesting)
            return t->def->nesting - 1;
        t = t->def->type;
    }
    int r = 0;
    if (t && (t->kind == PST_IDL_LIST || t->kind == PST_IDL_SET || t->kind == PST_IDL_MAP)) {
        int a = nesting(C, t->elem, level + 1);
        int b = t->kind == PST_IDL_MAP ? nesting(C, t->value, level + 1) : 0;
        r = a < 0 || b < 0 ? -1 : 1 + (a > b ? a : b);
    }
    if (r < 0 || r > (int)C->s->opt.max_depth)
        return -1;
    /* remember for every typedef on the chain */
    for (t = start; t && t->kind == PST_IDL_NAMED && t->def &&
                    t->def->kind == PST_IDL_DEF_TYPEDEF && !t->def->nesting;
         t = t->def->type)
        t->def->nesting = r + 1;
    return r;
}

static void check_nesting(checker *C, const pst_idl_type *t)
{
    if (t && nesting(C, t, 0) < 0)
        pst__idl_error(C->s, &t->loc, "type '%s' nests containers deeper than %u levels",
                       pst__idl_type_str(C->pool, t), C->s->opt.max_depth);
}

static void check_field_nesting(checker *C, const pst_idl_field_list *l)
{
    for (unsigned i = 0; i < l->count; i++)
        check_nesting(C, l->items[i].type);
}

/* ---- values ------------------------------------------------------------- */

static const char *value_kind_desc(pst_idl_value_kind k)
{
    switch (k) {
    case PST_IDL_V_INT: return "an integer";
    case PST_IDL_V_DOUBLE: return "a floating-point number";
    case PST_IDL_V_STRING: return "a string";
    case PST_IDL_V_IDENT: return "a name";
    case PST_IDL_V_LIST: return "a list";
    case PST_IDL_V_MAP: return "a map";
    case PST_IDL_V_UUID: return "a uuid";
    case PST_IDL_V_STRUCT: return "a struct value";
    }
    return "a value";
}

static pst_idl_value *rv_new(checker *C, pst_idl_value_kind kind, const pst_idl_loc *loc)
{
    pst_idl_value *r = pst__idl_alloc(C->pool, sizeof *r);
    r->kind = kind;
    r->loc = *loc;
    r->depth = 1;
    r->weight = 1;
    return r;
}

static void rv_add_child(pst_idl_value *r, const pst_idl_value *c)
{
    if (!c)
        return;
    if (c->depth + 1 > r->depth)
        r->depth = c->depth + 1;
    r->weight += c->weight;
    if (r->weight > MAX_VALUE_WEIGHT)
        r->weight = MAX_VALUE_WEIGHT + 1; /* saturate */
}

static pst_idl_value *mismatch(checker *C, const pst_idl_value *v, const pst_idl_type *decl,
                               const char *what)
{
    pst__idl_error(C->s, &v->loc, "type mismatch in %s: expected %s, found %s", what,
                   pst__idl_type_str(C->pool, decl), value_kind_desc(v->kind));
    return NULL;
}

static bool type_equal(const pst_idl_type *a, const pst_idl_type *b)
{
    a = pst__idl_true_type(a);
    b = pst__idl_true_type(b);
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case PST_IDL_LIST:
    case PST_IDL_SET:
        return type_equal(a->elem, b->elem);
    case PST_IDL_MAP:
        return type_equal(a->elem, b->elem) && type_equal(a->value, b->value);
    case PST_IDL_NAMED:
        return a->def == b->def;
    default:
        return true;
    }
}

/* Equality and hash of resolved values, for set elements and map keys. */
static bool value_equal(const pst_idl_value *a, const pst_idl_value *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case PST_IDL_V_INT: return a->i == b->i;
    case PST_IDL_V_DOUBLE: return a->d == b->d;
    case PST_IDL_V_STRING: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case PST_IDL_V_UUID: return memcmp(a->uuid, b->uuid, 16) == 0;
    case PST_IDL_V_LIST:
    case PST_IDL_V_STRUCT:
    case PST_IDL_V_MAP:
        if (a->count != b->count)
            return false;
        for (unsigned i = 0; i < a->count; i++) {
            if (!value_equal(a->items[i], b->items[i]))
                return false;
            if (a->kind == PST_IDL_V_MAP && !value_equal(a->values[i], b->values[i]))
                return false;
        }
        return true;
    default:
        return false;
    }
}

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h;
}

static uint64_t value_hash(const pst_idl_value *v)
{
    if (!v)
        return 7;
    uint64_t h = (uint64_t)v->kind;
    switch (v->kind) {
    case PST_IDL_V_INT:
        return mix(h, (uint64_t)v->i);
    case PST_IDL_V_DOUBLE: {
        uint64_t bits = 0;
        double d = v->d == 0 ? 0.0 : v->d; /* -0.0 equals 0.0 */
        memcpy(&bits, &d, sizeof bits);
        return mix(h, bits);
    }
    case PST_IDL_V_STRING:
        for (size_t i = 0; i < v->len; i++)
            h = mix(h, (uint8_t)v->s[i]);
        return h;
    case PST_IDL_V_UUID:
        for (int i = 0; i < 16; i++)
            h = mix(h, v->uuid[i]);
        return h;
    default:
        for (unsigned i = 0; i < v->count; i++) {
            h = mix(h, value_hash(v->items[i]));
            if (v->kind == PST_IDL_V_MAP)
                h = mix(h, value_hash(v->values[i]));
        }
        return h;
    }
}

/* Drop repeated keys (sets: elements). A later map entry's value replaces
 * the earlier one's, which keeps its place, as std::map insertion in
 * Apache Thrift does. */
static void dedupe(checker *C, pst_idl_value *r)
{
    if (r->count < 2)
        return;
    unsigned cap = 1;
    while (cap < r->count * 2u)
        cap <<= 1;
    int *slots = pst__idl_alloc_array(C->pool, cap, sizeof *slots);
    for (unsigned i = 0; i < cap; i++)
        slots[i] = -1;
    unsigned out = 0;
    for (unsigned i = 0; i < r->count; i++) {
        uint64_t h = value_hash(r->items[i]);
        unsigned j = (unsigned)h & (cap - 1);
        bool dup = false;
        while (slots[j] >= 0) {
            if (value_equal(r->items[slots[j]], r->items[i])) {
                if (r->values)
                    r->values[slots[j]] = r->values[i];
                dup = true;
                break;
            }
            j = (j + 1) & (cap - 1);
        }
        if (dup)
            continue;
        r->items[out] = r->items[i];
        if (r->values)
            r->values[out] = r->values[i];
        slots[j] = (int)out++;
    }
    r->count = out;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", optionally in braces. */
static bool parse_uuid(const char *s, size_t n, uint8_t out[16])
{
    if (n == 38 && s[0] == '{' && s[37] == '}') {
        s++;
        n -= 2;
    }
    if (n != 36)
        return false;
    int k = 0;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            i++;
            continue;
        }
        int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[k++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return k == 16;
}

static const pst_idl_enum_value *enum_by_value(checker *C, pst_idl_def *e, int64_t value)
{
    if (value < INT32_MIN || value > INT32_MAX)
        return NULL;
    if (!e->by_value) {
        e->by_value = pst__idl_symtab_new(C->pool);
        for (unsigned i = 0; i < e->nvalues; i++)
            pst__idl_symtab_put(e->by_value,
                                pst__idl_sprintf(C->pool, "%" PRId32, e->values[i].value),
                                &e->values[i]);
    }
    char key[24];
    snprintf(key, sizeof key, "%" PRId64, value);
    return pst__idl_symtab_get(e->by_value, key);
}

static pst_idl_value *resolve_value(checker *C, const pst_idl_value *v,
                                    const pst_idl_type *decl, const char *what);
static void ensure_const(checker *C, pst_idl_def *d);

/* A name used as a value: a constant, or an enum value. */
static pst_idl_value *resolve_ident(checker *C, const pst_idl_value *v,
                                    const pst_idl_type *decl, const pst_idl_type *t,
                                    const char *what)
{
    const char *name = v->s;
    const pst_idl_def *target_enum =
        t->kind == PST_IDL_NAMED && t->def->kind == PST_IDL_DEF_ENUM ? t->def : NULL;
    const char *dot = strrchr(name, '.');

    if (target_enum && dot) {
        /* Thrift reads `X.NAME` as NAME of the declared enum, whatever X
         * says; say so when X names something else. */
        const char *key = pst__idl_sprintf(C->pool, "%s.%s", target_enum->name, dot + 1);
        const pst_idl_enum_value *ev = pst__idl_symtab_get(target_enum->program->enumvals, key);
        if (ev) {
            size_t plen = (size_t)(dot - name), elen = strlen(target_enum->name);
            bool same = plen == elen ? memcmp(name, target_enum->name, elen) == 0
                                     : plen > elen && name[plen - elen - 1] == '.' &&
                                           memcmp(name + plen - elen, target_enum->name, elen) == 0;
            if (!same)
                pst__idl_warn(C->s, &v->loc, "'%s' is taken as '%s.%s' (the declared enum), "
                              "as Apache Thrift does", name, target_enum->name, dot + 1);
            pst_idl_value *r = rv_new(C, PST_IDL_V_INT, &v->loc);
            r->i = ev->value;
            r->enum_value = ev;
            return r;
        }
    }

    pst_idl_def *cd = pst__idl_lookup_const(C->p, name);
    if (cd) {
        ensure_const(C, cd);
        if (!cd->resolved)
            return NULL;
        if (type_equal(cd->type, decl))
            return cd->resolved; /* shared: values are immutable */
        return resolve_value(C, cd->resolved, decl, what);
    }
    const pst_idl_enum_value *ev = pst__idl_lookup_enum_value(C->p, name);
    if (ev) {
        pst_idl_value tmp = { .kind = PST_IDL_V_INT, .loc = v->loc, .i = ev->value,
                              .depth = 1, .weight = 1 };
        if (target_enum && ev->owner != target_enum) {
            pst__idl_error(C->s, &v->loc, "'%s' is a value of enum '%s', not of '%s' in %s",
                           name, ev->owner->name, target_enum->name, what);
            return NULL;
        }
        tmp.enum_value = ev;
        pst_idl_value *r = resolve_value(C, &tmp, decl, what);
        if (r && r->kind == PST_IDL_V_INT && !r->enum_value && target_enum)
            r->enum_value = ev;
        return r;
    }
    if (target_enum && !dot) {
        const char *key = pst__idl_sprintf(C->pool, "%s.%s", target_enum->name, name);
        if (pst__idl_symtab_get(target_enum->program->enumvals, key)) {
            pst__idl_error(C->s, &v->loc, "enum value '%s' must be qualified: write '%s.%s'",
                           name, target_enum->name, name);
            return NULL;
        }
    }
    if (target_enum && dot)
        pst__idl_error(C->s, &v->loc, "enum '%s' has no value '%s'", target_enum->name, dot + 1);
    else
        pst__idl_error(C->s, &v->loc, "unknown constant or enum value '%s'", name);
    return NULL;
}

static pst_idl_value *resolve_struct(checker *C, const pst_idl_value *v,
                                     const pst_idl_type *decl, const pst_idl_def *sd,
                                     const char *what)
{
    if (v->kind == PST_IDL_V_STRUCT) {
        if (v->struct_def != sd)
            return mismatch(C, v, decl, what);
        return (pst_idl_value *)v;
    }
    if (v->kind != PST_IDL_V_MAP)
        return mismatch(C, v, decl, what);
    pst_idl_value *r = rv_new(C, PST_IDL_V_STRUCT, &v->loc);
    r->struct_def = sd;
    r->count = sd->fields.count;
    r->items = pst__idl_alloc_array(C->pool, r->count ? r->count : 1, sizeof *r->items);
    unsigned set = 0;
    bool ok = true;
    for (unsigned i = 0; i < v->count; i++) {
        const pst_idl_value *k = v->items[i];
        if (k->kind != PST_IDL_V_STRING) {
            pst__idl_error(C->s, &k->loc, "field names in a %s value must be strings, "
                           "found %s (in %s)", pst__idl_def_kind_name(sd->kind),
                           value_kind_desc(k->kind), what);
            ok = false;
            continue;
        }
        const pst_idl_field *f = pst__idl_field_by_name(&sd->fields, k->s);
        if (!f) {
            pst__idl_error(C->s, &k->loc, "%s '%s' has no field %s (in %s)",
                           pst__idl_def_kind_name(sd->kind), sd->name,
                           pst__idl_quote(C->s, k->s, k->len), what);
            ok = false;
            continue;
        }
        const char *fwhat = pst__idl_sprintf(C->pool, "field '%s' of %s", f->name, what);
        pst_idl_value *fv = resolve_value(C, v->values[i], f->type, fwhat);
        if (!fv) {
            ok = false;
            continue;
        }
        size_t idx = (size_t)(f - sd->fields.items);
        if (!r->items[idx])
            set++;
        r->items[idx] = fv;
    }
    if (!ok)
        return NULL;
    if (sd->kind == PST_IDL_DEF_UNION && set > 1) {
        pst__idl_error(C->s, &v->loc, "a value of union '%s' may set only one field, "
                       "this one sets %u (in %s)", sd->name, set, what);
        return NULL;
    }
    for (unsigned i = 0; i < r->count; i++)
        rv_add_child(r, r->items[i]);
    return r;
}

static pst_idl_value *resolve_container(checker *C, const pst_idl_value *v,
                                        const pst_idl_type *decl, const pst_idl_type *t,
                                        const char *what)
{
    bool is_map = t->kind == PST_IDL_MAP;
    /* Thrift lets `{}` stand for an empty list and `[]` for an empty map */
    bool empty_other = v->count == 0 &&
                       (v->kind == (is_map ? PST_IDL_V_LIST : PST_IDL_V_MAP));
    if (v->kind != (is_map ? PST_IDL_V_MAP : PST_IDL_V_LIST) && !empty_other)
        return mismatch(C, v, decl, what);
    pst_idl_value *r = rv_new(C, is_map ? PST_IDL_V_MAP : PST_IDL_V_LIST, &v->loc);
    if (empty_other)
        return r;
    r->count = v->count;
    r->items = pst__idl_alloc_array(C->pool, v->count ? v->count : 1, sizeof *r->items);
    if (is_map)
        r->values = pst__idl_alloc_array(C->pool, v->count ? v->count : 1, sizeof *r->values);
    const char *ewhat = pst__idl_sprintf(C->pool, "%s of %s",
                                         is_map ? "an entry" : "an element", what);
    bool ok = true;
    for (unsigned i = 0; i < v->count; i++) {
        r->items[i] = resolve_value(C, v->items[i], t->elem, ewhat);
        if (is_map)
            r->values[i] = resolve_value(C, v->values[i], t->value, ewhat);
        if (!r->items[i] || (is_map && !r->values[i]))
            ok = false;
    }
    if (!ok)
        return NULL;
    if (t->kind != PST_IDL_LIST)
        dedupe(C, r);
    for (unsigned i = 0; i < r->count; i++) {
        rv_add_child(r, r->items[i]);
        if (is_map)
            rv_add_child(r, r->values[i]);
    }
    return r;
}

static pst_idl_value *resolve_scalar(checker *C, const pst_idl_value *v,
                                     const pst_idl_type *decl, const pst_idl_type *t,
                                     const char *what)
{
    static const struct { int64_t lo, hi; } range[] = {
        [PST_IDL_I8] = { INT8_MIN, INT8_MAX },
        [PST_IDL_I16] = { INT16_MIN, INT16_MAX },
        [PST_IDL_I32] = { INT32_MIN, INT32_MAX },
        [PST_IDL_I64] = { INT64_MIN, INT64_MAX },
    };
    pst_idl_value *r;
    switch (t->kind) {
    case PST_IDL_BOOL:
        if (v->kind != PST_IDL_V_INT)
            return mismatch(C, v, decl, what);
        /* Apache Thrift's generators (C++, Python, Java, Go) render an
         * integer as a bool by `> 0`: -1 is false. Same here, and said,
         * since C would read it the other way. */
        if (v->i != 0 && v->i != 1)
            pst__idl_warn(C->s, &v->loc, "integer %" PRId64 " as a bool in %s is taken as "
                          "%s (true only when greater than zero, as in Thrift)", v->i, what,
                          v->i > 0 ? "true" : "false");
        r = rv_new(C, PST_IDL_V_INT, &v->loc);
        r->i = v->i > 0;
        return r;
    case PST_IDL_I8:
    case PST_IDL_I16:
    case PST_IDL_I32:
    case PST_IDL_I64:
        if (v->kind != PST_IDL_V_INT)
            return mismatch(C, v, decl, what);
        if (v->i < range[t->kind].lo || v->i > range[t->kind].hi) {
            pst__idl_error(C->s, &v->loc, "value %" PRId64 " is out of range for %s in %s",
                           v->i, pst__idl_type_kind_name(t->kind), what);
            return NULL;
        }
        r = rv_new(C, PST_IDL_V_INT, &v->loc);
        r->i = v->i;
        r->enum_value = v->enum_value;
        return r;
    case PST_IDL_DOUBLE:
        if (v->kind != PST_IDL_V_INT && v->kind != PST_IDL_V_DOUBLE)
            return mismatch(C, v, decl, what);
        r = rv_new(C, PST_IDL_V_DOUBLE, &v->loc);
        r->d = v->kind == PST_IDL_V_INT ? (double)v->i : v->d;
        return r;
    case PST_IDL_STRING:
    case PST_IDL_BINARY:
        if (v->kind != PST_IDL_V_STRING)
            return mismatch(C, v, decl, what);
        r = rv_new(C, PST_IDL_V_STRING, &v->loc);
        r->s = v->s;
        r->len = v->len;
        return r;
    case PST_IDL_UUID:
        if (v->kind == PST_IDL_V_UUID)
            return (pst_idl_value *)v;
        if (v->kind != PST_IDL_V_STRING)
            return mismatch(C, v, decl, what);
        r = rv_new(C, PST_IDL_V_UUID, &v->loc);
        if (!parse_uuid(v->s, v->len, r->uuid)) {
            pst__idl_error(C->s, &v->loc, "%s is not a uuid (expected "
                           "'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx') in %s",
                           pst__idl_quote(C->s, v->s, v->len), what);
            return NULL;
        }
        return r;
    default:
        return mismatch(C, v, decl, what);
    }
}

static pst_idl_value *resolve_enum(checker *C, const pst_idl_value *v, pst_idl_def *e,
                                   const pst_idl_type *decl, const char *what)
{
    if (v->kind != PST_IDL_V_INT)
        return mismatch(C, v, decl, what);
    const pst_idl_enum_value *ev = v->enum_value && v->enum_value->owner == e
                                       ? v->enum_value : enum_by_value(C, e, v->i);
    if (!ev) {
        pst__idl_error(C->s, &v->loc, "%" PRId64 " is not a value of enum '%s' (in %s)",
                       v->i, e->name, what);
        return NULL;
    }
    pst_idl_value *r = rv_new(C, PST_IDL_V_INT, &v->loc);
    r->i = ev->value;
    r->enum_value = ev;
    return r;
}

static pst_idl_value *resolve_value(checker *C, const pst_idl_value *v,
                                    const pst_idl_type *decl, const char *what)
{
    const pst_idl_type *t = pst__idl_true_type(decl);
    if (!t)
        return NULL; /* an unresolved type, reported already */
    if (C->depth >= C->s->opt.max_depth) {
        pst__idl_error(C->s, &v->loc, "%s nests values or references deeper than %u levels",
                       what, C->s->opt.max_depth);
        return NULL;
    }
    C->depth++;
    pst_idl_value *r;
    if (v->kind == PST_IDL_V_IDENT) {
        r = resolve_ident(C, v, decl, t, what);
    } else if (t->kind == PST_IDL_LIST || t->kind == PST_IDL_SET || t->kind == PST_IDL_MAP) {
        r = resolve_container(C, v, decl, t, what);
    } else if (t->kind == PST_IDL_NAMED && t->def->kind == PST_IDL_DEF_ENUM) {
        r = resolve_enum(C, v, t->def, decl, what);
    } else if (t->kind == PST_IDL_NAMED) {
        r = resolve_struct(C, v, decl, t->def, what);
    } else {
        r = resolve_scalar(C, v, decl, t, what);
    }
    C->depth--;
    if (r && r->depth > C->s->opt.max_depth) {
        pst__idl_error(C->s, &v->loc, "%s nests values deeper than %u levels", what,
                       C->s->opt.max_depth);
        return NULL;
    }
    return r;
}

/* Resolve a top-level value (constant or default) and count its size. */
static pst_idl_value *resolve_top(checker *C, const pst_idl_value *v, const pst_idl_type *t,
                                  const char *what)
{
    pst_idl_value *r = resolve_value(C, v, t, what);
    if (!r)
        return NULL;
    C->total_weight += r->weight;
    if (r->weight > MAX_VALUE_WEIGHT || C->total_weight > MAX_VALUE_WEIGHT) {
        pst__idl_error(C->s, &v->loc, "%s is too large once references are expanded "
                       "(more than %" PRIu64 " values in this file)", what, MAX_VALUE_WEIGHT);
        return NULL;
    }
    return r;
}

static void ensure_const(checker *C, pst_idl_def *d)
{
    if (d->check_state == STATE_DONE)
        return;
    if (d->check_state == STATE_ACTIVE || d->program != C->p) {
        pst__idl_error(C->s, &d->loc, "constant '%s' refers to itself", d->name);
        d->check_state = STATE_DONE;
        return;
    }
    d->check_state = STATE_ACTIVE;
    d->resolved = resolve_top(C, d->value, d->type,
                              pst__idl_sprintf(C->pool, "constant '%s'", d->name));
    d->check_state = STATE_DONE;
}

static void resolve_defaults(checker *C, pst_idl_field_list *l, const char *what,
                             bool is_union)
{
    const pst_idl_field *first_default = NULL;
    for (unsigned i = 0; i < l->count; i++) {
        pst_idl_field *f = &l->items[i];
        if (!f->default_value)
            continue;
        if (is_union && first_default) {
            pst__idl_error(C->s, &f->loc, "%s has default values for both '%s' and '%s'; "
                           "a union can default only one field", what, first_default->name,
                           f->name);
            continue;
        }
        first_default = f;
        f->resolved = resolve_top(C, f->default_value, f->type,
                                  pst__idl_sprintf(C->pool, "the default of field '%s' of %s",
                                                   f->name, what));
    }
}

/* ---- services ----------------------------------------------------------- */

static void check_function(checker *C, pst_idl_def *svc, pst_idl_function *fn)
{
    const char *where = pst__idl_sprintf(C->pool, "'%s.%s'", svc->name, fn->name);
    check_fields(C, &fn->params, pst__idl_sprintf(C->pool, "the parameters of %s", where));
    check_fields(C, &fn->throws, pst__idl_sprintf(C->pool, "the throws clause of %s", where));
    for (unsigned i = 0; i < fn->throws.count; i++) {
        const pst_idl_field *f = &fn->throws.items[i];
        const pst_idl_def *sd = pst__idl_type_struct(f->type);
        if (!sd || sd->kind != PST_IDL_DEF_EXCEPTION) {
            const pst_idl_type *t = pst__idl_true_type(f->type);
            const char *is = sd ? pst__idl_def_kind_name(sd->kind)
                             : t && t->kind == PST_IDL_NAMED ? pst__idl_def_kind_name(t->def->kind)
                             : t ? pst__idl_type_kind_name(t->kind) : "unknown";
            pst__idl_error(C->s, &f->type->loc, "throws clause of %s names '%s', which is %s "
                           "%s, not an exception", where, pst__idl_type_str(C->pool, f->type),
                           strchr("aeiou", is[0]) ? "an" : "a", is);
        }
    }
    if (fn->oneway && fn->returns->kind != PST_IDL_VOID)
        pst__idl_error(C->s, &fn->returns->loc, "oneway method %s must return void", where);
    if (fn->oneway && fn->throws.count)
        pst__idl_error(C->s, &fn->throws.items[0].loc,
                       "oneway method %s cannot throw exceptions", where);
    check_nesting(C, fn->returns);
    check_field_nesting(C, &fn->params);
    check_field_nesting(C, &fn->throws);
}

static void check_service(checker *C, pst_idl_def *d)
{
    d->method_names = pst__idl_symtab_new(C->pool);
    for (unsigned i = 0; i < d->nfunctions; i++) {
        pst_idl_function *fn = &d->functions[i];
        if (!pst__idl_symtab_put(d->method_names, fn->name, fn)) {
            const pst_idl_function *prev = pst__idl_symtab_get(d->method_names, fn->name);
            pst__idl_error(C->s, &fn->loc, "method '%s' is already defined in service '%s' "
                           "(line %u)", fn->name, d->name, prev->loc.line);
        }
        check_function(C, d, fn);
    }
}

/* After every service has its method table: extends cycles, and methods
 * that redefine a base's method of the same name (an error in Apache
 * Thrift too: a handler table would hold two functions for one name on
 * the wire). */
static void check_extends(checker *C)
{
    pst_idl_program *p = C->p;
    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *start = p->defs[i];
        if (start->kind != PST_IDL_DEF_SERVICE || start->check_state == STATE_DONE)
            continue;
        pst_idl_def *d = start;
        while (d && d->program == p && d->check_state == STATE_NONE) {
            d->check_state = STATE_ACTIVE;
            d = d->extends;
        }
        bool cycle = d && d->program == p && d->check_state == STATE_ACTIVE;
        if (cycle)
            pst__idl_error(C->s, &d->extends_loc, "service '%s' extends itself (through '%s')",
                           d->name, d->extends_name);
        for (pst_idl_def *e = start; e && e->program == p && e->check_state == STATE_ACTIVE;
             e = e->extends) {
            e->check_state = STATE_DONE;
            if (cycle)
                e->extends = NULL; /* later passes walk extends chains */
        }
    }
    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *d = p->defs[i];
        if (d->kind != PST_IDL_DEF_SERVICE)
            continue;
        for (unsigned j = 0; j < d->nfunctions; j++) {
            unsigned hops = 0;
            for (const pst_idl_def *b = d->extends; b && hops < 64; b = b->extends, hops++) {
                const pst_idl_function *prev =
                    b->method_names ? pst__idl_symtab_get(b->method_names,
                                                          d->functions[j].name)
                                    : NULL;
                if (prev) {
                    pst__idl_error(C->s, &d->functions[j].loc, "method '%s' is already defined "
                                   "in base service '%s' (%s:%u); service '%s' cannot "
                                   "redefine it", d->functions[j].name, b->name,
                                   prev->loc.file, prev->loc.line, d->name);
                    break;
                }
            }
        }
    }
}

/* ---- structs that contain themselves ------------------------------------ */

/* The struct a field holds by value, if it is in this program. */
static pst_idl_def *field_struct(const checker *C, const pst_idl_field *f)
{
    const pst_idl_def *sd = pst__idl_type_struct(f->type);
    return sd && sd->program == C->p ? (pst_idl_def *)sd : NULL;
}

/* Tarjan's strongly connected components, iteratively: a struct is
 * recursive when its component has more than one struct or it holds
 * itself. Structs of other programs cannot reach back into this one. */
static void mark_recursive(checker *C)
{
    pst_idl_program *p = C->p;
    unsigned n = 0;
    for (unsigned i = 0; i < p->ndefs; i++)
        if (pst__idl_def_is_struct(p->defs[i]))
            p->defs[i]->check_state = (int)++n; /* node number + 1 */
    if (!n)
        return;
    pst_idl_def **node = pst__idl_alloc_array(C->pool, n, sizeof *node);
    for (unsigned i = 0, k = 0; i < p->ndefs; i++)
        if (pst__idl_def_is_struct(p->defs[i]))
            node[k++] = p->defs[i];
    unsigned *index = pst__idl_alloc_array(C->pool, n, sizeof *index); /* 0 = unvisited */
    unsigned *low = pst__idl_alloc_array(C->pool, n, sizeof *low);
    bool *on_stack = pst__idl_alloc_array(C->pool, n, sizeof *on_stack);
    unsigned *stack = pst__idl_alloc_array(C->pool, n, sizeof *stack);
    unsigned *call = pst__idl_alloc_array(C->pool, n, sizeof *call);  /* DFS path */
    unsigned *edge = pst__idl_alloc_array(C->pool, n, sizeof *edge);  /* next field */
    unsigned sp = 0, counter = 0;

    for (unsigned root = 0; root < n; root++) {
        if (index[root])
            continue;
        unsigned depth = 0;
        call[depth++] = root;
        index[root] = low[root] = ++counter;
        stack[sp++] = root;
        on_stack[root] = true;
        edge[root] = 0;
        while (depth) {
            unsigned v = call[depth - 1];
            pst_idl_def *d = node[v];
            if (edge[v] < d->fields.count) {
                pst_idl_def *td = field_struct(C, &d->fields.items[edge[v]++]);
                if (!td)
                    continue;
                unsigned w = (unsigned)td->check_state - 1;
                if (w == v)
                    d->recursive = true;
                if (!index[w]) {
                    index[w] = low[w] = ++counter;
                    stack[sp++] = w;
                    on_stack[w] = true;
                    edge[w] = 0;
                    call[depth++] = w;
                } else if (on_stack[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            /* v is finished */
            if (low[v] == index[v]) {
                unsigned first = sp;
                do {
                    first--;
                } while (stack[first] != v);
                bool many = sp - first > 1;
                for (unsigned k = first; k < sp; k++) {
                    on_stack[stack[k]] = false;
                    if (many)
                        node[stack[k]]->recursive = true;
                }
                sp = first;
            }
            depth--;
            if (depth) {
                unsigned u = call[depth - 1];
                if (low[v] < low[u])
                    low[u] = low[v];
            }
        }
    }
    for (unsigned i = 0; i < n; i++)
        node[i]->check_state = STATE_NONE;
}

/* A union has one member set, so none can be required: Apache Thrift
 * makes a `required` member optional with a warning, and so does postern
 * (a required member would make every value that sets another member
 * undecodable). */
static void union_members_optional(checker *C, pst_idl_def *d)
{
    for (unsigned i = 0; i < d->fields.count; i++) {
        pst_idl_field *f = &d->fields.items[i];
        if (f->req != PST_IDL_REQ_REQUIRED)
            continue;
        pst__idl_warn(C->s, &f->loc, "member '%s' of union '%s' is declared required; "
                      "union members are optional, so it is taken as optional (as Thrift "
                      "does)", f->name, d->name);
        f->req = PST_IDL_REQ_OPTIONAL;
    }
}

/* ---- the pass ----------------------------------------------------------- */

void pst__idl_check(pst_idl_session *s, pst_idl_program *p)
{
    checker C = { s, p, &s->pool, 0, 0 };
    unsigned errors_before = s->nerrors;

    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *d = p->defs[i];
        const char *what = pst__idl_sprintf(C.pool, "%s '%s'",
                                            pst__idl_def_kind_name(d->kind), d->name);
        switch (d->kind) {
        case PST_IDL_DEF_STRUCT:
        case PST_IDL_DEF_UNION:
        case PST_IDL_DEF_EXCEPTION:
            if (d->kind == PST_IDL_DEF_UNION)
                union_members_optional(&C, d);
            check_fields(&C, &d->fields, what);
            check_field_nesting(&C, &d->fields);
            break;
        case PST_IDL_DEF_SERVICE:
            check_service(&C, d);
            break;
        case PST_IDL_DEF_TYPEDEF:
        case PST_IDL_DEF_CONST:
            check_nesting(&C, d->type);
            break;
        default:
            break;
        }
    }
    check_extends(&C);
    if (s->nerrors != errors_before)
        return; /* values need sound fields and types */

    mark_recursive(&C);
    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *d = p->defs[i];
        if (d->kind == PST_IDL_DEF_CONST)
            ensure_const(&C, d);
    }
    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *d = p->defs[i];
        const char *what = pst__idl_sprintf(C.pool, "%s '%s'",
                                            pst__idl_def_kind_name(d->kind), d->name);
        if (pst__idl_def_is_struct(d))
            resolve_defaults(&C, &d->fields, what, d->kind == PST_IDL_DEF_UNION);
        if (d->kind != PST_IDL_DEF_SERVICE)
            continue;
        for (unsigned j = 0; j < d->nfunctions; j++) {
            pst_idl_function *fn = &d->functions[j];
            resolve_defaults(&C, &fn->params,
                             pst__idl_sprintf(C.pool, "the parameters of '%s.%s'", d->name,
                                              fn->name), false);
        }
    }
}
