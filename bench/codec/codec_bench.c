/*
 * codec_bench: postern's codec micro-benchmark, the counterpart of
 * /work/shared/bench/codec/codec_cpp.cpp (Apache Thrift C++). Same four
 * messages with the same values (bench.thrift's header), binary and compact,
 * and for each row
 *
 *   encode: empty the output buffer (keeping its memory), write_struct
 *   decode: reset the arena (back to its caller block), read_struct into a
 *           fresh value from the same encoding
 *
 * through the public protocol tables, N calibrated so one row takes about
 * --target-ms. One line per row, in codec_cpp's format:
 *
 *   lib=postern msg=xtruct proto=binary op=encode ns_op=8.1 bytes=49 n=... checksum=...
 *
 * The checksums fold every encoding's length and last byte, or a digest of
 * every decoded value (as codec_cpp's), so the work cannot be optimised away.
 * Before timing, decode(encode(x)) is checked against x, and the encoding
 * against Thrift C++'s in --vectors DIR (default
 * /work/shared/bench/build/codec-vectors, skipped if absent):
 *
 *   lib=postern check msg=xtruct proto=binary same_bytes=yes same_size=yes decodes_to_value=yes
 *
 *   --target-ms MS  --vectors DIR  --msg NAME  --proto NAME  --arena-block BYTES (default 16384)
 *   --op encode|decode  --iters N (a fixed count instead of calibrating: for profilers)
 * Exit status 1 if a check fails.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <postern/protocol.h>

#include "bench_types.h"

typedef struct options {
    double target_s;
    uint64_t iters;      /* fixed operations per row (0: calibrate) */
    const char *only_op;
    const char *vectors;
    const char *only_msg, *only_proto;
    size_t arena_block;
} options;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the values (bench.thrift's header; maps in C++ std::map order) ---- */

static bench_Xtruct xtruct_value;
static int32_t insanity_keys[2] = { bench_Numberz_FIVE, bench_Numberz_EIGHT };
static int64_t insanity_vals[2] = { 5000000000LL, -8 };
static bench_Xtruct insanity_xtructs[2];
static bench_Insanity insanity_value;
static uint8_t oneofeach_binary[16];
static int16_t oneofeach_i16[6] = { 1, -2, 300, -4000, 32767, -32768 };
static pst_str oneofeach_keys[3] = { PST_STR("one"), PST_STR("three"), PST_STR("two") };
static int32_t oneofeach_vals[3] = { 1, 300000, -2 };
static bench_OneOfEach oneofeach_value;
static double doubles_data[10000];
static bench_Doubles doubles_value;

static void make_xtruct(bench_Xtruct *x, pst_str s, int8_t b, int32_t i, int64_t l)
{
    bench_Xtruct_init(x);
    x->string_thing = s;
    x->byte_thing = b;
    x->i32_thing = i;
    x->i64_thing = l;
    x->isset_[0] = 0x0f;
}

static void make_values(void)
{
    make_xtruct(&xtruct_value, PST_STR("Hello, codec bench!"), -7, -123456, 1234567890123LL);

    bench_Insanity_init(&insanity_value);
    make_xtruct(&insanity_xtructs[0], PST_STR("Goodbye4"), 4, 4, 4);
    make_xtruct(&insanity_xtructs[1], PST_STR("Hello2"), 2, 2, 2);
    insanity_value.userMap = (pst_map){ insanity_keys, insanity_vals, 2 };
    insanity_value.xtructs = (pst_list){ insanity_xtructs, 2 };
    insanity_value.isset_[0] = 3;

    bench_OneOfEach_init(&oneofeach_value);
    bench_OneOfEach *o = &oneofeach_value;
    o->a_bool = true;
    o->a_byte = -42;
    o->an_i16 = -12345;
    o->an_i32 = 1073741831;
    o->an_i64 = -9007199254740991LL;
    o->a_double = 3.141592653589793;
    o->a_string = PST_STR("one of each: ASCII only");
    for (int i = 0; i < 16; i++)
        oneofeach_binary[i] = (uint8_t)i;
    o->a_binary = (pst_str){ (const char *)oneofeach_binary, 16 };
    o->i16_list = (pst_list){ oneofeach_i16, 6 };
    o->string_map = (pst_map){ oneofeach_keys, oneofeach_vals, 3 };
    o->isset_[0] = 0xff;
    o->isset_[1] = 0x03;

    bench_Doubles_init(&doubles_value);
    for (int i = 0; i < 10000; i++)
        doubles_data[i] = (double)i * 0.25 - 1250.0;
    doubles_value.values = (pst_list){ doubles_data, 10000 };
    doubles_value.isset_[0] = 1;
}

/* ---- digests (as codec_cpp's) and equality ---- */

static uint64_t digest_xtruct(const bench_Xtruct *x)
{
    return x->string_thing.len + (uint64_t)x->byte_thing + (uint64_t)x->i32_thing +
           (uint64_t)x->i64_thing;
}

static uint64_t digest_xtruct_v(const void *v)
{
    return digest_xtruct(v);
}

static uint64_t digest_insanity(const void *v)
{
    {
        const bench_Insanity *s = v;
        uint64_t d = s->userMap.count;
        for (uint32_t i = 0; i < s->userMap.count; i++)
            d += (uint64_t)((const int64_t *)s->userMap.values)[i];
        for (uint32_t i = 0; i < s->xtructs.count; i++)
            d += digest_xtruct(&((const bench_Xtruct *)s->xtructs.data)[i]);
        return d;
    }
}

static uint64_t digest_oneofeach(const void *v)
{
    const bench_OneOfEach *o = v;
    return (uint64_t)o->a_bool + (uint64_t)o->an_i64 + o->a_string.len + o->a_binary.len +
           o->i16_list.count + o->string_map.count + (uint64_t)o->a_double;
}

static uint64_t digest_doubles(const void *v)
{
    const bench_Doubles *d = v;
    return d->values.count +
           (uint64_t)(d->values.count ? ((const double *)d->values.data)[d->values.count - 1] : 0);
}

static int str_eq(pst_str a, pst_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static int xtruct_eq(const bench_Xtruct *a, const bench_Xtruct *b)
{
    return str_eq(a->string_thing, b->string_thing) && a->byte_thing == b->byte_thing &&
           a->i32_thing == b->i32_thing && a->i64_thing == b->i64_thing;
}

static int list_eq(pst_list a, pst_list b, size_t size)
{
    return a.count == b.count && (a.count == 0 || memcmp(a.data, b.data, a.count * size) == 0);
}

static int value_eq(const char *msg, const void *va, const void *vb)
{
    if (strcmp(msg, "xtruct") == 0)
        return xtruct_eq(va, vb);
    if (strcmp(msg, "insanity") == 0) {
        const bench_Insanity *a = va, *b = vb;
        if (a->userMap.count != b->userMap.count || a->xtructs.count != b->xtructs.count)
            return 0;
        for (uint32_t i = 0; i < a->userMap.count; i++)
            if (((int32_t *)a->userMap.keys)[i] != ((int32_t *)b->userMap.keys)[i] ||
                ((int64_t *)a->userMap.values)[i] != ((int64_t *)b->userMap.values)[i])
                return 0;
        for (uint32_t i = 0; i < a->xtructs.count; i++)
            if (!xtruct_eq(&((bench_Xtruct *)a->xtructs.data)[i],
                           &((bench_Xtruct *)b->xtructs.data)[i]))
                return 0;
        return 1;
    }
    if (strcmp(msg, "oneofeach") == 0) {
        const bench_OneOfEach *a = va, *b = vb;
        if (a->a_bool != b->a_bool || a->a_byte != b->a_byte || a->an_i16 != b->an_i16 ||
            a->an_i32 != b->an_i32 || a->an_i64 != b->an_i64 || a->a_double != b->a_double ||
            !str_eq(a->a_string, b->a_string) || !str_eq(a->a_binary, b->a_binary) ||
            !list_eq(a->i16_list, b->i16_list, 2) || a->string_map.count != b->string_map.count)
            return 0;
        for (uint32_t i = 0; i < a->string_map.count; i++)
            if (!str_eq(((pst_str *)a->string_map.keys)[i], ((pst_str *)b->string_map.keys)[i]) ||
                ((int32_t *)a->string_map.values)[i] != ((int32_t *)b->string_map.values)[i])
                return 0;
        return 1;
    }
    const bench_Doubles *a = va, *b = vb;
    return list_eq(a->values, b->values, sizeof(double));
}

/* ---- timing ---- */

typedef struct row {
    const char *msg;
    const pst_protocol *proto;
    const pst_struct_desc *desc;
    const void *value;
    pst_wbuf *w;           /* encode: the output buffer */
    const uint8_t *enc;    /* decode: the encoding */
    size_t enc_len;
    pst_arena *arena;
    void *out;             /* decode target */
    uint64_t (*digest)(const void *);
} row;

static uint64_t run_encode(row *r, uint64_t iters)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < iters; i++) {
        r->w->len = 0;
        if (r->proto->write_struct(r->w, r->desc, r->value, NULL) != 0)
            abort();
        s += r->w->len + r->w->data[r->w->len - 1];
    }
    return s;
}

static uint64_t run_decode(row *r, uint64_t iters)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < iters; i++) {
        pst_rbuf rb;
        pst_rbuf_init(&rb, r->enc, r->enc_len, NULL);
        pst_arena_reset(r->arena);
        if (r->proto->read_struct(&rb, r->desc, r->out, r->arena, NULL) != 0)
            abort();
        s += r->digest(r->out);
    }
    return s;
}

/* codec_cpp's calibration: grow n until a batch takes >= 20 ms, then one
 * batch scaled to target_s. */
static double measure(uint64_t (*body)(row *, uint64_t), row *r, double target_s,
                      uint64_t iters, uint64_t *n_out, uint64_t *sum)
{
    if (iters) { /* fixed count, for profilers */
        uint64_t t0 = now_ns();
        *sum += body(r, iters);
        *n_out = iters;
        return (double)(now_ns() - t0) / (double)iters;
    }
    uint64_t n = 1;
    double el = 0;
    for (int i = 0; i < 40; i++) {
        uint64_t t0 = now_ns();
        *sum += body(r, n);
        el = (double)(now_ns() - t0) * 1e-9;
        if (el >= 0.02)
            break;
        n *= el < 0.002 ? 10 : 2;
    }
    uint64_t big = (uint64_t)((double)n * target_s / (el > 0 ? el : 1e-9));
    if (big < 1)
        big = 1;
    uint64_t t0 = now_ns();
    *sum += body(r, big);
    double ns = (double)(now_ns() - t0);
    *n_out = big;
    return ns / (double)big;
}

static int selected(const char *only, const char *name)
{
    return only == NULL || strcmp(only, name) == 0;
}

/* Compare with Thrift C++'s encoding and decode it; prints the check line.
 * Returns 0 if it matches (or there is nothing to compare with). */
static int check_vector(const options *o, row *r, const uint8_t *mine, size_t len)
{
    if (!o->vectors)
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s.bin", o->vectors, r->msg, r->proto->name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "codec_bench: %s: %s\n", path, strerror(errno));
        return 1;
    }
    static uint8_t theirs[1 << 20];
    size_t n = fread(theirs, 1, sizeof theirs, f);
    fclose(f);
    int same_size = n == len;
    int same = same_size && memcmp(theirs, mine, len) == 0;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 0);
    static _Alignas(16) uint8_t back[512];
    pst_rbuf rb;
    pst_error err = { 0, "" };
    pst_rbuf_init(&rb, theirs, n, &err);
    int rc = r->proto->read_struct(&rb, r->desc, back, &a, NULL);
    int decodes = rc == 0 && rb.p == rb.end && value_eq(r->msg, r->value, back);
    if (rc)
        fprintf(stderr, "codec_bench: decoding %s: %s\n", path, err.message);
    pst_arena_release(&a);
    printf("lib=postern check msg=%s proto=%s same_bytes=%s same_size=%s decodes_to_value=%s\n",
           r->msg, r->proto->name, same ? "yes" : "no", same_size ? "yes" : "no",
           decodes ? "yes" : "no");
    return same && decodes ? 0 : 1;
}

static int run_rows(const options *o, const char *msg, const pst_protocol *proto,
                    const pst_struct_desc *desc, const void *value,
                    uint64_t (*digest)(const void *))
{
    if (!selected(o->only_msg, msg) || !selected(o->only_proto, proto->name))
        return 0;
    pst_wbuf w;
    pst_wbuf_init(&w, 0);
    uint8_t *block = aligned_alloc(16, (o->arena_block + 15) & ~(size_t)15);
    pst_arena arena;
    pst_arena_init(&arena, block, o->arena_block, 0);
    static _Alignas(16) uint8_t out[512];
    row r = { msg, proto, desc, value, &w, NULL, 0, &arena, out, digest };

    /* encode once, check decode(encode(x)) == x and the C++ bytes */
    if (proto->write_struct(&w, desc, value, NULL) != 0) {
        fprintf(stderr, "codec_bench: %s/%s: encoding failed\n", msg, proto->name);
        return 1;
    }
    uint8_t *enc = malloc(w.len);
    memcpy(enc, w.data, w.len);
    r.enc = enc;
    r.enc_len = w.len;
    pst_rbuf rb;
    pst_rbuf_init(&rb, enc, w.len, NULL);
    if (proto->read_struct(&rb, desc, out, &arena, NULL) != 0 || rb.p != rb.end ||
        !value_eq(msg, value, out)) {
        fprintf(stderr, "codec_bench: %s/%s: decode(encode(x)) != x\n", msg, proto->name);
        return 1;
    }
    int bad = check_vector(o, &r, enc, w.len);

    uint64_t n = 0, sum = 0;
    double ns;
    if (selected(o->only_op, "encode")) {
    ns = measure(run_encode, &r, o->target_s, o->iters, &n, &sum);
    printf("lib=postern msg=%s proto=%s op=encode ns_op=%.1f bytes=%zu n=%" PRIu64
           " checksum=%" PRIu64 "\n",
           msg, proto->name, ns, r.enc_len, n, sum);
    fflush(stdout);
    }
    n = sum = 0;
    if (selected(o->only_op, "decode")) {
    ns = measure(run_decode, &r, o->target_s, o->iters, &n, &sum);
    printf("lib=postern msg=%s proto=%s op=decode ns_op=%.1f bytes=%zu n=%" PRIu64
           " checksum=%" PRIu64 "\n",
           msg, proto->name, ns, r.enc_len, n, sum);
    fflush(stdout);
    }
    free(enc);
    pst_arena_release(&arena);
    free(block);
    pst_wbuf_free(&w);
    return bad;
}

static void usage(int rc)
{
    fprintf(rc ? stderr : stdout,
            "usage: codec_bench [--target-ms MS] [--vectors DIR] [--arena-block BYTES]\n"
            "                   [--msg xtruct|insanity|oneofeach|doubles] [--proto binary|compact]\n"
            "                   [--op encode|decode] [--iters N]\n");
    exit(rc);
}

int main(int argc, char **argv)
{
    options o = { 0.3, 0, NULL, "/work/shared/bench/build/codec-vectors", NULL, NULL, 16384 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            usage(0);
        if (i + 1 >= argc)
            usage(2);
        const char *v = argv[++i];
        char *end;
        if (!strcmp(a, "--target-ms")) {
            double ms = strtod(v, &end);
            if (*end || !(ms > 0 && ms <= 60000))
                usage(2);
            o.target_s = ms / 1000.0;
        } else if (!strcmp(a, "--vectors")) {
            o.vectors = *v ? v : NULL;
        } else if (!strcmp(a, "--arena-block")) {
            unsigned long long b = strtoull(v, &end, 10);
            if (*end || b > (1ull << 30))
                usage(2);
            o.arena_block = (size_t)b;
        } else if (!strcmp(a, "--iters")) {
            o.iters = strtoull(v, &end, 10);
            if (*end)
                usage(2);
        } else if (!strcmp(a, "--op")) {
            o.only_op = v;
        } else if (!strcmp(a, "--msg")) {
            o.only_msg = v;
        } else if (!strcmp(a, "--proto")) {
            o.only_proto = v;
        } else {
            usage(2);
        }
    }
    make_values();
    static const struct {
        const char *name;
        const pst_struct_desc *desc;
        const void *value;
        uint64_t (*digest)(const void *);
    } msgs[] = {
        { "xtruct", &bench_Xtruct_desc, &xtruct_value, digest_xtruct_v },
        { "insanity", &bench_Insanity_desc, &insanity_value, digest_insanity },
        { "oneofeach", &bench_OneOfEach_desc, &oneofeach_value, digest_oneofeach },
        { "doubles", &bench_Doubles_desc, &doubles_value, digest_doubles },
    };
    int bad = 0;
    for (size_t m = 0; m < sizeof msgs / sizeof msgs[0]; m++) {
        bad |= run_rows(&o, msgs[m].name, &pst_protocol_binary, msgs[m].desc, msgs[m].value,
                        msgs[m].digest);
        bad |= run_rows(&o, msgs[m].name, &pst_protocol_compact, msgs[m].desc, msgs[m].value,
                        msgs[m].digest);
    }
    return bad ? 1 : 0;
}
