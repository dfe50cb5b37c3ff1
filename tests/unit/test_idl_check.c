/*
 * test_idl_check.c: every kind of bad input gets its "file:line:col:
 * message", and includes are found, loaded once, and cycles reported.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idl/idl.h"
#include "test.h"

/* All diagnostics of a load as "file:line:col: message" lines. */
static char *load_messages(const char *text, bool *ok, const pst_idl_options *opt)
{
    pst_idl_session *s = pst__idl_session_new(opt);
    *ok = pst__idl_load_buffer(s, "e.thrift", text, strlen(text)) != NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    pst__idl_print_diags(s, f);
    fclose(f);
    pst__idl_session_free(s);
    return buf;
}

typedef struct bad_case {
    const char *text;
    const char *expect;
} bad_case;

static const bad_case bad_cases[] = {
    /* syntax */
    { "struct S {\n  1: i32 a\n", "e.thrift:1:10: '{' of struct 'S' is never closed" },
    { "struct S { 1: i32 }", "e.thrift:1:19: expected field name, found '}'" },
    { "struct S { 1: void v }", "e.thrift:1:15: 'void' is only allowed as a method's return type" },
    { "struct S {} ;", "e.thrift:1:13: expected a definition (struct, union, exception, enum, typedef, const or service), found ';'" },
    { "struct S {}\ninclude \"x.thrift\"", "e.thrift:2:1: 'include' must come before all definitions" },
    { "struct a.b {}", "e.thrift:1:8: struct name 'a.b' must not contain '.'" },
    { "struct S { 1: i32 a.b }", "e.thrift:1:19: field name 'a.b' must not contain '.'" },
    { "struct S { 40000: i32 a }", "e.thrift:1:12: field id 40000 is out of range (1 to 32767)" },
    { "const i32 X 5", "e.thrift:1:13: expected '=' after constant name 'X', found number '5'" },
    { "const list<i32> L = [1, 2", "e.thrift:1:21: list value '[' is never closed" },
    { "const map<i32,i32> M = {1 2}", "e.thrift:1:27: expected ':' between map key and value, found number '2'" },
    { "typedef map<i32> M", "e.thrift:1:16: expected ',' between map key and value types, found '>'" },
    { "service S { f() }", "e.thrift:1:14: expected method name, found '('" },
    { "service S { void f( }", "e.thrift:1:21: expected a type, found '}'" },
    { "service S { void f(", "e.thrift:1:19: '(' of the parameters of 'f' is never closed" },
    { "enum E { A = x }", "e.thrift:1:14: expected integer as value of 'A', found identifier 'x'" },
    { "namespace", "e.thrift:1:10: expected language name or '*' after 'namespace', found end of file" },
    { "struct S { 1: i32 a (k = 5) }", "e.thrift:1:26: expected string literal as annotation value, found number '5'" },
    /* lexical errors carry their position too */
    { "const string S = \"a\\zb\"", "e.thrift:1:20: bad escape '\\z'" },
    { "const i64 X = 9876543210987654321", "e.thrift:1:15: integer '9876543210987654321' does not fit in 64 bits" },
    /* names */
    { "struct S { 1: Strng name }", "e.thrift:1:15: unknown type 'Strng'" },
    { "struct S { 1: other.T t }", "e.thrift:1:15: unknown type 'other.T'" },
    { "service X {}\nstruct S { 1: X x }", "e.thrift:2:15: 'X' is a service, not a type" },
    { "struct S {}\nenum S {}", "e.thrift:2:6: 'S' is already defined (as struct at line 1)" },
    { "const i32 C = 1\nconst i32 C = 2", "e.thrift:2:11: 'C' is already defined (as constant at line 1)" },
    { "enum E { A, B, A }", "e.thrift:1:16: enum value 'A' is already defined in enum 'E' (line 1)" },
    { "typedef B A\ntypedef A B", "refers to itself" },
    { "service S extends T {}", "e.thrift:1:19: unknown service 'T'" },
    { "struct T {}\nservice S extends T {}", "e.thrift:2:19: 'T' is a struct, not a service" },
    { "service A extends B {}\nservice B extends A {}", "extends itself" },
    /* fields */
    { "struct S {\n 1: i32 a\n 1: i32 b }", "e.thrift:3:9: duplicate field id 1 in struct 'S': 'a' and 'b'" },
    { "struct S {\n 1: i32 a\n 2: i32 a }", "e.thrift:3:9: duplicate field name 'a' in struct 'S' (first at line 2)" },
    { "union U { 1: i32 a = 1, 2: i32 b = 2 }", "e.thrift:1:32: union 'U' has default values for both 'a' and 'b'" },
    { "service S { void f(1: i32 a, 1: i32 b) }", "e.thrift:1:37: duplicate field id 1 in the parameters of 'S.f'" },
    /* methods */
    { "service S { void f()\n void f() }", "e.thrift:2:7: method 'f' is already defined in service 'S' (line 1)" },
    { "service S { oneway i32 f() }", "e.thrift:1:20: oneway method 'S.f' must return void" },
    { "exception X {}\nservice S { oneway void f() throws (1: X x) }", "e.thrift:2:42: oneway method 'S.f' cannot throw exceptions" },
    { "struct X {}\nservice S { void f() throws (1: X x) }", "e.thrift:2:33: throws clause of 'S.f' names 'X', which is a struct, not an exception" },
    { "service S { void f() throws (1: i32 x) }", "which is an i32, not an exception" },
    /* constants and defaults */
    { "const i32 X = \"a\"", "e.thrift:1:15: type mismatch in constant 'X': expected i32, found a string" },
    { "const string X = 1", "type mismatch in constant 'X': expected string, found an integer" },
    { "const double X = \"1\"", "expected double, found a string" },
    { "const bool X = 1.5", "expected bool, found a floating-point number" },
    { "const i8 X = 300", "e.thrift:1:14: value 300 is out of range for i8 in constant 'X'" },
    { "const i16 X = -32769", "value -32769 is out of range for i16" },
    { "const i32 X = 2147483648", "value 2147483648 is out of range for i32" },
    { "enum foo { bar = 68719476736 }", "e.thrift:1:18: value 68719476736 of enum value 'foo.bar' does not fit in i32" },
    { "enum E { A = 2147483647, B }", "e.thrift:1:26: enum value 'E.B' would be 2147483648, which does not fit in i32" },
    { "const list<i32> L = [1, \"x\"]", "e.thrift:1:25: type mismatch in an element of constant 'L': expected i32, found a string" },
    { "const list<i32> L = {1: 2}", "expected list<i32>, found a map" },
    { "const map<i32, i32> M = {1: \"x\"}", "type mismatch in an entry of constant 'M'" },
    { "struct P { 1: i32 a }\nconst P X = {\"b\": 1}", "e.thrift:2:14: struct 'P' has no field 'b' (in constant 'X')" },
    { "struct P { 1: i32 a }\nconst P X = {1: 1}", "field names in a struct value must be strings" },
    { "struct P { 1: i32 a }\nconst P X = {\"a\": \"s\"}", "type mismatch in field 'a' of constant 'X': expected i32" },
    { "union U { 1: i32 a, 2: i32 b }\nconst U X = {\"a\": 1, \"b\": 2}", "a value of union 'U' may set only one field" },
    { "const i32 X = Y", "e.thrift:1:15: unknown constant or enum value 'Y'" },
    { "const i32 A = B\nconst i32 B = A", "refers to itself" },
    { "enum E { ONE = 1 }\nconst E X = ONE", "e.thrift:2:13: enum value 'ONE' must be qualified: write 'E.ONE'" },
    { "enum E { ONE = 1 }\nconst E X = 7", "e.thrift:2:13: 7 is not a value of enum 'E' (in constant 'X')" },
    { "enum E { ONE = 1 }\nconst E X = E.TWO", "e.thrift:2:13: enum 'E' has no value 'TWO'" },
    { "enum E { ONE = 1 }\nenum F { TWO = 2 }\nconst E X = F.TWO", "'F.TWO' is a value of enum 'F', not of 'E'" },
    { "const uuid U = \"not-a-uuid\"", "e.thrift:1:16: 'not-a-uuid' is not a uuid" },
    { "struct S { 1: i32 a = \"x\" }", "e.thrift:1:23: type mismatch in the default of field 'a' of struct 'S': expected i32, found a string" },
    { "service S { void f(1: i32 a = \"x\") }", "the default of field 'a' of the parameters of 'S.f'" },
};

static void test_bad_inputs(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        bool ok;
        char *msgs = load_messages(bad_cases[i].text, &ok, NULL);
        bool found = msgs && strstr(msgs, bad_cases[i].expect);
        CHECK(!ok);
        CHECK(found);
        if (ok || !found)
            fprintf(stderr, "  input: %s\n  want:  %s\n  got:   %s\n", bad_cases[i].text,
                    bad_cases[i].expect, msgs ? msgs : "(nothing)");
        free(msgs);
    }
}

/* A union member declared required becomes optional, with a warning (as
 * in Apache Thrift); the file still loads. */
static void test_required_union_member(void)
{
    static const char text[] = "union UR {\n  1: required i32 a,\n  2: i32 b\n}\n";
    bool ok = false;
    pst_idl_options wopt = { 0 };
    wopt.warnings = true;
    char *msgs = load_messages(text, &ok, &wopt);
    CHECK(ok);
    CHECK(msgs && strstr(msgs, "e.thrift:2:19: warning: member 'a' of union 'UR' is "
                               "declared required; union members are optional") != NULL);
    if (msgs && !strstr(msgs, "union members are optional"))
        fprintf(stderr, "  got: %s\n", msgs);
    free(msgs);
    pst_idl_session *s = pst__idl_session_new(NULL);
    pst_idl_program *p = pst__idl_load_buffer(s, "e.thrift", text, strlen(text));
    CHECK(p && p->ndefs == 1);
    if (p && p->ndefs == 1) {
        CHECK_EQ_INT(p->defs[0]->fields.items[0].req, PST_IDL_REQ_OPTIONAL);
        CHECK_EQ_INT(p->defs[0]->fields.items[1].req, PST_IDL_REQ_DEFAULT);
    }
    pst__idl_session_free(s);
    /* required members of structs and exceptions stay required */
    static const char st[] = "struct S { 1: required i32 a }\nexception E { 1: required i32 a }";
    s = pst__idl_session_new(NULL);
    p = pst__idl_load_buffer(s, "e.thrift", st, strlen(st));
    CHECK(p && p->ndefs == 2);
    if (p && p->ndefs == 2) {
        CHECK_EQ_INT(p->defs[0]->fields.items[0].req, PST_IDL_REQ_REQUIRED);
        CHECK_EQ_INT(p->defs[1]->fields.items[0].req, PST_IDL_REQ_REQUIRED);
    }
    pst__idl_session_free(s);
}

static void test_deep_nesting(void)
{
    /* 100000 levels of anything: a clear error, no stack overflow */
    const char *heads[] = { "const list<i32> X = ", "typedef ", "struct S { 1: i32 a (" };
    const char *units[] = { "[", "list<", "(" };
    for (int k = 0; k < 3; k++) {
        size_t n = 100000, hl = strlen(heads[k]), ul = strlen(units[k]);
        char *text = malloc(hl + n * ul + 1);
        memcpy(text, heads[k], hl);
        for (size_t i = 0; i < n; i++)
            memcpy(text + hl + i * ul, units[k], ul);
        text[hl + n * ul] = '\0';
        bool ok;
        char *msgs = load_messages(text, &ok, NULL);
        CHECK(!ok);
        CHECK(msgs && (strstr(msgs, "nesting deeper than 100 levels") ||
                       strstr(msgs, "expected annotation name")));
        free(msgs);
        free(text);
    }
    /* depth through typedefs, which the parser cannot see */
    char *text = malloc(200 * 64);
    char *o = text;
    o += sprintf(o, "typedef list<i32> T0\n");
    for (int i = 1; i < 150; i++)
        o += sprintf(o, "typedef list<T%d> T%d\n", i - 1, i);
    bool ok;
    char *msgs = load_messages(text, &ok, NULL);
    CHECK(!ok);
    CHECK(msgs && strstr(msgs, "nests containers deeper than 100 levels"));
    free(msgs);
    /* a long typedef chain is fine (no recursion over it) */
    o = text;
    o += sprintf(o, "struct S { 1: T149 t }\n");
    for (int i = 149; i > 0; i--)
        o += sprintf(o, "typedef T%d T%d\n", i - 1, i);
    sprintf(o, "typedef i32 T0\n");
    msgs = load_messages(text, &ok, NULL);
    CHECK(ok);
    free(msgs);
    free(text);
}

static void test_exponential_constants(void)
{
    /* each constant doubles the last: expansion must be bounded */
    char text[4096], *o = text;
    o += sprintf(o, "const list<i32> C0 = [1, 2]\n");
    for (int i = 1; i < 40; i++)
        o += sprintf(o, "const list<list<i32>> C%d = [C%d, C%d]\n", i, i - 1, i - 1);
    bool ok;
    char *msgs = load_messages(text, &ok, NULL);
    CHECK(!ok);
    CHECK(msgs && (strstr(msgs, "too large") || strstr(msgs, "type mismatch")));
    free(msgs);
    o = text;
    o += sprintf(o, "typedef list<i32> L0\nconst L0 C0 = [1, 2]\n");
    for (int i = 1; i < 40; i++)
        o += sprintf(o, "typedef list<L%d> L%d\nconst L%d C%d = [C%d, C%d]\n", i - 1, i, i, i,
                     i - 1, i - 1);
    msgs = load_messages(text, &ok, NULL);
    CHECK(!ok);
    CHECK(msgs && strstr(msgs, "too large once references are expanded"));
    free(msgs);
}

static void test_memory_limit(void)
{
    pst_idl_options opt = { 0 };
    opt.max_memory = 64 * 1024;
    char *text = malloc(1 << 20);
    char *o = text;
    for (int i = 0; i < 20000; i++)
        o += sprintf(o, "struct S%d { 1: i32 a }\n", i);
    bool ok;
    char *msgs = load_messages(text, &ok, &opt);
    CHECK(!ok);
    CHECK(msgs && strstr(msgs, "out of memory"));
    free(msgs);
    free(text);
}

/* ---- includes, with real files ------------------------------------------ */

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0777);
    *slash = '/';
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static pst_idl_program *load_file(pst_idl_session *s, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return pst__idl_load_file(s, path);
}

static bool diag_has(pst_idl_session *s, const char *text)
{
    for (const pst_idl_diag *d = pst__idl_diags(s); d; d = d->next) {
        char line[600];
        snprintf(line, sizeof line, "%s:%u:%u: %s", d->loc.file ? d->loc.file : "", d->loc.line,
                 d->loc.col, d->message);
        if (strstr(line, text))
            return true;
    }
    fprintf(stderr, "  no diagnostic with '%s'; got:\n", text);
    pst__idl_print_diags(s, stderr);
    return false;
}

static void test_includes(void)
{
    snprintf(dir, sizeof dir, "/tmp/pst_idl_test_XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    put("base.thrift", "namespace c b\nenum E { X = 1 }\nconst i32 K = 7\nstruct T { 1: E e }\n"
                       "service Root { void ping() }\n");
    put("mid/left.thrift", "include \"../base.thrift\"\nstruct L { 1: base.T t }\n");
    put("mid/right.thrift", "include \"base.thrift\"\nstruct R { 1: base.T t = {\"e\": base.E.X} }\n");
    put("inc/base.thrift", "struct Other {}\n"); /* must not be picked for mid/right */
    put("top.thrift", "include \"mid/left.thrift\"\ninclude \"mid/right.thrift\"\n"
                      "const i32 K2 = base.K\n"
                      "struct Top { 1: left.L l, 2: right.R r }\n"
                      "service S extends base.Root {}\n");
    pst_idl_session *s = pst__idl_session_new(NULL);
    /* right.thrift's "base.thrift" is not next to it: found through -I */
    char search[128];
    snprintf(search, sizeof search, "%s", dir);
    pst__idl_session_add_include_dir(s, search);
    pst_idl_program *p = load_file(s, "top.thrift");
    /* top cannot name base.Root: includes are not transitive for names */
    CHECK(p == NULL);
    CHECK(diag_has(s, "top.thrift:5:19: unknown service 'base.Root'"));
    pst__idl_session_free(s);

    put("top.thrift", "include \"mid/left.thrift\"\ninclude \"mid/right.thrift\"\n"
                      "include \"base.thrift\"\n"
                      "const i32 K2 = base.K\n"
                      "struct Top { 1: left.L l, 2: right.R r }\n"
                      "service S extends base.Root {}\n");
    s = pst__idl_session_new(NULL);
    pst__idl_session_add_include_dir(s, search);
    p = load_file(s, "top.thrift");
    CHECK(p != NULL);
    unsigned n;
    pst_idl_program *const *all = pst__idl_programs(s, &n);
    CHECK_EQ_INT(n, 4); /* base loaded once though reached three ways */
    CHECK(all[n - 1] == p);
    if (p) {
        CHECK(strcmp(all[0]->name, "base") == 0 && strcmp(all[0]->c_prefix, "b") == 0);
        CHECK(p->defs[2]->extends && strcmp(p->defs[2]->extends->name, "Root") == 0);
        CHECK(p->defs[0]->resolved && p->defs[0]->resolved->i == 7);
    }
    pst__idl_session_free(s);

    /* missing file, cycles, clashing include names */
    put("missing.thrift", "include \"nowhere.thrift\"\n");
    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "missing.thrift") == NULL);
    CHECK(diag_has(s, "missing.thrift:1:9: cannot find included file 'nowhere.thrift'"));
    pst__idl_session_free(s);

    put("a.thrift", "include \"b.thrift\"\nstruct A {}\n");
    put("b.thrift", "include \"a.thrift\"\nstruct B {}\n");
    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "a.thrift") == NULL);
    CHECK(diag_has(s, "b.thrift:1:9: include cycle"));
    pst__idl_session_free(s);

    put("twice.thrift", "include \"base.thrift\"\ninclude \"inc/base.thrift\"\n");
    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "twice.thrift") == NULL);
    CHECK(diag_has(s, "twice.thrift:2:9: two included files are named 'base'"));
    pst__idl_session_free(s);

    /* Includes nest 64 files deep (the root is depth 0); one more is an
     * error at the include that goes too deep (a documented limit:
     * Thrift has none) */
    for (int i = 0; i <= 65; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "deep/d%d.thrift", i);
        if (i < 65)
            snprintf(text, sizeof text, "include \"d%d.thrift\"\nstruct S%d {}\n", i + 1, i);
        else
            snprintf(text, sizeof text, "struct S%d {}\n", i);
        put(name, text);
    }
    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "deep/d1.thrift") != NULL); /* d2 .. d65: 64 deep */
    pst__idl_session_free(s);
    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "deep/d0.thrift") == NULL);
    CHECK(diag_has(s, "d64.thrift:1:9: includes nested deeper than 64 files"));
    pst__idl_session_free(s);

    put("self.thrift", "include \"self.thrift\"\n");
    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "self.thrift") == NULL);
    CHECK(diag_has(s, "include cycle"));
    pst__idl_session_free(s);

    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "does-not-exist.thrift") == NULL);
    CHECK(diag_has(s, "cannot open"));
    pst__idl_session_free(s);

    s = pst__idl_session_new(NULL);
    CHECK(load_file(s, "mid") == NULL); /* a directory */
    CHECK(diag_has(s, "is not a regular file"));
    pst__idl_session_free(s);

    /* no_includes: the text is parsed, included names stay unknown */
    pst_idl_options opt = { 0 };
    opt.no_includes = true;
    s = pst__idl_session_new(&opt);
    const char *text = "include \"base.thrift\"\nstruct S { 1: base.T t }\n";
    CHECK(pst__idl_load_buffer(s, "x.thrift", text, strlen(text)) == NULL);
    CHECK(diag_has(s, "x.thrift:2:15: unknown type 'base.T'"));
    pst__idl_session_free(s);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(test_bad_inputs);
    RUN(test_required_union_member);
    RUN(test_deep_nesting);
    RUN(test_exponential_constants);
    RUN(test_memory_limit);
    RUN(test_includes);
    return test_report();
}
