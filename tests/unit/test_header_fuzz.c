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

static unsigned long fuzz_failures;
static unsigned long fuzz_case;

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        if (fuzz_failures++ < 20)                                              \
            fprintf(stderr, "case %lu: %s\n", fuzz_case, what);                \
    } while (0)

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
#include "../fuzz/fuzz_mutate.h"
#include "postern/zlib.h"

#define CASE_MAX 4096
enum { NSEEDS = 5 };

static uint8_t input[CASE_MAX + 1];
static uint8_t seed_bytes[NSEEDS][CASE_MAX];
static fm_piece pieces[NSEEDS];

static void run_case(const uint8_t *bytes, size_t n, uint8_t sel)
{
    input[0] = sel;
    memcpy(input + 1, bytes, n);
    fuzz_header_one(input, n + 1);
    fuzz_case++;
}

static void seed(int i, int32_t proto, bool zlib, const pst_header_kv *kv, uint32_t nkv,
                 const void *payload, size_t plen)
{
    pst_header_frame f = { 0x0102, 77, proto, { 0 }, 0, kv, nkv };
    if (zlib) {
        f.transforms[0] = PST_HEADER_TRANSFORM_ZLIB;
        f.ntransforms = 1;
    }
    pst_wbuf w;
    pst_wbuf_init(&w, CASE_MAX);
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
    for (int i = 0; i < NSEEDS; i++)
        for (unsigned sel = 0; sel < 8; sel++)
            run_case(pieces[i].p, pieces[i].n, (uint8_t)sel);
    CHECK(ok_count > 0);
    CHECK(limit_count > 0);
}

static void test_mutations(void)
{
    static uint8_t buf[CASE_MAX];
    fm_seed(0x4eade7);
    for (int i = 0; i < 20000; i++) {
        const fm_piece *s = &pieces[fm_below(NSEEDS)];
        memcpy(buf, s->p, s->n);
        size_t n = fm_mutate(buf, s->n, sizeof buf, pieces, NSEEDS);
        run_case(buf, n, (uint8_t)fm_rnd());
    }
    CHECK(protocol_count > 0);
}

static void test_random(void)
{
    static uint8_t buf[256];
    fm_seed(0x0fff);
    for (int i = 0; i < 5000; i++) {
        size_t n = 10 + fm_below(sizeof buf - 10);
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)fm_rnd();
        buf[0] = 0x0f;
        buf[1] = 0xff;
        buf[8] = 0;
        buf[9] = (uint8_t)fm_below(8);
        run_case(buf, n, (uint8_t)fm_rnd());
    }
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
