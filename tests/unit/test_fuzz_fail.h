/* test_fuzz_fail.h: how the deterministic fuzz tests count and show a
 * failed case: every failure counts, the first 20 are printed with the case
 * number (fuzz_case, which the test advances), so a run that goes wrong
 * everywhere stays readable. */
#ifndef POSTERN_TEST_FUZZ_FAIL_H
#define POSTERN_TEST_FUZZ_FAIL_H

#include <stdio.h>

static unsigned long fuzz_failures;
static unsigned long fuzz_case;

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        if (fuzz_failures++ < 20)                                              \
            fprintf(stderr, "case %lu: %s\n", fuzz_case, what);                \
    } while (0)

#endif
