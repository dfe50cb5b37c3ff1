/*
 * session.c: a load from start to end: reading files, finding includes,
 * running the parser, resolver and checker in order, and keeping the
 * diagnostics.
 */
#include "idl/session.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "postern/error.h"

#define DEFAULT_MAX_MEMORY ((size_t)1 << 30)
#define DEFAULT_MAX_FILE ((size_t)256 << 20)
#define DEFAULT_MAX_DEPTH 100u
#define DEFAULT_MAX_ERRORS 50u
#define MAX_INCLUDE_DEPTH 64u

static void out_of_memory(void *ctx)
{
    pst_idl_session *s = ctx;
    pst__idl_error(s, NULL, "out of memory: the IDL needs more than %zu bytes",
                   s->opt.max_memory);
    if (s->fatal)
        longjmp(*s->fatal, 1);
    abort();
}

pst_idl_session *pst__idl_session_new(const pst_idl_options *opt)
{
    pst_idl_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (opt)
        s->opt = *opt;
    if (!s->opt.max_memory)
        s->opt.max_memory = DEFAULT_MAX_MEMORY;
    if (!s->opt.max_file_size)
        s->opt.max_file_size = DEFAULT_MAX_FILE;
    if (!s->opt.max_depth)
        s->opt.max_depth = DEFAULT_MAX_DEPTH;
    if (!s->opt.max_errors)
        s->opt.max_errors = DEFAULT_MAX_ERRORS;
    pst__idl_pool_init(&s->pool, s->opt.max_memory, out_of_memory, s);
    s->diag_tail = &s->diags;
    return s;
}

void pst__idl_session_free(pst_idl_session *s)
{
    if (!s)
        return;
    pst_idl_diag *d = s->diags;
    while (d) {
        pst_idl_diag *next = d->next;
        free(d->message);
        free(d);
        d = next;
    }
    for (unsigned i = 0; i < s->ninclude_dirs; i++)
        free(s->include_dirs[i]);
    free(s->include_dirs);
    pst__idl_pool_release(&s->pool);
    free(s);
}

int pst__idl_session_add_include_dir(pst_idl_session *s, const char *dir)
{
    char **dirs = realloc(s->include_dirs, (s->ninclude_dirs + 1) * sizeof *dirs);
    if (!dirs)
        return PST_E_NOMEM;
    s->include_dirs = dirs;
    if (!(dirs[s->ninclude_dirs] = strdup(dir)))
        return PST_E_NOMEM;
    s->ninclude_dirs++;
    return 0;
}

/* ---- diagnostics -------------------------------------------------------- */

/* Diagnostics are malloc'ed, not pooled: "out of memory" must still fit. */
static void add_diag(pst_idl_session *s, pst_idl_severity sev, const pst_idl_loc *loc,
                     const char *fmt, va_list ap)
{
    if (sev == PST_IDL_ERROR)
        s->nerrors++;
    else if (!s->opt.warnings)
        return;
    if (s->ndiags >= s->opt.max_errors)
        return;
    pst_idl_diag *d = calloc(1, sizeof *d);
    if (!d)
        return;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    d->message = strdup(buf);
    if (!d->message) {
        free(d);
        return;
    }
    d->severity = sev;
    if (loc)
        d->loc = *loc;
    *s->diag_tail = d;
    s->diag_tail = &d->next;
    s->ndiags++;
}

void pst__idl_error(pst_idl_session *s, const pst_idl_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag(s, PST_IDL_ERROR, loc, fmt, ap);
    va_end(ap);
}

void pst__idl_warn(pst_idl_session *s, const pst_idl_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_diag(s, PST_IDL_WARNING, loc, fmt, ap);
    va_end(ap);
}

const pst_idl_diag *pst__idl_diags(const pst_idl_session *s)
{
    return s->diags;
}

unsigned pst__idl_error_count(const pst_idl_session *s)
{
    return s->nerrors;
}

void pst__idl_print_diags(const pst_idl_session *s, FILE *f)
{
    unsigned shown = 0;
    for (const pst_idl_diag *d = s->diags; d; d = d->next) {
        const char *sev = d->severity == PST_IDL_WARNING ? "warning: " : "";
        if (d->loc.file)
            fprintf(f, "%s:%u:%u: %s%s\n", d->loc.file, d->loc.line, d->loc.col, sev,
                    d->message);
        else
            fprintf(f, "%s%s\n", sev, d->message);
        shown += d->severity == PST_IDL_ERROR;
    }
    if (s->nerrors > shown)
        fprintf(f, "(%u more errors not shown)\n", s->nerrors - shown);
}

const char *pst__idl_quote(pst_idl_session *s, const char *text, size_t len)
{
    enum { MAX_SHOWN = 60 };
    char buf[MAX_SHOWN * 4 + 8];
    size_t o = 0;
    buf[o++] = '\'';
    for (size_t i = 0; i < len; i++) {
        if (i == MAX_SHOWN) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        unsigned char c = (unsigned char)text[i];
        if (c >= 32 && c < 127) {
            buf[o++] = (char)c;
        } else {
            static const char hex[] = "0123456789abcdef";
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        }
    }
    buf[o++] = '\'';
    return pst__idl_strndup(&s->pool, buf, o);
}

/* ---- files -------------------------------------------------------------- */

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Read a whole file into the pool. NULL with a diagnostic at `from`. */
static char *read_file(pst_idl_session *s, const char *path, const pst_idl_loc *from,
                       size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        pst__idl_error(s, from, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        pst__idl_error(s, from, "'%s' is not a regular file", path);
        fclose(f);
        return NULL;
    }
    if ((uintmax_t)st.st_size > s->opt.max_file_size) {
        pst__idl_error(s, from, "'%s' is %jd bytes, more than the limit of %zu", path,
                       (intmax_t)st.st_size, s->opt.max_file_size);
        fclose(f);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    char *data = pst__idl_alloc(&s->pool, size + 1);
    size_t got = size ? fread(data, 1, size, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (got != size || err) {
        pst__idl_error(s, from, "cannot read '%s'", path);
        return NULL;
    }
    *len = size;
    return data;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* File name without directory and extension: Thrift's program name. */
static const char *program_name(pst_idl_session *s, const char *path)
{
    const char *b = base_name(path);
    const char *dot = strrchr(b, '.');
    return pst__idl_strndup(&s->pool, b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

/* The C prefix: `namespace c`, else the program name made a C identifier. */
static const char *c_prefix(pst_idl_session *s, const pst_idl_program *p)
{
    const char *ns = pst__idl_namespace(p, "c");
    const char *src = ns ? ns : p->name;
    size_t n = strlen(src);
    bool digit_first = n && src[0] >= '0' && src[0] <= '9';
    char *r = pst__idl_alloc(&s->pool, n + 5);
    char *o = r;
    if (n == 0 || digit_first) {
        memcpy(o, "idl_", 4);
        o += 4;
    }
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_';
        *o++ = ok ? c : '_';
    }
    *o = '\0';
    return r;
}

static char *join_path(pst_idl_session *s, const char *dir, size_t dirlen, const char *rel)
{
    if (dirlen == 0)
        return pst__idl_strdup(&s->pool, rel);
    return pst__idl_sprintf(&s->pool, "%.*s%s%s", (int)dirlen, dir,
                            dir[dirlen - 1] == '/' ? "" : "/", rel);
}

/* Thrift's search: absolute as is; else next to the including file, then
 * each -I directory. */
static const char *find_include(pst_idl_session *s, const pst_idl_program *from,
                                const char *rel)
{
    if (rel[0] == '/')
        return is_regular_file(rel) ? rel : NULL;
    const char *b = base_name(from->path);
    char *cand = join_path(s, from->path, (size_t)(b - from->path), rel);
    if (is_regular_file(cand))
        return cand;
    for (unsigned i = 0; i < s->ninclude_dirs; i++) {
        cand = join_path(s, s->include_dirs[i], strlen(s->include_dirs[i]), rel);
        if (is_regular_file(cand))
            return cand;
    }
    return NULL;
}

enum { LOAD_ACTIVE = 1, LOAD_DONE = 2 };

static pst_idl_program *load(pst_idl_session *s, const char *path, const char *data,
                             size_t len, const pst_idl_loc *from, unsigned depth);

static bool load_includes(pst_idl_session *s, pst_idl_program *p, unsigned depth)
{
    bool ok = true;
    pst__idl_symtab *names = pst__idl_symtab_new(&s->pool);
    for (unsigned i = 0; i < p->nincludes && !s->opt.no_includes; i++) {
        pst_idl_include *inc = &p->includes[i];
        const char *found = find_include(s, p, inc->path);
        if (!found) {
            pst__idl_error(s, &inc->loc, "cannot find included file '%s' (looked next to '%s'%s)",
                           inc->path, p->path,
                           s->ninclude_dirs ? " and in the -I directories" : "");
            ok = false;
            continue;
        }
        inc->program = load(s, found, NULL, 0, &inc->loc, depth + 1);
        if (!inc->program) {
            ok = false;
            continue;
        }
        inc->name = inc->program->name;
        pst_idl_include *prev = pst__idl_symtab_get(names, inc->name);
        if (prev && prev->program != inc->program) {
            pst__idl_error(s, &inc->loc,
                           "two included files are named '%s' ('%s' and '%s'); "
                           "references like %s.Type would be ambiguous",
                           inc->name, prev->program->path, inc->program->path, inc->name);
            ok = false;
        } else if (!prev) {
            pst__idl_symtab_put(names, inc->name, inc);
        }
    }
    return ok;
}

static pst_idl_program *load(pst_idl_session *s, const char *path, const char *data,
                             size_t len, const pst_idl_loc *from, unsigned depth)
{
    if (depth > MAX_INCLUDE_DEPTH) {
        pst__idl_error(s, from, "includes nested deeper than %u files", MAX_INCLUDE_DEPTH);
        return NULL;
    }
    /* One program per file, however many times it is included. */
    const char *key = path;
    char real[PATH_MAX];
    if (!data && realpath(path, real))
        key = real;
    pst_idl_program *known = pst__idl_symtab_get(s->files, key);
    if (known) {
        if (known->load_state == LOAD_ACTIVE) {
            pst__idl_error(s, from, "include cycle: '%s' includes itself (through '%s')",
                           known->path, path);
            return NULL;
        }
        return known;
    }
    if (!data) {
        data = read_file(s, path, from, &len);
        if (!data)
            return NULL;
    }
    const char *stored_path = pst__idl_strdup(&s->pool, path);
    pst_idl_program *p = pst__idl_parse(s, stored_path, data, len);
    if (!p)
        return NULL;
    p->name = program_name(s, stored_path);
    p->c_prefix = c_prefix(s, p);
    p->text = data;
    p->text_len = len;
    p->load_state = LOAD_ACTIVE;
    pst__idl_symtab_put(s->files, key, p);
    bool ok = load_includes(s, p, depth);
    p->load_state = LOAD_DONE;
    if (!ok)
        return NULL;
    *(pst_idl_program **)pst__idl_push(&s->pool, &s->programs, &s->nprograms,
                                       &s->programs_cap, sizeof(pst_idl_program *)) = p;
    return p;
}

static pst_idl_program *load_root(pst_idl_session *s, const char *path, const char *data,
                                  size_t len)
{
    if (s->loaded) {
        pst__idl_error(s, NULL, "a session loads one root file");
        return NULL;
    }
    s->loaded = true;
    jmp_buf fatal;
    s->fatal = &fatal;
    if (setjmp(fatal)) {
        s->fatal = NULL;
        return NULL;
    }
    s->files = pst__idl_symtab_new(&s->pool);
    pst_idl_program *root = load(s, path, data, len, NULL, 0);
    if (root && s->nerrors == 0) {
        for (unsigned i = 0; i < s->nprograms; i++)
            pst__idl_resolve(s, s->programs[i]);
    }
    if (root && s->nerrors == 0) {
        for (unsigned i = 0; i < s->nprograms; i++)
            pst__idl_check(s, s->programs[i]);
    }
    s->fatal = NULL;
    return s->nerrors ? NULL : root;
}

pst_idl_program *pst__idl_load_file(pst_idl_session *s, const char *path)
{
    return load_root(s, path, NULL, 0);
}

pst_idl_program *pst__idl_load_buffer(pst_idl_session *s, const char *path,
                                      const char *data, size_t len)
{
    return load_root(s, path, data ? data : "", len);
}

pst_idl_program *const *pst__idl_programs(const pst_idl_session *s, unsigned *count)
{
    *count = s->nprograms;
    return s->programs;
}
