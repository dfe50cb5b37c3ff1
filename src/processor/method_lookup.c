/*
 * method_lookup.c: pst_service_method, a method by name through `extends`.
 *
 * Every call a server answers looks its method up by name, so the lookup
 * must not walk the names byte by byte (let alone strlen them). The first
 * lookup in a service builds an index of all its methods, its bases'
 * included: an open-addressed table whose slots hold each name's length
 * and its first and last 8 bytes, which together are the whole name for
 * names up to 16 bytes (longer ones compare their middle with memcmp). A
 * lookup is then a few loads, a multiply and one compare, whatever the
 * service's size.
 *
 * Indexes live in a small process-wide registry keyed by the service
 * descriptor's address (descriptors are static and immutable); an index
 * also records the descriptor's method table, count and base, and is used
 * only while they match, so a descriptor that was freed and whose address
 * now holds another service is scanned, not answered from a stale index. Threads
 * race benignly: each builds the index it does not find and publishes it
 * with a compare-and-swap; a loser frees its copy and uses the winner's.
 * Indexes are never freed. When the registry is full, or malloc fails,
 * lookups fall back to scanning the method tables, which gives the same
 * answers: the first match in the service, then in its base, and so on.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postern/types.h"

#define REGISTRY_SIZE 64u   /* services with an index, per process */
#define MAX_BASE_DEPTH 64   /* a (mistaken) cycle in `base` must not hang */

typedef struct name_key {
    uint64_t head, tail;    /* first and last 8 bytes, zero-padded below 8 */
    size_t len;
} name_key;

typedef struct index_slot {
    name_key key;
    const pst_method_desc *method;  /* NULL: empty slot */
} index_slot;

typedef struct method_index {
    /* the service as it was indexed: a descriptor freed and its address
     * reused for another service is told apart (and scanned) */
    const pst_method_desc *methods;
    const pst_service_desc *base;
    uint32_t nmethods;
    size_t mask;            /* slots - 1; slots is a power of two, at most
                               half of them used, so probes end */
    index_slot slots[];
} method_index;

typedef struct registry_entry {
    _Atomic(const pst_service_desc *) service;
    _Atomic(method_index *) index;
} registry_entry;

static registry_entry registry[REGISTRY_SIZE];

static inline uint32_t ld32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t ld64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The key of [p, p+len): reads exactly those bytes. */
static inline name_key key_of(const char *p, size_t len)
{
    name_key k;
    k.len = len;
    if (len >= 8) {
        k.head = ld64(p);
        k.tail = ld64(p + len - 8);
        return k;
    }
    uint64_t v = 0;
    if (len >= 4) {
        /* two overlapping 4-byte loads; the overlap agrees */
        v = (uint64_t)ld32(p) | (uint64_t)ld32(p + len - 4) << (8 * (len - 4));
    } else {
        for (size_t i = 0; i < len; i++)
            v |= (uint64_t)(uint8_t)p[i] << (8 * i);
    }
    k.head = k.tail = v;
    return k;
}

static inline size_t key_hash(const name_key *k)
{
    uint64_t x = k->head ^ (k->tail * 0x9e3779b97f4a7c15ull) ^ k->len;
    x *= 0xff51afd7ed558ccdull;
    return (size_t)(x >> 32);
}

/* Same key and, past 16 bytes, the same middle: the same name. */
static inline bool key_matches(const index_slot *s, const name_key *k,
                               const char *name)
{
    return s->key.head == k->head && s->key.tail == k->tail &&
           s->key.len == k->len &&
           (k->len <= 16 ||
            memcmp(s->method->name + 8, name + 8, k->len - 16) == 0);
}

/* The linear scan, for services without an index. */
static const pst_method_desc *scan(const pst_service_desc *s,
                                   const char *name, size_t len)
{
    for (int depth = 0; s && depth < MAX_BASE_DEPTH; s = s->base, depth++) {
        for (uint32_t i = 0; i < s->nmethods; i++) {
            const char *m = s->methods[i].name;
            if (strlen(m) == len && memcmp(m, name, len) == 0)
                return &s->methods[i];
        }
    }
    return NULL;
}

static inline __attribute__((always_inline)) const pst_method_desc *
index_find(const method_index *ix,
                                         const char *name, size_t len)
{
    name_key k = key_of(name, len);
    for (size_t i = key_hash(&k) & ix->mask;; i = (i + 1) & ix->mask) {
        const index_slot *s = &ix->slots[i];
        if (!s->method)
            return NULL;
        if (key_matches(s, &k, name))
            return s->method;
    }
}

/* An index of s and its bases, in lookup order (a name already present,
 * from the service itself or a nearer base, is not added again). NULL
 * when out of memory. */
static method_index *index_build(const pst_service_desc *s)
{
    size_t n = 0;
    const pst_service_desc *b = s;
    for (int depth = 0; b && depth < MAX_BASE_DEPTH; b = b->base, depth++)
        n += b->nmethods;
    size_t slots = 2;
    while (slots < 2 * n)
        slots *= 2;
    method_index *ix = calloc(1, sizeof *ix + slots * sizeof(index_slot));
    if (!ix)
        return NULL;
    ix->methods = s->methods;
    ix->base = s->base;
    ix->nmethods = s->nmethods;
    ix->mask = slots - 1;
    b = s;
    for (int depth = 0; b && depth < MAX_BASE_DEPTH; b = b->base, depth++) {
        for (uint32_t i = 0; i < b->nmethods; i++) {
            const pst_method_desc *m = &b->methods[i];
            size_t len = strlen(m->name);
            if (index_find(ix, m->name, len))
                continue;
            name_key k = key_of(m->name, len);
            size_t j = key_hash(&k) & ix->mask;
            while (ix->slots[j].method)
                j = (j + 1) & ix->mask;
            ix->slots[j].key = k;
            ix->slots[j].method = m;
        }
    }
    return ix;
}

/* Was ix built for the service s is now? */
static inline bool index_is_of(const method_index *ix,
                               const pst_service_desc *s)
{
    return ix->methods == s->methods && ix->base == s->base &&
           ix->nmethods == s->nmethods;
}

static inline size_t registry_start(const pst_service_desc *s)
{
    uint64_t h = (uint64_t)(uintptr_t)s;
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 40) & (REGISTRY_SIZE - 1);
}

/* s's index, built and published on first use; NULL when the registry is
 * full or memory is short (the caller scans instead). */
static const method_index *index_get(const pst_service_desc *s)
{
    size_t start = registry_start(s);
    for (size_t n = 0; n < REGISTRY_SIZE; n++) {
        registry_entry *e = &registry[(start + n) & (REGISTRY_SIZE - 1)];
        const pst_service_desc *owner =
            atomic_load_explicit(&e->service, memory_order_acquire);
        if (!owner) {
            const pst_service_desc *expected = NULL;
            if (!atomic_compare_exchange_strong_explicit(
                    &e->service, &expected, s, memory_order_acq_rel,
                    memory_order_acquire))
                owner = expected;   /* another thread took the entry */
            else
                owner = s;
        }
        if (owner != s)
            continue;
        method_index *ix = atomic_load_explicit(&e->index, memory_order_acquire);
        if (ix)
            return index_is_of(ix, s) ? ix : NULL;
        method_index *built = index_build(s);
        if (!built)
            return NULL;
        method_index *expected = NULL;
        if (atomic_compare_exchange_strong_explicit(&e->index, &expected, built,
                                                    memory_order_acq_rel,
                                                    memory_order_acquire))
            return built;
        free(built);            /* another thread published first */
        return index_is_of(expected, s) ? expected : NULL;
    }
    return NULL;
}

/* index_find, out of line (names longer than 16 bytes). */
static __attribute__((noinline)) const pst_method_desc *
find_long(const method_index *ix, const char *name, size_t len)
{
    return index_find(ix, name, len);
}

/* Everything but a hit in the service's home entry of the registry. */
static __attribute__((noinline)) const pst_method_desc *
lookup_slow(const pst_service_desc *s, const char *name, size_t len)
{
    const method_index *ix = index_get(s);
    if (ix)
        return index_find(ix, name, len);
    return scan(s, name, len);
}

/* Each thread's last answer: a server mostly calls one method after
 * another of the same few, and this is checked before the index. */
typedef struct last_lookup {
    const pst_service_desc *service;  /* NULL: none yet */
    const pst_method_desc *methods;   /* the service as it was then */
    const pst_service_desc *base;
    uint32_t nmethods;
    name_key key;                     /* names of at most 16 bytes */
    const pst_method_desc *method;
} last_lookup;

static __thread last_lookup last __attribute__((tls_model("initial-exec")));

/* Not the thread's last answer: through the index. */
static __attribute__((noinline)) const pst_method_desc *
lookup_indexed(const pst_service_desc *s, const char *name, size_t len)
{
    name_key k = key_of(name, len);
    last_lookup *l = &last;
    const registry_entry *e = &registry[registry_start(s)];
    const method_index *ix = NULL;
    if (__builtin_expect(
            atomic_load_explicit(&e->service, memory_order_acquire) == s, 1))
        ix = atomic_load_explicit(&e->index, memory_order_acquire);
    if (__builtin_expect(ix == NULL || !index_is_of(ix, s), 0))
        return lookup_slow(s, name, len);
    /* The probe without a call in it (no registers to save): a key match is
     * the answer up to 16 bytes; longer names go the full way. */
    const index_slot *slot;
    for (size_t i = key_hash(&k) & ix->mask;; i = (i + 1) & ix->mask) {
        slot = &ix->slots[i];
        if (!slot->method)
            return NULL;
        if (slot->key.head == k.head && slot->key.tail == k.tail &&
            slot->key.len == k.len)
            break;
    }
    if (len > 16)
        return find_long(ix, name, len);
    *l = (last_lookup){ s, s->methods, s->base, s->nmethods, k, slot->method };
    return slot->method;
}

const pst_method_desc *pst_service_method(const pst_service_desc *s,
                                          const char *name, size_t len)
{
    if (!s)
        return NULL;
    const last_lookup *l = &last;
    if (l->service == s && l->key.len == len && len <= 16) {
        name_key k = key_of(name, len);
        if (l->key.head == k.head && l->key.tail == k.tail &&
            l->methods == s->methods && l->base == s->base &&
            l->nmethods == s->nmethods)
            return l->method;
    }
    return lookup_indexed(s, name, len);
}
