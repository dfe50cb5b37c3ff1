/*
 * emit_header.c: P.h, written so a person can learn the API from it alone:
 * every type, field, method and stub carries its IDL declaration and doc
 * comment.
 *
 * Order: enums, structs (a struct held by value before its holder),
 * typedefs, constants, then per service its args/result structs, handler
 * table, descriptor and client stubs.
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

static const char *loc_text(pst__gen *g, const pst_idl_loc *l)
{
    const char *file = l->file ? strrchr(l->file, '/') : NULL;
    return pst__gen_sprintf(g, "%s:%u", file ? file + 1 : l->file ? l->file : "?", l->line);
}

/* "T name" with the space dropped after a pointer star. */
static const char *decl(pst__gen *g, const char *ctype, const char *name)
{
    size_t n = strlen(ctype);
    return pst__gen_sprintf(g, "%s%s%s", ctype, n && ctype[n - 1] == '*' ? "" : " ", name);
}

/* A member line with its comment aligned. */
static void member_line(pst__sbuf *b, const char *declaration, const char *comment)
{
    size_t start = b->len;
    pst__sbuf_printf(b, "    %s;", declaration);
    size_t w = b->len - start;
    if (comment) {
        pst__sbuf_printf(b, "%*s/* ", w < 40 ? (int)(40 - w) : 1, "");
        pst__sbuf_comment_text(b, comment, 300);
        pst__sbuf_puts(b, " */");
    }
    pst__sbuf_puts(b, "\n");
}

static void doc_block(pst__sbuf *b, const char *indent, const char *title, const char *doc)
{
    pst__sbuf_printf(b, "%s/*\n", indent);
    pst__sbuf_comment_lines(b, indent, title);
    if (doc) {
        pst__sbuf_printf(b, "%s *\n", indent);
        pst__sbuf_comment_lines(b, indent, doc);
    }
    pst__sbuf_printf(b, "%s */\n", indent);
}

/* ---- structs ------------------------------------------------------------ */

static void struct_decl(pst__gen *g, const pst__gstruct *s, const char *title, const char *doc)
{
    pst__sbuf *h = &g->h;
    const char *P = s->cname;
    pst__gen_claim(g, P, "%s", s->what, NULL);
    pst__gen_claim(g, pst__gen_sprintf(g, "%s_desc", P), "the descriptor of %s", s->what,
                   NULL);
    pst__gen_claim(g, pst__gen_sprintf(g, "%s_init", P), "the init function of %s", s->what,
                   NULL);

    doc_block(h, "", title, doc);
    pst__sbuf_printf(h, "typedef struct %s {\n", P);
    for (unsigned k = 0; k < s->n; k++) {
        const pst__gfield *f = s->by_id[k];
        const char *comment;
        if (f->idl)
            comment = pst__gen_field_decl(g, f->idl);
        else
            comment = pst__gen_sprintf(g, "0: %s success (the return value)",
                                       pst__idl_type_str(&g->pool, f->type));
        if (f->ptr)
            comment = pst__gen_sprintf(g, "%s; a pointer: the type contains itself", comment);
        const pst_idl_type *tt = pst__idl_true_type(f->type);
        if (tt->kind == PST_IDL_LIST || tt->kind == PST_IDL_SET)
            comment = pst__gen_sprintf(g, "%s; data: %s[count]", comment,
                                       pst__gen_member_ctype(g, tt->elem, false));
        else if (tt->kind == PST_IDL_MAP)
            comment = pst__gen_sprintf(g, "%s; keys: %s[count], values: %s[count]", comment,
                                       pst__gen_member_ctype(g, tt->elem, false),
                                       pst__gen_member_ctype(g, tt->value, false));
        if (f->idl && f->idl->doc) {
            pst__sbuf_puts(h, "    /*\n");
            pst__sbuf_comment_lines(h, "    ", f->idl->doc);
            pst__sbuf_puts(h, "     */\n");
        }
        member_line(h, decl(g, pst__gen_member_ctype(g, f->type, f->ptr), f->member), comment);
    }
    unsigned nbytes = s->n ? (s->n + 7) / 8 : 1;
    member_line(h, pst__gen_sprintf(g, "uint8_t isset_[%u]", nbytes),
                s->n ? "presence bits: use _isset_/_set_ below" : "no fields; keeps C happy");
    pst__sbuf_printf(h, "} %s;\n\n", P);
    pst__sbuf_printf(h, "extern const pst_struct_desc %s_desc;\n", P);
    bool is_union = s->def && s->def->kind == PST_IDL_DEF_UNION;
    bool required_default = false;
    for (unsigned k = 0; k < s->n; k++)
        required_default |= s->fields[k].req == 1 && s->fields[k].dflt != NULL;
    pst__sbuf_printf(h, "/* Zero *v, then set the IDL default values%s. */\n",
                     !s->has_defaults ? " (there are none)"
                     : is_union ? " (not marked set: a union sets one member)"
                     : required_default ? " (and their isset bits, except\n"
                                          " * a required field's: it says whether a "
                                          "decoder read the field)"
                                        : " (and their isset bits)");
    pst__sbuf_printf(h, "void %s_init(%s *v);\n", P, P);
    for (unsigned k = 0; k < s->n; k++) {
        const pst__gfield *f = s->by_id[k];
        unsigned byte = f->bit / 8, mask = 1u << (f->bit % 8);
        const char *is = pst__gen_sprintf(g, "%s_isset_%s", P, f->member);
        const char *set = pst__gen_sprintf(g, "%s_set_%s", P, f->member);
        pst__gen_claim(g, is, "the isset function of field '%s' of %s", f->name, s->what);
        pst__gen_claim(g, set, "the set function of field '%s' of %s", f->name, s->what);
        pst__sbuf_printf(h, "static inline bool %s(const %s *v) { return (v->isset_[%u] & 0x%02xu) != 0; }\n",
                         is, P, byte, mask);
        pst__sbuf_printf(h, "static inline void %s(%s *v) { v->isset_[%u] |= 0x%02xu; }\n",
                         set, P, byte, mask);
    }
    pst__sbuf_puts(h, "\n");
}

static void user_struct(pst__gen *g, const pst_idl_def *d)
{
    const pst__gstruct *s = pst__gen_struct_of(g, d);
    const char *title = pst__gen_sprintf(g, "%s %s (%s)%s", s->kind_word, d->name,
                                         loc_text(g, &d->loc),
                                         d->kind == PST_IDL_DEF_UNION
                                             ? "\nA union: set exactly one field." : "");
    struct_decl(g, s, title, d->doc);
}

/* ---- enums, typedefs, constants ----------------------------------------- */

static void enum_decl(pst__gen *g, const pst_idl_def *d)
{
    pst__sbuf *h = &g->h;
    const char *P = pst__gen_def_name(g, d);
    pst__gen_claim(g, P, "enum '%s'", d->name, NULL);
    pst__gen_claim(g, pst__gen_sprintf(g, "%s_desc", P), "the descriptor of enum '%s'",
                   d->name, NULL);
    doc_block(h, "", pst__gen_sprintf(g, "enum %s (%s)\nValues travel as i32; struct "
                                         "members hold them as int32_t.",
                                      d->name, loc_text(g, &d->loc)),
              d->doc);
    if (!d->nvalues) {
        pst__sbuf_printf(h, "typedef int32_t %s; /* no values */\n", P);
    } else {
        pst__sbuf_printf(h, "typedef enum %s {\n", P);
        for (unsigned i = 0; i < d->nvalues; i++) {
            const pst_idl_enum_value *ev = &d->values[i];
            const char *name = pst__gen_enum_value_name(g, ev);
            pst__gen_claim(g, name, "enum value '%s.%s'", d->name, ev->name);
            if (ev->doc) {
                pst__sbuf_puts(h, "    /*\n");
                pst__sbuf_comment_lines(h, "    ", ev->doc);
                pst__sbuf_puts(h, "     */\n");
            }
            if (ev->value == INT32_MIN)
                pst__sbuf_printf(h, "    %s = (-2147483647 - 1),\n", name);
            else
                pst__sbuf_printf(h, "    %s = %d,\n", name, (int)ev->value);
        }
        pst__sbuf_printf(h, "} %s;\n", P);
    }
    pst__sbuf_printf(h, "extern const pst_enum_desc %s_desc;\n\n", P);
}

static void senum_decl(pst__gen *g, const pst_idl_def *d)
{
    pst__sbuf *h = &g->h;
    const char *P = pst__gen_def_name(g, d);
    pst__gen_claim(g, P, "senum '%s'", d->name, NULL);
    pst__sbuf b = { 0 };
    pst__sbuf_printf(&b, "senum %s (%s): a legacy string enum, held as a string.\nValues:",
                     d->name, loc_text(g, &d->loc));
    for (unsigned i = 0; i < d->nstrings && b.len < 600; i++)
        pst__sbuf_printf(&b, " \"%s\"", d->strings[i]);
    doc_block(h, "", b.data, d->doc);
    pst__sbuf_free(&b);
    pst__sbuf_printf(h, "typedef pst_str %s;\n\n", P);
}

static void typedef_decl(pst__gen *g, const pst_idl_def *d)
{
    pst__sbuf *h = &g->h;
    const char *P = pst__gen_def_name(g, d);
    pst__gen_claim(g, P, "typedef '%s'", d->name, NULL);
    doc_block(h, "", pst__gen_sprintf(g, "typedef %s %s (%s)",
                                      pst__idl_type_str(&g->pool, d->type), d->name,
                                      loc_text(g, &d->loc)),
              d->doc);
    pst__sbuf_printf(h, "typedef %s;\n\n", decl(g, pst__gen_const_ctype(g, d->type), P));
}

static void const_decl(pst__gen *g, const pst_idl_def *d)
{
    pst__sbuf *h = &g->h;
    const char *P = pst__gen_def_name(g, d);
    pst__gen_claim(g, P, "constant '%s'", d->name, NULL);
    pst__sbuf v = { 0 };
    pst__gen_value_idl(&v, d->value, 300);
    doc_block(h, "", pst__gen_sprintf(g, "const %s %s = %s (%s)",
                                      pst__idl_type_str(&g->pool, d->type), d->name, v.data,
                                      loc_text(g, &d->loc)),
              d->doc);
    pst__sbuf_free(&v);
    pst__sbuf_printf(h, "extern const %s;\n\n", decl(g, pst__gen_const_ctype(g, d->type), P));
}

/* ---- services ----------------------------------------------------------- */

const char **pst__gen_param_names(pst__gen *g, const pst_idl_function *fn)
{
    unsigned n = fn->params.count;
    const char **names = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *names);
    const char **out = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *out);
    for (unsigned i = 0; i < n; i++)
        names[i] = fn->params.items[i].name;
    pst__gen_scope_names(g, names, n, pst__gen_param_reserved, out);
    return out;
}

const char **pst__gen_method_members(pst__gen *g, const pst_idl_def *svc)
{
    unsigned n = svc->nfunctions;
    const char **names = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *names);
    const char **out = pst__idl_alloc_array(&g->pool, n ? n : 1, sizeof *out);
    for (unsigned i = 0; i < n; i++)
        names[i] = svc->functions[i].name;
    unsigned nres = 0;
    while (pst__gen_member_reserved[nres])
        nres++;
    const char **reserved = pst__idl_alloc_array(&g->pool, nres + 2, sizeof *reserved);
    memcpy(reserved, pst__gen_member_reserved, nres * sizeof *reserved);
    if (svc->extends)
        reserved[nres++] = "base";
    reserved[nres] = NULL;
    pst__gen_scope_names(g, names, n, reserved, out);
    return out;
}

/* "pst_call *call, int32_t a, const X *b, P_S_m_result *result" */
static void handler_params(pst__gen *g, pst__sbuf *b, const pst_idl_def *svc,
                           const pst_idl_function *fn, const char **pnames)
{
    for (unsigned i = 0; i < fn->params.count; i++)
        pst__sbuf_printf(b, ", %s",
                         decl(g, pst__gen_param_ctype(g, fn->params.items[i].type), pnames[i]));
    if (!fn->oneway)
        pst__sbuf_printf(b, ", %s *result", pst__gen_result_struct(g, svc, fn)->cname);
}

static void service_decl(pst__gen *g, const pst_idl_def *svc)
{
    pst__sbuf *h = &g->h;
    const char *S = pst__gen_def_name(g, svc);
    pst__sbuf_printf(h, "/* ==== service %s ==== */\n\n", svc->name);

    for (unsigned i = 0; i < svc->nfunctions; i++) {
        const pst_idl_function *fn = &svc->functions[i];
        const char *sig = pst__gen_function_decl(g, fn);
        struct_decl(g, pst__gen_args_struct(g, svc, fn),
                    pst__gen_sprintf(g, "%s.%s: the arguments as they travel.\n%s",
                                     svc->name, fn->name, sig), NULL);
        if (!fn->oneway)
            struct_decl(g, pst__gen_result_struct(g, svc, fn),
                        pst__gen_sprintf(g, "%s.%s: the result as it travels: %s%s%s.",
                                         svc->name, fn->name,
                                         fn->returns->kind == PST_IDL_VOID ? ""
                                                                           : "success (field 0)",
                                         fn->returns->kind != PST_IDL_VOID && fn->throws.count
                                             ? " or " : "",
                                         fn->throws.count ? "one declared exception"
                                         : fn->returns->kind == PST_IDL_VOID
                                             ? "nothing (void, no exceptions)" : ""),
                        NULL);
    }

    const char *H = pst__gen_sprintf(g, "%s_handler", S);
    pst__gen_claim(g, H, "the handler of service '%s'", svc->name, NULL);
    pst__gen_claim(g, pst__gen_sprintf(g, "%s_desc", S), "the descriptor of service '%s'",
                   svc->name, NULL);
    pst__sbuf_printf(h, "/*\n * service %s%s%s (%s)\n", svc->name,
                     svc->extends ? " extends " : "", svc->extends ? svc->extends_name : "",
                     loc_text(g, &svc->loc));
    if (svc->doc) {
        pst__sbuf_puts(h, " *\n");
        pst__sbuf_comment_lines(h, "", svc->doc);
    }
    const char *first = svc->nfunctions ? pst__gen_method_members(g, svc)[0] : "method";
    pst__sbuf_printf(h,
        " *\n"
        " * Serving %s: fill in the functions you implement (a call to a NULL\n"
        " * one fails: \"method ... is not implemented\") and hand the table to a\n"
        " * processor:\n"
        " *     static const %s h = { .%s = my_%s };\n"
        " *     pst_processor proc = { &%s_desc, &h, user };\n"
        " * Each function gets the call (call->arena for reply data, call->user),\n"
        " * the arguments (in call->arena until the reply is written, so the\n"
        " * result may point into them) and, unless oneway, the result to fill\n"
        " * in. Return 0 to reply with result->success (marked set for\n"
        " * you) or with a declared exception you filled in and marked with its\n"
        " * _set_ function; return < 0 for an INTERNAL_ERROR reply\n"
        " * (call->error_message may say why).%s\n"
        " */\n",
        svc->name, H, first, first, S,
        svc->extends ? "\n * The base service's functions are in .base." : "");
    pst__sbuf_printf(h, "typedef struct %s {\n", H);
    if (svc->extends)
        member_line(h, pst__gen_sprintf(g, "%s_handler base",
                                        pst__gen_def_name(g, svc->extends)),
                    pst__gen_sprintf(g, "the methods of %s; first, so a pointer to this "
                                        "table is also one to the base's",
                                     svc->extends_name));
    const char **members = pst__gen_method_members(g, svc);
    for (unsigned i = 0; i < svc->nfunctions; i++) {
        const pst_idl_function *fn = &svc->functions[i];
        pst__sbuf_puts(h, "    /*\n");
        pst__sbuf_comment_lines(h, "    ", pst__gen_function_decl(g, fn));
        if (fn->doc) {
            pst__sbuf_puts(h, "     *\n");
            pst__sbuf_comment_lines(h, "    ", fn->doc);
        }
        pst__sbuf_puts(h, "     */\n");
        pst__sbuf_printf(h, "    int (*%s)(pst_call *call", members[i]);
        handler_params(g, h, svc, fn, pst__gen_param_names(g, fn));
        pst__sbuf_puts(h, ");\n");
    }
    if (!svc->extends && !svc->nfunctions)
        member_line(h, "int no_methods_", "keeps the struct non-empty");
    pst__sbuf_printf(h, "} %s;\n\n", H);
    pst__sbuf_printf(h, "extern const pst_service_desc %s_desc;\n\n", S);

    if (!svc->nfunctions)
        return;
    pst__sbuf_printf(h,
        "/*\n"
        " * Client stubs for %s: each sends the call over c and, unless oneway,\n"
        " * waits for the reply. 0: result->success holds the value (for void\n"
        " * methods: the call succeeded); PST_E_DECLARED_EXCEPTION: one of the\n"
        " * result's exception fields is set; otherwise a status from\n"
        " * postern/client.h. Reply strings and lists live in arena a. A NULL\n"
        " * struct or container argument is left out of the call.\n"
        " */\n", svc->name);
    for (unsigned i = 0; i < svc->nfunctions; i++) {
        const pst_idl_function *fn = &svc->functions[i];
        const char *stub = pst__gen_sprintf(g, "%s_%s", S, fn->name);
        pst__gen_claim(g, stub, "the client stub of '%s.%s'", svc->name, fn->name);
        pst__sbuf_puts(h, "/* ");
        pst__sbuf_comment_text(h, pst__gen_function_decl(g, fn), 300);
        pst__sbuf_puts(h, " */\n");
        pst__sbuf_printf(h, "int %s(pst_client *c, pst_arena *a", stub);
        handler_params(g, h, svc, fn, pst__gen_param_names(g, fn));
        pst__sbuf_puts(h, ");\n");
    }
    pst__sbuf_puts(h, "\n");
}

/* ---- the file ----------------------------------------------------------- */

void pst__gen_header(pst__gen *g)
{
    const pst_idl_program *p = g->p;
    pst__sbuf *h = &g->h;
    const char *file = strrchr(p->path, '/');
    file = file ? file + 1 : p->path;

    pst__sbuf_printf(h, "/*\n * %s.h: generated from ", g->base);
    pst__sbuf_comment_text(h, file, 200);
    pst__sbuf_puts(h, " by postern gen. Do not edit.\n");
    if (p->doc) {
        pst__sbuf_puts(h, " *\n");
        pst__sbuf_comment_lines(h, "", p->doc);
    }
    pst__sbuf_printf(h,
        " *\n"
        " * C names start with %s_ (%s). Structs are plain data;\n"
        " * each has a const descriptor (_desc) that the protocols walk, an _init\n"
        " * function, and _isset_/_set_ functions per field. Strings (pst_str) and\n"
        " * lists (pst_list: data, count) point into the arena that decoded them.\n"
        " * See postern/types.h.\n"
        " */\n",
        g->prefix, pst__idl_namespace(p, "c") ? "from namespace c" : "from the file name");
    const char *guard = pst__gen_sprintf(g, "POSTERN_GEN_%s__%s_H", g->prefix,
                                         pst__gen_sprintf(g, "%s", g->base));
    for (char *c = (char *)guard; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            *c = '_';
    pst__sbuf_printf(h, "#ifndef %s\n#define %s\n\n", guard, guard);
    pst__sbuf_puts(h, "#include <stdbool.h>\n#include <stdint.h>\n\n"
                      "#include <postern/client.h>\n#include <postern/processor.h>\n"
                      "#include <postern/types.h>\n\n");
    for (unsigned i = 0; i < p->nincludes; i++) {
        if (!p->includes[i].program)
            continue; /* not loaded (no_includes): nothing can refer to it */
        pst__sbuf_puts(h, "#include ");
        pst__sbuf_c_string(h, pst__gen_sprintf(g, "%s.h", p->includes[i].program->name),
                           strlen(p->includes[i].program->name) + 2);
        pst__sbuf_puts(h, "\n");
    }
    if (p->nincludes)
        pst__sbuf_puts(h, "\n");

    for (unsigned i = 0; i < p->ndefs; i++) {
        const pst_idl_def *d = p->defs[i];
        if (d->kind == PST_IDL_DEF_ENUM)
            enum_decl(g, d);
        else if (d->kind == PST_IDL_DEF_SENUM)
            senum_decl(g, d);
    }
    unsigned n;
    const pst_idl_def **order = pst__gen_struct_order(g, &n);
    for (unsigned i = 0; i < n; i++)
        user_struct(g, order[i]);
    for (unsigned i = 0; i < p->ndefs; i++)
        if (p->defs[i]->kind == PST_IDL_DEF_TYPEDEF)
            typedef_decl(g, p->defs[i]);
    for (unsigned i = 0; i < p->ndefs; i++)
        if (p->defs[i]->kind == PST_IDL_DEF_CONST)
            const_decl(g, p->defs[i]);
    const pst_idl_def **services = pst__gen_service_order(g, &n);
    for (unsigned i = 0; i < n; i++)
        service_decl(g, services[i]);
    pst__sbuf_printf(h, "#endif /* %s */\n", guard);
}
