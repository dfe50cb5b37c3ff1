/* test_compact_plan.c: the compact protocol's encoding plans
 * (src/protocol/compact_plan.c) write exactly what its walker writes: the
 * same bytes, status and error into unbounded buffers, buffers bounded at
 * every size around the encoding, and buffers already in use, for random
 * values of structs with containers (lists, sets and maps of every kind,
 * lists of structs by their own plans, a list of lists, a struct holding
 * a list of itself, which gets no plan) and of structs whose field headers change with the
 * optional fields set: long id deltas, negative and descending ids, bool
 * fields (the value in the header), member structs after, inside and
 * around unset optional fields. Counts too large, depth limits passed or
 * exceeded by member structs and list elements; unions and struct
 * pointers get no plan. */
#include <stdlib.h>
#include <string.h>

#include "protocol/compact_plan.h"
#include "test.h"
#include "test_codec_types.h"

/* ---- the types ----------------------------------------------------------
 *
 *   struct Elem { 1: string s, 2: optional i16 n = 7, 3: uuid u }
 *   struct Holder { 1: list<i32> xs, 2: string s }
 *   struct Box {
 *      1: list<i16> l16          2: optional set<i64> s64   3: list<bool> lb
 *      4: map<Color,i64> mfix    5: list<string> lstr       6: map<string,i32> msi
 *      7: optional map<binary,string> mbs                  8: list<Elem> lelem
 *      9: i32 after              10: optional list<Elem> olelem
 *     11: list<uuid> lu          12: list<double> ld        13: list<i8> l8
 *     14: Holder holder          15: optional Holder oholder
 *     16: map<bool,i8> mb        17: string tail
 *   }
 *   struct Outer { 1: list<list<Box>> boxes, 2: Box one }  (walked: nested)
 *   struct Bag { 1: list<Elem> elems }
 *   struct Tree { 1: i32 v, 2: list<Tree> kids }         (holds itself)
 */

typedef struct P_Elem {
    pst_str s;
    int16_t n;
    pst_uuid u;
    uint8_t isset_[1];
} P_Elem;

typedef struct P_Holder {
    pst_list xs;
    pst_str s;
    uint8_t isset_[1];
} P_Holder;

typedef struct P_Box {
    pst_list l16, s64, lb;
    pst_map mfix;
    pst_list lstr;
    pst_map msi, mbs;
    pst_list lelem;
    int32_t after;
    pst_list olelem, lu, ld, l8;
    P_Holder holder, oholder;
    pst_map mb;
    pst_str tail;
    uint8_t isset_[3];
} P_Box;

typedef struct P_Outer {
    pst_list boxes;
    P_Box one;
    uint8_t isset_[1];
} P_Outer;

typedef struct P_Bag {
    pst_list elems;
    uint8_t isset_[1];
} P_Bag;

typedef struct P_Tree {
    int32_t v;
    pst_list kids;
    uint8_t isset_[1];
} P_Tree;

/* struct Hdr { -3: optional bool a, 1: bool b, 20: optional i16 c,
 *              21: optional Elem e, 22: optional bool f, 23: Holder h,
 *              300: optional i64 z, 2: optional i8 back, 16: double d }
 * struct Wrap { 1: optional Hdr x, 2: Hdr y, 3: optional i32 q,
 *               -1: optional Elem e } */
typedef struct P_Hdr {
    bool a, b;
    int16_t c;
    P_Elem e;
    bool f;
    P_Holder h;
    int64_t z;
    int8_t back;
    double d;
    uint8_t isset_[2];
} P_Hdr;

typedef struct P_Wrap {
    P_Hdr x, y;
    int32_t q;
    P_Elem e;
    uint8_t isset_[1];
} P_Wrap;

extern const pst_struct_desc P_Elem_desc, P_Holder_desc, P_Box_desc,
    P_Outer_desc, P_Bag_desc, P_Tree_desc, P_Hdr_desc, P_Wrap_desc;

static const pst_type t_elem = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(P_Elem),
                                 &P_Elem_desc, NULL, NULL, NULL };
static const pst_type t_holder = { PST_K_STRUCT, PST_TT_STRUCT,
                                   sizeof(P_Holder), &P_Holder_desc, NULL,
                                   NULL, NULL };
static const pst_type t_box = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(P_Box),
                                &P_Box_desc, NULL, NULL, NULL };
static const pst_type t_tree = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(P_Tree),
                                 &P_Tree_desc, NULL, NULL, NULL };
static const pst_type t_hdr = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(P_Hdr),
                                &P_Hdr_desc, NULL, NULL, NULL };
TYPE_LIST(t_set_i64, PST_K_SET, PST_TT_SET, &pst_type_i64);
TYPE_MAP(t_map_color_i64, &t_color, &pst_type_i64);
TYPE_LIST(t_list_string, PST_K_LIST, PST_TT_LIST, &pst_type_string);
TYPE_MAP(t_map_string_i32, &pst_type_string, &pst_type_i32);
TYPE_MAP(t_map_binary_string, &pst_type_binary, &pst_type_string);
TYPE_LIST(t_list_elem, PST_K_LIST, PST_TT_LIST, &t_elem);
TYPE_LIST(t_list_box, PST_K_LIST, PST_TT_LIST, &t_box);
TYPE_LIST(t_list_list_box, PST_K_LIST, PST_TT_LIST, &t_list_box);
TYPE_LIST(t_list_tree, PST_K_LIST, PST_TT_LIST, &t_tree);

static const P_Elem P_Elem_defaults = { { NULL, 0 }, 7, { { 0 } }, { 0x02 } };
static const pst_field P_Elem_fields[] = {
    FIELD(P_Elem, 1, s, PST_K_STRING, PST_REQ_DEFAULT, 0, &pst_type_string),
    FIELD(P_Elem, 2, n, PST_K_I16, PST_REQ_OPTIONAL, 1, &pst_type_i16),
    FIELD(P_Elem, 3, u, PST_K_UUID, PST_REQ_DEFAULT, 2, &pst_type_uuid),
};
const pst_struct_desc P_Elem_desc = { "Elem", sizeof(P_Elem),
                                      offsetof(P_Elem, isset_), 3, PST_STRUCT,
                                      P_Elem_fields, &P_Elem_defaults };

static const pst_field P_Holder_fields[] = {
    FIELD(P_Holder, 1, xs, PST_K_LIST, PST_REQ_DEFAULT, 0, &t_list_i32),
    FIELD(P_Holder, 2, s, PST_K_STRING, PST_REQ_DEFAULT, 1, &pst_type_string),
};
const pst_struct_desc P_Holder_desc = { "Holder", sizeof(P_Holder),
                                        offsetof(P_Holder, isset_), 2,
                                        PST_STRUCT, P_Holder_fields, NULL };

#define B(id, m, k, req, bit, t) FIELD(P_Box, id, m, k, req, bit, t)
static const pst_field P_Box_fields[] = {
    B(1, l16, PST_K_LIST, PST_REQ_DEFAULT, 0, &t_list_i16),
    B(2, s64, PST_K_SET, PST_REQ_OPTIONAL, 1, &t_set_i64),
    B(3, lb, PST_K_LIST, PST_REQ_DEFAULT, 2, &t_list_bool),
    B(4, mfix, PST_K_MAP, PST_REQ_DEFAULT, 3, &t_map_color_i64),
    B(5, lstr, PST_K_LIST, PST_REQ_DEFAULT, 4, &t_list_string),
    B(6, msi, PST_K_MAP, PST_REQ_DEFAULT, 5, &t_map_string_i32),
    B(7, mbs, PST_K_MAP, PST_REQ_OPTIONAL, 6, &t_map_binary_string),
    B(8, lelem, PST_K_LIST, PST_REQ_DEFAULT, 7, &t_list_elem),
    B(9, after, PST_K_I32, PST_REQ_DEFAULT, 8, &pst_type_i32),
    B(10, olelem, PST_K_LIST, PST_REQ_OPTIONAL, 9, &t_list_elem),
    B(11, lu, PST_K_LIST, PST_REQ_DEFAULT, 10, &t_list_uuid),
    B(12, ld, PST_K_LIST, PST_REQ_DEFAULT, 11, &t_list_double),
    B(13, l8, PST_K_LIST, PST_REQ_DEFAULT, 12, &t_list_i8),
    B(14, holder, PST_K_STRUCT, PST_REQ_DEFAULT, 13, &t_holder),
    B(15, oholder, PST_K_STRUCT, PST_REQ_OPTIONAL, 14, &t_holder),
    B(16, mb, PST_K_MAP, PST_REQ_DEFAULT, 15, &t_map_bool_i8),
    B(17, tail, PST_K_STRING, PST_REQ_DEFAULT, 16, &pst_type_string),
};
#undef B
const pst_struct_desc P_Box_desc = { "Box", sizeof(P_Box),
                                     offsetof(P_Box, isset_),
                                     COUNT(P_Box_fields), PST_STRUCT,
                                     P_Box_fields, NULL };

static const pst_field P_Outer_fields[] = {
    FIELD(P_Outer, 1, boxes, PST_K_LIST, PST_REQ_DEFAULT, 0, &t_list_list_box),
    FIELD(P_Outer, 2, one, PST_K_STRUCT, PST_REQ_DEFAULT, 1, &t_box),
};
const pst_struct_desc P_Outer_desc = { "Outer", sizeof(P_Outer),
                                       offsetof(P_Outer, isset_), 2,
                                       PST_STRUCT, P_Outer_fields, NULL };

static const pst_field P_Bag_fields[] = {
    FIELD(P_Bag, 1, elems, PST_K_LIST, PST_REQ_DEFAULT, 0, &t_list_elem),
};
const pst_struct_desc P_Bag_desc = { "Bag", sizeof(P_Bag),
                                     offsetof(P_Bag, isset_), 1, PST_STRUCT,
                                     P_Bag_fields, NULL };

static const pst_field P_Tree_fields[] = {
    FIELD(P_Tree, 1, v, PST_K_I32, PST_REQ_DEFAULT, 0, &pst_type_i32),
    FIELD(P_Tree, 2, kids, PST_K_LIST, PST_REQ_DEFAULT, 1, &t_list_tree),
};
const pst_struct_desc P_Tree_desc = { "Tree", sizeof(P_Tree),
                                      offsetof(P_Tree, isset_), 2, PST_STRUCT,
                                      P_Tree_fields, NULL };

static const pst_field P_Hdr_fields[] = {
    FIELD(P_Hdr, -3, a, PST_K_BOOL, PST_REQ_OPTIONAL, 0, &pst_type_bool),
    FIELD(P_Hdr, 1, b, PST_K_BOOL, PST_REQ_DEFAULT, 1, &pst_type_bool),
    FIELD(P_Hdr, 20, c, PST_K_I16, PST_REQ_OPTIONAL, 2, &pst_type_i16),
    FIELD(P_Hdr, 21, e, PST_K_STRUCT, PST_REQ_OPTIONAL, 3, &t_elem),
    FIELD(P_Hdr, 22, f, PST_K_BOOL, PST_REQ_OPTIONAL, 4, &pst_type_bool),
    FIELD(P_Hdr, 23, h, PST_K_STRUCT, PST_REQ_DEFAULT, 5, &t_holder),
    FIELD(P_Hdr, 300, z, PST_K_I64, PST_REQ_OPTIONAL, 6, &pst_type_i64),
    FIELD(P_Hdr, 2, back, PST_K_I8, PST_REQ_OPTIONAL, 7, &pst_type_i8),
    FIELD(P_Hdr, 16, d, PST_K_DOUBLE, PST_REQ_DEFAULT, 8, &pst_type_double),
};
const pst_struct_desc P_Hdr_desc = { "Hdr", sizeof(P_Hdr),
                                     offsetof(P_Hdr, isset_),
                                     COUNT(P_Hdr_fields), PST_STRUCT,
                                     P_Hdr_fields, NULL };

static const pst_field P_Wrap_fields[] = {
    FIELD(P_Wrap, 1, x, PST_K_STRUCT, PST_REQ_OPTIONAL, 0, &t_hdr),
    FIELD(P_Wrap, 2, y, PST_K_STRUCT, PST_REQ_DEFAULT, 1, &t_hdr),
    FIELD(P_Wrap, 3, q, PST_K_I32, PST_REQ_OPTIONAL, 2, &pst_type_i32),
    FIELD(P_Wrap, -1, e, PST_K_STRUCT, PST_REQ_OPTIONAL, 3, &t_elem),
};
const pst_struct_desc P_Wrap_desc = { "Wrap", sizeof(P_Wrap),
                                      offsetof(P_Wrap, isset_),
                                      COUNT(P_Wrap_fields), PST_STRUCT,
                                      P_Wrap_fields, NULL };

/* ---- random values ------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

static char text[4096];

static pst_str rnd_str(void)
{
    static const size_t lens[] = { 0, 1, 3, 4, 7, 8, 16, 17, 33, 100, 1000 };
    size_t n = lens[below(COUNT(lens))];
    return (pst_str){ text + below(sizeof text - n), n };
}

/* Element storage for every value of a test (freed at its end). */
static void *pool[4096];
static size_t npool;

static void *take(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p || npool == COUNT(pool))
        abort();
    pool[npool++] = p;
    return p;
}

static void free_pool(void)
{
    while (npool)
        free(pool[--npool]);
}

/* A count: mostly small, now and then none or many. */
static uint32_t rnd_count(void)
{
    static const uint32_t counts[] = { 0, 1, 2, 3, 5, 8, 40, 300 };
    return counts[below(COUNT(counts))];
}

static pst_list rnd_fixed_list(size_t width)
{
    uint32_t n = rnd_count();
    uint8_t *d = take(n * width);
    for (size_t i = 0; i < n * width; i++)
        d[i] = (uint8_t)rnd();
    if (width == sizeof(double))          /* no NaN payloads in doubles */
        for (uint32_t i = 0; i < n; i++)
            ((uint64_t *)(void *)d)[i] &= 0x7fefffffffffffffull;
    return (pst_list){ d, n };
}

static pst_list rnd_bool_list(void)
{
    uint32_t n = rnd_count();
    bool *d = take(n);
    for (uint32_t i = 0; i < n; i++)
        d[i] = rnd() & 1;
    return (pst_list){ d, n };
}

static pst_list rnd_str_list(void)
{
    uint32_t n = rnd_count() % 50;
    pst_str *d = take(n * sizeof *d);
    for (uint32_t i = 0; i < n; i++)
        d[i] = rnd_str();
    return (pst_list){ d, n };
}

static pst_list rnd_elems(void)
{
    uint32_t n = rnd_count() % 50;
    P_Elem *d = take(n * sizeof *d);
    for (uint32_t i = 0; i < n; i++) {
        d[i].s = rnd_str();
        d[i].n = (int16_t)rnd();
        for (int k = 0; k < 16; k++)
            d[i].u.bytes[k] = (uint8_t)rnd();
        d[i].isset_[0] = (uint8_t)rnd();
    }
    return (pst_list){ d, n };
}

static pst_map rnd_map(size_t ks, size_t vs, bool kstr, bool vstr)
{
    uint32_t n = rnd_count() % 50;
    uint8_t *k = take(n * ks), *v = take(n * vs);
    for (uint32_t i = 0; i < n; i++) {
        if (kstr)
            ((pst_str *)(void *)k)[i] = rnd_str();
        else
            for (size_t b = 0; b < ks; b++)
                k[i * ks + b] = (uint8_t)rnd();
        if (vstr)
            ((pst_str *)(void *)v)[i] = rnd_str();
        else
            for (size_t b = 0; b < vs; b++)
                v[i * vs + b] = (uint8_t)rnd();
    }
    return (pst_map){ k, v, n };
}

static void rnd_holder(P_Holder *h)
{
    h->xs = rnd_fixed_list(4);
    h->s = rnd_str();
    h->isset_[0] = (uint8_t)rnd();
}

static void rnd_box(P_Box *b)
{
    memset(b, 0, sizeof *b);
    b->l16 = rnd_fixed_list(2);
    b->s64 = rnd_fixed_list(8);
    b->lb = rnd_bool_list();
    b->mfix = rnd_map(4, 8, false, false);
    b->lstr = rnd_str_list();
    b->msi = rnd_map(sizeof(pst_str), 4, true, false);
    b->mbs = rnd_map(sizeof(pst_str), sizeof(pst_str), true, true);
    b->lelem = rnd_elems();
    b->after = (int32_t)rnd();
    b->olelem = rnd_elems();
    b->lu = rnd_fixed_list(16);
    b->ld = rnd_fixed_list(8);
    b->l8 = rnd_fixed_list(1);
    rnd_holder(&b->holder);
    rnd_holder(&b->oholder);
    b->mb = rnd_map(1, 1, false, false);
    bool *keys = b->mb.keys;
    for (uint32_t i = 0; i < b->mb.count; i++)
        keys[i] = rnd() & 1;
    b->tail = rnd_str();
    for (int i = 0; i < 3; i++)
        b->isset_[i] = (uint8_t)rnd();
}

static void rnd_elem(P_Elem *e)
{
    e->s = rnd_str();
    e->n = (int16_t)rnd();
    for (int k = 0; k < 16; k++)
        e->u.bytes[k] = (uint8_t)rnd();
    e->isset_[0] = (uint8_t)rnd();
}

static void rnd_hdr(P_Hdr *h)
{
    memset(h, 0, sizeof *h);
    h->a = rnd() & 1;
    h->b = rnd() & 1;
    h->c = (int16_t)rnd();
    rnd_elem(&h->e);
    h->f = rnd() & 1;
    rnd_holder(&h->h);
    h->z = (int64_t)rnd() >> below(64);
    h->back = (int8_t)rnd();
    uint64_t bits = rnd() & 0x7fefffffffffffffull;
    memcpy(&h->d, &bits, 8);
    h->isset_[0] = (uint8_t)rnd();
    h->isset_[1] = (uint8_t)rnd();
}

static void rnd_wrap(P_Wrap *w)
{
    memset(w, 0, sizeof *w);
    rnd_hdr(&w->x);
    rnd_hdr(&w->y);
    w->q = (int32_t)rnd();
    rnd_elem(&w->e);
    w->isset_[0] = (uint8_t)rnd();
}

/* ---- comparing the plan with the walker ---------------------------------- */

static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;

/* Encode v both ways (pst_protocol_compact: by plan; the walker alone)
 * into buffers bounded by max (0: the default) that hold `pre` bytes and
 * have room for about `room` more. */
static int same_encoding(const pst_struct_desc *d, const void *v, size_t max,
                         size_t pre, size_t room, const pst_codec_config *c)
{
    static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    pst_wbuf a, b;
    pst_wbuf_init(&a, max);
    pst_wbuf_init(&b, max);
    pst_wbuf_append(&a, junk, pre);
    pst_wbuf_append(&b, junk, pre);
    pst_wbuf_reserve(&a, room);
    pst_wbuf_reserve(&b, room);
    int ra = pst_protocol_compact.write_struct(&a, d, v, c);
    int rb = pst__compact_walk_write(&b, d, v, c);
    int same = ra == rb && a.err == b.err && a.len == b.len &&
               (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
    if (!same)
        fprintf(stderr, "  encode %s max %zu pre %zu room %zu: plan rc %d len %zu, "
                "walker rc %d len %zu\n", d->name, max, pre, room, ra, a.len, rb, b.len);
    pst_wbuf_free(&a);
    pst_wbuf_free(&b);
    return same;
}

static size_t walker_len(const pst_struct_desc *d, const void *v)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst__compact_walk_write(&w, d, v, &cfg), 0);
    size_t n = w.len;
    pst_wbuf_free(&w);
    return n;
}

/* ---- the tests ----------------------------------------------------------- */

static void test_which_shapes(void)
{
    CHECK(pst__cmp_plan_get(&P_Box_desc) != NULL);
    CHECK(pst__cmp_plan_get(&P_Holder_desc) != NULL);
    CHECK(pst__cmp_plan_get(&P_Hdr_desc) != NULL);
    CHECK(pst__cmp_plan_get(&P_Wrap_desc) != NULL);
    /* a list of lists is the walker's (its Boxes by plan); a struct that
     * holds a list of itself gets none */
    CHECK(pst__cmp_plan_get(&P_Outer_desc) != NULL);
    CHECK(pst__cmp_plan_get(&P_Tree_desc) == NULL);
    /* a union and a struct with a pointer member: walked */
    CHECK(pst__cmp_plan_get(&T_Choice_desc) == NULL);
    CHECK(pst__cmp_plan_get(&T_Node_desc) == NULL);
    /* the levels a plan spans: member structs and list elements */
    CHECK_EQ_INT((int)pst__cmp_plan_depth(pst__cmp_plan_get(&P_Box_desc)), 2);
    CHECK_EQ_INT((int)pst__cmp_plan_depth(pst__cmp_plan_get(&P_Bag_desc)), 2);
    CHECK_EQ_INT((int)pst__cmp_plan_depth(pst__cmp_plan_get(&P_Holder_desc)), 1);
    CHECK_EQ_INT((int)pst__cmp_plan_depth(pst__cmp_plan_get(&P_Wrap_desc)), 3);
}

/* Headers as the optional fields set make them, every pattern of Hdr's
 * and Wrap's isset bits among the random ones. */
static void test_headers(void)
{
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        P_Wrap w;
        rnd_wrap(&w);
        bad += !same_encoding(&P_Hdr_desc, &w.x, 0, 0, 0, &cfg);
        bad += !same_encoding(&P_Wrap_desc, &w, 0, 0, 0, &cfg);
        size_t len = walker_len(&P_Wrap_desc, &w);
        bad += !same_encoding(&P_Wrap_desc, &w, 1 + below(len + 64), 0, 0, &cfg);
        bad += !same_encoding(&P_Wrap_desc, &w, 0, below(8), below(len + 64), &cfg);
        if (i < 3)
            for (size_t max = 1; max <= len + 40; max++)
                bad += !same_encoding(&P_Wrap_desc, &w, max, 0, 0, &cfg);
        free_pool();
    }
    /* everything set, nothing optional set */
    P_Wrap w;
    rnd_wrap(&w);
    memset(w.isset_, 0xff, sizeof w.isset_);
    memset(w.x.isset_, 0xff, sizeof w.x.isset_);
    memset(w.y.isset_, 0xff, sizeof w.y.isset_);
    bad += !same_encoding(&P_Wrap_desc, &w, 0, 0, 0, &cfg);
    memset(w.isset_, 0, sizeof w.isset_);
    memset(w.x.isset_, 0, sizeof w.x.isset_);
    memset(w.y.isset_, 0, sizeof w.y.isset_);
    bad += !same_encoding(&P_Wrap_desc, &w, 0, 0, 0, &cfg);
    free_pool();
    CHECK_EQ_INT(bad, 0);
}

static void test_encode(void)
{
    int bad = 0;
    for (int i = 0; i < 1500; i++) {
        P_Box v;
        rnd_box(&v);
        bad += !same_encoding(&P_Box_desc, &v, 0, 0, 0, &cfg);
        size_t len = walker_len(&P_Box_desc, &v);
        bad += !same_encoding(&P_Box_desc, &v, 1 + below(len + 64), 0, 0, &cfg);
        bad += !same_encoding(&P_Box_desc, &v, 0, below(8), below(len + 64), &cfg);
        bad += !same_encoding(&P_Box_desc, &v, 8 + below(len + 64), below(8),
                              below(len + 64), &cfg);
        if (i < 3) /* every bound around the encoding */
            for (size_t max = 1; max <= len + 40; max++)
                bad += !same_encoding(&P_Box_desc, &v, max, 0, 0, &cfg);
        free_pool();
    }
    CHECK_EQ_INT(bad, 0);
}

/* Lists of lists of Box (walked, each Box by plan) and lists of itself. */
static void test_in_walked_structs(void)
{
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        P_Outer o;
        memset(&o, 0, sizeof o);
        uint32_t n = (uint32_t)below(3);
        pst_list *lists = take(n * sizeof *lists);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t m = (uint32_t)below(3);
            P_Box *boxes = take(m * sizeof *boxes);
            for (uint32_t j = 0; j < m; j++)
                rnd_box(&boxes[j]);
            lists[k] = (pst_list){ boxes, m };
        }
        o.boxes = (pst_list){ lists, n };
        rnd_box(&o.one);
        size_t len = walker_len(&P_Outer_desc, &o);
        bad += !same_encoding(&P_Outer_desc, &o, 0, 0, 0, &cfg);
        bad += !same_encoding(&P_Outer_desc, &o, 1 + below(len + 64), 0, 0, &cfg);
        free_pool();
    }
    /* and a struct that holds a list of itself */
    P_Tree leaves[3] = { { 1, { NULL, 0 }, { 0 } }, { 2, { NULL, 0 }, { 0 } },
                         { 3, { NULL, 0 }, { 0 } } };
    P_Tree mid = { 4, { leaves, 3 }, { 0 } };
    P_Tree root = { 5, { &mid, 1 }, { 0 } };
    bad += !same_encoding(&P_Tree_desc, &root, 0, 0, 0, &cfg);
    CHECK_EQ_INT(bad, 0);
}

/* Counts too large to encode, and the depth a list's elements add. */
static void test_limits(void)
{
    int bad = 0;
    P_Box v;
    rnd_box(&v);
    P_Box big = v;
    big.l16.count = (uint32_t)INT32_MAX + 1;      /* fixed-width */
    bad += !same_encoding(&P_Box_desc, &big, 0, 0, 0, &cfg);
    big = v;
    big.lelem.count = (uint32_t)INT32_MAX + 1;    /* struct elements */
    bad += !same_encoding(&P_Box_desc, &big, 0, 0, 0, &cfg);
    big = v;
    big.msi.count = (uint32_t)INT32_MAX + 1;      /* a map */
    bad += !same_encoding(&P_Box_desc, &big, 0, 0, 0, &cfg);

    /* one level: Bag's elements exceed it when there are any */
    static const pst_codec_config shallow = { 104857600u, 16384000u, 1u, false };
    /* and Box's member structs exceed it */
    bad += !same_encoding(&P_Box_desc, &v, 0, 0, 0, &shallow);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_protocol_compact.write_struct(&w, &P_Box_desc, &v, &shallow),
                 PST_E_LIMIT);
    pst_wbuf_free(&w);
    P_Bag bag = { rnd_elems(), { 0 } };
    while (bag.elems.count == 0)
        bag.elems = rnd_elems();
    bad += !same_encoding(&P_Bag_desc, &bag, 0, 0, 0, &shallow);
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_protocol_compact.write_struct(&w, &P_Bag_desc, &bag, &shallow),
                 PST_E_LIMIT);
    pst_wbuf_free(&w);
    bag.elems.count = 0; /* none: within the limit */
    bad += !same_encoding(&P_Bag_desc, &bag, 0, 0, 0, &shallow);
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_protocol_compact.write_struct(&w, &P_Bag_desc, &bag, &shallow), 0);
    pst_wbuf_free(&w);
    free_pool();
    CHECK_EQ_INT(bad, 0);
}

/* A Box encoded by plan decodes, and what comes back encodes the
 * same both ways. */
static void test_round_trip(void)
{
    int bad = 0;
    for (int i = 0; i < 100; i++) {
        P_Box v;
        rnd_box(&v);
        /* keys that may repeat would be refused when read */
        v.mb.count = v.mb.count ? 1 : 0;
        v.msi.count = v.msi.count ? 1 : 0;
        v.mbs.count = v.mbs.count ? 1 : 0;
        pst_wbuf a, b;
        pst_wbuf_init(&a, 0);
        pst_wbuf_init(&b, 0);
        CHECK_EQ_INT(pst_protocol_compact.write_struct(&a, &P_Box_desc, &v, &cfg), 0);
        pst_arena *arena = pst_arena_new(0);
        P_Box back;
        pst_error err = { 0, "" };
        pst_rbuf r;
        pst_rbuf_init(&r, a.data, a.len, &err);
        CHECK_EQ_INT(pst_protocol_compact.read_struct(&r, &P_Box_desc, &back, arena, &cfg), 0);
        CHECK(r.p == a.data + a.len);
        /* (Elem's optional n comes back as its default 7 where it was
         * absent, so the bytes may differ: compared by plan and walker) */
        bad += !same_encoding(&P_Box_desc, &back, 0, 0, 0, &cfg);
        pst_arena_free(arena);
        pst_wbuf_free(&a);
        pst_wbuf_free(&b);
        free_pool();
    }
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('A' + i % 26);
    RUN(test_which_shapes);
    RUN(test_headers);
    RUN(test_encode);
    RUN(test_in_walked_structs);
    RUN(test_limits);
    RUN(test_round_trip);
    return test_report();
}
