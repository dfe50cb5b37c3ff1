/*
 * compat_decode.c: the code postern gen writes for compat.thrift reads what
 * Apache Thrift 0.17 (C++ and Python) writes, and decides as Thrift does:
 *
 *  - a union member declared required is optional, so UR{b=5} decodes;
 *  - a union with two members on the wire keeps the one really set: Thrift
 *    writes a union's default member (holding its default) as well as the
 *    one set, and that one gives way; otherwise the last member read stays;
 *  - a required field with an IDL default that is missing from the wire
 *    fails to decode, naming the struct and the field (binary plans and
 *    walkers, nested too);
 *  - duplicate set elements are kept once and a duplicate map key keeps
 *    the last value (scalars, strings and binaries; other element types
 *    are kept as sent);
 *  - integers as bool constants are true when greater than zero.
 *
 * Byte vectors are Thrift's: binary (strict) and compact.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "test.h"

static const pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
static const pst_protocol *const protos[] = { &pst_protocol_binary, &pst_protocol_compact };
static const char *const proto_names[] = { "binary", "compact" };

static bool str_eq(pst_str s, const char *c)
{
    return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

/* Decode n bytes into v; the status, and the error in *err. */
static int decode(const pst_protocol *p, const void *bytes, size_t n,
                  const pst_struct_desc *d, void *v, pst_arena *a, pst_error *err)
{
    pst_rbuf r;
    pst_rbuf_init(&r, bytes, n, err);
    int rc = p->read_struct(&r, d, v, a, &cfg);
    if (rc == 0 && r.p != r.end)
        return -1; /* everything must be consumed */
    return rc;
}

static void test_required_union_member(void)
{
    CHECK_EQ_INT(compat_UR_desc.fields[0].req, PST_REQ_OPTIONAL);
    /* UR{b=5} */
    static const uint8_t bin[] = { 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00 };
    static const uint8_t cmp[] = { 0x25, 0x0a, 0x00 };
    const uint8_t *in[] = { bin, cmp };
    size_t len[] = { sizeof bin, sizeof cmp };
    for (int i = 0; i < 2; i++) {
        pst_arena *a = pst_arena_new(0);
        pst_error err = { 0, "" };
        compat_UR u;
        int rc = decode(protos[i], in[i], len[i], &compat_UR_desc, &u, a, &err);
        CHECK_EQ_INT(rc, 0);
        if (rc)
            fprintf(stderr, "  %s: %s\n", proto_names[i], err.message);
        CHECK(!compat_UR_isset_a(&u) && compat_UR_isset_b(&u));
        CHECK_EQ_INT(u.b, 5);
        /* and postern writes it back as it came */
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        CHECK_EQ_INT(protos[i]->write_struct(&w, &compat_UR_desc, &u, &cfg), 0);
        CHECK(w.len == len[i] && memcmp(w.data, in[i], len[i]) == 0);
        pst_wbuf_free(&w);
        pst_arena_free(a);
    }
}

static void test_union_two_members(void)
{
    /* UD with s = "x" set, as Thrift C++ and Python write it: i = 7 too */
    static const uint8_t bin[] = { 0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x0b, 0x00,
                                   0x02, 0x00, 0x00, 0x00, 0x01, 0x78, 0x00 };
    static const uint8_t cmp[] = { 0x15, 0x0e, 0x18, 0x01, 0x78, 0x00 };
    /* the same two members in the other order: i, holding its default,
     * still gives way to s (compact: a field id below the last one takes
     * the long header, 05 02) */
    static const uint8_t bin_rev[] = { 0x0b, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x78, 0x08,
                                       0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00 };
    static const uint8_t cmp_rev[] = { 0x28, 0x01, 0x78, 0x05, 0x02, 0x0e, 0x00 };
    /* what postern writes for UD{s="x"}: only the member set */
    static const uint8_t bin_s[] = { 0x0b, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x78, 0x00 };
    static const uint8_t cmp_s[] = { 0x28, 0x01, 0x78, 0x00 };
    const uint8_t *in[] = { bin, cmp }, *rev[] = { bin_rev, cmp_rev }, *out[] = { bin_s, cmp_s };
    size_t len[] = { sizeof bin, sizeof cmp }, rlen[] = { sizeof bin_rev, sizeof cmp_rev },
           olen[] = { sizeof bin_s, sizeof cmp_s };
    for (int i = 0; i < 2; i++) {
        pst_arena *a = pst_arena_new(0);
        pst_error err = { 0, "" };
        compat_UD u;
        int rc = decode(protos[i], in[i], len[i], &compat_UD_desc, &u, a, &err);
        CHECK_EQ_INT(rc, 0);
        if (rc)
            fprintf(stderr, "  %s: %s\n", proto_names[i], err.message);
        CHECK(!compat_UD_isset_i(&u) && compat_UD_isset_s(&u));
        CHECK(str_eq(u.s, "x"));
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        CHECK_EQ_INT(protos[i]->write_struct(&w, &compat_UD_desc, &u, &cfg), 0);
        CHECK(w.len == olen[i] && memcmp(w.data, out[i], olen[i]) == 0);
        pst_wbuf_free(&w);

        rc = decode(protos[i], rev[i], rlen[i], &compat_UD_desc, &u, a, &err);
        CHECK_EQ_INT(rc, 0);
        CHECK(!compat_UD_isset_i(&u) && compat_UD_isset_s(&u));
        CHECK(str_eq(u.s, "x"));
        pst_arena_free(a);
    }
}

/* The default member (holding its default) that Thrift adds gives way to
 * the member really set, whichever comes last; two members that are not
 * that: the last one read stays. */
static void test_union_default_member_last(void)
{
    /* UE with s = "x" set, as Thrift writes it: s, then i = 7 */
    static const uint8_t bin[] = { 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x78, 0x08,
                                   0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x00 };
    static const uint8_t cmp[] = { 0x18, 0x01, 0x78, 0x15, 0x0e, 0x00 };
    /* s = "x", then i = 8 (not the default) */
    static const uint8_t bin8[] = { 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x78, 0x08,
                                    0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x00 };
    static const uint8_t cmp8[] = { 0x18, 0x01, 0x78, 0x15, 0x10, 0x00 };
    const uint8_t *in[] = { bin, cmp }, *in8[] = { bin8, cmp8 };
    size_t len[] = { sizeof bin, sizeof cmp }, len8[] = { sizeof bin8, sizeof cmp8 };
    for (int i = 0; i < 2; i++) {
        pst_arena *a = pst_arena_new(0);
        pst_error err = { 0, "" };
        compat_UE u;
        CHECK_EQ_INT(decode(protos[i], in[i], len[i], &compat_UE_desc, &u, a, &err), 0);
        CHECK(compat_UE_isset_s(&u) && !compat_UE_isset_i(&u));
        CHECK(str_eq(u.s, "x"));
        CHECK_EQ_INT(decode(protos[i], in8[i], len8[i], &compat_UE_desc, &u, a, &err), 0);
        CHECK(!compat_UE_isset_s(&u) && compat_UE_isset_i(&u));
        CHECK_EQ_INT(u.i, 8);
        pst_arena_free(a);
    }
}

static void expect_missing(int proto, const uint8_t *bytes, size_t n,
                           const pst_struct_desc *d, void *v, const char *words)
{
    pst_arena *a = pst_arena_new(0);
    pst_error err = { 0, "" };
    int rc = decode(protos[proto], bytes, n, d, v, a, &err);
    CHECK_EQ_INT(rc, PST_E_MISSING_FIELD);
    CHECK(strstr(err.message, words) != NULL);
    if (!strstr(err.message, words))
        fprintf(stderr, "  %s: got '%s', want '%s'\n", proto_names[proto], err.message, words);
    pst_arena_free(a);
}

static void test_required_with_default(void)
{
    /* the defaults instance does not count as having read a */
    compat_RD r;
    compat_RD_init(&r);
    CHECK_EQ_INT(r.a, 5);
    CHECK(!compat_RD_isset_a(&r));

    /* RD{b=9}: a is missing */
    static const uint8_t bin[] = { 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x00 };
    static const uint8_t cmp[] = { 0x25, 0x12, 0x00 };
    expect_missing(0, bin, sizeof bin, &compat_RD_desc, &r, "RD.a: required field (id 1) missing");
    expect_missing(1, cmp, sizeof cmp, &compat_RD_desc, &r, "RD.a: required field (id 1) missing");
    /* nested: Outer{rd=RD{b=9}} and Outer{rds=[RD{b=9}]} */
    static const uint8_t bin_o[] = { 0x0c, 0x00, 0x01, 0x08, 0x00, 0x02, 0x00,
                                     0x00, 0x00, 0x09, 0x00, 0x00 };
    static const uint8_t cmp_o[] = { 0x1c, 0x25, 0x12, 0x00, 0x00 };
    static const uint8_t bin_l[] = { 0x0f, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x08,
                                     0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00 };
    static const uint8_t cmp_l[] = { 0x29, 0x1c, 0x25, 0x12, 0x00, 0x00 };
    compat_Outer o;
    expect_missing(0, bin_o, sizeof bin_o, &compat_Outer_desc, &o, "RD.a: required field (id 1) missing");
    expect_missing(1, cmp_o, sizeof cmp_o, &compat_Outer_desc, &o, "RD.a: required field (id 1) missing");
    expect_missing(0, bin_l, sizeof bin_l, &compat_Outer_desc, &o, "RD.a: required field (id 1) missing");
    expect_missing(1, cmp_l, sizeof cmp_l, &compat_Outer_desc, &o, "RD.a: required field (id 1) missing");

    /* with a on the wire it decodes, and a default-initialised RD encodes a */
    for (int i = 0; i < 2; i++) {
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        compat_RD_init(&r);
        CHECK_EQ_INT(protos[i]->write_struct(&w, &compat_RD_desc, &r, &cfg), 0);
        pst_arena *a = pst_arena_new(0);
        pst_error err = { 0, "" };
        compat_RD back;
        CHECK_EQ_INT(decode(protos[i], w.data, w.len, &compat_RD_desc, &back, a, &err), 0);
        CHECK(compat_RD_isset_a(&back) && back.a == 5);
        pst_arena_free(a);
        pst_wbuf_free(&w);
    }
}

static void test_duplicates(void)
{
    static int32_t ints[] = { 3, 1, 3, 2, 1, 3 };
    static pst_str strs[] = { { "b", 1 }, { "a", 1 }, { "b", 1 }, { "ab", 2 } };
    static pst_str ckeys[] = { { "x", 1 }, { "y", 1 }, { "x", 1 }, { "x", 1 } };
    static int32_t cvals[] = { 1, 2, 3, 4 };
    static int64_t nkeys[] = { 10, 20, 10 };
    static pst_str nvals[] = { { "ten", 3 }, { "twenty", 6 }, { "TEN", 3 } };
    static int32_t seq[] = { 1, 1, 1 };
    static double reals[] = { 1.5, -0.0, 1.5, 0.0 };
    static bool flags[] = { true, false, true, true };
    static pst_str bkeys[] = { { "\0a", 2 }, { "\0b", 2 }, { "\0a", 2 } };
    static int8_t bvals[] = { 1, 2, 3 };
    static int32_t l1[] = { 1, 2 };
    static pst_list lists[] = { { l1, 2 }, { l1, 2 } };
    compat_Dups d;
    compat_Dups_init(&d);
    d.ints = (pst_list){ ints, 6 };
    d.strs = (pst_list){ strs, 4 };
    d.counts = (pst_map){ ckeys, cvals, 4 };
    d.names = (pst_map){ nkeys, nvals, 3 };
    d.seq = (pst_list){ seq, 3 };
    d.reals = (pst_list){ reals, 4 };
    d.flags = (pst_list){ flags, 4 };
    d.blobs = (pst_map){ bkeys, bvals, 3 };
    d.lists = (pst_list){ lists, 2 };
    for (int i = 0; i < 2; i++) {
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        CHECK_EQ_INT(protos[i]->write_struct(&w, &compat_Dups_desc, &d, &cfg), 0);
        pst_arena *a = pst_arena_new(0);
        pst_error err = { 0, "" };
        compat_Dups b;
        int rc = decode(protos[i], w.data, w.len, &compat_Dups_desc, &b, a, &err);
        CHECK_EQ_INT(rc, 0);
        if (rc) {
            fprintf(stderr, "  %s: %s\n", proto_names[i], err.message);
            goto next;
        }
        /* sets: each element once, where it first came */
        CHECK_EQ_INT(b.ints.count, 3);
        if (b.ints.count == 3) {
            const int32_t *x = b.ints.data;
            CHECK(x[0] == 3 && x[1] == 1 && x[2] == 2);
        }
        CHECK_EQ_INT(b.strs.count, 3);
        if (b.strs.count == 3) {
            const pst_str *x = b.strs.data;
            CHECK(str_eq(x[0], "b") && str_eq(x[1], "a") && str_eq(x[2], "ab"));
        }
        /* maps: each key once, where it first came, with its last value */
        CHECK_EQ_INT(b.counts.count, 2);
        if (b.counts.count == 2) {
            const pst_str *k = b.counts.keys;
            const int32_t *v = b.counts.values;
            CHECK(str_eq(k[0], "x") && v[0] == 4 && str_eq(k[1], "y") && v[1] == 2);
        }
        CHECK_EQ_INT(b.names.count, 2);
        if (b.names.count == 2) {
            const int64_t *k = b.names.keys;
            const pst_str *v = b.names.values;
            CHECK(k[0] == 10 && str_eq(v[0], "TEN") && k[1] == 20 && str_eq(v[1], "twenty"));
        }
        /* lists keep everything */
        CHECK_EQ_INT(b.seq.count, 3);
        /* doubles compare as numbers (as C++'s std::set and Python's set
         * do): -0.0 and 0.0 are one element */
        CHECK_EQ_INT(b.reals.count, 2);
        if (b.reals.count == 2) {
            const double *x = b.reals.data;
            CHECK(x[0] == 1.5 && x[1] == 0.0);
        }
        CHECK_EQ_INT(b.flags.count, 2);
        /* binaries compare by their bytes, zero bytes included */
        CHECK_EQ_INT(b.blobs.count, 2);
        if (b.blobs.count == 2) {
            const int8_t *v = b.blobs.values;
            CHECK(v[0] == 3 && v[1] == 2);
        }
        /* containers as elements are kept as sent */
        CHECK_EQ_INT(b.lists.count, 2);
    next:
        pst_arena_free(a);
        pst_wbuf_free(&w);
    }
}

/* More entries than the small-set path takes: the sorted path, with the
 * same results (first position kept, last map value). */
static void test_many_duplicates(void)
{
    enum { NI = 1000, NS = 200, ND = 40 };
    static int32_t ints[NI];
    static pst_str keys[NS];
    static int32_t vals[NS];
    static char text[NS][8];
    static double reals[ND];
    for (int i = 0; i < NI; i++)
        ints[i] = (i * 7) % 100; /* 0, 7, 14, ... each value ten times */
    for (int i = 0; i < NS; i++) {
        int n = snprintf(text[i], sizeof text[i], "k%d", (NS - 1 - i) % 50);
        keys[i] = (pst_str){ text[i], (size_t)n };
        vals[i] = i;
    }
    for (int i = 0; i < ND; i++)
        reals[i] = i % 4 == 3 ? NAN : i % 4 == 2 ? -0.0 : (double)(i % 4);
    static bool flags[ND];
    for (int i = 0; i < ND; i++)
        flags[i] = i % 3 == 1;
    /* one string many times: the sorted path is not quadratic */
    enum { NSAME = 20000 };
    static pst_str same[NSAME];
    for (int i = 0; i < NSAME; i++)
        same[i] = (pst_str){ "same", 4 };
    compat_Dups d;
    compat_Dups_init(&d);
    d.ints = (pst_list){ ints, NI };
    d.counts = (pst_map){ keys, vals, NS };
    d.reals = (pst_list){ reals, ND };
    d.flags = (pst_list){ flags, ND };
    d.strs = (pst_list){ same, NSAME };
    for (int i = 0; i < 2; i++) {
        pst_wbuf w;
        pst_wbuf_init(&w, 0);
        CHECK_EQ_INT(protos[i]->write_struct(&w, &compat_Dups_desc, &d, &cfg), 0);
        pst_arena *a = pst_arena_new(0);
        pst_error err = { 0, "" };
        compat_Dups b;
        CHECK_EQ_INT(decode(protos[i], w.data, w.len, &compat_Dups_desc, &b, a, &err), 0);
        CHECK_EQ_INT(b.ints.count, 100);
        if (b.ints.count == 100) {
            const int32_t *x = b.ints.data;
            int in_order = 1;
            for (int k = 0; k < 100; k++)
                in_order &= x[k] == (k * 7) % 100;
            CHECK(in_order);
        }
        CHECK_EQ_INT(b.counts.count, 50);
        if (b.counts.count == 50) {
            const pst_str *k = b.counts.keys;
            const int32_t *v = b.counts.values;
            int good = 1;
            for (int j = 0; j < 50; j++) {
                char want[8];
                int n = snprintf(want, sizeof want, "k%d", 49 - j);
                good &= k[j].len == (size_t)n && memcmp(k[j].ptr, want, (size_t)n) == 0;
                good &= v[j] == 150 + j; /* the last of the four */
            }
            CHECK(good);
        }
        /* 0, 1, -0.0 (== 0), and every NaN (never equal): 2 + 10 */
        CHECK_EQ_INT(b.reals.count, 12);
        CHECK_EQ_INT(b.flags.count, 2);
        if (b.flags.count == 2)
            CHECK(!((const bool *)b.flags.data)[0] && ((const bool *)b.flags.data)[1]);
        CHECK_EQ_INT(b.strs.count, 1);
        pst_arena_free(a);
        pst_wbuf_free(&w);
    }
}

static void test_bool_constants(void)
{
    CHECK(!compat_B_MINUS_ONE);
    CHECK(!compat_B_ZERO);
    CHECK(compat_B_ONE);
    CHECK(compat_B_TWO);
    compat_Flags f;
    compat_Flags_init(&f);
    CHECK(!f.neg && f.pos);
}

int main(void)
{
    RUN(test_required_union_member);
    RUN(test_union_two_members);
    RUN(test_union_default_member_last);
    RUN(test_required_with_default);
    RUN(test_duplicates);
    RUN(test_many_duplicates);
    RUN(test_bool_constants);
    return test_report();
}
