/*
 * struct_init.h: a struct's initial value (its IDL defaults, or zero), for
 * the value layer (pst_struct_init in types.c) and for every decoder, which
 * initialise each struct they fill. Inline: it runs once per decoded struct.
 */
#ifndef POSTERN_CORE_STRUCT_INIT_H
#define POSTERN_CORE_STRUCT_INIT_H

#include <stdint.h>
#include <string.h>

#include "postern/types.h"

/* Defaults, or zero: small structs without a libc call. */
static inline __attribute__((always_inline)) void
pst__struct_init(const pst_struct_desc *d, void *v)
{
    size_t n = d->size;
    if (d->defaults) {
        memcpy(v, d->defaults, n);
    } else if (n <= 128) {
        /* overlapping fixed-size stores cover any n */
        static const uint8_t zero[32];
        uint8_t *b = v;
        if (n >= 32) {
            memcpy(b, zero, 32);
            memcpy(b + n - 32, zero, 32);
            if (n > 64) {
                memcpy(b + 32, zero, 32);
                memcpy(b + n - 64, zero, 32);
            }
        } else if (n >= 16) {
            memcpy(b, zero, 16);
            memcpy(b + n - 16, zero, 16);
        } else if (n >= 8) {
            memcpy(b, zero, 8);
            memcpy(b + n - 8, zero, 8);
        } else {
            for (size_t i = 0; i < n; i++)
                b[i] = 0;
        }
    } else {
        memset(v, 0, n);
    }
}

#endif
