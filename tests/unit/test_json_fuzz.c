/*
 * test_json_fuzz.c: the JSON fuzz target's properties (tests/fuzz/
 * fuzz_json_target.h) over ~100k deterministic inputs: the seed documents
 * under every selector, mutations of them (bytes flipped, inserted,
 * deleted, repeated, truncated, spliced, JSON punctuation dropped in) and
 * plain random bytes. Fixed seed: a failing case number reproduces.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#include "test_fuzz_fail.h"

static unsigned long outcomes[2][32]; /* [envelope?][-rc - 1000 or 0] */
#define FUZZ_OUTCOME(m, rc) (outcomes[m][(rc) == 0 ? 0 : (-(rc)-1000) & 31]++)

#include "../fuzz/fuzz_json_seeds.h"
#include "../fuzz/fuzz_json_target.h"
#include "../fuzz/fuzz_mutate.h"

#define MAX_INPUT 4096

/* JSON's own punctuation and words, which byte-level mutations rarely
 * make. */
static const char *const tokens[] = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00",
    "null", "true", "false", "-", "0", "1e999", "9223372036854775808",
    "-9223372036854775809", ".5", "\"NaN\"", "\"\\u0000\"", "\xff", "\xc3",
    "\xed\xa0\x80", "{\"d\":", "[[[[", "\"x\":", "1.0", "\"AA==\"",
};

static size_t add_token(uint8_t *b, size_t n, size_t cap)
{
    const char *t = tokens[fm_below(COUNT(tokens))];
    size_t k = strlen(t);
    if (n + k > cap)
        return n;
    size_t at = 1 + fm_below(n);
    if (at > n)
        at = n;
    memmove(b + at + k, b + at, n - at);
    memcpy(b + at, t, k);
    return n + k;
}

static void test_json_fuzz_cases(void)
{
    static uint8_t buf[MAX_INPUT + 64];
    size_t nseeds = COUNT(fuzz_json_seeds);
    fm_piece pieces[COUNT(fuzz_json_seeds)];
    for (size_t i = 0; i < nseeds; i++) {
        pieces[i].p = (const uint8_t *)fuzz_json_seeds[i].doc;
        pieces[i].n = strlen(fuzz_json_seeds[i].doc);
    }
    fm_seed(0x6a736f6e); /* "json" */
    /* the seeds under every selector */
    for (size_t i = 0; i < nseeds; i++) {
        for (unsigned sel = 0; sel < 128; sel++, fuzz_case++) {
            buf[0] = (uint8_t)sel;
            memcpy(buf + 1, pieces[i].p, pieces[i].n);
            fuzz_json_one(buf, pieces[i].n + 1);
        }
    }
    /* mutations */
    for (int i = 0; i < 90000; i++, fuzz_case++) {
        size_t s = fm_below(nseeds);
        buf[0] = fuzz_json_seeds[s].sel;
        if (fm_below(4) == 0)
            buf[0] ^= (uint8_t)(fm_rnd() & 0x70);
        memcpy(buf + 1, pieces[s].p, pieces[s].n);
        size_t n = pieces[s].n;
        if (fm_below(2))
            n = add_token(buf + 1, n, MAX_INPUT);
        n = fm_mutate(buf + 1, n, MAX_INPUT, pieces, nseeds);
        if (fm_below(3) == 0)
            n = add_token(buf + 1, n, MAX_INPUT);
        fuzz_json_one(buf, n + 1);
    }
    /* random bytes */
    for (int i = 0; i < 10000; i++, fuzz_case++) {
        size_t n = 1 + fm_below(64);
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)fm_rnd();
        fuzz_json_one(buf, n);
    }
    CHECK_EQ_INT(fuzz_failures, 0);
    fprintf(stderr, "%lu cases\n", fuzz_case);
    for (int m = 0; m < 2; m++) {
        fprintf(stderr, "  %s:", m ? "envelope" : "read_struct");
        for (int k = 0; k < 32; k++)
            if (outcomes[m][k])
                fprintf(stderr, " %s=%lu", k ? pst_strerror_name(-1000 - k) : "ok",
                        outcomes[m][k]);
        fprintf(stderr, "\n");
    }
    /* the mutations reach success and every kind of failure */
    CHECK(outcomes[0][0] > 1000 && outcomes[1][0] > 500);
    CHECK(outcomes[0][-PST_E_SYNTAX - 1000] > 1000);
    CHECK(outcomes[0][-PST_E_BAD_TYPE - 1000] > 100);
    CHECK(outcomes[0][-PST_E_PROTOCOL - 1000] > 1000);
    CHECK(outcomes[0][-PST_E_LIMIT - 1000] > 100);
    CHECK(outcomes[0][-PST_E_MISSING_FIELD - 1000] > 10);
}

int main(void)
{
    RUN(test_json_fuzz_cases);
    return test_report();
}
