/*
 * bench_types.h: the C types and descriptors of bench.thrift, written by
 * hand following the generated-code conventions of `postern gen` (prefix
 * `bench_`, the IDL file's base name), so that they can be swapped for the
 * compiler's output unchanged.
 */
#ifndef BENCH_TYPES_H
#define BENCH_TYPES_H

#include <postern/types.h>

typedef enum bench_Numberz {
    bench_Numberz_ONE = 1,
    bench_Numberz_TWO = 2,
    bench_Numberz_THREE = 3,
    bench_Numberz_FIVE = 5,
    bench_Numberz_SIX = 6,
    bench_Numberz_EIGHT = 8
} bench_Numberz;
extern const pst_enum_desc bench_Numberz_desc;

typedef int64_t bench_UserId;

typedef struct bench_Xtruct {
    pst_str string_thing;
    int8_t byte_thing;
    int32_t i32_thing;
    int64_t i64_thing;
    uint8_t isset_[1];
} bench_Xtruct;
extern const pst_struct_desc bench_Xtruct_desc;
void bench_Xtruct_init(bench_Xtruct *v);

typedef struct bench_Insanity {
    pst_map userMap;   /* map<Numberz, UserId>: int32_t keys, int64_t values */
    pst_list xtructs;  /* list<Xtruct> */
    uint8_t isset_[1];
} bench_Insanity;
extern const pst_struct_desc bench_Insanity_desc;
void bench_Insanity_init(bench_Insanity *v);

typedef struct bench_OneOfEach {
    bool a_bool;
    int8_t a_byte;
    int16_t an_i16;
    int32_t an_i32;
    int64_t an_i64;
    double a_double;
    pst_str a_string;
    pst_str a_binary;
    pst_list i16_list;   /* list<i16> */
    pst_map string_map;  /* map<string, i32> */
    uint8_t isset_[2];
} bench_OneOfEach;
extern const pst_struct_desc bench_OneOfEach_desc;
void bench_OneOfEach_init(bench_OneOfEach *v);

typedef struct bench_Doubles {
    pst_list values;     /* list<double> */
    uint8_t isset_[1];
} bench_Doubles;
extern const pst_struct_desc bench_Doubles_desc;
void bench_Doubles_init(bench_Doubles *v);

#endif
