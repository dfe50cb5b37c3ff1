/*
 * symtab.h: string-keyed hash table in an IDL pool, so name lookups stay
 * O(1) however many definitions, fields or enum values a file has.
 * Keys are copied into the pool. Thread-safety: one thread per table.
 */
#ifndef POSTERN_IDL_SYMTAB_H
#define POSTERN_IDL_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "idl/pool.h"

typedef struct pst__idl_symtab pst__idl_symtab;

pst__idl_symtab *pst__idl_symtab_new(pst__idl_pool *p);
/* The value stored under key[0..len), or NULL. */
void *pst__idl_symtab_getn(const pst__idl_symtab *t, const char *key, size_t len);
void *pst__idl_symtab_get(const pst__idl_symtab *t, const char *key);
/* Store value (non-NULL) under key; false (and nothing stored) when the key
 * is already present. */
bool pst__idl_symtab_put(pst__idl_symtab *t, const char *key, void *value);
unsigned pst__idl_symtab_count(const pst__idl_symtab *t);

#endif
