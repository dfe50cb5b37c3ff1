/*
 * fuzz_decode_target.h: one fuzz input through every decoding entry point of
 * both protocols, with properties that must hold whatever the bytes:
 *
 *   - no crash, no read outside the input, no unbounded allocation (the
 *     arena is limited; a sanitizer build catches the rest);
 *   - read_struct succeeds => skip_struct succeeds over the same bytes;
 *   - a decoded value re-encodes, and encoding is a fixed point:
 *     encode(decode(encode(decode(x)))) == encode(decode(x));
 *   - message_length succeeds with L => read_message_begin + skip_struct
 *     consume exactly L, and every shorter prefix is PST_E_SHORT or an error
 *     (never success);
 *   - every failure comes with a message.
 *
 * The includer defines FUZZ_FAIL(what) (abort for libFuzzer, count for the
 * deterministic unit test), and may define FUZZ_DECODE_PROTOCOL to fuzz one
 * protocol only (the JSON target does); otherwise the selector byte picks
 * binary or compact.
 */
#ifndef FUZZ_DECODE_TARGET_H
#define FUZZ_DECODE_TARGET_H

#include <stdlib.h>

#include "../unit/test_codec_types.h"

#define PST_CODEC_CONFIG_INIT_MAX_MESSAGE 104857600u
#ifndef FUZZ_DETAIL
#define FUZZ_DETAIL(msg) ((void)(msg))
#endif

#ifndef FUZZ_OUTCOME
#define FUZZ_OUTCOME(is_message, rc) ((void)(is_message), (void)(rc))
#endif

#ifndef FUZZ_FAIL
#error "define FUZZ_FAIL(what) before including fuzz_decode_target.h"
#endif

static const pst_struct_desc *const fuzz_descs[] = {
    &T_Everything_desc, &T_Node_desc, &T_Choice_desc, &T_Req_desc, &T_Deep_desc,
};

#define FUZZ_VALUE_SIZE ((sizeof(T_Everything) + 64 + 15) & ~(size_t)15)
static _Alignas(16) uint8_t fuzz_value[2][FUZZ_VALUE_SIZE];

static void fuzz_struct(const pst_protocol *p, const pst_struct_desc *d,
                        const uint8_t *data, size_t n,
                        const pst_codec_config *cfg)
{
    pst_arena a;
    pst_arena_init(&a, NULL, 0, 1u << 22);
    pst_error err = { 0, "" };
    pst_rbuf r;
    pst_rbuf_init(&r, data, n, &err);
    int rc = p->read_struct(&r, d, fuzz_value[0], &a, cfg);
    FUZZ_OUTCOME(0, rc);
    if (rc != 0) {
        if (err.code != rc || err.message[0] == '\0')
            FUZZ_FAIL("read_struct failed without a message");
        if (r.p != data)
            FUZZ_FAIL("failed read_struct moved the read position");
    } else {
        size_t used = (size_t)(r.p - data);
        pst_rbuf_init(&r, data, n, NULL);
        if (p->skip_struct(&r, cfg) != 0 || (size_t)(r.p - data) != used)
            FUZZ_FAIL("skip_struct disagrees with read_struct");
        pst_wbuf w1, w2;
        pst_wbuf_init(&w1, 0);
        pst_wbuf_init(&w2, 0);
        /* absent default fields are written (inline structs too): the
         * encoding may be larger and deeper than the input */
        pst_codec_config big = *cfg;
        big.max_message = PST_CODEC_CONFIG_INIT_MAX_MESSAGE;
        big.max_depth = 1000;
        if (p->write_struct(&w1, d, fuzz_value[0], &big) != 0)
            FUZZ_FAIL("decoded value does not encode");
        pst_error err2 = { 0, "" };
        pst_rbuf_init(&r, w1.data, w1.len, &err2);
        if (p->read_struct(&r, d, fuzz_value[1], &a, &big) != 0 ||
            r.p != w1.data + w1.len) {
            FUZZ_FAIL("re-encoded value does not decode");
            FUZZ_DETAIL(err2.message);
        } else if (p->write_struct(&w2, d, fuzz_value[1], &big) != 0 ||
                 w1.len != w2.len || memcmp(w1.data, w2.data, w1.len) != 0)
            FUZZ_FAIL("encoding is not a fixed point");
        pst_wbuf_free(&w1);
        pst_wbuf_free(&w2);
    }
    pst_arena_release(&a);
}

static void fuzz_message(const pst_protocol *p, const uint8_t *data, size_t n,
                         const pst_codec_config *cfg)
{
    size_t len = 0;
    pst_error err = { 0, "" };
    int rc = p->message_length(data, n, cfg, &len, &err);
    FUZZ_OUTCOME(1, rc);
    if (rc != 0) {
        if (err.code != rc || err.message[0] == '\0')
            FUZZ_FAIL("message_length failed without a message");
        return;
    }
    if (len > n)
        FUZZ_FAIL("message_length beyond the input");
    pst_rbuf r;
    pst_msg_header h;
    pst_rbuf_init(&r, data, n, NULL);
    if (p->read_message_begin(&r, &h, cfg) != 0 || p->skip_struct(&r, cfg) != 0 ||
        pst_protocol_read_message_end(p, &r, cfg) != 0 ||
        (size_t)(r.p - data) != len)
        FUZZ_FAIL("message_length disagrees with header + skip");
    /* a few shorter prefixes: never a success */
    for (size_t k = len; k-- > 0 && len - k <= 4;) {
        size_t l2;
        if (p->message_length(data, k, cfg, &l2, NULL) == 0)
            FUZZ_FAIL("message_length succeeded on a prefix");
    }
}

/* The first byte picks the descriptor and the limits; the rest is input
 * (copied to an exactly sized block so overreads are caught). */
static void fuzz_decode_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    unsigned sel = data[0];
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    uint8_t *copy = malloc(n ? n : 1);
    if (n)
        memcpy(copy, in, n);
    pst_codec_config cfg = PST_CODEC_CONFIG_INIT;
    if (sel & 0x80)
        cfg.max_depth = 8;
    if (sel & 0x40)
        cfg.max_message = n / 2 + 1;
    cfg.strict_read = (sel & 0x20) != 0;
    const pst_struct_desc *d = fuzz_descs[(sel & 7) % COUNT(fuzz_descs)];
#ifdef FUZZ_DECODE_PROTOCOL
    const pst_protocol *p = FUZZ_DECODE_PROTOCOL;
#else
    const pst_protocol *p = (sel & 8) ? &pst_protocol_compact : &pst_protocol_binary;
#endif
    if (sel & 0x10) {
        fuzz_message(p, copy, n, &cfg);
    } else {
        fuzz_struct(p, d, copy, n, &cfg);
    }
    free(copy);
}

#endif
