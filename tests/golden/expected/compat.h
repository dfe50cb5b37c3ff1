/*
 * compat.h: generated from compat.thrift by postern gen. Do not edit.
 *
 * Where postern behaves as Apache Thrift 0.17 (C++ and Python) does, for
 * the IDL and for what comes off the wire (compat_decode.c runs the
 * generated code).
 *
 * C names start with compat_ (from namespace c). Structs are plain data;
 * each has a const descriptor (_desc) that the protocols walk, an _init
 * function, and _isset_/_set_ functions per field. Strings (pst_str) and
 * lists (pst_list: data, count) point into the arena that decoded them.
 * See postern/types.h.
 */
#ifndef POSTERN_GEN_compat__compat_H
#define POSTERN_GEN_compat__compat_H

#include <stdbool.h>
#include <stdint.h>

#include <postern/client.h>
#include <postern/processor.h>
#include <postern/types.h>

/*
 * union UR (compat.thrift:9)
 * A union: set exactly one field.
 *
 * `required` on a union member is ignored: it is optional (with a warning).
 */
typedef struct compat_UR {
    int32_t a;                          /* 1: optional i32 a */
    int32_t b;                          /* 2: i32 b */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} compat_UR;

extern const pst_struct_desc compat_UR_desc;
/* Zero *v, then set the IDL default values (there are none). */
void compat_UR_init(compat_UR *v);
static inline bool compat_UR_isset_a(const compat_UR *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void compat_UR_set_a(compat_UR *v) { v->isset_[0] |= 0x01u; }
static inline bool compat_UR_isset_b(const compat_UR *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void compat_UR_set_b(compat_UR *v) { v->isset_[0] |= 0x02u; }

/*
 * union UD (compat.thrift:15)
 * A union: set exactly one field.
 *
 * Thrift writes a union's default member as well as the one set.
 */
typedef struct compat_UD {
    int32_t i;                          /* 1: i32 i = 7 */
    pst_str s;                          /* 2: string s */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} compat_UD;

extern const pst_struct_desc compat_UD_desc;
/* Zero *v, then set the IDL default values (not marked set: a union sets one member). */
void compat_UD_init(compat_UD *v);
static inline bool compat_UD_isset_i(const compat_UD *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void compat_UD_set_i(compat_UD *v) { v->isset_[0] |= 0x01u; }
static inline bool compat_UD_isset_s(const compat_UD *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void compat_UD_set_s(compat_UD *v) { v->isset_[0] |= 0x02u; }

/*
 * union UE (compat.thrift:21)
 * A union: set exactly one field.
 *
 * The default member after the one set: Thrift writes `s`, then `i = 7`.
 */
typedef struct compat_UE {
    pst_str s;                          /* 1: string s */
    int32_t i;                          /* 2: i32 i = 7 */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} compat_UE;

extern const pst_struct_desc compat_UE_desc;
/* Zero *v, then set the IDL default values (not marked set: a union sets one member). */
void compat_UE_init(compat_UE *v);
static inline bool compat_UE_isset_s(const compat_UE *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void compat_UE_set_s(compat_UE *v) { v->isset_[0] |= 0x01u; }
static inline bool compat_UE_isset_i(const compat_UE *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void compat_UE_set_i(compat_UE *v) { v->isset_[0] |= 0x02u; }

/*
 * struct RD (compat.thrift:27)
 *
 * A required field with a default must still be on the wire.
 */
typedef struct compat_RD {
    int32_t a;                          /* 1: required i32 a = 5 */
    int32_t b;                          /* 2: i32 b */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} compat_RD;

extern const pst_struct_desc compat_RD_desc;
/* Zero *v, then set the IDL default values (and their isset bits, except
 * a required field's: it says whether a decoder read the field). */
void compat_RD_init(compat_RD *v);
static inline bool compat_RD_isset_a(const compat_RD *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void compat_RD_set_a(compat_RD *v) { v->isset_[0] |= 0x01u; }
static inline bool compat_RD_isset_b(const compat_RD *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void compat_RD_set_b(compat_RD *v) { v->isset_[0] |= 0x02u; }

/*
 * struct Outer (compat.thrift:32)
 */
typedef struct compat_Outer {
    compat_RD rd;                       /* 1: RD rd */
    pst_list rds;                       /* 2: list<RD> rds; data: compat_RD[count] */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} compat_Outer;

extern const pst_struct_desc compat_Outer_desc;
/* Zero *v, then set the IDL default values (there are none). */
void compat_Outer_init(compat_Outer *v);
static inline bool compat_Outer_isset_rd(const compat_Outer *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void compat_Outer_set_rd(compat_Outer *v) { v->isset_[0] |= 0x01u; }
static inline bool compat_Outer_isset_rds(const compat_Outer *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void compat_Outer_set_rds(compat_Outer *v) { v->isset_[0] |= 0x02u; }

/*
 * struct Dups (compat.thrift:38)
 *
 * Duplicate set elements and map keys on the wire.
 */
typedef struct compat_Dups {
    pst_list ints;                      /* 1: set<i32> ints; data: int32_t[count] */
    pst_list strs;                      /* 2: set<string> strs; data: pst_str[count] */
    pst_map counts;                     /* 3: map<string,i32> counts; keys: pst_str[count], values: int32_t[count] */
    pst_map names;                      /* 4: map<i64,string> names; keys: int64_t[count], values: pst_str[count] */
    pst_list seq;                       /* 5: list<i32> seq; data: int32_t[count] */
    pst_list reals;                     /* 6: set<double> reals; data: double[count] */
    pst_list flags;                     /* 7: set<bool> flags; data: bool[count] */
    pst_map blobs;                      /* 8: map<binary,i8> blobs; keys: pst_str[count], values: int8_t[count] */
    pst_list lists;                     /* 9: set<list<i32>> lists; data: pst_list[count] */
    uint8_t isset_[2];                  /* presence bits: use _isset_/_set_ below */
} compat_Dups;

extern const pst_struct_desc compat_Dups_desc;
/* Zero *v, then set the IDL default values (there are none). */
void compat_Dups_init(compat_Dups *v);
static inline bool compat_Dups_isset_ints(const compat_Dups *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void compat_Dups_set_ints(compat_Dups *v) { v->isset_[0] |= 0x01u; }
static inline bool compat_Dups_isset_strs(const compat_Dups *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void compat_Dups_set_strs(compat_Dups *v) { v->isset_[0] |= 0x02u; }
static inline bool compat_Dups_isset_counts(const compat_Dups *v) { return (v->isset_[0] & 0x04u) != 0; }
static inline void compat_Dups_set_counts(compat_Dups *v) { v->isset_[0] |= 0x04u; }
static inline bool compat_Dups_isset_names(const compat_Dups *v) { return (v->isset_[0] & 0x08u) != 0; }
static inline void compat_Dups_set_names(compat_Dups *v) { v->isset_[0] |= 0x08u; }
static inline bool compat_Dups_isset_seq(const compat_Dups *v) { return (v->isset_[0] & 0x10u) != 0; }
static inline void compat_Dups_set_seq(compat_Dups *v) { v->isset_[0] |= 0x10u; }
static inline bool compat_Dups_isset_reals(const compat_Dups *v) { return (v->isset_[0] & 0x20u) != 0; }
static inline void compat_Dups_set_reals(compat_Dups *v) { v->isset_[0] |= 0x20u; }
static inline bool compat_Dups_isset_flags(const compat_Dups *v) { return (v->isset_[0] & 0x40u) != 0; }
static inline void compat_Dups_set_flags(compat_Dups *v) { v->isset_[0] |= 0x40u; }
static inline bool compat_Dups_isset_blobs(const compat_Dups *v) { return (v->isset_[0] & 0x80u) != 0; }
static inline void compat_Dups_set_blobs(compat_Dups *v) { v->isset_[0] |= 0x80u; }
static inline bool compat_Dups_isset_lists(const compat_Dups *v) { return (v->isset_[1] & 0x01u) != 0; }
static inline void compat_Dups_set_lists(compat_Dups *v) { v->isset_[1] |= 0x01u; }

/*
 * struct Flags (compat.thrift:55)
 */
typedef struct compat_Flags {
    bool neg;                           /* 1: bool neg = -1 */
    bool pos;                           /* 2: bool pos = 2 */
    uint8_t isset_[1];                  /* presence bits: use _isset_/_set_ below */
} compat_Flags;

extern const pst_struct_desc compat_Flags_desc;
/* Zero *v, then set the IDL default values (and their isset bits). */
void compat_Flags_init(compat_Flags *v);
static inline bool compat_Flags_isset_neg(const compat_Flags *v) { return (v->isset_[0] & 0x01u) != 0; }
static inline void compat_Flags_set_neg(compat_Flags *v) { v->isset_[0] |= 0x01u; }
static inline bool compat_Flags_isset_pos(const compat_Flags *v) { return (v->isset_[0] & 0x02u) != 0; }
static inline void compat_Flags_set_pos(compat_Flags *v) { v->isset_[0] |= 0x02u; }

/*
 * const bool B_MINUS_ONE = -1 (compat.thrift:51)
 *
 * Integers as bools: true when greater than zero, as Thrift renders them.
 */
extern const bool compat_B_MINUS_ONE;

/*
 * const bool B_ZERO = 0 (compat.thrift:52)
 */
extern const bool compat_B_ZERO;

/*
 * const bool B_ONE = 1 (compat.thrift:53)
 */
extern const bool compat_B_ONE;

/*
 * const bool B_TWO = 2 (compat.thrift:54)
 */
extern const bool compat_B_TWO;

#endif /* POSTERN_GEN_compat__compat_H */
