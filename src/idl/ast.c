/* ast.c: small questions asked of a syntax tree. */
#include "idl/ast.h"

#include <string.h>

#include "idl/pool.h"
#include "idl/symtab.h"

const char *pst__idl_type_kind_name(pst_idl_type_kind k)
{
    switch (k) {
    case PST_IDL_VOID: return "void";
    case PST_IDL_BOOL: return "bool";
    case PST_IDL_I8: return "i8";
    case PST_IDL_I16: return "i16";
    case PST_IDL_I32: return "i32";
    case PST_IDL_I64: return "i64";
    case PST_IDL_DOUBLE: return "double";
    case PST_IDL_STRING: return "string";
    case PST_IDL_BINARY: return "binary";
    case PST_IDL_UUID: return "uuid";
    case PST_IDL_LIST: return "list";
    case PST_IDL_SET: return "set";
    case PST_IDL_MAP: return "map";
    case PST_IDL_NAMED: return "named type";
    }
    return "type";
}

const char *pst__idl_def_kind_name(pst_idl_def_kind k)
{
    switch (k) {
    case PST_IDL_DEF_TYPEDEF: return "typedef";
    case PST_IDL_DEF_ENUM: return "enum";
    case PST_IDL_DEF_SENUM: return "senum";
    case PST_IDL_DEF_STRUCT: return "struct";
    case PST_IDL_DEF_UNION: return "union";
    case PST_IDL_DEF_EXCEPTION: return "exception";
    case PST_IDL_DEF_CONST: return "constant";
    case PST_IDL_DEF_SERVICE: return "service";
    }
    return "definition";
}

/* A senum is a string to everyone downstream. */
static const pst_idl_type senum_string = { .kind = PST_IDL_STRING };

const pst_idl_type *pst__idl_true_type(const pst_idl_type *t)
{
    /* Typedef chains are checked for cycles when resolving; the bound only
     * keeps a tree used before checking from looping. */
    for (unsigned steps = 0; t && steps < 1000000; steps++) {
        if (t->kind != PST_IDL_NAMED)
            return t;
        if (!t->def)
            return NULL;
        switch (t->def->kind) {
        case PST_IDL_DEF_TYPEDEF:
            t = t->def->type;
            continue;
        case PST_IDL_DEF_SENUM:
            return &senum_string;
        case PST_IDL_DEF_ENUM:
        case PST_IDL_DEF_STRUCT:
        case PST_IDL_DEF_UNION:
        case PST_IDL_DEF_EXCEPTION:
            return t;
        default:
            return NULL;
        }
    }
    return NULL;
}

const pst_idl_def *pst__idl_type_struct(const pst_idl_type *t)
{
    t = pst__idl_true_type(t);
    if (t && t->kind == PST_IDL_NAMED && pst__idl_def_is_struct(t->def))
        return t->def;
    return NULL;
}

const pst_idl_def *pst__idl_type_enum(const pst_idl_type *t)
{
    t = pst__idl_true_type(t);
    if (t && t->kind == PST_IDL_NAMED && t->def->kind == PST_IDL_DEF_ENUM)
        return t->def;
    return NULL;
}

const char *pst__idl_annotation(const pst_idl_annotations *a, const char *key)
{
    /* the last one wins, as with repeated keys in Thrift */
    for (unsigned i = a->count; i-- > 0;)
        if (strcmp(a->items[i].key, key) == 0)
            return a->items[i].value;
    return NULL;
}

const char *pst__idl_namespace(const pst_idl_program *p, const char *scope)
{
    const char *r = NULL;
    for (unsigned i = 0; i < p->nnamespaces; i++)
        if (strcmp(p->namespaces[i].scope, scope) == 0)
            r = p->namespaces[i].name;
    return r;
}

const pst_idl_field *pst__idl_field_by_name(const pst_idl_field_list *l, const char *name)
{
    if (l->by_name)
        return pst__idl_symtab_get(l->by_name, name);
    for (unsigned i = 0; i < l->count; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

static size_t type_str_len(const pst_idl_type *t)
{
    switch (t->kind) {
    case PST_IDL_NAMED: return strlen(t->name);
    case PST_IDL_LIST:
    case PST_IDL_SET: return 5 + type_str_len(t->elem);
    case PST_IDL_MAP: return 6 + type_str_len(t->elem) + type_str_len(t->value);
    default: return strlen(pst__idl_type_kind_name(t->kind));
    }
}

static char *type_str_put(char *o, const pst_idl_type *t)
{
    const char *s;
    switch (t->kind) {
    case PST_IDL_NAMED:
        s = t->name;
        break;
    case PST_IDL_LIST:
    case PST_IDL_SET:
        memcpy(o, t->kind == PST_IDL_LIST ? "list<" : "set<", t->kind == PST_IDL_LIST ? 5 : 4);
        o += t->kind == PST_IDL_LIST ? 5 : 4;
        o = type_str_put(o, t->elem);
        *o++ = '>';
        return o;
    case PST_IDL_MAP:
        memcpy(o, "map<", 4);
        o = type_str_put(o + 4, t->elem);
        *o++ = ',';
        o = type_str_put(o, t->value);
        *o++ = '>';
        return o;
    default:
        s = t->slist ? "slist" : t->byte ? "byte" : pst__idl_type_kind_name(t->kind);
        break;
    }
    size_t n = strlen(s);
    memcpy(o, s, n);
    return o + n;
}

const char *pst__idl_type_str(struct pst__idl_pool *pool, const pst_idl_type *t)
{
    /* recursion depth is bounded by the parser's nesting cap */
    char *r = pst__idl_alloc(pool, type_str_len(t) + 1);
    *type_str_put(r, t) = '\0';
    return r;
}
