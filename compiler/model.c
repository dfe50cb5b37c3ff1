/*
 * model.c: structs, member types and type tables as the emitter sees them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---- structs ------------------------------------------------------------ */

static int cmp_gfield(const void *a, const void *b)
{
    const pst__gfield *x = *(pst__gfield *const *)a, *y = *(pst__gfield *const *)b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Sort, number the isset bits, and name the members. */
static void finish_struct(pst__gen *g, pst__gstruct *s)
{
    s->by_id = pst__idl_alloc_array(&g->pool, s->n ? s->n : 1, sizeof *s->by_id);
    const char **names = pst__idl_alloc_array(&g->pool, s->n ? s->n : 1, sizeof *names);
    const char **members = pst__idl_alloc_array(&g->pool, s->n ? s->n : 1, sizeof *members);
    for (unsigned i = 0; i < s->n; i++) {
        s->by_id[i] = &s->fields[i];
        names[i] = s->fields[i].name;
        if (s->fields[i].dflt)
            s->has_defaults = true;
    }
    qsort(s->by_id, s->n, sizeof *s->by_id, cmp_gfield);
    for (unsigned i = 0; i < s->n; i++)
        s->by_id[i]->bit = i;
    pst__gen_scope_names(g, names, s->n, pst__gen_member_reserved, members);
    for (unsigned i = 0; i < s->n; i++)
        s->fields[i].member = members[i];
}

static bool holds_by_pointer(const pst_idl_type *t)
{
    const pst_idl_def *sd = pst__idl_type_struct(t);
    return sd && sd->recursive;
}

static void fill_field(pst__gfield *gf, const pst_idl_field *f)
{
    gf->idl = f;
    gf->id = f->id;
    gf->name = f->name;
    gf->type = f->type;
    gf->req = f->req == PST_IDL_REQ_REQUIRED ? 1 : f->req == PST_IDL_REQ_OPTIONAL ? 2 : 0;
    gf->dflt = f->resolved;
    gf->ptr = holds_by_pointer(f->type);
}

static pst__gstruct *memo_get(pst__gen *g, const char *tag, const void *key)
{
    char k[64];
    snprintf(k, sizeof k, "%s%p", tag, key);
    return pst__idl_symtab_get(g->structs, k);
}

static void memo_put(pst__gen *g, const char *tag, const void *key, pst__gstruct *s)
{
    char k[64];
    snprintf(k, sizeof k, "%s%p", tag, key);
    pst__idl_symtab_put(g->structs, k, s);
}

pst__gstruct *pst__gen_struct_of(pst__gen *g, const pst_idl_def *d)
{
    pst__gstruct *s = memo_get(g, "s", d);
    if (s)
        return s;
    s = pst__idl_alloc(&g->pool, sizeof *s);
    s->def = d;
    s->cname = pst__gen_def_name(g, d);
    s->idl_name = d->name;
    s->kind_enum = d->kind == PST_IDL_DEF_UNION ? "PST_UNION"
                   : d->kind == PST_IDL_DEF_EXCEPTION ? "PST_EXCEPTION" : "PST_STRUCT";
    s->kind_word = pst__idl_def_kind_name(d->kind);
    s->what = pst__gen_sprintf(g, "%s '%s'", s->kind_word, d->name);
    s->n = d->fields.count;
    s->fields = pst__idl_alloc_array(&g->pool, s->n ? s->n : 1, sizeof *s->fields);
    for (unsigned i = 0; i < s->n; i++)
        fill_field(&s->fields[i], &d->fields.items[i]);
    finish_struct(g, s);
    memo_put(g, "s", d, s);
    return s;
}

pst__gstruct *pst__gen_args_struct(pst__gen *g, const pst_idl_def *svc,
                                   const pst_idl_function *fn)
{
    pst__gstruct *s = memo_get(g, "a", fn);
    if (s)
        return s;
    s = pst__idl_alloc(&g->pool, sizeof *s);
    s->cname = pst__gen_sprintf(g, "%s_%s_args", pst__gen_def_name(g, svc), fn->name);
    s->idl_name = pst__gen_sprintf(g, "%s_args", fn->name);
    s->kind_enum = "PST_STRUCT";
    s->kind_word = "struct";
    s->what = pst__gen_sprintf(g, "the arguments of '%s.%s'", svc->name, fn->name);
    s->n = fn->params.count;
    s->fields = pst__idl_alloc_array(&g->pool, s->n ? s->n : 1, sizeof *s->fields);
    for (unsigned i = 0; i < s->n; i++)
        fill_field(&s->fields[i], &fn->params.items[i]);
    finish_struct(g, s);
    memo_put(g, "a", fn, s);
    return s;
}

pst__gstruct *pst__gen_result_struct(pst__gen *g, const pst_idl_def *svc,
                                     const pst_idl_function *fn)
{
    pst__gstruct *s = memo_get(g, "r", fn);
    if (s)
        return s;
    s = pst__idl_alloc(&g->pool, sizeof *s);
    s->cname = pst__gen_sprintf(g, "%s_%s_result", pst__gen_def_name(g, svc), fn->name);
    s->idl_name = pst__gen_sprintf(g, "%s_result", fn->name);
    s->kind_enum = "PST_STRUCT";
    s->kind_word = "struct";
    s->what = pst__gen_sprintf(g, "the result of '%s.%s'", svc->name, fn->name);
    bool has_success = fn->returns->kind != PST_IDL_VOID;
    s->n = fn->throws.count + (has_success ? 1u : 0u);
    s->fields = pst__idl_alloc_array(&g->pool, s->n ? s->n : 1, sizeof *s->fields);
    unsigned k = 0;
    if (has_success) {
        pst__gfield *gf = &s->fields[k++];
        gf->id = 0;
        gf->name = "success";
        gf->type = fn->returns;
        gf->ptr = holds_by_pointer(fn->returns);
    }
    for (unsigned i = 0; i < fn->throws.count; i++)
        fill_field(&s->fields[k++], &fn->throws.items[i]);
    /* only the field that is set travels, as in Thrift's result structs */
    for (unsigned i = 0; i < s->n; i++) {
        s->fields[i].req = 2;
        s->fields[i].dflt = NULL;
    }
    finish_struct(g, s);
    memo_put(g, "r", fn, s);
    return s;
}

const pst_idl_def **pst__gen_struct_order(pst__gen *g, unsigned *count)
{
    const pst_idl_program *p = g->p;
    unsigned n = 0;
    for (unsigned i = 0; i < p->ndefs; i++)
        n += pst__idl_def_is_struct(p->defs[i]);
    const pst_idl_def **out = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *out);
    const pst_idl_def **stack = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *stack);
    unsigned *next = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *next);
    pst__idl_symtab *state = pst__idl_symtab_new(&g->pool); /* "%p" -> 1 seen */
    unsigned k = 0;
    char key[32];

    /* Iterative depth-first post-order over "holds by value" edges, roots
     * in IDL order. Edges into recursive structs are pointers: no order
     * needed, and they are the only edges that could close a cycle. */
    for (unsigned i = 0; i < p->ndefs; i++) {
        const pst_idl_def *root = p->defs[i];
        if (!pst__idl_def_is_struct(root))
            continue;
        snprintf(key, sizeof key, "%p", (const void *)root);
        if (!pst__idl_symtab_put(state, key, (void *)1))
            continue;
        unsigned sp = 0;
        stack[sp] = root;
        next[sp++] = 0;
        while (sp) {
            const pst_idl_def *d = stack[sp - 1];
            if (next[sp - 1] < d->fields.count) {
                const pst_idl_field *f = &d->fields.items[next[sp - 1]++];
                const pst_idl_def *sd = pst__idl_type_struct(f->type);
                if (!sd || sd->recursive || sd->program != p)
                    continue;
                snprintf(key, sizeof key, "%p", (const void *)sd);
                if (!pst__idl_symtab_put(state, key, (void *)1))
                    continue;
                stack[sp] = sd;
                next[sp++] = 0;
                continue;
            }
            out[k++] = d;
            sp--;
        }
    }
    *count = k;
    return out;
}

const pst_idl_def **pst__gen_service_order(pst__gen *g, unsigned *count)
{
    const pst_idl_program *p = g->p;
    unsigned n = 0;
    for (unsigned i = 0; i < p->ndefs; i++)
        n += p->defs[i]->kind == PST_IDL_DEF_SERVICE;
    const pst_idl_def **out = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *out);
    const pst_idl_def **chain = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *chain);
    pst__idl_symtab *done = pst__idl_symtab_new(&g->pool);
    unsigned k = 0;
    char key[32];
    /* Each service after its base (a handler struct holds its base's by
     * value); extends chains are acyclic (checked) and walked iteratively. */
    for (unsigned i = 0; i < p->ndefs; i++) {
        unsigned len = 0;
        for (const pst_idl_def *d = p->defs[i];
             d && d->kind == PST_IDL_DEF_SERVICE && d->program == p && len < n; d = d->extends) {
            snprintf(key, sizeof key, "%p", (const void *)d);
            if (pst__idl_symtab_get(done, key))
                break;
            pst__idl_symtab_put(done, key, (void *)1);
            chain[len++] = d;
        }
        while (len)
            out[k++] = chain[--len];
    }
    *count = k;
    return out;
}

/* ---- C types ------------------------------------------------------------ */

const char *pst__gen_member_ctype(pst__gen *g, const pst_idl_type *t, bool ptr)
{
    const pst_idl_type *tt = pst__idl_true_type(t);
    switch (tt->kind) {
    case PST_IDL_BOOL: return "bool";
    case PST_IDL_I8: return "int8_t";
    case PST_IDL_I16: return "int16_t";
    case PST_IDL_I32: return "int32_t";
    case PST_IDL_I64: return "int64_t";
    case PST_IDL_DOUBLE: return "double";
    case PST_IDL_STRING:
    case PST_IDL_BINARY: return "pst_str";
    case PST_IDL_UUID: return "pst_uuid";
    case PST_IDL_LIST:
    case PST_IDL_SET: return "pst_list";
    case PST_IDL_MAP: return "pst_map";
    case PST_IDL_NAMED:
        if (tt->def->kind == PST_IDL_DEF_ENUM)
            return "int32_t";
        if (ptr)
            return pst__gen_sprintf(g, "struct %s *", pst__gen_def_name(g, tt->def));
        return pst__gen_def_name(g, tt->def);
    default:
        return "void";
    }
}

const char *pst__gen_param_ctype(pst__gen *g, const pst_idl_type *t)
{
    const pst_idl_type *tt = pst__idl_true_type(t);
    switch (tt->kind) {
    case PST_IDL_LIST:
    case PST_IDL_SET: return "const pst_list *";
    case PST_IDL_MAP: return "const pst_map *";
    case PST_IDL_NAMED:
        if (tt->def->kind == PST_IDL_DEF_ENUM)
            return pst__gen_def_name(g, tt->def);
        return pst__gen_sprintf(g, "const %s *", pst__gen_def_name(g, tt->def));
    default:
        return pst__gen_member_ctype(g, tt, false);
    }
}

const char *pst__gen_const_ctype(pst__gen *g, const pst_idl_type *t)
{
    const pst_idl_type *tt = pst__idl_true_type(t);
    if (tt->kind == PST_IDL_NAMED)
        return pst__gen_def_name(g, tt->def);
    return pst__gen_member_ctype(g, tt, false);
}

const char *pst__gen_kind(const pst_idl_type *t, bool ptr)
{
    const pst_idl_type *tt = pst__idl_true_type(t);
    switch (tt->kind) {
    case PST_IDL_BOOL: return "PST_K_BOOL";
    case PST_IDL_I8: return "PST_K_I8";
    case PST_IDL_I16: return "PST_K_I16";
    case PST_IDL_I32: return "PST_K_I32";
    case PST_IDL_I64: return "PST_K_I64";
    case PST_IDL_DOUBLE: return "PST_K_DOUBLE";
    case PST_IDL_STRING: return "PST_K_STRING";
    case PST_IDL_BINARY: return "PST_K_BINARY";
    case PST_IDL_UUID: return "PST_K_UUID";
    case PST_IDL_LIST: return "PST_K_LIST";
    case PST_IDL_SET: return "PST_K_SET";
    case PST_IDL_MAP: return "PST_K_MAP";
    case PST_IDL_NAMED:
        if (tt->def->kind == PST_IDL_DEF_ENUM)
            return "PST_K_ENUM";
        return ptr ? "PST_K_STRUCT_PTR" : "PST_K_STRUCT";
    default:
        return "0";
    }
}

/* ---- type tables -------------------------------------------------------- */

typedef struct type_name {
    pst__sbuf key;      /* structural, unambiguous */
    pst__sbuf mangle;   /* readable, for the C name */
} type_name;

static void describe(pst__gen *g, const pst_idl_type *t, bool ptr, type_name *tn)
{
    const pst_idl_type *tt = pst__idl_true_type(t);
    switch (tt->kind) {
    case PST_IDL_LIST:
    case PST_IDL_SET:
        pst__sbuf_puts(&tn->key, tt->kind == PST_IDL_LIST ? "list<" : "set<");
        pst__sbuf_puts(&tn->mangle, tt->kind == PST_IDL_LIST ? "list_" : "set_");
        describe(g, tt->elem, false, tn);
        pst__sbuf_puts(&tn->key, ">");
        return;
    case PST_IDL_MAP:
        pst__sbuf_puts(&tn->key, "map<");
        pst__sbuf_puts(&tn->mangle, "map_");
        describe(g, tt->elem, false, tn);
        pst__sbuf_puts(&tn->key, ",");
        pst__sbuf_puts(&tn->mangle, "_");
        describe(g, tt->value, false, tn);
        pst__sbuf_puts(&tn->key, ">");
        return;
    case PST_IDL_NAMED: {
        const char *cn = pst__gen_def_name(g, tt->def);
        pst__sbuf_printf(&tn->key, "%s%s", ptr ? "*" : "", cn);
        /* this program's own types read better without the prefix */
        pst__sbuf_printf(&tn->mangle, "%s%s", ptr ? "ptr_" : "",
                         tt->def->program == g->p ? tt->def->name : cn);
        return;
    }
    default:
        pst__sbuf_puts(&tn->key, pst__idl_type_kind_name(tt->kind));
        pst__sbuf_puts(&tn->mangle, pst__idl_type_kind_name(tt->kind));
        return;
    }
}

const char *pst__gen_type_ref(pst__gen *g, const pst_idl_type *t, bool ptr)
{
    const pst_idl_type *tt = pst__idl_true_type(t);
    switch (tt->kind) {
    case PST_IDL_BOOL: return "&pst_type_bool";
    case PST_IDL_I8: return "&pst_type_i8";
    case PST_IDL_I16: return "&pst_type_i16";
    case PST_IDL_I32: return "&pst_type_i32";
    case PST_IDL_I64: return "&pst_type_i64";
    case PST_IDL_DOUBLE: return "&pst_type_double";
    case PST_IDL_STRING: return "&pst_type_string";
    case PST_IDL_BINARY: return "&pst_type_binary";
    case PST_IDL_UUID: return "&pst_type_uuid";
    default:
        break;
    }
    type_name tn = { { 0 }, { 0 } };
    describe(g, tt, ptr, &tn);
    const char *known = pst__idl_symtab_get(g->types, tn.key.data);
    if (known) {
        pst__sbuf_free(&tn.key);
        pst__sbuf_free(&tn.mangle);
        return known;
    }
    /* children first: a table may only point at tables defined above it */
    const char *elem = NULL, *value = NULL;
    if (tt->kind == PST_IDL_LIST || tt->kind == PST_IDL_SET || tt->kind == PST_IDL_MAP)
        elem = pst__gen_type_ref(g, tt->elem, false);
    if (tt->kind == PST_IDL_MAP)
        value = pst__gen_type_ref(g, tt->value, false);

    const char *name = tn.mangle.len <= 48
                           ? pst__gen_sprintf(g, "%s__type_%s", g->prefix, tn.mangle.data)
                           : NULL;
    if (!name || pst__idl_symtab_get(g->globals, name))
        name = pst__gen_sprintf(g, "%s__type_%u_%.32s", g->prefix, ++g->counter,
                                tn.mangle.data);
    pst__gen_claim(g, name, "the type table of %s", pst__idl_strdup(&g->pool, tn.key.data), NULL);

    pst__sbuf *o = &g->types_out;
    pst__sbuf_printf(o, "/* %s */\nstatic const pst_type %s = {\n", tn.key.data, name);
    switch (tt->kind) {
    case PST_IDL_LIST:
    case PST_IDL_SET:
        pst__sbuf_printf(o, "    .kind = %s, .ttype = %s, .size = sizeof(pst_list),\n"
                            "    .elem = %s,\n",
                         tt->kind == PST_IDL_LIST ? "PST_K_LIST" : "PST_K_SET",
                         tt->kind == PST_IDL_LIST ? "PST_TT_LIST" : "PST_TT_SET", elem);
        break;
    case PST_IDL_MAP:
        pst__sbuf_printf(o, "    .kind = PST_K_MAP, .ttype = PST_TT_MAP, .size = sizeof(pst_map),\n"
                            "    .elem = %s, .value = %s,\n", elem, value);
        break;
    default: {
        const char *cn = pst__gen_def_name(g, tt->def);
        if (tt->def->kind == PST_IDL_DEF_ENUM)
            pst__sbuf_printf(o, "    .kind = PST_K_ENUM, .ttype = PST_TT_I32, "
                                ".size = sizeof(int32_t),\n    .edesc = &%s_desc,\n", cn);
        else if (ptr)
            pst__sbuf_printf(o, "    .kind = PST_K_STRUCT_PTR, .ttype = PST_TT_STRUCT, "
                                ".size = sizeof(struct %s *),\n    .sdesc = &%s_desc,\n", cn, cn);
        else
            pst__sbuf_printf(o, "    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, "
                                ".size = sizeof(%s),\n    .sdesc = &%s_desc,\n", cn, cn);
        break;
    }
    }
    pst__sbuf_puts(o, "};\n\n");
    const char *ref = pst__gen_sprintf(g, "&%s", name);
    pst__idl_symtab_put(g->types, tn.key.data, (void *)ref);
    pst__sbuf_free(&tn.key);
    pst__sbuf_free(&tn.mangle);
    return ref;
}

/* ---- IDL text for comments ---------------------------------------------- */

const char *pst__gen_field_decl(pst__gen *g, const pst_idl_field *f)
{
    pst__sbuf b = { 0 };
    pst__sbuf_printf(&b, "%d: %s%s%s %s", (int)f->id,
                     f->req == PST_IDL_REQ_REQUIRED ? "required "
                     : f->req == PST_IDL_REQ_OPTIONAL ? "optional " : "",
                     pst__idl_type_str(&g->pool, f->type), f->reference ? " &" : "", f->name);
    if (f->default_value) {
        pst__sbuf_puts(&b, " = ");
        pst__gen_value_idl(&b, f->default_value, 200);
    }
    const char *r = pst__idl_strndup(&g->pool, b.data, b.len);
    pst__sbuf_free(&b);
    return r;
}

static void field_list_decl(pst__gen *g, pst__sbuf *b, const pst_idl_field_list *l)
{
    for (unsigned i = 0; i < l->count; i++) {
        if (i)
            pst__sbuf_puts(b, ", ");
        if (b->len > 400) {
            pst__sbuf_puts(b, "...");
            return;
        }
        pst__sbuf_puts(b, pst__gen_field_decl(g, &l->items[i]));
    }
}

const char *pst__gen_function_decl(pst__gen *g, const pst_idl_function *fn)
{
    pst__sbuf b = { 0 };
    pst__sbuf_printf(&b, "%s%s %s(", fn->oneway ? "oneway " : "",
                     fn->returns->kind == PST_IDL_VOID ? "void"
                                                       : pst__idl_type_str(&g->pool, fn->returns),
                     fn->name);
    field_list_decl(g, &b, &fn->params);
    pst__sbuf_puts(&b, ")");
    if (fn->throws.count) {
        pst__sbuf_puts(&b, " throws (");
        field_list_decl(g, &b, &fn->throws);
        pst__sbuf_puts(&b, ")");
    }
    const char *r = pst__idl_strndup(&g->pool, b.data, b.len);
    pst__sbuf_free(&b);
    return r;
}
