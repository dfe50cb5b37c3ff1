/* gen.c: one program's generation from start to end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static void gen_out_of_memory(void *ctx)
{
    (void)ctx;
    fputs("postern: out of memory\n", stderr);
    exit(1);
}

int pst__gen_init(pst__gen *g, const pst_idl_program *p)
{
    memset(g, 0, sizeof *g);
    g->p = p;
    g->prefix = p->c_prefix;
    g->base = p->name;
    pst__idl_pool_init(&g->pool, 0, gen_out_of_memory, NULL);
    g->globals = pst__idl_symtab_new(&g->pool);
    g->structs = pst__idl_symtab_new(&g->pool);
    g->types = pst__idl_symtab_new(&g->pool);
    g->def_names = pst__idl_symtab_new(&g->pool);
    if (strcmp(g->prefix, "pst") == 0 || strncmp(g->prefix, "pst_", 4) == 0 ||
        strncmp(g->prefix, "PST_", 4) == 0)
        pst__gen_fail(g, "the C prefix '%s' of %s is reserved for the postern library; "
                      "choose another with 'namespace c NAME'", g->prefix, p->path);
    return 0;
}

void pst__gen_free(pst__gen *g)
{
    pst__sbuf_free(&g->h);
    pst__sbuf_free(&g->types_out);
    pst__sbuf_free(&g->body);
    pst__sbuf_free(&g->c);
    free(g->error);
    pst__idl_pool_release(&g->pool);
}

void pst__gen_fail(pst__gen *g, const char *fmt, ...)
{
    if (g->error)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    g->error = strdup(buf);
    if (!g->error)
        gen_out_of_memory(NULL);
}

char *pst__gen_sprintf(pst__gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *r = pst__idl_alloc(&g->pool, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(r, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return r;
}

int pst__gen_program(pst__gen *g)
{
    pst__gen_header(g);
    pst__gen_source(g);
    const char *file = strrchr(g->p->path, '/');
    file = file ? file + 1 : g->p->path;
    pst__sbuf_printf(&g->c, "/*\n * %s.c: generated from ", g->base);
    pst__sbuf_comment_text(&g->c, file, 200);
    pst__sbuf_printf(&g->c, " by postern gen. Do not edit.\n"
                            " * The descriptor tables and wrappers behind %s.h.\n */\n"
                            "#include ", g->base);
    const char *h = pst__gen_sprintf(g, "%s.h", g->base);
    pst__sbuf_c_string(&g->c, h, strlen(h));
    pst__sbuf_puts(&g->c, "\n\n#include <stddef.h>\n\n");
    /* the source is g->c, g->types_out, g->body in that order (written
     * one after the other, never copied together: outputs can be large) */
    return g->error ? -1 : 0;
}
