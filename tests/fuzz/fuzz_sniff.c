/*
 * fuzz_sniff.c: libFuzzer harness; the properties are in
 * fuzz_sniff_target.h. Build and run (tests/fuzz/README.md):
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_sniff fuzz_corpus_gen
 *   build-fuzz/bin/fuzz_corpus_gen build-fuzz/corpus
 *   build-fuzz/bin/fuzz_sniff -max_total_time=600 build-fuzz/corpus/sniff
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_sniff: %s\n", what);                             \
        abort();                                                               \
    } while (0)

#include "fuzz_sniff_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sniff_one(data, size);
    return 0;
}
