/*
 * unique.c: duplicate set elements and map keys after decoding, as Apache
 * Thrift's C++ (std::set, std::map) and Python (set, dict) readers leave
 * them: a set holds each element once, a map each key once with the last
 * value read. postern keeps the first occurrence's position, so a set or
 * map without duplicates is unchanged, in wire order.
 *
 * Only keys that compare by value are made unique: bool, integers, enums,
 * doubles (as numbers: -0.0 and 0.0 are one key, a NaN is never equal to
 * anything), uuids, strings and binaries (by their bytes). Structs and
 * containers as elements or keys are kept as sent (Thrift's own readers
 * disagree on them: C++ orders structs by their operator<, Python cannot
 * hash them).
 *
 * Cost: nothing for lists; for up to SMALL entries, compares of each
 * against those before it (no memory); for more, an O(n log n) merge sort
 * of indices in two temporary arrays (8 bytes per entry, freed before
 * returning), so hostile input cannot make it quadratic; bool and i8 keys
 * take a 256-entry table instead.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/codec.h"

#define SMALL 16

/* A total order on keys of one kind; 0 for equal keys (and for two NaNs,
 * which keys_equal then tells apart). */
static int key_cmp(unsigned kind, size_t size, const void *a, const void *b)
{
    switch (kind) {
    case PST_K_DOUBLE: {
        double x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        if (isnan(x) || isnan(y))
            return isnan(x) - isnan(y); /* NaNs after every number */
        return (x > y) - (x < y);
    }
    case PST_K_STRING:
    case PST_K_BINARY: {
        const pst_str *x = a, *y = b;
        if (x->len != y->len)
            return x->len < y->len ? -1 : 1;
        return x->len ? memcmp(x->ptr, y->ptr, x->len) : 0;
    }
    default:
        return memcmp(a, b, size);
    }
}

static bool keys_equal(unsigned kind, size_t size, const void *a, const void *b)
{
    if (kind == PST_K_DOUBLE) {
        double x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return x == y;
    }
    return key_cmp(kind, size, a, b) == 0;
}

typedef struct keyset {
    unsigned kind;
    size_t size;          /* of a key */
    uint8_t *keys;
    uint8_t *values;      /* NULL for a set */
    size_t vsize;
    uint32_t n;
} keyset;

#define KEY(ks, i) ((ks)->keys + (size_t)(i) * (ks)->size)
#define VAL(ks, i) ((ks)->values + (size_t)(i) * (ks)->vsize)

/* Entry i's key lands at `out`: a first occurrence is moved down, a later
 * one only brings its value to its first occurrence `first`. */
static void keep(keyset *ks, uint32_t i, uint32_t out)
{
    if (out != i) {
        memcpy(KEY(ks, out), KEY(ks, i), ks->size);
        if (ks->values)
            memcpy(VAL(ks, out), VAL(ks, i), ks->vsize);
    }
}

static void last_value(keyset *ks, uint32_t i, uint32_t first)
{
    if (ks->values)
        memcpy(VAL(ks, first), VAL(ks, i), ks->vsize);
}

/* Few entries: each against the ones kept before it. */
static uint32_t unique_small(keyset *ks)
{
    uint32_t out = 0;
    for (uint32_t i = 0; i < ks->n; i++) {
        uint32_t j = 0;
        while (j < out && !keys_equal(ks->kind, ks->size, KEY(ks, j), KEY(ks, i)))
            j++;
        if (j < out) {
            last_value(ks, i, j);
        } else {
            keep(ks, i, out);
            out++;
        }
    }
    return out;
}

/* bool and i8 keys: where each of the 256 values was first kept. */
static uint32_t unique_byte(keyset *ks)
{
    int32_t at[256];
    for (int k = 0; k < 256; k++)
        at[k] = -1;
    uint32_t out = 0;
    for (uint32_t i = 0; i < ks->n; i++) {
        uint8_t k = *KEY(ks, i);
        if (at[k] >= 0) {
            last_value(ks, i, (uint32_t)at[k]);
        } else {
            keep(ks, i, out);
            at[k] = (int32_t)out++;
        }
    }
    return out;
}

/* idx[lo..hi) sorted by (key, index), merging runs through tmp. */
static void sort_indices(const keyset *ks, uint32_t *idx, uint32_t *tmp)
{
    uint32_t n = ks->n;
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n;
            uint32_t hi = mid + w < n ? mid + w : n;
            uint32_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                int c = key_cmp(ks->kind, ks->size, KEY(ks, idx[a]), KEY(ks, idx[b]));
                /* equal keys keep index order: runs hold ascending indices */
                tmp[o++] = c <= 0 ? idx[a++] : idx[b++];
            }
            while (a < mid)
                tmp[o++] = idx[a++];
            while (b < hi)
                tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)n * sizeof *idx);
        if (w > n / 2)
            break;
    }
}

/* Many entries: sort indices by key, then in each group of equal keys the
 * first index stays (with the group's last value) and the others go. */
static int unique_sorted(keyset *ks, uint32_t *out_n)
{
    uint32_t n = ks->n;
    uint32_t *idx = malloc((size_t)n * sizeof *idx);
    uint32_t *src = idx ? malloc((size_t)n * sizeof *src) : NULL;
    if (!src) {
        free(idx);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++)
        idx[i] = i;
    sort_indices(ks, idx, src);
    /* src[i]: the entry whose value entry i ends with, UINT32_MAX when
     * entry i is a later duplicate */
    for (uint32_t g = 0; g < n;) {
        uint32_t e = g + 1;
        while (e < n && keys_equal(ks->kind, ks->size, KEY(ks, idx[g]), KEY(ks, idx[e])))
            e++;
        src[idx[g]] = idx[e - 1];
        for (uint32_t k = g + 1; k < e; k++)
            src[idx[k]] = UINT32_MAX;
        g = e;
    }
    /* Compact in wire order. Entry src[i] >= i is read before anything at
     * or above i is written (writes go to out <= i). */
    uint32_t out = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (src[i] == UINT32_MAX)
            continue;
        if (out != i)
            memcpy(KEY(ks, out), KEY(ks, i), ks->size);
        if (ks->values && out != src[i])
            memcpy(VAL(ks, out), VAL(ks, src[i]), ks->vsize);
        out++;
    }
    free(src);
    free(idx);
    *out_n = out;
    return 0;
}

/* (Out of line, so that the integer cases below need no saved registers.) */
static PST__NOINLINE bool strings_repeat(const pst_str *str, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        const pst_str *x = &str[i];
        for (uint32_t j = 0; j < i; j++) {
            const pst_str *y = &str[j];
            if (x->len == y->len &&
                (x->len == 0 ||
                 (x->ptr[0] == y->ptr[0] && memcmp(x->ptr, y->ptr, x->len) == 0)))
                return true;
        }
    }
    return false;
}

static PST__NOINLINE bool others_repeat(unsigned kind, const uint8_t *k,
                                       uint32_t n)
{
    size_t size = kind == PST_K_DOUBLE ? 8 : kind == PST_K_UUID ? 16 : 1;
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = 0; j < i; j++)
            if (keys_equal(kind, size, k + (size_t)j * size, k + (size_t)i * size))
                return true;
    return false;
}

/* The usual case, checked first and cheaply: few entries, none repeated.
 * Keys are loaded by width rather than compared through memcmp. */
bool pst__keys_may_repeat(unsigned kind, const void *keys, uint32_t n)
{
    const uint8_t *k = keys;
    if (n > SMALL)
        return pst__kind_is_flat(kind);
    switch (kind) {
    case PST_K_I16:
        for (uint32_t i = 1; i < n; i++) {
            uint16_t x;
            memcpy(&x, k + 2 * (size_t)i, 2);
            for (uint32_t j = 0; j < i; j++) {
                uint16_t y;
                memcpy(&y, k + 2 * (size_t)j, 2);
                if (x == y)
                    return true;
            }
        }
        return false;
    case PST_K_I32:
    case PST_K_ENUM:
        for (uint32_t i = 1; i < n; i++) {
            uint32_t x;
            memcpy(&x, k + 4 * (size_t)i, 4);
            for (uint32_t j = 0; j < i; j++) {
                uint32_t y;
                memcpy(&y, k + 4 * (size_t)j, 4);
                if (x == y)
                    return true;
            }
        }
        return false;
    case PST_K_I64:
        for (uint32_t i = 1; i < n; i++) {
            uint64_t x;
            memcpy(&x, k + 8 * (size_t)i, 8);
            for (uint32_t j = 0; j < i; j++) {
                uint64_t y;
                memcpy(&y, k + 8 * (size_t)j, 8);
                if (x == y)
                    return true;
            }
        }
        return false;
    case PST_K_STRING:
    case PST_K_BINARY:
        return strings_repeat(keys, n);
    case PST_K_BOOL:
    case PST_K_I8:
    case PST_K_DOUBLE:
    case PST_K_UUID:
        return others_repeat(kind, keys, n);
    default:
        return false; /* kept as sent */
    }
}

const uint8_t *pst__dec_unique(pst__dec *c, const uint8_t *p, const pst_type *k,
                               void *keys, const pst_type *v, void *values,
                               uint32_t *count, const pst_struct_desc *d,
                               const pst_field *f)
{
    keyset ks = { k->kind, k->size, keys, values, v ? v->size : 0, *count };
    if (ks.n <= SMALL) {
        *count = unique_small(&ks);
    } else if (ks.kind == PST_K_BOOL || ks.kind == PST_K_I8) {
        *count = unique_byte(&ks);
    } else if (unique_sorted(&ks, count) != 0) {
        return pst__dec_nomem(c, p, (size_t)ks.n * 2 * sizeof(uint32_t), d, f);
    }
    return p;
}
