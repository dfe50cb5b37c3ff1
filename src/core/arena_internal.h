/*
 * arena_internal.h: the arena's fast paths for the codecs.
 *
 * pst_arena_alloc (arena.c) is the public entry; decoders allocate per value,
 * so they inline the bump and only call out when a block is full. Strings
 * need no alignment and take exactly their length (pst__arena_bytes).
 *
 * Invariant kept by arena.c: ptr <= end, and end is 16-aligned, so rounding
 * ptr up to 16 never passes end. ptr is never NULL, even with no block (it
 * then points at a static empty block), so a zero-byte request succeeds.
 */
#ifndef POSTERN_CORE_ARENA_INTERNAL_H
#define POSTERN_CORE_ARENA_INTERNAL_H

#include <stdint.h>

#include "postern/arena.h"

#define PST__ARENA_ALIGN 16u

/* Slow path: a new block for n bytes at `align` (1 or 16); NULL if the
 * limit or malloc refuses. */
void *pst__arena_alloc_slow(pst_arena *a, size_t n, size_t align);

/* n bytes aligned to 16. */
static inline void *pst__arena_alloc(pst_arena *a, size_t n)
{
    uintptr_t p = ((uintptr_t)a->ptr + (PST__ARENA_ALIGN - 1)) &
                  ~(uintptr_t)(PST__ARENA_ALIGN - 1);
    if ((size_t)((uintptr_t)a->end - p) >= n) {
        a->ptr = (uint8_t *)(p + n);
        return (void *)p;
    }
    return pst__arena_alloc_slow(a, n, PST__ARENA_ALIGN);
}

/* n bytes, no alignment (string and binary payloads). */
static inline void *pst__arena_bytes(pst_arena *a, size_t n)
{
    if ((size_t)(a->end - a->ptr) >= n) {
        void *p = a->ptr;
        a->ptr += n;
        return p;
    }
    return pst__arena_alloc_slow(a, n, 1);
}

#endif
