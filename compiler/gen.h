/*
 * gen.h: what the C emitter's files share.
 *
 * `postern gen` turns one checked IDL program (src/idl) into P.h and P.c
 * following the generated-code conventions (docs in the preamble of the
 * project and include/postern/types.h):
 *
 *   names.c        C identifiers: prefixes, escaping, clash detection
 *   model.c        structs as the emitter sees them (user structs and the
 *                  per-method args/result structs), member C types, order
 *   values.c       constant and default values as C initializers
 *   emit_header.c  P.h: types, descriptors, accessors, handler, stubs
 *   emit_source.c  P.c: descriptor tables, type tables, wrappers, stubs
 *
 * Generation never fails halfway silently: a problem (two IDL names that
 * map to one C name) is recorded in gen.error and nothing is written.
 * Single-threaded; one gen per program.
 */
#ifndef POSTERN_COMPILER_GEN_H
#define POSTERN_COMPILER_GEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idl/idl.h"
#include "idl/pool.h"
#include "idl/symtab.h"

/* ---- text buffers ------------------------------------------------------- */

typedef struct pst__sbuf {
    char *data;
    size_t len, cap;
} pst__sbuf;

void pst__sbuf_free(pst__sbuf *b);
void pst__sbuf_put(pst__sbuf *b, const char *s, size_t n);
void pst__sbuf_puts(pst__sbuf *b, const char *s);
void pst__sbuf_printf(pst__sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void pst__sbuf_append(pst__sbuf *b, const pst__sbuf *other);
/* A C string literal (quotes included) for bytes s[0..n): escapes that
 * keep it valid and trigraph-free under -std=c11 -pedantic. */
void pst__sbuf_c_string(pst__sbuf *b, const char *s, size_t n);
/* Text safe inside a C block comment: no comment delimiters, no
 * trigraphs, no control characters; at most `max` bytes (then "..."). */
void pst__sbuf_comment_text(pst__sbuf *b, const char *s, size_t max);

/* Each line of text as " * line" (after `indent`), sanitized for a block
 * comment. */
void pst__sbuf_comment_lines(pst__sbuf *b, const char *indent, const char *text);

/* ---- the model ---------------------------------------------------------- */

typedef struct pst__gfield {
    const pst_idl_field *idl;       /* NULL for a result's `success` */
    int32_t id;
    const char *name;               /* IDL name */
    const pst_idl_type *type;
    int req;                        /* pst_requiredness */
    const pst_idl_value *dflt;      /* resolved default, or NULL */
    const char *member;             /* C member name */
    unsigned bit;                   /* isset bit: index in id order */
    bool ptr;                       /* struct held by pointer (recursive) */
    bool expanding;                 /* values.c: its default is being
                                       written out (stops self-reference) */
    int dsize_state;                /* values.c: size of the default */
    uint64_t dsize;
    unsigned dheight;
} pst__gfield;

typedef struct pst__gstruct {
    const char *cname;              /* P_Name, P_S_m_args */
    const char *idl_name;           /* "Name", "m_args" */
    const char *kind_enum;          /* "PST_STRUCT", "PST_UNION", ... */
    const char *kind_word;          /* "struct", "union", "exception" */
    const char *what;               /* for messages: "struct 'X'", "the
                                       arguments of 'S.m'" */
    const pst_idl_def *def;         /* NULL for args/result */
    pst__gfield *fields;            /* declaration order */
    pst__gfield **by_id;            /* ascending id */
    unsigned n;
    bool has_defaults;
} pst__gstruct;

typedef struct pst__gen {
    const pst_idl_program *p;
    const char *prefix;             /* p->c_prefix */
    const char *base;               /* output base name (p->name) */
    pst__idl_pool pool;
    pst__idl_symtab *globals;       /* C global name -> what it is for */
    pst__idl_symtab *structs;       /* "%p" of def -> gstruct (memo) */
    pst__idl_symtab *types;         /* structural key -> C name of table */
    pst__idl_symtab *def_names;     /* "%p" of def -> its C name (memo) */
    pst__sbuf h;                    /* the header */
    pst__sbuf types_out;            /* static pst_type tables */
    pst__sbuf body;                 /* the rest of the source */
    pst__sbuf c;                    /* the source's banner and includes;
                                       the source is c, types_out, body */
    unsigned counter;               /* for unique static names */
    unsigned long value_nodes;      /* values written out, against a cap */
    uint64_t value_estimate;        /* values counted before writing */
    char *error;                    /* first problem found, or NULL */
} pst__gen;

/* gen.c */
int pst__gen_init(pst__gen *g, const pst_idl_program *p);
void pst__gen_free(pst__gen *g);
/* Record the first problem (later ones are dropped). */
void pst__gen_fail(pst__gen *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
char *pst__gen_sprintf(pst__gen *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Build both files; 0, or -1 with g->error set. */
int pst__gen_program(pst__gen *g);

/* names.c */
/* The C name of any named definition: "<its program's prefix>_<name>". */
const char *pst__gen_def_name(pst__gen *g, const pst_idl_def *d);
const char *pst__gen_enum_value_name(pst__gen *g, const pst_idl_enum_value *ev);
/* Claim a global C name; a second claim of it is an error naming both.
 * What it is for is printf(fmt, a, b) with %s only; a and b must live as
 * long as g (they are formatted only for the message). */
void pst__gen_claim(pst__gen *g, const char *cname, const char *fmt, const char *a,
                    const char *b);
/* Escape names within one scope: C keywords and `reserved` words get
 * underscores appended until unique among all names of the scope. */
void pst__gen_scope_names(pst__gen *g, const char *const *names, unsigned n,
                          const char *const *reserved, const char **out);
/* Names that would break a struct member (keywords, stdbool/stdint
 * macros, `isset_`). NULL-terminated. */
extern const char *const pst__gen_member_reserved[];
/* ... and a function parameter of generated prototypes. */
extern const char *const pst__gen_param_reserved[];

/* model.c */
pst__gstruct *pst__gen_struct_of(pst__gen *g, const pst_idl_def *d);
pst__gstruct *pst__gen_args_struct(pst__gen *g, const pst_idl_def *svc,
                                   const pst_idl_function *fn);
pst__gstruct *pst__gen_result_struct(pst__gen *g, const pst_idl_def *svc,
                                     const pst_idl_function *fn);
/* Struct-like definitions of this program in an order where every struct
 * held by value comes before its holder. */
const pst_idl_def **pst__gen_struct_order(pst__gen *g, unsigned *n);
/* Services of this program, each after the base it extends. */
const pst_idl_def **pst__gen_service_order(pst__gen *g, unsigned *n);
/* C type of a member / element of IDL type t ("int32_t", "pst_list",
 * "echo_EchoReq", "struct echo_Tree *" when ptr). */
const char *pst__gen_member_ctype(pst__gen *g, const pst_idl_type *t, bool ptr);
/* C type of a handler/stub parameter of IDL type t. */
const char *pst__gen_param_ctype(pst__gen *g, const pst_idl_type *t);
/* C type of a constant of IDL type t. */
const char *pst__gen_const_ctype(pst__gen *g, const pst_idl_type *t);
/* "PST_K_I32" ... for a field of type t. */
const char *pst__gen_kind(const pst_idl_type *t, bool ptr);
/* The pst_type expression for t: "&pst_type_i32" or "&P__type_..."
 * (the static table is emitted into g->types_out on first use). */
const char *pst__gen_type_ref(pst__gen *g, const pst_idl_type *t, bool ptr);
/* The IDL declaration of a field, for comments: "1: required i32 x = 5". */
const char *pst__gen_field_decl(pst__gen *g, const pst_idl_field *f);
/* The IDL signature of a method, for comments. */
const char *pst__gen_function_decl(pst__gen *g, const pst_idl_function *fn);

/* values.c */
/* Append a C initializer for value v of type t to out; helper arrays and
 * structs it needs are defined first in g->body. */
void pst__gen_initializer(pst__gen *g, pst__sbuf *out, const pst_idl_type *t,
                          const pst_idl_value *v);
/* The initializer of a whole struct of gstruct s from a STRUCT value (or
 * NULL: only the IDL defaults). */
void pst__gen_struct_initializer(pst__gen *g, pst__sbuf *out, const pst__gstruct *s,
                                 const pst_idl_value *v);
/* Before writing a value (s and v, or t and v; v may be NULL for s's
 * defaults): count what it expands to, with struct defaults included.
 * false (and g->error set) when the program's values would exceed the
 * size or nesting limit; nothing should then be written. */
bool pst__gen_value_fits(pst__gen *g, const pst__gstruct *s, const pst_idl_type *t,
                         const pst_idl_value *v);
/* An expression for NUL-terminated text s (IDL names): a string literal, or
 * past C11's guaranteed literal length a static array written to g->body. */
const char *pst__gen_c_string(pst__gen *g, const char *s);
/* The IDL text of a value, for comments. */
void pst__gen_value_idl(pst__sbuf *out, const pst_idl_value *v, size_t max);

/* emit_header.c */
/* Parameter names of fn as handlers and stubs spell them (escaped). */
const char **pst__gen_param_names(pst__gen *g, const pst_idl_function *fn);
/* Handler member names of a service's methods (escaped; `base` is taken
 * when the service extends another). */
const char **pst__gen_method_members(pst__gen *g, const pst_idl_def *svc);

/* emit_header.c, emit_source.c */
void pst__gen_header(pst__gen *g);
void pst__gen_source(pst__gen *g);

#endif
