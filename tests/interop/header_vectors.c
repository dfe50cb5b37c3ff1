/*
 * header_vectors: postern's THeader frames against Apache Thrift's Python
 * library, byte for byte.
 *
 *   header_vectors DIR [--cpp]
 *
 * DIR holds header_<variant>.<protocol>.bin written by py_header_vectors.py
 * (and with --cpp, header_<variant>.<protocol>.cpp.bin written by Thrift
 * C++, cpp_header_vectors.cpp, for the variants with at most one info
 * header):
 * a testString("hello header") call, seqid 7, binary or compact inside,
 * with or without the zlib transform and info headers. For each, this
 * program
 *   1. writes the same frame with pst_header_write and compares the bytes;
 *      (and with C++'s);
 *   2. reads Python's frame with pst_header_read and compares the flags,
 *      seqid, protocol id, transforms, info headers (in order) and the
 *      payload with postern's own encoding of the call.
 * Exit status 0 when every frame matches, 1 otherwise, 2 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ThriftTest.h"
#include "postern/header.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct variant {
    const char *name;
    bool cpp;              /* C++ writes it too */
    bool zlib;
    pst_header_kv headers[3];
    uint32_t nheaders;
} variant;

static char long_value[201];

static variant VARIANTS[] = {
    { "plain", true, false, { { { 0 }, { 0 } } }, 0 },
    { "zlib", true, true, { { { 0 }, { 0 } } }, 0 },
    { "info", false, false,
      { { PST_STR("client"), PST_STR("postern") },
        { PST_STR("trace"), PST_STR("abc-123") },
        { PST_STR("empty"), PST_STR("") } },
      3 },
    { "zlib_info", true, true, { { PST_STR("k"), { long_value, 200 } } }, 1 },
};

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1u << 16);
    *len = buf ? fread(buf, 1, 1u << 16, f) : 0;
    fclose(f);
    return buf;
}

static void hex_diff(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t at = 0;
    while (at < an && at < bn && a[at] == b[at])
        at++;
    fprintf(stderr, "    first difference at byte %zu (postern %zu bytes, python %zu)\n",
            at, an, bn);
}

static bool check(const variant *v, const char *pname, const pst_protocol *proto,
                  const char *dir, bool cpp)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/header_%s.%s.bin", dir, v->name, pname);
    size_t want_len = 0;
    uint8_t *want = read_file(path, &want_len);
    if (!want) {
        fprintf(stderr, "FAIL %s: cannot read\n", path);
        return false;
    }
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    /* the call, as postern encodes it */
    pst_wbuf msg;
    pst_wbuf_init(&msg, 0);
    ThriftTest_ThriftTest_testString_args args;
    ThriftTest_ThriftTest_testString_args_init(&args);
    args.thing = PST_STR("hello header");
    ThriftTest_ThriftTest_testString_args_set_thing(&args);
    pst_msg_header h = { PST_STR("testString"), PST_MSG_CALL, 7 };
    proto->write_message_begin(&msg, &h);
    proto->write_struct(&msg, &ThriftTest_ThriftTest_testString_args_desc, &args, &cfg);

    bool ok = true;
    pst_header_frame f;
    memset(&f, 0, sizeof f);
    f.seqid = 7;
    f.protocol_id = pst_header_protocol_id(proto);
    if (v->zlib) {
        f.transforms[0] = PST_HEADER_TRANSFORM_ZLIB;
        f.ntransforms = 1;
    }
    f.headers = v->headers;
    f.nheaders = v->nheaders;
    pst_wbuf out;
    pst_wbuf_init(&out, 0);
    pst_error err = { 0, "" };
    if (pst_header_write(&out, &f, msg.data, msg.len, &err) < 0) {
        fprintf(stderr, "FAIL %s: write: %s\n", path, err.message);
        ok = false;
    } else if (out.len != want_len || memcmp(out.data, want, want_len) != 0) {
        fprintf(stderr, "FAIL %s: postern writes other bytes\n", path);
        hex_diff(out.data, out.len, want, want_len);
        ok = false;
    }

    if (cpp && v->cpp && ok) {
        char cpath[4096];
        snprintf(cpath, sizeof cpath, "%s/header_%s.%s.cpp.bin", dir, v->name, pname);
        size_t clen = 0;
        uint8_t *cbytes = read_file(cpath, &clen);
        if (!cbytes) {
            fprintf(stderr, "FAIL %s: cannot read\n", cpath);
            ok = false;
        } else if (clen != out.len || memcmp(cbytes, out.data, clen) != 0) {
            fprintf(stderr, "FAIL %s: postern writes other bytes than C++\n", cpath);
            hex_diff(out.data, out.len, cbytes, clen);
            ok = false;
        }
        free(cbytes);
    }

    /* Python's frame, read */
    pst_arena arena;
    pst_arena_init(&arena, NULL, 0, 0);
    pst_wbuf inflated;
    pst_wbuf_init(&inflated, 0);
    pst_header_frame got;
    const uint8_t *payload = NULL;
    size_t plen = 0;
    pst_error rerr = { 0, "" };
    if (want_len < 4 ||
        pst_header_read(want + 4, want_len - 4, &cfg, &arena, &got, &inflated, &payload,
                        &plen, &rerr) < 0) {
        fprintf(stderr, "FAIL %s: read: %s\n", path, rerr.message);
        ok = false;
    } else {
        bool same = got.seqid == 7 && got.flags == 0 &&
                    got.protocol_id == f.protocol_id && got.ntransforms == f.ntransforms &&
                    (!v->zlib || got.transforms[0] == PST_HEADER_TRANSFORM_ZLIB) &&
                    got.nheaders == v->nheaders && plen == msg.len &&
                    memcmp(payload, msg.data, plen) == 0;
        for (uint32_t i = 0; same && i < got.nheaders; i++) {
            const pst_header_kv *a = &got.headers[i], *b = &v->headers[i];
            same = a->key.len == b->key.len && a->value.len == b->value.len &&
                   memcmp(a->key.ptr, b->key.ptr, a->key.len) == 0 &&
                   (b->value.len == 0 || memcmp(a->value.ptr, b->value.ptr, b->value.len) == 0);
        }
        if (!same) {
            fprintf(stderr, "FAIL %s: read back differs (seqid %d, protocol %d, "
                            "%u transforms, %u headers, payload %zu bytes)\n",
                    path, got.seqid, got.protocol_id, got.ntransforms, got.nheaders, plen);
            ok = false;
        }
    }
    if (ok)
        printf("ok   header_%s.%s (%zu bytes%s)\n", v->name, pname, want_len,
               cpp && v->cpp ? ", Python and C++" : ", Python");
    pst_wbuf_free(&inflated);
    pst_arena_release(&arena);
    pst_wbuf_free(&out);
    pst_wbuf_free(&msg);
    free(want);
    return ok;
}

int main(int argc, char **argv)
{
    bool cpp = argc == 3 && strcmp(argv[2], "--cpp") == 0;
    if (argc != 2 && !cpp) {
        fprintf(stderr, "usage: header_vectors DIR [--cpp]\n");
        return 2;
    }
    memset(long_value, 'v', 200);
    int failed = 0;
    for (size_t i = 0; i < COUNT(VARIANTS); i++) {
        failed += !check(&VARIANTS[i], "binary", &pst_protocol_binary, argv[1], cpp);
        failed += !check(&VARIANTS[i], "compact", &pst_protocol_compact, argv[1], cpp);
    }
    printf("%d of %zu header frames differ\n", failed, 2 * COUNT(VARIANTS));
    return failed ? 1 : 0;
}
