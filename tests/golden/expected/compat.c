/*
 * compat.c: generated from compat.thrift by postern gen. Do not edit.
 * The descriptor tables and wrappers behind compat.h.
 */
#include "compat.h"

#include <stddef.h>

/* compat_RD */
static const pst_type compat__type_RD = {
    .kind = PST_K_STRUCT, .ttype = PST_TT_STRUCT, .size = sizeof(compat_RD),
    .sdesc = &compat_RD_desc,
};

/* list<compat_RD> */
static const pst_type compat__type_list_RD = {
    .kind = PST_K_LIST, .ttype = PST_TT_LIST, .size = sizeof(pst_list),
    .elem = &compat__type_RD,
};

/* set<i32> */
static const pst_type compat__type_set_i32 = {
    .kind = PST_K_SET, .ttype = PST_TT_SET, .size = sizeof(pst_list),
    .elem = &pst_type_i32,
};

/* set<string> */
static const pst_type compat__type_set_string = {
    .kind = PST_K_SET, .ttype = PST_TT_SET, .size = sizeof(pst_list),
    .elem = &pst_type_string,
};

/* map<string,i32> */
static const pst_type compat__type_map_string_i32 = {
    .kind = PST_K_MAP, .ttype = PST_TT_MAP, .size = sizeof(pst_map),
    .elem = &pst_type_string, .value = &pst_type_i32,
};

/* map<i64,string> */
static const pst_type compat__type_map_i64_string = {
    .kind = PST_K_MAP, .ttype = PST_TT_MAP, .size = sizeof(pst_map),
    .elem = &pst_type_i64, .value = &pst_type_string,
};

/* list<i32> */
static const pst_type compat__type_list_i32 = {
    .kind = PST_K_LIST, .ttype = PST_TT_LIST, .size = sizeof(pst_list),
    .elem = &pst_type_i32,
};

/* set<double> */
static const pst_type compat__type_set_double = {
    .kind = PST_K_SET, .ttype = PST_TT_SET, .size = sizeof(pst_list),
    .elem = &pst_type_double,
};

/* set<bool> */
static const pst_type compat__type_set_bool = {
    .kind = PST_K_SET, .ttype = PST_TT_SET, .size = sizeof(pst_list),
    .elem = &pst_type_bool,
};

/* map<binary,i8> */
static const pst_type compat__type_map_binary_i8 = {
    .kind = PST_K_MAP, .ttype = PST_TT_MAP, .size = sizeof(pst_map),
    .elem = &pst_type_binary, .value = &pst_type_i8,
};

/* set<list<i32>> */
static const pst_type compat__type_set_list_i32 = {
    .kind = PST_K_SET, .ttype = PST_TT_SET, .size = sizeof(pst_list),
    .elem = &compat__type_list_i32,
};

static const pst_field compat_UR__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_I32, PST_REQ_OPTIONAL, 0, offsetof(compat_UR, a), &pst_type_i32, "a" },
    { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(compat_UR, b), &pst_type_i32, "b" },
};
const pst_struct_desc compat_UR_desc = {
    .name = "UR", .size = sizeof(compat_UR), .isset_offset = offsetof(compat_UR, isset_),
    .nfields = 2, .kind = PST_UNION, .fields = compat_UR__fields, .defaults = NULL,
};
void compat_UR_init(compat_UR *v)
{
    pst_struct_init(&compat_UR_desc, v);
}

static const pst_field compat_UD__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_I32, PST_REQ_DEFAULT, 0, offsetof(compat_UD, i), &pst_type_i32, "i" },
    { 2, PST_K_STRING, PST_REQ_DEFAULT, 1, offsetof(compat_UD, s), &pst_type_string, "s" },
};
static const compat_UD compat_UD__defaults = {
    .i = 7,
    .isset_ = { 0x00 }
};
const pst_struct_desc compat_UD_desc = {
    .name = "UD", .size = sizeof(compat_UD), .isset_offset = offsetof(compat_UD, isset_),
    .nfields = 2, .kind = PST_UNION, .fields = compat_UD__fields, .defaults = &compat_UD__defaults,
};
void compat_UD_init(compat_UD *v)
{
    pst_struct_init(&compat_UD_desc, v);
}

static const pst_field compat_UE__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(compat_UE, s), &pst_type_string, "s" },
    { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(compat_UE, i), &pst_type_i32, "i" },
};
static const compat_UE compat_UE__defaults = {
    .i = 7,
    .isset_ = { 0x00 }
};
const pst_struct_desc compat_UE_desc = {
    .name = "UE", .size = sizeof(compat_UE), .isset_offset = offsetof(compat_UE, isset_),
    .nfields = 2, .kind = PST_UNION, .fields = compat_UE__fields, .defaults = &compat_UE__defaults,
};
void compat_UE_init(compat_UE *v)
{
    pst_struct_init(&compat_UE_desc, v);
}

static const pst_field compat_RD__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_I32, PST_REQ_REQUIRED, 0, offsetof(compat_RD, a), &pst_type_i32, "a" },
    { 2, PST_K_I32, PST_REQ_DEFAULT, 1, offsetof(compat_RD, b), &pst_type_i32, "b" },
};
static const compat_RD compat_RD__defaults = {
    .a = 5,
    .isset_ = { 0x00 }
};
const pst_struct_desc compat_RD_desc = {
    .name = "RD", .size = sizeof(compat_RD), .isset_offset = offsetof(compat_RD, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = compat_RD__fields, .defaults = &compat_RD__defaults,
};
void compat_RD_init(compat_RD *v)
{
    pst_struct_init(&compat_RD_desc, v);
}

static const pst_field compat_Outer__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_STRUCT, PST_REQ_DEFAULT, 0, offsetof(compat_Outer, rd), &compat__type_RD, "rd" },
    { 2, PST_K_LIST, PST_REQ_DEFAULT, 1, offsetof(compat_Outer, rds), &compat__type_list_RD, "rds" },
};
const pst_struct_desc compat_Outer_desc = {
    .name = "Outer", .size = sizeof(compat_Outer), .isset_offset = offsetof(compat_Outer, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = compat_Outer__fields, .defaults = NULL,
};
void compat_Outer_init(compat_Outer *v)
{
    pst_struct_init(&compat_Outer_desc, v);
}

static const pst_field compat_Dups__fields[9] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_SET, PST_REQ_DEFAULT, 0, offsetof(compat_Dups, ints), &compat__type_set_i32, "ints" },
    { 2, PST_K_SET, PST_REQ_DEFAULT, 1, offsetof(compat_Dups, strs), &compat__type_set_string, "strs" },
    { 3, PST_K_MAP, PST_REQ_DEFAULT, 2, offsetof(compat_Dups, counts), &compat__type_map_string_i32, "counts" },
    { 4, PST_K_MAP, PST_REQ_DEFAULT, 3, offsetof(compat_Dups, names), &compat__type_map_i64_string, "names" },
    { 5, PST_K_LIST, PST_REQ_DEFAULT, 4, offsetof(compat_Dups, seq), &compat__type_list_i32, "seq" },
    { 6, PST_K_SET, PST_REQ_DEFAULT, 5, offsetof(compat_Dups, reals), &compat__type_set_double, "reals" },
    { 7, PST_K_SET, PST_REQ_DEFAULT, 6, offsetof(compat_Dups, flags), &compat__type_set_bool, "flags" },
    { 8, PST_K_MAP, PST_REQ_DEFAULT, 7, offsetof(compat_Dups, blobs), &compat__type_map_binary_i8, "blobs" },
    { 9, PST_K_SET, PST_REQ_DEFAULT, 8, offsetof(compat_Dups, lists), &compat__type_set_list_i32, "lists" },
};
const pst_struct_desc compat_Dups_desc = {
    .name = "Dups", .size = sizeof(compat_Dups), .isset_offset = offsetof(compat_Dups, isset_),
    .nfields = 9, .kind = PST_STRUCT, .fields = compat_Dups__fields, .defaults = NULL,
};
void compat_Dups_init(compat_Dups *v)
{
    pst_struct_init(&compat_Dups_desc, v);
}

static const pst_field compat_Flags__fields[2] = {
    /* id, kind, requiredness, isset bit, offset, type, name */
    { 1, PST_K_BOOL, PST_REQ_DEFAULT, 0, offsetof(compat_Flags, neg), &pst_type_bool, "neg" },
    { 2, PST_K_BOOL, PST_REQ_DEFAULT, 1, offsetof(compat_Flags, pos), &pst_type_bool, "pos" },
};
static const compat_Flags compat_Flags__defaults = {
    .neg = false,
    .pos = true,
    .isset_ = { 0x03 }
};
const pst_struct_desc compat_Flags_desc = {
    .name = "Flags", .size = sizeof(compat_Flags), .isset_offset = offsetof(compat_Flags, isset_),
    .nfields = 2, .kind = PST_STRUCT, .fields = compat_Flags__fields, .defaults = &compat_Flags__defaults,
};
void compat_Flags_init(compat_Flags *v)
{
    pst_struct_init(&compat_Flags_desc, v);
}

const bool compat_B_MINUS_ONE = false;

const bool compat_B_ZERO = false;

const bool compat_B_ONE = true;

const bool compat_B_TWO = true;

