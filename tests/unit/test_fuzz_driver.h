/*
 * test_fuzz_driver.h: the loops the deterministic fuzz tests of a byte
 * stream reader share (test_header_fuzz.c, test_zlib_fuzz.c; the text
 * protocols' test_protocol_text_fuzz.h takes its failure count): each case is
 * a selector byte, then the input, given to the libFuzzer target's
 * one-input function; the cases are the seeds behind every selector,
 * fuzz_mutate.h's mutations of them, and random bytes shaped by the test.
 * Fixed seeds: a failure prints its case number and reproduces.
 *
 * Include after test.h and before the target header (tests/fuzz/
 * fuzz_*_target.h): this defines the FUZZ_FAIL it needs; the test may
 * define FUZZ_OUTCOME first.
 */
#ifndef TEST_FUZZ_DRIVER_H
#define TEST_FUZZ_DRIVER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../fuzz/fuzz_mutate.h"

#include "test_fuzz_fail.h"

#define FUZZ_CASE_MAX 4096

/* The target's one-input function: selector byte, then the input. */
typedef void (*fuzz_one_fn)(const uint8_t *data, size_t size);

static inline void fuzz_run_case(fuzz_one_fn one, const uint8_t *bytes,
                                 size_t n, uint8_t sel)
{
    static uint8_t input[FUZZ_CASE_MAX + 1];
    input[0] = sel;
    memcpy(input + 1, bytes, n);
    one(input, n + 1);
    fuzz_case++;
}

/* Every seed behind every selector below nsel. */
static inline void fuzz_run_seeds(fuzz_one_fn one, const fm_piece *seeds,
                                  size_t nseeds, unsigned nsel)
{
    for (size_t i = 0; i < nseeds; i++)
        for (unsigned sel = 0; sel < nsel; sel++)
            fuzz_run_case(one, seeds[i].p, seeds[i].n, (uint8_t)sel);
}

/* `count` mutations of random seeds, each behind a random selector. */
static inline void fuzz_run_mutations(fuzz_one_fn one, uint64_t rng_seed,
                                      int count, const fm_piece *seeds,
                                      size_t nseeds)
{
    static uint8_t buf[FUZZ_CASE_MAX];
    fm_seed(rng_seed);
    for (int i = 0; i < count; i++) {
        const fm_piece *s = &seeds[fm_below(nseeds)];
        memcpy(buf, s->p, s->n);
        size_t n = fm_mutate(buf, s->n, sizeof buf, seeds, nseeds);
        fuzz_run_case(one, buf, n, (uint8_t)fm_rnd());
    }
}

/* `count` inputs of min_len to cap - 1 bytes, random from byte fill_from
 * on, then given their fixed bytes by shape (a magic number, say), each
 * behind a random selector. cap is at most FUZZ_CASE_MAX. */
static inline void fuzz_run_random(fuzz_one_fn one, uint64_t rng_seed, int count,
                                   size_t cap, size_t min_len, size_t fill_from,
                                   void (*shape)(uint8_t *buf, size_t n))
{
    static uint8_t buf[FUZZ_CASE_MAX];
    if (cap > sizeof buf)
        cap = sizeof buf;
    fm_seed(rng_seed);
    for (int i = 0; i < count; i++) {
        size_t n = min_len + fm_below(cap - min_len);
        for (size_t k = fill_from; k < n; k++)
            buf[k] = (uint8_t)fm_rnd();
        shape(buf, n);
        fuzz_run_case(one, buf, n, (uint8_t)fm_rnd());
    }
}

#endif
