/* test_idl_parser.c: what the syntax tree holds after a successful load. */
#include <stdlib.h>

#include "idl/idl.h"
#include "idl/pool.h"
#include "test.h"

static pst_idl_session *sess;

static pst_idl_program *load(const char *path, const char *text)
{
    pst_idl_options opt = { 0 };
    opt.warnings = true;
    sess = pst__idl_session_new(&opt);
    pst_idl_program *p = pst__idl_load_buffer(sess, path, text, strlen(text));
    if (!p) {
        fprintf(stderr, "  unexpected failure:\n");
        pst__idl_print_diags(sess, stderr);
    }
    return p;
}

static void unload(void)
{
    pst__idl_session_free(sess);
    sess = NULL;
}

static const pst_idl_def *def(const pst_idl_program *p, const char *name)
{
    for (unsigned i = 0; i < p->ndefs; i++)
        if (strcmp(p->defs[i]->name, name) == 0)
            return p->defs[i];
    return NULL;
}

static bool has_warning(const char *text)
{
    for (const pst_idl_diag *d = pst__idl_diags(sess); d; d = d->next)
        if (d->severity == PST_IDL_WARNING && strstr(d->message, text))
            return true;
    return false;
}

static void test_headers_and_prefix(void)
{
    pst_idl_program *p = load("dir/my-api.v2.thrift",
                              "/** File doc. */\n"
                              "namespace cpp a.b (x = \"y\")\n"
                              "namespace * star.ns\n"
                              "cpp_include \"<vector>\"\n"
                              "struct S {}\n");
    CHECK(p != NULL);
    if (!p)
        return unload();
    CHECK(strcmp(p->name, "my-api.v2") == 0);
    CHECK(strcmp(p->c_prefix, "my_api_v2") == 0); /* not a C identifier as is */
    CHECK(p->doc && strcmp(p->doc, "File doc.") == 0);
    CHECK_EQ_INT(p->nnamespaces, 2);
    CHECK(strcmp(pst__idl_namespace(p, "cpp"), "a.b") == 0);
    CHECK(strcmp(pst__idl_namespace(p, "*"), "star.ns") == 0);
    CHECK(strcmp(pst__idl_annotation(&p->namespaces[0].annotations, "x"), "y") == 0);
    CHECK_EQ_INT(p->ncpp_includes, 1);
    CHECK(strcmp(p->cpp_includes[0], "<vector>") == 0);
    unload();

    p = load("x.thrift", "namespace c one.two.three\nnamespace * ignored\n");
    CHECK(p && strcmp(p->c_prefix, "one_two_three") == 0);
    unload();
    p = load("9lives.thrift", "");
    CHECK(p && strcmp(p->c_prefix, "idl_9lives") == 0);
    unload();
}

static void test_struct_fields(void)
{
    pst_idl_program *p = load("s.thrift",
        "struct S xsd_all {\n"
        "  /** doc a */\n"
        "  1: required i32 a = 5 (note = \"n\", flag),\n"
        "  string b;\n"
        "  optional list<string> c xsd_optional xsd_nillable\n"
        "  9: S & d\n"
        "  map<i32, string> e xsd_attrs { 1: i32 inner }\n"
        "  -3: byte f\n"
        "} (s.note = \"s\")\n"
        "union U { 1: i32 x 2: string y }\n"
        "exception E { 1: string why }\n");
    CHECK(p != NULL);
    if (!p)
        return unload();
    const pst_idl_def *s = def(p, "S");
    CHECK(s && s->kind == PST_IDL_DEF_STRUCT && s->xsd_all);
    CHECK_EQ_INT(s->fields.count, 6);
    const pst_idl_field *f = s->fields.items;
    CHECK_EQ_INT(f[0].id, 1);
    CHECK(!f[0].implicit_id);
    CHECK_EQ_INT(f[0].req, PST_IDL_REQ_REQUIRED);
    CHECK_EQ_INT(f[0].type->kind, PST_IDL_I32);
    CHECK(f[0].default_value && f[0].default_value->kind == PST_IDL_V_INT && f[0].default_value->i == 5);
    CHECK(f[0].resolved && f[0].resolved->i == 5);
    CHECK(f[0].doc && strcmp(f[0].doc, "doc a") == 0);
    CHECK(strcmp(pst__idl_annotation(&f[0].annotations, "note"), "n") == 0);
    CHECK(strcmp(pst__idl_annotation(&f[0].annotations, "flag"), "1") == 0);
    CHECK_EQ_INT(f[1].id, -1); /* implicit ids count down */
    CHECK(f[1].implicit_id);
    CHECK_EQ_INT(f[2].id, -2);
    CHECK_EQ_INT(f[2].req, PST_IDL_REQ_OPTIONAL);
    CHECK(f[2].xsd_optional && f[2].xsd_nillable);
    CHECK_EQ_INT(f[2].type->kind, PST_IDL_LIST);
    CHECK_EQ_INT(f[2].type->elem->kind, PST_IDL_STRING);
    CHECK_EQ_INT(f[3].id, 9);
    CHECK(f[3].reference);
    CHECK(f[3].type->kind == PST_IDL_NAMED && f[3].type->def == s);
    CHECK_EQ_INT(f[4].id, -3);
    CHECK_EQ_INT(f[4].nxsd_attrs, 1);
    CHECK_EQ_INT(f[5].id, -4); /* a non-positive id is replaced */
    CHECK(f[5].type->byte && f[5].type->kind == PST_IDL_I8);
    CHECK(has_warning("field id -3 is not positive; Thrift assigns -4 instead"));
    CHECK(strcmp(pst__idl_annotation(&s->annotations, "s.note"), "s") == 0);
    /* by id: -4 -3 -2 -1 1 9 */
    int32_t ids[] = { -4, -3, -2, -1, 1, 9 };
    for (int i = 0; i < 6; i++)
        CHECK_EQ_INT(s->fields.by_id[i]->id, ids[i]);
    CHECK(s->recursive); /* holds itself */
    CHECK(def(p, "U")->kind == PST_IDL_DEF_UNION);
    CHECK(def(p, "E")->kind == PST_IDL_DEF_EXCEPTION);
    CHECK(!def(p, "U")->recursive);
    unload();
}

static void test_keyword_field_names(void)
{
    pst_idl_program *p = load("k.thrift",
        "struct K { 1: i32 i32, 2: list<string> list, 3: bool required, 4: i32 optional,"
        " 5: string struct, 6: i32 include 7: i32 async }");
    CHECK(p != NULL);
    if (!p)
        return unload();
    const pst_idl_def *k = def(p, "K");
    const char *names[] = { "i32", "list", "required", "optional", "struct", "include", "async" };
    for (int i = 0; i < 7; i++)
        CHECK(strcmp(k->fields.items[i].name, names[i]) == 0);
    unload();
}

static void test_enums(void)
{
    pst_idl_program *p = load("e.thrift",
        "enum E {\n  /** zero */ A,\n  B = 10\n  C\n  D = -5; F, G = 0x10 H (n = \"v\") }\n"
        "enum Empty {}\n"
        "enum Limits { LO = -2147483648, HI = 2147483647 }\n");
    CHECK(p != NULL);
    if (!p)
        return unload();
    const pst_idl_def *e = def(p, "E");
    int32_t values[] = { 0, 10, 11, -5, -4, 16, 17 };
    CHECK_EQ_INT(e->nvalues, 7);
    for (unsigned i = 0; i < 7 && i < e->nvalues; i++)
        CHECK_EQ_INT(e->values[i].value, values[i]);
    CHECK(e->values[0].doc && strcmp(e->values[0].doc, "zero") == 0);
    CHECK(!e->values[0].explicit_value && e->values[1].explicit_value);
    CHECK(strcmp(pst__idl_annotation(&e->values[6].annotations, "n"), "v") == 0);
    CHECK_EQ_INT(def(p, "Empty")->nvalues, 0);
    CHECK_EQ_INT(def(p, "Limits")->values[0].value, INT32_MIN);
    unload();
}

static void test_services(void)
{
    pst_idl_program *p = load("svc.thrift",
        "exception X {}\n"
        "service Base { void ping() }\n"
        "/** Doc. */ service S extends Base {\n"
        "  /** m doc */ oneway void fire(1: i32 a, 2: optional string b),\n"
        "  async void old()\n"
        "  list<i32> get(1: i32 n = 3) throws (1: X x, X y);\n"
        "  i32 bare() (deprecated)\n"
        "} (svc = \"1\")\n");
    CHECK(p != NULL);
    if (!p)
        return unload();
    const pst_idl_def *s = def(p, "S");
    CHECK(s->extends == def(p, "Base"));
    CHECK(strcmp(s->extends_name, "Base") == 0);
    CHECK(s->doc && strcmp(s->doc, "Doc.") == 0);
    CHECK_EQ_INT(s->nfunctions, 4);
    const pst_idl_function *fn = s->functions;
    CHECK(fn[0].oneway && fn[0].returns->kind == PST_IDL_VOID);
    CHECK(fn[0].doc && strcmp(fn[0].doc, "m doc") == 0);
    CHECK_EQ_INT(fn[0].params.count, 2);
    CHECK_EQ_INT(fn[0].params.items[1].req, PST_IDL_REQ_DEFAULT); /* optional ignored */
    CHECK(has_warning("'optional' is ignored in argument lists"));
    CHECK(fn[1].oneway); /* async */
    CHECK(has_warning("'async' is deprecated"));
    CHECK_EQ_INT(fn[2].returns->kind, PST_IDL_LIST);
    CHECK_EQ_INT(fn[2].throws.count, 2);
    CHECK_EQ_INT(fn[2].throws.items[1].id, -1);
    CHECK(fn[2].params.items[0].resolved && fn[2].params.items[0].resolved->i == 3);
    CHECK(strcmp(pst__idl_annotation(&fn[3].annotations, "deprecated"), "1") == 0);
    CHECK(strcmp(pst__idl_annotation(&s->annotations, "svc"), "1") == 0);
    unload();
}

static void test_types(void)
{
    pst_idl_program *p = load("t.thrift",
        "typedef map cpp_type \"M\" <string (a = \"1\"), list<set<i64>> cpp_type \"L\"> (m = \"2\") Big\n"
        "typedef Big Alias\n"
        "typedef slist Old\n"
        "senum Fruit { \"apple\", \"pear\" }\n"
        "struct S { 1: Alias x, 2: Old y, 3: Fruit z }\n");
    CHECK(p != NULL);
    if (!p)
        return unload();
    const pst_idl_def *big = def(p, "Big");
    const pst_idl_type *t = big->type;
    CHECK_EQ_INT(t->kind, PST_IDL_MAP);
    CHECK(strcmp(t->cpp_type, "M") == 0);
    CHECK(strcmp(pst__idl_annotation(&t->annotations, "m"), "2") == 0);
    CHECK(strcmp(pst__idl_annotation(&t->elem->annotations, "a"), "1") == 0);
    CHECK(strcmp(t->value->cpp_type, "L") == 0);
    CHECK_EQ_INT(t->value->elem->kind, PST_IDL_SET);
    const pst_idl_def *s = def(p, "S");
    CHECK(pst__idl_true_type(s->fields.items[0].type) == t);
    CHECK_EQ_INT(pst__idl_true_type(s->fields.items[1].type)->kind, PST_IDL_STRING);
    CHECK_EQ_INT(pst__idl_true_type(s->fields.items[2].type)->kind, PST_IDL_STRING);
    CHECK_EQ_INT(def(p, "Fruit")->nstrings, 2);
    pst__idl_pool pool;
    pst__idl_pool_init(&pool, 0, NULL, NULL);
    CHECK(strcmp(pst__idl_type_str(&pool, t), "map<string,list<set<i64>>>") == 0);
    CHECK(strcmp(pst__idl_type_str(&pool, s->fields.items[1].type), "Old") == 0);
    CHECK(strcmp(pst__idl_type_str(&pool, def(p, "Old")->type), "slist") == 0);
    pst__idl_pool_release(&pool);
    unload();
}

static void test_resolved_values(void)
{
    pst_idl_program *p = load("v.thrift",
        "enum L { LO = 1, HI = 2 }\n"
        "struct P { 1: string k, 2: i32 v = 7 }\n"
        "const i32 N = 3\n"
        "const set<i32> S = [3, N, 1, 3]\n"
        "const map<string, i32> M = {\"a\": 1, \"b\": 2, \"a\": 3}\n"
        "const P PV = {\"k\": \"x\"}\n"
        "const list<L> LS = [L.HI, 1]\n"
        "const double D = N\n"
        "const uuid U = '{00112233-4455-6677-8899-AABBCCDDEEFF}'\n"
        "const list<i32> E = {}\n");
    CHECK(p != NULL);
    if (!p)
        return unload();
    const pst_idl_value *s = def(p, "S")->resolved;
    CHECK_EQ_INT(s->count, 2); /* duplicates dropped, first place kept */
    CHECK_EQ_INT(s->items[0]->i, 3);
    CHECK_EQ_INT(s->items[1]->i, 1);
    const pst_idl_value *m = def(p, "M")->resolved;
    CHECK_EQ_INT(m->count, 2);
    CHECK(strcmp(m->items[0]->s, "a") == 0 && m->values[0]->i == 3); /* last value wins */
    const pst_idl_value *pv = def(p, "PV")->resolved;
    CHECK_EQ_INT(pv->kind, PST_IDL_V_STRUCT);
    CHECK(pv->struct_def == def(p, "P"));
    CHECK(pv->items[0] && strcmp(pv->items[0]->s, "x") == 0);
    CHECK(pv->items[1] == NULL); /* not given: the emitter applies the default */
    const pst_idl_value *ls = def(p, "LS")->resolved;
    CHECK(ls->items[0]->enum_value && strcmp(ls->items[0]->enum_value->name, "HI") == 0);
    CHECK(ls->items[1]->enum_value && strcmp(ls->items[1]->enum_value->name, "LO") == 0);
    CHECK(def(p, "D")->resolved->kind == PST_IDL_V_DOUBLE && def(p, "D")->resolved->d == 3.0);
    const pst_idl_value *u = def(p, "U")->resolved;
    CHECK(u->kind == PST_IDL_V_UUID && u->uuid[0] == 0x00 && u->uuid[15] == 0xff);
    CHECK_EQ_INT(def(p, "E")->resolved->kind, PST_IDL_V_LIST);
    CHECK_EQ_INT(def(p, "E")->resolved->count, 0);
    unload();
}

static void test_recursion_marks(void)
{
    pst_idl_program *p = load("r.thrift",
        "struct A { 1: B b }\n struct B { 1: C c }\n struct C { 1: A a }\n"
        "struct T { 1: list<T> kids }\n"
        "struct H { 1: A a, 2: T t }\n"
        "typedef Loop LA\n struct Loop { 1: LA again }\n"
        "union U1 { 1: U2 x } union U2 { 1: U1 y }\n");
    CHECK(p != NULL);
    if (!p)
        return unload();
    CHECK(def(p, "A")->recursive && def(p, "B")->recursive && def(p, "C")->recursive);
    CHECK(!def(p, "T")->recursive); /* through a list: not by value */
    CHECK(!def(p, "H")->recursive);
    CHECK(def(p, "Loop")->recursive); /* through a typedef */
    CHECK(def(p, "U1")->recursive && def(p, "U2")->recursive);
    unload();
}

int main(void)
{
    RUN(test_headers_and_prefix);
    RUN(test_struct_fields);
    RUN(test_keyword_field_names);
    RUN(test_enums);
    RUN(test_services);
    RUN(test_types);
    RUN(test_resolved_values);
    RUN(test_recursion_marks);
    return test_report();
}
