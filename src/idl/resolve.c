/*
 * resolve.c: names to definitions.
 *
 * Each program gets symbol tables for its types (and services), constants
 * and enum values. A name resolves in its own program, or, written
 * `inc.Name`, in a directly included program (as in Apache Thrift, includes
 * are not transitive for names). Types may be used before they are
 * defined. Typedef cycles are errors here, so later passes can follow
 * typedef chains without fear of looping.
 */
#include <string.h>

#include "idl/session.h"

typedef struct resolver {
    pst_idl_session *s;
    pst_idl_program *p;
} resolver;

static void build_tables(resolver *R)
{
    pst_idl_program *p = R->p;
    pst__idl_pool *pool = &R->s->pool;
    p->types = pst__idl_symtab_new(pool);
    p->consts = pst__idl_symtab_new(pool);
    p->enumvals = pst__idl_symtab_new(pool);
    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *d = p->defs[i];
        pst__idl_symtab *tab = d->kind == PST_IDL_DEF_CONST ? p->consts : p->types;
        if (!pst__idl_symtab_put(tab, d->name, d)) {
            const pst_idl_def *prev = pst__idl_symtab_get(tab, d->name);
            pst__idl_error(R->s, &d->loc, "'%s' is already defined (as %s at line %u)",
                           d->name, pst__idl_def_kind_name(prev->kind), prev->loc.line);
        }
        if (d->kind != PST_IDL_DEF_ENUM)
            continue;
        for (unsigned j = 0; j < d->nvalues; j++) {
            pst_idl_enum_value *ev = &d->values[j];
            const char *key = pst__idl_sprintf(pool, "%s.%s", d->name, ev->name);
            if (!pst__idl_symtab_put(p->enumvals, key, ev)) {
                const pst_idl_enum_value *prev = pst__idl_symtab_get(p->enumvals, key);
                if (prev->owner == d)
                    pst__idl_error(R->s, &ev->loc, "enum value '%s' is already defined "
                                   "in enum '%s' (line %u)", ev->name, d->name, prev->loc.line);
            }
        }
    }
}

/* The included program a qualified name starts with, and the rest. */
static const pst_idl_program *split_include(const pst_idl_program *p, const char *name,
                                            const char **rest)
{
    const pst_idl_program *best = NULL;
    size_t best_len = 0;
    for (unsigned i = 0; i < p->nincludes; i++) {
        const pst_idl_include *inc = &p->includes[i];
        if (!inc->name || !inc->program)
            continue;
        size_t n = strlen(inc->name);
        if (n > best_len && strncmp(name, inc->name, n) == 0 && name[n] == '.') {
            best = inc->program;
            best_len = n;
        }
    }
    if (best)
        *rest = name + best_len + 1;
    return best;
}

pst_idl_def *pst__idl_lookup_type(const pst_idl_program *p, const char *name)
{
    pst_idl_def *d = pst__idl_symtab_get(p->types, name);
    if (d)
        return d;
    const char *rest;
    const pst_idl_program *inc = split_include(p, name, &rest);
    return inc ? pst__idl_symtab_get(inc->types, rest) : NULL;
}

pst_idl_def *pst__idl_lookup_const(const pst_idl_program *p, const char *name)
{
    pst_idl_def *d = pst__idl_symtab_get(p->consts, name);
    if (d)
        return d;
    const char *rest;
    const pst_idl_program *inc = split_include(p, name, &rest);
    return inc ? pst__idl_symtab_get(inc->consts, rest) : NULL;
}

const pst_idl_enum_value *pst__idl_lookup_enum_value(const pst_idl_program *p,
                                                     const char *name)
{
    const pst_idl_enum_value *ev = pst__idl_symtab_get(p->enumvals, name);
    if (ev)
        return ev;
    const char *rest;
    const pst_idl_program *inc = split_include(p, name, &rest);
    return inc ? pst__idl_symtab_get(inc->enumvals, rest) : NULL;
}

static void resolve_type(resolver *R, pst_idl_type *t)
{
    /* depth is bounded by the parser's nesting cap */
    if (!t)
        return;
    switch (t->kind) {
    case PST_IDL_LIST:
    case PST_IDL_SET:
        resolve_type(R, t->elem);
        return;
    case PST_IDL_MAP:
        resolve_type(R, t->elem);
        resolve_type(R, t->value);
        return;
    case PST_IDL_NAMED:
        break;
    default:
        return;
    }
    pst_idl_def *d = pst__idl_lookup_type(R->p, t->name);
    if (!d) {
        pst__idl_error(R->s, &t->loc, "unknown type '%s'", t->name);
        return;
    }
    if (d->kind == PST_IDL_DEF_SERVICE) {
        pst__idl_error(R->s, &t->loc, "'%s' is a service, not a type", t->name);
        return;
    }
    t->def = d;
}

static void resolve_fields(resolver *R, pst_idl_field *items, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        resolve_type(R, items[i].type);
        /* xsd_attrs nest fields; the parser caps that depth */
        resolve_fields(R, items[i].xsd_attrs, items[i].nxsd_attrs);
    }
}

static void resolve_service(resolver *R, pst_idl_def *d)
{
    for (unsigned i = 0; i < d->nfunctions; i++) {
        pst_idl_function *fn = &d->functions[i];
        resolve_type(R, fn->returns);
        resolve_fields(R, fn->params.items, fn->params.count);
        resolve_fields(R, fn->throws.items, fn->throws.count);
    }
    if (!d->extends_name)
        return;
    pst_idl_def *base = pst__idl_lookup_type(R->p, d->extends_name);
    if (!base)
        pst__idl_error(R->s, &d->extends_loc, "unknown service '%s'", d->extends_name);
    else if (base->kind != PST_IDL_DEF_SERVICE)
        pst__idl_error(R->s, &d->extends_loc, "'%s' is %s %s, not a service", d->extends_name,
                       base->kind == PST_IDL_DEF_ENUM || base->kind == PST_IDL_DEF_EXCEPTION
                           ? "an" : "a",
                       pst__idl_def_kind_name(base->kind));
    else
        d->extends = base;
}

enum { WALK_NONE = 0, WALK_ACTIVE = 1, WALK_DONE = 2 };

/* Typedef chains: iterative, so a long chain cannot exhaust the stack. */
static void check_typedef_cycles(resolver *R)
{
    pst_idl_program *p = R->p;
    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *start = p->defs[i];
        if (start->kind != PST_IDL_DEF_TYPEDEF || start->check_state == WALK_DONE)
            continue;
        pst_idl_def *d = start;
        bool cycle = false;
        while (d && d->kind == PST_IDL_DEF_TYPEDEF && d->check_state != WALK_DONE) {
            if (d->check_state == WALK_ACTIVE) {
                cycle = true;
                break;
            }
            d->check_state = WALK_ACTIVE;
            d = d->type->kind == PST_IDL_NAMED ? d->type->def : NULL;
        }
        if (cycle)
            pst__idl_error(R->s, &d->loc, "typedef '%s' refers to itself", d->name);
        for (d = start; d && d->kind == PST_IDL_DEF_TYPEDEF && d->check_state == WALK_ACTIVE;
             d = d->type->kind == PST_IDL_NAMED ? d->type->def : NULL) {
            d->check_state = WALK_DONE;
            if (cycle)
                d->type->def = NULL; /* break it: later passes see "unresolved" */
        }
    }
    for (unsigned i = 0; i < p->ndefs; i++)
        p->defs[i]->check_state = WALK_NONE;
}

void pst__idl_resolve(pst_idl_session *s, pst_idl_program *p)
{
    resolver R = { s, p };
    build_tables(&R);
    for (unsigned i = 0; i < p->ndefs; i++) {
        pst_idl_def *d = p->defs[i];
        switch (d->kind) {
        case PST_IDL_DEF_TYPEDEF:
        case PST_IDL_DEF_CONST:
            resolve_type(&R, d->type);
            break;
        case PST_IDL_DEF_STRUCT:
        case PST_IDL_DEF_UNION:
        case PST_IDL_DEF_EXCEPTION:
            resolve_fields(&R, d->fields.items, d->fields.count);
            break;
        case PST_IDL_DEF_SERVICE:
            resolve_service(&R, d);
            break;
        default:
            break;
        }
    }
    check_typedef_cycles(&R);
}
