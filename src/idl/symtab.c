/* symtab.c: open-addressing string hash table (FNV-1a, linear probing). */
#include "idl/symtab.h"

#include <stdint.h>
#include <string.h>

typedef struct symtab_slot {
    const char *key;
    size_t len;
    uint32_t hash;
    void *value;
} symtab_slot;

struct pst__idl_symtab {
    pst__idl_pool *pool;
    symtab_slot *slots;
    unsigned cap;     /* power of two */
    unsigned count;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

pst__idl_symtab *pst__idl_symtab_new(pst__idl_pool *p)
{
    pst__idl_symtab *t = pst__idl_alloc(p, sizeof *t);
    t->pool = p;
    t->cap = 16;
    t->slots = pst__idl_alloc_array(p, t->cap, sizeof *t->slots);
    return t;
}

static symtab_slot *find(const pst__idl_symtab *t, const char *key, size_t len,
                         uint32_t h)
{
    unsigned mask = t->cap - 1;
    for (unsigned i = h & mask;; i = (i + 1) & mask) {
        symtab_slot *s = &t->slots[i];
        if (!s->key)
            return s;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
            return s;
    }
}

void *pst__idl_symtab_getn(const pst__idl_symtab *t, const char *key, size_t len)
{
    if (!t)
        return NULL;
    symtab_slot *s = find(t, key, len, hash_bytes(key, len));
    return s->key ? s->value : NULL;
}

void *pst__idl_symtab_get(const pst__idl_symtab *t, const char *key)
{
    return pst__idl_symtab_getn(t, key, strlen(key));
}

static void grow(pst__idl_symtab *t)
{
    symtab_slot *old = t->slots;
    unsigned old_cap = t->cap;
    t->cap *= 2;
    t->slots = pst__idl_alloc_array(t->pool, t->cap, sizeof *t->slots);
    for (unsigned i = 0; i < old_cap; i++)
        if (old[i].key)
            *find(t, old[i].key, old[i].len, old[i].hash) = old[i];
}

bool pst__idl_symtab_put(pst__idl_symtab *t, const char *key, void *value)
{
    size_t len = strlen(key);
    uint32_t h = hash_bytes(key, len);
    symtab_slot *s = find(t, key, len, h);
    if (s->key)
        return false;
    s->key = pst__idl_strndup(t->pool, key, len);
    s->len = len;
    s->hash = h;
    s->value = value;
    if (++t->count * 4 >= t->cap * 3)
        grow(t);
    return true;
}

unsigned pst__idl_symtab_count(const pst__idl_symtab *t)
{
    return t ? t->count : 0;
}
