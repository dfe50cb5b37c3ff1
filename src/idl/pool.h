/*
 * pool.h: the allocator behind every IDL syntax tree.
 *
 * A parse makes many small objects that all die together, so they come from
 * a bump allocator and are freed in one call. The pool has a byte budget:
 * an input can make the parser allocate only so much, and running out is an
 * error the session reports, never a crash.
 *
 * Allocation never returns NULL to the caller: when the budget or malloc
 * says no, the pool calls its failure hook (the session longjmps out of the
 * whole load with "out of memory"). Thread-safety: one thread per pool.
 */
#ifndef POSTERN_IDL_POOL_H
#define POSTERN_IDL_POOL_H

#include <stddef.h>

typedef struct pst__idl_pool_block pst__idl_pool_block;

typedef struct pst__idl_pool {
    pst__idl_pool_block *blocks;  /* newest first */
    char *ptr, *end;              /* free space in the newest block */
    size_t allocated;             /* bytes malloc'ed so far */
    size_t limit;                 /* budget for `allocated` */
    void (*on_fail)(void *ctx);   /* must not return */
    void *fail_ctx;
} pst__idl_pool;

void pst__idl_pool_init(pst__idl_pool *p, size_t limit,
                        void (*on_fail)(void *ctx), void *ctx);
void pst__idl_pool_release(pst__idl_pool *p);

/* n zeroed bytes, aligned for any type. */
void *pst__idl_alloc(pst__idl_pool *p, size_t n);
/* n elements of size sz, with overflow checked. */
void *pst__idl_alloc_array(pst__idl_pool *p, size_t n, size_t sz);
/* A NUL-terminated copy of s[0..n). */
char *pst__idl_strndup(pst__idl_pool *p, const char *s, size_t n);
char *pst__idl_strdup(pst__idl_pool *p, const char *s);
/* printf into the pool. */
char *pst__idl_sprintf(pst__idl_pool *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Append one element to a pool-backed growable array: *arr has *count
 * elements of size sz and room for *cap. Returns the new (zeroed) slot. */
void *pst__idl_push(pst__idl_pool *p, void *arr_ptr, unsigned *count,
                    unsigned *cap, size_t sz);

#endif
