/*
 * fuzz_json_target.h: one fuzz input through the JSON decoder, encoder
 * and envelope reader, with properties that must hold whatever the bytes:
 *
 *   - no crash, no read outside the input, no unbounded allocation (the
 *     arena is limited; a sanitizer build catches the rest);
 *   - every failure has a message whose status agrees, and a failed
 *     read_struct leaves the reader where it was;
 *   - read_struct succeeds => pst_json_skip accepts the same bytes and
 *     ends at the same place (the decoder accepts only JSON);
 *   - pst_json_skip fails => read_struct fails too;
 *   - a decoded value encodes; the encoding is one JSON value that skip
 *     accepts whole, is valid UTF-8, decodes, and encoding is a fixed
 *     point: encode(decode(encode(v))) == encode(v);
 *   - reader mode walks the input as a JSON-RPC request (object members,
 *     params as an array of one struct, other values skipped) and agrees
 *     with skip on whether the document is well formed when no struct
 *     decoding failed.
 *
 * The first byte selects: bits 0-2 the descriptor (% 5: Everything, Node,
 * Choice, Req, Deep of test_codec_types.h), 0x08 reader mode, 0x10
 * max_depth 8, 0x20 max_message = half the input, 0x40 the arena limited
 * to 4 KiB. The includer defines FUZZ_FAIL(what).
 */
#ifndef FUZZ_JSON_TARGET_H
#define FUZZ_JSON_TARGET_H

#include <stdlib.h>

#include "../unit/test_codec_types.h"
#include "json/json_internal.h"
#include "postern/json.h"

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_json_target.h"
#endif
#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(mode, rc) ((void)(mode), (void)(rc))
#endif

static const pst_struct_desc *const fj_descs[] = {
    &T_Everything_desc, &T_Node_desc, &T_Choice_desc, &T_Req_desc, &T_Deep_desc,
};

#define FJ_VALUE_SIZE ((sizeof(T_Everything) + 64 + 15) & ~(size_t)15)
static _Alignas(16) uint8_t fj_value[2][FJ_VALUE_SIZE];

static void fj_check_error(int rc, const pst_error *err, const char *what)
{
    if (rc < 0 && (err->code != rc || err->message[0] == '\0'))
        FUZZ_FAIL(what);
}

/* Encode v; the properties of a good encoding; returns the wbuf (caller
 * frees) or one with len 0 and err set. */
static void fj_encode(const pst_struct_desc *d, const void *v, pst_wbuf *w)
{
    pst_codec_config big = PST_CODEC_CONFIG_INIT;
    big.max_depth = 1000;
    pst_wbuf_init(w, 0);
    pst_error err = { 0, "" };
    int rc = pst_json_write_struct(w, d, v, &big, &err);
    if (rc != 0) {
        FUZZ_FAIL("a decoded value does not encode");
        return;
    }
    pst_json_reader r;
    pst_json_reader_init(&r, w->data, w->len, NULL, &big, NULL);
    if (pst_json_skip(&r, NULL) != 0 || pst_json_read_end(&r) != 0)
        FUZZ_FAIL("the encoding is not one JSON value");
    if (!pst__utf8_valid(w->data, w->len))
        FUZZ_FAIL("the encoding is not valid UTF-8");
}

static void fj_struct(const pst_struct_desc *d, const char *doc, size_t n,
                      const pst_codec_config *cfg, pst_arena *a)
{
    pst_error err = { 0, "" };
    pst_json_reader r;
    pst_json_reader_init(&r, doc, n, a, cfg, &err);
    int rc = pst_json_read_struct(&r, d, fj_value[0]);
    FUZZ_OUTCOME(0, rc);
    fj_check_error(rc, &err, "read_struct failed without a message");
    pst_json_reader s;
    pst_json_reader_init(&s, doc, n, NULL, cfg, NULL);
    int src = pst_json_skip(&s, NULL);
    if (rc != 0) {
        if (r.p != doc)
            FUZZ_FAIL("a failed read_struct moved the reader");
        return;
    }
    if (src != 0 || s.p != r.p)
        FUZZ_FAIL("skip disagrees with read_struct");
    pst_wbuf w1, w2;
    fj_encode(d, fj_value[0], &w1);
    if (w1.err == 0) {
        pst_codec_config big = PST_CODEC_CONFIG_INIT;
        big.max_depth = 1000;
        pst_error err2 = { 0, "" };
        /* its own arena: the input's may be limited and partly used */
        pst_arena a2;
        pst_arena_init(&a2, NULL, 0, 1u << 24);
        if (pst_json_decode_struct(w1.data, w1.len, d, fj_value[1], &a2, &big,
                                   &err2) != 0) {
            FUZZ_FAIL("the encoding does not decode");
        } else {
            fj_encode(d, fj_value[1], &w2);
            if (w2.len != w1.len || memcmp(w1.data, w2.data, w1.len) != 0)
                FUZZ_FAIL("encoding is not a fixed point");
            pst_wbuf_free(&w2);
        }
        pst_arena_release(&a2);
    }
    pst_wbuf_free(&w1);
}

/* The input as a JSON-RPC request. */
static void fj_envelope(const pst_struct_desc *d, const char *doc, size_t n,
                        const pst_codec_config *cfg, pst_arena *a)
{
    pst_error err = { 0, "" };
    pst_json_reader r;
    pst_json_reader_init(&r, doc, n, a, cfg, &err);
    pst_json_iter it;
    int rc = pst_json_object_begin(&r, &it);
    bool struct_failed = false;
    pst_str name;
    while (rc == 0 && (rc = pst_json_object_next(&r, &it, &name)) == 1) {
        if (name.len == 6 && memcmp(name.ptr, "params", 6) == 0) {
            const char *at = r.p;
            rc = pst_json_read_struct_in_array(&r, d, fj_value[0]);
            if (rc != 0) {
                if (r.p != at)
                    FUZZ_FAIL("a failed read_struct_in_array moved the reader");
                struct_failed = true;
            }
        } else if (name.len == 6 && memcmp(name.ptr, "method", 6) == 0 &&
                   (r.p < r.end && *r.p == '"')) {
            pst_str s;
            rc = pst_json_read_string(&r, &s);
            if (rc == 0 && !pst__utf8_valid((const uint8_t *)s.ptr, s.len))
                FUZZ_FAIL("read_string gave invalid UTF-8");
        } else {
            pst_str span;
            const char *at = pst__json_ws(r.p, r.end);
            rc = pst_json_skip(&r, &span);
            if (rc == 0 && (span.ptr != at || span.ptr + span.len != r.p))
                FUZZ_FAIL("skip's span is not what it passed");
        }
        if (rc > 0)
            rc = 0;
    }
    if (rc == 0)
        rc = pst_json_read_end(&r);
    FUZZ_OUTCOME(1, rc);
    fj_check_error(rc, &err, "the envelope reader failed without a message");
    if (!struct_failed) {
        /* well formed by the reader <=> well formed by skip (+ an object) */
        pst_json_reader s;
        pst_json_reader_init(&s, doc, n, NULL, cfg, NULL);
        int src = pst_json_skip(&s, NULL);
        if (src == 0)
            src = pst_json_read_end(&s);
        const char *first = pst__json_ws(doc, doc + n);
        bool object = first < doc + n && *first == '{';
        if ((rc == 0) != (src == 0 && object) && rc != PST_E_LIMIT &&
            src != PST_E_LIMIT &&
            rc != PST_E_NOMEM && rc != PST_E_INVALID)
            FUZZ_FAIL("the envelope reader and skip disagree");
    }
}

static void fuzz_json_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    unsigned sel = data[0];
    size_t n = size - 1;
    /* an exactly sized copy, so overreads are caught */
    char *doc = malloc(n ? n : 1);
    if (n)
        memcpy(doc, data + 1, n);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    if (sel & 0x10)
        cfg.max_depth = 8;
    if (sel & 0x20)
        cfg.max_message = n / 2 + 1;
    pst_arena a;
    pst_arena_init(&a, NULL, 0, (sel & 0x40) ? 4096 : 1u << 22);
    const pst_struct_desc *d = fj_descs[(sel & 7) % COUNT(fj_descs)];
    if (sel & 0x08)
        fj_envelope(d, doc, n, &cfg, &a);
    else
        fj_struct(d, doc, n, &cfg, &a);
    pst_arena_release(&a);
    free(doc);
}

#endif
