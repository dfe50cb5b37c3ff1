/*
 * ast.h: the syntax tree of a Thrift IDL file, as the parser builds it and
 * the checker completes it.
 *
 * The parser fills in what the text says (names as written, values as
 * written). Resolution then links every named type to its definition and
 * every `extends` to its service, and the checker adds what follows from the
 * rules: the typed value of each constant and default (`resolved`), fields in
 * id order, and which structs contain themselves.
 *
 * Everything lives in the session's pool (pool.h) and is freed with it.
 * Strings are NUL-terminated; string literal values also carry a length.
 * Thread-safety: a tree is read-only once loaded and may then be shared.
 */
#ifndef POSTERN_IDL_AST_H
#define POSTERN_IDL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pst_idl_loc {
    const char *file;   /* path as opened (for messages) */
    uint32_t line;      /* 1-based */
    uint32_t col;       /* 1-based, in bytes */
} pst_idl_loc;

/* `(key = "value", flag)`: a flag's value is "1", as in Apache Thrift. */
typedef struct pst_idl_annotation {
    const char *key;
    const char *value;
    pst_idl_loc loc;
} pst_idl_annotation;

typedef struct pst_idl_annotations {
    pst_idl_annotation *items;
    unsigned count, cap;
} pst_idl_annotations;

struct pst_idl_def;
struct pst_idl_program;

/* ---- types -------------------------------------------------------------- */

typedef enum pst_idl_type_kind {
    PST_IDL_VOID = 0,   /* only as a method's return type */
    PST_IDL_BOOL,
    PST_IDL_I8,         /* also `byte` */
    PST_IDL_I16,
    PST_IDL_I32,
    PST_IDL_I64,
    PST_IDL_DOUBLE,
    PST_IDL_STRING,     /* also legacy `slist` */
    PST_IDL_BINARY,
    PST_IDL_UUID,
    PST_IDL_LIST,
    PST_IDL_SET,
    PST_IDL_MAP,
    PST_IDL_NAMED       /* a name: typedef, enum, senum, struct, union,
                           exception; `def` says which once resolved */
} pst_idl_type_kind;

typedef struct pst_idl_type {
    pst_idl_type_kind kind;
    pst_idl_loc loc;
    bool slist;                     /* written as legacy `slist` */
    bool byte;                      /* written as `byte` (i8) */
    const char *cpp_type;           /* containers: `cpp_type "..."`, or NULL */
    pst_idl_annotations annotations;
    struct pst_idl_type *elem;      /* LIST, SET: element; MAP: key */
    struct pst_idl_type *value;     /* MAP: value */
    const char *name;               /* NAMED: as written ("inc.Type") */
    struct pst_idl_def *def;        /* NAMED: the definition, once resolved */
} pst_idl_type;

/* ---- constant values ---------------------------------------------------- */

typedef enum pst_idl_value_kind {
    /* as written */
    PST_IDL_V_INT = 1,      /* also true/false */
    PST_IDL_V_DOUBLE,
    PST_IDL_V_STRING,
    PST_IDL_V_IDENT,        /* a constant or enum value by name */
    PST_IDL_V_LIST,         /* [a, b] */
    PST_IDL_V_MAP,          /* {k: v} */
    /* only in resolved values */
    PST_IDL_V_UUID,
    PST_IDL_V_STRUCT        /* items[i] is field i's value (declaration
                               order), or NULL when not given */
} pst_idl_value_kind;

struct pst_idl_enum_value;

typedef struct pst_idl_value {
    pst_idl_value_kind kind;
    pst_idl_loc loc;
    int64_t i;                      /* INT (bool: 0/1) */
    double d;                       /* DOUBLE */
    const char *s;                  /* STRING bytes (NUL-terminated too),
                                       IDENT name */
    size_t len;                     /* STRING length */
    const char *raw;                /* INT, DOUBLE as written ("0x7f",
                                       "true"), for messages and comments */
    uint8_t uuid[16];               /* UUID */
    struct pst_idl_value **items;   /* LIST items, MAP keys, STRUCT fields */
    struct pst_idl_value **values;  /* MAP values */
    unsigned count, cap;
    /* resolved INT values of enum type: the enum value named */
    const struct pst_idl_enum_value *enum_value;
    /* resolved STRUCT values: the struct, union or exception */
    const struct pst_idl_def *struct_def;
    /* resolved values: nesting depth and node count once references are
     * expanded (values may share sub-values) */
    uint32_t depth;
    uint64_t weight;
} pst_idl_value;

/* ---- fields, enum values, methods -------------------------------------- */

typedef enum pst_idl_req {
    PST_IDL_REQ_DEFAULT = 0,
    PST_IDL_REQ_REQUIRED,
    PST_IDL_REQ_OPTIONAL
} pst_idl_req;

typedef struct pst_idl_field {
    int32_t id;                     /* explicit, or -1, -2, ... as Thrift
                                       assigns when omitted */
    bool implicit_id;
    pst_idl_req req;
    pst_idl_type *type;
    const char *name;
    bool reference;                 /* `&` (C++ hint; recorded only) */
    pst_idl_value *default_value;   /* as written, or NULL */
    pst_idl_value *resolved;        /* typed default (checker), or NULL */
    bool xsd_optional, xsd_nillable;
    struct pst_idl_field *xsd_attrs;/* legacy `xsd_attrs { ... }` */
    unsigned nxsd_attrs, xsd_attrs_cap;
    const char *doc;                /* cleaned doc comment, or NULL */
    pst_idl_annotations annotations;
    pst_idl_loc loc;                /* of the field's name */
} pst_idl_field;

typedef struct pst_idl_field_list {
    pst_idl_field *items;           /* declaration order */
    unsigned count, cap;
    pst_idl_field **by_id;          /* ascending id (checker) */
    struct pst__idl_symtab *by_name;/* name -> field (checker) */
} pst_idl_field_list;

typedef struct pst_idl_enum_value {
    const char *name;
    int32_t value;
    bool explicit_value;
    const char *doc;
    pst_idl_annotations annotations;
    pst_idl_loc loc;
    const struct pst_idl_def *owner;
} pst_idl_enum_value;

typedef struct pst_idl_function {
    const char *name;
    bool oneway;
    pst_idl_type *returns;          /* kind VOID for void */
    pst_idl_field_list params;
    pst_idl_field_list throws;
    const char *doc;
    pst_idl_annotations annotations;
    pst_idl_loc loc;                /* of the name */
} pst_idl_function;

/* ---- definitions -------------------------------------------------------- */

typedef enum pst_idl_def_kind {
    PST_IDL_DEF_TYPEDEF = 1,
    PST_IDL_DEF_ENUM,
    PST_IDL_DEF_SENUM,              /* legacy string enum: a string type */
    PST_IDL_DEF_STRUCT,
    PST_IDL_DEF_UNION,
    PST_IDL_DEF_EXCEPTION,
    PST_IDL_DEF_CONST,
    PST_IDL_DEF_SERVICE
} pst_idl_def_kind;

typedef struct pst_idl_def {
    pst_idl_def_kind kind;
    const char *name;
    pst_idl_loc loc;                /* of the name */
    const char *doc;
    pst_idl_annotations annotations;
    struct pst_idl_program *program;

    /* TYPEDEF: the aliased type; CONST: the declared type */
    pst_idl_type *type;
    /* CONST */
    pst_idl_value *value;           /* as written */
    pst_idl_value *resolved;        /* typed (checker) */
    /* STRUCT, UNION, EXCEPTION */
    pst_idl_field_list fields;
    bool xsd_all;
    bool recursive;                 /* contains itself by value (checker) */
    /* ENUM */
    pst_idl_enum_value *values;
    unsigned nvalues, values_cap;
    /* SENUM */
    const char **strings;
    unsigned nstrings, strings_cap;
    /* SERVICE */
    pst_idl_function *functions;
    unsigned nfunctions, functions_cap;
    const char *extends_name;       /* as written, or NULL */
    pst_idl_loc extends_loc;
    struct pst_idl_def *extends;    /* resolved */

    /* checker bookkeeping */
    int check_state;
    int nesting;                    /* TYPEDEF: container depth + 1, 0 unknown */
    struct pst__idl_symtab *by_value; /* ENUM: "%d" -> first value */
    struct pst__idl_symtab *method_names; /* SERVICE: name -> function */
} pst_idl_def;

/* ---- files -------------------------------------------------------------- */

typedef struct pst_idl_namespace {
    const char *scope;              /* "c", "cpp", "py.twisted", "*" */
    const char *name;
    pst_idl_annotations annotations;
    pst_idl_loc loc;
} pst_idl_namespace;

typedef struct pst_idl_include {
    const char *path;               /* as written */
    pst_idl_loc loc;
    struct pst_idl_program *program;/* loaded (resolve) */
    const char *name;               /* reference prefix: base name */
} pst_idl_include;

typedef struct pst_idl_program {
    const char *path;               /* as opened */
    const char *name;               /* base name without .thrift */
    const char *c_prefix;           /* `namespace c`, dots as '_', or a
                                       C-safe form of the base name */
    const char *doc;                /* file doc comment, or NULL */
    const char *text;               /* the file's text as read (in the
                                       session's pool), for embedding */
    size_t text_len;
    pst_idl_namespace *namespaces;
    unsigned nnamespaces, namespaces_cap;
    pst_idl_include *includes;
    unsigned nincludes, includes_cap;
    const char **cpp_includes;
    unsigned ncpp_includes, cpp_includes_cap;
    pst_idl_def **defs;             /* declaration order */
    unsigned ndefs, defs_cap;
    struct pst__idl_symtab *types;  /* name -> def (types and services) */
    struct pst__idl_symtab *consts; /* name -> CONST def */
    struct pst__idl_symtab *enumvals; /* "Enum.VALUE" -> pst_idl_enum_value */
    int load_state;                 /* resolve bookkeeping */
} pst_idl_program;

/* ---- helpers (ast.c) ---------------------------------------------------- */

/* "i32", "list", "struct", ... for messages. */
const char *pst__idl_type_kind_name(pst_idl_type_kind k);
const char *pst__idl_def_kind_name(pst_idl_def_kind k);

/* Follow typedefs; NULL only for an unresolved or cyclic name. The result
 * is a base or container type, or NAMED with def an enum, senum, struct,
 * union or exception. */
const pst_idl_type *pst__idl_true_type(const pst_idl_type *t);
/* The struct/union/exception (or enum) definition t names after typedefs,
 * or NULL. */
const pst_idl_def *pst__idl_type_struct(const pst_idl_type *t);
const pst_idl_def *pst__idl_type_enum(const pst_idl_type *t);
static inline bool pst__idl_def_is_struct(const pst_idl_def *d)
{
    return d && (d->kind == PST_IDL_DEF_STRUCT || d->kind == PST_IDL_DEF_UNION ||
                 d->kind == PST_IDL_DEF_EXCEPTION);
}

/* The type as written ("map<string,inc.Bonk>"), in pool memory. */
struct pst__idl_pool;
const char *pst__idl_type_str(struct pst__idl_pool *pool, const pst_idl_type *t);

/* Annotation value by key, or NULL. */
const char *pst__idl_annotation(const pst_idl_annotations *a, const char *key);

/* The namespace for scope (exact match), or NULL. */
const char *pst__idl_namespace(const pst_idl_program *p, const char *scope);

/* Field by name in a list, or NULL. */
const pst_idl_field *pst__idl_field_by_name(const pst_idl_field_list *l,
                                            const char *name);

#endif
