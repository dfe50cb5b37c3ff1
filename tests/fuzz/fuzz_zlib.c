/*
 * fuzz_zlib.c: libFuzzer harness; the properties are in fuzz_zlib_target.h.
 * Build and run (tests/fuzz/README.md):
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_zlib
 *   build-fuzz/bin/fuzz_zlib -max_total_time=600
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_zlib: %s\n", what);                              \
        abort();                                                               \
    } while (0)

#include "fuzz_zlib_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_zlib_one(data, size);
    return 0;
}
