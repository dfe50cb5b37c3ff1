/*
 * json_bench: what the JSON mapping costs per call, next to the binary
 * protocol, for two messages:
 *
 *   echo      the Echo example's call: arguments {"req":{"msg":M}} decoded,
 *             result {"msg":M} encoded (M: 26 ASCII bytes, --msg-bytes N)
 *   insanity  bench.thrift's Insanity value (the codec bench's): decoded
 *             from its JSON, encoded back
 *
 * Each row: N calibrated so the row takes about --target-ms; decode resets
 * the arena (back to its caller block) and decodes into a fresh value;
 * encode empties the output buffer (keeping its memory). One line per row:
 *
 *   msg=echo codec=json op=decode ns_op=95.1 bytes=39 n=...
 *
 * Before timing, decode(encode(x)) is checked against x's encoding.
 *   --target-ms MS (default 300)  --msg-bytes N  --only echo|insanity
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <postern/json.h>

#include "bench.h" /* postern gen of ../codec/bench.thrift */
#include "echo.h"  /* the Echo example */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct row {
    const char *msg, *codec;
    bool json;
    const pst_struct_desc *in_desc;  /* decoded */
    const pst_struct_desc *out_desc; /* encoded */
    const void *out_value;
    pst_wbuf in;                     /* the bytes decoded */
    pst_wbuf out;
    pst_arena arena;
    _Alignas(16) uint8_t value[512];
    uint64_t sink;
} row;

static int encode_once(row *r, const pst_struct_desc *d, const void *v, pst_wbuf *w)
{
    if (r->json)
        return pst_json_write_struct(w, d, v, NULL, NULL);
    return pst_protocol_binary.write_struct(w, d, v, NULL);
}

static int decode_once(row *r)
{
    pst_arena_reset(&r->arena);
    if (r->json)
        return pst_json_decode_struct(r->in.data, r->in.len, r->in_desc,
                                      r->value, &r->arena, NULL, NULL);
    pst_rbuf rb;
    pst_rbuf_init(&rb, r->in.data, r->in.len, NULL);
    return pst_protocol_binary.read_struct(&rb, r->in_desc, r->value,
                                           &r->arena, NULL);
}

static uint64_t run(row *r, int decode, uint64_t n)
{
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        if (decode) {
            if (decode_once(r) != 0)
                abort();
            r->sink += r->value[0];
        } else {
            r->out.len = 0;
            if (encode_once(r, r->out_desc, r->out_value, &r->out) != 0)
                abort();
            r->sink += r->out.len;
        }
    }
    return now_ns() - t0;
}

static void measure(row *r, int decode, double target_ms)
{
    uint64_t n = 1000;
    uint64_t t = run(r, decode, n);
    while (t < target_ms * 1e6 / 10) {
        n *= 4;
        t = run(r, decode, n);
    }
    n = (uint64_t)((double)n * (target_ms * 1e6) / (double)t) + 1;
    t = run(r, decode, n);
    printf("msg=%s codec=%s op=%s ns_op=%.1f bytes=%zu n=%llu\n", r->msg,
           r->codec, decode ? "decode" : "encode", (double)t / (double)n,
           decode ? r->in.len : r->out.len, (unsigned long long)n);
}

static _Alignas(16) uint8_t arena_block[16384];

static int setup(row *r, const char *msg, const char *codec,
                 const pst_struct_desc *in_desc, const void *in_value,
                 const pst_struct_desc *out_desc, const void *out_value)
{
    memset(r, 0, sizeof *r);
    r->msg = msg;
    r->codec = codec;
    r->json = strcmp(codec, "json") == 0;
    r->in_desc = in_desc;
    r->out_desc = out_desc;
    r->out_value = out_value;
    pst_wbuf_init(&r->in, 0);
    pst_wbuf_init(&r->out, 0);
    pst_arena_init(&r->arena, arena_block, sizeof arena_block, 0);
    if (encode_once(r, in_desc, in_value, &r->in) != 0 || decode_once(r) != 0)
        return -1;
    /* the decoded value encodes to the same bytes */
    pst_wbuf again;
    pst_wbuf_init(&again, 0);
    int same = encode_once(r, in_desc, r->value, &again) == 0 &&
               again.len == r->in.len && memcmp(again.data, r->in.data, again.len) == 0;
    pst_wbuf_free(&again);
    return same ? 0 : -1;
}

int main(int argc, char **argv)
{
    double target_ms = 300;
    size_t msg_bytes = 26;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--target-ms") == 0 && i + 1 < argc)
            target_ms = atof(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--msg-bytes") == 0 && i + 1 < argc)
            msg_bytes = (size_t)atol(argv[++i]);
        else {
            fprintf(stderr, "usage: json-bench [--target-ms MS] [--msg-bytes N] [--only echo|insanity]\n");
            return 2;
        }
    }
    char *text = malloc(msg_bytes + 1);
    for (size_t i = 0; i < msg_bytes; i++)
        text[i] = (char)('a' + i % 26);
    echo_Echo_echo_args args;
    echo_Echo_echo_args_init(&args);
    args.req.msg = (pst_str){ text, msg_bytes };
    echo_EchoReq_set_msg(&args.req);
    args.isset_[0] = 1;
    echo_EchoRes res;
    echo_EchoRes_init(&res);
    res.msg = args.req.msg;
    echo_EchoRes_set_msg(&res);

    bench_Xtruct xs[2];
    for (int i = 0; i < 2; i++) {
        bench_Xtruct_init(&xs[i]);
        xs[i].string_thing = i ? PST_STR("Hello2") : PST_STR("Goodbye4");
        xs[i].byte_thing = (int8_t)(i ? 2 : 4);
        xs[i].i32_thing = i ? 2 : 4;
        xs[i].i64_thing = i ? 2 : 4;
        xs[i].isset_[0] = 0x0f;
    }
    static int32_t keys[2] = { bench_Numberz_FIVE, bench_Numberz_EIGHT };
    static int64_t vals[2] = { 5000000000LL, -8 };
    bench_Insanity ins;
    bench_Insanity_init(&ins);
    ins.userMap = (pst_map){ keys, vals, 2 };
    ins.xtructs = (pst_list){ xs, 2 };
    ins.isset_[0] = 3;

    static const char *const codecs[] = { "json", "binary" };
    static row r;
    int rc = 0;
    for (int c = 0; c < 2 && (!only || strcmp(only, "echo") == 0); c++) {
        if (setup(&r, "echo", codecs[c], &echo_Echo_echo_args_desc, &args,
                  &echo_EchoRes_desc, &res) != 0) {
            fprintf(stderr, "echo %s: round trip failed\n", codecs[c]);
            rc = 1;
            continue;
        }
        if (c == 0)
            printf("echo request: %.*s\n", (int)r.in.len, (const char *)r.in.data);
        measure(&r, 1, target_ms);
        measure(&r, 0, target_ms);
        pst_wbuf_free(&r.in);
        pst_wbuf_free(&r.out);
        pst_arena_release(&r.arena);
    }
    for (int c = 0; c < 2 && (!only || strcmp(only, "insanity") == 0); c++) {
        if (setup(&r, "insanity", codecs[c], &bench_Insanity_desc, &ins,
                  &bench_Insanity_desc, &ins) != 0) {
            fprintf(stderr, "insanity %s: round trip failed\n", codecs[c]);
            rc = 1;
            continue;
        }
        if (c == 0)
            printf("insanity: %.*s\n", (int)r.in.len, (const char *)r.in.data);
        measure(&r, 1, target_ms);
        measure(&r, 0, target_ms);
        pst_wbuf_free(&r.in);
        pst_wbuf_free(&r.out);
        pst_arena_release(&r.arena);
    }
    free(text);
    return rc;
}
