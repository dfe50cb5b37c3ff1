/*
 * values.c: resolved IDL values as C static initializers.
 *
 * Scalars print in place. Lists, sets and maps become static const arrays
 * defined just before the object that points at them; a struct held by
 * pointer (a recursive type) becomes a static const instance. A struct value
 * starts from the struct's IDL defaults, as Apache Thrift's constructors do,
 * and marks every field it sets (or defaults) in isset_, except a required
 * field left at its default: its bit says whether a decoder read it.
 *
 * Strings longer than C11's guaranteed literal length (4095) are emitted as
 * char arrays so -pedantic stays quiet.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MAX_LITERAL 4000
/* Defaults nest (a struct default starts from the struct's own defaults),
 * so a few lines of IDL can ask for exponentially much data. */
#define MAX_VALUE_NODES (1ul << 20)
/* ... and nest as deep as a chain of struct types is long; C compilers
 * limit initializer nesting (clang: 256 brackets). */
#define MAX_VALUE_DEPTH 100u

static void struct_init(pst__gen *g, pst__sbuf *out, const pst__gstruct *s,
                        const pst_idl_value *v, bool top);

static const char *aux_name(pst__gen *g, const char *what)
{
    const char *name = pst__gen_sprintf(g, "%s__c%u", g->prefix, ++g->counter);
    pst__gen_claim(g, name, "%s", what, NULL);
    return name;
}

static void put_double(pst__sbuf *out, double d)
{
    char buf[48];
    /* the shortest text that reads back as the same double */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    pst__sbuf_puts(out, buf);
    if (!strpbrk(buf, ".eE"))
        pst__sbuf_puts(out, ".0");
}

static void put_string(pst__gen *g, pst__sbuf *out, const char *s, size_t n)
{
    if (n <= MAX_LITERAL) {
        pst__sbuf_puts(out, "{ ");
        pst__sbuf_c_string(out, s, n);
        pst__sbuf_printf(out, ", %zu }", n);
        return;
    }
    const char *name = aux_name(g, "a long string constant");
    pst__sbuf *b = &g->body;
    pst__sbuf_printf(b, "static const char %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* bytes above 0x7f through a cast: char may be signed */
        pst__sbuf_printf(b, c < 0x80 ? "%s%u," : "%s(char)%u,", i % 16 ? " " : "\n    ", c);
    }
    pst__sbuf_puts(b, "\n};\n\n");
    pst__sbuf_printf(out, "{ %s, %zu }", name, n);
}

const char *pst__gen_c_string(pst__gen *g, const char *s)
{
    size_t n = strlen(s);
    if (n > MAX_LITERAL) {
        const char *name = aux_name(g, "a long name");
        pst__sbuf *b = &g->body;
        pst__sbuf_printf(b, "static const char %s[%zu] = {", name, n + 1);
        /* names are identifiers: letters, digits, '_' and '.' */
        for (size_t i = 0; i < n; i++)
            pst__sbuf_printf(b, "%s'%c',", i % 16 ? " " : "\n    ", s[i]);
        pst__sbuf_puts(b, " 0\n};\n\n");
        return name;
    }
    pst__sbuf lit = { 0 };
    pst__sbuf_c_string(&lit, s, n);
    const char *r = pst__idl_strndup(&g->pool, lit.data, lit.len);
    pst__sbuf_free(&lit);
    return r;
}

static void put_list(pst__gen *g, pst__sbuf *out, const pst_idl_type *elem,
                     const pst_idl_value *v, bool is_map, const pst_idl_type *val_type)
{
    if (v->count == 0) {
        pst__sbuf_puts(out, is_map ? "{ NULL, NULL, 0 }" : "{ NULL, 0 }");
        return;
    }
    const char *names[2] = { NULL, NULL };
    for (int side = 0; side < (is_map ? 2 : 1); side++) {
        const pst_idl_type *t = side ? val_type : elem;
        pst_idl_value **items = side ? v->values : v->items;
        pst__sbuf text = { 0 };
        for (unsigned i = 0; i < v->count; i++) {
            pst__sbuf_puts(&text, "\n    ");
            pst__gen_initializer(g, &text, t, items[i]);
            pst__sbuf_puts(&text, ",");
        }
        names[side] = aux_name(g, "constant data");
        pst__sbuf_printf(&g->body, "static const %s %s[%u] = {%s\n};\n\n",
                         pst__gen_member_ctype(g, t, false), names[side], v->count,
                         text.data);
        pst__sbuf_free(&text);
    }
    if (is_map)
        pst__sbuf_printf(out, "{ (void *)%s, (void *)%s, %u }", names[0], names[1], v->count);
    else
        pst__sbuf_printf(out, "{ (void *)%s, %u }", names[0], v->count);
}

/* ---- sizes, before writing ---------------------------------------------- */

typedef struct extent {
    uint64_t size;    /* values written out, saturating past the cap */
    unsigned height;  /* nesting, saturating past the cap */
} extent;

static void add_child(extent *e, extent c)
{
    e->size += c.size;
    if (e->size > MAX_VALUE_NODES)
        e->size = MAX_VALUE_NODES + 1;
    if (c.height + 1 > e->height)
        e->height = c.height + 1 > MAX_VALUE_DEPTH ? MAX_VALUE_DEPTH + 1 : c.height + 1;
}

static extent value_extent(pst__gen *g, const pst_idl_type *t, const pst_idl_value *v,
                           unsigned depth);

enum { SIZE_UNKNOWN = 0, SIZE_ACTIVE, SIZE_DONE };

/* A field's default, memoised: it is the same wherever the field appears.
 * Met again inside itself it counts nothing, as struct_init then leaves
 * it unset. */
static extent default_extent(pst__gen *g, pst__gfield *f, unsigned depth)
{
    extent e = { 0, 0 };
    if (f->dsize_state == SIZE_ACTIVE)
        return e;
    if (f->dsize_state == SIZE_UNKNOWN) {
        f->dsize_state = SIZE_ACTIVE;
        e = value_extent(g, f->type, f->dflt, depth);
        f->dsize = e.size;
        f->dheight = e.height;
        f->dsize_state = SIZE_DONE;
    }
    e.size = f->dsize;
    e.height = f->dheight;
    return e;
}

static extent struct_extent(pst__gen *g, const pst__gstruct *s, const pst_idl_value *v,
                            unsigned depth)
{
    extent e = { 1, 0 };
    if (depth > MAX_VALUE_DEPTH) {
        e.height = MAX_VALUE_DEPTH + 1;
        return e;
    }
    bool is_union = s->def && s->def->kind == PST_IDL_DEF_UNION;
    for (unsigned i = 0; i < s->n && e.size <= MAX_VALUE_NODES; i++) {
        pst__gfield *f = &s->fields[i];
        const pst_idl_value *fv = v && v->kind == PST_IDL_V_STRUCT && i < v->count
                                      ? v->items[i] : NULL;
        if (fv)
            add_child(&e, value_extent(g, f->type, fv, depth + 1));
        else if (f->dflt && !(is_union && v))
            add_child(&e, default_extent(g, f, depth + 1));
    }
    return e;
}

static extent value_extent(pst__gen *g, const pst_idl_type *t, const pst_idl_value *v,
                           unsigned depth)
{
    extent e = { 1, 0 };
    if (depth > MAX_VALUE_DEPTH) {
        e.height = MAX_VALUE_DEPTH + 1;
        return e;
    }
    const pst_idl_type *tt = pst__idl_true_type(t);
    switch (tt->kind) {
    case PST_IDL_LIST:
    case PST_IDL_SET:
    case PST_IDL_MAP:
        for (unsigned i = 0; i < v->count && e.size <= MAX_VALUE_NODES; i++) {
            add_child(&e, value_extent(g, tt->elem, v->items[i], depth + 1));
            if (tt->kind == PST_IDL_MAP)
                add_child(&e, value_extent(g, tt->value, v->values[i], depth + 1));
        }
        return e;
    case PST_IDL_NAMED:
        if (tt->def->kind == PST_IDL_DEF_ENUM)
            return e;
        return struct_extent(g, pst__gen_struct_of(g, tt->def), v, depth);
    default:
        return e;
    }
}

bool pst__gen_value_fits(pst__gen *g, const pst__gstruct *s, const pst_idl_type *t,
                         const pst_idl_value *v)
{
    if (g->error)
        return false;
    extent e = s ? struct_extent(g, s, v, 0) : value_extent(g, t, v, 0);
    g->value_estimate += e.size;
    if (e.height > MAX_VALUE_DEPTH) {
        pst__gen_fail(g, "default and constant values nest deeper than %u levels "
                      "(struct defaults include the defaults of the structs they hold)",
                      MAX_VALUE_DEPTH);
        return false;
    }
    if (g->value_estimate > MAX_VALUE_NODES) {
        pst__gen_fail(g, "default and constant values expand to more than %lu values "
                      "(struct defaults include the defaults of the structs they hold)",
                      MAX_VALUE_NODES);
        return false;
    }
    return true;
}

/* ---- writing ------------------------------------------------------------ */

/* Count one more value; false (and a recorded failure) past the cap (a
 * backstop: pst__gen_value_fits has said yes before anything is written). */
static bool count_value(pst__gen *g)
{
    if (++g->value_nodes <= MAX_VALUE_NODES)
        return true;
    pst__gen_fail(g, "default and constant values expand to more than %lu values "
                  "(struct defaults include the defaults of the structs they hold)",
                  MAX_VALUE_NODES);
    return false;
}

void pst__gen_initializer(pst__gen *g, pst__sbuf *out, const pst_idl_type *t,
                          const pst_idl_value *v)
{
    const pst_idl_type *tt = pst__idl_true_type(t);
    if (!count_value(g)) {
        pst__sbuf_puts(out, "{ 0 }");
        return;
    }
    switch (tt->kind) {
    case PST_IDL_BOOL:
        pst__sbuf_puts(out, v->i ? "true" : "false");
        return;
    case PST_IDL_I8:
    case PST_IDL_I16:
        pst__sbuf_printf(out, "%" PRId64, v->i);
        return;
    case PST_IDL_I32:
        if (v->enum_value)
            pst__sbuf_puts(out, pst__gen_enum_value_name(g, v->enum_value));
        else if (v->i == INT32_MIN)
            pst__sbuf_puts(out, "(-2147483647 - 1)");
        else
            pst__sbuf_printf(out, "%" PRId64, v->i);
        return;
    case PST_IDL_I64:
        if (v->i == INT64_MIN)
            pst__sbuf_puts(out, "(-INT64_C(9223372036854775807) - 1)");
        else
            pst__sbuf_printf(out, "INT64_C(%" PRId64 ")", v->i);
        return;
    case PST_IDL_DOUBLE:
        put_double(out, v->d);
        return;
    case PST_IDL_STRING:
    case PST_IDL_BINARY:
        put_string(g, out, v->s, v->len);
        return;
    case PST_IDL_UUID:
        pst__sbuf_puts(out, "{ {");
        for (int i = 0; i < 16; i++)
            pst__sbuf_printf(out, "%s0x%02x", i ? ", " : " ", v->uuid[i]);
        pst__sbuf_puts(out, " } }");
        return;
    case PST_IDL_LIST:
    case PST_IDL_SET:
        put_list(g, out, tt->elem, v, false, NULL);
        return;
    case PST_IDL_MAP:
        put_list(g, out, tt->elem, v, true, tt->value);
        return;
    case PST_IDL_NAMED:
        if (tt->def->kind == PST_IDL_DEF_ENUM) {
            if (v->enum_value)
                pst__sbuf_puts(out, pst__gen_enum_value_name(g, v->enum_value));
            else
                pst__sbuf_printf(out, "%" PRId64, v->i);
            return;
        }
        struct_init(g, out, pst__gen_struct_of(g, tt->def), v, false);
        return;
    default:
        pst__sbuf_puts(out, "0");
        return;
    }
}

void pst__gen_struct_initializer(pst__gen *g, pst__sbuf *out, const pst__gstruct *s,
                                 const pst_idl_value *v)
{
    struct_init(g, out, s, v, true);
}

/* One member per line at the top level; nested values stay on one line. */
static void struct_init(pst__gen *g, pst__sbuf *out, const pst__gstruct *s,
                        const pst_idl_value *v, bool top)
{
    const char *sep = top ? "\n    " : " ";
    if (!count_value(g)) {
        pst__sbuf_puts(out, "{ 0 }");
        return;
    }
    unsigned nbytes = s->n ? (s->n + 7) / 8 : 1;
    /* A union's defaults are filled in but not marked set: a decoded
     * union must have exactly its one received member set. A union value
     * given in the IDL is just that member. A required field's default is
     * not marked either: decoders start from the defaults instance and
     * then require the bit, so a required field missing from the wire
     * fails as in Thrift (encoders write required fields regardless). */
    bool is_union = s->def && s->def->kind == PST_IDL_DEF_UNION;
    uint8_t *bits = pst__idl_alloc(&g->pool, nbytes);
    pst__sbuf_puts(out, "{");
    for (unsigned k = 0; k < s->n; k++) {
        const pst__gfield *f = s->by_id[k];
        size_t idx = (size_t)(f - s->fields);
        const pst_idl_value *fv = v && v->kind == PST_IDL_V_STRUCT && idx < v->count
                                      ? v->items[idx] : NULL;
        bool mark = fv != NULL || (!is_union && f->req != 1 /* required */);
        /* A default that (through pointers) contains the same field's
         * default again is written once; inside itself the field is left
         * unset (NULL), or the value would be infinite. */
        bool from_default = false;
        if (!fv && !(is_union && v) && f->dflt && !f->expanding) {
            fv = f->dflt;
            from_default = true;
        }
        if (!fv)
            continue;
        ((pst__gfield *)f)->expanding |= from_default;
        if (mark)
            bits[f->bit / 8] |= (uint8_t)(1u << (f->bit % 8));
        pst__sbuf_printf(out, "%s.%s = ", sep, f->member);
        if (f->ptr) {
            const pst_idl_def *sd = pst__idl_type_struct(f->type);
            const pst__gstruct *inner = pst__gen_struct_of(g, sd);
            pst__sbuf text = { 0 };
            struct_init(g, &text, inner, fv, true);
            const char *name = aux_name(g, "constant data");
            pst__sbuf_printf(&g->body, "static const %s %s = %s;\n\n", inner->cname, name,
                             text.data);
            pst__sbuf_free(&text);
            pst__sbuf_printf(out, "(struct %s *)&%s,", inner->cname, name);
        } else if (pst__idl_type_struct(f->type)) {
            struct_init(g, out, pst__gen_struct_of(g, pst__idl_type_struct(f->type)), fv, false);
            pst__sbuf_puts(out, ",");
        } else {
            pst__gen_initializer(g, out, f->type, fv);
            pst__sbuf_puts(out, ",");
        }
        if (from_default)
            ((pst__gfield *)f)->expanding = false;
    }
    pst__sbuf_printf(out, "%s.isset_ = {", sep);
    for (unsigned i = 0; i < nbytes; i++)
        pst__sbuf_printf(out, "%s0x%02x", i ? ", " : " ", bits[i]);
    pst__sbuf_printf(out, " }%s}", top ? "\n" : " ");
}

void pst__gen_value_idl(pst__sbuf *out, const pst_idl_value *v, size_t max)
{
    if (out->len > max) {
        pst__sbuf_puts(out, "...");
        return;
    }
    if (v->raw && (v->kind == PST_IDL_V_INT || v->kind == PST_IDL_V_DOUBLE)) {
        pst__sbuf_puts(out, strlen(v->raw) > 80 ? "..." : v->raw);
        return;
    }
    switch (v->kind) {
    case PST_IDL_V_INT:
        pst__sbuf_printf(out, "%" PRId64, v->i);
        return;
    case PST_IDL_V_DOUBLE:
        put_double(out, v->d);
        return;
    case PST_IDL_V_STRING:
        pst__sbuf_puts(out, "\"");
        for (size_t i = 0; i < v->len && i < 80; i++) {
            char c = v->s[i];
            if (c == '\n')
                pst__sbuf_puts(out, "\\n");
            else if (c == '"')
                pst__sbuf_puts(out, "\\\"");
            else
                pst__sbuf_put(out, &c, 1);
        }
        pst__sbuf_puts(out, v->len > 80 ? "...\"" : "\"");
        return;
    case PST_IDL_V_IDENT:
        pst__sbuf_puts(out, v->s);
        return;
    case PST_IDL_V_LIST:
    case PST_IDL_V_MAP:
    case PST_IDL_V_STRUCT:
        pst__sbuf_puts(out, v->kind == PST_IDL_V_LIST ? "[" : "{");
        for (unsigned i = 0; i < v->count; i++) {
            if (out->len > max) {
                pst__sbuf_puts(out, "...");
                break;
            }
            if (i)
                pst__sbuf_puts(out, ", ");
            if (v->items[i])
                pst__gen_value_idl(out, v->items[i], max);
            if (v->kind == PST_IDL_V_MAP) {
                pst__sbuf_puts(out, ": ");
                pst__gen_value_idl(out, v->values[i], max);
            }
        }
        pst__sbuf_puts(out, v->kind == PST_IDL_V_LIST ? "]" : "}");
        return;
    case PST_IDL_V_UUID:
        pst__sbuf_puts(out, "uuid");
        return;
    }
}
