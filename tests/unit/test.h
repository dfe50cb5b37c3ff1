/*
 * test.h: the few macros the unit tests need. A failed CHECK prints where
 * and what, counts, and the test carries on; main returns test_report().
 */
#ifndef POSTERN_TEST_H
#define POSTERN_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failures_;
static int test_checks_;

#define CHECK(cond)                                                          \
    do {                                                                     \
        test_checks_++;                                                      \
        if (!(cond)) {                                                       \
            test_failures_++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                   \
    do {                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                  \
        test_checks_++;                                                      \
        if (a_ != b_) {                                                      \
            test_failures_++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", \
                    __FILE__, __LINE__, #a, #b, a_, b_);                     \
        }                                                                    \
    } while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

#define RUN(test)                                                            \
    do {                                                                     \
        int before_ = test_failures_;                                        \
        test();                                                              \
        fprintf(stderr, "%s %s\n", test_failures_ == before_ ? "ok  " : "FAIL", #test); \
    } while (0)

static inline int test_report(void)
{
    fprintf(stderr, "%d checks, %d failed\n", test_checks_, test_failures_);
    return test_failures_ ? 1 : 0;
}

#endif
