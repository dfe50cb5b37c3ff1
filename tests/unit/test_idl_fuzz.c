/*
 * test_idl_fuzz.c: a deterministic fuzz run of the IDL front end and the
 * emitter, for CTest with any compiler.
 *
 * Feeds LLVMFuzzerTestOneInput (tests/fuzz/fuzz_idl.c) every .thrift file
 * under tests/idl and tests/golden (found next to this source file, or in
 * the directories given as arguments) and, for each, 1500 variants from a
 * fixed-seed
 * generator: truncations, byte flips, insertions of IDL punctuation,
 * deletions, splices of other seeds; then hand-made extremes: 100000 open
 * brackets, parentheses, braces and `list<`, huge identifiers, strings and
 * numbers, struct and enum bodies with tens of thousands of members. It
 * passes when nothing crashes (run it under -DPOSTERN_SANITIZE=ON for
 * memory errors); CTest's timeout catches hangs.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../fuzz/fuzz_idl.c"

typedef struct seed {
    char *data;
    size_t len;
} seed;

static seed *seeds;
static size_t nseeds, seeds_cap;
static unsigned long runs;

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic across platforms */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rng() % n) : 0;
}

static void run(const char *data, size_t len)
{
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    runs++;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("test_idl_fuzz: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void add_seed(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || n > (1 << 20)) {
        fclose(f);
        return;
    }
    if (nseeds == seeds_cap) {
        seeds_cap = seeds_cap ? seeds_cap * 2 : 64;
        seeds = realloc(seeds, seeds_cap * sizeof *seeds);
        if (!seeds)
            exit(1);
    }
    seed *s = &seeds[nseeds++];
    s->data = xmalloc((size_t)n + 1);
    s->len = fread(s->data, 1, (size_t)n, f);
    fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Recursively, in sorted order so runs are reproducible. */
static void scan(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 4) {
        if (d)
            closedir(d);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                exit(1);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = xmalloc(len);
        snprintf(path, len, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            scan(path, depth + 1);
        else if (strlen(names[i]) > 7 && strcmp(names[i] + strlen(names[i]) - 7, ".thrift") == 0)
            add_seed(path);
        free(path);
        free(names[i]);
    }
    free(names);
}

static const char *const pieces[] = {
    "{", "}", "[", "]", "(", ")", "<", ">", ":", ";", ",", "=", "&", "*", "\"", "'",
    "/*", "*/", "/**", "//", "#", "\n", "0", "-1", "0x", "1e999", "99999999999999999999",
    "struct ", "union ", "exception ", "enum ", "senum ", "typedef ", "const ", "service ",
    "extends ", "throws ", "oneway ", "void ", "list<", "set<", "map<", "i32 ", "string ",
    "uuid ", "required ", "optional ", "include \"x.thrift\"\n", "namespace c x\n",
    "xsd_attrs { ", "cpp_type \"t\" ", "A.B", "S", "\\", "\x00", "\xff", "true", "1:",
};

static void mutate(const seed *s)
{
    size_t cap = s->len + 4096;
    char *buf = xmalloc(cap);

    /* truncations */
    size_t step = s->len / 97 + 1;
    for (size_t cut = 0; cut <= s->len; cut += step)
        run(s->data, cut);

    for (int round = 0; round < 1500; round++) {
        memcpy(buf, s->data, s->len);
        size_t len = s->len;
        int edits = 1 + (int)below(4);
        for (int k = 0; k < edits; k++) {
            size_t at = below(len + 1);
            switch (below(5)) {
            case 0: /* flip a byte */
                if (len)
                    buf[below(len)] = (char)rng();
                break;
            case 1: { /* insert a piece of IDL */
                const char *p = pieces[below(sizeof pieces / sizeof pieces[0])];
                size_t pl = strlen(p) ? strlen(p) : 1; /* "\0" inserts a NUL */
                if (len + pl < cap) {
                    memmove(buf + at + pl, buf + at, len - at);
                    memcpy(buf + at, p, pl);
                    len += pl;
                }
                break;
            }
            case 2: { /* delete a span */
                size_t n = below(len - at + 1);
                if (n > 64)
                    n = 64;
                memmove(buf + at, buf + at + n, len - at - n);
                len -= n;
                break;
            }
            case 3: { /* duplicate a span of the seed (every inserted byte
                         * written: the input stays the same run to run) */
                size_t from = below(s->len + 1), n = below(s->len - from + 1);
                if (n > 256)
                    n = 256;
                if (len + n < cap) {
                    memmove(buf + at + n, buf + at, len - at);
                    memcpy(buf + at, s->data + from, n);
                    len += n;
                }
                break;
            }
            default: { /* splice in part of another seed */
                const seed *o = &seeds[below(nseeds)];
                size_t from = below(o->len + 1), n = below(o->len - from + 1);
                if (n > 512)
                    n = 512;
                if (len + n < cap) {
                    memmove(buf + at + n, buf + at, len - at);
                    memcpy(buf + at, o->data + from, n);
                    len += n;
                }
                break;
            }
            }
        }
        run(buf, len);
    }
    free(buf);
}

/* text = head + unit * n + tail */
static void repeated(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *buf = xmalloc(hl + ul * n + tl + 1);
    memcpy(buf, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + hl + i * ul, unit, ul);
    memcpy(buf + hl + ul * n, tail, tl);
    run(buf, hl + ul * n + tl);
    free(buf);
}

static void extremes(void)
{
    const size_t N = 100000;
    repeated("", "[", N, "");
    repeated("", "(", N, "");
    repeated("", "{", N, "");
    repeated("const list<i32> X = ", "[", N, "");
    repeated("const map<i32,i32> X = ", "{", N, "");
    repeated("typedef ", "list<", N, "i32");
    repeated("typedef ", "map<i32,", N, "i32");
    repeated("struct S { 1: i32 a (", "(", N, "");
    repeated("struct S { 1: i32 a ", "xsd_attrs { 1: i32 b ", N / 10, "");
    repeated("", "/*", N, "");
    repeated("", "/**/", N, "struct S {}");
    repeated("", "\"", N, "");
    repeated("struct ", "a", N * 10, " {}");
    repeated("const string S = \"", "x", N * 10, "\"");
    repeated("const i64 X = ", "9", N, "");
    repeated("const double X = 0.", "1", N, "");
    repeated("struct S {\n", "i32 f\n", N, "}");
    repeated("struct S {\n", "1: i32 f\n", 1000, "}");
    repeated("enum E {\n", "A\n", N, "}");
    repeated("service S {\n", "void m()\n", 1000, "}");
    repeated("struct S { 1: i32 a }\nconst list<S> L = [", "{\"a\": 1}, ", N, "]");
    repeated("const set<i32> S = [", "1, ", N, "]");
    repeated("", "struct S {}\n", 2000, "");
    char *text = xmalloc(1 << 16), *o = text; /* each case below stays under 16 KiB */
    /* constants that double at each step */
    o += sprintf(o, "typedef list<i32> L0\nconst L0 C0 = [1, 2]\n");
    for (int i = 1; i < 60; i++)
        o += sprintf(o, "typedef list<L%d> L%d\nconst L%d C%d = [C%d, C%d]\n", i - 1, i, i, i,
                     i - 1, i - 1);
    run(text, (size_t)(o - text));
    /* defaults that contain themselves, or double at each level */
    o = text;
    o += sprintf(o, "struct R { 1: optional R r = {}, 2: optional R s = {\"r\": {}} }\n");
    for (int i = 0; i < 40; i++)
        o += sprintf(o, "struct S%d { 1: S%d a = {}, 2: S%d b = {} }\n", i, i + 1, i + 1);
    o += sprintf(o, "struct S40 { 1: i32 x = 1 }\n");
    run(text, (size_t)(o - text));
    /* a long chain of structs, each defaulting the next */
    o = text;
    for (int i = 0; i < 500; i++)
        o += sprintf(o, "struct S%d{1:S%d n={}}\n", i, i + 1);
    o += sprintf(o, "struct S500{1:i32 x=1}\n");
    run(text, (size_t)(o - text));
    /* typedef and extends chains */
    o = text;
    for (int i = 1; i < 300; i++)
        o += sprintf(o, "typedef T%d T%d\n", i, i - 1);
    o += sprintf(o, "typedef T0 T299\n");
    run(text, (size_t)(o - text));
    o = text;
    for (int i = 1; i < 300; i++)
        o += sprintf(o, "service S%d extends S%d {}\n", i - 1, i);
    o += sprintf(o, "service S299 extends S0 {}\n");
    run(text, (size_t)(o - text));
    free(text);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        scan(argv[i], 0);
    if (argc < 2) {
        /* tests/unit/<this file> -> tests/idl, tests/golden */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", __FILE__);
        char *slash = strrchr(dir, '/');
        if (slash) {
            strcpy(slash, "/../idl");
            scan(dir, 0);
            strcpy(strrchr(dir, '/'), "/golden");
            scan(dir, 0);
        }
    }
    if (!nseeds) {
        fprintf(stderr, "test_idl_fuzz: no .thrift seeds (give seed directories)\n");
        return 1;
    }
    for (size_t i = 0; i < nseeds; i++) {
        run(seeds[i].data, seeds[i].len);
        mutate(&seeds[i]);
    }
    extremes();
    printf("test_idl_fuzz: %lu inputs from %zu seeds, no crash\n", runs, nseeds);
    for (size_t i = 0; i < nseeds; i++)
        free(seeds[i].data);
    free(seeds);
    return 0;
}
