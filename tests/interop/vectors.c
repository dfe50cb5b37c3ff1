/*
 * vectors: postern's encoders and decoders against Apache Thrift's Python
 * library, byte for byte.
 *
 *   vectors DIR
 *
 * DIR holds <name>.<protocol>.bin written by py_vectors.py. For each vector
 * below and each protocol (binary, compact, json) this program builds the
 * same value with postern's generated code and
 *   1. encodes it and compares the bytes with Python's (the first differing
 *      offset and the bytes around it are printed on a mismatch);
 *   2. decodes Python's bytes and compares the result with the value, field
 *      by field through the descriptors (doubles bit for bit).
 * JSON's reference bytes are Thrift C++'s (py_vectors.py writes them with
 * Python's TJSONProtocol corrected where C++ differs); "json-python" is
 * Python's own JSON, which is only decoded (postern does not write its
 * bare nan/inf and padded base64).
 * The values must stay in step with py_vectors.py. Exit status 0 when every
 * vector matches, 1 otherwise, 2 for bad usage.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ThriftTest.h"
#include "Vectors.h"
#include "postern/protocol.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_VECTOR_FILE (1u << 20)

static const char NON_ASCII[] =
    u8"h\u00e9llo, w\u00f6rld \u2713 \u65e5\u672c\u8a9e \U0001F642";

/* Copy a C array into the arena: DUP(a, arr) -> pointer (void *). */
#define DUP(a, arr) pst_arena_dup((a), (arr), sizeof(arr))

static pst_str S(const char *s)
{
    return pst_str_c(s);
}

/* Python's float('nan'), by its bits: the C macro NAN may differ in sign or
 * payload between compilers. */
static double python_nan(void)
{
    uint64_t bits = UINT64_C(0x7ff8000000000000);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* ---- the values (mirror py_vectors.py) ----------------------------------- */

static vec_Inner inner(int32_t num, const char *text)
{
    vec_Inner v;
    vec_Inner_init(&v);
    v.num = num;
    v.text = S(text);
    vec_Inner_set_num(&v);
    vec_Inner_set_text(&v);
    return v;
}

static vec_Node *node(pst_arena *a, int32_t value, vec_Node *next)
{
    vec_Node *n = pst_arena_calloc(a, sizeof *n);
    vec_Node_init(n);
    n->value = value;
    vec_Node_set_value(n);
    if (next) {
        n->next = next;
        vec_Node_set_next(n);
    }
    return n;
}

static void build_all_types_full(void *out, pst_arena *a)
{
    vec_AllTypes *v = out;
    v->b_true = true;
    v->b_false = false;
    v->byte_val = -128;
    v->i16_val = -32768;
    v->i32_val = INT32_MAX;
    v->i64_val = INT64_MIN;
    v->dbl = 3.141592653589793;
    v->str = S(NON_ASCII);
    static const char bin[] = "\x00\x01\xff\x00"
                              "binary"
                              "\x00";
    v->bin = (pst_str){ bin, sizeof bin - 1 };
    v->color = vec_Color_BLUE;
    v->inner = inner(-1, "");

    bool bools[20];
    for (int i = 0; i < 20; i++)
        bools[i] = i % 3 == 0;
    v->bools = (pst_list){ DUP(a, bools), 20 };

    static const int32_t ints[] = { 0, -1, 1, 63, -64, 64, -65, INT32_MAX, INT32_MIN };
    v->ints = (pst_list){ (void *)ints, COUNT(ints) };

    static const pst_str names[] = { { "alpha", 5 }, { "", 0 }, { u8"\u03c9", 2 } };
    v->names = (pst_list){ (void *)names, COUNT(names) };

    static const pst_str count_keys[] = { { "one", 3 }, { "minus", 5 }, { "big", 3 } };
    static const int64_t count_values[] = { 1, -1, INT64_MAX };
    v->counts = (pst_map){ (void *)count_keys, (void *)count_values, 3 };

    static const int16_t one[] = { 1 }, three[] = { -32768, 32767, 0 };
    const pst_list nested[] = { { NULL, 0 }, { (void *)one, 1 }, { (void *)three, 3 } };
    v->nested_lists = (pst_list){ DUP(a, nested), 3 };

    static const int32_t mol_keys[] = { 7, -7 };
    static const pst_str ab[] = { { "a", 1 }, { "b", 1 } };
    const pst_list mol_values[] = { { (void *)ab, 2 }, { NULL, 0 } };
    v->map_of_lists = (pst_map){ (void *)mol_keys, DUP(a, mol_values), 2 };

    const vec_Inner inners[] = { inner(1, "x"), inner(2, "y") };
    v->inners = (pst_list){ DUP(a, inners), 2 };

    vec_Empty_init(&v->empty);

    const double doubles[] = { 0.0, -0.0, INFINITY, -INFINITY, python_nan(),
                               4.9406564584124654e-324, DBL_MAX, -2.5 };
    v->doubles = (pst_list){ DUP(a, doubles), COUNT(doubles) };

    static const int8_t flag_keys[] = { -128, 0, 127 };
    static const bool flag_values[] = { true, false, true };
    v->flags = (pst_map){ (void *)flag_keys, (void *)flag_values, 3 };

    static const int64_t big_set[] = { INT64_MAX, INT64_MIN, 0 };
    v->big_set = (pst_list){ (void *)big_set, 3 };

    static const pst_str k_key[] = { { "k", 1 } };
    const vec_Inner k_value[] = { inner(3, "z") };
    const pst_map maps[] = { { NULL, NULL, 0 },
                             { (void *)k_key, DUP(a, k_value), 1 } };
    v->list_of_maps = (pst_list){ DUP(a, maps), 2 };

    uint8_t all_bytes[256];
    for (int i = 0; i < 256; i++)
        all_bytes[i] = (uint8_t)i;
    const pst_str blobs[] = { { "", 0 }, { "\0", 1 },
                              { DUP(a, all_bytes), 256 } };
    v->blobs = (pst_list){ DUP(a, blobs), 3 };

    static const int32_t colors[] = { vec_Color_RED, vec_Color_BLUE };
    static const int16_t one_two[] = { 1, 2 };
    const pst_list color_sets[] = { { (void *)one_two, 2 }, { NULL, 0 } };
    v->by_color = (pst_map){ (void *)colors, DUP(a, color_sets), 2 };

    vec_Choice_init(&v->choice);
    v->choice.text = S("chosen");
    vec_Choice_set_text(&v->choice);

    v->chain = node(a, 1, node(a, 2, node(a, 3, NULL)));
    v->far_bool = true;
    v->opt_set = 17;
    vec_AllTypes_set_opt_set(v);
    v->last_id = -2;
}

/* A zero-initialised AllTypes: every default field is still written. */
static void build_all_types_zero(void *out, pst_arena *a)
{
    vec_AllTypes *v = out;
    v->inner = inner(0, "");
    v->chain = node(a, 0, NULL);
}

static void build_deltas(void *out, pst_arena *a)
{
    vec_Deltas *v = out;
    static const bool f[] = { true, false, true };
    (void)a;
    v->a = 1;
    v->b = -1;
    v->c = 127;
    v->d = true;
    v->e = false;
    v->f = (pst_list){ (void *)f, 3 };
}

static void build_deltas_flipped(void *out, pst_arena *a)
{
    vec_Deltas *v = out;
    (void)a;
    v->c = -128;
    v->e = true;
}

static void build_deltas_long_list(void *out, pst_arena *a)
{
    vec_Deltas *v = out;
    bool f[300];
    for (int i = 0; i < 300; i++)
        f[i] = i % 5 == 0;
    v->a = 5;
    v->b = 6;
    v->c = 7;
    v->d = true;
    v->e = true;
    v->f = (pst_list){ DUP(a, f), 300 };
}

static void build_void_args(void *out, pst_arena *a)
{
    (void)out;
    (void)a;
}

static void build_multi_args(void *out, pst_arena *a)
{
    ThriftTest_ThriftTest_testMulti_args *v = out;
    static const int16_t keys[] = { 0, -1 };
    const pst_str values[] = { S("abc"), S(NON_ASCII) };
    v->arg0 = 74;
    v->arg1 = 0xff00ff;
    v->arg2 = 0xffffffffd0d0;
    v->arg3 = (pst_map){ (void *)keys, DUP(a, values), 2 };
    v->arg4 = ThriftTest_Numberz_FIVE;
    v->arg5 = 0xf0f0f0;
}

static ThriftTest_Xtruct xtruct(const char *s, int8_t b, int32_t i32, int64_t i64)
{
    ThriftTest_Xtruct x;
    ThriftTest_Xtruct_init(&x);
    x.string_thing = S(s);
    x.byte_thing = b;
    x.i32_thing = i32;
    x.i64_thing = i64;
    return x;
}

static void build_insanity_reply(void *out, pst_arena *a)
{
    ThriftTest_ThriftTest_testInsanity_result *v = out;
    static const int32_t user_numbers[] = { ThriftTest_Numberz_FIVE, ThriftTest_Numberz_EIGHT };
    static const int64_t user_ids[] = { 5, 8 };
    const ThriftTest_Xtruct xs[] = { xtruct("Goodbye4", 4, 4, 4), xtruct("Hello2", 2, 2, 2) };
    ThriftTest_Insanity arg;
    ThriftTest_Insanity_init(&arg);
    arg.userMap = (pst_map){ (void *)user_numbers, (void *)user_ids, 2 };
    arg.xtructs = (pst_list){ DUP(a, xs), 2 };
    ThriftTest_Insanity empty;
    ThriftTest_Insanity_init(&empty);

    static const int32_t first_keys[] = { ThriftTest_Numberz_TWO, ThriftTest_Numberz_THREE };
    static const int32_t second_keys[] = { ThriftTest_Numberz_SIX };
    const ThriftTest_Insanity first_values[] = { arg, arg };
    const ThriftTest_Insanity second_values[] = { empty };
    const pst_map inner_maps[] = {
        { (void *)first_keys, DUP(a, first_values), 2 },
        { (void *)second_keys, DUP(a, second_values), 1 },
    };
    static const int64_t outer_keys[] = { 1, 2 };
    v->success = (pst_map){ (void *)outer_keys, DUP(a, inner_maps), 2 };
    ThriftTest_ThriftTest_testInsanity_result_set_success(v);
}

static void build_multi_exception_reply(void *out, pst_arena *a)
{
    ThriftTest_ThriftTest_testMultiException_result *v = out;
    (void)a;
    v->err2.errorCode = 2002;
    v->err2.struct_thing = xtruct("This is an Xception2", 0, 0, 0);
    ThriftTest_ThriftTest_testMultiException_result_set_err2(v);
}

static void build_oneway_args(void *out, pst_arena *a)
{
    ThriftTest_ThriftTest_testOneway_args *v = out;
    (void)a;
    v->secondsToSleep = 1;
}

static void build_unknown_method(void *out, pst_arena *a)
{
    pst_app_exception *v = out;
    (void)a;
    v->message = S("Invalid method name: 'noSuchMethod'");
    v->type = PST_APPEX_UNKNOWN_METHOD;
    v->isset_[0] = 0x3; /* message, type */
}

typedef struct vector {
    const char *name;
    const pst_struct_desc *desc;
    void (*build)(void *value, pst_arena *a); /* value arrives zeroed */
    const char *method;                        /* NULL: a bare struct */
    int32_t msg_type;
    int32_t seqid;
} vector;

static const vector VECTORS[] = {
    { "alltypes_full", &vec_AllTypes_desc, build_all_types_full, NULL, 0, 0 },
    { "alltypes_zero", &vec_AllTypes_desc, build_all_types_zero, NULL, 0, 0 },
    { "deltas", &vec_Deltas_desc, build_deltas, NULL, 0, 0 },
    { "deltas_flipped", &vec_Deltas_desc, build_deltas_flipped, NULL, 0, 0 },
    { "deltas_long_list", &vec_Deltas_desc, build_deltas_long_list, NULL, 0, 0 },
    { "msg_call_testVoid", &ThriftTest_ThriftTest_testVoid_args_desc, build_void_args,
      "testVoid", PST_MSG_CALL, 0 },
    { "msg_call_testMulti", &ThriftTest_ThriftTest_testMulti_args_desc, build_multi_args,
      "testMulti", PST_MSG_CALL, 42 },
    { "msg_reply_testInsanity", &ThriftTest_ThriftTest_testInsanity_result_desc,
      build_insanity_reply, "testInsanity", PST_MSG_REPLY, INT32_MAX },
    { "msg_reply_testMultiException", &ThriftTest_ThriftTest_testMultiException_result_desc,
      build_multi_exception_reply, "testMultiException", PST_MSG_REPLY, 300 },
    { "msg_oneway_testOneway", &ThriftTest_ThriftTest_testOneway_args_desc, build_oneway_args,
      "testOneway", PST_MSG_ONEWAY, 3 },
    { "msg_exception_unknown", &pst_app_exception_desc, build_unknown_method,
      "noSuchMethod", PST_MSG_EXCEPTION, 7 },
};

/* ---- comparing values through their descriptors --------------------------- */

static bool struct_eq(const pst_struct_desc *d, const void *a, const void *b,
                      char *path, size_t plen, size_t cap);

/* Report a difference at path. */
static bool differ(const char *path, const char *what)
{
    fprintf(stderr, "    decoded value differs at %s: %s\n", path, what);
    return false;
}

static bool value_eq(const pst_type *t, const void *a, const void *b, char *path,
                     size_t plen, size_t cap)
{
    switch (t->kind) {
    case PST_K_BOOL:
        return *(const bool *)a == *(const bool *)b ? true : differ(path, "bool");
    case PST_K_I8:
    case PST_K_I16:
    case PST_K_I32:
    case PST_K_I64:
    case PST_K_ENUM:
    case PST_K_DOUBLE: /* bits: NaN == NaN, -0.0 != 0.0 */
    case PST_K_UUID:
        return memcmp(a, b, t->size) == 0 ? true : differ(path, "value");
    case PST_K_STRING:
    case PST_K_BINARY: {
        const pst_str *x = a, *y = b;
        if (x->len != y->len || (x->len && memcmp(x->ptr, y->ptr, x->len) != 0))
            return differ(path, "bytes");
        return true;
    }
    case PST_K_STRUCT:
        return struct_eq(t->sdesc, a, b, path, plen, cap);
    case PST_K_STRUCT_PTR: {
        const void *x = *(const void *const *)a, *y = *(const void *const *)b;
        if (!x || !y)
            return x == y ? true : differ(path, "one side absent");
        return struct_eq(t->sdesc, x, y, path, plen, cap);
    }
    case PST_K_LIST:
    case PST_K_SET: {
        const pst_list *x = a, *y = b;
        if (x->count != y->count)
            return differ(path, "element count");
        for (uint32_t i = 0; i < x->count; i++) {
            size_t n = plen + (size_t)snprintf(path + plen, cap - plen, "[%" PRIu32 "]", i);
            const char *xe = (const char *)x->data + (size_t)i * t->elem->size;
            const char *ye = (const char *)y->data + (size_t)i * t->elem->size;
            if (!value_eq(t->elem, xe, ye, path, n < cap ? n : cap - 1, cap))
                return false;
            path[plen] = '\0';
        }
        return true;
    }
    case PST_K_MAP: {
        const pst_map *x = a, *y = b;
        if (x->count != y->count)
            return differ(path, "entry count");
        for (uint32_t i = 0; i < x->count; i++) {
            size_t n = plen + (size_t)snprintf(path + plen, cap - plen, "{#%" PRIu32 "}", i);
            n = n < cap ? n : cap - 1;
            size_t ks = t->elem->size, vs = t->value->size;
            if (!value_eq(t->elem, (const char *)x->keys + i * ks,
                          (const char *)y->keys + i * ks, path, n, cap) ||
                !value_eq(t->value, (const char *)x->values + i * vs,
                          (const char *)y->values + i * vs, path, n, cap))
                return false;
            path[plen] = '\0';
        }
        return true;
    }
    default:
        return differ(path, "unknown kind in descriptor");
    }
}

/* Default and required fields compare by value; optional fields and union
 * members also by presence. */
static bool struct_eq(const pst_struct_desc *d, const void *a, const void *b,
                      char *path, size_t plen, size_t cap)
{
    for (uint16_t i = 0; i < d->nfields; i++) {
        const pst_field *f = &d->fields[i];
        size_t n = plen + (size_t)snprintf(path + plen, cap - plen, ".%s", f->name);
        n = n < cap ? n : cap - 1;
        bool by_presence = f->req == PST_REQ_OPTIONAL || d->kind == PST_UNION;
        bool in_a = pst_isset(d, a, f->isset_bit), in_b = pst_isset(d, b, f->isset_bit);
        bool ok = true;
        if (by_presence && in_a != in_b)
            ok = differ(path, in_a ? "present only in the built value"
                                   : "present only in the decoded value");
        else if (!by_presence || in_a)
            ok = value_eq(f->type, (const char *)a + f->offset,
                          (const char *)b + f->offset, path, n, cap);
        path[plen] = '\0';
        if (!ok)
            return false;
    }
    return true;
}

/* ---- running a vector ----------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(MAX_VECTOR_FILE);
    size_t n = buf ? fread(buf, 1, MAX_VECTOR_FILE, f) : 0;
    bool too_big = buf && n == MAX_VECTOR_FILE;
    fclose(f);
    if (!buf || too_big) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static void hex_around(const char *label, const uint8_t *p, size_t len, size_t at)
{
    size_t from = at > 16 ? at - 16 : 0, to = at + 16 < len ? at + 16 : len;
    fprintf(stderr, "    %-7s @%zu:", label, from);
    for (size_t i = from; i < to; i++)
        fprintf(stderr, i == at ? " [%02x]" : " %02x", p[i]);
    fprintf(stderr, "%s\n", to < len ? " ..." : "");
}

/* Encode the built value; compare with Python's bytes. */
static bool check_encoding(const vector *v, const pst_protocol *proto,
                           const void *value, const uint8_t *want, size_t want_len)
{
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    int rc = 0;
    if (v->method) {
        pst_msg_header h = { S(v->method), v->msg_type, v->seqid };
        rc = proto->write_message_begin(&w, &h);
    }
    if (rc == 0)
        rc = proto->write_struct(&w, v->desc, value, &cfg);
    if (rc == 0 && v->method)
        rc = pst_protocol_write_message_end(proto, &w);
    if (rc == 0 && w.err)
        rc = w.err;
    bool ok = true;
    if (rc < 0) {
        fprintf(stderr, "    encoding failed: %s\n", pst_strerror_name(rc));
        ok = false;
    } else if (w.len != want_len || memcmp(w.data, want, want_len) != 0) {
        size_t at = 0;
        while (at < w.len && at < want_len && w.data[at] == want[at])
            at++;
        fprintf(stderr, "    encoding differs: postern %zu bytes, python %zu bytes, "
                        "first difference at offset %zu\n",
                w.len, want_len, at);
        hex_around("python", want, want_len, at);
        hex_around("postern", w.data, w.len, at);
        ok = false;
    }
    pst_wbuf_free(&w);
    return ok;
}

/* Decode Python's bytes; compare with the built value. */
static bool check_decoding(const vector *v, const pst_protocol *proto,
                           const void *value, const uint8_t *data, size_t len,
                           pst_arena *a)
{
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    pst_error err = { 0, "" };
    pst_rbuf r;
    pst_rbuf_init(&r, data, len, &err);
    if (v->method) {
        pst_msg_header h;
        int rc = proto->read_message_begin(&r, &h, &cfg);
        if (rc < 0) {
            fprintf(stderr, "    message header does not decode: %s %s\n",
                    pst_strerror_name(rc), err.message);
            return false;
        }
        if (h.name.len != strlen(v->method) ||
            memcmp(h.name.ptr, v->method, h.name.len) != 0 || h.type != v->msg_type ||
            h.seqid != v->seqid) {
            fprintf(stderr, "    message header decodes to '%.*s' type %" PRId32
                            " seqid %" PRId32 "\n",
                    (int)h.name.len, h.name.ptr, h.type, h.seqid);
            return false;
        }
    }
    void *got = pst_arena_calloc(a, v->desc->size);
    if (!got)
        return false;
    int rc = proto->read_struct(&r, v->desc, got, a, &cfg);
    if (rc == 0 && v->method)
        rc = pst_protocol_read_message_end(proto, &r, &cfg);
    if (rc < 0) {
        fprintf(stderr, "    does not decode: %s %s\n", pst_strerror_name(rc),
                err.message);
        return false;
    }
    if (r.p != r.end) {
        fprintf(stderr, "    decoding stopped %zu bytes before the end\n",
                (size_t)(r.end - r.p));
        return false;
    }
    char path[256];
    snprintf(path, sizeof path, "%s", v->desc->name);
    return struct_eq(v->desc, value, got, path, strlen(path), sizeof path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: vectors DIR   (DIR as written by py_vectors.py)\n");
        return 2;
    }
    static const struct {
        const char *file;     /* <name>.<file>.bin */
        const char *protocol;
        bool encode;          /* compare postern's bytes too */
    } protos[] = {
        { "binary", "binary", true },
        { "compact", "compact", true },
        { "json", "json", true },
        { "json-python", "json", false },
    };
    unsigned failed = 0, total = 0;
    pst_arena arena;
    pst_arena_init(&arena, NULL, 0, 0);
    for (size_t i = 0; i < COUNT(VECTORS); i++) {
        const vector *v = &VECTORS[i];
        for (size_t p = 0; p < COUNT(protos); p++) {
            const pst_protocol *proto = pst_protocol_by_name(protos[p].protocol);
            char file[4096];
            snprintf(file, sizeof file, "%s/%s.%s.bin", argv[1], v->name, protos[p].file);
            total++;
            size_t len = 0;
            uint8_t *data = read_file(file, &len);
            if (!proto || !data) {
                fprintf(stderr, "FAIL %s.%s: cannot read %s\n", v->name, protos[p].file,
                        file);
                failed++;
                free(data);
                continue;
            }
            pst_arena_reset(&arena);
            void *value = pst_arena_calloc(&arena, v->desc->size);
            if (!value) {
                free(data);
                failed++;
                continue;
            }
            pst_struct_init(v->desc, value);
            v->build(value, &arena);
            fprintf(stderr, "%s.%s (%zu bytes)\n", v->name, protos[p].file, len);
            bool enc = !protos[p].encode || check_encoding(v, proto, value, data, len);
            bool dec = check_decoding(v, proto, value, data, len, &arena);
            if (enc && dec) {
                printf("ok   %s.%s\n", v->name, protos[p].file);
            } else {
                printf("FAIL %s.%s:%s%s\n", v->name, protos[p].file,
                       enc ? "" : " encoding", dec ? "" : " decoding");
                failed++;
            }
            free(data);
        }
    }
    pst_arena_release(&arena);
    printf("%u of %u vectors failed\n", failed, total);
    return failed ? 1 : 0;
}
