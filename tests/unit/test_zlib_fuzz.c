/*
 * test_zlib_fuzz.c: the libFuzzer target's properties (tests/fuzz/
 * fuzz_zlib_target.h) over deterministic inputs: real compressed streams
 * (framed and unframed calls, several messages, a bomb) behind every
 * option byte, then mutations of them (tests/fuzz/fuzz_mutate.h), then
 * random bytes behind a zlib header. Fixed seed: a failure prints its case
 * number and reproduces. The outcome counts show the endings are reached.
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

static unsigned long closed_count, limit_count, protocol_count, other_count;
#define FUZZ_OUTCOME(rc)                                                       \
    do {                                                                       \
        if ((rc) == PST_E_CLOSED)                                              \
            closed_count++;                                                    \
        else if ((rc) == PST_E_LIMIT)                                          \
            limit_count++;                                                     \
        else if ((rc) == PST_E_PROTOCOL || (rc) == PST_E_BAD_TYPE)             \
            protocol_count++;                                                  \
        else                                                                   \
            other_count++;                                                     \
    } while (0)

#include "../fuzz/fuzz_zlib_target.h"
#include "../fuzz/fuzz_mutate.h"

#define CASE_MAX 4096
enum { NSEEDS = 4 };

static uint8_t input[CASE_MAX + 1];
static uint8_t seed_bytes[NSEEDS][CASE_MAX];
static fm_piece pieces[NSEEDS];

static void run_case(const uint8_t *bytes, size_t n, uint8_t sel)
{
    input[0] = sel;
    memcpy(input + 1, bytes, n);
    fuzz_zlib_one(input, n + 1);
    fuzz_case++;
}

/* Compress `plain` as one message of a TZlibTransport writer. */
static size_t seed(int i, const void *plain, size_t n)
{
    pst_zlib_deflater *d = pst_zlib_deflater_new(PST_ZLIB_LEVEL_DEFAULT);
    pst_wbuf w;
    pst_wbuf_init(&w, CASE_MAX);
    struct iovec v = { (void *)plain, n };
    pst_error err = { 0, "" };
    CHECK_EQ_INT(pst_zlib_deflate(d, &v, 1, &w, &err), 0);
    /* a second message on the same stream */
    CHECK_EQ_INT(pst_zlib_deflate(d, &v, 1, &w, &err), 0);
    pst_zlib_deflater_free(d);
    memcpy(seed_bytes[i], w.data, w.len);
    pieces[i] = (fm_piece){ seed_bytes[i], w.len };
    pst_wbuf_free(&w);
    return pieces[i].n;
}

static void test_seeds(void)
{
    static const uint8_t call[] = { 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 8, 't', 'e',
                                    's', 't', 'V', 'o', 'i', 'd', 0, 0, 0, 1, 0 };
    uint8_t framed[4 + sizeof call] = { 0, 0, 0, sizeof call };
    memcpy(framed + 4, call, sizeof call);
    seed(0, call, sizeof call);
    seed(1, framed, sizeof framed);
    static uint8_t big[20000];             /* a string of zeros: a bomb */
    memcpy(big, call, 16);
    big[16] = 0x0b, big[17] = 0, big[18] = 1, big[19] = 0, big[20] = 0;
    big[21] = 0x4e, big[22] = 0x20;
    seed(2, big, sizeof big);
    static const char text[] = "not thrift at all, just words words words";
    seed(3, text, sizeof text - 1);
    for (int i = 0; i < NSEEDS; i++)
        for (unsigned sel = 0; sel < 64; sel++)
            run_case(pieces[i].p, pieces[i].n, (uint8_t)sel);
    CHECK(closed_count > 0);
    CHECK(limit_count > 0);
}

static void test_mutations(void)
{
    static uint8_t buf[CASE_MAX];
    fm_seed(0x7a11b);
    for (int i = 0; i < 6000; i++) {
        const fm_piece *s = &pieces[fm_below(NSEEDS)];
        memcpy(buf, s->p, s->n);
        size_t n = fm_mutate(buf, s->n, sizeof buf, pieces, NSEEDS);
        run_case(buf, n, (uint8_t)fm_rnd());
    }
    CHECK(protocol_count > 0);
}

static void test_random(void)
{
    static uint8_t buf[512];
    fm_seed(0x2b1);
    for (int i = 0; i < 2000; i++) {
        size_t n = 2 + fm_below(sizeof buf - 2);
        buf[0] = 0x78;
        buf[1] = 0x9c;
        for (size_t k = 2; k < n; k++)
            buf[k] = (uint8_t)fm_rnd();
        run_case(buf, n, (uint8_t)fm_rnd());
    }
}

int main(void)
{
    RUN(test_seeds);
    RUN(test_mutations);
    RUN(test_random);
    fprintf(stderr, "%lu cases: closed %lu, limit %lu, protocol %lu, other %lu\n",
            fuzz_case, closed_count, limit_count, protocol_count, other_count);
    CHECK_EQ_INT(fuzz_failures, 0);
    return test_report();
}
