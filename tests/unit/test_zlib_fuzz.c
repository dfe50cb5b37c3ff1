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
#include "test_fuzz_driver.h" /* the loops */

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

enum { NSEEDS = 4 };

static uint8_t seed_bytes[NSEEDS][FUZZ_CASE_MAX];
static fm_piece pieces[NSEEDS];

/* Compress `plain` as one message of a TZlibTransport writer. */
static size_t seed(int i, const void *plain, size_t n)
{
    pst_zlib_deflater *d = pst_zlib_deflater_new(PST_ZLIB_LEVEL_DEFAULT);
    pst_wbuf w;
    pst_wbuf_init(&w, FUZZ_CASE_MAX);
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
    fuzz_run_seeds(fuzz_zlib_one, pieces, NSEEDS, 64);
    CHECK(closed_count > 0);
    CHECK(limit_count > 0);
}

static void test_mutations(void)
{
    fuzz_run_mutations(fuzz_zlib_one, 0x7a11b, 6000, pieces, NSEEDS);
    CHECK(protocol_count > 0);
}

/* A zlib header (default compression) before the random bytes. */
static void zlib_shape(uint8_t *buf, size_t n)
{
    (void)n; /* at least 2 */
    buf[0] = 0x78;
    buf[1] = 0x9c;
}

static void test_random(void)
{
    fuzz_run_random(fuzz_zlib_one, 0x2b1, 2000, 512, 2, 2, zlib_shape);
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
