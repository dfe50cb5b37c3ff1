/*
 * test_idl_files.c: every IDL file in tests/idl loads, and holds what its
 * text says (one check or more per feature file). The directory is found
 * next to this source file.
 */
#include <dirent.h>
#include <stdlib.h>

#include "idl/idl.h"
#include "test.h"

static char idl_dir[4096];
static pst_idl_session *sess;

static pst_idl_program *load(const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", idl_dir, name);
    sess = pst__idl_session_new(NULL);
    char search[4200];
    snprintf(search, sizeof search, "%s/search", idl_dir);
    pst__idl_session_add_include_dir(sess, search);
    pst_idl_program *p = pst__idl_load_file(sess, path);
    if (!p) {
        fprintf(stderr, "  %s failed to load:\n", name);
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
    for (unsigned i = 0; p && i < p->ndefs; i++)
        if (strcmp(p->defs[i]->name, name) == 0)
            return p->defs[i];
    fprintf(stderr, "  no definition '%s'\n", name);
    return NULL;
}

static const pst_idl_field *field(const pst_idl_def *d, const char *name)
{
    return d ? pst__idl_field_by_name(&d->fields, name) : NULL;
}

static void test_every_file_loads(void)
{
    const char *subdirs[] = { "", "/sub", "/search" };
    int n = 0;
    for (int k = 0; k < 3; k++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s%s", idl_dir, subdirs[k]);
        DIR *d = opendir(dir);
        CHECK(d != NULL);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len < 8 || strcmp(e->d_name + len - 7, ".thrift") != 0)
                continue;
            char name[600];
            snprintf(name, sizeof name, "%s%s%s", subdirs[k] + (k ? 1 : 0), k ? "/" : "",
                     e->d_name);
            CHECK(load(name) != NULL);
            unload();
            n++;
        }
        closedir(d);
    }
    CHECK(n >= 18);
}

static void test_thrift_test(void)
{
    /* the interop suite's file, the one ThriftTest.thrift of the project */
    pst_idl_program *p = load("../interop/ThriftTest.thrift");
    if (!p)
        return unload();
    CHECK(strcmp(p->c_prefix, "ThriftTest") == 0);
    const pst_idl_def *x = def(p, "Xtruct");
    CHECK(x && x->fields.count == 4 && x->fields.by_id[3]->id == 11);
    const pst_idl_def *svc = def(p, "ThriftTest");
    CHECK(svc && svc->nfunctions == 22);
    const pst_idl_function *oneway = &svc->functions[svc->nfunctions - 1];
    CHECK(oneway->oneway && strcmp(oneway->name, "testOneway") == 0);
    CHECK(def(p, "myNumberz")->resolved->enum_value == &def(p, "Numberz")->values[0]);
    CHECK_EQ_INT(def(p, "Numberz")->values[5].value, 8);
    CHECK(def(p, "SomeUnion")->kind == PST_IDL_DEF_UNION);
    unload();
}

static void test_structs(void)
{
    pst_idl_program *p = load("structs.thrift");
    if (!p)
        return unload();
    const pst_idl_def *imp = def(p, "Implicit");
    CHECK(imp && field(imp, "a")->id == -1 && field(imp, "b")->id == -2 &&
          field(imp, "c")->id == 1 && field(imp, "d")->id == -3);
    const pst_idl_def *np = def(p, "NonPositive");
    CHECK(np && field(np, "zero")->id == -1 && field(np, "negative")->id == -2);
    const pst_idl_def *shape = def(p, "Shape");
    CHECK(field(shape, "name")->req == PST_IDL_REQ_REQUIRED);
    CHECK(field(shape, "color")->resolved->enum_value);
    CHECK(field(shape, "origin")->resolved->kind == PST_IDL_V_STRUCT);
    CHECK_EQ_INT(field(shape, "corners")->resolved->count, 2);
    CHECK(strcmp(field(shape, "label")->resolved->s, "shape \"one\"\n") == 0);
    CHECK(field(shape, "big")->resolved->i == INT64_MAX);
    CHECK(field(shape, "small")->resolved->i == -32768);
    CHECK(shape->doc && strstr(shape->doc, "every requiredness"));
    CHECK(field(shape, "name")->doc && strcmp(field(shape, "name")->doc, "The name, always sent.") == 0);
    CHECK(def(p, "Value")->kind == PST_IDL_DEF_UNION);
    CHECK(def(p, "NotFound")->kind == PST_IDL_DEF_EXCEPTION);
    CHECK_EQ_INT(def(p, "Empty")->fields.count, 0);
    CHECK_EQ_INT(def(p, "Backwards")->fields.by_id[0]->id, 2);
    unload();
}

static void test_enums_and_consts(void)
{
    pst_idl_program *p = load("enums.thrift");
    if (p) {
        const pst_idl_def *m = def(p, "Mixed");
        int32_t want[] = { 0, 1, 10, 11, -3, -2, 32, 33 };
        CHECK_EQ_INT(m->nvalues, 8);
        for (int i = 0; i < 8 && i < (int)m->nvalues; i++)
            CHECK_EQ_INT(m->values[i].value, want[i]);
        CHECK_EQ_INT(def(p, "Limits")->values[0].value, INT32_MIN);
        CHECK_EQ_INT(def(p, "Seps")->nvalues, 4);
        CHECK_EQ_INT(def(p, "Aliases")->values[1].value, 1);
        CHECK(strcmp(pst__idl_annotation(&def(p, "Annotated")->values[1].annotations, "flag"), "1") == 0);
    }
    unload();

    p = load("consts.thrift");
    if (p) {
        CHECK(def(p, "I64_MIN")->resolved->i == INT64_MIN);
        CHECK(def(p, "HEX")->resolved->i == 0x7fffffff);
        CHECK(def(p, "NEG_HEX")->resolved->i == -16);
        CHECK(def(p, "LEADING_ZERO")->resolved->i == 99);
        CHECK(def(p, "HALF")->resolved->d == 0.5);
        CHECK(def(p, "FROM_INT")->resolved->kind == PST_IDL_V_DOUBLE);
        CHECK_EQ_INT(def(p, "COLORS")->resolved->count, 3); /* "red" twice */
        const pst_idl_value *ages = def(p, "AGES")->resolved;
        CHECK(ages->count == 2 && ages->values[0]->i == 32);
        CHECK_EQ_INT(def(p, "PRIMES")->resolved->count, 7);
        CHECK_EQ_INT(def(p, "EMPTY_SET")->resolved->count, 0);
        CHECK(def(p, "WIDENED")->resolved->i == INT32_MAX);
        CHECK(def(p, "LEVEL_BY_NUMBER")->resolved->enum_value);
        const pst_idl_value *refs = def(p, "REFERENCES")->resolved;
        CHECK(refs->count == 4 && refs->items[0]->i == 3 && refs->items[2]->i == 5);
        const pst_idl_value *h = def(p, "HOLDER")->resolved;
        CHECK(h->kind == PST_IDL_V_STRUCT && h->items[1]->count == 3);
        CHECK_EQ_INT(h->items[4]->count, 3); /* set {1, 2, 3, 1} */
        CHECK(def(p, "BRACED_ID")->resolved->uuid[0] == 0x01);
        CHECK(def(p, "ESCAPES")->resolved->len == strlen("tab\tnewline\nquote\"backslash\\cr\r'"));
    }
    unload();
}

static void test_services_and_includes(void)
{
    pst_idl_program *p = load("services.thrift");
    if (p) {
        const pst_idl_def *main_svc = def(p, "Main");
        CHECK(main_svc->extends == def(p, "Base"));
        CHECK(def(p, "Leaf")->extends == main_svc);
        CHECK(main_svc->doc && strstr(main_svc->doc, "The main service."));
        const pst_idl_function *fire = &main_svc->functions[1];
        CHECK(strcmp(fire->name, "fire") == 0 && fire->throws.count == 1);
        CHECK(main_svc->functions[2].oneway);
        CHECK(main_svc->functions[4].params.items[1].resolved->i == 1);
        CHECK_EQ_INT(main_svc->functions[6].params.items[2].id, -1);
        CHECK_EQ_INT(def(p, "Empty")->nfunctions, 0);
    }
    unload();

    p = load("includes.thrift");
    if (p) {
        unsigned n;
        pst__idl_programs(sess, &n);
        CHECK_EQ_INT(n, 5); /* base, shared, other, searched, includes */
        CHECK_EQ_INT(p->nincludes, 3);
        CHECK(strcmp(p->includes[0].name, "shared") == 0);
        CHECK(strcmp(p->includes[2].program->c_prefix, "inc_searched") == 0);
        const pst_idl_def *d = def(p, "Derived");
        CHECK(d->extends && strcmp(d->extends->name, "BaseService") == 0);
        CHECK(d->extends->extends && strcmp(d->extends->extends->name, "Root") == 0);
        CHECK(def(p, "ID_PLUS")->resolved->i == 1000);
        const pst_idl_field *f = field(def(p, "UsesIncluded"), "mood");
        CHECK(f->resolved->enum_value && strcmp(f->resolved->enum_value->name, "HAPPY") == 0);
    }
    unload();
}

/* A UTF-8 byte order mark at the start of a file is skipped, in the root
 * file and in included ones (as Apache Thrift does); positions count from
 * after it (a name after "struct " is at column 8). */
static void test_byte_order_mark(void)
{
    pst_idl_program *p = load("bom.thrift");
    CHECK(p != NULL);
    if (p) {
        CHECK_EQ_INT(p->nincludes, 1);
        CHECK(strcmp(p->includes[0].name, "bom_included") == 0);
        const pst_idl_def *d = def(p, "WithBom");
        CHECK(d && d->loc.line == 7 && d->loc.col == 8);
        const pst_idl_program *inc = p->includes[0].program;
        CHECK(inc && inc->ndefs == 1 && inc->defs[0]->loc.line == 2 &&
              inc->defs[0]->loc.col == 8);
    }
    unload();
    /* From a buffer too; a BOM alone is an empty file */
    static const char text[] = "\xef\xbb\xbfstruct S { 1: i32 a }";
    sess = pst__idl_session_new(NULL);
    p = pst__idl_load_buffer(sess, "mem.thrift", text, sizeof text - 1);
    CHECK(p && p->ndefs == 1 && p->defs[0]->loc.col == 8);
    unload();
    sess = pst__idl_session_new(NULL);
    CHECK(pst__idl_load_buffer(sess, "bom-only.thrift", "\xef\xbb\xbf", 3) != NULL);
    unload();
}

static void test_other_features(void)
{
    pst_idl_program *p = load("namespaces.thrift");
    if (p) {
        CHECK(strcmp(p->c_prefix, "my_product_api") == 0);
        CHECK_EQ_INT(p->ncpp_includes, 2);
        CHECK(p->doc != NULL);
    }
    unload();

    p = load("comments.thrift");
    if (p) {
        CHECK(p->doc && strstr(p->doc, "documents the file"));
        const pst_idl_def *doc = def(p, "Doc");
        CHECK(field(doc, "a")->doc && strcmp(field(doc, "a")->doc, "Doc for a field.") == 0);
        CHECK(field(doc, "b")->doc == NULL);
        CHECK(field(doc, "c")->doc == NULL);
        CHECK(field(doc, "d")->doc != NULL);
        CHECK(field(doc, "e")->resolved->i == 5);
        CHECK(def(p, "Sloppy")->doc && strcmp(def(p, "Sloppy")->doc,
                                             "Sloppy\ndoc without stars\n    and odd indentation") == 0);
        CHECK(def(p, "EmptyDoc")->doc == NULL);
        CHECK(def(p, "Commented")->functions[0].params.items[0].doc != NULL);
    }
    unload();

    p = load("recursive.thrift");
    if (p) {
        CHECK(!def(p, "Tree")->recursive);
        CHECK(def(p, "Node")->recursive && def(p, "Self")->recursive);
        CHECK(def(p, "A")->recursive && def(p, "B")->recursive && def(p, "C")->recursive);
        CHECK(def(p, "Expr")->recursive && def(p, "Binary")->recursive);
        CHECK(def(p, "Chain")->recursive && def(p, "Loop")->recursive);
        CHECK(!def(p, "Holder")->recursive);
    }
    unload();

    p = load("legacy.thrift");
    if (p) {
        CHECK(def(p, "Fruit")->kind == PST_IDL_DEF_SENUM && def(p, "Fruit")->nstrings == 3);
        const pst_idl_def *x = def(p, "Xsd");
        CHECK(x->xsd_all && field(x, "plain")->xsd_optional && field(x, "nillable")->xsd_nillable);
        CHECK_EQ_INT(field(x, "attributed")->nxsd_attrs, 2);
        const pst_idl_def *l = def(p, "Legacy");
        CHECK(field(l, "older")->type->slist);
        CHECK(field(l, "b")->type->byte);
        CHECK(strcmp(field(l, "ints")->type->cpp_type, "std::vector<int>") == 0);
        CHECK(strcmp(field(l, "ints2")->type->cpp_type, "std::list<int>") == 0);
        CHECK(field(l, "self_ref")->reference);
        CHECK(def(p, "LegacyService")->functions[0].oneway); /* async */
    }
    unload();

    p = load("annotations.thrift");
    if (p) {
        const pst_idl_def *a = def(p, "Annotated");
        CHECK(strcmp(pst__idl_annotation(&a->annotations, "annotation.without.value"), "1") == 0);
        CHECK(strcmp(pst__idl_annotation(&field(a, "typed")->type->annotations, "type.note"),
                     "on the type") == 0);
        CHECK(strcmp(pst__idl_annotation(&def(p, "Small")->annotations, "typedef.note"),
                     "after the name") == 0);
        const pst_idl_def *svc = def(p, "Annotations");
        CHECK(strstr(pst__idl_annotation(&svc->functions[2].annotations, "deprecated"), "\"y\""));
    }
    unload();

    p = load("keywords_as_names.thrift");
    if (p)
        CHECK_EQ_INT(def(p, "Keywords")->fields.count, 30);
    unload();
}

int main(void)
{
    snprintf(idl_dir, sizeof idl_dir, "%s", __FILE__);
    char *slash = strrchr(idl_dir, '/');
    if (slash)
        strcpy(slash, "/../idl");
    RUN(test_every_file_loads);
    RUN(test_thrift_test);
    RUN(test_structs);
    RUN(test_enums_and_consts);
    RUN(test_services_and_includes);
    RUN(test_byte_order_mark);
    RUN(test_other_features);
    return test_report();
}
