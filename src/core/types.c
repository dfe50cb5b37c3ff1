/*
 * types.c: the base type tables and the small helpers over descriptors.
 */
#include <string.h>

#include "postern/types.h"
#include "core/struct_init.h"

#define BASE_TYPE(cname, k, tt, ctype)                                         \
    const pst_type cname = { (uint8_t)(k), (uint8_t)(tt), sizeof(ctype),      \
                             NULL, NULL, NULL, NULL };

BASE_TYPE(pst_type_bool, PST_K_BOOL, PST_TT_BOOL, bool)
BASE_TYPE(pst_type_i8, PST_K_I8, PST_TT_I8, int8_t)
BASE_TYPE(pst_type_i16, PST_K_I16, PST_TT_I16, int16_t)
BASE_TYPE(pst_type_i32, PST_K_I32, PST_TT_I32, int32_t)
BASE_TYPE(pst_type_i64, PST_K_I64, PST_TT_I64, int64_t)
BASE_TYPE(pst_type_double, PST_K_DOUBLE, PST_TT_DOUBLE, double)
BASE_TYPE(pst_type_string, PST_K_STRING, PST_TT_STRING, pst_str)
BASE_TYPE(pst_type_binary, PST_K_BINARY, PST_TT_STRING, pst_str)
BASE_TYPE(pst_type_uuid, PST_K_UUID, PST_TT_UUID, pst_uuid)

pst_str pst_str_c(const char *s)
{
    pst_str r = { s, s ? strlen(s) : 0 };
    return r;
}

void pst_struct_init(const pst_struct_desc *d, void *v)
{
    pst__struct_init(d, v); /* small structs without a libc call */
}

const pst_field *pst_struct_field(const pst_struct_desc *d, int16_t id)
{
    size_t lo = 0, hi = d->nfields;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int16_t m = d->fields[mid].id;
        if (m == id)
            return &d->fields[mid];
        if (m < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *pst_enum_name(const pst_enum_desc *d, int32_t value)
{
    if (!d)
        return NULL;
    for (uint32_t i = 0; i < d->count; i++)
        if (d->values[i].value == value)
            return d->values[i].name;
    return NULL;
}
