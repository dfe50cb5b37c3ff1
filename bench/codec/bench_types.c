/* bench_types.c: descriptors of bench.thrift (see bench_types.h). */
#include <stddef.h>

#include "bench_types.h"

static const pst_enum_value bench_Numberz_values[] = {
    { "ONE", 1 }, { "TWO", 2 }, { "THREE", 3 },
    { "FIVE", 5 }, { "SIX", 6 }, { "EIGHT", 8 },
};
const pst_enum_desc bench_Numberz_desc = { "Numberz", 6, bench_Numberz_values };

static const pst_type bench_Numberz_type = { PST_K_ENUM, PST_TT_I32, sizeof(int32_t),
                                             NULL, &bench_Numberz_desc, NULL, NULL };
static const pst_type bench_Xtruct_type = { PST_K_STRUCT, PST_TT_STRUCT,
                                            sizeof(bench_Xtruct), &bench_Xtruct_desc,
                                            NULL, NULL, NULL };
static const pst_type map_Numberz_UserId = { PST_K_MAP, PST_TT_MAP, sizeof(pst_map), NULL,
                                             NULL, &bench_Numberz_type, &pst_type_i64 };
static const pst_type list_Xtruct = { PST_K_LIST, PST_TT_LIST, sizeof(pst_list), NULL, NULL,
                                      &bench_Xtruct_type, NULL };
static const pst_type list_i16 = { PST_K_LIST, PST_TT_LIST, sizeof(pst_list), NULL, NULL,
                                   &pst_type_i16, NULL };
static const pst_type map_string_i32 = { PST_K_MAP, PST_TT_MAP, sizeof(pst_map), NULL, NULL,
                                         &pst_type_string, &pst_type_i32 };
static const pst_type list_double = { PST_K_LIST, PST_TT_LIST, sizeof(pst_list), NULL, NULL,
                                      &pst_type_double, NULL };

#define F(S, id, m, kind, bit, type)                                           \
    { id, kind, PST_REQ_DEFAULT, bit, offsetof(S, m), type, #m }

static const pst_field bench_Xtruct_fields[] = {
    F(bench_Xtruct, 1, string_thing, PST_K_STRING, 0, &pst_type_string),
    F(bench_Xtruct, 4, byte_thing, PST_K_I8, 1, &pst_type_i8),
    F(bench_Xtruct, 9, i32_thing, PST_K_I32, 2, &pst_type_i32),
    F(bench_Xtruct, 11, i64_thing, PST_K_I64, 3, &pst_type_i64),
};
const pst_struct_desc bench_Xtruct_desc = { "Xtruct", sizeof(bench_Xtruct),
                                            offsetof(bench_Xtruct, isset_), 4, PST_STRUCT,
                                            bench_Xtruct_fields, NULL };

static const pst_field bench_Insanity_fields[] = {
    F(bench_Insanity, 1, userMap, PST_K_MAP, 0, &map_Numberz_UserId),
    F(bench_Insanity, 2, xtructs, PST_K_LIST, 1, &list_Xtruct),
};
const pst_struct_desc bench_Insanity_desc = { "Insanity", sizeof(bench_Insanity),
                                              offsetof(bench_Insanity, isset_), 2, PST_STRUCT,
                                              bench_Insanity_fields, NULL };

static const pst_field bench_OneOfEach_fields[] = {
    F(bench_OneOfEach, 1, a_bool, PST_K_BOOL, 0, &pst_type_bool),
    F(bench_OneOfEach, 2, a_byte, PST_K_I8, 1, &pst_type_i8),
    F(bench_OneOfEach, 3, an_i16, PST_K_I16, 2, &pst_type_i16),
    F(bench_OneOfEach, 4, an_i32, PST_K_I32, 3, &pst_type_i32),
    F(bench_OneOfEach, 5, an_i64, PST_K_I64, 4, &pst_type_i64),
    F(bench_OneOfEach, 6, a_double, PST_K_DOUBLE, 5, &pst_type_double),
    F(bench_OneOfEach, 7, a_string, PST_K_STRING, 6, &pst_type_string),
    F(bench_OneOfEach, 8, a_binary, PST_K_BINARY, 7, &pst_type_binary),
    F(bench_OneOfEach, 9, i16_list, PST_K_LIST, 8, &list_i16),
    F(bench_OneOfEach, 10, string_map, PST_K_MAP, 9, &map_string_i32),
};
const pst_struct_desc bench_OneOfEach_desc = { "OneOfEach", sizeof(bench_OneOfEach),
                                               offsetof(bench_OneOfEach, isset_), 10,
                                               PST_STRUCT, bench_OneOfEach_fields, NULL };

static const pst_field bench_Doubles_fields[] = {
    F(bench_Doubles, 1, values, PST_K_LIST, 0, &list_double),
};
const pst_struct_desc bench_Doubles_desc = { "Doubles", sizeof(bench_Doubles),
                                             offsetof(bench_Doubles, isset_), 1, PST_STRUCT,
                                             bench_Doubles_fields, NULL };

void bench_Xtruct_init(bench_Xtruct *v) { pst_struct_init(&bench_Xtruct_desc, v); }
void bench_Insanity_init(bench_Insanity *v) { pst_struct_init(&bench_Insanity_desc, v); }
void bench_OneOfEach_init(bench_OneOfEach *v) { pst_struct_init(&bench_OneOfEach_desc, v); }
void bench_Doubles_init(bench_Doubles *v) { pst_struct_init(&bench_Doubles_desc, v); }
