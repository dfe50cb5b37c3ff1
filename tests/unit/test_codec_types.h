/*
 * test_codec_types.h: hand-written descriptors (as `postern gen` would emit
 * them) for the codec tests, covering every kind, and one fully populated
 * value. The IDL they stand for:
 *
 *   enum Color { RED = 1, GREEN = 2 }
 *   struct Inner { 1: i32 a, 2: string s }
 *   struct Everything {
 *     -1: i16 neg_id                     (an implicit, negative id)
 *      1: bool b   2: i8 i8v   3: i16 i16v   4: i32 i32v   5: i64 i64v
 *      6: double dbl   7: string str   8: binary bin   9: uuid u
 *     10: Color color   11: Inner inner   12: list<i32> li32
 *     13: set<string> sstr   14: map<string,i64> msi   15: list<bool> lbool
 *     16: map<Inner,list<double>> complex   17: list<list<i16>> nested
 *     20: optional i32 opt   40: optional string far (id delta > 15)
 *     41: map<bool,i8> mb   42: list<Inner> linner   43: list<uuid> luuid
 *     44: list<i64> li64   45: list<double> ldbl   46: list<binary> lbin
 *     47: set<Color> scolor   48: list<i8> li8
 *   }
 *   union Choice { 1: i32 x, 2: string y, 3: Inner z }
 *   struct Node { 1: i32 val, 2: optional Node next, 3: list<Node> kids }
 *   struct Req { 1: required i32 id, 2: string name = "dflt",
 *                3: optional i64 n = 5 }
 *   struct Deep { 1: optional Deep d }      (STRUCT_PTR chain for depth)
 */
#ifndef TEST_CODEC_TYPES_H
#define TEST_CODEC_TYPES_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "postern/protocol.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- C types ---- */

typedef struct T_Inner {
    int32_t a;
    pst_str s;
    uint8_t isset_[1];
} T_Inner;

typedef struct T_Everything {
    int16_t neg_id;
    bool b;
    int8_t i8v;
    int16_t i16v;
    int32_t i32v;
    int64_t i64v;
    double dbl;
    pst_str str;
    pst_str bin;
    pst_uuid u;
    int32_t color;
    T_Inner inner;
    pst_list li32;
    pst_list sstr;
    pst_map msi;
    pst_list lbool;
    pst_map complex;
    pst_list nested;
    int32_t opt;
    pst_str far;
    pst_map mb;
    pst_list linner;
    pst_list luuid;
    pst_list li64;
    pst_list ldbl;
    pst_list lbin;
    pst_list scolor;
    pst_list li8;
    uint8_t isset_[4];
} T_Everything;

typedef struct T_Choice {
    int32_t x;
    pst_str y;
    T_Inner z;
    uint8_t isset_[1];
} T_Choice;

typedef struct T_Node {
    int32_t val;
    struct T_Node *next;
    pst_list kids;
    uint8_t isset_[1];
} T_Node;

typedef struct T_Req {
    int32_t id;
    pst_str name;
    int64_t n;
    uint8_t isset_[1];
} T_Req;

typedef struct T_Deep {
    struct T_Deep *d;
    uint8_t isset_[1];
} T_Deep;

/* ---- descriptors ---- */

static const pst_enum_value T_Color_values[] = { { "RED", 1 }, { "GREEN", 2 } };
static const pst_enum_desc T_Color_desc = { "Color", 2, T_Color_values };

extern const pst_struct_desc T_Inner_desc, T_Everything_desc, T_Choice_desc,
    T_Node_desc, T_Req_desc, T_Deep_desc;

#define TYPE_LIST(name, k, tt, el)                                             \
    static const pst_type name = { k, tt, sizeof(pst_list), NULL, NULL, el, NULL }
#define TYPE_MAP(name, kt, vt)                                                 \
    static const pst_type name = { PST_K_MAP, PST_TT_MAP, sizeof(pst_map),     \
                                   NULL, NULL, kt, vt }

static const pst_type t_color = { PST_K_ENUM, PST_TT_I32, sizeof(int32_t), NULL,
                                  &T_Color_desc, NULL, NULL };
static const pst_type t_inner = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(T_Inner),
                                  &T_Inner_desc, NULL, NULL, NULL };
static const pst_type t_node = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(T_Node),
                                 &T_Node_desc, NULL, NULL, NULL };
static const pst_type t_node_ptr = { PST_K_STRUCT_PTR, PST_TT_STRUCT,
                                     sizeof(void *), &T_Node_desc, NULL, NULL,
                                     NULL };
static const pst_type t_deep_ptr = { PST_K_STRUCT_PTR, PST_TT_STRUCT,
                                     sizeof(void *), &T_Deep_desc, NULL, NULL,
                                     NULL };
TYPE_LIST(t_list_i32, PST_K_LIST, PST_TT_LIST, &pst_type_i32);
TYPE_LIST(t_set_string, PST_K_SET, PST_TT_SET, &pst_type_string);
TYPE_MAP(t_map_string_i64, &pst_type_string, &pst_type_i64);
TYPE_LIST(t_list_bool, PST_K_LIST, PST_TT_LIST, &pst_type_bool);
TYPE_LIST(t_list_double, PST_K_LIST, PST_TT_LIST, &pst_type_double);
TYPE_MAP(t_map_inner_ldouble, &t_inner, &t_list_double);
TYPE_LIST(t_list_i16, PST_K_LIST, PST_TT_LIST, &pst_type_i16);
TYPE_LIST(t_list_list_i16, PST_K_LIST, PST_TT_LIST, &t_list_i16);
TYPE_MAP(t_map_bool_i8, &pst_type_bool, &pst_type_i8);
TYPE_LIST(t_list_inner, PST_K_LIST, PST_TT_LIST, &t_inner);
TYPE_LIST(t_list_uuid, PST_K_LIST, PST_TT_LIST, &pst_type_uuid);
TYPE_LIST(t_list_i64, PST_K_LIST, PST_TT_LIST, &pst_type_i64);
TYPE_LIST(t_list_binary, PST_K_LIST, PST_TT_LIST, &pst_type_binary);
TYPE_LIST(t_set_color, PST_K_SET, PST_TT_SET, &t_color);
TYPE_LIST(t_list_i8, PST_K_LIST, PST_TT_LIST, &pst_type_i8);
TYPE_LIST(t_list_node, PST_K_LIST, PST_TT_LIST, &t_node);

#define FIELD(S, id, member, kind, req, bit, type)                             \
    { id, kind, req, bit, offsetof(S, member), type, #member }

static const pst_field T_Inner_fields[] = {
    FIELD(T_Inner, 1, a, PST_K_I32, PST_REQ_DEFAULT, 0, &pst_type_i32),
    FIELD(T_Inner, 2, s, PST_K_STRING, PST_REQ_DEFAULT, 1, &pst_type_string),
};
const pst_struct_desc T_Inner_desc = { "Inner", sizeof(T_Inner),
                                       offsetof(T_Inner, isset_), 2, PST_STRUCT,
                                       T_Inner_fields, NULL };

#define E(id, m, k, req, bit, t) FIELD(T_Everything, id, m, k, req, bit, t)
static const pst_field T_Everything_fields[] = {
    E(-1, neg_id, PST_K_I16, PST_REQ_DEFAULT, 0, &pst_type_i16),
    E(1, b, PST_K_BOOL, PST_REQ_DEFAULT, 1, &pst_type_bool),
    E(2, i8v, PST_K_I8, PST_REQ_DEFAULT, 2, &pst_type_i8),
    E(3, i16v, PST_K_I16, PST_REQ_DEFAULT, 3, &pst_type_i16),
    E(4, i32v, PST_K_I32, PST_REQ_DEFAULT, 4, &pst_type_i32),
    E(5, i64v, PST_K_I64, PST_REQ_DEFAULT, 5, &pst_type_i64),
    E(6, dbl, PST_K_DOUBLE, PST_REQ_DEFAULT, 6, &pst_type_double),
    E(7, str, PST_K_STRING, PST_REQ_DEFAULT, 7, &pst_type_string),
    E(8, bin, PST_K_BINARY, PST_REQ_DEFAULT, 8, &pst_type_binary),
    E(9, u, PST_K_UUID, PST_REQ_DEFAULT, 9, &pst_type_uuid),
    E(10, color, PST_K_ENUM, PST_REQ_DEFAULT, 10, &t_color),
    E(11, inner, PST_K_STRUCT, PST_REQ_DEFAULT, 11, &t_inner),
    E(12, li32, PST_K_LIST, PST_REQ_DEFAULT, 12, &t_list_i32),
    E(13, sstr, PST_K_SET, PST_REQ_DEFAULT, 13, &t_set_string),
    E(14, msi, PST_K_MAP, PST_REQ_DEFAULT, 14, &t_map_string_i64),
    E(15, lbool, PST_K_LIST, PST_REQ_DEFAULT, 15, &t_list_bool),
    E(16, complex, PST_K_MAP, PST_REQ_DEFAULT, 16, &t_map_inner_ldouble),
    E(17, nested, PST_K_LIST, PST_REQ_DEFAULT, 17, &t_list_list_i16),
    E(20, opt, PST_K_I32, PST_REQ_OPTIONAL, 18, &pst_type_i32),
    E(40, far, PST_K_STRING, PST_REQ_OPTIONAL, 19, &pst_type_string),
    E(41, mb, PST_K_MAP, PST_REQ_DEFAULT, 20, &t_map_bool_i8),
    E(42, linner, PST_K_LIST, PST_REQ_DEFAULT, 21, &t_list_inner),
    E(43, luuid, PST_K_LIST, PST_REQ_DEFAULT, 22, &t_list_uuid),
    E(44, li64, PST_K_LIST, PST_REQ_DEFAULT, 23, &t_list_i64),
    E(45, ldbl, PST_K_LIST, PST_REQ_DEFAULT, 24, &t_list_double),
    E(46, lbin, PST_K_LIST, PST_REQ_DEFAULT, 25, &t_list_binary),
    E(47, scolor, PST_K_SET, PST_REQ_DEFAULT, 26, &t_set_color),
    E(48, li8, PST_K_LIST, PST_REQ_DEFAULT, 27, &t_list_i8),
};
#undef E
const pst_struct_desc T_Everything_desc = {
    "Everything", sizeof(T_Everything), offsetof(T_Everything, isset_),
    COUNT(T_Everything_fields), PST_STRUCT, T_Everything_fields, NULL
};

static const pst_field T_Choice_fields[] = {
    FIELD(T_Choice, 1, x, PST_K_I32, PST_REQ_DEFAULT, 0, &pst_type_i32),
    FIELD(T_Choice, 2, y, PST_K_STRING, PST_REQ_DEFAULT, 1, &pst_type_string),
    FIELD(T_Choice, 3, z, PST_K_STRUCT, PST_REQ_DEFAULT, 2, &t_inner),
};
const pst_struct_desc T_Choice_desc = { "Choice", sizeof(T_Choice),
                                        offsetof(T_Choice, isset_), 3, PST_UNION,
                                        T_Choice_fields, NULL };

static const pst_field T_Node_fields[] = {
    FIELD(T_Node, 1, val, PST_K_I32, PST_REQ_DEFAULT, 0, &pst_type_i32),
    FIELD(T_Node, 2, next, PST_K_STRUCT_PTR, PST_REQ_OPTIONAL, 1, &t_node_ptr),
    FIELD(T_Node, 3, kids, PST_K_LIST, PST_REQ_DEFAULT, 2, &t_list_node),
};
const pst_struct_desc T_Node_desc = { "Node", sizeof(T_Node),
                                      offsetof(T_Node, isset_), 3, PST_STRUCT,
                                      T_Node_fields, NULL };

static const T_Req T_Req_defaults = { 0, { "dflt", 4 }, 5, { 0 } };
static const pst_field T_Req_fields[] = {
    FIELD(T_Req, 1, id, PST_K_I32, PST_REQ_REQUIRED, 0, &pst_type_i32),
    FIELD(T_Req, 2, name, PST_K_STRING, PST_REQ_DEFAULT, 1, &pst_type_string),
    FIELD(T_Req, 3, n, PST_K_I64, PST_REQ_OPTIONAL, 2, &pst_type_i64),
};
const pst_struct_desc T_Req_desc = { "Req", sizeof(T_Req),
                                     offsetof(T_Req, isset_), 3, PST_STRUCT,
                                     T_Req_fields, &T_Req_defaults };

static const pst_field T_Deep_fields[] = {
    FIELD(T_Deep, 1, d, PST_K_STRUCT_PTR, PST_REQ_OPTIONAL, 0, &t_deep_ptr),
};
const pst_struct_desc T_Deep_desc = { "Deep", sizeof(T_Deep),
                                      offsetof(T_Deep, isset_), 1, PST_STRUCT,
                                      T_Deep_fields, NULL };

/* ---- the populated value (gen_vectors in the tests' comments) ---- */

static const char ev_str[] = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93";
static const uint8_t ev_bin[] = { 0x00, 0xff, 0x00, 0x7f, 0x80 };
static const pst_uuid ev_uuid = { { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                    0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                                    0xee, 0xff } };
static int32_t ev_li32[] = { 0, -1, 1, INT32_MAX, INT32_MIN };
static pst_str ev_sstr[] = { { "x", 1 }, { "", 0 }, { "yz", 2 } };
static pst_str ev_msi_k[] = { { "k1", 2 }, { "k2", 2 } };
static int64_t ev_msi_v[] = { INT64_MAX, -1 };
static bool ev_lbool[] = { true, false, true };
static T_Inner ev_cx_k[] = { { 1, { "a", 1 }, { 3 } }, { 2, { "", 0 }, { 3 } } };
static double ev_cx_l0[] = { 1.0, -0.5 };
static pst_list ev_cx_v[] = { { ev_cx_l0, 2 }, { NULL, 0 } };
static int16_t ev_n0[] = { 1, 2 }, ev_n2[] = { -3 };
static pst_list ev_nested[] = { { ev_n0, 2 }, { NULL, 0 }, { ev_n2, 1 } };
static bool ev_mb_k[] = { true, false };
static int8_t ev_mb_v[] = { 1, -1 };
static T_Inner ev_linner[] = { { 3, { "p", 1 }, { 3 } }, { 4, { "q", 1 }, { 3 } } };
static pst_uuid ev_luuid[] = { { { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7,
                                   8, 9, 10, 11 } } };
static int64_t ev_li64[] = { INT64_MAX, 0, -1 };
static double ev_ldbl[3]; /* inf, -inf, 0.0: set in everything_value() */
static pst_str ev_lbin[] = { { "\x00\x01", 2 }, { "", 0 } };
static int32_t ev_scolor[] = { 1, 2 };
static int8_t ev_li8[] = { -1, 0, 127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };

static inline void everything_value(T_Everything *v)
{
    memset(v, 0, sizeof *v);
    ev_ldbl[0] = INFINITY;
    ev_ldbl[1] = -INFINITY;
    ev_ldbl[2] = 0.0;
    v->neg_id = -2;
    v->b = true;
    v->i8v = -128;
    v->i16v = -12345;
    v->i32v = INT32_MIN;
    v->i64v = INT64_MIN;
    v->dbl = -2.5;
    v->str = (pst_str){ ev_str, sizeof ev_str - 1 };
    v->bin = (pst_str){ (const char *)ev_bin, sizeof ev_bin };
    v->u = ev_uuid;
    v->color = 2;
    v->inner = (T_Inner){ 7, { "in", 2 }, { 3 } };
    v->li32 = (pst_list){ ev_li32, COUNT(ev_li32) };
    v->sstr = (pst_list){ ev_sstr, COUNT(ev_sstr) };
    v->msi = (pst_map){ ev_msi_k, ev_msi_v, 2 };
    v->lbool = (pst_list){ ev_lbool, COUNT(ev_lbool) };
    v->complex = (pst_map){ ev_cx_k, ev_cx_v, 2 };
    v->nested = (pst_list){ ev_nested, COUNT(ev_nested) };
    v->opt = 99;
    v->far = (pst_str){ "far away", 8 };
    v->mb = (pst_map){ ev_mb_k, ev_mb_v, 2 };
    v->linner = (pst_list){ ev_linner, COUNT(ev_linner) };
    v->luuid = (pst_list){ ev_luuid, COUNT(ev_luuid) };
    v->li64 = (pst_list){ ev_li64, COUNT(ev_li64) };
    v->ldbl = (pst_list){ ev_ldbl, COUNT(ev_ldbl) };
    v->lbin = (pst_list){ ev_lbin, COUNT(ev_lbin) };
    v->scolor = (pst_list){ ev_scolor, COUNT(ev_scolor) };
    v->li8 = (pst_list){ ev_li8, COUNT(ev_li8) };
    /* every field set (the optional ones must be to be written) */
    memset(v->isset_, 0xff, sizeof v->isset_);
    v->isset_[3] = 0x0f; /* bits 24..27 */
}

/* ---- comparison ---- */

static inline bool str_eq(pst_str a, pst_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool inner_eq(const T_Inner *a, const T_Inner *b)
{
    return a->a == b->a && str_eq(a->s, b->s);
}

static inline bool dbl_same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Deep equality of two Everything values, ignoring isset bits. */
static inline bool everything_eq(const T_Everything *a, const T_Everything *b)
{
#define L(f) (a->f.count == b->f.count)
    if (a->neg_id != b->neg_id || a->b != b->b || a->i8v != b->i8v ||
        a->i16v != b->i16v || a->i32v != b->i32v || a->i64v != b->i64v ||
        !dbl_same(a->dbl, b->dbl) || !str_eq(a->str, b->str) ||
        !str_eq(a->bin, b->bin) || memcmp(&a->u, &b->u, 16) != 0 ||
        a->color != b->color || !inner_eq(&a->inner, &b->inner) || a->opt != b->opt ||
        !str_eq(a->far, b->far))
        return false;
    if (!L(li32) || !L(sstr) || a->msi.count != b->msi.count || !L(lbool) ||
        a->complex.count != b->complex.count || !L(nested) ||
        a->mb.count != b->mb.count || !L(linner) || !L(luuid) || !L(li64) ||
        !L(ldbl) || !L(lbin) || !L(scolor) || !L(li8))
        return false;
#undef L
    for (uint32_t i = 0; i < a->li32.count; i++)
        if (((int32_t *)a->li32.data)[i] != ((int32_t *)b->li32.data)[i])
            return false;
    for (uint32_t i = 0; i < a->sstr.count; i++)
        if (!str_eq(((pst_str *)a->sstr.data)[i], ((pst_str *)b->sstr.data)[i]))
            return false;
    for (uint32_t i = 0; i < a->msi.count; i++)
        if (!str_eq(((pst_str *)a->msi.keys)[i], ((pst_str *)b->msi.keys)[i]) ||
            ((int64_t *)a->msi.values)[i] != ((int64_t *)b->msi.values)[i])
            return false;
    for (uint32_t i = 0; i < a->lbool.count; i++)
        if (((bool *)a->lbool.data)[i] != ((bool *)b->lbool.data)[i])
            return false;
    for (uint32_t i = 0; i < a->complex.count; i++) {
        if (!inner_eq(&((T_Inner *)a->complex.keys)[i], &((T_Inner *)b->complex.keys)[i]))
            return false;
        pst_list *la = &((pst_list *)a->complex.values)[i];
        pst_list *lb = &((pst_list *)b->complex.values)[i];
        if (la->count != lb->count)
            return false;
        for (uint32_t j = 0; j < la->count; j++)
            if (!dbl_same(((double *)la->data)[j], ((double *)lb->data)[j]))
                return false;
    }
    for (uint32_t i = 0; i < a->nested.count; i++) {
        pst_list *la = &((pst_list *)a->nested.data)[i];
        pst_list *lb = &((pst_list *)b->nested.data)[i];
        if (la->count != lb->count)
            return false;
        for (uint32_t j = 0; j < la->count; j++)
            if (((int16_t *)la->data)[j] != ((int16_t *)lb->data)[j])
                return false;
    }
    for (uint32_t i = 0; i < a->mb.count; i++)
        if (((bool *)a->mb.keys)[i] != ((bool *)b->mb.keys)[i] ||
            ((int8_t *)a->mb.values)[i] != ((int8_t *)b->mb.values)[i])
            return false;
    for (uint32_t i = 0; i < a->linner.count; i++)
        if (!inner_eq(&((T_Inner *)a->linner.data)[i], &((T_Inner *)b->linner.data)[i]))
            return false;
    if (a->luuid.count && memcmp(a->luuid.data, b->luuid.data, 16 * a->luuid.count))
        return false;
    for (uint32_t i = 0; i < a->li64.count; i++)
        if (((int64_t *)a->li64.data)[i] != ((int64_t *)b->li64.data)[i])
            return false;
    for (uint32_t i = 0; i < a->ldbl.count; i++)
        if (!dbl_same(((double *)a->ldbl.data)[i], ((double *)b->ldbl.data)[i]))
            return false;
    for (uint32_t i = 0; i < a->lbin.count; i++)
        if (!str_eq(((pst_str *)a->lbin.data)[i], ((pst_str *)b->lbin.data)[i]))
            return false;
    for (uint32_t i = 0; i < a->scolor.count; i++)
        if (((int32_t *)a->scolor.data)[i] != ((int32_t *)b->scolor.data)[i])
            return false;
    if (a->li8.count && memcmp(a->li8.data, b->li8.data, a->li8.count))
        return false;
    return true;
}

/* Hex to bytes (test vectors are pasted as hex); returns the length. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = hex; p[0] && p[1] && n < cap;) {
        if (p[0] == ' ' || p[0] == '\n') {
            p++;
            continue;
        }
        unsigned v;
        if (sscanf(p, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

#endif
