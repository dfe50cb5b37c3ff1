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
 * `initial` and `initial_size` are the caller's block aligned inwards (NULL
 * and 0 when it is unusable), and ptr/end stay within it until the first
 * block is malloc'ed.
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

/* pst_arena_reset, inline while the arena never left the caller's block
 * (a call that fits it) and refused nothing: only ptr moves back. */
static inline void pst__arena_reset(pst_arena *a)
{
    if (__builtin_expect(!a->blocks && a->initial != NULL && !a->over_limit,
                         1))
        a->ptr = a->initial;
    else
        pst_arena_reset(a);
}

/* Let at most `cap` more bytes be malloc'ed (cap 0: no change), for
 * decoding one reply into a caller's arena; returns the limit to give back
 * with pst__arena_uncap. */
static inline size_t pst__arena_cap(pst_arena *a, size_t cap)
{
    size_t old = a->limit;
    if (cap && a->allocated <= SIZE_MAX - cap) {
        size_t lim = a->allocated + cap;
        if (!old || lim < old)
            a->limit = lim;
    }
    return old;
}

static inline void pst__arena_uncap(pst_arena *a, size_t old)
{
    a->limit = old;
}

/* A max_call_memory option as an arena cap: 0 = the default, < 0 = none. */
static inline size_t pst__call_memory_cap(int64_t opt)
{
    return opt == 0 ? (size_t)PST_CALL_MEMORY_DEFAULT
                    : opt < 0 ? 0 : (size_t)opt;
}

#endif
