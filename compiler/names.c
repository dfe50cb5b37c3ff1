/*
 * names.c: C identifiers for IDL names.
 *
 * Global names carry the program's prefix (P_Name), so they cannot meet a C
 * keyword; but two IDL names can still map to one C name (struct `S_m_args`
 * next to method `m` of service `S`), so every global is claimed and a
 * second claim is an error naming both. Names inside a scope (members,
 * parameters) get underscores appended when they are C keywords or would
 * break the generated code, choosing a spelling no other name in the scope
 * uses.
 */
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define C_KEYWORDS                                                            \
    "auto", "break", "case", "char", "const", "continue", "default", "do",   \
        "double", "else", "enum", "extern", "float", "for", "goto", "if",    \
        "inline", "int", "long", "register", "restrict", "return", "short",  \
        "signed", "sizeof", "static", "struct", "switch", "typedef", "union",\
        "unsigned", "void", "volatile", "while", "_Alignas", "_Alignof",     \
        "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary",            \
        "_Noreturn", "_Static_assert", "_Thread_local",                      \
        /* macros of the headers generated code includes, and common        \
           predefined macros in GNU modes */                                 \
        "bool", "true", "false", "NULL", "offsetof", "errno", "assert",     \
        "alignas", "alignof", "noreturn", "static_assert", "thread_local",   \
        "complex", "imaginary", "linux", "unix", "i386", "EOF", "stdin",     \
        "stdout", "stderr", "INT8_MIN", "INT8_MAX", "INT16_MIN",             \
        "INT16_MAX", "INT32_MIN", "INT32_MAX", "INT64_MIN", "INT64_MAX",     \
        "UINT8_MAX", "UINT16_MAX", "UINT32_MAX", "UINT64_MAX", "SIZE_MAX",   \
        "INT64_C", "UINT64_C", "INT32_C", "UINT32_C", "INFINITY", "NAN",     \
        "HUGE_VAL", "PST_STR"

const char *const pst__gen_member_reserved[] = { C_KEYWORDS, "isset_", NULL };

/* Parameters also live next to the stub's own parameters and locals and
 * the types the prototype names. */
const char *const pst__gen_param_reserved[] = {
    C_KEYWORDS, "isset_", "call", "result", "c", "a", "args", "handler",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
    "uint32_t", "uint64_t", "size_t", "pst_str", "pst_uuid", "pst_list",
    "pst_map", "pst_call", "pst_client", "pst_arena", "pst_client_call",
    NULL
};

const char *pst__gen_def_name(pst__gen *g, const pst_idl_def *d)
{
    /* asked for again and again: keep one copy per definition */
    char key[32];
    snprintf(key, sizeof key, "%p", (const void *)d);
    const char *name = pst__idl_symtab_get(g->def_names, key);
    if (!name) {
        name = pst__gen_sprintf(g, "%s_%s", d->program->c_prefix, d->name);
        pst__idl_symtab_put(g->def_names, key, (void *)name);
    }
    return name;
}

const char *pst__gen_enum_value_name(pst__gen *g, const pst_idl_enum_value *ev)
{
    return pst__gen_sprintf(g, "%s_%s_%s", ev->owner->program->c_prefix, ev->owner->name,
                            ev->name);
}

/* What a claim was for, formatted only if it clashes (most never do). */
typedef struct claim {
    const char *fmt, *a, *b;
} claim;

void pst__gen_claim(pst__gen *g, const char *cname, const char *fmt, const char *a,
                    const char *b)
{
    const claim *prev = pst__idl_symtab_get(g->globals, cname);
    if (prev) {
        char was[400], now[400];
        snprintf(was, sizeof was, prev->fmt, prev->a, prev->b);
        snprintf(now, sizeof now, fmt, a, b);
        pst__gen_fail(g, "the C name '%s' is needed twice: for %s and for %s; rename one "
                      "of them in the IDL", cname, was, now);
        return;
    }
    claim *c = pst__idl_alloc(&g->pool, sizeof *c);
    c->fmt = fmt;
    c->a = a;
    c->b = b;
    pst__idl_symtab_put(g->globals, cname, c);
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Object-like macros of the headers a generated file includes (stdint
 * limits, <endian.h> and <sys/uio.h> under _GNU_SOURCE, postern's own):
 * a member spelled like one would be replaced by the preprocessor. */
static bool macro_like(const char *s)
{
    static const char *const exact[] = {
        "BIG_ENDIAN", "LITTLE_ENDIAN", "PDP_ENDIAN", "BYTE_ORDER", "FD_SETSIZE",
        "NFDBITS", "UIO_MAXIOV", "IOV_MAX", NULL,
    };
    for (const char *const *e = exact; *e; e++)
        if (strcmp(*e, s) == 0)
            return true;
    if (starts(s, "PST_") || starts(s, "POSTERN_") || starts(s, "ATOMIC_") || starts(s, "RWF_"))
        return true;
    bool limit = ends(s, "_MAX") || ends(s, "_MIN") || ends(s, "_WIDTH") || ends(s, "_C");
    return limit && (starts(s, "INT") || starts(s, "UINT") || starts(s, "PTRDIFF_") ||
                     starts(s, "SIG_ATOMIC_") || starts(s, "SIZE_") || starts(s, "WCHAR_") ||
                     starts(s, "WINT_"));
}

static bool in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

void pst__gen_scope_names(pst__gen *g, const char *const *names, unsigned n,
                          const char *const *reserved, const char **out)
{
    pst__idl_symtab *taken = pst__idl_symtab_new(&g->pool);
    /* names that need no change keep their spelling first */
    for (unsigned i = 0; i < n; i++) {
        out[i] = NULL;
        if (!in_list(reserved, names[i]) && !macro_like(names[i]) &&
            pst__idl_symtab_put(taken, names[i], (void *)1))
            out[i] = names[i];
    }
    for (unsigned i = 0; i < n; i++) {
        if (out[i])
            continue;
        size_t len = strlen(names[i]);
        char *cand = pst__idl_alloc(&g->pool, len + 2);
        memcpy(cand, names[i], len);
        /* each round adds one underscore; a scope of n names needs at most
         * n + 1 rounds */
        for (;;) {
            cand[len++] = '_';
            cand[len] = '\0';
            if (!in_list(reserved, cand) && !pst__idl_symtab_get(taken, cand))
                break;
            char *bigger = pst__idl_alloc(&g->pool, len + 2);
            memcpy(bigger, cand, len + 1);
            cand = bigger;
        }
        pst__idl_symtab_put(taken, cand, (void *)1);
        out[i] = cand;
    }
}
