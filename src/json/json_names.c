/*
 * json_names.c: finding a struct's field by its JSON member name.
 *
 * Members usually come in declaration order, so the decoder first tries
 * the field after the previous match; a miss in a small struct is a scan.
 * A struct with many fields gets an index instead (names sorted by length,
 * then bytes; a binary search), so input in any order costs O(log n) per
 * member. Indexes live in a process-wide registry keyed by the
 * descriptor's address, built by the first thread that needs one and
 * published with a compare-and-swap (a thread that loses the race frees
 * its copy); an index is used only while the descriptor's field table and
 * count match it. When the registry is full or memory is short, the scan
 * answers the same.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "json/json_internal.h"

/* Fields up to this many are scanned. */
#define SCAN_FIELDS 16u

typedef struct name_entry {
    const char *name;
    uint32_t len;
    uint32_t index;
} name_entry;

typedef struct name_index {
    const pst_field *fields;
    uint32_t nfields;
    name_entry entries[];
} name_index;

static int entry_cmp(const void *a, const void *b)
{
    const name_entry *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->name, y->name, x->len);
}

static name_index *index_build(const pst_struct_desc *d)
{
    name_index *ix = malloc(sizeof *ix + (size_t)d->nfields * sizeof(name_entry));
    if (!ix)
        return NULL;
    ix->fields = d->fields;
    ix->nfields = d->nfields;
    for (uint32_t i = 0; i < d->nfields; i++) {
        ix->entries[i].name = d->fields[i].name;
        ix->entries[i].len = (uint32_t)strlen(d->fields[i].name);
        ix->entries[i].index = i;
    }
    qsort(ix->entries, d->nfields, sizeof(name_entry), entry_cmp);
    return ix;
}

/* ---- the registry -------------------------------------------------------- */

#define REGISTRY_SIZE 256u
#define PROBES 16u

typedef struct registry_entry {
    _Atomic(const pst_struct_desc *) desc;
    _Atomic(const name_index *) index; /* NULL until published */
} registry_entry;

static registry_entry registry[REGISTRY_SIZE];

static inline size_t registry_home(const pst_struct_desc *d)
{
    uint64_t h = (uint64_t)(uintptr_t)d;
    h ^= h >> 17;
    h *= 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 40) & (REGISTRY_SIZE - 1);
}

static inline const name_index *if_valid(const name_index *ix,
                                         const pst_struct_desc *d)
{
    return ix && ix->fields == d->fields && ix->nfields == d->nfields ? ix
                                                                      : NULL;
}

static const name_index *index_get(const pst_struct_desc *d)
{
    size_t home = registry_home(d);
    for (size_t n = 0; n < PROBES; n++) {
        registry_entry *e = &registry[(home + n) & (REGISTRY_SIZE - 1)];
        const pst_struct_desc *owner =
            atomic_load_explicit(&e->desc, memory_order_acquire);
        if (!owner) {
            const pst_struct_desc *expected = NULL;
            if (atomic_compare_exchange_strong_explicit(
                    &e->desc, &expected, d, memory_order_acq_rel,
                    memory_order_acquire))
                owner = d;
            else
                owner = expected;
        }
        if (owner != d)
            continue;
        const name_index *ix =
            atomic_load_explicit(&e->index, memory_order_acquire);
        if (ix)
            return if_valid(ix, d);
        name_index *built = index_build(d);
        if (!built)
            return NULL;
        const name_index *expected = NULL;
        if (atomic_compare_exchange_strong_explicit(
                &e->index, &expected, built, memory_order_acq_rel,
                memory_order_acquire))
            return if_valid(built, d);
        free(built); /* another thread published first */
        return if_valid(expected, d);
    }
    return NULL; /* full around d's home: scan */
}

/* ---- lookup -------------------------------------------------------------- */

#define name_is pst__json_name_is

const pst_field *pst__json_field(const pst_struct_desc *d,
                                 const pst_field *want, const char *name,
                                 size_t n)
{
    const pst_field *f = d->fields, *fe = f + d->nfields;
    if (want < fe && name_is(want->name, name, n))
        return want;
    const name_index *ix = d->nfields > SCAN_FIELDS ? index_get(d) : NULL;
    if (ix) {
        size_t lo = 0, hi = ix->nfields;
        name_entry key = { name, (uint32_t)n, 0 };
        if (n > UINT32_MAX)
            return NULL;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = entry_cmp(&key, &ix->entries[mid]);
            if (c == 0)
                return &d->fields[ix->entries[mid].index];
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        return NULL;
    }
    for (; f < fe; f++)
        if (f->name[0] == name[0] && name_is(f->name, name, n))
            return f;
    return NULL;
}
