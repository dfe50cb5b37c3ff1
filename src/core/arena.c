/*
 * arena.c: a bump allocator over an optional caller block, then malloc'ed
 * blocks that grow geometrically (each new block is at least as large as
 * everything malloc'ed so far), all freed at once by reset or release.
 */
#include <stdlib.h>
#include <string.h>

#include "core/arena_internal.h"

struct pst__arena_block {
    pst__arena_block *next;
    size_t size; /* bytes malloc'ed for this block, header included */
};

/* Block headers are padded so block data starts 16-aligned. */
#define BLOCK_HEADER                                                           \
    ((sizeof(pst__arena_block) + PST__ARENA_ALIGN - 1) &                       \
     ~(size_t)(PST__ARENA_ALIGN - 1))
#define FIRST_BLOCK 4096u

/* Where ptr/end point when there is no block at all: a zero-byte request
 * then still returns a valid, aligned, non-NULL pointer. */
static _Alignas(16) uint8_t empty_block[16];

static uintptr_t align_up(uintptr_t p, uintptr_t a)
{
    return (p + a - 1) & ~(a - 1);
}

/* Point ptr/end at the caller's block (aligned inwards at init), or the
 * empty one. */
static void use_initial(pst_arena *a)
{
    a->over_limit = false;
    if (a->initial) {
        a->ptr = a->initial;
        a->end = a->initial + a->initial_size;
    } else {
        a->ptr = a->end = empty_block;
    }
}

void pst_arena_init(pst_arena *a, void *block, size_t size, size_t limit)
{
    a->blocks = NULL;
    a->initial = NULL;
    a->initial_size = 0;
    a->allocated = 0;
    a->limit = limit;
    /* Keep the block aligned inwards, so a reset is one store
     * (pst__arena_reset); a block too small for that is not used. */
    if (block && size >= PST__ARENA_ALIGN) {
        uintptr_t start = align_up((uintptr_t)block, PST__ARENA_ALIGN);
        uintptr_t end = ((uintptr_t)block + size) &
                        ~(uintptr_t)(PST__ARENA_ALIGN - 1);
        if (end > start) {
            a->initial = (uint8_t *)start;
            a->initial_size = (size_t)(end - start);
        }
    }
    use_initial(a);
}

void *pst__arena_alloc_slow(pst_arena *a, size_t n, size_t align)
{
    (void)align; /* every block starts aligned; slack covers the rest */
    /* header, n, and slack for aligning both the start and the end */
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t need = BLOCK_HEADER + n + 2 * PST__ARENA_ALIGN;
    size_t size = a->allocated > FIRST_BLOCK ? a->allocated : FIRST_BLOCK;
    if (a->initial_size > size && a->initial_size < (SIZE_MAX >> 2))
        size = a->initial_size;
    if (size < need)
        size = need;
    if (a->limit) {
        if (a->allocated > a->limit || need > a->limit - a->allocated) {
            a->over_limit = true;
            return NULL;
        }
        if (size > a->limit - a->allocated)
            size = a->limit - a->allocated;
    }
    pst__arena_block *b = malloc(size);
    if (!b)
        return NULL;
    b->size = size;
    b->next = a->blocks;
    a->blocks = b;
    a->allocated += size;

    uint8_t *p = (uint8_t *)align_up((uintptr_t)b + BLOCK_HEADER,
                                     PST__ARENA_ALIGN);
    uint8_t *end = (uint8_t *)(((uintptr_t)b + size) &
                               ~(uintptr_t)(PST__ARENA_ALIGN - 1));
    /* Continue in the new block unless the old one has more room left
     * (a large request got a block of its own). */
    if ((size_t)(end - (p + n)) >= (size_t)(a->end - a->ptr)) {
        a->ptr = p + n;
        a->end = end;
    }
    return p;
}

void *pst_arena_alloc(pst_arena *a, size_t n)
{
    return pst__arena_alloc(a, n);
}

void *pst_arena_calloc(pst_arena *a, size_t n)
{
    void *p = pst__arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *pst_arena_dup(pst_arena *a, const void *src, size_t n)
{
    void *p = pst__arena_alloc(a, n);
    if (p && n)
        memcpy(p, src, n);
    return p;
}

static void free_blocks(pst_arena *a)
{
    pst__arena_block *b = a->blocks;
    while (b) {
        pst__arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->blocks = NULL;
    a->allocated = 0;
}

void pst_arena_reset(pst_arena *a)
{
    if (a->blocks)
        free_blocks(a);
    use_initial(a);
}

void pst_arena_release(pst_arena *a)
{
    free_blocks(a);
    a->initial = NULL;
    a->initial_size = 0;
    a->ptr = a->end = empty_block;
    a->over_limit = false;
}

pst_arena *pst_arena_new(size_t limit)
{
    pst_arena *a = malloc(sizeof *a);
    if (a)
        pst_arena_init(a, NULL, 0, limit);
    return a;
}

void pst_arena_free(pst_arena *a)
{
    if (a) {
        pst_arena_release(a);
        free(a);
    }
}
