/*
 * fuzz_header.c: libFuzzer harness; the properties are in fuzz_header_target.h.
 * Build and run (tests/fuzz/README.md):
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_header
 *   build-fuzz/bin/fuzz_header -max_total_time=600
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_header: %s\n", what);                            \
        abort();                                                               \
    } while (0)

#include "fuzz_header_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_header_one(data, size);
    return 0;
}
