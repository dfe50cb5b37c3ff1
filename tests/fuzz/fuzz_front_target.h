/*
 * fuzz_front_target.h: the property of the HTTP front door, shared by the
 * libFuzzer target (fuzz_front.c) and its deterministic run in make test
 * (tests/unit/test_front_fuzz.c).
 *
 * The input is a connection's bytes; its first byte picks how they arrive
 * (whole, or in pieces of 1..16 bytes). They are fed to pst__front_feed as
 * a server model does: unconsumed bytes kept, output sent (dropped here),
 * until the door says close or upgrade or the bytes run out. Properties:
 * no crash or sanitizer report, consumed never past what was given, output
 * bounded by the budget plus one response, progress (a feed that consumes
 * nothing and answers nothing is followed by more bytes, never repeated on
 * the same bytes), and the same outcome whether bytes come whole or in
 * pieces for inputs that hold no 100-continue requests.
 *
 * The server is a ThriftTest echo service (thrifttest_echo.h) that is never
 * run: only its options, processor and metrics are used.
 */
#ifndef FUZZ_FRONT_TARGET_H
#define FUZZ_FRONT_TARGET_H

#include <stdlib.h>
#include <string.h>

#include "server/front.h"
#include "thrifttest_echo.h"

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(what) abort()
#endif

enum { FF_BUDGET = 64 * 1024, FF_MAX_ONE = 4 * 1024 * 1024 };

static pst_server *ff_server(void)
{
    static pst_server *s;
    if (!s) {
        pst_server_options o = PST_SERVER_OPTIONS_INIT;
        o.log_level = PST_LOG_ERROR;
        o.log = NULL;
        o.codec.max_message = 1 << 20;
        o.cors_origins = "https://allowed.example";
        pst_error err = { 0, "" };
        s = pst_server_new(&tt_echo_processor, &o, &err);
        if (!s)
            abort();
    }
    return s;
}

typedef struct ff_result {
    int next;            /* how the conversation ended: pst__front_next, or
                            -1 when the bytes ran out first */
    size_t consumed;     /* bytes the door took in all */
    size_t out;          /* bytes it answered */
} ff_result;

static void ff_run(const uint8_t *data, size_t size, size_t piece, ff_result *res)
{
    pst_server *s = ff_server();
    static pst__front_scratch sc;
    pst__front_conn fc;
    pst__front_conn_init(&fc);
    _Alignas(16) static uint8_t block[8192];
    pst_arena arena;
    pst_arena_init(&arena, block, sizeof block, 1 << 22);
    pst_wbuf out;
    pst_wbuf_init(&out, FF_MAX_ONE);
    uint8_t *buf = malloc(size ? size : 1);
    size_t len = 0, given = 0;
    res->next = -1;
    res->consumed = res->out = 0;
    while (given < size || len > 0) {
        size_t add = piece ? piece : size;
        if (add > size - given)
            add = size - given;
        memcpy(buf + len, data + given, add);
        len += add;
        given += add;
        size_t consumed = 0;
        out.len = 0;
        out.err = 0;
        pst__front_next next = pst__front_feed(s, &fc, &sc, buf, len, &consumed, &out,
                                               FF_BUDGET, &arena, "fuzz", -1);
        if (consumed > len)
            FUZZ_FAIL("consumed more than it was given");
        if (out.len > FF_BUDGET + FF_MAX_ONE)
            FUZZ_FAIL("output past the budget");
        res->consumed += consumed;
        res->out += out.len;
        memmove(buf, buf + consumed, len - consumed);
        len -= consumed;
        if (next != PST__FRONT_MORE) {
            res->next = (int)next;
            break;
        }
        if (consumed == 0 && add == 0)
            break; /* nothing more to give: the rest is an incomplete request */
    }
    pst_wbuf_free(&out);
    pst_arena_release(&arena);
    free(buf);
}

static void fuzz_front_one(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    size_t piece = data[0] & 0x80 ? 1 + (data[0] & 15) : 0;
    ff_result a;
    ff_run(data + 1, size - 1, piece, &a);
    if (piece && !memmem(data + 1, size - 1, "100-continue", 12) &&
        !memmem(data + 1, size - 1, "CONNECT", 7)) {
        ff_result b;
        ff_run(data + 1, size - 1, 0, &b);
        /* whole or in pieces: the same requests are answered */
        if (a.next != b.next || a.consumed != b.consumed)
            FUZZ_FAIL("pieces and whole input disagree");
    }
}

#endif
