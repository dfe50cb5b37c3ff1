/*
 * fuzz_transport.c: libFuzzer harness; the properties are in
 * fuzz_transport_target.h. Build and run (tests/fuzz/README.md):
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_transport fuzz_corpus_gen
 *   build-fuzz/bin/fuzz_corpus_gen build-fuzz/corpus
 *   build-fuzz/bin/fuzz_transport -max_total_time=600 build-fuzz/corpus/transport
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_transport: %s\n", what);                         \
        abort();                                                               \
    } while (0)

#include "fuzz_transport_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_transport_one(data, size);
    return 0;
}
