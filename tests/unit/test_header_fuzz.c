/*
 * test_header_fuzz.c: the libFuzzer target's properties (tests/fuzz/
 * fuzz_header_target.h) over deterministic inputs: real frames (binary
 * and compact inside, the zlib transform, info headers, a zlib bomb)
 * behind every limit byte, then mutations of them (tests/fuzz/
 * fuzz_mutate.h), then random bytes behind the magic. Fixed seed: a
 * failure prints its case number and reproduces.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"
#include "test_fuzz_driver.h" /* the loops */

static unsigned long ok_count, limit_count, protocol_count;
#define FUZZ_OUTCOME(rc)                                                       \
    do {                                                                       \
        if ((rc) == 0)                                                         \
            ok_count++;                                                        \
        else if ((rc) == PST_E_LIMIT)                                          \
            limit_count++;                                                     \
        else if ((rc) == PST_E_PROTOCOL)                                       \
            protocol_count++;                                                  \
    } while (0)

#include "../fuzz/fuzz_header_target.h"
#include "postern/zlib.h"

enum { NSEEDS = 5 };

static uint8_t seed_bytes[NSEEDS][FUZZ_CASE_MAX];
static fm_piece pieces[NSEEDS];

static void seed(int i, int32_t proto, bool zlib, const pst_header_kv *kv, uint32_t nkv,
                 const void *payload, size_t plen)
{
    pst_header_frame f = { 0x0102, 77, proto, { 0 }, 0, kv, nkv };
    if (zlib) {
        f.transforms[0] = PST_HEADER_TRANSFORM_ZLIB;
        f.ntransforms = 1;
    }
    pst_wbuf w;
    pst_wbuf_init(&w, FUZZ_CASE_MAX);
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_header_write(&w, &f, payload, plen, &err), 0);
    memcpy(seed_bytes[i], w.data + 4, w.len - 4); /* the body */
    pieces[i] = (fm_piece){ seed_bytes[i], w.len - 4 };
    pst_wbuf_free(&w);
}

static void test_seeds(void)
{
    static const uint8_t call[] = { 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 1, 'e', 0, 0, 0, 77, 0 };
    static const pst_header_kv kv[] = { { PST_STR("who"), PST_STR("alice") },
                                        { PST_STR(""), PST_STR("") },
                                        { PST_STR("trace"), PST_STR("0123456789") } };
    static uint8_t zeros[3000];
    seed(0, PST_HEADER_PROTOCOL_BINARY, false, NULL, 0, call, sizeof call);
    seed(1, PST_HEADER_PROTOCOL_COMPACT, true, NULL, 0, "\x82\x21\x4d\x01\x65\x00", 6);
    seed(2, PST_HEADER_PROTOCOL_BINARY, false, kv, 3, call, sizeof call);
    seed(3, PST_HEADER_PROTOCOL_BINARY, true, kv, 1, call, sizeof call);
    seed(4, PST_HEADER_PROTOCOL_BINARY, true, NULL, 0, zeros, sizeof zeros); /* bomb */
    fuzz_run_seeds(fuzz_header_one, pieces, NSEEDS, 8);
    CHECK(ok_count > 0);
    CHECK(limit_count > 0);
}

static void test_mutations(void)
{
    fuzz_run_mutations(fuzz_header_one, 0x4eade7, 20000, pieces, NSEEDS);
    CHECK(protocol_count > 0);
}

/* The magic, a zero header-length high byte and a transform count below 8
 * over random bytes: deeper into the frame than random bytes alone go. */
static void header_shape(uint8_t *buf, size_t n)
{
    (void)n; /* at least 10 */
    buf[0] = 0x0f;
    buf[1] = 0xff;
    buf[8] = 0;
    buf[9] = (uint8_t)fm_below(8);
}

static void test_random(void)
{
    fuzz_run_random(fuzz_header_one, 0x0fff, 5000, 256, 10, 0, header_shape);
}

int main(void)
{
    RUN(test_seeds);
    RUN(test_mutations);
    RUN(test_random);
    fprintf(stderr, "%lu cases: read %lu, limit %lu, protocol %lu\n", fuzz_case,
            ok_count, limit_count, protocol_count);
    CHECK_EQ_INT(fuzz_failures, 0);
    return test_report();
}
