/*
 * parser.c: recursive descent over the grammar of Apache Thrift's
 * thrifty.yy, building the tree in ast.h.
 *
 *   Program    := Header* Definition*
 *   Header     := include LITERAL | cpp_include LITERAL
 *               | namespace (IDENT | '*') IDENT Annotations
 *   Definition := const Type IDENT '=' Value Sep?
 *               | typedef Type IDENT Annotations Sep?
 *               | enum IDENT '{' (IDENT ('=' INT)? Annotations Sep?)* '}' Annotations
 *               | senum IDENT '{' (LITERAL Sep?)* '}' Annotations
 *               | (struct | union) IDENT xsd_all? '{' Field* '}' Annotations
 *               | exception IDENT '{' Field* '}' Annotations
 *               | service IDENT (extends IDENT)? '{' Function* '}' Annotations
 *   Function   := (oneway | async)? (void | Type) IDENT '(' Field* ')'
 *                 (throws '(' Field* ')')? Annotations Sep?
 *   Field      := (INT ':')? (required | optional)? Type '&'? Name ('=' Value)?
 *                 xsd_optional? xsd_nillable? (xsd_attrs '{' Field* '}')?
 *                 Annotations Sep?
 *   Type       := IDENT | Base Annotations | Container Annotations
 *   Container  := map CppType? '<' Type ',' Type '>' | set CppType? '<' Type '>'
 *               | list CppType? '<' Type '>' CppType?
 *   Value      := INT | DOUBLE | LITERAL | IDENT | '[' (Value Sep?)* ']'
 *               | '{' (Value ':' Value Sep?)* '}'
 *
 * A syntax error is reported once and unwinds (longjmp) out of the whole
 * file: the tree lives in the session pool, so nothing leaks. Nesting
 * (types, values, xsd_attrs) is capped at the session's max_depth so deep
 * input cannot exhaust the stack.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "idl/lexer.h"

typedef struct parser {
    pst_idl_session *s;
    pst__idl_pool *pool;
    pst__idl_lexer lx;
    pst__idl_token tok;       /* current */
    pst__idl_token next;      /* lookahead, valid when have_next */
    bool have_next;
    pst_idl_program *prog;
    unsigned depth;
    jmp_buf fail;
} parser;

static void advance(parser *P)
{
    if (P->have_next) {
        P->tok = P->next;
        P->have_next = false;
    } else {
        pst__idl_lex(&P->lx, &P->tok);
    }
}

static const pst__idl_token *peek(parser *P)
{
    if (!P->have_next) {
        pst__idl_lex(&P->lx, &P->next);
        P->have_next = true;
    }
    return &P->next;
}

/* What the current token is, for "found ..." in messages. */
static const char *describe(parser *P, const pst__idl_token *t)
{
    switch (t->kind) {
    case TOK_IDENT:
        return pst__idl_sprintf(P->pool, "identifier %s", pst__idl_quote(P->s, t->text, t->len));
    case TOK_INT:
    case TOK_DOUBLE:
        return pst__idl_sprintf(P->pool, "number %s", pst__idl_quote(P->s, t->text, t->len));
    case TOK_LITERAL:
        return pst__idl_sprintf(P->pool, "string literal %s", pst__idl_quote(P->s, t->text, t->len));
    case TOK_EOF:
        return "end of file";
    default:
        if (pst__idl_keyword_text(t->kind))
            return pst__idl_sprintf(P->pool, "keyword '%s'", pst__idl_keyword_text(t->kind));
        return pst__idl_tok_name(t->kind);
    }
}

static _Noreturn void fail_at(parser *P, const pst_idl_loc *loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static _Noreturn void fail_at(parser *P, const pst_idl_loc *loc, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pst__idl_error(P->s, loc, "%s", msg);
    longjmp(P->fail, 1);
}

/* "expected X, found Y" at the current token. */
static _Noreturn void fail_expected(parser *P, const char *what, const char *context)
{
    fail_at(P, &P->tok.loc, "expected %s%s%s, found %s", what, context ? " " : "",
            context ? context : "", describe(P, &P->tok));
}

static void expect(parser *P, int kind, const char *context)
{
    if (P->tok.kind != kind)
        fail_expected(P, pst__idl_tok_name(kind), context);
    advance(P);
}

static bool accept(parser *P, int kind)
{
    if (P->tok.kind != kind)
        return false;
    advance(P);
    return true;
}

static void skip_separator(parser *P)
{
    if (P->tok.kind == ',' || P->tok.kind == ';')
        advance(P);
}

static void enter(parser *P)
{
    if (++P->depth > P->s->opt.max_depth)
        fail_at(P, &P->tok.loc, "nesting deeper than %u levels", P->s->opt.max_depth);
}

static void leave(parser *P)
{
    P->depth--;
}

/* A definition's own name: an identifier without dots. */
static const char *simple_name(parser *P, const char *what)
{
    if (P->tok.kind != TOK_IDENT)
        fail_expected(P, what, NULL);
    if (memchr(P->tok.str, '.', P->tok.str_len))
        fail_at(P, &P->tok.loc, "%s %s must not contain '.'", what,
                pst__idl_quote(P->s, P->tok.text, P->tok.len));
    const char *name = P->tok.str;
    advance(P);
    return name;
}

/* ---- annotations -------------------------------------------------------- */

static void parse_annotations(parser *P, pst_idl_annotations *out)
{
    if (P->tok.kind != '(')
        return;
    pst_idl_loc open = P->tok.loc;
    advance(P);
    while (P->tok.kind != ')') {
        if (P->tok.kind == TOK_EOF)
            fail_at(P, &open, "annotation list '(' is never closed");
        if (P->tok.kind != TOK_IDENT)
            fail_expected(P, "annotation name or ')'", NULL);
        pst_idl_annotation *a = pst__idl_push(P->pool, &out->items, &out->count, &out->cap,
                                              sizeof *a);
        a->key = P->tok.str;
        a->loc = P->tok.loc;
        advance(P);
        if (accept(P, '=')) {
            if (P->tok.kind != TOK_LITERAL)
                fail_expected(P, "string literal", "as annotation value");
            a->value = P->tok.str;
            advance(P);
        } else {
            a->value = "1";
        }
        skip_separator(P);
    }
    advance(P);
}

/* ---- types -------------------------------------------------------------- */

static pst_idl_type *new_type(parser *P, pst_idl_type_kind kind, pst_idl_loc loc)
{
    pst_idl_type *t = pst__idl_alloc(P->pool, sizeof *t);
    t->kind = kind;
    t->loc = loc;
    return t;
}

static const char *parse_cpp_type(parser *P)
{
    if (!accept(P, TOK_CPP_TYPE))
        return NULL;
    if (P->tok.kind != TOK_LITERAL)
        fail_expected(P, "string literal", "after cpp_type");
    const char *v = P->tok.str;
    advance(P);
    return v;
}

static pst_idl_type *parse_type(parser *P);

static pst_idl_type *parse_container(parser *P)
{
    pst_idl_loc loc = P->tok.loc;
    int kw = P->tok.kind;
    advance(P);
    pst_idl_type *t = new_type(P, kw == TOK_MAP ? PST_IDL_MAP
                                  : kw == TOK_SET ? PST_IDL_SET : PST_IDL_LIST, loc);
    t->cpp_type = parse_cpp_type(P);
    const char *ctx = kw == TOK_MAP ? "after 'map'" : kw == TOK_SET ? "after 'set'" : "after 'list'";
    expect(P, '<', ctx);
    t->elem = parse_type(P);
    if (kw == TOK_MAP) {
        expect(P, ',', "between map key and value types");
        t->value = parse_type(P);
    }
    expect(P, '>', kw == TOK_MAP ? "to close map<...>" : kw == TOK_SET ? "to close set<...>"
                                                                         : "to close list<...>");
    if (kw == TOK_LIST) {
        /* deprecated trailing form: list<T> cpp_type "..." */
        const char *late = parse_cpp_type(P);
        if (late)
            t->cpp_type = late;
    }
    return t;
}

static pst_idl_type *parse_type(parser *P)
{
    enter(P);
    pst_idl_loc loc = P->tok.loc;
    pst_idl_type *t;
    switch (P->tok.kind) {
    case TOK_IDENT:
        t = new_type(P, PST_IDL_NAMED, loc);
        t->name = P->tok.str;
        advance(P);
        leave(P);
        return t; /* named types take no annotations, as in Thrift */
    case TOK_BOOL: t = new_type(P, PST_IDL_BOOL, loc); advance(P); break;
    case TOK_BYTE:
    case TOK_I8:
        t = new_type(P, PST_IDL_I8, loc);
        t->byte = P->tok.kind == TOK_BYTE;
        advance(P);
        break;
    case TOK_I16: t = new_type(P, PST_IDL_I16, loc); advance(P); break;
    case TOK_I32: t = new_type(P, PST_IDL_I32, loc); advance(P); break;
    case TOK_I64: t = new_type(P, PST_IDL_I64, loc); advance(P); break;
    case TOK_DOUBLE_KW: t = new_type(P, PST_IDL_DOUBLE, loc); advance(P); break;
    case TOK_STRING: t = new_type(P, PST_IDL_STRING, loc); advance(P); break;
    case TOK_BINARY: t = new_type(P, PST_IDL_BINARY, loc); advance(P); break;
    case TOK_UUID: t = new_type(P, PST_IDL_UUID, loc); advance(P); break;
    case TOK_SLIST:
        pst__idl_warn(P->s, &loc, "'slist' is deprecated; use 'string'");
        t = new_type(P, PST_IDL_STRING, loc);
        t->slist = true;
        advance(P);
        break;
    case TOK_MAP:
    case TOK_SET:
    case TOK_LIST:
        t = parse_container(P);
        break;
    case TOK_VOID:
        fail_at(P, &loc, "'void' is only allowed as a method's return type");
    default:
        fail_expected(P, "a type", NULL);
    }
    parse_annotations(P, &t->annotations);
    leave(P);
    return t;
}

/* ---- values ------------------------------------------------------------- */

static pst_idl_value *new_value(parser *P, pst_idl_value_kind kind, pst_idl_loc loc)
{
    pst_idl_value *v = pst__idl_alloc(P->pool, sizeof *v);
    v->kind = kind;
    v->loc = loc;
    return v;
}

static pst_idl_value *parse_value(parser *P)
{
    enter(P);
    pst_idl_loc loc = P->tok.loc;
    pst_idl_value *v;
    switch (P->tok.kind) {
    case TOK_INT:
        v = new_value(P, PST_IDL_V_INT, loc);
        v->i = P->tok.ival;
        v->raw = pst__idl_strndup(P->pool, P->tok.text, P->tok.len);
        advance(P);
        break;
    case TOK_DOUBLE:
        v = new_value(P, PST_IDL_V_DOUBLE, loc);
        v->d = P->tok.dval;
        v->raw = pst__idl_strndup(P->pool, P->tok.text, P->tok.len);
        advance(P);
        break;
    case TOK_LITERAL:
        v = new_value(P, PST_IDL_V_STRING, loc);
        v->s = P->tok.str;
        v->len = P->tok.str_len;
        advance(P);
        break;
    case TOK_IDENT:
        v = new_value(P, PST_IDL_V_IDENT, loc);
        v->s = P->tok.str;
        v->len = P->tok.str_len;
        advance(P);
        break;
    case '[':
        v = new_value(P, PST_IDL_V_LIST, loc);
        advance(P);
        while (P->tok.kind != ']') {
            if (P->tok.kind == TOK_EOF)
                fail_at(P, &loc, "list value '[' is never closed");
            pst_idl_value *item = parse_value(P);
            unsigned vcap = v->cap;
            *(pst_idl_value **)pst__idl_push(P->pool, &v->items, &v->count, &vcap,
                                             sizeof(pst_idl_value *)) = item;
            v->cap = vcap;
            skip_separator(P);
        }
        advance(P);
        break;
    case '{': {
        v = new_value(P, PST_IDL_V_MAP, loc);
        advance(P);
        unsigned kcap = 0, vcap = 0, vcount = 0;
        while (P->tok.kind != '}') {
            if (P->tok.kind == TOK_EOF)
                fail_at(P, &loc, "map value '{' is never closed");
            pst_idl_value *key = parse_value(P);
            expect(P, ':', "between map key and value");
            pst_idl_value *val = parse_value(P);
            *(pst_idl_value **)pst__idl_push(P->pool, &v->items, &v->count, &kcap,
                                             sizeof(pst_idl_value *)) = key;
            *(pst_idl_value **)pst__idl_push(P->pool, &v->values, &vcount, &vcap,
                                             sizeof(pst_idl_value *)) = val;
            skip_separator(P);
        }
        v->cap = kcap;
        advance(P);
        break;
    }
    default:
        fail_expected(P, "a value", NULL);
    }
    leave(P);
    return v;
}

/* ---- fields ------------------------------------------------------------- */

/* Keywords Thrift (since THRIFT-5626) accepts as field names. */
static bool keyword_field_name(int kind)
{
    switch (kind) {
    case TOK_NAMESPACE: case TOK_CPP_INCLUDE: case TOK_INCLUDE: case TOK_VOID:
    case TOK_BOOL: case TOK_BYTE: case TOK_I8: case TOK_I16: case TOK_I32:
    case TOK_I64: case TOK_DOUBLE_KW: case TOK_STRING: case TOK_BINARY:
    case TOK_UUID: case TOK_SLIST: case TOK_SENUM: case TOK_MAP: case TOK_LIST:
    case TOK_SET: case TOK_ONEWAY: case TOK_ASYNC: case TOK_TYPEDEF:
    case TOK_STRUCT: case TOK_UNION: case TOK_EXCEPTION: case TOK_EXTENDS:
    case TOK_THROWS: case TOK_SERVICE: case TOK_ENUM: case TOK_CONST:
    case TOK_REQUIRED: case TOK_OPTIONAL:
        return true;
    default:
        return false;
    }
}

typedef struct field_ctx {
    const char *what;         /* "struct 'X'", "arguments of 'f'" ... */
    bool args;                /* a method's parameter list */
    int32_t next_auto;        /* next implicit id: -1, -2, ... */
} field_ctx;

static void parse_field_list(parser *P, pst_idl_field **items, unsigned *count,
                             unsigned *cap, int closer, const char *what, bool args,
                             pst_idl_loc open);

static void parse_field(parser *P, pst_idl_field **items, unsigned *count, unsigned *cap,
                        field_ctx *fc)
{
    pst_idl_field *f = pst__idl_push(P->pool, items, count, cap, sizeof *f);
    f->doc = P->tok.doc;
    pst_idl_loc start = P->tok.loc;

    if (P->tok.kind == TOK_INT && peek(P)->kind == ':') {
        int64_t id = P->tok.ival;
        pst_idl_loc idloc = P->tok.loc;
        advance(P);
        advance(P);
        if (id <= 0) {
            /* Thrift ignores a non-positive id and assigns one itself. */
            if (fc->next_auto < INT16_MIN)
                fail_at(P, &idloc, "too many fields without ids in %s", fc->what);
            pst__idl_warn(P->s, &idloc,
                          "field id %" PRId64 " is not positive; Thrift assigns %" PRId32 " instead",
                          id, fc->next_auto);
            f->id = fc->next_auto--;
            f->implicit_id = true;
        } else if (id > INT16_MAX) {
            fail_at(P, &idloc, "field id %" PRId64 " is out of range (1 to 32767)", id);
        } else {
            f->id = (int32_t)id;
        }
    } else {
        if (fc->next_auto < INT16_MIN)
            fail_at(P, &start, "too many fields without ids in %s", fc->what);
        f->id = fc->next_auto--;
        f->implicit_id = true;
    }

    if (P->tok.kind == TOK_REQUIRED || P->tok.kind == TOK_OPTIONAL) {
        bool opt = P->tok.kind == TOK_OPTIONAL;
        if (fc->args && opt)
            pst__idl_warn(P->s, &P->tok.loc, "'optional' is ignored in argument lists");
        else
            f->req = opt ? PST_IDL_REQ_OPTIONAL : PST_IDL_REQ_REQUIRED;
        advance(P);
    }
    f->type = parse_type(P);
    if (accept(P, '&'))
        f->reference = true;

    f->loc = P->tok.loc;
    if (P->tok.kind == TOK_IDENT) {
        if (memchr(P->tok.str, '.', P->tok.str_len))
            fail_at(P, &P->tok.loc, "field name %s must not contain '.'",
                    pst__idl_quote(P->s, P->tok.text, P->tok.len));
        f->name = P->tok.str;
    } else if (keyword_field_name(P->tok.kind)) {
        f->name = pst__idl_keyword_text(P->tok.kind);
    } else {
        fail_expected(P, "field name", NULL);
    }
    advance(P);

    if (accept(P, '='))
        f->default_value = parse_value(P);
    if (accept(P, TOK_XSD_OPTIONAL))
        f->xsd_optional = true;
    if (accept(P, TOK_XSD_NILLABLE))
        f->xsd_nillable = true;
    if (P->tok.kind == TOK_XSD_ATTRS) {
        advance(P);
        pst_idl_loc open = P->tok.loc;
        expect(P, '{', "after xsd_attrs");
        parse_field_list(P, &f->xsd_attrs, &f->nxsd_attrs, &f->xsd_attrs_cap, '}',
                         "xsd_attrs", false, open);
    }
    parse_annotations(P, &f->annotations);
    skip_separator(P);
}

/* Fields up to (and including) `closer`. */
static void parse_field_list(parser *P, pst_idl_field **items, unsigned *count,
                             unsigned *cap, int closer, const char *what, bool args,
                             pst_idl_loc open)
{
    enter(P);
    field_ctx fc = { what, args, -1 };
    while (P->tok.kind != closer) {
        if (P->tok.kind == TOK_EOF)
            fail_at(P, &open, "'%c' of %s is never closed", closer == '}' ? '{' : '(', what);
        parse_field(P, items, count, cap, &fc);
    }
    advance(P);
    leave(P);
}

/* ---- definitions -------------------------------------------------------- */

static pst_idl_def *new_def(parser *P, pst_idl_def_kind kind, const char *doc)
{
    pst_idl_def *d = pst__idl_alloc(P->pool, sizeof *d);
    d->kind = kind;
    d->doc = doc;
    d->program = P->prog;
    pst_idl_program *pr = P->prog;
    *(pst_idl_def **)pst__idl_push(P->pool, &pr->defs, &pr->ndefs, &pr->defs_cap,
                                   sizeof(pst_idl_def *)) = d;
    return d;
}

static void name_def(parser *P, pst_idl_def *d, const char *what)
{
    d->loc = P->tok.loc;
    d->name = simple_name(P, what);
}

static void parse_const(parser *P, const char *doc)
{
    pst_idl_def *d = new_def(P, PST_IDL_DEF_CONST, doc);
    advance(P);
    d->type = parse_type(P);
    name_def(P, d, "constant name");
    expect(P, '=', pst__idl_sprintf(P->pool, "after constant name '%s'", d->name));
    d->value = parse_value(P);
    skip_separator(P);
}

static void parse_typedef(parser *P, const char *doc)
{
    pst_idl_def *d = new_def(P, PST_IDL_DEF_TYPEDEF, doc);
    advance(P);
    d->type = parse_type(P);
    name_def(P, d, "typedef name");
    parse_annotations(P, &d->annotations);
    skip_separator(P);
}

static void parse_enum(parser *P, const char *doc)
{
    pst_idl_def *d = new_def(P, PST_IDL_DEF_ENUM, doc);
    advance(P);
    name_def(P, d, "enum name");
    pst_idl_loc open = P->tok.loc;
    expect(P, '{', pst__idl_sprintf(P->pool, "after enum name '%s'", d->name));
    int64_t last = -1;
    while (P->tok.kind != '}') {
        if (P->tok.kind == TOK_EOF)
            fail_at(P, &open, "'{' of enum '%s' is never closed", d->name);
        pst_idl_enum_value *ev = pst__idl_push(P->pool, &d->values, &d->nvalues,
                                               &d->values_cap, sizeof *ev);
        ev->doc = P->tok.doc;
        ev->loc = P->tok.loc;
        ev->owner = d;
        ev->name = simple_name(P, "enum value name");
        if (accept(P, '=')) {
            if (P->tok.kind != TOK_INT)
                fail_expected(P, "integer", pst__idl_sprintf(P->pool, "as value of '%s'", ev->name));
            if (P->tok.ival < INT32_MIN || P->tok.ival > INT32_MAX)
                fail_at(P, &P->tok.loc,
                        "value %" PRId64 " of enum value '%s.%s' does not fit in i32",
                        P->tok.ival, d->name, ev->name);
            last = P->tok.ival;
            ev->explicit_value = true;
            advance(P);
        } else {
            if (last == INT32_MAX)
                fail_at(P, &ev->loc, "enum value '%s.%s' would be %" PRId64
                        ", which does not fit in i32", d->name, ev->name, last + 1);
            last++;
        }
        ev->value = (int32_t)last;
        parse_annotations(P, &ev->annotations);
        skip_separator(P);
    }
    advance(P);
    parse_annotations(P, &d->annotations);
}

static void parse_senum(parser *P, const char *doc)
{
    pst__idl_warn(P->s, &P->tok.loc, "'senum' is deprecated; use 'string'");
    pst_idl_def *d = new_def(P, PST_IDL_DEF_SENUM, doc);
    advance(P);
    name_def(P, d, "senum name");
    pst_idl_loc open = P->tok.loc;
    expect(P, '{', pst__idl_sprintf(P->pool, "after senum name '%s'", d->name));
    while (P->tok.kind != '}') {
        if (P->tok.kind == TOK_EOF)
            fail_at(P, &open, "'{' of senum '%s' is never closed", d->name);
        if (P->tok.kind != TOK_LITERAL)
            fail_expected(P, "string literal", "in senum");
        *(const char **)pst__idl_push(P->pool, &d->strings, &d->nstrings, &d->strings_cap,
                                      sizeof(const char *)) = P->tok.str;
        advance(P);
        skip_separator(P);
    }
    advance(P);
    parse_annotations(P, &d->annotations);
}

static void parse_struct(parser *P, const char *doc)
{
    int kw = P->tok.kind;
    pst_idl_def *d = new_def(P, kw == TOK_STRUCT ? PST_IDL_DEF_STRUCT
                                : kw == TOK_UNION ? PST_IDL_DEF_UNION : PST_IDL_DEF_EXCEPTION,
                             doc);
    const char *kind = pst__idl_def_kind_name(d->kind);
    advance(P);
    name_def(P, d, pst__idl_sprintf(P->pool, "%s name", kind));
    if (kw != TOK_EXCEPTION && accept(P, TOK_XSD_ALL))
        d->xsd_all = true;
    pst_idl_loc open = P->tok.loc;
    expect(P, '{', pst__idl_sprintf(P->pool, "after %s name '%s'", kind, d->name));
    parse_field_list(P, &d->fields.items, &d->fields.count, &d->fields.cap, '}',
                     pst__idl_sprintf(P->pool, "%s '%s'", kind, d->name), false, open);
    parse_annotations(P, &d->annotations);
}

static void parse_function(parser *P, pst_idl_def *svc)
{
    pst_idl_function *fn = pst__idl_push(P->pool, &svc->functions, &svc->nfunctions,
                                         &svc->functions_cap, sizeof *fn);
    fn->doc = P->tok.doc;
    if (P->tok.kind == TOK_ONEWAY) {
        fn->oneway = true;
        advance(P);
    } else if (P->tok.kind == TOK_ASYNC) {
        pst__idl_warn(P->s, &P->tok.loc, "'async' is deprecated; use 'oneway'");
        fn->oneway = true;
        advance(P);
    }
    if (P->tok.kind == TOK_VOID) {
        fn->returns = new_type(P, PST_IDL_VOID, P->tok.loc);
        advance(P);
    } else if (P->tok.kind == '}' || P->tok.kind == TOK_EOF) {
        fail_expected(P, "a return type", "for a method");
    } else {
        fn->returns = parse_type(P);
    }
    fn->loc = P->tok.loc;
    fn->name = simple_name(P, "method name");
    pst_idl_loc open = P->tok.loc;
    expect(P, '(', pst__idl_sprintf(P->pool, "after method name '%s'", fn->name));
    parse_field_list(P, &fn->params.items, &fn->params.count, &fn->params.cap, ')',
                     pst__idl_sprintf(P->pool, "the parameters of '%s'", fn->name), true, open);
    if (accept(P, TOK_THROWS)) {
        open = P->tok.loc;
        expect(P, '(', "after 'throws'");
        parse_field_list(P, &fn->throws.items, &fn->throws.count, &fn->throws.cap, ')',
                         pst__idl_sprintf(P->pool, "the throws clause of '%s'", fn->name),
                         false, open);
    }
    parse_annotations(P, &fn->annotations);
    skip_separator(P);
}

static void parse_service(parser *P, const char *doc)
{
    pst_idl_def *d = new_def(P, PST_IDL_DEF_SERVICE, doc);
    advance(P);
    name_def(P, d, "service name");
    if (accept(P, TOK_EXTENDS)) {
        if (P->tok.kind != TOK_IDENT)
            fail_expected(P, "service name", "after 'extends'");
        d->extends_name = P->tok.str;
        d->extends_loc = P->tok.loc;
        advance(P);
    }
    pst_idl_loc open = P->tok.loc;
    expect(P, '{', pst__idl_sprintf(P->pool, "after service name '%s'", d->name));
    while (P->tok.kind != '}') {
        if (P->tok.kind == TOK_EOF)
            fail_at(P, &open, "'{' of service '%s' is never closed", d->name);
        parse_function(P, d);
    }
    advance(P);
    parse_annotations(P, &d->annotations);
}

/* ---- headers ------------------------------------------------------------ */

static void parse_header(parser *P)
{
    pst_idl_program *pr = P->prog;
    int kw = P->tok.kind;
    pst_idl_loc loc = P->tok.loc;
    advance(P);
    if (kw == TOK_INCLUDE || kw == TOK_CPP_INCLUDE) {
        if (P->tok.kind != TOK_LITERAL)
            fail_expected(P, "file name in quotes", kw == TOK_INCLUDE ? "after 'include'"
                                                                      : "after 'cpp_include'");
        if (kw == TOK_INCLUDE) {
            pst_idl_include *inc = pst__idl_push(P->pool, &pr->includes, &pr->nincludes,
                                                 &pr->includes_cap, sizeof *inc);
            inc->path = P->tok.str;
            inc->loc = P->tok.loc;
        } else {
            *(const char **)pst__idl_push(P->pool, &pr->cpp_includes, &pr->ncpp_includes,
                                          &pr->cpp_includes_cap, sizeof(const char *)) =
                P->tok.str;
        }
        advance(P);
        return;
    }
    /* namespace */
    pst_idl_namespace *ns = pst__idl_push(P->pool, &pr->namespaces, &pr->nnamespaces,
                                          &pr->namespaces_cap, sizeof *ns);
    ns->loc = loc;
    if (P->tok.kind == '*')
        ns->scope = "*";
    else if (P->tok.kind == TOK_IDENT)
        ns->scope = P->tok.str;
    else
        fail_expected(P, "language name or '*'", "after 'namespace'");
    advance(P);
    if (P->tok.kind != TOK_IDENT)
        fail_expected(P, "namespace name", pst__idl_sprintf(P->pool, "after 'namespace %s'",
                                                            ns->scope));
    ns->name = P->tok.str;
    advance(P);
    parse_annotations(P, &ns->annotations);
}

static void parse_program(parser *P)
{
    bool seen_definition = false;
    advance(P);
    if ((P->tok.kind == TOK_INCLUDE || P->tok.kind == TOK_NAMESPACE ||
         P->tok.kind == TOK_CPP_INCLUDE) && P->tok.doc)
        P->prog->doc = P->tok.doc;
    for (;;) {
        const char *doc = P->tok.doc;
        switch (P->tok.kind) {
        case TOK_EOF:
            return;
        case TOK_INCLUDE:
        case TOK_CPP_INCLUDE:
        case TOK_NAMESPACE:
            if (seen_definition)
                fail_at(P, &P->tok.loc, "'%s' must come before all definitions",
                        pst__idl_keyword_text(P->tok.kind));
            parse_header(P);
            continue;
        case TOK_CONST: parse_const(P, doc); break;
        case TOK_TYPEDEF: parse_typedef(P, doc); break;
        case TOK_ENUM: parse_enum(P, doc); break;
        case TOK_SENUM: parse_senum(P, doc); break;
        case TOK_STRUCT:
        case TOK_UNION:
        case TOK_EXCEPTION: parse_struct(P, doc); break;
        case TOK_SERVICE: parse_service(P, doc); break;
        default:
            fail_expected(P, "a definition (struct, union, exception, enum, typedef, const "
                             "or service)", NULL);
        }
        seen_definition = true;
    }
}

pst_idl_program *pst__idl_parse(pst_idl_session *s, const char *path, const char *data,
                                size_t len)
{
    parser *P = pst__idl_alloc(&s->pool, sizeof *P);
    P->s = s;
    P->pool = &s->pool;
    P->prog = pst__idl_alloc(&s->pool, sizeof *P->prog);
    P->prog->path = path;
    pst__idl_lexer_init(&P->lx, s, path, data, len, &P->fail);
    if (setjmp(P->fail))
        return NULL;
    parse_program(P);
    return P->prog;
}
