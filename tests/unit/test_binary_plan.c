/* test_binary_plan.c: the binary protocol's plans (src/protocol/
 * binary_plan.c) answer exactly as its walkers do. For structs of every
 * planned kind (scalars, strings, binaries, uuids, enums, member structs
 * three deep, defaults, required, optional and default fields, negative and
 * two-byte ids, isset bits past the first byte), pst_protocol_binary's
 * read_struct and write_struct (plans) are compared with the walkers alone:
 * the same bytes out, the same status and error out of max-bounded buffers,
 * and for the walker's encodings, their truncations, byte flips, fields
 * dropped, repeated, reordered, retyped or unknown, the same status, error
 * message, position and decoded value. Shapes without a plan (nested
 * containers, pointers, unions) must get none; plans must survive more
 * descriptors than their registry holds and lookups from several threads.
 * (Plans with containers: test_binary_plan_containers.c.) */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/binary_plan.h"
#include "test.h"
#include "test_codec_types.h"

/* ---- the planned types -------------------------------------------------- */

typedef struct P_Leaf {            /* struct Leaf { 1: string s, 2: optional i16 n = 7 } */
    pst_str s;
    int16_t n;
    uint8_t isset_[1];
} P_Leaf;

typedef struct P_Mid {             /* struct Mid { 5: i32 m = 3, 6: Leaf leaf, 7: required bool ok } */
    int32_t m;
    P_Leaf leaf;
    bool ok;
    uint8_t isset_[1];
} P_Mid;

typedef struct P_Flat {
    int16_t neg;                   /* -3: i16 */
    bool b;                        /*  1: bool */
    int8_t i8v;                    /*  2: i8 */
    int16_t i16v;                  /*  3: optional i16 */
    int32_t i32v;                  /*  4: i32 */
    int64_t i64v;                  /*  5: i64 */
    double dbl;                    /*  6: double */
    pst_str str;                   /*  7: string */
    pst_str bin;                   /*  8: optional binary */
    pst_uuid u;                    /*  9: uuid */
    int32_t color;                 /* 10: Color */
    P_Mid mid;                     /* 11: optional Mid */
    int32_t req;                   /* 12: required i32 */
    int8_t e[8];                   /* 13..20: i8, to pass 8 isset bits */
    P_Leaf leaf;                   /* 21: Leaf */
    pst_str far;                   /* 300: optional string */
    uint8_t isset_[3];
} P_Flat;

static const pst_type t_leaf = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(P_Leaf),
                                 NULL, NULL, NULL, NULL };
extern const pst_struct_desc P_Leaf_desc, P_Mid_desc, P_Flat_desc;
static const pst_type t_leaf_s = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(P_Leaf),
                                   &P_Leaf_desc, NULL, NULL, NULL };
static const pst_type t_mid = { PST_K_STRUCT, PST_TT_STRUCT, sizeof(P_Mid),
                                &P_Mid_desc, NULL, NULL, NULL };

static const P_Leaf P_Leaf_defaults = { { NULL, 0 }, 7, { 0x02 } };
static const pst_field P_Leaf_fields[] = {
    FIELD(P_Leaf, 1, s, PST_K_STRING, PST_REQ_DEFAULT, 0, &pst_type_string),
    FIELD(P_Leaf, 2, n, PST_K_I16, PST_REQ_OPTIONAL, 1, &pst_type_i16),
};
const pst_struct_desc P_Leaf_desc = { "Leaf", sizeof(P_Leaf),
                                      offsetof(P_Leaf, isset_), 2, PST_STRUCT,
                                      P_Leaf_fields, &P_Leaf_defaults };

static const P_Mid P_Mid_defaults = { 3, { { NULL, 0 }, 7, { 0x02 } }, false,
                                      { 0x01 } };
static const pst_field P_Mid_fields[] = {
    FIELD(P_Mid, 5, m, PST_K_I32, PST_REQ_DEFAULT, 0, &pst_type_i32),
    FIELD(P_Mid, 6, leaf, PST_K_STRUCT, PST_REQ_DEFAULT, 1, &t_leaf_s),
    FIELD(P_Mid, 7, ok, PST_K_BOOL, PST_REQ_REQUIRED, 2, &pst_type_bool),
};
const pst_struct_desc P_Mid_desc = { "Mid", sizeof(P_Mid),
                                     offsetof(P_Mid, isset_), 3, PST_STRUCT,
                                     P_Mid_fields, &P_Mid_defaults };

#define F(id, m, k, req, bit, t) FIELD(P_Flat, id, m, k, req, bit, t)
static const pst_field P_Flat_fields[] = {
    F(-3, neg, PST_K_I16, PST_REQ_DEFAULT, 0, &pst_type_i16),
    F(1, b, PST_K_BOOL, PST_REQ_DEFAULT, 1, &pst_type_bool),
    F(2, i8v, PST_K_I8, PST_REQ_DEFAULT, 2, &pst_type_i8),
    F(3, i16v, PST_K_I16, PST_REQ_OPTIONAL, 3, &pst_type_i16),
    F(4, i32v, PST_K_I32, PST_REQ_DEFAULT, 4, &pst_type_i32),
    F(5, i64v, PST_K_I64, PST_REQ_DEFAULT, 5, &pst_type_i64),
    F(6, dbl, PST_K_DOUBLE, PST_REQ_DEFAULT, 6, &pst_type_double),
    F(7, str, PST_K_STRING, PST_REQ_DEFAULT, 7, &pst_type_string),
    F(8, bin, PST_K_BINARY, PST_REQ_OPTIONAL, 8, &pst_type_binary),
    F(9, u, PST_K_UUID, PST_REQ_DEFAULT, 9, &pst_type_uuid),
    F(10, color, PST_K_ENUM, PST_REQ_DEFAULT, 10, &t_color),
    F(11, mid, PST_K_STRUCT, PST_REQ_OPTIONAL, 11, &t_mid),
    F(12, req, PST_K_I32, PST_REQ_REQUIRED, 12, &pst_type_i32),
    F(13, e[0], PST_K_I8, PST_REQ_DEFAULT, 13, &pst_type_i8),
    F(14, e[1], PST_K_I8, PST_REQ_DEFAULT, 14, &pst_type_i8),
    F(15, e[2], PST_K_I8, PST_REQ_DEFAULT, 15, &pst_type_i8),
    F(16, e[3], PST_K_I8, PST_REQ_DEFAULT, 16, &pst_type_i8),
    F(17, e[4], PST_K_I8, PST_REQ_DEFAULT, 17, &pst_type_i8),
    F(18, e[5], PST_K_I8, PST_REQ_DEFAULT, 18, &pst_type_i8),
    F(19, e[6], PST_K_I8, PST_REQ_DEFAULT, 19, &pst_type_i8),
    F(20, e[7], PST_K_I8, PST_REQ_DEFAULT, 20, &pst_type_i8),
    F(21, leaf, PST_K_STRUCT, PST_REQ_DEFAULT, 21, &t_leaf_s),
    F(300, far, PST_K_STRING, PST_REQ_OPTIONAL, 22, &pst_type_string),
};
#undef F
const pst_struct_desc P_Flat_desc = { "Flat", sizeof(P_Flat),
                                      offsetof(P_Flat, isset_),
                                      COUNT(P_Flat_fields), PST_STRUCT,
                                      P_Flat_fields, NULL };

/* ---- random values ------------------------------------------------------- */

static uint64_t rng = 0x243f6a8885a308d3ull;

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
    static const size_t lens[] = { 0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33,
                                   100, 1000, 4000 };
    size_t n = lens[below(COUNT(lens))];
    return (pst_str){ text + below(sizeof text - n), n };
}

static void rnd_leaf(P_Leaf *l)
{
    memset(l, 0, sizeof *l);
    l->s = rnd_str();
    l->n = (int16_t)rnd();
    l->isset_[0] = (uint8_t)below(4);
}

/* A value with every optional field randomly set or not. */
static void rnd_flat(P_Flat *v)
{
    memset(v, 0, sizeof *v);
    v->neg = (int16_t)rnd();
    v->b = rnd() & 1;
    v->i8v = (int8_t)rnd();
    v->i16v = (int16_t)rnd();
    v->i32v = (int32_t)rnd();
    v->i64v = (int64_t)rnd();
    uint64_t bits = rnd();
    memcpy(&v->dbl, &bits, 8);
    if (v->dbl != v->dbl)
        v->dbl = 0.5; /* NaN payloads compare badly */
    v->str = rnd_str();
    v->bin = rnd_str();
    for (int i = 0; i < 16; i++)
        v->u.bytes[i] = (uint8_t)rnd();
    v->color = (int32_t)below(3);
    v->mid.m = (int32_t)rnd();
    rnd_leaf(&v->mid.leaf);
    v->mid.ok = rnd() & 1;
    v->mid.isset_[0] = (uint8_t)below(8);
    v->req = (int32_t)rnd();
    for (int i = 0; i < 8; i++)
        v->e[i] = (int8_t)rnd();
    rnd_leaf(&v->leaf);
    v->far = rnd_str();
    for (int i = 0; i < 3; i++)
        v->isset_[i] = (uint8_t)rnd();
}

/* ---- comparing the two ways -------------------------------------------- */

static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;

/* Encode v both ways with a buffer bounded by max (0: the default). */
static int same_encoding(const pst_struct_desc *d, const void *v, size_t max)
{
    pst_wbuf a, b;
    pst_wbuf_init(&a, max);
    pst_wbuf_init(&b, max);
    int ra = pst_protocol_binary.write_struct(&a, d, v, &cfg);
    int rb = pst__binary_walk_write(&b, d, v, &cfg);
    int same = ra == rb && a.err == b.err && a.len == b.len &&
               (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
    if (!same)
        fprintf(stderr, "  encode %s max %zu: plan rc %d len %zu, walker rc %d len %zu\n",
                d->name, max, ra, a.len, rb, b.len);
    pst_wbuf_free(&a);
    pst_wbuf_free(&b);
    return same;
}

/* The same into buffers that already hold `pre` bytes and have room for
 * about `room` more (the plan's unchecked path runs while the room covers
 * each run of fields, and hands over to the checked one where it does
 * not). */
static int same_encoding_after(const pst_struct_desc *d, const void *v,
                               size_t max, size_t pre, size_t room)
{
    static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    pst_wbuf a, b;
    pst_wbuf_init(&a, max);
    pst_wbuf_init(&b, max);
    pst_wbuf_append(&a, junk, pre);
    pst_wbuf_append(&b, junk, pre);
    pst_wbuf_reserve(&a, room);
    pst_wbuf_reserve(&b, room);
    int ra = pst_protocol_binary.write_struct(&a, d, v, &cfg);
    int rb = pst__binary_walk_write(&b, d, v, &cfg);
    int same = ra == rb && a.err == b.err && a.len == b.len &&
               (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
    if (!same)
        fprintf(stderr, "  encode %s max %zu pre %zu room %zu: plan rc %d len %zu, "
                "walker rc %d len %zu\n", d->name, max, pre, room, ra, a.len, rb, b.len);
    pst_wbuf_free(&a);
    pst_wbuf_free(&b);
    return same;
}

static long decodes[2]; /* failed, succeeded */

/* Decode [p, p+n) both ways; same status, position, error and value. */
static int same_decoding(const pst_struct_desc *d, const uint8_t *p, size_t n)
{
    pst_arena *arena = pst_arena_new(0);
    void *va = pst_arena_calloc(arena, d->size);
    void *vb = pst_arena_calloc(arena, d->size);
    pst_error ea = { 0, "" }, eb = { 0, "" };
    pst_rbuf ra, rb;
    pst_rbuf_init(&ra, p, n, &ea);
    pst_rbuf_init(&rb, p, n, &eb);
    int ca = pst_protocol_binary.read_struct(&ra, d, va, arena, &cfg);
    int cb = pst__binary_walk_read(&rb, d, vb, arena, &cfg);
    int same = ca == cb && ra.p == rb.p && ea.code == eb.code &&
               strcmp(ea.message, eb.message) == 0;
    if (same && ca == 0) {
        /* the values: every isset byte, and the walker's encoding of each */
        same = memcmp((uint8_t *)va + d->isset_offset,
                      (uint8_t *)vb + d->isset_offset,
                      d->size - d->isset_offset) == 0;
        pst_wbuf a, b;
        pst_wbuf_init(&a, 0);
        pst_wbuf_init(&b, 0);
        same = same && pst__binary_walk_write(&a, d, va, &cfg) == 0 &&
               pst__binary_walk_write(&b, d, vb, &cfg) == 0 && a.len == b.len &&
               memcmp(a.data, b.data, a.len) == 0;
        if (d == &P_Flat_desc) { /* members written only when set, too */
            const P_Flat *x = va, *y = vb;
            same = same && x->i16v == y->i16v && x->mid.m == y->mid.m &&
                   x->mid.ok == y->mid.ok && x->mid.leaf.n == y->mid.leaf.n &&
                   x->leaf.n == y->leaf.n && x->far.len == y->far.len &&
                   x->bin.len == y->bin.len &&
                   memcmp(x->mid.isset_, y->mid.isset_, 1) == 0 &&
                   memcmp(x->mid.leaf.isset_, y->mid.leaf.isset_, 1) == 0 &&
                   memcmp(x->leaf.isset_, y->leaf.isset_, 1) == 0;
        }
        pst_wbuf_free(&a);
        pst_wbuf_free(&b);
    }
    decodes[ca == 0]++;
    if (!same)
        fprintf(stderr, "  decode %s (%zu bytes): plan rc %d at %td '%s', walker rc %d at %td '%s'\n",
                d->name, n, ca, ra.p - p, ea.message, cb, rb.p - p, eb.message);
    pst_arena_free(arena);
    return same;
}

/* ---- the tests ----------------------------------------------------------- */

static void test_which_shapes(void)
{
    CHECK(pst__bin_plan_get(&P_Flat_desc, 64) != NULL);
    CHECK(pst__bin_plan_get(&P_Mid_desc, 64) != NULL);
    CHECK(pst__bin_plan_get(&T_Inner_desc, 64) != NULL);
    CHECK(pst__bin_plan_get(&T_Req_desc, 64) != NULL);
    CHECK(pst__bin_plan_get(&pst_app_exception_desc, 64) != NULL);
    CHECK(pst__bin_plan_get(&T_Everything_desc, 64) == NULL); /* nested containers */
    CHECK(pst__bin_plan_get(&T_Choice_desc, 64) == NULL);     /* union */
    CHECK(pst__bin_plan_get(&T_Node_desc, 64) == NULL);       /* pointer */
    CHECK(pst__bin_plan_get(&T_Deep_desc, 64) == NULL);
    CHECK(pst__bin_plan_get(&P_Flat_desc, 64) == pst__bin_plan_get(&P_Flat_desc, 64));
    CHECK(pst__bin_plan_get(&P_Flat_desc, 3) != NULL); /* three deep */
    CHECK(pst__bin_plan_get(&P_Flat_desc, 2) == NULL);
    CHECK(pst__bin_plan_get(&T_Inner_desc, 1) != NULL);
    CHECK(pst__bin_plan_get(&T_Inner_desc, 0) == NULL);
}

static void test_encode(void)
{
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        P_Flat v;
        rnd_flat(&v);
        bad += !same_encoding(&P_Flat_desc, &v, 0);
        /* bounded buffers: the same growth, the same refusals */
        bad += !same_encoding(&P_Flat_desc, &v, 1 + below(300));
        bad += !same_encoding(&P_Mid_desc, &v.mid, 1 + below(60));
        /* a buffer in use: unchecked while the room lasts, then checked */
        bad += !same_encoding_after(&P_Flat_desc, &v, 0, below(8), below(400));
        bad += !same_encoding_after(&P_Flat_desc, &v, 8 + below(300), below(8),
                                    below(400));
    }
    /* a string too long to encode, and depth limits */
    P_Flat v;
    rnd_flat(&v);
    v.str.len = (size_t)INT32_MAX + 1;
    bad += !same_encoding(&P_Flat_desc, &v, 0);
    CHECK_EQ_INT(bad, 0);
    static const pst_codec_config shallow = { 104857600u, 16384000u, 2u, false };
    rnd_flat(&v);
    v.isset_[1] |= 0x08; /* mid set: three levels */
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_protocol_binary.write_struct(&w, &P_Flat_desc, &v, &shallow),
                 PST_E_LIMIT);
    pst_wbuf_free(&w);
}

/* Member structs of a walked struct (a field, list elements, map values)
 * go by plan too: the same bytes and refusals as the walker alone, in
 * buffers bounded at every size around the encoding's. */
static void test_members_of_walked_structs(void)
{
    T_Everything v;
    everything_value(&v);
    CHECK(pst__bin_plan_get(&T_Inner_desc, 64) != NULL);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst__binary_walk_write(&w, &T_Everything_desc, &v, &cfg), 0);
    size_t len = w.len;
    pst_wbuf_free(&w);
    int bad = 0;
    bad += !same_encoding(&T_Everything_desc, &v, 0);
    for (size_t max = 1; max <= len + 40; max++)
        bad += !same_encoding(&T_Everything_desc, &v, max);
    /* strings long and short in the members, crossing the plan's runs */
    for (int i = 0; i < 200; i++) {
        v.inner.s = rnd_str();
        T_Inner *li = (T_Inner *)v.linner.data;
        for (uint32_t k = 0; k < v.linner.count; k++)
            li[k].s = rnd_str();
        bad += !same_encoding(&T_Everything_desc, &v, 0);
        bad += !same_encoding(&T_Everything_desc, &v, 1 + below(len + 200));
    }
    CHECK_EQ_INT(bad, 0);
}

/* The walker's encoding of a random value, into buf; its length. */
static size_t encoded(uint8_t *buf, size_t cap, P_Flat *v)
{
    rnd_flat(v);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst__binary_walk_write(&w, &P_Flat_desc, v, &cfg);
    size_t n = w.len < cap ? w.len : cap;
    memcpy(buf, w.data, n);
    pst_wbuf_free(&w);
    return n;
}

/* Bytes of the value of wire type tt at p (the types P_Flat uses). */
static size_t value_len(const uint8_t *p, size_t n, unsigned tt)
{
    switch (tt) {
    case PST_TT_BOOL:
    case PST_TT_I8: return 1;
    case PST_TT_I16: return 2;
    case PST_TT_I32: return 4;
    case PST_TT_I64:
    case PST_TT_DOUBLE: return 8;
    case PST_TT_UUID: return 16;
    case PST_TT_STRING:
        return n < 4 ? n : 4 + (((size_t)p[0] << 24) | ((size_t)p[1] << 16) |
                                ((size_t)p[2] << 8) | p[3]);
    case PST_TT_STRUCT: {
        size_t off = 0;
        while (off < n && p[off] != PST_TT_STOP)
            off += 3 + value_len(p + off + 3, n - off - 3, p[off]);
        return off + 1;
    }
    }
    return n;
}

/* Field boundaries of the outermost struct in buf (walker's encoding):
 * at[i] is where field i starts, at[count] where the STOP is. */
static size_t fields_of(const uint8_t *buf, size_t n, size_t *at, size_t max)
{
    size_t count = 0, off = 0;
    while (off < n && buf[off] != PST_TT_STOP && count < max) {
        at[count++] = off;
        off += 3 + value_len(buf + off + 3, n - off - 3, buf[off]);
    }
    at[count] = off;
    return count;
}

/* Does the plan itself decode [p, p+n) (rather than give up)? */
static int plan_takes(const pst_struct_desc *d, const uint8_t *p, size_t n)
{
    pst_arena *arena = pst_arena_new(0);
    void *v = pst_arena_calloc(arena, d->size);
    pst_struct_init(d, v);
    int took = pst__bin_plan_read(p, p + n, arena, pst__bin_plan_get(d, 64), v) ==
               p + n;
    pst_arena_free(arena);
    return took;
}

static void test_decode(void)
{
    int bad = 0, planned = 0;
    static uint8_t buf[16384], mut[16384 + 64];
    for (int i = 0; i < 1500; i++) {
        P_Flat v;
        size_t n = encoded(buf, sizeof buf, &v);
        bad += !same_decoding(&P_Flat_desc, buf, n);
        planned += plan_takes(&P_Flat_desc, buf, n);
        /* every truncation of a few, and byte flips */
        if (i < 20)
            for (size_t k = 0; k < n; k++)
                bad += !same_decoding(&P_Flat_desc, buf, k);
        for (int j = 0; j < 20; j++) {
            memcpy(mut, buf, n);
            size_t at = below(n);
            mut[at] ^= (uint8_t)(1u << below(8));
            if (j & 1)
                mut[below(n)] = (uint8_t)rnd();
            bad += !same_decoding(&P_Flat_desc, mut, n);
        }
        /* whole fields dropped, repeated, swapped, retyped, unknown */
        size_t at[64];
        size_t nf = i < 300 ? fields_of(buf, n, at, 63) : 0;
        for (size_t j = 0; nf && j < 6; j++) {
            size_t f = below(nf), g = below(nf), len = 0;
            switch (j) {
            case 0: /* drop f */
                memcpy(mut, buf, at[f]);
                memcpy(mut + at[f], buf + at[f + 1], n - at[f + 1]);
                len = n - (at[f + 1] - at[f]);
                break;
            case 1: /* repeat f */
                memcpy(mut, buf, at[f + 1]);
                memcpy(mut + at[f + 1], buf + at[f], at[f + 1] - at[f]);
                memcpy(mut + 2 * at[f + 1] - at[f], buf + at[f + 1], n - at[f + 1]);
                len = n + at[f + 1] - at[f];
                break;
            case 2: /* move f to the front */
                memcpy(mut, buf + at[f], at[f + 1] - at[f]);
                memcpy(mut + at[f + 1] - at[f], buf, at[f]);
                memcpy(mut + at[f + 1], buf + at[f + 1], n - at[f + 1]);
                len = n;
                break;
            case 3: /* retype f (to i32, or to string) */
                memcpy(mut, buf, n);
                mut[at[f]] = mut[at[f]] == PST_TT_I32 ? PST_TT_STRING : PST_TT_I32;
                len = n;
                break;
            case 4: /* an unknown field before g */
                memcpy(mut, buf, at[g]);
                memcpy(mut + at[g], "\x08\x01\xf4\x00\x00\x00\x2a", 7); /* 500: i32 42 */
                memcpy(mut + at[g] + 7, buf + at[g], n - at[g]);
                len = n + 7;
                break;
            default: /* id of f set to g's */
                memcpy(mut, buf, n);
                memcpy(mut + at[f] + 1, buf + at[g] + 1, 2);
                len = n;
                break;
            }
            bad += !same_decoding(&P_Flat_desc, mut, len);
        }
    }
    /* the other planned types, from their populated values */
    for (int i = 0; i < 200; i++) {
        P_Leaf l;
        rnd_leaf(&l);
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        pst__binary_walk_write(&w, &P_Leaf_desc, &l, &cfg);
        for (size_t k = 0; k <= w.len; k++)
            bad += !same_decoding(&P_Leaf_desc, w.data, k);
        pst_wbuf_free(&w);
    }
    static const uint8_t req_missing[] = { 0x0b, 0x00, 0x02, 0, 0, 0, 1, 'x', 0 };
    bad += !same_decoding(&T_Req_desc, req_missing, sizeof req_missing);
    static const uint8_t req_ok[] = { 0x08, 0x00, 0x01, 0, 0, 0, 9, 0 };
    bad += !same_decoding(&T_Req_desc, req_ok, sizeof req_ok);
    CHECK_EQ_INT(bad, 0);
    fprintf(stderr, "  %ld decodings compared: %ld failed, %ld succeeded\n",
            decodes[0] + decodes[1], decodes[0], decodes[1]);
    CHECK(decodes[0] > 10000 && decodes[1] > 10000);
    CHECK_EQ_INT(planned, 1500); /* every writer's encoding by plan */

    /* depth: a plan three deep under max_depth 2 is the walker's error
     * (a value with mid set, whatever the random draws before) */
    P_Flat v;
    size_t n = 0;
    for (int tries = 0; tries < 100; tries++) {
        n = encoded(buf, sizeof buf, &v);
        if (v.isset_[1] & 0x08)
            break;
    }
    CHECK(v.isset_[1] & 0x08);
    static const pst_codec_config shallow = { 104857600u, 16384000u, 2u, false };
    pst_arena *arena = pst_arena_new(0);
    P_Flat out;
    pst_error err = { 0, "" };
    pst_rbuf r;
    pst_rbuf_init(&r, buf, n, &err);
    int rc = pst_protocol_binary.read_struct(&r, &P_Flat_desc, &out, arena, &shallow);
    CHECK_EQ_INT(rc, PST_E_LIMIT); /* mid's leaf: depth 3 */
    pst_arena_free(arena);
}

/* More descriptors than the registry holds: each still right. */
static void test_many_descriptors(void)
{
    enum { N = 700 };
    pst_struct_desc *ds = calloc(N, sizeof *ds);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        ds[i] = P_Mid_desc;
        P_Mid m;
        memset(&m, 0, sizeof m);
        m.m = i;
        m.ok = true;
        m.leaf.s = PST_STR("x");
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        bad += pst_protocol_binary.write_struct(&w, &ds[i], &m, &cfg) != 0;
        bad += !same_encoding(&ds[i], &m, 0);
        bad += !same_decoding(&ds[i], w.data, w.len);
        pst_wbuf_free(&w);
    }
    /* a descriptor overwritten in place with another shape: no stale plan */
    pst_struct_desc *d = &ds[0];
    CHECK(pst__bin_plan_get(d, 64) != NULL);
    *d = T_Everything_desc;
    CHECK(pst__bin_plan_get(d, 64) == NULL);
    T_Everything ev;
    memset(&ev, 0, sizeof ev);
    bad += !same_encoding(d, &ev, 0);
    free(ds);
    CHECK_EQ_INT(bad, 0);
}

#define NTHREADS 4
static pst_struct_desc fresh[16];
static pthread_barrier_t start;

static P_Flat values[16];

static void *thread_main(void *arg)
{
    (void)arg;
    long bad = 0;
    pthread_barrier_wait(&start);
    for (int round = 0; round < 20; round++)
        for (int i = 0; i < 16; i++) {
            const P_Flat *v = &values[(i + round) % 16];
            const pst_struct_desc *d = i & 1 ? &fresh[i] : &P_Flat_desc;
            pst_wbuf a, b;
            pst_wbuf_init(&a, 0);
            pst_wbuf_init(&b, 0);
            bad += pst_protocol_binary.write_struct(&a, d, v, &cfg) !=
                   pst__binary_walk_write(&b, d, v, &cfg);
            bad += a.len != b.len || memcmp(a.data, b.data, a.len) != 0;
            pst_wbuf_free(&a);
            pst_wbuf_free(&b);
        }
    return (void *)bad;
}

static void test_threads(void)
{
    for (int i = 0; i < 16; i++) {
        fresh[i] = P_Flat_desc;
        rnd_flat(&values[i]);
    }
    pthread_barrier_init(&start, NULL, NTHREADS);
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++)
        CHECK_EQ_INT(pthread_create(&th[t], NULL, thread_main, NULL), 0);
    long bad = 0;
    for (int t = 0; t < NTHREADS; t++) {
        void *r;
        pthread_join(th[t], &r);
        bad += (long)r;
    }
    pthread_barrier_destroy(&start);
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
    (void)t_leaf;
    RUN(test_which_shapes);
    RUN(test_encode);
    RUN(test_members_of_walked_structs);
    RUN(test_decode);
    RUN(test_threads);
    RUN(test_many_descriptors);
    return test_report();
}
