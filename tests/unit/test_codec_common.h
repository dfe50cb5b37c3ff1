/*
 * test_codec_common.h: protocol-independent codec tests, run by
 * test_binary.c and test_compact.c against their protocol. Each includes
 * this after test.h and test_codec_types.h and defines `P` (the protocol),
 * the expected encodings, and protocol-specific byte tests.
 */
#ifndef TEST_CODEC_COMMON_H
#define TEST_CODEC_COMMON_H

#include <stdlib.h>

/* Encode v with P into a fresh buffer; returns the status. */
static int encode(const pst_struct_desc *d, const void *v, pst_wbuf *w,
                  const pst_codec_config *cfg)
{
    pst_wbuf_init(w, 0);
    return P->write_struct(w, d, v, cfg);
}

/* Decode n bytes (copied to an exactly sized heap block so that ASan sees
 * any read past the end). */
static int decode(const uint8_t *bytes, size_t n, const pst_struct_desc *d,
                  void *v, pst_arena *a, const pst_codec_config *cfg,
                  pst_error *err, size_t *used)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (n)
        memcpy(copy, bytes, n);
    pst_rbuf r;
    pst_rbuf_init(&r, copy, n, err);
    int rc = P->read_struct(&r, d, v, a, cfg);
    if (used)
        *used = (size_t)(r.p - r.start);
    free(copy);
    return rc;
}

static int skip(const uint8_t *bytes, size_t n, const pst_codec_config *cfg,
                pst_error *err, size_t *used)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (n)
        memcpy(copy, bytes, n);
    pst_rbuf r;
    pst_rbuf_init(&r, copy, n, err);
    int rc = P->skip_struct(&r, cfg);
    if (used)
        *used = (size_t)(r.p - r.start);
    free(copy);
    return rc;
}

static int msg_len(const uint8_t *bytes, size_t n, const pst_codec_config *cfg,
                   size_t *len, pst_error *err)
{
    uint8_t *copy = malloc(n ? n : 1);
    if (n)
        memcpy(copy, bytes, n);
    int rc = P->message_length(copy, n, cfg, len, err);
    free(copy);
    return rc;
}

static void expect_error(pst_error *e, const char *needle)
{
    CHECK(strstr(e->message, needle) != NULL);
    if (!strstr(e->message, needle))
        fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", e->message, needle);
}

/* ---- the populated value ---- */

static void test_everything_encode(void)
{
    T_Everything v;
    everything_value(&v);
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &v, &w, NULL), 0);
    uint8_t want[2048];
    size_t n = unhex(EVERYTHING_HEX, want, sizeof want);
    CHECK_EQ_INT(w.len, n);
    CHECK(w.len == n && memcmp(w.data, want, n) == 0);
    if (w.len == n) {
        for (size_t i = 0; i < n; i++)
            if (w.data[i] != want[i]) {
                fprintf(stderr, "  first difference at byte %zu: %02x != %02x\n",
                        i, w.data[i], want[i]);
                break;
            }
    }
    pst_wbuf_free(&w);
}

static void test_everything_decode(void)
{
    uint8_t bytes[2048];
    size_t n = unhex(EVERYTHING_HEX, bytes, sizeof bytes);
    T_Everything want, got;
    everything_value(&want);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_error err = { 0, "" };
    size_t used = 0;
    CHECK_EQ_INT(decode(bytes, n, &T_Everything_desc, &got, &a, NULL, &err, &used), 0);
    CHECK_EQ_INT(used, n);
    CHECK(everything_eq(&want, &got));
    /* every field was read: all 28 isset bits */
    CHECK_EQ_INT(got.isset_[0], 0xff);
    CHECK_EQ_INT(got.isset_[1], 0xff);
    CHECK_EQ_INT(got.isset_[2], 0xff);
    CHECK_EQ_INT(got.isset_[3], 0x0f);
    /* strings are copies in the arena, not views of the input */
    CHECK(!(got.str.ptr >= (const char *)bytes &&
            got.str.ptr < (const char *)bytes + n));
    CHECK(isinf(((double *)got.ldbl.data)[0]) && ((double *)got.ldbl.data)[0] > 0);
    pst_arena_release(&a);
}

/* NaN and signed zero keep their bits; i64 extremes survive. */
static void test_round_trip_numbers(void)
{
    T_Everything v, back;
    everything_value(&v);
    uint64_t nan_bits = 0x7ff8000000000123ull;
    /* JSON writes every NaN as "NaN" (as Thrift does): no payload */
    if (P == &pst_protocol_json)
        nan_bits = 0x7ff8000000000000ull;
    memcpy(&v.dbl, &nan_bits, 8);
    double ld[] = { -0.0, NAN, 5e-324, 1.7976931348623157e308 };
    v.ldbl = (pst_list){ ld, 4 };
    int64_t l64[] = { INT64_MIN, INT64_MAX, -1, 0, 1, 63, 64, -64, -65 };
    v.li64 = (pst_list){ l64, COUNT(l64) };
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &v, &w, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Everything_desc, &back, &a, NULL, NULL, NULL), 0);
    CHECK(everything_eq(&v, &back));
    uint64_t bits;
    memcpy(&bits, &back.dbl, 8);
    CHECK(bits == nan_bits);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

/* Empty containers and strings, unset optionals. */
static void test_empty(void)
{
    T_Everything v, back;
    memset(&v, 0, sizeof v);
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &v, &w, NULL), 0);
    uint8_t want[2048];
    size_t n = unhex(EMPTY_HEX, want, sizeof want);
    CHECK_EQ_INT(w.len, n);
    CHECK(w.len == n && memcmp(w.data, want, n) == 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    memset(&back, 0x5a, sizeof back);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Everything_desc, &back, &a, NULL, NULL, NULL), 0);
    CHECK(everything_eq(&v, &back));
    CHECK(!pst_isset(&T_Everything_desc, &back, 18)); /* opt */
    CHECK(!pst_isset(&T_Everything_desc, &back, 19)); /* far */
    CHECK(pst_isset(&T_Everything_desc, &back, 12));  /* li32, empty */
    CHECK(back.str.ptr != NULL && back.str.len == 0);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

/* Every proper prefix of a valid struct fails with PST_E_SHORT (and never
 * reads past it); skip_struct agrees with read_struct on the length. */
static void test_truncation(void)
{
    T_Everything v, back;
    everything_value(&v);
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &v, &w, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    int bad = 0;
    for (size_t k = 0; k < w.len; k++) {
        pst_error err = { 0, "" };
        size_t used = 1, sused = 1;
        int rc = decode(w.data, k, &T_Everything_desc, &back, &a, NULL, &err, &used);
        int rs = skip(w.data, k, NULL, NULL, &sused);
        /* the error, with where; and the read position has not moved */
        if (rc != PST_E_SHORT || rs != PST_E_SHORT || err.code != rc ||
            !strstr(err.message, "offset") || used != 0 || sused != 0)
            bad++;
        pst_arena_reset(&a);
    }
    CHECK_EQ_INT(bad, 0);
    size_t used = 0;
    CHECK_EQ_INT(skip(w.data, w.len, NULL, NULL, &used), 0);
    CHECK_EQ_INT(used, w.len);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

/* message_length: PST_E_SHORT on every proper prefix, the exact length on
 * the whole message and with trailing bytes. */
static void test_message_length(void)
{
    T_Everything v;
    everything_value(&v);
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("method"), PST_MSG_CALL, 42 };
    CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
    CHECK_EQ_INT(P->write_struct(&w, &T_Everything_desc, &v, NULL), 0);
    CHECK_EQ_INT(pst_protocol_write_message_end(P, &w), 0);
    size_t total = w.len;
    int bad = 0;
    for (size_t k = 0; k < total; k++) {
        size_t len = 0;
        if (msg_len(w.data, k, NULL, &len, NULL) != PST_E_SHORT)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
    size_t len = 0;
    CHECK_EQ_INT(msg_len(w.data, total, NULL, &len, NULL), 0);
    CHECK_EQ_INT(len, total);
    CHECK_EQ_INT(pst_wbuf_append(&w, "\x01\x02\x03", 3), 0);
    len = 0;
    CHECK_EQ_INT(msg_len(w.data, w.len, NULL, &len, NULL), 0);
    CHECK_EQ_INT(len, total);
    /* max_message smaller than the message: a limit, not "need more" */
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    cfg.max_message = total - 1;
    pst_error err = { 0, "" };
    CHECK_EQ_INT(msg_len(w.data, total, &cfg, &len, &err), PST_E_LIMIT);
    expect_error(&err, "max_message");
    /* ... even when only a prefix has arrived, once the claim is too big */
    pst_wbuf_free(&w);
}

static void test_message_header_round_trip(void)
{
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    const int32_t seqids[] = { 0, 1, -1, INT32_MAX, INT32_MIN, 300 };
    for (size_t i = 0; i < COUNT(seqids); i++) {
        for (int type = PST_MSG_CALL; type <= PST_MSG_ONEWAY; type++) {
            w.len = 0;
            pst_msg_header h = { PST_STR("getStruct\xc3\xa9"), type, seqids[i] }, g;
            CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
            pst_rbuf r;
            pst_rbuf_init(&r, w.data, w.len, NULL);
            CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), 0);
            CHECK(str_eq(g.name, h.name));
            CHECK_EQ_INT(g.type, type);
            CHECK_EQ_INT(g.seqid, seqids[i]);
            CHECK(r.p == w.data + w.len);
            /* the name points into the input */
            CHECK(g.name.ptr > (const char *)w.data &&
                  g.name.ptr < (const char *)w.data + w.len);
            /* every prefix is short */
            for (size_t k = 0; k < w.len; k++) {
                pst_rbuf_init(&r, w.data, k, NULL);
                CHECK_EQ_INT(P->read_message_begin(&r, &g, NULL), PST_E_SHORT);
            }
        }
    }
    pst_wbuf_free(&w);
}

/* Unknown field ids of every type are skipped; a known id with another
 * wire type is skipped too (as Thrift does). */
static const pst_field sparse_fields[] = {
    /* Everything's field 4 is an i32: declared string here, so skipped */
    { 4, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(T_Everything, str),
      &pst_type_string, "i32v_as_string" },
    { 7, PST_K_STRING, PST_REQ_DEFAULT, 1, offsetof(T_Everything, str),
      &pst_type_string, "str" },
    { 44, PST_K_LIST, PST_REQ_DEFAULT, 2, offsetof(T_Everything, li64),
      &t_list_i64, "li64" },
};
static const pst_struct_desc sparse_desc = {
    "Sparse", sizeof(T_Everything), offsetof(T_Everything, isset_), 3,
    PST_STRUCT, sparse_fields, NULL
};

static void test_unknown_fields_skipped(void)
{
    T_Everything v, back;
    everything_value(&v);
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &v, &w, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    size_t used = 0;
    CHECK_EQ_INT(decode(w.data, w.len, &sparse_desc, &back, &a, NULL, NULL, &used), 0);
    CHECK_EQ_INT(used, w.len);
    CHECK(str_eq(back.str, v.str));
    CHECK(!pst_isset(&sparse_desc, &back, 0));
    CHECK(pst_isset(&sparse_desc, &back, 1));
    CHECK(pst_isset(&sparse_desc, &back, 2));
    CHECK_EQ_INT(back.li64.count, 3);
    CHECK(back.li64.count == 3 && ((int64_t *)back.li64.data)[0] == INT64_MAX);
    /* decoding as a struct with no fields at all skips everything */
    static const pst_struct_desc none = { "None", sizeof(T_Everything),
                                          offsetof(T_Everything, isset_), 0,
                                          PST_STRUCT, NULL, NULL };
    CHECK_EQ_INT(decode(w.data, w.len, &none, &back, &a, NULL, NULL, &used), 0);
    CHECK_EQ_INT(used, w.len);
    CHECK_EQ_INT(back.isset_[0] | back.isset_[1] | back.isset_[2] | back.isset_[3], 0);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

static void test_union(void)
{
    T_Choice c, back;
    memset(&c, 0, sizeof c);
    c.y = PST_STR("yes");
    pst_set_isset(&T_Choice_desc, &c, 1, true);
    c.x = 77; /* not set: not written */
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Choice_desc, &c, &w, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Choice_desc, &back, &a, NULL, NULL, NULL), 0);
    CHECK(str_eq(back.y, c.y));
    CHECK_EQ_INT(back.x, 0);
    CHECK_EQ_INT(back.isset_[0], 2);
    pst_wbuf_free(&w);
    /* empty union: just STOP ("{}" in JSON), decodes with nothing set */
    memset(&c, 0, sizeof c);
    CHECK_EQ_INT(encode(&T_Choice_desc, &c, &w, NULL), 0);
    CHECK_EQ_INT(w.len, P == &pst_protocol_json ? 2 : 1);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Choice_desc, &back, &a, NULL, NULL, NULL), 0);
    CHECK_EQ_INT(back.isset_[0], 0);
    pst_wbuf_free(&w);
    /* two members set: the encoder refuses */
    c.x = 1;
    c.y = PST_STR("two");
    c.isset_[0] = 3;
    CHECK_EQ_INT(encode(&T_Choice_desc, &c, &w, NULL), PST_E_INVALID);
    CHECK_EQ_INT(w.err, PST_E_INVALID);
    pst_wbuf_free(&w);
    /* ... but two members on the wire are read as Apache Thrift reads
     * them (its C++ and Python write a union's default member as well as
     * the one set): with no default in the union, the last member read
     * is the one set */
    CHECK_EQ_INT(encode(&T_Everything_desc, &(T_Everything){ 0 }, &w, NULL), 0);
    static const pst_field two_fields[] = {
        { 1, PST_K_I32, PST_REQ_DEFAULT, 0, 0, &pst_type_i32, "x" },
        { 2, PST_K_I32, PST_REQ_DEFAULT, 1, 0, &pst_type_i32, "y" },
    };
    static const pst_struct_desc two_desc = { "Two", sizeof(T_Choice),
                                              offsetof(T_Choice, isset_), 2,
                                              PST_STRUCT, two_fields, NULL };
    static const pst_struct_desc two_union = { "TwoU", sizeof(T_Choice),
                                               offsetof(T_Choice, isset_), 2,
                                               PST_UNION, two_fields, NULL };
    T_Choice both = { 0 };
    both.isset_[0] = 3;
    pst_wbuf_free(&w);
    CHECK_EQ_INT(encode(&two_desc, &both, &w, NULL), 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(decode(w.data, w.len, &two_union, &back, &a, NULL, &err, NULL), 0);
    CHECK_EQ_INT(back.isset_[0], 2);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

/* Self-reference through STRUCT_PTR, lists of structs inline. */
static void test_recursive(void)
{
    T_Node n3 = { 3, NULL, { NULL, 0 }, { 0 } };
    T_Node n2 = { 2, &n3, { NULL, 0 }, { 2 } };
    T_Node kids[2] = { { 10, NULL, { NULL, 0 }, { 0 } },
                       { 11, &n3, { NULL, 0 }, { 2 } } };
    T_Node n1 = { 1, &n2, { kids, 2 }, { 2 } };
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Node_desc, &n1, &w, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    T_Node back;
    CHECK_EQ_INT(decode(w.data, w.len, &T_Node_desc, &back, &a, NULL, NULL, NULL), 0);
    CHECK_EQ_INT(back.val, 1);
    CHECK(back.next && back.next->val == 2 && back.next->next &&
          back.next->next->val == 3 && back.next->next->next == NULL);
    CHECK(pst_isset(&T_Node_desc, &back, 1));
    CHECK(back.next && back.next->next && !pst_isset(&T_Node_desc, back.next->next, 1));
    CHECK_EQ_INT(back.kids.count, 2);
    if (back.kids.count == 2) {
        T_Node *k = back.kids.data;
        CHECK(k[0].val == 10 && k[0].next == NULL);
        CHECK(k[1].val == 11 && k[1].next && k[1].next->val == 3);
    }
    /* a NULL pointer is not written, even with its isset bit on */
    n3.isset_[0] = 2;
    pst_wbuf w2;
    CHECK_EQ_INT(encode(&T_Node_desc, &n3, &w2, NULL), 0);
    T_Node only = { 3, NULL, { NULL, 0 }, { 0 } };
    pst_wbuf w3;
    CHECK_EQ_INT(encode(&T_Node_desc, &only, &w3, NULL), 0);
    CHECK(w2.len == w3.len && memcmp(w2.data, w3.data, w2.len) == 0);
    pst_wbuf_free(&w);
    pst_wbuf_free(&w2);
    pst_wbuf_free(&w3);
    pst_arena_release(&a);
}

/* Defaults fill what is absent; required fields must be present. */
static void test_defaults_and_required(void)
{
    T_Req r = { 9, { "dflt", 4 }, 5, { 1 } }, back;
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Req_desc, &r, &w, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    memset(&back, 0x77, sizeof back);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Req_desc, &back, &a, NULL, NULL, NULL), 0);
    CHECK_EQ_INT(back.id, 9);
    CHECK(str_eq(back.name, PST_STR("dflt")));
    CHECK_EQ_INT(back.n, 5);                      /* absent: the default */
    CHECK(!pst_isset(&T_Req_desc, &back, 2));     /* ... and not set */
    pst_wbuf_free(&w);

    /* A struct without field 1: decoding it as Req fails, naming it */
    T_Inner in = { 0, { "x", 1 }, { 0 } };
    static const pst_field only2[] = {
        { 2, PST_K_STRING, PST_REQ_DEFAULT, 0, offsetof(T_Inner, s),
          &pst_type_string, "s" },
    };
    static const pst_struct_desc only2_desc = { "Only2", sizeof(T_Inner),
                                                offsetof(T_Inner, isset_), 1,
                                                PST_STRUCT, only2, NULL };
    CHECK_EQ_INT(encode(&only2_desc, &in, &w, NULL), 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(decode(w.data, w.len, &T_Req_desc, &back, &a, NULL, &err, NULL),
                 PST_E_MISSING_FIELD);
    expect_error(&err, "Req.id");
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

/* A chain of n Deep structs (n levels of nesting). */
static T_Deep *deep_chain(int n)
{
    T_Deep *v = calloc((size_t)n, sizeof *v);
    for (int i = 0; i + 1 < n; i++) {
        v[i].d = &v[i + 1];
        v[i].isset_[0] = 1;
    }
    return v;
}

static void test_depth(void)
{
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT; /* max_depth 64 */
    pst_codec_config deep = cfg;
    deep.max_depth = 100;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    _Alignas(16) uint8_t back[sizeof(T_Node) + sizeof(T_Deep) + sizeof(T_Inner)];
    pst_error err = { 0, "" };

    T_Deep *ok = deep_chain(64);
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Deep_desc, ok, &w, &cfg), 0);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Deep_desc, back, &a, &cfg, NULL, NULL), 0);
    CHECK_EQ_INT(skip(w.data, w.len, &cfg, NULL, NULL), 0);
    pst_wbuf_free(&w);

    T_Deep *bad = deep_chain(65);
    CHECK_EQ_INT(encode(&T_Deep_desc, bad, &w, &cfg), PST_E_LIMIT);
    pst_wbuf_free(&w);
    CHECK_EQ_INT(encode(&T_Deep_desc, bad, &w, &deep), 0);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Deep_desc, back, &a, &cfg, &err, NULL),
                 PST_E_LIMIT);
    expect_error(&err, "max_depth 64");
    CHECK_EQ_INT(decode(w.data, w.len, &T_Deep_desc, back, &a, &deep, NULL, NULL), 0);
    CHECK_EQ_INT(skip(w.data, w.len, &cfg, NULL, NULL), PST_E_LIMIT);
    CHECK_EQ_INT(skip(w.data, w.len, &deep, NULL, NULL), 0);
    /* unknown fields are skipped with the same limit */
    static const pst_struct_desc none = { "None", sizeof(T_Deep),
                                          offsetof(T_Deep, isset_), 0,
                                          PST_STRUCT, NULL, NULL };
    CHECK_EQ_INT(decode(w.data, w.len, &none, back, &a, &cfg, NULL, NULL), PST_E_LIMIT);
    pst_wbuf_free(&w);

    /* message_length too */
    pst_wbuf_init(&w, 0);
    pst_msg_header h = { PST_STR("m"), PST_MSG_CALL, 1 };
    CHECK_EQ_INT(P->write_message_begin(&w, &h), 0);
    CHECK_EQ_INT(P->write_struct(&w, &T_Deep_desc, bad, &deep), 0);
    CHECK_EQ_INT(pst_protocol_write_message_end(P, &w), 0);
    size_t len;
    CHECK_EQ_INT(msg_len(w.data, w.len, &cfg, &len, NULL), PST_E_LIMIT);
    CHECK_EQ_INT(msg_len(w.data, w.len, &deep, &len, NULL), 0);
    pst_wbuf_free(&w);

    /* containers do not count (as in Thrift): 64 Nodes nested through
     * their kids lists are fine, 65 are not */
    T_Node *nodes = calloc(65, sizeof *nodes);
    for (int i = 0; i < 65; i++) {
        nodes[i].val = i;
        if (i + 1 < 65)
            nodes[i].kids = (pst_list){ &nodes[i + 1], 1 };
    }
    CHECK_EQ_INT(encode(&T_Node_desc, &nodes[1], &w, &cfg), 0);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Node_desc, back, &a, &cfg, NULL, NULL), 0);
    CHECK_EQ_INT(skip(w.data, w.len, &cfg, NULL, NULL), 0);
    pst_wbuf_free(&w);
    CHECK_EQ_INT(encode(&T_Node_desc, &nodes[0], &w, &cfg), PST_E_LIMIT);
    pst_wbuf_free(&w);
    CHECK_EQ_INT(encode(&T_Node_desc, &nodes[0], &w, &deep), 0);
    pst_error_clear(&err);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Node_desc, back, &a, &cfg, &err, NULL),
                 PST_E_LIMIT);
    expect_error(&err, "Node: structs nested deeper than max_depth 64");
    CHECK_EQ_INT(skip(w.data, w.len, &cfg, NULL, NULL), PST_E_LIMIT);
    pst_wbuf_free(&w);
    free(nodes);

    /* unknown data nested through containers only is bounded while
     * skipping: list<list<list<...>>> 400 deep in an unknown field */
    uint8_t lists[4200];
    size_t k = 0;
    int binary = P == &pst_protocol_binary;
    int json = P == &pst_protocol_json;
    if (json) {
        memcpy(lists, "{\"99\":{\"lst\":", 13);
        k = 13;
    } else if (binary) {
        lists[k++] = PST_TT_LIST;
        lists[k++] = 0;
        lists[k++] = 99;
    } else {
        lists[k++] = 0x09;
        lists[k++] = 0xc6; /* zigzag(99) = 198 */
        lists[k++] = 0x01;
    }
    for (int i = 0; i < 400; i++) {
        if (json) {
            memcpy(lists + k, "[\"lst\",1,", 9);
            k += 9;
        } else if (binary) {
            lists[k++] = PST_TT_LIST;
            lists[k++] = 0;
            lists[k++] = 0;
            lists[k++] = 0;
            lists[k++] = 1;
        } else {
            lists[k++] = 0x19;
        }
    }
    pst_error_clear(&err);
    CHECK_EQ_INT(decode(lists, k, &T_Inner_desc, back, &a, &cfg, &err, NULL), PST_E_LIMIT);
    expect_error(&err, "structs and containers nested deeper than 320");
    CHECK_EQ_INT(skip(lists, k, &cfg, NULL, NULL), PST_E_LIMIT);

    /* a huge configured depth is capped, not a stack overflow */
    T_Deep *huge = deep_chain(5000);
    pst_codec_config all = cfg;
    all.max_depth = UINT32_MAX;
    CHECK_EQ_INT(encode(&T_Deep_desc, huge, &w, &all), PST_E_LIMIT);
    pst_wbuf_free(&w);
    free(ok);
    free(bad);
    free(huge);
    pst_arena_release(&a);
}

static void test_max_message(void)
{
    T_Everything v, back;
    everything_value(&v);
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &v, &w, NULL), 0);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    cfg.max_message = w.len - 1;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(decode(w.data, w.len, &T_Everything_desc, &back, &a, &cfg, &err, NULL),
                 PST_E_LIMIT);
    expect_error(&err, "max_message");
    CHECK_EQ_INT(skip(w.data, w.len, &cfg, NULL, NULL), PST_E_LIMIT);
    cfg.max_message = w.len;
    CHECK_EQ_INT(decode(w.data, w.len, &T_Everything_desc, &back, &a, &cfg, NULL, NULL), 0);
    /* the encoder's bound is the wbuf's max */
    pst_wbuf small;
    pst_wbuf_init(&small, w.len - 1);
    CHECK_EQ_INT(P->write_struct(&small, &T_Everything_desc, &v, NULL), PST_E_LIMIT);
    CHECK_EQ_INT(small.err, PST_E_LIMIT);
    CHECK_EQ_INT(small.len, 0); /* nothing half-written is kept */
    pst_wbuf_free(&small);
    /* ... and it is exact: a max of exactly the size fits, whatever the
     * encoder reserved on the way (every value, every shorter max) */
    T_Everything empty;
    memset(&empty, 0, sizeof empty);
    T_Inner in = { -1, PST_STR("x"), { 3 } };
    const struct { const pst_struct_desc *d; const void *v; } all[] = {
        { &T_Everything_desc, &v }, { &T_Everything_desc, &empty }, { &T_Inner_desc, &in },
    };
    int bad = 0;
    for (size_t i = 0; i < COUNT(all); i++) {
        pst_wbuf ref;
        CHECK_EQ_INT(encode(all[i].d, all[i].v, &ref, NULL), 0);
        for (size_t max = ref.len + 40; max >= 1 && max + 60 >= ref.len; max--) {
            pst_wbuf b;
            pst_wbuf_init(&b, max);
            int rc = P->write_struct(&b, all[i].d, all[i].v, NULL);
            if (max >= ref.len ? (rc != 0 || b.len != ref.len ||
                                  memcmp(b.data, ref.data, ref.len) != 0)
                               : (rc != PST_E_LIMIT || b.len != 0 || b.cap > max))
                bad++;
            pst_wbuf_free(&b);
        }
        pst_wbuf_free(&ref);
    }
    CHECK_EQ_INT(bad, 0);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

/* The arena limit turns into PST_E_LIMIT, naming the field. */
static void test_arena_limit(void)
{
    double big[600];
    for (int i = 0; i < 600; i++)
        big[i] = i;
    T_Everything v, back;
    memset(&v, 0, sizeof v);
    v.ldbl = (pst_list){ big, 600 };
    pst_wbuf w;
    CHECK_EQ_INT(encode(&T_Everything_desc, &v, &w, NULL), 0);
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 4096);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(decode(w.data, w.len, &T_Everything_desc, &back, &a, NULL, &err, NULL),
                 PST_E_LIMIT);
    expect_error(&err, "call memory limit of 4096 bytes exceeded decoding");
    expect_error(&err, "Everything.ldbl");
    pst_arena_release(&a);
    /* with a caller block big enough, nothing is malloc'ed at all */
    static _Alignas(16) uint8_t block[8192];
    pst_arena_init(&a, block, sizeof block, 1);
    CHECK_EQ_INT(decode(w.data, w.len, &T_Everything_desc, &back, &a, NULL, NULL, NULL), 0);
    CHECK_EQ_INT(a.allocated, 0);
    CHECK(back.ldbl.count == 600 && ((double *)back.ldbl.data)[599] == 599.0);
    pst_arena_release(&a);
    pst_wbuf_free(&w);
}

static void test_write_appends(void)
{
    /* write_struct appends after what the buffer holds */
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    CHECK_EQ_INT(pst_wbuf_append(&w, "abc", 3), 0);
    T_Inner in = { 5, PST_STR("zz"), { 3 } };
    CHECK_EQ_INT(P->write_struct(&w, &T_Inner_desc, &in, NULL), 0);
    CHECK(memcmp(w.data, "abc", 3) == 0);
    pst_rbuf r;
    pst_rbuf_init(&r, w.data, w.len, NULL);
    r.p += 3;
    T_Inner back;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    CHECK_EQ_INT(P->read_struct(&r, &T_Inner_desc, &back, &a, NULL), 0);
    CHECK(inner_eq(&in, &back));
    CHECK(r.p == r.end);
    /* a failed write leaves the buffer as it was, with the error sticky */
    size_t before = w.len;
    T_Choice c = { 1, PST_STR("y"), { 0, { "", 0 }, { 0 } }, { 3 } };
    CHECK_EQ_INT(P->write_struct(&w, &T_Choice_desc, &c, NULL), PST_E_INVALID);
    CHECK_EQ_INT(w.len, before);
    CHECK_EQ_INT(P->write_struct(&w, &T_Inner_desc, &in, NULL), PST_E_INVALID);
    pst_wbuf_free(&w);
    pst_arena_release(&a);
}

static void run_common_tests(void)
{
    RUN(test_everything_encode);
    RUN(test_everything_decode);
    RUN(test_round_trip_numbers);
    RUN(test_empty);
    RUN(test_truncation);
    RUN(test_message_length);
    RUN(test_message_header_round_trip);
    RUN(test_unknown_fields_skipped);
    RUN(test_union);
    RUN(test_recursive);
    RUN(test_defaults_and_required);
    RUN(test_depth);
    RUN(test_max_message);
    RUN(test_arena_limit);
    RUN(test_write_appends);
}

#endif
