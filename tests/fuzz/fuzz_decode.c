/*
 * fuzz_decode.c: libFuzzer harness for read_struct, skip_struct and
 * message_length of the binary and compact protocols (see
 * fuzz_decode_target.h for the properties checked). Build and run with
 * tests/fuzz/fuzz_decode.sh [SECONDS [JOBS]], or
 *   CC=clang cmake -S . -B build-fuzz -DPOSTERN_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_decode
 *   build-fuzz/bin/fuzz_decode -max_total_time=300 CORPUS_DIR
 */
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_FAIL(what)                                                        \
    do {                                                                       \
        fprintf(stderr, "fuzz_decode: %s\n", what);                            \
        abort();                                                               \
    } while (0)

#include "fuzz_decode_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_decode_one(data, size);
    return 0;
}
