/*
 * postern/arena.h: region allocation, everything freed at once.
 *
 * A call's decoded request, the handler's scratch and the reply all live in
 * one arena and go together when the call ends. The arena can start from a
 * caller-provided block (a connection keeps one), so a small call allocates
 * nothing from malloc; further blocks come from malloc and grow
 * geometrically, bounded by `limit` (0 = no limit beyond memory).
 *
 * Ownership: the arena owns every block it malloc'ed; the initial block
 * stays the caller's. Thread-safety: an arena is used by one thread at a time.
 */
#ifndef POSTERN_ARENA_H
#define POSTERN_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pst__arena_block pst__arena_block;

/* The fields are private; the struct is public so arenas can live on the
 * stack or inside other objects. Initialise with pst_arena_init. */
typedef struct pst_arena {
    uint8_t *ptr, *end;          /* free space in the current block        */
    pst__arena_block *blocks;    /* malloc'ed blocks, newest first         */
    uint8_t *initial;            /* caller's block, reused after reset     */
    size_t initial_size;
    size_t allocated;            /* bytes malloc'ed so far                  */
    size_t limit;                /* max bytes to malloc, 0 = unlimited      */
    bool over_limit;             /* a request was refused for the limit
                                    since the last reset                    */
} pst_arena;

/* The limit servers and clients give a call's arena unless told otherwise
 * (pst_server_options and pst_client_options, max_call_memory): far above
 * what ordinary calls decode, far below what a hostile 16 MB frame of
 * empty structs would take. */
#define PST_CALL_MEMORY_DEFAULT ((int64_t)64 << 20)

/* Start an arena on an optional caller block (may be NULL/0). */
void pst_arena_init(pst_arena *a, void *block, size_t size, size_t limit);
/* n bytes aligned to 16 (max_align_t); NULL if the limit or malloc says no. */
void *pst_arena_alloc(pst_arena *a, size_t n);
/* Like alloc, zero-filled. */
void *pst_arena_calloc(pst_arena *a, size_t n);
/* Copy n bytes into the arena (n may be 0: returns a valid pointer). */
void *pst_arena_dup(pst_arena *a, const void *src, size_t n);
/* Free all but the caller's block; the arena is ready for reuse. */
void pst_arena_reset(pst_arena *a);
/* Free everything malloc'ed; the arena must be re-initialised to reuse. */
void pst_arena_release(pst_arena *a);

/* Heap-allocated arena for long-lived use; free with pst_arena_free. */
pst_arena *pst_arena_new(size_t limit);
void pst_arena_free(pst_arena *a);

#endif
