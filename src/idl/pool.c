/* pool.c: bump allocation for syntax trees, with a byte budget. */
#include "idl/pool.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pst__idl_pool_block {
    pst__idl_pool_block *next;
    max_align_t data[];
};

#define POOL_ALIGN (sizeof(max_align_t))
#define POOL_MIN_BLOCK ((size_t)16 * 1024)
#define POOL_MAX_BLOCK ((size_t)64 * 1024 * 1024)

void pst__idl_pool_init(pst__idl_pool *p, size_t limit,
                        void (*on_fail)(void *ctx), void *ctx)
{
    memset(p, 0, sizeof *p);
    p->limit = limit ? limit : SIZE_MAX;
    p->on_fail = on_fail;
    p->fail_ctx = ctx;
}

void pst__idl_pool_release(pst__idl_pool *p)
{
    pst__idl_pool_block *b = p->blocks;
    while (b) {
        pst__idl_pool_block *next = b->next;
        free(b);
        b = next;
    }
    p->blocks = NULL;
    p->ptr = p->end = NULL;
    p->allocated = 0;
}

static void pool_fail(pst__idl_pool *p)
{
    if (p->on_fail)
        p->on_fail(p->fail_ctx);
    abort(); /* on_fail must not return; nothing sane is left to do */
}

void *pst__idl_alloc(pst__idl_pool *p, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2)
        pool_fail(p);
    size_t rounded = (n + POOL_ALIGN - 1) & ~(POOL_ALIGN - 1);
    if ((size_t)(p->end - p->ptr) < rounded || !p->ptr) {
        /* Grow geometrically so the block count stays small, up to a block
         * size that keeps the unused tail of the last block modest. */
        size_t size = p->allocated < POOL_MIN_BLOCK ? POOL_MIN_BLOCK : p->allocated;
        if (size > POOL_MAX_BLOCK)
            size = POOL_MAX_BLOCK;
        if (size < rounded)
            size = rounded;
        size_t total = sizeof(pst__idl_pool_block) + size;
        if (size > p->limit || p->allocated > p->limit - size)
            pool_fail(p);
        pst__idl_pool_block *b = malloc(total);
        if (!b)
            pool_fail(p);
        b->next = p->blocks;
        p->blocks = b;
        p->allocated += size;
        p->ptr = (char *)b->data;
        p->end = p->ptr + size;
    }
    void *r = p->ptr;
    p->ptr += rounded;
    memset(r, 0, n);
    return r;
}

void *pst__idl_alloc_array(pst__idl_pool *p, size_t n, size_t sz)
{
    if (sz && n > SIZE_MAX / sz)
        pool_fail(p);
    return pst__idl_alloc(p, n * sz);
}

char *pst__idl_strndup(pst__idl_pool *p, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        pool_fail(p);
    char *r = pst__idl_alloc(p, n + 1);
    if (n)
        memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *pst__idl_strdup(pst__idl_pool *p, const char *s)
{
    return pst__idl_strndup(p, s, strlen(s));
}

char *pst__idl_sprintf(pst__idl_pool *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return pst__idl_strdup(p, "");
    char *r = pst__idl_alloc(p, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(r, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return r;
}

void *pst__idl_push(pst__idl_pool *p, void *arr_ptr, unsigned *count,
                    unsigned *cap, size_t sz)
{
    char **arr = arr_ptr;
    if (*count == *cap) {
        if (*cap > UINT32_MAX / 4)
            pool_fail(p);
        unsigned ncap = *cap ? *cap * 2 : 4;
        char *n = pst__idl_alloc_array(p, ncap, sz);
        if (*count)
            memcpy(n, *arr, (size_t)*count * sz);
        *arr = n;
        *cap = ncap;
    }
    char *slot = *arr + (size_t)(*count)++ * sz;
    memset(slot, 0, sz);
    return slot;
}
