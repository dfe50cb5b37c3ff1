/*
 * emit_source.c: P.c, the descriptor tables and thin wrappers.
 *
 * Layout: the static pst_type tables for every container, enum and struct
 * type used (each table before any table pointing at it), then enum and
 * struct descriptors with their default instances, constants, and per
 * service the invoke wrappers, method table, service descriptor and client
 * stubs.
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

static const char *req_name(int req)
{
    return req == 1 ? "PST_REQ_REQUIRED" : req == 2 ? "PST_REQ_OPTIONAL" : "PST_REQ_DEFAULT";
}

/* A C string for an IDL name: a literal, or for names longer than C11's
 * guaranteed literal length a static array defined first. */
static const char *c_str(pst__gen *g, const char *s)
{
    return pst__gen_c_string(g, s);
}

/* ---- enums -------------------------------------------------------------- */

static void enum_def(pst__gen *g, const pst_idl_def *d)
{
    pst__sbuf *b = &g->body;
    const char *P = pst__gen_def_name(g, d);
    const char *values = "NULL";
    if (d->nvalues) {
        values = pst__gen_sprintf(g, "%s__values", P);
        pst__gen_claim(g, values, "the value table of enum '%s'", d->name, NULL);
        pst__sbuf_printf(b, "static const pst_enum_value %s[%u] = {\n", values, d->nvalues);
        for (unsigned i = 0; i < d->nvalues; i++)
            pst__sbuf_printf(b, "    { %s, %s },\n", c_str(g, d->values[i].name),
                             pst__gen_enum_value_name(g, &d->values[i]));
        pst__sbuf_puts(b, "};\n");
    }
    pst__sbuf_printf(b, "const pst_enum_desc %s_desc = {\n"
                        "    .name = %s, .count = %u, .values = %s,\n};\n\n",
                     P, c_str(g, d->name), d->nvalues, values);
}

/* ---- structs ------------------------------------------------------------ */

static void struct_def(pst__gen *g, const pst__gstruct *s)
{
    const char *P = s->cname;
    const char *fields = "NULL", *defaults = "NULL";
    pst__sbuf rows = { 0 };
    for (unsigned k = 0; k < s->n; k++) {
        const pst__gfield *f = s->by_id[k];
        pst__sbuf_printf(&rows, "    { %d, %s, %s, %u, offsetof(%s, %s), %s, %s },\n",
                         (int)f->id, pst__gen_kind(f->type, f->ptr), req_name(f->req), f->bit,
                         P, f->member, pst__gen_type_ref(g, f->type, f->ptr), c_str(g, f->name));
    }
    if (s->n) {
        fields = pst__gen_sprintf(g, "%s__fields", P);
        pst__gen_claim(g, fields, "the field table of %s", s->what, NULL);
        pst__sbuf_printf(&g->body, "static const pst_field %s[%u] = {\n"
                                   "    /* id, kind, requiredness, isset bit, offset, type, name */\n"
                                   "%s};\n",
                         fields, s->n, rows.data);
    }
    pst__sbuf_free(&rows);
    if (s->has_defaults && pst__gen_value_fits(g, s, NULL, NULL)) {
        pst__sbuf init = { 0 };
        pst__gen_struct_initializer(g, &init, s, NULL);
        const char *name = pst__gen_sprintf(g, "%s__defaults", P);
        pst__gen_claim(g, name, "the defaults of %s", s->what, NULL);
        pst__sbuf_printf(&g->body, "static const %s %s = %s;\n", P, name, init.data);
        pst__sbuf_free(&init);
        defaults = pst__gen_sprintf(g, "&%s", name);
    }
    pst__sbuf_printf(&g->body,
                     "const pst_struct_desc %s_desc = {\n"
                     "    .name = %s, .size = sizeof(%s), .isset_offset = offsetof(%s, isset_),\n"
                     "    .nfields = %u, .kind = %s, .fields = %s, .defaults = %s,\n"
                     "};\n"
                     "void %s_init(%s *v)\n{\n    pst_struct_init(&%s_desc, v);\n}\n\n",
                     P, c_str(g, s->idl_name), P, P, s->n, s->kind_enum, fields, defaults, P, P, P);
}

/* ---- constants ---------------------------------------------------------- */

static void const_def(pst__gen *g, const pst_idl_def *d)
{
    const pst_idl_def *sd = pst__idl_type_struct(d->type);
    if (!pst__gen_value_fits(g, sd ? pst__gen_struct_of(g, sd) : NULL, d->type, d->resolved))
        return;
    pst__sbuf init = { 0 };
    if (sd)
        pst__gen_struct_initializer(g, &init, pst__gen_struct_of(g, sd), d->resolved);
    else
        pst__gen_initializer(g, &init, d->type, d->resolved);
    const char *ctype = pst__gen_const_ctype(g, d->type);
    pst__sbuf_printf(&g->body, "const %s%s%s = %s;\n\n", ctype,
                     ctype[strlen(ctype) - 1] == '*' ? "" : " ", pst__gen_def_name(g, d),
                     init.data);
    pst__sbuf_free(&init);
}

/* ---- the IDL text, for GET /schema --------------------------------------- */

static void add_program_text(pst__idl_symtab *seen, pst__sbuf *text,
                             const pst_idl_program *p, pst__gen *g)
{
    char key[32];
    snprintf(key, sizeof key, "%p", (const void *)p);
    if (pst__idl_symtab_get(seen, key))
        return;
    pst__idl_symtab_put(seen, pst__gen_sprintf(g, "%s", key), (void *)p);
    const char *slash = strrchr(p->path, '/');
    pst__sbuf_printf(text, "// ---- %s\n", slash ? slash + 1 : p->path);
    pst__sbuf_put(text, p->text ? p->text : "", p->text ? p->text_len : 0);
    if (p->text_len && p->text[p->text_len - 1] != '\n')
        pst__sbuf_put(text, "\n", 1);
    for (unsigned i = 0; i < p->nincludes; i++)
        if (p->includes[i].program)
            add_program_text(seen, text, p->includes[i].program, g);
}

/* The name of a static array holding this file's IDL text and its
 * includes', defined once. Written as byte values, not a string literal:
 * C11 only promises literals of 4095 characters. */
static const char *idl_text(pst__gen *g)
{
    static const char *const suffix = "__idl";
    const char *name = pst__gen_sprintf(g, "%s%s", g->prefix, suffix);
    if (pst__idl_symtab_get(g->globals, name))
        return pst__gen_sprintf(g, "(const char *)%s", name);
    pst__gen_claim(g, name, "the IDL text of '%s'", g->p->path, NULL);
    pst__sbuf text = { 0 };
    pst__idl_symtab *seen = pst__idl_symtab_new(&g->pool);
    add_program_text(seen, &text, g->p, g);
    pst__sbuf *b = &g->body;
    pst__sbuf_puts(b, "/* The IDL of this file and its includes, for GET /schema. */\n");
    pst__sbuf_printf(b, "static const unsigned char %s[%zu] = {", name, text.len + 1);
    for (size_t i = 0; i < text.len; i++)
        pst__sbuf_printf(b, "%s%u,", i % 20 ? " " : "\n    ",
                         (unsigned)(unsigned char)text.data[i]);
    pst__sbuf_printf(b, "\n    0\n};\n\n");
    pst__sbuf_free(&text);
    return pst__gen_sprintf(g, "(const char *)%s", name);
}

/* ---- services ----------------------------------------------------------- */

/* How the wrapper passes args member m of field f to the handler. */
static const char *pass_arg(pst__gen *g, const pst__gfield *f)
{
    const pst_idl_type *t = pst__idl_true_type(f->type);
    bool by_address = t->kind == PST_IDL_LIST || t->kind == PST_IDL_SET ||
                      t->kind == PST_IDL_MAP ||
                      (t->kind == PST_IDL_NAMED && t->def->kind != PST_IDL_DEF_ENUM && !f->ptr);
    return pst__gen_sprintf(g, "%sargs->%s", by_address ? "&" : "", f->member);
}

static void invoke_def(pst__gen *g, const pst_idl_def *svc, const pst_idl_function *fn,
                       const char *member, const char *wrapper)
{
    pst__sbuf *b = &g->body;
    const pst__gstruct *args = pst__gen_args_struct(g, svc, fn);
    const pst__gstruct *res = fn->oneway ? NULL : pst__gen_result_struct(g, svc, fn);
    bool has_success = res && fn->returns->kind != PST_IDL_VOID;
    pst__sbuf_printf(b, "static int %s(const void *handler, pst_call *call, const void *args_v,\n"
                        "    void *result_v)\n{\n"
                        "    const %s_handler *h = handler;\n",
                     wrapper, pst__gen_def_name(g, svc));
    if (args->n)
        pst__sbuf_printf(b, "    const %s *args = args_v;\n", args->cname);
    else
        pst__sbuf_puts(b, "    (void)args_v;\n");
    if (res)
        pst__sbuf_printf(b, "    %s *result = result_v;\n", res->cname);
    else
        pst__sbuf_puts(b, "    (void)result_v;\n");
    pst__sbuf_printf(b, "    if (!h->%s) {\n"
                        "        call->error_message = %s;\n"
                        "        return PST_E_UNKNOWN_METHOD;\n    }\n",
                     member,
                     c_str(g, pst__gen_sprintf(g, "method %s is not implemented", fn->name)));
    pst__sbuf call = { 0 };
    pst__sbuf_printf(&call, "h->%s(call", member);
    for (unsigned i = 0; i < args->n; i++)
        pst__sbuf_printf(&call, ", %s", pass_arg(g, &args->fields[i]));
    pst__sbuf_puts(&call, res ? ", result)" : ")");
    if (!has_success) {
        pst__sbuf_printf(b, "    return %s;\n}\n\n", call.data);
        pst__sbuf_free(&call);
        return;
    }
    pst__sbuf_printf(b, "    int rc = %s;\n    if (rc == 0", call.data);
    pst__sbuf_free(&call);
    for (unsigned i = 0; i < res->n; i++)
        if (res->fields[i].idl)
            pst__sbuf_printf(b, " && !%s_isset_%s(result)", res->cname, res->fields[i].member);
    pst__sbuf_printf(b, ")\n        %s_set_%s(result);\n    return rc;\n}\n\n", res->cname,
                     res->fields[0].member);
}

static void stub_def(pst__gen *g, const pst_idl_def *svc, const pst_idl_function *fn,
                     const char *methods, unsigned index)
{
    pst__sbuf *b = &g->body;
    const pst__gstruct *args = pst__gen_args_struct(g, svc, fn);
    const char **pnames = pst__gen_param_names(g, fn);
    pst__sbuf_printf(b, "int %s_%s(pst_client *c, pst_arena *a", pst__gen_def_name(g, svc),
                     fn->name);
    for (unsigned i = 0; i < args->n; i++) {
        const char *ct = pst__gen_param_ctype(g, args->fields[i].type);
        pst__sbuf_printf(b, ", %s%s%s", ct, ct[strlen(ct) - 1] == '*' ? "" : " ", pnames[i]);
    }
    if (!fn->oneway)
        pst__sbuf_printf(b, ", %s *result", pst__gen_result_struct(g, svc, fn)->cname);
    pst__sbuf_printf(b, ")\n{\n    %s args;\n    %s_init(&args);\n", args->cname, args->cname);
    for (unsigned i = 0; i < args->n; i++) {
        const pst__gfield *f = &args->fields[i];
        const pst_idl_type *t = pst__idl_true_type(f->type);
        bool pointer_param = t->kind == PST_IDL_LIST || t->kind == PST_IDL_SET ||
                             t->kind == PST_IDL_MAP ||
                             (t->kind == PST_IDL_NAMED && t->def->kind != PST_IDL_DEF_ENUM);
        if (!pointer_param) {
            pst__sbuf_printf(b, "    args.%s = %s;\n    %s_set_%s(&args);\n", f->member,
                             pnames[i], args->cname, f->member);
        } else if (f->ptr) {
            pst__sbuf_printf(b, "    if (%s) {\n        args.%s = (%s)%s;\n"
                                "        %s_set_%s(&args);\n    }\n",
                             pnames[i], f->member, pst__gen_member_ctype(g, f->type, true),
                             pnames[i], args->cname, f->member);
        } else {
            pst__sbuf_printf(b, "    if (%s) {\n        args.%s = *%s;\n"
                                "        %s_set_%s(&args);\n    }\n",
                             pnames[i], f->member, pnames[i], args->cname, f->member);
        }
    }
    pst__sbuf_printf(b, "    return pst_client_call(c, &%s[%u], &args, %s, a);\n}\n\n", methods,
                     index, fn->oneway ? "NULL" : "result");
}

static void service_def(pst__gen *g, const pst_idl_def *svc)
{
    pst__sbuf *b = &g->body;
    const char *S = pst__gen_def_name(g, svc);
    pst__sbuf_printf(b, "/* ==== service %s */\n\n", svc->name);
    const char **members = pst__gen_method_members(g, svc);
    const char *methods = pst__gen_sprintf(g, "%s__methods", S);
    pst__sbuf table = { 0 };
    for (unsigned i = 0; i < svc->nfunctions; i++) {
        const pst_idl_function *fn = &svc->functions[i];
        struct_def(g, pst__gen_args_struct(g, svc, fn));
        if (!fn->oneway)
            struct_def(g, pst__gen_result_struct(g, svc, fn));
        const char *wrapper = pst__gen_sprintf(g, "%s_%s__invoke", S, fn->name);
        pst__gen_claim(g, wrapper, "the invoke wrapper of '%s.%s'", svc->name, fn->name);
        invoke_def(g, svc, fn, members[i], wrapper);
        pst__sbuf_printf(&table, "    { .name = %s, .args = &%s_desc, .result = %s%s%s,\n"
                                 "      .oneway = %s, .invoke = %s },\n",
                         c_str(g, fn->name), pst__gen_args_struct(g, svc, fn)->cname,
                         fn->oneway ? "NULL" : "&",
                         fn->oneway ? "" : pst__gen_result_struct(g, svc, fn)->cname,
                         fn->oneway ? "" : "_desc", fn->oneway ? "true" : "false", wrapper);
    }
    if (svc->nfunctions) {
        pst__gen_claim(g, methods, "the method table of service '%s'", svc->name, NULL);
        pst__sbuf_printf(b, "static const pst_method_desc %s[%u] = {\n%s};\n", methods,
                         svc->nfunctions, table.data);
    }
    pst__sbuf_free(&table);
    pst__sbuf_printf(b, "const pst_service_desc %s_desc = {\n"
                        "    .name = %s, .base = %s%s%s, .nmethods = %u, .methods = %s,\n"
                        "    .idl = %s,\n};\n\n",
                     S, c_str(g, svc->name), svc->extends ? "&" : "NULL",
                     svc->extends ? pst__gen_def_name(g, svc->extends) : "",
                     svc->extends ? "_desc" : "", svc->nfunctions,
                     svc->nfunctions ? methods : "NULL", idl_text(g));
    for (unsigned i = 0; i < svc->nfunctions; i++)
        stub_def(g, svc, &svc->functions[i], methods, i);
}

/* ---- the file ----------------------------------------------------------- */

void pst__gen_source(pst__gen *g)
{
    const pst_idl_program *p = g->p;
    for (unsigned i = 0; i < p->ndefs; i++) {
        const pst_idl_def *d = p->defs[i];
        if (d->kind == PST_IDL_DEF_ENUM)
            enum_def(g, d);
        else if (pst__idl_def_is_struct(d))
            struct_def(g, pst__gen_struct_of(g, d));
    }
    for (unsigned i = 0; i < p->ndefs; i++)
        if (p->defs[i]->kind == PST_IDL_DEF_CONST)
            const_def(g, p->defs[i]);
    for (unsigned i = 0; i < p->ndefs; i++)
        if (p->defs[i]->kind == PST_IDL_DEF_SERVICE)
            service_def(g, p->defs[i]);
}
