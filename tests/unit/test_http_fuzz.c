/*
 * test_http_fuzz.c: the libFuzzer target's properties (tests/fuzz/
 * fuzz_http_target.h) over deterministic inputs: the seeds of
 * fuzz_http_seeds.h behind every option byte, then mutations of them
 * (tests/fuzz/fuzz_mutate.h), then random bytes salted with HTTP
 * punctuation. Fixed seed: a failure prints its case number and
 * reproduces. The outcome counts show every status is reached.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#include "test_fuzz_fail.h"

/* [step][status / 100 or the exact one]: how the inputs ended */
static unsigned long done_count, more_count, status_count[600];
#define FUZZ_OUTCOME(step, status)                                             \
    do {                                                                       \
        if ((step) == PST_HTTP_DONE)                                           \
            done_count++;                                                      \
        else if ((step) == PST_HTTP_MORE)                                      \
            more_count++;                                                      \
        else if ((status) >= 0 && (status) < 600)                              \
            status_count[(status)]++;                                          \
    } while (0)

#include "../fuzz/fuzz_http_target.h"
#include "../fuzz/fuzz_http_seeds.h"
#include "../fuzz/fuzz_mutate.h"

#define NSEEDS (sizeof fh_seeds / sizeof fh_seeds[0])
#define CASE_MAX 2048

static uint8_t input[CASE_MAX + 1];
static fm_piece pieces[NSEEDS];

static void run_case(const uint8_t *bytes, size_t n, uint8_t sel)
{
    input[0] = sel;
    memcpy(input + 1, bytes, n);
    fuzz_http_one(input, n + 1);
    fuzz_case++;
}

static void test_seeds(void)
{
    for (size_t i = 0; i < NSEEDS; i++) {
        pieces[i] = (fm_piece){ (const uint8_t *)fh_seeds[i], strlen(fh_seeds[i]) };
        for (unsigned sel = 0; sel < 16; sel++)
            run_case(pieces[i].p, pieces[i].n, (uint8_t)sel);
    }
    CHECK(done_count > NSEEDS * 8);
    CHECK_EQ_INT(fuzz_failures, 0);
}

static void test_mutations(void)
{
    static uint8_t b[CASE_MAX];
    fm_seed(0x5eed4877);
    for (int i = 0; i < 200000; i++) {
        const fm_piece *s = &pieces[fm_below(NSEEDS)];
        memcpy(b, s->p, s->n);
        size_t n = fm_mutate(b, s->n, sizeof b, pieces, NSEEDS);
        /* a second seed after it now and then: pipelining */
        if (fm_below(4) == 0) {
            const fm_piece *t = &pieces[fm_below(NSEEDS)];
            if (n + t->n <= sizeof b) {
                memcpy(b + n, t->p, t->n);
                n += t->n;
            }
        }
        run_case(b, n, (uint8_t)fm_rnd());
    }
    CHECK_EQ_INT(fuzz_failures, 0);
}

static void test_random(void)
{
    static const char alphabet[] = "GET /HTTP1.0\r\n\r\n: ,;\t\x01\x7f\x80"
                                   "chunkedContent-LengthTransfer-Encoding0123456789";
    static uint8_t b[512];
    fm_seed(0x5eed4878);
    for (int i = 0; i < 50000; i++) {
        size_t n = fm_below(sizeof b);
        for (size_t k = 0; k < n; k++)
            b[k] = fm_below(3) ? (uint8_t)alphabet[fm_below(sizeof alphabet - 1)]
                               : (uint8_t)fm_rnd();
        run_case(b, n, (uint8_t)fm_rnd());
    }
    CHECK_EQ_INT(fuzz_failures, 0);
}

int main(void)
{
    RUN(test_seeds);
    RUN(test_mutations);
    RUN(test_random);
    fprintf(stderr, "%lu cases: %lu done, %lu need more; 400: %lu, 413: %lu, "
                    "414: %lu, 431: %lu, 501: %lu, 505: %lu\n",
            fuzz_case, done_count, more_count, status_count[400], status_count[413],
            status_count[414], status_count[431], status_count[501],
            status_count[505]);
    /* the inputs reach every outcome */
    CHECK(done_count > 10000);
    CHECK(more_count > 1000);
    static const int statuses[] = { 400, 413, 414, 431, 501, 505 };
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        CHECK(status_count[statuses[i]] > 10);
    return test_report();
}
